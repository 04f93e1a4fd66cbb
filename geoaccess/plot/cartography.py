"""What a printed map needs: a scale bar, a north arrow and the attribution.

The parts the ``plot_*`` maps are made of, for maps of your own: :func:`areas_for_map`
(areas checked and in metres), :func:`draw_geometries` (polygons and points, quickly),
:func:`add_scale_bar`, :func:`add_north_arrow`, :func:`add_attribution`, and
:func:`finish_map`, which adds all three and frames the map.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> areas = areas_for_map(gpd.GeoDataFrame({"area_id": [1, 2]},
...                       geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
...                       crs="EPSG:27700"))
>>> ax = finish_map(draw_geometries(None, areas.geometry, facecolor=["#ffffcc", "#41b6c4"]))
>>> sorted(a.get_gid() for a in ax.artists + ax.texts)
['attribution', 'north_arrow', 'scale_bar']
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ._common import EDGE, new_axes
from .style import ATTRIBUTION

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = [
    "add_attribution",
    "add_north_arrow",
    "add_scale_bar",
    "areas_for_map",
    "draw_geometries",
    "finish_map",
]

log = logging.getLogger(__name__)


def areas_for_map(areas: Any, what: str = "map") -> gpd.GeoDataFrame:
    """The areas ready to map: checked, ``area_id`` as text, in a metric CRS.

    Areas in degrees are drawn in their local UTM zone, so scale bars are in metres.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas from :func:`geoaccess.read_areas` (with ``area_id`` and a CRS).
    what : str
        Name used in error messages (the function drawing the map).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy.

    Raises
    ------
    geoaccess.errors.InputError
        Not a GeoDataFrame with ``area_id``, or no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"area_id": [7]}, geometry=[box(-1.0, 52.0, -0.9, 52.1)],
    ...                      crs="EPSG:4326")
    >>> out = areas_for_map(a)
    >>> out.crs.to_epsg(), out["area_id"].tolist()
    (32630, ['7'])
    """
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
    >>> ax = plt.figure().add_subplot()
    >>> add_attribution(ax, "Boundaries: ONS").get_text()
    '© OpenStreetMap contributors | Boundaries: ONS'
    >>> plt.close(ax.figure)
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


def finish_map(ax: Axes, credits: str | Sequence[str] | None = None, *,
               pad: float = 0.04) -> Axes:
    """Frame a map for print: equal aspect, a margin, no ticks, and the map furniture.

    Adds :func:`add_scale_bar`, :func:`add_north_arrow` and :func:`add_attribution` (with
    ``credits``). Call it once the map's layers are drawn: the margin and the scale bar
    follow the data limits.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map in a metric CRS.
    credits : str or sequence of str, optional
        Credits after "© OpenStreetMap contributors".
    pad : float
        Margin around the data, as a share of the width and height (more below, where the
        scale bar and attribution sit).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 5000], [0, 5000])
    >>> finish_map(ax).get_xticks().tolist()
    []
    >>> plt.close(fig)
    """
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
    return ax


def draw_geometries(ax: Axes | None, geoms: Any, *, facecolor: Any = "none",
                    edgecolor: Any = "none", linewidth: float = 0.5,
                    hatch: str | None = None, zorder: float = 1,
                    markersize: float = 40) -> Axes:
    """Draw polygons (as one PathCollection) and points (one scatter) without a redraw.

    geopandas' ``plot`` redraws the whole figure after every call on non-interactive
    backends; maps of several layers and panels are much faster drawn directly. Lines
    are drawn as a point at a representative point; empty geometries are skipped.

    Parameters
    ----------
    ax : matplotlib.axes.Axes or None
        Axes to draw on (None: a new figure).
    geoms : GeoSeries or sequence of shapely geometries
    facecolor : colour or sequence of colours
        One colour, or one per geometry.
    edgecolor : colour or sequence of colours
        Of the polygons (points have a dark grey edge).
    linewidth, hatch, zorder
        Of the polygons.
    markersize : float
        Size of the points in points².

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> ax = draw_geometries(None, [box(0, 0, 10, 10), Point(20, 5)], facecolor="#41b6c4")
    >>> len(ax.collections)
    2
    """
    import shapely
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MPath

    ax = new_axes(ax, (7, 7))
    arr = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    n = len(arr)
    faces = [facecolor] * n if isinstance(facecolor, str) else list(facecolor)
    if len(faces) != n:
        raise InputError(f"draw_geometries: {len(faces)} face colours for {n} geometries; "
                         "give one colour, or one per geometry")
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
        ax.scatter(xy[:, 0], xy[:, 1], c=ptfaces, s=markersize, edgecolors=EDGE,
                   linewidths=0.5, zorder=zorder + 0.5)
    ax.autoscale_view()
    return ax
