"""Exporting the tables: units in the headers, a glossary, Excel and CSV files.

Column names follow one convention: counts of people are ``population*`` columns,
proportions (0-1) ``share*`` columns, times ``*_minutes``; ``<t>`` in a column name is a
threshold in minutes (``population_loses_15``). The exported files add the units to the
headers (:func:`export_header`: ``population_loses_15min [people]``) and
:func:`column_glossary` says what every column means. :func:`to_excel` and
:func:`to_csv` write the tables (e.g. from :func:`~geoaccess.equality.eia_tables`) one
sheet or one file each, atomically, with text that a spreadsheet would run as a formula
neutralised.

Examples
--------
>>> export_header("population_loses_15")
'population_loses_15min [people]'
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._fs import atomic_write, neutralise_frame
from ..errors import InputError

__all__ = ["column_glossary", "export_header", "to_csv", "to_excel"]

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- glossary
_THRESHOLD_COL = re.compile(r"^(.*?)_(within|loses|gains|losers)_(\d+(?:\.\d+)?)$")
_INDEX_COLS = {"gini", "concentration", "palma", "theil", "concentration_index"}
_RATIO_COLS = {"risk_ratio", "katz_lower", "katz_upper", "cluster_lower", "cluster_upper",
               "representation_ratio"}

_MEANINGS: dict[str, str] = {
    "kind": "finding or caveat",
    "text": "the sentence",
    "scenario": "scenario (configuration of sites)",
    "baseline": "scenario the proposal is compared with",
    "open_sites": "open sites in the scenario",
    "areas": "number of areas",
    "areas_unreachable": "areas with no time to any open site",
    "population": "people (the population column)",
    "share_of_population": "the group's share of all people",
    "population_reached": "people in areas with a time",
    "population_unreachable": "people in areas with no time to any open site",
    "mean_minutes": "population-weighted mean minutes to the nearest open site",
    "median_minutes": "population-weighted median minutes to the nearest open site",
    "p90_minutes": "90th percentile minutes: 90% of people are at most this far",
    "max_minutes": "longest time of any area with people",
    "mean_change_minutes": "population-weighted mean change in minutes (proposal - baseline)",
    "max_change_minutes": "largest increase in minutes of any area",
    "population_gain": "people with a shorter journey (or a time where there was none)",
    "population_loss": "people with a longer journey (or no time any more)",
    "share_loss": "share of the group's people with a longer journey",
    "population_unchanged": "people whose journey does not change",
    "population_unknown": "people with no time under either scenario",
    "group": "share column describing the group",
    "group_label": "the group, in words",
    "outcome": "'loss' (longer journey) or 'loses_<t>' (no longer within t minutes)",
    "population_losing": "everyone with the outcome",
    "group_population": "estimated people in the group (share x population)",
    "group_share_of_population": "the group's share of all people",
    "group_population_losing": "estimated people of the group with the outcome",
    "group_share_of_losing": "the group's share of everyone with the outcome",
    "representation_ratio": "group_share_of_losing / group_share_of_population (> 1: "
                            "over-represented among those losing)",
    "group_risk": "share of the group with the outcome",
    "others_risk": "share of everyone else with the outcome",
    "exposed_group": "the most deprived areas compared",
    "exposed_deciles": "IMD deciles of the most deprived areas compared",
    "exposed_areas": "areas in the most deprived group",
    "exposed_population": "people in the most deprived group",
    "exposed_population_losing": "people in the most deprived group with the outcome",
    "exposed_risk": "share of the most deprived group with the outcome",
    "other_areas": "areas outside the most deprived group",
    "other_population": "people outside the most deprived group",
    "other_population_losing": "people outside the most deprived group with the outcome",
    "other_risk": "share of people outside the most deprived group with the outcome",
    "risk_ratio": "exposed_risk / other_risk",
    "katz_lower": "lower confidence limit (Katz log method; people independent)",
    "katz_upper": "upper confidence limit (Katz log method; people independent)",
    "cluster_lower": "lower confidence limit allowing for whole areas changing together",
    "cluster_upper": "upper confidence limit allowing for whole areas changing together",
    "confidence": "confidence level of the intervals",
    "concentration_index": "concentration index of the outcome ranked from the most "
                           "deprived (< 0: concentrated in the more deprived areas)",
    "measure": "per-area measure the indices describe",
    "rank_by": "column ranking areas from the most deprived",
    "areas_without_time": "areas left out of the indices (no time)",
    "population_without_time": "people left out of the indices (no time)",
    "mean": "population-weighted mean of the measure",
    "gini": "Gini coefficient (0 = everyone equal)",
    "concentration": "concentration index ranked from the most deprived (< 0: higher "
                     "values among the more deprived)",
    "palma": "Palma ratio: share of the top 10% / share of the bottom 40% (0.25 = equal)",
    "theil": "Theil T index (0 = everyone equal)",
    "standard": "the access standard's name (a rule evaluated)",
    "rule": "the access standard in words",
    "population_meeting": "people meeting the access standard",
    "share_meeting": "share of all people meeting the access standard",
    "change_share_meeting": "change in the share meeting the standard (proposal - baseline)",
    "share_losing": "share of all people meeting the standard under the baseline, not the "
                    "proposal",
    "population_gaining": "people meeting the standard under the proposal, not the baseline",
    "share_gaining": "share of all people gaining the standard",
    "exposed_share_of_population": "the most deprived group's share of all people",
    "exposed_share_of_losing": "the most deprived group's share of everyone with the outcome",
    "item": "setting, provenance or definition",
    "value": "its value",
    "column": "column name in the tables (pandas)",
    "header": "column header in the exported files, with its unit",
    "unit": "unit of the column",
    "meaning": "what the column holds",
    "tables": "tables holding the column",
}

_THRESHOLD_MEANINGS = {
    "population_within": "people within {t} minutes of an open site",
    "share_within": "share of the group's people within {t} minutes",
    "within": "an open site within {t} minutes",
    "sites_within": "open sites within {t} minutes",
    "population_loses": "people losing {t}-minute access",
    "share_loses": "share of the group's people losing {t}-minute access",
    "share_of_losers": "the group's share of everyone losing {t}-minute access",
    "population_gains": "people gaining {t}-minute access",
    "areas_loses": "areas losing {t}-minute access",
    "areas_gains": "areas gaining {t}-minute access",
}


def _unit(col: str) -> str | None:
    c = col.lower()
    if c in _INDEX_COLS:
        return "index"
    if c in _RATIO_COLS:
        return "ratio"
    if c.endswith("minutes"):
        return "minutes"
    if "share" in c or c.endswith("_risk") or c == "confidence":
        return "proportion"
    if c.startswith(("population", "group_population")) or c.endswith("_population") \
            or "_population_" in c:
        return "people"
    if c.startswith(("sites_within", "open_sites")):
        return "sites"
    if c.startswith("areas") or c.endswith("_areas") or "_areas_" in c:
        return "areas"
    return None


def export_header(col: str) -> str:
    """Header of a column in exported files: thresholds in minutes and the unit.

    Examples
    --------
    >>> export_header("population_within_15"), export_header("share_of_losers_7.5")
    ('population_within_15min [people]', 'share_of_losers_7.5min [proportion]')
    >>> export_header("mean_minutes"), export_header("scenario")
    ('mean_minutes [minutes]', 'scenario')
    """
    name = str(col)
    m = _THRESHOLD_COL.match(name)
    if m:
        name = f"{m[1]}_{m[2]}_{m[3]}min" if m[1] else f"{m[2]}_{m[3]}min"
    unit = _unit(str(col))
    return f"{name} [{unit}]" if unit else name


def _meaning(col: str) -> str:
    if col in _MEANINGS:
        return _MEANINGS[col]
    m = re.match(r"^(population_within|share_within|sites_within|within|population_loses|"
                 r"share_loses|share_of_losers|population_gains|areas_loses|areas_gains)_"
                 r"(\d+(?:\.\d+)?)$", col)
    if m:
        return _THRESHOLD_MEANINGS[m[1]].format(t=m[2])
    m = re.match(r"^(population_loses|share_loses|share_of_losers|population_gains|"
                 r"areas_loses|areas_gains|loses|gains)_(.+)$", col)
    if m:  # an access standard (rules=) rather than a threshold
        if m[1] in ("loses", "gains"):
            return f"{'losing' if m[1] == 'loses' else 'gaining'} the standard '{m[2]}'"
        return _THRESHOLD_MEANINGS[m[1]].replace("{t}-minute access", f"the standard '{m[2]}'")
    return ""


def column_glossary(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """What every column of some tables means, with its unit and exported header.

    Examples
    --------
    >>> g = column_glossary({"t": pd.DataFrame(columns=["share_within_15"])})
    >>> g.iloc[0][["header", "unit", "tables"]].tolist()
    ['share_within_15min [proportion]', 'proportion', 't']
    """
    seen: dict[str, list[str]] = {}
    for name, frame in tables.items():
        for col in frame.columns:
            seen.setdefault(str(col), []).append(name)
    rows = [(col, export_header(col), _unit(col) or "", _meaning(col) or
             ("group (breakdown column)" if any(n.startswith("by_") for n in names) else ""),
             ", ".join(names)) for col, names in seen.items()]
    return pd.DataFrame(rows, columns=["column", "header", "unit", "meaning", "tables"])


# ---------------------------------------------------------------------------- export
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FORMATS = {"minutes": "0.0", "people": "#,##0", "proportion": "0.0%", "index": "0.000",
            "ratio": "0.00", "areas": "0", "sites": "0"}


def _sheet_names(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        base = _SHEET_BAD.sub("_", str(name))[:31] or "sheet"
        candidate, i = base, 2
        while candidate.lower() in (o.lower() for o in out):
            suffix = f"_{i}"
            candidate = base[:31 - len(suffix)] + suffix
            i += 1
        out.append(candidate)
    return out


def _for_export(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [export_header(str(c)) for c in frame.columns]
    return out


def _check_tables(tables: Any) -> Mapping[str, pd.DataFrame]:
    if not isinstance(tables, Mapping) or not all(isinstance(v, pd.DataFrame)
                                                  for v in tables.values()):
        raise InputError("expected a dict of table name -> DataFrame (from eia_tables)")
    if not tables:
        raise InputError("no tables to write")
    return tables


def to_excel(tables: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> Path:
    """Write tables to one Excel workbook, one sheet per table, units in the headers.

    Headers follow :func:`export_header` (``population_within_15min [people]``); cells
    keep full precision and are displayed as minutes to 0.1, people as whole numbers and
    proportions as percentages. The header row is frozen. The file is written
    atomically (a temporary file, then renamed).

    Parameters
    ----------
    tables : dict of str to DataFrame
        E.g. from :func:`~geoaccess.equality.eia_tables`; names become sheet names (cut
        to Excel's 31 characters, made unique).
    path : path-like
        The ``.xlsx`` file.

    Returns
    -------
    pathlib.Path
        The ``.xlsx`` file, once written.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> t = {"summary": pd.DataFrame({"scenario": ["A"], "mean_minutes": [12.5]})}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     back = pd.read_excel(to_excel(t, f"{d}/eia.xlsx"), sheet_name=None)
    >>> list(back["summary"].columns)
    ['scenario', 'mean_minutes [minutes]']
    """
    from openpyxl.styles import Alignment, Font

    tables = _check_tables(tables)
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"{path}: an Excel workbook needs the .xlsx suffix", path=path)
    if not path.parent.exists():
        raise InputError(f"{path.parent}: folder not found", path=path)
    names = _sheet_names(list(tables))

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for sheet, (_name, frame) in zip(names, tables.items(), strict=True):
                neutralise_frame(_for_export(frame)).to_excel(
                    writer, sheet_name=sheet, index=False)
                ws = writer.sheets[sheet]
                ws.freeze_panes = "A2"
                for j, col in enumerate(frame.columns, start=1):
                    letter = ws.cell(row=1, column=j).column_letter
                    header = export_header(str(col))
                    ws.cell(row=1, column=j).font = Font(bold=True)
                    fmt = _FORMATS.get(_unit(str(col)) or "")
                    texts = (frame[col].astype(object).astype(str).str.len().fillna(0)
                             if len(frame) else pd.Series([0]))
                    width = min(max(len(header), int(texts.max())) + 2, 60)
                    if col in ("text", "value", "meaning") and width >= 60:
                        width = 110
                        for i in range(2, len(frame) + 2):
                            ws.cell(row=i, column=j).alignment = Alignment(wrap_text=True,
                                                                           vertical="top")
                    ws.column_dimensions[letter].width = max(width, 8)
                    if fmt:
                        for i in range(2, len(frame) + 2):
                            ws.cell(row=i, column=j).number_format = fmt

    atomic_write(path, write)
    log.info("wrote %d tables to %s", len(tables), path)
    return path


def to_csv(tables: Mapping[str, pd.DataFrame], folder: str | os.PathLike[str], *,
           encoding: str = "utf-8-sig") -> dict[str, Path]:
    """Write tables to CSV files in a folder, ``<name>.csv`` each, units in the headers.

    Headers follow :func:`export_header`; values keep full precision (proportions stay
    0-1). The default encoding is UTF-8 with a byte-order mark, so Excel shows "0–4"
    and "©" correctly; pass ``encoding="utf-8"`` for other tools.

    Parameters
    ----------
    tables : dict of str to DataFrame
        E.g. from :func:`~geoaccess.equality.eia_tables`.
    folder : path-like
        Output folder (created if needed).
    encoding : str
        Text encoding.

    Returns
    -------
    dict of str to pathlib.Path
        Table name → file written.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> t = {"summary": pd.DataFrame({"scenario": ["A"], "share_within_15": [0.5]})}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     print(to_csv(t, d)["summary"].read_text(encoding="utf-8-sig"))
    scenario,share_within_15min [proportion]
    A,0.5
    <BLANKLINE>
    """
    tables = _check_tables(tables)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for stem, (name, frame) in zip(_sheet_names(list(tables)), tables.items(), strict=True):
        path = folder / f"{stem}.csv"
        safe = neutralise_frame(_for_export(frame))

        def write(tmp: Path, safe: pd.DataFrame = safe) -> None:
            safe.to_csv(tmp, index=False, encoding=encoding)

        atomic_write(path, write)
        written[name] = path
    log.info("wrote %d tables to %s", len(written), folder)
    return written
