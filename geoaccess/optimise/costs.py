"""Money and the configuration today: running costs, savings, one-off costs, changes.

Councils close buildings to save money ("save £150k with the least access lost") and
judge every option against the sites open today. :class:`Baseline` holds that
configuration (the ``current`` rule, or every site of the sites table in the role of its
kind) and the sites' money: ``running_cost`` (pounds a year) and the one-off
``closure_cost`` and ``opening_cost`` of :func:`geoaccess.read_sites`. From it come the
cap on the chosen sites' running cost that a ``budget`` or a ``min_saving`` sets, the
roles of the chosen sites (a site kept stays in its role; a site added takes the role
asked for), and the table of sites kept, added and closed.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> sites = pd.DataFrame({"site_id": ["S1", "S2", "S3"],
...                       "kind": ["hub", "centre", "outreach"],
...                       "running_cost": [60_000.0, 30_000, 8_000],
...                       "closure_cost": [5_000.0, 2_000, 0]})
>>> base = Baseline.build(ga.Scenario.from_sites(sites, kinds=["hub", "centre"]), sites,
...                       ["S1", "S2", "S3"], role="outreach")
>>> base.current_cost
90000.0
>>> base.money(["S1", "S3"])
{'running_cost': 68000.0, 'saving': 22000.0, 'one_off_costs': 2000.0}
>>> base.changes(["S1", "S3"])["change"].to_dict()
{'S1': 'kept', 'S3': 'added', 'S2': 'closed'}
>>> base.role_of("S1"), base.role_of("S3")
('hub', 'outreach')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validate import show_ids
from ..errors import InputError
from ..scenario import CLOSED, Scenario

__all__ = ["COST_COLUMNS", "Baseline", "money_value"]

#: The money columns of a sites table (see :func:`geoaccess.read_sites`).
COST_COLUMNS = ("running_cost", "closure_cost", "opening_cost")


def money_value(value: Any, what: str) -> float | None:
    """A sum of money >= 0 (pounds), or None; an InputError naming ``what`` otherwise."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must be a sum of money in pounds, got {value!r}") from exc
    if not (math.isfinite(v) and v >= 0):
        raise InputError(f"{what} must be a sum of money >= 0 in pounds, got {value!r}")
    return v


def _column(sites: Any, col: str) -> dict[str, float]:
    if not isinstance(sites, pd.DataFrame) or col not in sites.columns:
        return {}
    values = pd.to_numeric(sites[col], errors="coerce")
    return {str(s): float(v) for s, v in zip(sites["site_id"], values, strict=True)
            if pd.notna(v)}


@dataclass
class Baseline:
    """The configuration today, the sites' money, and the roles of the sites chosen.

    Built by :meth:`build`; see the module's example.
    """

    current: Scenario
    running: dict[str, float]
    closure: dict[str, float]
    opening: dict[str, float]
    kinds: dict[str, str]
    names: dict[str, str]
    role: str | None
    given: bool                       # current given by the user (not taken from sites)
    capacity: dict[str, float]        # the sites table's, for sites added
    sessions: dict[str, float]

    @classmethod
    def build(cls, current: Scenario | None, sites: Any, matrix_sites: Sequence[str], *,
              role: str | None) -> Baseline:
        """The baseline: ``current``, else every site of ``sites`` in its kind, else all."""
        given = current is not None
        kinds: dict[str, str] = {}
        names: dict[str, str] = {}
        if isinstance(sites, pd.DataFrame) and "site_id" in sites.columns:
            ids = sites["site_id"].astype(str)
            if "kind" in sites.columns:
                kinds = {s: str(k) for s, k in zip(ids, sites["kind"], strict=True)
                         if not pd.isna(k)}
            if "name" in sites.columns:
                names = {s: str(n) for s, n in zip(ids, sites["name"], strict=True)
                         if not pd.isna(n)}
        if current is None:
            if kinds:
                current = Scenario.from_sites(sites, "Current")
            else:
                current = Scenario("Current", {s: role or "centre" for s in matrix_sites},
                                   description="every site of the matrix open")
        return cls(current, _column(sites, "running_cost"), _column(sites, "closure_cost"),
                   _column(sites, "opening_cost"), kinds, names, role, given,
                   _column(sites, "capacity"), _column(sites, "sessions_per_week"))

    # ------------------------------------------------------------------ money
    @property
    def has_costs(self) -> bool:
        """True when the sites table gives running costs."""
        return bool(self.running)

    @property
    def current_cost(self) -> float:
        """Running cost a year of the configuration today (NaN without costs)."""
        if not self.has_costs:
            return float("nan")
        return float(sum(self.running.get(s, np.nan) for s in self.current.open_sites))

    def check_costs(self, cand: Sequence[str], what: str) -> np.ndarray:
        """Running cost of each candidate, checked (every candidate and current site)."""
        if not self.has_costs:
            raise InputError(f"{what}: budgets and savings need each site's yearly running "
                             "cost: pass sites= with a 'running_cost' column (read_sites "
                             "reads running_cost, annual_cost...)", column="running_cost")
        need = list(dict.fromkeys([*cand, *self.current.open_sites]))
        missing = [s for s in need if s not in self.running]
        if missing:
            raise InputError(f"{what}: no running cost for sites {show_ids(missing)}; give "
                             "every candidate and every site open today a running_cost (0 "
                             "if it costs nothing)", column="running_cost", rows=missing)
        return np.array([self.running[s] for s in cand], dtype=np.float64)

    def cap(self, budget: float | None, min_saving: float | None) -> float | None:
        """The most the chosen sites may cost a year under ``budget`` and ``min_saving``."""
        caps = []
        if budget is not None:
            caps.append(budget)
        if min_saving is not None:
            caps.append(self.current_cost - min_saving)
        return min(caps) if caps else None

    def money(self, open_ids: Iterable[str]) -> dict[str, float]:
        """Running cost, saving against today, and one-off costs of a configuration."""
        chosen = list(open_ids)
        if not self.has_costs:
            nan = float("nan")
            return {"running_cost": nan, "saving": nan, "one_off_costs": nan}
        running = float(sum(self.running.get(s, np.nan) for s in chosen))
        table = self.changes(chosen)
        return {"running_cost": running, "saving": self.current_cost - running,
                "one_off_costs": float(table["one_off_cost"].sum())}

    # ------------------------------------------------------------------ roles
    def role_of(self, site: str) -> str:
        """Role of a chosen site: its role today if open, else the role asked for."""
        before = self.current.role_of(site)
        if before != CLOSED and (self.given or self.role is None):
            return before
        return self.role or self.kinds.get(site) or "centre"

    def scenario(self, name: str, open_ids: Sequence[str], *, description: str = "",
                 **catchment: Any) -> Scenario:
        """The chosen sites as a Scenario: roles as :meth:`role_of`, today's hours kept."""
        roles = {s: self.role_of(s) for s in open_ids}
        cur = self.current
        # today's values for the sites kept, the sites table's for the others
        cap = {**{s: self.capacity[s] for s in open_ids if s in self.capacity},
               **{s: cur.capacity[s] for s in open_ids if s in cur.capacity}}
        sess = {**{s: self.sessions[s] for s in open_ids if s in self.sessions},
                **{s: cur.sessions_per_week[s] for s in open_ids
                   if s in cur.sessions_per_week}}
        return Scenario(name, roles, capacity=cap, sessions_per_week=sess,
                        description=description, **catchment)

    def changes(self, open_ids: Iterable[str],
                roles: dict[str, str] | None = None) -> pd.DataFrame:
        """Sites kept, added and closed against today, with their money.

        Columns ``name``, ``change`` (``kept``/``added``/``closed``), ``role_before``,
        ``role_after``, ``running_cost`` (a year, while open after the change; 0 when
        closed) and ``one_off_cost`` (closure or opening cost; 0 when kept).
        """
        chosen = list(dict.fromkeys(open_ids))
        roles = roles if roles is not None else {s: self.role_of(s) for s in chosen}
        today = self.current.open_sites
        order = [s for s in chosen if s in self.current.roles] + \
            [s for s in chosen if s not in self.current.roles] + \
            [s for s in today if s not in set(chosen)]
        rows = []
        nan = float("nan")
        for s in order:
            kept, added = s in set(chosen) and s in self.current.roles, s not in today
            change = "kept" if kept else "added" if added else "closed"
            cost = self.running.get(s, nan) if self.has_costs else nan
            one_off = (0.0 if change == "kept" else
                       self.opening.get(s, 0.0) if change == "added" else
                       self.closure.get(s, 0.0))
            rows.append({"site_id": s, "name": self.names.get(s, s), "change": change,
                         "role_before": self.current.role_of(s),
                         "role_after": roles.get(s, CLOSED),
                         "running_cost": 0.0 if change == "closed" and self.has_costs
                         else cost,
                         "one_off_cost": one_off if self.has_costs or one_off else 0.0})
        frame = pd.DataFrame(rows, columns=["site_id", "name", "change", "role_before",
                                            "role_after", "running_cost", "one_off_cost"])
        return frame.set_index("site_id")
