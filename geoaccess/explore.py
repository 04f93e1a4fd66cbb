"""Interactive maps that open offline: one self-contained HTML page (Bokeh; extra ``explore``).

:func:`explore` draws the scenarios of a result on one shared scale of minutes to the
nearest open site: a menu switches the scenario shown, the sites are drawn by their role
in it, and hovering an area gives its minutes, nearest site, population and change
against the baseline. The legend is in minutes; "© OpenStreetMap contributors" is written
once, in the map's corner.

Why Bokeh rather than a Leaflet map (folium, as up to 0.1): a Leaflet page loads
Leaflet, jQuery and its styles from CDNs, so it is blank where there is no network, as
in a council's offline report pack or a locked-down machine. Bokeh ships its JavaScript
inside the Python package and writes it into the page (``bokeh.resources.INLINE``), so
the page is one file that opens anywhere, in Jupyter too. Background map tiles are an
option (``tiles=``) that is off when the page opens: a tick box, labelled as needing an
internet connection, shows them.

For a page in which readers open and close sites themselves, with the numbers
recomputed in their browser, see :func:`geoaccess.write_explorer`.

Install the extra with ``pip install "geoaccess[explore]"``.

Examples
--------
>>> import pandas as pd, geopandas as gpd, geoaccess as ga
>>> from shapely.geometry import box
>>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0]},
...                          geometry=[box(480000, 300000, 481000, 301000),
...                                    box(481000, 300000, 482000, 301000)], crs="EPSG:27700")
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0], "S2": [9.0, 3.0]},
...                                             index=["E1", "E2"]))
>>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
...                             ga.Scenario("Close S2", {"S1": "hub"})], population="kids")
>>> m = ga.explore(r, areas)
>>> page = m.to_html()
>>> "OpenStreetMap contributors" in page, "<script src" in page  # scripts are inline
(True, False)
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import InputError
from .plot import MINUTES_BINS, MINUTES_CMAP, class_colours, classify_minutes

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from .evaluate import Comparison, Result

__all__ = ["InteractiveMap", "explore"]

log = logging.getLogger(__name__)

_MISSING = "install the 'explore' extra for interactive maps: pip install \"geoaccess[explore]\""

# Copies the chosen scenario's columns (``<column>_<j>``) into the columns drawn.
_SWITCH_JS = """
const j = names.indexOf(this.value);
for (const [source, columns] of [[areas, area_columns], [sites, site_columns]]) {
  if (source === null) continue;
  for (const c of columns) source.data[c] = source.data[c + "_" + j];
  source.change.emit();
}
"""


class InteractiveMap:
    """A Bokeh layout that renders to one self-contained HTML page.

    What :func:`explore` returns (and what :func:`geoaccess.explorer.write_explorer`
    writes). BokehJS is written into the page (``bokeh.resources.INLINE``), so the page
    opens from a file with no network, in a browser or in Jupyter, where it shows in an
    ``<iframe>`` of the same page.

    Attributes
    ----------
    layout : bokeh.models.UIElement
        The Bokeh layout (for ``bokeh.io.show`` or embedding in a Bokeh app).
    title : str
        The page's title.
    """

    def __init__(self, layout: Any, *, title: str, height: int = 700) -> None:
        self.layout = layout
        self.title = str(title)
        self.height = int(height)

    def __repr__(self) -> str:
        return f"InteractiveMap(title={self.title!r})"

    def to_html(self) -> str:
        """The page as HTML text, with BokehJS inline (no network needed to open it)."""
        from bokeh.embed import file_html
        from bokeh.resources import INLINE

        return file_html(self.layout, INLINE, self.title)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (atomically: a temporary file, then a rename).

        Returns
        -------
        pathlib.Path
        """
        p = Path(path)
        if not p.parent.exists():
            raise InputError(f"save: folder {p.parent} does not exist", path=p.parent)
        text = self.to_html()
        tmp = p.with_name(f".{p.name}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, p)
        finally:
            if tmp.exists():
                tmp.unlink()
        return p

    def _repr_html_(self) -> str:
        """Jupyter: the same self-contained page in an ``<iframe>``."""
        return (f'<iframe srcdoc="{html.escape(self.to_html(), quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:none" '
                f'title="{html.escape(self.title, quote=True)}"></iframe>')


def _bokeh() -> None:
    try:
        import bokeh  # noqa: F401
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching in tests
        raise ImportError(f"geoaccess.explore needs bokeh, which is not installed; "
                          f"{_MISSING}") from exc


def _change_text(x: float, status: Any) -> str:
    if isinstance(status, str) and status == "unknown":
        return "no route either way"
    if not np.isfinite(x):
        return "no open site reachable any more" if status == "loss" else "–"
    if abs(x) < 0.05:
        return "unchanged"
    return f"{x:+.1f} min"


def explore(
    result: Result | Comparison,
    areas: gpd.GeoDataFrame,
    *,
    sites: gpd.GeoDataFrame | None = None,
    scenarios: Iterable[str] | None = None,
    baseline: str | None = None,
    bins: Sequence[float] | None = MINUTES_BINS,
    scheme: str | None = None,
    k: int = 5,
    cmap: str = MINUTES_CMAP,
    tiles: Any = "OpenStreetMap",
    credits: str | Sequence[str] | None = None,
    title: str | None = None,
    width: int = 640,
    height: int = 600,
    simplify_m: float = 5.0,
) -> InteractiveMap:
    """An interactive map of minutes to the nearest open site, a scenario at a time.

    Parameters
    ----------
    result : Result or Comparison
        From :func:`geoaccess.evaluate` (compared with ``baseline`` for the change shown
        on hover) or :func:`geoaccess.compare`.
    areas : geopandas.GeoDataFrame
        Areas from :func:`geoaccess.read_areas`; ``name`` and the population column are
        shown on hover when present. Polygons, or points (e.g. home origins).
    sites : geopandas.GeoDataFrame, optional
        Sites, drawn by their role in the scenario shown (closed sites as small grey
        dots).
    scenarios : iterable of str, optional
        Scenarios offered, in order (default every scenario); the first is shown on
        opening.
    baseline : str, optional
        Baseline of the change shown on hover (default: the comparison's, else the
        first scenario).
    bins, scheme, k, cmap
        Classes and palette, shared by every scenario (see
        :func:`geoaccess.plot.classify_minutes`).
    tiles : str, xyzservices.TileProvider or None
        Background tiles offered behind a tick box (off on opening; they need an
        internet connection): ``"OpenStreetMap"``, ``"CartoDB positron"`` or any
        :mod:`xyzservices` provider; None offers none.
    credits : str or sequence of str, optional
        Attribution added after "© OpenStreetMap contributors" (e.g. boundary sources).
    title : str, optional
        Page title (default "Minutes to the nearest open site").
    width, height : int
        Largest size of the map itself in pixels (the legend is beside it); the map
        takes the shape of the areas.
    simplify_m : float
        Simplify area outlines by this many metres (0 keeps them as they are).

    Returns
    -------
    InteractiveMap
        Shows in Jupyter; ``.save("map.html")`` writes one self-contained page;
        ``.to_html()`` gives its text; ``.layout`` is the Bokeh layout.

    Raises
    ------
    ImportError
        If bokeh is not installed (install ``geoaccess[explore]``).
    InputError
        Areas without ``area_id``, CRS or geometry; unknown scenarios or tiles.
    """
    _bokeh()
    from bokeh.models import Column, ColumnDataSource, CustomJS, Div, Select

    from ._explorer import bokeh_map as bm
    from ._explorer import common as c
    from .evaluate import Comparison, compare

    res = c.result_of(result)
    geo = c.check_areas(areas, "explore")
    names = c.scenario_names(res, scenarios)
    comp: Comparison | None
    if isinstance(result, Comparison) and baseline in (None, result.baseline):
        comp = result
    elif len(res.scenario_names) > 1:
        comp = compare(res, baseline=baseline or res.scenario_names[0])
    else:
        comp = None
    ids = geo["area_id"]
    wide = res.wide("nearest_minutes").reindex(ids)
    nearest = res.wide("nearest_site").reindex(ids)
    upper = classify_minutes(wide[names].to_numpy(), bins=bins, scheme=scheme, k=k)
    colours = class_colours(len(upper) + 1, cmap)
    site_geo = c.sites_in(sites, geo.crs)
    site_name = c.site_names(site_geo)
    weight = res.areas.drop_duplicates("area_id").set_index("area_id")[
        res.weight_column].reindex(ids).to_numpy(np.float64)

    kind, geom_cols, bounds = bm.geometry_columns(geo, simplify_m)
    label = geo["name"] if "name" in geo.columns else ids
    data: dict[str, Any] = dict(geom_cols)
    data.update({"area": [str(a) for a in label], "area_id": ids.tolist(),
                 "population": [f"{p:,.0f}" for p in weight]})
    columns = ["fill", "minutes", "nearest_site", "change", "crossing"]
    for j, name in enumerate(names):
        minutes = wide[name].to_numpy(np.float64)
        cls = c.class_of(minutes, upper)
        data[f"fill_{j}"] = [colours[i] if i >= 0 else c.NO_TIME_COLOUR for i in cls]
        data[f"minutes_{j}"] = [c.minutes_text(x) for x in minutes]
        data[f"nearest_site_{j}"] = [site_name.get(s, s) if isinstance(s, str) else "–"
                                     for s in nearest[name]]
        if comp is not None and name in comp.scenario_names:
            ch = comp[name].reindex(ids)
            data[f"change_{j}"] = [
                _change_text(x, s) for x, s in zip(ch["change_minutes"].to_numpy(np.float64),
                                                   ch["status"], strict=True)]
            data[f"crossing_{j}"] = [x if isinstance(x, str) and x else "–"
                                     for x in ch["crossing"]]
        else:
            data[f"change_{j}"] = ["baseline" if comp is not None else "–"] * len(ids)
            data[f"crossing_{j}"] = ["–"] * len(ids)
    for col in columns:
        data[col] = list(data[f"{col}_0"])
    area_source = ColumnDataSource(data, name="areas")

    pop_words = c.population_words(res.population)
    tooltips = [("Area", "@area (@area_id)"), ("Minutes to nearest open site", "@minutes"),
                ("Nearest open site", "@nearest_site"),
                (pop_words.capitalize(), "@population")]
    if comp is not None:
        tooltips += [(f"Change against {comp.baseline}", "@change"),
                     ("Threshold change", "@crossing")]

    credits_list = c.credit_list(credits)
    fig = bm.new_map(bounds, width=width, height=height, credits=credits_list)
    toggle = bm.add_tiles(fig, tiles)
    bm.add_areas(fig, kind, area_source, tooltips)
    site_source = None
    roles_seen: list[str] = []
    if site_geo is not None and len(site_geo):
        kind_of = dict(zip(site_geo["site_id"], c.site_kinds(site_geo), strict=True))
        ids_s = sorted(site_geo["site_id"], key=lambda s: kind_of[s] == "hub")  # hubs on top
        site_data = bm.site_columns(ids_s, site_geo, [res.scenarios[names[0]].role_of(s)
                                                      for s in ids_s])
        for j, name in enumerate(names):
            roles = [res.scenarios[name].role_of(s) for s in ids_s]
            roles_seen += roles
            for col, values in bm.style_columns(roles).items():
                site_data[f"{col}_{j}"] = values
        site_source = ColumnDataSource(site_data, name="sites")
        bm.add_sites(fig, site_source)
    bm.add_legend(fig, c.class_labels(upper), colours, roles_seen,
                  title="Minutes to the nearest open site")

    heading = title or "Minutes to the nearest open site"
    picker = Select(title="Scenario shown", options=names, value=names[0], width=320,
                    name="scenario")
    picker.js_on_change("value", CustomJS(
        args={"names": names, "areas": area_source, "sites": site_source,
              "area_columns": columns,
              "site_columns": ["role", "marker", "color", "size", "alpha", "line"]},
        code=_SWITCH_JS))
    mode = {"walk": "walking", "drive": "driving", "cycle": "cycling",
            "transit": "by public transport"}.get(res.mode, str(res.mode))
    head = Div(text=f"<h2 style='margin:0 0 4px 0'>{c.text(heading)}</h2>"
                    f"<p style='margin:0'>Modelled {c.text(mode)} minutes from each area "
                    f"to the nearest open site; hover an area for details.</p>",
               width=width + 260)
    layout = Column(head, picker, fig, *([toggle] if toggle is not None else []))
    return InteractiveMap(layout, title=heading, height=height + 160)
