"""Public transport benchmark: Porto Alegre, every hexagon to every healthcare hexagon.

    python -m benchmarks.bench_transit                      # 07:00-08:00 and 14:00-15:00
    python -m benchmarks.bench_transit --window 07:00 08:00 --repeats 3

Input: r5r's Porto Alegre sample (OSM walk network ~37.9k nodes, EPTC bus and Trensurb
rail GTFS, 1,227 H3 hexagons; the 141 healthcare facilities lie in 117 hexagons). Every
hexagon to each of the 117 healthcare hexagons, every departure minute of the window,
median minutes (max walk 20 min per leg, 3 transfers, 2 h trips, 60 s boarding slack:
the defaults of ``transit_travel_times``).

Note on the windows: the EPTC bus feed in this sample only has trips between 11:00 and
17:50, so 07:00-08:00 routes on rail and walking alone (the issue's benchmark window);
14:00-15:00 (the hour r5r's vignettes use) exercises the full bus network.

Reported per window: time to read the feeds and build the walking network (once),
the first call (includes loading or compiling the numba kernels), the median of the
repeated calls split into preparation (timetable, snapping, walking legs) and routing
(range RAPTOR), peak resident memory, and the share of people within 30/45/60 minutes
of healthcare by public transport against walking only. Results go to stdout and
``benchmarks/results_transit.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "data" / "porto-alegre"
BUNDLED = HERE.parent / "data"


def _data(name: str) -> Path:
    for folder in (SHARED, BUNDLED):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{name} not found in {SHARED} or {BUNDLED}")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> dict:
    import geoaccess as ga
    from geoaccess import transit
    from geoaccess._kernels import raptor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", nargs=2, action="append", metavar=("START", "END"),
                        help="departure window (repeatable); default 07:00-08:00 and "
                             "14:00-15:00")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "results_transit.json"))
    args = parser.parse_args(argv)
    windows = args.window or [["07:00", "08:00"], ["14:00", "15:00"]]

    t0 = time.perf_counter()
    net = ga.Network.from_osm_file(_data("poa_osm.pbf"), mode="walk")
    t_net = time.perf_counter() - t0
    t0 = time.perf_counter()
    feeds = [ga.read_gtfs(_data("poa_eptc.zip")), ga.read_gtfs(_data("poa_trensurb.zip"))]
    t_feeds = time.perf_counter() - t0
    hexes = pd.read_csv(_data("poa_hexgrid.csv"))
    areas = ga.read_areas(hexes, id_column="id", lat="lat", lon="lon", population="population")
    health = hexes[hexes["healthcare"] > 0]
    sites = ga.read_sites(health, id_column="id", lat="lat", lon="lon", name_column="id")
    walk = ga.travel_times(net, sites, areas, max_minutes=120, progress=False)
    pop = areas.set_index("area_id")["population"]

    def shares(tt) -> dict[str, float]:
        nearest = tt.minutes.min(axis=1)
        return {f"within_{m}": round(float(pop[nearest <= m].sum() / pop.sum()), 4)
                for m in (30, 45, 60)}

    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "engine": raptor.ENGINE,
                    "numba_threads": _numba_threads()},
        "input": {"areas": len(areas), "sites": len(sites),
                  "healthcare_facilities": int(health["healthcare"].sum()),
                  "walk_nodes": net.n_nodes, "date": "2019-05-13"},
        "walk_network_s": round(t_net, 2), "read_feeds_s": round(t_feeds, 2),
        "walking_only": shares(walk), "windows": [],
    }
    print(f"walk network {t_net:.2f} s, feeds {t_feeds:.2f} s; "
          f"{len(areas)} areas x {len(sites)} sites; engine {raptor.ENGINE}")
    for start, end in windows:
        kw = {"date": "2019-05-13", "departure_window": (start, end), "percentiles": 50,
              "progress": False}
        t0 = time.perf_counter()
        tt = ga.transit_travel_times(net, feeds, sites, areas, **kw)
        first = time.perf_counter() - t0
        deps = transit._window((start, end), 1)
        prep_t, run_t, total_t = [], [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            prep = transit._prepare(net, feeds, sites, areas, date="2019-05-13", deps=deps,
                                    max_walk_s=1200.0, max_trip_s=7200.0, max_snap_m=500.0,
                                    access_kmh=4.8)
            t1 = time.perf_counter()
            transit._run(prep, percentiles=[50.0], max_rides=4, slack_s=60.0)
            t2 = time.perf_counter()
            prep_t.append(t1 - t0)
            run_t.append(t2 - t1)
            t0 = time.perf_counter()
            ga.transit_travel_times(net, feeds, sites, areas, **kw)
            total_t.append(time.perf_counter() - t0)
        row = {
            "window": f"{start}-{end}", "departures": int(len(deps)),
            "trips": int(tt.provenance["trips"]), "stops": int(tt.provenance["stops_used"]),
            "first_call_s": round(first, 2),
            "median_total_s": round(statistics.median(total_t), 2),
            "median_prepare_s": round(statistics.median(prep_t), 2),
            "median_raptor_s": round(statistics.median(run_t), 2),
            "all_total_s": [round(x, 2) for x in total_t],
            "peak_rss_mb": round(_peak_rss_mb(), 0),
            "missing_pairs": int(tt.minutes.isna().to_numpy().sum()),
            "transit": shares(tt),
        }
        result["windows"].append(row)
        print(f"{row['window']}: {row['departures']} departures, {row['trips']} trips, "
              f"{row['stops']} stops | first call {row['first_call_s']} s, median "
              f"{row['median_total_s']} s (prepare {row['median_prepare_s']} s + RAPTOR "
              f"{row['median_raptor_s']} s), peak RSS {row['peak_rss_mb']:.0f} MB | "
              f"share within 30/45/60 min: transit {list(row['transit'].values())}, walk "
              f"{list(result['walking_only'].values())}")
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return result


def _numba_threads() -> int | None:
    try:
        import numba

        return int(numba.get_num_threads())
    except ImportError:
        return None


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
