"""compare(): each proposal against a baseline, counted in people."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from ..errors import InputError
from ._common import STATUSES, label
from ._result import Comparison, Result

__all__ = ["compare"]

log = logging.getLogger("geoaccess.evaluate")


def crossing(loses: list[str], gains: list[str]) -> str:
    def words(labels: list[str]) -> str:
        if len(labels) == 1:
            return f"{labels[0]}-minute"
        return ", ".join(f"{lab}-" for lab in labels[:-1]) + f" and {labels[-1]}-minute"

    parts = []
    if loses:
        parts.append(f"loses {words(loses)} access")
    if gains:
        parts.append(f"gains {words(gains)} access")
    return "; ".join(parts)


def compare(result: Result, baseline: str | None = None, *, tolerance_minutes: float = 0.0,
            scenarios: str | Iterable[str] | None = None) -> Comparison:
    """Compare each proposal with a baseline: change in minutes, gains, losses, crossers.

    Parameters
    ----------
    result : Result
        From :func:`evaluate`, with the baseline among its scenarios.
    baseline : str, optional
        Name of the baseline scenario (default: the first scenario).
    tolerance_minutes : float
        Changes of at most this many minutes count as ``unchanged`` (default 0: any
        change counts). Threshold crossings are reported whatever the tolerance.
    scenarios : str or iterable of str, optional
        Names of the proposals to compare (default: every other scenario).

    Returns
    -------
    Comparison
        ``.areas`` per area and proposal, ``.summary`` per proposal; see
        :class:`Comparison` for the columns.

    Examples
    --------
    Baseline: S1 and S2 open; proposal: S2 closes. E2 goes from 8 (S2) to 25 minutes
    (S1): change +17, a loss, and it leaves the 10- and 15-minute bands; its 300 children
    are counted in ``population_loses_10`` and ``population_loses_15``::

              S1   S2   children
        E1     5   12        100    5 -> 5    unchanged
        E2    25    8        300    8 -> 25   loss, loses 10 and 15

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                             index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [100.0, 300.0]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})],
    ...                 population="children", thresholds=[10, 15])
    >>> c = ga.compare(r, baseline="Now")
    >>> c.summary.loc[0, ["population_loss", "population_loses_10", "population_loses_15"]].tolist()
    [300.0, 300.0, 300.0]

    With origins, people are counted where they live, not by their area's one point
    (see :class:`Comparison`): ``population_*`` figures sum the origins that cross.
    """
    if not isinstance(result, Result):
        raise InputError(f"compare: expected a Result from geoaccess.evaluate, got "
                         f"{type(result).__name__}")
    names = result.scenario_names
    if baseline is None:
        baseline = names[0]
        log.info("compare: baseline is the first scenario, %r", baseline)
    if baseline not in names:
        raise InputError(f"compare: no scenario {baseline!r} in the result; scenarios are "
                         f"{names}", column="scenario")
    if not tolerance_minutes >= 0:
        raise InputError(f"tolerance_minutes must be >= 0, got {tolerance_minutes}")
    if isinstance(scenarios, str):  # one name, not its letters
        scenarios = [scenarios]
    proposals = [s for s in names if s != baseline] if scenarios is None else list(scenarios)
    unknown = [s for s in proposals if s not in names]
    if unknown:
        raise InputError(f"compare: unknown scenarios {unknown}; scenarios are {names}",
                         column="scenario")
    proposals = [s for s in proposals if s != baseline]
    weight = result.weight_column
    labels = [label(t) for t in result.thresholds]
    base = result[baseline]
    # access standards (rules=): met under the baseline and not the proposal, or the reverse
    rules = [r for r in getattr(result, "rules", {}) if r in base.columns]
    tol = float(tolerance_minutes) + 1e-9
    frames = []
    rows = []
    origin_frames = []
    for name in proposals:
        prop = result[name]
        b = base["nearest_minutes"].to_numpy(np.float64)
        p = prop["nearest_minutes"].to_numpy(np.float64)
        change = p - b
        hb, hp = np.isfinite(b), np.isfinite(p)
        status = _status(b, p, tol)
        out = pd.DataFrame({
            "area_id": prop.index.to_numpy(dtype=object),
            "scenario": name,
            "baseline": baseline,
            "baseline_minutes": b,
            "nearest_minutes": p,
            "change_minutes": change,
            "baseline_site": base["nearest_site"].to_numpy(dtype=object),
            "nearest_site": prop["nearest_site"].to_numpy(dtype=object),
            "status": status,
        })
        lose_cols, gain_cols = {}, {}
        for lab in labels:
            wb = base[f"within_{lab}"].to_numpy(bool)
            wp = prop[f"within_{lab}"].to_numpy(bool)
            lose_cols[lab] = wb & ~wp
            gain_cols[lab] = ~wb & wp
            out[f"loses_{lab}"] = lose_cols[lab]
            out[f"gains_{lab}"] = gain_cols[lab]
        out["crossing"] = [
            crossing([lab for lab in labels if lose_cols[lab][i]],
                      [lab for lab in labels if gain_cols[lab][i]])
            for i in range(len(out))]
        for rule in rules:
            mb, mp = base[rule].to_numpy(bool), prop[rule].to_numpy(bool)
            lose_cols[rule], gain_cols[rule] = mb & ~mp, ~mb & mp
            out[f"loses_{rule}"] = lose_cols[rule]
            out[f"gains_{rule}"] = gain_cols[rule]
        w = prop[weight].to_numpy(np.float64)
        out[weight] = w
        prop_reason = prop["reason"].to_numpy(dtype=object)
        base_reason = base["reason"].to_numpy(dtype=object)
        reason = prop_reason.copy()
        fill = pd.isna(reason)
        reason[fill] = base_reason[fill]
        out["reason"] = reason
        frames.append(out)
        both = hb & hp
        wsum = w[both].sum()
        row: dict[str, Any] = {"scenario": name, "baseline": baseline}
        for st in STATUSES:
            row[f"areas_{st}"] = int((status == st).sum())
        for st in STATUSES:
            row[f"population_{st}"] = float(w[status == st].sum())
        row["mean_change_minutes"] = (float((w[both] * change[both]).sum() / wsum)
                                      if wsum > 0 else float("nan"))
        row["max_change_minutes"] = float(change[both].max()) if both.any() else float("nan")
        for lab in [*labels, *rules]:
            row[f"population_loses_{lab}"] = float(w[lose_cols[lab]].sum())
            row[f"population_gains_{lab}"] = float(w[gain_cols[lab]].sum())
            row[f"areas_loses_{lab}"] = int(lose_cols[lab].sum())
            row[f"areas_gains_{lab}"] = int(gain_cols[lab].sum())
        if result.origins is not None:
            origin_frames.append(_by_origin(result, baseline, name, tol, labels, out, row,
                                            rules))
        rows.append(row)
    columns = (["area_id", "scenario", "baseline", "baseline_minutes", "nearest_minutes",
                "change_minutes", "baseline_site", "nearest_site", "status"]
               + [c for lab in labels for c in (f"loses_{lab}", f"gains_{lab}")]
               + ["crossing"]
               + [c for rule in rules for c in (f"loses_{rule}", f"gains_{rule}")]
               + ([f"population_{st}" for st in STATUSES]
                  + [c for lab in [*labels, *rules] for c in (f"population_loses_{lab}",
                                                              f"population_gains_{lab}")]
                  if result.origins is not None else [])
               + [weight, "reason"])
    table = (pd.concat(frames, ignore_index=True)[columns] if frames
             else pd.DataFrame(columns=columns))
    summary_columns = (["scenario", "baseline"] + [f"areas_{st}" for st in STATUSES]
                       + [f"population_{st}" for st in STATUSES]
                       + ["mean_change_minutes", "max_change_minutes"]
                       + [c for lab in [*labels, *rules] for c in (
                           f"population_loses_{lab}", f"population_gains_{lab}",
                           f"areas_loses_{lab}", f"areas_gains_{lab}")])
    summary = pd.DataFrame(rows, columns=summary_columns)
    if not proposals:
        log.warning("compare: no proposal to compare with the baseline %r", baseline)
    origins = None
    if result.origins is not None and origin_frames:
        origins = pd.concat(origin_frames, ignore_index=True)
    return Comparison(table, summary, baseline, tolerance_minutes, result, origins=origins)


def _status(b: np.ndarray, p: np.ndarray, tol: float) -> np.ndarray:
    """Gain / loss / unchanged / unknown from baseline and proposal minutes."""
    change = p - b
    hb, hp = np.isfinite(b), np.isfinite(p)
    status = np.full(len(b), "unchanged", dtype=object)
    status[hb & hp & (change < -tol)] = "gain"
    status[hb & hp & (change > tol)] = "loss"
    status[hb & ~hp] = "loss"
    status[~hb & hp] = "gain"
    status[~hb & ~hp] = "unknown"
    return status


def _by_origin(result: Result, baseline: str, name: str, tol: float, labels: list[str],
               out: pd.DataFrame, row: dict[str, Any], rules: Sequence[str] = ()) -> pd.DataFrame:
    """Origin-level comparison: people counted at their origins.

    Fills the area table's ``population_loses_<t>``/``population_gains_<t>`` and the
    summary row's population figures in place; returns the rows of ``Comparison.origins``.
    """
    origins = cast(pd.DataFrame, result.origins)
    weight = result.weight_column
    base = origins[origins["scenario"] == baseline]
    prop = origins[origins["scenario"] == name]
    b = base["nearest_minutes"].to_numpy(np.float64)
    p = prop["nearest_minutes"].to_numpy(np.float64)
    w = prop[weight].to_numpy(np.float64)
    code = prop["area_id"].cat.codes.to_numpy()
    n_areas = len(out)
    status = _status(b, p, tol)
    change = p - b
    both = np.isfinite(change)
    # areas with no origin at all count as unknown, with their whole population
    no_origin = np.bincount(code, minlength=n_areas) == 0
    area_people = out[weight].to_numpy(np.float64)
    for st in STATUSES:
        per_area = np.bincount(code, w * (status == st), minlength=n_areas)
        if st == "unknown":
            per_area[no_origin] = area_people[no_origin]
        out[f"population_{st}"] = per_area
        row[f"population_{st}"] = float(per_area.sum())
    wsum = w[both].sum()
    row["mean_change_minutes"] = (float(np.dot(w[both], change[both]) / wsum) if wsum > 0
                                  else float("nan"))
    people = both & (w > 0)
    row["max_change_minutes"] = float(change[people].max()) if people.any() else float("nan")
    frame = pd.DataFrame({"origin_id": prop["origin_id"].to_numpy(),
                          "area_id": prop["area_id"].to_numpy(),
                          "scenario": prop["scenario"].to_numpy(),
                          "baseline": pd.Categorical.from_codes(np.zeros(len(p), np.int8),
                                                                categories=pd.Index([baseline])),
                          "baseline_minutes": b, "nearest_minutes": p,
                          "change_minutes": change,
                          "status": pd.Categorical(status, categories=list(STATUSES))})
    met: list[tuple[str, np.ndarray, np.ndarray]] = []
    for lab, t in zip(labels, result.thresholds, strict=True):
        with np.errstate(invalid="ignore"):
            met.append((lab, b <= t, p <= t))
    # homes meeting a standard before and not after, or the reverse
    met += [(rule, base[rule].to_numpy(bool), prop[rule].to_numpy(bool))
            for rule in rules if rule in base.columns]
    for name, before, after in met:
        loses, gains = before & ~after, ~before & after
        frame[f"loses_{name}"] = loses
        frame[f"gains_{name}"] = gains
        out[f"population_loses_{name}"] = np.bincount(code, w * loses, minlength=n_areas)
        out[f"population_gains_{name}"] = np.bincount(code, w * gains, minlength=n_areas)
        row[f"population_loses_{name}"] = float(w[loses].sum())
        row[f"population_gains_{name}"] = float(w[gains].sum())
    frame[weight] = w
    return frame
