"""The self-contained HTML report (geoaccess.report, jinja2)."""

from __future__ import annotations

import html
import re
import sys
from html.parser import HTMLParser

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

import geoaccess as ga
from geoaccess.demo import DATA_SOURCES, demo_scenarios
from geoaccess.errors import InputError
from geoaccess.report import DataSource

pytest.importorskip("jinja2")

HOSTILE = "<script>alert(1)</script>"


class _Tables(HTMLParser):
    """Text of every table cell, by the id of the div around the table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[str] = []
        self.headings: list[str] = []
        self._id: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._h2: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and (a.get("id") or "").startswith("table-"):
            self._id = a["id"][6:]
            self.tables[self._id] = []
        elif tag == "tr" and self._id:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "h2":
            self._h2 = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._id:
            self.tables[self._id].append(self._row)
            self._row = None
        elif tag == "table":
            self._id = None
        elif tag == "h2" and self._h2 is not None:
            self.headings.append("".join(self._h2).strip())
            self._h2 = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._h2 is not None:
            self._h2.append(data)


def _parse(text: str) -> _Tables:
    p = _Tables()
    p.feed(text)
    return p


@pytest.fixture(name="tiny")
def tiny_fixture():
    """Three areas; closing S2 takes E2 (30 kids, decile 2) from 3 to 22 minutes."""
    areas = gpd.GeoDataFrame(
        {"area_id": ["E1", "E2", "E3"], "name": ["North", "South", "East"],
         "kids": [10.0, 30.0, 5.0], "imd_decile": [2, 2, 9], "ward": ["A", "A", "B"]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(2000, 0, 3000, 1000)],
        crs="EPSG:27700")
    sites = gpd.GeoDataFrame({"site_id": ["S1", "S2"], "name": [HOSTILE, "Hall"],
                              "kind": ["hub", "centre"]},
                             geometry=[Point(500, 500), Point(1500, 500)], crs="EPSG:27700")
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [4.0, 22.0, 30.0], "S2": [9.0, 3.0, np.nan]}, index=["E1", "E2", "E3"]),
        mode="walk")
    result = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "centre"}),
                                     ga.Scenario("<b>Close</b> S2 & co", {"S1": "hub"})],
                         population="kids", thresholds=[10, 15, 20])
    return areas, sites, result


def test_hostile_site_and_scenario_names_appear_as_text(tiny):
    areas, sites, result = tiny
    text = ga.render_report(ga.compare(result), areas, sites=sites, title=f"Review {HOSTILE}")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>Close</b>" not in text and "&lt;b&gt;Close&lt;/b&gt; S2 &amp; co" in text
    sites_table = _parse(text).tables["sites"]
    # the number on the maps, then the site (the parser unescapes: plain text)
    assert sites_table[1][:4] == ["1", "S1", HOSTILE, "hub"]


def test_report_is_self_contained(tiny):
    areas, sites, result = tiny
    text = ga.render_report(result, areas, sites=sites)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "<link" not in text and "@import" not in text and "<script" not in text
    parsed = _parse(text)
    assert len(parsed.images) == 4  # scenarios, change, equality, cumulative
    assert all(src.startswith("data:image/png;base64,") for src in parsed.images)
    svg = _parse(ga.render_report(result, areas, figure_format="svg")).images
    assert all(src.startswith("data:image/svg+xml;base64,") for src in svg)


def test_report_answers_the_eia_question_with_the_numbers(tiny):
    """Now: within 15 min: E1 (4) and E2 (3) = 40 of 45 kids = 89%; the proposal: only
    E1 = 10 of 45 = 22%; 30 kids lose 15-minute access, all in decile 2."""
    areas, sites, result = tiny
    text = ga.render_report(ga.compare(result), areas, sites=sites, place="Testshire",
                            service="a centre")
    parsed = _parse(text)
    assert parsed.headings == [
        "1. Question and findings", "2. Scenarios", "3. Summary tables", "4. Maps",
        "5. Equality analysis", "6. Areas and sites", "7. Method appendix",
        "8. Provenance and caveats", "9. Data and licences"]
    summary = parsed.tables["summary"]
    col = summary[0].index("Within 15 min")
    assert [row[col] for row in summary[1:]] == [f"{40 / 45:.0%}", f"{10 / 45:.0%}"]
    change = parsed.tables["change"]
    assert change[1][change[0].index("Lose 15-min access")] == "30"
    decile = parsed.tables["by_imd_decile"]
    assert decile[0][0] == "IMD decile"
    assert [r[0] for r in decile[1:]] == ["2", "9", "All areas"]
    losers = parsed.tables["losers"]
    assert losers[1][1:4] == ["E2", "South", "A"] and losers[1][8] == "+19.0"
    plain = html.unescape(text)
    findings = ga.equality.findings(ga.compare(result), areas, place="Testshire",
                                    service="a centre")
    for sentence in findings.sentences + findings.caveats:
        assert sentence in plain
    assert "no longer have a centre within 15 minutes' walk" in plain


def test_method_provenance_and_licences(rutland_walk_tt, rutland_areas, rutland_sites):
    result = ga.evaluate(rutland_walk_tt, rutland_areas, demo_scenarios(rutland_sites),
                         population="children_0_4")
    text = ga.render_report(ga.compare(result), rutland_areas, sites=rutland_sites,
                            place="Rutland", service="a centre",
                            data_sources=[DataSource(**d) for d in DATA_SOURCES])
    plain = html.unescape(text)
    assert "walking at 4.8 km/h" in plain
    assert "points more than 500 m away get no time" in plain
    assert "10, 15, 20, 30, 45, 60 minutes" in plain
    assert "85f7540a52772856e61fca49c257ebdf653e62b4a552a9c59fc65b626582e387" in plain
    assert "2022-07-20" in plain
    parsed = _parse(text)
    assert len(parsed.images) == 1 + 2 + 2  # minutes, 2 change maps, 2 charts
    # (with network=..., service areas are added: covered by test_cli's end-to-end run)
    licences = re.search(r'id="licences".*?</section>', text, flags=re.S).group(0)
    assert "© OpenStreetMap contributors" in licences
    assert "Open Database Licence (ODbL) 1.0" in licences
    assert "Open Government Licence v3.0" in licences
    sites_table = parsed.tables["sites"]
    assert len(sites_table) == 1 + 36
    assert sites_table[0][4:] == result.scenario_names
    assert [r[0] for r in sites_table[1:]] == [str(i) for i in range(1, 37)]
    keep18 = {r[1] for r in sites_table[1:] if r[5] != "closed"}
    assert keep18 == set(result.scenarios["Keep 18 of 36"].open_sites)


def test_single_scenario_report_and_errors(tiny, tmp_path, monkeypatch):
    areas, _, result = tiny
    one = ga.evaluate(ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0, 30.0]},
                                                             index=["E1", "E2", "E3"])),
                      areas, ga.Scenario("Now", {"S1": "hub"}), population="kids")
    path = ga.write_report(one, areas, tmp_path / "one.html")
    text = path.read_text(encoding="utf-8")
    assert "Only one scenario was evaluated" in text
    assert [p.name for p in tmp_path.iterdir()] == ["one.html"]  # no temporary file left
    with pytest.raises(InputError, match="does not exist"):
        ga.write_report(one, areas, tmp_path / "missing" / "r.html")
    with pytest.raises(InputError, match="not evaluated"):
        ga.render_report(result, areas, threshold_minutes=12)
    with pytest.raises(InputError, match="figure_format"):
        ga.render_report(result, areas, figure_format="gif")
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(ImportError, match=r"geoaccess\[report\]"):
        ga.render_report(result, areas)


def test_old_threshold_keyword_still_works_with_a_future_warning(tiny):
    """``threshold=`` is the old name of ``threshold_minutes=``: the report quotes the
    threshold given under either name; giving both is an error."""
    areas, _, result = tiny
    def question(text: str) -> str:
        return html.unescape(re.search(r'<p class="question">(.*?)</p>', text).group(1))

    with pytest.warns(FutureWarning, match="threshold= is now threshold_minutes="):
        old = question(ga.render_report(result, areas, threshold=10))
    new = question(ga.render_report(result, areas, threshold_minutes=10))
    assert old == new
    assert "who would no longer have an open site within 10 minutes" in old
    with pytest.raises(InputError, match="give threshold_minutes= only"):
        ga.render_report(result, areas, threshold=10, threshold_minutes=10)


# ---------------------------------------------------------- plain words, method after
RAW_NAMES = ("children_0_4", "children_5_15", "disabled_share", "ethnic_minority_share",
             "imd_decile", "nearest_minutes", "share_within", "population_loses")


def _visible_text(html_text: str) -> str:
    """What a reader sees: tags, attribute values (but not tooltips) and images removed."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html_text, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(body)


def test_report_reads_in_plain_words_with_the_method_in_an_appendix(rutland_walk_tt,
                                                                    rutland_areas,
                                                                    rutland_sites):
    """Rutland has IMD deciles 6–10 only: the findings name its most deprived areas with
    their national deciles; no raw column name, "∞", "– to –", confidence method or
    formula appears before the method appendix."""
    result = ga.evaluate(rutland_walk_tt, rutland_areas, demo_scenarios(rutland_sites),
                         population="children_0_4")
    text = ga.render_report(ga.compare(result), rutland_areas, sites=rutland_sites,
                            place="Rutland", service="a centre",
                            shares=["disabled_share", "ethnic_minority_share"],
                            data_sources=[DataSource(**d) for d in DATA_SOURCES])
    main, appendix = text.split('<section id="method">', 1)
    seen = _visible_text(main)
    assert "in the most deprived areas of Rutland, which nationally are in IMD deciles" in seen
    assert [name for name in RAW_NAMES if name in seen] == []
    for word in ("∞", "– to –", "Katz", "√", "Gini", "Theil"):
        assert word not in seen, word
    assert not re.search(r"geoaccess\.\w", seen)  # no "see geoaccess.service_areas"
    assert "This is an estimate: it applies each area's share of residents who are disabled" \
        in seen
    tips = " ".join(re.findall(r'title="([^"]*)"', main))
    assert [name for name in RAW_NAMES if name in tips] == []
    later = _visible_text(appendix)
    assert "Katz log method" in later and "Gini" in later and "√" in later
    assert "∞" not in later and "– to –" not in later


def test_no_infinity_or_empty_interval_in_tables():
    """An interval with no upper limit and one not estimated, in words."""
    from geoaccess.report._format import _interval, _num

    assert _interval(1.5, float("inf")) == "1.50 or more (no upper limit)"
    assert _interval(float("nan"), float("nan")) == "not estimated"
    assert _num(float("inf")) == "no upper limit"


def test_exported_tables_are_rounded_to_their_units(tiny, tmp_path):
    """Minutes to 0.1, shares to 0.001 (a percentage to one decimal), people whole; the
    matrix keeps full precision."""
    from geoaccess.pipeline import write_outputs

    areas, sites, result = tiny
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [4.123456, 22.987654, 30.5], "S2": [9.333333, 3.141593, np.nan]},
        index=["E1", "E2", "E3"]), mode="walk")
    areas = areas.assign(kids=[10.4, 29.6, 5.25])
    out = write_outputs(tmp_path / "out", sites=sites, areas=areas, matrices={"walk": tt},
                        scenarios=list(result.scenarios.values()), population="kids",
                        thresholds=[10, 15], maps=(), report=False, interactive=False)

    def decimals(values) -> int:
        text = [f"{v}" for v in pd.Series(values).dropna()]
        return max((len(t.split(".")[1]) if "." in t else 0) for t in text)

    summary = pd.read_csv(out["scenario_summary"])
    assert decimals(summary["mean_minutes"]) <= 1
    assert decimals(summary["share_within_15"]) <= 3
    assert pd.api.types.is_integer_dtype(summary["population_within_15"])
    change = pd.read_csv(out["change_areas"])
    assert decimals(change["change_minutes"]) <= 1
    assert change.loc[change["area_id"] == "E2", "change_minutes"].iloc[0] == round(
        22.987654 - 3.141593, 1)
    for sheet, frame in pd.read_excel(out["results_excel"], sheet_name=None).items():
        for col in frame.columns:
            if col.endswith("[minutes]"):
                assert decimals(frame[col]) <= 1, (sheet, col)
            elif col.endswith("[people]"):
                assert decimals(frame[col]) == 0, (sheet, col)
            elif col.endswith("[proportion]"):
                assert decimals(frame[col]) <= 3, (sheet, col)
    eia = pd.read_csv(next(p for k, p in out.items() if k.startswith("eia_")
                           and str(p).endswith(".csv")), encoding="utf-8-sig")
    for col in eia.columns:
        if col.endswith("[minutes]"):
            assert decimals(eia[col]) <= 1, col
    back = ga.TravelTimes.load(out["matrix_walk"])
    assert back.minutes.loc["E1", "S1"] == pytest.approx(4.123456)
