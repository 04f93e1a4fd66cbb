"""Solving one question: the heuristic, then the exact model, and the better answer.

:func:`solve` runs one problem (``"p_median"``, ``"max_coverage"``, ``"set_cover"`` or
``"p_center"``) on an :class:`~geoaccess.optimise.problem.Instance` with the options of
:class:`SolverOptions`: with ``method="auto"`` the heuristic answers first, HiGHS then
proves (or improves) it, and the heuristic's answer is kept if the solver runs out of
time with a worse one, with the gap to the solver's bound. Threshold problems then
break ties among equally good choices by the shortest mean journey.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> from geoaccess.optimise.problem import Constraints, Instance
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [10.0, 30, 25], "S2": [20.0, 12, 14]}, index=["E1", "E2", "E3"]))
>>> inst = Instance.build(tt, None, population=None, constraints=Constraints())
>>> sol = solve(inst, "max_coverage", p=1, threshold=15, options=SolverOptions())
>>> sol.open_sites, sol.objective, sol.method
(['S2'], 2.0, 'exact')
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ..errors import GeoaccessError, InputError
from .exact import ExactAnswer, p_center_search, solve_model, stage_record
from .heuristics import heuristic
from .milp import relative_gap
from .problem import InfeasibleError, Instance, minutes_value
from .solution import (
    Solution,
    build_solution,
    default_name,
    describe,
    objective_name,
    objective_of,
)

__all__ = ["METHODS", "TIE_BREAK_SECONDS", "SolverOptions", "solve"]

#: Ways of solving: ``"auto"`` (heuristic, then HiGHS; the better answer with the
#: solver's bound), ``"exact"`` (HiGHS only) and ``"heuristic"`` (greedy + interchange).
METHODS = ("auto", "exact", "heuristic")

#: Seconds at most for a tie-break solve (see ``tie_break``), or ``time_limit`` if less.
TIE_BREAK_SECONDS = 10.0


@dataclass(frozen=True)
class SolverOptions:
    """How to solve one question.

    ``method``, the solver's ``time_limit`` (seconds per call) and ``mip_rel_gap``, and
    the heuristic's ``seed``: see :func:`~geoaccess.p_median`.
    """

    method: str = "auto"
    time_limit: float = 60.0
    mip_rel_gap: float = 1e-6
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InputError(f"method must be one of {list(METHODS)}, got {self.method!r}")
        if not (isinstance(self.time_limit, (int, float)) and self.time_limit > 0):
            raise InputError(f"time_limit must be a positive number of seconds, got "
                             f"{self.time_limit!r}")
        if not (isinstance(self.mip_rel_gap, (int, float)) and 0 <= self.mip_rel_gap < 1):
            raise InputError(f"mip_rel_gap must lie in [0, 1), got {self.mip_rel_gap!r}")


def solve(inst: Instance, problem: str, *, p: int | None = None, threshold: float | None = None,
          unserved_minutes: float | None = None, tie_break: bool = True,
          cheapest: bool = False, name: str | None = None,
          options: SolverOptions) -> Solution:
    """Solve ``problem`` on ``inst`` and return its :class:`Solution`.

    ``p`` is the number of sites (checked with :meth:`Instance.check_p`), ``threshold``
    the minutes of coverage and set cover, ``unserved_minutes`` the p-median's price of
    an unserved area, ``name`` the scenario's. Under a budget or a saving, the p-median's
    tie-break keeps most running (the dearest of the equally good answers: nothing
    closes that the target does not need), or with ``cheapest`` picks the cheapest; for
    coverage, ``cheapest`` picks the cheapest instead of the shortest mean journey.
    Raises :class:`InfeasibleError` when the constraints cannot all hold, and
    :class:`~geoaccess.GeoaccessError` when the solver finds no answer in time and no
    heuristic answer is at hand.
    """
    t0 = time.perf_counter()
    has_rules = (inst.capacity is not None or bool(inst.groups.items)
                 or inst.cost_cap is not None or (p is None and problem != "set_cover"))
    if options.method == "heuristic" and has_rules:
        raise InputError("method='heuristic' handles must-keep, must-close, candidates and "
                         "zones with a given p; capacities, equity constraints, budgets and "
                         "savings need method='exact' (or 'auto')")
    if not inst.reach.any():
        raise InfeasibleError(f"{problem}: no area has a time to any candidate site")
    if unserved_minutes is not None:
        unserved_minutes = minutes_value(unserved_minutes, "unserved_minutes")
    details: dict[str, Any] = {"time_limit_s": options.time_limit,
                               "mip_rel_gap": options.mip_rel_gap}
    finish = partial(_finish, inst, problem, threshold=threshold, name=name, t0=t0,
                     details=details)
    # ---------------------------------------------------------------- heuristic
    heur: np.ndarray | None = None
    heur_val = float("nan")
    if options.method in ("auto", "heuristic") and not has_rules:
        th = time.perf_counter()
        reach = inst.reach
        heur = heuristic(inst, problem, inst.D[reach], inst.w[reach], p=p, threshold=threshold,
                         penalty=unserved_minutes, seed=options.seed)
        details["heuristic_seconds"] = time.perf_counter() - th
        if heur is not None:
            heur_val = objective_of(inst, problem, heur, threshold, unserved_minutes)
            details["heuristic_objective"] = heur_val
        elif options.method == "heuristic":
            raise inst.infeasible(problem, p, " (the heuristic found no choice)")
    if options.method == "heuristic":
        assert heur is not None
        return finish(heur, objective=heur_val, bound=float("nan"), status="heuristic",
                      method="heuristic")
    # ---------------------------------------------------------------- exact
    primary, final = _exact_stages(inst, problem, p=p, threshold=threshold,
                                   unserved_minutes=unserved_minutes, heur=heur,
                                   tie_break=tie_break, options=options, details=details,
                                   cheapest=cheapest and inst.cost is not None)
    out = primary.outcome
    if out.status == "infeasible":
        raise inst.infeasible(problem, p)
    if primary.open_ is None and heur is None:
        raise GeoaccessError(f"{problem}: the solver found no solution within "
                             f"time_limit={options.time_limit} s ({out.message}); raise "
                             "time_limit or use method='heuristic'")
    bound = out.bound if problem != "p_center" else details["search"]["lower_bound"]
    exact_val = float("nan")
    if final.open_ is not None:
        exact_val = objective_of(inst, problem, final.open_, threshold, unserved_minutes,
                                 alloc=final.alloc)
    status = "optimal" if out.status == "optimal" else "time_limit"
    chosen, method_used, value, alloc = final.open_, "exact", exact_val, final.alloc
    if heur is not None and (chosen is None or _worse(problem, exact_val, heur_val)):
        chosen, method_used, value, alloc = heur, "exact+heuristic", heur_val, None
    assert chosen is not None
    if problem == "p_median":
        bound = _mean_bound(inst, bound)
    if not math.isnan(heur_val) and math.isfinite(exact_val) and status == "optimal":
        details["heuristic_gap"] = relative_gap(heur_val, exact_val)
    details["model"] = {"rows": out.rows, "columns": out.cols, "nonzeros": out.nonzeros,
                        "nodes": out.nodes, "rounds": primary.rounds}
    return finish(chosen, objective=value, bound=bound, status=status, method=method_used,
                  alloc=alloc)


def _exact_stages(inst: Instance, problem: str, *, p: int | None, threshold: float | None,
                  unserved_minutes: float | None, heur: np.ndarray | None, tie_break: bool,
                  options: SolverOptions, details: dict[str, Any], cheapest: bool = False
                  ) -> tuple[ExactAnswer, ExactAnswer]:
    """The exact solves of a problem: the answer on its objective, then the tie-broken one.

    Records the stages (and the p-center search) in ``details``.
    """
    kw: dict[str, Any] = {"time_limit": options.time_limit,
                          "mip_rel_gap": options.mip_rel_gap}
    # the tie-break only orders equally good answers: it gets a shorter budget, and
    # whatever it has found by then is as good on the objective that matters
    kw2 = {**kw, "time_limit": min(options.time_limit, TIE_BREAK_SECONDS)}
    stages: list[dict[str, Any]] = []
    details["stages"] = stages
    if problem == "p_center":
        primary, final, details["search"] = p_center_search(
            inst, p=p, heur=heur, kw=kw, kw_tie=kw2, tie_break=tie_break, stages=stages)
        return primary, final
    tie: dict[str, Any] | None = None
    if problem == "p_median":
        ex = solve_model(inst, objective="distance", p=p, penalty=unserved_minutes,
                         start=heur, **kw)
        stages.append(stage_record("minimise population-minutes", ex))
        if inst.cost_cap is not None and ex.open_ is not None \
                and ex.outcome.status == "optimal":
            # among equally good answers: the cheapest (a frontier's point), or the one
            # keeping most running within the budget or saving (no closure beyond need)
            best = ex.outcome.objective
            ex2 = solve_model(inst, objective="cost" if cheapest else "spend", p=p,
                              penalty=unserved_minutes,
                              distance_cap=best + 1e-7 * max(1.0, abs(best)), **kw2)
            stages.append(stage_record("tie-break: cheapest among the best" if cheapest
                                       else "tie-break: most kept among the best", ex2))
            return ex, (ex2 if ex2.open_ is not None else ex)
    elif problem == "max_coverage":
        assert threshold is not None
        ex = solve_model(inst, objective="coverage", p=p, threshold=threshold, **kw)
        stages.append(stage_record(f"maximise population within {threshold:g} min", ex))
        best = ex.outcome.objective
        tie = {"p": p, "coverage_floor": (threshold, best - 1e-7 * max(1.0, abs(best))),
               "what": "tie-break: shortest mean among the best"}
        if cheapest:
            tie.update({"what": "tie-break: cheapest among the best", "objective": "cost"})
    elif problem == "set_cover":
        assert threshold is not None
        ex = solve_model(inst, objective="count", p=None, cover_limit=threshold, **kw)
        stages.append(stage_record(f"fewest sites covering everyone within {threshold:g} min",
                                   ex))
        tie = {"p": int(round(ex.outcome.objective)) if ex.open_ is not None else None,
               "cover_limit": threshold, "what": "tie-break: shortest mean among the fewest"}
    else:  # pragma: no cover
        raise ValueError(problem)
    if tie is None or not tie_break or ex.open_ is None or ex.outcome.status != "optimal":
        return ex, ex
    what = tie.pop("what")
    objective = tie.pop("objective", "distance")
    ex2 = solve_model(inst, objective=objective, penalty=inst.auto_penalty(), **tie, **kw2)
    stages.append(stage_record(what, ex2))
    return ex, (ex2 if ex2.open_ is not None else ex)


def _finish(inst: Instance, problem: str, chosen: np.ndarray, *, objective: float,
            bound: float, status: str, method: str, threshold: float | None,
            name: str | None, t0: float, details: dict[str, Any],
            alloc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> Solution:
    k = int(chosen.sum())
    gap = relative_gap(objective, bound)
    return build_solution(
        inst, chosen, problem=problem, objective=objective,
        objective_name=objective_name(problem, threshold), bound=bound, status=status,
        method=method, seconds=time.perf_counter() - t0, threshold=threshold,
        not_served_limit=threshold if problem == "set_cover" else None, alloc=alloc,
        name=name or default_name(problem, k, threshold),
        description=describe(problem, inst, k, status, gap, threshold), details=details)


def _worse(problem: str, exact_val: float, heur_val: float) -> bool:
    if math.isnan(heur_val):
        return False
    if math.isnan(exact_val):
        return True
    tol = 1e-9 * max(1.0, abs(heur_val))
    if problem == "max_coverage":
        return exact_val < heur_val - tol
    return exact_val > heur_val + tol


def _mean_bound(inst: Instance, total_bound: float) -> float:
    """The solver's bound on population-minutes as a bound on mean minutes."""
    served = float(inst.w[inst.reach].sum())
    return total_bound / served if served > 0 else float("nan")
