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


def numeric(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Values as float and a mask of non-blank values that are not numbers."""
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        text = series.astype("string").str.strip().str.replace(",", "", regex=False)
        blank = text.isna() | (text == "")
        values = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = values.isna() & ~blank
    else:
        values = pd.to_numeric(series, errors="coerce")
        bad = values.isna() & series.notna()
    return values.astype(float), bad.to_numpy(dtype=bool)
