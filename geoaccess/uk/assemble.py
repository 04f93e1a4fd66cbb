"""One call from official files to an ``areas`` table, with a join report."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from .._fs import write_csv
from ..errors import InputError
from . import _columns
from ._util import LA_CODE, code_kinds, find, ids_text, log
from .boundaries import read_boundaries, read_centroids
from .deprivation import combine_deprivation
from .population import AgeRange, count_ages, read_population

__all__ = ["areas", "join_report"]

_NATION_OF = {"E": "england", "W": "wales", "S": "scotland"}
_REPORT_COLUMNS = ["piece", "source", "codes", "period", "rows", "areas", "matched",
                   "unmatched", "unmatched_codes", "duplicated", "duplicated_codes",
                   "not_in_areas", "note"]
_POPULATION_COLUMNS = {"area_code", "sex", "age_min", "age_max", "count"}


def areas(
    boundaries: Any,
    *,
    population: Any = None,
    deprivation: pd.DataFrame | Sequence[pd.DataFrame] | None = None,
    centroids: Any = None,
    local_authority: str | None = None,
    ages: AgeRange | Mapping[str, AgeRange] | None = None,
    sex: str = "persons",
    codes: str | None = None,
    mixed_nations: bool = False,
    report_path: str | os.PathLike[str] | None = None,
    download: bool = False,
) -> gpd.GeoDataFrame:
    """Assemble an ``areas`` table for one local authority from official files.

    Boundaries define the areas; population, deprivation and centroids are joined to
    them by code. Every area is kept: one missing from a piece gets NaN and a ``note``,
    and the join report (rows matched, unmatched and duplicated, per piece) is logged,
    kept in ``attrs`` (see :func:`join_report`) and saved to ``report_path``.

    Parameters
    ----------
    boundaries : path, URL or GeoDataFrame
        LSOA/OA polygons (:func:`read_boundaries` reads a path).
    population : path, URL or DataFrame, optional
        Population by age (:func:`read_population`'s table, or a path it reads).
    deprivation : DataFrame or sequence of DataFrame, optional
        From :func:`read_deprivation` (so it is labelled with nation and year); several
        nations need ``mixed_nations=True``.
    centroids : path, URL or GeoDataFrame, optional
        Population-weighted centroids: written as ``pwc_x``/``pwc_y``, which
        :func:`geoaccess.read_areas` uses as the areas' origins.
    local_authority : str, optional
        Keep the areas of one authority, by code (``"E08000009"``, matched against
        local-authority columns of the boundaries or the deprivation file) or by name
        (``"Trafford"``, also matched against LSOA names such as "Trafford 025A").
    ages : (first, last) or mapping of name to (first, last), optional
        Age ranges to count (default ``{"children_0_4": (0, 4)}``); see
        :func:`count_ages`.
    sex : {"persons", "females", "males"}
    codes : str, optional
        The code vintage (``"lsoa21"``...) of pieces whose columns do not say; by
        default the vintage any piece states. Pieces stating different vintages are
        refused (convert one with :func:`apply_lookup`).
    mixed_nations : bool
        Allow deprivation tables of several nations (each row keeps its label).
    report_path : path, optional
        Save the join report here (CSV, written atomically).
    download : bool
        Fetch URL sources.

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_id``, ``name``, the age counts, ``source_population`` (reference date and
        file), ``imd_decile``/``imd_rank``/``imd_score`` and the other deprivation
        columns with ``deprivation_index``, ``pwc_x``/``pwc_y`` when centroids are given,
        ``note`` (what is missing for the area), polygons in British National Grid:
        ready for :func:`geoaccess.read_areas`. ``attrs["join_report"]`` holds the report.

    Raises
    ------
    InputError
        Pieces of different code vintages or geographies, an unknown local authority,
        deprivation not read with its label, or duplicated codes in a piece.

    Examples
    --------
    >>> import geoaccess as ga
    >>> from geoaccess import uk
    >>> get = ga.datasets.get_path
    >>> table = uk.areas(get("trafford-lsoa"),
    ...                  population=uk.read_population(get("trafford-population-lsoa")),
    ...                  deprivation=uk.read_deprivation(get("imd2025"), nation="england",
    ...                                                  year=2025),
    ...                  local_authority="Trafford")
    >>> len(table), int(table["children_0_4"].sum())
    (139, 12428)
    >>> uk.join_report(table)[["piece", "matched", "unmatched"]].values.tolist()
    [['boundaries', 139, 0], ['population', 139, 0], ['deprivation', 139, 0]]
    """
    bounds = _boundaries(boundaries, codes, download)
    pop = None
    if population is not None:
        pop = (population if isinstance(population, pd.DataFrame)
               and _POPULATION_COLUMNS <= set(population.columns)
               else read_population(population, codes=codes, download=download))
    dep = _deprivation(deprivation, mixed_nations)
    cen = None
    if centroids is not None:
        cen = (centroids if isinstance(centroids, gpd.GeoDataFrame)
               and "area_code" in centroids.columns
               else read_centroids(centroids, codes=codes, download=download))
    pieces = {"boundaries": bounds, "population": pop, "deprivation": dep, "centroids": cen}
    target = _vintage(pieces, codes, bounds)
    n_all = len(bounds)
    keep, how = _local_authority(bounds, dep, local_authority)
    bounds = bounds[keep].reset_index(drop=True)
    ids = bounds["area_code"].astype(str)
    out = pd.DataFrame({"area_id": ids.to_numpy()})
    out["name"] = (bounds["area_name"].to_numpy() if "area_name" in bounds.columns
                   else ids.to_numpy())
    notes: list[list[str]] = [[] for _ in range(len(out))]
    report = [{"piece": "boundaries", "source": bounds.attrs.get("source"), "codes": target,
               "period": None, "rows": n_all, "areas": len(bounds), "matched": len(bounds),
               "unmatched": 0, "unmatched_codes": "", "duplicated": 0,
               "duplicated_codes": "", "not_in_areas": n_all - len(bounds), "note": how}]

    def save() -> pd.DataFrame:
        result.attrs["join_report"] = report
        frame = join_report(result)
        if report_path is not None:
            write_csv(frame, Path(report_path))
            log.info("join report saved to %s", report_path)
        return frame

    def add(row: dict[str, Any]) -> None:
        report.append(row)
        if row["duplicated"]:
            save()
            raise InputError(f"areas: {row['piece']} gives {row['duplicated']} areas more "
                             f"than once ({row['duplicated_codes']}); each area must appear "
                             "once per piece (see the join report)", column=row["piece"])

    result = gpd.GeoDataFrame(out, geometry=bounds.geometry.to_numpy(), crs=bounds.crs)
    if pop is not None:
        ranges = ages if ages is not None else {"children_0_4": (0, 4)}
        counts = count_ages(pop, ranges, sex=sex)
        row = _join(out, counts, "population", pop, notes, "no population row")
        period = pop.attrs.get("period")
        row["period"] = period
        for c in counts.columns:
            out[c] = counts[c].reindex(ids).to_numpy()
        src = Path(str(pop.attrs.get("source", ""))).name
        out["source_population"] = f"{period or 'date unknown'} ({src})"
        add(row)
    if dep is not None:
        table = dep.set_index("area_code")
        row = _join(out, table, "deprivation", dep, notes, "no deprivation row")
        row["period"] = dep.attrs.get("label")
        add(row)
        skip = {"area_name", "la_code", "la_name"}
        for c in table.columns:
            if c not in skip:
                out[c] = table[c].reindex(ids).to_numpy()
    if cen is not None:
        table = pd.DataFrame({"pwc_x": cen.geometry.x.to_numpy(),
                              "pwc_y": cen.geometry.y.to_numpy()},
                             index=cen["area_code"].astype(str).to_numpy())
        add(_join(out, table, "centroids", cen, notes, "no centroid"))
        out["pwc_x"] = table["pwc_x"].reindex(ids).to_numpy()
        out["pwc_y"] = table["pwc_y"].reindex(ids).to_numpy()
    out["note"] = ["; ".join(n) for n in notes]
    result = gpd.GeoDataFrame(out, geometry=bounds.geometry.to_numpy(), crs=bounds.crs)
    result.attrs["codes"] = target
    frame = save()
    log.info("join report:\n%s", frame.drop(columns=["source"]).to_string(index=False))
    for r in report:
        if r["unmatched"]:
            log.warning("%s: %d of %d areas unmatched (%s); they are kept with NaN and a note",
                        r["piece"], r["unmatched"], r["areas"], r["unmatched_codes"])
    return result


def join_report(table: pd.DataFrame) -> pd.DataFrame:
    """The join report of :func:`areas`, one row per piece.

    Columns: ``piece``, ``source``, ``codes``, ``period`` (reference date or edition),
    ``rows`` (codes in the piece), ``areas``, ``matched``, ``unmatched`` and
    ``unmatched_codes`` (areas the piece lacks), ``duplicated``/``duplicated_codes``
    (areas given more than once), ``not_in_areas`` (codes of the piece outside the areas:
    expected for a national file) and ``note``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> t = gpd.GeoDataFrame({"area_id": ["E1"]}, geometry=gpd.points_from_xy([0], [0]))
    >>> t.attrs["join_report"] = [{"piece": "boundaries", "rows": 1}]
    >>> join_report(t)["rows"].tolist()
    [1]
    """
    records = table.attrs.get("join_report")
    if records is None:
        raise InputError("this table has no join report; make it with geoaccess.uk.areas")
    return pd.DataFrame(records).reindex(columns=_REPORT_COLUMNS)


def _boundaries(boundaries: Any, codes: str | None, download: bool) -> gpd.GeoDataFrame:
    if isinstance(boundaries, gpd.GeoDataFrame) and "area_code" in boundaries.columns \
            and boundaries.crs is not None:
        out = boundaries.to_crs("EPSG:27700")
        out.attrs = dict(boundaries.attrs)
        if codes and out.attrs.get("codes") not in (None, codes):
            raise InputError(f"boundaries: codes={codes!r} but they were read as "
                             f"{out.attrs['codes']}")
        return out
    return read_boundaries(boundaries, codes=codes, download=download)


def _deprivation(deprivation: Any, mixed_nations: bool) -> pd.DataFrame | None:
    if deprivation is None:
        return None
    if isinstance(deprivation, (str, os.PathLike)):
        raise InputError(f"deprivation: read {deprivation} with uk.read_deprivation(path, "
                         "nation=..., year=...) first, so it is labelled with its nation "
                         "and year", path=str(deprivation))
    tables = [deprivation] if isinstance(deprivation, pd.DataFrame) else list(deprivation)
    if len(tables) > 1:
        return combine_deprivation(tables, mixed_nations=mixed_nations)
    table = tables[0]
    if "deprivation_index" not in table.columns or not table.attrs.get("nation"):
        raise InputError("deprivation: the table has no nation/year label; read it with "
                         "uk.read_deprivation(path, nation=..., year=...)")
    if table.attrs.get("nation") == "mixed" and not mixed_nations:
        raise InputError("deprivation: the table mixes nations; pass mixed_nations=True")
    return table


def _vintage(pieces: Mapping[str, pd.DataFrame | None], codes: str | None,
             bounds: gpd.GeoDataFrame) -> str | None:
    stated: dict[str, str] = {}
    nations = {_NATION_OF.get(str(c)[:1]) for c in bounds["area_code"].head(1000)}
    for name, piece in pieces.items():
        if piece is None:
            continue
        by_nation = piece.attrs.get("codes_by_nation")
        if by_nation:
            for nation, vintage in by_nation.items():
                if nation in nations and vintage:
                    stated[f"{name} ({nation})"] = vintage
        elif piece.attrs.get("codes"):
            stated[name] = str(piece.attrs["codes"])
    if codes:
        stated = {**stated, "codes=": codes}
    found = sorted(set(stated.values()))
    if not found:
        log.warning("areas: no file says whether its codes are 2011 or 2021 ones; pass "
                    "codes='lsoa21' (or the right vintage) to record it")
    if len(found) > 1:
        listing = ", ".join(f"{k}: {v}" for k, v in stated.items())
        raise InputError(
            f"areas: the pieces use different codes ({listing}); 2011 and 2021 codes differ "
            "wherever areas were split or merged. Convert the 2011 piece with "
            "uk.read_lookup and uk.apply_lookup first")
    levels = {}
    for name, piece in pieces.items():
        if piece is not None and "area_code" in piece.columns:
            kinds = set(code_kinds(piece["area_code"].astype("string").head(1000)).dropna())
            if len(kinds) == 1:
                levels[name] = kinds.pop()
    if len(set(levels.values())) > 1:
        listing = ", ".join(f"{k}: {v.upper()}" for k, v in levels.items())
        raise InputError(f"areas: the pieces are of different geographies ({listing}); "
                         "aggregate the finer one first (e.g. OAs to LSOAs with the ONS "
                         "lookup)")
    return found[0] if found else None


def _local_authority(bounds: gpd.GeoDataFrame, dep: pd.DataFrame | None,
                     la: str | None) -> tuple[pd.Series, str]:
    everything = pd.Series(True, index=bounds.index)
    if la is None:
        return everything, "all areas in the boundaries file"
    wanted = la.strip().casefold()
    members: set[str] = set()
    how = []
    tables: list[tuple[str, pd.DataFrame]] = [("boundaries", bounds)]
    if dep is not None:
        tables.append(("deprivation file", dep))
    for what, table in tables:
        for patterns in (_columns.LA_CODE, _columns.LA_NAME):
            c = find([c for c in table.columns if c != "area_code"], patterns)
            if c is None:
                continue
            hit = table[c].astype("string").str.strip().str.casefold() == wanted
            codes = set(table.loc[hit.fillna(False).to_numpy(), "area_code"].astype(str))
            if codes:
                members |= codes
                how.append(f"{what} column {c!r}")
    prefix = None
    if "area_name" in bounds.columns and not LA_CODE.match(la.strip()):
        prefix = bounds["area_name"].astype("string").str.strip().str.rsplit(" ", n=1).str[0]
        hit = (prefix.str.casefold() == wanted).fillna(False)
        if hit.any():
            members |= set(bounds.loc[hit.to_numpy(), "area_code"].astype(str))
            how.append("area names")
    keep = bounds["area_code"].astype(str).isin(members)
    if not keep.any():
        if LA_CODE.match(la.strip()) and not how:
            raise InputError(f"areas: no table names local-authority codes, so {la!r} cannot "
                             "be found; give the authority's name as in the LSOA names (e.g. "
                             "'Trafford'), or a deprivation file with its LA columns")
        names = sorted(set(prefix.dropna())) if prefix is not None else []
        raise InputError(f"areas: no area of local authority {la!r} in the boundaries"
                         + (f"; names include {ids_text(names)}" if names else ""),
                         column="local_authority")
    return keep, f"local authority {la!r}: {int(keep.sum())} of {len(bounds)} areas, by " \
        + " and ".join(how)


def _join(out: pd.DataFrame, table: pd.DataFrame, piece: str, source: pd.DataFrame,
          notes: list[list[str]], missing_note: str) -> dict[str, Any]:
    ids = out["area_id"].astype(str)
    codes = pd.Index(table.index.astype(str))
    dup = sorted(set(codes[codes.duplicated()]))
    present = ids.isin(codes).to_numpy()
    unmatched = ids[~present].tolist()
    for i in (~present).nonzero()[0]:
        notes[i].append(missing_note)
    extra = len(set(codes) - set(ids))
    if piece == "population":
        rows = source["area_code"].nunique()
    else:
        rows = len(codes)
    return {"piece": piece, "source": source.attrs.get("source"),
            "codes": source.attrs.get("codes"), "period": None, "rows": int(rows),
            "areas": len(ids), "matched": int(present.sum()), "unmatched": len(unmatched),
            "unmatched_codes": ids_text(unmatched) if unmatched else "",
            "duplicated": len(dup), "duplicated_codes": ids_text(dup) if dup else "",
            "not_in_areas": extra, "note": ""}
