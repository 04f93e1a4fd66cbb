"""Read a networkx (osmnx) graph into arc arrays, in time linear in the graph's size.

One pass over the nodes and one over the edges collect plain lists; everything else is
vectorised numpy and shapely. Curved edges (with a ``geometry``) are split at their
vertices, the edge's travel time shared out by the haversine length of each piece. A
vertex shared by several edges (the two directions of a two-way street carry the same
geometry, reversed) becomes one node: vertices are matched by their lon/lat to 1e-7
degrees (about 1 cm). Graph nodes are never merged with vertices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyproj

from ._crs import haversine_m as _haversine_m
from ._modes import MPH, parse_maxspeed
from .errors import InputError, NetworkError


@dataclass
class GraphArcs:
    """Nodes (graph nodes in ``G.nodes`` order, then edge vertices) and directed arcs."""

    lon: np.ndarray
    lat: np.ndarray
    osmid: np.ndarray
    u: np.ndarray
    v: np.ndarray
    seconds: np.ndarray


def _nodes(G: Any, to_lonlat: pyproj.Transformer | None):
    index = {node: i for i, node in enumerate(G)}
    xs = [x for _, x in G.nodes(data="x")]
    ys = [y for _, y in G.nodes(data="y")]
    missing = [node for (node, x), y in zip(G.nodes(data="x"), ys, strict=True)
               if x is None or y is None]
    if missing:
        raise InputError(f"graph node {missing[0]!r} has no 'x'/'y' coordinate "
                         f"({len(missing)} nodes lack one, e.g. {missing[:5]!r})")
    lon = np.asarray(xs, dtype=np.float64)
    lat = np.asarray(ys, dtype=np.float64)
    if to_lonlat is not None:
        lon, lat = to_lonlat.transform(lon, lat)
    bad = ~((np.abs(lon) <= 180) & (np.abs(lat) <= 90))
    if bad.any():
        nodes = [n for n, b in zip(G, bad.tolist(), strict=True) if b][:5]
        raise InputError(
            f"{int(bad.sum())} graph nodes have x/y outside longitude/latitude (e.g. "
            f"{nodes!r}): set G.graph['crs'] to the CRS of x and y (e.g. 'EPSG:27700')")
    osmid = np.fromiter((int(n) if isinstance(n, (int, np.integer)) else -1 for n in G),
                        dtype=np.int64, count=len(index))
    return index, np.asarray(lon, np.float64), np.asarray(lat, np.float64), osmid


def _drive_kmh(highways: list, maxspeeds: list, speeds: Mapping[str, float]) -> np.ndarray:
    """Car speed of each edge: its ``maxspeed`` if readable, else the default for its type.

    Worked out once per distinct (highway, maxspeed) pair; a list value (osmnx merges the
    tags of simplified ways) counts by its first highway and the mean of its maxspeeds.
    """
    hw = [h[0] if isinstance(h, list) else h for h in highways]
    ms = [";".join(m) if isinstance(m, list) else m for m in maxspeeds]
    hw_codes, hw_values = pd.factorize(np.asarray(hw, dtype=object), use_na_sentinel=False)
    ms_codes, ms_values = pd.factorize(np.asarray(ms, dtype=object), use_na_sentinel=False)
    pairs, which = np.unique(hw_codes.astype(np.int64) * (len(ms_values) + 1) + ms_codes,
                             return_inverse=True)
    kmh = np.empty(len(pairs), dtype=np.float64)
    for j, pair in enumerate(pairs.tolist()):
        h, m = hw_values[pair // (len(ms_values) + 1)], ms_values[pair % (len(ms_values) + 1)]
        kmh[j] = parse_maxspeed(None if m is None else str(m)) or speeds.get(str(h), 20 * MPH)
    return kmh[which]


def read_graph(
    G: Any,
    *,
    mode: str,
    weight: str | None,
    speeds: Mapping[str, float] | None,
) -> GraphArcs:
    """Arcs of a networkx graph (one per edge piece) with their travel seconds.

    Parameters
    ----------
    G : networkx.MultiDiGraph or networkx.DiGraph
        Nodes with ``x``/``y``; ``G.graph["crs"]`` (default EPSG:4326) says in which CRS.
    mode : str
        Travel mode, for the speeds.
    weight : str, optional
        Edge attribute holding travel seconds; else ``length`` (metres, default the
        haversine length of the edge's vertices) at the mode's speed.
    speeds : dict, optional
        The mode's speed table (:func:`geoaccess._modes.default_speeds`); required
        without ``weight``.

    Returns
    -------
    GraphArcs
    """
    if weight is None and speeds is None:
        raise InputError(f"unknown mode {mode!r}: pass weight= with edge seconds")
    graph_crs = pyproj.CRS.from_user_input(G.graph.get("crs", "EPSG:4326"))
    to_lonlat = None
    if not graph_crs.is_geographic:
        to_lonlat = pyproj.Transformer.from_crs(graph_crs, 4326, always_xy=True)
    index, lon, lat, osmid = _nodes(G, to_lonlat)
    n_nodes = len(lon)

    # one pass over the edges, into plain lists
    tails: list[Any] = []
    heads: list[Any] = []
    geoms: list[Any] = []
    geom_edge: list[int] = []
    lengths: list[Any] = []
    totals: list[Any] = []
    highways: list[Any] = []
    maxspeeds: list[Any] = []
    per_highway = weight is None and mode == "drive" and "drive" not in (speeds or {})
    for e, (a, b, data) in enumerate(G.edges(data=True)):
        tails.append(a)
        heads.append(b)
        geom = data.get("geometry")
        if geom is not None:
            geoms.append(geom)
            geom_edge.append(e)
        if weight is not None:
            try:
                totals.append(data[weight])
            except KeyError:
                msg = f"graph edge ({a!r}, {b!r}) has no attribute {weight!r}"
                raise InputError(msg, column=weight) from None
        else:
            lengths.append(data.get("length"))
            if per_highway:
                highways.append(data.get("highway"))
                maxspeeds.append(data.get("maxspeed"))
    n_edges = len(tails)
    if n_edges == 0:
        raise NetworkError("the graph has no edges")
    u = np.fromiter(map(index.__getitem__, tails), dtype=np.int64, count=n_edges)
    v = np.fromiter(map(index.__getitem__, heads), dtype=np.int64, count=n_edges)
    del tails, heads

    # inner vertices of curved edges, in edge order then along each edge
    inner = np.zeros(n_edges, dtype=np.int64)
    v_lon = v_lat = np.zeros(0)
    if geoms:
        import shapely

        garr = np.asarray(geoms, dtype=object)
        counts = shapely.get_num_coordinates(garr)
        coords, which = shapely.get_coordinates(garr, return_index=True)
        starts = np.cumsum(counts) - counts
        pos = np.arange(len(coords)) - starts[which]
        keep = (pos > 0) & (pos < counts[which] - 1)
        coords = coords[keep]
        inner[np.asarray(geom_edge, dtype=np.int64)] = np.maximum(counts - 2, 0)
        v_lon, v_lat = coords[:, 0], coords[:, 1]
        if to_lonlat is not None and len(coords):
            v_lon, v_lat = (np.asarray(c, np.float64) for c in to_lonlat.transform(v_lon, v_lat))
        del garr, geoms, coords, which, pos, keep
    # one node per distinct vertex location, numbered by first appearance
    q_lon = np.rint(v_lon * 1e7).astype(np.int64)
    q_lat = np.rint(v_lat * 1e7).astype(np.int64)
    codes, _ = pd.factorize(q_lon * (1 << 31) + (q_lat + (1 << 30)))
    # codes appear in increasing order, so a code's first use is where the running max grows
    grows = np.ones(len(codes), dtype=bool)
    grows[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    first = np.nonzero(grows)[0]
    lon = np.concatenate([lon, v_lon[first]])
    lat = np.concatenate([lat, v_lat[first]])
    osmid = np.concatenate([osmid, np.full(len(first), -1, dtype=np.int64)])

    # chains: tail, inner vertices..., head; one arc per consecutive pair
    chain_len = inner + 2
    chain_end = np.cumsum(chain_len)
    chain_start = chain_end - chain_len
    chain = np.empty(int(chain_end[-1]), dtype=np.int64)
    is_inner = np.ones(len(chain), dtype=bool)
    is_inner[chain_start] = False
    is_inner[chain_end - 1] = False
    chain[chain_start] = u
    chain[chain_end - 1] = v
    chain[is_inner] = n_nodes + codes
    is_tail = np.ones(len(chain), dtype=bool)
    is_tail[chain_end - 1] = False
    tail_pos = np.nonzero(is_tail)[0]
    seg_u = chain[tail_pos]
    seg_v = chain[tail_pos + 1]
    seg_edge = np.repeat(np.arange(n_edges), inner + 1)
    seg_m = _haversine_m(lon[seg_u], lat[seg_u], lon[seg_v], lat[seg_v])
    edge_m = np.bincount(seg_edge, weights=seg_m, minlength=n_edges)

    if weight is not None or speeds is None:
        total_s = np.asarray(totals, dtype=np.float64)
    else:
        length_m = np.asarray(lengths, dtype=np.float64)  # None -> nan
        length_m = np.where(np.isnan(length_m), edge_m, length_m)
        if per_highway:
            kmh: np.ndarray | float = _drive_kmh(highways, maxspeeds, speeds)
        else:
            kmh = speeds.get(mode, speeds.get("drive", 30.0))
        total_s = length_m / (np.asarray(kmh) / 3.6)
    pieces = (inner + 1)[seg_edge]
    share = np.divide(seg_m, edge_m[seg_edge], out=1.0 / pieces,
                      where=edge_m[seg_edge] > 0)
    return GraphArcs(lon=lon, lat=lat, osmid=osmid, u=seg_u, v=seg_v,
                     seconds=share * total_s[seg_edge])
