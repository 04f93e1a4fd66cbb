"""Origins: homes, grids and points per area, and what they change on real data.

Hand-worked cases use a tiny OSM file written here (buildings and land use placed on the
British National Grid, so footprints are exact numbers of square metres). Real cases use
Rutland (rural, patchily mapped) and Levenshulme (dense, deprived, no population counts).
Independent checks: a journey on foot can never be shorter than the straight line, so
no home is within *t* minutes unless an open site lies within *t* × 80 m (4.8 km/h) of
it; and the optimiser's choice is checked against every possible choice.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import box

import geoaccess as ga
from geoaccess.errors import InputError

X0, Y0 = 450_000.0, 300_000.0
WALK_M_PER_MIN = 4.8 * 1000 / 60


# ------------------------------------------------------------------ a tiny OSM file
def _write_osm(path: Path, polygons: list[tuple[shapely.Polygon, dict[str, str]]]) -> Path:
    """Write closed ways (BNG polygons with tags) as OSM XML in WGS84."""
    to_wgs = pyproj.Transformer.from_crs(27700, 4326, always_xy=True)
    nodes, ways, nid = [], [], 0
    for wid, (poly, tags) in enumerate(polygons, start=1):
        refs = []
        for x, y in list(poly.exterior.coords)[:-1]:
            nid += 1
            lon, lat = to_wgs.transform(x, y)
            nodes.append(f'<node id="{nid}" version="1" lat="{lat:.9f}" lon="{lon:.9f}"/>')
            refs.append(nid)
        refs.append(refs[0])
        body = "".join(f'<nd ref="{r}"/>' for r in refs)
        body += "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        ways.append(f'<way id="{wid}" version="1">{body}</way>')
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
                    + "\n".join(nodes + ways) + "\n</osm>\n", encoding="utf-8")
    return path


@pytest.fixture
def village(tmp_path):
    """Three areas on a 100 m grid (BNG, metres from X0, Y0)::

        area A (0..400 × 0..300, 90 children): residential land 0..300 × 0..300 with
            house    40..60 × 40..50,   2 storeys       200 m² × 2 = 400 m² of floor
            yes     200..210 × 200..210 (in land)       100 m²          a home
            yes      50..54 × 250..255 (in land)         20 m²  < 30 m²: not a home
            garage  100..106 × 250..256                  not a home
            yes     350..360 × 150..160 (outside land)   not a home
        area B (400..800 × 0..300, 30 children): nothing mapped
        area C (0..400 × 300..600, 60 children): residential land 100..250 × 400..500,
            no buildings
    """
    def b(x1, y1, x2, y2):
        return box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)

    osm = _write_osm(tmp_path / "village.osm", [
        (b(0, 0, 300, 300), {"landuse": "residential"}),
        (b(40, 40, 60, 50), {"building": "house", "building:levels": "2"}),
        (b(200, 200, 210, 210), {"building": "yes"}),
        (b(50, 250, 54, 255), {"building": "yes"}),
        (b(100, 250, 106, 256), {"building": "garage"}),
        (b(350, 150, 360, 160), {"building": "yes"}),
        (b(100, 400, 250, 500), {"landuse": "residential"}),
    ])
    areas = ga.read_areas(gpd.GeoDataFrame(
        {"area_id": ["A", "B", "C"], "children": [90.0, 30.0, 60.0]},
        geometry=[b(0, 0, 400, 300), b(400, 0, 800, 300), b(0, 300, 400, 600)],
        crs=27700), population="children")
    return osm, areas


def test_buildings_weighted_by_floor_area(village):
    """method="buildings": A's homes are the house (400 m² of floor) and the untyped
    building inside residential land (100 m²): weights 0.8 and 0.2, so 72 and 18 of its
    90 children. B has nothing mapped (one point for the area, with the reason); C has
    land but no homes (a grid on it: a whole 100 m cell and a half cell, 2/3 and 1/3)."""
    osm, areas = village
    o = ga.build_origins(areas, osm=osm, method="buildings")
    a = o[o.area_id == "A"].sort_values("floor_m2", ascending=False)
    assert a["method"].tolist() == ["building", "building"]
    np.testing.assert_allclose(a["floor_m2"], [400, 100], rtol=1e-3)
    np.testing.assert_allclose(a["weight"], [0.8, 0.2], rtol=1e-3)
    np.testing.assert_allclose(a["children"], [72, 18], rtol=1e-3)
    bx = o[o.area_id == "B"]
    assert bx["method"].tolist() == ["centroid"]
    assert bx["reason"].iloc[0] == ("no homes mapped in OSM; no residential land use mapped "
                                    "in OSM; one point for the whole area")
    assert bx.geometry.iloc[0].equals(shapely.Point(areas.origin_x[1], areas.origin_y[1]))
    c = o[o.area_id == "C"].sort_values("weight", ascending=False)
    assert c["method"].tolist() == ["grid", "grid"]
    np.testing.assert_allclose(c["weight"], [2 / 3, 1 / 3], rtol=1e-4)
    assert c["reason"].iloc[0] == "no homes mapped in OSM; a grid on its residential land"
    assert o["origin_id"].tolist()[:2] == ["A-0", "A-1"]
    summary = ga.summarise_origins(o).set_index("area_id")
    assert summary["origin_method"].tolist() == ["building", "centroid", "grid"]
    assert summary["homes"].tolist() == [2, 0, 0]


def test_auto_fills_unmapped_residential_land_with_a_grid(village):
    """method="auto": A keeps its two homes and adds grid points on its residential land
    further than 30 m from any building, each weighing its land × floor_ratio (0.2 m² of
    floor per m²), so the two kinds share one unit. Checked against shapely directly:
    the grid's land is the uncovered land less the slivers under a tenth of a cell."""
    osm, areas = village
    o = ga.build_origins(areas, osm=osm, floor_ratio=0.2)
    a = o[o.area_id == "A"]
    grid = a[a.method == "grid"]
    homes = a[a.method == "building"]
    assert len(homes) == 2 and len(grid) >= 5
    footprints = [box(X0 + 40, Y0 + 40, X0 + 60, Y0 + 50),
                  box(X0 + 200, Y0 + 200, X0 + 210, Y0 + 210),
                  box(X0 + 50, Y0 + 250, X0 + 54, Y0 + 255),
                  box(X0 + 100, Y0 + 250, X0 + 106, Y0 + 256),
                  box(X0 + 350, Y0 + 150, X0 + 360, Y0 + 160)]
    land = box(X0, Y0, X0 + 300, Y0 + 300)

    def gap(radius):
        return land.difference(shapely.union_all([f.buffer(radius, 64) for f in footprints]))

    # buffers are polygons with 4 segments per quarter circle: between radius 30 and
    # 30 cos(pi / 16) = 29.42 m
    land_m2 = grid["floor_m2"].sum() / 0.2
    assert gap(30).area - 9 * 1000 <= land_m2 <= gap(29.4).area + 1
    assert all(gap(29.4).contains(p) for p in grid.geometry)
    expected = np.array([400.0, 100.0]) / (500 + grid["floor_m2"].sum())
    np.testing.assert_allclose(np.sort(homes["weight"])[::-1], expected, rtol=1e-3)
    assert o.groupby("area_id")["weight"].sum().round(12).eq(1).all()
    assert o["children"].sum() == pytest.approx(180)
    assert o[o.area_id == "A"]["reason"].isna().all()


def test_grid_centroid_and_points(village):
    """grid: A's 3 ha of land, nine whole cells of 1/9 each. centroid: one point per
    area at its origin. points: counts 5 and 15 in A (0.25/0.75), a zero and a point
    outside every area left out, B and C fall back to their one point."""
    osm, areas = village
    g = ga.build_origins(areas, osm=osm, method="grid")
    np.testing.assert_allclose(g[g.area_id == "A"]["weight"], np.full(9, 1 / 9), rtol=1e-4)
    assert (g[g.area_id == "A"].geometry.x % 100).round(6).eq(50).all()  # cell centres
    c = ga.build_origins(areas, method="centroid")
    assert c["origin_id"].tolist() == ["A-0", "B-0", "C-0"]
    np.testing.assert_allclose(c.geometry.x, areas["origin_x"])
    pts = gpd.GeoDataFrame({"count": [5, 15, 0, 7]},
                           geometry=gpd.points_from_xy([X0 + 10, X0 + 20, X0 + 30, X0 - 50],
                                                       [Y0 + 10, Y0 + 20, Y0 + 30, Y0]),
                           crs=27700)
    p = ga.build_origins(areas, points=pts, method="points", points_weight="count")
    assert p[p.area_id == "A"]["weight"].tolist() == [0.25, 0.75]
    assert p[p.area_id == "B"]["method"].tolist() == ["centroid"]
    assert p[p.area_id == "B"]["reason"].iloc[0].startswith("no points with a weight")
    bad = pts.assign(count=[5, -1, 0, np.nan])
    with pytest.raises(InputError, match="counts or weights >= 0") as err:
        ga.build_origins(areas, points=bad, method="points", points_weight="count")
    assert err.value.rows == ["1", "3"]


def test_build_origins_refuses_bad_input(village):
    osm, areas = village
    with pytest.raises(InputError, match="method='homes' is not one of"):
        ga.build_origins(areas, osm=osm, method="homes")
    with pytest.raises(InputError, match="needs osm="):
        ga.build_origins(areas, method="buildings")
    with pytest.raises(InputError, match="metric"):
        ga.build_origins(areas.to_crs(4326), osm=osm)
    with pytest.raises(InputError, match="OSM file not found"):
        ga.build_origins(areas, osm=Path("nowhere.osm.pbf"))


# ------------------------------------------------------------------------ Rutland
@pytest.fixture(scope="module")
def homes(rutland_areas, rutland_osm):
    return ga.build_origins(rutland_areas, osm=rutland_osm)


@pytest.fixture(scope="module")
def homes_tt(rutland_walk, rutland_sites, homes):
    return ga.travel_times(rutland_walk, rutland_sites, homes, progress=False)


@pytest.fixture(scope="module")
def current(rutland_sites):
    return ga.Scenario.from_sites(rutland_sites)


@pytest.fixture(scope="module")
def homes_result(homes_tt, rutland_areas, current):
    return ga.evaluate(homes_tt, rutland_areas, current, population="children_0_4",
                       thresholds=[15, 20, 30])


def test_rutland_origins_cover_every_area(homes, rutland_areas):
    assert list(homes["area_id"].unique()) == rutland_areas["area_id"].tolist()
    assert homes.groupby("area_id")["weight"].sum().round(9).eq(1).all()
    for col in ("children_0_4", "children_5_15"):
        assert homes[col].sum() == pytest.approx(rutland_areas[col].sum())
    assert set(homes["method"]) <= {"building", "grid", "point", "centroid"}
    assert len(homes) > 20 * len(rutland_areas)
    assert homes.crs == rutland_areas.crs


def test_walking_can_never_beat_the_straight_line(homes, homes_tt, rutland_sites):
    """Every origin's time to every site is at least the straight-line distance walked
    at 4.8 km/h (network paths and snap legs are never shorter than the crow flies)."""
    xy = np.column_stack([homes.geometry.x, homes.geometry.y])
    s = rutland_sites.to_crs(homes.crs)
    sxy = np.column_stack([s.geometry.x, s.geometry.y])
    crow = np.hypot(xy[:, None, 0] - sxy[None, :, 0], xy[:, None, 1] - sxy[None, :, 1])
    minutes = homes_tt.minutes.to_numpy(np.float64)
    ok = np.isfinite(minutes)
    assert ok.mean() > 0.99
    assert (minutes[ok] >= crow[ok] / WALK_M_PER_MIN - 1e-3).all()


def test_rutland_no_area_with_an_open_site_reads_zero(homes_result, rutland_areas,
                                                      rutland_sites):
    """With every venue open, each area containing one has some children within 15
    minutes' walk (with one point per area, Greetham read 0% though its centre is open)."""
    sites = rutland_sites.to_crs(rutland_areas.crs)
    joined = gpd.sjoin(sites, rutland_areas[["area_id", "geometry"]], predicate="within")
    with_site = sorted(set(joined["area_id"]))
    assert len(with_site) >= 15
    share = homes_result["Current"]["share_within_15"]
    assert (share.loc[with_site] > 0).all()


def test_rutland_shares_differ_by_threshold(homes_result, homes_tt, rutland_areas):
    """Within 15, 20 and 30 minutes: three different shares of children (one point per
    area gave 84.6% at all three), each equal to an independent sum over homes."""
    s = homes_result.summary.iloc[0]
    shares = [s["share_within_15"], s["share_within_20"], s["share_within_30"]]
    assert len({round(x, 6) for x in shares}) == 3 and shares == sorted(shares)
    kids = homes_tt.row_weights(rutland_areas, "children_0_4")
    nearest = homes_tt.minutes.min(axis=1)
    for t, share in zip((15, 20, 30), shares, strict=True):
        assert share == pytest.approx(kids[nearest <= t].sum() / kids.sum())
    fractional = homes_result.areas["share_within_15"]
    assert ((fractional > 0) & (fractional < 1)).sum() >= 10


def test_greetham_is_explained_by_its_homes(homes, homes_tt, homes_result, rutland_sites,
                                            rutland_walk_tt, rutland_areas, current):
    """Greetham (E01013790, ward Greetham): one point per area put it 4.6 km from its
    community centre. Its homes cluster in the village: every home within 15 minutes is
    within 1.2 km of an open site, those within 1.2 km of the Greetham Community Centre
    (S13) carry most of that share, and the share is neither 0 nor 1."""
    gid = "E01013790"
    row = homes_result["Current"].loc[gid]
    assert 0.2 < row["share_within_15"] < 0.9
    assert row["nearest_site"] == "S13"
    mine = homes[homes.area_id == gid].set_index("origin_id")
    near = homes_tt.minutes.loc[mine.index].min(axis=1)
    assert row["share_within_15"] == pytest.approx(mine["weight"][near <= 15].sum())
    s13 = rutland_sites.to_crs(homes.crs).set_index("site_id").geometry["S13"]
    dist = mine.geometry.distance(s13)
    assert dist[near <= 15].max() <= 15 * WALK_M_PER_MIN + 1
    village = mine["weight"][dist <= 1200].sum()
    assert village >= row["share_within_15"] - 1e-9
    one_point = ga.evaluate(rutland_walk_tt, rutland_areas, current,
                            population="children_0_4", thresholds=[15])
    assert one_point["Current"].loc[gid, "share_within_15"] in (0.0, 1.0)


def test_rutland_comparison_counts_children_at_their_homes(homes_tt, rutland_areas,
                                                           rutland_sites, current):
    """Keeping every other venue: the children who lose 15-minute access, summed over
    homes from the origin table by hand, equal the comparison's count."""
    keep = ga.Scenario.from_site_ids("Keep 18", rutland_sites["site_id"].tolist()[::2],
                                     sites=rutland_sites)
    r = ga.evaluate(homes_tt, rutland_areas, [current, keep], population="children_0_4",
                    thresholds=[15])
    c = ga.compare(r)
    o = r.origins
    base = o[o.scenario == "Current"].set_index("origin_id")
    prop = o[o.scenario == "Keep 18"].set_index("origin_id")
    lose = (base["nearest_minutes"] <= 15) & ~(prop["nearest_minutes"] <= 15)
    assert c.summary.loc[0, "population_loses_15"] == pytest.approx(
        prop["children_0_4"][lose].sum())
    assert c.areas["population_loses_15"].sum() == pytest.approx(
        c.summary.loc[0, "population_loses_15"])
    assert len(c.areas) == len(rutland_areas)
    assert (r.sites.groupby("scenario")["population_nearest"].sum()
            .to_numpy() == pytest.approx(r.summary["population_reached"].to_numpy()))


def test_origin_matrix_saves_and_loads(tmp_path, homes_tt):
    back = ga.TravelTimes.load(homes_tt.save(tmp_path / "homes.parquet"))
    pd.testing.assert_frame_equal(back.minutes, homes_tt.minutes)
    assert back.minutes.dtypes.eq(np.float32).all()
    pd.testing.assert_frame_equal(back.origins, homes_tt.origins, check_dtype=False)
    pd.testing.assert_frame_equal(back.snap, homes_tt.snap, check_dtype=False)
    assert list(back.area_ids) == list(homes_tt.area_ids)


def test_area_view_and_row_weights(homes_tt, rutland_areas):
    """The area view is each area's weighted mean over its origins with a time; the row
    weights spread each area's children over its origins."""
    view = homes_tt.area_view()
    assert list(view.minutes.index) == list(homes_tt.area_ids)
    o = homes_tt.origins
    first = homes_tt.area_ids[0]
    rows = o.index[o.area_id == first]
    w = o.loc[rows, "weight"].to_numpy()
    m = homes_tt.minutes.loc[rows, "S13"].to_numpy(np.float64)
    assert view.minutes.loc[first, "S13"] == pytest.approx((w * m).sum() / w.sum())
    kids = homes_tt.row_weights(rutland_areas, "children_0_4")
    by_area = kids.groupby(o["area_id"]).sum()
    expected = rutland_areas.set_index("area_id")["children_0_4"]
    np.testing.assert_allclose(by_area.loc[expected.index], expected)
    with pytest.raises(InputError, match="missing from the areas table"):
        homes_tt.row_weights(rutland_areas.iloc[1:], "children_0_4")


# -------------------------------------------------------------------- optimisation
def test_p_median_on_origins_matches_brute_force():
    """p-median over homes, checked against every choice of 2 of 4 sites: the best
    choice minimises the children-weighted mean minutes over homes (not over areas).

    Areas X (60 children: homes x1 2/3, x2 1/3) and Y (30: y1, y2 halves). The rows are
    passed to the optimiser with their children (TravelTimes.row_weights)."""
    minutes = pd.DataFrame({"S1": [2.0, 30, 25, 40], "S2": [20.0, 4, 30, 30],
                            "S3": [30.0, 25, 3, 20], "S4": [12.0, 12, 12, 12]},
                           index=["x1", "x2", "y1", "y2"])
    origins = pd.DataFrame({"area_id": ["X", "X", "Y", "Y"], "weight": [2, 1, 1, 1]},
                           index=minutes.index)
    tt = ga.TravelTimes.from_frame(minutes, origins=origins)
    areas = pd.DataFrame({"area_id": ["X", "Y"], "children": [60.0, 30.0]})
    kids = tt.row_weights(areas, "children")
    best = min(itertools.combinations(minutes.columns, 2),
               key=lambda keep: float((minutes[list(keep)].min(axis=1) * kids).sum()))
    rows = kids.rename_axis("area_id").reset_index()
    sol = ga.p_median(tt, rows, population="children", p=2)
    assert sorted(sol.open_sites) == sorted(best)
    expected = float((minutes[list(best)].min(axis=1) * kids).sum() / kids.sum())
    assert sol.objective == pytest.approx(expected)
    r = ga.evaluate(tt, areas, sol.scenario, population="children")
    assert r.summary.loc[0, "mean_minutes"] == pytest.approx(expected)


# --------------------------------------------------------------------- Levenshulme
def _venues(path: Path, crs) -> gpd.GeoDataFrame:
    """Childcare and primary schools tagged in the OSM file (independent of geoaccess)."""
    rows = []
    for obj in osmium.FileProcessor(str(path)).with_locations():
        amenity = obj.tags.get("amenity")
        name = obj.tags.get("name") or ""
        if amenity == "childcare" or (amenity == "school" and "Primary" in name):
            if obj.is_node():
                lon, lat = obj.location.lon, obj.location.lat
            else:
                pts = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
                lon, lat = np.mean(pts, axis=0)
            rows.append({"site_id": f"V{len(rows) + 1}", "name": name, "lon": lon, "lat": lat})
    frame = pd.DataFrame(rows)
    return ga.read_sites(frame).to_crs(crs)


def test_levenshulme_end_to_end_weighted_by_homes():
    """Levenshulme/Longsight (IMD decile 1) has streets and buildings but no population
    counts: demand is weighted by homes (mapped residential buildings, one home each),
    and says so. The five LSOAs with no mapped homes have no demand but are in every
    result, with the reason for their origins."""
    osm = ga.datasets.get_path("levenshulme-osm")
    areas = ga.read_areas(ga.datasets.get_path("levenshulme-lsoa"), population=[])
    origins = ga.build_origins(areas, osm=osm, method="buildings")
    per_area = ga.summarise_origins(origins).set_index("area_id")
    areas["homes"] = per_area["homes"].reindex(areas["area_id"]).to_numpy(np.float64)
    assert areas["homes"].sum() > 700
    assert (areas["homes"] == 0).sum() == 5
    sites = _venues(osm, areas.crs)
    assert len(sites) >= 3
    net = ga.Network.from_osm_file(osm, mode="walk")
    tt = ga.travel_times(net, sites, origins, progress=False)
    scen = [ga.Scenario.from_sites(sites),
            ga.Scenario.from_site_ids("Childcare only", ["V1"], sites=sites)]
    r = ga.evaluate(tt, areas, scen, population="homes", thresholds=[5, 10, 15])
    assert r.population == "homes"
    assert len(r.areas) == 2 * 13 and r.areas["area_id"].nunique() == 13
    s = r.summary.set_index("scenario")
    assert s.loc["Current", "population"] == pytest.approx(areas["homes"].sum())
    assert s.loc["Current", "share_within_15"] > 0.9        # a dense 2 km cell
    assert s.loc["Childcare only", "mean_minutes"] > s.loc["Current", "mean_minutes"]
    no_homes = areas.loc[areas["homes"] == 0, "area_id"]
    assert per_area.loc[no_homes, "reason"].str.startswith("no homes mapped in OSM").all()
    c = ga.compare(r)
    assert c.summary.loc[0, "population_loss"] <= areas["homes"].sum() + 1e-6


# -------------------------------------------------------------------- sensitivity
def test_sensitivity_to_origins_and_speeds(rutland_walk, rutland_sites, rutland_areas,
                                           rutland_osm, current):
    """One factor at a time. Walking has one speed, so at 4.0 km/h every journey (street
    and access legs) takes 4.8/4.0 = 1.2 times as long: the mean is exactly 1.2 times the
    reference's and fewer children are within 15 minutes; at 5.6 km/h more are. The
    pushchair (4.0 km/h, no steps) is never quicker than walking at 4.0 km/h."""
    keep = ga.Scenario.from_site_ids("Keep 18", rutland_sites["site_id"].tolist()[::2],
                                     sites=rutland_sites)
    table = ga.sensitivity(rutland_sites, rutland_areas, [current, keep], osm=rutland_osm,
                           network=rutland_walk, population="children_0_4",
                           methods=["auto", "centroid"], speeds_kmh=[4.0, 4.8, 5.6])
    assert table["factor"].tolist() == (["reference"] * 2 + ["origins"] * 2 + ["speed"] * 4
                                        + ["pushchair"] * 2)
    assert list(table.columns[:6]) == ["factor", "variant", "origin_method", "mode",
                                       "speed_kmh", "scenario"]
    by = table.set_index(["variant", "scenario"])
    ref = by.loc["auto origins, walking 4.8 km/h"]
    slow = by.loc["auto origins, walking 4 km/h"]
    fast = by.loc["auto origins, walking 5.6 km/h"]
    push = by.loc["auto origins, pushing a pushchair 4 km/h"]
    one_point = by.loc["centroid origins, walking 4.8 km/h"]
    assert (ref["population_unreachable"] == 0).all()
    np.testing.assert_allclose(slow["mean_minutes"], ref["mean_minutes"] * 1.2, rtol=1e-5)
    assert (slow["share_within_15"] <= ref["share_within_15"]).all()
    assert (fast["share_within_15"] >= ref["share_within_15"]).all()
    assert (slow["share_within_15"] < fast["share_within_15"]).all()
    assert (push["mean_minutes"] >= slow["mean_minutes"] - 1e-6).all()
    assert (one_point["share_within_15"] != ref["share_within_15"]).all()
    with pytest.raises(InputError, match="unknown origin methods"):
        ga.sensitivity(rutland_sites, rutland_areas, current, network=rutland_walk,
                       methods=["homes"], pushchair=False)


def test_optimiser_on_homes_weights_homes_by_the_areas_default_population(
        homes_tt, rutland_areas, rutland_sites):
    """Without ``population=``, a matrix of homes is weighted by the column read_areas was
    told of (as evaluate is), never one per home: the coverage the optimiser reports
    equals the children within 15 minutes that evaluate counts at their homes."""
    assert rutland_areas.attrs["population"][0] == "children_0_4"
    keep = rutland_sites["site_id"].tolist()[:4]
    sol = ga.max_coverage(homes_tt, rutland_areas, p=6, must_keep=keep, threshold_minutes=15,
                          sites=rutland_sites)
    named = ga.max_coverage(homes_tt, rutland_areas, p=6, must_keep=keep,
                            threshold_minutes=15, sites=rutland_sites,
                            population="children_0_4")
    assert sol.objective == pytest.approx(named.objective)
    r = ga.evaluate(homes_tt, rutland_areas, [sol], population="children_0_4",
                    thresholds=[15])
    o = r.origins
    assert sol.objective == pytest.approx(o.loc[o["nearest_minutes"] <= 15,
                                                "children_0_4"].sum())
    assert sol.objective <= rutland_areas["children_0_4"].sum()


def test_breakdown_counts_children_at_their_homes(homes_tt, rutland_areas, rutland_sites,
                                                 current):
    """The breakdown of a result from homes agrees with evaluate's summary for all areas,
    and each group's share within 15 minutes is its children at homes within 15 minutes
    (summed by hand from the origin table) over its children."""
    few = ga.Scenario("Four libraries", {s: "hub" for s in rutland_sites["site_id"][:4]})
    r = ga.evaluate(homes_tt, rutland_areas, [current, few], population="children_0_4",
                    thresholds=[15])
    b = ga.breakdown(ga.compare(r), rutland_areas, by="imd_decile")
    total = b[b["imd_decile"] == "All areas"].set_index("scenario")
    summary = r.summary.set_index("scenario")
    for col in ("share_within_15", "mean_minutes", "median_minutes", "p90_minutes"):
        assert total[col].to_numpy() == pytest.approx(summary.loc[total.index, col].to_numpy())
    o = r.origins.merge(rutland_areas[["area_id", "imd_decile"]], on="area_id")
    o = o[o["scenario"] == "Four libraries"]
    within = o[o["nearest_minutes"] <= 15].groupby("imd_decile")["children_0_4"].sum()
    people = rutland_areas.groupby("imd_decile")["children_0_4"].sum()
    rows = b[(b["scenario"] == "Four libraries") & (b["imd_decile"] != "All areas")]
    for _, row in rows.iterrows():
        q = row["imd_decile"]
        assert row["population_within_15"] == pytest.approx(within.get(q, 0.0))
        assert row["share_within_15"] == pytest.approx(within.get(q, 0.0) / people[q])
        assert row["areas"] == (rutland_areas["imd_decile"] == q).sum()


def test_findings_count_longer_journeys_at_homes(homes_tt, rutland_areas, rutland_sites,
                                                 current):
    """The findings' "would have a longer journey" counts children at their homes, the
    number the comparison gives (population_loss), not whole areas."""
    few = ga.Scenario("Four libraries", {s: "hub" for s in rutland_sites["site_id"][:4]})
    r = ga.evaluate(homes_tt, rutland_areas, [current, few], population="children_0_4",
                    thresholds=[15])
    c = ga.compare(r)
    longer = c.summary.loc[0, "population_loss"]
    assert 0 < longer < rutland_areas["children_0_4"].sum()
    found = ga.findings(c, rutland_areas, threshold_minutes=15)
    text = " ".join(found.sentences)
    caveats = " ".join(found.caveats)
    assert "Each journey starts at a home" in caveats and "one point" not in caveats
    share = longer / rutland_areas["children_0_4"].sum()
    assert f"{longer:,.0f} ({share:.0%}) would have a longer journey" in text


def test_report_sets_homes_beside_one_point_per_area(homes_tt, rutland_walk_tt, rutland_areas,
                                                     rutland_sites, current):
    """The report's "Where journeys start" block shows, for the headline threshold, the
    share of children within it from homes and from one point per area, each equal to
    evaluate's summary of that matrix, and the sentence where they differ materially."""
    from geoaccess.sensitivity import origin_comparison

    few = ga.Scenario("Four libraries", {s: "hub" for s in rutland_sites["site_id"][:4]})
    kw = {"population": "children_0_4", "thresholds": [15, 30]}
    homes = ga.evaluate(homes_tt, rutland_areas, [current, few], **kw)
    one = ga.evaluate(rutland_walk_tt, rutland_areas, [current, few], **kw)
    table = origin_comparison(homes, one, population_words="children aged 0–4")
    html = ga.render_report(ga.compare(homes), rutland_areas, sites=rutland_sites,
                            threshold_minutes=15, origins_comparison=table)
    block = html[html.index('id="origins"'):html.index("</section>", html.index('id="origins"'))]
    for name in ("Current", "Four libraries"):
        h = homes.summary.set_index("scenario").loc[name, "share_within_15"]
        p = one.summary.set_index("scenario").loc[name, "share_within_15"]
        row = re.search(rf"<td>{name}</td>\s*<td class=\"num\">15</td>\s*"
                        rf"<td class=\"num\">(\d+)%</td>\s*<td class=\"num\">(\d+)%</td>", block)
        assert row and row.groups() == (f"{100 * h:.0f}", f"{100 * p:.0f}"), name
        if abs(h - p) >= 0.05:
            assert f"Under {name}, {h:.0%} of children aged 0–4 live within 15 minutes" in block
    assert "<td class=\"num\">30</td>" not in block  # only the headline threshold
    assert 'id="origins"' not in ga.render_report(ga.compare(homes), rutland_areas,
                                                  threshold_minutes=15)
