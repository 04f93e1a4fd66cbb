"""Hub configurations: which sites are open, and in which role.

A :class:`Scenario` names one configuration a council is considering ("Current",
"Proposal A: 18 centres"...). Each open site has a role (``hub``, ``centre``,
``outreach``, ``base``...); sites not mentioned are closed.

Councils usually write their options as one table, a row per site and a column per
option, with the site's role in each cell and blank where it closes.
:func:`read_scenarios` reads such a table (CSV or Excel) or a YAML file, checks it
against the sites, and reports every problem at once. :meth:`Scenario.from_sites`
builds the current network from the sites' kinds.

Examples
--------
>>> from geoaccess import Scenario
>>> s = Scenario("Proposal A", {"S01": "hub", "S02": "outreach"})
>>> s.open_sites
['S01', 'S02']
>>> s.role_of("S03")
'closed'
>>> s.describe()
'2 open sites: 1 hub, 1 outreach'
"""

from __future__ import annotations

import csv
import io as _io
import logging
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._kinds import KIND_SYNONYMS as _KIND_SYNONYMS
from ._kinds import SITE_KINDS
from ._validate import Problems, show_ids
from ._yaml import load_yaml
from .errors import InputError

__all__ = [
    "as_scenario",
    "CLOSED",
    "ROLES",
    "Scenario",
    "read_scenarios",
    "scenario_masks",
    "scenario_table",
    "validate_scenarios",
    "write_scenarios",
]

log = logging.getLogger(__name__)

#: The role of a site that is not open in a scenario.
CLOSED = "closed"

#: Roles a site can have in a scenario (the site kinds of :func:`geoaccess.read_sites`).
ROLES: tuple[str, ...] = tuple(SITE_KINDS)

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
    "osm_id", "osm_amenity",
})
_YAML_SUFFIXES = {".yaml", ".yml"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
_SCENARIO_KEYS = {"name", "description", "roles", "open", "capacity", "sessions_per_week"}


@dataclass(frozen=True)
class Scenario:
    """A named configuration of sites.

    Parameters
    ----------
    name : str
        Name shown in tables, maps and reports.
    roles : Mapping[str, str]
        ``site_id`` → role for every open site. Sites absent (or with role ``"closed"``)
        are closed.
    capacity : Mapping[str, float], optional
        Per-site capacity in this scenario (places, sessions...: any supply unit used
        consistently). :func:`read_scenarios` and :meth:`from_sites` fill it from the
        sites table; values given here take precedence over the sites table wherever
        a measure needs capacity (see :func:`geoaccess.measures.site_supply`).
    sessions_per_week : Mapping[str, float], optional
        Per-site sessions per week in this scenario, filled and used like ``capacity``.
    description : str, optional
        Free text for reports.

    Examples
    --------
    >>> s = Scenario("Keep two", {"S01": "hub", "S02": "closed", "S03": "centre"})
    >>> s.open_sites, s.sites_with_role("hub")
    (['S01', 'S03'], ['S01'])
    >>> s.mask(["S01", "S02", "S03"]).tolist()
    [True, False, True]
    """

    name: str
    roles: Mapping[str, str]
    capacity: Mapping[str, float] = field(default_factory=dict)
    sessions_per_week: Mapping[str, float] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        roles = {str(k): str(v) for k, v in self.roles.items() if str(v) != CLOSED}
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "capacity", {str(k): float(v) for k, v in self.capacity.items()})
        object.__setattr__(self, "sessions_per_week",
                           {str(k): float(v) for k, v in self.sessions_per_week.items()})
        object.__setattr__(self, "description", "" if self.description is None
                           else str(self.description))

    # -------------------------------------------------------------- queries
    @property
    def open_sites(self) -> list[str]:
        """Ids of the open sites, in the order given."""
        return list(self.roles)

    def role_of(self, site_id: str) -> str:
        """Role of a site in this scenario (``"closed"`` if not open)."""
        return self.roles.get(str(site_id), CLOSED)

    def sites_with_role(self, *roles: str) -> list[str]:
        """Ids of the open sites having any of ``roles``."""
        return [s for s, r in self.roles.items() if r in roles]

    def role_counts(self) -> dict[str, int]:
        """Number of open sites in each role, in order of first appearance.

        Examples
        --------
        >>> Scenario("A", {"S1": "centre", "S2": "outreach", "S3": "centre"}).role_counts()
        {'centre': 2, 'outreach': 1}
        """
        counts: dict[str, int] = {}
        for role in self.roles.values():
            counts[role] = counts.get(role, 0) + 1
        return counts

    def describe(self) -> str:
        """A short description such as ``'18 open sites: 8 centre, 8 outreach, 2 base'``."""
        n = len(self.roles)
        parts = ", ".join(f"{k} {r}" for r, k in self.role_counts().items())
        return f"{n} open site{'s' if n != 1 else ''}" + (f": {parts}" if parts else "")

    def mask(self, site_ids: Iterable[str], roles: Iterable[str] | None = None) -> np.ndarray:
        """Boolean array: which of ``site_ids`` are open (optionally in one of ``roles``).

        Parameters
        ----------
        site_ids : iterable of str
            Site ids in the order wanted (e.g. ``tt.site_ids``).
        roles : iterable of str, optional
            Count only open sites with one of these roles.

        Returns
        -------
        numpy.ndarray of bool
        """
        wanted = None if roles is None else set(roles)
        return np.array([(s in self.roles) and (wanted is None or self.roles[s] in wanted)
                         for s in map(str, site_ids)], dtype=bool)

    # --------------------------------------------------------- constructors
    @classmethod
    def from_sites(
        cls,
        sites: pd.DataFrame,
        name: str = "Current",
        *,
        kinds: Iterable[str] | None = None,
        description: str | None = None,
    ) -> Scenario:
        """The configuration in which every site is open in the role of its ``kind``.

        Parameters
        ----------
        sites : pandas.DataFrame
            Sites from :func:`geoaccess.read_sites` (``site_id``, ``kind`` and optional
            ``capacity``, ``sessions_per_week``).
        name : str
            Scenario name (default ``"Current"``).
        kinds : iterable of str, optional
            Open only the sites of these kinds (e.g. ``["hub", "centre"]``).
        description : str, optional
            Free text; by default one saying how the scenario was built.

        Returns
        -------
        Scenario

        Examples
        --------
        >>> import pandas as pd
        >>> sites = pd.DataFrame({"site_id": ["S1", "S2", "S3"],
        ...                       "kind": ["hub", "centre", "outreach"],
        ...                       "capacity": [60.0, 30.0, float("nan")]})
        >>> s = Scenario.from_sites(sites)
        >>> s.roles, s.capacity
        ({'S1': 'hub', 'S2': 'centre', 'S3': 'outreach'}, {'S1': 60.0, 'S2': 30.0})
        >>> Scenario.from_sites(sites, "Hubs only", kinds=["hub"]).open_sites
        ['S1']
        """
        ids, kind = _site_kinds(sites, "sites")
        wanted = None if kinds is None else {str(k) for k in kinds}
        roles = {s: k for s, k in zip(ids, kind, strict=True)
                 if k is not None and (wanted is None or k in wanted)}
        if not roles:
            what = f" of kinds {sorted(wanted)}" if wanted is not None else ""
            raise InputError(f"sites: no site{what} to open in scenario {name!r}",
                             column="kind")
        if description is None:
            description = ("every site open in the role of its kind" if wanted is None
                           else f"every site of kind {', '.join(sorted(wanted))} open")
        capacity, sessions = _site_values(sites, roles)
        return cls(name, roles, capacity=capacity, sessions_per_week=sessions,
                   description=description)

    @classmethod
    def from_site_ids(
        cls,
        name: str,
        site_ids: Iterable[str],
        *,
        sites: pd.DataFrame | None = None,
        role: str | None = None,
        description: str = "",
    ) -> Scenario:
        """A scenario opening ``site_ids``, each in ``role`` or in the role of its kind.

        This is how :mod:`geoaccess.optimise` and scripts turn a chosen set of sites into
        a scenario.

        Parameters
        ----------
        name : str
            Scenario name.
        site_ids : iterable of str
            The open sites.
        sites : pandas.DataFrame, optional
            Sites table: gives each site's role (its ``kind``) when ``role`` is not given,
            and its ``capacity``/``sessions_per_week``.
        role : str, optional
            Role of every open site (default: the site's kind, else ``"centre"``).
        description : str
            Free text.

        Returns
        -------
        Scenario

        Examples
        --------
        >>> Scenario.from_site_ids("Best 2", ["S4", "S1"]).roles
        {'S4': 'centre', 'S1': 'centre'}
        """
        ids = [str(s) for s in site_ids]
        if sites is not None:
            all_ids, kinds = _site_kinds(sites, "sites")
            kind_of = dict(zip(all_ids, kinds, strict=True))
            unknown = [s for s in ids if s not in kind_of]
            if unknown:
                raise InputError(f"scenario {name!r}: unknown site ids {show_ids(unknown)}",
                                 column="site_id", rows=unknown)
            roles = {s: role or kind_of[s] or "centre" for s in ids}
            capacity, sessions = _site_values(sites, roles)
        else:
            roles = {s: role or "centre" for s in ids}
            capacity, sessions = {}, {}
        return cls(name, roles, capacity=capacity, sessions_per_week=sessions,
                   description=description)

    def modified(
        self,
        name: str,
        *,
        close: Iterable[str] = (),
        open: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> Scenario:
        """A copy with some sites closed and/or opened (or given new roles).

        Examples
        --------
        >>> a = Scenario("A", {"S1": "hub", "S2": "centre"})
        >>> a.modified("A without S2, S3 as outreach", close=["S2"],
        ...            open={"S3": "outreach"}).roles
        {'S1': 'hub', 'S3': 'outreach'}
        """
        gone = {str(s) for s in close}
        roles = {s: r for s, r in self.roles.items() if s not in gone}
        roles.update({str(k): str(v) for k, v in (open or {}).items()})
        keep = set(roles)
        return Scenario(name, roles,
                        capacity={k: v for k, v in self.capacity.items() if k in keep},
                        sessions_per_week={k: v for k, v in self.sessions_per_week.items()
                                           if k in keep},
                        description=self.description if description is None else description)


# ------------------------------------------------------------------------- helpers
def _site_kinds(sites: Any, what: str) -> tuple[list[str], list[str | None]]:
    """Site ids and kinds (None where unknown) of a sites table or an iterable of ids."""
    if isinstance(sites, pd.DataFrame):
        if "site_id" not in sites.columns:
            raise InputError(f"{what}: no 'site_id' column; load the sites with "
                             "geoaccess.read_sites()", column="site_id")
        ids = sites["site_id"].astype(str).tolist()
        if "kind" in sites.columns:
            kinds = [None if pd.isna(k) else str(k) for k in sites["kind"]]
        else:
            kinds = [None] * len(ids)
        return ids, kinds
    if isinstance(sites, (str, bytes)) or not isinstance(sites, Iterable):
        raise InputError(f"{what}: expected the sites table (geoaccess.read_sites) or a list "
                         f"of site ids, got {type(sites).__name__}")
    ids = [str(s) for s in sites]
    return ids, [None] * len(ids)


def _site_values(sites: Any, roles: Mapping[str, str]
                 ) -> tuple[dict[str, float], dict[str, float]]:
    """Capacity and sessions per week of the open sites, from a sites table."""
    out: tuple[dict[str, float], dict[str, float]] = ({}, {})
    if not isinstance(sites, pd.DataFrame) or "site_id" not in sites.columns:
        return out
    ids = sites["site_id"].astype(str)
    for target, col in zip(out, ("capacity", "sessions_per_week"), strict=True):
        if col not in sites.columns:
            continue
        values = pd.to_numeric(sites[col], errors="coerce")
        for s, v in zip(ids, values, strict=True):
            if s in roles and pd.notna(v):
                target[s] = float(v)
    return out


def _role_lookup(roles: Sequence[str]) -> dict[str, str]:
    lookup = {k: v for k, v in _KIND_SYNONYMS.items() if v in roles}
    lookup.update({f"{k}s": v for k, v in list(lookup.items())})
    lookup.update({str(r).lower(): str(r) for r in roles})
    return lookup


def _norm(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return " ".join(str(value).strip().lower().split())


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
    known, _ = _site_kinds(sites, where)
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
        header = ["" if _norm(c) == "" else str(c).strip() for c in frame.iloc[0]]
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
    site_ids, kinds = _site_kinds(sites, "sites")
    kind_of = dict(zip(site_ids, kinds, strict=True))
    lookup = _role_lookup(roles)
    items: list[Scenario] = []
    for pos in positions:
        name = header[pos]
        if name == "":
            continue
        role_map: dict[str, str] = {}
        unknown_roles: dict[str, list[str]] = {}
        no_kind: list[str] = []
        for sid, cell in zip(ids, body[pos], strict=True):
            text = _norm(cell)
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
        capacity, sessions = _site_values(sites, role_map)
        items.append(Scenario(name, role_map, capacity=capacity, sessions_per_week=sessions))
    return items


def _cell_id(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
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
    site_ids, kinds = _site_kinds(sites, "sites")
    kind_of = dict(zip(site_ids, kinds, strict=True))
    lookup = _role_lookup(roles)
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
        for key, value in body.items():
            key_s = str(key)
            norm = _norm(key_s)
            if key_s in ("name", "description"):
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
                    text = _norm(role)
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
                             f"roles, open, capacity, sessions_per_week or a role "
                             f"({', '.join(roles)})", name)
        base_cap, base_sess = _site_values(sites, role_map)
        base_cap.update({k: v for k, v in capacity.items()})
        base_sess.update({k: v for k, v in sessions.items()})
        closed_over = [k for k in list(capacity) + list(sessions) if k not in role_map]
        if closed_over:
            problems.add(f"scenario {name!r}: capacity/sessions given for sites that are not "
                         "open in it", name, sorted(set(closed_over)))
        items.append(Scenario(name, role_map, capacity=base_cap, sessions_per_week=base_sess,
                              description=description))
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
        ids, _ = _site_kinds(sites, "sites")
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
                                       ("sessions_per_week", dict(s.sessions_per_week)))
                     if v}
            for s in items}}
        p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                     encoding="utf-8")
        return p
    table = scenario_table(items, sites).reset_index()
    if suffix == ".csv":
        table.to_csv(p, index=False)
    elif suffix in (".xlsx", ".xlsm"):
        table.to_excel(p, index=False, sheet_name="scenarios")
    else:
        raise InputError(f"{p}: unknown scenario file format {suffix!r}; use .csv, .xlsx or "
                         ".yaml", path=p)
    return p


# ---------------------------------------------------------------------------- masks
def scenario_masks(scenarios: Iterable[Scenario], site_ids: Iterable[str],
                   roles: Iterable[str] | None = None) -> np.ndarray:
    """Boolean matrix (scenarios × sites): which sites each scenario opens.

    Parameters
    ----------
    scenarios : iterable of Scenario
    site_ids : iterable of str
        Column order (e.g. ``tt.site_ids``).
    roles : iterable of str, optional
        Count only open sites in these roles.

    Returns
    -------
    numpy.ndarray of bool, shape (n_scenarios, n_sites)

    Examples
    --------
    >>> scenario_masks([Scenario("A", {"S2": "hub"})], ["S1", "S2"]).tolist()
    [[False, True]]
    """
    ids = [str(s) for s in site_ids]
    role_set = None if roles is None else list(roles)
    items = list(scenarios)
    if not items:
        return np.zeros((0, len(ids)), dtype=bool)
    return np.vstack([s.mask(ids, role_set) for s in items])


def as_scenario(obj: Any) -> Scenario:
    """``obj`` as a :class:`Scenario`: a Scenario itself, or anything holding one in ``.scenario``.

    Optimiser results (:class:`geoaccess.Solution`) carry the configuration they found in
    ``.scenario``; every function that takes a scenario takes them too.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> s = Scenario("Keep 2", {"S1": "hub", "S2": "centre"})
    >>> as_scenario(SimpleNamespace(scenario=s)) is s
    True
    """
    if isinstance(obj, Scenario):
        return obj
    inner = getattr(obj, "scenario", None)
    if isinstance(inner, Scenario):
        return inner
    raise InputError(f"expected a Scenario (or an optimiser Solution, whose .scenario is "
                     f"one), got {type(obj).__name__}; build one with geoaccess.Scenario or "
                     "geoaccess.read_scenarios")
