"""The statistics of the equality analysis, on per-area arrays.

- :func:`indices`: population-weighted Gini, concentration index (ranked by
  deprivation), Palma ratio and Theil T of a per-area value such as minutes;
- :func:`relative_risk` and :class:`RelativeRisk`: the risk of an outcome (e.g. losing
  access) in exposed areas against the rest, with a confidence interval (Katz log
  method, or an interval that treats areas as clusters).

Each takes one value per area as a list, an array or a Series (Series are aligned on the
index of the first argument); the tables in :mod:`geoaccess.equality.deprivation` apply
them to a Result or a Comparison.

Examples
--------
>>> r = indices([10.0, 20.0, 30.0], [1, 1, 1], rank_by=[1, 2, 3])
>>> round(r["gini"], 4), round(r["concentration"], 4)
(0.2222, 0.2222)
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._deprecate import renamed_option
from .._validate import show_ids
from ..errors import InputError
from ._format import num
from ._inputs import ArrayLike, aligned, as_float, check_weights, ratio

__all__ = ["RelativeRisk", "indices", "relative_risk"]

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- indices
def _fractional_rank(rank: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Population-weighted fractional rank, ties sharing the mean rank of their group.

    With areas sorted by ``rank`` and cumulative weight shares ``F``, area ``k`` covers
    the interval ``(F[k-1], F[k]]`` of the population and its fractional rank is the
    midpoint. Tied areas are merged first, so they share the midpoint of their joint
    interval and the order within a tie does not matter.
    """
    keys, inverse = np.unique(rank, return_inverse=True)
    group_w = np.bincount(inverse, weights=w, minlength=len(keys))
    total = group_w.sum()
    upper = np.cumsum(group_w) / total
    mid = upper - group_w / total / 2.0
    return mid[inverse]


def _concentration(x: np.ndarray, w: np.ndarray, rank: np.ndarray) -> float:
    """``2 cov_w(x, R) / mu``: the Gini when ``rank`` is ``x`` itself."""
    total = w.sum()
    mu = float(np.dot(w, x) / total)
    if mu == 0:
        return float("nan")
    fr = _fractional_rank(rank, w)
    # weighted mean of the fractional ranks is exactly 1/2
    cov = float(np.dot(w, (x - mu) * (fr - 0.5)) / total)
    return 2.0 * cov / mu


def _lorenz_at(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """Share of the total held by the fraction ``p`` of people with the smallest values."""
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    F = np.concatenate([[0.0], np.cumsum(ws) / ws.sum()])
    L = np.concatenate([[0.0], np.cumsum(ws * xs) / np.dot(ws, xs)])
    return float(np.interp(p, F, L))


def _theil(x: np.ndarray, w: np.ndarray) -> float:
    mu = float(np.dot(w, x) / w.sum())
    if mu == 0:
        return float("nan")
    r = x / mu
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    return float(np.dot(w, terms) / w.sum())


def indices(
    values: ArrayLike,
    weights: ArrayLike | None,
    *,
    rank_by: ArrayLike | None = None,
    nan_policy: str = "raise",
) -> dict[str, float]:
    """Population-weighted inequality indices of a per-area value (e.g. minutes).

    Each area ``i`` has a value ``x_i >= 0`` and a population ``w_i >= 0``; everyone in
    an area is taken to have the area's value (within-area differences are unknown). Let
    ``W = sum(w)`` and ``mu = sum(w x) / W``.

    gini
        Gini coefficient, half the relative mean difference between people:
        ``G = sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mu)`` (Gini 1912). It equals
        ``1 - sum_k (F_k - F_{k-1}) (L_k + L_{k-1})``, one minus twice the area under the
        population-weighted Lorenz curve (areas sorted by value; ``F`` cumulative
        population share, ``L`` cumulative share of the total), and ``2 cov_w(x, F) / mu``
        with ``F`` the fractional rank in the value (Lerman & Yitzhaki 1984). 0 when
        everyone has the same value; approaches 1 when one person has everything. No
        small-sample correction is applied: the areas are the whole population.
    concentration
        Concentration index ranked by ``rank_by``: ``C = 2 cov_w(x, R) / mu``, where
        ``R`` is the population-weighted fractional rank of each area in ascending order
        of ``rank_by`` (the midpoint of the area's share of the cumulative population;
        tied areas share the midpoint of their joint interval). Equivalently one minus
        twice the area under the concentration curve. Kakwani, Wagstaff & van Doorslaer
        (1997), *J. Econometrics* 77:87-103; O'Donnell et al. (2008), *Analyzing Health
        Equity Using Household Survey Data*, World Bank, ch. 8. Ranges over [-1, 1].
        Rank ascending from the most deprived: pass IMD decile or IMD rank (1 = most
        deprived), or minus the IMD score. Then ``C < 0`` means the value is concentrated
        in the more deprived areas (for minutes: the more deprived travel longer) and
        ``C > 0`` in the less deprived. NaN when ``rank_by`` is not given.
    palma
        Palma ratio: share of the total held by the 10% of people with the largest
        values divided by the share held by the 40% with the smallest,
        ``(1 - L(0.9)) / L(0.4)`` on the Lorenz curve above, interpolated linearly (exact
        when everyone in an area shares its value). Cobham & Sumner (2013), "Is it all
        about the tails? The Palma measure of income inequality", CGD Working Paper 343.
        0.25 under perfect equality; ``inf`` when the smallest 40% all have 0.
    theil
        Theil T index, ``T = (1/W) sum_i w_i (x_i/mu) ln(x_i/mu)``, with ``0 ln 0 = 0``
        (Theil 1967, *Economics and Information Theory*; Conceicao & Ferreira 2000, "The
        Young Person's Guide to the Theil Index", UTIP Working Paper 14). 0 under
        equality; no fixed upper bound (``ln W`` for one person holding everything).

    All four are NaN when the weighted mean is 0 (every value 0): inequality of nothing
    is undefined.

    Parameters
    ----------
    values : array-like or Series
        One non-negative value per area, e.g. ``nearest_minutes``. The indices describe
        how unequally the value is spread; for minutes, larger means worse access.
    weights : array-like or Series, optional
        Population per area (>= 0, not all 0). None weighs areas equally.
    rank_by : array-like or Series, optional
        Deprivation rank for the concentration index, ascending from the most deprived.
    nan_policy : {"raise", "omit"}
        What to do with areas whose value, weight or rank is missing (e.g. no travel time
        at all): ``"raise"`` an :class:`~geoaccess.errors.InputError` naming them, or
        ``"omit"`` them (logged). As in :mod:`scipy.stats`.

    Returns
    -------
    dict
        ``gini``, ``concentration``, ``palma``, ``theil`` as floats.

    Raises
    ------
    InputError
        Naming the rows: negative or non-numeric values, negative or all-zero weights,
        mismatched lengths or indices, missing values with ``nan_policy="raise"``.

    Notes
    -----
    Series are aligned on the index of ``values``; arrays are taken in order.

    Examples
    --------
    Three areas of equal population with 10, 20 and 30 minutes: the mean difference
    between two people is 80/9 minutes, so ``G = (80/9) / (2 * 20) = 2/9``.

    >>> r = indices([10.0, 20.0, 30.0], [1, 1, 1], rank_by=[1, 2, 3])
    >>> round(r["gini"], 4), round(r["concentration"], 4), round(r["theil"], 4)
    (0.2222, 0.2222, 0.0872)

    Ranked the other way (the longest journey in the most deprived area):

    >>> round(indices([10.0, 20.0, 30.0], [1, 1, 1], rank_by=[3, 2, 1])["concentration"], 4)
    -0.2222
    """
    what = "indices"
    if nan_policy not in ("raise", "omit"):
        raise ValueError(f"nan_policy must be 'raise' or 'omit', got {nan_policy!r}")
    series, labels = aligned(values, {"weights": weights, "rank_by": rank_by}, what=what)
    x = as_float(series["values"], "values", labels, what)
    w = (as_float(series["weights"], "weights", labels, what) if "weights" in series
         else np.ones(len(x)))
    rank = (as_float(series["rank_by"], "rank_by", labels, what) if "rank_by" in series
            else None)
    missing = np.isnan(x) | np.isnan(w)
    if rank is not None:
        missing |= np.isnan(rank)
    if missing.any():
        if nan_policy == "raise":
            raise InputError(
                f"{what}: {int(missing.sum())} areas have a missing value, weight or rank "
                f"(rows {show_ids(labels[missing].tolist())}); fill them, or pass "
                "nan_policy='omit' to leave them out", column="values",
                rows=labels[missing].tolist())
        log.info("indices: omitting %d areas with a missing value, weight or rank",
                 int(missing.sum()))
        keep = ~missing
        x, w, labels = x[keep], w[keep], labels[keep]
        rank = rank[keep] if rank is not None else None
    if len(x) == 0:
        raise InputError(f"{what}: no areas left to measure", column="values")
    neg = ~np.isfinite(x) | (x < 0)
    if neg.any():
        raise InputError(f"{what}: values must be finite and >= 0 for these indices (rows "
                         f"{show_ids(labels[neg].tolist())})", column="values",
                         rows=labels[neg].tolist())
    check_weights(w, labels, what, "weights")
    if rank is not None and not np.isfinite(rank).all():
        bad = ~np.isfinite(rank)
        raise InputError(f"{what}: rank_by must be finite (rows "
                         f"{show_ids(labels[bad].tolist())})", column="rank_by",
                         rows=labels[bad].tolist())
    mu = float(np.dot(w, x) / w.sum())
    if mu == 0:
        log.info("indices: every value is 0; the indices are undefined (NaN)")
        nan = float("nan")
        return {"gini": nan, "concentration": nan, "palma": nan, "theil": nan}
    bottom = _lorenz_at(x, w, 0.4)
    top = 1.0 - _lorenz_at(x, w, 0.9)
    palma = top / bottom if bottom > 0 else float("inf")
    return {
        "gini": _concentration(x, w, x),
        "concentration": (_concentration(x, w, rank) if rank is not None
                          else float("nan")),
        "palma": float(palma),
        "theil": _theil(x, w),
    }


# ---------------------------------------------------------------------- relative risk
@dataclass(frozen=True)
class RelativeRisk:
    """A risk ratio with its confidence interval.

    Attributes
    ----------
    risk_ratio : float
        ``(exposed_events / exposed_total) / (other_events / other_total)``.
    lower, upper : float
        Confidence limits (NaN where undefined; see :func:`relative_risk`).
    confidence : float
        Confidence level, e.g. 0.95.
    method : str
        ``"katz"`` or ``"cluster"``.
    exposed_events, exposed_total, other_events, other_total : float
        People with the outcome and people in all, in the exposed group and in the rest.
    exposed_areas, other_areas : int or None
        Number of areas in each group (None when built from counts).

    Examples
    --------
    >>> rr = RelativeRisk.from_counts(30, 200, 40, 800)
    >>> round(rr.risk_ratio, 3), round(rr.lower, 3), round(rr.upper, 3)
    (3.0, 1.918, 4.692)
    """

    risk_ratio: float
    lower: float
    upper: float
    confidence: float
    method: str
    exposed_events: float
    exposed_total: float
    other_events: float
    other_total: float
    exposed_areas: int | None = None
    other_areas: int | None = None

    @property
    def exposed_risk(self) -> float:
        """Share of the exposed group with the outcome."""
        return ratio(self.exposed_events, self.exposed_total)

    @property
    def other_risk(self) -> float:
        """Share of the rest with the outcome."""
        return ratio(self.other_events, self.other_total)

    def __str__(self) -> str:
        pct = f"{self.confidence:.0%}"
        return (f"RR {num(self.risk_ratio)} ({pct} CI {num(self.lower)} to "
                f"{num(self.upper)}, {self.method})")

    def to_series(self) -> pd.Series:
        """The fields and both risks as a Series (for tables)."""
        return pd.Series({
            "risk_ratio": self.risk_ratio, "lower": self.lower, "upper": self.upper,
            "confidence": self.confidence, "method": self.method,
            "exposed_events": self.exposed_events, "exposed_total": self.exposed_total,
            "exposed_risk": self.exposed_risk, "other_events": self.other_events,
            "other_total": self.other_total, "other_risk": self.other_risk,
            "exposed_areas": self.exposed_areas, "other_areas": self.other_areas,
        }, dtype=object)

    @classmethod
    def from_counts(cls, exposed_events: float, exposed_total: float, other_events: float,
                    other_total: float, *, confidence: float = 0.95) -> RelativeRisk:
        """Risk ratio with the Katz log interval, from the four counts of a 2 x 2 table.

        ``ln RR`` has standard error ``sqrt(1/a - 1/n1 + 1/c - 1/n0)`` (Katz, Baptista,
        Azen & Pike 1978, *Biometrics* 34:469-474, "method C"), with ``a`` of ``n1``
        exposed people and ``c`` of ``n0`` others having the outcome; the interval is
        ``RR * exp(+/- z * se)`` with ``z`` the normal quantile. When ``a = 0`` the ratio
        is 0 with limits (0, NaN); when ``c = 0`` it is infinite with limits (NaN, inf);
        when both are 0 everything is NaN (the convention of R's ``epitools::riskratio``
        and :func:`scipy.stats.contingency.relative_risk`). No continuity correction.

        Parameters
        ----------
        exposed_events, exposed_total, other_events, other_total : float
            Counts (need not be whole numbers: populations are often estimates).
        confidence : float
            Confidence level in (0, 1).

        Returns
        -------
        RelativeRisk

        Examples
        --------
        >>> print(RelativeRisk.from_counts(10, 75, 12, 225))
        RR 2.5 (95% CI 1.13 to 5.55, katz)
        """
        a, n1, c, n0 = (float(v) for v in (exposed_events, exposed_total, other_events,
                                           other_total))
        _check_counts(a, n1, c, n0, confidence)
        rr = _rr(a, n1, c, n0)
        if a == 0 and c == 0:
            lo, hi = float("nan"), float("nan")
        elif a == 0:
            lo, hi = 0.0, float("nan")
        elif c == 0:
            lo, hi = float("nan"), float("inf")
        else:
            se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
            z = _z(confidence)
            lo, hi = rr * math.exp(-z * se), rr * math.exp(z * se)
        return cls(rr, lo, hi, confidence, "katz", a, n1, c, n0)


def _rr(a: float, n1: float, c: float, n0: float) -> float:
    p1, p0 = a / n1, c / n0
    if p0 == 0:
        return float("nan") if p1 == 0 else float("inf")
    return p1 / p0


def _z(confidence: float) -> float:
    from scipy.stats import norm  # here: scipy.stats is slow to import and rarely needed

    return float(norm.ppf(0.5 + confidence / 2))


def _check_counts(a: float, n1: float, c: float, n0: float, confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    problems = []
    for name, events, total in (("exposed", a, n1), ("other", c, n0)):
        if not (math.isfinite(events) and math.isfinite(total)) or events < 0:
            problems.append(f"{name} events {events} / total {total} must be finite, >= 0")
        elif not total > 0:
            problems.append(f"the {name} group has no people (total {total:g}): no area "
                            "is in it, or its areas have no population, so its risk is "
                            "undefined")
        elif events > total * (1 + 1e-9):
            problems.append(f"{name} events ({events:g}) exceed the {name} total "
                            f"({total:g})")
    if problems:
        raise InputError("relative_risk: " + "; ".join(problems), column="population")


def relative_risk(
    events: ArrayLike,
    weights: ArrayLike | None = None,
    exposed: ArrayLike | None = None,
    *,
    confidence: float = 0.95,
    method: str = "katz",
    population: ArrayLike | None = None,
) -> RelativeRisk:
    """Relative risk of an outcome (e.g. losing access) for exposed areas against the rest.

    ``RR = (a / n1) / (c / n0)`` where ``a`` of the ``n1`` people in exposed areas (e.g.
    the most deprived quintile) and ``c`` of the ``n0`` people elsewhere have the outcome.

    Two intervals are offered:

    ``method="katz"`` (default)
        The Katz log method (Katz et al. 1978; see :meth:`RelativeRisk.from_counts`),
        which treats people as independent. It is the textbook interval and matches
        :func:`scipy.stats.contingency.relative_risk`. But access is lost area by area:
        everyone in an area gains or loses together, so this interval is far narrower
        than the real uncertainty when few areas are involved.
    ``method="cluster"``
        Treats areas as clusters. Each risk ``p = sum(y_i) / sum(n_i)`` over the group's
        areas is a ratio estimator with linearised variance
        ``m / (m - 1) * sum((y_i - p n_i)^2) / (sum n_i)^2`` for ``m`` areas (Cochran
        1977, *Sampling Techniques*, 3rd ed., section 6.3, with the ``m / (m - 1)``
        factor of survey software); ``var(ln RR) = var(p1)/p1^2 + var(p0)/p0^2`` by the
        delta method, and the limits use Student's t with ``m1 + m0 - 2`` degrees of
        freedom. NaN limits when a group has fewer than 2 areas or no events.

    Parameters
    ----------
    events : array-like or Series
        Per area, the number of people with the outcome, or booleans meaning "the whole
        area has the outcome" (multiplied by ``weights``).
    weights : array-like or Series
        People per area (>= 0), as in :func:`indices`.
    exposed : array-like or Series of bool
        True for areas in the exposed group (e.g. ``quintile == 1``).
    confidence : float
        Confidence level, 0.95 by default.
    method : {"katz", "cluster"}
        Interval method, as above.
    population : array-like or Series, optional
        Deprecated name of ``weights`` (``population`` names a column elsewhere in
        geoaccess); it still works, with a FutureWarning.

    Returns
    -------
    RelativeRisk

    Raises
    ------
    InputError
        Events outside ``0..weights``, negative or all-zero population, a group with
        no people, missing values, or mismatched inputs.

    Examples
    --------
    Two exposed areas of 100 people (30 and 0 lose access) against two others of 400
    (40 and 0): ``RR = (30/200) / (40/800) = 3``.

    >>> rr = relative_risk([30, 0, 40, 0], [100, 100, 400, 400],
    ...                    [True, True, False, False])
    >>> print(rr)
    RR 3 (95% CI 1.92 to 4.69, katz)
    """
    what = "relative_risk"
    people: Any = renamed_option(weights, population, new="weights", old="population",
                                  func=what)
    if people is None or exposed is None:
        raise TypeError("relative_risk() needs events, weights (people per area) and "
                        "exposed")
    if method not in ("katz", "cluster"):
        raise ValueError(f"method must be 'katz' or 'cluster', got {method!r}")
    series, labels = aligned(events, {"population": people, "exposed": exposed}, what=what)
    n = as_float(series["population"], "population", labels, what)
    ev = series["values"]
    if pd.api.types.is_bool_dtype(ev):
        y = ev.to_numpy(dtype=bool) * n
    else:
        y = as_float(ev, "events", labels, what)
    ex_raw = series["exposed"]
    if ex_raw.isna().any():
        bad = ex_raw.isna().to_numpy()
        raise InputError(f"{what}: exposed is missing for rows {show_ids(labels[bad].tolist())}"
                         "; say True or False for every area", column="exposed",
                         rows=labels[bad].tolist())
    if not pd.api.types.is_bool_dtype(ex_raw) and not set(pd.unique(ex_raw)) <= {0, 1}:
        raise InputError(f"{what}: exposed must be True/False for each area, got values "
                         f"{sorted(map(str, pd.unique(ex_raw)))[:5]}", column="exposed")
    ex = ex_raw.astype(bool).to_numpy()
    for key, arr in (("population", n), ("events", y)):
        bad = np.isnan(arr)
        if bad.any():
            raise InputError(f"{what}: {key} is missing for rows "
                             f"{show_ids(labels[bad].tolist())}", column=key,
                             rows=labels[bad].tolist())
    check_weights(n, labels, what, "population")
    bad = (y < 0) | (y > n * (1 + 1e-9))
    if bad.any():
        raise InputError(f"{what}: events must lie between 0 and the area's population "
                         f"(rows {show_ids(labels[bad].tolist())})", column="events",
                         rows=labels[bad].tolist())
    a, n1 = float(y[ex].sum()), float(n[ex].sum())
    c, n0 = float(y[~ex].sum()), float(n[~ex].sum())
    m1, m0 = int(ex.sum()), int((~ex).sum())
    katz = RelativeRisk.from_counts(a, n1, c, n0, confidence=confidence)
    if method == "katz":
        return RelativeRisk(katz.risk_ratio, katz.lower, katz.upper, confidence, "katz",
                            a, n1, c, n0, m1, m0)
    lo, hi = _cluster_interval(y, n, ex, confidence)
    return RelativeRisk(katz.risk_ratio, lo, hi, confidence, "cluster", a, n1, c, n0,
                        m1, m0)


def _cluster_interval(y: np.ndarray, n: np.ndarray, ex: np.ndarray, confidence: float
                      ) -> tuple[float, float]:
    from scipy.stats import t as student_t  # here: scipy.stats is slow to import

    var_log = 0.0
    m_total = 0
    for mask in (ex, ~ex):
        yi, ni = y[mask], n[mask]
        m = len(yi)
        total = ni.sum()
        p = yi.sum() / total
        if m < 2 or p == 0:
            return float("nan"), float("nan")
        var_p = m / (m - 1) * float(np.sum((yi - p * ni) ** 2)) / total**2
        var_log += var_p / p**2
        m_total += m
    rr = (y[ex].sum() / n[ex].sum()) / (y[~ex].sum() / n[~ex].sum())
    df = m_total - 2
    if df < 1:  # pragma: no cover - m >= 2 in each group gives df >= 2
        return float("nan"), float("nan")
    q = float(student_t.ppf(0.5 + confidence / 2, df))
    se = math.sqrt(var_log)
    return float(rr * math.exp(-q * se)), float(rr * math.exp(q * se))

