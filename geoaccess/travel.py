"""Origin-to-site travel times over a network: the matrix computed once, used everywhere.

:func:`travel_times` snaps every origin (one point per area, or the many weighted
origins of :func:`~geoaccess.build_origins`) and every site onto the nearest street
segment of the network's main component, runs one shortest-path search per site on the
reversed graph (so times run origin → site, which matters on one-way drive networks), and
adds the access legs (snap distances walked at ``access_speed_kmh``). The result is a
:class:`TravelTimes`: minutes indexed by ``area_id`` (or ``origin_id``) with a column per
``site_id``, the snap of every point, and a reason for every missing value.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyproj

from . import _csr, settings
from .errors import InputError
from .matrix import TravelTimes
from .network import Network

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from .scenario import Scenario

__all__ = ["points_in", "service_areas", "travel_times"]

log = logging.getLogger(__name__)



def _part(fraction: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """``fraction * seconds`` where the arc exists (finite seconds), else inf."""
    fraction = np.nan_to_num(np.asarray(fraction, np.float64))
    ok = np.isfinite(seconds)
    return np.where(ok, fraction * np.where(ok, seconds, 0.0), np.inf)


def points_in(gdf, crs: str, *, origin: bool) -> tuple[np.ndarray, np.ndarray]:
    """x, y of sites (geometry) or area origins (``origin_x``/``origin_y``) in ``crs``."""
    target = pyproj.CRS.from_user_input(crs)
    if origin and {"origin_x", "origin_y"} <= set(gdf.columns):
        x = gdf["origin_x"].to_numpy(np.float64)
        y = gdf["origin_y"].to_numpy(np.float64)
    else:
        geom = gdf.geometry
        pts = geom.where(geom.geom_type == "Point", geom.representative_point())
        x, y = pts.x.to_numpy(np.float64), pts.y.to_numpy(np.float64)
    source = pyproj.CRS.from_user_input(gdf.crs)
    if source != target:
        x, y = pyproj.Transformer.from_crs(source, target, always_xy=True).transform(x, y)
    return np.asarray(x, np.float64), np.asarray(y, np.float64)


def _rows(areas: Any) -> tuple[pd.Index, pd.DataFrame | None, str]:
    """Row ids, the origins table (None for one point per area) and the snap role."""
    cols = set(getattr(areas, "columns", ()))
    if {"origin_id", "area_id", "weight"} <= cols:
        ids = pd.Index(areas["origin_id"].astype(str), name="origin_id")
        if ids.has_duplicates:
            dup = ids[ids.duplicated()].unique().tolist()
            raise InputError(f"origins: duplicate origin ids {dup[:5]}", column="origin_id",
                             rows=dup)
        table = pd.DataFrame(areas.drop(columns=[areas.geometry.name], errors="ignore"))
        return ids, table.set_index(ids), "origin"
    if "area_id" not in cols:
        raise InputError("areas: no 'area_id' column; load them with geoaccess.read_areas() "
                         "or build origins with geoaccess.build_origins()", column="area_id")
    return pd.Index(areas["area_id"].astype(str), name="area_id"), None, "area"


def travel_times(
    network: Network,
    sites: Any,
    areas: Any,
    *,
    max_snap_m: float | None = None,
    max_minutes: float | None = None,
    access_speed_kmh: float | None = None,
    progress: bool = False,
    engine: str = "auto",
) -> TravelTimes:
    """Compute origin → site travel minutes over a network.

    Every site and every origin is snapped to the nearest point on a street segment of
    the network's main strongly connected component; the snap distance is walked at
    ``access_speed_kmh`` at both ends. One Dijkstra search per site runs on the reversed
    graph (``scipy.sparse.csgraph``), so times are origin → site even on one-way streets.

    Parameters
    ----------
    network : Network
        The mode's network.
    sites : geopandas.GeoDataFrame
        Sites from :func:`~geoaccess.read_sites` (``site_id`` and point geometry).
    areas : geopandas.GeoDataFrame
        Either areas from :func:`~geoaccess.read_areas` (``area_id`` and
        ``origin_x``/``origin_y`` or geometry: one row per area), or origins from
        :func:`~geoaccess.build_origins` (``origin_id``, ``area_id``, ``weight``, point
        geometry: one row per origin, and :attr:`TravelTimes.origins` is set; minutes
        are then stored as float32).
    max_snap_m : float, optional
        Largest snap distance in metres (default :data:`geoaccess.settings.max_snap_m`);
        points further away get NaN with a reason.
    max_minutes : float, optional
        Stop searching beyond this many minutes; longer journeys are NaN with a reason.
    access_speed_kmh : float, optional
        Speed of the access legs (default :data:`geoaccess.settings.access_speed_kmh`).
    progress : bool
        Show a progress bar.
    engine : {"auto", "numba", "scipy"}
        Shortest-path engine: ``"numba"`` (parallel, compiled; needs ``geoaccess[fast]``)
        or ``"scipy"`` (``scipy.sparse.csgraph``). ``"auto"`` uses numba when installed.
        Both give the same times.

    Returns
    -------
    TravelTimes

    Examples
    --------
    >>> import geoaccess as ga
    >>> net = ga.Network.from_osm_file(ga.datasets.get_path("rutland-osm"), mode="walk")
    >>> sites = ga.read_sites(ga.datasets.get_path("rutland-sites"))
    >>> areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    >>> tt = ga.travel_times(net, sites, areas, progress=False)
    >>> tt.minutes.shape == (len(areas), len(sites))
    True
    >>> homes = ga.build_origins(areas, osm=ga.datasets.get_path("rutland-osm"))
    >>> tt_homes = ga.travel_times(net, sites, homes, progress=False)
    >>> tt_homes.minutes.shape == (len(homes), len(sites)), len(tt_homes.area_ids)
    (True, 26)
    """
    from . import _snap
    from ._kernels.dijkstra import many_to_all
    from ._progress import tqdm

    max_snap_m = float(settings.max_snap_m if max_snap_m is None else max_snap_m)
    access_kmh = float(settings.access_speed_kmh if access_speed_kmh is None
                       else access_speed_kmh)
    if "site_id" not in getattr(sites, "columns", ()):
        raise InputError("sites: no 'site_id' column; load it with geoaccess.read_sites()",
                         column="site_id")
    row_ids, origins, role = _rows(areas)
    site_ids = pd.Index(sites["site_id"].astype(str), name="site_id")
    sx, sy = points_in(sites, network.crs, origin=False)
    ax, ay = points_in(areas, network.crs, origin=role == "area")
    segs = _snap.segments(network)
    s_snap = _snap.snap(segs, network, sx, sy, max_snap_m)
    a_snap = _snap.snap(segs, network, ax, ay, max_snap_m)

    n = network.n_nodes
    n_sites = len(site_ids)
    ok_site = s_snap.seg >= 0
    # reversed graph plus one virtual node per site: Q -> c costs s*w(c->d), Q -> d (1-s)*w(d->c)
    rp, ri, rd = _csr.reverse(network.indptr, network.indices, network.seconds)
    tails = _csr.arcs_from_csr(rp, ri).astype(np.int64)
    seg_ok = np.maximum(s_snap.seg, 0)
    w_cd = segs.w_ab[seg_ok]
    w_dc = segs.w_ba[seg_ok]
    q = n + np.arange(n_sites)
    extra_u = np.concatenate([q, q])
    extra_v = np.concatenate([s_snap.a, s_snap.b])
    extra_w = np.concatenate([_part(s_snap.fraction, w_cd), _part(1 - s_snap.fraction, w_dc)])
    keep = np.concatenate([ok_site, ok_site]) & np.isfinite(extra_w)
    ip, ix, dat = _csr.csr_from_arcs(
        np.concatenate([tails, extra_u[keep]]), np.concatenate([ri, extra_v[keep]]),
        np.concatenate([rd, extra_w[keep]]), n + n_sites)
    limit = np.inf if max_minutes is None else float(max_minutes) * 60.0

    a_ok = a_snap.seg >= 0
    a_a = np.maximum(a_snap.a, 0)
    a_b = np.maximum(a_snap.b, 0)
    t = np.nan_to_num(a_snap.fraction)
    w_ab = segs.w_ab[np.maximum(a_snap.seg, 0)]
    w_ba = segs.w_ba[np.maximum(a_snap.seg, 0)]
    off_a = _part(t, w_ba)
    off_b = _part(1 - t, w_ab)
    access_ms = access_kmh / 3.6
    a_access = np.nan_to_num(a_snap.distance_m) / access_ms
    s_access = np.nan_to_num(s_snap.distance_m) / access_ms
    dtype = np.float32 if origins is not None else np.float64
    minutes = np.full((len(row_ids), n_sites), np.nan, dtype=dtype)
    todo = np.nonzero(ok_site)[0]
    chunk = 8
    bar = tqdm(total=len(todo), desc=f"{network.mode} travel times", unit="site",
               disable=not progress, leave=False)
    for start in range(0, len(todo), chunk):
        idx = todo[start:start + chunk]
        dist = many_to_all(ip, ix, dat, n + idx, limit=limit, engine=engine)
        best = np.minimum(off_a[None, :] + dist[:, a_a], off_b[None, :] + dist[:, a_b])
        # an origin and a site on the same segment can also meet directly along it
        same = a_snap.seg[None, :] == s_snap.seg[idx][:, None]
        if same.any():
            si, ai = np.nonzero(same)
            s = s_snap.fraction[idx][si]
            ta = t[ai]
            direct = np.where(s >= ta, _part(s - ta, w_ab[ai]), _part(ta - s, w_ba[ai]))
            best[si, ai] = np.minimum(best[si, ai], direct)
        best += a_access[None, :] + s_access[idx][:, None]
        best /= 60.0
        if max_minutes is not None:
            best[best > max_minutes] = np.inf
        best[:, ~a_ok] = np.inf
        best[~np.isfinite(best)] = np.nan
        minutes[:, idx] = best.T
        bar.update(len(idx))
    bar.close()
    frame = pd.DataFrame(minutes, index=row_ids, columns=site_ids)

    what = "area origin" if role == "area" else "origin"
    area_reason = _snap.unsnapped_reasons(a_snap, what, network.mode, max_snap_m, row_ids)
    site_reason = _snap.unsnapped_reasons(s_snap, "site", network.mode, max_snap_m, site_ids)
    pair = f"no route from the {role} to the site on the network"
    if max_minutes is not None:
        pair = (f"no route from the {role} to the site within max_minutes={max_minutes:g} "
                "on the network")
    snap = pd.concat([
        pd.DataFrame({"role": role, "id": row_ids.to_numpy(), "node_a": a_snap.a,
                      "node_b": a_snap.b, "fraction": a_snap.fraction,
                      "snap_distance_m": a_snap.distance_m, "x": ax, "y": ay}),
        pd.DataFrame({"role": "site", "id": site_ids.to_numpy(), "node_a": s_snap.a,
                      "node_b": s_snap.b, "fraction": s_snap.fraction,
                      "snap_distance_m": s_snap.distance_m, "x": sx, "y": sy}),
    ], ignore_index=True).set_index(["role", "id"])
    provenance = dict(network.provenance)
    provenance.update({"max_snap_m": max_snap_m, "access_speed_kmh": access_kmh,
                       "max_minutes": max_minutes, "network_crs": network.crs,
                       "snapping": "nearest point on a segment of the main component"})
    if origins is not None:
        provenance["origins"] = {str(k): v for k, v in getattr(areas, "attrs", {}).items()
                                 if isinstance(v, (str, int, float, list)) or v is None}
        provenance["minutes_dtype"] = "float32"
    n_bad = int((~a_ok).sum())
    if n_bad:
        log.warning("%d of %d %ss are beyond max_snap_m=%g m of the %s network",
                    n_bad, len(a_ok), what, max_snap_m, network.mode)
    return TravelTimes(frame, mode=network.mode, area_reason=area_reason,
                       site_reason=site_reason, pair_reason=pair, snap=snap,
                       max_minutes=max_minutes, provenance=provenance, origins=origins)


def service_areas(
    network: Network,
    sites: gpd.GeoDataFrame,
    scenario: Scenario | None = None,
    *,
    thresholds: Sequence[float] = (10, 15, 20),
    walk_in_m: float = 100.0,
    roles: Iterable[str] | None = None,
    max_snap_m: float | None = None,
    access_speed_kmh: float | None = None,
) -> gpd.GeoDataFrame:
    """Polygons of the land within each threshold of the open sites, along the network.

    How: the open sites are snapped to the network's main component exactly as
    :func:`geoaccess.travel_times` snaps them (nearest point on a street segment, the
    snap distance walked at ``access_speed_kmh``). One multi-source Dijkstra search
    (the routing core of :func:`travel_times`, from a virtual node joined to every
    open site) on the *reversed* graph gives every node's time *to* its nearest open site, so
    one-way streets count in the direction families travel. Along each street segment
    the reachable stretch is found exactly (travel along the segment to either end node,
    or directly to a site on the same segment). A point of land belongs to the
    *t*-minute service area when it lies within ``walk_in_m`` metres of a stretch of
    street reached within *t* minutes minus the time to walk those ``walk_in_m`` metres
    (at ``access_speed_kmh``): walking straight to that street, anyone inside is within
    *t* minutes (a "sausage buffer", Oliver et al. 2007). Land further than ``walk_in_m``
    from any street is left out, however close. :func:`geoaccess.travel_times` joins an
    origin to its *nearest* street instead, which can be a slower one, so an area origin
    inside the polygon can still have a longer time in the matrix.

    Parameters
    ----------
    network : Network
        The mode's network.
    sites : geopandas.GeoDataFrame
        Sites from :func:`geoaccess.read_sites`.
    scenario : Scenario, optional
        Which sites are open (default: all of ``sites``).
    thresholds : sequence of float
        Minutes (default 10, 15, 20).
    walk_in_m : float
        Buffer around the reachable streets, in metres (default 100).
    roles : iterable of str, optional
        Count only open sites with these roles (e.g. ``["hub"]``).
    max_snap_m, access_speed_kmh : float, optional
        As in :func:`geoaccess.travel_times` (defaults from :mod:`geoaccess.settings`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per threshold, nested (the 20-minute area contains the 15-minute one):
        ``threshold_minutes``, ``area_km2``, ``street_km`` (length of street reached),
        ``open_sites`` (sites placed on the network), geometry in the network's CRS.

    Examples
    --------
    >>> import geoaccess as ga
    >>> net = ga.Network.from_osm_file(ga.datasets.get_path("west-oakland"), mode="walk")
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> x, y = float(net.x.mean()), float(net.y.mean())
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"]}, geometry=[Point(x, y)], crs=net.crs)
    >>> sa = service_areas(net, site, thresholds=[2, 5])
    >>> sa["threshold_minutes"].tolist(), bool(sa.area_km2.is_monotonic_increasing)
    ([2.0, 5.0], True)
    """
    import geopandas as gpd
    import shapely

    from . import _snap
    from ._kernels.dijkstra import many_to_all

    if "site_id" not in getattr(sites, "columns", ()):
        raise InputError("service_areas: expected the sites GeoDataFrame from "
                         "geoaccess.read_sites", column="site_id")
    ts = sorted({float(t) for t in thresholds})
    if not ts or any(not t > 0 for t in ts):
        raise InputError(f"service_areas: thresholds must be positive minutes, got "
                         f"{list(thresholds)}", column="thresholds")
    if not walk_in_m >= 0:
        raise InputError(f"service_areas: walk_in_m must be >= 0, got {walk_in_m}")
    max_snap = float(settings.max_snap_m if max_snap_m is None else max_snap_m)
    access_ms = float(settings.access_speed_kmh if access_speed_kmh is None
                      else access_speed_kmh) / 3.6
    ids = sites["site_id"].astype(str)
    if scenario is not None:
        keep = scenario.mask(ids, None if roles is None else list(roles))
    else:
        keep = np.ones(len(ids), dtype=bool)
        if roles is not None and "kind" in sites.columns:
            keep = sites["kind"].astype(str).isin(list(roles)).to_numpy()
    chosen = sites[keep]
    sx, sy = points_in(chosen, network.crs, origin=False)
    segs = _snap.segments(network)
    sn = _snap.snap(segs, network, sx, sy, max_snap)
    ok = sn.seg >= 0
    if (~ok).any():
        log.warning("service_areas: %d open sites are more than %g m from the network and "
                    "are left out", int((~ok).sum()), max_snap)
    n = network.n_nodes
    seg = np.maximum(sn.seg[ok], 0)
    frac = sn.fraction[ok]
    access_s = sn.distance_m[ok] / access_ms
    w_ab_site, w_ba_site = segs.w_ab[seg], segs.w_ba[seg]
    # reversed graph plus a virtual source joined to both ends of every site's segment:
    # in the original graph, a -> site costs frac * w(a->b), b -> site (1-frac) * w(b->a)
    rp, ri, rd = _csr.reverse(network.indptr, network.indices, network.seconds)
    tails = _csr.arcs_from_csr(rp, ri).astype(np.int64)
    src = np.full(2 * len(seg), n, dtype=np.int64)
    dst = np.concatenate([sn.a[ok], sn.b[ok]]).astype(np.int64)
    cost = np.concatenate([access_s + _part(frac, w_ab_site),
                           access_s + _part(1 - frac, w_ba_site)])
    fin = np.isfinite(cost)
    ip, ix, dat = _csr.csr_from_arcs(np.concatenate([tails, src[fin]]),
                                     np.concatenate([ri, dst[fin]]),
                                     np.concatenate([rd, cost[fin]]), n + 1)
    walk_in_s = float(walk_in_m) / access_ms
    limit = max(ts) * 60.0
    if len(seg):
        dist = many_to_all(ip, ix, dat, np.array([n]), limit=limit)[0, :n]
    else:
        dist = np.full(n, np.inf)
    ax_, ay_ = network.x[segs.a], network.y[segs.a]
    dx, dy = network.x[segs.b] - ax_, network.y[segs.b] - ay_
    seg_len = np.hypot(dx, dy)
    rows = []
    for t in ts:
        budget = t * 60.0 - walk_in_s
        pieces_seg: list[np.ndarray] = []
        pieces_lo: list[np.ndarray] = []
        pieces_hi: list[np.ndarray] = []
        if budget >= 0:
            with np.errstate(invalid="ignore", divide="ignore"):
                # point at fraction f reaches node a in f * w(b->a), node b in (1-f) * w(a->b)
                fa = np.where(np.isfinite(segs.w_ba), (budget - dist[segs.a]) / segs.w_ba,
                              np.where(dist[segs.a] <= budget, 0.0, -1.0))
                fb = np.where(np.isfinite(segs.w_ab),
                              1.0 - (budget - dist[segs.b]) / segs.w_ab,
                              np.where(dist[segs.b] <= budget, 1.0, 2.0))
            fa = np.nan_to_num(fa, nan=-1.0, posinf=2.0, neginf=-1.0)
            fb = np.nan_to_num(fb, nan=2.0, posinf=2.0, neginf=-1.0)
            whole = fa >= fb
            k = np.arange(len(segs.a))
            pieces_seg += [k[whole]]
            pieces_lo += [np.zeros(int(whole.sum()))]
            pieces_hi += [np.ones(int(whole.sum()))]
            left = ~whole & (fa >= 0)
            pieces_seg += [k[left]]
            pieces_lo += [np.zeros(int(left.sum()))]
            pieces_hi += [np.minimum(fa[left], 1.0)]
            right = ~whole & (fb <= 1)
            pieces_seg += [k[right]]
            pieces_lo += [np.maximum(fb[right], 0.0)]
            pieces_hi += [np.ones(int(right.sum()))]
            # along the site's own segment, directly to the site
            r = budget - access_s
            with np.errstate(invalid="ignore", divide="ignore"):
                lo = np.clip(frac - np.where(np.isfinite(w_ab_site), r / w_ab_site, 0.0), 0, 1)
                hi = np.clip(frac + np.where(np.isfinite(w_ba_site), r / w_ba_site, 0.0), 0, 1)
            own = r >= 0
            pieces_seg += [seg[own]]
            pieces_lo += [lo[own]]
            pieces_hi += [hi[own]]
        kk = np.concatenate(pieces_seg) if pieces_seg else np.zeros(0, dtype=np.int64)
        f0 = np.concatenate(pieces_lo) if pieces_lo else np.zeros(0)
        f1 = np.concatenate(pieces_hi) if pieces_hi else np.zeros(0)
        good = f1 >= f0
        kk, f0, f1 = kk[good], f0[good], f1[good]
        street_km = _covered_length(kk, f0, f1, seg_len) / 1000.0
        # sites' own points, so a site on a dead end still has its patch
        pts = shapely.points(sx[ok], sy[ok]) if budget >= access_s.min(initial=np.inf) \
            else np.array([], dtype=object)
        if len(kk):
            coords = np.stack([
                np.column_stack([ax_[kk] + f0 * dx[kk], ay_[kk] + f0 * dy[kk]]),
                np.column_stack([ax_[kk] + f1 * dx[kk], ay_[kk] + f1 * dy[kk]])], axis=1)
            # join the pieces into long lines, buffer each, dissolve: in GEOS this is
            # ~100x faster than buffering one multi-line of thousands of parts
            lines = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(
                shapely.linestrings(coords))))
            parts = shapely.buffer(np.concatenate([lines, pts]),
                                   max(float(walk_in_m), 0.01), quad_segs=4)
            poly = shapely.union_all(parts)
        else:
            poly = shapely.Polygon()
        rows.append({"threshold_minutes": t, "area_km2": float(poly.area) / 1e6,
                     "street_km": street_km, "open_sites": int(ok.sum()), "geometry": poly})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=network.crs)
    out.attrs = {"walk_in_m": float(walk_in_m), "mode": network.mode,
                 "scenario": None if scenario is None else scenario.name}
    return out


def _covered_length(seg: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                    seg_len: np.ndarray) -> float:
    """Length of the union of intervals [lo, hi] (fractions) along each segment."""
    if len(seg) == 0:
        return 0.0
    order = np.lexsort((lo, seg))
    k, a, b = seg[order], lo[order], hi[order]
    reach = pd.Series(b).groupby(k).cummax()
    before = reach.groupby(k).shift(1).to_numpy(np.float64)
    start = np.maximum(a, np.nan_to_num(before, nan=-np.inf))
    return float((np.maximum(0.0, b - start) * seg_len[k]).sum())
