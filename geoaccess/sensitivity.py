"""How robust is a finding? Rerun the headline figures under other origins and speeds.

:func:`sensitivity` recomputes the travel-time matrix and the summary of every scenario
under each way of placing demand (homes, a grid, one point per area...) and each walking
speed (slower and faster than the 4.8 km/h of the DfT Journey Time Statistics, and a
parent pushing a pushchair, who avoids steps), and returns one tidy table, so an
assessor can say whether a finding holds whatever reasonable choice was made.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from . import settings
from .errors import InputError
from .evaluate import evaluate
from .measures import as_thresholds, threshold_label
from .network import Network
from .origins import METHODS, build_origins
from .scenario import Scenario
from .travel import travel_times

__all__ = ["origin_comparison", "sensitivity"]

log = logging.getLogger(__name__)

#: Columns of the summary kept for each variant (besides the threshold shares).
_HEADLINE = ("population", "population_unreachable", "mean_minutes", "median_minutes",
             "p90_minutes")


def _at_speed(network: Network, speed_kmh: float) -> Network:
    """The walking network with every arc at ``speed_kmh`` (walking has one speed)."""
    base = float(network.provenance.get("speeds_kmh", {}).get(network.mode, 0.0) or 0.0)
    if not base > 0:
        raise InputError(f"sensitivity: the {network.mode} network does not record its speed "
                         "(provenance['speeds_kmh']); build it with Network.from_osm_file",
                         column="network")
    provenance = dict(network.provenance)
    provenance["speeds_kmh"] = {**provenance.get("speeds_kmh", {}),
                                network.mode: float(speed_kmh)}
    provenance["rescaled_from_kmh"] = base
    return Network(network.indptr, network.indices, network.seconds * (base / speed_kmh),
                   network.x, network.y, network.osmid, crs=network.crs, mode=network.mode,
                   provenance=provenance)


def sensitivity(
    sites: Any,
    areas: Any,
    scenarios: Scenario | Iterable[Scenario] | Mapping[str, Scenario],
    *,
    osm: str | os.PathLike[str] | None = None,
    network: Network | None = None,
    population: str | None = None,
    thresholds: Sequence[float] | float = (15, 30),
    methods: Sequence[str] = ("auto", "buildings", "grid", "centroid"),
    reference_method: str = "auto",
    speeds_kmh: Sequence[float] = (4.0, 4.8, 5.6),
    pushchair: bool = True,
    points: Any = None,
    points_weight: str | None = None,
    grid_m: float = 100.0,
    max_minutes: float | None = None,
) -> pd.DataFrame:
    """Headline figures of each scenario under other origin methods and walking speeds.

    The reference is ``reference_method`` origins (:func:`geoaccess.build_origins`) on
    the walking network at :data:`geoaccess.settings.walk_speed_kmh`. Then, one factor
    at a time: each other origin method at the reference speed; each other walking
    speed with the reference origins (walking has one speed, so a speed scales every
    arc and the access legs); and, with ``pushchair``, the pushchair network (no
    steps) at :data:`geoaccess.settings.pushchair_speed_kmh`, built from ``osm``.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Sites from :func:`geoaccess.read_sites`.
    areas : geopandas.GeoDataFrame
        Areas from :func:`geoaccess.read_areas`, with the population column.
    scenarios : Scenario, list of Scenario or dict
        Configurations to score.
    osm : path-like, optional
        OSM file: buildings and land use for the origins, and the networks. Needed
        unless ``network`` is given, every method is ``"centroid"``/``"points"`` and
        ``pushchair`` is False.
    network : Network, optional
        The walking network at the reference speed (default: built from ``osm``).
    population : str, optional
        Population column (default: the first of ``areas.attrs["population"]``).
    thresholds : sequence of float
        Minutes (default 15 and 30).
    methods : sequence of str
        Origin methods to compare (see :func:`geoaccess.build_origins`).
    reference_method : str
        Origin method of the reference and of the speed variants.
    speeds_kmh : sequence of float
        Walking speeds to try (the reference speed may be among them).
    pushchair : bool
        Add the pushchair network.
    points, points_weight, grid_m
        Passed to :func:`geoaccess.build_origins`.
    max_minutes : float, optional
        Search limit of the matrices.

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per variant and scenario: ``factor`` (``"reference"``,
        ``"origins"``, ``"speed"`` or ``"pushchair"``), ``variant`` (a label),
        ``origin_method``, ``mode``, ``speed_kmh``, ``scenario``, ``population``,
        ``population_unreachable``, ``mean_minutes``, ``median_minutes``,
        ``p90_minutes`` and ``share_within_<t>`` per threshold, as in
        :attr:`Result.summary <geoaccess.Result>`.

    Raises
    ------
    InputError
        An unknown method, a speed that is not positive, no ``osm`` where one is needed.

    Examples
    --------
    >>> import geoaccess as ga
    >>> osm = ga.datasets.get_path("rutland-osm")
    >>> sites = ga.read_sites(ga.datasets.get_path("rutland-sites"))
    >>> areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    >>> table = ga.sensitivity(sites, areas, ga.Scenario("All", {"S01": "hub", "S13": "centre"}),
    ...                        osm=osm, methods=["auto", "centroid"], speeds_kmh=[4.0],
    ...                        pushchair=False)
    >>> table[["factor", "variant"]].to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'factor': ['reference', 'origins', 'speed'],
     'variant': ['auto origins, walking 4.8 km/h', 'centroid origins, walking 4.8 km/h',
                 'auto origins, walking 4 km/h']}
    """
    unknown = [m for m in [*methods, reference_method] if m not in METHODS]
    if unknown:
        raise InputError(f"sensitivity: unknown origin methods {unknown}; use {list(METHODS)}",
                         column="methods")
    bad = [s for s in speeds_kmh if not float(s) > 0]
    if bad:
        raise InputError(f"sensitivity: speeds must be positive km/h, got {bad}",
                         column="speeds_kmh")
    thresholds = as_thresholds(thresholds, param="thresholds")  # checked before any build
    if network is None:
        if osm is None:
            raise InputError("sensitivity: give osm= (or network=) to build the walking "
                             "network", column="osm")
        network = Network.from_osm_file(osm, mode="walk")
    if network.mode != "walk":
        raise InputError(f"sensitivity: network must be a walking network, got mode "
                         f"{network.mode!r}", column="network")
    walk_kmh = float(network.provenance.get("speeds_kmh", {}).get("walk",
                                                                  settings.walk_speed_kmh))
    built: dict[str, Any] = {}

    def origins_for(method: str) -> Any:
        if method not in built:
            built[method] = build_origins(areas, osm=osm, points=points, method=method,
                                          grid_m=grid_m, points_weight=points_weight)
        return built[method]

    variants: list[tuple[str, str, Network, float]] = [("reference", reference_method,
                                                        network, walk_kmh)]
    variants += [("origins", m, network, walk_kmh) for m in methods if m != reference_method]
    variants += [("speed", reference_method, _at_speed(network, float(s)), float(s))
                 for s in speeds_kmh if float(s) != walk_kmh]
    if pushchair:
        if osm is None:
            raise InputError("sensitivity: pushchair=True needs osm= to build the pushchair "
                             "network (it leaves out steps)", column="osm")
        variants.append(("pushchair", reference_method,
                         Network.from_osm_file(osm, mode="pushchair"),
                         float(settings.pushchair_speed_kmh)))
    frames = []
    for factor, method, net, speed in variants:
        tt = travel_times(net, sites, origins_for(method), max_minutes=max_minutes,
                          access_speed_kmh=speed, progress=False)
        summary = evaluate(tt, areas, scenarios, population=population,
                           thresholds=thresholds).summary
        shares = [c for c in summary.columns if c.startswith("share_within_")]
        mode_word = "walking" if net.mode == "walk" else "pushing a pushchair"
        frame = summary[["scenario", *_HEADLINE, *shares]].copy()
        frame.insert(0, "speed_kmh", speed)
        frame.insert(0, "mode", net.mode)
        frame.insert(0, "origin_method", method)
        frame.insert(0, "variant", f"{method} origins, {mode_word} {speed:g} km/h")
        frame.insert(0, "factor", factor)
        frames.append(frame)
        log.info("sensitivity: %s, %s origins at %g km/h done", net.mode, method, speed)
    return pd.concat(frames, ignore_index=True)


def origin_comparison(by_homes: Any, by_area: Any, *, material_pp: float = 5.0,
                      population_words: str = "children") -> pd.DataFrame:
    """The headline shares under home-level origins and under one point per area, side by side.

    Parameters
    ----------
    by_homes, by_area : Result
        :func:`geoaccess.evaluate` of the same scenarios and thresholds over a matrix of
        many origins per area (:func:`geoaccess.build_origins`) and over one point per area.
    material_pp : float
        A difference of at least this many percentage points is called material, and the
        row's sentence says so in plain words.
    population_words : str
        What the population is, for the sentences ("children aged 0–4").

    Returns
    -------
    pandas.DataFrame
        One row per scenario and threshold: ``scenario``, ``threshold_minutes``,
        ``share_homes``, ``share_one_point`` (0–1), ``difference_pp`` and ``sentence``.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> areas = pd.DataFrame({"area_id": ["A", "B"], "kids": [10.0, 10.0]})
    >>> now = ga.Scenario("Now", {"S1": "hub"})
    >>> one = ga.evaluate(ga.TravelTimes.from_frame(pd.DataFrame({"S1": [12.0, 40.0]},
    ...     index=["A", "B"])), areas, now, population="kids", thresholds=[15])
    >>> same = origin_comparison(one, one)
    >>> same[["scenario", "share_homes", "difference_pp"]].to_dict("records")
    [{'scenario': 'Now', 'share_homes': 0.5, 'difference_pp': 0.0}]
    """
    a, b = by_homes.summary.set_index("scenario"), by_area.summary.set_index("scenario")
    rows = []
    for scenario in a.index:
        if scenario not in b.index:
            continue
        for t in by_homes.thresholds:
            col = f"share_within_{threshold_label(t)}"
            if col not in a.columns or col not in b.columns:
                continue
            h, p = float(a.loc[scenario, col]), float(b.loc[scenario, col])
            within = f"within {threshold_label(t)} minutes"
            diff = (h - p) * 100.0
            if abs(diff) >= material_pp:
                sentence = (f"Under {scenario!s}, {h:.0%} of {population_words} live {within} "
                            "when journeys start from their homes, but "
                            f"{p:.0%} when each area is treated as one point: the choice of "
                            "starting points changes this figure materially, and the figure "
                            "from homes is the better estimate.")
            else:
                sentence = (f"Under {scenario!s}, {h:.0%} of {population_words} live {within} "
                            f"of their homes ({p:.0%} with one point per area): the choice of "
                            "starting points makes little difference.")
            rows.append({"scenario": scenario, "threshold_minutes": float(t),
                         "share_homes": round(h, 4), "share_one_point": round(p, 4),
                         "difference_pp": round(diff, 1), "sentence": sentence})
    return pd.DataFrame(rows, columns=["scenario", "threshold_minutes", "share_homes",
                                       "share_one_point", "difference_pp", "sentence"])
