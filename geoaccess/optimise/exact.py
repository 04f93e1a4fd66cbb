"""The exact path: one mixed-integer programme per question, solved by HiGHS.

:func:`solve_model` assembles a model for an :class:`~geoaccess.optimise.problem.Instance`
from the blocks of :mod:`geoaccess.optimise.milp` (the radius formulation for distance,
set rows for coverage and cover, assignment variables under capacities), adds the constraints
(p, must-keep, zones, equity constraints), and solves it with a time limit.
:func:`p_center_search` finds the best worst case by a binary search over the matrix's
times, each step a feasibility model.

Where the radius rows would be too many (more than :data:`RADIUS_BUDGET` nonzeros), they
are added lazily: each area's rows up to its nearest open site in a first answer,
extended until the answer prices every area exactly.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> from geoaccess.optimise.problem import Constraints, Instance
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [2.0, 9, 8], "S2": [10.0, 3, 9]}, index=["E1", "E2", "E3"]))
>>> inst = Instance.build(tt, None, population=None, constraints=Constraints())
>>> ex = solve_model(inst, objective="distance", p=1, time_limit=10, mip_rel_gap=1e-6)
>>> ex.outcome.status, ex.outcome.objective, ex.open_.tolist()
('optimal', 19.0, [True, False])
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .heuristics import quick_start
from .milp import (
    Expr,
    Model,
    Outcome,
    assignment_block,
    assignment_within,
    cover_block,
    coverage_block,
    radius_block,
)
from .problem import Instance
from .solution import objective_of

__all__ = ["RADIUS_BUDGET", "ExactAnswer", "p_center_search", "solve_model", "stage_record"]

log = logging.getLogger(__name__)

#: Largest number of nonzeros the radius formulation is built with at once; beyond it the
#: levels are added lazily (each area's rows up to its nearest open site in the current
#: answer, extended until the answer is consistent).
RADIUS_BUDGET = 4_000_000


@dataclass
class ExactAnswer:
    """What one exact solve gave.

    The solver's outcome, the open sites (None without an answer), the allocation under
    capacities (area row among the reached areas, site, share) and the rounds of lazy
    radius levels.
    """

    outcome: Outcome
    open_: np.ndarray | None
    alloc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None   # i, j, share (reach rows)
    rounds: int = 1


def solve_model(inst: Instance, *, objective: str, p: int | None,
                threshold: float | None = None, cover_limit: float | None = None,
                coverage_floor: tuple[float, float] | None = None,
                penalty: float | None = None, time_limit: float, mip_rel_gap: float,
                start: np.ndarray | None = None,
                distance_cap: float | None = None) -> ExactAnswer:
    """Build and solve one MILP over the reachable areas (see :mod:`geoaccess.optimise.milp`).

    ``objective`` is ``"distance"`` (population × minutes), ``"coverage"`` (population
    within ``threshold``), ``"count"`` (open sites), ``"cost"`` (running cost of the open
    sites, minimised), ``"spend"`` (the same, maximised) or ``"none"`` (feasibility).
    ``cover_limit`` requires every area (with people, when given) that some candidate
    reaches within it to keep an open site within it; ``coverage_floor``
    (threshold, population) keeps coverage at least that; ``distance_cap`` keeps the
    population × minutes at most that (``inf``: only every area served); ``penalty``
    caps minutes and prices an unserved area; ``start`` is a first answer for the lazy
    radius levels.
    """
    groups = inst.groups
    single_source = inst.single_source
    reach = inst.reach
    D = inst.D[reach]
    w = inst.w[reach]
    cls = groups.classes[reach]
    nc = groups.n_classes
    m = inst.m
    keep = inst.keep
    cover_rows = np.ones(len(D), dtype=bool) if cover_limit is None else (w > 0)
    need_distance = objective == "distance" or distance_cap is not None or any(
        e.max_mean_minutes is not None for e in groups.items)
    thresholds = sorted({t for t in ([threshold] if threshold is not None else [])
                         + ([coverage_floor[0]] if coverage_floor else [])
                         + [e.threshold_minutes for e in groups.items
                            if e.threshold_minutes is not None]})
    Dd = D if penalty is None else np.minimum(D, penalty)
    levels = None
    if objective == "distance" and inst.capacity is None:
        # (only when distance is the objective: the check below relies on it)
        kmax = m - (p if p is not None else 1) + 1
        fin = np.minimum(np.isfinite(Dd).sum(axis=1), kmax)
        if float((fin.astype(np.float64) ** 2).sum() / 2) > RADIUS_BUDGET:
            # lazy levels: each area's rows up to its nearest open site in a first answer
            guess = start if start is not None else quick_start(inst, D, w, p, penalty)
            levels = _ranks_of_open(Dd, guess) + 2
    rounds = 0
    while True:
        rounds += 1
        model = Model()
        y = model.add_vars(m, lb=keep.astype(np.float64), ub=1.0, integer=True)
        count = Expr(y, np.ones(m))
        if p is not None:
            model.add_expr(count, p, p)
        else:
            model.add_expr(count, 1)       # any number of sites, but at least one
        if inst.cost_cap is not None and inst.cost is not None:
            model.add_expr(Expr(y, inst.cost), hi=inst.cost_cap)
        for k in range(len(inst.zone_names)):
            members = y[inst.zones.of == k]
            lo, hi = float(inst.zones.lo[k]), float(inst.zones.hi[k])
            if lo > 0 or hi < len(members):
                model.add_expr(Expr(members, np.ones(len(members))), lo, hi)
        dist: Expr | None = None
        dist_by: dict[int, Expr] = {}
        cov: dict[float, tuple[Expr, dict[int, Expr]]] = {}
        assign = None
        if inst.capacity is not None:
            if need_distance:
                assign = assignment_block(
                    model, y, D if cover_limit is None else np.where(D <= cover_limit, D,
                                                                     np.inf),
                    w, cls, inst.capacity, serve="all", penalty=penalty,
                    single_source=single_source, n_classes=nc, required=w > 0)
                dist, dist_by = assign.distance, assign.distance_by_class
            else:
                limit = cover_limit if cover_limit is not None else max(thresholds)
                Dl = np.where(D <= limit, D, np.inf)
                assign = assignment_block(
                    model, y, Dl, w, cls, inst.capacity,
                    serve="all" if cover_limit is not None else "up_to",
                    single_source=single_source, n_classes=nc, required=w > 0)
            for t in thresholds:
                cov[t] = assignment_within(assign, D, w, cls, t, nc)
        else:
            if need_distance:
                rb = radius_block(model, y, Dd, w, cls, keep=keep,
                                  p_max_rank=m - (p if p is not None else 1) + 1,
                                  levels=levels, hard_serve=penalty is None,
                                  n_classes=nc, serve=w > 0)
                dist, dist_by = rb.total, rb.by_class
            # classes counted against a group in a relative share constraint need exact
            # coverage indicators (else "everyone else" could be under-counted)
            exact_cls: dict[float, set[int]] = {}
            for g, e in enumerate(groups.items):
                if e.threshold_minutes is not None and e.min_share is None:
                    exact_cls.setdefault(float(e.threshold_minutes), set()).update(
                        c for c in range(nc) if not c & (1 << g))
            for t in thresholds:
                cb = coverage_block(model, y, D, w, cls, t, keep=keep, n_classes=nc,
                                    exact=sorted(exact_cls.get(t, ())))
                cov[t] = (cb.total, cb.by_class)
            if cover_limit is not None:
                cover_block(model, y, D[cover_rows], cover_limit, keep=keep)
        if coverage_floor is not None:
            model.add_expr(cov[coverage_floor[0]][0], lo=coverage_floor[1])
        if distance_cap is not None and math.isfinite(distance_cap):
            assert dist is not None
            model.add_expr(dist, hi=distance_cap)
        _add_equity_rows(model, inst, {t: by for t, (_, by) in cov.items()}, dist_by)
        if objective == "distance":
            assert dist is not None
            goal, maximise = dist, False
        elif objective == "coverage":
            assert threshold is not None
            goal, maximise = cov[float(threshold)][0], True
        elif objective == "count":
            goal, maximise = count, False
        elif objective in ("cost", "spend"):
            assert inst.cost is not None
            goal, maximise = Expr(y, inst.cost), objective == "spend"
        else:
            goal, maximise = Expr(), False
        # the set-row models gain nothing from HiGHS's MIP presolve (measured in
        # benchmarks/bench_optimise.py); the assignment models do
        out = model.solve(goal, maximise=maximise, time_limit=time_limit,
                          mip_rel_gap=mip_rel_gap, presolve=inst.capacity is not None)
        if out.x is None:
            return ExactAnswer(out, None, rounds=rounds)
        open_ = out.x[y] > 0.5
        alloc = None
        if assign is not None:
            share = out.x[assign.x]
            nz = share > 1e-9
            alloc = (assign.pairs_i[nz], assign.pairs_j[nz], share[nz])
        if levels is None or objective != "distance":
            return ExactAnswer(out, open_, alloc, rounds)
        # lazy levels: exact only if every area's nearest open site lay within its rows
        # rows up to level levels-2 price an area exactly when its nearest open site has
        # rank <= levels-1; beyond, the model under-prices it (a relaxation)
        ranks = _ranks_of_open(Dd, open_)
        short = ranks >= levels
        dmin = np.min(np.where(open_[None, :], Dd, np.inf), axis=1)
        true_cost = float((w * np.where(np.isfinite(dmin), dmin, 0.0)).sum())
        consistent = abs(true_cost - out.objective) <= 1e-7 * max(1.0, true_cost)
        if not short.any() or consistent or rounds >= 8:
            if not (consistent or not short.any()):
                out.status = "time_limit"      # gave up extending: a bound, not a proof
            out.objective = true_cost
            return ExactAnswer(out, open_, alloc, rounds)
        levels = np.where(short, np.maximum(levels * 2, ranks + 2), levels)
        log.debug("radius levels extended for %d areas (round %d)", int(short.sum()), rounds)


def _ranks_of_open(D: np.ndarray, open_: np.ndarray) -> np.ndarray:
    """Rank (0 = nearest) of each area's nearest open site among all its sites."""
    order = np.argsort(D, axis=1, kind="stable")
    is_open = open_[order] & np.isfinite(np.take_along_axis(D, order, axis=1))
    has = is_open.any(axis=1)
    return np.where(has, is_open.argmax(axis=1), D.shape[1])


def _add_equity_rows(model: Model, inst: Instance, cov_by: Mapping[float, Mapping[int, Expr]],
                     dist_by: Mapping[int, Expr]) -> None:
    """The rows of the equity constraints, on coverage and distance per class of area."""
    reach = inst.reach
    for g, e in enumerate(inst.groups.items):
        mask = inst.groups.masks[g]
        if e.threshold_minutes is not None:
            by = cov_by[float(e.threshold_minutes)]
            wg = float(inst.w[mask].sum())
            wo = float(inst.w[~mask].sum())
            inside = _sum_classes(by, g, True)
            if wg <= 0:
                continue
            if e.min_share is not None:
                model.add_expr(inside.scaled(1.0 / wg), lo=float(e.min_share))
            elif wo > 0:
                outside = _sum_classes(by, g, False)
                model.add_expr(inside.scaled(1.0 / wg) + outside.scaled(-1.0 / wo),
                               lo=float(e.margin))
        if e.max_mean_minutes is not None:
            served = float(inst.w[mask & reach].sum())
            if served > 0:
                model.add_expr(_sum_classes(dist_by, g, True),
                               hi=float(e.max_mean_minutes) * served)


def _sum_classes(by_class: Mapping[int, Expr], bit: int, inside: bool) -> Expr:
    out = Expr()
    for c, e in by_class.items():
        if bool(c & (1 << bit)) == inside:
            out = out + e
    return out


def stage_record(what: str, ex: ExactAnswer) -> dict[str, Any]:
    """One stage of a solve for :attr:`Solution.details` ``["stages"]``."""
    o = ex.outcome
    return {"stage": what, "status": o.status, "seconds": round(o.seconds, 4),
            "objective": o.objective, "bound": o.bound, "rows": o.rows, "columns": o.cols,
            "nodes": o.nodes}


def p_center_search(inst: Instance, *, p: int | None, heur: np.ndarray | None,
                    kw: Mapping[str, Any], kw_tie: Mapping[str, Any], tie_break: bool,
                    stages: list[dict[str, Any]]
                    ) -> tuple[ExactAnswer, ExactAnswer, dict[str, Any]]:
    """Binary search on the worst time, each step a feasibility MILP (cover within it).

    ``kw`` and ``kw_tie`` are the solver limits (``time_limit``, ``mip_rel_gap``) of the
    steps and of the tie-break; the stages run are appended to ``stages``.

    The answer is one of the matrix's times, at least the largest "nearest candidate"
    time of any area with people (a lower bound no choice can beat) and at most the
    heuristic's worst time. Returns the answer at the optimal time, the tie-broken
    answer, and the search's bounds.
    """
    reach = inst.reach
    D, w = inst.D[reach], inst.w[reach]
    Dp = D[w > 0]
    lower = float(Dp.min(axis=1).max()) if len(Dp) else 0.0
    values = np.unique(Dp[np.isfinite(Dp)])
    values = values[values >= lower]
    hi = len(values) - 1
    if heur is not None:
        hv = objective_of(inst, "p_center", heur, None, None)
        hi = min(int(np.searchsorted(values, hv, side="left")), hi)
    lo = 0
    found: dict[int, ExactAnswer] = {}
    checks, t_total, undecided = 0, 0.0, False

    def check(k: int) -> ExactAnswer:
        nonlocal checks, t_total
        ex = solve_model(inst, objective="none", p=p, cover_limit=float(values[k]), **kw)
        checks += 1
        t_total += ex.outcome.seconds
        return ex

    while lo < hi:
        mid = (lo + hi) // 2
        ex = check(mid)
        if ex.outcome.status == "infeasible":
            lo = mid + 1
        elif ex.open_ is not None:
            found[mid] = ex
            hi = mid
        else:
            undecided = True
            break
    if not undecided and hi not in found:
        ex = check(hi)
        if ex.outcome.status == "infeasible":
            stages.append({"stage": f"binary search on the worst time ({checks} checks)",
                           "status": "infeasible", "seconds": round(t_total, 4)})
            return ex, ex, {"checks": checks, "lower_bound": float("nan"),
                            "upper_bound": float("nan")}
        if ex.open_ is None:
            undecided = True
        else:
            found[hi] = ex
    stages.append({"stage": f"binary search on the worst time ({checks} checks)",
                   "status": "time_limit" if undecided else "optimal",
                   "seconds": round(t_total, 4)})
    lower_bound = float(values[lo])
    if undecided:
        best_k = min(found) if found else None
        sol = found[best_k].open_ if best_k is not None else heur
        if sol is None:
            none = Outcome(None, float("nan"), float("nan"), "no_solution", t_total)
            return ExactAnswer(none, None), ExactAnswer(none, None), {
                "checks": checks, "lower_bound": lower_bound, "upper_bound": float("nan")}
        ub = objective_of(inst, "p_center", sol, None, None)
        out = Outcome(None, ub, lower_bound, "time_limit", t_total)
        res = ExactAnswer(out, sol, found[best_k].alloc if best_k is not None else None, checks)
        return res, res, {"checks": checks, "lower_bound": lower_bound, "upper_bound": ub}
    best = found[hi]
    limit = float(values[hi])
    o = best.outcome
    primary = ExactAnswer(Outcome(o.x, limit, limit, "optimal", t_total, rows=o.rows,
                                  cols=o.cols, nonzeros=o.nonzeros, nodes=o.nodes),
                          best.open_, best.alloc, checks)
    final = primary
    if tie_break:
        ex2 = solve_model(inst, objective="distance", p=p, cover_limit=limit,
                          penalty=inst.auto_penalty(), **kw_tie)
        stages.append(stage_record("tie-break: shortest mean among the best worst cases", ex2))
        if ex2.open_ is not None:
            final = ex2
    return primary, final, {"checks": checks, "lower_bound": limit, "upper_bound": limit}
