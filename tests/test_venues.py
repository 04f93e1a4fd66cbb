"""Candidate venues from OpenStreetMap (issue 14, Wolverhampton's outreach rooms).

The counts are checked against an independent reader (pyrosm's points of interest), and the
co-located Ketton pair against the demo's own site table, whose coordinates were made by a
different route (the mean of the way's nodes).
"""

from __future__ import annotations

import pandas as pd
import pytest

import geoaccess as ga
from geoaccess.errors import InputError
from geoaccess.venues import read_venues


@pytest.fixture(scope="module")
def venues(rutland_osm):
    return read_venues(rutland_osm)


@pytest.fixture(scope="module")
def unmerged(rutland_osm):
    return read_venues(rutland_osm, merge_within_m=0)


def test_libraries_and_schools_match_an_independent_reader(unmerged, rutland_osm):
    pyrosm = pytest.importorskip("pyrosm")
    pois = pyrosm.OSM(str(rutland_osm)).get_pois(custom_filter={"amenity": ["library", "school"]})
    counts = pois["amenity"].value_counts()
    ours = unmerged["venue_type"].value_counts()
    assert ours["library"] == counts["library"] == 4
    assert ours["school"] == counts["school"]


def test_the_ketton_library_and_centre_are_one_venue(venues, unmerged):
    sites = ga.read_sites(ga.datasets.get_path("rutland-sites")).set_index("name")
    gap = sites.loc["Ketton Library"].geometry.distance(sites.loc["Ketton Centre"].geometry)
    assert gap < 10  # 3.8 m in the demo table: one building
    ketton = venues[venues["osm_ids"].str.contains("node/6157577257")]
    assert len(ketton) == 1
    row = ketton.iloc[0]
    assert row["name"] == "Ketton Centre" and row["also"] == "Ketton Library"
    assert row["merged"] == 2 and row["osm_ids"] == "node/6157577257;way/234238863"
    assert len(unmerged) - len(venues) == 1  # nothing else in Rutland lies within 10 m


def test_venues_are_sites(venues, rutland_osm):
    assert venues["site_id"].is_unique and venues.crs.to_epsg() == 27700
    assert set(venues["kind"]) == {"outreach"}
    assert venues["name"].notna().all()
    sites = ga.read_sites(rutland_osm)
    assert sites["site_id"].tolist() == venues["site_id"].tolist()
    scenario = ga.Scenario.from_sites(sites, "All venues")
    assert len(scenario.open_sites) == len(venues)


def test_roles_and_types_can_be_chosen(rutland_osm):
    v = read_venues(rutland_osm, types=["library", "community centre"],
                    roles={"library": "hub"})
    kinds = v.groupby("venue_type")["kind"].unique().to_dict()
    assert list(kinds["library"]) == ["hub"] and list(kinds["community centre"]) == ["outreach"]


def test_names_mark_childrens_centres(tmp_path):
    xml = tmp_path / "tiny.osm"
    xml.write_text(
        "<?xml version='1.0' encoding='UTF-8'?><osm version='0.6'>"
        "<node id='1' lat='52.67' lon='-0.73'><tag k='amenity' v='community_centre'/>"
        "<tag k='name' v=\"Oakham Children's Centre\"/></node>"
        "<node id='2' lat='52.68' lon='-0.74'><tag k='amenity' v='community_centre'/>"
        "<tag k='name' v='Langham Village Hall'/></node>"
        "<node id='3' lat='52.69' lon='-0.75'><tag k='amenity' v='place_of_worship'/></node>"
        "</osm>", encoding="utf-8")
    v = read_venues(xml).set_index("osm_id")
    assert v.loc["node/1", "venue_type"] == "children's centre"
    assert v.loc["node/1", "kind"] == "centre"
    assert v.loc["node/2", "venue_type"] == "village hall"
    assert v.loc["node/3", "name"] == "Place of worship (node/3)"


def test_bad_requests_are_refused(rutland_osm, tmp_path):
    with pytest.raises(InputError, match="unknown venue types"):
        read_venues(rutland_osm, types=["pub"])
    with pytest.raises(InputError, match="not found"):
        read_venues(tmp_path / "missing.osm.pbf")
    csv = tmp_path / "x.csv"
    pd.DataFrame({"a": [1]}).to_csv(csv)
    with pytest.raises(InputError, match="OpenStreetMap"):
        read_venues(csv)


def test_osmnx_features_read_as_the_extract(shared_data, tmp_path):
    """Features as osmnx returns them (here read by osmnx from Levenshulme's OSM XML with
    the tags venues_from_place asks Overpass for) give the same venues as the PBF extract
    read with pyosmium: same OSM ids, names, types and places (within 1 m)."""
    import bz2

    ox = pytest.importorskip("osmnx")
    folder = shared_data / "manchester-levenshulme"
    xml = tmp_path / "levenshulme.osm"
    xml.write_bytes(bz2.decompress((folder / "levenshulme.osm.bz2").read_bytes()))
    tags = ga.venues.osm_venue_tags()
    tags.setdefault("amenity", []).extend(["social_facility", "childcare"])
    features = ox.features_from_xml(xml, tags=tags)
    from_osmnx = read_venues(features)
    from_pbf = read_venues(folder / "levenshulme_input.osm.pbf")
    assert len(from_pbf) >= 15  # 6 schools, 10 places of worship, a Sure Start...
    cols = ["site_id", "name", "venue_type", "kind", "osm_ids", "merged"]
    pd.testing.assert_frame_equal(from_osmnx[cols], from_pbf[cols])
    gap = from_osmnx.geometry.distance(from_pbf.geometry)
    assert gap.max() < 1.0
    assert "Sure Start Longsight" in set(from_pbf["name"])


def test_venues_from_place_refuses_unknown_types_before_any_download():
    with pytest.raises(InputError, match="unknown venue types"):
        ga.venues_from_place("Nowhere, UK", types=["castle"])
