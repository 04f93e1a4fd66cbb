"""Reading sites and areas: formats, CRS handling, and one clear error per bad input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geoaccess as ga

SITES_CSV = """site_id,name,kind,capacity,sessions_per_week,lat,lon
A,Oakham Hub,hub,60,10,52.6714,-0.7311
B,Uppingham,centre,30,5,52.5873,-0.7230
C,Ketton,outreach,,2,52.6287,-0.5529
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def lsoa():
    return gpd.read_file(ga.datasets.get_path("rutland-lsoa"), layer="lsoa21")


# ----------------------------------------------------------------------------- good input
def test_sites_csv_latlon_to_bng(tmp_path):
    sites = ga.read_sites(write(tmp_path, "s.csv", SITES_CSV))
    assert sites.crs.to_epsg() == 27700
    assert sites.site_id.tolist() == ["A", "B", "C"]
    assert sites.kind.tolist() == ["hub", "centre", "outreach"]
    assert np.isnan(sites.capacity.iloc[2])
    # Oakham is at about E 486,000 N 308,800 on the National Grid
    assert sites.geometry.x.iloc[0] == pytest.approx(486_170, abs=300)
    assert sites.geometry.y.iloc[0] == pytest.approx(308_900, abs=300)


def test_sites_csv_easting_northing(tmp_path):
    text = "id,name,easting,northing\nX,Hall,486200,308700\n"
    sites = ga.read_sites(write(tmp_path, "s.csv", text))
    assert sites.geometry.x.iloc[0] == 486200
    assert sites.kind.iloc[0] == "centre"  # default kind


def test_sites_xy_with_crs(tmp_path):
    text = "site_id,x,y\nH,385000,6675000\n"
    sites = ga.read_sites(write(tmp_path, "s.csv", text), crs="EPSG:3067")
    assert sites.crs.to_epsg() == 32635  # Helsinki: local UTM zone


def test_sites_bom_and_cp1252(tmp_path):
    text = "site_id,name,lat,lon\nA,Café Hub – Oakham,52.67,-0.73\n"
    bom = ga.read_sites(write(tmp_path, "bom.csv", "\ufeff" + text))
    assert bom.columns[0] == "site_id" and bom.name.iloc[0] == "Café Hub – Oakham"
    win = ga.read_sites(write(tmp_path, "win.csv", text, encoding="cp1252"))
    assert win.name.iloc[0] == "Café Hub – Oakham"


def test_sites_kind_synonyms_and_map(tmp_path):
    text = ("site_id,type,lat,lon\nA,Family Hub,52.67,-0.73\nB,Children's Centre,52.6,-0.72\n"
            "C,Spoke,52.62,-0.55\nD,Library,52.62,-0.55\n")
    sites = ga.read_sites(write(tmp_path, "s.csv", text), kind_map={"Library": "base"})
    assert sites.kind.tolist() == ["hub", "centre", "outreach", "base"]


@pytest.mark.parametrize("suffix", ["geojson", "gpkg", "shp", "parquet"])
def test_spatial_formats_round_trip(tmp_path, suffix):
    sites = ga.read_sites(ga.datasets.get_path("rutland-sites"))
    path = tmp_path / f"sites.{suffix}"
    if suffix == "parquet":
        sites.to_parquet(path)
    elif suffix == "shp":  # shapefile names are 10 characters at most
        sites[["site_id", "name", "kind", "geometry"]].to_file(path)
    else:
        sites.to_file(path)
    back = ga.read_sites(path)
    assert back.site_id.tolist() == sites.site_id.tolist()
    assert np.allclose(back.geometry.x, sites.geometry.x, atol=1e-3)


def test_areas_gpkg_layer_and_columns(lsoa):
    areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), layer="lsoa21",
                          population=["children_0_4", "children_5_15"])
    assert len(areas) == 26
    assert areas.attrs["population"] == ["children_0_4", "children_5_15"]
    assert str(areas.imd_decile.dtype) == "Int64"
    assert areas.imd_decile.between(6, 10).all()
    assert areas.children_0_4.sum() == lsoa.children_0_4.sum()
    inside = shapely.contains_xy(areas.geometry.to_numpy(), areas.origin_x, areas.origin_y)
    assert inside.all()  # representative points lie inside their polygons
    assert (areas.origin_method == "representative_point").all()
    assert "ward" in areas.columns  # attributes kept


def test_areas_autodetect_population(lsoa):
    areas = ga.read_areas(lsoa)
    assert "children_0_4" in areas.attrs["population"]
    assert "population_2020" in areas.attrs["population"]


def test_areas_supplied_pwc_columns(lsoa):
    df = lsoa.copy()
    pts = df.representative_point()
    df["pwc_x"] = pts.x + 1.0
    df["pwc_y"] = pts.y
    areas = ga.read_areas(df, population="children_0_4")
    assert (areas.origin_method == "supplied").all()
    assert np.allclose(areas.origin_x, pts.x + 1.0)


def test_areas_points_csv(tmp_path):
    text = "area_id,children_0_4,lat,lon\nE1,10,52.67,-0.73\nE2,0,52.6,-0.72\n"
    areas = ga.read_areas(write(tmp_path, "a.csv", text))
    assert (areas.origin_method == "point").all()
    assert areas.children_0_4.tolist() == [10.0, 0.0]


def test_numeric_ids_read_as_text(tmp_path):
    text = "urn,lat,lon\n101,52.67,-0.73\n102,52.6,-0.72\n"
    assert ga.read_sites(write(tmp_path, "s.csv", text)).site_id.tolist() == ["101", "102"]


def test_utm_outside_britain(helsinki_pbf):
    df = pd.DataFrame({"site_id": ["x"], "lat": [60.17], "lon": [24.94]})
    assert ga.read_sites(df).crs.to_epsg() == 32635


# ------------------------------------------------------------------------------ bad input
def raises(match, fn, *args, **kwargs):
    with pytest.raises(ga.InputError, match=match) as info:
        fn(*args, **kwargs)
    return info.value


def test_missing_file(tmp_path):
    err = raises("file not found", ga.read_sites, tmp_path / "nope.csv")
    assert err.path.endswith("nope.csv")


def test_empty_file(tmp_path):
    raises("empty", ga.read_sites, write(tmp_path, "e.csv", ""))


def test_header_only_file(tmp_path):
    raises("no rows", ga.read_sites, write(tmp_path, "h.csv", "site_id,lat,lon\n"))


def test_unknown_format(tmp_path):
    raises("unknown file format '.docx'", ga.read_sites, write(tmp_path, "s.docx", "x"))


def test_not_a_path():
    raises("expected a file path", ga.read_sites, 42)


def test_no_id_column(tmp_path):
    err = raises("no site_id column", ga.read_sites, write(tmp_path, "s.csv",
                                                           "label,lat,lon\nA,52.6,-0.7\n"))
    assert err.column == "site_id"


def test_named_id_column_missing(tmp_path):
    raises("no column 'code' \\(id_column=\\)", ga.read_sites,
           write(tmp_path, "s.csv", SITES_CSV), id_column="code")


def test_duplicate_ids(tmp_path):
    text = "site_id,lat,lon\nA,52.6,-0.7\nA,52.61,-0.7\nB,52.62,-0.7\n"
    err = raises("duplicate ids", ga.read_sites, write(tmp_path, "s.csv", text))
    assert err.rows == ["A"] and err.column == "site_id"


def test_blank_ids(tmp_path):
    text = "site_id,lat,lon\nA,52.6,-0.7\n ,52.61,-0.7\n"
    err = raises("blank id", ga.read_sites, write(tmp_path, "s.csv", text))
    assert err.rows == ["row 2"]


def test_non_numeric_coordinates(tmp_path):
    text = "site_id,lat,lon\nA,52.6,-0.7\nB,north,-0.7\n"
    err = raises("non-numeric coordinates", ga.read_sites, write(tmp_path, "s.csv", text))
    assert err.rows == ["B"] and err.column == "lat"


def test_out_of_range_latitude(tmp_path):
    text = "site_id,lat,lon\nA,52.6,-0.7\nB,95.0,-0.7\n"
    err = raises("latitudes outside -90..90", ga.read_sites, write(tmp_path, "s.csv", text))
    assert err.rows == ["B"]


def test_out_of_range_longitude(tmp_path):
    text = "site_id,lat,lon\nA,52.6,-0.7\nB,52.0,190\n"
    raises("longitudes outside -180..180", ga.read_sites, write(tmp_path, "s.csv", text))


def test_swapped_lat_lon(tmp_path):
    text = "site_id,lat,lon\nA,-0.73,52.67\nB,-0.72,52.59\n"
    err = raises("look swapped", ga.read_sites, write(tmp_path, "s.csv", text))
    assert "lat='lon', lon='lat'" in str(err)


def test_missing_coordinates(tmp_path):
    text = "site_id,lat,lon\nA,52.6,-0.7\nB,,-0.7\n"
    err = raises("missing coordinates", ga.read_sites, write(tmp_path, "s.csv", text))
    assert err.rows == ["B"]


def test_no_location_columns(tmp_path):
    raises("no location", ga.read_sites, write(tmp_path, "s.csv", "site_id,name\nA,x\n"))


def test_xy_without_crs(tmp_path):
    raises("no stated CRS; pass crs=", ga.read_sites,
           write(tmp_path, "s.csv", "site_id,x,y\nA,1,2\n"))


def test_easting_outside_grid(tmp_path):
    text = "site_id,easting,northing\nA,486200,308700\nB,-52.6,0.7\n"
    err = raises("outside Great Britain's National Grid", ga.read_sites,
                 write(tmp_path, "s.csv", text))
    assert err.rows == ["B"]


def test_geodataframe_without_crs(lsoa):
    err = raises("set_crs", ga.read_areas, lsoa.set_crs(None, allow_override=True),
                 population="children_0_4")
    assert err.path is None and "GeoDataFrame" in str(err)


def test_invalid_geometry(lsoa):
    bad = lsoa.copy()
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)])
    bad.loc[3, "geometry"] = bowtie
    err = raises("invalid geometries.*make_valid", ga.read_areas, bad, population="children_0_4")
    assert err.rows == [lsoa.area_id.iloc[3]]


def test_empty_geometry(lsoa):
    bad = lsoa.copy()
    bad.loc[0, "geometry"] = shapely.Polygon()
    err = raises("empty or missing geometries", ga.read_areas, bad, population="children_0_4")
    assert err.rows == [lsoa.area_id.iloc[0]]


def test_negative_population(lsoa):
    bad = lsoa.copy()
    bad.loc[2, "children_0_4"] = -5
    err = raises("negative population", ga.read_areas, bad, population="children_0_4")
    assert err.rows == [lsoa.area_id.iloc[2]] and err.column == "children_0_4"


def test_missing_population(lsoa):
    bad = lsoa.copy()
    bad["children_0_4"] = bad["children_0_4"].astype(float)
    bad.loc[4, "children_0_4"] = np.nan
    err = raises("missing population", ga.read_areas, bad, population="children_0_4")
    assert err.rows == [lsoa.area_id.iloc[4]]


def test_unknown_population_column(lsoa):
    raises("no population column 'kids'", ga.read_areas, lsoa, population="kids")


def test_imd_decile_out_of_range(lsoa):
    bad = lsoa.copy()
    bad.loc[1, "imd_decile"] = 11
    bad.loc[5, "imd_decile"] = 0
    err = raises("IMD deciles 1..10", ga.read_areas, bad, population="children_0_4")
    assert err.rows == [lsoa.area_id.iloc[1], lsoa.area_id.iloc[5]]
    assert err.column == "imd_decile"


def test_unknown_site_kind_lists_allowed(tmp_path):
    text = "site_id,kind,lat,lon\nA,hub,52.6,-0.7\nB,spaceport,52.6,-0.7\n"
    err = raises("unknown site kinds \\['spaceport'\\]; allowed kinds are", ga.read_sites,
                 write(tmp_path, "s.csv", text))
    assert "'hub', 'centre', 'outreach', 'base', 'other'" in str(err)
    assert err.rows == ["B"]


def test_negative_capacity(tmp_path):
    text = "site_id,capacity,lat,lon\nA,10,52.6,-0.7\nB,-3,52.6,-0.7\n"
    err = raises("negative capacity", ga.read_sites, write(tmp_path, "s.csv", text))
    assert err.rows == ["B"] and err.column == "capacity"


def test_negative_sessions(tmp_path):
    text = "site_id,sessions_per_week,lat,lon\nA,-1,52.6,-0.7\n"
    raises("negative sessions per week", ga.read_sites, write(tmp_path, "s.csv", text))


def test_gpkg_several_layers_needs_layer(tmp_path, lsoa):
    path = tmp_path / "two.gpkg"
    lsoa.to_file(path, layer="a")
    lsoa.to_file(path, layer="b")
    raises("pass layer=", ga.read_areas, path)


def test_corrupt_spatial_file(tmp_path):
    raises("cannot read the file", ga.read_sites, write(tmp_path, "s.geojson", "{not json"))


def test_all_problems_in_one_error(tmp_path):
    text = ("site_id,kind,capacity,lat,lon\nA,hub,10,52.6,-0.7\nA,moon,-1,52.6,-0.7\n"
            "C,hub,5,north,-0.7\n")
    err = raises("4 problems", ga.read_sites, write(tmp_path, "s.csv", text))
    assert {p.column for p in err.problems} == {"site_id", "lat", "kind", "capacity"}
    assert str(tmp_path / "s.csv") in str(err)


def test_errors_are_value_errors():
    assert issubclass(ga.InputError, ValueError)
    assert issubclass(ga.InputError, ga.GeoaccessError)


def test_no_kind_recognised_is_a_clear_error():
    err = raises("unknown site kinds", ga.read_sites, ga.datasets.get_path("rutland-centres"),
                 id_column="name")
    assert err.column == "kind" and len(err.rows) == 7
