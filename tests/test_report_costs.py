"""The report states the saving and the access lost side by side (issue 14).

When the sites carry money (``running_cost``, ``closure_cost``, ``opening_cost``), the
report's findings add "What each proposal saves, and what it costs families": one row and
one sentence per proposal. The numbers are checked against sums written here from the
sites table and the origins of :func:`geoaccess.evaluate`, not against the code's own.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest
from test_report import HOSTILE, _parse, tiny_fixture  # noqa: F401 (the fixture "tiny")

import geoaccess as ga
from geoaccess.demo import demo_scenarios
from geoaccess.errors import InputError
from geoaccess.report import has_costs

pytest.importorskip("jinja2")

#: Deterministic, made-up costs by kind (pounds): the test's, not any council's.
RUNNING = {"hub": 60_000.0, "centre": 25_000.0, "outreach": 8_000.0}
CLOSING = {"hub": 10_000.0, "centre": 3_000.0, "outreach": 1_000.0}
HEADING = "What each proposal saves, and what it costs families"


def _costed(sites: pd.DataFrame) -> pd.DataFrame:
    return sites.assign(running_cost=sites["kind"].map(RUNNING),
                        closure_cost=sites["kind"].map(CLOSING))


@pytest.fixture(scope="module")
def rutland_costs(rutland_walk_tt, rutland_areas, rutland_sites):
    """The demo's three scenarios and an optimiser's Solution saving at least £300k."""
    sites = _costed(rutland_sites)
    scenarios = demo_scenarios(sites)
    solution = ga.p_median(rutland_walk_tt, rutland_areas, population="children_0_4",
                           sites=sites, current=scenarios[0],
                           candidates=scenarios[0].open_sites, min_saving=300_000,
                           name="Save £300k")
    result = ga.evaluate(rutland_walk_tt, rutland_areas, [*scenarios, solution],
                         population="children_0_4")
    text = ga.render_report(ga.compare(result), rutland_areas, sites=sites, place="Rutland",
                            service="a centre")
    return sites, solution, result, text


def _by_hand(result, sites, areas, name: str, baseline: str = "Current") -> dict:
    """Money from the sites table; access from the areas evaluate() returned.

    Money: the running costs of the sites open under each scenario, summed; the saving is
    the baseline's sum minus the proposal's; the one-off costs are the closure costs of
    the baseline's sites that the proposal closes (no site is added here). Access: an
    area loses 15-minute access when its time is at most 15 under the baseline and not
    under the proposal; shares are of all children in the areas; means are over areas
    with a time, weighted by their children. Rutland's areas are in IMD deciles 6–10, so
    its "most deprived" are its two most deprived deciles present (6 and 7).
    """
    cost = sites.set_index("site_id")
    before = set(result.scenarios[baseline].open_sites)
    after = set(result.scenarios[name].open_sites)
    running = float(cost.loc[sorted(after), "running_cost"].sum())
    a = result.areas
    base = a[a["scenario"] == baseline].set_index("area_id")
    prop = a[a["scenario"] == name].set_index("area_id").reindex(base.index)
    kids = base["children_0_4"]
    within_b = base["nearest_minutes"] <= 15
    within_p = prop["nearest_minutes"] <= 15
    lose = kids.where(within_b & ~within_p, 0.0)
    total = areas["children_0_4"].sum()

    def mean(frame):
        has = frame["nearest_minutes"].notna()
        return np.average(frame.loc[has, "nearest_minutes"], weights=frame.loc[has,
                                                                               "children_0_4"])

    deciles = sorted(areas["imd_decile"].unique())[:2]
    deprived = set(areas.loc[areas["imd_decile"].isin(deciles), "area_id"])
    return {"running": running,
            "saving": float(cost.loc[sorted(before), "running_cost"].sum()) - running,
            "one_off": float(cost.loc[sorted(before - after), "closure_cost"].sum()),
            "losing": float(lose.sum()),
            "share_change": float((kids[within_p].sum() - kids[within_b].sum()) / total),
            "mean_change": float(mean(prop) - mean(base)),
            "deprived": float(lose[base.index.isin(deprived)].sum()),
            "deciles": deciles}


def test_rutland_savings_section_equals_an_independent_computation(rutland_costs,
                                                                   rutland_areas):
    sites, solution, result, text = rutland_costs
    parsed = _parse(text)
    table = parsed.tables["savings"]
    header, rows = table[0], {r[0]: r for r in table[1:]}
    assert header == ["Proposal", "Running cost a year", "Saving a year", "One-off costs",
                      "Children aged 0–4 losing 15-min access",
                      "Change in share within 15 min (points)", "Change in mean minutes",
                      "Of them in the most deprived areas"]
    assert list(rows) == ["Keep 18 of 36", "4 hubs + 8 outreach", "Save £300k"]
    plain = html.unescape(text)
    assert HEADING in plain
    for name, row in rows.items():
        want = _by_hand(result, sites, rutland_areas, name)
        assert want["deciles"] == [6, 7]
        assert row[1:] == [f"£{want['running']:,.0f}", f"£{want['saving']:,.0f}",
                           f"£{want['one_off']:,.0f}", f"{round(want['losing']):,}",
                           f"{want['share_change'] * 100:+.1f}",
                           f"{want['mean_change']:+.1f}", f"{round(want['deprived']):,}"]
        money = (f"{name} saves £{want['saving']:,.0f} a year (one-off costs "
                 f"£{want['one_off']:,.0f}); ")
        if want["losing"] > 0:
            sentence = (money + f"{round(want['losing']):,} children aged 0–4 would no "
                        "longer have a centre within 15 minutes' walk, "
                        f"{round(want['deprived']):,} of them in the most deprived areas of "
                        "Rutland, which nationally are in IMD deciles 6–7.")
        else:
            sentence = money + "no children aged 0–4 would lose a centre within 15 minutes' walk."
        assert sentence in plain, sentence
    # the Solution is a scenario like the others: the report's money is the optimiser's
    assert solution.saving >= 300_000
    assert rows["Save £300k"][2:4] == [f"£{solution.saving:,.0f}",
                                       f"£{solution.one_off_costs:,.0f}"]
    # and the people losing access are those of the comparison's summary
    lost = ga.compare(result).summary.set_index("scenario")["population_loses_15"]
    assert [rows[n][4] for n in rows] == [f"{round(lost[n]):,}" for n in rows]


def test_no_costs_no_section(tiny, rutland_costs):
    """Without money columns, or with one scenario only, the section is not there."""
    areas, sites, result = tiny
    for text in (ga.render_report(ga.compare(result), areas, sites=sites),
                 ga.render_report(ga.evaluate(
                     ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0, 30.0]},
                                                            index=["E1", "E2", "E3"])),
                     areas, ga.Scenario("Now", {"S1": "hub"}), population="kids"),
                     areas, sites=sites.assign(running_cost=[50_000.0, 30_000.0]))):
        assert "savings" not in _parse(text).tables
        assert HEADING not in text and "saves £" not in text
    assert not has_costs(sites)
    assert has_costs(rutland_costs[0])


def test_names_from_users_are_escaped_in_the_section(tiny):
    """Closing S2 (£30,000 a year, £2,000 to close) takes E2's 30 kids (IMD decile 2)
    from 3 to 22 minutes: 30 lose 15-minute access, all in deciles 1–2."""
    areas, sites, result = tiny
    sites = sites.assign(running_cost=[50_000.0, 30_000.0], closure_cost=[5_000.0, 2_000.0])
    text = ga.render_report(ga.compare(result), areas, sites=sites, service="a centre",
                            title=f"Review {HOSTILE}")
    assert "<script" not in text.lower() and "<b>Close</b>" not in text
    name = "<b>Close</b> S2 & co"
    assert _parse(text).tables["savings"][1][:5] == [name, "£50,000", "£30,000", "£2,000",
                                                     "30"]
    assert ("&lt;b&gt;Close&lt;/b&gt; S2 &amp; co saves £30,000 a year (one-off costs "
            "£2,000); 30 kids would no longer have a centre within 15 minutes&#39; walk, 30 "
            "of them in the 20% most deprived areas of England (IMD deciles 1–2).") in text


def test_savings_without_running_costs_and_bad_input(tiny):
    """Closure costs alone: the one-off costs are known, the saving is not (a dash)."""
    areas, sites, result = tiny
    t = ga.savings_and_losses(result, sites.assign(closure_cost=[5_000.0, 2_000.0]), areas,
                              service="a centre")
    assert t.loc[0, "one_off_costs"] == 2_000.0 and np.isnan(t.loc[0, "saving"])
    assert t.loc[0, "sentence"].startswith(
        "<b>Close</b> S2 & co has no known saving (a site open under it has no running "
        "cost) (one-off costs £2,000); 30 kids would no longer have")
    with pytest.raises(InputError, match="running_cost"):
        ga.savings_and_losses(result, sites, areas)
    with pytest.raises(InputError, match="not evaluated"):
        ga.savings_and_losses(result, sites.assign(running_cost=1.0), threshold_minutes=12)
    one = ga.evaluate(ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0]}, index=["E1"])),
                      areas.iloc[:1], ga.Scenario("Now", {"S1": "hub"}), population="kids")
    with pytest.raises(InputError, match="one scenario"):
        ga.savings_and_losses(one, sites.assign(running_cost=1.0))


def test_a_run_with_costed_sites_reports_the_saving(tiny, tmp_path):
    """write_outputs passes the sites on: their costs reach the run's report."""
    from geoaccess.pipeline import write_outputs

    areas, sites, result = tiny
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [4.0, 22.0, 30.0], "S2": [9.0, 3.0, np.nan]}, index=["E1", "E2", "E3"]),
        mode="walk")
    sites = sites.assign(running_cost=[50_000.0, 30_000.0])
    out = write_outputs(tmp_path / "out", sites=sites, areas=areas, matrices={"walk": tt},
                        scenarios=list(result.scenarios.values()), population="kids",
                        thresholds=[10, 15], maps=(), interactive=False, explorer=False,
                        service="a centre")
    savings = _parse(out["report"].read_text(encoding="utf-8")).tables["savings"]
    # no closure or opening costs given: the one-off costs are not known (not £0)
    assert savings[1][:5] == ["<b>Close</b> S2 & co", "£50,000", "£30,000", "–", "30"]
