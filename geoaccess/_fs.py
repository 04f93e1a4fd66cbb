"""Files: atomic writes, hashes and spreadsheet-safe tables (one copy for the whole package).

Every file geoaccess writes goes through :func:`atomic_write`: the content is written to a
temporary file created exclusively (``O_CREAT | O_EXCL``, never through an existing link)
beside the target, given the permissions of a normally created file, and renamed over the
target in one step, so a reader sees the old file or the new one, never half of either.

Text that users supply can reach spreadsheets (site and scenario names, area names). A cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice; :func:`neutralise_frame` prefixes such text with ``'`` (the OWASP
rule for CSV injection) while numbers stay numeric.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_text", "neutralise_frame",
           "neutralise_text", "sha256_file", "write_csv", "write_excel", "write_parquet"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` on a fresh temporary file beside ``path``, then rename it to ``path``.

    The temporary file is created exclusively, so a link planted under its name cannot
    redirect the write; it takes the permissions a plain ``open`` would give (0666 less the
    umask); it is removed if ``write`` fails.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        if path.suffix.lower() == ".xlsx":
            _reproducible_xlsx(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


#: The date written into workbooks (and their zip entries), so that the same tables give the
#: same bytes on every run; the time of a run belongs in its run log, not in its tables.
FIXED_DATE = (2000, 1, 1, 0, 0, 0)


def _reproducible_xlsx(path: Path) -> None:
    """Rewrite an .xlsx so that it holds no time of writing (core.xml dates, zip dates)."""
    import re
    import zipfile

    y, mo, d, h, mi, se = FIXED_DATE
    stamp = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{se:02d}Z"
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                              lambda m: m.group(1) + stamp.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def sha256_file(path: str | os.PathLike[str]) -> str | None:
    """The sha256 of a file's bytes, or None for a folder."""
    path = Path(path)
    if path.is_dir():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def neutralise_text(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula.

    Examples
    --------
    >>> neutralise_text('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> neutralise_text(-2.5), neutralise_text("Oakham")
    (-2.5, 'Oakham')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) cannot run as formulas."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(neutralise_text)
        elif isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype(object).map(neutralise_text)
    out.columns = [neutralise_text(c) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index.dtype):
        out.index = out.index.map(neutralise_text)
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], *, index: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV, atomically, with formula-leading text neutralised.

    Lines end in CRLF (RFC 4180), so a text cell holding a lone carriage return is quoted
    rather than read as the end of a row.
    """
    safe = neutralise_frame(frame)
    return atomic_write(path, lambda tmp: safe.to_csv(tmp, index=index, lineterminator="\r\n"))


def write_parquet(frame: pd.DataFrame, path: str | os.PathLike[str], *,
                  index: bool = False) -> Path:
    """Write ``frame`` as Parquet, atomically (values as they are: Parquet runs no formulas)."""
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=index))


def write_excel(path: str | os.PathLike[str], sheets: Mapping[str, pd.DataFrame], *,
                index: bool = False) -> Path:
    """Write ``sheets`` (name → frame) to one ``.xlsx``, atomically, formulas neutralised.

    Text cells are written as text, never as formulas: a leading ``=`` is prefixed with
    ``'``, as for CSV.
    """
    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                neutralise_frame(frame).to_excel(writer, sheet_name=str(name)[:31], index=index)

    return atomic_write(path, write)


# ------------------------------------------------------------------ folders as one set
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange_folders(a: Path, b: Path) -> bool:
    """Swap two folders' names in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the system cannot (other platforms, old kernels, some file
    systems); the caller then falls back to two renames.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - another user's live process
        return True
    return True


def remove_stale(parent: Path, prefix: str) -> list[Path]:
    """Remove folders ``<prefix><pid>-...`` in ``parent`` left by processes that have ended."""
    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    import shutil

    for p in parent.iterdir():
        if not p.name.startswith(prefix) or not p.is_dir() or p.is_symlink():
            continue
        pid_text = p.name[len(prefix):].split("-", 1)[0]
        if pid_text.isdigit() and not _pid_alive(int(pid_text)):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def safe_name(name: str, *, what: str = "output name") -> str:
    """``name`` if it is one plain file name inside a folder, else :class:`InputError`.

    Refuses separators, ``..``, absolute paths, hidden names and control characters, so
    no name a user supplies can write outside the output folder.

    Examples
    --------
    >>> safe_name("networks")
    'networks'
    >>> safe_name("../x")
    Traceback (most recent call last):
    ...
    geoaccess.errors.InputError: output name '../x' must be a plain file name (letters, ...
    """
    from .errors import InputError

    text = str(name)
    bad = (not text or text in (".", "..") or text.startswith(".") or "/" in text
           or "\\" in text or any(ord(ch) < 32 for ch in text) or len(text) > 120
           or os.path.isabs(text))
    if bad:
        raise InputError(f"{what} {text[:60]!r} must be a plain file name (letters, digits, "
                         "'-', '_'), not a path", column=what)
    return text
