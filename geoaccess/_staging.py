"""An output folder replaced as one set: the old complete set or the new one, never a mix.

A run writes every output into a staging folder beside the output folder (same parent, so
the same file system), with a ``manifest.json`` listing each file and its sha256. Files in
the old folder that geoaccess did not write (a user's notes, a network cache) are carried
over by hard link. Then the two folders swap names in one step (Linux
``renameat2(RENAME_EXCHANGE)``; elsewhere two renames), and the old set is deleted. A run
killed at any point leaves the old folder untouched, or the new one complete; a staging
folder left by a killed run is removed by the next run (its process id is in its name).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._fs import atomic_write_text, exchange_folders, remove_stale, sha256_file

__all__ = ["MANIFEST", "Staging"]

log = logging.getLogger(__name__)

#: The file in every output folder that lists what geoaccess wrote there.
MANIFEST = "manifest.json"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Staging:
    """Write a set of outputs into a staging folder; :meth:`commit` swaps it in as one step."""

    def __init__(self, out: Path, *, about: Mapping[str, Any] | None = None) -> None:
        self.out = Path(os.path.abspath(out))
        self.about = dict(about or {})
        self.dir: Path | None = None
        self.prefix = f".{self.out.name}.geoaccess-staging-"

    def __enter__(self) -> Staging:
        parent = self.out.parent
        parent.mkdir(parents=True, exist_ok=True)
        for p in remove_stale(parent, self.prefix):
            log.info("removed %s, left by a run that was stopped", p)
        self.out.mkdir(exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=f"{self.prefix}{os.getpid()}-", dir=parent))
        os.chmod(self.dir, 0o777 & ~_umask())
        return self

    def _root(self) -> Path:
        if self.dir is None:  # pragma: no cover - used outside the with block
            raise RuntimeError("staging folder used outside its with block")
        return self.dir

    def path(self, name: str) -> Path:
        """A path inside the staging folder (its folders created)."""
        p = self._root() / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def folder(self, name: str) -> Path:
        """A folder inside the staging folder."""
        p = self._root() / name
        p.mkdir(parents=True, exist_ok=True)
        return p

    def _previous(self) -> set[str]:
        try:
            data = json.loads((self.out / MANIFEST).read_text(encoding="utf-8"))
            return {str(f["path"]) for f in data.get("files", [])} | {MANIFEST}
        except (OSError, ValueError, TypeError, AttributeError, KeyError):
            return set()

    def _carry_over(self, new: set[str]) -> None:
        """Hard-link into staging every file of ``out`` geoaccess did not write."""
        ours = self._previous()
        root = self._root()
        for dirpath, dirnames, filenames in os.walk(self.out):
            here = Path(dirpath)
            dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]
            for fname in filenames:
                src = here / fname
                rel = src.relative_to(self.out).as_posix()
                if rel in ours or rel in new:
                    continue
                dst = root / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(src, dst, follow_symlinks=False)
                except OSError:
                    shutil.copy2(src, dst, follow_symlinks=False)

    def commit(self, written: Mapping[str, Path]) -> dict[str, Path]:
        """Write the manifest and swap the staging folder in; returns name → final path."""
        root = self._root()
        rels = {key: Path(p).relative_to(root).as_posix() for key, p in written.items()}
        files = [{"path": rel, "sha256": sha256_file(root / rel)} for rel in sorted(set(
            rels.values()))]
        atomic_write_text(root / MANIFEST, json.dumps(
            {**self.about, "files": files}, indent=1, sort_keys=True, default=str) + "\n")
        self._carry_over(set(rels.values()) | {MANIFEST})
        if not exchange_folders(root, self.out):
            old = self.out.with_name(f"{self.prefix}{os.getpid()}-old")
            os.replace(self.out, old)
            os.replace(root, self.out)
            root.mkdir()  # so that __exit__ removes the old set under one name
            shutil.rmtree(old, ignore_errors=True)
        return {key: self.out / rel for key, rel in rels.items()}

    def __exit__(self, *exc: Any) -> None:
        if self.dir is not None and self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)
