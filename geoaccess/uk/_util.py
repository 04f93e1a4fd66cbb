"""Private helpers of geoaccess.uk: sources, tables, column names, codes, writing."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from .._fs import atomic_write
from .._validate import show_ids
from ..errors import InputError

log = logging.getLogger("geoaccess.uk")

Source: TypeAlias = "str | os.PathLike[str] | pd.DataFrame"

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".gml", ".zip", ".parquet"}
_URL = re.compile(r"^(https?|ftp|file)://", re.IGNORECASE)
#: Rows scanned for a header line (ONS workbooks put a title and notes above it).
HEADER_SCAN_ROWS = 30

# GSS code prefixes: what kind of area a code is.
CODE_KINDS = {
    "E00": ("oa", "england"), "W00": ("oa", "wales"), "S00": ("oa", "scotland"),
    "E01": ("lsoa", "england"), "W01": ("lsoa", "wales"), "S01": ("dz", "scotland"),
    "E02": ("msoa", "england"), "W02": ("msoa", "wales"), "S02": ("iz", "scotland"),
}
_GSS = re.compile(r"^[EWSN]\d{8}$")
LA_CODE = re.compile(r"^[EWSN](06|07|08|09|10|11|12|13)\d{6}$", re.IGNORECASE)


# ------------------------------------------------------------------------- sources
def is_url(source: object) -> bool:
    return isinstance(source, str) and bool(_URL.match(source.strip()))


def resolve(source: Source, *, download: bool, what: str) -> Path | pd.DataFrame:
    """A local path (fetching a URL when ``download``), or the frame itself."""
    if isinstance(source, pd.DataFrame):
        return source
    if is_url(source):
        url = str(source).strip()
        if not download:
            msg = (f"{what}: {url} is a web address; pass download=True to fetch it (it is "
                   f"saved under {Path(settings.cache_folder) / 'uk'} and reused), or "
                   "download it yourself and pass the file path")
            raise InputError(msg, path=url)
        return fetch(url)
    if not isinstance(source, (str, os.PathLike)):
        raise InputError(f"{what}: expected a file path, a URL or a DataFrame, got "
                         f"{type(source).__name__}")
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path}: file not found", path=path)
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty", path=path)
    return path


def fetch(url: str) -> Path:
    """Download ``url`` once into the cache folder; return the local file."""
    parsed = urllib.parse.urlparse(url)
    name = Path(urllib.parse.unquote(parsed.path)).name or "download"
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    folder = Path(settings.cache_folder) / "uk"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}-{name}"
    if target.exists() and target.stat().st_size > 0:
        log.info("using %s, downloaded before from %s", target, url)
        return target
    log.info("downloading %s to %s", url, target)
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            atomic_write(target, lambda tmp: tmp.write_bytes(response.read()))
    except OSError as exc:
        raise InputError(f"{url}: cannot download ({type(exc).__name__}: {exc})",
                         path=url) from exc
    return target


def label(source: Source | Path) -> str:
    if isinstance(source, pd.DataFrame):
        return f"<{type(source).__name__}>"
    return str(source)


# --------------------------------------------------------------------------- tables
def norm(name: object) -> str:
    """Column name for matching: lower case, single spaces for spaces and underscores."""
    return re.sub(r"[\s_]+", " ", str(name).replace("\ufeff", "").strip().lower())


def read_table(source: Path | pd.DataFrame, *, sheet: str | int | None = None,
               layer: str | int | None = None,
               is_header: Callable[[Sequence[str]], bool] | None = None,
               what: str = "table") -> pd.DataFrame:
    """Read a CSV, a workbook sheet or a spatial file as published.

    Text files and sheets are read as text (codes keep their leading zeros; numbers are
    converted, with errors reported, by the caller). ``is_header`` finds the header line
    below any title rows, and, for workbooks without ``sheet``, the sheet holding it.
    """
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = [str(c).replace("\ufeff", "").strip() for c in frame.columns]
        return frame
    path = source
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            frame = _read_csv(path, is_header)
        elif suffix in EXCEL_SUFFIXES:
            frame = _read_sheet(path, sheet, is_header, what)
        elif suffix in VECTOR_SUFFIXES or path.is_dir():
            frame = _read_vector(path, layer)
        else:
            raise InputError(f"{path}: unknown file format {suffix or '(no extension)'!r}; "
                             "use CSV, Excel/ODS, GeoPackage, GeoJSON or Shapefile", path=path)
    except InputError:
        raise
    except ImportError as exc:
        raise InputError(f"{path}: {exc} (an .ods workbook needs `pip install odfpy`)",
                         path=path) from exc
    except Exception as exc:  # the readers raise many kinds; name the file and the reason
        raise InputError(f"{path}: cannot read the file ({type(exc).__name__}: {exc})",
                         path=path) from exc
    frame.columns = [str(c).replace("\ufeff", "").strip() for c in frame.columns]
    if len(frame) == 0:
        raise InputError(f"{path}: the file has no rows", path=path)
    return frame


def _header_row(rows: pd.DataFrame, is_header: Callable[[Sequence[str]], bool] | None) -> int:
    if is_header is None:
        return 0
    for i in range(len(rows)):
        cells = [str(v).strip() for v in rows.iloc[i].tolist() if pd.notna(v)]
        if cells and is_header(cells):
            return i
    return -1


def _read_csv(path: Path, is_header: Callable[[Sequence[str]], bool] | None) -> pd.DataFrame:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    last: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            top = pd.read_csv(path, sep=sep, header=None, nrows=HEADER_SCAN_ROWS, dtype=str,
                              encoding=encoding, keep_default_na=False, skip_blank_lines=False,
                              on_bad_lines="skip", engine="python")
            row = max(_header_row(top, is_header), 0)
            return pd.read_csv(path, sep=sep, skiprows=row, dtype=str, encoding=encoding,
                               keep_default_na=False, na_values=[""], low_memory=False)
        except UnicodeDecodeError as exc:
            last = exc
    raise InputError(f"{path}: cannot decode the text ({last}); save it as UTF-8", path=path)


def _read_sheet(path: Path, sheet: str | int | None,
                is_header: Callable[[Sequence[str]], bool] | None, what: str) -> pd.DataFrame:
    with pd.ExcelFile(path) as book:
        names = [str(n) for n in book.sheet_names]
        candidates: list[str | int] = [sheet] if sheet is not None else list(names)
        found: list[tuple[str | int, int]] = []
        for name in candidates:
            if isinstance(name, str) and name not in names:
                raise InputError(f"{path}: no sheet {name!r}; sheets are {names}", path=path)
            top = pd.read_excel(book, sheet_name=name, header=None, nrows=HEADER_SCAN_ROWS,
                                dtype=str)
            row = _header_row(top, is_header)
            if row >= 0:
                found.append((name, row))
        if len(found) > 1:
            listing = [str(n) for n, _ in found]
            raise InputError(f"{path}: {len(found)} sheets hold {what} ({listing}); pass "
                             "sheet= to say which (e.g. the year you mean)", path=path)
        if found:
            name, row = found[0]
            frame = pd.read_excel(book, sheet_name=name, header=row, dtype=str)
            frame = frame.dropna(how="all")
            frame.attrs["sheet"] = str(name)
            return frame
    msg = (f"{path}: found no sheet with the columns of {what} in its first "
           f"{HEADER_SCAN_ROWS} rows (sheets are {names}); pass sheet= to choose one")
    raise InputError(msg, path=path)


def _read_vector(path: Path, layer: str | int | None) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        return gpd.read_parquet(path)
    if path.suffix.lower() == ".gpkg" and layer is None:
        import pyogrio

        layers = pyogrio.list_layers(path)
        if len(layers) > 1:
            names = [str(n) for n in layers[:, 0]]
            raise InputError(f"{path}: the GeoPackage has {len(names)} layers {names}; "
                             "pass layer= to choose one", path=path)
    kwargs: dict[str, Any] = {"layer": layer} if layer is not None else {}
    return gpd.read_file(path, engine="pyogrio", **kwargs)


# -------------------------------------------------------------------------- columns
def find(columns: Iterable[object], patterns: Sequence[str], given: str | None = None,
         ) -> str | None:
    """The column ``given``, else the first whose normalised name matches ``patterns``.

    Patterns are regular expressions matched against the whole name, tried in order.
    """
    cols = [str(c) for c in columns]
    if given is not None:
        return given if given in cols else None
    for pattern in patterns:
        rx = re.compile(pattern)
        for c in cols:
            if rx.fullmatch(norm(c)):
                return c
    return None


def missing_column(where: str, path: str | None, what: str, option: str,
                   columns: Iterable[object], given: str | None = None) -> InputError:
    cols = [str(c) for c in columns]
    if given is not None:
        msg = f"{where}: no column {given!r} ({option}=); columns are {cols}"
        return InputError(msg, path=path, column=given)
    msg = f"{where}: no {what} column found; pass {option}= (columns are {cols})"
    return InputError(msg, path=path, column=what)


#: Code columns whose names say the geography and its year.
_VINTAGE_PATTERNS = (
    r"(?P<level>lsoa|oa|msoa|dz)(?:20)?(?P<year>01|11|21) ?(?:cd|code)?",
    r"(?P<level>lsoa|oa|msoa) (?:20)?(?P<year>01|11|21) code",
    r"(?P<level>lsoa|oa|msoa) code \((?:20)?(?P<year>01|11|21)\)",
    r"(?P<level>datazone|data zone) ?(?:20)?(?P<year>01|11)(?: code)?",
)


def vintage_of(column: str) -> str | None:
    """``"lsoa21"`` from ``LSOA21CD``, ``LSOA code (2021)``, ``LSOA 2021 Code``...; else None."""
    text = norm(column)
    for pattern in _VINTAGE_PATTERNS:
        m = re.fullmatch(pattern, text)
        if m:
            level = {"datazone": "dz", "data zone": "dz"}.get(m.group("level"), m.group("level"))
            return f"{level}{m.group('year')}"
    return None


def codes_text(series: pd.Series) -> pd.Series:
    """Area codes as stripped text (``<NA>`` for blanks)."""
    text = series.astype("string").str.strip().str.upper()
    return text.mask(text == "")


def code_kinds(codes: pd.Series) -> pd.Series:
    """``"lsoa"``, ``"oa"``, ``"dz"``... per code (``<NA>`` when not a known GSS code)."""
    text = codes.astype("string")
    kinds = text.str[:3].map({k: v[0] for k, v in CODE_KINDS.items()})
    ok = text.str.fullmatch(_GSS.pattern).fillna(False).astype(bool)
    return kinds.where(ok)


def numbers(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Values as float and a mask of non-blank cells that are not numbers."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype(float)
        return values, np.zeros(len(series), dtype=bool)
    try:  # fast path: every cell a plain number or blank
        values = series.astype(float)
        return values, np.zeros(len(series), dtype=bool)
    except (TypeError, ValueError):
        pass
    text = series.astype("string").str.strip().str.replace(",", "", regex=False)
    blank = text.isna() | (text == "")
    values = pd.to_numeric(text.where(~blank), errors="coerce").astype(float)
    bad = (values.isna() & ~blank).to_numpy(dtype=bool)
    return values, bad


def ids_text(ids: Iterable[Any]) -> str:
    return show_ids(list(ids))


