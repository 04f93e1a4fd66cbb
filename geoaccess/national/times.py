"""National travel times: many sites, many origins, bounded searches, on Dask or in-process."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import settings
from .._staging import Staging
from .._version import __version__
from ..errors import InputError
from ..network import Network
from ..travel import points_in, travel_times
from ._dask import executor
from ._tiles import (
    Part,
    clip_network,
    longest_arc_m,
    plan_parts,
    rows_near,
    search_buffer_m,
)
from .store import ORIGIN_PREFIX, SNAP_COLUMNS, NationalTimes, write_meta, write_times

__all__ = ["national_travel_times"]

log = logging.getLogger(__name__)


@dataclass
class _Shared:
    """What every task needs, shipped once per worker."""

    network: Network
    sites: Any  # GeoDataFrame: site_id, geometry (points in the network CRS)
    kind: str  # "area" (one point per area) or "origin" (many weighted points per area)
    max_minutes: float | None
    max_snap_m: float
    access_speed_kmh: float
    engine: str
    k_nearest: int | None
    buffer_m: float
    longest_arc_m: float
    times_dir: str | None  # where tasks write their rows (None: returned to the client)
    minutes_dtype: str


@dataclass
class _Task:
    """One part and its rows, shipped as arrays (each task carries only its own rows)."""

    part: Part
    rows: np.ndarray  # positions of the rows routed in this part
    report: np.ndarray  # positions (within ``rows``) whose snap this part reports
    x: np.ndarray  # the rows' points in the network CRS
    y: np.ndarray
    ids: np.ndarray
    areas: np.ndarray
    regions: np.ndarray
    weights: np.ndarray | None  # origins only

    def frame(self, crs: str) -> Any:
        """The rows as :func:`geoaccess.travel_times` takes them."""
        if self.weights is None:
            return _points(self.x, self.y, crs, {"area_id": self.ids, "origin_x": self.x,
                                                 "origin_y": self.y})
        return _points(self.x, self.y, crs, {"origin_id": self.ids, "area_id": self.areas,
                                             "weight": self.weights})


@dataclass
class _Out:
    """A task's answer: small arrays only (the long rows are on disk unless k-nearest)."""

    index: int
    rows_with_time: np.ndarray
    row_pos: np.ndarray  # reported rows: positions, snap reason and snap columns
    row_reason: np.ndarray
    row_snap: np.ndarray
    site_pos: np.ndarray
    site_reason: np.ndarray
    site_snap: np.ndarray
    pairs: int
    best: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # k-nearest: rows, sites, minutes
    pair_reason: str
    provenance: dict[str, Any]
    cost: dict[str, float]


def _points(x: np.ndarray, y: np.ndarray, crs: str, columns: dict[str, Any]) -> Any:
    import geopandas as gpd

    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(x, y), crs=crs)


def _prepare_rows(origins: Any, crs: str, region: str | None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, pd.DataFrame, str]:
    """The rows' points in ``crs``, weights, the table stored beside the times, and kind."""
    cols = set(getattr(origins, "columns", ()))
    if not hasattr(origins, "geometry"):
        raise InputError("origins: expected a GeoDataFrame of areas (geoaccess.read_areas) or "
                         "of origins (geoaccess.build_origins)", column="origins")
    is_origin = {"origin_id", "area_id", "weight"} <= cols
    if not is_origin and "area_id" not in cols:
        raise InputError("origins: no 'area_id' column; load areas with geoaccess.read_areas()",
                         column="area_id")
    if region is not None and region not in cols:
        raise InputError(f"origins: no column {region!r} to name the region of each row; "
                         f"columns are {sorted(map(str, cols))[:30]}", column=region)
    ids = origins["origin_id" if is_origin else "area_id"].astype(str)
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].unique().tolist()
        what = "origin_id" if is_origin else "area_id"
        raise InputError(f"origins: duplicate {what}s {dup[:5]}", column=what, rows=dup)
    x, y = points_in(origins, crs, origin=not is_origin)
    table = pd.DataFrame({"origin_id": ids.to_numpy(),
                          "area_id": origins["area_id"].astype(str).to_numpy(),
                          "region": (origins[region].astype(str).to_numpy() if region
                                     else np.full(len(ids), "all", dtype=object))})
    if is_origin:
        spread = table.groupby("area_id")["region"].nunique()
        if (spread > 1).any():
            bad = spread.index[spread > 1].tolist()
            raise InputError(f"origins: the origins of areas {bad[:5]} lie in several regions "
                             f"of {region!r}; a region must hold whole areas (give a column "
                             "of the areas' authority)", column=region, rows=bad)
        geom = origins.geometry.name
        for c in origins.columns:
            if c not in (geom, "origin_id", "area_id"):
                table[f"{ORIGIN_PREFIX}{c}"] = origins[c].to_numpy()
        return x, y, origins["weight"].to_numpy(), table, "origin"
    return x, y, None, table, "area"


def _route(shared: _Shared, task: _Task) -> _Out:
    """Run one part: clip (tiles), route its sites to its rows, keep or write the times."""
    start = time.perf_counter()
    part = task.part
    net, nodes = shared.network, None
    if part.box is not None:
        net, nodes = clip_network(shared.network, part.box,
                                  shared.buffer_m + shared.max_snap_m,
                                  longest_arc=shared.longest_arc_m)
    clipped = time.perf_counter()
    sites = shared.sites.iloc[part.sites]
    tt = travel_times(net, sites, task.frame(net.crs), max_snap_m=shared.max_snap_m,
                      max_minutes=shared.max_minutes,
                      access_speed_kmh=shared.access_speed_kmh, progress=False,
                      engine=shared.engine)
    routed = time.perf_counter()
    values = tt.minutes.to_numpy()
    finite = np.isfinite(values)
    r, c = np.nonzero(finite)
    best = None
    if shared.k_nearest is not None:
        k = min(shared.k_nearest, values.shape[1])
        order = np.argsort(np.where(finite, values, np.inf), axis=1, kind="stable")[:, :k]
        top = np.take_along_axis(values, order, axis=1)
        keep = np.isfinite(top)
        rr = np.broadcast_to(np.arange(len(task.rows))[:, None], order.shape)[keep]
        best = (task.rows[rr], part.sites[order[keep]], top[keep])
    elif len(r) and shared.times_dir is not None:
        write_times(shared.times_dir, f"part-{part.index:06d}", pd.DataFrame({
            "origin_id": task.ids[r], "area_id": task.areas[r],
            "site_id": tt.site_ids.to_numpy()[c], "minutes": values[r, c],
            "reason": None, "region": task.regions[r]}),
            shared.minutes_dtype)
    written = time.perf_counter()

    def snaps(role: str, ids: pd.Index) -> np.ndarray:
        table = tt.snap.loc[role].reindex(ids)
        out = table[list(SNAP_COLUMNS)].to_numpy(np.float64)
        if nodes is not None:
            for j in (0, 1):
                ok = out[:, j] >= 0
                out[ok, j] = nodes[out[ok, j].astype(np.int64)]
        return out

    role = shared.kind
    report_ids = tt.minutes.index[task.report]
    return _Out(
        index=part.index, rows_with_time=task.rows[np.unique(r)],
        row_pos=task.rows[task.report],
        row_reason=tt.area_reason.reindex(report_ids).to_numpy(dtype=object),
        row_snap=snaps(role, report_ids) if len(report_ids) else np.zeros((0, 6)),
        site_pos=part.sites, site_reason=tt.site_reason.to_numpy(dtype=object),
        site_snap=snaps("site", tt.site_ids), pairs=int(len(r)), best=best,
        pair_reason=tt.pair_reason, provenance=dict(tt.provenance),
        cost={"sites": len(part.sites), "rows": len(task.rows), "nodes": net.n_nodes,
              "clip_s": clipped - start, "route_s": routed - clipped,
              "write_s": written - routed})


class _TopK:
    """The k smallest times per row seen so far, merged part by part (ties: site order)."""

    def __init__(self, n_rows: int, k: int) -> None:
        self.minutes = np.full((n_rows, k), np.inf)
        self.site = np.full((n_rows, k), np.iinfo(np.int64).max, dtype=np.int64)

    def add(self, rows: np.ndarray, sites: np.ndarray, minutes: np.ndarray) -> None:
        if not len(rows):
            return
        k = self.minutes.shape[1]
        order = np.lexsort((sites, rows))
        rows, sites, minutes = rows[order], sites[order], minutes[order]
        uniq, first, counts = np.unique(rows, return_index=True, return_counts=True)
        slot = np.arange(len(rows)) - np.repeat(first, counts)
        new_m = np.full((len(uniq), k), np.inf)
        new_s = np.full((len(uniq), k), np.iinfo(np.int64).max, dtype=np.int64)
        where = np.repeat(np.arange(len(uniq)), counts)
        new_m[where, slot] = minutes
        new_s[where, slot] = sites
        cand_m = np.concatenate([self.minutes[uniq], new_m], axis=1)
        cand_s = np.concatenate([self.site[uniq], new_s], axis=1)
        pick = np.lexsort((cand_s, cand_m), axis=-1)[:, :k]
        self.minutes[uniq] = np.take_along_axis(cand_m, pick, axis=1)
        self.site[uniq] = np.take_along_axis(cand_s, pick, axis=1)

    def long(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r, j = np.nonzero(np.isfinite(self.minutes))
        return r, self.site[r, j], self.minutes[r, j]


def _execute(client: Any, shared: _Shared, tasks: list[_Task],
             handle: Callable[[_Out], None], progress: bool) -> None:
    from .._progress import tqdm

    bar = tqdm(total=len(tasks), desc=f"national {shared.network.mode} travel times",
               unit="part", disable=not progress, leave=False)
    with executor(client) as ex:
        if ex is None:
            for task in tasks:
                handle(_route(shared, task))
                bar.update()
        else:
            from distributed import as_completed

            # the network once per worker; each task's rows to one worker, as data (a task
            # graph carrying them would be large), and the task runs where its rows are
            data = ex.scatter(shared, broadcast=True, hash=False)
            payloads = ex.scatter(tasks, hash=False)
            futures = [ex.submit(_route, data, p, pure=False) for p in payloads]
            for fut in as_completed(futures):
                handle(fut.result())
                fut.release()
                bar.update()
            for f in (data, *payloads):
                f.release()
    bar.close()


def _check_args(max_minutes: float | None, k_nearest: int | None, partition: str,
                buffer_m: float | None) -> None:
    if max_minutes is None:
        if partition == "tiles":
            raise InputError("max_minutes is needed to tile a national run (the tiles' buffer "
                             "is the longest journey considered); give max_minutes or use "
                             "partition='sites'", column="max_minutes")
    elif isinstance(max_minutes, bool) or not isinstance(max_minutes, (int, float)) \
            or not 0 < float(max_minutes) < np.inf:
        raise InputError(f"max_minutes must be a positive number of minutes, got "
                         f"{max_minutes!r}", column="max_minutes")
    if k_nearest is not None and (isinstance(k_nearest, bool)
                                  or not isinstance(k_nearest, (int, np.integer))
                                  or k_nearest < 1):
        raise InputError(f"k_nearest must be a whole number of sites >= 1, got {k_nearest!r}",
                         column="k_nearest")
    if buffer_m is not None and (isinstance(buffer_m, bool)
                                 or not isinstance(buffer_m, (int, float)) or not buffer_m > 0):
        raise InputError(f"buffer_m must be a positive number of metres, got {buffer_m!r}",
                         column="buffer_m")


def national_travel_times(
    network: Network,
    sites: Any,
    origins: Any,
    *,
    out: str | os.PathLike[str],
    max_minutes: float | None,
    k_nearest: int | None = None,
    partition: str = "tiles",
    chunk_size: int = 64,
    buffer_m: float | None = None,
    region: str | None = None,
    client: Any = None,
    max_snap_m: float | None = None,
    access_speed_kmh: float | None = None,
    engine: str = "auto",
    progress: bool = True,
) -> NationalTimes:
    """Travel times from many origins to many sites, in parts, stored long by region.

    The sites are split into parts of at most ``chunk_size``; each part is one task run by
    :func:`geoaccess.travel_times` (so the times are the same), in-process or on a Dask
    cluster. Searches stop at ``max_minutes``, so a national matrix costs in proportion to
    what is reachable. The times are written as a long table, ``origin_id``, ``area_id``,
    ``site_id``, ``minutes``, partitioned by ``region`` (Parquet, :mod:`pyarrow.dataset`);
    an origin with no time at all has a row with NaN minutes and the reason. Read a region
    back dense with :meth:`NationalTimes.read`.

    Parameters
    ----------
    network : Network
        The mode's network (all of it; shipped once to each worker).
    sites : geopandas.GeoDataFrame
        Sites (:func:`~geoaccess.read_sites`).
    origins : geopandas.GeoDataFrame
        Areas (:func:`~geoaccess.read_areas`, one point per area) or origins
        (``origin_id``, ``area_id``, ``weight``; many per area).
    out : path-like
        Output folder, replaced as a whole when the run completes (an interrupted run
        leaves the previous folder as it was).
    max_minutes : float or None
        Search bound in minutes; longer journeys are not stored. Needed for tiles.
    k_nearest : int, optional
        Keep, for each origin, only the ``k_nearest`` shortest times (ties broken by site
        order) within ``max_minutes``.
    partition : {"tiles", "sites"}
        ``"tiles"``: compact groups of nearby sites, each routed on the network clipped to
        the sites' box plus ``buffer_m``, from the origins within ``buffer_m`` (cheap per
        part, any country size). ``"sites"``: sites in their order over the whole network
        and every origin (exact by construction; each part costs the whole network).
    chunk_size : int
        Sites per part (memory of a part: origins × ``chunk_size`` floats).
    buffer_m : float, optional
        Straight-line reach of the longest journey; default ``max_minutes`` at the
        network's fastest straight-line speed over any arc (or the access speed, if
        faster). A smaller value can miss journeys and is logged as a warning.
    region : str, optional
        Column of ``origins`` naming each origin's region (e.g. a local authority code);
        the long table is partitioned by it. Default: one region, ``"all"``.
    client : None, distributed.Client, str or int
        None runs the parts in this process, one after another; a ``distributed.Client``
        runs them on its cluster; a scheduler address (``"tcp://host:8786"``) connects to
        one for this call; an int starts a ``LocalCluster`` of that many single-threaded
        worker processes for this call. Workers write their parts to ``out`` directly, so
        on a cluster of several machines ``out`` must be on a shared file system.
    max_snap_m, access_speed_kmh : float, optional
        As in :func:`~geoaccess.travel_times`.
    engine : {"auto", "numba", "fallback"}
        Shortest-path engine, as in :func:`~geoaccess.travel_times`.
    progress : bool
        Show a progress bar over the parts.

    Returns
    -------
    NationalTimes
        The written folder, with the run's settings and measured costs.

    Raises
    ------
    InputError
        Bad arguments or inputs (naming them).

    Examples
    --------
    >>> import geoaccess as ga, tempfile
    >>> net = ga.Network.from_osm_file(ga.datasets.get_path("rutland-osm"), mode="walk")
    >>> sites = ga.read_sites(ga.datasets.get_path("rutland-sites"))
    >>> areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     run = ga.national_travel_times(net, sites, areas, max_minutes=20, k_nearest=1,
    ...                                    out=d + "/walk", chunk_size=10, progress=False)
    ...     long = run.long()
    >>> bool(long.groupby("origin_id").size().max() == 1), long.origin_id.nunique()
    (True, 26)
    """
    start = time.perf_counter()
    _check_args(max_minutes, k_nearest, partition, buffer_m)
    if "site_id" not in getattr(sites, "columns", ()):
        raise InputError("sites: no 'site_id' column; load them with geoaccess.read_sites()",
                         column="site_id")
    site_ids = sites["site_id"].astype(str)
    if site_ids.duplicated().any():
        dup = site_ids[site_ids.duplicated()].unique().tolist()
        raise InputError(f"sites: duplicate site ids {dup[:5]}", column="site_id", rows=dup)
    max_snap = float(settings.max_snap_m if max_snap_m is None else max_snap_m)
    access_kmh = float(settings.access_speed_kmh if access_speed_kmh is None
                       else access_speed_kmh)
    sx, sy = points_in(sites, network.crs, origin=False)
    site_points = _points(sx, sy, network.crs, {"site_id": site_ids.to_numpy()})
    ox, oy, weights, rows, kind = _prepare_rows(origins, network.crs, region)
    n_rows = len(rows)
    need = (search_buffer_m(network, max_minutes, access_kmh) if max_minutes is not None
            else np.inf)
    buffer = need if buffer_m is None else float(buffer_m)
    if buffer < need:
        log.warning("buffer_m=%g m is less than the reach of a %g-minute journey on this "
                    "network (%.0f m): journeys leaving the buffer are missed", buffer,
                    max_minutes, need)
    parts = plan_parts(sx, sy, partition=partition, chunk_size=chunk_size)
    reported = np.zeros(n_rows, dtype=bool)
    row_ids, row_areas = rows["origin_id"].to_numpy(), rows["area_id"].to_numpy()
    row_regions = rows["region"].to_numpy()
    tasks = []
    for part in parts:
        near = rows_near(part.box, ox, oy, buffer)
        report = np.nonzero(~reported[near])[0]
        reported[near] = True
        tasks.append(_Task(part, near, report, ox[near], oy[near], row_ids[near],
                           row_areas[near], row_regions[near],
                           None if weights is None else weights[near]))
    dtype = "float32" if kind == "origin" else "float64"
    k = None if k_nearest is None else int(k_nearest)
    mode = network.mode
    row_reason = np.full(n_rows, None, dtype=object)
    row_snap = np.full((n_rows, len(SNAP_COLUMNS)), np.nan)
    has_time = np.zeros(n_rows, dtype=bool)
    site_reason = np.full(len(site_ids), None, dtype=object)
    site_snap = np.full((len(site_ids), len(SNAP_COLUMNS)), np.nan)
    top = _TopK(n_rows, k) if k is not None else None
    costs: list[dict[str, float]] = []
    first: dict[str, Any] = {}

    def handle(res: _Out) -> None:
        has_time[res.rows_with_time] = True
        row_reason[res.row_pos] = res.row_reason
        row_snap[res.row_pos] = res.row_snap
        site_reason[res.site_pos] = res.site_reason
        site_snap[res.site_pos] = res.site_snap
        if top is not None and res.best is not None:
            top.add(*res.best)
        costs.append({"part": res.index, "pairs": res.pairs, **res.cost})
        first.setdefault("pair_reason", res.pair_reason)
        first.setdefault("provenance", res.provenance)

    about = {"made_by": f"geoaccess {__version__}", "national": True, "mode": mode}
    with Staging(Path(out), about=about) as st:
        times_dir = st.folder("times")
        shared = _Shared(network, site_points, kind,
                         None if max_minutes is None else float(max_minutes), max_snap,
                         access_kmh, engine, k, buffer,
                         longest_arc_m(network) if partition == "tiles" else 0.0,
                         str(times_dir), dtype)
        prepared = time.perf_counter()
        _execute(client, shared, tasks, handle, progress)
        routed = time.perf_counter()
        bound = f"within max_minutes={max_minutes:g} " if max_minutes is not None else ""
        unreached = f"no site {bound}by {mode}"
        if top is not None:
            r, s, m = top.long()
            has_time[:] = False
            has_time[r] = True
            write_times(times_dir, "nearest", pd.DataFrame({
                "origin_id": rows["origin_id"].to_numpy()[r],
                "area_id": rows["area_id"].to_numpy()[r],
                "site_id": site_ids.to_numpy()[s], "minutes": m, "reason": None,
                "region": rows["region"].to_numpy()[r]}), dtype)
        snap_reason = pd.Series(row_reason, dtype=object)
        none = np.nonzero(~has_time)[0]
        reason = np.full(n_rows, None, dtype=object)
        reason[none] = [row_reason[i] if row_reason[i] is not None and not pd.isna(
            row_reason[i]) else unreached for i in none]
        write_times(times_dir, "unreached", pd.DataFrame({
            "origin_id": rows["origin_id"].to_numpy()[none],
            "area_id": rows["area_id"].to_numpy()[none], "site_id": None,
            "minutes": np.full(len(none), np.nan), "reason": reason[none],
            "region": rows["region"].to_numpy()[none]}), dtype)
        table = rows.copy()
        table["snap_reason"] = snap_reason.where(snap_reason.notna(), None).to_numpy()
        table["no_time_reason"] = reason
        for j, col in enumerate(SNAP_COLUMNS):
            table[col] = row_snap[:, j]
        written = {"origins": st.path("origins.parquet"), "sites": st.path("sites.parquet")}
        table.to_parquet(written["origins"], index=False)
        site_table = pd.DataFrame({"site_id": site_ids.to_numpy(), "reason": [
            r if r is not None and not pd.isna(r) else
            (None if np.isfinite(sx[i]) and np.isfinite(sy[i]) else "site has no valid location")
            for i, r in enumerate(site_reason)]})
        for j, col in enumerate(SNAP_COLUMNS):
            site_table[col] = site_snap[:, j]
        site_table.to_parquet(written["sites"], index=False)
        pair = first.get("pair_reason", f"no route from the {kind} to the site on the network")
        if k is not None:
            pair = f"not among the {k} nearest sites, or {pair}"
        route = [c["route_s"] for c in costs]
        meta = {
            "format": 1, "mode": mode, "rows": kind, "minutes_dtype": dtype,
            "max_minutes": max_minutes, "k_nearest": k, "partition": partition,
            "chunk_size": int(chunk_size), "buffer_m": None if partition == "sites" else buffer,
            "region_column": region, "pair_reason": pair,
            "provenance": first.get("provenance", dict(network.provenance)),
            "stats": {
                "origins": n_rows, "sites": len(site_ids), "parts": len(parts),
                "origins_with_time": int(has_time.sum()),
                "pairs": int(sum(c["pairs"] for c in costs)),
                "route_seconds": float(sum(route)),
                "clip_seconds": float(sum(c["clip_s"] for c in costs)),
                "setup_seconds": prepared - start,
                "parts_seconds": routed - prepared,
                "parts_detail": sorted(costs, key=lambda c: c["part"]),
            },
        }
        for p in sorted(times_dir.rglob("*.parquet")):
            written[p.relative_to(st.dir).as_posix()] = p  # type: ignore[arg-type]
        meta["stats"]["finish_seconds"] = time.perf_counter() - routed
        meta["stats"]["wall_seconds"] = time.perf_counter() - start
        written["meta"] = write_meta(st.folder("."), meta)
        st.commit(written)
    log.info("national %s travel times: %d origins × %d sites in %d parts, %.1f s", mode,
             n_rows, len(site_ids), len(parts), meta["stats"]["wall_seconds"])
    return NationalTimes.open(out)
