"""One access standard over several modes as one EIA measure (issue 14).

"A centre within 15 minutes on foot or 5 by car" is read into an AccessRule naming the
modes of its conditions, evaluated over a walking and a driving matrix of Rutland (per
area and per home), and reported by findings, eia_tables and the report. Every figure is
checked against an independent computation straight from the matrices' arrays.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess.demo import demo_scenarios
from geoaccess.equality import eia_tables, findings, standard_table
from geoaccess.errors import InputError
from geoaccess.measures import AccessRule

RULE = "any site within 15 minutes on foot or 5 by car"


# ------------------------------------------------------------------ reading the words
@pytest.mark.parametrize(("text", "clauses", "modes"), [
    # the second condition names only its time and mode: the same centre
    ("a centre within 15 minutes on foot or 20 by bus",
     (((("centre",), 15.0),), ((("centre",), 20.0),)), (("walk",), ("transit",))),
    ("any site within 15 minutes walking or 10 minutes by car",
     (((None, 15.0),), ((None, 10.0),)), (("walk",), ("drive",))),
    ("a hub within 20 by public transport", (((("hub",), 20.0),),), (("transit",),)),
    ("a centre within 15 minutes' walk or 10 minutes' drive",
     (((("centre",), 15.0),), ((("centre",), 10.0),)), (("walk",), ("drive",))),
    ("a centre within 20 minutes with a pushchair or 10 by bike",
     (((("centre",), 20.0),), ((("centre",), 10.0),)), (("pushchair",), ("cycle",))),
    ("a hub within 20 minutes driving and an outreach site within 10 on foot",
     (((("hub",), 20.0), (("outreach",), 10.0)),), (("drive", "walk"),)),
    ("a centre within 25 minutes by transit", (((("centre",), 25.0),),), (("transit",),)),
    # a rule without modes reads as before: no modes at all
    ("a hub within 20 minutes or an outreach site within 10",
     (((("hub",), 20.0),), ((("outreach",), 10.0),)), ()),
])
def test_mode_words_are_read(text, clauses, modes):
    rule = AccessRule.parse(text)
    assert rule.clauses == clauses
    assert rule.modes == modes


@pytest.mark.parametrize("text", ["a centre within 15 or 20", "20 by bus or a hub within 5",
                                  "a centre within 15 minutes by horse"])
def test_unreadable_mode_clauses_say_the_form(text):
    with pytest.raises(InputError, match="how people travel"):
        AccessRule.parse(text)


# --------------------------------------------------------- independent computation
def nearest_open(values: np.ndarray, open_cols: np.ndarray) -> np.ndarray:
    """Minutes to the nearest open site per row, inf where none (no NaN warnings)."""
    v = values[:, open_cols]
    return np.where(np.isnan(v), np.inf, v).min(axis=1) if v.shape[1] else \
        np.full(len(values), np.inf)


def met_by_hand(walk: ga.TravelTimes, drive: ga.TravelTimes, scenario: ga.Scenario
                ) -> np.ndarray:
    """(nearest open walk <= 15) or (nearest open drive <= 5), row by row of ``walk``."""
    sites = walk.minutes.columns.astype(str)
    is_open = np.isin(sites, list(scenario.open_sites))
    d = drive.minutes.reindex(index=walk.minutes.index, columns=walk.minutes.columns)
    return ((nearest_open(walk.minutes.to_numpy(np.float64), is_open) <= 15)
            | (nearest_open(d.to_numpy(np.float64), is_open) <= 5))


@pytest.fixture(scope="module")
def scenarios(rutland_sites):
    return demo_scenarios(rutland_sites)


@pytest.fixture(scope="module")
def by_area(rutland_walk_tt, rutland_drive_tt, rutland_areas, scenarios):
    return ga.evaluate({"walk": rutland_walk_tt, "drive": rutland_drive_tt}, rutland_areas,
                       scenarios, population="children_0_4", rules={"standard": RULE})


@pytest.fixture(scope="module")
def homes(rutland_osm, rutland_walk, rutland_drive, rutland_sites, rutland_areas):
    origins = ga.build_origins(rutland_areas, osm=rutland_osm, population="children_0_4")
    return (ga.travel_times(rutland_walk, rutland_sites, origins, progress=False),
            ga.travel_times(rutland_drive, rutland_sites, origins, progress=False))


@pytest.fixture(scope="module")
def by_home(homes, rutland_areas, scenarios):
    walk, drive = homes
    return ga.evaluate({"walk": walk, "drive": drive}, rutland_areas, scenarios,
                       population="children_0_4", rules={"standard": RULE})


def test_each_area_meets_the_standard_as_computed_from_both_matrices(
        by_area, rutland_walk_tt, rutland_drive_tt, rutland_areas, scenarios):
    """Per area: met = walk <= 15 or drive <= 5 to the nearest open site, straight from
    the arrays; the summary's share is the population-weighted sum of those areas."""
    pop = rutland_areas.set_index("area_id")["children_0_4"].astype(float)
    met_any = []
    for scen in scenarios:
        met = pd.Series(met_by_hand(rutland_walk_tt, rutland_drive_tt, scen),
                        index=rutland_walk_tt.minutes.index.astype(str))
        got = by_area[scen.name]["standard"]
        assert got.to_dict() == met.reindex(got.index).to_dict(), scen.name
        row = by_area.summary.set_index("scenario").loc[scen.name]
        assert row["share_standard"] == pytest.approx(
            float((pop * met.reindex(pop.index)).sum() / pop.sum()), abs=1e-12)
        met_any.append(met)
    # walking alone would not give the same answer: driving counts too
    walk_only = (nearest_open(rutland_walk_tt.values, np.isin(
        rutland_walk_tt.site_ids, list(scenarios[1].open_sites))) <= 15)
    assert met_any[1].sum() > walk_only.sum() and not met_any[2].all()
    assert by_area.mode == "walk" and "walk (main), drive" in by_area.provenance["rules_modes"]


def test_each_home_meets_the_standard_and_people_are_counted_at_home(
        by_home, homes, rutland_areas, scenarios):
    """Per home, the same rule from the two home matrices; each area's share and the
    people losing it under a proposal are sums over its homes, by hand."""
    walk, drive = homes
    origins = walk.origins
    pop = rutland_areas.set_index("area_id")["children_0_4"].astype(float)
    people = origins["weight"].to_numpy() * pop.reindex(origins["area_id"]).to_numpy()
    met = {s.name: met_by_hand(walk, drive, s) for s in scenarios}
    home_rows = by_home.origins
    for scen in scenarios:
        mine = home_rows[home_rows["scenario"] == scen.name]
        assert (mine["standard"].to_numpy() == met[scen.name]).all(), scen.name
        share = pd.Series(people * met[scen.name]).groupby(origins["area_id"].to_numpy()).sum() \
            / pd.Series(people).groupby(origins["area_id"].to_numpy()).sum()
        got = by_home[scen.name]["standard_share"]
        np.testing.assert_allclose(got.to_numpy(), share.reindex(got.index).to_numpy(),
                                   atol=1e-9)
        assert (by_home[scen.name]["standard"] == (got >= 0.5)).all()
        row = by_home.summary.set_index("scenario").loc[scen.name]
        assert row["population_standard"] == pytest.approx(float(people[met[scen.name]].sum()))
    comp = ga.compare(by_home)
    base = scenarios[0].name
    for scen in scenarios[1:]:
        lost = met[base] & ~met[scen.name]
        row = comp.summary.set_index("scenario").loc[scen.name]
        assert row["population_loses_standard"] == pytest.approx(float(people[lost].sum()))
        assert row["population_gains_standard"] == pytest.approx(
            float(people[~met[base] & met[scen.name]].sum()))


def test_findings_and_tables_give_the_independent_numbers(by_home, homes, rutland_areas,
                                                          scenarios):
    """The findings' share now and after, the children losing the standard and the share
    of them in the most deprived areas, against a pandas computation over homes."""
    walk, drive = homes
    origins = walk.origins
    areas = rutland_areas.set_index("area_id")
    homes_t = pd.DataFrame({"area_id": origins["area_id"].to_numpy(),
                            "people": origins["weight"].to_numpy()
                            * areas["children_0_4"].reindex(origins["area_id"]).to_numpy()})
    homes_t["decile"] = areas["imd_decile"].reindex(homes_t["area_id"]).to_numpy()
    for s in scenarios:
        homes_t[s.name] = met_by_hand(walk, drive, s)
    total = float(areas["children_0_4"].sum())
    base, prop = scenarios[0].name, scenarios[1].name
    lost = homes_t[homes_t[base] & ~homes_t[prop]]
    deprived = sorted(areas["imd_decile"].dropna().unique())[:2]  # Rutland: no decile 1-2
    assert min(deprived) > 2
    comp = ga.compare(by_home)
    table = standard_table(comp, rutland_areas, "standard", service="a centre")
    row = table.set_index("scenario").loc[prop]
    assert row["share_meeting"] == pytest.approx(
        float(homes_t.loc[homes_t[prop], "people"].sum()) / total)
    assert table.set_index("scenario").loc[base, "share_meeting"] == pytest.approx(
        float(homes_t.loc[homes_t[base], "people"].sum()) / total)
    assert row["population_losing"] == pytest.approx(float(lost["people"].sum()))
    in_deprived = float(lost.loc[lost["decile"].isin(deprived), "people"].sum())
    assert row["exposed_share_of_losing"] == pytest.approx(in_deprived / lost["people"].sum())
    assert row["rule"] == "a centre within 15 minutes on foot or 5 minutes by car"

    text = findings(comp, rutland_areas, service="a centre", place="Rutland",
                    standard="standard").for_scenario(prop)[0]

    def pct(x: float) -> str:  # as the findings round: one decimal below 10%
        p = 100 * x
        return f"{p:.1f}%" if round(p, 1) < 10 else f"{p:.0f}%"

    now = float(homes_t.loc[homes_t[base], "people"].sum())
    after = float(homes_t.loc[homes_t[prop], "people"].sum())
    assert text.startswith(
        f"Today, {pct(now / total)} of children aged 0–4 ({round(now):,}) can reach "
        f"a centre within 15 minutes on foot or 5 minutes by car; under {prop}, "
        f"{pct(after / total)} ({round(after):,}) could.")
    n_lost = float(lost["people"].sum())
    expected = (f" {round(n_lost):,} children aged 0–4 ({pct(n_lost / total)}) would lose "
                f"that, {pct(in_deprived / n_lost)} of them in the most deprived areas of "
                "Rutland")
    assert expected in text

    tables = eia_tables(comp, rutland_areas, standard="standard", service="a centre",
                        place="Rutland")
    assert list(tables)[:3] == ["findings", "standard", "summary"]
    assert tables["findings"]["text"].iloc[0] == text
    quint = tables["by_imd_quintile"]
    total_row = quint[(quint["scenario"] == prop) & (quint["imd_quintile"] == "All areas")]
    assert total_row["population_loses_standard"].iloc[0] == pytest.approx(n_lost)
    assert tables["method"]["item"].str.contains("standard: standard").any()


# ---------------------------------------------------------------------- bad input
def test_bad_matrices_are_named(rutland_walk_tt, rutland_drive_tt, scenarios):
    scen = scenarios[0]
    with pytest.raises(InputError, match=r"names travel by car \(drive\) but no matrix"):
        ga.meets_rule({"walk": rutland_walk_tt}, scen, RULE)
    with pytest.raises(InputError, match="names several modes"):
        ga.meets_rule(rutland_walk_tt, scen, RULE)
    with pytest.raises(InputError, match="the matrix is for walk"):
        ga.meets_rule(rutland_walk_tt, scen, "any site within 10 minutes by car")
    fewer = rutland_drive_tt.subset(sites=list(rutland_drive_tt.site_ids[:-1]))
    with pytest.raises(InputError, match="does not hold the same sites"):
        ga.evaluate({"walk": rutland_walk_tt, "drive": fewer}, None, scen,
                    rules={"standard": RULE})
    areas = rutland_drive_tt.subset(areas=list(rutland_drive_tt.area_ids[:5]))
    with pytest.raises(InputError, match="does not hold the same areas"):
        ga.meets_rule({"walk": rutland_walk_tt, "drive": areas}, scen, RULE)


def test_a_standard_naming_a_mode_the_run_lacks_is_refused():
    from geoaccess import config

    base = {"network": {"source": {"dataset": "rutland-osm"}, "modes": ["walk"]},
            "sites": {"dataset": "rutland-sites"}, "areas": {"dataset": "rutland-lsoa"}}
    with pytest.raises(InputError, match=r"standard: the rule names travel by drive"):
        config.load_config({**base, "standard": RULE})
    cfg = config.load_config({**base, "network": {**base["network"],
                                                  "modes": ["walk", "drive"]},
                              "standard": {"local": RULE}})
    assert cfg.standard == {"local": RULE}


# ------------------------------------------------------------------------- report
def test_the_report_carries_the_standard(by_area, rutland_areas):
    comp = ga.compare(by_area)
    tables = eia_tables(comp, rutland_areas, standard="standard", service="a centre",
                        place="Rutland")
    html = ga.render_report(comp, rutland_areas, service="a centre", place="Rutland",
                            standard={"standard": tables})
    std = tables["standard"].set_index("scenario")
    block = html[html.index("The standard: a centre within 15"):]
    first = re.sub(r"\s+", " ", block[:block.index("</table>")])
    for name, r in std.iterrows():
        assert f"{100 * r['share_meeting']:.0f}%" in first, name
    assert "table-standard-standard-imd_quintile" in html
    # the finding sentence is in the report as written (escaped)
    sentence = tables["findings"]["text"].iloc[0].replace("'", "&#39;")
    assert sentence in html


@pytest.mark.parametrize("name", ["15", "nearest_minutes", "my rule", ""])
def test_rule_names_that_would_clash_are_refused(name):
    """A rule named like a threshold ("15" would write loses_15 twice), a result column,
    or with spaces is refused, naming it."""
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0]}, index=["E1", "E2"]))
    areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [10.0, 20.0]})
    with pytest.raises(InputError, match="clash with a result column"):
        ga.evaluate(tt, areas, ga.Scenario("Now", {"S1": "hub"}), population="children",
                    thresholds=[15], rules={name: "any site within 10 minutes"})


def test_standard_judged_on_its_own_matrices(tmp_path, rutland_walk_tt, rutland_drive_tt,
                                              rutland_areas, rutland_sites):
    """write_outputs judges a standard on ``standard_matrices`` when given (as a run does
    when public transport starts from one point per area and the street modes from
    homes): here driving is only among them, and the table equals the hand computation
    from the two one-point matrices."""
    from geoaccess import pipeline

    scenarios = demo_scenarios(rutland_sites)
    rule = "any site within 15 minutes on foot or 5 by car"
    pipeline.write_outputs(tmp_path / "out", sites=rutland_sites, areas=rutland_areas,
                           matrices={"walk": rutland_walk_tt}, scenarios=scenarios,
                           standard_matrices={"walk": rutland_walk_tt,
                                              "drive": rutland_drive_tt},
                           standard={"standard": rule}, population="children_0_4",
                           maps=[], report=False, interactive=False, explorer=False,
                           tables=["csv"])
    table = pd.read_csv(tmp_path / "out" / "eia_tables_standard" / "standard.csv")
    table = table.set_index("scenario")
    pop = rutland_areas.set_index("area_id")["children_0_4"]
    for scen in scenarios:
        cols = list(scen.open_sites)
        met = ((rutland_walk_tt.minutes[cols].min(axis=1) <= 15)
               | (rutland_drive_tt.minutes[cols].min(axis=1) <= 5))
        assert table.loc[scen.name, "share_meeting [proportion]"] == pytest.approx(
            pop[met[met].index].sum() / pop.sum(), abs=6e-4)
    chosen = pipeline._standard_matrices({"walk": 1, "transit": 2}, {"walk": 3})
    assert chosen == {"walk": 3, "transit": 2}
    assert pipeline._standard_matrices({"walk": 1, "drive": 2}, {"walk": 3}) is None
