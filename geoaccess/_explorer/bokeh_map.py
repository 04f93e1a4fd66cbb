"""The Bokeh map shared by the interactive pages: areas, sites, legend, optional tiles.

Areas are drawn in Web Mercator (EPSG:3857) so that an optional background of web tiles
lines up; polygons become a ``MultiPolygons`` glyph (holes kept), points a ``Scatter``.
The tiles are off when the page opens and a tick box labelled as needing an internet
connection adds them: until then the page fetches nothing. The map's attribution
("© OpenStreetMap contributors" and any credits) is written once, in the map corner;
a tile provider's own credit is added only for what it adds (e.g. "© CARTO").
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from bokeh.models import (
    CheckboxGroup,
    ColumnDataSource,
    CustomJS,
    HoverTool,
    Legend,
    LegendItem,
    TileRenderer,
    WMTSTileSource,
)
from bokeh.plotting import figure

from ..errors import InputError
from ..plot import ATTRIBUTION, ROLE_STYLES
from .common import NO_TIME_COLOUR

log = logging.getLogger(__name__)

WEB_MERCATOR = "EPSG:3857"

#: Bokeh markers for the roles of :data:`geoaccess.plot.ROLE_STYLES`.
_MARKERS = {"*": "star", "o": "circle", "^": "triangle", "s": "square", "D": "diamond",
            "X": "circle"}


def role_style(role: str) -> dict[str, Any]:
    """Marker, fill colour, size (screen pixels) and alpha of a site in ``role``.

    Examples
    --------
    >>> role_style("hub")["marker"], role_style("closed")["alpha"]
    ('star', 0.6)
    """
    st = ROLE_STYLES.get(role, ROLE_STYLES["other"])
    closed = role == "closed"
    return {"marker": _MARKERS.get(st["marker"], "circle"), "color": st["color"],
            "size": 7 if closed else (18 if role == "hub" else 11),
            "alpha": 0.6 if closed else 0.95, "line": "#ffffff" if closed else "#000000"}


def geometry_columns(geo: Any, simplify_m: float) -> tuple[str, dict[str, Any], tuple]:
    """Columns drawing ``geo`` in Web Mercator: ``("polygons", {"xs", "ys"}, bounds)``.

    Polygons are simplified by ``simplify_m`` metres (in their metric CRS, topology kept)
    and given as Bokeh's nested multi-polygon lists; points give ``("points", {"x",
    "y"}, bounds)``.
    """
    kinds = set(geo.geometry.geom_type)
    if kinds <= {"Point"}:
        pts = geo.geometry.to_crs(WEB_MERCATOR)
        x, y = np.round(pts.x.to_numpy(), 1), np.round(pts.y.to_numpy(), 1)
        return "points", {"x": x, "y": y}, (x.min(), y.min(), x.max(), y.max())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(f"areas: geometries must be all polygons or all points to be "
                         f"drawn, found {sorted(kinds)}", column="geometry")
    geoms = geo.geometry
    if simplify_m > 0:
        geoms = geoms.simplify(simplify_m, preserve_topology=True)
    geoms = geoms.to_crs(WEB_MERCATOR)
    xs: list[list[list[np.ndarray]]] = []
    ys: list[list[list[np.ndarray]]] = []
    for g in geoms:
        parts = list(g.geoms) if g.geom_type == "MultiPolygon" else [g]
        px, py = [], []
        for poly in parts:
            rings = [poly.exterior, *poly.interiors]
            coords = [np.round(shapely.get_coordinates(r), 1) for r in rings]
            px.append([c[:, 0] for c in coords])
            py.append([c[:, 1] for c in coords])
        xs.append(px)
        ys.append(py)
    b = geoms.total_bounds
    return "polygons", {"xs": xs, "ys": ys}, (b[0], b[1], b[2], b[3])


def tile_provider(tiles: Any) -> Any:
    """An :mod:`xyzservices` provider from a name ("OpenStreetMap", "CartoDB positron")."""
    import xyzservices
    import xyzservices.providers as xyz

    if isinstance(tiles, xyzservices.TileProvider):
        return tiles
    name = str(tiles)
    if name.replace(" ", "").lower() in {"openstreetmap", "osm"}:
        return xyz.OpenStreetMap.Mapnik
    try:
        return xyz.query_name(name)
    except ValueError as exc:
        raise InputError(f"tiles: unknown tile provider {name!r}; give a name of "
                         "xyzservices.providers (e.g. 'OpenStreetMap', 'CartoDB positron') "
                         "or None") from exc


def _extra_credit(provider: Any) -> str:
    """What a provider's attribution adds to "© OpenStreetMap contributors"."""
    words = str(provider.get("attribution", "")).replace("(C)", "©")
    for osm in ("© OpenStreetMap contributors", "© OpenStreetMap"):
        words = words.replace(osm, "")
    return " ".join(words.split()).strip(" |,")


def new_map(bounds: Sequence[float], *, width: int, height: int,
            credits: Sequence[str]) -> Any:
    """An empty map of ``bounds`` (Web Mercator) at one scale in both directions.

    The plotting area is at most ``width`` × ``height`` pixels, shaped like the bounds
    (plus a margin), with fixed ranges: tiles added later snap to a zoom level without
    stretching the map. No axes or grid; pan and wheel zoom; the attribution once.
    """
    x0, y0, x1, y1 = (float(b) for b in bounds)
    pad = 0.04 * max(x1 - x0, y1 - y0, 1.0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    frame_w, frame_h = float(width), float(width) * (y1 - y0) / (x1 - x0)
    if frame_h > height:
        frame_w, frame_h = frame_w * height / frame_h, float(height)
    fig = figure(frame_width=int(round(frame_w)), frame_height=int(round(frame_h)),
                 x_range=(x0, x1), y_range=(y0, y1),
                 tools="pan,wheel_zoom,box_zoom,reset,save", active_scroll="wheel_zoom",
                 toolbar_location="above", x_axis_type=None, y_axis_type=None)
    fig.grid.visible = False
    fig.outline_line_color = None
    fig.background_fill_color = "#ffffff"
    fig.attribution = [" | ".join([ATTRIBUTION, *credits])]
    fig.min_border = 4
    return fig


def add_tiles(fig: Any, tiles: Any) -> CheckboxGroup | None:
    """A tile layer added under everything when a tick box is ticked (off on opening).

    The layer is not among the map's renderers until then, so the page makes no request
    (and Bokeh, which waits for a hidden tile layer's tiles, still reports the page
    ready). Returns the tick box, or None when ``tiles`` is None (no background offered).
    """
    if tiles is None:
        return None
    provider = tile_provider(tiles)
    source = WMTSTileSource(url=provider.build_url(), attribution=_extra_credit(provider))
    layer = TileRenderer(tile_source=source, level="underlay")
    name = str(provider.get("name", tiles)).replace(".Mapnik", "").replace(".", " ")
    toggle = CheckboxGroup(
        labels=[f"{name} background map (needs an internet connection)"], active=[])
    toggle.js_on_change("active", CustomJS(args={"layer": layer, "fig": fig}, code="""
const others = fig.renderers.filter((r) => r !== layer);
fig.renderers = this.active.length > 0 ? [layer, ...others] : others;
"""))
    return toggle


def add_areas(fig: Any, kind: str, source: ColumnDataSource, tooltips: list, *,
              fill: Any = "fill", formatters: dict[str, Any] | None = None) -> Any:
    """Draw the areas coloured by ``fill`` (a colour column or a mapped field), with hover."""
    if kind == "points":
        r = fig.scatter("x", "y", source=source, marker="square", size=6,
                        fill_color=fill, line_color=None, fill_alpha=0.9, name="area_shapes")
    else:
        r = fig.multi_polygons("xs", "ys", source=source, fill_color=fill,
                               fill_alpha=0.8, line_color="#ffffff", line_width=0.8,
                               hover_line_color="#000000", hover_line_width=2.0,
                               hover_fill_color=fill, hover_fill_alpha=0.9,
                               name="area_shapes")
    fig.add_tools(HoverTool(renderers=[r], tooltips=tooltips, formatters=formatters or {}))
    return r


def add_raster(fig: Any, x: np.ndarray, y: np.ndarray, *, cell_px: int = 2
               ) -> tuple[ColumnDataSource, np.ndarray, int, int]:
    """A transparent image over the map, one cell per ``cell_px`` screen pixels.

    For tens of thousands of points (home origins), which a browser draws one by one:
    the page paints each cell from the points in it and Bokeh draws a single image.
    Returns the image's source, the cell of each point (row-major from the bottom
    left), and the grid's width and height in cells.
    """
    x0, x1 = fig.x_range.start, fig.x_range.end
    y0, y1 = fig.y_range.start, fig.y_range.end
    nx = max(1, int(round(fig.frame_width / cell_px)))
    ny = max(1, int(round(fig.frame_height / cell_px)))
    ix = np.clip(((x - x0) / (x1 - x0) * nx).astype(np.int64), 0, nx - 1)
    iy = np.clip(((y - y0) / (y1 - y0) * ny).astype(np.int64), 0, ny - 1)
    source = ColumnDataSource({"image": [np.zeros((ny, nx), dtype=np.uint32)]}, name="raster")
    fig.image_rgba(image="image", x=x0, y=y0, dw=x1 - x0, dh=y1 - y0, source=source,
                   name="raster_image")
    return source, (iy * nx + ix).astype(np.int32), nx, ny


def class_fill(colours: Sequence[str]) -> dict[str, Any]:
    """A fill mapping a ``cls`` column (-1 for no route, 0.. for the classes) to colours.

    A linear mapper over the class numbers with half-unit edges, so class *k* falls in the
    middle of bin *k* + 1 (bin 0 is "no route").
    """
    from bokeh.models import LinearColorMapper

    palette = [NO_TIME_COLOUR, *colours]
    mapper = LinearColorMapper(palette=palette, low=-1.5, high=len(palette) - 1.5)
    return {"field": "cls", "transform": mapper}


def add_sites(fig: Any, source: ColumnDataSource) -> Any:
    """Draw sites by the ``marker``, ``color``, ``size``, ``alpha`` and ``line`` columns."""
    r = fig.scatter("x", "y", source=source, marker="marker", size="size",
                    fill_color="color", fill_alpha="alpha", line_color="line",
                    line_width=1.0, name="site_markers")
    fig.add_tools(HoverTool(renderers=[r], tooltips=[("Site", "@name (@site_id)"),
                                                     ("Role", "@role")]))
    return r


def site_columns(site_ids: Sequence[str], sites: Any, roles: Sequence[str]) -> dict[str, Any]:
    """Positions (Web Mercator), names and role styles of ``site_ids`` with a location."""
    pts = sites.set_index("site_id").geometry.reindex(list(site_ids))
    pts = pts.to_crs(WEB_MERCATOR).representative_point()
    cols: dict[str, Any] = {"site_id": list(site_ids), "x": np.round(pts.x.to_numpy(), 1),
                            "y": np.round(pts.y.to_numpy(), 1)}
    names = sites.set_index("site_id")["name"] if "name" in sites.columns else None
    cols["name"] = [str(names.get(s, s)) if names is not None else s for s in site_ids]
    cols.update(style_columns(roles))
    return cols


def style_columns(roles: Sequence[str]) -> dict[str, list[Any]]:
    """``role`` and the drawing columns of each site's role."""
    styles = [role_style(r) for r in roles]
    return {"role": list(roles), **{k: [s[k] for s in styles]
                                    for k in ("marker", "color", "size", "alpha", "line")}}


def add_legend(fig: Any, labels: Sequence[str], colours: Sequence[str],
               roles: Sequence[str], *, title: str) -> Legend:
    """A legend outside the map: the minute classes, "no route" and the site roles.

    Each entry is a glyph at (NaN, NaN): drawn in the legend, never on the map.
    """
    items = []
    for label, colour in [*zip(labels, colours, strict=True), ("no route", NO_TIME_COLOUR)]:
        r = fig.quad(left=[np.nan], right=[np.nan], bottom=[np.nan], top=[np.nan],
                     fill_color=colour, fill_alpha=0.8, line_color="#999999")
        items.append(LegendItem(label=label, renderers=[r]))
    order = list(ROLE_STYLES)
    for role in sorted(dict.fromkeys(roles), key=lambda x: (
            order.index(x) if x in order else len(order), x)):
        st = role_style(role)
        r = fig.scatter([np.nan], [np.nan], marker=st["marker"], size=st["size"],
                        fill_color=st["color"], fill_alpha=st["alpha"],
                        line_color=st["line"] if role != "closed" else "#7f7f7f")
        items.append(LegendItem(label="closed site" if role == "closed" else f"{role} (open)",
                                renderers=[r]))
    legend = Legend(items=items, title=title, location="top_left", spacing=2, padding=8,
                    label_text_font_size="9pt", title_text_font_size="9pt",
                    title_text_font_style="bold", border_line_color=None,
                    glyph_height=18, glyph_width=22)
    fig.add_layout(legend, "right")
    return legend
