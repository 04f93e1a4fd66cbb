"""Helpers shared by the measures: inputs read one way, in the package's one vocabulary.

- ``thresholds``: minutes, a sequence (a number is wrapped; text is refused);
- ``population``: a column name of the ``areas`` table (a Series or array of populations
  still works for one release, with a FutureWarning);
- the matrix, the open sites of a scenario and the areas whose origin is on the network.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import settings
from .._deprecate import warn_old
from .._validate import (
    area_ids,
    check_population_column,
    check_population_values,
    show_ids,
    values_by_area,
)
from ..errors import InputError
from ..matrix import TravelTimes
from ..scenario import Scenario

__all__ = [
    "AreasLike",
    "TravelLike",
    "area_ok",
    "area_weights",
    "as_roles",
    "as_thresholds",
    "as_travel",
    "matrix_arrays",
    "minutes_and_weights",
    "open_mask",
]

TravelLike = TravelTimes | pd.DataFrame
#: The areas table; a Series or array of populations in its place is deprecated.
AreasLike = pd.DataFrame | pd.Series | np.ndarray | Sequence[float]


# ========================================================================= thresholds
def as_thresholds(thresholds: Iterable[float] | float | None, *,
                  param: str = "thresholds", at_least_one: bool = False
                  ) -> tuple[float, ...]:
    """Minutes, sorted and unique: ``None`` → the settings' default; ``15`` → ``(15.0,)``.

    The one reading of ``thresholds`` for every module (measures, evaluate, optimise,
    plot, sensitivity). ``at_least_one=True`` refuses an empty sequence.

    Raises
    ------
    InputError
        For text (``"15"`` would otherwise read as 1 and 5 minutes), or a value that is
        not a positive number of minutes, or (with ``at_least_one``) no threshold at all;
        the message names ``param``.

    Examples
    --------
    >>> as_thresholds([30, 15, 15]), as_thresholds(10)
    ((15.0, 30.0), (10.0,))
    """
    if thresholds is None:
        thresholds = settings.thresholds_minutes
    if isinstance(thresholds, (str, bytes)):
        raise InputError(f"{param}={thresholds!r} is text; {param} must be numbers of "
                         f"minutes, e.g. {param}=[15, 30] (or {param}=15 for one threshold)",
                         column=param)
    if isinstance(thresholds, (int, float, np.number)):
        thresholds = (thresholds,)
    try:
        values = [float(t) for t in thresholds]  # type: ignore[union-attr]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{param} must be numbers of minutes, got {thresholds!r}",
                         column=param) from exc
    bad = [t for t in values if not (math.isfinite(t) and t > 0)]
    if bad:
        raise InputError(f"{param} must be positive numbers of minutes, got {bad}",
                         column=param)
    if at_least_one and not values:
        raise InputError(f"{param}: give at least one threshold", column=param)
    return tuple(sorted(set(values)))


# ============================================================================= matrix
def as_travel(tt: Any) -> TravelTimes:
    """A :class:`TravelTimes` from a TravelTimes, a DataFrame of minutes or a NearestIndex."""
    inner = getattr(tt, "travel_times", None)  # a NearestIndex holds its matrix
    if isinstance(inner, TravelTimes):
        return inner
    if isinstance(tt, TravelTimes):
        return tt
    if isinstance(tt, pd.DataFrame):
        return TravelTimes.from_frame(tt)
    raise InputError(f"expected a TravelTimes (geoaccess.travel_times) or a DataFrame of "
                     f"minutes, got {type(tt).__name__}")


def matrix_arrays(tt: Any) -> tuple[np.ndarray, pd.Index, pd.Index]:
    """Minutes (float64 areas × sites), area ids and site ids of a matrix-like input."""
    m = tt if isinstance(tt, pd.DataFrame) else as_travel(tt).minutes
    values = m.to_numpy(dtype=np.float64)
    return values, pd.Index(m.index.astype(str), name="area_id"), pd.Index(
        m.columns.astype(str), name="site_id")


def as_roles(roles: Iterable[str] | str) -> tuple[str, ...]:
    """Roles as a tuple of str (one role may be given as a str)."""
    return (roles,) if isinstance(roles, str) else tuple(str(r) for r in roles)


def open_mask(scenario: Scenario, site_ids: pd.Index, roles: Iterable[str] | str | None,
              ) -> np.ndarray:
    """Which sites of the matrix are open (with one of ``roles``) under ``scenario``.

    Raises
    ------
    InputError
        When the scenario opens sites that are not in the matrix.
    """
    if not isinstance(scenario, Scenario):
        raise InputError(f"expected a geoaccess.Scenario, got {type(scenario).__name__}")
    known = set(site_ids)
    unknown = [s for s in scenario.roles if s not in known]
    if unknown:
        raise InputError(
            f"scenario {scenario.name!r} opens sites that are not in the travel-time matrix "
            f"{show_ids(unknown)}; compute the matrix with these sites (or remove them)",
            column=scenario.name, rows=unknown)
    return scenario.mask(site_ids, None if roles is None else list(as_roles(roles)))


def area_ok(tt: TravelTimes) -> np.ndarray:
    """True for areas without an area-level reason (their origin is on the network)."""
    r = tt.area_reason.reindex(tt.minutes.index)
    return r.isna().to_numpy()


# ========================================================================= population
def _population_name(areas: pd.DataFrame | None, population: str | None, func: str) -> str:
    """The population column: ``population``, else the first of ``areas.attrs``."""
    if areas is None:
        raise InputError(f"{func}: pass the areas table and its population column, e.g. "
                         "areas=areas, population='children_0_4'")
    if population is None:
        listed = list(areas.attrs.get("population", []) or [])
        if not listed:
            raise InputError(f"{func}: name the population column of areas, e.g. "
                             "population='children_0_4'", column="population")
        population = str(listed[0])
    check_population_column(areas, population)
    return population


def _old_population(areas: Any, population: Any, func: str) -> Any:
    """The populations given the old way (a Series or array), or None if given the new way."""
    if population is not None and not isinstance(population, str):
        if areas is not None:
            raise InputError(f"{func}: population= names a column of areas; got both areas "
                             "and a Series or array of populations")
        old = population
    elif areas is not None and not isinstance(areas, pd.DataFrame):
        if population is not None:
            raise InputError(f"{func}: areas must be the areas table (a DataFrame with the "
                             f"column population={population!r}), got {type(areas).__name__}")
        old = areas
    else:
        return None
    warn_old(f"{func}: pass the areas table and the name of its population column "
                    "(areas=areas, population='children_0_4'); a Series or array of "
                    "populations will stop working in a future release", internal_ok=True)
    return old


def area_weights(areas: Any, population: Any, ids: pd.Index, *, func: str) -> np.ndarray:
    """Population of each area of ``ids`` (the matrix's areas), as float64 (validated).

    ``areas`` is the areas table (``area_id`` and the ``population`` column); the old
    spelling, a Series indexed by area id or an array in the matrix's order (as
    ``areas`` or ``population``), still works with a FutureWarning.
    """
    old = _old_population(areas, population, func)
    if old is None:
        col = _population_name(areas, population, func)
        what = f"areas: column {col!r}"
        by_id = pd.Series(areas[col].to_numpy(), index=area_ids(areas))
        values = values_by_area(by_id, ids, what=what, of=" of the travel-time matrix",
                                column=col)
        check_population_values(values, ids, what=what, column=col)
        return values
    if isinstance(old, pd.Series):
        values = values_by_area(old, ids, what="population", of=" of the travel-time matrix",
                                column=str(old.name))
    else:
        values = np.asarray(old, dtype=np.float64).ravel()
        if len(values) != len(ids):
            raise InputError(f"population: {len(values)} values for {len(ids)} areas; pass "
                             "the areas table and its population column")
    check_population_values(values, ids, what="population")
    return values


def minutes_and_weights(minutes: Any, areas: Any, population: Any, *, func: str,
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Minutes per area and the population of each, aligned, as float64 arrays.

    A Series of minutes is matched to the areas table by ``area_id`` (every area of the
    Series needs a population); an array is taken in the table's row order.
    """
    old = _old_population(areas, population, func)
    if old is None:
        col = _population_name(areas, population, func)
        what = f"areas: column {col!r}"
        if isinstance(minutes, pd.Series) and "area_id" in areas.columns:
            ids = pd.Index(minutes.index.astype(str), name="area_id")
            by_id = pd.Series(areas[col].to_numpy(), index=area_ids(areas))
            w = values_by_area(by_id, ids, what=what, of=" of the minutes", column=col)
        else:
            ids = pd.Index((areas["area_id"] if "area_id" in areas.columns
                            else areas.index).astype(str))
            w = pd.to_numeric(areas[col], errors="coerce").to_numpy(np.float64)
        m = np.asarray(minutes, dtype=np.float64).ravel()
        if len(m) != len(w):
            raise InputError(f"{func}: {len(m)} minutes for {len(w)} areas")
        check_population_values(w, ids, what=what, column=col)
        return m, w
    if isinstance(minutes, pd.Series) and isinstance(old, pd.Series):
        old = old.reindex(minutes.index)
    m = np.asarray(minutes, dtype=np.float64).ravel()
    w = np.asarray(old, dtype=np.float64).ravel()
    if len(m) != len(w):
        raise InputError(f"minutes ({len(m)}) and population ({len(w)}) differ in length")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise InputError(f"population: {int(bad.sum())} missing or negative values; every "
                         "area needs a population >= 0")
    return m, w
