"""Scenarios: construction, reading tables and YAML, and the errors users see."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess.errors import InputError
from geoaccess.scenario import (
    Scenario,
    read_scenarios,
    scenario_masks,
    scenario_table,
    validate_scenarios,
    write_scenarios,
)


@pytest.fixture
def sites() -> pd.DataFrame:
    return pd.DataFrame({
        "site_id": ["S1", "S2", "S3", "S4"],
        "name": ["Oakham Hub", "Ketton Centre", "Wing Hall", "Cottesmore Base"],
        "kind": ["hub", "centre", "outreach", "base"],
        "capacity": [60.0, 30.0, 15.0, np.nan],
        "sessions_per_week": [10.0, 5.0, 2.0, np.nan],
    })


# ------------------------------------------------------------------ the dataclass
def test_scenario_contract():
    s = Scenario("A", {"S1": "hub", "S2": "closed", 3: "centre"}, capacity={"S1": 5})
    assert s.open_sites == ["S1", "3"]
    assert s.role_of("S2") == "closed"
    assert s.role_of("S9") == "closed"
    assert s.sites_with_role("hub", "centre") == ["S1", "3"]
    assert s.capacity == {"S1": 5.0}
    assert s.role_counts() == {"hub": 1, "centre": 1}
    assert s.describe() == "2 open sites: 1 hub, 1 centre"
    assert s.mask(["S2", "S1", "3"]).tolist() == [False, True, True]
    assert s.mask(["S2", "S1", "3"], roles=["centre"]).tolist() == [False, False, True]


def test_from_sites_uses_kinds_and_copies_capacity(sites):
    current = Scenario.from_sites(sites)
    assert current.name == "Current"
    assert current.roles == {"S1": "hub", "S2": "centre", "S3": "outreach", "S4": "base"}
    assert current.capacity == {"S1": 60.0, "S2": 30.0, "S3": 15.0}   # NaN not copied
    assert current.sessions_per_week == {"S1": 10.0, "S2": 5.0, "S3": 2.0}
    hubs = Scenario.from_sites(sites, "Hubs", kinds=["hub", "centre"])
    assert hubs.open_sites == ["S1", "S2"]
    with pytest.raises(InputError, match="no site of kinds"):
        Scenario.from_sites(sites, kinds=["other"])


def test_from_site_ids_and_modified(sites):
    s = Scenario.from_site_ids("Best 2", ["S3", "S1"], sites=sites)
    assert s.roles == {"S3": "outreach", "S1": "hub"}
    assert s.capacity == {"S3": 15.0, "S1": 60.0}
    assert Scenario.from_site_ids("x", ["S1"], sites=sites, role="centre").roles == \
        {"S1": "centre"}
    with pytest.raises(InputError, match="unknown site ids") as err:
        Scenario.from_site_ids("x", ["S1", "S8"], sites=sites)
    assert err.value.rows == ["S8"]
    m = s.modified("no S1", close=["S1"], open={"S2": "base"})
    assert m.roles == {"S3": "outreach", "S2": "base"}
    assert m.capacity == {"S3": 15.0}
    assert s.roles == {"S3": "outreach", "S1": "hub"}          # unchanged (frozen)


def test_scenario_masks():
    items = [Scenario("A", {"S2": "hub"}), Scenario("B", {"S1": "x", "S3": "centre"})]
    np.testing.assert_array_equal(scenario_masks(items, ["S1", "S2", "S3"]),
                                  [[False, True, False], [True, False, True]])
    np.testing.assert_array_equal(scenario_masks(items, ["S1", "S2", "S3"], roles=["centre"]),
                                  [[False, False, False], [False, False, True]])


# ------------------------------------------------------------------ reading tables
def test_read_csv_table(tmp_path, sites):
    """A council's table: a name column for readers, spellings of roles, blanks and
    'open' (= the site's kind)."""
    path = tmp_path / "options.csv"
    path.write_text(
        "site_id,name,Current,Keep hubs,Hub and spokes\n"
        "S1,Oakham Hub,Family hub,hub,HUB\n"
        "S2,Ketton Centre,Children's centre,,Outreach site\n"
        "S3,Wing Hall,open,closed,outreach\n"
        "S4,Cottesmore Base,yes,no,shared base\n", encoding="utf-8")
    got = read_scenarios(path, sites)
    assert [s.name for s in got] == ["Current", "Keep hubs", "Hub and spokes"]
    assert got[0].roles == {"S1": "hub", "S2": "centre", "S3": "outreach", "S4": "base"}
    assert got[1].roles == {"S1": "hub"}
    assert got[2].roles == {"S1": "hub", "S2": "outreach", "S3": "outreach", "S4": "base"}
    assert got[2].capacity == {"S1": 60.0, "S2": 30.0, "S3": 15.0}
    assert got[2].sessions_per_week["S2"] == 5.0


def test_read_csv_cp1252_and_scenario_columns(tmp_path, sites):
    path = tmp_path / "options.csv"
    path.write_bytes("site_id,Café option,Other\nS1,hub,hub\nS2,centre,\n".encode("cp1252"))
    got = read_scenarios(path, sites, scenarios=["Café option"])
    assert [s.name for s in got] == ["Café option"]
    assert got[0].roles == {"S1": "hub", "S2": "centre"}


def test_excel_and_yaml_round_trip(tmp_path, sites):
    items = [Scenario.from_sites(sites),
             Scenario("Keep 2", {"S1": "hub", "S3": "outreach"}, capacity={"S1": 80},
                      sessions_per_week={"S3": 3}, description="half close")]
    back_x = read_scenarios(write_scenarios(items, tmp_path / "s.xlsx", sites=sites), sites)
    assert [s.roles for s in back_x] == [s.roles for s in items]
    back_y = read_scenarios(write_scenarios(items, tmp_path / "s.yaml"), sites["site_id"])
    assert back_y == items
    # with the sites table, capacities not given are filled from it
    filled = read_scenarios(tmp_path / "s.yaml", sites)[1]
    assert filled.capacity == {"S1": 80.0, "S3": 15.0}
    table = scenario_table(items, sites)
    assert table.loc["S2", "Keep 2"] == "" and table.loc["S1", "name"] == "Oakham Hub"


def test_read_yaml_forms(tmp_path, sites):
    path = tmp_path / "s.yml"
    path.write_text(
        "scenarios:\n"
        "  Current:\n"
        "    open: [S1, S2, S3]\n"
        "  Spokes:\n"
        "    description: one hub, two spokes\n"
        "    hub: [S1]\n"
        "    outreach site: [S2, S3]\n"
        "    sessions_per_week: {S2: 4}\n"
        "  Pairs:\n"
        "    roles: {S1: Family hub, S4: base, S2: closed}\n"
        "    capacity: {S4: 12}\n", encoding="utf-8")
    cur, spokes, pairs = read_scenarios(path, sites)
    assert cur.roles == {"S1": "hub", "S2": "centre", "S3": "outreach"}
    assert spokes.roles == {"S1": "hub", "S2": "outreach", "S3": "outreach"}
    assert spokes.sessions_per_week["S2"] == 4.0 and spokes.sessions_per_week["S3"] == 2.0
    assert spokes.description == "one hub, two spokes"
    assert pairs.roles == {"S1": "hub", "S4": "base"}
    assert pairs.capacity == {"S1": 60.0, "S4": 12.0}
    as_list = read_scenarios([{"name": "L", "roles": {"S2": "centre"}}], sites)
    assert as_list[0].roles == {"S2": "centre"}


# ------------------------------------------------------------------------ errors
def test_all_table_problems_reported_at_once(tmp_path, sites):
    """Unknown site ids, an unknown role and a scenario with no open site: one error,
    naming the file, the scenario columns and the offending ids."""
    path = tmp_path / "bad.csv"
    path.write_text("site_id,Plan A,Plan B,Plan C\n"
                    "S1,hub,library,\n"
                    "S9,centre,,\n"
                    "S2,,,closed\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_scenarios(path, sites)
    e = err.value
    msg = str(e)
    assert str(path) in msg and e.path == str(path)
    assert "3 problems" in msg
    assert "'Plan B' has unknown roles ['library']" in msg
    assert "'Plan A' names unknown site ids ['S9']" in msg
    assert "'Plan C' has no open site" in msg
    assert {"S9", "S1"} <= set(e.rows)
    assert {p.column for p in e.problems} == {"Plan A", "Plan B", "Plan C"}


def test_duplicate_scenario_names_and_sites(tmp_path, sites):
    path = tmp_path / "dup.csv"
    path.write_text("site_id,Plan,Plan\nS1,hub,hub\nS1,centre,\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_scenarios(path, sites)
    assert "duplicate scenario names ['Plan']" in str(err.value)
    assert "lists sites more than once ['S1']" in str(err.value)


@pytest.mark.parametrize(("content", "match"), [
    ("name,Plan\nx,hub\n", "no 'site_id' column"),
    ("site_id,name\nS1,Oakham\n", "no scenario columns"),
    ("site_id,Plan\n,hub\n", "blank site ids"),
])
def test_table_shape_errors(tmp_path, sites, content, match):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        read_scenarios(path, sites)


def test_file_errors(tmp_path, sites):
    with pytest.raises(InputError, match="file not found"):
        read_scenarios(tmp_path / "nope.csv", sites)
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty"):
        read_scenarios(tmp_path / "empty.csv", sites)
    (tmp_path / "s.docx").write_text("x")
    with pytest.raises(InputError, match="unknown scenario file format"):
        read_scenarios(tmp_path / "s.docx", sites)
    (tmp_path / "bad.yaml").write_text("scenarios: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        read_scenarios(tmp_path / "bad.yaml", sites)


def test_yaml_errors(sites):
    with pytest.raises(InputError, match="unknown key 'keep'"):
        read_scenarios({"A": {"keep": ["S1"]}}, sites)
    with pytest.raises(InputError, match="not open in it"):
        read_scenarios({"A": {"hub": ["S1"], "capacity": {"S2": 5}}}, sites)
    with pytest.raises(InputError, match="unknown site ids"):
        read_scenarios({"A": ["S1", "S7"]}, sites)
    with pytest.raises(InputError, match="needs a 'name' key"):
        read_scenarios([{"roles": {"S1": "hub"}}], sites)


def test_open_needs_a_kind():
    with pytest.raises(InputError, match="kind is unknown"):
        read_scenarios(pd.DataFrame({"site_id": ["S1"], "Plan": ["yes"]}), ["S1"])


def test_validate_scenarios_against_matrix_ids():
    good = [Scenario("A", {"S1": "hub"})]
    assert validate_scenarios(good, ["S1", "S2"]) == good
    with pytest.raises(InputError, match="must be a number >= 0"):
        validate_scenarios([Scenario("A", {"S1": "hub"}, capacity={"S1": -1})], ["S1"])
    assert validate_scenarios([Scenario("A", {"S1": "spoke"})], ["S1"], roles=None)


# --------------------------------------------------------------- real demo sites
def test_rutland_sites_scenarios(rutland_sites):
    """The bundled 36 candidate venues: the current network opens each in its kind;
    a keep-18 table read back from CSV keeps exactly the 18 listed."""
    current = Scenario.from_sites(rutland_sites)
    assert len(current.open_sites) == len(rutland_sites) == 36
    assert current.role_counts() == rutland_sites["kind"].value_counts(sort=False).to_dict()
    keep = rutland_sites["site_id"].tolist()[::2]
    table = pd.DataFrame({"site_id": rutland_sites["site_id"],
                          "Keep 18": ["open" if s in keep else "" for s in
                                      rutland_sites["site_id"]]})
    (k18,) = read_scenarios(table, rutland_sites)
    assert sorted(k18.open_sites) == sorted(keep)
    assert all(k18.role_of(s) == current.role_of(s) for s in keep)
    assert ga.read_scenarios is read_scenarios


# ----------------------------------------------------------------- hours and catchments
def test_modified_cuts_hours_without_closing(sites):
    current = Scenario.from_sites(sites)
    shorter = current.modified("Hub mornings", sessions_per_week={"S1": 5})
    assert shorter.roles == current.roles
    assert shorter.sessions_per_week == {"S1": 5.0, "S2": 5.0, "S3": 2.0}
    assert current.sessions_per_week["S1"] == 10.0          # the original is unchanged
    with pytest.raises(InputError, match="not open"):
        current.modified("x", close=["S1"], sessions_per_week={"S1": 5})
    with pytest.raises(InputError, match="takes no colour"):
        current.modified("x", colour="red")


def test_catchment_rules_are_checked_and_described():
    zone = Scenario("Z", {"S1": "hub"}, catchment="zone", zone_column="ward")
    assert zone.catchment_text() == "families use an open site in their own ward"
    assert zone.allocation is None
    table = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "site_id": ["S1", "S1", None]})
    given = Scenario("A", {"S1": "hub"}, catchment=table)
    assert given.allocation == {"E1": "S1", "E2": "S1"}       # a blank site: no allocation
    assert given.catchment_text() == "families use the site allocated to their area"
    assert Scenario("N", {"S1": "hub"}).catchment_text() == \
        "families use the nearest open site"
    with pytest.raises(InputError, match="needs zone_column"):
        Scenario("Z", {"S1": "hub"}, catchment="zone")
    with pytest.raises(InputError, match="'nearest', 'zone' or an allocation"):
        Scenario("Z", {"S1": "hub"}, catchment="locality")
    with pytest.raises(InputError, match="needs 'area_id' and 'site_id'"):
        Scenario("Z", {"S1": "hub"}, catchment=pd.DataFrame({"lsoa": ["E1"]}))


def test_catchments_survive_yaml_and_are_read_from_it(tmp_path, sites):
    items = [Scenario("Z", {"S1": "hub"}, catchment="zone", zone_column="ward",
                      sessions_per_week={"S1": 6}),
             Scenario("A", {"S1": "hub", "S2": "centre"}, catchment={"E1": "S2"})]
    path = write_scenarios(items, tmp_path / "s.yaml")
    back = read_scenarios(path, sites)
    assert [(s.catchment, s.zone_column, dict(s.sessions_per_week)) for s in back] == [
        ("zone", "ward", {"S1": 6.0}), ({"E1": "S2"}, None, {"S1": 10.0, "S2": 5.0})]
    with pytest.raises(InputError, match="needs zone_column"):
        read_scenarios({"B": {"hub": ["S1"], "catchment": "zone"}}, sites)
