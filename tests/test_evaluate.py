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
