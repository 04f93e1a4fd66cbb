"""Read homes and residential land use from an OSM file (pyosmium), in a metric CRS."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from ..errors import InputError

__all__ = ["RESIDENTIAL_BUILDINGS", "OsmResidential", "parse_levels", "read_residential"]

log = logging.getLogger(__name__)

#: ``building=*`` values taken as homes wherever they are.
RESIDENTIAL_BUILDINGS = frozenset({
    "house", "residential", "detached", "semidetached_house", "terrace", "apartments",
    "bungalow", "cottage", "farm", "dormitory", "static_caravan", "houseboat", "flats",
})
#: ``building=*`` values that count as homes only inside ``landuse=residential``.
UNTYPED_BUILDINGS = frozenset({"yes"})

_LEVELS = re.compile(r"^\s*(\d+(?:\.\d+)?)")


def parse_levels(value: str | None) -> float:
    """Storeys from a ``building:levels`` tag (1 when missing or unreadable, at most 60).

    Examples
    --------
    >>> parse_levels("3"), parse_levels("2;3"), parse_levels(None), parse_levels("many")
    (3.0, 2.0, 1.0, 1.0)
    """
    if not value:
        return 1.0
    match = _LEVELS.match(value)
    if not match:
        return 1.0
    return float(min(max(float(match.group(1)), 1.0), 60.0))


@dataclass
class OsmResidential:
    """What an OSM file says about where people live, in the areas' metric CRS.

    ``buildings``: one row per building polygon with ``kind`` (the ``building`` tag),
    ``levels`` (from ``building:levels``, default 1), ``levels_tagged`` (bool),
    ``footprint_m2`` and the footprint geometry. ``landuse``: ``landuse=residential``
    polygons. ``timestamp``: the file's replication timestamp, if any.
    """

    buildings: gpd.GeoDataFrame
    landuse: gpd.GeoSeries
    source: str
    timestamp: str | None


def read_residential(path: str | os.PathLike[str], crs: Any) -> OsmResidential:
    """Buildings and residential land use of an OSM file (ways and multipolygons).

    pyosmium assembles closed ways and multipolygon relations into areas; every
    ``building=*`` area and every ``landuse=residential`` area is kept, reprojected to
    ``crs``. Broken polygons are repaired with :func:`shapely.make_valid`.
    """
    import osmium

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: OSM file not found", path=path)
    factory = osmium.geom.WKBFactory()
    b_wkb: list[str] = []  # hex WKB
    kinds: list[str] = []
    levels: list[str | None] = []
    lu_wkb: list[str] = []
    broken = 0
    try:
        processor = (osmium.FileProcessor(str(path))
                     .with_areas(osmium.filter.KeyFilter("building", "landuse"))
                     .with_filter(osmium.filter.EntityFilter(osmium.osm.AREA)))
        area: Any
        for area in processor:
            building = area.tags.get("building", "no")
            residential = area.tags.get("landuse") == "residential"
            if building == "no" and not residential:
                continue
            try:
                wkb = factory.create_multipolygon(area)
            except RuntimeError:  # pragma: no cover - incomplete extracts
                broken += 1
                continue
            if building != "no":
                b_wkb.append(wkb)
                kinds.append(building)
                levels.append(area.tags.get("building:levels"))
            if residential:
                lu_wkb.append(wkb)
    except RuntimeError as exc:
        raise InputError(f"{path}: cannot read OSM file ({exc})", path=path) from exc
    if broken:
        log.info("%s: %d building or land-use polygons could not be assembled", path.name,
                 broken)
    b_geom = _to_crs(b_wkb, crs)
    lu_geom = _to_crs(lu_wkb, crs)
    lv = np.array([parse_levels(v) for v in levels], dtype=np.float64)
    buildings = gpd.GeoDataFrame(
        {"kind": np.asarray(kinds, dtype=object), "levels": lv,
         "levels_tagged": np.array([v is not None for v in levels], dtype=bool),
         "footprint_m2": shapely.area(b_geom.to_numpy())},
        geometry=b_geom, crs=crs)
    return OsmResidential(buildings, lu_geom, path.name, _timestamp(path))


def _timestamp(path: Path) -> str | None:
    import osmium

    try:
        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
    except RuntimeError:  # pragma: no cover - unreadable header
        return None
    head = reader.header()
    reader.close()
    return head.get("osmosis_replication_timestamp") or head.get("timestamp") or None


def _to_crs(wkbs: list[str], crs: Any) -> gpd.GeoSeries:
    geoms = shapely.from_wkb(np.asarray(wkbs, dtype=object)) if wkbs \
        else np.array([], dtype=object)
    series = gpd.GeoSeries(geoms, crs=4326).to_crs(crs)
    bad = ~series.is_valid.to_numpy()
    if bad.any():
        series[bad] = shapely.make_valid(series[bad].to_numpy())
    return series.reset_index(drop=True)
