"""Public transport in ``geoaccess run``: the ``transit`` section of the configuration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess import cli, config
from geoaccess import equality as eq
from geoaccess.errors import InputError
from geoaccess.report import round_for_export

THRESHOLDS = [15, 30, 45]


@pytest.fixture(scope="module")
def poa_config(shared_data, tmp_path_factory):
    """A run on Porto Alegre: 40 hexagons near the centre, 6 healthcare sites (today, and
    a proposal keeping every other one), walking and public transport arriving by 14:30
    on Monday 2019-05-13, and a standard over both modes."""
    folder = shared_data / "porto-alegre"
    work = tmp_path_factory.mktemp("poa_run")
    hexes = pd.read_csv(folder / "poa_hexgrid.csv")
    centre = hexes[hexes["population"] > 0]
    d = np.hypot(centre["lon"] + 51.215, centre["lat"] + 30.035)
    centre.loc[d.sort_values().index[:40]].to_csv(work / "areas.csv", index=False)
    health = hexes[hexes["healthcare"] > 0]
    dh = np.hypot(health["lon"] + 51.215, health["lat"] + 30.035)
    chosen = health.loc[dh.sort_values().index[:6]]
    chosen.to_csv(work / "sites.csv", index=False)
    kept = ", ".join(str(i) for i in chosen["id"].iloc[::2])
    text = f"""
network:
  source: {folder / 'poa_osm.pbf'}
  modes: [walk, transit]
sites: {{path: sites.csv, id_column: id, name_column: id, lat: lat, lon: lon}}
areas: {{path: areas.csv, id_column: id, lat: lat, lon: lon, population: population}}
population: population
scenarios:
  include_current: Current
  define:
    Every other site: {{open: [{kept}]}}
baseline: Current
thresholds: {THRESHOLDS}
standard: any site within 5 minutes on foot or 10 by bus
transit:
  gtfs: [{folder / 'poa_eptc.zip'}, {folder / 'poa_trensurb.zip'}]
  date: 2019-05-13
  arrive_by: "14:30"
  max_walk_minutes: 15
  max_trip_minutes: 60
outputs:
  folder: out
  tables: [csv, excel]
  maps: []
  report: false
  interactive: false
  explorer: false
"""
    path = work / "run.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_reads_the_transit_section(poa_config):
    cfg = config.load_config(poa_config)
    assert cfg.modes == ["walk", "transit"]
    t = cfg.transit
    assert t is not None and t.date == "2019-05-13" and t.arrive_by == "14:30"
    assert t.departure_window is None and t.max_walk_minutes == 15
    assert [p.name for p in t.gtfs] == ["poa_eptc.zip", "poa_trensurb.zip"]


@pytest.mark.parametrize("section, expected", [
    ("transit: {date: 2019-05-13}", "missing key 'transit.gtfs'"),
    ("transit: {gtfs: nope.zip, date: 2019-05-13}", "transit.gtfs: file not found"),
    ("transit: {gtfs: run.yaml, date: 13/05/2019}", "transit.date must be a date"),
    ("transit: {gtfs: run.yaml, date: 2019-05-13, arrive_by: 9:30}",
     "write times in quotes"),
    (("transit: {gtfs: run.yaml, date: 2019-05-13, arrive_by: '09:30', "
     "departure_window: ['07:00', '10:00']}"), "not both"),
    ("transit: {gtfs: run.yaml, date: 2019-05-13, departure_window: ['07:00']}",
     "transit.departure_window must be two times"),
    ("transit: {gtfs: run.yaml, date: 2019-05-13, max_transfers: -1}",
     "transit.max_transfers must be a whole number"),
    ("transit: {gtfs: run.yaml, date: 2019-05-13, arive_by: '09:30'}",
     "unknown key 'transit.arive_by' (did you mean 'arrive_by'?)"),
])
def test_bad_transit_sections_name_the_key(poa_config, section, expected):
    base = poa_config.read_text(encoding="utf-8").split("transit:\n")[0]
    rest = poa_config.read_text(encoding="utf-8").split("outputs:")[1]
    bad = poa_config.parent / "bad.yaml"
    bad.write_text(base + section + "\noutputs:" + rest, encoding="utf-8")
    with pytest.raises(InputError) as info:
        config.load_config(bad)
    assert expected in str(info.value)


def test_transit_mode_needs_its_section(poa_config):
    text = poa_config.read_text(encoding="utf-8").split("transit:\n")[0]
    bad = poa_config.parent / "nosection.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="add a 'transit' section"):
        config.load_config(bad)


def test_check_reads_the_timetables(poa_config, tmp_path, capsys):
    """--check reads the feeds and the date: a date outside their calendar fails (exit
    2, naming transit.date) without writing anything."""
    out = tmp_path / "o"
    assert cli.main(["run", str(poa_config), "--check", "--out", str(out)]) == 0
    assert "valid" in capsys.readouterr().out
    late = poa_config.parent / "late.yaml"
    late.write_text(poa_config.read_text(encoding="utf-8").replace(
        "date: 2019-05-13", "date: 2031-05-13"), encoding="utf-8")
    assert cli.main(["run", str(late), "--check", "--out", str(out)]) == 2
    assert "transit.date" in capsys.readouterr().err
    assert not out.exists()


def test_run_writes_transit_outputs_equal_to_the_library(poa_config, tmp_path):
    """The run's public transport outputs equal transit_travel_times + evaluate + the
    equality tables computed directly, and the share of children within 30 minutes
    in scenario_summary.csv is the population share of areas whose nearest site is
    30 minutes or less away in that matrix."""
    out = tmp_path / "run"
    assert cli.main(["--quiet", "run", str(poa_config), "--out", str(out)]) == 0
    cfg = config.load_config(poa_config)
    sites = ga.read_sites(cfg.sites, **cfg.site_options)
    areas = ga.read_areas(cfg.areas, **cfg.area_options)
    walk = ga.Network.from_osm_file(cfg.network_source, mode="walk")
    feeds = [ga.read_gtfs(p) for p in cfg.transit.gtfs]
    tt = ga.transit_travel_times(walk, feeds, sites, areas, date="2019-05-13",
                                 arrive_by="14:30", max_walk_minutes=15,
                                 max_trip_minutes=60)
    saved = ga.TravelTimes.load(out / "travel_times_transit.parquet")
    pd.testing.assert_frame_equal(saved.minutes, tt.minutes, check_names=False)
    assert saved.provenance["arrive_by"] == "14:30"
    walk_tt = ga.travel_times(walk, sites, areas)
    assert (tt.minutes.to_numpy() <= walk_tt.minutes.to_numpy() + 1e-9).all()

    current = ga.Scenario.from_sites(sites, "Current")
    half = ga.Scenario.from_site_ids("Every other site", sites["site_id"].iloc[::2],
                                     sites=sites)
    res = ga.evaluate(tt, areas, [current, half], population="population",
                      thresholds=THRESHOLDS)
    tables = {k: round_for_export(v) for k, v in eq.eia_tables(
        ga.compare(res, baseline="Current"), areas, by=None, shares=None,
        threshold_minutes=None, place=None, service="an open site").items()}
    want = eq.to_csv(tables, tmp_path / "want")
    for name, path in want.items():
        got = out / "eia_tables_transit" / path.name
        pd.testing.assert_frame_equal(pd.read_csv(got), pd.read_csv(path), obj=name,
                                      check_dtype=False)
    assert (out / "eia_tables_transit.xlsx").exists()

    summary = pd.read_csv(out / "scenario_summary.csv")
    row = summary[summary["mode"] == "transit"].iloc[0]
    pop = areas.set_index("area_id")["population"]
    nearest = tt.minutes.min(axis=1)
    share = pop[nearest <= 30].sum() / pop.sum()
    col = [c for c in summary.columns if "30" in c and "share" in c.lower()]
    assert col, summary.columns.tolist()
    assert row[col[0]] == pytest.approx(share, abs=0.001)


def test_run_writes_a_standard_over_walking_and_public_transport(poa_config, tmp_path):
    """"Any site within 5 minutes on foot or 10 by bus" as one measure from the run:
    the share meeting it and the people losing it in ``eia_tables_standard`` equal a
    computation by hand from the walking and public transport matrices (an area meets
    it when its nearest open site is within 5 minutes' walk or 10 minutes by public
    transport; one point per area)."""
    out = tmp_path / "run"
    assert cli.main(["--quiet", "run", str(poa_config), "--out", str(out)]) == 0
    cfg = config.load_config(poa_config)
    areas = ga.read_areas(cfg.areas, **cfg.area_options)
    walk = ga.TravelTimes.load(out / "travel_times_walk.parquet").minutes
    bus = ga.TravelTimes.load(out / "travel_times_transit.parquet").minutes
    pop = areas.set_index("area_id")["population"].reindex(walk.index).to_numpy(float)
    sites = list(walk.columns)
    kept = sites[::2]

    def meets(open_sites):
        return ((walk[open_sites].min(axis=1) <= 5) | (bus[open_sites].min(axis=1) <= 10)
                ).to_numpy()

    now, after = meets(sites), meets(kept)
    table = pd.read_csv(out / "eia_tables_standard" / "standard.csv").set_index("scenario")
    assert table.loc["Current", "share_meeting [proportion]"] == pytest.approx(
        pop[now].sum() / pop.sum(), abs=1e-3)
    assert table.loc["Every other site", "share_meeting [proportion]"] == pytest.approx(
        pop[after].sum() / pop.sum(), abs=1e-3)
    assert table.loc["Every other site", "population_losing [people]"] == pytest.approx(
        pop[now & ~after].sum(), abs=0.5)
    assert pop[now & ~after].sum() > 0  # the proposal does take the standard from some
    assert (out / "eia_tables_standard.xlsx").exists()
