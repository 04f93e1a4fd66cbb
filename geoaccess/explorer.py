"""A consultation explorer: one HTML file in which readers open and close sites themselves.

:func:`write_explorer` writes a single self-contained page (Bokeh with its JavaScript
inline, and the travel-time matrix embedded) that a council can publish beside a
consultation. A reader ticks sites open or closed, or picks one of the proposals, and
sees at once, recomputed in the browser:

- the map of minutes to the nearest open site (fixed classes 0–5, 5–10, 10–15, 15–20,
  20–30, 30–45, 45–60, over 60 minutes, and "no route");
- how many people are within each threshold, and who gets a longer or a shorter
  journey compared with the baseline (usually the current network);
- the same by deprivation decile (1 = most deprived);

with the caveats of the model and the dates of the data written on the page. The page
needs no network: the background map is an option, off on opening, that says it needs
a connection.

The numbers are those of :func:`geoaccess.evaluate`, :func:`geoaccess.compare` and
:func:`geoaccess.equality.breakdown` for the same configuration (same definitions; the
browser tests check twenty random configurations). How the matrix is stored so that
this holds exactly is told in ``geoaccess/_explorer/matrix.py``: 6 bytes per area and
site with a time, about 33 MB of page for 50,000 home origins × 100 sites, 0.3 MB for
500 areas × 100 sites.

Examples
--------
>>> import tempfile, pandas as pd, geopandas as gpd, geoaccess as ga
>>> from geoaccess.explorer import write_explorer
>>> from shapely.geometry import box
>>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0],
...                           "imd_decile": [2, 7]},
...                          geometry=[box(480000, 300000, 481000, 301000),
...                                    box(481000, 300000, 482000, 301000)], crs="EPSG:27700")
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0], "S2": [9.0, 3.0]},
...                                             index=["E1", "E2"]), mode="walk")
>>> options = [ga.Scenario("Now", {"S1": "hub", "S2": "centre"}),
...            ga.Scenario("Close S2", {"S1": "hub"})]
>>> with tempfile.TemporaryDirectory() as d:
...     page = write_explorer(tt, areas, options, f"{d}/explorer.html", population="kids")
...     text = page.read_text(encoding="utf-8")
>>> "OpenStreetMap contributors" in text, "<script src" in text  # scripts are inline
(True, False)
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError
from .plot import MINUTES_BINS, MINUTES_CMAP, class_colours

__all__ = ["homes_as_rows", "write_explorer"]

log = logging.getLogger(__name__)

_MISSING = ("install the 'explore' extra for the explorer: pip install "
            "\"geoaccess[explore]\"")

_CSS = """
:host { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
        font-size: 13px; color: #222; }
h1 { font-size: 21px; margin: 0 0 4px 0; }
h2 { font-size: 15px; margin: 10px 0 4px 0; }
p { margin: 4px 0; line-height: 1.35; }
.ga-t { border-collapse: collapse; margin: 4px 0 8px 0; width: 100%; }
.ga-t caption { text-align: left; font-weight: 600; padding: 2px 0; }
.ga-t th, .ga-t td { border-bottom: 1px solid #e3e3e3; padding: 2px 6px; text-align: right; }
.ga-t th:first-child, .ga-t td:first-child { text-align: left; }
.ga-t th { font-weight: 600; background: #f4f4f4; }
.ga-t tr[data-group="all"] td { font-weight: 600; }
.ga-config { font-size: 14px; }
.ga-note { color: #555; }
ul { margin: 2px 0 6px 0; padding-left: 18px; }
li { margin: 1px 0; }
"""

# Hover text from the numeric columns the page fills in (status codes: see explorer.js).
_MINUTES_HOVER = "return Number.isFinite(value) ? value.toFixed(1) + ' min' : 'no route'"
_SITE_HOVER = "return value >= 0 ? names[value] : '–'"
_CHANGE_HOVER = """
const status = areas.data.status[special_vars.index];
const words = ["", "", "", "no route any more", "a route where there was none",
               "no route either way"];
if (status >= 3) return words[status];
if (status === 0) return "unchanged";
return (value > 0 ? "+" : "") + value.toFixed(1) + " min";
"""

#: Above this many points (e.g. home origins) the map is painted as an image.
_RASTER_ABOVE = 5_000

#: Decile labels (1 = most deprived, as the English Indices of Deprivation number them).
_DECILE_LABELS = ["not recorded", "1 (most deprived)", *map(str, range(2, 10)),
                  "10 (least deprived)"]


def _bokeh() -> None:
    try:
        import bokeh  # noqa: F401
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching in tests
        raise ImportError(f"geoaccess.explorer needs bokeh, which is not installed; "
                          f"{_MISSING}") from exc


def _deciles(geo: pd.DataFrame, by: str | None) -> np.ndarray | None:
    """The ``by`` column as uint8 (1..10, 0 where not recorded), or None without it."""
    if by is None or by not in geo.columns:
        if by is not None:
            log.info("write_explorer: no %r column in the areas; no table by decile", by)
        return None
    values = pd.to_numeric(geo[by], errors="coerce").to_numpy(np.float64)
    bad = ~(np.isnan(values) | np.isin(values, np.arange(1, 11)))
    if bad.any():
        rows = geo.loc[bad, "area_id"].astype(str).tolist()
        raise InputError(f"areas: column {by!r} must hold deciles 1..10 (or be empty), "
                         f"found {sorted(set(geo.loc[bad, by].astype(str)))[:5]} for "
                         f"{len(rows)} areas (e.g. {rows[:5]})", column=by, rows=rows)
    return np.nan_to_num(values, nan=0.0).astype(np.uint8)


def _default_caveats(tt: Any, words: str, geo: pd.DataFrame) -> list[str]:
    prov = tt.provenance
    mode = {"walk": "walking", "drive": "driving", "cycle": "cycling", "pushchair":
            "walking with a pushchair", "transit": "public transport"}.get(tt.mode, tt.mode)
    speed = (prov.get("speeds_kmh") or {}).get(tt.mode) if isinstance(
        prov.get("speeds_kmh"), Mapping) else None
    at = f" at {speed:g} km/h" if isinstance(speed, (int, float)) else ""
    homes = prov.get("rows") == "homes"
    origin = ("from each home (OpenStreetMap buildings, and a grid on residential land the "
              "mapped buildings do not cover)" if homes else
              "from the most central home of each area (OpenStreetMap buildings)"
              if "origin_method" in geo.columns else "from one point in each area")
    spread = (f"Each area's {words} are shared among its homes in proportion to their floor "
              "area, and each home has its own journey time; these shares are estimates."
              if homes else
              f"Everyone in an area takes the area's time ({words} counted where they live), "
              "as the Department for Transport's Journey Time Statistics do.")
    return [
        (f"Times are modelled {mode} times over OpenStreetMap paths{at}, {origin}; real "
         "journeys vary with hills, crossings, pushchairs, weather and the time of day."),
        spread,
        ("A site counts as open whatever its role, opening hours or capacity; the roles "
         "only change how it is drawn."),
        ("The numbers are recomputed in your browser from the travel times stored in this "
         "page; they match the published analysis for the same sites."),
    ]


def _default_dates(tt: Any) -> dict[str, str]:
    prov = tt.provenance
    out = {}
    stamp = prov.get("osm_timestamp")
    if stamp:
        out["OpenStreetMap data"] = str(stamp)[:10]
    built = prov.get("built_at")
    if built:
        out["Network built"] = str(built)[:10]
    out["Page written"] = _dt.date.today().isoformat()
    return out


def _footer_html(caveats: Sequence[str], dates: Mapping[str, str]) -> str:
    h = "<h2>Caveats</h2><ul>" + "".join(f"<li>{html.escape(str(c))}</li>" for c in caveats)
    h += "</ul><h2>Data</h2><ul>"
    h += "".join(f"<li>{html.escape(str(k))}: {html.escape(str(v))}</li>"
                 for k, v in dates.items())
    return h + "</ul>"


def write_explorer(
    tt: Any,
    areas: Any,
    scenarios: Any,
    path: str | os.PathLike[str],
    *,
    sites: Any = None,
    population: str | None = None,
    baseline: str | None = None,
    thresholds: Iterable[float] | None = None,
    threshold_minutes: float = 15,
    by: str | None = "imd_decile",
    title: str | None = None,
    intro: str | None = None,
    caveats: Sequence[str] | None = None,
    data_dates: Mapping[str, str] | None = None,
    credits: str | Sequence[str] | None = None,
    tiles: Any = "OpenStreetMap",
    simplify_m: float = 5.0,
) -> Path:
    """Write the consultation explorer: one HTML file, numbers recomputed in the browser.

    Parameters
    ----------
    tt : TravelTimes
        Area → site minutes (:func:`geoaccess.travel_times`); every site becomes a tick
        box.
    areas : geopandas.GeoDataFrame
        Areas (:func:`geoaccess.read_areas`): ``area_id``, geometry (polygons, or
        points such as home origins), the population column and optionally ``by``.
        Every area is drawn and counted; an area missing from the matrix has no route.
    scenarios : Scenario or list of Scenario
        The proposals a reader can pick (e.g. :func:`geoaccess.read_scenarios`).
    path : path-like
        The ``.html`` file to write (atomically); its folder must exist.
    sites : geopandas.GeoDataFrame, optional
        Sites (:func:`geoaccess.read_sites`): names for the tick boxes and the map
        markers. Without it the boxes show site ids and the map no markers.
    population : str, optional
        Population column used as weights (default: the first of
        ``areas.attrs["population"]``, as :func:`geoaccess.evaluate`).
    baseline : str, optional
        Scenario the changes are measured against, and the one shown on opening
        (default: the first).
    thresholds : iterable of float, optional
        Minutes counted (default :data:`geoaccess.settings.thresholds_minutes`); whole,
        half or quarter minutes.
    threshold_minutes : float
        The threshold of the table by decile (one of ``thresholds``).
    by : str or None
        Column of deciles 1..10 for the table (default ``"imd_decile"``; skipped when
        the areas have no such column).
    title, intro : str, optional
        Heading and first paragraph of the page.
    caveats : sequence of str, optional
        What the numbers do not say (default: the model's caveats, from the matrix's
        provenance).
    data_dates : mapping, optional
        Data → date shown on the page (default: the OpenStreetMap extract's date and the
        day the network was built); add your population and deprivation sources.
    credits : str or sequence of str, optional
        Attribution added after "© OpenStreetMap contributors" (e.g. "Contains OS data
        © Crown copyright").
    tiles : str, xyzservices.TileProvider or None
        Background tiles offered behind a tick box that says they need a connection;
        None offers none.
    simplify_m : float
        Simplify area outlines by this many metres (0 keeps them as they are).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ImportError
        If bokeh is not installed (install ``geoaccess[explore]``).
    InputError
        Bad areas, population or scenarios (as :func:`geoaccess.evaluate`), a decile
        column with other values, a ``threshold_minutes`` not among ``thresholds``.
    """
    _bokeh()
    from bokeh.document import Document
    from bokeh.models import (
        CheckboxGroup,
        Column,
        ColumnDataSource,
        CustomJS,
        CustomJSHover,
        Div,
        InlineStyleSheet,
        Row,
        ScrollBox,
        Select,
    )

    from . import (
        TravelTimes,  # the public name (the class is moving module)
        settings,
    )
    from ._explorer import bokeh_map as bm
    from ._explorer import common as c
    from ._explorer import matrix as mx
    from .evaluate import evaluate
    from .explore import InteractiveMap

    p = Path(path)
    if not p.parent.exists():
        raise InputError(f"write_explorer: folder {p.parent} does not exist", path=p.parent)
    if isinstance(tt, pd.DataFrame):
        tt = TravelTimes.from_frame(tt)
    if not isinstance(tt, TravelTimes):
        raise InputError(f"write_explorer: expected a TravelTimes (geoaccess.travel_times), "
                         f"got {type(tt).__name__}")
    tt, areas = homes_as_rows(tt, c.check_areas(areas, "write_explorer"), population)
    geo = c.check_areas(areas, "write_explorer")
    if isinstance(thresholds, (str, bytes)):
        raise InputError(f"thresholds must be a list of minutes, not the text {thresholds!r}",
                         column="thresholds")
    thr = tuple(float(t) for t in (settings.thresholds_minutes if thresholds is None
                                   else thresholds))
    # evaluate checks the scenarios, population and thresholds as everywhere else
    result = evaluate(tt, areas, scenarios, population=population, thresholds=thr)
    thr = tuple(result.thresholds)
    mx.check_thresholds(thr)
    if float(threshold_minutes) not in thr:
        raise InputError(f"threshold {threshold_minutes:g} is not among thresholds "
                         f"{[float(t) for t in thr]}", column="threshold_minutes")
    names = result.scenario_names
    base = names[0] if baseline is None else str(baseline)
    if base not in names:
        raise InputError(f"baseline {base!r} is not a scenario; scenarios are {names}",
                         column="baseline")
    ids = geo["area_id"]
    first = result[names[0]]
    weights = first[result.weight_column].reindex(ids).to_numpy(np.float64)
    site_ids = [str(s) for s in tt.site_ids]
    col = {s: j for j, s in enumerate(site_ids)}
    matrix = tt.minutes.copy()
    matrix.index = matrix.index.astype(str)
    matrix.columns = site_ids
    values = matrix.reindex(ids).to_numpy(np.float64)
    groups = _deciles(geo, by)

    site_geo = c.sites_in(sites, geo.crs)
    known = site_geo[site_geo["site_id"].isin(col)] if site_geo is not None else None
    names_by_id = c.site_names(known)
    kinds_by_id = dict(zip(known["site_id"], c.site_kinds(known), strict=True)) \
        if known is not None else {}
    kinds = [kinds_by_id.get(s, "other") for s in site_ids]
    labels = [f"{s} {names_by_id[s]}" if s in names_by_id and names_by_id[s] != s else s
              for s in site_ids]
    scen: list[dict[str, Any]] = [
        {"name": n, "open": sorted(col[s] for s in result.scenarios[n].open_sites),
             "roles": {str(col[s]): r for s, r in result.scenarios[n].roles.items()}}
            for n in names]
    roles = {r for sc in result.scenarios.values() for r in sc.roles.values()}
    roles |= set(kinds) | {"closed", "other"}
    words = c.population_words(result.population)
    upper = tuple(float(b) for b in MINUTES_BINS)
    colours = class_colours(len(upper) + 1, MINUTES_CMAP)
    mode_words = {"walk": "walk", "drive": "drive", "cycle": "cycle ride",
                  "pushchair": "walk with a pushchair",
                  "transit": "public transport journey"}.get(tt.mode, "journey")
    k_base = names.index(base)
    group_title = "IMD decile" if by == "imd_decile" else str(by)
    payload: dict[str, Any] = {
        "matrix": mx.encode(values), "weight": mx.b64(weights.astype("<f8")),
        "group": None if groups is None else mx.b64(groups),
        "groups_present": [] if groups is None else sorted({int(g) for g in groups}),
        "group_labels": _DECILE_LABELS, "group_title": group_title,
        "group_caption": f"By {group_title} (1 = the most deprived tenth of areas in England)",
        "no_groups": f"No table by decile: the areas have no {by!r} column.",
        "thresholds": list(thr), "threshold": float(threshold_minutes),
        "bins": list(upper), "colours": colours, "no_time": c.NO_TIME_COLOUR,
        "site_names": [names_by_id.get(s, s) for s in site_ids], "site_kinds": kinds,
        "scenarios": scen, "baseline": k_base, "custom": "Your own selection",
        "population_words": words, "mode_words": mode_words,
        "styles": {r: bm.role_style(r) for r in sorted(roles)},
    }

    kind, geom_cols, bounds = bm.geometry_columns(geo, simplify_m)
    area_label = geo["name"] if "name" in geo.columns else ids
    n = len(ids)
    area_data: dict[str, Any] = dict(geom_cols)
    # numeric columns, filled in by the page: colours and hover text are derived from them
    area_data.update({
        "area": [str(a) for a in area_label], "area_id": ids.tolist(),
        "population": weights, "minutes": np.full(n, np.nan), "cls": np.full(n, -1, np.int8),
        "site": np.full(n, -1, np.int32), "change": np.full(n, np.nan),
        "status": np.zeros(n, np.int8)})
    area_source = ColumnDataSource(area_data, name="areas")
    credits_list = c.credit_list(credits)
    fig = bm.new_map(bounds, width=470, height=560, credits=credits_list)
    toggle = bm.add_tiles(fig, tiles)
    raster = None
    if kind == "points" and n > _RASTER_ABOVE:
        # too many points to draw one by one: the page paints them into an image
        raster, cells, nx, ny = bm.add_raster(fig, geom_cols["x"], geom_cols["y"])
        payload["raster"] = {"cells": mx.b64(cells), "nx": nx, "ny": ny}
        for key in geom_cols:
            del area_source.data[key]
    else:
        tooltips = [("Area", "@area (@area_id)"),
                    ("Minutes to nearest open site", "@minutes{custom}"),
                    ("Nearest open site", "@site{custom}"),
                    (words.capitalize(), "@population{0,0}"),
                    (f"Change against {base}", "@change{custom}")]
        formatters = {
            "@minutes": CustomJSHover(code=_MINUTES_HOVER),
            "@site": CustomJSHover(args={"names": payload["site_names"]}, code=_SITE_HOVER),
            "@change": CustomJSHover(args={"areas": area_source}, code=_CHANGE_HOVER)}
        bm.add_areas(fig, kind, area_source, tooltips, fill=bm.class_fill(colours),
                     formatters=formatters)
    site_source = None
    if known is not None and len(known):
        # hubs drawn last, on top of the smaller markers
        placed = sorted((s for s in site_ids if s in set(known["site_id"])),
                        key=lambda s: kinds[col[s]] == "hub")
        base_roles = [result.scenarios[base].role_of(s) for s in placed]
        cols = bm.site_columns(placed, known, base_roles)
        cols["index"] = [col[s] for s in placed]
        site_source = ColumnDataSource(cols, name="sites")
        bm.add_sites(fig, site_source)
    bm.add_legend(fig, c.class_labels(upper), colours, sorted(roles - {"other"}),
                  title="Minutes to the nearest open site")

    sheet = InlineStyleSheet(css=_CSS)
    heading = title or "Explore the options: who can reach an open site"
    lead = intro or (
        f"Tick the sites to keep open, or pick a proposal. The map and the numbers show, "
        f"for {words}, the modelled {mode_words} to the nearest open site, and who gets a "
        f"longer or shorter journey than under \u201c{base}\u201d.")
    head = Div(text=f"<h1>{html.escape(heading)}</h1><p>{html.escape(lead)}</p>",
               stylesheets=[sheet], width=1320)
    picker = Select(title="Proposal", options=[*names, "Your own selection"], value=base,
                    width=290, name="scenario")
    checks = CheckboxGroup(labels=labels, active=list(scen[k_base]["open"]), name="site_boxes")
    summary = Div(text="<p>Working out the numbers in your browser (this page needs "
                        "JavaScript)…</p>", stylesheets=[sheet], width=390, name="summary")
    table = Div(text="", stylesheets=[sheet], width=390, name="table")
    js = resources.files("geoaccess._explorer").joinpath("explorer.js").read_text("utf-8")
    callback = CustomJS(args={"areas": area_source, "sites": site_source, "checks": checks,
                              "raster": raster,
                              "picker": picker, "summary": summary, "table": table,
                              "payload": json.dumps(payload, allow_nan=False)}, code=js)
    checks.js_on_change("active", callback)
    picker.js_on_change("value", callback)
    sites_head = Div(text=f"<h2>Sites ({len(site_ids)}): ticked = open</h2>",
                     stylesheets=[sheet], width=290)
    controls = [picker, sites_head, ScrollBox(child=checks, height=500, width=290)]
    notes = [toggle] if toggle is not None else []
    if raster is not None:
        notes.append(Div(text=f"<p class='ga-note'>{n:,} homes: each small square shows the "
                              "longest time among the homes in it.</p>",
                         stylesheets=[sheet], width=500))
    middle = Column(fig, *notes)
    footer = Div(text=_footer_html(
        list(caveats) if caveats is not None else _default_caveats(tt, words, geo),
        dict(data_dates) if data_dates is not None else _default_dates(tt)),
        stylesheets=[sheet], width=1320, name="footer")
    layout = Column(head, Row(Column(*controls, width=300), middle, Column(summary, table)),
                    footer)
    doc = Document()
    doc.add_root(layout)
    doc.js_on_event("document_ready", callback)
    page = InteractiveMap(doc, title=heading)
    log.info("write_explorer: %d areas x %d sites (%d times) -> %s", n, len(site_ids),
             payload["matrix"]["entries"], p)
    return page.save(p)


def homes_as_rows(tt: Any, areas: Any, population: str | None) -> tuple[Any, Any]:
    """The explorer's rows: the areas, or, for a matrix of homes, each home as a point.

    Used by :func:`write_explorer` when ``tt`` starts journeys at many origins per area
    (:func:`geoaccess.build_origins`).

    Each home carries its share of its area's children and its area's attributes (IMD
    decile...), so the page counts people at their homes exactly as :func:`evaluate` does.
    """
    if getattr(tt, "origins", None) is None or population is None:
        return tt, areas
    import geopandas as gpd

    from .matrix import TravelTimes

    snap = tt.snap.xs("origin", level="role") if "origin" in tt.snap.index.get_level_values(
        "role") else None
    if snap is None:
        return tt.area_view(), areas
    rows = tt.origins[["area_id"]].copy()
    rows[population] = tt.row_weights(areas, population).reindex(rows.index).to_numpy()
    keep = [c for c in ("imd_decile", "ward", "name") if c in areas.columns]
    attrs = areas.set_index("area_id")[keep] if keep else None
    if attrs is not None:
        rows = rows.join(attrs, on="area_id")
    rows = rows.rename(columns={"area_id": "lsoa"}).rename_axis("area_id").reset_index()
    xy = snap.reindex(rows["area_id"])
    points = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(xy["x"], xy["y"]),
                              crs=areas.crs)
    minutes = tt.minutes.astype("float64")
    minutes.index = minutes.index.rename("area_id")
    provenance = {**tt.provenance, "rows": "homes"}
    return TravelTimes.from_frame(minutes, mode=tt.mode, provenance=provenance), points
