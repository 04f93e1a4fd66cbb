"""The pipeline behind ``geoaccess run``: inputs, networks, matrices, results, outputs.

It reads the inputs, builds networks and matrices, evaluates and compares the scenarios,
and writes every output as one set.

Outputs are written to a staging folder inside the output folder and moved into place only
when complete, so an interrupted run leaves no half-written file.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from ._fs import atomic_write_text, safe_name, write_csv
from ._staging import Staging
from ._version import __version__
from .config import OutputSettings, RunConfig
from .errors import InputError

__all__ = ["check_output_folder", "load_network", "read_inputs", "run", "write_outputs"]

log = logging.getLogger(__name__)


#: Names a run writes at the top of its output folder (files, then folders).
OUTPUT_FILES = ("report.html", "map.html", "explorer.html", "results.xlsx", "eia_tables.xlsx",
                "scenario_summary.csv", "scenario_areas.csv", "change_areas.csv",
                "scenarios.csv", "manifest.json")
OUTPUT_FOLDERS = ("maps", "eia_tables")


def check_output_folder(out: str | os.PathLike[str]) -> Path:
    """Check, before any work, that a run can write its outputs to ``out``.

    The folder (or the nearest folder above it that exists) must be writable: a file is
    created and removed there to be sure. No output name may be taken by a folder (or a
    folder name by a file).

    Raises
    ------
    InputError
        Naming the folder and the fix.
    """
    out = Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: the output folder is a file; choose another folder",
                         path=out, column="outputs.folder")
    probe_dir = out if out.is_dir() else next(p for p in out.parents if p.exists())
    try:
        fd, probe = tempfile.mkstemp(prefix=".geoaccess-write-test-", dir=probe_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"{probe_dir}: cannot write there ({exc.strerror}); choose another "
                         "output folder or change its permissions", path=probe_dir,
                         column="outputs.folder") from exc
    taken = [n for n in OUTPUT_FILES if (out / n).is_dir()]
    taken += [n for n in OUTPUT_FOLDERS if (out / n).exists() and not (out / n).is_dir()]
    if taken:
        raise InputError(f"{out}: {', '.join(taken)} already exist with the wrong kind (a "
                         "folder where a file goes, or a file where a folder goes); move them "
                         "or choose another output folder", path=out, rows=taken,
                         column="outputs.folder")
    return out


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return s[:60] or "scenario"


def _unique_slugs(names: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for n in names:
        s = base = _slug(n)
        i = 2
        while s in used:
            s = f"{base}-{i}"
            i += 1
        used.add(s)
        out[n] = s
    return out


# ============================================================================= outputs
def write_outputs(
    out: str | os.PathLike[str],
    *,
    sites: Any,
    areas: Any,
    matrices: Mapping[str, Any],
    scenarios: Sequence[Any],
    networks: Mapping[str, Any] | None = None,
    settings: OutputSettings | None = None,
    extra_tables: Mapping[str, Any] | None = None,
    one_point_matrices: Mapping[str, Any] | None = None,
    standard_matrices: Mapping[str, Any] | None = None,
    progress: bool = False,
    context: Any = None,
    population_year: int | str | None = None,
    standard: Mapping[str, str] | None = None,
    **overrides: Any,
) -> dict[str, Path]:
    """Evaluate and compare scenarios and write every output to a folder, atomically.

    The first mode of ``matrices`` is the main one (maps, equality tables, report); the
    others add rows to ``scenario_summary.csv``. Files are written into a staging folder
    inside ``out`` and moved into place only when all are complete.

    Parameters
    ----------
    out : path-like
        Output folder (created if needed).
    sites, areas : geopandas.GeoDataFrame
        From :func:`geoaccess.read_sites` and :func:`geoaccess.read_areas`.
    matrices : mapping
        Mode → :class:`~geoaccess.TravelTimes`, the main mode first.
    scenarios : sequence of Scenario
        The configurations; ``baseline`` (default the first) is compared with the rest.
    networks : mapping, optional
        Mode → :class:`~geoaccess.Network`; the main mode's adds service-area maps.
    settings : OutputSettings, optional
        What to compute and write (defaults as in :class:`~geoaccess.config.OutputSettings`).
    extra_tables : mapping, optional
        Name → DataFrame written as ``<name>.csv``.
    one_point_matrices : mapping, optional
        When ``matrices`` start journeys at many origins per area (homes), the same modes
        with one point per area: the headline shares under both are written side by side
        to ``origins_comparison.csv``, with a plain sentence where they differ materially.
    progress : bool
        Show a progress bar over the steps.
    context : path or MapContext, optional
        The OSM extract the network came from (or
        :func:`~geoaccess.plot.map_context` of it): towns, roads, water and the study
        boundary on every map.
    population_year : int or str, optional
        Year of the population counts, in the maps' headings ("mid-2020").
    standard : mapping, optional
        Name → access standard in words ("a centre within 15 minutes on foot or 10 by
        car"), evaluated over every mode's matrix (the main one first): each gets its
        equality tables (``eia_tables_standard.xlsx`` and the folder
        ``eia_tables_standard``; ``_<name>`` after ``standard`` when there are several)
        and a section of the report.
    standard_matrices : mapping, optional
        Mode → matrix the standards are judged on, when not ``matrices`` (all from the
        same starting points: e.g. one point per area beside public transport).
    **overrides
        Any field of :class:`~geoaccess.config.OutputSettings` given by name, overriding
        ``settings``:

    baseline : str, optional
        The scenario the others are compared with (default the first).
    population, thresholds, tolerance_minutes
        As in :func:`geoaccess.evaluate` and :func:`geoaccess.compare`.
    title, place, service, credits, data_sources
        Words of the report and maps (see :func:`geoaccess.render_report`).
    equality_by, equality_shares, equality_threshold
        Breakdowns, share columns and the threshold quoted (see
        :func:`geoaccess.equality.eia_tables`).
    write_matrix, tables, maps, dpi, report, interactive, explorer, screenshots
        Which outputs to write: the matrices (Parquet), tables (``"csv"``,
        ``"excel"``), map formats (``"png"``, ``"svg"``, ``"pdf"``) at ``dpi``, the
        HTML report, the interactive map, the consultation explorer, and screenshots of
        the pages (PNG, from headless Chromium when it is installed).

    Returns
    -------
    dict
        Output name → path, in the order written.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import pandas as pd

    from . import equality as eq
    from . import plot as gp
    from ._progress import tqdm
    from .evaluate import compare, evaluate
    from .report import DataSource, round_for_export, write_report
    from .travel import service_areas

    unknown = sorted(set(overrides) - {f.name for f in fields(OutputSettings)})
    if unknown:
        raise TypeError(f"write_outputs: unexpected keyword arguments {unknown}")
    cfg = replace(settings or OutputSettings(), **overrides)
    (baseline, population, thresholds, tolerance_minutes, title, place, service, credits,
     data_sources, equality_by, equality_shares, equality_threshold, write_matrix, tables, maps,
     dpi, report, interactive, explorer, screenshots) = (getattr(cfg, f.name)
                                                         for f in fields(OutputSettings))
    started = _now()
    out = Path(out)
    for name in extra_tables or {}:
        safe_name(name, what="extra table name")
    check_output_folder(out)
    modes = list(matrices)
    if not modes:
        raise InputError("write_outputs: no travel-time matrix given")
    main_mode = modes[0]
    names = [s.name for s in scenarios]
    base = baseline or names[0]
    if base not in names:
        raise InputError(f"baseline {base!r} is not among the scenarios {names}; set "
                         "'baseline' to one of them", column="baseline")
    slugs = _unique_slugs(names)
    steps = (["evaluate"] + (["matrix"] if write_matrix else []) + ["tables"]
             + (["maps"] if maps else []) + (["report"] if report else [])
             + (["interactive"] if interactive else []) + (["explorer"] if explorer else [])
             + (["screenshots"] if screenshots else []))
    bar = tqdm(total=len(steps), desc="outputs", unit="step", disable=not progress,
               leave=False)
    written: dict[str, Path] = {}
    credit_text = list(credits)

    def step(name: str) -> None:
        bar.set_description(name)
        log.debug("step: %s", name)

    about = {"made_by": f"geoaccess {__version__}", "modes": modes, "scenarios": names,
             "settings": {f.name: getattr(cfg, f.name) for f in fields(OutputSettings)
                          if f.name != "data_sources"}}
    with Staging(out, about=about) as st:
        step("evaluate")
        results = {}
        for mode in modes:
            results[mode] = evaluate(matrices[mode], areas, scenarios, population=population,
                                     thresholds=thresholds)
        res = results[main_mode]
        comp = compare(res, baseline=base, tolerance_minutes=tolerance_minutes) \
            if len(names) > 1 else None
        eq_thr = equality_threshold
        net = (networks or {}).get(main_mode)
        # the context of every map, read once from the extract the network came from
        ctx = gp.context.as_context(context, gp.areas_for_map(areas, "write_outputs"))
        lab = gp.default_threshold_minutes(res) if eq_thr is None else float(eq_thr)
        band_ts = sorted({10.0, 15.0, 20.0} | ({lab} if lab is not None else set()))
        band_ts = [t for t in band_ts if t <= 60]
        bands: dict[str, Any] = {}

        def bands_of(name: str) -> Any:
            if net is None:
                return None
            if name not in bands:
                bands[name] = service_areas(net, sites, res.scenarios[name],
                                            thresholds=band_ts)
            return bands[name]

        bar.update()
        if write_matrix:
            step("matrix")
            for mode in modes:
                written[f"matrix_{mode}"] = matrices[mode].save(
                    st.path(f"travel_times_{mode}.parquet"))
            bar.update()
        step("tables")
        summary = pd.concat([r.summary.assign(mode=m) for m, r in results.items()],
                            ignore_index=True)
        summary = summary[["mode"] + [c for c in summary.columns if c != "mode"]]
        # files people read are rounded to the precision of their units; only the
        # matrices (Parquet) keep full precision
        written["scenario_summary"] = write_csv(round_for_export(summary),
                                                st.path("scenario_summary.csv"))
        written["scenario_areas"] = write_csv(round_for_export(res.areas),
                                              st.path("scenario_areas.csv"))
        if comp is not None:
            written["change_areas"] = write_csv(round_for_export(comp.areas),
                                                st.path("change_areas.csv"))
        from .scenario import scenario_table, write_scenarios

        written["scenarios"] = write_scenarios(scenarios, st.path("scenarios.csv"), sites)
        eia = eq.eia_tables(comp if comp is not None else res, areas, by=equality_by,
                            shares=equality_shares, threshold_minutes=eq_thr, place=place,
                            service=service)
        eia = {k: round_for_export(v) for k, v in eia.items()}
        origins_table = None
        if one_point_matrices and main_mode in one_point_matrices:
            from .sensitivity import origin_comparison

            by_area = evaluate(one_point_matrices[main_mode], areas, scenarios,
                               population=population, thresholds=thresholds)
            origins_table = origin_comparison(
                res, by_area, population_words=_population_words(population))
            written["origins_comparison"] = write_csv(round_for_export(origins_table),
                                                      st.path("origins_comparison.csv"))
        for name, frame in (extra_tables or {}).items():
            p = write_csv(round_for_export(frame),
                          st.path(f"{safe_name(name, what='extra table name')}.csv"))
            written[name] = p
        # every other mode of the run gets its own equality tables (walking, driving...)
        other_eia = {}
        for mode in modes[1:]:
            other = (compare(results[mode], baseline=base, tolerance_minutes=tolerance_minutes)
                     if len(names) > 1 else results[mode])
            other_eia[mode] = {k: round_for_export(v) for k, v in eq.eia_tables(
                other, areas, by=equality_by, shares=equality_shares, threshold_minutes=eq_thr,
                place=place, service=service).items()}  # rounded as the main mode's
        std_tables = _standard_tables(standard_matrices or matrices, areas, scenarios,
                                      standard, base, cfg)
        for key, full in std_tables.items():  # the report formats the unrounded tables
            t = {k: round_for_export(v) for k, v in full.items()}
            stem = "eia_tables_standard" + ("" if len(std_tables) == 1 else f"_{key}")
            if "excel" in tables:
                written[f"eia_excel_standard_{key}"] = eq.to_excel(t, st.path(f"{stem}.xlsx"))
            if "csv" in tables:
                for name, p in eq.to_csv(t, st.folder(stem)).items():
                    written[f"eia_standard_{key}_{name}"] = p
        if "excel" in tables:
            sheets = {"summary": res.summary, "areas": res.areas}
            if comp is not None:
                sheets = {"change_summary": comp.summary, "change_areas": comp.areas,
                          **sheets}
            sheets["scenarios"] = scenario_table(res.scenarios.values()).reset_index()
            sheets = {k: round_for_export(v) for k, v in sheets.items()}
            sheets["method"] = res.method()
            written["results_excel"] = eq.to_excel(sheets, st.path("results.xlsx"))
            written["eia_excel"] = eq.to_excel(eia, st.path("eia_tables.xlsx"))
            for mode, t in other_eia.items():
                written[f"eia_excel_{mode}"] = eq.to_excel(
                    t, st.path(f"eia_tables_{safe_name(mode, what='mode')}.xlsx"))
        if "csv" in tables:
            for name, p in eq.to_csv(eia, st.folder("eia_tables")).items():
                written[f"eia_{name}"] = p
            for mode, t in other_eia.items():
                folder = st.folder(f"eia_tables_{safe_name(mode, what='mode')}")
                for name, p in eq.to_csv(t, folder).items():
                    written[f"eia_{mode}_{name}"] = p
        bar.update()
        if maps:
            step("maps")
            fmts = list(maps)
            thr = eq_thr if eq_thr is not None else None

            def save(fig: Any, stem: str, key: str) -> None:
                files = gp.save_figure(fig, st.path(f"maps/{stem}"), formats=fmts, dpi=dpi,
                                       close=True)
                for f in files:
                    written[f"{key}_{f.suffix.lstrip('.')}"] = f

            # A4 landscape pages: the same context, numbering and legend on every map
            page: dict[str, Any] = {"sites": sites, "credits": credit_text, "context": ctx,
                                    "layout": "A4", "population_year": population_year}
            save(gp.plot_scenarios(res, areas, threshold_minutes=thr, **page),
                 "minutes_all_scenarios", "map_minutes_all")
            if comp is not None:
                for name in comp.scenario_names:
                    save(gp.plot_scenarios(res, areas, [base, name], threshold_minutes=thr,
                                           **page),
                         f"before_after_{slugs[name]}", f"map_before_after_{slugs[name]}")
                    save(gp.plot_change(comp, areas, name, threshold_minutes=thr, **page),
                         f"change_{slugs[name]}", f"map_change_{slugs[name]}")
            if net is not None:
                for name in names:
                    save(gp.plot_service_areas(net, sites, res.scenarios[name], areas=areas,
                                               credits=credit_text, bands=bands_of(name),
                                               context=ctx, layout="A4",
                                               population_year=population_year),
                         f"service_areas_{slugs[name]}", f"map_service_{slugs[name]}")
            if "imd_decile" in areas.columns:
                fig, ax = plt.subplots(figsize=(9, 4.8), layout="constrained")
                gp.plot_equality(res, areas, threshold_minutes=thr, ax=ax)
                save(fig, "equality_by_imd_decile", "chart_equality")
            fig, ax = plt.subplots(figsize=(9, 4.8), layout="constrained")
            gp.plot_cumulative(res, ax=ax)
            save(fig, "cumulative", "chart_cumulative")
            bar.update()
        if report:
            step("report")
            sources = [s if isinstance(s, DataSource) else DataSource(**s)
                       for s in data_sources]
            written["report"] = write_report(
                comp if comp is not None else res, areas, st.path("report.html"),
                sites=sites, network=(networks or {}).get(main_mode), baseline=base,
                title=title, place=place, service=service, threshold_minutes=eq_thr,
                by=equality_by, shares=equality_shares, credits=credit_text,
                context=ctx, population_year=population_year,
                data_sources=sources, standard=std_tables or None,
                origins_comparison=origins_table,
                service_bands={n: bands_of(n) for n in names} if net is not None else None)
            for mode in modes[1:]:  # each other mode of the run: its own report
                other = (compare(results[mode], baseline=base,
                                 tolerance_minutes=tolerance_minutes)
                         if len(names) > 1 else results[mode])
                written[f"report_{mode}"] = write_report(
                    other, areas, st.path(f"report_{safe_name(mode, what='mode')}.html"),
                    sites=sites, network=(networks or {}).get(mode), baseline=base,
                    title=title, place=place, service=service, threshold_minutes=eq_thr,
                    by=equality_by, shares=equality_shares, credits=credit_text,
                    context=ctx, population_year=population_year, data_sources=sources)
            bar.update()
        if interactive:
            step("interactive map")
            try:
                from .explore import explore

                m = explore(comp if comp is not None else res, areas, sites=sites,
                            credits=credit_text)
                p = st.path("map.html")
                m.save(str(p))
                written["interactive_map"] = p
            except ImportError as exc:
                log.warning("no interactive map: %s", exc)
            bar.update()
        if explorer and "geometry" not in getattr(areas, "columns", ()):
            log.warning("no consultation explorer: the areas have no geometry to map")
        elif explorer:
            step("explorer")
            try:
                from .explorer import write_explorer

                written["explorer"] = write_explorer(
                    matrices[main_mode], areas, scenarios, st.path("explorer.html"),
                    sites=sites, population=population, baseline=base, thresholds=thresholds,
                    threshold_minutes=lab if lab is not None else 15, credits=credit_text,
                    title=title, data_dates=_data_dates(matrices[main_mode], data_sources))
            except ImportError as exc:
                log.warning("no consultation explorer: %s", exc)
            bar.update()
        if screenshots:
            step("screenshots")
            from ._explorer.browser import write_screenshots

            pages: dict[str, str | os.PathLike[str]] = {
                k: written[k] for k in ("report", "interactive_map", "explorer") if k in written}
            for k, p in write_screenshots(pages, st.folder("screenshots")).items():
                written[f"screenshot_{k}"] = p
            bar.update()
        bar.close()
        # the one place a run's time is kept: tables, matrices and the manifest's hashes of
        # them are the same on every run with the same inputs
        written["run_log"] = atomic_write_text(st.path("run-log.json"), json.dumps({
            "made_by": f"geoaccess {__version__}", "python": platform.python_version(),
            "started_at": started, "finished_at": _now()}, indent=1) + "\n")
        return st.commit(written)


def _standard_tables(matrices: Mapping[str, Any], areas: Any, scenarios: Sequence[Any],
                     standard: Mapping[str, str] | None, baseline: str,
                     cfg: OutputSettings) -> dict[str, dict[str, Any]]:
    """The equality tables of each access standard, evaluated over every mode's matrix.

    ``standard``: name → rule in words; the modes it names must be among ``matrices``
    (the first is the main one). Returns name → :func:`geoaccess.equality.eia_tables`
    ``(..., standard=name)``, unrounded; empty without a standard.
    """
    if not standard:
        return {}
    from . import equality as eq
    from .evaluate import compare, evaluate

    res = evaluate(dict(matrices), areas, scenarios, population=cfg.population,
                   thresholds=cfg.thresholds, rules=dict(standard))
    source: Any = (compare(res, baseline=baseline, tolerance_minutes=cfg.tolerance_minutes)
                   if len(res.scenario_names) > 1 else res)
    out = {}
    for name in standard:
        t = eq.eia_tables(source, areas, by=cfg.equality_by, shares=cfg.equality_shares,
                          place=cfg.place, service=cfg.service, standard=name)
        out[safe_name(name, what="standard name")] = t
    log.info("evaluated the access standards %s over %s", list(standard), list(matrices))
    return out


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _population_words(population: str | None) -> str:
    from .equality import describe_population

    return describe_population(population) if population else "people"


def _data_dates(tt: Any, data_sources: Sequence[Any]) -> dict[str, str]:
    """The dates a reader should know: the OSM extract's, and each data source's."""
    dates: dict[str, str] = {}
    osm = (tt.provenance or {}).get("osm_timestamp")
    if osm:
        dates["OpenStreetMap data"] = str(osm)[:10]
    for s in data_sources:
        d = s if isinstance(s, Mapping) else getattr(s, "__dict__", {})
        if d.get("name") and d.get("date"):
            dates[str(d["name"])] = str(d["date"])
    return dates


# ================================================================================ run
def _network(cfg: RunConfig, mode: str) -> Any:
    from ._fs import sha256_file
    from .network import Network

    src = cfg.network_source
    if src.suffix == ".npz":
        net = Network.load(src)
        if net.mode != mode:
            raise InputError(f"{src}: the saved network is for mode {net.mode!r}, not "
                             f"{mode!r}; set network.modes: [{net.mode}]",
                             path=src, column="network.modes")
        return net
    cache_file = None
    if cfg.network_cache is not None:
        speed = cfg.speed_kmh.get(mode) if isinstance(cfg.speed_kmh, Mapping) \
            else cfg.speed_kmh
        tag = f"-{speed:g}kmh" if speed else ""
        cache_file = cfg.network_cache / f"{src.name.split('.')[0]}-{mode}{tag}.npz"
        if cache_file.exists():
            try:
                net = Network.load(cache_file)
                if net.provenance.get("sha256") == sha256_file(src):
                    log.info("using the cached %s network %s", mode, cache_file)
                    return net
            except Exception as exc:  # a bad cache is rebuilt
                log.warning("ignoring cached network %s (%s)", cache_file, exc)
    start = time.perf_counter()
    speed = cfg.speed_kmh
    if isinstance(speed, Mapping):
        speed = {k: float(v) for k, v in speed.items()}
    net = Network.from_osm_file(src, mode=mode, speed_kmh=speed)
    log.info("built the %s network in %.1f s: %s", mode, time.perf_counter() - start, net)
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        net.save(cache_file)
    return net


def read_inputs(cfg: RunConfig) -> tuple[Any, Any, list[Any]]:
    """Read and check the sites, areas and scenarios a configuration names (no network).

    ``geoaccess run --check`` stops here; every column the configuration names is checked.
    """
    from .io import read_areas, read_sites
    from .scenario import Scenario, read_scenarios

    sites = read_sites(cfg.sites, **cfg.site_options)
    opts = dict(cfg.area_options)
    if cfg.origins in ("representative_point", "centroid"):
        opts["origin"] = cfg.origins
    areas = read_areas(cfg.areas, **opts)
    if cfg.population is not None and cfg.population not in areas.columns:
        numeric = list(areas.attrs.get("population", []))
        raise InputError(f"population: column {cfg.population!r} is not in the areas "
                         f"({cfg.areas.name}); population columns are {numeric}",
                         column="population")
    missing = [c for c in (cfg.equality_by or []) if c not in areas.columns
               and not (c == "imd_quintile" and "imd_decile" in areas.columns)]
    if missing:
        raise InputError(f"equality.by: columns {missing} are not in the areas "
                         f"({cfg.areas.name}); its columns are {list(areas.columns)[:30]}",
                         column="equality.by", rows=missing)
    scenarios: list[Any] = []
    if cfg.include_current:
        scenarios.append(Scenario.from_sites(sites, cfg.include_current))
    if cfg.scenario_file is not None:
        scenarios += read_scenarios(cfg.scenario_file, sites, **cfg.scenario_options)
    if cfg.scenario_define is not None:
        scenarios += read_scenarios(cfg.scenario_define, sites)
    names = [s.name for s in scenarios]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise InputError(f"scenarios: the names {dups} are used twice (include_current and "
                         "the file or define?); rename one", column="scenarios")
    if not scenarios:
        raise InputError("scenarios: none given; add scenarios.file or scenarios.define, or "
                         "set scenarios.include_current", column="scenarios")
    if cfg.baseline is not None and cfg.baseline not in names:
        raise InputError(f"baseline: {cfg.baseline!r} is not a scenario; scenarios are "
                         f"{names}", column="baseline")
    if cfg.transit is not None:
        _transit_feeds(cfg)  # read and checked now, so that --check covers them
    return sites, areas, scenarios


# ======================================================================= public transport
_FEEDS: dict[tuple, list[Any]] = {}


def _transit_feeds(cfg: RunConfig) -> list[Any]:
    """The ``transit.gtfs`` feeds, read once per run, with the date checked against each."""
    from .gtfs import read_gtfs

    assert cfg.transit is not None
    key = tuple((str(p), p.stat().st_mtime_ns) for p in cfg.transit.gtfs)
    if key not in _FEEDS:
        _FEEDS.clear()
        feeds = []
        for p in cfg.transit.gtfs:
            try:
                feeds.append(read_gtfs(p))
            except InputError as exc:
                raise InputError(f"transit.gtfs: {exc}", path=p, column="transit.gtfs") from exc
        _FEEDS[key] = feeds
    feeds = _FEEDS[key]
    for feed in feeds:
        first, last = feed.service_range
        if first is None or not str(first) <= cfg.transit.date <= str(last):
            raise InputError(f"transit.date: {cfg.transit.date} is outside the calendar of "
                             f"{feed.path} ({first} to {last}); choose a school-term weekday "
                             "in that range", path=feed.path, column="transit.date")
    return feeds


def _transit_matrix(cfg: RunConfig, walk: Any, sites: Any, areas: Any, *,
                    progress: bool = False) -> Any:
    """The public transport matrix of the ``transit`` section, on the walking network.

    Journeys start at one point per area (the areas' origins).
    """
    from .transit import transit_travel_times

    t = cfg.transit
    assert t is not None
    timing: dict[str, Any] = ({"arrive_by": t.arrive_by} if t.arrive_by is not None
                              else {"departure_window": t.departure_window})
    return transit_travel_times(walk, _transit_feeds(cfg), sites, areas, date=t.date,
                                percentiles=t.percentile, max_walk_minutes=t.max_walk_minutes,
                                max_transfers=t.max_transfers,
                                max_trip_minutes=t.max_trip_minutes,
                                max_snap_m=cfg.max_snap_m, progress=progress, **timing)


def load_network(cfg: RunConfig, mode: str) -> Any:
    """The configuration's network for one mode: a saved ``.npz``, the cache, or built.

    As ``geoaccess run`` gets it (``geoaccess national`` too).
    """
    return _network(cfg, mode)


def run(cfg: RunConfig, *, progress: bool = True) -> dict[str, Path]:
    """Carry out a validated configuration; returns output name → path.

    Inputs are read and checked (sites, areas, scenarios) before networks are built.
    """
    from .io import set_origins
    from .origins import build_origins, residential_origins
    from .travel import travel_times

    check_output_folder(cfg.out)
    sites, areas, scenarios = read_inputs(cfg)
    rows: Any = areas
    if cfg.origins in ("homes", "grid"):
        rows = build_origins(areas, osm=cfg.network_source, population=cfg.population,
                             method="auto" if cfg.origins == "homes" else "grid")
        areas = set_origins(areas, rows)  # each area's point: the medoid of its origins
    elif cfg.origins == "residential":
        areas = rows = set_origins(areas, residential_origins(areas, cfg.network_source))
    networks, matrices, per_area = {}, {}, {}
    for mode in cfg.modes:
        if mode == "transit":  # after the street modes: it walks on the walk network
            continue
        networks[mode] = _network(cfg, mode)
        matrices[mode] = travel_times(networks[mode], sites, rows, progress=progress,
                                      max_snap_m=cfg.max_snap_m)
        if rows is not areas:
            per_area[mode] = travel_times(networks[mode], sites, areas, progress=progress,
                                          max_snap_m=cfg.max_snap_m)
    if cfg.transit is not None:
        walk = networks["walk"] if "walk" in networks else _network(cfg, "walk")
        matrices["transit"] = _transit_matrix(cfg, walk, sites, areas, progress=progress)
        matrices = {m: matrices[m] for m in cfg.modes}  # the first mode is the main one
    # maps show the towns, roads and water of the extract the network was built from
    osm = cfg.network_source
    context = osm if osm.name.lower().endswith((".pbf", ".osm", ".osm.bz2")) else None
    return write_outputs(cfg.out, sites=sites, areas=areas, matrices=matrices, networks=networks,
                         scenarios=scenarios, settings=cfg.output_settings(), progress=progress,
                         one_point_matrices=per_area or None, context=context,
                         standard=getattr(cfg, "standard", None) or None,
                         standard_matrices=_standard_matrices(matrices, per_area))


def _standard_matrices(matrices: Mapping[str, Any], per_area: Mapping[str, Any]
                       ) -> dict[str, Any] | None:
    """The matrices a standard is judged on, all from the same starting points.

    Public transport starts from one point per area; when the street modes start at homes,
    a standard is judged on their one-point matrices beside it (the findings' caveats then
    say journeys start from one point per area). None: the run's own matrices.
    """
    if "transit" not in matrices or not per_area:
        return None
    log.info("the standards are judged from one point per area, as public transport is")
    return {m: per_area.get(m, tt) for m, tt in matrices.items()}

