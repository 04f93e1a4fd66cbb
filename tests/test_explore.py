"""Interactive maps (geoaccess.explore, Bokeh), and the saved page in a headless browser."""

from __future__ import annotations

import re
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from browser import chromium_fixture, offline_fixture  # noqa: F401 (fixtures)
from shapely.geometry import Point, box

import geoaccess as ga
import geoaccess.plot as gp
from geoaccess.demo import demo_scenarios

pytest.importorskip("bokeh")

LEGEND_BOXES = """() => [...Bokeh.index.query((v) => v.model.type === "Legend")].map((v) => {
  const c = v.parent.canvas_view.bbox;
  return [v.bbox.x0, v.bbox.y0, v.bbox.x1, v.bbox.y1, c.x0, c.y0, c.x1, c.y1];
})"""


def _data(m, name):
    from bokeh.models import ColumnDataSource

    found = [s for s in m.layout.select({"type": ColumnDataSource}) if s.name == name]
    assert len(found) == 1
    return found[0].data


@pytest.fixture()
def tiny():
    """E1: 4 → 4 minutes (unchanged); E2: 3 → 22 minutes (+19, loses 10/15/20)."""
    areas = gpd.GeoDataFrame(
        {"area_id": ["E1", "E2"], "name": ["North", "South"], "kids": [10.0, 30.0]},
        geometry=[box(480000, 300000, 481000, 301000), box(481000, 300000, 482000, 301000)],
        crs="EPSG:27700")
    sites = gpd.GeoDataFrame(
        {"site_id": ["S1", "S2"], "name": ["<script>alert(1)</script>", "Hall `${x}`"],
         "kind": ["hub", "centre"]},
        geometry=[Point(480500, 300500), Point(481500, 300500)], crs="EPSG:27700")
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0], "S2": [9.0, 3.0]},
                                                index=["E1", "E2"]), mode="walk")
    result = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "centre"}),
                                     ga.Scenario("Close S2", {"S1": "hub"})],
                         population="kids", thresholds=[10, 15, 20])
    return areas, sites, result


def test_each_scenario_has_its_minutes_change_and_site_roles(tiny):
    areas, sites, result = tiny
    m = ga.explore(ga.compare(result), areas, sites=sites, tiles=None)
    d = _data(m, "areas")
    assert d["minutes_0"] == ["4.0 min", "3.0 min"]
    assert d["minutes_1"] == ["4.0 min", "22.0 min"]
    assert d["minutes"] == d["minutes_0"]  # the first scenario is shown on opening
    assert d["change_1"] == ["unchanged", "+19.0 min"]
    assert d["crossing_1"][1] == "loses 10-, 15- and 20-minute access"
    assert d["change_0"] == ["baseline", "baseline"]
    assert d["population"] == ["10", "30"]
    assert d["nearest_site_1"] == ["<script>alert(1)</script>"] * 2  # drawn as text
    # the fill is the class colour of the shared scale: 22 minutes is in 20-30
    colours = gp.class_colours(len(gp.MINUTES_BINS) + 1)
    assert d["fill_1"][1] == colours[4] and d["fill_0"][1] == colours[0]
    s = _data(m, "sites")
    assert s["site_id"] == ["S2", "S1"]  # the hub is drawn last, on top
    assert s["role_1"] == ["closed", "hub"]
    assert s["color_1"] == [gp.ROLE_STYLES["closed"]["color"], gp.ROLE_STYLES["hub"]["color"]]


def test_attribution_once_with_credits(tiny):
    from bokeh.models import Plot, TileRenderer

    areas, sites, result = tiny
    m = ga.explore(result, areas, sites=sites, credits="Boundaries: ONS")
    (fig,) = m.layout.select({"type": Plot})
    assert fig.attribution == ["© OpenStreetMap contributors | Boundaries: ONS"]
    # the tiles add nothing to it: their own credit is the same OpenStreetMap one
    (tiles,) = m.layout.select({"type": TileRenderer})
    assert tiles.tile_source.attribution == "" and tiles not in fig.renderers  # off at first


def test_no_time_is_said_in_words(tiny):
    areas, _, _ = tiny
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, np.nan]}, index=["E1", "E2"]))
    r = ga.evaluate(tt, areas, ga.Scenario("A", {"S1": "hub"}), population="kids")
    d = _data(ga.explore(r, areas, tiles=None), "areas")
    assert d["minutes_0"][1] == "no route" and d["fill_0"][1] == "#d9d9d9"


def test_unknown_tiles_and_scenarios_are_named(tiny):
    areas, _, result = tiny
    with pytest.raises(ga.errors.InputError, match="unknown tile provider"):
        ga.explore(result, areas, tiles="No such tiles")
    with pytest.raises(ga.errors.InputError, match="unknown scenarios"):
        ga.explore(result, areas, scenarios=["Later"])


def test_clear_message_when_bokeh_is_missing(tiny, monkeypatch):
    areas, _, result = tiny
    monkeypatch.setitem(sys.modules, "bokeh", None)
    with pytest.raises(ImportError, match=r"geoaccess\[explore\]"):
        ga.explore(result, areas)


def test_saved_page_opens_offline_and_switches_scenario(tiny, tmp_path, offline):
    areas, sites, result = tiny
    alerts = []
    offline.page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    path = ga.explore(ga.compare(result), areas, sites=sites, credits="Boundaries: ONS").save(
        tmp_path / "map.html")
    offline.open(path)
    offline.wait_bokeh()
    colours = gp.class_colours(len(gp.MINUTES_BINS) + 1)
    assert offline.bokeh_data("areas")["fill"] == [colours[0], colours[0]]
    offline.page.locator("select").select_option("Close S2")
    offline.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('areas').data.fill[1] === "
        f"'{colours[4]}'")
    site_data = offline.bokeh_data("sites")
    assert dict(zip(site_data["site_id"], site_data["role"], strict=True)) == {
        "S1": "hub", "S2": "closed"}
    text = offline.text()
    assert text.count("OpenStreetMap contributors") == 1
    assert "OpenStreetMap background map (needs an internet connection)" in text
    # the legend, caption included, lies inside the map's canvas
    boxes = offline.page.evaluate(LEGEND_BOXES)
    assert len(boxes) == 1
    for x0, y0, x1, y1, cx0, cy0, cx1, cy1 in boxes:
        assert cx0 <= x0 < x1 <= cx1 and cy0 <= y0 < y1 <= cy1
    assert offline.outside == [] and offline.errors == [] and alerts == []
    # tiles are fetched only once the reader asks for them (here: blocked, so recorded)
    offline.page.get_by_label("OpenStreetMap background map", exact=False).check()
    offline.page.wait_for_function("() => true")
    offline.page.wait_for_timeout(500)
    assert offline.outside and all(u.startswith("https://tile.openstreetmap.org/")
                                   for u in offline.outside)


def test_rutland_map_has_every_area_for_every_scenario(rutland_walk_tt, rutland_areas,
                                                       rutland_sites, tmp_path, offline):
    result = ga.evaluate(rutland_walk_tt, rutland_areas, demo_scenarios(rutland_sites),
                         population="children_0_4")
    m = ga.explore(result, rutland_areas, sites=rutland_sites)
    d = _data(m, "areas")
    for j, name in enumerate(result.scenario_names):
        expected = result[name]["nearest_minutes"].reindex(rutland_areas["area_id"])
        assert d[f"minutes_{j}"] == [f"{x:.1f} min" for x in expected]
    assert len(_data(m, "sites")["site_id"]) == len(rutland_sites)
    offline.open(m.save(tmp_path / "rutland.html"))
    offline.wait_bokeh()
    assert len(offline.bokeh_data("areas")["area_id"]) == len(rutland_areas)
    assert offline.outside == [] and offline.errors == []


def test_page_has_no_outside_script_and_shows_in_jupyter(tiny):
    areas, sites, result = tiny
    m = ga.explore(result, areas, sites=sites)
    text = m.to_html()
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", text)
    frame = m._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "&lt;script" in frame
