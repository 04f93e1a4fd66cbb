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
    import geopandas as gpd

    if not isinstance(areas, gpd.GeoDataFrame) or "area_id" not in areas.columns:
        raise InputError(f"{what}: expected the areas GeoDataFrame from geoaccess.read_areas "
                         "(with 'area_id' and geometry)", column="area_id")
    if areas.crs is None:
        raise InputError(f"{what}: the areas have no CRS; declare it with "
                         "areas.set_crs(...) (EPSG:27700 for British National Grid)")
    empty = areas.geometry.isna() | areas.geometry.is_empty
    if empty.any():
        rows = areas.loc[empty, "area_id"].astype(str).tolist()
        raise InputError(f"{what}: {len(rows)} areas have no geometry (e.g. {rows[:5]}); "
                         "every area needs a polygon or a point to be drawn",
                         column="geometry", rows=rows)
    out = areas.copy()
    if areas.crs.is_geographic:
        out = out.to_crs(out.estimate_utm_crs())
    out["area_id"] = out["area_id"].astype(str)
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


def result_of(obj: Any) -> Any:
    """The Result of a Result or a Comparison."""
    from ..evaluate import Comparison, Result

    if isinstance(obj, Comparison):
        return obj.result
    if isinstance(obj, Result):
        return obj
    raise InputError(f"expected a Result (geoaccess.evaluate) or Comparison "
                     f"(geoaccess.compare), got {type(obj).__name__}")


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


def fmt_minutes(x: float) -> str:
    """Bounds in labels: whole numbers as such, else one decimal.

    Examples
    --------
    >>> fmt_minutes(15.0), fmt_minutes(7.5)
    ('15', '7.5')
    """
    x = float(x)
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:.1f}"


def class_labels(upper: Sequence[float]) -> list[str]:
    """Legend labels of minute classes with inclusive upper bounds.

    Examples
    --------
    >>> class_labels([5, 10])
    ['0–5 min', '5–10 min', 'more than 10 min']
    """
    labels = [f"0–{fmt_minutes(upper[0])} min"]
    labels += [f"{fmt_minutes(a)}–{fmt_minutes(b)} min"
               for a, b in zip(upper[:-1], upper[1:], strict=True)]
    labels.append(f"more than {fmt_minutes(upper[-1])} min")
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
