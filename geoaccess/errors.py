"""Exceptions that geoaccess raises and users catch.

Every problem with user input is reported as one :class:`InputError` that names the
file, the column and the offending row ids, and says how to fix it.

Examples
--------
>>> from geoaccess.errors import InputError
>>> err = InputError("sites.csv: column 'lat' has values outside -90..90 (rows ['S3'])",
...                  path="sites.csv", column="lat", rows=["S3"])
>>> err.rows
['S3']
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DataWarning", "GeoaccessError", "InputError", "NetworkError", "Problem"]


class GeoaccessError(Exception):
    """Base class of every exception raised by geoaccess."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input table.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    column : str or None
        The column concerned, if any.
    rows : tuple
        Ids (or row numbers when ids are unusable) of the offending rows.
    """

    message: str
    column: str | None = None
    rows: tuple[Any, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        return self.message


class InputError(GeoaccessError, ValueError):
    """Bad user input: a file, a table, a column or some rows.

    Parameters
    ----------
    message : str
        The full, readable message.
    path : str or Path, optional
        The file (or a description such as ``"<GeoDataFrame>"``) the input came from.
    column : str, optional
        The column of the (first) problem.
    rows : sequence, optional
        Ids of the offending rows (all problems together).
    problems : sequence of Problem, optional
        Every problem found, when the validator collected several.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        column: str | None = None,
        rows: Sequence[Any] | None = None,
        problems: Sequence[Problem] | None = None,
    ) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)
        self.column = column
        self.rows = list(rows) if rows is not None else []
        self.problems = list(problems) if problems is not None else []


class NetworkError(GeoaccessError):
    """A network could not be built, read or used (empty, no edges for the mode...)."""


class DataWarning(UserWarning):
    """A run that works but may not mean what it seems.

    For example, a timetable that does not overlap the street network, so that every
    public transport time is a walking time.
    """
