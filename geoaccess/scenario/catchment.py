"""Catchments: which open sites the families of an area may use under a scenario.

Today's rule is the nearest open site, wherever it is. A council that forms one hub per
locality (Wakefield) asks instead that families use their own locality's hub; another
gives each area its site outright. :func:`catchment_times` turns a scenario's
``catchment`` into the travel-time matrix as families may use it: the pairs the rule
forbids become missing, so every measure (nearest, within, rules, 2SFCA, gravity) and
:func:`geoaccess.evaluate` apply the rule without knowing it. Each area left with no site
it may use gets a reason ("no open site in its ward 'Oakham North West'").

Examples
--------
Two wards; W1's only site S1 is closed, so E1 may not use S2 (its nearest) and has no
site; E2 uses S2 in its own ward::

          S1 (W1)  S2 (W2)   ward
    E1        5        8      W1
    E2       20        6      W2

>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 20], "S2": [8.0, 6]},
...                                             index=["E1", "E2"]))
>>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "ward": ["W1", "W2"]})
>>> sites = pd.DataFrame({"site_id": ["S1", "S2"], "ward": ["W1", "W2"]})
>>> s = ga.Scenario("Ward hubs", {"S2": "hub"}, catchment="zone", zone_column="ward")
>>> own, why = catchment_times(tt, s, areas=areas, sites=sites)
>>> own.minutes["S2"].tolist(), why.to_dict()
([nan, 6.0], {'E1': "no open site in its ward 'W1'"})
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._validate import show_ids
from ..errors import InputError
from ..matrix import TravelTimes
from .model import Scenario

__all__ = ["catchment_times", "row_areas", "site_zones"]

log = logging.getLogger("geoaccess.scenario")


def site_zones(sites: Any, column: str, areas: Any = None) -> dict[str, Any]:
    """Each site's zone: the sites' own ``column``, else the area polygon it stands in.

    Parameters
    ----------
    sites : pandas.DataFrame or geopandas.GeoDataFrame
        Sites (:func:`geoaccess.read_sites`) with ``site_id``.
    column : str
        The zone column (``"ward"``, ``"locality"``...).
    areas : geopandas.GeoDataFrame, optional
        Areas with polygons and ``column``: a site without the column takes the zone of
        the area it stands in (sites outside every area belong to no zone).

    Returns
    -------
    dict
        ``site_id -> zone`` for every site with a zone.

    Raises
    ------
    InputError
        When neither the sites nor the areas hold ``column``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> areas = gpd.GeoDataFrame({"ward": ["W1", "W2"]},
    ...                          geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)],
    ...                          crs="EPSG:27700")
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1", "S2", "S3"]},
    ...                          geometry=[Point(5, 5), Point(15, 5), Point(50, 50)],
    ...                          crs="EPSG:27700")
    >>> site_zones(sites, "ward", areas)
    {'S1': 'W1', 'S2': 'W2'}
    """
    if isinstance(sites, pd.DataFrame) and column in sites.columns:
        return {str(s): z for s, z in zip(sites["site_id"], sites[column], strict=True)
                if not pd.isna(z)}
    if isinstance(areas, pd.DataFrame) and column in areas.columns:
        return _zones_from_polygons(sites, areas, column)
    where = " or ".join(w for w, t in (("sites", sites), ("areas", areas)) if t is not None)
    raise InputError(f"zone column {column!r}: no such column in {where or 'the inputs'}; "
                     "give the sites that column, or pass areas with it and polygons",
                     column=column)


def _zones_from_polygons(sites: Any, areas: Any, column: str) -> dict[str, Any]:
    import geopandas as gpd  # only this use of zones needs it: scoring stays light

    if not isinstance(sites, gpd.GeoDataFrame) or not isinstance(areas, gpd.GeoDataFrame):
        raise InputError(
            f"zone column {column!r} is an attribute of the areas: pass sites (a "
            "GeoDataFrame from geoaccess.read_sites) and areas as a GeoDataFrame with "
            "polygons, so each site can be placed in an area, or give the sites a "
            f"{column!r} column", column=column)
    if not areas.geom_type.isin(["Polygon", "MultiPolygon"]).any():
        raise InputError(f"zone column {column!r}: the areas have no polygons to place "
                         f"sites in; give the sites a {column!r} column", column=column)
    pts = sites[["site_id", sites.geometry.name]].copy()
    polys = areas[[column, areas.geometry.name]]
    if pts.crs is not None and polys.crs is not None and pts.crs != polys.crs:
        pts = pts.to_crs(polys.crs)
    joined = gpd.sjoin(pts, polys, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    out = {str(s): z for s, z in zip(joined["site_id"], joined[column], strict=True)
           if not pd.isna(z)}
    outside = sorted(set(pts["site_id"].astype(str)) - set(out))
    if outside:
        log.info("zone column %r: %d site(s) outside every area belong to no zone: %s",
                 column, len(outside), outside[:10])
    return out


def row_areas(tt: TravelTimes) -> np.ndarray:
    """The area id of each row of the matrix (its own id, or its origin's area)."""
    codes = getattr(tt, "row_area_codes", None)
    if codes is not None and getattr(tt, "origins", None) is not None:
        return tt.area_ids.astype(str).to_numpy(dtype=object)[codes]
    return tt.minutes.index.astype(str).to_numpy(dtype=object)


def catchment_times(
    tt: TravelTimes,
    scenario: Scenario,
    *,
    areas: pd.DataFrame | None = None,
    sites: pd.DataFrame | None = None,
    roles: Iterable[str] | None = None,
) -> tuple[TravelTimes, pd.Series]:
    """The matrix as the scenario's catchment rule lets families use it.

    Pairs the rule forbids (a site of another zone; any site but the area's allocated
    one) become missing, with the reason stated; the matrix is returned as it is for
    ``catchment="nearest"``.

    Parameters
    ----------
    tt : TravelTimes
        The area (or origin) → site matrix.
    scenario : Scenario
        Its ``catchment``, ``zone_column`` and ``site_zones`` give the rule.
    areas : pandas.DataFrame, optional
        Areas with ``area_id`` and the zone column (needed for ``catchment="zone"``).
    sites : pandas.DataFrame, optional
        Sites with the zone column, or with point geometry to place them in the areas'
        polygons (see :func:`site_zones`); not needed when ``scenario.site_zones`` names
        the zone of every open site.
    roles : iterable of str, optional
        The roles counted as open, for the reasons given.

    Returns
    -------
    (TravelTimes, pandas.Series)
        The restricted matrix, and for every area left with no open site it may use,
        why (index ``area_id``).

    Raises
    ------
    InputError
        A zone rule without the zone column on the areas; an allocation naming areas or
        sites the matrix does not hold.
    """
    if scenario.catchment == "nearest":
        return tt, pd.Series(dtype=object, name="reason")
    site_ids = tt.site_ids.astype(str)
    rows = row_areas(tt)
    open_ = scenario.mask(site_ids, None if roles is None else list(roles))
    if scenario.catchment == "zone":
        allowed, why = _zone_rule(scenario, rows, site_ids, open_, areas, sites)
        text = f"outside the area's {scenario.zone_column} (catchment rule)"
    else:
        allowed, why = _allocation_rule(scenario, rows, site_ids, tt)
        text = "not the area's allocated site (catchment rule)"
    values = tt.minutes.to_numpy()
    masked = pd.DataFrame(np.where(allowed, values, np.nan).astype(values.dtype, copy=False),
                          index=tt.minutes.index, columns=tt.minutes.columns)
    provenance = dict(tt.provenance)
    provenance["catchment"] = scenario.catchment_text()
    extra: dict[str, Any] = {}
    origins = getattr(tt, "origins", None)
    if origins is not None:
        extra["origins"] = origins
    out = TravelTimes(masked, mode=tt.mode, area_reason=tt.area_reason,
                      site_reason=tt.site_reason, pair_reason=f"{tt.pair_reason}, or {text}",
                      snap=tt.snap, max_minutes=tt.max_minutes, provenance=provenance,
                      **extra)
    return out, why


def _zone_rule(scenario: Scenario, rows: np.ndarray, site_ids: pd.Index, open_: np.ndarray,
               areas: Any, sites: Any) -> tuple[np.ndarray, pd.Series]:
    column = str(scenario.zone_column)
    if not isinstance(areas, pd.DataFrame) or column not in areas.columns \
            or "area_id" not in areas.columns:
        raise InputError(f"scenario {scenario.name!r}: catchment='zone' needs the areas "
                         f"with 'area_id' and a {column!r} column (pass areas=)",
                         column=column)
    area_zone = dict(zip(areas["area_id"].astype(str), areas[column], strict=True))
    known = dict(scenario.site_zones)
    need = [s for s, o in zip(site_ids, open_, strict=True) if o and s not in known]
    if need:
        found = site_zones(sites, column, areas) if sites is not None else {}
        known.update({s: found[s] for s in need if s in found})
    no_zone = [s for s, o in zip(site_ids, open_, strict=True) if o and s not in known]
    if no_zone:
        hint = "" if sites is not None else " (pass sites= to place them)"
        log.warning("scenario %r: open sites %s have no %s%s and serve no one under its "
                    "zone rule", scenario.name, show_ids(no_zone), column, hint)
    codes, uniques = pd.factorize(pd.Series(
        [area_zone.get(a) for a in rows] + [known.get(s) for s in site_ids], dtype=object))
    row_code = np.where(codes[:len(rows)] < 0, -1, codes[:len(rows)])
    site_code = np.where(codes[len(rows):] < 0, -2, codes[len(rows):])
    allowed = row_code[:, None] == site_code[None, :]
    open_zones = {known[s] for s, o in zip(site_ids, open_, strict=True) if o and s in known}
    why = {}
    for a in dict.fromkeys(rows):
        z = area_zone.get(a)
        if a not in area_zone:
            why[a] = "area not in the areas table (no zone)"
        elif pd.isna(z):
            why[a] = f"the area has no {column} (catchment rule)"
        elif z not in open_zones:
            why[a] = f"no open site in its {column} {z!r}"
    return allowed, pd.Series(why, dtype=object, name="reason")


def _allocation_rule(scenario: Scenario, rows: np.ndarray, site_ids: pd.Index,
                     tt: TravelTimes) -> tuple[np.ndarray, pd.Series]:
    alloc: Mapping[str, str] = scenario.allocation or {}
    unknown = sorted({s for s in alloc.values() if s not in set(site_ids)})
    if unknown:
        raise InputError(f"scenario {scenario.name!r}: the allocation names sites that are "
                         f"not in the travel-time matrix {show_ids(unknown)}",
                         column="site_id", rows=unknown)
    pos = {s: j for j, s in enumerate(site_ids)}
    col = np.array([pos.get(alloc.get(a, ""), -1) for a in rows], dtype=np.int64)
    allowed = col[:, None] == np.arange(len(site_ids))[None, :]
    why = {}
    for a in dict.fromkeys(rows):
        s = alloc.get(a)
        if s is None:
            why[a] = "no site allocated to the area (catchment rule)"
        elif s not in scenario.roles:
            why[a] = f"its allocated site {s} is closed"
    return allowed, pd.Series(why, dtype=object, name="reason")
