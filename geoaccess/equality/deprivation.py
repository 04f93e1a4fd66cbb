"""Deprivation: the most deprived areas, and the tables that contrast them with the rest.

- :func:`quintile_from_decile`: quintile 1 = deciles 1-2 = the most deprived 20% of
  England;
- :func:`most_deprived`: the areas counted as "most deprived" (:class:`DeprivedAreas`),
  phrased honestly for what is present: where a place has no areas in the national most
  deprived fifth (Rutland has deciles 6-10 only), the most deprived areas *present*;
- :func:`inequality`: the inequality indices of minutes per scenario, the concentration
  index ranked by deprivation;
- :func:`risk_table`: the relative risk of losing access in the most deprived areas,
  per proposal and outcome.

Deprivation follows the English Indices of Deprivation: decile 1 is the most deprived 10%
of areas in England.

Examples
--------
>>> quintile_from_decile([1, 2, 6, 7, 10]).tolist()
[1, 1, 3, 4, 5]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validate import show_ids
from ..errors import InputError
from ..evaluate import Comparison, Result
from ._inputs import (
    ArrayLike,
    area_table,
    as_float,
    check_deciles,
    comparison_of,
    outcome_mask,
    outcomes_of,
    ratio,
    row_labels,
    threshold_labels,
    unpack,
    weighted_areas,
)
from .stats import indices, relative_risk

__all__ = ["DeprivedAreas", "inequality", "most_deprived", "quintile_from_decile",
           "risk_table"]

log = logging.getLogger(__name__)


# ------------------------------------------------------------------ deciles and quintiles
def quintile_from_decile(decile: ArrayLike, *, column: str = "imd_decile") -> pd.Series:
    """IMD quintile from IMD decile: deciles 1-2 → 1 (most deprived 20%), ..., 9-10 → 5.

    ``quintile = ceil(decile / 2)``. Missing deciles stay missing.

    Parameters
    ----------
    decile : array-like or Series
        Whole numbers 1..10 (1 = most deprived 10% of areas in England).
    column : str
        Name of the column, for messages.

    Returns
    -------
    pandas.Series
        Int64, same index as ``decile`` (a RangeIndex for arrays), named ``imd_quintile``.

    Raises
    ------
    InputError
        Naming the rows whose decile is not a whole number from 1 to 10.

    Examples
    --------
    >>> quintile_from_decile([1, 2, 6, 7, 10]).tolist()
    [1, 1, 3, 4, 5]
    """
    series = decile if isinstance(decile, pd.Series) else pd.Series(np.asarray(decile))
    labels = row_labels(series, len(series))
    values = as_float(series, column, labels, "quintile_from_decile")
    check_deciles(values, labels, column, "quintile_from_decile")
    q = pd.Series(np.ceil(values / 2), index=series.index, name="imd_quintile")
    return q.astype("Int64")


# ---------------------------------------------------------------- the most deprived
@dataclass(frozen=True, eq=False)  # eq=False: a mask array has no single truth value
class DeprivedAreas:
    """The areas counted as "most deprived", from :func:`most_deprived`.

    Attributes
    ----------
    column : str
        The IMD decile column read.
    deciles : tuple of int
        The deciles counted as most deprived.
    present : tuple of int
        Every decile present among the areas.
    national : bool
        True when the group is England's 20% most deprived areas (IMD deciles 1-2).
    mask : numpy.ndarray of bool
        True for the areas in the group, one per area of ``area_ids``.
    phrase : str
        The group in words, always with the national deciles: "the 20% most deprived
        areas of England (IMD deciles 1–2)" or "the most deprived areas of Rutland, which
        nationally are in IMD deciles 6–7".
    area_ids : pandas.Index
        The areas ``mask`` refers to, in order.

    Examples
    --------
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "imd_decile": [1, 4, 9]})
    >>> dep = most_deprived(areas)
    >>> dep.short, dep.mask.tolist()
    ('IMD deciles 1–2', [True, False, False])
    """

    column: str
    deciles: tuple[int, ...]
    present: tuple[int, ...]
    national: bool
    mask: np.ndarray
    phrase: str
    area_ids: pd.Index

    @property
    def short(self) -> str:
        """The deciles in a few words: ``IMD deciles 1–2``."""
        return f"IMD {deciles_text(self.deciles)}"


def deciles_text(deciles: Sequence[int]) -> str:
    """Deciles in words: ``decile 6``, ``deciles 1–2``, ``deciles 1, 3 and 5``.

    Examples
    --------
    >>> deciles_text([2, 1]), deciles_text([1, 3, 5])
    ('deciles 1–2', 'deciles 1, 3 and 5')
    """
    d = sorted(int(x) for x in deciles)
    if len(d) == 1:
        return f"decile {d[0]}"
    if d == list(range(d[0], d[-1] + 1)):
        return f"deciles {d[0]}–{d[-1]}"
    return "deciles " + ", ".join(str(x) for x in d[:-1]) + f" and {d[-1]}"


def most_deprived(
    areas: pd.DataFrame,
    area_ids: Sequence[str] | pd.Index | None = None,
    *,
    deprivation: str | None = None,
    deprived_deciles: Sequence[int] | None = None,
    place: str | None = None,
) -> DeprivedAreas | None:
    """The areas counted as "most deprived", phrased honestly for what is present.

    National IMD deciles 1-2 (the 20% most deprived areas of England) when some areas
    are in them and some are not; otherwise the two most deprived deciles present (one
    when only two are present), described as the most deprived areas *in the place*.
    The relative risks, the findings and the optimiser's equity constraint all use this
    group.

    Parameters
    ----------
    areas : DataFrame
        The areas table (``area_id`` and the IMD decile column).
    area_ids : sequence of str, optional
        The areas to consider, in order (default: every area of the table).
    deprivation : str, optional
        IMD decile column (default ``imd_decile``; when absent, None is returned).
    deprived_deciles : sequence of int, optional
        The deciles counted as most deprived, overriding the rule above.
    place : str, optional
        Name of the place, for the phrase ("the most deprived areas in Rutland").

    Returns
    -------
    DeprivedAreas or None
        None when there is no contrast: no ``imd_decile`` column (and no
        ``deprivation`` given), or a single decile present.

    Raises
    ------
    InputError
        A missing deprivation column, deciles outside 1..10 (naming the rows), ids not
        in the table, or ``deprived_deciles`` that are not deciles (a string such as
        ``"12"`` is refused rather than read as deciles 1 and 2).

    Examples
    --------
    Rutland-like areas, none in the national most deprived fifth:

    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3", "E4"],
    ...                       "imd_decile": [6, 7, 9, 10]})
    >>> dep = most_deprived(areas, place="Rutland")
    >>> dep.phrase
    'the most deprived areas of Rutland, which nationally are in IMD deciles 6–7'
    >>> dep.mask.tolist()
    [True, True, False, False]
    """
    what = "most_deprived"
    table = area_table(areas, what)
    if area_ids is None:
        ids = table.index
    else:
        ids = pd.Index([str(a) for a in area_ids], name="area_id")
        missing = ids.difference(table.index).tolist()
        if missing:
            raise InputError(f"{what}: area ids {show_ids(missing)} are not in the areas "
                             "table", column="area_id", rows=missing)
    column = deprivation
    if column is None:
        if "imd_decile" not in table.columns:
            return None
        column = "imd_decile"
    if column not in table.columns:
        raise InputError(f"{what}: areas has no deprivation column {column!r} (IMD deciles "
                         "1..10)", column=column)
    labels = ids.to_numpy(dtype=object)
    dec = as_float(table[column].reindex(ids), column, labels, what)
    check_deciles(dec, labels, column, what)
    present = tuple(int(d) for d in sorted(set(dec[~np.isnan(dec)].tolist())))
    where = f"in {place}" if place else "analysed"
    of_place = f"areas of {place}" if place else "of the areas analysed"
    if deprived_deciles is not None:
        if isinstance(deprived_deciles, str):
            raise InputError(f"{what}: deprived_deciles must be a sequence of IMD deciles, "
                             f"e.g. [1, 2], not the string {deprived_deciles!r}",
                             column="deprived_deciles")
        chosen = tuple(sorted({int(d) for d in deprived_deciles}))
        bad = [d for d in chosen if d not in range(1, 11)]
        if bad or not chosen:
            raise InputError(f"{what}: deprived_deciles must be IMD deciles 1..10, got "
                             f"{list(deprived_deciles)}", column="deprived_deciles")
        national = set(chosen) == {1, 2}
        phrase = (f"the 20% most deprived areas of England (IMD {deciles_text(chosen)})"
                  if national else f"the areas {where} in IMD {deciles_text(chosen)}")
    elif any(d <= 2 for d in present) and any(d > 2 for d in present):
        chosen, national = (1, 2), True
        phrase = "the 20% most deprived areas of England (IMD deciles 1–2)"
    elif len(present) >= 2:
        chosen = present[:2] if len(present) >= 3 else present[:1]
        national = False
        phrase = (f"the most deprived {of_place}, which nationally are in IMD "
                  f"{deciles_text(chosen)}")
    else:
        log.info("%s: every area is in IMD decile %s; no deprivation contrast", what,
                 present)
        return None
    mask = np.isin(dec, chosen)
    return DeprivedAreas(column, chosen, present, national, mask, phrase, ids)


def _rank_column(table: pd.DataFrame, rank_by: str | None) -> tuple[str | None, float]:
    """Column ranking areas from the most deprived, and its direction (+1 or -1)."""
    if rank_by is None:
        for cand in ("imd_rank", "imd_decile"):
            if cand in table.columns:
                return cand, 1.0
        return None, 1.0
    if rank_by not in table.columns:
        raise InputError(f"areas has no column {rank_by!r} to rank deprivation by",
                         column=rank_by)
    return rank_by, (-1.0 if "score" in rank_by.lower() else 1.0)


# ----------------------------------------------------------------------------- tables
def inequality(
    result: Result | Comparison,
    areas: pd.DataFrame,
    *,
    population: str | None = None,
    rank_by: str | None = None,
    column: str = "nearest_minutes",
) -> pd.DataFrame:
    """Inequality indices of minutes to the nearest open site, per scenario.

    The :func:`~geoaccess.equality.indices` of each scenario's minutes.

    Areas with no time (NaN) are left out of the indices and counted in
    ``areas_without_time`` and ``population_without_time``.

    Parameters
    ----------
    result : Result or Comparison
    areas : DataFrame
        Areas with the population column and the deprivation ranking.
    population : str, optional
        Population column (default: the result's).
    rank_by : str, optional
        Column ranking deprivation for the concentration index, ascending from the most
        deprived (``imd_rank``, ``imd_decile``); a column whose name contains "score"
        (IMD score: higher = more deprived) is ranked descending. Default ``imd_rank``
        if present, else ``imd_decile``, else none (concentration NaN).
    column : str
        Per-area column of the result to measure (default ``nearest_minutes``; e.g.
        ``gravity`` when evaluated with that measure).

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``scenario``, ``measure``, ``rank_by``, ``population``,
        ``areas_without_time``, ``population_without_time``, ``mean_minutes`` (weighted;
        ``mean`` for a measure not in minutes), ``gini``, ``concentration``, ``palma``,
        ``theil``.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [10.0, 20.0, 30.0]},
    ...                                             index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [1.0, 1, 1],
    ...                       "imd_decile": [3, 2, 1]})
    >>> r = ga.evaluate(tt, areas, ga.Scenario("A", {"S1": "hub"}), population="children")
    >>> inequality(r, areas)[["gini", "concentration"]].round(4).to_dict("records")
    [{'gini': 0.2222, 'concentration': -0.2222}]
    """
    what = "inequality"
    res, _ = unpack(result, None, what)
    table, ids, w, pop_col = weighted_areas(res, areas, population, what)
    rank_col, sign = _rank_column(table, rank_by)
    rank = None
    if rank_col is not None:
        labels = ids.to_numpy(dtype=object)
        rank = sign * as_float(table[rank_col].reindex(ids), rank_col, labels, what)
        if "decile" in rank_col.lower():
            check_deciles(sign * rank, labels, rank_col, what)
    if column not in res.areas.columns:
        raise InputError(f"{what}: the result has no column {column!r}", column=column)
    mean_col = "mean_minutes" if column.endswith("minutes") else "mean"
    rows = []
    for scenario in res.scenario_names:
        x = pd.to_numeric(res[scenario][column].reindex(ids), errors="coerce").to_numpy(
            np.float64)
        no_time = np.isnan(x)
        row: dict[str, Any] = {
            "scenario": scenario, "measure": column, "rank_by": rank_col,
            "population": float(w.sum()), "areas_without_time": int(no_time.sum()),
            "population_without_time": float(w[no_time].sum()),
        }
        keep = ~no_time
        if rank is not None:
            keep &= ~np.isnan(rank)
        if w[keep].sum() > 0:
            row[mean_col] = float(np.dot(w[keep], x[keep]) / w[keep].sum())
            row.update(indices(x[keep], w[keep],
                               rank_by=rank[keep] if rank is not None else None))
        else:
            row.update(dict.fromkeys((mean_col, "gini", "concentration", "palma", "theil"),
                                     float("nan")))
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs = {"population": pop_col}
    return out


def risk_table(
    result: Result | Comparison,
    areas: pd.DataFrame,
    *,
    population: str | None = None,
    baseline: str | None = None,
    deprivation: str | None = None,
    deprived_deciles: Sequence[int] | None = None,
    rank_by: str | None = None,
    outcomes: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    place: str | None = None,
) -> pd.DataFrame:
    """Relative risk of losing access in the most deprived areas, per proposal and outcome.

    The exposed group is IMD deciles 1-2 (the 20% most deprived areas of England, i.e.
    national quintile 1) when some (not all) areas are in them, else the two most
    deprived deciles present (see :func:`most_deprived`), or ``deprived_deciles``. Each
    row gives the :func:`~geoaccess.equality.relative_risk` with both intervals (Katz
    log, and clustered by area) and the concentration index of losing ranked by
    deprivation (negative: losses concentrate
    in the more deprived areas).

    Parameters
    ----------
    result : Comparison or Result
        A comparison (or a Result with ``baseline=``).
    areas : DataFrame
        Areas with the population and IMD decile columns.
    population, baseline
        As in :func:`~geoaccess.equality.breakdown`.
    deprivation : str, optional
        IMD decile column (default ``imd_decile``).
    deprived_deciles : sequence of int, optional
        Deciles forming the exposed group, overriding the rule above.
    rank_by : str, optional
        Ranking for the concentration index (see :func:`inequality`).
    outcomes : str or sequence, optional
        ``"loss"`` and/or ``"loses_<t>"`` (default all).
    confidence : float
        Confidence level of the intervals.
    place : str, optional
        Name of the place, for the group's description.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``baseline``, ``outcome``, ``exposed_group``, ``exposed_deciles``,
        ``exposed_areas``, ``exposed_population``, ``exposed_population_losing``,
        ``exposed_risk``, ``other_areas``, ``other_population``,
        ``other_population_losing``, ``other_risk``, ``risk_ratio``, ``katz_lower``,
        ``katz_upper``, ``cluster_lower``, ``cluster_upper``, ``confidence``,
        ``concentration_index``. Empty when there is no deprivation contrast (no decile
        column, or a single decile present).

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 100],
    ...                       "imd_decile": [1, 2, 5]})
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]))
    >>> now = ga.Scenario("Now", {"S1": "hub", "S2": "hub"})
    >>> closed = ga.Scenario("Close S2", {"S1": "hub"})
    >>> comp = ga.compare(ga.evaluate(tt, areas, [now, closed], population="children",
    ...                               thresholds=[15]))
    >>> t = risk_table(comp, areas, outcomes="loses_15")
    >>> t[["exposed_risk", "other_risk"]].to_dict("records")
    [{'exposed_risk': 0.75, 'other_risk': 0.0}]
    """
    what = "risk_table"
    res, comp = comparison_of(result, baseline, what)
    table, ids, w, pop_col = weighted_areas(res, areas, population, what)
    dep = most_deprived(table, ids, deprivation=deprivation, deprived_deciles=deprived_deciles,
                        place=place)
    columns = ["scenario", "baseline", "outcome", "exposed_group", "exposed_deciles",
               "exposed_areas", "exposed_population", "exposed_population_losing",
               "exposed_risk", "other_areas", "other_population", "other_population_losing",
               "other_risk", "risk_ratio", "katz_lower", "katz_upper", "cluster_lower",
               "cluster_upper", "confidence", "concentration_index"]
    if dep is None:
        log.info("%s: no deprivation contrast; the table is empty", what)
        return pd.DataFrame(columns=columns)
    rank_col, sign = _rank_column(table, rank_by)
    labels = ids.to_numpy(dtype=object)
    rank = (sign * as_float(table[rank_col].reindex(ids), rank_col, labels, what)
            if rank_col is not None else None)
    chosen = outcomes_of(threshold_labels(res), outcomes)
    rows = []
    for scenario in comp.scenario_names:
        change = comp[scenario].reindex(ids)
        for outcome in chosen:
            y = outcome_mask(change, outcome)
            rows.append(_risk_row(scenario, comp.baseline, outcome, y, w, dep, rank,
                                  confidence))
    out = pd.DataFrame(rows, columns=columns)
    out.attrs = {"population": pop_col, "baseline": comp.baseline,
                 "exposed_group": dep.phrase}
    return out


def _risk_row(scenario: str, baseline: str, outcome: str, y: np.ndarray, w: np.ndarray,
              dep: DeprivedAreas, rank: np.ndarray | None, confidence: float) -> dict[str, Any]:
    ex = dep.mask
    nan = float("nan")
    events = w * y
    row: dict[str, Any] = {
        "scenario": scenario, "baseline": baseline, "outcome": outcome,
        "exposed_group": dep.phrase, "exposed_deciles": deciles_text(dep.deciles),
        "exposed_areas": int(ex.sum()), "exposed_population": float(w[ex].sum()),
        "exposed_population_losing": float(events[ex].sum()),
        "other_areas": int((~ex).sum()), "other_population": float(w[~ex].sum()),
        "other_population_losing": float(events[~ex].sum()), "confidence": confidence,
    }
    row["exposed_risk"] = ratio(row["exposed_population_losing"], row["exposed_population"])
    row["other_risk"] = ratio(row["other_population_losing"], row["other_population"])
    if row["exposed_population"] > 0 and row["other_population"] > 0:
        katz = relative_risk(events, w, ex, confidence=confidence)
        clus = relative_risk(events, w, ex, confidence=confidence, method="cluster")
        row.update(risk_ratio=katz.risk_ratio, katz_lower=katz.lower, katz_upper=katz.upper,
                   cluster_lower=clus.lower, cluster_upper=clus.upper)
    else:
        row.update(dict.fromkeys(("risk_ratio", "katz_lower", "katz_upper", "cluster_lower",
                                  "cluster_upper"), nan))
    if rank is not None and events.sum() > 0:
        keep = ~np.isnan(rank)
        row["concentration_index"] = indices(y[keep].astype(float), w[keep],
                                             rank_by=rank[keep])["concentration"]
    else:
        row["concentration_index"] = nan
    return row

