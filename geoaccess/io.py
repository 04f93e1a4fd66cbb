"""Read sites (centres, hubs, outreach sites, bases) and areas (small-area demand).

Both readers accept CSV (lat/lon in WGS 84, easting/northing in British National Grid, or
x/y with ``crs=``), GeoJSON, GeoPackage (``layer=``), Shapefile, GeoParquet, Excel (with
coordinate columns), or a GeoDataFrame/DataFrame already in memory. They return a
GeoDataFrame in a metric CRS (EPSG:27700 in Great Britain, else the local UTM zone, or
``to_crs=``) with validated, standard columns, and raise one
:class:`~geoaccess.errors.InputError` listing every problem found (file, column, row ids
and the fix) rather than failing on the first.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ._crs import metric_crs
from ._kinds import KIND_SYNONYMS as _KIND_SYNONYMS
from ._kinds import SITE_KINDS
from ._validate import Problems, decimal_hint, find_column, numeric, show_ids
from .errors import InputError

__all__ = ["AREA_ID_COLUMNS", "COST_COLUMNS", "SITE_KINDS", "read_areas", "read_sites"]

log = logging.getLogger(__name__)

#: Site kinds geoaccess knows; pass ``kinds=`` to use your own list.
SITE_ID_COLUMNS = ("site_id", "id", "site_code", "code", "urn", "ref", "setting_urn")
AREA_ID_COLUMNS = ("area_id", "lsoa21cd", "lsoa21_code", "lsoa_code", "lsoa21", "lsoa11cd",
                   "lsoa11_code", "oa21cd", "oa_code", "msoa21cd", "geo_code", "geography_code",
                   "code", "id", "zone_id")
_LAT = ("lat", "latitude", "y_lat", "lat_wgs84", "wgs84_lat")
_LON = ("lon", "lng", "long", "longitude", "x_lon", "lon_wgs84", "wgs84_lon")
_EASTING = ("easting", "eastings", "x_bng", "bng_x", "os_easting", "oseast1m")
_NORTHING = ("northing", "northings", "y_bng", "bng_y", "os_northing", "osnrth1m")
_NAME = ("name", "site_name", "centre_name", "establishmentname", "establishment_name", "title")
_KIND = ("kind", "site_kind", "site_type", "type", "role", "category")
_CAPACITY = ("capacity", "places", "capacity_places")
_SESSIONS = ("sessions_per_week", "sessions", "weekly_sessions", "sessions_week")
#: Money columns of a sites table (pounds; a leading currency sign is allowed): the yearly
#: running cost, and the one-off cost of closing or of opening the site.
COST_COLUMNS = ("running_cost", "closure_cost", "opening_cost")
_COSTS = {
    "running_cost": ("running_cost", "running_costs", "annual_cost", "cost_per_year",
                     "yearly_cost", "revenue_cost", "annual_running_cost"),
    "closure_cost": ("closure_cost", "closing_cost", "closure_costs", "cost_to_close"),
    "opening_cost": ("opening_cost", "setup_cost", "set_up_cost", "opening_costs",
                     "cost_to_open"),
}
_IMD = ("imd_decile", "imd_2025_decile", "imd25_decile", "imd2025_decile", "imd_2019_decile",
        "imd19_decile", "imddecil", "index_of_multiple_deprivation_decile", "imd decile")
_ORIGIN_XY = (("origin_x", "origin_y"), ("pwc_x", "pwc_y"), ("pwc_easting", "pwc_northing"))
_ORIGIN_LONLAT = (("origin_lon", "origin_lat"), ("pwc_lon", "pwc_lat"))
_POPULATION_PREFIXES = ("children", "population", "pop_", "residents", "people", "count_")

_VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".gml", ".kml", ".zip"}
_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_PARQUET_SUFFIXES = {".parquet", ".geoparquet", ".pq"}
_EXCEL_SUFFIXES = {".xlsx", ".xls", ".xlsm"}

Source: TypeAlias = "str | os.PathLike[str] | gpd.GeoDataFrame | pd.DataFrame"


# ------------------------------------------------------------------------------ reading
def _read_csv(path: Path, encoding: str | None) -> pd.DataFrame:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path}: the file is empty", path=path)
    if encoding is None and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
        log.info("%s is UTF-16 (it starts with a UTF-16 byte-order mark)", path)
    elif encoding is None and b"\x00" in raw[:4096]:
        raise InputError(f"{path}: the file holds NUL bytes: it is probably UTF-16 or another "
                         "wide encoding without a byte-order mark; save it as UTF-8 (CSV UTF-8 "
                         "in Excel) or pass encoding='utf-16'", path=path)
    encodings = [encoding] if encoding else ["utf-8-sig", "cp1252"]
    last: Exception | None = None
    for enc in encodings:
        try:
            frame = pd.read_csv(path, sep=sep, encoding=enc, dtype=str, keep_default_na=False,
                                na_values=[""], skipinitialspace=True)
        except UnicodeDecodeError as exc:
            last = exc
            continue
        except pd.errors.EmptyDataError as exc:
            raise InputError(f"{path}: the file is empty", path=path) from exc
        except pd.errors.ParserError as exc:
            raise InputError(f"{path}: not a readable CSV table ({exc})", path=path) from exc
        if enc == "cp1252":
            log.warning("%s is not UTF-8; read it as Windows-1252 (cp1252)", path)
        frame.columns = [str(c).strip() for c in frame.columns]
        return frame
    raise InputError(f"{path}: cannot decode the file as UTF-8 or Windows-1252 ({last}); "
                     "pass encoding=", path=path)


def _read_source(source: Source, layer: str | int | None, encoding: str | None,
                 what: str) -> tuple[pd.DataFrame, str, str | None]:
    """The table, a label for messages, and the path (None for in-memory frames)."""
    if isinstance(source, gpd.GeoDataFrame):
        return source.copy(), f"<{what} GeoDataFrame>", None
    if isinstance(source, pd.DataFrame):
        return source.copy(), f"<{what} DataFrame>", None
    if not isinstance(source, (str, os.PathLike)):
        raise InputError(f"{what}: expected a file path or a (Geo)DataFrame, got "
                         f"{type(source).__name__}")
    path = Path(source)
    label = str(path)
    if not path.exists():
        raise InputError(f"{path}: file not found", path=path)
    suffix = path.suffix.lower()
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty", path=path)
    if what == "sites" and path.name.lower().endswith((".osm.pbf", ".osm", ".osm.bz2")):
        from .venues import read_venues

        return read_venues(path), label, str(path)
    try:
        if suffix in _CSV_SUFFIXES:
            frame: pd.DataFrame = _read_csv(path, encoding)
        elif suffix in _PARQUET_SUFFIXES:
            try:
                frame = gpd.read_parquet(path)
            except ValueError:
                frame = pd.read_parquet(path)
        elif suffix in _EXCEL_SUFFIXES:
            frame = pd.read_excel(path, sheet_name=layer if layer is not None else 0, dtype=str)
        elif suffix in _VECTOR_SUFFIXES or path.is_dir():
            kwargs: dict[str, Any] = {"layer": layer} if layer is not None else {}
            if suffix == ".gpkg" and layer is None:
                import pyogrio

                layers = pyogrio.list_layers(path)
                if len(layers) > 1:
                    names = [str(n) for n in layers[:, 0]]
                    raise InputError(f"{path}: the GeoPackage has {len(names)} layers "
                                     f"{names}; pass layer= to choose one", path=path)
            frame = gpd.read_file(path, engine="pyogrio", **kwargs)
        else:
            raise InputError(
                f"{path}: unknown file format {suffix or '(no extension)'!r}; use CSV, "
                "GeoJSON, GeoPackage, Shapefile, GeoParquet or Excel", path=path)
    except InputError:
        raise
    except Exception as exc:  # the readers raise many kinds; name the file and reason
        raise InputError(f"{path}: cannot read the file ({type(exc).__name__}: {exc})",
                         path=path) from exc
    if len(frame) == 0:
        raise InputError(f"{path}: the file has no rows", path=path)
    return frame, label, str(path)


def _ids(frame: pd.DataFrame, column: str | None, id_kind: str, candidates: Sequence[str],
         problems: Problems) -> pd.Series | None:
    col = find_column(frame.columns, column, candidates)
    if col is None:
        if column is not None:
            problems.add(f"no column {column!r} (id_column=); columns are "
                         f"{show_ids(list(frame.columns))}", column)
        else:
            problems.add(f"no {id_kind} column: name it {candidates[0]!r} or pass "
                         f"id_column=; columns are {show_ids(list(frame.columns))}", id_kind)
        return None
    raw = frame[col]
    ids = raw.astype("string").str.strip()
    # integer-like floats (e.g. 101.0 from a numeric column) print as integers
    if pd.api.types.is_float_dtype(raw):
        ids = raw.map(lambda v: str(int(v)) if pd.notna(v) and float(v).is_integer()
                      else (str(v) if pd.notna(v) else pd.NA)).astype("string")
    blank = ids.isna() | (ids == "")
    if blank.any():
        rows = [f"row {i + 1}" for i in np.nonzero(blank.to_numpy())[0]]
        problems.add(f"column {col!r} has {int(blank.sum())} blank id(s); every row needs "
                     "an id", col, rows)
    dup = ids[~blank & ids.duplicated(keep=False)]
    if len(dup):
        problems.add(f"column {col!r} has duplicate ids {show_ids(sorted(set(dup)))}; "
                     "ids must be unique", col, sorted(set(dup)))
    out = ids.where(~blank, other=pd.Series([f"row {i + 1}" for i in range(len(ids))],
                                            index=ids.index, dtype="string"))
    return out.astype(str).rename(col)


def _geometry(frame: pd.DataFrame, ids: pd.Series | None, problems: Problems, *,
              decimal: str = ".",
              lat: str | None, lon: str | None, x: str | None, y: str | None,
              crs: Any, allow_polygons: bool) -> gpd.GeoSeries | None:
    """A GeoSeries in the source CRS, from a geometry column or coordinate columns."""
    row_ids = (ids if ids is not None
               else pd.Series([f"row {i + 1}" for i in range(len(frame))], index=frame.index))
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns \
            and x is None and lat is None:
        geom = frame.geometry
        if geom.crs is None and crs is None:
            problems.add("the data has no CRS; declare it with gdf.set_crs('EPSG:27700') "
                         "(or the right code), or pass crs=", "geometry")
            return None
        if geom.crs is None:
            geom = geom.set_crs(crs)
        empty = geom.isna() | geom.is_empty
        if empty.any():
            problems.add(f"{int(empty.sum())} empty or missing geometries", "geometry",
                         row_ids[empty].tolist())
        valid = shapely.is_valid(geom.to_numpy())
        invalid = ~empty.to_numpy() & ~valid
        if invalid.any():
            reasons = shapely.is_valid_reason(geom.to_numpy()[invalid])
            problems.add(f"{int(invalid.sum())} invalid geometries ({reasons[0]}); repair them "
                         "with gdf.make_valid() or in your GIS", "geometry",
                         row_ids[invalid].tolist())
        types = set(geom[~empty].geom_type)
        allowed = {"Point", "Polygon", "MultiPolygon"} if allow_polygons else {"Point"}
        wrong = ~empty & ~geom.geom_type.isin(allowed)
        if wrong.any():
            kind = "points or polygons" if allow_polygons else "points"
            problems.add(f"geometries must be {kind}, found {sorted(types - allowed)}",
                         "geometry", row_ids[wrong].tolist())
        return geom
    cols = frame.columns
    lat_c = find_column(cols, lat, _LAT if x is None else ())
    lon_c = find_column(cols, lon, _LON if x is None else ())
    if lat_c and lon_c and x is None:
        lat_v, bad_lat = numeric(frame[lat_c], decimal=decimal)
        lon_v, bad_lon = numeric(frame[lon_c], decimal=decimal)
        for col, bad in ((lat_c, bad_lat), (lon_c, bad_lon)):
            if bad.any():
                problems.add(f"column {col!r} has non-numeric coordinates", col,
                             row_ids[bad].tolist())
        missing = (lat_v.isna() | lon_v.isna()).to_numpy() & ~bad_lat & ~bad_lon
        if missing.any():
            problems.add("missing coordinates", lat_c, row_ids[missing].tolist())
        lat_out = (lat_v.abs() > 90).to_numpy()
        lon_out = (lon_v.abs() > 180).to_numpy()
        ok = ~(lat_v.isna() | lon_v.isna()).to_numpy()
        swapped = ok & lat_out & (lon_v.abs() <= 90).to_numpy()
        gb_swap = (ok & (lat_v.between(-9, 2) & lon_v.between(49, 61)).to_numpy())
        if (swapped | gb_swap).sum() and (swapped | gb_swap)[ok].mean() > 0.5:
            problems.add(
                f"columns {lat_c!r} and {lon_c!r} look swapped: {lat_c!r} holds values like "
                f"{lat_v[ok].iloc[0]:g} and {lon_c!r} values like {lon_v[ok].iloc[0]:g}; "
                f"swap the column headers or pass lat={lon_c!r}, lon={lat_c!r}", lat_c,
                row_ids[swapped | gb_swap].tolist())
        else:
            if lat_out.any():
                problems.add(f"column {lat_c!r} has latitudes outside -90..90", lat_c,
                             row_ids[lat_out].tolist())
            if lon_out.any():
                problems.add(f"column {lon_c!r} has longitudes outside -180..180", lon_c,
                             row_ids[lon_out].tolist())
        if crs is not None and pyproj.CRS.from_user_input(crs).to_epsg() != 4326:
            problems.add("lat/lon columns are WGS 84 (EPSG:4326); to give coordinates in "
                         f"{crs}, use x=/y= instead", lat_c)
        pts = gpd.points_from_xy(lon_v.where(ok), lat_v.where(ok), crs=4326)
        return gpd.GeoSeries(pts, index=frame.index, crs=4326)
    x_c = find_column(cols, x, _EASTING + ("x",))
    y_c = find_column(cols, y, _NORTHING + ("y",))
    if x_c and y_c:
        x_v, bad_x = numeric(frame[x_c], decimal=decimal)
        y_v, bad_y = numeric(frame[y_c], decimal=decimal)
        for col, bad in ((x_c, bad_x), (y_c, bad_y)):
            if bad.any():
                problems.add(f"column {col!r} has non-numeric coordinates", col,
                             row_ids[bad].tolist())
        missing = (x_v.isna() | y_v.isna()).to_numpy() & ~bad_x & ~bad_y
        if missing.any():
            problems.add("missing coordinates", x_c, row_ids[missing].tolist())
        is_bng = x_c.lower() in _EASTING or crs is None
        if crs is None and x_c.lower() not in _EASTING:
            problems.add(f"columns {x_c!r}/{y_c!r} have no stated CRS; pass crs= (e.g. "
                         "crs='EPSG:27700' for British National Grid)", x_c)
            return None
        source_crs = pyproj.CRS.from_user_input(crs if crs is not None else 27700)
        if is_bng and source_crs.to_epsg() == 27700:
            out = ~(x_v.between(0, 700_000) & y_v.between(0, 1_300_000)).to_numpy()
            out &= ~(x_v.isna() | y_v.isna()).to_numpy()
            if out.any():
                problems.add(f"coordinates outside Great Britain's National Grid (easting "
                             f"0..700000, northing 0..1300000) in {x_c!r}/{y_c!r}; if they "
                             "are longitude/latitude use lat=/lon=", x_c, row_ids[out].tolist())
        pts = gpd.points_from_xy(x_v, y_v, crs=source_crs)
        return gpd.GeoSeries(pts, index=frame.index, crs=source_crs)
    problems.add("no location: give lat/lon columns (WGS 84), easting/northing (British "
                 "National Grid), x/y with crs=, or a geometry column in a spatial file "
                 f"(columns are {show_ids(list(cols))})", "geometry")
    return None


def _to_metric(geom: gpd.GeoSeries, to_crs: Any) -> gpd.GeoSeries:
    if to_crs is not None:
        return geom.to_crs(to_crs)
    if geom.crs is not None and geom.crs.is_projected and geom.crs.to_epsg() == 27700:
        return geom
    valid = geom[~(geom.isna() | geom.is_empty)]
    lonlat = valid.to_crs(4326)
    minx, miny, maxx, maxy = lonlat.total_bounds
    target = metric_crs((minx + maxx) / 2, (miny + maxy) / 2)
    return geom.to_crs(target)


def _cost_name(column: str) -> str | None:
    """The money column (``running_cost``...) that ``column`` spells, else None."""
    low = str(column).strip().lower()
    return next((name for name, cands in _COSTS.items() if low in cands), None)


def _nonneg(frame: pd.DataFrame, col: str, ids: pd.Series, problems: Problems, *,
            decimal: str = ".",
            required: bool, what: str) -> pd.Series:
    values, bad = numeric(frame[col], decimal=decimal)
    if bad.any():
        problems.add(f"column {col!r} has values that are not finite numbers in {what}"
                     f"{decimal_hint(frame[col], bad)}", col, ids[bad].tolist())
    neg = (values < 0).to_numpy()
    if neg.any():
        problems.add(f"column {col!r} has negative {what}", col, ids[neg].tolist())
    if required:
        missing = values.isna().to_numpy() & ~bad
        if missing.any():
            problems.add(f"column {col!r} has missing {what}; fill them (0 if none)", col,
                         ids[missing].tolist())
    return values


# --------------------------------------------------------------------------- sites
def _table_and_geometry(source: Source, what: str, *, layer: str | int | None,
                        encoding: str | None, id_column: str | None, id_kind: str,
                        id_candidates: Sequence[str], decimal: str, lat: str | None,
                        lon: str | None, x: str | None, y: str | None, crs: Any
                        ) -> tuple[pd.DataFrame, Problems, pd.Series | None, pd.Series,
                                   gpd.GeoSeries | None]:
    """The table, its problems so far, ids, ids or row numbers, and geometry (sites, areas)."""
    frame, where, path = _read_source(source, layer, encoding, what)
    problems = Problems(where, path)
    ids = _ids(frame, id_column, id_kind, id_candidates, problems)
    row_ids = ids if ids is not None else pd.Series(
        [f"row {i + 1}" for i in range(len(frame))], index=frame.index)
    geom = _geometry(frame, ids, problems, decimal=decimal, lat=lat, lon=lon, x=x, y=y,
                     crs=crs, allow_polygons=True)
    return frame, problems, ids, row_ids, geom


def read_sites(
    source: Source,
    *,
    id_column: str | None = None,
    name_column: str | None = None,
    kind_column: str | None = None,
    capacity_column: str | None = None,
    sessions_column: str | None = None,
    kinds: Sequence[str] = SITE_KINDS,
    kind_map: Mapping[str, str] | None = None,
    default_kind: str = "centre",
    lat: str | None = None,
    lon: str | None = None,
    x: str | None = None,
    y: str | None = None,
    crs: Any = None,
    to_crs: Any = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    decimal: str = ".",
) -> gpd.GeoDataFrame:
    """Read service sites: children's centres, family hubs, outreach sites, shared bases.

    Parameters
    ----------
    source : path or GeoDataFrame or DataFrame
        CSV/Excel with coordinates, or GeoJSON, GeoPackage, Shapefile, GeoParquet; or an
        OpenStreetMap extract (``.osm.pbf``/``.osm``/``.osm.bz2``), whose venues are read
        with :func:`geoaccess.read_venues` (every venue an outreach candidate).
    id_column, name_column, kind_column, capacity_column, sessions_column : str, optional
        Column names; by default common spellings are recognised (``site_id``/``id``/
        ``urn``, ``name``, ``kind``/``type``, ``capacity``, ``sessions_per_week``). A
        money column (``running_cost``...) is refused as the capacity.
    kinds : sequence of str
        Allowed kinds (default hub, centre, outreach, base, other).
    kind_map : mapping, optional
        Your labels to kinds, e.g. ``{"Family Hub": "hub"}``; common labels ("children's
        centre", "family hub", "outreach site", "shared base") are understood already.
    default_kind : str
        Kind of every site when the table has no kind column.
    lat, lon, x, y : str, optional
        Coordinate columns (lat/lon in WGS 84; x/y in ``crs``, British National Grid for
        ``easting``/``northing``).
    crs : optional
        CRS of x/y columns, or of a spatial file that lacks one.
    to_crs : optional
        Metric CRS of the result (default EPSG:27700 in Great Britain, else local UTM).
    layer : str or int, optional
        Layer of a GeoPackage or sheet of an Excel file.
    encoding : str, optional
        Text encoding of a CSV (default: UTF-8 with or without BOM, else Windows-1252;
        UTF-16 with a byte-order mark is recognised).
    decimal : {".", ","}
        The decimal mark of numbers in text files. With the default, ``"12,5"`` is refused
        (with the rows named) rather than read as 125; pass ``decimal=","`` for files that
        write numbers as ``1.234,5``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``site_id`` (str), ``name``, ``kind``, ``capacity``, ``sessions_per_week``
        (float, NaN when not given); when the source has them, the money columns
        ``running_cost`` (pounds a year), ``closure_cost`` and ``opening_cost`` (one-off
        pounds) as floats (also spelt ``annual_cost``, ``closing_cost``, ``setup_cost``...;
        "£45,000" is read as 45000), which :func:`geoaccess.p_median` and the other
        optimisers use for budgets and savings; any other source columns, and point
        geometry.

    Raises
    ------
    InputError
        Listing every problem: file, column, row ids and how to fix it.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> table = pd.DataFrame({"site_id": ["A", "B"], "name": ["Oakham", "Uppingham"],
    ...                       "kind": ["Family hub", "outreach"],
    ...                       "lat": [52.6714, 52.5873], "lon": [-0.7311, -0.7230]})
    >>> sites = ga.read_sites(table)
    >>> sites.kind.tolist(), sites.crs.to_epsg()
    (['hub', 'outreach'], 27700)
    >>> ga.read_sites(table.assign(annual_cost=["£52,000", "8000"])).running_cost.tolist()
    [52000.0, 8000.0]
    """
    frame, problems, ids, row_ids, geom = _table_and_geometry(
        source, "sites", layer=layer, encoding=encoding, id_column=id_column,
        id_kind="site_id", id_candidates=SITE_ID_COLUMNS, decimal=decimal, lat=lat, lon=lon,
        x=x, y=y, crs=crs)
    where, path = problems.where, problems.path
    out = pd.DataFrame(index=frame.index)
    out["site_id"] = row_ids
    name_c = find_column(frame.columns, name_column, _NAME)
    if name_column is not None and name_c is None:
        problems.add(f"no column {name_column!r} (name_column=)", name_column)
    out["name"] = (frame[name_c].astype(object).where(frame[name_c].notna(), row_ids)
                   if name_c else row_ids)
    allowed = [str(k) for k in kinds]
    kind_c = find_column(frame.columns, kind_column, _KIND)
    if kind_column is not None and kind_c is None:
        problems.add(f"no column {kind_column!r} (kind_column=)", kind_column)
    if kind_c:
        lookup = dict(_KIND_SYNONYMS)
        lookup.update({k: k for k in allowed})
        lookup.update({str(k).strip().lower(): v for k, v in (kind_map or {}).items()})
        raw = frame[kind_c].astype("string").str.strip()
        mapped = pd.Series([lookup.get(v) if isinstance(v, str) else None
                            for v in raw.str.lower()], index=raw.index, dtype=object)
        unknown = pd.Series([m is None or m not in allowed for m in mapped], index=raw.index)
        if unknown.any():
            labels = sorted(set(raw[unknown].fillna("<blank>")))
            problems.add(f"column {kind_c!r} has unknown site kinds {labels[:5]}; allowed "
                         f"kinds are {allowed} (map your labels with kind_map=)", kind_c,
                         row_ids[unknown.to_numpy()].tolist())
        out["kind"] = mapped.astype(object)
    else:
        if default_kind not in allowed:
            problems.add(f"default_kind={default_kind!r} is not one of {allowed}", "kind")
        log.info("%s: no kind column; every site is a %r", where, default_kind)
        out["kind"] = default_kind
    for col_arg, cands, name, what in ((capacity_column, _CAPACITY, "capacity", "capacity"),
                                       (sessions_column, _SESSIONS, "sessions_per_week",
                                        "sessions per week")):
        col = find_column(frame.columns, col_arg, cands)
        if col_arg is not None and col is None:
            problems.add(f"no column {col_arg!r}", col_arg)
        if col is not None and _cost_name(col) is not None:
            problems.add(f"column {col!r} holds money ({_cost_name(col)}), not a "
                         f"{what}; give the {what} column instead (costs are read as "
                         f"{_cost_name(col)!r} by themselves)", col)
            col = None
        out[name] = (_nonneg(frame, col, row_ids, problems, decimal=decimal, required=False,
                                  what=what)
                     if col else np.nan)
    cost_cols = {}
    for name, spellings in _COSTS.items():
        money_c = find_column(frame.columns, None, spellings)
        if money_c is not None:
            money = frame[[money_c]].copy()
            if money[money_c].dtype == object or pd.api.types.is_string_dtype(money[money_c]):
                money[money_c] = money[money_c].astype("string").str.strip().str.replace(
                    r"^[£$€]\s*", "", regex=True)
            out[name] = _nonneg(money, money_c, row_ids, problems, decimal=decimal,
                                required=False, what=f"{name.replace('_', ' ')}s (pounds)")
            cost_cols[name] = money_c
    problems.raise_if_any()
    if geom is None:  # pragma: no cover - a problem was recorded and raised above
        raise InputError(f"{where}: no usable geometry", path=path)
    used = {c for c in (ids.name if ids is not None else None, name_c, kind_c) if c}
    used |= {c for c in frame.columns if c in ("capacity", "sessions_per_week")}
    used |= set(cost_cols.values())
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    extra = [c for c in frame.columns if c not in used and c not in out.columns
             and c != geometry_name]
    for c in extra:
        out[c] = frame[c]
    geom = _to_metric(geom, to_crs)
    if not (geom.geom_type == "Point").all():
        log.info("%s: site polygons are represented by a point inside each", where)
        geom = geom.where(geom.geom_type == "Point", geom.representative_point())
    result = gpd.GeoDataFrame(out.reset_index(drop=True),
                              geometry=geom.reset_index(drop=True), crs=geom.crs)
    result.attrs["source"] = where
    return result


# --------------------------------------------------------------------------- areas
def read_areas(
    source: Source,
    *,
    population: str | Sequence[str] | None = None,
    id_column: str | None = None,
    imd_column: str | None = None,
    origin: str | Sequence[str] | gpd.GeoSeries | gpd.GeoDataFrame | None = "auto",
    lat: str | None = None,
    lon: str | None = None,
    x: str | None = None,
    y: str | None = None,
    crs: Any = None,
    to_crs: Any = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    decimal: str = ".",
) -> gpd.GeoDataFrame:
    """Read small areas of demand: LSOA/output-area polygons or points with counts.

    Parameters
    ----------
    source : path or GeoDataFrame or DataFrame
        A spatial file of polygons or points, or a CSV/Excel with coordinates.
    population : str or sequence of str, optional
        Population columns (e.g. ``"children_0_4"``); must be numbers >= 0. By default
        columns named ``children*``, ``population*``, ``pop_*`` or ``residents*`` are used.
    id_column : str, optional
        Area id column; ``area_id``, ``LSOA21CD``, ``lsoa21_code``... are recognised.
    imd_column : str, optional
        IMD decile column (1 = most deprived 10%); ``imd_decile`` and common spellings
        are recognised and renamed ``imd_decile``.
    origin : {"auto", "representative_point", "centroid"} or (x, y) columns or GeoSeries
        The point each area's journeys start from. ``"auto"`` uses supplied
        population-weighted centroid columns (``pwc_x``/``pwc_y``, ``origin_x``/
        ``origin_y``, ``pwc_lon``/``pwc_lat``) when present, the point itself for point
        areas, else a point guaranteed inside the polygon. A GeoSeries indexed by area id
        gives origins directly (e.g. from :func:`~geoaccess.residential_origins`).
    lat, lon, x, y, crs, to_crs, layer, encoding, decimal
        As in :func:`read_sites`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_id`` (str), the population columns (float), ``imd_decile`` (Int64) when
        present, every other attribute, ``origin_x``/``origin_y`` (metres, in the result's
        CRS) and ``origin_method``, with the area geometry. ``attrs["population"]`` lists
        the population columns.

    Raises
    ------
    InputError
        Listing every problem: file, column, row ids and how to fix it.

    Examples
    --------
    >>> import geoaccess as ga
    >>> areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    >>> len(areas), areas.attrs["population"], areas.crs.to_epsg()
    (26, ['children_0_4'], 27700)
    """
    frame, problems, ids, row_ids, geom = _table_and_geometry(
        source, "areas", layer=layer, encoding=encoding, id_column=id_column,
        id_kind="area_id", id_candidates=AREA_ID_COLUMNS, decimal=decimal, lat=lat, lon=lon,
        x=x, y=y, crs=crs)
    where, path = problems.where, problems.path
    if population is None:
        pop_cols = [c for c in frame.columns if str(c).lower().startswith(_POPULATION_PREFIXES)
                    and not str(c).lower().endswith(("share", "pct", "percent", "rate"))]
        if not pop_cols:
            problems.add("no population column found; pass population='children_0_4' (or "
                         f"your column names); columns are {show_ids(list(frame.columns))}",
                         "population")
        else:
            log.info("%s: population columns %s", where, pop_cols)
    else:
        pop_cols = [population] if isinstance(population, str) else list(population)
        for c in pop_cols:
            if c not in frame.columns:
                problems.add(f"no population column {c!r}; columns are "
                             f"{show_ids(list(frame.columns))}", c)
        pop_cols = [c for c in pop_cols if c in frame.columns]
    out = pd.DataFrame(index=frame.index)
    out["area_id"] = row_ids
    for c in pop_cols:
        out[c] = _nonneg(frame, c, row_ids, problems, decimal=decimal, required=True,
                         what="population")
    imd_c = find_column(frame.columns, imd_column, _IMD)
    if imd_column is not None and imd_c is None:
        problems.add(f"no column {imd_column!r} (imd_column=)", imd_column)
    if imd_c:
        dec, bad = numeric(frame[imd_c], decimal=decimal)
        out_range = (dec.notna() & ~dec.isin(range(1, 11))).to_numpy()
        if bad.any() or out_range.any():
            problems.add(f"column {imd_c!r} must hold IMD deciles 1..10 (1 = most deprived)",
                         imd_c, row_ids[bad | out_range].tolist())
        if dec.isna().any() and not bad.any():
            log.warning("%s: %d areas have no IMD decile", where, int(dec.isna().sum()))
        out["imd_decile"] = dec.round().astype("Int64") if not (bad.any() or out_range.any()) \
            else pd.array([pd.NA] * len(dec), dtype="Int64")
    origin_xy = None
    if isinstance(origin, str) and origin == "auto":
        for pair in _ORIGIN_XY + _ORIGIN_LONLAT:
            cols = [find_column(frame.columns, None, (p,)) for p in pair]
            if all(cols):
                origin_xy = (cols, pair in _ORIGIN_LONLAT)
                break
    elif isinstance(origin, (list, tuple)):
        if len(origin) != 2 or any(c not in frame.columns for c in origin):
            problems.add(f"origin= must name two existing columns (x, y), got {origin!r}",
                         "origin")
        else:
            origin_xy = (list(origin), False)
    elif isinstance(origin, str) and origin not in ("representative_point", "centroid"):
        problems.add(f"origin={origin!r} is not understood; use 'auto', "
                     "'representative_point', 'centroid', two column names or a GeoSeries",
                     "origin")
    problems.raise_if_any()
    if geom is None:  # pragma: no cover - a problem was recorded and raised above
        raise InputError(f"{where}: no usable geometry", path=path)
    used = {c for c in (ids.name if ids is not None else None, imd_c) if c} | set(pop_cols)
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for c in frame.columns:
        if c not in used and c not in out.columns and c != geometry_name:
            out[c] = frame[c]
    metric = _to_metric(geom, to_crs)
    method = np.where(metric.geom_type == "Point", "point", "representative_point")
    opts = metric.where(metric.geom_type == "Point", metric.representative_point())
    if isinstance(origin, str) and origin == "centroid":
        opts = metric.centroid
        method = np.full(len(metric), "centroid", dtype=object)
    if origin_xy is not None:
        cols, is_lonlat = origin_xy
        ox, bad_x = numeric(frame[cols[0]], decimal=decimal)
        oy, bad_y = numeric(frame[cols[1]], decimal=decimal)
        if bad_x.any() or bad_y.any():
            raise InputError(f"{where}: origin columns {cols} have non-numeric values (rows "
                             f"{show_ids(row_ids[bad_x | bad_y].tolist())})", path=path,
                             column=cols[0], rows=row_ids[bad_x | bad_y].tolist())
        src = 4326 if is_lonlat else (geom.crs if geom.crs and geom.crs.is_projected
                                      else 27700)
        pts = gpd.GeoSeries(gpd.points_from_xy(ox, oy), index=frame.index, crs=src)
        pts = pts.to_crs(metric.crs)
        given = (ox.notna() & oy.notna()).to_numpy()
        opts = opts.where(~given, pts)
        method = np.where(given, "supplied", method)
    if isinstance(origin, (gpd.GeoSeries, gpd.GeoDataFrame)):
        opts, method = _origins_from_series(origin, row_ids, metric, opts, method, where, path)
    out["origin_x"] = opts.x.to_numpy()
    out["origin_y"] = opts.y.to_numpy()
    out["origin_method"] = method
    result = gpd.GeoDataFrame(out.reset_index(drop=True),
                              geometry=metric.reset_index(drop=True), crs=metric.crs)
    result.attrs["population"] = pop_cols
    result.attrs["source"] = where
    return result


def _origins_from_series(origin: gpd.GeoSeries | gpd.GeoDataFrame, row_ids: pd.Series,
                         metric: gpd.GeoSeries, fallback: gpd.GeoSeries, method: np.ndarray,
                         where: str,
                         path: str | None) -> tuple[gpd.GeoSeries, np.ndarray]:
    if origin.crs is None:
        raise InputError(f"{where}: the origin GeoSeries has no CRS; use set_crs",
                         path=path, column="origin")
    pts = origin.geometry.to_crs(metric.crs) if isinstance(origin, gpd.GeoDataFrame) \
        else origin.to_crs(metric.crs)
    pts.index = pts.index.astype(str)
    lookup = pd.Series(row_ids.to_numpy(), index=row_ids.index)
    found = lookup.isin(pts.index).to_numpy()
    chosen = fallback.copy()
    chosen[found] = pts.reindex(lookup[found].to_numpy()).to_numpy()
    if isinstance(origin, gpd.GeoDataFrame) and "method" in origin.columns:
        given = origin["method"].copy()
        given.index = given.index.astype(str)
        names = given.reindex(lookup.to_numpy()).fillna("supplied").to_numpy()
    else:
        names = np.full(len(lookup), origin.attrs.get("method", "supplied"), dtype=object)
    method = np.where(found, names, method)
    if not found.all():
        log.warning("%s: %d areas have no origin in the supplied GeoSeries; they use a point "
                    "inside the area", where, int((~found).sum()))
    return chosen, method


def set_origins(areas: gpd.GeoDataFrame,
                origins: gpd.GeoSeries | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``areas`` with one origin point per area.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas from :func:`read_areas`.
    origins : geopandas.GeoSeries or geopandas.GeoDataFrame
        Points indexed by ``area_id`` (``attrs["method"]`` or a ``method`` column names
        the method), e.g. from :func:`~geoaccess.residential_origins`; or the many
        weighted origins of :func:`~geoaccess.build_origins` (``origin_id``,
        ``area_id``, ``weight``), of which each area keeps its weighted medoid: the
        origin with the least weighted distance to the area's others (a home, never a
        field between two villages; method ``"weighted medoid of <methods>"``).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``areas`` with ``origin_x``/``origin_y`` and ``origin_method`` set;
        areas without an origin keep theirs (logged).

    Examples
    --------
    >>> import geopandas as gpd, geoaccess as ga
    >>> from shapely.geometry import Point, box
    >>> areas = ga.read_areas(gpd.GeoDataFrame({"area_id": ["A"], "kids": [10.0]},
    ...                       geometry=[box(0, 0, 100, 100)], crs=27700), population="kids")
    >>> homes = gpd.GeoDataFrame({"origin_id": ["A-0", "A-1", "A-2"], "area_id": "A",
    ...                           "weight": [0.2, 0.5, 0.3], "method": "building"},
    ...                          geometry=[Point(10, 10), Point(20, 10), Point(90, 90)],
    ...                          crs=27700)
    >>> out = set_origins(areas, homes)
    >>> float(out.origin_x[0]), float(out.origin_y[0]), out.origin_method[0]
    (20.0, 10.0, 'weighted medoid of building origins')
    """
    ids = areas["area_id"].astype(str)
    fallback = gpd.GeoSeries(gpd.points_from_xy(areas["origin_x"], areas["origin_y"]),
                             index=areas.index, crs=areas.crs)
    if isinstance(origins, gpd.GeoDataFrame) and {"origin_id", "area_id", "weight"} <= set(
            origins.columns):
        origins = _medoids(origins)
    pts, method = _origins_from_series(origins, ids, areas.geometry, fallback,
                                       areas["origin_method"].to_numpy(), "areas", None)
    out = areas.copy()
    out["origin_x"] = pts.x.to_numpy()
    out["origin_y"] = pts.y.to_numpy()
    out["origin_method"] = method
    return out


_MEDOID_SAMPLE = 2000


def _medoids(origins: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each area's weighted medoid among its origins (a regular sample beyond 2,000)."""
    xy = np.column_stack([origins.geometry.x.to_numpy(), origins.geometry.y.to_numpy()])
    w = pd.to_numeric(origins["weight"], errors="coerce").fillna(0.0).to_numpy(np.float64)
    kinds = origins["method"].astype(str) if "method" in origins.columns else None
    rows, names, index = [], [], []
    for area, idx in origins.groupby(origins["area_id"].astype(str), sort=False).indices.items():
        pick = idx if len(idx) <= _MEDOID_SAMPLE else idx[
            np.linspace(0, len(idx) - 1, _MEDOID_SAMPLE).astype(int)]
        d = np.hypot(xy[pick, None, 0] - xy[None, pick, 0], xy[pick, None, 1] - xy[None, pick, 1])
        rows.append(pick[int(np.argmin(d @ w[pick]))])
        used = "+".join(sorted(set(kinds.iloc[idx]))) if kinds is not None else "supplied"
        names.append(f"weighted medoid of {used} origins")
        index.append(area)
    return gpd.GeoDataFrame({"method": names}, geometry=origins.geometry.to_numpy()[rows],
                            index=pd.Index(index, name="area_id"), crs=origins.crs)
