"""A self-contained HTML report answering the EIA question (jinja2; extra ``report``).

:func:`write_report` (or :func:`render_report` for the text) turns an evaluation of hub
configurations into one HTML file an equality assessor can read, print and attach to a
cabinet paper, with no code and no internet connection:

1. the question and the findings in plain English (:func:`geoaccess.equality.findings`);
2. the summary per scenario and the change per proposal;
3. maps: minutes to the nearest open site per scenario on one shared scale, the change
   under each proposal, and the service areas (land within 10/15/20 minutes);
4. the equality analysis: share within the threshold by IMD decile, who loses access by
   deprivation and by group, relative risk, inequality indices;
5. the areas losing most, and the sites in each scenario;
6. method (speeds, snapping, thresholds, definitions), provenance, caveats and the data
   licences.

Figures are embedded in the file (base64 PNG or SVG). All user-supplied text (site and
scenario names, titles) is escaped by jinja2's autoescaping, so a site called
``<script>...`` shows as text. Install the extra with ``pip install "geoaccess[report]"``.

Examples
--------
>>> import pandas as pd, geopandas as gpd, geoaccess as ga
>>> from shapely.geometry import box
>>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0],
...                           "imd_decile": [3, 8]},
...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
...                          crs="EPSG:27700")
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0], "S2": [9.0, 3.0]},
...                                             index=["E1", "E2"]), mode="walk")
>>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
...                             ga.Scenario("Close S2", {"S1": "hub"})], population="kids")
>>> html = ga.render_report(ga.compare(r), areas, title="Two areas")
>>> html.startswith("<!DOCTYPE html>"), "Close S2" in html
(True, True)
"""

from __future__ import annotations

import base64
import io
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._fs import atomic_write_text
from ._version import __version__
from .errors import InputError
from .plot import ATTRIBUTION, mode_words, population_words, site_numbers

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from .evaluate import Comparison, Result
    from .network import Network

__all__ = ["DataSource", "render_report", "round_for_export", "write_report"]

log = logging.getLogger(__name__)

_MISSING = "install the 'report' extra for HTML reports: pip install \"geoaccess[report]\""


@dataclass(frozen=True)
class DataSource:
    """One data source listed in the report's licences section.

    Parameters
    ----------
    name : str
        What the data is ("LSOA boundaries 2021").
    source : str
        Who publishes it ("Office for National Statistics").
    licence : str
        Its licence ("Open Government Licence v3.0").
    attribution : str
        The attribution the licence asks for.

    Examples
    --------
    >>> DataSource("Sites", "Rutland County Council", "OGL v3.0").licence
    'OGL v3.0'
    """

    name: str
    source: str
    licence: str
    attribution: str = ""


#: The OpenStreetMap network, listed in every report built on an OSM network.
OSM_SOURCE = DataSource(
    "Street and path network", "OpenStreetMap", "Open Database Licence (ODbL) 1.0",
    "© OpenStreetMap contributors")


# ============================================================================ exports
#: Decimals kept in exported tables, by unit (``geoaccess.equality.export_header``).
EXPORT_DECIMALS = {"minutes": 1, "proportion": 3, "people": 0, "ratio": 2, "index": 3,
                   "sites": 0, "areas": 0}


def round_for_export(frame: pd.DataFrame, *, other_decimals: int = 3) -> pd.DataFrame:
    """A table rounded for files people read: the precision of its units, no more.

    Minutes to 0.1, people, sites and areas to whole numbers, shares (proportions 0–1)
    to 0.001, i.e. a percentage to one decimal (Excel workbooks show them as
    percentages), ratios to 0.01, indices to 0.001, other decimal numbers to
    ``other_decimals``. The unit of a column is read from its name, as in the exported
    headers (:func:`geoaccess.equality.export_header`). Whole-number columns, text and
    geometry are left as they are. Only the travel-time matrix (Parquet) keeps full
    precision.

    Parameters
    ----------
    frame : pandas.DataFrame
    other_decimals : int

    Returns
    -------
    pandas.DataFrame
        A rounded copy (counts of people as whole numbers, missing values kept).

    Examples
    --------
    >>> t = pd.DataFrame({"mean_minutes": [12.50493314958446], "share_within_15": [0.85123],
    ...                   "population_loses_15": [46.6], "gini": [0.123456]})
    >>> round_for_export(t).to_dict("records")
    [{'mean_minutes': 12.5, 'share_within_15': 0.851, 'population_loses_15': 47, 'gini': 0.123}]
    """
    import re

    from .equality import export_header

    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_float_dtype(out[col]):
            continue
        unit = re.search(r"\[(\w+)\]$", export_header(str(col)))
        digits = EXPORT_DECIMALS.get(unit.group(1) if unit else "", other_decimals)
        values = out[col].round(digits)
        if digits == 0 and np.isfinite(values.dropna()).all():
            values = values.astype("Int64")
        out[col] = values
    return out


# ================================================================= figures and tables
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


def _num(x: Any, digits: int = 1) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–" if x is None or x is pd.NA else str(x)
    if np.isnan(v):
        return "–"
    if np.isinf(v):
        return "no upper limit" if v > 0 else "no lower limit"
    return f"{v:,.{digits}f}"


def _interval(lower: Any, upper: Any) -> str:
    """A confidence interval in words; never "– to –" or "∞"."""
    lo, hi = _number_or_none(lower), _number_or_none(upper)
    if lo is None or hi is None:
        return "not estimated"
    if np.isinf(hi):
        return f"{_num(lo, 2)} or more (no upper limit)"
    return f"{_num(lo, 2)} to {_num(hi, 2)}"


def _people(x: Any) -> str:
    return _num(x, 0)


def _number_or_none(x: Any) -> float | None:
    """``x`` as a float, or None when it is not a number or is NaN."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) else v


def _pct(x: Any, digits: int = 0) -> str:
    v = _number_or_none(x)
    return "–" if v is None else f"{v * 100:.{digits}f}%"


def _signed(x: Any) -> str:
    v = _number_or_none(x)
    return "–" if v is None else f"{v:+.1f}"


def _labels(res: Any) -> list[str]:
    return [f"{float(t):g}" for t in res.thresholds]


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


def _standard_block(tables: Mapping[str, pd.DataFrame], words: str) -> dict[str, Any]:
    """An access standard's findings and tables (from ``eia_tables(..., standard=)``)."""
    std = tables["standard"]
    name, rule = str(std["standard"].iloc[0]), str(std["rule"].iloc[0])
    found = tables.get("findings")
    sentences = ([] if found is None
                 else found.loc[found["kind"] == "finding", "text"].astype(str).tolist())
    cols = [("Scenario", "configuration of sites"),
            ("Meet the standard", f"share of all {words} who have {rule}"),
            (words.capitalize(), f"{words} who have {rule}"),
            ("Change (points)", ("change in the share meeting it against the baseline, in "
                                "percentage points")),
            ("Would lose it", f"{words} meeting it under the baseline, not the proposal"),
            ("Would gain it", f"{words} meeting it under the proposal, not the baseline"),
            ("Most deprived: share of losses", ("share of those losing it who live in the "
                                               "most deprived areas"))]
    rows = [[str(r["scenario"]), _pct(r["share_meeting"]), _people(r["population_meeting"]),
             _signed(100 * (_number_or_none(r["change_share_meeting"]) or 0.0)
                     if _number_or_none(r["change_share_meeting"]) is not None else None),
             _people(r["population_losing"]), _people(r["population_gaining"]),
             _pct(r["exposed_share_of_losing"])] for _, r in std.iterrows()]
    out = [_Table(f"standard-{name}", f"Who meets the standard: {rule}", cols, rows,
                  [False] + [True] * (len(cols) - 1))]
    by = next((k for k in ("by_imd_quintile", "by_imd_decile") if k in tables), None)
    if by is not None and f"share_{name}" in tables[by].columns:
        frame, col = tables[by], by[3:]
        names = list(dict.fromkeys(frame["scenario"].astype(str)))
        props = [n for n in names[1:] if f"population_loses_{name}" in frame.columns]
        nice = "IMD quintile" if col == "imd_quintile" else "IMD decile"
        bcols = [(nice, "group of areas (1 = the most deprived in England)")]
        bcols += [(f"{n}: meet it", f"share of the group's {words} meeting it under {n}")
                  for n in names]
        bcols += [(f"{n}: would lose it", f"{words} in the group losing it under {n}")
                  for n in props]
        brows = []
        for g in dict.fromkeys(frame[col].tolist()):
            row = [str(g)]
            for n in names:
                sub = frame[(frame["scenario"].astype(str) == n) & (frame[col] == g)]
                row.append(_pct(sub[f"share_{name}"].iloc[0]) if len(sub) else "–")
            for n in props:
                sub = frame[(frame["scenario"].astype(str) == n) & (frame[col] == g)]
                row.append(_people(sub[f"population_loses_{name}"].iloc[0]) if len(sub)
                           else "–")
            brows.append(row)
        out.append(_Table(f"standard-{name}-{col}", f"The standard by {nice}", bcols, brows,
                          [False] + [True] * (len(bcols) - 1)))
    return {"title": f"The standard: {rule}", "findings": sentences, "tables": out}


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


def _lookup(info: pd.DataFrame, area: str, column: str) -> Any:
    if column in info.columns and area in info.index:
        return info.loc[area, column]
    return None


def _cell(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return "–"
    return str(v)


def _scenario_sites_table(res: Any, sites: Any) -> _Table:
    from .scenario import scenario_table

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


def _method_items(res: Any, comp: Any, areas: pd.DataFrame, lab: str,
                  network: Any, walk_in_m: float) -> list[tuple[str, str]]:
    prov = res.provenance
    mode = res.mode
    speeds = prov.get("speeds_kmh") or {}
    items: list[tuple[str, str]] = []
    travel = {"walk": "walking", "pushchair": "walking with a pushchair (avoiding steps)",
              "cycle": "cycling", "drive": "driving"}.get(mode, str(mode))
    if mode in speeds:
        items.append(("Travel mode and speed", (f"{travel} at {float(speeds[mode]):g} km/h, "
                      "the quickest route along the network")))
    elif mode == "drive":
        items.append(("Travel mode and speed", ("driving at the tagged speed limits (UK "
                      "defaults by road type where untagged), no congestion")))
    else:
        items.append(("Travel mode", travel))
    if "max_snap_m" in prov:
        items.append(("Joining areas and sites to the network",
                      (f"each area's origin and each site is joined to the nearest point on a "
                      f"street or path of the network's main connected part and that distance "
                      f"is walked at {float(prov.get('access_speed_kmh', 4.8)):g} km/h; "
                      f"points more than {float(prov['max_snap_m']):g} m away get no time")))
    if "origin_method" in areas.columns:
        counts = areas["origin_method"].astype(str).value_counts()
        items.append(("Area origins", "; ".join(f"{k}: {v} areas" for k, v in counts.items())))
    items.append(("Thresholds", ", ".join(f"{float(t):g}" for t in res.thresholds)
                  + f" minutes; the text quotes {lab} minutes"))
    items.append(("Population", population_words(res.population)
                  if res.population else "each area counts once"))
    items.append(("Within t minutes", ("the nearest open site's time is at most t minutes "
                  "(inclusive), as in the DfT Journey Time Statistics; shares are of everyone, "
                  "including people with no time")))
    items.append(("Averages", ("population weighted: everyone in an area takes the area's "
                  "time; the median and 90th percentile are weighted quantiles over areas "
                  "with a time")))
    if comp is not None:
        items.append(("Gain and loss", (f"a proposal's time against {comp.baseline}'s; "
                      f"changes of {comp.tolerance_minutes:g} minutes or less count as "
                      "unchanged; 'loses t-minute access' = within t under the baseline, not "
                      "under the proposal")))
    items.append(("Most deprived", ("IMD 2025 deciles 1–2 (the 20% most deprived areas in "
                  "England) where present, else the two most deprived deciles present")))
    items.append(("Relative risk", ("share losing access in the most deprived areas divided "
                  "by the share elsewhere. Two 95% intervals are computed: the Katz log "
                  "method treats people as independent (standard error of ln RR = "
                  "√(1/a − 1/n₁ + 1/c − 1/n₀)); the interval quoted in the findings allows "
                  "for everyone in an area gaining or losing access together (a ratio "
                  "estimator over areas with Student's t on areas − 2 degrees of freedom), "
                  "and is wider when few areas change")))
    items.append(("Inequality indices", ("population-weighted Gini, concentration index ranked "
                  "by deprivation (Kakwani et al. 1997), Palma ratio, Theil T")))
    if network is not None:
        items.append(("Service areas", (f"land within {walk_in_m:g} m of any street or path "
                      "reached from an open site within the threshold, less the time to walk "
                      f"those {walk_in_m:g} m (one shortest-path search on the network from "
                      "all open sites at once)")))
    return items


def _provenance_items(res: Any) -> list[tuple[str, str]]:
    prov = res.provenance
    keys = [("source", "Network source file"), ("sha256", "Its SHA-256"),
            ("osm_timestamp", "OpenStreetMap extract date"), ("reader", "Read with"),
            ("crs", "Coordinate reference system"), ("nodes", "Network nodes"),
            ("arcs", "Network links"),
            ("nodes_outside_main_component", "Nodes outside the main connected part"),
            ("built_by", "Network built by")]
    items = [(label, str(prov[k])) for k, label in keys if k in prov and prov[k] is not None]
    items.append(("Report made by", f"geoaccess {__version__}"))
    items.append(("Report made at", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")))
    return items


# ============================================================================== render
def _environment():
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching in tests
        raise ImportError(f"geoaccess.report needs jinja2, which is not installed; {_MISSING}"
                          ) from exc
    env = jinja2.Environment(loader=jinja2.PackageLoader("geoaccess", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    return env


def render_report(
    result: Result | Comparison,
    areas: gpd.GeoDataFrame,
    *,
    sites: gpd.GeoDataFrame | None = None,
    network: Network | None = None,
    baseline: str | None = None,
    title: str | None = None,
    place: str | None = None,
    service: str = "an open site",
    threshold: float | None = None,
    by: Sequence[str] | None = None,
    shares: Sequence[str] | Mapping[str, str] | None = None,
    credits: str | Sequence[str] | None = None,
    data_sources: Iterable[DataSource] | None = None,
    notes: str | None = None,
    figure_format: str = "png",
    top_losers: int = 10,
    walk_in_m: float = 100.0,
    service_bands: Mapping[str, Any] | None = None,
    context: Any = None,
    population_year: int | str | None = None,
    standard: Mapping[str, Mapping[str, pd.DataFrame]] | None = None,
) -> str:
    """The report as one HTML string (see :func:`write_report`).

    Parameters
    ----------
    result : Result or Comparison
        From :func:`geoaccess.evaluate` or :func:`geoaccess.compare`; a Result is
        compared with ``baseline`` (default: its first scenario).
    areas : geopandas.GeoDataFrame
        The areas (``area_id``, geometry, the population column, ``imd_decile`` and other
        attributes used in the breakdowns).
    sites : geopandas.GeoDataFrame, optional
        Sites, drawn on the maps and listed with their role in each scenario.
    network : Network, optional
        The network of the result's mode: adds the service-area maps.
    baseline : str, optional
    title : str, optional
        Default "Access to <service> in <place>".
    place : str, optional
        Name of the place ("Rutland"), used in titles and findings.
    service : str
        What is reached, with its article ("a centre", "a family hub").
    threshold : float, optional
        Threshold the findings and the equality tables quote (default 15 minutes when
        evaluated).
    by : sequence of str, optional
        Breakdown columns (default those of ``imd_decile``, ``imd_quintile``, ``ward``
        present).
    shares : sequence or mapping, optional
        Share columns for the group analysis (default every ``*_share`` column).
    credits : str or sequence of str, optional
        Credits printed on the maps after "© OpenStreetMap contributors".
    data_sources : iterable of DataSource, optional
        Rows of the licences section besides OpenStreetMap (areas, population, sites).
    notes : str, optional
        A paragraph of your own, shown after the findings (escaped text).
    figure_format : {"png", "svg"}
        How figures are embedded.
    top_losers : int
        Areas listed per proposal in the table of largest increases.
    walk_in_m : float
        Walk-in distance of the service areas (:func:`geoaccess.service_areas`).
    service_bands : mapping, optional
        Scenario name → precomputed :func:`geoaccess.service_areas` (skips recomputing
        them when the maps were drawn already).
    context : MapContext or path, optional
        Towns, roads, water and boundary on the maps
        (:func:`geoaccess.plot.map_context`, or the OSM extract to read them from).
    population_year : int or str, optional
        Year of the population counts, for the maps' headings ("mid-2020").
    standard : mapping, optional
        Access standards to report beside the findings: name → the tables of
        :func:`geoaccess.equality.eia_tables` ``(..., standard=name)`` (e.g. "a centre
        within 15 minutes on foot or 10 by car" over a matrix per mode): their findings,
        the share meeting each under every scenario, who would lose it, and by
        deprivation.

    Returns
    -------
    str
        A complete HTML document (no external files, scripts or fonts).
    """
    import matplotlib.pyplot as plt

    from . import equality as eq
    from . import plot as gp
    from .evaluate import Comparison, compare
    from .travel import service_areas

    env = _environment()
    if figure_format not in ("png", "svg"):
        raise InputError(f"figure_format must be 'png' or 'svg', got {figure_format!r}")
    res = gp._result_of(result)
    if isinstance(result, Comparison) and baseline in (None, result.baseline):
        comp: Any = result
    elif len(res.scenario_names) > 1:
        comp = compare(res, baseline=baseline or res.scenario_names[0])
    else:
        comp = None
    geo = gp.areas_for_map(areas, "report")
    lab = f"{gp.default_threshold_minutes(res) if threshold is None else float(threshold):g}"
    if f"within_{lab}" not in res.areas.columns:
        raise InputError(f"report: threshold {lab} minutes was not evaluated; thresholds are "
                         f"{[float(t) for t in res.thresholds]}", column="threshold")
    words = population_words(res.population)
    mode = res.mode
    service_noun = eq.service_noun(service)
    title = title or (f"Access to {service_noun}s" + (f" in {place}" if place else ""))
    tables = eq.eia_tables(comp if comp is not None else res, areas, by=by, shares=shares,
                           threshold_minutes=float(lab), place=place, service=service)
    fmt = figure_format
    figures: dict[str, list[_Figure]] = {"maps": [], "change": [], "service": [],
                                         "equality": []}
    names = res.scenario_names
    ctx = gp.context.as_context(context, geo)
    page: dict[str, Any] = {"credits": credits, "context": ctx, "layout": "A4",
            "population_year": population_year}
    panels = gp.plot_scenarios(res, geo, sites=sites, threshold_minutes=float(lab), **page)
    figures["maps"].append(_figure(
        panels[0].figure, "fig-minutes", "Minutes to the nearest open site, per scenario",
        f"Maps of minutes to the nearest open site under {', '.join(names)}",
        "Every panel uses the same classes and colours. Grey hatching: no time. The "
        "numbers on the maps are those of the sites table.", fmt=fmt))
    if comp is not None:
        legend = [label for label, _ in gp.change_legend(comp)]
        colours = ("Red: longer journeys; blue: shorter; white: unchanged."
                   if any(x.startswith("quicker") for x in legend)
                   else "Red: longer journeys; white: unchanged (no area gets a shorter "
                        "journey under any proposal).")
        for i, name in enumerate(comp.scenario_names):
            ax = gp.plot_change(comp, geo, name, sites=sites, threshold_minutes=float(lab),
                                **page)
            figures["change"].append(_figure(
                ax.figure, f"fig-change-{i + 1}", f"Change under {name}",
                f"Map of the change in minutes under {name} against {comp.baseline}",
                f"{colours} Black outline: areas losing {lab}-minute access. Every change "
                "map uses the same classes.", fmt=fmt))
    if network is not None and sites is not None:
        ts = sorted({10.0, 15.0, 20.0} | {float(lab)})
        ts = [t for t in ts if t <= 60]
        cols = min(len(names), 2)
        rows_n = int(np.ceil(len(names) / cols))
        b = geo.total_bounds
        aspect = (b[3] - b[1]) / max(b[2] - b[0], 1.0)
        fig, axes = plt.subplots(rows_n, cols, squeeze=False, layout="constrained",
                                 figsize=(5.2 * cols + 2.2, 5.2 * aspect * rows_n * 1.08 + 1))
        for k, ax in enumerate(axes.ravel()):
            if k >= len(names):
                ax.remove()
                continue
            scen = res.scenarios[names[k]]
            bands = (service_bands or {}).get(names[k])
            if bands is None or sorted(bands["threshold_minutes"]) != ts:
                bands = service_areas(network, sites, scen, thresholds=ts,
                                      walk_in_m=walk_in_m)
            gp.plot_service_areas(network, sites, scen, areas=geo, bands=bands, ax=ax,
                                  legend=k == len(names) - 1, credits=credits, context=ctx,
                                  title=f"{names[k]}\n" + ", ".join(
                                      f"{_num(a, 1)} km² within {t:g} min" for a, t in
                                      zip(bands["area_km2"], bands["threshold_minutes"],
                                          strict=True) if t in (ts[0], ts[-1])))
        figures["service"].append(_figure(
            fig, "fig-service", "Service areas",
            "Maps of the land within " + ", ".join(f"{t:g}" for t in ts)
            + " minutes of an open site, per scenario",
            f"Land within {walk_in_m:g} m of a street or path reached within the time "
            f"({mode_words(mode) or mode}).", fmt=fmt))
    if "imd_decile" in geo.columns:
        fig, ax = plt.subplots(figsize=(9, 4.8), layout="constrained")
        gp.plot_equality(res, geo, by="imd_decile", threshold_minutes=float(lab), ax=ax)
        figures["equality"].append(_figure(
            fig, "fig-equality", f"Within {lab} minutes by deprivation",
            f"Bar chart of the share of {words} within {lab} minutes by IMD decile",
            "IMD decile 1 = the most deprived 10% of areas in England.", fmt=fmt))
    fig, ax = plt.subplots(figsize=(9, 4.8), layout="constrained")
    gp.plot_cumulative(res, ax=ax)
    figures["equality"].append(_figure(
        fig, "fig-cumulative", "Cumulative access",
        f"Line chart of the share of {words} within each number of minutes, per scenario",
        "Each line rises as more people are within reach; dotted lines mark the thresholds.",
        fmt=fmt))

    shown = [x for x in _labels(res) if float(x) <= 30] or _labels(res)
    tbl: dict[str, Any] = {"summary": _summary_table(res, shown),
                           "change": _change_table(comp, shown) if comp is not None else None}
    groups = []
    for key, frame in tables.items():
        if key.startswith("by_"):
            by_col = key[3:]
            if by_col in frame.columns:
                nice = {"imd_decile": "IMD decile", "imd_quintile": "IMD quintile",
                        "ward": "ward"}.get(by_col, by_col.replace("_", " "))
                groups.append(_group_table(frame, by_col, lab, res, comp,
                                           f"Access and losses by {nice}"))
    tbl["groups"] = groups
    tbl["exposure"] = (_exposure_table(tables["group_exposure"], lab)
                       if "group_exposure" in tables else None)
    tbl["risk"] = (_risk_table(tables["relative_risk"], lab)
                   if "relative_risk" in tables else None)
    # the method appendix: both intervals with their methods, and the inequality indices
    tbl["appendix"] = [t for t in (
        _risk_table(tables["relative_risk"], lab, appendix=True)
        if "relative_risk" in tables else None,
        _inequality_table(tables["inequality"])) if t is not None]
    tbl["losers"] = _losers_table(comp, geo, lab, top_losers) if comp is not None else None
    tbl["sites"] = _scenario_sites_table(res, sites)
    findings = tables.get("findings")
    by_scenario: list[tuple[str, list[str]]] = []
    caveats: list[str] = []
    if findings is not None:
        for name in (comp.scenario_names if comp is not None else []):
            rows = findings[(findings["kind"] == "finding") & (findings["scenario"] == name)]
            by_scenario.append((name, rows["text"].tolist()))
        caveats = findings.loc[findings["kind"] == "caveat", "text"].tolist()
    sources = [OSM_SOURCE] + list(data_sources or [])
    question = (f"How far would {words} have to travel to {service} under each proposal"
                + (f", compared with {comp.baseline}" if comp is not None else "")
                + f", who would no longer have {service} within {lab} minutes"
                + (f"' {eq.TRAVEL_WORDS.get(mode, 'travel')}" if mode in eq.TRAVEL_WORDS else "")
                + ", and would the loss fall hardest on the most deprived areas or on groups "
                  "protected under the Equality Act 2010?")
    template = env.get_template("report.html.j2")
    return template.render(
        title=title, place=place, question=question, notes=notes,
        scenarios=[(n, res.scenarios[n].describe(), res.scenarios[n].description)
                   for n in names],
        baseline=comp.baseline if comp is not None else None,
        findings=by_scenario, caveats=caveats, figures=figures, tables=tbl,
        standards=[_standard_block(t, words) for t in (standard or {}).values()],
        method=_method_items(res, comp, geo, lab, network, walk_in_m),
        provenance=_provenance_items(res),
        definitions=[(r["item"].removeprefix("definition: "), r["value"])
                     for _, r in tables["method"].iterrows()
                     if str(r["item"]).startswith("definition: ")],
        sources=sources, attribution=ATTRIBUTION,
        generated=datetime.now(timezone.utc).strftime("%d %B %Y"),
    )


def write_report(
    result: Result | Comparison,
    areas: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    **kwargs: Any,
) -> Path:
    """Write the EIA report to one self-contained HTML file (atomically).

    Parameters
    ----------
    result : Result or Comparison
    areas : geopandas.GeoDataFrame
    path : path-like
        The ``.html`` file to write; its folder must exist.
    **kwargs
        As :func:`render_report` (``sites``, ``network``, ``place``, ``service``...).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pandas as pd, geopandas as gpd, geoaccess as ga
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area_id": ["E1"], "kids": [5.0]},
    ...                          geometry=[box(0, 0, 1000, 1000)], crs="EPSG:27700")
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0]}, index=["E1"]))
    >>> r = ga.evaluate(tt, areas, ga.Scenario("Now", {"S1": "hub"}), population="kids")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     ga.write_report(r, areas, f"{d}/report.html").suffix
    '.html'
    """
    p = Path(path)
    if not p.parent.exists():
        raise InputError(f"write_report: folder {p.parent} does not exist", path=p.parent)
    text = render_report(result, areas, **kwargs)
    atomic_write_text(p, text)
    log.info("wrote the report to %s (%.1f MB)", p, p.stat().st_size / 1e6)
    return p
