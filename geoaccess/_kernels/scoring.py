"""The nearest open site of many configurations at once, over per-area site ranks.

The kernels behind :class:`geoaccess.NearestIndex`. The index holds, for every area, the
rank of each site by travel time (``ranks_t``, sites × areas), the k-th smallest minutes
(``sorted_t``) and the k-th nearest site (``site_t``). Under a configuration (a boolean
mask of open sites) an area's nearest open site is its best-ranked open site, so each
configuration is a minimum over small integer ranks followed by a lookup.

Compiled with numba when it is installed (the one policy of :mod:`geoaccess._kernels._numba`);
without numba, :class:`~geoaccess.NearestIndex` uses its numpy code instead (the
``"fallback"`` engine), which gives identical results. The ``*_parallel`` kernels split
the configurations into blocks over numba's threads; the ``*_serial`` ones run on the
calling thread and release the GIL.
"""

from __future__ import annotations

import numpy as np

from ._numba import get_num_threads, njit, prange

__all__ = ["nearest_parallel", "nearest_serial", "score_parallel", "score_serial"]


@njit(nogil=True, cache=True)
def _best_ranks(ranks_t, mask_row, none, best):  # pragma: no cover - compiled
    """Best (smallest) rank of an open site, per area, into ``best``."""
    n_sites, n_areas = ranks_t.shape
    for a in range(n_areas):
        best[a] = none
    for s in range(n_sites):
        if mask_row[s]:
            r = ranks_t[s]
            for a in range(n_areas):
                x = r[a]
                y = best[a]
                best[a] = x if x < y else y


# not cached: numba cannot cache code that calls get_num_threads (a dynamic global)
@njit(nogil=True, cache=False)
def _blocks(n):  # pragma: no cover - compiled
    """Blocks of configurations for the threads (four per thread), and their size."""
    blocks = min(n, 4 * get_num_threads())
    return blocks, (n + blocks - 1) // blocks


@njit(nogil=True, cache=True)
def _nearest_rows(ranks_t, sorted_t, site_t, masks, none, out_min, out_site, want_site,
                  start, stop, best):  # pragma: no cover - compiled
    n_areas = ranks_t.shape[1]
    for c in range(start, stop):
        _best_ranks(ranks_t, masks[c], none, best)
        o = out_min[c]
        for a in range(n_areas):
            o[a] = sorted_t[best[a], a]
        if want_site:
            q = out_site[c]
            for a in range(n_areas):
                q[a] = site_t[best[a], a]


@njit(nogil=True, cache=True)
def nearest_serial(ranks_t, sorted_t, site_t, masks, none, out_min, out_site,
                   want_site):  # pragma: no cover - compiled
    """Minutes to (and column of) the nearest open site, configurations × areas."""
    best = np.empty(ranks_t.shape[1], ranks_t.dtype)
    _nearest_rows(ranks_t, sorted_t, site_t, masks, none, out_min, out_site, want_site,
                  0, masks.shape[0], best)


@njit(parallel=True, nogil=True, cache=False)
def nearest_parallel(ranks_t, sorted_t, site_t, masks, none, out_min, out_site,
                     want_site):  # pragma: no cover - compiled
    """:func:`nearest_serial` with blocks of configurations on numba's threads."""
    n = masks.shape[0]
    blocks, per = _blocks(n)
    for b in prange(blocks):
        best = np.empty(ranks_t.shape[1], ranks_t.dtype)
        _nearest_rows(ranks_t, sorted_t, site_t, masks, none, out_min, out_site,
                      want_site, b * per, min(n, (b + 1) * per), best)


@njit(nogil=True, cache=True)
def _score_rows(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum, out_max,
                start, stop, best):  # pragma: no cover - compiled
    n_areas = ranks_t.shape[1]
    for c in range(start, stop):
        _best_ranks(ranks_t, masks[c], none, best)
        h = out_hist[c]
        ws = out_wsum[c]
        mx = -np.inf
        for a in range(n_areas):
            k = best[a]
            m = sorted_t[k, a]
            lane = a & 7
            h[lane, bucket_t[k, a]] += w[a]
            if m == m:
                ws[lane] += w[a] * m
                if m > mx:
                    mx = m
        out_max[c] = mx if mx > -np.inf else np.nan


@njit(nogil=True, cache=True)
def score_serial(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum,
                 out_max):  # pragma: no cover - compiled
    """Weighted histograms of the nearest minutes (eight interleaved lanes over the
    areas), weighted sums and maxima, per configuration."""
    best = np.empty(ranks_t.shape[1], ranks_t.dtype)
    _score_rows(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum, out_max,
                0, masks.shape[0], best)


@njit(parallel=True, nogil=True, cache=False)
def score_parallel(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum,
                   out_max):  # pragma: no cover - compiled
    """:func:`score_serial` with blocks of configurations on numba's threads."""
    n = masks.shape[0]
    blocks, per = _blocks(n)
    for b in prange(blocks):
        best = np.empty(ranks_t.shape[1], ranks_t.dtype)
        _score_rows(ranks_t, sorted_t, bucket_t, w, masks, none, out_hist, out_wsum,
                    out_max, b * per, min(n, (b + 1) * per), best)
