"""A proposal against the best achievable with the same number of sites.

:func:`proposal_vs_best` finds, for the proposal's number of open sites, the optimum of
each measure under the same constraints, how much better each is, and the single swaps (close
one of the proposal's sites, keep one it closes) that gain most. The answer, a
:class:`ProposalGap`, reads as sentences (``str(gap)``) and its ``.result`` goes to
:func:`geoaccess.compare`, maps and reports.

Examples
--------
Keeping S1 alone, E1 and E2 travel 4 and 20 minutes (a mean of 12); S2 alone gives 12
and 6 (a mean of 9):

>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 20], "S2": [12.0, 6]},
...                                             index=["E1", "E2"]))
>>> gap = ga.proposal_vs_best(tt, None, ga.Scenario("Keep S1", {"S1": "hub"}), thresholds=10)
>>> print(gap.sentences()[0])
With the same 1 sites, the best choice would cut the average journey from 12.0 to 9.0 minutes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .._validate import show_ids
from ..errors import InputError
from ..evaluate import Result
from ..matrix import TravelTimes
from ..measures import NearestIndex, as_thresholds, threshold_label
from ..scenario import Scenario
from .problem import Constraints, Instance, as_travel_times, constraints_of, instance_of
from .solution import Solution
from .solve import SolverOptions, solve

__all__ = ["ProposalGap", "proposal_vs_best"]


@dataclass(eq=False)
class ProposalGap:
    """A proposal against the best achievable with the same number of sites.

    Attributes
    ----------
    proposal : Scenario
        The proposal compared.
    p : int
        Its number of open sites (the number the optima keep).
    table : pandas.DataFrame
        Index ``measure``: ``mean_minutes`` and ``population_within_<t>`` for each
        threshold. Columns ``proposal``, ``best`` (the optimum for that measure),
        ``gain`` (how much better the best is: minutes saved, or extra people within
        *t*), ``proposal_share`` / ``best_share`` (population rows: share of everyone),
        ``best_scenario`` (name), ``status`` and ``gap`` of the optimum.
    swaps : pandas.DataFrame
        Single swaps (close one of the proposal's sites, open one it closes), best
        first by ``rank_by``: ``close``, ``open``, ``mean_minutes`` and
        ``change_mean_minutes``, and per threshold ``population_within_<t>`` and
        ``gain_within_<t>`` (extra people within *t* against the proposal).
    best : dict
        Measure → :class:`Solution` (``"mean_minutes"``, ``"within_<t>"``).
    result : Result
        :func:`geoaccess.evaluate` of the proposal and the optima, for
        :func:`geoaccess.compare` (``baseline=proposal.name``), maps and reports.
    thresholds : tuple of float
    population : str or None
    """

    proposal: Scenario
    p: int
    table: pd.DataFrame
    swaps: pd.DataFrame
    best: dict[str, Solution]
    result: Result
    thresholds: tuple[float, ...]
    population: str | None

    def __repr__(self) -> str:
        return (f"ProposalGap({self.proposal.name!r}, p={self.p}, "
                f"thresholds={[float(t) for t in self.thresholds]}, swaps={len(self.swaps)})")

    def sentences(self) -> list[str]:
        """The comparison in plain English, one sentence per measure and the best swap."""
        who = _people_word(self.population)
        out = []
        mm = self.table.loc["mean_minutes"]
        if mm["gain"] > 0.05:
            out.append(f"With the same {self.p} sites, the best choice would cut the average "
                       f"journey from {mm['proposal']:.1f} to {mm['best']:.1f} minutes.")
        else:
            out.append(f"The proposal's average journey ({mm['proposal']:.1f} minutes) is "
                       f"the shortest achievable with {self.p} sites.")
        for t in self.thresholds:
            row = self.table.loc[f"population_within_{threshold_label(t)}"]
            if row["gain"] >= 0.5:
                out.append(f"Within {threshold_label(t)} minutes: {row['best']:,.0f} {who} "
                           f"({row['best_share']:.0%}) at best against {row['proposal']:,.0f} "
                           f"({row['proposal_share']:.0%}) under the proposal, "
                           f"{row['gain']:,.0f} more.")
            else:
                out.append(f"Within {threshold_label(t)} minutes the proposal reaches as many "
                           f"{who} as any choice of {self.p} sites ({row['proposal']:,.0f}).")
        if len(self.swaps):
            s = self.swaps.iloc[0]
            if s["change_mean_minutes"] < -0.05 or any(
                    s[f"gain_within_{threshold_label(t)}"] >= 0.5 for t in self.thresholds):
                parts = [f"{s[f'gain_within_{threshold_label(t)}']:+,.0f} within "
                         f"{threshold_label(t)} min" for t in self.thresholds]
                out.append(f"Best single swap: keep {s['open']} instead of {s['close']} "
                           f"(mean {s['change_mean_minutes']:+.1f} min; {', '.join(parts)}).")
        return out

    def __str__(self) -> str:
        return "\n".join(self.sentences())

    def apply_swap(self, k: int = 0, name: str | None = None) -> Scenario:
        """The proposal with swap ``k`` (a row of :attr:`swaps`) made.

        The site opened takes the role of the site it replaces.
        """
        row = self.swaps.iloc[k]
        role = self.proposal.role_of(row["close"])
        return self.proposal.modified(
            name or f"{self.proposal.name}: {row['open']} for {row['close']}",
            close=[row["close"]], open={row["open"]: role},
            description=f"{self.proposal.name} with {row['open']} kept instead of "
                        f"{row['close']}")


def _people_word(population: str | None) -> str:
    if not population:
        return "areas"
    if "child" in population.lower():
        return "children"
    return "people"


def proposal_vs_best(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None,
    proposal: Scenario | Solution,
    *,
    thresholds: Iterable[float] | float | None = None,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    rank_by: str = "mean_minutes",
    swaps: int | None = 10,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    constraints: Constraints | None = None,
    rules: Constraints | None = None,
) -> ProposalGap:
    """How a proposal compares with the best achievable using the same number of sites.

    For the proposal's number of open sites *p*: the p-median optimum (shortest mean
    journey) and, for each threshold, the maximal-coverage optimum, under the same
    constraints; how many more people each would reach within each threshold; and the single
    swaps (close one of the proposal's sites, keep one it closes) that gain most.

    Parameters
    ----------
    tt, areas, population, must_keep, must_close, candidates, sites, role, zones,
    min_per_zone, max_per_zone, method, time_limit, mip_rel_gap, constraints, rules
        As for :func:`~geoaccess.p_median` (no capacity or equity constraints). The proposal's
        own sites are always candidates.
    proposal : Scenario or Solution
        The configuration proposed (every open site must be in the matrix); a Solution
        stands for its ``.scenario``.
    thresholds : iterable of float, optional
        Minutes (default :data:`geoaccess.settings.thresholds_minutes`); one number is
        taken as a list of one.
    rank_by : str
        Order of :attr:`ProposalGap.swaps`: ``"mean_minutes"`` (largest cut first) or
        ``"within_<t>"`` (most extra people within *t* first, then the mean).
    swaps : int or None
        Number of swaps kept (None: all, including those that make things worse).

    Returns
    -------
    ProposalGap
        ``.table`` (proposal against best per measure), ``.swaps``, ``.best``,
        ``.result`` (:func:`geoaccess.evaluate` of them all) and ``str()`` sentences.

    Examples
    --------
    The proposal keeps S3; S1 would serve the 200 children of E1 and E2 within 10::

            S1  S2  S3   children
        E1   5  30  20        100
        E2   8  25  18        100
        E3  30  12  14         50

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 8, 30], "S2": [30.0, 25, 12], "S3": [20.0, 18, 14]},
    ...     index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 100, 50]})
    >>> gap = ga.proposal_vs_best(tt, areas, ga.Scenario("Keep S3", {"S3": "hub"}),
    ...                           thresholds=[10], population="children")
    >>> gap.table.loc["population_within_10", ["proposal", "best", "gain"]].tolist()
    [0.0, 200.0, 200.0]
    >>> gap.swaps.iloc[0][["close", "open"]].tolist()
    ['S3', 'S1']
    """
    scenario = getattr(proposal, "scenario", proposal)
    if not isinstance(scenario, Scenario):
        raise InputError(f"proposal: expected a geoaccess.Scenario (or an optimiser Solution), "
                         f"got {type(proposal).__name__}")
    proposal = scenario
    options = SolverOptions(method, time_limit, mip_rel_gap)
    given = constraints_of(locals(), what="proposal_vs_best")
    t = as_travel_times(tt)
    known = set(map(str, t.site_ids))
    outside = [s for s in proposal.open_sites if s not in known]
    if outside:
        raise InputError(f"proposal {proposal.name!r} opens sites not in the travel-time "
                         f"matrix {show_ids(outside)}", rows=outside)
    if given.candidates is not None:
        given = replace(given, candidates=tuple(dict.fromkeys(
            [*given.candidates, *proposal.open_sites])))
    closing = sorted(set(given.must_close) & set(proposal.open_sites))
    if closing:
        raise InputError(f"proposal {proposal.name!r} opens must-close sites "
                         f"{show_ids(closing)}", rows=closing)
    inst = instance_of(t, areas, locals(), what="proposal_vs_best", constraints=given)
    thr = as_thresholds(thresholds, param="thresholds", at_least_one=True)
    p = inst.check_p(len(proposal.open_sites))
    best: dict[str, Solution] = {}
    best["mean_minutes"] = solve(inst, "p_median", p=p, tie_break=False,
                                 name=f"Best {p} (mean minutes)", options=options)
    for x in thr:
        lab = threshold_label(x)
        best[f"within_{lab}"] = solve(inst, "max_coverage", p=p, threshold=x,
                                      name=f"Best {p} (within {lab} min)", options=options)
    scen = [proposal] + [s.scenario for s in best.values()
                         if s.scenario.name != proposal.name]
    result = inst.evaluate(areas, scen, thr)
    summ = result.summary.set_index("scenario")
    prop = summ.loc[proposal.name]
    rows = []
    sol = best["mean_minutes"]
    rows.append({"measure": "mean_minutes", "proposal": prop["mean_minutes"],
                 "best": summ.loc[sol.scenario.name, "mean_minutes"],
                 "proposal_share": np.nan, "best_share": np.nan,
                 "best_scenario": sol.scenario.name, "status": sol.status, "gap": sol.gap})
    for x in thr:
        lab = threshold_label(x)
        sol = best[f"within_{lab}"]
        rows.append({"measure": f"population_within_{lab}",
                     "proposal": prop[f"population_within_{lab}"],
                     "best": summ.loc[sol.scenario.name, f"population_within_{lab}"],
                     "proposal_share": prop[f"share_within_{lab}"],
                     "best_share": summ.loc[sol.scenario.name, f"share_within_{lab}"],
                     "best_scenario": sol.scenario.name, "status": sol.status,
                     "gap": sol.gap})
    table = pd.DataFrame(rows).set_index("measure")
    gain = table["best"] - table["proposal"]
    gain.loc["mean_minutes"] = -gain.loc["mean_minutes"]
    table.insert(2, "gain", gain)
    swap_table = _swaps(inst, proposal, thr, rank_by, swaps)
    return ProposalGap(proposal, p, table, swap_table, best, result, thr, inst.pop_name)


def _swaps(inst: Instance, proposal: Scenario, thr: tuple[float, ...], rank_by: str,
           keep_n: int | None) -> pd.DataFrame:
    """Every single swap of the proposal, scored on the whole matrix at once."""
    labels = [threshold_label(x) for x in thr]
    if rank_by != "mean_minutes" and rank_by not in [f"within_{lab}" for lab in labels]:
        raise InputError(f"rank_by must be 'mean_minutes' or one of "
                         f"{[f'within_{lab}' for lab in labels]}, got {rank_by!r}")
    ids = inst.area_ids
    wanted = set(ids)
    t = inst.tt
    sub = t.subset(areas=[a for a in t.minutes.index if str(a) in wanted])
    index = NearestIndex(sub)
    site_ids = [str(s) for s in index.site_ids]
    pos = {s: k for k, s in enumerate(site_ids)}
    base = np.zeros(len(site_ids), dtype=bool)
    base[[pos[s] for s in proposal.open_sites]] = True
    keep = set(np.array(inst.cand, dtype=object)[inst.keep])
    closable = [s for s in proposal.open_sites if s not in keep]
    openable = [s for s in inst.cand if s not in proposal.roles]
    pairs, masks = [], [base]
    zone_of = {s: int(z) for s, z in zip(inst.cand, inst.zones.of, strict=True)}
    for s in closable:
        for c in openable:
            if len(inst.zone_names):
                trial = np.array([x in proposal.roles and x != s or x == c for x in inst.cand])
                counts = inst.zones.counts(trial)
                zs, zc = zone_of.get(s, -1), zone_of.get(c, -1)
                if (zs >= 0 and counts[zs] < inst.zones.lo[zs]) or \
                        (zc >= 0 and counts[zc] > inst.zones.hi[zc]):
                    continue
            m = base.copy()
            m[pos[s]] = False
            m[pos[c]] = True
            pairs.append((s, c))
            masks.append(m)
    weights = pd.Series(inst.w, index=ids).reindex(index.area_ids.astype(str))
    scores = index.scores(np.array(masks), weights.to_numpy(), thresholds=thr)
    cols = ["close", "open", "mean_minutes", "change_mean_minutes"] + [
        c for lab in labels for c in (f"population_within_{lab}", f"gain_within_{lab}")]
    if not pairs:
        return pd.DataFrame(columns=cols)
    b = scores.iloc[0]
    sc = scores.iloc[1:].reset_index(drop=True)
    out = pd.DataFrame({"close": [s for s, _ in pairs], "open": [c for _, c in pairs],
                        "mean_minutes": sc["mean_minutes"],
                        "change_mean_minutes": sc["mean_minutes"] - b["mean_minutes"]})
    for lab in labels:
        out[f"population_within_{lab}"] = sc[f"population_within_{lab}"]
        out[f"gain_within_{lab}"] = sc[f"population_within_{lab}"] - b[
            f"population_within_{lab}"]
    if rank_by == "mean_minutes":
        out = out.sort_values(["change_mean_minutes", "close", "open"], kind="stable")
    else:
        lab = rank_by.removeprefix("within_")
        out = out.sort_values([f"gain_within_{lab}", "change_mean_minutes"],
                              ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    return out if keep_n is None else out.head(int(keep_n))
