"""The exact models as arrays: MILP building blocks and the call to HiGHS.

Used by :mod:`geoaccess.optimise.exact`, which assembles a model for one problem from these
blocks. Everything here works on plain arrays:

- ``D``: minutes, areas × candidate sites (float64, ``inf`` where no time);
- ``w``: weight (population) of each area;
- ``y``: one binary variable per candidate site (1 = open).

Formulations
------------
Uncapacitated distance (p-median and the tie-breaks) uses the radius formulation of
Cornuejols, Nemhauser and Wolsey (1980) as reduced by Elloumi (2010), "A tighter
formulation of the p-median problem" (J. Comb. Optim. 19): for area *i* with sorted
distinct minutes ``D_i1 < D_i2 < ...``, a variable ``z_ik >= 1 - sum(y_j : d_ij <= D_ik)``
pays ``w_i (D_i,k+1 - D_ik)`` when no site within ``D_ik`` is open. Only the first
``n_candidates - p + 1`` levels can matter (at most that many of an area's sites can be
closed), and rows whose site sets are identical are merged (their costs add): at each
level the set is "the k nearest sites", and neighbouring areas share it, so thousands of
areas collapse into a few thousand rows. Coverage (``u_r <= sum(y_j : d_ij <= T)``) and
cover rows (``sum(y_j : d_ij <= D) >= 1``) are merged the same way.

Capacities need the classic assignment formulation instead (``x_ij`` = share of area
*i*'s population served by site *j*, ``x_ij <= y_j``, ``sum_i w_i x_ij <= cap_j y_j``).

Examples
--------
Open one of two sites, the one with the smaller cost:

>>> import numpy as np
>>> model = Model()
>>> y = model.add_vars(2, integer=True)
>>> model.add_expr(Expr(y, np.ones(2)), 1, 1)
>>> out = model.solve(Expr(y, np.array([5.0, 3.0])))
>>> out.status, out.objective, out.x[y].tolist()
('optimal', 3.0, [0.0, 1.0])
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = [
    "SOLVER",
    "Assignment",
    "Block",
    "Expr",
    "Model",
    "Outcome",
    "assignment_block",
    "assignment_within",
    "cover_block",
    "coverage_block",
    "quiet_solver",
    "radius_block",
    "relative_gap",
]

#: The solver behind every exact answer.
SOLVER = "HiGHS (scipy.optimize.milp)"

INF = np.inf


# ============================================================================ solver output
def _flush_c_stdout() -> None:
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # no C runtime to flush (e.g. Windows)
        pass


@contextlib.contextmanager
def quiet_solver() -> Iterator[None]:
    """Discard what the solver writes to file descriptor 1 while it runs.

    HiGHS 1.12 (bundled with scipy 1.17) prints a stray debugging line,
    ``HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();``, from
    C++ straight to the process's standard output whatever its options (HiGHS issue
    #2783, fixed upstream); Jupyter forwards that descriptor into the notebook. Python's
    own ``sys.stdout`` is flushed first and is not redirected.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, AttributeError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        _flush_c_stdout()
        os.dup2(devnull, 1)
        yield
    finally:
        _flush_c_stdout()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


# ============================================================================ expressions
@dataclass
class Expr:
    """A linear expression ``sum(coefs * x[cols]) + const``."""

    cols: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    coefs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    const: float = 0.0

    def __add__(self, other: Expr) -> Expr:
        return Expr(np.concatenate([self.cols, other.cols]),
                    np.concatenate([self.coefs, other.coefs]), self.const + other.const)

    def scaled(self, k: float) -> Expr:
        """The expression times ``k``."""
        return Expr(self.cols, self.coefs * k, self.const * k)

    def value(self, x: np.ndarray) -> float:
        """The expression's value at the solution ``x``."""
        return float(np.dot(self.coefs, x[self.cols]) + self.const) if len(self.cols) \
            else float(self.const)


@dataclass
class Outcome:
    """What one MILP solve gave."""

    x: np.ndarray | None
    objective: float
    bound: float
    status: str            # optimal | time_limit | infeasible | no_solution | error
    seconds: float
    nodes: int = 0
    message: str = ""
    rows: int = 0
    cols: int = 0
    nonzeros: int = 0

    @property
    def gap(self) -> float:
        """Relative gap between the objective and the solver's bound."""
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float, bound: float) -> float:
    """``|objective - bound| / |objective|`` (0 when both are 0; NaN when unknown)."""
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return float("nan")
    diff = abs(objective - bound)
    if diff <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return diff / max(abs(objective), 1e-12)


class Model:
    """A MILP under construction: variables, rows as sparse triplets, then HiGHS."""

    def __init__(self) -> None:
        self._lb: list[np.ndarray] = []
        self._ub: list[np.ndarray] = []
        self._int: list[np.ndarray] = []
        self.n_vars = 0
        self._r: list[np.ndarray] = []
        self._c: list[np.ndarray] = []
        self._v: list[np.ndarray] = []
        self._lo: list[np.ndarray] = []
        self._hi: list[np.ndarray] = []
        self.n_rows = 0

    def add_vars(self, n: int, *, lb: Any = 0.0, ub: Any = 1.0, integer: bool = False
                 ) -> np.ndarray:
        """Add ``n`` variables within ``lb..ub``; returns their column numbers."""
        idx = np.arange(self.n_vars, self.n_vars + n, dtype=np.int64)
        self._lb.append(np.broadcast_to(np.asarray(lb, np.float64), (n,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(ub, np.float64), (n,)).copy())
        self._int.append(np.full(n, 1 if integer else 0, np.int8))
        self.n_vars += n
        return idx

    def add_rows(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, lo: Any,
                 hi: Any, n: int) -> None:
        """Add ``n`` rows; ``rows`` numbers them 0..n-1."""
        if n == 0:
            return
        self._r.append(np.asarray(rows, np.int64) + self.n_rows)
        self._c.append(np.asarray(cols, np.int64))
        self._v.append(np.asarray(vals, np.float64))
        self._lo.append(np.broadcast_to(np.asarray(lo, np.float64), (n,)).copy())
        self._hi.append(np.broadcast_to(np.asarray(hi, np.float64), (n,)).copy())
        self.n_rows += n

    def add_expr(self, expr: Expr, lo: float = -INF, hi: float = INF) -> None:
        """Add one row ``lo <= expr <= hi``."""
        self.add_rows(np.zeros(len(expr.cols), np.int64), expr.cols, expr.coefs,
                      lo - expr.const, hi - expr.const, 1)

    def solve(self, objective: Expr, *, maximise: bool = False, time_limit: float = 60.0,
              mip_rel_gap: float = 1e-6, presolve: bool = True) -> Outcome:
        """Minimise (or maximise) ``objective`` with HiGHS within ``time_limit`` seconds."""
        n = self.n_vars
        sign = -1.0 if maximise else 1.0
        c = np.zeros(n)
        np.add.at(c, objective.cols, objective.coefs * sign)
        lb = np.concatenate(self._lb) if self._lb else np.zeros(0)
        ub = np.concatenate(self._ub) if self._ub else np.zeros(0)
        integ = np.concatenate(self._int) if self._int else np.zeros(0, np.int8)
        if self.n_rows:
            A = sp.csr_matrix((np.concatenate(self._v),
                               (np.concatenate(self._r), np.concatenate(self._c))),
                              shape=(self.n_rows, n))
            A.sum_duplicates()
            cons = [LinearConstraint(A, np.concatenate(self._lo), np.concatenate(self._hi))]
            nnz = int(A.nnz)
        else:
            cons, nnz = [], 0
        options: Any = {"time_limit": max(float(time_limit), 0.01),
                   "mip_rel_gap": float(mip_rel_gap), "presolve": bool(presolve)}
        t0 = time.perf_counter()
        with quiet_solver():
            res = milp(c, constraints=cons, integrality=integ, bounds=Bounds(lb, ub),
                       options=options)
        seconds = time.perf_counter() - t0
        x = None if res.x is None else np.asarray(res.x)
        if x is not None:
            x = np.where(integ == 1, np.round(x), x)
        bound = getattr(res, "mip_dual_bound", None)
        bound = float("nan") if bound is None else float(bound)
        fun = float(res.fun) if x is not None and res.fun is not None else float("nan")
        if res.status == 0:
            status = "optimal"
        elif res.status == 1:
            status = "time_limit" if x is not None else "no_solution"
        elif res.status == 2:
            status = "infeasible"
        else:
            status = "error" if x is None else "time_limit"
        obj = sign * fun + objective.const if x is not None else float("nan")
        if status == "optimal":
            # HiGHS stops within mip_rel_gap; its dual bound is the proof
            bnd = sign * bound + objective.const if math.isfinite(bound) else obj
        else:
            bnd = sign * bound + objective.const if math.isfinite(bound) else float("nan")
        nodes = int(getattr(res, "mip_node_count", 0) or 0)
        return Outcome(x=x, objective=obj, bound=bnd, status=status, seconds=seconds,
                       nodes=nodes, message=str(res.message), rows=self.n_rows, cols=n,
                       nonzeros=nnz)


# ============================================================================ set rows
def _pack(mask: np.ndarray) -> np.ndarray:
    """Boolean rows (r × m) → bit sets (r × words) of uint64, for grouping."""
    r, m = mask.shape
    words = max(1, -(-m // 64))
    padded = np.zeros((r, words * 64), dtype=bool)
    padded[:, :m] = mask
    return np.packbits(padded, axis=1, bitorder="little").view(np.uint64).reshape(r, words)


def _unpack(keys: np.ndarray, m: int) -> np.ndarray:
    """Bit sets (r × words) → boolean rows (r × m)."""
    if len(keys) == 0:
        return np.zeros((0, m), dtype=bool)
    bits = np.unpackbits(np.ascontiguousarray(keys).view(np.uint8), axis=1,
                         bitorder="little")
    return bits[:, :m].astype(bool)


def _group_rows(keys: np.ndarray, classes: np.ndarray, values: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge rows with the same (set, class): unique keys, their class, summed values."""
    if len(keys) == 0:
        return keys, classes.astype(np.int64), values
    full = np.concatenate([keys, classes.astype(np.uint64)[:, None]], axis=1)
    uniq, inv = np.unique(full, axis=0, return_inverse=True)
    inv = np.asarray(inv).ravel()
    summed = np.bincount(inv, weights=values, minlength=len(uniq))
    return uniq[:, :-1], uniq[:, -1].astype(np.int64), summed


def _set_rows(model: Model, keys: np.ndarray, y: np.ndarray, extra: np.ndarray | None,
             extra_coef: float, lo: float, hi: float) -> None:
    """Rows ``lo <= sum(y_j : j in set_r) + extra_coef * extra_r <= hi``."""
    sets = _unpack(keys, len(y))
    r, j = np.nonzero(sets)
    rows, cols, vals = [r], [y[j]], [np.ones(len(r))]
    if extra is not None:
        rr = np.arange(len(keys))
        rows.append(rr)
        cols.append(extra)
        vals.append(np.full(len(keys), extra_coef))
    model.add_rows(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
                   lo, hi, len(keys))


# ============================================================================ blocks
@dataclass
class Block:
    """An expression built from set rows, overall and per class of area.

    The radius block's cost (minutes × population) or the coverage block's population
    within the threshold; ``rows`` counts the rows added.
    """

    total: Expr
    by_class: dict[int, Expr]
    rows: int


def radius_block(model: Model, y: np.ndarray, D: np.ndarray, w: np.ndarray,
                 classes: np.ndarray, *, keep: np.ndarray, p_max_rank: int,
                 levels: np.ndarray | None = None, hard_serve: bool = True,
                 n_classes: int = 1, serve: np.ndarray | None = None) -> Block:
    """Distance cost of serving every area from its nearest open site.

    ``D`` holds only areas with at least one finite time; an area whose finite sites are
    all closed is infeasible (``hard_serve``; pass ``D`` capped at a penalty instead to
    allow it); ``serve`` limits that rule to some areas (those with people).
    ``levels`` (per area) truncates the rows: a relaxation, exact when the solution's
    nearest open site lies within the levels kept (checked by the caller).
    """
    n, m = D.shape
    order = np.argsort(D, axis=1, kind="stable")
    srt = np.take_along_axis(D, order, axis=1)
    n_fin = np.isfinite(srt).sum(axis=1)
    # an open must-keep site bounds the rank of the nearest open site
    keep_rank = np.full(n, m, dtype=np.int64)
    if keep.any():
        kept_sorted = keep[order] & np.isfinite(srt)
        has = kept_sorted.any(axis=1)
        keep_rank[has] = kept_sorted[has].argmax(axis=1)
    lev = np.minimum(np.minimum(n_fin, p_max_rank), keep_rank + 1)      # rows 0..lev-2
    if levels is not None:
        lev = np.minimum(lev, np.maximum(levels, 1))
    const_by = {c: float((w[classes == c] * srt[classes == c, 0]).sum())
                for c in range(n_classes)}
    keys_l, cls_l, cost_l = [], [], []
    cum = np.zeros((n, m), dtype=bool)
    rows_idx = np.arange(n)
    for k in range(int(lev.max(initial=1)) - 1):
        cum[rows_idx, order[:, k]] = True
        sel = (lev > k + 1)
        if not sel.any():
            break
        delta = srt[sel, k + 1] - srt[sel, k]
        pos = delta > 0
        idx = np.nonzero(sel)[0][pos]
        if len(idx):
            keys_l.append(_pack(cum[idx]))
            cls_l.append(classes[idx])
            cost_l.append(w[idx] * delta[pos])
    total = Expr(const=sum(const_by.values()))
    by_class = {c: Expr(const=v) for c, v in const_by.items()}
    n_rows = 0
    if keys_l:
        keys, cls, cost = _group_rows(np.concatenate(keys_l), np.concatenate(cls_l),
                                     np.concatenate(cost_l))
        z = model.add_vars(len(keys), lb=0.0, ub=INF)
        _set_rows(model, keys, y, z, 1.0, 1.0, INF)
        total = total + Expr(z, cost)
        for c in range(n_classes):
            sel_c = cls == c
            by_class[c] = by_class[c] + Expr(z[sel_c], cost[sel_c])
        n_rows += len(keys)
    if hard_serve:
        # areas whose finite sites could all be closed must keep one of them
        need = (n_fin < p_max_rank) & (keep_rank >= n_fin)
        if serve is not None:
            need &= serve
        if need.any():
            fin = np.isfinite(D[need])
            keys = np.unique(_pack(fin), axis=0)
            _set_rows(model, keys, y, None, 0.0, 1.0, INF)
            n_rows += len(keys)
    return Block(total, by_class, n_rows)


def coverage_block(model: Model, y: np.ndarray, D: np.ndarray, w: np.ndarray,
                   classes: np.ndarray, threshold: float, *, keep: np.ndarray,
                   n_classes: int = 1, exact: Sequence[int] = ()) -> Block:
    """``u_r <= sum(y_j : d_ij <= threshold)``; the expression sums w_i u_r.

    ``u_r`` is only bounded above: right where coverage is rewarded. For the classes in
    ``exact`` (those a constraint penalises, e.g. "everyone else" in a relative share
    constraint) ``u_r >= y_j`` for each covering site too, so ``u_r`` is exactly 1 when
    any covering site is open.
    """
    within = D <= threshold
    any_in = within.any(axis=1)
    by_keep = (within & keep[None, :]).any(axis=1)
    const_by = {c: float(w[by_keep & (classes == c)].sum()) for c in range(n_classes)}
    free = any_in & ~by_keep & (w > 0)
    total = Expr(const=sum(const_by.values()))
    by_class = {c: Expr(const=v) for c, v in const_by.items()}
    if not free.any():
        return Block(total, by_class, 0)
    keys, cls, weight = _group_rows(_pack(within[free]), classes[free], w[free])
    u = model.add_vars(len(keys), lb=0.0, ub=1.0)
    _set_rows(model, keys, y, u, -1.0, 0.0, INF)
    tight = np.isin(cls, np.asarray(list(exact), dtype=np.int64))
    if tight.any():
        r, j = np.nonzero(_unpack(keys[tight], len(y)))
        k = len(r)
        rr = np.arange(k)
        model.add_rows(np.concatenate([rr, rr]), np.concatenate([u[tight][r], y[j]]),
                       np.concatenate([np.ones(k), -np.ones(k)]), 0.0, INF, k)
    total = total + Expr(u, weight)
    for c in range(n_classes):
        sel = cls == c
        by_class[c] = by_class[c] + Expr(u[sel], weight[sel])
    return Block(total, by_class, len(keys))


def cover_block(model: Model, y: np.ndarray, D: np.ndarray, limit: float, *,
                keep: np.ndarray) -> int:
    """Every area with a site within ``limit`` keeps one open; returns the row count."""
    within = D <= limit
    need = within.any(axis=1) & ~(within & keep[None, :]).any(axis=1)
    if not need.any():
        return 0
    keys = np.unique(_pack(within[need]), axis=0)
    _set_rows(model, keys, y, None, 0.0, 1.0, INF)
    return len(keys)


@dataclass
class Assignment:
    """Capacitated assignment variables and their expressions."""

    pairs_i: np.ndarray
    pairs_j: np.ndarray
    x: np.ndarray
    slack: np.ndarray | None
    distance: Expr
    distance_by_class: dict[int, Expr]


def assignment_block(model: Model, y: np.ndarray, D: np.ndarray, w: np.ndarray,
                     classes: np.ndarray, capacity: np.ndarray | None, *,
                     limit: float = INF, serve: str = "all", penalty: float | None = None,
                     single_source: bool = False, n_classes: int = 1,
                     required: np.ndarray | None = None) -> Assignment:
    """Assignment variables ``x_ij`` (share of area i served by j) for pairs within ``limit``.

    ``serve``: ``"all"`` (every area fully served; with ``penalty`` a slack pays it) or
    ``"up_to"`` (areas may go unserved: coverage). ``required`` limits "all" to some
    areas (the others may go unserved at no cost); areas without a pair never need it.
    """
    n, m = D.shape
    ok = np.isfinite(D) & (D <= limit)
    ii, jj = np.nonzero(ok)
    k = len(ii)
    x = model.add_vars(k, lb=0.0, ub=1.0, integer=single_source)
    slack = None
    # each area: sum_j x_ij (+ s_i) = 1   or  <= 1
    rows, cols, vals = [ii], [x], [np.ones(k)]
    if serve == "all" and penalty is not None:
        slack = model.add_vars(n, lb=0.0, ub=1.0)
        rows.append(np.arange(n))
        cols.append(slack)
        vals.append(np.ones(n))
    has = np.bincount(ii, minlength=n) > 0
    if serve == "all" and slack is None:
        need = has if required is None else has & required
        lo: Any = np.where(need, 1.0, 0.0)
    else:
        lo = 1.0 if serve == "all" else 0.0
    model.add_rows(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), lo, 1.0,
                   n)
    # x_ij <= y_j
    r = np.arange(k)
    model.add_rows(np.concatenate([r, r]), np.concatenate([x, y[jj]]),
                   np.concatenate([np.ones(k), -np.ones(k)]), -INF, 0.0, k)
    if capacity is not None:
        # sum_i w_i x_ij - cap_j y_j <= 0
        model.add_rows(np.concatenate([jj, np.arange(m)]), np.concatenate([x, y]),
                       np.concatenate([w[ii], -capacity]), -INF, 0.0, m)
    cost = w[ii] * D[ii, jj]
    dist = Expr(x, cost)
    by_class = {c: Expr(x[classes[ii] == c], cost[classes[ii] == c]) for c in range(n_classes)}
    if slack is not None and penalty is not None:
        pen = w * float(penalty)
        dist = dist + Expr(slack, pen)
        for c in range(n_classes):
            by_class[c] = by_class[c] + Expr(slack[classes == c], pen[classes == c])
    return Assignment(ii, jj, x, slack, dist, by_class)


def assignment_within(a: Assignment, D: np.ndarray, w: np.ndarray, classes: np.ndarray,
                      threshold: float, n_classes: int = 1) -> tuple[Expr, dict[int, Expr]]:
    """Population served by a site within ``threshold`` (capacitated coverage)."""
    sel = D[a.pairs_i, a.pairs_j] <= threshold
    wi = w[a.pairs_i]
    total = Expr(a.x[sel], wi[sel])
    by_class = {c: Expr(a.x[sel & (classes[a.pairs_i] == c)],
                        wi[sel & (classes[a.pairs_i] == c)]) for c in range(n_classes)}
    return total, by_class
