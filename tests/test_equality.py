"""Tests of geoaccess.equality: indices, relative risk, breakdowns, findings and export.

Every index is checked against a value worked by hand (the working is in the docstring)
and against an independent formula written here: the double-sum mean difference and the
Lorenz-curve trapezoid for the Gini, the concentration-curve area for the concentration
index, and individual-level (expanded) data for the population weighting.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geoaccess.equality as eq
from geoaccess.equality import _format as fmt
from geoaccess.equality.export import _sheet_names
from geoaccess.equality.narrative import within_phrase
from geoaccess.errors import InputError

# ------------------------------------------------------------------ independent formulas


def gini_mean_difference(x, w):
    """Gini as half the relative mean difference, by an explicit double sum."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    total, mu = w.sum(), np.dot(w, x) / w.sum()
    s = sum(w[i] * w[j] * abs(x[i] - x[j]) for i in range(len(x)) for j in range(len(x)))
    return s / (2 * total**2 * mu)


def curve_area(x, w, order_key):
    """Area under the curve of cumulative value share against cumulative population share.

    Areas are taken in ascending ``order_key``; areas with equal keys are merged into one
    point first (their order is then irrelevant). Trapezoid rule, exact for grouped data.
    """
    frame = pd.DataFrame({"k": order_key, "w": w, "wx": np.asarray(w) * np.asarray(x)})
    g = frame.groupby("k", sort=True)[["w", "wx"]].sum()
    F = np.concatenate([[0.0], g.w.cumsum() / g.w.sum()])
    L = np.concatenate([[0.0], g.wx.cumsum() / g.wx.sum()])
    return float(np.sum(np.diff(F) * (L[1:] + L[:-1]) / 2))


def gini_sorted_individuals(people):
    """Unweighted Gini of individual values: 2 sum(i x_(i)) / (n sum x) - (n + 1) / n."""
    y = np.sort(np.asarray(people, float))
    n = len(y)
    i = np.arange(1, n + 1)
    return 2 * np.dot(i, y) / (n * y.sum()) - (n + 1) / n


def expand(x, w):
    """One entry per person: area values repeated by their (whole) population."""
    return np.repeat(np.asarray(x, float), np.asarray(w, int))


# ----------------------------------------------------------------------------- indices
X = [10.0, 20.0, 40.0]
W = [3.0, 1.0, 1.0]
DECILE = [2, 1, 2]


def test_gini_hand_worked():
    """Gini of 10, 20, 40 minutes for 3, 1, 1 people.

    W = 5, mu = (30 + 20 + 40) / 5 = 18. Sum over ordered pairs of w_i w_j |x_i - x_j| =
    2 (3*1*10 + 3*1*30 + 1*1*20) = 280, so G = 280 / (2 * 25 * 18) = 280 / 900 = 0.31111.
    Lorenz check: sorted F = 0, .6, .8, 1 and L = 0, 30/90, 50/90, 1; trapezoid sum
    .6*(1/3) + .2*(1/3 + 5/9) + .2*(5/9 + 1) = 0.68889, G = 1 - 0.68889 = 0.31111.
    """
    r = eq.indices(X, W)
    assert r["gini"] == pytest.approx(280 / 900, abs=1e-12)
    assert r["gini"] == pytest.approx(gini_mean_difference(X, W), abs=1e-12)
    assert r["gini"] == pytest.approx(1 - 2 * curve_area(X, W, X), abs=1e-12)
    assert math.isnan(r["concentration"])


def test_palma_hand_worked():
    """Palma of 10, 20, 40 minutes for 3, 1, 1 people.

    Lorenz curve through (0, 0), (.6, 1/3), (.8, 5/9), (1, 1). L(0.4) = (.4/.6) * 1/3
    = 2/9 (bottom 40% hold 2/9 of all minutes); L(0.9) = 5/9 + (.1/.2) * 4/9 = 7/9, so
    the top 10% hold 2/9. Palma = (2/9) / (2/9) = 1.
    """
    assert eq.indices(X, W)["palma"] == pytest.approx(1.0, abs=1e-12)


def test_theil_hand_worked():
    """Theil T of 10, 20, 40 minutes for 3, 1, 1 people.

    mu = 18, so x/mu = 5/9, 10/9, 20/9 and
    T = (1/5) [3 (5/9) ln(5/9) + (10/9) ln(10/9) + (20/9) ln(20/9)]
      = (1/5) [-0.979644 + 0.117067 + 1.774462] = 0.182377.
    """
    expected = (3 * (5 / 9) * math.log(5 / 9) + (10 / 9) * math.log(10 / 9)
                + (20 / 9) * math.log(20 / 9)) / 5
    assert expected == pytest.approx(0.182377, abs=1e-6)
    assert eq.indices(X, W)["theil"] == pytest.approx(expected, abs=1e-12)


def test_concentration_hand_worked_with_tied_ranks():
    """Concentration index of 10, 20, 40 minutes, 3, 1, 1 people, IMD deciles 2, 1, 2.

    Ranked from the most deprived: area 2 (decile 1, 1 person) covers the population
    interval (0, .2], fractional rank .1; areas 1 and 3 (decile 2, tied, 4 people) share
    (.2, 1], rank .6. cov = [3 (10-18)(.6-.5) + 1 (20-18)(.1-.5) + 1 (40-18)(.6-.5)] / 5
    = (-2.4 - 0.8 + 2.2) / 5 = -0.2, so C = 2 (-0.2) / 18 = -0.022222.
    Curve check: points (0, 0), (.2, 20/90), (1, 1); area = .2 (2/9)/2 + .8 (2/9 + 1)/2
    = 0.511111, C = 1 - 2 (0.511111) = -0.022222.
    """
    r = eq.indices(X, W, rank_by=DECILE)
    assert r["concentration"] == pytest.approx(-0.4 / 18, abs=1e-12)
    assert r["concentration"] == pytest.approx(1 - 2 * curve_area(X, W, DECILE), abs=1e-12)


def test_equal_values_give_zero_and_palma_quarter():
    """Everyone at 12 minutes: no inequality; Palma = 0.1 / 0.4 = 0.25."""
    r = eq.indices([12.0] * 4, [5, 1, 7, 2], rank_by=[1, 2, 3, 4])
    assert r["gini"] == pytest.approx(0, abs=1e-12)
    assert r["concentration"] == pytest.approx(0, abs=1e-12)
    assert r["theil"] == pytest.approx(0, abs=1e-12)
    assert r["palma"] == pytest.approx(0.25, abs=1e-12)


def test_all_zero_values_are_undefined_and_zero_bottom_gives_infinite_palma():
    r = eq.indices([0.0, 0.0], [1, 1])
    assert all(math.isnan(v) for v in r.values())
    # 60% of people at 0 minutes: the bottom 40% hold nothing
    assert eq.indices([0.0, 10.0], [6, 4])["palma"] == math.inf


def test_series_are_aligned_on_the_index():
    x = pd.Series(X, index=["a", "b", "c"])
    w = pd.Series(W[::-1], index=["c", "b", "a"])
    rank = pd.Series([2, 2, 1], index=["c", "a", "b"])
    assert eq.indices(x, w, rank_by=rank) == pytest.approx(eq.indices(X, W, rank_by=DECILE))


def test_unweighted_when_weights_none():
    assert eq.indices([1.0, 2.0, 3.0], None)["gini"] == pytest.approx(
        gini_mean_difference([1, 2, 3], [1, 1, 1]))


def test_nan_policy():
    x = pd.Series([10.0, np.nan, 40.0], index=["E1", "E2", "E3"])
    w = pd.Series([1.0, 1.0, 1.0], index=x.index)
    with pytest.raises(InputError, match="E2") as err:
        eq.indices(x, w)
    assert err.value.rows == ["E2"]
    assert eq.indices(x, w, nan_policy="omit") == pytest.approx(
        eq.indices([10.0, 40.0], [1, 1]), nan_ok=True)


@pytest.mark.parametrize(("kwargs", "match", "rows"), [
    ({"values": [1.0, -2.0], "weights": [1, 1]}, "values must be finite and >= 0",
     ["row 2"]),
    ({"values": [1.0, 2.0], "weights": [0, 0]}, "zero in every row", ["row 1", "row 2"]),
    ({"values": [1.0, 2.0], "weights": [1, -1]}, "weights must be finite", ["row 2"]),
    ({"values": [1.0, 2.0], "weights": [1, 1, 1]}, "has 3 values", []),
    ({"values": ["x", 2.0], "weights": [1, 1]}, "non-numeric", ["row 1"]),
])
def test_indices_bad_input(kwargs, match, rows):
    with pytest.raises(InputError, match=match) as err:
        eq.indices(kwargs["values"], kwargs["weights"])
    assert err.value.rows == rows


def test_mismatched_series_index_names_the_ids():
    x = pd.Series([1.0, 2.0], index=["E1", "E2"])
    w = pd.Series([1.0, 2.0], index=["E1", "E9"])
    with pytest.raises(InputError, match="E9") as err:
        eq.indices(x, w)
    assert set(err.value.rows) == {"E2", "E9"}


positive = st.floats(min_value=0.5, max_value=120, allow_nan=False)
people = st.integers(min_value=0, max_value=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(positive, people, st.integers(1, 10)), min_size=1, max_size=12))
def test_weighted_equals_expanded_individuals(rows):
    """Weights act as whole people: same Gini, Theil and Palma as expanded data."""
    x = [r[0] for r in rows]
    w = [r[1] for r in rows]
    if sum(w) == 0:
        return
    r = eq.indices(x, w, rank_by=[r[2] for r in rows])
    people_values = expand(x, w)
    assert r["gini"] == pytest.approx(gini_sorted_individuals(people_values), abs=1e-9)
    assert r["gini"] == pytest.approx(gini_mean_difference(x, w), abs=1e-9)
    mu = people_values.mean()
    ratio = people_values / mu
    assert r["theil"] == pytest.approx(np.mean(ratio * np.log(ratio)), abs=1e-9)
    assert 0 <= r["gini"] < 1
    assert -1 <= r["concentration"] <= 1
    # the concentration index is the Gini when areas are ranked by the value itself
    assert eq.indices(x, w, rank_by=x)["concentration"] == pytest.approx(r["gini"], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(positive, st.integers(1, 5)), min_size=1, max_size=8))
def test_palma_against_expanded_individuals(rows):
    """With 10 people per unit of weight the 10%/40% cuts fall between people."""
    x = [r[0] for r in rows]
    w = [10 * r[1] for r in rows]
    people_values = np.sort(expand(x, w))
    n = len(people_values)
    expected = people_values[-n // 10:].sum() / people_values[: 4 * n // 10].sum()
    assert eq.indices(x, w)["palma"] == pytest.approx(expected, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(positive, people, st.integers(1, 10)), min_size=2, max_size=10),
       st.floats(min_value=0.1, max_value=50))
def test_scale_invariance_and_rank_ties(rows, factor):
    """Indices ignore the unit (minutes or hours) and the order of areas within a tie."""
    x = np.array([r[0] for r in rows])
    w = np.array([r[1] for r in rows], float)
    rank = np.array([r[2] for r in rows])
    if w.sum() == 0:
        return
    a = eq.indices(x, w, rank_by=rank)
    b = eq.indices(x * factor, w, rank_by=rank)
    for key in a:
        assert b[key] == pytest.approx(a[key], rel=1e-9, abs=1e-12)
    perm = np.random.default_rng(0).permutation(len(x))
    c = eq.indices(x[perm], w[perm], rank_by=rank[perm])
    for key in a:
        assert c[key] == pytest.approx(a[key], rel=1e-9, abs=1e-12)
    assert a["concentration"] == pytest.approx(1 - 2 * curve_area(x, w, rank), abs=1e-9)


# ----------------------------------------------------------------------- relative risk
def test_katz_hand_worked_and_against_scipy():
    """30 of 200 exposed and 40 of 800 others lose access.

    RR = (30/200) / (40/800) = 0.15 / 0.05 = 3.
    se(ln RR) = sqrt(1/30 - 1/200 + 1/40 - 1/800) = sqrt(0.0520833) = 0.228218.
    z = 1.959964; limits 3 exp(-/+ 0.447299) = 3 * 0.639353 = 1.91806 and
    3 * 1.564081 = 4.69224.
    """
    from scipy.stats.contingency import relative_risk as scipy_rr

    rr = eq.RelativeRisk.from_counts(30, 200, 40, 800)
    se = math.sqrt(1 / 30 - 1 / 200 + 1 / 40 - 1 / 800)
    assert se == pytest.approx(0.228218, abs=1e-6)
    assert rr.risk_ratio == pytest.approx(3.0)
    assert rr.lower == pytest.approx(1.91806, abs=1e-5)
    assert rr.upper == pytest.approx(4.69224, abs=1e-5)
    ci = scipy_rr(30, 200, 40, 800).confidence_interval(0.95)
    assert (rr.lower, rr.upper) == pytest.approx((ci.low, ci.high), rel=1e-12)
    assert rr.exposed_risk == pytest.approx(0.15) and rr.other_risk == pytest.approx(0.05)
    ci90 = scipy_rr(30, 200, 40, 800).confidence_interval(0.90)
    rr90 = eq.RelativeRisk.from_counts(30, 200, 40, 800, confidence=0.9)
    assert (rr90.lower, rr90.upper) == pytest.approx((ci90.low, ci90.high), rel=1e-12)


@pytest.mark.parametrize(("a", "c"), [(0, 5), (5, 0), (0, 0)])
def test_katz_zero_cells_follow_scipy(a, c):
    from scipy.stats.contingency import relative_risk as scipy_rr

    ours = eq.RelativeRisk.from_counts(a, 50, c, 60)
    theirs = scipy_rr(a, 50, c, 60)
    ci = theirs.confidence_interval()
    np.testing.assert_equal([ours.risk_ratio, ours.lower, ours.upper],
                            [theirs.relative_risk, ci.low, ci.high])


def test_relative_risk_from_areas_with_boolean_events():
    """Areas A, B exposed (100 people each), C, D not (400 each); A and C lose access.

    Booleans mean the whole area loses: a = 100 of 200, c = 400 of 800, RR = 0.5/0.5 = 1.
    The three Series come in different orders and are aligned on their index.
    """
    loses = pd.Series({"C": True, "A": True, "D": False, "B": False})
    population = pd.Series({"A": 100, "B": 100, "C": 400, "D": 400})
    exposed = pd.Series({"D": False, "B": True, "A": True, "C": False})
    rr = eq.relative_risk(loses, population, exposed)
    assert (rr.exposed_events, rr.exposed_total) == (100, 200)
    assert (rr.other_events, rr.other_total) == (400, 800)
    assert rr.risk_ratio == pytest.approx(1.0)
    assert (rr.exposed_areas, rr.other_areas) == (2, 2)


def test_cluster_interval_hand_worked():
    """Area-clustered interval: exposed areas (y, n) = (50, 100), (0, 100), (20, 100);
    other areas (10, 200), (0, 300).

    p1 = 70/300 = 0.233333; residuals y - p1 n = 26.667, -23.333, -3.333, squares sum
    1266.667; var(p1) = 3/2 * 1266.667 / 300^2 = 0.0211111; var(ln p1) = var/p1^2 =
    0.387755.  p0 = 10/500 = 0.02; residuals 6, -6; var(p0) = 2/1 * 72 / 500^2 =
    0.000576; var(ln p0) = 1.44.  se(ln RR) = sqrt(1.827755) = 1.351945; RR = 11.6667;
    t(0.975, df = 5 - 2 = 3) = 3.182446; limits 11.6667 exp(-/+ 4.302492) = 0.157906 and
    861.98.
    """
    from scipy.stats import t

    y = [50, 0, 20, 10, 0]
    n = [100, 100, 100, 200, 300]
    ex = [True, True, True, False, False]
    rr = eq.relative_risk(y, n, ex, method="cluster")
    var_log = (1.5 * 1266.6666666666667 / 300**2) / (70 / 300) ** 2 + 2 * 72 / 500**2 / 0.02**2
    assert var_log == pytest.approx(1.827755, abs=1e-6)
    half = t.ppf(0.975, 3) * math.sqrt(var_log)
    assert rr.risk_ratio == pytest.approx(35 / 3)
    assert rr.lower == pytest.approx(35 / 3 * math.exp(-half), rel=1e-12)
    assert rr.upper == pytest.approx(35 / 3 * math.exp(half), rel=1e-12)
    assert (rr.lower, rr.upper) == pytest.approx((0.157906, 861.98), abs=1e-2)
    # the Katz interval on the same counts is far narrower
    katz = eq.relative_risk(y, n, ex)
    assert rr.lower < katz.lower < katz.upper < rr.upper
    assert "cluster" in str(rr)


def test_cluster_interval_needs_two_areas_a_side():
    rr = eq.relative_risk([5, 1, 2], [10, 10, 10], [True, False, False], method="cluster")
    assert rr.risk_ratio == pytest.approx(5 / 1.5)
    assert math.isnan(rr.lower) and math.isnan(rr.upper)


@pytest.mark.parametrize(("events", "pop", "exposed", "match"), [
    ([5, 20], [10, 10], [True, False], "between 0 and the area's population"),
    ([0, 0], [0, 0], [True, False], "zero in every row"),
    ([1, 2], [10, 10], [False, False], "exposed group has no people"),
    ([1, 2], [10, np.nan], [True, False], "population is missing"),
    ([1, 2], [10, 10], [True, None], "exposed is missing"),
])
def test_relative_risk_bad_input(events, pop, exposed, match):
    with pytest.raises(InputError, match=match):
        eq.relative_risk(events, pop, pd.Series(exposed, dtype=object)
                         if None in exposed else exposed)


# ------------------------------------------------------------------------- deprivation
def test_quintile_from_decile():
    dec = pd.Series(pd.array([1, 2, 3, 6, 7, 10, None], dtype="Int64"),
                    index=[f"E{i}" for i in range(7)])
    q = eq.quintile_from_decile(dec)
    assert q.tolist()[:6] == [1, 1, 2, 3, 4, 5]
    assert q.isna().tolist() == [False] * 6 + [True]
    assert q.index.equals(dec.index) and str(q.dtype) == "Int64"


@pytest.mark.parametrize("bad", [0, 11, 6.5])
def test_quintile_from_bad_decile_names_rows(bad):
    dec = pd.Series([3, bad, 5], index=["E1", "E2", "E3"])
    with pytest.raises(InputError, match="imd_decile") as err:
        eq.quintile_from_decile(dec)
    assert err.value.rows == ["E2"] and err.value.column == "imd_decile"


# ------------------------------------------------------------- a hand-worked comparison
#: Four areas, two sites; "Close S2" leaves only S1 open.
#:
#:          S1    S2   children  decile  ward   disabled
#:    E1     5    20      100       1    North    0.10
#:    E2    25     8      300       1    North    0.50
#:    E3    14    30      100       3    South    0.10
#:    E4     -    12       50       3    South    0.20
#:
#: Nearest now: 5, 8, 14, 12; after closing S2: 5, 25, 14, none.
#: E2 (8 -> 25) loses 10- and 15-minute access; E4 (12 -> none) loses 15-minute access.
MATRIX = pd.DataFrame({"S1": [5.0, 25.0, 14.0, np.nan], "S2": [20.0, 8.0, 30.0, 12.0]},
                      index=["E1", "E2", "E3", "E4"])
AREAS = pd.DataFrame({
    "area_id": ["E1", "E2", "E3", "E4"],
    "children_0_4": [100.0, 300.0, 100.0, 50.0],
    "imd_decile": [1, 1, 3, 3],
    "ward": ["North", "North", "South", "South"],
    "disabled_share": [0.1, 0.5, 0.1, 0.2],
})


@pytest.fixture
def comparison():
    import geoaccess as ga

    tt = ga.TravelTimes.from_frame(MATRIX, mode="walk")
    result = ga.evaluate(tt, AREAS, [ga.Scenario("Now", {"S1": "centre", "S2": "centre"}),
                                     ga.Scenario("Close S2", {"S1": "centre"})],
                         population="children_0_4", thresholds=[10, 15])
    return ga.compare(result)


def rows_of(table, scenario, group_col, group):
    row = table[(table.scenario == scenario) & (table[group_col] == group)]
    assert len(row) == 1
    return row.iloc[0]


def test_breakdown_hand_worked(comparison):
    """Breakdown by decile under "Close S2".

    Decile 1 (E1 100 at 5 min, E2 300 at 25): mean (500 + 7500)/400 = 20; median 25
    (only 100 of 400 are at <= 5); within 10 and 15: E1 only, 100 (0.25). E2 loses both:
    300 lose 15-minute access of 350 in all (E2 300 + E4 50), so the decile's share of
    losers is 300/350 = 0.857143 against 400/550 = 0.727273 of the population. Mean
    change over areas with both times (E1 0, E2 +17) = 5100/400 = 12.75.
    Decile 3 (E3 100 at 14, E4 50 with no time): mean 14 over the 100 reached, 50
    unreachable, within 15: 100/150; 50 lose 15-minute access (share 1/3; 50/350 of losers).
    All: mean (500 + 7500 + 1400)/500 = 18.8, median 25 (200 of 500 at <= 14).
    """
    b = eq.breakdown(comparison, AREAS, by="imd_decile")
    assert b["imd_decile"].tolist() == [1, 3, "All areas"] * 2
    d1 = rows_of(b, "Close S2", "imd_decile", 1)
    assert (d1.population, d1.mean_minutes, d1.median_minutes, d1.p90_minutes) == (
        400, 20, 25, 25)
    assert (d1.population_within_10, d1.share_within_15) == (100, 0.25)
    assert (d1.population_loses_10, d1.population_loses_15) == (300, 300)
    assert d1.share_of_losers_15 == pytest.approx(300 / 350)
    assert d1.share_of_population == pytest.approx(400 / 550)
    assert d1.mean_change_minutes == pytest.approx(12.75)
    assert (d1.population_loss, d1.population_unchanged, d1.share_loss) == (300, 100, 0.75)
    d3 = rows_of(b, "Close S2", "imd_decile", 3)
    assert (d3.population, d3.mean_minutes, d3.population_unreachable) == (150, 14, 50)
    assert d3.areas_unreachable == 1
    assert d3.share_within_15 == pytest.approx(100 / 150)
    assert d3.share_loses_15 == pytest.approx(1 / 3)
    assert d3.share_of_losers_15 == pytest.approx(50 / 350)
    assert (d3.mean_change_minutes, d3.population_loss) == (0, 50)
    total = rows_of(b, "Close S2", "imd_decile", "All areas")
    assert (total.mean_minutes, total.median_minutes) == (pytest.approx(18.8), 25)
    assert (total.population_loses_15, total.share_of_losers_15) == (350, 1.0)
    now = rows_of(b, "Now", "imd_decile", 1)
    assert (now.mean_minutes, now.median_minutes) == (pytest.approx(7.25), 8)
    assert pd.isna(now.baseline) and math.isnan(now.population_loses_15)
    assert b.attrs["population"] == "children_0_4" and b.attrs["baseline"] == "Now"


def test_breakdown_totals_match_the_result_summary(comparison):
    """The total rows (and by=None) repeat Result.summary, computed by geoaccess.evaluate."""
    summary = comparison.result.summary.set_index("scenario")
    for table in (eq.breakdown(comparison, AREAS, by="ward"),
                  eq.breakdown(comparison, AREAS, by=None)):
        totals = table[table["scenario"].isin(summary.index)]
        if "ward" in table:
            totals = totals[totals["ward"] == "All areas"]
        totals = totals.set_index("scenario")
        common = [c for c in summary.columns if c in totals.columns]
        assert len(common) >= 12
        pd.testing.assert_frame_equal(totals[common], summary[common], check_dtype=False,
                                      check_index_type=False)


def test_breakdown_groups_add_up_to_an_independent_groupby(comparison):
    """People losing 15-minute access per ward, by a plain pandas merge and groupby."""
    b = eq.breakdown(comparison, AREAS, by="ward", total=False)
    merged = comparison.areas.merge(AREAS[["area_id", "ward"]], on="area_id")
    merged["lose15"] = merged["children_0_4"] * merged["loses_15"]
    expected = merged.groupby("ward")["lose15"].sum()
    got = b[b.scenario == "Close S2"].set_index("ward")["population_loses_15"]
    pd.testing.assert_series_equal(got.astype(float), expected.astype(float),
                                   check_names=False, check_index_type=False)
    assert "All areas" not in b["ward"].tolist()


def test_breakdown_by_derived_quintile_and_cross_classification(comparison):
    b = eq.breakdown(comparison, AREAS, by="imd_quintile", total=False)
    assert sorted(set(b["imd_quintile"])) == [1, 2]  # deciles 1 -> quintile 1, 3 -> 2
    cross = eq.breakdown(comparison, AREAS, by=["imd_quintile", "ward"])
    keys = cross[cross.scenario == "Now"][["imd_quintile", "ward"]].values.tolist()
    assert keys == [[1, "North"], [2, "South"], ["All areas", "All areas"]]


def test_breakdown_of_a_result_with_baseline_keyword(comparison):
    a = eq.breakdown(comparison.result, AREAS, baseline="Now")
    b = eq.breakdown(comparison, AREAS)
    pd.testing.assert_frame_equal(a, b)
    plain = eq.breakdown(comparison.result, AREAS)
    assert plain["population_loses_15"].isna().all()


def test_breakdown_missing_values_form_their_own_group(comparison):
    areas = AREAS.assign(ward=["North", None, "South", "South"])
    b = eq.breakdown(comparison, areas, by="ward", total=False)
    assert b[b.scenario == "Now"]["ward"].tolist() == ["North", "South", "not recorded"]


@pytest.mark.parametrize(("change", "by", "match", "column", "rows"), [
    ({}, "tenure", "no column 'tenure'", "tenure", []),
    ({"imd_decile": [1, 11, 3, 0]}, "imd_decile", "IMD deciles", "imd_decile",
     ["E2", "E4"]),
    ({"imd_decile": [1, 2.5, 3, 3]}, "imd_decile", "whole numbers", "imd_decile", ["E2"]),
    ({"children_0_4": [0.0, 0.0, 0.0, 0.0]}, "ward", "zero in every row", "children_0_4",
     ["E1", "E2", "E3", "E4"]),
    ({"children_0_4": [1.0, -5.0, np.nan, 1.0]}, "ward", "missing or negative",
     "children_0_4", ["E2", "E3"]),
])
def test_breakdown_bad_input(comparison, change, by, match, column, rows):
    areas = AREAS.assign(**change)
    with pytest.raises(InputError, match=match) as err:
        eq.breakdown(comparison, areas, by=by)
    assert err.value.column == column
    assert err.value.rows == rows


def test_breakdown_quintile_without_decile_and_missing_areas(comparison):
    with pytest.raises(InputError, match="derived from an 'imd_decile'"):
        eq.breakdown(comparison, AREAS.drop(columns="imd_decile"), by="imd_quintile")
    with pytest.raises(InputError, match="not in the areas table") as err:
        eq.breakdown(comparison, AREAS.iloc[:3], by="ward")
    assert err.value.rows == ["E4"]
    with pytest.raises(InputError, match="expected a Result"):
        eq.breakdown(AREAS, AREAS)


# ---------------------------------------------------------------------- group exposure
def test_group_exposure_hand_worked(comparison):
    """Disabled children: shares 0.1, 0.5, 0.1, 0.2 of 100, 300, 100, 50 = 10, 150, 10, 10.

    180 of 550 are disabled (0.327273). E2 and E4 lose 15-minute access: 350 children,
    of whom 150 + 10 = 160 disabled, 160/350 = 0.457143 of those losing; the ratio is
    0.457143 / 0.327273 = 1.396825. Group risk 160/180 = 0.888889; everyone else
    (350 - 160) / (550 - 180) = 190/370 = 0.513514.
    """
    g = eq.group_exposure(comparison, AREAS, {"disabled_share": "disabled"},
                          outcomes=["loses_15", "loss"])
    row = g[g.outcome == "loses_15"].iloc[0]
    assert (row.group_population, row.population_losing, row.group_population_losing) == (
        pytest.approx(180), 350, pytest.approx(160))
    assert row.group_share_of_population == pytest.approx(180 / 550)
    assert row.group_share_of_losing == pytest.approx(160 / 350)
    assert row.representation_ratio == pytest.approx((160 / 350) / (180 / 550))
    assert (row.group_risk, row.others_risk) == (pytest.approx(160 / 180),
                                                  pytest.approx(190 / 370))
    assert row.group_label == "disabled" and row.baseline == "Now"
    # "loss" (longer journey or none) is E2 and E4 as well here
    assert g[g.outcome == "loss"].iloc[0].group_population_losing == pytest.approx(160)


@pytest.mark.parametrize(("values", "match", "rows"), [
    ([10, 50, 10, 20], "divide the column by 100", ["E1", "E2", "E3", "E4"]),
    ([0.1, -0.5, 0.1, 0.2], "between 0 and 1", ["E2"]),
    ([0.1, np.nan, 0.1, 0.2], "missing for rows", ["E2"]),
])
def test_group_exposure_bad_shares(comparison, values, match, rows):
    with pytest.raises(InputError, match=match) as err:
        eq.group_exposure(comparison, AREAS.assign(disabled_share=values), "disabled_share")
    assert err.value.rows == rows and err.value.column == "disabled_share"


def test_group_exposure_needs_a_baseline(comparison):
    with pytest.raises(InputError, match="baseline"):
        eq.group_exposure(comparison.result, AREAS, "disabled_share")
    with pytest.raises(InputError, match="unknown outcomes"):
        eq.group_exposure(comparison, AREAS, "disabled_share", outcomes="loses_99")


# ------------------------------------------------------------------ risk and inequality
def test_risk_table_hand_worked(comparison):
    """Deciles 1-2 (E1, E2) against the rest (E3, E4), losing 15-minute access.

    Exposed: 300 of 400 (0.75); others: 50 of 150 (1/3); RR = 2.25.
    Katz: se = sqrt(1/300 - 1/400 + 1/50 - 1/150) = 0.119024; limits 2.25 exp(-/+ 0.233282)
    = 2.25 * 0.791930 = 1.78184 and 2.25 * 1.262738 = 2.84116.
    Clustered: exposed residuals 0 - 0.75*100 = -75, 300 - 225 = 75, var(p1) = 2 * 11250
    / 400^2 = 0.140625, var(ln p1) = 0.25; others: -33.33, 33.33, var(p0) = 2 * 2222.2 /
    150^2 = 0.197531, var(ln p0) = 1.777778; se = sqrt(2.027778); t(0.975, 2) = 4.302653.
    Concentration of losing (y = 0, 1, 0, 1) ranked by decile: fractional ranks 200/550
    and 475/550; C = 2 cov / mean = -0.129870.
    """
    from scipy.stats import t

    table = eq.risk_table(comparison, AREAS, outcomes="loses_15")
    row = table.iloc[0]
    assert row.exposed_deciles == "deciles 1–2"
    assert "20% most deprived areas of England" in row.exposed_group
    assert (row.exposed_risk, row.other_risk, row.risk_ratio) == (
        0.75, pytest.approx(1 / 3), pytest.approx(2.25))
    assert (row.katz_lower, row.katz_upper) == (pytest.approx(1.78184, abs=1e-5),
                                                pytest.approx(2.84116, abs=1e-5))
    half = t.ppf(0.975, 2) * math.sqrt(0.25 + 16 / 9)
    assert (row.cluster_lower, row.cluster_upper) == (
        pytest.approx(2.25 * math.exp(-half)), pytest.approx(2.25 * math.exp(half)))
    y = np.array([0.0, 1.0, 0.0, 1.0])
    w = AREAS["children_0_4"].to_numpy()
    assert row.concentration_index == pytest.approx(
        1 - 2 * curve_area(y, w, AREAS["imd_decile"]), abs=1e-12)
    assert row.concentration_index == pytest.approx(-0.129870, abs=1e-6)


def test_risk_table_empty_without_contrast(comparison):
    assert eq.risk_table(comparison, AREAS.drop(columns="imd_decile")).empty
    assert eq.risk_table(comparison, AREAS.assign(imd_decile=4)).empty


def test_inequality_table_matches_indices(comparison):
    """Per scenario, indices of nearest minutes over areas with a time (E4 left out)."""
    table = eq.inequality(comparison, AREAS).set_index("scenario")
    now = eq.indices([5.0, 8.0, 14.0, 12.0], [100, 300, 100, 50], rank_by=[1, 1, 3, 3])
    closed = eq.indices([5.0, 25.0, 14.0], [100, 300, 100], rank_by=[1, 1, 3])
    for scenario, expected in (("Now", now), ("Close S2", closed)):
        for key, value in expected.items():
            assert table.loc[scenario, key] == pytest.approx(value)
    assert table.loc["Close S2", "areas_without_time"] == 1
    assert table.loc["Close S2", "population_without_time"] == 50
    # (100*5 + 300*8 + 100*14 + 50*12) / 550 = 4900 / 550
    assert table.loc["Now", "mean_minutes"] == pytest.approx(4900 / 550)
    assert (table["rank_by"] == "imd_decile").all()


# --------------------------------------------------------------------------- findings
def test_findings_sentences_hand_worked(comparison):
    """The numbers of the hand-worked comparison, as a reader sees them.

    350 of 550 children lose 15-minute access (63.6% -> "64%"); 300 of them (85.7%) are
    in deciles 1-2, which hold 400 of 550 children (72.7%). Mean over areas with both
    times: (100*5 + 300*8 + 100*14)/500 = 8.6 before, (500 + 7500 + 1400)/500 = 18.8
    after. E4's 50 children (9.1%) have no time at all. RR 2.25 (Katz 1.78 to 2.84).
    Disabled: 160 of 350 losing (45.7%) against 180 of 550 (32.7%).
    """
    f = eq.findings(comparison, AREAS, service="a centre", shares=["disabled_share"])
    s = f.for_scenario("Close S2")
    assert s[0] == ("Under Close S2, 350 children aged 0–4 (64%) would no longer have a "
                    "centre within 15 minutes' walk; 86% of them live in the 20% most "
                    "deprived areas of England (IMD deciles 1–2), against 73% of all "
                    "children aged 0–4.")
    assert s[1] == ("The average journey of children aged 0–4 to the nearest open centre "
                    "would rise from 8.6 to 18.8 minutes; 350 (64%) would have a longer "
                    "journey and none a shorter one.")
    assert s[2].startswith("50 children aged 0–4 (9.1%) would have no journey time")
    assert s[3].startswith("Children aged 0–4 in the 20% most deprived areas of England "
                           "(IMD deciles 1–2) would be 2.25 times as likely to lose "
                           "15-minute access as other children aged 0–4 (75% against 33%; "
                           "relative risk 2.25, 95% confidence interval ")
    # the findings quote the interval allowing for whole areas changing together; the Katz
    # interval (1.78 to 2.84) and how both are computed are for the method appendix
    assert "Katz" not in " ".join(f.sentences)
    assert s[4] == ("An estimated 46% of the children aged 0–4 losing 15-minute access under "
                    "Close S2 are disabled, against 33% of all children aged 0–4. This is an "
                    "estimate: it applies each area's share of residents who are disabled "
                    "(of all ages) to its children aged 0–4.")
    assert any("supplied as a matrix" in c for c in f.caveats)
    assert any("1 of 4 areas has no journey time" in c for c in f.caveats)
    assert "Caveats:" in str(f) and "**Close S2**" in f._repr_markdown_()


def test_findings_other_threshold_and_no_losers(comparison):
    f = eq.findings(comparison, AREAS, threshold_minutes=10, population_label="young children")
    assert f.sentences[0].startswith("Under Close S2, 300 young children (55%) would no "
                                     "longer have an open site within 10 minutes' walk")
    areas = AREAS.assign(imd_decile=[5, 5, 8, 9])
    none = eq.findings(comparison.result.compare("Close S2"), areas, threshold_minutes=15)
    # against "Close S2" as baseline, "Now" only gains
    assert none.sentences[0] == ("Under Now, no children aged 0–4 would lose an open site "
                                 "within 15 minutes' walk.")
    assert none.sentences[1] == ("350 children aged 0–4 (64%) would newly have an open "
                                 "site within 15 minutes' walk.")
    with pytest.raises(InputError, match="not evaluated"):
        eq.findings(comparison, AREAS, threshold_minutes=20)


def test_findings_phrase_local_deprivation_honestly(comparison):
    """An affluent place (deciles 6-10 like Rutland): no claim about national deciles 1-2."""
    areas = AREAS.assign(imd_decile=[6, 7, 9, 10])
    f = eq.findings(comparison, areas, place="Rutland")
    first = f.sentences[0]
    assert "the most deprived areas of Rutland, which nationally are in IMD deciles 6–7" in first
    assert "20% most deprived" not in " ".join(f.sentences)
    assert any("No area in Rutland is among the 20% most deprived in England" in c
               and "6, 7, 9, 10" in c for c in f.caveats)
    # only two deciles present: the more deprived one alone
    two = eq.findings(comparison, AREAS.assign(imd_decile=[6, 6, 8, 8]))
    assert ("the most deprived of the areas analysed, which nationally are in IMD decile 6"
            in two.sentences[0])
    chosen = eq.findings(comparison, areas, deprived_deciles=[6])
    assert "the areas analysed in IMD decile 6" in chosen.sentences[0]


# ----------------------------------------------------------------------------- export
def test_eia_tables_and_excel_round_trip(comparison, tmp_path):
    import openpyxl

    tables = eq.eia_tables(comparison, AREAS, service="a centre")
    assert list(tables) == ["findings", "summary", "change", "by_imd_decile",
                            "by_imd_quintile", "by_ward", "group_exposure", "relative_risk",
                            "inequality", "method", "columns"]
    path = eq.to_excel(tables, tmp_path / "eia.xlsx")
    back = pd.read_excel(path, sheet_name=None)
    assert list(back) == list(tables)
    by = back["by_imd_decile"]
    assert "population_within_15min [people]" in by.columns
    assert "share_of_losers_15min [proportion]" in by.columns
    assert "mean_minutes [minutes]" in by.columns
    expected = tables["by_imd_decile"]["mean_minutes"].to_numpy()
    np.testing.assert_allclose(by["mean_minutes [minutes]"].to_numpy(), expected)
    ws = openpyxl.load_workbook(path)["by_imd_decile"]
    headers = [c.value for c in ws[1]]
    col = headers.index("share_within_15min [proportion]") + 1
    assert ws.cell(row=2, column=col).number_format == "0.0%"
    glossary = tables["columns"].set_index("column")
    assert glossary.loc["share_of_losers_15", "unit"] == "proportion"
    assert "losing 15-minute access" in glossary.loc["share_of_losers_15", "meaning"]
    assert back["findings"]["text"].iloc[0].startswith("Under Close S2")


def test_to_csv_round_trip(comparison, tmp_path):
    tables = eq.eia_tables(comparison, AREAS, by=[("imd_quintile", "ward")], shares=[])
    assert "group_exposure" not in tables and "by_imd_quintile_ward" in tables
    written = eq.to_csv(tables, tmp_path / "eia")
    assert set(written) == set(tables)
    back = pd.read_csv(written["relative_risk"], encoding="utf-8-sig")
    assert "risk_ratio [ratio]" in back.columns
    assert back["risk_ratio [ratio]"].iloc[0] == pytest.approx(
        tables["relative_risk"]["risk_ratio"].iloc[0])
    assert written["findings"].read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel


def test_export_bad_input(tmp_path):
    with pytest.raises(InputError, match=".xlsx"):
        eq.to_excel({"a": pd.DataFrame({"x": [1]})}, tmp_path / "eia.csv")
    with pytest.raises(InputError, match="dict of table name"):
        eq.to_csv([pd.DataFrame()], tmp_path)


def test_sheet_names_are_cut_and_unique():
    names = _sheet_names(["by_" + "x" * 40, "by_" + "x" * 41, "a/b"])
    assert names == ["by_" + "x" * 28, "by_" + "x" * 26 + "_2", "a_b"]


# ------------------------------------------------------------- Rutland, end to end
def test_rutland_end_to_end(rutland_walk_tt, rutland_areas, rutland_sites, tmp_path):
    """Real walk times for Rutland's 26 LSOAs: keep the four libraries as hubs."""
    import geoaccess as ga

    current = ga.Scenario.from_sites(rutland_sites)
    libraries = ga.Scenario("Proposal B", {s: "hub" for s in ("S01", "S02", "S03", "S04")})
    result = ga.evaluate(rutland_walk_tt, rutland_areas, [current, libraries],
                         population="children_0_4")
    change = ga.compare(result, baseline=current.name)
    b = ga.breakdown(change, rutland_areas, by="imd_decile")
    assert sorted(b.loc[b.imd_decile != "All areas", "imd_decile"].unique()) == [6, 7, 8, 9,
                                                                                10]
    prop = b[b.scenario == "Proposal B"]
    groups = prop[prop.imd_decile != "All areas"]
    loses = change.summary.set_index("scenario").loc["Proposal B", "population_loses_15"]
    assert groups["population_loses_15"].sum() == pytest.approx(loses)
    assert groups["share_of_losers_15"].sum() == pytest.approx(1.0)
    assert groups["population"].sum() == pytest.approx(rutland_areas["children_0_4"].sum())

    f = ga.findings(change, rutland_areas, place="Rutland", service="a centre",
                    shares=["ethnic_minority_share", "disabled_share"])
    text = " ".join(f.sentences)
    assert "the most deprived areas of Rutland, which nationally are in IMD deciles 6–7" in text
    assert "20% most deprived areas of England" not in text
    caveats = " ".join(f.caveats)
    assert "walking at 4.8 km/h" in caveats and "20 July 2022" in caveats
    assert "more than 500 m from the network" in caveats
    assert "© OpenStreetMap contributors" in caveats

    # group exposure against a direct computation from the comparison table
    g = ga.group_exposure(change, rutland_areas, "ethnic_minority_share",
                          outcomes="loses_15").iloc[0]
    rows = change["Proposal B"].join(rutland_areas.set_index("area_id")[
        ["ethnic_minority_share"]])
    group = rows["ethnic_minority_share"] * rows["children_0_4"]
    assert g.group_population_losing == pytest.approx(group[rows["loses_15"]].sum())
    assert g.group_share_of_population == pytest.approx(group.sum()
                                                        / rows["children_0_4"].sum())

    tables = ga.eia_tables(change, rutland_areas, place="Rutland", service="a centre")
    path = eq.to_excel(tables, tmp_path / "rutland_eia.xlsx")
    assert set(pd.read_excel(path, sheet_name=None)) == set(tables)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_breakdown_groups_add_up_on_random_matrices(data):
    """Any matrix, any deciles: groups sum to the totals; shares of losers sum to 1."""
    import geoaccess as ga

    n = data.draw(st.integers(2, 7))
    minutes = data.draw(st.lists(st.lists(st.one_of(st.none(), st.floats(0, 60)),
                                          min_size=3, max_size=3), min_size=n, max_size=n))
    pop = data.draw(st.lists(st.integers(0, 500), min_size=n, max_size=n))
    if sum(pop) == 0:
        return
    ids = [f"E{i}" for i in range(n)]
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        [[np.nan if v is None else v for v in row] for row in minutes], index=ids,
        columns=["S1", "S2", "S3"]))
    areas = pd.DataFrame({"area_id": ids, "kids": np.array(pop, float),
                          "imd_decile": data.draw(st.lists(st.integers(1, 10), min_size=n,
                                                           max_size=n))})
    result = ga.evaluate(tt, areas, [ga.Scenario("A", {"S1": "c", "S2": "c", "S3": "c"}),
                                     ga.Scenario("B", {"S2": "c"})],
                         population="kids", thresholds=[10, 30])
    b = eq.breakdown(ga.compare(result), areas, by="imd_quintile")
    for _, rows in b.groupby("scenario"):
        groups, total = rows.iloc[:-1], rows.iloc[-1]
        for col in ("population", "population_reached", "population_within_10",
                    "population_within_30", "population_loses_30", "population_loss"):
            if not np.isnan(total[col]):
                assert groups[col].sum() == pytest.approx(total[col], abs=1e-6)
        assert groups["share_of_population"].sum() == pytest.approx(1.0)
        shares = rows[[c for c in rows.columns if c.startswith("share")]].to_numpy(float)
        assert np.all(np.isnan(shares) | ((shares >= 0) & (shares <= 1 + 1e-12)))
        if total["population_loses_30"] > 0:
            assert groups["share_of_losers_30"].sum() == pytest.approx(1.0)


def test_eia_tables_without_a_baseline(comparison):
    tables = eq.eia_tables(comparison.result, AREAS, by="ward")
    assert list(tables) == ["summary", "by_ward", "inequality", "method", "columns"]


@pytest.mark.parametrize(("share", "text"), [
    (0.0, "0%"), (0.0004, "less than 0.1%"), (0.061, "6.1%"), (0.0996, "10%"),
    (0.58, "58%"), (0.998, "more than 99%"), (1.0, "100%"), (float("nan"), "n/a"),
])
def test_percentages_for_readers(share, text):
    assert fmt.pct(share) == text


def test_counts_and_labels_for_readers():
    assert (fmt.people(1240.4), fmt.people(0.3), fmt.people(0)) == ("1,240", "fewer than 1",
                                                                    "0")
    assert eq.describe_population("children_0_4") == "children aged 0–4"
    assert eq.describe_population("pop_5_15") == "people aged 5–15"
    assert eq.describe_population("children_under_5") == "children under 5"
    assert eq.describe_population("lone_parents") == "lone parents"
    assert within_phrase("15", "drive") == "within 15 minutes' drive"
    assert within_phrase("20", "transit") == "within 20 minutes by public transport"
    assert fmt.ratio_text(0.004) == "less than 0.01" and fmt.ratio_text(1033.2) == "1,033"


# ------------------------------------------------------------------ the most deprived
def test_most_deprived_hand_worked():
    """Deciles 1, 1, 3, 3 (AREAS): deciles 1-2 are present and so is another decile, so the
    group is England's 20% most deprived: E1 and E2. Rutland-like deciles 6, 7, 9, 10: none
    is in deciles 1-2, so the two most deprived present (6 and 7) are taken, phrased for the
    place. A single decile gives no contrast (None)."""
    dep = eq.most_deprived(AREAS)
    assert isinstance(dep, eq.DeprivedAreas)
    assert (dep.deciles, dep.present, dep.national) == ((1, 2), (1, 3), True)
    assert dep.mask.tolist() == [True, True, False, False]
    assert dep.area_ids.tolist() == ["E1", "E2", "E3", "E4"]
    rutland = AREAS.assign(imd_decile=[10, 6, 9, 7])
    local = eq.most_deprived(rutland, ["E4", "E3", "E2"], place="Rutland")
    assert local.phrase == ("the most deprived areas of Rutland, which nationally are in IMD "
                            "deciles 6–7")
    assert (local.deciles, local.national) == ((6, 7), False)
    assert local.mask.tolist() == [True, False, True]  # E4 (7), E3 (9), E2 (6)
    assert eq.most_deprived(AREAS.assign(imd_decile=4)) is None
    assert eq.most_deprived(AREAS.drop(columns="imd_decile")) is None
    chosen = eq.most_deprived(AREAS, deprived_deciles=[3])
    assert chosen.mask.tolist() == [False, False, True, True]


def test_most_deprived_refuses_bad_input():
    with pytest.raises(InputError, match="not the string '12'") as err:
        eq.most_deprived(AREAS, deprived_deciles="12")
    assert err.value.column == "deprived_deciles"
    with pytest.raises(InputError, match="E9"):
        eq.most_deprived(AREAS, ["E1", "E9"])
    with pytest.raises(InputError, match="no deprivation column 'imd'"):
        eq.most_deprived(AREAS, deprivation="imd")


def test_old_private_names_still_work_for_other_modules():
    """optimise imported ``_deprived`` and report ``_service_noun``/``_TRAVEL`` before the
    split; they stay until those modules use the public names."""
    table = AREAS.set_index("area_id")
    old = eq._deprived(table, table.index, None, None, None, "Equity")
    new = eq.most_deprived(AREAS)
    assert (old.phrase, old.deciles, old.mask.tolist()) == (
        new.phrase, new.deciles, [True, True, False, False])
    assert eq._service_noun("a centre") == eq.service_noun("a centre") == "centre"
    assert eq._TRAVEL is eq.TRAVEL_WORDS


# ------------------------------------------------------------------------ deprecations
def test_findings_threshold_is_now_threshold_minutes(comparison):
    new = eq.findings(comparison, AREAS, threshold_minutes=10)
    with pytest.warns(FutureWarning, match="threshold_minutes"):
        old = eq.findings(comparison, AREAS, threshold=10)
    pd.testing.assert_frame_equal(old.table, new.table)
    assert "within 10 minutes' walk" in new.sentences[0]
    with pytest.raises(InputError, match="threshold_minutes= only"):
        eq.findings(comparison, AREAS, threshold=10, threshold_minutes=10)
    with pytest.raises(InputError, match="number of minutes") as err:
        eq.findings(comparison, AREAS, threshold_minutes="15")
    assert err.value.column == "threshold_minutes"


def test_eia_tables_threshold_is_now_threshold_minutes(comparison):
    new = eq.eia_tables(comparison, AREAS, threshold_minutes=10, by="ward")
    with pytest.warns(FutureWarning, match="threshold_minutes"):
        old = eq.eia_tables(comparison, AREAS, threshold=10, by="ward")
    assert list(old) == list(new)
    for name in new:
        pd.testing.assert_frame_equal(old[name], new[name])
    assert new["findings"]["text"].iloc[0].startswith(
        "Under Close S2, 300 children aged 0–4 (55%) would no longer have an open site "
        "within 10 minutes' walk")


def test_relative_risk_population_is_now_weights():
    """``population`` names a column everywhere else; the people per area are ``weights``
    (as in ``indices``). 30 of 200 exposed and 40 of 800 others: RR 3."""
    events, people, exposed = [30, 0, 40, 0], [100, 100, 400, 400], [True, True, False, False]
    new = eq.relative_risk(events, weights=people, exposed=exposed)
    with pytest.warns(FutureWarning, match="weights="):
        old = eq.relative_risk(events, population=people, exposed=exposed)
    assert old == new and new.risk_ratio == pytest.approx(3.0)
    with pytest.raises(TypeError, match="needs events, weights"):
        eq.relative_risk(events, exposed=exposed)
