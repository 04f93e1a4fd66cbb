"""The run pipeline with home-level origins (issue 19): the same numbers in every output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess.demo import demo_scenarios
from geoaccess.explorer import homes_as_rows
from geoaccess.sensitivity import origin_comparison


@pytest.fixture(scope="module")
def homes(rutland_osm, rutland_walk, rutland_sites, rutland_areas):
    origins = ga.build_origins(rutland_areas, osm=rutland_osm, population="children_0_4")
    return ga.travel_times(rutland_walk, rutland_sites, origins)


def test_explorer_rows_count_people_at_their_homes(homes, rutland_areas, rutland_sites):
    """Each home as a point carrying its children gives evaluate's figures exactly."""
    scenarios = demo_scenarios(rutland_sites)
    by_area = ga.evaluate(homes, rutland_areas, scenarios, population="children_0_4")
    tt, points = homes_as_rows(homes, rutland_areas, "children_0_4")
    assert len(points) == len(homes.row_ids) and points["area_id"].is_unique
    assert points["children_0_4"].sum() == pytest.approx(rutland_areas["children_0_4"].sum())
    decile = rutland_areas.set_index("area_id")["imd_decile"]
    assert (points["imd_decile"].to_numpy() == decile.reindex(points["lsoa"]).to_numpy()).all()
    by_home = ga.evaluate(tt, points, scenarios, population="children_0_4")
    cols = [c for c in by_area.summary.columns if c.startswith("share_within_")]
    assert np.allclose(by_home.summary[cols].to_numpy(), by_area.summary[cols].to_numpy())


def test_origin_comparison_reports_the_one_point_difference(homes, rutland_walk_tt,
                                                            rutland_areas, rutland_sites):
    scenarios = demo_scenarios(rutland_sites)
    res_h = ga.evaluate(homes, rutland_areas, scenarios, population="children_0_4")
    res_p = ga.evaluate(rutland_walk_tt, rutland_areas, scenarios, population="children_0_4")
    table = origin_comparison(res_h, res_p)
    row = table[(table.scenario == "Current") & (table.threshold_minutes == 15)].iloc[0]
    want_h = res_h.summary.set_index("scenario").loc["Current", "share_within_15"]
    want_p = res_p.summary.set_index("scenario").loc["Current", "share_within_15"]
    assert row.share_homes == pytest.approx(want_h, abs=1e-4)
    assert row.share_one_point == pytest.approx(want_p, abs=1e-4)
    assert row.difference_pp == pytest.approx((want_h - want_p) * 100, abs=0.06)
    material = table[table.difference_pp.abs() >= 5]
    assert material.sentence.str.contains("materially").all()
    assert not table.drop(material.index).sentence.str.contains("materially").any()
    assert isinstance(table, pd.DataFrame) and len(table) == len(scenarios) * 6


def test_a_two_mode_run_writes_an_eia_for_each_mode(tmp_path):
    """The Rutland configuration lists walking and driving: both get equality tables, and
    each mode's tables agree with that mode's scenario summary (issue 14)."""
    from pathlib import Path

    from geoaccess import config, pipeline

    example = Path(__file__).resolve().parents[1] / "examples" / "rutland.yaml"
    cfg = config.load_config(example, out=tmp_path / "out")
    assert cfg.modes == ["walk", "drive"] and cfg.origins == "homes"
    cfg.maps, cfg.report, cfg.interactive, cfg.explorer = [], False, False, False
    cfg.tables = ["excel"]
    written = pipeline.run(cfg, progress=False)
    summary = pd.read_csv(written["scenario_summary"])
    for mode, key in (("walk", "eia_excel"), ("drive", "eia_excel_drive")):
        eia = pd.read_excel(written[key], sheet_name=None)
        sheet = next(v for k, v in eia.items() if k.startswith("summary"))
        share = [c for c in sheet.columns if str(c).startswith("share_within_15")][0]
        mine = summary[summary["mode"] == mode].set_index("scenario")["share_within_15"]
        got = sheet.set_index(sheet.columns[0])[share]
        got = got[got.index.isin(mine.index)].astype(float)
        scale = 100.0 if got.max() > 1.0 else 1.0
        assert np.allclose(got.to_numpy() / scale, mine.reindex(got.index).to_numpy(),
                           atol=1e-3), mode
    walk15 = summary[summary["mode"] == "walk"]["share_within_15"].to_numpy()
    drive15 = summary[summary["mode"] == "drive"]["share_within_15"].to_numpy()
    assert (drive15 >= walk15 - 1e-9).all() and (drive15 > walk15).any()
    _check_standard(cfg, written)


def _check_standard(cfg, written):
    """The configuration's standard, "any site within 15 minutes on foot or 5 by car", is
    one measure over both modes: its table (eia_tables_standard.xlsx) gives the share of
    children meeting it and those losing it, as computed home by home from the two saved
    matrices (met = nearest open walk <= 15 or nearest open drive <= 5)."""
    from geoaccess import pipeline

    assert cfg.standard == {"standard": "any site within 15 minutes on foot or 5 by car"}
    _, areas, scenarios = pipeline.read_inputs(cfg)
    walk = ga.TravelTimes.load(written["matrix_walk"])
    drive = ga.TravelTimes.load(written["matrix_drive"])
    pop = areas.set_index("area_id")["children_0_4"].astype(float)
    people = walk.origins["weight"].to_numpy() * pop.reindex(
        walk.origins["area_id"]).to_numpy()
    d = drive.minutes.reindex(index=walk.minutes.index, columns=walk.minutes.columns)

    def met(scen):
        cols = np.isin(walk.site_ids.astype(str), list(scen.open_sites))
        near = [np.where(np.isnan(v), np.inf, v).min(axis=1)
                for v in (walk.minutes.to_numpy(np.float64)[:, cols], d.to_numpy()[:, cols])]
        return (near[0] <= 15) | (near[1] <= 5)

    table = pd.read_excel(written["eia_excel_standard_standard"], sheet_name="standard")
    table = table.set_index(table.columns[0])
    share = next(c for c in table.columns if str(c).startswith("share_meeting"))
    losing = next(c for c in table.columns if str(c).startswith("population_losing"))
    base = met(scenarios[0])
    for scen in scenarios:
        assert table.loc[scen.name, share] == pytest.approx(
            people[met(scen)].sum() / pop.sum(), abs=6e-4), scen.name
        if scen is not scenarios[0]:
            assert table.loc[scen.name, losing] == pytest.approx(
                people[base & ~met(scen)].sum(), abs=0.51), scen.name
    assert table[losing].max() > 0
