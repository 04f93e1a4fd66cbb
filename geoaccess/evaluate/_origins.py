"""Scoring when the matrix's rows are origins: each origin, then its area, by weight."""

from __future__ import annotations

import copy
import logging
from typing import Any, cast

import numpy as np
import pandas as pd

from .. import measures as _m
from ..matrix import TravelTimes
from ..scenario import Scenario
from ._common import Setup, catchment_reasons
from ._rows import group_mean, group_mode, group_quantiles, nearest_rows

__all__ = ["score_origins"]

log = logging.getLogger("geoaccess.evaluate")

#: Share of an area's people that makes the area "within" a threshold, or meet a rule.
MAJORITY = 0.5


class _Rows:
    """The matrix's origins that belong to the areas evaluated, and their areas."""

    def __init__(self, s: Setup) -> None:
        t = s.tt
        origins = cast(pd.DataFrame, t.origins)
        pos = pd.Index(s.area_ids).get_indexer(t.area_ids)
        row_pos = pos[t.row_area_codes]
        self.keep = row_pos >= 0
        self.all_rows = bool(self.keep.all())
        left_out = int((pos < 0).sum())
        if left_out:
            log.info("%d areas of the matrix (%d origins) are not in the areas table and are "
                     "left out", left_out, int((~self.keep).sum()))
        self.code = row_pos[self.keep] if not self.all_rows else row_pos
        self.n_areas = len(s.area_ids)
        values = t.minutes.to_numpy()
        self.values = values if self.all_rows else values[self.keep]
        w = origins["weight"].to_numpy(np.float64)
        self.share = w if self.all_rows else w[self.keep]
        self.people = s.weights[self.code] * self.share
        self.in_matrix = np.bincount(self.code, minlength=self.n_areas) > 0
        missing = s.area_ids[~self.in_matrix]
        if len(missing):
            log.warning("%d areas have no origin in the travel-time matrix (e.g. %s); they "
                        "get NaN", len(missing), missing[:5].tolist())
        reason = (t.area_reason if t.area_reason.index.equals(t.row_ids)
                  else t.area_reason.reindex(t.row_ids)).to_numpy(dtype=object)
        self.row_reason = reason if self.all_rows else reason[self.keep]
        self.ids = t.row_ids if self.all_rows else t.row_ids[self.keep]
        method = (origins["method"].astype(str).to_numpy(dtype=object)
                  if "method" in origins.columns else np.full(len(w), "supplied", object))
        self.method = _area_methods(self.code, method if self.all_rows else method[self.keep],
                                    self.n_areas)
        self.count = np.bincount(self.code, minlength=self.n_areas)

    def subset_tt(self, t: TravelTimes) -> TravelTimes:
        """The matrix restricted to the kept rows (for the measures module's functions)."""
        if self.all_rows:
            return t
        return t.subset(areas=t.area_ids[np.unique(t.row_area_codes[self.keep])])

    def align(self, values: pd.Series | pd.DataFrame) -> np.ndarray:
        """A measure's per-row output in the order of the kept rows, as float."""
        return values.reindex(self.ids).to_numpy(np.float64)


def _area_methods(code: np.ndarray, method: np.ndarray, n: int) -> np.ndarray:
    """Each area's origin methods joined (``"building+grid"``), in a fixed order."""
    which, kinds = pd.factorize(method, sort=False)
    known = ["building", "grid", "point", "centroid"]
    rank = [known.index(k) if k in known else len(known) for k in kinds]
    order = sorted(range(len(kinds)), key=lambda k: (rank[k], kinds[k]))
    # one bit per method present in the area, then one label per combination
    bits = np.zeros(n, dtype=np.int64)
    for pos, k in enumerate(order):
        bits |= (np.bincount(code, which == k, minlength=n) > 0).astype(np.int64) << pos
    combos, inverse = np.unique(bits, return_inverse=True)
    labels = np.array(["+".join(str(kinds[k]) for pos, k in enumerate(order) if c >> pos & 1)
                       or None for c in combos], dtype=object)
    return labels[inverse]


def _no_time(s: Setup, r: _Rows, scen: Scenario, mask: np.ndarray, area_has: np.ndarray
             ) -> np.ndarray:
    """A reason for each area with no time to any open site (None elsewhere)."""
    out = np.full(r.n_areas, None, dtype=object)
    out[~r.in_matrix] = "area has no origin in the travel-time matrix"
    lacking = r.in_matrix & ~area_has
    if not lacking.any():
        return out
    role_txt = "" if s.roles is None else " with role " + "/".join(_m.as_roles(s.roles))
    if not mask.any():
        default = f"scenario {scen.name!r} has no open site{role_txt}"
    else:
        default = (f"no time from any origin of the area to an open site{role_txt} "
                   f"({s.tt.pair_reason})")
    has_reason = pd.notna(r.row_reason)
    every = np.bincount(r.code, ~has_reason, minlength=r.n_areas) == 0
    first = np.full(r.n_areas, -1, dtype=np.int64)
    first[r.code[::-1]] = np.arange(len(r.code))[::-1]
    for a in np.nonzero(lacking)[0]:
        out[a] = (f"every origin of the area: {r.row_reason[first[a]]}" if every[a]
                  else default)
    return out


def _by_area(r: _Rows, mask: np.ndarray, site_ids: pd.Index,
             thresholds: tuple[float, ...] = ()) -> tuple[np.ndarray, ...]:
    """Nearest open site, origin by origin, and by area.

    Per origin: minutes, site column, open sites within each threshold; per area: mean
    minutes and the modal site (id, share).
    """
    minutes, col, counts = nearest_rows(r.values, np.nonzero(mask)[0], thresholds)
    mean = group_mean(r.code, minutes, r.share, r.n_areas)
    mode, share = group_mode(r.code, col, r.share, r.n_areas)
    ids = site_ids.to_numpy(dtype=object)
    site = np.where(mode >= 0, ids[np.maximum(mode, 0)], None)
    return minutes, col, counts, mean, np.column_stack([site, share])


def score_origins(s: Setup) -> tuple[list[pd.DataFrame], list[dict[str, Any]],
                                     pd.DataFrame, list[pd.DataFrame]]:
    """Result tables when rows are origins: per area, per scenario, per origin, per site."""
    t = s.tt
    r = _Rows(s)
    site_ids = t.site_ids.astype(str)
    index = pd.Index(s.area_ids, name="area_id")
    total = np.bincount(r.code, r.share, minlength=r.n_areas)
    sub = r.subset_tt(t) if (s.rules or s.measures
                              or any(x.catchment != "nearest" for x in s.scenarios)) else t
    frames, summaries, origin_frames, site_rows = [], [], [], []
    n_missing = int((~r.in_matrix).sum())
    base, base_sub = r, sub
    for scen in s.scenarios:
        r, sub, why = _with_catchment(s, base, base_sub, scen)
        mask = _m.open_mask(scen, site_ids, s.roles)
        minutes, col, counts, mean, modal = _by_area(r, mask, site_ids, s.thresholds)
        q50, q90 = group_quantiles(r.code, minutes, r.share, r.n_areas, (0.5, 0.9))
        part = pd.DataFrame({"nearest_minutes": mean, "median_minutes": q50,
                             "p90_minutes": q90, "nearest_site": modal[:, 0],
                             "nearest_site_share": modal[:, 1].astype(np.float64)},
                            index=index)
        with np.errstate(invalid="ignore", divide="ignore"):
            for k, (lab, thr) in enumerate(zip(s.labels, s.thresholds, strict=True)):
                inside = np.bincount(r.code, r.share * (minutes <= thr), minlength=r.n_areas)
                share = np.where(total > 0, inside / total, 0.0)
                part[f"within_{lab}"] = share >= MAJORITY
                part[f"share_within_{lab}"] = share
                part[f"sites_within_{lab}"] = np.where(
                    total > 0, np.bincount(r.code, r.share * counts[:, k],
                                           minlength=r.n_areas) / total, 0.0)
        for role in s.by_role:
            *_, rmean, rmodal = _by_area(r, _m.open_mask(scen, site_ids, [role]), site_ids)
            part[f"nearest_minutes_{role}"] = rmean
            part[f"nearest_site_{role}"] = rmodal[:, 0]
        met = _extra_measures(s, r, sub, scen, part)
        if "sessions" in s.measures:
            _hours(s, r, sub, scen, part, col, site_ids)
        part["origins"] = r.count
        part["origin_method"] = r.method
        part[s.weight_name] = s.weights
        part["reason"] = catchment_reasons(_no_time(s, r, scen, mask, np.isfinite(mean)),
                                           mean, s.area_ids, why)
        part.insert(0, "scenario", scen.name)
        frames.append(part.reset_index()[s.columns(origins=True)])
        summaries.append({**_summary_row(s, r, scen, minutes, np.isfinite(mean), n_missing),
                          **s.measure_summary(part)})
        origin_frames.append(_origin_frame(s, r, scen, minutes, col, site_ids, met))
        people = np.bincount(col[col >= 0], r.people[col >= 0], minlength=len(site_ids))
        site_rows.append(s.site_rows(scen, site_ids, mask, people[mask]))
    return frames, summaries, pd.concat(origin_frames, ignore_index=True), site_rows


def _with_catchment(s: Setup, r: _Rows, sub: TravelTimes, scen: Scenario
                    ) -> tuple[_Rows, TravelTimes, pd.Series]:
    """The rows and matrix as the scenario's catchment rule lets families use them."""
    if scen.catchment == "nearest":
        return r, sub, pd.Series(dtype=object)
    full, why = s.catchment(s.tt, scen)
    rows = copy.copy(r)
    values = full.minutes.to_numpy()
    rows.values = values if r.all_rows else values[r.keep]
    return rows, (r.subset_tt(full) if sub is not s.tt else full), why


def _hours(s: Setup, r: _Rows, sub: TravelTimes, scen: Scenario, part: pd.DataFrame,
           col: np.ndarray, site_ids: pd.Index) -> None:
    """What families reach: the role and sessions of the nearest site, sessions within."""
    hours = _m.site_sessions(scen, sites=s.sites, **s.measures["sessions"])
    per_site = hours.reindex(site_ids).to_numpy(np.float64)
    near = np.where(col >= 0, per_site[np.maximum(col, 0)], np.nan)
    part["nearest_role"] = part["nearest_site"].map(scen.roles)
    part["nearest_sessions"] = group_mean(r.code, near, r.share, r.n_areas)
    within = _m.sessions_within(sub, scen, thresholds=s.thresholds, sites=s.sites,
                                roles=s.roles, **s.measures["sessions"])
    for c in within.columns:
        part[c] = group_mean(r.code, r.align(within[c]), r.share, r.n_areas)


def _extra_measures(s: Setup, r: _Rows, sub: TravelTimes, scen: Scenario,
                    part: pd.DataFrame) -> dict[str, np.ndarray]:
    """Rules, gravity and 2SFCA, origin by origin, then to areas by weight.

    Returns whether each origin meets each rule (for ``Result.origins``).
    """
    met_by_origin: dict[str, np.ndarray] = {}
    for name, rule in s.rules.items():
        mats = s.rule_matrices(sub, scen, r.subset_tt)
        ok = r.align(_m.meets_rule(mats, scen, rule, sites=s.sites).astype(np.float64))
        met_by_origin[name] = ok > 0
        met = np.bincount(r.code, r.share * ok, minlength=r.n_areas)
        total = np.bincount(r.code, r.share, minlength=r.n_areas)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, met / total, 0.0)
        part[name] = share >= MAJORITY
        part[f"{name}_share"] = share
    if "gravity" in s.measures:
        g = _m.gravity(sub, scen, roles=s.roles, sites=s.sites, **s.measures["gravity"])
        part["gravity"] = group_mean(r.code, r.align(g), r.share, r.n_areas)
    for name, fn in (("two_step_fca", _m.two_step_fca),
                     ("enhanced_two_step_fca", _m.enhanced_two_step_fca)):
        if name in s.measures:
            demand = pd.Series(r.people, index=pd.Index(r.ids, name="area_id"))
            v = fn(sub, scen, demand, roles=s.roles, sites=s.sites, **s.measures[name])
            part[name] = group_mean(r.code, r.align(v), r.share, r.n_areas)
    return met_by_origin


def _summary_row(s: Setup, r: _Rows, scen: Scenario, minutes: np.ndarray,
                 area_has: np.ndarray, n_missing: int) -> dict[str, Any]:
    """The scenario's summary over people at their origins (areas with none: no time)."""
    m = np.concatenate([minutes, np.full(n_missing, np.nan)])
    w = np.concatenate([r.people, s.weights[~r.in_matrix]])
    order = np.argsort(m, kind="stable")  # sorted once: the quantiles' sorts then take O(n)
    stats = _m.summarise_minutes(m[order], w[order], thresholds=s.thresholds)
    row: dict[str, Any] = {"scenario": scen.name, "open_sites": s.open_sites(scen)}
    row.update({str(k): v for k, v in stats.items()})
    row["areas"] = int(r.n_areas)
    row["areas_unreachable"] = int((~area_has).sum())
    row["origins"] = len(minutes)
    return row


def _origin_frame(s: Setup, r: _Rows, scen: Scenario, minutes: np.ndarray,
                  col: np.ndarray, site_ids: pd.Index,
                  met: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """``Result.origins`` rows of one scenario (categoricals keep a million rows small).

    With rules, a bool column per rule (whether the home meets it) before the people.
    """
    n = len(minutes)
    return pd.DataFrame({
        "origin_id": pd.Series(r.ids, copy=False),
        "area_id": pd.Categorical.from_codes(r.code, categories=pd.Index(s.area_ids)),
        "scenario": pd.Categorical.from_codes(np.zeros(n, np.int8),
                                              categories=pd.Index([scen.name])),
        "nearest_minutes": minutes,
        "nearest_site": pd.Categorical.from_codes(col, categories=site_ids),
        **(met or {}),
        s.weight_name: r.people,
    })
