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
