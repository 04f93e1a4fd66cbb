"""Import time of geoaccess: the lazy package root against the eager root it replaced.

    python -m benchmarks.bench_import [--repeats 7] [--reference REV]

Each measurement is a fresh interpreter (``python -c ...``) timed from the outside, so it
counts everything an import costs. Three cases, each the median of ``--repeats`` runs:

- ``import geoaccess`` (the lazy root: no submodule is loaded);
- scoring a saved matrix (``TravelTimes.load`` + ``evaluate``), the path of a worker that only
  scores, with the heavy modules it loaded;
- ``import geoaccess`` at the eager reference revision (default ``559fc37``, the last commit
  before the lazy root), checked out into a temporary worktree and imported from there.

Writes ``benchmarks/import_results.json`` and ``.md`` with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HEAVY = ("networkx", "matplotlib", "numba", "scipy", "geopandas", "pyproj", "osmnx")

_SCORE = """
import sys, tempfile, pandas as pd, geoaccess as ga
tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 30.0], "S2": [9.0, 3.0]},
                                            index=["E1", "E2"]))
d = tempfile.mkdtemp(); tt.save(d + "/m.parquet"); tt = ga.TravelTimes.load(d + "/m.parquet")
areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0]})
ga.evaluate(tt, areas, ga.Scenario("Now", {"S1": "hub"}), population="kids")
print(",".join(m for m in HEAVY if m in sys.modules))
""".replace("HEAVY", repr(HEAVY))

_WHERE = "import geoaccess; print(geoaccess.__file__)"


def _time(code: str, path: Path, repeats: int) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(path)}
    times, out = [], ""
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=path, capture_output=True,
                              text=True, check=True)
        times.append(time.perf_counter() - t0)
        out = proc.stdout.strip()
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--reference", default="559fc37")
    args = parser.parse_args(argv)
    load0 = os.getloadavg()
    baseline, _ = _time("pass", ROOT, args.repeats)
    lazy, _ = _time(_WHERE, ROOT, args.repeats)
    score, loaded = _time(_SCORE, ROOT, args.repeats)
    cases = [
        {"name": "python -c pass (interpreter start)", "seconds": baseline},
        {"name": "import geoaccess (lazy root)", "seconds": lazy},
        {"name": "load a saved matrix and evaluate a scenario", "seconds": score,
         "heavy_modules_loaded": loaded.split(",") if loaded else []},
    ]
    with tempfile.TemporaryDirectory() as d:
        wt = Path(d) / "ref"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt),
                        args.reference], check=True, capture_output=True)
        try:
            eager, where = _time(_WHERE, wt, args.repeats)
            assert where.startswith(str(wt)), f"imported {where}, not the reference"
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(wt)],
                           check=False, capture_output=True)
    cases.append({"name": f"import geoaccess (eager root at {args.reference})",
                  "seconds": eager})
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_before": load0, "load_after": os.getloadavg()},
        "date": time.strftime("%Y-%m-%d"), "repeats": args.repeats, "cases": cases,
        "speed_up_of_import": eager / lazy if lazy else None,
    }
    (HERE / "import_results.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# Import time", "",
             (f"Median of {args.repeats} fresh interpreters each; {os.cpu_count()} CPUs; load "
              f"average {load0[0]:.2f} before, {result['machine']['load_after'][0]:.2f} after."),
             "",
             "| case | seconds | heavy modules loaded |", "|---|---|---|"]
    for c in cases:
        heavy = ", ".join(c.get("heavy_modules_loaded", [])) or "–"
        lines.append(f"| {c['name']} | {c['seconds']:.3f} | {heavy} |")
    lines += ["", (f"The lazy root imports {result['speed_up_of_import']:.1f}× faster than the "
                   "eager one (both include the interpreter's own start, first row).")]
    (HERE / "import_results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return result


if __name__ == "__main__":
    main()
