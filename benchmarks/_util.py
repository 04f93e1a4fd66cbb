"""Timing, memory and environment helpers shared by the benchmark cases."""

from __future__ import annotations

import gc
import importlib
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RUTLAND_PBF = Path("/work/shared/data/rutland/rutland-latest.osm.pbf")


def rutland_pbf() -> Path:
    """The Rutland extract: the shared copy, else the one bundled with geoaccess."""
    if RUTLAND_PBF.exists():
        return RUTLAND_PBF
    import geoaccess as ga

    return Path(ga.datasets.get_path("rutland-osm"))


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall-clock seconds of one call, and its result."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, list[float], Any]:
    """Median wall-clock seconds over ``repeats`` calls, all the times, and the last result."""
    times = []
    out = None
    for _ in range(repeats):
        dt, out = timed(fn)
        times.append(dt)
    return statistics.median(times), times, out


def retained_mb(build: Callable[[], Any]) -> tuple[Any, float, float, float]:
    """Build an object under tracemalloc: (object, retained MB, peak MB, seconds).

    tracemalloc sees Python objects and numpy buffers alike, so the same measure serves
    a networkx graph and geoaccess's arrays. Whatever ``build`` allocates and drops is
    not retained; only what the returned object keeps alive counts.
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        t0 = time.perf_counter()
        obj = build()
        seconds = time.perf_counter() - t0
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return obj, (current - before) / 1e6, (peak - before) / 1e6, seconds


def nx_digraph(indptr: np.ndarray, indices: np.ndarray, seconds: np.ndarray) -> nx.DiGraph:
    """A networkx DiGraph of CSR arrays (node = index, ``weight`` = seconds)."""
    from geoaccess import _csr

    n = len(indptr) - 1
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    tails = _csr.arcs_from_csr(indptr, indices)
    G.add_weighted_edges_from(zip(tails.tolist(), indices.tolist(), seconds.tolist(),
                                  strict=True))
    return G


def nx_rows(G: nx.DiGraph, sources, n: int) -> tuple[np.ndarray, list[float]]:
    """networkx single-source Dijkstra from each source: (rows, seconds per source)."""
    rows = np.full((len(sources), n), np.inf)
    times = []
    for i, s in enumerate(sources):
        dt, d = timed(lambda s=s: nx.single_source_dijkstra_path_length(G, int(s)))
        times.append(dt)
        rows[i, list(d)] = list(d.values())
    return rows, times


def max_diff_minutes(a: np.ndarray, b: np.ndarray) -> float:
    """Largest difference in minutes; inf if the reachable sets differ."""
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb):
        return float("inf")
    if not fa.any():
        return 0.0
    return float(np.max(np.abs(a[fa] - b[fb])) / 60.0)


def _version(name: str) -> str | None:
    try:
        mod = importlib.import_module(name)
    except Exception:  # any import failure means "not available"
        return None
    return str(getattr(mod, "__version__", None) or getattr(mod, "version", "?"))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    return out.stdout.strip() or None


def environment() -> dict[str, Any]:
    """Machine, versions and date for the results file."""
    import osmium.version

    from geoaccess._kernels import dijkstra

    try:
        import numba

        threads = numba.get_num_threads()
    except ImportError:
        threads = None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpu": _cpu_model(),
            "cores": cores,
            "memory_gb": _memory_gb(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "numba_threads": threads,
        },
        "versions": {
            "python": sys.version.split()[0],
            "geoaccess": _version("geoaccess"),
            "numpy": _version("numpy"),
            "scipy": _version("scipy"),
            "networkx": _version("networkx"),
            "numba": _version("numba"),
            "osmnx": _version("osmnx"),
            "pyrosm": _version("pyrosm"),
            "pyosmium": osmium.version.pyosmium_release,
            "pandas": _version("pandas"),
        },
        "git_commit": _git_commit(),
        "engines": list(dijkstra.available_engines()),
    }


def json_safe(obj: Any) -> Any:
    """JSON-safe copy: numpy scalars to Python, inf/nan to strings, keys to str."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    return obj
