"""National travel times on disk: a long table partitioned by region, read back dense.

A folder written by :func:`~geoaccess.national_travel_times` holds:

- ``times/region=<region>/part-*.parquet``: one row per journey found, ``origin_id``,
  ``area_id``, ``site_id``, ``minutes``, ``reason`` (Hive-partitioned by ``region``, read
  with :mod:`pyarrow.dataset`). An origin with no time at all has one row with no site,
  NaN minutes and the reason, so every origin appears.
- ``origins.parquet``: every row of the run in input order: ``origin_id``, ``area_id``,
  ``region``, ``snap_reason`` (why it could not be placed on the network),
  ``no_time_reason`` (why it has no time at all), its snap (``node_a``, ``node_b``,
  ``fraction``, ``snap_distance_m``, ``x``, ``y``) and, when the rows are origins rather
  than areas, the origins' own columns prefixed ``origin.`` (``origin.weight``...).
- ``sites.parquet``: every site (``site_id``, ``reason``, snap columns).
- ``national.json``: the settings, provenance and measured costs of the run.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._fs import atomic_write_text
from .._validate import show_ids
from ..errors import InputError
from ..matrix import TravelTimes

__all__ = ["NationalTimes"]

log = logging.getLogger(__name__)

#: Settings, provenance and costs of a run.
META = "national.json"
#: Columns describing where a point joins the network.
SNAP_COLUMNS = ("node_a", "node_b", "fraction", "snap_distance_m", "x", "y")
#: Prefix of the origins' own columns (``weight``...) in ``origins.parquet``.
ORIGIN_PREFIX = "origin."
_FORMAT = 1


def _times_schema(minutes_dtype: str) -> Any:
    import pyarrow as pa

    return pa.schema([("origin_id", pa.string()), ("area_id", pa.string()),
                      ("site_id", pa.string()),
                      ("minutes", pa.float32() if minutes_dtype == "float32" else pa.float64()),
                      ("reason", pa.string()), ("region", pa.string())])


def _partitioning() -> Any:
    import pyarrow as pa
    import pyarrow.dataset as ds

    return ds.partitioning(pa.schema([("region", pa.string())]), flavor="hive")


def write_times(folder: str | os.PathLike[str], name: str, frame: pd.DataFrame,
                minutes_dtype: str) -> int:
    """Append long rows to the dataset in ``folder`` (one file per region), named ``name``.

    Returns the number of rows written.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    if not len(frame):
        return 0
    table = pa.Table.from_pandas(frame, schema=_times_schema(minutes_dtype),
                                 preserve_index=False)
    ds.write_dataset(table, str(folder), format="parquet", partitioning=_partitioning(),
                     basename_template=f"{name}-{{i}}.parquet",
                     existing_data_behavior="overwrite_or_ignore",
                     file_options=ds.ParquetFileFormat().make_write_options(
                         compression="zstd"))
    return len(frame)


def write_meta(folder: Path, meta: Mapping[str, Any]) -> Path:
    """Write ``national.json`` (atomically)."""
    return atomic_write_text(folder / META, json.dumps(meta, indent=1, default=str) + "\n")


class NationalTimes:
    """Travel times of a national run, stored long by region; read back dense by region.

    Returned by :func:`~geoaccess.national_travel_times`; :meth:`open` reopens a folder
    it wrote. :meth:`read` gives a dense :class:`~geoaccess.TravelTimes` for one region
    (a local authority, say) for scoring with :func:`~geoaccess.evaluate`; :meth:`long`
    gives the long rows.

    Attributes
    ----------
    path : pathlib.Path
        The folder.
    meta : dict
        Settings (``mode``, ``max_minutes``, ``k_nearest``, ``partition``, ...),
        provenance, and measured costs (``stats``).
    origins : pandas.DataFrame
        Every row of the run (``origin_id``, ``area_id``, ``region``, reasons, snap).
    sites : pandas.DataFrame
        Every site (``site_id``, ``reason``, snap).

    Examples
    --------
    Two sites and three homes on a street of four nodes 100 m apart, each stretch walked
    in 75 s (1.25 minutes), searched up to 3 minutes:

    >>> import numpy as np, geopandas as gpd, tempfile, geoaccess as ga
    >>> x = np.arange(4) * 100.0
    >>> net = ga.Network.from_arcs([0, 1, 2, 1, 2, 3], [1, 2, 3, 0, 1, 2], [75.0] * 6, x,
    ...                            np.zeros(4), crs="EPSG:27700", mode="walk")
    >>> def points(ids, xs, col):
    ...     return gpd.GeoDataFrame({col: ids}, crs="EPSG:27700",
    ...                             geometry=gpd.points_from_xy(xs, [0.0] * len(xs)))
    >>> sites = points(["A", "B"], [0.0, 300.0], "site_id")
    >>> homes = points(["h1", "h2", "h3"], [100.0, 200.0, 300.0], "area_id")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     run = ga.national_travel_times(net, sites, homes, max_minutes=3, out=d + "/t",
    ...                                    progress=False)
    ...     tt = ga.NationalTimes.open(d + "/t").read()
    >>> tt.minutes.to_dict("index")  # h3 to A: 300 m, 3.75 minutes, beyond the bound
    {'h1': {'A': 1.25, 'B': 2.5}, 'h2': {'A': 2.5, 'B': 1.25}, 'h3': {'A': nan, 'B': 0.0}}
    >>> run.regions
    ['all']
    """

    def __init__(self, path: str | os.PathLike[str], meta: Mapping[str, Any],
                 origins: pd.DataFrame, sites: pd.DataFrame) -> None:
        self.path = Path(path)
        self.meta = dict(meta)
        self.origins = origins
        self.sites = sites

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> NationalTimes:
        """Open a folder written by :func:`~geoaccess.national_travel_times`.

        Raises
        ------
        InputError
            If the folder is missing or is not a national travel-time folder.
        """
        path = Path(path)
        meta_file = path / META
        if not meta_file.exists():
            raise InputError(f"{path}: not a national travel-time folder (no {META}); write "
                             "one with geoaccess.national_travel_times", path=path)
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            origins = pd.read_parquet(path / "origins.parquet")
            sites = pd.read_parquet(path / "sites.parquet")
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: unreadable national travel-time folder ({exc})",
                             path=path) from exc
        return cls(path, meta, origins, sites)

    def __repr__(self) -> str:
        k = self.meta.get("k_nearest")
        return (f"NationalTimes(mode={self.meta.get('mode')!r}, origins={len(self.origins):,}, "
                f"sites={len(self.sites):,}, max_minutes={self.meta.get('max_minutes')}, "
                f"k_nearest={k}, regions={len(self.regions):,}, path='{self.path}')")

    @property
    def regions(self) -> list[str]:
        """The regions, in order of first appearance among the origins."""
        return [str(r) for r in pd.unique(self.origins["region"])]

    @property
    def stats(self) -> dict[str, Any]:
        """Measured costs of the run (wall seconds, per-part times, pairs found)."""
        return dict(self.meta.get("stats", {}))

    def _rows(self, region: str | Sequence[str] | None,
              areas: Sequence[str] | None) -> pd.DataFrame:
        rows = self.origins
        if region is not None:
            wanted = [region] if isinstance(region, str) else [str(r) for r in region]
            unknown = sorted(set(wanted) - set(rows["region"]))
            if unknown:
                raise InputError(f"{self.path}: unknown regions {show_ids(unknown)}; regions "
                                 f"are {show_ids(self.regions)}", column="region", rows=unknown)
            rows = rows[rows["region"].isin(wanted)]
        if areas is not None:
            wanted_areas = pd.Index([str(a) for a in areas])
            unknown = wanted_areas.difference(pd.Index(rows["area_id"])).tolist()
            if unknown:
                raise InputError(f"{self.path}: unknown area ids {show_ids(unknown)}",
                                 column="area_id", rows=unknown)
            rows = rows[rows["area_id"].isin(wanted_areas)]
        return rows

    def long(self, region: str | Sequence[str] | None = None, *,
             areas: Sequence[str] | None = None) -> pd.DataFrame:
        """The long rows of some regions and/or areas (default all: mind the size).

        Columns ``origin_id``, ``area_id``, ``site_id``, ``minutes``, ``reason``, ``region``.
        """
        import pyarrow.dataset as ds

        rows = self._rows(region, areas)
        dataset = ds.dataset(str(self.path / "times"), format="parquet",
                             partitioning=_partitioning())
        flt = None
        if region is not None:
            flt = ds.field("region").isin(pd.unique(rows["region"]).tolist())
        if areas is not None:
            by_area = ds.field("area_id").isin(pd.unique(rows["area_id"]).tolist())
            flt = by_area if flt is None else flt & by_area
        table = dataset.to_table(filter=flt)
        frame = table.to_pandas()
        frame["region"] = frame["region"].astype(str)
        return frame

    def read(self, region: str | Sequence[str] | None = None, *,
             areas: Sequence[str] | None = None,
             sites: Sequence[str] | None = None) -> TravelTimes:
        """A dense :class:`~geoaccess.TravelTimes` for one region (or some areas).

        Parameters
        ----------
        region : str or list of str, optional
            Region(s) to read (default every region: mind the size).
        areas : list of str, optional
            Only these areas (of those regions).
        sites : list of str, optional
            The columns, in this order (e.g. the sites a scenario may open). Default: every
            site with at least one time from these rows, in site-table order.

        Returns
        -------
        TravelTimes
            Rows in input order; NaN where no journey was found (beyond ``max_minutes``,
            or not among the ``k_nearest``), with the same reasons as
            :func:`~geoaccess.travel_times` gives.

        Raises
        ------
        InputError
            Unknown regions, areas or sites.
        """
        rows = self._rows(region, areas)
        frame = self.long(region, areas=areas)
        frame = frame[frame["site_id"].notna()]
        all_sites = pd.Index(self.sites["site_id"].astype(str))
        if sites is None:
            present = set(frame["site_id"])
            cols = pd.Index([s for s in all_sites if s in present], name="site_id")
        else:
            cols = pd.Index([str(s) for s in sites], name="site_id")
            unknown = cols.difference(all_sites).tolist()
            if unknown:
                raise InputError(f"{self.path}: unknown site ids {show_ids(unknown)}",
                                 column="site_id", rows=unknown)
        row_ids = pd.Index(rows["origin_id"].astype(str))
        dtype = np.float32 if self.meta.get("minutes_dtype") == "float32" else np.float64
        values = np.full((len(row_ids), len(cols)), np.nan, dtype=dtype)
        r = row_ids.get_indexer(pd.Index(frame["origin_id"]))
        c = cols.get_indexer(pd.Index(frame["site_id"]))
        ok = (r >= 0) & (c >= 0)
        values[r[ok], c[ok]] = frame["minutes"].to_numpy()[ok]
        is_origin = self.meta.get("rows") == "origin"
        minutes = pd.DataFrame(values, index=row_ids.rename("origin_id" if is_origin
                                                            else "area_id"), columns=cols)
        snap_reason = rows["snap_reason"].astype(object).where(rows["snap_reason"].notna(),
                                                               pd.NA)
        site_table = self.sites.set_index(self.sites["site_id"].astype(str)).loc[cols]
        site_reason = site_table["reason"].astype(object).where(site_table["reason"].notna(),
                                                                pd.NA)
        role = "origin" if is_origin else "area"
        snap = pd.concat([
            rows[list(SNAP_COLUMNS)].assign(role=role, id=row_ids.to_numpy()),
            site_table[list(SNAP_COLUMNS)].assign(role="site", id=cols.to_numpy()),
        ], ignore_index=True).set_index(["role", "id"])
        provenance = dict(self.meta.get("provenance", {}))
        provenance["national"] = {"path": str(self.path), "region": region,
                                  "k_nearest": self.meta.get("k_nearest")}
        kwargs: dict[str, Any] = {}
        if is_origin:
            own = [c for c in rows.columns if c.startswith(ORIGIN_PREFIX)]
            table = rows[["area_id", *own]].rename(
                columns={c: c[len(ORIGIN_PREFIX):] for c in own})
            kwargs["origins"] = table.set_index(row_ids.rename("origin_id"))
        return TravelTimes(minutes, mode=str(self.meta.get("mode", "unknown")),
                           area_reason=pd.Series(snap_reason.to_numpy(), index=row_ids,
                                                 dtype="object"),
                           site_reason=pd.Series(site_reason.to_numpy(), index=cols,
                                                 dtype="object"),
                           pair_reason=str(self.meta.get("pair_reason", "")), snap=snap,
                           max_minutes=self.meta.get("max_minutes"), provenance=provenance,
                           **kwargs)

