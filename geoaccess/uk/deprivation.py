"""Deprivation indices as published, each labelled with its nation and year.

England's Indices of Deprivation (IoD 2019 on LSOA 2011 codes, IoD 2025 on LSOA 2021
codes; MHCLG's File 7 and its other files, CSV or workbook), the Welsh Index of Multiple
Deprivation (WIMD 2019, ranks or scores workbooks, LSOA 2011 codes) and the Scottish Index
(SIMD 2020v2, data zones 2011) share an idea but not their columns or their scales: a decile
ranks an area within its own nation only. :func:`read_deprivation` reads each into the same
columns (``imd_score``, ``imd_rank``, ``imd_decile``, ``income_rank``...) with a
``deprivation_index`` label such as "IMD 2025 (England)", checks codes, ranges and the
deciles against the ranks, and :func:`combine_deprivation` refuses to mix years, or nations
unless asked (and then keeps the label on every row).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _columns, _util
from ._util import find, ids_text, label, log, norm, numbers

__all__ = ["EDITIONS", "Edition", "combine_deprivation", "read_deprivation"]


@dataclass(frozen=True)
class Edition:
    """One published deprivation index: its nation, year, codes and size."""

    nation: str
    year: int
    name: str
    codes: str
    n_areas: int
    prefix: str

    @property
    def label(self) -> str:
        """E.g. ``"IMD 2025 (England)"``."""
        return f"{self.name} ({self.nation.title()})"


#: The editions geoaccess knows: (nation, year) → :class:`Edition`.
EDITIONS: dict[tuple[str, int], Edition] = {
    ("england", 2019): Edition("england", 2019, "IMD 2019", "lsoa11", 32_844, "E01"),
    ("england", 2025): Edition("england", 2025, "IMD 2025", "lsoa21", 33_755, "E01"),
    ("wales", 2019): Edition("wales", 2019, "WIMD 2019", "lsoa11", 1_909, "W01"),
    ("scotland", 2020): Edition("scotland", 2020, "SIMD 2020", "dz11", 6_976, "S01"),
}

# (pattern of the domain's name, short key), tried in order
_DOMAINS = (
    ((r"index of multiple deprivation( \(imd\))?|imd|overall|wimd (20)?\d\d( overall)?|"
     r"simd ?(20)?\d\d(v\d)?"), "imd"),
    (r"income deprivation affecting children index( \(idaci\))?|idaci", "idaci"),
    (r"income deprivation affecting older people( index)?( \(idaopi\))?|idaopi", "idaopi"),
    (r"income", "income"), (r"employment", "employment"),
    (r"education,? skills and training|education", "education"),
    (r"health deprivation and disability|health", "health"),
    (r"crime|community safety", "crime"),
    (r"barriers to housing and services|housing and services|housing and access", "barriers"),
    (r"housing", "housing"), (r"access to services|access|geographic access", "access"),
    (r"living environment|physical environment|environment", "environment"),
    # sub-domains, named after their domain ("children_…" would read as a head count)
    (r"children and young people( sub-domain)?", "education_cyp"),
    (r"adult skills( sub-domain)?", "education_adult_skills"),
    (r"geographical barriers( sub-domain)?", "barriers_geographical"),
    (r"wider barriers( sub-domain)?", "barriers_wider"),
    (r"indoors( sub-domain)?", "environment_indoors"),
    (r"outdoors( sub-domain)?", "environment_outdoors"),
)
_MEASURE = re.compile(
    r"(?P<dom>.+?)(?: domain)? (?P<what>score|rank|decile|quintile|vigintile|percentile)\b.*")
_WALES_DOMAIN = re.compile(r"(wimd (20)?\d\d|income|employment|health|education|access to "
                           r"services|housing|community safety|physical environment)")


def _domain_key(text: str) -> str:
    text = text.strip()
    for pattern, key in _DOMAINS:
        if re.fullmatch(pattern, text):
            return key
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"\([^)]*\)", "", text)).strip("_")


def _is_header(cells: Sequence[str]) -> bool:
    if find(cells, _columns.AREA_CODE) is None:
        return False
    return any(_MEASURE.fullmatch(norm(c)) or _WALES_DOMAIN.fullmatch(norm(c)) for c in cells)


def read_deprivation(
    source: _util.Source,
    *,
    nation: str,
    year: int,
    sheet: str | int | None = None,
    area_column: str | None = None,
    download: bool = False,
) -> pd.DataFrame:
    """Read a deprivation index as published, labelled with its nation and year.

    Parameters
    ----------
    source : path, URL or DataFrame
        England: IoD File 7 (all scores, ranks, deciles; CSV or workbook) or any of the
        other IoD files with an LSOA code and IMD columns. Wales: the WIMD ranks (or
        scores) workbook or CSV. Scotland: the SIMD ranks workbook, or the data-zone
        lookup.
    nation : {"england", "wales", "scotland"}
    year : int
        The edition, e.g. 2025 or 2019 (England), 2019 (Wales), 2020 (Scotland): see
        :data:`EDITIONS`. Stated by you, never guessed, so a table is never mislabelled.
    sheet : str or int, optional
        Workbook sheet (default: the first with area codes and index columns).
    area_column : str, optional
        The area code column, when not recognised.
    download : bool
        Fetch ``source`` when it is a URL.

    Returns
    -------
    pandas.DataFrame
        ``area_code``, ``area_name``/``la_code``/``la_name`` when given, ``imd_score``,
        ``imd_rank``, ``imd_decile`` (1 = most deprived 10% of the nation's areas; derived
        from the rank with the nation's area count when not published), domain columns
        (``income_rank``, ``health_score``...), and ``deprivation_index`` (e.g. "IMD 2025
        (England)") on every row. ``attrs``: ``nation``, ``year``, ``label``, ``codes``,
        ``n_areas``, ``source``.

    Raises
    ------
    InputError
        Unknown edition; codes of another nation or geography; duplicated codes; ranks,
        deciles or scores that are not numbers in range (a decile read as text); deciles
        that disagree with ranks (a file of another year); more rows than the nation has.

    Examples
    --------
    >>> import geoaccess as ga
    >>> from geoaccess import uk
    >>> imd = uk.read_deprivation(ga.datasets.get_path("imd2025"), nation="england",
    ...                           year=2025)
    >>> len(imd), imd["deprivation_index"].iloc[0], imd.attrs["codes"]
    (33755, 'IMD 2025 (England)', 'lsoa21')
    """
    key = (str(nation).strip().lower(), int(year))
    if key not in EDITIONS:
        known = ", ".join(f"{n} {y}" for n, y in EDITIONS)
        raise InputError(f"no deprivation index known for {nation} {year}; known editions "
                         f"are {known}", column="year")
    edition = EDITIONS[key]
    resolved = _util.resolve(source, download=download, what=edition.label)
    where, path = label(resolved), (None if isinstance(resolved, pd.DataFrame)
                                    else str(resolved))
    frame = _util.read_table(resolved, sheet=sheet, is_header=_is_header, what=edition.label)
    code_c = find(frame.columns, _columns.AREA_CODE, area_column)
    if code_c is None:
        raise _util.missing_column(where, path, "area code", "area_column", frame.columns,
                                   area_column)
    stated = _util.vintage_of(code_c)
    if stated and stated != edition.codes:
        raise InputError(
            f"{where}: {edition.label} uses {edition.codes} codes but column {code_c!r} holds "
            f"{stated} codes: is this the file of another year?", path=path, column=code_c)
    codes = _util.codes_text(frame[code_c])
    _check_codes(codes, edition, where, path, code_c)
    out = pd.DataFrame({"area_code": codes.astype(str).to_numpy()}, index=frame.index)
    used = {code_c}
    for what, patterns in (("area_name", _columns.AREA_NAME), ("la_code", _columns.LA_CODE),
                           ("la_name", _columns.LA_NAME)):
        c = find([c for c in frame.columns if c not in used], patterns)
        if c is not None:
            out[what] = frame[c].astype("string").str.strip()
            used.add(c)
    measures = _measures(frame, used, edition, where)
    problems: list[str] = []
    bad_rows: list[str] = []
    for name, column in measures.items():
        values, bad = numbers(frame[column])
        what = name.rsplit("_", 1)[-1]
        top = {"rank": edition.n_areas, "decile": 10, "quintile": 5, "vigintile": 20,
               "percentile": 100}.get(what)
        out_of_range = np.zeros(len(values), dtype=bool)
        if top is not None:
            out_of_range = (values.notna() & ((values < 1) | (values > top)
                                              | (values.round() != values))).to_numpy()
        examples = frame[column][bad].astype(str).head(2).tolist()
        for mask, why in ((bad, f"non-numeric values such as {examples}"),
                          (out_of_range, f"values outside 1..{top} (whole numbers)")):
            if mask.any():
                ids = codes[mask].astype(str).tolist()
                problems.append(f"column {column!r} has {why} ({ids_text(ids)})")
                bad_rows.extend(ids)
        out[name] = values.round().astype("Int64") if top is not None else values
    if problems:
        raise InputError(f"{where}: {len(problems)} problems reading {edition.label}:\n  - "
                         + "\n  - ".join(problems), path=path, rows=bad_rows)
    if "imd_rank" not in out and "imd_decile" not in out:
        raise InputError(f"{where}: no overall rank or decile column for {edition.label} "
                         f"(columns are {list(frame.columns)})", path=path, column="imd_rank")
    derived = _deciles(out, edition, where, path)
    out["deprivation_index"] = edition.label
    out = out.reset_index(drop=True)
    out.attrs.update({"nation": edition.nation, "year": edition.year, "label": edition.label,
                      "codes": edition.codes, "n_areas": edition.n_areas, "source": where,
                      "decile_from_rank": derived})
    log.info("%s: %s for %d areas%s", where, edition.label, len(out),
             " (deciles derived from ranks)" if derived else "")
    return out


def _check_codes(codes: pd.Series, edition: Edition, where: str, path: str | None,
                 column: str) -> None:
    blank = codes.isna().to_numpy()
    if blank.any():
        rows = [f"row {i + 2}" for i in np.nonzero(blank)[0]]
        raise InputError(f"{where}: {int(blank.sum())} blank area codes ({ids_text(rows)})",
                         path=path, column=column, rows=rows)
    foreign = ~codes.str.startswith(edition.prefix).to_numpy(dtype=bool)
    if foreign.any():
        ids = codes[foreign].tolist()
        raise InputError(
            f"{where}: {len(ids)} codes are not {edition.nation.title()}'s small areas "
            f"({edition.prefix}…) for {edition.label} ({ids_text(ids)}); read each nation's "
            "index with its own nation= and combine them with combine_deprivation",
            path=path, column=column, rows=ids)
    dup = codes[codes.duplicated(keep=False)]
    if len(dup):
        ids = sorted(set(dup))
        raise InputError(f"{where}: codes repeated ({ids_text(ids)}); each area once",
                         path=path, column=column, rows=ids)
    if len(codes) > edition.n_areas:
        raise InputError(f"{where}: {len(codes)} rows, but {edition.label} covers "
                         f"{edition.n_areas} areas: is this the right year?", path=path)


def _measures(frame: pd.DataFrame, used: set[str], edition: Edition,
              where: str) -> dict[str, str]:
    """Output name → source column for every score, rank, decile... column."""
    out: dict[str, str] = {}
    ignored: list[str] = []
    for c in frame.columns:
        if c in used:
            continue
        text = norm(c)
        m = _MEASURE.fullmatch(text)
        if m:
            dom = m.group("dom")
            # "SIMD2020v2_Income_Domain_Rank": the index name prefixes the domain's
            dom = re.sub(r"^(simd ?(20)?\d\d(v\d)?|wimd (20)?\d\d) (?=\S)", "", dom)
            name = f"{_domain_key(dom)}_{m.group('what')}"
        elif edition.nation == "wales" and _WALES_DOMAIN.fullmatch(text):
            values = numbers(frame[c])[0].dropna()
            what = "rank" if len(values) and (values.round() == values).all() \
                and values.between(1, edition.n_areas).all() else "score"
            name = f"{_domain_key(text)}_{what}"
        elif any(w in text for w in ("population", "denominator", "prisoners")):
            name = "denominator_" + re.sub(r"[^a-z0-9]+", "_", text).strip("_")
        else:
            ignored.append(str(c))
            continue
        if name in out:
            log.warning("%s: columns %r and %r both read as %s; keeping the first", where,
                        out[name], c, name)
            continue
        out[name] = str(c)
    if ignored:
        log.info("%s: columns not read (not a score, rank or decile): %s", where, ignored)
    return out


def _deciles(out: pd.DataFrame, edition: Edition, where: str, path: str | None) -> bool:
    """Derive deciles from ranks when absent; check them against ranks when both given."""
    if "imd_rank" not in out:
        return False
    rank = out["imd_rank"].astype(float)
    expected = np.ceil(rank * 10 / edition.n_areas)
    if "imd_decile" not in out:
        out["imd_decile"] = pd.array(expected, dtype="Int64")
        return True
    decile = out["imd_decile"].astype(float)
    # ranks within one place of a decile boundary may fall either side of it
    edge = np.abs(rank * 10 / edition.n_areas - np.round(rank * 10 / edition.n_areas)) \
        <= 10 / edition.n_areas
    wrong = (decile != expected) & ~(edge & ((decile - expected).abs() <= 1)) \
        & rank.notna() & decile.notna()
    if wrong.any():
        ids = out.loc[wrong, "area_code"].tolist()
        raise InputError(
            f"{where}: {len(ids)} deciles disagree with the ranks for {edition.label} "
            f"({edition.n_areas} areas; e.g. {ids[0]}: rank {int(rank[wrong].iloc[0])}, "
            f"decile {int(decile[wrong].iloc[0])}): is this the file of another year or "
            f"nation? ({ids_text(ids)})", path=path, column="imd_decile", rows=ids)
    return False


def combine_deprivation(tables: Sequence[pd.DataFrame], *,
                        mixed_nations: bool = False) -> pd.DataFrame:
    """Stack deprivation tables of different nations, keeping each row's label.

    Deciles rank areas within one nation: an English decile 1 and a Welsh decile 1 are
    not the same thing, so mixing nations needs ``mixed_nations=True`` and the result keeps
    ``deprivation_index`` on every row. Two years of one nation are never stacked.

    Parameters
    ----------
    tables : sequence of pandas.DataFrame
        Tables from :func:`read_deprivation`.
    mixed_nations : bool
        Allow tables of different nations.

    Returns
    -------
    pandas.DataFrame
        The rows of every table; ``attrs["label"]`` joins the labels with " + ",
        ``attrs["codes_by_nation"]`` maps each nation to its code vintage.

    Raises
    ------
    InputError
        Tables without labels, two editions of one nation, or nations mixed without
        ``mixed_nations=True``.

    Examples
    --------
    >>> import pandas as pd
    >>> eng = pd.DataFrame({"area_code": ["E01000001"], "imd_decile": [8],
    ...                     "deprivation_index": ["IMD 2025 (England)"]})
    >>> eng.attrs.update(nation="england", year=2025, label="IMD 2025 (England)",
    ...                  codes="lsoa21")
    >>> wal = pd.DataFrame({"area_code": ["W01000001"], "imd_decile": [3],
    ...                     "deprivation_index": ["WIMD 2019 (Wales)"]})
    >>> wal.attrs.update(nation="wales", year=2019, label="WIMD 2019 (Wales)",
    ...                  codes="lsoa11")
    >>> both = combine_deprivation([eng, wal], mixed_nations=True)
    >>> both["deprivation_index"].tolist()
    ['IMD 2025 (England)', 'WIMD 2019 (Wales)']
    """
    tables = list(tables)
    if not tables:
        raise InputError("combine_deprivation: no tables given")
    labels = []
    for i, t in enumerate(tables):
        if "deprivation_index" not in t.columns or not t.attrs.get("nation"):
            raise InputError(f"combine_deprivation: table {i + 1} has no nation/year label; "
                             "read it with read_deprivation(path, nation=..., year=...)")
        labels.append((t.attrs["nation"], int(t.attrs["year"]), str(t.attrs["label"])))
    nations: dict[str, str] = {}
    for nation, _year, lab in labels:
        if nation in nations:
            raise InputError(f"combine_deprivation: {nations[nation]} and {lab} are two "
                             f"editions for {nation.title()}; use one of them")
        nations[nation] = lab
    if len(nations) > 1 and not mixed_nations:
        listing = ", ".join(nations.values())
        raise InputError(
            f"combine_deprivation: the tables are of different nations ({listing}); "
            "their deciles are ranked within each nation and are not comparable. Pass "
            "mixed_nations=True to stack them with each row labelled")
    out = pd.concat(tables, ignore_index=True)
    dup = out["area_code"][out["area_code"].duplicated(keep=False)]
    if len(dup):
        ids = sorted(set(dup))
        raise InputError(f"combine_deprivation: codes in more than one table ({ids_text(ids)})",
                         rows=ids)
    out.attrs = {"label": " + ".join(nations.values()),
                 "nation": next(iter(nations)) if len(nations) == 1 else "mixed",
                 "year": labels[0][1] if len(labels) == 1 else None,
                 "codes": tables[0].attrs.get("codes") if len(tables) == 1 else None,
                 "codes_by_nation": {t.attrs["nation"]: t.attrs.get("codes") for t in tables},
                 "source": "; ".join(str(t.attrs.get("source", "")) for t in tables)}
    return out
