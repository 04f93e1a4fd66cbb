"""Maps of access: minutes to the nearest open site, scenarios, change, service areas.

Every map is drawn in the areas' metric CRS and carries what a printed map needs: a legend
in minutes, a scale bar, a north arrow and the "© OpenStreetMap contributors" attribution
(plus any ``credits`` for the boundaries and statistics). Each function returns the
matplotlib Axes (:func:`plot_scenarios`: an array of them, one per panel), so a GIS
officer can restyle it.

- :func:`plot_minutes`: areas coloured by minutes to the nearest open site, sites by role;
- :func:`plot_scenarios`: several scenarios side by side on one shared scale;
- :func:`plot_change`: change in minutes against the baseline, the areas losing threshold
  access outlined;
- :func:`plot_service_areas`: the land within 10/15/20 minutes of the open sites;
- :func:`plot_sites`: sites by role, for maps of your own.

The examples are in each function's documentation.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..evaluate import Comparison
from ..scenario import Scenario, as_scenario
from ._common import (
    EDGE,
    NO_DATA,
    as_thresholds,
    in_crs,
    mpl_text,
    new_axes,
    pyplot,
    renamed,
    result_of,
    scenario_name,
    scenario_names,
    site_roles,
    values_of,
)
from .cartography import areas_for_map, draw_geometries, finish_map
from .labels import (
    class_labels,
    default_threshold_minutes,
    minutes_text,
    mode_words,
    population_words,
)
from .style import (
    CHANGE_BINS,
    MINUTES_BINS,
    MINUTES_CMAP,
    ROLE_STYLES,
    class_colours,
    class_index,
    classify_minutes,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

    from ..evaluate import Result
    from ..network import Network
    from ..optimise import Solution

__all__ = [
    "plot_change",
    "plot_minutes",
    "plot_scenarios",
    "plot_service_areas",
    "plot_sites",
]

log = logging.getLogger(__name__)

# ColorBrewer RdBu, 9 classes, from longer journeys (red) to shorter (blue).
_CHANGE_COLOURS = ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0",
                   "#92c5de", "#4393c3", "#2166ac")
_LOST_ALL = "#67001f"


# ============================================================================== sites
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
    scenario: Scenario | Solution | None = None,
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
    scenario : Scenario or Solution, optional
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
    ax = new_axes(ax, (7, 7))
    roles = site_roles(sites, scenario)
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
                ax.annotate(mpl_text(name), (x, y), xytext=(4, 4), textcoords="offset points",
                            fontsize=6.5, zorder=zorder + 1,
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                  "alpha": 0.7})
    ax.set_aspect("equal")
    return ax


# ============================================================================= minutes
def _draw_classes(ax: Axes, geo: gpd.GeoDataFrame, values: np.ndarray, upper: Sequence[float],
                  colours: Sequence[str]) -> None:
    cls = class_index(values, upper)
    face = np.array([colours[c] if c >= 0 else NO_DATA for c in cls], dtype=object)
    polys = geo.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    draw_geometries(ax, geo.geometry, facecolor=list(face),
                    edgecolor=np.where(polys, "white", EDGE).tolist(), linewidth=0.7)
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


def _scenario_title(result: Any, scenario: str, threshold: float | None) -> str:
    row = result.summary.set_index("scenario").loc[scenario]
    parts = [f"{int(row['open_sites'])} open sites"]
    lab = None if threshold is None else f"{float(threshold):g}"
    if lab is not None and f"share_within_{lab}" in row.index:
        words = population_words(result.population)
        parts.append(f"{row[f'share_within_{lab}']:.0%} of {words} within {lab} min")
    return f"{mpl_text(scenario)}\n" + " · ".join(parts)


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
    geo = areas_for_map(areas, "plot_minutes")
    given = None if scenario is None or isinstance(scenario, str) else as_scenario(scenario)
    values, scenario, result = values_of(data, scenario, column, "plot_minutes")
    v = values.reindex(geo["area_id"]).to_numpy(np.float64)
    missing = int((~geo["area_id"].isin(values.index)).sum())
    if missing:
        log.info("plot_minutes: %d areas have no value and are drawn as 'no time'", missing)
    upper = classify_minutes(v, bins=bins, scheme=scheme, k=k)
    colours = class_colours(len(upper) + 1, cmap)
    ax = new_axes(ax, (9, 7.5))
    _draw_classes(ax, geo, v, upper, colours)
    handles = _class_handles(upper, colours, no_data=bool(np.isnan(v).any()))
    if sites is not None:
        s = in_crs(sites, geo.crs)
        # the scenario drawn is the one scored: open sites as open, in their roles
        scen = result.scenarios[scenario] if result is not None and scenario else given
        plot_sites(s, scen, ax=ax, labels=labels)
        handles += _role_handles(site_roles(s, scen))
    if title is None:
        title = (_scenario_title(result, scenario, default_threshold_minutes(result))
                 if result is not None and scenario else "Minutes to the nearest open site")
    ax.set_title(title, fontsize=11, loc="left")
    if legend:
        mode = mode_words(getattr(result, "mode", None))
        head = "Minutes to nearest open site" + (f"\n({mode})" if mode else "")
        ax.legend(handles=handles, title=head, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize=8, title_fontsize=8.5, frameon=False, alignment="left")
    finish_map(ax, credits)
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
    threshold: float | None = None,
) -> np.ndarray:
    """Scenarios side by side on one shared scale: before and after, or every option.

    Every panel uses the same classes (computed once over all panels when ``scheme`` is
    data driven) and the same colours, so a colour means the same minutes in each; one
    legend serves them all. Each panel has its scale bar, north arrow and attribution.

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
        Panels per row (default: all in one row up to 3).
    panel_size : float
        Width of a panel in inches.
    threshold_minutes : float, optional
        Threshold quoted under each panel's title (default 15 minutes when evaluated;
        the old name ``threshold=`` still works, with a FutureWarning).
    suptitle : str, optional
    credits : str or sequence of str, optional

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
    threshold_minutes = renamed("plot_scenarios", "threshold_minutes", threshold_minutes,
                                "threshold", threshold)
    res = result_of(result)
    geo = areas_for_map(areas, "plot_scenarios")
    names = scenario_names(res, scenarios)
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
    fig, grid = pyplot().subplots(nrows, ncols, figsize=(panel_size * ncols + 2.4,
                                                         panel_size * aspect * nrows * 1.08
                                                         + 1.0),
                                  squeeze=False, layout="constrained")
    if threshold_minutes is None:
        threshold_minutes = default_threshold_minutes(res)
    roles_seen: list[str] = []
    has_nan = False
    s = in_crs(sites, geo.crs) if sites is not None else None
    for i, ax in enumerate(grid.ravel()):
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
            roles_seen += list(site_roles(s, scen))
        ax.set_title(_scenario_title(res, name, threshold_minutes), fontsize=10, loc="left")
        finish_map(ax, credits)
    handles = _class_handles(upper, colours, no_data=has_nan) + _role_handles(roles_seen)
    mode = mode_words(res.mode)
    fig.legend(handles=handles, loc="outside right upper", fontsize=8, frameon=False,
               title="Minutes to nearest open site" + (f"\n({mode})" if mode else ""),
               title_fontsize=8.5, alignment="left")
    if suptitle:
        fig.suptitle(suptitle, fontsize=12, x=0.02, ha="left")
    axes = np.empty(n, dtype=object)
    axes[:] = list(grid.ravel()[:n])
    return axes


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
    gain_labels = [f"quicker by more than {minutes_text(b[-1])} min"]
    gain_labels += [f"quicker by {minutes_text(lo)}–{minutes_text(hi)} min"
                    for lo, hi in zip(b[::-1][1:], b[::-1][:-1], strict=True)]
    gain_labels.append(f"quicker by up to {minutes_text(b[0])} min")
    loss_labels = [f"longer by up to {minutes_text(b[0])} min"]
    loss_labels += [f"longer by {minutes_text(lo)}–{minutes_text(hi)} min"
                    for lo, hi in zip(b[:-1], b[1:], strict=True)]
    loss_labels.append(f"longer by more than {minutes_text(b[-1])} min")
    labels = gain_labels + ["unchanged"] + loss_labels + ["no open site reachable any more",
                                                          "no time either way"]
    colours = blue[::-1] + ["#f7f7f7"] + red + [_LOST_ALL, NO_DATA]
    status = comp_rows["status"].astype(str).to_numpy()
    change = comp_rows["change_minutes"].to_numpy(np.float64)
    after = comp_rows["nearest_minutes"].to_numpy(np.float64)
    size = class_index(np.abs(change), b)  # 0..nb
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
    scenario: str | Scenario | Solution | None = None,
    *,
    sites: gpd.GeoDataFrame | None = None,
    threshold_minutes: float | None = None,
    bins: Sequence[float] = CHANGE_BINS,
    ax: Axes | None = None,
    title: str | None = None,
    legend: bool = True,
    credits: str | Sequence[str] | None = None,
    threshold: float | None = None,
) -> Axes:
    """Map the change in minutes under a proposal against the baseline.

    A diverging palette (ColorBrewer RdBu) shows longer journeys in reds, shorter in
    blues and unchanged areas in near-white, classed by the size of the change; areas
    left with no reachable open site are darkest red. Areas that lose access within
    ``threshold_minutes`` are outlined in black, so the losers stand out at a glance.
    Gain, loss and unchanged follow the comparison's ``status`` (and its tolerance).

    Parameters
    ----------
    comparison : Comparison
        From :func:`geoaccess.compare`.
    areas : geopandas.GeoDataFrame
    scenario : str, Scenario or Solution, optional
        The proposal, by name or itself (default: the comparison's only one).
    sites : geopandas.GeoDataFrame, optional
        Drawn in their roles under the proposal; closed sites as grey crosses.
    threshold_minutes : float, optional
        Outline the areas losing access within this many minutes (default 15 when
        evaluated, else the first threshold; the old name ``threshold=`` still works,
        with a FutureWarning).
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

    threshold_minutes = renamed("plot_change", "threshold_minutes", threshold_minutes,
                                "threshold", threshold)
    if not isinstance(comparison, Comparison):
        raise InputError(f"plot_change: expected a Comparison from geoaccess.compare, got "
                         f"{type(comparison).__name__}")
    geo = areas_for_map(areas, "plot_change")
    names = comparison.scenario_names
    scenario = None if scenario is None else scenario_name(scenario)
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
    ax = new_axes(ax, (9, 7.5))
    face = [colours[c] for c in cls]
    draw_geometries(ax, geo.geometry, facecolor=face, edgecolor="#bdbdbd", linewidth=0.6)
    hatch = cls == len(colours) - 1
    if hatch.any():
        draw_geometries(ax, geo.geometry[hatch], edgecolor="#969696", hatch="///",
                        linewidth=0.0, zorder=1.5)
    res = comparison.result
    if threshold_minutes is None:
        threshold_minutes = default_threshold_minutes(res)
    lab = None if threshold_minutes is None else f"{float(threshold_minutes):g}"
    crossers = np.zeros(len(geo), dtype=bool)
    if lab is not None and f"loses_{lab}" in rows.columns:
        crossers = rows[f"loses_{lab}"].fillna(False).to_numpy(bool)
        if crossers.any():
            draw_geometries(ax, geo.geometry[crossers], edgecolor="black", linewidth=2.2,
                            zorder=5)
    present = sorted(set(cls.tolist()))
    handles: list[Any] = [Patch(facecolor=colours[c], edgecolor="#bdbdbd",
                                hatch="///" if c == len(colours) - 1 else None,
                                label=labels[c]) for c in present]
    if lab is not None and crossers.any():
        handles.append(Line2D([], [], color="black", linewidth=2.2,
                              label=f"loses {lab}-minute access"))
    if sites is not None:
        s = in_crs(sites, geo.crs)
        scen = res.scenarios[scenario]
        plot_sites(s, scen, ax=ax)
        handles += _role_handles(site_roles(s, scen))
    if title is None:
        summary = comparison.summary.set_index("scenario").loc[scenario]
        words = population_words(comparison.population)
        sub = f"{summary['population_loss']:,.0f} {words} with longer journeys"
        if lab is not None and f"population_loses_{lab}" in summary.index:
            sub += f" · {summary[f'population_loses_{lab}']:,.0f} lose {lab}-minute access"
        title = f"{mpl_text(scenario)} against {mpl_text(comparison.baseline)}\n{sub}"
    ax.set_title(title, fontsize=11, loc="left")
    if legend:
        ax.legend(handles=handles, title="Change in minutes to\nthe nearest open site",
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
                  title_fontsize=8.5, frameon=False, alignment="left")
    finish_map(ax, credits)
    return ax


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

    ts_wanted = as_thresholds(thresholds, "plot_service_areas")
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
    ax = new_axes(ax, (9, 7.5))
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
    s = in_crs(sites, crs)
    plot_sites(s, scenario, ax=ax, marker_scale=0.6)
    handles += _role_handles(site_roles(s, scenario))
    if title is None:
        name = mpl_text(bands.attrs.get("scenario")
                        or (scenario.name if scenario else "All sites"))
        mode = mode_words(bands.attrs.get("mode") or getattr(network, "mode", None))
        within = ", ".join(minutes_text(t) for t in sorted(ts))
        title = (f"{name}\nLand within {within} minutes "
                 f"{mode + ' ' if mode else ''}of an open site")
    ax.set_title(title, fontsize=11, loc="left")
    if legend:
        ax.legend(handles=handles, title="Service areas", loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), fontsize=8, title_fontsize=8.5,
                  frameon=False, alignment="left")
    finish_map(ax, credits)
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
