"""evaluate() and compare(): hand-worked tables, invariants, exports, real Rutland data."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from shapely.geometry import box

import geoaccess as ga
from geoaccess.errors import InputError

OFF_NETWORK = "area origin is 800 m from the nearest walk network edge"


@pytest.fixture
def case():
    """Four areas (E4 is not in the matrix; E3's origin is off the network), three sites.

    Minutes::

                 S1 (hub)  S2 (centre)  S3 (outreach)   children
        E1           5          12           30            100
        E2          25           8           9             300
        E3         NaN         NaN          NaN             50   (origin 800 m away)
        E4           -           -            -             20   (not in the matrix)
    """
    minutes = pd.DataFrame({"S1": [5.0, 25.0, np.nan], "S2": [12.0, 8.0, np.nan],
                            "S3": [30.0, 9.0, np.nan]},
                           index=pd.Index(["E1", "E2", "E3"], name="area_id"))
    minutes.columns.name = "site_id"
    tt = ga.TravelTimes(minutes, mode="walk",
                        area_reason=pd.Series([pd.NA, pd.NA, OFF_NETWORK],
                                              index=minutes.index, dtype="object"),
                        provenance={"source": "hand-made"})
    areas = gpd.GeoDataFrame(
        {"area_id": ["E1", "E2", "E3", "E4"], "children": [100.0, 300.0, 50.0, 20.0],
         "imd_decile": [1, 5, 9, 10]},
        geometry=[box(i, 0, i + 1, 1) for i in range(4)], crs="EPSG:27700")
    current = ga.Scenario("Current", {"S1": "hub", "S2": "centre", "S3": "outreach"},
                          capacity={"S1": 60, "S2": 30, "S3": 15},
                          sessions_per_week={"S3": 2})
    close2 = ga.Scenario("Close S2", {"S1": "hub", "S3": "outreach"},
                         capacity={"S1": 60, "S3": 15}, sessions_per_week={"S3": 2})
    hub_only = ga.Scenario("Hub only", {"S1": "hub"}, capacity={"S1": 60})
    return tt, areas, [current, close2, hub_only]


def test_evaluate_hand_worked_rows(case):
    """Nearest under each scenario (10/15-minute flags)::

        Current : E1 5 (S1), E2 8 (S2), E3 NaN (area reason), E4 NaN (not in matrix)
        Close S2: E1 5 (S1), E2 9 (S3)
        Hub only: E1 5 (S1), E2 25 (S1)
    """
    tt, areas, scen = case
    r = ga.evaluate(tt, areas, scen, population="children", thresholds=[10, 15])
    assert list(r.areas.columns) == [
        "area_id", "scenario", "nearest_minutes", "nearest_site", "within_10",
        "share_within_10", "sites_within_10", "within_15", "share_within_15",
        "sites_within_15", "children", "reason"]
    assert len(r.areas) == 12                       # every area in every scenario
    assert r.areas["scenario"].tolist() == ["Current"] * 4 + ["Close S2"] * 4 + ["Hub only"] * 4
    assert r.areas["area_id"].tolist() == ["E1", "E2", "E3", "E4"] * 3
    cur = r["Current"]
    assert cur.loc["E1", "nearest_minutes"] == 5.0 and cur.loc["E2", "nearest_site"] == "S2"
    assert cur["sites_within_10"].tolist() == [1, 2, 0, 0]    # E2: S2 (8) and S3 (9)
    assert cur["within_10"].tolist() == [True, True, False, False]
    assert cur["share_within_10"].tolist() == [1.0, 1.0, 0.0, 0.0]  # one point: all or none
    assert cur.loc["E3", "reason"] == OFF_NETWORK
    assert cur.loc["E4", "reason"] == "area not in the travel-time matrix"
    assert pd.isna(cur.loc["E1", "reason"]) and pd.isna(cur.loc["E4", "nearest_site"])
    assert r.wide().loc["E2"].tolist() == [8.0, 9.0, 25.0]
    assert r.wide("nearest_site").loc["E2"].tolist() == ["S2", "S3", "S1"]


def test_evaluate_summary_hand_worked(case):
    """Summary, children-weighted (470 in all; E3 and E4, 70 children, unreachable):

        Current : mean (100×5 + 300×8)/400 = 7.25; median 8; within 10: 400/470
        Hub only: mean (500 + 7500)/400 = 20; median 25 (100 of 400 at 5 < half);
                  within 10: 100/470; within 15: 100/470
    """
    tt, areas, scen = case
    s = ga.evaluate(tt, areas, scen, population="children", thresholds=[10, 15]).summary
    s = s.set_index("scenario")
    assert s.loc["Current", "open_sites"] == 3 and s.loc["Hub only", "open_sites"] == 1
    assert s.loc["Current", "mean_minutes"] == pytest.approx(7.25)
    assert s.loc["Current", "median_minutes"] == 8.0
    assert s.loc["Current", "share_within_10"] == pytest.approx(400 / 470)
    assert s.loc["Hub only", "mean_minutes"] == pytest.approx(20.0)
    assert s.loc["Hub only", "median_minutes"] == 25.0
    assert s.loc["Hub only", "population_within_15"] == 100.0
    assert (s["population_unreachable"] == 70.0).all()
    assert (s["areas_unreachable"] == 2).all()
    assert (s["population"] == 470.0).all()


def test_evaluate_optional_columns(case):
    """by_role, rules and measures add their columns; the rule "a hub within 20 minutes
    or an outreach site within 10": E1 hub 5 -> yes; E2 hub 25 but outreach 9 -> yes
    (Current, Close S2), no under Hub only."""
    tt, areas, scen = case
    r = ga.evaluate(tt, areas, scen, population="children", thresholds=[15],
                    by_role=["hub", "outreach"],
                    rules={"meets_standard": "a hub within 20 minutes or an outreach site "
                                             "within 10"},
                    measures={"gravity": {"decay": "power", "beta": 1},
                              "two_step_fca": {"threshold_minutes": 15, "per": 1},
                              "enhanced_two_step_fca": True})
    cols = list(r.areas.columns)
    assert cols[cols.index("sites_within_15") + 1:] == [
        "nearest_minutes_hub", "nearest_site_hub", "nearest_minutes_outreach",
        "nearest_site_outreach", "meets_standard", "gravity", "two_step_fca",
        "enhanced_two_step_fca", "children", "reason"]
    assert r["Current"]["meets_standard"].tolist() == [True, True, False, False]
    assert r["Hub only"]["meets_standard"].tolist() == [True, False, False, False]
    assert r["Hub only"]["nearest_minutes_outreach"].isna().all()
    # gravity (power, beta 1) under Current for E1: 1/5 + 1/12 + 1/30
    assert r["Current"].loc["E1", "gravity"] == pytest.approx(1 / 5 + 1 / 12 + 1 / 30)
    # 2SFCA, 15 minutes, Hub only: S1 reaches E1 only (100 children) -> 60/100 = 0.6
    assert r["Hub only"]["two_step_fca"].tolist()[:2] == pytest.approx([0.6, 0.0])
    assert r["Current"]["two_step_fca"].iloc[2:].isna().all()
    assert "measure_gravity" in r.provenance and "rule_meets_standard" in r.provenance


def test_evaluate_roles_restrict_the_nearest(case):
    tt, areas, scen = case
    r = ga.evaluate(tt, areas, scen[0], population="children", thresholds=[10],
                    roles="outreach")
    assert r.areas["nearest_site"].tolist()[:2] == ["S3", "S3"]
    assert r.summary.loc[0, "open_sites"] == 1


def test_evaluate_defaults(case):
    """population from areas.attrs; thresholds from settings; areas=None uses the matrix."""
    tt, areas, scen = case
    areas = areas.copy()
    areas.attrs["population"] = ["children"]
    r = ga.evaluate(tt, areas, scen[0])
    assert r.population == "children"
    assert r.thresholds == tuple(float(t) for t in ga.settings.thresholds_minutes)
    r0 = ga.evaluate(tt, None, {"x": scen[0]})
    assert r0.population is None and r0.areas["weight"].tolist() == [1.0, 1.0, 1.0]
    assert r0.summary.loc[0, "population"] == 3.0


def test_evaluate_errors(case):
    tt, areas, scen = case
    with pytest.raises(InputError, match="not in the travel-time matrix") as err:
        ga.evaluate(tt, areas, ga.Scenario("X", {"S9": "hub"}), population="children")
    assert err.value.rows == ["S9"]
    with pytest.raises(InputError, match="duplicate names"):
        ga.evaluate(tt, areas, [scen[0], scen[0]], population="children")
    with pytest.raises(InputError, match="no population column 'kids'"):
        ga.evaluate(tt, areas, scen, population="kids")
    bad = areas.copy()
    bad.loc[1, "children"] = -3
    with pytest.raises(InputError, match="negative") as err:
        ga.evaluate(tt, bad, scen, population="children")
    assert err.value.rows == ["E2"]
    with pytest.raises(InputError, match="unknown measure"):
        ga.evaluate(tt, areas, scen, population="children", measures=["hansen"])
    with pytest.raises(InputError, match="expected a Scenario"):
        ga.evaluate(tt, areas, "Current", population="children")


# ------------------------------------------------------------------------- compare
def test_compare_hand_worked(case):
    """Against Current (thresholds 10, 15)::

        Close S2: E1 5 -> 5 unchanged; E2 8 -> 9 loss (+1), still within 10
        Hub only: E1 unchanged; E2 8 -> 25 loss (+17), loses 10- and 15-minute access
        E3, E4: no time either way -> unknown
    With tolerance 1 minute, E2 under Close S2 is unchanged.
    """
    tt, areas, scen = case
    r = ga.evaluate(tt, areas, scen, population="children", thresholds=[10, 15])
    c = ga.compare(r, baseline="Current")
    assert c.scenario_names == ["Close S2", "Hub only"]
    assert list(c.areas.columns) == [
        "area_id", "scenario", "baseline", "baseline_minutes", "nearest_minutes",
        "change_minutes", "baseline_site", "nearest_site", "status", "loses_10", "gains_10",
        "loses_15", "gains_15", "crossing", "children", "reason"]
    hub = c["Hub only"]
    assert hub["status"].tolist() == ["unchanged", "loss", "unknown", "unknown"]
    assert hub.loc["E2", "change_minutes"] == 17.0
    assert hub.loc["E2", "crossing"] == "loses 10- and 15-minute access"
    assert hub.loc["E2", "baseline_site"] == "S2" and hub.loc["E2", "nearest_site"] == "S1"
    assert hub.loc["E4", "reason"] == "area not in the travel-time matrix"
    assert c["Close S2"]["status"].tolist()[:2] == ["unchanged", "loss"]
    assert c["Close S2"].loc["E2", "crossing"] == ""
    s = c.summary.set_index("scenario")
    assert s.loc["Hub only", "population_loss"] == 300.0
    assert s.loc["Hub only", "population_unknown"] == 70.0
    assert s.loc["Hub only", "population_loses_10"] == 300.0
    assert s.loc["Hub only", "areas_loses_15"] == 1
    assert s.loc["Hub only", "mean_change_minutes"] == pytest.approx(300 * 17 / 400)
    assert s.loc["Close S2", "population_loses_10"] == 0.0
    tolerant = ga.compare(r, baseline="Current", tolerance_minutes=1.0)
    assert tolerant["Close S2"].loc["E2", "status"] == "unchanged"
    assert list(c.losers("Hub only", threshold_minutes=15).index) == ["E2"]


def test_losers_old_threshold_keyword_warns_and_agrees(case):
    """``threshold=`` is the old spelling of ``threshold_minutes=``: same rows, with a
    FutureWarning naming the new one; both at once is refused."""
    tt, areas, scen = case
    c = ga.compare(ga.evaluate(tt, areas, scen, population="children", thresholds=[10, 15]))
    with pytest.warns(FutureWarning, match="threshold_minutes"):
        old = c.losers("Hub only", threshold=15)
    pd.testing.assert_frame_equal(old, c.losers("Hub only", threshold_minutes=15))
    with pytest.raises(InputError, match="threshold_minutes= only"):
        c.losers("Hub only", 15, threshold=15)


def test_thresholds_text_is_refused_and_a_number_is_wrapped(case):
    """"15" must not become (1, 5): a string is refused naming the parameter; 15 is [15]."""
    tt, areas, scen = case
    with pytest.raises(InputError, match="thresholds must be numbers") as err:
        ga.evaluate(tt, areas, scen, population="children", thresholds="15")
    assert err.value.column == "thresholds"
    one = ga.evaluate(tt, areas, scen, population="children", thresholds=15)
    seq = ga.evaluate(tt, areas, scen, population="children", thresholds=[15])
    pd.testing.assert_frame_equal(one.areas, seq.areas)


def test_compare_gain_and_lost_reachability():
    """Proposal opens S2: E1 20 -> 6 gains (and 10/15-minute access). E2 can reach only
    S1: closing S1 leaves it with no time -> loss with a reason."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [20.0, 7.0], "S2": [6.0, np.nan]},
                                                index=["E1", "E2"]))
    r = ga.evaluate(tt, None, [ga.Scenario("Now", {"S1": "centre"}),
                               ga.Scenario("Move", {"S2": "centre"})], thresholds=[10, 15])
    c = r.compare()
    move = c["Move"]
    assert move["status"].tolist() == ["gain", "loss"]
    assert move.loc["E1", "crossing"] == "gains 10- and 15-minute access"
    assert move.loc["E2", "crossing"] == "loses 10- and 15-minute access"
    assert math.isnan(move.loc["E2", "change_minutes"])
    assert "no time to any open site" in move.loc["E2", "reason"]


def test_compare_errors(case):
    tt, areas, scen = case
    r = ga.evaluate(tt, areas, scen, population="children")
    with pytest.raises(InputError, match="no scenario 'Future'"):
        ga.compare(r, baseline="Future")
    with pytest.raises(InputError, match="tolerance_minutes"):
        ga.compare(r, tolerance_minutes=-1)
    with pytest.raises(InputError, match="expected a Result"):
        ga.compare(r.areas)


# ------------------------------------------------------------------------- exports
def test_exports_round_trip(case, tmp_path):
    tt, areas, scen = case
    r = ga.evaluate(tt, areas, scen, population="children", thresholds=[10])
    c = ga.compare(r)
    back = pd.read_csv(r.to_csv(tmp_path / "areas.csv"))
    assert back.shape == r.areas.shape
    np.testing.assert_array_equal(back["nearest_minutes"], r.areas["nearest_minutes"])
    c.to_csv(tmp_path / "change.csv", table="summary")
    pq = pd.read_parquet(c.to_parquet(tmp_path / "change.parquet"))
    assert pq["status"].tolist() == c.areas["status"].tolist()
    assert pd.read_parquet(r.to_parquet(tmp_path / "s.parquet", table="summary")).shape == \
        r.summary.shape
    single = ga.compare(ga.evaluate(tt, areas, scen[0], population="children"))
    assert single.areas.empty and "population_loss" in single.summary.columns
    book = pd.read_excel(c.to_excel(tmp_path / "eia.xlsx"), sheet_name=None)
    assert list(book) == ["change_summary", "change_areas", "summary", "areas", "scenarios",
                          "method"]
    assert book["change_areas"]["status"].tolist() == c.areas["status"].tolist()
    assert not list(tmp_path.glob(".*.tmp"))
    gdf = r.to_geodataframe(areas, scenario="Hub only")
    assert isinstance(gdf, gpd.GeoDataFrame) and gdf.crs == areas.crs
    assert gdf["area_id"].tolist() == ["E1", "E2", "E3", "E4"]
    assert gdf.geometry.iloc[1].equals(areas.geometry.iloc[1])
    long = c.to_geodataframe(areas)
    assert len(long) == 8 and long["scenario"].tolist()[:4] == ["Close S2"] * 4
    assert "Result(scenarios=" in repr(r) and "Comparison(baseline='Current'" in repr(c)


# ----------------------------------------------------------------------- properties
@settings(max_examples=30, deadline=None)
@given(values=hnp.arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 5)),
                         elements=st.one_of(st.just(np.nan), st.floats(0, 80))),
       data=st.data())
def test_every_area_in_every_result_and_deterministic(values, data):
    n_areas, n_sites = values.shape
    area_ids = [f"E{i}" for i in range(n_areas)]
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        values, index=area_ids, columns=[f"S{j}" for j in range(n_sites)]))
    pop = data.draw(hnp.arrays(np.float64, n_areas, elements=st.floats(0, 1000)))
    areas = pd.DataFrame({"area_id": area_ids + ["ghost"], "kids": list(pop) + [5.0]})
    masks = data.draw(hnp.arrays(np.bool_, st.tuples(st.integers(1, 3), st.just(n_sites))))
    scen = [ga.Scenario(f"s{k}", {f"S{j}": "centre" for j in np.nonzero(m)[0]})
            for k, m in enumerate(masks)]
    r1 = ga.evaluate(tt, areas, scen, population="kids", thresholds=[10, 30])
    r2 = ga.evaluate(tt, areas, scen, population="kids", thresholds=[10, 30])
    pd.testing.assert_frame_equal(r1.areas, r2.areas)
    pd.testing.assert_frame_equal(r1.summary, r2.summary)
    for s in scen:
        assert r1[s.name].index.tolist() == area_ids + ["ghost"]
    shares = r1.summary[["share_within_10", "share_within_30"]].to_numpy()
    assert (np.isnan(shares) | ((shares >= 0) & (shares <= 1 + 1e-12))).all()
    assert r1.areas.loc[r1.areas["nearest_minutes"].isna(), "reason"].notna().all()
    assert r1.areas.loc[r1.areas["nearest_minutes"].notna(), "reason"].isna().all()
    c = ga.compare(r1)
    assert len(c.areas) == (len(scen) - 1) * (n_areas + 1)
    assert set(c.areas["status"]) <= {"gain", "loss", "unchanged", "unknown"}


# ------------------------------------------------------------------------ real data
def test_rutland_keep_18_of_36(rutland_walk_tt, rutland_sites, rutland_areas):
    """Real Rutland walk matrix: the current 36 venues against keeping every other one.
    Checked against an independent computation on the raw matrix (row minimum over the
    open columns) and the children-weighted shares computed by hand."""
    current = ga.Scenario.from_sites(rutland_sites)
    keep = rutland_sites["site_id"].tolist()[::2]
    keep18 = ga.Scenario.from_site_ids("Keep 18", keep, sites=rutland_sites)
    r = ga.evaluate(rutland_walk_tt, rutland_areas, [current, keep18],
                    population="children_0_4", thresholds=[15, 30],
                    measures={"two_step_fca": {"threshold_minutes": 30}})
    assert len(r.areas) == 2 * len(rutland_areas) == 52
    raw = rutland_walk_tt.minutes.loc[rutland_areas["area_id"]]
    kids = rutland_areas.set_index("area_id")["children_0_4"]
    for scen, cols in (("Current", raw.columns), ("Keep 18", keep)):
        expected = raw[list(cols)].min(axis=1)
        got = r[scen]["nearest_minutes"]
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy())
        share = kids[expected <= 15].sum() / kids.sum()
        summary = r.summary.set_index("scenario").loc[scen]
        assert summary["share_within_15"] == pytest.approx(share)
        assert summary["mean_minutes"] == pytest.approx(
            (expected * kids).sum() / kids[expected.notna()].sum())
    c = ga.compare(r, baseline="Current")
    prop = c["Keep 18"]
    assert (prop["change_minutes"] >= -1e-9).all()          # closing never helps
    assert set(prop["status"]) <= {"loss", "unchanged"}
    assert c.summary.loc[0, "population_loss"] == pytest.approx(
        kids[prop.index[prop["status"] == "loss"]].sum())
    # the fast path agrees with evaluate on the real matrix
    fast = ga.nearest_minutes_many(rutland_walk_tt, [current, keep18])
    np.testing.assert_array_equal(fast[1], r.wide().loc[raw.index, "Keep 18"].to_numpy())


# ---------------------------------------------------------------- origins (homes)
OFF_ROAD = "origin is 700 m from the nearest walk network edge (max_snap_m=500)"


@pytest.fixture
def homes():
    """Three areas with ten homes (origins), a fourth area with none, two sites.

    Origin weights are shares of the area's children (people = children × weight)::

        area (children)  origin  weight  people   S1    S2
        A (100)          a1      0.4     40        5    20
                         a2      0.3     30       12    25
                         a3      0.2     20       30     8
                         a4      0.1     10       16    16
        B (60)           b1      0.25    15       18     9
                         b2      0.25    15       40    14
                         b3      0.5     30      NaN    22
        C (40)           c1      0.5     20      NaN   NaN   (700 m from the network)
                         c2      0.3     12        6   NaN
                         c3      0.2      8       35   NaN
        D (20)           -- no origin in the matrix --
    """
    ids = ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "c1", "c2", "c3"]
    nan = np.nan
    minutes = pd.DataFrame({"S1": [5, 12, 30, 16, 18, 40, nan, nan, 6, 35],
                            "S2": [20, 25, 8, 16, 9, 14, 22, nan, nan, nan]},
                           index=ids, dtype=np.float32)
    origins = pd.DataFrame({"area_id": list("AAAABBBCCC"),
                            "weight": [0.4, 0.3, 0.2, 0.1, 0.25, 0.25, 0.5, 0.5, 0.3, 0.2],
                            "method": ["building"] * 4 + ["grid"] * 3 + ["centroid"] * 3},
                           index=ids)
    reason = pd.Series([pd.NA] * 7 + [OFF_ROAD] + [pd.NA] * 2, index=ids, dtype="object")
    tt = ga.TravelTimes(minutes, mode="walk", origins=origins, area_reason=reason)
    areas = pd.DataFrame({"area_id": list("ABCD"), "children": [100.0, 60, 40, 20]})
    return tt, areas


def test_origins_hand_worked_areas(homes):
    """Both sites open; each area aggregates its homes (shares of its children)::

        A: nearest 5 (S1), 12 (S1), 8 (S2), 16 (S1: a tie goes to the first site)
           mean 0.4×5 + 0.3×12 + 0.2×8 + 0.1×16 = 8.8
           sorted 5 (0.4) 8 (0.2) 12 (0.3) 16 (0.1): cumulative 0.4 0.6 0.9 1.0
           -> median 8, p90 12; within 10: 0.6, within 15: 0.9 (majority: True, True)
           nearest site S1 for 0.4 + 0.3 + 0.1 = 0.8; sites within 15: a1 1, a2 1,
           a3 1, a4 0 -> 0.9
        B: 9, 14, 22 (all S2): mean 2.25 + 3.5 + 11 = 16.75, median 14, p90 22;
           within 10: 0.25 (False), within 15: 0.5 (True: half counts)
        C: c1 no time (off the network), c2 6, c3 35 (S1): mean over the homes with a
           time (1.8 + 7) / 0.5 = 17.6, median 6, p90 35; within 10 and 15: 0.3 (the
           denominator is all of C's children); nearest S1 for 0.5
        D: no origin: NaN, reason "area has no origin in the travel-time matrix"
    """
    tt, areas = homes
    r = ga.evaluate(tt, areas, ga.Scenario("Both", {"S1": "hub", "S2": "centre"}),
                    population="children", thresholds=[10, 15])
    assert list(r.areas.columns) == [
        "area_id", "scenario", "nearest_minutes", "median_minutes", "p90_minutes",
        "nearest_site", "nearest_site_share", "within_10", "share_within_10",
        "sites_within_10", "within_15", "share_within_15", "sites_within_15", "origins",
        "origin_method", "children", "reason"]
    a = r["Both"]
    assert a.index.tolist() == ["A", "B", "C", "D"]
    np.testing.assert_allclose(a["nearest_minutes"].to_numpy(), [8.8, 16.75, 17.6, np.nan])
    np.testing.assert_allclose(a["median_minutes"].to_numpy(), [8, 14, 6, np.nan])
    np.testing.assert_allclose(a["p90_minutes"].to_numpy(), [12, 22, 35, np.nan])
    np.testing.assert_allclose(a["share_within_10"].to_numpy(), [0.6, 0.25, 0.3, 0.0])
    np.testing.assert_allclose(a["share_within_15"].to_numpy(), [0.9, 0.5, 0.3, 0.0])
    assert a["within_15"].tolist() == [True, True, False, False]
    assert a["within_10"].tolist() == [True, False, False, False]
    assert a["nearest_site"].tolist()[:3] == ["S1", "S2", "S1"]
    np.testing.assert_allclose(a["nearest_site_share"].to_numpy()[:3], [0.8, 1.0, 0.5])
    assert a.loc["A", "sites_within_15"] == pytest.approx(0.9)
    assert a["origins"].tolist() == [4, 3, 3, 0]
    assert a["origin_method"].tolist()[:3] == ["building", "grid", "centroid"]
    assert a["children"].tolist() == [100, 60, 40, 20]
    assert a["reason"].isna().tolist() == [True, True, True, False]
    assert a.loc["D", "reason"] == "area has no origin in the travel-time matrix"


def test_origins_hand_worked_summary_and_sites(homes):
    """The summary counts children at their homes (220 children; c1's 20 and D's 20
    have no time)::

        minutes (people): 5 (40) 6 (12) 8 (20) 9 (15) 12 (30) 14 (15) 16 (10) 22 (30)
                          35 (8); cumulative 40 52 72 87 117 132 142 172 180
        mean over the 180 reached: (200 + 72 + 160 + 135 + 360 + 210 + 160 + 660 + 280)
                                   / 180 = 2237 / 180
        median: first cumulative >= 90 -> 12; p90: >= 162 -> 22; max 35
        within 10: 87 of 220; within 15: 132 of 220
        nearest site: S1 for a1 a2 a4 c2 c3 = 100 (100/220), S2 for a3 b1 b2 b3 = 80
    """
    tt, areas = homes
    r = ga.evaluate(tt, areas, ga.Scenario("Both", {"S1": "hub", "S2": "centre"}),
                    population="children", thresholds=[10, 15])
    s = r.summary.iloc[0]
    assert s["population"] == pytest.approx(220)
    assert s["population_unreachable"] == pytest.approx(40)
    assert s["mean_minutes"] == pytest.approx(2237 / 180)
    assert (s["median_minutes"], s["p90_minutes"], s["max_minutes"]) == (12, 22, 35)
    assert s["population_within_10"] == pytest.approx(87)
    assert s["share_within_15"] == pytest.approx(132 / 220)
    assert (s["areas"], s["areas_unreachable"], s["origins"]) == (4, 1, 10)
    sites = r.sites.set_index("site_id")
    assert sites["population_nearest"].tolist() == pytest.approx([100, 80])
    assert sites.loc["S1", "share_nearest"] == pytest.approx(100 / 220)
    o = r.origins
    assert len(o) == 10 and o["children"].sum() == pytest.approx(180 + 20)
    assert o.set_index("origin_id").loc["a4", "nearest_site"] == "S1"


def test_origins_hand_worked_comparison(homes):
    """Closing S1: a1 5 -> 20, a2 12 -> 25 (lose 10/15-minute access: 40 and 70
    children), a4 16 -> 16 unchanged, c2 6 -> none and c3 35 -> none (losses: C is left
    without any time, reason given), c1 and D unknown::

        population_loss = 40 + 30 + 12 + 8 = 90; unknown = 20 (c1) + 20 (D)
        loses 10: a1 40 + c2 12 = 52; loses 15: a1 40 + a2 30 + c2 12 = 82
        mean change over homes with both times: (40×15 + 30×13) / (40+30+20+10+60) = 990/160
    By area, A goes from 8.8 to 0.4×20 + 0.3×25 + 0.2×8 + 0.1×16 = 18.7; its majority
    leaves the 10- and 15-minute bands (0.6 -> 0.2, 0.9 -> 0.3).
    """
    tt, areas = homes
    r = ga.evaluate(tt, areas, [ga.Scenario("Both", {"S1": "hub", "S2": "centre"}),
                                ga.Scenario("S2 only", {"S2": "centre"})],
                    population="children", thresholds=[10, 15])
    c = ga.compare(r)
    s = c.summary.iloc[0]
    assert s["population_loss"] == pytest.approx(90)
    assert s["population_unknown"] == pytest.approx(40)
    assert s["population_unchanged"] == pytest.approx(20 + 10 + 60)
    assert s["population_loses_10"] == pytest.approx(52)
    assert s["population_loses_15"] == pytest.approx(82)
    assert s["mean_change_minutes"] == pytest.approx(990 / 160)
    assert s["max_change_minutes"] == pytest.approx(15)
    a = c["S2 only"]
    assert a.loc["A", "nearest_minutes"] == pytest.approx(18.7)
    assert a.loc["A", "crossing"] == "loses 10- and 15-minute access"
    assert a.loc["A", "population_loses_15"] == pytest.approx(70)
    assert a.loc["C", "population_loses_15"] == pytest.approx(12)
    # people by status, area by area, add up to the summary (D, with no home, unknown)
    assert a.loc["A", ["population_loss", "population_unchanged"]].tolist() == \
        pytest.approx([70, 30])
    assert a.loc["C", ["population_loss", "population_unknown"]].tolist() == \
        pytest.approx([20, 20])
    assert a.loc["D", "population_unknown"] == 20
    assert a["population_loss"].sum() == pytest.approx(s["population_loss"])
    assert a.loc["C", "status"] == "loss"
    assert "no time from any origin of the area" in r["S2 only"].loc["C", "reason"]
    assert r["Both"].loc["C", "reason"] is None or pd.isna(r["Both"].loc["C", "reason"])
    o = c.origins.set_index("origin_id")
    assert o.loc["a1", "status"] == "loss" and bool(o.loc["a2", "loses_15"])
    assert o.loc["c1", "status"] == "unknown" and o.loc["a4", "status"] == "unchanged"


def test_origins_every_origin_off_network_gives_the_reason(homes):
    """An area whose every home is off the network reads NaN with that reason."""
    tt, areas = homes
    only_c1 = ga.TravelTimes(tt.minutes.loc[["a1", "c1"]], mode="walk",
                             origins=pd.DataFrame({"area_id": ["A", "C"], "weight": [1, 1]},
                                                  index=["a1", "c1"]),
                             area_reason=tt.area_reason.loc[["a1", "c1"]])
    r = ga.evaluate(only_c1, areas, ga.Scenario("Both", {"S1": "hub", "S2": "hub"}),
                    population="children")
    assert r["Both"].loc["C", "reason"] == f"every origin of the area: {OFF_ROAD}"
    assert np.isnan(r["Both"].loc["C", "nearest_minutes"])


def test_one_origin_per_area_gives_the_area_results(case):
    """A matrix whose rows are origins, one per area with weight 1, scores exactly as
    the same matrix by area (shares are 0 or 1 again)."""
    tt, areas, scen = case
    origins = pd.DataFrame({"area_id": tt.minutes.index, "weight": 1.0},
                           index=tt.minutes.index)
    by_origin = ga.TravelTimes(tt.minutes.copy(), mode="walk", origins=origins,
                               area_reason=tt.area_reason)
    r_area = ga.evaluate(tt, areas, scen, population="children", thresholds=[10, 15])
    r_orig = ga.evaluate(by_origin, areas, scen, population="children", thresholds=[10, 15])
    for col in ("nearest_minutes", "nearest_site", "within_10", "share_within_15",
                "children"):
        pd.testing.assert_series_equal(r_orig.areas[col], r_area.areas[col],
                                       check_dtype=False)
    same = ["population", "mean_minutes", "median_minutes", "share_within_10",
            "population_within_15", "areas_unreachable"]
    pd.testing.assert_frame_equal(r_orig.summary[same], r_area.summary[same])
    c_area, c_orig = ga.compare(r_area), ga.compare(r_orig)
    pd.testing.assert_frame_equal(c_orig.summary, c_area.summary)
