"""The answer of an optimisation (:class:`Solution`), and how it is built from a choice.

A :class:`Solution` holds the chosen sites as a :class:`~geoaccess.Scenario` (its
``.scenario``, accepted wherever a scenario is: :func:`geoaccess.evaluate`,
:func:`geoaccess.compare`, :func:`~geoaccess.optimise.proposal_vs_best`...), the value
optimised with the solver's bound and gap, and per-area and per-site tables in which every
input area appears.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [2.0, 9, 8], "S2": [10.0, 3, 9]}, index=["E1", "E2", "E3"]))
>>> sol = ga.p_median(tt, p=1)
>>> sol
Solution(p_median: 1 sites, mean_minutes=6.333, optimal, gap 0.00%, ... s)
>>> sol.areas["site_id"].to_dict(), sol.sites["population"].tolist()
({'E1': 'S1', 'E2': 'S1', 'E3': 'S1'}, [3.0])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import settings
from ..measures import summarise_minutes, threshold_label
from ..scenario import Scenario
from .milp import SOLVER, relative_gap
from .problem import Instance

__all__ = [
    "Solution",
    "build_solution",
    "scenario_of",
    "default_name",
    "describe",
    "nearest",
    "objective_name",
    "objective_of",
]

#: What the heuristic is, in :attr:`Solution.details`.
HEURISTIC = "greedy + Teitz-Bart interchange"


@dataclass(eq=False)
class Solution:
    """The answer of an optimisation: the chosen sites as a Scenario, and how sure it is.

    Attributes
    ----------
    scenario : Scenario
        The chosen sites (roles from the sites' kinds, else ``role``); pass it to
        :func:`geoaccess.evaluate`. Its ``description`` states the problem and status.
    problem : str
        ``"p_median"``, ``"max_coverage"``, ``"set_cover"`` or ``"p_center"``.
    objective : float
        The value optimised, in the units named by ``objective_name``:
        population-weighted mean minutes (p-median), population within the threshold
        (coverage), number of sites (set cover) or the worst minutes of any area with
        people (p-center).
    objective_name : str
        ``"mean_minutes"``, ``"population_within_<T>"``, ``"sites"`` or ``"max_minutes"``.
    bound : float
        The best value any choice could reach, as proven by the solver (NaN when only
        the heuristic ran).
    gap : float
        ``|objective - bound| / |objective|``: 0 when proven optimal (to ``mip_rel_gap``),
        NaN when unknown (heuristic only).
    status : str
        ``"optimal"``, ``"time_limit"`` (a solution, not proven optimal: see ``gap``) or
        ``"heuristic"`` (no proof attempted).
    method : str
        ``"exact"``, ``"heuristic"`` or ``"exact+heuristic"`` (the heuristic's answer
        was kept because the solver ran out of time with a worse one).
    seconds : float
        Wall-clock time of the whole optimisation.
    areas : pandas.DataFrame
        Index ``area_id``, every input area in input order: ``site_id`` (the open site
        serving it: the nearest, or under capacities the one serving most of it),
        ``minutes`` (to that site; under capacities the population-weighted mean of the
        sites serving it), the population column, ``within_<T>`` for threshold problems
        (bool; under capacities the share of the area served within *T*), and
        ``reason`` (why ``minutes`` is missing).
    sites : pandas.DataFrame
        Index ``site_id``, one row per open site: ``role``, ``areas`` and ``population``
        served, and with capacities ``capacity`` and ``utilisation`` (population /
        capacity).
    not_served : pandas.DataFrame
        Areas the optimisation could not serve whatever it chose (no time to any
        candidate; for set cover and p-center, no candidate within the threshold), with
        ``population``, ``best_minutes`` (to the nearest candidate) and ``reason``.
    summary : pandas.Series
        Population-weighted summary of the chosen configuration
        (:func:`geoaccess.measures.summarise_minutes`).
    allocation : pandas.DataFrame or None
        With capacities: one row per area and site serving it (``area_id``,
        ``site_id``, ``share``, ``population``, ``minutes``).
    details : dict
        Solver details: model size, nodes, time limit, heuristic objective and its gap
        to the exact answer, the stages run.
    changes : pandas.DataFrame
        The sites kept, added and closed against the configuration today (the
        ``current`` rule; by default every site of ``sites`` in its kind): index
        ``site_id``, ``name``, ``change`` (``kept``, ``added``, ``closed``),
        ``role_before``, ``role_after``, ``running_cost`` (pounds a year after the
        change; 0 once closed) and ``one_off_cost`` (closing or opening it).
    running_cost : float
        Running cost of the chosen sites, pounds a year (NaN when the sites table has
        no ``running_cost``).
    saving : float
        Running cost today minus ``running_cost``, pounds a year.
    one_off_costs : float
        Closure costs of the sites closed plus opening costs of the sites added.
    """

    scenario: Scenario
    problem: str
    objective: float
    objective_name: str
    bound: float
    gap: float
    status: str
    method: str
    seconds: float
    areas: pd.DataFrame
    sites: pd.DataFrame
    not_served: pd.DataFrame
    summary: pd.Series
    allocation: pd.DataFrame | None = None
    details: dict[str, Any] = field(default_factory=dict)
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    running_cost: float = float("nan")
    saving: float = float("nan")
    one_off_costs: float = float("nan")

    @property
    def open_sites(self) -> list[str]:
        """Ids of the chosen sites."""
        return self.scenario.open_sites

    @property
    def proven_optimal(self) -> bool:
        """True if the solver proved the answer optimal (within ``mip_rel_gap``)."""
        return self.status == "optimal"

    @property
    def kept(self) -> list[str]:
        """Sites open today and kept."""
        return self.changes.index[self.changes["change"] == "kept"].tolist()

    @property
    def added(self) -> list[str]:
        """Sites not open today that the solution opens."""
        return self.changes.index[self.changes["change"] == "added"].tolist()

    @property
    def closed(self) -> list[str]:
        """Sites open today that the solution closes."""
        return self.changes.index[self.changes["change"] == "closed"].tolist()

    def __repr__(self) -> str:
        gap = "" if math.isnan(self.gap) else f", gap {self.gap:.2%}"
        money = "" if math.isnan(self.saving) else f", saving {self.saving:,.0f} a year"
        return (f"Solution({self.problem}: {len(self.open_sites)} sites, "
                f"{self.objective_name}={_fmt_value(self.objective)}{money}, {self.status}"
                f"{gap}, {self.seconds:.2f} s)")


def _fmt_value(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


# ============================================================================= building
def nearest(D: np.ndarray, open_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each area's minutes to its nearest open site (inf if none) and that site (-1)."""
    sub = np.where(open_[None, :], D, np.inf)
    j = sub.argmin(axis=1) if D.shape[1] else np.zeros(len(D), np.int64)
    d = sub[np.arange(len(D)), j] if D.shape[1] else np.full(len(D), np.inf)
    return d, np.where(np.isfinite(d), j, -1)


def build_solution(inst: Instance, open_: np.ndarray, *, problem: str, objective: float,
                   objective_name: str, bound: float, status: str, method: str,
                   seconds: float, threshold: float | None = None,
                   not_served_limit: float | None = None,
                   alloc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                   name: str | None = None, description: str = "",
                   details: Mapping[str, Any] | None = None) -> Solution:
    """The :class:`Solution` of the choice ``open_`` (or the allocation ``alloc``)."""
    ids = inst.area_ids
    cand = np.array(inst.cand, dtype=object)
    wname = inst.pop_name or "weight"
    open_ids = [s for s, o in zip(inst.cand, open_, strict=True) if o]
    reach = inst.reach
    allocation = None
    if alloc is None:
        d, j = nearest(inst.D, open_)
        minutes = np.where(np.isfinite(d), d, np.nan)
        site = np.full(len(j), None, dtype=object)
        site[j >= 0] = cand[j[j >= 0]]
        within: np.ndarray | None = None if threshold is None else (minutes <= threshold)
    else:
        ri = np.nonzero(reach)[0]
        ai, aj, share = alloc
        gi = ri[ai]
        mins = inst.D[gi, aj]
        n = len(ids)
        sh_sum = np.bincount(gi, weights=share, minlength=n)
        wsum = np.bincount(gi, weights=share * mins, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            minutes = np.where(sh_sum > 1e-9, wsum / sh_sum, np.nan)
        top = pd.DataFrame({"i": gi, "j": aj, "s": share}).sort_values(
            ["i", "s"], ascending=[True, False]).drop_duplicates("i")
        site = np.full(n, None, dtype=object)
        site[top["i"].to_numpy()] = cand[top["j"].to_numpy()]
        within = None
        if threshold is not None:
            within = np.bincount(gi, weights=share * (mins <= threshold), minlength=n)
        allocation = pd.DataFrame({
            "area_id": ids.to_numpy(dtype=object)[gi], "site_id": cand[aj],
            "share": share, wname: inst.w[gi] * share, "minutes": mins})
    reason = np.full(len(ids), None, dtype=object)
    reason[~reach] = inst.area_reason[~reach]
    gone = reach & np.isnan(minutes)
    reason[gone] = "no time to any chosen site" if alloc is None else \
        "not served by any chosen site (capacity)"
    areas = pd.DataFrame({"site_id": site.astype(object), "minutes": minutes}, index=ids)
    if within is not None and threshold is not None:
        areas[f"within_{threshold_label(threshold)}"] = within
    areas[wname] = inst.w
    areas["reason"] = reason
    # not served whatever is chosen
    best_min = inst.D.min(axis=1, initial=np.inf)
    ns = ~reach
    ns_reason = reason.copy()
    if not_served_limit is not None:
        beyond = reach & (best_min > not_served_limit) & (inst.w > 0)
        ns |= beyond
        for i in np.nonzero(beyond)[0]:
            ns_reason[i] = (f"no candidate site within {threshold_label(not_served_limit)} "
                            f"minutes (nearest is {best_min[i]:.1f})")
    not_served = pd.DataFrame({wname: inst.w[ns],
                               "best_minutes": np.where(np.isfinite(best_min[ns]),
                                                        best_min[ns], np.nan),
                               "reason": ns_reason[ns]},
                              index=ids[ns])
    thresholds = tuple(sorted(set(settings.thresholds_minutes)
                              | ({threshold} if threshold is not None else set())))
    summary = summarise_minutes(minutes, inst.w, thresholds=thresholds)
    # sites table
    roles_scn = scenario_of(inst, name or problem, open_ids, description)
    if alloc is None:
        _, j = nearest(inst.D, open_)
        served_pop = np.bincount(j[j >= 0], weights=inst.w[j >= 0], minlength=inst.m)
        served_n = np.bincount(j[j >= 0], minlength=inst.m)
    else:
        ai, aj, share = alloc
        served_pop = np.bincount(aj, weights=share * inst.w[reach][ai], minlength=inst.m)
        served_n = np.bincount(aj, minlength=inst.m)
    sites = pd.DataFrame({"role": [roles_scn.role_of(s) for s in open_ids],
                          "areas": served_n[open_].astype(np.int64),
                          "population": served_pop[open_]},
                         index=pd.Index(open_ids, name="site_id"))
    if inst.capacity is not None:
        sites["capacity"] = inst.capacity[open_]
        with np.errstate(invalid="ignore", divide="ignore"):
            sites["utilisation"] = sites["population"] / sites["capacity"]
    gap = relative_gap(objective, bound) if math.isfinite(bound) else float("nan")
    det = {"solver": SOLVER if method != "heuristic" else HEURISTIC,
           **inst.settings, **dict(details or {})}
    base = inst.baseline
    changes = base.changes(open_ids, dict(roles_scn.roles)) if base is not None \
        else pd.DataFrame()
    money = base.money(open_ids) if base is not None else {}
    nan = float("nan")
    return Solution(roles_scn, problem, float(objective), objective_name, float(bound), gap,
                    status, method, float(seconds), areas, sites, not_served, summary,
                    allocation, det, changes, money.get("running_cost", nan),
                    money.get("saving", nan), money.get("one_off_costs", nan))


def scenario_of(inst: Instance, name: str, open_ids: list[str],
                description: str = "") -> Scenario:
    """The chosen sites as a Scenario: roles against today, the catchment rule kept."""
    rule: dict[str, Any] = {}
    if inst.catchment == "zone":
        rule = {"catchment": "zone", "zone_column": inst.zone_column,
                "site_zones": {s: inst.site_zone[s] for s in open_ids if s in inst.site_zone}}
    if inst.baseline is None:
        return Scenario.from_site_ids(name, open_ids, sites=inst.sites, role=inst.role,
                                      description=description)
    return inst.baseline.scenario(name, open_ids, description=description, **rule)


def describe(problem: str, inst: Instance, k: int, status: str, gap: float,
             threshold: float | None) -> str:
    """The scenario's description: the problem, the rules in play and how sure it is."""
    groups = inst.groups
    what = {
        "p_median": "shortest population-weighted mean journey",
        "max_coverage": f"most people within {threshold_label(threshold or 0)} minutes",
        "set_cover": f"fewest sites with everyone within {threshold_label(threshold or 0)} "
                     "minutes",
        "p_center": "shortest worst journey",
    }[problem]
    extra = []
    if inst.keep.any():
        extra.append(f"{int(inst.keep.sum())} kept")
    if len(inst.zone_names):
        extra.append("zone rules")
    if inst.capacity is not None:
        extra.append("capacities")
    if inst.cost_cap is not None:
        extra.append(f"running cost at most £{inst.cost_cap:,.0f} a year")
    if inst.catchment == "zone":
        extra.append(f"families use their own {inst.zone_column}'s site")
    extra += [e.describe(lab) for e, lab in zip(groups.items, groups.labels, strict=True)]
    proof = "proven optimal" if status == "optimal" else (
        f"not proven optimal (gap {gap:.2%})" if not math.isnan(gap) else "heuristic")
    rules = f"; {', '.join(extra)}" if extra else ""
    return (f"{k} of {inst.m} candidate sites chosen by geoaccess.optimise for the {what}"
            f"{rules} ({proof})")


def objective_name(problem: str, threshold: float | None) -> str:
    """Name of the value optimised (:attr:`Solution.objective_name`)."""
    return {"p_median": "mean_minutes", "set_cover": "sites", "p_center": "max_minutes",
            "max_coverage": f"population_within_{threshold_label(threshold or 0)}"}[problem]


def default_name(problem: str, k: int, threshold: float | None) -> str:
    """Name of the solution's scenario when none is given."""
    t = threshold_label(threshold) if threshold is not None else ""
    return {"p_median": f"Best {k} (mean minutes)",
            "max_coverage": f"Best {k} (within {t} min)",
            "set_cover": f"Fewest sites within {t} min ({k})",
            "p_center": f"Best {k} (worst journey)"}[problem]


def objective_of(inst: Instance, problem: str, open_: np.ndarray, threshold: float | None,
                 penalty: float | None,
                 alloc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> float:
    """The objective of a configuration, in user units (see :class:`Solution`)."""
    reach = inst.reach
    D, w = inst.D[reach], inst.w[reach]
    if problem == "set_cover":
        return float(open_.sum())
    if alloc is not None:
        ai, aj, share = alloc
        mins = D[ai, aj]
        if problem == "p_median":
            served = float(w.sum())
            cost = float((w[ai] * share * mins).sum())
            unserved = 1.0 - np.bincount(ai, weights=share, minlength=len(w))
            if penalty is not None:
                cost += float((w * np.clip(unserved, 0, 1)).sum() * penalty)
            return cost / served if served > 0 else float("nan")
        if problem == "max_coverage":
            return float((w[ai] * share * (mins <= (threshold or 0))).sum())
        return float(mins[w[ai] > 0].max(initial=np.nan))
    d, _ = nearest(D, open_)
    if problem == "p_median":
        served = float(w.sum())
        dd = np.minimum(d, penalty) if penalty is not None else d
        if not np.isfinite(dd[w > 0]).all():
            return float("inf")
        cost = float((w * np.where(np.isfinite(dd), dd, 0.0)).sum())
        return cost / served if served > 0 else float("nan")
    if problem == "max_coverage":
        return float(w[d <= (threshold or 0)].sum())
    if problem == "p_center":
        pos = w > 0
        return float(d[pos].max()) if pos.any() else float("nan")
    raise ValueError(problem)  # pragma: no cover
