"""Supply and distance decay: site supply, gravity (Hansen) and floating catchments.

:func:`site_supply` (capacity of each open site, for the hours it opens),
:func:`decay_weights` and :func:`gravity`, and the two-step floating catchment area
measures :func:`two_step_fca` (Luo and Wang 2003) and :func:`enhanced_two_step_fca` (Luo
and Qi 2009), checked against PySAL ``access``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._deprecate import renamed_option
from .._validate import show_ids
from ..errors import InputError
from ..matrix import TravelTimes
from ..scenario import Scenario
from ._common import (
    AreasLike,
    TravelLike,
    area_ok,
    area_weights,
    as_roles,
    as_travel,
    matrix_arrays,
    open_mask,
)
from .hours import FULL_WEEK_SESSIONS, sessions_of, site_numbers

__all__ = [
    "E2SFCA_BANDS",
    "FULL_WEEK_SESSIONS",
    "decay_weights",
    "enhanced_two_step_fca",
    "gravity",
    "site_supply",
    "two_step_fca",
]

log = logging.getLogger(__name__)

#: Default E2SFCA bands (upper limit in minutes → weight), from Luo and Qi (2009), whose
#: weights 1, 0.68 and 0.22 come from a Gaussian decay over three 10-minute bands. PySAL
#: ``access`` uses the same default.
E2SFCA_BANDS: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))



# ============================================================================ supply
def site_supply(scenario: Scenario, *, sites: pd.DataFrame | None = None,
                site_ids: Iterable[str] | None = None, roles: Iterable[str] | str | None = None,
                full_week_sessions: float = FULL_WEEK_SESSIONS) -> pd.Series:
    """Supply of each open site for the hours it opens: the numerator of 2SFCA and gravity.

    The rule, site by site:

    1. capacity = the scenario's own value (``scenario.capacity``), else the sites
       table's ``capacity`` column (``sites=``);
    2. a site with a known ``sessions_per_week`` (scenario, else sites table), whatever
       its role, offers its capacity for part of the week: capacity ×
       ``min(sessions_per_week / full_week_sessions, 1)`` (default 10 sessions = five
       days, morning and afternoon). An outreach room with 15 places open 2 sessions
       supplies 15 × 2/10 = 3; a hub with 60 places cut from 10 sessions to 5 supplies
       30. A site of unknown hours is taken to be open a full week;
    3. if no open site has a capacity, every site supplies 1 for a full week (so
       sessions / ``full_week_sessions``: results are then sites per person); if only
       some have one, that is an error (mixing units silently would mislead).

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
    >>> import geoaccess as ga
    >>> s = ga.Scenario("A", {"S1": "hub", "S2": "outreach", "S3": "centre"},
    ...                 capacity={"S1": 60, "S2": 15, "S3": 30},
    ...                 sessions_per_week={"S1": 10, "S2": 2, "S3": 5})
    >>> site_supply(s).to_dict()
    {'S1': 60.0, 'S2': 3.0, 'S3': 15.0}
    """
    if not (full_week_sessions > 0):
        raise InputError(f"full_week_sessions must be > 0, got {full_week_sessions}")
    ids = [s for s in scenario.open_sites if s in scenario.sites_with_role(*as_roles(roles))] \
        if roles is not None else scenario.open_sites
    if site_ids is not None:
        order = [str(s) for s in site_ids]
        keep = set(ids)
        ids = [s for s in order if s in keep]
    base_cap = site_numbers(sites, "capacity")
    sessions = sessions_of(scenario, ids, sites)
    part = {s: min(sessions[s] / full_week_sessions, 1.0) if s in sessions else 1.0
            for s in ids}
    cap = {s: scenario.capacity.get(s, base_cap.get(s, np.nan)) for s in ids}
    known = [s for s in ids if not np.isnan(cap[s])]
    if not known:
        if ids:
            log.info("scenario %r: no capacities known; every open site supplies 1 a full "
                     "week", scenario.name)
        return pd.Series([part[s] for s in ids], index=pd.Index(ids, name="site_id",
                                                                 dtype=object),
                         name="supply", dtype=np.float64)
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
    out = {s: float(cap[s] * part[s]) for s in ids}
    return pd.Series(out, name="supply", dtype=np.float64).rename_axis("site_id")


# ============================================================================ gravity
def decay_weights(minutes: np.ndarray | pd.Series | pd.DataFrame | float,
                  decay: str = "exponential", *, beta: float | None = None,
                  sigma: float | None = None, min_minutes: float = 1.0,
                  cutoff_minutes: float | None = None) -> Any:
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
    NaN times, and times beyond ``cutoff_minutes`` when it is given, weigh 0. The defaults
    are illustrative: calibrate ``beta`` or ``sigma`` to local travel behaviour.

    Parameters
    ----------
    minutes : array-like
    decay : {"exponential", "power", "gaussian"}
    beta, sigma, min_minutes : float, optional
    cutoff_minutes : float, optional
        Times above this weigh 0 (inclusive: a time equal to it keeps its weight).

    Returns
    -------
    Weights with the shape (and pandas labels) of ``minutes``.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(decay_weights(np.array([0.0, 10.0, np.nan]), "exponential", beta=0.1), 4)
    array([1.    , 0.3679, 0.    ])
    >>> decay_weights(np.array([0.5, 2.0, 20.0]), "power", beta=2, cutoff_minutes=15).tolist()
    [1.0, 0.25, 0.0]
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
    keep = ~np.isnan(t)
    if cutoff_minutes is not None:
        with np.errstate(invalid="ignore"):
            keep &= t <= float(cutoff_minutes)
    w = np.where(keep, w, 0.0)
    if isinstance(minutes, pd.Series):
        return pd.Series(w, index=minutes.index, name=minutes.name)
    if isinstance(minutes, pd.DataFrame):
        return pd.DataFrame(w, index=minutes.index, columns=minutes.columns)
    return w


def gravity(tt: TravelLike, scenario: Scenario, *, decay: str = "exponential",
            beta: float | None = None, sigma: float | None = None, min_minutes: float = 1.0,
            cutoff_minutes: float | None = None, capacity: bool = False,
            sites: pd.DataFrame | None = None, roles: Iterable[str] | str | None = None,
            full_week_sessions: float = FULL_WEEK_SESSIONS,
            max_minutes: float | None = None) -> pd.Series:
    """Gravity (Hansen) access: the sum over open sites of supply × decay(minutes).

    ``A_i = Σ_j S_j f(t_ij)`` over open sites *j* with a time (and ``t_ij <=
    cutoff_minutes`` if given), where *f* is :func:`decay_weights` and ``S_j`` is 1, or the
    site's supply from :func:`site_supply` when ``capacity=True``. This is PySAL
    ``access``'s ``weighted_catchment`` with the same weight function. Higher is better;
    it rewards having several sites near, not just one.

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    decay, beta, sigma, min_minutes
        See :func:`decay_weights`.
    cutoff_minutes : float, optional
        Ignore sites further than this (see :func:`decay_weights`).
    capacity : bool
        Weight sites by their supply (:func:`site_supply`) instead of 1 each.
    sites : pandas.DataFrame, optional
        Sites table for capacities not held by the scenario.
    roles : str or iterable of str, optional
        Only open sites with these roles.
    full_week_sessions : float
        See :func:`site_supply`.
    max_minutes : float, optional
        Old name of ``cutoff_minutes`` (FutureWarning); ``max_minutes`` is kept for the
        search bound of routing.

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
    t = as_travel(tt)
    values, area_ids, site_ids = matrix_arrays(t)
    mask = open_mask(scenario, site_ids, roles)
    cutoff = renamed_option(cutoff_minutes, max_minutes, new="cutoff_minutes",
                            old="max_minutes", func="gravity",
                            note="max_minutes is the search bound of routing")
    sub = values[:, mask]
    w = decay_weights(sub, decay, beta=beta, sigma=sigma, min_minutes=min_minutes,
                      cutoff_minutes=cutoff)
    if capacity:
        supply = site_supply(scenario, sites=sites, site_ids=site_ids[mask], roles=roles,
                             full_week_sessions=full_week_sessions).to_numpy()
    else:
        supply = np.ones(sub.shape[1])
    out = w @ supply if sub.shape[1] else np.zeros(len(area_ids))
    out = np.where(area_ok(t), out, np.nan)
    return pd.Series(out, index=area_ids, name="gravity", dtype=np.float64)


# ============================================================================ 2SFCA
def _fca(t: TravelTimes, scenario: Scenario, areas: Any, population: Any,
         weight_fn: Callable[[np.ndarray], np.ndarray], *, sites: pd.DataFrame | None,
         roles: Any, per: float, full_week_sessions: float, name: str) -> pd.Series:
    values, area_ids, site_ids = matrix_arrays(t)
    mask = open_mask(scenario, site_ids, roles)
    pop = area_weights(areas, population, area_ids, func=name)
    sub = values[:, mask]
    weights = np.where(np.isnan(sub), 0.0, weight_fn(np.where(np.isnan(sub), np.inf, sub)))
    supply = site_supply(scenario, sites=sites, site_ids=site_ids[mask], roles=roles,
                         full_week_sessions=full_week_sessions).to_numpy()
    demand = pop @ weights                       # step 1: weighted demand at each site
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(demand > 0, supply / demand, 0.0)
    access = weights @ ratio * float(per)        # step 2: sum of ratios within reach
    access = np.where(area_ok(t), access, np.nan)
    idle = np.nonzero(demand <= 0)[0]
    if len(idle):
        log.info("%s: open sites %s have no demand within their catchment and add nothing",
                 name, site_ids[mask][idle].tolist()[:10])
    return pd.Series(access, index=area_ids, name=name, dtype=np.float64)


def two_step_fca(tt: TravelLike, scenario: Scenario, areas: AreasLike | None = None, *,
                 population: str | None = None, threshold_minutes: float = 30.0,
                 sites: pd.DataFrame | None = None, roles: Iterable[str] | str | None = None,
                 per: float = 1000.0,
                 full_week_sessions: float = FULL_WEEK_SESSIONS) -> pd.Series:
    """Two-step floating catchment access (2SFCA; Luo and Wang 2003).

    Step 1, for each open site *j*: ``R_j = S_j / Σ_{i: t_ij <= d} P_i``, its supply per
    person of the demand within ``threshold_minutes`` *d*. Step 2, for each area *i*:
    ``A_i = per × Σ_{j: t_ij <= d} R_j``. Supply ``S_j`` comes from :func:`site_supply`
    (capacity, scaled by each site's sessions per week); demand ``P_i`` is the
    population column. A site with no demand within reach gets ``R_j = 0``. With
    ``per=1`` the values equal PySAL ``access``'s ``two_stage_fca(max_cost=d)``.

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    areas : pandas.DataFrame
        The areas table: ``area_id`` (every area of the matrix) and the population column.
    population : str, optional
        The demand column (default: the first of ``areas.attrs["population"]``, as
        :func:`~geoaccess.read_areas` sets it). A Series (indexed by ``area_id``) or array
        of populations, here or in place of ``areas``, still works with a FutureWarning.
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
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100, 300, 100]})
    >>> a = two_step_fca(tt, s, areas, population="children", threshold_minutes=15, per=1)
    >>> a.round(6).tolist()
    [0.025, 0.075, 0.05]
    """
    d = float(threshold_minutes)
    if not d > 0:
        raise InputError(f"threshold_minutes must be > 0, got {threshold_minutes}")
    return _fca(as_travel(tt), scenario, areas, population,
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
                          areas: AreasLike | None = None, *, population: str | None = None,
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
    areas, population
        The areas table and its demand column, as in :func:`two_step_fca`.
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
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [100, 100]})
    >>> enhanced_two_step_fca(tt, s, areas, population="children", per=1).round(6).tolist()
    [0.059524, 0.040476]
    """
    uppers, weights = _band_weights(bands)

    def weight_fn(m: np.ndarray) -> np.ndarray:
        i = np.searchsorted(uppers, m, side="left")
        return np.where(i < len(uppers), weights[np.minimum(i, len(uppers) - 1)], 0.0)

    return _fca(as_travel(tt), scenario, areas, population, weight_fn, sites=sites,
                roles=roles, per=per, full_week_sessions=full_week_sessions,
                name="enhanced_two_step_fca")
