"""Breakdowns: access per scenario and group of areas, and who among a group loses.

- :func:`breakdown`: population, population-weighted mean/median/90th percentile minutes,
  count and share within each threshold, and (for a comparison) how many lose or gain
  access, per scenario and group (IMD decile or quintile, ward, any attribute);
- :func:`group_exposure`: for columns holding the *share* of each area's people in a group
  (ethnic minority, disabled, lone-parent households...): how many of the group lose
  access, and their share of everyone who loses against their share of the population;
- :func:`eia_tables`: every table of an Equality Impact Assessment at once (findings,
  summaries, breakdowns, group exposure, relative risks, inequality, method, glossary),
  ready for :func:`~geoaccess.equality.to_excel`.

Counts of people are ``population*`` columns, proportions (0-1) ``share*`` columns, times
``*_minutes``; ``<t>`` in a column name is a threshold in minutes (``population_loses_15``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._validate import show_ids
from ..errors import InputError
from ..evaluate import Comparison, Result
from ..measures import summarise_measures, summarise_minutes
from . import _inputs
from ._inputs import (
    area_table,
    as_float,
    outcome_mask,
    outcomes_of,
    ratio,
    renamed,
    result_ids,
    share_columns,
    threshold_labels,
    unpack,
    weighted_areas,
)
from .deprivation import inequality, quintile_from_decile, risk_table
from .export import column_glossary
from .narrative import findings
from .standard import standard_table

__all__ = ["NOT_RECORDED", "TOTAL", "breakdown", "eia_tables", "group_exposure"]

#: Label of the row that totals every group in :func:`breakdown`.
TOTAL = "All areas"
#: Label of the group of areas with no value in a ``by`` column.
NOT_RECORDED = "not recorded"


def _by_list(by: Any) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return [str(b) for b in by]


def _group_values(table: pd.DataFrame, col: str, ids: pd.Index, what: str) -> pd.Series:
    """Values of a ``by`` column for ``ids`` as Python objects, missing as NOT_RECORDED."""
    labels = ids.to_numpy(dtype=object)
    if col in table.columns:
        raw = table[col].reindex(ids)
    elif col == "imd_quintile" and "imd_decile" in table.columns:
        raw = quintile_from_decile(table["imd_decile"].reindex(ids))
    else:
        hint = (" ('imd_quintile' is derived from an 'imd_decile' column, which is missing "
                "too)" if col == "imd_quintile" else "")
        columns = [c for c in table.columns if c != "geometry"]
        raise InputError(f"{what}: areas has no column {col!r} to break down by{hint}; "
                         f"columns are {columns}", column=col)
    lower = col.lower()
    if "decile" in lower or "quintile" in lower:
        values = as_float(raw, col, labels, what)
        if "decile" in lower:
            _inputs.check_deciles(values, labels, col, what)
        else:
            ok = np.isnan(values) | np.isin(values, np.arange(1, 6))
            if not ok.all():
                rows = labels[~ok].tolist()
                raise InputError(f"{what}: column {col!r} must hold quintiles 1..5 (rows "
                                 f"{show_ids(rows)})", column=col, rows=rows)
        out = [NOT_RECORDED if np.isnan(v) else int(v) for v in values]
    else:
        out = [NOT_RECORDED if _missing(v) else v for v in raw.astype(object)]
    return pd.Series(out, index=ids, dtype=object, name=col)


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _sort_key(v: Any) -> tuple[int, Any]:
    if isinstance(v, str) and v == NOT_RECORDED:
        return (2, "")
    if isinstance(v, (int, float, np.integer, np.floating)):
        return (0, float(v))
    return (1, str(v))


def _groups(table: pd.DataFrame, by: list[str], ids: pd.Index, what: str, total: bool
            ) -> list[tuple[tuple[Any, ...], np.ndarray]]:
    """(group key, boolean mask over ``ids``) for every group present, then the total."""
    out: list[tuple[tuple[Any, ...], np.ndarray]] = []
    if by:
        codes = np.zeros(len(ids), dtype=np.int64)
        levels: list[list[Any]] = []
        for col in by:
            values = _group_values(table, col, ids, what).tolist()
            uniq = sorted(set(values), key=_sort_key)
            lookup = {v: i for i, v in enumerate(uniq)}
            codes = codes * len(uniq) + np.fromiter((lookup[v] for v in values),
                                                    dtype=np.int64, count=len(values))
            levels.append(uniq)
        for code in np.unique(codes):  # ascending code = sorted by the columns in order
            key, rest = [], int(code)
            for uniq in reversed(levels):
                rest, i = divmod(rest, len(uniq))
                key.append(uniq[i])
            out.append((tuple(reversed(key)), codes == code))
    if total or not by:
        out.append(((TOTAL,) * len(by), np.ones(len(ids), dtype=bool)))
    return out


def _proposal_rows(comp: Comparison | None, scenario: str, ids: pd.Index) -> pd.DataFrame | None:
    if comp is None or scenario not in comp.scenario_names:
        return None
    return comp[scenario].reindex(ids)


# -------------------------------------------------------------------------- breakdown
_MEASURE_COLUMNS = ("gravity", "two_step_fca", "enhanced_two_step_fca", "nearest_sessions")


def _measure_table(res: Result, scenario: str, ids: pd.Index, w: np.ndarray
                   ) -> tuple[pd.DataFrame, list[str], list[str]] | None:
    """A scenario's rule and measure columns by area with the weights, if it has any."""
    rows = res[scenario]
    rules = [k[len("rule_"):] for k in res.provenance
             if k.startswith("rule_") and k[len("rule_"):] in rows.columns]
    measures = [c for c in rows.columns
                if c in _MEASURE_COLUMNS or c.startswith("sessions_within_")]
    if not rules and not measures:
        return None
    cols = [c for r in rules for c in (r, f"{r}_share") if c in rows.columns] + measures
    table = rows[cols].reindex(ids).assign(weight=w)
    return table, rules, measures


def breakdown(
    result: Result | Comparison,
    areas: pd.DataFrame,
    by: str | Sequence[str] | None = "imd_decile",
    *,
    population: str | None = None,
    baseline: str | None = None,
    total: bool = True,
) -> pd.DataFrame:
    """Access per scenario and group: population, minutes, thresholds, who loses.

    For each scenario of the result and each group of areas (by IMD decile or quintile,
    ward, or any attribute), the population-weighted summary of minutes to the nearest
    open site, with the same definitions as :attr:`Result.summary
    <geoaccess.Result>` (see :func:`geoaccess.measures.summarise_minutes`), and, for
    proposals compared with a baseline, how many people gain or lose.

    Parameters
    ----------
    result : Result or Comparison
        From :func:`geoaccess.evaluate` or :func:`geoaccess.compare`. A comparison adds
        the change columns for its proposals.
    areas : DataFrame or GeoDataFrame
        The areas (``area_id``, the population column and the ``by`` columns); every area
        of the result must be in it.
    by : str or sequence of str or None
        Column(s) to group by; several columns give their cross-classification. An
        ``imd_quintile`` column is derived from ``imd_decile`` when absent
        (:func:`~geoaccess.equality.quintile_from_decile`). Columns whose name contains
        "decile" must hold 1..10, "quintile" 1..5. Areas with no value form the group
        ``"not recorded"``. None gives the totals only.
    population : str, optional
        Population column of ``areas`` used as weights (default: the result's).
    baseline : str, optional
        With a Result, compare with this scenario first (as :func:`geoaccess.compare`).
    total : bool
        Add a row per scenario for all areas, labelled ``"All areas"``.

    Returns
    -------
    pandas.DataFrame
        One row per scenario and group (scenarios in order, groups sorted, the total
        last). Counts of people are ``population*`` columns, proportions (0-1) ``share*``
        columns, times ``*_minutes``; thresholds are in minutes (``within_15``: within 15
        minutes). Columns:

        - ``scenario``, the ``by`` columns (object: the group's value, ``"All areas"``);
        - ``areas``, ``areas_unreachable``, ``population``, ``share_of_population`` (the
          group's share of everyone), ``population_reached``,
          ``population_unreachable``, ``mean_minutes``, ``median_minutes``,
          ``p90_minutes``, ``max_minutes`` (weighted over areas with a time),
          ``population_within_<t>``, ``share_within_<t>`` (of the group's people);
        - when the result has them, for each rule *r* ``population_<r>`` and
          ``share_<r>`` (of the group's people meeting it), and the group's
          population-weighted ``mean_gravity``, ``mean_two_step_fca``,
          ``mean_enhanced_two_step_fca``, ``mean_nearest_sessions`` and
          ``mean_sessions_within_<t>``;
        - for proposals (NaN for the baseline): ``baseline``, ``mean_change_minutes``
          (weighted over areas with both times), ``population_gain``,
          ``population_loss`` (a longer journey beyond the comparison's tolerance, or no
          time any more), ``share_loss``, ``population_unchanged``,
          ``population_unknown``, and per threshold ``population_loses_<t>`` (people
          within *t* minutes under the baseline but not the proposal),
          ``share_loses_<t>`` (of the group), ``share_of_losers_<t>`` (the group's share
          of everyone who loses *t*-minute access; compare with ``share_of_population``)
          and ``population_gains_<t>``; and the same four for each rule *r*
          (``population_loses_<r>``...: meeting it under the baseline, not the proposal).

        ``attrs`` holds ``population`` (the column used), ``by`` and ``baseline``.

    Raises
    ------
    InputError
        A missing ``by`` or population column, deciles outside 1..10, negative, missing
        or all-zero population, areas of the result missing from ``areas``.

    Examples
    --------
    Two areas of decile 1 (100 and 300 children) and one of decile 2 (100); closing S2
    takes E2 from 8 to 25 minutes, so 300 children lose 15-minute access, all of them
    in decile 1:

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 100],
    ...                       "imd_decile": [1, 1, 2]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})],
    ...                 population="children", thresholds=[15])
    >>> b = breakdown(ga.compare(r), areas, by="imd_decile")
    >>> b[b.scenario == "Close S2"][["imd_decile", "population", "population_loses_15",
    ...                              "share_of_losers_15"]]
      imd_decile  population  population_loses_15  share_of_losers_15
    3          1       400.0                300.0                 1.0
    4          2       100.0                  0.0                 0.0
    5  All areas       500.0                300.0                 1.0
    """
    what = "breakdown"
    res, comp = unpack(result, baseline, what)
    table, ids, w, pop_col = weighted_areas(res, areas, population, what)
    by_cols = _by_list(by)
    groups = _groups(table, by_cols, ids, what, total)
    labs = threshold_labels(res)
    # thresholds, then access standards (rules=): who loses and gains each
    change_labs = labs + ([r for r in getattr(res, "rules", {})
                           if f"loses_{r}" in comp.areas.columns] if comp is not None else [])
    total_pop = float(w.sum())
    rows: list[dict[str, Any]] = []
    for scenario in res.scenario_names:
        minutes = res[scenario]["nearest_minutes"].reindex(ids).to_numpy(np.float64)
        extra = _measure_table(res, scenario, ids, w)
        rows_ = _proposal_rows(comp, scenario, ids)
        change = _change_arrays(rows_, change_labs, w) if rows_ is not None else None
        losers_all = ({lab: float(change[f"people_loses_{lab}"].sum()) for lab in change_labs}
                      if change is not None else {})
        homes = _home_rows(res, scenario, ids, pop_col)
        for key, mask in groups:
            wm = w[mask]
            stats = summarise_minutes(minutes[mask], wm, thresholds=res.thresholds)
            if homes is not None:  # minutes, shares and quantiles over homes, as evaluate
                at = mask[homes[2]]
                by_home = summarise_minutes(homes[0][at], homes[1][at],
                                            thresholds=res.thresholds)
                stats = by_home.drop(["areas", "areas_unreachable"]).combine_first(stats)[
                    stats.index]
            row: dict[str, Any] = {"scenario": scenario, **dict(zip(by_cols, key, strict=True))}
            for name, value in stats.items():
                row[str(name)] = value
                if name == "population":
                    row["share_of_population"] = float(wm.sum()) / total_pop
            row["areas"] = int(row["areas"])
            row["areas_unreachable"] = int(row["areas_unreachable"])
            if extra is not None:
                more = summarise_measures(extra[0][mask], population="weight",
                                          rules=extra[1], measures=extra[2])
                row.update({str(k): v for k, v in more.items()})
            row.update(_change_stats(change, mask, wm, change_labs, losers_all, comp))
            rows.append(row)
    out = pd.DataFrame(rows)
    for c in by_cols:
        out[c] = out[c].astype(object)
    out["scenario"] = out["scenario"].astype(object)
    out.attrs = {"population": pop_col, "by": by_cols,
                 "baseline": comp.baseline if comp is not None else None}
    return out


def _home_rows(res: Result, scenario: str, ids: pd.Index, pop_col: str
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each home's minutes, people and area position, when the result starts at homes.

    None for a result with one point per area, or one weighted by another population
    column than ``pop_col`` (the areas' own minutes are then used).
    """
    origins = getattr(res, "origins", None)
    if origins is None or not len(origins) or pop_col not in origins.columns:
        return None
    rows = origins[origins["scenario"] == scenario]
    pos = ids.get_indexer(rows["area_id"].astype(str))
    ok = pos >= 0
    return (rows["nearest_minutes"].to_numpy(np.float64)[ok],
            pd.to_numeric(rows[pop_col], errors="coerce").to_numpy(np.float64)[ok], pos[ok])


def _change_arrays(rows: pd.DataFrame, labs: list[str], w: np.ndarray
                   ) -> dict[str, np.ndarray]:
    """The comparison columns breakdown needs, as numpy arrays (one pass per scenario).

    ``people_<outcome>`` are the people per area with each outcome (at their homes when
    the comparison has them, see :func:`_inputs.people_of`).
    """
    out = {"change_minutes": rows["change_minutes"].to_numpy(np.float64),
           "status": rows["status"].to_numpy(dtype=object)}
    for st in ("gain", "loss", "unchanged", "unknown"):
        out[f"people_{st}"] = _inputs.people_of(rows, st, w)
    for lab in labs:
        for kind in ("loses", "gains"):
            out[f"{kind}_{lab}"] = rows[f"{kind}_{lab}"].to_numpy(bool)
            out[f"people_{kind}_{lab}"] = _inputs.people_of(rows, f"{kind}_{lab}", w)
    return out


def _change_stats(change: Mapping[str, np.ndarray] | None, mask: np.ndarray,
                  wm: np.ndarray, labs: list[str], losers_all: Mapping[str, float],
                  comp: Comparison | None) -> dict[str, Any]:
    nan = float("nan")
    cols = ["mean_change_minutes", "population_gain", "population_loss", "share_loss",
            "population_unchanged", "population_unknown"]
    for lab in labs:
        cols += [f"population_loses_{lab}", f"share_loses_{lab}", f"share_of_losers_{lab}",
                 f"population_gains_{lab}"]
    if change is None or comp is None:
        return {"baseline": None, **dict.fromkeys(cols, nan)}
    row: dict[str, Any] = {"baseline": comp.baseline}
    group_pop = float(wm.sum())
    delta = change["change_minutes"][mask]
    both = np.isfinite(delta)
    wb = wm[both].sum()
    row["mean_change_minutes"] = float(np.dot(wm[both], delta[both]) / wb) if wb > 0 else nan
    for st in ("gain", "loss", "unchanged", "unknown"):
        row[f"population_{st}"] = float(change[f"people_{st}"][mask].sum())
    row["share_loss"] = ratio(row["population_loss"], group_pop)
    for lab in labs:
        lose = float(change[f"people_loses_{lab}"][mask].sum())
        row[f"population_loses_{lab}"] = lose
        row[f"share_loses_{lab}"] = ratio(lose, group_pop)
        row[f"share_of_losers_{lab}"] = ratio(lose, losers_all[lab])
        row[f"population_gains_{lab}"] = float(change[f"people_gains_{lab}"][mask].sum())
    return {k: row[k] for k in ["baseline", *cols]}


# --------------------------------------------------------------------- group exposure
def group_exposure(
    result: Result | Comparison,
    areas: pd.DataFrame,
    shares: str | Sequence[str] | Mapping[str, str],
    *,
    population: str | None = None,
    baseline: str | None = None,
    outcomes: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """How many of a group lose access, against the group's share of the population.

    For columns holding the *share* of each area's people in a group (ethnic minority,
    disabled, lone-parent households...), the group's members in area ``i`` are
    estimated as ``s_i * p_i`` (share times population). Then for each proposal and
    outcome:

    - ``group_population_losing = sum(s_i p_i y_i)`` with ``y_i`` = 1 if the area has
      the outcome, of ``population_losing = sum(p_i y_i)`` people in all;
    - ``group_share_of_losing = group_population_losing / population_losing`` against
      ``group_share_of_population = sum(s_i p_i) / sum(p_i)``; their ratio
      ``representation_ratio`` is above 1 when the group is over-represented among those
      who lose;
    - ``group_risk`` (share of the group losing) and ``others_risk`` (share of everyone
      else losing).

    The estimate assumes the group's share among the people counted (e.g. children aged
    0-4) equals the area's share (often measured on all residents, e.g. Census 2021):
    pass ``population=`` the matching column (e.g. residents) to count the group itself.

    Parameters
    ----------
    result : Comparison or Result
        A comparison (or a Result with ``baseline=``).
    areas : DataFrame
        Areas with the share columns (proportions 0..1).
    shares : str, sequence of str, or mapping
        Share columns, or a mapping column → readable label (default label: the column
        name without ``_share``).
    population : str, optional
        Population column the shares apply to (default: the result's).
    baseline : str, optional
        Baseline scenario when ``result`` is a Result.
    outcomes : str or sequence, optional
        ``"loss"`` (a longer journey, or none) and/or ``"loses_<t>"`` (no longer within
        *t* minutes); default all.

    Returns
    -------
    pandas.DataFrame
        One row per proposal, share column and outcome: ``scenario``, ``baseline``,
        ``group`` (the column), ``group_label``, ``outcome``, ``population``,
        ``population_losing``, ``group_population``, ``group_share_of_population``,
        ``group_population_losing``, ``group_share_of_losing``,
        ``representation_ratio``, ``group_risk``, ``others_risk``. Shares and risks are
        proportions (0-1); NaN where nobody loses.

    Raises
    ------
    InputError
        Missing share or population columns, shares outside 0..1 or missing (naming the
        rows), all-zero population, no baseline.

    Examples
    --------
    E2 (300 children, 50% disabled) loses 15-minute access; E1 (100, 10%) and E3 (100,
    10%) do not. 150 of the 300 who lose are disabled (50%), against 170 of 500 (34%)
    of all children:

    >>> import pandas as pd, geoaccess as ga
    >>> times = pd.DataFrame({"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]},
    ...                      index=["E1", "E2", "E3"])
    >>> areas = pd.DataFrame({"area_id": times.index, "children": [100.0, 300, 100],
    ...                       "disabled_share": [0.1, 0.5, 0.1]})
    >>> both, s1_only = {"S1": "hub", "S2": "hub"}, {"S1": "hub"}
    >>> scenarios = [ga.Scenario("Now", both), ga.Scenario("Close S2", s1_only)]
    >>> r = ga.evaluate(ga.TravelTimes.from_frame(times), areas, scenarios,
    ...                 population="children", thresholds=[15])
    >>> g = group_exposure(ga.compare(r), areas, "disabled_share", outcomes="loses_15")
    >>> g[["group_population_losing", "group_share_of_losing",
    ...    "group_share_of_population"]].round(2).iloc[0].tolist()
    [150.0, 0.5, 0.34]
    """
    what = "group_exposure"
    res, comp = _inputs.comparison_of(result, baseline, what)
    table, ids, w, pop_col = weighted_areas(res, areas, population, what)
    cols = share_columns(table, shares, ids, what)
    chosen = outcomes_of(threshold_labels(res), outcomes)
    total = float(w.sum())
    rows = []
    for scenario in comp.scenario_names:
        change = comp[scenario].reindex(ids)
        for col, (label, s) in cols.items():
            group = s * w
            gpop = float(group.sum())
            for outcome in chosen:
                y = outcome_mask(change, outcome)
                losing = float(w[y].sum())
                glosing = float(group[y].sum())
                share_pop = gpop / total
                share_losing = ratio(glosing, losing)
                rows.append({
                    "scenario": scenario, "baseline": comp.baseline, "group": col,
                    "group_label": label, "outcome": outcome, "population": total,
                    "population_losing": losing, "group_population": gpop,
                    "group_share_of_population": share_pop,
                    "group_population_losing": glosing,
                    "group_share_of_losing": share_losing,
                    "representation_ratio": ratio(share_losing, share_pop),
                    "group_risk": ratio(glosing, gpop),
                    "others_risk": ratio(losing - glosing, total - gpop),
                })
    out = pd.DataFrame(rows)
    out.attrs = {"population": pop_col, "baseline": comp.baseline}
    return out


# ------------------------------------------------------------------------ EIA tables
def _default_shares(table: pd.DataFrame, ids: pd.Index) -> list[str]:
    """Columns named ``*_share`` holding proportions 0..1 for every area."""
    out = []
    for c in table.columns:
        if not str(c).lower().endswith("_share"):
            continue
        values = pd.to_numeric(table[c].reindex(ids), errors="coerce")
        if values.notna().all() and values.between(0, 1).all():
            out.append(str(c))
    return out


def _table_name(entry: Sequence[str]) -> str:
    return "by_" + "_".join(entry)


def eia_tables(
    result: Result | Comparison,
    areas: pd.DataFrame,
    *,
    by: Sequence[str | Sequence[str]] | str | None = None,
    shares: str | Sequence[str] | Mapping[str, str] | None = None,
    population: str | None = None,
    baseline: str | None = None,
    deprivation: str | None = None,
    deprived_deciles: Sequence[int] | None = None,
    threshold_minutes: float | None = None,
    place: str | None = None,
    service: str = "an open site",
    population_label: str | None = None,
    confidence: float = 0.95,
    threshold: float | None = None,
    standard: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table of an Equality Impact Assessment, ready for an Excel workbook.

    Write them with :func:`~geoaccess.equality.to_excel` or
    :func:`~geoaccess.equality.to_csv`.

    Parameters
    ----------
    result : Comparison or Result
        A comparison (or a Result with ``baseline=``); a Result alone gives the tables
        that need no baseline (summary, breakdowns, inequality).
    areas : DataFrame
        The areas.
    by : str or sequence, optional
        One breakdown table per entry (a tuple entry cross-classifies its columns).
        Default: those of ``imd_decile``, ``imd_quintile`` and ``ward`` that are present.
    shares : str, sequence or mapping, optional
        Share columns for the group exposure table and findings. Default: every
        ``*_share`` column holding proportions 0..1 for all areas; ``[]`` for none.
    population, baseline, deprivation, deprived_deciles, threshold_minutes, place, \
service, population_label, confidence
        As in :func:`~geoaccess.equality.findings` and :func:`breakdown`.
    threshold : float, optional
        Deprecated name of ``threshold_minutes``; still works, with a FutureWarning.
    standard : str, optional
        Make the measure an access standard (the name or text of a rule evaluated,
        e.g. "a centre within 15 minutes on foot or 10 by car" over a walking and a
        driving matrix): the findings are about it and a ``standard`` table
        (:func:`~geoaccess.equality.standard_table`) follows them; the breakdowns hold
        its columns (``share_<r>``, ``population_loses_<r>``...) with every rule's.

    Returns
    -------
    dict of str to pandas.DataFrame
        In order: ``findings`` (text and caveats), with ``standard=`` ``standard``,
        ``summary`` (per scenario),
        ``change`` (per proposal against the baseline), ``by_<column>`` for each
        breakdown, ``group_exposure``, ``relative_risk``, ``inequality``, ``method``
        (settings, provenance and definitions) and ``columns`` (what every column means,
        with its unit).

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> scenarios = [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...              ga.Scenario("Close S2", {"S1": "hub"})]
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 100],
    ...                       "imd_decile": [6, 7, 9], "disabled_share": [0.1, 0.2, 0.1]})
    >>> r = ga.evaluate(tt, areas, scenarios, population="children", thresholds=[15])
    >>> list(eia_tables(ga.compare(r), areas))  # doctest: +NORMALIZE_WHITESPACE
    ['findings', 'summary', 'change', 'by_imd_decile', 'by_imd_quintile', 'group_exposure',
     'relative_risk', 'inequality', 'method', 'columns']
    """
    what = "eia_tables"
    threshold_minutes = renamed(threshold_minutes, threshold, new="threshold_minutes",
                                old="threshold", what=what)
    res, comp = unpack(result, baseline, what)
    table = area_table(areas, what)
    ids = result_ids(res, table, what)
    if by is None:
        entries: list[tuple[str, ...]] = [
            (c,) for c in ("imd_decile", "imd_quintile", "ward")
            if c in table.columns or (c == "imd_quintile" and "imd_decile" in table.columns)]
    else:
        items = [by] if isinstance(by, str) else list(by)
        entries = [(e,) if isinstance(e, str) else tuple(e) for e in items]
    if shares is None:
        shares = _default_shares(table, ids)
    elif isinstance(shares, str):
        shares = [shares]
    source = comp if comp is not None else res
    tables: dict[str, pd.DataFrame] = {}
    if comp is not None:
        tables["findings"] = findings(
            comp, areas, threshold_minutes=threshold_minutes, population=population,
            deprivation=deprivation, deprived_deciles=deprived_deciles,
            shares=shares or None, place=place, service=service,
            population_label=population_label, confidence=confidence,
            standard=standard).to_frame()
    if standard is not None:
        tables["standard"] = standard_table(
            source, areas, standard, population=population, deprivation=deprivation,
            deprived_deciles=deprived_deciles, place=place, service=service,
            confidence=confidence)
    tables["summary"] = res.summary.copy()
    if comp is not None:
        tables["change"] = comp.summary.copy()
    for entry in entries:
        tables[_table_name(entry)] = breakdown(source, areas, by=list(entry),
                                               population=population)
    if comp is not None:
        if shares:
            tables["group_exposure"] = group_exposure(comp, areas, shares,
                                                      population=population)
        tables["relative_risk"] = risk_table(
            comp, areas, population=population, deprivation=deprivation,
            deprived_deciles=deprived_deciles, confidence=confidence, place=place)
    tables["inequality"] = inequality(res, areas, population=population)
    tables["method"] = _method_table(res, comp)
    tables["columns"] = column_glossary(tables)
    return tables


_DEFINITIONS = [
    ("definition: population-weighted", ("every person in an area takes the area's time; "
     "means, quantiles and shares weight areas by the population column")),
    ("definition: within t minutes", ("the nearest open site's time is at most t minutes "
     "(DfT Journey Time Statistics)")),
    ("definition: loses t-minute access", ("within t minutes under the baseline, not under "
     "the proposal")),
    ("definition: most deprived areas", ("IMD deciles 1-2 (the 20% most deprived areas of "
     "England) when present, else the two most deprived deciles present")),
    ("definition: relative risk", ("share losing in the most deprived areas / share losing "
     "elsewhere; Katz log interval (Katz et al. 1978) and an area-clustered interval "
     "(ratio estimator, Student's t with areas - 2 degrees of freedom)")),
    ("definition: gini", "sum_ij w_i w_j |x_i - x_j| / (2 W^2 mean); 0 = equal"),
    ("definition: concentration", ("2 cov_w(x, R) / mean, R = fractional rank from the most "
     "deprived; < 0: higher values among the more deprived (Kakwani et al. 1997)")),
    ("definition: palma", ("share of the total held by the top 10% / by the bottom 40% "
     "(Cobham & Sumner 2013); 0.25 = equal")),
    ("definition: theil", "mean of (x/mean) ln(x/mean) over people (Theil T); 0 = equal"),
]


def _method_table(res: Result, comp: Comparison | None) -> pd.DataFrame:
    rows = res.method()
    extra = []
    if comp is not None:
        extra += [("baseline", comp.baseline),
                  ("tolerance_minutes", f"{comp.tolerance_minutes:g}")]
    extra += [(f"standard: {name}", rule.text or rule.describe())
              for name, rule in getattr(res, "rules", {}).items()]
    extra += _DEFINITIONS
    return pd.concat([rows, pd.DataFrame(extra, columns=["item", "value"])],
                     ignore_index=True)
