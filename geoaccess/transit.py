"""Public transport travel times: walk, wait, ride and transfer, over a departure window.

:func:`transit_travel_times` combines GTFS timetables (bus, tram, rail... several feeds
at once) with a walking :class:`~geoaccess.Network` and returns a
:class:`~geoaccess.TravelTimes` like any other mode, so every measure, comparison,
equality breakdown and map works on it unchanged.

A journey from an area to a site is one of

- a walk all the way (walking-only journeys always count, so public transport never
  makes a place look further away than walking does), or
- a walk to a stop, a wait, a ride, then any number (up to ``max_transfers``) of
  transfers, each a walk to a nearby stop (or staying at the same stop) and another
  ride, and a walk from the last stop to the site.

Each walking leg of a public transport journey is at most ``max_walk_minutes`` long and
follows the walking network (snapped like :func:`~geoaccess.travel_times` snaps areas
and sites, the snap distances walked at ``access_speed_kmh``). For every departure
minute in the window the earliest arrival is found (waiting at the origin counts as
part of the journey, as in the DfT Journey Time Statistics, r5r and r5py), and the
minutes are summarised per area and site as percentiles over the departure minutes:
the median by default. Or, for a session that starts at a set time, ``arrive_by="09:30"``
gives for each area and site the time from the latest departure that still arrives by
09:30 to 09:30 (so waiting at the site before the session counts).

The routing is range RAPTOR over arrays, compiled with numba when it is installed
(``geoaccess/_kernels/raptor.py``); the walking legs are searches of the one routing
core, :func:`~geoaccess._kernels.dijkstra.many_to_all`, bounded by ``max_walk_minutes``.
Arrive-by searches run the same RAPTOR kernel on the timetable reversed in time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import pandas as pd
import pyproj

from . import _csr, _snap, settings
from ._kernels import raptor
from ._kernels.dijkstra import many_to_all, with_virtual_sources
from .errors import DataWarning, InputError
from .gtfs import GTFSFeed, as_date, read_gtfs
from .matrix import TravelTimes
from .network import Network
from .travel import points_in

__all__ = ["transit_travel_times"]

log = logging.getLogger(__name__)

FeedLike = GTFSFeed | str | os.PathLike

_CLOCK_RE = re.compile(r"^\s*(\d{1,2}):([0-5]\d)(?::([0-5]\d))?\s*$")


def _clock_seconds(value: Any, what: str) -> float:
    """Seconds after midnight of ``"07:00"``, ``"07:00:30"`` or a ``datetime.time``."""
    if isinstance(value, dt.time):
        return value.hour * 3600.0 + value.minute * 60.0 + value.second
    m = _CLOCK_RE.match(str(value))
    if not m:
        raise InputError(f"{what} {value!r} is not a time of day; give 'HH:MM' such as "
                         "'07:00' (hours past 24 reach into the next morning)")
    return int(m[1]) * 3600.0 + int(m[2]) * 60.0 + int(m[3] or 0)


def _span(window: Any, name: str, example: str, step_minutes: float) -> tuple[float, float]:
    """``(start, end)`` of a window of clock times in seconds, checked."""
    if window is None or isinstance(window, str) or len(window) != 2:
        raise InputError(f"{name}={window!r}: give a (start, end) pair such as {example}")
    start = _clock_seconds(window[0], f"{name} start")
    end = _clock_seconds(window[1], f"{name} end")
    if not end > start:
        raise InputError(f"{name}={tuple(window)!r}: the end must come after the start")
    if not step_minutes > 0:
        raise InputError(f"departure_step_minutes={step_minutes!r} must be positive")
    return start, end


def _window(departure_window: Sequence[Any], step_minutes: float) -> np.ndarray:
    start, end = _span(departure_window, "departure_window", "('07:00', '10:00')",
                       step_minutes)
    return np.arange(start, end, step_minutes * 60.0)


def _deadlines(arrive_by: Any, arrival_window: Sequence[Any] | None,
               step_minutes: float) -> np.ndarray:
    """Arrival deadlines in seconds: one (``arrive_by``) or a window's, ascending.

    ``arrival_window=(start, end)`` is the mirror image of a departure window: every
    step after ``start`` up to and including ``end``, so ``("09:00", "09:30")`` is
    09:01, 09:02 ... 09:30 (30 deadlines).
    """
    if arrive_by is not None and arrival_window is not None:
        raise InputError("give arrive_by or arrival_window, not both")
    if arrive_by is not None:
        return np.array([_clock_seconds(arrive_by, "arrive_by")])
    start, end = _span(arrival_window, "arrival_window", "('09:00', '09:30')", step_minutes)
    return np.sort(end - np.arange(0.0, end - start, step_minutes * 60.0))


# ------------------------------------------------------------------- walking legs
def _point_node_costs(snp: _snap.Snapped, segs: _snap.Segments, idx: np.ndarray,
                      toward_point: bool) -> tuple[np.ndarray, np.ndarray]:
    """Walking seconds between points and their segment's end nodes a and b.

    ``toward_point``: node -> point (else point -> node). Infinite where the segment
    has no arc in the needed direction.
    """
    seg = snp.seg[idx]
    f = snp.fraction[idx]
    w_ab, w_ba = segs.w_ab[seg], segs.w_ba[seg]

    def part(frac, w):
        return np.where(np.isfinite(w), frac * np.where(np.isfinite(w), w, 0.0), np.inf)

    if toward_point:
        return part(f, w_ab), part(1.0 - f, w_ba)
    return part(f, w_ba), part(1.0 - f, w_ab)


def _entries(snp, segs, idx, toward_point):
    """Flat (ptr, node, cost) of both end nodes of each point, finite costs only."""
    ca, cb = _point_node_costs(snp, segs, idx, toward_point)
    node = np.column_stack([snp.a[idx], snp.b[idx]]).ravel()
    cost = np.column_stack([ca, cb]).ravel()
    owner = np.repeat(np.arange(len(idx)), 2)
    keep = np.isfinite(cost)
    node, cost, owner = node[keep], cost[keep], owner[keep]
    ptr = np.zeros(len(idx) + 1, np.int64)
    np.cumsum(np.bincount(owner, minlength=len(idx)), out=ptr[1:])
    return ptr, node.astype(np.int64), cost, owner


def _walk_legs(net: Network, rev: tuple, segs: _snap.Segments,
               frm: _snap.Snapped, frm_idx: np.ndarray,
               to: _snap.Snapped, to_idx: np.ndarray,
               limit_s: float, access_ms: float, *, search_from: str):
    """Walking seconds from points ``frm[frm_idx]`` to points ``to[to_idx]`` within a limit.

    Returns COO ``(i, j, seconds)`` with ``i``/``j`` positions in ``frm_idx``/``to_idx``.
    ``search_from="from"`` runs one search per from-point on the network; ``"to"`` one
    per to-point on the reversed network (cheaper when there are fewer to-points). Each
    search starts from a virtual node joined to the point's two segment end nodes
    (:func:`~geoaccess._kernels.dijkstra.with_virtual_sources`) and stops at ``limit_s``.
    """
    n = net.n_nodes
    if search_from == "from":
        graph = (net.indptr, net.indices, net.seconds)
        src, src_idx, tgt, tgt_idx = frm, frm_idx, to, to_idx
    else:
        graph = rev
        src, src_idx, tgt, tgt_idx = to, to_idx, frm, frm_idx
    # seconds from a source point to its end nodes, and from end nodes to a target point
    # (on the reversed network both run the other way along the segment)
    sp, sn, sc, _ = _entries(src, segs, src_idx, toward_point=search_from != "from")
    ca, cb = _point_node_costs(tgt, segs, tgt_idx, toward_point=search_from == "from")
    ta, tb = tgt.a[tgt_idx], tgt.b[tgt_idx]
    aug = with_virtual_sources(*graph, sp, sn, sc)
    chunk = max(1, (1 << 22) // (len(aug[0]) - 1))  # rows of at most 32 MB
    found = []
    for lo in range(0, len(src_idx), chunk):
        rows = np.arange(lo, min(lo + chunk, len(src_idx)))
        dist = many_to_all(*aug, n + rows, limit=limit_s)
        best = np.minimum(dist[:, ta] + ca, dist[:, tb] + cb)
        r, c = np.nonzero(best <= limit_s)
        found.append((rows[r], c, best[r, c]))
    s_i = np.concatenate([f[0] for f in found] + [np.empty(0, np.int64)])
    t_j = np.concatenate([f[1] for f in found] + [np.empty(0, np.int64)])
    secs = np.concatenate([f[2] for f in found] + [np.empty(0, np.float64)])
    if search_from == "from":
        i, j = s_i, t_j
    else:
        i, j = t_j, s_i
    # points on the same segment can also meet directly along it
    a = pd.DataFrame({"i": np.arange(len(frm_idx)), "seg": frm.seg[frm_idx],
                      "fi": frm.fraction[frm_idx]})
    b = pd.DataFrame({"j": np.arange(len(to_idx)), "seg": to.seg[to_idx],
                      "fj": to.fraction[to_idx]})
    same = a.merge(b, on="seg")
    if len(same):
        seg = same["seg"].to_numpy()
        fi, fj = same["fi"].to_numpy(), same["fj"].to_numpy()
        with np.errstate(invalid="ignore"):
            direct = np.where(fj >= fi, (fj - fi) * segs.w_ab[seg], (fi - fj) * segs.w_ba[seg])
        direct = np.where(np.isnan(direct), np.inf, direct)
        ok = direct <= limit_s
        i = np.concatenate([i, same["i"].to_numpy()[ok]])
        j = np.concatenate([j, same["j"].to_numpy()[ok]])
        secs = np.concatenate([secs, direct[ok]])
    secs = secs + (frm.distance_m[frm_idx][i] + to.distance_m[to_idx][j]) / access_ms
    keep = secs <= limit_s
    frame = pd.DataFrame({"i": i[keep], "j": j[keep], "s": secs[keep]})
    frame = frame.groupby(["i", "j"], sort=True)["s"].min().reset_index()
    return (frame["i"].to_numpy(np.int64), frame["j"].to_numpy(np.int64),
            frame["s"].to_numpy(np.float64))


def _csr_of(i: np.ndarray, j: np.ndarray, s: np.ndarray, n: int):
    order = np.lexsort((j, i))
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(i, minlength=n), out=ptr[1:])
    return ptr, j[order].astype(np.int64), s[order].astype(np.float64)


# ------------------------------------------------------------------- preparation
@dataclass
class _Prepared:
    """Everything the RAPTOR kernel needs, kept for inspection and tests."""

    area_ids: pd.Index
    site_ids: pd.Index
    stops: pd.DataFrame  # stop_key, feed, stop_id, stop_name, lon, lat, x, y, snapped
    stop_times: pd.DataFrame  # trip, stop (index into stops), arr, dep, board, alight
    deps: np.ndarray
    patterns: raptor.Patterns
    access: tuple
    transfers: tuple
    egress: tuple
    walk_s: np.ndarray
    a_snap: _snap.Snapped
    s_snap: _snap.Snapped
    ax: np.ndarray
    ay: np.ndarray
    sx: np.ndarray
    sy: np.ndarray
    options: dict[str, Any] = field(default_factory=dict)
    feeds: list[dict[str, Any]] = field(default_factory=list)


def _as_feeds(feeds: FeedLike | Sequence[FeedLike]) -> list[GTFSFeed]:
    items = [feeds] if isinstance(feeds, (GTFSFeed, str, os.PathLike)) else list(feeds)
    out: list[GTFSFeed] = []
    for item in items:
        if isinstance(item, GTFSFeed):
            out.append(item)
        elif isinstance(item, (str, os.PathLike)):
            out.append(read_gtfs(item))
        else:
            raise InputError(f"feeds: expected GTFS paths or GTFSFeed objects from "
                             f"geoaccess.read_gtfs, got {type(item).__name__}")
    names = [f.name for f in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"feeds: several feeds are named {dup}; read them with "
                         "geoaccess.read_gtfs(path, name=...) giving each its own name")
    return out


def _prepare(walk_network: Network, feeds, sites, areas, *, date, deps: np.ndarray,
             max_walk_s: float, max_trip_s: float, max_snap_m: float,
             access_kmh: float, arrive: bool = False) -> _Prepared:
    """Timetable, stops and walking legs for departures ``deps``.

    With ``arrive``, ``deps`` are arrival deadlines and trips are kept from
    ``max_trip_s`` before the first.
    """
    if not isinstance(walk_network, Network):
        raise InputError("walk_network: expected a geoaccess.Network, e.g. "
                         "Network.from_osm_file(path, mode='walk')")
    if walk_network.mode not in ("walk", "pushchair"):
        log.warning("walk_network has mode %r: walking legs will use its travel times",
                    walk_network.mode)
    for name, frame, col in (("sites", sites, "site_id"), ("areas", areas, "area_id")):
        if col not in getattr(frame, "columns", ()):
            raise InputError(f"{name}: no {col!r} column; load it with "
                             f"geoaccess.read_{name}()", column=col)
    day = as_date(date)
    feed_list = _as_feeds(feeds)

    # ---- the day's timetable, all feeds together
    parts, stop_parts, info = [], [], []
    t0, t1 = ((deps[0] - max_trip_s, deps[-1]) if arrive
              else (deps[0], deps[-1] + max_trip_s))
    for feed in feed_list:
        st = feed.stop_times_on(day)
        misplaced = feed.misplaced_stops()
        if misplaced:
            st = st[~st["stop_id"].isin(misplaced)]
            warnings.warn(
                f"{feed.name}: {len(misplaced)} stop{'s' if len(misplaced) != 1 else ''} "
                f"left out of routing, reached only by impossibly fast hops (its "
                f"coordinates are probably wrong): {misplaced[:10]}; trips run on between "
                "their other stops (see geoaccess.check_gtfs)", DataWarning, stacklevel=3)
        n_day = st["trip_id"].nunique()
        if len(st):
            span = st.groupby("trip_id", sort=False).agg(first=("departure_s", "min"),
                                                         last=("arrival_s", "max"))
            useful = span.index[(span["last"] >= t0) & (span["first"] <= t1)]
            st = st[st["trip_id"].isin(useful)]
        info.append({"name": feed.name, "path": feed.path, "sha256": feed.sha256,
                     "service_range": [str(d) for d in feed.service_range],
                     "trips_on_date": int(n_day), "trips_in_window": int(st["trip_id"].nunique()),
                     "notes": list(feed.notes), "stops_left_out": list(misplaced)})
        if n_day == 0:
            log.warning("%s: no trips run on %s (a %s); only its other days have service",
                        feed.name, day.isoformat(), day.strftime("%A"))
        st = st.assign(trip=feed.name + ":" + st["trip_id"],
                       stop_key=feed.name + ":" + st["stop_id"])
        parts.append(st)
        stops = feed.stops.assign(stop_key=feed.name + ":" + feed.stops["stop_id"],
                                  feed=feed.name)
        stop_parts.append(stops[["stop_key", "feed", "stop_id", "stop_name", "stop_lon",
                                 "stop_lat"]])
    st = pd.concat(parts, ignore_index=True)
    all_stops = pd.concat(stop_parts, ignore_index=True).set_index("stop_key")
    used = pd.Index(pd.unique(st["stop_key"]), name="stop_key")
    stops = all_stops.loc[used].reset_index()
    if st["trip"].nunique() == 0:
        log.warning("no public transport runs in the departure window on %s: the result "
                    "is walking only", day.isoformat())

    # ---- points: areas, sites, stops, snapped to the walking network
    net = walk_network
    sx, sy = points_in(sites, net.crs, origin=False)
    ax, ay = points_in(areas, net.crs, origin=True)
    lon = stops["stop_lon"].to_numpy(np.float64)
    lat = stops["stop_lat"].to_numpy(np.float64)
    if len(stops):
        tx, ty = pyproj.Transformer.from_crs(4326, net.crs, always_xy=True).transform(lon, lat)
    else:
        tx = ty = np.empty(0)
    stops["x"], stops["y"] = np.asarray(tx, np.float64), np.asarray(ty, np.float64)
    segs = _snap.segments(net)
    s_snap = _snap.snap(segs, net, sx, sy, max_snap_m)
    a_snap = _snap.snap(segs, net, ax, ay, max_snap_m)
    p_snap = _snap.snap(segs, net, stops["x"].to_numpy(), stops["y"].to_numpy(), max_snap_m)
    stops["walkable"] = p_snap.seg >= 0
    stops["snap_distance_m"] = p_snap.distance_m
    n_lost = int((~stops["walkable"]).sum())
    if n_lost:
        log.info("%d of %d stops served in the window are beyond max_snap_m=%g m of the "
                 "walking network (or have no coordinates); they cannot be walked to",
                 n_lost, len(stops), max_snap_m)

    # ---- walking legs
    access_ms = access_kmh / 3.6
    rev = _csr.reverse(net.indptr, net.indices, net.seconds)
    a_ok = np.nonzero(a_snap.seg >= 0)[0]
    s_ok = np.nonzero(s_snap.seg >= 0)[0]
    p_ok = np.nonzero(p_snap.seg >= 0)[0]
    n_a, n_s, n_p = len(ax), len(sx), len(stops)
    i, j, s = _walk_legs(net, rev, segs, a_snap, a_ok, p_snap, p_ok, max_walk_s, access_ms,
                         search_from="from")
    access = _csr_of(a_ok[i], p_ok[j], s, n_a)
    i, j, s = _walk_legs(net, rev, segs, p_snap, p_ok, p_snap, p_ok, max_walk_s, access_ms,
                         search_from="from")
    keep = i != j
    transfers = _csr_of(p_ok[i[keep]], p_ok[j[keep]], s[keep], n_p)
    reachable = int(np.unique(access[1]).size)
    if n_p and not len(p_ok):
        warnings.warn(
            f"none of the {n_p} stops served in the window lies within max_snap_m="
            f"{max_snap_m:g} m of the walking network: the GTFS feed does not overlap the "
            "network, so every time is a walk-only time; check that the feed and the network "
            "cover the same place", DataWarning, stacklevel=3)
    elif n_p and reachable == 0:
        warnings.warn(
            f"none of the {n_p} stops served in the window can be walked to within "
            f"max_walk_minutes={max_walk_s / 60:g} from any area, so every time is a "
            "walk-only time; raise max_walk_minutes if that is not intended",
            DataWarning, stacklevel=3)
    else:
        log.info("transit: %d of %d stops can be walked to from an area", reachable, n_p)
    # one reverse search per site serves both the walk-only times and the egress legs
    both = _snap.Snapped(*(np.concatenate([getattr(a_snap, f), getattr(p_snap, f)])
                           for f in ("seg", "a", "b", "fraction", "distance_m", "nearest_m")))
    b_ok = np.concatenate([a_ok, n_a + p_ok])
    i, j, s = _walk_legs(net, rev, segs, both, b_ok, s_snap, s_ok, max_trip_s, access_ms,
                         search_from="to")
    frm = b_ok[i]
    walk_s = np.full((n_a, n_s), np.inf)
    is_area = frm < n_a
    walk_s[frm[is_area], s_ok[j[is_area]]] = s[is_area]
    eg = ~is_area & (s <= max_walk_s)
    egress = _csr_of(frm[eg] - n_a, s_ok[j[eg]], s[eg], n_p)

    # ---- patterns
    code = pd.Index(stops["stop_key"])
    st = st.assign(stop=code.get_indexer(st["stop_key"]))
    trip_codes, trip_names = pd.factorize(st["trip"], sort=False)
    st = st.assign(trip_code=trip_codes)
    board = (st["pickup_type"] != 1).to_numpy()
    alight = (st["drop_off_type"] != 1).to_numpy()
    patterns = raptor.build_patterns(
        st["trip_code"].to_numpy(np.int64), st["stop"].to_numpy(np.int64),
        st["arrival_s"].to_numpy(np.float64), st["departure_s"].to_numpy(np.float64),
        board, alight, n_p)
    timetable = pd.DataFrame({"trip": st["trip"].to_numpy(), "route_id": st["route_id"],
                              "stop": st["stop"].to_numpy(),
                              "arr": st["arrival_s"].to_numpy(),
                              "dep": st["departure_s"].to_numpy(),
                              "board": board, "alight": alight})
    log.info("transit: %d stops, %d trips in %d patterns, %d access, %d transfer and %d "
             "egress walks", n_p, len(trip_names), patterns.n_patterns, len(access[1]),
             len(transfers[1]), len(egress[1]))
    return _Prepared(
        area_ids=pd.Index(areas["area_id"].astype(str), name="area_id"),
        site_ids=pd.Index(sites["site_id"].astype(str), name="site_id"),
        stops=stops, stop_times=timetable, deps=deps, patterns=patterns, access=access,
        transfers=transfers, egress=egress, walk_s=walk_s, a_snap=a_snap, s_snap=s_snap,
        ax=ax, ay=ay, sx=sx, sy=sy, feeds=info,
        options={"date": day.isoformat(), "arrive": arrive, "max_walk_s": max_walk_s,
                 "max_trip_s": max_trip_s, "max_snap_m": max_snap_m,
                 "access_speed_kmh": access_kmh})


def _run(prep: _Prepared, *, percentiles: Sequence[float], max_rides: int, slack_s: float,
         keep_all: bool = False, progress: bool = False, chunk: int = 128):
    """Percentile seconds (n_pct, n_areas, n_sites) and optionally every departure."""
    from ._progress import tqdm

    acc_ptr, acc_stop, acc_s = prep.access
    n_a = len(acc_ptr) - 1
    n_pct = len(percentiles)
    n_sites = prep.walk_s.shape[1]
    out = np.full((n_pct, n_a, n_sites), np.inf)
    all_out = np.full((n_a, len(prep.deps), n_sites), np.inf) if keep_all else None
    # only sites on the network go to the kernel (its target pruning needs every site
    # it is given to be reachable in principle)
    live = np.nonzero(prep.s_snap.seg >= 0)[0]
    compact = np.full(n_sites, -1, np.int64)
    compact[live] = np.arange(len(live))
    eg_ptr, eg_site, eg_s = prep.egress
    egress = (eg_ptr, compact[eg_site], eg_s)
    walk_live = prep.walk_s[:, live]
    bar = tqdm(total=n_a, desc="public transport", unit="area", disable=not progress,
               leave=False)
    for a in range(0, n_a, chunk):
        b = min(a + chunk, n_a)
        lo, hi = acc_ptr[a], acc_ptr[b]
        access = (acc_ptr[a:b + 1] - lo, acc_stop[lo:hi], acc_s[lo:hi])
        res, every = raptor.range_raptor(
            prep.patterns, len(prep.stops), prep.transfers, access, egress,
            walk_live[a:b], prep.deps, max_rides=max_rides, slack=slack_s,
            max_trip=prep.options["max_trip_s"], percentiles=percentiles,
            keep_all=keep_all)
        out[:, a:b, live] = res
        if all_out is not None:
            all_out[a:b, :, live] = every
        bar.update(b - a)
    bar.close()
    return out, all_out


def _run_arrive(prep: _Prepared, *, percentiles: Sequence[float], max_rides: int,
                slack_s: float, keep_all: bool = False, progress: bool = False,
                chunk: int = 128):
    """As :func:`_run` for arrival deadlines ``prep.deps``, on the reversed timetable.

    Seconds from the latest departure to the deadline, by the range RAPTOR kernel.
    The sites are the origins of the reversed search and the areas its targets: access
    walks are the egress walks turned round, egress the access walks, transfers the
    transfer walks; ``every[a, d, j]`` is for deadline ``prep.deps[d]``.
    """
    from ._progress import tqdm

    n_a, n_s = prep.walk_s.shape
    n_p = len(prep.stops)
    n_pct = len(percentiles)
    live = np.nonzero(prep.a_snap.seg >= 0)[0]
    compact = np.full(n_a, -1, np.int64)
    compact[live] = np.arange(len(live))
    tt = prep.stop_times
    patterns = raptor.reversed_patterns(
        pd.factorize(tt["trip"], sort=False)[0], tt["stop"].to_numpy(), tt["arr"].to_numpy(),
        tt["dep"].to_numpy(), tt["board"].to_numpy(bool), tt["alight"].to_numpy(bool),
        n_p, slack_s)
    access = raptor.transpose(prep.egress, n_s)  # site -> stop
    egress = raptor.transpose(prep.access, n_p)  # stop -> area
    egress = (egress[0], compact[egress[1]], egress[2])
    transfers = raptor.transpose(prep.transfers, n_p)
    walk = np.ascontiguousarray(prep.walk_s[live].T)  # (sites, live areas)
    deps = np.sort(-prep.deps)  # reversed departures, ascending
    out = np.full((n_pct, n_a, n_s), np.inf)
    all_out = np.full((n_a, len(deps), n_s), np.inf) if keep_all else None
    acc_ptr, acc_stop, acc_s = access
    bar = tqdm(total=n_s, desc="public transport", unit="site", disable=not progress,
               leave=False)
    for a in range(0, n_s, chunk):
        b = min(a + chunk, n_s)
        lo, hi = acc_ptr[a], acc_ptr[b]
        acc = (acc_ptr[a:b + 1] - lo, acc_stop[lo:hi], acc_s[lo:hi])
        res, every = raptor.range_raptor(
            patterns, n_p, transfers, acc, egress, walk[a:b], deps, max_rides=max_rides,
            slack=0.0, max_trip=prep.options["max_trip_s"], percentiles=percentiles,
            keep_all=keep_all)
        out[:, live, a:b] = res.transpose(0, 2, 1)
        if all_out is not None:
            # reversed departure i is deadline -deps[i]: deadlines ascend when reversed
            all_out[live, :, a:b] = every[:, ::-1, :].transpose(2, 1, 0)
        bar.update(b - a)
    bar.close()
    return out, all_out


# ------------------------------------------------------------------------ public
@overload
def transit_travel_times(walk_network: Network, feeds: FeedLike | Sequence[FeedLike],
                         sites, areas, *, date: str | dt.date,
                         departure_window: Sequence[Any] | None = ...,
                         arrive_by: Any = ..., arrival_window: Sequence[Any] | None = ...,
                         percentiles: float = ..., max_walk_minutes: float = ...,
                         max_transfers: int = ..., max_trip_minutes: float = ...,
                         board_slack_seconds: float = ...,
                         departure_step_minutes: float = ...,
                         max_snap_m: float | None = ..., access_speed_kmh: float | None = ...,
                         progress: bool = ...) -> TravelTimes: ...


@overload
def transit_travel_times(walk_network: Network, feeds: FeedLike | Sequence[FeedLike],
                         sites, areas, *, date: str | dt.date,
                         departure_window: Sequence[Any] | None = ...,
                         arrive_by: Any = ..., arrival_window: Sequence[Any] | None = ...,
                         percentiles: Sequence[float] = ..., max_walk_minutes: float = ...,
                         max_transfers: int = ..., max_trip_minutes: float = ...,
                         board_slack_seconds: float = ...,
                         departure_step_minutes: float = ...,
                         max_snap_m: float | None = ..., access_speed_kmh: float | None = ...,
                         progress: bool = ...) -> dict[float, TravelTimes]: ...


def transit_travel_times(
    walk_network: Network,
    feeds: FeedLike | Sequence[FeedLike],
    sites,
    areas,
    *,
    date: str | dt.date,
    departure_window: Sequence[Any] | None = None,
    arrive_by: Any = None,
    arrival_window: Sequence[Any] | None = None,
    percentiles: float | Sequence[float] = 50,
    max_walk_minutes: float = 20.0,
    max_transfers: int = 3,
    max_trip_minutes: float = 120.0,
    board_slack_seconds: float = 60.0,
    departure_step_minutes: float = 1,
    max_snap_m: float | None = None,
    access_speed_kmh: float | None = None,
    progress: bool = False,
) -> TravelTimes | dict[float, TravelTimes]:
    """Area → site minutes by public transport and walking: leave in a window or arrive by.

    **Leaving in a window** (``departure_window``, the default 07:00-10:00): for every
    departure minute in the window the earliest arrival at each site is found, then the
    journey times (arrival less departure minute: waiting at the origin counts) are
    summarised per area and site by percentile over the departure minutes, with the
    nearest-rank rule (the median of 60 departures is the 30th shortest). A pair with
    no journey within ``max_trip_minutes`` at a departure minute counts as infinitely
    long there, so a median is missing (NaN, with a reason) when more than half the
    departures have no journey.

    **Arriving by a time** (``arrive_by="09:30"``, for a session that starts then): for
    each area and site, the latest time a family can leave home and still reach the
    site by 09:30 (walk, bus, any changes, walk; ``board_slack_seconds`` before every
    boarding), and the time reported is 09:30 less that latest departure. Waiting at
    the site before the session therefore counts, as a family experiences it: if the
    only bus arrives at 09:05, the journey is counted from leaving home for that bus
    to 09:30. A walk all the way counts its walking time (a family walking can leave
    just in time). ``arrival_window=("09:00", "09:30")`` does the same for every
    deadline after 09:00 up to 09:30 and summarises by percentile, as for departures.

    Parameters
    ----------
    walk_network : Network
        The walking network, e.g. ``Network.from_osm_file(path, mode="walk")``; its
        travel seconds are used for every walking leg.
    feeds : path, GTFSFeed or a list of them
        GTFS feeds (``.zip`` or folders), e.g. bus and rail of one city; paths are read
        with :func:`~geoaccess.read_gtfs`. Ids are kept apart by feed name.
    sites : geopandas.GeoDataFrame
        Sites from :func:`~geoaccess.read_sites`.
    areas : geopandas.GeoDataFrame
        Areas from :func:`~geoaccess.read_areas` (journeys start at ``origin_x``/
        ``origin_y``).
    date : str or datetime.date
        Service date, e.g. ``"2019-05-13"``; must lie in every feed's calendar.
    departure_window : (start, end), optional
        Departure times ``"HH:MM"`` (or :class:`datetime.time`); every
        ``departure_step_minutes`` from ``start`` up to but excluding ``end``, so
        ``("07:00", "08:00")`` is 60 departures. The DfT Journey Time Statistics use
        07:00-10:00, the default when no arrival time is given.
    arrive_by : str or datetime.time, optional
        Arrive by this time (``"09:30"``) instead of leaving in a window; the minutes
        are from the latest departure that arrives in time to this time.
    arrival_window : (start, end), optional
        Arrival deadlines every ``departure_step_minutes`` after ``start`` up to and
        including ``end`` (the mirror image of ``departure_window``), summarised by
        percentile. Only one of ``departure_window``, ``arrive_by`` and
        ``arrival_window`` may be given.
    percentiles : float or sequence of float
        Percentile(s) of journey time over the departure minutes, 0-100. A single
        number (default 50, the median) returns one :class:`TravelTimes`; a sequence
        returns a dict of them keyed by percentile (as :func:`numpy.percentile` returns
        an array for a sequence).
    max_walk_minutes : float
        Longest walking leg of a public transport journey: to the first stop, each
        transfer between stops, and from the last stop. Walking-only journeys are not
        limited by it (only by ``max_trip_minutes``).
    max_transfers : int
        Most changes of vehicle (0 = one ride only).
    max_trip_minutes : float
        Longest journey counted, waiting at the origin included.
    board_slack_seconds : float
        Time needed at a stop before a vehicle's departure to board it (R5's default
        is 60 s); applies to every boarding.
    departure_step_minutes : float
        Spacing of departure times (or arrival deadlines) in the window.
    max_snap_m : float, optional
        Largest distance from an area origin, a site or a stop to the walking network
        (default :data:`geoaccess.settings.max_snap_m`).
    access_speed_kmh : float, optional
        Speed of the snap legs (default :data:`geoaccess.settings.access_speed_kmh`).
    progress : bool
        Show a progress bar.

    Returns
    -------
    TravelTimes or dict of float to TravelTimes
        ``mode="transit"``; the provenance records the feeds (with checksums), the
        date, the window or arrival time and every option.

    Raises
    ------
    InputError
        Bad feeds (see :func:`~geoaccess.read_gtfs`), a date outside a feed's
        calendar, a bad window or option, sites or areas without ids.

    Notes
    -----
    GTFS ``transfers.txt`` is not used: transfers are walks on the walking network
    between stops (with the same stop allowed, after ``board_slack_seconds``).
    ``frequencies.txt`` trips run at ``start_time + n * headway_secs``. Stops that
    :func:`~geoaccess.check_gtfs` finds misplaced (reached only by impossibly fast
    hops) are left out, with a :class:`~geoaccess.DataWarning` naming them; their
    trips run on between their other stops.

    Arrive-by times come from the same range RAPTOR run on the timetable reversed in
    time (each trip's stops in reverse order, times negated, boarding and alighting
    swapped) from the sites back to the areas: the earliest reversed arrival is the
    latest departure, exactly, not to the nearest minute.

    Examples
    --------
    >>> import geoaccess as ga
    >>> osm = ga.datasets.get_path("porto-alegre-osm")
    >>> walk = ga.Network.from_osm_file(osm, mode="walk")  # doctest: +SKIP
    >>> feeds = [ga.datasets.get_path("porto-alegre-eptc"),
    ...          ga.datasets.get_path("porto-alegre-trensurb")]
    >>> tt = ga.transit_travel_times(walk, feeds,
    ...                              sites, areas, date="2019-05-13",
    ...                              departure_window=("14:00", "15:00"))  # doctest: +SKIP
    >>> tt.mode  # doctest: +SKIP
    'transit'
    >>> session = ga.transit_travel_times(walk, feeds, sites, areas, date="2019-05-13",
    ...                                   arrive_by="14:30")  # doctest: +SKIP
    >>> session.provenance["arrive_by"]  # doctest: +SKIP
    '14:30'
    """
    single = np.ndim(percentiles) == 0
    pcts = [float(percentiles)] if single else [float(p) for p in percentiles]  # type: ignore[arg-type,union-attr]
    bad = [p for p in pcts if not 0 <= p <= 100]
    if bad or not pcts:
        raise InputError(f"percentiles={percentiles!r}: give numbers between 0 and 100")
    for name, value in (("max_walk_minutes", max_walk_minutes),
                        ("max_trip_minutes", max_trip_minutes)):
        if not (isinstance(value, (int, float)) and value > 0):
            raise InputError(f"{name}={value!r} must be a positive number of minutes")
    if (not isinstance(max_transfers, (int, np.integer)) or isinstance(max_transfers, bool)
            or max_transfers < 0):
        raise InputError(f"max_transfers={max_transfers!r} must be a whole number >= 0")
    if not board_slack_seconds >= 0:
        raise InputError(f"board_slack_seconds={board_slack_seconds!r} must be >= 0")
    arrive = arrive_by is not None or arrival_window is not None
    if arrive and departure_window is not None:
        raise InputError("give departure_window (leave in a window) or arrive_by / "
                         "arrival_window (arrive by a time), not both")
    deps = (_deadlines(arrive_by, arrival_window, departure_step_minutes) if arrive
            else _window(("07:00", "10:00") if departure_window is None
                         else departure_window, departure_step_minutes))
    max_snap = float(settings.max_snap_m if max_snap_m is None else max_snap_m)
    access_kmh = float(settings.access_speed_kmh if access_speed_kmh is None
                       else access_speed_kmh)
    max_walk_s = float(max_walk_minutes) * 60.0
    max_trip_s = float(max_trip_minutes) * 60.0

    prep = _prepare(walk_network, feeds, sites, areas, date=date, deps=deps,
                    max_walk_s=max_walk_s, max_trip_s=max_trip_s, max_snap_m=max_snap,
                    access_kmh=access_kmh, arrive=arrive)
    secs, _ = (_run_arrive if arrive else _run)(
        prep, percentiles=pcts, max_rides=int(max_transfers) + 1,
        slack_s=float(board_slack_seconds), progress=progress)

    step_s = departure_step_minutes * 60
    if not arrive:
        window = f"{_hhmm(deps[0])}-{_hhmm(deps[-1] + step_s)}"
        timing = {"departure_window": window}
        times_words = f"departures {window}"
    elif len(deps) == 1:
        window = _hhmm(deps[0])
        timing = {"arrive_by": window}
        times_words = f"arrival deadline (arrive by {window})"
    else:
        window = f"{_hhmm(deps[0] - step_s)}-{_hhmm(deps[-1])}"
        timing = {"arrival_window": window}
        times_words = f"arrival deadlines {window} (arrive by each)"
    walk_mode = walk_network.mode
    area_reason = _snap.unsnapped_reasons(prep.a_snap, "area origin", walk_mode, max_snap,
                                          prep.area_ids)
    site_reason = _snap.unsnapped_reasons(prep.s_snap, "site", walk_mode, max_snap, prep.site_ids)
    snap = pd.concat([
        pd.DataFrame({"role": "area", "id": prep.area_ids.to_numpy(), "node_a": prep.a_snap.a,
                      "node_b": prep.a_snap.b, "fraction": prep.a_snap.fraction,
                      "snap_distance_m": prep.a_snap.distance_m, "x": prep.ax, "y": prep.ay}),
        pd.DataFrame({"role": "site", "id": prep.site_ids.to_numpy(), "node_a": prep.s_snap.a,
                      "node_b": prep.s_snap.b, "fraction": prep.s_snap.fraction,
                      "snap_distance_m": prep.s_snap.distance_m, "x": prep.sx, "y": prep.sy}),
    ], ignore_index=True).set_index(["role", "id"])
    provenance = {f"walk_network_{k}": v for k, v in walk_network.provenance.items()}
    stops = prep.stops
    provenance.update({
        "mode": "transit", "feeds": prep.feeds, "date": prep.options["date"], **timing,
        "departure_step_minutes": departure_step_minutes,
        ("deadlines" if arrive else "departures"): int(len(deps)),
        "time_rule": ("arrive by: minutes from the latest departure that arrives in time "
                      "to the arrival time (waiting at the site counts)" if arrive else
                      "leave in a window: minutes from each departure to the earliest "
                      "arrival (waiting at the start counts)"),
        "max_walk_minutes": float(max_walk_minutes),
        "max_transfers": int(max_transfers), "max_trip_minutes": float(max_trip_minutes),
        "board_slack_seconds": float(board_slack_seconds), "max_snap_m": max_snap,
        "access_speed_kmh": access_kmh, "network_crs": walk_network.crs,
        "stops_used": int(len(stops)), "stops_not_walkable": int((~stops["walkable"]).sum()),
        "trips": int(prep.stop_times["trip"].nunique()),
        "patterns": int(prep.patterns.n_patterns),
        "percentile_rule": ("nearest rank over arrival deadlines" if arrive
                            else "nearest rank over departure minutes"),
        "engine": (f"range RAPTOR on the time-reversed timetable ({raptor.ENGINE})"
                   if arrive else f"range RAPTOR ({raptor.ENGINE})"),
    })
    results: dict[float, TravelTimes] = {}
    for q, p in enumerate(pcts):
        minutes = secs[q] / 60.0
        minutes[~np.isfinite(minutes)] = np.nan
        minutes[~(prep.a_snap.seg >= 0), :] = np.nan
        minutes[:, ~(prep.s_snap.seg >= 0)] = np.nan
        frame = pd.DataFrame(minutes, index=prep.area_ids, columns=prep.site_ids)
        if arrive and len(deps) == 1:
            pair = (f"no public transport or walking journey of at most "
                    f"max_trip_minutes={max_trip_minutes:g} arrives by {window} on "
                    f"{prep.options['date']}")
        else:
            pair = (f"no public transport or walking journey within max_trip_minutes="
                    f"{max_trip_minutes:g} for {_share(p, len(deps))} of the {len(deps)} "
                    f"{times_words} on {prep.options['date']} (percentile {p:g})")
        prov = dict(provenance, percentile=p)
        results[p] = TravelTimes(frame, mode="transit", area_reason=area_reason,
                                 site_reason=site_reason, pair_reason=pair, snap=snap,
                                 max_minutes=float(max_trip_minutes), provenance=prov)
    return results[pcts[0]] if single else results


def _hhmm(seconds: float) -> str:
    m = int(round(seconds / 60.0))
    return f"{m // 60:02d}:{m % 60:02d}"


def _share(p: float, n: int) -> str:
    """How many departures must lack a journey for percentile ``p`` to be missing."""
    idx = max(int(np.ceil(p / 100.0 * n)) - 1, 0)
    return "all" if idx == 0 else f"{n - idx} or more"

