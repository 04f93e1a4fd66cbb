"""The YAML configuration of a run, read and checked in full before any work starts.

An unknown key, a missing file or a bad value is reported in one message naming the key.
The keys are described in :mod:`geoaccess.cli`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ._yaml import load_yaml, short
from .errors import InputError

__all__ = ["OutputSettings", "RunConfig", "TransitConfig", "load_config"]

log = logging.getLogger(__name__)

#: Street modes a configuration may list, and the formats of tables and maps.
MODES = ("walk", "pushchair", "cycle", "drive")
TABLE_FORMATS = ("csv", "excel")
MAP_FORMATS = ("png", "svg", "pdf")
_OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.bz2")
_SITE_OPTIONS = {"id_column", "name_column", "kind_column", "capacity_column",
                 "sessions_column", "kind_map", "default_kind", "lat", "lon", "x", "y",
                 "crs", "layer", "encoding"}
_AREA_OPTIONS = {"population", "id_column", "imd_column", "lat", "lon", "x", "y", "crs",
                 "layer", "encoding"}


#: The public transport mode: GTFS timetables (the ``transit`` section) and walking.
TRANSIT_MODE = "transit"
_TRANSIT_KEYS = ("gtfs", "date", "arrive_by", "departure_window", "max_walk_minutes",
                 "max_transfers", "max_trip_minutes", "percentile")
_CLOCK = re.compile(r"^\d{1,2}:[0-5]\d$")

#: Largest number of minutes a threshold or tolerance may be (a day).
MAX_MINUTES = 24 * 60.0
#: Fastest speed a mode may be given (no street mode is faster).
MAX_SPEED_KMH = 200.0
#: Furthest a point may be snapped to the network.
MAX_SNAP_M = 20_000.0
#: Where journeys start (``areas.origins``): ``homes`` spreads each area's children over its
#: homes (OSM buildings, plus a grid on residential land they do not cover:
#: :func:`geoaccess.build_origins`); ``grid`` a 100 m grid on residential land; one point per
#: area at its homes (``residential``), at a point given in the file or inside the polygon
#: (``auto``), at its representative point or centroid.
ORIGIN_CHOICES = ("homes", "grid", "residential", "auto", "representative_point", "centroid")
#: At most this many problems are listed in one message.
MAX_PROBLEMS = 25


# ===================================================================== configuration
@dataclass
class OutputSettings:
    """What a run computes and writes, beyond its inputs: one object instead of a keyword relay.

    :func:`geoaccess.pipeline.write_outputs` takes one (``settings=``); its fields can also be
    given one by one as keywords, which override the object's.

    Examples
    --------
    >>> OutputSettings(thresholds=[15, 30], maps=["png"]).report
    True
    """

    baseline: str | None = None
    population: str | None = None
    thresholds: Sequence[float] | None = None
    tolerance_minutes: float = 0.0
    title: str | None = None
    place: str | None = None
    service: str = "an open site"
    credits: Sequence[str] = ()
    data_sources: Sequence[Any] = ()
    equality_by: Sequence[str] | None = None
    equality_shares: Any = None
    equality_threshold: float | None = None
    write_matrix: bool = True
    tables: Sequence[str] = ("csv", "excel")
    maps: Sequence[str] = ("png", "pdf")
    dpi: int = 300
    report: bool = True
    interactive: bool = True
    explorer: bool = True
    screenshots: bool = False


@dataclass
class TransitConfig:
    """The ``transit`` section: public transport by GTFS timetables and the walking network.

    Examples
    --------
    >>> TransitConfig(gtfs=[], date="2019-05-13", arrive_by="09:30").departure_window is None
    True
    """

    gtfs: list[Path]
    date: str
    arrive_by: str | None = None
    departure_window: tuple[str, str] | None = None
    max_walk_minutes: float = 20.0
    max_transfers: int = 3
    max_trip_minutes: float = 120.0
    percentile: float = 50.0


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
    explorer: bool = True
    screenshots: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: access standards (name → rule text) evaluated over every mode's matrix
    standard: dict[str, str] = field(default_factory=dict)
    transit: TransitConfig | None = None

    def output_settings(self) -> OutputSettings:
        """The fields of this configuration that say what to compute and write."""
        names = [f.name for f in fields(OutputSettings)]
        return OutputSettings(**{n: getattr(self, n) for n in names})


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
            self.add(key, f"{key} must be a file path or {{dataset: NAME}}, found {short(value)}")
            return None
        p = Path(os.path.expanduser(str(value)))
        if not p.is_absolute():
            p = (self.base / p).resolve()
        if must_exist and not p.exists():
            self.add(key, f"{key}: file not found: {value} (looked for {p})")
            return None
        return p

    def number(self, value: Any, key: str, *, positive: bool = True,
               minimum: float | None = None, maximum: float | None = None,
               unit: str = "") -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(key, f"{key} must be a number, found {short(value)}")
            return None
        try:
            v = float(value)
        except OverflowError:
            v = math.inf
        if not math.isfinite(v):
            self.add(key, f"{key} must be a finite number, found {short(value)}")
            return None
        if maximum is not None and v > maximum:
            self.add(key, f"{key} must be at most {maximum:g}{unit}, found {short(value)}")
            return None
        if positive and not v > 0:
            self.add(key, f"{key} must be positive, found {short(value)}")
            return None
        if minimum is not None and v < minimum:
            self.add(key, f"{key} must be at least {minimum:g}, found {short(value)}")
            return None
        return v

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            self.add(key, f"{key} must be true or false, found {short(value)}")
            return False
        return value

    def text(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.add(key, f"{key} must be text, found {short(value)}")
            return None
        return str(value)

    def choices(self, value: Any, key: str, allowed: Sequence[str]) -> list[str]:
        if value is False or value is None:
            return []
        if value is True:
            return list(allowed)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            self.add(key, f"{key} must be a list among {list(allowed)}, found {short(value)}")
            return []
        out = []
        for v in items:
            if str(v).lower() not in allowed:
                self.add(key, f"{key}: unknown value {short(v)}; choose from {list(allowed)}")
            else:
                out.append(str(v).lower())
        return out

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        lines = [f"  - {m[:300]}" for _, m in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            lines.append(f"  - ... and {len(self.problems) - MAX_PROBLEMS} more")
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


def _clock(c: _Checker, value: Any, key: str) -> str | None:
    """A time of day ``"HH:MM"``; YAML reads an unquoted 10:00 as the number 600."""
    if isinstance(value, int) and not isinstance(value, bool):
        c.add(key, f"{key}: {value} is not a time of day; write times in quotes, e.g. "
                   "\"09:30\" (YAML reads an unquoted 10:00 as the number 600)")
        return None
    if not isinstance(value, str) or not _CLOCK.match(value.strip()):
        c.add(key, f"{key} must be a time of day such as \"09:30\", found {short(value)}")
        return None
    return value.strip()


def _transit(c: _Checker, data: Any, modes: list[str]) -> TransitConfig | None:
    """The ``transit`` section, checked; ``transit`` is added to ``modes`` if missing."""
    if data is None:
        if TRANSIT_MODE in modes:
            c.add("transit", "network.modes lists transit: add a 'transit' section with "
                             "at least 'gtfs' (timetable files) and 'date'")
        return None
    t = c.keys(data, "transit", _TRANSIT_KEYS, required=["gtfs", "date"])
    if not t:
        return None
    if TRANSIT_MODE not in modes:
        modes.append(TRANSIT_MODE)
    raw = t.get("gtfs", [])
    items = [raw] if isinstance(raw, (str, Mapping)) else raw
    feeds: list[Path] = []
    if not isinstance(items, list) or not items:
        c.add("transit.gtfs", "transit.gtfs must be a GTFS file (.zip or folder) or a list "
                              f"of them, found {short(raw)}")
        items = []
    for i, item in enumerate(items):
        key = "transit.gtfs" if len(items) == 1 else f"transit.gtfs[{i}]"
        p = c.path(item, key)
        if p is not None:
            feeds.append(p)
    date = t.get("date")
    day = None
    if "date" in t:
        if isinstance(date, dt.date):
            day = date.isoformat()
        elif isinstance(date, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", date.strip()):
            try:
                day = dt.date.fromisoformat(date.strip()).isoformat()
            except ValueError:
                day = None
        if day is None:
            c.add("transit.date", f"transit.date must be a date such as 2019-05-13 (a "
                                  f"school-term weekday in the timetables), found {short(date)}")
    arrive = _clock(c, t["arrive_by"], "transit.arrive_by") if "arrive_by" in t else None
    window = None
    if "departure_window" in t:
        w = t["departure_window"]
        if not isinstance(w, list) or len(w) != 2:
            c.add("transit.departure_window", "transit.departure_window must be two times, "
                                              f"e.g. [\"07:00\", \"10:00\"], found {short(w)}")
        else:
            ends = [_clock(c, v, "transit.departure_window") for v in w]
            if ends[0] is not None and ends[1] is not None:
                window = (ends[0], ends[1])
        if "arrive_by" in t:
            c.add("transit.arrive_by", "give transit.arrive_by (arrive by a time) or "
                                       "transit.departure_window (leave in a window), not both")
    minutes = {}
    for key, default in (("max_walk_minutes", 20.0), ("max_trip_minutes", 120.0)):
        v = (c.number(t[key], f"transit.{key}", maximum=MAX_MINUTES, unit=" minutes")
             if key in t else default)
        minutes[key] = default if v is None else v
    xfers = t.get("max_transfers", 3)
    if isinstance(xfers, bool) or not isinstance(xfers, int) or not 0 <= xfers <= 10:
        c.add("transit.max_transfers", "transit.max_transfers must be a whole number from 0 "
                                       f"to 10, found {short(xfers)}")
        xfers = 3
    pct = (c.number(t["percentile"], "transit.percentile", positive=False, minimum=0,
                    maximum=100) if "percentile" in t else 50.0)
    return TransitConfig(gtfs=feeds, date=day or "", arrive_by=arrive, departure_window=window,
                         max_walk_minutes=minutes["max_walk_minutes"], max_transfers=xfers,
                         max_trip_minutes=minutes["max_trip_minutes"],
                         percentile=50.0 if pct is None else pct)


def load_config(path: str | os.PathLike[str] | Mapping[str, Any], *,
                out: str | os.PathLike[str] | None = None,
                sections: Sequence[str] = ()) -> RunConfig:
    """Read and validate a ``geoaccess run`` configuration.

    Parameters
    ----------
    path : path-like or mapping
        The YAML file (read with ``yaml.safe_load``), or its content as a mapping
        (relative paths then resolve against the current folder).
    out : path-like, optional
        Output folder, overriding ``outputs.folder``.
    sections : sequence of str
        Further top-level keys allowed, returned unchecked in ``RunConfig.extra`` for the
        caller to check (``geoaccess national`` reads its ``national`` section so).

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
    if isinstance(path, Mapping):
        data: Any = dict(path)
        where, base, cfg_path = "<config>", Path.cwd(), None
    else:
        cfg_path = Path(path)
        where = str(cfg_path)
        if not cfg_path.exists():
            raise InputError(f"{cfg_path}: configuration file not found", path=cfg_path)
        base = cfg_path.resolve().parent
        data = load_yaml(cfg_path)
    c = _Checker(where, base)
    top = c.keys(data, "", ["title", "place", "service", "credits", "data_sources", "network",
                            "sites", "areas", "population", "scenarios", "baseline",
                            "thresholds", "tolerance_minutes", "equality", "outputs",
                            "standard", "transit", *sections],
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
        c.add("network.modes", f"network.modes must list modes among {list(MODES)}")
        modes = ["walk"]
    bad = [m for m in modes if m not in (*MODES, TRANSIT_MODE)]
    if bad:
        c.add("network.modes", f"network.modes: unknown modes {bad}; choose from "
                               f"{[*MODES, TRANSIT_MODE]}")
    modes = list(modes)
    transit = _transit(c, top.get("transit"), modes)
    street = [m for m in modes if m != TRANSIT_MODE]
    if source is not None and source.suffix == ".npz" and len(street) > 1:
        c.add("network.modes", "a saved network (.npz) holds one mode; list only that mode")
    speed = net.get("speed_kmh")
    if speed is not None:
        if isinstance(speed, Mapping):
            for k, v in speed.items():
                if k not in MODES:
                    c.add(f"network.speed_kmh.{k}", f"network.speed_kmh: unknown mode {short(k)}")
                c.number(v, f"network.speed_kmh.{k}", maximum=MAX_SPEED_KMH, unit=" km/h")
        else:
            c.number(speed, "network.speed_kmh", maximum=MAX_SPEED_KMH, unit=" km/h")
    cache = None
    if net.get("cache") is not None:
        cache = c.path(net["cache"], "network.cache", must_exist=False)
    max_snap = (c.number(net["max_snap_m"], "network.max_snap_m", maximum=MAX_SNAP_M, unit=" m")
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
            if origins not in ORIGIN_CHOICES:
                c.add("areas.origins", f"areas.origins must be one of {list(ORIGIN_CHOICES)}, "
                                       f"found {short(origins)}")
        areas, area_opts = _source(c, areas_raw, "areas", _AREA_OPTIONS)
    if (origins in ("residential", "homes", "grid") and source is not None
            and source.suffix == ".npz"):
        c.add("areas.origins", f"areas.origins: {origins} needs an OpenStreetMap file as "
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
            c.add("thresholds", f"thresholds must be a list of minutes, found {short(th)}")
        else:
            vals = [c.number(t, "thresholds", maximum=MAX_MINUTES, unit=" minutes") for t in th]
            thresholds = [v for v in vals if v is not None]
    tol = (c.number(top["tolerance_minutes"], "tolerance_minutes", positive=False,
                    maximum=MAX_MINUTES, unit=" minutes",
                    minimum=0) if "tolerance_minutes" in top else 0.0) or 0.0
    eqc = c.keys(top.get("equality"), "equality", ["by", "shares", "threshold"])
    by = eqc.get("by")
    if by is not None:
        by = [by] if isinstance(by, str) else by
        if not isinstance(by, list) or not all(isinstance(b, str) for b in by):
            c.add("equality.by", "equality.by must be a list of column names")
            by = None
    eq_thr = (c.number(eqc["threshold"], "equality.threshold", maximum=MAX_MINUTES,
                        unit=" minutes") if "threshold" in eqc
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
                  ["folder", "matrix", "tables", "maps", "dpi", "report", "interactive",
                   "explorer", "screenshots"])
    folder_raw = out if out is not None else outs.get("folder", "geoaccess-output")
    folder = Path(os.path.expanduser(str(folder_raw)))
    if out is None and not folder.is_absolute():
        folder = (base / folder).resolve()
    if folder.exists() and not folder.is_dir():
        c.add("outputs.folder", f"outputs.folder: {folder} exists and is not a folder")
    tables = c.choices(outs.get("tables", ["csv", "excel"]), "outputs.tables", TABLE_FORMATS)
    maps = c.choices(outs.get("maps", ["png", "pdf"]), "outputs.maps", MAP_FORMATS)
    dpi = outs.get("dpi", 300)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 30 <= dpi <= 1200:
        c.add("outputs.dpi", f"outputs.dpi must be a whole number from 30 to 1200, found "
                             f"{dpi!r}")
        dpi = 300
    flags = {k: c.boolean(outs[k], f"outputs.{k}") if k in outs else k != "screenshots"
             for k in ("matrix", "report", "interactive", "explorer", "screenshots")}
    for key in ("title", "place", "service"):
        c.text(top.get(key), key)
    standard = _standards(c, top.get("standard"), modes)  # transit joins modes with its section
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
        report=flags["report"], interactive=flags["interactive"], explorer=flags["explorer"],
        screenshots=flags["screenshots"], extra={k: top[k] for k in sections if k in top},
        standard=standard, transit=transit)


def _standards(c: _Checker, value: Any, modes: list[str]) -> dict[str, str]:
    """``standard:``: one rule's text, or a mapping name → text; each mode it names run."""
    from .measures import AccessRule

    if value is None:
        return {}
    items = {"standard": value} if isinstance(value, str) else value
    if not isinstance(items, Mapping) or not items:
        c.add("standard", "standard must be a rule in words (e.g. 'a centre within 15 "
                          "minutes on foot or 10 by car') or a mapping name → rule")
        return {}
    out: dict[str, str] = {}
    for name, text in items.items():
        key = "standard" if isinstance(value, str) else f"standard.{name}"
        if not isinstance(text, str) or not str(name).replace("_", "").isalnum():
            c.add(key, f"{key}: give a name of letters, digits and _ and a rule in words, "
                       f"found {short(name)}: {short(text)}")
            continue
        try:
            rule = AccessRule.parse(text)
        except InputError as exc:
            c.add(key, f"{key}: {exc}")
            continue
        missing = [m for m in rule.named_modes if m not in modes]
        if missing:
            c.add(key, f"{key}: the rule names travel by {', '.join(missing)}, which the run "
                       f"does not compute; add it to network.modes (modes: {modes})")
            continue
        out[str(name)] = text
    return out

