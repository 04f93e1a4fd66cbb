"""Benchmark: national-shape runs on a synthetic England (issue 16).

Inputs, all seeded:

- the network: :func:`benchmarks.synthetic_england.generate` at England's 130,300 km²
  (about 4.3M highway nodes; ``--quick``: 8,000 km²), turned into a walk network (every
  way but motorways, both directions, 4.8 km/h) and a drive network (one-ways kept,
  ``maxspeed`` where tagged, else the UK defaults of geoaccess by highway type) with
  :meth:`geoaccess.Network.from_arcs`;
- 33,755 LSOA-like origins (as many as England has LSOAs) and 3,000 sites (about as many
  children's centres and family hubs): 90% (sites 85%) at random town street nodes, the
  rest at random rural junctions, each moved up to 40 m off its node; the origins carry a
  ``region`` (a 21 km grid cell, about the size of an English district) by which results
  are partitioned; 1M home origins drawn the same way for the home-level rows (origins of
  1 km-cell areas, ``origin_id``/``area_id``/``weight``: float32 rows).
  ``--quick`` scales the counts by area.

Runs (``geoaccess.national_travel_times``, tiles, on a Dask ``LocalCluster`` of single-
threaded worker processes, numba on one thread per worker):

- walk, 60-minute bound: every site, on 1 worker and on 2 workers;
- drive, 30-minute bound: a seeded sample of 2 of the 16 tiles (all sites with
  ``--full-drive``), on 1 and 2 workers, extrapolated to all sites: the time of the parts
  × all sites / sampled sites, plus the one-off setup and finish as measured;
- time against the bound (walk, 15/30/45/60 minutes, a sample of 2 tiles, in-process),
  and single searches at each bound on one tile's clipped network and on the whole
  network;
- 1M homes: walk 60 minutes (2 tiles) and drive 30 minutes with ``k_nearest=5`` (1 tile),
  on 2 workers, extrapolated the same way.

Peak memory is the largest sum of resident memory over this process and its children
(the workers), sampled every 0.2 s. The load average is recorded before and after each
run: the machine is shared, so times are upper bounds of what an idle machine gives.

Run ``python -m benchmarks.bench_national [--quick]``; writes
``benchmarks/national_results.json`` and ``national_results.md``.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")  # one thread per worker: scaling is by workers

import argparse
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import synthetic_england as se
from benchmarks._util import environment, json_safe, log

HERE = Path(__file__).resolve().parent
LSOAS = 33_755
SITES = 3_000
HOMES = 1_000_000
REGION_M = 21_000.0


# ------------------------------------------------------------------------------ inputs
def build_networks(eng: se.England) -> dict[str, Any]:
    """Walk and drive networks of the synthetic England, as geoaccess builds them."""
    import geoaccess as ga
    from geoaccess._modes import UK_DRIVE_SPEEDS_KMH, parse_maxspeed

    ptr, refs = eng.way_ptr, eng.way_nodes
    way = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
    same = way[1:] == way[:-1]
    u, v, w = refs[:-1][same], refs[1:][same], way[:-1][same]
    length = np.hypot(eng.x[v] - eng.x[u], eng.y[v] - eng.y[u])
    highway = np.asarray(se.HIGHWAYS, dtype=object)[eng.way_highway[w]]
    out = {}
    walkable = highway != "motorway"
    secs = length[walkable] / (4.8 / 3.6)
    uu, vv = u[walkable], v[walkable]
    out["walk"] = ga.Network.from_arcs(np.concatenate([uu, vv]), np.concatenate([vv, uu]),
                                       np.concatenate([secs, secs]), eng.x, eng.y,
                                       crs="EPSG:27700", mode="walk",
                                       provenance={"source": "synthetic England"})
    tagged = np.array([parse_maxspeed(m) if m else np.nan for m in se.MAXSPEEDS], dtype=float)
    default = np.array([UK_DRIVE_SPEEDS_KMH[h] for h in se.HIGHWAYS])
    kmh = np.where(np.isnan(tagged[eng.way_maxspeed[w]]), default[eng.way_highway[w]],
                   tagged[eng.way_maxspeed[w]])
    secs = length / (kmh / 3.6)
    two = ~eng.way_oneway[w]
    out["drive"] = ga.Network.from_arcs(np.concatenate([u, v[two]]),
                                        np.concatenate([v, u[two]]),
                                        np.concatenate([secs, secs[two]]), eng.x, eng.y,
                                        crs="EPSG:27700", mode="drive",
                                        provenance={"source": "synthetic England"})
    return out


def _places(eng: se.England, n: int, urban_share: float, rng: np.random.Generator
            ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points: a share at town street nodes, the rest at rural junctions."""
    ptr = eng.way_ptr
    way = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
    town_way = np.isin(eng.way_highway[way], [se.HIGHWAYS.index("residential"),
                                              se.HIGHWAYS.index("service")])
    town = np.unique(eng.way_nodes[town_way])
    rural = np.setdiff1d(np.nonzero(eng.junction)[0], town)
    n_town = int(round(n * urban_share))
    pick = np.concatenate([rng.choice(town, n_town), rng.choice(rural, n - n_town)])
    ang = rng.uniform(0, 2 * np.pi, n)
    r = rng.uniform(0, 40.0, n)
    return eng.x[pick] + r * np.cos(ang), eng.y[pick] + r * np.sin(ang)


def sites_and_origins(eng: se.England, n_sites: int, n_origins: int, seed: int,
                      prefix: str = "L") -> tuple[Any, Any]:
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    sx, sy = _places(eng, n_sites, 0.85, rng)
    sites = gpd.GeoDataFrame({"site_id": [f"S{i:05d}" for i in range(n_sites)],
                              "kind": "centre"},
                             geometry=gpd.points_from_xy(sx, sy), crs="EPSG:27700")
    ox, oy = _places(eng, n_origins, 0.90, rng)
    region = np.char.add(np.char.add("R", (ox // REGION_M).astype(int).astype(str)),
                         np.char.add("_", (oy // REGION_M).astype(int).astype(str)))
    ids = np.char.add(prefix, np.arange(n_origins).astype(str))
    if prefix == "L":
        origins = gpd.GeoDataFrame({"area_id": ids, "region": region, "origin_x": ox,
                                    "origin_y": oy},
                                   geometry=gpd.points_from_xy(ox, oy), crs="EPSG:27700")
    else:  # homes: origins (float32 matrix rows), each in a 1 km cell as its area
        area = np.char.add(np.char.add("A", (ox // 1000).astype(int).astype(str)),
                           np.char.add("_", (oy // 1000).astype(int).astype(str)))
        origins = gpd.GeoDataFrame({"origin_id": ids, "area_id": area, "weight": 1.0,
                                    "region": region},
                                   geometry=gpd.points_from_xy(ox, oy), crs="EPSG:27700")
    return sites, origins


# ----------------------------------------------------------------------- measuring
class PeakMemory:
    """Largest resident memory of this process and its children, sampled every 0.2 s."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _rss(self) -> int:
        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except Exception:  # a child that just exited
                pass
        return total

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def _cluster(workers: int) -> Any:
    import distributed

    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                       processes=True, dashboard_address=None,
                                       memory_limit=0)
    return cluster, distributed.Client(cluster)


def run_case(name: str, net: Any, sites: Any, origins: Any, *, workers: int | None,
             max_minutes: float, chunk_size: int, k_nearest: int | None = None,
             all_sites: int | None = None) -> dict[str, Any]:
    """One national run; extrapolated to ``all_sites`` when ``sites`` is a sample."""
    import geoaccess as ga

    tmp = Path(tempfile.mkdtemp(prefix="bench-national-"))
    load0 = os.getloadavg()
    cluster = client = None
    try:
        if workers:
            cluster, client = _cluster(workers)
            client.run(lambda: None)  # workers up before the clock starts
        with PeakMemory() as mem:
            t0 = time.perf_counter()
            run = ga.national_travel_times(net, sites, origins, max_minutes=max_minutes,
                                           k_nearest=k_nearest, partition="tiles",
                                           chunk_size=chunk_size, region="region",
                                           client=client, out=tmp / "out", progress=False)
            wall = time.perf_counter() - t0
        stats = run.stats
        out_mb = sum(p.stat().st_size for p in (tmp / "out").rglob("*") if p.is_file()) / 1e6
    finally:
        if client is not None:
            client.close()
            cluster.close()
        shutil.rmtree(tmp, ignore_errors=True)
    parts = stats["parts_detail"]
    n_sites = len(sites)
    row: dict[str, Any] = {
        "case": name, "mode": net.mode, "max_minutes": max_minutes, "k_nearest": k_nearest,
        "workers": workers or 0, "origins": len(origins), "sites_run": n_sites,
        "parts": len(parts), "chunk_size": chunk_size, "wall_s": round(wall, 2),
        "peak_memory_gb": round(mem.peak / 1e9, 2), "pairs": stats["pairs"],
        "origins_with_time": stats["origins_with_time"], "output_mb": round(out_mb, 1),
        "part_route_s_total": round(sum(p["route_s"] for p in parts), 2),
        "part_clip_s_total": round(sum(p["clip_s"] for p in parts), 2),
        "part_write_s_total": round(sum(p["write_s"] for p in parts), 2),
        "route_s_per_site": round(sum(p["route_s"] for p in parts) / n_sites, 4),
        "mean_part_nodes": int(np.mean([p["nodes"] for p in parts])),
        "mean_part_rows": int(np.mean([p["rows"] for p in parts])),
        "setup_s": round(stats["setup_seconds"], 2),
        "parts_phase_s": round(stats["parts_seconds"], 2),
        "finish_s": round(stats["finish_seconds"], 2),
        "load_before": [round(x, 2) for x in load0],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    if all_sites and all_sites > n_sites:
        # the parts scale with the sites; preparing the inputs and writing the origins
        # table are paid once
        factor = all_sites / n_sites
        fixed = wall - stats["parts_seconds"]
        row.update({"sampled": True, "sample_share": round(n_sites / all_sites, 4),
                    "wall_s_extrapolated": round(fixed + stats["parts_seconds"] * factor, 1),
                    "pairs_extrapolated": int(stats["pairs"] * factor)})
    shown = {k: row[k] for k in ("wall_s", "peak_memory_gb", "pairs", "parts")}
    log(f"{name}: {json.dumps(shown)}")
    return row


def sample_tiles(sites: Any, chunk_size: int, n_parts: int, seed: int) -> Any:
    """The sites of a seeded random sample of the run's tiles."""
    from geoaccess.national._tiles import plan_parts

    parts = plan_parts(sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy(),
                       partition="tiles", chunk_size=chunk_size)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(parts), size=min(n_parts, len(parts)), replace=False)
    idx = np.sort(np.concatenate([parts[i].sites for i in chosen]))
    return sites.iloc[idx].reset_index(drop=True), len(parts)


def bound_sweep(net: Any, sites: Any, origins: Any, bounds: list[float]) -> list[dict[str, Any]]:
    """Cost against the bound: national runs (in-process), then single searches.

    The searches run from the sites of one tile on the walk network clipped as a national
    run clips it for the longest bound (the same network for every bound), and from a few
    nodes of the whole network.
    """
    from scipy.spatial import cKDTree

    from geoaccess._kernels.dijkstra import many_to_all
    from geoaccess.national._tiles import clip_network, plan_parts, search_buffer_m

    rows = []
    run_case("warm-up (not recorded)", net, sites.iloc[:2], origins, workers=None,
             max_minutes=5, chunk_size=64)
    for b in bounds:
        rows.append(run_case(f"walk bound {b:g} min", net, sites, origins, workers=None,
                             max_minutes=b, chunk_size=64))
    # one tile of the sample, as a national run clips it for the longest bound
    tile = plan_parts(sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy(),
                      partition="tiles", chunk_size=64)[0]
    assert tile.box is not None
    x = sites.geometry.x.to_numpy()[tile.sites]
    y = sites.geometry.y.to_numpy()[tile.sites]
    sub, _ = clip_network(net, tile.box, search_buffer_m(net, max(bounds), 4.8))
    main = np.nonzero(sub.in_main_component())[0]
    near = cKDTree(np.column_stack([sub.x[main], sub.y[main]])).query(np.column_stack([x, y]))[1]
    src = np.unique(main[near])[:48]
    many_to_all(sub.indptr, sub.indices, sub.seconds, src[:2], limit=60.0)  # warm-up

    def searches(where: str, g: Any, sources: np.ndarray, bound: float | None) -> None:
        limit = np.inf if bound is None else bound * 60.0
        times = []
        for _ in range(3):  # the machine is shared: the best of three
            t0 = time.perf_counter()
            dist = many_to_all(g.indptr, g.indices, g.seconds, sources, limit=limit)
            times.append((time.perf_counter() - t0) / len(sources))
        label = "no bound" if bound is None else f"{bound:g} min"
        rows.append({"case": f"one search, {where}, {label}", "max_minutes": bound,
                     "search_ms": round(min(times) * 1e3, 2),
                     "nodes_reached_per_search": int(np.isfinite(dist).sum() / len(sources)),
                     "network_nodes": g.n_nodes})

    for b in [*bounds, None]:
        searches("clipped network", sub, src, b)
    rng = np.random.default_rng(1)
    whole = rng.choice(np.nonzero(net.in_main_component())[0], 6)
    many_to_all(net.indptr, net.indices, net.seconds, whole[:1], limit=60.0)  # warm-up
    for b in (bounds[0], bounds[-1], None):
        searches("whole network", net, whole, b)
    return rows


# ----------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="an 8,000 km2 England")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--full-drive", action="store_true",
                        help="drive from every site (long), not a sample of tiles")
    parser.add_argument("--no-homes", action="store_true", help="skip the 1M-home rows")
    args = parser.parse_args(argv)
    env = environment()
    started = time.perf_counter()
    area = 8_000.0 if args.quick else se.ENGLAND_KM2
    scale = area / se.ENGLAND_KM2
    n_sites, n_lsoa, n_homes = (max(20, int(SITES * scale)), int(LSOAS * scale),
                                int(HOMES * scale))
    log(f"generating England of {area:,.0f} km2 (seed {args.seed})")
    t0 = time.perf_counter()
    eng = se.generate(area, seed=args.seed, buildings=False)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    nets = build_networks(eng)
    build_s = time.perf_counter() - t0
    log(f"networks built in {build_s:.1f} s: {nets['walk']!r}, {nets['drive']!r}")
    sites, lsoas = sites_and_origins(eng, n_sites, n_lsoa, args.seed)
    rows: list[dict[str, Any]] = []
    walk, drive = nets["walk"], nets["drive"]
    for workers in (1, 2):
        rows.append(run_case(f"walk 60 min, {n_lsoa:,} LSOAs x {n_sites:,} sites", walk,
                             sites, lsoas, workers=workers, max_minutes=60, chunk_size=64))
    if args.full_drive:
        d_sites, _ = sites, None
    else:
        d_sites, _ = sample_tiles(sites, 192, 2, args.seed)
    for workers in (1, 2):
        rows.append(run_case(f"drive 30 min, {n_lsoa:,} LSOAs x {n_sites:,} sites", drive,
                             d_sites, lsoas, workers=workers, max_minutes=30, chunk_size=192,
                             all_sites=n_sites))
    w_sites, _ = sample_tiles(sites, 64, 2, args.seed + 1)
    sweep = bound_sweep(walk, w_sites, lsoas, [15, 30, 45, 60])
    if not args.no_homes:
        _, homes = sites_and_origins(eng, n_sites, n_homes, args.seed + 2, prefix="H")
        hw_sites, _ = sample_tiles(sites, 64, 2, args.seed + 4)
        rows.append(run_case(f"walk 60 min, {n_homes:,} homes", walk, hw_sites, homes,
                             workers=2, max_minutes=60, chunk_size=64, all_sites=n_sites))
        h_sites, _ = sample_tiles(sites, 192, 1, args.seed + 3)
        rows.append(run_case(f"drive 30 min, {n_homes:,} homes, 5 nearest", drive, h_sites,
                             homes, workers=2, max_minutes=30, chunk_size=192, k_nearest=5,
                             all_sites=n_sites))
    result = {
        "benchmark": "bench_national", "mode": "quick" if args.quick else "full",
        "environment": env,
        "inputs": {"england": eng.describe(), "generate_s": round(gen_s, 1),
                   "build_networks_s": round(build_s, 1),
                   "walk_network": {"nodes": walk.n_nodes, "arcs": walk.n_arcs,
                                    "mb": round(walk.nbytes / 1e6)},
                   "drive_network": {"nodes": drive.n_nodes, "arcs": drive.n_arcs,
                                     "mb": round(drive.nbytes / 1e6)},
                   "sites": n_sites, "lsoa_origins": n_lsoa, "home_origins": n_homes},
        "runs": rows, "bound_sweep": sweep,
        "total_s": round(time.perf_counter() - started, 1),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    suffix = "_quick" if args.quick else ""
    (HERE / f"national_results{suffix}.json").write_text(
        json.dumps(json_safe(result), indent=1) + "\n")
    (HERE / f"national_results{suffix}.md").write_text(markdown(result))
    log(f"done in {result['total_s']:.0f} s")
    return result


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join("" if r.get(c) is None else
                                       (f"{r[c]:,}" if isinstance(r[c], int) else str(r[c]))
                                       for c in cols) + " |")
    return "\n".join(lines)


def markdown(res: dict[str, Any]) -> str:
    env = res["environment"]
    inp = res["inputs"]
    out = [f"# National runs ({res['mode']})", "",
           (f"Synthetic England: {json.dumps(inp['england'])}; generated in "
           f"{inp['generate_s']} s, walk and drive networks built in "
           f"{inp['build_networks_s']} s (walk {inp['walk_network']}, drive "
           f"{inp['drive_network']})."), "",
           (f"Machine: {json.dumps(env.get('machine', {}))}. Load average at the end: "
           f"{res['load_average_at_end']}. Total {res['total_s']} s."), "",
           "## Runs", "", ("Rows with a `wall_s_extrapolated` ran a seeded sample of the "
           "tiles: it is setup + finish (paid once) + parts phase × all sites / sampled "
           "sites. `route_s_per_site` is the time of travel_times in the parts (clipped "
           "network preparation, snapping and searches) per site."), "",
           _table(res["runs"], ["case", "workers", "origins", "sites_run", "parts", "wall_s",
                                "setup_s", "parts_phase_s", "finish_s",
                                "wall_s_extrapolated", "peak_memory_gb", "pairs",
                                "route_s_per_site", "mean_part_nodes", "output_mb",
                                "load_before", "load_after"]), "",
           "## Cost against the bound (walk, in-process)", "",
           ("National runs of the same sample of tiles, then single searches: from the "
            "sites of one tile on its clipped network (its box plus the 60-minute buffer), "
            "and from 6 nodes of the whole network (best of three)."), "",
           _table(res["bound_sweep"], ["case", "max_minutes", "sites_run", "pairs", "wall_s",
                                       "route_s_per_site", "mean_part_nodes", "search_ms",
                                       "nodes_reached_per_search", "network_nodes"]), ""]
    return "\n".join(out)


if __name__ == "__main__":
    main()
