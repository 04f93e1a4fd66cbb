"""Maps and charts for cabinet papers and Equality Impact Assessments (matplotlib).

Every map here is drawn in the areas' metric CRS and carries what a printed map needs:
a legend in minutes, a scale bar, a north arrow and the "© OpenStreetMap contributors"
attribution (plus any ``credits`` for the boundaries and statistics). Every function
returns the matplotlib :class:`~matplotlib.axes.Axes` (single panels) or
:class:`~matplotlib.figure.Figure` (several panels), so a GIS officer can restyle it;
:func:`save_figure` writes PNG, SVG and PDF at print resolution.

Functions
---------
- :func:`plot_minutes`: areas coloured by minutes to the nearest open site, sites by role;
- :func:`plot_scenarios`: several scenarios side by side on one shared scale (before and
  after);
- :func:`plot_change`: change in minutes against the baseline on a diverging palette,
  with the areas losing threshold access outlined;
- :func:`service_areas` and :func:`plot_service_areas`: the land within 10/15/20 minutes
  of the open sites along the network;
- :func:`plot_equality`: share within a threshold by IMD decile (or any group), one bar
  per scenario;
- :func:`plot_cumulative`: % of people within *t* minutes, one line per scenario;
- :func:`plot_sites`, :func:`add_scale_bar`, :func:`add_north_arrow`,
  :func:`add_attribution`: the parts, for maps of your own.

Palettes are colour-blind safe and print in greyscale: ColorBrewer ``YlGnBu`` (minutes,
light = near), ColorBrewer ``RdBu`` (change: red = longer journeys, blue = shorter), the
Okabe-Ito qualitative colours (scenarios and site roles, which also differ by marker).
Minutes are classed by default on fixed breaks readers can compare between maps (5, 10,
15, 20, 30, 45, 60 minutes, upper bounds inclusive as in mapclassify's ``UserDefined``);
``scheme=`` picks any :mod:`mapclassify` scheme (``"quantiles"``, ``"fisher_jenks"``...),
computed once over every panel so the scale stays shared (mapclassify is imported only
then: it takes seconds to import).

Examples
--------
>>> import pandas as pd, geopandas as gpd, geoaccess as ga
>>> from shapely.geometry import box
>>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"], "children": [10.0, 30.0]},
...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
...                          crs="EPSG:27700")
>>> minutes = pd.Series([4.0, 17.0], index=["E1", "E2"])
>>> ax = ga.plot_minutes(minutes, areas)
>>> ax.get_title(loc="left")
'Minutes to the nearest open site'
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._fs import atomic_write
from ._version import __version__
from .errors import InputError
from .measures import threshold_label
from .scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .evaluate import Comparison, Result
    from .network import Network

__all__ = [
    "plot_frontier",
    "plot_trade_off",
    "ATTRIBUTION",
    "CHANGE_BINS",
    "MINUTES_BINS",
    "ROLE_STYLES",
    "SCENARIO_COLOURS",
    "add_attribution",
    "add_north_arrow",
    "add_scale_bar",
    "class_colours",
    "classify_minutes",
    "plot_change",
    "plot_cumulative",
    "plot_equality",
    "plot_minutes",
    "plot_scenarios",
    "plot_service_areas",
    "plot_sites",
    "save_figure",
]

log = logging.getLogger(__name__)

#: Attribution every map carries (ODbL 1.0 requires it wherever OSM-derived maps are shown).
ATTRIBUTION = "© OpenStreetMap contributors"

#: Default class breaks of minute maps (upper bounds, inclusive: "within 15 minutes").
MINUTES_BINS: tuple[float, ...] = (5, 10, 15, 20, 30, 45, 60)

#: Default class breaks of change maps, in minutes either way.
CHANGE_BINS: tuple[float, ...] = (5, 10, 20)

#: Sequential palette of minute maps (ColorBrewer YlGnBu: colour-blind safe).
MINUTES_CMAP = "YlGnBu"

#: Okabe-Ito colours (colour-blind safe) for scenarios, in order.
SCENARIO_COLOURS: tuple[str, ...] = ("#000000", "#E69F00", "#0072B2", "#009E73", "#CC79A7",
                                     "#D55E00", "#56B4E9", "#F0E442")

#: How each site role is drawn: marker, face colour (Okabe-Ito), size in points².
ROLE_STYLES: dict[str, dict[str, Any]] = {
    "hub": {"marker": "*", "color": "#D55E00", "size": 260},
    "centre": {"marker": "o", "color": "#CC79A7", "size": 70},
    "outreach": {"marker": "^", "color": "#009E73", "size": 80},
    "base": {"marker": "s", "color": "#E69F00", "size": 70},
    "other": {"marker": "D", "color": "#56B4E9", "size": 55},
    "closed": {"marker": "X", "color": "#7f7f7f", "size": 45},
}

# ColorBrewer RdBu, 9 classes, from longer journeys (red) to shorter (blue).
_CHANGE_COLOURS = ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0",
                   "#92c5de", "#4393c3", "#2166ac")
_LOST_ALL = "#67001f"
_NO_DATA = "#d9d9d9"
_EDGE = "#4d4d4d"
_PRINT_DPI = 300


# ============================================================================= helpers
def _plt():
    import matplotlib.pyplot as plt

    return plt


def _mpl_text(text: Any) -> str:
    """User text safe for matplotlib (``$`` would start mathtext)."""
    return str(text).replace("$", r"\$")


def _fmt(x: float) -> str:
    """Minutes for labels: whole numbers as such, else one decimal."""
    x = float(x)
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:.1f}"


def _check_areas(areas: Any, what: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not isinstance(areas, gpd.GeoDataFrame) or "area_id" not in areas.columns:
        raise InputError(f"{what}: expected the areas GeoDataFrame from geoaccess.read_areas "
                         "(with 'area_id' and geometry)", column="area_id")
    if areas.crs is None:
        raise InputError(f"{what}: the areas have no CRS; declare it with "
                         "areas.set_crs(...) (EPSG:27700 for British National Grid)")
    if areas.crs.is_geographic:
        areas = areas.to_crs(areas.estimate_utm_crs())
        log.info("%s: areas are in degrees; drawing them in %s so the scale bar is in "
                 "metres", what, areas.crs.to_string())
    out = areas.copy()
    out["area_id"] = out["area_id"].astype(str)
    return out


def _in_crs(frame: Any, crs: Any) -> Any:
    if frame is None:
        return None
    if getattr(frame, "crs", None) is None:
        raise InputError("sites: no CRS; load them with geoaccess.read_sites or declare one "
                         "with set_crs(...)")
    return frame if frame.crs == crs else frame.to_crs(crs)


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, ax = _plt().subplots(figsize=figsize, layout="constrained")
    return ax


def _tidy_chart(ax: Axes, *, grid_below: bool = True) -> None:
    """House style of charts: a light horizontal grid and no top or right frame."""
    ax.yaxis.grid(True, color="#dddddd", linewidth=0.6)
    if grid_below:
        ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _population_words(column: str | None) -> str:
    if not column or column == "weight":
        return "areas"
    from .equality import describe_population

    return describe_population(column)


def _mode_words(mode: str | None) -> str:
    words = {"walk": "walking", "pushchair": "walking with a pushchair", "cycle": "cycling",
             "drive": "driving", "transit": "by public transport"}
    return words.get(str(mode), "")


def _scenario_names(result: Any, scenarios: Iterable[str] | str | None) -> list[str]:
    names = list(result.scenario_names)
    if scenarios is None:
        return names
    wanted = [scenarios] if isinstance(scenarios, str) else [str(s) for s in scenarios]
    unknown = [s for s in wanted if s not in names]
    if unknown:
        raise InputError(f"unknown scenarios {unknown}; scenarios are {names}",
                         column="scenario")
    return wanted


def _result_of(obj: Any) -> Any:
    """The Result of a Result or Comparison."""
    from .evaluate import Comparison, Result

    if isinstance(obj, Comparison):
        return obj.result
    if isinstance(obj, Result):
        return obj
    raise InputError(f"expected a Result (geoaccess.evaluate) or Comparison "
                     f"(geoaccess.compare), got {type(obj).__name__}")


def _values(data: Any, scenario: str | None, column: str, what: str
            ) -> tuple[pd.Series, str | None, Any]:
    """(values by area_id, scenario name, Result or None) from a Result, Series or frame."""
    from .evaluate import Comparison, Result

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


# ===================================================================== classification
def classify_minutes(
    values: Any,
    *,
    bins: Sequence[float] | None = MINUTES_BINS,
    scheme: str | None = None,
    k: int = 5,
) -> tuple[float, ...]:
    """Upper bounds of the classes of a minutes map, with mapclassify.

    Parameters
    ----------
    values : array-like
        Minutes (NaN ignored); pool every panel's values for a shared scale.
    bins : sequence of float, optional
        Fixed upper bounds (inclusive); used when ``scheme`` is None.
    scheme : str, optional
        A :mod:`mapclassify` scheme name (``"quantiles"``, ``"equal_interval"``,
        ``"fisher_jenks"``, ``"natural_breaks"``...), computed on ``values``.
    k : int
        Number of classes of a data-driven scheme.

    Returns
    -------
    tuple of float
        Increasing upper bounds; values above the last form one more class.

    Examples
    --------
    >>> classify_minutes([1, 7, 12, 40])
    (5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0)
    >>> classify_minutes([1.0, 2, 3, 4, 5, 6, 7, 8], scheme="quantiles", k=4)
    (2.75, 4.5, 6.25, 8.0)
    """
    y = np.asarray(pd.to_numeric(pd.Series(np.ravel(np.asarray(values, dtype=object))),
                                 errors="coerce"), dtype=np.float64)
    y = y[np.isfinite(y)]
    if scheme is None:
        if bins is None or len(bins) == 0:
            raise InputError("classify_minutes: give bins=... or scheme=...")
        out = np.asarray([float(b) for b in bins], dtype=np.float64)
        if np.any(np.diff(out) <= 0):
            raise InputError(f"bins must increase, got {list(bins)}")
        return tuple(float(b) for b in out)
    if len(y) == 0:
        return tuple(float(b) for b in (bins or MINUTES_BINS))
    import mapclassify  # imported only here: it is slow to import

    k = int(max(1, min(k, len(np.unique(y)))))
    try:
        classifier = mapclassify.classify(y, scheme, k=k)
    except (ValueError, KeyError) as exc:
        raise InputError(f"unknown or unusable classification scheme {scheme!r}: {exc}; "
                         "see mapclassify.classify") from exc
    upper = np.unique(np.round(np.asarray(classifier.bins, dtype=np.float64), 2))
    return tuple(float(b) for b in upper)


def class_colours(n: int, cmap: str = MINUTES_CMAP) -> list[str]:
    """``n`` colours of a sequential palette, light to dark, skipping the near-white end.

    Examples
    --------
    >>> len(class_colours(8)), class_colours(1)[0].startswith("#")
    (8, True)
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cm = colormaps[cmap]
    return [to_hex(cm(v)) for v in np.linspace(0.15, 1.0, max(int(n), 1))]


def _class_of(values: np.ndarray, upper: Sequence[float]) -> np.ndarray:
    """Class index of each value (bounds inclusive above), -1 for NaN."""
    v = np.asarray(values, dtype=np.float64)
    idx = np.searchsorted(np.asarray(upper, dtype=np.float64), v, side="left")
    return np.where(np.isfinite(v), idx, -1)


def _class_labels(upper: Sequence[float], unit: str = "min") -> list[str]:
    labels = [f"up to {_fmt(upper[0])} {unit}"]
    labels += [f"{_fmt(a)}–{_fmt(b)} {unit}" for a, b in zip(upper[:-1], upper[1:],
                                                                 strict=True)]
    labels.append(f"more than {_fmt(upper[-1])} {unit}")
    return labels


# ===================================================================== map furniture
def _nice_length(width_m: float) -> float:
    target = width_m / 5.0
    if not target > 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * exp <= target:
            return float(m * exp)
    return float(exp)


def add_scale_bar(ax: Axes, *, length_m: float | None = None, loc: str = "lower left",
                  fontsize: float = 8) -> Any:
    """Draw a scale bar on a map in metres (a round length about a fifth of the width).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map whose data units are metres (a projected CRS) with an equal aspect.
    length_m : float, optional
        Bar length in metres (default: a round number near a fifth of the map width).
    loc : str
        Where to put it (matplotlib legend locations).
    fontsize : float
        Label size in points.

    Returns
    -------
    matplotlib.offsetbox.AnchoredOffsetbox
        The scale bar artist.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_xlim(0, 20_000), ax.set_ylim(0, 20_000)
    >>> add_scale_bar(ax).txt_label.get_text()
    '2 km'
    >>> plt.close(fig)
    """
    from matplotlib.font_manager import FontProperties
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    x0, x1 = ax.get_xlim()
    length = float(length_m) if length_m else _nice_length(abs(x1 - x0))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    bar = AnchoredSizeBar(ax.transData, length, label, loc, pad=0.5, borderpad=0.6, sep=3,
                          frameon=True, size_vertical=abs(ax.get_ylim()[1]
                                                          - ax.get_ylim()[0]) / 180,
                          color="black", fontproperties=FontProperties(size=fontsize))
    bar.patch.set_alpha(0.8)
    bar.patch.set_edgecolor("none")
    bar.set_gid("scale_bar")
    ax.add_artist(bar)
    return bar


def add_north_arrow(ax: Axes, *, x: float = 0.95, y: float = 0.95, size: float = 0.08,
                    fontsize: float = 11) -> Any:
    """Draw a north arrow (grid north of the map's CRS) in axes fractions.

    In British National Grid, grid north is within about 2° of true north across
    England; the arrow points up the map.

    Returns
    -------
    matplotlib.text.Annotation

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> add_north_arrow(ax).get_text()
    'N'
    >>> plt.close(fig)
    """
    arrow = ax.annotate("N", xy=(x, y), xytext=(x, y - size), xycoords="axes fraction",
                        textcoords="axes fraction", ha="center", va="top",
                        fontsize=fontsize, fontweight="bold",
                        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3,
                                    "headwidth": 10, "headlength": 9, "shrink": 0.0},
                        bbox={"boxstyle": "circle,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.0})
    arrow.set_gid("north_arrow")
    return arrow


def add_attribution(ax: Axes, credits: str | Sequence[str] | None = None, *,
                    fontsize: float = 6.5) -> Any:
    """Write "© OpenStreetMap contributors" (and any other credits) in the map's corner.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    credits : str or sequence of str, optional
        Further credits, e.g. ``"Boundaries: ONS, contains OS data © Crown copyright"``.
    fontsize : float

    Returns
    -------
    matplotlib.text.Text

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> add_attribution(ax, "Boundaries: ONS").get_text()
    '© OpenStreetMap contributors | Boundaries: ONS'
    >>> plt.close(fig)
    """
    parts = [ATTRIBUTION]
    if credits:
        extra = [credits] if isinstance(credits, str) else list(credits)
        parts += [str(c) for c in extra if c and ATTRIBUTION not in str(c)]
    text = ax.text(0.995, 0.005, " | ".join(parts), transform=ax.transAxes, ha="right",
                   va="bottom", fontsize=fontsize, color="#333333", zorder=20,
                   bbox={"boxstyle": "square,pad=0.25", "fc": "white", "ec": "none",
                         "alpha": 0.8})
    text.set_gid("attribution")
    return text


def _finish_map(ax: Axes, credits: Any, *, pad: float = 0.04) -> None:
    ax.set_aspect("equal")
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    dx, dy = (x1 - x0) * pad, (y1 - y0) * pad
    ax.set_xlim(x0 - dx, x1 + dx)
    ax.set_ylim(y0 - 1.8 * dy, y1 + dy)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#999999")
        spine.set_linewidth(0.6)
    add_scale_bar(ax)
    add_north_arrow(ax)
    add_attribution(ax, credits)


def _draw_geoms(ax: Axes, geoms: Any, *, facecolor: Any = "none", edgecolor: Any = "none",
                linewidth: float = 0.5, hatch: str | None = None, zorder: float = 1,
                markersize: float = 40) -> None:
    """Draw polygons (as one PathCollection) and points (scatter) without a redraw.

    geopandas' ``plot`` redraws the whole figure after every call on non-interactive
    backends; maps of several layers and panels are much faster drawn directly.
    """
    import shapely
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MPath

    arr = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    n = len(arr)
    faces = [facecolor] * n if isinstance(facecolor, str) else list(facecolor)
    if len(faces) != n:
        raise ValueError("one face colour per geometry expected")
    paths, pfaces, pts, ptfaces = [], [], [], []
    for g, fc in zip(arr, faces, strict=True):
        if g is None or g.is_empty:
            continue
        kind = g.geom_type
        if kind in ("Polygon", "MultiPolygon"):
            rings = []
            for poly in shapely.get_parts(g):
                rings.append(MPath(shapely.get_coordinates(poly.exterior), closed=True))
                rings += [MPath(shapely.get_coordinates(r), closed=True)
                          for r in poly.interiors]
            paths.append(MPath.make_compound_path(*rings))
            pfaces.append(fc)
        elif kind in ("Point", "MultiPoint"):
            for pt in shapely.get_parts(g):
                pts.append((pt.x, pt.y))
                ptfaces.append(fc)
        else:
            rep = g.representative_point()
            pts.append((rep.x, rep.y))
            ptfaces.append(fc)
    if paths:
        coll = PathCollection(paths, facecolors=pfaces, edgecolors=edgecolor,
                              linewidths=linewidth, zorder=zorder)
        if hatch:
            coll.set_hatch(hatch)
        ax.add_collection(coll, autolim=True)
    if pts:
        xy = np.asarray(pts)
        ax.scatter(xy[:, 0], xy[:, 1], c=ptfaces, s=markersize, edgecolors=_EDGE,
                   linewidths=0.5, zorder=zorder + 0.5)
    ax.autoscale_view()


# ============================================================================== sites
def _site_roles(sites: Any, scenario: Scenario | None) -> pd.Series:
    ids = sites["site_id"].astype(str)
    if scenario is not None:
        return pd.Series([scenario.role_of(s) for s in ids], index=sites.index)
    if "kind" in sites.columns:
        return sites["kind"].astype(object).where(sites["kind"].notna(), "other").astype(str)
    return pd.Series("other", index=sites.index)


def _role_handles(roles: Iterable[str]) -> list[Any]:
    from matplotlib.lines import Line2D

    handles = []
    for role in _ordered_roles(roles):
        st = ROLE_STYLES.get(role, ROLE_STYLES["other"])
        label = "closed site" if role == "closed" else f"{role} (open)"
        handles.append(Line2D([], [], linestyle="none", marker=st["marker"],
                              markerfacecolor=st["color"], markeredgecolor="black",
                              markeredgewidth=0.6, markersize=math.sqrt(st["size"]) * 0.8,
                              label=label))
    return handles


def _ordered_roles(roles: Iterable[str]) -> list[str]:
    present = list(dict.fromkeys(roles))
    order = list(ROLE_STYLES)
    return sorted(present, key=lambda r: (order.index(r) if r in order else len(order), r))


def plot_sites(
    sites: gpd.GeoDataFrame,
    scenario: Scenario | None = None,
    *,
    ax: Axes | None = None,
    show_closed: bool = True,
    labels: bool = False,
    marker_scale: float = 1.0,
    zorder: float = 10,
) -> Axes:
    """Draw sites by role: hubs, centres, outreach sites, bases, and closed sites.

    Roles differ by marker shape and colour (Okabe-Ito), so they read in greyscale too.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Sites from :func:`geoaccess.read_sites`.
    scenario : Scenario, optional
        Draw each site in its role in this scenario (closed sites as grey crosses);
        default: by the sites' ``kind``.
    ax : matplotlib.axes.Axes, optional
    show_closed : bool
        Draw closed sites.
    labels : bool
        Write each open site's name beside it.
    marker_scale : float
        Multiply the marker sizes (e.g. 0.6 on busy maps).
    zorder : float

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import geopandas as gpd, geoaccess as ga
    >>> from shapely.geometry import Point
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1", "S2"], "name": ["A", "B"],
    ...                           "kind": ["hub", "centre"]},
    ...                          geometry=[Point(0, 0), Point(500, 500)], crs="EPSG:27700")
    >>> ax = plot_sites(sites, ga.Scenario("Hub only", {"S1": "hub"}))
    >>> [h.get_label() for h in ax.get_legend_handles_labels()[0]]
    ['hub (open)', 'closed site']
    """
    if "site_id" not in getattr(sites, "columns", ()):
        raise InputError("sites: expected the sites GeoDataFrame from geoaccess.read_sites "
                         "(with 'site_id' and point geometry)", column="site_id")
    ax = _new_axes(ax, (7, 7))
    roles = _site_roles(sites, scenario)
    pts = sites.geometry.representative_point()
    for role in _ordered_roles(roles):
        if role == "closed" and not show_closed:
            continue
        sel = (roles == role).to_numpy()
        st = ROLE_STYLES.get(role, ROLE_STYLES["other"])
        label = "closed site" if role == "closed" else f"{role} (open)"
        ax.scatter(pts.x[sel], pts.y[sel], s=st["size"] * marker_scale, marker=st["marker"],
                   c=st["color"], edgecolors="black" if role != "closed" else "white",
                   linewidths=0.6, zorder=zorder - (1 if role == "closed" else 0),
                   label=label)
    if labels and "name" in sites.columns:
        for (x, y), name, role in zip(zip(pts.x, pts.y, strict=True), sites["name"], roles,
                                      strict=True):
            if role != "closed":
                ax.annotate(_mpl_text(name), (x, y), xytext=(4, 4), textcoords="offset points",
                            fontsize=6.5, zorder=zorder + 1,
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                  "alpha": 0.7})
    ax.set_aspect("equal")
    return ax


# ============================================================================= minutes
def _draw_classes(ax: Axes, geo: gpd.GeoDataFrame, values: np.ndarray, upper: Sequence[float],
                  colours: Sequence[str]) -> None:
    cls = _class_of(values, upper)
    face = np.array([colours[c] if c >= 0 else _NO_DATA for c in cls], dtype=object)
    polys = geo.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    _draw_geoms(ax, geo.geometry, facecolor=list(face),
                edgecolor=np.where(polys, "white", _EDGE).tolist(), linewidth=0.7)
    nan = cls < 0
    if (polys & nan).any():
        _draw_geoms(ax, geo.geometry[polys & nan], edgecolor="#969696", hatch="///",
                    linewidth=0.0, zorder=1.5)


def _class_handles(upper: Sequence[float], colours: Sequence[str], *, no_data: bool) -> list:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#bbbbbb", linewidth=0.5, label=lab)
               for c, lab in zip(colours, _class_labels(upper), strict=True)]
    if no_data:
        handles.append(Patch(facecolor=_NO_DATA, edgecolor="#969696", hatch="///",
                             label="no time (see reason)"))
    return handles


def _scenario_title(result: Any, scenario: str, threshold: float | None) -> str:
    row = result.summary.set_index("scenario").loc[scenario]
    parts = [f"{int(row['open_sites'])} open sites"]
    lab = None if threshold is None else f"{float(threshold):g}"
    if lab is not None and f"share_within_{lab}" in row.index:
        parts.append(f"{row[f'share_within_{lab}']:.0%} of {_population_words(result.population)}"
                     f" within {lab} min")
    return f"{_mpl_text(scenario)}\n" + " · ".join(parts)


def _default_threshold(result: Any) -> float | None:
    ts = [float(t) for t in getattr(result, "thresholds", ())]
    if not ts:
        return None
    return 15.0 if 15.0 in ts else ts[0]


def plot_minutes(
    data: Any,
    areas: gpd.GeoDataFrame,
    scenario: str | None = None,
    *,
    sites: gpd.GeoDataFrame | None = None,
    column: str = "nearest_minutes",
    bins: Sequence[float] | None = MINUTES_BINS,
    scheme: str | None = None,
    k: int = 5,
    cmap: str = MINUTES_CMAP,
    ax: Axes | None = None,
    title: str | None = None,
    legend: bool = True,
    labels: bool = False,
    credits: str | Sequence[str] | None = None,
) -> Axes:
    """Map areas coloured by minutes to the nearest open site, with the sites by role.

    Parameters
    ----------
    data : Result, Comparison, pandas.Series or pandas.DataFrame
        A :class:`~geoaccess.Result` (with ``scenario``), a Series of minutes indexed by
        ``area_id`` (e.g. ``tt.minutes.min(axis=1)``), or a table with ``area_id`` and
        ``column``.
    areas : geopandas.GeoDataFrame
        Areas from :func:`geoaccess.read_areas` (polygons; points are drawn as dots).
        Every area is drawn; areas without a value are grey and hatched ("no time").
    scenario : str, optional
        Scenario of a Result holding several.
    sites : geopandas.GeoDataFrame, optional
        Sites to draw, in their role in ``scenario`` (closed ones as grey crosses).
    column : str
        Column of the result to map (``nearest_minutes``, ``nearest_minutes_hub``...).
    bins, scheme, k
        Classes: fixed upper bounds in minutes (default :data:`MINUTES_BINS`), or a
        mapclassify scheme with ``k`` classes (see :func:`classify_minutes`).
    cmap : str
        Sequential colormap (default ColorBrewer ``YlGnBu``).
    ax : matplotlib.axes.Axes, optional
    title : str, optional
        Default: the scenario, its open sites and share within 15 minutes.
    legend : bool
        Draw the legend (classes in minutes, site roles) beside the map.
    labels : bool
        Label open sites with their names.
    credits : str or sequence of str, optional
        Credits added after "© OpenStreetMap contributors" (e.g. the boundaries' source).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"]},
    ...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
    ...                          crs="EPSG:27700")
    >>> ax = plot_minutes(pd.Series([4.0, None], index=["E1", "E2"]), areas)
    >>> ax.get_legend().get_texts()[-1].get_text()
    'no time (see reason)'
    """
    geo = _check_areas(areas, "plot_minutes")
    values, scenario, result = _values(data, scenario, column, "plot_minutes")
    v = values.reindex(geo["area_id"]).to_numpy(np.float64)
    missing = int((~geo["area_id"].isin(values.index)).sum())
    if missing:
        log.info("plot_minutes: %d areas have no value and are drawn as 'no time'", missing)
    upper = classify_minutes(v, bins=bins, scheme=scheme, k=k)
    colours = class_colours(len(upper) + 1, cmap)
    ax = _new_axes(ax, (9, 7.5))
    _draw_classes(ax, geo, v, upper, colours)
    handles = _class_handles(upper, colours, no_data=bool(np.isnan(v).any()))
    if sites is not None:
        s = _in_crs(sites, geo.crs)
        scen = result.scenarios[scenario] if result is not None and scenario else None
        plot_sites(s, scen, ax=ax, labels=labels)
        handles += _role_handles(_site_roles(s, scen))
    if title is None:
        title = (_scenario_title(result, scenario, _default_threshold(result))
                 if result is not None and scenario else "Minutes to the nearest open site")
    ax.set_title(title, fontsize=11, loc="left")
    if legend:
        mode = _mode_words(getattr(result, "mode", None))
        head = "Minutes to nearest open site" + (f"\n({mode})" if mode else "")
        ax.legend(handles=handles, title=head, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize=8, title_fontsize=8.5, frameon=False, alignment="left")
    _finish_map(ax, credits)
    return ax


def plot_scenarios(
    result: Result | Comparison,
    areas: gpd.GeoDataFrame,
    scenarios: Iterable[str] | None = None,
    *,
    sites: gpd.GeoDataFrame | None = None,
    column: str = "nearest_minutes",
    bins: Sequence[float] | None = MINUTES_BINS,
    scheme: str | None = None,
    k: int = 5,
    cmap: str = MINUTES_CMAP,
    ncols: int | None = None,
    panel_size: float = 5.2,
    threshold: float | None = None,
    suptitle: str | None = None,
    credits: str | Sequence[str] | None = None,
) -> Figure:
    """Scenarios side by side on one shared scale: before and after, or every option.

    Every panel uses the same classes (computed once over all panels when ``scheme`` is
    data driven) and the same colours, so a colour means the same minutes in each; one
    legend serves them all. Each panel has its scale bar, north arrow and attribution.

    Parameters
    ----------
    result : Result or Comparison
        From :func:`geoaccess.evaluate` / :func:`geoaccess.compare`.
    areas : geopandas.GeoDataFrame
    scenarios : iterable of str, optional
        Panels in order (default every scenario; ``[baseline, proposal]`` for a
        before/after pair).
    sites : geopandas.GeoDataFrame, optional
        Drawn in each panel in that scenario's roles.
    column, bins, scheme, k, cmap
        As in :func:`plot_minutes`.
    ncols : int, optional
        Panels per row (default: all in one row up to 3).
    panel_size : float
        Width of a panel in inches.
    threshold : float, optional
        Threshold quoted under each panel's title (default 15 minutes when evaluated).
    suptitle : str, optional
    credits : str or sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd, geoaccess as ga
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"], "kids": [1.0, 1.0]},
    ...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
    ...                          crs="EPSG:27700")
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 12.0], "S2": [9.0, 3.0]},
    ...                                             index=["E1", "E2"]))
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})], population="kids")
    >>> fig = plot_scenarios(r, areas)
    >>> [ax.get_title(loc="left").splitlines()[0] for ax in fig.axes]
    ['Now', 'Close S2']
    """
    res = _result_of(result)
    geo = _check_areas(areas, "plot_scenarios")
    names = _scenario_names(res, scenarios)
    wide = res.wide(column) if column in res.areas.columns else None
    if wide is None:
        raise InputError(f"plot_scenarios: the result has no column {column!r}", column=column)
    wide = wide.reindex(geo["area_id"])
    upper = classify_minutes(wide[names].to_numpy(), bins=bins, scheme=scheme, k=k)
    colours = class_colours(len(upper) + 1, cmap)
    n = len(names)
    ncols = int(ncols or min(n, 3))
    nrows = int(math.ceil(n / ncols))
    b = geo.total_bounds
    aspect = (b[3] - b[1]) / max(b[2] - b[0], 1.0)
    fig, axes = _plt().subplots(nrows, ncols, figsize=(panel_size * ncols + 2.4,
                                                       panel_size * aspect * nrows * 1.08 + 1.0),
                                squeeze=False, layout="constrained")
    threshold = _default_threshold(res) if threshold is None else threshold
    roles_seen: list[str] = []
    has_nan = False
    s = _in_crs(sites, geo.crs) if sites is not None else None
    for i, ax in enumerate(axes.ravel()):
        if i >= n:
            ax.remove()
            continue
        name = names[i]
        v = wide[name].to_numpy(np.float64)
        has_nan |= bool(np.isnan(v).any())
        _draw_classes(ax, geo, v, upper, colours)
        if s is not None:
            scen = res.scenarios[name]
            plot_sites(s, scen, ax=ax)
            roles_seen += list(_site_roles(s, scen))
        ax.set_title(_scenario_title(res, name, threshold), fontsize=10, loc="left")
        _finish_map(ax, credits)
    handles = _class_handles(upper, colours, no_data=has_nan) + _role_handles(roles_seen)
    mode = _mode_words(res.mode)
    fig.legend(handles=handles, loc="outside right upper", fontsize=8, frameon=False,
               title="Minutes to nearest open site" + (f"\n({mode})" if mode else ""),
               title_fontsize=8.5, alignment="left")
    if suptitle:
        fig.suptitle(suptitle, fontsize=12, x=0.02, ha="left")
    return fig


# ============================================================================== change
def _change_classes(comp_rows: pd.DataFrame, bins: Sequence[float]
                    ) -> tuple[np.ndarray, list[str], list[str]]:
    """Class index per area, the labels and colours of a change map.

    Classes: gains by size (largest first), unchanged, losses by size, no time any
    more, unknown.
    """
    b = [float(x) for x in bins]
    nb = len(b)
    # colours: losses from the red end, gains from the blue end of RdBu (9 classes)
    pal = list(_CHANGE_COLOURS)
    red = pal[:4][::-1]  # light to dark
    blue = pal[5:]  # light to dark
    if nb + 1 > 4:
        from matplotlib import colormaps
        from matplotlib.colors import to_hex

        cm = colormaps["RdBu"]
        red = [to_hex(cm(v)) for v in np.linspace(0.42, 0.05, nb + 1)]
        blue = [to_hex(cm(v)) for v in np.linspace(0.58, 0.95, nb + 1)]
    else:
        red, blue = red[-(nb + 1):], blue[-(nb + 1):]
    gain_labels = [f"quicker by more than {_fmt(b[-1])} min"]
    gain_labels += [f"quicker by {_fmt(lo)}–{_fmt(hi)} min"
                    for lo, hi in zip(b[::-1][1:], b[::-1][:-1], strict=True)]
    gain_labels.append(f"quicker by up to {_fmt(b[0])} min")
    loss_labels = [f"longer by up to {_fmt(b[0])} min"]
    loss_labels += [f"longer by {_fmt(lo)}–{_fmt(hi)} min"
                    for lo, hi in zip(b[:-1], b[1:], strict=True)]
    loss_labels.append(f"longer by more than {_fmt(b[-1])} min")
    labels = gain_labels + ["unchanged"] + loss_labels + ["no open site reachable any more",
                                                          "no time either way"]
    colours = blue[::-1] + ["#f7f7f7"] + red + [_LOST_ALL, _NO_DATA]
    status = comp_rows["status"].astype(str).to_numpy()
    change = comp_rows["change_minutes"].to_numpy(np.float64)
    after = comp_rows["nearest_minutes"].to_numpy(np.float64)
    size = _class_of(np.abs(change), b)  # 0..nb
    cls = np.full(len(status), nb + 1, dtype=np.int64)  # unchanged
    gain = status == "gain"
    loss = status == "loss"
    cls[gain] = nb - np.where(np.isfinite(change[gain]), size[gain], nb)
    cls[loss] = nb + 2 + np.where(np.isfinite(change[loss]), size[loss], nb)
    cls[loss & ~np.isfinite(after)] = 2 * nb + 3
    cls[status == "unknown"] = 2 * nb + 4
    return cls, labels, colours


def plot_change(
    comparison: Comparison,
    areas: gpd.GeoDataFrame,
    scenario: str | None = None,
    *,
    sites: gpd.GeoDataFrame | None = None,
    threshold: float | None = None,
    bins: Sequence[float] = CHANGE_BINS,
    ax: Axes | None = None,
    title: str | None = None,
    legend: bool = True,
    credits: str | Sequence[str] | None = None,
) -> Axes:
    """Map the change in minutes under a proposal against the baseline.

    A diverging palette (ColorBrewer RdBu) shows longer journeys in reds, shorter in
    blues and unchanged areas in near-white, classed by the size of the change; areas
    left with no reachable open site are darkest red. Areas that lose access within
    ``threshold`` minutes are outlined in black, so the losers stand out at a glance.
    Gain, loss and unchanged follow the comparison's ``status`` (and its tolerance).

    Parameters
    ----------
    comparison : Comparison
        From :func:`geoaccess.compare`.
    areas : geopandas.GeoDataFrame
    scenario : str, optional
        The proposal (default: the comparison's only one).
    sites : geopandas.GeoDataFrame, optional
        Drawn in their roles under the proposal; closed sites as grey crosses.
    threshold : float, optional
        Outline the areas losing access within this many minutes (default 15 when
        evaluated, else the first threshold).
    bins : sequence of float
        Sizes of change separating the classes, in minutes (default 5, 10, 20).
    ax, title, legend, credits
        As in :func:`plot_minutes`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd, geoaccess as ga
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"], "kids": [1.0, 1.0]},
    ...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
    ...                          crs="EPSG:27700")
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0], "S2": [9.0, 3.0]},
    ...                                             index=["E1", "E2"]))
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})], population="kids")
    >>> ax = plot_change(ga.compare(r), areas)
    >>> "loses 15-minute access" in [t.get_text() for t in ax.get_legend().get_texts()]
    True
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .evaluate import Comparison

    if not isinstance(comparison, Comparison):
        raise InputError(f"plot_change: expected a Comparison from geoaccess.compare, got "
                         f"{type(comparison).__name__}")
    geo = _check_areas(areas, "plot_change")
    names = comparison.scenario_names
    if scenario is None:
        if len(names) != 1:
            raise InputError(f"plot_change: the comparison holds proposals {names}; say which "
                             "with scenario=...", column="scenario")
        scenario = names[0]
    if scenario not in names:
        raise InputError(f"plot_change: unknown proposal {scenario!r}; proposals are {names}",
                         column="scenario")
    rows = comparison[scenario].reindex(geo["area_id"])
    rows["status"] = rows["status"].astype(object).where(rows["status"].notna(), "unknown")
    cls, labels, colours = _change_classes(rows, bins)
    ax = _new_axes(ax, (9, 7.5))
    face = [colours[c] for c in cls]
    _draw_geoms(ax, geo.geometry, facecolor=face, edgecolor="#bdbdbd", linewidth=0.6)
    hatch = cls == len(colours) - 1
    if hatch.any():
        _draw_geoms(ax, geo.geometry[hatch], edgecolor="#969696", hatch="///",
                    linewidth=0.0, zorder=1.5)
    res = comparison.result
    threshold = _default_threshold(res) if threshold is None else float(threshold)
    lab = None if threshold is None else f"{float(threshold):g}"
    crossers = np.zeros(len(geo), dtype=bool)
    if lab is not None and f"loses_{lab}" in rows.columns:
        crossers = rows[f"loses_{lab}"].fillna(False).to_numpy(bool)
        if crossers.any():
            _draw_geoms(ax, geo.geometry[crossers], edgecolor="black", linewidth=2.2,
                        zorder=5)
    present = sorted(set(cls.tolist()))
    handles: list[Any] = [Patch(facecolor=colours[c], edgecolor="#bdbdbd",
                                hatch="///" if c == len(colours) - 1 else None,
                                label=labels[c]) for c in present]
    if lab is not None and crossers.any():
        handles.append(Line2D([], [], color="black", linewidth=2.2,
                              label=f"loses {lab}-minute access"))
    if sites is not None:
        s = _in_crs(sites, geo.crs)
        scen = res.scenarios[scenario]
        plot_sites(s, scen, ax=ax)
        handles += _role_handles(_site_roles(s, scen))
    if title is None:
        summary = comparison.summary.set_index("scenario").loc[scenario]
        words = _population_words(comparison.population)
        sub = f"{summary['population_loss']:,.0f} {words} with longer journeys"
        if lab is not None and f"population_loses_{lab}" in summary.index:
            sub += f" · {summary[f'population_loses_{lab}']:,.0f} lose {lab}-minute access"
        title = f"{_mpl_text(scenario)} against {_mpl_text(comparison.baseline)}\n{sub}"
    ax.set_title(title, fontsize=11, loc="left")
    if legend:
        ax.legend(handles=handles, title="Change in minutes to\nthe nearest open site",
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
                  title_fontsize=8.5, frameon=False, alignment="left")
    _finish_map(ax, credits)
    return ax


# ======================================================================= service areas
def plot_service_areas(
    network: Network | None,
    sites: gpd.GeoDataFrame,
    scenario: Scenario | None = None,
    *,
    thresholds: Sequence[float] = (10, 15, 20),
    areas: gpd.GeoDataFrame | None = None,
    bands: gpd.GeoDataFrame | None = None,
    walk_in_m: float = 100.0,
    show_network: bool = True,
    clip: bool = True,
    cmap: str = MINUTES_CMAP,
    ax: Axes | None = None,
    title: str | None = None,
    legend: bool = True,
    credits: str | Sequence[str] | None = None,
) -> Axes:
    """Map the land within 10, 15 and 20 minutes of the open sites (see :func:`service_areas`).

    Bands are coloured with the minutes palette (the same colour as the matching class
    of :func:`plot_minutes`), over the area boundaries and, faintly, the network.

    Parameters
    ----------
    network : Network or None
        The network (None when ``bands`` is given and ``show_network`` is False).
    sites : geopandas.GeoDataFrame
    scenario : Scenario, optional
        Which sites are open (default all).
    thresholds : sequence of float
        Minutes.
    areas : geopandas.GeoDataFrame, optional
        Boundaries drawn as outlines, and (with ``clip``) the extent the bands are cut to.
    bands : geopandas.GeoDataFrame, optional
        Precomputed :func:`service_areas` (saves recomputing for several maps).
    walk_in_m : float
        See :func:`service_areas`.
    show_network : bool
        Draw the streets faintly.
    clip : bool
        Cut the bands to the areas' outline.
    cmap, ax, title, legend, credits
        As in :func:`plot_minutes`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import geoaccess as ga, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> net = ga.Network.from_osm_file(ga.datasets.get_path("west-oakland"), mode="walk")
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"], "kind": ["hub"]},
    ...                         geometry=[Point(float(net.x.mean()), float(net.y.mean()))],
    ...                         crs=net.crs)
    >>> ax = plot_service_areas(net, site, thresholds=[2, 5])
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['within 2 min', 'within 5 min']
    """
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MPath

    if bands is None:
        if network is None:
            raise InputError("plot_service_areas: give the network, or bands= from "
                             "service_areas()")
        from .travel import service_areas

        bands = service_areas(network, sites, scenario, thresholds=thresholds,
                              walk_in_m=walk_in_m)
    crs = bands.crs
    geo = _check_areas(areas, "plot_service_areas") if areas is not None else None
    if geo is not None:
        crs = geo.crs
        bands = bands.to_crs(crs)
    ts = [float(t) for t in bands["threshold_minutes"]]
    colours = _band_colours(ts, cmap)
    ax = _new_axes(ax, (9, 7.5))
    outline = None
    if geo is not None:
        outline = geo.union_all()
        _draw_geoms(ax, geo.geometry, facecolor="white")
    order = np.argsort(ts)[::-1]
    handles = []
    for i in order:
        g = bands.geometry.iloc[i]
        if clip and outline is not None:
            g = g.intersection(outline)
        _draw_geoms(ax, [g], facecolor=colours[i], zorder=2)
    for i in np.argsort(ts):
        handles.append(Patch(facecolor=colours[i], edgecolor="#bbbbbb",
                             label=f"within {_fmt(ts[i])} min"))
    if show_network and network is not None:
        import pyproj

        x, y = network.x, network.y
        if pyproj.CRS.from_user_input(network.crs) != pyproj.CRS.from_user_input(crs):
            x, y = pyproj.Transformer.from_crs(network.crs, crs, always_xy=True).transform(x, y)
            x, y = np.asarray(x), np.asarray(y)
        tails = np.repeat(np.arange(network.n_nodes), np.diff(network.indptr))
        heads = network.indices.astype(np.int64)
        one = tails < heads
        segs = np.stack([np.column_stack([x[tails[one]], y[tails[one]]]),
                         np.column_stack([x[heads[one]], y[heads[one]]])], axis=1)
        if outline is not None and clip and geo is not None:
            b = geo.total_bounds
            inside = ((segs[:, :, 0].max(1) >= b[0]) & (segs[:, :, 0].min(1) <= b[2])
                      & (segs[:, :, 1].max(1) >= b[1]) & (segs[:, :, 1].min(1) <= b[3]))
            segs = segs[inside]
        # one compound path, not a collection of 40,000 lines: far quicker in PDF/SVG
        codes = np.tile(np.array([MPath.MOVETO, MPath.LINETO], dtype=np.uint8), len(segs))
        street = PathPatch(MPath(segs.reshape(-1, 2), codes), facecolor="none",
                           edgecolor="#8c8c8c", linewidth=0.25, alpha=0.7, zorder=3)
        ax.add_artist(street)  # add_patch walks every vertex in Python for the limits
        ax.update_datalim(segs.reshape(-1, 2))
        ax.autoscale_view()
    if geo is not None:
        _draw_geoms(ax, geo.geometry, edgecolor="#525252", linewidth=0.6, zorder=4)
    s = _in_crs(sites, crs)
    plot_sites(s, scenario, ax=ax, marker_scale=0.6)
    handles += _role_handles(_site_roles(s, scenario))
    if title is None:
        name = _mpl_text(bands.attrs.get("scenario")
                         or (scenario.name if scenario else "All sites"))
        mode = _mode_words(bands.attrs.get("mode") or getattr(network, "mode", None))
        title = (f"{name}\nLand within {', '.join(_fmt(t) for t in sorted(ts))} minutes "
                 f"{mode + ' ' if mode else ''}of an open site")
    ax.set_title(title, fontsize=11, loc="left")
    if legend:
        ax.legend(handles=handles, title="Service areas", loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), fontsize=8, title_fontsize=8.5,
                  frameon=False, alignment="left")
    _finish_map(ax, credits)
    return ax


def _band_colours(ts: Sequence[float], cmap: str) -> list[str]:
    """Colour of each threshold band: the minutes-map colour of the class it closes."""
    upper = list(MINUTES_BINS)
    colours = class_colours(len(upper) + 1, cmap)
    out = []
    for t in ts:
        i = int(np.searchsorted(upper, t, side="left"))
        out.append(colours[min(i, len(colours) - 1)])
    return out


# ============================================================================= charts
def plot_equality(
    result: Result | Comparison,
    areas: pd.DataFrame,
    *,
    by: str = "imd_decile",
    threshold: float | None = None,
    scenarios: Iterable[str] | None = None,
    population: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Bar chart: share of people within a threshold, by group (IMD decile), per scenario.

    Computed with :func:`geoaccess.equality.breakdown` (population weighted; the share
    counts everyone in the group, including anyone with no time).

    Parameters
    ----------
    result : Result or Comparison
    areas : pandas.DataFrame
        The areas, with the ``by`` column.
    by : str
        Grouping column (``imd_decile``, ``imd_quintile`` (derived), ``ward``...).
    threshold : float, optional
        Minutes (default 15 when evaluated).
    scenarios : iterable of str, optional
        Bars per group, in order (default every scenario).
    population : str, optional
        Population column (default the result's).
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                             index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0],
    ...                       "imd_decile": [3, 8]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})], population="kids")
    >>> ax = plot_equality(r, areas)
    >>> [round(p.get_height()) for p in ax.patches]
    [100, 100, 100, 0]
    """
    from .equality import breakdown

    res = _result_of(result)
    names = _scenario_names(res, scenarios)
    thr = _default_threshold(res) if threshold is None else float(threshold)
    if thr is None:
        raise InputError("plot_equality: the result has no thresholds", column="threshold")
    lab = f"{thr:g}"
    col = f"share_within_{lab}"
    table = breakdown(res, areas, by=by, population=population, total=False)
    if col not in table.columns:
        raise InputError(f"plot_equality: threshold {lab} minutes was not evaluated; "
                         f"thresholds are {[float(t) for t in res.thresholds]}",
                         column="threshold")
    groups = list(dict.fromkeys(table[by].tolist()))
    ax = _new_axes(ax, (8, 4.8))
    width = 0.8 / max(len(names), 1)
    x = np.arange(len(groups))
    for j, name in enumerate(names):
        rows = table[table["scenario"] == name].set_index(by).reindex(groups)
        ax.bar(x - 0.4 + width * (j + 0.5), rows[col].to_numpy(np.float64) * 100, width,
               label=_mpl_text(name), color=SCENARIO_COLOURS[j % len(SCENARIO_COLOURS)],
               edgecolor="white", linewidth=0.5)
    pops = table[table["scenario"] == names[0]].set_index(by).reindex(groups)["population"]
    words = _population_words(table.attrs.get("population") or res.population)
    ticks = [f"{g}\n({p:,.0f})" for g, p in zip(groups, pops, strict=True)]
    ax.set_xticks(x, ticks, fontsize=8)
    xlabel = {"imd_decile": "IMD decile (1 = most deprived 10% in England)",
              "imd_quintile": "IMD quintile (1 = most deprived 20% in England)"}.get(
                  by, by.replace("_", " "))
    ax.set_xlabel(f"{xlabel}\nbelow each group: {words} living there", fontsize=8.5)
    mode = _mode_words(res.mode)
    ax.set_ylabel(f"% of {words} within {lab} min", fontsize=9)
    ax.set_ylim(0, 105)
    _tidy_chart(ax)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or f"Share of {words} within {lab} minutes"
                 f"{' ' + mode if mode else ''} of an open site, by group",
                 fontsize=11, loc="left")
    return ax


def plot_cumulative(
    result: Result | Comparison,
    *,
    scenarios: Iterable[str] | None = None,
    max_minutes: float | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Cumulative curve: % of people within *t* minutes of an open site, per scenario.

    For each scenario the population-weighted share of everyone (including people with
    no time, who never count) whose nearest open site is at most *t* minutes away,
    drawn as a step line. Dotted lines mark the evaluated thresholds.

    Parameters
    ----------
    result : Result or Comparison
    scenarios : iterable of str, optional
    max_minutes : float, optional
        Right end of the axis (default: the longest time, rounded up to 5 minutes).
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    Two areas, 10 and 30 children, at 5 and 25 minutes: 25% are within 5 minutes, all
    within 25.

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0]}, index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0]})
    >>> r = ga.evaluate(tt, areas, ga.Scenario("Now", {"S1": "hub"}), population="kids")
    >>> line = plot_cumulative(r).get_lines()[0]
    >>> line.get_xdata()[:3].tolist(), line.get_ydata()[:3].tolist()
    ([0.0, 5.0, 25.0], [0.0, 25.0, 100.0])
    """
    res = _result_of(result)
    names = _scenario_names(res, scenarios)
    weight = res.weight_column
    ax = _new_axes(ax, (8, 4.8))
    top = 0.0
    for j, name in enumerate(names):
        rows = res[name]
        m = rows["nearest_minutes"].to_numpy(np.float64)
        w = rows[weight].to_numpy(np.float64)
        total = w.sum()
        ok = np.isfinite(m)
        order = np.argsort(m[ok], kind="stable")
        ms, ws = m[ok][order], w[ok][order]
        if len(ms):
            top = max(top, float(ms[-1]))
        # distinct times with the share reached at each
        uniq, idx = np.unique(ms, return_index=True)
        cum = np.cumsum(ws)
        last = np.r_[idx[1:] - 1, len(ms) - 1] if len(ms) else np.array([], dtype=int)
        xs = np.r_[0.0, uniq]
        ys = np.r_[0.0, cum[last] / total * 100 if total > 0 else np.zeros(len(last))]
        ax.step(xs, ys, where="post", label=_mpl_text(name), linewidth=1.8,
                color=SCENARIO_COLOURS[j % len(SCENARIO_COLOURS)],
                linestyle=("-", "--", "-.", ":")[j % 4])
    xmax = float(max_minutes) if max_minutes else max(5.0, math.ceil(top / 5.0) * 5.0)
    for line in ax.get_lines():
        xs = np.asarray(line.get_xdata(), dtype=np.float64)
        ys = np.asarray(line.get_ydata(), dtype=np.float64)
        line.set_data(np.r_[xs, xmax], np.r_[ys, ys[-1]])
    for t in res.thresholds:
        if t <= xmax:
            ax.axvline(float(t), color="#aaaaaa", linewidth=0.7, linestyle=":", zorder=0)
    words = _population_words(res.population)
    mode = _mode_words(res.mode)
    ax.set_xlim(0, xmax)
    ax.set_ylim(0, 102)
    ax.set_xlabel(f"Minutes to the nearest open site{' (' + mode + ')' if mode else ''}",
                  fontsize=9)
    ax.set_ylabel(f"% of {words} within t minutes", fontsize=9)
    _tidy_chart(ax, grid_below=False)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_title(title or f"How many {words} are within t minutes of an open site",
                 fontsize=11, loc="left")
    return ax


# ============================================================================== saving
_FORMATS = ("png", "svg", "pdf")


def save_figure(
    figure: Figure | Axes,
    path: str | os.PathLike[str],
    *,
    formats: Iterable[str] | None = None,
    dpi: int = _PRINT_DPI,
    close: bool = False,
) -> list[Path]:
    """Save a map or chart for print: PNG, SVG and/or PDF, written atomically.

    Parameters
    ----------
    figure : matplotlib.figure.Figure or matplotlib.axes.Axes
        A figure, or an axes of one (as the ``plot_*`` functions return).
    path : path-like
        File name; its suffix picks the format (``map.pdf``). Without a suffix, or with
        ``formats``, one file per format is written beside it with that suffix.
    formats : iterable of str, optional
        Any of ``"png"``, ``"svg"``, ``"pdf"``.
    dpi : int
        Resolution of raster output (default 300, print quality).
    close : bool
        Close the figure afterwards (frees memory in loops).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import tempfile, matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in save_figure(fig, f"{d}/chart", formats=["png", "pdf"], close=True)]
    ['chart.png', 'chart.pdf']
    """
    fig = figure.get_figure() if hasattr(figure, "get_figure") and not hasattr(
        figure, "savefig") else figure
    if fig is None or not hasattr(fig, "savefig"):
        raise InputError(f"save_figure: expected a matplotlib Figure or Axes, got "
                         f"{type(figure).__name__}")
    p = Path(path)
    suffix = p.suffix.lower().lstrip(".")
    if formats is None:
        fmts = [suffix] if suffix in _FORMATS else list(_FORMATS)
    else:
        fmts = [str(f).lower().lstrip(".") for f in formats]
    bad = [f for f in fmts if f not in _FORMATS]
    if bad:
        raise InputError(f"save_figure: unsupported formats {bad}; use {list(_FORMATS)}")
    if not p.parent.exists():
        raise InputError(f"save_figure: folder {p.parent} does not exist", path=p.parent)
    stem = p.with_suffix("") if suffix in _FORMATS else p
    written = []
    creator = f"geoaccess {__version__}"
    for fmt in fmts:
        target = stem.with_name(f"{stem.name}.{fmt}")
        meta = ({"Software": creator, "Copyright": ATTRIBUTION} if fmt == "png"
                else {"Creator": creator})

        def write(tmp: Path, fmt: str = fmt, meta: dict[str, str] = meta) -> None:
            fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", metadata=meta,
                        facecolor="white")

        atomic_write(target, write)
        written.append(target)
    if close:
        _plt().close(fig)
    return written


# ==================================================== optimisation charts
_BLUE, _ORANGE, _GREY, _GREEN = "#0072B2", "#E69F00", "#7f7f7f", "#009E73"


def _axes(ax: Any, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def _pop_words(frame: pd.DataFrame) -> str:
    pop = frame.attrs.get("population")
    if not pop:
        return "areas"
    from .equality import describe_population

    try:
        return describe_population(str(pop))
    except Exception:  # a label, never worth failing a chart for
        return str(pop)


def plot_trade_off(frame: pd.DataFrame, ax: Axes | None = None, *,
                   title: str | None = None) -> Axes:
    """Chart of :func:`trade_off`: best mean journey and best coverage by sites kept.

    The p-median optimum's mean minutes (left axis, solid blue) and the coverage
    optimum's share within the threshold (right axis, dashed orange) against the number
    of sites kept; proposals appear as labelled markers on both. Points not proven
    optimal are drawn hollow.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`trade_off`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        The left (mean minutes) axes; the right one is ``ax.right_ax``.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [2.0, 9, 8], "S2": [10.0, 3, 9], "S3": [9.0, 8, 1]},
    ...     index=["E1", "E2", "E3"]))
    >>> ax = ga.plot_trade_off(ga.trade_off(tt, threshold_minutes=5))
    >>> ax.get_xlabel()
    'Sites kept'
    """
    need = {"problem", "p", "mean_minutes"}
    if not isinstance(frame, pd.DataFrame) or not need <= set(frame.columns):
        raise InputError("plot_trade_off: expected the DataFrame of geoaccess.trade_off")
    t = frame.attrs.get("threshold_minutes")
    share_cols = [c for c in frame.columns if c.startswith("share_within_")]
    scol = f"share_within_{threshold_label(t)}" if t is not None else (
        share_cols[0] if share_cols else None)
    lab = scol.removeprefix("share_within_") if scol else ""
    ax = _axes(ax, (8, 4.8))
    words = _pop_words(frame)
    handles = []
    pm = frame[frame["problem"] == "p_median"].sort_values("p")
    right = None
    if len(pm):
        (line,) = ax.plot(pm["p"], pm["mean_minutes"], color=_BLUE, linewidth=1.8,
                          label="shortest mean journey (p-median)")
        proven = pm["status"] == "optimal"
        ax.scatter(pm["p"][proven], pm["mean_minutes"][proven], color=_BLUE, s=14, zorder=3)
        ax.scatter(pm["p"][~proven], pm["mean_minutes"][~proven], facecolor="white",
                   edgecolor=_BLUE, s=18, zorder=3)
        handles.append(line)
        ax.set_ylabel("Mean minutes to the nearest site", fontsize=9, color=_BLUE)
        ax.set_ylim(bottom=0)
    mc = frame[frame["problem"] == "max_coverage"].sort_values("p")
    if len(mc) and scol:
        right = ax.twinx() if len(pm) else ax
        (line2,) = right.plot(mc["p"], mc[scol] * 100, color=_ORANGE, linewidth=1.8,
                              linestyle="--", label=f"most {words} within {lab} min "
                                                    "(max coverage)")
        proven = mc["status"] == "optimal"
        right.scatter(mc["p"][proven], mc[scol][proven] * 100, color=_ORANGE, s=14,
                      zorder=3, marker="s")
        right.scatter(mc["p"][~proven], mc[scol][~proven] * 100, facecolor="white",
                      edgecolor=_ORANGE, s=18, zorder=3, marker="s")
        handles.append(line2)
        right.set_ylabel(f"% of {words} within {lab} minutes", fontsize=9, color=_ORANGE)
        right.set_ylim(0, 102)
        if right is not ax:
            right.spines["top"].set_visible(False)
    props = frame[frame["problem"] == "proposal"]
    marks: dict[str, Any] = {}
    for _, row in props.iterrows():
        if len(pm):
            marks["mean"] = ax.scatter([row["p"]], [row["mean_minutes"]], marker="D",
                                       color="black", s=40, zorder=4,
                                       label="proposal: mean minutes")
        if right is not None and scol:
            marks["share"] = right.scatter([row["p"]], [row[scol] * 100], marker="D",
                                           facecolor="white", edgecolor="black", s=40,
                                           zorder=4, label=f"proposal: % within {lab} min")
        # name each proposal once, beside its first marker
        at_ax, at_y = (ax, row["mean_minutes"]) if len(pm) else (
            right, row[scol] * 100 if scol else np.nan)
        if at_ax is not None:
            at_ax.annotate(str(row["scenario"]), (row["p"], at_y),
                           textcoords="offset points", xytext=(7, 5), fontsize=8)
    handles += list(marks.values())
    ax.set_xlabel("Sites kept", fontsize=9)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _tidy_chart(ax)
    if right is not None and right is not ax:
        right.spines["right"].set_visible(True)
    # below the axes: the curves can run anywhere inside them
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper center",
              bbox_to_anchor=(0.5, -0.13), ncol=2)
    ax.set_title(title or "Best achievable access for each number of sites kept",
                 fontsize=11, loc="left")
    ax.right_ax = right  # type: ignore[attr-defined]
    return ax


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def plot_frontier(frame: pd.DataFrame, ax: Axes | None = None, *,
                  title: str | None = None) -> Axes:
    """Chart of :func:`equity_frontier`: overall access against the group's access.

    Each point is a Pareto-efficient choice of sites; from the most efficient (overall
    optimum) to the most equal (best for the group), with the group's measure on the
    horizontal axis and everyone's on the vertical axis.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`equity_frontier`.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25], "S2": [30.0, 10]},
    ...                                             index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [300.0, 100],
    ...                       "deprived": [False, True]})
    >>> f = ga.equity_frontier(tt, areas, p=1, group="deprived", steps=2, population="kids")
    >>> ga.plot_frontier(f).get_xlabel()
    'Deprived: % within 15 minutes'
    """
    if not isinstance(frame, pd.DataFrame) or "step" not in frame.columns:
        raise InputError("plot_frontier: expected the DataFrame of geoaccess.equity_frontier")
    measure = frame.attrs.get("measure") or (
        "share_within" if any(c.startswith("group_share") for c in frame.columns)
        else "mean_minutes")
    t = frame.attrs.get("threshold_minutes", 15.0)
    lab = threshold_label(t)
    group = frame.attrs.get("group", "group")
    words = _pop_words(frame)
    ax = _axes(ax, (6.5, 5))
    if measure == "share_within":
        x = frame[f"group_share_within_{lab}"] * 100
        y = frame[f"share_within_{lab}"] * 100
        ax.set_xlabel(f"{_capital(group)}: % within {lab} minutes", fontsize=9)
        ax.set_ylabel(f"All {words}: % within {lab} minutes", fontsize=9)
    else:
        x = frame["group_mean_minutes"]
        y = frame["mean_minutes"]
        ax.set_xlabel(f"{_capital(group)}: mean minutes", fontsize=9)
        ax.set_ylabel(f"All {words}: mean minutes", fontsize=9)
    ax.plot(x, y, color=_BLUE, linewidth=1.6, marker="o", markersize=5, zorder=3)
    # a near-flat frontier must look flat: never zoom below a minute or 5 points
    span = 5.0 if measure == "share_within" else 1.0
    for values, setter in ((x, ax.set_xlim), (y, ax.set_ylim)):
        if len(values) and np.isfinite(values).any():
            lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
            if hi - lo < span:
                mid = (lo + hi) / 2
                lo, hi = mid - span / 2, mid + span / 2
            pad = 0.08 * (hi - lo)
            setter(lo - pad, hi + pad)
    ax.ticklabel_format(useOffset=False, style="plain")
    _tidy_chart(ax)
    if len(frame):
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        same = len(frame) == 1 or (
            abs(x.iloc[-1] - x.iloc[0]) < 0.03 * (x1 - x0)
            and abs(y.iloc[-1] - y.iloc[0]) < 0.03 * (y1 - y0))
        ax.annotate("most efficient" + (" = best for the group" if same else ""),
                    (x.iloc[0], y.iloc[0]), textcoords="offset points", xytext=(8, 4),
                    fontsize=8, color=_GREY)
        if not same:
            ax.annotate("best for the group", (x.iloc[-1], y.iloc[-1]),
                        textcoords="offset points", xytext=(8, -10), fontsize=8,
                        color=_GREY)
    ax.xaxis.grid(True, color="#dddddd", linewidth=0.6)
    p = frame.attrs.get("p")
    ax.set_title(title or f"Efficiency against equity{f' ({p} sites)' if p else ''}",
                 fontsize=11, loc="left")
    return ax
