"""The routing core (numba and fallback engines) against networkx on real and small graphs,
and the one numba policy."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys
import textwrap

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geoaccess as ga
from geoaccess import _csr, _kernels
from geoaccess._kernels import _numba, check_engine, dijkstra
from geoaccess._kernels.dijkstra import many_to_all, with_virtual_sources
from geoaccess.errors import InputError

ENGINES = ["numba", "fallback"]
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
    b = many_to_all(*_arrays(net), sources, engine="fallback")
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
def test_empty_and_unreachable(engine):
    g = _graph([0], [1], [7.5], 3)
    assert many_to_all(*g, np.array([], dtype=int), engine=engine).shape == (0, 3)
    assert many_to_all(*g, [1], engine=engine).tolist() == [[np.inf, 0.0, np.inf]]
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
    monkeypatch.setattr(_numba, "HAVE_NUMBA", False)
    monkeypatch.setattr(_kernels, "_told", set())
    assert dijkstra.available_engines() == ("fallback",)
    g = _graph([0], [1], [3.0], 2)
    with caplog.at_level(logging.INFO, logger="geoaccess._kernels"):
        got = many_to_all(*g, [0], engine="numba")
    assert got.tolist() == [[0.0, 3.0]]
    assert "numba is not available" in caplog.text


def test_auto_uses_numba_when_installed():
    pytest.importorskip("numba")
    assert dijkstra.resolve_engine("auto") == "numba"


def test_old_engine_name_scipy_warns_and_equals_fallback(rutland_walk):
    """engine="scipy" is the old spelling of engine="fallback": same times, a FutureWarning
    that names the new spelling."""
    net = rutland_walk
    sources = np.nonzero(net.in_main_component())[0][:3]
    want = many_to_all(*_arrays(net), sources, limit=600.0, engine="fallback")
    with pytest.warns(FutureWarning, match="engine='fallback'"):
        got = many_to_all(*_arrays(net), sources, limit=600.0, engine="scipy")
    assert np.array_equal(got, want)


def test_travel_times_old_engine_warns_at_the_users_line(rutland_walk):
    """travel_times passes its engine to the routing core: engine="scipy" warns, pointing
    at the caller's line (not inside geoaccess), and gives the fallback's matrix."""
    sites = ga.read_sites(ga.datasets.get_path("rutland-sites")).iloc[:3]
    areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    kw = {"max_minutes": 20, "progress": False}
    want = ga.travel_times(rutland_walk, sites, areas, engine="fallback", **kw)
    with pytest.warns(FutureWarning, match="engine='fallback'") as rec:
        got = ga.travel_times(rutland_walk, sites, areas, engine="scipy", **kw)
    assert [w.filename for w in rec] == [__file__]
    pd.testing.assert_frame_equal(got.minutes, want.minutes)


def test_check_engine_vocabulary():
    assert [check_engine(e) for e in ("auto", "numba", "fallback")] == [
        "auto", "numba", "fallback"]
    with pytest.warns(FutureWarning, match="engine='fallback'"):
        assert check_engine("numpy") == "fallback"
    with pytest.raises(InputError, match="unknown scoring engine 'cuda'"):
        check_engine("cuda", what="scoring")


@pytest.mark.parametrize("engine", ENGINES)
def test_virtual_sources_equal_networkx_with_start_costs(rutland_walk, engine, rng):
    """A search from a virtual source joined to two nodes with start costs (a point on
    a street segment) equals networkx from a node added to the graph with those two
    arcs, within the limit; the graph's own nodes keep their times from real sources."""
    net = rutland_walk
    main = np.nonzero(net.in_main_component())[0]
    starts = rng.choice(main, (3, 2), replace=False)
    costs = rng.uniform(0, 120, (3, 2))
    ptr = np.array([0, 2, 4, 6])
    aug = with_virtual_sources(*_arrays(net), ptr, starts.ravel(), costs.ravel())
    n = net.n_nodes
    assert len(aug[0]) - 1 == n + 3
    limit = 900.0
    got = many_to_all(*aug, n + np.arange(3), limit=limit, engine=engine)
    G = net.to_networkx()
    for i in range(3):
        G.add_edge(("v", i), int(starts[i, 0]), weight=float(costs[i, 0]))
        G.add_edge(("v", i), int(starts[i, 1]), weight=float(costs[i, 1]))
        d = nx.single_source_dijkstra_path_length(G, ("v", i), cutoff=limit, weight="weight")
        ref = np.full(n, np.inf)
        for node, t in d.items():
            if not isinstance(node, tuple):
                ref[node] = t
        _assert_same(got[i, :n], ref)
        assert got[i, n + i] == 0.0 and np.isinf(np.delete(got[i, n:], i)).all()
    # no path runs through a virtual node: real sources see the graph unchanged
    _assert_same(many_to_all(*aug, main[:2], engine=engine)[:, :n],
                 many_to_all(*_arrays(net), main[:2], engine=engine))


def test_numba_policy_without_numba():
    """Without numba (hidden from imports), the policy's njit is a no-op in both of its
    forms, prange is range, and the kernels run as Python on the fallback engines with
    the numba engines' answers."""
    code = textwrap.dedent("""
        import sys
        sys.modules["numba"] = None  # import numba now raises ImportError
        import numpy as np, pandas as pd
        import geoaccess as ga
        from geoaccess._kernels import _numba, raptor
        from geoaccess._kernels.dijkstra import available_engines, many_to_all

        def f(x):
            return x + 1
        assert not _numba.HAVE_NUMBA and "numba" in _numba.NUMBA_MISSING
        assert _numba.njit(f) is f and _numba.njit(cache=True, nogil=True)(f) is f
        assert _numba.prange is range and _numba.get_num_threads() == 1
        assert available_engines() == ("fallback",) and raptor.ENGINE == "python"
        g = (np.array([0, 1, 2, 2]), np.array([1, 2]), np.array([60.0, 30.0]))
        print(many_to_all(*g, [0], engine="numba").tolist())
        tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]}))
        idx = ga.NearestIndex(tt)
        print(idx.nearest_minutes(np.array([[True, True]]), engine="numba").tolist())
        print(sorted(m for m in sys.modules if m.startswith("numba")))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:3] == ["[[0.0, 60.0, 90.0]]", "[[5.0, 8.0]]", "['numba']"]


@pytest.mark.parametrize("engine", ENGINES)
def test_chains_cycles_and_one_way_segments_by_hand(engine):
    """Junction 0 joins a chain 0 - 1 - 2 - 3 - 4 (two-way, 10 s a segment, except
    2 -> 3 only, one way), a loop 0 - 5 - 6 - 0 (two-way, 5 s a segment) and, apart, a
    three-node one-way cycle 7 -> 8 -> 9 -> 7 (1 s each) with nothing attached.

    From 2 (inside the chain): 1 at 10, 0 at 20, 3 at 10, 4 at 20, 5 and 6 at 25, the
    cycle unreachable. From 4: 3 at 10, then 3 -> 2 is missing, so 2, 1, 0, 5, 6 are
    unreachable. From 8: 9 at 1, 7 at 2.
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
    lim = many_to_all(*g, [2], limit=20.0, engine=engine)
    assert lim.tolist() == [[20, 10, 0, 10, 20, inf, inf, inf, inf, inf]]


def test_numba_queue_grows_when_it_must(monkeypatch, rutland_drive, rng):
    """With a queue allowed a single entry the search restarts with larger ones and
    still gives scipy's times."""
    monkeypatch.setattr(dijkstra, "_queue_capacity", lambda core, k: 1)
    net = rutland_drive
    sources = rng.choice(np.nonzero(net.in_main_component())[0], 3, replace=False)
    _assert_same(many_to_all(*_arrays(net), sources, engine="numba"),
                 many_to_all(*_arrays(net), sources, engine="fallback"))


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
    kept = len(dijkstra._CORES)
    del g, other
    gc.collect()
    assert len(dijkstra._CORES) < kept
    assert all(r() is not None for c in dijkstra._CORES for r in c.refs)


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
