"""The bundled Rutland demo: networks, matrices and a first comparison, end to end.

Run it with ``geoaccess demo --out DIR`` or :func:`run_demo`.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import pandas as pd

from . import datasets
from .io import read_areas, read_sites, set_origins
from .network import Network
from .origins import residential_origins
from .travel import TravelTimes, travel_times

__all__ = ["load_demo", "run_demo"]

log = logging.getLogger(__name__)

POPULATION = ["children_0_4", "children_5_15"]


def load_demo(modes: tuple[str, ...] = ("walk", "drive"), *, progress: bool = False
              ) -> dict[str, Any]:
    """Load the Rutland demo: sites, areas (with residential origins), networks, matrices.

    Parameters
    ----------
    modes : tuple of str
        Travel modes to build.
    progress : bool
        Show progress bars.

    Returns
    -------
    dict
        ``sites``, ``areas``, ``networks`` (mode → Network), ``travel_times``
        (mode → TravelTimes) and ``build_seconds`` (mode → seconds to build the network).

    Examples
    --------
    >>> demo = load_demo(("walk",))
    >>> demo["travel_times"]["walk"].minutes.shape
    (26, 36)
    """
    osm = datasets.get_path("rutland-osm")
    sites = read_sites(datasets.get_path("rutland-sites"))
    areas = read_areas(datasets.get_path("rutland-lsoa"), population=POPULATION)
    areas = set_origins(areas, residential_origins(areas, osm))
    networks: dict[str, Network] = {}
    matrices: dict[str, TravelTimes] = {}
    build: dict[str, float] = {}
    for mode in modes:
        start = time.perf_counter()
        networks[mode] = Network.from_osm_file(osm, mode=mode)
        build[mode] = time.perf_counter() - start
        matrices[mode] = travel_times(networks[mode], sites, areas, progress=progress)
    return {"sites": sites, "areas": areas, "networks": networks, "travel_times": matrices,
            "build_seconds": build}


def _summary(demo: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for mode, tt in demo["travel_times"].items():
        nearest = tt.minutes.min(axis=1)
        net = demo["networks"][mode]
        rows.append({
            "mode": mode,
            "areas": len(nearest),
            "areas_reachable": int(nearest.notna().sum()),
            "median_minutes_to_nearest_site": round(float(nearest.median()), 2),
            "max_minutes_to_nearest_site": round(float(nearest.max()), 2),
            "network_nodes": net.n_nodes,
            "network_arcs": net.n_arcs,
            "nodes_outside_main_component": net.provenance["nodes_outside_main_component"],
            "network_build_seconds": round(demo["build_seconds"][mode], 2),
        })
    return pd.DataFrame(rows)


def run_demo(out: str | os.PathLike[str] = "out", *, progress: bool = True) -> dict[str, Path]:
    """Run the Rutland demo and write its outputs to a folder.

    Parameters
    ----------
    out : path-like
        Output folder (created if needed).
    progress : bool
        Show progress bars.

    Returns
    -------
    dict
        Name → path of every file written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    demo = load_demo(("walk", "drive"), progress=progress)
    written: dict[str, Path] = {}
    for mode, tt in demo["travel_times"].items():
        written[f"matrix_{mode}"] = tt.save(out / f"travel_times_{mode}.parquet")
    summary = _summary(demo)
    path = out / "summary.csv"
    summary.to_csv(path, index=False)
    written["summary"] = path
    try:
        from .demo_scenarios import write_scenario_outputs
    except ImportError:  # scenario tools not available in this build
        write_scenario_outputs = None
    if write_scenario_outputs is not None:
        written.update(write_scenario_outputs(demo, out))
    return written
