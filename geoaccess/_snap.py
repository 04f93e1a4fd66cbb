"""Snap points onto the nearest segment of a network's main component."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from . import _csr


@dataclass
class Segments:
    """Undirected segments (a, b) of the main component with their arc seconds."""

    a: np.ndarray
    b: np.ndarray
    w_ab: np.ndarray  # seconds a->b, inf if no such arc
    w_ba: np.ndarray  # seconds b->a, inf if no such arc
    tree: shapely.STRtree


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
    return Segments(a, b, w_ab, w_ba, tree)


@dataclass
class Snapped:
    """Where each point joins the network; ``seg`` is -1 where it could not."""

    seg: np.ndarray
    a: np.ndarray
    b: np.ndarray
    fraction: np.ndarray  # position along a->b in 0..1
    distance_m: np.ndarray
    nearest_m: np.ndarray  # distance to the nearest segment even when beyond max_snap_m


def snap(segs: Segments, net, x: np.ndarray, y: np.ndarray, max_snap_m: float) -> Snapped:
    """Snap points (vectorised STRtree queries: about a million points in seconds).

    A first query is bounded by ``max_snap_m`` (fast: the tree is searched only near each
    point); the few points it leaves unsnapped are queried again without a bound, so
    their reason can say how far the network is.
    """
    n = len(x)
    seg = np.full(n, -1, dtype=np.int64)
    nearest = np.full(n, np.nan)
    finite = np.isfinite(x) & np.isfinite(y)
    idx = np.nonzero(finite)[0]
    if len(idx):
        pts = shapely.points(x[idx], y[idx])
        pairs, dist = segs.tree.query_nearest(pts, max_distance=max_snap_m,
                                              return_distance=True, all_matches=False)
        seg[idx[pairs[0]]] = pairs[1]
        nearest[idx[pairs[0]]] = dist
        far = np.setdiff1d(np.arange(len(idx)), pairs[0], assume_unique=True)
        if len(far):
            pairs, dist = segs.tree.query_nearest(pts[far], return_distance=True,
                                                  all_matches=False)
            nearest[idx[far[pairs[0]]]] = dist
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
