"""Partitions of a national run: site chunks, or spatial tiles with a clipped network.

A tile is a compact group of sites (recursive halving of the sites' bounding box along its
longer side until each group holds at most ``chunk_size`` sites, so tiles follow the density
of sites). Its network is the part of the full network within ``buffer_m + max_snap_m`` of
the group's bounding box, and its origins are those within ``buffer_m`` of it.

Why the results equal the full network's: a journey of at most ``max_minutes`` cannot end
further from its start, in a straight line, than ``max_minutes`` at the fastest speed of
the network (measured on the network itself, arc by arc: straight-line length over
seconds) or of the access legs. So every node of such a journey, and every origin that
has one, lies within ``buffer_m`` of a site of the tile; every arc between two such nodes
is kept; and a street within ``max_snap_m`` of a kept origin crosses the clip box, so it
is kept too and points snap where they snap on the full network. Snapping uses the full
network's main component (its labels are carried into the clipped network), not the
clipped network's own, which could be cut in pieces at the border.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from ..errors import InputError, NetworkError
from ..network import Network

__all__ = ["Part", "clip_network", "longest_arc_m", "plan_parts", "rows_near",
           "search_buffer_m", "top_speed_ms"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Part:
    """One task of a national run: some sites, the clip box and which rows to report.

    Attributes
    ----------
    index : int
        Position of the part in the plan.
    sites : numpy.ndarray
        Positions (int64) of the part's sites in the site table.
    box : tuple of float or None
        ``(xmin, ymin, xmax, ymax)`` of the part's sites in the network CRS (tiles), or
        None to use the whole network and every origin (site chunks).
    """

    index: int
    sites: np.ndarray
    box: tuple[float, float, float, float] | None


def top_speed_ms(network: Network) -> float:
    """Fastest straight-line speed over any arc of the network, in metres per second.

    An arc's straight-line length is at most its length along the street, so no journey
    on the network moves further, as the crow flies, than this speed allows.

    Examples
    --------
    >>> import numpy as np, geoaccess as ga
    >>> net = ga.Network.from_arcs([0, 1], [1, 0], [60.0, 30.0], np.array([0.0, 90.0]),
    ...                            np.zeros(2), crs="EPSG:27700", mode="walk")
    >>> top_speed_ms(net)
    3.0
    """
    tails = np.repeat(np.arange(network.n_nodes), np.diff(network.indptr))
    heads = network.indices
    dist = np.hypot(network.x[heads] - network.x[tails], network.y[heads] - network.y[tails])
    secs = network.seconds
    instant = (secs <= 0) & (dist > 1.0)
    if instant.any():
        raise NetworkError(f"the {network.mode} network has {int(instant.sum())} arcs of zero "
                           "seconds over more than a metre; the search buffer of a tiled run "
                           "cannot be bounded: use partition='sites'")
    ok = secs > 0
    return float(np.max(dist[ok] / secs[ok])) if ok.any() else 0.0


def search_buffer_m(network: Network, max_minutes: float, access_speed_kmh: float) -> float:
    """Straight-line reach of a journey of ``max_minutes``: the buffer around a tile.

    Examples
    --------
    >>> import numpy as np, geoaccess as ga
    >>> net = ga.Network.from_arcs([0, 1], [1, 0], [60.0, 60.0], np.array([0.0, 80.0]),
    ...                            np.zeros(2), crs="EPSG:27700", mode="walk")
    >>> round(search_buffer_m(net, 10, access_speed_kmh=4.8))
    800
    """
    speed = max(top_speed_ms(network), access_speed_kmh / 3.6)
    return float(max_minutes) * 60.0 * speed


def plan_parts(sx: np.ndarray, sy: np.ndarray, *, partition: str, chunk_size: int) -> list[Part]:
    """Split the sites into parts of at most ``chunk_size`` (in order, or as tiles).

    Sites that cannot be placed (non-finite coordinates) are left out of tiles; they get
    their reason from the site table.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0.0, 1.0, 100.0, 101.0]); y = np.zeros(4)
    >>> [p.sites.tolist() for p in plan_parts(x, y, partition="tiles", chunk_size=2)]
    [[0, 1], [2, 3]]
    >>> [p.box for p in plan_parts(x, y, partition="sites", chunk_size=3)]
    [None, None]
    """
    if partition not in ("sites", "tiles"):
        raise InputError(f"partition must be 'sites' or 'tiles', got {partition!r}",
                         column="partition")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) \
            or chunk_size < 1:
        raise InputError(f"chunk_size must be a whole number of sites >= 1, got "
                         f"{chunk_size!r}", column="chunk_size")
    n = len(sx)
    if partition == "sites":
        return [Part(i, np.arange(s, min(s + chunk_size, n), dtype=np.int64), None)
                for i, s in enumerate(range(0, n, chunk_size))]
    ok = np.nonzero(np.isfinite(sx) & np.isfinite(sy))[0]
    groups: list[np.ndarray] = []
    stack = [ok] if len(ok) else []
    while stack:
        idx = stack.pop()
        if len(idx) <= chunk_size:
            groups.append(np.sort(idx))
            continue
        wide = np.ptp(sx[idx]) >= np.ptp(sy[idx])
        key = sx[idx] if wide else sy[idx]
        order = idx[np.lexsort((idx, key))]
        half = len(order) // 2
        stack += [order[half:], order[:half]]
    groups.sort(key=lambda g: int(g[0]))
    return [Part(i, g.astype(np.int64), (float(sx[g].min()), float(sy[g].min()),
                                          float(sx[g].max()), float(sy[g].max())))
            for i, g in enumerate(groups)]


def rows_near(box: tuple[float, float, float, float] | None, x: np.ndarray, y: np.ndarray,
              buffer_m: float) -> np.ndarray:
    """Positions of the points within ``buffer_m`` of the box (every point for None)."""
    if box is None:
        return np.arange(len(x), dtype=np.int64)
    x0, y0, x1, y1 = box
    dx = np.maximum(np.maximum(x0 - x, x - x1), 0.0)
    dy = np.maximum(np.maximum(y0 - y, y - y1), 0.0)
    with np.errstate(invalid="ignore"):
        near = np.hypot(dx, dy) <= buffer_m
    return np.nonzero(near)[0].astype(np.int64)


def longest_arc_m(network: Network) -> float:
    """Longest straight-line arc of the network, in metres (to find arcs near a box fast)."""
    tails = np.repeat(np.arange(network.n_nodes), np.diff(network.indptr))
    heads = network.indices
    dist = np.hypot(network.x[heads] - network.x[tails], network.y[heads] - network.y[tails])
    return float(dist.max()) if len(dist) else 0.0


def clip_network(network: Network, box: tuple[float, float, float, float], margin_m: float,
                 *, longest_arc: float | None = None) -> tuple[Network, np.ndarray]:
    """The part of the network whose arcs come within ``margin_m`` of the box.

    An arc is kept when the bounding box of its two ends meets the widened box (so a long
    street crossing the box is kept even when both ends lie outside). The clipped network
    keeps the full network's main component for snapping. Only the arcs leaving nodes
    within ``margin_m`` plus the longest arc of the box are looked at, so the cost follows
    the size of the clip, not of the network (pass ``longest_arc``, from
    :func:`longest_arc_m`, to skip measuring it).

    Returns
    -------
    (Network, numpy.ndarray)
        The clipped network and, for each of its nodes, the node index in ``network``
        (ascending, so segment ends keep their order).
    """
    reach = longest_arc_m(network) if longest_arc is None else float(longest_arc)
    x0, y0, x1, y1 = box
    x0, y0, x1, y1 = x0 - margin_m, y0 - margin_m, x1 + margin_m, y1 + margin_m
    x, y = network.x, network.y
    near = np.nonzero((x >= x0 - reach) & (x <= x1 + reach)
                      & (y >= y0 - reach) & (y <= y1 + reach))[0]
    starts, ends = network.indptr[near], network.indptr[near + 1]
    counts = (ends - starts).astype(np.int64)
    arcs = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    tails = np.repeat(near, counts)
    heads = network.indices[arcs].astype(np.int64)
    xt, yt, xh, yh = x[tails], y[tails], x[heads], y[heads]
    keep = ((np.minimum(xt, xh) <= x1) & (np.maximum(xt, xh) >= x0)
            & (np.minimum(yt, yh) <= y1) & (np.maximum(yt, yh) >= y0))
    if not keep.any():
        raise NetworkError(f"no street of the {network.mode} network within {margin_m:,.0f} m "
                           f"of the sites' box {box}")
    u, v, arcs = tails[keep], heads[keep], arcs[keep]
    nodes = np.unique(np.concatenate([u, v]))
    # the kept arcs are in CSR order already (tails ascending, each row as in the network),
    # and the renumbering keeps the order: no sort needed
    su = np.searchsorted(nodes, u)
    indptr = np.zeros(len(nodes) + 1, dtype=network.indptr.dtype)
    np.cumsum(np.bincount(su, minlength=len(nodes)), out=indptr[1:])
    sub = Network(indptr, np.searchsorted(nodes, v).astype(network.indices.dtype),
                  network.seconds[arcs], x[nodes], y[nodes], network.osmid[nodes],
                  crs=network.crs, mode=network.mode,
                  provenance={"clipped_from": network.provenance.get("source")})
    # snap to the full network's main component, not the clipped network's own
    sub.component = np.where(network.in_main_component()[nodes], 0, 1).astype(np.int32)
    sub.main_component = 0
    return sub, nodes
