"""Origins weighted by where people live, from residential buildings in OpenStreetMap.

Rural LSOAs are large: a point inside the polygon (or its centroid) can sit in fields far
from any home, which biases travel times. :func:`residential_origins` places each area's
origin at the home that is most central to all homes in the area (the footprint-weighted
medoid of residential buildings), falling back to residential land use and then to a point
inside the polygon, and says which method each area got.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..errors import InputError
from ._read import RESIDENTIAL_BUILDINGS

__all__ = ["residential_origins"]

log = logging.getLogger(__name__)

_MAX_CANDIDATES = 2000


def _read_residential(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list]:
    """Lon/lat centroids and footprint sizes of homes, and residential landuse rings."""
    import osmium

    lon, lat, size, generic, landuse = [], [], [], [], []
    processor = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
                 .with_locations()
                 .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY)))
    way: Any
    for way in processor:
        tags = way.tags
        building = tags.get("building")
        is_landuse = tags.get("landuse") == "residential"
        if building is None and not is_landuse:
            continue
        try:
            coords = np.array([(n.lon, n.lat) for n in way.nodes if n.location.valid()])
        except osmium.InvalidLocationError:  # pragma: no cover - incomplete extracts
            continue
        if len(coords) < 3:
            continue
        if is_landuse:
            landuse.append(coords)
            continue
        c = coords[:-1] if (coords[0] == coords[-1]).all() else coords
        x, y = c[:, 0], c[:, 1]
        area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
        lon.append(x.mean())
        lat.append(y.mean())
        size.append(area)
        generic.append(building not in RESIDENTIAL_BUILDINGS)
    return (np.asarray(lon), np.asarray(lat), np.asarray(size), np.asarray(generic, bool),
            landuse)


def residential_origins(
    areas: gpd.GeoDataFrame, osm_path: str | os.PathLike[str]
) -> gpd.GeoDataFrame:
    """Place each area's origin where its people live, from OSM buildings.

    Homes are buildings tagged as dwellings (``house``, ``residential``, ``terrace``,
    ``apartments``...) plus untyped buildings (``building=yes``) inside
    ``landuse=residential``. The origin is the home minimising the footprint-weighted sum
    of distances to all the area's homes (a weighted medoid: unlike a mean it always lies
    at a home, never in a field between two villages). Areas with no mapped homes use the
    largest residential land-use patch, else a point inside the polygon.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas with polygon geometry (from :func:`~geoaccess.read_areas`).
    osm_path : path-like
        OSM file (``.osm.pbf``, ``.osm``, ``.osm.bz2``) covering the areas.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``area_id``: point ``geometry`` in the areas' CRS, ``method``
        (``"residential buildings"``, ``"residential landuse"`` or
        ``"representative_point"``) and ``homes`` (buildings used). Pass it to
        :func:`~geoaccess.read_areas` as ``origin=`` or to :func:`geoaccess.io.set_origins`.

    Examples
    --------
    >>> import geoaccess as ga
    >>> areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    >>> origins = ga.residential_origins(areas, ga.datasets.get_path("rutland-osm"))
    >>> origins.method.value_counts().index[0]
    'residential buildings'
    """
    path = Path(osm_path)
    if not path.exists():
        raise InputError(f"{path}: OSM file not found", path=path)
    if "area_id" not in areas.columns or areas.crs is None:
        raise InputError("areas: expected a GeoDataFrame from geoaccess.read_areas "
                         "(with area_id and a CRS)", column="area_id")
    lon, lat, size, generic, landuse = _read_residential(path)
    to_metric = pyproj.Transformer.from_crs(4326, areas.crs, always_xy=True)
    hx, hy = to_metric.transform(lon, lat) if len(lon) else (np.zeros(0), np.zeros(0))
    homes = gpd.GeoDataFrame({"w": np.maximum(size, 1e-12), "generic": generic},
                             geometry=gpd.points_from_xy(hx, hy), crs=areas.crs)
    rings = []
    for coords in landuse:
        lx, ly = to_metric.transform(coords[:, 0], coords[:, 1])
        poly = shapely.Polygon(np.column_stack([lx, ly]))
        rings.append(poly if poly.is_valid else poly.buffer(0))
    landuse_gs = gpd.GeoSeries(rings, crs=areas.crs)
    if len(homes) and len(landuse_gs):
        inside = homes[homes.generic].sindex.query(landuse_gs.to_numpy(), predicate="contains")
        keep = np.zeros(len(homes), bool)
        keep[~homes.generic.to_numpy()] = True
        keep[np.nonzero(homes.generic.to_numpy())[0][np.unique(inside[1])]] = True
        homes = homes[keep]
    elif len(homes):
        homes = homes[~homes.generic]
    polys = areas.geometry.reset_index(drop=True)
    pairs = homes.sindex.query(polys.to_numpy(), predicate="contains") if len(homes) \
        else np.zeros((2, 0), int)
    out_pts, methods, counts = [], [], []
    hxy = np.column_stack([homes.geometry.x, homes.geometry.y]) if len(homes) \
        else np.zeros((0, 2))
    hw = homes.w.to_numpy()
    for i, poly in enumerate(polys):
        members = pairs[1][pairs[0] == i]
        if len(members):
            if len(members) > _MAX_CANDIDATES:
                members = members[np.linspace(0, len(members) - 1, _MAX_CANDIDATES).astype(int)]
            pts = hxy[members]
            d = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))
            best = int(np.argmin(d @ hw[members]))
            out_pts.append(shapely.Point(pts[best]))
            methods.append("residential buildings")
            counts.append(len(members))
            continue
        patches = landuse_gs[landuse_gs.intersects(poly)] if len(landuse_gs) else landuse_gs
        if len(patches):
            clipped = patches.intersection(poly)
            largest = clipped.iloc[int(np.argmax(clipped.area.to_numpy()))]
            out_pts.append(largest.representative_point())
            methods.append("residential landuse")
        else:
            out_pts.append(poly.representative_point())
            methods.append("representative_point")
        counts.append(0)
    result = gpd.GeoDataFrame(
        {"method": methods, "homes": counts},
        geometry=out_pts, crs=areas.crs,
        index=pd.Index(areas["area_id"].astype(str).to_numpy(), name="area_id"))
    n_fallback = int((result.method != "residential buildings").sum())
    if n_fallback:
        log.info("%d of %d areas have no mapped homes and use a fallback origin", n_fallback,
                 len(result))
    return result
