"""Private: age bands as the ONS labels them, and how they tile the ages."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pandas as pd

from ..errors import InputError
from ._util import log, norm

Band = tuple[int, float]

_TOTAL = re.compile(r"(age:? )?(total|all ages|all persons|all usual residents|"
                    r"total: all usual residents|all people)")
_BAND_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d+) ?(?:years? )?(?:and over|and older|or over|or older|plus|\+)"), "over"),
    (re.compile(r"(\d+) ?(?:years? )?(?:and under|or under|or younger)"), "under_incl"),
    (re.compile(r"under (\d+)(?: years?)?"), "under"),
    (re.compile(r"(\d+) ?(?:years? )?(?:to|-|–) ?(\d+)(?: years?)?"), "range"),
    (re.compile(r"(\d+)(?: years?)?"), "single"),
)


def age_band(text: object) -> tuple[str | None, Band] | str | None:
    """The sex prefix and age band a column or label names; ``"total"``; or None.

    Bands are ``(first age, last age)`` in whole years, inclusive; an open top band
    ("90+", "Aged 85 years and over") ends at ``inf``.

    Examples
    --------
    >>> age_band("Aged 4 years and under"), age_band("90+"), age_band("F7")
    ((None, (0, 4.0)), (None, (90, inf)), ('females', (7, 7.0)))
    >>> age_band("aged_16_to_64"), age_band("all_ages"), age_band("area_code")
    ((None, (16, 64.0)), 'total', None)
    """
    s = norm(text)
    sex = None
    m = re.fullmatch(r"([fm])(\d.*)", s)
    if m:
        sex, s = {"f": "females", "m": "males"}[m.group(1)], m.group(2)
    if _TOTAL.fullmatch(s):
        return "total" if sex is None else None
    s = re.sub(r"^(?:age:\s*|ages?\s+|aged\s+)+", "", s).strip()  # "Age: Aged 4 years..."
    for rx, kind in _BAND_PATTERNS:
        m = rx.fullmatch(s)
        if not m:
            continue
        a = int(m.group(1))
        band: Band
        if kind == "over":
            band = (a, math.inf)
        elif kind == "under_incl":
            band = (0, float(a))
        elif kind == "under":
            band = (0, float(a - 1))
        elif kind == "range":
            band = (a, float(m.group(2)))
        else:
            band = (a, float(a))
        if band[0] > 130 or (band[1] != math.inf and (band[1] > 130 or band[1] < band[0])):
            return None
        return sex, band
    return None


def tiling(bands: Sequence[Band], where: str) -> list[Band]:
    """The finest bands that cover 0 to the open top once each, in order."""
    by_start: dict[int, list[Band]] = {}
    for b in bands:
        by_start.setdefault(b[0], []).append(b)
    out: list[Band] = []
    age = 0
    while True:
        options = sorted(by_start.get(age, []), key=lambda b: b[1])
        if not options:
            covered = ", ".join(band_text(b) for b in sorted(set(bands)))
            raise InputError(f"{where}: the age bands leave a gap at age {age} (bands are "
                             f"{covered}); the counts must cover every age from 0 to an "
                             "open top band such as '90+'", column="age")
        band = options[0]
        out.append(band)
        if band[1] == math.inf:
            return out
        age = int(band[1]) + 1


def band_text(band: Band) -> str:
    lo, hi = band
    if hi == math.inf:
        return f"{lo}+"
    return f"{lo}" if hi == lo else f"{lo}-{int(hi)}"


def open_top(wide: pd.DataFrame, where: str) -> pd.DataFrame:
    """ONS workbooks call the open top band ``F90``/``M90``: read the last age as "and over"."""
    bands = {str(k): parse_key(str(k)) for k in wide.columns}
    if any(b[1] == math.inf for b in bands.values()):
        return wide
    top_key, top = max(bands.items(), key=lambda kv: (kv[1][1], kv[1][0]))
    if top[0] != top[1]:
        return wide
    log.info("%s: no open top band; reading age %d as '%d and over', as the ONS workbooks "
             "do", where, top[0], top[0])
    return wide.rename(columns={top_key: f"{top[0]}+"})


def parse_key(key: str) -> Band:
    if key.endswith("+"):
        return (int(key[:-1]), math.inf)
    lo, _, hi = key.partition("-")
    return (int(lo), float(hi or lo))
