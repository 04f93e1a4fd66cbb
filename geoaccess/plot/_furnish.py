"""What every map of :mod:`geoaccess.plot` shares (private): context, sites, key, heading."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ._common import in_crs, site_roles
from .cartography import finish_map
from .context import MapContext, as_context, draw_context
from .labels import data_words, travel_words
from .page import add_heading, font_scale, map_figure
from .sites import KEY_HANDLERS, key_handles, plot_sites

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = ["close_map", "context_handles", "furnish", "heading_lines", "key_rows",
           "map_legend", "one_map", "page_heading", "want_numbers"]


def one_map(ax: Axes | None, frame: Any, layout: str | None) -> tuple[Axes, bool, float]:
    """The axes of a map of one panel, whether the function made its figure, the font scale.

    ``ax`` as given, else the axes of a new figure shaped to ``frame``'s bounds on the
    ``layout`` page.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> frame = gpd.GeoDataFrame(geometry=[box(0, 0, 2000, 1000)], crs="EPSG:27700")
    >>> ax, owns, fs = one_map(None, frame, "A3")
    >>> owns, fs
    (True, 1.3)
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    owns = ax is None
    if ax is None:
        b = frame.total_bounds
        _, (ax,) = map_figure(layout, aspect=(b[3] - b[1]) / max(b[2] - b[0], 1.0),
                              panel_size=7.0)
    return ax, owns, font_scale(layout)


def close_map(ax: Axes, handles: list[Any], *, title: str, legend: bool, legend_title: str,
              heading: str, source: Any, owns: bool, fontscale: float, sites: Any,
              numbers: bool, population_year: Any, layout: str | None,
              credits: Any) -> None:
    """Finish a map of one panel: title, legend, page heading, scale bar and credits.

    The legend is drawn if ``legend``; the page heading (``heading`` and how ``source``
    was modelled) when the function made the figure; then :func:`finish_map`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> frame = gpd.GeoDataFrame(geometry=[box(0, 0, 2000, 1000)], crs="EPSG:27700")
    >>> ax, owns, fs = one_map(None, frame, None)
    >>> close_map(ax, [], title="A map", legend=False, legend_title="", heading="Minutes",
    ...           source=None, owns=owns, fontscale=fs, sites=None, numbers=False,
    ...           population_year=None, layout=None, credits=None)
    >>> ax.get_title(loc="left")
    'A map'
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    ax.set_title(title, fontsize=10.5 * fontscale, loc="left")
    if legend:
        map_legend(ax, handles, title=legend_title, fontscale=fontscale, sites=sites,
                   numbers=numbers)
    if owns:
        page_heading(ax.figure, heading, source, population_year, layout)
    finish_map(ax, credits)


def want_numbers(numbers: bool | None, sites: Any, owns_figure: bool) -> bool:
    """Number the sites? By default when the map makes its own page (with the key)."""
    if sites is None:
        return False
    return owns_figure if numbers is None else bool(numbers)


def furnish(ax: Axes, geo: gpd.GeoDataFrame, *, context: Any, sites: Any, scenario: Any,
            numbers: bool, fontscale: float, marker_scale: float = 1.0,
            labels: bool = False) -> list[str]:
    """Draw the context and the sites of one map; the roles of the sites drawn."""
    ctx = as_context(context, geo)
    if ctx is not None:
        if ctx.crs != geo.crs:
            raise InputError("context: its CRS differs from the areas'; make it with "
                             "map_context(osm_path, areas) for these areas", column="context")
        draw_context(ax, ctx, fontscale=fontscale)
    if sites is None:
        return []
    s = in_crs(sites, geo.crs)
    plot_sites(s, scenario, ax=ax, numbers=numbers, fontscale=fontscale,
               marker_scale=marker_scale, labels=labels)
    return list(site_roles(s, scenario))


def map_legend(target: Any, handles: list[Any], *, title: str, fontscale: float,
               sites: Any = None, numbers: bool = False, key_cell: Any = None) -> Any:
    """The legend beside a map (an Axes) or panels (a Figure), the key of sites under it.

    Beside one map, one legend holds the classes, the site roles, the context and, when
    the sites are numbered, the key of numbers (so the two never overlap); it takes a
    second column when it would be taller than the figure. Beside panels (a Figure), the
    key goes under the panels, in as many columns as it needs (:func:`key_rows` rows), or
    in ``key_cell``, a spare cell of the grid of panels.
    """
    from matplotlib.text import Text

    entries = list(handles)
    fontsize = 7.2 * fontscale
    fig = target if hasattr(target, "add_subplot") else target.figure
    if numbers and sites is not None:
        if target is fig:
            keys = key_handles(sites, header=None)
            style = {"fontsize": fontsize, "title": "Sites", "frameon": False,
                     "title_fontsize": 8.2 * fontscale, "handler_map": KEY_HANDLERS,
                     "labelspacing": 0.3, "columnspacing": 1.2}
            if key_cell is not None:
                key_cell.set_axis_off()
                rows = max(1, int(key_cell.figure.get_figheight() * 72 * 0.45
                                  / (fontsize * 1.42)))
                key = key_cell.legend(handles=keys, loc="upper left", alignment="left",
                                      ncols=max(1, -(-len(keys) // rows)), **style)
            else:
                key = fig.legend(handles=keys, loc="outside lower center",
                                 ncols=max(1, -(-len(keys) // key_rows(len(keys)))), **style)
            key.get_title().set_fontweight("bold")
            key.set_gid("site_key")
        else:
            entries += [Text(0, 0, "", label=""), *key_handles(sites)]
    rows_fit = max(8, int(fig.get_figheight() * 72 * 0.86 / (fontsize * 1.42)))
    ncols = 1 if len(entries) + 3 <= rows_fit else 2
    style = {"title": title, "fontsize": fontsize, "title_fontsize": 8.2 * fontscale,
             "frameon": False, "alignment": "left", "labelspacing": 0.3, "ncols": ncols,
             "handler_map": KEY_HANDLERS}
    if target is fig:
        legend = fig.legend(handles=entries, loc="outside right upper", **style)
    else:
        legend = target.legend(handles=entries, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                               **style)
    for handle, text in zip(entries, legend.get_texts(), strict=True):
        if handle.get_gid() == "key_header":
            text.set_fontweight("bold")
            text.set_fontsize(8.2 * fontscale)
    return legend


def key_rows(n: int) -> int:
    """Rows of the key of ``n`` sites under panels: 10 per column, 4 to 8 columns."""
    return max(10, -(-n // 8)) if n > 40 else max(1, min(10, -(-n // 4)))


def context_handles(ctx: MapContext | None) -> list:
    """Legend entries of the context layers drawn (water, main roads, boundary)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if ctx is None:
        return []
    out: list[Any] = []
    if len(ctx.water):
        out.append(Patch(facecolor="#a6cbe3", edgecolor="#5b8fb9", linewidth=0.5,
                         label="water"))
    if len(ctx.roads):
        out.append(Line2D([], [], color="#5e5e5e", linewidth=1.0, label="main road"))
    out.append(Line2D([], [], color="#262626", linewidth=1.1, label="study area boundary"))
    return out


def heading_lines(what: str, result: Any, population_year: Any) -> list[str]:
    """The page heading: what (and how the journeys were modelled), then when."""
    how = travel_words(result) if result is not None else ""
    when = data_words(result, population_year) if result is not None else ""
    return [what + (f", {how}" if how else ""), when]


def page_heading(fig: Any, what: str, result: Any, population_year: Any,
                 layout: str | None) -> None:
    """Write the heading of a page the map function made itself."""
    add_heading(fig, heading_lines(what, result, population_year), layout=layout)
