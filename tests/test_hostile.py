"""Hostile and careless inputs (issue 18): each case is refused clearly or handled safely.

Classes: formula injection in every exporter; numbers that would give plausible but wrong
figures; configuration that would hang or fail late; the integrity of the output folder
(one set, never a mix; no name leaves the folder; exclusive temporary files; permissions).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess import cli, config, pipeline
from geoaccess._fs import neutralise_frame, write_csv, write_excel
from geoaccess._yaml import load_yaml
from geoaccess.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "rutland.yaml"
FORMULAS = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


# ------------------------------------------------------------------ formula injection
def _tiny(name: str):
    """Two real Rutland LSOAs (their polygons) and two sites, with a hostile scenario name."""
    import geopandas as gpd

    lsoa = gpd.read_file(Path(__file__).resolve().parents[1] / "data" / "rutland_lsoa21.gpkg")
    areas = lsoa.iloc[:2][["area_id", "imd_decile", "geometry"]].assign(kids=[50.0, 70.0])
    areas = areas.reset_index(drop=True)
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S01": [4.0, 30.0], "S02": [9.0, 3.0]},
                                                index=areas.area_id))
    scenarios = [ga.Scenario("Now", {"S01": "hub", "S02": "hub"}),
                 ga.Scenario(name, {"S01": "hub"})]
    return tt, areas, scenarios


def _cells_of_xlsx(path: Path) -> list:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize("name", FORMULAS)
def test_result_exports_neutralise_formulas(tmp_path, name):
    tt, areas, scenarios = _tiny(name)
    comp = ga.compare(ga.evaluate(tt, areas, scenarios, population="kids"), baseline="Now")
    back = pd.read_csv(comp.to_csv(tmp_path / "c.csv", table="summary"))
    assert back["scenario"].tolist() == ["'" + name]
    assert back["population_loss"].tolist() == [70.0]  # numbers stay numbers
    cells = _cells_of_xlsx(comp.to_excel(tmp_path / "c.xlsx"))
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert all(c.data_type != "f" for c in cells)  # no formula cell anywhere
    numbers = [c.value for c in cells if isinstance(c.value, (int, float))]
    assert numbers, "numbers stay numeric"


def test_eia_exports_neutralise_formulas(tmp_path):
    tt, areas, scenarios = _tiny(FORMULAS[0])
    comp = ga.compare(ga.evaluate(tt, areas, scenarios, population="kids"), baseline="Now")
    tables = ga.eia_tables(comp, areas)
    cells = _cells_of_xlsx(ga.equality.to_excel(tables, tmp_path / "eia.xlsx"))
    assert all(c.data_type != "f" for c in cells)
    for path in ga.equality.to_csv(tables, tmp_path / "eia").values():
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            assert not line.startswith(("=", "+", "@"))


@pytest.mark.parametrize("name", FORMULAS[:3])
def test_scenario_tables_neutralise_formulas(tmp_path, name):
    """write_scenarios: a scenario called ``=...`` (a column header of the table) and a
    site named ``=...`` are written as text in CSV and Excel; the roles stay as they are."""
    sites = pd.DataFrame({"site_id": ["S01", "S02"], "name": [name, "Hall"],
                          "kind": ["hub", "centre"]})
    scenarios = [ga.Scenario("Now", {"S01": "hub", "S02": "centre"}),
                 ga.Scenario(name, {"S01": "hub"})]
    back = pd.read_csv(ga.write_scenarios(scenarios, tmp_path / "s.csv", sites=sites),
                       keep_default_na=False)
    assert back.columns.tolist() == ["site_id", "name", "Now", "'" + name]
    assert back["name"].tolist() == ["'" + name, "Hall"]
    assert back["'" + name].tolist() == ["hub", ""]
    cells = _cells_of_xlsx(ga.write_scenarios(scenarios, tmp_path / "s.xlsx", sites=sites))
    assert all(c.data_type != "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert texts.count("'" + name) == 2  # the header and the site's name
    assert not [t for t in texts if t.startswith(("=", "+", "@"))]


def test_neutralise_keeps_negative_numbers_numeric():
    frame = pd.DataFrame({"name": ["-2+3", "Oakham", "-"], "change_minutes": [-2.5, 0.0, 1.0]})
    out = neutralise_frame(frame)
    assert out["name"].tolist() == ["'-2+3", "Oakham", "'-"]
    assert out["change_minutes"].tolist() == [-2.5, 0.0, 1.0]


def test_write_csv_and_excel_neutralise_headers_and_index(tmp_path):
    frame = pd.DataFrame({"=cmd": ["@x"]}, index=["+y"])
    text = write_csv(frame, tmp_path / "a.csv", index=True).read_text(encoding="utf-8")
    assert "'=cmd" in text and "'@x" in text and "'+y" in text
    cells = _cells_of_xlsx(write_excel(tmp_path / "a.xlsx", {"s": frame}))
    assert all(c.data_type != "f" for c in cells)


# ----------------------------------------------------------- YAML and configuration
def _bomb(levels: int = 9) -> str:
    names = "abcdefghijklmnop"
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for prev, cur in zip(names, names[1:levels], strict=False):
        text += f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    return text


def test_yaml_alias_bomb_in_a_configuration_is_refused_quickly(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb() + "credits: *i\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(InputError, match="alias bomb") as err:
        config.load_config(path)
    assert time.perf_counter() - start < 5
    assert len(str(err.value)) < 500  # never the expanded value


def test_yaml_alias_bomb_in_a_scenarios_file_is_refused(tmp_path, rutland_sites):
    path = tmp_path / "scenarios.yaml"
    path.write_text(_bomb(), encoding="utf-8")
    with pytest.raises(InputError, match="alias bomb"):
        ga.read_scenarios(path, rutland_sites)


def test_yaml_recursive_alias_and_deep_nesting_are_refused():
    with pytest.raises(InputError, match="deeper"):
        load_yaml("a: " + "[" * 60 + "]" * 60)
    with pytest.raises(InputError, match="recursive|itself|deeper"):
        load_yaml("a: &a [*a]")


def test_yaml_file_too_large_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("x: " + "a" * 2_100_000, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        load_yaml(path)


def _config(tmp_path: Path, **changes) -> Path:
    data = load_yaml(EXAMPLE)
    for key, value in changes.items():
        target = data
        *parents, last = key.split(".")
        for p in parents:
            target = target.setdefault(p, {})
        target[last] = value
    base = EXAMPLE.parent

    def absolute(v):
        if isinstance(v, str) and (base / v).exists():
            return str(base / v)
        return v

    sc = data.get("scenarios", {})
    if "file" in sc:
        sc["file"] = absolute(sc["file"])
    data.setdefault("outputs", {})["folder"] = str(tmp_path / "out")
    import yaml

    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("key", "value", "words"), [
    ("thresholds", [float("inf")], "finite"),
    ("thresholds", [10**400], "finite"),
    ("thresholds", [100000], "at most"),
    ("thresholds", "15", "list of minutes"),
    ("tolerance_minutes", float("inf"), "finite"),
    ("network.speed_kmh", {"walk": float("inf")}, "finite"),
    ("network.speed_kmh", {"walk": 5000}, "at most"),
    ("network.max_snap_m", float("nan"), "finite"),
    ("equality.threshold", float("inf"), "finite"),
])
def test_numbers_in_a_configuration_are_checked_before_any_work(tmp_path, key, value, words):
    path = _config(tmp_path, **{key: value})
    with pytest.raises(InputError, match=words):
        config.load_config(path)
    assert cli.main(["--quiet", "run", str(path), "--check"]) == 2


def test_many_problems_give_a_message_of_bounded_length(tmp_path):
    data = {f"unknown_key_{i}": i for i in range(5000)}
    with pytest.raises(InputError) as err:
        config.load_config(data)
    assert len(str(err.value)) < 20_000
    assert "more" in str(err.value)


def test_check_finds_an_output_name_taken_by_a_folder(tmp_path):
    path = _config(tmp_path)
    (tmp_path / "out" / "report.html").mkdir(parents=True)
    assert cli.main(["--quiet", "run", str(path), "--check"]) == 2
    with pytest.raises(InputError, match="report.html"):
        pipeline.check_output_folder(tmp_path / "out")


def test_check_finds_an_output_folder_that_is_a_file(tmp_path):
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    with pytest.raises(InputError, match="is a file"):
        pipeline.check_output_folder(tmp_path / "out")


def test_check_finds_a_missing_equality_column(tmp_path):
    path = _config(tmp_path, **{"equality.by": ["no_such_column"]})
    assert cli.main(["--quiet", "run", str(path), "--check"]) == 2


# ------------------------------------------------------------------ the output folder
def _write(out: Path, name: str = "Close S02", **kw) -> dict:
    tt, areas, scenarios = _tiny(name)
    return pipeline.write_outputs(out, sites=None, areas=areas, matrices={"walk": tt},
                                  scenarios=scenarios, population="kids", maps=[],
                                  report=False, interactive=False, tables=["csv"], **kw)


def _manifest_ok(out: Path) -> set[str]:
    """The files of the manifest, each present with the recorded sha256."""
    from geoaccess._fs import sha256_file

    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for f in data["files"]:
        assert sha256_file(out / f["path"]) == f["sha256"], f["path"]
    return {f["path"] for f in data["files"]}


def test_extra_table_names_cannot_leave_the_folder(tmp_path):
    out = tmp_path / "out"
    for bad in ("../x", "/tmp/x", "a/b", ".hidden", ""):
        with pytest.raises(InputError, match="plain file name"):
            _write(out, extra_tables={bad: pd.DataFrame({"a": [1]})})
    assert not (tmp_path / "x.csv").exists()


def test_a_failed_run_leaves_the_old_complete_set(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _write(out, name="First")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    calls = {"n": 0}
    real = pipeline.write_csv

    def fail_third(frame, path, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(frame, path, **kw)

    monkeypatch.setattr(pipeline, "write_csv", fail_third)
    with pytest.raises(KeyboardInterrupt):
        _write(out, name="Second")
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "notes.txt"}
    assert after == before
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]


def test_a_second_run_replaces_the_set_and_keeps_the_users_files(tmp_path):
    out = tmp_path / "out"
    _write(out, name="First")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "maps").mkdir(exist_ok=True)
    (out / "maps" / "my_map.png").write_bytes(b"png")
    _write(out, name="Second")
    files = _manifest_ok(out)
    assert "scenarios.csv" in files
    assert "Second" in (out / "scenario_summary.csv").read_text(encoding="utf-8")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "maps" / "my_map.png").read_bytes() == b"png"


def test_outputs_share_one_set_of_permissions(tmp_path):
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        written = _write(out, write_matrix=True)
    finally:
        os.umask(old)
    modes = {oct(p.stat().st_mode & 0o777) for p in written.values()}
    assert modes == {"0o644"}
    assert oct(out.stat().st_mode & 0o777) == "0o755"


def test_temporary_files_never_follow_a_planted_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    folder = tmp_path / "shared"
    folder.mkdir()
    for name in (".report.html.tmp", ".results.csv.tmp", "report.html.tmp"):
        (folder / name).symlink_to(victim)
    write_csv(pd.DataFrame({"a": [1]}), folder / "results.csv")
    from geoaccess._fs import atomic_write_text

    atomic_write_text(folder / "report.html", "<p>report</p>")
    assert (folder / "report.html").read_text(encoding="utf-8") == "<p>report</p>"
    assert victim.read_text(encoding="utf-8") == "precious"
    assert (folder / "results.csv").read_text(encoding="utf-8").splitlines() == ["a", "1"]


_KILLED_RUN = textwrap.dedent("""
    import sys, pandas as pd, geoaccess as ga
    from geoaccess import pipeline
    name = sys.argv[2]
    import geopandas as gpd
    from shapely.geometry import box
    areas = gpd.GeoDataFrame({"area_id": [f"A{i}" for i in range(400)], "kids": 1.0},
                             geometry=[box(480000 + 100 * (i % 20), 300000 + 100 * (i // 20),
                                           480100 + 100 * (i % 20), 300100 + 100 * (i // 20))
                                       for i in range(400)], crs="EPSG:27700")
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {f"S{j}": [float((i * 7 + j * 3) % 50) for i in range(400)] for j in range(30)},
        index=areas.area_id))
    scen = [ga.Scenario("Now", {f"S{j}": "hub" for j in range(30)})] + [
        ga.Scenario(f"{name} {k}", {f"S{j}": "hub" for j in range(30) if (j + k) % 3})
        for k in range(6)]
    pipeline.write_outputs(sys.argv[1], sites=None, areas=areas, matrices={"walk": tt},
                           scenarios=scen, population="kids", maps=[], report=False,
                           interactive=False, tables=["csv", "excel"])
""")


def test_a_run_killed_at_random_points_leaves_one_complete_set(tmp_path):
    out = tmp_path / "out"
    script = tmp_path / "run.py"
    script.write_text(_KILLED_RUN, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([sys.executable, str(script), str(out), "Old"], check=True, timeout=300)
    took = time.perf_counter() - start
    old = _manifest_ok(out)
    old_summary = (out / "scenario_summary.csv").read_bytes()
    seen = set()
    for fraction in (0.4, 0.85, 0.97):  # spread over a whole run, the commit included
        delay = took * fraction
        proc = subprocess.Popen([sys.executable, str(script), str(out), "New"])
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        files = _manifest_ok(out)  # complete, whichever set it is
        summary = (out / "scenario_summary.csv").read_bytes()
        seen.add("new" if b"New" in summary else "old")
        assert files == old
        if b"New" not in summary:
            assert summary == old_summary
    # the next run removes what killed runs left behind
    subprocess.run([sys.executable, str(script), str(out), "New"], check=True, timeout=300)
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]
    assert b"New" in (out / "scenario_summary.csv").read_bytes()


# ------------------------------------------------------------------------ loaders
SITES_CSV = Path(__file__).resolve().parents[1] / "data" / "rutland_sites.csv"


def _sites_with(tmp_path: Path, column: str, values: dict[str, str]) -> Path:
    frame = pd.read_csv(SITES_CSV, dtype=str)
    for site, value in values.items():
        frame.loc[frame.site_id == site, column] = value
    path = tmp_path / "sites.csv"
    frame.to_csv(path, index=False)
    return path


def test_decimal_commas_are_refused_with_the_rows_named(tmp_path):
    path = _sites_with(tmp_path, "capacity", {"S03": "12,5", "S07": "1,23"})
    with pytest.raises(InputError, match="decimal commas") as err:
        ga.read_sites(path)
    assert set(err.value.rows) >= {"S03", "S07"} and err.value.column == "capacity"


def test_decimal_commas_are_read_when_asked(tmp_path):
    path = _sites_with(tmp_path, "capacity", {"S03": "12,5", "S07": "1.234,5"})
    frame = pd.read_csv(path, dtype=str)
    frame["lat"] = frame["lat"].str.replace(".", ",", regex=False)
    frame["lon"] = frame["lon"].str.replace(".", ",", regex=False)
    frame.to_csv(path, index=False)
    sites = ga.read_sites(path, decimal=",").set_index("site_id")
    assert sites.loc["S03", "capacity"] == 12.5 and sites.loc["S07", "capacity"] == 1234.5
    plain = ga.read_sites(SITES_CSV).set_index("site_id")
    assert (sites.geometry.x - plain.geometry.x).abs().max() < 1e-6


def test_grouped_thousands_still_read(tmp_path):
    path = _sites_with(tmp_path, "capacity", {"S03": "1,234"})
    assert ga.read_sites(path).set_index("site_id").loc["S03", "capacity"] == 1234


@pytest.mark.parametrize(("column", "value"), [("capacity", "inf"), ("capacity", "nan"),
                                               ("lat", "inf"), ("lon", "-inf")])
def test_non_finite_numbers_are_refused(tmp_path, column, value):
    path = _sites_with(tmp_path, column, {"S05": value})
    with pytest.raises(InputError) as err:
        ga.read_sites(path)
    assert "S05" in err.value.rows


def test_infinite_population_in_a_frame_is_refused(rutland_osm):
    import geopandas as gpd

    areas = gpd.read_file(Path(__file__).resolve().parents[1] / "data" / "rutland_lsoa21.gpkg")
    areas["children_0_4"] = areas["children_0_4"].astype(float)
    areas.loc[3, "children_0_4"] = float("inf")
    with pytest.raises(InputError) as err:
        ga.read_areas(areas, population="children_0_4")
    assert areas.loc[3, "area_id"] in err.value.rows


def test_utf16_csv_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "sites16.csv"
    path.write_text(SITES_CSV.read_text(encoding="utf-8"), encoding="utf-16")
    assert ga.read_sites(path).site_id.tolist() == ga.read_sites(SITES_CSV).site_id.tolist()


def test_utf16_csv_without_a_byte_order_mark_names_the_encoding(tmp_path):
    path = tmp_path / "sites16le.csv"
    path.write_bytes(SITES_CSV.read_text(encoding="utf-8").encode("utf-16-le"))
    with pytest.raises(InputError, match="UTF-16"):
        ga.read_sites(path)


def test_a_header_of_100000_columns_gives_a_short_message(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"col{i}" for i in range(100_000)) + "\n"
                    + ",".join("1" for _ in range(100_000)) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ga.read_sites(path)
    assert len(str(err.value)) < 5_000


# ------------------------------------------------------------------ saved networks
@pytest.fixture(scope="module")
def saved_network(tmp_path_factory):
    net = ga.Network.from_osm_file(ga.datasets.get_path("west-oakland"), mode="walk")
    path = tmp_path_factory.mktemp("net") / "walk.npz"
    net.save(path)
    return path


def _tampered(src: Path, dst: Path, **changes) -> Path:
    import numpy as np

    with np.load(src, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    for key, fn in changes.items():
        arrays[key] = fn(arrays[key].copy())
    np.savez(dst, **arrays)
    return dst


def _reverse(a):
    return a[::-1].copy()


def _out_of_range(a):
    a[0] = 10**9
    return a


def _negative(a):
    a[0] = -5.0
    return a


def _nan(a):
    a[0] = float("nan")
    return a


@pytest.mark.parametrize(("key", "fn", "words"), [
    ("indptr", _reverse, "indptr"), ("indices", _out_of_range, "outside"),
    ("seconds", _negative, "not negative"), ("seconds", _nan, "finite"),
    ("x", _nan, "coordinates"), ("y", lambda a: a[:-1], "differ in length"),
])
def test_a_tampered_network_is_refused_on_load(saved_network, tmp_path, key, fn, words):
    bad = _tampered(saved_network, tmp_path / "bad.npz", **{key: fn})
    with pytest.raises(InputError, match=words):
        ga.Network.load(bad)


def test_a_truncated_network_is_refused_on_load(saved_network, tmp_path):
    data = saved_network.read_bytes()
    bad = tmp_path / "cut.npz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated"):
        ga.Network.load(bad)
    assert ga.Network.load(saved_network).n_nodes > 0


# ------------------------------------------------------------------ supplied matrices
def test_a_long_matrix_with_ids_1_and_text_1_is_refused():
    long = pd.DataFrame({"from_id": [1, "1"], "to_id": ["S1", "S1"], "travel_time": [3.0, 4.0]})
    with pytest.raises(InputError, match="differ only in type"):
        ga.TravelTimes.from_frame(long, area_id="from_id", site_id="to_id", value="travel_time")


def test_a_matrix_with_negative_or_duplicated_rows_is_refused():
    with pytest.raises(InputError, match="negative"):
        ga.TravelTimes.from_frame(pd.DataFrame({"S1": [-1.0, 2.0]}, index=["A", "B"]))
    with pytest.raises(InputError, match="duplicate"):
        ga.TravelTimes.from_frame(pd.DataFrame({"S1": [1.0, 2.0]}, index=["A", "A"]))


def test_a_truncated_matrix_file_is_refused(tmp_path):
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [1.0, 2.0]}, index=["A", "B"]))
    data = tt.save(tmp_path / "m.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="cut.parquet"):
        ga.TravelTimes.load(tmp_path / "cut.parquet")


# ------------------------------------------------------------------ reproducibility
def test_two_runs_give_byte_identical_tables_and_matrices(tmp_path):
    """Everything built twice from the files (origins, network, matrix), then written:
    every table, workbook and matrix has the same sha256; the time lives in run-log.json."""
    from geoaccess._fs import sha256_file
    from geoaccess.demo import demo_scenarios, load_demo

    hashes = []
    for run in ("one", "two"):
        demo = load_demo(("walk",))
        out = tmp_path / run
        pipeline.write_outputs(out, sites=demo["sites"], areas=demo["areas"],
                               matrices=demo["travel_times"],
                               scenarios=demo_scenarios(demo["sites"]),
                               population="children_0_4", maps=[], report=False,
                               interactive=False, explorer=False,
                               one_point_matrices=demo["area_travel_times"])
        files = sorted(p for p in out.rglob("*") if p.is_file()
                       and p.suffix in (".csv", ".xlsx", ".parquet"))
        hashes.append({p.relative_to(out).as_posix(): sha256_file(p) for p in files})
        assert json.loads((out / "run-log.json").read_text(encoding="utf-8"))["started_at"]
    assert len(hashes[0]) >= 10 and "travel_times_walk.parquet" in hashes[0]
    assert hashes[0] == hashes[1]
