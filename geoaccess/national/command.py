"""``geoaccess national``: many local authorities in one run, one folder each.

A national configuration is a ``geoaccess run`` configuration (network, sites, areas,
scenarios, thresholds, outputs: see :mod:`geoaccess.cli`) with a ``national`` section::

    national:
      authority_column: lad_code     # column of the areas naming each area's authority
      max_minutes: {walk: 60, drive: 30}   # search bound per mode (or one number)
      k_nearest: null                # keep only the k nearest sites per area
      partition: tiles               # or sites
      chunk_size: 64                 # sites per task
      workers: 2                     # a local Dask cluster; or scheduler: tcp://host:8786
      authorities:                   # optional: default every authority of the areas
        E06000017: {name: Rutland}
        E07000133:
          name: Melton
          sites: melton_sites.csv    # its own sites (else the national list, filtered)
          scenarios: {file: melton_options.csv, include_current: Current}

The sites of the top level are the national list: a site belongs to the authority named
in its own ``authority_column``, or else to the authority of the area it stands in. Each
authority is scored on its own sites, with its own scenarios or the top-level ones
restricted to its sites. The travel times are computed once for the whole country
(:func:`~geoaccess.national_travel_times`, partitioned by authority, written to
``travel_times/<mode>``); each authority then gets a folder of the outputs
``geoaccess run`` writes (tables, maps, report as configured), and
``national_summary.csv`` gathers every authority's scenario summary.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._fs import write_csv
from ..config import RunConfig, load_config
from ..errors import InputError
from ..pipeline import check_output_folder, load_network, read_inputs, write_outputs
from ..scenario import Scenario, read_scenarios
from .store import NationalTimes
from .times import national_travel_times

__all__ = ["Authority", "NationalConfig", "check_national", "load_national_config",
           "run_national"]

log = logging.getLogger(__name__)

_KEYS = {"authority_column", "max_minutes", "k_nearest", "partition", "chunk_size", "workers",
         "scheduler", "authorities"}
_AUTHORITY_KEYS = {"name", "sites", "scenarios"}
_SCENARIO_KEYS = {"file", "include_current", "sheet", "columns", "id_column"}


@dataclass
class Authority:
    """One authority of a national run: its code, name, and own sites or scenarios."""

    code: str
    name: str
    sites: Path | None = None
    scenario_file: Path | None = None
    scenario_options: dict[str, Any] = field(default_factory=dict)
    include_current: str | None = None


@dataclass
class NationalConfig:
    """A validated ``geoaccess national`` configuration (from :func:`load_national_config`)."""

    run: RunConfig
    authority_column: str
    max_minutes: dict[str, float]
    k_nearest: int | None
    partition: str
    chunk_size: int
    workers: int | None
    scheduler: str | None
    authorities: list[Authority] | None  # None: every authority of the areas


def _number(problems: list[str], value: Any, key: str, *, whole: bool = False) -> Any:
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and value > 0
    if whole:
        ok = ok and isinstance(value, int)
    if not ok:
        kind = "a whole number >= 1" if whole else "a positive number"
        problems.append(f"{key} must be {kind}, found {value!r}")
        return None
    return value


def _file(problems: list[str], value: Any, key: str, base: Path) -> Path | None:
    if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
        problems.append(f"{key} must be a file path, found {value!r}")
        return None
    p = Path(os.path.expanduser(str(value)))
    p = p if p.is_absolute() else (base / p).resolve()
    if not p.exists():
        problems.append(f"{key}: file not found: {value} (looked for {p})")
        return None
    return p


def _authorities(problems: list[str], raw: Any, base: Path) -> list[Authority] | None:
    if raw is None:
        return None
    if isinstance(raw, list):
        raw = {str(code): {} for code in raw}
    if not isinstance(raw, Mapping) or not raw:
        problems.append("national.authorities must list authority codes, or map each code "
                        "to {name, sites, scenarios}")
        return None
    out = []
    for code, spec in raw.items():
        key = f"national.authorities.{code}"
        spec = spec or {}
        if not isinstance(spec, Mapping):
            problems.append(f"{key} must be a mapping of name, sites, scenarios")
            continue
        for k in sorted(set(map(str, spec)) - _AUTHORITY_KEYS):
            problems.append(f"unknown key '{key}.{k}'; allowed: "
                            f"{', '.join(sorted(_AUTHORITY_KEYS))}")
        auth = Authority(str(code), str(spec.get("name", code)))
        if "sites" in spec:
            auth.sites = _file(problems, spec["sites"], f"{key}.sites", base)
        sc = spec.get("scenarios") or {}
        if not isinstance(sc, Mapping):
            problems.append(f"{key}.scenarios must be a mapping of {sorted(_SCENARIO_KEYS)}")
            sc = {}
        for k in sorted(set(map(str, sc)) - _SCENARIO_KEYS):
            problems.append(f"unknown key '{key}.scenarios.{k}'; allowed: "
                            f"{', '.join(sorted(_SCENARIO_KEYS))}")
        if "file" in sc:
            auth.scenario_file = _file(problems, sc["file"], f"{key}.scenarios.file", base)
        auth.scenario_options = {k: sc[k] for k in ("sheet", "id_column") if k in sc}
        if "columns" in sc:
            auth.scenario_options["scenarios"] = sc["columns"]
        inc = sc.get("include_current")
        auth.include_current = "Current" if inc is True else None if not inc else str(inc)
        out.append(auth)
    return out


def load_national_config(path: str | os.PathLike[str] | Mapping[str, Any], *,
                         out: str | os.PathLike[str] | None = None) -> NationalConfig:
    """Read and validate a ``geoaccess national`` configuration, every problem at once.

    Parameters
    ----------
    path : path-like or mapping
        The YAML file, or its content (relative paths then resolve against the current
        folder).
    out : path-like, optional
        Output folder, overriding ``outputs.folder``.

    Returns
    -------
    NationalConfig

    Raises
    ------
    InputError
        One message listing every problem, each naming its key.

    Examples
    --------
    >>> cfg = load_national_config({
    ...     "network": {"source": {"dataset": "rutland-osm"}, "modes": ["walk"]},
    ...     "sites": {"dataset": "rutland-sites"}, "areas": {"dataset": "rutland-lsoa"},
    ...     "thresholds": [15, 30], "national": {"authority_column": "ward"}})
    >>> cfg.max_minutes, cfg.partition
    ({'walk': 30.0}, 'tiles')
    """
    run = load_config(path, out=out, sections=("national",))
    where = str(run.path or "<config>")
    base = run.path.resolve().parent if run.path is not None else Path.cwd()
    raw = run.extra.get("national")
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise InputError(f"{where}: a national configuration needs a 'national' section with "
                         "at least authority_column", path=where, column="national")
    for k in sorted(set(map(str, raw)) - _KEYS):
        problems.append(f"unknown key 'national.{k}'; allowed: {', '.join(sorted(_KEYS))}")
    column = raw.get("authority_column")
    if not isinstance(column, str) or not column:
        problems.append("national.authority_column must name the areas' column of authority "
                        "codes")
    if "transit" in run.modes:
        problems.append("network.modes: a national run computes street modes only (walk, "
                        "pushchair, cycle, drive); public transport is run per authority "
                        "with 'geoaccess run' and a transit section")
    top = max(run.thresholds) if run.thresholds else 60.0
    bound = raw.get("max_minutes", top)
    per_mode = bound if isinstance(bound, Mapping) else {m: bound for m in run.modes}
    max_minutes: dict[str, float] = {}
    for mode in run.modes:
        value = _number(problems, per_mode.get(mode, top), f"national.max_minutes.{mode}")
        if value is not None and value < top:
            problems.append(f"national.max_minutes.{mode} ({value:g}) is below the largest "
                            f"threshold ({top:g}): raise it, or drop that threshold")
        if value is not None:
            max_minutes[mode] = float(value)
    k_raw = raw.get("k_nearest")
    k_nearest = (None if k_raw is None
                 else _number(problems, k_raw, "national.k_nearest", whole=True))
    partition = raw.get("partition", "tiles")
    if partition not in ("tiles", "sites"):
        problems.append(f"national.partition must be tiles or sites, found {partition!r}")
    chunk = _number(problems, raw.get("chunk_size", 64), "national.chunk_size", whole=True)
    workers = raw.get("workers")
    workers = None if workers is None else _number(problems, workers, "national.workers",
                                                   whole=True)
    scheduler = raw.get("scheduler")
    if scheduler is not None and not isinstance(scheduler, str):
        problems.append(f"national.scheduler must be an address such as tcp://host:8786, "
                        f"found {scheduler!r}")
    if workers is not None and scheduler is not None:
        problems.append("give national.workers (a local cluster) or national.scheduler, "
                        "not both")
    authorities = _authorities(problems, raw.get("authorities"), base)
    if problems:
        msg = (f"{where}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the "
               "national section:\n" + "\n".join(f"  - {p}" for p in problems))
        raise InputError(msg, path=where, column="national")
    return NationalConfig(run, str(column), max_minutes, k_nearest, str(partition),
                          int(chunk or 64), workers, scheduler, authorities)


def _slug(code: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", code).strip("-")[:60] or "authority"
    slug, i = base, 2
    while slug.lower() in used:
        slug, i = f"{base}-{i}", i + 1
    used.add(slug.lower())
    return slug


def _site_authority(sites: Any, areas: Any, column: str) -> pd.Series:
    """Each site's authority: its own column, else that of the area it stands in."""
    import geopandas as gpd

    if column in sites.columns:
        return sites[column].astype("string")
    polys = areas[[column, areas.geometry.name]]
    joined = gpd.sjoin(sites[[sites.geometry.name]].to_crs(areas.crs), polys, how="left",
                       predicate="within")
    first = joined[~joined.index.duplicated()][column].reindex(sites.index)
    n_out = int(first.isna().sum())
    if n_out:
        log.info("%d sites stand in no area, so belong to no authority (they are still "
                 "routed, and reachable across borders only by authorities that list them)",
                 n_out)
    return first.astype("string")


def _restrict(scenario: Scenario, keep: set[str]) -> Scenario:
    return Scenario(scenario.name, {s: r for s, r in scenario.roles.items() if s in keep},
                    capacity={s: v for s, v in scenario.capacity.items() if s in keep},
                    sessions_per_week={s: v for s, v in scenario.sessions_per_week.items()
                                       if s in keep},
                    description=scenario.description)


def _plan(ncfg: NationalConfig) -> tuple[Any, Any, list[tuple[Authority, Any, Any, list[Any]]]]:
    """All sites, the areas, and each authority's sites, areas and scenarios."""
    from ..io import read_sites, set_origins
    from ..origins import residential_origins

    cfg = ncfg.run
    sites, areas, scenarios = read_inputs(cfg)
    column = ncfg.authority_column
    if column not in areas.columns:
        raise InputError(f"national.authority_column: {column!r} is not a column of the "
                         f"areas ({cfg.areas.name}); columns are {list(areas.columns)[:30]}",
                         column="national.authority_column")
    if cfg.origins == "residential":
        areas = set_origins(areas, residential_origins(areas, cfg.network_source))
    codes = areas[column].astype("string")
    if codes.isna().any():
        bad = areas.loc[codes.isna(), "area_id"].astype(str).tolist()
        raise InputError(f"areas: no {column!r} for areas {bad[:5]}; every area needs its "
                         "authority", column=column, rows=bad)
    owner = _site_authority(sites, areas, column)
    specs = ncfg.authorities or [Authority(str(c), str(c)) for c in pd.unique(codes)]
    unknown = [a.code for a in specs if a.code not in set(codes)]
    if unknown:
        raise InputError(f"national.authorities: {unknown[:5]} have no areas (no such "
                         f"{column!r} in {cfg.areas.name})", column="national.authorities",
                         rows=unknown)
    all_sites = [sites]
    plan = []
    for auth in specs:
        own = sites[(owner == auth.code).fillna(False).to_numpy()]
        if auth.sites is not None:
            own = read_sites(auth.sites, **cfg.site_options)
            all_sites.append(own)
        keep = set(own["site_id"].astype(str))
        if auth.scenario_file is not None or auth.include_current:
            chosen: list[Any] = []
            if auth.include_current:
                chosen.append(Scenario.from_sites(own, auth.include_current))
            if auth.scenario_file is not None:
                chosen += read_scenarios(auth.scenario_file, own, **auth.scenario_options)
        else:
            chosen = [_restrict(s, keep) for s in scenarios]
        plan.append((auth, own, areas[(codes == auth.code).to_numpy()], chosen))
    routed = pd.concat([s.to_crs(sites.crs) for s in all_sites], ignore_index=True)
    ids = routed["site_id"].astype(str)
    places = pd.Series(routed.geometry.to_wkt().to_numpy()).groupby(ids.to_numpy()).nunique()
    clash = places[places > 1].index.tolist()
    if clash:
        raise InputError(f"sites: site ids standing in two places across the national list "
                         f"and the authorities' own lists {clash[:5]}; rename them",
                         column="site_id", rows=clash)
    routed = routed[~ids.duplicated().to_numpy()].reset_index(drop=True)
    return routed, areas, plan


def check_national(ncfg: NationalConfig) -> list[tuple[str, int, int, int]]:
    """Check a national configuration's inputs without routing.

    Returns
    -------
    list of tuple
        For each authority: code, sites, areas, scenarios.
    """
    check_output_folder(ncfg.run.out)
    _, _, plan = _plan(ncfg)
    return [(auth.code, len(own), len(own_areas), len(sc)) for auth, own, own_areas, sc in plan]


def run_national(ncfg: NationalConfig, *, client: Any = None,
                 progress: bool = True) -> dict[str, Path]:
    """Carry out a national configuration; returns output name → path.

    Parameters
    ----------
    ncfg : NationalConfig
        From :func:`load_national_config`.
    client : None, distributed.Client, str or int, optional
        Where to route (as in :func:`~geoaccess.national_travel_times`); default the
        configuration's ``workers`` or ``scheduler``, else in this process.
    progress : bool
        Show progress bars.

    Returns
    -------
    dict
        ``travel_times_<mode>`` (folders), ``<authority>`` (each authority's folder) and
        ``national_summary``.
    """
    cfg = ncfg.run
    out = check_output_folder(cfg.out)
    sites, areas, plan = _plan(ncfg)
    if client is None:
        client = ncfg.workers if ncfg.workers is not None else ncfg.scheduler
    written: dict[str, Path] = {}
    networks = {}
    runs: dict[str, NationalTimes] = {}
    for mode in cfg.modes:
        networks[mode] = load_network(cfg, mode)
        runs[mode] = national_travel_times(
            networks[mode], sites, areas, max_minutes=ncfg.max_minutes[mode],
            k_nearest=ncfg.k_nearest, partition=ncfg.partition, chunk_size=ncfg.chunk_size,
            region=ncfg.authority_column, client=client, max_snap_m=cfg.max_snap_m,
            out=out / "travel_times" / mode, progress=progress)
        written[f"travel_times_{mode}"] = runs[mode].path
    settings = cfg.output_settings()
    used: set[str] = {"travel_times"}
    summaries = []
    for auth, own, own_areas, scenarios in plan:
        slug = _slug(auth.code, used)
        ids = own["site_id"].astype(str).tolist()
        matrices = {m: runs[m].read(auth.code, sites=ids) for m in cfg.modes}
        files = write_outputs(out / slug, sites=own, areas=own_areas, matrices=matrices,
                              scenarios=scenarios, networks=networks if settings.maps else None,
                              settings=settings, place=auth.name, progress=False)
        written[slug] = out / slug
        summary = pd.read_csv(files["scenario_summary"])
        summaries.append(summary.assign(authority=auth.code, authority_name=auth.name,
                                        folder=slug))
        log.info("%s (%s): %d sites, %d areas, %d scenarios", auth.name, auth.code, len(own),
                 len(own_areas), len(scenarios))
    table = pd.concat(summaries, ignore_index=True)
    front = ["authority", "authority_name", "folder"]
    table = table[front + [c for c in table.columns if c not in front]]
    written["national_summary"] = write_csv(table, out / "national_summary.csv")
    return written
