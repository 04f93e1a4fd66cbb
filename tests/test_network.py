"""Networks from OSM files and osmnx graphs: modes, speeds, directions, provenance."""

from __future__ import annotations

import networkx as nx
import numpy as np
import osmnx as ox
import pytest

import geoaccess as ga
from geoaccess._modes import default_speeds, parse_maxspeed, way_rule


def test_rutland_walk_sizes_and_provenance(rutland_walk, rutland_osm):
    net = rutland_walk
    assert net.crs == "EPSG:27700"
    assert 35_000 < net.n_nodes < 45_000  # pyrosm reads ~39k walkable nodes
    prov = net.provenance
    assert prov["osm_timestamp"] == "2022-07-20T20:21:45Z"
    assert prov["source"] == "rutland-latest.osm.pbf"
    assert len(prov["sha256"]) == 64 and prov["sha256"].startswith("85f7540a")
    assert prov["speeds_kmh"]["walk"] == 4.8
    assert prov["nodes_outside_main_component"] == net.n_nodes - net.in_main_component().sum()
    assert net.in_main_component().mean() > 0.95


def test_walk_arcs_match_length_at_speed(rutland_walk):
    """Each walk arc takes haversine length / 4.8 km/h and exists both ways."""
    net = rutland_walk
    G = net.to_networkx()
    lon, lat = __import__("pyproj").Transformer.from_crs(net.crs, 4326, always_xy=True).transform(
        net.x, net.y)
    rng = np.random.default_rng(0)
    edges = list(G.edges(data="weight"))
    for i in rng.choice(len(edges), 50, replace=False):
        u, v, w = edges[i]
        assert G.has_edge(v, u)
        metres = ox.distance.great_circle(lat[u], lon[u], lat[v], lon[v])
        assert w == pytest.approx(metres / (4.8 / 3.6), rel=1e-3, abs=1e-6)


def test_drive_has_one_ways_walk_does_not(rutland_walk, rutland_drive):
    for net, expect_oneway in ((rutland_walk, False), (rutland_drive, True)):
        G = net.to_networkx()
        oneway = sum(1 for u, v in G.edges if not G.has_edge(v, u))
        assert (oneway > 0) == expect_oneway


def test_pushchair_avoids_steps_and_is_slower(rutland_osm, rutland_walk):
    push = ga.Network.from_osm_file(rutland_osm, mode="pushchair")
    assert push.n_arcs < rutland_walk.n_arcs
    assert push.provenance["speeds_kmh"]["pushchair"] < 4.8


def test_speed_override(rutland_osm, rutland_walk):
    fast = ga.Network.from_osm_file(rutland_osm, mode="walk", speed_kmh=9.6)
    assert np.allclose(fast.seconds * 2, rutland_walk.seconds)


@pytest.mark.parametrize(("value", "kmh"), [
    ("30 mph", 48.28032), ("50", 50.0), ("20mph", 32.18688), ("GB:nsl_single", 96.56064),
    ("GB:nsl_dual", 112.65408), ("30;40", 35.0), ("none", None), ("", None), (None, None),
])
def test_parse_maxspeed(value, kmh):
    got = parse_maxspeed(value)
    assert got == (None if kmh is None else pytest.approx(kmh, rel=1e-6))


def test_way_rules():
    walk = default_speeds("walk", None)
    drive = default_speeds("drive", None)
    cycle = default_speeds("cycle", None)
    assert way_rule({"highway": "motorway"}, "walk", walk) is None
    assert way_rule({"highway": "footway", "foot": "no"}, "walk", walk) is None
    assert way_rule({"highway": "footway"}, "drive", drive) is None
    assert way_rule({"highway": "residential", "oneway": "yes"}, "drive", drive)[1] == 1
    assert way_rule({"highway": "residential", "oneway": "-1"}, "drive", drive)[1] == -1
    assert way_rule({"highway": "primary", "junction": "roundabout"}, "drive", drive)[1] == 1
    assert way_rule({"highway": "primary", "maxspeed": "40 mph"}, "drive",
                    drive)[0] == pytest.approx(64.37376)
    assert way_rule({"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"},
                    "cycle", cycle)[1] == 0
    assert way_rule({"highway": "residential", "oneway": "yes"}, "cycle", cycle)[1] == 1
    assert way_rule({"highway": "footway"}, "cycle", cycle) is None
    assert way_rule({"highway": "footway", "bicycle": "designated"}, "cycle", cycle) is not None
    assert way_rule({"highway": "steps"}, "pushchair", default_speeds("pushchair", None)) is None
    assert way_rule({"highway": "service", "service": "parking_aisle"}, "drive", drive) is None


def test_unknown_mode_and_bad_speed(rutland_osm):
    with pytest.raises(ValueError, match="unknown mode 'hover'"):
        ga.Network.from_osm_file(rutland_osm, mode="hover")
    with pytest.raises(ValueError, match="positive"):
        ga.Network.from_osm_file(rutland_osm, mode="walk", speed_kmh=0)


def test_bad_files(tmp_path):
    with pytest.raises(ga.InputError, match="not found"):
        ga.Network.from_osm_file(tmp_path / "x.osm.pbf")
    doc = tmp_path / "x.docx"
    doc.write_text("x")
    with pytest.raises(ga.InputError, match="unknown OSM file format"):
        ga.Network.from_osm_file(doc)
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not a pbf")
    with pytest.raises(ga.InputError, match="cannot read OSM file"):
        ga.Network.from_osm_file(broken)


def test_osm_bz2_and_xml_equal_to_osmnx():
    """The .osm.bz2 reader sees the same walkable street nodes as osmnx."""
    path = ga.datasets.get_path("west-oakland")
    net = ga.Network.from_osm_file(path, mode="walk")
    assert net.crs == "EPSG:32610"
    G = ox.graph_from_xml(path, simplify=False, retain_all=True)
    ours = set(net.osmid.tolist())
    # graph_from_xml keeps every way of the file; compare the highway ones
    theirs = {n for u, v, hw in G.edges(data="highway") if hw is not None for n in (u, v)}
    assert ours <= theirs
    assert len(ours) / len(theirs) > 0.9


def test_from_graph_matches_osmnx_shortest_paths():
    path = ga.datasets.get_path("west-oakland")
    G = ox.graph_from_xml(path, simplify=True, retain_all=True)
    net = ga.Network.from_graph(G, mode="walk")
    lookup = {int(o): i for i, o in enumerate(net.osmid) if o >= 0}
    D = nx.DiGraph()
    for u, v, d in G.edges(data=True):
        w = d["length"] / (4.8 / 3.6)
        if not D.has_edge(u, v) or D[u][v]["weight"] > w:
            D.add_edge(u, v, weight=w)
    from scipy.sparse.csgraph import dijkstra

    source = next(iter(G.nodes))
    ours = dijkstra(net.matrix(), indices=lookup[source])
    theirs = nx.single_source_dijkstra_path_length(D, source)
    for node, secs in theirs.items():
        # lengths from osmnx vs haversine of the vertex chain: equal to within 0.5%
        assert ours[lookup[node]] == pytest.approx(secs, rel=5e-3, abs=1e-6)


def test_from_graph_weight_attribute():
    path = ga.datasets.get_path("west-oakland")
    G = ox.graph_from_xml(path, simplify=False, retain_all=True)
    for _, _, d in G.edges(data=True):
        d["travel_time"] = 10.0
    net = ga.Network.from_graph(G, mode="walk", weight="travel_time")
    assert np.allclose(net.seconds, 10.0)
    with pytest.raises(ga.InputError, match="no attribute 'secs'"):
        ga.Network.from_graph(G, mode="walk", weight="secs")


def _arcs(net, relabel=None):
    """Arcs of a network as {(tail, head): seconds}, node labels mapped by ``relabel``."""
    from geoaccess import _csr

    tails, heads = _csr.arcs_from_csr(net.indptr, net.indices), net.indices
    if relabel is not None:
        tails, heads = relabel[tails], relabel[heads]
    pairs = zip(tails.tolist(), heads.tolist(), strict=True)
    return dict(zip(pairs, net.seconds.tolist(), strict=True))


def _same_place(a, b):
    """For each node of network ``a``, the node of ``b`` at the same place (to 1e-6 m)."""
    from scipy.spatial import cKDTree

    gap, index = cKDTree(np.column_stack([b.x, b.y])).query(np.column_stack([a.x, a.y]))
    assert gap.max() < 1e-6
    return index


@pytest.fixture(scope="module")
def oakland_graphs():
    path = ga.datasets.get_path("west-oakland")
    return (ox.graph_from_xml(path, simplify=True, retain_all=True),
            ox.graph_from_xml(path, simplify=False, retain_all=True))


def test_from_graph_splits_curves_into_the_unsimplified_graph(oakland_graphs):
    """A simplified graph's curved edges, split at their vertices, give back the streets of
    the unsimplified graph: the same points, the same arcs, the same seconds.

    osmnx's simplification turns each chain of degree-2 nodes into one edge with a
    LineString through those nodes and the sum of their lengths; splitting it shares the
    time out by the haversine length of each piece, which is what osmnx measured for the
    unsimplified edges (same formula, same earth radius). Vertices shared by the two
    directions of a street must become one node, or the arcs would not match.
    """
    simple, full = oakland_graphs
    a = ga.Network.from_graph(simple, mode="walk")
    b = ga.Network.from_graph(full, mode="walk")
    assert a.n_nodes < b.n_nodes and (a.osmid == -1).sum() > 100  # curves were split
    where = {xy: i for i, xy in enumerate(zip(a.x.tolist(), a.y.tolist(), strict=True))}
    assert len(where) == a.n_nodes  # no two nodes at one point
    to_a = np.array([where.get(xy, -1) for xy in zip(b.x.tolist(), b.y.tolist(), strict=True)])
    ours, theirs = _arcs(a), _arcs(b, to_a)
    # osmnx's simplification leaves out self-contained rings; nothing else is missing
    assert not any((t < 0) != (h < 0) for t, h in theirs)
    theirs = {k: w for k, w in theirs.items() if k[0] >= 0}
    assert (to_a >= 0).mean() > 0.7
    assert set(ours) == set(theirs)
    for arc, secs in ours.items():
        assert secs == pytest.approx(theirs[arc], rel=1e-9)
    # the vertices are the unsimplified graph's nodes; the graph nodes keep their ids
    assert set(a.osmid[a.osmid >= 0].tolist()) == set(simple.nodes)


def test_from_graph_drive_speeds_match_networkx(oakland_graphs):
    """Drive times from every node equal networkx Dijkstra on length / speed, the speed
    being the edge's maxspeed or else the UK default for its highway type."""
    from scipy.sparse.csgraph import dijkstra

    from geoaccess._modes import UK_DRIVE_SPEEDS_KMH

    simple, _ = oakland_graphs
    net = ga.Network.from_graph(simple, mode="drive")
    D = nx.DiGraph()
    for u, v, d in simple.edges(data=True):
        hw = d.get("highway")
        hw = hw[0] if isinstance(hw, list) else hw
        ms = d.get("maxspeed")
        ms = ";".join(ms) if isinstance(ms, list) else ms
        kmh = parse_maxspeed(ms) or UK_DRIVE_SPEEDS_KMH.get(hw, 20 * 1.609344)
        w = d["length"] / (kmh / 3.6)
        if not D.has_edge(u, v) or D[u][v]["weight"] > w:
            D.add_edge(u, v, weight=w)
    lookup = {int(o): i for i, o in enumerate(net.osmid) if o >= 0}
    nodes = list(D.nodes)
    ours = dijkstra(net.matrix(), indices=[lookup[n] for n in nodes])
    for row, source in zip(ours, nodes, strict=True):
        theirs = nx.single_source_dijkstra_path_length(D, source)
        reach = {lookup[n] for n in theirs}
        assert all(np.isinf(row[lookup[n]]) for n in nodes if lookup[n] not in reach)
        for node, secs in theirs.items():
            assert row[lookup[node]] == pytest.approx(secs, rel=5e-3, abs=1e-6)


def test_from_graph_projected_digraph_and_labels(oakland_graphs):
    """The same network from the graph projected to UTM, as a DiGraph of the fastest
    parallel edges, and with string node labels (osmid then -1)."""
    simple, _ = oakland_graphs
    base = ga.Network.from_graph(simple, mode="walk")
    projected = ga.Network.from_graph(ox.project_graph(simple), mode="walk")
    assert projected.crs == base.crs and projected.n_nodes == base.n_nodes
    # project_graph rebuilds the graph, so nodes come in another order: match by place
    theirs, ours = _arcs(projected, _same_place(projected, base)), _arcs(base)
    assert theirs.keys() == ours.keys()
    assert all(theirs[k] == pytest.approx(w, rel=1e-9) for k, w in ours.items())
    shortest = nx.DiGraph(**simple.graph)
    shortest.add_nodes_from(simple.nodes(data=True))
    for u, v, d in simple.edges(data=True):
        if not shortest.has_edge(u, v) or shortest[u][v]["length"] > d["length"]:
            shortest.add_edge(u, v, **d)
    di = ga.Network.from_graph(shortest, mode="walk")
    theirs = _arcs(di, _same_place(di, base))
    assert theirs.keys() <= ours.keys()
    assert all(ours[k] == pytest.approx(w, rel=1e-9) for k, w in theirs.items())
    # keeping only the shorter of parallel edges changes no time between graph nodes
    from scipy.sparse.csgraph import dijkstra

    ids = list(simple.nodes)
    rows = [{int(o): i for i, o in enumerate(net.osmid) if o >= 0} for net in (base, di)]
    t_base = dijkstra(base.matrix(), indices=[rows[0][n] for n in ids])[:, [rows[0][n]
                                                                            for n in ids]]
    t_di = dijkstra(di.matrix(), indices=[rows[1][n] for n in ids])[:, [rows[1][n]
                                                                        for n in ids]]
    assert np.allclose(t_base, t_di, rtol=1e-9)
    named = nx.relabel_nodes(simple, {n: f"n{n}" for n in simple.nodes})
    by_name = ga.Network.from_graph(named, mode="walk")
    assert (by_name.osmid == -1).all()
    assert np.array_equal(by_name.seconds, base.seconds)


def test_from_graph_bad_graphs(oakland_graphs):
    simple, _ = oakland_graphs
    G = simple.copy()
    del G.nodes[next(iter(G.nodes))]["x"]
    with pytest.raises(ga.InputError, match="has no 'x'/'y' coordinate"):
        ga.Network.from_graph(G)
    empty = nx.MultiDiGraph(crs="epsg:4326")
    empty.add_node(1, x=0.0, y=51.0)
    with pytest.raises(ga.NetworkError, match="no edges"):
        ga.Network.from_graph(empty)
    with pytest.raises(ga.InputError, match="pass weight="):
        ga.Network.from_graph(simple, mode="hover")
    metric = ox.project_graph(simple)
    del metric.graph["crs"]  # projected x/y read as lon/lat
    with pytest.raises(ga.InputError, match=r"set G.graph\['crs'\]"):
        ga.Network.from_graph(metric)


def test_osm_file_skips_nodes_missing_from_the_file(tmp_path):
    """A way cut at the extract's edge keeps the nodes the file has, joined in order.

    Way 10 runs 1-2-3-4 with node 3 missing: arcs 1-2 and 2-4 (both ways). Way 11 runs
    3-5 with only node 5 present: dropped. Each arc takes its great-circle length at
    4.8 km/h.
    """
    xml = tmp_path / "cut.osm"
    xml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
        '<node id="1" version="1" lat="52.60" lon="-0.70"/>\n'
        '<node id="2" version="1" lat="52.60" lon="-0.69"/>\n'
        '<node id="4" version="1" lat="52.61" lon="-0.68"/>\n'
        '<node id="5" version="1" lat="52.62" lon="-0.68"/>\n'
        '<way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/>'
        '<tag k="highway" v="residential"/></way>\n'
        '<way id="11" version="1"><nd ref="3"/><nd ref="5"/>'
        '<tag k="highway" v="footway"/></way>\n</osm>\n')
    net = ga.Network.from_osm_file(xml, mode="walk")
    assert net.osmid.tolist() == [1, 2, 4]
    arcs = {(int(net.osmid[t]), int(net.osmid[h])): s for (t, h), s in _arcs(net).items()}
    assert set(arcs) == {(1, 2), (2, 1), (2, 4), (4, 2)}
    for (a, b), secs in arcs.items():
        (lat_a, lon_a), (lat_b, lon_b) = [{1: (52.60, -0.70), 2: (52.60, -0.69),
                                           4: (52.61, -0.68)}[n] for n in (a, b)]
        metres = ox.distance.great_circle(lat_a, lon_a, lat_b, lon_b)
        assert secs == pytest.approx(metres / (4.8 / 3.6), rel=1e-9)


def test_save_load_round_trip(tmp_path, rutland_drive):
    path = rutland_drive.save(tmp_path / "drive")
    assert path.suffix == ".npz"
    back = ga.Network.load(path)
    for name in ("indptr", "indices", "seconds", "x", "y", "osmid", "component"):
        assert np.array_equal(getattr(back, name), getattr(rutland_drive, name))
    assert back.provenance == rutland_drive.provenance
    with pytest.raises(ga.InputError, match="not a geoaccess network"):
        (tmp_path / "junk.npz").write_bytes(b"junk")
        ga.Network.load(tmp_path / "junk.npz")


def test_memory_near_array_size(rutland_walk):
    """The network holds arrays only: ~20 bytes per arc plus ~30 per node."""
    assert rutland_walk.nbytes < 40 * rutland_walk.n_nodes + 24 * rutland_walk.n_arcs


def test_parallel_arcs_keep_minimum():
    net = ga.Network.from_arcs([0, 0, 1], [1, 1, 0], [30.0, 10.0, 5.0], np.array([0.0, 1.0]),
                               np.array([0.0, 0.0]), crs="EPSG:27700", mode="walk")
    assert net.n_arcs == 2
    assert net.to_networkx()[0][1]["weight"] == 10.0


def test_empty_network_raises():
    with pytest.raises(ga.NetworkError, match="no edges"):
        ga.Network.from_arcs([], [], [], np.array([0.0]), np.array([0.0]), crs="EPSG:27700",
                             mode="walk")


def test_helsinki_and_test_pbf(helsinki_pbf, test_pbf):
    for path in (helsinki_pbf, test_pbf):
        for mode in ("walk", "cycle", "drive"):
            net = ga.Network.from_osm_file(path, mode=mode)
            assert net.crs == "EPSG:32635"
            assert net.n_arcs > net.n_nodes


def test_network_pickles(rutland_drive):
    import pickle

    back = pickle.loads(pickle.dumps(rutland_drive))
    assert np.array_equal(back.seconds, rutland_drive.seconds)


def _overpass_elements(path):
    """The highway ways of a local OSM file and their nodes, as Overpass JSON elements."""
    import osmium

    nodes, ways = {}, []
    for obj in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if obj.is_node():
            nodes[obj.id] = {"type": "node", "id": obj.id, "lat": obj.location.lat,
                             "lon": obj.location.lon}
        elif obj.is_way() and "highway" in obj.tags:
            ways.append({"type": "way", "id": obj.id, "nodes": [n.ref for n in obj.nodes],
                         "tags": dict(obj.tags)})
    used = {n for w in ways for n in w["nodes"]}
    return [nodes[n] for n in sorted(used) if n in nodes] + ways


def test_from_place_through_osmnx_cache(tmp_path, monkeypatch):
    """from_place goes through osmnx and its HTTP cache; a second call is served offline.

    The cache is filled from the local West Oakland file (Nominatim answer: the file's
    bounding box; Overpass answer: the file's highway ways) using osmnx's own cache writer.
    """
    import osmnx._http as http

    path = ga.datasets.get_path("west-oakland")
    elements = _overpass_elements(path)
    lats = [e["lat"] for e in elements if e["type"] == "node"]
    lons = [e["lon"] for e in elements if e["type"] == "node"]
    s, n, w, e = min(lats), max(lats), min(lons), max(lons)
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    nominatim = [{"place_id": 1, "osm_type": "relation", "osm_id": 1, "lat": str((s + n) / 2),
                  "lon": str((w + e) / 2), "boundingbox": [str(s), str(n), str(w), str(e)],
                  "class": "boundary", "type": "administrative", "place_rank": 20,
                  "importance": 0.5, "addresstype": "suburb", "name": "West Oakland",
                  "display_name": "West Oakland, Oakland, California",
                  "geojson": {"type": "Polygon", "coordinates": [ring]}}]
    original = http._retrieve_from_cache
    filled = []

    def prefill(url):
        if original(url) is None:
            http._save_to_cache(url, nominatim if "nominatim" in url else {"elements": elements},
                                True)
            filled.append(url)
        return original(url)

    with monkeypatch.context() as m:
        m.setattr(http, "_retrieve_from_cache", prefill)
        first = ga.Network.from_place("West Oakland, California", mode="walk",
                                      cache_folder=tmp_path)
    assert len(filled) == 2 and len(list(tmp_path.glob("*.json"))) == 2
    second = ga.Network.from_place("West Oakland, California", mode="walk",
                                   cache_folder=tmp_path)  # cache only: no network here
    assert np.array_equal(first.seconds, second.seconds)
    assert "osmnx" in second.provenance["reader"]
    from_file = ga.Network.from_osm_file(path, mode="walk")
    theirs = set(second.osmid[second.osmid >= 0].tolist())
    # osmnx's walk filter differs a little from ours (e.g. it drops cycleways)
    assert len(theirs & set(from_file.osmid.tolist())) / len(theirs) > 0.9
