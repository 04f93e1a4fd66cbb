"""The travel-time matrix: minutes from origins (rows) to sites (columns), used by all scoring.

A row is an area (one point per area) or, when :attr:`TravelTimes.origins` is set, one of
the many weighted origins (homes) of an area; the matrix then also gives the area view
(:attr:`TravelTimes.area_ids`, :meth:`TravelTimes.area_view`) and the demand of each row
(:meth:`TravelTimes.row_weights`).

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
from ._validate import show_ids
from .errors import InputError

__all__ = ["TravelTimes"]

log = logging.getLogger(__name__)

_FORMAT = 2
#: Columns kept per row of the snap table (besides its (role, id) index).
_SNAP_COLUMNS = ("node_a", "node_b", "fraction", "snap_distance_m", "x", "y")


class TravelTimes:
    """A matrix of travel minutes from origins (rows) to sites (columns).

    Use :func:`travel_times` to compute one over a :class:`~geoaccess.Network`,
    :meth:`from_frame` to wrap one computed elsewhere (r5py, a routing server...), or
    :meth:`load` to read one saved with :meth:`save`.

    A row is an area's one origin point, or, when :attr:`origins` is set (a matrix from
    :func:`travel_times` over :func:`~geoaccess.build_origins`), one of the many weighted
    origins (homes) of an area. Scoring functions aggregate rows to areas with the
    origins' weights; :attr:`area_ids` are always the areas.

    Attributes
    ----------
    minutes : pandas.DataFrame
        Minutes, one row per area (index ``area_id``) or per origin (index
        ``origin_id``), one column per ``site_id``; NaN where no time exists (see
        :attr:`reasons`). float64, except origin-level matrices from
        :func:`travel_times`, stored as float32 to halve memory (1M origins × 100 sites
        take 400 MB): float32 keeps 7 significant digits, under 0.01 s for any journey
        shorter than 10 hours.
    origins : pandas.DataFrame or None
        When rows are origins: index ``origin_id`` (the rows, in order), ``area_id``,
        ``weight`` (the origin's share of its area's demand; normalised to sum to 1 per
        area), and the other columns given (apportioned population, ``method``...).
        None when rows are areas.
    area_reason : pandas.Series
        Why a row (an area, or an origin) has no times at all (e.g. it is too far from
        the network), else missing.
    site_reason : pandas.Series
        Why a site has no times at all, else missing.
    snap : pandas.DataFrame
        For each row and site (index ``role`` (``"area"``, ``"origin"`` or ``"site"``),
        ``id``): the network segment's end nodes ``node_a``/``node_b``, ``fraction``
        along it, ``snap_distance_m`` and the point's ``x``/``y`` in the network CRS.
        Empty for matrices from :meth:`from_frame`.
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

    Three homes in two areas: rows are origins, the areas are E1 and E2.

    >>> origins = pd.DataFrame({"area_id": ["E1", "E1", "E2"], "weight": [3.0, 1.0, 1.0]},
    ...                        index=["h1", "h2", "h3"])
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"A": [4.0, 8.0, 10.0]},
    ...                                             index=["h1", "h2", "h3"]), origins=origins)
    >>> list(tt.area_ids), tt.origins.weight.tolist()
    (['E1', 'E2'], [0.75, 0.25, 1.0])
    >>> tt.area_view().minutes.A.tolist()
    [5.0, 10.0]
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
        origins: pd.DataFrame | None = None,
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
        self.origins: pd.DataFrame | None = None
        self._areas = pd.Index(minutes.index, name="area_id")
        self._codes = np.arange(len(minutes.index), dtype=np.int64)
        if origins is not None:
            self.origins, self._areas, self._codes = _check_origins(origins, minutes.index)
            self.minutes = minutes.rename_axis(index="origin_id")

    # ----------------------------------------------------------------- views
    @property
    def area_ids(self) -> pd.Index:
        """Area ids: the rows, or the areas of the origins (in order of first row)."""
        return self._areas

    @property
    def row_ids(self) -> pd.Index:
        """Ids of the rows: areas, or origins when :attr:`origins` is set."""
        return self.minutes.index

    @property
    def row_area_codes(self) -> np.ndarray:
        """Position in :attr:`area_ids` of each row's area (int64, one per row)."""
        return self._codes

    @property
    def site_ids(self) -> pd.Index:
        """Site ids (columns)."""
        return self.minutes.columns

    @property
    def values(self) -> np.ndarray:
        """The minutes as a float64 array (rows × sites; a copy when stored as float32)."""
        return self.minutes.to_numpy(dtype=np.float64)

    def __repr__(self) -> str:
        n_nan = int(self.minutes.isna().to_numpy().sum())
        rows = (f"areas={len(self.area_ids):,}" if self.origins is None
                else f"areas={len(self.area_ids):,}, origins={len(self.row_ids):,}")
        return (f"TravelTimes(mode={self.mode!r}, {rows}, "
                f"sites={len(self.site_ids):,}, missing={n_nan:,})")

    @property
    def reasons(self) -> pd.DataFrame:
        """One row per missing time: ``area_id``, ``site_id`` and ``reason``.

        With origins, also ``origin_id`` (first), ``area_id`` being the origin's area.
        """
        mask = self.minutes.isna().to_numpy()
        rows, cols = np.nonzero(mask)
        ids = self.minutes.index.to_numpy()[rows]
        site = self.minutes.columns.to_numpy()[cols]
        ar = self.area_reason.reindex(self.minutes.index).to_numpy()[rows]
        sr = self.site_reason.reindex(self.minutes.columns).to_numpy()[cols]
        reason = np.where(pd.notna(ar), ar, np.where(pd.notna(sr), sr, self.pair_reason))
        out = {"area_id": ids, "site_id": site, "reason": reason.astype(object)}
        if self.origins is not None:
            out = {"origin_id": ids, "area_id": self._areas.to_numpy()[self._codes[rows]],
                   "site_id": site, "reason": reason.astype(object)}
        return pd.DataFrame(out)

    def row_weights(self, areas: pd.DataFrame | None = None,
                    population: str | None = None) -> pd.Series:
        """Demand of each row: the area's population times the origin's weight.

        The per-row weights that scoring and optimisation need: pass them where a
        function wants one value per matrix row (e.g. an optimiser's demand).

        Parameters
        ----------
        areas : pandas.DataFrame, optional
            Areas with ``area_id`` and the ``population`` column. Without it, rows weigh
            their origin weight (each area counts 1), or the origins' own apportioned
            ``population`` column when one is named.
        population : str, optional
            Population column (default: the first of ``areas.attrs["population"]``;
            none: each area counts 1).

        Returns
        -------
        pandas.Series
            One float per row (index :attr:`row_ids`), named after the population column
            (or ``"weight"``); sums to the areas' total population.

        Raises
        ------
        InputError
            An area of the matrix missing from ``areas``, a missing column, negative or
            missing counts.

        Examples
        --------
        >>> import pandas as pd, geoaccess as ga
        >>> origins = pd.DataFrame({"area_id": ["E1", "E1", "E2"],
        ...                         "weight": [0.75, 0.25, 1.0]}, index=["h1", "h2", "h3"])
        >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"A": [4.0, 8.0, 10.0]},
        ...                                index=["h1", "h2", "h3"]), origins=origins)
        >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [40.0, 10.0]})
        >>> tt.row_weights(areas, "kids").tolist()
        [30.0, 10.0, 10.0]
        """
        share = (self.origins["weight"].to_numpy(np.float64) if self.origins is not None
                 else np.ones(len(self.row_ids)))
        if areas is None:
            if population is None:
                return pd.Series(share, index=self.row_ids, name="weight")
            if self.origins is None or population not in self.origins.columns:
                raise InputError(f"row_weights: population={population!r} needs the areas "
                                 "table (areas=)", column=population)
            values = pd.to_numeric(self.origins[population], errors="coerce")
            return _checked(values.to_numpy(np.float64), self.row_ids, population)
        if "area_id" not in areas.columns:
            raise InputError("row_weights: areas has no 'area_id' column; load them with "
                             "geoaccess.read_areas", column="area_id")
        if population is None:
            listed = list(areas.attrs.get("population", []) or [])
            if not listed:
                return pd.Series(share, index=self.row_ids, name="weight")
            population = str(listed[0])
        if population not in areas.columns:
            raise InputError(f"row_weights: areas has no column {population!r}; columns are "
                             f"{list(areas.columns)}", column=population)
        ids = pd.Index(areas["area_id"].astype(str))
        pos = ids.get_indexer(self._areas)
        if (pos < 0).any():
            missing = self._areas[pos < 0].tolist()
            raise InputError(f"row_weights: areas of the matrix missing from the areas table "
                             f"{show_ids(missing)}", column="area_id", rows=missing)
        per_area = pd.to_numeric(areas[population], errors="coerce").to_numpy(np.float64)
        return _checked(per_area[pos][self._codes] * share, self.row_ids, population)

    def area_view(self) -> TravelTimes:
        """The matrix by area: each area's weighted mean minutes over its origins.

        For each area and site, the mean of the minutes of the area's origins that have
        a time, weighted by the origins' weights (NaN where none has a time). A matrix
        without origins is returned as it is. Note that the mean of an area's times to
        its nearest site is not the nearest of its mean times: score origins with
        :func:`geoaccess.evaluate`, and use this view where one number per area and site
        is wanted (maps, tools that know only areas).

        Returns
        -------
        TravelTimes
            Rows are :attr:`area_ids`.
        """
        if self.origins is None:
            return self
        w = self.origins["weight"].to_numpy(np.float64)
        n = len(self._areas)
        out = np.full((n, len(self.site_ids)), np.nan)
        values = self.minutes.to_numpy()
        for j in range(values.shape[1]):
            col = values[:, j].astype(np.float64)
            has = np.isfinite(col)
            wsum = np.bincount(self._codes, np.where(has, w, 0.0), minlength=n)
            tot = np.bincount(self._codes, np.where(has, w * np.where(has, col, 0.0), 0.0),
                              minlength=n)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, j] = np.where(wsum > 0, tot / wsum, np.nan)
        frame = pd.DataFrame(out, index=self._areas, columns=self.site_ids)
        reason = self.area_reason.reindex(self.row_ids).to_numpy(dtype=object)
        has_reason = pd.notna(reason)
        all_bad = np.bincount(self._codes, ~has_reason, minlength=n) == 0
        area_reason = pd.Series(pd.NA, index=self._areas, dtype="object")
        for a in np.nonzero(all_bad)[0]:
            first = reason[np.argmax(self._codes == a)]
            area_reason.iloc[int(a)] = f"every origin of the area: {first}"
        snap = (self.snap.loc[["site"]] if len(self.snap)
                and "site" in self.snap.index.get_level_values(0) else pd.DataFrame())
        provenance = dict(self.provenance)
        provenance["area_view"] = "weighted mean minutes over the area's origins with a time"
        return TravelTimes(frame, mode=self.mode, area_reason=area_reason,
                           site_reason=self.site_reason, pair_reason=self.pair_reason,
                           snap=snap, max_minutes=self.max_minutes, provenance=provenance)

    def subset(self, sites: list[str] | pd.Index | None = None,
               areas: list[str] | pd.Index | None = None) -> TravelTimes:
        """A matrix restricted to some sites and/or areas (same order as given).

        With origins, ``areas`` keeps every origin of those areas (grouped in that order).
        """
        m = self.minutes
        if sites is not None:
            missing = [s for s in sites if s not in m.columns]
            if missing:
                raise InputError(f"unknown site ids {missing[:10]}", column="site_id",
                                 rows=missing)
            m = m.loc[:, list(sites)]
        origins = self.origins
        if areas is not None:
            wanted = pd.Index([str(a) for a in areas])
            pos = self._areas.get_indexer(wanted)
            if (pos < 0).any():
                missing = wanted[pos < 0].tolist()
                raise InputError(f"unknown area ids {missing[:10]}", column="area_id",
                                 rows=missing)
            if origins is None:
                m = m.loc[list(wanted)]
            else:
                rank = np.full(len(self._areas), -1, dtype=np.int64)
                rank[pos] = np.arange(len(pos))
                row_rank = rank[self._codes]
                keep = np.nonzero(row_rank >= 0)[0]
                keep = keep[np.argsort(row_rank[keep], kind="stable")]
                m = m.iloc[keep]
                origins = origins.iloc[keep]
        return TravelTimes(m.copy(), mode=self.mode,
                           area_reason=self.area_reason.reindex(m.index),
                           site_reason=self.site_reason.reindex(m.columns),
                           pair_reason=self.pair_reason, snap=self.snap,
                           max_minutes=self.max_minutes, provenance=self.provenance,
                           origins=origins)

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
        origins: pd.DataFrame | None = None,
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
        origins : pandas.DataFrame, optional
            When the rows are origins rather than areas: one row per matrix row (index or
            ``origin_id`` column = the row ids) with ``area_id`` and ``weight`` (see
            :attr:`origins`), e.g. from :func:`~geoaccess.build_origins`.

        Returns
        -------
        TravelTimes

        Raises
        ------
        InputError
            On duplicate ids, non-numeric or negative minutes, origins that do not match
            the rows or have bad weights.

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
            # ids are compared as text, as they are stored: 1 and "1" are the same area
            keys = pd.DataFrame({"a": frame[area_id].astype(str),
                                 "s": frame[site_id].astype(str)})
            dup_pairs = keys.duplicated()
            if dup_pairs.any():
                pair_rows = keys.loc[dup_pairs, "a"].tolist()
                mixed = keys.duplicated() & ~frame.duplicated([area_id, site_id])
                hint = (" (some ids differ only in type, such as 1 and '1': ids are text)"
                        if mixed.any() else "")
                raise InputError(f"{where}: {int(dup_pairs.sum())} duplicate area-site pairs"
                                 f"{hint} (areas {pair_rows[:5]})", path=path, column=area_id,
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
                   provenance=dict(provenance or {"source": where}), origins=origins)

    # ---------------------------------------------------------- save / load
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save to one Parquet file (minutes, origins, snaps, reasons, provenance), atomically.

        Minutes keep their dtype (float32 origin-level matrices stay float32); Parquet
        compresses the columns.

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
        m = self.minutes
        cols: dict[str, Any] = {"__row_id__": pa.array(m.index.astype(str).tolist(), pa.string())}
        values = m.to_numpy()
        for i in range(m.shape[1]):
            cols[f"__s{i}"] = pa.array(np.ascontiguousarray(values[:, i]))
        reason = self.area_reason.reindex(m.index)
        cols["__row_reason__"] = pa.array(
            [None if pd.isna(r) else str(r) for r in reason.to_numpy(dtype=object)],
            pa.string())
        row_role, snap_sites = "area", None
        if len(self.snap):
            roles = self.snap.index.get_level_values(0)
            row_role = "origin" if (roles == "origin").any() else "area"
            rows = self.snap.loc[row_role] if (roles == row_role).any() else None
            if rows is not None:
                rows = rows.reindex(m.index.astype(str))
                for c in _SNAP_COLUMNS:
                    cols[f"__snap_{c}"] = pa.array(rows[c].to_numpy(np.float64))
            sites = self.snap[roles == "site"].reset_index()
            snap_sites = json.loads(sites.to_json(orient="split", index=False,
                                                  double_precision=15))
        origin_cols: list[str] = []
        if self.origins is not None:
            for c in self.origins.columns:
                if c == "geometry" or isinstance(self.origins[c].dtype, pd.CategoricalDtype):
                    continue
                origin_cols.append(str(c))
                series = self.origins[c]
                if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(
                        series):
                    cols[f"__o_{c}"] = pa.array(series.to_numpy(np.float64))
                else:
                    cols[f"__o_{c}"] = pa.array([None if pd.isna(v) else str(v)
                                                 for v in series.to_numpy(dtype=object)],
                                                pa.string())
        meta = {
            "format": _FORMAT,
            "mode": self.mode,
            "sites": [str(s) for s in m.columns],
            "max_minutes": self.max_minutes,
            "pair_reason": self.pair_reason,
            "site_reason": _series_json(self.site_reason),
            "row_role": row_role,
            "snap_sites": snap_sites,
            "origins": origin_cols if self.origins is not None else None,
            "provenance": self.provenance,
        }
        table = pa.table(cols).replace_schema_metadata(
            {b"geoaccess": json.dumps(meta, default=str).encode()})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        atomic_write_bytes(path, sink.getvalue().to_pybytes())
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TravelTimes:
        """Read a matrix written by :meth:`save` (this version or the previous format).

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
        if meta.get("format", 1) < 2:
            return _load_v1(table, meta)
        names = set(table.column_names)
        rows = pd.Index(table.column("__row_id__").to_pylist()).astype(str)
        sites = pd.Index(meta["sites"]).astype(str)
        values = (np.column_stack([table.column(f"__s{i}").to_numpy()
                                   for i in range(len(sites))])
                  if len(sites) else np.zeros((len(rows), 0)))
        minutes = pd.DataFrame(values, index=rows, columns=sites)
        minutes.index.name = "area_id"
        minutes.columns.name = "site_id"
        reason = pd.Series(table.column("__row_reason__").to_pylist(), index=rows,
                           dtype="object")
        reason = reason.where(reason.notna(), pd.NA)
        snap = pd.DataFrame()
        parts = []
        if "__snap_node_a" in names:
            parts.append(pd.DataFrame({"role": meta["row_role"], "id": rows.to_numpy()}
                                      | {c: table.column(f"__snap_{c}").to_numpy()
                                         for c in _SNAP_COLUMNS}))
        if meta.get("snap_sites"):
            s = meta["snap_sites"]
            parts.append(pd.DataFrame(s["data"], columns=s["columns"]))
        if parts:
            snap = pd.concat(parts, ignore_index=True).set_index(["role", "id"])
        origins = None
        if meta.get("origins") is not None:
            origins = pd.DataFrame({c: table.column(f"__o_{c}").to_pandas()
                                    for c in meta["origins"]})
            origins.index = rows
        return cls(minutes, mode=meta["mode"], area_reason=reason,
                   site_reason=_series_from_json(meta["site_reason"], minutes.columns),
                   pair_reason=meta["pair_reason"], snap=snap,
                   max_minutes=meta["max_minutes"], provenance=meta["provenance"],
                   origins=origins)


def _load_v1(table: Any, meta: Mapping[str, Any]) -> TravelTimes:
    """A matrix saved by geoaccess 0.1 (format 1: snaps and reasons as JSON)."""
    areas = pd.Index(table.column("__area_id__").to_pylist(), name="area_id").astype(str)
    data = {s: table.column(f"__s{i}").to_numpy() for i, s in enumerate(meta["sites"])}
    minutes = pd.DataFrame(data, index=areas, columns=pd.Index(meta["sites"]).astype(str))
    minutes.columns.name = "site_id"
    snap = pd.DataFrame()
    if meta.get("snap"):
        s = meta["snap"]
        snap = pd.DataFrame(s["data"], columns=s["columns"]).set_index(["role", "id"])
    return TravelTimes(minutes, mode=meta["mode"],
                       area_reason=_series_from_json(meta["area_reason"], minutes.index),
                       site_reason=_series_from_json(meta["site_reason"], minutes.columns),
                       pair_reason=meta["pair_reason"], snap=snap,
                       max_minutes=meta["max_minutes"], provenance=meta["provenance"])


def _check_origins(origins: pd.DataFrame, rows: pd.Index
                   ) -> tuple[pd.DataFrame, pd.Index, np.ndarray]:
    """Validated origins aligned with the rows, weights normalised per area.

    Returns the table, the areas (in order of first row) and each row's area position.
    """
    if not isinstance(origins, pd.DataFrame):
        raise InputError(f"origins: expected a DataFrame, got {type(origins).__name__}",
                         column="origins")
    frame = pd.DataFrame(origins.drop(columns=getattr(origins, "_geometry_column_name",
                                                      None) or [], errors="ignore"))
    if "origin_id" in frame.columns:
        frame = frame.set_index("origin_id")
    frame.index = pd.Index(frame.index.astype(str), name="origin_id")
    missing_cols = [c for c in ("area_id", "weight") if c not in frame.columns]
    if missing_cols:
        raise InputError(f"origins: no {missing_cols[0]!r} column; build them with "
                         "geoaccess.build_origins", column=missing_cols[0])
    row_ids = pd.Index(rows.astype(str))
    if not frame.index.equals(row_ids):
        if frame.index.has_duplicates:
            dup = frame.index[frame.index.duplicated()].unique().tolist()
            raise InputError(f"origins: duplicate origin ids {show_ids(dup)}",
                             column="origin_id", rows=dup)
        pos = frame.index.get_indexer(row_ids)
        if (pos < 0).any():
            lost = row_ids[pos < 0].tolist()
            raise InputError(f"origins: rows of the matrix with no origin {show_ids(lost)}",
                             column="origin_id", rows=lost)
        frame = frame.iloc[pos]
    area = frame["area_id"].astype(str)
    codes, uniques = pd.factorize(area.to_numpy(dtype=object), sort=False)
    w = pd.to_numeric(frame["weight"], errors="coerce").to_numpy(np.float64)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        ids = frame.index[bad].tolist()
        raise InputError(f"origins: column 'weight' has missing or negative values for "
                         f"{show_ids(ids)}", column="weight", rows=ids)
    total = np.bincount(codes, w, minlength=len(uniques))
    if (total <= 0).any():
        empty = [str(a) for a in uniques[total <= 0]]
        raise InputError(f"origins: the weights of areas {show_ids(empty)} sum to 0; give "
                         "each area at least one origin with a weight above 0",
                         column="weight", rows=empty)
    frame = frame.copy()
    frame["area_id"] = area.to_numpy(dtype=object)
    frame["weight"] = w / total[codes]
    frame.index = pd.Index(rows, name="origin_id")
    return frame, pd.Index(uniques, name="area_id").astype(str), codes.astype(np.int64)


def _checked(values: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        rows = index[bad].tolist()
        raise InputError(f"row_weights: column {name!r} has missing or negative values for "
                         f"rows {show_ids(rows)}", column=name, rows=rows)
    return pd.Series(values, index=index, name=name)


def _series_json(s: pd.Series) -> dict[str, str]:
    s = s.dropna()
    return {str(k): str(v) for k, v in s.items()}


def _series_from_json(d: Mapping[str, str], index: pd.Index) -> pd.Series:
    return pd.Series([d.get(str(i), pd.NA) for i in index], index=index, dtype="object")
