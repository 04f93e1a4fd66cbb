"""Reading and checking the inputs of the equality analysis (private to equality).

Two kinds of input: per-area arrays or Series (for :func:`~geoaccess.equality.indices`
and :func:`~geoaccess.equality.relative_risk`), and a Result or Comparison with the
areas table (for the tables and findings). Every check raises an
:class:`~geoaccess.errors.InputError` naming the offending rows. The names are plain
because the module itself is private.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .._deprecate import renamed_option
from .._validate import show_ids
from ..errors import InputError
from ..evaluate import Comparison, Result, compare
from ..measures import threshold_label
from ._format import num

__all__ = [
    "ArrayLike",
    "aligned",
    "area_table",
    "as_float",
    "check_deciles",
    "check_weights",
    "comparison_of",
    "group_label",
    "outcome_mask",
    "outcomes_of",
    "population_weights",
    "ratio",
    "renamed",
    "result_ids",
    "row_labels",
    "share_columns",
    "standard_rule",
    "threshold_labels",
    "unpack",
    "weighted_areas",
]

log = logging.getLogger(__name__)

ArrayLike = Sequence[float] | np.ndarray | pd.Series

T = TypeVar("T")


# ------------------------------------------------------------------ renamed keywords
def renamed(new_value: T | None, old_value: T | None, *, new: str, old: str, what: str
            ) -> T | None:
    """:func:`geoaccess._deprecate.renamed_option` with ``what`` naming the function."""
    value: T | None = renamed_option(new_value, old_value, new=new, old=old, func=what)
    return value


# --------------------------------------------------------------------- arrays per area
def row_labels(obj: Any, n: int) -> np.ndarray:
    """Row labels for messages: a Series' index, else ``row 1``, ``row 2``..."""
    if isinstance(obj, pd.Series):
        return obj.index.to_numpy()
    return np.array([f"row {i + 1}" for i in range(n)], dtype=object)


def aligned(values: Any, others: Mapping[str, Any], *, what: str
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
    return out, row_labels(values, n)


def as_float(series: pd.Series, key: str, labels: np.ndarray, what: str) -> np.ndarray:
    """Float values; non-numeric entries (other than missing) are an InputError."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).to_numpy()
    values = pd.to_numeric(series, errors="coerce")
    bad = (values.isna() & series.notna()).to_numpy()
    if bad.any():
        raise InputError(f"{what}: {key} has non-numeric values (rows "
                         f"{show_ids(labels[bad].tolist())})", column=key,
                         rows=labels[bad].tolist())
    return values.to_numpy(dtype=float, na_value=np.nan)


def check_weights(w: np.ndarray, labels: np.ndarray, what: str, column: str) -> None:
    """Weights must be finite, >= 0 and not all 0."""
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise InputError(f"{what}: {column} must be finite and >= 0 (rows "
                         f"{show_ids(labels[bad].tolist())})", column=column,
                         rows=labels[bad].tolist())
    if not w.sum() > 0:
        raise InputError(f"{what}: {column} is zero in every row, so no share or weighted "
                         "value can be computed; check that the right population column "
                         "was given", column=column, rows=labels.tolist())


def check_deciles(values: np.ndarray, labels: np.ndarray, column: str, what: str) -> None:
    """IMD deciles must be whole numbers 1..10 (missing allowed)."""
    ok = np.isnan(values) | np.isin(values, np.arange(1, 11))
    if not ok.all():
        bad = labels[~ok].tolist()
        shown = sorted({num(v) for v in values[~ok]})
        raise InputError(f"{what}: column {column!r} must hold IMD deciles, whole numbers "
                         f"1..10 (1 = most deprived); found {shown[:5]} (rows "
                         f"{show_ids(bad)})", column=column, rows=bad)


def ratio(a: float, b: float) -> float:
    """``a / b``, NaN when ``b`` is not positive."""
    return a / b if b > 0 else float("nan")


# ------------------------------------------------------------------ results and areas
def unpack(obj: Any, baseline: str | None, what: str
           ) -> tuple[Result, Comparison | None]:
    """The Result and the Comparison (or None) behind a Result or a Comparison."""
    if isinstance(obj, Comparison):
        if baseline is not None and baseline != obj.baseline:
            raise InputError(f"{what}: the comparison's baseline is {obj.baseline!r}, not "
                             f"{baseline!r}; compare again with baseline={baseline!r}",
                             column="scenario")
        return obj.result, obj
    if isinstance(obj, Result):
        return obj, (compare(obj, baseline) if baseline is not None else None)
    raise InputError(f"{what}: expected a Result (geoaccess.evaluate) or a Comparison "
                     f"(geoaccess.compare), got {type(obj).__name__}")


def comparison_of(obj: Any, baseline: str | None, what: str) -> tuple[Result, Comparison]:
    """As :func:`unpack`, for analyses that need a baseline."""
    res, comp = unpack(obj, baseline, what)
    if comp is None:
        raise InputError(f"{what}: needs a comparison with a baseline; pass "
                         "geoaccess.compare(result, baseline=...) or baseline=")
    return res, comp


def area_table(areas: Any, what: str) -> pd.DataFrame:
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


def result_ids(res: Result, table: pd.DataFrame, what: str) -> pd.Index:
    """The result's area ids, in order; every one must be in the areas table."""
    ids: pd.Index = pd.Index(res.areas["area_id"].astype(str).drop_duplicates().to_numpy(),
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


def population_weights(res: Result, areas: Any, table: pd.DataFrame, ids: pd.Index,
                       population: str | None, what: str) -> tuple[np.ndarray, str]:
    """Population per area (in ``ids`` order), validated, and the column's name."""
    col = population or res.population
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
    w = as_float(table[col].reindex(ids), col, labels, what)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        rows = labels[bad].tolist()
        raise InputError(f"{what}: population column {col!r} has missing or negative values "
                         f"(rows {show_ids(rows)})", column=col, rows=rows)
    check_weights(w, labels, what, col)
    return w, col


def weighted_areas(res: Result, areas: Any, population: str | None, what: str
                   ) -> tuple[pd.DataFrame, pd.Index, np.ndarray, str]:
    """The areas indexed by id, the result's area ids, their populations and its column."""
    table = area_table(areas, what)
    ids = result_ids(res, table, what)
    w, col = population_weights(res, areas, table, ids, population, what)
    return table, ids, w, col


def threshold_labels(res: Result) -> list[str]:
    """The result's thresholds as they appear in column names (``"15"``, ``"7.5"``)."""
    return [threshold_label(t) for t in res.thresholds]


def standard_rule(res: Result, standard: str, what: str) -> tuple[str, Any]:
    """The rule column a findings or table is about, and its :class:`AccessRule`.

    ``standard`` is the name of a rule evaluated (``rules=`` of :func:`geoaccess.evaluate`)
    or its text as written.
    """
    rules = dict(getattr(res, "rules", {}) or {})
    if standard in rules and standard in res.areas.columns:
        return standard, rules[standard]
    wanted = " ".join(str(standard).lower().split())
    for name, rule in rules.items():
        if " ".join(str(rule.text).lower().split()) == wanted and name in res.areas.columns:
            return name, rule
    raise InputError(f"{what}: standard {standard!r} was not evaluated; evaluate with "
                     f"rules={{'standard': 'a centre within 15 minutes on foot or 10 by "
                     f"car'}} (and a matrix per mode) and pass standard='standard'; rules "
                     f"evaluated: {list(rules) or 'none'}", column="standard")


# ------------------------------------------------------------------- groups by share
def share_columns(table: pd.DataFrame, shares: Any, ids: pd.Index, what: str
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
        s = as_float(table[col].reindex(ids), col, labels, what)
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
        out[col] = (label or group_label(col), s)
    return out


def group_label(col: str) -> str:
    """Default words for a share column: ``lone_parent_share`` → "lone parent"."""
    base = col[:-len("_share")] if col.endswith("_share") else col
    return base.replace("_", " ")


# ------------------------------------------------------------------------- outcomes
def outcomes_of(labs: list[str], outcomes: Any) -> list[str]:
    """The outcomes asked for: ``"loss"`` and/or ``"loses_<t>"`` (default all)."""
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


def outcome_mask(rows: pd.DataFrame, outcome: str) -> np.ndarray:
    """Areas of a proposal's comparison rows with the outcome."""
    if outcome == "loss":
        return (rows["status"] == "loss").to_numpy(bool)
    return rows[outcome].to_numpy(bool)


def people_of(rows: pd.DataFrame, what: str, weights: np.ndarray) -> np.ndarray:
    """People per area with an outcome: ``loses_<t>``, ``gains_<t>`` or a status (``loss``).

    A comparison over homes (:func:`geoaccess.build_origins`) counts them at their homes
    (``population_<what>`` per area: part of an area may lose access); over one point per
    area, everyone in an area shares its outcome.
    """
    col = f"population_{what}"
    if col in rows.columns:
        return pd.to_numeric(rows[col], errors="coerce").fillna(0.0).to_numpy(np.float64)
    flag = (rows["status"] == what) if what in ("gain", "loss", "unchanged", "unknown") \
        else rows[what].astype(bool)
    return np.where(flag.to_numpy(bool), weights, 0.0)
