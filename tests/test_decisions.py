"""The decisions councils take (issue 14): savings targets, roles, catchments, opening hours.

Each decision is checked on the bundled Rutland data as a stand-in for the council, and
the optimisers' answers are checked by brute force on small cases: every choice of sites
is scored independently here, with numpy, and the best compared with the solver's.
"""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess.errors import InputError
from geoaccess.optimise import InfeasibleError

matplotlib.use("Agg")


# ============================================================================ helpers
def random_case(seed: int, n: int = 12, m: int = 7, nan_share: float = 0.1):
    """Areas and sites in a square (minutes from distance, some NaN) and sites' costs."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 10_000, (n, 2))
    s = rng.uniform(0, 10_000, (m, 2))
    D = np.round(np.hypot(a[:, None, 0] - s[None, :, 0], a[:, None, 1] - s[None, :, 1])
                 / 80.0, 1)
    D[rng.random(D.shape) < nan_share] = np.nan
    w = np.round(rng.uniform(0, 120, n))
    ids = [f"E{i:02d}" for i in range(n)]
    sids = [f"S{j:02d}" for j in range(m)]
    tt = ga.TravelTimes.from_frame(pd.DataFrame(D, index=ids, columns=sids))
    areas = pd.DataFrame({"area_id": ids, "children": w})
    sites = pd.DataFrame({"site_id": sids, "kind": "centre",
                          "running_cost": np.round(rng.uniform(10, 60, m)) * 1000,
                          "closure_cost": np.round(rng.uniform(0, 10, m)) * 1000})
    return tt, areas, sites, D, w


def mean_minutes(D: np.ndarray, w: np.ndarray, cols) -> float:
    """Population-weighted mean minutes to the nearest of ``cols`` over the areas some
    site reaches; inf when such an area with people is left with no reachable site."""
    reach = np.isfinite(D).any(axis=1)
    cols = list(cols)
    sub = np.where(np.isnan(D[:, cols]), np.inf, D[:, cols]) if cols else \
        np.full((len(D), 1), np.inf)
    d = sub.min(axis=1)
    if (~np.isfinite(d) & reach & (w > 0)).any():
        return np.inf
    ok = reach & np.isfinite(d)
    return float((w[ok] * d[ok]).sum() / w[reach].sum())


def covered(D: np.ndarray, w: np.ndarray, cols, t: float) -> float:
    sub = np.where(np.isnan(D[:, list(cols)]), np.inf, D[:, list(cols)])
    return float(w[sub.min(axis=1) <= t].sum())


def subsets(m: int):
    for k in range(1, m + 1):
        yield from itertools.combinations(range(m), k)


def illustrative_costs(sites: pd.DataFrame) -> pd.DataFrame:
    """Rutland has no cost data: £1,000 a year per place (hub £60k, centre £30k, outreach
    £15k), and a one-off closure cost of £5,000 per site."""
    return sites.assign(running_cost=sites["capacity"] * 1000.0, closure_cost=5000.0)


# ============================================================================ costs
def test_read_sites_reads_money_and_refuses_it_as_capacity(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("site_id,lat,lon,kind,annual_cost,closing_cost,set_up_cost\n"
                    'A,52.67,-0.73,hub,"£52,000",1500,\n'
                    "B,52.58,-0.72,outreach,8000,,2500\n", encoding="utf-8")
    sites = ga.read_sites(path)
    assert sites["running_cost"].tolist() == [52_000.0, 8_000.0]
    assert sites["closure_cost"].tolist()[0] == 1500.0 and np.isnan(sites["closure_cost"][1])
    assert sites["opening_cost"].tolist()[1] == 2500.0
    assert "annual_cost" not in sites.columns          # read once, as running_cost
    with pytest.raises(InputError, match="holds money") as err:
        ga.read_sites(path, capacity_column="annual_cost")
    assert err.value.column == "annual_cost"
    path.write_text("site_id,lat,lon,running_cost\nA,52.67,-0.73,-5\n", encoding="utf-8")
    with pytest.raises(InputError, match="negative"):
        ga.read_sites(path)


def test_a_cost_column_is_not_a_capacity():
    tt, areas, sites, _, _ = random_case(0)
    with pytest.raises(InputError, match="cost in pounds, not a capacity"):
        ga.p_median(tt, areas, p=3, sites=sites, capacity="running_cost",
                    population="children")


def test_money_and_changes_hand_worked():
    """Today S1 (hub, £60k), S2 and S3 (centres, £30k and £25k) are open; S4 (£10k, opening
    £4k) is a new venue. Keep 2 of them with a saving of at least £40k (so at most £75k a
    year): S1+S2 costs £90k, too much; S1+S3 £85k, too much; S2+S3 £55k; S1+S4 £70k;
    S2+S4 £40k; S3+S4 £35k. Children (100 each) to the nearest::

              S1  S2  S3  S4
          E1   2   9   9   8
          E2   9   3   9   4
          E3   9   9   2   6

    S2+S3: 9+3+2 = 14; S1+S4: 2+4+6 = 12; S2+S4: 8+3+6 = 17; S3+S4: 8+4+2 = 14. Best S1+S4:
    running £70k, saving £115k - £70k = £45k, one-off: closing S2 (£3k) and S3 (£2k),
    opening S4 (£4k) = £9k. S1 stays a hub; S4 takes the role asked for (outreach)."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [2.0, 9, 9], "S2": [9.0, 3, 9], "S3": [9.0, 9, 2], "S4": [8.0, 4, 6]},
        index=["E1", "E2", "E3"]))
    areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 100, 100]})
    sites = pd.DataFrame({"site_id": ["S1", "S2", "S3", "S4"],
                          "name": ["Hub", "Centre A", "Centre B", "Hall"],
                          "kind": ["hub", "centre", "centre", "outreach"],
                          "running_cost": [60_000.0, 30_000, 25_000, 10_000],
                          "closure_cost": [9_000.0, 3_000, 2_000, 0],
                          "opening_cost": [0.0, 0, 0, 4_000]})
    today = ga.Scenario.from_sites(sites, kinds=["hub", "centre"])
    sol = ga.p_median(tt, areas, p=2, population="children", sites=sites, current=today,
                      min_saving=40_000, role="outreach")
    assert sorted(sol.open_sites) == ["S1", "S4"]
    assert sol.objective == pytest.approx(4.0)
    assert (sol.running_cost, sol.saving, sol.one_off_costs) == (70_000.0, 45_000.0, 9_000.0)
    assert sol.scenario.roles == {"S1": "hub", "S4": "outreach"}
    ch = sol.changes
    assert ch["change"].to_dict() == {"S1": "kept", "S4": "added", "S2": "closed",
                                      "S3": "closed"}
    assert ch.loc["S2", "role_before"] == "centre" and ch.loc["S2", "role_after"] == "closed"
    assert ch.loc["S4", "name"] == "Hall" and ch.loc["S4", "one_off_cost"] == 4_000.0
    assert (sol.kept, sol.added, sol.closed) == (["S1"], ["S4"], ["S2", "S3"])
    assert "saving 45,000 a year" in repr(sol)
    # the same constraints as one Constraints object
    constraints = ga.Constraints(sites=sites, current=today, min_saving=40_000,
                                 role="outreach")
    same = ga.p_median(tt, areas, p=2, population="children", constraints=constraints)
    assert same.scenario.roles == sol.scenario.roles and same.saving == sol.saving
    with pytest.raises(InputError, match="sum of money"):
        ga.Constraints(budget=-5)
    # a budget of £40k leaves S2+S4 (17) and S3+S4 (14): S3+S4
    within = ga.p_median(tt, areas, p=2, population="children", sites=sites, current=today,
                         budget=40_000)
    assert sorted(within.open_sites) == ["S3", "S4"] and within.running_cost == 35_000.0
    with pytest.raises(InfeasibleError, match="must-keep sites alone cost"):
        ga.p_median(tt, areas, p=2, sites=sites, current=today, budget=40_000,
                    must_keep=["S1"])


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_least_access_lost_for_a_saving_matches_brute_force(seed):
    """p_median with min_saving and no p: the smallest mean over every choice of sites
    (any number) costing at most today's cost minus the saving, and of those the dearest;
    max_coverage with a budget likewise, on people within 40 minutes."""
    tt, areas, sites, D, w = random_case(seed)
    cost = sites["running_cost"].to_numpy()
    today = float(cost.sum())                       # today every site is open
    saving = 0.45 * today
    sol = ga.p_median(tt, areas, population="children", sites=sites, min_saving=saving,
                      method="exact")
    scored = [(mean_minutes(D, w, c), cost[list(c)].sum()) for c in subsets(D.shape[1])
              if cost[list(c)].sum() <= today - saving]
    best = min(m for m, _ in scored)
    assert sol.objective == pytest.approx(best, rel=1e-9)
    # among equally good choices, the one keeping most running: no closure beyond need
    assert sol.running_cost == pytest.approx(max(k for m, k in scored if m <= best + 1e-9))
    assert sol.saving >= saving - 1e-6
    assert sol.saving == pytest.approx(today - cost[[int(s[1:]) for s in sol.open_sites]].sum())
    budget = 0.3 * today
    cov = ga.max_coverage(tt, areas, threshold_minutes=40, population="children",
                          sites=sites, budget=budget)
    best_cov = max(covered(D, w, c, 40) for c in subsets(D.shape[1])
                   if cost[list(c)].sum() <= budget)
    assert cov.objective == pytest.approx(best_cov)
    assert cov.running_cost <= budget


def test_cost_frontier_matches_brute_force():
    """For each budget: the best mean over every choice within it, then the cheapest of
    the choices giving that mean; a budget below the cheapest site is infeasible."""
    tt, areas, sites, D, w = random_case(7, n=10, m=6, nan_share=0.0)
    cost = sites["running_cost"].to_numpy()
    budgets = [float(cost.min()) - 1.0, float(np.median(cost)), 0.5 * cost.sum(),
               float(cost.sum())]
    f = ga.cost_frontier(tt, areas, population="children", sites=sites, budgets=budgets)
    rows = f[f["problem"] == "p_median"].set_index("budget")
    assert rows.loc[budgets[0], "status"] == "infeasible"
    for b in budgets[1:]:
        scored = [(mean_minutes(D, w, c), cost[list(c)].sum()) for c in subsets(6)
                  if cost[list(c)].sum() <= b]
        best = min(m for m, _ in scored)
        cheapest = min(k for m, k in scored if m <= best + 1e-9)
        assert rows.loc[b, "mean_minutes"] == pytest.approx(best, rel=1e-9)
        assert rows.loc[b, "running_cost"] == pytest.approx(cheapest)
        assert rows.loc[b, "saving"] == pytest.approx(cost.sum() - cheapest)
    cur = f[f["problem"] == "current"].iloc[0]
    assert cur["running_cost"] == pytest.approx(cost.sum()) and cur["saving"] == 0
    assert cur["mean_minutes"] == pytest.approx(mean_minutes(D, w, range(6)))
    # default budgets run from the cheapest allowed to everything open, monotone access
    g = ga.cost_frontier(tt, areas, population="children", sites=sites, steps=5)
    g = g[g["problem"] == "p_median"]
    assert g["budget"].iloc[0] == pytest.approx(cost.min())
    assert g["budget"].iloc[-1] == pytest.approx(cost.sum())
    assert (np.diff(g["mean_minutes"].to_numpy()) <= 1e-9).all()
    ax = ga.plot_cost_frontier(f)
    assert ax.get_xlabel().startswith("Running cost")
    with pytest.raises(InputError, match="running cost"):
        ga.cost_frontier(tt, areas, population="children", sites=sites.drop(
            columns="running_cost"))
    # the constraints as one object; rules= is their old keyword (FutureWarning)
    by_obj = ga.cost_frontier(tt, areas, population="children", budgets=budgets,
                              constraints=ga.Constraints(sites=sites))
    pd.testing.assert_frame_equal(by_obj.drop(columns="seconds"), f.drop(columns="seconds"))
    with pytest.warns(FutureWarning, match="rules= is now constraints=") as rec:
        by_old = ga.cost_frontier(tt, areas, population="children", budgets=budgets,
                                  rules=ga.Constraints(sites=sites))
    assert rec[0].filename == __file__
    pd.testing.assert_frame_equal(by_old.drop(columns="seconds"), f.drop(columns="seconds"))


def test_rotherham_save_150k_on_rutland(rutland_walk_tt, rutland_areas, rutland_sites):
    """Rotherham closed buildings to save £150k. On Rutland (a stand-in, with illustrative
    costs of £1,000 a year per place): the least access lost for a saving of at least
    £150k. Checked: the saving holds, the mean is the one evaluate() gives the chosen
    scenario, every site kept keeps its role, and no single change (closing one more
    site, or swapping a closed site for a kept one) that still saves £150k is better."""
    tt, areas = rutland_walk_tt, rutland_areas
    sites = illustrative_costs(rutland_sites)
    sol = ga.p_median(tt, areas, sites=sites, min_saving=150_000)
    cost = sites.set_index("site_id")["running_cost"]
    today = cost.sum()
    assert sol.saving >= 150_000 and sol.saving == pytest.approx(
        today - cost[sol.open_sites].sum())
    assert sol.one_off_costs == pytest.approx(5000.0 * len(sol.closed))
    kind = sites.set_index("site_id")["kind"]
    assert all(sol.scenario.role_of(s) == kind[s] for s in sol.open_sites)
    res = ga.evaluate(tt, areas, sol.scenario)
    assert res.summary.loc[0, "mean_minutes"] == pytest.approx(sol.objective, rel=1e-9)
    # independent local check: every single drop or swap within the saving is no better
    ids = np.array([str(x) for x in tt.site_ids])
    D = tt.minutes.reindex(areas["area_id"]).to_numpy(float)
    w = areas["children_0_4"].to_numpy(float)
    base = np.isin(ids, sol.open_sites)
    assert mean_minutes(D, w, np.nonzero(base)[0]) == pytest.approx(sol.objective)
    tried = 0
    for i in np.nonzero(base)[0]:
        for j in [None, *np.nonzero(~base)[0]]:
            trial = base.copy()
            trial[i] = False
            if j is not None:
                trial[j] = True
            if today - cost[ids[trial]].sum() < 150_000:
                continue
            tried += 1
            assert mean_minutes(D, w, np.nonzero(trial)[0]) >= sol.objective - 1e-9
    assert tried > 100


def test_kept_hubs_stay_hubs_and_added_sites_take_the_role_asked():
    """Today: hub S1, centre S2. Candidates S3, S4 (venues of kind 'outreach' in the
    table). Keep 3 with role='base' for sites added: S1 stays a hub, S2 a centre."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [1.0, 9, 9, 9], "S2": [9.0, 1, 9, 9], "S3": [9.0, 9, 1, 9],
         "S4": [9.0, 9, 9, 2]}, index=["E1", "E2", "E3", "E4"]))
    sites = pd.DataFrame({"site_id": ["S1", "S2", "S3", "S4"],
                          "kind": ["hub", "centre", "outreach", "outreach"]})
    today = ga.Scenario("Today", {"S1": "hub", "S2": "centre"},
                        sessions_per_week={"S1": 10})
    sol = ga.p_median(tt, p=3, sites=sites, current=today, role="base")
    assert sol.scenario.roles == {"S1": "hub", "S2": "centre", "S3": "base"}
    assert sol.scenario.sessions_per_week == {"S1": 10.0}
    assert sol.changes["change"].to_dict() == {"S1": "kept", "S2": "kept", "S3": "added"}
    # without current, the sites table is today: every chosen site in its kind
    sol2 = ga.p_median(tt, p=3, sites=sites)
    assert sol2.scenario.roles == {"S1": "hub", "S2": "centre", "S3": "outreach"}
    assert sol2.closed == ["S4"]
    # the solution's scenario is the result's: evaluate draws the same roles
    res = ga.evaluate(tt, None, sol)
    assert res.scenarios[sol.scenario.name].roles == sol.scenario.roles


# ============================================================================ catchments
def _site_wards(sites, areas) -> dict[str, str]:
    import geopandas as gpd

    joined = gpd.sjoin(sites[["site_id", "geometry"]], areas[["ward", "geometry"]],
                       predicate="within")
    return dict(zip(joined["site_id"], joined["ward"], strict=True))


def test_wakefield_one_hub_per_ward_used_by_its_families(rutland_walk_tt, rutland_areas,
                                                         rutland_sites):
    """Wakefield: one hub per locality, families use their own locality's hub. With the
    own-zone rule the best choice splits by ward: in each ward the site with the fewest
    child-minutes to that ward's areas (found here ward by ward, by brute force). Oakham
    North East has no candidate venue: its areas are reported, never dropped."""
    tt, areas, sites = rutland_walk_tt, rutland_areas, rutland_sites
    sol = ga.p_median(tt, areas, sites=sites, zones="ward", catchment="zone",
                      min_per_zone={"Oakham North East": 0}, max_per_zone=1, role="hub")
    ward_of = _site_wards(sites, areas)
    D = tt.minutes.reindex(areas["area_id"]).to_numpy(float)
    w = areas["children_0_4"].to_numpy(float)
    ids = [str(s) for s in tt.site_ids]
    total, chosen = 0.0, {}
    for ward in sorted(set(ward_of.values())):
        rows = (areas["ward"] == ward).to_numpy()
        options = {}
        for j, s in enumerate(ids):
            if ward_of.get(s) != ward:
                continue
            t = D[rows, j]
            if np.isnan(t[w[rows] > 0]).any():
                continue                    # must serve every child of its ward
            options[s] = float(np.nansum(w[rows] * t))
        best = min(options.values())
        chosen[ward] = {s for s, v in options.items() if v <= best + 1e-9}
        total += best
    served = ~(areas["ward"] == "Oakham North East").to_numpy()
    assert sol.objective == pytest.approx(total / w[served].sum(), rel=1e-9)
    assert all(s in chosen[ward_of[s]] for s in sol.open_sites)
    assert len(sol.open_sites) == len(chosen)
    assert set(sol.scenario.roles.values()) == {"hub"}
    assert sol.scenario.catchment == "zone" and sol.scenario.zone_column == "ward"
    assert sol.scenario.site_zones == {s: ward_of[s] for s in sol.open_sites}
    lost = sol.areas.loc[~served]
    assert lost["minutes"].isna().all()
    assert lost["reason"].str.contains("no candidate site in its ward").all()
    assert sol.areas.loc[served, "site_id"].map(ward_of).tolist() == \
        areas.loc[served, "ward"].tolist()


def test_wakefield_own_zone_times_never_beat_any_zone_times(rutland_walk_tt, rutland_areas,
                                                            rutland_sites):
    """The council's locality hubs (the 'Locality hubs' column of the bundled scenarios)
    with families using their own ward's hub: every area's time is at least its time to
    the nearest hub of any ward, equal where its nearest hub is in its own ward, and
    missing (with the reason) in wards without a hub. The map draws every open hub as
    open."""
    tt, areas, sites = rutland_walk_tt, rutland_areas, rutland_sites
    table = ga.read_scenarios(ga.datasets.get_path("rutland-scenarios"), sites,
                              scenarios=["Locality hubs"])
    hubs = table[0]
    own = hubs.modified("Own ward's hub", catchment="zone", zone_column="ward")
    res = ga.evaluate(tt, areas, [hubs, own], sites=sites, thresholds=[15, 30])
    anyz = res["Locality hubs"].reindex(areas["area_id"])
    ownz = res["Own ward's hub"].reindex(areas["area_id"])
    both = anyz["nearest_minutes"].notna() & ownz["nearest_minutes"].notna()
    assert both.sum() >= 10
    assert (ownz.loc[both, "nearest_minutes"] >= anyz.loc[both, "nearest_minutes"] - 1e-9).all()
    ward_of = _site_wards(sites, areas)
    same = both & (anyz["nearest_site"].map(ward_of).to_numpy() == areas["ward"].to_numpy())
    assert np.allclose(ownz.loc[same, "nearest_minutes"], anyz.loc[same, "nearest_minutes"])
    # independent: each area's minimum over open hubs of its own ward
    D = tt.minutes.reindex(index=areas["area_id"])
    for area, ward in zip(areas["area_id"], areas["ward"], strict=True):
        mine = [s for s in hubs.open_sites if ward_of.get(s) == ward]
        got = ownz.loc[area, "nearest_minutes"]
        if mine:
            assert got == pytest.approx(D.loc[area, mine].min())
        else:
            assert np.isnan(got)
            assert ownz.loc[area, "reason"] == f"no open site in its ward {ward!r}"
    s = res.summary.set_index("scenario")
    for t in (15, 30):     # shares are over everyone: the rule can only lower them
        assert s.loc["Own ward's hub", f"share_within_{t}"] <= \
            s.loc["Locality hubs", f"share_within_{t}"]
    # the map: every hub open in the scenario is drawn as an open hub
    import matplotlib.pyplot as plt

    ax = ga.plot_minutes(res, areas, "Own ward's hub", sites=sites)

    def drawn(role: str) -> int:   # co-located sites are drawn one by one, spread apart
        return sum(len(c.get_offsets()) for c in ax.collections
                   if c.get_gid() == f"sites:{role}")

    assert drawn("hub") == len(hubs.open_sites) == 7
    assert drawn("closed") == len(sites) - 7
    # minutes given as a Series with the scenario itself: its sites are drawn too
    ax = ga.plot_minutes(ownz["nearest_minutes"], areas, own, sites=sites)
    assert drawn("hub") == 7 and drawn("closed") == len(sites) - 7
    plt.close("all")


def test_an_allocation_table_fixes_each_area_s_site(rutland_walk_tt, rutland_areas,
                                                     rutland_sites):
    """An area → site table: each area's time is to its allocated site (even when another
    open site is nearer); an area whose site is closed, or that has none, says so."""
    tt, areas = rutland_walk_tt, rutland_areas
    ids = areas["area_id"].tolist()
    alloc = pd.DataFrame({"area_id": ids[:-1], "site_id": ["S02"] * 10 + ["S04"] * 15})
    scen = ga.Scenario("Allocated", {"S02": "hub", "S04": "hub", "S07": "centre"},
                       catchment=alloc)
    res = ga.evaluate(tt, areas, scen, thresholds=[15])["Allocated"].reindex(ids)
    D = tt.minutes.reindex(index=ids)
    for area, site in zip(alloc["area_id"], alloc["site_id"], strict=True):
        assert res.loc[area, "nearest_minutes"] == pytest.approx(D.loc[area, site])
        assert res.loc[area, "nearest_site"] == site
    assert np.isnan(res.loc[ids[-1], "nearest_minutes"])
    assert res.loc[ids[-1], "reason"] == "no site allocated to the area (catchment rule)"
    closed = scen.modified("S04 closed", close=["S04"])
    res2 = ga.evaluate(tt, areas, closed, thresholds=[15])["S04 closed"]
    assert (res2.loc[ids[10:25], "reason"] == "its allocated site S04 is closed").all()
    with pytest.raises(InputError, match="more than one site"):
        ga.Scenario("Bad", {"S02": "hub"}, catchment=pd.DataFrame(
            {"area_id": ["E1", "E1"], "site_id": ["S02", "S04"]}))


def test_own_zone_rule_with_homes_as_origins():
    """Homes as origins: h1 and h2 (half of E1's children each, ward W1), h3 (E2, W2);
    S1 stands in W1, S2 in W2 (S1 opens 10 sessions a week, S2 4)::

              S1   S2
        h1    10    4      nearest anywhere: E1 = (4 + 6) / 2 = 5, E2 = 3
        h2     6   20      own ward:         E1 = (10 + 6) / 2 = 8, E2 = 9
        h3     3    9

    The hours of what E1's families reach: h1's nearest is S2 (4), h2's S1 (10): 7."""
    origins = pd.DataFrame({"area_id": ["E1", "E1", "E2"], "weight": [1.0, 1.0, 1.0]},
                           index=["h1", "h2", "h3"])
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [10.0, 6, 3], "S2": [4.0, 20, 9]}, index=["h1", "h2", "h3"]),
        origins=origins)
    areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [40.0, 10], "ward": ["W1", "W2"]})
    sites = pd.DataFrame({"site_id": ["S1", "S2"], "ward": ["W1", "W2"],
                          "sessions_per_week": [10.0, 4]})
    anyz = ga.Scenario("Any", {"S1": "hub", "S2": "outreach"})
    own = anyz.modified("Own", catchment="zone", zone_column="ward")
    r = ga.evaluate(tt, areas, [anyz, own], population="children", thresholds=[7],
                    sites=sites, measures={"sessions": True})
    assert r["Any"]["nearest_minutes"].tolist() == [5.0, 3.0]
    assert r["Own"]["nearest_minutes"].tolist() == [8.0, 9.0]
    assert r["Any"]["share_within_7"].tolist() == [1.0, 1.0]
    assert r["Own"]["share_within_7"].tolist() == [0.5, 0.0]
    assert r["Any"].loc["E1", "nearest_sessions"] == pytest.approx(7.0)
    assert r["Own"].loc["E1", "nearest_sessions"] == pytest.approx(10.0)
    assert r["Own"]["sessions_within_7"].tolist() == [5.0, 0.0]   # h2 only: S1's 10 / 2
    assert r["Own"]["nearest_role"].tolist() == ["hub", "outreach"]
    assert r.origins.query("scenario == 'Own'")["nearest_site"].tolist() == ["S1", "S1", "S2"]
    closed = own.modified("Own, S2 closed", close=["S2"])
    e2 = ga.evaluate(tt, areas, closed, population="children", sites=sites)["Own, S2 closed"]
    assert np.isnan(e2.loc["E2", "nearest_minutes"])
    assert e2.loc["E2", "reason"] == "no open site in its ward 'W2'"


# ============================================================================ hours
def _oxfordshire_hub_halved():
    """Matrix, sites and scenarios of the Oxfordshire case: a hub S1 (capacity 60, 10
    sessions a week) and a centre S2 (30, 6 sessions); "Hub half time" cuts S1 to 5."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [5.0, 10, 30], "S2": [20.0, 12, 8]}, index=["E1", "E2", "E3"]))
    sites = pd.DataFrame({"site_id": ["S1", "S2"], "kind": ["hub", "centre"],
                          "capacity": [60.0, 30], "sessions_per_week": [10.0, 6]})
    now = ga.Scenario.from_sites(sites, "Now")
    half = now.modified("Hub half time", sessions_per_week={"S1": 5})
    return tt, sites, now, half


def test_oxfordshire_halving_hours_changes_sessions_and_supply_by_hand():
    """A hub S1 (60 places, 10 sessions) and a centre S2 (30 places, 6 sessions);
    children 100, 300, 100; 15-minute catchments::

              S1   S2
        E1     5   20     sessions within 15: 10        -> halved hub: 5
        E2    10   12                          10 + 6 = 16 ->  5 + 6 = 11
        E3    30    8                          6          ->  6

    2SFCA (per child): supply S1 = 60 × 10/10 = 60, S2 = 30 × 6/10 = 18; demand within
    15 minutes: S1 (E1, E2) 400, S2 (E2, E3) 400; R1 = 0.15, R2 = 0.045:
    A = [0.15, 0.195, 0.045]. The hub at 5 sessions supplies 30: R1 = 0.075 and
    A = [0.075, 0.12, 0.045]: E1 and E2 lose 0.075 places per child, though no journey
    changes. "A site open at least 8 sessions within 15 minutes": E1, E2 before; none
    after. Gravity with supply (exponential, beta 0.1) falls by 30 × e^(-0.5) in E1."""
    tt, sites, now, half = _oxfordshire_hub_halved()
    areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 100]})
    r = ga.evaluate(tt, areas, [now, half], population="children", thresholds=[15],
                    sites=sites, rules={"eight": "a site open at least 8 sessions within 15"},
                    measures={"sessions": True, "two_step_fca": {"threshold_minutes": 15,
                                                                 "per": 1},
                              "gravity": {"capacity": True}})
    a, b = r["Now"], r["Hub half time"]
    assert a["sessions_within_15"].tolist() == [10.0, 16.0, 6.0]
    assert b["sessions_within_15"].tolist() == [5.0, 11.0, 6.0]
    np.testing.assert_allclose(a["two_step_fca"], [0.15, 0.195, 0.045])
    np.testing.assert_allclose(b["two_step_fca"], [0.075, 0.12, 0.045])
    assert a["eight"].tolist() == [True, True, False]
    assert b["eight"].tolist() == [False, False, False]
    assert a.loc["E1", "gravity"] - b.loc["E1", "gravity"] == pytest.approx(
        30 * np.exp(-0.5))
    assert a["nearest_minutes"].tolist() == b["nearest_minutes"].tolist()
    assert (a["nearest_role"].tolist(), a["nearest_sessions"].tolist()) == (
        ["hub", "hub", "centre"], [10.0, 10.0, 6.0])
    assert b["nearest_sessions"].tolist() == [5.0, 5.0, 6.0]
    # the measures one by one give the same
    assert ga.sessions_within(tt, half, thresholds=15)["sessions_within_15"].tolist() == \
        [5.0, 11.0, 6.0]
    assert ga.measures.site_supply(half, sites=sites).to_dict() == {"S1": 30.0, "S2": 18.0}


def test_summary_and_breakdown_cover_rules_2sfca_gravity_and_hours():
    """The Oxfordshire case of the test above, summarised over children (100, 300, 100):
    the standard is met by 400 (0.8) now and none at half time; 2SFCA mean (100 × 0.15
    + 300 × 0.195 + 100 × 0.045) / 500 = 0.156 now, (7.5 + 36 + 4.5) / 500 = 0.096 at
    half time; sessions within 15 minutes (1,000 + 4,800 + 600) / 500 = 12.8 and (500 +
    3,300 + 600) / 500 = 8.8. By group (E1, E2 in 'north', E3 in 'south'): north's
    2SFCA now (15 + 58.5) / 400 = 0.18375, its standard met by all, south's by none."""
    tt, sites, now, half = _oxfordshire_hub_halved()
    areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 100],
                          "locality": ["north", "north", "south"]})
    r = ga.evaluate(tt, areas, [now, half], population="children", thresholds=[15],
                    sites=sites, rules={"eight": "a site open at least 8 sessions within 15"},
                    measures={"sessions": True, "gravity": True,
                              "two_step_fca": {"threshold_minutes": 15, "per": 1}})
    s = r.summary.set_index("scenario")
    assert s.loc["Now", ["population_eight", "share_eight"]].tolist() == [400.0, 0.8]
    assert s.loc["Hub half time", "share_eight"] == 0.0
    assert s["mean_two_step_fca"].tolist() == pytest.approx([0.156, 0.096])
    assert s["mean_sessions_within_15"].tolist() == pytest.approx([12.8, 8.8])
    g = r["Now"]["gravity"].to_numpy()
    assert s.loc["Now", "mean_gravity"] == pytest.approx((100 * g[0] + 300 * g[1]
                                                          + 100 * g[2]) / 500)
    b = ga.breakdown(r, areas, by="locality").set_index(["scenario", "locality"])
    assert b.loc[("Now", "north"), "mean_two_step_fca"] == pytest.approx(0.18375)
    assert b.loc[("Now", "north"), "share_eight"] == 1.0
    assert b.loc[("Now", "south"), "share_eight"] == 0.0
    assert b.loc[("Now", "All areas"), "mean_two_step_fca"] == pytest.approx(0.156)
    assert b.loc[("Hub half time", "north"), "mean_sessions_within_15"] == pytest.approx(
        (500 + 3300) / 400)


def test_findings_name_the_role_and_hours_of_what_families_reach():
    """At half time the hub S1 is the nearest site within 15 minutes for E1 and E2 (400
    of 500 children), open 5 sessions; the centre S2 for E3 (100), open 6."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [5.0, 10, 30], "S2": [20.0, 12, 8]}, index=["E1", "E2", "E3"]), mode="walk")
    areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children_0_4": [100.0, 300, 100],
                          "imd_decile": [6, 7, 8]})
    sites = pd.DataFrame({"site_id": ["S1", "S2"], "kind": ["hub", "centre"],
                          "sessions_per_week": [10.0, 6]})
    now = ga.Scenario.from_sites(sites, "Now")
    half = now.modified("Hub half time", sessions_per_week={"S1": 5})
    r = ga.evaluate(tt, areas, [now, half], population="children_0_4", thresholds=[15],
                    sites=sites, measures={"sessions": True})
    text = ga.findings(ga.compare(r), areas, service="a centre").for_scenario("Hub half time")
    assert ("Under Hub half time, of the children aged 0–4 with an open site within 15 "
            "minutes' walk, the nearest is a hub (open 5 sessions a week on average) for "
            "80% and a centre (open 6 sessions a week on average) for 20%.") in text


def test_optimisers_see_every_home():
    """A matrix whose rows are homes: each home carries its share of its area's children
    (h1, h2 20 each; h3 10). S1: 20*10 + 20*6 + 10*3 = 350; S2: 20*4 + 20*20 + 10*9 = 570."""
    origins = pd.DataFrame({"area_id": ["E1", "E1", "E2"], "weight": [1.0, 1.0, 1.0]},
                           index=["h1", "h2", "h3"])
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [10.0, 6, 3], "S2": [4.0, 20, 9]}, index=["h1", "h2", "h3"]), origins=origins)
    areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [40.0, 10]})
    homes = ga.p_median(tt, areas, p=1, population="children")
    assert homes.open_sites == ["S1"] and homes.objective == pytest.approx(350 / 50)
    # area view: E1 to S1 (10 + 6) / 2 = 8, to S2 12; E2 3 and 9: S1 is best
    best = ga.p_median(tt.area_view(), areas, p=1, population="children")
    assert best.open_sites == ["S1"] and best.objective == pytest.approx((40 * 8 + 10 * 3) / 50)
