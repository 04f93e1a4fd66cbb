"""The ``geoaccess`` command line: run an analysis from a YAML file, build networks, demo.

Commands
--------
``geoaccess run CONFIG.yaml [--out DIR]``
    Read the network source, sites, areas and scenarios named in the configuration,
    compute the travel-time matrix, evaluate and compare the scenarios, and write the
    matrix, result tables (CSV, Excel), maps (PNG/SVG/PDF), the HTML report and an
    interactive map to the output folder; prints where. The configuration is checked in
    full before any work starts: an unknown key, a missing file or a bad value is
    reported in one message naming the key.
``geoaccess network build OSM_FILE --mode walk --out walk.npz``
    Build a network once and save it; a configuration can then name the ``.npz``.
``geoaccess demo --out DIR``
    The bundled Rutland demo: walk and drive networks, matrices, three illustrative
    scenarios compared, tables, maps and the report.

Options ``--quiet`` (errors only) and ``--verbose`` (debug logging, tracebacks) go before
the command. Exit codes: 0 success, 2 bad input or configuration, 1 unexpected error,
130 interrupted. Outputs are written to a staging folder inside the output folder and
moved into place only when complete, so an interrupted run leaves no half-written file.

Configuration (paths relative to the configuration file; ``{dataset: NAME}`` names a
bundled dataset, see :mod:`geoaccess.datasets`)::

    title: Family hubs review (illustrative)
    place: Rutland
    service: a centre                     # what is reached, with its article
    network:
      source: {dataset: rutland-osm}      # .osm.pbf/.osm/.osm.bz2, or a saved .npz
      modes: [walk]                       # the first mode drives maps and report
      speed_kmh: {walk: 4.8}              # optional overrides
      cache: networks                     # optional folder of built networks
    sites: {dataset: rutland-sites}       # or a path, or {path: ..., layer: ..., ...}
    areas:
      source: {dataset: rutland-lsoa}
      layer: lsoa21
      population: [children_0_4, children_5_15]
      origins: residential                # homes from the OSM file; or auto
    population: children_0_4
    scenarios:
      include_current: Current            # every site open in the role of its kind
      file: rutland_scenarios.csv         # CSV/Excel (a column per scenario) or YAML
    baseline: Current
    thresholds: [10, 15, 20, 30, 45, 60]
    equality: {by: [imd_decile, imd_quintile, ward], threshold: 15}
    outputs:
      folder: out/rutland
      tables: [csv, excel]
      maps: [png, pdf]
      report: true
      interactive: true

Examples
--------
>>> from geoaccess.cli import main
>>> main(["--version"])  # doctest: +SKIP
geoaccess 0.1.0
"""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GeoaccessError, InputError

__all__ = ["RunConfig", "load_config", "main", "run", "write_outputs"]

log = logging.getLogger("geoaccess")

_MODES = ("walk", "pushchair", "cycle", "drive")
_TABLE_FORMATS = ("csv", "excel")
_MAP_FORMATS = ("png", "svg", "pdf")
_OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.bz2")
_SITE_OPTIONS = {"id_column", "name_column", "kind_column", "capacity_column",
                 "sessions_column", "kind_map", "default_kind", "lat", "lon", "x", "y",
                 "crs", "layer", "encoding"}
_AREA_OPTIONS = {"population", "id_column", "imd_column", "lat", "lon", "x", "y", "crs",
                 "layer", "encoding"}


# ===================================================================== configuration
@dataclass
class RunConfig:
    """A validated ``geoaccess run`` configuration (paths resolved).

    Build one with :func:`load_config`; :func:`run` carries it out.
    """

    path: Path | None
    network_source: Path
    modes: list[str]
    speed_kmh: Any
    network_cache: Path | None
    max_snap_m: float | None
    sites: Path
    site_options: dict[str, Any]
    areas: Path
    area_options: dict[str, Any]
    origins: str
    population: str | None
    scenario_file: Path | None
    scenario_define: Any
    scenario_options: dict[str, Any]
    include_current: str | None
    baseline: str | None
    thresholds: list[float] | None
    tolerance_minutes: float
    title: str | None
    place: str | None
    service: str
    credits: list[str]
    data_sources: list[dict[str, str]]
    equality_by: list[str] | None
    equality_shares: Any
    equality_threshold: float | None
    out: Path
    write_matrix: bool
    tables: list[str]
    maps: list[str]
    dpi: int
    report: bool
    interactive: bool
    extra: dict[str, Any] = field(default_factory=dict)


class _Checker:
    """Collects every problem of a configuration, each naming its key."""

    def __init__(self, where: str, base: Path) -> None:
        self.where = where
        self.base = base
        self.problems: list[tuple[str, str]] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append((key, message))

    def keys(self, data: Any, key: str, allowed: Iterable[str], *, required: Iterable[str] = ()
             ) -> dict[str, Any]:
        label = key or "the top level"
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            self.add(key, f"{label} must be a mapping of keys, found {type(data).__name__}")
            return {}
        allowed = list(allowed)
        for k in data:
            if str(k) not in allowed:
                near = difflib.get_close_matches(str(k), allowed, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                full = f"{key}.{k}" if key else str(k)
                self.add(full, f"unknown key '{full}'{hint}; allowed keys "
                               f"{'under ' + repr(key) if key else 'at the top level'}: "
                               f"{', '.join(sorted(allowed))}")
        for r in required:
            if r not in data:
                full = f"{key}.{r}" if key else r
                self.add(full, f"missing key '{full}'")
        return {str(k): v for k, v in data.items()}

    def path(self, value: Any, key: str, *, must_exist: bool = True) -> Path | None:
        from . import datasets

        if isinstance(value, Mapping) and "dataset" in value:
            extra = sorted(set(map(str, value)) - {"dataset"})
            if extra:
                self.add(key, f"{key}: a dataset reference takes only 'dataset', found "
                              f"{extra}")
            name = str(value["dataset"])
            try:
                return datasets.get_path(name)
            except (ValueError, FileNotFoundError) as exc:
                self.add(f"{key}.dataset", f"{key}.dataset: {exc}")
                return None
        if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
            self.add(key, f"{key} must be a file path or {{dataset: NAME}}, found {value!r}")
            return None
        p = Path(os.path.expanduser(str(value)))
        if not p.is_absolute():
            p = (self.base / p).resolve()
        if must_exist and not p.exists():
            self.add(key, f"{key}: file not found: {value} (looked for {p})")
            return None
        return p

    def number(self, value: Any, key: str, *, positive: bool = True,
               minimum: float | None = None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(key, f"{key} must be a number, found {value!r}")
            return None
        v = float(value)
        if positive and not v > 0:
            self.add(key, f"{key} must be positive, found {value!r}")
            return None
        if minimum is not None and v < minimum:
            self.add(key, f"{key} must be at least {minimum:g}, found {value!r}")
            return None
        return v

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            self.add(key, f"{key} must be true or false, found {value!r}")
            return False
        return value

    def text(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.add(key, f"{key} must be text, found {value!r}")
            return None
        return str(value)

    def choices(self, value: Any, key: str, allowed: Sequence[str]) -> list[str]:
        if value is False or value is None:
            return []
        if value is True:
            return list(allowed)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            self.add(key, f"{key} must be a list among {list(allowed)}, found {value!r}")
            return []
        out = []
        for v in items:
            if str(v).lower() not in allowed:
                self.add(key, f"{key}: unknown value {v!r}; choose from {list(allowed)}")
            else:
                out.append(str(v).lower())
        return out

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        lines = [f"  - {m}" for _, m in self.problems]
        msg = (f"{self.where}: {len(self.problems)} problem"
               f"{'s' if len(self.problems) != 1 else ''} in the configuration:\n"
               + "\n".join(lines))
        raise InputError(msg, path=self.where, column=self.problems[0][0])


def _source(c: _Checker, value: Any, key: str, options: set[str]
            ) -> tuple[Path | None, dict[str, Any]]:
    """A source given as a path, {dataset: NAME} or {path/dataset/source: ..., options}."""
    if isinstance(value, Mapping) and not ("dataset" in value and len(value) == 1):
        data = c.keys(value, key, {"path", "source", "dataset"} | options)
        given = [k for k in ("path", "source", "dataset") if k in data]
        if len(given) != 1:
            c.add(key, f"{key} needs exactly one of 'path', 'source' or 'dataset'")
            return None, {}
        ref = {"dataset": data["dataset"]} if given[0] == "dataset" else data[given[0]]
        return c.path(ref, f"{key}.{given[0]}"), {k: v for k, v in data.items()
                                                  if k in options}
    return c.path(value, key), {}


def load_config(path: str | os.PathLike[str] | Mapping[str, Any], *,
                out: str | os.PathLike[str] | None = None) -> RunConfig:
    """Read and validate a ``geoaccess run`` configuration.

    Parameters
    ----------
    path : path-like or mapping
        The YAML file (read with ``yaml.safe_load``), or its content as a mapping
        (relative paths then resolve against the current folder).
    out : path-like, optional
        Output folder, overriding ``outputs.folder``.

    Returns
    -------
    RunConfig

    Raises
    ------
    InputError
        One message listing every problem, each naming its key (unknown keys, missing
        files, bad values).

    Examples
    --------
    >>> load_config({"network": {"source": {"dataset": "rutland-osm"}},
    ...              "sites": {"dataset": "rutland-sites"},
    ...              "areas": {"dataset": "rutland-lsoa"}, "thresholds": [15, 30],
    ...              "outputs": {"folder": "out"}}).thresholds
    [15.0, 30.0]
    >>> load_config({"netwrok": {}})
    Traceback (most recent call last):
    ...
    geoaccess.errors.InputError: <config>: 4 problems in the configuration:
      - unknown key 'netwrok' (did you mean 'network'?); allowed keys at the top level: ...
    """
    import yaml

    if isinstance(path, Mapping):
        data: Any = dict(path)
        where, base, cfg_path = "<config>", Path.cwd(), None
    else:
        cfg_path = Path(path)
        where = str(cfg_path)
        if not cfg_path.exists():
            raise InputError(f"{cfg_path}: configuration file not found", path=cfg_path)
        base = cfg_path.resolve().parent
        try:
            data = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise InputError(f"{cfg_path}: not valid YAML{at}: "
                             f"{getattr(exc, 'problem', exc)}", path=cfg_path) from None
        except UnicodeDecodeError:
            raise InputError(f"{cfg_path}: not a UTF-8 text file", path=cfg_path) from None
    c = _Checker(where, base)
    top = c.keys(data, "", ["title", "place", "service", "credits", "data_sources", "network",
                            "sites", "areas", "population", "scenarios", "baseline",
                            "thresholds", "tolerance_minutes", "equality", "outputs"],
                 required=["network", "sites", "areas"])
    # network
    net = c.keys(top.get("network"), "network",
                 ["source", "modes", "mode", "speed_kmh", "cache", "max_snap_m"],
                 required=["source"]) if "network" in top else {}
    source = c.path(net["source"], "network.source") if "source" in net else None
    if source is not None and not (str(source).lower().endswith(_OSM_SUFFIXES)
                                   or source.suffix == ".npz"):
        c.add("network.source", f"network.source: {source.name} is neither an OpenStreetMap "
                                "file (.osm.pbf, .osm, .osm.bz2) nor a saved network (.npz)")
    modes_raw = net.get("modes", net.get("mode", ["walk"]))
    if "modes" in net and "mode" in net:
        c.add("network.mode", "give network.modes or network.mode, not both")
    modes = [modes_raw] if isinstance(modes_raw, str) else modes_raw
    if not isinstance(modes, (list, tuple)) or not modes:
        c.add("network.modes", f"network.modes must list modes among {list(_MODES)}")
        modes = ["walk"]
    bad = [m for m in modes if m not in _MODES]
    if bad:
        c.add("network.modes", f"network.modes: unknown modes {bad}; choose from "
                               f"{list(_MODES)}")
    if source is not None and source.suffix == ".npz" and len(modes) > 1:
        c.add("network.modes", "a saved network (.npz) holds one mode; list only that mode")
    speed = net.get("speed_kmh")
    if speed is not None:
        if isinstance(speed, Mapping):
            for k, v in speed.items():
                if k not in _MODES:
                    c.add(f"network.speed_kmh.{k}", f"network.speed_kmh: unknown mode {k!r}")
                c.number(v, f"network.speed_kmh.{k}")
        else:
            c.number(speed, "network.speed_kmh")
    cache = None
    if net.get("cache") is not None:
        cache = c.path(net["cache"], "network.cache", must_exist=False)
    max_snap = (c.number(net["max_snap_m"], "network.max_snap_m")
                if "max_snap_m" in net else None)
    # sites and areas
    sites, site_opts = (_source(c, top["sites"], "sites", _SITE_OPTIONS)
                        if "sites" in top else (None, {}))
    areas_raw = top.get("areas")
    area_opts: dict[str, Any] = {}
    origins = "auto"
    areas = None
    if areas_raw is not None:
        if isinstance(areas_raw, Mapping) and "origins" in areas_raw:
            areas_raw = dict(areas_raw)
            origins = str(areas_raw.pop("origins"))
            if origins not in ("residential", "auto", "representative_point", "centroid"):
                c.add("areas.origins", f"areas.origins must be residential, auto, "
                                       f"representative_point or centroid, found {origins!r}")
        areas, area_opts = _source(c, areas_raw, "areas", _AREA_OPTIONS)
    if origins == "residential" and source is not None and source.suffix == ".npz":
        c.add("areas.origins", "areas.origins: residential needs an OpenStreetMap file as "
                               "network.source, not a saved network")
    population = c.text(top.get("population"), "population")
    # scenarios
    sc = c.keys(top.get("scenarios"), "scenarios",
                ["file", "define", "include_current", "sheet", "columns", "id_column"])
    scen_file = c.path(sc["file"], "scenarios.file") if "file" in sc else None
    define = sc.get("define")
    if define is not None and not isinstance(define, (Mapping, list)):
        c.add("scenarios.define", "scenarios.define must be a mapping of scenarios (as in a "
                                  "scenario YAML file)")
    inc = sc.get("include_current", "Current" if not sc.get("file") and define is None
                 else None)
    include = ("Current" if inc is True else None if inc in (False, None)
               else c.text(inc, "scenarios.include_current"))
    scen_opts: dict[str, Any] = {k: sc[k] for k in ("sheet", "id_column") if k in sc}
    if "columns" in sc:
        scen_opts["scenarios"] = sc["columns"]
    baseline = c.text(top.get("baseline"), "baseline")
    thresholds = None
    if "thresholds" in top:
        th = top["thresholds"]
        if not isinstance(th, (list, tuple)) or not th:
            c.add("thresholds", f"thresholds must be a list of minutes, found {th!r}")
        else:
            vals = [c.number(t, "thresholds") for t in th]
            thresholds = [v for v in vals if v is not None]
    tol = (c.number(top["tolerance_minutes"], "tolerance_minutes", positive=False,
                    minimum=0) if "tolerance_minutes" in top else 0.0) or 0.0
    eqc = c.keys(top.get("equality"), "equality", ["by", "shares", "threshold"])
    by = eqc.get("by")
    if by is not None:
        by = [by] if isinstance(by, str) else by
        if not isinstance(by, list) or not all(isinstance(b, str) for b in by):
            c.add("equality.by", "equality.by must be a list of column names")
            by = None
    eq_thr = (c.number(eqc["threshold"], "equality.threshold") if "threshold" in eqc
              else None)
    if eq_thr is not None and thresholds is not None and eq_thr not in thresholds:
        c.add("equality.threshold", f"equality.threshold {eq_thr:g} is not among the "
                                    f"thresholds {thresholds}")
    credits_raw = top.get("credits") or []
    credits = [credits_raw] if isinstance(credits_raw, str) else credits_raw
    if not isinstance(credits, list):
        c.add("credits", "credits must be text or a list of text")
        credits = []
    sources_raw = top.get("data_sources") or []
    data_sources = []
    if not isinstance(sources_raw, list):
        c.add("data_sources", "data_sources must be a list of {name, source, licence, "
                              "attribution}")
    else:
        for i, s in enumerate(sources_raw):
            d = c.keys(s, f"data_sources[{i}]", ["name", "source", "licence", "attribution"],
                       required=["name", "source", "licence"])
            data_sources.append({k: str(v) for k, v in d.items()})
    # outputs
    outs = c.keys(top.get("outputs"), "outputs",
                  ["folder", "matrix", "tables", "maps", "dpi", "report", "interactive"])
    folder_raw = out if out is not None else outs.get("folder", "geoaccess-output")
    folder = Path(os.path.expanduser(str(folder_raw)))
    if out is None and not folder.is_absolute():
        folder = (base / folder).resolve()
    if folder.exists() and not folder.is_dir():
        c.add("outputs.folder", f"outputs.folder: {folder} exists and is not a folder")
    tables = c.choices(outs.get("tables", ["csv", "excel"]), "outputs.tables", _TABLE_FORMATS)
    maps = c.choices(outs.get("maps", ["png", "pdf"]), "outputs.maps", _MAP_FORMATS)
    dpi = outs.get("dpi", 300)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 30 <= dpi <= 1200:
        c.add("outputs.dpi", f"outputs.dpi must be a whole number from 30 to 1200, found "
                             f"{dpi!r}")
        dpi = 300
    flags = {k: c.boolean(outs[k], f"outputs.{k}") if k in outs else True
             for k in ("matrix", "report", "interactive")}
    for key in ("title", "place", "service"):
        c.text(top.get(key), key)
    c.raise_if_any()
    if source is None or sites is None or areas is None:  # pragma: no cover - reported above
        raise InputError(f"{where}: network.source, sites and areas are required", path=where)
    return RunConfig(
        path=cfg_path, network_source=source, modes=list(modes), speed_kmh=speed,
        network_cache=cache, max_snap_m=max_snap, sites=sites, site_options=site_opts,
        areas=areas, area_options=area_opts, origins=origins, population=population,
        scenario_file=scen_file, scenario_define=define, scenario_options=scen_opts,
        include_current=include, baseline=baseline, thresholds=thresholds,
        tolerance_minutes=float(tol), title=c.text(top.get("title"), "title"),
        place=c.text(top.get("place"), "place"),
        service=c.text(top.get("service"), "service") or "an open site",
        credits=[str(x) for x in credits], data_sources=data_sources, equality_by=by,
        equality_shares=eqc.get("shares"), equality_threshold=eq_thr, out=folder,
        write_matrix=flags["matrix"], tables=tables, maps=maps, dpi=int(dpi),
        report=flags["report"], interactive=flags["interactive"])


# ============================================================================ staging
class _Staging:
    """Write into a hidden folder inside ``out``; move files into place when complete."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.dir: Path | None = None

    def __enter__(self) -> _Staging:
        import tempfile

        self.out.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=".geoaccess-staging-", dir=self.out))
        return self

    def _root(self) -> Path:
        if self.dir is None:  # pragma: no cover - used outside the with block
            raise RuntimeError("staging folder used outside its with block")
        return self.dir

    def path(self, name: str) -> Path:
        p = self._root() / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def folder(self, name: str) -> Path:
        p = self._root() / name
        p.mkdir(parents=True, exist_ok=True)
        return p

    def commit(self, written: Mapping[str, Path]) -> dict[str, Path]:
        self._root()
        final: dict[str, Path] = {}
        for key, p in written.items():
            rel = Path(p).relative_to(self._root())
            target = self.out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(p, target)
            final[key] = target
        return final

    def __exit__(self, *exc: Any) -> None:
        if self.dir is not None and self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)


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
    baseline: str | None = None,
    population: str | None = None,
    thresholds: Sequence[float] | None = None,
    tolerance_minutes: float = 0.0,
    title: str | None = None,
    place: str | None = None,
    service: str = "an open site",
    credits: Sequence[str] = (),
    data_sources: Sequence[Any] = (),
    equality_by: Sequence[str] | None = None,
    equality_shares: Any = None,
    equality_threshold: float | None = None,
    write_matrix: bool = True,
    tables: Sequence[str] = ("csv", "excel"),
    maps: Sequence[str] = ("png", "pdf"),
    dpi: int = 300,
    report: bool = True,
    interactive: bool = True,
    extra_tables: Mapping[str, Any] | None = None,
    progress: bool = False,
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
    population, thresholds, tolerance_minutes
        As in :func:`geoaccess.evaluate` and :func:`geoaccess.compare`.
    title, place, service, credits, data_sources
        Words of the report and maps (see :func:`geoaccess.render_report`).
    equality_by, equality_shares, equality_threshold
        Breakdowns, share columns and the threshold quoted (see
        :func:`geoaccess.equality.eia_tables`).
    write_matrix, tables, maps, dpi, report, interactive
        Which outputs to write: the matrices (Parquet), tables (``"csv"``,
        ``"excel"``), map formats (``"png"``, ``"svg"``, ``"pdf"``) at ``dpi``, the
        HTML report, the folium map.
    extra_tables : mapping, optional
        Name → DataFrame written as ``<name>.csv``.
    progress : bool
        Show a progress bar over the steps.

    Returns
    -------
    dict
        Output name → path, in the order written.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import pandas as pd
    from tqdm.auto import tqdm

    from . import equality as eq
    from . import plot as gp
    from .evaluate import compare, evaluate
    from .report import DataSource, write_report

    out = Path(out)
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
             + (["interactive"] if interactive else []))
    bar = tqdm(total=len(steps), desc="outputs", unit="step", disable=not progress,
               leave=False)
    written: dict[str, Path] = {}
    credit_text = list(credits)

    def step(name: str) -> None:
        bar.set_description(name)
        log.debug("step: %s", name)

    with _Staging(out) as st:
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
        lab = gp._default_threshold(res) if eq_thr is None else float(eq_thr)
        band_ts = sorted({10.0, 15.0, 20.0} | ({lab} if lab is not None else set()))
        band_ts = [t for t in band_ts if t <= 60]
        bands: dict[str, Any] = {}

        def bands_of(name: str) -> Any:
            if net is None:
                return None
            if name not in bands:
                bands[name] = gp.service_areas(net, sites, res.scenarios[name],
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
        p = st.path("scenario_summary.csv")
        summary.to_csv(p, index=False)
        written["scenario_summary"] = p
        p = st.path("scenario_areas.csv")
        res.areas.to_csv(p, index=False)
        written["scenario_areas"] = p
        if comp is not None:
            p = st.path("change_areas.csv")
            comp.areas.to_csv(p, index=False)
            written["change_areas"] = p
        from .scenario import write_scenarios

        written["scenarios"] = write_scenarios(scenarios, st.path("scenarios.csv"), sites)
        eia = eq.eia_tables(comp if comp is not None else res, areas, by=equality_by,
                            shares=equality_shares, threshold=eq_thr, place=place,
                            service=service)
        for name, frame in (extra_tables or {}).items():
            p = st.path(f"{name}.csv")
            frame.to_csv(p, index=False)
            written[name] = p
        if "excel" in tables:
            written["results_excel"] = (comp or res).to_excel(st.path("results.xlsx"))
            written["eia_excel"] = eq.to_excel(eia, st.path("eia_tables.xlsx"))
        if "csv" in tables:
            for name, p in eq.to_csv(eia, st.folder("eia_tables")).items():
                written[f"eia_{name}"] = p
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

            save(gp.plot_scenarios(res, areas, sites=sites, credits=credit_text,
                                   threshold=thr, ncols=min(len(names), 3)),
                 "minutes_all_scenarios", "map_minutes_all")
            if comp is not None:
                for name in comp.scenario_names:
                    save(gp.plot_scenarios(res, areas, [base, name], sites=sites,
                                           credits=credit_text, threshold=thr),
                         f"before_after_{slugs[name]}", f"map_before_after_{slugs[name]}")
                    fig, ax = plt.subplots(figsize=(9, 7.5), layout="constrained")
                    gp.plot_change(comp, areas, name, sites=sites, threshold=thr, ax=ax,
                                   credits=credit_text)
                    save(fig, f"change_{slugs[name]}", f"map_change_{slugs[name]}")
            if net is not None:
                for name in names:
                    fig, ax = plt.subplots(figsize=(9, 7.5), layout="constrained")
                    gp.plot_service_areas(net, sites, res.scenarios[name], areas=areas, ax=ax,
                                          credits=credit_text, bands=bands_of(name))
                    save(fig, f"service_areas_{slugs[name]}", f"map_service_{slugs[name]}")
            if "imd_decile" in areas.columns:
                fig, ax = plt.subplots(figsize=(9, 4.8), layout="constrained")
                gp.plot_equality(res, areas, threshold=thr, ax=ax)
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
                title=title, place=place, service=service, threshold=eq_thr,
                by=equality_by, shares=equality_shares, credits=credit_text,
                data_sources=sources,
                service_bands={n: bands_of(n) for n in names} if net is not None else None)
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
        bar.close()
        return st.commit(written)


# ================================================================================ run
def _network(cfg: RunConfig, mode: str) -> Any:
    from .network import Network, _sha256

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
                if net.provenance.get("sha256") == _sha256(src):
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


def _read_inputs(cfg: RunConfig) -> tuple[Any, Any, list[Any]]:
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
    return sites, areas, scenarios


def run(cfg: RunConfig, *, progress: bool = True) -> dict[str, Path]:
    """Carry out a validated configuration; returns output name → path.

    Inputs are read and checked (sites, areas, scenarios) before networks are built.
    """
    from .io import set_origins
    from .origins import residential_origins
    from .travel import travel_times

    sites, areas, scenarios = _read_inputs(cfg)
    if cfg.origins == "residential":
        areas = set_origins(areas, residential_origins(areas, cfg.network_source))
    networks, matrices = {}, {}
    for mode in cfg.modes:
        networks[mode] = _network(cfg, mode)
        matrices[mode] = travel_times(networks[mode], sites, areas, progress=progress,
                                      max_snap_m=cfg.max_snap_m)
    return write_outputs(
        cfg.out, sites=sites, areas=areas, matrices=matrices, networks=networks,
        scenarios=scenarios, baseline=cfg.baseline, population=cfg.population,
        thresholds=cfg.thresholds, tolerance_minutes=cfg.tolerance_minutes, title=cfg.title,
        place=cfg.place, service=cfg.service, credits=cfg.credits,
        data_sources=cfg.data_sources, equality_by=cfg.equality_by,
        equality_shares=cfg.equality_shares, equality_threshold=cfg.equality_threshold,
        write_matrix=cfg.write_matrix, tables=cfg.tables, maps=cfg.maps, dpi=cfg.dpi,
        report=cfg.report, interactive=cfg.interactive, progress=progress)


# ================================================================================ CLI
def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="geoaccess",
        description="Network travel-time access to family hubs and children's centres: "
                    "scenarios, equality impact, maps and reports.",
        epilog="Exit codes: 0 success, 2 bad input or configuration, 1 unexpected error, "
               "130 interrupted.")
    parser.add_argument("--version", action="version", version=f"geoaccess {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true",
                           help="print errors only (no progress bars)")
    verbosity.add_argument("-v", "--verbose", action="store_true",
                           help="debug logging, and tracebacks on unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run_p = sub.add_parser("run", help="run an analysis described by a YAML file",
                           description="Run an analysis described by a YAML configuration "
                                       "(see examples/rutland.yaml).")
    run_p.add_argument("config", help="the YAML configuration file")
    run_p.add_argument("--out", default=None, help="output folder (overrides outputs.folder)")
    run_p.add_argument("--check", action="store_true",
                       help="only validate the configuration and the input files")

    demo = sub.add_parser("demo", help="run the bundled Rutland demo")
    demo.add_argument("--out", default="out", help="output folder (default: out)")

    network = sub.add_parser("network", help="network tools")
    nsub = network.add_subparsers(dest="network_command", required=True, metavar="ACTION")
    build = nsub.add_parser("build", help="build a network from an OSM file and save it")
    build.add_argument("osm", help=".osm.pbf, .osm or .osm.bz2 file")
    build.add_argument("--mode", default="walk", choices=list(_MODES))
    build.add_argument("--out", required=True, help="output .npz file")
    build.add_argument("--speed-kmh", type=float, default=None, help="override the speed")
    return parser


def _print_written(written: Mapping[str, Path], out: Path, quiet: bool,
                   echo: Callable[[str], None]) -> None:
    for name, path in written.items():
        log.debug("  %-32s %s", name, path)
    if quiet:
        return
    out = out.resolve()
    key = {"report": "report", "interactive_map": "interactive map",
           "eia_excel": "EIA tables (Excel)", "results_excel": "results (Excel)"}
    echo(f"geoaccess: {len(written)} files written to {out}")
    for k, label in key.items():
        if k in written:
            echo(f"  {label:<20} {written[k]}")
    n_maps = sum(1 for k in written if k.startswith(("map_", "chart_")))
    if n_maps:
        echo(f"  {'maps and charts':<20} {n_maps} files in {out / 'maps'}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    level = logging.ERROR if args.quiet else logging.DEBUG if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s",
                        force=True)
    logging.getLogger("geoaccess").setLevel(level)
    for noisy in ("matplotlib", "PIL", "fiona", "pyogrio", "urllib3"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))

    def echo(text: str) -> None:
        print(text)

    try:
        if args.command == "run":
            cfg = load_config(args.config, out=args.out)
            if args.check:
                _read_inputs(cfg)
                if not args.quiet:
                    echo(f"{args.config}: configuration and inputs are valid")
                return 0
            written = run(cfg, progress=not args.quiet)
            _print_written(written, cfg.out, args.quiet, echo)
            return 0
        if args.command == "demo":
            from .demo import run_demo

            written = run_demo(args.out, progress=not args.quiet)
            _print_written(written, Path(args.out), args.quiet, echo)
            return 0
        if args.command == "network" and args.network_command == "build":
            from .network import Network

            osm = Path(args.osm)
            if not osm.exists():
                raise InputError(f"{osm}: file not found", path=osm)
            if not str(args.out).endswith(".npz"):
                raise InputError(f"--out {args.out}: a network is saved as a .npz file",
                                 path=args.out)
            net = Network.from_osm_file(osm, mode=args.mode, speed_kmh=args.speed_kmh)
            path = net.save(args.out)
            if not args.quiet:
                echo(f"{net!r} saved to {path}")
            return 0
    except GeoaccessError as exc:
        log.error("%s", exc)
        return 2
    except KeyboardInterrupt:
        log.error("interrupted; no partial outputs were left")
        return 130
    except Exception as exc:
        if args.verbose:
            log.exception("unexpected error")
        else:
            log.error("unexpected error: %s: %s (rerun with --verbose for the traceback)",
                      type(exc).__name__, exc)
        return 1
    return 1  # pragma: no cover - argparse requires a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
