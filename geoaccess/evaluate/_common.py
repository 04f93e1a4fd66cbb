"""Helpers shared by evaluate and compare: scenarios, areas, thresholds, tables."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import measures as _m
from .._validate import area_ids, check_population_column, show_ids
from ..errors import InputError
from ..matrix import TravelTimes
from ..scenario import Scenario, as_scenario, catchment_times

__all__ = ["MEASURES", "STATUSES", "Setup", "areas_frame", "catchment_reasons",
           "join_geometry", "label", "measure_kwargs", "pick_table", "population_column",
           "scenario_list", "thresholds_of"]

log = logging.getLogger("geoaccess.evaluate")

#: Extra measures :func:`evaluate` can add (``measures=``), each a column of that name;
#: ``"sessions"`` adds the hours of what families reach: ``nearest_role``,
#: ``nearest_sessions`` and ``sessions_within_<t>``.
MEASURES = ("gravity", "two_step_fca", "enhanced_two_step_fca", "sessions")

#: Statuses of an area (or origin) in a :class:`Comparison`.
STATUSES = ("gain", "loss", "unchanged", "unknown")


def thresholds_of(thresholds: Any, what: str = "thresholds") -> tuple[float, ...]:
    """Sorted unique minutes; a number is wrapped, a string refused ("15" is not (1, 5))."""
    return _m.as_thresholds(thresholds, param=what)


def scenario_list(scenarios: Any) -> list[Scenario]:
    items: list[Any]
    if isinstance(scenarios, Scenario) or isinstance(getattr(scenarios, "scenario", None),
                                                     Scenario):
        items = [as_scenario(scenarios)]
    elif isinstance(scenarios, Mapping):
        items = []
        for key, s in scenarios.items():
            if not isinstance(getattr(s, "scenario", s), Scenario):
                raise InputError(f"scenarios: value for {key!r} is a {type(s).__name__}, not a "
                                 "Scenario")
            items.append(as_scenario(s))
    elif isinstance(scenarios, Iterable) and not isinstance(scenarios, (str, bytes)):
        items = [getattr(s, "scenario", s) if isinstance(getattr(s, "scenario", None), Scenario)
                 else s for s in scenarios]
    else:
        raise InputError(f"scenarios: expected a Scenario or a list of them (see "
                         f"geoaccess.read_scenarios), got {type(scenarios).__name__}")
    if not items:
        raise InputError("scenarios: no scenario given")
    bad = [type(s).__name__ for s in items if not isinstance(s, Scenario)]
    if bad:
        raise InputError(f"scenarios: expected Scenario objects, got {bad[:3]}; build them "
                         "with geoaccess.Scenario or geoaccess.read_scenarios (an optimiser "
                         "Solution is accepted too: its .scenario is used)")
    names = [s.name for s in items]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise InputError(f"scenarios: duplicate names {show_ids(dups)}; give each scenario its "
                         "own name", column=dups[0])
    return items


def areas_frame(areas: Any, tt: TravelTimes) -> pd.DataFrame:
    if areas is None:
        return pd.DataFrame({"area_id": tt.area_ids.astype(str)})
    area_ids(areas)
    return areas


def population_column(areas: pd.DataFrame, population: str | None) -> str | None:
    if population is None:
        listed = list(areas.attrs.get("population", []) or [])
        if listed:
            population = str(listed[0])
            log.info("weighting by population column %r (areas.attrs['population'])",
                     population)
        else:
            return None
    check_population_column(areas, population)
    return population


#: How the generic reasons for a missing time begin (a catchment reason is more precise)
_GENERIC = ("no time to any open site", "no time from any origin", "scenario ",
            "every open site")


def catchment_reasons(reasons: np.ndarray, minutes: np.ndarray, area_ids: np.ndarray,
                      why: pd.Series) -> np.ndarray:
    """Reasons with the catchment's (``why``) where it left an area without a time."""
    if not len(why):
        return reasons
    out = reasons.copy()
    fill = why.reindex(pd.Index(area_ids)).to_numpy(dtype=object)
    for i in np.nonzero(np.isnan(minutes) & pd.notna(fill))[0]:
        if pd.isna(out[i]) or (isinstance(out[i], str) and out[i].startswith(_GENERIC)):
            out[i] = fill[i]
    return out


def label(t: float) -> str:
    return _m.threshold_label(t)


def measure_kwargs(measures: Any) -> dict[str, dict[str, Any]]:
    if measures is None:
        return {}
    if isinstance(measures, str):
        measures = [measures]
    if isinstance(measures, Mapping):
        items = dict(measures)
    else:
        items = {str(m): {} for m in measures}
    out: dict[str, dict[str, Any]] = {}
    for name, kw in items.items():
        if name not in MEASURES:
            raise InputError(f"measures: unknown measure {name!r}; choose from {list(MEASURES)}")
        if kw is False or kw is None:
            continue
        out[name] = {} if kw is True else dict(kw)
    return out


def pick_table(owner: Any, table: str) -> pd.DataFrame:
    """``owner.areas`` or ``owner.summary``, by name (for ``to_csv``/``to_parquet``)."""
    frames = {"areas": owner.areas, "summary": owner.summary}
    for extra in ("origins", "sites"):
        if getattr(owner, extra, None) is not None:
            frames[extra] = getattr(owner, extra)
    if table not in frames:
        raise InputError(f"table must be one of {list(frames)}, got {table!r}")
    return frames[table]


def join_geometry(table: pd.DataFrame, areas: Any, scenario: str | None, names: Sequence[str]):
    import geopandas as gpd

    if not isinstance(areas, gpd.GeoDataFrame) or "area_id" not in areas.columns:
        raise InputError("areas: expected the areas GeoDataFrame (geoaccess.read_areas) with "
                         "'area_id' and geometry")
    rows = table
    if scenario is not None:
        if scenario not in names:
            raise InputError(f"unknown scenario {scenario!r}; scenarios are {list(names)}",
                             column="scenario")
        rows = table[table["scenario"] == scenario]
    geo = areas[["area_id", areas.geometry.name]].copy()
    geo["area_id"] = geo["area_id"].astype(str)
    merged = geo.merge(rows, on="area_id", how="inner", validate="one_to_many"
                       if scenario is None else "one_to_one")
    order = {a: i for i, a in enumerate(rows["area_id"].drop_duplicates())}
    merged = merged.iloc[np.argsort(merged["area_id"].map(order).to_numpy(), kind="stable")]
    if scenario is None:
        merged = merged.sort_values(["scenario"], key=lambda s: s.map(
            {n: i for i, n in enumerate(names)}), kind="stable")
    return gpd.GeoDataFrame(merged.reset_index(drop=True), geometry=areas.geometry.name,
                            crs=areas.crs)




@dataclass
class Setup:
    """Everything an evaluation needs, checked once (see :func:`evaluate`)."""

    tt: TravelTimes
    scenarios: list[Scenario]
    thresholds: tuple[float, ...]
    area_ids: np.ndarray          # areas in input order (object str)
    weights: np.ndarray           # population per area, in that order
    population: str | None
    weight_name: str
    roles: Any
    by_role: tuple[str, ...]
    rules: dict[str, Any]
    measures: dict[str, dict[str, Any]]
    sites: pd.DataFrame | None
    areas: pd.DataFrame | None = None     # for the zones of a catchment rule
    #: the matrices of other modes the rules name (aligned on ``tt``), and tt's mode
    modes: dict[str, TravelTimes] = field(default_factory=dict)
    main_mode: str = "unknown"

    def rule_matrices(self, main: TravelTimes, scenario: Scenario,
                      subset: Callable[[TravelTimes], TravelTimes]) -> Any:
        """What :func:`~geoaccess.measures.meets_rule` takes for one scenario.

        The main matrix as given (``main``: subset, catchment applied), or with the other
        modes' matrices cut the same way (``subset``) under the scenario's catchment rule.
        """
        if not self.modes:
            return main
        out: dict[str, TravelTimes] = {self.main_mode: main}
        for mode, other in self.modes.items():
            part = subset(other)
            out[mode] = (part if scenario.catchment == "nearest"
                         else self.catchment(part, scenario)[0])
        return out

    @property
    def labels(self) -> list[str]:
        return [label(t) for t in self.thresholds]

    def open_sites(self, scenario: Scenario) -> int:
        """Number of open sites counted (with the roles asked for)."""
        if self.roles is None:
            return len(scenario.open_sites)
        return len(scenario.sites_with_role(*_m.as_roles(self.roles)))

    def columns(self, *, origins: bool) -> list[str]:
        """Column order of ``Result.areas``."""
        head = ["area_id", "scenario", "nearest_minutes"]
        if origins:
            head += ["median_minutes", "p90_minutes", "nearest_site", "nearest_site_share"]
        else:
            head += ["nearest_site"]
        return (head + [c for lab in self.labels for c in (
                    f"within_{lab}", f"share_within_{lab}", f"sites_within_{lab}")]
                + [c for role in self.by_role
                   for c in (f"nearest_minutes_{role}", f"nearest_site_{role}")]
                # with origins, the share of each area's people meeting a rule too
                + [c for r in self.rules for c in ((r, f"{r}_share") if origins else (r,))]
                + [m for m in MEASURES if m in self.measures and m != "sessions"]
                + (["nearest_role", "nearest_sessions"]
                   + [f"sessions_within_{lab}" for lab in self.labels]
                   if "sessions" in self.measures else [])
                + (["origins", "origin_method"] if origins else [])
                + [self.weight_name, "reason"])

    def measure_summary(self, table: pd.DataFrame) -> dict[str, float]:
        """A scenario's rules and measures, population-weighted (for ``Result.summary``)."""
        cols = [m for m in MEASURES if m in self.measures and m != "sessions"]
        if "sessions" in self.measures:
            cols += ["nearest_sessions"] + [f"sessions_within_{lab}" for lab in self.labels]
        if not cols and not self.rules:
            return {}
        stats = _m.summarise_measures(table, population=self.weight_name,
                                      rules=list(self.rules), measures=cols)
        return {str(k): float(v) for k, v in stats.items()}

    def catchment(self, tt: TravelTimes, scenario: Scenario) -> tuple[TravelTimes, pd.Series]:
        """The matrix as the scenario's catchment lets families use it, and the reasons.

        See :func:`geoaccess.scenario.catchment_times`: why an area has no site it may use.
        """
        return catchment_times(tt, scenario, areas=self.areas, sites=self.sites,
                               roles=None if self.roles is None else _m.as_roles(self.roles))

    def site_rows(self, scenario: Scenario, site_ids: pd.Index, mask: np.ndarray,
                  people: np.ndarray) -> pd.DataFrame:
        """``Result.sites`` rows: people whose nearest open site each open site is."""
        total = float(self.weights.sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            share = people / total if total > 0 else np.full(len(people), np.nan)
        return pd.DataFrame({"scenario": scenario.name,
                             "site_id": site_ids[mask].to_numpy(dtype=object),
                             "population_nearest": people, "share_nearest": share})
