"""The optimisation problem: its constraints, and the instance built once from the matrix.

:class:`Constraints` holds what a choice of sites must respect (must-keep and must-close
sites, the candidates, zones with their minimum and maximum of open sites, capacities,
equity constraints) and how the chosen sites are labelled (``sites``, ``role``). Every
optimiser takes them as keywords or all at once as ``constraints=Constraints(...)``.
(``Rules`` and ``rules=`` are their old names, kept for one release with a FutureWarning:
in :func:`geoaccess.evaluate`, ``rules=`` means the council's access standards.)

:class:`Instance` is what the solvers work on: the constraints checked against the matrix and
the areas, turned into arrays (minutes areas × candidate sites, weights, zones,
capacities, equity groups). It is built once per call (once for a whole
:func:`~geoaccess.optimise.trade_off`), never per solve.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [1.0, 9, 8], "S2": [9.0, 2, 7], "S3": [5.0, 6, 5]}, index=["E1", "E2", "E3"]))
>>> inst = Instance.build(tt, None, population=None,
...                       constraints=Constraints(must_close=["S2"]))
>>> inst.cand, inst.D.tolist()
(['S1', 'S3'], [[1.0, 5.0], [9.0, 6.0], [8.0, 5.0]])
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from .._deprecate import renamed_option, warn_old
from .._validate import (
    area_ids,
    check_population_column,
    check_population_values,
    show_ids,
    values_by_area,
)
from ..errors import InputError
from ..evaluate import Result, evaluate
from ..matrix import TravelTimes
from ..scenario import Scenario, as_scenario, site_zones
from .costs import COST_COLUMNS, Baseline, money_value
from .equity import Equity, Groups, equity_groups, equity_items

__all__ = [
    "Constraints",
    "InfeasibleError",
    "Instance",
    "Rules",
    "Zones",
    "as_travel_times",
    "constraints_of",
    "instance_of",
    "minutes_value",
    "population_name",
    "site_ids",
]

log = logging.getLogger(__name__)


class InfeasibleError(InputError):
    """The constraints cannot all hold at once (e.g. more must-keep sites than ``p``).

    The message names the constraints in conflict and how to relax them.
    """


# ============================================================================= arguments
def as_travel_times(tt: Any) -> TravelTimes:
    """The matrix as a :class:`~geoaccess.TravelTimes` (a DataFrame of minutes is wrapped)."""
    if isinstance(tt, TravelTimes):
        return tt
    if not isinstance(tt, pd.DataFrame):
        raise InputError(f"expected a TravelTimes (geoaccess.travel_times) or a DataFrame "
                         f"of minutes, got {type(tt).__name__}")
    return TravelTimes.from_frame(tt)


def site_ids(values: Any, what: str) -> tuple[str, ...]:
    """Site ids given as one id, a list, a Scenario or a Solution (its open sites)."""
    if values is None:
        return ()
    if isinstance(values, (str, bytes)):
        return (str(values),)
    scenario = values if isinstance(values, Scenario) else getattr(values, "scenario", None)
    if isinstance(scenario, Scenario):
        return tuple(scenario.open_sites)
    try:
        return tuple(str(v) for v in values)
    except TypeError as exc:
        raise InputError(f"{what}: expected a list of site ids, got {type(values).__name__}"
                         ) from exc


def minutes_value(value: Any, what: str = "threshold_minutes") -> float:
    """A positive number of minutes, or an InputError naming the parameter ``what``."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must be a number of minutes, got {value!r}") from exc
    if not (math.isfinite(v) and v > 0):
        raise InputError(f"{what} must be a positive number of minutes, got {value!r}")
    return v


def population_name(population: Any, what: str) -> Any:
    """``population`` as given, warning when it is a Series rather than a column name.

    The warning points at the user's line (:func:`geoaccess._deprecate.warn_old`).
    """
    if isinstance(population, pd.Series):
        name = population.name if population.name is not None else "population"
        warn_old(f"{what}: population as a Series is deprecated and will be refused in "
                 f"a future release; add it to the areas table as a column and pass "
                 f"population={str(name)!r}")
    return population


# ======================================================================= constraints
@dataclass(frozen=True, eq=False)
class Constraints:
    """What a choice of sites must respect, and how the chosen sites are labelled.

    Every optimiser takes these as keywords (``must_keep=[...]``) or all at once as
    ``constraints=Constraints(...)``, which is handy when the same constraints serve
    several questions. (Not to be confused with the ``rules=`` of
    :func:`geoaccess.evaluate`, the council's access standards.)

    Parameters
    ----------
    must_keep, must_close : iterable of str
        Site ids that must stay open / must close (a Scenario or a Solution gives its
        open sites).
    candidates : iterable of str, optional
        Sites that may be chosen (default every site of the matrix); must-keep sites are
        always candidates.
    sites : pandas.DataFrame, optional
        The sites table (:func:`geoaccess.read_sites`): the chosen sites take the role of
        their ``kind``, and ``capacity``/``zones``/``running_cost`` (with
        ``closure_cost``/``opening_cost``) columns are read from it.
    role : str, optional
        Role of the chosen sites that are not open in ``current`` (sites added); without
        ``current``, of every chosen site. Default: the site's kind, else ``"centre"``.
    current : Scenario or Solution, optional
        The configuration today, against which savings, one-off costs and the sites
        kept, added and closed (:attr:`Solution.changes`) are counted; a site it opens
        and the optimiser keeps stays in its role (a kept hub stays a hub). Default:
        every site of ``sites`` in the role of its kind (else every site of the matrix).
    budget : float, optional
        Most the chosen sites may cost to run, in pounds a year (the ``running_cost``
        column of ``sites``): the best access within a budget. ``p`` may then be left
        out (any number of sites within the budget).
    min_saving : float, optional
        Least saving a year against ``current``, in pounds: the chosen sites cost at most
        the running cost of ``current`` minus this. With :func:`~geoaccess.p_median`, the
        least access lost for a saving of at least that much; among equally good
        answers, the one keeping most running (nothing closes that the saving does not
        need: :func:`~geoaccess.cost_frontier` shows what more could be saved).
    catchment : {"nearest", "zone"}
        Which open site serves an area: the nearest (default), or only sites of the
        area's own zone (``zones`` must then be a column of the areas, e.g. ``"ward"``;
        with ``min_per_zone=max_per_zone=1``, one hub per locality used by its
        families). The returned scenario carries the same rule.
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
        Constraints on a group of areas (e.g. the most deprived), see
        :class:`~geoaccess.Equity`; at most 4.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [1.0, 9, 8], "S2": [9.0, 2, 7], "S3": [5.0, 6, 5]},
    ...     index=["E1", "E2", "E3"]))
    >>> constraints = ga.Constraints(must_keep=["S3"], must_close=["S2"])
    >>> ga.p_median(tt, p=2, constraints=constraints).open_sites
    ['S1', 'S3']
    """

    must_keep: Iterable[str] = ()
    must_close: Iterable[str] = ()
    candidates: Iterable[str] | None = None
    sites: pd.DataFrame | None = field(default=None, repr=False)
    role: str | None = None
    zones: str | Mapping[str, Any] | None = None
    min_per_zone: int | Mapping[Any, int] | None = 1
    max_per_zone: int | Mapping[Any, int] | None = None
    capacity: bool | str | Mapping[str, float] | None = None
    capacity_scale: float = 1.0
    single_source: bool = False
    equity: Equity | Sequence[Equity] | None = None
    current: Scenario | Any = None
    budget: float | None = None
    min_saving: float | None = None
    catchment: str = "nearest"

    def __post_init__(self) -> None:
        # lists and generators become tuples, so one Constraints serves any number of calls
        object.__setattr__(self, "must_keep", site_ids(self.must_keep, "must_keep"))
        object.__setattr__(self, "must_close", site_ids(self.must_close, "must_close"))
        if self.candidates is not None:
            object.__setattr__(self, "candidates", site_ids(self.candidates, "candidates"))
        object.__setattr__(self, "equity", equity_items(self.equity) or None)
        if self.current is not None:
            object.__setattr__(self, "current", as_scenario(self.current))
        object.__setattr__(self, "budget", money_value(self.budget, "budget"))
        object.__setattr__(self, "min_saving", money_value(self.min_saving, "min_saving"))
        if self.catchment not in ("nearest", "zone"):
            raise InputError(f"catchment must be 'nearest' or 'zone', got {self.catchment!r}"
                             " (an allocation fixes each area's site: there is nothing to "
                             "choose)", column="catchment")


class Rules(Constraints):
    """Old name of :class:`Constraints` (FutureWarning; it will be removed).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always"); old = Rules(must_keep=["S3"])
    >>> isinstance(old, Constraints), caught[0].category.__name__
    (True, 'FutureWarning')
    """

    def __post_init__(self) -> None:
        warn_old("geoaccess.Rules is now geoaccess.Constraints (in geoaccess.evaluate, "
                 "rules= means access standards); the old name will be removed in a future "
                 "release")
        super().__post_init__()


_DEFAULTS = {f.name: f.default for f in fields(Constraints)}


def _is_default(value: Any, default: Any) -> bool:
    """True if a constraint keyword was left as it was (an empty list counts as ``()``)."""
    if value is default:
        return True
    if default == ():
        return isinstance(value, (list, tuple)) and not value
    return default is not None and type(value) is type(default) and value == default


def constraints_of(given: Mapping[str, Any], *, what: str) -> Constraints:
    """The constraints of one call: ``constraints=`` or the constraint keywords, not both.

    ``given`` holds the calling function's arguments (its ``locals()``): ``constraints``
    (or its old name ``rules``, with a FutureWarning), and those named like a field of
    :class:`Constraints`, its constraint keywords. A constraint the function does not
    take (e.g. ``equity`` for :func:`~geoaccess.optimise.set_cover`) must be left unset
    in ``constraints``.

    Examples
    --------
    >>> constraints_of({"constraints": None, "must_keep": ["S1"]}, what="p_median").must_keep
    ('S1',)
    """
    given_c = renamed_option(given.get("constraints"), given.get("rules"), new="constraints",
                             old="rules", func=what, note="evaluate's rules= are access standards")
    keywords = {k: given[k] for k in _DEFAULTS if k in given}
    if given_c is None:
        return Constraints(**keywords)
    if not isinstance(given_c, Constraints):
        raise InputError(f"{what}: constraints must be a geoaccess.Constraints, got "
                         f"{type(given_c).__name__}", column="constraints")
    if type(given_c) is not Constraints:  # the old Rules: copies (replace) must not warn
        given_c = Constraints(**{k: getattr(given_c, k) for k in _DEFAULTS})
    clash = [k for k, v in keywords.items() if not _is_default(v, _DEFAULTS[k])]
    if clash:
        raise InputError(f"{what}: give the constraints either as constraints= or as "
                         f"keywords, not both (keywords given: {', '.join(clash)})")
    unused = [k for k in _DEFAULTS if k not in keywords
              and not _is_default(getattr(given_c, k), _DEFAULTS[k])]
    if unused:
        raise InputError(f"{what} takes no {' or '.join(unused)} constraint; leave "
                         f"{'it' if len(unused) == 1 else 'them'} out of constraints=")
    return given_c


def instance_of(tt: Any, areas: Any, given: Mapping[str, Any], *, what: str,
                constraints: Constraints | None = None) -> Instance:
    """The :class:`Instance` of one optimiser call from its arguments (``locals()``).

    ``given["population"]``: see :func:`population_name`; the constraints are read by
    :func:`constraints_of`, unless given (already read and adjusted) as ``constraints``.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [1.0], "S2": [2.0]}, index=["E1"]))
    >>> instance_of(tt, None, {"population": None, "must_close": ["S2"]}, what="x").cand
    ['S1']
    """
    if constraints is None:
        constraints = constraints_of(given, what=what)
    return Instance.build(tt, areas, population=population_name(given.get("population"), what),
                          constraints=constraints)


# ============================================================================= instance
@dataclass
class Zones:
    """Zone of each candidate (-1 = none) and per-zone bounds on open sites."""

    of: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def none(cls, m: int) -> Zones:
        """No zones over ``m`` candidates."""
        return cls(np.full(m, -1), np.zeros(0, np.int64), np.zeros(0, np.int64))

    def counts(self, open_: np.ndarray) -> np.ndarray:
        """Open sites per zone."""
        z = self.of[open_ & (self.of >= 0)]
        return np.bincount(z, minlength=len(self.lo))

    def full(self, open_: np.ndarray) -> np.ndarray:
        """Per site: True if its zone already has its maximum of open sites."""
        if not len(self.lo):
            return np.zeros(len(self.of), dtype=bool)
        at_max = self.counts(open_) >= self.hi
        return (self.of >= 0) & at_max[np.maximum(self.of, 0)]


@dataclass
class Instance:
    """A validated optimisation instance: arrays over the areas and candidate sites.

    Built by :meth:`build`; the solvers read it and never change it (variants, such as
    the group's own optimum in :func:`~geoaccess.optimise.equity_frontier`, are copies
    made with :func:`dataclasses.replace`).
    """

    tt: TravelTimes
    area_ids: pd.Index            # every input area, input order
    w: np.ndarray                 # weights (population)
    pop_name: str | None
    D: np.ndarray                 # minutes, areas × candidates, inf = no time
    cand: list[str]               # candidate site ids (matrix order)
    keep: np.ndarray              # must-keep mask over candidates
    zones: Zones
    zone_names: list[str]
    capacity: np.ndarray | None
    area_reason: np.ndarray       # reason per area for having no time to any candidate
    table: pd.DataFrame | None    # areas indexed by area_id (attributes)
    sites: pd.DataFrame | None
    role: str | None
    groups: Groups
    single_source: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    baseline: Baseline | None = None      # today's configuration, money and roles
    cost: np.ndarray | None = None        # running cost of each candidate (with a cap)
    cost_cap: float | None = None         # most the chosen sites may cost a year
    catchment: str = "nearest"
    zone_column: str | None = None        # with catchment="zone"
    site_zone: dict[str, Any] = field(default_factory=dict)

    @property
    def reach(self) -> np.ndarray:
        """Per area: True if some candidate has a time to it."""
        return np.isfinite(self.D).any(axis=1)

    @property
    def m(self) -> int:
        """Number of candidate sites."""
        return len(self.cand)

    @classmethod
    def build(cls, tt: Any, areas: Any, *, population: Any,
              constraints: Constraints) -> Instance:
        """Check the constraints against the matrix and the areas, and make the arrays."""
        tt = as_travel_times(tt)
        if getattr(tt, "origins", None) is not None:
            tt, areas = _homes_as_areas(tt, areas, population)
        ids, w, pop_name, table = _weights(areas, tt, population)
        matrix_sites = [str(s) for s in tt.site_ids]
        cand, keep_ids, close_ids = _candidates(constraints, matrix_sites)
        _check_sites_table(constraints.sites, cand)
        site_zone: dict[str, Any] = {}
        if constraints.catchment == "zone":
            cand, site_zone = _zoned_candidates(constraints, cand, keep_ids, table, areas)
        M = tt.minutes.copy()
        M.index = M.index.astype(str)
        M.columns = M.columns.astype(str)
        in_matrix = M.index.get_indexer(ids) >= 0      # (hash lookups: fast on string dtype)
        D = M.reindex(index=ids, columns=cand).to_numpy(np.float64)
        D = np.where(np.isnan(D), np.inf, D)
        keep = np.isin(np.array(cand, dtype=object), keep_ids)
        # why an area has no time to any candidate
        reach = np.isfinite(D).any(axis=1)
        reason = np.full(len(ids), None, dtype=object)
        area_series = tt.area_reason.copy()
        area_series.index = area_series.index.astype(str)
        area_r = area_series.reindex(ids).to_numpy(dtype=object)
        for i in np.nonzero(~reach)[0]:
            if not in_matrix[i]:
                reason[i] = "area not in the travel-time matrix"
            elif isinstance(area_r[i], str) and area_r[i]:
                reason[i] = area_r[i]
            else:
                reason[i] = f"no time to any candidate site ({tt.pair_reason})"
        zone_obj, zone_names = _zones(constraints, cand, areas)
        if constraints.catchment == "zone" and table is not None:
            D = _own_zone(D, str(constraints.zones), cand, site_zone, table, reason)
        cap = _capacity(constraints.capacity, cand, constraints.sites, constraints.capacity_scale)
        used: dict[str, Any] = {"candidates": len(cand), "must_keep": sorted(keep_ids),
                                "must_close": sorted(close_ids)}
        baseline = Baseline.build(constraints.current, constraints.sites, matrix_sites,
                                  role=constraints.role)
        cost = cost_cap = None
        if constraints.budget is not None or constraints.min_saving is not None:
            cost = baseline.check_costs(cand, "budget/min_saving")
            cost_cap = baseline.cap(constraints.budget, constraints.min_saving)
            used.update({"budget": constraints.budget, "min_saving": constraints.min_saving,
                         "current_running_cost": baseline.current_cost,
                         "running_cost_cap": cost_cap})
            floor = float(cost[keep].sum())
            if cost_cap is not None and floor > cost_cap + 1e-9:
                raise InfeasibleError(
                    f"the must-keep sites alone cost {floor:,.0f} a year, more than the "
                    f"{cost_cap:,.0f} allowed by {_cost_rules(constraints, baseline)}; keep fewer "
                    "or lower the saving", column="running_cost")
        return cls(tt, ids, w, pop_name, D, cand, keep, zone_obj, zone_names, cap, reason,
                   table, constraints.sites, constraints.role,
                   equity_groups(constraints.equity, ids, table),
                   bool(constraints.single_source), used, baseline=baseline, cost=cost,
                   cost_cap=cost_cap, catchment=constraints.catchment,
                   zone_column=str(constraints.zones) if constraints.catchment == "zone" else None,
                   site_zone=site_zone)

    # ------------------------------------------------------------------ checks
    def optional_p(self, p: Any, problem: str) -> int | None:
        """``p`` checked as :meth:`check_p`, or None (any number of sites).

        None is allowed when a budget, a saving or every candidate's zone maximum bounds
        the choice.
        """
        if p is not None:
            return self.check_p(p)
        bounded = self.cost_cap is not None or (
            len(self.zone_names) > 0 and bool((self.zones.hi < self.m).all())
            and bool((self.zones.of >= 0).all()))
        if not bounded:
            raise InputError(f"{problem}: give p, the number of sites to keep, or a budget= "
                             "/ min_saving= (or zones with max_per_zone) to bound the choice")
        return None

    def check_p(self, p: Any) -> int:
        """``p`` as a number of sites these constraints allow (else InputError/InfeasibleError)."""
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
            raise InputError(f"p must be a whole number of sites, got {p!r}")
        p = int(p)
        n_keep = int(self.keep.sum())
        if p < 1:
            raise InputError(f"p must be at least 1, got {p}")
        if p > self.m:
            raise InfeasibleError(f"p={p} but only {self.m} candidate sites; lower p or add "
                                  "candidates")
        if n_keep > p:
            raise InfeasibleError(f"{n_keep} must-keep sites but p={p}; raise p or keep fewer")
        if len(self.zone_names):
            need = int(self.zones.lo.sum())
            if need > p:
                raise InfeasibleError(f"the zones need at least {need} sites "
                                      f"({len(self.zone_names)} zones) but p={p}; raise p or "
                                      "lower min_per_zone")
        return p

    def auto_penalty(self) -> float:
        """Minutes longer than any in the matrix: the cost of an unserved area."""
        finite = self.D[np.isfinite(self.D)]
        return float(finite.max()) + 1.0 if len(finite) else 1.0

    def infeasible(self, problem: str, p: int | None, extra: str = "") -> InfeasibleError:
        """The error for constraints that cannot all hold, naming each one in play."""
        conflicts = []
        if self.keep.any():
            conflicts.append(f"{int(self.keep.sum())} must-keep sites")
        if len(self.zone_names):
            conflicts.append(f"zones ({len(self.zone_names)})")
        if self.capacity is not None:
            total = float(self.capacity.sum())
            need = float(self.w[self.reach].sum())
            conflicts.append(f"capacities (all candidates together hold {total:,.0f} for a "
                         f"population of {need:,.0f})")
        if self.groups.items:
            conflicts.append("equity: " + "; ".join(e.describe(lab) for e, lab in zip(
                self.groups.items, self.groups.labels, strict=True)))
        if self.cost_cap is not None:
            conflicts.append(f"running cost at most {self.cost_cap:,.0f} a year")
        if self.catchment == "zone":
            conflicts.append(f"families use a site of their own {self.zone_column}")
        if problem in ("p_median", "p_center"):
            conflicts.append("every area with people that some candidate reaches must be served "
                         "(areas with no time to most sites restrict the choice; "
                         "unserved_minutes= relaxes this for p_median)")
        ptxt = f" with p={p}" if p is not None else ""
        return InfeasibleError(f"{problem}{ptxt}: no choice of sites meets every constraint "
                               f"({'; '.join(conflicts) or 'none'}){extra}; relax one of them")

    def evaluate(self, areas: Any, scenarios: list[Scenario], thresholds: Sequence[float]
                 ) -> Result:
        """:func:`geoaccess.evaluate` of ``scenarios`` with the weights of this instance."""
        name = self.pop_name
        if name is None:
            table = None if areas is None else pd.DataFrame({"area_id": self.area_ids})
            return evaluate(self.tt, table, scenarios, population=None, thresholds=thresholds)
        if isinstance(areas, pd.DataFrame) and name in areas.columns and np.allclose(
                pd.to_numeric(areas[name], errors="coerce").to_numpy(np.float64), self.w):
            return evaluate(self.tt, areas, scenarios, population=name, thresholds=thresholds)
        # population given as a Series: evaluate a table holding it
        table = pd.DataFrame({"area_id": self.area_ids.to_numpy(dtype=object), name: self.w})
        return evaluate(self.tt, table, scenarios, population=name, thresholds=thresholds)


# ============================================================================= building
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


def _candidates(constraints: Constraints, matrix_sites: list[str]
                ) -> tuple[list[str], list[str], list[str]]:
    """Candidate sites (matrix order), must-keep and must-close ids, checked."""
    keep_ids, close_ids = list(constraints.must_keep), list(constraints.must_close)
    given = None if constraints.candidates is None else list(constraints.candidates)
    known = set(matrix_sites)
    for what, lst in (("must_keep", keep_ids), ("must_close", close_ids),
                      ("candidates", given or [])):
        unknown = [s for s in lst if s not in known]
        if unknown:
            raise InputError(f"{what}: site ids not in the travel-time matrix "
                             f"{show_ids(unknown)}; sites are {show_ids(matrix_sites)}",
                             column="site_id", rows=unknown)
    both = sorted(set(keep_ids) & set(close_ids))
    if both:
        raise InputError(f"sites both in must_keep and must_close {show_ids(both)}",
                         column="site_id", rows=both)
    chosen = set(matrix_sites if given is None else given)
    extra = [s for s in keep_ids if s not in chosen]
    if extra:
        log.info("must-keep sites %s added to the candidates", extra)
    chosen = (chosen | set(keep_ids)) - set(close_ids)
    cand = [s for s in matrix_sites if s in chosen]
    if not cand:
        raise InfeasibleError("no candidate sites left (after must_close and candidates)")
    return cand, keep_ids, close_ids


def _check_sites_table(sites: Any, cand: list[str]) -> None:
    if sites is None:
        return
    if not isinstance(sites, pd.DataFrame) or "site_id" not in sites.columns:
        raise InputError("sites: expected the sites table (geoaccess.read_sites) with a "
                         "'site_id' column", column="site_id")
    listed = set(sites["site_id"].astype(str))
    missing = [s for s in cand if s not in listed]
    if missing:
        raise InputError(f"sites: candidate sites of the matrix are missing from the "
                         f"sites table {show_ids(missing)}; pass candidates= to leave "
                         "them out", column="site_id", rows=missing)


def _zone_of(zones: Any, sites: Any, areas: Any) -> tuple[dict[str, Any], list[Any]]:
    """Each site's zone, and the zones that must count even without a candidate."""
    if isinstance(zones, (Mapping, pd.Series)):
        return {str(k): v for k, v in zones.items() if not pd.isna(v)}, []
    if not isinstance(zones, str):
        raise InputError(f"zones: expected a column name or a mapping site_id -> zone, got "
                         f"{type(zones).__name__}")
    required: list[Any] = []
    if isinstance(areas, pd.DataFrame) and zones in areas.columns:
        # every zone with areas counts, even one without a candidate site
        required = [v for v in pd.unique(areas[zones]) if not pd.isna(v)]
    if isinstance(sites, pd.DataFrame) and zones in sites.columns:
        return site_zones(sites, zones), required
    if required:
        return site_zones(sites, zones, areas), required
    where = ["sites"] if sites is not None else []
    where += ["areas"] if areas is not None else []
    places = " or ".join(where) or "the inputs (pass sites= or areas=)"
    raise InputError(f"zones={zones!r}: no such column in {places}", column=zones)


def _zones(constraints: Constraints, cand: list[str], areas: Any) -> tuple[Zones, list[str]]:
    m = len(cand)
    if constraints.zones is None:
        return Zones.none(m), []
    zone_of, required = _zone_of(constraints.zones, constraints.sites, areas)
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

    lo = bound(constraints.min_per_zone, 0)
    hi = bound(constraints.max_per_zone, m)
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
    return Zones(of, lo, hi), [str(z) for z in names]


def _cost_rules(constraints: Constraints, baseline: Baseline) -> str:
    parts = []
    if constraints.budget is not None:
        parts.append(f"budget={constraints.budget:,.0f}")
    if constraints.min_saving is not None:
        parts.append(f"min_saving={constraints.min_saving:,.0f} (today's sites cost "
                     f"{baseline.current_cost:,.0f})")
    return " and ".join(parts)


def _zoned_candidates(constraints: Constraints, cand: list[str], keep_ids: list[str], table: Any,
                      areas: Any) -> tuple[list[str], dict[str, Any]]:
    """Candidates with a zone (a site of no zone serves no one under the zone rule)."""
    column = constraints.zones
    if not isinstance(column, str) or table is None or column not in table.columns:
        raise InputError("catchment='zone' needs zones= naming a column of the areas (e.g. "
                         f"zones='ward'), got zones={column!r}", column="zones")
    zone_of = site_zones(constraints.sites, column, areas)
    none = [s for s in cand if s not in zone_of]
    kept = [s for s in none if s in keep_ids]
    if kept:
        raise InputError(f"must_keep: sites {show_ids(kept)} have no {column}, so under "
                         "catchment='zone' they would serve no one; give them a zone or "
                         "leave them out", column=column, rows=kept)
    if none:
        log.info("catchment='zone': candidates %s have no %s and are left out", none, column)
    left = [s for s in cand if s in zone_of]
    if not left:
        raise InfeasibleError(f"catchment='zone': no candidate site has a {column}")
    return left, {s: zone_of[s] for s in left}


def _own_zone(D: np.ndarray, column: str, cand: list[str], zone_of: Mapping[str, Any],
              table: pd.DataFrame, reason: np.ndarray) -> np.ndarray:
    """The matrix with each area limited to candidates of its own zone (catchment rule)."""
    area_zone = table[column].to_numpy(dtype=object)
    codes, _ = pd.factorize(pd.Series(list(area_zone) + [zone_of.get(s) for s in cand],
                                      dtype=object))
    n = len(area_zone)
    row = np.where(codes[:n] < 0, -1, codes[:n])
    col = np.where(codes[n:] < 0, -2, codes[n:])
    own = row[:, None] == col[None, :]
    had = np.isfinite(D).any(axis=1)
    D = np.where(own, D, np.inf)
    for i in np.nonzero(had & ~np.isfinite(D).any(axis=1))[0]:
        z = area_zone[i]
        reason[i] = (f"the area has no {column} (catchment rule)" if pd.isna(z) else
                     f"no candidate site in its {column} {z!r} (catchment rule)")
    return D


def _capacity(capacity: Any, cand: list[str], sites: Any, scale: float) -> np.ndarray | None:
    if capacity is None or capacity is False:
        return None
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise InputError(f"capacity_scale must be a positive number, got {scale!r}")
    if isinstance(capacity, str) and capacity in COST_COLUMNS:
        raise InputError(f"capacity={capacity!r} is a cost in pounds, not a capacity; to "
                         "close sites for a saving give min_saving= (or a budget=), which "
                         "read the sites' running_cost", column=capacity)
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


def _homes_as_areas(tt: Any, areas: Any, population: Any) -> tuple[Any, pd.DataFrame]:
    """A matrix of homes as one the optimisers read: every home a demand point.

    Each home carries its share of its area's demand (:meth:`TravelTimes.row_weights`)
    and its area's attributes (zones, deciles), so the optimiser sees every home and a
    site that is only some homes' nearest still counts. An areas table already holding
    one row per home (ids = the matrix's rows) is used as it is.
    """
    from ..matrix import TravelTimes

    if not isinstance(areas, pd.DataFrame) or "area_id" not in areas.columns:
        raise InputError("the optimisers need the areas table (area_id and the population "
                         "column) to spread each area's demand over its homes",
                         column="area_id")
    minutes = tt.minutes.astype("float64")
    plain = TravelTimes.from_frame(minutes, mode=tt.mode, provenance=tt.provenance)
    given = set(areas["area_id"].astype(str))
    if set(map(str, tt.row_ids)) <= given:
        return plain, areas
    if population is None:  # as everywhere else: the first column read_areas was told of
        listed = list(areas.attrs.get("population", []) or [])
        population = str(listed[0]) if listed else None
    if not isinstance(population, str):
        raise InputError("with a matrix of homes, give population= as a column of the "
                         "areas table", column="population")
    rows = tt.origins[["area_id"]].copy()
    rows[population] = tt.row_weights(areas, population).reindex(rows.index).to_numpy()
    other = [c for c in areas.columns if c not in ("area_id", population, "geometry")]
    table = pd.DataFrame(areas).set_index(areas["area_id"].astype(str))[other]
    rows = rows.join(table, on="area_id").rename(columns={"area_id": "home_area_id"})
    rows = rows.rename_axis("area_id").reset_index()
    rows.attrs["population"] = [population]  # each home weighs its share, never 1
    return plain, rows
