"""Benchmark: the consultation explorer at a county's size, timed in headless Chromium.

Cases (issue 15): 500 areas (polygons) × 100 sites, and 50,000 home origins (points) ×
100 sites. A seeded synthetic matrix stands in for a real one: origins and sites
scattered over a 40 × 30 km county, minutes = straight-line distance × a detour of 1.15
to 1.6 at 4.8 km/h, 1% of pairs without a route; children per origin drawn from a
Poisson law, IMD deciles at random.

For each case the explorer is written with :func:`geoaccess.explorer.write_explorer`
and opened from the file in Debian's Chromium (Playwright, every outside request
blocked). Before anything is timed, the page's numbers for five random configurations
are checked against :func:`geoaccess.evaluate` (population within 15 minutes and the
mean). Then, medians over 20 random configurations (each opening 20-100 sites):

- ``recompute_ms``: the browser scoring one configuration from the embedded matrix
  (nearest open site of every row, totals, gains and losses, the table by decile);
- ``update_ms``: a site ticked to the map, summary and table redrawn (the configuration
  set on the tick boxes' model, until two animation frames after the page recomputed);
- ``evaluate_ms``: :func:`geoaccess.evaluate` + :func:`geoaccess.compare` for the same
  configuration in Python (numpy), for scale;

and once: the file's size, the time to write it and the time to open it (load, decode,
first scoring, first drawing).

Run ``python -m benchmarks.bench_explorer`` (``--quick``: the 500-area case only).
Writes ``benchmarks/explorer_results.md`` and ``explorer_results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

import geoaccess as ga
from benchmarks._util import environment, json_safe, log
from geoaccess._explorer.browser import browser, chromium_missing, offline_page
from geoaccess.explorer import write_explorer

HERE = Path(__file__).resolve().parent
N_SITES = 100
REPEATS = 20
X0, Y0 = 450_000.0, 280_000.0  # somewhere in the English Midlands (EPSG:27700)

SCORE_JS = """(masks) => {
  const st = [...globalThis.__geoaccess_explorer__.values()][0];
  const times = [], totals = [];
  for (const bits of masks) {
    const open = Uint8Array.from(bits, (c) => c === "1" ? 1 : 0);
    const t0 = performance.now();
    const res = st.compute(open);
    times.push(performance.now() - t0);
    const i = st.d.thresholds.indexOf(15);
    totals.push([res.all.within[i], res.all.weighted / res.all.reached]);
  }
  return [times, totals];
}"""

UPDATE_JS = """async (active) => {
  const st = [...globalThis.__geoaccess_explorer__.values()][0];
  const checks = Bokeh.documents[0].get_model_by_name("site_boxes");
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const before = st.updates;
  const t0 = performance.now();
  checks.active = active;
  while (st.updates === before) await frame();  // Bokeh may run the callback later
  await frame(); await frame();
  return performance.now() - t0;
}"""


def synthetic(n_rows: int, *, points: bool, seed: int = 15):
    rng = np.random.default_rng(seed)
    ox, oy = rng.uniform(0, 40_000, n_rows), rng.uniform(0, 30_000, n_rows)
    sx, sy = rng.uniform(0, 40_000, N_SITES), rng.uniform(0, 30_000, N_SITES)
    metres = np.hypot(ox[:, None] - sx[None, :], oy[:, None] - sy[None, :])
    minutes = metres * rng.uniform(1.15, 1.6, metres.shape) / (4.8 / 3.6) / 60.0
    minutes[rng.random(minutes.shape) < 0.01] = np.nan
    ids = [f"R{i:06d}" for i in range(n_rows)]
    sites = [f"S{j:03d}" for j in range(N_SITES)]
    tt = ga.TravelTimes.from_frame(pd.DataFrame(minutes, index=ids, columns=sites),
                                   mode="walk")
    if points:
        geom = gpd.points_from_xy(X0 + ox, Y0 + oy)
    else:  # a grid of squares, one per area, in the order of the random origins
        side = int(np.ceil(np.sqrt(n_rows)))
        cell = 40_000 / side
        geom = [box(X0 + (i % side) * cell, Y0 + (i // side) * cell,
                    X0 + (i % side + 1) * cell, Y0 + (i // side + 1) * cell)
                for i in range(n_rows)]
    areas = gpd.GeoDataFrame({"area_id": ids,
                              "children_0_4": rng.poisson(12, n_rows).astype(float),
                              "imd_decile": rng.integers(1, 11, n_rows)},
                             geometry=geom, crs="EPSG:27700")
    site_frame = gpd.GeoDataFrame({"site_id": sites, "name": [f"Site {s}" for s in sites],
                                   "kind": ["hub"] * 10 + ["centre"] * 90},
                                  geometry=gpd.points_from_xy(X0 + sx, Y0 + sy),
                                  crs="EPSG:27700")
    scenarios = [ga.Scenario("All open", {s: "centre" for s in sites}),
                 ga.Scenario("Keep 50", {s: "centre" for s in sites[:50]})]
    return tt, areas, site_frame, scenarios, rng


def run_case(b, name: str, n_rows: int, *, points: bool, folder: Path) -> dict:
    log(f"{name}: building the synthetic matrix")
    tt, areas, sites, scenarios, rng = synthetic(n_rows, points=points)
    path = folder / f"{name}.html"
    t0 = time.perf_counter()
    write_explorer(tt, areas, scenarios, path, sites=sites, population="children_0_4",
                   tiles=None)
    write_s = time.perf_counter() - t0
    size_mb = path.stat().st_size / 1e6
    log(f"{name}: written in {write_s:.1f} s, {size_mb:.1f} MB")
    masks = []
    for _ in range(REPEATS + 5):
        k = int(rng.integers(20, N_SITES + 1))
        masks.append(set(rng.choice(N_SITES, size=k, replace=False).tolist()))
    bits = ["".join("1" if j in m else "0" for j in range(N_SITES)) for m in masks]
    with offline_page(b) as p:
        t0 = time.perf_counter()
        p.open(path, timeout_ms=300_000)
        p.page.locator("div.ga[data-open]").wait_for(timeout=300_000)
        p.wait_bokeh(timeout_ms=300_000)
        open_s = time.perf_counter() - t0
        log(f"{name}: opened in {open_s:.1f} s")
        # check against evaluate before timing anything
        _, totals = p.page.evaluate(SCORE_JS, bits[:5])
        for m, (within15, mean) in zip(masks[:5], totals, strict=True):
            cfg = ga.Scenario("cfg", {tt.site_ids[j]: "centre" for j in sorted(m)})
            s = ga.evaluate(tt, areas, cfg, population="children_0_4").summary.iloc[0]
            if not (within15 == s["population_within_15"]
                    and abs(mean - s["mean_minutes"]) <= 1e-6 * s["mean_minutes"]):
                raise SystemExit(f"{name}: the page disagrees with evaluate: "
                                 f"{within15}, {mean} vs {s['population_within_15']}, "
                                 f"{s['mean_minutes']}")
        times, _ = p.page.evaluate(SCORE_JS, bits[5:])
        updates = [p.page.evaluate(UPDATE_JS, sorted(m)) for m in masks[5:]]
        assert not p.outside and not p.errors, (p.outside[:3], p.errors[:3])
    ev = []
    for m in masks[5:10]:
        cfg = ga.Scenario("cfg", {tt.site_ids[j]: "centre" for j in sorted(m)})
        t0 = time.perf_counter()
        ga.compare(ga.evaluate(tt, areas, [scenarios[0], cfg], population="children_0_4"))
        ev.append((time.perf_counter() - t0) * 1000)
    out = {"name": name, "rows": n_rows, "sites": N_SITES,
           "geometry": "points" if points else "polygons",
           "times_stored": int(np.isfinite(tt.values).sum()),
           "file_mb": round(size_mb, 2), "write_s": round(write_s, 2),
           "open_s": round(open_s, 2),
           "recompute_ms": round(statistics.median(times), 2),
           "recompute_ms_max": round(max(times), 2),
           "update_ms": round(statistics.median(updates), 1),
           "update_ms_max": round(max(updates), 1),
           "evaluate_ms": round(statistics.median(ev), 1),
           "checked_against_evaluate": 5}
    log(f"{name}: {out}")
    return out


def write_results(cases: list[dict], env: dict, quick: bool) -> None:
    env["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    data = {"benchmark": "explorer", "mode": "quick" if quick else "full", **env,
            "cases": cases}
    (HERE / "explorer_results.json").write_text(json.dumps(json_safe(data), indent=2) + "\n")
    m = env["machine"]
    lines = [
        "# Consultation explorer in the browser (issue 15)",
        "",
        (f"Run {env['date']} ({data['mode']}) with `python -m benchmarks.bench_explorer`, "
        f"on {m['cpu']} ({m['cores']} cores), load average {m['load_average_at_start']} at "
        f"the start and {m['load_average_at_end']} at the end; Chromium (Debian) driven by "
        "Playwright, headless, software rendering. Synthetic county: see the script's "
        "docstring. The page's numbers were checked against `geoaccess.evaluate` for 5 "
        "configurations per case before timing."),
        "",
        ("| case | rows × sites | times stored | file MB | write s | open s | recompute ms "
        "(median / max) | tick to redrawn ms (median / max) | evaluate+compare ms |"),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in cases:
        lines.append(
            f"| {c['name']} ({c['geometry']}) | {c['rows']:,} × {c['sites']} | "
            f"{c['times_stored']:,} | {c['file_mb']} | {c['write_s']} | {c['open_s']} | "
            f"{c['recompute_ms']} / {c['recompute_ms_max']} | {c['update_ms']} / "
            f"{c['update_ms_max']} | {c['evaluate_ms']} |")
    lines += [
        "",
        ("- *recompute*: scoring one configuration in the browser (nearest open site of "
         "every row from the embedded matrix, totals, gains and losses, the table by "
         "decile); median of 20 random configurations opening 20-100 of the 100 sites."),
        ("- *tick to redrawn*: the tick boxes set to a new configuration until two "
         "animation frames after the page recomputed: recompute, summary, table, map "
         "colours and site markers."),
        "- *evaluate+compare*: the same configuration scored in Python, for scale.",
        ("- *open*: from loading the file to the first numbers and map drawn (decoding the "
         "embedded matrix included)."),
        "",
    ]
    (HERE / "explorer_results.md").write_text("\n".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the 500-area case only")
    args = ap.parse_args()
    why = chromium_missing()
    if why:
        raise SystemExit(why)
    env = environment()
    cases = []
    with tempfile.TemporaryDirectory() as d, browser() as b:
        cases.append(run_case(b, "500 areas", 500, points=False, folder=Path(d)))
        if not args.quick:
            cases.append(run_case(b, "50,000 home origins", 50_000, points=True,
                                  folder=Path(d)))
    write_results(cases, env, args.quick)
    log(f"wrote {HERE / 'explorer_results.md'}")


if __name__ == "__main__":
    main()
