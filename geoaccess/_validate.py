"""Collect every problem in an input table, then raise one InputError."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, Problem

MAX_IDS = 10


def show_ids(ids: Sequence[Any]) -> str:
    ids = [str(i) for i in ids]
    more = f" and {len(ids) - MAX_IDS} more" if len(ids) > MAX_IDS else ""
    return "[" + ", ".join(repr(i) for i in ids[:MAX_IDS]) + "]" + more


class Problems:
    """Accumulate problems with one input; raise them together."""

    def __init__(self, where: str, path: str | None) -> None:
        self.where = where
        self.path = path
        self.items: list[Problem] = []

    def add(self, message: str, column: str | None = None,
            rows: Iterable[Any] = ()) -> None:
        rows = tuple(rows)
        if rows:
            message = f"{message} (rows {show_ids(rows)})"
        self.items.append(Problem(message, column, rows))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            msg = f"{self.where}: {self.items[0].message}"
        else:
            lines = "\n".join(f"  - {p.message}" for p in self.items)
            msg = f"{self.where}: {len(self.items)} problems:\n{lines}"
        rows: list[Any] = []
        for p in self.items:
            rows.extend(r for r in p.rows if r not in rows)
        raise InputError(msg, path=self.path, column=self.items[0].column, rows=rows,
                         problems=self.items)


def find_column(columns: Iterable[str], given: str | None, candidates: Sequence[str],
                ) -> str | None:
    """The column named ``given`` or the first matching candidate (case-insensitive)."""
    cols = list(columns)
    if given is not None:
        return given if given in cols else None
    lower = {str(c).strip().lower(): c for c in cols}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    return None


_PLAIN = {".": r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?",
          ",": r"[+-]?(?:\d+(?:,\d*)?|,\d+)"}
_GROUPED = {".": r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", ",": r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"}
_DECIMAL_COMMA = r"[+-]?\d*,\d+"


def numeric(series: pd.Series, *, decimal: str = ".") -> tuple[pd.Series, np.ndarray]:
    """Values as float and a mask of non-blank values that are not finite numbers.

    Text is read strictly: ``"1,234.5"`` (grouped thousands) is 1234.5, but ``"12,5"`` or
    ``"1,23"`` is not a number unless ``decimal=","`` (then ``"1.234,5"`` is 1234.5). Infinite
    and NaN values count as not numbers.
    """
    if decimal not in _PLAIN:
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        text = series.astype("string").str.strip()
        blank = text.isna() | (text == "")
        plain = text.str.fullmatch(_PLAIN[decimal]).fillna(False)
        grouped = text.str.fullmatch(_GROUPED[decimal]).fillna(False)
        thousands = "," if decimal == "." else "."
        clean = text.where(~grouped, text.str.replace(thousands, "", regex=False))
        if decimal == ",":
            clean = clean.str.replace(",", ".", regex=False)
        ok = (plain | grouped) & ~blank
        values = pd.to_numeric(clean.where(ok), errors="coerce")
        bad = ~blank & ~(ok & np.isfinite(values.fillna(0.0)))
    else:
        values = pd.to_numeric(series, errors="coerce")
        bad = (values.isna() & series.notna()) | np.isinf(values.fillna(0.0))
        values = values.where(~bad)
    return values.astype(float), np.asarray(bad, dtype=bool)


def decimal_hint(series: pd.Series, bad: np.ndarray) -> str:
    """A hint to add to a "not a number" message when the bad values use decimal commas."""
    text = series[bad].astype("string").str.strip()
    if text.str.fullmatch(_DECIMAL_COMMA).fillna(False).any():
        return " (they look like decimal commas, e.g. '12,5': pass decimal=',')"
    return ""


def area_ids(areas: Any) -> pd.Index:
    """The ``area_id`` column of an areas table, as strings (checked: a table, present, unique)."""
    if not isinstance(areas, pd.DataFrame):
        raise InputError(f"areas: expected the areas table (geoaccess.read_areas), got "
                         f"{type(areas).__name__}")
    if "area_id" not in areas.columns:
        raise InputError("areas: no 'area_id' column; load the areas with "
                         "geoaccess.read_areas()", column="area_id")
    ids = pd.Index(areas["area_id"].astype(str), name="area_id")
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique().tolist()
        raise InputError(f"areas: duplicate area ids {show_ids(dup)}", column="area_id",
                         rows=dup)
    return ids


def check_population_column(table: pd.DataFrame, population: Any) -> None:
    """Raise if ``population`` is not a column of ``table`` (naming its numeric columns)."""
    if population not in table.columns:
        numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])
                   and c not in ("origin_x", "origin_y")]
        raise InputError(f"areas: no population column {population!r}; numeric columns "
                         f"are {numeric}", column=str(population))


def values_by_area(series: pd.Series, ids: pd.Index, *, what: str = "population",
                   of: str = "", column: str | None = None) -> np.ndarray:
    """``series`` (indexed by area id) as float64 in the order of ``ids``.

    Raises when an area of ``ids`` has no value (``of`` qualifies the areas in the message,
    e.g. ``" of the travel-time matrix"``) or when an area id is repeated.
    """
    s = series.copy()
    s.index = s.index.astype(str)
    missing = ids.difference(s.index)
    if len(missing):
        raise InputError(f"{what}: no value for areas {show_ids(missing.tolist())}{of}; "
                         "give every area a population (0 if none)",
                         column=column, rows=missing.tolist())
    if s.index.duplicated().any():
        dup = s.index[s.index.duplicated()].unique().tolist()
        raise InputError(f"{what}: duplicate area ids {show_ids(dup)}", rows=dup)
    return pd.to_numeric(s.reindex(ids), errors="coerce").to_numpy(np.float64)


def check_population_values(values: np.ndarray, ids: pd.Index, *, what: str,
                            column: str | None = None) -> None:
    """Raise if a population value is missing (NaN), infinite or negative."""
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        rows = ids[bad].tolist()
        raise InputError(f"{what}: missing or negative values for areas {show_ids(rows)}; "
                         "every area needs a population >= 0", column=column, rows=rows)
