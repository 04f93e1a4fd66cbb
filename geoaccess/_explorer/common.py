"""Input checks and small helpers shared by the interactive pages.

They mirror the definitions of :mod:`geoaccess.plot` (class bounds inclusive above, a
site's role from its scenario or else its kind) through public names only, so the
pages and the static maps agree.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..plot import areas_for_map
from ..plot import class_labels as plot_class_labels
from ..plot import minutes_text as bound_text

# The static and the interactive maps share one result_of (re-exported for explore.py).
from ..plot._common import result_of as result_of

log = logging.getLogger(__name__)

#: Grey of areas with no time (as on the static maps).
NO_TIME_COLOUR = "#d9d9d9"


def check_areas(areas: Any, what: str) -> Any:
    """The areas as a GeoDataFrame with ``area_id`` as text, in a metric CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"area_id": [1]}, geometry=[box(0, 0, 1, 1)], crs=27700)
    >>> check_areas(a, "explore")["area_id"].tolist()
    ['1']
    """
    out = areas_for_map(areas, what)
    empty = out.geometry.isna() | out.geometry.is_empty
    if empty.any():
        rows = out.loc[empty, "area_id"].tolist()
        raise InputError(f"{what}: {len(rows)} areas have no geometry (e.g. {rows[:5]}); "
                         "every area needs a polygon or a point to be drawn",
                         column="geometry", rows=rows)
    return out


def sites_in(sites: Any, crs: Any) -> Any:
    """Sites in ``crs`` (None stays None)."""
    if sites is None:
        return None
    if "site_id" not in getattr(sites, "columns", ()):
        raise InputError("sites: no 'site_id' column; load them with geoaccess.read_sites",
                         column="site_id")
    if getattr(sites, "crs", None) is None:
        raise InputError("sites: no CRS; load them with geoaccess.read_sites or declare one "
                         "with set_crs(...)")
    out = sites if sites.crs == crs else sites.to_crs(crs)
    out = out.copy()
    out["site_id"] = out["site_id"].astype(str)
    return out


def scenario_names(result: Any, scenarios: Iterable[str] | str | None) -> list[str]:
    """The scenarios asked for, checked against the result's."""
    names = list(result.scenario_names)
    if scenarios is None:
        return names
    wanted = [scenarios] if isinstance(scenarios, str) else [str(s) for s in scenarios]
    unknown = [s for s in wanted if s not in names]
    if unknown:
        raise InputError(f"unknown scenarios {unknown}; scenarios are {names}",
                         column="scenario")
    if not wanted:
        raise InputError("scenarios: none asked for")
    return wanted


def site_kinds(sites: Any) -> list[str]:
    """Each site's kind (``"other"`` where missing)."""
    if sites is None:
        return []
    if "kind" in sites.columns:
        kinds = sites["kind"].astype(object)
        return [str(k) if isinstance(k, str) and k else "other" for k in kinds]
    return ["other"] * len(sites)


def site_names(sites: Any) -> dict[str, str]:
    """Site id → name (the id where there is no name)."""
    if sites is None:
        return {}
    names = sites["name"] if "name" in sites.columns else sites["site_id"]
    return {str(i): (str(n) if isinstance(n, str) and n else str(i))
            for i, n in zip(sites["site_id"].astype(str), names, strict=True)}


def class_labels(upper: Sequence[float]) -> list[str]:
    """Legend labels of minute classes with inclusive upper bounds.

    Examples
    --------
    >>> class_labels([5, 10])
    ['0–5 min', '5–10 min', 'more than 10 min']
    """
    labels = plot_class_labels(upper)
    labels[0] = f"0–{bound_text(upper[0])} min"
    return labels


def class_of(values: Any, upper: Sequence[float]) -> np.ndarray:
    """Class of each value (bounds inclusive above: 5 is in "0–5"), -1 for no time.

    Examples
    --------
    >>> class_of([5.0, 5.1, float("nan"), 99.0], [5, 10]).tolist()
    [0, 1, -1, 2]
    """
    v = np.asarray(values, dtype=np.float64)
    idx = np.searchsorted(np.asarray(upper, dtype=np.float64), v, side="left")
    return np.where(np.isfinite(v), idx, -1)


def population_words(column: str | None) -> str:
    """Readable words for the weights: "children aged 0–4", or "areas" without weights."""
    if not column or column == "weight":
        return "areas"
    from ..equality import describe_population

    return describe_population(column)


def text(value: Any) -> str:
    """A value as escaped HTML text ("–" for missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return html.escape(str(value))


def minutes_text(x: float) -> str:
    """Minutes for tooltips ("no route" for none)."""
    return "no route" if not np.isfinite(x) else f"{x:.1f} min"


def credit_list(credits: str | Sequence[str] | None) -> list[str]:
    """Credits as a list of strings."""
    if not credits:
        return []
    return [credits] if isinstance(credits, str) else [str(c) for c in credits]
