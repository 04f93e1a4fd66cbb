"""Tests of geoaccess.optimise: exact answers checked by brute force, against spopt, and
constraints checked in the results with independent computations."""

from __future__ import annotations

import itertools
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess.optimise import Equity, InfeasibleError, exact
from geoaccess.optimise.milp import relative_gap

matplotlib.use("Agg")


# ============================================================================ helpers
def matrix(D: np.ndarray, prefix_a: str = "E", prefix_s: str = "S") -> ga.TravelTimes:
    n, m = D.shape
    return ga.TravelTimes.from_frame(pd.DataFrame(
        D, index=[f"{prefix_a}{i:03d}" for i in range(n)],
        columns=[f"{prefix_s}{j:02d}" for j in range(m)]))


def random_instance(seed: int, n: int = 14, m: int = 8, nan_share: float = 0.15):
    """Areas and sites scattered in a square, minutes from distance, some pairs NaN."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 10_000, (n, 2))
    s = rng.uniform(0, 10_000, (m, 2))
    D = np.hypot(a[:, None, 0] - s[None, :, 0], a[:, None, 1] - s[None, :, 1]) / 80.0
    D = np.round(D, 1)
    D[rng.random(D.shape) < nan_share] = np.nan
    w = np.round(rng.uniform(0, 120, n))
    tt = matrix(D)
    areas = pd.DataFrame({"area_id": tt.area_ids, "children": w,
                          "deprived": rng.random(n) < 0.35})
    return tt, areas, D, w


def nearest_of(D: np.ndarray, cols) -> np.ndarray:
    sub = np.where(np.isnan(D[:, list(cols)]), np.inf, D[:, list(cols)])
    return sub.min(axis=1)


def brute(D: np.ndarray, w: np.ndarray, p: int, score, *, keep=(), zone=None) -> float:
    """Best score (smaller is better) over every choice of p sites; inf if none allowed."""
    best = np.inf
    for comb in itertools.combinations(range(D.shape[1]), p):
        if not set(keep) <= set(comb):
            continue
        if zone is not None and len({zone[j] for j in comb}) < len(set(zone.values())):
            continue
        best = min(best, score(nearest_of(D, comb)))
    return best


def spopt_quietly(fn):
    """Run spopt/PuLP (PuLP 3.3 warns about its own upcoming 4.0 API)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return fn()


# ============================================================================ hand-worked
def test_p_median_hand_worked():
    """Keep 2 of 3 sites for 4 areas (children 100, 100, 10, 100).

    S1+S2: 100×2 + 100×3 + 10×8 + 100×7 = 1,280 child-minutes -> mean 1280/310 = 4.129
    S1+S3: 100×2 + 100×8 + 10×1 + 100×7 = 1,710
    S2+S3: 100×9 + 100×3 + 10×1 + 100×8 = 2,010
    """
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [2.0, 9, 8, 7], "S2": [10.0, 3, 9, 8], "S3": [9.0, 8, 1, 9]},
        index=["E1", "E2", "E3", "E4"]))
    areas = pd.DataFrame({"area_id": ["E1", "E2", "E3", "E4"],
                          "children": [100.0, 100, 10, 100]})
    sol = ga.p_median(tt, areas, p=2, population="children")
    assert sol.open_sites == ["S1", "S2"]
    assert sol.objective == pytest.approx(1280 / 310)
    assert sol.status == "optimal" and sol.gap == 0.0 and sol.proven_optimal
    assert sol.areas["site_id"].tolist() == ["S1", "S2", "S1", "S1"]
    assert sol.areas["minutes"].tolist() == [2.0, 3.0, 8.0, 7.0]
    # the scenario evaluates to the same mean with geoaccess.evaluate
    r = ga.evaluate(tt, areas, sol.scenario, population="children")
    assert r.summary.loc[0, "mean_minutes"] == pytest.approx(sol.objective)
    assert sol.sites.loc["S1", "population"] == 210.0
    assert "proven optimal" in sol.scenario.description


def test_max_coverage_and_set_cover_hand_worked():
    """Within 15 minutes::

            S1  S2  S3   children
        E1  10  30  12        100     covered by S1, S3
        E2  25  14  13         80     covered by S2, S3
        E3  40  45  50         70     never covered

    Keep 1: S3 covers E1 + E2 = 180. Fewest sites covering everyone coverable: {S3};
    E3 cannot be covered (nearest candidate 40 minutes) and is reported.
    """
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [10.0, 25, 40], "S2": [30.0, 14, 45], "S3": [12.0, 13, 50]},
        index=["E1", "E2", "E3"]))
    areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 80, 70]})
    mc = ga.max_coverage(tt, areas, p=1, threshold_minutes=15, population="children")
    assert mc.open_sites == ["S3"] and mc.objective == 180.0
    assert mc.areas["within_15"].tolist() == [True, True, False]
    sc = ga.set_cover(tt, areas, threshold_minutes=15, population="children")
    assert sc.open_sites == ["S3"] and sc.objective == 1.0
    assert sc.not_served.index.tolist() == ["E3"]
    assert sc.not_served.loc["E3", "best_minutes"] == 40.0
    assert "no candidate site within 15 minutes" in sc.not_served.loc["E3", "reason"]
    # E3 is still in the per-area table with its time
    assert sc.areas.loc["E3", "minutes"] == 50.0


def test_p_center_hand_worked():
    """Keep 1: worst times are S1 30, S2 12, S3 30 -> S2, 12 minutes. Keep 2: S1+S3 gives
    worst max(2, min(20, 25), 3) = 20; S1+S2 max(2, 11, 12) = 12; S2+S3 max(12, 11, 3)
    = 12: 12, and the tie-break picks the shorter mean (S1+S2: 2+11+12 = 25 against
    12+11+3 = 26)."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [2.0, 20, 30], "S2": [12.0, 11, 12], "S3": [30.0, 25, 3]},
        index=["E1", "E2", "E3"]))
    one = ga.p_center(tt, p=1)
    assert one.open_sites == ["S2"] and one.objective == 12.0
    two = ga.p_center(tt, p=2)
    assert two.objective == 12.0 and two.open_sites == ["S1", "S2"]


# ============================================================================ brute force
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_3_of_8_agrees_with_milp(seed):
    """Every choice of 3 of 8 sites (56), NaN pairs included, against the MILP."""
    tt, areas, D, w = random_instance(seed)
    reach = np.isfinite(np.where(np.isnan(D), np.inf, D)).any(axis=1)

    def mean(d):
        return (w[reach] * d[reach]).sum() / w[reach].sum() if np.isfinite(
            d[reach]).all() else np.inf

    def cover(d):
        return -w[d <= 60].sum()

    def worst(d):
        pos = reach & (w > 0)
        return d[pos].max()

    for fn, score, kw in ((ga.p_median, mean, {}),
                          (ga.max_coverage, cover, {"threshold_minutes": 60}),
                          (ga.p_center, worst, {})):
        ref = brute(D, w, 3, score)
        sol = fn(tt, areas, p=3, population="children", method="exact", **kw)
        got = -sol.objective if fn is ga.max_coverage else sol.objective
        assert got == pytest.approx(ref, rel=1e-9), fn.__name__
        assert sol.status == "optimal"
        # the reported configuration really scores that
        cols = [int(s[1:]) for s in sol.open_sites]
        assert score(nearest_of(D, cols)) == pytest.approx(ref, rel=1e-9)


def test_brute_force_with_must_keep_and_zones():
    """Must-keep S00 and one site in each of two zones, against every 3-of-8 choice."""
    tt, areas, D, w = random_instance(7, nan_share=0.0)
    zone = {j: "north" if j % 2 else "south" for j in range(8)}

    def mean(d):
        return (w * d).sum() / w.sum()

    ref = brute(D, w, 3, mean, keep=[0], zone=zone)
    sol = ga.p_median(tt, areas, p=3, population="children", must_keep=["S00"],
                      zones={f"S{j:02d}": z for j, z in zone.items()}, method="exact")
    assert sol.objective == pytest.approx(ref)
    assert "S00" in sol.open_sites
    assert {zone[int(s[1:])] for s in sol.open_sites} == {"north", "south"}
    heur = ga.p_median(tt, areas, p=3, population="children", must_keep=["S00"],
                       zones={f"S{j:02d}": z for j, z in zone.items()}, method="heuristic")
    assert "S00" in heur.open_sites and heur.objective >= ref - 1e-9
    assert heur.status == "heuristic" and np.isnan(heur.gap)


def test_heuristic_is_never_better_and_close():
    """Greedy + Teitz-Bart against the proven optimum on 300 areas, 24 sites."""
    tt, areas, D, w = random_instance(11, n=300, m=24, nan_share=0.02)
    for fn, kw in ((ga.p_median, {}), (ga.max_coverage, {"threshold_minutes": 45})):
        ex = fn(tt, areas, p=8, population="children", method="exact", **kw)
        he = fn(tt, areas, p=8, population="children", method="heuristic", seed=0, **kw)
        assert ex.status == "optimal"
        rel = relative_gap(he.objective, ex.objective)
        assert rel < 0.03, (fn.__name__, rel)
        if fn is ga.p_median:
            assert he.objective >= ex.objective - 1e-9
        else:
            assert he.objective <= ex.objective + 1e-9
        auto = fn(tt, areas, p=8, population="children", **kw)
        assert auto.objective == pytest.approx(ex.objective)
        assert auto.details["heuristic_gap"] == pytest.approx(rel, abs=1e-12)


# ============================================================================ spopt
@pytest.fixture(scope="module")
def spopt_case():
    rng = np.random.default_rng(3)
    D = np.round(rng.uniform(1, 40, (40, 9)), 2)
    w = np.round(rng.uniform(1, 100, 40))
    tt = matrix(D)
    areas = pd.DataFrame({"area_id": tt.area_ids, "children": w})
    return tt, areas, D, w


def test_p_median_matches_spopt(spopt_case):
    pulp = pytest.importorskip("pulp")
    locate = pytest.importorskip("spopt.locate")
    tt, areas, D, w = spopt_case
    ref = spopt_quietly(lambda: locate.PMedian.from_cost_matrix(D, w, p_facilities=4).solve(
        pulp.PULP_CBC_CMD(msg=False)))
    sol = ga.p_median(tt, areas, p=4, population="children")
    assert sol.objective * w.sum() == pytest.approx(ref.problem.objective.value(), rel=1e-7)


def test_max_coverage_matches_spopt(spopt_case):
    pulp = pytest.importorskip("pulp")
    locate = pytest.importorskip("spopt.locate")
    tt, areas, D, w = spopt_case
    ref = spopt_quietly(lambda: locate.MCLP.from_cost_matrix(
        D, w, service_radius=12, p_facilities=3).solve(pulp.PULP_CBC_CMD(msg=False)))
    sol = ga.max_coverage(tt, areas, p=3, threshold_minutes=12, population="children")
    assert sol.objective == pytest.approx(ref.problem.objective.value(), rel=1e-9)


def test_set_cover_and_p_center_match_spopt(spopt_case):
    pulp = pytest.importorskip("pulp")
    locate = pytest.importorskip("spopt.locate")
    tt, areas, D, w = spopt_case
    lscp = spopt_quietly(lambda: locate.LSCP.from_cost_matrix(D, service_radius=20).solve(
        pulp.PULP_CBC_CMD(msg=False)))
    assert ga.set_cover(tt, areas, threshold_minutes=20).objective == \
        lscp.problem.objective.value()
    pc = spopt_quietly(lambda: locate.PCenter.from_cost_matrix(D, p_facilities=3).solve(
        pulp.PULP_CBC_CMD(msg=False)))
    assert ga.p_center(tt, areas, p=3).objective == pytest.approx(
        pc.problem.objective.value(), abs=1e-5)


def test_capacitated_single_source_matches_spopt(spopt_case):
    """spopt's capacitated p-median assigns each area to one site (binary)."""
    pulp = pytest.importorskip("pulp")
    locate = pytest.importorskip("spopt.locate")
    tt, areas, D, w = spopt_case
    cap = np.full(9, 0.3 * w.sum())
    ref = spopt_quietly(lambda: locate.PMedian.from_cost_matrix(
        D, w, p_facilities=4, facility_capacities=cap).solve(pulp.PULP_CBC_CMD(msg=False)))
    sol = ga.p_median(tt, areas, p=4, population="children", single_source=True,
                      capacity={s: c for s, c in zip(tt.site_ids, cap, strict=True)})
    assert sol.objective * w.sum() == pytest.approx(ref.problem.objective.value(), rel=1e-7)
    assert (sol.allocation.groupby("area_id")["share"].max() == 1.0).all()


# ============================================================================ constraints
def test_capacity_is_respected():
    """Two sites; S1 is nearest for everyone but holds only 150 of 250 children, so E2's
    100 go to S2 (the cheaper of the areas to move: E2 at +2 against E1 at +20)."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [1.0, 4.0, 2.0], "S2": [21.0, 6.0, 30.0]}, index=["E1", "E2", "E3"]))
    areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 100, 50]})
    sol = ga.p_median(tt, areas, p=2, population="children",
                      capacity={"S1": 150.0, "S2": 500.0})
    # fractional optimum: E1 and E3 at S1 (150), E2 at S2: 100×1 + 100×6 + 50×2 = 800
    assert sol.objective == pytest.approx(800 / 250)
    assert sol.sites.loc["S1", "population"] <= 150 + 1e-6
    assert (sol.sites["utilisation"] <= 1 + 1e-9).all()
    assert sol.areas.loc["E2", "site_id"] == "S2"
    loads = sol.allocation.groupby("site_id")["children"].sum()
    assert loads["S1"] == pytest.approx(150.0)
    # capacity_scale doubles every capacity: S1 now holds everyone
    roomy = ga.p_median(tt, areas, p=2, population="children",
                        capacity={"S1": 150.0, "S2": 500.0}, capacity_scale=2.0)
    assert roomy.objective == pytest.approx((100 + 400 + 100) / 250)
    with pytest.raises(InfeasibleError, match="capacities"):
        ga.p_median(tt, areas, p=1, population="children", capacity={"S1": 10, "S2": 10})


def test_equity_constraints_hold():
    """Relative share and mean cap hold in the answers, checked with geoaccess.evaluate."""
    tt, areas, D, w = random_instance(5, n=60, m=10, nan_share=0.0)
    group = areas["deprived"].to_numpy()
    free = ga.max_coverage(tt, areas, p=3, threshold_minutes=40, population="children")
    fair = ga.max_coverage(tt, areas, p=3, threshold_minutes=40, population="children",
                           equity=Equity(group="deprived", threshold_minutes=40))
    res = ga.evaluate(tt, areas, fair.scenario, population="children", thresholds=[40])
    within = res[fair.scenario.name]["within_40"].to_numpy()
    g_share = w[group & within].sum() / w[group].sum()
    o_share = w[~group & within].sum() / w[~group].sum()
    assert g_share >= o_share - 1e-9
    assert fair.objective <= free.objective + 1e-9
    assert "share within 40 min" in fair.scenario.description
    # the group as a boolean Series indexed like the table, or as area ids: same answer
    for same in (areas["deprived"], areas.loc[areas["deprived"], "area_id"].tolist()):
        again = ga.max_coverage(tt, areas, p=3, threshold_minutes=40, population="children",
                                equity=Equity(group=same, threshold_minutes=40))
        assert again.objective == pytest.approx(fair.objective)
    pm = ga.p_median(tt, areas, p=3, population="children")
    d = pm.areas["minutes"].to_numpy()
    gm = (w[group] * d[group]).sum() / w[group].sum()
    cap = gm - 2.0
    capped = ga.p_median(tt, areas, p=3, population="children",
                         equity=Equity(group="deprived", max_mean_minutes=cap))
    d2 = capped.areas["minutes"].to_numpy()
    assert (w[group] * d2[group]).sum() / w[group].sum() <= cap + 1e-7
    assert capped.objective >= pm.objective - 1e-9
    with pytest.raises(ga.InputError, match="heuristic"):
        ga.p_median(tt, areas, p=3, population="children", method="heuristic",
                    equity=Equity(group="deprived", max_mean_minutes=cap))



def test_must_keep_close_candidates_hold():
    tt, areas, D, w = random_instance(9, n=30, m=8)
    sol = ga.max_coverage(tt, areas, p=4, threshold_minutes=50, population="children",
                          must_keep=["S03"], must_close=["S01", "S02"],
                          candidates=["S00", "S01", "S04", "S05", "S06"])
    assert "S03" in sol.open_sites  # must-keep joins the candidates
    assert not {"S01", "S02", "S07"} & set(sol.open_sites)
    assert len(sol.open_sites) == 4
    with pytest.raises(InfeasibleError, match="must-keep"):
        ga.p_median(tt, areas, p=1, must_keep=["S00", "S03"])
    with pytest.raises(InfeasibleError, match="only 3 candidate"):
        ga.p_median(tt, areas, p=4, candidates=["S00", "S01", "S02"])
    with pytest.raises(ga.InputError, match="both in must_keep and must_close"):
        ga.p_median(tt, areas, p=2, must_keep=["S00"], must_close=["S00"])
    with pytest.raises(ga.InputError, match="not in the travel-time matrix"):
        ga.p_median(tt, areas, p=2, must_keep=["S99"])


def test_unreachable_areas_reported_never_dropped():
    """E3 has no time to any site and E4 is not in the matrix: both are in every table
    with a reason; the optimum is that of E1 and E2 alone."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [2.0, 9.0, np.nan], "S2": [7.0, 3.0, np.nan]}, index=["E1", "E2", "E3"]))
    areas = pd.DataFrame({"area_id": ["E1", "E2", "E3", "E4"], "children": [10.0, 30, 5, 5]})
    sol = ga.p_median(tt, areas, p=1, population="children")
    # S1: 10×2 + 30×9 = 290; S2: 10×7 + 30×3 = 160 -> S2, mean 160/40
    assert sol.open_sites == ["S2"] and sol.objective == pytest.approx(4.0)
    assert sol.areas.index.tolist() == ["E1", "E2", "E3", "E4"]
    assert sol.areas["minutes"].isna().tolist() == [False, False, True, True]
    assert sol.not_served.index.tolist() == ["E3", "E4"]
    assert sol.not_served.loc["E4", "reason"] == "area not in the travel-time matrix"
    assert "no time to any candidate site" in sol.not_served.loc["E3", "reason"]
    assert sol.summary["areas_unreachable"] == 2.0


def test_hard_serve_and_unserved_minutes():
    """E1 is reached only by S1, E2 only by S2: with p=1 one of them would be left
    without any site, so the default (every reachable area served) is infeasible.
    With unserved_minutes=60 an unserved area counts 60 minutes: keep S1 -> E1 at 5,
    E2 unserved (60): (100×5 + 10×60)/110 = 10; keep S2 -> (100×60 + 10×4)/110."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [5.0, np.nan], "S2": [np.nan, 4.0]}, index=["E1", "E2"]))
    areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [100.0, 10]})
    with pytest.raises(InfeasibleError, match="unserved_minutes"):
        ga.p_median(tt, areas, p=1, population="children")
    sol = ga.p_median(tt, areas, p=1, population="children", unserved_minutes=60)
    assert sol.open_sites == ["S1"] and sol.objective == pytest.approx(1100 / 110)
    assert sol.areas.loc["E2", "reason"] == "no time to any chosen site"


def test_zones_one_per_locality():
    """Three localities, two candidates each; p=3 with at most one per zone."""
    tt, areas, D, w = random_instance(4, n=40, m=6, nan_share=0.0)
    zones = {"S00": "A", "S01": "A", "S02": "B", "S03": "B", "S04": "C", "S05": "C"}
    sol = ga.p_median(tt, areas, p=3, population="children", zones=zones, max_per_zone=1)
    assert sorted(zones[s] for s in sol.open_sites) == ["A", "B", "C"]
    ref = min((w * nearest_of(D, c)).sum() / w.sum() for c in itertools.product(
        [0, 1], [2, 3], [4, 5]))
    assert sol.objective == pytest.approx(ref)
    with pytest.raises(InfeasibleError, match="zones need at least 3"):
        ga.p_median(tt, areas, p=2, zones=zones)
    with pytest.raises(InfeasibleError, match="need more sites than they have"):
        ga.p_median(tt, areas, p=4, zones=zones, min_per_zone={"A": 3})


def test_input_errors():
    tt, areas, _, _ = random_instance(1, n=5, m=3)
    with pytest.raises(ga.InputError, match="method"):
        ga.p_median(tt, areas, p=1, method="fast")
    with pytest.raises(ga.InputError, match="threshold_minutes"):
        ga.max_coverage(tt, areas, p=1, threshold_minutes=-5)
    with pytest.raises(ga.InputError, match="no population column 'kids'"):
        ga.p_median(tt, areas, p=1, population="kids")
    with pytest.raises(ga.InputError, match="whole number"):
        ga.p_median(tt, areas, p=1.5)
    with pytest.raises(ga.InputError, match="capacity"):
        ga.p_median(tt, areas, p=1, capacity={"S00": 5.0})
    with pytest.raises(ga.InputError, match="Equity: give"):
        Equity(group="deprived")
    with pytest.raises(ga.InputError, match="no deprivation contrast"):
        ga.p_median(tt, areas, p=1, equity=Equity(threshold_minutes=15))


def test_time_limit_reports_a_consistent_gap():
    """Whatever the solver manages within a tiny time limit, the answer is feasible and
    its bound lies on the right side of it."""
    tt, areas, D, w = random_instance(12, n=1500, m=30, nan_share=0.0)
    sol = ga.p_median(tt, areas, p=12, population="children", time_limit=0.01)
    assert sol.status in ("optimal", "time_limit")
    assert len(sol.open_sites) == 12
    if sol.status == "time_limit":
        assert sol.bound <= sol.objective + 1e-9 or np.isnan(sol.bound)
        assert sol.gap >= 0 or np.isnan(sol.gap)
    mean = (w * nearest_of(D, [int(s[1:]) for s in sol.open_sites])).sum() / w.sum()
    assert sol.objective == pytest.approx(mean)


def test_lazy_levels_give_the_same_optimum(monkeypatch):
    """With the radius rows built lazily (forced by a tiny budget), the optimum is the
    same as with every row."""
    tt, areas, D, w = random_instance(13, n=120, m=20, nan_share=0.05)
    full = ga.p_median(tt, areas, p=4, population="children", method="exact")
    monkeypatch.setattr(exact, "RADIUS_BUDGET", 10)
    lazy = ga.p_median(tt, areas, p=4, population="children", method="exact")
    assert lazy.objective == pytest.approx(full.objective)
    assert lazy.status == "optimal"


# ============================================================================ trade-offs
def test_trade_off_is_monotone_and_ends_at_everything_open():
    tt, areas, D, w = random_instance(2, n=50, m=7, nan_share=0.0)
    prop = ga.Scenario("Proposal", {"S00": "centre", "S01": "centre"})
    t = ga.trade_off(tt, areas, threshold_minutes=45, population="children",
                     proposals=[prop])
    pm = t[t.problem == "p_median"].set_index("p")
    mc = t[t.problem == "max_coverage"].set_index("p")
    assert pm.index.tolist() == list(range(1, 8))
    assert (np.diff(pm["mean_minutes"]) <= 1e-9).all()
    assert (np.diff(mc["population_within_45"]) >= -1e-9).all()
    everything = ga.evaluate(tt, areas, ga.Scenario.from_site_ids("All", tt.site_ids),
                             population="children", thresholds=[45]).summary.iloc[0]
    assert pm.loc[7, "mean_minutes"] == pytest.approx(everything["mean_minutes"])
    row = t[t.problem == "proposal"].iloc[0]
    assert row["p"] == 2 and row["mean_minutes"] >= pm.loc[2, "mean_minutes"] - 1e-9
    assert row["population_within_45"] <= mc.loc[2, "population_within_45"] + 1e-9
    ax = ga.plot_trade_off(t)
    assert ax.get_xlabel() == "Sites kept"
    assert len(ax.get_lines()) == 1 and len(ax.right_ax.get_lines()) == 1


def test_trade_off_reports_infeasible_p():
    tt, areas, _, _ = random_instance(3, n=20, m=5, nan_share=0.0)
    t = ga.trade_off(tt, areas, p_values=[1, 2, 3], problems=["p_median"],
                     zones={"S00": "a", "S01": "b", "S02": "b", "S03": "c", "S04": "c"})
    assert t["status"].tolist() == ["infeasible", "infeasible", "optimal"]


def test_equity_frontier_runs_from_efficient_to_equal():
    tt, areas, D, w = random_instance(8, n=80, m=12, nan_share=0.0)
    f = ga.equity_frontier(tt, areas, p=3, group="deprived", threshold_minutes=40, steps=5,
                           population="children")
    g = f["group_share_within_40"].to_numpy()
    overall = f["population_within_40"].to_numpy()
    assert (np.diff(g) >= -1e-9).all()
    assert (np.diff(overall) <= 1e-9).all()
    assert overall[0] == pytest.approx(ga.max_coverage(
        tt, areas, p=3, threshold_minutes=40, population="children").objective)
    best_group = ga.max_coverage(tt, areas.assign(
        children=np.where(areas.deprived, w, 0.0)), p=3, threshold_minutes=40,
        population="children").objective
    assert g[-1] == pytest.approx(best_group / w[areas.deprived].sum())
    assert ga.plot_frontier(f).get_ylabel() == "All children: % within 40 minutes"
    fm = ga.equity_frontier(tt, areas, p=3, group="deprived", measure="mean_minutes",
                            steps=3, population="children")
    assert (np.diff(fm["group_mean_minutes"]) <= 1e-7).all()
    assert (np.diff(fm["mean_minutes"]) >= -1e-7).all()


def test_proposal_vs_best_and_swaps():
    tt, areas, D, w = random_instance(6, n=40, m=8, nan_share=0.0)
    prop = ga.Scenario("Keep 0-2", {"S00": "hub", "S01": "centre", "S02": "outreach"})
    gap = ga.proposal_vs_best(tt, areas, prop, thresholds=[30, 60], population="children",
                              swaps=None)
    assert (gap.table["gain"] >= -1e-9).all()
    best60 = ga.max_coverage(tt, areas, p=3, threshold_minutes=60, population="children")
    assert gap.table.loc["population_within_60", "best"] == pytest.approx(best60.objective)
    # every swap, rescored with geoaccess.evaluate
    assert len(gap.swaps) == 3 * 5
    base = (w * nearest_of(D, [0, 1, 2])).sum() / w.sum()
    for _, row in gap.swaps.iterrows():
        cols = [0, 1, 2]
        cols[cols.index(int(row["close"][1:]))] = int(row["open"][1:])
        mean = (w * nearest_of(D, cols)).sum() / w.sum()
        assert row["change_mean_minutes"] == pytest.approx(mean - base)
    assert gap.swaps["change_mean_minutes"].is_monotonic_increasing
    swapped = gap.apply_swap(0)
    assert swapped.role_of(gap.swaps.iloc[0]["open"]) == prop.role_of(
        gap.swaps.iloc[0]["close"])
    assert "With the same 3 sites" in str(gap) or "shortest achievable" in str(gap)
    comp = ga.compare(gap.result, baseline=prop.name)
    assert set(comp.scenario_names) == {s.scenario.name for s in gap.best.values()}


# ============================================================================ Rutland
def test_rutland_keep_18_of_36(rutland_walk_tt, rutland_areas, rutland_sites):
    """Real walking matrix: the optimum evaluates to its objective, takes roles from the
    sites' kinds, and beats (or equals) every single swap of itself."""
    tt, areas, sites = rutland_walk_tt, rutland_areas, rutland_sites
    sol = ga.p_median(tt, areas, p=18, sites=sites)
    assert sol.status == "optimal" and len(sol.open_sites) == 18
    kinds = dict(zip(sites.site_id, sites.kind, strict=True))
    assert all(sol.scenario.role_of(s) == kinds[s] for s in sol.open_sites)
    r = ga.evaluate(tt, areas, sol.scenario)
    assert r.summary.loc[0, "mean_minutes"] == pytest.approx(sol.objective)
    gap = ga.proposal_vs_best(tt, areas, sol.scenario, thresholds=[15], swaps=None)
    assert (gap.swaps["change_mean_minutes"] >= -1e-9).all()
    assert gap.table.loc["mean_minutes", "gain"] == pytest.approx(0.0, abs=1e-9)


def test_rutland_wards_and_capacity(rutland_walk_tt, rutland_areas, rutland_sites):
    """One site per ward (sites placed in wards by their point): Oakham North East has no
    candidate venue, which is reported; exempting it, every other ward gets exactly one.
    Capacities (places × 2 children each) hold."""
    tt, areas, sites = rutland_walk_tt, rutland_areas, rutland_sites
    with pytest.raises(InfeasibleError, match="Oakham North East"):
        ga.p_median(tt, areas, p=15, sites=sites, zones="ward")
    import geopandas as gpd

    ward_of = gpd.sjoin(sites, areas[["ward", "geometry"]], predicate="within")
    ward_of = dict(zip(ward_of.site_id, ward_of.ward, strict=True))
    n_wards = len(set(ward_of.values()))
    sol = ga.p_median(tt, areas, p=n_wards, sites=sites, zones="ward", max_per_zone=1,
                      min_per_zone={"Oakham North East": 0}, role="hub")
    chosen = [ward_of[s] for s in sol.open_sites]
    assert len(chosen) == len(set(chosen)) == n_wards
    assert set(sol.scenario.roles.values()) == {"hub"}
    cap = ga.max_coverage(tt, areas, p=18, threshold_minutes=20, sites=sites, capacity=True,
                          capacity_scale=2.0)
    places = sites.set_index("site_id")["capacity"] * 2.0
    load = cap.allocation.groupby("site_id")["children_0_4"].sum()
    assert (load <= places.reindex(load.index) + 1e-6).all()
    assert cap.objective <= ga.max_coverage(tt, areas, p=18, threshold_minutes=20).objective


def test_rutland_mix_of_kinds(rutland_walk_tt, rutland_areas, rutland_sites):
    """Zones on the sites' kind fix the mix: 2 hubs, 10 centres and 3 outreach sites,
    each keeping its kind as its role."""
    mix = {"hub": 2, "centre": 10, "outreach": 3}
    sol = ga.p_median(rutland_walk_tt, rutland_areas, p=15, sites=rutland_sites,
                      zones="kind", min_per_zone=mix, max_per_zone=mix)
    assert sol.scenario.role_counts() == mix


def test_rutland_most_deprived_default_group(rutland_walk_tt, rutland_areas):
    """The default equity group is the most deprived deciles present (Rutland: 6-7)."""
    sol = ga.max_coverage(rutland_walk_tt, rutland_areas, p=12, threshold_minutes=20,
                          equity=Equity(threshold_minutes=20, margin=-0.05))
    dec = rutland_areas["imd_decile"].to_numpy()
    group = np.isin(dec, [6, 7])
    w = rutland_areas["children_0_4"].to_numpy(float)
    within = sol.areas["within_20"].to_numpy(bool)
    assert w[group & within].sum() / w[group].sum() >= \
        w[~group & within].sum() / w[~group].sum() - 0.05 - 1e-9
    assert "deciles 6–7" in sol.scenario.description


def test_charts_render_to_png(tmp_path):
    tt, areas, _, _ = random_instance(2, n=30, m=6, nan_share=0.0)
    t = ga.trade_off(tt, areas, threshold_minutes=45, population="children")
    ax = ga.plot_trade_off(t)
    out = tmp_path / "trade_off.png"
    ax.figure.savefig(out, dpi=60)
    assert out.stat().st_size > 5_000
    f = ga.equity_frontier(tt, areas, p=2, group="deprived", threshold_minutes=45,
                           population="children", steps=3)
    ax2 = ga.plot_frontier(f)
    ax2.figure.savefig(tmp_path / "frontier.png", dpi=60)
    assert ax2.get_title(loc="left").startswith("Efficiency against equity")
    import matplotlib.pyplot as plt

    plt.close("all")


# ============================================================================ vocabulary
def _same_solution(a, b):
    assert a.open_sites == b.open_sites
    assert a.objective == pytest.approx(b.objective)
    pd.testing.assert_frame_equal(a.areas, b.areas)


@pytest.mark.parametrize("fn, kw", [
    (ga.p_median, {"p": 2}),
    (ga.max_coverage, {"p": 2, "threshold_minutes": 60}),
    (ga.set_cover, {"threshold_minutes": 80}),
    (ga.p_center, {"p": 2}),
])
def test_population_series_is_deprecated_and_equals_the_column(fn, kw):
    tt, areas, _, _ = random_instance(21, n=12, m=5, nan_share=0.0)
    by_column = fn(tt, areas, population="children", method="exact", **kw)
    series = areas.set_index("area_id")["children"]
    with pytest.warns(FutureWarning, match="population='children'"):
        by_series = fn(tt, areas, population=series, method="exact", **kw)
    _same_solution(by_series, by_column)


def test_population_series_deprecated_in_trade_off_frontier_and_proposal():
    tt, areas, _, _ = random_instance(22, n=12, m=5, nan_share=0.0)
    series = areas.set_index("area_id")["children"]
    new = ga.trade_off(tt, areas, p_values=[2], threshold_minutes=60, population="children")
    with pytest.warns(FutureWarning, match="trade_off: population as a Series"):
        old = ga.trade_off(tt, areas, p_values=[2], threshold_minutes=60, population=series)
    pd.testing.assert_frame_equal(old.drop(columns="seconds"), new.drop(columns="seconds"))
    new = ga.equity_frontier(tt, areas, p=2, group="deprived", threshold_minutes=60, steps=2,
                             population="children")
    with pytest.warns(FutureWarning, match="equity_frontier"):
        old = ga.equity_frontier(tt, areas, p=2, group="deprived", threshold_minutes=60,
                                 steps=2, population=series)
    pd.testing.assert_frame_equal(old, new)
    prop = ga.Scenario("Two", {"S00": "hub", "S01": "hub"})
    new = ga.proposal_vs_best(tt, areas, prop, thresholds=[60], population="children")
    with pytest.warns(FutureWarning, match="proposal_vs_best"):
        old = ga.proposal_vs_best(tt, areas, prop, thresholds=[60], population=series)
    pd.testing.assert_frame_equal(old.table, new.table)
    pd.testing.assert_frame_equal(old.swaps, new.swaps)


def test_thresholds_one_number_is_a_list_and_text_is_refused():
    tt, areas, _, _ = random_instance(23, n=10, m=4, nan_share=0.0)
    prop = ga.Scenario("Two", {"S00": "hub", "S01": "hub"})
    listed = ga.proposal_vs_best(tt, areas, prop, thresholds=[45], population="children")
    single = ga.proposal_vs_best(tt, areas, prop, thresholds=45, population="children")
    assert single.thresholds == listed.thresholds == (45.0,)
    pd.testing.assert_frame_equal(single.table, listed.table)
    with pytest.raises(ga.InputError, match="thresholds must be numbers of minutes"):
        ga.proposal_vs_best(tt, areas, prop, thresholds="15", population="children")


def test_a_solution_goes_wherever_a_scenario_does():
    """A Solution stands for its scenario as the proposal, among the proposals of a
    trade-off, and as the sites to keep or close."""
    tt, areas, _, _ = random_instance(24, n=15, m=6, nan_share=0.0)
    sol = ga.max_coverage(tt, areas, p=2, threshold_minutes=60, population="children")
    by_sol = ga.proposal_vs_best(tt, areas, sol, thresholds=[60], population="children")
    by_scn = ga.proposal_vs_best(tt, areas, sol.scenario, thresholds=[60],
                                 population="children")
    assert by_sol.proposal is sol.scenario
    pd.testing.assert_frame_equal(by_sol.table, by_scn.table)
    t = ga.trade_off(tt, areas, p_values=[2], threshold_minutes=60, population="children",
                     proposals=sol)
    row = t[t.problem == "proposal"].iloc[0]
    assert row["scenario"] == sol.scenario.name
    assert row["population_within_60"] == pytest.approx(sol.objective)
    kept = ga.p_median(tt, areas, p=3, population="children", must_keep=sol)
    assert set(sol.open_sites) <= set(kept.open_sites)
    closed = ga.p_median(tt, areas, p=2, population="children", must_close=sol)
    assert not set(sol.open_sites) & set(closed.open_sites)


def test_constraints_object_equals_the_keywords_and_is_reusable():
    tt, areas, _, _ = random_instance(25, n=20, m=6, nan_share=0.0)
    zones = {"S00": "a", "S01": "a", "S02": "b", "S03": "b", "S04": "c", "S05": "c"}
    kw = {"must_keep": ["S01"], "must_close": ["S04"], "zones": zones, "max_per_zone": 1}
    constraints = ga.Constraints(**{**kw, "must_keep": iter(["S01"])})  # a generator, kept
    assert constraints.must_keep == ("S01",)
    for fn, extra in ((ga.p_median, {"p": 3}),
                      (ga.max_coverage, {"p": 3, "threshold_minutes": 60})):
        by_kw = fn(tt, areas, population="children", **kw, **extra)
        by_obj = fn(tt, areas, population="children", constraints=constraints, **extra)
        _same_solution(by_obj, by_kw)
        assert "S01" in by_obj.open_sites and "S04" not in by_obj.open_sites
    with pytest.raises(ga.InputError, match="not both.*must_close"):
        ga.p_median(tt, areas, p=3, constraints=constraints, must_close=["S05"])
    with pytest.raises(ga.InputError, match="set_cover takes no equity constraint"):
        ga.set_cover(tt, areas, constraints=ga.Constraints(
            equity=Equity(group="deprived", max_mean_minutes=30)))
    with pytest.raises(ga.InputError, match="constraints must be a geoaccess.Constraints"):
        ga.p_median(tt, areas, p=2, constraints={"must_keep": ["S01"]})


def test_old_name_rules_still_builds_constraints_with_a_warning():
    """``Rules`` is the old name of ``Constraints`` (``rules=`` of evaluate means access
    standards): it still works, is a Constraints, and warns at the caller's line."""
    with pytest.warns(FutureWarning, match="Rules is now geoaccess.Constraints") as rec:
        old = ga.Rules(must_keep=["S01"], must_close=("S04",))
    assert rec[0].filename == __file__
    assert isinstance(old, ga.Constraints)
    assert (old.must_keep, old.must_close) == (("S01",), ("S04",))
    # given to an optimiser that adjusts a copy (here the equity probe), no second warning
    tt, areas, _, _ = random_instance(27, n=12, m=6, nan_share=0.0)
    kw = {"p": 3, "group": "deprived", "threshold_minutes": 60, "steps": 2,
          "population": "children"}
    pd.testing.assert_frame_equal(
        ga.equity_frontier(tt, areas, constraints=old, **kw),
        ga.equity_frontier(tt, areas, must_keep=["S01"], must_close=["S04"], **kw))


_ALL_OPTIMISERS = [
    (ga.p_median, {"p": 3}),
    (ga.max_coverage, {"p": 3, "threshold_minutes": 60}),
    (ga.set_cover, {"threshold_minutes": 60}),
    (ga.p_center, {"p": 3}),
    (ga.trade_off, {"p_values": [3], "threshold_minutes": 60}),
    (ga.equity_frontier, {"p": 3, "group": "deprived", "threshold_minutes": 60, "steps": 2}),
    (ga.proposal_vs_best, {"proposal": ga.Scenario("Three", {"S00": "hub", "S01": "hub",
                                                             "S02": "hub"}),
                           "thresholds": [60]}),
]


def _comparable(out):
    """The part of an optimiser's answer that must not depend on how it was asked."""
    if isinstance(out, pd.DataFrame):
        return out.drop(columns=[c for c in ("seconds",) if c in out.columns])
    if isinstance(out, ga.ProposalGap):
        return out.table
    return pd.Series(out.open_sites)


@pytest.mark.parametrize("fn, kw", _ALL_OPTIMISERS, ids=lambda x: getattr(x, "__name__", ""))
def test_old_keyword_rules_warns_and_gives_what_constraints_gives(fn, kw):
    """``rules=`` is the old spelling of ``constraints=`` in every optimiser: the same
    answer (here with S05 closed, which every answer must then leave out), a FutureWarning
    naming the new keyword at the caller's line, and both at once refused."""
    tt, areas, _, _ = random_instance(26, n=14, m=6, nan_share=0.0)
    c = ga.Constraints(must_close=["S05"])
    new = fn(tt, areas, population="children", constraints=c, **kw)
    with pytest.warns(FutureWarning, match="rules= is now constraints=") as rec:
        old = fn(tt, areas, population="children", rules=c, **kw)
    assert rec[0].filename == __file__
    a, b = _comparable(old), _comparable(new)
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
        if "sites" in a.columns:
            assert not any("S05" in str(x).split(", ") for x in a["sites"])
    else:
        pd.testing.assert_series_equal(a, b)
        assert "S05" not in list(a)
    with pytest.raises(ga.InputError, match="constraints= only"):
        fn(tt, areas, population="children", constraints=c, rules=c, **kw)


@pytest.mark.parametrize("deciles, chosen, words", [
    ([1, 2, 5, 7], [1, 2], "the 20% most deprived areas of England (IMD deciles 1–2)"),
    ([4, 5, 6, 6], [4, 5],
     "the most deprived of the areas analysed, which nationally are in IMD deciles 4–5"),
    ([3, 3, 8, 8], [3],
     "the most deprived of the areas analysed, which nationally are in IMD decile 3"),
])
def test_default_equity_group_is_the_most_deprived(deciles, chosen, words):
    """The rule of geoaccess.equality: national deciles 1-2 when some areas are in them
    and some are not, else the two most deprived present (one when only two are)."""
    from geoaccess.optimise.equity import group_mask

    ids = pd.Index(["E1", "E2", "E3", "E4"], name="area_id")
    table = pd.DataFrame({"imd_decile": deciles}, index=ids)
    mask, label = group_mask(None, ids, table)
    assert mask.tolist() == [d in chosen for d in deciles]
    assert label == words
    with pytest.raises(ga.InputError, match="imd_decile.*E2"):
        group_mask(None, ids, table.assign(imd_decile=[1, 11, 3, 4]))
