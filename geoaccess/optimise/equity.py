"""Equity constraints: how one group of areas must fare in the chosen configuration.

An :class:`Equity` names a group of areas (by default the most deprived) and a floor on
its share of people within a threshold, or a cap on its mean minutes. Before solving,
each constraint is resolved against the areas into a mask (:func:`equity_groups`), and
every area gets a class: the set of groups it belongs to, which the exact models use to
count each group's people.

Examples
--------
>>> import pandas as pd
>>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "rural": [True, False, True]})
>>> g = equity_groups(Equity(group="rural", max_mean_minutes=20),
...                   pd.Index(areas["area_id"]), areas.set_index("area_id"))
>>> g.labels, g.masks[0].tolist(), g.classes.tolist()
(['rural'], [True, False, True], [1, 0, 1])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validate import show_ids
from ..equality import most_deprived
from ..errors import InputError
from ..measures import threshold_label

__all__ = ["Equity", "Groups", "equity_groups", "equity_items", "group_mask"]

#: Most equity constraints in one optimisation (each doubles the classes of areas).
MAX_CONSTRAINTS = 4


@dataclass(frozen=True)
class Equity:
    """A constraint on how one group of areas fares, added to an optimisation.

    Give ``threshold_minutes`` for a constraint on the group's share of people within
    that many minutes (at least everyone else's share plus ``margin``, or at least
    ``min_share``), and/or ``max_mean_minutes`` for a cap on the group's
    population-weighted mean minutes.

    Parameters
    ----------
    group : str, Series, iterable of area ids, or None
        The areas in the group: a boolean column of the areas table, a boolean Series
        (indexed by ``area_id`` or like the areas table), or a list of area ids. Default:
        the most deprived areas, chosen as :mod:`geoaccess.equality` does (national IMD
        deciles 1-2 where some areas are in them, else the most deprived deciles
        present; needs ``imd_decile``).
    threshold_minutes : float, optional
        The threshold of the share constraint.
    min_share : float, optional
        The group's share within ``threshold_minutes`` must be at least this (0-1)
        instead of at least everyone else's.
    margin : float
        With ``min_share`` unset: group share >= others' share + ``margin`` (default 0;
        e.g. -0.05 allows the group to be up to 5 points behind).
    max_mean_minutes : float, optional
        The group's population-weighted mean minutes (over its areas that some
        candidate reaches) must be at most this.

    Shares are of the group's whole population (people with no time count as not
    within, as in :func:`geoaccess.measures.population_within`). With capacities,
    "within" counts the people assigned to a site within the threshold, so a relative
    constraint could be met by serving everyone else less: prefer ``min_share`` there.

    Examples
    --------
    >>> print(Equity(threshold_minutes=15).describe())
    most deprived areas: share within 15 min >= everyone else's
    >>> Equity(group="rural", max_mean_minutes=20).describe()
    'rural: mean minutes <= 20'
    """

    group: Any = None
    threshold_minutes: float | None = None
    min_share: float | None = None
    margin: float = 0.0
    max_mean_minutes: float | None = None

    def __post_init__(self) -> None:
        if self.threshold_minutes is None and self.max_mean_minutes is None:
            raise InputError("Equity: give threshold_minutes (a share constraint) and/or "
                             "max_mean_minutes (a cap on the group's mean minutes)")
        if self.threshold_minutes is not None and not float(self.threshold_minutes) > 0:
            raise InputError(f"Equity: threshold_minutes must be > 0, got "
                             f"{self.threshold_minutes}")
        if self.min_share is not None and not 0 <= float(self.min_share) <= 1:
            raise InputError(f"Equity: min_share must lie in 0..1, got {self.min_share}")
        if self.min_share is not None and self.threshold_minutes is None:
            raise InputError("Equity: min_share needs threshold_minutes")
        if self.max_mean_minutes is not None and not float(self.max_mean_minutes) > 0:
            raise InputError(f"Equity: max_mean_minutes must be > 0, got "
                             f"{self.max_mean_minutes}")

    @property
    def group_label(self) -> str:
        """A short name of the group for messages and tables."""
        if self.group is None:
            return "most deprived areas"
        if isinstance(self.group, str):
            return self.group
        name = getattr(self.group, "name", None)
        return str(name) if name else "group"

    def describe(self, label: str | None = None) -> str:
        """The constraint in words (``label`` names the group; default :attr:`group_label`)."""
        parts = []
        if self.threshold_minutes is not None:
            t = threshold_label(self.threshold_minutes)
            if self.min_share is not None:
                parts.append(f"share within {t} min >= {self.min_share:.0%}")
            elif self.margin:
                parts.append(f"share within {t} min >= everyone else's "
                             f"{self.margin:+.0%}")
            else:
                parts.append(f"share within {t} min >= everyone else's")
        if self.max_mean_minutes is not None:
            parts.append(f"mean minutes <= {self.max_mean_minutes:g}")
        return f"{label or self.group_label}: " + " and ".join(parts)


@dataclass
class Groups:
    """Equity constraints resolved against the areas: a mask and a label per constraint.

    ``classes`` gives each area (input order) the set of groups it is in as bits (bit
    ``g`` set when the area is in the group of constraint ``g``).
    """

    items: list[Equity]
    masks: list[np.ndarray]
    labels: list[str]
    classes: np.ndarray

    @property
    def n_classes(self) -> int:
        """Number of classes of areas (every combination of groups)."""
        return 1 << len(self.items)

    @classmethod
    def none(cls, n_areas: int) -> Groups:
        """No equity constraint over ``n_areas`` areas."""
        return cls([], [], [], np.zeros(n_areas, dtype=np.int64))

    @classmethod
    def one(cls, equity: Equity, mask: np.ndarray, label: str) -> Groups:
        """One constraint on the group ``mask`` already resolved."""
        return cls([equity], [mask], [label], mask.astype(np.int64))


def equity_items(equity: Any) -> tuple[Equity, ...]:
    """``equity`` (None, an Equity or a list of them) as a checked tuple."""
    if equity is None:
        return ()
    if isinstance(equity, Equity):
        return (equity,)
    items = tuple(equity)
    if not all(isinstance(e, Equity) for e in items):
        raise InputError("equity: expected an Equity or a list of them")
    if len(items) > MAX_CONSTRAINTS:
        raise InputError(f"equity: at most {MAX_CONSTRAINTS} constraints")
    return items


def equity_groups(equity: Any, ids: pd.Index, table: pd.DataFrame | None) -> Groups:
    """Resolve equity constraints against the areas (``ids`` in input order).

    ``table`` holds the areas' attributes indexed by ``area_id`` (None when no areas
    table was given).
    """
    items = list(equity_items(equity))
    masks, labels = [], []
    classes = np.zeros(len(ids), dtype=np.int64)
    for g, e in enumerate(items):
        mask, label = group_mask(e.group, ids, table)
        if not mask.any():
            raise InputError(f"Equity: group {label!r} has no areas")
        if e.threshold_minutes is not None and e.min_share is None and mask.all():
            raise InputError(f"Equity: group {label!r} holds every area; nobody to compare "
                             "with (use min_share)")
        masks.append(mask)
        labels.append(label)
        classes |= mask.astype(np.int64) << g
    return Groups(items, masks, labels, classes)


def group_mask(group: Any, ids: pd.Index, table: pd.DataFrame | None
               ) -> tuple[np.ndarray, str]:
    """The areas of ``ids`` in a group (see :class:`Equity`) and the group's label."""
    if group is None:
        if table is None:
            raise InputError("Equity: the default group (most deprived areas) needs the areas "
                             "table with 'imd_decile'; pass group=")
        dep = _most_deprived(table, ids)
        if dep is None:
            raise InputError("Equity: no deprivation contrast (no 'imd_decile', or a single "
                             "decile); pass group= (a boolean column or list of area ids)",
                             column="imd_decile")
        return dep
    if isinstance(group, str):
        if table is None or group not in table.columns:
            raise InputError(f"Equity: no column {group!r} in the areas", column=group)
        col = table[group]
        if not pd.api.types.is_bool_dtype(col):
            raise InputError(f"Equity: column {group!r} is not boolean; pass e.g. "
                             f"group=areas[{group!r}] <= 2 (a boolean Series)", column=group)
        return col.fillna(False).to_numpy(dtype=bool), group
    if isinstance(group, pd.Series) and pd.api.types.is_bool_dtype(group):
        label = str(group.name) if group.name is not None else "group"
        by_id = group.index.astype(str)
        if table is not None and len(group) == len(ids) and not by_id.isin(ids).all():
            return group.to_numpy(dtype=bool), label      # indexed like the areas table
        missing = ids.difference(by_id)
        if len(missing):
            raise InputError(f"Equity: group Series lacks areas "
                             f"{show_ids(list(missing))}; index it by area_id (or like "
                             "the areas table)")
        values = pd.Series(group.to_numpy(), index=by_id).reindex(ids)
        return values.fillna(False).to_numpy(dtype=bool), label
    try:
        members = {str(v) for v in group}
    except TypeError as exc:
        raise InputError(f"Equity group: expected a boolean column, a boolean Series or a "
                         f"list of area ids, got {type(group).__name__}") from exc
    unknown = sorted(members - set(ids))
    if unknown:
        raise InputError(f"Equity: unknown area ids in group {show_ids(unknown)}",
                         rows=unknown)
    return ids.isin(members), "group"


def _most_deprived(table: pd.DataFrame, ids: pd.Index) -> tuple[np.ndarray, str] | None:
    """The most deprived areas of ``ids`` and how to name them; None without a contrast.

    The rule of :func:`geoaccess.equality.most_deprived`, so that the optimiser's equity
    group is the group the findings and relative risks describe.
    """
    group = most_deprived(table, ids)
    if group is None:
        return None
    return np.asarray(group.mask, dtype=bool), group.phrase
