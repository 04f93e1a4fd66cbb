"""Children's centre and family hub lists, and postcodes to points.

:func:`read_centres` reads a list of sites as published: the DfE register's (Get
Information about Schools) children's-centre extract, the published family-hub site lists,
or a council's own spreadsheet with names and postcodes. Sites with coordinates keep them;
the others are placed at their postcode's centroid from a user-supplied ONS Postcode
Directory (ONSPD, or a small extract of it) read by :func:`read_postcodes`.
:func:`locate_postcodes` does the lookup on its own. Every postcode that is not found,
terminated or without a grid reference is reported, and its site kept (without a point),
never dropped: :func:`geoaccess.read_sites` then names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from . import _columns
from ._util import Source, find, ids_text, label, log, norm, numbers, read_table, resolve

__all__ = ["locate_postcodes", "postcode_key", "read_centres", "read_postcodes"]

BNG = "EPSG:27700"
_POSTCODE_FORMAT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")
_PC = (r"pcds", r"pcd", r"pcd2", r"pcd7", r"pcd8", r"postcode", r"post code",
       r"postcode of site", r"site postcode", r"pc")
_EAST = (r"oseast1m", r"east1m", r"easting", r"eastings", r"x")
_NORTH = (r"osnrth1m", r"north1m", r"northing", r"northings", r"y")
_GRID = (r"osgrdind", r"gridind")
_TERM = (r"doterm",)
_NAME = (r"name", r"site name", r"centre name", r"children'?s centre name", r"family hub name",
         r"hub name", r"establishment ?name", r"setting name", r"service name", r"venue")
_ID = (r"site id", r"urn", r"unique reference number", r"setting urn", r"id", r"ref",
       r"reference", r"code")
_ADDRESS_PARTS = (r"street", r"address ?1", r"address line 1", r"locality", r"address ?2",
                  r"address ?3", r"address line 2", r"town", r"county \(name\)", r"county")
_STATUS = (r"establishment ?status \(name\)", r"status", r"open or closed")


def postcode_key(postcodes: pd.Series) -> pd.Series:
    """Postcodes in one form for matching: upper case, no spaces (``"M31 4FL"`` → ``"M314FL"``).

    Examples
    --------
    >>> postcode_key(pd.Series([" m31 4fl", "M32  9AN", None])).tolist()
    ['M314FL', 'M329AN', <NA>]
    """
    text = postcodes.astype("string").str.upper().str.replace(r"\s+", "", regex=True)
    return text.mask(text == "")


def read_postcodes(source: Source, *, keep: Sequence[str] | None = None,
                   download: bool = False) -> pd.DataFrame:
    """Read the ONS Postcode Directory (ONSPD), or a small extract in its layout.

    Parameters
    ----------
    source : path, URL or DataFrame
        The ONSPD CSV (``pcds``, ``oseast1m``/``osnrth1m`` or ``east1m``/``north1m``,
        ``lat``/``long``, ``doterm``, ``lsoa21``...), or any table with a postcode and
        coordinates.
    keep : sequence of str, optional
        Read only these postcodes (the full directory is 2.7 million rows; with ``keep``
        it is read in chunks and only matching rows are held).
    download : bool
        Fetch ``source`` when it is a URL.

    Returns
    -------
    pandas.DataFrame
        Indexed by :func:`postcode_key`: ``postcode`` (as published), ``x``/``y``
        (British National Grid metres; NaN where the directory has no grid reference),
        ``terminated`` (the ``doterm`` date, missing while in use), and the small-area
        codes the file holds (``lsoa21``, ``oa21``...).

    Examples
    --------
    >>> import pandas as pd
    >>> pcd = read_postcodes(pd.DataFrame({"pcds": ["M32 9AN"], "oseast1m": ["379180"],
    ...                                    "osnrth1m": ["395510"], "doterm": [""]}))
    >>> pcd.loc["M329AN", ["x", "y"]].tolist()
    [379180.0, 395510.0]
    """
    resolved = resolve(source, download=download, what="postcode directory")
    where = label(resolved)
    wanted = None if keep is None else set(postcode_key(pd.Series(list(keep))).dropna())
    if isinstance(resolved, pd.DataFrame):
        frame = read_table(resolved)
        cols = _postcode_columns(frame.columns, where)
        frame = frame[cols]
    elif isinstance(resolved, Path) and resolved.suffix.lower() in (".csv", ".txt"):
        header = pd.read_csv(resolved, nrows=0, encoding="utf-8-sig").columns
        cols = _postcode_columns(header, where)
        chunks = []
        for chunk in pd.read_csv(resolved, usecols=cols, dtype=str, chunksize=500_000,
                                 encoding="utf-8-sig", keep_default_na=False,
                                 na_values=[""]):
            if wanted is not None:
                chunk = chunk[postcode_key(chunk[cols[0]]).isin(wanted).to_numpy()]
            chunks.append(chunk)
        frame = pd.concat(chunks, ignore_index=True)
    else:
        frame = read_table(resolved, what="postcode directory")
        cols = _postcode_columns(frame.columns, where)
        frame = frame[cols]
    return _postcode_table(frame, cols, wanted, where)


def _postcode_columns(columns: Iterable[object], where: str) -> list[str]:
    pc = find(columns, _PC)
    if pc is None:
        raise InputError(f"{where}: no postcode column (pcds, pcd, postcode); columns are "
                         f"{[str(c) for c in columns][:20]}", path=where, column="postcode")
    picked = [pc]
    for patterns in (_EAST, _NORTH, (r"lat", r"latitude"), (r"long", r"lon", r"longitude"),
                     _TERM, _GRID):
        c = find(columns, patterns)
        if c is not None and c not in picked:
            picked.append(c)
    picked += [str(c) for c in columns if re.fullmatch(r"(l?soa|oa|msoa)\d\d(cd)?", norm(c))
               and str(c) not in picked]
    return picked


def _postcode_table(frame: pd.DataFrame, cols: list[str], wanted: set[str] | None,
                    where: str) -> pd.DataFrame:
    keys = postcode_key(frame[cols[0]])
    if wanted is not None:
        frame, keys = frame[keys.isin(wanted).to_numpy()], keys[keys.isin(wanted)]
    east, north = find(cols, _EAST), find(cols, _NORTH)
    lat, lon = find(cols, (r"lat", r"latitude")), find(cols, (r"long", r"lon", r"longitude"))
    x = numbers(frame[east])[0] if east else pd.Series(np.nan, index=frame.index)
    y = numbers(frame[north])[0] if north else pd.Series(np.nan, index=frame.index)
    if lat and lon:
        la, lo = numbers(frame[lat])[0], numbers(frame[lon])[0]
        usable = la.between(49, 61) & lo.between(-9, 2.5)  # ONSPD writes 99.999999 for none
        need = (x.isna() | y.isna()) & usable
        if need.any():
            pts = gpd.GeoSeries(gpd.points_from_xy(lo[need], la[need]), crs=4326).to_crs(BNG)
            x[need], y[need] = pts.x.to_numpy(), pts.y.to_numpy()
    grid = find(cols, _GRID)
    if grid:
        none = (frame[grid].astype("string").str.strip() == "9").fillna(False).to_numpy()
        x[none], y[none] = np.nan, np.nan
    out = pd.DataFrame({"postcode": frame[cols[0]].astype("string").str.strip().to_numpy(),
                        "x": x.to_numpy(), "y": y.to_numpy()}, index=pd.Index(keys.to_numpy(),
                                                                             name="postcode_key"))
    term = find(cols, _TERM)
    ended = (frame[term].astype("string").str.strip() if term
             else pd.Series(pd.NA, index=frame.index, dtype="string"))
    out["terminated"] = ended.mask(ended == "").to_numpy()
    for c in cols:
        if re.fullmatch(r"(l?soa|oa|msoa)\d\d(cd)?", norm(c)):
            out[norm(c).removesuffix("cd")] = frame[c].astype("string").to_numpy()
    # a directory lists each postcode once; an extract might repeat one: keep the live row
    out = out.sort_values("terminated", na_position="first", kind="stable")
    out = out[~out.index.duplicated()]
    out.attrs["source"] = where
    return out


def locate_postcodes(postcodes: pd.Series, directory: pd.DataFrame | Source, *,
                     download: bool = False) -> gpd.GeoDataFrame:
    """Points for postcodes from a postcode directory, reporting the ones not found.

    Parameters
    ----------
    postcodes : pandas.Series
        Postcodes in any spacing or case.
    directory : DataFrame from :func:`read_postcodes`, or its path
        The ONS Postcode Directory or an extract (a path is read for these postcodes
        only).
    download : bool
        Fetch ``directory`` when it is a URL.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed like ``postcodes``: ``postcode``, point geometry in British National Grid
        (missing where not found), ``location_source`` and ``location_note`` (why a
        postcode has no point, or that it is terminated). ``attrs["report"]`` counts found
        and lists ``not_found``, ``invalid``, ``terminated`` and ``no_grid_reference``.

    Examples
    --------
    >>> import pandas as pd
    >>> pcd = read_postcodes(pd.DataFrame({"pcds": ["M32 9AN"], "oseast1m": ["379180"],
    ...                                    "osnrth1m": ["395510"]}))
    >>> pts = locate_postcodes(pd.Series(["m32 9an", "M99 9ZZ"]), pcd)
    >>> pts.attrs["report"]["not_found"]
    ['M99 9ZZ']
    """
    keys = postcode_key(postcodes)
    if not isinstance(directory, pd.DataFrame) or "postcode_key" != directory.index.name:
        directory = read_postcodes(directory, keep=keys.dropna().tolist(), download=download)
    found = keys.isin(directory.index).fillna(False).astype(bool)
    rows = directory.reindex(keys.where(found, "").to_numpy())
    x, y = rows["x"].to_numpy(dtype=float), rows["y"].to_numpy(dtype=float)
    has_point = ~(np.isnan(x) | np.isnan(y))
    geometry = gpd.points_from_xy(np.where(has_point, x, 0), np.where(has_point, y, 0))
    geometry[~has_point] = None
    out = gpd.GeoDataFrame({"postcode": postcodes.astype("string").to_numpy()},
                           geometry=geometry, crs=BNG, index=postcodes.index)
    blank = keys.isna().to_numpy()
    valid = keys.fillna("").str.fullmatch(_POSTCODE_FORMAT.pattern).to_numpy(dtype=bool)
    terminated = rows["terminated"].notna().to_numpy() & found.to_numpy()
    source = str(directory.attrs.get("source", "postcode directory"))
    out["location_source"] = np.where(has_point, f"postcode centroid ({Path(source).name})",
                                      "")
    out["location_note"] = np.select(
        [blank, ~valid, ~found.to_numpy(), ~has_point, terminated],
        ["no postcode", "not a postcode", "postcode not found in the directory",
         "postcode has no grid reference in the directory",
         [f"postcode terminated {t} (its last location is used)"
          for t in rows["terminated"].astype("string").fillna("")]], "")
    given = postcodes.astype("string")
    report = {
        "postcodes": int((~blank).sum()), "found": int((found.to_numpy() & has_point).sum()),
        "not_found": given[~blank & valid & ~found.to_numpy()].tolist(),
        "invalid": given[~blank & ~valid].tolist(),
        "terminated": given[terminated].tolist(),
        "no_grid_reference": given[found.to_numpy() & ~has_point].tolist(),
        "directory": source,
    }
    out.attrs["report"] = report
    lost = report["not_found"] + report["invalid"] + report["no_grid_reference"]
    if lost:
        log.warning("%d postcodes have no point: %s", len(lost), ids_text(lost))
    return out


def read_centres(
    source: Source,
    *,
    kind: str | None = "centre",
    postcodes: pd.DataFrame | Source | None = None,
    prefer: str = "file",
    local_authority: str | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    id_column: str | None = None,
    name_column: str | None = None,
    postcode_column: str | None = None,
    download: bool = False,
) -> gpd.GeoDataFrame:
    """Read a list of children's centres or family hubs as published, ready for read_sites.

    Parameters
    ----------
    source : path, URL or (Geo)DataFrame
        The DfE register's children's-centre extract, a family-hub site list, or a
        council's spreadsheet (CSV or Excel) with names and postcodes; with or without
        coordinates (``lat``/``lon``, ``easting``/``northing``, or a spatial file).
    kind : str or None
        Kind of every site (``"centre"``, ``"hub"``...); None keeps the file's own
        ``kind`` column.
    postcodes : DataFrame from :func:`read_postcodes`, or its path, optional
        Places sites without coordinates (or all, with ``prefer="postcode"``) at their
        postcode's centroid.
    prefer : {"file", "postcode"}
        Which location wins when a site has both.
    local_authority : str, optional
        Keep only this authority's sites, by the list's local-authority code or name
        column (``LA (code)``, ``LA (name)``...); the rows left out are counted in the
        report.
    sheet, layer : str or int, optional
        Workbook sheet or GeoPackage layer.
    id_column, name_column, postcode_column : str, optional
        Columns, when not recognised (``URN``/``unique_reference_number``, ``name``/
        ``EstablishmentName``, ``postcode``).
    download : bool
        Fetch ``source`` when it is a URL.

    Returns
    -------
    geopandas.GeoDataFrame
        ``site_id``, ``name``, ``kind``, ``postcode``, ``address``, ``location_source``,
        ``location_note``, the list's other columns, and points in British National Grid
        (missing for sites that could not be placed: :func:`geoaccess.read_sites` then
        names them). ``attrs["report"]`` says how each site was placed.

    Examples
    --------
    >>> import geoaccess as ga
    >>> from geoaccess import uk
    >>> centres = uk.read_centres(ga.datasets.get_path("trafford-centres"))
    >>> centres[["site_id", "postcode"]].values.tolist()
    [['22329', 'M31 4FL'], ['22963', 'M32 9AN']]
    >>> centres["location_source"].unique().tolist()
    ['coordinates in the file']
    """
    resolved = resolve(source, download=download, what="sites")
    where, path = label(resolved), (None if isinstance(resolved, pd.DataFrame)
                                    else str(resolved))

    def header(cells: Sequence[str]) -> bool:
        return find(cells, _NAME, name_column) is not None

    frame = read_table(resolved, sheet=sheet, layer=layer, is_header=header, what="sites")
    name_c = find(frame.columns, _NAME, name_column)
    if name_c is None:
        raise InputError(f"{where}: no site name column; pass name_column= (columns are "
                         f"{list(frame.columns)})", path=path, column=name_column or "name")
    unnamed = (frame[name_c].astype("string").str.strip().fillna("") == "").to_numpy()
    if unnamed.any():
        rows = [f"row {i + 2}" for i in unnamed.nonzero()[0]]
        raise InputError(f"{where}: {len(rows)} sites without a name in {name_c!r} "
                         f"({ids_text(rows)}); name them or delete the rows", path=path,
                         column=name_c, rows=rows)
    total = len(frame)
    left_out = 0
    if local_authority is not None:
        frame, left_out = _one_authority(frame, local_authority, where, path)
    id_c = find(frame.columns, _ID, id_column)
    names = frame[name_c].astype("string").str.strip()
    if id_c is not None:
        ids = frame[id_c].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    else:
        ids = names
        log.info("%s: no id column (URN); the names are used as site ids", where)
    pc_c = find(frame.columns, _PC, postcode_column)
    out = pd.DataFrame({"site_id": ids.to_numpy(), "name": names.to_numpy()},
                       index=frame.index)
    if kind is not None:
        out["kind"] = kind
    out["postcode"] = (frame[pc_c].astype("string").str.strip().str.upper().to_numpy()
                       if pc_c else pd.array([pd.NA] * len(frame), dtype="string"))
    out["address"] = _address(frame)
    file_pts = _file_points(frame)
    located = file_pts.notna().to_numpy() & ~file_pts.is_empty.to_numpy()
    geometry = file_pts.copy()
    source_col = np.where(located, "coordinates in the file", "")
    note = np.full(len(frame), "", dtype=object)
    pc_report = None
    if postcodes is not None:
        if pc_c is None:
            raise InputError(f"{where}: postcodes= given but the list has no postcode column; "
                             "pass postcode_column=", path=path, column="postcode")
        pts = locate_postcodes(out["postcode"], postcodes, download=download)
        pc_report = pts.attrs["report"]
        has = pts.geometry.notna().to_numpy() & ~pts.geometry.is_empty.to_numpy()
        use = has & (~located if prefer == "file" else np.ones(len(out), dtype=bool))
        geometry[use] = pts.geometry[use].to_numpy()
        source_col = np.where(use, pts["location_source"].to_numpy(), source_col)
        note = np.where(located & ~use, note, pts["location_note"].to_numpy())
    placed = geometry.notna().to_numpy() & ~geometry.is_empty.to_numpy()
    note = np.where(~placed & (note == ""), "no coordinates and no postcode directory", note)
    out["location_source"] = source_col
    out["location_note"] = note
    skip = {name_c, id_c, pc_c, getattr(frame, "_geometry_column_name", None)}
    for c in frame.columns:
        if c not in skip and c not in out.columns:
            out[c] = frame[c]
    result = gpd.GeoDataFrame(out.reset_index(drop=True),
                              geometry=geometry.reset_index(drop=True), crs=BNG)
    status_c = find(frame.columns, _STATUS)
    closed = 0
    if status_c is not None:
        closed = int(frame[status_c].astype("string").str.contains("closed", case=False)
                     .fillna(False).sum())
        if closed:
            log.warning("%s: %d sites are marked closed in %r; they are kept (filter them "
                        "out if you mean open sites only)", where, closed, status_c)
    unplaced = result.loc[~placed, "name"].astype(str).tolist()
    if unplaced:
        log.warning("%s: %d sites have no location: %s", where, len(unplaced),
                    ids_text(unplaced))
    result.attrs["report"] = {
        "source": where, "sites": total, "outside_local_authority": left_out,
        "kept": len(result), "placed_from_file": int((source_col == "coordinates in the file")
                                                      .sum()),
        "placed_from_postcode": int(placed.sum()) - int(
            (source_col == "coordinates in the file").sum()),
        "not_placed": unplaced, "closed": closed, "postcodes": pc_report,
    }
    return result


def _one_authority(frame: pd.DataFrame, la: str, where: str,
                   path: str | None) -> tuple[pd.DataFrame, int]:
    code_c, name_c = find(frame.columns, _columns.LA_CODE), find(frame.columns,
                                                                  _columns.LA_NAME)
    if code_c is None and name_c is None:
        raise InputError(f"{where}: local_authority= given but the list has no "
                         "local-authority column (such as 'LA (name)')", path=path)
    wanted = la.strip().casefold()
    keep = pd.Series(False, index=frame.index)
    for c in (code_c, name_c):
        if c is not None:
            keep |= (frame[c].astype("string").str.strip().str.casefold() == wanted).fillna(False)
    if not keep.any():
        raise InputError(f"{where}: no site in local authority {la!r}", path=path)
    return frame[keep.to_numpy()], int((~keep).sum())


def _address(frame: pd.DataFrame) -> pd.Series:
    whole = find(frame.columns, (r"address", r"full address", r"site address"))
    if whole is not None:
        return frame[whole].astype("string").str.strip()
    parts = [c for c in (find(frame.columns, (p,)) for p in _ADDRESS_PARTS) if c]
    if not parts:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    text = frame[parts].astype("string").apply(
        lambda row: ", ".join(v.strip() for v in row.dropna() if v.strip()), axis=1)
    return text.astype("string")


def _file_points(frame: pd.DataFrame) -> gpd.GeoSeries:
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        geom = frame.geometry
        if geom.crs is None:
            raise InputError("sites: the spatial file has no CRS; declare it with set_crs")
        return geom.to_crs(BNG)
    lat_c, lon_c = find(frame.columns, (r"lat", r"latitude")), find(
        frame.columns, (r"lon", r"lng", r"long", r"longitude"))
    east_c, north_c = find(frame.columns, _EAST[:-1]), find(frame.columns, _NORTH[:-1])
    if lat_c and lon_c:
        xs, ys, crs = numbers(frame[lon_c])[0], numbers(frame[lat_c])[0], "EPSG:4326"
    elif east_c and north_c:
        xs, ys, crs = numbers(frame[east_c])[0], numbers(frame[north_c])[0], BNG
    else:
        return gpd.GeoSeries([None] * len(frame), index=frame.index, crs=BNG)
    ok = (xs.notna() & ys.notna()).to_numpy()
    pts = gpd.points_from_xy(xs.fillna(0), ys.fillna(0))
    pts[~ok] = None
    return gpd.GeoSeries(pts, index=frame.index, crs=crs).to_crs(BNG)
