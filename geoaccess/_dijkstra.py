"""Shortest travel times over CSR arrays: the engine behind every travel-time matrix.

Two engines compute the same thing:

- ``"numba"``: Dijkstra compiled with numba over the CSR arrays, one search per source,
  sources spread over all cores (``prange``, one source per task so that short and long
  searches balance). The priority queue is a binary heap of ``(seconds, node)`` entries in
  flat arrays with lazy deletion (a node may be queued more than once; stale entries are
  skipped when popped), which keeps the keys contiguous instead of chasing
  ``dist[heap[i]]`` through memory. Compiled code is cached on disk (``cache=True``), so
  only the first use on a machine pays the compilation (a few seconds).
- ``"scipy"``: :func:`scipy.sparse.csgraph.dijkstra`, used when numba is not installed.

``"auto"`` picks numba when it imports, else scipy (logged once at INFO level).

Both engines add arc seconds along the path in path order in float64, as scipy and
networkx do, so results agree with them to rounding (far below 1e-6 minutes). As in
scipy, a node more than ``limit`` seconds from a source is unreachable from it (``inf``);
a node exactly ``limit`` away is kept.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import numpy as np

try:  # numba is optional (geoaccess[fast])
    import numba as _nb
except ImportError as _exc:  # pragma: no cover - depends on the environment
    _nb = None
    _NUMBA_MISSING = str(_exc)
else:
    _NUMBA_MISSING = ""

__all__ = ["ENGINES", "available_engines", "many_to_all", "nearest_source", "resolve_engine"]

log = logging.getLogger(__name__)

Engine = Literal["auto", "numba", "scipy"]
ENGINES = ("auto", "numba", "scipy")
_warned = False


def available_engines() -> tuple[str, ...]:
    """Engines usable in this environment, fastest first."""
    return ("numba", "scipy") if _nb is not None else ("scipy",)


def resolve_engine(engine: str) -> str:
    """The concrete engine (``"numba"`` or ``"scipy"``) that ``engine`` stands for."""
    global _warned
    if engine not in ENGINES:
        raise ValueError(f"unknown shortest-path engine {engine!r}; use one of {ENGINES}")
    if engine == "scipy":
        return "scipy"
    if _nb is None:
        if not _warned:
            _warned = True
            log.info("numba is not available (%s); shortest paths use scipy.sparse.csgraph. "
                     "Install geoaccess[fast] for the faster parallel engine.", _NUMBA_MISSING)
        return "scipy"
    return "numba"


# ----------------------------------------------------------------- numba kernels
# The queue is an array of buckets, each a doubly linked list of nodes (``prv``/``nxt``);
# ``slot[v]`` is the bucket holding v, or -1. Bucket k holds nodes whose tentative time t
# has floor(t / delta) == k (circularly, modulo ``nbk``, which exceeds the longest arc over
# delta so that live buckets never collide). Nodes of the current bucket are scanned in any
# order and a node improved again while its bucket is being scanned is simply scanned
# again (label-correcting within a bucket), so the result is exact for any delta: when
# bucket k empties, no node left can be improved by a path through bucket k.
if _nb is not None:

    @_nb.njit(cache=True, nogil=True, inline="always")
    def _unlink(v, s, head, prv, nxt):  # pragma: no cover
        p = prv[v]
        q = nxt[v]
        if p != -1:
            nxt[p] = q
        else:
            head[s] = q
        if q != -1:
            prv[q] = p

    @_nb.njit(cache=True, nogil=True, inline="always")
    def _link(v, s, head, prv, nxt, slot):  # pragma: no cover
        q = head[s]
        nxt[v] = q
        prv[v] = -1
        if q != -1:
            prv[q] = v
        head[s] = v
        slot[v] = s

    @_nb.njit(cache=True, nogil=True)
    def _sssp(indptr, indices, w, source, limit, delta, nbk, dist):  # pragma: no cover
        """Single-source search into ``dist`` (pre-filled with inf)."""
        n = len(dist)
        head = np.full(nbk, -1, dtype=indices.dtype)
        prv = np.empty(n, dtype=indices.dtype)
        nxt = np.empty(n, dtype=indices.dtype)
        slot = np.full(n, -1, dtype=np.int32)
        inv = 1.0 / delta
        dist[source] = 0.0
        _link(source, 0, head, prv, nxt, slot)
        queued = 1
        k = 0
        while queued > 0:
            b = k % nbk
            while head[b] != -1:
                u = head[b]
                _unlink(u, b, head, prv, nxt)
                slot[u] = -1
                queued -= 1
                d = dist[u]
                for a in range(indptr[u], indptr[u + 1]):
                    v = indices[a]
                    nd = d + w[a]
                    if nd < dist[v] and nd <= limit:
                        dist[v] = nd
                        s = slot[v]
                        if s != -1:
                            _unlink(v, s, head, prv, nxt)
                        else:
                            queued += 1
                        _link(v, np.int64(nd * inv) % nbk, head, prv, nxt, slot)
            k += 1

    @_nb.njit(cache=True, parallel=True)
    def _many_to_all_nb(indptr, indices, w, sources, limit, delta, nbk):  # pragma: no cover
        k = len(sources)
        n = len(indptr) - 1
        out = np.empty((k, n), dtype=np.float64)
        for i in _nb.prange(k):
            row = out[i]
            row[:] = np.inf
            _sssp(indptr, indices, w, sources[i], limit, delta, nbk, row)
        return out

    @_nb.njit(cache=True, nogil=True)
    def _nearest_nb(indptr, indices, w, sources, limit, delta, nbk):  # pragma: no cover
        """Multi-source search on lexicographic labels (seconds, source position).

        A node's label improves when it gets a shorter time, or the same time from a
        lower source position; the search converges to each node's smallest time and,
        among exact ties, the lowest position.
        """
        n = len(indptr) - 1
        dist = np.full(n, np.inf)
        lab = np.full(n, -1, dtype=np.int64)
        head = np.full(nbk, -1, dtype=indices.dtype)
        prv = np.empty(n, dtype=indices.dtype)
        nxt = np.empty(n, dtype=indices.dtype)
        slot = np.full(n, -1, dtype=np.int32)
        inv = 1.0 / delta
        queued = 0
        for j in range(len(sources)):
            s = sources[j]
            if lab[s] >= 0:  # a repeated source node keeps its first position
                continue
            dist[s] = 0.0
            lab[s] = j
            _link(s, 0, head, prv, nxt, slot)
            queued += 1
        k = 0
        while queued > 0:
            b = k % nbk
            while head[b] != -1:
                u = head[b]
                _unlink(u, b, head, prv, nxt)
                slot[u] = -1
                queued -= 1
                d = dist[u]
                lu = lab[u]
                for a in range(indptr[u], indptr[u + 1]):
                    v = indices[a]
                    nd = d + w[a]
                    if nd <= limit and (nd < dist[v] or (nd == dist[v] and lu < lab[v])):
                        dist[v] = nd
                        lab[v] = lu
                        s = slot[v]
                        if s != -1:
                            _unlink(v, s, head, prv, nxt)
                        else:
                            queued += 1
                        _link(v, np.int64(nd * inv) % nbk, head, prv, nxt, slot)
            k += 1
        return dist, lab


def _buckets(seconds: np.ndarray) -> tuple[float, int]:
    """Bucket width (seconds) and bucket count for a graph's arc times.

    Half the median arc time: measured on Rutland's walk and drive networks and on
    synthetic grids, any width from an eighth to four times the median runs within 15%
    of the best, so the rule is not critical. The count covers the longest finite arc.
    """
    finite = seconds[np.isfinite(seconds)]
    if len(finite) == 0:
        return 1.0, 2
    sample = finite[:: max(1, len(finite) // 20_000)]
    positive = sample[sample > 0]
    delta = float(np.median(positive)) / 2 if len(positive) else 1.0
    longest = float(finite.max())
    delta = max(delta, longest / _MAX_BUCKETS, 1e-9)
    return delta, int(longest / delta) + 2


_MAX_BUCKETS = 1 << 20


# ------------------------------------------------------------------ public calls
def _prepare(indptr: Any, indices: Any, seconds: Any, sources: Any, limit: float):
    indptr = np.asarray(indptr)
    indices = np.asarray(indices)
    seconds = np.ascontiguousarray(seconds, dtype=np.float64)
    n = len(indptr) - 1
    if n < 0 or len(indices) != len(seconds) or indptr[-1] != len(indices):
        raise ValueError("inconsistent CSR arrays: len(indices) and len(seconds) must equal "
                         "indptr[-1]")
    if len(seconds) and not seconds.min() >= 0:  # also catches NaN
        raise ValueError("arc seconds must be non-negative numbers (no NaN)")
    if indices.dtype not in (np.int32, np.int64):
        indices = indices.astype(np.int32 if n < 2**31 - 1 else np.int64)
    indices = np.ascontiguousarray(indices)
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
    src = np.asarray(sources)
    if src.ndim == 0:
        src = src.reshape(1)
    if src.ndim != 1 or (len(src) and not np.issubdtype(src.dtype, np.integer)):
        raise ValueError("sources must be a 1-d array of node indices")
    src = np.ascontiguousarray(src, dtype=np.int64)
    if len(src) and (src.min() < 0 or src.max() >= n):
        bad = src[(src < 0) | (src >= n)]
        raise ValueError(f"source node indices out of range 0..{n - 1}: {bad[:5].tolist()}")
    limit = float(limit)
    if not limit >= 0:
        raise ValueError(f"limit must be >= 0 seconds, got {limit}")
    return indptr, indices, seconds, src, n, limit


def _scipy_matrix(indptr, indices, seconds, n):
    import scipy.sparse as sp

    return sp.csr_matrix((seconds, indices, indptr), shape=(n, n))


def many_to_all(
    indptr: np.ndarray,
    indices: np.ndarray,
    seconds: np.ndarray,
    sources: Any,
    *,
    limit: float = np.inf,
    engine: Engine = "auto",
) -> np.ndarray:
    """Seconds from each source to every node.

    Parameters
    ----------
    indptr, indices, seconds : numpy.ndarray
        CSR arrays of the directed graph: the arcs of node ``i`` go to
        ``indices[indptr[i]:indptr[i+1]]`` and take ``seconds[...]``.
    sources : array of int
        Source node indices (repeats allowed).
    limit : float
        Stop searching beyond this many seconds; further nodes are ``inf``.
    engine : {"auto", "numba", "scipy"}
        Which implementation to use; ``"auto"`` is numba when installed.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(len(sources), n)``; ``inf`` where unreachable.

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices = np.array([0, 1, 2, 2]), np.array([1, 2])
    >>> many_to_all(indptr, indices, np.array([60.0, 30.0]), [0, 2])
    array([[ 0., 60., 90.],
           [inf, inf,  0.]])
    """
    indptr, indices, seconds, src, n, limit = _prepare(indptr, indices, seconds, sources, limit)
    if len(src) == 0:
        return np.empty((0, n), dtype=np.float64)
    if resolve_engine(engine) == "numba":
        delta, nbk = _buckets(seconds)
        old = _nb.set_parallel_chunksize(1)  # type: ignore[union-attr]
        try:
            return _many_to_all_nb(indptr, indices, seconds, src, limit, delta, nbk)
        finally:
            _nb.set_parallel_chunksize(old)  # type: ignore[union-attr]
    from scipy.sparse.csgraph import dijkstra

    graph = _scipy_matrix(indptr, indices, seconds, n)
    dist = dijkstra(graph, directed=True, indices=src, limit=limit)
    return np.asarray(dist, dtype=np.float64).reshape(len(src), n)


def nearest_source(
    indptr: np.ndarray,
    indices: np.ndarray,
    seconds: np.ndarray,
    sources: Any,
    *,
    limit: float = np.inf,
    engine: Engine = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """Each node's time from its nearest source, and which source that is.

    One multi-source search: every source starts at zero seconds.

    Parameters
    ----------
    indptr, indices, seconds : numpy.ndarray
        CSR arrays of the directed graph.
    sources : array of int
        Source node indices.
    limit : float
        Stop searching beyond this many seconds.
    engine : {"auto", "numba", "scipy"}
        Which implementation to use; ``"auto"`` is numba when installed.

    Returns
    -------
    dist : numpy.ndarray
        float64 seconds from the nearest source, ``inf`` where none is within reach.
    source_index : numpy.ndarray
        int64 position in ``sources`` of that source, ``-1`` where unreachable. A repeated
        source node maps to its first position. Where two sources tie exactly, the numba
        engine returns the lower position; scipy returns one of them.

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices = np.array([0, 1, 2, 3, 3]), np.array([1, 2, 3])
    >>> dist, which = nearest_source(indptr, indices, np.array([10.0, 10.0, 10.0]), [0, 2])
    >>> dist.tolist(), which.tolist()
    ([0.0, 10.0, 0.0, 10.0], [0, 0, 1, 1])
    """
    indptr, indices, seconds, src, n, limit = _prepare(indptr, indices, seconds, sources, limit)
    if len(src) == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    if resolve_engine(engine) == "numba":
        delta, nbk = _buckets(seconds)
        dist, lab = _nearest_nb(indptr, indices, seconds, src, limit, delta, nbk)
        return dist, lab
    from scipy.sparse.csgraph import dijkstra

    graph = _scipy_matrix(indptr, indices, seconds, n)
    dist, _, origin = dijkstra(graph, directed=True, indices=src, limit=limit, min_only=True,
                               return_predecessors=True)
    first = np.full(n, -1, dtype=np.int64)  # position of each source node in `sources`
    nodes, pos = np.unique(src, return_index=True)
    first[nodes] = pos
    which = np.where(origin >= 0, first[np.maximum(origin, 0)], -1).astype(np.int64)
    return np.asarray(dist, dtype=np.float64), which
