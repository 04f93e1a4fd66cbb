"""Equality analysis: who gains and who loses access, by deprivation and by group.

An Equality Impact Assessment (EIA) asks whether a change falls hardest on those who need
the service most. This module answers with numbers an assessor can trust and sentences
they can paste:

- :func:`breakdown`: population, population-weighted mean/median/90th percentile minutes,
  count and share within each threshold, and (for a comparison) how many lose or gain
  access, per scenario and group (IMD decile or quintile, ward, any attribute);
- :func:`group_exposure`: for columns holding the *share* of each area's people in a group
  (ethnic minority, disabled, lone-parent households...): how many of the group lose
  access, and their share of everyone who loses against their share of the population;
- :func:`indices`: population-weighted Gini, concentration index (ranked by deprivation),
  Palma ratio and Theil T; :func:`inequality` tabulates them per scenario;
- :func:`relative_risk`: risk of losing access in the most deprived areas against the
  rest, with a confidence interval (Katz log method, or an area-clustered interval);
  :func:`risk_table` tabulates it per proposal and outcome;
- :func:`findings`: plain-English sentences with their caveats;
- :func:`eia_tables`, :func:`to_excel`, :func:`to_csv`: the tables of an EIA, written one
  sheet (or one CSV) per table with units in the column names.

Deprivation follows the English Indices of Deprivation: decile 1 is the most deprived 10%
of areas in England. Quintiles are derived from deciles (:func:`quintile_from_decile`,
quintile 1 = deciles 1-2 = the most deprived 20% of England). Where a place has no areas
in the national most deprived fifth (Rutland has deciles 6-10 only), the findings compare
the most deprived areas *present* and say so, naming the deciles.

Every person in an area is assumed to share the area's travel time: the analysis is
ecological, at the resolution of the areas supplied.

Conventions: counts of people are ``population*`` columns, proportions (0-1) ``share*``
columns, times ``*_minutes``; ``<t>`` in a column name is a threshold in minutes
(``population_loses_15``). The exported files add the units to the headers
(:func:`export_header`: ``population_loses_15min [people]``).

Examples
--------
>>> import geoaccess.equality as eq
>>> r = eq.indices([10.0, 20.0, 30.0], [1, 1, 1], rank_by=[1, 2, 3])
>>> round(r["gini"], 4), round(r["concentration"], 4)
(0.2222, 0.2222)
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._fs import atomic_write, neutralise_frame
from ._validate import show_ids
from .errors import InputError

__all__ = [
    "Findings",
    "RelativeRisk",
    "SHARE_LABELS",
    "breakdown",
    "column_glossary",
    "eia_tables",
    "export_header",
    "findings",
    "group_exposure",
    "indices",
    "describe_population",
    "inequality",
    "quintile_from_decile",
    "relative_risk",
    "risk_table",
    "to_csv",
    "to_excel",
]

log = logging.getLogger(__name__)

ArrayLike = Sequence[float] | np.ndarray | pd.Series


# ----------------------------------------------------------------------------- inputs
def _labels(obj: Any, n: int) -> np.ndarray:
    """Row labels for messages: a Series' index, else ``row 1``, ``row 2``..."""
    if isinstance(obj, pd.Series):
        return obj.index.to_numpy()
    return np.array([f"row {i + 1}" for i in range(n)], dtype=object)


def _aligned(values: Any, others: Mapping[str, Any], *, what: str
             ) -> tuple[dict[str, pd.Series], np.ndarray]:
    """The inputs as Series on one index, with labels for messages.

    When ``values`` is a Series, other Series are aligned on its index (the same set of
    labels is required); anything else is taken by position and must have the same length.
    """
    named = {"values": values, **{k: v for k, v in others.items() if v is not None}}
    out: dict[str, pd.Series] = {}
    for key, obj in named.items():
        if isinstance(obj, pd.DataFrame):
            raise InputError(f"{what}: {key} must be one column (a Series or an array), "
                             f"got a DataFrame with columns {list(obj.columns)}", column=key)
        if isinstance(obj, pd.Series):
            out[key] = obj
            continue
        arr = np.asarray(obj)
        if arr.ndim != 1:
            raise InputError(f"{what}: {key} must be one value per area (1-D), got shape "
                             f"{arr.shape}", column=key)
        out[key] = pd.Series(arr)
    base = out["values"].index if isinstance(values, pd.Series) else None
    n = len(out["values"])
    for key, series in out.items():
        if key == "values":
            continue
        if base is not None and isinstance(named[key], pd.Series) \
                and not series.index.equals(base):
            missing = base.difference(series.index).tolist()
            extra = series.index.difference(base).tolist()
            if missing or extra or series.index.has_duplicates:
                raise InputError(
                    f"{what}: the index of {key} does not match the index of values "
                    f"(missing {show_ids(missing)}, unexpected {show_ids(extra)}); pass "
                    "Series indexed by the same area ids, or plain arrays in one order",
                    column=key, rows=missing + extra)
            out[key] = series.reindex(base)
        elif len(series) != n:
            raise InputError(f"{what}: {key} has {len(series)} values but values has {n}; "
                             "give one per area", column=key)
    return out, _labels(values, n)


def _as_float(series: pd.Series, key: str, labels: np.ndarray, what: str) -> np.ndarray:
    """Float values; non-numeric entries (other than missing) are an InputError."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).to_numpy()
    num = pd.to_numeric(series, errors="coerce")
    bad = (num.isna() & series.notna()).to_numpy()
    if bad.any():
        raise InputError(f"{what}: {key} has non-numeric values (rows "
                         f"{show_ids(labels[bad].tolist())})", column=key,
                         rows=labels[bad].tolist())
    return num.to_numpy(dtype=float, na_value=np.nan)


def _check_weights(w: np.ndarray, labels: np.ndarray, what: str, column: str) -> None:
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise InputError(f"{what}: {column} must be finite and >= 0 (rows "
                         f"{show_ids(labels[bad].tolist())})", column=column,
                         rows=labels[bad].tolist())
    if not w.sum() > 0:
        raise InputError(f"{what}: {column} is zero in every row, so no share or weighted "
                         "value can be computed; check that the right population column "
                         "was given", column=column, rows=labels.tolist())


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
    series, labels = _aligned(values, {"weights": weights, "rank_by": rank_by}, what=what)
    x = _as_float(series["values"], "values", labels, what)
    w = (_as_float(series["weights"], "weights", labels, what) if "weights" in series
         else np.ones(len(x)))
    rank = (_as_float(series["rank_by"], "rank_by", labels, what) if "rank_by" in series
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
    _check_weights(w, labels, what, "weights")
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
        return _ratio(self.exposed_events, self.exposed_total)

    @property
    def other_risk(self) -> float:
        """Share of the rest with the outcome."""
        return _ratio(self.other_events, self.other_total)

    def __str__(self) -> str:
        pct = f"{self.confidence:.0%}"
        return (f"RR {_num(self.risk_ratio)} ({pct} CI {_num(self.lower)} to "
                f"{_num(self.upper)}, {self.method})")

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


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("nan")


def _rr(a: float, n1: float, c: float, n0: float) -> float:
    p1, p0 = a / n1, c / n0
    if p0 == 0:
        return float("nan") if p1 == 0 else float("inf")
    return p1 / p0


def _z(confidence: float) -> float:
    from scipy.stats import norm

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
    population: ArrayLike,
    exposed: ArrayLike,
    *,
    confidence: float = 0.95,
    method: str = "katz",
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
        area has the outcome" (multiplied by ``population``).
    population : array-like or Series
        People per area (>= 0).
    exposed : array-like or Series of bool
        True for areas in the exposed group (e.g. ``quintile == 1``).
    confidence : float
        Confidence level, 0.95 by default.
    method : {"katz", "cluster"}
        Interval method, as above.

    Returns
    -------
    RelativeRisk

    Raises
    ------
    InputError
        Events outside ``0..population``, negative or all-zero population, a group with
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
    if method not in ("katz", "cluster"):
        raise ValueError(f"method must be 'katz' or 'cluster', got {method!r}")
    series, labels = _aligned(events, {"population": population, "exposed": exposed},
                              what=what)
    n = _as_float(series["population"], "population", labels, what)
    ev = series["values"]
    if pd.api.types.is_bool_dtype(ev):
        y = ev.to_numpy(dtype=bool) * n
    else:
        y = _as_float(ev, "events", labels, what)
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
    _check_weights(n, labels, what, "population")
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
    from scipy.stats import t as student_t

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


# ------------------------------------------------------------------------ deprivation
def quintile_from_decile(decile: ArrayLike, *, column: str = "imd_decile") -> pd.Series:
    """IMD quintile from IMD decile: deciles 1-2 → 1 (most deprived 20%), ..., 9-10 → 5.

    ``quintile = ceil(decile / 2)``. Missing deciles stay missing.

    Parameters
    ----------
    decile : array-like or Series
        Whole numbers 1..10 (1 = most deprived 10% of areas in England).
    column : str
        Name of the column, for messages.

    Returns
    -------
    pandas.Series
        Int64, same index as ``decile`` (a RangeIndex for arrays), named ``imd_quintile``.

    Raises
    ------
    InputError
        Naming the rows whose decile is not a whole number from 1 to 10.

    Examples
    --------
    >>> quintile_from_decile([1, 2, 6, 7, 10]).tolist()
    [1, 1, 3, 4, 5]
    """
    series = decile if isinstance(decile, pd.Series) else pd.Series(np.asarray(decile))
    labels = _labels(series, len(series))
    values = _as_float(series, column, labels, "quintile_from_decile")
    _check_deciles(values, labels, column, "quintile_from_decile")
    q = pd.Series(np.ceil(values / 2), index=series.index, name="imd_quintile")
    return q.astype("Int64")


def _check_deciles(values: np.ndarray, labels: np.ndarray, column: str, what: str) -> None:
    ok = np.isnan(values) | np.isin(values, np.arange(1, 11))
    if not ok.all():
        bad = labels[~ok].tolist()
        shown = sorted({_num(v) for v in values[~ok]})
        raise InputError(f"{what}: column {column!r} must hold IMD deciles, whole numbers "
                         f"1..10 (1 = most deprived); found {shown[:5]} (rows "
                         f"{show_ids(bad)})", column=column, rows=bad)


# ------------------------------------------------------------------ results and areas
#: Label of the row that totals every group in :func:`breakdown`.
TOTAL = "All areas"
#: Label of the group of areas with no value in a ``by`` column.
NOT_RECORDED = "not recorded"


def _unpack(obj: Any, baseline: str | None, what: str, *, need_comparison: bool = False
            ) -> tuple[Any, Any]:
    """The Result and the Comparison (or None) behind a Result or a Comparison."""
    from .evaluate import Comparison, Result, compare

    if isinstance(obj, Comparison):
        if baseline is not None and baseline != obj.baseline:
            raise InputError(f"{what}: the comparison's baseline is {obj.baseline!r}, not "
                             f"{baseline!r}; compare again with baseline={baseline!r}",
                             column="scenario")
        return obj.result, obj
    if isinstance(obj, Result):
        if baseline is None and need_comparison:
            raise InputError(f"{what}: needs a comparison with a baseline; pass "
                             "geoaccess.compare(result, baseline=...) or baseline=")
        return obj, (compare(obj, baseline) if baseline is not None else None)
    raise InputError(f"{what}: expected a Result (geoaccess.evaluate) or a Comparison "
                     f"(geoaccess.compare), got {type(obj).__name__}")


def _area_table(areas: Any, what: str) -> pd.DataFrame:
    """The areas as a DataFrame indexed by ``area_id`` (str)."""
    if not isinstance(areas, pd.DataFrame):
        raise InputError(f"{what}: areas must be the areas table (geoaccess.read_areas), got "
                         f"{type(areas).__name__}")
    if "area_id" in areas.columns:
        table = pd.DataFrame(areas).set_index(areas["area_id"].astype(str).to_numpy())
    elif areas.index.name == "area_id":
        table = pd.DataFrame(areas)
        table.index = table.index.astype(str)
    else:
        raise InputError(f"{what}: areas has no 'area_id' column; load it with "
                         "geoaccess.read_areas()", column="area_id")
    table.index.name = "area_id"
    dup = table.index[table.index.duplicated()].unique().tolist()
    if dup:
        raise InputError(f"{what}: areas has duplicate area ids {show_ids(dup)}",
                         column="area_id", rows=dup)
    return table


def _result_ids(res: Any, table: pd.DataFrame, what: str) -> pd.Index:
    ids = pd.Index(res.areas["area_id"].astype(str).drop_duplicates().to_numpy(),
                   name="area_id")
    missing = ids.difference(table.index).tolist()
    if missing:
        raise InputError(f"{what}: {len(missing)} areas of the result are not in the areas "
                         f"table {show_ids(missing)}; pass the areas the result was "
                         "evaluated on", column="area_id", rows=missing)
    extra = table.index.difference(ids)
    if len(extra):
        log.warning("%s: %d areas of the areas table are not in the result and are left "
                    "out (e.g. %s)", what, len(extra), extra[:5].tolist())
    return ids


def _population(res: Any, areas: Any, table: pd.DataFrame, ids: pd.Index,
                population: str | None, what: str) -> tuple[np.ndarray, str]:
    """Population per area (in ``ids`` order), validated, and the column's name."""
    col = population or getattr(res, "population", None)
    if col is None:
        listed = list(getattr(areas, "attrs", {}).get("population", []) or [])
        col = str(listed[0]) if listed else None
    if col is None:
        raise InputError(f"{what}: no population column: the result was evaluated without "
                         "one; pass population='children_0_4' (a column of areas)",
                         column="population")
    if col not in table.columns:
        numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
        raise InputError(f"{what}: areas has no population column {col!r}; numeric columns "
                         f"are {numeric}", column=col)
    labels = ids.to_numpy(dtype=object)
    w = _as_float(table[col].reindex(ids), col, labels, what)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        rows = labels[bad].tolist()
        raise InputError(f"{what}: population column {col!r} has missing or negative values "
                         f"(rows {show_ids(rows)})", column=col, rows=rows)
    _check_weights(w, labels, what, col)
    return w, col


def _by_list(by: Any) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return [str(b) for b in by]


def _group_values(table: pd.DataFrame, col: str, ids: pd.Index, what: str) -> pd.Series:
    """Values of a ``by`` column for ``ids`` as Python objects, missing as NOT_RECORDED."""
    labels = ids.to_numpy(dtype=object)
    if col in table.columns:
        raw = table[col].reindex(ids)
    elif col == "imd_quintile" and "imd_decile" in table.columns:
        raw = quintile_from_decile(table["imd_decile"].reindex(ids))
    else:
        hint = (" ('imd_quintile' is derived from an 'imd_decile' column, which is missing "
                "too)" if col == "imd_quintile" else "")
        columns = [c for c in table.columns if c != "geometry"]
        raise InputError(f"{what}: areas has no column {col!r} to break down by{hint}; "
                         f"columns are {columns}", column=col)
    lower = col.lower()
    if "decile" in lower or "quintile" in lower:
        values = _as_float(raw, col, labels, what)
        if "decile" in lower:
            _check_deciles(values, labels, col, what)
        else:
            ok = np.isnan(values) | np.isin(values, np.arange(1, 6))
            if not ok.all():
                rows = labels[~ok].tolist()
                raise InputError(f"{what}: column {col!r} must hold quintiles 1..5 (rows "
                                 f"{show_ids(rows)})", column=col, rows=rows)
        out = [NOT_RECORDED if np.isnan(v) else int(v) for v in values]
    else:
        out = [NOT_RECORDED if _missing(v) else v for v in raw.astype(object)]
    return pd.Series(out, index=ids, dtype=object, name=col)


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _sort_key(v: Any) -> tuple[int, Any]:
    if isinstance(v, str) and v == NOT_RECORDED:
        return (2, "")
    if isinstance(v, (int, float, np.integer, np.floating)):
        return (0, float(v))
    return (1, str(v))


def _groups(table: pd.DataFrame, by: list[str], ids: pd.Index, what: str, total: bool
            ) -> list[tuple[tuple[Any, ...], np.ndarray]]:
    """(group key, boolean mask over ``ids``) for every group present, then the total."""
    out: list[tuple[tuple[Any, ...], np.ndarray]] = []
    if by:
        codes = np.zeros(len(ids), dtype=np.int64)
        levels: list[list[Any]] = []
        for col in by:
            values = _group_values(table, col, ids, what).tolist()
            uniq = sorted(set(values), key=_sort_key)
            lookup = {v: i for i, v in enumerate(uniq)}
            codes = codes * len(uniq) + np.fromiter((lookup[v] for v in values),
                                                    dtype=np.int64, count=len(values))
            levels.append(uniq)
        for code in np.unique(codes):  # ascending code = sorted by the columns in order
            key, rest = [], int(code)
            for uniq in reversed(levels):
                rest, i = divmod(rest, len(uniq))
                key.append(uniq[i])
            out.append((tuple(reversed(key)), codes == code))
    if total or not by:
        out.append(((TOTAL,) * len(by), np.ones(len(ids), dtype=bool)))
    return out


def _labels_of(res: Any) -> list[str]:
    from .measures import threshold_label

    return [threshold_label(t) for t in res.thresholds]


def _proposal_rows(comp: Any, scenario: str, ids: pd.Index) -> pd.DataFrame | None:
    if comp is None or scenario not in comp.scenario_names:
        return None
    return comp[scenario].reindex(ids)


# -------------------------------------------------------------------------- breakdown
def breakdown(
    result: Any,
    areas: pd.DataFrame,
    by: str | Sequence[str] | None = "imd_decile",
    *,
    population: str | None = None,
    baseline: str | None = None,
    total: bool = True,
) -> pd.DataFrame:
    """Access per scenario and group: population, minutes, thresholds, who loses.

    For each scenario of the result and each group of areas (by IMD decile or quintile,
    ward, or any attribute), the population-weighted summary of minutes to the nearest
    open site, with the same definitions as :attr:`Result.summary
    <geoaccess.Result>` (see :func:`geoaccess.measures.summarise_minutes`), and, for
    proposals compared with a baseline, how many people gain or lose.

    Parameters
    ----------
    result : Result or Comparison
        From :func:`geoaccess.evaluate` or :func:`geoaccess.compare`. A comparison adds
        the change columns for its proposals.
    areas : DataFrame or GeoDataFrame
        The areas (``area_id``, the population column and the ``by`` columns); every area
        of the result must be in it.
    by : str or sequence of str or None
        Column(s) to group by; several columns give their cross-classification. An
        ``imd_quintile`` column is derived from ``imd_decile`` when absent
        (:func:`quintile_from_decile`). Columns whose name contains "decile" must hold
        1..10, "quintile" 1..5. Areas with no value form the group ``"not recorded"``.
        None gives the totals only.
    population : str, optional
        Population column of ``areas`` used as weights (default: the result's).
    baseline : str, optional
        With a Result, compare with this scenario first (as :func:`geoaccess.compare`).
    total : bool
        Add a row per scenario for all areas, labelled ``"All areas"``.

    Returns
    -------
    pandas.DataFrame
        One row per scenario and group (scenarios in order, groups sorted, the total
        last). Counts of people are ``population*`` columns, proportions (0-1) ``share*``
        columns, times ``*_minutes``; thresholds are in minutes (``within_15``: within 15
        minutes). Columns:

        - ``scenario``, the ``by`` columns (object: the group's value, ``"All areas"``);
        - ``areas``, ``areas_unreachable``, ``population``, ``share_of_population`` (the
          group's share of everyone), ``population_reached``,
          ``population_unreachable``, ``mean_minutes``, ``median_minutes``,
          ``p90_minutes``, ``max_minutes`` (weighted over areas with a time),
          ``population_within_<t>``, ``share_within_<t>`` (of the group's people);
        - for proposals (NaN for the baseline): ``baseline``, ``mean_change_minutes``
          (weighted over areas with both times), ``population_gain``,
          ``population_loss`` (a longer journey beyond the comparison's tolerance, or no
          time any more), ``share_loss``, ``population_unchanged``,
          ``population_unknown``, and per threshold ``population_loses_<t>`` (people
          within *t* minutes under the baseline but not the proposal),
          ``share_loses_<t>`` (of the group), ``share_of_losers_<t>`` (the group's share
          of everyone who loses *t*-minute access; compare with ``share_of_population``)
          and ``population_gains_<t>``.

        ``attrs`` holds ``population`` (the column used), ``by`` and ``baseline``.

    Raises
    ------
    InputError
        A missing ``by`` or population column, deciles outside 1..10, negative, missing
        or all-zero population, areas of the result missing from ``areas``.

    Examples
    --------
    Two areas of decile 1 (100 and 300 children) and one of decile 2 (100); closing S2
    takes E2 from 8 to 25 minutes, so 300 children lose 15-minute access, all of them
    in decile 1:

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 100],
    ...                       "imd_decile": [1, 1, 2]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})],
    ...                 population="children", thresholds=[15])
    >>> b = breakdown(ga.compare(r), areas, by="imd_decile")
    >>> b[b.scenario == "Close S2"][["imd_decile", "population", "population_loses_15",
    ...                              "share_of_losers_15"]]
      imd_decile  population  population_loses_15  share_of_losers_15
    3          1       400.0                300.0                 1.0
    4          2       100.0                  0.0                 0.0
    5  All areas       500.0                300.0                 1.0
    """
    from .measures import summarise_minutes

    what = "breakdown"
    res, comp = _unpack(result, baseline, what)
    table = _area_table(areas, what)
    ids = _result_ids(res, table, what)
    w, pop_col = _population(res, areas, table, ids, population, what)
    by_cols = _by_list(by)
    groups = _groups(table, by_cols, ids, what, total)
    labs = _labels_of(res)
    total_pop = float(w.sum())
    rows: list[dict[str, Any]] = []
    for scenario in res.scenario_names:
        minutes = res[scenario]["nearest_minutes"].reindex(ids).to_numpy(np.float64)
        rows_ = _proposal_rows(comp, scenario, ids)
        change = _change_arrays(rows_, labs) if rows_ is not None else None
        losers_all = ({lab: float(w[change[f"loses_{lab}"]].sum()) for lab in labs}
                      if change is not None else {})
        for key, mask in groups:
            wm = w[mask]
            stats = summarise_minutes(minutes[mask], wm, thresholds=res.thresholds)
            row: dict[str, Any] = {"scenario": scenario, **dict(zip(by_cols, key, strict=True))}
            for name, value in stats.items():
                row[str(name)] = value
                if name == "population":
                    row["share_of_population"] = float(wm.sum()) / total_pop
            row["areas"] = int(row["areas"])
            row["areas_unreachable"] = int(row["areas_unreachable"])
            row.update(_change_stats(change, mask, wm, labs, losers_all, comp))
            rows.append(row)
    out = pd.DataFrame(rows)
    for c in by_cols:
        out[c] = out[c].astype(object)
    out["scenario"] = out["scenario"].astype(object)
    out.attrs = {"population": pop_col, "by": by_cols,
                 "baseline": comp.baseline if comp is not None else None}
    return out


def _change_arrays(rows: pd.DataFrame, labs: list[str]) -> dict[str, np.ndarray]:
    """The comparison columns breakdown needs, as numpy arrays (one pass per scenario)."""
    out = {"change_minutes": rows["change_minutes"].to_numpy(np.float64),
           "status": rows["status"].to_numpy(dtype=object)}
    for lab in labs:
        for kind in ("loses", "gains"):
            out[f"{kind}_{lab}"] = rows[f"{kind}_{lab}"].to_numpy(bool)
    return out


def _change_stats(change: Mapping[str, np.ndarray] | None, mask: np.ndarray,
                  wm: np.ndarray, labs: list[str], losers_all: Mapping[str, float],
                  comp: Any) -> dict[str, Any]:
    nan = float("nan")
    row: dict[str, Any] = {"baseline": comp.baseline if change is not None else None}
    cols = ["mean_change_minutes", "population_gain", "population_loss", "share_loss",
            "population_unchanged", "population_unknown"]
    for lab in labs:
        cols += [f"population_loses_{lab}", f"share_loses_{lab}", f"share_of_losers_{lab}",
                 f"population_gains_{lab}"]
    if change is None:
        row.update(dict.fromkeys(cols, nan))
        return row
    group_pop = float(wm.sum())
    delta = change["change_minutes"][mask]
    both = np.isfinite(delta)
    wb = wm[both].sum()
    row["mean_change_minutes"] = float(np.dot(wm[both], delta[both]) / wb) if wb > 0 else nan
    status = change["status"][mask]
    for st in ("gain", "loss", "unchanged", "unknown"):
        row[f"population_{st}"] = float(wm[status == st].sum())
    row["share_loss"] = _ratio(row["population_loss"], group_pop)
    for lab in labs:
        lose = float(wm[change[f"loses_{lab}"][mask]].sum())
        row[f"population_loses_{lab}"] = lose
        row[f"share_loses_{lab}"] = _ratio(lose, group_pop)
        row[f"share_of_losers_{lab}"] = _ratio(lose, losers_all[lab])
        row[f"population_gains_{lab}"] = float(wm[change[f"gains_{lab}"][mask]].sum())
    return {k: row[k] for k in ["baseline", *cols]}


# --------------------------------------------------------------------- group exposure
def _share_columns(table: pd.DataFrame, shares: Any, ids: pd.Index, what: str
                   ) -> dict[str, tuple[str, np.ndarray]]:
    """Column → (label, validated shares in ``ids`` order)."""
    if isinstance(shares, str):
        shares = [shares]
    items = dict(shares) if isinstance(shares, Mapping) else {str(c): None for c in shares}
    if not items:
        raise InputError(f"{what}: no share columns given; pass e.g. "
                         "shares=['disabled_share']", column="shares")
    labels = ids.to_numpy(dtype=object)
    out: dict[str, tuple[str, np.ndarray]] = {}
    for col, label in items.items():
        if col not in table.columns:
            found = [c for c in table.columns if "share" in str(c).lower()]
            raise InputError(f"{what}: areas has no share column {col!r}; columns with "
                             f"'share' in their name are {found}", column=col)
        s = _as_float(table[col].reindex(ids), col, labels, what)
        missing = np.isnan(s)
        if missing.any():
            rows = labels[missing].tolist()
            raise InputError(f"{what}: share column {col!r} is missing for rows "
                             f"{show_ids(rows)}; fill them (e.g. with the local authority's "
                             "share) so the group can be counted", column=col, rows=rows)
        bad = (s < 0) | (s > 1)
        if bad.any():
            rows = labels[bad].tolist()
            hint = (" It looks like percentages: divide the column by 100."
                    if (s <= 100).all() and (s >= 0).all() else "")
            raise InputError(f"{what}: share column {col!r} must hold proportions between 0 "
                             f"and 1 (rows {show_ids(rows)}).{hint}", column=col, rows=rows)
        out[col] = (label or _group_label(col), s)
    return out


def _group_label(col: str) -> str:
    base = col[:-len("_share")] if col.endswith("_share") else col
    return base.replace("_", " ")


def _outcomes(comp: Any, labs: list[str], outcomes: Any) -> list[str]:
    allowed = ["loss"] + [f"loses_{lab}" for lab in labs]
    if outcomes is None:
        return allowed
    chosen = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    bad = [o for o in chosen if o not in allowed]
    if bad:
        raise InputError(f"unknown outcomes {bad}; choose from {allowed} ('loss': a longer "
                         "journey; 'loses_<t>': no longer within t minutes)",
                         column="outcomes")
    return chosen


def _outcome_mask(rows: pd.DataFrame, outcome: str) -> np.ndarray:
    if outcome == "loss":
        return (rows["status"] == "loss").to_numpy(bool)
    return rows[outcome].to_numpy(bool)


def group_exposure(
    result: Any,
    areas: pd.DataFrame,
    shares: str | Sequence[str] | Mapping[str, str],
    *,
    population: str | None = None,
    baseline: str | None = None,
    outcomes: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """How many of a group lose access, against the group's share of the population.

    For columns holding the *share* of each area's people in a group (ethnic minority,
    disabled, lone-parent households...), the group's members in area ``i`` are
    estimated as ``s_i * p_i`` (share times population). Then for each proposal and
    outcome:

    - ``group_population_losing = sum(s_i p_i y_i)`` with ``y_i`` = 1 if the area has
      the outcome, of ``population_losing = sum(p_i y_i)`` people in all;
    - ``group_share_of_losing = group_population_losing / population_losing`` against
      ``group_share_of_population = sum(s_i p_i) / sum(p_i)``; their ratio
      ``representation_ratio`` is above 1 when the group is over-represented among those
      who lose;
    - ``group_risk`` (share of the group losing) and ``others_risk`` (share of everyone
      else losing).

    The estimate assumes the group's share among the people counted (e.g. children aged
    0-4) equals the area's share (often measured on all residents, e.g. Census 2021):
    pass ``population=`` the matching column (e.g. residents) to count the group itself.

    Parameters
    ----------
    result : Comparison or Result
        A comparison (or a Result with ``baseline=``).
    areas : DataFrame
        Areas with the share columns (proportions 0..1).
    shares : str, sequence of str, or mapping
        Share columns, or a mapping column → readable label (default label: the column
        name without ``_share``).
    population : str, optional
        Population column the shares apply to (default: the result's).
    baseline : str, optional
        Baseline scenario when ``result`` is a Result.
    outcomes : str or sequence, optional
        ``"loss"`` (a longer journey, or none) and/or ``"loses_<t>"`` (no longer within
        *t* minutes); default all.

    Returns
    -------
    pandas.DataFrame
        One row per proposal, share column and outcome: ``scenario``, ``baseline``,
        ``group`` (the column), ``group_label``, ``outcome``, ``population``,
        ``population_losing``, ``group_population``, ``group_share_of_population``,
        ``group_population_losing``, ``group_share_of_losing``,
        ``representation_ratio``, ``group_risk``, ``others_risk``. Shares and risks are
        proportions (0-1); NaN where nobody loses.

    Raises
    ------
    InputError
        Missing share or population columns, shares outside 0..1 or missing (naming the
        rows), all-zero population, no baseline.

    Examples
    --------
    E2 (300 children, 50% disabled) loses 15-minute access; E1 (100, 10%) and E3 (100,
    10%) do not. 150 of the 300 who lose are disabled (50%), against 170 of 500 (34%)
    of all children:

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 100],
    ...                       "disabled_share": [0.1, 0.5, 0.1]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})],
    ...                 population="children", thresholds=[15])
    >>> g = group_exposure(ga.compare(r), areas, "disabled_share", outcomes="loses_15")
    >>> g[["group_population_losing", "group_share_of_losing",
    ...    "group_share_of_population"]].round(2).iloc[0].tolist()
    [150.0, 0.5, 0.34]
    """
    what = "group_exposure"
    res, comp = _unpack(result, baseline, what, need_comparison=True)
    table = _area_table(areas, what)
    ids = _result_ids(res, table, what)
    w, pop_col = _population(res, areas, table, ids, population, what)
    cols = _share_columns(table, shares, ids, what)
    chosen = _outcomes(comp, _labels_of(res), outcomes)
    total = float(w.sum())
    rows = []
    for scenario in comp.scenario_names:
        change = comp[scenario].reindex(ids)
        for col, (label, s) in cols.items():
            group = s * w
            gpop = float(group.sum())
            for outcome in chosen:
                y = _outcome_mask(change, outcome)
                losing = float(w[y].sum())
                glosing = float(group[y].sum())
                share_pop = gpop / total
                share_losing = _ratio(glosing, losing)
                rows.append({
                    "scenario": scenario, "baseline": comp.baseline, "group": col,
                    "group_label": label, "outcome": outcome, "population": total,
                    "population_losing": losing, "group_population": gpop,
                    "group_share_of_population": share_pop,
                    "group_population_losing": glosing,
                    "group_share_of_losing": share_losing,
                    "representation_ratio": _ratio(share_losing, share_pop),
                    "group_risk": _ratio(glosing, gpop),
                    "others_risk": _ratio(losing - glosing, total - gpop),
                })
    out = pd.DataFrame(rows)
    out.attrs = {"population": pop_col, "baseline": comp.baseline}
    return out


# ------------------------------------------------------------------ deprived areas
@dataclass(frozen=True)
class _Deprived:
    """The most deprived group of areas used for relative risks and findings."""

    column: str
    deciles: tuple[int, ...]
    present: tuple[int, ...]
    national: bool
    mask: np.ndarray
    phrase: str

    @property
    def short(self) -> str:
        return f"IMD {_deciles_text(self.deciles)}"


def _deciles_text(deciles: Sequence[int]) -> str:
    d = sorted(int(x) for x in deciles)
    if len(d) == 1:
        return f"decile {d[0]}"
    if d == list(range(d[0], d[-1] + 1)):
        return f"deciles {d[0]}–{d[-1]}"
    return "deciles " + ", ".join(str(x) for x in d[:-1]) + f" and {d[-1]}"


def _deprived(table: pd.DataFrame, ids: pd.Index, column: str | None,
              deprived_deciles: Sequence[int] | None, place: str | None, what: str
              ) -> _Deprived | None:
    """The areas counted as "most deprived", phrased honestly for what is present.

    National IMD deciles 1-2 (the 20% most deprived areas of England) when some areas
    are in them and some are not; otherwise the two most deprived deciles present (one
    when only two are present), described as the most deprived areas *in the place*.
    None when a single decile is present (no contrast).
    """
    if column is None:
        if "imd_decile" not in table.columns:
            return None
        column = "imd_decile"
    if column not in table.columns:
        raise InputError(f"{what}: areas has no deprivation column {column!r} (IMD deciles "
                         "1..10)", column=column)
    labels = ids.to_numpy(dtype=object)
    dec = _as_float(table[column].reindex(ids), column, labels, what)
    _check_deciles(dec, labels, column, what)
    present = tuple(int(d) for d in sorted(set(dec[~np.isnan(dec)].tolist())))
    where = f"in {place}" if place else "analysed"
    if deprived_deciles is not None:
        chosen = tuple(sorted({int(d) for d in deprived_deciles}))
        bad = [d for d in chosen if d not in range(1, 11)]
        if bad or not chosen:
            raise InputError(f"{what}: deprived_deciles must be IMD deciles 1..10, got "
                             f"{list(deprived_deciles)}", column="deprived_deciles")
        national = set(chosen) == {1, 2}
        phrase = (f"the 20% most deprived areas of England (IMD {_deciles_text(chosen)})"
                  if national else f"the areas {where} in IMD {_deciles_text(chosen)}")
    elif any(d <= 2 for d in present) and any(d > 2 for d in present):
        chosen, national = (1, 2), True
        phrase = "the 20% most deprived areas of England (IMD deciles 1–2)"
    elif len(present) >= 2:
        chosen = present[:2] if len(present) >= 3 else present[:1]
        national = False
        phrase = f"the most deprived areas {where} (IMD {_deciles_text(chosen)})"
    else:
        log.info("%s: every area is in IMD decile %s; no deprivation contrast", what,
                 present)
        return None
    mask = np.isin(dec, chosen)
    return _Deprived(column, chosen, present, national, mask, phrase)


def _rank_column(table: pd.DataFrame, rank_by: str | None) -> tuple[str | None, float]:
    """Column ranking areas from the most deprived, and its direction (+1 or -1)."""
    if rank_by is None:
        for cand in ("imd_rank", "imd_decile"):
            if cand in table.columns:
                return cand, 1.0
        return None, 1.0
    if rank_by not in table.columns:
        raise InputError(f"areas has no column {rank_by!r} to rank deprivation by",
                         column=rank_by)
    return rank_by, (-1.0 if "score" in rank_by.lower() else 1.0)


# ------------------------------------------------------------------ tables of indices
def inequality(
    result: Any,
    areas: pd.DataFrame,
    *,
    population: str | None = None,
    rank_by: str | None = None,
    column: str = "nearest_minutes",
) -> pd.DataFrame:
    """Inequality :func:`indices` of minutes to the nearest open site, per scenario.

    Areas with no time (NaN) are left out of the indices and counted in
    ``areas_without_time`` and ``population_without_time``.

    Parameters
    ----------
    result : Result or Comparison
    areas : DataFrame
        Areas with the population column and the deprivation ranking.
    population : str, optional
        Population column (default: the result's).
    rank_by : str, optional
        Column ranking deprivation for the concentration index, ascending from the most
        deprived (``imd_rank``, ``imd_decile``); a column whose name contains "score"
        (IMD score: higher = more deprived) is ranked descending. Default ``imd_rank``
        if present, else ``imd_decile``, else none (concentration NaN).
    column : str
        Per-area column of the result to measure (default ``nearest_minutes``; e.g.
        ``gravity`` when evaluated with that measure).

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``scenario``, ``measure``, ``rank_by``, ``population``,
        ``areas_without_time``, ``population_without_time``, ``mean_minutes`` (weighted;
        ``mean`` for a measure not in minutes), ``gini``, ``concentration``, ``palma``,
        ``theil``.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [10.0, 20.0, 30.0]},
    ...                                             index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [1.0, 1, 1],
    ...                       "imd_decile": [3, 2, 1]})
    >>> r = ga.evaluate(tt, areas, ga.Scenario("A", {"S1": "hub"}), population="children")
    >>> inequality(r, areas)[["gini", "concentration"]].round(4).to_dict("records")
    [{'gini': 0.2222, 'concentration': -0.2222}]
    """
    what = "inequality"
    res, _ = _unpack(result, None, what)
    table = _area_table(areas, what)
    ids = _result_ids(res, table, what)
    w, pop_col = _population(res, areas, table, ids, population, what)
    rank_col, sign = _rank_column(table, rank_by)
    rank = None
    if rank_col is not None:
        labels = ids.to_numpy(dtype=object)
        rank = sign * _as_float(table[rank_col].reindex(ids), rank_col, labels, what)
        if "decile" in rank_col.lower():
            _check_deciles(sign * rank, labels, rank_col, what)
    if column not in res.areas.columns:
        raise InputError(f"{what}: the result has no column {column!r}", column=column)
    mean_col = "mean_minutes" if column.endswith("minutes") else "mean"
    rows = []
    for scenario in res.scenario_names:
        x = pd.to_numeric(res[scenario][column].reindex(ids), errors="coerce").to_numpy(
            np.float64)
        no_time = np.isnan(x)
        row: dict[str, Any] = {
            "scenario": scenario, "measure": column, "rank_by": rank_col,
            "population": float(w.sum()), "areas_without_time": int(no_time.sum()),
            "population_without_time": float(w[no_time].sum()),
        }
        keep = ~no_time
        if rank is not None:
            keep &= ~np.isnan(rank)
        if w[keep].sum() > 0:
            row[mean_col] = float(np.dot(w[keep], x[keep]) / w[keep].sum())
            row.update(indices(x[keep], w[keep],
                               rank_by=rank[keep] if rank is not None else None))
        else:
            row.update(dict.fromkeys((mean_col, "gini", "concentration", "palma", "theil"),
                                     float("nan")))
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs = {"population": pop_col}
    return out


def risk_table(
    result: Any,
    areas: pd.DataFrame,
    *,
    population: str | None = None,
    baseline: str | None = None,
    deprivation: str | None = None,
    deprived_deciles: Sequence[int] | None = None,
    rank_by: str | None = None,
    outcomes: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    place: str | None = None,
) -> pd.DataFrame:
    """Relative risk of losing access in the most deprived areas, per proposal and outcome.

    The exposed group is IMD deciles 1-2 (the 20% most deprived areas of England, i.e.
    national quintile 1) when some (not all) areas are in them, else the two most
    deprived deciles present (see :func:`findings`), or ``deprived_deciles``. Each row gives the
    :func:`relative_risk` with both intervals (Katz log, and clustered by area) and the
    concentration index of losing ranked by deprivation (negative: losses concentrate
    in the more deprived areas).

    Parameters
    ----------
    result : Comparison or Result
        A comparison (or a Result with ``baseline=``).
    areas : DataFrame
        Areas with the population and IMD decile columns.
    population, baseline
        As in :func:`breakdown`.
    deprivation : str, optional
        IMD decile column (default ``imd_decile``).
    deprived_deciles : sequence of int, optional
        Deciles forming the exposed group, overriding the rule above.
    rank_by : str, optional
        Ranking for the concentration index (see :func:`inequality`).
    outcomes : str or sequence, optional
        ``"loss"`` and/or ``"loses_<t>"`` (default all).
    confidence : float
        Confidence level of the intervals.
    place : str, optional
        Name of the place, for the group's description.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``baseline``, ``outcome``, ``exposed_group``, ``exposed_deciles``,
        ``exposed_areas``, ``exposed_population``, ``exposed_population_losing``,
        ``exposed_risk``, ``other_areas``, ``other_population``,
        ``other_population_losing``, ``other_risk``, ``risk_ratio``, ``katz_lower``,
        ``katz_upper``, ``cluster_lower``, ``cluster_upper``, ``confidence``,
        ``concentration_index``. Empty when there is no deprivation contrast (no decile
        column, or a single decile present).

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 100],
    ...                       "imd_decile": [1, 2, 5]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})],
    ...                 population="children", thresholds=[15])
    >>> t = risk_table(ga.compare(r), areas, outcomes="loses_15")
    >>> t[["exposed_risk", "other_risk"]].to_dict("records")
    [{'exposed_risk': 0.75, 'other_risk': 0.0}]
    """
    what = "risk_table"
    res, comp = _unpack(result, baseline, what, need_comparison=True)
    table = _area_table(areas, what)
    ids = _result_ids(res, table, what)
    w, pop_col = _population(res, areas, table, ids, population, what)
    dep = _deprived(table, ids, deprivation, deprived_deciles, place, what)
    columns = ["scenario", "baseline", "outcome", "exposed_group", "exposed_deciles",
               "exposed_areas", "exposed_population", "exposed_population_losing",
               "exposed_risk", "other_areas", "other_population", "other_population_losing",
               "other_risk", "risk_ratio", "katz_lower", "katz_upper", "cluster_lower",
               "cluster_upper", "confidence", "concentration_index"]
    if dep is None:
        log.info("%s: no deprivation contrast; the table is empty", what)
        return pd.DataFrame(columns=columns)
    rank_col, sign = _rank_column(table, rank_by)
    labels = ids.to_numpy(dtype=object)
    rank = (sign * _as_float(table[rank_col].reindex(ids), rank_col, labels, what)
            if rank_col is not None else None)
    chosen = _outcomes(comp, _labels_of(res), outcomes)
    rows = []
    for scenario in comp.scenario_names:
        change = comp[scenario].reindex(ids)
        for outcome in chosen:
            y = _outcome_mask(change, outcome)
            rows.append(_risk_row(scenario, comp.baseline, outcome, y, w, dep, rank,
                                  confidence))
    out = pd.DataFrame(rows, columns=columns)
    out.attrs = {"population": pop_col, "baseline": comp.baseline,
                 "exposed_group": dep.phrase}
    return out


def _risk_row(scenario: str, baseline: str, outcome: str, y: np.ndarray, w: np.ndarray,
              dep: _Deprived, rank: np.ndarray | None, confidence: float) -> dict[str, Any]:
    ex = dep.mask
    nan = float("nan")
    events = w * y
    row: dict[str, Any] = {
        "scenario": scenario, "baseline": baseline, "outcome": outcome,
        "exposed_group": dep.phrase, "exposed_deciles": _deciles_text(dep.deciles),
        "exposed_areas": int(ex.sum()), "exposed_population": float(w[ex].sum()),
        "exposed_population_losing": float(events[ex].sum()),
        "other_areas": int((~ex).sum()), "other_population": float(w[~ex].sum()),
        "other_population_losing": float(events[~ex].sum()), "confidence": confidence,
    }
    row["exposed_risk"] = _ratio(row["exposed_population_losing"], row["exposed_population"])
    row["other_risk"] = _ratio(row["other_population_losing"], row["other_population"])
    if row["exposed_population"] > 0 and row["other_population"] > 0:
        katz = relative_risk(events, w, ex, confidence=confidence)
        clus = relative_risk(events, w, ex, confidence=confidence, method="cluster")
        row.update(risk_ratio=katz.risk_ratio, katz_lower=katz.lower, katz_upper=katz.upper,
                   cluster_lower=clus.lower, cluster_upper=clus.upper)
    else:
        row.update(dict.fromkeys(("risk_ratio", "katz_lower", "katz_upper", "cluster_lower",
                                  "cluster_upper"), nan))
    if rank is not None and events.sum() > 0:
        keep = ~np.isnan(rank)
        row["concentration_index"] = indices(y[keep].astype(float), w[keep],
                                             rank_by=rank[keep])["concentration"]
    else:
        row["concentration_index"] = nan
    return row


# ------------------------------------------------------------------------- formatting
def _num(x: float, digits: int = 3) -> str:
    """A number with ``digits`` significant figures, no trailing zeros."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.{digits}g}"


def _pct(share: float) -> str:
    """A proportion as a percentage for readers: 6.1%, 58%, less than 0.1%."""
    if share is None or not math.isfinite(share):
        return "n/a"
    p = share * 100
    if p == 0:
        return "0%"
    if p < 0.05:
        return "less than 0.1%"
    if 99.5 <= p < 100:
        return "more than 99%"
    if round(p, 1) < 10:
        return f"{p:.1f}%"
    return f"{p:.0f}%"


def _people(n: float) -> str:
    """A count of people for readers: 1,240; fewer than 1."""
    if 0 < n < 0.5:
        return "fewer than 1"
    return f"{round(n):,}"


def _ratio_text(x: float) -> str:
    """A ratio for readers: 2.25, 0.19, 14.3, 1,033, less than 0.01."""
    if not math.isfinite(x):
        return "infinity" if x > 0 else "undefined"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 0.01:
        return f"{x:.2f}"
    return "less than 0.01" if x > 0 else "0"


def _minutes(x: float) -> str:
    return f"{x:.1f}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


_AGE = re.compile(r"^(children|people|persons|residents|population|pop|adults|women|men|"
                  r"girls|boys|infants)_(?:aged_)?(\d+)_(?:to_)?(\d+)$")
_UNDER = re.compile(r"^(children|people|persons|residents|population|pop|infants)_"
                    r"(?:under|u)_?(\d+)$")
_NOUNS = {"pop": "people", "population": "people", "persons": "people"}


def describe_population(column: str) -> str:
    """Readable words for a population column: ``children_0_4`` → "children aged 0–4".

    Examples
    --------
    >>> describe_population("children_0_4"), describe_population("residents_2021")
    ('children aged 0–4', 'residents 2021')
    """
    key = column.strip().lower()
    m = _AGE.match(key)
    if m:
        return f"{_NOUNS.get(m[1], m[1])} aged {m[2]}–{m[3]}"
    m = _UNDER.match(key)
    if m:
        return f"{_NOUNS.get(m[1], m[1])} under {m[2]}"
    return column.replace("_", " ")


#: Readable labels of common share columns, completing "...of them are <label>".
SHARE_LABELS: dict[str, str] = {
    "ethnic_minority_share": "from ethnic minority groups",
    "disabled_share": "disabled",
    "lone_parent_share": "in lone-parent households",
    "no_car_share": "in households without a car",
}

_TRAVEL = {"walk": "walk", "pushchair": "walk with a pushchair", "cycle": "cycle ride",
           "drive": "drive"}


def _within_phrase(label: str, mode: str) -> str:
    unit = "minute" if label == "1" else "minutes"
    if mode in _TRAVEL:
        return f"within {label} {unit}' {_TRAVEL[mode]}"
    if mode == "transit":
        return f"within {label} {unit} by public transport"
    return f"within {label} {unit}' travel"


def _service_noun(service: str) -> str:
    for article in ("a ", "an ", "the "):
        if service.lower().startswith(article):
            return service[len(article):]
    return service


def _date(stamp: Any) -> str | None:
    if not stamp:
        return None
    try:
        ts = pd.Timestamp(str(stamp))
    except (ValueError, TypeError):
        return str(stamp)
    return f"{ts.day} {ts.strftime('%B %Y')}"


# --------------------------------------------------------------------------- findings
class Findings:
    """Plain-English findings of an equality analysis, with their caveats.

    Attributes
    ----------
    table : pandas.DataFrame
        ``kind`` (``"finding"`` or ``"caveat"``), ``scenario`` (None for general lines)
        and ``text``, in reading order.

    Examples
    --------
    >>> f = Findings(pd.DataFrame({"kind": ["finding", "caveat"], "scenario": ["B", None],
    ...                            "text": ["Under B, nobody loses.", "Times are modelled."]}))
    >>> print(f)
    Under B, nobody loses.
    <BLANKLINE>
    Caveats:
    - Times are modelled.
    """

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table.reset_index(drop=True)

    @property
    def sentences(self) -> list[str]:
        """The findings, one sentence (or two) per line."""
        return self.table.loc[self.table["kind"] == "finding", "text"].tolist()

    @property
    def caveats(self) -> list[str]:
        """What the reader must know about the method and the data."""
        return self.table.loc[self.table["kind"] == "caveat", "text"].tolist()

    def for_scenario(self, scenario: str) -> list[str]:
        """The findings about one proposal."""
        rows = self.table[(self.table["kind"] == "finding")
                          & (self.table["scenario"] == scenario)]
        return rows["text"].tolist()

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`table` (for export)."""
        return self.table.copy()

    def __str__(self) -> str:
        text = "\n".join(self.sentences)
        if self.caveats:
            text += "\n\nCaveats:\n" + "\n".join(f"- {c}" for c in self.caveats)
        return text

    def __repr__(self) -> str:
        return f"Findings({len(self.sentences)} findings, {len(self.caveats)} caveats)"

    def _repr_markdown_(self) -> str:
        out = []
        for scenario, rows in self.table[self.table["kind"] == "finding"].groupby(
                "scenario", sort=False, dropna=False):
            if isinstance(scenario, str):
                out.append(f"**{scenario}**\n")
            out.extend(f"- {t}" for t in rows["text"])
            out.append("")
        if self.caveats:
            out.append("**Caveats**\n")
            out.extend(f"- {c}" for c in self.caveats)
        return "\n".join(out)


def _pick_threshold(res: Any, threshold: float | None) -> str:
    from .measures import threshold_label

    labels = _labels_of(res)
    if threshold is None:
        return "15" if "15" in labels else labels[0]
    lab = threshold_label(threshold)
    if lab not in labels:
        raise InputError(f"threshold {threshold:g} minutes was not evaluated; thresholds are "
                         f"{[float(t) for t in res.thresholds]} (evaluate with "
                         "thresholds=...)", column="threshold")
    return lab


def findings(
    result: Any,
    areas: pd.DataFrame,
    *,
    threshold: float | None = None,
    population: str | None = None,
    baseline: str | None = None,
    deprivation: str | None = None,
    deprived_deciles: Sequence[int] | None = None,
    shares: str | Sequence[str] | Mapping[str, str] | None = None,
    place: str | None = None,
    service: str = "an open site",
    population_label: str | None = None,
    confidence: float = 0.95,
) -> Findings:
    """Plain-English findings for an Equality Impact Assessment, with caveats.

    For each proposal, sentences such as: "Under Proposal B, 1,240 children aged 0–4
    (6.1%) would no longer have a centre within 15 minutes' walk; 58% of them live in
    the 20% most deprived areas of England (IMD deciles 1–2), against 31% of all
    children aged 0–4." Then any gains, the change in the average journey, the relative
    risk for the most deprived areas with its intervals, and the share of those losing
    access who belong to each group of ``shares``.

    "Most deprived" is phrased for what is present: national IMD deciles 1-2 when any
    area is in them; otherwise the two most deprived deciles present, described as
    "the most deprived areas in <place> (IMD deciles 6–7)" with a caveat that none is
    among the most deprived nationally (``deprived_deciles`` overrides the choice).

    The caveats come from the result's provenance: the travel mode and assumed speeds,
    the OpenStreetMap extract and its date, how areas and sites were joined to the
    network (snapping), areas without a time and why, and the limits of the statistics.

    Parameters
    ----------
    result : Comparison or Result
        A comparison (or a Result with ``baseline=``).
    areas : DataFrame
        The areas (population, ``imd_decile``, share columns).
    threshold : float, optional
        The threshold in minutes the sentences are about (default 15 when evaluated,
        else the first threshold).
    population : str, optional
        Population column (default: the result's).
    baseline : str, optional
        Baseline scenario when ``result`` is a Result.
    deprivation : str, optional
        IMD decile column (default ``imd_decile`` when present).
    deprived_deciles : sequence of int, optional
        Deciles counted as "most deprived", overriding the rule above.
    shares : str, sequence or mapping, optional
        Share columns for :func:`group_exposure`; a mapping gives labels completing
        "...of them are <label>" (defaults in :data:`SHARE_LABELS`, else the column
        name).
    place : str, optional
        Name of the place ("Rutland"), used in "the most deprived areas in Rutland".
    service : str
        What is reached, with its article: "a centre", "a family hub".
    population_label : str, optional
        Words for the population (default from the column: ``children_0_4`` →
        "children aged 0–4").
    confidence : float
        Confidence level of the relative risk's intervals.

    Returns
    -------
    Findings
        ``.sentences``, ``.caveats``, ``.table``; ``print()`` gives the text.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]),
    ...     mode="walk")
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"],
    ...                       "children_0_4": [100.0, 300, 100], "imd_decile": [6, 6, 8]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Proposal B", {"S1": "hub"})],
    ...                 population="children_0_4", thresholds=[15])
    >>> f = findings(ga.compare(r), areas, service="a centre", place="Rutland")
    >>> print(f.sentences[0])  # doctest: +NORMALIZE_WHITESPACE
    Under Proposal B, 300 children aged 0–4 (60%) would no longer have a centre within
    15 minutes' walk; 100% of them live in the most deprived areas in Rutland
    (IMD decile 6), against 80% of all children aged 0–4.
    """
    what = "findings"
    res, comp = _unpack(result, baseline, what, need_comparison=True)
    table = _area_table(areas, what)
    ids = _result_ids(res, table, what)
    w, pop_col = _population(res, areas, table, ids, population, what)
    lab = _pick_threshold(res, threshold)
    label = population_label or describe_population(pop_col)
    dep = _deprived(table, ids, deprivation, deprived_deciles, place, what)
    share_cols: dict[str, tuple[str, np.ndarray]] = {}
    if shares is not None:
        if isinstance(shares, str):
            shares = [shares]
        if not isinstance(shares, Mapping):
            shares = {c: SHARE_LABELS.get(c, _group_label(c)) for c in shares}
        share_cols = _share_columns(table, shares, ids, what)
    within = _within_phrase(lab, res.mode)
    noun = _service_noun(service)
    total = float(w.sum())
    entries: list[tuple[str, str | None, str]] = []

    def add(scenario: str, text: str) -> None:
        entries.append(("finding", scenario, text))

    for scenario in comp.scenario_names:
        ch = comp[scenario].reindex(ids)
        lose = ch[f"loses_{lab}"].to_numpy(bool)
        gain = ch[f"gains_{lab}"].to_numpy(bool)
        n_lose = float(w[lose].sum())
        if n_lose > 0:
            text = (f"Under {scenario}, {_people(n_lose)} {label} ({_pct(n_lose / total)}) "
                    f"would no longer have {service} {within}")
            if dep is not None and dep.mask.any():
                text += (f"; {_pct(w[lose & dep.mask].sum() / n_lose)} of them live in "
                         f"{dep.phrase}, against {_pct(w[dep.mask].sum() / total)} of all "
                         f"{label}")
            add(scenario, text + ".")
        else:
            add(scenario, f"Under {scenario}, no {label} would lose {service} {within}.")
        n_gain = float(w[gain].sum())
        if n_gain > 0:
            add(scenario, f"{_capital(_people(n_gain))} {label} ({_pct(n_gain / total)}) "
                          f"would newly have {service} {within}.")
        add(scenario, _journey_sentence(ch, w, label, noun, total))
        none = ch["nearest_minutes"].isna().to_numpy()
        if none.any() and w[none].sum() > 0:
            reasons = ch.loc[none, "reason"].dropna()
            why = f"; reason recorded: {reasons.value_counts().index[0]}" if len(reasons) else ""
            add(scenario, f"{_capital(_people(float(w[none].sum())))} {label} "
                          f"({_pct(w[none].sum() / total)}) would have no journey time to "
                          f"any open {noun}{why}.")
        if dep is not None and n_lose > 0 and dep.mask.any() and (~dep.mask).any():
            add(scenario, _risk_sentence(w * lose, w, dep, label, lab, confidence))
        for _col, (glabel, s) in share_cols.items():
            if n_lose > 0:
                group = s * w
                add(scenario, f"An estimated {_pct(group[lose].sum() / n_lose)} of the "
                              f"{label} losing {lab}-minute access under {scenario} are "
                              f"{glabel}, against {_pct(group.sum() / total)} of all {label}.")
    for text in _caveats(res, comp, table, ids, w, label, pop_col, dep, share_cols, place):
        entries.append(("caveat", None, text))
    return Findings(pd.DataFrame(entries, columns=["kind", "scenario", "text"]))


def _journey_sentence(ch: pd.DataFrame, w: np.ndarray, label: str, noun: str,
                      total: float) -> str:
    b = ch["baseline_minutes"].to_numpy(np.float64)
    p = ch["nearest_minutes"].to_numpy(np.float64)
    both = np.isfinite(b) & np.isfinite(p)
    status = ch["status"].to_numpy(dtype=object)
    longer = float(w[status == "loss"].sum())
    shorter = float(w[status == "gain"].sum())
    text = ""
    if w[both].sum() > 0:
        mb = float(np.dot(w[both], b[both]) / w[both].sum())
        mp = float(np.dot(w[both], p[both]) / w[both].sum())
        verb = "would rise" if mp > mb + 0.05 else ("would fall" if mp < mb - 0.05
                                                   else "would stay at about")
        span = (f"from {_minutes(mb)} to {_minutes(mp)} minutes" if verb != "would stay at about"
                else f"{_minutes(mb)} minutes")
        text = (f"The average journey of {label} to the nearest open {noun} {verb} {span}; ")
    def count(n: float) -> str:
        return f"{_people(n)} ({_pct(n / total)})" if n > 0 else "none"

    text += f"{count(longer)} would have a longer journey and {count(shorter)} a shorter one."
    return _capital(text)


def _risk_sentence(events: np.ndarray, w: np.ndarray, dep: _Deprived, label: str,
                   lab: str, confidence: float) -> str:
    katz = relative_risk(events, w, dep.mask, confidence=confidence)
    clus = relative_risk(events, w, dep.mask, confidence=confidence, method="cluster")
    who = f"{label} in {dep.phrase}"
    if katz.exposed_events == 0:
        return (f"None of the {who} would lose {lab}-minute access, against "
                f"{_pct(katz.other_risk)} of other {label}.")
    if katz.other_events == 0:
        return (f"Everyone losing {lab}-minute access lives in {dep.phrase}: "
                f"{_pct(katz.exposed_risk)} of the {label} there, none elsewhere.")
    rr = katz.risk_ratio
    conf = f"{confidence:.0%}"
    intervals = (f"{conf} confidence interval {_ratio_text(katz.lower)} to "
                 f"{_ratio_text(katz.upper)} (Katz log method)")
    if math.isfinite(clus.lower):
        intervals += (f", or {_ratio_text(clus.lower)} to {_ratio_text(clus.upper)} allowing "
                      "for whole areas losing access together")
    if rr >= 1.05:
        head = (f"{_capital(who)} would be {_ratio_text(rr)} times as likely to lose {lab}-minute "
                f"access as other {label}")
    elif rr <= 0.95:
        head = (f"{_capital(who)} would be less likely to lose {lab}-minute access than "
                f"other {label}")
    else:
        head = (f"{_capital(who)} would be about as likely to lose {lab}-minute access as "
                f"other {label}")
    return (f"{head} ({_pct(katz.exposed_risk)} against {_pct(katz.other_risk)}; relative "
            f"risk {_ratio_text(rr)}, {intervals}).")


_ORIGINS = {
    "residential buildings": "the centre of its residential buildings",
    "residential landuse": "the centre of its residential land",
    "representative_point": "a point inside the area",
    "centroid": "the area's centroid",
    "point": "the area's point",
    "supplied": "a supplied point (e.g. population-weighted centroid)",
}


def _caveats(res: Any, comp: Any, table: pd.DataFrame, ids: pd.Index, w: np.ndarray,
             label: str, pop_col: str, dep: _Deprived | None,
             share_cols: Mapping[str, tuple[str, np.ndarray]], place: str | None
             ) -> list[str]:
    prov = dict(res.provenance)
    mode = res.mode
    out: list[str] = []
    source = prov.get("source")
    osm_date = _date(prov.get("osm_timestamp"))
    speeds = prov.get("speeds_kmh") or {}
    reader = str(prov.get("reader", ""))
    is_osm = bool(prov.get("osm_timestamp")) or reader in ("pyosmium", "networkx graph") \
        or "osm" in str(source).lower()
    where = f"the OpenStreetMap network ({source}" if source else "the OpenStreetMap network ("
    where += f", extract dated {osm_date})" if osm_date else ", extract date not recorded)"
    if mode in ("walk", "pushchair", "cycle") and mode in speeds:
        doing = {"walk": "walking", "pushchair": "walking with a pushchair (avoiding steps)",
                 "cycle": "cycling"}[mode]
        out.append(f"Journey times are modelled, not observed: {doing} at "
                   f"{float(speeds[mode]):g} km/h by the quickest route along {where}. Real "
                   "journeys vary with pace, hills, crossings, weather and waiting.")
    elif mode == "drive" and (speeds or is_osm):
        out.append(f"Journey times are modelled, not observed: driving along {where} at the "
                   "tagged speed limits, or UK defaults by road type where untagged, with no "
                   "allowance for congestion, junctions or parking.")
    elif mode == "transit":
        date = prov.get("date")
        out.append("Journey times are modelled from the public transport timetables"
                   + (f" for {date}" if date else "") + " with walking to and from stops; "
                   "they depend on the departure time and do not allow for delays.")
    else:
        out.append(f"Journey times were supplied as a matrix ({source or 'source not recorded'}"
                   "); how they were modelled is not recorded here.")
    if "max_snap_m" in prov:
        methods = table["origin_method"].reindex(ids).dropna() \
            if "origin_method" in table.columns else pd.Series(dtype=object)
        origin = (_ORIGINS.get(str(methods.mode().iloc[0]), str(methods.mode().iloc[0]))
                  if len(methods) else "one point in the area")
        access = prov.get("access_speed_kmh")
        out.append(f"Each area's journeys start from one point ({origin}), joined to the "
                   f"nearest {mode} path or road"
                   + (f" and walked at {float(access):g} km/h" if access else "")
                   + f"; sites are joined the same way. Points more than "
                   f"{float(prov['max_snap_m']):g} m from the network have no time.")
    if prov.get("max_minutes"):
        out.append(f"Journeys longer than {float(prov['max_minutes']):g} minutes were not "
                   "computed and count as having no time.")
    no_time = res.areas[res.areas["nearest_minutes"].isna()]
    if len(no_time):
        counts = no_time.drop_duplicates("area_id")["reason"].fillna("no reason recorded") \
            .value_counts()
        listed = "; ".join(f"{r} ({n})" for r, n in counts.head(3).items())
        n = no_time["area_id"].nunique()
        out.append(f"{n} of {len(ids)} areas {'has' if n == 1 else 'have'} no journey time "
                   f"under at least one scenario: {listed}. Their people count as not within "
                   "any threshold.")
    out.append(f"Everyone in an area is given the area's journey time; counts of {label} are "
               f"from the column '{pop_col}' ({_people(float(w.sum()))} in all, "
               f"{len(ids)} areas) and are rounded here.")
    tol = getattr(comp, "tolerance_minutes", 0.0)
    if tol:
        out.append(f"Changes of up to {tol:g} minutes count as unchanged.")
    if dep is not None and not dep.national:
        scope = f"in {place}" if place else "analysed"
        out.append(f"No area {scope} is among the 20% most deprived in England (IMD deciles "
                   f"1–2); the deciles present are {', '.join(map(str, dep.present))}, so "
                   f"'most deprived' here means relatively more deprived within "
                   f"{place or 'the areas analysed'} ({dep.short}).")
    if dep is not None:
        out.append(f"Relative risks compare {dep.short} with all other areas. The Katz "
                   f"interval treats {label} as independent; because everyone in an area "
                   "gains or loses access together, the interval allowing for this (by area: "
                   "a ratio estimator with Student's t on areas − 2 degrees of freedom) is "
                   "the better guide when few areas change.")
    elif "imd_decile" not in table.columns:
        out.append("No IMD decile column was given, so deprivation is not analysed.")
    if share_cols:
        cols = ", ".join(f"'{c}'" for c in share_cols)
        out.append(f"Group figures are estimates: each area's share ({cols}) times its "
                   f"{label}, assuming the share among {label} matches the area's.")
    out.append("'Within t minutes' means a journey of at most t minutes, as in the DfT "
               "Journey Time Statistics.")
    if is_osm:
        out.append("Contains OpenStreetMap data © OpenStreetMap contributors (ODbL 1.0).")
    return out


# ------------------------------------------------------------------------ EIA tables
def _default_shares(table: pd.DataFrame, ids: pd.Index) -> list[str]:
    """Columns named ``*_share`` holding proportions 0..1 for every area."""
    out = []
    for c in table.columns:
        if not str(c).lower().endswith("_share"):
            continue
        values = pd.to_numeric(table[c].reindex(ids), errors="coerce")
        if values.notna().all() and values.between(0, 1).all():
            out.append(str(c))
    return out


def _table_name(entry: Sequence[str]) -> str:
    return "by_" + "_".join(entry)


def eia_tables(
    result: Any,
    areas: pd.DataFrame,
    *,
    by: Sequence[str | Sequence[str]] | str | None = None,
    shares: str | Sequence[str] | Mapping[str, str] | None = None,
    population: str | None = None,
    baseline: str | None = None,
    deprivation: str | None = None,
    deprived_deciles: Sequence[int] | None = None,
    threshold: float | None = None,
    place: str | None = None,
    service: str = "an open site",
    population_label: str | None = None,
    confidence: float = 0.95,
) -> dict[str, pd.DataFrame]:
    """Every table of an Equality Impact Assessment, ready for :func:`to_excel`.

    Parameters
    ----------
    result : Comparison or Result
        A comparison (or a Result with ``baseline=``); a Result alone gives the tables
        that need no baseline (summary, breakdowns, inequality).
    areas : DataFrame
        The areas.
    by : str or sequence, optional
        One breakdown table per entry (a tuple entry cross-classifies its columns).
        Default: those of ``imd_decile``, ``imd_quintile`` and ``ward`` that are present.
    shares : str, sequence or mapping, optional
        Share columns for the group exposure table and findings. Default: every
        ``*_share`` column holding proportions 0..1 for all areas; ``[]`` for none.
    population, baseline, deprivation, deprived_deciles, threshold, place, service, \
population_label, confidence
        As in :func:`findings` and :func:`breakdown`.

    Returns
    -------
    dict of str to pandas.DataFrame
        In order: ``findings`` (text and caveats), ``summary`` (per scenario),
        ``change`` (per proposal against the baseline), ``by_<column>`` for each
        breakdown, ``group_exposure``, ``relative_risk``, ``inequality``, ``method``
        (settings, provenance and definitions) and ``columns`` (what every column means,
        with its unit).

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 100],
    ...                       "imd_decile": [6, 7, 9], "disabled_share": [0.1, 0.2, 0.1]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})],
    ...                 population="children", thresholds=[15])
    >>> list(eia_tables(ga.compare(r), areas))  # doctest: +NORMALIZE_WHITESPACE
    ['findings', 'summary', 'change', 'by_imd_decile', 'by_imd_quintile', 'group_exposure',
     'relative_risk', 'inequality', 'method', 'columns']
    """
    what = "eia_tables"
    res, comp = _unpack(result, baseline, what)
    table = _area_table(areas, what)
    ids = _result_ids(res, table, what)
    if by is None:
        entries: list[tuple[str, ...]] = [
            (c,) for c in ("imd_decile", "imd_quintile", "ward")
            if c in table.columns or (c == "imd_quintile" and "imd_decile" in table.columns)]
    else:
        items = [by] if isinstance(by, str) else list(by)
        entries = [(e,) if isinstance(e, str) else tuple(e) for e in items]
    if shares is None:
        shares = _default_shares(table, ids)
    elif isinstance(shares, str):
        shares = [shares]
    source = comp if comp is not None else res
    tables: dict[str, pd.DataFrame] = {}
    if comp is not None:
        tables["findings"] = findings(
            comp, areas, threshold=threshold, population=population,
            deprivation=deprivation, deprived_deciles=deprived_deciles,
            shares=shares or None, place=place, service=service,
            population_label=population_label, confidence=confidence).to_frame()
    tables["summary"] = res.summary.copy()
    if comp is not None:
        tables["change"] = comp.summary.copy()
    for entry in entries:
        tables[_table_name(entry)] = breakdown(source, areas, by=list(entry),
                                               population=population)
    if comp is not None:
        if shares:
            tables["group_exposure"] = group_exposure(comp, areas, shares,
                                                      population=population)
        tables["relative_risk"] = risk_table(
            comp, areas, population=population, deprivation=deprivation,
            deprived_deciles=deprived_deciles, confidence=confidence, place=place)
    tables["inequality"] = inequality(res, areas, population=population)
    tables["method"] = _method_table(res, comp)
    tables["columns"] = column_glossary(tables)
    return tables


_DEFINITIONS = [
    ("definition: population-weighted", ("every person in an area takes the area's time; "
     "means, quantiles and shares weight areas by the population column")),
    ("definition: within t minutes", ("the nearest open site's time is at most t minutes "
     "(DfT Journey Time Statistics)")),
    ("definition: loses t-minute access", ("within t minutes under the baseline, not under "
     "the proposal")),
    ("definition: most deprived areas", ("IMD deciles 1-2 (the 20% most deprived areas of "
     "England) when present, else the two most deprived deciles present")),
    ("definition: relative risk", ("share losing in the most deprived areas / share losing "
     "elsewhere; Katz log interval (Katz et al. 1978) and an area-clustered interval "
     "(ratio estimator, Student's t with areas - 2 degrees of freedom)")),
    ("definition: gini", "sum_ij w_i w_j |x_i - x_j| / (2 W^2 mean); 0 = equal"),
    ("definition: concentration", ("2 cov_w(x, R) / mean, R = fractional rank from the most "
     "deprived; < 0: higher values among the more deprived (Kakwani et al. 1997)")),
    ("definition: palma", ("share of the total held by the top 10% / by the bottom 40% "
     "(Cobham & Sumner 2013); 0.25 = equal")),
    ("definition: theil", "mean of (x/mean) ln(x/mean) over people (Theil T); 0 = equal"),
]


def _method_table(res: Any, comp: Any) -> pd.DataFrame:
    rows = res.method()
    extra = []
    if comp is not None:
        extra += [("baseline", comp.baseline),
                  ("tolerance_minutes", f"{comp.tolerance_minutes:g}")]
    extra += _DEFINITIONS
    return pd.concat([rows, pd.DataFrame(extra, columns=["item", "value"])],
                     ignore_index=True)


# --------------------------------------------------------------------------- glossary
_THRESHOLD_COL = re.compile(r"^(.*?)_(within|loses|gains|losers)_(\d+(?:\.\d+)?)$")
_INDEX_COLS = {"gini", "concentration", "palma", "theil", "concentration_index"}
_RATIO_COLS = {"risk_ratio", "katz_lower", "katz_upper", "cluster_lower", "cluster_upper",
               "representation_ratio"}

_MEANINGS: dict[str, str] = {
    "kind": "finding or caveat",
    "text": "the sentence",
    "scenario": "scenario (configuration of sites)",
    "baseline": "scenario the proposal is compared with",
    "open_sites": "open sites in the scenario",
    "areas": "number of areas",
    "areas_unreachable": "areas with no time to any open site",
    "population": "people (the population column)",
    "share_of_population": "the group's share of all people",
    "population_reached": "people in areas with a time",
    "population_unreachable": "people in areas with no time to any open site",
    "mean_minutes": "population-weighted mean minutes to the nearest open site",
    "median_minutes": "population-weighted median minutes to the nearest open site",
    "p90_minutes": "90th percentile minutes: 90% of people are at most this far",
    "max_minutes": "longest time of any area with people",
    "mean_change_minutes": "population-weighted mean change in minutes (proposal - baseline)",
    "max_change_minutes": "largest increase in minutes of any area",
    "population_gain": "people with a shorter journey (or a time where there was none)",
    "population_loss": "people with a longer journey (or no time any more)",
    "share_loss": "share of the group's people with a longer journey",
    "population_unchanged": "people whose journey does not change",
    "population_unknown": "people with no time under either scenario",
    "group": "share column describing the group",
    "group_label": "the group, in words",
    "outcome": "'loss' (longer journey) or 'loses_<t>' (no longer within t minutes)",
    "population_losing": "everyone with the outcome",
    "group_population": "estimated people in the group (share x population)",
    "group_share_of_population": "the group's share of all people",
    "group_population_losing": "estimated people of the group with the outcome",
    "group_share_of_losing": "the group's share of everyone with the outcome",
    "representation_ratio": "group_share_of_losing / group_share_of_population (> 1: "
                            "over-represented among those losing)",
    "group_risk": "share of the group with the outcome",
    "others_risk": "share of everyone else with the outcome",
    "exposed_group": "the most deprived areas compared",
    "exposed_deciles": "IMD deciles of the most deprived areas compared",
    "exposed_areas": "areas in the most deprived group",
    "exposed_population": "people in the most deprived group",
    "exposed_population_losing": "people in the most deprived group with the outcome",
    "exposed_risk": "share of the most deprived group with the outcome",
    "other_areas": "areas outside the most deprived group",
    "other_population": "people outside the most deprived group",
    "other_population_losing": "people outside the most deprived group with the outcome",
    "other_risk": "share of people outside the most deprived group with the outcome",
    "risk_ratio": "exposed_risk / other_risk",
    "katz_lower": "lower confidence limit (Katz log method; people independent)",
    "katz_upper": "upper confidence limit (Katz log method; people independent)",
    "cluster_lower": "lower confidence limit allowing for whole areas changing together",
    "cluster_upper": "upper confidence limit allowing for whole areas changing together",
    "confidence": "confidence level of the intervals",
    "concentration_index": "concentration index of the outcome ranked from the most "
                           "deprived (< 0: concentrated in the more deprived areas)",
    "measure": "per-area measure the indices describe",
    "rank_by": "column ranking areas from the most deprived",
    "areas_without_time": "areas left out of the indices (no time)",
    "population_without_time": "people left out of the indices (no time)",
    "mean": "population-weighted mean of the measure",
    "gini": "Gini coefficient (0 = everyone equal)",
    "concentration": "concentration index ranked from the most deprived (< 0: higher "
                     "values among the more deprived)",
    "palma": "Palma ratio: share of the top 10% / share of the bottom 40% (0.25 = equal)",
    "theil": "Theil T index (0 = everyone equal)",
    "item": "setting, provenance or definition",
    "value": "its value",
    "column": "column name in the tables (pandas)",
    "header": "column header in the exported files, with its unit",
    "unit": "unit of the column",
    "meaning": "what the column holds",
    "tables": "tables holding the column",
}

_THRESHOLD_MEANINGS = {
    "population_within": "people within {t} minutes of an open site",
    "share_within": "share of the group's people within {t} minutes",
    "within": "an open site within {t} minutes",
    "sites_within": "open sites within {t} minutes",
    "population_loses": "people losing {t}-minute access",
    "share_loses": "share of the group's people losing {t}-minute access",
    "share_of_losers": "the group's share of everyone losing {t}-minute access",
    "population_gains": "people gaining {t}-minute access",
    "areas_loses": "areas losing {t}-minute access",
    "areas_gains": "areas gaining {t}-minute access",
}


def _unit(col: str) -> str | None:
    c = col.lower()
    if c in _INDEX_COLS:
        return "index"
    if c in _RATIO_COLS:
        return "ratio"
    if c.endswith("minutes"):
        return "minutes"
    if "share" in c or c.endswith("_risk") or c == "confidence":
        return "proportion"
    if c.startswith(("population", "group_population")) or c.endswith("_population") \
            or "_population_" in c:
        return "people"
    if c.startswith(("sites_within", "open_sites")):
        return "sites"
    if c.startswith("areas") or c.endswith("_areas") or "_areas_" in c:
        return "areas"
    return None


def export_header(col: str) -> str:
    """Header of a column in exported files: thresholds in minutes and the unit.

    Examples
    --------
    >>> export_header("population_within_15"), export_header("share_of_losers_7.5")
    ('population_within_15min [people]', 'share_of_losers_7.5min [proportion]')
    >>> export_header("mean_minutes"), export_header("scenario")
    ('mean_minutes [minutes]', 'scenario')
    """
    name = str(col)
    m = _THRESHOLD_COL.match(name)
    if m:
        name = f"{m[1]}_{m[2]}_{m[3]}min" if m[1] else f"{m[2]}_{m[3]}min"
    unit = _unit(str(col))
    return f"{name} [{unit}]" if unit else name


def _meaning(col: str) -> str:
    if col in _MEANINGS:
        return _MEANINGS[col]
    m = re.match(r"^(population_within|share_within|sites_within|within|population_loses|"
                 r"share_loses|share_of_losers|population_gains|areas_loses|areas_gains)_"
                 r"(\d+(?:\.\d+)?)$", col)
    if m:
        return _THRESHOLD_MEANINGS[m[1]].format(t=m[2])
    return ""


def column_glossary(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """What every column of some tables means, with its unit and exported header.

    Examples
    --------
    >>> g = column_glossary({"t": pd.DataFrame(columns=["share_within_15"])})
    >>> g.iloc[0][["header", "unit", "tables"]].tolist()
    ['share_within_15min [proportion]', 'proportion', 't']
    """
    seen: dict[str, list[str]] = {}
    for name, frame in tables.items():
        for col in frame.columns:
            seen.setdefault(str(col), []).append(name)
    rows = [(col, export_header(col), _unit(col) or "", _meaning(col) or
             ("group (breakdown column)" if any(n.startswith("by_") for n in names) else ""),
             ", ".join(names)) for col, names in seen.items()]
    return pd.DataFrame(rows, columns=["column", "header", "unit", "meaning", "tables"])


# ---------------------------------------------------------------------------- export
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FORMATS = {"minutes": "0.0", "people": "#,##0", "proportion": "0.0%", "index": "0.000",
            "ratio": "0.00", "areas": "0", "sites": "0"}


def _sheet_names(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        base = _SHEET_BAD.sub("_", str(name))[:31] or "sheet"
        candidate, i = base, 2
        while candidate.lower() in (o.lower() for o in out):
            suffix = f"_{i}"
            candidate = base[:31 - len(suffix)] + suffix
            i += 1
        out.append(candidate)
    return out


def _for_export(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [export_header(str(c)) for c in frame.columns]
    return out


def _check_tables(tables: Any) -> Mapping[str, pd.DataFrame]:
    if not isinstance(tables, Mapping) or not all(isinstance(v, pd.DataFrame)
                                                  for v in tables.values()):
        raise InputError("expected a dict of table name -> DataFrame (from eia_tables)")
    if not tables:
        raise InputError("no tables to write")
    return tables


def to_excel(tables: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> Path:
    """Write tables to one Excel workbook, one sheet per table, units in the headers.

    Headers follow :func:`export_header` (``population_within_15min [people]``); cells
    keep full precision and are displayed as minutes to 0.1, people as whole numbers and
    proportions as percentages. The header row is frozen. The file is written
    atomically (a temporary file, then renamed).

    Parameters
    ----------
    tables : dict of str to DataFrame
        E.g. from :func:`eia_tables`; names become sheet names (cut to Excel's 31
        characters, made unique).
    path : path-like
        The ``.xlsx`` file.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> t = {"summary": pd.DataFrame({"scenario": ["A"], "mean_minutes": [12.5]})}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     back = pd.read_excel(to_excel(t, f"{d}/eia.xlsx"), sheet_name=None)
    >>> list(back["summary"].columns)
    ['scenario', 'mean_minutes [minutes]']
    """
    from openpyxl.styles import Alignment, Font

    tables = _check_tables(tables)
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"{path}: an Excel workbook needs the .xlsx suffix", path=path)
    if not path.parent.exists():
        raise InputError(f"{path.parent}: folder not found", path=path)
    names = _sheet_names(list(tables))

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for sheet, (_name, frame) in zip(names, tables.items(), strict=True):
                neutralise_frame(_for_export(frame)).to_excel(
                    writer, sheet_name=sheet, index=False)
                ws = writer.sheets[sheet]
                ws.freeze_panes = "A2"
                for j, col in enumerate(frame.columns, start=1):
                    letter = ws.cell(row=1, column=j).column_letter
                    header = export_header(str(col))
                    ws.cell(row=1, column=j).font = Font(bold=True)
                    fmt = _FORMATS.get(_unit(str(col)) or "")
                    texts = (frame[col].astype(object).astype(str).str.len().fillna(0)
                             if len(frame) else pd.Series([0]))
                    width = min(max(len(header), int(texts.max())) + 2, 60)
                    if col in ("text", "value", "meaning") and width >= 60:
                        width = 110
                        for i in range(2, len(frame) + 2):
                            ws.cell(row=i, column=j).alignment = Alignment(wrap_text=True,
                                                                           vertical="top")
                    ws.column_dimensions[letter].width = max(width, 8)
                    if fmt:
                        for i in range(2, len(frame) + 2):
                            ws.cell(row=i, column=j).number_format = fmt

    atomic_write(path, write)
    log.info("wrote %d tables to %s", len(tables), path)
    return path


def to_csv(tables: Mapping[str, pd.DataFrame], folder: str | os.PathLike[str], *,
           encoding: str = "utf-8-sig") -> dict[str, Path]:
    """Write tables to CSV files in a folder, ``<name>.csv`` each, units in the headers.

    Headers follow :func:`export_header`; values keep full precision (proportions stay
    0-1). The default encoding is UTF-8 with a byte-order mark, so Excel shows "0–4"
    and "©" correctly; pass ``encoding="utf-8"`` for other tools.

    Parameters
    ----------
    tables : dict of str to DataFrame
        E.g. from :func:`eia_tables`.
    folder : path-like
        Output folder (created if needed).
    encoding : str
        Text encoding.

    Returns
    -------
    dict of str to pathlib.Path
        Table name → file written.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> t = {"summary": pd.DataFrame({"scenario": ["A"], "share_within_15": [0.5]})}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     print(to_csv(t, d)["summary"].read_text(encoding="utf-8-sig"))
    scenario,share_within_15min [proportion]
    A,0.5
    <BLANKLINE>
    """
    tables = _check_tables(tables)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for stem, (name, frame) in zip(_sheet_names(list(tables)), tables.items(), strict=True):
        path = folder / f"{stem}.csv"
        safe = neutralise_frame(_for_export(frame))

        def write(tmp: Path, safe: pd.DataFrame = safe) -> None:
            safe.to_csv(tmp, index=False, encoding=encoding)

        atomic_write(path, write)
        written[name] = path
    log.info("wrote %d tables to %s", len(written), folder)
    return written
