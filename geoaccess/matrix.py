"""The travel-time matrix: minutes from areas (rows) to sites (columns), used by all scoring.

This module is deliberately light: it imports numpy, pandas and (to save and load) pyarrow,
never the routing or plotting code, so a process that only scores a saved matrix stays small.
Matrices are computed by :func:`geoaccess.travel_times` (street networks) and
:func:`geoaccess.transit_travel_times` (public transport), wrapped from elsewhere with
:meth:`TravelTimes.from_frame`, or read with :meth:`TravelTimes.load`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._fs import atomic_write_bytes
from .errors import InputError

__all__ = ["TravelTimes"]

log = logging.getLogger(__name__)

_FORMAT = 1


class TravelTimes:
    """A matrix of travel minutes from areas (rows) to sites (columns).

    Use :func:`travel_times` to compute one over a :class:`~geoaccess.Network`,
    :meth:`from_frame` to wrap one computed elsewhere (r5py, a routing server...), or
    :meth:`load` to read one saved with :meth:`save`.

    Attributes
    ----------
    minutes : pandas.DataFrame
        Float minutes, index ``area_id``, one column per ``site_id``; NaN where no time
        exists (see :attr:`reasons`).
    area_reason : pandas.Series
        Why an area has no times at all (e.g. its origin is too far from the network),
        else missing.
    site_reason : pandas.Series
        Why a site has no times at all, else missing.
    snap : pandas.DataFrame
        For each area and site (index ``role``, ``id``): the network segment's end nodes
        ``node_a``/``node_b``, ``fraction`` along it, ``snap_distance_m`` and the point's
        ``x``/``y`` in the network CRS. Empty for matrices from :meth:`from_frame`.
    mode : str
        Travel mode of the matrix.
    max_minutes : float or None
        Search limit used; longer journeys are NaN.
    provenance : dict
        Network provenance plus the snapping and speed settings used.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(
    ...     pd.DataFrame({"A": [5.0, 12.5], "B": [20.0, None]}, index=["E1", "E2"]))
    >>> tt.minutes.loc["E2", "A"]
    np.float64(12.5)
    >>> tt.reasons.reason.iloc[0]
    'no time in the supplied matrix'
    """

    def __init__(
        self,
        minutes: pd.DataFrame,
        *,
        mode: str = "unknown",
        area_reason: pd.Series | None = None,
        site_reason: pd.Series | None = None,
        pair_reason: str = "no route from the area to the site on the network",
        snap: pd.DataFrame | None = None,
        max_minutes: float | None = None,
        provenance: Mapping[str, Any] | None = None,
    ) -> None:
        self.minutes = minutes
        self.mode = mode
        self.area_reason = (area_reason if area_reason is not None
                            else pd.Series(pd.NA, index=minutes.index, dtype="object"))
        self.site_reason = (site_reason if site_reason is not None
                            else pd.Series(pd.NA, index=minutes.columns, dtype="object"))
        self.pair_reason = pair_reason
        self.snap = snap if snap is not None else pd.DataFrame()
        self.max_minutes = max_minutes
        self.provenance = dict(provenance or {})

    # ----------------------------------------------------------------- views
    @property
    def area_ids(self) -> pd.Index:
        """Area ids (rows)."""
        return self.minutes.index

    @property
    def site_ids(self) -> pd.Index:
        """Site ids (columns)."""
        return self.minutes.columns

    @property
    def values(self) -> np.ndarray:
        """The minutes as a float64 array (areas × sites)."""
        return self.minutes.to_numpy(dtype=np.float64)

    def __repr__(self) -> str:
        n_nan = int(self.minutes.isna().to_numpy().sum())
        return (f"TravelTimes(mode={self.mode!r}, areas={len(self.area_ids):,}, "
                f"sites={len(self.site_ids):,}, missing={n_nan:,})")

    @property
    def reasons(self) -> pd.DataFrame:
        """One row per missing time: ``area_id``, ``site_id`` and ``reason``."""
        mask = self.minutes.isna().to_numpy()
        rows, cols = np.nonzero(mask)
        area = self.minutes.index.to_numpy()[rows]
        site = self.minutes.columns.to_numpy()[cols]
        ar = self.area_reason.reindex(self.minutes.index).to_numpy()[rows]
        sr = self.site_reason.reindex(self.minutes.columns).to_numpy()[cols]
        reason = np.where(pd.notna(ar), ar, np.where(pd.notna(sr), sr, self.pair_reason))
        return pd.DataFrame({"area_id": area, "site_id": site, "reason": reason.astype(object)})

    def subset(self, sites: list[str] | pd.Index | None = None,
               areas: list[str] | pd.Index | None = None) -> TravelTimes:
        """A matrix restricted to some sites and/or areas (same order as given)."""
        m = self.minutes
        if sites is not None:
            missing = [s for s in sites if s not in m.columns]
            if missing:
                raise InputError(f"unknown site ids {missing[:10]}", column="site_id",
                                 rows=missing)
            m = m.loc[:, list(sites)]
        if areas is not None:
            missing = [a for a in areas if a not in m.index]
            if missing:
                raise InputError(f"unknown area ids {missing[:10]}", column="area_id",
                                 rows=missing)
            m = m.loc[list(areas)]
        return TravelTimes(m.copy(), mode=self.mode,
                           area_reason=self.area_reason.reindex(m.index),
                           site_reason=self.site_reason.reindex(m.columns),
                           pair_reason=self.pair_reason, snap=self.snap,
                           max_minutes=self.max_minutes, provenance=self.provenance)

    # ---------------------------------------------------------- constructors
    @classmethod
    def from_frame(
        cls,
        minutes: pd.DataFrame,
        *,
        mode: str = "unknown",
        area_id: str | None = None,
        site_id: str | None = None,
        value: str = "minutes",
        provenance: Mapping[str, Any] | None = None,
        path: str | None = None,
    ) -> TravelTimes:
        """Wrap a matrix computed elsewhere, validated like any other input.

        Accepts a wide table (index = area ids, one column per site) or a long one with
        ``area_id``, ``site_id`` and ``value`` columns (as r5py's ``TravelTimeMatrix``
        writes, with ``from_id``/``to_id``/``travel_time``: pass those names).

        Parameters
        ----------
        minutes : pandas.DataFrame
            The matrix, in minutes.
        mode : str
            Travel mode, for reports.
        area_id, site_id : str, optional
            Columns of a long table holding the area and site ids.
        value : str
            Column of a long table holding the minutes.
        provenance : dict, optional
            Where the matrix came from.
        path : str, optional
            Name of the source file, for error messages.

        Returns
        -------
        TravelTimes

        Raises
        ------
        InputError
            On duplicate ids, non-numeric or negative minutes.

        Examples
        --------
        >>> import pandas as pd
        >>> long = pd.DataFrame({"from_id": ["E1", "E1"], "to_id": ["A", "B"],
        ...                      "travel_time": [5, 9]})
        >>> TravelTimes.from_frame(long, area_id="from_id", site_id="to_id",
        ...                        value="travel_time").minutes.shape
        (1, 2)
        """
        where = path or "<matrix>"
        if not isinstance(minutes, pd.DataFrame):
            raise InputError(f"{where}: expected a pandas DataFrame, got "
                             f"{type(minutes).__name__}", path=path)
        frame = minutes
        if area_id is not None or site_id is not None:
            missing = [c for c in (area_id, site_id, value) if c not in frame.columns]
            if missing:
                raise InputError(f"{where}: missing column(s) {missing}; columns are "
                                 f"{list(frame.columns)}", path=path, column=missing[0])
            dup_pairs = frame.duplicated([area_id, site_id])
            if dup_pairs.any():
                pair_rows = frame.loc[dup_pairs, area_id].astype(str).tolist()
                raise InputError(f"{where}: {int(dup_pairs.sum())} duplicate area-site pairs "
                                 f"(areas {pair_rows[:5]})", path=path, column=area_id,
                                 rows=pair_rows)
            vals = pd.to_numeric(frame[value], errors="coerce")
            bad = vals.isna() & frame[value].notna()
            if bad.any():
                rows = frame.loc[bad, area_id].astype(str).tolist()
                raise InputError(f"{where}: column {value!r} has non-numeric values "
                                 f"(areas {rows[:5]})", path=path, column=value, rows=rows)
            frame = (pd.DataFrame({"a": frame[area_id].astype(str),
                                   "s": frame[site_id].astype(str), "v": vals})
                     .pivot(index="a", columns="s", values="v"))
        frame = frame.copy()
        frame.index = frame.index.astype(str)
        frame.columns = frame.columns.astype(str)
        problems: list[tuple[str, list[Any], str]] = []
        for axis, ids in (("area_id", frame.index), ("site_id", frame.columns)):
            dup_ids = ids[ids.duplicated()].unique().tolist()
            if dup_ids:
                problems.append((axis, dup_ids, f"duplicate {axis}s {dup_ids[:5]}"))
        numeric = frame.apply(pd.to_numeric, errors="coerce")
        bad_cells = numeric.isna() & frame.notna()
        if bad_cells.to_numpy().any():
            rows = frame.index[bad_cells.any(axis=1)].tolist()
            cols = frame.columns[bad_cells.any(axis=0)].tolist()
            msg = f"non-numeric minutes in columns {cols[:5]} (areas {rows[:5]})"
            problems.append((cols[0], rows, msg))
        neg = numeric < 0
        if neg.to_numpy().any():
            rows = frame.index[neg.any(axis=1)].tolist()
            cols = frame.columns[neg.any(axis=0)].tolist()
            msg = f"negative minutes in columns {cols[:5]} (areas {rows[:5]})"
            problems.append((cols[0], rows, msg))
        if problems:
            msg = f"{where}: " + "; ".join(p[2] for p in problems)
            raise InputError(msg, path=path, column=problems[0][0],
                             rows=[r for p in problems for r in p[1]])
        numeric = numeric.astype(np.float64)
        numeric.index.name = "area_id"
        numeric.columns.name = "site_id"
        return cls(numeric, mode=mode, pair_reason="no time in the supplied matrix",
                   provenance=dict(provenance or {"source": where}))

    # ---------------------------------------------------------- save / load
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save to one Parquet file (minutes, snaps, reasons, provenance), atomically.

        Parameters
        ----------
        path : path-like
            Target ``.parquet`` file.

        Returns
        -------
        pathlib.Path

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> tt = TravelTimes.from_frame(pd.DataFrame({"A": [1.5]}, index=["E1"]))
        >>> with tempfile.TemporaryDirectory() as d:
        ...     back = TravelTimes.load(tt.save(f"{d}/tt.parquet"))
        >>> back.minutes.equals(tt.minutes)
        True
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = Path(path)
        cols = {"__area_id__": pa.array(self.minutes.index.astype(str).tolist(), pa.string())}
        for i in range(self.minutes.shape[1]):
            cols[f"__s{i}"] = pa.array(self.minutes.iloc[:, i].to_numpy(np.float64))
        snap = self.snap.reset_index() if len(self.snap) else pd.DataFrame()
        meta = {
            "format": _FORMAT,
            "mode": self.mode,
            "sites": [str(s) for s in self.minutes.columns],
            "max_minutes": self.max_minutes,
            "pair_reason": self.pair_reason,
            "area_reason": _series_json(self.area_reason),
            "site_reason": _series_json(self.site_reason),
            "snap": json.loads(snap.to_json(orient="split", index=False, double_precision=15))
            if len(snap) else None,
            "provenance": self.provenance,
        }
        table = pa.table(cols).replace_schema_metadata(
            {b"geoaccess": json.dumps(meta, default=str).encode()})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        atomic_write_bytes(path, sink.getvalue().to_pybytes())
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TravelTimes:
        """Read a matrix written by :meth:`save`.

        Parameters
        ----------
        path : path-like
            The Parquet file.

        Returns
        -------
        TravelTimes
        """
        import pyarrow.parquet as pq

        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: travel-time file not found", path=path)
        try:
            table = pq.read_table(path)
            meta = json.loads(table.schema.metadata[b"geoaccess"])
        except Exception as exc:  # pyarrow raises many types
            raise InputError(f"{path}: not a geoaccess travel-time file ({exc})",
                             path=path) from exc
        areas = pd.Index(table.column("__area_id__").to_pylist(), name="area_id").astype(str)
        data = {s: table.column(f"__s{i}").to_numpy() for i, s in enumerate(meta["sites"])}
        minutes = pd.DataFrame(data, index=areas, columns=pd.Index(meta["sites"]).astype(str))
        minutes.columns.name = "site_id"
        snap = pd.DataFrame()
        if meta.get("snap"):
            s = meta["snap"]
            snap = pd.DataFrame(s["data"], columns=s["columns"]).set_index(["role", "id"])
        return cls(minutes, mode=meta["mode"],
                   area_reason=_series_from_json(meta["area_reason"], minutes.index),
                   site_reason=_series_from_json(meta["site_reason"], minutes.columns),
                   pair_reason=meta["pair_reason"], snap=snap,
                   max_minutes=meta["max_minutes"], provenance=meta["provenance"])


def _series_json(s: pd.Series) -> dict[str, str]:
    s = s.dropna()
    return {str(k): str(v) for k, v in s.items()}


def _series_from_json(d: Mapping[str, str], index: pd.Index) -> pd.Series:
    return pd.Series([d.get(str(i), pd.NA) for i in index], index=index, dtype="object")
