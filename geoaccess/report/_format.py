"""Numbers as the report's tables show them (private to :mod:`geoaccess.report`).

Table cells show a missing value as an en dash, never ``nan``; the sentences of the
findings use :mod:`geoaccess.equality._format` instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _num(x: Any, digits: int = 1) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–" if x is None or x is pd.NA else str(x)
    if np.isnan(v):
        return "–"
    if np.isinf(v):
        return "no upper limit" if v > 0 else "no lower limit"
    return f"{v:,.{digits}f}"


def _interval(lower: Any, upper: Any) -> str:
    """A confidence interval in words; never "– to –" or "∞"."""
    lo, hi = _number_or_none(lower), _number_or_none(upper)
    if lo is None or hi is None:
        return "not estimated"
    if np.isinf(hi):
        return f"{_num(lo, 2)} or more (no upper limit)"
    return f"{_num(lo, 2)} to {_num(hi, 2)}"


def _people(x: Any) -> str:
    return _num(x, 0)


def _number_or_none(x: Any) -> float | None:
    """``x`` as a float, or None when it is not a number or is NaN."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) else v


def _pct(x: Any, digits: int = 0) -> str:
    v = _number_or_none(x)
    return "–" if v is None else f"{v * 100:.{digits}f}%"


def _signed(x: Any) -> str:
    v = _number_or_none(x)
    return "–" if v is None else f"{v:+.1f}"


def _labels(res: Any) -> list[str]:
    return [f"{float(t):g}" for t in res.thresholds]



def _lookup(info: pd.DataFrame, area: str, column: str) -> Any:
    if column in info.columns and area in info.index:
        return info.loc[area, column]
    return None


def _cell(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return "–"
    return str(v)

