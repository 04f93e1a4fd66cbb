"""Many configurations at once: the batched fast path of optimisation and scenario search.

:class:`NearestIndex` ranks a travel-time matrix once per area; then the nearest open site
of thousands of configurations (boolean masks of open sites) is array work, compiled with
numba when it is installed (:mod:`geoaccess._kernels.scoring`) or numpy otherwise, with
identical results. :func:`nearest_minutes_many` and :func:`score_many` are the one-call
forms.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .._kernels import check_engine, use_numba
from ..errors import InputError
from ..scenario import Scenario, scenario_masks
from ._common import (
    AreasLike,
    TravelLike,
    area_weights,
    as_thresholds,
    as_travel,
    matrix_arrays,
    open_mask,
)
from .proximity import threshold_label

__all__ = ["NearestIndex", "nearest_minutes_many", "score_many"]

log = logging.getLogger(__name__)

#: Smallest batch (configurations × areas) run on several threads by the numba engine.
_PARALLEL_WORK = 4_000_000
#: Smallest work (bytes of output) for which engine="auto" uses numba.
_NUMBA_WORK = 2_000_000


class NearestIndex:
    """A travel-time matrix ranked per area, for the nearest open site of many configurations.

    Built once from a :class:`~geoaccess.TravelTimes` (an argsort of each area's row),
    it answers "minutes to the nearest open site, for every area, under each of these
    configurations" as array work: for a configuration, each area's nearest open site is
    its best-ranked open site, so the answer is a minimum over small integer ranks
    followed by a lookup. With numba installed (``pip install geoaccess[fast]``) the
    kernels run compiled; without it, numpy gives identical results, more slowly
    (figures in ``benchmarks/scenarios_results.md``). Batches of more than four
    million configuration-areas run on numba's threads; smaller ones run on the
    calling thread and release the GIL, so several Python threads can each evaluate
    their own chunks. For many configurations, pass chunks and a reused ``out`` buffer
    (about 1 MB) and consume each chunk before the next: the per-area minutes then
    stay in cache (see ``benchmarks/bench_scenarios.py``).

    Parameters
    ----------
    tt : TravelTimes or pandas.DataFrame
        The matrix.

    Attributes
    ----------
    area_ids, site_ids : pandas.Index
        Row and column order of every array this index returns or accepts.

    Examples
    --------
    >>> import numpy as np, pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0], "S2": [12.0, 8.0], "S3": [1.0, None]}, index=["E1", "E2"]))
    >>> idx = NearestIndex(tt)
    >>> masks = np.array([[True, True, False], [False, False, True]])
    >>> idx.nearest_minutes(masks)
    array([[ 5.,  8.],
           [ 1., nan]])
    >>> idx.nearest_sites(masks).tolist()
    [[0, 1], [2, -1]]
    """

    def __init__(self, tt: TravelLike) -> None:
        self.travel_times = as_travel(tt)
        values, self.area_ids, self.site_ids = matrix_arrays(self.travel_times)
        n_areas, n_sites = values.shape
        if n_sites >= np.iinfo(np.uint16).max:
            raise InputError(f"too many sites ({n_sites:,}) for NearestIndex (max 65,534)")
        self.rank_dtype = np.uint8 if n_sites < np.iinfo(np.uint8).max else np.uint16
        finite = np.isfinite(values)
        filled = np.where(finite, values, np.inf)
        order = np.argsort(filled, axis=1, kind="stable")             # areas × sites
        n_reach = finite.sum(axis=1)
        rows = np.arange(n_areas)[:, None]
        ranks = np.empty((n_areas, n_sites), dtype=self.rank_dtype)
        ranks[rows, order] = np.arange(n_sites, dtype=self.rank_dtype)[None, :]
        ranks[~finite] = n_sites                                      # never the nearest
        #: rank of each site for each area (sites × areas); ``n_sites`` = no time
        self.ranks_t = np.ascontiguousarray(ranks.T)
        k = np.arange(n_sites + 1)[None, :]
        padded = np.concatenate([np.take_along_axis(filled, order, axis=1),
                                 np.full((n_areas, 1), np.inf)], axis=1)
        valid = k < n_reach[:, None]
        #: k-th smallest minutes of each area ((sites + 1) × areas; NaN past the last)
        self.sorted_t = np.ascontiguousarray(np.where(valid, padded, np.nan).T)
        site_of = np.concatenate([order, np.full((n_areas, 1), -1)], axis=1)
        #: column index of the k-th nearest site ((sites + 1) × areas; -1 past the last)
        self.site_t = np.ascontiguousarray(np.where(valid, site_of, -1).T.astype(np.int32))
        self.none = n_sites

    def __repr__(self) -> str:
        return f"NearestIndex(areas={len(self.area_ids):,}, sites={len(self.site_ids):,})"

    # ---------------------------------------------------------------- inputs
    def masks(self, configurations: Any) -> np.ndarray:
        """Configurations as a C-contiguous boolean matrix (configurations × sites).

        Accepts a boolean array (one row per configuration, columns in
        :attr:`site_ids` order; a single row may be 1-D), a Scenario or a list of them.
        """
        if isinstance(configurations, Scenario):
            configurations = [configurations]
        if isinstance(configurations, (list, tuple)) and configurations and all(
                isinstance(s, Scenario) for s in configurations):
            for s in configurations:
                open_mask(s, self.site_ids, None)
            return scenario_masks(configurations, self.site_ids)
        m = np.asarray(configurations)
        if m.ndim == 1:
            m = m[None, :]
        if m.ndim != 2 or m.shape[1] != len(self.site_ids):
            raise InputError(f"configurations must be a boolean matrix with one column per site "
                             f"({len(self.site_ids)}), got shape {m.shape}")
        if m.dtype != np.bool_:
            if not np.isin(m, (0, 1)).all():
                raise InputError("configurations must hold booleans (or 0/1)")
            m = m.astype(bool)
        return np.ascontiguousarray(m)

    @staticmethod
    def _kernels(engine: str, work: int) -> Any:
        """The compiled kernels, if a checked ``engine`` runs them for this much work.

        None means numpy (the fallback).
        """
        if engine == "fallback" or (engine == "auto" and work < _NUMBA_WORK):
            return None
        if not use_numba("scoring (NearestIndex)"):
            return None
        # imported here, not at the top: it imports numba, which a process that scores a
        # few configurations (geoaccess.evaluate) never loads
        from .._kernels import scoring

        return scoring

    # ------------------------------------------------------------------ fallback
    def _ranks_numpy(self, masks: np.ndarray) -> np.ndarray:
        n = masks.shape[0]
        out = np.empty((n, len(self.area_ids)), dtype=self.rank_dtype)
        chunk = max(1, 2_000_000 // max(1, self.ranks_t.size))
        for i in range(0, n, chunk):
            m = masks[i:i + chunk]
            out[i:i + chunk] = np.where(m[:, :, None], self.ranks_t[None, :, :],
                                        self.rank_dtype(self.none)).min(
                axis=1, initial=self.rank_dtype(self.none))
        return out

    # ---------------------------------------------------------------- public
    def nearest(self, configurations: Any, *, engine: str = "auto",
                out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Minutes to, and column index of, the nearest open site under each configuration.

        Parameters
        ----------
        configurations : bool array (configurations × sites) or list of Scenario
        engine : {"auto", "numba", "fallback"}
            ``"auto"`` uses numba (when installed) for large batches; ``"fallback"`` is
            numpy (``"numpy"`` is its old name, with a FutureWarning).
        out : numpy.ndarray, optional
            Float64 array (configurations × areas) to write the minutes into; reusing
            one avoids allocating (and page-faulting) fresh memory in a loop.

        Returns
        -------
        minutes : numpy.ndarray
            Float64, configurations × areas; NaN where no open site has a time.
        sites : numpy.ndarray
            Int32 column index into :attr:`site_ids` of the nearest open site, -1 if none.
        """
        return self._nearest(configurations, engine=check_engine(engine, what="scoring"),
                             out=out, want_site=True)

    def nearest_minutes(self, configurations: Any, *, engine: str = "auto",
                        out: np.ndarray | None = None) -> np.ndarray:
        """Minutes to the nearest open site (configurations × areas); see :meth:`nearest`."""
        return self._nearest(configurations, engine=check_engine(engine, what="scoring"),
                             out=out, want_site=False)[0]

    def nearest_sites(self, configurations: Any, *, engine: str = "auto") -> np.ndarray:
        """Column index of the nearest open site (configurations × areas), -1 if none."""
        return self._nearest(configurations, engine=check_engine(engine, what="scoring"),
                             out=None, want_site=True)[1]

    def _nearest(self, configurations: Any, *, engine: str, out: np.ndarray | None,
                 want_site: bool) -> tuple[np.ndarray, np.ndarray]:
        masks = self.masks(configurations)
        n, n_areas = masks.shape[0], len(self.area_ids)
        if out is None:
            out = np.empty((n, n_areas), dtype=np.float64)
        elif out.shape != (n, n_areas) or out.dtype != np.float64 or not out.flags.c_contiguous:
            raise InputError(f"out must be a C-contiguous float64 array of shape {(n, n_areas)}")
        sites = np.empty((n, n_areas) if want_site else (0, 0), dtype=np.int32)
        if n == 0:
            return out, sites
        kernels = self._kernels(engine, n * n_areas * 8)
        if kernels is not None:
            # a parallel launch costs tens of microseconds: worth it for big batches only
            run = kernels.nearest_parallel if n * n_areas >= _PARALLEL_WORK \
                else kernels.nearest_serial
            run(self.ranks_t, self.sorted_t, self.site_t, masks, self.rank_dtype(self.none),
                out, sites if want_site else np.empty((1, 1), np.int32), want_site)
            return out, sites
        cols = np.arange(n_areas)
        chunk = max(1, 4_000_000 // max(1, self.ranks_t.size))
        for i in range(0, n, chunk):
            best = self._ranks_numpy(masks[i:i + chunk]).astype(np.intp)
            out[i:i + chunk] = self.sorted_t[best, cols]
            if want_site:
                sites[i:i + chunk] = self.site_t[best, cols]
        return out, sites

    def scores(self, configurations: Any, areas: AreasLike | None = None, *,
               population: str | None = None,
               thresholds: Iterable[float] | float | None = None,
               engine: str = "auto") -> pd.DataFrame:
        """Population-weighted scores of each configuration, without per-area output.

        For each configuration: ``population_reached`` (people with a time to an open
        site), ``mean_minutes`` (population-weighted mean over them, the JTS average
        minimum travel time), ``max_minutes`` (longest time of any area),
        ``population_within_<t>`` and ``share_within_<t>`` (JTS destination indicator,
        denominator = all people). This is what optimisation loops call.

        Sums are taken in one fixed order (eight interleaved lanes over the areas, then
        the lanes in turn) by both engines, so numba and numpy give identical floats.

        Parameters
        ----------
        configurations : bool array (configurations × sites) or list of Scenario
        areas : pandas.DataFrame
            The areas table: ``area_id`` (every area of the matrix) and the population
            column.
        population : str, optional
            The population column (default: the first of ``areas.attrs["population"]``).
            A Series (indexed by ``area_id``) or array of populations, here or in place of
            ``areas``, still works with a FutureWarning.
        thresholds : sequence of float, optional
        engine : {"auto", "numba", "fallback"}
            As in :meth:`nearest`.

        Returns
        -------
        pandas.DataFrame
            One row per configuration.
        """
        engine = check_engine(engine, what="scoring")
        masks = self.masks(configurations)
        w = area_weights(areas, population, self.area_ids, func="NearestIndex.scores")
        thr = as_thresholds(thresholds)
        n, n_areas = masks.shape[0], len(self.area_ids)
        n_buckets = len(thr) + 2                      # <= t0, ..., <= t_last, > t_last, none
        bucket_t = np.searchsorted(np.asarray(thr), np.nan_to_num(self.sorted_t, nan=np.inf),
                                   side="left").astype(np.uint8)
        bucket_t[np.isnan(self.sorted_t)] = n_buckets - 1
        hist = np.zeros((n, 8, n_buckets))
        wsum = np.zeros((n, 8))
        mx = np.empty(n)
        kernels = self._kernels(engine, n * n_areas * 4) if n else None
        if kernels is not None:
            run = kernels.score_parallel if n * n_areas >= _PARALLEL_WORK \
                else kernels.score_serial
            run(self.ranks_t, self.sorted_t, bucket_t, w, masks, self.rank_dtype(self.none),
                hist, wsum, mx)
        elif n:
            pad = (-n_areas) % 8
            wp = np.concatenate([w, np.zeros(pad)]).reshape(-1, 8)
            cols = np.arange(n_areas)
            chunk = max(1, 2_000_000 // max(1, n_areas))
            for i in range(0, n, chunk):
                best = self._ranks_numpy(masks[i:i + chunk]).astype(np.intp)
                m = self.sorted_t[best, cols]
                bk = bucket_t[best, cols]
                with np.errstate(invalid="ignore"):
                    mx[i:i + chunk] = np.fmax.reduce(m, axis=1, initial=-np.inf)
                c = m.shape[0]
                mp = np.concatenate([m, np.full((c, pad), np.nan)], axis=1).reshape(c, -1, 8)
                bp = np.concatenate([bk, np.full((c, pad), n_buckets - 1, np.uint8)],
                                    axis=1).reshape(c, -1, 8)
                h = hist[i:i + chunk]
                ws = wsum[i:i + chunk]
                for r in range(wp.shape[0]):         # sequential over areas, as numba
                    wr, mr, br = wp[r], mp[:, r, :], bp[:, r, :]
                    for b in range(n_buckets):
                        h[:, :, b] += np.where(br == b, wr, 0.0)
                    ws += np.where(mr == mr, wr * mr, 0.0)
            mx[np.isneginf(mx)] = np.nan
        # combine lanes, then buckets, in one fixed order (shared by both engines)
        lanes_h = hist[:, 0, :].copy()
        lanes_w = wsum[:, 0].copy()
        for lane in range(1, 8):
            lanes_h += hist[:, lane, :]
            lanes_w += wsum[:, lane]
        total = float(w.sum())
        cum = np.zeros(n)
        out: dict[str, np.ndarray] = {}
        within = {}
        for b, t in enumerate(thr):
            cum = cum + lanes_h[:, b]
            within[t] = cum.copy()
        reached = cum + lanes_h[:, len(thr)]
        out["population_reached"] = reached
        with np.errstate(invalid="ignore", divide="ignore"):
            out["mean_minutes"] = np.where(reached > 0, lanes_w / reached, np.nan)
        out["max_minutes"] = mx
        for t in thr:
            lab = threshold_label(t)
            out[f"population_within_{lab}"] = within[t]
            out[f"share_within_{lab}"] = within[t] / total if total > 0 else np.full(n, np.nan)
        return pd.DataFrame(out)


def nearest_minutes_many(tt: TravelLike | NearestIndex, masks: Any, *,
                         engine: str = "auto", out: np.ndarray | None = None,
                         return_sites: bool = False) -> Any:
    """Minutes to the nearest open site for many configurations at once (batched fast path).

    Parameters
    ----------
    tt : TravelTimes, DataFrame or NearestIndex
        The matrix; pass a :class:`NearestIndex` to reuse its ranking across calls.
    masks : bool array (configurations × sites) or list of Scenario
        Columns in the matrix's site order; True = open.
    engine : {"auto", "numba", "fallback"}
        numba (optional dependency) or numpy (``"fallback"``); results are identical.
    out : numpy.ndarray, optional
        Preallocated float64 output (configurations × areas) to reuse.
    return_sites : bool
        Also return the column index of the nearest open site (-1 if none).

    Returns
    -------
    numpy.ndarray or (numpy.ndarray, numpy.ndarray)
        Float64 minutes (configurations × areas; NaN = no open site reachable), and the
        site indices when ``return_sites``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                             index=["E1", "E2"]))
    >>> nearest_minutes_many(tt, np.array([[True, False], [True, True]]))
    array([[ 5., 25.],
           [ 5.,  8.]])
    """
    engine = check_engine(engine, what="scoring")
    index = tt if isinstance(tt, NearestIndex) else NearestIndex(tt)
    minutes, sites = index._nearest(masks, engine=engine, out=out, want_site=return_sites)
    return (minutes, sites) if return_sites else minutes


def score_many(tt: TravelLike | NearestIndex, masks: Any, areas: AreasLike | None = None, *,
               population: str | None = None,
               thresholds: Iterable[float] | float | None = None,
               engine: str = "auto") -> pd.DataFrame:
    """Population-weighted scores of many configurations (see :meth:`NearestIndex.scores`).

    Parameters
    ----------
    tt : TravelTimes, DataFrame or NearestIndex
        The matrix.
    masks : bool array (configurations × sites) or list of Scenario
    areas : pandas.DataFrame
        The areas table: ``area_id`` and the population column.
    population : str, optional
        The population column (a Series or array still works, with a FutureWarning).
    thresholds : sequence of float, optional
    engine : {"auto", "numba", "fallback"}

    Returns
    -------
    pandas.DataFrame
        One row per configuration (see :meth:`NearestIndex.scores`).

    Examples
    --------
    Two areas (100 and 300 children), two configurations::

        only S1 open: minutes 5 and 25 -> mean (500 + 7500) / 400 = 20; 100 within 10
        both open:    minutes 5 and 8  -> mean (500 + 2400) / 400 = 7.25; 400 within 10

    >>> import numpy as np, pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                             index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "children": [100, 300]})
    >>> s = score_many(tt, np.array([[True, False], [True, True]]), areas,
    ...                population="children", thresholds=[10])
    >>> s[["mean_minutes", "population_within_10"]].to_dict("list")
    {'mean_minutes': [20.0, 7.25], 'population_within_10': [100.0, 400.0]}
    """
    engine = check_engine(engine, what="scoring")
    index = tt if isinstance(tt, NearestIndex) else NearestIndex(tt)
    return index.scores(masks, areas, population=population, thresholds=thresholds,
                        engine=engine)
