"""Interactive maps (geoaccess.explore, folium)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

import geoaccess as ga
import geoaccess.plot as gp
from geoaccess.demo import demo_scenarios

folium = pytest.importorskip("folium")


def _groups(m):
    return [c for c in m._children.values() if isinstance(c, folium.FeatureGroup)]


def _features(group):
    gj = next(c for c in group._children.values() if isinstance(c, folium.GeoJson))
    return [f["properties"] for f in gj.data["features"]]


def _markers(group):
    return [c for c in group._children.values() if isinstance(c, folium.CircleMarker)]


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


def test_a_layer_per_scenario_with_minutes_change_and_sites_by_role(tiny):
    areas, sites, result = tiny
    m = ga.explore(ga.compare(result), areas, sites=sites, tiles=None)
    groups = _groups(m)
    assert [g.layer_name for g in groups] == ["Now", "Close S2"]
    assert [g.show for g in groups] == [True, False]
    now, close = (_features(g) for g in groups)
    assert [p["minutes"] for p in now] == ["4.0 min", "3.0 min"]
    assert [p["minutes"] for p in close] == ["4.0 min", "22.0 min"]
    assert [p["change"] for p in close] == ["unchanged", "+19.0 min"]
    assert close[1]["crossing"] == "loses 10-, 15- and 20-minute access"
    assert [p["change"] for p in now] == ["baseline", "baseline"]
    assert [p["population"] for p in close] == ["10", "30"]
    # the fill is the class colour of the shared scale: 22 minutes is in 20-30
    colours = gp.class_colours(len(gp.MINUTES_BINS) + 1)
    assert close[1]["fill"] == colours[4] and now[1]["fill"] == colours[0]
    # sites drawn in each layer in that scenario's role: S2 closed in "Close S2"
    assert len(_markers(groups[0])) == len(_markers(groups[1])) == 2
    roles = [mk.options["fillColor"] for mk in _markers(groups[1])]
    assert roles == [gp.ROLE_STYLES["hub"]["color"], gp.ROLE_STYLES["closed"]["color"]]


def test_attribution_and_escaped_names_in_the_page(tiny):
    areas, sites, result = tiny
    m = ga.explore(result, areas, sites=sites, tiles=None, credits="Boundaries: ONS")
    html = m.get_root().render()
    assert "OpenStreetMap contributors | Boundaries: ONS" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Hall `${x}`" not in html and "Hall &#96;&#36;{x}&#96;" in html


@pytest.mark.skipif(shutil.which("node") is None, reason="node.js not installed")
def test_the_page_scripts_parse_as_javascript_with_hostile_names(tiny, tmp_path):
    areas, sites, result = tiny
    html = ga.explore(result, areas, sites=sites, tiles=None).get_root().render()
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    path = tmp_path / "page.js"
    path.write_text("\n".join(scripts), encoding="utf-8")
    done = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_rutland_map_has_every_area_in_every_layer(rutland_walk_tt, rutland_areas,
                                                   rutland_sites):
    result = ga.evaluate(rutland_walk_tt, rutland_areas, demo_scenarios(rutland_sites),
                         population="children_0_4")
    m = ga.explore(result, rutland_areas, sites=rutland_sites, tiles="OpenStreetMap")
    groups = _groups(m)
    assert [g.layer_name for g in groups] == result.scenario_names
    for g, name in zip(groups, result.scenario_names, strict=True):
        props = _features(g)
        assert len(props) == len(rutland_areas) and len(_markers(g)) == len(rutland_sites)
        expected = result[name]["nearest_minutes"].reindex(rutland_areas["area_id"])
        assert [p["minutes"] for p in props] == [f"{x:.1f} min" for x in expected]
    html = m.get_root().render()
    assert "openstreetmap.org/copyright" in html  # the tiles' own attribution


def test_no_time_is_said_in_words(tiny):
    areas, _, _ = tiny
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, np.nan]}, index=["E1", "E2"]))
    r = ga.evaluate(tt, areas, ga.Scenario("A", {"S1": "hub"}), population="kids")
    props = _features(_groups(ga.explore(r, areas, tiles=None))[0])
    assert props[1]["minutes"] == "no time" and props[1]["fill"] == "#d9d9d9"


def test_clear_message_when_folium_is_missing(tiny, monkeypatch):
    areas, _, result = tiny
    monkeypatch.setitem(sys.modules, "folium", None)
    with pytest.raises(ImportError, match=r"geoaccess\[explore\]"):
        ga.explore(result, areas)
