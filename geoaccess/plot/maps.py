"""Maps of access: minutes to the nearest open site, scenarios side by side, service areas.

Every map is drawn in the areas' metric CRS and carries what a printed map needs: a legend
in minutes, a scale bar, a north arrow and the "© OpenStreetMap contributors" attribution
(plus any ``credits`` for the boundaries and statistics). With ``context=`` (from
:func:`~geoaccess.plot.map_context`, or the path of the OSM extract) it shows the towns
and villages, main roads, water and the study boundary; with ``sites=`` each site is drawn
by its role and numbered, keyed to a table of sites beside the map. A function that makes
its own figure heads it with what is shown, how the journeys were modelled and when the
data are from; ``layout="A4"`` or ``"A3"`` makes it a landscape page. Each function returns
the matplotlib Axes (:func:`plot_scenarios`: an array of them, one per panel), so a GIS
officer can restyle it.

- :func:`plot_minutes`: areas coloured by minutes to the nearest open site, sites by role;
- :func:`plot_scenarios`: several scenarios side by side on one shared scale;
- :func:`plot_service_areas`: the land within 10/15/20 minutes of the open sites.

Change maps are in :mod:`geoaccess.plot.change`, sites in :mod:`geoaccess.plot.sites`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._deprecate import renamed_option
from ..errors import InputError
from ..measures import as_thresholds
from ..scenario import Scenario, as_scenario
from ._common import (
    EDGE,
    NO_DATA,
    mpl_text,
    result_of,
    scenario_names,
    values_of,
)
from ._furnish import (
    close_map,
    context_handles,
    furnish,
    key_rows,
    map_legend,
    one_map,
    page_heading,
    want_numbers,
)
from .cartography import areas_for_map, draw_geometries, finish_map
from .context import as_context
from .labels import (
    class_labels,
    default_threshold_minutes,
    minutes_text,
    mode_words,
    population_words,
)
from .page import check_layout, font_scale, key_in_a_cell, map_figure
from .sites import role_handles
from .style import MINUTES_BINS, MINUTES_CMAP, class_colours, class_index, classify_minutes

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

    from ..evaluate import Comparison, Result
    from ..network import Network
    from ..optimise import Solution

__all__ = ["plot_minutes", "plot_scenarios", "plot_service_areas"]

log = logging.getLogger(__name__)

# ============================================================================= minutes
def _draw_classes(ax: Axes, geo: gpd.GeoDataFrame, values: np.ndarray, upper: Sequence[float],
                  colours: Sequence[str]) -> None:
    cls = class_index(values, upper)
    face = np.array([colours[c] if c >= 0 else NO_DATA for c in cls], dtype=object)
    polys = geo.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    draw_geometries(ax, geo.geometry, facecolor=list(face),
                    edgecolor=np.where(polys, "white", EDGE).tolist(), linewidth=0.6)
    nan = cls < 0
    if (polys & nan).any():
        draw_geometries(ax, geo.geometry[polys & nan], edgecolor="#969696", hatch="///",
                        linewidth=0.0, zorder=1.5)


def _class_handles(upper: Sequence[float], colours: Sequence[str], *, no_data: bool) -> list:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#bbbbbb", linewidth=0.5, label=lab)
               for c, lab in zip(colours, class_labels(upper), strict=True)]
    if no_data:
        handles.append(Patch(facecolor=NO_DATA, edgecolor="#969696", hatch="///",
                             label="no time (see reason)"))
    return handles


def _scenario_title(result: Any, scenario: str, threshold: float | None, *,
                    short: bool = False) -> str:
    """Scenario name, then its open sites and share within the threshold.

    ``short``: without naming who, for narrow panels whose heading says it.
    """
    row = result.summary.set_index("scenario").loc[scenario]
    parts = [f"{int(row['open_sites'])} open sites"]
    lab = None if threshold is None else f"{float(threshold):g}"
    if lab is not None and f"share_within_{lab}" in row.index:
        words = population_words(result.population)
        who = "" if short else f" of {words}"
        parts.append(f"{row[f'share_within_{lab}']:.0%}{who} within {lab} min")
    return f"{mpl_text(scenario)}\n" + " · ".join(parts)


def _minutes_legend_title(result: Any) -> str:
    mode = mode_words(getattr(result, "mode", None))
    return "Minutes to the nearest open site" + (f"\n({mode})" if mode else "")


def plot_minutes(
    data: Any,
    areas: gpd.GeoDataFrame,
    scenario: str | Scenario | Solution | None = None,
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
    context: Any = None,
    layout: str | None = None,
    numbers: bool | None = None,
    population_year: int | str | None = None,
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
    scenario : str, Scenario or Solution, optional
        Scenario of a Result holding several: its name, or the scenario itself. With a
        Series or table of minutes, the Scenario (or Solution) whose sites to draw.
    sites : geopandas.GeoDataFrame, optional
        Sites to draw, in their role in ``scenario`` (closed ones as grey crosses).
    column : str
        Column of the result to map (``nearest_minutes``, ``nearest_minutes_hub``...).
    bins, scheme, k
        Classes: fixed upper bounds in minutes (default
        :data:`~geoaccess.plot.style.MINUTES_BINS`), or a mapclassify scheme with ``k``
        classes (see :func:`~geoaccess.plot.classify_minutes`).
    cmap : str
        Sequential colormap (default :data:`~geoaccess.plot.style.MINUTES_CMAP`, whose
        eight default classes are :data:`~geoaccess.plot.style.MINUTES_COLOURS`).
    ax : matplotlib.axes.Axes, optional
        Draw on this axes (the figure is yours: no heading, no key unless
        ``numbers=True``); default a new figure.
    title : str, optional
        Default: the scenario, its open sites and share within 15 minutes.
    legend : bool
        Draw the legend (classes in minutes, site roles, context) beside the map.
    labels : bool
        Label open sites with their names.
    credits : str or sequence of str, optional
        Credits added after "© OpenStreetMap contributors" (e.g. the boundaries' source).
    context : MapContext or path, optional
        Places, main roads, water and boundary (:func:`~geoaccess.plot.map_context`), or
        the OSM extract to read them from.
    layout : {None, "A4", "A3"}
        A landscape page (when the function makes the figure).
    numbers : bool, optional
        Number the sites, with a key of numbers beside the map (default: when the
        function makes the figure).
    population_year : int or str, optional
        Year of the population counts, for the heading ("mid-2020").

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
    geo = areas_for_map(areas, "plot_minutes")
    given = None if scenario is None or isinstance(scenario, str) else as_scenario(scenario)
    layout = check_layout(layout)
    values, scenario, result = values_of(data, scenario, column, "plot_minutes")
    v = values.reindex(geo["area_id"]).to_numpy(np.float64)
    missing = int((~geo["area_id"].isin(values.index)).sum())
    if missing:
        log.info("plot_minutes: %d areas have no value and are drawn as 'no time'", missing)
    upper = classify_minutes(v, bins=bins, scheme=scheme, k=k)
    colours = class_colours(len(upper) + 1, cmap)
    ax, owns, fs = one_map(ax, geo, layout)
    numbered = want_numbers(numbers, sites, owns)
    _draw_classes(ax, geo, v, upper, colours)
    # the scenario drawn is the one scored: open sites as open, in their roles
    scen = result.scenarios[scenario] if result is not None and scenario else given
    ctx = as_context(context, geo)
    roles = furnish(ax, geo, context=ctx, sites=sites, scenario=scen, numbers=numbered,
                    fontscale=fs, labels=labels)
    handles = (_class_handles(upper, colours, no_data=bool(np.isnan(v).any()))
               + role_handles(roles) + context_handles(ctx))
    if title is None:
        title = (_scenario_title(result, scenario, default_threshold_minutes(result))
                 if result is not None and scenario else "Minutes to the nearest open site")
    close_map(ax, handles, title=title, legend=legend,
              legend_title=_minutes_legend_title(result),
              heading="Minutes to the nearest open site", source=result, owns=owns,
              fontscale=fs, sites=sites, numbers=numbered, population_year=population_year,
              layout=layout, credits=credits)
    return ax


def plot_scenarios(
    result: Result | Comparison,
    areas: gpd.GeoDataFrame,
    scenarios: Iterable[str | Scenario | Solution] | None = None,
    *,
    sites: gpd.GeoDataFrame | None = None,
    column: str = "nearest_minutes",
    bins: Sequence[float] | None = MINUTES_BINS,
    scheme: str | None = None,
    k: int = 5,
    cmap: str = MINUTES_CMAP,
    ncols: int | None = None,
    panel_size: float = 5.2,
    threshold_minutes: float | None = None,
    suptitle: str | None = None,
    credits: str | Sequence[str] | None = None,
    context: Any = None,
    layout: str | None = None,
    numbers: bool = True,
    population_year: int | str | None = None,
    threshold: float | None = None,
) -> np.ndarray:
    """Scenarios side by side on one shared scale: before and after, or every option.

    Every panel uses the same classes (computed once over all panels when ``scheme`` is
    data driven) and the same colours, so a colour means the same minutes in each; one
    legend serves them all, and one key of site numbers (the same numbers in every
    panel). Each panel has its scale bar, north arrow and attribution.

    Parameters
    ----------
    result : Result or Comparison
        From :func:`geoaccess.evaluate` / :func:`geoaccess.compare`.
    areas : geopandas.GeoDataFrame
    scenarios : iterable of str, Scenario or Solution, optional
        Panels in order, by name or as the scenarios themselves (default every scenario;
        ``[baseline, proposal]`` for a before/after pair).
    sites : geopandas.GeoDataFrame, optional
        Drawn in each panel in that scenario's roles.
    column, bins, scheme, k, cmap
        As in :func:`plot_minutes`.
    ncols : int, optional
        Panels per row (default: all in one row up to 3 on screen; on a page, as many as
        make the panels largest).
    panel_size : float
        Width of a panel in inches (``layout=None``).
    threshold_minutes : float, optional
        Threshold quoted under each panel's title (default 15 minutes when evaluated;
        the old name ``threshold=`` still works, with a FutureWarning).
    suptitle : str, optional
        The figure's heading (default: what, how and when).
    credits : str or sequence of str, optional
    context, layout, population_year
        As in :func:`plot_minutes`.
    numbers : bool
        Number the sites, with one key beside the panels.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        One Axes per scenario, in order (a 1-D array, whatever the grid); they share one
        figure, ``axes[0].figure``, which holds the one legend.

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
    >>> axes = plot_scenarios(r, areas)
    >>> [ax.get_title(loc="left").splitlines()[0] for ax in axes]
    ['Now', 'Close S2']
    """
    threshold_minutes = renamed_option(threshold_minutes, threshold, new="threshold_minutes",
                                       old="threshold", func="plot_scenarios")
    res = result_of(result)
    geo = areas_for_map(areas, "plot_scenarios")
    layout = check_layout(layout)
    names = scenario_names(res, scenarios)
    wide = res.wide(column) if column in res.areas.columns else None
    if wide is None:
        raise InputError(f"plot_scenarios: the result has no column {column!r}", column=column)
    wide = wide.reindex(geo["area_id"])
    upper = classify_minutes(wide[names].to_numpy(), bins=bins, scheme=scheme, k=k)
    colours = class_colours(len(upper) + 1, cmap)
    n = len(names)
    b = geo.total_bounds
    fs = font_scale(layout)
    numbered = want_numbers(numbers, sites, True)
    aspect = (b[3] - b[1]) / max(b[2] - b[0], 1.0)
    n_sites = len(sites) if sites is not None else 0
    below = (key_rows(n_sites) * 7.2 * fs * 1.45 / 72 + 0.35) if numbered else 0.0
    in_cell = numbered and ncols is None and key_in_a_cell(layout, n, aspect, below)
    fig, panels = map_figure(layout, n=n + in_cell, ncols=ncols, panel_size=panel_size,
                             aspect=aspect, below_in=0.0 if in_cell else below)
    key_cell = panels.pop() if in_cell else None
    if threshold_minutes is None:
        threshold_minutes = default_threshold_minutes(res)
    roles_seen: list[str] = []
    has_nan = False
    ctx = as_context(context, geo)
    for ax, name in zip(panels, names, strict=True):
        v = wide[name].to_numpy(np.float64)
        has_nan |= bool(np.isnan(v).any())
        _draw_classes(ax, geo, v, upper, colours)
        roles_seen += furnish(ax, geo, context=ctx, sites=sites, scenario=res.scenarios[name],
                              numbers=numbered, fontscale=fs * 0.9, marker_scale=0.8)
        ax.set_title(_scenario_title(res, name, threshold_minutes, short=n > 1),
                     fontsize=9.5 * fs, loc="left")
        finish_map(ax, credits)
    handles = (_class_handles(upper, colours, no_data=has_nan) + role_handles(roles_seen)
               + context_handles(ctx))
    map_legend(fig, handles, title=_minutes_legend_title(res), fontscale=fs, sites=sites,
               numbers=numbered, key_cell=key_cell)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11 * fs, x=0.01, ha="left")
    else:
        what = "Minutes to the nearest open site"
        if n > 1 and threshold_minutes is not None:
            what += (f" (under each map: the share of {population_words(res.population)} "
                     f"within {float(threshold_minutes):g} minutes)")
        page_heading(fig, what, res, population_year, layout)
    axes = np.empty(n, dtype=object)
    axes[:] = panels
    return axes


# ======================================================================= service areas
def plot_service_areas(
    network: Network | None,
    sites: gpd.GeoDataFrame,
    scenario: Scenario | Solution | None = None,
    *,
    thresholds: Sequence[float] | float = (10, 15, 20),
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
    context: Any = None,
    layout: str | None = None,
    numbers: bool | None = None,
    population_year: int | str | None = None,
) -> Axes:
    """Map the land within 10, 15 and 20 minutes of the open sites along the network.

    The bands come from :func:`~geoaccess.service_areas` (or ``bands=``).

    Bands are coloured with the minutes palette (the same colour as the matching class
    of :func:`plot_minutes`), over the area boundaries and, faintly, the network.

    Parameters
    ----------
    network : Network or None
        The network (None when ``bands`` is given and ``show_network`` is False).
    sites : geopandas.GeoDataFrame
    scenario : Scenario or Solution, optional
        Which sites are open (default all).
    thresholds : sequence of float
        Minutes (one number is taken as a list of one; text is refused).
    areas : geopandas.GeoDataFrame, optional
        Boundaries drawn as outlines, and (with ``clip``) the extent the bands are cut to.
    bands : geopandas.GeoDataFrame, optional
        Precomputed :func:`~geoaccess.service_areas` (saves recomputing for several maps).
    walk_in_m : float
        See :func:`~geoaccess.service_areas`.
    show_network : bool
        Draw the streets faintly.
    clip : bool
        Cut the bands to the areas' outline.
    cmap, ax, title, legend, credits, context, layout, numbers, population_year
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

    ts_wanted = as_thresholds(thresholds, param="thresholds")
    scenario = None if scenario is None else as_scenario(scenario)
    if bands is None:
        if network is None:
            raise InputError("plot_service_areas: give the network, or bands= from "
                             "service_areas()")
        # routing loads the network code: only maps that compute bands need it
        from ..travel import service_areas

        bands = service_areas(network, sites, scenario, thresholds=ts_wanted,
                              walk_in_m=walk_in_m)
    crs = bands.crs
    geo = areas_for_map(areas, "plot_service_areas") if areas is not None else None
    if geo is not None:
        crs = geo.crs
        bands = bands.to_crs(crs)
    ts = [float(t) for t in bands["threshold_minutes"]]
    colours = _band_colours(ts, cmap)
    layout = check_layout(layout)
    ax, owns, fs = one_map(ax, geo if geo is not None else bands, layout)
    outline = None
    if geo is not None:
        outline = geo.union_all()
        draw_geometries(ax, geo.geometry, facecolor="white")
    order = np.argsort(ts)[::-1]
    handles = []
    for i in order:
        g = bands.geometry.iloc[i]
        if clip and outline is not None:
            g = g.intersection(outline)
        draw_geometries(ax, [g], facecolor=colours[i], zorder=2)
    for i in np.argsort(ts):
        handles.append(Patch(facecolor=colours[i], edgecolor="#bbbbbb",
                             label=f"within {minutes_text(ts[i])} min"))
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
        draw_geometries(ax, geo.geometry, edgecolor="#525252", linewidth=0.6, zorder=4)
    ctx = as_context(context, geo) if geo is not None else None
    numbered = want_numbers(numbers, sites, owns)
    roles = furnish(ax, geo if geo is not None else bands, context=ctx, sites=sites,
                    scenario=scenario, numbers=numbered, fontscale=fs, marker_scale=0.7)
    handles += role_handles(roles) + context_handles(ctx)
    if title is None:
        name = mpl_text(bands.attrs.get("scenario")
                        or (scenario.name if scenario else "All sites"))
        mode = mode_words(bands.attrs.get("mode") or getattr(network, "mode", None))
        within = ", ".join(minutes_text(t) for t in sorted(ts))
        title = (f"{name}\nLand within {within} minutes "
                 f"{mode + ' ' if mode else ''}of an open site")
    close_map(ax, handles, title=title, legend=legend, legend_title="Service areas",
              heading="Service areas: land within reach of an open site",
              source=_Provenance(network, bands), owns=owns, fontscale=fs, sites=sites,
              numbers=numbered, population_year=population_year, layout=layout,
              credits=credits)
    return ax


class _Provenance:
    """What the heading of a service-area map needs: the network's mode and provenance."""

    def __init__(self, network: Any, bands: Any) -> None:
        self.mode = bands.attrs.get("mode") or getattr(network, "mode", None)
        self.provenance = dict(getattr(network, "provenance", None) or {})
        self.population = None


def _band_colours(ts: Sequence[float], cmap: str) -> list[str]:
    """Colour of each threshold band: the minutes-map colour of the class it closes."""
    upper = list(MINUTES_BINS)
    colours = class_colours(len(upper) + 1, cmap)
    out = []
    for t in ts:
        i = int(np.searchsorted(upper, t, side="left"))
        out.append(colours[min(i, len(colours) - 1)])
    return out
