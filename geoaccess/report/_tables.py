"""The figures and tables of the report (private to :mod:`geoaccess.report`)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..plot import population_words, site_numbers
from ._format import _cell, _interval, _lookup, _num, _pct, _people, _signed


@dataclass
class _Figure:
    id: str
    title: str
    uri: str
    alt: str
    caption: str = ""


@dataclass
class _Table:
    id: str
    title: str
    columns: list[tuple[str, str]]  # (label, explanation)
    rows: list[list[str]]
    numeric: list[bool]
    note: str = ""
    classes: list[list[str]] = field(default_factory=list)


def _figure(fig: Any, fid: str, title: str, alt: str, caption: str = "", *,
            fmt: str = "png", dpi: int = 110) -> _Figure:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    uri = f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"
    return _Figure(fid, title, uri, alt, caption)



def _summary_table(res: Any, shown: list[str]) -> _Table:
    words = population_words(res.population)
    cols = [("Scenario", "configuration of sites"), ("Open sites", "sites open in any role"),
            ("Mean minutes", (f"population-weighted mean minutes of {words} to the nearest "
                             "open site")),
            ("Median minutes", "half of the people are at most this far"),
            ("90th percentile", "90% of the people are at most this far (minutes)")]
    cols += [(f"Within {lab} min", (f"share of all {words} whose nearest open site is at most "
                                   f"{lab} minutes away")) for lab in shown]
    cols += [("No time", f"{words} in areas with no time to any open site")]
    rows = []
    for _, r in res.summary.iterrows():
        rows.append([str(r["scenario"]), _people(r["open_sites"]), _num(r["mean_minutes"]),
                     _num(r["median_minutes"]), _num(r["p90_minutes"])]
                    + [_pct(r[f"share_within_{lab}"]) for lab in shown]
                    + [_people(r["population_unreachable"])])
    return _Table("summary", f"Access under each scenario ({words})", cols, rows,
                  [False] + [True] * (len(cols) - 1))


def _change_table(comp: Any, shown: list[str]) -> _Table:
    words = population_words(comp.population)
    cols = [("Proposal", "scenario compared with the baseline"),
            ("Longer journey", f"{words} whose journey to the nearest open site gets longer"),
            ("Shorter journey", f"{words} whose journey gets shorter"),
            ("Mean change (min)", "population-weighted mean change in minutes"),
            ("Largest change (min)", "largest increase for any area")]
    cols += [(f"Lose {lab}-min access", (f"{words} within {lab} minutes under the baseline "
                                        "but not under the proposal")) for lab in shown]
    cols += [(f"Gain {lab}-min access", f"{words} newly within {lab} minutes")
             for lab in shown[:1]]
    rows = []
    for _, r in comp.summary.iterrows():
        rows.append([str(r["scenario"]), _people(r["population_loss"]),
                     _people(r["population_gain"]), _signed(r["mean_change_minutes"]),
                     _signed(r["max_change_minutes"])]
                    + [_people(r[f"population_loses_{lab}"]) for lab in shown]
                    + [_people(r[f"population_gains_{lab}"]) for lab in shown[:1]])
    return _Table("change", f"Change against {comp.baseline} ({words})", cols, rows,
                  [False] + [True] * (len(cols) - 1))


def _group_table(table: pd.DataFrame, by: str, lab: str, res: Any, comp: Any,
                 title: str) -> _Table:
    words = population_words(res.population)
    names = res.scenario_names
    groups = list(dict.fromkeys(table[by].tolist()))
    first = table[table["scenario"] == names[0]].set_index(by)
    nice = {"imd_decile": "IMD decile", "imd_quintile": "IMD quintile"}.get(
        by, by.replace("_", " ").capitalize())
    cols = [(nice, "group of areas"),
            ("Areas", "number of areas"), (words.capitalize(), f"{words} in the group"),
            ("Share of all", f"the group's share of all {words}")]
    cols += [(f"{n}: within {lab} min", f"share of the group within {lab} minutes under {n}")
             for n in names]
    proposals = comp.scenario_names if comp is not None else []
    cols += [(f"{n}: lose {lab}-min access", (f"{words} in the group losing {lab}-minute "
                                             f"access under {n}")) for n in proposals]
    cols += [(f"{n}: share of those losing", (f"the group's share of everyone losing "
                                             f"{lab}-minute access under {n}"))
             for n in proposals]
    rows = []
    for g in groups:
        row = [str(g), _people(first.loc[g, "areas"]), _people(first.loc[g, "population"]),
               _pct(first.loc[g, "share_of_population"])]
        for n in names:
            sub = table[(table["scenario"] == n)].set_index(by)
            row.append(_pct(sub.loc[g, f"share_within_{lab}"]))
        for n in proposals:
            sub = table[(table["scenario"] == n)].set_index(by)
            row.append(_people(sub.loc[g, f"population_loses_{lab}"]))
        for n in proposals:
            sub = table[(table["scenario"] == n)].set_index(by)
            v = sub.loc[g, f"share_of_losers_{lab}"]
            row.append(_pct(v) if sub.loc[g, f"population_loses_{lab}"] or str(g) ==
                       "All areas" else "–")
        rows.append(row)
    return _Table(f"by_{by}", title, cols, rows, [False] + [True] * (len(cols) - 1))


def _exposure_table(ge: pd.DataFrame, lab: str) -> _Table | None:
    rows_in = ge[ge["outcome"] == f"loses_{lab}"]
    if rows_in.empty:
        return None
    cols = [("Proposal", ""), ("Group", "estimated from each area's share"),
            ("Share of population", "the group's share of everyone"),
            (f"Share of those losing {lab}-min access", ("the group's share of everyone who "
                                                         "loses access")),
            ("Ratio", ("share of those losing / share of population (above 1: "
                      "over-represented among those losing)"))]
    rows = [[str(r["scenario"]), str(r["group_label"]), _pct(r["group_share_of_population"], 1),
             _pct(r["group_share_of_losing"], 1), _num(r["representation_ratio"], 2)]
            for _, r in rows_in.iterrows()]
    return _Table("group_exposure", f"Groups among those losing {lab}-minute access", cols,
                  rows, [False, False, True, True, True])


def _risk_table(rr: pd.DataFrame, lab: str, *, appendix: bool = False) -> _Table | None:
    """Relative risks: one interval in the main text, both with their methods in the appendix."""
    rows_in = rr[rr["outcome"].isin([f"loses_{lab}", "loss"])]
    if rows_in.empty:
        return None
    cols = [("Proposal", ""), ("Outcome", ""), ("Most deprived group", ""),
            ("Risk there", "share of the group's people with the outcome"),
            ("Risk elsewhere", "share of other people with the outcome"),
            ("Relative risk", "how many times as likely the group is to have the outcome")]
    if appendix:
        cols += [("95% interval, people independent", "Katz log method"),
                 ("95% interval, areas changing together",
                  "ratio estimator over areas, Student's t")]
    else:
        cols += [("95% confidence interval",
                  "allowing for whole areas changing together (method appendix)")]
    outcome = {"loss": "longer journey", f"loses_{lab}": f"loses {lab}-min access"}
    rows = []
    for _, r in rows_in.iterrows():
        row = [str(r["scenario"]), outcome.get(str(r["outcome"]), str(r["outcome"])),
               str(r["exposed_group"]), _pct(r["exposed_risk"], 1), _pct(r["other_risk"], 1),
               _num(r["risk_ratio"], 2)]
        clustered = _interval(r["cluster_lower"], r["cluster_upper"])
        katz = _interval(r["katz_lower"], r["katz_upper"])
        row += [katz, clustered] if appendix else [
            clustered if clustered != "not estimated" else katz]
        rows.append(row)
    return _Table("relative_risk_methods" if appendix else "relative_risk",
                  "Relative risks with both confidence intervals" if appendix else
                  "Relative risk of losing access in the most deprived areas",
                  cols, rows, [False, False, False] + [True] * (len(cols) - 3))


def _inequality_table(ineq: pd.DataFrame) -> _Table:
    cols = [("Scenario", ""), ("Mean minutes", "population-weighted"),
            ("Gini", "0 = everyone equally far; 1 = all the distance on one person"),
            ("Concentration index", "below 0: longer journeys among the more deprived"),
            ("Palma ratio", "share of total minutes of the 10% furthest / 40% nearest"),
            ("Theil T", "0 = equal")]
    rows = [[str(r["scenario"]), _num(r.get("mean_minutes")), _num(r["gini"], 3),
             _num(r["concentration"], 3), _num(r["palma"], 2), _num(r["theil"], 3)]
            for _, r in ineq.iterrows()]
    return _Table("inequality", "Inequality of journey times", cols, rows,
                  [False] + [True] * 5)


def _losers_table(comp: Any, areas: pd.DataFrame, lab: str, top: int) -> _Table | None:
    words = population_words(comp.population)
    frames = []
    for name in comp.scenario_names:
        rows = comp[name]
        rows = rows[rows["status"] == "loss"].copy()
        rows["proposal"] = name
        frames.append(rows.reset_index())
    if not frames:
        return None
    lost = pd.concat(frames, ignore_index=True)
    if lost.empty:
        return None
    info = areas.drop(columns=[areas.geometry.name], errors="ignore").copy() \
        if hasattr(areas, "geometry") else areas.copy()
    info["area_id"] = info["area_id"].astype(str)
    info = info.set_index("area_id")
    lost["_order"] = lost["change_minutes"].fillna(np.inf)
    lost = lost.sort_values(["proposal", "_order"], ascending=[True, False], kind="stable")
    lost = lost.groupby("proposal", sort=False).head(top)
    order = {n: i for i, n in enumerate(comp.scenario_names)}
    lost = lost.sort_values("proposal", key=lambda s: s.map(order), kind="stable")
    cols = [("Proposal", ""), ("Area", "area code"), ("Name", ""), ("Ward", ""),
            ("IMD decile", "1 = most deprived 10% in England"), (words.capitalize(), ""),
            ("Before (min)", f"minutes under {comp.baseline}"), ("After (min)", ""),
            ("Change (min)", ""), ("Threshold change", "")]
    rows = []
    for _, r in lost.iterrows():
        a = str(r["area_id"])
        rows.append([str(r["proposal"]), a, _cell(_lookup(info, a, "name")),
                     _cell(_lookup(info, a, "ward")), _cell(_lookup(info, a, "imd_decile")),
                     _people(r[comp.weight_column]),
                     _num(r["baseline_minutes"]), _num(r["nearest_minutes"]),
                     _signed(r["change_minutes"]) if np.isfinite(r["change_minutes"])
                     else "no time", str(r["crossing"]) if isinstance(r["crossing"], str)
                     and r["crossing"] else "–"])
    return _Table("losers", f"Areas with the largest increases (up to {top} per proposal)",
                  cols, rows, [False, False, False, False, True, True, True, True, True,
                               False])



def _scenario_sites_table(res: Any, sites: Any) -> _Table:
    from ..scenario import scenario_table

    table = scenario_table(res.scenarios.values(), sites)
    names = res.scenario_names
    cols = [("No.", "the site's number on the maps"), ("Site", "site id"), ("Name", ""),
            ("Kind", "the site's kind in the sites table")]
    cols += [(n, "role in this scenario") for n in names]
    kind = {}
    numbers: dict[str, int] = {}
    if sites is not None and "kind" in getattr(sites, "columns", ()):
        kind = dict(zip(sites["site_id"].astype(str), sites["kind"].astype(str), strict=True))
    if sites is not None:
        numbers = {str(k): int(v) for k, v in site_numbers(sites).items()}
    rows, classes = [], []
    for sid, r in table.iterrows():
        roles = [str(r[n]) if str(r[n]) else "closed" for n in names]
        number = str(numbers[str(sid)]) if str(sid) in numbers else "–"
        rows.append([number, str(sid), _cell(r.get("name")), kind.get(str(sid), "–")] + roles)
        classes.append(["", "", "", ""] + [f"role-{x}" for x in roles])
    counts = [res.scenarios[n].describe() for n in names]
    return _Table("sites", "Sites and their role in each scenario", cols, rows,
                  [False] * len(cols), note="Open sites: " + "; ".join(
                      f"{n}: {c}" for n, c in zip(names, counts, strict=True)),
                  classes=classes)

