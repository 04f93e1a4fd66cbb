"""Candidate venues from OpenStreetMap: community centres, libraries, halls, schools, churches.

Councils that book rooms for outreach sessions (Wolverhampton's family hubs, Oxfordshire's
outreach centres) choose among the public buildings of a place. :func:`read_venues` reads them
from a local OpenStreetMap extract (``.osm.pbf``, ``.osm``, ``.osm.bz2``, read with pyosmium)
as a sites table ready for :func:`geoaccess.read_sites`, scenarios and the optimisers:

- each venue is one point (a node, or the representative point of a building or site
  polygon, multipolygons included) in the metric CRS (British National Grid in Great
  Britain, else the local UTM zone);
- ``venue_type`` says what it is, ``kind`` the role it takes by default (children's
  centres and family hubs, recognised by their tags or names, keep theirs; every other
  venue is an ``outreach`` candidate; change them with ``roles=``);
- features mapped at one place (a library node inside the community centre that houses it,
  Ketton in Rutland; a hall drawn as a node and as a building) are one venue when they lie
  within ``merge_within_m`` metres: the feature of the highest-ranked type (and with a name)
  gives the venue its name and type, the others' names are listed in ``also``, and every
  merged OSM id is kept in ``osm_ids`` for provenance.

Data © OpenStreetMap contributors, ODbL 1.0: keep the attribution wherever venues are shown.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._crs import metric_crs
from .errors import InputError

__all__ = ["VENUE_TYPES", "osm_venue_tags", "read_venues", "venues_from_place"]

log = logging.getLogger(__name__)

#: Venue types read by default: name → the OSM tags (key, value) that mark it, in priority order.
VENUE_TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "children's centre": (("social_facility:for", "child"), ("childcare", "children_centre")),
    "family hub": (),
    "community centre": (("amenity", "community_centre"),),
    "village hall": (("community_centre", "village_hall"), ("building", "village_hall")),
    "library": (("amenity", "library"),),
    "place of worship": (("amenity", "place_of_worship"),),
    "school": (("amenity", "school"),),
    "nursery": (("amenity", "kindergarten"), ("amenity", "childcare")),
}
_NAME_TYPES = (
    (re.compile(r"\bfamily hub\b", re.I), "family hub"),
    (re.compile(r"\b(children'?s|childrens) cent(re|er)\b|\bsure start\b|\bfamily cent(re|er)\b",
                re.I), "children's centre"),
    (re.compile(r"\bvillage hall\b|\bparish hall\b|\bmemorial hall\b", re.I), "village hall"),
)
_ROLES = {"family hub": "hub", "children's centre": "centre"}
_KEYS = ("amenity", "building", "community_centre", "social_facility:for", "childcare")
_OSM_SUFFIXES = (".pbf", ".osm", ".bz2", ".gz")


def _venue_type(tags: Mapping[str, str], wanted: Iterable[str]) -> str | None:
    name = tags.get("name", "")
    wanted = list(wanted)
    for pattern, vtype in _NAME_TYPES:
        if vtype in wanted and pattern.search(name):
            return vtype
    for vtype in wanted:
        for key, value in VENUE_TYPES.get(vtype, ()):
            if tags.get(key) == value:
                if vtype == "children's centre" and tags.get("amenity") not in (
                        "social_facility", "childcare", "community_centre", None):
                    continue
                return vtype
    return None


def _read_osm(path: Path, wanted: list[str]) -> pd.DataFrame:
    import osmium
    import shapely

    wkb = osmium.geom.WKBFactory()
    rows = []
    fp = (osmium.FileProcessor(str(path)).with_locations().with_areas()
          .with_filter(osmium.filter.KeyFilter(*_KEYS)))
    obj: Any
    for obj in fp:
        tags = {t.k: t.v for t in obj.tags}
        vtype = _venue_type(tags, wanted)
        if vtype is None:
            continue
        try:
            if obj.is_node():
                geom = shapely.from_wkb(wkb.create_point(obj))
                osm_id = f"node/{obj.id}"
            elif obj.is_area():
                geom = shapely.from_wkb(wkb.create_multipolygon(obj)).representative_point()
                osm_id = (f"way/{obj.orig_id()}" if obj.from_way()
                          else f"relation/{obj.orig_id()}")
            else:  # ways are seen again as areas when closed; open ways are not venues
                continue
        except (RuntimeError, osmium.InvalidLocationError):
            log.debug("skipped %s %s: incomplete geometry in the extract", vtype, obj.id)
            continue
        rows.append({"osm_id": osm_id, "name": tags.get("name"), "venue_type": vtype,
                     "lon": geom.x, "lat": geom.y})
    return pd.DataFrame(rows, columns=["osm_id", "name", "venue_type", "lon", "lat"])


def _from_features(gdf: Any, wanted: list[str]) -> pd.DataFrame:
    """The venues among OpenStreetMap features as osmnx returns them (one column per tag)."""
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    index = gdf.index
    if isinstance(index, pd.MultiIndex) and index.nlevels == 2:
        ids = [f"{e}/{i}" for e, i in index]
    elif {"element", "id"} <= set(gdf.columns):  # osmnx before 2.0 kept them as columns
        ids = [f"{e}/{i}" for e, i in zip(gdf["element"], gdf["id"], strict=True)]
    else:
        raise InputError("read_venues: OpenStreetMap features need osmnx's (element, id) "
                         "index, as features_from_place returns them", column="index")
    tag_cols = [c for c in gdf.columns if c != gdf.geometry.name]
    tags_of = gdf[tag_cols].astype(object).where(gdf[tag_cols].notna(), None)
    rows = []
    for osm_id, geom, values in zip(ids, gdf.geometry, tags_of.itertuples(index=False),
                                    strict=True):
        tags = {k: str(v) for k, v in zip(tag_cols, values, strict=True) if v is not None}
        vtype = _venue_type(tags, wanted)
        if vtype is None or geom is None or geom.is_empty:
            continue
        if geom.geom_type == "Point":
            point = geom
        elif geom.geom_type in ("Polygon", "MultiPolygon"):
            point = geom.representative_point()
        else:  # open ways are not venues (as in an extract)
            continue
        rows.append({"osm_id": osm_id, "name": tags.get("name"), "venue_type": vtype,
                     "lon": point.x, "lat": point.y})
    return pd.DataFrame(rows, columns=["osm_id", "name", "venue_type", "lon", "lat"])


def osm_venue_tags(types: Iterable[str] | None = None) -> dict[str, list[str] | bool]:
    """The OpenStreetMap tags that mark venues of ``types``, as osmnx's ``tags=`` takes them.

    Parameters
    ----------
    types : iterable of str, optional
        Keys of :data:`VENUE_TYPES` (default all).

    Returns
    -------
    dict
        Tag key → values (children's centres and family hubs named as such are found
        among the features these tags return).

    Examples
    --------
    >>> osm_venue_tags(["library", "village hall"])
    {'amenity': ['library'], 'community_centre': ['village_hall'], 'building': ['village_hall']}
    """
    tags: dict[str, list[str]] = {}
    for vtype in (list(VENUE_TYPES) if types is None else types):
        for key, value in VENUE_TYPES[str(vtype)]:
            if value not in tags.setdefault(key, []):
                tags[key].append(value)
    return dict(tags)


def venues_from_place(
    place: str,
    *,
    types: Iterable[str] | None = None,
    roles: Mapping[str, str] | None = None,
    merge_within_m: float = 10.0,
    to_crs: Any = None,
    cache_folder: str | os.PathLike[str] | None = None,
) -> Any:
    """Candidate venues of a place, downloaded from OpenStreetMap through osmnx (cached).

    osmnx geocodes the place with Nominatim and downloads its features from Overpass; its
    HTTP cache (``cache_folder``, default :data:`geoaccess.settings.cache_folder` /
    ``osmnx``) makes a second call work offline. The features are then read exactly as
    :func:`read_venues` reads an extract.

    Parameters
    ----------
    place : str
        A place name Nominatim knows, e.g. ``"Wolverhampton, UK"``.
    types, roles, merge_within_m, to_crs
        As in :func:`read_venues`.
    cache_folder : path-like, optional
        Folder of osmnx's HTTP cache.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`read_venues`.

    Examples
    --------
    >>> import geoaccess as ga
    >>> venues = ga.venues_from_place("Rutland, UK")  # doctest: +SKIP
    """
    import osmnx as ox

    from . import settings

    wanted = list(VENUE_TYPES) if types is None else [str(t) for t in types]
    unknown = [t for t in wanted if t not in VENUE_TYPES]
    if unknown:
        raise InputError(f"unknown venue types {unknown}; choose from {list(VENUE_TYPES)}",
                         column="types", rows=unknown)
    settings.use_osmnx_cache(cache_folder)
    tags: dict[str, Any] = dict(osm_venue_tags(wanted))
    tags.setdefault("amenity", []).extend(["social_facility", "childcare"])
    features = ox.features_from_place(place, tags=tags)
    out = read_venues(features, types=wanted, roles=roles, merge_within_m=merge_within_m,
                      to_crs=to_crs)
    out.attrs["source"] = f"{place} (osmnx), © OpenStreetMap contributors (ODbL 1.0)"
    return out


def _merge(frame: pd.DataFrame, x: np.ndarray, y: np.ndarray, within_m: float,
           order: list[str]) -> pd.DataFrame:
    """One row per venue: features within ``within_m`` of each other (in chains) are merged."""
    import shapely
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pts = shapely.points(x, y)
    tree = shapely.STRtree(pts)
    left, right = tree.query(pts, predicate="dwithin", distance=within_m)
    same = left != right
    n = len(frame)
    graph = coo_matrix((np.ones(int(same.sum())), (left[same], right[same])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    rank = frame["venue_type"].map({t: i for i, t in enumerate(order)}).to_numpy()
    frame = frame.assign(_group=label, _rank=rank, _named=frame["name"].isna(), x=x, y=y)
    frame = frame.sort_values(["_group", "_named", "_rank", "osm_id"])
    merged = frame.groupby("_group", sort=False).agg(
        name=("name", "first"), venue_type=("venue_type", "first"), x=("x", "first"),
        y=("y", "first"), osm_id=("osm_id", "first"),
        osm_ids=("osm_id", lambda s: ";".join(sorted(s))), merged=("osm_id", "size"),
        also=("name", lambda s: "; ".join(dict.fromkeys(str(v) for v in s.iloc[1:]
                                                        if isinstance(v, str)))))
    return merged.reset_index(drop=True)


def read_venues(
    source: str | os.PathLike[str] | Any,
    *,
    types: Iterable[str] | None = None,
    roles: Mapping[str, str] | None = None,
    merge_within_m: float = 10.0,
    to_crs: Any = None,
) -> Any:
    """Read candidate venues from an OpenStreetMap extract, as a sites table.

    Parameters
    ----------
    source : path-like or geopandas.GeoDataFrame
        A local ``.osm.pbf``, ``.osm`` or ``.osm.bz2`` file, or OpenStreetMap features as
        osmnx returns them (``osmnx.features_from_place``, ``features_from_xml``...: index
        ``(element, id)``, one column per tag), read the same way.
    types : iterable of str, optional
        Venue types to read (keys of :data:`VENUE_TYPES`); default all of them.
    roles : mapping, optional
        Venue type → role (``kind``), e.g. ``{"library": "hub"}``; by default children's
        centres are ``centre``, family hubs ``hub`` and every other venue ``outreach``.
    merge_within_m : float
        Features this close (in metres, in chains) are one venue; 0 keeps every feature.
    to_crs : optional
        Output CRS; default British National Grid in Great Britain, else the local UTM zone.

    Returns
    -------
    geopandas.GeoDataFrame
        ``site_id`` (``V001``… in a stable order), ``name`` (unnamed venues are called by
        their type and OSM id), ``kind``, ``venue_type``, ``osm_id`` (the feature kept),
        ``osm_ids`` (all features merged into it, ``;``-separated), ``merged`` (how many),
        ``also`` (the names of the other features merged), point geometry.

    Raises
    ------
    InputError
        If the file is missing, not an OSM file, or holds no venue of the types asked for.

    Examples
    --------
    >>> import geoaccess as ga
    >>> v = read_venues(ga.datasets.get_path("rutland-osm"), types=["library"])
    >>> sorted(v.name)[:2], v.crs.to_epsg(), set(v.kind)
    (['Ketton Library', 'Rutland County Library'], 27700, {'outreach'})
    """
    import geopandas as gpd

    features = isinstance(source, gpd.GeoDataFrame)
    path = Path("osmnx features") if features else Path(source)
    if not features and not path.exists():
        raise InputError(f"{path}: file not found", path=path)
    if not features and not path.name.lower().endswith((".osm.pbf", ".osm", ".osm.bz2",
                                                         ".pbf")):
        raise InputError(f"{path}: read_venues reads OpenStreetMap extracts (.osm.pbf, .osm, "
                         ".osm.bz2) or osmnx features", path=path)
    wanted = list(VENUE_TYPES) if types is None else [str(t) for t in types]
    unknown = [t for t in wanted if t not in VENUE_TYPES]
    if unknown:
        raise InputError(f"unknown venue types {unknown}; choose from {list(VENUE_TYPES)}",
                         column="types", rows=unknown)
    if not merge_within_m >= 0:
        raise InputError(f"merge_within_m must be 0 or more metres, got {merge_within_m}",
                         column="merge_within_m")
    try:
        raw = _from_features(source, wanted) if features else _read_osm(path, wanted)
    except RuntimeError as exc:
        raise InputError(f"{path}: not a readable OpenStreetMap file ({exc})",
                         path=path) from exc
    if raw.empty:
        raise InputError(f"{path}: no venues of the types {wanted} in the extract", path=path)
    crs = to_crs or metric_crs(float(raw["lon"].median()), float(raw["lat"].median()))
    pts = gpd.GeoSeries(gpd.points_from_xy(raw["lon"], raw["lat"]), crs="EPSG:4326").to_crs(crs)
    raw = raw.sort_values("osm_id", kind="stable")
    pts = pts.loc[raw.index]
    merged = _merge(raw.reset_index(drop=True), pts.x.to_numpy(), pts.y.to_numpy(),
                    float(merge_within_m), wanted)
    role_of = {**{t: _ROLES.get(t, "outreach") for t in VENUE_TYPES}, **dict(roles or {})}
    merged["kind"] = merged["venue_type"].map(role_of)
    unnamed = merged["name"].isna()
    merged.loc[unnamed, "name"] = [f"{t.capitalize()} ({o})" for t, o in zip(
        merged.loc[unnamed, "venue_type"], merged.loc[unnamed, "osm_id"], strict=True)]
    merged = merged.sort_values(["venue_type", "name", "osm_id"], key=lambda s: s.map(
        {t: i for i, t in enumerate(wanted)}) if s.name == "venue_type" else s.str.casefold())
    merged.insert(0, "site_id", [f"V{i:03d}" for i in range(1, len(merged) + 1)])
    out = gpd.GeoDataFrame(
        merged[["site_id", "name", "kind", "venue_type", "osm_id", "osm_ids", "merged",
                "also"]]
        .reset_index(drop=True),
        geometry=gpd.points_from_xy(merged["x"], merged["y"]), crs=crs)
    n_merged = int((out["merged"] > 1).sum())
    log.info("%s: %d venues (%d merged from co-located features)", path.name, len(out),
             n_merged)
    out.attrs["source"] = f"{path.name}, © OpenStreetMap contributors (ODbL 1.0)"
    return out
