"""One access standard as the measure of an EIA, perhaps over several ways of travelling.

A council may state its standard as "a centre within 15 minutes on foot or 10 by car"
(:class:`~geoaccess.measures.AccessRule`, evaluated with ``rules=`` of
:func:`geoaccess.evaluate` over a matrix per mode). :func:`standard_table` gives, per
scenario, how many people meet it, and per proposal how many would lose or gain it and
how the losses fall on the most deprived areas; :func:`~geoaccess.equality.findings` and
:func:`~geoaccess.equality.eia_tables` take ``standard=`` to make it the measure of
their sentences and tables.

With homes as origins (:func:`geoaccess.build_origins`), each home meets the standard
or not and people are counted where they live.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> walk = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0]}, index=["E1", "E2"]),
...                                  mode="walk")
>>> drive = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [2.0, 6.0]}, index=["E1", "E2"]),
...                                   mode="drive")
>>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [100.0, 300.0]})
>>> r = ga.evaluate({"walk": walk, "drive": drive}, areas, ga.Scenario("Now", {"S1": "hub"}),
...                 population="children",
...                 rules={"standard": "a hub within 15 minutes on foot or 10 by car"})
>>> standard_table(r, areas, "standard")[["scenario", "share_meeting"]].to_dict("records")
[{'scenario': 'Now', 'share_meeting': 1.0}]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..evaluate import Comparison, Result
from ._inputs import people_of, ratio, standard_rule, unpack, weighted_areas
from .deprivation import most_deprived
from .narrative import people_meeting
from .stats import relative_risk

__all__ = ["STANDARD_COLUMNS", "standard_table"]

log = logging.getLogger(__name__)

#: Columns of :func:`standard_table`, in order.
STANDARD_COLUMNS = [
    "scenario", "baseline", "standard", "rule", "population", "population_meeting",
    "share_meeting", "change_share_meeting", "population_losing", "share_losing",
    "population_gaining", "share_gaining", "exposed_group", "exposed_population",
    "exposed_share_of_population", "exposed_population_losing", "exposed_share_of_losing",
    "exposed_risk", "other_risk", "risk_ratio", "katz_lower", "katz_upper",
    "cluster_lower", "cluster_upper"]


def standard_table(
    result: Result | Comparison,
    areas: pd.DataFrame,
    standard: str,
    *,
    population: str | None = None,
    baseline: str | None = None,
    deprivation: str | None = None,
    deprived_deciles: Sequence[int] | None = None,
    place: str | None = None,
    service: str = "an open site",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Who meets an access standard under each scenario, and who would lose or gain it.

    Parameters
    ----------
    result : Result or Comparison
        From :func:`geoaccess.evaluate` with the standard among its ``rules=`` (over a
        matrix per mode it names), or its :func:`geoaccess.compare`; a Result is compared
        with ``baseline`` when given.
    areas : DataFrame
        The areas (population, ``imd_decile``).
    standard : str
        The rule's name (its key in ``rules=``) or its text.
    population, baseline, deprivation, deprived_deciles, place, confidence
        As in :func:`~geoaccess.equality.findings`.
    service : str
        Words for "any site" in the rule's wording (``rule`` column).

    Returns
    -------
    pandas.DataFrame
        One row per scenario (the baseline first): ``scenario``, ``baseline``,
        ``standard`` (the rule's name), ``rule`` (in words), ``population``,
        ``population_meeting`` and ``share_meeting`` (people meeting it, at their homes
        with origins), and for proposals (NaN for the baseline): ``change_share_meeting``
        (proposal − baseline), ``population_losing`` and ``share_losing`` (meeting it
        under the baseline, not the proposal), ``population_gaining``,
        ``share_gaining``, and for the most deprived areas (see
        :func:`~geoaccess.equality.most_deprived`): ``exposed_group``,
        ``exposed_population``, ``exposed_share_of_population``,
        ``exposed_population_losing``, ``exposed_share_of_losing`` (their share of
        everyone losing it), ``exposed_risk``, ``other_risk``, ``risk_ratio`` with its
        Katz and area-clustered limits.

    Raises
    ------
    InputError
        The standard was not evaluated, or bad areas (as :func:`breakdown`).

    Examples
    --------
    "a hub within 10 minutes on foot or 5 by car": under Now E1 walks 5 and E2 drives 3
    (both meet it); closing S2, E2 walks 25 and drives 9, so its 300 children lose it.

    >>> import pandas as pd, geoaccess as ga
    >>> walk = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0], "S2": [12.0, 18.0]}, index=["E1", "E2"]), mode="walk")
    >>> drive = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [2.0, 9.0], "S2": [4.0, 3.0]}, index=["E1", "E2"]), mode="drive")
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [100.0, 300.0]})
    >>> r = ga.evaluate({"walk": walk, "drive": drive}, areas,
    ...                 [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                  ga.Scenario("Close S2", {"S1": "hub"})], population="children",
    ...                 rules={"standard": "a hub within 10 minutes on foot or 5 by car"})
    >>> t = standard_table(ga.compare(r), areas, "standard")
    >>> t[["scenario", "share_meeting", "population_losing"]].to_dict("records")
    [{'scenario': 'Now', 'share_meeting': 1.0, 'population_losing': nan}, \
{'scenario': 'Close S2', 'share_meeting': 0.25, 'population_losing': 300.0}]
    """
    what = "standard_table"
    res, comp = unpack(result, baseline, what)
    name, rule = standard_rule(res, standard, what)
    table, ids, w, _ = weighted_areas(res, areas, population, what)
    dep = most_deprived(table, ids, deprivation=deprivation, deprived_deciles=deprived_deciles,
                        place=place) if comp is not None else None
    total = float(w.sum())
    met = {s: people_meeting(res[s].reindex(ids), name, w) for s in res.scenario_names}
    order = ([comp.baseline] + comp.scenario_names) if comp is not None \
        else res.scenario_names
    nan = float("nan")
    rows = []
    for scenario in order:
        n_met = float(met[scenario].sum())
        row: dict[str, Any] = dict.fromkeys(STANDARD_COLUMNS, nan)
        row.update(scenario=scenario, baseline=None, standard=name, rule=rule.phrase(service),
                   population=total, population_meeting=n_met,
                   share_meeting=ratio(n_met, total), exposed_group=None)
        if comp is not None and scenario != comp.baseline:
            ch = comp[scenario].reindex(ids)
            lose = people_of(ch, f"loses_{name}", w)
            gain = people_of(ch, f"gains_{name}", w)
            n_lose, n_gain = float(lose.sum()), float(gain.sum())
            row.update(baseline=comp.baseline,
                       change_share_meeting=ratio(n_met - float(met[comp.baseline].sum()),
                                                  total),
                       population_losing=n_lose, share_losing=ratio(n_lose, total),
                       population_gaining=n_gain, share_gaining=ratio(n_gain, total))
            if dep is not None:
                row.update(_deprivation(lose, w, dep, confidence))
        rows.append(row)
    out = pd.DataFrame(rows, columns=STANDARD_COLUMNS)
    for c in ("scenario", "baseline", "standard", "rule", "exposed_group"):
        out[c] = out[c].astype(object)
    out.attrs = {"standard": name, "rule": rule.text,
                 "baseline": comp.baseline if comp is not None else None}
    return out


def _deprivation(lose: np.ndarray, w: np.ndarray, dep: Any, confidence: float
                 ) -> dict[str, Any]:
    """How the losses fall on the most deprived areas: shares, risks, relative risk."""
    ex = dep.mask
    n_lose = float(lose.sum())
    out: dict[str, Any] = {
        "exposed_group": dep.phrase, "exposed_population": float(w[ex].sum()),
        "exposed_share_of_population": ratio(float(w[ex].sum()), float(w.sum())),
        "exposed_population_losing": float(lose[ex].sum()),
        "exposed_share_of_losing": ratio(float(lose[ex].sum()), n_lose),
        "exposed_risk": ratio(float(lose[ex].sum()), float(w[ex].sum())),
        "other_risk": ratio(float(lose[~ex].sum()), float(w[~ex].sum())),
    }
    if ex.any() and (~ex).any() and w[ex].sum() > 0 and w[~ex].sum() > 0:
        katz = relative_risk(lose, w, ex, confidence=confidence)
        clus = relative_risk(lose, w, ex, confidence=confidence, method="cluster")
        out.update(risk_ratio=katz.risk_ratio, katz_lower=katz.lower, katz_upper=katz.upper,
                   cluster_lower=clus.lower, cluster_upper=clus.upper)
    return out
