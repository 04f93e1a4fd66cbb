"""Render the report to HTML and write it to a file (jinja2; extra ``report``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._deprecate import renamed_option
from .._fs import atomic_write_text
from ..errors import InputError
from ..plot import ATTRIBUTION, mode_words, population_words
from ._format import _labels, _num
from ._method import _method_items, _provenance_items
from ._origins import _origins_block
from ._standard import _standard_block
from ._tables import (
    _change_table,
    _exposure_table,
    _Figure,
    _figure,
    _group_table,
    _inequality_table,
    _losers_table,
    _risk_table,
    _scenario_sites_table,
    _summary_table,
)
from .savings import has_costs, savings_and_losses, savings_table

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

    from ..evaluate import Comparison, Result
    from ..network import Network

__all__ = ["OSM_SOURCE", "DataSource", "render_report", "write_report"]

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
    threshold_minutes: float | None = None,
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
    origins_comparison: pd.DataFrame | None = None,
    threshold: float | None = None,
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
        Sites, drawn on the maps and listed with their role in each scenario. With
        ``running_cost``, ``closure_cost`` or ``opening_cost`` columns
        (:func:`geoaccess.read_sites`), the findings add what each proposal saves beside
        the access it costs (:func:`geoaccess.report.savings_and_losses`).
    network : Network, optional
        The network of the result's mode: adds the service-area maps.
    baseline : str, optional
    title : str, optional
        Default "Access to <service> in <place>".
    place : str, optional
        Name of the place ("Rutland"), used in titles and findings.
    service : str
        What is reached, with its article ("a centre", "a family hub").
    threshold_minutes : float, optional
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
    origins_comparison : DataFrame, optional
        :func:`geoaccess.sensitivity.origin_comparison` of the result (journeys from
        homes) with the same scenarios from one point per area: the headline shares under
        both, side by side, with a sentence where they differ materially.
    threshold : float, optional
        Old name of ``threshold_minutes`` (FutureWarning).

    Returns
    -------
    str
        A complete HTML document (no external files, scripts or fonts).
    """
    import matplotlib.pyplot as plt

    from .. import equality as eq
    from .. import plot as gp
    from ..evaluate import Comparison, compare
    from ..travel import service_areas

    threshold_minutes = renamed_option(threshold_minutes, threshold, new="threshold_minutes",
                                       old="threshold", func="render_report")
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
    minutes = (gp.default_threshold_minutes(res) if threshold_minutes is None
               else float(threshold_minutes))
    lab = f"{minutes:g}"
    if f"within_{lab}" not in res.areas.columns:
        raise InputError(f"report: threshold {lab} minutes was not evaluated; thresholds are "
                         f"{[float(t) for t in res.thresholds]}", column="threshold_minutes")
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
    tbl["savings"], savings = None, []
    if comp is not None and sites is not None and has_costs(sites):  # money beside access
        money = savings_and_losses(comp, sites, areas, threshold_minutes=float(lab),
                                   service=service, place=place)
        tbl["savings"] = savings_table(money, lab=lab, words=words, baseline=comp.baseline)
        savings = money["sentence"].tolist()
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
        findings=by_scenario, caveats=caveats, figures=figures, tables=tbl, savings=savings,
        standards=[_standard_block(t, words) for t in (standard or {}).values()],
        origins=_origins_block(origins_comparison, lab, words),
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
