"""Coordinate reference systems and great-circle distances (the lowest geometry layer)."""

from __future__ import annotations

import numpy as np
import pyproj

__all__ = ["EARTH_RADIUS_M", "GB_BOUNDS", "haversine_m", "metric_crs"]

#: Mean Earth radius used for great-circle distances (IUGG, metres).
EARTH_RADIUS_M = 6_371_009.0
#: Great Britain's extent in degrees (lon0, lat0, lon1, lat1): British National Grid inside it.
GB_BOUNDS = (-8.75, 49.75, 1.85, 60.95)


def metric_crs(lon: float, lat: float) -> pyproj.CRS:
    """The metric CRS geoaccess works in at a place.

    British National Grid (EPSG:27700) inside Great Britain, else the WGS 84 UTM zone.

    Examples
    --------
    >>> metric_crs(-0.7, 52.6).to_epsg()
    27700
    >>> metric_crs(24.94, 60.17).to_epsg()
    32635
    """
    lo0, la0, lo1, la1 = GB_BOUNDS
    if lo0 <= lon <= lo1 and la0 <= lat <= la1:
        return pyproj.CRS.from_epsg(27700)
    zone = int((lon + 180) // 6) % 60 + 1
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres between points given in degrees (arrays broadcast)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, np.float64))
                              for a in (lon1, lat1, lon2, lat2))
    h = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
