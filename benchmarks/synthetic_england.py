"""A seeded synthetic road network shaped and settled like England, for the build benchmarks.

An outline of England (about 40 points of the coast and the Welsh and Scottish borders, in
British National Grid metres) is shrunk about its centre to the area asked for, and
filled as real England is, in these proportions per km²:

- **towns**: 0.077 settlements per km² whose radii follow a Pareto law (exponent 2: a
  few cities, many villages) from 200 m to 22 km, so that about 9% of the land is built
  up, as in England. Built-up land is one street lattice (100 m blocks, jittered, 30% of
  local links removed); every 8th row and column is an arterial (tertiary, secondary or
  primary, one class per street); 10% of residential streets are one-way; some streets
  carry ``maxspeed``. Overlapping towns merge into one lattice, as conurbations do.
- **countryside**: 0.9 rural junctions per km² outside towns, each joined to its three
  nearest neighbours (junctions or town streets) by winding roads (unclassified to
  trunk) drawn with a vertex every 70 m, as OSM draws them.
- **motorways**: the towns over 2.5 km across joined by a minimum spanning tree of dual
  carriageways (two one-way ways 30 m apart, a vertex every 200 m, bridging what they
  cross).
- **buildings** (in the ``.osm.pbf`` only): 1.5 per town lattice node on average, four
  corners each, so that most nodes of the file belong to buildings, as in a real extract.

OSM ids are numbered in blocks (10 km tiles in random order) whose starts are spread
over 0..1.3e10, as real node ids are spread over the history of OpenStreetMap: a reader
that keeps a bitmap of node ids pays for the spread as it would on a real extract.

At full size (``area_km2=ENGLAND_KM2``) the network has about 4.5M highway nodes
(1.3M junctions) and the file about 11M nodes. Two outputs:

- :func:`osmnx_graph`: an osmnx-style ``networkx.MultiDiGraph`` (simplified: town
  lattice nodes and rural junctions are nodes, winding roads and motorways are edges with
  a ``geometry``), with ``x``/``y`` in lon/lat, ``length`` in metres, ``highway``,
  ``oneway``, ``reversed``, ``maxspeed`` where tagged, ``osmid`` and ``graph["crs"]``;
  unlike osmnx, lattice nodes of degree two are kept.
- :func:`write_pbf`: the ways (``highway=*``, ``oneway``, ``maxspeed``) and buildings as
  an ``.osm.pbf`` written with pyosmium (OPL text converted by ``osmium.SimpleWriter``).

Run ``python -m benchmarks.synthetic_england 100000 [--pbf out.osm.pbf]`` to print the
statistics of a network with about that many graph nodes (or file nodes, with ``--pbf``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: England's outline in British National Grid kilometres (coast, Welsh and Scottish borders).
ENGLAND_OUTLINE_KM = [
    (399, 653), (412, 620), (436, 570), (452, 540), (490, 511), (503, 488), (525, 470),
    (505, 440), (540, 410), (515, 380), (560, 340), (590, 340), (622, 342), (655, 293),
    (640, 250), (626, 232), (600, 200), (590, 185), (640, 170), (632, 141), (608, 117),
    (560, 105), (531, 104), (485, 93), (450, 85), (400, 80), (368, 70), (330, 85),
    (282, 37), (230, 50), (170, 12), (134, 25), (180, 60), (225, 128), (297, 147),
    (350, 178), (365, 200), (335, 225), (330, 260), (325, 300), (340, 350), (330, 375),
    (333, 390), (345, 430), (340, 460), (320, 470), (296, 512), (325, 560), (340, 570),
    (370, 600), (390, 630),
]
ENGLAND_KM2 = 130_300.0

SPACING_M = 100.0
TOWNS_PER_KM2 = 0.077
TOWN_R_MIN_M, TOWN_R_MAX_M = 200.0, 22_000.0
RURAL_PER_KM2 = 0.9
RURAL_VERTEX_M = 70.0
MOTORWAY_VERTEX_M = 200.0
BUILDINGS_PER_URBAN_NODE = 1.5

HIGHWAYS = ("residential", "unclassified", "service", "tertiary", "secondary", "primary",
            "trunk", "motorway")
MAXSPEEDS = (None, "20 mph", "30 mph", "40 mph", "60 mph", "70 mph")


@dataclass
class England:
    """Nodes (BNG metres), ways as CSR lists of node indices, and buildings."""

    x: np.ndarray
    y: np.ndarray
    osmid: np.ndarray
    junction: np.ndarray  # graph node (True) or vertex inside a way (False)
    way_ptr: np.ndarray
    way_nodes: np.ndarray
    way_highway: np.ndarray  # index into HIGHWAYS
    way_oneway: np.ndarray
    way_maxspeed: np.ndarray  # index into MAXSPEEDS
    building_nodes: np.ndarray  # (n_buildings, 4) indices into bx/by
    bx: np.ndarray
    by: np.ndarray
    area_km2: float
    n_towns: int
    seed: int

    @property
    def n_nodes(self) -> int:
        """Highway nodes (junctions and way vertices)."""
        return len(self.x)

    @property
    def n_graph_nodes(self) -> int:
        """Nodes of the osmnx-style graph (junctions)."""
        return int(self.junction.sum())

    @property
    def n_file_nodes(self) -> int:
        """Nodes written to the ``.osm.pbf`` (highway and building nodes)."""
        return len(self.x) + len(self.bx)

    @property
    def n_ways(self) -> int:
        return len(self.way_ptr) - 1

    def describe(self) -> dict[str, Any]:
        return {
            "generator": "benchmarks/synthetic_england.py",
            "seed": self.seed,
            "area_km2": round(self.area_km2, 1),
            "towns": self.n_towns,
            "highway_nodes": int(self.n_nodes),
            "graph_nodes": self.n_graph_nodes,
            "highway_ways": int(self.n_ways),
            "buildings": int(len(self.building_nodes)),
            "file_nodes": int(self.n_file_nodes),
        }


def _outline(area_km2: float):
    import shapely
    from shapely import affinity

    poly = shapely.Polygon(np.asarray(ENGLAND_OUTLINE_KM, dtype=float) * 1000.0)
    factor = float(np.sqrt(area_km2 * 1e6 / poly.area))
    return affinity.scale(poly, factor, factor, origin=poly.centroid)


def _points_in(poly, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    x0, y0, x1, y1 = poly.bounds
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    got = 0
    while got < n:
        k = int((n - got) * 1.6) + 16
        px = rng.uniform(x0, x1, k)
        py = rng.uniform(y0, y1, k)
        inside = shapely.contains_xy(poly, px, py)
        xs.append(px[inside])
        ys.append(py[inside])
        got += int(inside.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + n)`` for each start and length."""
    lengths = np.asarray(lengths, dtype=np.int64)
    heads = np.cumsum(lengths) - lengths
    return np.arange(int(lengths.sum())) + np.repeat(np.asarray(starts) - heads, lengths)


class _Ways:
    """Accumulates ways as lists of node indices with tags."""

    def __init__(self) -> None:
        self.nodes: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []
        self.highway: list[np.ndarray] = []
        self.oneway: list[np.ndarray] = []
        self.maxspeed: list[np.ndarray] = []

    def add(self, nodes, lengths, highway, oneway, maxspeed) -> None:
        k = len(lengths)
        self.nodes.append(np.asarray(nodes, np.int64))
        self.lengths.append(np.asarray(lengths, np.int64))
        self.highway.append(np.broadcast_to(np.asarray(highway, np.int8), k))
        self.oneway.append(np.broadcast_to(np.asarray(oneway, bool), k))
        self.maxspeed.append(np.broadcast_to(np.asarray(maxspeed, np.int8), k))

    def arrays(self):
        lengths = np.concatenate(self.lengths)
        ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[1:])
        return (ptr, np.concatenate(self.nodes), np.concatenate(self.highway),
                np.concatenate(self.oneway), np.concatenate(self.maxspeed))


def _lattice(poly, towns_x, towns_y, towns_r, rng):
    """Town street lattice: node keys (col, row) of every block corner in a town."""
    import shapely

    keys = []
    for cx, cy, r in zip(towns_x.tolist(), towns_y.tolist(), towns_r.tolist(), strict=True):
        c0, c1 = int((cx - r) // SPACING_M), int((cx + r) // SPACING_M) + 1
        r0, r1 = int((cy - r) // SPACING_M), int((cy + r) // SPACING_M) + 1
        cc, rr = np.meshgrid(np.arange(c0, c1 + 1), np.arange(r0, r1 + 1))
        inside = (cc * SPACING_M - cx) ** 2 + (rr * SPACING_M - cy) ** 2 <= r * r
        keys.append((cc[inside].astype(np.int64) << 32) | rr[inside].astype(np.int64))
    if not keys:
        return np.zeros(0, np.int64)
    key = np.unique(np.concatenate(keys))
    col, row = key >> 32, key & 0xFFFFFFFF
    inside = shapely.contains_xy(poly, col * SPACING_M, row * SPACING_M)
    return key[inside]


def generate(area_km2: float = ENGLAND_KM2, *, seed: int = 0, buildings: bool = True) -> England:
    """An England-shaped network of ``area_km2`` square kilometres.

    Parameters
    ----------
    area_km2 : float
        Land area; England's (130,300 km²) by default. About 10 graph nodes, 35 highway
        nodes and 85 file nodes per km².
    seed : int
        Random seed: the same seed and area give the same network.
    buildings : bool
        Generate buildings (needed only for :func:`write_pbf`).

    Returns
    -------
    England
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components, minimum_spanning_tree
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    poly = _outline(area_km2)
    n_towns = max(1, int(rng.poisson(TOWNS_PER_KM2 * area_km2)))
    tx, ty = _points_in(poly, n_towns, rng)
    r_max = min(TOWN_R_MAX_M, 80.0 * np.sqrt(area_km2))  # a small country has no London
    tr = np.minimum(TOWN_R_MIN_M * rng.random(n_towns) ** -0.5, r_max)

    # ---- towns: one lattice
    key = _lattice(poly, tx, ty, tr, rng)
    col = (key >> 32).astype(np.int64)
    row = (key & 0xFFFFFFFF).astype(np.int64)
    n_urban = len(key)
    ux = col * SPACING_M + rng.uniform(-0.25, 0.25, n_urban) * SPACING_M
    uy = row * SPACING_M + rng.uniform(-0.25, 0.25, n_urban) * SPACING_M
    ways = _Ways()
    street_class = rng.choice([3, 4, 5], size=1 << 16, p=[0.5, 0.3, 0.2])  # per arterial line
    block_speed = rng.choice(len(MAXSPEEDS[:4]), size=1 << 16, p=[0.3, 0.3, 0.35, 0.05])
    links = []
    for dc, dr in ((1, 0), (0, 1)):
        nb = np.searchsorted(key, ((col + dc) << 32) | (row + dr))
        nb_ok = nb < n_urban
        nb_ok[nb_ok] = key[nb[nb_ok]] == (((col + dc) << 32) | (row + dr))[nb_ok]
        a = np.nonzero(nb_ok)[0]
        arterial = (row[a] if dc else col[a]) % 8 == 0
        keep = rng.random(len(a)) >= np.where(arterial, 0.03, 0.30)
        links.append((a[keep], nb[a[keep]], arterial[keep]))
    degree = np.bincount(np.concatenate([np.concatenate(ln[:2]) for ln in links]),
                         minlength=n_urban)
    for (a, b, arterial), dr in zip(links, (0, 1), strict=True):
        line = col[a] if dr else row[a]  # the street a link lies on
        along = row[a] if dr else col[a]
        block = (line * 7919 + (along // 8) * 104729 + dr) % (1 << 16)
        hw = np.where(arterial, street_class[line % (1 << 16)],
                      rng.choice([0, 1, 2], size=len(a), p=[0.85, 0.05, 0.10]))
        # one-way only between junctions (a one-way dead end would trap cars)
        one = ((~arterial) & (rng.random(len(a)) < 0.10)
               & (degree[a] >= 3) & (degree[b] >= 3))
        ms = np.where(arterial, rng.choice([0, 2, 3], size=len(a), p=[0.4, 0.5, 0.1]),
                      block_speed[block])
        # consecutive links of one street with the same tags form one way (<= 8 links)
        order = np.lexsort((along, line))
        a, b, line, along, hw, one, ms = (arr[order] for arr in (a, b, line, along, hw, one,
                                                                 ms))
        new = np.ones(len(a), dtype=bool)
        new[1:] = ((line[1:] != line[:-1]) | (along[1:] != along[:-1] + 1)
                   | (hw[1:] != hw[:-1]) | (one[1:] != one[:-1]) | (ms[1:] != ms[:-1])
                   | (along[1:] // 8 != along[:-1] // 8))
        way_id = np.cumsum(new) - 1
        n_links = np.bincount(way_id)
        first_link = np.nonzero(new)[0]
        # node list of each way: the tails of its links, then the head of its last link
        refs = np.empty(len(a) + len(first_link), dtype=np.int64)
        refs[np.arange(len(a)) + way_id] = a  # each way has one extra slot
        ends = np.cumsum(n_links + 1)
        refs[ends - 1] = b[np.cumsum(n_links) - 1]
        # half the one-way streets run the other way: reverse their node lists
        flip = one[first_link] & (rng.random(len(first_link)) < 0.5)
        if flip.any():
            lens = n_links + 1
            idx = _ranges(ends - lens, lens)
            owner = np.repeat(np.arange(len(lens)), lens)
            pos_in = idx - np.repeat(ends - lens, lens)
            rev = np.repeat(ends - 1, lens) - pos_in
            refs = np.where(flip[owner], refs[rev], refs)
        ways.add(refs, n_links + 1, hw[first_link], one[first_link], ms[first_link])

    # ---- countryside: junctions outside towns joined to their 3 nearest neighbours
    n_rural = int(rng.poisson(RURAL_PER_KM2 * area_km2))
    rx, ry = _points_in(poly, n_rural, rng)
    if n_urban:
        rkey = ((np.rint(rx / SPACING_M).astype(np.int64) << 32)
                | np.rint(ry / SPACING_M).astype(np.int64))
        pos = np.minimum(np.searchsorted(key, rkey), n_urban - 1)
        out = key[pos] != rkey
        rx, ry = rx[out], ry[out]
    n_rural = len(rx)
    jx = np.concatenate([ux, rx])
    jy = np.concatenate([uy, ry])
    tree = cKDTree(np.column_stack([jx, jy]))
    # rural roads: each junction to its 3 nearest rural junctions, and to the nearest town
    # street within 1.5 km
    src_l, dst_l = [], []
    if n_rural > 1:
        k = min(4, n_rural)
        dist, nbr = cKDTree(np.column_stack([rx, ry])).query(np.column_stack([rx, ry]), k=k)
        ok = dist[:, 1:].ravel() < 5000.0
        src_l.append(np.repeat(np.arange(n_rural), k - 1)[ok] + n_urban)
        dst_l.append(nbr[:, 1:].ravel()[ok] + n_urban)
    if n_urban and n_rural:
        dist_u, near_u = cKDTree(np.column_stack([ux, uy])).query(np.column_stack([rx, ry]))
        ok = dist_u < 1500.0
        src_l.append(np.arange(n_urban, n_urban + n_rural)[ok])
        dst_l.append(near_u[ok])
    src = np.concatenate(src_l) if src_l else np.zeros(0, np.int64)
    dst = np.concatenate(dst_l) if dst_l else np.zeros(0, np.int64)
    n_j = len(jx)
    pair_key = np.unique(np.minimum(src, dst) * n_j + np.maximum(src, dst))
    pair = np.column_stack([pair_key // n_j, pair_key % n_j])
    x_list = [jx]
    y_list = [jy]
    next_node = len(jx)

    def winding(a: np.ndarray, b: np.ndarray, hw: np.ndarray, ms: np.ndarray) -> None:
        """Two-way roads from junction a to b, a vertex every 70 m, gently curved."""
        nonlocal next_node
        seg = np.maximum(np.hypot(jx[b] - jx[a], jy[b] - jy[a]), 1.0)
        inner = np.maximum((seg // RURAL_VERTEX_M).astype(np.int64) - 1, 0)
        link = np.repeat(np.arange(len(a)), inner)
        t = _ranges(np.ones(len(a), np.int64), inner) / (inner[link] + 1)
        amp = rng.uniform(0.02, 0.08, len(a)) * seg * rng.choice([-1, 1], len(a))
        waves = rng.integers(1, 3, len(a))
        off = amp[link] * np.sin(np.pi * waves[link] * t) + rng.normal(0, 3.0, len(t))
        dx, dy = (jx[b] - jx[a]) / seg, (jy[b] - jy[a]) / seg
        x_list.append(jx[a][link] + t * seg[link] * dx[link] - off * dy[link])
        y_list.append(jy[a][link] + t * seg[link] * dy[link] + off * dx[link])
        vid = next_node + np.arange(len(t))
        next_node += len(t)
        lens = inner + 2
        ends = np.cumsum(lens)
        refs = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
        refs[ends - lens] = a
        refs[ends - 1] = b
        mid = np.ones(len(refs), bool)
        mid[ends - lens] = False
        mid[ends - 1] = False
        refs[mid] = vid
        ways.add(refs, lens, hw, np.zeros(len(a), bool), ms)

    if len(pair):
        winding(pair[:, 0], pair[:, 1],
                rng.choice([1, 3, 4, 5, 6], size=len(pair), p=[0.55, 0.25, 0.12, 0.06, 0.02]),
                rng.choice([0, 4], size=len(pair), p=[0.85, 0.15]))

    # ---- join every island (a village no junction chose, a cut-off lattice corner) to the
    # largest connected part by a road between their nearest junctions, as real ones are
    ptr_, refs_, *_ = ways.arrays()
    way_of = np.repeat(np.arange(len(ptr_) - 1), np.diff(ptr_))
    same = way_of[1:] == way_of[:-1]
    adj = csr_matrix((np.ones(int(same.sum())), (refs_[:-1][same], refs_[1:][same])),
                     shape=(next_node, next_node))
    _, comp = connected_components(adj, directed=False)
    comp_j = comp[: len(jx)]
    main = np.argmax(np.bincount(comp_j))
    others = np.nonzero(comp_j != main)[0]
    if len(others):
        main_nodes = np.nonzero(comp_j == main)[0]
        dist_o, near = cKDTree(np.column_stack([jx[main_nodes], jy[main_nodes]])).query(
            np.column_stack([jx[others], jy[others]]))
        order = np.lexsort((dist_o, comp_j[others]))
        first = np.ones(len(order), dtype=bool)
        first[1:] = comp_j[others][order][1:] != comp_j[others][order][:-1]
        pick = order[first]
        winding(others[pick], main_nodes[near[pick]], np.ones(len(pick), np.int8),
                np.zeros(len(pick), np.int8))

    # ---- motorways between the larger towns (minimum spanning tree, dual carriageway)
    big = np.nonzero(tr >= 2500.0)[0]
    if len(big) >= 2 and n_urban:
        centres = np.column_stack([tx[big], ty[big]])
        hub = tree.query(centres)[1]
        hub = np.unique(hub[hub < n_urban])
        if len(hub) >= 2:
            hx, hy = jx[hub], jy[hub]
            d = np.hypot(hx[:, None] - hx[None, :], hy[:, None] - hy[None, :])
            mst = minimum_spanning_tree(csr_matrix(np.triu(d))).tocoo()
            for i, j in zip(mst.row.tolist(), mst.col.tolist(), strict=True):
                a_, b_ = int(hub[i]), int(hub[j])
                length = float(d[i, j])
                m = max(int(length // MOTORWAY_VERTEX_M) - 1, 1)
                t = np.arange(1, m + 1) / (m + 1)
                ddx, ddy = (jx[b_] - jx[a_]) / length, (jy[b_] - jy[a_]) / length
                for side, (p, q) in ((1, (a_, b_)), (-1, (b_, a_))):
                    tt = t if side == 1 else t[::-1]
                    vx = jx[a_] + tt * (jx[b_] - jx[a_]) - side * 15.0 * ddy
                    vy = jy[a_] + tt * (jy[b_] - jy[a_]) + side * 15.0 * ddx
                    vid = next_node + np.arange(m)
                    next_node += m
                    x_list.append(vx)
                    y_list.append(vy)
                    ways.add(np.concatenate([[p], vid, [q]]), [m + 2], 7, True, 5)

    x = np.concatenate(x_list)
    y = np.concatenate(y_list)
    junction = np.zeros(len(x), dtype=bool)
    junction[: n_urban + n_rural] = True
    way_ptr, way_nodes, way_hw, way_one, way_ms = ways.arrays()

    # ---- buildings: small rotated rectangles around town lattice nodes
    if buildings and n_urban:
        per = rng.poisson(BUILDINGS_PER_URBAN_NODE, n_urban)
        host = np.repeat(np.arange(n_urban), per)
        nb = len(host)
        cx = ux[host] + rng.uniform(-40, 40, nb)
        cy = uy[host] + rng.uniform(-40, 40, nb)
        ang = rng.uniform(0, np.pi, nb)
        w, h = rng.uniform(6, 14, nb), rng.uniform(5, 10, nb)
        corners = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], dtype=float) / 2
        ca, sa = np.cos(ang)[:, None], np.sin(ang)[:, None]
        bx = (cx[:, None] + corners[:, 0] * w[:, None] * ca - corners[:, 1] * h[:, None] * sa)
        by = (cy[:, None] + corners[:, 0] * w[:, None] * sa + corners[:, 1] * h[:, None] * ca)
        bx, by = bx.ravel(), by.ravel()
        building_nodes = np.arange(len(bx)).reshape(-1, 4)
    else:
        bx = by = np.zeros(0)
        building_nodes = np.zeros((0, 4), dtype=np.int64)

    osmid = _block_ids(np.concatenate([x, bx]), np.concatenate([y, by]), rng)
    return England(x=x, y=y, osmid=osmid, junction=junction, way_ptr=way_ptr,
                   way_nodes=way_nodes, way_highway=way_hw, way_oneway=way_one,
                   way_maxspeed=way_ms, building_nodes=building_nodes, bx=bx, by=by,
                   area_km2=area_km2, n_towns=n_towns, seed=seed)


def _block_ids(x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
               tile_m: float = 10_000.0, id_range: int = 13_000_000_000) -> np.ndarray:
    """OSM ids numbered tile by tile, tiles in random order, starts spread over id_range."""
    tx = np.floor(x / tile_m).astype(np.int64)
    ty = np.floor(y / tile_m).astype(np.int64)
    tx -= tx.min()
    ty -= ty.min()
    tile = tx * (int(ty.max()) + 1) + ty
    counts_all = np.bincount(tile)
    used = np.nonzero(counts_all)[0]
    rank_of_tile = np.zeros(len(counts_all), dtype=np.int64)
    rank_of_tile[used] = rng.permutation(len(used))
    rank = rank_of_tile[tile]
    order = np.argsort(rank, kind="stable")  # tile by tile, in node order within a tile
    counts = np.bincount(rank, minlength=len(used))
    before = np.concatenate([[0], np.cumsum(counts)[:-1]])
    gaps = np.sort(rng.integers(0, max(id_range - len(x), 1), len(used)))
    starts = 1 + gaps + before
    ids = np.empty(len(x), dtype=np.int64)
    ids[order] = np.repeat(starts, counts) + np.arange(len(x)) - np.repeat(before, counts)
    return ids


def _lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import pyproj

    tf = pyproj.Transformer.from_crs(27700, 4326, always_xy=True)
    lon, lat = tf.transform(x, y)
    return np.asarray(lon), np.asarray(lat)


def _haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    lon1, lat1, lon2, lat2 = (np.radians(a) for a in (lon1, lat1, lon2, lat2))
    h = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_009.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def osmnx_graph(eng: England):
    """The network as an osmnx-style simplified ``networkx.MultiDiGraph`` in lon/lat.

    Each way is cut at its junctions; a piece with inner vertices gets a LineString
    ``geometry``; two-way pieces get a reversed twin (``reversed=True``), as osmnx does.

    Parameters
    ----------
    eng : England

    Returns
    -------
    networkx.MultiDiGraph
    """
    import networkx as nx
    import shapely

    lon, lat = _lonlat(eng.x, eng.y)
    ptr, refs = eng.way_ptr, eng.way_nodes
    n_ways = len(ptr) - 1
    way_of = np.repeat(np.arange(n_ways), np.diff(ptr))
    is_end = np.zeros(len(refs), dtype=bool)
    is_end[ptr[:-1]] = True
    is_end[ptr[1:] - 1] = True
    cut = np.nonzero(eng.junction[refs] | is_end)[0]
    same = way_of[cut[1:]] == way_of[cut[:-1]]
    p0, p1 = cut[:-1][same], cut[1:][same]
    seg = np.zeros(len(refs))
    seg[1:] = _haversine_m(lon[refs[:-1]], lat[refs[:-1]], lon[refs[1:]], lat[refs[1:]])
    seg[ptr[:-1]] = 0.0
    cum = np.cumsum(seg)
    length = cum[p1] - cum[p0]
    w = way_of[p0]
    n_pts = p1 - p0 + 1
    curved = np.nonzero(n_pts > 2)[0]
    geoms = np.full(len(p0), None, dtype=object)
    if len(curved):
        idx = _ranges(p0[curved], n_pts[curved])
        pts = np.column_stack([lon[refs[idx]], lat[refs[idx]]])
        geoms[curved] = shapely.linestrings(pts, indices=np.repeat(np.arange(len(curved)),
                                                                   n_pts[curved]))
    ids = eng.osmid[: len(eng.x)]
    u, v = ids[refs[p0]], ids[refs[p1]]
    way_osmid = 1 + np.arange(n_ways, dtype=np.int64)
    hw = np.asarray(HIGHWAYS, dtype=object)[eng.way_highway[w]]
    ms = np.asarray(MAXSPEEDS, dtype=object)[eng.way_maxspeed[w]]
    one = eng.way_oneway[w]

    G = nx.MultiDiGraph(crs="epsg:4326", simplified=True,
                        created_with="benchmarks/synthetic_england.py",
                        name=f"synthetic England {eng.area_km2:,.0f} km2 seed {eng.seed}")
    junctions = np.nonzero(eng.junction)[0]
    G.add_nodes_from(zip(ids[junctions].tolist(),
                         ({"y": b, "x": a} for a, b in zip(lon[junctions].tolist(),
                                                           lat[junctions].tolist(),
                                                           strict=True)), strict=True))

    def attrs(i: int, rev: bool, geom: Any) -> dict[str, Any]:
        d: dict[str, Any] = {"osmid": int(way_osmid[w[i]]), "highway": hw[i],
                             "oneway": bool(one[i]), "reversed": rev,
                             "length": float(length[i])}
        if ms[i] is not None:
            d["maxspeed"] = ms[i]
        if geom is not None:
            d["geometry"] = geom
        return d

    add = G.add_edge  # one call per edge: add_edges_from looks each edge up again
    for i, (a, b, g) in enumerate(zip(u.tolist(), v.tolist(), geoms, strict=True)):
        add(a, b, **attrs(i, False, g))
    rev_geoms = np.full(len(p0), None, dtype=object)
    if len(curved):
        rev_geoms[curved] = shapely.reverse(geoms[curved])
    for i in np.nonzero(~one)[0].tolist():
        add(int(v[i]), int(u[i]), **attrs(i, True, rev_geoms[i]))
    return G


def write_pbf(eng: England, path: str | os.PathLike[str]) -> Path:
    """Write the ways and buildings as an ``.osm.pbf`` with pyosmium.

    Nodes and ways are written in id order, as in a real extract. The data is written as
    OPL text and converted by ``osmium.SimpleWriter`` in one pyosmium call (twice as
    fast as adding objects one by one from Python).

    Parameters
    ----------
    eng : England
    path : path-like
        The ``.osm.pbf`` to write (replaced if it exists).

    Returns
    -------
    pathlib.Path
    """
    import osmium

    path = Path(path)
    lon, lat = _lonlat(np.concatenate([eng.x, eng.bx]), np.concatenate([eng.y, eng.by]))
    ids = eng.osmid
    order = np.argsort(ids)
    hw_tag = [f"highway={h}" for h in HIGHWAYS]
    ms_tag = ["" if m is None else f",maxspeed={m.replace(' ', '%20%')}" for m in MAXSPEEDS]
    n_hw = len(eng.x)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        opl = Path(tmp) / "england.opl"
        with open(opl, "w") as fh:
            for chunk in np.array_split(order, max(1, len(order) // 500_000)):
                fh.writelines(f"n{i} v1 x{a:.7f} y{b:.7f}\n" for i, a, b in zip(
                    ids[chunk].tolist(), lon[chunk].tolist(), lat[chunk].tolist(),
                    strict=True))
            refs = ids[eng.way_nodes]
            ptr = eng.way_ptr.tolist()
            for w in range(eng.n_ways):
                tags = hw_tag[eng.way_highway[w]] + ms_tag[eng.way_maxspeed[w]]
                if eng.way_oneway[w]:
                    tags += ",oneway=yes"
                nodes = ",".join(f"n{r}" for r in refs[ptr[w]:ptr[w + 1]].tolist())
                fh.write(f"w{w + 1} v1 T{tags} N{nodes}\n")
            b_ids = ids[n_hw + eng.building_nodes]
            first = eng.n_ways + 1
            fh.writelines(
                f"w{first + k} v1 Tbuilding=yes Nn{a},n{b},n{c},n{d},n{a}\n"
                for k, (a, b, c, d) in enumerate(b_ids.tolist()))
        path.unlink(missing_ok=True)
        with osmium.SimpleWriter(str(path)) as writer:
            osmium.apply(osmium.io.Reader(str(opl)), writer)
    return path


def for_graph_nodes(n_nodes: int, *, seed: int = 0) -> England:
    """A network whose osmnx-style graph has about ``n_nodes`` nodes (no buildings)."""
    return _calibrated(n_nodes, "n_graph_nodes", seed=seed, buildings=False)


def for_file_nodes(n_nodes: int, *, seed: int = 0) -> England:
    """A network whose ``.osm.pbf`` has about ``n_nodes`` nodes (with buildings)."""
    return _calibrated(n_nodes, "n_file_nodes", seed=seed, buildings=True)


_DENSITY = {"n_graph_nodes": 10.0, "n_file_nodes": 85.0}


def _calibrated(n_nodes: int, count: str, *, seed: int, buildings: bool) -> England:
    """Search the area (a few generations) until the count is within 5% of ``n_nodes``."""
    area = n_nodes / _DENSITY[count]
    best: England | None = None
    for _ in range(8):
        eng = generate(area, seed=seed, buildings=buildings)
        got = getattr(eng, count)
        if best is None or abs(got - n_nodes) < abs(getattr(best, count) - n_nodes):
            best = eng
        if abs(got / n_nodes - 1) <= 0.05:
            break
        area *= (n_nodes / max(got, 1)) ** 0.8  # damped: small countries vary a lot
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nodes", type=int, help="graph nodes (or file nodes with --pbf)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pbf", type=Path, help="write an .osm.pbf here")
    args = parser.parse_args()
    if args.pbf:
        eng = for_file_nodes(args.nodes, seed=args.seed)
        write_pbf(eng, args.pbf)
    else:
        eng = for_graph_nodes(args.nodes, seed=args.seed)
    for k, val in eng.describe().items():
        print(f"{k}: {val}")


if __name__ == "__main__":
    main()
