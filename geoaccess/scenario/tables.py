"""Scenario tables and files: read, check and write the options a council is considering.

Councils write their options as one table, a row per site and a column per option, with
the site's role in each cell and blank where it closes, or as YAML.
:func:`read_scenarios` reads either (or their in-memory forms), checks them against the
sites and reports every problem at once; :func:`write_scenarios` writes them back, and
:func:`scenario_table` lays several side by side.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"site_id": ["S1", "S2"], "Current": ["hub", "centre"],
...                       "Close S2": ["hub", ""]})
>>> [s.describe() for s in read_scenarios(table, ["S1", "S2"])]
['2 open sites: 1 hub, 1 centre', '1 open site: 1 hub']
"""

from __future__ import annotations

import csv
import io as _io
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._fs import atomic_write_text, write_csv, write_excel
from .._validate import Problems, show_ids
from .._yaml import load_yaml
from ..errors import InputError
from .model import (
    ROLES,
    Scenario,
    norm_cell,
    role_lookup,
    site_kinds,
    site_values,
)

__all__ = ["read_scenarios", "scenario_table", "validate_scenarios", "write_scenarios"]

log = logging.getLogger("geoaccess.scenario")

#: Cell values of a scenario table that mean "closed in this scenario".
_CLOSED_WORDS = frozenset({"", "closed", "close", "closes", "closure", "no", "n", "0",
                           "false", "-", "\u2013", "\u2014", "none", "shut", "nan"})
#: Cell values that mean "open, in the role given by the site's kind".
_OPEN_WORDS = frozenset({"open", "opens", "yes", "y", "x", "\u2713", "\u2714", "1", "true",
                         "keep", "kept", "retain", "retained", "stays", "stay open"})
#: Columns of a scenario table that describe sites rather than being scenarios.
_DESCRIPTIVE = frozenset({
    "name", "site_name", "kind", "site_kind", "type", "site_type", "category", "capacity",
    "places", "sessions_per_week", "sessions", "notes", "note", "comment", "comments",
    "address", "postcode", "post_code", "ward", "locality", "lat", "lon", "lng",
    "latitude", "longitude", "easting", "northing", "x", "y", "description", "urn",
    "osm_id", "osm_amenity", "running_cost", "closure_cost", "opening_cost",
})
_YAML_SUFFIXES = {".yaml", ".yml"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_CSV_SUFFIXES = {".csv", ".tsv", ".txt"}


# ----------------------------------------------------------------------- validation
def validate_scenarios(
    scenarios: Iterable[Scenario],
    sites: Any,
    *,
    roles: Sequence[str] | None = ROLES,
    where: str = "<scenarios>",
    path: str | None = None,
) -> list[Scenario]:
    """Check scenarios against the sites; raise one :class:`InputError` listing every problem.

    Problems found: a scenario naming a site that is not in ``sites``, a role that is
    not one of ``roles``, a scenario with no open site, two scenarios with one name.

    Parameters
    ----------
    scenarios : iterable of Scenario
    sites : pandas.DataFrame or iterable of str
        The sites table (``site_id``) or the known site ids (e.g. ``tt.site_ids``).
    roles : sequence of str or None
        Allowed roles (default :data:`ROLES`); ``None`` allows any role.
    where, path : str, optional
        Names used in the error message.

    Returns
    -------
    list of Scenario
        The scenarios, unchanged.

    Raises
    ------
    InputError
        Naming the scenarios (``column``), the offending site ids (``rows``) and the fix.

    Examples
    --------
    >>> validate_scenarios([Scenario("A", {"S9": "hub"})], ["S1", "S2"])
    Traceback (most recent call last):
    ...
    geoaccess.errors.InputError: <scenarios>: scenario 'A' names unknown site ids ['S9']; ...
    """
    items = list(scenarios)
    problems = Problems(where, path)
    _check(items, sites, roles, problems, where=where, path=path)
    problems.raise_if_any()
    return items


def _check(items: list[Any], sites: Any, roles: Sequence[str] | None, problems: Problems,
           *, where: str, path: str | None) -> None:
    """Add every problem of ``items`` (against the sites) to ``problems``.

    A scenario already named in ``problems`` (e.g. for unknown roles, whose sites are
    then left out) is not reported again as having no open site.
    """
    known, _ = site_kinds(sites, where)
    known_set = set(known)
    seen: dict[str, int] = {}
    for s in items:
        if not isinstance(s, Scenario):
            raise InputError(f"{where}: expected Scenario objects, got {type(s).__name__}",
                             path=path)
        seen[s.name] = seen.get(s.name, 0) + 1
    dups = [n for n, k in seen.items() if k > 1]
    if dups:
        problems.add(f"duplicate scenario names {show_ids(dups)}; give each scenario its own "
                     "name", dups[0])
    for s in items:
        unknown = [i for i in s.roles if i not in known_set]
        if unknown:
            problems.add(f"scenario {s.name!r} names unknown site ids {show_ids(unknown)}; "
                         "every site must be in the sites table (check spelling and "
                         "leading zeros)", s.name, unknown)
        if roles is not None:
            bad = sorted({r for r in s.roles.values() if r not in roles})
            if bad:
                rows = [i for i, r in s.roles.items() if r in bad]
                problems.add(f"scenario {s.name!r} has unknown roles {bad}; allowed roles "
                             f"are {list(roles)} (leave the cell blank for closed)",
                             s.name, rows)
        if not s.roles and s.name not in {p.column for p in problems.items}:
            problems.add(f"scenario {s.name!r} has no open site; open at least one", s.name)
        for label, values in (("capacity", s.capacity),
                              ("sessions_per_week", s.sessions_per_week)):
            neg = [i for i, v in values.items() if not (v >= 0)]
            if neg:
                problems.add(f"scenario {s.name!r}: {label} must be a number >= 0",
                             s.name, neg)


# -------------------------------------------------------------------------- reading
def read_scenarios(
    source: str | os.PathLike[str] | pd.DataFrame | Mapping[str, Any] | Sequence[Any],
    sites: Any,
    *,
    id_column: str = "site_id",
    scenarios: Sequence[str] | None = None,
    sheet: str | int | None = None,
    roles: Sequence[str] = ROLES,
) -> list[Scenario]:
    """Read scenarios from a table (CSV/Excel), a YAML file, or their in-memory forms.

    **Table** (CSV, Excel or a DataFrame): a ``site_id`` column and one column per
    scenario; the header is the scenario's name and each cell the site's role in it
    (``hub``, ``centre``, ``outreach``, ``base``, ``other``; common spellings such as
    "Family hub" or "Children's centre" are understood). A blank cell, ``closed`` or
    ``no`` means the site closes; ``open``, ``yes``, ``x`` or ``keep`` means it stays open
    in the role of its kind in ``sites``. Descriptive columns (``name``, ``kind``,
    ``address``, ``notes``...) are ignored; pass ``scenarios=`` to choose columns.

    **YAML** (``.yaml``/``.yml``, read with ``yaml.safe_load``; or the same structure as
    a dict or list)::

        scenarios:
          Current:
            description: every venue open as a centre
            open: [S01, S02, S03]          # roles from the sites' kinds
          Proposal A:
            hub: [S01]                     # role: list of sites
            outreach: [S03]
            sessions_per_week: {S03: 2}    # per-site overrides
          Proposal B:
            roles: {S01: hub, S02: base}   # or site: role
            capacity: {S01: 80}

    A top-level list of mappings with a ``name`` key works too.

    Capacity and sessions per week of every open site are copied from ``sites``
    (columns ``capacity``/``sessions_per_week``) unless the scenario overrides them.

    Parameters
    ----------
    source : path, DataFrame, dict or list
        The scenarios.
    sites : pandas.DataFrame or iterable of str
        Sites from :func:`geoaccess.read_sites` (or their ids) to check against.
    id_column : str
        Column of site ids in a table (matched case-insensitively).
    scenarios : sequence of str, optional
        Columns of a table to read as scenarios (default: every non-descriptive column).
    sheet : str or int, optional
        Excel sheet (default: the first).
    roles : sequence of str
        Allowed roles.

    Returns
    -------
    list of Scenario
        In the order of the file.

    Raises
    ------
    InputError
        One error listing every problem: the file, the scenario (column) and the site ids
        (rows) — unknown site ids, unknown roles, a scenario with no open site, duplicate
        scenario names, duplicate or blank site ids.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"site_id": ["S1", "S2", "S3"],
    ...                       "Current": ["centre", "centre", "centre"],
    ...                       "Option B": ["hub", "", "outreach"]})
    >>> [s.describe() for s in read_scenarios(table, ["S1", "S2", "S3"])]
    ['3 open sites: 3 centre', '2 open sites: 1 hub, 1 outreach']
    >>> read_scenarios({"A": {"hub": ["S1"]}}, ["S1"])[0].roles
    {'S1': 'hub'}
    """
    path: str | None = None
    problems = Problems("<scenarios>", None)
    if isinstance(source, pd.DataFrame):
        where = problems.where = "<scenario table>"
        items = _from_table(source.copy(), sites, problems, id_column=id_column,
                            columns=scenarios, roles=roles, header_given=True)
    elif isinstance(source, (str, os.PathLike)):
        p = Path(source)
        path = where = problems.where = problems.path = str(p)
        if not p.exists():
            raise InputError(f"{p}: file not found", path=p)
        if p.stat().st_size == 0:
            raise InputError(f"{p}: the file is empty", path=p)
        suffix = p.suffix.lower()
        if suffix in _YAML_SUFFIXES:
            data = load_yaml(p)
            items = _from_mapping(data, sites, problems, roles=roles)
        elif suffix in _EXCEL_SUFFIXES or suffix in _CSV_SUFFIXES:
            raw = _read_raw_table(p, sheet)
            items = _from_table(raw, sites, problems, id_column=id_column,
                                columns=scenarios, roles=roles, header_given=False)
        else:
            raise InputError(f"{p}: unknown scenario file format {suffix or '(none)'!r}; "
                             "use CSV, Excel (.xlsx) or YAML (.yaml)", path=p)
    elif isinstance(source, (Mapping, list, tuple)):
        where = "<scenarios>"
        items = _from_mapping(source, sites, problems, roles=roles)
    else:
        raise InputError(f"scenarios: expected a file path, a DataFrame or a dict, got "
                         f"{type(source).__name__}")
    _check(items, sites, roles, problems, where=where, path=path)
    problems.raise_if_any()
    log.info("%s: read %d scenarios (%s)", where, len(items), ", ".join(s.name for s in items))
    return items


def _read_raw_table(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """The table with its header as row 0, every cell a string (duplicate names kept)."""
    if path.suffix.lower() in _EXCEL_SUFFIXES:
        try:
            frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet,
                                  header=None, dtype=object)
        except Exception as exc:  # openpyxl/xlrd raise many kinds
            raise InputError(f"{path}: cannot read the workbook ({type(exc).__name__}: "
                             f"{exc})", path=path) from exc
        return frame
    data = path.read_bytes()
    text = None
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "cp1252":
            log.warning("%s is not UTF-8; read it as Windows-1252 (cp1252)", path)
        break
    if text is None:
        raise InputError(f"{path}: cannot decode the file as UTF-8 or Windows-1252",
                         path=path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = [r for r in csv.reader(_io.StringIO(text), delimiter=delimiter)
            if any(c.strip() for c in r)]
    if not rows:
        raise InputError(f"{path}: the file has no rows", path=path)
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(rows, dtype=object)


def _from_table(frame: pd.DataFrame, sites: Any, problems: Problems, *, id_column: str,
                columns: Sequence[str] | None, roles: Sequence[str],
                header_given: bool) -> list[Scenario]:
    if header_given:
        header = [str(c).strip() for c in frame.columns]
        body = frame.reset_index(drop=True)
    else:
        header = ["" if norm_cell(c) == "" else str(c).strip() for c in frame.iloc[0]]
        body = frame.iloc[1:].reset_index(drop=True)
    body.columns = pd.RangeIndex(len(header))
    where, path = problems.where, problems.path
    lower = [h.lower() for h in header]
    id_candidates = [id_column.lower(), "site_id", "site", "id", "site id"]
    id_pos = next((lower.index(c) for c in id_candidates if c in lower), None)
    if id_pos is None:
        raise InputError(f"{where}: no {id_column!r} column; the first row must name the "
                         f"site id column and one column per scenario (header is "
                         f"{header})", path=path, column=id_column)
    raw_ids = body[id_pos]
    ids = [_cell_id(v) for v in raw_ids]
    blank = [f"row {i + 2}" for i, v in enumerate(ids) if v == ""]
    if blank:
        problems.add(f"column {header[id_pos]!r} has blank site ids", header[id_pos], blank)
    counts: dict[str, int] = {}
    for v in ids:
        if v:
            counts[v] = counts.get(v, 0) + 1
    dup = sorted(v for v, k in counts.items() if k > 1)
    if dup:
        problems.add(f"column {header[id_pos]!r} lists sites more than once "
                     f"{show_ids(dup)}; give each site one row", header[id_pos], dup)
    if columns is not None:
        wanted = [str(c) for c in columns]
        missing = [c for c in wanted if c not in header]
        if missing:
            problems.add(f"no scenario column(s) {missing}; columns are {header}", missing[0])
        positions = [i for i, h in enumerate(header) if h in wanted]
    else:
        positions = [i for i, h in enumerate(header)
                     if i != id_pos and h.lower() not in _DESCRIPTIVE]
    unnamed = [i for i in positions if header[i] == ""]
    if unnamed:
        problems.add(f"{len(unnamed)} scenario column(s) without a name in the first row "
                     f"(column numbers {[i + 1 for i in unnamed]}); name every scenario")
    if not positions:
        problems.add(f"no scenario columns: after {header[id_pos]!r}, add one column per "
                     f"scenario (header = scenario name, cells = roles); columns are {header}")
    site_ids, kinds = site_kinds(sites, "sites")
    kind_of = dict(zip(site_ids, kinds, strict=True))
    lookup = role_lookup(roles)
    items: list[Scenario] = []
    for pos in positions:
        name = header[pos]
        if name == "":
            continue
        role_map: dict[str, str] = {}
        unknown_roles: dict[str, list[str]] = {}
        no_kind: list[str] = []
        for sid, cell in zip(ids, body[pos], strict=True):
            text = norm_cell(cell)
            if not sid or text in _CLOSED_WORDS:
                continue
            if text in _OPEN_WORDS:
                kind = kind_of.get(sid)
                if sid not in kind_of:
                    role_map[sid] = "centre"  # reported as an unknown site id
                elif kind is None:
                    no_kind.append(sid)
                    role_map[sid] = "open"
                else:
                    role_map[sid] = kind
                continue
            role = lookup.get(text)
            if role is None:
                unknown_roles.setdefault(str(cell).strip(), []).append(sid)
                role_map[sid] = str(cell).strip()
            else:
                role_map[sid] = role
        if unknown_roles:
            labels = sorted(unknown_roles)
            rows = [s for lab in labels for s in unknown_roles[lab]]
            problems.add(f"column {name!r} has unknown roles {labels[:5]}; use one of "
                         f"{list(roles)}, 'open' (the site's kind) or leave blank for closed",
                         name, rows)
        if no_kind:
            problems.add(f"column {name!r} says 'open' for sites whose kind is unknown; "
                         "write the role instead, or pass sites with a 'kind' column",
                         name, no_kind)
        # roles reported above are dropped so that the final check does not repeat them
        role_map = {k: v for k, v in role_map.items()
                    if v not in unknown_roles and v != "open"}
        capacity, sessions = site_values(sites, role_map)
        items.append(Scenario(name, role_map, capacity=capacity, sessions_per_week=sessions))
    return items


def _cell_id(value: Any) -> str:
    if norm_cell(value) == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _from_mapping(data: Any, sites: Any, problems: Problems, *,
                  roles: Sequence[str]) -> list[Scenario]:
    where, path = problems.where, problems.path
    if isinstance(data, Mapping) and "scenarios" in data:
        extra = sorted(set(map(str, data)) - {"scenarios"})
        if extra:
            raise InputError(f"{where}: unknown top-level keys {extra}; put every scenario "
                             "under 'scenarios:'", path=path, column=extra[0])
        data = data["scenarios"]
    entries: list[tuple[str, Any]] = []
    if isinstance(data, Mapping):
        entries = [(str(k), v) for k, v in data.items()]
    elif isinstance(data, (list, tuple)):
        for i, v in enumerate(data):
            if not isinstance(v, Mapping) or "name" not in v:
                raise InputError(f"{where}: scenario number {i + 1} needs a 'name' key "
                                 "(a list of scenarios holds mappings with name, roles...)",
                                 path=path)
            entries.append((str(v["name"]), v))
    else:
        raise InputError(f"{where}: expected a mapping of scenario names (or a list of "
                         f"scenarios), found {type(data).__name__}", path=path)
    if not entries:
        raise InputError(f"{where}: no scenarios found", path=path)
    site_ids, kinds = site_kinds(sites, "sites")
    kind_of = dict(zip(site_ids, kinds, strict=True))
    lookup = role_lookup(roles)
    items: list[Scenario] = []
    for name, body in entries:
        if isinstance(body, (list, tuple)):
            body = {"open": list(body)}
        if not isinstance(body, Mapping):
            problems.add(f"scenario {name!r}: expected a mapping (roles, open, hub: [...]) or "
                         f"a list of open sites, found {body!r}", name)
            continue
        role_map: dict[str, str] = {}
        capacity: dict[str, float] = {}
        sessions: dict[str, float] = {}
        description = str(body.get("description") or "")
        rule: dict[str, Any] = {}
        for key, value in body.items():
            key_s = str(key)
            norm = norm_cell(key_s)
            if key_s in ("name", "description"):
                continue
            if key_s in ("catchment", "zone_column"):
                rule[key_s] = value
                continue
            if key_s == "open":
                for sid in _id_list(value, name, key_s, problems):
                    kind = kind_of.get(sid)
                    if sid in kind_of and kind is None:
                        problems.add(f"scenario {name!r}: 'open' needs sites with a 'kind'; "
                                     "give roles instead", name, [sid])
                    role_map[sid] = kind or "centre"
            elif key_s == "roles":
                if not isinstance(value, Mapping):
                    problems.add(f"scenario {name!r}: 'roles' must map site ids to roles",
                                 name)
                    continue
                for sid, role in value.items():
                    text = norm_cell(role)
                    if text in _CLOSED_WORDS:
                        continue
                    if text in _OPEN_WORDS:
                        role_map[_cell_id(sid)] = kind_of.get(_cell_id(sid)) or "centre"
                    else:
                        role_map[_cell_id(sid)] = lookup.get(text, str(role).strip())
            elif key_s in ("capacity", "sessions_per_week"):
                target = capacity if key_s == "capacity" else sessions
                if not isinstance(value, Mapping):
                    problems.add(f"scenario {name!r}: {key_s!r} must map site ids to numbers",
                                 name)
                    continue
                for sid, v in value.items():
                    try:
                        target[_cell_id(sid)] = float(v)
                    except (TypeError, ValueError):
                        problems.add(f"scenario {name!r}: {key_s} of {sid!r} is not a "
                                     f"number ({v!r})", name, [_cell_id(sid)])
            elif norm in lookup:
                for sid in _id_list(value, name, key_s, problems):
                    role_map[sid] = lookup[norm]
            else:
                problems.add(f"scenario {name!r}: unknown key {key_s!r}; use description, "
                             f"roles, open, capacity, sessions_per_week, catchment, "
                             f"zone_column or a role "
                             f"({', '.join(roles)})", name)
        base_cap, base_sess = site_values(sites, role_map)
        base_cap.update({k: v for k, v in capacity.items()})
        base_sess.update({k: v for k, v in sessions.items()})
        closed_over = [k for k in list(capacity) + list(sessions) if k not in role_map]
        if closed_over:
            problems.add(f"scenario {name!r}: capacity/sessions given for sites that are not "
                         "open in it", name, sorted(set(closed_over)))
        try:
            items.append(Scenario(name, role_map, capacity=base_cap,
                                  sessions_per_week=base_sess, description=description,
                                  **rule))
        except InputError as exc:
            problems.add(str(exc), name)
    return items


def _id_list(value: Any, name: str, key: str, problems: Problems) -> list[str]:
    if isinstance(value, (str, int)):
        return [_cell_id(value)]
    if isinstance(value, (list, tuple)):
        return [_cell_id(v) for v in value]
    problems.add(f"scenario {name!r}: {key!r} must be a list of site ids", name)
    return []


# -------------------------------------------------------------------------- writing
def scenario_table(scenarios: Iterable[Scenario], sites: Any = None) -> pd.DataFrame:
    """Scenarios as one table: a row per site, a column per scenario, cells = roles.

    The table is the format :func:`read_scenarios` reads (closed sites are blank).

    Parameters
    ----------
    scenarios : iterable of Scenario
    sites : pandas.DataFrame or iterable of str, optional
        Sites to list (in this order; default: every site open in any scenario). A
        ``name`` column, when present, is included for readers.

    Returns
    -------
    pandas.DataFrame
        Index ``site_id``.

    Examples
    --------
    >>> t = scenario_table([Scenario("A", {"S1": "hub"}), Scenario("B", {"S2": "centre"})])
    >>> t.to_dict("index")
    {'S1': {'A': 'hub', 'B': ''}, 'S2': {'A': '', 'B': 'centre'}}
    """
    items = list(scenarios)
    if sites is None:
        ids: list[str] = []
        for s in items:
            ids.extend(i for i in s.roles if i not in ids)
        names = None
    else:
        ids, _ = site_kinds(sites, "sites")
        names = (sites.set_index(sites["site_id"].astype(str))["name"]
                 if isinstance(sites, pd.DataFrame) and "name" in sites.columns else None)
    table = pd.DataFrame(index=pd.Index(ids, name="site_id", dtype=object))
    if names is not None:
        table["name"] = names.reindex(table.index).astype(object)
    for s in items:
        table[s.name] = [s.roles.get(i, "") for i in ids]
    return table


def write_scenarios(scenarios: Iterable[Scenario], path: str | os.PathLike[str],
                    sites: Any = None) -> Path:
    """Write scenarios to CSV, Excel or YAML (chosen by the suffix) for :func:`read_scenarios`.

    Parameters
    ----------
    scenarios : iterable of Scenario
    path : path-like
        ``.csv``, ``.xlsx`` or ``.yaml``/``.yml``.
    sites : pandas.DataFrame or iterable of str, optional
        Sites to list in a table (see :func:`scenario_table`).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_scenarios([Scenario("A", {"S1": "hub"})], f"{d}/s.yaml")
    ...     read_scenarios(p, ["S1"])[0].roles
    {'S1': 'hub'}
    """
    items = list(scenarios)
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in _YAML_SUFFIXES:
        import yaml

        data = {"scenarios": {
            s.name: {k: v for k, v in (("description", s.description),
                                       ("roles", dict(s.roles)),
                                       ("capacity", dict(s.capacity)),
                                       ("sessions_per_week", dict(s.sessions_per_week)),
                                       ("catchment", s.allocation or (
                                           s.catchment if s.catchment != "nearest"
                                           else None)),
                                       ("zone_column", s.zone_column))
                     if v}
            for s in items}}
        return atomic_write_text(p, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    kept = [s.name for s in items if s.catchment != "nearest"]
    if kept and suffix in (".csv", ".xlsx", ".xlsm"):
        log.warning("%s: a table holds roles only; the catchment rules of %s are not "
                    "written (use .yaml to keep them)", p, kept)
    table = scenario_table(items, sites).reset_index()
    if suffix == ".csv":
        write_csv(table, p)
    elif suffix in (".xlsx", ".xlsm"):
        write_excel(p, {"scenarios": table})
    else:
        raise InputError(f"{p}: unknown scenario file format {suffix!r}; use .csv, .xlsx or "
                         ".yaml", path=p)
    return p


