"""Interactive maps for Jupyter and the browser (folium; extra ``explore``).

:func:`explore` draws every scenario of a result as a layer of a Leaflet map: areas
coloured by minutes to the nearest open site on one shared scale, the sites drawn by
their role in that scenario, and a popup per area with its minutes, nearest site and the
change against the baseline. A layer switcher turns scenarios on and off; the legend is
in minutes; the attribution reads "© OpenStreetMap contributors".

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
>>> m = ga.explore(r, areas, tiles=None)
>>> "OpenStreetMap contributors" in m.get_root().render()
True
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .plot import (
    ATTRIBUTION,
    MINUTES_BINS,
    MINUTES_CMAP,
    ROLE_STYLES,
    _check_areas,
    _class_labels,
    _class_of,
    _in_crs,
    _population_words,
    _result_of,
    _scenario_names,
    _site_roles,
    class_colours,
    classify_minutes,
)

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd

    from .evaluate import Comparison, Result

__all__ = ["explore"]

log = logging.getLogger(__name__)

_MISSING = "install the 'explore' extra for interactive maps: pip install \"geoaccess[explore]\""


def _folium():
    try:
        import folium
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching in tests
        raise ImportError(f"geoaccess.explore needs folium, which is not installed; "
                          f"{_MISSING}") from exc
    return folium


def _text(value: Any) -> str:
    """A value as escaped text for popups (Leaflet inserts popup HTML as markup)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "–"
    text = html.escape(str(value))
    # folium puts popups and tooltips in JavaScript template literals: neutralise them
    return text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _minutes_text(x: float) -> str:
    return "no time" if not np.isfinite(x) else f"{x:.1f} min"


def _change_text(x: float, status: Any) -> str:
    if isinstance(status, str) and status == "unknown":
        return "no time either way"
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
    tiles: str | None = "OpenStreetMap",
    credits: str | Sequence[str] | None = None,
    m: folium.Map | None = None,
) -> folium.Map:
    """An interactive map with a layer per scenario, sites by role and popups.

    Parameters
    ----------
    result : Result or Comparison
        From :func:`geoaccess.evaluate` (compared with ``baseline`` for the popups'
        change) or :func:`geoaccess.compare`.
    areas : geopandas.GeoDataFrame
        Areas from :func:`geoaccess.read_areas`; ``name`` and the population column are
        shown in the popups when present.
    sites : geopandas.GeoDataFrame, optional
        Sites, drawn in each scenario's layer by their role there (closed sites as
        small grey dots); popups give name, id and role.
    scenarios : iterable of str, optional
        Layers, in order (default every scenario); the first is shown on opening.
    baseline : str, optional
        Baseline for the change in the popups (default: the comparison's, else the first
        scenario).
    bins, scheme, k, cmap
        Classes and palette, shared by every layer (see :func:`geoaccess.plot_minutes`).
    tiles : str or None
        Background tiles (``"OpenStreetMap"``, ``"CartoDB positron"``...); None for none
        (offline use).
    credits : str or sequence of str, optional
        Attribution added after "© OpenStreetMap contributors".
    m : folium.Map, optional
        Add the layers to this map instead of a new one.

    Returns
    -------
    folium.Map
        Displays inline in Jupyter; ``m.save("map.html")`` writes a page.

    Raises
    ------
    ImportError
        If folium is not installed (install ``geoaccess[explore]``).
    """
    folium = _folium()
    import branca.colormap as bcm
    import branca.element as be

    from .evaluate import Comparison, compare

    res = _result_of(result)
    geo = _check_areas(areas, "explore")
    names = _scenario_names(res, scenarios)
    comp: Comparison | None
    if isinstance(result, Comparison) and baseline in (None, result.baseline):
        comp = result
    else:
        base = baseline or res.scenario_names[0]
        comp = compare(res, baseline=base) if len(res.scenario_names) > 1 else None
    wide = res.wide("nearest_minutes").reindex(geo["area_id"])
    site_wide = res.wide("nearest_site").reindex(geo["area_id"])
    upper = classify_minutes(wide[names].to_numpy(), bins=bins, scheme=scheme, k=k)
    colours = class_colours(len(upper) + 1, cmap)
    ll = geo.to_crs(4326)
    site_ll = _in_crs(sites, geo.crs).to_crs(4326) if sites is not None else None
    site_names: dict[str, str] = {}
    if site_ll is not None and "name" in site_ll.columns:
        site_names = dict(zip(site_ll["site_id"].astype(str), site_ll["name"].astype(str),
                              strict=True))
    weight = res.weight_column
    pop = res.areas.drop_duplicates("area_id").set_index("area_id")[weight].reindex(
        geo["area_id"])
    pop_words = _population_words(res.population)
    if m is None:
        b = ll.total_bounds
        m = folium.Map(location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], tiles=tiles,
                       control_scale=True, zoom_start=11)
        m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    for j, name in enumerate(names):
        minutes = wide[name].to_numpy(np.float64)
        cls = _class_of(minutes, upper)
        props = pd.DataFrame({
            "area": [_text(a) for a in (geo["name"] if "name" in geo.columns
                                        else geo["area_id"])],
            "area_id": [_text(a) for a in geo["area_id"]],
            "minutes": [_minutes_text(x) for x in minutes],
            "nearest_site": [_text(site_names.get(str(s), s)) if isinstance(s, str) else "–"
                             for s in site_wide[name]],
            "population": [f"{p:,.0f}" for p in pop.to_numpy(np.float64)],
            "fill": [colours[c] if c >= 0 else "#d9d9d9" for c in cls],
        })
        fields = ["area", "area_id", "minutes", "nearest_site", "population"]
        aliases = ["Area", "Code", "Minutes to nearest open site", "Nearest open site",
                   _text(pop_words.capitalize())]
        if comp is not None and name in comp.scenario_names:
            ch = comp[name].reindex(geo["area_id"])
            props["change"] = [_change_text(x, s) for x, s in
                               zip(ch["change_minutes"].to_numpy(np.float64), ch["status"],
                                   strict=True)]
            props["crossing"] = [_text(c) if isinstance(c, str) and c else "–"
                                 for c in ch["crossing"]]
            fields += ["change", "crossing"]
            aliases += [f"Change against {_text(comp.baseline)}", "Threshold change"]
        elif comp is not None and name == comp.baseline:
            props["change"] = "baseline"
            fields += ["change"]
            aliases += ["Change"]
        layer_gdf = ll[[ll.geometry.name]].reset_index(drop=True).join(props)
        group = folium.FeatureGroup(name=html.escape(name), show=(j == 0))
        folium.GeoJson(
            layer_gdf.__geo_interface__,
            name=html.escape(name),
            style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#ffffff",
                                      "weight": 0.8, "fillOpacity": 0.75},
            highlight_function=lambda f: {"weight": 2.5, "color": "#000000"},
            tooltip=folium.GeoJsonTooltip(fields=["area", "minutes"],
                                          aliases=["Area", "Minutes"]),
            popup=folium.GeoJsonPopup(fields=fields, aliases=aliases),
        ).add_to(group)
        if site_ll is not None:
            _add_sites(folium, group, site_ll, res.scenarios[name])
        group.add_to(m)
    index = list(upper) + [max(float(upper[-1]) * 1.5, float(upper[-1]) + 1)]
    legend = bcm.StepColormap(colours, index=[0.0, *index], vmin=0.0, vmax=index[-1],
                              caption="Minutes to the nearest open site (classes: "
                                      + ", ".join(_class_labels(upper)) + ")")
    legend.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    parts = [ATTRIBUTION]
    if credits:
        parts += [credits] if isinstance(credits, str) else list(credits)
    text = json.dumps(html.escape(" | ".join(str(p) for p in parts)))
    script = be.MacroElement()
    script._template = be.Template(
        "{% macro script(this, kwargs) %}"
         f"{m.get_name()}.attributionControl.addAttribution({text});"
         "{% endmacro %}")
    m.add_child(script)
    return m


def _add_sites(folium: Any, group: Any, sites: Any, scenario: Any) -> None:
    roles = _site_roles(sites, scenario)
    pts = sites.geometry.representative_point()
    for sid, name, role, x, y in zip(sites["site_id"].astype(str),
                                     sites["name"] if "name" in sites.columns
                                     else sites["site_id"], roles, pts.x, pts.y, strict=True):
        st = ROLE_STYLES.get(role, ROLE_STYLES["other"])
        closed = role == "closed"
        label = f"{_text(name)} ({_text(sid)}): {_text(role)}"
        folium.CircleMarker(
            location=[float(y), float(x)],
            radius=3 if closed else (8 if role == "hub" else 6),
            color="#ffffff" if closed else "#000000", weight=1,
            fill=True, fill_color=st["color"], fill_opacity=0.6 if closed else 0.95,
            tooltip=label,
            popup=folium.Popup(f"<b>{_text(name)}</b><br>site {_text(sid)}<br>"
                               f"role: {_text(role)}", max_width=260),
        ).add_to(group)

