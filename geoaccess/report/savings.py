"""What each proposal saves, and what it costs families: the money and the access side by side.

A savings review closes buildings to save money; an equality assessment asks who loses
access. :func:`savings_and_losses` puts the two answers on one row per proposal: the
running cost a year, the saving against the baseline and the one-off costs (from the
sites' ``running_cost``, ``closure_cost`` and ``opening_cost`` columns, as
:func:`geoaccess.read_sites` reads them, computed by the optimisers' own
:class:`geoaccess.optimise.costs.Baseline`), next to the people who would no longer have
a site within the threshold, the change in the share within it and in the mean journey,
and how many of those losing access live in the most deprived areas
(:func:`geoaccess.equality.most_deprived`). Each row ends with one sentence a councillor
can read. The HTML report (:func:`geoaccess.render_report`) shows the same table and
sentences when the sites carry costs.

Examples
--------
Closing S2 (£30,000 a year, £2,000 to close) takes E2's 30 children from 3 to 22 minutes:

>>> import pandas as pd, geoaccess as ga
>>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0]})
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0], "S2": [9.0, 3.0]},
...                                             index=["E1", "E2"]), mode="walk")
>>> sites = pd.DataFrame({"site_id": ["S1", "S2"], "running_cost": [50_000.0, 30_000.0],
...                       "closure_cost": [5_000.0, 2_000.0]})
>>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
...                             ga.Scenario("Close S2", {"S1": "hub"})], population="kids")
>>> t = savings_and_losses(r, sites, service="a centre")
>>> t[["scenario", "saving", "one_off_costs", "population_loses_15"]].to_dict("records")
[{'scenario': 'Close S2', 'saving': 30000.0, 'one_off_costs': 2000.0, 'population_loses_15': 30.0}]
>>> import textwrap
>>> print(textwrap.fill(t.loc[0, "sentence"], 80))
Close S2 saves £30,000 a year (one-off costs £2,000); 30 kids would no longer
have a centre within 15 minutes' walk.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..errors import InputError
from ._format import _people, _signed
from ._tables import _Table

__all__ = ["has_costs", "savings_and_losses"]

#: The money columns of a sites table (as :data:`geoaccess.io.COST_COLUMNS`).
_MONEY = ("running_cost", "closure_cost", "opening_cost")


def has_costs(sites: Any) -> bool:
    """True when a sites table gives any site a running, closure or opening cost.

    Examples
    --------
    >>> has_costs(pd.DataFrame({"site_id": ["S1"], "running_cost": [9_000.0]}))
    True
    >>> has_costs(pd.DataFrame({"site_id": ["S1"], "kind": ["hub"]})), has_costs(None)
    (False, False)
    """
    if not isinstance(sites, pd.DataFrame) or "site_id" not in sites.columns:
        return False
    return any(c in sites.columns and pd.to_numeric(sites[c], errors="coerce").notna().any()
               for c in _MONEY)


def _pounds(value: float) -> str:
    """A sum of money for readers: £150,000 (whole pounds)."""
    return f"£{abs(value):,.0f}"


def _money_words(name: str, saving: float, one_off: float) -> str:
    if math.isnan(saving):
        money = f"{name} has no known saving (a site open under it has no running cost)"
    elif round(saving) > 0:
        money = f"{name} saves {_pounds(saving)} a year"
    elif round(saving) < 0:
        money = f"{name} costs {_pounds(saving)} a year more to run"
    else:
        money = f"{name} costs the same to run"
    if not math.isnan(one_off):
        money += (f" (one-off costs {_pounds(one_off)})" if round(one_off) > 0
                  else " (no one-off costs)")
    return money


def savings_and_losses(
    result: Any,
    sites: pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    baseline: str | None = None,
    threshold_minutes: float | None = None,
    service: str = "an open site",
    place: str | None = None,
) -> pd.DataFrame:
    """What each proposal saves against the baseline, and the access it costs families.

    Parameters
    ----------
    result : Result or Comparison
        From :func:`geoaccess.evaluate` (scenarios, or optimiser Solutions, evaluated
        together) or :func:`geoaccess.compare`.
    sites : pandas.DataFrame
        The sites table with ``site_id`` and ``running_cost`` (pounds a year), and
        optionally ``closure_cost`` and ``opening_cost`` (one-off pounds).
    areas : pandas.DataFrame, optional
        The areas with ``imd_decile``: adds those losing access in the most deprived
        areas.
    baseline : str, optional
        The scenario the savings are counted from (default: the comparison's baseline,
        or the first scenario).
    threshold_minutes : float, optional
        The threshold quoted (default 15 minutes when evaluated, else the first).
    service : str
        What is reached, with its article ("a centre"), for the sentences.
    place : str, optional
        Name of the place, for the phrase naming the most deprived areas.

    Returns
    -------
    pandas.DataFrame
        One row per proposal: ``scenario``, ``running_cost`` (pounds a year),
        ``saving`` (the baseline's running cost minus the proposal's), ``one_off_costs``
        (closing the baseline's sites it closes and opening the ones it adds),
        ``population_loses_<t>`` (people within *t* minutes under the baseline and not
        under the proposal), ``share_within_<t>_change`` (proposal minus baseline, a
        proportion), ``mean_minutes_change``, with ``imd_decile`` in the areas
        ``most_deprived_loses_<t>`` and ``most_deprived`` (the group in words), and
        ``sentence``. The running cost and saving are NaN where a site open under the
        scenario has no running cost; the one-off costs are NaN when the sites table
        gives no closure or opening cost (a site without one costs nothing to close or
        open when others have one).

    Raises
    ------
    InputError
        No money column in ``sites``, a single scenario, or a threshold not evaluated.
    """
    from ..equality import most_deprived
    from ..equality.narrative import describe_population, within_phrase
    from ..evaluate import Comparison, Result, compare
    from ..optimise.costs import Baseline

    if not has_costs(sites):
        raise InputError("savings_and_losses: the sites table has no running_cost, "
                         "closure_cost or opening_cost; add the costs to the sites "
                         "spreadsheet (geoaccess.read_sites reads them)",
                         column="running_cost")
    if isinstance(result, Comparison) and baseline in (None, result.baseline):
        comp = result
    elif isinstance(result, (Result, Comparison)):
        res = result.result if isinstance(result, Comparison) else result
        if len(res.scenario_names) < 2:
            raise InputError("savings_and_losses: one scenario only; evaluate the baseline "
                             "and at least one proposal together")
        comp = compare(res, baseline=baseline or res.scenario_names[0])
    else:
        raise InputError("savings_and_losses: expected a Result (geoaccess.evaluate) or "
                         f"Comparison (geoaccess.compare), got {type(result).__name__}")
    res = comp.result
    minutes = _threshold(res, threshold_minutes)
    lab = f"{minutes:g}"
    summary = res.summary.set_index("scenario")
    share: dict[Any, float] = summary[f"share_within_{lab}"].astype(float).to_dict()
    mean: dict[Any, float] = summary["mean_minutes"].astype(float).to_dict()
    losing: dict[Any, float] = comp.summary.set_index("scenario")[
        f"population_loses_{lab}"].astype(float).to_dict()
    base = Baseline.build(res.scenarios[comp.baseline], sites, [], role=None)
    dep = (most_deprived(areas, comp[comp.scenario_names[0]].index, place=place)
           if areas is not None and "imd_decile" in areas.columns else None)
    words = describe_population(res.population) if res.population else "areas"
    within = within_phrase(lab, res.mode)
    one_offs_given = has_costs(sites.drop(columns=["running_cost"], errors="ignore"))
    rows = []
    for name in comp.scenario_names:
        open_ids = res.scenarios[name].open_sites
        money = base.money(open_ids)
        if not one_offs_given:  # unknown, not nothing
            money["one_off_costs"] = float("nan")
        elif not base.has_costs:  # one-off costs known, running costs not
            money["one_off_costs"] = float(base.changes(open_ids)["one_off_cost"].sum())
        row: dict[str, Any] = {"scenario": name, **money}
        lost = losing[name]
        row[f"population_loses_{lab}"] = lost
        row[f"share_within_{lab}_change"] = share[name] - share[comp.baseline]
        row["mean_minutes_change"] = mean[name] - mean[comp.baseline]
        sentence = _money_words(name, row["saving"], row["one_off_costs"]) + "; "
        if lost > 0:
            sentence += f"{_people_text(lost)} {words} would no longer have {service} {within}"
        else:
            sentence += f"no {words} would lose {service} {within}"
        if dep is not None:
            per_area = _losses_by_area(comp, name, lab)
            hit = float(per_area.reindex(dep.area_ids).fillna(0.0).to_numpy()[dep.mask].sum())
            row[f"most_deprived_loses_{lab}"] = hit
            row["most_deprived"] = dep.phrase
            if lost > 0:
                sentence += (f", {_people_text(hit) if hit > 0 else 'none'} of them in "
                             f"{dep.phrase}")
        row["sentence"] = sentence + "."
        rows.append(row)
    return pd.DataFrame(rows)


def _people_text(n: float) -> str:
    from ..equality._format import people

    return people(n)


def _threshold(res: Any, threshold_minutes: float | None) -> float:
    labels = [float(t) for t in res.thresholds]
    if threshold_minutes is None:
        return 15.0 if 15.0 in labels else labels[0]
    minutes = float(threshold_minutes)
    if minutes not in labels:
        raise InputError(f"savings_and_losses: threshold {minutes:g} minutes was not "
                         f"evaluated; thresholds are {labels}", column="threshold_minutes")
    return minutes


def _losses_by_area(comp: Any, name: str, lab: str) -> pd.Series:
    """People losing ``lab``-minute access in each area (origin by origin when known)."""
    rows = comp[name]
    if f"population_loses_{lab}" in rows.columns:
        return pd.to_numeric(rows[f"population_loses_{lab}"]).fillna(0.0)
    weight = pd.to_numeric(rows[comp.weight_column]).fillna(0.0)
    return weight.where(rows[f"loses_{lab}"].astype(bool), 0.0)


def savings_table(frame: pd.DataFrame, *, lab: str, words: str,
                  baseline: str) -> _Table:
    """The report's table of :func:`savings_and_losses` (private to the report)."""
    cols = [("Proposal", "scenario compared with the baseline"),
            ("Running cost a year", "what the sites open under the proposal cost a year"),
            ("Saving a year", f"running cost under {baseline} minus under the proposal"),
            ("One-off costs", (f"closing the sites of {baseline} that the proposal closes and "
                               "opening the ones it adds")),
            (f"{words.capitalize()} losing {lab}-min access",
             f"{words} within {lab} minutes under {baseline} but not under the proposal"),
            (f"Change in share within {lab} min (points)",
             f"percentage points, against {baseline}"),
            ("Change in mean minutes", f"population-weighted, against {baseline}")]
    deprived = f"most_deprived_loses_{lab}" in frame.columns
    if deprived:
        cols.append(("Of them in the most deprived areas", str(frame["most_deprived"].iloc[0])))
    rows = []
    for _, r in frame.iterrows():
        row = [str(r["scenario"]), _money_cell(r["running_cost"]), _money_cell(r["saving"]),
               _money_cell(r["one_off_costs"]), _people(r[f"population_loses_{lab}"]),
               _points(r[f"share_within_{lab}_change"]), _signed(r["mean_minutes_change"])]
        if deprived:
            row.append(_people(r[f"most_deprived_loses_{lab}"]))
        rows.append(row)
    note = ("Money from the running, closure and opening costs of the sites table, in "
            "pounds; a dash: not known (a site open under the proposal has no running cost, "
            "or the table gives no closure or opening costs).")
    return _Table("savings", f"Saving and access lost against {baseline} ({words})", cols,
                  rows, [False] + [True] * (len(cols) - 1), note=note)


def _money_cell(value: Any) -> str:
    v = pd.to_numeric(value, errors="coerce")
    if pd.isna(v):
        return "–"
    return ("-" if v < 0 else "") + _pounds(float(v))


def _points(share_change: Any) -> str:
    """A change in a share as signed percentage points: +2.5, −11.0."""
    v = pd.to_numeric(share_change, errors="coerce")
    if pd.isna(v):
        return "–"
    return f"{v * 100:+.1f}"

