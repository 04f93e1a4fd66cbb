"""Helpers shared by the modules of :mod:`geoaccess.plot` (private).

Input checks (results, scenario names, sites' CRS), the
house style of charts and the colours every map shares.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import InputError
from ..evaluate import Comparison, Result
from ..scenario import Scenario, as_scenario

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "EDGE",
    "NO_DATA",
    "in_crs",
    "mpl_text",
    "new_axes",
    "pyplot",
    "result_of",
    "scenario_name",
    "scenario_names",
    "site_roles",
    "tidy_chart",
    "values_of",
]

log = logging.getLogger(__name__)

#: Face colour of areas with no time.
NO_DATA = "#d9d9d9"
#: Edge colour of points drawn as dots.
EDGE = "#4d4d4d"


def pyplot() -> Any:
    """matplotlib.pyplot, imported on first use (it is slow to import)."""
    import matplotlib.pyplot as plt

    return plt


def mpl_text(text: Any) -> str:
    """User text safe for matplotlib (``$`` would start mathtext)."""
    return str(text).replace("$", r"\$")


def new_axes(ax: Axes | None, figsize: tuple[float, float], *,
             constrained: bool = True) -> Axes:
    """``ax``, or the axes of a new figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    _, ax = pyplot().subplots(figsize=figsize, layout="constrained" if constrained else None)
    return ax


def tidy_chart(ax: Axes, *, grid_below: bool = True) -> None:
    """House style of charts: a light horizontal grid and no top or right frame."""
    ax.yaxis.grid(True, color="#dddddd", linewidth=0.6)
    if grid_below:
        ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def in_crs(frame: Any, crs: Any) -> Any:
    """Sites (or any frame) in ``crs``; None stays None."""
    if frame is None:
        return None
    if getattr(frame, "crs", None) is None:
        raise InputError("sites: no CRS; load them with geoaccess.read_sites or declare one "
                         "with set_crs(...)")
    return frame if frame.crs == crs else frame.to_crs(crs)


def result_of(obj: Any) -> Result:
    """The Result of a Result or Comparison."""
    if isinstance(obj, Comparison):
        return obj.result
    if isinstance(obj, Result):
        return obj
    raise InputError(f"expected a Result (geoaccess.evaluate) or Comparison "
                     f"(geoaccess.compare), got {type(obj).__name__}")


def scenario_name(scenario: Any) -> str:
    """A scenario's name: a name itself, or the name of a Scenario or Solution."""
    if isinstance(scenario, str):
        return scenario
    return as_scenario(scenario).name


def scenario_names(result: Any, scenarios: Any) -> list[str]:
    """Names of the wanted scenarios of ``result`` (default all), in order."""
    names = list(result.scenario_names)
    if scenarios is None:
        return names
    items = [scenarios] if isinstance(scenarios, (str, Scenario)) else list(scenarios)
    wanted = [scenario_name(s) for s in items]
    unknown = [s for s in wanted if s not in names]
    if unknown:
        raise InputError(f"unknown scenarios {unknown}; scenarios are {names}",
                         column="scenario")
    return wanted


def values_of(data: Any, scenario: Any, column: str, what: str
              ) -> tuple[pd.Series, str | None, Result | None]:
    """(values by area_id, scenario name, Result or None) from a Result, Series or frame."""
    scenario = None if scenario is None else scenario_name(scenario)
    if isinstance(data, Comparison):
        data = data.result
    if isinstance(data, Result):
        names = data.scenario_names
        if scenario is None:
            if len(names) > 1:
                raise InputError(f"{what}: the result holds {len(names)} scenarios {names}; "
                                 "say which with scenario=... (or use plot_scenarios)",
                                 column="scenario")
            scenario = names[0]
        if scenario not in names:
            raise InputError(f"{what}: unknown scenario {scenario!r}; scenarios are {names}",
                             column="scenario")
        rows = data[scenario]
        if column not in rows.columns:
            raise InputError(f"{what}: the result has no column {column!r}; columns are "
                             f"{list(rows.columns)}", column=column)
        return pd.to_numeric(rows[column], errors="coerce"), scenario, data
    if isinstance(data, pd.Series):
        s = pd.to_numeric(data, errors="coerce")
        s.index = s.index.astype(str)
        return s, scenario, None
    if isinstance(data, pd.DataFrame):
        if "area_id" not in data.columns or column not in data.columns:
            raise InputError(f"{what}: a table needs 'area_id' and {column!r} columns",
                             column=column)
        rows = data
        if "scenario" in data.columns:
            if scenario is None and data["scenario"].nunique() > 1:
                raise InputError(f"{what}: the table holds several scenarios; say which with "
                                 "scenario=...", column="scenario")
            if scenario is not None:
                rows = data[data["scenario"] == scenario]
        s = pd.to_numeric(rows.set_index(rows["area_id"].astype(str))[column],
                          errors="coerce")
        return s, scenario, None
    raise InputError(f"{what}: expected a Result, a Series of minutes indexed by area_id, or "
                     f"a table with area_id, got {type(data).__name__}")


def site_roles(sites: Any, scenario: Any) -> pd.Series:
    """Each site's role in ``scenario`` ("closed" if not open), else its ``kind``."""
    ids = sites["site_id"].astype(str)
    if scenario is not None:
        scen = as_scenario(scenario)
        return pd.Series([scen.role_of(s) for s in ids], index=sites.index)
    if "kind" in sites.columns:
        return sites["kind"].astype(object).where(sites["kind"].notna(), "other").astype(str)
    return pd.Series("other", index=sites.index)
