"""The command line, end to end (geoaccess.cli, geoaccess.demo)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess import cli, config, pipeline
from geoaccess.demo import demo_scenarios, run_demo
from geoaccess.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "rutland.yaml"


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# -------------------------------------------------------------------- configuration
def test_example_configuration_is_valid():
    cfg = config.load_config(EXAMPLE)
    assert cfg.modes == ["walk", "drive"] and cfg.population == "children_0_4"
    assert cfg.network_source == ga.datasets.get_path("rutland-osm")
    assert cfg.scenario_file == EXAMPLE.parent / "rutland_scenarios.csv"
    assert cfg.out == (EXAMPLE.parent / "out" / "rutland").resolve()
    assert cfg.maps == ["png", "pdf"] and cfg.tables == ["csv", "excel"]


def test_example_scenarios_are_the_demo_scenarios(rutland_sites):
    """examples/rutland_scenarios.csv holds the demo's two proposals, role for role."""
    read = ga.read_scenarios(EXAMPLE.parent / "rutland_scenarios.csv", rutland_sites)
    demo = demo_scenarios(rutland_sites)[1:]
    assert [s.name for s in read] == [s.name for s in demo]
    assert [dict(s.roles) for s in read] == [dict(s.roles) for s in demo]


def test_every_problem_is_reported_once_naming_its_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "network:\n  source: nope.osm.pbf\n  modez: [walk]\n"
        "sites: {dataset: rutland-sitez}\n"
        "areas: {path: areas.gpkg, layr: x}\n"
        "thresholds: [15, -3]\n"
        "outputs: {maps: [png, tiff], dpi: 5, report: maybe}\n"
        "colour: blue\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        config.load_config(bad)
    msg = str(info.value)
    for expected in ("unknown key 'network.modez'", "network.source: file not found",
                     "sites.dataset: unknown dataset 'rutland-sitez'",
                     "unknown key 'areas.layr' (did you mean 'layer'?)",
                     "areas.path: file not found", "thresholds must be positive",
                     "outputs.maps: unknown value 'tiff'", "outputs.dpi must be",
                     "outputs.report must be true or false", "unknown key 'colour'"):
        assert expected in msg, expected
    assert msg.startswith(f"{bad}: 10 problems")
    assert info.value.column == "colour"


@pytest.mark.parametrize(("text", "expected"), [
    ("network: [\n", "not valid YAML at line"),
    ("- just\n- a list\n", "the top level must be a mapping"),
    ("sites: x\n", "missing key 'network'"),
])
def test_malformed_configuration(tmp_path, text, expected):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=expected):
        config.load_config(path)


def test_bad_configuration_exits_2_with_one_message(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text("network: {source: {dataset: rutland-osm}, mode: bike}\n"
                    "sites: {dataset: rutland-sites}\nareas: {dataset: rutland-lsoa}\n",
                    encoding="utf-8")
    assert cli.main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "network.modes: unknown modes ['bike']" in err and "Traceback" not in err
    assert cli.main(["run", str(tmp_path / "missing.yaml")]) == 2
    assert "configuration file not found" in capsys.readouterr().err


def test_check_validates_inputs_without_writing(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        "file: rutland_scenarios.csv", f"file: {EXAMPLE.parent / 'rutland_scenarios.csv'}"),
        encoding="utf-8")
    assert cli.main(["run", str(cfg), "--check", "--out", str(tmp_path / "o")]) == 0
    assert "valid" in capsys.readouterr().out
    assert not (tmp_path / "o").exists()
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("population: children_0_4",
                                                           "population: babies"),
                   encoding="utf-8")
    assert cli.main(["run", str(cfg), "--check"]) == 2
    assert "population: column 'babies' is not in the areas" in capsys.readouterr().err


# ---------------------------------------------------------------------- end to end
def test_run_example_end_to_end(tmp_path, capsys, rutland_walk_tt, rutland_areas,
                                rutland_sites):
    """`geoaccess run examples/rutland.yaml --out DIR` writes every output; its numbers
    equal an evaluation of the same scenarios on the session's own matrix."""
    out = tmp_path / "out"
    # the example as written starts at homes and adds driving (tests/test_pipeline.py); here
    # one point per area by walking, to compare with the session's own matrix
    text = EXAMPLE.read_text(encoding="utf-8")
    text = (text.replace("origins: homes", "origins: residential")
            .replace("modes: [walk, drive]", "modes: [walk]")
            .replace("standard: any site", "# standard: any site")  # it names driving
            .replace("file: rutland_scenarios.csv",
                     f"file: {EXAMPLE.parent / 'rutland_scenarios.csv'}"))
    cfg = tmp_path / "rutland.yaml"
    cfg.write_text(text, encoding="utf-8")
    assert cli.main(["run", str(cfg), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"files written to {out.resolve()}" in printed and "report.html" in printed
    files = _files(out)
    for name in ("travel_times_walk.parquet", "scenario_summary.csv", "scenario_areas.csv",
                 "change_areas.csv", "scenarios.csv", "results.xlsx", "eia_tables.xlsx",
                 "eia_tables/findings.csv", "report.html", "map.html",
                 "maps/minutes_all_scenarios.png", "maps/minutes_all_scenarios.pdf",
                 "maps/change_keep-18-of-36.png", "maps/before_after_4-hubs-8-outreach.pdf",
                 "maps/service_areas_current.png", "maps/equality_by_imd_decile.png",
                 "maps/cumulative.pdf"):
        assert name in files, name
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left
    summary = pd.read_csv(out / "scenario_summary.csv")
    expected = ga.evaluate(rutland_walk_tt, rutland_areas, demo_scenarios(rutland_sites),
                           population="children_0_4").summary
    assert summary["scenario"].tolist() == expected["scenario"].tolist()
    # exported shares are rounded to 0.001 (a percentage to one decimal)
    np.testing.assert_allclose(summary["share_within_15"], expected["share_within_15"],
                               atol=5e-4)
    np.testing.assert_allclose(summary["mean_minutes"], expected["mean_minutes"], atol=0.05)
    tt = ga.TravelTimes.load(out / "travel_times_walk.parquet")
    np.testing.assert_allclose(tt.minutes.to_numpy(), rutland_walk_tt.minutes.to_numpy())
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Access to children&#39;s centres in Rutland" in report
    assert 'id="fig-service"' in report and "Service areas" in report
    sheets = pd.read_excel(out / "eia_tables.xlsx", sheet_name=None)
    assert {"findings", "summary", "change", "by_imd_decile", "by_ward"} <= set(sheets)


def test_demo_writes_the_scenario_comparison(tmp_path, rutland_sites, rutland_areas,
                                             rutland_walk, rutland_drive, rutland_walk_tt,
                                             rutland_drive_tt):
    demo = {"sites": rutland_sites, "areas": rutland_areas,
            "networks": {"walk": rutland_walk, "drive": rutland_drive},
            "travel_times": {"walk": rutland_walk_tt, "drive": rutland_drive_tt},
            "build_seconds": {"walk": 0.0, "drive": 0.0}}
    written = run_demo(tmp_path, demo=demo, progress=False, maps=(), dpi=60)
    assert all(Path(p).exists() for p in written.values())
    summary = pd.read_csv(tmp_path / "scenario_summary.csv")
    assert summary.groupby("mode")["scenario"].apply(list).to_dict() == {
        "drive": ["Current", "Keep 18 of 36", "4 hubs + 8 outreach"],
        "walk": ["Current", "Keep 18 of 36", "4 hubs + 8 outreach"]}
    back = ga.read_scenarios(tmp_path / "scenarios.csv", rutland_sites)
    assert [dict(s.roles) for s in back] == [dict(s.roles)
                                             for s in demo_scenarios(rutland_sites)]
    networks = pd.read_csv(tmp_path / "networks.csv")
    assert networks["mode"].tolist() == ["walk", "drive"]
    change = pd.read_csv(tmp_path / "change_areas.csv")
    assert set(change["scenario"]) == {"Keep 18 of 36", "4 hubs + 8 outreach"}
    assert len(change) == 2 * len(rutland_areas)
    assert (tmp_path / "report.html").stat().st_size > 100_000
    assert not (tmp_path / "maps").exists()  # maps=(): the run test covers the maps
    assert {"report", "interactive_map", "eia_excel", "results_excel"} <= set(written)
    # the demo's standard over walking and driving, by hand from the two matrices
    table = pd.read_excel(tmp_path / "eia_tables_standard.xlsx", sheet_name="standard")
    table = table.set_index(table.columns[0])
    share = next(c for c in table.columns if str(c).startswith("share_meeting"))
    pop = rutland_areas.set_index("area_id")["children_0_4"]
    for scen in demo_scenarios(rutland_sites):
        open_ = list(scen.open_sites)
        met = ((rutland_walk_tt.minutes[open_].min(axis=1) <= 15)
               | (rutland_drive_tt.minutes[open_].min(axis=1) <= 5))
        assert table.loc[scen.name, share] == pytest.approx(
            pop[met[met].index].sum() / pop.sum(), abs=6e-4), scen.name
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    block = html[html.index('id="table-standard-standard"'):]
    for scen in demo_scenarios(rutland_sites)[1:]:  # the sentence and the table agree
        said = re.search(rf"under {re.escape(scen.name)}, (\d+)% \(", html)
        shown = re.search(rf"<td>{re.escape(scen.name)}</td>\s*<td class=\"num\">(\d+)%", block)
        assert said and shown and said.group(1) == shown.group(1), scen.name
        assert int(said.group(1)) == round(100 * table.loc[scen.name, share])


def test_interrupted_run_leaves_no_files(tmp_path, monkeypatch, rutland_sites,
                                         rutland_areas, rutland_walk_tt):
    import geoaccess.plot as gp

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(gp, "plot_cumulative", interrupt)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        pipeline.write_outputs(out, sites=rutland_sites, areas=rutland_areas,
                          matrices={"walk": rutland_walk_tt},
                          scenarios=demo_scenarios(rutland_sites), maps=["png"], dpi=40,
                          report=False, interactive=False)
    assert list(out.iterdir()) == []


def test_exit_codes_for_interrupts_and_unexpected_errors(monkeypatch, capsys):
    def interrupted(cfg, progress=True):
        raise KeyboardInterrupt

    def broken(cfg, progress=True):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "run", interrupted)
    assert cli.main(["run", str(EXAMPLE)]) == 130
    monkeypatch.setattr(cli, "run", broken)
    assert cli.main(["run", str(EXAMPLE)]) == 1
    err = capsys.readouterr().err
    assert "unexpected error: RuntimeError: disk on fire" in err and "--verbose" in err
    assert "Traceback" not in err
    assert cli.main(["--verbose", "run", str(EXAMPLE)]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_network_build_saves_a_loadable_network(tmp_path, capsys):
    osm = ga.datasets.get_path("west-oakland")
    out = tmp_path / "walk.npz"
    assert cli.main(["network", "build", str(osm), "--mode", "walk", "--out", str(out)]) == 0
    assert "saved to" in capsys.readouterr().out
    net = ga.Network.load(out)
    assert net.mode == "walk" and net.n_nodes > 100
    assert cli.main(["--quiet", "network", "build", str(osm), "--out",
                     str(tmp_path / "q.npz")]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["network", "build", str(tmp_path / "none.pbf"), "--out",
                     str(out)]) == 2
    assert cli.main(["network", "build", str(osm), "--out", str(tmp_path / "x.bin")]) == 2


def test_console_script_exit_code_in_a_subprocess(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("network: {source: x.pbf}\n", encoding="utf-8")
    env = dict(os.environ, MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-m", "geoaccess.cli", "run", str(bad)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert "network.source: file not found: x.pbf" in done.stderr
    assert "missing key 'sites'" in done.stderr
