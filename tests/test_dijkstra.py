"""The shortest-path engines (numba and scipy) against networkx on real and small graphs."""

from __future__ import annotations

import gc
import logging

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geoaccess import _csr, _dijkstra
from geoaccess._dijkstra import many_to_all, nearest_source

ENGINES = ["numba", "scipy"]
TOL_S = 1e-6 * 60  # 1e-6 minutes, in seconds


def _arrays(net):
    return net.indptr, net.indices, net.seconds


def _nx_row(G, source, n, cutoff=None):
    d = nx.single_source_dijkstra_path_length(G, int(source), cutoff=cutoff, weight="weight")
    row = np.full(n, np.inf)
    row[list(d)] = list(d.values())
    return row


def _assert_same(got, ref):
    """Same reachable nodes, and equal times to 1e-6 minutes."""
    fin = np.isfinite(ref)
    assert np.array_equal(np.isfinite(got), fin)
    assert np.max(np.abs(got[fin] - ref[fin]), initial=0.0) <= TOL_S


def _graph(u, v, w, n):
    indptr, indices, seconds = _csr.csr_from_arcs(np.asarray(u), np.asarray(v),
                                                  np.asarray(w, float), n)
    return indptr, indices, seconds


@pytest.fixture(scope="module", params=["walk", "drive"])
def rutland(request, rutland_walk, rutland_drive):
    net = rutland_walk if request.param == "walk" else rutland_drive
    return net, net.to_networkx()


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(20240607)


# ------------------------------------------------------------------- real networks
@pytest.mark.parametrize("engine", ENGINES)
def test_many_to_all_equals_networkx_on_rutland(rutland, engine, rng):
    """Random sources in the main component, plus one on an island (outside it)."""
    net, G = rutland
    main = np.nonzero(net.in_main_component())[0]
    island = np.nonzero(~net.in_main_component())[0]
    sources = np.concatenate([rng.choice(main, 4, replace=False), island[:1]])
    got = many_to_all(*_arrays(net), sources, engine=engine)
    assert got.shape == (len(sources), net.n_nodes)
    for i, s in enumerate(sources):
        _assert_same(got[i], _nx_row(G, s, net.n_nodes))
    # a main-component source reaches all of its component; every row has unreachable nodes
    assert np.isfinite(got[0][main]).all()
    assert np.isinf(got).any(axis=1).all()


def test_engines_agree_on_36_sources(rutland, rng):
    net, _ = rutland
    sources = rng.choice(net.n_nodes, 36, replace=False)
    a = many_to_all(*_arrays(net), sources, engine="numba")
    b = many_to_all(*_arrays(net), sources, engine="scipy")
    _assert_same(a, b)


@pytest.mark.parametrize("engine", ENGINES)
def test_limit_equals_networkx_cutoff(rutland, engine, rng):
    """Nodes up to ``limit`` seconds keep their time (as networkx's ``cutoff``), others inf."""
    net, G = rutland
    main = np.nonzero(net.in_main_component())[0]
    sources = rng.choice(main, 3, replace=False)
    limit = 900.0
    full = many_to_all(*_arrays(net), sources, engine=engine)
    cut = many_to_all(*_arrays(net), sources, limit=limit, engine=engine)
    assert np.array_equal(cut, np.where(full <= limit, full, np.inf))
    for i, s in enumerate(sources):
        _assert_same(cut[i], _nx_row(G, s, net.n_nodes, cutoff=limit))
    # a limit exactly equal to a node's time keeps that node
    far = float(np.max(full[0][np.isfinite(full[0])]))
    edge = many_to_all(*_arrays(net), sources[:1], limit=far, engine=engine)[0]
    assert np.array_equal(edge, full[0])


@pytest.mark.parametrize("engine", ENGINES)
def test_nearest_source_equals_networkx_multi_source(rutland, engine, rng):
    net, G = rutland
    main = np.nonzero(net.in_main_component())[0]
    sources = rng.choice(main, 12, replace=False)
    dist, which = nearest_source(*_arrays(net), sources, engine=engine)
    ref_d, ref_paths = nx.multi_source_dijkstra(G, set(sources.tolist()), weight="weight")
    ref = np.full(net.n_nodes, np.inf)
    ref[list(ref_d)] = list(ref_d.values())
    _assert_same(dist, ref)
    reached = np.isfinite(dist)
    assert np.array_equal(which >= 0, reached)
    # the source networkx's path starts from, wherever no other source ties with it
    nodes = np.nonzero(reached)[0]
    nx_source = np.array([ref_paths[v][0] for v in nodes.tolist()])
    agree = sources[which[nodes]] == nx_source
    # where they differ, both sources must be exactly as near (a tie)
    rows = many_to_all(*_arrays(net), sources, engine="scipy")
    pos = {int(s): i for i, s in enumerate(sources)}
    for v, s_nx in zip(nodes[~agree], nx_source[~agree], strict=True):
        assert abs(rows[pos[int(s_nx)], v] - dist[v]) <= TOL_S
    # and the chosen source is always at the nearest time
    assert np.max(np.abs(rows[which[nodes], nodes] - dist[nodes])) <= TOL_S
    assert agree.mean() > 0.99


@pytest.mark.parametrize("engine", ENGINES)
def test_nearest_source_with_limit(rutland, engine, rng):
    net, G = rutland
    main = np.nonzero(net.in_main_component())[0]
    sources = rng.choice(main, 5, replace=False)
    limit = 600.0
    dist, which = nearest_source(*_arrays(net), sources, limit=limit, engine=engine)
    ref_d = nx.multi_source_dijkstra_path_length(G, set(sources.tolist()), cutoff=limit)
    ref = np.full(net.n_nodes, np.inf)
    ref[list(ref_d)] = list(ref_d.values())
    _assert_same(dist, ref)
    assert np.array_equal(which == -1, np.isinf(dist))


# ------------------------------------------------------------ hand-worked graphs
@pytest.mark.parametrize("engine", ENGINES)
def test_one_way_chain_by_hand(engine):
    """0 -> 1 -> 2 one way (60 s, 30 s) and 2 <-> 3 (10 s).

    From 0: 0, 60, 90, 100. From 3: only 2 (10 s) and itself; 0 and 1 unreachable.
    With limit=90 from 0: node 3 (100 s) drops out, node 2 at exactly 90 s stays.
    """
    g = _graph([0, 1, 2, 3], [1, 2, 3, 2], [60, 30, 10, 10], 4)
    got = many_to_all(*g, [0, 3], engine=engine)
    assert got.tolist() == [[0.0, 60.0, 90.0, 100.0], [np.inf, np.inf, 10.0, 0.0]]
    lim = many_to_all(*g, [0], limit=90.0, engine=engine)
    assert lim.tolist() == [[0.0, 60.0, 90.0, np.inf]]


@pytest.mark.parametrize("engine", ENGINES)
def test_nearest_by_hand_with_repeats_and_zero_arcs(engine):
    """Path 0 - 1 - 2 - 3 - 4 (two-way, 10 s each) plus a zero-second arc 4 -> 5.

    Sources [0, 4, 0]: node 2 is 20 s from both 0 and 4 (a tie); 1 is nearest 0 (10 s),
    3 and 5 nearest 4 (10 s, 0 s). The repeated source node 0 maps to position 0.
    """
    u = [0, 1, 1, 2, 2, 3, 3, 4, 4]
    v = [1, 0, 2, 1, 3, 2, 4, 3, 5]
    w = [10, 10, 10, 10, 10, 10, 10, 10, 0]
    g = _graph(u, v, w, 6)
    dist, which = nearest_source(*g, [0, 4, 0], engine=engine)
    assert dist.tolist() == [0.0, 10.0, 20.0, 10.0, 0.0, 0.0]
    assert which[[0, 1, 3, 4, 5]].tolist() == [0, 0, 1, 1, 1]
    assert which[2] in (0, 1)
    if engine == "numba":  # exact ties go to the lower source position
        assert which[2] == 0


def test_numba_ties_go_to_lowest_position_through_zero_arcs():
    """Sources 2 then 0; 0 -> 1 and 2 -> 1 both take 5 s, 1 -> 3 takes 0 s.

    Node 1 ties (5 s from each source): position 0 (node 2) wins, and so does node 3,
    reached from 1 over a zero-second arc.
    """
    g = _graph([0, 2, 1], [1, 1, 3], [5, 5, 0], 4)
    dist, which = nearest_source(*g, [2, 0], engine="numba")
    assert dist.tolist() == [0.0, 5.0, 0.0, 5.0]
    assert which.tolist() == [1, 0, 0, 0]


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_and_unreachable(engine):
    g = _graph([0], [1], [7.5], 3)
    assert many_to_all(*g, np.array([], dtype=int), engine=engine).shape == (0, 3)
    dist, which = nearest_source(*g, [], engine=engine)
    assert np.isinf(dist).all() and (which == -1).all()
    dist, which = nearest_source(*g, [1], engine=engine)
    assert dist.tolist() == [np.inf, 0.0, np.inf] and which.tolist() == [-1, 0, -1]
    assert many_to_all(*g, 0, engine=engine).tolist() == [[0.0, 7.5, np.inf]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seconds": [-1.0]}, "non-negative"),
        ({"seconds": [np.nan]}, "non-negative"),
        ({"sources": [5]}, "out of range"),
        ({"sources": [[0]]}, "1-d"),
        ({"limit": -1.0}, "limit"),
        ({"engine": "fast"}, "unknown shortest-path engine"),
    ],
)
def test_bad_arguments(kwargs, message):
    args = {"indptr": np.array([0, 1, 1]), "indices": np.array([1]), "seconds": [1.0],
            "sources": [0], "limit": np.inf, "engine": "auto"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        many_to_all(args["indptr"], args["indices"], np.asarray(args["seconds"]),
                    args["sources"], limit=args["limit"], engine=args["engine"])


def test_without_numba_falls_back_to_scipy(monkeypatch, caplog):
    monkeypatch.setattr(_dijkstra, "_nb", None)
    monkeypatch.setattr(_dijkstra, "_warned", False)
    assert _dijkstra.available_engines() == ("scipy",)
    g = _graph([0], [1], [3.0], 2)
    with caplog.at_level(logging.INFO, logger="geoaccess._dijkstra"):
        got = many_to_all(*g, [0], engine="numba")
    assert got.tolist() == [[0.0, 3.0]]
    assert "numba is not available" in caplog.text


def test_auto_uses_numba_when_installed():
    pytest.importorskip("numba")
    assert _dijkstra.resolve_engine("auto") == "numba"


@pytest.mark.parametrize("engine", ENGINES)
def test_chains_cycles_and_one_way_segments_by_hand(engine):
    """Junction 0 joins a chain 0 - 1 - 2 - 3 - 4 (two-way, 10 s a segment, except
    2 -> 3 only, one way), a loop 0 - 5 - 6 - 0 (two-way, 5 s a segment) and, apart, a
    three-node one-way cycle 7 -> 8 -> 9 -> 7 (1 s each) with nothing attached.

    From 2 (inside the chain): 1 at 10, 0 at 20, 3 at 10, 4 at 20, 5 and 6 at 25, the
    cycle unreachable. From 4: 3 at 10, then 3 -> 2 is missing, so 2, 1, 0, 5, 6 are
    unreachable. From 8: 9 at 1, 7 at 2. Nearest of sources [4, 1]: node 3 is 10 s from
    4 (position 0), 2 is 10 s from 1 (position 1: 3 -> 2 is missing), 0 is 10 s from 1.
    """
    u = [0, 1, 1, 2, 2, 3, 4, 0, 5, 5, 6, 6, 0, 7, 8, 9]
    v = [1, 0, 2, 1, 3, 4, 3, 5, 0, 6, 5, 0, 6, 8, 9, 7]
    w = [10, 10, 10, 10, 10, 10, 10, 5, 5, 5, 5, 5, 5, 1, 1, 1]
    g = _graph(u, v, w, 10)
    inf = np.inf
    got = many_to_all(*g, [2, 4, 8], engine=engine)
    assert got.tolist() == [
        [20, 10, 0, 10, 20, 25, 25, inf, inf, inf],
        [inf, inf, inf, 10, 0, inf, inf, inf, inf, inf],
        [inf, inf, inf, inf, inf, inf, inf, 2, 0, 1],
    ]
    dist, which = nearest_source(*g, [4, 1], engine=engine)
    assert dist.tolist() == [10, 0, 10, 10, 0, 15, 15, inf, inf, inf]
    assert which.tolist() == [1, 1, 1, 0, 0, 1, 1, -1, -1, -1]
    lim = many_to_all(*g, [2], limit=20.0, engine=engine)
    assert lim.tolist() == [[20, 10, 0, 10, 20, inf, inf, inf, inf, inf]]


def test_numba_queue_grows_when_it_must(monkeypatch, rutland_drive, rng):
    """With a queue allowed a single entry the search restarts with larger ones and
    still gives scipy's times."""
    monkeypatch.setattr(_dijkstra, "_queue_capacity", lambda core, k: 1)
    net = rutland_drive
    sources = rng.choice(np.nonzero(net.in_main_component())[0], 3, replace=False)
    _assert_same(many_to_all(*_arrays(net), sources, engine="numba"),
                 many_to_all(*_arrays(net), sources, engine="scipy"))
    dist, _ = nearest_source(*_arrays(net), sources, engine="numba")
    _assert_same(dist, nearest_source(*_arrays(net), sources, engine="scipy")[0])


def test_numba_reuses_contraction_only_for_unchanged_arrays():
    """A graph searched twice reuses its contraction; changing an arc time in place, or
    a new graph, must not."""
    g = _graph([0, 1, 1, 2], [1, 0, 2, 1], [10.0, 10.0, 10.0, 10.0], 3)
    first = many_to_all(*g, [0], engine="numba")
    assert first.tolist() == [[0.0, 10.0, 20.0]]
    assert many_to_all(*g, [2], engine="numba").tolist() == [[20.0, 10.0, 0.0]]
    g[2][2] = 1.0  # 1 -> 2 now takes 1 s
    assert many_to_all(*g, [0], engine="numba").tolist() == [[0.0, 10.0, 11.0]]
    other = _graph([0, 1], [1, 2], [3.0, 4.0], 3)
    assert many_to_all(*other, [0], engine="numba").tolist() == [[0.0, 3.0, 7.0]]
    # contractions are dropped with the arrays they came from
    kept = len(_dijkstra._CORES)
    del g, other
    gc.collect()
    assert len(_dijkstra._CORES) < kept
    assert all(r() is not None for c in _dijkstra._CORES for r in c.refs)


# ------------------------------------------------------------------ random graphs
def _check_against_networkx(g, n, sources, limit=np.inf):
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    tails = _csr.arcs_from_csr(g[0], g[1])
    G.add_weighted_edges_from(zip(tails.tolist(), g[1].tolist(), g[2].tolist(), strict=True))
    cutoff = None if np.isinf(limit) else limit
    for engine in ENGINES:
        got = many_to_all(*g, sources, limit=limit, engine=engine)
        for i, s in enumerate(sources):
            ref = _nx_row(G, s, n, cutoff=cutoff)
            fin = np.isfinite(ref)
            assert np.array_equal(np.isfinite(got[i]), fin)
            assert np.allclose(got[i][fin], ref[fin], rtol=1e-12, atol=0)
        dist, which = nearest_source(*g, sources, limit=limit, engine=engine)
        ref_d = nx.multi_source_dijkstra_path_length(G, set(sources), cutoff=cutoff)
        ref = np.full(n, np.inf)
        ref[list(ref_d)] = list(ref_d.values())
        fin = np.isfinite(ref)
        assert np.array_equal(np.isfinite(dist), fin)
        assert np.allclose(dist[fin], ref[fin], rtol=1e-12, atol=0)
        assert np.array_equal(which >= 0, fin)
        assert np.allclose(got[which[fin], np.nonzero(fin)[0]], dist[fin], rtol=1e-12, atol=0)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_chain_rich_random_graphs_match_networkx(data):
    """Graphs drawn as overlapping paths (chains, loops, cycles, parallel chains) with
    each segment two-way or one-way: the shapes the chain contraction must get right."""
    n = data.draw(st.integers(2, 25))
    paths = data.draw(st.lists(st.lists(st.integers(0, n - 1), min_size=2, max_size=10),
                               min_size=1, max_size=5))
    u, v, w = [], [], []
    for path in paths:
        for p, q in zip(path[:-1], path[1:], strict=True):
            kind = data.draw(st.sampled_from(["both", "forward", "backward"]))
            secs = data.draw(st.sampled_from([0.0, 1.0, 2.5, 7.0, 60.0]))
            if kind in ("both", "forward"):
                u.append(p)
                v.append(q)
                w.append(secs)
            if kind in ("both", "backward"):
                u.append(q)
                v.append(p)
                w.append(secs)
    if not u:
        return
    g = _graph(u, v, w, n)
    sources = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))
    limit = data.draw(st.sampled_from([np.inf, np.inf, 5.0, 30.0]))
    _check_against_networkx(g, n, sources, limit)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 40),
    data=st.data(),
    scale=st.sampled_from([1e-3, 1.0, 1e6]),
)
def test_random_graphs_match_networkx(n, data, scale):
    """Random directed graphs with zero, tiny and huge arc times (wide bucket ranges)."""
    m = data.draw(st.integers(1, 4 * n))
    u = data.draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    v = data.draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    w = data.draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.7, 10.0, 1e4]),
                           min_size=m, max_size=m))
    g = _graph(u, v, np.asarray(w) * scale, n)
    sources = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))
    _check_against_networkx(g, n, sources)
