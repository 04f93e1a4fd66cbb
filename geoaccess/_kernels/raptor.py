"""Range RAPTOR over flat arrays (public transport routing).

One kernel, a plain Python function that numba compiles when it is installed
(``geoaccess[fast]``); without numba the same function runs as Python (correct, slow).
The walking legs it is given (access, transfers, egress) come from the routing core,
:func:`geoaccess._kernels.dijkstra.many_to_all`.

``range_raptor``
    For each origin, RAPTOR (Delling, Pajor & Werneck 2012, "Round-Based Public Transit
    Routing") run for every departure minute of the window from the latest to the
    earliest, keeping the labels between minutes (the *range* variant: a journey that
    departs later is still available to someone who leaves earlier and waits, so each
    earlier run only has to scan what improves). Round ``k`` holds the best arrivals
    with at most ``k`` vehicles. Labels per round and stop:

    - ``tau[k, s]``: earliest time at stop ``s`` ready to board, having used at most
      ``k`` vehicles (reached by vehicle, by a transfer walk, or on foot from the
      origin for ``k = 0``);
    - ``ride[k, s]``: earliest arrival at ``s`` *by vehicle* with at most ``k``
      vehicles. Transfer walks and the final walk to a site start only from these, so
      a journey never chains two walking legs (each leg is one walk of at most
      ``max_walk`` seconds).

    Boarding needs ``tau[k-1, s] + board_slack <= departure`` and a stop that allows
    pickup; alighting needs one that allows drop-off. Origins run in parallel.

Trips are grouped into *patterns* (same stops, same pickup/drop-off rules) and split
so that no trip of a pattern overtakes another (FIFO), which the boarding search
(a binary search over the pattern's departures at a stop) relies on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _numba
from ._numba import njit, prange

__all__ = ["ENGINE", "Patterns", "build_patterns", "range_raptor", "reversed_patterns",
           "transpose"]


# -------------------------------------------------------------------- range RAPTOR
@njit(cache=True, nogil=True, inline="always")
def _lower(label, k, s, v):  # pragma: no cover - compiled
    """Lower stop s's label to v in round k and every later round (more rides allowed)."""
    for k2 in range(k, label.shape[0]):
        if v < label[k2, s]:
            label[k2, s] = v


@njit(cache=True, nogil=True, inline="always")
def _mark(flag, items, n, s):  # pragma: no cover - compiled
    """Add s to the list ``items[:n]`` unless flagged; the new length."""
    if flag[s]:
        return n
    flag[s] = True
    items[n] = s
    return n + 1


def _range_raptor_py(n_stops, pat_stop_ptr, pat_stops, pat_board, pat_alight,
                     pat_trip_ptr, pat_time_ptr, arr_t, dep_t,
                     stop_pat_ptr, stop_pat, stop_pos,
                     xfer_ptr, xfer_to, xfer_s,
                     acc_ptr, acc_stop, acc_s,
                     eg_ptr, eg_site, eg_s,
                     walk_s, deps, max_rides, slack, max_trip, pct, out, all_out):
    n_orig = len(acc_ptr) - 1
    n_sites = walk_s.shape[1]
    n_pat = len(pat_stop_ptr) - 1
    n_dep = len(deps)
    keep_all = all_out.shape[0] == n_orig and n_orig > 0
    big = np.iinfo(np.int64).max
    inf = np.inf
    for o in prange(n_orig):
        kk_n = max_rides + 1
        tau = np.full((kk_n, n_stops), inf)
        ride = np.full((kk_n, n_stops), inf)
        best = np.full(n_sites, inf)
        times = np.empty((n_dep, n_sites))
        marked = np.zeros(n_stops, np.bool_)
        mlist = np.empty(n_stops, np.int64)
        rflag = np.zeros(n_stops, np.bool_)
        rlist = np.empty(n_stops, np.int64)
        pat_start = np.full(n_pat, big, np.int64)
        plist = np.empty(n_pat, np.int64)
        nm = 0
        for di in range(n_dep - 1, -1, -1):
            t = deps[di]
            lim = t + max_trip
            for i in range(nm):
                marked[mlist[i]] = False
            nm = 0
            for j in range(n_sites):
                v = t + walk_s[o, j]
                if v < best[j]:
                    best[j] = v
            for a in range(acc_ptr[o], acc_ptr[o + 1]):
                s = acc_stop[a]
                v = t + acc_s[a]
                if v < tau[0, s] and v <= lim:
                    _lower(tau, 0, s, v)
                    nm = _mark(marked, mlist, nm, s)
            for k in range(1, kk_n):
                if nm == 0:
                    break
                # target pruning: a label no earlier than every site's best arrival
                # cannot improve any site (walks only add time); later departures'
                # bests are no better, so what is pruned here is useless to them too
                worst = best[0] if n_sites else -inf
                for j in range(1, n_sites):
                    if best[j] > worst:
                        worst = best[j]
                if worst < lim:
                    lim = worst
                npl = 0
                for i in range(nm):
                    s = mlist[i]
                    marked[s] = False
                    for e in range(stop_pat_ptr[s], stop_pat_ptr[s + 1]):
                        r = stop_pat[e]
                        p = stop_pos[e]
                        if pat_start[r] == big:
                            plist[npl] = r
                            npl += 1
                        if p < pat_start[r]:
                            pat_start[r] = p
                nm = 0
                nr = 0
                for i in range(npl):
                    r = plist[i]
                    p0 = pat_start[r]
                    pat_start[r] = big
                    base = pat_stop_ptr[r]
                    n_len = pat_stop_ptr[r + 1] - base
                    n_trips = pat_trip_ptr[r + 1] - pat_trip_ptr[r]
                    tb = pat_time_ptr[r]
                    cur = -1
                    for p in range(p0, n_len):
                        s = pat_stops[base + p]
                        if cur >= 0 and pat_alight[base + p]:
                            a = arr_t[tb + cur * n_len + p]
                            if a < ride[k, s] and a <= lim:
                                _lower(ride, k, s, a)
                                nr = _mark(rflag, rlist, nr, s)
                                if a < tau[k, s]:
                                    _lower(tau, k, s, a)
                                    nm = _mark(marked, mlist, nm, s)
                        if pat_board[base + p]:
                            ready = tau[k - 1, s] + slack
                            if ready < inf:
                                hi = n_trips if cur < 0 else cur
                                if cur < 0 or ready <= dep_t[tb + cur * n_len + p]:
                                    lo = 0
                                    h = hi
                                    while lo < h:
                                        mid = (lo + h) >> 1
                                        if dep_t[tb + mid * n_len + p] >= ready:
                                            h = mid
                                        else:
                                            lo = mid + 1
                                    if lo < hi:
                                        cur = lo
                for i in range(nr):
                    s = rlist[i]
                    rflag[s] = False
                    a0 = ride[k, s]
                    for e in range(xfer_ptr[s], xfer_ptr[s + 1]):
                        q = xfer_to[e]
                        v = a0 + xfer_s[e]
                        if v < tau[k, q] and v <= lim:
                            _lower(tau, k, q, v)
                            nm = _mark(marked, mlist, nm, q)
                    for e in range(eg_ptr[s], eg_ptr[s + 1]):
                        j = eg_site[e]
                        v = a0 + eg_s[e]
                        if v < best[j]:
                            best[j] = v
            for j in range(n_sites):
                v = best[j] - t
                times[di, j] = v if v <= max_trip else inf
        if keep_all:
            for di in range(n_dep):
                for j in range(n_sites):
                    all_out[o, di, j] = times[di, j]
        for j in range(n_sites):
            col = np.sort(times[:, j])
            for q in range(len(pct)):
                idx = int(np.ceil(pct[q] / 100.0 * n_dep)) - 1
                if idx < 0:
                    idx = 0
                if idx > n_dep - 1:
                    idx = n_dep - 1
                out[q, o, j] = col[idx]


_range_raptor = njit(cache=True, parallel=True)(_range_raptor_py)
#: How the kernel runs: compiled ("numba") or as Python ("python", without numba).
ENGINE = "numba" if _numba.HAVE_NUMBA else "python"


def cat(parts, dtype):
    return np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype)


def i64(x):
    return np.ascontiguousarray(x, np.int64)


def f64(x):
    return np.ascontiguousarray(x, np.float64)


@dataclass
class Patterns:
    """Trips grouped by stop pattern, FIFO within each pattern, as flat arrays."""

    stop_ptr: np.ndarray  # (n_pat + 1) into stops/board/alight
    stops: np.ndarray
    board: np.ndarray
    alight: np.ndarray
    trip_ptr: np.ndarray  # (n_pat + 1) into trips
    time_ptr: np.ndarray  # (n_pat) into arr/dep, trip-major
    arr: np.ndarray
    dep: np.ndarray
    trips: np.ndarray  # trip code of each pattern trip
    stop_pat_ptr: np.ndarray  # (n_stops + 1)
    stop_pat: np.ndarray
    stop_pos: np.ndarray

    @property
    def n_patterns(self) -> int:
        return len(self.stop_ptr) - 1


def build_patterns(trip, stop, arr, dep, board, alight, n_stops) -> Patterns:
    """Group stop times (sorted by trip then sequence) into FIFO patterns.

    ``trip`` holds integer trip codes; ``stop`` stop indices; ``board``/``alight``
    whether pickup/drop-off is allowed.
    """
    trip = np.asarray(trip)
    n = len(trip)
    if n == 0:
        z = np.zeros(1, np.int64)
        e = np.empty(0, np.int64)
        return Patterns(z, e, e.astype(bool), e.astype(bool), z, e, e.astype(float),
                        e.astype(float), e, np.zeros(n_stops + 1, np.int64), e, e)
    starts = np.r_[0, np.nonzero(trip[1:] != trip[:-1])[0] + 1]
    ends = np.r_[starts[1:], n]
    groups: dict[tuple, list[int]] = {}
    for ti, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        if b - a < 2:
            continue  # a trip of one stop takes nobody anywhere
        key = (stop[a:b].tobytes(), board[a:b].tobytes(), alight[a:b].tobytes())
        groups.setdefault(key, []).append(ti)
    stop_ptr, stops_l, board_l, alight_l = [0], [], [], []
    trip_ptr, time_ptr, arr_l, dep_l, trips_l = [0], [], [], [], []
    n_time = 0
    for members in groups.values():
        a0 = starts[members[0]]
        length = ends[members[0]] - a0
        A = np.stack([arr[starts[t]:ends[t]] for t in members])
        D = np.stack([dep[starts[t]:ends[t]] for t in members])
        order = np.lexsort(D.T[::-1])  # by departure at the first stop, then the next...
        A, D = A[order], D[order]
        codes = np.asarray([trip[starts[members[i]]] for i in order])
        # split into FIFO sub-patterns: a trip joins the first whose last trip it
        # never overtakes (never earlier at any stop)
        subs: list[list[int]] = []
        for i in range(len(order)):
            for sub in subs:
                last = sub[-1]
                if np.all(A[i] >= A[last]) and np.all(D[i] >= D[last]):
                    sub.append(i)
                    break
            else:
                subs.append([i])
        for sub in subs:
            stops_l.append(stop[a0:a0 + length])
            board_l.append(board[a0:a0 + length])
            alight_l.append(alight[a0:a0 + length])
            stop_ptr.append(stop_ptr[-1] + length)
            trip_ptr.append(trip_ptr[-1] + len(sub))
            time_ptr.append(n_time)
            arr_l.append(A[sub].ravel())
            dep_l.append(D[sub].ravel())
            trips_l.append(codes[sub])
            n_time += length * len(sub)
    stops_a = np.concatenate(stops_l).astype(np.int64) if stops_l else np.empty(0, np.int64)
    n_pat = len(stop_ptr) - 1
    pat_of = np.repeat(np.arange(n_pat), np.diff(stop_ptr))
    pos = np.arange(len(stops_a)) - np.repeat(np.asarray(stop_ptr[:-1]), np.diff(stop_ptr))
    order = np.lexsort((pos, pat_of, stops_a))
    stop_pat_ptr = np.zeros(n_stops + 1, np.int64)
    np.cumsum(np.bincount(stops_a, minlength=n_stops), out=stop_pat_ptr[1:])
    return Patterns(
        np.asarray(stop_ptr, np.int64), stops_a, cat(board_l, np.bool_),
        cat(alight_l, np.bool_), np.asarray(trip_ptr, np.int64),
        np.asarray(time_ptr, np.int64), cat(arr_l, np.float64), cat(dep_l, np.float64),
        cat(trips_l, np.int64), stop_pat_ptr, pat_of[order].astype(np.int64),
        pos[order].astype(np.int64))


def reversed_patterns(trip, stop, arr, dep, board, alight, n_stops, slack) -> Patterns:
    """The timetable run backwards in time, as patterns, for arrive-by searches.

    Stop times as for :func:`build_patterns` (sorted by trip then sequence). Time ``t``
    becomes ``-t``: each trip runs its stops in reverse order, a stop's departure becomes
    ``-arrival`` and its arrival ``-departure + slack``, and boarding and alighting swap.
    A forward journey leaving at ``L`` and arriving by ``D`` is a reversed one leaving at
    ``-D`` and arriving at ``-L``, so the earliest reversed arrival is the latest
    departure. The boarding slack moves onto the reversed arrival (the forward boarding),
    so :func:`range_raptor` runs with ``slack=0`` and every forward boarding, including
    the first, keeps exactly its slack.
    """
    r = slice(None, None, -1)
    return build_patterns(np.asarray(trip)[r], np.asarray(stop, np.int64)[r],
                          -np.asarray(dep, np.float64)[r] + slack,
                          -np.asarray(arr, np.float64)[r], np.asarray(alight, bool)[r],
                          np.asarray(board, bool)[r], n_stops)


def transpose(csr, n_cols):
    """A CSR triple ``(ptr, col, value)`` of rows -> cols turned round (cols -> rows)."""
    ptr, col, val = csr
    row = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
    order = np.lexsort((row, col))
    out_ptr = np.zeros(n_cols + 1, np.int64)
    np.cumsum(np.bincount(np.asarray(col, np.int64), minlength=n_cols), out=out_ptr[1:])
    return out_ptr, row[order].astype(np.int64), np.asarray(val, np.float64)[order]


def range_raptor(pat: Patterns, n_stops, transfers, access, egress, walk_s, deps, *,
                 max_rides, slack, max_trip, percentiles, keep_all=False, compiled=True):
    """Run range RAPTOR for every origin; percentiles (and optionally every minute).

    ``transfers``, ``access``, ``egress`` are CSR triples ``(ptr, target, seconds)`` by
    stop, by origin and by stop. Returns ``(out, all_out)``: ``out[q, o, j]`` seconds
    at percentile ``q`` from origin ``o`` to site ``j``, and ``all_out[o, d, j]`` for
    each departure ``d`` when ``keep_all``.
    """
    n_orig = len(access[0]) - 1
    n_sites = walk_s.shape[1]
    pct = np.asarray(percentiles, np.float64)
    out = np.full((len(pct), n_orig, n_sites), np.inf)
    all_out = (np.full((n_orig, len(deps), n_sites), np.inf) if keep_all
               else np.empty((0, 0, 0)))
    kernel = _range_raptor if compiled else _range_raptor_py
    kernel(int(n_stops), i64(pat.stop_ptr), i64(pat.stops), pat.board, pat.alight,
           i64(pat.trip_ptr), i64(pat.time_ptr), f64(pat.arr), f64(pat.dep),
           i64(pat.stop_pat_ptr), i64(pat.stop_pat), i64(pat.stop_pos),
           i64(transfers[0]), i64(transfers[1]), f64(transfers[2]),
           i64(access[0]), i64(access[1]), f64(access[2]),
           i64(egress[0]), i64(egress[1]), f64(egress[2]),
           f64(walk_s), f64(deps), int(max_rides), float(slack), float(max_trip),
           pct, out, all_out)
    return out, all_out
