"""The consultation explorer (geoaccess.explorer), opened in a real headless Chromium.

The numbers the page shows after ticking sites are checked against ``ga.evaluate``,
``ga.compare`` and ``ga.equality.breakdown`` for the same configuration: on a
hand-worked example, and on twenty random configurations of the Rutland walk matrix.
"""

from __future__ import annotations

import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from browser import chromium_fixture, offline_fixture  # noqa: F401 (fixtures)
from shapely.geometry import box

import geoaccess as ga
import geoaccess.plot as gp
from geoaccess._explorer import matrix as mx
from geoaccess.demo import demo_scenarios
from geoaccess.errors import InputError
from geoaccess.explorer import write_explorer

pytest.importorskip("bokeh")

# ----------------------------------------------------------------------------- helpers
READ_SUMMARY = """els => els.map(e => [e.dataset.key, e.dataset.value, e.textContent])"""
TO_SCREEN = """([x, y]) => {
  const [v] = [...Bokeh.index.query((v) => v.model.type === "Figure")];
  const r = v.canvas_view.el.getBoundingClientRect();
  return [r.left + v.frame.x_scale.compute(x), r.top + v.frame.y_scale.compute(y)];
}"""
COUNT_IMAGES = """() => {
  let n = 0;
  const walk = (node) => {
    if (node.nodeName === "IMG") n++;
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(document.body);
  return n;
}"""
READ_GROUPS = """rows => rows.map(r => [r.dataset.group,
    Array.from(r.querySelectorAll('[data-key]'),
               e => [e.dataset.key, e.dataset.value, e.textContent])])"""


def _number(value: str) -> float:
    return float("nan") if value in ("NaN", "undefined") else float(value)


def _shown(text: str) -> float:
    """A displayed number: "1,234" → 1234, "61.6%" → 61.6, "–" → NaN."""
    t = text.strip().replace(",", "").rstrip("%")
    return float("nan") if t in ("–", "") else float(t)


def _read(page, bits: str) -> tuple[dict, dict]:
    """The summary and decile table once they show the configuration ``bits``."""
    page.locator(f'div.ga[data-open="{bits}"]').wait_for(timeout=30_000)
    page.locator(f'table[data-open="{bits}"]').wait_for(timeout=30_000)
    cells = page.locator("div.ga [data-key]").evaluate_all(READ_SUMMARY)
    rows = page.locator("tr[data-group]").evaluate_all(READ_GROUPS)
    summary = {k: (_number(v), t) for k, v, t in cells}
    groups = {g: {k: (_number(v), t) for k, v, t in cs} for g, cs in rows}
    return summary, groups


def _expected(tt, areas, base, open_ids, *, population, thresholds, threshold):
    """What evaluate, compare and breakdown say for ``open_ids`` against ``base``."""
    cfg = ga.Scenario("cfg", {s: "centre" for s in open_ids})
    res = ga.evaluate(tt, areas, [base, cfg], population=population, thresholds=thresholds)
    comp = ga.compare(res, baseline=base.name)
    s = res.summary.set_index("scenario").loc["cfg"]
    c = comp.summary.set_index("scenario").loc["cfg"]
    labels = [ga.measures.threshold_label(t) for t in res.thresholds]
    summary = {"population": s["population"], "mean_minutes": s["mean_minutes"],
               "population_unreachable": s["population_unreachable"],
               "share_unreachable": s["population_unreachable"] / s["population"],
               "population_loss": c["population_loss"], "population_gain": c["population_gain"],
               "population_unchanged": c["population_unchanged"]}
    for lab in labels:
        summary[f"population_within_{lab}"] = s[f"population_within_{lab}"]
        summary[f"share_within_{lab}"] = s[f"share_within_{lab}"]
        summary[f"population_loses_{lab}"] = c[f"population_loses_{lab}"]
        summary[f"population_gains_{lab}"] = c[f"population_gains_{lab}"]
    groups = {}
    lab = ga.measures.threshold_label(threshold)
    if "imd_decile" in areas.columns:
        b = ga.equality.breakdown(comp, areas, "imd_decile", population=population)
        for _, row in b[b["scenario"] == "cfg"].iterrows():
            g = row["imd_decile"]
            key = "all" if g == "All areas" else (g if isinstance(g, str) else str(int(g)))
            groups[key] = {"population": row["population"],
                           "mean_minutes": row["mean_minutes"],
                           f"share_within_{lab}": row[f"share_within_{lab}"],
                           "population_loss": row["population_loss"],
                           f"population_loses_{lab}": row[f"population_loses_{lab}"]}
    return summary, groups, res


def _same(got: float, want: float, *, rel: float = 1e-9) -> bool:
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    return math.isclose(got, want, rel_tol=rel, abs_tol=1e-9)


def _check(shown: dict, expected: dict, where: str) -> None:
    """Values equal to evaluate's; the text shows them rounded as the page says."""
    assert set(expected) <= set(shown), f"{where}: missing {set(expected) - set(shown)}"
    for key, want in expected.items():
        value, text = shown[key]
        want = float(want)
        # minutes are held as float32 rounded up: equal to 1e-6 relative
        rel = 1e-6 if key.endswith("minutes") else 1e-9
        assert _same(value, want, rel=rel), f"{where} {key}: page {value}, evaluate {want}"
        got = _shown(text)
        if math.isnan(want):
            assert math.isnan(got), f"{where} {key}: shows {text!r} for no value"
        elif key.startswith("share"):
            assert abs(got - 100 * want) <= 0.05 + 1e-9, f"{where} {key}: {text!r} vs {want}"
        elif key.endswith("minutes"):
            assert abs(got - want) <= 0.05 + 1e-6, f"{where} {key}: {text!r} vs {want}"
        else:
            assert abs(got - want) <= 0.5 + 1e-9, f"{where} {key}: {text!r} vs {want}"


def _tick(page, labels: list[str], current: set[int], wanted: set[int]) -> None:
    for j in sorted(current ^ wanted):
        page.get_by_label(labels[j], exact=True).set_checked(j in wanted)


def _bits(open_idx: set[int], n: int) -> str:
    return "".join("1" if j in open_idx else "0" for j in range(n))


# ---------------------------------------------------------------------- hand-worked
@pytest.fixture()
def tiny(tmp_path):
    """Three areas, three sites; E3 is not in the matrix.

    ======  ====  ====  ======================  ====  ======
    area    S1    S2    S3                      kids  decile
    ======  ====  ====  ======================  ====  ======
    E1      4     9     4 (ties S1)              10    2
    E2      22    3     15.000000000000002       30    7
    E3      (not in the matrix: no route)         5    -
    ======  ====  ====  ======================  ====  ======

    "Now" (all open): E1 4 (S1), E2 3 (S2). Within 10, 15 and 20: 40 of 45 kids;
    mean (10×4 + 30×3) / 40 = 3.25. "Close S2": E2 → 15.000000000000002 (S3), just over
    15 (float32 would round it to 15): within 15 = 10; E2's 30 kids have a longer
    journey and lose 10- and 15-minute access. Only S3 open: E1 4 by S3, the same time
    as S1's: unchanged, not a gain or a loss.
    """
    areas = gpd.GeoDataFrame(
        {"area_id": ["E1", "E2", "E3"], "name": ["<b>North</b>", "South", "East"],
         "kids": [10.0, 30.0, 5.0], "imd_decile": [2, 7, np.nan]},
        geometry=[box(480000, 300000, 481000, 301000), box(481000, 300000, 482000, 301000),
                  box(482000, 300000, 483000, 301000)], crs="EPSG:27700")
    sites = gpd.GeoDataFrame(
        {"site_id": ["S1", "S2", "S3"],
         "name": ["Hall </script><script>alert(2)</script>", "<img src=x onerror=alert(1)>",
                  "Library"],
         "kind": ["hub", "centre", "outreach"]},
        geometry=gpd.points_from_xy([480500, 481500, 482500], [300500] * 3), crs="EPSG:27700")
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [4.0, 22.0], "S2": [9.0, 3.0], "S3": [4.0, 15.000000000000002]},
        index=["E1", "E2"]), mode="walk")
    now = ga.Scenario("Now", {"S1": "hub", "S2": "centre", "S3": "outreach"})
    close = ga.Scenario("Close <S2> & 'co'", {"S1": "hub", "S3": "outreach"})
    path = write_explorer(tt, areas, [now, close], tmp_path / "explorer.html", sites=sites,
                          population="kids", thresholds=[10, 15, 20],
                          title="Consult <now>", caveats=["Caveat & <i>one</i>"],
                          data_dates={"Population": "mid-2020 <ONS>"})
    return tt, areas, sites, now, close, path


def test_hand_worked_numbers_in_the_browser(tiny, offline):
    tt, areas, sites, now, close, path = tiny
    page = offline.page
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    offline.open(path)
    offline.wait_bokeh()
    summary, groups = _read(page, "111")
    assert summary["population"][0] == 45
    assert summary["population_within_10"][0] == summary["population_within_20"][0] == 40
    assert summary["share_within_15"][1] == "88.9%"
    assert summary["mean_minutes"][0] == pytest.approx(3.25)
    assert summary["population_unreachable"][0] == 5
    assert summary["population_loss"][0] == summary["population_gain"][0] == 0
    assert set(groups) == {"2", "7", "not recorded", "all"}

    page.locator("select").select_option("Close <S2> & 'co'")
    summary, groups = _read(page, "101")
    assert summary["population_within_15"][0] == 10  # E2 is 2e-15 min over 15
    assert summary["population_within_20"][0] == 40
    assert summary["mean_minutes"][0] == pytest.approx(12.25)
    assert summary["population_loss"][0] == 30 and summary["population_unchanged"][0] == 10
    assert summary["population_loses_10"][0] == summary["population_loses_15"][0] == 30
    assert summary["population_loses_20"][0] == 0
    assert groups["7"]["population_loses_15"][0] == 30
    assert groups["2"]["population_loss"][0] == 0
    assert groups["not recorded"]["mean_minutes"][1] == "–"
    # hovering E2 tells its time, nearest site and change in words
    centre = areas.to_crs(3857).geometry.centroid.iloc[1]
    page.mouse.move(*page.evaluate(TO_SCREEN, [centre.x, centre.y]))
    page.wait_for_timeout(300)
    hover = " ".join(offline.text().split())
    assert "Area: South (E2)" in hover and "Nearest open site: Library" in hover
    assert "Minutes to nearest open site: 15.0 min" in hover
    assert "Change against Now: +12.0 min" in hover and "Kids: 30" in hover

    labels = ["S1 Hall </script><script>alert(2)</script>",
              "S2 <img src=x onerror=alert(1)>", "S3 Library"]
    _tick(page, labels, {0, 2}, {2})
    summary, _ = _read(page, "001")
    assert summary["population_unchanged"][0] == 10  # E1: 4 by S3 as by S1 (a tie)
    assert summary["population_gain"][0] == 0 and summary["population_loss"][0] == 30
    assert page.locator("select").input_value() == "Your own selection"
    data = offline.bokeh_data("areas")
    assert data["site"] == [2, 2, -1]  # S3 (Library) is the nearest; E3 has none
    assert data["minutes"][2] is None and data["cls"][2] == -1

    text = offline.text()
    for literal in ("Consult <now>", "<img src=x onerror=alert(1)>", "Caveat & <i>one</i>",
                    "Hall </script><script>alert(2)</script>",
                    "Population: mid-2020 <ONS>", "Close <S2> & 'co'"):
        assert literal in text, literal
    assert text.count("OpenStreetMap contributors") == 1
    assert page.evaluate(COUNT_IMAGES) == 0 and alerts == []  # names stayed text
    assert offline.outside == [] and offline.errors == []


def test_each_scenario_against_evaluate(tiny, offline):
    tt, areas, sites, now, close, path = tiny
    offline.open(path)
    offline.wait_bokeh()
    col = {s: j for j, s in enumerate(tt.site_ids)}
    for scen in (close, now):
        offline.page.locator("select").select_option(scen.name)
        shown, groups = _read(offline.page, _bits({col[s] for s in scen.open_sites}, 3))
        want, want_groups, _ = _expected(tt, areas, now, scen.open_sites, population="kids",
                                         thresholds=[10, 15, 20], threshold=15)
        _check(shown, want, scen.name)
        for g, values in want_groups.items():
            _check(groups[g], values, f"{scen.name} decile {g}")
    assert offline.outside == [] and offline.errors == []


# ------------------------------------------------------------------------- Rutland
def test_twenty_random_configurations_equal_evaluate(rutland_walk_tt, rutland_areas,
                                                     rutland_sites, tmp_path, offline):
    """Tick sites in the page and compare every number shown with evaluate's."""
    tt, areas = rutland_walk_tt, rutland_areas
    scenarios = demo_scenarios(rutland_sites)
    base = scenarios[0]
    path = write_explorer(tt, areas, scenarios, tmp_path / "rutland.html",
                          sites=rutland_sites, population="children_0_4")
    page = offline.page
    offline.open(path)
    offline.wait_bokeh()
    site_ids = list(tt.site_ids)
    names = dict(zip(rutland_sites["site_id"], rutland_sites["name"], strict=True))
    labels = [f"{s} {names[s]}" for s in site_ids]
    rng = np.random.default_rng(15)
    current = set(range(len(site_ids)))
    configs = [set()] + [set(rng.choice(len(site_ids), size=k, replace=False).tolist())
                         for k in rng.integers(1, len(site_ids) + 1, size=19)]
    for i, wanted in enumerate(configs):
        _tick(page, labels, current, wanted)
        current = wanted
        open_ids = [site_ids[j] for j in sorted(wanted)]
        shown, groups = _read(page, _bits(wanted, len(site_ids)))
        want, want_groups, res = _expected(tt, areas, base, open_ids,
                                           population="children_0_4", thresholds=None,
                                           threshold=15)
        _check(shown, want, f"configuration {i} ({len(open_ids)} open)")
        assert set(groups) == set(want_groups)
        for g, values in want_groups.items():
            _check(groups[g], values, f"configuration {i} decile {g}")
        # the map: each area's minutes, nearest site and class of colour
        rows = res["cfg"].reindex(areas["area_id"].astype(str))
        data = offline.bokeh_data("areas")
        minutes = np.array([np.nan if v is None else v for v in data["minutes"]])
        np.testing.assert_allclose(minutes, rows["nearest_minutes"], rtol=1e-6)
        assert [site_ids[j] if j >= 0 else None for j in data["site"]] == [
            s if isinstance(s, str) else None for s in rows["nearest_site"]]
        cls = np.searchsorted(gp.MINUTES_BINS, rows["nearest_minutes"], side="left")
        assert data["cls"] == np.where(np.isfinite(rows["nearest_minutes"]), cls, -1).tolist()
    assert offline.outside == [] and offline.errors == []


# ---------------------------------------------------------------- without a browser
def test_matrix_encoding_keeps_evaluates_order_and_thresholds():
    """Float32 rounded up keeps "<= t" exact; ties are flagged, row order is float64's."""
    m = np.array([[15.000000000000002, 15.0, np.nan, 15.0],
                  [np.nan, np.nan, np.nan, np.nan],
                  [7.25, 300.0, 2.0, 7.25 + 1e-12]])
    e = mx.encode(m)
    assert mx.decode(e, "ptr").tolist() == [0, 3, 3, 7]
    assert mx.decode(e, "site").tolist() == [1, 3, 0, 2, 0, 3, 1]
    f = mx.decode(e, "minutes")
    assert f[0] == 15 and f[1] == 15 and f[2] > 15  # 15 + 2e-15 stays over 15
    # times within compare's tolerance (1e-9 min) tie: all three in row 0 (S4 sorted
    # after S2, as argmin breaks ties), 7.25 and 7.25 + 1e-12 in row 2
    assert mx.decode(e, "ties").tolist() == [1, 2, 5]
    with pytest.raises(InputError, match="cannot be held exactly"):
        mx.check_thresholds([12.3])


def test_bad_inputs_are_named(tmp_path):
    areas = gpd.GeoDataFrame({"area_id": ["E1"], "kids": [1.0], "imd_decile": [11]},
                             geometry=[box(0, 0, 10, 10)], crs="EPSG:27700")
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0]}, index=["E1"]))
    now = ga.Scenario("Now", {"S1": "hub"})
    with pytest.raises(InputError, match=r"imd_decile.*deciles 1\.\.10") as err:
        write_explorer(tt, areas, now, tmp_path / "x.html", population="kids")
    assert err.value.rows == ["E1"]
    with pytest.raises(InputError, match="threshold 25 is not among"):
        write_explorer(tt, areas.drop(columns="imd_decile"), now, tmp_path / "x.html",
                       population="kids", threshold_minutes=25)
    with pytest.raises(InputError, match="does not exist"):
        write_explorer(tt, areas, now, tmp_path / "no" / "x.html", population="kids")
    with pytest.raises(InputError, match="not in the travel-time matrix"):
        write_explorer(tt, areas.drop(columns="imd_decile"), ga.Scenario("X", {"S9": "hub"}),
                       tmp_path / "x.html", population="kids")
    assert not (tmp_path / "x.html").exists()


def test_screenshots_of_the_pages(tiny, tmp_path, chromium):
    from geoaccess._explorer.browser import write_screenshots

    written = write_screenshots({"explorer": tiny[-1]}, tmp_path / "shots", width=1200,
                                height=800, chromium=chromium)
    png = written["explorer"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 1200 and height >= 800  # the whole page


def test_page_loads_no_script_or_style_from_elsewhere(tiny):
    """Every script and style is inside the file (the browser tests show nothing loads)."""
    text = tiny[-1].read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import", text)
    assert text.count("<script") >= 3  # BokehJS, its widgets, the document
