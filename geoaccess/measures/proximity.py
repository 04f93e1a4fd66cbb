"""The nearest open site, and who is within reach of one.

:func:`nearest` (minutes to the nearest open site, which one, and why it is missing),
:func:`within` (flags and counts of open sites within thresholds), and the population
summaries of the DfT Journey Time Statistics: :func:`population_within` and
:func:`summarise_minutes`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..matrix import TravelTimes
from ..scenario import Scenario
from ._common import (
    AreasLike,
    TravelLike,
    as_roles,
    as_thresholds,
    as_travel,
    matrix_arrays,
    minutes_and_weights,
    open_mask,
)

__all__ = ["nearest", "population_within", "summarise_measures", "summarise_minutes",
           "threshold_label", "within"]


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


def _no_time_reasons(tt: TravelTimes, mask: np.ndarray, missing: np.ndarray, *,
                     scenario: str, roles: Iterable[str] | None) -> np.ndarray:
    """A reason for each area flagged in ``missing`` (no time to any open site)."""
    out = np.full(len(missing), None, dtype=object)
    if not missing.any():
        return out
    area_reason = tt.area_reason.reindex(tt.minutes.index).to_numpy(dtype=object)
    role_txt = "" if roles is None else " with role " + "/".join(as_roles(roles))
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
    t = as_travel(tt)
    values, area_ids, site_ids = matrix_arrays(t)
    mask = open_mask(scenario, site_ids, roles)
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
    thresholds : sequence of float, optional
        Minutes (default :data:`geoaccess.settings.thresholds_minutes`: 10, 15, 20, 30,
        45, 60); one number is taken as a one-item sequence, text is refused.
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
    values, area_ids, site_ids = matrix_arrays(tt)
    mask = open_mask(scenario, site_ids, roles)
    sub = values[:, mask]
    out: dict[str, np.ndarray] = {}
    for t in as_thresholds(thresholds):
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


def population_within(minutes: pd.Series | np.ndarray, areas: AreasLike | None = None, *,
                      population: str | None = None,
                      thresholds: Iterable[float] | float | None = None) -> pd.DataFrame:
    """Population within each threshold, as a count and a share (DfT JTS definition).

    Follows the Journey Time Statistics "destination indicator": the share of the target
    population (here the ``population`` column, e.g. children aged 0-4) whose area's
    minutes to the nearest service are at most *t*. Every person in an area takes the
    area's time (JTS does the same at output-area level); the denominator is the whole
    population, including areas with no time (they count as not within).

    Parameters
    ----------
    minutes : Series or array
        Minutes to the nearest open site per area (NaN = none): a Series indexed by
        ``area_id`` (matched to ``areas`` by id), or an array in the order of ``areas``.
    areas : pandas.DataFrame
        The areas table, with ``area_id`` and the population column.
    population : str, optional
        The population column (default: the first of ``areas.attrs["population"]``, as
        :func:`~geoaccess.read_areas` sets it). A Series or array of populations (here
        or in place of ``areas``) still works, with a FutureWarning.
    thresholds : sequence of float, optional
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

    >>> import pandas as pd
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100, 300, 100]})
    >>> minutes = pd.Series([5.0, 12.0, float("nan")], index=["E1", "E2", "E3"])
    >>> pw = population_within(minutes, areas, population="children", thresholds=[10, 15])
    >>> pw.to_dict("index")  # doctest: +NORMALIZE_WHITESPACE
    {10.0: {'population_within': 100.0, 'share_within': 0.2},
     15.0: {'population_within': 400.0, 'share_within': 0.8}}
    """
    m, w = minutes_and_weights(minutes, areas, population, func="population_within")
    return _population_within(m, w, as_thresholds(thresholds))


def _population_within(m: np.ndarray, w: np.ndarray, thresholds: tuple[float, ...],
                       ) -> pd.DataFrame:
    total = w.sum()
    rows = []
    for t in thresholds:
        with np.errstate(invalid="ignore"):
            pop = float(w[m <= t].sum())
        rows.append((t, pop, pop / total if total > 0 else float("nan")))
    return pd.DataFrame(rows, columns=["threshold_minutes", "population_within",
                                       "share_within"]).set_index("threshold_minutes")


def summarise_minutes(minutes: pd.Series | np.ndarray, areas: AreasLike | None = None, *,
                      population: str | None = None,
                      thresholds: Iterable[float] | float | None = None) -> pd.Series:
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
    minutes : Series or array
        Minutes per area (a Series indexed by ``area_id``, or an array in the order of
        ``areas``).
    areas : pandas.DataFrame
        The areas table, with ``area_id`` and the population column.
    population : str, optional
        The population column (default: the first of ``areas.attrs["population"]``). A
        Series or array of populations still works, with a FutureWarning.
    thresholds : sequence of float, optional

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

    >>> import pandas as pd
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100, 300, 100]})
    >>> s = summarise_minutes([5.0, 12.0, float("nan")], areas, population="children",
    ...                       thresholds=[10])
    >>> s[["mean_minutes", "median_minutes", "population_unreachable", "share_within_10"]]
    mean_minutes               10.25
    median_minutes             12.00
    population_unreachable    100.00
    share_within_10             0.20
    dtype: float64
    """
    m, w = minutes_and_weights(minutes, areas, population, func="summarise_minutes")
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
    pw = _population_within(m, w, as_thresholds(thresholds))
    counts = pw["population_within"].to_numpy(np.float64)
    shares = pw["share_within"].to_numpy(np.float64)
    for i, t in enumerate(pw.index):
        lab = threshold_label(t)
        out[f"population_within_{lab}"] = float(counts[i])
        out[f"share_within_{lab}"] = float(shares[i])
    return pd.Series(out, dtype=np.float64)


def summarise_measures(table: pd.DataFrame, *, population: str,
                       rules: Iterable[str] = (), measures: Iterable[str] = ()
                       ) -> pd.Series:
    """Population-weighted summary of the rule and measure columns of a result.

    - for each rule column *r* (bool, or the share of the area's people meeting it in a
      column ``<r>_share``): ``population_<r>`` (people meeting it) and ``share_<r>``
      (of everyone);
    - for each measure column *m* (gravity, 2SFCA, sessions within *t*...):
      ``mean_<m>``, the population-weighted mean over areas with a value.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per area: the population column and the columns named.
    population : str
        The population column.
    rules, measures : iterable of str
        Columns to summarise.

    Returns
    -------
    pandas.Series

    Examples
    --------
    Areas of 100, 300 and 100 children; the standard is met in the first two; 2SFCA of
    0.1, 0.2 and (no time) NaN: mean (100 × 0.1 + 300 × 0.2) / 400 = 0.175.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"children": [100.0, 300, 100], "ok": [True, True, False],
    ...                   "two_step_fca": [0.1, 0.2, float("nan")]})
    >>> summarise_measures(t, population="children", rules=["ok"],
    ...                    measures=["two_step_fca"]).round(3).to_dict()
    {'population_ok': 400.0, 'share_ok': 0.8, 'mean_two_step_fca': 0.175}
    """
    w = pd.to_numeric(table[population], errors="coerce").to_numpy(np.float64)
    total = float(np.nansum(w))
    out: dict[str, float] = {}
    for name in rules:
        col = f"{name}_share" if f"{name}_share" in table.columns else name
        share = pd.to_numeric(table[col].astype(np.float64), errors="coerce").fillna(0.0)
        met = float((w * share.to_numpy(np.float64)).sum())
        out[f"population_{name}"] = met
        out[f"share_{name}"] = met / total if total > 0 else float("nan")
    for name in measures:
        v = pd.to_numeric(table[name], errors="coerce").to_numpy(np.float64)
        ok = np.isfinite(v) & np.isfinite(w)
        wsum = float(w[ok].sum())
        out[f"mean_{name}"] = float((w[ok] * v[ok]).sum() / wsum) if wsum > 0 else float("nan")
    return pd.Series(out, dtype=np.float64)
