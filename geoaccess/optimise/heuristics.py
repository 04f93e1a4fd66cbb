"""The fast path: greedy construction followed by Teitz-Bart vertex interchange.

With ``method="auto"`` the heuristic runs first and its answer is kept if the exact solver
runs out of time with a worse one; ``method="heuristic"`` runs it alone (no proof of
optimality, no capacities or equity constraints). It works on the arrays of an
:class:`~geoaccess.optimise.problem.Instance`: ``D`` (minutes, areas × candidates, ``inf``
where no time) and ``w`` (weights).

The objective is lexicographic: a list of components, each ``("sum" | "max", f)`` where
``f(minutes)`` gives each area's value; a choice is better when its first component is
smaller, then its second... (e.g. p-median: first the people left with no reachable open
site, then population × minutes). The interchange (Teitz and Bart 1968) evaluates every
swap for an entering site at once from each area's nearest and second-nearest open
sites (the fast interchange of Whitaker, 1983).

Examples
--------
Keep 1 of 2 sites for two areas of weight 1: S2 (index 1) is nearer on the whole:

>>> import numpy as np
>>> D = np.array([[1.0, 2.0], [9.0, 3.0]])
>>> comps = objective_components("p_median", np.ones(2))
>>> greedy(D, comps, p=1, keep=np.zeros(2, bool), allowed=np.ones(2, bool),
...        zones=Zones.none(2)).tolist()
[False, True]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .problem import Instance, Zones

__all__ = [
    "Nearest",
    "greedy",
    "greedy_cover",
    "heuristic",
    "interchange",
    "nearest_two",
    "objective_components",
    "objective_tuple",
    "quick_start",
]

# ============================================================================= arrays
#: A component of a lexicographic heuristic objective: ("sum" | "max", f) where
#: f(minutes) gives each area's value (minutes may be a 1-D or 2-D array; inf = none).
Component = tuple[str, Callable[[np.ndarray], np.ndarray]]


@dataclass
class Nearest:
    """Each area's nearest open site and the minutes to it and to the second nearest.

    ``n1`` is the nearest open site (-1 if none), ``d1`` the minutes to it and ``d2`` the
    minutes to the second nearest (``inf`` if none).
    """

    d1: np.ndarray
    n1: np.ndarray
    d2: np.ndarray


def nearest_two(D: np.ndarray, open_: np.ndarray) -> Nearest:
    """Each area's nearest and second-nearest open site (index into D's columns)."""
    cols = np.nonzero(open_)[0]
    n = D.shape[0]
    if len(cols) == 0:
        return Nearest(np.full(n, np.inf), np.full(n, -1), np.full(n, np.inf))
    sub = D[:, cols]
    if len(cols) == 1:
        d1 = sub[:, 0].copy()
        n1 = np.where(np.isfinite(d1), cols[0], -1)
        return Nearest(d1, n1, np.full(n, np.inf))
    part = np.argpartition(sub, 1, axis=1)[:, :2]
    a = np.take_along_axis(sub, part, axis=1)
    swap = a[:, 1] < a[:, 0]
    first = np.where(swap, part[:, 1], part[:, 0])
    d1 = np.where(swap, a[:, 1], a[:, 0])
    d2 = np.where(swap, a[:, 0], a[:, 1])
    n1 = np.where(np.isfinite(d1), cols[first], -1)
    return Nearest(d1, n1, d2)


def objective_tuple(components: Sequence[Component], minutes: np.ndarray
                    ) -> tuple[float, ...]:
    """Objective tuple of one configuration's nearest minutes."""
    out = []
    for kind, f in components:
        v = f(minutes)
        out.append(float(v.sum()) if kind == "sum" else float(v.max(initial=-np.inf)))
    return tuple(out)


def _lex_best(values: list[np.ndarray], ok: np.ndarray) -> int:
    """Index of the lexicographically smallest column among ``ok`` (-1 if none)."""
    idx = np.nonzero(ok)[0]
    if len(idx) == 0:
        return -1
    for v in values:
        vv = v[idx]
        best = vv.min()
        tol = 1e-9 * max(1.0, abs(best)) if np.isfinite(best) else 0.0
        idx = idx[vv <= best + tol]
        if len(idx) == 1:
            break
    return int(idx[0])


def _better(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """True if ``a`` is lexicographically smaller than ``b`` (with a relative tolerance)."""
    for x, y in zip(a, b, strict=True):
        tol = 1e-9 * max(1.0, abs(y)) if math.isfinite(y) else 0.0
        if x < y - tol:
            return True
        if x > y + tol:
            return False
    return False


def greedy(D: np.ndarray, components: Sequence[Component], *, p: int, keep: np.ndarray,
           allowed: np.ndarray, zones: Zones) -> np.ndarray | None:
    """Add sites one at a time, each the best for the objective; None if stuck."""
    open_ = keep.copy()
    d1 = D[:, open_].min(axis=1) if open_.any() else np.full(D.shape[0], np.inf)
    while open_.sum() < p:
        ok = allowed & ~open_
        if len(zones.lo):
            counts = zones.counts(open_)
            need = counts < zones.lo
            if need.any():
                ok &= (zones.of >= 0) & need[np.maximum(zones.of, 0)]
            else:
                ok &= ~zones.full(open_)
        if not ok.any():
            return None
        cand = np.nonzero(ok)[0]
        trial = np.minimum(d1[:, None], D[:, cand])
        vals = []
        for kind, f in components:
            v = f(trial)
            vals.append(v.sum(axis=0) if kind == "sum" else v.max(axis=0, initial=-np.inf))
        best = _lex_best(vals, np.ones(len(cand), bool))
        j = cand[best]
        open_[j] = True
        d1 = np.minimum(d1, D[:, j])
    return open_


def interchange(D: np.ndarray, components: Sequence[Component], open_: np.ndarray, *,
                keep: np.ndarray, allowed: np.ndarray, zones: Zones, max_passes: int = 50,
                rng: np.random.Generator | None = None) -> tuple[np.ndarray, int]:
    """Teitz-Bart vertex interchange: swap a closed site in for the best open one.

    For each closed candidate *c* in turn, every swap (close *s*, open *c*) is evaluated
    at once: areas whose nearest open site is not *s* get ``min(d_ic, d1_i)``, the others
    ``min(d_ic, d2_i)``. The best improving swap is made at once (first improvement over
    *c*); passes repeat until none improves. Returns the open mask and the swaps made.
    """
    m = D.shape[1]
    open_ = open_.copy()
    cur = objective_tuple(components, nearest_two(D, open_).d1)
    swaps = 0
    for _ in range(max_passes):
        improved = False
        order = np.nonzero(allowed)[0]
        if rng is not None:
            order = rng.permutation(order)
        for c in order:
            if open_[c]:
                continue
            near = nearest_two(D, open_)
            grp = np.where(near.n1 >= 0, near.n1, m)             # group m = no open site
            a = np.minimum(D[:, c], near.d1)
            b = np.minimum(D[:, c], near.d2)
            vals = []
            for kind, f in components:
                fa, fb = f(a), f(b)
                if kind == "sum":
                    v = fa.sum() + np.bincount(grp, weights=fb - fa, minlength=m + 1)[:m]
                else:
                    gmax = np.full(m + 1, -np.inf)
                    np.maximum.at(gmax, grp, fa)
                    top = np.argsort(gmax)[::-1]
                    excl = np.where(np.arange(m) == top[0], gmax[top[1]], gmax[top[0]])
                    bmax = np.full(m + 1, -np.inf)
                    np.maximum.at(bmax, grp, fb)
                    v = np.maximum(excl, bmax[:m])
                vals.append(v)
            ok = open_ & ~keep
            zc = zones.of[c]
            if len(zones.lo):
                counts = zones.counts(open_)
                zs = zones.of
                # closing s may not drop its zone below its minimum (unless c replaces it)
                low = (zs >= 0) & (zs != zc) & (counts[np.maximum(zs, 0)] - 1
                                                < zones.lo[np.maximum(zs, 0)])
                ok &= ~low
                if zc >= 0:
                    # opening c may not push its zone above its maximum (unless s leaves it)
                    if counts[zc] + 1 > zones.hi[zc]:
                        ok &= zs == zc
            s = _lex_best(vals, ok)
            if s < 0:
                continue
            new = tuple(float(v[s]) for v in vals)
            if _better(new, cur):
                open_[s] = False
                open_[c] = True
                cur = new
                swaps += 1
                improved = True
        if not improved:
            break
    return open_, swaps


# ============================================================================= problems
def objective_components(problem: str, w: np.ndarray, *, threshold: float | None = None,
                         penalty: float | None = None, cap: float | None = None
                         ) -> list[Component]:
    """Lexicographic objective of a problem (see :func:`interchange`)."""

    def wb(d: np.ndarray) -> np.ndarray:
        return w.reshape((-1,) + (1,) * (d.ndim - 1))

    def unserved(d: np.ndarray) -> np.ndarray:
        return np.isinf(d).astype(np.float64)

    def minutes(d: np.ndarray) -> np.ndarray:
        dd = np.minimum(d, cap) if cap is not None else np.where(np.isinf(d), 0.0, d)
        return wb(d) * dd

    if problem == "p_median":
        if penalty is not None:
            return [("sum", lambda d: wb(d) * np.minimum(d, penalty))]
        return [("sum", lambda d: unserved(d) * (wb(d) > 0)), ("sum", minutes)]
    if problem == "max_coverage":
        assert threshold is not None
        return [("sum", lambda d: wb(d) * (d > threshold)), ("sum", minutes)]
    if problem == "p_center":
        return [("sum", lambda d: unserved(d) * (wb(d) > 0)),
                ("max", lambda d: np.where((wb(d) > 0) & np.isfinite(d), d, -np.inf)),
                ("sum", minutes)]
    raise ValueError(problem)


def heuristic(inst: Instance, problem: str, D: np.ndarray, w: np.ndarray, *,
              p: int | None, threshold: float | None, penalty: float | None,
              seed: int | None) -> np.ndarray | None:
    """The heuristic's choice (open mask over candidates) for one problem; None if stuck.

    ``D`` and ``w`` are the rows of the areas some candidate reaches.
    """
    allowed = np.ones(inst.m, dtype=bool)
    rng = None if seed is None else np.random.default_rng(seed)
    if problem == "set_cover":
        assert threshold is not None
        return greedy_cover(D[w > 0], threshold, inst.keep, inst.zones)
    comps = objective_components(problem, w, threshold=threshold, penalty=penalty,
                                 cap=inst.auto_penalty())
    Dh = np.minimum(D, penalty) if penalty is not None else D
    assert p is not None
    start = greedy(Dh, comps, p=p, keep=inst.keep, allowed=allowed, zones=inst.zones)
    if start is None:
        return None
    best, _ = interchange(Dh, comps, start, keep=inst.keep, allowed=allowed,
                          zones=inst.zones, rng=rng)
    return best


def quick_start(inst: Instance, D: np.ndarray, w: np.ndarray, p: int | None,
                penalty: float | None) -> np.ndarray:
    """A greedy p-median choice, where the exact model needs a first answer."""
    comps = objective_components("p_median", w, penalty=penalty)
    start = greedy(np.minimum(D, penalty) if penalty is not None else D, comps,
                   p=p or 1, keep=inst.keep, allowed=np.ones(inst.m, bool), zones=inst.zones)
    return start if start is not None else np.ones(inst.m, bool)


def greedy_cover(D: np.ndarray, threshold: float, keep: np.ndarray,
                 zones: Zones) -> np.ndarray:
    """Greedy set cover (most uncovered areas first), then drop redundant sites."""
    within = D <= threshold
    need = within.any(axis=1)
    open_ = keep.copy()
    counts = zones.counts(open_)
    # zone minimums first: the site covering most areas in each short zone
    for k in np.nonzero(counts < zones.lo)[0]:
        while zones.counts(open_)[k] < zones.lo[k]:
            cand = np.nonzero((zones.of == k) & ~open_)[0]
            gain = within[:, cand].sum(axis=0)
            open_[cand[int(np.argmax(gain))]] = True
    covered = (within & open_[None, :]).any(axis=1)
    while (need & ~covered).any():
        ok = ~open_ & ~zones.full(open_)
        gain = (within[need & ~covered][:, ok]).sum(axis=0)
        if len(gain) == 0 or gain.max() == 0:
            break
        j = np.nonzero(ok)[0][int(np.argmax(gain))]
        open_[j] = True
        covered |= within[:, j]
    # drop sites whose areas are all covered by others (last opened first)
    for j in np.nonzero(open_ & ~keep)[0][::-1]:
        trial = open_.copy()
        trial[j] = False
        zc = zones.counts(trial)
        if len(zones.lo) and zones.of[j] >= 0 and zc[zones.of[j]] < zones.lo[zones.of[j]]:
            continue
        if not (need & ~(within & trial[None, :]).any(axis=1)).any():
            open_ = trial
    return open_
