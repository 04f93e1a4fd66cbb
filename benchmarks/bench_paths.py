"""Cases 1 and 2: travel-time matrix (36 sites x all nodes) and nearest open site.

Both run geoaccess's routing core (``geoaccess._kernels.dijkstra.many_to_all``,
``engine="auto"``: numba when installed) and networkx on the same graph in the same
process. The nearest open site is one search from a virtual source joined to every open
site by a zero-second arc (``with_virtual_sources``), as the transit walking legs search
from points. Before anything is timed the answers are compared with networkx's: the
matrix rows of the sites networkx is timed on, and every node's nearest-site time.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from geoaccess._kernels.dijkstra import many_to_all, with_virtual_sources

from ._util import log, max_diff_minutes, median_time, nx_digraph, nx_rows, timed

N_SITES = 36
N_OPEN = 18
TOL_MINUTES = 1e-6


def _sites(main: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(main, N_SITES, replace=False))


def path_cases(
    name: str,
    indptr: np.ndarray,
    indices: np.ndarray,
    seconds: np.ndarray,
    main: np.ndarray,
    *,
    nx_sites: int,
    repeats: int,
    seed: int = 7,
    target_matrix: float | None = None,
    target_nearest: float | None = None,
    nearest_with_paths: bool = True,
    describe: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The matrix and nearest-site cases on one graph.

    Parameters
    ----------
    name : str
        Graph label, e.g. ``"Rutland walk"``.
    indptr, indices, seconds : numpy.ndarray
        CSR arrays.
    main : numpy.ndarray
        Nodes of the main strongly connected component (sites are drawn from it).
    nx_sites : int
        Sites networkx is run (and timed) from; below 36 its time is extrapolated.
    repeats : int
        geoaccess timings are the median of this many runs.
    """
    n = len(indptr) - 1
    sites = _sites(main, seed)
    graph_info = {"nodes": int(n), "arcs": int(len(indices)), **(describe or {})}
    log(f"{name}: {n:,} nodes; warm-up and networkx graph")
    many_to_all(indptr, indices, seconds, sites[:2])  # compile / load numba cache
    nx_build_s, G = timed(lambda: nx_digraph(indptr, indices, seconds))

    # ---- case 1: matrix -------------------------------------------------------------
    k = min(nx_sites, N_SITES)
    sample_idx = np.linspace(0, N_SITES - 1, k).round().astype(int)
    log(f"{name}: networkx single_source_dijkstra from {k} of {N_SITES} sites")
    ref_rows, ref_times = nx_rows(G, sites[sample_idx], n)
    rows = many_to_all(indptr, indices, seconds, sites)
    rows_scipy = many_to_all(indptr, indices, seconds, sites[sample_idx], engine="fallback")
    diff_auto = max(max_diff_minutes(rows[i], ref_rows[j]) for j, i in enumerate(sample_idx))
    diff_scipy = max(max_diff_minutes(rows_scipy[j], ref_rows[j]) for j in range(k))
    check = {
        "what": f"rows of {k} sites, every node, against networkx",
        "max_diff_minutes": diff_auto,
        "max_diff_minutes_scipy_engine": diff_scipy,
        "passed": bool(diff_auto <= TOL_MINUTES and diff_scipy <= TOL_MINUTES),
    }
    if not check["passed"]:
        raise AssertionError(f"{name}: matrix differs from networkx: {check}")
    log(f"{name}: timing geoaccess matrix (median of {repeats})")
    ga_s, ga_all, _ = median_time(lambda: many_to_all(indptr, indices, seconds, sites), repeats)
    one_s = None
    try:  # one core: what the engine does when the other core is busy
        import numba

        threads = numba.get_num_threads()
        numba.set_num_threads(1)
        try:
            one_s, _, _ = median_time(lambda: many_to_all(indptr, indices, seconds, sites),
                                      max(1, min(repeats, 3)))
        finally:
            numba.set_num_threads(threads)
    except ImportError:
        pass
    sp_s, sp_all, _ = median_time(
        lambda: many_to_all(indptr, indices, seconds, sites, engine="fallback"),
        max(1, min(repeats, 3)))
    per_site = float(np.mean(ref_times))
    ref_s = per_site * N_SITES
    matrix = {
        "name": f"travel-time matrix, {N_SITES} sites x all nodes, {name}",
        "case": "matrix",
        "graph": name,
        "size": int(n),
        "geoaccess_s": ga_s,
        "geoaccess_runs_s": ga_all,
        "reference": "networkx single_source_dijkstra_path_length, one call per site",
        "reference_s": ref_s,
        "ratio": ref_s / ga_s,
        "reference_sites_timed": k,
        "reference_extrapolated": k < N_SITES,
        "reference_per_site_s": per_site,
        "geoaccess_best_s": min(ga_all),
        "geoaccess_one_thread_s": one_s,
        "one_thread_ratio": ref_s / one_s if one_s else None,
        "scipy_engine_s": sp_s,
        "scipy_engine_ratio": ref_s / sp_s,
        "graph_info": graph_info,
        "sites": f"{N_SITES} random nodes of the main strongly connected component "
                 f"(seed {seed})",
        "networkx_graph_build_s": nx_build_s,
        "check": check,
    }
    if k < N_SITES:
        matrix["note"] = (f"networkx timed from {k} of the {N_SITES} sites (spread through the "
                          f"sorted site list); reference_s = mean per site x {N_SITES}")
    if target_matrix is not None:
        matrix["target_ratio"] = target_matrix
        matrix["met"] = bool(matrix["ratio"] >= target_matrix)

    # ---- case 2: nearest open site --------------------------------------------------
    open_sites = sites[:N_OPEN]
    log(f"{name}: nearest of {N_OPEN} open sites; networkx multi-source")
    # one virtual source, a zero-second arc to every open site (built once, untimed)
    multi = with_virtual_sources(indptr, indices, seconds, np.array([0, N_OPEN]), open_sites,
                                 np.zeros(N_OPEN))

    def nearest(engine: str = "auto") -> np.ndarray:
        return many_to_all(*multi, [n], engine=engine)[0, :n]

    dist = nearest()
    ref_s2, ref_d = timed(lambda: nx.multi_source_dijkstra_path_length(
        G, set(open_sites.tolist())))
    ref = np.full(n, np.inf)
    ref[list(ref_d)] = list(ref_d.values())
    d_scipy = nearest("fallback")
    reached = np.nonzero(np.isfinite(dist))[0]
    # the nearest time is the smallest of the open sites' own rows (matrix checked above)
    row_min = rows[:N_OPEN].min(axis=0)
    site_diff = float(np.max(np.abs(row_min[reached] - dist[reached]), initial=0.0)) / 60.0
    check2 = {
        "what": "every node's nearest time against networkx multi_source_dijkstra_path_length; "
                "it equals the smallest of the open sites' matrix rows",
        "max_diff_minutes": max_diff_minutes(dist, ref),
        "max_diff_minutes_scipy_engine": max_diff_minutes(d_scipy, ref),
        "matrix_rows_max_diff_minutes": site_diff,
    }
    paths_s = None
    if nearest_with_paths:
        paths_s, _ = timed(lambda: nx.multi_source_dijkstra(G, set(open_sites.tolist())))
    check2["passed"] = bool(check2["max_diff_minutes"] <= TOL_MINUTES
                            and check2["max_diff_minutes_scipy_engine"] <= TOL_MINUTES
                            and site_diff <= TOL_MINUTES)
    if not check2["passed"]:
        raise AssertionError(f"{name}: nearest site differs from networkx: {check2}")
    reps = max(repeats, 3)
    ga2, ga2_all, _ = median_time(nearest, reps)
    sp2, _, _ = median_time(lambda: nearest("fallback"), reps)
    nearest_case = {
        "name": f"nearest open site ({N_OPEN} of {N_SITES} open) for all nodes, {name}",
        "case": "nearest",
        "graph": name,
        "size": int(n),
        "geoaccess_s": ga2,
        "geoaccess_runs_s": ga2_all,
        "reference": "networkx multi_source_dijkstra_path_length (times only)",
        "reference_s": ref_s2,
        "ratio": ref_s2 / ga2,
        "reference_with_paths_s": paths_s,
        "scipy_engine_s": sp2,
        "scipy_engine_ratio": ref_s2 / sp2,
        "graph_info": graph_info,
        "note": "one search from a virtual source joined to the open sites by zero-second "
                "arcs (times only, like the networkx reference; building the joined graph "
                "is not timed)",
        "check": check2,
    }
    if target_nearest is not None:
        nearest_case["target_ratio"] = target_nearest
        nearest_case["met"] = bool(nearest_case["ratio"] >= target_nearest)
    return [matrix, nearest_case]
