"""Issue 16: building networks at England scale, from osmnx graphs and from ``.osm.pbf``.

    python -m benchmarks.bench_network_build            # full (~25 min on 2 shared cores)
    python -m benchmarks.bench_network_build --quick    # small sizes (~7 min)

Writes ``benchmarks/network_build_results.json`` and ``.md``. Three groups:

1. **from_graph** on osmnx-style graphs of the seeded synthetic England
   (``benchmarks/synthetic_england.py``) at 10k-1M graph nodes (quick: to 100k), walk and
   drive, against

   - the **old** ``from_graph`` (before issue 16, ``benchmarks/_old_network_build.py``) at
     the sizes where it finishes in reasonable time (2.5k-10k graph nodes), with a check
     that both build the same network (same nodes, arcs and order; seconds to 1e-12);
   - **osmnx's own conversions** of the same graph: ``ox.convert.graph_to_gdfs`` (graph
     to node and edge tables: the same input, one pass over the same edges, the closest
     like-for-like to what ``from_graph`` does) and ``ox.convert.graph_from_gdfs`` (tables
     back to a graph: osmnx's own graph building from the same data, up to 100k nodes).
     osmnx has no graph-to-arrays routine; ``graph_from_xml`` reads raw OSM, which is
     ``from_osm_file``'s job and is compared on Rutland in ``bench_build.py``.

   The check before timing: times from a few sources to every graph node equal networkx
   Dijkstra on the graph itself (length at walking speed), and the total length of the
   arcs equals the total ``length`` of osmnx's edge table.
2. **bundled extracts**: the same on osmnx graphs built from the West Oakland file and
   from an OSM XML export of Rutland's highways (``ox.graph_from_xml``, simplified; the
   time osmnx took to build each is recorded for scale). The old builder runs on Rutland
   in full mode only (about a minute).
3. **pbf read**: ``Network.from_osm_file`` on synthetic England ``.osm.pbf`` files of
   0.25M-8M nodes (buildings included, as in a real extract) against the old reader, each
   run in its own subprocess, recording wall and CPU time and peak RSS (``VmHWM``)
   above the process's footprint once warmed up on a small file. Both build the same network (a
   digest of its arrays is compared). A two-pass reader using pyosmium's ``IdTracker``
   (ways first, then only their nodes) is measured at one size to show why it was not
   chosen: its id bitmap costs 4 MB per 2**25 ids touched, over 1 GB for ids spread as
   OSM's are, whatever the file's size.

Times are medians of repeats (one run at 1M graph nodes); CPU time (``process_time``, all
threads) is recorded beside wall time because the machine is shared. Scaling exponents
are least-squares slopes of log time against log size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
GRAPH_SIZES = {"full": [10_000, 30_000, 100_000, 300_000, 1_000_000],
               "quick": [10_000, 30_000, 100_000]}
OLD_SIZES = {"full": [2_500, 5_000, 10_000], "quick": [2_500, 5_000]}
GDFS_MAX = 100_000  # graph_from_gdfs above this takes minutes and many GB
PBF_SIZES = {"full": [500_000, 1_000_000, 2_000_000, 4_000_000, 8_000_000],
             "quick": [250_000, 500_000, 1_000_000]}
TWO_PASS_SIZE = {"full": 4_000_000, "quick": 1_000_000}
SEED = 0


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run_timed(fn: Callable[[], Any], repeats: int = 1) -> tuple[float, float, list[float], Any]:
    """Median wall and CPU seconds of ``repeats`` calls, the wall times, the last result."""
    walls, cpus = [], []
    out = None
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return float(np.median(walls)), float(np.median(cpus)), walls, out


def exponent(sizes: list[float], times: list[float]) -> float | None:
    """Least-squares slope of log(time) on log(size): 1 is linear, 2 quadratic."""
    pts = [(s, t) for s, t in zip(sizes, times, strict=True) if t and t > 0]
    if len(pts) < 2:
        return None
    x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return float(np.polyfit(x, y, 1)[0])


# ------------------------------------------------------------------ checks
def _same_network(a, b) -> dict[str, Any]:
    same = all(np.array_equal(getattr(a, k), getattr(b, k))
               for k in ("indptr", "indices", "x", "y", "osmid"))
    rel = float(np.max(np.abs(a.seconds - b.seconds) / np.maximum(b.seconds, 1e-12))) \
        if same and a.n_arcs else float("inf")
    return {"what": "old and new from_graph: same nodes, arcs and order; seconds",
            "same_structure": bool(same), "max_relative_seconds_diff": rel,
            "passed": bool(same and rel < 1e-12)}


def _check_against_graph(net, G, n_sources: int, seed: int = 0) -> dict[str, Any]:
    """Walk times from a few graph nodes to every graph node, against networkx Dijkstra
    on the graph itself with weight length / 4.8 km/h (fastest of parallel edges)."""
    import networkx as nx
    from scipy.sparse.csgraph import dijkstra

    from geoaccess import settings

    mps = settings.walk_speed_kmh / 3.6

    def weight(u, v, d):
        return min(e["length"] for e in d.values()) / mps

    graph_nodes = np.nonzero(net.osmid >= 0)[0]
    lookup = dict(zip(net.osmid[graph_nodes].tolist(), graph_nodes.tolist(), strict=True))
    rng = np.random.default_rng(seed)
    main = graph_nodes[net.in_main_component()[graph_nodes]]
    sources = rng.choice(main, n_sources, replace=False)
    ours = dijkstra(net.matrix(), indices=sources)
    worst = 0.0
    for row, s in zip(ours, sources.tolist(), strict=True):
        theirs = nx.single_source_dijkstra_path_length(G, int(net.osmid[s]), weight=weight)
        idx = np.fromiter((lookup[k] for k in theirs), np.int64, len(theirs))
        secs = np.fromiter(theirs.values(), np.float64, len(theirs))
        if np.isfinite(row[graph_nodes]).sum() != len(theirs):
            worst = float("inf")
            break
        worst = max(worst, float(np.max(np.abs(row[idx] - secs) / np.maximum(secs, 1.0))))
    return {"what": f"walk times from {n_sources} graph nodes to every graph node == "
                    "networkx Dijkstra on the osmnx graph (length / 4.8 km/h)",
            "sources": int(n_sources), "max_relative_diff": worst,
            "passed": bool(worst < 1e-9)}


def _check_lengths(G, edges_gdf) -> dict[str, Any]:
    from geoaccess import settings
    from geoaccess._graph import read_graph
    from geoaccess._modes import default_speeds

    arcs = read_graph(G, mode="walk", weight=None, speeds=default_speeds("walk", None))
    ours = float(arcs.seconds.sum() * settings.walk_speed_kmh / 3.6)
    theirs = float(edges_gdf["length"].sum())
    rel = abs(ours - theirs) / theirs
    return {"what": "total arc length (before parallel arcs are collapsed) == total length "
                    "of osmnx's edge table", "relative_diff": rel, "passed": bool(rel < 1e-9)}


# ------------------------------------------------------------ from_graph
def _graph_case(G, label: str, size: int, *, repeats: int, n_sources: int,
                old: bool, gdfs_back: bool, describe: dict[str, Any]) -> dict[str, Any]:
    import osmnx as ox

    import geoaccess as ga

    from ._old_network_build import old_from_graph

    n_g, n_e = G.number_of_nodes(), G.number_of_edges()
    log(f"{label}: {n_g:,} graph nodes, {n_e:,} edges: from_graph")
    net = ga.Network.from_graph(G, mode="walk")  # warm-up and the network checked
    check = _check_against_graph(net, G, n_sources)
    if not check["passed"]:
        raise AssertionError(f"{label}: from_graph disagrees with networkx: {check}")
    walk_s, walk_cpu, walk_runs, _ = run_timed(lambda: ga.Network.from_graph(G, mode="walk"),
                                               repeats)
    drive_s, drive_cpu, drive_runs, drive = run_timed(
        lambda: ga.Network.from_graph(G, mode="drive"), repeats)
    case: dict[str, Any] = {
        "name": f"from_graph, {label}", "case": "from_graph", "size": int(n_g),
        "graph_nodes": int(n_g), "graph_edges": int(n_e),
        "edges_with_geometry": int(sum(1 for *_, g in G.edges(data="geometry")
                                       if g is not None)),
        "network_nodes": int(net.n_nodes), "network_arcs": int(net.n_arcs),
        "geoaccess_s": walk_s, "geoaccess_cpu_s": walk_cpu, "geoaccess_runs_s": walk_runs,
        "drive_s": drive_s, "drive_cpu_s": drive_cpu, "drive_runs_s": drive_runs,
        "check": check, "describe": describe,
    }
    del drive
    log(f"{label}: osmnx graph_to_gdfs")
    to_s, to_cpu, _, (nodes_gdf, edges_gdf) = run_timed(lambda: ox.convert.graph_to_gdfs(G))
    len_check = _check_lengths(G, edges_gdf)
    if not len_check["passed"]:
        raise AssertionError(f"{label}: lengths disagree with osmnx: {len_check}")
    case.update({"reference": f"osmnx {ox.__version__} convert.graph_to_gdfs",
                 "reference_s": to_s, "reference_cpu_s": to_cpu, "ratio": to_s / walk_s,
                 "cpu_ratio": to_cpu / walk_cpu, "length_check": len_check})
    if gdfs_back:
        log(f"{label}: osmnx graph_from_gdfs")
        back_s, back_cpu, _, G2 = run_timed(
            lambda n=nodes_gdf, e=edges_gdf: ox.convert.graph_from_gdfs(n, e))
        case.update({"graph_from_gdfs_s": back_s, "graph_from_gdfs_cpu_s": back_cpu,
                     "graph_from_gdfs_ratio": back_s / walk_s,
                     "graph_from_gdfs_same_size": bool(G2.number_of_nodes() == n_g
                                                       and G2.number_of_edges() == n_e)})
        del G2
    del nodes_gdf, edges_gdf
    if old:
        log(f"{label}: old from_graph (quadratic)")
        old_s, old_cpu, _, old_net = run_timed(lambda: old_from_graph(G, mode="walk"))
        same = _same_network(old_net, net)
        if not same["passed"]:
            raise AssertionError(f"{label}: old and new from_graph differ: {same}")
        case.update({"old_s": old_s, "old_cpu_s": old_cpu, "old_ratio": old_s / walk_s,
                     "old_cpu_ratio": old_cpu / walk_cpu, "old_check": same})
    return case


def graph_cases(quick: bool) -> list[dict[str, Any]]:
    from .synthetic_england import for_graph_nodes, osmnx_graph

    mode = "quick" if quick else "full"
    sizes = sorted(set(GRAPH_SIZES[mode]) | set(OLD_SIZES[mode]))
    cases = []
    for n in sizes:
        log(f"synthetic England graph of ~{n:,} nodes")
        eng = for_graph_nodes(n, seed=SEED)
        describe = eng.describe()
        G = osmnx_graph(eng)
        del eng
        is_old = n in OLD_SIZES[mode]
        cases.append(_graph_case(
            G, f"synthetic England {n / 1000:g}k", n,
            repeats=1 if n >= 1_000_000 else 3 if n <= 100_000 else 2,
            n_sources=3 if n <= 100_000 else 1, old=is_old,
            gdfs_back=n <= GDFS_MAX and n in GRAPH_SIZES[mode], describe=describe))
        del G
    return cases


def extract_cases(quick: bool) -> list[dict[str, Any]]:
    import osmnx as ox

    import geoaccess as ga

    from ._util import rutland_pbf
    from .bench_build import export_highways_xml

    logging.getLogger("osmnx").setLevel(logging.WARNING)
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        rutland_xml = export_highways_xml(rutland_pbf(), Path(tmp) / "rutland-highways.osm")
        for label, path, old in (("West Oakland (bundled)", ga.datasets.get_path("west-oakland"),
                                  True),
                                 ("Rutland highways (bundled pbf, XML export)", rutland_xml,
                                  not quick)):
            log(f"{label}: osmnx graph_from_xml")
            ox_s, ox_cpu, _, G = run_timed(lambda p=path: ox.graph_from_xml(
                p, simplify=True, retain_all=True))
            case = _graph_case(G, label, G.number_of_nodes(), repeats=3, n_sources=3,
                               old=old, gdfs_back=True,
                               describe={"source": Path(path).name,
                                         "osmnx_graph_from_xml_s": ox_s,
                                         "osmnx_graph_from_xml_cpu_s": ox_cpu})
            case["case"] = "from_graph extract"
            if not old:
                case["note"] = ("the old from_graph is not run on Rutland in quick mode "
                                "(about a minute)")
            cases.append(case)
    return cases


# ---------------------------------------------------------------- pbf read
def _cache_dir() -> Path:
    path = Path(os.environ.get("GEOACCESS_BENCH_CACHE",
                               Path(tempfile.gettempdir()) / "geoaccess-bench"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _generator_digest() -> str:
    return hashlib.sha256((HERE / "synthetic_england.py").read_bytes()).hexdigest()[:10]


def synthetic_pbf(n_file_nodes: int) -> tuple[Path, dict[str, Any]]:
    """A synthetic England ``.osm.pbf`` of about ``n_file_nodes`` nodes (cached)."""
    from .synthetic_england import for_file_nodes, write_pbf

    stem = f"england-{n_file_nodes}-s{SEED}-{_generator_digest()}"
    pbf = _cache_dir() / f"{stem}.osm.pbf"
    meta = pbf.with_suffix(".json")
    if not (pbf.exists() and meta.exists()):
        log(f"writing synthetic England .osm.pbf of ~{n_file_nodes:,} nodes")
        eng = for_file_nodes(n_file_nodes, seed=SEED)
        t0 = time.perf_counter()
        write_pbf(eng, pbf)
        info = {**eng.describe(), "write_s": time.perf_counter() - t0}
        meta.write_text(json.dumps(info))
    return pbf, json.loads(meta.read_text())


def _rss_now_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM).

    Not ``ru_maxrss``: on Linux that keeps the high-water mark of the forked parent
    across ``exec``, so every subprocess of a big parent would report the parent's size.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def two_pass_read(path: Path, mode: str, speeds):
    """Ways first (node ids tracked in pyosmium's IdTracker), then only their nodes."""
    from array import array

    import osmium

    from geoaccess._modes import way_rule

    tracker = osmium.IdTracker()
    refs, counts = array("q"), array("q")
    for way in osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(
            osmium.filter.KeyFilter("highway")):
        if way_rule(way.tags, mode, speeds) is None:
            continue
        ids = [nd.ref for nd in way.nodes]
        refs.extend(ids)
        counts.append(len(ids))
        tracker.add_references(way)
    ids_, lon, lat = array("q"), array("d"), array("d")
    for node in osmium.FileProcessor(str(path), osmium.osm.NODE).with_filter(
            tracker.id_filter()):
        ids_.append(node.id)
        lon.append(node.location.lon)
        lat.append(node.location.lat)
    return len(ids_)


def read_one(path: Path, reader: str, mode: str) -> dict[str, Any]:
    """Build one network from ``path`` in this process; time, memory and a digest."""
    import geoaccess as ga
    from geoaccess._modes import default_speeds
    from geoaccess._osm import read_ways

    from ._old_network_build import old_read_ways

    # warm up on the small bundled file: lazy imports, pyproj's database, numba caches
    # load now, so that the baseline is the process ready to work
    ga.Network.from_osm_file(ga.datasets.get_path("west-oakland"), mode=mode)
    old_read_ways(Path(ga.datasets.get_path("west-oakland")), mode, default_speeds(mode, None))
    base = _rss_now_mb()
    c0, w0 = time.process_time(), time.perf_counter()
    out: dict[str, Any] = {"reader": reader, "baseline_rss_mb": base,
                           "peak_before_mb": _peak_rss_mb()}
    speeds = default_speeds(mode, None)
    if reader == "two-pass":
        out["nodes"] = two_pass_read(path, mode, speeds)
        out["read_peak_above_baseline_mb"] = _peak_rss_mb() - base
    else:
        # what from_osm_file does (less the file's sha256), in two stages to see each peak
        parsed = (read_ways if reader == "new" else old_read_ways)(path, mode, speeds)
        out["read_s"] = time.perf_counter() - w0
        out["read_peak_above_baseline_mb"] = _peak_rss_mb() - base
        net = ga.Network._from_lonlat(parsed.lon, parsed.lat, parsed.osmid, parsed.u,
                                      parsed.v, parsed.speed_kmh, parsed.direction,
                                      mode=mode, crs=None, provenance={})
        del parsed
        digest = hashlib.sha256()
        for arr in (net.indptr, net.indices, net.seconds, net.osmid, net.x, net.y):
            digest.update(np.ascontiguousarray(arr).tobytes())
        out.update(nodes=int(net.n_nodes), arcs=int(net.n_arcs), digest=digest.hexdigest(),
                   network_mb=net.nbytes / 1e6)
    out.update(wall_s=time.perf_counter() - w0, cpu_s=time.process_time() - c0,
               peak_rss_mb=_peak_rss_mb())
    out["peak_above_baseline_mb"] = out["peak_rss_mb"] - base
    return out


def _read_in_subprocess(path: Path, reader: str, mode: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.bench_network_build", "--read-one", str(path),
           "--reader", reader, "--mode", mode]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent, env=env,
                         check=False)
    if res.returncode:
        raise RuntimeError(f"{reader} read of {path} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def pbf_cases(quick: bool, mode: str = "walk") -> list[dict[str, Any]]:
    key = "quick" if quick else "full"
    cases = []
    for n in PBF_SIZES[key]:
        pbf, info = synthetic_pbf(n)
        size_mb = pbf.stat().st_size / 1e6
        log(f"pbf read: {info['file_nodes']:,} nodes, {size_mb:.1f} MB: new reader")
        new = _read_in_subprocess(pbf, "new", mode)
        log("pbf read: old reader")
        old = _read_in_subprocess(pbf, "old", mode)
        same = new["digest"] == old["digest"]
        if not same:
            raise AssertionError(f"{pbf}: old and new readers build different networks")
        case: dict[str, Any] = {
            "name": f"from_osm_file {mode}, synthetic England .osm.pbf "
                    f"{info['file_nodes'] / 1e6:.2g}M nodes",
            "case": "pbf read", "size": int(info["file_nodes"]), "file_mb": size_mb,
            "file_nodes": int(info["file_nodes"]), "highway_nodes": info["highway_nodes"],
            "network_nodes": new["nodes"], "network_arcs": new["arcs"],
            "geoaccess_s": new["wall_s"], "geoaccess_cpu_s": new["cpu_s"],
            "geoaccess_peak_rss_mb": new["peak_rss_mb"],
            "geoaccess_peak_above_baseline_mb": new["peak_above_baseline_mb"],
            "geoaccess_read_s": new["read_s"],
            "geoaccess_read_peak_above_baseline_mb": new["read_peak_above_baseline_mb"],
            "network_mb": new["network_mb"],
            "baseline_rss_mb": new["baseline_rss_mb"],
            "reference": "old reader (before issue 16)", "reference_s": old["wall_s"],
            "reference_cpu_s": old["cpu_s"], "reference_peak_rss_mb": old["peak_rss_mb"],
            "reference_peak_above_baseline_mb": old["peak_above_baseline_mb"],
            "reference_read_s": old["read_s"],
            "reference_read_peak_above_baseline_mb": old["read_peak_above_baseline_mb"],
            "read_memory_ratio": (old["read_peak_above_baseline_mb"]
                                  / new["read_peak_above_baseline_mb"]),
            "ratio": old["wall_s"] / new["wall_s"],
            "memory_ratio": old["peak_above_baseline_mb"] / new["peak_above_baseline_mb"],
            "check": {"what": "old and new readers build the same network (sha256 of its "
                              "arrays)", "passed": True},
            "describe": info,
        }
        if n == TWO_PASS_SIZE[key]:
            log("pbf read: two-pass IdTracker reader (considered, not used)")
            two = _read_in_subprocess(pbf, "two-pass", mode)
            case["two_pass"] = {k: two[k] for k in ("wall_s", "cpu_s", "peak_rss_mb",
                                                    "peak_above_baseline_mb", "nodes",
                                                    "read_peak_above_baseline_mb")}
        cases.append(case)
    return cases


# ----------------------------------------------------------------- report
def summarise(results: dict[str, Any]) -> dict[str, Any]:
    syn = [c for c in results["cases"] if c["case"] == "from_graph"]
    out: dict[str, Any] = {}
    for what, key in (("new from_graph (walk), wall", "geoaccess_s"),
                      ("new from_graph (walk), CPU", "geoaccess_cpu_s"),
                      ("new from_graph (drive), wall", "drive_s"),
                      ("old from_graph, wall", "old_s"),
                      ("old from_graph, CPU", "old_cpu_s"),
                      ("osmnx graph_to_gdfs, wall", "reference_s"),
                      ("osmnx graph_from_gdfs, wall", "graph_from_gdfs_s")):
        pts = [(c["graph_nodes"], c[key]) for c in syn if c.get(key)]
        if key.startswith(("geoaccess", "drive")):  # the linear claim: 10k nodes and up
            pts = [p for p in pts if p[0] >= 9_000]
        out[what] = {
            "exponent_vs_graph_nodes": exponent([p[0] for p in pts], [p[1] for p in pts]),
            "sizes": [p[0] for p in pts]}
    reads = [c for c in results["cases"] if c["case"] == "pbf read"]
    if len(reads) >= 2:
        x = [float(c["file_nodes"]) for c in reads]
        for side, key in (("new", "geoaccess"), ("old", "reference")):
            for stage, field in (("reading", "read_peak_above_baseline_mb"),
                                 ("reading and building", "peak_above_baseline_mb")):
                y = [float(c[f"{key}_{field}"]) for c in reads]
                slope, icpt = np.polyfit(x, y, 1)
                out[f"pbf {stage} peak memory, {side} reader"] = {
                    "bytes_per_file_node": float(slope * 1e6), "intercept_mb": float(icpt),
                    "exponent_vs_file_nodes": exponent(x, y)}
            out[f"pbf read time, {side} reader"] = {
                "exponent_vs_file_nodes": exponent(x, [c[f"{key}_cpu_s"] for c in reads])}
    return out


def _s(x: Any) -> str:
    if not isinstance(x, (int, float)):
        return "–"
    return f"{x:.3g} s" if x < 100 else f"{x:,.0f} s"


def markdown(results: dict[str, Any]) -> str:
    env = results["environment"]
    m, v = env["machine"], env["versions"]
    flag = " --quick" if results["mode"] == "quick" else ""
    lines = [
        "# Network building at scale (issue 16)", "",
        (f"Mode **{results['mode']}**, {env['date']}, {m['cpu']} ({m['cores']} cores, "
         f"{m['memory_gb']} GB; load average {m['load_average_at_start']} at start, "
         f"{results.get('load_average_at_end')} at end: the machine is shared, so CPU "
         f"times are given beside wall times). Python {v['python']}, numpy {v['numpy']}, "
         f"networkx {v['networkx']}, osmnx {v['osmnx']}, pyosmium {v['pyosmium']}, shapely "
         f"{v.get('shapely')}, pandas {v['pandas']}. Written by "
         f"`python -m benchmarks.bench_network_build{flag}` in "
         f"{results['total_seconds']:.0f} s."), "",
        "## `Network.from_graph` on osmnx-style graphs", "",
        ("Synthetic England graphs (`benchmarks/synthetic_england.py`, seed 0): towns as "
         "street lattices, countryside as winding roads drawn as edge geometries, "
         "motorways; network nodes include the vertices of curved edges, which "
         "`from_graph` turns into nodes. Ratios are the other side's time / geoaccess's "
         "walk time (times faster)."), "",
        ("| graph | graph nodes | edges | network nodes | walk | walk CPU | drive | old "
        "from_graph | ratio | osmnx graph_to_gdfs | ratio | osmnx graph_from_gdfs | ratio |"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in results["cases"]:
        if not c["case"].startswith("from_graph"):
            continue

        def r(x: Any) -> str:
            return f"{x:,.1f}x" if isinstance(x, (int, float)) else ""

        lines.append(
            f"| {c['name'].removeprefix('from_graph, ')} | {c['graph_nodes']:,} | "
            f"{c['graph_edges']:,} | {c['network_nodes']:,} | {_s(c['geoaccess_s'])} | "
            f"{_s(c['geoaccess_cpu_s'])} | {_s(c['drive_s'])} | {_s(c.get('old_s'))} | "
            f"{r(c.get('old_ratio'))} | {_s(c.get('reference_s'))} | {r(c.get('ratio'))} | "
            f"{_s(c.get('graph_from_gdfs_s'))} | {r(c.get('graph_from_gdfs_ratio'))} |")
    summ = results["summary"]
    lines += ["", ("Scaling exponents (slope of log time on log graph nodes; 1 = linear, "
              "2 = quadratic):"), ""]
    for what, s in summ.items():
        if "exponent_vs_graph_nodes" in s and s["exponent_vs_graph_nodes"] is not None:
            sizes = ", ".join(f"{n:,}" for n in s["sizes"])
            lines.append(f"- {what}: **{s['exponent_vs_graph_nodes']:.2f}** "
                         f"(graph nodes {sizes})")
    reads = [c for c in results["cases"] if c["case"] == "pbf read"]
    if reads:
        lines += ["", "## `Network.from_osm_file` on synthetic England `.osm.pbf`", "",
                  ("Each read in its own process, walk mode: the reader (`_osm.read_ways`, "
                   "before: `_old_network_build.old_read_ways`), then the network built from "
                   "its arrays (`Network._from_lonlat`, shared), as `from_osm_file` does. "
                   "Memory is the peak resident set (`VmHWM`) above the process's once "
                   "geoaccess is imported and warmed up on the West Oakland file, after "
                   "reading and at the end. The files hold buildings too, as real extracts "
                   "do (most of their nodes)."),
                  "",
                  ("| file nodes | MB | network nodes | new: read | total | CPU | read peak "
                   "| total peak | old: read | total | CPU | read peak | total peak | "
                   "read memory ratio |"),
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for c in reads:
            lines.append(
                f"| {c['file_nodes']:,} | {c['file_mb']:.1f} | {c['network_nodes']:,} | "
                f"{_s(c['geoaccess_read_s'])} | {_s(c['geoaccess_s'])} | "
                f"{_s(c['geoaccess_cpu_s'])} | "
                f"{c['geoaccess_read_peak_above_baseline_mb']:,.0f} MB | "
                f"{c['geoaccess_peak_above_baseline_mb']:,.0f} MB | "
                f"{_s(c['reference_read_s'])} | {_s(c['reference_s'])} | "
                f"{_s(c['reference_cpu_s'])} | "
                f"{c['reference_read_peak_above_baseline_mb']:,.0f} MB | "
                f"{c['reference_peak_above_baseline_mb']:,.0f} MB | "
                f"{c['read_memory_ratio']:.1f}x |")
        lines.append("")
        for key, s_ in summ.items():
            if key.startswith("pbf") and "bytes_per_file_node" in s_:
                lines.append(f"- {key}: **{s_['bytes_per_file_node']:.0f} bytes per node of "
                             f"the file** (intercept {s_['intercept_mb']:.0f} MB, exponent "
                             f"{s_['exponent_vs_file_nodes']:.2f})")
            elif key.startswith("pbf") and s_.get("exponent_vs_file_nodes") is not None:
                lines.append(f"- {key}: CPU time exponent **{s_['exponent_vs_file_nodes']:.2f}**"
                             " against file nodes")
        for c in reads:
            if c.get("two_pass"):
                t = c["two_pass"]
                lines.append(
                    f"- two-pass IdTracker reader (ways, then only their nodes; considered, "
                    f"not used) at {c['file_nodes']:,} nodes, reading only: peak "
                    f"{t['read_peak_above_baseline_mb']:,.0f} MB above base against "
                    f"{c['geoaccess_read_peak_above_baseline_mb']:,.0f} MB for the one-pass "
                    f"reader; {_s(t['wall_s'])} wall, {_s(t['cpu_s'])} CPU. Its id bitmap "
                    "takes 4 MB per 2**25-id block touched: with ids spread as OSM's are, "
                    "over 1 GB whatever the file's size (on Rutland too)")
    lines += ["", "## Checks before timing", ""]
    for c in results["cases"]:
        for key in ("check", "length_check", "old_check"):
            chk = c.get(key)
            if isinstance(chk, dict):
                detail = ", ".join(f"{k} {val:.2g}" for k, val in chk.items()
                                   if isinstance(val, float))
                lines.append(f"- {c['name']}: {'passed' if chk.get('passed') else 'FAILED'} "
                             f"({chk['what']}{'; ' + detail if detail else ''})")
    notes = [c for c in results["cases"] if c.get("note")]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {c['name']}: {c['note']}" for c in notes]
    return "\n".join(lines) + "\n"


def cases(quick: bool = False) -> list[dict[str, Any]]:
    """Every case, for ``python -m benchmarks.run --only network``."""
    return extract_cases(quick) + graph_cases(quick) + pbf_cases(quick)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_network_build",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (~7 min)")
    # extracts first: the old builder's time depends on the process's state, and the
    # graph group leaves a large heap behind
    parser.add_argument("--only", nargs="+", choices=("extracts", "graph", "pbf"),
                        default=["extracts", "graph", "pbf"])
    parser.add_argument("--out", type=Path, default=HERE / "network_build_results.json")
    parser.add_argument("--read-one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reader", default="new", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="walk", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.read_one:
        print(json.dumps(read_one(args.read_one, args.reader, args.mode)))
        return 0

    import shapely

    from ._util import environment, json_safe

    t0 = time.perf_counter()
    env = environment()
    env["versions"]["shapely"] = shapely.__version__
    env["machine"]["cpu_count"] = os.cpu_count()
    results: dict[str, Any] = {"mode": "quick" if args.quick else "full", "environment": env,
                               "cases": []}
    runners = {"graph": graph_cases, "extracts": extract_cases, "pbf": pbf_cases}
    for group in args.only:
        log(f"== {group}")
        results["cases"] += runners[group](args.quick)
    results["summary"] = summarise(results)
    results["total_seconds"] = time.perf_counter() - t0
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.write_text(json.dumps(json_safe(results), indent=2) + "\n")
    md = markdown(results)
    args.out.with_suffix(".md").write_text(md)
    print(md)
    log(f"wrote {args.out} and {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
