"""The bundled Rutland demo: networks, matrices and a scenario comparison, end to end.

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
from .matrix import TravelTimes
from .network import Network
from .origins import build_origins
from .scenario import Scenario
from .travel import travel_times

__all__ = ["DATA_SOURCES", "STANDARD", "demo_scenarios", "load_demo", "run_demo"]

log = logging.getLogger(__name__)

POPULATION = ["children_0_4", "children_5_15"]


#: The demo's access standard over two modes, as in ``examples/rutland.yaml``.
STANDARD = "any site within 15 minutes on foot or 5 by car"


def load_demo(modes: tuple[str, ...] = ("walk", "drive"), *, progress: bool = False
              ) -> dict[str, Any]:
    """Load the Rutland demo: sites, areas, home-level origins, networks and matrices.

    Journeys start at homes (:func:`geoaccess.build_origins`: OSM buildings, and a 100 m
    grid on residential land the mapped buildings do not cover), each area's children
    spread over its homes; a second matrix per mode starts from one point per area (the
    medoid of its homes), for the side-by-side comparison the report shows.

    Parameters
    ----------
    modes : tuple of str
        Travel modes to build.
    progress : bool
        Show progress bars.

    Returns
    -------
    dict
        ``sites``, ``areas``, ``origins``, ``networks`` (mode → Network), ``travel_times``
        (mode → TravelTimes from the homes), ``area_travel_times`` (mode → TravelTimes from
        one point per area) and ``build_seconds`` (mode → seconds to build the network).

    Examples
    --------
    >>> demo = load_demo(("walk",))
    >>> tt = demo["travel_times"]["walk"]
    >>> len(tt.area_ids), len(tt.site_ids), len(tt.row_ids) > 1000
    (26, 36, True)
    """
    osm = datasets.get_path("rutland-osm")
    sites = read_sites(datasets.get_path("rutland-sites"))
    areas = read_areas(datasets.get_path("rutland-lsoa"), population=POPULATION)
    origins = build_origins(areas, osm=osm, population=POPULATION)
    areas = set_origins(areas, origins)
    networks: dict[str, Network] = {}
    matrices: dict[str, TravelTimes] = {}
    per_area: dict[str, TravelTimes] = {}
    build: dict[str, float] = {}
    for mode in modes:
        start = time.perf_counter()
        networks[mode] = Network.from_osm_file(osm, mode=mode)
        build[mode] = time.perf_counter() - start
        matrices[mode] = travel_times(networks[mode], sites, origins, progress=progress)
        per_area[mode] = travel_times(networks[mode], sites, areas, progress=progress)
    return {"sites": sites, "areas": areas, "origins": origins, "networks": networks,
            "travel_times": matrices, "area_travel_times": per_area, "build_seconds": build}


def _summary(demo: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for mode, tt in demo.get("area_travel_times", demo["travel_times"]).items():
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


#: The illustrative "keep 18 of 36" proposal: the 4 libraries (hubs), the 4 nurseries
#: (outreach) and the community centres of 10 larger villages; 18 village halls close.
KEEP_18 = ("S01", "S02", "S03", "S04", "S07", "S09", "S13", "S16", "S17", "S22", "S23",
           "S26", "S31", "S32", "S33", "S34", "S35", "S36")
#: The illustrative "4 hubs + outreach" proposal: the 4 libraries as hubs; the 4 nurseries
#: and 4 village community centres as outreach sites; everything else closes.
HUBS = ("S01", "S02", "S03", "S04")
OUTREACH = ("S33", "S34", "S35", "S36", "S07", "S13", "S17", "S31")

#: Sources and licences of the demo data, for the report.
DATA_SOURCES = (
    {"name": "LSOA boundaries (December 2021, generalised)",
     "source": "Office for National Statistics (via the geographr R package)",
     "licence": "Open Government Licence v3.0",
     "attribution": "Source: Office for National Statistics; contains OS data © Crown "
                    "copyright and database right"},
    {"name": "Children aged 0-4 and 5-15 (mid-2020 estimates)",
     "source": "Office for National Statistics", "licence": "Open Government Licence v3.0",
     "attribution": "Source: Office for National Statistics"},
    {"name": "English Indices of Deprivation 2025",
     "source": "Ministry of Housing, Communities and Local Government",
     "licence": "Open Government Licence v3.0", "attribution": "MHCLG"},
    {"name": "Census 2021 ethnicity and disability shares",
     "source": "Office for National Statistics", "licence": "Open Government Licence v3.0",
     "attribution": "Source: Office for National Statistics"},
    {"name": "Candidate sites (ILLUSTRATIVE: kinds and capacities are assumptions)",
     "source": "OpenStreetMap venues (libraries, community centres, kindergartens)",
     "licence": "Open Database Licence (ODbL) 1.0",
     "attribution": "© OpenStreetMap contributors"},
)

#: Credits printed on the demo's maps after "© OpenStreetMap contributors".
CREDITS = ("Boundaries and population: ONS, OGL v3.0; contains OS data © Crown copyright",)


def demo_scenarios(sites: pd.DataFrame) -> list[Scenario]:
    """The three illustrative scenarios of the Rutland demo.

    - **Current**: all 36 bundled sites open, each in the role of its kind (4 library
      hubs, 28 community-centre centres, 4 nursery outreach sites);
    - **Keep 18 of 36**: half close, as Leicestershire went from 36 to 18 centres: the
      libraries, the nurseries and the community centres of ten larger villages stay;
    - **4 hubs + 8 outreach**: a hub-and-spoke model (as Wakefield's and
      Wolverhampton's locality hubs): the four libraries as hubs, the four nurseries and
      four village community centres as outreach sites.

    These are illustrations, not proposals of any council.

    Parameters
    ----------
    sites : pandas.DataFrame
        The bundled sites (:func:`load_demo`).

    Returns
    -------
    list of Scenario

    Examples
    --------
    >>> import geoaccess as ga
    >>> sites = ga.read_sites(ga.datasets.get_path("rutland-sites"))
    >>> [s.describe() for s in demo_scenarios(sites)]  # doctest: +NORMALIZE_WHITESPACE
    ['36 open sites: 4 hub, 28 centre, 4 outreach',
     '18 open sites: 4 hub, 10 centre, 4 outreach',
     '12 open sites: 4 hub, 8 outreach']
    """
    current = Scenario.from_sites(sites, "Current",
                                  description="all 36 candidate venues open, each in the "
                                              "role of its kind (illustrative)")
    keep = Scenario.from_site_ids(
        "Keep 18 of 36", KEEP_18, sites=sites,
        description="libraries, nurseries and the community centres of ten larger villages "
                    "stay open; 18 village halls close (illustrative)")
    roles = {s: "hub" for s in HUBS} | {s: "outreach" for s in OUTREACH}
    base = Scenario.from_site_ids("4 hubs + 8 outreach", list(roles), sites=sites)
    hubs = Scenario("4 hubs + 8 outreach", roles, capacity=base.capacity,
                    sessions_per_week=base.sessions_per_week,
                    description="the four libraries as hubs; four nurseries and four village "
                                "community centres as outreach sites; every other venue "
                                "closes (illustrative)")
    return [current, keep, hubs]


def run_demo(out: str | os.PathLike[str] = "out", *, progress: bool = True,
             demo: dict[str, Any] | None = None, maps: tuple[str, ...] = ("png", "pdf"),
             dpi: int = 200, screenshots: bool = True) -> dict[str, Path]:
    """Run the Rutland demo and write its outputs to a folder.

    Builds the walk and drive networks and matrices, evaluates the three
    :func:`demo_scenarios` and compares them with the current network by walking, then
    writes (atomically, see :func:`geoaccess.pipeline.write_outputs`):

    - ``travel_times_walk.parquet``, ``travel_times_drive.parquet``: the matrices;
    - ``networks.csv``: network sizes, build times and nearest-site minutes per mode;
    - ``scenarios.csv``: the scenarios as a table (the format ``read_scenarios`` reads);
    - ``scenario_summary.csv`` (both modes), ``scenario_areas.csv``, ``change_areas.csv``,
      ``results.xlsx``, ``eia_tables.xlsx`` and ``eia_tables/*.csv``;
    - ``maps/``: minutes per scenario on one scale, before/after and change maps per
      proposal, service areas, the equality chart and the cumulative curve;
    - ``eia_tables_standard.xlsx``: the standard :data:`STANDARD` over walking and
      driving as one measure (also a section of the report);
    - ``report.html`` (self-contained), ``map.html`` (interactive) and ``explorer.html``
      (the consultation explorer), each opening offline;
    - ``screenshots/``: the three pages as a reader without a network sees them (when
      Chromium and Playwright are installed).

    Parameters
    ----------
    out : path-like
        Output folder (created if needed).
    progress : bool
        Show progress bars.
    demo : dict, optional
        A loaded demo (:func:`load_demo`), to skip rebuilding the networks.
    maps : tuple of str
        Map formats (``"png"``, ``"svg"``, ``"pdf"``).
    dpi : int
        Resolution of raster maps.
    screenshots : bool
        Write screenshots of the report, the map and the explorer.

    Returns
    -------
    dict
        Name → path of every file written.
    """
    from .pipeline import write_outputs

    if demo is None:
        demo = load_demo(("walk", "drive"), progress=progress)
    sites = demo["sites"]
    written = write_outputs(
        out, sites=sites, areas=demo["areas"], matrices=demo["travel_times"],
        networks=demo["networks"], scenarios=demo_scenarios(sites), baseline="Current",
        population="children_0_4", title="Access to children's centres in Rutland "
                                         "(illustrative scenarios)",
        place="Rutland", service="a centre", credits=CREDITS, data_sources=DATA_SOURCES,
        extra_tables={"networks": _summary(demo)}, maps=maps, dpi=dpi, progress=progress,
        screenshots=screenshots, one_point_matrices=demo.get("area_travel_times"),
        context=datasets.get_path("rutland-osm"), population_year="mid-2020",
        standard={"standard": STANDARD} if {"walk", "drive"} <= set(demo["travel_times"])
        else None)
    return written
