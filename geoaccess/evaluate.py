"""Evaluate hub configurations area by area, and compare proposals with a baseline.

:func:`evaluate` scores one or more :class:`~geoaccess.Scenario` objects on a precomputed
:class:`~geoaccess.TravelTimes` matrix (array work: no new shortest-path run) and returns
a :class:`Result`: a tidy table with one row per area and scenario, and a per-scenario
summary. :func:`compare` sets each proposal against a baseline (usually the current
network) and returns a :class:`Comparison`: who gains, who loses, who crosses a
threshold ("loses 15-minute access"), and how many children that is.

Both objects export to CSV and Excel and join back to the areas as a GeoDataFrame for
maps; :mod:`geoaccess.equality`, :mod:`geoaccess.plot` and the report read their column
names, documented in the class docstrings.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]))
>>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 50]})
>>> current = ga.Scenario("Current", {"S1": "centre", "S2": "centre"})
>>> proposal = ga.Scenario("Close S2", {"S1": "centre"})
>>> result = ga.evaluate(tt, areas, [current, proposal], population="children",
...                      thresholds=[10, 15])
>>> result.summary[["scenario", "mean_minutes", "share_within_15"]]
   scenario  mean_minutes  share_within_15
0   Current      8.000000         1.000000
1  Close S2     19.333333         0.333333
>>> change = ga.compare(result)
>>> change.areas[["area_id", "change_minutes", "status"]]
  area_id  change_minutes     status
0      E1             0.0  unchanged
1      E2            17.0       loss
2      E3             0.0  unchanged
>>> change.areas.loc[1, "crossing"]
'loses 10- and 15-minute access'
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import measures as _m
from ._fs import write_csv, write_excel, write_parquet
from ._validate import area_ids, check_population_column, show_ids
from .errors import InputError
from .matrix import TravelTimes
from .scenario import Scenario, as_scenario, scenario_table

__all__ = ["Comparison", "Result", "compare", "evaluate"]

log = logging.getLogger(__name__)

#: Extra measures :func:`evaluate` can add (``measures=``), each a column of that name.
MEASURES = ("gravity", "two_step_fca", "enhanced_two_step_fca")

#: Statuses of an area in a :class:`Comparison`.
STATUSES = ("gain", "loss", "unchanged", "unknown")


# ============================================================================ helpers
def _scenario_list(scenarios: Any) -> list[Scenario]:
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
        items = [as_scenario(s) if isinstance(getattr(s, "scenario", None), Scenario) else s
                 for s in scenarios]
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


def _areas_frame(areas: Any, tt: TravelTimes) -> pd.DataFrame:
    if areas is None:
        return pd.DataFrame({"area_id": tt.minutes.index.astype(str)})
    area_ids(areas)
    return areas


def _population_column(areas: pd.DataFrame, population: str | None) -> str | None:
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


def _label(t: float) -> str:
    return _m.threshold_label(t)


def _measure_kwargs(measures: Any) -> dict[str, dict[str, Any]]:
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


def _pick_table(owner: Any, table: str) -> pd.DataFrame:
    """``owner.areas`` or ``owner.summary``, by name (for ``to_csv``/``to_parquet``)."""
    frames = {"areas": owner.areas, "summary": owner.summary}
    if table not in frames:
        raise InputError(f"table must be one of {list(frames)}, got {table!r}")
    return frames[table]


def _join_geometry(table: pd.DataFrame, areas: Any, scenario: str | None, names: Sequence[str]):
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


# ============================================================================ Result
class Result:
    """Per-area and summary measures of one or more scenarios (from :func:`evaluate`).

    Attributes
    ----------
    areas : pandas.DataFrame
        Tidy: one row per area and scenario, areas in the input order within each
        scenario, scenarios in the order given. Columns, in order:

        - ``area_id`` (str), ``scenario`` (str: the scenario's name);
        - ``nearest_minutes`` (float): minutes to the nearest open site (NaN = none
          reachable; see ``reason``), ``nearest_site`` (str; missing where none);
        - for each threshold *t* (``within_{t:g}``, e.g. ``within_15``, ``within_7.5``):
          ``within_<t>`` (bool: ``nearest_minutes <= t``) and ``sites_within_<t>`` (int:
          open sites within *t*);
        - with ``by_role=``: ``nearest_minutes_<role>`` and ``nearest_site_<role>``;
        - with ``rules=``: one bool column per rule, named by its key;
        - with ``measures=``: ``gravity``, ``two_step_fca``, ``enhanced_two_step_fca``;
        - the population column (named as in the areas, e.g. ``children_0_4``; see
          :attr:`population`), float;
        - ``reason`` (str; missing where ``nearest_minutes`` has a value): why
          ``nearest_minutes`` is NaN (the area's origin
          could not be placed on the network, the area is not in the matrix, no route to
          any open site...).

    summary : pandas.DataFrame
        One row per scenario: ``scenario``, ``open_sites``, ``areas``,
        ``areas_unreachable``, ``population``, ``population_reached``,
        ``population_unreachable``, ``mean_minutes``, ``median_minutes``,
        ``p90_minutes``, ``max_minutes`` (population-weighted over areas with a time; see
        :func:`geoaccess.measures.summarise_minutes`), and for each threshold
        ``population_within_<t>`` and ``share_within_<t>`` (share of all people, DfT
        Journey Time Statistics definition).
    scenarios : dict
        Name → :class:`~geoaccess.Scenario`, in order.
    thresholds : tuple of float
        Thresholds in minutes.
    population : str or None
        Name of the population column used as weights (None: every area weighs 1 and the
        summary's population columns count areas).
    mode : str
        Travel mode of the matrix.
    provenance : dict
        The matrix's provenance plus the settings of this evaluation.
    """

    def __init__(self, areas: pd.DataFrame, summary: pd.DataFrame,
                 scenarios: Mapping[str, Scenario], thresholds: tuple[float, ...],
                 population: str | None, mode: str = "unknown",
                 provenance: Mapping[str, Any] | None = None) -> None:
        self.areas = areas
        self.summary = summary
        self.scenarios = dict(scenarios)
        self.thresholds = tuple(thresholds)
        self.population = population
        self.mode = mode
        self.provenance = dict(provenance or {})

    def __repr__(self) -> str:
        n = self.areas["area_id"].nunique() if len(self.areas) else 0
        return (f"Result(scenarios={list(self.scenarios)}, areas={n:,}, mode={self.mode!r}, "
                f"thresholds={[float(t) for t in self.thresholds]})")

    @property
    def scenario_names(self) -> list[str]:
        """Scenario names in order."""
        return list(self.scenarios)

    @property
    def weight_column(self) -> str:
        """Column of :attr:`areas` holding each area's weight (population or ``weight``)."""
        return self.population or "weight"

    def __getitem__(self, scenario: str) -> pd.DataFrame:
        """Rows of one scenario, indexed by ``area_id``."""
        if scenario not in self.scenarios:
            raise KeyError(f"unknown scenario {scenario!r}; scenarios are {self.scenario_names}")
        rows = self.areas[self.areas["scenario"] == scenario]
        return rows.drop(columns="scenario").set_index("area_id")

    def wide(self, column: str = "nearest_minutes") -> pd.DataFrame:
        """One column per scenario of ``column`` (index ``area_id``, areas in input order).

        Examples
        --------
        >>> import pandas as pd, geoaccess as ga
        >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 9.0]}, index=["E1", "E2"]))
        >>> r = ga.evaluate(tt, None, ga.Scenario("A", {"S1": "hub"}))
        >>> r.wide().to_dict("list")
        {'A': [5.0, 9.0]}
        """
        if column not in self.areas.columns:
            raise KeyError(f"no column {column!r}; columns are {list(self.areas.columns)}")
        table = self.areas.pivot(index="area_id", columns="scenario", values=column)
        order = self.areas["area_id"].drop_duplicates()
        table = table.reindex(index=order, columns=self.scenario_names)
        table.columns.name = "scenario"
        return table

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`areas` (the tidy per-area table)."""
        return self.areas.copy()

    def to_geodataframe(self, areas: Any, *, scenario: str | None = None):
        """Join the per-area rows to the areas' geometry, for maps.

        Parameters
        ----------
        areas : geopandas.GeoDataFrame
            Areas from :func:`geoaccess.read_areas` (``area_id`` and geometry).
        scenario : str, optional
            Only this scenario's rows (one per area); default all (one per area and
            scenario).

        Returns
        -------
        geopandas.GeoDataFrame
        """
        return _join_geometry(self.areas, areas, scenario, self.scenario_names)

    def method(self) -> pd.DataFrame:
        """Settings and provenance as a two-column table (``item``, ``value``) for reports."""
        rows = [("mode", self.mode), ("thresholds_minutes",
                                      ", ".join(_label(t) for t in self.thresholds)),
                ("population", self.population or "(none: each area counts 1)")]
        rows += [(str(k), str(v)) for k, v in self.provenance.items()]
        return pd.DataFrame(rows, columns=["item", "value"])

    def to_csv(self, path: str | os.PathLike[str], *, table: str = "areas") -> Path:
        """Write the ``"areas"`` or ``"summary"`` table to CSV (atomically)."""
        return write_csv(_pick_table(self, table), path)

    def to_parquet(self, path: str | os.PathLike[str], *, table: str = "areas") -> Path:
        """Write the ``"areas"`` or ``"summary"`` table to Parquet."""
        return write_parquet(_pick_table(self, table), path)

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write one workbook: sheets ``summary``, ``areas``, ``scenarios``, ``method``."""
        return write_excel(path, {
            "summary": self.summary, "areas": self.areas,
            "scenarios": scenario_table(self.scenarios.values()).reset_index(),
            "method": self.method()})

    def compare(self, baseline: str | None = None, **kwargs: Any) -> Comparison:
        """Shortcut for :func:`compare` ``(self, baseline=..., ...)``."""
        return compare(self, baseline=baseline, **kwargs)


# =========================================================================== evaluate
def evaluate(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None,
    scenarios: Scenario | Iterable[Scenario] | Mapping[str, Scenario],
    *,
    population: str | None = None,
    thresholds: Iterable[float] | float | None = None,
    roles: Iterable[str] | str | None = None,
    by_role: Iterable[str] | str = (),
    rules: Mapping[str, str | _m.AccessRule] | None = None,
    measures: Mapping[str, Any] | Iterable[str] | str | None = None,
    sites: pd.DataFrame | None = None,
) -> Result:
    """Score scenarios on a travel-time matrix, area by area.

    Parameters
    ----------
    tt : TravelTimes
        Area → site minutes (:func:`geoaccess.travel_times` or
        :meth:`TravelTimes.from_frame`). Every site a scenario opens must be a column.
    areas : pandas.DataFrame or None
        Areas (:func:`geoaccess.read_areas`): ``area_id`` and the population column.
        Every area appears in every scenario's rows; an area missing from the matrix gets
        NaN with reason "area not in the travel-time matrix". ``None`` uses the matrix's
        areas, each weighing 1.
    scenarios : Scenario, list of Scenario or dict
        Configurations to score (e.g. from :func:`geoaccess.read_scenarios`).
    population : str, optional
        Population column used as weights (default: the first of
        ``areas.attrs["population"]``).
    thresholds : float or iterable of float, optional
        Minutes (default :data:`geoaccess.settings.thresholds_minutes`).
    roles : str or iterable of str, optional
        Count only open sites with these roles as "a site" (e.g. ``"hub"``).
    by_role : str or iterable of str
        Also give the nearest site of each of these roles (``nearest_minutes_<role>``...).
    rules : mapping, optional
        Column name → access standard (:class:`~geoaccess.measures.AccessRule` text),
        e.g. ``{"meets_standard": "a hub within 20 minutes or an outreach site within
        10"}``.
    measures : mapping or iterable, optional
        Extra measures among ``"gravity"``, ``"two_step_fca"``,
        ``"enhanced_two_step_fca"``, with keyword arguments for each, e.g.
        ``{"gravity": {"decay": "gaussian", "sigma": 10}, "two_step_fca":
        {"threshold_minutes": 20}}``; the 2SFCA demand is the population column.
    sites : pandas.DataFrame, optional
        Sites table, for capacities not held by the scenarios (2SFCA, gravity).

    Returns
    -------
    Result
        ``.areas`` (tidy per area and scenario) and ``.summary`` (per scenario); see
        :class:`Result` for the columns.

    Raises
    ------
    InputError
        A scenario opening a site missing from the matrix, duplicate scenario names,
        a missing population column, bad thresholds.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                             index=["E1", "E2"]))
    >>> r = ga.evaluate(tt, pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0]}),
    ...                 ga.Scenario("S2 only", {"S2": "hub"}), population="kids",
    ...                 thresholds=[10])
    >>> r.areas[["area_id", "nearest_minutes", "nearest_site", "within_10"]]
      area_id  nearest_minutes nearest_site  within_10
    0      E1             12.0           S2      False
    1      E2              8.0           S2       True
    """
    t = tt if isinstance(tt, TravelTimes) else _m._travel(tt)
    items = _scenario_list(scenarios)
    thr = _m._thresholds(thresholds)
    frame = _areas_frame(areas, t)
    pop_col = _population_column(frame, population) if areas is not None else population
    if areas is None and pop_col is not None:
        raise InputError("population= needs the areas table; pass areas")
    area_ids = frame["area_id"].astype(str).to_numpy(dtype=object)
    known = set(t.minutes.index.astype(str))
    in_matrix = np.fromiter((a in known for a in area_ids), dtype=bool, count=len(area_ids))
    missing_ids = area_ids[~in_matrix].tolist()
    if missing_ids:
        log.warning("%d areas are not in the travel-time matrix (e.g. %s); they get NaN",
                    len(missing_ids), missing_ids[:5])
    extra = t.minutes.index.difference(pd.Index(area_ids))
    if len(extra):
        log.info("%d areas of the matrix are not in the areas table and are left out",
                 len(extra))
    present = area_ids[in_matrix]
    sub = t.subset(areas=list(present)) if (len(extra) or not in_matrix.all()
                                            or not (t.minutes.index == present).all()) else t
    if pop_col is not None:
        weights = pd.to_numeric(frame[pop_col], errors="coerce").to_numpy(np.float64)
        bad = ~np.isfinite(weights) | (weights < 0)
        if bad.any():
            rows = area_ids[bad].tolist()
            raise InputError(f"areas: column {pop_col!r} has missing or negative values for "
                             f"{show_ids(rows)}", column=pop_col, rows=rows)
    else:
        weights = np.ones(len(area_ids))
    weight_name = pop_col or "weight"
    reserved = {"area_id", "scenario", "reason", "nearest_minutes", "nearest_site"}
    if weight_name in reserved:
        raise InputError(f"population column {weight_name!r} clashes with a result column; "
                         "rename it")
    kw = _measure_kwargs(measures)
    rule_objs = {str(k): (v if isinstance(v, _m.AccessRule) else _m.AccessRule.parse(str(v)))
                 for k, v in (rules or {}).items()}
    role_list = _m._roles(by_role) if by_role else ()
    demand = pd.Series(weights[in_matrix], index=pd.Index(present, name="area_id"))
    has_rows = len(present) > 0

    frames = []
    summaries = []
    for scen in items:
        _m._open_mask(scen, t.minutes.columns.astype(str), None)
        cols: dict[str, Any] = {}
        if has_rows:
            near = _m.nearest(sub, scen, roles=roles)
            cols["nearest_minutes"] = near["nearest_minutes"]
            cols["nearest_site"] = near["nearest_site"]
            wi = _m.within(sub, scen, thresholds=thr, roles=roles)
            for c in wi.columns:
                cols[c] = wi[c]
            for role in role_list:
                nr = _m.nearest(sub, scen, roles=[role])
                cols[f"nearest_minutes_{role}"] = nr["nearest_minutes"]
                cols[f"nearest_site_{role}"] = nr["nearest_site"]
            for name, rule in rule_objs.items():
                cols[name] = _m.meets_rule(sub, scen, rule)
            if "gravity" in kw:
                cols["gravity"] = _m.gravity(sub, scen, roles=roles, sites=sites,
                                             **kw["gravity"])
            for name, fn in (("two_step_fca", _m.two_step_fca),
                             ("enhanced_two_step_fca", _m.enhanced_two_step_fca)):
                if name in kw:
                    cols[name] = fn(sub, scen, demand, roles=roles, sites=sites, **kw[name])
            reason = near["reason"]
        part = pd.DataFrame(cols, index=pd.Index(present, name="area_id")) \
            if has_rows else pd.DataFrame(index=pd.Index([], name="area_id"))
        part = part.reindex(pd.Index(area_ids, name="area_id"))
        # areas not in the matrix: NaN minutes, no site, never within, with a reason
        for c in part.columns:
            if c.startswith("within_") or c in rule_objs:
                part[c] = part[c].astype("boolean").fillna(False).astype(bool)
            elif c.startswith("sites_within_"):
                part[c] = part[c].fillna(0).astype(np.int64)
        for lab in (_label(x) for x in thr):
            for c in (f"within_{lab}", f"sites_within_{lab}"):
                if c not in part.columns:
                    part[c] = False if c.startswith("within") else 0
        for c in ("nearest_minutes",):
            if c not in part.columns:
                part[c] = np.nan
        if "nearest_site" not in part.columns:
            part["nearest_site"] = None
        reasons = (reason.reindex(part.index).astype(object) if has_rows
                   else pd.Series(None, index=part.index, dtype=object))
        reasons = reasons.where(in_matrix, "area not in the travel-time matrix")
        part[weight_name] = weights
        part["reason"] = reasons.to_numpy(dtype=object)
        part.insert(0, "scenario", scen.name)
        part = part.reset_index()
        order = (["area_id", "scenario", "nearest_minutes", "nearest_site"]
                 + [c for lab in (_label(x) for x in thr)
                    for c in (f"within_{lab}", f"sites_within_{lab}")]
                 + [c for role in role_list
                    for c in (f"nearest_minutes_{role}", f"nearest_site_{role}")]
                 + list(rule_objs) + [m for m in MEASURES if m in kw]
                 + [weight_name, "reason"])
        part = part[order]
        frames.append(part)
        stats = _m.summarise_minutes(part["nearest_minutes"].to_numpy(), weights,
                                     thresholds=thr)
        row: dict[str, Any] = {"scenario": scen.name,
                               "open_sites": len(scen.sites_with_role(*_m._roles(roles))
                                                 if roles is not None else scen.open_sites)}
        row.update({str(k): v for k, v in stats.items()})
        row["areas"] = int(row["areas"])
        row["areas_unreachable"] = int(row["areas_unreachable"])
        summaries.append(row)
    table = pd.concat(frames, ignore_index=True)
    table["area_id"] = table["area_id"].astype(object)
    table["scenario"] = table["scenario"].astype(object)
    summary = pd.DataFrame(summaries)
    provenance = dict(t.provenance)
    provenance.update({
        "evaluated_roles": "any" if roles is None else "/".join(_m._roles(roles)),
        "within_definition": "nearest open site's minutes <= threshold (inclusive)",
        "summary_definition": "population-weighted over areas with a time; shares over "
                              "all people (DfT Journey Time Statistics)",
    })
    for name, kws in kw.items():
        provenance[f"measure_{name}"] = ", ".join(f"{k}={v}" for k, v in kws.items()) \
            or "defaults"
    for name, rule in rule_objs.items():
        provenance[f"rule_{name}"] = rule.describe()
    log.info("evaluated %d scenarios over %d areas", len(items), len(area_ids))
    return Result(table, summary, {s.name: s for s in items}, thr, pop_col, mode=t.mode,
                  provenance=provenance)


# ======================================================================= Comparison
class Comparison:
    """Each proposal against a baseline, area by area (from :func:`compare`).

    Attributes
    ----------
    areas : pandas.DataFrame
        One row per area and proposal (every scenario but the baseline, in order; areas
        in input order). Columns, in order:

        - ``area_id``, ``scenario`` (the proposal), ``baseline`` (the baseline's name);
        - ``baseline_minutes``, ``nearest_minutes`` (under the proposal),
          ``change_minutes`` (proposal − baseline; NaN when either is missing);
        - ``baseline_site``, ``nearest_site``;
        - ``status``: ``"gain"`` (at least ``tolerance_minutes`` quicker, or a time where
          there was none), ``"loss"`` (at least ``tolerance_minutes`` slower, or no longer
          any reachable open site), ``"unchanged"``, or ``"unknown"`` (no time under
          either: see ``reason``);
        - for each threshold *t*: ``loses_<t>`` (bool: within *t* under the baseline, not
          under the proposal) and ``gains_<t>``;
        - ``crossing`` (str): e.g. ``"loses 15-minute access"``, ``"loses 10- and
          15-minute access"``, ``"gains 20-minute access"``, or ``""``;
        - the population column (named as in the areas; see :attr:`population`);
        - ``reason`` (str; missing where both times exist): why a time is missing.

        Text columns hold missing values as NaN (pandas' string dtype) or None; test
        with :func:`pandas.isna`.

    summary : pandas.DataFrame
        One row per proposal: ``scenario``, ``baseline``, ``areas_gain``, ``areas_loss``,
        ``areas_unchanged``, ``areas_unknown``, ``population_gain``,
        ``population_loss``, ``population_unchanged``, ``population_unknown``,
        ``mean_change_minutes`` (population-weighted over areas with both times),
        ``max_change_minutes``, and per threshold ``population_loses_<t>``,
        ``population_gains_<t>``, ``areas_loses_<t>``, ``areas_gains_<t>``.
    baseline : str
        Name of the baseline scenario.
    tolerance_minutes : float
        Changes no larger than this count as unchanged.
    thresholds : tuple of float
    population : str or None
        Population column (as in :attr:`Result.population`).
    result : Result
        The evaluation compared.
    """

    def __init__(self, areas: pd.DataFrame, summary: pd.DataFrame, baseline: str,
                 tolerance_minutes: float, result: Result) -> None:
        self.areas = areas
        self.summary = summary
        self.baseline = baseline
        self.tolerance_minutes = float(tolerance_minutes)
        self.result = result
        self.thresholds = result.thresholds
        self.population = result.population

    def __repr__(self) -> str:
        return (f"Comparison(baseline={self.baseline!r}, proposals={self.scenario_names}, "
                f"tolerance_minutes={self.tolerance_minutes:g})")

    @property
    def scenario_names(self) -> list[str]:
        """Proposal names in order (the baseline excluded)."""
        return [s for s in self.result.scenario_names if s != self.baseline]

    @property
    def weight_column(self) -> str:
        """Column of :attr:`areas` holding each area's weight."""
        return self.result.weight_column

    def __getitem__(self, scenario: str) -> pd.DataFrame:
        """Rows of one proposal, indexed by ``area_id``."""
        if scenario not in self.scenario_names:
            raise KeyError(f"unknown proposal {scenario!r}; proposals are "
                           f"{self.scenario_names}")
        rows = self.areas[self.areas["scenario"] == scenario]
        return rows.drop(columns="scenario").set_index("area_id")

    def losers(self, scenario: str, threshold: float | None = None) -> pd.DataFrame:
        """Areas that lose under ``scenario`` (status loss, or crossing ``threshold``)."""
        rows = self[scenario]
        if threshold is None:
            return rows[rows["status"] == "loss"]
        col = f"loses_{_label(threshold)}"
        if col not in rows.columns:
            raise KeyError(f"no threshold {threshold}; thresholds are {list(self.thresholds)}")
        return rows[rows[col]]

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`areas`."""
        return self.areas.copy()

    def to_geodataframe(self, areas: Any, *, scenario: str | None = None):
        """Join the per-area rows to the areas' geometry (see :meth:`Result.to_geodataframe`)."""
        return _join_geometry(self.areas, areas, scenario, self.scenario_names)

    def to_csv(self, path: str | os.PathLike[str], *, table: str = "areas") -> Path:
        """Write the ``"areas"`` or ``"summary"`` table to CSV (atomically)."""
        return write_csv(_pick_table(self, table), path)

    def to_parquet(self, path: str | os.PathLike[str], *, table: str = "areas") -> Path:
        """Write the ``"areas"`` or ``"summary"`` table to Parquet."""
        return write_parquet(_pick_table(self, table), path)

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write one workbook: the comparison's and the evaluation's tables.

        Sheets ``change_summary``, ``change_areas``, ``summary``, ``areas``,
        ``scenarios`` and ``method``.
        """
        return write_excel(path, {
            "change_summary": self.summary, "change_areas": self.areas,
            "summary": self.result.summary, "areas": self.result.areas,
            "scenarios": scenario_table(self.result.scenarios.values()).reset_index(),
            "method": self.result.method()})


def _crossing(loses: list[str], gains: list[str]) -> str:
    def words(labels: list[str]) -> str:
        if len(labels) == 1:
            return f"{labels[0]}-minute"
        return ", ".join(f"{lab}-" for lab in labels[:-1]) + f" and {labels[-1]}-minute"

    parts = []
    if loses:
        parts.append(f"loses {words(loses)} access")
    if gains:
        parts.append(f"gains {words(gains)} access")
    return "; ".join(parts)


def compare(result: Result, baseline: str | None = None, *, tolerance_minutes: float = 0.0,
            scenarios: Iterable[str] | None = None) -> Comparison:
    """Compare each proposal with a baseline: change in minutes, gains, losses, crossers.

    Parameters
    ----------
    result : Result
        From :func:`evaluate`, with the baseline among its scenarios.
    baseline : str, optional
        Name of the baseline scenario (default: the first scenario).
    tolerance_minutes : float
        Changes of at most this many minutes count as ``unchanged`` (default 0: any
        change counts). Threshold crossings are reported whatever the tolerance.
    scenarios : iterable of str, optional
        Proposals to compare (default: every other scenario).

    Returns
    -------
    Comparison
        ``.areas`` per area and proposal, ``.summary`` per proposal; see
        :class:`Comparison` for the columns.

    Examples
    --------
    Baseline: S1 and S2 open; proposal: S2 closes. E2 goes from 8 (S2) to 25 minutes
    (S1): change +17, a loss, and it leaves the 10- and 15-minute bands; its 300 children
    are counted in ``population_loses_10`` and ``population_loses_15``::

              S1   S2   children
        E1     5   12        100    5 -> 5    unchanged
        E2    25    8        300    8 -> 25   loss, loses 10 and 15

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                             index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [100.0, 300.0]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})],
    ...                 population="children", thresholds=[10, 15])
    >>> c = ga.compare(r, baseline="Now")
    >>> c.summary.loc[0, ["population_loss", "population_loses_10", "population_loses_15"]].tolist()
    [300.0, 300.0, 300.0]
    """
    if not isinstance(result, Result):
        raise InputError(f"compare: expected a Result from geoaccess.evaluate, got "
                         f"{type(result).__name__}")
    names = result.scenario_names
    if baseline is None:
        baseline = names[0]
        log.info("compare: baseline is the first scenario, %r", baseline)
    if baseline not in names:
        raise InputError(f"compare: no scenario {baseline!r} in the result; scenarios are "
                         f"{names}", column="scenario")
    if not tolerance_minutes >= 0:
        raise InputError(f"tolerance_minutes must be >= 0, got {tolerance_minutes}")
    proposals = [s for s in names if s != baseline] if scenarios is None else list(scenarios)
    unknown = [s for s in proposals if s not in names]
    if unknown:
        raise InputError(f"compare: unknown scenarios {unknown}; scenarios are {names}",
                         column="scenario")
    proposals = [s for s in proposals if s != baseline]
    weight = result.weight_column
    labels = [_label(t) for t in result.thresholds]
    base = result[baseline]
    tol = float(tolerance_minutes) + 1e-9
    frames = []
    rows = []
    for name in proposals:
        prop = result[name]
        b = base["nearest_minutes"].to_numpy(np.float64)
        p = prop["nearest_minutes"].to_numpy(np.float64)
        change = p - b
        hb, hp = np.isfinite(b), np.isfinite(p)
        status = np.full(len(b), "unchanged", dtype=object)
        status[hb & hp & (change < -tol)] = "gain"
        status[hb & hp & (change > tol)] = "loss"
        status[hb & ~hp] = "loss"
        status[~hb & hp] = "gain"
        status[~hb & ~hp] = "unknown"
        out = pd.DataFrame({
            "area_id": prop.index.to_numpy(dtype=object),
            "scenario": name,
            "baseline": baseline,
            "baseline_minutes": b,
            "nearest_minutes": p,
            "change_minutes": change,
            "baseline_site": base["nearest_site"].to_numpy(dtype=object),
            "nearest_site": prop["nearest_site"].to_numpy(dtype=object),
            "status": status,
        })
        lose_cols, gain_cols = {}, {}
        for lab in labels:
            wb = base[f"within_{lab}"].to_numpy(bool)
            wp = prop[f"within_{lab}"].to_numpy(bool)
            lose_cols[lab] = wb & ~wp
            gain_cols[lab] = ~wb & wp
            out[f"loses_{lab}"] = lose_cols[lab]
            out[f"gains_{lab}"] = gain_cols[lab]
        out["crossing"] = [
            _crossing([lab for lab in labels if lose_cols[lab][i]],
                      [lab for lab in labels if gain_cols[lab][i]])
            for i in range(len(out))]
        w = prop[weight].to_numpy(np.float64)
        out[weight] = w
        prop_reason = prop["reason"].to_numpy(dtype=object)
        base_reason = base["reason"].to_numpy(dtype=object)
        reason = prop_reason.copy()
        fill = pd.isna(reason)
        reason[fill] = base_reason[fill]
        out["reason"] = reason
        frames.append(out)
        both = hb & hp
        wsum = w[both].sum()
        row: dict[str, Any] = {"scenario": name, "baseline": baseline}
        for st in STATUSES:
            row[f"areas_{st}"] = int((status == st).sum())
        for st in STATUSES:
            row[f"population_{st}"] = float(w[status == st].sum())
        row["mean_change_minutes"] = (float((w[both] * change[both]).sum() / wsum)
                                      if wsum > 0 else float("nan"))
        row["max_change_minutes"] = float(change[both].max()) if both.any() else float("nan")
        for lab in labels:
            row[f"population_loses_{lab}"] = float(w[lose_cols[lab]].sum())
            row[f"population_gains_{lab}"] = float(w[gain_cols[lab]].sum())
            row[f"areas_loses_{lab}"] = int(lose_cols[lab].sum())
            row[f"areas_gains_{lab}"] = int(gain_cols[lab].sum())
        rows.append(row)
    columns = (["area_id", "scenario", "baseline", "baseline_minutes", "nearest_minutes",
                "change_minutes", "baseline_site", "nearest_site", "status"]
               + [c for lab in labels for c in (f"loses_{lab}", f"gains_{lab}")]
               + ["crossing", weight, "reason"])
    table = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame(columns=columns))
    summary_columns = (["scenario", "baseline"] + [f"areas_{st}" for st in STATUSES]
                       + [f"population_{st}" for st in STATUSES]
                       + ["mean_change_minutes", "max_change_minutes"]
                       + [c for lab in labels for c in (
                           f"population_loses_{lab}", f"population_gains_{lab}",
                           f"areas_loses_{lab}", f"areas_gains_{lab}")])
    summary = pd.DataFrame(rows, columns=summary_columns)
    if not proposals:
        log.warning("compare: no proposal to compare with the baseline %r", baseline)
    return Comparison(table, summary, baseline, tolerance_minutes, result)
