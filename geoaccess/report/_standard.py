"""The report's block for an access standard over several modes (``standard:``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ._format import _number_or_none, _pct, _people, _signed
from ._tables import _Table


def _standard_block(tables: Mapping[str, pd.DataFrame], words: str) -> dict[str, Any]:
    """An access standard's findings and tables (from ``eia_tables(..., standard=)``)."""
    std = tables["standard"]
    name, rule = str(std["standard"].iloc[0]), str(std["rule"].iloc[0])
    found = tables.get("findings")
    sentences = ([] if found is None
                 else found.loc[found["kind"] == "finding", "text"].astype(str).tolist())
    cols = [("Scenario", "configuration of sites"),
            ("Meet the standard", f"share of all {words} who have {rule}"),
            (words.capitalize(), f"{words} who have {rule}"),
            ("Change (points)", ("change in the share meeting it against the baseline, in "
                                "percentage points")),
            ("Would lose it", f"{words} meeting it under the baseline, not the proposal"),
            ("Would gain it", f"{words} meeting it under the proposal, not the baseline"),
            ("Most deprived: share of losses", ("share of those losing it who live in the "
                                               "most deprived areas"))]
    rows = [[str(r["scenario"]), _pct(r["share_meeting"]), _people(r["population_meeting"]),
             _signed(100 * (_number_or_none(r["change_share_meeting"]) or 0.0)
                     if _number_or_none(r["change_share_meeting"]) is not None else None),
             _people(r["population_losing"]), _people(r["population_gaining"]),
             _pct(r["exposed_share_of_losing"])] for _, r in std.iterrows()]
    out = [_Table(f"standard-{name}", f"Who meets the standard: {rule}", cols, rows,
                  [False] + [True] * (len(cols) - 1))]
    by = next((k for k in ("by_imd_quintile", "by_imd_decile") if k in tables), None)
    if by is not None and f"share_{name}" in tables[by].columns:
        frame, col = tables[by], by[3:]
        names = list(dict.fromkeys(frame["scenario"].astype(str)))
        props = [n for n in names[1:] if f"population_loses_{name}" in frame.columns]
        nice = "IMD quintile" if col == "imd_quintile" else "IMD decile"
        bcols = [(nice, "group of areas (1 = the most deprived in England)")]
        bcols += [(f"{n}: meet it", f"share of the group's {words} meeting it under {n}")
                  for n in names]
        bcols += [(f"{n}: would lose it", f"{words} in the group losing it under {n}")
                  for n in props]
        brows = []
        for g in dict.fromkeys(frame[col].tolist()):
            row = [str(g)]
            for n in names:
                sub = frame[(frame["scenario"].astype(str) == n) & (frame[col] == g)]
                row.append(_pct(sub[f"share_{name}"].iloc[0]) if len(sub) else "–")
            for n in props:
                sub = frame[(frame["scenario"].astype(str) == n) & (frame[col] == g)]
                row.append(_people(sub[f"population_loses_{name}"].iloc[0]) if len(sub)
                           else "–")
            brows.append(row)
        out.append(_Table(f"standard-{name}-{col}", f"The standard by {nice}", bcols, brows,
                          [False] + [True] * (len(bcols) - 1)))
    return {"title": f"The standard: {rule}", "findings": sentences, "tables": out}

