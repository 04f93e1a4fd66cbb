"""Many weighted origins per area: homes, address points, a grid, or one point."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._validate import Problems, show_ids
from ..errors import InputError
from ._grid import grid_pieces
from ._read import RESIDENTIAL_BUILDINGS, UNTYPED_BUILDINGS, OsmResidential, read_residential

__all__ = ["METHODS", "build_origins", "summarise_origins"]

log = logging.getLogger(__name__)

#: Values of ``method=`` in :func:`build_origins`.
METHODS = ("auto", "buildings", "points", "grid", "centroid")
#: Floor area (m²) per m² of residential land, used to weigh grid points against mapped
#: homes when it cannot be estimated from the file (about 30 homes of 80 m² per hectare).
DEFAULT_FLOOR_RATIO = 0.25
_MIN_COVERED_M2 = 10_000.0


@dataclass
class _Plan:
    """Origins of one area, before weights are normalised."""

    x: list[float] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    reason: str | None = None

    def add(self, pts: np.ndarray, kind: str, raw: np.ndarray, floor: np.ndarray) -> None:
        self.x.extend(shapely.get_x(pts).tolist())
        self.y.extend(shapely.get_y(pts).tolist())
        self.kind.extend([kind] * len(pts))
        self.raw.extend(np.asarray(raw, np.float64).tolist())
        self.floor.extend(np.asarray(floor, np.float64).tolist())


@dataclass
class _Sources:
    """Homes, residential land and user points, assigned to areas."""

    home_pts: np.ndarray
    home_floor: np.ndarray
    home_area: np.ndarray
    land: list[Any]
    gaps: list[Any]
    point_pts: np.ndarray
    point_w: np.ndarray
    point_area: np.ndarray
    floor_ratio: float


def build_origins(
    areas: gpd.GeoDataFrame,
    *,
    osm: str | os.PathLike[str] | None = None,
    points: gpd.GeoDataFrame | None = None,
    method: str = "auto",
    grid_m: float = 100.0,
    population: str | Sequence[str] | None = None,
    points_weight: str | None = None,
    cover_radius_m: float = 30.0,
    min_untyped_m2: float = 30.0,
    floor_ratio: float | None = None,
) -> gpd.GeoDataFrame:
    """Spread each area's demand over many weighted origins where people live.

    Sources, combined per area (and per part of an area) with fallbacks:

    - **buildings** (``osm=``): OSM buildings tagged as homes (``house``,
      ``residential``, ``terrace``, ``apartments``...), plus untyped buildings
      (``building=yes``, at least ``min_untyped_m2``) inside ``landuse=residential``;
      each weighs its footprint × ``building:levels`` (1 storey where untagged), i.e.
      its floor area;
    - **grid** (``osm=``): a regular ``grid_m`` grid (100 m, as the DfT connectivity
      metric) clipped to ``landuse=residential``; each point weighs its piece of land;
    - **points** (``points=``): a user's layer (address points, postcode centroids
      with counts, output-area population-weighted centroids), each weighing
      ``points_weight`` (or 1);
    - **centroid**: the area's single origin (``origin_x``/``origin_y`` of
      :func:`~geoaccess.read_areas`: a population-weighted centroid where given, else a
      point inside the polygon), as the DfT Journey Time Statistics use.

    ``method="auto"`` uses points where the area has some; else mapped homes, plus grid
    points on residential land further than ``cover_radius_m`` from any mapped
    building (OSM maps homes patchily: a village can have 31 ha of residential land and
    ten buildings); else a grid on residential land; else the centroid. Grid points then
    weigh their land × ``floor_ratio`` (floor area per m² of land, estimated from the
    residential land that *is* covered by mapped homes), so both kinds are in m² of
    floor. A named ``method`` uses that source and falls back along the same chain
    (buildings → grid → centroid; points → centroid; grid → centroid). Every area gets
    at least one origin, and a ``reason`` says why it fell back.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas from :func:`~geoaccess.read_areas` (``area_id``, polygons, metric CRS).
    osm : path-like, optional
        OSM file (``.osm.pbf``, ``.osm``, ``.osm.bz2``) covering the areas.
    points : geopandas.GeoDataFrame, optional
        Points with a CRS; those inside no area are left out (logged).
    method : {"auto", "buildings", "points", "grid", "centroid"}
        The preferred source (see above).
    grid_m : float
        Grid spacing in metres.
    population : str or sequence of str, optional
        Population columns of ``areas`` to apportion (default
        ``areas.attrs["population"]``).
    points_weight : str, optional
        Column of ``points`` with each point's count or weight (default: 1 each).
    cover_radius_m : float
        Residential land within this distance of a mapped building counts as mapped.
    min_untyped_m2 : float
        Smallest footprint of an untyped building counted as a home (sheds, garages).
    floor_ratio : float, optional
        Floor m² per m² of unmapped residential land (default: estimated, else
        :data:`DEFAULT_FLOOR_RATIO`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per origin, grouped by area in the areas' order: ``origin_id``
        (``"<area_id>-<k>"``), ``area_id``, ``method`` (``"building"``, ``"grid"``,
        ``"point"`` or ``"centroid"``), ``weight`` (share of the area's demand; sums to
        1 per area), ``floor_m2`` (floor area represented; NaN for points and
        centroids), each population column apportioned (area count × weight),
        ``reason`` (why the area fell back, else missing) and point geometry in the
        areas' CRS. ``attrs`` records the settings. :func:`summarise_origins` gives
        the table per area.

    Raises
    ------
    InputError
        Unknown method, a source the method needs is missing, bad weights.

    Examples
    --------
    >>> import geoaccess as ga
    >>> areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    >>> origins = ga.build_origins(areas, osm=ga.datasets.get_path("rutland-osm"))
    >>> origins.groupby("area_id").weight.sum().round(9).eq(1).all()
    np.True_
    >>> bool(round(origins.children_0_4.sum()) == areas.children_0_4.sum())
    True
    """
    if method not in METHODS:
        raise InputError(f"method={method!r} is not one of {list(METHODS)}", column="method")
    if not isinstance(areas, gpd.GeoDataFrame) or "area_id" not in areas.columns:
        raise InputError("areas: expected a GeoDataFrame from geoaccess.read_areas (with "
                         "area_id and polygons)", column="area_id")
    if areas.crs is None or not areas.crs.is_projected:
        raise InputError("areas: need a metric (projected) CRS, as geoaccess.read_areas "
                         "gives; use to_crs", column="geometry")
    if method in ("buildings", "grid") and osm is None:
        raise InputError(f"method={method!r} needs osm= (an OSM file with buildings and "
                         "land use)", column="osm")
    if method == "points" and points is None:
        raise InputError("method='points' needs points= (a GeoDataFrame of points)",
                         column="points")
    if not grid_m > 0 or not cover_radius_m >= 0:
        raise InputError(f"grid_m must be > 0 and cover_radius_m >= 0, got {grid_m}, "
                         f"{cover_radius_m}", column="grid_m")
    pop_cols = _population_columns(areas, population)
    ids = areas["area_id"].astype(str).to_numpy(dtype=object)
    polys = areas.geometry.to_numpy()
    osm_data = read_residential(osm, areas.crs) if osm is not None else None
    src = _sources(osm_data, points, points_weight, polys, cover_radius_m, min_untyped_m2,
                   floor_ratio, areas.crs, method)
    centre = _centres(areas)
    plans = [_plan(i, method, src, centre[i], grid_m, osm is not None, points is not None)
             for i in range(len(ids))]
    return _assemble(areas, ids, plans, pop_cols, method, grid_m, src, osm_data)


def _population_columns(areas: gpd.GeoDataFrame, population: Any) -> list[str]:
    if population is None:
        cols = [str(c) for c in areas.attrs.get("population", []) or []]
    else:
        cols = [population] if isinstance(population, str) else [str(c) for c in population]
    missing = [c for c in cols if c not in areas.columns]
    if missing:
        raise InputError(f"areas: no population column {missing[0]!r}; columns are "
                         f"{list(areas.columns)}", column=missing[0])
    return cols


def _centres(areas: gpd.GeoDataFrame) -> np.ndarray:
    """Each area's one point: ``origin_x``/``origin_y`` where set, else inside the polygon."""
    inside = shapely.point_on_surface(areas.geometry.to_numpy())
    if {"origin_x", "origin_y"} <= set(areas.columns):
        x = pd.to_numeric(areas["origin_x"], errors="coerce").to_numpy(np.float64)
        y = pd.to_numeric(areas["origin_y"], errors="coerce").to_numpy(np.float64)
        ok = np.isfinite(x) & np.isfinite(y)
        return np.where(ok, shapely.points(np.nan_to_num(x), np.nan_to_num(y)), inside)
    return inside


def _in_areas(pts: np.ndarray, polys: np.ndarray) -> np.ndarray:
    """Index of the area containing each point (-1 for none; the first if several)."""
    out = np.full(len(pts), -1, dtype=np.int64)
    if not len(pts) or not len(polys):
        return out
    tree = shapely.STRtree(polys)
    p, a = tree.query(pts, predicate="within")
    first = np.unique(p, return_index=True)[1]
    out[p[first]] = a[first]
    return out


def _sources(osm_data: OsmResidential | None, points: Any, points_weight: str | None,
             polys: np.ndarray, cover_radius_m: float, min_untyped_m2: float,
             floor_ratio: float | None, crs: Any, method: str) -> _Sources:
    empty_pts = np.array([], dtype=object)
    home_pts, home_floor, home_area = empty_pts, np.zeros(0), np.zeros(0, np.int64)
    land: list[Any] = [None] * len(polys)
    gaps: list[Any] = [None] * len(polys)
    ratio = DEFAULT_FLOOR_RATIO if floor_ratio is None else float(floor_ratio)
    if floor_ratio is not None and not ratio > 0:
        raise InputError(f"floor_ratio must be > 0, got {floor_ratio}", column="floor_ratio")
    if osm_data is not None:
        b = osm_data.buildings
        foot = b.geometry.to_numpy()
        landuse = shapely.union_all(osm_data.landuse.to_numpy()) if len(osm_data.landuse) \
            else shapely.Polygon()
        shapely.prepare(landuse)
        pts = shapely.point_on_surface(foot)
        kind = b["kind"].to_numpy(dtype=object)
        typed = np.isin(kind, list(RESIDENTIAL_BUILDINGS))
        untyped = (np.isin(kind, list(UNTYPED_BUILDINGS))
                   & (b["footprint_m2"].to_numpy() >= min_untyped_m2)
                   & shapely.contains(landuse, pts))
        home = typed | untyped
        floor = b["footprint_m2"].to_numpy() * b["levels"].to_numpy()
        home_pts, home_floor = pts[home], floor[home]
        home_area = _in_areas(home_pts, polys)
        cover = shapely.union_all(shapely.buffer(foot, cover_radius_m, quad_segs=4)) \
            if len(foot) and cover_radius_m > 0 else shapely.union_all(foot)
        if floor_ratio is None:
            covered = shapely.intersection(landuse, cover)
            in_land = shapely.contains(landuse, home_pts)
            if shapely.area(covered) >= _MIN_COVERED_M2 and in_land.any():
                est = float(home_floor[in_land].sum()) / float(shapely.area(covered))
                ratio = float(np.clip(est, 0.05, 1.0))
            log.info("floor area per m2 of residential land: %.3f (%s)", ratio,
                     "estimated from mapped homes" if ratio != DEFAULT_FLOOR_RATIO
                     else "default")
        land_parts = shapely.intersection(polys, landuse)
        for i, part in enumerate(land_parts):
            if part is not None and not part.is_empty and part.area > 0:
                land[i] = part
                if method == "auto":
                    gaps[i] = shapely.difference(part, cover)
        if method == "auto":
            log.info("%d homes mapped in %s; %.0f ha of residential land further than %g m "
                     "from any building", len(home_pts), osm_data.source,
                     sum(g.area for g in gaps if g is not None) / 1e4, cover_radius_m)
    point_pts, point_w, point_area = empty_pts, np.zeros(0), np.zeros(0, np.int64)
    if points is not None:
        point_pts, point_w = _read_points(points, points_weight, crs)
        point_area = _in_areas(point_pts, polys)
        outside = int((point_area < 0).sum())
        if outside:
            log.info("points: %d of %d points lie in none of the areas and are left out",
                     outside, len(point_pts))
    return _Sources(home_pts, home_floor, home_area, land, gaps, point_pts, point_w,
                    point_area, ratio)


def _read_points(points: Any, weight: str | None, crs: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(points, gpd.GeoDataFrame):
        raise InputError(f"points: expected a GeoDataFrame, got {type(points).__name__}",
                         column="points")
    if points.crs is None:
        raise InputError("points: no CRS; use set_crs to declare it", column="geometry")
    problems = Problems("points", None)
    geom = points.geometry.to_crs(crs)
    labels = points.index.astype(str).to_numpy()
    not_point = (geom.geom_type != "Point").to_numpy() | geom.is_empty.to_numpy()
    if not_point.any():
        problems.add("geometry must be points", "geometry", labels[not_point].tolist())
    if weight is None:
        w = np.ones(len(points))
    elif weight not in points.columns:
        problems.add(f"no weight column {weight!r}; columns are {list(points.columns)}",
                     weight)
        w = np.ones(len(points))
    else:
        w = pd.to_numeric(points[weight], errors="coerce").to_numpy(np.float64)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            problems.add(f"column {weight!r} must hold counts or weights >= 0", weight,
                         labels[bad].tolist())
    problems.raise_if_any()
    return geom.to_numpy(), w


def _plan(i: int, method: str, src: _Sources, centre: Any, grid_m: float, has_osm: bool,
          has_points: bool) -> _Plan:
    """The origins of area ``i``: the method's source, else the next of the chain."""
    plan = _Plan()
    notes: list[str] = []
    if method in ("auto", "points") and has_points:
        mine = (src.point_area == i) & (src.point_w > 0)
        if mine.any():
            plan.add(src.point_pts[mine], "point", src.point_w[mine],
                     np.full(int(mine.sum()), np.nan))
            return plan
        notes.append("no points with a weight above 0 in the area")
    if method in ("auto", "buildings") and has_osm:
        mine = src.home_area == i
        plan.add(src.home_pts[mine], "building", src.home_floor[mine], src.home_floor[mine])
        if method == "auto":
            pts, land_m2 = grid_pieces(src.gaps[i], grid_m)
            plan.add(pts, "grid", land_m2 * src.floor_ratio, land_m2 * src.floor_ratio)
            if len(pts) and not mine.any():
                notes.append("no homes mapped in OSM: a grid on its residential land")
        if plan.kind:
            plan.reason = "; ".join(notes) or None
            return plan
        notes.append("no homes mapped in OSM")
    if method in ("auto", "buildings", "grid") and has_osm:
        pts, land_m2 = grid_pieces(src.land[i], grid_m)
        if len(pts):
            plan.add(pts, "grid", land_m2, land_m2 * src.floor_ratio)
            if method != "grid":
                notes.append("a grid on its residential land")
            plan.reason = "; ".join(notes) or None
            return plan
        notes.append("no residential land use mapped in OSM")
    plan.add(np.array([centre]), "centroid", np.ones(1), np.full(1, np.nan))
    if method != "centroid":
        notes.append("one point for the whole area")
    plan.reason = "; ".join(notes) or None
    return plan


def _assemble(areas: gpd.GeoDataFrame, ids: np.ndarray, plans: list[_Plan],
              pop_cols: list[str], method: str, grid_m: float, src: _Sources,
              osm_data: OsmResidential | None) -> gpd.GeoDataFrame:
    counts = np.array([len(p.kind) for p in plans], dtype=np.int64)
    area_of = np.repeat(np.arange(len(plans)), counts)
    raw = np.concatenate([np.asarray(p.raw, np.float64) for p in plans])
    total = np.bincount(area_of, raw, minlength=len(plans))
    weight = raw / total[area_of]
    k = np.concatenate([np.arange(c) for c in counts])
    area_ids = ids[area_of]
    data: dict[str, Any] = {
        "origin_id": [f"{a}-{j}" for a, j in zip(area_ids, k, strict=True)],
        "area_id": area_ids,
        "method": np.concatenate([np.asarray(p.kind, dtype=object) for p in plans]),
        "weight": weight,
        "floor_m2": np.concatenate([np.asarray(p.floor, np.float64) for p in plans]),
    }
    for c in pop_cols:
        values = pd.to_numeric(areas[c], errors="coerce").to_numpy(np.float64)
        data[c] = values[area_of] * weight
    data["reason"] = np.array([p.reason for p in plans], dtype=object)[area_of]
    xs = np.concatenate([np.asarray(p.x, np.float64) for p in plans])
    ys = np.concatenate([np.asarray(p.y, np.float64) for p in plans])
    out = gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(xs, ys), crs=areas.crs)
    out.attrs = {"method": method, "grid_m": float(grid_m), "floor_ratio": src.floor_ratio,
                 "population": pop_cols,
                 "osm": None if osm_data is None else osm_data.source,
                 "osm_timestamp": None if osm_data is None else osm_data.timestamp}
    fallback = [str(a) for a, p in zip(ids, plans, strict=True) if p.reason]
    if fallback:
        log.info("origins: %d of %d areas fell back (%s)", len(fallback), len(ids),
                 show_ids(fallback))
    return out


def summarise_origins(origins: pd.DataFrame) -> pd.DataFrame:
    """One row per area: which methods its origins came from, how many, and why.

    Parameters
    ----------
    origins : pandas.DataFrame
        From :func:`build_origins` (or ``TravelTimes.origins``).

    Returns
    -------
    pandas.DataFrame
        Areas in order of first appearance: ``area_id``, ``origin_method`` (the
        methods used, e.g. ``"building+grid"``), ``origins`` (count), ``homes``
        (mapped homes used), ``grid_points``, ``floor_m2`` (floor area represented,
        NaN where unknown) and ``reason`` (why it fell back, else missing).

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"area_id": ["A", "A", "B"], "method": ["building", "grid",
    ...                   "centroid"], "weight": [0.5, 0.5, 1.0], "floor_m2": [90.0, 2500,
    ...                   None], "reason": [None, None, "no homes mapped in OSM"]})
    >>> summarise_origins(o)[["area_id", "origin_method", "origins", "homes"]]
      area_id  origin_method  origins  homes
    0       A  building+grid        2      1
    1       B       centroid        1      0
    """
    for c in ("area_id", "method"):
        if c not in origins.columns:
            raise InputError(f"origins: no {c!r} column; build them with "
                             "geoaccess.build_origins", column=c)
    frame = pd.DataFrame({
        "area_id": origins["area_id"].astype(str).to_numpy(dtype=object),
        "method": origins["method"].astype(str).to_numpy(dtype=object),
        "floor_m2": (pd.to_numeric(origins["floor_m2"], errors="coerce").to_numpy()
                     if "floor_m2" in origins.columns else np.nan),
        "reason": (origins["reason"].to_numpy(dtype=object) if "reason" in origins.columns
                   else None)})
    order = ["building", "grid", "point", "centroid"]
    grouped = frame.groupby("area_id", sort=False)
    out = pd.DataFrame({
        "origin_method": grouped["method"].agg(
            lambda s: "+".join(m for m in order if m in set(s))
            + "".join(f"+{m}" for m in sorted(set(s) - set(order)))),
        "origins": grouped.size(),
        "homes": grouped["method"].agg(lambda s: int((s == "building").sum())),
        "grid_points": grouped["method"].agg(lambda s: int((s == "grid").sum())),
        "floor_m2": grouped["floor_m2"].sum(min_count=1),
        "reason": grouped["reason"].first(),
    })
    out["reason"] = out["reason"].astype(object).where(out["reason"].notna(), None)
    return out.reset_index()
