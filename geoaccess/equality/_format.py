"""Numbers and dates as a reader sees them in the findings (private to equality).

The names here are plain because the module itself is private: the findings, the
relative-risk string and the deprivation messages share them.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = [
    "capital",
    "date_text",
    "minutes_text",
    "num",
    "pct",
    "people",
    "ratio_text",
]


def num(x: float, digits: int = 3) -> str:
    """A number with ``digits`` significant figures, no trailing zeros."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.{digits}g}"


def pct(share: float) -> str:
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


def people(n: float) -> str:
    """A count of people for readers: 1,240; fewer than 1."""
    if 0 < n < 0.5:
        return "fewer than 1"
    return f"{round(n):,}"


def ratio_text(x: float) -> str:
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


def minutes_text(x: float) -> str:
    """Minutes to one decimal place."""
    return f"{x:.1f}"


def capital(text: str) -> str:
    """The text with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def date_text(stamp: Any) -> str | None:
    """A timestamp as ``3 March 2025`` (None when missing; the text when unparseable)."""
    if not stamp:
        return None
    try:
        ts = pd.Timestamp(str(stamp))
    except (ValueError, TypeError):
        return str(stamp)
    return f"{ts.day} {ts.strftime('%B %Y')}"
