"""Snap points onto the nearest segment of a network's main component.

Many points (every home of a county, millions nationally) are snapped in two steps: a
k-d tree (:class:`scipy.spatial.cKDTree`) of points every :data:`SAMPLE_M` metres along
the segments gives each point its candidate segments, whose exact distances numpy
computes at once; a point is settled when its k-th nearest sample is further than its
best candidate plus half a sample spacing (then no other segment can be nearer). The few
points left unsettled are snapped by shapely's STRtree ``query_nearest``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from . import _csr

#: Spacing in metres of the sample points along segments (the k-d tree's points).
SAMPLE_M = 15.0
#: Samples looked at per point.
NEIGHBOURS = 16


@dataclass
class Segments:
    """Undirected segments (a, b) of the main component with their arc seconds."""

    a: np.ndarray
    b: np.ndarray
    w_ab: np.ndarray  # seconds a->b, inf if no such arc
    w_ba: np.ndarray  # seconds b->a, inf if no such arc
    tree: shapely.STRtree
    xy: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))  # ax, ay, bx, by
    _kd: Any = field(default=None, repr=False)
    _sample_seg: Any = field(default=None, repr=False)

    def samples(self) -> tuple[Any, np.ndarray]:
        """The k-d tree of points along the segments and the segment of each (built once)."""
        if self._kd is None:
            from scipy.spatial import cKDTree

            ax, ay, bx, by = self.xy.T
            pieces = np.maximum(1, np.ceil(np.hypot(bx - ax, by - ay) / SAMPLE_M)).astype(
                np.int64)
            count = pieces + 1
            seg = np.repeat(np.arange(len(pieces)), count)
            k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
            f = k / np.repeat(pieces, count)
            self._kd = cKDTree(np.column_stack([ax[seg] + f * (bx - ax)[seg],
                                                ay[seg] + f * (by - ay)[seg]]))
            self._sample_seg = seg
        return self._kd, self._sample_seg


def segments(net) -> Segments:
    tails = _csr.arcs_from_csr(net.indptr, net.indices).astype(np.int64)
    heads = net.indices.astype(np.int64)
    main = net.in_main_component()
    keep = main[tails] & main[heads]
    tails, heads, secs = tails[keep], heads[keep], net.seconds[keep]
    lo = np.minimum(tails, heads)
    hi = np.maximum(tails, heads)
    n = net.n_nodes
    key = lo * n + hi
    uniq, inv = np.unique(key, return_inverse=True)
    a = uniq // n
    b = uniq % n
    w_ab = np.full(len(uniq), np.inf)
    w_ba = np.full(len(uniq), np.inf)
    fwd = tails == lo
    np.minimum.at(w_ab, inv[fwd], secs[fwd])
    np.minimum.at(w_ba, inv[~fwd], secs[~fwd])
    coords = np.stack([np.column_stack([net.x[a], net.y[a]]),
                       np.column_stack([net.x[b], net.y[b]])], axis=1)
    tree = shapely.STRtree(shapely.linestrings(coords))
    return Segments(a, b, w_ab, w_ba, tree,
                    np.column_stack([net.x[a], net.y[a], net.x[b], net.y[b]]))


@dataclass
class Snapped:
    """Where each point joins the network; ``seg`` is -1 where it could not."""

    seg: np.ndarray
    a: np.ndarray
    b: np.ndarray
    fraction: np.ndarray  # position along a->b in 0..1
    distance_m: np.ndarray
    nearest_m: np.ndarray  # distance to the nearest segment even when beyond max_snap_m


def _distance_to(segs: Segments, x: np.ndarray, y: np.ndarray, seg: np.ndarray
                 ) -> np.ndarray:
    """Distances from points (x, y) to segments ``seg`` (same shape, broadcast)."""
    ax, ay, bx, by = (segs.xy[seg, i] for i in range(4))
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.where(len2 > 0, ((x - ax) * dx + (y - ay) * dy) / len2, 0.0), 0.0, 1.0)
    return np.hypot(x - ax - t * dx, y - ay - t * dy)


def snap(segs: Segments, net, x: np.ndarray, y: np.ndarray, max_snap_m: float) -> Snapped:
    """Snap points: k-d tree candidates, exact distances, STRtree for the rest."""
    n = len(x)
    seg = np.full(n, -1, dtype=np.int64)
    nearest = np.full(n, np.nan)
    finite = np.isfinite(x) & np.isfinite(y)
    idx = np.nonzero(finite)[0]
    if len(idx) and len(segs.a):
        kd, sample_seg = segs.samples()
        k = min(NEIGHBOURS, len(sample_seg))
        px, py = x[idx], y[idx]
        d, i = kd.query(np.column_stack([px, py]), k=k,
                        distance_upper_bound=max_snap_m + SAMPLE_M, workers=-1)
        d, i = d.reshape(len(idx), k), i.reshape(len(idx), k)
        valid = i < len(sample_seg)
        cand = np.where(valid, sample_seg[np.minimum(i, len(sample_seg) - 1)], 0)
        dist = np.where(valid, _distance_to(segs, px[:, None], py[:, None], cand), np.inf)
        # the smallest distance; among equal ones, the lowest segment number
        order = np.lexsort((cand, dist), axis=1)[:, 0]
        best_d = dist[np.arange(len(idx)), order]
        best_s = cand[np.arange(len(idx)), order]
        # settled: every sample of a nearer segment would be among the k looked at
        settled = ~np.isfinite(d[:, -1]) | (d[:, -1] >= best_d + SAMPLE_M / 2)
        ok = settled & (best_d <= max_snap_m)
        seg[idx[ok]] = best_s[ok]
        nearest[idx[ok]] = best_d[ok]
        rest = idx[~ok]
        if len(rest):
            pts = shapely.points(x[rest], y[rest])
            pairs, dist1 = segs.tree.query_nearest(pts, return_distance=True,
                                                   all_matches=False)
            nearest[rest[pairs[0]]] = dist1
            close = dist1 <= max_snap_m
            seg[rest[pairs[0][close]]] = pairs[1][close]
    good = seg >= 0
    a = np.where(good, segs.a[np.maximum(seg, 0)], -1)
    b = np.where(good, segs.b[np.maximum(seg, 0)], -1)
    ax, ay = net.x[np.maximum(a, 0)], net.y[np.maximum(a, 0)]
    bx, by = net.x[np.maximum(b, 0)], net.y[np.maximum(b, 0)]
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(len2 > 0, ((x - ax) * dx + (y - ay) * dy) / len2, 0.0)
    t = np.clip(np.nan_to_num(t), 0.0, 1.0)
    px, py = ax + t * dx, ay + t * dy
    distance = np.hypot(x - px, y - py)
    t = np.where(good, t, np.nan)
    distance = np.where(good, distance, np.nan)
    return Snapped(seg, a, b, t, distance, nearest)


def unsnapped_reasons(snapped: Snapped, kind: str, mode: str, max_snap_m: float,
                      index: pd.Index) -> pd.Series:
    """Why each point could not be snapped (missing where it was)."""
    out = np.full(len(snapped.seg), pd.NA, dtype=object)
    for i in np.nonzero(snapped.seg < 0)[0]:
        near = snapped.nearest_m[i]
        if np.isnan(near):
            out[i] = f"{kind} has no valid location"
        else:
            out[i] = (f"{kind} is {near:,.0f} m from the nearest {mode} network edge "
                      f"(max_snap_m={max_snap_m:g})")
    return pd.Series(out, index=index, dtype="object")
