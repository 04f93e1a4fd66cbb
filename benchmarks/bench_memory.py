"""Case 4: memory held by a network against a networkx DiGraph of the same network.

Both are measured with tracemalloc, which counts Python objects and numpy buffers alike:
the memory still allocated once the object is built and temporaries are freed. The
geoaccess side builds :class:`geoaccess.Network` from arc lists (what every constructor
ends with) and so includes the CSR arrays, coordinates, node ids and component labels.
The networkx side is :meth:`geoaccess.Network.to_networkx` (nodes with ``x``, ``y`` and
``osmid``, arcs with ``weight``): the same information; a bare DiGraph with weights only
is measured too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import geoaccess as ga

from ._util import log, nx_digraph, retained_mb, timed
from .synthetic import road_network


def memory_case(n_nodes: int, *, seed: int = 0, target_mb: float | None = None
                ) -> dict[str, Any]:
    syn = road_network(n_nodes, seed=seed)
    log(f"memory: geoaccess Network of {n_nodes:,} nodes")

    def build() -> ga.Network:
        # copies, so that every array the network keeps is allocated while traced
        return ga.Network.from_arcs(syn.u.copy(), syn.v.copy(), syn.seconds.copy(),
                                    syn.x.copy(), syn.y.copy(), crs="EPSG:27700",
                                    mode="drive")

    net, ga_mb, ga_peak, _ = retained_mb(build)
    ga_s, net = timed(build)
    log("memory: networkx DiGraph of the same network (Network.to_networkx)")
    G, nx_mb, nx_peak, _ = retained_mb(net.to_networkx)
    # check: the graph holds the same arcs and times, on a sample of nodes
    rng = np.random.default_rng(seed)
    sample = rng.choice(net.n_nodes, 2000, replace=False)
    mismatches = 0
    for u in sample.tolist():
        lo, hi = net.indptr[u], net.indptr[u + 1]
        ours = dict(zip(net.indices[lo:hi].tolist(), net.seconds[lo:hi].tolist(), strict=True))
        theirs = {v: d["weight"] for v, d in G[u].items()}
        mismatches += ours != theirs
    del G
    nx_s, G = timed(net.to_networkx)
    del G
    _, bare_mb, _, _ = retained_mb(lambda: nx_digraph(net.indptr, net.indices, net.seconds))
    case: dict[str, Any] = {
        "name": f"network memory, {n_nodes:,}-node synthetic road network",
        "case": "memory",
        "size": int(n_nodes),
        "ratio_of": "memory",
        "geoaccess_mb": ga_mb,
        "geoaccess_nbytes_mb": net.nbytes / 1e6,
        "geoaccess_peak_build_mb": ga_peak,
        "reference": "networkx DiGraph of the same network (Network.to_networkx: nodes with "
                     "x, y, osmid; arcs with weight)",
        "reference_mb": nx_mb,
        "reference_peak_build_mb": nx_peak,
        "reference_bare_digraph_mb": bare_mb,
        "ratio": nx_mb / ga_mb,
        "ratio_vs_bare_digraph": bare_mb / ga_mb,
        "geoaccess_s": ga_s,
        "reference_s": nx_s,
        "note": "retained memory measured with tracemalloc; geoaccess_s / reference_s are the "
                "build times (Network.from_arcs; Network.to_networkx from it)",
        "graph_info": {**syn.describe(), "arcs_after_collapse": int(net.n_arcs)},
        "check": {
            "what": "out-arcs and their seconds of 2,000 sample nodes identical in both",
            "nodes_with_different_arcs": int(mismatches),
            "passed": mismatches == 0,
        },
    }
    if target_mb is not None:
        case["target_mb"] = target_mb
        case["met"] = bool(ga_mb <= target_mb)
    if not case["check"]["passed"]:
        raise AssertionError(f"memory case: graphs differ: {case['check']}")
    return case
