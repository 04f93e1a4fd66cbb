"""Which sites to keep: location-allocation on the precomputed travel-time matrix.

Councils publish one proposal ("keep 18 of our 36 centres"); this module finds the best
achievable configuration under the same rules, so the proposal can be judged against it.
Every function works on the :class:`~geoaccess.TravelTimes` matrix already computed (no
new shortest-path search) and returns a :class:`Solution` whose ``.scenario`` goes
straight into :func:`geoaccess.evaluate` and :func:`geoaccess.compare`.

=======================================  ==================================================
question                                 function
=======================================  ==================================================
keep *p* sites, shortest mean journey    :func:`p_median` (population-weighted minutes)
keep *p* sites, most people within *T*   :func:`max_coverage`
fewest sites with everyone within *T*    :func:`set_cover` (reports who cannot be covered)
keep *p* sites, best worst case          :func:`p_center`
how good can it get, site by site        :func:`trade_off`, :func:`geoaccess.plot_trade_off`
efficiency against equity                :func:`equity_frontier`, :func:`geoaccess.plot_frontier`
the proposal against the best            :func:`proposal_vs_best`
=======================================  ==================================================

Rules every function accepts (keywords): ``must_keep`` / ``must_close`` site ids,
``candidates`` (the sites that may be chosen), ``zones`` with ``min_per_zone`` /
``max_per_zone`` (e.g. one hub per locality), ``capacity`` (assignment within each
site's capacity) and ``equity`` (an :class:`Equity` constraint on a group of areas, e.g.
the most deprived areas' share within 15 minutes at least everyone else's).

How it is solved
----------------
Exactly, as a mixed-integer programme solved by HiGHS through
:func:`scipy.optimize.milp`, with a time limit and the optimality gap reported. The
uncapacitated models use a compact "radius" formulation in which areas sharing the
same nearest sites share rows, so 5,000 areas × 36 sites solve in well under a second
(see ``benchmarks/bench_optimise.py``). A fast heuristic (greedy construction followed by
Teitz-Bart vertex interchange) runs first with ``method="auto"``: its answer is kept if
the exact solver runs out of time, with the gap to the solver's proven bound.

Conventions
-----------
- A pair with no time (NaN) can never be assigned. Areas with no time to any candidate
  site cannot be served whatever is chosen: they are left out of the objective and
  listed in :attr:`Solution.not_served` with the reason, never dropped.
- Every open site serves every area (roles are ignored when choosing); the chosen sites
  take the role of their ``kind`` when ``sites`` is passed, else ``role``.
- Weights are the population column (default: the areas' first population column,
  ``areas.attrs["population"]``); without one every area counts 1.
- "Within *T* minutes" means ``<= T``, as in :mod:`geoaccess.measures`.

Examples
--------
Four areas, three candidate sites; keep 2 minimising children-weighted minutes::

           S1   S2   S3   children
    E1      2   10    9        100
    E2      9    3    8        100
    E3      8    9    1         10
    E4      7    8    9        100

Keeping S1 and S2 gives 100×2 + 100×3 + 10×8 + 100×7 = 1,280 child-minutes; S1+S3
gives 200 + 800 + 10 + 700 = 1,710; S2+S3 gives 900 + 300 + 10 + 800 = 2,010. So S1 and
S2, a mean of 1,280 / 310 = 4.13 minutes.

>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [2.0, 9, 8, 7], "S2": [10.0, 3, 9, 8], "S3": [9.0, 8, 1, 9]},
...     index=["E1", "E2", "E3", "E4"]))
>>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3", "E4"],
...                       "children": [100.0, 100, 10, 100]})
>>> best = ga.p_median(tt, areas, p=2, population="children")
>>> best.scenario.open_sites, round(best.objective, 2), best.status
(['S1', 'S2'], 4.13, 'optimal')
>>> ga.evaluate(tt, areas, best.scenario, population="children").summary.loc[
...     0, "mean_minutes"].round(2)
np.float64(4.13)
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _milp, settings
from ._validate import (
    area_ids,
    check_population_column,
    check_population_values,
    show_ids,
    values_by_area,
)
from .errors import GeoaccessError, InputError
from .matrix import TravelTimes
from .measures import summarise_minutes, threshold_label
from .scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "Equity",
    "InfeasibleError",
    "ProposalGap",
    "Solution",
    "equity_frontier",
    "max_coverage",
    "p_center",
    "p_median",
    "proposal_vs_best",
    "set_cover",
    "trade_off",
]

log = logging.getLogger(__name__)

#: Ways of solving: ``"auto"`` (heuristic, then HiGHS; the better answer with the
#: solver's bound), ``"exact"`` (HiGHS only) and ``"heuristic"`` (greedy + interchange).
METHODS = ("auto", "exact", "heuristic")

#: Largest number of nonzeros the radius formulation is built with at once; beyond it the
#: levels are added lazily (each area's rows up to its nearest open site in the current
#: answer, extended until the answer is consistent).
_RADIUS_BUDGET = 4_000_000

SOLVER = "HiGHS (scipy.optimize.milp)"

#: Seconds at most for a tie-break solve (see ``tie_break``), or ``time_limit`` if less.
_TIE_BREAK_SECONDS = 10.0


class InfeasibleError(InputError):
    """The rules cannot all hold at once (e.g. more must-keep sites than ``p``).

    The message names the rules in conflict and how to relax them.
    """


# ============================================================================= equity
@dataclass(frozen=True)
class Equity:
    """A constraint on how one group of areas fares, added to an optimisation.

    Give ``threshold_minutes`` for a constraint on the group's share of people within
    that many minutes (at least everyone else's share plus ``margin``, or at least
    ``min_share``), and/or ``max_mean_minutes`` for a cap on the group's
    population-weighted mean minutes.

    Parameters
    ----------
    group : str, Series, iterable of area ids, or None
        The areas in the group: a boolean column of the areas table, a boolean Series
        (indexed by ``area_id`` or like the areas table), or a list of area ids. Default:
        the most deprived areas, chosen as :mod:`geoaccess.equality` does (national IMD
        deciles 1-2 where some areas are in them, else the most deprived deciles
        present; needs ``imd_decile``).
    threshold_minutes : float, optional
        The threshold of the share constraint.
    min_share : float, optional
        The group's share within ``threshold_minutes`` must be at least this (0-1)
        instead of at least everyone else's.
    margin : float
        With ``min_share`` unset: group share >= others' share + ``margin`` (default 0;
        e.g. -0.05 allows the group to be up to 5 points behind).
    max_mean_minutes : float, optional
        The group's population-weighted mean minutes (over its areas that some
        candidate reaches) must be at most this.

    Shares are of the group's whole population (people with no time count as not
    within, as in :func:`geoaccess.measures.population_within`). With capacities,
    "within" counts the people assigned to a site within the threshold, so a relative
    constraint could be met by serving everyone else less: prefer ``min_share`` there.

    Examples
    --------
    >>> print(Equity(threshold_minutes=15).describe())
    most deprived areas: share within 15 min >= everyone else's
    >>> Equity(group="rural", max_mean_minutes=20).describe()
    'rural: mean minutes <= 20'
    """

    group: Any = None
    threshold_minutes: float | None = None
    min_share: float | None = None
    margin: float = 0.0
    max_mean_minutes: float | None = None

    def __post_init__(self) -> None:
        if self.threshold_minutes is None and self.max_mean_minutes is None:
            raise InputError("Equity: give threshold_minutes (a share constraint) and/or "
                             "max_mean_minutes (a cap on the group's mean minutes)")
        if self.threshold_minutes is not None and not float(self.threshold_minutes) > 0:
            raise InputError(f"Equity: threshold_minutes must be > 0, got "
                             f"{self.threshold_minutes}")
        if self.min_share is not None and not 0 <= float(self.min_share) <= 1:
            raise InputError(f"Equity: min_share must lie in 0..1, got {self.min_share}")
        if self.min_share is not None and self.threshold_minutes is None:
            raise InputError("Equity: min_share needs threshold_minutes")
        if self.max_mean_minutes is not None and not float(self.max_mean_minutes) > 0:
            raise InputError(f"Equity: max_mean_minutes must be > 0, got "
                             f"{self.max_mean_minutes}")

    @property
    def group_label(self) -> str:
        """A short name of the group for messages and tables."""
        if self.group is None:
            return "most deprived areas"
        if isinstance(self.group, str):
            return self.group
        name = getattr(self.group, "name", None)
        return str(name) if name else "group"

    def describe(self, label: str | None = None) -> str:
        """The constraint in words (``label`` names the group; default :attr:`group_label`)."""
        parts = []
        if self.threshold_minutes is not None:
            t = threshold_label(self.threshold_minutes)
            if self.min_share is not None:
                parts.append(f"share within {t} min >= {self.min_share:.0%}")
            elif self.margin:
                parts.append(f"share within {t} min >= everyone else's "
                             f"{self.margin:+.0%}")
            else:
                parts.append(f"share within {t} min >= everyone else's")
        if self.max_mean_minutes is not None:
            parts.append(f"mean minutes <= {self.max_mean_minutes:g}")
        return f"{label or self.group_label}: " + " and ".join(parts)


# ============================================================================= solution
@dataclass(eq=False)
class Solution:
    """The answer of an optimisation: the chosen sites as a Scenario, and how sure it is.

    Attributes
    ----------
    scenario : Scenario
        The chosen sites (roles from the sites' kinds, else ``role``); pass it to
        :func:`geoaccess.evaluate`. Its ``description`` states the problem and status.
    problem : str
        ``"p_median"``, ``"max_coverage"``, ``"set_cover"`` or ``"p_center"``.
    objective : float
        The value optimised, in the units named by ``objective_name``:
        population-weighted mean minutes (p-median), population within the threshold
        (coverage), number of sites (set cover) or the worst minutes of any area with
        people (p-center).
    objective_name : str
        ``"mean_minutes"``, ``"population_within_<T>"``, ``"sites"`` or ``"max_minutes"``.
    bound : float
        The best value any choice could reach, as proven by the solver (NaN when only
        the heuristic ran).
    gap : float
        ``|objective - bound| / |objective|``: 0 when proven optimal (to ``mip_rel_gap``),
        NaN when unknown (heuristic only).
    status : str
        ``"optimal"``, ``"time_limit"`` (a solution, not proven optimal: see ``gap``) or
        ``"heuristic"`` (no proof attempted).
    method : str
        ``"exact"``, ``"heuristic"`` or ``"exact+heuristic"`` (the heuristic's answer
        was kept because the solver ran out of time with a worse one).
    seconds : float
        Wall-clock time of the whole optimisation.
    areas : pandas.DataFrame
        Index ``area_id``, every input area in input order: ``site_id`` (the open site
        serving it: the nearest, or under capacities the one serving most of it),
        ``minutes`` (to that site; under capacities the population-weighted mean of the
        sites serving it), the population column, ``within_<T>`` for threshold problems
        (bool; under capacities the share of the area served within *T*), and
        ``reason`` (why ``minutes`` is missing).
    sites : pandas.DataFrame
        Index ``site_id``, one row per open site: ``role``, ``areas`` and ``population``
        served, and with capacities ``capacity`` and ``utilisation`` (population /
        capacity).
    not_served : pandas.DataFrame
        Areas the optimisation could not serve whatever it chose (no time to any
        candidate; for set cover and p-center, no candidate within the threshold), with
        ``population``, ``best_minutes`` (to the nearest candidate) and ``reason``.
    summary : pandas.Series
        Population-weighted summary of the chosen configuration
        (:func:`geoaccess.measures.summarise_minutes`).
    allocation : pandas.DataFrame or None
        With capacities: one row per area and site serving it (``area_id``,
        ``site_id``, ``share``, ``population``, ``minutes``).
    details : dict
        Solver details: model size, nodes, time limit, heuristic objective and its gap
        to the exact answer, the stages run.
    """

    scenario: Scenario
    problem: str
    objective: float
    objective_name: str
    bound: float
    gap: float
    status: str
    method: str
    seconds: float
    areas: pd.DataFrame
    sites: pd.DataFrame
    not_served: pd.DataFrame
    summary: pd.Series
    allocation: pd.DataFrame | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def open_sites(self) -> list[str]:
        """Ids of the chosen sites."""
        return self.scenario.open_sites

    @property
    def proven_optimal(self) -> bool:
        """True if the solver proved the answer optimal (within ``mip_rel_gap``)."""
        return self.status == "optimal"

    def __repr__(self) -> str:
        gap = "" if math.isnan(self.gap) else f", gap {self.gap:.2%}"
        return (f"Solution({self.problem}: {len(self.open_sites)} sites, "
                f"{self.objective_name}={_fmt_value(self.objective)}, {self.status}{gap}, "
                f"{self.seconds:.2f} s)")


def _fmt_value(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


# ============================================================================= inputs
@dataclass
class _Instance:
    """A validated optimisation instance: arrays over the areas and candidate sites."""

    tt: TravelTimes
    area_ids: pd.Index            # every input area, input order
    w: np.ndarray                 # weights (population)
    pop_name: str | None
    D: np.ndarray                 # minutes, areas × candidates, inf = no time
    cand: list[str]               # candidate site ids (matrix order)
    keep: np.ndarray              # must-keep mask over candidates
    zones: _milp.Zones
    zone_names: list[str]
    capacity: np.ndarray | None
    area_reason: np.ndarray       # reason per area for having no time to any candidate
    table: pd.DataFrame | None    # areas indexed by area_id (attributes)
    sites: pd.DataFrame | None
    role: str | None
    settings: dict[str, Any]

    @property
    def reach(self) -> np.ndarray:
        return np.isfinite(self.D).any(axis=1)

    @property
    def m(self) -> int:
        return len(self.cand)


def _ids(values: Any, what: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, (str, bytes)):
        return [str(values)]
    if isinstance(values, Scenario):
        return values.open_sites
    try:
        return [str(v) for v in values]
    except TypeError as exc:
        raise InputError(f"{what}: expected a list of site ids, got {type(values).__name__}"
                         ) from exc


def _travel(tt: Any) -> TravelTimes:
    if isinstance(tt, TravelTimes):
        return tt
    if isinstance(tt, pd.DataFrame):
        return TravelTimes.from_frame(tt)
    raise InputError(f"expected a TravelTimes (geoaccess.travel_times) or a DataFrame of "
                     f"minutes, got {type(tt).__name__}")


def _weights(areas: Any, tt: TravelTimes, population: Any
             ) -> tuple[pd.Index, np.ndarray, str | None, pd.DataFrame | None]:
    """Area universe (ids in input order), weights, population name and attribute table."""
    if areas is None:
        ids = pd.Index(tt.area_ids.astype(str), name="area_id")
        table = None
    else:
        ids = area_ids(areas)
        table = pd.DataFrame(areas.drop(columns=getattr(areas, "_geometry_column_name", None)
                                        or [], errors="ignore"))
        table.index = ids
    name: str | None
    if isinstance(population, pd.Series):
        values = values_by_area(population, ids)
        name = str(population.name) if population.name is not None else "population"
    else:
        if population is None:
            listed = list(areas.attrs.get("population", []) or []) if areas is not None else []
            if not listed:
                log.info("no population column: every area counts 1")
                return ids, np.ones(len(ids)), None, table
            population = str(listed[0])
            log.info("weighting by population column %r (areas.attrs['population'])",
                     population)
        if table is None:
            raise InputError(f"population={population!r} names a column, but no areas "
                             "table was given")
        check_population_column(table, population)
        values = pd.to_numeric(table[population], errors="coerce").to_numpy(np.float64)
        name = str(population)
    check_population_values(values, ids, what=f"population {name!r}", column=name)
    return ids, values, name, table


def _prepare(tt: Any, areas: Any, *, population: Any, must_keep: Any, must_close: Any,
             candidates: Any, sites: Any, role: str | None, zones: Any,
             min_per_zone: Any, max_per_zone: Any, capacity: Any, capacity_scale: float,
             ) -> _Instance:
    t = _travel(tt)
    ids, w, pop_name, table = _weights(areas, t, population)
    site_ids = [str(s) for s in t.site_ids]
    known = set(site_ids)
    keep_ids, close_ids = _ids(must_keep, "must_keep"), _ids(must_close, "must_close")
    cand_given = None if candidates is None else _ids(candidates, "candidates")
    for what, lst in (("must_keep", keep_ids), ("must_close", close_ids),
                      ("candidates", cand_given or [])):
        unknown = [s for s in lst if s not in known]
        if unknown:
            raise InputError(f"{what}: site ids not in the travel-time matrix "
                             f"{show_ids(unknown)}; sites are {show_ids(site_ids)}",
                             column="site_id", rows=unknown)
    both = sorted(set(keep_ids) & set(close_ids))
    if both:
        raise InputError(f"sites both in must_keep and must_close {show_ids(both)}",
                         column="site_id", rows=both)
    chosen = set(site_ids if cand_given is None else cand_given)
    extra = [s for s in keep_ids if s not in chosen]
    if extra:
        log.info("must-keep sites %s added to the candidates", extra)
    chosen |= set(keep_ids)
    chosen -= set(close_ids)
    cand = [s for s in site_ids if s in chosen]
    if not cand:
        raise InfeasibleError("no candidate sites left (after must_close and candidates)")
    if sites is not None:
        if not isinstance(sites, pd.DataFrame) or "site_id" not in sites.columns:
            raise InputError("sites: expected the sites table (geoaccess.read_sites) with a "
                             "'site_id' column", column="site_id")
        listed = set(sites["site_id"].astype(str))
        missing = [s for s in cand if s not in listed]
        if missing:
            raise InputError(f"sites: candidate sites of the matrix are missing from the "
                             f"sites table {show_ids(missing)}; pass candidates= to leave "
                             "them out", column="site_id", rows=missing)
    M = t.minutes.copy()
    M.index = M.index.astype(str)
    M.columns = M.columns.astype(str)
    in_matrix = M.index.get_indexer(ids) >= 0      # (hash lookups: fast on string dtype)
    D = M.reindex(index=ids, columns=cand).to_numpy(np.float64)
    D = np.where(np.isnan(D), np.inf, D)
    keep = np.isin(np.array(cand, dtype=object), keep_ids)
    # why an area has no time to any candidate
    reach = np.isfinite(D).any(axis=1)
    reason = np.full(len(ids), None, dtype=object)
    area_series = t.area_reason.copy()
    area_series.index = area_series.index.astype(str)
    area_r = area_series.reindex(ids).to_numpy(dtype=object)
    for i in np.nonzero(~reach)[0]:
        if not in_matrix[i]:
            reason[i] = "area not in the travel-time matrix"
        elif isinstance(area_r[i], str) and area_r[i]:
            reason[i] = area_r[i]
        else:
            reason[i] = f"no time to any candidate site ({t.pair_reason})"
    zone_obj, zone_names = _zones(zones, cand, sites, areas, min_per_zone, max_per_zone)
    cap = _capacity(capacity, cand, sites, capacity_scale)
    settings_used = {"candidates": len(cand), "must_keep": sorted(keep_ids),
                     "must_close": sorted(close_ids)}
    return _Instance(t, ids, w, pop_name, D, cand, keep, zone_obj, zone_names, cap, reason,
                     table, sites, role, settings_used)


def _zones(zones: Any, cand: list[str], sites: Any, areas: Any, min_per_zone: Any,
           max_per_zone: Any) -> tuple[_milp.Zones, list[str]]:
    m = len(cand)
    if zones is None:
        return _milp.Zones.none(m), []
    zone_of: dict[str, Any]
    required: list[Any] = []
    if isinstance(zones, (Mapping, pd.Series)):
        items = zones.items()
        zone_of = {str(k): v for k, v in items if not pd.isna(v)}
    elif isinstance(zones, str):
        if isinstance(sites, pd.DataFrame) and zones in sites.columns:
            zone_of = {str(s): v for s, v in zip(sites["site_id"], sites[zones], strict=True)
                       if not pd.isna(v)}
        elif isinstance(areas, pd.DataFrame) and zones in areas.columns:
            zone_of = _site_zones_from_areas(zones, sites, areas)
            required = [v for v in pd.unique(areas[zones]) if not pd.isna(v)]
        else:
            where = ["sites"] if sites is not None else []
            where += ["areas"] if areas is not None else []
            places = " or ".join(where) or "the inputs (pass sites= or areas=)"
            raise InputError(f"zones={zones!r}: no such column in {places}", column=zones)
    else:
        raise InputError(f"zones: expected a column name or a mapping site_id -> zone, got "
                         f"{type(zones).__name__}")
    names: list[Any] = list(required)
    for s in cand:
        z = zone_of.get(s)
        if z is not None and z not in names:
            names.append(z)
    try:
        names = sorted(names, key=lambda v: (str(type(v)), v))
    except TypeError:
        names = sorted(names, key=str)
    index = {z: k for k, z in enumerate(names)}
    of = np.array([index.get(zone_of.get(s), -1) if zone_of.get(s) is not None else -1
                   for s in cand], dtype=np.int64)

    def bound(spec: Any, default: int) -> np.ndarray:
        if spec is None:
            return np.full(len(names), default, dtype=np.int64)
        if isinstance(spec, Mapping):
            unknown = [k for k in spec if k not in index]
            if unknown:
                raise InputError(f"zones: unknown zones {show_ids(unknown)}; zones are "
                                 f"{show_ids(names)}")
            return np.array([int(spec.get(z, default)) for z in names], dtype=np.int64)
        return np.full(len(names), int(spec), dtype=np.int64)

    lo = bound(min_per_zone, 0)
    hi = bound(max_per_zone, m)
    has = np.bincount(of[of >= 0], minlength=len(names))
    empty = [str(names[k]) for k in range(len(names)) if lo[k] > has[k]]
    if empty:
        raise InfeasibleError(
            f"zones: {len(empty)} zone(s) need more sites than they have candidates "
            f"{show_ids(empty)}; add candidate sites there, or lower min_per_zone for them "
            "(a mapping zone -> minimum)", rows=empty)
    bad = [str(names[k]) for k in range(len(names)) if lo[k] > hi[k]]
    if bad:
        raise InputError(f"zones: min_per_zone exceeds max_per_zone for {show_ids(bad)}")
    return _milp.Zones(of, lo, hi), [str(z) for z in names]


def _site_zones_from_areas(column: str, sites: Any, areas: Any) -> dict[str, Any]:
    """Each site's zone: the attribute of the area polygon it stands in."""
    import geopandas as gpd

    if not isinstance(sites, gpd.GeoDataFrame) or not isinstance(areas, gpd.GeoDataFrame):
        raise InputError(
            f"zones={column!r} is an attribute of the areas: pass sites= (a GeoDataFrame "
            "from geoaccess.read_sites) and areas as a GeoDataFrame with polygons so each "
            "site can be placed in an area, or give zones as a mapping site_id -> zone",
            column=column)
    if not areas.geom_type.isin(["Polygon", "MultiPolygon"]).any():
        raise InputError(f"zones={column!r}: the areas have no polygons to place sites in; "
                         "give zones as a mapping site_id -> zone", column=column)
    pts = sites[["site_id", sites.geometry.name]].copy()
    polys = areas[[column, areas.geometry.name]]
    if pts.crs is not None and polys.crs is not None and pts.crs != polys.crs:
        pts = pts.to_crs(polys.crs)
    joined = gpd.sjoin(pts, polys, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    out = {str(s): z for s, z in zip(joined["site_id"], joined[column], strict=True)
           if not pd.isna(z)}
    outside = sorted(set(pts["site_id"].astype(str)) - set(out))
    if outside:
        log.info("zones=%r: %d site(s) outside every area count towards no zone: %s",
                 column, len(outside), outside[:10])
    return out


def _capacity(capacity: Any, cand: list[str], sites: Any, scale: float) -> np.ndarray | None:
    if capacity is None or capacity is False:
        return None
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise InputError(f"capacity_scale must be a positive number, got {scale!r}")
    if capacity is True or isinstance(capacity, str):
        col = "capacity" if capacity is True else capacity
        if not isinstance(sites, pd.DataFrame) or col not in sites.columns:
            raise InputError(f"capacity={capacity!r}: pass sites= with a {col!r} column, or "
                             "give capacity as a mapping site_id -> capacity", column=col)
        values = dict(zip(sites["site_id"].astype(str),
                          pd.to_numeric(sites[col], errors="coerce"), strict=True))
    elif isinstance(capacity, (Mapping, pd.Series)):
        values = {str(k): float(v) if v is not None else np.nan for k, v in capacity.items()}
    else:
        raise InputError(f"capacity: expected True, a column of sites or a mapping "
                         f"site_id -> capacity, got {type(capacity).__name__}")
    arr = np.array([values.get(s, np.nan) for s in cand], dtype=np.float64)
    bad = [s for s, v in zip(cand, arr, strict=True) if not (np.isfinite(v) and v >= 0)]
    if bad:
        raise InputError(f"capacity: missing or negative for candidate sites {show_ids(bad)}; "
                         "give them a capacity or leave them out of candidates",
                         column="capacity", rows=bad)
    return arr * float(scale)


def _group_mask(group: Any, inst: _Instance) -> tuple[np.ndarray, str]:
    ids = inst.area_ids
    table = inst.table
    if group is None:
        if table is None:
            raise InputError("Equity: the default group (most deprived areas) needs the areas "
                             "table with 'imd_decile'; pass group=")
        from .equality import _deprived

        dep = _deprived(table, ids, None, None, None, "Equity")
        if dep is None:
            raise InputError("Equity: no deprivation contrast (no 'imd_decile', or a single "
                             "decile); pass group= (a boolean column or list of area ids)",
                             column="imd_decile")
        return np.asarray(dep.mask, dtype=bool), dep.phrase
    if isinstance(group, str):
        if table is None or group not in table.columns:
            raise InputError(f"Equity: no column {group!r} in the areas", column=group)
        col = table[group]
        if not pd.api.types.is_bool_dtype(col):
            raise InputError(f"Equity: column {group!r} is not boolean; pass e.g. "
                             f"group=areas[{group!r}] <= 2 (a boolean Series)", column=group)
        return col.fillna(False).to_numpy(dtype=bool), group
    if isinstance(group, pd.Series) and pd.api.types.is_bool_dtype(group):
        s = group
        if table is not None and len(s) == len(ids) and _indexed_like_table(s, inst):
            values = s.to_numpy(dtype=bool)
        else:
            s2 = s.copy()
            s2.index = s2.index.astype(str)
            missing = ids.difference(s2.index)
            if len(missing):
                raise InputError(f"Equity: group Series lacks areas "
                                 f"{show_ids(list(missing))}; index it by area_id (or like "
                                 "the areas table)")
            values = s2.reindex(ids).fillna(False).to_numpy(dtype=bool)
        return values, str(s.name) if s.name is not None else "group"
    members = set(_ids(group, "Equity group"))
    unknown = sorted(members - set(ids))
    if unknown:
        raise InputError(f"Equity: unknown area ids in group {show_ids(unknown)}",
                         rows=unknown)
    return ids.isin(members), "group"


def _indexed_like_table(s: pd.Series, inst: _Instance) -> bool:
    """True if a Series is indexed like the original areas table (not by area_id)."""
    if inst.table is None:
        return False
    idx = s.index
    return not idx.astype(str).isin(inst.area_ids).all()


# ============================================================================= solving
@dataclass
class _Groups:
    """Equity constraints with their group masks, and each area's class (bit set)."""

    items: list[Equity]
    masks: list[np.ndarray]
    labels: list[str]
    classes: np.ndarray            # per area (universe)

    @property
    def n_classes(self) -> int:
        return 1 << len(self.items)


def _groups(equity: Any, inst: _Instance) -> _Groups:
    if equity is None:
        items: list[Equity] = []
    elif isinstance(equity, Equity):
        items = [equity]
    else:
        items = list(equity)
        if not all(isinstance(e, Equity) for e in items):
            raise InputError("equity: expected an Equity or a list of them")
    if len(items) > 4:
        raise InputError("equity: at most 4 constraints")
    masks, labels = [], []
    classes = np.zeros(len(inst.area_ids), dtype=np.int64)
    for g, e in enumerate(items):
        mask, label = _group_mask(e.group, inst)
        if not mask.any():
            raise InputError(f"Equity: group {label!r} has no areas")
        if e.threshold_minutes is not None and e.min_share is None and mask.all():
            raise InputError(f"Equity: group {label!r} holds every area; nobody to compare "
                             "with (use min_share)")
        masks.append(mask)
        labels.append(label)
        classes |= mask.astype(np.int64) << g
    return _Groups(items, masks, labels, classes)


def _sum_classes(by_class: Mapping[int, _milp.Expr], bit: int, inside: bool) -> _milp.Expr:
    out = _milp.Expr()
    for c, e in by_class.items():
        if bool(c & (1 << bit)) == inside:
            out = out + e
    return out


@dataclass
class _Exact:
    outcome: _milp.Outcome
    open_: np.ndarray | None
    alloc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None   # i, j, share (reach rows)
    rounds: int = 1


def _exact(inst: _Instance, groups: _Groups, *, objective: str, p: int | None,
           threshold: float | None = None, cover_limit: float | None = None,
           coverage_floor: tuple[float, float] | None = None, penalty: float | None = None,
           single_source: bool = False, time_limit: float, mip_rel_gap: float,
           start: np.ndarray | None = None) -> _Exact:
    """Build and solve one MILP over the reachable areas; see :mod:`geoaccess._milp`."""
    reach = inst.reach
    D = inst.D[reach]
    w = inst.w[reach]
    cls = groups.classes[reach]
    nc = groups.n_classes
    m = inst.m
    keep = inst.keep
    cover_rows = np.ones(len(D), dtype=bool) if cover_limit is None else (w > 0)
    need_distance = objective == "distance" or any(
        e.max_mean_minutes is not None for e in groups.items)
    thresholds = sorted({t for t in ([threshold] if threshold is not None else [])
                         + ([coverage_floor[0]] if coverage_floor else [])
                         + [e.threshold_minutes for e in groups.items
                            if e.threshold_minutes is not None]})
    Dd = D if penalty is None else np.minimum(D, penalty)
    levels = None
    if objective == "distance" and inst.capacity is None:
        # (only when distance is the objective: the check below relies on it)
        kmax = m - (p if p is not None else 1) + 1
        fin = np.minimum(np.isfinite(Dd).sum(axis=1), kmax)
        if float((fin.astype(np.float64) ** 2).sum() / 2) > _RADIUS_BUDGET:
            # lazy levels: each area's rows up to its nearest open site in a first answer
            guess = start if start is not None else _quick_start(inst, D, w, p, penalty)
            levels = _ranks_of_open(Dd, guess) + 2
    rounds = 0
    while True:
        rounds += 1
        model = _milp.Model()
        y = model.add_vars(m, lb=keep.astype(np.float64), ub=1.0, integer=True)
        count = _milp.Expr(y, np.ones(m))
        if p is not None:
            model.add_expr(count, p, p)
        for k in range(len(inst.zone_names)):
            members = y[inst.zones.of == k]
            lo, hi = float(inst.zones.lo[k]), float(inst.zones.hi[k])
            if lo > 0 or hi < len(members):
                model.add_expr(_milp.Expr(members, np.ones(len(members))), lo, hi)
        dist: _milp.Expr | None = None
        dist_by: dict[int, _milp.Expr] = {}
        cov: dict[float, tuple[_milp.Expr, dict[int, _milp.Expr]]] = {}
        assign = None
        if inst.capacity is not None:
            if need_distance:
                assign = _milp.assignment_block(
                    model, y, D if cover_limit is None else np.where(D <= cover_limit, D,
                                                                     np.inf),
                    w, cls, inst.capacity, serve="all", penalty=penalty,
                    single_source=single_source, n_classes=nc, required=w > 0)
                dist, dist_by = assign.distance, assign.distance_by_class
            else:
                limit = cover_limit if cover_limit is not None else max(thresholds)
                Dl = np.where(D <= limit, D, np.inf)
                assign = _milp.assignment_block(
                    model, y, Dl, w, cls, inst.capacity,
                    serve="all" if cover_limit is not None else "up_to",
                    single_source=single_source, n_classes=nc, required=w > 0)
            for t in thresholds:
                cov[t] = _milp.assignment_within(assign, D, w, cls, t, nc)
        else:
            if need_distance:
                rb = _milp.radius_block(model, y, Dd, w, cls, keep=keep,
                                        p_max_rank=m - (p if p is not None else 1) + 1,
                                        levels=levels, hard_serve=penalty is None,
                                        n_classes=nc, serve=w > 0)
                dist, dist_by = rb.total, rb.by_class
            # classes counted against a group in a relative share constraint need exact
            # coverage indicators (else "everyone else" could be under-counted)
            exact_cls: dict[float, set[int]] = {}
            for g, e in enumerate(groups.items):
                if e.threshold_minutes is not None and e.min_share is None:
                    exact_cls.setdefault(float(e.threshold_minutes), set()).update(
                        c for c in range(nc) if not c & (1 << g))
            for t in thresholds:
                cb = _milp.coverage_block(model, y, D, w, cls, t, keep=keep, n_classes=nc,
                                          exact=sorted(exact_cls.get(t, ())))
                cov[t] = (cb.total, cb.by_class)
            if cover_limit is not None:
                _milp.cover_block(model, y, D[cover_rows], cover_limit, keep=keep)
        if coverage_floor is not None:
            model.add_expr(cov[coverage_floor[0]][0], lo=coverage_floor[1])
        for g, e in enumerate(groups.items):
            mask = groups.masks[g]
            if e.threshold_minutes is not None:
                by = cov[float(e.threshold_minutes)][1]
                wg = float(inst.w[mask].sum())
                wo = float(inst.w[~mask].sum())
                inside = _sum_classes(by, g, True)
                if wg <= 0:
                    continue
                if e.min_share is not None:
                    model.add_expr(inside.scaled(1.0 / wg), lo=float(e.min_share))
                elif wo > 0:
                    outside = _sum_classes(by, g, False)
                    model.add_expr(inside.scaled(1.0 / wg) + outside.scaled(-1.0 / wo),
                                   lo=float(e.margin))
            if e.max_mean_minutes is not None:
                served = float(inst.w[mask & reach].sum())
                if served > 0:
                    model.add_expr(_sum_classes(dist_by, g, True),
                                   hi=float(e.max_mean_minutes) * served)
        if objective == "distance":
            assert dist is not None
            goal, maximise = dist, False
        elif objective == "coverage":
            assert threshold is not None
            goal, maximise = cov[float(threshold)][0], True
        elif objective == "count":
            goal, maximise = count, False
        else:
            goal, maximise = _milp.Expr(), False
        # the set-row models gain nothing from HiGHS's MIP presolve (measured in
        # benchmarks/bench_optimise.py); the assignment models do
        out = model.solve(goal, maximise=maximise, time_limit=time_limit,
                          mip_rel_gap=mip_rel_gap, presolve=inst.capacity is not None)
        if out.x is None:
            return _Exact(out, None, rounds=rounds)
        open_ = out.x[y] > 0.5
        alloc = None
        if assign is not None:
            share = out.x[assign.x]
            nz = share > 1e-9
            alloc = (assign.pairs_i[nz], assign.pairs_j[nz], share[nz])
        if levels is None or objective != "distance":
            return _Exact(out, open_, alloc, rounds)
        # lazy levels: exact only if every area's nearest open site lay within its rows
        # rows up to level levels-2 price an area exactly when its nearest open site has
        # rank <= levels-1; beyond, the model under-prices it (a relaxation)
        ranks = _ranks_of_open(Dd, open_)
        short = ranks >= levels
        dmin = np.min(np.where(open_[None, :], Dd, np.inf), axis=1)
        true_cost = float((w * np.where(np.isfinite(dmin), dmin, 0.0)).sum())
        consistent = abs(true_cost - out.objective) <= 1e-7 * max(1.0, true_cost)
        if not short.any() or consistent or rounds >= 8:
            if not (consistent or not short.any()):
                out.status = "time_limit"      # gave up extending: a bound, not a proof
            out.objective = true_cost
            return _Exact(out, open_, alloc, rounds)
        levels = np.where(short, np.maximum(levels * 2, ranks + 2), levels)
        log.debug("radius levels extended for %d areas (round %d)", int(short.sum()), rounds)


def _ranks_of_open(D: np.ndarray, open_: np.ndarray) -> np.ndarray:
    """Rank (0 = nearest) of each area's nearest open site among all its sites."""
    order = np.argsort(D, axis=1, kind="stable")
    is_open = open_[order] & np.isfinite(np.take_along_axis(D, order, axis=1))
    has = is_open.any(axis=1)
    return np.where(has, is_open.argmax(axis=1), D.shape[1])


def _quick_start(inst: _Instance, D: np.ndarray, w: np.ndarray, p: int | None,
                 penalty: float | None) -> np.ndarray:
    comps = _components("p_median", w, penalty=penalty)
    start = _milp.greedy(np.minimum(D, penalty) if penalty is not None else D, comps,
                         p=p or 1, keep=inst.keep, allowed=np.ones(inst.m, bool),
                         zones=inst.zones)
    return start if start is not None else np.ones(inst.m, bool)


def _components(problem: str, w: np.ndarray, *, threshold: float | None = None,
                penalty: float | None = None, cap: float | None = None
                ) -> list[_milp.Component]:
    """Lexicographic heuristic objective of a problem (see :func:`_milp.interchange`)."""

    def wb(d: np.ndarray) -> np.ndarray:
        return w.reshape((-1,) + (1,) * (d.ndim - 1))

    def unserved(d: np.ndarray) -> np.ndarray:
        return np.isinf(d).astype(np.float64)

    def minutes(d: np.ndarray) -> np.ndarray:
        dd = np.minimum(d, cap) if cap is not None else np.where(np.isinf(d), 0.0, d)
        return wb(d) * dd

    if problem == "p_median":
        if penalty is not None:
            return [("sum", lambda d: wb(d) * np.minimum(d, penalty))]
        return [("sum", lambda d: unserved(d) * (wb(d) > 0)), ("sum", minutes)]
    if problem == "max_coverage":
        assert threshold is not None
        return [("sum", lambda d: wb(d) * (d > threshold)), ("sum", minutes)]
    if problem == "p_center":
        return [("sum", lambda d: unserved(d) * (wb(d) > 0)),
                ("max", lambda d: np.where((wb(d) > 0) & np.isfinite(d), d, -np.inf)),
                ("sum", minutes)]
    raise ValueError(problem)


def _auto_penalty(inst: _Instance) -> float:
    finite = inst.D[np.isfinite(inst.D)]
    return float(finite.max()) + 1.0 if len(finite) else 1.0


def _check_p(inst: _Instance, p: Any) -> int:
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
        raise InputError(f"p must be a whole number of sites, got {p!r}")
    p = int(p)
    n_keep = int(inst.keep.sum())
    if p < 1:
        raise InputError(f"p must be at least 1, got {p}")
    if p > inst.m:
        raise InfeasibleError(f"p={p} but only {inst.m} candidate sites; lower p or add "
                              "candidates")
    if n_keep > p:
        raise InfeasibleError(f"{n_keep} must-keep sites but p={p}; raise p or keep fewer")
    if len(inst.zone_names):
        need = int(inst.zones.lo.sum())
        if need > p:
            raise InfeasibleError(f"the zones need at least {need} sites "
                                  f"({len(inst.zone_names)} zones) but p={p}; raise p or "
                                  "lower min_per_zone")
    return p


def _check_method(method: str, time_limit: float, mip_rel_gap: float) -> None:
    if method not in METHODS:
        raise InputError(f"method must be one of {list(METHODS)}, got {method!r}")
    if not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise InputError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    if not (isinstance(mip_rel_gap, (int, float)) and 0 <= mip_rel_gap < 1):
        raise InputError(f"mip_rel_gap must lie in [0, 1), got {mip_rel_gap!r}")


def _threshold(t: Any, what: str = "threshold_minutes") -> float:
    try:
        v = float(t)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must be a number of minutes, got {t!r}") from exc
    if not (math.isfinite(v) and v > 0):
        raise InputError(f"{what} must be a positive number of minutes, got {t!r}")
    return v


def _infeasible(inst: _Instance, problem: str, p: int | None, groups: _Groups,
                extra: str = "") -> InfeasibleError:
    rules = []
    if inst.keep.any():
        rules.append(f"{int(inst.keep.sum())} must-keep sites")
    if len(inst.zone_names):
        rules.append(f"zones ({len(inst.zone_names)})")
    if inst.capacity is not None:
        total = float(inst.capacity.sum())
        need = float(inst.w[inst.reach].sum())
        rules.append(f"capacities (all candidates together hold {total:,.0f} for a "
                     f"population of {need:,.0f})")
    if groups.items:
        rules.append("equity: " + "; ".join(e.describe(lab) for e, lab in zip(
            groups.items, groups.labels, strict=True)))
    if problem in ("p_median", "p_center"):
        rules.append("every area with people that some candidate reaches must be served "
                     "(areas with no time to most sites restrict the choice; "
                     "unserved_minutes= relaxes this for p_median)")
    ptxt = f" with p={p}" if p is not None else ""
    return InfeasibleError(f"{problem}{ptxt}: no choice of sites meets every rule "
                           f"({'; '.join(rules) or 'none'}){extra}; relax one of them")


# ============================================================================= results
def _nearest(D: np.ndarray, open_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sub = np.where(open_[None, :], D, np.inf)
    j = sub.argmin(axis=1) if D.shape[1] else np.zeros(len(D), np.int64)
    d = sub[np.arange(len(D)), j] if D.shape[1] else np.full(len(D), np.inf)
    return d, np.where(np.isfinite(d), j, -1)


def _build_solution(inst: _Instance, open_: np.ndarray, *, problem: str, objective: float,
                    objective_name: str, bound: float, status: str, method: str,
                    seconds: float, threshold: float | None = None,
                    not_served_limit: float | None = None,
                    alloc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                    name: str | None = None, description: str = "",
                    details: Mapping[str, Any] | None = None) -> Solution:
    ids = inst.area_ids
    cand = np.array(inst.cand, dtype=object)
    wname = inst.pop_name or "weight"
    open_ids = [s for s, o in zip(inst.cand, open_, strict=True) if o]
    reach = inst.reach
    allocation = None
    if alloc is None:
        d, j = _nearest(inst.D, open_)
        minutes = np.where(np.isfinite(d), d, np.nan)
        site = np.full(len(j), None, dtype=object)
        site[j >= 0] = cand[j[j >= 0]]
        within: np.ndarray | None = None if threshold is None else (minutes <= threshold)
    else:
        ri = np.nonzero(reach)[0]
        ai, aj, share = alloc
        gi = ri[ai]
        mins = inst.D[gi, aj]
        n = len(ids)
        sh_sum = np.bincount(gi, weights=share, minlength=n)
        wsum = np.bincount(gi, weights=share * mins, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            minutes = np.where(sh_sum > 1e-9, wsum / sh_sum, np.nan)
        top = pd.DataFrame({"i": gi, "j": aj, "s": share}).sort_values(
            ["i", "s"], ascending=[True, False]).drop_duplicates("i")
        site = np.full(n, None, dtype=object)
        site[top["i"].to_numpy()] = cand[top["j"].to_numpy()]
        within = None
        if threshold is not None:
            within = np.bincount(gi, weights=share * (mins <= threshold), minlength=n)
        allocation = pd.DataFrame({
            "area_id": ids.to_numpy(dtype=object)[gi], "site_id": cand[aj],
            "share": share, wname: inst.w[gi] * share, "minutes": mins})
    reason = np.full(len(ids), None, dtype=object)
    reason[~reach] = inst.area_reason[~reach]
    gone = reach & np.isnan(minutes)
    reason[gone] = "no time to any chosen site" if alloc is None else \
        "not served by any chosen site (capacity)"
    areas = pd.DataFrame({"site_id": site.astype(object), "minutes": minutes}, index=ids)
    if within is not None and threshold is not None:
        areas[f"within_{threshold_label(threshold)}"] = within
    areas[wname] = inst.w
    areas["reason"] = reason
    # not served whatever is chosen
    best_min = inst.D.min(axis=1, initial=np.inf)
    ns = ~reach
    ns_reason = reason.copy()
    if not_served_limit is not None:
        beyond = reach & (best_min > not_served_limit) & (inst.w > 0)
        ns |= beyond
        for i in np.nonzero(beyond)[0]:
            ns_reason[i] = (f"no candidate site within {threshold_label(not_served_limit)} "
                            f"minutes (nearest is {best_min[i]:.1f})")
    not_served = pd.DataFrame({wname: inst.w[ns],
                               "best_minutes": np.where(np.isfinite(best_min[ns]),
                                                        best_min[ns], np.nan),
                               "reason": ns_reason[ns]},
                              index=ids[ns])
    thresholds = tuple(sorted(set(settings.thresholds_minutes)
                              | ({threshold} if threshold is not None else set())))
    summary = summarise_minutes(minutes, inst.w, thresholds=thresholds)
    # sites table
    roles_scn = Scenario.from_site_ids(name or problem, open_ids, sites=inst.sites,
                                       role=inst.role, description=description)
    if alloc is None:
        _, j = _nearest(inst.D, open_)
        served_pop = np.bincount(j[j >= 0], weights=inst.w[j >= 0], minlength=inst.m)
        served_n = np.bincount(j[j >= 0], minlength=inst.m)
    else:
        ai, aj, share = alloc
        served_pop = np.bincount(aj, weights=share * inst.w[reach][ai], minlength=inst.m)
        served_n = np.bincount(aj, minlength=inst.m)
    sites = pd.DataFrame({"role": [roles_scn.role_of(s) for s in open_ids],
                          "areas": served_n[open_].astype(np.int64),
                          "population": served_pop[open_]},
                         index=pd.Index(open_ids, name="site_id"))
    if inst.capacity is not None:
        sites["capacity"] = inst.capacity[open_]
        with np.errstate(invalid="ignore", divide="ignore"):
            sites["utilisation"] = sites["population"] / sites["capacity"]
    gap = _milp.relative_gap(objective, bound) if math.isfinite(bound) else float("nan")
    det = {"solver": SOLVER if method != "heuristic" else "greedy + Teitz-Bart interchange",
           **inst.settings, **dict(details or {})}
    return Solution(roles_scn, problem, float(objective), objective_name, float(bound), gap,
                    status, method, float(seconds), areas, sites, not_served, summary,
                    allocation, det)


def _describe(problem: str, inst: _Instance, k: int, status: str, gap: float,
              threshold: float | None, groups: _Groups) -> str:
    what = {
        "p_median": "shortest population-weighted mean journey",
        "max_coverage": f"most people within {threshold_label(threshold or 0)} minutes",
        "set_cover": f"fewest sites with everyone within {threshold_label(threshold or 0)} "
                     "minutes",
        "p_center": "shortest worst journey",
    }[problem]
    extra = []
    if inst.keep.any():
        extra.append(f"{int(inst.keep.sum())} kept")
    if len(inst.zone_names):
        extra.append("zone rules")
    if inst.capacity is not None:
        extra.append("capacities")
    extra += [e.describe(lab) for e, lab in zip(groups.items, groups.labels, strict=True)]
    proof = "proven optimal" if status == "optimal" else (
        f"not proven optimal (gap {gap:.2%})" if not math.isnan(gap) else "heuristic")
    rules = f"; {', '.join(extra)}" if extra else ""
    return (f"{k} of {inst.m} candidate sites chosen by geoaccess.optimise for the {what}"
            f"{rules} ({proof})")


# ============================================================================= driver
def _run(inst: _Instance, groups: _Groups, problem: str, *, p: int | None,
         threshold: float | None, unserved_minutes: float | None, method: str,
         time_limit: float, mip_rel_gap: float, tie_break: bool, single_source: bool,
         name: str | None, seed: int | None) -> Solution:
    t0 = time.perf_counter()
    reach = inst.reach
    D, w = inst.D[reach], inst.w[reach]
    details: dict[str, Any] = {"time_limit_s": time_limit, "mip_rel_gap": mip_rel_gap}
    has_rules = inst.capacity is not None or bool(groups.items)
    if method == "heuristic" and has_rules:
        raise InputError("method='heuristic' handles must-keep, must-close, candidates and "
                         "zones; capacities and equity constraints need method='exact' "
                         "(or 'auto')")
    if not reach.any():
        raise InfeasibleError(f"{problem}: no area has a time to any candidate site")
    if unserved_minutes is not None:
        unserved_minutes = _threshold(unserved_minutes, "unserved_minutes")
    # ---------------------------------------------------------------- heuristic
    heur: np.ndarray | None = None
    heur_val = float("nan")
    if method in ("auto", "heuristic") and not has_rules:
        th = time.perf_counter()
        heur = _heuristic(inst, problem, D, w, p=p, threshold=threshold,
                          penalty=unserved_minutes, seed=seed)
        details["heuristic_seconds"] = time.perf_counter() - th
        if heur is not None:
            heur_val = _objective_of(inst, problem, heur, threshold, unserved_minutes)
            details["heuristic_objective"] = heur_val
        elif method == "heuristic":
            raise _infeasible(inst, problem, p, groups, " (the heuristic found no choice)")
    if method == "heuristic":
        assert heur is not None
        obj_name = _objective_name(problem, threshold)
        k = int(heur.sum())
        desc = _describe(problem, inst, k, "heuristic", float("nan"), threshold, groups)
        return _build_solution(
            inst, heur, problem=problem, objective=heur_val, objective_name=obj_name,
            bound=float("nan"), status="heuristic", method="heuristic",
            seconds=time.perf_counter() - t0, threshold=threshold,
            not_served_limit=threshold if problem == "set_cover" else None,
            name=name or _default_name(problem, k, threshold), description=desc,
            details=details)
    # ---------------------------------------------------------------- exact
    kw: dict[str, Any] = {"time_limit": time_limit, "mip_rel_gap": mip_rel_gap,
                          "single_source": single_source}
    # the tie-break only orders equally good answers: it gets a shorter budget, and
    # whatever it has found by then is as good on the objective that matters
    kw2 = {**kw, "time_limit": min(time_limit, _TIE_BREAK_SECONDS)}
    stages: list[dict[str, Any]] = []
    alloc = None
    if problem == "p_median":
        ex = _exact(inst, groups, objective="distance", p=p, penalty=unserved_minutes,
                    start=heur, **kw)
        stages.append(_stage("minimise population-minutes", ex))
        primary = ex
        final = ex
    elif problem == "max_coverage":
        assert threshold is not None
        ex = _exact(inst, groups, objective="coverage", p=p, threshold=threshold, **kw)
        stages.append(_stage(f"maximise population within {threshold:g} min", ex))
        primary = final = ex
        if tie_break and ex.open_ is not None and ex.outcome.status == "optimal":
            best = ex.outcome.objective
            ex2 = _exact(inst, groups, objective="distance", p=p,
                         coverage_floor=(threshold, best - 1e-7 * max(1.0, abs(best))),
                         penalty=_auto_penalty(inst), **kw2)
            stages.append(_stage("tie-break: shortest mean among the best", ex2))
            if ex2.open_ is not None:
                final = ex2
    elif problem == "set_cover":
        assert threshold is not None
        ex = _exact(inst, groups, objective="count", p=None, cover_limit=threshold, **kw)
        stages.append(_stage(f"fewest sites covering everyone within {threshold:g} min", ex))
        primary = final = ex
        if tie_break and ex.open_ is not None and ex.outcome.status == "optimal":
            k = int(round(ex.outcome.objective))
            ex2 = _exact(inst, groups, objective="distance", p=k, cover_limit=threshold,
                         penalty=_auto_penalty(inst), **kw2)
            stages.append(_stage("tie-break: shortest mean among the fewest", ex2))
            if ex2.open_ is not None:
                final = ex2
    elif problem == "p_center":
        primary, final, search = _p_center_exact(inst, groups, p=p, heur=heur, kw=kw,
                                                 kw_tie=kw2, tie_break=tie_break,
                                                 stages=stages)
        details["search"] = search
    else:  # pragma: no cover
        raise ValueError(problem)
    details["stages"] = stages
    out = primary.outcome
    if out.status == "infeasible":
        raise _infeasible(inst, problem, p, groups)
    if primary.open_ is None and heur is None:
        raise GeoaccessError(f"{problem}: the solver found no solution within "
                             f"time_limit={time_limit} s ({out.message}); raise time_limit "
                             "or use method='heuristic'")
    bound = out.bound if problem != "p_center" else details["search"]["lower_bound"]
    exact_val = float("nan")
    if final.open_ is not None:
        exact_val = _objective_of(inst, problem, final.open_, threshold, unserved_minutes,
                                  alloc=final.alloc)
    status = "optimal" if out.status == "optimal" else "time_limit"
    chosen, method_used, value = final.open_, "exact", exact_val
    alloc = final.alloc
    if heur is not None and (chosen is None or _worse(problem, exact_val, heur_val)):
        chosen, method_used, value, alloc = heur, "exact+heuristic", heur_val, None
    assert chosen is not None
    if problem == "p_median":
        bound = _mean_bound(inst, bound)
    if not math.isnan(heur_val) and math.isfinite(exact_val) and status == "optimal":
        details["heuristic_gap"] = _milp.relative_gap(heur_val, exact_val)
    gap = _milp.relative_gap(value, bound)
    k = int(chosen.sum())
    desc = _describe(problem, inst, k, status, gap, threshold, groups)
    obj_name = _objective_name(problem, threshold)
    details["model"] = {"rows": out.rows, "columns": out.cols, "nonzeros": out.nonzeros,
                        "nodes": out.nodes, "rounds": primary.rounds}
    return _build_solution(
        inst, chosen, problem=problem, objective=value, objective_name=obj_name, bound=bound,
        status=status, method=method_used, seconds=time.perf_counter() - t0,
        threshold=threshold,
        not_served_limit=threshold if problem == "set_cover" else None, alloc=alloc,
        name=name or _default_name(problem, k, threshold), description=desc,
        details=details)


def _worse(problem: str, exact_val: float, heur_val: float) -> bool:
    if math.isnan(heur_val):
        return False
    if math.isnan(exact_val):
        return True
    tol = 1e-9 * max(1.0, abs(heur_val))
    if problem == "max_coverage":
        return exact_val < heur_val - tol
    return exact_val > heur_val + tol


def _mean_bound(inst: _Instance, total_bound: float) -> float:
    """The solver's bound on population-minutes as a bound on mean minutes."""
    served = float(inst.w[inst.reach].sum())
    return total_bound / served if served > 0 else float("nan")


def _stage(what: str, ex: _Exact) -> dict[str, Any]:
    o = ex.outcome
    return {"stage": what, "status": o.status, "seconds": round(o.seconds, 4),
            "objective": o.objective, "bound": o.bound, "rows": o.rows, "columns": o.cols,
            "nodes": o.nodes}


def _objective_name(problem: str, threshold: float | None) -> str:
    return {"p_median": "mean_minutes", "set_cover": "sites", "p_center": "max_minutes",
            "max_coverage": f"population_within_{threshold_label(threshold or 0)}"}[problem]


def _default_name(problem: str, k: int, threshold: float | None) -> str:
    t = threshold_label(threshold) if threshold is not None else ""
    return {"p_median": f"Best {k} (mean minutes)",
            "max_coverage": f"Best {k} (within {t} min)",
            "set_cover": f"Fewest sites within {t} min ({k})",
            "p_center": f"Best {k} (worst journey)"}[problem]


def _objective_of(inst: _Instance, problem: str, open_: np.ndarray, threshold: float | None,
                  penalty: float | None,
                  alloc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> float:
    """The objective of a configuration, in user units (see :class:`Solution`)."""
    reach = inst.reach
    D, w = inst.D[reach], inst.w[reach]
    if problem == "set_cover":
        return float(open_.sum())
    if alloc is not None:
        ai, aj, share = alloc
        mins = D[ai, aj]
        if problem == "p_median":
            served = float(w.sum())
            cost = float((w[ai] * share * mins).sum())
            unserved = 1.0 - np.bincount(ai, weights=share, minlength=len(w))
            if penalty is not None:
                cost += float((w * np.clip(unserved, 0, 1)).sum() * penalty)
            return cost / served if served > 0 else float("nan")
        if problem == "max_coverage":
            return float((w[ai] * share * (mins <= (threshold or 0))).sum())
        return float(mins[w[ai] > 0].max(initial=np.nan))
    d, _ = _nearest(D, open_)
    if problem == "p_median":
        served = float(w.sum())
        dd = np.minimum(d, penalty) if penalty is not None else d
        if not np.isfinite(dd[w > 0]).all():
            return float("inf")
        cost = float((w * np.where(np.isfinite(dd), dd, 0.0)).sum())
        return cost / served if served > 0 else float("nan")
    if problem == "max_coverage":
        return float(w[d <= (threshold or 0)].sum())
    if problem == "p_center":
        pos = w > 0
        return float(d[pos].max()) if pos.any() else float("nan")
    raise ValueError(problem)  # pragma: no cover


def _heuristic(inst: _Instance, problem: str, D: np.ndarray, w: np.ndarray, *,
               p: int | None, threshold: float | None, penalty: float | None,
               seed: int | None) -> np.ndarray | None:
    allowed = np.ones(inst.m, dtype=bool)
    rng = None if seed is None else np.random.default_rng(seed)
    if problem == "set_cover":
        assert threshold is not None
        return _greedy_cover(D[w > 0], threshold, inst.keep, inst.zones)
    cap = _auto_penalty(inst)
    comps = _components(problem, w, threshold=threshold, penalty=penalty, cap=cap)
    Dh = np.minimum(D, penalty) if penalty is not None else D
    assert p is not None
    start = _milp.greedy(Dh, comps, p=p, keep=inst.keep, allowed=allowed, zones=inst.zones)
    if start is None:
        return None
    best, _ = _milp.interchange(Dh, comps, start, keep=inst.keep, allowed=allowed,
                                zones=inst.zones, rng=rng)
    return best


def _greedy_cover(D: np.ndarray, threshold: float, keep: np.ndarray,
                  zones: _milp.Zones) -> np.ndarray:
    """Greedy set cover (most uncovered areas first), then drop redundant sites."""
    within = D <= threshold
    need = within.any(axis=1)
    open_ = keep.copy()
    counts = zones.counts(open_)
    # zone minimums first: the site covering most areas in each short zone
    for k in np.nonzero(counts < zones.lo)[0]:
        while zones.counts(open_)[k] < zones.lo[k]:
            cand = np.nonzero((zones.of == k) & ~open_)[0]
            gain = within[:, cand].sum(axis=0)
            open_[cand[int(np.argmax(gain))]] = True
    covered = (within & open_[None, :]).any(axis=1)
    while (need & ~covered).any():
        ok = ~open_ & ~zones.full(open_)
        gain = (within[need & ~covered][:, ok]).sum(axis=0)
        if len(gain) == 0 or gain.max() == 0:
            break
        j = np.nonzero(ok)[0][int(np.argmax(gain))]
        open_[j] = True
        covered |= within[:, j]
    # drop sites whose areas are all covered by others (last opened first)
    for j in np.nonzero(open_ & ~keep)[0][::-1]:
        trial = open_.copy()
        trial[j] = False
        zc = zones.counts(trial)
        if len(zones.lo) and zones.of[j] >= 0 and zc[zones.of[j]] < zones.lo[zones.of[j]]:
            continue
        if not (need & ~(within & trial[None, :]).any(axis=1)).any():
            open_ = trial
    return open_


def _p_center_exact(inst: _Instance, groups: _Groups, *, p: int | None,
                    heur: np.ndarray | None, kw: dict[str, Any], kw_tie: dict[str, Any],
                    tie_break: bool,
                    stages: list[dict[str, Any]]) -> tuple[_Exact, _Exact, dict[str, Any]]:
    """Binary search on the worst time, each step a feasibility MILP (cover within it).

    The answer is one of the matrix's times, at least the largest "nearest candidate"
    time of any area with people (a lower bound no choice can beat) and at most the
    heuristic's worst time. Returns the answer at the optimal time, the tie-broken
    answer, and the search's bounds.
    """
    reach = inst.reach
    D, w = inst.D[reach], inst.w[reach]
    Dp = D[w > 0]
    lower = float(Dp.min(axis=1).max()) if len(Dp) else 0.0
    values = np.unique(Dp[np.isfinite(Dp)])
    values = values[values >= lower]
    hi = len(values) - 1
    if heur is not None:
        hv = _objective_of(inst, "p_center", heur, None, None)
        hi = min(int(np.searchsorted(values, hv, side="left")), hi)
    lo = 0
    found: dict[int, _Exact] = {}
    checks, t_total, undecided = 0, 0.0, False

    def check(k: int) -> _Exact:
        nonlocal checks, t_total
        ex = _exact(inst, groups, objective="none", p=p, cover_limit=float(values[k]), **kw)
        checks += 1
        t_total += ex.outcome.seconds
        return ex

    while lo < hi:
        mid = (lo + hi) // 2
        ex = check(mid)
        if ex.outcome.status == "infeasible":
            lo = mid + 1
        elif ex.open_ is not None:
            found[mid] = ex
            hi = mid
        else:
            undecided = True
            break
    if not undecided and hi not in found:
        ex = check(hi)
        if ex.outcome.status == "infeasible":
            stages.append({"stage": f"binary search on the worst time ({checks} checks)",
                           "status": "infeasible", "seconds": round(t_total, 4)})
            return ex, ex, {"checks": checks, "lower_bound": float("nan"),
                            "upper_bound": float("nan")}
        if ex.open_ is None:
            undecided = True
        else:
            found[hi] = ex
    stages.append({"stage": f"binary search on the worst time ({checks} checks)",
                   "status": "time_limit" if undecided else "optimal",
                   "seconds": round(t_total, 4)})
    lower_bound = float(values[lo])
    if undecided:
        best_k = min(found) if found else None
        sol = found[best_k].open_ if best_k is not None else heur
        if sol is None:
            none = _milp.Outcome(None, float("nan"), float("nan"), "no_solution", t_total)
            return _Exact(none, None), _Exact(none, None), {
                "checks": checks, "lower_bound": lower_bound, "upper_bound": float("nan")}
        ub = _objective_of(inst, "p_center", sol, None, None)
        out = _milp.Outcome(None, ub, lower_bound, "time_limit", t_total)
        res = _Exact(out, sol, found[best_k].alloc if best_k is not None else None, checks)
        return res, res, {"checks": checks, "lower_bound": lower_bound, "upper_bound": ub}
    best = found[hi]
    limit = float(values[hi])
    o = best.outcome
    primary = _Exact(_milp.Outcome(o.x, limit, limit, "optimal", t_total, rows=o.rows,
                                   cols=o.cols, nonzeros=o.nonzeros, nodes=o.nodes),
                     best.open_, best.alloc, checks)
    final = primary
    if tie_break:
        ex2 = _exact(inst, groups, objective="distance", p=p, cover_limit=limit,
                     penalty=_auto_penalty(inst), **kw_tie)
        stages.append(_stage("tie-break: shortest mean among the best worst cases", ex2))
        if ex2.open_ is not None:
            final = ex2
    return primary, final, {"checks": checks, "lower_bound": limit, "upper_bound": limit}


# ============================================================================= public
_COMMON = """tt : TravelTimes
        The area → site matrix (:func:`geoaccess.travel_times`); a DataFrame of minutes
        is wrapped with :meth:`TravelTimes.from_frame`.
    areas : pandas.DataFrame, optional
        The areas (:func:`geoaccess.read_areas`): ``area_id``, the population column and
        attributes (``ward``, ``imd_decile``...). Every area appears in the result; areas
        missing from the matrix are reported, never dropped. Without it the matrix's
        areas count 1 each.
    population : str or Series, optional
        Population column (default: the first of ``areas.attrs["population"]``) or a
        Series indexed by ``area_id``.
    must_keep, must_close : iterable of str
        Site ids that must stay open / must close.
    candidates : iterable of str, optional
        Sites that may be chosen (default every site of the matrix); must-keep sites are
        always candidates.
    sites : pandas.DataFrame, optional
        The sites table (:func:`geoaccess.read_sites`): the chosen sites take the role of
        their ``kind``, and ``capacity``/``zones`` columns can be read from it.
    role : str, optional
        Role of every chosen site in the returned scenario (default: the site's kind,
        else ``"centre"``).
    zones : str or mapping, optional
        Localities to spread the sites over: a column of ``sites`` (each site's zone), a
        column of ``areas`` such as ``"ward"`` (each site takes the zone of the area
        polygon it stands in: needs ``sites`` with point geometry), or a mapping
        ``site_id -> zone``.
    min_per_zone, max_per_zone : int or mapping, optional
        Open sites per zone (default at least 1, no maximum); a mapping gives a value per
        zone (zones it leaves out: no minimum / no maximum). ``min_per_zone=1,
        max_per_zone=1`` with ``p`` equal to the number of zones picks exactly one hub
        per locality; ``zones="kind"`` with ``min_per_zone=max_per_zone={"centre": 8,
        "outreach": 8, "base": 2}`` and ``p=18`` fixes the mix of site kinds.
    capacity : True, str or mapping, optional
        Assign people to open sites within capacity: ``True`` reads the sites'
        ``capacity`` column, a string names another column, a mapping gives
        ``site_id -> capacity``. An area's people may be split between sites (set
        ``single_source=True`` to forbid it). Capacity is in people of the population
        column, times ``capacity_scale``.
    capacity_scale : float
        People served per unit of capacity (e.g. 3 if ``capacity`` counts places each
        used by three children a week); default 1.
    single_source : bool
        With capacities: each area served by one site only.
    equity : Equity or list of Equity, optional
        Constraints on a group of areas (e.g. the most deprived), see :class:`Equity`.
    method : {"auto", "exact", "heuristic"}
        ``"auto"`` runs the heuristic, then HiGHS, and keeps the better answer (with
        the solver's bound); ``"exact"`` only HiGHS; ``"heuristic"`` only greedy +
        Teitz-Bart interchange (no capacities or equity; ``gap`` is NaN).
    time_limit : float
        Seconds allowed to each solver call (default 60). On reaching it the best answer
        so far is returned with ``status="time_limit"`` and its ``gap``.
    mip_rel_gap : float
        Relative gap at which the solver stops (default 1e-6: optimal to 0.0001%).
    name : str, optional
        Name of the returned scenario.
    seed : int, optional
        Randomises the order in which the heuristic tries sites (default: site order)."""


def _doc(func: Any) -> Any:
    func.__doc__ = func.__doc__.replace("{common}", _COMMON)
    return func


def _setup(tt: Any, areas: Any, population: Any, must_keep: Any, must_close: Any,
           candidates: Any, sites: Any, role: Any, zones: Any, min_per_zone: Any,
           max_per_zone: Any, capacity: Any, capacity_scale: float, equity: Any, method: str,
           time_limit: float, mip_rel_gap: float) -> tuple[_Instance, _Groups]:
    _check_method(method, time_limit, mip_rel_gap)
    inst = _prepare(tt, areas, population=population, must_keep=must_keep,
                    must_close=must_close, candidates=candidates, sites=sites, role=role,
                    zones=zones, min_per_zone=min_per_zone, max_per_zone=max_per_zone,
                    capacity=capacity, capacity_scale=capacity_scale)
    return inst, _groups(equity, inst)


@_doc
def p_median(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    p: int,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    single_source: bool = False,
    equity: Equity | Sequence[Equity] | None = None,
    unserved_minutes: float | None = None,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    name: str | None = None,
    seed: int | None = None,
) -> Solution:
    """Keep ``p`` sites so that the population-weighted mean journey is shortest.

    The p-median problem (Hakimi 1964; ReVelle and Swain 1970): choose ``p`` sites and
    serve each area from its nearest open one, minimising the sum of population ×
    minutes; ``Solution.objective`` is that sum divided by the population served, i.e.
    the mean minutes of :func:`geoaccess.measures.summarise_minutes`.

    Parameters
    ----------
    {common}
    p : int
        Number of sites to keep open.
    unserved_minutes : float, optional
        By default every area with people that some candidate reaches must be left a
        reachable open site (a hard rule: with sparse matrices, e.g. computed with
        ``max_minutes``, it can force choices or make small ``p`` infeasible). Give a
        number of minutes to count an area left without a reachable open site as that
        far instead (and any longer journey as that long), e.g. the matrix's
        ``max_minutes``.

    Returns
    -------
    Solution
        ``objective`` = mean minutes (population-weighted, over areas that a candidate
        reaches).

    Raises
    ------
    InfeasibleError
        When the rules cannot all hold.

    Examples
    --------
    Three areas of 100 children, two of three sites to keep; S3 must stay open::

            S1  S2  S3
        E1   1   9   5      keep S1+S3: 1 + 6 + 5 = 12 -> mean 4
        E2   9   2   6      keep S2+S3: 5 + 2 + 5 = 12 -> mean 4 (tie)
        E3   8   7   5

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [1.0, 9, 8], "S2": [9.0, 2, 7], "S3": [5.0, 6, 5]},
    ...     index=["E1", "E2", "E3"]))
    >>> sol = ga.p_median(tt, p=2, must_keep=["S3"])
    >>> round(sol.objective, 6), "S3" in sol.open_sites, sol.gap
    (4.0, True, 0.0)
    """
    inst, groups = _setup(tt, areas, population, must_keep, must_close, candidates, sites,
                          role, zones, min_per_zone, max_per_zone, capacity, capacity_scale,
                          equity, method, time_limit, mip_rel_gap)
    p = _check_p(inst, p)
    return _run(inst, groups, "p_median", p=p, threshold=None,
                unserved_minutes=unserved_minutes, method=method, time_limit=time_limit,
                mip_rel_gap=mip_rel_gap, tie_break=False, single_source=single_source,
                name=name, seed=seed)


@_doc
def max_coverage(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    p: int,
    threshold_minutes: float = 15.0,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    single_source: bool = False,
    equity: Equity | Sequence[Equity] | None = None,
    tie_break: bool = True,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    name: str | None = None,
    seed: int | None = None,
) -> Solution:
    """Keep ``p`` sites so that the most people are within ``threshold_minutes``.

    The maximal covering location problem (Church and ReVelle 1974). Many choices
    often reach the same number of people; with ``tie_break`` (default) a second solve
    picks, among them, the one with the shortest population-weighted mean journey.

    Parameters
    ----------
    {common}
    p : int
        Number of sites to keep open.
    threshold_minutes : float
        An area is covered when an open site is at most this many minutes away
        (default 15). With capacities, its people count as covered in so far as they
        are assigned to sites within it.
    tie_break : bool
        Among equally good choices, prefer the shortest mean journey (a second solve,
        given at most 10 seconds or ``time_limit``; if it runs out, its best answer so far
        is used, which is as good on the coverage).

    Returns
    -------
    Solution
        ``objective`` = population within ``threshold_minutes``.

    Examples
    --------
    Keep 1 site; S2 reaches E2 and E3 (150 children) within 15 minutes, S1 only E1 (100)::

            S1  S2   children
        E1  10  20   100
        E2  30  12    80
        E3  25  14    70

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [10.0, 30, 25], "S2": [20.0, 12, 14]}, index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 80, 70]})
    >>> sol = ga.max_coverage(tt, areas, p=1, threshold_minutes=15, population="children")
    >>> sol.open_sites, sol.objective
    (['S2'], 150.0)
    """
    inst, groups = _setup(tt, areas, population, must_keep, must_close, candidates, sites,
                          role, zones, min_per_zone, max_per_zone, capacity, capacity_scale,
                          equity, method, time_limit, mip_rel_gap)
    p = _check_p(inst, p)
    return _run(inst, groups, "max_coverage", p=p, threshold=_threshold(threshold_minutes),
                unserved_minutes=None, method=method, time_limit=time_limit,
                mip_rel_gap=mip_rel_gap, tie_break=tie_break, single_source=single_source,
                name=name, seed=seed)


@_doc
def set_cover(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    threshold_minutes: float = 15.0,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    single_source: bool = False,
    tie_break: bool = True,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    name: str | None = None,
    seed: int | None = None,
) -> Solution:
    """The fewest sites that leave everyone within ``threshold_minutes`` of one.

    The location set covering problem (Toregas et al. 1971). Areas that no candidate
    reaches within the threshold cannot be covered whatever is chosen: they are listed
    in ``Solution.not_served`` (with the minutes to their nearest candidate) and the
    rest are covered. Areas with no people need no cover. With ``tie_break``
    (default), among the smallest sets the one with the shortest mean journey is
    returned.

    Parameters
    ----------
    {common}
    threshold_minutes : float
        Everyone (who can be) must be within this many minutes of an open site.
    tie_break : bool
        Among the smallest sets, prefer the shortest mean journey.

    Returns
    -------
    Solution
        ``objective`` = number of sites.

    Examples
    --------
    E3 is 40 minutes from every site: it cannot be covered within 15 and is reported::

            S1  S2  S3
        E1  10  30  12
        E2  25  14  13
        E3  40  45  50

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [10.0, 25, 40], "S2": [30.0, 14, 45], "S3": [12.0, 13, 50]},
    ...     index=["E1", "E2", "E3"]))
    >>> sol = ga.set_cover(tt, threshold_minutes=15)
    >>> sol.open_sites, sol.not_served.index.tolist()
    (['S3'], ['E3'])
    """
    inst, groups = _setup(tt, areas, population, must_keep, must_close, candidates, sites,
                          role, zones, min_per_zone, max_per_zone, capacity, capacity_scale,
                          None, method, time_limit, mip_rel_gap)
    return _run(inst, groups, "set_cover", p=None, threshold=_threshold(threshold_minutes),
                unserved_minutes=None, method=method, time_limit=time_limit,
                mip_rel_gap=mip_rel_gap, tie_break=tie_break, single_source=single_source,
                name=name, seed=seed)


@_doc
def p_center(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    p: int,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    single_source: bool = False,
    tie_break: bool = True,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    name: str | None = None,
    seed: int | None = None,
) -> Solution:
    """Keep ``p`` sites so that the longest journey of anyone is shortest.

    The p-center problem (Hakimi 1965), solved exactly by a binary search over the
    matrix's distinct times, each step asking the solver whether ``p`` sites can put
    every area with people within that time. Areas with no people do not count; areas
    no candidate reaches are reported in ``Solution.not_served``. With ``tie_break``
    (default) the shortest mean journey is chosen among the best worst cases.

    Parameters
    ----------
    {common}
    p : int
        Number of sites to keep open.
    tie_break : bool
        Among choices with the same worst journey, prefer the shortest mean journey.

    Returns
    -------
    Solution
        ``objective`` = the longest time of any area with people.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [2.0, 20, 30], "S2": [12.0, 11, 12], "S3": [30.0, 25, 3]},
    ...     index=["E1", "E2", "E3"]))
    >>> ga.p_center(tt, p=1).objective            # S2: worst 12 minutes
    12.0
    """
    inst, groups = _setup(tt, areas, population, must_keep, must_close, candidates, sites,
                          role, zones, min_per_zone, max_per_zone, capacity, capacity_scale,
                          None, method, time_limit, mip_rel_gap)
    p = _check_p(inst, p)
    return _run(inst, groups, "p_center", p=p, threshold=None, unserved_minutes=None,
                method=method, time_limit=time_limit, mip_rel_gap=mip_rel_gap,
                tie_break=tie_break, single_source=single_source, name=name, seed=seed)


# ============================================================================= trade-offs
def _p_values(inst: _Instance, p_values: Any) -> list[int]:
    low = max(1, int(inst.keep.sum()), int(inst.zones.lo.sum()) if len(inst.zone_names) else 1)
    if p_values is None:
        if inst.m <= 60:
            return list(range(low, inst.m + 1))
        return sorted({int(round(v)) for v in np.linspace(low, inst.m, 30)})
    if isinstance(p_values, (int, np.integer)):
        p_values = [p_values]
    out = []
    for v in p_values:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise InputError(f"p_values must be whole numbers >= 1, got {v!r}")
        out.append(int(v))
    return sorted(set(out))


def _row(sol: Solution, problem: str, p: int, threshold: float) -> dict[str, Any]:
    lab = threshold_label(threshold)
    wcol = [c for c in sol.areas.columns if c not in ("site_id", "minutes", "reason")
            and not c.startswith("within_")][0]
    s = summarise_minutes(sol.areas["minutes"], sol.areas[wcol], thresholds=[threshold])
    if sol.allocation is not None:
        # under capacities people count as within T where they are assigned within T
        a = sol.allocation
        inside = float(a.loc[a["minutes"] <= threshold, wcol].sum())
        total = float(sol.areas[wcol].sum())
        s[f"population_within_{lab}"] = inside
        s[f"share_within_{lab}"] = inside / total if total > 0 else np.nan
    return {"problem": problem, "p": p, "scenario": sol.scenario.name,
            "mean_minutes": s["mean_minutes"], "max_minutes": s["max_minutes"],
            f"population_within_{lab}": s[f"population_within_{lab}"],
            f"share_within_{lab}": s[f"share_within_{lab}"],
            "status": sol.status, "gap": sol.gap, "seconds": sol.seconds,
            "sites": ", ".join(sol.open_sites)}


def trade_off(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    p_values: Iterable[int] | None = None,
    threshold_minutes: float = 15.0,
    problems: Iterable[str] = ("p_median", "max_coverage"),
    proposals: Scenario | Iterable[Scenario] = (),
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    equity: Equity | Sequence[Equity] | None = None,
    unserved_minutes: float | None = None,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    progress: bool = False,
) -> pd.DataFrame:
    """The best achievable mean journey and coverage for each number of sites kept.

    For each ``p`` the p-median optimum (shortest mean journey) and the maximal-coverage
    optimum (most people within ``threshold_minutes``) are found under the same rules,
    so a council can see what keeping 8, 12, 18... sites could at best achieve, and
    where its proposals sit (``proposals``, evaluated with :func:`geoaccess.evaluate`).

    Parameters
    ----------
    tt, areas, population, must_keep, must_close, candidates, sites, role, zones,
    min_per_zone, max_per_zone, capacity, capacity_scale, equity, unserved_minutes,
    method, time_limit, mip_rel_gap
        As for :func:`p_median` and :func:`max_coverage`.
    p_values : iterable of int, optional
        Numbers of sites to keep (default: every value from the smallest the rules allow
        to all candidates; 30 values spread over that range beyond 60 candidates).
        Values the rules make impossible give rows with ``status="infeasible"``.
    threshold_minutes : float
        Threshold of the coverage optimum and of the ``*_within_<T>`` columns.
    problems : iterable of str
        Which optima: ``"p_median"`` and/or ``"max_coverage"``.
    proposals : Scenario or iterable of Scenario
        Configurations to place on the same axes (``problem="proposal"``, ``p`` = their
        number of open sites).
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    pandas.DataFrame
        One row per problem and ``p`` (then per proposal): ``problem``, ``p``,
        ``scenario``, ``mean_minutes``, ``max_minutes``, ``population_within_<T>``,
        ``share_within_<T>`` (of everyone), ``status``, ``gap``, ``seconds`` and
        ``sites`` (the chosen site ids, comma-separated; rebuild a scenario with
        ``Scenario.from_site_ids(name, row.sites.split(", "))``). ``frame.attrs`` holds
        the threshold and population. Draw it with :func:`geoaccess.plot_trade_off`.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [2.0, 9, 8], "S2": [10.0, 3, 9], "S3": [9.0, 8, 1]},
    ...     index=["E1", "E2", "E3"]))
    >>> t = ga.trade_off(tt, threshold_minutes=5)
    >>> t[t.problem == "max_coverage"][["p", "population_within_5"]].to_dict("list")
    {'p': [1, 2, 3], 'population_within_5': [1.0, 2.0, 3.0]}
    """
    inst, groups = _setup(tt, areas, population, must_keep, must_close, candidates, sites,
                          role, zones, min_per_zone, max_per_zone, capacity, capacity_scale,
                          equity, method, time_limit, mip_rel_gap)
    threshold = _threshold(threshold_minutes)
    wanted = [str(x) for x in ([problems] if isinstance(problems, str) else problems)]
    unknown = [x for x in wanted if x not in ("p_median", "max_coverage")]
    if unknown or not wanted:
        raise InputError(f"problems must be 'p_median' and/or 'max_coverage', got {wanted}")
    values = _p_values(inst, p_values)
    jobs = [(prob, p) for prob in wanted for p in values]
    rows: list[dict[str, Any]] = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(jobs), desc="trade-off", unit="solve")
    lab = threshold_label(threshold)
    for prob, p in jobs:
        try:
            _check_p(inst, p)
            sol = _run(inst, groups, prob, p=p,
                       threshold=threshold if prob == "max_coverage" else None,
                       unserved_minutes=unserved_minutes if prob == "p_median" else None,
                       method=method, time_limit=time_limit, mip_rel_gap=mip_rel_gap,
                       tie_break=True, single_source=False, name=None, seed=None)
            row = _row(sol, prob, p, threshold)
        except InfeasibleError as exc:
            log.info("trade_off: %s with p=%d is infeasible: %s", prob, p, exc)
            row = {"problem": prob, "p": p, "scenario": None, "mean_minutes": np.nan,
                   "max_minutes": np.nan, f"population_within_{lab}": np.nan,
                   f"share_within_{lab}": np.nan, "status": "infeasible", "gap": np.nan,
                   "seconds": np.nan, "sites": ""}
        rows.append(row)
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
    items = [proposals] if isinstance(proposals, Scenario) else list(proposals)
    if items:
        res = _evaluate(inst, areas, items, [threshold])
        for scen in items:
            srow = res.summary.set_index("scenario").loc[scen.name]
            rows.append({"problem": "proposal", "p": len(scen.open_sites),
                         "scenario": scen.name, "mean_minutes": srow["mean_minutes"],
                         "max_minutes": srow["max_minutes"],
                         f"population_within_{lab}": srow[f"population_within_{lab}"],
                         f"share_within_{lab}": srow[f"share_within_{lab}"],
                         "status": "proposal", "gap": np.nan, "seconds": np.nan,
                         "sites": ", ".join(scen.open_sites)})
    frame = pd.DataFrame(rows)
    frame.attrs.update({"threshold_minutes": threshold, "population": inst.pop_name,
                        "mode": inst.tt.mode, "candidates": inst.m})
    return frame


def equity_frontier(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    p: int,
    group: Any = None,
    measure: str = "share_within",
    threshold_minutes: float = 15.0,
    steps: int = 6,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
) -> pd.DataFrame:
    """Efficiency against equity: the best overall access for each level of group access.

    The epsilon-constraint method: first the most efficient choice of ``p`` sites
    (overall optimum, ignoring the group), then the best the group could get, then
    ``steps`` targets between the two, each solved for the best overall access with the
    group held to the target. Each row is a Pareto-efficient configuration: no choice
    does better for everyone without doing worse for the group.

    Parameters
    ----------
    tt, areas, population, must_keep, must_close, candidates, sites, role, zones,
    min_per_zone, max_per_zone, capacity, capacity_scale, time_limit, mip_rel_gap
        As for :func:`p_median`.
    p : int
        Number of sites to keep.
    group : optional
        The group of areas (see :class:`Equity`; default the most deprived areas).
    measure : {"share_within", "mean_minutes"}
        ``"share_within"``: overall population within ``threshold_minutes`` against the
        group's share within it (maximal coverage with ``Equity(min_share=...)``);
        ``"mean_minutes"``: overall mean minutes against the group's mean minutes
        (p-median with ``Equity(max_mean_minutes=...)``).
    threshold_minutes : float
        Threshold of the shares (reported for both measures).
    steps : int
        Number of targets from the efficient end to the equal end (default 6, >= 2).

    Returns
    -------
    pandas.DataFrame
        One row per distinct configuration found (targets giving the same sites are
        shown once, at the first): ``step``, ``target`` (the group's required share or
        mean cap), ``mean_minutes``, ``group_mean_minutes``, ``others_mean_minutes``,
        ``share_within_<T>``, ``group_share_within_<T>``, ``others_share_within_<T>``,
        ``population_within_<T>``, ``status``, ``gap``, ``sites``. ``frame.attrs``
        holds ``measure``, ``threshold_minutes``, ``group`` and ``p``. Draw it with
        :func:`geoaccess.plot_frontier`.

    Examples
    --------
    Keep 1 of 2 sites. S1 serves the majority (E1, 300 children) within 15 minutes;
    S2 serves the deprived area E2 (100 children)::

            S1  S2   children  deprived
        E1   5  30        300     False
        E2  25  10        100      True

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25], "S2": [30.0, 10]},
    ...                                             index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [300.0, 100],
    ...                       "deprived": [False, True]})
    >>> f = ga.equity_frontier(tt, areas, p=1, group="deprived", steps=2,
    ...                        population="children")
    >>> f[["group_share_within_15", "share_within_15", "sites"]].to_dict("list")
    {'group_share_within_15': [0.0, 1.0], 'share_within_15': [0.75, 0.25], 'sites': ['S1', 'S2']}
    """
    if measure not in ("share_within", "mean_minutes"):
        raise InputError(f"measure must be 'share_within' or 'mean_minutes', got {measure!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise InputError(f"steps must be a whole number >= 2, got {steps!r}")
    threshold = _threshold(threshold_minutes)
    probe = Equity(group=group, threshold_minutes=threshold, min_share=0.0)
    inst, groups = _setup(tt, areas, population, must_keep, must_close, candidates, sites,
                          role, zones, min_per_zone, max_per_zone, capacity, capacity_scale,
                          probe, "exact", time_limit, mip_rel_gap)
    p = _check_p(inst, p)
    mask = groups.masks[0]
    label = groups.labels[0]
    none = _Groups([], [], [], np.zeros(len(inst.area_ids), dtype=np.int64))
    run_kw: dict[str, Any] = {"method": "exact", "time_limit": time_limit,
                              "mip_rel_gap": mip_rel_gap, "single_source": False,
                              "name": None, "seed": None}
    share_mode = measure == "share_within"
    prob = "max_coverage" if share_mode else "p_median"
    thr = threshold if share_mode else None
    efficient = _run(inst, none, prob, p=p, threshold=thr, unserved_minutes=None,
                     tie_break=True, **run_kw)
    # the best the group alone could get (others weigh nothing)
    masked = _Instance(**{**inst.__dict__, "w": np.where(mask, inst.w, 0.0)})
    group_best = _run(masked, none, prob, p=p, threshold=thr, unserved_minutes=None,
                      tie_break=False, **run_kw)
    start = _group_stats(efficient, mask, inst.w, threshold)
    end = _group_stats(group_best, mask, inst.w, threshold)
    key = "group_share" if share_mode else "group_mean"
    targets = np.linspace(start[key], end[key], int(steps))
    rows = []
    for k, target in enumerate(targets):
        if k == 0:
            sol = efficient
        else:
            if share_mode:
                eq = Equity(group=group, threshold_minutes=threshold,
                            min_share=float(min(1.0, target - 1e-9)))
            else:
                eq = Equity(group=group, max_mean_minutes=float(target) * (1 + 1e-9) + 1e-9)
            g = _Groups([eq], [mask], [label], mask.astype(np.int64))
            try:
                sol = _run(inst, g, prob, p=p, threshold=thr, unserved_minutes=None,
                           tie_break=True, **run_kw)
            except InfeasibleError:
                log.info("equity_frontier: target %s infeasible", target)
                continue
        st = _group_stats(sol, mask, inst.w, threshold)
        lab = threshold_label(threshold)
        rows.append({"step": k, "target": float(target),
                     "mean_minutes": sol.summary["mean_minutes"],
                     "group_mean_minutes": st["group_mean"],
                     "others_mean_minutes": st["others_mean"],
                     f"share_within_{lab}": sol.summary[f"share_within_{lab}"],
                     f"group_share_within_{lab}": st["group_share"],
                     f"others_share_within_{lab}": st["others_share"],
                     f"population_within_{lab}": sol.summary[f"population_within_{lab}"],
                     "status": sol.status, "gap": sol.gap,
                     "sites": ", ".join(sol.open_sites)})
    frame = pd.DataFrame(rows)
    if len(frame):
        # several targets can share one configuration: keep each Pareto point once
        frame = frame.drop_duplicates("sites", keep="first").reset_index(drop=True)
    frame.attrs.update({"measure": measure, "threshold_minutes": threshold, "group": label,
                        "p": p, "population": inst.pop_name})
    return frame


def _evaluate(inst: _Instance, areas: Any, scenarios: list[Scenario],
              thresholds: Sequence[float]) -> Any:
    """:func:`geoaccess.evaluate` with the weights this instance used."""
    from .evaluate import evaluate

    name = inst.pop_name
    if name is None:
        table = None if areas is None else pd.DataFrame({"area_id": inst.area_ids})
        return evaluate(inst.tt, table, scenarios, population=None, thresholds=thresholds)
    if isinstance(areas, pd.DataFrame) and name in areas.columns and np.allclose(
            pd.to_numeric(areas[name], errors="coerce").to_numpy(np.float64), inst.w):
        return evaluate(inst.tt, areas, scenarios, population=name, thresholds=thresholds)
    # population given as a Series: evaluate a table holding it
    table = pd.DataFrame({"area_id": inst.area_ids.to_numpy(dtype=object), name: inst.w})
    return evaluate(inst.tt, table, scenarios, population=name, thresholds=thresholds)


def _group_stats(sol: Solution, mask: np.ndarray, w: np.ndarray, threshold: float
                 ) -> dict[str, float]:
    m = sol.areas["minutes"].to_numpy(np.float64)
    out = {}
    for name, sel in (("group", mask), ("others", ~mask)):
        ws, ms = w[sel], m[sel]
        ok = np.isfinite(ms)
        total, reached = ws.sum(), ws[ok].sum()
        out[f"{name}_mean"] = float((ws[ok] * ms[ok]).sum() / reached) if reached > 0 \
            else float("nan")
        with np.errstate(invalid="ignore"):
            out[f"{name}_share"] = float(ws[ms <= threshold].sum() / total) if total > 0 \
                else float("nan")
    return out


# ============================================================================= proposal
@dataclass(eq=False)
class ProposalGap:
    """A proposal against the best achievable with the same number of sites.

    Attributes
    ----------
    proposal : Scenario
        The proposal compared.
    p : int
        Its number of open sites (the number the optima keep).
    table : pandas.DataFrame
        Index ``measure``: ``mean_minutes`` and ``population_within_<t>`` for each
        threshold. Columns ``proposal``, ``best`` (the optimum for that measure),
        ``gain`` (how much better the best is: minutes saved, or extra people within
        *t*), ``proposal_share`` / ``best_share`` (population rows: share of everyone),
        ``best_scenario`` (name), ``status`` and ``gap`` of the optimum.
    swaps : pandas.DataFrame
        Single swaps (close one of the proposal's sites, open one it closes), best
        first by ``rank_by``: ``close``, ``open``, ``mean_minutes`` and
        ``change_mean_minutes``, and per threshold ``population_within_<t>`` and
        ``gain_within_<t>`` (extra people within *t* against the proposal).
    best : dict
        Measure → :class:`Solution` (``"mean_minutes"``, ``"within_<t>"``).
    result : Result
        :func:`geoaccess.evaluate` of the proposal and the optima, for
        :func:`geoaccess.compare` (``baseline=proposal.name``), maps and reports.
    thresholds : tuple of float
    population : str or None
    """

    proposal: Scenario
    p: int
    table: pd.DataFrame
    swaps: pd.DataFrame
    best: dict[str, Solution]
    result: Any
    thresholds: tuple[float, ...]
    population: str | None

    def __repr__(self) -> str:
        return (f"ProposalGap({self.proposal.name!r}, p={self.p}, "
                f"thresholds={[float(t) for t in self.thresholds]}, swaps={len(self.swaps)})")

    def sentences(self) -> list[str]:
        """The comparison in plain English, one sentence per measure and the best swap."""
        who = _people_word(self.population)
        out = []
        mm = self.table.loc["mean_minutes"]
        if mm["gain"] > 0.05:
            out.append(f"With the same {self.p} sites, the best choice would cut the average "
                       f"journey from {mm['proposal']:.1f} to {mm['best']:.1f} minutes.")
        else:
            out.append(f"The proposal's average journey ({mm['proposal']:.1f} minutes) is "
                       f"the shortest achievable with {self.p} sites.")
        for t in self.thresholds:
            row = self.table.loc[f"population_within_{threshold_label(t)}"]
            if row["gain"] >= 0.5:
                out.append(f"Within {threshold_label(t)} minutes: {row['best']:,.0f} {who} "
                           f"({row['best_share']:.0%}) at best against {row['proposal']:,.0f} "
                           f"({row['proposal_share']:.0%}) under the proposal, "
                           f"{row['gain']:,.0f} more.")
            else:
                out.append(f"Within {threshold_label(t)} minutes the proposal reaches as many "
                           f"{who} as any choice of {self.p} sites ({row['proposal']:,.0f}).")
        if len(self.swaps):
            s = self.swaps.iloc[0]
            if s["change_mean_minutes"] < -0.05 or any(
                    s[f"gain_within_{threshold_label(t)}"] >= 0.5 for t in self.thresholds):
                parts = [f"{s[f'gain_within_{threshold_label(t)}']:+,.0f} within "
                         f"{threshold_label(t)} min" for t in self.thresholds]
                out.append(f"Best single swap: keep {s['open']} instead of {s['close']} "
                           f"(mean {s['change_mean_minutes']:+.1f} min; {', '.join(parts)}).")
        return out

    def __str__(self) -> str:
        return "\n".join(self.sentences())

    def apply_swap(self, k: int = 0, name: str | None = None) -> Scenario:
        """The proposal with swap ``k`` (a row of :attr:`swaps`) made.

        The site opened takes the role of the site it replaces.
        """
        row = self.swaps.iloc[k]
        role = self.proposal.role_of(row["close"])
        return self.proposal.modified(
            name or f"{self.proposal.name}: {row['open']} for {row['close']}",
            close=[row["close"]], open={row["open"]: role},
            description=f"{self.proposal.name} with {row['open']} kept instead of "
                        f"{row['close']}")


def _people_word(population: str | None) -> str:
    if not population:
        return "areas"
    if "child" in population.lower():
        return "children"
    return "people"


def proposal_vs_best(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None,
    proposal: Scenario,
    *,
    thresholds: Iterable[float] | None = None,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    rank_by: str = "mean_minutes",
    swaps: int | None = 10,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
) -> ProposalGap:
    """How a proposal compares with the best achievable using the same number of sites.

    For the proposal's number of open sites *p*: the p-median optimum (shortest mean
    journey) and, for each threshold, the maximal-coverage optimum, under the same
    rules; how many more people each would reach within each threshold; and the single
    swaps (close one of the proposal's sites, keep one it closes) that gain most.

    Parameters
    ----------
    tt, areas, population, must_keep, must_close, candidates, sites, role, zones,
    min_per_zone, max_per_zone, method, time_limit, mip_rel_gap
        As for :func:`p_median`. The proposal's own sites are always candidates.
    proposal : Scenario
        The configuration proposed (every open site must be in the matrix).
    thresholds : iterable of float, optional
        Minutes (default :data:`geoaccess.settings.thresholds_minutes`).
    rank_by : str
        Order of :attr:`ProposalGap.swaps`: ``"mean_minutes"`` (largest cut first) or
        ``"within_<t>"`` (most extra people within *t* first, then the mean).
    swaps : int or None
        Number of swaps kept (None: all, including those that make things worse).

    Returns
    -------
    ProposalGap
        ``.table`` (proposal against best per measure), ``.swaps``, ``.best``,
        ``.result`` (:func:`geoaccess.evaluate` of them all) and ``str()`` sentences.

    Examples
    --------
    The proposal keeps S3; S1 would serve the 200 children of E1 and E2 within 10::

            S1  S2  S3   children
        E1   5  30  20        100
        E2   8  25  18        100
        E3  30  12  14         50

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 8, 30], "S2": [30.0, 25, 12], "S3": [20.0, 18, 14]},
    ...     index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 100, 50]})
    >>> gap = ga.proposal_vs_best(tt, areas, ga.Scenario("Keep S3", {"S3": "hub"}),
    ...                           thresholds=[10], population="children")
    >>> gap.table.loc["population_within_10", ["proposal", "best", "gain"]].tolist()
    [0.0, 200.0, 200.0]
    >>> gap.swaps.iloc[0][["close", "open"]].tolist()
    ['S3', 'S1']
    """
    from .measures import NearestIndex

    if not isinstance(proposal, Scenario):
        raise InputError(f"proposal: expected a geoaccess.Scenario, got "
                         f"{type(proposal).__name__}")
    t = _travel(tt)
    known = set(map(str, t.site_ids))
    outside = [s for s in proposal.open_sites if s not in known]
    if outside:
        raise InputError(f"proposal {proposal.name!r} opens sites not in the travel-time "
                         f"matrix {show_ids(outside)}", rows=outside)
    cands = None
    if candidates is not None:
        cands = list(dict.fromkeys(_ids(candidates, "candidates") + proposal.open_sites))
    closing = set(_ids(must_close, "must_close")) & set(proposal.open_sites)
    if closing:
        raise InputError(f"proposal {proposal.name!r} opens must-close sites "
                         f"{show_ids(sorted(closing))}", rows=sorted(closing))
    inst, groups = _setup(t, areas, population, must_keep, must_close, cands, sites, role,
                          zones, min_per_zone, max_per_zone, None, 1.0, None, method,
                          time_limit, mip_rel_gap)
    thr = tuple(sorted({_threshold(x, "thresholds") for x in (
        settings.thresholds_minutes if thresholds is None else thresholds)}))
    if not thr:
        raise InputError("thresholds: give at least one threshold")
    p = _check_p(inst, len(proposal.open_sites))
    run_kw: dict[str, Any] = {"method": method, "time_limit": time_limit,
                              "mip_rel_gap": mip_rel_gap, "single_source": False,
                              "seed": None}
    best: dict[str, Solution] = {}
    best["mean_minutes"] = _run(inst, groups, "p_median", p=p, threshold=None,
                                unserved_minutes=None, tie_break=False,
                                name=f"Best {p} (mean minutes)", **run_kw)
    for x in thr:
        lab = threshold_label(x)
        best[f"within_{lab}"] = _run(inst, groups, "max_coverage", p=p, threshold=x,
                                     unserved_minutes=None, tie_break=True,
                                     name=f"Best {p} (within {lab} min)", **run_kw)
    scen = [proposal] + [s.scenario for s in best.values()
                         if s.scenario.name != proposal.name]
    result = _evaluate(inst, areas, scen, thr)
    summ = result.summary.set_index("scenario")
    prop = summ.loc[proposal.name]
    rows = []
    sol = best["mean_minutes"]
    rows.append({"measure": "mean_minutes", "proposal": prop["mean_minutes"],
                 "best": summ.loc[sol.scenario.name, "mean_minutes"],
                 "proposal_share": np.nan, "best_share": np.nan,
                 "best_scenario": sol.scenario.name, "status": sol.status, "gap": sol.gap})
    for x in thr:
        lab = threshold_label(x)
        sol = best[f"within_{lab}"]
        rows.append({"measure": f"population_within_{lab}",
                     "proposal": prop[f"population_within_{lab}"],
                     "best": summ.loc[sol.scenario.name, f"population_within_{lab}"],
                     "proposal_share": prop[f"share_within_{lab}"],
                     "best_share": summ.loc[sol.scenario.name, f"share_within_{lab}"],
                     "best_scenario": sol.scenario.name, "status": sol.status,
                     "gap": sol.gap})
    table = pd.DataFrame(rows).set_index("measure")
    gain = table["best"] - table["proposal"]
    gain.loc["mean_minutes"] = -gain.loc["mean_minutes"]
    table.insert(2, "gain", gain)
    swap_table = _swaps(t, inst, proposal, thr, rank_by, swaps, NearestIndex)
    return ProposalGap(proposal, p, table, swap_table, best, result, thr, inst.pop_name)


def _swaps(t: TravelTimes, inst: _Instance, proposal: Scenario, thr: tuple[float, ...],
           rank_by: str, keep_n: int | None, NearestIndex: Any) -> pd.DataFrame:
    """Every single swap of the proposal, scored on the whole matrix at once."""
    labels = [threshold_label(x) for x in thr]
    if rank_by != "mean_minutes" and rank_by not in [f"within_{lab}" for lab in labels]:
        raise InputError(f"rank_by must be 'mean_minutes' or one of "
                         f"{[f'within_{lab}' for lab in labels]}, got {rank_by!r}")
    ids = inst.area_ids
    wanted = set(ids)
    sub = t.subset(areas=[a for a in t.minutes.index if str(a) in wanted])
    index = NearestIndex(sub)
    site_ids = [str(s) for s in index.site_ids]
    pos = {s: k for k, s in enumerate(site_ids)}
    base = np.zeros(len(site_ids), dtype=bool)
    base[[pos[s] for s in proposal.open_sites]] = True
    keep = set(np.array(inst.cand, dtype=object)[inst.keep])
    closable = [s for s in proposal.open_sites if s not in keep]
    openable = [s for s in inst.cand if s not in proposal.roles]
    pairs, masks = [], [base]
    zone_of = {s: int(z) for s, z in zip(inst.cand, inst.zones.of, strict=True)}
    for s in closable:
        for c in openable:
            if len(inst.zone_names):
                trial = np.array([x in proposal.roles and x != s or x == c for x in inst.cand])
                counts = inst.zones.counts(trial)
                zs, zc = zone_of.get(s, -1), zone_of.get(c, -1)
                if (zs >= 0 and counts[zs] < inst.zones.lo[zs]) or \
                        (zc >= 0 and counts[zc] > inst.zones.hi[zc]):
                    continue
            m = base.copy()
            m[pos[s]] = False
            m[pos[c]] = True
            pairs.append((s, c))
            masks.append(m)
    wname = inst.pop_name or "weight"
    weights = pd.Series(inst.w, index=ids).reindex(index.area_ids.astype(str))
    scores = index.scores(np.array(masks), weights.to_numpy(), thresholds=thr)
    cols = ["close", "open", "mean_minutes", "change_mean_minutes"] + [
        c for lab in labels for c in (f"population_within_{lab}", f"gain_within_{lab}")]
    if not pairs:
        return pd.DataFrame(columns=cols)
    b = scores.iloc[0]
    sc = scores.iloc[1:].reset_index(drop=True)
    out = pd.DataFrame({"close": [s for s, _ in pairs], "open": [c for _, c in pairs],
                        "mean_minutes": sc["mean_minutes"],
                        "change_mean_minutes": sc["mean_minutes"] - b["mean_minutes"]})
    for lab in labels:
        out[f"population_within_{lab}"] = sc[f"population_within_{lab}"]
        out[f"gain_within_{lab}"] = sc[f"population_within_{lab}"] - b[
            f"population_within_{lab}"]
    if rank_by == "mean_minutes":
        out = out.sort_values(["change_mean_minutes", "close", "open"], kind="stable")
    else:
        lab = rank_by.removeprefix("within_")
        out = out.sort_values([f"gain_within_{lab}", "change_mean_minutes"],
                              ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    del wname
    return out if keep_n is None else out.head(int(keep_n))

