"""Access measures: hand-worked examples, PySAL ``access`` and plain-loop cross-checks."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import geoaccess as ga
from geoaccess import measures as m
from geoaccess._kernels._numba import HAVE_NUMBA
from geoaccess.errors import InputError
from geoaccess.measures import AccessRule, NearestIndex
from geoaccess.measures import many as measures_many


def matrix(data: dict, index: list[str]) -> ga.TravelTimes:
    return ga.TravelTimes.from_frame(pd.DataFrame(data, index=index))


def table(children, ids=None) -> pd.DataFrame:
    """An areas table: ``area_id`` (E1, E2, ... unless given) and ``children``."""
    children = list(children)
    ids = ids if ids is not None else [f"E{i + 1}" for i in range(len(children))]
    return pd.DataFrame({"area_id": ids, "children": children})


@pytest.fixture
def tt3() -> ga.TravelTimes:
    """Three areas, three sites; E3 has no time to S1; S2/S3 tie for E2::

             S1    S2    S3
        E1  5.0  12.0  30.0
        E2 25.0   8.0   8.0
        E3  NaN  40.0  16.0
    """
    return matrix({"S1": [5.0, 25.0, np.nan], "S2": [12.0, 8.0, 40.0],
                   "S3": [30.0, 8.0, 16.0]}, ["E1", "E2", "E3"])


# ------------------------------------------------------------------------- nearest
def test_nearest_hand_worked(tt3):
    """All open: E1 min(5, 12, 30) = 5 at S1; E2 min(25, 8, 8) = 8, tie S2/S3 -> S2
    (first column); E3 min(NaN, 40, 16) = 16 at S3."""
    s = ga.Scenario("all", {"S1": "hub", "S2": "centre", "S3": "outreach"})
    r = ga.nearest(tt3, s)
    assert list(r.index) == ["E1", "E2", "E3"]
    assert r.index.name == "area_id"
    assert r["nearest_minutes"].tolist() == [5.0, 8.0, 16.0]
    assert r["nearest_site"].tolist() == ["S1", "S2", "S3"]
    assert r["reason"].isna().all()


def test_nearest_roles_and_reasons(tt3):
    """Only S1 open: E3 has no time to S1 -> NaN with the matrix's pair reason.
    roles="centre": only S2 counts -> E1 12, E2 8, E3 40. A role nobody has -> all NaN
    with 'no open site with role base'."""
    only1 = ga.nearest(tt3, ga.Scenario("S1", {"S1": "hub"}))
    assert only1["nearest_minutes"].tolist()[:2] == [5.0, 25.0]
    assert math.isnan(only1.loc["E3", "nearest_minutes"])
    assert pd.isna(only1.loc["E3", "nearest_site"])
    assert "no time in the supplied matrix" in only1.loc["E3", "reason"]
    s = ga.Scenario("mix", {"S1": "hub", "S2": "centre", "S3": "outreach"})
    assert ga.nearest(tt3, s, roles="centre")["nearest_minutes"].tolist() == [12.0, 8.0, 40.0]
    none = ga.nearest(tt3, s, roles=["base"])
    assert none["nearest_minutes"].isna().all()
    assert none["reason"].str.contains("no open site with role base").all()


def test_nearest_area_and_site_reasons():
    """An area whose origin is off the network keeps its own reason; an open site with a
    site-level reason explains NaNs when it is the only open site."""
    minutes = pd.DataFrame({"S1": [4.0, np.nan], "S2": [np.nan, np.nan]},
                           index=pd.Index(["E1", "E2"], name="area_id"))
    tt = ga.TravelTimes(minutes,
                        area_reason=pd.Series([pd.NA, "area origin is 900 m from the network"],
                                              index=minutes.index, dtype="object"),
                        site_reason=pd.Series([pd.NA, "site is 700 m from the network"],
                                              index=minutes.columns, dtype="object"))
    r = ga.nearest(tt, ga.Scenario("both", {"S1": "hub", "S2": "hub"}))
    assert r.loc["E2", "reason"] == "area origin is 900 m from the network"
    r2 = ga.nearest(tt, ga.Scenario("S2 only", {"S2": "hub"}))
    assert "S2: site is 700 m from the network" in r2.loc["E1", "reason"]


def test_nearest_unknown_site_is_an_error(tt3):
    with pytest.raises(InputError, match="not in the travel-time matrix") as err:
        ga.nearest(tt3, ga.Scenario("bad", {"S9": "hub"}))
    assert err.value.rows == ["S9"]


# -------------------------------------------------------------------------- within
def test_within_hand_worked(tt3):
    """S1 and S3 open, thresholds 10 and 20:
    E1: S1 5 (<=10), S3 30 -> within_10 1 site, within_20 1 site;
    E2: S1 25, S3 8 -> 1 and 1; E3: S1 NaN, S3 16 -> 0 and 1."""
    w = ga.within(tt3, ga.Scenario("A", {"S1": "hub", "S3": "centre"}), thresholds=[20, 10])
    assert list(w.columns) == ["within_10", "sites_within_10", "within_20", "sites_within_20"]
    assert w["within_10"].tolist() == [True, True, False]
    assert w["sites_within_10"].tolist() == [1, 1, 0]
    assert w["within_20"].tolist() == [True, True, True]
    assert w["sites_within_20"].tolist() == [1, 1, 1]
    # the boundary is inclusive: E2 is at exactly 8 minutes from S3
    assert ga.within(tt3, ga.Scenario("B", {"S3": "hub"}), thresholds=8)["within_8"].tolist() \
        == [False, True, False]


@pytest.mark.parametrize("bad", [[-5], [0], [float("nan")], ["ten"]])
def test_thresholds_are_validated(tt3, bad):
    with pytest.raises(InputError, match="thresholds"):
        ga.within(tt3, ga.Scenario("A", {"S1": "hub"}), thresholds=bad)


def test_default_thresholds_follow_settings(tt3):
    w = ga.within(tt3, ga.Scenario("A", {"S1": "hub"}))
    labels = [f"within_{t:g}" for t in ga.settings.thresholds_minutes]
    assert [c for c in w.columns if c.startswith("within_")] == labels


# ------------------------------------------------------------- population summaries
def test_summarise_minutes_hand_worked():
    """Areas (minutes, children): (5, 100), (12, 300), (20, 100), (NaN, 50), (30, 0).
    Reached population 500: mean = (500 + 3600 + 2000 + 0) / 500 = 12.2.
    Cumulative reached weights by time: 5 -> 100, 12 -> 400, 20 -> 500, 30 -> 500:
    median (250) = 12, p90 (450) = 20. max over areas with people = 20 (30 has none).
    Within 15: 400 of 550 = 0.7273; unreachable 50."""
    s = m.summarise_minutes([5.0, 12.0, 20.0, np.nan, 30.0], table([100, 300, 100, 50, 0]),
                            population="children", thresholds=[15])
    assert s["population"] == 550
    assert s["population_reached"] == 500
    assert s["population_unreachable"] == 50
    assert s["areas_unreachable"] == 1
    assert s["mean_minutes"] == pytest.approx(12.2)
    assert s["median_minutes"] == 12.0
    assert s["p90_minutes"] == 20.0
    assert s["max_minutes"] == 20.0
    assert s["population_within_15"] == 400
    assert s["share_within_15"] == pytest.approx(400 / 550)


def test_population_within_aligns_series_and_rejects_negatives():
    minutes = pd.Series([5.0, 20.0], index=["E1", "E2"])
    areas = table([30.0, 10.0], ["E2", "E1"])   # other order: aligned on area_id
    pw = m.population_within(minutes, areas, population="children", thresholds=[10])
    assert pw.loc[10.0, "population_within"] == 10.0
    assert pw.loc[10.0, "share_within"] == pytest.approx(0.25)
    with pytest.raises(InputError, match="negative"):
        m.population_within([1.0], table([-1.0]), population="children", thresholds=[10])


# -------------------------------------------------------------------------- supply
def test_site_supply_rule():
    """Hub capacity 60 at 10 sessions: 60; outreach capacity 15 at 2 sessions ->
    15 × 2/10 = 3; outreach at 12 sessions is capped at its capacity (factor 1); a
    centre with 5 sessions offers half its 30 places (every role is scaled by its hours,
    issue 14); a site of unknown hours counts a full week."""
    s = ga.Scenario("A", {"H": "hub", "O": "outreach", "O2": "outreach", "C": "centre",
                          "B": "base"},
                    capacity={"H": 60, "O": 15, "O2": 20, "C": 30, "B": 8},
                    sessions_per_week={"H": 10, "O": 2, "O2": 12, "C": 5})
    assert m.site_supply(s).to_dict() == {"H": 60.0, "O": 3.0, "O2": 20.0, "C": 15.0,
                                          "B": 8.0}
    assert m.site_supply(s, full_week_sessions=4).to_dict()["O"] == 7.5


def test_site_supply_from_sites_table_and_missing():
    sites = pd.DataFrame({"site_id": ["A", "B"], "capacity": [40.0, np.nan],
                          "sessions_per_week": [np.nan, 3.0]})
    with pytest.raises(InputError, match="have no capacity") as err:
        m.site_supply(ga.Scenario("x", {"A": "hub", "B": "outreach"}), sites=sites)
    assert err.value.rows == ["B"]
    # the scenario's own value fills the gap; B's sessions come from the sites table
    s = ga.Scenario("x", {"A": "hub", "B": "outreach"}, capacity={"B": 10})
    assert m.site_supply(s, sites=sites).to_dict() == {"A": 40.0, "B": 3.0}
    # no capacity anywhere: every site supplies 1
    assert m.site_supply(ga.Scenario("y", {"A": "hub", "B": "hub"})).tolist() == [1.0, 1.0]


# ------------------------------------------------------------------------- gravity
def test_decay_weights_hand_worked():
    """exp(-0.1 × 10) = e^-1; power beta 2 floored at 1: 0.5 -> 1, 4 -> 1/16;
    gaussian sigma 10 at 10 minutes: exp(-100/200) = e^-0.5."""
    assert m.decay_weights(np.array([10.0]), "exponential", beta=0.1)[0] == pytest.approx(
        math.exp(-1))
    assert m.decay_weights(np.array([0.5, 4.0]), "power", beta=2).tolist() == [1.0, 0.0625]
    assert m.decay_weights(np.array([10.0]), "gaussian", sigma=10)[0] == pytest.approx(
        math.exp(-0.5))
    with pytest.raises(InputError, match="unknown decay"):
        m.decay_weights(np.array([1.0]), "linear")


def test_gravity_hand_worked(tt3):
    """Exponential beta 0.1, S1 and S3 open (capacity 2 and 1 when weighted):
    E1: e^-0.5 + e^-3; E2: e^-2.5 + e^-0.8; E3: 0 (NaN) + e^-1.6.
    With capacity: 2 e^-0.5 + e^-3 ..."""
    s = ga.Scenario("A", {"S1": "hub", "S3": "centre"}, capacity={"S1": 2, "S3": 1})
    g = ga.gravity(tt3, s, decay="exponential", beta=0.1)
    e = math.exp
    assert g.tolist() == pytest.approx([e(-0.5) + e(-3), e(-2.5) + e(-0.8), e(-1.6)])
    gc = ga.gravity(tt3, s, decay="exponential", beta=0.1, capacity=True)
    assert gc.tolist() == pytest.approx([2 * e(-0.5) + e(-3), 2 * e(-2.5) + e(-0.8),
                                         e(-1.6)])
    # a 20-minute cut-off drops S1 for E2 and S3 for E1
    gm = ga.gravity(tt3, s, decay="exponential", beta=0.1, cutoff_minutes=20)
    assert gm.tolist() == pytest.approx([e(-0.5), e(-0.8), e(-1.6)])


# --------------------------------------------------------------------------- 2SFCA
def test_two_step_fca_hand_worked():
    """Capacity S1 10, S2 20; children E1 100, E2 300, E3 100; 15-minute catchments:
    S1 reaches E1 (5), E2 (10) -> R1 = 10/400 = 0.025; S2 reaches E2 (12), E3 (8)
    -> R2 = 20/400 = 0.05. A = (0.025, 0.075, 0.05) per child = (25, 75, 50) per 1,000."""
    tt = matrix({"S1": [5.0, 10, 30], "S2": [20.0, 12, 8]}, ["E1", "E2", "E3"])
    s = ga.Scenario("A", {"S1": "centre", "S2": "centre"}, capacity={"S1": 10, "S2": 20})
    kids = table([100.0, 300, 100])
    a = ga.two_step_fca(tt, s, kids, population="children", threshold_minutes=15)
    assert a.name == "two_step_fca"
    assert a.tolist() == pytest.approx([25.0, 75.0, 50.0])


def test_two_step_fca_outreach_scaling_and_idle_site():
    """Outreach S2 (capacity 15, 2 sessions) supplies 3; S3 has no demand within 10
    minutes so it adds nothing. E1 100 children at 5 min from S1 (capacity 6) and 8 min
    from S2: R1 = 6/100, R2 = 3/100 -> A(E1) = 0.09 per child."""
    tt = matrix({"S1": [5.0], "S2": [8.0], "S3": [50.0]}, ["E1"])
    s = ga.Scenario("A", {"S1": "hub", "S2": "outreach", "S3": "centre"},
                    capacity={"S1": 6, "S2": 15, "S3": 9}, sessions_per_week={"S2": 2})
    a = ga.two_step_fca(tt, s, table([100.0]), population="children", threshold_minutes=10,
                        per=1)
    assert a.tolist() == pytest.approx([0.09])


def test_enhanced_two_step_fca_hand_worked():
    """One site capacity 10; E1 at 5 min (weight 1), E2 at 15 (0.68), E3 at 35 (0),
    100 children each. R = 10 / (100 + 68) ; A = (R, 0.68 R, 0)."""
    tt = matrix({"S1": [5.0, 15.0, 35.0]}, ["E1", "E2", "E3"])
    s = ga.Scenario("A", {"S1": "centre"}, capacity={"S1": 10})
    a = ga.enhanced_two_step_fca(tt, s, table([100, 100, 100]), population="children", per=1)
    r = 10 / 168
    assert a.tolist() == pytest.approx([r, 0.68 * r, 0.0])
    # band edges are inclusive: 10 minutes is in the first band
    a2 = ga.enhanced_two_step_fca(matrix({"S1": [10.0]}, ["E1"]), s, table([50]),
                                  population="children", bands={10: 1.0}, per=1)
    assert a2.tolist() == pytest.approx([10 / 50])


def _pysal_access(tt: ga.TravelTimes, supply: pd.Series, demand: pd.Series):
    access = pytest.importorskip("access")
    long = tt.minutes.stack().rename("cost").reset_index()
    long.columns = ["origin", "dest", "cost"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # PySAL access uses pandas' deprecated inplace=
        acc = access.Access(
            demand_df=demand.rename("pop").rename_axis("geoid").reset_index(),
            demand_index="geoid", demand_value="pop",
            supply_df=supply.rename("cap").rename_axis("geoid").reset_index(),
            supply_index="geoid", supply_value="cap", cost_df=long, cost_origin="origin",
            cost_dest="dest", cost_name="cost")
    return access, acc


@pytest.fixture
def random_case():
    """A random 40 areas × 6 sites matrix (some NaN), capacities and children."""
    rng = np.random.default_rng(7)
    values = rng.uniform(0.5, 45, (40, 6))
    values[rng.random(values.shape) < 0.1] = np.nan
    areas = [f"E{i:02d}" for i in range(40)]
    sites = [f"S{j}" for j in range(6)]
    tt = ga.TravelTimes.from_frame(pd.DataFrame(values, index=areas, columns=sites))
    supply = pd.Series(rng.integers(5, 60, 6).astype(float), index=sites)
    demand = pd.Series(rng.integers(0, 400, 40).astype(float), index=areas)
    scen = ga.Scenario("all", {s: "centre" for s in sites}, capacity=supply.to_dict())
    return tt, supply, demand, scen


def test_two_step_fca_matches_pysal_access(random_case):
    tt, supply, demand, scen = random_case
    access, acc = _pysal_access(tt, supply, demand)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = acc.two_stage_fca(name="x", max_cost=20)["x_cap"]
        ref_e = acc.enhanced_two_stage_fca(name="e")["e_cap"]
    areas = table(demand.to_numpy(), demand.index.tolist())
    ours = ga.two_step_fca(tt, scen, areas, population="children", threshold_minutes=20, per=1)
    ours_e = ga.enhanced_two_step_fca(tt, scen, areas, population="children", per=1)
    # PySAL leaves out areas with no site in reach; they have 0 access
    np.testing.assert_allclose(ours.to_numpy(), ref.reindex(ours.index).fillna(0).to_numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(ours_e.to_numpy(),
                               ref_e.reindex(ours_e.index).fillna(0).to_numpy(), rtol=1e-12)


@pytest.mark.parametrize(("decay", "params", "make"), [
    ("power", {"beta": 1.5, "min_minutes": 2.0},
     lambda w: w.gravity(scale=1, alpha=-1.5, min_dist=2.0)),
    ("gaussian", {"sigma": 12.0}, lambda w: w.gaussian(12.0)),
    ("exponential", {"beta": 0.07}, lambda w: (lambda x: math.exp(-0.07 * x))),
])
def test_gravity_matches_pysal_weighted_catchment(random_case, decay, params, make):
    tt, supply, demand, scen = random_case
    access, acc = _pysal_access(tt, supply, demand)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = acc.weighted_catchment(name="g", weight_fn=make(access.weights))["g_cap"]
    ours = ga.gravity(tt, scen, decay=decay, capacity=True, **params)
    np.testing.assert_allclose(ours.to_numpy(), ref.reindex(ours.index).to_numpy(),
                               rtol=1e-12)


# --------------------------------------------------------------------- access rules
@pytest.mark.parametrize(("text", "clauses"), [
    ("a hub within 20 minutes or an outreach site within 10",
     (((("hub",), 20.0),), ((("outreach",), 10.0),))),
    ("hub <= 20 or outreach <= 10", (((("hub",), 20.0),), ((("outreach",), 10.0),))),
    ("any site within 15 mins", (((None, 15.0),),)),
    ("Family hub within 30 minutes and a children's centre within 12.5",
     (((("hub",), 30.0), (("centre",), 12.5)),)),
    ("hub/centre within 15", (((("hub", "centre"), 15.0),),)),
])
def test_access_rule_parse(text, clauses):
    assert AccessRule.parse(text).clauses == clauses


@pytest.mark.parametrize("text", ["", "a hub nearby", "a library within 10 minutes",
                                  "hub within ten minutes"])
def test_access_rule_errors_say_the_form(text):
    with pytest.raises(InputError, match="access rule"):
        AccessRule.parse(text)


def test_meets_rule_hand_worked():
    """Hub S1, outreach S2, centre S3; "a hub within 20 minutes or an outreach site within
    10": E1 hub 15 -> yes; E2 outreach 8 -> yes; E3 hub 25, outreach 12 -> no (the centre
    at 2 minutes does not count). "and" form: E1 needs hub <= 20 and any <= 5: no."""
    tt = matrix({"S1": [15.0, 25, 25], "S2": [30.0, 8, 12], "S3": [9.0, 40, 2]},
                ["E1", "E2", "E3"])
    s = ga.Scenario("A", {"S1": "hub", "S2": "outreach", "S3": "centre"})
    r = ga.meets_rule(tt, s, "a hub within 20 minutes or an outreach site within 10")
    assert r.tolist() == [True, True, False]
    assert ga.meets_rule(tt, s, "hub within 20 and any site within 5").tolist() == \
        [False, False, False]
    assert ga.meets_rule(tt, s, "hub within 30 and any site within 5").tolist() == \
        [False, False, True]


# --------------------------------------------------- many configurations (fast path)
def plain_nearest(values: np.ndarray, mask: np.ndarray) -> tuple[list, list]:
    """Independent reference: a plain loop, first column wins ties."""
    minutes, sites = [], []
    for row in values:
        best, where = math.inf, -1
        for j, v in enumerate(row):
            if mask[j] and not math.isnan(v) and v < best:
                best, where = v, j
        minutes.append(best if where >= 0 else math.nan)
        sites.append(where)
    return minutes, sites


matrices = hnp.arrays(
    np.float64, st.tuples(st.integers(1, 12), st.integers(1, 7)),
    elements=st.one_of(st.just(np.nan), st.sampled_from([1.0, 2.0, 5.0, 7.5]),
                       st.floats(0, 90, allow_nan=False)))


@settings(max_examples=60, deadline=None)
@given(values=matrices, data=st.data())
def test_nearest_index_matches_plain_loop(values, data):
    n_sites = values.shape[1]
    masks = data.draw(hnp.arrays(np.bool_, st.tuples(st.integers(1, 5), st.just(n_sites))))
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        values, index=[f"E{i}" for i in range(values.shape[0])],
        columns=[f"S{j}" for j in range(n_sites)]))
    idx = NearestIndex(tt)
    engines = ["fallback"] + (["numba"] if HAVE_NUMBA else [])
    results = {e: idx.nearest(masks, engine=e) for e in engines}
    for c, mask in enumerate(masks):
        ref_m, ref_s = plain_nearest(values, mask)
        for e in engines:
            got_m, got_s = results[e]
            np.testing.assert_array_equal(got_m[c], np.array(ref_m))
            assert got_s[c].tolist() == ref_s
        # the per-scenario measure agrees too
        s = ga.Scenario("x", {f"S{j}": "centre" for j in np.nonzero(mask)[0]})
        near = ga.nearest(tt, s)["nearest_minutes"].to_numpy()
        np.testing.assert_array_equal(near, np.array(ref_m))


@settings(max_examples=40, deadline=None)
@given(values=matrices, data=st.data())
def test_opening_a_site_never_increases_nearest_time(values, data):
    n_sites = values.shape[1]
    mask = data.draw(hnp.arrays(np.bool_, st.just(n_sites)))
    extra = data.draw(st.integers(0, n_sites - 1))
    opened = mask.copy()
    opened[extra] = True
    tt = ga.TravelTimes.from_frame(pd.DataFrame(values))
    before, after = ga.nearest_minutes_many(tt, np.vstack([mask, opened]), engine="fallback")
    reached = ~np.isnan(before)
    assert (after[reached] <= before[reached]).all()
    assert (~np.isnan(after[reached])).all()


def plain_scores(values, mask, w, thresholds):
    mins, _ = plain_nearest(values, mask)
    reached = sum(wi for wi, x in zip(w, mins, strict=True) if not math.isnan(x))
    out = {"population_reached": reached,
           "mean_minutes": (sum(wi * x for wi, x in zip(w, mins, strict=True)
                                if not math.isnan(x)) / reached) if reached > 0 else math.nan}
    for t in thresholds:
        out[f"population_within_{t:g}"] = sum(wi for wi, x in zip(w, mins, strict=True)
                                              if x <= t)
    return out


@settings(max_examples=40, deadline=None)
@given(values=matrices, data=st.data())
def test_scores_match_plain_loop_and_engines_agree(values, data):
    n_areas, n_sites = values.shape
    masks = data.draw(hnp.arrays(np.bool_, st.tuples(st.integers(1, 4), st.just(n_sites))))
    w = data.draw(hnp.arrays(np.float64, n_areas, elements=st.floats(0, 500)))
    thresholds = (5.0, 7.5, 30.0)
    idx = NearestIndex(ga.TravelTimes.from_frame(pd.DataFrame(values)))
    areas = table(w, idx.area_ids)
    got = idx.scores(masks, areas, population="children", thresholds=thresholds,
                     engine="fallback")
    for c, mask in enumerate(masks):
        ref = plain_scores(values, mask, w, thresholds)
        for key, value in ref.items():
            assert got.loc[c, key] == pytest.approx(value, rel=1e-12, abs=1e-9, nan_ok=True)
    shares = got[[c for c in got.columns if c.startswith("share_")]].to_numpy()
    assert ((shares >= 0) & (shares <= 1 + 1e-12) | np.isnan(shares)).all()
    if HAVE_NUMBA:
        fast = idx.scores(masks, areas, population="children", thresholds=thresholds,
                          engine="numba")
        pd.testing.assert_frame_equal(fast, got, check_exact=True)


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
@pytest.mark.parametrize("parallel_work", [0, 10**12])
def test_engines_identical_on_a_larger_batch(monkeypatch, parallel_work):
    """keep-18-of-36 style batch on 300 areas: numba (parallel and serial kernels) and
    numpy give the same bits."""
    monkeypatch.setattr(measures_many, "_PARALLEL_WORK", parallel_work)
    rng = np.random.default_rng(3)
    values = rng.uniform(1, 60, (300, 36))
    values[rng.random(values.shape) < 0.03] = np.nan
    values[:, 5] = values[:, 4]                        # exact ties
    masks = np.zeros((500, 36), bool)
    for row in masks:
        row[rng.choice(36, 18, replace=False)] = True
    idx = NearestIndex(ga.TravelTimes.from_frame(pd.DataFrame(values)))
    a_m, a_s = idx.nearest(masks, engine="numba")
    b_m, b_s = idx.nearest(masks, engine="fallback")
    np.testing.assert_array_equal(a_m, b_m)
    np.testing.assert_array_equal(a_s, b_s)
    areas = table(rng.uniform(0, 300, 300), idx.area_ids)
    pd.testing.assert_frame_equal(idx.scores(masks, areas, population="children", engine="numba"),
                                  idx.scores(masks, areas, population="children",
                                             engine="fallback"), check_exact=True)


def test_nearest_index_many_sites_uses_wider_ranks():
    """More than 254 sites: ranks are uint16 and results still match the plain loop."""
    rng = np.random.default_rng(5)
    values = rng.uniform(1, 100, (4, 300))
    idx = NearestIndex(ga.TravelTimes.from_frame(pd.DataFrame(values)))
    assert idx.rank_dtype == np.uint16
    mask = rng.random(300) < 0.3
    got = idx.nearest_minutes(mask, engine="fallback")[0]
    np.testing.assert_array_equal(got, plain_nearest(values, mask)[0])
    if HAVE_NUMBA:
        np.testing.assert_array_equal(idx.nearest_minutes(mask, engine="numba")[0], got)


def test_nearest_index_accepts_scenarios_and_checks_shapes(tt3):
    idx = NearestIndex(tt3)
    got = idx.nearest_minutes([ga.Scenario("a", {"S2": "hub"}), ga.Scenario("b", {"S3": "x"})])
    np.testing.assert_array_equal(got, [[12.0, 8.0, 40.0], [30.0, 8.0, 16.0]])
    with pytest.raises(InputError, match="one column per site"):
        idx.nearest_minutes(np.ones((2, 2), bool))
    with pytest.raises(InputError, match="engine"):
        idx.nearest_minutes(np.ones(3, bool), engine="cuda")
    out = np.empty((1, 3))
    assert idx.nearest_minutes(np.ones((1, 3), bool), out=out) is out


# ------------------------------------------------------- one vocabulary (issue 13)
@pytest.mark.parametrize("call", [
    lambda tt, s, t: ga.within(tt, s, thresholds=t),
    lambda tt, s, t: m.population_within([5.0, 8.0, 16.0], table([1, 1, 1]),
                                         population="children", thresholds=t),
    lambda tt, s, t: m.summarise_minutes([5.0, 8.0, 16.0], table([1, 1, 1]),
                                         population="children", thresholds=t),
    lambda tt, s, t: ga.score_many(tt, [s], table([1, 1, 1]), population="children",
                                   thresholds=t),
    lambda tt, s, t: ga.evaluate(tt, table([1, 1, 1]), s, population="children",
                                 thresholds=t),
])
def test_thresholds_as_text_are_refused(tt3, call):
    """thresholds="15" once read as the minutes 1 and 5; now it is an error that names
    the parameter, wherever thresholds are taken."""
    s = ga.Scenario("A", {"S1": "hub", "S3": "centre"})
    with pytest.raises(InputError, match=r"thresholds='15' is text") as err:
        call(tt3, s, "15")
    assert err.value.column == "thresholds"
    # a single number is one threshold
    assert list(ga.within(tt3, s, thresholds=15).columns) == ["within_15", "sites_within_15"]


def test_population_column_from_areas_attrs_and_errors(tt3):
    """population= defaults to the first of areas.attrs["population"] (as read_areas
    sets it); a missing column or a matrix area missing from the table is an error."""
    tt = matrix({"S1": [5.0, 10, 30], "S2": [20.0, 12, 8]}, ["E1", "E2", "E3"])
    s = ga.Scenario("A", {"S1": "centre", "S2": "centre"}, capacity={"S1": 10, "S2": 20})
    areas = table([100.0, 300, 100])
    areas.attrs["population"] = ["children"]
    a = ga.two_step_fca(tt, s, areas, threshold_minutes=15, per=1)
    assert a.tolist() == pytest.approx([0.025, 0.075, 0.05])
    with pytest.raises(InputError, match="no population column 'kids'"):
        ga.two_step_fca(tt, s, areas, population="kids")
    with pytest.raises(InputError, match=r"no value for areas \['E3'\]") as err:
        ga.two_step_fca(tt, s, areas.iloc[:2], population="children")
    assert err.value.rows == ["E3"]
    with pytest.raises(InputError, match="pass the areas table"):
        ga.two_step_fca(tt, s, population="children")
    with pytest.raises(InputError, match="name the population column"):
        ga.two_step_fca(tt, s, table([1, 1, 1]))


def test_population_as_series_or_array_is_deprecated():
    """The old spelling (a Series or array of populations, positionally or as
    population=) warns with the new spelling, and gives the new spelling's result."""
    tt = matrix({"S1": [5.0, 10, 30], "S2": [20.0, 12, 8]}, ["E1", "E2", "E3"])
    s = ga.Scenario("A", {"S1": "centre", "S2": "centre"}, capacity={"S1": 10, "S2": 20})
    areas = table([100.0, 300, 100])
    kids = pd.Series([100.0, 300, 100], index=["E1", "E2", "E3"])
    minutes = pd.Series([5.0, 12.0, np.nan], index=["E1", "E2", "E3"])
    idx = NearestIndex(tt)
    masks = np.array([[True, False], [True, True]])
    cases = [
        (lambda p: ga.two_step_fca(tt, s, p, threshold_minutes=15),
         lambda: ga.two_step_fca(tt, s, areas, population="children", threshold_minutes=15)),
        (lambda p: ga.two_step_fca(tt, s, population=p, threshold_minutes=15),
         lambda: ga.two_step_fca(tt, s, areas, population="children", threshold_minutes=15)),
        (lambda p: ga.enhanced_two_step_fca(tt, s, p),
         lambda: ga.enhanced_two_step_fca(tt, s, areas, population="children")),
        (lambda p: m.population_within(minutes, p, thresholds=[10]),
         lambda: m.population_within(minutes, areas, population="children", thresholds=[10])),
        (lambda p: m.summarise_minutes(minutes, p, thresholds=[10]),
         lambda: m.summarise_minutes(minutes, areas, population="children", thresholds=[10])),
        (lambda p: idx.scores(masks, p, thresholds=[10]),
         lambda: idx.scores(masks, areas, population="children", thresholds=[10])),
        (lambda p: ga.score_many(tt, masks, p, thresholds=[10]),
         lambda: ga.score_many(tt, masks, areas, population="children", thresholds=[10])),
    ]
    for old, new in cases:
        want = new()
        for value in (kids, kids.to_numpy()):
            with pytest.warns(FutureWarning, match="population='children_0_4'") as rec:
                got = old(value)
            assert rec[0].filename == __file__  # points at the caller's line
            if isinstance(want, pd.Series):
                pd.testing.assert_series_equal(got, want)
            else:
                pd.testing.assert_frame_equal(got, want)


def test_gravity_cutoff_minutes_and_old_max_minutes(tt3):
    """The decay cut-off is cutoff_minutes (max_minutes is the search bound of routing):
    S1 and S3 open, exponential beta 0.1, cut-off 20: E1 keeps S1 (5), E2 keeps S3 (8),
    E3 keeps S3 (16). max_minutes= still works, with a FutureWarning."""
    s = ga.Scenario("A", {"S1": "hub", "S3": "centre"})
    new = ga.gravity(tt3, s, beta=0.1, cutoff_minutes=20)
    assert new.tolist() == pytest.approx([math.exp(-0.5), math.exp(-0.8), math.exp(-1.6)])
    with pytest.warns(FutureWarning, match="max_minutes= is now cutoff_minutes="):
        old = ga.gravity(tt3, s, beta=0.1, max_minutes=20)
    pd.testing.assert_series_equal(old, new)
    with pytest.raises(InputError, match="give cutoff_minutes= only"):
        ga.gravity(tt3, s, cutoff_minutes=20, max_minutes=20)
    # the cut-off is inclusive; decay_weights takes it too
    w = m.decay_weights(np.array([5.0, 20.0, 20.5, np.nan]), "power", beta=1,
                        cutoff_minutes=20)
    assert w.tolist() == [0.2, 0.05, 0.0, 0.0]


def test_old_engine_name_numpy_warns_and_equals_fallback(tt3):
    idx = NearestIndex(tt3)
    masks = np.array([[True, False, True], [False, True, False]])
    areas = table([10.0, 20, 30])
    calls = [
        lambda e: idx.nearest(masks, engine=e)[0],
        lambda e: idx.nearest_minutes(masks, engine=e),
        lambda e: idx.nearest_sites(masks, engine=e),
        lambda e: ga.nearest_minutes_many(tt3, masks, engine=e),
        lambda e: idx.scores(masks, areas, population="children", engine=e).to_numpy(),
        lambda e: ga.score_many(tt3, masks, areas, population="children",
                                engine=e).to_numpy(),
    ]
    for call in calls:
        want = call("fallback")
        with pytest.warns(FutureWarning, match="engine='fallback'") as rec:
            got = call("numpy")
        assert rec[0].filename == __file__
        np.testing.assert_array_equal(got, want)


def test_internal_callers_are_not_warned(tt3):
    """geoaccess's own modules still pass populations as arrays (evaluate, optimise,
    equality): the user cannot act on that, so nothing is said."""
    areas = table([10.0, 20, 30])
    s = ga.Scenario("A", {"S1": "hub", "S3": "centre"}, capacity={"S1": 5, "S3": 5})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = ga.evaluate(tt3, areas, s, population="children", thresholds=[10],
                        measures=["two_step_fca"])
    want = ga.two_step_fca(tt3, s, areas, population="children")
    assert r.areas["two_step_fca"].tolist() == pytest.approx(want.tolist())
    assert r.summary.loc[0, "population_within_10"] == 30.0  # E1 (S1, 5) and E2 (S3, 8)
