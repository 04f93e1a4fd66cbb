"""Access measures: how reachable families are under a configuration of sites.

Every measure is array work on a precomputed :class:`~geoaccess.TravelTimes` matrix
(areas × sites, minutes): no shortest-path search runs here. Each function takes the
matrix and a :class:`~geoaccess.Scenario` and returns a pandas object indexed by
``area_id`` with every area of the matrix, in the matrix's order.

==================================  ===================================================
measure                             function
==================================  ===================================================
minutes to the nearest open site    :func:`nearest`
within thresholds (flags, counts)   :func:`within`
population within thresholds        :func:`population_within`, :func:`summarise_minutes`
gravity (Hansen potential)          :func:`gravity`, :func:`decay_weights`
2SFCA and enhanced 2SFCA            :func:`two_step_fca`, :func:`enhanced_two_step_fca`
supply of each open site            :func:`site_supply`
a council's standard                :class:`AccessRule`, :func:`meets_rule`
many configurations at once         :class:`NearestIndex`, :func:`nearest_minutes_many`,
                                    :func:`score_many`
==================================  ===================================================

Conventions
-----------
- Times are minutes; a pair with no time (NaN in the matrix) is never "within" anything
  and never the nearest. Where an area has no time to any open site, its nearest minutes
  are NaN and :func:`nearest` gives the reason (from :attr:`TravelTimes.reasons`).
- "Within *t* minutes" means a time ``<= t`` (inclusive), as in the DfT Journey Time
  Statistics (JTS) and PySAL ``access``.
- Ties for the nearest site go to the site listed first in the matrix.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [5.0, 25.0, None], "S2": [12.0, 8.0, 40.0]}, index=["E1", "E2", "E3"]))
>>> both = ga.Scenario("A", {"S1": "hub", "S2": "centre"})
>>> ga.measures.nearest(tt, both).nearest_minutes.tolist()
[5.0, 8.0, 40.0]
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import settings
from ._validate import check_population_values, show_ids, values_by_area
from .errors import InputError
from .matrix import TravelTimes
from .scenario import Scenario, scenario_masks

__all__ = [
    "AccessRule",
    "NearestIndex",
    "decay_weights",
    "enhanced_two_step_fca",
    "gravity",
    "meets_rule",
    "nearest",
    "nearest_minutes_many",
    "population_within",
    "score_many",
    "site_supply",
    "summarise_minutes",
    "threshold_label",
    "two_step_fca",
    "within",
]

log = logging.getLogger(__name__)

#: Default E2SFCA bands (upper limit in minutes → weight), from Luo and Qi (2009), whose
#: weights 1, 0.68 and 0.22 come from a Gaussian decay over three 10-minute bands. PySAL
#: ``access`` uses the same default.
E2SFCA_BANDS: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))

#: Sessions in a full week of opening (5 days × morning and afternoon), the denominator
#: when an outreach site's capacity is scaled by its ``sessions_per_week``.
FULL_WEEK_SESSIONS: float = 10.0

TravelLike = TravelTimes | pd.DataFrame


# ============================================================================ helpers
def threshold_label(minutes: float) -> str:
    """Text used for a threshold in column names: ``15`` → ``"15"``, ``7.5`` → ``"7.5"``.

    Columns built from it: ``within_{label}``, ``sites_within_{label}``,
    ``population_within_{label}``, ``share_within_{label}``.

    Examples
    --------
    >>> threshold_label(15.0), threshold_label(7.5)
    ('15', '7.5')
    """
    return f"{float(minutes):g}"


def _thresholds(thresholds: Iterable[float] | float | None) -> tuple[float, ...]:
    if thresholds is None:
        thresholds = settings.thresholds_minutes
    if isinstance(thresholds, (int, float)):
        thresholds = (thresholds,)
    try:
        values = [float(t) for t in thresholds]
    except (TypeError, ValueError) as exc:
        raise InputError(f"thresholds must be numbers of minutes, got {thresholds!r}") from exc
    bad = [t for t in values if not (math.isfinite(t) and t > 0)]
    if bad:
        raise InputError(f"thresholds must be positive numbers of minutes, got {bad}")
    return tuple(sorted(set(values)))


def _matrix(tt: Any) -> tuple[np.ndarray, pd.Index, pd.Index]:
    """Minutes (float64 areas × sites), area ids and site ids of a matrix-like input."""
    if isinstance(tt, NearestIndex):
        tt = tt.travel_times
    if isinstance(tt, TravelTimes):
        m = tt.minutes
    elif isinstance(tt, pd.DataFrame):
        m = tt
    else:
        raise InputError(f"expected a TravelTimes (geoaccess.travel_times) or a DataFrame of "
                         f"minutes, got {type(tt).__name__}")
    values = m.to_numpy(dtype=np.float64)
    return values, pd.Index(m.index.astype(str), name="area_id"), pd.Index(
        m.columns.astype(str), name="site_id")


def _travel(tt: Any) -> TravelTimes:
    if isinstance(tt, NearestIndex):
        return tt.travel_times
    if isinstance(tt, TravelTimes):
        return tt
    if isinstance(tt, pd.DataFrame):
        return TravelTimes.from_frame(tt)
    raise InputError(f"expected a TravelTimes (geoaccess.travel_times) or a DataFrame of "
                     f"minutes, got {type(tt).__name__}")


def _open_mask(scenario: Scenario, site_ids: pd.Index, roles: Iterable[str] | None,
               ) -> np.ndarray:
    if not isinstance(scenario, Scenario):
        raise InputError(f"expected a geoaccess.Scenario, got {type(scenario).__name__}")
    known = set(site_ids)
    unknown = [s for s in scenario.roles if s not in known]
    if unknown:
        raise InputError(
            f"scenario {scenario.name!r} opens sites that are not in the travel-time matrix "
            f"{show_ids(unknown)}; compute the matrix with these sites (or remove them)",
            column=scenario.name, rows=unknown)
    return scenario.mask(site_ids, None if roles is None else list(_roles(roles)))


def _roles(roles: Iterable[str] | str) -> tuple[str, ...]:
    return (roles,) if isinstance(roles, str) else tuple(str(r) for r in roles)


def _population(population: Any, area_ids: pd.Index, *, what: str = "population"
                ) -> np.ndarray:
    """Population per area of the matrix, as float64 (validated)."""
    if isinstance(population, pd.Series):
        values = values_by_area(population, area_ids, what=what,
                                of=" of the travel-time matrix", column=str(population.name))
    else:
        values = np.asarray(population, dtype=np.float64).ravel()
        if len(values) != len(area_ids):
            raise InputError(f"{what}: {len(values)} values for {len(area_ids)} areas; pass a "
                             "Series indexed by area_id")
    check_population_values(values, area_ids, what=what)
    return values


def _no_time_reasons(tt: TravelTimes, mask: np.ndarray, missing: np.ndarray, *,
                     scenario: str, roles: Iterable[str] | None) -> np.ndarray:
    """A reason for each area flagged in ``missing`` (no time to any open site)."""
    out = np.full(len(missing), None, dtype=object)
    if not missing.any():
        return out
    area_reason = tt.area_reason.reindex(tt.minutes.index).to_numpy(dtype=object)
    role_txt = "" if roles is None else " with role " + "/".join(_roles(roles))
    if not mask.any():
        default = f"scenario {scenario!r} has no open site{role_txt}"
    else:
        site_reason = tt.site_reason.reindex(tt.minutes.columns).to_numpy(dtype=object)[mask]
        ids = tt.minutes.columns[mask]
        no_reason = np.array([pd.isna(r) for r in site_reason])
        if no_reason.any():
            default = f"no time to any open site{role_txt} ({tt.pair_reason})"
        else:
            parts = "; ".join(f"{s}: {r}" for s, r in zip(ids[:3], site_reason[:3],
                                                          strict=False))
            more = f"; and {len(ids) - 3} more" if len(ids) > 3 else ""
            default = f"every open site{role_txt} lacks travel times ({parts}{more})"
    for i in np.nonzero(missing)[0]:
        r = area_reason[i]
        out[i] = r if isinstance(r, str) and r else default
    return out


def _area_ok(tt: TravelTimes) -> np.ndarray:
    """True for areas without an area-level reason (their origin is on the network)."""
    r = tt.area_reason.reindex(tt.minutes.index)
    return r.isna().to_numpy()


# ============================================================================ nearest
def nearest(tt: TravelLike, scenario: Scenario, *, roles: Iterable[str] | str | None = None
            ) -> pd.DataFrame:
    """Minutes to the nearest open site, which site it is, and why it is missing.

    Parameters
    ----------
    tt : TravelTimes
        The area → site matrix.
    scenario : Scenario
        Which sites are open.
    roles : str or iterable of str, optional
        Consider only open sites with these roles (e.g. ``"hub"``).

    Returns
    -------
    pandas.DataFrame
        Index ``area_id`` (every area of the matrix); columns ``nearest_minutes``
        (float, NaN where no open site can be reached), ``nearest_site`` (the site id;
        missing where there is none) and ``reason`` (missing, or why there is no time).
        Text columns use pandas' string dtype: test for missing values with
        :func:`pandas.isna`. Ties go to the site listed first in the matrix.

    Examples
    --------
    Three areas, two sites; E3 has no time to S1::

             S1    S2
        E1  5.0  12.0   -> both open: 5 (S1); only S2 open: 12 (S2)
        E2 25.0   8.0   -> 8 (S2); 8 (S2)
        E3  NaN  40.0   -> 40 (S2); 40 (S2)

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, None], "S2": [12.0, 8.0, 40.0]}, index=["E1", "E2", "E3"]))
    >>> r = nearest(tt, ga.Scenario("A", {"S1": "hub", "S2": "centre"}))
    >>> r.nearest_site.tolist(), r.nearest_minutes.tolist()
    (['S1', 'S2', 'S2'], [5.0, 8.0, 40.0])
    >>> nearest(tt, ga.Scenario("A", {"S1": "hub"})).loc["E3", "reason"]
    'no time to any open site (no time in the supplied matrix)'
    """
    t = _travel(tt)
    values, area_ids, site_ids = _matrix(t)
    mask = _open_mask(scenario, site_ids, roles)
    sub = values[:, mask]
    n_areas = len(area_ids)
    if sub.shape[1]:
        filled = np.where(np.isnan(sub), np.inf, sub)
        j = filled.argmin(axis=1)
        minutes = filled[np.arange(n_areas), j]
        found = np.isfinite(minutes)
        sites: np.ndarray = site_ids[mask].to_numpy(dtype=object)[j]
        sites[~found] = None
    else:
        minutes = np.full(n_areas, np.inf)
        found = np.zeros(n_areas, dtype=bool)
        sites = np.full(n_areas, None, dtype=object)
    minutes = np.where(found, minutes, np.nan)
    reasons = _no_time_reasons(t, mask, ~found, scenario=scenario.name, roles=roles)
    return pd.DataFrame({"nearest_minutes": minutes, "nearest_site": sites.astype(object),
                         "reason": reasons}, index=area_ids)


def within(tt: TravelLike, scenario: Scenario, *,
           thresholds: Iterable[float] | float | None = None,
           roles: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Flags and counts of open sites within each threshold.

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    thresholds : float or iterable of float, optional
        Minutes (default :data:`geoaccess.settings.thresholds_minutes`: 10, 15, 20, 30,
        45, 60).
    roles : str or iterable of str, optional
        Consider only open sites with these roles.

    Returns
    -------
    pandas.DataFrame
        Index ``area_id``; for each threshold *t* (labelled with :func:`threshold_label`)
        ``within_<t>`` (bool: an open site is reachable in ``<= t`` minutes) and
        ``sites_within_<t>`` (int: how many open sites are; the JTS "origin indicator",
        which JTS caps at 10 and this does not). Areas with no time count as not within
        (see :func:`nearest` for the reason).

    Examples
    --------
    Open sites S1 (5, 25, NaN minutes from E1, E2, E3) and S2 (12, 8, 40)::

        E1: 5 <= 10, 12 > 10  -> within_10 True, 1 site; within_15 True, 2 sites
        E2: 8 <= 10           -> within_10 True, 1 site; within_15 True, 1 site
        E3: 40                -> False, 0 in both

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, None], "S2": [12.0, 8.0, 40.0]}, index=["E1", "E2", "E3"]))
    >>> w = within(tt, ga.Scenario("A", {"S1": "hub", "S2": "centre"}), thresholds=[10, 15])
    >>> w.to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'within_10': [True, True, False], 'sites_within_10': [1, 1, 0],
     'within_15': [True, True, False], 'sites_within_15': [2, 1, 0]}
    """
    values, area_ids, site_ids = _matrix(tt)
    mask = _open_mask(scenario, site_ids, roles)
    sub = values[:, mask]
    out: dict[str, np.ndarray] = {}
    for t in _thresholds(thresholds):
        lab = threshold_label(t)
        with np.errstate(invalid="ignore"):
            count = (sub <= t).sum(axis=1).astype(np.int64)
        out[f"within_{lab}"] = count > 0
        out[f"sites_within_{lab}"] = count
    return pd.DataFrame(out, index=area_ids)


# ============================================================== population summaries
def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Smallest value whose cumulative weight reaches ``q`` of the total (inverted CDF)."""
    if len(values) == 0:
        return float("nan")
    total = weights.sum()
    if not total > 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    i = int(np.searchsorted(cum, q * total, side="left"))
    return float(values[order][min(i, len(values) - 1)])


def population_within(minutes: pd.Series | np.ndarray, population: pd.Series | np.ndarray,
                      *, thresholds: Iterable[float] | float | None = None) -> pd.DataFrame:
    """Population within each threshold, as a count and a share (DfT JTS definition).

    Follows the Journey Time Statistics "destination indicator": the share of the target
    population (here the ``population`` given, e.g. children aged 0-4) whose area's
    minutes to the nearest service are at most *t*. Every person in an area takes the
    area's time (JTS does the same at output-area level); the denominator is the whole
    population, including areas with no time (they count as not within).

    Parameters
    ----------
    minutes : Series or array
        Minutes to the nearest open site per area (NaN = none).
    population : Series or array
        People per area, aligned with ``minutes`` (a Series is aligned on the index).
    thresholds : float or iterable of float, optional
        Minutes (default :data:`geoaccess.settings.thresholds_minutes`).

    Returns
    -------
    pandas.DataFrame
        Index ``threshold_minutes``; columns ``population_within`` and ``share_within``
        (0-1; NaN when the total population is 0).

    Examples
    --------
    100 children at 5 min, 300 at 12 min, 100 with no time: within 10 = 100 of 500
    (0.2), within 15 = 400 of 500 (0.8).

    >>> pw = population_within([5.0, 12.0, float("nan")], [100, 300, 100], thresholds=[10, 15])
    >>> pw.to_dict("index")  # doctest: +NORMALIZE_WHITESPACE
    {10.0: {'population_within': 100.0, 'share_within': 0.2},
     15.0: {'population_within': 400.0, 'share_within': 0.8}}
    """
    m, w = _aligned_pair(minutes, population)
    total = w.sum()
    rows = []
    for t in _thresholds(thresholds):
        with np.errstate(invalid="ignore"):
            pop = float(w[m <= t].sum())
        rows.append((t, pop, pop / total if total > 0 else float("nan")))
    return pd.DataFrame(rows, columns=["threshold_minutes", "population_within",
                                       "share_within"]).set_index("threshold_minutes")


def _aligned_pair(minutes: Any, population: Any) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(minutes, pd.Series) and isinstance(population, pd.Series):
        population = population.reindex(minutes.index)
    m = np.asarray(minutes, dtype=np.float64).ravel()
    w = np.asarray(population, dtype=np.float64).ravel()
    if len(m) != len(w):
        raise InputError(f"minutes ({len(m)}) and population ({len(w)}) differ in length")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise InputError(f"population: {int(bad.sum())} missing or negative values; every "
                         "area needs a population >= 0")
    return m, w


def summarise_minutes(minutes: pd.Series | np.ndarray, population: pd.Series | np.ndarray,
                      *, thresholds: Iterable[float] | float | None = None) -> pd.Series:
    """Population-weighted summary of minutes to the nearest open site.

    Definitions (matching the DfT Journey Time Statistics where they overlap):

    - ``mean_minutes``: the JTS "average minimum travel time": population-weighted mean
      of each area's minutes, over areas with a time;
    - ``median_minutes``, ``p90_minutes``: population-weighted quantiles over areas with
      a time: the smallest time *m* such that at least 50% (90%) of that population has
      a time ``<= m``;
    - ``max_minutes``: the longest time of any area with people (population > 0);
    - ``population_within_<t>`` / ``share_within_<t>``: the JTS "destination indicator"
      (see :func:`population_within`); the share's denominator is everyone;
    - ``population_unreachable`` / ``areas_unreachable``: areas with no time at all.

    Parameters
    ----------
    minutes, population : Series or array
        Aligned per area (a Series pair is aligned on the index).
    thresholds : float or iterable of float, optional

    Returns
    -------
    pandas.Series
        ``areas``, ``areas_unreachable``, ``population``, ``population_reached``,
        ``population_unreachable``, ``mean_minutes``, ``median_minutes``,
        ``p90_minutes``, ``max_minutes`` and, per threshold, ``population_within_<t>``
        and ``share_within_<t>``.

    Examples
    --------
    Areas of 100 (5 min), 300 (12 min) and 100 (no time) children: mean over reached
    = (100×5 + 300×12) / 400 = 10.25; the median is 12 (100 of 400 ≤ 5, 400 ≤ 12).

    >>> s = summarise_minutes([5.0, 12.0, float("nan")], [100, 300, 100], thresholds=[10])
    >>> s[["mean_minutes", "median_minutes", "population_unreachable", "share_within_10"]]
    mean_minutes               10.25
    median_minutes             12.00
    population_unreachable    100.00
    share_within_10             0.20
    dtype: float64
    """
    m, w = _aligned_pair(minutes, population)
    reached = np.isfinite(m)
    wr, mr = w[reached], m[reached]
    total = float(w.sum())
    reached_pop = float(wr.sum())
    people = mr[wr > 0]
    out: dict[str, float] = {
        "areas": float(len(m)),
        "areas_unreachable": float((~reached).sum()),
        "population": total,
        "population_reached": reached_pop,
        "population_unreachable": float(w[~reached].sum()),
        "mean_minutes": float((wr * mr).sum() / reached_pop) if reached_pop > 0 else np.nan,
        "median_minutes": _weighted_quantile(mr, wr, 0.5),
        "p90_minutes": _weighted_quantile(mr, wr, 0.9),
        "max_minutes": float(people.max()) if len(people) else float("nan"),
    }
    pw = population_within(m, w, thresholds=thresholds)
    counts = pw["population_within"].to_numpy(np.float64)
    shares = pw["share_within"].to_numpy(np.float64)
    for i, t in enumerate(pw.index):
        lab = threshold_label(t)
        out[f"population_within_{lab}"] = float(counts[i])
        out[f"share_within_{lab}"] = float(shares[i])
    return pd.Series(out, dtype=np.float64)


# ============================================================================ supply
def site_supply(scenario: Scenario, *, sites: pd.DataFrame | None = None,
                site_ids: Iterable[str] | None = None, roles: Iterable[str] | str | None = None,
                full_week_sessions: float = FULL_WEEK_SESSIONS) -> pd.Series:
    """Supply (capacity) of each open site, the numerator of 2SFCA and gravity.

    The rule, site by site:

    1. capacity = the scenario's own value (``scenario.capacity``), else the sites
       table's ``capacity`` column (``sites=``);
    2. an **outreach** site with a known ``sessions_per_week`` (scenario, else sites
       table) offers only part of a week: its capacity is multiplied by
       ``min(sessions_per_week / full_week_sessions, 1)`` (default 10 sessions = five
       days, morning and afternoon). An outreach site running 2 sessions a week with
       capacity 15 supplies 15 × 2/10 = 3. Other roles are not scaled: their capacity
       is taken to describe a full week already;
    3. if no open site has a capacity, every site supplies 1 (results are then sites
       per person); if only some have one, that is an error (mixing units silently
       would mislead).

    Parameters
    ----------
    scenario : Scenario
    sites : pandas.DataFrame, optional
        Sites with ``site_id`` and optional ``capacity``, ``sessions_per_week``.
    site_ids : iterable of str, optional
        Restrict to these sites (e.g. the matrix's columns), in this order.
    roles : str or iterable of str, optional
        Only open sites with these roles.
    full_week_sessions : float
        Sessions in a full week.

    Returns
    -------
    pandas.Series
        Supply per open site, index ``site_id``, name ``supply``.

    Raises
    ------
    InputError
        When some open sites have a capacity and others not, or a value is negative.

    Examples
    --------
    >>> s = Scenario("A", {"S1": "hub", "S2": "outreach"}, capacity={"S1": 60, "S2": 15},
    ...              sessions_per_week={"S1": 10, "S2": 2})
    >>> site_supply(s).to_dict()
    {'S1': 60.0, 'S2': 3.0}
    """
    if not (full_week_sessions > 0):
        raise InputError(f"full_week_sessions must be > 0, got {full_week_sessions}")
    ids = [s for s in scenario.open_sites if s in scenario.sites_with_role(*_roles(roles))] \
        if roles is not None else scenario.open_sites
    if site_ids is not None:
        order = [str(s) for s in site_ids]
        keep = set(ids)
        ids = [s for s in order if s in keep]
    base_cap: dict[str, float] = {}
    base_sess: dict[str, float] = {}
    if sites is not None:
        if "site_id" not in sites.columns:
            raise InputError("sites: no 'site_id' column; load them with geoaccess.read_sites()",
                             column="site_id")
        sid = sites["site_id"].astype(str)
        for col, target in (("capacity", base_cap), ("sessions_per_week", base_sess)):
            if col in sites.columns:
                vals = pd.to_numeric(sites[col], errors="coerce")
                target.update({k: float(v) for k, v in zip(sid, vals, strict=True)
                               if pd.notna(v)})
    cap = {s: scenario.capacity.get(s, base_cap.get(s, np.nan)) for s in ids}
    known = [s for s in ids if not np.isnan(cap[s])]
    if not known:
        if ids:
            log.info("scenario %r: no capacities known; every open site supplies 1",
                     scenario.name)
        return pd.Series(1.0, index=pd.Index(ids, name="site_id", dtype=object), name="supply")
    missing = [s for s in ids if np.isnan(cap[s])]
    if missing:
        raise InputError(f"scenario {scenario.name!r}: open sites {show_ids(missing)} have no "
                         f"capacity while {len(known)} others do; give every open site a "
                         "capacity (sites 'capacity' column or the scenario's capacity)",
                         column="capacity", rows=missing)
    negative = [s for s in ids if cap[s] < 0]
    if negative:
        raise InputError(f"scenario {scenario.name!r}: negative capacity for sites "
                         f"{show_ids(negative)}", column="capacity", rows=negative)
    out = {}
    for s in ids:
        value = cap[s]
        if scenario.role_of(s) == "outreach":
            sess = scenario.sessions_per_week.get(s, base_sess.get(s, np.nan))
            if not np.isnan(sess):
                value = value * min(sess / full_week_sessions, 1.0)
        out[s] = float(value)
    return pd.Series(out, name="supply", dtype=np.float64).rename_axis("site_id")


# ============================================================================ gravity
def decay_weights(minutes: np.ndarray | pd.Series | pd.DataFrame | float,
                  decay: str = "exponential", *, beta: float | None = None,
                  sigma: float | None = None,
                  min_minutes: float = 1.0) -> Any:
    """Distance-decay weight of each time: 1 at 0 minutes (or ``min_minutes``), falling.

    =============  =====================================  ===========================
    ``decay``      weight f(t)                            parameter (default)
    =============  =====================================  ===========================
    exponential    exp(-beta · t)                         ``beta`` per minute (0.1)
    power          max(t, min_minutes) ** -beta           ``beta`` (1.0), ``min_minutes``
    gaussian       exp(-t² / (2 sigma²))                  ``sigma`` minutes (15)
    =============  =====================================  ===========================

    The power form floors times at ``min_minutes`` so that a site at 0 minutes does not
    get an infinite weight (PySAL ``access.weights.gravity(scale=1, alpha=-beta,
    min_dist=min_minutes)``); the Gaussian is PySAL's ``weights.gaussian(sigma)``.
    NaN times give weight 0. The defaults are illustrative: calibrate ``beta`` or
    ``sigma`` to local travel behaviour.

    Parameters
    ----------
    minutes : array-like
    decay : {"exponential", "power", "gaussian"}
    beta, sigma, min_minutes : float, optional

    Returns
    -------
    Weights with the shape (and pandas labels) of ``minutes``.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(decay_weights(np.array([0.0, 10.0, np.nan]), "exponential", beta=0.1), 4)
    array([1.    , 0.3679, 0.    ])
    >>> decay_weights(np.array([0.5, 2.0]), "power", beta=2).tolist()
    [1.0, 0.25]
    """
    kind = str(decay).lower()
    t = minutes.to_numpy(np.float64) if isinstance(minutes, (pd.Series, pd.DataFrame)) \
        else np.asarray(minutes, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        if kind == "exponential":
            b = 0.1 if beta is None else float(beta)
            if not b >= 0:
                raise InputError(f"exponential decay needs beta >= 0, got {b}")
            w = np.exp(-b * t)
        elif kind == "power":
            b = 1.0 if beta is None else float(beta)
            if not (b >= 0 and min_minutes > 0):
                raise InputError(f"power decay needs beta >= 0 and min_minutes > 0, got "
                                 f"beta={b}, min_minutes={min_minutes}")
            w = np.power(np.maximum(t, float(min_minutes)), -b)
        elif kind == "gaussian":
            s = 15.0 if sigma is None else float(sigma)
            if not s > 0:
                raise InputError(f"gaussian decay needs sigma > 0 minutes, got {s}")
            w = np.exp(-(t * t) / (2.0 * s * s))
        else:
            raise InputError(f"unknown decay {decay!r}; use 'exponential', 'power' or "
                             "'gaussian'")
    w = np.where(np.isnan(t), 0.0, w)
    if isinstance(minutes, pd.Series):
        return pd.Series(w, index=minutes.index, name=minutes.name)
    if isinstance(minutes, pd.DataFrame):
        return pd.DataFrame(w, index=minutes.index, columns=minutes.columns)
    return w


def gravity(tt: TravelLike, scenario: Scenario, *, decay: str = "exponential",
            beta: float | None = None, sigma: float | None = None, min_minutes: float = 1.0,
            max_minutes: float | None = None, capacity: bool = False,
            sites: pd.DataFrame | None = None, roles: Iterable[str] | str | None = None,
            full_week_sessions: float = FULL_WEEK_SESSIONS) -> pd.Series:
    """Gravity (Hansen) access: the sum over open sites of supply × decay(minutes).

    ``A_i = Σ_j S_j f(t_ij)`` over open sites *j* with a time (and ``t_ij <=
    max_minutes`` if given), where *f* is :func:`decay_weights` and ``S_j`` is 1, or the
    site's supply from :func:`site_supply` when ``capacity=True``. This is PySAL
    ``access``'s ``weighted_catchment`` with the same weight function. Higher is better;
    it rewards having several sites near, not just one.

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    decay, beta, sigma, min_minutes
        See :func:`decay_weights`.
    max_minutes : float, optional
        Ignore sites further than this.
    capacity : bool
        Weight sites by their supply (:func:`site_supply`) instead of 1 each.
    sites : pandas.DataFrame, optional
        Sites table for capacities not held by the scenario.
    roles : str or iterable of str, optional
        Only open sites with these roles.
    full_week_sessions : float
        See :func:`site_supply`.

    Returns
    -------
    pandas.Series
        Named ``gravity``, index ``area_id``; NaN for areas with no times at all (their
        origin could not be placed on the network).

    Examples
    --------
    Power decay with beta = 1, times floored at 1 minute, two open sites::

        E1: S1 at 5, S2 at 10  -> 1/5 + 1/10 = 0.3
        E2: S1 at 0.5, S2 NaN  -> 1/max(0.5, 1) = 1.0

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 0.5], "S2": [10.0, None]},
    ...                                             index=["E1", "E2"]))
    >>> g = gravity(tt, ga.Scenario("A", {"S1": "hub", "S2": "hub"}), decay="power", beta=1)
    >>> g.round(6).tolist()
    [0.3, 1.0]
    """
    t = _travel(tt)
    values, area_ids, site_ids = _matrix(t)
    mask = _open_mask(scenario, site_ids, roles)
    sub = values[:, mask]
    if max_minutes is not None:
        sub = np.where(sub <= float(max_minutes), sub, np.nan)
    w = decay_weights(sub, decay, beta=beta, sigma=sigma, min_minutes=min_minutes)
    if capacity:
        supply = site_supply(scenario, sites=sites, site_ids=site_ids[mask], roles=roles,
                             full_week_sessions=full_week_sessions).to_numpy()
    else:
        supply = np.ones(sub.shape[1])
    out = w @ supply if sub.shape[1] else np.zeros(len(area_ids))
    out = np.where(_area_ok(t), out, np.nan)
    return pd.Series(out, index=area_ids, name="gravity", dtype=np.float64)


# ============================================================================ 2SFCA
def _fca(t: TravelTimes, scenario: Scenario, population: Any, weight_fn: Callable[
        [np.ndarray], np.ndarray], *, sites: pd.DataFrame | None, roles: Any, per: float,
        full_week_sessions: float, name: str) -> pd.Series:
    values, area_ids, site_ids = _matrix(t)
    mask = _open_mask(scenario, site_ids, roles)
    pop = _population(population, area_ids)
    sub = values[:, mask]
    weights = np.where(np.isnan(sub), 0.0, weight_fn(np.where(np.isnan(sub), np.inf, sub)))
    supply = site_supply(scenario, sites=sites, site_ids=site_ids[mask], roles=roles,
                         full_week_sessions=full_week_sessions).to_numpy()
    demand = pop @ weights                       # step 1: weighted demand at each site
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(demand > 0, supply / demand, 0.0)
    access = weights @ ratio * float(per)        # step 2: sum of ratios within reach
    access = np.where(_area_ok(t), access, np.nan)
    idle = np.nonzero(demand <= 0)[0]
    if len(idle):
        log.info("%s: open sites %s have no demand within their catchment and add nothing",
                 name, site_ids[mask][idle].tolist()[:10])
    return pd.Series(access, index=area_ids, name=name, dtype=np.float64)


def two_step_fca(tt: TravelLike, scenario: Scenario, population: pd.Series | np.ndarray, *,
                 threshold_minutes: float = 30.0, sites: pd.DataFrame | None = None,
                 roles: Iterable[str] | str | None = None, per: float = 1000.0,
                 full_week_sessions: float = FULL_WEEK_SESSIONS) -> pd.Series:
    """Two-step floating catchment access (2SFCA; Luo and Wang 2003).

    Step 1, for each open site *j*: ``R_j = S_j / Σ_{i: t_ij <= d} P_i``, its supply per
    person of the demand within ``threshold_minutes`` *d*. Step 2, for each area *i*:
    ``A_i = per × Σ_{j: t_ij <= d} R_j``. Supply ``S_j`` comes from :func:`site_supply`
    (capacity, scaled by sessions per week for outreach sites); demand ``P_i`` is the
    population column. A site with no demand within reach gets ``R_j = 0``. With
    ``per=1`` the values equal PySAL ``access``'s ``two_stage_fca(max_cost=d)``.

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    population : Series or array
        Demand per area (Series indexed by ``area_id``, or aligned with the matrix).
    threshold_minutes : float
        Catchment size *d* (inclusive).
    sites : pandas.DataFrame, optional
        Sites table for capacities the scenario does not hold.
    roles : str or iterable of str, optional
        Only open sites with these roles.
    per : float
        Scale: places per ``per`` people (default 1,000).
    full_week_sessions : float
        See :func:`site_supply`.

    Returns
    -------
    pandas.Series
        Named ``two_step_fca``, index ``area_id``; NaN for areas with no times at all.

    Examples
    --------
    Sites S1 (capacity 10) and S2 (capacity 20); 15-minute catchments::

              S1   S2   children
        E1     5   20        100     S1 reaches E1, E2 -> R1 = 10 / (100 + 300) = 0.025
        E2    10   12        300     S2 reaches E2, E3 -> R2 = 20 / (300 + 100) = 0.05
        E3    30    8        100
        A(E1) = 0.025, A(E2) = 0.025 + 0.05 = 0.075, A(E3) = 0.05   (per person)

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 10, 30], "S2": [20.0, 12, 8]}, index=["E1", "E2", "E3"]))
    >>> s = ga.Scenario("A", {"S1": "centre", "S2": "centre"}, capacity={"S1": 10, "S2": 20})
    >>> kids = pd.Series([100.0, 300, 100], index=["E1", "E2", "E3"])
    >>> two_step_fca(tt, s, kids, threshold_minutes=15, per=1).round(6).tolist()
    [0.025, 0.075, 0.05]
    """
    d = float(threshold_minutes)
    if not d > 0:
        raise InputError(f"threshold_minutes must be > 0, got {threshold_minutes}")
    return _fca(_travel(tt), scenario, population,
                lambda m: (m <= d).astype(np.float64), sites=sites, roles=roles, per=per,
                full_week_sessions=full_week_sessions, name="two_step_fca")


def _band_weights(bands: Any) -> tuple[np.ndarray, np.ndarray]:
    items = list(bands.items()) if isinstance(bands, Mapping) else list(bands)
    try:
        pairs = sorted((float(u), float(w)) for u, w in items)
    except (TypeError, ValueError) as exc:
        raise InputError(f"bands must be (upper minutes, weight) pairs, got {bands!r}") from exc
    if not pairs or any(not (u > 0 and 0 <= w) for u, w in pairs):
        raise InputError(f"bands must be (upper minutes > 0, weight >= 0) pairs, got {bands!r}")
    return np.array([u for u, _ in pairs]), np.array([w for _, w in pairs])


def enhanced_two_step_fca(tt: TravelLike, scenario: Scenario,
                          population: pd.Series | np.ndarray, *,
                          bands: Mapping[float, float] | Sequence[tuple[float, float]]
                          = E2SFCA_BANDS, sites: pd.DataFrame | None = None,
                          roles: Iterable[str] | str | None = None, per: float = 1000.0,
                          full_week_sessions: float = FULL_WEEK_SESSIONS) -> pd.Series:
    """Enhanced 2SFCA (Luo and Qi 2009): 2SFCA with distance-decay weights by band.

    Each band is (upper limit in minutes, weight): a time ``t`` takes the weight of the
    first band with ``t <= upper``, and 0 beyond the last. Step 1:
    ``R_j = S_j / Σ_i P_i W(t_ij)``; step 2: ``A_i = per × Σ_j R_j W(t_ij)``. The default
    bands are 0-10 → 1, 10-20 → 0.68, 20-30 → 0.22 minutes, as in the original paper and
    PySAL ``access.enhanced_two_stage_fca`` (which, with ``per=1``, gives the same
    values). Supply as in :func:`two_step_fca`.

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    population : Series or array
        Demand per area.
    bands : mapping or sequence of (float, float)
        Upper minutes → weight.
    sites, roles, per, full_week_sessions
        As in :func:`two_step_fca`.

    Returns
    -------
    pandas.Series
        Named ``enhanced_two_step_fca``, index ``area_id``.

    Examples
    --------
    One site (capacity 10); E1 at 5 minutes (weight 1), E2 at 15 (weight 0.68), 100
    children each: R = 10 / (100×1 + 100×0.68) = 10/168; A(E1) = 10/168 = 0.059524,
    A(E2) = 0.68 × 10/168 = 0.040476 per person.

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 15.0]}, index=["E1", "E2"]))
    >>> s = ga.Scenario("A", {"S1": "centre"}, capacity={"S1": 10})
    >>> enhanced_two_step_fca(tt, s, [100, 100], per=1).round(6).tolist()
    [0.059524, 0.040476]
    """
    uppers, weights = _band_weights(bands)

    def weight_fn(m: np.ndarray) -> np.ndarray:
        i = np.searchsorted(uppers, m, side="left")
        return np.where(i < len(uppers), weights[np.minimum(i, len(uppers) - 1)], 0.0)

    return _fca(_travel(tt), scenario, population, weight_fn, sites=sites, roles=roles,
                per=per, full_week_sessions=full_week_sessions, name="enhanced_two_step_fca")


# ======================================================================= access rules
_ANY_WORDS = {"any", "site", "sites", "service", "services", "any site", "open site",
              "any open site", "venue", "venues", "anything"}
_CLAUSE = re.compile(
    r"^(?:(?:an?|any|one|the)\s+)?(?P<roles>.+?)\s*"
    r"(?:is\s+|are\s+)?(?:within|<=|≤|=<|in\s+under|under|in\s+at\s+most|at\s+most)\s*"
    r"(?P<minutes>\d+(?:\.\d+)?)\s*(?:min(?:ute)?s?|m)?(?:\s+(?:walk|drive|away))?\.?$")


@dataclass(frozen=True)
class AccessRule:
    """A standard a council can state, e.g. "a hub within 20 minutes or an outreach site within 10".

    A rule is an OR of AND-groups of conditions; each condition is "an open site with one
    of these roles within *t* minutes" (any role when ``roles`` is None). "and" binds
    tighter than "or"; parentheses are not supported.

    Parameters
    ----------
    clauses : tuple of tuple of (roles, minutes)
        OR over the outer tuple, AND over each inner one.
    text : str
        The rule as written, for reports.

    Examples
    --------
    >>> r = AccessRule.parse("a hub within 20 minutes or an outreach site within 10")
    >>> r.clauses
    (((('hub',), 20.0),), ((('outreach',), 10.0),))
    >>> AccessRule.parse("hub/centre <= 15 and any site within 10").clauses
    (((('hub', 'centre'), 15.0), (None, 10.0)),)
    """

    clauses: tuple[tuple[tuple[tuple[str, ...] | None, float], ...], ...]
    text: str = ""

    @classmethod
    def parse(cls, text: str, roles: Sequence[str] | None = None) -> AccessRule:
        """Read a rule written in words (see the class examples).

        Parameters
        ----------
        text : str
            E.g. ``"a hub within 20 minutes or an outreach site within 10"``,
            ``"hub <= 20 or outreach <= 10"``, ``"any site within 15"``,
            ``"hub/centre within 15 and outreach within 5"``.
        roles : sequence of str, optional
            Known role names (default :data:`geoaccess.scenario.ROLES`).

        Raises
        ------
        InputError
            When a part cannot be read, naming it and showing the expected form.
        """
        from .scenario import ROLES, _role_lookup

        lookup = _role_lookup(list(roles) if roles is not None else list(ROLES))
        source = " ".join(str(text).strip().lower().split())
        if not source:
            raise InputError("access rule: empty text; write e.g. 'a hub within 20 minutes "
                             "or an outreach site within 10'")
        groups = []
        for group in re.split(r"\s+or\s+|\s*\|\|\s*", source):
            conds = []
            for part in re.split(r"\s+and\s+|\s*&&\s*|\s*,\s+", group):
                match = _CLAUSE.match(part.strip())
                if not match:
                    raise InputError(
                        f"access rule {text!r}: cannot read {part!r}; write each condition "
                        "as '<role> within <minutes>' (e.g. 'a hub within 20 minutes'), "
                        "joined by 'or' / 'and'")
                names = match["roles"].strip()
                names = re.sub(r"\s+sites?$", "", names) if names not in _ANY_WORDS else names
                if names in _ANY_WORDS:
                    role_t: tuple[str, ...] | None = None
                else:
                    found = []
                    for word in re.split(r"\s*/\s*|\s+or\s+", names):
                        word = word.strip()
                        role = lookup.get(word) or lookup.get(re.sub(r"\s+sites?$", "", word))
                        if role is None:
                            raise InputError(
                                f"access rule {text!r}: unknown role {word!r}; use one of "
                                f"{sorted(set(lookup.values()))} or 'any site'")
                        found.append(role)
                    role_t = tuple(dict.fromkeys(found))
                conds.append((role_t, float(match["minutes"])))
            groups.append(tuple(conds))
        return cls(tuple(groups), str(text))

    def describe(self) -> str:
        """The rule in words, e.g. ``'hub within 20 min or outreach within 10 min'``."""
        def cond(c: tuple[tuple[str, ...] | None, float]) -> str:
            who = "any site" if c[0] is None else "/".join(c[0])
            return f"{who} within {c[1]:g} min"
        return " or ".join(" and ".join(cond(c) for c in g) for g in self.clauses)


def meets_rule(tt: TravelLike, scenario: Scenario, rule: str | AccessRule) -> pd.Series:
    """Whether each area meets an access standard (see :class:`AccessRule`).

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    rule : str or AccessRule
        E.g. ``"a hub within 20 minutes or an outreach site within 10"``.

    Returns
    -------
    pandas.Series of bool
        Index ``area_id``, named after the rule text. Areas with no times at all do not
        meet any rule (:func:`nearest` gives the reason).

    Examples
    --------
    Hub S1 and outreach S2; rule "a hub within 20 minutes or an outreach site within 10"::

              S1 (hub)  S2 (outreach)
        E1        15            30      hub 15 <= 20             -> True
        E2        25             8      outreach 8 <= 10         -> True
        E3        25            12      neither                  -> False

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [15.0, 25, 25], "S2": [30.0, 8, 12]}, index=["E1", "E2", "E3"]))
    >>> s = ga.Scenario("A", {"S1": "hub", "S2": "outreach"})
    >>> meets_rule(tt, s, "a hub within 20 minutes or an outreach site within 10").tolist()
    [True, True, False]
    """
    parsed = rule if isinstance(rule, AccessRule) else AccessRule.parse(str(rule))
    values, area_ids, site_ids = _matrix(tt)
    _open_mask(scenario, site_ids, None)
    result = np.zeros(len(area_ids), dtype=bool)
    for group in parsed.clauses:
        ok = np.ones(len(area_ids), dtype=bool)
        for roles, minutes in group:
            mask = scenario.mask(site_ids, None if roles is None else list(roles))
            with np.errstate(invalid="ignore"):
                ok &= (values[:, mask] <= minutes).any(axis=1)
        result |= ok
    return pd.Series(result, index=area_ids, name=parsed.text or parsed.describe())


# =================================================================== many scenarios
@functools.lru_cache(maxsize=1)
def _numba_kernels() -> dict[str, Callable[..., Any]] | None:
    """Compile the batched kernels with numba, if it is installed (else None)."""
    try:
        import numba
        from numba import njit, prange
    except ImportError:  # pragma: no cover - numba is optional
        return None

    @njit(nogil=True, cache=False)
    def best_ranks(ranks_t, mask_row, none, best):  # pragma: no cover - compiled
        n_sites, n_areas = ranks_t.shape
        for a in range(n_areas):
            best[a] = none
        for s in range(n_sites):
            if mask_row[s]:
                r = ranks_t[s]
                for a in range(n_areas):
                    x = r[a]
                    y = best[a]
                    best[a] = x if x < y else y

    @njit(nogil=True, cache=False)
    def nearest_rows(ranks_t, sorted_t, site_t, masks, none, out_min, out_site, want_site,
                     start, stop, best):  # pragma: no cover - compiled
        n_areas = ranks_t.shape[1]
        for c in range(start, stop):
            best_ranks(ranks_t, masks[c], none, best)
            o = out_min[c]
            for a in range(n_areas):
                o[a] = sorted_t[best[a], a]
            if want_site:
                q = out_site[c]
                for a in range(n_areas):
                    q[a] = site_t[best[a], a]

    @njit(nogil=True, cache=False)
    def nearest_serial(ranks_t, sorted_t, site_t, masks, none, out_min, out_site,
                       want_site):  # pragma: no cover - compiled
        best = np.empty(ranks_t.shape[1], ranks_t.dtype)
        nearest_rows(ranks_t, sorted_t, site_t, masks, none, out_min, out_site, want_site,
                     0, masks.shape[0], best)

    @njit(parallel=True, nogil=True, cache=False)
    def nearest_parallel(ranks_t, sorted_t, site_t, masks, none, out_min, out_site,
                         want_site):  # pragma: no cover - compiled
        n = masks.shape[0]
        blocks = min(n, 4 * numba.get_num_threads())
        per = (n + blocks - 1) // blocks
        for b in prange(blocks):
            best = np.empty(ranks_t.shape[1], ranks_t.dtype)
            nearest_rows(ranks_t, sorted_t, site_t, masks, none, out_min, out_site,
                         want_site, b * per, min(n, (b + 1) * per), best)

    @njit(nogil=True, cache=False)
    def score_rows(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum, out_max,
                   start, stop, best):  # pragma: no cover - compiled
        n_areas = ranks_t.shape[1]
        for c in range(start, stop):
            best_ranks(ranks_t, masks[c], none, best)
            h = out_hist[c]
            ws = out_wsum[c]
            mx = -np.inf
            for a in range(n_areas):
                k = best[a]
                m = sorted_t[k, a]
                lane = a & 7
                h[lane, bucket_t[k, a]] += w[a]
                if m == m:
                    ws[lane] += w[a] * m
                    if m > mx:
                        mx = m
            out_max[c] = mx if mx > -np.inf else np.nan

    @njit(nogil=True, cache=False)
    def score_serial(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum,
                     out_max):  # pragma: no cover - compiled
        best = np.empty(ranks_t.shape[1], ranks_t.dtype)
        score_rows(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum, out_max,
                   0, masks.shape[0], best)

    @njit(parallel=True, nogil=True, cache=False)
    def score_parallel(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum,
                       out_max):  # pragma: no cover - compiled
        n = masks.shape[0]
        blocks = min(n, 4 * numba.get_num_threads())
        per = (n + blocks - 1) // blocks
        for b in prange(blocks):
            best = np.empty(ranks_t.shape[1], ranks_t.dtype)
            score_rows(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum,
                       out_max, b * per, min(n, (b + 1) * per), best)

    return {"nearest": nearest_parallel, "nearest_serial": nearest_serial,
            "score": score_parallel, "score_serial": score_serial}


#: Smallest batch (configurations × areas) run on several threads by the numba engine.
_PARALLEL_WORK = 4_000_000


class NearestIndex:
    """A travel-time matrix ranked per area, for the nearest open site of many configurations.

    Built once from a :class:`~geoaccess.TravelTimes` (an argsort of each area's row),
    it answers "minutes to the nearest open site, for every area, under each of these
    configurations" as array work: for a configuration, each area's nearest open site is
    its best-ranked open site, so the answer is a minimum over small integer ranks
    followed by a lookup. With numba installed (``pip install geoaccess[fast]``) the
    kernels run compiled; without it, numpy gives identical results, more slowly
    (figures in ``benchmarks/scenarios_results.md``). Batches of more than four
    million configuration-areas run on numba's threads; smaller ones run on the
    calling thread and release the GIL, so several Python threads can each evaluate
    their own chunks. For many configurations, pass chunks and a reused ``out`` buffer
    (about 1 MB) and consume each chunk before the next: the per-area minutes then
    stay in cache (see ``benchmarks/bench_scenarios.py``).

    Parameters
    ----------
    tt : TravelTimes or pandas.DataFrame
        The matrix.

    Attributes
    ----------
    area_ids, site_ids : pandas.Index
        Row and column order of every array this index returns or accepts.

    Examples
    --------
    >>> import numpy as np, pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0], "S2": [12.0, 8.0], "S3": [1.0, None]}, index=["E1", "E2"]))
    >>> idx = NearestIndex(tt)
    >>> masks = np.array([[True, True, False], [False, False, True]])
    >>> idx.nearest_minutes(masks)
    array([[ 5.,  8.],
           [ 1., nan]])
    >>> idx.nearest_sites(masks).tolist()
    [[0, 1], [2, -1]]
    """

    def __init__(self, tt: TravelLike) -> None:
        self.travel_times = _travel(tt)
        values, self.area_ids, self.site_ids = _matrix(self.travel_times)
        n_areas, n_sites = values.shape
        if n_sites >= np.iinfo(np.uint16).max:
            raise InputError(f"too many sites ({n_sites:,}) for NearestIndex (max 65,534)")
        self.rank_dtype = np.uint8 if n_sites < np.iinfo(np.uint8).max else np.uint16
        finite = np.isfinite(values)
        filled = np.where(finite, values, np.inf)
        order = np.argsort(filled, axis=1, kind="stable")             # areas × sites
        n_reach = finite.sum(axis=1)
        rows = np.arange(n_areas)[:, None]
        ranks = np.empty((n_areas, n_sites), dtype=self.rank_dtype)
        ranks[rows, order] = np.arange(n_sites, dtype=self.rank_dtype)[None, :]
        ranks[~finite] = n_sites                                      # never the nearest
        #: rank of each site for each area (sites × areas); ``n_sites`` = no time
        self.ranks_t = np.ascontiguousarray(ranks.T)
        k = np.arange(n_sites + 1)[None, :]
        padded = np.concatenate([np.take_along_axis(filled, order, axis=1),
                                 np.full((n_areas, 1), np.inf)], axis=1)
        valid = k < n_reach[:, None]
        #: k-th smallest minutes of each area ((sites + 1) × areas; NaN past the last)
        self.sorted_t = np.ascontiguousarray(np.where(valid, padded, np.nan).T)
        site_of = np.concatenate([order, np.full((n_areas, 1), -1)], axis=1)
        #: column index of the k-th nearest site ((sites + 1) × areas; -1 past the last)
        self.site_t = np.ascontiguousarray(np.where(valid, site_of, -1).T.astype(np.int32))
        self.none = n_sites

    def __repr__(self) -> str:
        return f"NearestIndex(areas={len(self.area_ids):,}, sites={len(self.site_ids):,})"

    # ---------------------------------------------------------------- inputs
    def masks(self, configurations: Any) -> np.ndarray:
        """Configurations as a C-contiguous boolean matrix (configurations × sites).

        Accepts a boolean array (one row per configuration, columns in
        :attr:`site_ids` order; a single row may be 1-D), a Scenario or a list of them.
        """
        if isinstance(configurations, Scenario):
            configurations = [configurations]
        if isinstance(configurations, (list, tuple)) and configurations and all(
                isinstance(s, Scenario) for s in configurations):
            for s in configurations:
                _open_mask(s, self.site_ids, None)
            return scenario_masks(configurations, self.site_ids)
        m = np.asarray(configurations)
        if m.ndim == 1:
            m = m[None, :]
        if m.ndim != 2 or m.shape[1] != len(self.site_ids):
            raise InputError(f"configurations must be a boolean matrix with one column per site "
                             f"({len(self.site_ids)}), got shape {m.shape}")
        if m.dtype != np.bool_:
            if not np.isin(m, (0, 1)).all():
                raise InputError("configurations must hold booleans (or 0/1)")
            m = m.astype(bool)
        return np.ascontiguousarray(m)

    @staticmethod
    def _engine(engine: str, work: int) -> str:
        if engine not in ("auto", "numba", "numpy"):
            raise InputError(f"engine must be 'auto', 'numba' or 'numpy', got {engine!r}")
        if engine == "numpy":
            return "numpy"
        have = _numba_kernels() is not None
        if engine == "numba":
            if not have:
                raise InputError("engine='numba' needs numba: pip install geoaccess[fast]")
            return "numba"
        return "numba" if have and work >= 2_000_000 else "numpy"

    # ----------------------------------------------------------------- numpy
    def _ranks_numpy(self, masks: np.ndarray) -> np.ndarray:
        n = masks.shape[0]
        out = np.empty((n, len(self.area_ids)), dtype=self.rank_dtype)
        chunk = max(1, 2_000_000 // max(1, self.ranks_t.size))
        for i in range(0, n, chunk):
            m = masks[i:i + chunk]
            out[i:i + chunk] = np.where(m[:, :, None], self.ranks_t[None, :, :],
                                        self.rank_dtype(self.none)).min(
                axis=1, initial=self.rank_dtype(self.none))
        return out

    # ---------------------------------------------------------------- public
    def nearest(self, configurations: Any, *, engine: str = "auto",
                out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Minutes to, and column index of, the nearest open site under each configuration.

        Parameters
        ----------
        configurations : bool array (configurations × sites) or list of Scenario
        engine : {"auto", "numba", "numpy"}
            ``"auto"`` uses numba (when installed) for large batches.
        out : numpy.ndarray, optional
            Float64 array (configurations × areas) to write the minutes into; reusing
            one avoids allocating (and page-faulting) fresh memory in a loop.

        Returns
        -------
        minutes : numpy.ndarray
            Float64, configurations × areas; NaN where no open site has a time.
        sites : numpy.ndarray
            Int32 column index into :attr:`site_ids` of the nearest open site, -1 if none.
        """
        return self._nearest(configurations, engine=engine, out=out, want_site=True)

    def nearest_minutes(self, configurations: Any, *, engine: str = "auto",
                        out: np.ndarray | None = None) -> np.ndarray:
        """Minutes to the nearest open site (configurations × areas); see :meth:`nearest`."""
        return self._nearest(configurations, engine=engine, out=out, want_site=False)[0]

    def nearest_sites(self, configurations: Any, *, engine: str = "auto") -> np.ndarray:
        """Column index of the nearest open site (configurations × areas), -1 if none."""
        return self._nearest(configurations, engine=engine, out=None, want_site=True)[1]

    def _nearest(self, configurations: Any, *, engine: str, out: np.ndarray | None,
                 want_site: bool) -> tuple[np.ndarray, np.ndarray]:
        masks = self.masks(configurations)
        n, n_areas = masks.shape[0], len(self.area_ids)
        if out is None:
            out = np.empty((n, n_areas), dtype=np.float64)
        elif out.shape != (n, n_areas) or out.dtype != np.float64 or not out.flags.c_contiguous:
            raise InputError(f"out must be a C-contiguous float64 array of shape {(n, n_areas)}")
        sites = np.empty((n, n_areas) if want_site else (0, 0), dtype=np.int32)
        if n == 0:
            return out, sites
        if self._engine(engine, n * n_areas * 8) == "numba":
            kernels = _numba_kernels() or {}
            # a parallel launch costs tens of microseconds: worth it for big batches only
            name = "nearest" if n * n_areas >= _PARALLEL_WORK else "nearest_serial"
            kernels[name](self.ranks_t, self.sorted_t, self.site_t, masks,
                          self.rank_dtype(self.none), out,
                          sites if want_site else np.empty((1, 1), np.int32), want_site)
            return out, sites
        cols = np.arange(n_areas)
        chunk = max(1, 4_000_000 // max(1, self.ranks_t.size))
        for i in range(0, n, chunk):
            best = self._ranks_numpy(masks[i:i + chunk]).astype(np.intp)
            out[i:i + chunk] = self.sorted_t[best, cols]
            if want_site:
                sites[i:i + chunk] = self.site_t[best, cols]
        return out, sites

    def scores(self, configurations: Any, population: Any, *,
               thresholds: Iterable[float] | float | None = None,
               engine: str = "auto") -> pd.DataFrame:
        """Population-weighted scores of each configuration, without per-area output.

        For each configuration: ``population_reached`` (people with a time to an open
        site), ``mean_minutes`` (population-weighted mean over them, the JTS average
        minimum travel time), ``max_minutes`` (longest time of any area),
        ``population_within_<t>`` and ``share_within_<t>`` (JTS destination indicator,
        denominator = all people). This is what optimisation loops call.

        Sums are taken in one fixed order (eight interleaved lanes over the areas, then
        the lanes in turn) by both engines, so numba and numpy give identical floats.

        Parameters
        ----------
        configurations : bool array (configurations × sites) or list of Scenario
        population : Series (indexed by ``area_id``) or array aligned with the areas
        thresholds : float or iterable of float, optional
        engine : {"auto", "numba", "numpy"}

        Returns
        -------
        pandas.DataFrame
            One row per configuration.
        """
        masks = self.masks(configurations)
        w = _population(population, self.area_ids)
        thr = _thresholds(thresholds)
        n, n_areas = masks.shape[0], len(self.area_ids)
        n_buckets = len(thr) + 2                      # <= t0, ..., <= t_last, > t_last, none
        bucket_t = np.searchsorted(np.asarray(thr), np.nan_to_num(self.sorted_t, nan=np.inf),
                                   side="left").astype(np.uint8)
        bucket_t[np.isnan(self.sorted_t)] = n_buckets - 1
        hist = np.zeros((n, 8, n_buckets))
        wsum = np.zeros((n, 8))
        mx = np.empty(n)
        if n and self._engine(engine, n * n_areas * 4) == "numba":
            kernels = _numba_kernels() or {}
            name = "score" if n * n_areas >= _PARALLEL_WORK else "score_serial"
            kernels[name](self.ranks_t, self.sorted_t, bucket_t, w, masks,
                             self.rank_dtype(self.none), hist, wsum, mx)
        elif n:
            pad = (-n_areas) % 8
            wp = np.concatenate([w, np.zeros(pad)]).reshape(-1, 8)
            cols = np.arange(n_areas)
            chunk = max(1, 2_000_000 // max(1, n_areas))
            for i in range(0, n, chunk):
                best = self._ranks_numpy(masks[i:i + chunk]).astype(np.intp)
                m = self.sorted_t[best, cols]
                bk = bucket_t[best, cols]
                with np.errstate(invalid="ignore"):
                    mx[i:i + chunk] = np.fmax.reduce(m, axis=1, initial=-np.inf)
                c = m.shape[0]
                mp = np.concatenate([m, np.full((c, pad), np.nan)], axis=1).reshape(c, -1, 8)
                bp = np.concatenate([bk, np.full((c, pad), n_buckets - 1, np.uint8)],
                                    axis=1).reshape(c, -1, 8)
                h = hist[i:i + chunk]
                ws = wsum[i:i + chunk]
                for r in range(wp.shape[0]):         # sequential over areas, as numba
                    wr, mr, br = wp[r], mp[:, r, :], bp[:, r, :]
                    for b in range(n_buckets):
                        h[:, :, b] += np.where(br == b, wr, 0.0)
                    ws += np.where(mr == mr, wr * mr, 0.0)
            mx[np.isneginf(mx)] = np.nan
        # combine lanes, then buckets, in one fixed order (shared by both engines)
        lanes_h = hist[:, 0, :].copy()
        lanes_w = wsum[:, 0].copy()
        for lane in range(1, 8):
            lanes_h += hist[:, lane, :]
            lanes_w += wsum[:, lane]
        total = float(w.sum())
        cum = np.zeros(n)
        out: dict[str, np.ndarray] = {}
        within = {}
        for b, t in enumerate(thr):
            cum = cum + lanes_h[:, b]
            within[t] = cum.copy()
        reached = cum + lanes_h[:, len(thr)]
        out["population_reached"] = reached
        with np.errstate(invalid="ignore", divide="ignore"):
            out["mean_minutes"] = np.where(reached > 0, lanes_w / reached, np.nan)
        out["max_minutes"] = mx
        for t in thr:
            lab = threshold_label(t)
            out[f"population_within_{lab}"] = within[t]
            out[f"share_within_{lab}"] = within[t] / total if total > 0 else np.full(n, np.nan)
        return pd.DataFrame(out)


def nearest_minutes_many(tt: TravelLike | NearestIndex, masks: Any, *,
                         engine: str = "auto", out: np.ndarray | None = None,
                         return_sites: bool = False) -> Any:
    """Minutes to the nearest open site for many configurations at once (batched fast path).

    Parameters
    ----------
    tt : TravelTimes, DataFrame or NearestIndex
        The matrix; pass a :class:`NearestIndex` to reuse its ranking across calls.
    masks : bool array (configurations × sites) or list of Scenario
        Columns in the matrix's site order; True = open.
    engine : {"auto", "numba", "numpy"}
        numba (optional dependency) or numpy; results are identical.
    out : numpy.ndarray, optional
        Preallocated float64 output (configurations × areas) to reuse.
    return_sites : bool
        Also return the column index of the nearest open site (-1 if none).

    Returns
    -------
    numpy.ndarray or (numpy.ndarray, numpy.ndarray)
        Float64 minutes (configurations × areas; NaN = no open site reachable), and the
        site indices when ``return_sites``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                             index=["E1", "E2"]))
    >>> nearest_minutes_many(tt, np.array([[True, False], [True, True]]))
    array([[ 5., 25.],
           [ 5.,  8.]])
    """
    index = tt if isinstance(tt, NearestIndex) else NearestIndex(tt)
    minutes, sites = index._nearest(masks, engine=engine, out=out, want_site=return_sites)
    return (minutes, sites) if return_sites else minutes


def score_many(tt: TravelLike | NearestIndex, masks: Any, population: Any, *,
               thresholds: Iterable[float] | float | None = None,
               engine: str = "auto") -> pd.DataFrame:
    """Population-weighted scores of many configurations (see :meth:`NearestIndex.scores`).

    Examples
    --------
    Two areas (100 and 300 children), two configurations::

        only S1 open: minutes 5 and 25 -> mean (500 + 7500) / 400 = 20; 100 within 10
        both open:    minutes 5 and 8  -> mean (500 + 2400) / 400 = 7.25; 400 within 10

    >>> import numpy as np, pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                             index=["E1", "E2"]))
    >>> s = score_many(tt, np.array([[True, False], [True, True]]), [100, 300], thresholds=[10])
    >>> s[["mean_minutes", "population_within_10"]].to_dict("list")
    {'mean_minutes': [20.0, 7.25], 'population_within_10': [100.0, 400.0]}
    """
    index = tt if isinstance(tt, NearestIndex) else NearestIndex(tt)
    return index.scores(masks, population, thresholds=thresholds, engine=engine)
