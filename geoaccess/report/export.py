"""Tables rounded for the files people read (CSV, Excel) alongside the report."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["EXPORT_DECIMALS", "round_for_export"]


#: Decimals kept in exported tables, by unit (``geoaccess.equality.export_header``).
EXPORT_DECIMALS = {"minutes": 1, "proportion": 3, "people": 0, "ratio": 2, "index": 3,
                   "sites": 0, "areas": 0}


def round_for_export(frame: pd.DataFrame, *, other_decimals: int = 3) -> pd.DataFrame:
    """A table rounded for files people read: the precision of its units, no more.

    Minutes to 0.1, people, sites and areas to whole numbers, shares (proportions 0–1)
    to 0.001, i.e. a percentage to one decimal (Excel workbooks show them as
    percentages), ratios to 0.01, indices to 0.001, other decimal numbers to
    ``other_decimals``. The unit of a column is read from its name, as in the exported
    headers (:func:`geoaccess.equality.export_header`). Whole-number columns, text and
    geometry are left as they are. Only the travel-time matrix (Parquet) keeps full
    precision.

    Parameters
    ----------
    frame : pandas.DataFrame
    other_decimals : int

    Returns
    -------
    pandas.DataFrame
        A rounded copy (counts of people as whole numbers, missing values kept).

    Examples
    --------
    >>> t = pd.DataFrame({"mean_minutes": [12.50493314958446], "share_within_15": [0.85123],
    ...                   "population_loses_15": [46.6], "gini": [0.123456]})
    >>> round_for_export(t).to_dict("records")
    [{'mean_minutes': 12.5, 'share_within_15': 0.851, 'population_loses_15': 47, 'gini': 0.123}]
    """
    import re

    from ..equality import export_header

    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_float_dtype(out[col]):
            continue
        unit = re.search(r"\[(\w+)\]$", export_header(str(col)))
        digits = EXPORT_DECIMALS.get(unit.group(1) if unit else "", other_decimals)
        values = out[col].round(digits)
        if digits == 0 and np.isfinite(values.dropna()).all():
            values = values.astype("Int64")
        out[col] = values
    return out

