"""What money buys: the best access for each running-cost budget.

:func:`cost_frontier` answers a savings review ("we must save £150k: how much access does
each level of saving cost?"): for a range of budgets (pounds a year to run the sites
kept), the best achievable access under the same constraints, and the cheapest configuration
giving it, with today's configuration and any proposals placed on the same axes. Draw it
with :func:`geoaccess.plot_cost_frontier`. Budgets and savings for one question are the
``budget=`` and ``min_saving=`` constraints of :func:`~geoaccess.p_median` and the other
optimisers.

Examples
--------
Three sites costing £50k, £30k and £20k a year; two areas of 100 children::

            S1  S2  S3
        E1   2   6   9
        E2   8   3   9

With £30k the best is S2 (mean 4.5); with £50k, S1 (5.0) is worse, S2+S3 ties at 4.5 but
costs more, so S2 again (the cheapest of the best); with £80k, S1 and S2 (mean 2.5).

>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [2.0, 8], "S2": [6.0, 3], "S3": [9.0, 9]}, index=["E1", "E2"]))
>>> sites = pd.DataFrame({"site_id": ["S1", "S2", "S3"], "kind": "centre",
...                       "running_cost": [50_000.0, 30_000, 20_000]})
>>> f = ga.cost_frontier(tt, sites=sites, budgets=[30_000, 50_000, 80_000])
>>> f[f.problem == "p_median"][["budget", "running_cost", "mean_minutes", "sites"]]
    budget  running_cost  mean_minutes   sites
0  30000.0       30000.0           4.5      S2
1  50000.0       30000.0           4.5      S2
2  80000.0       80000.0           2.5  S1, S2
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..matrix import TravelTimes
from ..measures import threshold_label
from ..scenario import Scenario
from .costs import money_value
from .exact import solve_model
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
from .tradeoff import proposal_rows, scenarios_of

__all__ = ["cost_frontier"]

log = logging.getLogger(__name__)

_PROBLEMS = ("p_median", "max_coverage")


def _budgets(inst: Instance, problem: str, p: int | None, budgets: Any, steps: int,
             penalty: float | None, options: SolverOptions) -> list[float]:
    """The budgets given, or ``steps`` from the cheapest the constraints allow to all open."""
    if budgets is not None:
        values = [money_value(b, "budgets") for b in np.atleast_1d(np.asarray(
            budgets, dtype=object))]
        return sorted({float(v) for v in values if v is not None})
    assert inst.cost is not None
    free = replace(inst, cost_cap=None)
    ex = solve_model(free, objective="cost", p=p, penalty=penalty,
                     distance_cap=math.inf if problem == "p_median" and penalty is None
                     else None, time_limit=options.time_limit,
                     mip_rel_gap=options.mip_rel_gap)
    if ex.open_ is None:
        raise inst.infeasible(problem, p, " (no choice of sites at any cost)")
    low = float(inst.cost[ex.open_].sum())
    high = float(np.sort(inst.cost)[::-1][:p].sum()) if p is not None \
        else float(inst.cost.sum())
    return sorted({float(v) for v in np.linspace(low, max(low, high), int(steps))})


def _row(sol: Solution | None, problem: str, budget: float, threshold: float,
         status: str | None = None) -> dict[str, Any]:
    lab = threshold_label(threshold)
    if sol is None:
        nan = float("nan")
        return {"problem": problem, "budget": budget, "scenario": None, "running_cost": nan,
                "saving": nan, "one_off_costs": nan, "open_sites": 0, "mean_minutes": nan,
                "max_minutes": nan, f"population_within_{lab}": nan,
                f"share_within_{lab}": nan, "status": status or "infeasible", "gap": nan,
                "seconds": nan, "sites": ""}
    s = sol.summary
    return {"problem": problem, "budget": budget, "scenario": sol.scenario.name,
            "running_cost": sol.running_cost, "saving": sol.saving,
            "one_off_costs": sol.one_off_costs, "open_sites": len(sol.open_sites),
            "mean_minutes": s["mean_minutes"], "max_minutes": s["max_minutes"],
            f"population_within_{lab}": s[f"population_within_{lab}"],
            f"share_within_{lab}": s[f"share_within_{lab}"], "status": sol.status,
            "gap": sol.gap, "seconds": sol.seconds, "sites": ", ".join(sol.open_sites)}


def cost_frontier(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    problem: str = "p_median",
    budgets: Iterable[float] | None = None,
    steps: int = 8,
    threshold_minutes: float = 15.0,
    p: int | None = None,
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
    current: Scenario | Solution | None = None,
    catchment: str = "nearest",
    unserved_minutes: float | None = None,
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    constraints: Constraints | None = None,
    rules: Constraints | None = None,
) -> pd.DataFrame:
    """The best access for each running-cost budget, and what today's sites achieve.

    For each budget *B* (pounds a year), the configuration with the best access whose
    sites cost at most *B* to run (``problem``: the shortest mean journey, or the most
    people within ``threshold_minutes``) and, among equally good ones, the cheapest: so
    each row is a point of the cost-against-access frontier, which no configuration
    beats on both. Today's configuration (``current``) and ``proposals`` are added as
    rows for comparison.

    Parameters
    ----------
    tt, areas, population, must_keep, must_close, candidates, sites, role, zones,
    min_per_zone, max_per_zone, current, catchment, unserved_minutes, time_limit,
    mip_rel_gap, constraints, rules
        As for :func:`~geoaccess.p_median`. ``sites`` must hold a ``running_cost``
        column (pounds a year; ``closure_cost``/``opening_cost`` give the one-off
        costs); savings are against ``current``.
    problem : {"p_median", "max_coverage"}
        Access measured as the mean journey, or as people within ``threshold_minutes``.
    budgets : iterable of float, optional
        Running-cost budgets in pounds a year. Default: ``steps`` budgets from the
        cheapest configuration the constraints allow to every candidate open.
    steps : int
        Number of default budgets (at least 2).
    threshold_minutes : float
        Threshold of the coverage problem and of the ``*_within_<T>`` columns.
    p : int, optional
        Keep exactly ``p`` sites at every budget (default: any number).
    proposals : Scenario, Solution or iterable of them
        Configurations to place on the same axes (``problem="proposal"``).

    Returns
    -------
    pandas.DataFrame
        One row per budget (``problem`` as asked), then today's configuration
        (``problem="current"``) and the proposals: ``budget``, ``scenario``,
        ``running_cost``, ``saving`` (against today), ``one_off_costs``, ``open_sites``,
        ``mean_minutes``, ``max_minutes``, ``population_within_<T>``,
        ``share_within_<T>``, ``status`` (``"infeasible"`` for a budget no configuration
        fits), ``gap``, ``seconds`` and ``sites``. ``frame.attrs`` holds the problem,
        threshold, population and today's running cost. Draw it with
        :func:`geoaccess.plot_cost_frontier`.

    Raises
    ------
    InputError
        Without running costs, or with an unknown problem.
    """
    if problem not in _PROBLEMS:
        raise InputError(f"problem must be 'p_median' or 'max_coverage', got {problem!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise InputError(f"steps must be a whole number >= 2, got {steps!r}")
    threshold = minutes_value(threshold_minutes)
    options = SolverOptions("exact", time_limit, mip_rel_gap)
    given = constraints_of(locals(), what="cost_frontier")
    # a budget of 0 makes the instance read and check the running costs once
    inst = instance_of(tt, areas, locals(), what="cost_frontier", constraints=replace(
        given, budget=0.0 if given.budget is None else given.budget))
    inst = replace(inst, cost_cap=None)
    pp = None if p is None else inst.check_p(p)
    penalty = None if unserved_minutes is None else minutes_value(unserved_minutes,
                                                                  "unserved_minutes")
    values = _budgets(inst, problem, pp, budgets, steps, penalty, options)
    rows = []
    for b in values:
        try:
            sol = solve(replace(inst, cost_cap=b), problem, p=pp,
                        threshold=threshold if problem == "max_coverage" else None,
                        unserved_minutes=penalty if problem == "p_median" else None,
                        cheapest=True, name=f"Best within £{b:,.0f} a year", options=options)
            rows.append(_row(sol, problem, b, threshold))
        except InfeasibleError as exc:
            log.info("cost_frontier: budget %s is infeasible: %s", b, exc)
            rows.append(_row(None, problem, b, threshold))
    base = inst.baseline
    assert base is not None
    known = set(map(str, inst.tt.site_ids))
    items = [s for s in scenarios_of(proposals, "proposals") if s.name != base.current.name]
    if set(base.current.open_sites) <= known:
        items.insert(0, base.current)
    else:
        log.info("cost_frontier: today's configuration opens sites outside the matrix; "
                 "it is left off the table")
    extra = proposal_rows(inst, areas, items, threshold)
    for row, scen in zip(extra, items, strict=True):
        row["problem"] = "current" if scen is base.current else "proposal"
        row.update(base.money(scen.open_sites))
        row["budget"] = float("nan")
        row["open_sites"] = len(scen.open_sites)
    frame = pd.DataFrame(rows + extra)
    frame.attrs.update({"problem": problem, "threshold_minutes": threshold,
                        "population": inst.pop_name, "mode": inst.tt.mode,
                        "current_running_cost": base.current_cost,
                        "current": base.current.name})
    return frame
