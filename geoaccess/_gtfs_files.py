"""The files of a GTFS feed, in a zip or a folder, read as text tables."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pandas as pd

from .errors import InputError

__all__ = ["FeedFiles"]

log = logging.getLogger("geoaccess.gtfs")


class FeedFiles:
    """Files of a feed in a zip or a folder (also a zip whose files sit in one folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.members: dict[str, str] = {}
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            for p in path.iterdir():
                if p.is_file():
                    self.members[p.name.lower()] = str(p)
        else:
            try:
                self.zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise InputError(f"{path}: not a GTFS zip file ({exc}); give a .zip or a "
                                 "folder of GTFS .txt files", path=path) from exc
            names = [n for n in self.zip.namelist() if not n.endswith("/")]
            for n in names:
                base = n.rsplit("/", 1)[-1].lower()
                if base.endswith(".txt") and (base not in self.members
                                              or n.count("/") < self.members[base].count("/")):
                    self.members[base] = n

    def has(self, name: str) -> bool:
        """Whether the feed has this file (lower-case name, e.g. ``"stops.txt"``)."""
        return name in self.members

    def read(self, name: str) -> pd.DataFrame:
        """One file as text columns (names lower-cased; an empty file, no rows)."""
        member = self.members[name]
        raw = (self.zip.read(member) if self.zip is not None
               else Path(member).read_bytes())
        if not raw.strip():
            return pd.DataFrame()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            log.warning("%s/%s is not UTF-8 (as GTFS requires); read as Latin-1",
                        self.path.name, name)
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            na_filter=False, skipinitialspace=True)
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        return frame

    def close(self) -> None:
        """Close the zip file, if any."""
        if self.zip is not None:
            self.zip.close()
