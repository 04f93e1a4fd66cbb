"""Benchmark: demand at home level (issue 19): origins, snapping, scoring, memory.

Cases, each checked against an independent computation before it is timed:

- **Rutland end to end at home level**: the walking network, ``ga.build_origins`` (OSM
  homes plus a 100 m grid on unmapped residential land), the origin × site matrix
  (``ga.travel_times``), three scenarios (``ga.evaluate`` and ``ga.compare``) and the
  HTML report, each step timed once (the first routing call compiles the numba kernels:
  a warm-up call on the 26 area points runs first and is reported apart). Check: the
  share of children within 15 minutes equals the sum over homes of the children whose
  row minimum (open columns) is at most 15.
- **Origins snapped per second**: 10k, 100k and 1M home-like points (a random street
  node of the Rutland walk network, moved by a normal 40 m in x and y, as homes sit
  beside streets), and, as a worst case, 100k points uniformly over the extent (a fifth
  of them in fields more than 500 m from any path), snapped to the nearest segment (k-d
  tree candidates with exact distances, shapely's STRtree for the unsettled), and the
  full ``ga.travel_times`` over 100k origins × 36 sites. Check: on a sample of 2,000,
  the distance equals shapely's own unbounded ``query_nearest``.
- **A scenario over 1M origins × 100 sites**: a seeded synthetic float32 matrix (1M
  origins in 33,755 areas, England's LSOA count; minutes = straight-line distance × 1.3
  at 4.8 km/h; 1% of pairs missing), 50 sites open: ``ga.evaluate`` with thresholds 15
  and 30, and with the six default thresholds. Check: the share within 15 minutes
  against ``np.fmin.reduce`` over the open columns, weighted by hand.
- **Memory of the origin-level matrix at 1M origins**: bytes of the minutes (float32,
  and what float64 would take), of the origins table, and the size of the saved
  Parquet file (zstd).

Run ``python -m benchmarks.bench_origins`` (``--quick``: 100k origins instead of 1M).
Writes ``benchmarks/origins_results.json`` and ``origins_results.md``, with the machine's
load average at the start and the end (the machine is shared: figures are wall-clock).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

import geoaccess as ga

HERE = Path(__file__).resolve().parent
N_LSOA = 33_755


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def median_of(fn: Any, repeats: int) -> tuple[float, list[float], Any]:
    times, out = [], None
    for _ in range(repeats):
        dt, out = timed(fn)
        times.append(dt)
    return statistics.median(times), times, out


# ---------------------------------------------------------------------- Rutland
def rutland(tmp: Path) -> dict[str, Any]:
    osm = ga.datasets.get_path("rutland-osm")
    out: dict[str, Any] = {}
    areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    sites = ga.read_sites(ga.datasets.get_path("rutland-sites"))
    scenarios = ga.read_scenarios(ga.datasets.get_path("rutland-scenarios"), sites)[:3]
    out["network_s"], net = timed(lambda: ga.Network.from_osm_file(osm, mode="walk"))
    out["warm_up_area_matrix_s"], _ = timed(
        lambda: ga.travel_times(net, sites, areas, progress=False))
    out["origins_s"], homes = timed(lambda: ga.build_origins(areas, osm=osm))
    out["origins"] = len(homes)
    out["origin_methods"] = ga.summarise_origins(homes)["origin_method"].value_counts().to_dict()
    out["matrix_s"], tt = timed(lambda: ga.travel_times(net, sites, homes, progress=False))
    out["evaluate_3_scenarios_s"], result = timed(
        lambda: ga.evaluate(tt, areas, scenarios, population="children_0_4",
                            thresholds=[15, 20, 30]))
    out["compare_s"], comparison = timed(lambda: ga.compare(result))
    out["report_s"], _ = timed(lambda: ga.write_report(comparison, areas,
                                                       tmp / "rutland.html", sites=sites))
    out["end_to_end_s"] = sum(out[k] for k in ("network_s", "origins_s", "matrix_s",
                                               "evaluate_3_scenarios_s", "compare_s",
                                               "report_s"))
    kids = tt.row_weights(areas, "children_0_4").to_numpy()
    first = scenarios[0]
    mask = first.mask(tt.site_ids, None)
    nearest = np.fmin.reduce(tt.minutes.to_numpy(np.float64)[:, mask], axis=1)
    expected = float(kids[nearest <= 15].sum() / kids.sum())
    got = float(result.summary.loc[0, "share_within_15"])
    out["share_within_15"] = {s: float(v) for s, v in zip(
        result.summary["scenario"], result.summary["share_within_15"], strict=True)}
    out["check_share_within_15_difference"] = abs(got - expected)
    if abs(got - expected) > 1e-9:
        raise AssertionError(f"Rutland share within 15: {got} against {expected}")
    one_point = ga.evaluate(ga.travel_times(net, sites, areas, progress=False), areas,
                            scenarios[0], population="children_0_4", thresholds=[15, 20, 30])
    out["one_point_per_area_share_within"] = {
        t: float(one_point.summary.loc[0, f"share_within_{t}"]) for t in (15, 20, 30)}
    out["home_level_share_within"] = {
        t: float(result.summary.loc[0, f"share_within_{t}"]) for t in (15, 20, 30)}
    return out


# --------------------------------------------------------------------- snapping
def snapping(sizes: list[int]) -> dict[str, Any]:
    from geoaccess import _snap

    net = ga.Network.from_osm_file(ga.datasets.get_path("rutland-osm"), mode="walk")
    sites = ga.read_sites(ga.datasets.get_path("rutland-sites"))
    t_seg, segs = timed(lambda: _snap.segments(net))
    rng = np.random.default_rng(19)
    t_kd, _ = timed(segs.samples)
    rows = []
    cases = [("near streets", n) for n in sizes] + [("uniform (worst case)", 100_000)]
    for kind, n in cases:
        if kind == "near streets":
            node = rng.integers(0, net.n_nodes, n)
            x = net.x[node] + rng.normal(0, 40, n)
            y = net.y[node] + rng.normal(0, 40, n)
        else:
            x = rng.uniform(np.percentile(net.x, 2), np.percentile(net.x, 98), n)
            y = rng.uniform(np.percentile(net.y, 2), np.percentile(net.y, 98), n)
        secs, sn = timed(lambda x=x, y=y: _snap.snap(segs, net, x, y, 500.0))
        k = min(n, 2000)
        pairs, dist = segs.tree.query_nearest(shapely.points(x[:k], y[:k]),
                                              return_distance=True, all_matches=False)
        ref = np.full(k, np.nan)
        ref[pairs[0]] = dist
        if not np.allclose(sn.nearest_m[:k], ref, rtol=1e-9, atol=1e-9):
            raise AssertionError("snapping distances differ from shapely's query")
        rows.append({"points": n, "where": kind, "seconds": secs,
                     "points_per_second": n / secs,
                     "unsnapped_share": float((sn.seg < 0).mean())})
        log(f"snapped {n:,} points ({kind}) in {secs:.2f} s")
    n = 100_000
    node = rng.integers(0, net.n_nodes, n)
    x = net.x[node] + rng.normal(0, 40, n)
    y = net.y[node] + rng.normal(0, 40, n)
    import geopandas as gpd

    pts = gpd.GeoDataFrame({"origin_id": [f"o{i}" for i in range(n)],
                            "area_id": [f"A{i // 30}" for i in range(n)], "weight": 1.0},
                           geometry=gpd.points_from_xy(x, y), crs=net.crs)
    ga.travel_times(net, sites, pts.iloc[:100], progress=False)  # numba warm-up
    t_tt, tt = timed(lambda: ga.travel_times(net, sites, pts, progress=False))
    return {"segments": len(segs.a), "segments_s": t_seg, "kd_tree_s": t_kd, "snap": rows,
            "travel_times_100k_origins_x_36_sites_s": t_tt,
            "travel_times_matrix_mb": tt.minutes.memory_usage(index=False).sum() / 1e6}


# ------------------------------------------------------------------ 1M origins
def synthetic(n_origins: int, n_sites: int, seed: int = 7) -> ga.TravelTimes:
    rng = np.random.default_rng(seed)
    n_areas = min(N_LSOA, max(1, n_origins // 30))
    area_xy = rng.uniform(0, 60_000, (n_areas, 2))
    code = np.sort(rng.integers(0, n_areas, n_origins))
    code[:n_areas] = np.arange(n_areas)        # every area has an origin
    code.sort()
    xy = area_xy[code] + rng.normal(0, 300, (n_origins, 2))
    sxy = rng.uniform(0, 60_000, (n_sites, 2))
    minutes = np.empty((n_origins, n_sites), dtype=np.float32, order="F")
    for j in range(n_sites):
        d = np.hypot(xy[:, 0] - sxy[j, 0], xy[:, 1] - sxy[j, 1])
        col = (d * 1.3 / (4.8 / 3.6) / 60.0).astype(np.float32)
        col[rng.random(n_origins) < 0.01] = np.nan
        minutes[:, j] = col
    ids = pd.Index([f"o{i}" for i in range(n_origins)], name="origin_id")
    frame = pd.DataFrame(minutes, index=ids, columns=[f"S{j:03d}" for j in range(n_sites)])
    origins = pd.DataFrame({"area_id": np.array([f"E{a:05d}" for a in range(n_areas)],
                                                dtype=object)[code],
                            "weight": rng.gamma(2.0, 1.0, n_origins)}, index=ids)
    return ga.TravelTimes(frame, mode="walk", origins=origins)


def million(n_origins: int, repeats: int, tmp: Path) -> dict[str, Any]:
    n_sites = 100
    t_build, tt = timed(lambda: synthetic(n_origins, n_sites))
    areas = pd.DataFrame({"area_id": tt.area_ids.to_numpy(dtype=object),
                          "children": np.random.default_rng(3).gamma(4.0, 25.0,
                                                                     len(tt.area_ids))})
    open_ids = list(tt.site_ids[::2])
    scen = ga.Scenario("Half open", {s: "centre" for s in open_ids})
    t2, times2, r = median_of(lambda: ga.evaluate(tt, areas, scen, population="children",
                                                  thresholds=[15, 30]), repeats)
    t6, times6, _ = median_of(lambda: ga.evaluate(tt, areas, scen, population="children"),
                              repeats)
    kids = tt.row_weights(areas, "children").to_numpy()
    cols = [tt.site_ids.get_loc(s) for s in open_ids]
    nearest = np.fmin.reduce(tt.minutes.to_numpy()[:, cols], axis=1)
    expected = float(kids[nearest <= 15].sum() / kids.sum())
    got = float(r.summary.loc[0, "share_within_15"])
    if abs(got - expected) > 1e-9:
        raise AssertionError(f"1M share within 15: {got} against {expected}")
    minutes_mb = tt.minutes.memory_usage(index=False).sum() / 1e6
    index_mb = tt.minutes.index.memory_usage(deep=True) / 1e6
    origins_mb = tt.origins.memory_usage(deep=True).sum() / 1e6
    t_save, path = timed(lambda: tt.save(tmp / "origins.parquet"))
    file_mb = path.stat().st_size / 1e6
    result_origins_mb = r.origins.memory_usage(deep=True).sum() / 1e6
    return {"origins": n_origins, "areas": len(tt.area_ids), "sites": n_sites,
            "open_sites": len(open_ids), "build_synthetic_s": t_build,
            "evaluate_thresholds_15_30_s": t2, "evaluate_thresholds_15_30_runs": times2,
            "evaluate_default_6_thresholds_s": t6, "evaluate_default_6_thresholds_runs": times6,
            "check_share_within_15_difference": abs(got - expected),
            "memory": {"minutes_float32_mb": minutes_mb,
                       "minutes_if_float64_mb": minutes_mb * 2,
                       "row_index_mb": index_mb, "origins_table_mb": origins_mb,
                       "result_origins_table_mb": result_origins_mb,
                       "parquet_zstd_file_mb": file_mb, "save_s": t_save}}


# ----------------------------------------------------------------------- output
def markdown(res: dict[str, Any]) -> str:
    env = res["environment"]
    m = env["machine"]
    lines = ["# Origins benchmark (issue 19)", "",
             (f"{env['date']}, {m['cpu']} ({m['cores']} cores; load average "
             f"{m['load_average_at_start']} at start, {res['load_average_at_end']} at end: "
             "the machine is shared, figures are wall-clock). "
             f"Command: `python -m benchmarks.bench_origins{' --quick' if res['quick'] else ''}`."),
             "", "## Rutland at home level, end to end", ""]
    r = res["rutland"]
    lines += ["| step | seconds |", "|---|---|"]
    for k in ("network_s", "origins_s", "matrix_s", "evaluate_3_scenarios_s", "compare_s",
              "report_s", "end_to_end_s"):
        lines.append(f"| {k.removesuffix('_s').replace('_', ' ')} | {r[k]:.2f} |")
    lines += ["", (f"{r['origins']:,} origins ({r['origin_methods']}); the first routing call "
              f"(26 area points, compiling numba) took {r['warm_up_area_matrix_s']:.1f} s "
              "and is not counted."), "",
              "| share of children 0-4 within | one point per area | homes |",
              "|---|---|---|"]
    for t in (15, 20, 30):
        lines.append(f"| {t} minutes (all 36 open) | {r['one_point_per_area_share_within'][t]:.1%}"
                     f" | {r['home_level_share_within'][t]:.1%} |")
    s = res["snapping"]
    lines += ["", "## Snapping", "",
              (f"{s['segments']:,} segments indexed in {s['segments_s']:.2f} s, their k-d "
               f"tree of points every 15 m in {s['kd_tree_s']:.2f} s."), "",
              "| points | where | seconds | points per second | unsnapped |",
              "|---|---|---|---|---|"]
    for row in s["snap"]:
        lines.append(f"| {row['points']:,} | {row['where']} | {row['seconds']:.2f} | "
                     f"{row['points_per_second']:,.0f} | {row['unsnapped_share']:.1%} |")
    lines += ["", (f"`ga.travel_times` over 100,000 origins × 36 sites: "
              f"{s['travel_times_100k_origins_x_36_sites_s']:.1f} s "
              f"({s['travel_times_matrix_mb']:.0f} MB of float32 minutes).")]
    g = res["million"]
    mem = g["memory"]
    lines += ["", f"## One scenario over {g['origins']:,} origins × {g['sites']} sites", "",
              f"{g['areas']:,} areas, {g['open_sites']} sites open, synthetic float32 matrix.",
              "", "| call | median seconds |", "|---|---|",
              f"| `ga.evaluate`, thresholds 15 and 30 | {g['evaluate_thresholds_15_30_s']:.2f} |",
              (f"| `ga.evaluate`, six default thresholds | "
              f"{g['evaluate_default_6_thresholds_s']:.2f} |"), "",
              "## Memory of the origin-level matrix", "",
              "| what | MB |", "|---|---|",
              f"| minutes, float32 | {mem['minutes_float32_mb']:.0f} |",
              f"| minutes if float64 | {mem['minutes_if_float64_mb']:.0f} |",
              f"| row index (origin ids) | {mem['row_index_mb']:.0f} |",
              f"| origins table | {mem['origins_table_mb']:.0f} |",
              f"| `Result.origins` of one scenario | {mem['result_origins_table_mb']:.0f} |",
              f"| saved Parquet file (zstd) | {mem['parquet_zstd_file_mb']:.0f} |", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k origins instead of 1M")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "origins_results.json")
    args = parser.parse_args(argv)
    from ._util import environment, json_safe

    env = environment()
    log(f"load average at start {env['machine']['load_average_at_start']}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        log("Rutland end to end")
        rut = rutland(tmp)
        log("snapping")
        snap = snapping([10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000])
        n = 100_000 if args.quick else 1_000_000
        log(f"one scenario over {n:,} origins")
        big = million(n, args.repeats, tmp)
    results = {"environment": env, "quick": args.quick, "rutland": rut, "snapping": snap,
               "million": big, "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    args.out.write_text(json.dumps(json_safe(results), indent=2) + "\n")
    args.out.with_suffix(".md").write_text(markdown(results))
    log(f"wrote {args.out} and {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
