"""ONS small-area boundaries, population-weighted centroids and the 2011 → 2021 lookup.

:func:`read_boundaries` reads LSOA/OA polygons (2011 or 2021, full or generalised; a
GeoPackage, Shapefile or GeoJSON from the ONS Open Geography Portal, or a council's copy),
:func:`read_centroids` the population-weighted centroids (points, or a CSV of ``x``/``y``),
both into British National Grid with ``area_code`` and ``area_name``. :func:`read_lookup`
reads the ONS LSOA (or OA) 2011 → 2021 lookup with its change codes (U unchanged, S split,
M merged, X irregular), and :func:`apply_lookup` moves a table from 2011 to 2021 codes:
counts are summed over merges and shared out over splits by weights you give (e.g. Census
2021 residents); values such as deciles are copied over splits and kept over merges only
where the merged areas agree. Every code that does not match is reported, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from . import _columns, _util
from ._util import (
    Source,
    code_kinds,
    codes_text,
    find,
    ids_text,
    label,
    log,
    numbers,
    read_table,
    resolve,
)

__all__ = ["apply_lookup", "read_boundaries", "read_centroids", "read_lookup"]

BNG = "EPSG:27700"
_CHANGE = {"U": "unchanged", "S": "split", "M": "merged", "X": "irregular"}


def _codes_of(frame: pd.DataFrame, where: str, path: str | None, area_column: str | None,
              codes: str | None) -> tuple[pd.Series, str, str | None]:
    col = find(frame.columns, _columns.AREA_CODE, area_column)
    if col is None:
        raise _util.missing_column(where, path, "area code", "area_column", frame.columns,
                                   area_column)
    values = codes_text(frame[col])
    blank = values.isna().to_numpy()
    if blank.any():
        rows = [f"row {i + 1}" for i in np.nonzero(blank)[0]]
        raise InputError(f"{where}: {int(blank.sum())} blank codes in {col!r} "
                         f"({ids_text(rows)})", path=path, column=col, rows=rows)
    dup = values[values.duplicated(keep=False)]
    if len(dup):
        ids = sorted(set(dup))
        raise InputError(f"{where}: codes repeated in {col!r} ({ids_text(ids)}); each area "
                         "once (dissolve multi-part rows first)", path=path, column=col,
                         rows=ids)
    kinds = sorted(set(code_kinds(values).dropna()))
    if len(kinds) > 1:
        raise InputError(f"{where}: the file mixes kinds of area {kinds}; read one "
                         "geography at a time", path=path, column=col)
    stated = _util.vintage_of(col)
    if codes and stated and codes != stated:
        raise InputError(f"{where}: codes={codes!r} but column {col!r} says {stated}",
                         path=path, column=col)
    vintage = codes or stated
    if vintage and kinds and not vintage.startswith(kinds[0]):
        raise InputError(f"{where}: codes={vintage!r} but the codes are {kinds[0].upper()} "
                         f"codes (e.g. {values.iloc[0]})", path=path, column=col)
    return values.astype(str), col, vintage


def _points_or_polygons(frame: pd.DataFrame, where: str, path: str | None,
                        ids: pd.Series) -> gpd.GeoSeries:
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        geom = frame.geometry
        if geom.crs is None:
            raise InputError(f"{where}: the data has no CRS; declare it with "
                             "set_crs('EPSG:27700') (or the right code)", path=path,
                             column="geometry")
        empty = (geom.isna() | geom.is_empty).to_numpy()
        if empty.any():
            raise InputError(f"{where}: {int(empty.sum())} empty geometries "
                             f"({ids_text(ids[empty])})", path=path, column="geometry",
                             rows=ids[empty].tolist())
        return geom.to_crs(BNG)
    x_c = find(frame.columns, (r"x", r"easting", r"bng e", r"oseast1m", r"east1m"))
    y_c = find(frame.columns, (r"y", r"northing", r"bng n", r"osnrth1m", r"north1m"))
    lon_c = find(frame.columns, (r"lon", r"long", r"longitude", r"lng"))
    lat_c = find(frame.columns, (r"lat", r"latitude"))
    if x_c and y_c:
        (xs, bx), (ys, by), crs = numbers(frame[x_c]), numbers(frame[y_c]), BNG
    elif lon_c and lat_c:
        (xs, bx), (ys, by), crs = numbers(frame[lon_c]), numbers(frame[lat_c]), "EPSG:4326"
    else:
        raise InputError(f"{where}: no geometry and no x/y (British National Grid) or "
                         f"lat/long columns; columns are {list(frame.columns)}", path=path,
                         column="geometry")
    bad = bx | by | xs.isna().to_numpy() | ys.isna().to_numpy()
    if bad.any():
        raise InputError(f"{where}: missing or non-numeric coordinates "
                         f"({ids_text(ids[bad])})", path=path, rows=ids[bad].tolist())
    return gpd.GeoSeries(gpd.points_from_xy(xs, ys), index=frame.index, crs=crs).to_crs(BNG)


def _read_geo(source: Source, what: str, *, layer: str | int | None, codes: str | None,
              area_column: str | None, download: bool
              ) -> tuple[pd.DataFrame, str, str | None, pd.Series, str, str | None, gpd.GeoSeries]:
    """Read a boundaries or centroids source: frame, label, path, codes and geometry."""
    resolved = resolve(source, download=download, what=what)
    where, path = label(resolved), (None if isinstance(resolved, pd.DataFrame)
                                    else str(resolved))
    frame = read_table(resolved, layer=layer, what=what)
    ids, code_c, vintage = _codes_of(frame, where, path, area_column, codes)
    geom = _points_or_polygons(frame, where, path, ids)
    return frame, where, path, ids, code_c, vintage, geom


def read_boundaries(source: Source, *, layer: str | int | None = None,
                    codes: str | None = None, area_column: str | None = None,
                    download: bool = False) -> gpd.GeoDataFrame:
    """Read ONS LSOA or OA boundaries (2011 or 2021, full or generalised).

    Parameters
    ----------
    source : path, URL or GeoDataFrame
        GeoPackage (``layer=``), Shapefile (or its ``.zip``), GeoJSON, as downloaded from
        the ONS Open Geography Portal (``LSOA21CD``/``LSOA21NM``...) or a council's copy.
    layer : str or int, optional
        GeoPackage layer.
    codes : str, optional
        ``"lsoa21"``, ``"lsoa11"``, ``"oa21"``...: needed when the columns do not say
        (``LSOA21CD`` says ``lsoa21``; ``area_code`` says nothing).
    area_column : str, optional
        The code column, when not recognised.
    download : bool
        Fetch ``source`` when it is a URL.

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_code``, ``area_name`` (when given), the file's other columns, polygons in
        British National Grid (EPSG:27700). ``attrs``: ``codes``, ``level``, ``source``.

    Raises
    ------
    InputError
        Missing CRS, blank or repeated codes, empty geometries, mixed geographies, or
        ``codes=`` contradicting the file.

    Examples
    --------
    >>> import geoaccess as ga
    >>> from geoaccess import uk
    >>> lsoa = uk.read_boundaries(ga.datasets.get_path("trafford-lsoa"), codes="lsoa21")
    >>> len(lsoa), lsoa.crs.to_epsg(), lsoa.attrs["codes"]
    (139, 27700, 'lsoa21')
    """
    frame, where, path, ids, code_c, vintage, geom = _read_geo(
        source, "boundaries", layer=layer, codes=codes, area_column=area_column,
        download=download)
    name_c = find([c for c in frame.columns if c != code_c], _columns.AREA_NAME)
    skip = {code_c, name_c, getattr(frame, "_geometry_column_name", None)}
    skip |= {c for c in frame.columns if _util.norm(c) in ("shape length", "shape area",
                                                             "shape leng", "shape are")}
    out = pd.DataFrame({"area_code": ids.to_numpy()})
    if name_c:
        out["area_name"] = frame[name_c].astype("string").str.strip().to_numpy()
    for c in frame.columns:
        if c not in skip and c not in out.columns:
            out[c] = frame[c].to_numpy()
    result = gpd.GeoDataFrame(out, geometry=geom.to_numpy(), crs=BNG)
    kinds = sorted(set(code_kinds(result["area_code"]).dropna()))
    result.attrs.update({"codes": vintage, "level": kinds[0] if kinds else None,
                         "source": where})
    if vintage is None:
        log.info("%s: the columns do not say which year's codes these are; pass codes=",
                 where)
    return result


def read_centroids(source: Source, *, layer: str | int | None = None,
                   codes: str | None = None, area_column: str | None = None,
                   download: bool = False) -> gpd.GeoDataFrame:
    """Read ONS population-weighted centroids (points, or a CSV with ``x``/``y``).

    Parameters
    ----------
    source : path, URL or (Geo)DataFrame
        The ONS "LSOA (Dec 2021) population weighted centroids" as GeoPackage/GeoJSON/
        Shapefile, or a CSV with ``LSOA21CD`` and ``x``/``y`` (British National Grid) or
        ``lat``/``long``.
    layer, codes, area_column, download
        As in :func:`read_boundaries`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_code`` and point geometry in British National Grid.

    Examples
    --------
    >>> import pandas as pd
    >>> from geoaccess import uk
    >>> pwc = uk.read_centroids(pd.DataFrame({"LSOA21CD": ["E01006074"],
    ...                                       "x": [376514.0], "y": [392386.0]}))
    >>> pwc.attrs["codes"], pwc.geometry.iloc[0].x
    ('lsoa21', 376514.0)
    """
    _frame, where, path, ids, _col, vintage, geom = _read_geo(
        source, "centroids", layer=layer, codes=codes, area_column=area_column,
        download=download)
    not_points = (geom.geom_type != "Point").to_numpy()
    if not_points.any():
        raise InputError(f"{where}: centroids must be points ({ids_text(ids[not_points])} "
                         "are not)", path=path, column="geometry", rows=ids[not_points].tolist())
    result = gpd.GeoDataFrame({"area_code": ids.to_numpy()}, geometry=geom.to_numpy(),
                              crs=BNG)
    result.attrs.update({"codes": vintage, "source": where})
    return result


_OLD = (r"(f )?(lsoa|oa)(20)?11 ?(cd|code)", r"(lsoa|oa) code \((20)?11\)",
        r"(lsoa|oa) (20)?11 code")
_NEW = (r"(f )?(lsoa|oa)(20)?21 ?(cd|code)", r"(lsoa|oa) code \((20)?21\)",
        r"(lsoa|oa) (20)?21 code")
_CHANGE_COL = (r"chgind", r"chngind", r"change code", r"change indicator", r"change",
               r"(lsoa|oa)?chgind")


def read_lookup(source: Source, *, sheet: str | int | None = None,
                download: bool = False) -> pd.DataFrame:
    """Read the ONS 2011 → 2021 LSOA (or OA) lookup with its change codes.

    Parameters
    ----------
    source : path, URL or DataFrame
        "LSOA (2011) to LSOA (2021) to Local Authority District (2022) Lookup for England
        and Wales" (``LSOA11CD``, ``LSOA21CD``, ``CHGIND``...), its OA equivalent, or any
        table with 2011 and 2021 codes and a change code.
    sheet : str or int, optional
        Workbook sheet.
    download : bool
        Fetch ``source`` when it is a URL.

    Returns
    -------
    pandas.DataFrame
        ``code_2011``, ``code_2021``, ``change`` (U, S, M or X) and the file's
        local-authority columns as ``la_code``/``la_name`` when given.

    Raises
    ------
    InputError
        Missing columns, unknown change codes, or change codes that contradict the pairs
        (a "U" code with two partners).

    Examples
    --------
    >>> import pandas as pd
    >>> from geoaccess import uk
    >>> lk = uk.read_lookup(pd.DataFrame({"LSOA11CD": ["E01013801", "E01013801"],
    ...                                   "LSOA21CD": ["E01035102", "E01035103"],
    ...                                   "CHGIND": ["S", "S"]}))
    >>> lk["change"].tolist()
    ['S', 'S']
    """
    resolved = resolve(source, download=download, what="lookup")
    where, path = label(resolved), (None if isinstance(resolved, pd.DataFrame)
                                    else str(resolved))

    def header(cells: Sequence[str]) -> bool:
        return find(cells, _OLD) is not None and find(cells, _NEW) is not None

    frame = read_table(resolved, sheet=sheet, is_header=header, what="a 2011 → 2021 lookup")
    old_c, new_c = find(frame.columns, _OLD), find(frame.columns, _NEW)
    chg_c = find(frame.columns, _CHANGE_COL)
    if old_c is None or new_c is None or chg_c is None:
        lacking = [w for c, w in ((old_c, "2011 code (LSOA11CD)"),
                                  (new_c, "2021 code (LSOA21CD)"),
                                  (chg_c, "change code (CHGIND)")) if c is None]
        raise InputError(f"{where}: no {' or '.join(lacking)} column; rename yours to the "
                         f"ONS names (columns are {list(frame.columns)})", path=path,
                         column=lacking[0])
    out = pd.DataFrame({"code_2011": codes_text(frame[old_c]),
                        "code_2021": codes_text(frame[new_c]),
                        "change": frame[chg_c].astype("string").str.strip().str.upper()})
    for what, patterns in (("la_code", _columns.LA_CODE), ("la_name", _columns.LA_NAME)):
        c = find(frame.columns, patterns)
        if c is not None:
            out[what] = frame[c].astype("string").str.strip()
    unknown = ~out["change"].isin(list(_CHANGE))
    if unknown.any():
        rows = out.loc[unknown, "code_2011"].astype(str).tolist()
        raise InputError(f"{where}: change codes must be U, S, M or X; found "
                         f"{sorted(set(out.loc[unknown, 'change'].astype(str)))} "
                         f"({ids_text(rows)})", path=path, column=chg_c, rows=rows)
    blank = out["code_2011"].isna() | out["code_2021"].isna()
    if blank.any():
        raise InputError(f"{where}: {int(blank.sum())} rows lack a code", path=path)
    out = out.drop_duplicates(["code_2011", "code_2021"]).reset_index(drop=True)
    n_new = out.groupby("code_2011")["code_2021"].transform("size")
    n_old = out.groupby("code_2021")["code_2011"].transform("size")
    wrong = ((out["change"] == "U") & ((n_new > 1) | (n_old > 1))) \
        | ((out["change"] == "S") & (n_old > 1)) | ((out["change"] == "M") & (n_new > 1))
    if wrong.any():
        rows = out.loc[wrong, "code_2011"].astype(str).tolist()
        raise InputError(f"{where}: {int(wrong.sum())} change codes contradict the pairs "
                         f"(U must pair one to one, S one 2011 code to several, M several "
                         f"to one) ({ids_text(rows)})", path=path, column=chg_c, rows=rows)
    kinds = sorted(set(code_kinds(out["code_2021"]).dropna()))
    out.attrs.update({"source": where, "level": kinds[0] if len(kinds) == 1 else None})
    return out


def apply_lookup(table: pd.DataFrame, lookup: pd.DataFrame, *, code_column: str = "area_code",
                 counts: Sequence[str] = (), values: Sequence[str] = (),
                 weights: pd.Series | None = None) -> pd.DataFrame:
    """Move a table from 2011 to 2021 codes, reporting every code that does not match.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per 2011 area, codes in ``code_column``.
    lookup : pandas.DataFrame
        From :func:`read_lookup`.
    code_column : str
        The 2011 code column of ``table``.
    counts : sequence of str
        Columns of people or things (added over merges, shared over splits).
    values : sequence of str
        Columns describing an area (deciles, rates, scores): copied to every part of a
        split; over a merge kept where the merged areas agree, else NaN with a note.
    weights : pandas.Series, optional
        Weights per 2021 code (e.g. Census 2021 residents) that share a split area's counts
        among its parts. Needed only when counts are split.

    Returns
    -------
    pandas.DataFrame
        One row per 2021 code reached: ``area_code`` (2021), ``codes_2011`` (";"-joined),
        ``change``, the counts and values, and ``note``. Rows whose 2011 code is not in the
        lookup are kept at the end with ``area_code`` missing and a note.
        ``attrs["report"]`` counts matched, unmatched (listing the codes), split, merged
        and irregular areas.

    Raises
    ------
    InputError
        Missing columns, repeated 2011 codes, or split counts without ``weights``.

    Examples
    --------
    >>> import pandas as pd
    >>> from geoaccess import uk
    >>> lk = uk.read_lookup(pd.DataFrame({
    ...     "LSOA11CD": ["E01013801", "E01013801", "E01013787"],
    ...     "LSOA21CD": ["E01035102", "E01035103", "E01013787"], "CHGIND": ["S", "S", "U"]}))
    >>> t = pd.DataFrame({"area_code": ["E01013801", "E01013787", "E01099999"],
    ...                   "people": [300.0, 100.0, 5.0]})
    >>> out = uk.apply_lookup(t, lk, counts=["people"],
    ...                       weights=pd.Series({"E01035102": 2.0, "E01035103": 1.0}))
    >>> out[["area_code", "people"]].values.tolist()
    [['E01013787', 100.0], ['E01035102', 200.0], ['E01035103', 100.0], [nan, 5.0]]
    >>> out.attrs["report"]["unmatched_codes"]
    ['E01099999']
    """
    where = str(table.attrs.get("source", "table"))
    missing = [c for c in [code_column, *counts, *values] if c not in table.columns]
    if missing:
        raise InputError(f"{where}: no column(s) {missing}; columns are {list(table.columns)}",
                         column=missing[0])
    codes = codes_text(table[code_column]).astype(str)
    dup = codes[codes.duplicated(keep=False)]
    if len(dup):
        ids = sorted(set(dup))
        raise InputError(f"{where}: 2011 codes repeated ({ids_text(ids)})", column=code_column,
                         rows=ids)
    data = table.assign(**{code_column: codes.to_numpy()}).set_index(code_column)
    matched = codes.isin(lookup["code_2011"])
    pairs = lookup[lookup["code_2011"].isin(codes[matched])].copy()
    partners = pairs.groupby("code_2011")["code_2021"].transform("size")
    shared = pairs[partners > 1]
    if counts and len(shared):
        if weights is None:
            ids = sorted(set(shared["code_2011"]))
            raise InputError(f"{where}: {len(ids)} 2011 areas are split in 2021 "
                             f"({ids_text(ids)}); pass weights= (e.g. Census 2021 residents "
                             "per 2021 code) to share their counts", rows=ids)
        w = pd.to_numeric(weights.reindex(shared["code_2021"]), errors="coerce").to_numpy()
        if np.isnan(w).any() or (w < 0).any():
            ids = shared["code_2021"][np.isnan(w) | (w < 0)].tolist()
            raise InputError(f"{where}: weights missing or negative for 2021 codes "
                             f"({ids_text(ids)})", rows=ids)
    w_all = np.ones(len(pairs))
    if weights is not None and len(shared):
        w_all = pd.to_numeric(weights.reindex(pairs["code_2021"]),
                              errors="coerce").fillna(1.0).to_numpy()
        w_all = np.where(partners.to_numpy() > 1, w_all, 1.0)
    totals = pd.Series(w_all, index=pairs.index).groupby(pairs["code_2011"]).transform("sum")
    if (totals <= 0).any():
        ids = sorted(set(pairs.loc[(totals <= 0).to_numpy(), "code_2011"]))
        raise InputError(f"{where}: the weights of every part of split 2011 areas are 0 "
                         f"({ids_text(ids)}); their counts cannot be shared", rows=ids)
    pairs["share"] = w_all / totals.to_numpy()
    rows = pairs.join(data, on="code_2011")
    for c in counts:
        rows[c] = numbers(rows[c])[0] * rows["share"]
    grouped = rows.groupby("code_2021", sort=True)
    out = pd.DataFrame({"codes_2011": grouped["code_2011"].agg(lambda s: ";".join(sorted(s))),
                        "change": grouped["change"].agg(lambda s: "".join(sorted(set(s))))})
    notes = pd.Series("", index=out.index, dtype=object)
    for c in counts:
        out[c] = grouped[c].sum(min_count=1)
    for c in values:
        uniq = grouped[c].nunique(dropna=False)
        first = grouped[c].first()
        out[c] = first.where(uniq <= 1)
        disagree = uniq > 1
        notes[disagree] = notes[disagree] + f"{c}: merged 2011 areas differ; "
    out["note"] = notes.str.rstrip("; ").to_numpy()
    out = out.rename_axis("area_code").reset_index()
    unmatched = codes[~matched].tolist()
    if unmatched:
        rest = data.loc[unmatched, [*counts, *values]].reset_index(names="codes_2011")
        rest.insert(0, "area_code", np.nan)
        rest["change"] = ""
        rest["note"] = "2011 code not in the lookup"
        out = pd.concat([out, rest[out.columns]], ignore_index=True)
        log.warning("%s: %d codes not in the 2011 → 2021 lookup, kept without a 2021 code: "
                    "%s", where, len(unmatched), ids_text(unmatched))
    kinds = lookup[lookup["code_2011"].isin(codes[matched])].drop_duplicates("code_2011")
    out.attrs["report"] = {
        "rows": len(codes), "matched": int(matched.sum()), "unmatched": len(unmatched),
        "unmatched_codes": unmatched,
        **{_CHANGE[k]: int((kinds["change"] == k).sum()) for k in _CHANGE},
        "areas_2021": int(out["area_code"].notna().sum()),
    }
    level = lookup.attrs.get("level")
    out.attrs.update({"codes": f"{level}21" if level else None, "source": where})
    return out
