"""The network builders as they were before issue 16, kept to benchmark against.

``old_from_graph`` is ``Network.from_graph`` and ``old_read_ways`` is ``_osm.read_ways`` as
of commit 559fc37, copied unchanged apart from names. ``old_from_graph`` rebuilds a node
array for every edge, so it takes time proportional to nodes x edges; ``old_read_ways``
reads the file once with pyosmium's default ``flex_mem`` location cache (every node of the
file) and keeps three small numpy arrays per way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pyproj

from geoaccess import Network
from geoaccess._crs import haversine_m as _haversine_m
from geoaccess._crs import metric_crs
from geoaccess._modes import MODES, default_speeds
from geoaccess._osm import ParsedWays, osm_timestamp
from geoaccess.errors import InputError, NetworkError


def old_from_graph(
    G: nx.MultiDiGraph | nx.DiGraph,
    *,
    mode: str = "walk",
    weight: str | None = None,
    speed_kmh: float | Mapping[str, float] | None = None,
    crs: str | None = None,
) -> Network:
    """``Network.from_graph`` before issue 16 (quadratic time)."""
    from geoaccess._modes import parse_maxspeed

    if G.number_of_edges() == 0:
        raise NetworkError("the graph has no edges")
    graph_crs = pyproj.CRS.from_user_input(G.graph.get("crs", "EPSG:4326"))
    to_lonlat = None
    if not graph_crs.is_geographic:
        to_lonlat = pyproj.Transformer.from_crs(graph_crs, 4326, always_xy=True)
    speeds = default_speeds(mode, speed_kmh) if mode in MODES else None
    index: dict[Any, int] = {}
    lon: list[float] = []
    lat: list[float] = []
    ids: list[int] = []

    def node_index(key: Any, xx: float, yy: float, osm: int) -> int:
        i = index.get(key)
        if i is None:
            i = index[key] = len(lon)
            lon.append(xx)
            lat.append(yy)
            ids.append(osm)
        return i

    for node, data in G.nodes(data=True):
        try:
            nx_, ny_ = float(data["x"]), float(data["y"])
        except KeyError as exc:
            raise InputError(f"graph node {node!r} has no 'x'/'y' coordinate") from exc
        if to_lonlat is not None:
            nx_, ny_ = to_lonlat.transform(nx_, ny_)
        osm = int(node) if isinstance(node, (int, np.integer)) else -1
        node_index(("n", node), nx_, ny_, osm)
    us: list[int] = []
    vs: list[int] = []
    secs: list[float] = []
    for a, b, data in G.edges(data=True):
        ia, ib = index[("n", a)], index[("n", b)]
        coords = None
        geom = data.get("geometry")
        if geom is not None:
            coords = list(geom.coords)
            if to_lonlat is not None:
                coords = [to_lonlat.transform(cx, cy) for cx, cy in coords]
        chain = [ia]
        if coords is not None and len(coords) > 2:
            for cx, cy in coords[1:-1]:
                chain.append(node_index(("p", round(cx, 7), round(cy, 7)), cx, cy, -1))
        chain.append(ib)
        chain_arr = np.asarray(chain)
        lo = np.asarray(lon)[chain_arr]
        la = np.asarray(lat)[chain_arr]
        seg = _haversine_m(lo[:-1], la[:-1], lo[1:], la[1:])
        if weight is not None:
            if weight not in data:
                raise InputError(f"graph edge ({a!r}, {b!r}) has no attribute {weight!r}",
                                 column=weight)
            total = float(data[weight])
        else:
            length = float(data.get("length", seg.sum()))
            if speeds is None:
                raise InputError(f"unknown mode {mode!r}: pass weight= with edge seconds")
            if mode == "drive" and "drive" not in speeds:
                hw = data.get("highway")
                hw = hw[0] if isinstance(hw, list) else hw
                ms = data.get("maxspeed")
                ms = ";".join(ms) if isinstance(ms, list) else ms
                kmh = parse_maxspeed(ms) or speeds.get(str(hw), 20 * 1.609344)
            else:
                kmh = speeds.get(mode, speeds.get("drive", 30.0))
            total = length / (kmh / 3.6)
        share = seg / seg.sum() if seg.sum() > 0 else np.full(len(seg), 1 / len(seg))
        us.extend(chain_arr[:-1].tolist())
        vs.extend(chain_arr[1:].tolist())
        secs.extend((share * total).tolist())
    provenance = {
        "source": G.graph.get("name", "networkx graph"),
        "mode": mode,
        "weight": weight or "length at mode speed",
        "speeds_kmh": speeds,
        "osm_timestamp": G.graph.get("created_date"),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "reader": "networkx graph",
    }
    lon_a, lat_a = np.asarray(lon), np.asarray(lat)
    target = (metric_crs(float(np.median(lon_a)), float(np.median(lat_a)))
              if crs is None else pyproj.CRS.from_user_input(crs))
    x, y = pyproj.Transformer.from_crs(4326, target, always_xy=True).transform(lon_a, lat_a)
    epsg = target.to_epsg()
    crs_name = f"EPSG:{epsg}" if epsg else target.to_wkt()
    provenance["crs"] = crs_name
    return Network.from_arcs(np.asarray(us), np.asarray(vs), np.asarray(secs), np.asarray(x),
                             np.asarray(y), crs=crs_name, mode=mode,
                             osmid=np.asarray(ids, np.int64), provenance=provenance)


def old_read_ways(path: Path, mode: str, speeds: Mapping[str, float]) -> ParsedWays:
    """``geoaccess._osm.read_ways`` before issue 16 (one pass, every node's location kept)."""
    import osmium

    from geoaccess._modes import way_rule

    refs: list[np.ndarray] = []
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    way_speed: list[float] = []
    way_dir: list[int] = []
    try:
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        way: Any
        for way in processor:
            tags = dict(way.tags)
            rule = way_rule(tags, mode, speeds)
            if rule is None:
                continue
            nodes = [(nd.ref, nd.lon, nd.lat) for nd in way.nodes if nd.location.valid()]
            if len(nodes) < 2:
                continue
            arr = np.asarray(nodes, dtype=np.float64)
            refs.append(np.asarray([n[0] for n in nodes], dtype=np.int64))
            lons.append(arr[:, 1])
            lats.append(arr[:, 2])
            way_speed.append(rule[0])
            way_dir.append(rule[1])
    except RuntimeError as exc:
        raise InputError(f"{path}: cannot read OSM file ({exc})", path=path) from exc
    if not refs:
        empty = np.zeros(0)
        return ParsedWays(empty, empty, empty.astype(np.int64), empty.astype(np.int64),
                          empty.astype(np.int64), empty, empty.astype(np.int8),
                          osm_timestamp(path))
    lengths = np.array([len(r) for r in refs])
    all_refs = np.concatenate(refs)
    all_lon = np.concatenate(lons)
    all_lat = np.concatenate(lats)
    osmid, first, inverse = np.unique(all_refs, return_index=True, return_inverse=True)
    seg_mask = np.ones(len(all_refs), dtype=bool)
    seg_mask[np.cumsum(lengths) - 1] = False
    seg_idx = np.nonzero(seg_mask)[0]
    way_of_seg = np.repeat(np.arange(len(refs)), lengths - 1)
    return ParsedWays(
        lon=all_lon[first],
        lat=all_lat[first],
        osmid=osmid,
        u=inverse[seg_idx],
        v=inverse[seg_idx + 1],
        speed_kmh=np.asarray(way_speed)[way_of_seg],
        direction=np.asarray(way_dir, dtype=np.int8)[way_of_seg],
        timestamp=osm_timestamp(path),
    )
