"""Benchmark: keep 18 of 36 sites, exactly, against spopt with its default solver.

Cases (issue 8): the p-median (shortest children-weighted mean journey) and the maximal
covering problem (most children within the threshold), keeping 18 of 36 sites, at 1,000
and 5,000 areas. Seeded synthetic matrices stand in for real ones: areas and sites
scattered over a 40 km square, minutes = straight-line distance × 1.3 detour at
4.8 km/h (walking), children per area drawn from a gamma distribution (mean 100).

For each case, in one process:

- geoaccess: the public call (``ga.p_median`` / ``ga.max_coverage`` with
  ``method="exact"``), from the matrix to a proven optimum (HiGHS status optimal, gap
  0) and its per-area tables; the median of ``--repeats`` runs (coverage without the
  tie-break solve, which spopt does not do; with it in a separate column);
- spopt (the reference): ``PMedian`` / ``MCLP.from_cost_matrix`` then ``.solve`` with
  PuLP's default solver (CBC), timed once: building the model and solving it;
- the check: both objective values agree (relative difference below 1e-6), else the
  case fails;
- the heuristic (greedy + Teitz-Bart interchange): its time and its gap to the optimum.

The spopt comparison uses matrices without missing pairs (spopt has no notion of "no
route"); geoaccess is also timed on the same matrices with 1% of pairs missing (NaN), as
real walking matrices have. Further geoaccess-only rows: p-center and set cover at the
same sizes, the p-median at England's 33,755 LSOAs, and a full trade-off (p = 8..36).

Run ``python -m benchmarks.bench_optimise`` (``--quick``: 1,000 areas only, and spopt
only where it takes seconds). Writes ``benchmarks/optimise_results.json`` and
``optimise_results.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import geoaccess as ga
from geoaccess.optimise.milp import relative_gap

HERE = Path(__file__).resolve().parent
N_SITES = 36
KEEP = 18
THRESHOLD = 30.0               # minutes: the coverage threshold
TARGET_SECONDS = 5.0           # proven optimum at 1,000 areas within this
TARGET_RATIO = 10.0            # at least this many times faster than spopt


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def synthetic(n_areas: int, *, seed: int = 42, nan_share: float = 0.0
              ) -> tuple[ga.TravelTimes, pd.DataFrame]:
    """A seeded walking matrix (areas × 36 sites) and an areas table with children."""
    rng = np.random.default_rng(seed)
    areas_xy = rng.uniform(0, 40_000, (n_areas, 2))
    sites_xy = rng.uniform(0, 40_000, (N_SITES, 2))
    metres = np.hypot(areas_xy[:, None, 0] - sites_xy[None, :, 0],
                      areas_xy[:, None, 1] - sites_xy[None, :, 1])
    minutes = metres * 1.3 / (4.8 / 3.6) / 60.0
    children = np.round(rng.gamma(2.0, 50.0, n_areas))
    if nan_share:
        minutes[rng.random(minutes.shape) < nan_share] = np.nan
    ids = [f"E{i:05d}" for i in range(n_areas)]
    frame = pd.DataFrame(minutes, index=ids, columns=[f"S{j:02d}" for j in range(N_SITES)])
    areas = pd.DataFrame({"area_id": ids, "children": children})
    return ga.TravelTimes.from_frame(frame), areas


def median_run(fn, repeats: int) -> tuple[float, list[float], Any]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, out


def spopt_solve(problem: str, tt: ga.TravelTimes, areas: pd.DataFrame
                ) -> tuple[float, float, float]:
    """spopt with PuLP's default solver: (objective, build seconds, solve seconds)."""
    import pulp
    from spopt.locate import MCLP, PMedian

    D = tt.values
    w = areas["children"].to_numpy(np.float64)
    solver = pulp.LpSolverDefault
    solver.msg = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # PuLP 3.3 warns about its 4.0 API on every var
        t0 = time.perf_counter()
        if problem == "p_median":
            model = PMedian.from_cost_matrix(D, w, p_facilities=KEEP)
        else:
            model = MCLP.from_cost_matrix(D, w, service_radius=THRESHOLD,
                                          p_facilities=KEEP)
        t1 = time.perf_counter()
        model = model.solve(solver)
        t2 = time.perf_counter()
    status = pulp.LpStatus[model.problem.status]
    if status != "Optimal":
        raise RuntimeError(f"spopt {problem}: status {status}")
    return float(model.problem.objective.value()), t1 - t0, t2 - t1


def solve_case(problem: str, tt: ga.TravelTimes, areas: pd.DataFrame, repeats: int
               ) -> tuple[float, list[float], ga.optimise.Solution]:
    if problem == "p_median":
        return median_run(lambda: ga.p_median(tt, areas, p=KEEP, population="children",
                                              method="exact"), repeats)
    return median_run(lambda: ga.max_coverage(
        tt, areas, p=KEEP, threshold_minutes=THRESHOLD, population="children",
        method="exact", tie_break=False), repeats)


def objective_of(problem: str, sol: ga.optimise.Solution, areas: pd.DataFrame) -> float:
    """The solution's objective in spopt's units (population-minutes for the p-median)."""
    if problem == "p_median":
        return sol.objective * float(areas["children"].sum())
    return sol.objective


def head_to_head(n: int, problem: str, *, repeats: int, with_spopt: bool) -> dict[str, Any]:
    tt, areas = synthetic(n)
    name = {"p_median": "p-median", "max_coverage": f"max coverage ({THRESHOLD:g} min)"}
    case: dict[str, Any] = {
        "name": f"keep {KEEP} of {N_SITES}: {name[problem]}", "case": "optimise",
        "problem": problem, "size": n, "reference": "spopt (PuLP default solver, CBC)"}
    ga.p_median(tt.subset(areas=list(tt.area_ids[:50])), areas.iloc[:50], p=3,
                population="children")                 # warm imports
    secs, times, sol = solve_case(problem, tt, areas, repeats)
    if sol.status != "optimal":
        raise RuntimeError(f"{case['name']} at {n}: geoaccess status {sol.status}")
    ours = objective_of(problem, sol, areas)
    case.update({"geoaccess_s": secs, "geoaccess_runs_s": times, "status": sol.status,
                 "gap": sol.gap, "objective": ours,
                 "solver_s": sum(s.get("seconds", 0.0) for s in sol.details["stages"]),
                 "model": sol.details["model"]})
    if problem == "max_coverage":
        tb_secs, _, tb = median_run(lambda: ga.max_coverage(
            tt, areas, p=KEEP, threshold_minutes=THRESHOLD, population="children",
            method="exact"), repeats)
        case["geoaccess_with_tie_break_s"] = tb_secs
        case["tie_break_mean_minutes"] = tb.summary["mean_minutes"]
    # heuristic and its gap to the proven optimum
    h_secs, _, heur = median_run(lambda: (
        ga.p_median(tt, areas, p=KEEP, population="children", method="heuristic")
        if problem == "p_median" else
        ga.max_coverage(tt, areas, p=KEEP, threshold_minutes=THRESHOLD,
                        population="children", method="heuristic")), repeats)
    case["heuristic_s"] = h_secs
    case["heuristic_gap"] = relative_gap(heur.objective, sol.objective)
    # the same with 1% of pairs missing
    tt_nan, areas_nan = synthetic(n, nan_share=0.01)
    nan_secs, _, nan_sol = solve_case(problem, tt_nan, areas_nan, repeats)
    case["geoaccess_nan_s"] = nan_secs
    case["nan_status"] = nan_sol.status
    if with_spopt:
        log(f"  spopt {problem} at {n:,} areas ...")
        ref, build_s, solve_s = spopt_solve(problem, tt, areas)
        rel = abs(ref - ours) / max(abs(ref), 1e-12)
        case.update({"reference_s": build_s + solve_s, "reference_build_s": build_s,
                     "reference_solve_s": solve_s, "reference_objective": ref,
                     "ratio": (build_s + solve_s) / secs,
                     "check": {"what": "objective equal to spopt's", "relative_diff": rel,
                               "passed": rel < 1e-6}})
        if rel >= 1e-6:
            raise RuntimeError(f"{case['name']} at {n}: objective {ours} but spopt {ref}")
        case["target_ratio"] = TARGET_RATIO
        met = case["ratio"] >= TARGET_RATIO
        if n == 1_000:
            met = met and secs <= TARGET_SECONDS
            case["target"] = f"optimal <= {TARGET_SECONDS:g} s and >= {TARGET_RATIO:g}x"
        case["met"] = met
    else:
        case.update({"reference_s": None, "ratio": None,
                     "skipped_reference": "spopt not run in --quick mode at this size"})
    log(f"  {case['name']} at {n:,}: geoaccess {secs:.3f} s, spopt "
        f"{case['reference_s'] if case['reference_s'] is None else round(case['reference_s'], 2)}"
        f" s, heuristic gap {case['heuristic_gap']:.3%}")
    return case


def extra_cases(sizes: list[int], repeats: int, *, england: bool) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        tt, areas = synthetic(n, nan_share=0.01)
        w = areas["children"].to_numpy(np.float64)
        # an equity rule that binds: the mean minutes of the largest areas (a stand-in
        # group) held halfway between its value at the optimum and the best it could get
        big = pd.Series(w > 150, index=tt.area_ids)
        mask = big.to_numpy()

        def group_mean(sol: Any, mask: np.ndarray = mask, w: np.ndarray = w) -> float:
            m = sol.areas["minutes"].to_numpy()
            return float((w[mask] * m[mask]).sum() / w[mask].sum())

        free = ga.p_median(tt, areas, p=KEEP, population="children")
        best = ga.p_median(tt, areas.assign(children=np.where(mask, w, 0.0)), p=KEEP,
                           population="children")
        cap = (group_mean(free) + group_mean(best)) / 2
        plan = [("p_center", ga.p_center, {"p": KEEP}),
                ("set_cover (60 min)", ga.set_cover, {"threshold_minutes": 60.0}),
                ("p_median + equity cap", ga.p_median,
                 {"p": KEEP, "equity": ga.Equity(group=big, max_mean_minutes=cap)})]
        for problem, fn, kw in plan:
            def call(fn: Any = fn, kw: dict[str, Any] = kw, tt: Any = tt,
                     areas: Any = areas) -> Any:
                return fn(tt, areas, population="children", method="exact", **kw)

            secs, _, sol = median_run(call, repeats)
            rows.append({"name": f"{problem} (1% pairs missing)", "case": "optimise",
                         "problem": problem, "size": n, "geoaccess_s": secs,
                         "status": sol.status, "gap": sol.gap, "objective": sol.objective,
                         "reference": None, "reference_s": None, "ratio": None})
            log(f"  {problem} at {n:,}: {secs:.3f} s ({sol.status})")
        t0 = time.perf_counter()
        frame = ga.trade_off(tt, areas, p_values=range(8, 37), threshold_minutes=THRESHOLD,
                             population="children")
        secs = time.perf_counter() - t0
        rows.append({"name": "trade-off p = 8..36, both problems (58 solves)",
                     "case": "optimise", "problem": "trade_off", "size": n,
                     "geoaccess_s": secs,
                     "status": "all optimal" if (frame["status"] == "optimal").all()
                     else "; ".join(sorted(set(frame["status"]))),
                     "reference": None, "reference_s": None, "ratio": None})
        log(f"  trade-off at {n:,}: {secs:.2f} s")
    if england:
        n = 33_755
        tt, areas = synthetic(n, nan_share=0.01)
        secs, _, sol = median_run(lambda: ga.p_median(tt, areas, p=KEEP, population="children",
                                                      method="exact"), 1)
        rows.append({"name": "p-median, England's LSOA count (1% missing)",
                     "case": "optimise", "problem": "p_median", "size": n,
                     "geoaccess_s": secs, "status": sol.status, "gap": sol.gap,
                     "model": sol.details["model"], "reference": None,
                     "reference_s": None, "ratio": None})
        log(f"  p-median at {n:,}: {secs:.2f} s ({sol.status})")
    return rows


def cases(quick: bool = False, repeats: int = 3) -> list[dict[str, Any]]:
    """Every case, as dicts in the shape of ``benchmarks.run`` results."""
    sizes = [1_000] if quick else [1_000, 5_000]
    out = []
    for n in sizes:
        for problem in ("p_median", "max_coverage"):
            # spopt's p-median at 5,000 areas takes minutes: only in full mode
            with_spopt = not quick or n <= 1_000
            out.append(head_to_head(n, problem, repeats=repeats, with_spopt=with_spopt))
    out += extra_cases(sizes, repeats, england=not quick)
    return out


def _fmt(x: Any, unit: str = " s") -> str:
    if not isinstance(x, (int, float)) or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.3g}{unit}" if x < 100 else f"{x:,.0f}{unit}"


def markdown(results: dict[str, Any]) -> str:
    env = results["environment"]
    m, v = env["machine"], env["versions"]
    lines = [
        "# geoaccess.optimise benchmark",
        "",
        (f"{env['date']}, {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB; load average "
         f"{m['load_average_at_start']} at start). Python {v['python']}, numpy {v['numpy']}, "
         f"scipy {v['scipy']} (HiGHS), spopt {results.get('spopt_version')}, PuLP "
         f"{results.get('pulp_version')} (CBC). Written by `python -m "
         f"benchmarks.bench_optimise{' --quick' if results['mode'] == 'quick' else ''}` in "
         f"{results['total_seconds']:.0f} s."),
        "",
        (f"Keep {KEEP} of {N_SITES} sites; synthetic walking matrices (seeded), children per "
         f"area ~ gamma(2, 50). Times are wall-clock from the matrix to a proven optimum "
         f"(geoaccess: median of {results['repeats']} runs of the public function; spopt: "
         "one run, building the PuLP model and solving it). Ratio = spopt / geoaccess. "
         "Objective values agree (relative difference < 1e-6) in every row with spopt."),
        "",
        ("| case | areas | geoaccess | spopt (build + solve) | ratio | same objective | "
         "target | met | heuristic (gap) | geoaccess, 1% pairs missing |"),
        "|---|---:|---:|---:|---:|:-:|---|:-:|---:|---:|",
    ]
    for c in results["cases"]:
        if c.get("reference") is None:
            continue
        ref = (f"{_fmt(c['reference_s'])} ({_fmt(c['reference_build_s'])} + "
               f"{_fmt(c['reference_solve_s'])})" if c.get("reference_s") is not None
               else "not run (--quick)")
        ratio = f"{c['ratio']:,.0f}x" if isinstance(c.get("ratio"), (int, float)) else "–"
        same = {True: "yes", False: "**no**"}.get((c.get("check") or {}).get("passed"), "–")
        met = {True: "yes", False: "**no**"}.get(c.get("met"), "")
        target = c.get("target") or (f">= {c['target_ratio']:g}x" if c.get("target_ratio")
                                     else "")
        lines.append(
            f"| {c['name']} | {c['size']:,} | {_fmt(c['geoaccess_s'])} | {ref} | {ratio} | "
            f"{same} | {target} | {met} | {_fmt(c['heuristic_s'])} "
            f"({c['heuristic_gap']:.2%}) | {_fmt(c['geoaccess_nan_s'])} |")
    cov = [c for c in results["cases"] if c.get("geoaccess_with_tie_break_s") is not None]
    if cov:
        lines += ["", ("Coverage with the default tie-break (a second solve choosing the "
                       "shortest mean journey among the equally good answers):"), ""]
        for c in cov:
            lines.append(f"- {c['size']:,} areas: {_fmt(c['geoaccess_with_tie_break_s'])}")
    lines += ["", "geoaccess only (1% of pairs missing):", "",
              "| case | areas | time | status |", "|---|---:|---:|---|"]
    for c in results["cases"]:
        if c.get("reference") is None:
            lines.append(f"| {c['name']} | {c['size']:,} | {_fmt(c['geoaccess_s'])} | "
                         f"{c.get('status', '')} |")
    lines += ["", "Model sizes (geoaccess, after merging areas that share nearest sites):", ""]
    for c in results["cases"]:
        if c.get("model"):
            md = c["model"]
            lazy = (f"; radius rows added lazily, {md['rounds']} round(s): the size is the "
                    "last round's" if md.get("rounds", 1) > 1 or c["size"] > 20_000 else "")
            lines.append(f"- {c['name']}, {c['size']:,} areas: {md['rows']:,} rows, "
                         f"{md['columns']:,} columns, {md['nonzeros']:,} nonzeros, "
                         f"{md['nodes']} branch-and-bound node(s){lazy}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_optimise",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 areas only")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "optimise_results.json")
    args = parser.parse_args(argv)
    import pulp
    import spopt

    from ._util import environment, json_safe

    t0 = time.perf_counter()
    results: dict[str, Any] = {"mode": "quick" if args.quick else "full",
                               "environment": environment(), "repeats": args.repeats,
                               "spopt_version": getattr(spopt, "__version__", "?"),
                               "pulp_version": getattr(pulp, "__version__", "?")}
    results["cases"] = cases(quick=args.quick, repeats=args.repeats)
    results["total_seconds"] = time.perf_counter() - t0
    args.out.write_text(json.dumps(json_safe(results), indent=2) + "\n")
    md = markdown(results)
    args.out.with_suffix(".md").write_text(md)
    print(md)
    failed = [c["name"] for c in results["cases"] if c.get("met") is False]
    if failed:
        log(f"targets not met: {failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
