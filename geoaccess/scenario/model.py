"""The :class:`Scenario`: which sites are open, in which role, and who may use them.

Examples
--------
>>> s = Scenario("Proposal A", {"S01": "hub", "S02": "outreach"})
>>> s.open_sites, s.role_of("S03"), s.describe()
(['S01', 'S02'], 'closed', '2 open sites: 1 hub, 1 outreach')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .._kinds import KIND_SYNONYMS, SITE_KINDS
from .._validate import show_ids
from ..errors import InputError

__all__ = [
    "CATCHMENTS",
    "CLOSED",
    "ROLES",
    "Scenario",
    "as_scenario",
    "norm_cell",
    "role_lookup",
    "scenario_masks",
    "site_kinds",
    "site_values",
]

#: The role of a site that is not open in a scenario.
CLOSED = "closed"

#: Roles a site can have in a scenario (the site kinds of :func:`geoaccess.read_sites`).
ROLES: tuple[str, ...] = tuple(SITE_KINDS)

#: Catchment rules given by name: each family uses the nearest open site (any zone), or
#: an open site of its own zone (``zone_column``). An allocation table is the third rule.
CATCHMENTS = ("nearest", "zone")


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
        Per-site sessions (half days) a week in this scenario, filled and used like
        ``capacity``: a proposal can cut a site's hours without closing it
        (``sessions_per_week={"S01": 5}``). Sessions scale every role's supply in 2SFCA
        and gravity and give the "sessions within *t* minutes" measure.
    description : str, optional
        Free text for reports.
    catchment : {"nearest", "zone"} or mapping or DataFrame
        Which open sites a family may use. ``"nearest"`` (default): any open site, so
        each family's journey is to the nearest. ``"zone"``: only open sites in the
        family's own zone (locality, ward, learning community), named by
        ``zone_column``: a column of the areas and of the sites (a site without it takes
        the zone of the area polygon it stands in). An allocation: a mapping
        ``area_id -> site_id`` (or a table with those two columns) giving each area the
        one site its families use.
    zone_column : str, optional
        The zone column, with ``catchment="zone"``.
    site_zones : Mapping[str, Any], optional
        Each site's zone, when known already (the optimisers fill it); it takes
        precedence over the sites table.

    Examples
    --------
    >>> s = Scenario("Keep two", {"S01": "hub", "S02": "closed", "S03": "centre"})
    >>> s.open_sites, s.sites_with_role("hub")
    (['S01', 'S03'], ['S01'])
    >>> s.mask(["S01", "S02", "S03"]).tolist()
    [True, False, True]
    >>> Scenario("Locality hubs", {"S01": "hub"}, catchment="zone",
    ...          zone_column="ward").catchment_text()
    'families use an open site in their own ward'
    """

    name: str
    roles: Mapping[str, str]
    capacity: Mapping[str, float] = field(default_factory=dict)
    sessions_per_week: Mapping[str, float] = field(default_factory=dict)
    description: str = ""
    catchment: str | Mapping[str, str] = "nearest"
    zone_column: str | None = None
    site_zones: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        roles = {str(k): str(v) for k, v in self.roles.items() if str(v) != CLOSED}
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "capacity", {str(k): float(v) for k, v in self.capacity.items()})
        object.__setattr__(self, "sessions_per_week",
                           {str(k): float(v) for k, v in self.sessions_per_week.items()})
        object.__setattr__(self, "description", "" if self.description is None
                           else str(self.description))
        object.__setattr__(self, "catchment", _catchment(self.catchment, self.name))
        if self.catchment == "zone" and not self.zone_column:
            raise InputError(f"scenario {self.name!r}: catchment='zone' needs zone_column= "
                             "(the areas' and sites' column of localities, e.g. 'ward')",
                             column="zone_column")
        if self.zone_column is not None:
            object.__setattr__(self, "zone_column", str(self.zone_column))
        object.__setattr__(self, "site_zones", {str(k): v for k, v in self.site_zones.items()
                                                if not _missing(v)})

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

    @property
    def allocation(self) -> dict[str, str] | None:
        """The area → site allocation of an allocation catchment, else None."""
        return dict(self.catchment) if isinstance(self.catchment, Mapping) else None

    def catchment_text(self) -> str:
        """The catchment rule in words, for tables and reports."""
        if self.catchment == "nearest":
            return "families use the nearest open site"
        if self.catchment == "zone":
            return f"families use an open site in their own {self.zone_column}"
        return "families use the site allocated to their area"

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
        catchment: str | Mapping[str, str] = "nearest",
        zone_column: str | None = None,
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
        catchment, zone_column
            The catchment rule (see :class:`Scenario`).

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
        ids, kind = site_kinds(sites, "sites")
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
        capacity, sessions = site_values(sites, roles)
        return cls(name, roles, capacity=capacity, sessions_per_week=sessions,
                   description=description, catchment=catchment, zone_column=zone_column)

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
            all_ids, kinds = site_kinds(sites, "sites")
            kind_of = dict(zip(all_ids, kinds, strict=True))
            unknown = [s for s in ids if s not in kind_of]
            if unknown:
                raise InputError(f"scenario {name!r}: unknown site ids {show_ids(unknown)}",
                                 column="site_id", rows=unknown)
            roles = {s: role or kind_of[s] or "centre" for s in ids}
            capacity, sessions = site_values(sites, roles)
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
        sessions_per_week: Mapping[str, float] | None = None,
        capacity: Mapping[str, float] | None = None,
        description: str | None = None,
        **changes: Any,
    ) -> Scenario:
        """A copy with some sites closed, opened (or given new roles), or their hours cut.

        Parameters
        ----------
        name : str
            Name of the copy.
        close : iterable of str
            Sites to close.
        open : mapping, optional
            Sites to open (or re-role): ``site_id -> role``.
        sessions_per_week, capacity : mapping, optional
            New values for some open sites (the others keep theirs).
        description : str, optional
            Default: this scenario's.
        **changes
            Other fields to change: ``catchment``, ``zone_column``, ``site_zones``.

        Examples
        --------
        >>> a = Scenario("A", {"S1": "hub", "S2": "centre"}, sessions_per_week={"S1": 10})
        >>> a.modified("A without S2, S3 as outreach", close=["S2"],
        ...            open={"S3": "outreach"}).roles
        {'S1': 'hub', 'S3': 'outreach'}
        >>> a.modified("A, hub mornings only", sessions_per_week={"S1": 5}).sessions_per_week
        {'S1': 5.0}
        """
        unknown = sorted(set(changes) - {"catchment", "zone_column", "site_zones"})
        if unknown:
            raise InputError(f"modified() takes no {', '.join(unknown)}; change close, open, "
                             "sessions_per_week, capacity, description, catchment, "
                             "zone_column or site_zones")
        gone = {str(s) for s in close}
        roles = {s: r for s, r in self.roles.items() if s not in gone}
        roles.update({str(k): str(v) for k, v in (open or {}).items()})
        keep = set(roles)
        cap = {**self.capacity, **{str(k): float(v) for k, v in (capacity or {}).items()}}
        sess = {**self.sessions_per_week,
                **{str(k): float(v) for k, v in (sessions_per_week or {}).items()}}
        closed_over = sorted((set(capacity or {}) | set(sessions_per_week or {})) - keep)
        if closed_over:
            raise InputError(f"scenario {name!r}: capacity/sessions given for sites that are "
                             f"not open in it {show_ids(closed_over)}", rows=closed_over)
        return replace(self, name=name, roles=roles,
                       capacity={k: v for k, v in cap.items() if k in keep},
                       sessions_per_week={k: v for k, v in sess.items() if k in keep},
                       description=self.description if description is None else description,
                       **changes)


# ------------------------------------------------------------------------- helpers
def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _catchment(value: Any, name: str) -> str | dict[str, str]:
    """A catchment rule checked: "nearest", "zone", or an area_id -> site_id dict."""
    if isinstance(value, str):
        if value not in CATCHMENTS:
            raise InputError(f"scenario {name!r}: catchment must be 'nearest', 'zone' or an "
                             f"allocation (area_id -> site_id), got {value!r}",
                             column="catchment")
        return value
    if isinstance(value, pd.DataFrame):
        if not {"area_id", "site_id"} <= set(value.columns):
            raise InputError(f"scenario {name!r}: an allocation table needs 'area_id' and "
                             f"'site_id' columns; columns are {list(value.columns)}",
                             column="catchment")
        dup = value["area_id"][value["area_id"].astype(str).duplicated()].astype(str)
        if len(dup):
            raise InputError(f"scenario {name!r}: the allocation gives areas "
                             f"{show_ids(sorted(set(dup)))} more than one site; give each "
                             "area one", column="area_id", rows=sorted(set(dup)))
        value = dict(zip(value["area_id"], value["site_id"], strict=True))
    if isinstance(value, (Mapping, pd.Series)):
        return {str(a): str(s) for a, s in value.items() if not _missing(s)}
    raise InputError(f"scenario {name!r}: catchment must be 'nearest', 'zone' or an "
                     f"allocation (area_id -> site_id), got {type(value).__name__}",
                     column="catchment")


def site_kinds(sites: Any, what: str) -> tuple[list[str], list[str | None]]:
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


def site_values(sites: Any, roles: Mapping[str, str]
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


def role_lookup(roles: Sequence[str]) -> dict[str, str]:
    """Lower-case spellings (``"family hub"``, ``"hubs"``...) → role, for ``roles``."""
    lookup = {k: v for k, v in KIND_SYNONYMS.items() if v in roles}
    lookup.update({f"{k}s": v for k, v in list(lookup.items())})
    lookup.update({str(r).lower(): str(r) for r in roles})
    return lookup


def norm_cell(value: Any) -> str:
    """A table cell as lower-case text with single spaces (``""`` when missing)."""
    if _missing(value):
        return ""
    return " ".join(str(value).strip().lower().split())


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
