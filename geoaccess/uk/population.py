"""Population by age as the ONS publishes it: mid-year estimates and Census age bands.

:func:`read_population` reads ONS small-area population estimates by single year of age
(wide as published: ``0`` … ``89``, ``90+`` with a ``sex`` column, or ``F0`` … ``F90``,
``M0`` … ``M90`` as in the ONS workbooks) and Census 2021 age tables (5-year bands such as
"Aged 4 years and under", long as Nomis and the ONS "create a custom dataset" service
write them, or wide). It checks that the figures add up (the finest ages cover 0 to the open
top band with no gap or overlap; published totals and broad bands equal the sum of their
ages; persons equal females plus males) and returns one tidy table.
:func:`count_ages` then gives the children in any age range (0–4, 5–11, 0–19, 0–25),
refusing ranges the bands cannot make, and :func:`compare_counts` sets two counts side by
side, refusing to compare different reference dates unless told to.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _columns, _util
from ._ages import Band, age_band, band_text, open_top, parse_key, tiling
from ._util import find, ids_text, label, log, numbers

__all__ = ["age_band", "compare_counts", "count_ages", "read_population"]

AgeRange = tuple[int, int | None]

_SEX_VALUES = {
    "persons": "persons", "person": "persons", "all persons": "persons", "all": "persons",
    "people": "persons", "total": "persons", "all people": "persons",
    "females": "females", "female": "females", "f": "females", "women": "females",
    "males": "males", "male": "males", "m": "males", "men": "males",
}
_VALUE = (r"value", r"observation", r"obs value", r"count", r"population", r"usual residents")
_LABEL = (r"indicator", r"age", r"age group", r"age band", r"age \(\d+ categories\)",
          r"age \(\d+ categories\) label", r"age category", r"category", r"variable")
_SEX = (r"sex", r"gender", r"sex name", r"gender name", r"c sex name", r"sex \(\d+ categories\)",
        r"unit")
_PERIOD = (r"period", r"date", r"reference date", r"mid ?year", r"year")


def _is_header(cells: Sequence[str]) -> bool:
    has_code = find(cells, _columns.AREA_CODE) is not None
    n_ages = sum(1 for c in cells if age_band(c) is not None)
    return has_code and (n_ages >= 3 or find(cells, _VALUE) is not None)


def _sex_of(values: pd.Series, column: str, where: str, path: str | None) -> pd.Series:
    text = values.astype("string").str.strip().str.lower()
    out = text.map(lambda v: _SEX_VALUES.get(str(v)) if pd.notna(v) else None)
    bad = sorted(set(text[out.isna()].dropna()))
    if bad:
        raise InputError(f"{where}: column {column!r} has values {bad} that are not a sex "
                         "(Persons, Females, Males)", path=path, column=column)
    return out.astype("string")


def read_population(
    source: _util.Source,
    *,
    sheet: str | int | None = None,
    codes: str | None = None,
    period: str | None = None,
    sex: str | None = None,
    area_column: str | None = None,
    tolerance: float = 0.0,
    download: bool = False,
) -> pd.DataFrame:
    """Read ONS population counts by age for small areas, as published, and check them.

    Parameters
    ----------
    source : path, URL or DataFrame
        ONS mid-year estimates by single year of age (CSV or the ONS workbook; wide) or a
        Census 2021 age table (long, e.g. ``indicator``/``value`` columns, or wide).
    sheet : str or int, optional
        Workbook sheet (default: the first sheet with area codes and ages).
    codes : str, optional
        Which codes the file uses, e.g. ``"lsoa21"`` or ``"oa21"``, when its column names
        do not say (``LSOA 2021 Code`` says ``lsoa21``; ``area_code`` says nothing).
    period : str, optional
        Reference date, e.g. ``"2024-06-30"``; by default from a ``period``/``date``
        column or a sheet name such as "Mid-2024 LSOA 2021".
    sex : {"persons", "females", "males"}, optional
        The sex of every row when the file has no sex column or prefix (default persons).
    area_column : str, optional
        The area code column, when not recognised.
    tolerance : float
        Largest difference accepted in the add-up checks (0: ONS counts add up exactly;
        raise it for a table published with rounding).
    download : bool
        Fetch ``source`` when it is a URL (see :mod:`geoaccess.uk`).

    Returns
    -------
    pandas.DataFrame
        One row per area, sex and age band: ``area_code``, ``area_name`` (when given),
        ``sex`` (persons, females, males), ``age_min``, ``age_max`` (inclusive; ``inf``
        for the open top band) and ``count``. ``attrs`` holds ``source``, ``period``,
        ``codes``, ``level`` (lsoa, oa...), ``ages`` ("single years" or "bands") and
        ``checks`` (what was checked).

    Raises
    ------
    InputError
        Unreadable file, unknown columns, non-numeric or negative counts, duplicated or
        missing rows, bands with gaps, totals or persons that do not add up (naming the
        areas).

    Examples
    --------
    >>> import geoaccess as ga
    >>> from geoaccess import uk
    >>> pop = uk.read_population(ga.datasets.get_path("trafford-population-lsoa"),
    ...                          codes="lsoa21")
    >>> pop.attrs["period"], pop.attrs["ages"], pop["area_code"].nunique()
    ('2024-06-30', 'single years', 139)
    """
    resolved = _util.resolve(source, download=download, what="population")
    where, path = label(resolved), (None if isinstance(resolved, pd.DataFrame)
                                    else str(resolved))
    frame = _util.read_table(resolved, sheet=sheet, is_header=_is_header, what="population by age")
    area_c = find(frame.columns, _columns.AREA_CODE, area_column)
    if area_c is None:
        raise _util.missing_column(where, path, "area code", "area_column", frame.columns,
                                   area_column)
    name_c = find([c for c in frame.columns if c != area_c], _columns.AREA_NAME)
    areas = _util.codes_text(frame[area_c])
    blank = areas.isna().to_numpy()
    if blank.any():
        rows = [f"row {i + 2}" for i in np.nonzero(blank)[0]]
        raise InputError(f"{where}: column {area_c!r} has {int(blank.sum())} blank codes "
                         f"({ids_text(rows)})", path=path, column=area_c, rows=rows)
    if sex is not None and str(sex).lower() not in _SEX_VALUES:
        raise InputError(f"sex={sex!r}: use 'persons', 'females' or 'males'", column="sex")
    sex_c = find(frame.columns, _SEX)
    if sex_c is not None and _util.norm(sex_c) == "unit":
        unit = frame[sex_c].astype("string").str.strip().str.lower()
        if not unit.isin(list(_SEX_VALUES)).all():
            sex_c = None
    if sex_c is not None:
        sexes = _sex_of(frame[sex_c], sex_c, where, path)
    else:
        sexes = pd.Series(_SEX_VALUES.get(str(sex).lower(), "persons") if sex else "persons",
                          index=frame.index, dtype="string")
    label_c = _long_label_column(frame, exclude={area_c, name_c, sex_c})
    if label_c is not None:
        wide, total = _from_long(frame, label_c, areas, sexes, where, path)
    else:
        wide, total = _from_wide(frame, areas, sexes, where, path, sex_c)
    names = (pd.Series(frame[name_c].astype("string").to_numpy(), index=areas.to_numpy())
             if name_c else None)
    wide = open_top(wide, where)
    band_of = {str(k): parse_key(str(k)) for k in wide.columns}
    tiles = tiling(sorted(set(band_of.values())), where)
    checks = _check(wide, total, tiles, band_of, where, path, tolerance)
    stacked = wide[[band_text(t) for t in tiles]].stack(future_stack=True)
    tidy = stacked.reset_index()
    tidy.columns = ["area_code", "sex", "band", "count"]
    tidy["age_min"] = tidy["band"].map({k: b[0] for k, b in band_of.items()}).astype(int)
    tidy["age_max"] = tidy["band"].map({k: b[1] for k, b in band_of.items()}).astype(float)
    tidy = tidy.drop(columns="band")
    if names is not None:
        first = names[~names.index.duplicated()]
        tidy.insert(1, "area_name", tidy["area_code"].map(first).astype("string"))
    tidy = tidy.sort_values(["area_code", "sex", "age_min"], kind="stable")
    tidy = tidy.reset_index(drop=True)
    order = ["area_code"] + (["area_name"] if names is not None else [])
    tidy = tidy[order + ["sex", "age_min", "age_max", "count"]]
    level = _level(pd.Series(tidy["area_code"].unique()), where, path)
    stated = _util.vintage_of(area_c)
    if codes and stated and codes != stated:
        raise InputError(f"{where}: codes={codes!r} but column {area_c!r} says {stated}",
                         path=path, column=area_c)
    vintage = codes or stated
    if vintage and level and not vintage.startswith(level):
        raise InputError(f"{where}: codes={vintage!r} but the codes are {level.upper()} "
                         f"codes (e.g. {tidy['area_code'].iloc[0]})", path=path,
                         column=area_c)
    tidy.attrs.update({
        "source": where, "period": period or _period(frame, resolved), "codes": vintage,
        "level": level, "ages": "single years" if all(b[0] == b[1] or b[1] == math.inf
                                                        for b in tiles) else "bands",
        "checks": checks,
    })
    log.info("%s: %d areas, ages %s; %s", where, tidy["area_code"].nunique(),
             ", ".join(band_text(b) for b in tiles[:3]) + " …", "; ".join(checks))
    return tidy


def _long_label_column(frame: pd.DataFrame, exclude: set[str | None]) -> str | None:
    if find(frame.columns, _VALUE) is None:
        return None
    named = find([c for c in frame.columns if c not in exclude], _LABEL)
    candidates = ([named] if named else []) + [c for c in frame.columns
                                               if c not in exclude and c != named]
    for c in candidates:
        values = frame[c].dropna().astype(str).unique()
        if len(values) and np.mean([age_band(v) is not None for v in values]) >= 0.9:
            return str(c)
    return None


def _from_long(frame: pd.DataFrame, label_c: str, areas: pd.Series, sexes: pd.Series,
               where: str, path: str | None) -> tuple[pd.DataFrame, pd.Series | None]:
    value_c = find(frame.columns, _VALUE) or ""
    parsed = frame[label_c].map(age_band)
    unknown = sorted(set(frame.loc[parsed.isna(), label_c].astype(str)))
    if unknown:
        raise InputError(f"{where}: column {label_c!r} has labels that are not ages: "
                         f"{unknown[:5]}", path=path, column=label_c)
    values, bad = numbers(frame[value_c])
    _values_ok(values, bad, areas, value_c, where, path)
    sex = [p[0] if isinstance(p, tuple) and p[0] else s for p, s in zip(parsed, sexes, strict=True)]
    key = pd.DataFrame({"area": areas.to_numpy(), "sex": sex,
                        "band": [p if p == "total" else band_text(p[1]) for p in parsed],
                        "value": values.to_numpy()})
    dup = key.duplicated(["area", "sex", "band"], keep=False)
    if dup.any():
        ids = sorted(set(key.loc[dup, "area"]))
        raise InputError(f"{where}: {int(dup.sum())} rows repeat an area, sex and age "
                         f"({ids_text(ids)})", path=path, column=label_c, rows=ids)
    is_total = key["band"].map(lambda b: b == "total")
    total = (key[is_total].set_index(["area", "sex"])["value"] if is_total.any() else None)
    wide = key[~is_total].pivot(index=["area", "sex"], columns="band", values="value")
    return wide, total


def _from_wide(frame: pd.DataFrame, areas: pd.Series, sexes: pd.Series, where: str,
               path: str | None, sex_c: str | None) -> tuple[pd.DataFrame, pd.Series | None]:
    parsed = {c: age_band(c) for c in frame.columns if c != sex_c}
    age_cols = {c: p for c, p in parsed.items() if isinstance(p, tuple)}
    total_c = next((c for c, p in parsed.items() if p == "total"), None)
    if len(age_cols) < 2:
        raise InputError(f"{where}: found no age columns (such as '0' … '90+', 'F0' … "
                         f"'M90', or 'Aged 4 years and under'); columns are "
                         f"{list(frame.columns)}", path=path, column="age")
    blocks = []
    prefixed = {p[0] for p in age_cols.values()} - {None}
    groups: list[str | None] = [*sorted(str(p) for p in prefixed)] if prefixed else [None]
    for group in groups:
        cols = {c: p[1] for c, p in age_cols.items() if p[0] == group}
        data = {}
        for c, band in cols.items():
            values, bad = numbers(frame[c])
            _values_ok(values, bad, areas, c, where, path)
            data[band_text(band)] = values.to_numpy()
        index = pd.MultiIndex.from_arrays(
            [areas.to_numpy(), sexes.to_numpy() if group is None
             else np.full(len(frame), group)], names=["area", "sex"])
        blocks.append(pd.DataFrame(data, index=index))
    wide = pd.concat(blocks)
    dup = wide.index.duplicated(keep=False)
    if dup.any():
        ids = sorted({a for a, _ in wide.index[dup]})
        raise InputError(f"{where}: areas appear more than once for the same sex "
                         f"({ids_text(ids)})", path=path, rows=ids)
    total = None
    if total_c is not None:
        values, bad = numbers(frame[total_c])
        _values_ok(values, bad, areas, total_c, where, path)
        # a wide file with F/M blocks has one total per area (persons)
        idx_sex = sexes.to_numpy() if not prefixed else np.full(len(frame), "persons")
        total = pd.Series(values.to_numpy(), index=pd.MultiIndex.from_arrays(
            [areas.to_numpy(), idx_sex], names=["area", "sex"]))
    if prefixed == {"females", "males"} and "persons" not in set(wide.index.get_level_values(1)):
        persons = wide.groupby(level="area", sort=False).sum(min_count=1)
        persons.index = pd.MultiIndex.from_arrays(
            [persons.index, np.full(len(persons), "persons")], names=["area", "sex"])
        wide = pd.concat([wide, persons])
    return wide, total


def _values_ok(values: pd.Series, bad: np.ndarray, areas: pd.Series, column: str, where: str,
               path: str | None) -> None:
    neg = (values < 0).to_numpy()
    for mask, what in ((bad, "non-numeric"), (neg, "negative")):
        if mask.any():
            ids = sorted(set(areas[mask]))
            raise InputError(f"{where}: column {column!r} has {what} counts "
                             f"({ids_text(ids)})", path=path, column=column, rows=ids)


def _check(wide: pd.DataFrame, total: pd.Series | None, tiles: list[Band],
           band_of: dict[str, Band], where: str, path: str | None,
           tolerance: float) -> list[str]:
    checks = []
    tile_keys = [band_text(t) for t in tiles]
    missing = wide[tile_keys].isna().to_numpy()
    if missing.any():
        lacking = np.asarray(missing.any(axis=1), dtype=bool)
        ids = sorted({f"{a} ({s})" for a, s in wide.index[lacking]})
        raise InputError(f"{where}: {len(ids)} areas lack a count for some ages "
                         f"({ids_text(ids)})", path=path, rows=ids)
    finest = wide[tile_keys]
    sums = finest.sum(axis=1)
    problems: list[str] = []
    rows: list[str] = []
    aggregates = [str(k) for k in wide.columns if str(k) not in tile_keys]
    if total is not None:
        aggregates.append("total")
    for key in aggregates:
        if key == "total":
            published = total.reindex(wide.index) if total is not None else None
            inside = sums
            name = "total"
        else:
            lo, hi = band_of[key]
            members = [band_text(t) for t in tiles if t[0] >= lo and t[1] <= hi]
            if not members or band_of[members[0]][0] != lo or band_of[members[-1]][1] != hi:
                log.info("%s: band %s does not align with the finest ages; not checked",
                         where, key)
                continue
            published, inside, name = wide[key], finest[members].sum(axis=1), key
        if published is None:
            continue
        given = published.notna()
        off = given & ((inside - published).abs() > tolerance)
        if off.any():
            ids = [f"{a} ({s})" for a, s in wide.index[off.to_numpy()]]
            problems.append(f"{name}: {len(ids)} areas ({ids_text(ids)})")
            rows.extend(ids)
        checks.append(f"ages add up to the published {name}")
    sexes = set(wide.index.get_level_values("sex"))
    if {"persons", "females", "males"} <= sexes:
        persons = finest.xs("persons", level="sex")
        females = finest.xs("females", level="sex").reindex(persons.index)
        males = finest.xs("males", level="sex").reindex(persons.index)
        diff = (persons - females - males).abs().to_numpy(dtype=float)
        wrong = np.asarray(((diff > tolerance) | np.isnan(diff)).any(axis=1), dtype=bool)
        if wrong.any():
            ids = [str(a) for a in persons.index[wrong]]
            problems.append(f"persons = females + males fails in {len(ids)} areas "
                            f"({ids_text(ids)})")
            rows.extend(ids)
        checks.append("persons = females + males at every age")
    if problems:
        msg = (f"{where}: the counts do not add up (tolerance {tolerance:g}): "
               + "; ".join(problems) + ". Check the file is complete and unedited, or pass "
               "tolerance= for a table published with rounding")
        raise InputError(msg, path=path, rows=rows)
    checks.insert(0, f"ages {band_text(tiles[0])} … {band_text(tiles[-1])} covered by "
                  f"{len(tiles)} bands with no gap")
    return checks


def _level(codes: pd.Series, where: str, path: str | None) -> str | None:
    kinds = _util.code_kinds(codes)
    found = sorted(set(kinds.dropna()))
    if len(found) > 1:
        examples = {k: codes[kinds == k].iloc[0] for k in found}
        raise InputError(f"{where}: the file mixes kinds of area ({examples}); read one "
                         "geography at a time", path=path)
    return found[0] if found else None


def _period(frame: pd.DataFrame, resolved: object) -> str | None:
    col = find(frame.columns, _PERIOD)
    if col is not None:
        values = frame[col].dropna().astype(str).str.strip().unique()
        if len(values) == 1:
            return str(values[0])
    sheet = str(frame.attrs.get("sheet", ""))
    m = re.search(r"mid[- ]?(\d{4})", sheet, re.IGNORECASE)
    return f"mid-{m.group(1)}" if m else None


def _range_name(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"population_{lo}_plus"
    return f"children_{lo}_{hi}" if hi <= 25 else f"population_{lo}_{hi}"


def count_ages(population: pd.DataFrame, ages: AgeRange | Mapping[str, AgeRange] = (0, 4),
               *, sex: str = "persons") -> pd.DataFrame:
    """People in one or more age ranges per area, from :func:`read_population`.

    Parameters
    ----------
    population : pandas.DataFrame
        The tidy table :func:`read_population` returns.
    ages : (first, last) or mapping of name to (first, last)
        Inclusive ages, e.g. ``(0, 4)``, or ``{"children_5_11": (5, 11), "send_0_25":
        (0, 25)}``; ``last=None`` means "and over". Unnamed ranges are called
        ``children_<first>_<last>`` (``population_…`` above 25).
    sex : {"persons", "females", "males"}

    Returns
    -------
    pandas.DataFrame
        Indexed by ``area_code``, one column per range; ``attrs`` carries the
        population's ``source``, ``period`` and ``codes``.

    Raises
    ------
    InputError
        When a range cuts through a published band (5–11 from 5-year bands), naming the
        ranges that can be made, or when the sex is not in the table.

    Examples
    --------
    >>> from geoaccess import datasets, uk
    >>> bands = uk.read_population(datasets.get_path("trafford-census-bands"), codes="lsoa21")
    >>> int(uk.count_ages(bands, (0, 4))["children_0_4"].sum())
    13458
    """
    ranges = dict(ages) if isinstance(ages, Mapping) else {_range_name(*ages): ages}
    sex = _SEX_VALUES.get(str(sex).lower(), str(sex))
    where = str(population.attrs.get("source", "population"))
    rows = population[population["sex"] == sex]
    if rows.empty:
        raise InputError(f"{where}: no rows for sex {sex!r}; the table has "
                         f"{sorted(set(population['sex']))}", column="sex")
    bands = sorted(set(zip(rows["age_min"], rows["age_max"], strict=True)))
    out = pd.DataFrame(index=pd.Index(sorted(set(rows["area_code"])), name="area_code"))
    for name, (lo, hi) in ranges.items():
        top = math.inf if hi is None else float(hi)
        if lo < 0 or top < lo:
            raise InputError(f"ages {name!r}: ({lo}, {hi}) is not a range of ages",
                             column=name)
        cut = [b for b in bands if b[0] <= top and b[1] >= lo and not (b[0] >= lo
                                                                       and b[1] <= top)]
        if cut:
            starts = sorted({b[0] for b in bands})
            ends = sorted({b[1] for b in bands})
            lows = {max([s for s in starts if s <= lo], default=0),
                    min([s for s in starts if s >= lo], default=lo)}
            highs = {min([e for e in ends if e >= top], default=top),
                     max([e for e in ends if e <= top], default=top)}
            pairs = sorted((a, e) for a in lows for e in highs if a <= e)
            options = ", ".join(f"{a}-{_band_end(e)}" for a, e in pairs)
            raise InputError(
                f"{where}: ages {lo}-{'' if hi is None else hi} cut through the published "
                f"band(s) {', '.join(band_text(b) for b in cut)}; the nearest ranges these "
                f"bands make are {options}. Use single-year estimates for this range",
                column=name)
        inside = rows[(rows["age_min"] >= lo) & (rows["age_max"] <= top)]
        out[name] = inside.groupby("area_code")["count"].sum().reindex(out.index)
    out.attrs.update({k: population.attrs.get(k) for k in ("source", "period", "codes")})
    out.attrs["sex"] = sex
    return out


def _band_end(end: float) -> str:
    return "" if end == math.inf else str(int(end))


def compare_counts(first: pd.Series, second: pd.Series, *, tolerance: float = 0.0,
                   allow_different_periods: bool = False) -> pd.DataFrame:
    """Two counts of the same areas side by side, with their difference.

    Parameters
    ----------
    first, second : pandas.Series
        Counts indexed by area code, e.g. a column of :func:`count_ages` (its ``attrs``
        carry the reference date).
    tolerance : float
        Largest difference called a match (e.g. a publication's rounding).
    allow_different_periods : bool
        Compare counts with different reference dates (mid-2024 estimates against the
        2021 Census): the differences are then real change, not errors.

    Returns
    -------
    pandas.DataFrame
        Indexed by area code (every area of either input): ``first``, ``second``,
        ``difference`` (first − second), ``within_tolerance`` and ``note`` (which input
        lacks the area). ``attrs`` names the periods.

    Raises
    ------
    InputError
        When the reference dates differ (or one is unknown) and
        ``allow_different_periods`` is false.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series({"E1": 10.0, "E2": 7.0}); a.attrs["period"] = "2021-03-21"
    >>> b = pd.Series({"E1": 10.0, "E2": 9.0}); b.attrs["period"] = "2021-03-21"
    >>> compare_counts(a, b)["difference"].tolist()
    [0.0, -2.0]
    """
    periods = (first.attrs.get("period"), second.attrs.get("period"))
    if periods[0] != periods[1] and not allow_different_periods:
        raise InputError(
            f"the counts have different reference dates ({periods[0] or 'unknown'} and "
            f"{periods[1] or 'unknown'}): their differences would be change over time, not "
            "errors. Pass allow_different_periods=True to compare them anyway")
    index = first.index.union(second.index)
    out = pd.DataFrame({"first": first.reindex(index).astype(float),
                        "second": second.reindex(index).astype(float)}, index=index)
    out["difference"] = out["first"] - out["second"]
    out["within_tolerance"] = out["difference"].abs() <= tolerance
    out["note"] = np.select([out["first"].isna(), out["second"].isna()],
                            ["not in the first count", "not in the second count"], "")
    out.attrs.update({"first_period": periods[0], "second_period": periods[1],
                      "tolerance": tolerance})
    return out
