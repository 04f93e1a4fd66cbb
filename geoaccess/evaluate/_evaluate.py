"""evaluate(): score scenarios on a matrix, area by area (or origin by origin)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import measures as _m
from .._validate import show_ids
from ..errors import InputError
from ..matrix import TravelTimes
from ..measures.rules import rule_matrices as matrices_of
from ..scenario import Scenario
from ._common import (
    Setup,
    areas_frame,
    catchment_reasons,
    measure_kwargs,
    population_column,
    scenario_list,
    thresholds_of,
)
from ._origins import score_origins
from ._result import Result

__all__ = ["evaluate"]

log = logging.getLogger("geoaccess.evaluate")


def evaluate(
    tt: TravelTimes | pd.DataFrame | Mapping[str, TravelTimes],
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
        :meth:`TravelTimes.from_frame`), or origin → site minutes (a matrix over
        :func:`geoaccess.build_origins`): each origin is scored, then its area gets the
        population-weighted share within each threshold, mean and percentiles of
        minutes (see :class:`Result`). Every site a scenario opens must be a column.
        For ``rules`` naming several modes ("a centre within 15 minutes on foot or 10 by
        car"), a mapping mode → matrix (``{"walk": tt_walk, "drive": tt_drive}``): the
        first is the main one, for every other measure; the others serve only the rules'
        conditions naming their mode, and must hold the same rows (areas, or the same
        homes) and sites.
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
    thresholds : sequence of float, optional
        Minutes (default :data:`geoaccess.settings.thresholds_minutes`); one number is
        taken as a sequence of one, a string is refused.
    roles : str or iterable of str, optional
        Count only open sites with these roles as "a site" (e.g. ``"hub"``).
    by_role : str or iterable of str
        Also give the nearest site of each of these roles (``nearest_minutes_<role>``...).
    rules : mapping, optional
        Column name → access standard (:class:`~geoaccess.measures.AccessRule` text),
        e.g. ``{"meets_standard": "a hub within 20 minutes or an outreach site within
        10"}``, or over several modes, ``{"standard": "a centre within 15 minutes on
        foot or 10 by car"}`` (with a matrix per mode). With homes, each home meets the
        rule or not and its area gets the share of its people who do.
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
        ``.areas`` (tidy per area and scenario), ``.summary`` (per scenario),
        ``.sites`` (people nearest to each open site) and, with origins, ``.origins``;
        see :class:`Result` for the columns.

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

    With origins, an area is no longer wholly in or out. E1's homes h1 (3/4 of its
    children, 4 minutes from S2) and h2 (1/4, 14 minutes): within 10 minutes 0.75, mean
    0.75 × 4 + 0.25 × 14 = 6.5 minutes.

    >>> origins = pd.DataFrame({"area_id": ["E1", "E1", "E2"], "weight": [3, 1, 1]},
    ...                        index=["h1", "h2", "h3"])
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S2": [4.0, 14.0, 8.0]},
    ...                                index=["h1", "h2", "h3"]), origins=origins)
    >>> r = ga.evaluate(tt, pd.DataFrame({"area_id": ["E1", "E2"], "kids": [40.0, 10.0]}),
    ...                 ga.Scenario("S2 only", {"S2": "hub"}), population="kids",
    ...                 thresholds=[10])
    >>> r.areas[["area_id", "nearest_minutes", "share_within_10"]]
      area_id  nearest_minutes  share_within_10
    0      E1              6.5             0.75
    1      E2              8.0             1.00
    >>> r.summary.loc[0, ["population_within_10", "share_within_10"]].tolist()
    [40.0, 0.8]

    One standard over two modes, "a centre within 15 minutes on foot or 10 by car": E1
    walks 12 (met), E2 walks 20 but drives 8 (met), E3 walks 30 and drives 11 (not met).

    >>> walk = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [12.0, 20, 30]},
    ...                                  index=["E1", "E2", "E3"]), mode="walk")
    >>> drive = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 8, 11]},
    ...                                   index=["E1", "E2", "E3"]), mode="drive")
    >>> r = ga.evaluate({"walk": walk, "drive": drive}, None,
    ...                 ga.Scenario("Now", {"S1": "centre"}), thresholds=[15],
    ...                 rules={"standard": "a centre within 15 minutes on foot or 10 by car"})
    >>> r.areas["standard"].tolist(), r.mode
    ([True, True, False], 'walk')
    """
    setup = _setup(tt, areas, scenarios, population=population, thresholds=thresholds,
                   roles=roles, by_role=by_role, rules=rules, measures=measures, sites=sites)
    t = setup.tt
    if t.origins is not None:
        frames, summaries, origin_rows, site_rows = score_origins(setup)
    else:
        frames, summaries, site_rows = _score_areas(setup)
        origin_rows = None
    table = pd.concat(frames, ignore_index=True)
    table["area_id"] = table["area_id"].astype(object)
    table["scenario"] = table["scenario"].astype(object)
    summary = pd.DataFrame(summaries)
    provenance = dict(t.provenance)
    unit = "origins" if t.origins is not None else "areas"
    provenance.update({
        "evaluated_roles": "any" if roles is None else "/".join(_m.as_roles(roles)),
        "within_definition": "nearest open site's minutes <= threshold (inclusive)",
        "summary_definition": f"population-weighted over {unit} with a time; shares over "
                              "all people (DfT Journey Time Statistics)",
    })
    if t.origins is not None:
        provenance["origins_definition"] = (
            "each origin carries its share of its area's population; an area's minutes "
            "are the weighted mean over its origins with a time")
    for name, kws in setup.measures.items():
        provenance[f"measure_{name}"] = ", ".join(f"{k}={v}" for k, v in kws.items()) \
            or "defaults"
    for name, rule in setup.rules.items():
        provenance[f"rule_{name}"] = rule.describe()
    if setup.modes:
        provenance["rules_modes"] = ", ".join(
            [f"{setup.main_mode} (main)"] + [m for m in setup.modes])
    log.info("evaluated %d scenarios over %d areas", len(setup.scenarios),
             len(setup.area_ids))
    return Result(table, summary, {s.name: s for s in setup.scenarios}, setup.thresholds,
                  setup.population, mode=t.mode, provenance=provenance,
                  origins=origin_rows, sites=pd.concat(site_rows, ignore_index=True),
                  rules=setup.rules)


def _setup(tt: Any, areas: Any, scenarios: Any, *, population: Any, thresholds: Any,
           roles: Any, by_role: Any, rules: Any, measures: Any, sites: Any) -> Setup:
    given = tt
    if isinstance(tt, Mapping):
        if not tt:
            raise InputError("evaluate: no travel-time matrix given (an empty mapping)")
        main_key, tt = next(iter(tt.items()))
    t = tt if isinstance(tt, TravelTimes) else _m.as_travel(tt)
    items = scenario_list(scenarios)
    thr = thresholds_of(thresholds)
    frame = areas_frame(areas, t)
    pop_col = population_column(frame, population) if areas is not None else population
    if areas is None and pop_col is not None:
        raise InputError("population= needs the areas table; pass areas")
    ids = frame["area_id"].astype(str).to_numpy(dtype=object)
    if pop_col is not None:
        weights = pd.to_numeric(frame[pop_col], errors="coerce").to_numpy(np.float64)
        bad = ~np.isfinite(weights) | (weights < 0)
        if bad.any():
            rows = ids[bad].tolist()
            raise InputError(f"areas: column {pop_col!r} has missing or negative values for "
                             f"{show_ids(rows)}", column=pop_col, rows=rows)
    else:
        weights = np.ones(len(ids))
    weight_name = pop_col or "weight"
    reserved = {"area_id", "scenario", "reason", "nearest_minutes", "nearest_site",
                "origins", "origin_method", "origin_id"}
    if weight_name in reserved:
        raise InputError(f"population column {weight_name!r} clashes with a result column; "
                         "rename it")
    rule_objs = {str(k): (v if isinstance(v, _m.AccessRule) else _m.AccessRule.parse(str(v)))
                 for k, v in (rules or {}).items()}
    labels = {_m.threshold_label(x) for x in thr}
    clash = [k for k in rule_objs if k in reserved or k in labels or k == weight_name
             or not k.replace("_", "").isalnum()]
    if clash:
        raise InputError(f"rules: the names {clash} clash with a result column or a "
                         "threshold, or hold characters other than letters, digits and _; "
                         "name each rule in words, e.g. rules={'standard': '...'}",
                         column="rules", rows=clash)
    for scen in items:
        _m.open_mask(scen, t.site_ids.astype(str), None)
    modes = _rule_modes(given, t, rule_objs)
    return Setup(t, items, thr, ids, weights, pop_col, weight_name, roles,
                 _m.as_roles(by_role) if by_role else (), rule_objs, measure_kwargs(measures),
                 sites, frame, modes=modes,
                 main_mode=str(main_key) if isinstance(given, Mapping) else t.mode)


def _rule_modes(given: Any, main: TravelTimes, rules: Mapping[str, _m.AccessRule]
                ) -> dict[str, TravelTimes]:
    """The matrices of the modes the rules name besides the main one, aligned on it.

    Checked once: a mode with no matrix, or a matrix over other rows or sites, is an
    InputError (see :func:`geoaccess.measures.meets_rule`).
    """
    out: dict[str, TravelTimes] = {}
    main_key = str(next(iter(given))) if isinstance(given, Mapping) else None
    for rule in rules.values():
        mats = matrices_of(given if isinstance(given, Mapping) else main, rule)
        for mode in rule.named_modes:
            if main_key is not None and mode != main_key and mode not in out:
                out[mode] = _m.as_travel(mats[mode])
    if isinstance(given, Mapping) and len(given) > 1:
        unused = [str(k) for k in list(given)[1:] if str(k) not in out]
        if unused:
            log.info("evaluate: no rule names %s; only the main matrix (%s) is scored",
                     unused, main_key)
    return out


def _score_areas(s: Setup) -> tuple[list[pd.DataFrame], list[dict[str, Any]],
                                    list[pd.DataFrame]]:
    """One point per area: the measures of :mod:`geoaccess.measures`, row by row."""
    t, area_ids, weights = s.tt, s.area_ids, s.weights
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
    demand = pd.Series(weights[in_matrix], index=pd.Index(present, name="area_id"))
    has_rows = len(present) > 0
    site_ids = t.site_ids.astype(str)
    frames, summaries, site_rows = [], [], []
    for scen in s.scenarios:
        cols: dict[str, Any] = {}
        why = pd.Series(dtype=object)
        if has_rows:
            tsub, why = s.catchment(sub, scen)
            near = _m.nearest(tsub, scen, roles=s.roles)
            cols["nearest_minutes"] = near["nearest_minutes"]
            cols["nearest_site"] = near["nearest_site"]
            wi = _m.within(tsub, scen, thresholds=s.thresholds, roles=s.roles)
            for c in wi.columns:
                cols[c] = wi[c]
            for role in s.by_role:
                nr = _m.nearest(tsub, scen, roles=[role])
                cols[f"nearest_minutes_{role}"] = nr["nearest_minutes"]
                cols[f"nearest_site_{role}"] = nr["nearest_site"]
            for name, rule in s.rules.items():
                mats = s.rule_matrices(tsub, scen, lambda o: o if sub is t
                                       else o.subset(areas=list(present)))
                cols[name] = _m.meets_rule(mats, scen, rule, sites=s.sites)
            if "gravity" in s.measures:
                cols["gravity"] = _m.gravity(tsub, scen, roles=s.roles, sites=s.sites,
                                             **s.measures["gravity"])
            for name, fn in (("two_step_fca", _m.two_step_fca),
                             ("enhanced_two_step_fca", _m.enhanced_two_step_fca)):
                if name in s.measures:
                    cols[name] = fn(tsub, scen, demand, roles=s.roles, sites=s.sites,
                                    **s.measures[name])
            if "sessions" in s.measures:
                hours = _m.site_sessions(scen, sites=s.sites, **s.measures["sessions"])
                cols["nearest_role"] = near["nearest_site"].map(scen.roles)
                cols["nearest_sessions"] = near["nearest_site"].map(hours).astype(np.float64)
                cols.update(_m.sessions_within(tsub, scen, thresholds=s.thresholds,
                                               sites=s.sites, roles=s.roles,
                                               **s.measures["sessions"]))
            reason = near["reason"]
        part = pd.DataFrame(cols, index=pd.Index(present, name="area_id")) \
            if has_rows else pd.DataFrame(index=pd.Index([], name="area_id"))
        part = part.reindex(pd.Index(area_ids, name="area_id"))
        # areas not in the matrix: NaN minutes, no site, never within, with a reason
        for c in part.columns:
            if c.startswith("within_") or c in s.rules:
                part[c] = part[c].astype("boolean").fillna(False).astype(bool)
            elif c.startswith("sites_within_"):
                part[c] = part[c].fillna(0).astype(np.int64)
        for lab in s.labels:
            if f"within_{lab}" not in part.columns:
                part[f"within_{lab}"] = False
                part[f"sites_within_{lab}"] = 0
            part[f"share_within_{lab}"] = part[f"within_{lab}"].astype(np.float64)
        if "nearest_minutes" not in part.columns:
            part["nearest_minutes"] = np.nan
        if "nearest_site" not in part.columns:
            part["nearest_site"] = None
        reasons = (reason.reindex(part.index).astype(object) if has_rows
                   else pd.Series(None, index=part.index, dtype=object))
        reasons = reasons.where(in_matrix, "area not in the travel-time matrix")
        part[s.weight_name] = weights
        part["reason"] = catchment_reasons(reasons.to_numpy(dtype=object),
                                           part["nearest_minutes"].to_numpy(np.float64),
                                           area_ids, why)
        part.insert(0, "scenario", scen.name)
        part = part.reset_index()[s.columns(origins=False)]
        frames.append(part)
        stats = _m.summarise_minutes(part["nearest_minutes"].to_numpy(), weights,
                                     thresholds=s.thresholds)
        row: dict[str, Any] = {"scenario": scen.name, "open_sites": s.open_sites(scen)}
        row.update({str(k): v for k, v in stats.items()})
        row["areas"] = int(row["areas"])
        row["areas_unreachable"] = int(row["areas_unreachable"])
        row.update(s.measure_summary(part))
        summaries.append(row)
        mask = _m.open_mask(scen, site_ids, s.roles)
        nearest_site = part["nearest_site"].to_numpy(dtype=object)
        people = np.array([float(weights[nearest_site == sid].sum())
                           for sid in site_ids[mask]])
        site_rows.append(s.site_rows(scen, site_ids, mask, people))
    return frames, summaries, site_rows
