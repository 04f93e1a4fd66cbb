"""The report's block comparing journeys from homes with one point per area."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ._format import _pct, _signed
from ._tables import _Table


def _origins_block(table: pd.DataFrame | None, lab: str, words: str) -> dict[str, Any] | None:
    """Sentences and a table from :func:`geoaccess.sensitivity.origin_comparison`.

    Only the rows of the headline threshold ``lab`` are shown (all rows when it was not
    evaluated); None without a comparison.
    """
    if table is None or not len(table):
        return None
    minutes = pd.to_numeric(table["threshold_minutes"], errors="coerce")
    rows = table[minutes == float(lab)] if (minutes == float(lab)).any() else table
    cols = [("Scenario", "configuration of sites"),
            ("Within (minutes)", "the threshold"),
            ("From homes", f"share of {words} within it, journeys starting at their homes"),
            ("From one point per area", (f"share of {words} within it, each area's journeys "
                                         "starting at one point")),
            ("Difference (points)", "from homes less from one point, in percentage points")]
    body = [[str(r["scenario"]), f"{float(r['threshold_minutes']):g}", _pct(r["share_homes"]),
             _pct(r["share_one_point"]), _signed(r["difference_pp"])]
            for _, r in rows.iterrows()]
    return {"sentences": rows["sentence"].astype(str).tolist(),
            "table": _Table("origins-comparison",
                            "Journeys from homes and from one point per area", cols, body,
                            [False] + [True] * (len(cols) - 1))}
