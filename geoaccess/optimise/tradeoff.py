"""How good can it get: the best achievable for each number of sites, and against equity.

:func:`trade_off` finds, for each number of sites kept, the shortest mean journey and the
most people within a threshold, and places proposals on the same axes.
:func:`equity_frontier` traces the Pareto frontier between overall access and a group's
access (the epsilon-constraint method). Both return tidy tables; draw them with
:func:`geoaccess.plot_trade_off` and :func:`geoaccess.plot_frontier`.

Examples
--------
Keeping one site, S3 is best (9 + 8 + 1 = 18 minutes, a mean of 6); two, S1 and S3
(2 + 8 + 1 = 11, 3.67); all three, 2 + 3 + 1 = 6, a mean of 2:

>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [2.0, 9, 8], "S2": [10.0, 3, 9], "S3": [9.0, 8, 1]},
...     index=["E1", "E2", "E3"]))
>>> t = ga.trade_off(tt, problems="p_median", threshold_minutes=5)
>>> t[["p", "mean_minutes"]].round(2).to_dict("list")
{'p': [1, 2, 3], 'mean_minutes': [6.0, 3.67, 2.0]}
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..matrix import TravelTimes
from ..measures import summarise_minutes, threshold_label
from ..scenario import Scenario, as_scenario
from .equity import Equity, Groups
from .problem import (
    Constraints,
    InfeasibleError,
    Instance,
    constraints_of,
    instance_of,
    minutes_value,
)
from .solution import Solution
from .solve import SolverOptions, solve

__all__ = ["equity_frontier", "proposal_rows", "scenarios_of", "trade_off"]

log = logging.getLogger(__name__)


def scenarios_of(items: Any, what: str) -> list[Scenario]:
    """One Scenario or Solution, or an iterable of them, as a list of Scenarios."""
    if isinstance(items, Scenario) or isinstance(getattr(items, "scenario", None), Scenario):
        return [as_scenario(items)]
    try:
        return [as_scenario(x) for x in items]
    except TypeError as exc:
        raise InputError(f"{what}: expected a Scenario, a Solution or a list of them, got "
                         f"{type(items).__name__}") from exc


def proposal_rows(inst: Instance, areas: Any, items: list[Scenario], threshold: float
                  ) -> list[dict[str, Any]]:
    """Rows of a trade-off table for configurations given (evaluated on the instance)."""
    if not items:
        return []
    lab = threshold_label(threshold)
    res = inst.evaluate(areas, items, [threshold])
    summary = res.summary.set_index("scenario")
    rows = []
    for scen in items:
        srow = summary.loc[scen.name]
        rows.append({"problem": "proposal", "scenario": scen.name,
                     "mean_minutes": srow["mean_minutes"], "max_minutes": srow["max_minutes"],
                     f"population_within_{lab}": srow[f"population_within_{lab}"],
                     f"share_within_{lab}": srow[f"share_within_{lab}"],
                     "status": "proposal", "gap": np.nan, "seconds": np.nan,
                     "sites": ", ".join(scen.open_sites)})
    return rows


def _p_values(inst: Instance, p_values: Any) -> list[int]:
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
    proposals: Scenario | Solution | Iterable[Scenario | Solution] = (),
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
    constraints: Constraints | None = None,
    rules: Constraints | None = None,
) -> pd.DataFrame:
    """The best achievable mean journey and coverage for each number of sites kept.

    For each ``p`` the p-median optimum (shortest mean journey) and the maximal-coverage
    optimum (most people within ``threshold_minutes``) are found under the same constraints,
    so a council can see what keeping 8, 12, 18... sites could at best achieve, and
    where its proposals sit (``proposals``, evaluated with :func:`geoaccess.evaluate`).

    Parameters
    ----------
    tt, areas, population, must_keep, must_close, candidates, sites, role, zones,
    min_per_zone, max_per_zone, capacity, capacity_scale, equity, unserved_minutes,
    method, time_limit, mip_rel_gap, constraints, rules
        As for :func:`~geoaccess.p_median` and :func:`~geoaccess.max_coverage`.
    p_values : iterable of int, optional
        Numbers of sites to keep (default: every value from the smallest the constraints allow
        to all candidates; 30 values spread over that range beyond 60 candidates).
        Values the constraints make impossible give rows with ``status="infeasible"``.
    threshold_minutes : float
        Threshold of the coverage optimum and of the ``*_within_<T>`` columns.
    problems : iterable of str
        Which optima: ``"p_median"`` and/or ``"max_coverage"``.
    proposals : Scenario, Solution or iterable of them
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
    options = SolverOptions(method, time_limit, mip_rel_gap)
    inst = instance_of(tt, areas, locals(), what="trade_off")
    threshold = minutes_value(threshold_minutes)
    wanted = [str(x) for x in ([problems] if isinstance(problems, str) else problems)]
    unknown = [x for x in wanted if x not in ("p_median", "max_coverage")]
    if unknown or not wanted:
        raise InputError(f"problems must be 'p_median' and/or 'max_coverage', got {wanted}")
    values = _p_values(inst, p_values)
    jobs = [(prob, p) for prob in wanted for p in values]
    rows: list[dict[str, Any]] = []
    bar = None
    if progress:
        from .._progress import tqdm

        bar = tqdm(total=len(jobs), desc="trade-off", unit="solve")
    lab = threshold_label(threshold)
    for prob, p in jobs:
        try:
            sol = solve(inst, prob, p=inst.check_p(p),
                        threshold=threshold if prob == "max_coverage" else None,
                        unserved_minutes=unserved_minutes if prob == "p_median" else None,
                        tie_break=True, options=options)
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
    for row in proposal_rows(inst, areas, scenarios_of(proposals, "proposals"), threshold):
        row["p"] = len(row["sites"].split(", ")) if row["sites"] else 0
        rows.append(row)
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
    constraints: Constraints | None = None,
    rules: Constraints | None = None,
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
    min_per_zone, max_per_zone, capacity, capacity_scale, time_limit, mip_rel_gap,
    constraints, rules
        As for :func:`~geoaccess.p_median` (no ``equity`` or ``single_source``
        constraint: the group is ``group``).
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
    threshold = minutes_value(threshold_minutes)
    probe = Equity(group=group, threshold_minutes=threshold, min_share=0.0)
    options = SolverOptions("exact", time_limit, mip_rel_gap)
    given = constraints_of(locals(), what="equity_frontier")
    inst = instance_of(tt, areas, locals(), what="equity_frontier",
                       constraints=replace(given, equity=probe))
    p = inst.check_p(p)
    mask = inst.groups.masks[0]
    label = inst.groups.labels[0]
    share_mode = measure == "share_within"
    prob = "max_coverage" if share_mode else "p_median"
    thr = threshold if share_mode else None
    free = replace(inst, groups=Groups.none(len(inst.area_ids)))
    efficient = solve(free, prob, p=p, threshold=thr, options=options)
    # the best the group alone could get (others weigh nothing)
    masked = replace(free, w=np.where(mask, inst.w, 0.0))
    group_best = solve(masked, prob, p=p, threshold=thr, tie_break=False, options=options)
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
            try:
                sol = solve(replace(inst, groups=Groups.one(eq, mask, label)), prob, p=p,
                            threshold=thr, options=options)
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
