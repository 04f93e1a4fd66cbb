"""Checks of a GTFS feed's geography and times, beyond what reading requires.

Feeds such as the Bus Open Data Service exports are valid GTFS but may hold a stop placed
hundreds of kilometres from where its buses go, or station parents far from any service.
:func:`check_tables` finds such things with rules that do not depend on the place:

``far_stop``
    A stop more than a bound from the nearest *other* stop that vehicles serve. The
    bound is generous and adapts to the feed: the larger of 10 km and 20 times the median
    distance from a served stop to its nearest served neighbour (in a town, neighbouring
    stops are a few hundred metres apart; in the Highlands, more). A median is not moved
    by a few stray stops, however far.
``fast_hop``
    Two consecutive stops of a trip so far apart that the vehicle would need more than
    150 km/h (350 km/h on rail, GTFS ``route_type`` 2 and 100-117) to cover the
    straight line between them in the scheduled time plus one minute (timetables are
    rounded to the minute, so a hop timed at 0 minutes is allowed a minute).
``misplaced_stop``
    A stop both of whose hops on some trip are ``fast_hop`` s (the classic "spike" of a
    mis-keyed coordinate), or that ends a trip with a fast hop from a stop whose other
    hop is normal: the stop, not its neighbours, is in the wrong place. Routing leaves
    such stops out. (A fast hop between the only two stops of a trip blames neither.)
``unused_stop``
    A stop or station (``location_type`` 0 or 1) at which no trip stops. Stations are
    never served directly; the detail says whether the station groups stops that are.
``after_midnight``
    A stop time at or after 24:00:00, valid GTFS for a trip that started the day before
    midnight (an information row; :meth:`GTFSFeed.stop_times_on` handles them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._crs import haversine_m

#: Columns of the problems table.
COLUMNS = ("kind", "severity", "stop_id", "to_stop_id", "trip_id", "detail")
#: Fastest believable straight-line speed between consecutive stops, km/h.
MAX_SPEED_KMH = 150.0
MAX_RAIL_SPEED_KMH = 350.0
#: Smallest bound of the far-stop rule, km, and the multiple of the neighbour distance.
FAR_KM_MIN = 10.0
FAR_FACTOR = 20.0
_EARTH_M = 6_371_008.8
_DAY = 86_400.0


def _is_rail(route_type: np.ndarray) -> np.ndarray:
    return (route_type == 2) | ((route_type >= 100) & (route_type <= 117))


def _unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord_to_m(chord: np.ndarray) -> np.ndarray:
    return 2.0 * _EARTH_M * np.arcsin(np.clip(np.asarray(chord) / 2.0, 0.0, 1.0))


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def far_bound_km(nearest_km: np.ndarray) -> float:
    """The far-stop bound: max(10 km, 20 x the median neighbour distance)."""
    finite = nearest_km[np.isfinite(nearest_km)]
    if not len(finite):
        return FAR_KM_MIN
    return float(max(FAR_KM_MIN, FAR_FACTOR * np.median(finite)))


def _rows(kind: str, severity: str, stop_id, to_stop_id, trip_id, detail) -> pd.DataFrame:
    n = len(detail)
    return pd.DataFrame({"kind": [kind] * n, "severity": [severity] * n,
                         "stop_id": list(stop_id), "to_stop_id": list(to_stop_id),
                         "trip_id": list(trip_id), "detail": list(detail)})


def _far_stops(stops: pd.DataFrame, served: np.ndarray) -> pd.DataFrame:
    from scipy.spatial import cKDTree

    lon = stops["stop_lon"].to_numpy(np.float64)
    lat = stops["stop_lat"].to_numpy(np.float64)
    known = np.isfinite(lon) & np.isfinite(lat)
    ref = served & known
    if ref.sum() < 2:
        return _rows("far_stop", "warning", [], [], [], [])
    tree = cKDTree(_unit(lon[ref], lat[ref]))
    pts = _unit(lon[known], lat[known])
    # two nearest served stops: the first is the stop itself when it is served
    dist, _ = tree.query(pts, k=2)
    self_ref = ref[known]
    nearest_km = _chord_to_m(np.where(self_ref, dist[:, 1], dist[:, 0])) / 1000.0
    bound = far_bound_km(nearest_km[self_ref])
    far = nearest_km > bound
    severity = np.where(self_ref[far], "warning", "info")
    ids = stops["stop_id"].to_numpy()[known][far]
    names = stops["stop_name"].astype(str).to_numpy()[known][far]
    km = nearest_km[far]
    kinds = np.where(self_ref[far], "served", "not served")
    detail = [f"stop {i!r} ({n}) is {k:,.0f} km from the nearest other stop vehicles serve "
              f"(the bound is {bound:,.0f} km); it is {s} by trips"
              for i, n, k, s in zip(ids, names, km, kinds, strict=True)]
    out = _rows("far_stop", "warning", ids, [""] * len(ids), [""] * len(ids), detail)
    out["severity"] = severity
    return out


def _hops(stops: pd.DataFrame, routes: pd.DataFrame, trips: pd.DataFrame,
          st: pd.DataFrame) -> pd.DataFrame:
    """``fast_hop`` and ``misplaced_stop`` rows (stop times sorted by trip and sequence)."""
    empty = pd.concat([_rows("fast_hop", "warning", [], [], [], []),
                       _rows("misplaced_stop", "warning", [], [], [], [])])
    if len(st) < 2:
        return empty
    coords = stops.drop_duplicates("stop_id").set_index("stop_id")
    at = coords.index.get_indexer(pd.Index(st["stop_id"]))
    lon = np.r_[coords["stop_lon"].to_numpy(np.float64), np.nan][at]
    lat = np.r_[coords["stop_lat"].to_numpy(np.float64), np.nan][at]
    trip_codes, trip_names = pd.factorize(st["trip_id"])
    trip = trip_names.to_numpy()[trip_codes]
    same = trip_codes[1:] == trip_codes[:-1]
    route = trips.drop_duplicates("trip_id").set_index("trip_id")["route_id"].reindex(
        trip_names)
    rtype = route.map(routes.drop_duplicates("route_id").set_index("route_id")["route_type"])
    rail = _is_rail(rtype.fillna(3).to_numpy(np.int64))[trip_codes]
    limit = np.where(rail[1:], MAX_RAIL_SPEED_KMH, MAX_SPEED_KMH)
    dist = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
    arr = st["arrival_s"].to_numpy(np.float64)
    dep = st["departure_s"].to_numpy(np.float64)
    secs = np.maximum(arr[1:] - dep[:-1], 0.0) + 60.0
    kmh = dist / secs * 3.6
    fast = same & (kmh > limit)  # NaN distances (no coordinates) are never fast
    if not fast.any():
        return empty
    i = np.nonzero(fast)[0]
    sid = st["stop_id"].to_numpy()
    hop = _rows("fast_hop", "warning", sid[i], sid[i + 1], trip[i], [
        f"trip {t!r}: {a!r} to {b!r} is {d / 1000:,.1f} km in {(s - 60) / 60:.1f} min, "
        f"{v:,.0f} km/h (the limit is {lim:g} km/h)"
        for t, a, b, d, s, v, lim in zip(trip[i], sid[i], sid[i + 1], dist[i], secs[i],
                                         kmh[i], limit[i], strict=True)])
    # the stop out of place: both its hops on a trip are fast (a spike), or it ends a
    # trip with a fast hop from a neighbour whose other hop is normal
    before = np.r_[False, same]  # has a hop from the previous stop
    after = np.r_[same, False]
    fast_before = np.r_[False, fast]
    fast_after = np.r_[fast, False]
    next_ok = np.r_[after[1:] & ~fast_after[1:], False]  # the next stop's onward hop
    prev_ok = np.r_[False, before[:-1] & ~fast_before[:-1]]
    spike = ((fast_before & fast_after) | (~before & fast_after & next_ok)
             | (~after & fast_before & prev_ok))
    if not spike.any():
        return hop
    k = np.nonzero(spike)[0]
    frame = pd.DataFrame({"stop_id": sid[k], "trip_id": trip[k]})
    frame["kmh"] = np.maximum(np.where(fast_before[k], np.r_[0.0, kmh][k], 0.0),
                              np.where(fast_after[k], np.r_[kmh, 0.0][k], 0.0))
    per = frame.groupby("stop_id", sort=True).agg(trips=("trip_id", "nunique"),
                                                  first=("trip_id", "first"),
                                                  kmh=("kmh", "max"))
    names = coords["stop_name"].astype(str)
    detail = [f"stop {s!r} ({names.get(s, '')}) is reached by hops of up to {r.kmh:,.0f} "
              f"km/h on {r.trips} trip{'s' if r.trips != 1 else ''} (e.g. {r.first!r}): "
              "its coordinates are probably wrong; routing leaves it out"
              for s, r in per.iterrows()]
    mis = _rows("misplaced_stop", "warning", per.index, [""] * len(per), per["first"], detail)
    return pd.concat([hop, mis], ignore_index=True)


def _unused(stops: pd.DataFrame, served: np.ndarray) -> pd.DataFrame:
    lt = stops["location_type"].to_numpy()
    unused = ~served & np.isin(lt, (0, 1))
    ids = stops["stop_id"].to_numpy()[unused]
    children = stops.loc[served, "parent_station"].value_counts()
    detail = []
    for sid, name, t in zip(ids, stops["stop_name"].astype(str).to_numpy()[unused],
                            lt[unused], strict=True):
        if t == 1:
            c = int(children.get(sid, 0))
            what = (f"a station grouping {c} stop{'s' if c != 1 else ''} that trips serve"
                    if c else "a station with no stops that trips serve")
        else:
            what = "a stop"
        detail.append(f"{sid!r} ({name}), {what}: no trip stops here")
    return _rows("unused_stop", "info", ids, [""] * len(ids), [""] * len(ids), detail)


def _after_midnight(st: pd.DataFrame) -> pd.DataFrame:
    late = ((st["arrival_s"] >= _DAY) | (st["departure_s"] >= _DAY)).to_numpy()
    sub = st[late]
    detail = [f"trip {t!r} at {s!r}: {_clock(a)}, that is {_clock(a - _DAY)} the next "
              "morning (valid GTFS)" for t, s, a in zip(sub["trip_id"], sub["stop_id"],
                                                     sub["arrival_s"], strict=True)]
    return _rows("after_midnight", "info", sub["stop_id"], [""] * len(sub), sub["trip_id"],
                 detail)


def check_tables(stops: pd.DataFrame, routes: pd.DataFrame, trips: pd.DataFrame,
                 stop_times: pd.DataFrame) -> pd.DataFrame:
    """Every problem of a feed's tables as read by :func:`geoaccess.read_gtfs`."""
    served = stops["stop_id"].isin(pd.unique(stop_times["stop_id"])).to_numpy()
    parts = [_far_stops(stops, served), _hops(stops, routes, trips, stop_times),
             _unused(stops, served), _after_midnight(stop_times)]
    out = pd.concat(parts, ignore_index=True)
    return out[list(COLUMNS)].astype(str)


def summary_notes(problems: pd.DataFrame) -> list[tuple[str, str]]:
    """One plain sentence per kind and severity of problem, with the severity."""
    words = {
        "misplaced_stop": ("stop is", "stops are", ("probably misplaced (reached only by "
                           "impossibly fast hops); routing leaves them out")),
        "fast_hop": ("hop", "hops", ("between consecutive stops imply an impossible speed "
                     "(over 150 km/h, 350 on rail)")),
        "far_stop": ("stop lies", "stops lie", ("far from every other stop that vehicles "
                     "serve; the feed's bounds leave them out")),
        "unused_stop": ("stop or station is", "stops or stations are", "served by no trip"),
        "after_midnight": ("stop time is", "stop times are", ("at or after 24:00 (trips "
                           "running past midnight; handled)")),
    }
    notes = []
    for kind, (one, many, rest) in words.items():
        for severity in ("warning", "info"):
            rows = problems[(problems["kind"] == kind) & (problems["severity"] == severity)]
            if not len(rows):
                continue
            by_trip = kind in ("fast_hop", "after_midnight")
            ids = (rows["trip_id"] if by_trip else rows["stop_id"]).unique().tolist()
            label = "trips" if by_trip else "ids"
            shown = ", ".join(repr(i) for i in ids[:6]) + (f" and {len(ids) - 6} more"
                                                           if len(ids) > 6 else "")
            served = (" (not served by any trip)" if kind == "far_stop" and severity == "info"
                      else "")
            notes.append((severity, (f"{len(rows)} {one if len(rows) == 1 else many} {rest}"
                                    f"{served}; {label} {shown} (see feed.check())")))
    return notes


def drop_stops(stops: pd.DataFrame, trips: pd.DataFrame, stop_times: pd.DataFrame,
               frequencies: pd.DataFrame, ids: pd.Index) -> tuple[dict, list[str]]:
    """The tables without stops ``ids`` (and trips left with fewer than two), and notes."""
    from ._validate import show_ids

    kept = stops[~stops["stop_id"].isin(ids)].copy()
    kept.loc[kept["parent_station"].isin(ids), "parent_station"] = ""
    st = stop_times[~stop_times["stop_id"].isin(ids)]
    size = st.groupby("trip_id", sort=False)["stop_id"].transform("size")
    short_trips = set(st.loc[size < 2, "trip_id"])
    gone = (set(stop_times["trip_id"]) - set(st["trip_id"])) | short_trips
    notes = [f"{len(ids)} stops removed with without_stops: {show_ids(ids.tolist())}"]
    if gone:
        notes.append(f"{len(gone)} trips dropped, left with fewer than two stops: "
                     f"{show_ids(sorted(gone))}")
    return {"stops": kept.reset_index(drop=True),
            "stop_times": st[(size >= 2).to_numpy()].reset_index(drop=True),
            "trips": trips[~trips["trip_id"].isin(gone)].reset_index(drop=True),
            "frequencies": frequencies[~frequencies["trip_id"].isin(gone)]}, notes
