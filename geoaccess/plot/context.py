"""Context for printed maps from the OpenStreetMap extract: places, roads, water, boundary.

A reader matches a map to the ground by its towns and villages, main roads and lakes.
:func:`map_context` reads them with pyosmium from the same local extract the network was
built from (``.osm.pbf``, ``.osm``, ``.osm.bz2``) and returns them as GeoDataFrames in the
areas' CRS, cut to the map's extent, with the study boundary (the areas dissolved).
:func:`draw_context` draws them quietly under the data: water in pale blue, main roads as
thin grey lines with a white casing, the boundary as a dark outline, and settlement names
(towns larger) that give way to each other rather than overlap.

Every ``plot_*`` map takes the result as ``context=`` (or the path of the extract). The
extract is read once per file: later calls with other areas reuse what was read.

Examples
--------
>>> import geoaccess as ga
>>> areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"))
>>> ctx = map_context(ga.datasets.get_path("rutland-osm"), areas)
>>> sorted(ctx.places.loc[ctx.places["place"] == "town", "name"])
['Oakham', 'Uppingham']
>>> "Rutland Water" in set(ctx.water["name"]), ctx.roads.crs.to_epsg()
(True, 27700)
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._osm import osm_timestamp
from ..errors import InputError
from .cartography import areas_for_map
from .placement import LabelLayer, halo

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = [
    "PLACE_KINDS",
    "ROAD_KINDS",
    "WATERWAY_KINDS",
    "MapContext",
    "draw_context",
    "map_context",
]

log = logging.getLogger(__name__)

#: Settlements read and named on maps, largest first (OSM ``place=*``).
PLACE_KINDS: tuple[str, ...] = ("city", "town", "suburb", "village", "hamlet")
#: Roads drawn on maps (OSM ``highway=*``), most important first.
ROAD_KINDS: tuple[str, ...] = ("motorway", "trunk", "primary", "secondary")
#: Waterways drawn as lines (OSM ``waterway=*``); streams and ditches are left out.
WATERWAY_KINDS: tuple[str, ...] = ("river", "canal")

_KEYS = ("place", "highway", "natural", "water", "waterway", "landuse")
_OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz")

# How each layer is drawn: quiet colours that read over every class of the palettes.
_WATER_FACE, _WATER_EDGE, _WATER_TEXT = "#a6cbe3", "#5b8fb9", "#1f4e79"
_ROAD_WIDTH = {"motorway": 1.3, "trunk": 1.1, "primary": 0.85, "secondary": 0.6}
_PLACE_STYLE = {  # font size (points at scale 1), weight, priority (lower = first)
    "city": (9.5, "bold", 0), "town": (8.5, "bold", 1), "suburb": (6.5, "normal", 2),
    "village": (6.2, "normal", 3), "hamlet": (5.2, "normal", 4)}


@dataclass(frozen=True)
class MapContext:
    """What a printed map shows besides the data, in the areas' CRS.

    Attributes
    ----------
    places : geopandas.GeoDataFrame
        Settlements: ``name``, ``place`` (town, village...), ``population`` (as tagged,
        NaN if not), point geometry; inside the study boundary (with a 250 m margin).
    roads : geopandas.GeoDataFrame
        Main roads: ``highway``, ``ref`` (e.g. "A6003"), ``name``, line geometry, cut to
        the map's extent.
    water : geopandas.GeoDataFrame
        Lakes and reservoirs (``natural=water``, ``landuse=reservoir``): ``name``,
        ``area_km2``, polygon geometry, cut to the map's extent.
    waterways : geopandas.GeoDataFrame
        Rivers and canals: ``waterway``, ``name``, line geometry.
    boundary : geopandas.GeoDataFrame
        The study area: the areas dissolved into one polygon.
    source : str
        The extract's file name.
    osm_timestamp : str or None
        The extract's date (its header's replication timestamp).
    """

    places: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    waterways: gpd.GeoDataFrame
    boundary: gpd.GeoDataFrame
    source: str
    osm_timestamp: str | None = None

    @property
    def crs(self) -> Any:
        """The CRS of every layer (the areas')."""
        return self.boundary.crs

    def __repr__(self) -> str:
        return (f"MapContext({self.source}: {len(self.places)} places, {len(self.roads)} "
                f"roads, {len(self.water)} water bodies, {len(self.waterways)} waterways)")


# ============================================================================ reading
@functools.lru_cache(maxsize=4)
def _read_features(path: str, mtime_ns: int, size: int) -> dict[str, pd.DataFrame]:
    """Every place, road, water body and waterway of an extract, as WKB in degrees.

    Cached on the file's path, modification time and size: a run reads its extract once
    however many maps it draws.
    """
    import osmium

    del mtime_ns, size  # only part of the cache key
    wkb = osmium.geom.WKBFactory()
    rows: dict[str, list[tuple[Any, ...]]] = {"places": [], "roads": [], "water": [],
                                             "waterways": []}
    fp = (osmium.FileProcessor(path).with_locations().with_areas()
          .with_filter(osmium.filter.KeyFilter(*_KEYS)))
    obj: Any
    for obj in fp:
        tags = obj.tags
        try:
            if obj.is_node():
                if tags.get("place") in PLACE_KINDS and tags.get("name"):
                    rows["places"].append((tags["name"], tags["place"],
                                           tags.get("population"), wkb.create_point(obj), 0))
            elif obj.is_way():
                hw, ww = tags.get("highway"), tags.get("waterway")
                if hw in ROAD_KINDS:
                    rows["roads"].append((hw, tags.get("ref"), tags.get("name"),
                                          wkb.create_linestring(obj)))
                elif ww is not None and not obj.is_closed():
                    rows["waterways"].append((ww, tags.get("name"),
                                              wkb.create_linestring(obj)))
            elif obj.is_area():
                if (tags.get("natural") == "water" or tags.get("landuse") == "reservoir"
                        or tags.get("waterway") == "riverbank"):
                    rows["water"].append((tags.get("name"), tags.get("water"),
                                          wkb.create_multipolygon(obj)))
                elif tags.get("place") in PLACE_KINDS and tags.get("name"):
                    rows["places"].append((tags["name"], tags["place"],
                                           tags.get("population"),
                                           wkb.create_multipolygon(obj), 1))
        except (RuntimeError, osmium.InvalidLocationError):
            log.debug("skipped OSM object %s: incomplete geometry in the extract", obj.id)
    columns = {"places": ["name", "place", "population", "wkb", "from_area"],
               "roads": ["highway", "ref", "name", "wkb"],
               "water": ["name", "water", "wkb"],
               "waterways": ["waterway", "name", "wkb"]}
    return {k: pd.DataFrame(v, columns=columns[k]) for k, v in rows.items()}


def _frame(raw: pd.DataFrame, crs: Any) -> gpd.GeoDataFrame:
    import geopandas as gpd

    geom = gpd.GeoSeries.from_wkb(raw["wkb"].to_list(), crs="EPSG:4326").to_crs(crs)
    return gpd.GeoDataFrame(raw.drop(columns="wkb").reset_index(drop=True),
                            geometry=geom.reset_index(drop=True), crs=crs)


def _kinds(value: Iterable[str] | None, allowed: Sequence[str], name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    out = [str(v) for v in value]
    unknown = [v for v in out if v not in allowed]
    if unknown:
        raise InputError(f"map_context: unknown {name} {unknown}; choose from {list(allowed)}",
                         column=name, rows=unknown)
    return out


def map_context(
    osm_path: str | os.PathLike[str],
    areas: gpd.GeoDataFrame,
    *,
    places: Iterable[str] | None = ("town", "suburb", "village", "hamlet"),
    roads: Iterable[str] | None = ROAD_KINDS,
    waterways: Iterable[str] | None = WATERWAY_KINDS,
    min_water_km2: float = 0.02,
    margin_m: float | None = None,
) -> MapContext:
    """Read the context of a map from an OpenStreetMap extract, in the areas' CRS.

    Parameters
    ----------
    osm_path : path-like
        The local extract (``.osm.pbf``, ``.osm``, ``.osm.bz2``) the network came from.
    areas : geopandas.GeoDataFrame
        The areas mapped (:func:`geoaccess.read_areas`): they give the CRS, the extent and,
        dissolved, the study boundary.
    places : iterable of str, optional
        Kinds of settlement to name (OSM ``place=*``: city, town, suburb, village,
        hamlet); None for none. Places mapped as areas count by their representative
        point when no node of the same name is near.
    roads : iterable of str, optional
        Road classes (OSM ``highway=*``: motorway, trunk, primary, secondary); None for
        none.
    waterways : iterable of str, optional
        Waterway lines (OSM ``waterway=*``, e.g. river, canal, stream); None for none.
    min_water_km2 : float
        Lakes, reservoirs and ponds smaller than this are left out (a map of a county
        has no room for ponds).
    margin_m : float, optional
        How far beyond the areas' bounding box roads and water are kept (default 5% of
        its larger side): the map shows its surroundings up to its frame.

    Returns
    -------
    MapContext
        ``places``, ``roads``, ``water``, ``waterways`` and ``boundary`` GeoDataFrames.

    Raises
    ------
    geoaccess.errors.InputError
        If the file is missing or not an OSM extract, or a kind is unknown.

    Examples
    --------
    >>> import geoaccess as ga
    >>> areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"))
    >>> ctx = map_context(ga.datasets.get_path("rutland-osm"), areas, places=["town"])
    >>> ctx.places[["name", "place"]].sort_values("name").to_numpy().tolist()
    [['Oakham', 'town'], ['Uppingham', 'town']]
    >>> round(float(ctx.water.set_index("name").loc["Rutland Water", "area_km2"]), 1)
    11.3
    """
    import geopandas as gpd
    from shapely.geometry import box

    path = Path(osm_path)
    if not path.exists():
        raise InputError(f"{path}: file not found", path=path)
    if not path.name.lower().endswith(_OSM_SUFFIXES):
        raise InputError(f"{path}: map_context reads OpenStreetMap extracts (.osm.pbf, .osm, "
                         ".osm.bz2)", path=path)
    place_kinds = _kinds(places, PLACE_KINDS, "places")
    road_kinds = _kinds(roads, ROAD_KINDS, "roads")
    water_kinds = [str(w) for w in ([waterways] if isinstance(waterways, str)
                                    else (waterways or []))]
    geo = areas_for_map(areas, "map_context")
    crs = geo.crs
    stat = path.stat()
    try:
        raw = _read_features(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except RuntimeError as exc:
        raise InputError(f"{path}: not a readable OpenStreetMap file ({exc})",
                         path=path) from exc
    outline = geo.geometry.union_all()
    boundary = gpd.GeoDataFrame({"name": ["study area"]}, geometry=[outline], crs=crs)
    x0, y0, x1, y1 = geo.total_bounds
    margin = (0.05 * max(x1 - x0, y1 - y0)) if margin_m is None else float(margin_m)
    frame = box(x0 - margin, y0 - margin, x1 + margin, y1 + margin)

    def cut(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        layer = layer[layer.intersects(frame)].copy()
        layer["geometry"] = layer.geometry.intersection(frame)
        return layer[~layer.geometry.is_empty].reset_index(drop=True)

    pl = _frame(raw["places"][raw["places"]["place"].isin(place_kinds)], crs)
    pl = _places_in(pl, outline)
    rd = cut(_frame(raw["roads"][raw["roads"]["highway"].isin(road_kinds)], crs))
    wt = _frame(raw["water"], crs)
    wt = cut(wt[wt.intersects(frame)])
    wt["area_km2"] = wt.geometry.area / 1e6
    wt = wt[wt["area_km2"] >= float(min_water_km2)].reset_index(drop=True)
    ww = cut(_frame(raw["waterways"][raw["waterways"]["waterway"].isin(water_kinds)], crs))
    ctx = MapContext(places=pl, roads=rd, water=wt.drop(columns="water"),
                     waterways=ww, boundary=boundary, source=path.name,
                     osm_timestamp=osm_timestamp(path))
    log.info("map context from %s: %s", path.name, ctx)
    return ctx


def _places_in(places: gpd.GeoDataFrame, outline: Any) -> gpd.GeoDataFrame:
    """Places inside the study area, one point each (nodes before areas of one name)."""
    import geopandas as gpd

    if places.empty:
        return gpd.GeoDataFrame({"name": [], "place": [], "population": []},
                                geometry=[], crs=places.crs)
    pts = places.geometry.representative_point()
    places = places.set_geometry(pts)
    places = places[places.within(outline.buffer(250.0))]
    # a place drawn both as a node and as an area is one place: keep the node
    places = places.sort_values(["from_area", "name"], kind="stable")
    keep = []
    for _, group in places.groupby("name", sort=False):
        first = group.geometry.iloc[0]
        keep.append(group.index[0])
        keep += [i for i, g in zip(group.index[1:], group.geometry.iloc[1:], strict=True)
                 if g.distance(first) > 2000.0]
    out = places.loc[keep].drop(columns="from_area")
    out["population"] = pd.to_numeric(out["population"], errors="coerce")
    order = {k: i for i, k in enumerate(PLACE_KINDS)}
    out = out.sort_values(["place", "population", "name"], key=lambda s: s.map(order)
                          if s.name == "place" else s, ascending=[True, False, True],
                          na_position="last")
    return out.reset_index(drop=True)


# ============================================================================ drawing
def as_context(context: Any, areas: Any) -> MapContext | None:
    """A MapContext from a MapContext, the path of an extract, or None.

    Examples
    --------
    >>> as_context(None, None) is None
    True
    """
    if context is None or isinstance(context, MapContext):
        return context
    if isinstance(context, (str, os.PathLike)):
        return map_context(context, areas)
    raise InputError(f"context: expected a MapContext (geoaccess.plot.map_context) or the "
                     f"path of an OSM extract, got {type(context).__name__}",
                     column="context")


def _lines(ax: Axes, geoms: Any, widths: Sequence[float], colour: str, zorder: float,
           alpha: float = 1.0) -> None:
    import shapely
    from matplotlib.collections import LineCollection

    segs, lw = [], []
    for g, w in zip(geoms, widths, strict=True):
        for part in shapely.get_parts(g):
            if part.geom_type == "LineString" and not part.is_empty:
                segs.append(np.asarray(part.coords)[:, :2])
                lw.append(w)
    if segs:
        ax.add_collection(LineCollection(segs, linewidths=lw, colors=colour, alpha=alpha,
                                         zorder=zorder, capstyle="round",
                                         joinstyle="round"), autolim=False)


def draw_context(
    ax: Axes,
    context: MapContext,
    *,
    places: Iterable[str] | None = None,
    boundary: bool = True,
    fontscale: float = 1.0,
    zorder: float = 2.0,
) -> Axes:
    """Draw a map's context quietly: water, waterways, main roads, boundary, place names.

    Layers go above the area fills (areas cover the whole map) but below the sites and
    the outlines of the data: water in pale blue, rivers as thin blue lines, main roads
    as thin grey lines on a white casing (wider for more important roads), the study
    boundary as a dark outline, and settlement names with a white halo (towns larger and
    bold; water in blue italics). Names are set on their place or just beside it where they
    overlap no other name, site number or site symbol; a village or hamlet name that
    fits nowhere is left out (towns always show). Nothing drawn here moves the map's
    limits.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map in the context's CRS.
    context : MapContext
        From :func:`map_context`.
    places : iterable of str, optional
        Kinds of place to name (default all those read).
    boundary : bool
        Outline the study area.
    fontscale : float
        Multiply the label sizes (e.g. 1.2 on A3).
    zorder : float
        Of the lowest layer (water); the others sit just above it.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import geoaccess as ga, matplotlib.pyplot as plt
    >>> areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"))
    >>> ctx = map_context(ga.datasets.get_path("rutland-osm"), areas)
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_xlim(*areas.total_bounds[[0, 2]]), ax.set_ylim(*areas.total_bounds[[1, 3]])
    >>> draw_context(ax, ctx).figure.canvas.draw()
    >>> "Oakham" in LabelLayer.of(ax).drawn_texts()
    True
    >>> plt.close(fig)
    """
    from .cartography import draw_geometries

    if not isinstance(context, MapContext):
        raise InputError("draw_context: expected a MapContext from map_context",
                         column="context")
    limits = ax.get_xlim(), ax.get_ylim()
    if len(context.water):
        draw_geometries(ax, context.water.geometry, facecolor=_WATER_FACE,
                        edgecolor=_WATER_EDGE, linewidth=0.4, zorder=zorder)
    if len(context.waterways):
        _lines(ax, context.waterways.geometry, [0.6] * len(context.waterways), _WATER_EDGE,
               zorder + 0.1, alpha=0.9)
    if len(context.roads):
        order = list(_ROAD_WIDTH)
        roads = context.roads.assign(_o=context.roads["highway"].map(order.index))
        roads = roads.sort_values("_o", ascending=False)
        widths = [_ROAD_WIDTH.get(h, 0.5) for h in roads["highway"]]
        _lines(ax, roads.geometry, [w + 1.0 for w in widths], "white", zorder + 0.2,
               alpha=0.75)
        _lines(ax, roads.geometry, widths, "#5e5e5e", zorder + 0.3, alpha=0.9)
    if boundary and len(context.boundary):
        draw_geometries(ax, context.boundary.geometry, edgecolor="#262626", linewidth=1.1,
                        zorder=zorder + 2.5)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    layer = LabelLayer.of(ax)
    kinds = None if places is None else set(places)
    for name, kind, pt in zip(context.places["name"], context.places["place"],
                              context.places.geometry, strict=True):
        if kinds is not None and kind not in kinds:
            continue
        size, weight, prio = _PLACE_STYLE.get(kind, (6.0, "normal", 5))
        text = ax.text(pt.x, pt.y, str(name).replace("$", r"\$"), fontsize=size * fontscale,
                       fontweight=weight, ha="center", va="center", color="#1a1a1a",
                       path_effects=halo(), gid=f"place:{kind}")
        layer.add_name(text, priority=prio, always=kind in ("city", "town"))
    named = context.water[context.water["name"].notna()
                          & (context.water["area_km2"] >= 0.5)]
    for name, poly in zip(named["name"], named.geometry, strict=True):
        pt = poly.representative_point()
        text = ax.text(pt.x, pt.y, str(name).replace("$", r"\$"),
                       fontsize=6.5 * fontscale, fontstyle="italic", ha="center",
                       va="center", color=_WATER_TEXT, path_effects=halo(), gid="place:water")
        layer.add_name(text, priority=2.5)
    return ax
