"""Shortest travel times over CSR arrays: the one routing core of geoaccess.

:func:`many_to_all` serves the travel-time matrix (:func:`geoaccess.travel_times`), service
areas and the walking legs of public transport journeys. A search that starts from a point
on a street segment (or from several nodes, each with its own start cost) starts from a
virtual node joined to those nodes by arcs of the start costs
(:func:`with_virtual_sources`).

Two engines compute the same thing:

- ``"numba"`` (compiled with numba; one search per source, on a pool of as many threads
  as ``numba.get_num_threads()``, since the compiled code releases the GIL):

  1. *Chain contraction.* Unsimplified OpenStreetMap networks are mostly chains: about
     80% of the nodes of Rutland's walk and drive networks have exactly two neighbours
     (shape points along a street). Every maximal chain between two "core" nodes
     (junctions, dead ends) is replaced by at most two arcs (one per direction, when
     every segment allows it), leaving a core graph about a fifth of the size. The
     contraction is computed once per graph and kept (weakly) for later calls on the
     same arrays.
  2. *Search.* Dijkstra on the core graph with a bucket queue: a circular array of
     buckets ``delta`` seconds wide, each a linked list of ``(node, seconds)`` entries
     drawn from a pool that reuses freed entries first (lazy deletion: a node improved
     while queued is queued again, and the stale entry is skipped). Entries of one bucket
     are taken in any order and a node improved again while its bucket is scanned is
     scanned again (label-correcting within a bucket), so the result is exact for any
     ``delta``.
  3. *Fill.* Times of chain nodes follow in one linear pass: along each chain from
     either end, in path order. A source inside a chain starts the core search from the
     chain's ends, and its own chain is relaxed from it directly.

  Compiled code is cached on disk (``cache=True``): only the first use on a machine pays
  the compilation (about ten seconds); later processes load it in a fraction of a second.
- ``"fallback"``: :func:`scipy.sparse.csgraph.dijkstra`, used when numba is not installed
  (``"scipy"`` is its old name).

``"auto"`` picks numba when it imports, else the fallback (logged once at INFO level).

Times are sums of arc seconds in float64 along the path. The numba engine adds a
contracted chain's seconds before adding them to a core node's time, so its times can
differ from scipy's and networkx's in the last bits (around 1e-12 seconds), far below
1e-6 minutes. As in scipy, a node more than ``limit`` seconds from a source is
unreachable from it (``inf``); a node exactly ``limit`` away is kept.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from .. import _csr
from . import _numba, check_engine, use_numba
from ._numba import get_num_threads, njit

__all__ = ["available_engines", "many_to_all", "resolve_engine", "with_virtual_sources"]

log = logging.getLogger(__name__)


def available_engines() -> tuple[str, ...]:
    """Engines usable in this environment, fastest first."""
    return ("numba", "fallback") if _numba.HAVE_NUMBA else ("fallback",)


def resolve_engine(engine: str) -> str:
    """The concrete engine (``"numba"`` or ``"fallback"``) that ``engine`` stands for.

    ``"auto"`` and ``"numba"`` are numba when it is installed, else the fallback (scipy),
    logged once at INFO level; ``"scipy"`` is the old name of ``"fallback"``.
    """
    engine = check_engine(engine, what="shortest-path")
    if engine != "fallback" and use_numba("shortest-path search (scipy.sparse.csgraph)"):
        return "numba"
    return "fallback"


# ----------------------------------------------------------------- numba kernels
@njit(cache=True, nogil=True)
def _arc(indptr, indices, w, p, q):  # pragma: no cover
    """Seconds of the fastest arc p -> q, inf if there is none."""
    best = np.inf
    for a in range(indptr[p], indptr[p + 1]):
        if indices[a] == q and w[a] < best:
            best = w[a]
    return best

@njit(cache=True, nogil=True)
def _contract(indptr, indices, w):  # pragma: no cover
    """Core graph and chains of a directed graph (see the module docstring).

    A node is a chain node if it has exactly two distinct neighbours (by arcs in
    either direction, self-loops ignored); every other node is core. A cycle made of
    chain nodes only gets one of them promoted to core. Chain i runs from core node
    ``ch_c[i]`` through ``ch_nodes[ch_ptr[i]:ch_ptr[i+1]]`` to core node ``ch_d[i]``;
    its segment j (j = 0..k) goes from its j-th to its (j+1)-th node counting the
    end nodes, with seconds ``seg_fw[ch_ptr[i] + i + j]`` forwards and ``seg_bw[...]``
    backwards (inf where there is no such arc).
    """
    n = len(indptr) - 1
    m = len(indices)
    rptr = np.zeros(n + 1, dtype=np.int64)  # in-arcs, to see neighbours both ways
    for a in range(m):
        rptr[indices[a] + 1] += 1
    for v in range(n):
        rptr[v + 1] += rptr[v]
    fill = rptr[:-1].copy()
    rsrc = np.empty(m, dtype=indices.dtype)
    for u in range(n):
        for a in range(indptr[u], indptr[u + 1]):
            v = indices[a]
            rsrc[fill[v]] = u
            fill[v] += 1
    nb1 = np.full(n, -1, dtype=indices.dtype)
    nb2 = np.full(n, -1, dtype=indices.dtype)
    core = np.ones(n, dtype=np.bool_)
    n_chain = 0
    for v in range(n):
        if (indptr[v + 1] - indptr[v]) + (rptr[v + 1] - rptr[v]) > 8:
            continue  # surely more than two neighbours (being core is always safe)
        x1 = -1
        x2 = -1
        ok = True
        for t in range(2):
            lo = indptr[v] if t == 0 else rptr[v]
            hi = indptr[v + 1] if t == 0 else rptr[v + 1]
            for e in range(lo, hi):
                x = indices[e] if t == 0 else rsrc[e]
                if x == v or x == x1 or x == x2:
                    continue
                if x1 == -1:
                    x1 = x
                elif x2 == -1:
                    x2 = x
                else:
                    ok = False
                    break
            if not ok:
                break
        if ok and x2 != -1:
            core[v] = False
            nb1[v] = x1
            nb2[v] = x2
            n_chain += 1
    ch_c = np.empty(n_chain, dtype=indices.dtype)
    ch_d = np.empty(n_chain, dtype=indices.dtype)
    ch_ptr = np.zeros(n_chain + 1, dtype=np.int64)
    ch_nodes = np.empty(n_chain, dtype=indices.dtype)
    seg_fw = np.empty(2 * n_chain, dtype=np.float64)
    seg_bw = np.empty(2 * n_chain, dtype=np.float64)
    chain_of = np.full(n, -1, dtype=indices.dtype)
    flat = np.full(n, -1, dtype=indices.dtype)
    nch = 0
    pos = 0
    spos = 0
    for phase in range(2):
        for c in range(n):
            if phase == 0 and not core[c]:
                continue
            if phase == 1:
                if core[c] or chain_of[c] >= 0:
                    continue
                core[c] = True  # a cycle of chain nodes only: cut it here
            for t in range(2):
                lo = indptr[c] if t == 0 else rptr[c]
                hi = indptr[c + 1] if t == 0 else rptr[c + 1]
                for e in range(lo, hi):
                    x = indices[e] if t == 0 else rsrc[e]
                    if core[x] or chain_of[x] >= 0:
                        continue
                    ch_c[nch] = c
                    prev = c
                    cur = x
                    while not core[cur]:
                        chain_of[cur] = nch
                        flat[cur] = pos
                        ch_nodes[pos] = cur
                        pos += 1
                        seg_fw[spos] = _arc(indptr, indices, w, prev, cur)
                        seg_bw[spos] = _arc(indptr, indices, w, cur, prev)
                        spos += 1
                        nxt = nb1[cur] if nb1[cur] != prev else nb2[cur]
                        prev = cur
                        cur = nxt
                    seg_fw[spos] = _arc(indptr, indices, w, prev, cur)
                    seg_bw[spos] = _arc(indptr, indices, w, cur, prev)
                    spos += 1
                    ch_d[nch] = cur
                    nch += 1
                    ch_ptr[nch] = pos
    cid = np.full(n, -1, dtype=indices.dtype)
    nc = 0
    for v in range(n):
        if core[v]:
            cid[v] = nc
            nc += 1
    core_nodes = np.empty(nc, dtype=indices.dtype)
    for v in range(n):
        if core[v]:
            core_nodes[cid[v]] = v
    wf = np.empty(nch)  # whole-chain seconds, in path order
    wb = np.empty(nch)
    for i in range(nch):
        s0 = ch_ptr[i] + i
        s1 = ch_ptr[i + 1] + i + 1
        f = 0.0
        for j in range(s0, s1):
            f += seg_fw[j]
        b = 0.0
        for j in range(s1 - 1, s0 - 1, -1):
            b += seg_bw[j]
        wf[i] = f
        wb[i] = b
    cnt = np.zeros(nc + 1, dtype=np.int64)
    for u in range(n):
        if core[u]:
            for a in range(indptr[u], indptr[u + 1]):
                v = indices[a]
                if core[v] and v != u:
                    cnt[cid[u] + 1] += 1
    for i in range(nch):
        if ch_c[i] != ch_d[i]:
            if wf[i] < np.inf:
                cnt[cid[ch_c[i]] + 1] += 1
            if wb[i] < np.inf:
                cnt[cid[ch_d[i]] + 1] += 1
    for i in range(nc):
        cnt[i + 1] += cnt[i]
    cptr = cnt.copy()
    fp = cnt[:-1].copy()
    cidx = np.empty(cnt[nc], dtype=indices.dtype)
    cw = np.empty(cnt[nc], dtype=np.float64)
    for u in range(n):
        if core[u]:
            cu = cid[u]
            for a in range(indptr[u], indptr[u + 1]):
                v = indices[a]
                if core[v] and v != u:
                    cidx[fp[cu]] = cid[v]
                    cw[fp[cu]] = w[a]
                    fp[cu] += 1
    for i in range(nch):
        c = cid[ch_c[i]]
        d = cid[ch_d[i]]
        if c != d:
            if wf[i] < np.inf:
                cidx[fp[c]] = d
                cw[fp[c]] = wf[i]
                fp[c] += 1
            if wb[i] < np.inf:
                cidx[fp[d]] = c
                cw[fp[d]] = wb[i]
                fp[d] += 1
    longest = 0.0  # longest finite contracted arc or chain, for the bucket count
    for i in range(nch):
        if wf[i] < np.inf and wf[i] > longest:
            longest = wf[i]
        if wb[i] < np.inf and wb[i] > longest:
            longest = wb[i]
    return (core_nodes, cid, cptr, cidx, cw, ch_c[:nch].copy(), ch_d[:nch].copy(),
            ch_ptr[:nch + 1].copy(), ch_nodes[:pos].copy(), seg_fw[:spos].copy(),
            seg_bw[:spos].copy(), chain_of, flat, longest)

@njit(cache=True, nogil=True, inline="always")
def _push(head, e_node, e_time, e_next, f, v, t, inv, nbk):  # pragma: no cover
    """Queue entry f (node v at t seconds) at the head of its bucket's list."""
    s = np.int64(t * inv) % nbk
    e_node[f] = v
    e_time[f] = t
    e_next[f] = head[s]
    head[s] = f


@njit(cache=True, nogil=True)
def _search(cptr, cidx, cw, starts, times, limit, delta, nbk, dist, cap):  # pragma: no cover
    """Bucket-queue search from several starts into ``dist`` (pre-filled with inf).

    Returns False, leaving ``dist`` unfinished, if more than ``cap`` queue entries were
    ever needed at once.
    """
    head = np.full(nbk, -1, dtype=np.int64)
    e_node = np.empty(cap, dtype=cidx.dtype)
    e_time = np.empty(cap, dtype=np.float64)
    e_next = np.empty(cap, dtype=np.int64)
    inv = 1.0 / delta
    top = 0
    free = -1
    live = 0
    for j in range(len(starts)):
        v = starts[j]
        t = times[j]
        if t <= limit and t < dist[v]:
            if top == cap:
                return False
            dist[v] = t
            _push(head, e_node, e_time, e_next, top, v, t, inv, nbk)
            top += 1
            live += 1
    k = 0
    while live > 0:
        b = k % nbk
        while head[b] != -1:
            e = head[b]
            head[b] = e_next[e]
            u = e_node[e]
            d = e_time[e]
            e_next[e] = free
            free = e
            live -= 1
            if d != dist[u]:
                continue  # stale: u was improved since
            for a in range(cptr[u], cptr[u + 1]):
                v = cidx[a]
                nd = d + cw[a]
                if nd > limit or not nd < dist[v]:
                    continue
                dist[v] = nd
                if free != -1:
                    f = free
                    free = e_next[f]
                elif top < cap:
                    f = top
                    top += 1
                else:
                    return False
                _push(head, e_node, e_time, e_next, f, v, nd, inv, nbk)
                live += 1
        k += 1
    return True


@njit(cache=True, nogil=True)
def _fill(dist, ch_c, ch_d, ch_ptr, ch_nodes, seg_fw, seg_bw, limit):  # pragma: no cover
    """Times of chain nodes from those of the chain ends, in path order."""
    for i in range(len(ch_c)):
        lo = ch_ptr[i]
        hi = ch_ptr[i + 1]
        off = lo + i
        val = dist[ch_c[i]]
        for j in range(lo, hi):
            val = val + seg_fw[off + j - lo]
            dist[ch_nodes[j]] = val
        val = dist[ch_d[i]]
        for j in range(hi - 1, lo - 1, -1):
            val = val + seg_bw[off + j - lo + 1]
            x = ch_nodes[j]
            if val < dist[x]:
                dist[x] = val
            if dist[x] > limit:
                dist[x] = np.inf


@njit(cache=True, nogil=True)
def _chain_starts(s, chain_of, flat, cid, ch_c, ch_d, ch_ptr, seg_fw,
                  seg_bw):  # pragma: no cover
    """Core starts of a source inside a chain: (core c, seconds, core d, seconds)."""
    i = chain_of[s]
    lo = ch_ptr[i]
    k = ch_ptr[i + 1] - lo
    off = lo + i
    q = flat[s] - lo
    to_d = 0.0
    for j in range(q + 1, k + 1):
        to_d += seg_fw[off + j]
    to_c = 0.0
    for j in range(q, -1, -1):
        to_c += seg_bw[off + j]
    return cid[ch_c[i]], to_c, cid[ch_d[i]], to_d

@njit(cache=True, nogil=True)
def _walk(s, dist, chain_of, flat, ch_ptr, ch_nodes, seg_fw, seg_bw, limit):  # pragma: no cover
    """Relax the chain of source s from s, both ways, until nothing improves."""
    i = chain_of[s]
    lo = ch_ptr[i]
    k = ch_ptr[i + 1] - lo
    off = lo + i
    q = flat[s] - lo
    for direction in range(2):
        val = 0.0
        j = q
        while 0 <= j < k:
            if j != q:
                val = val + (seg_fw[off + j] if direction == 0 else seg_bw[off + j + 1])
            x = ch_nodes[lo + j]
            if val > limit or not val < dist[x]:
                if j != q:
                    break
            else:
                dist[x] = val
            j = j + 1 if direction == 0 else j - 1


@njit(cache=True, nogil=True)
def _row_nb(s, row, limit, delta, nbk, cap0, core_nodes, cid, cptr, cidx, cw, ch_c, ch_d,
            ch_ptr, ch_nodes, seg_fw, seg_bw, chain_of, flat):  # pragma: no cover
    """Seconds from source s to every node, into ``row``."""
    nc = len(core_nodes)
    if cid[s] >= 0:
        starts = np.array([cid[s]])
        times = np.array([0.0])
    else:
        c, tc, d, td = _chain_starts(s, chain_of, flat, cid, ch_c, ch_d, ch_ptr,
                                     seg_fw, seg_bw)
        starts = np.array([c, d])
        times = np.array([tc, td])
    dcore = np.empty(nc)
    cap = cap0
    while True:  # a queue that outgrows cap (rare, if ever) is retried larger
        dcore[:] = np.inf
        if _search(cptr, cidx, cw, starts, times, limit, delta, nbk, dcore, cap):
            break
        cap *= 2
    for j in range(nc):
        row[core_nodes[j]] = dcore[j]
    _fill(row, ch_c, ch_d, ch_ptr, ch_nodes, seg_fw, seg_bw, limit)
    if cid[s] < 0:
        _walk(s, row, chain_of, flat, ch_ptr, ch_nodes, seg_fw, seg_bw, limit)


class _Core:
    """A graph's contraction (core graph and chains) with its bucket width and count."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, seconds: np.ndarray) -> None:
        out = _contract(indptr, indices, seconds)
        self.arrays = out[:-1]
        cw = out[4]
        self.delta, nbk = _buckets(cw)
        longest = max(float(out[-1]), float(cw.max()) if len(cw) else 0.0)
        if longest > 0:
            nbk = min(int(longest / self.delta) + 2, _MAX_BUCKETS + 2)
        self.nbk = nbk
        self.refs: tuple = ()
        self.fingerprint: tuple = ()


def _many_to_all_threads(core: _Core, src: np.ndarray, n: int, limit: float) -> np.ndarray:
    """One search per source on a pool of threads (the compiled search releases the GIL).

    Threads rather than numba's ``parallel=True``: OpenMP workers spin while they wait,
    which costs a busy machine more than it gains; a pool also lets short and long
    searches balance, and the count follows ``numba.set_num_threads``.
    """
    from concurrent.futures import ThreadPoolExecutor

    out = np.empty((len(src), n), dtype=np.float64)
    args = (limit, core.delta, core.nbk, _queue_capacity(core, 1), *core.arrays)

    def row(r: int) -> None:
        _row_nb(src[r], out[r], *args)

    threads = min(int(get_num_threads()), len(src))
    if threads <= 1:
        for r in range(len(src)):
            row(r)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(row, range(len(src))))
    return out


def _queue_capacity(core: _Core, n_sources: int) -> int:
    """Queue entries to allocate per search: one per core arc and start, which a Dijkstra
    search never exceeds (rescans within a bucket could; the search then retries larger)."""
    return len(core.arrays[3]) + 2 * n_sources + 1


_CORES: list[_Core] = []
_CORES_KEPT = 2


def _core(indptr: np.ndarray, indices: np.ndarray, seconds: np.ndarray,
          originals: tuple[Any, ...]) -> _Core:
    """The contraction of a graph, reused while the caller's arrays live and are unchanged.

    Callers such as :func:`geoaccess.travel_times` search the same graph in chunks of
    sites; the cache is keyed on the identity of the arrays they pass (held weakly) and a
    fingerprint of their contents, and keeps the last two graphs.
    """
    import weakref

    fingerprint = (len(indptr), len(indices), float(seconds.sum()), int(indices.sum()))
    cacheable = all(isinstance(a, np.ndarray) for a in originals)
    if cacheable:
        for core in _CORES:
            if (core.fingerprint == fingerprint
                    and all(r() is a for r, a in zip(core.refs, originals, strict=True))):
                return core
    core = _Core(indptr, indices, seconds)
    if cacheable:

        def forget(_ref: Any, core: _Core = core) -> None:  # an array was freed
            if core in _CORES:
                _CORES.remove(core)

        core.refs = tuple(weakref.ref(a, forget) for a in originals)
        core.fingerprint = fingerprint
        _CORES.insert(0, core)
        del _CORES[_CORES_KEPT:]
    return core


def _buckets(seconds: np.ndarray) -> tuple[float, int]:
    """Bucket width (seconds) and bucket count for a graph's arc times.

    Half the median arc time: measured on Rutland's walk and drive networks and on
    synthetic grids, any width from an eighth to four times the median runs within 15%
    of the best, so the rule is not critical. The count covers the longest finite arc
    (more buckets than that only costs memory; fewer only costs rescans: the search is
    exact either way).
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
    src = np.asarray(sources)
    if src.ndim == 0:
        src = src.reshape(1)
    if src.ndim != 1 or (len(src) and not np.issubdtype(src.dtype, np.integer)):
        raise ValueError("sources must be a 1-d array of node indices")
    src = np.ascontiguousarray(src, dtype=np.int64)
    if len(src) and (src.min() < 0 or src.max() >= n):
        bad = src[(src < 0) | (src >= n)]
        raise ValueError(f"source node indices out of range 0..{n - 1}: {bad[:5].tolist()}")
    # the index type also numbers the queue's entries (at most one per arc and source)
    small = len(indices) + len(src) + n < 2**31 - 1
    if indices.dtype != np.int64 and not (indices.dtype == np.int32 and small):
        indices = indices.astype(np.int32 if small else np.int64)
    indices = np.ascontiguousarray(indices)
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
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
    engine: str = "auto",
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
    engine : {"auto", "numba", "fallback"}
        Which implementation to use; ``"auto"`` is numba when installed, ``"fallback"``
        is scipy's Dijkstra (``"scipy"`` is its old name, with a FutureWarning).

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
    originals = (indptr, indices, seconds)
    indptr, indices, seconds, src, n, limit = _prepare(indptr, indices, seconds, sources, limit)
    if len(src) == 0:
        return np.empty((0, n), dtype=np.float64)
    if resolve_engine(engine) == "numba":
        return _many_to_all_threads(_core(indptr, indices, seconds, originals), src, n, limit)
    from scipy.sparse.csgraph import dijkstra

    graph = _scipy_matrix(indptr, indices, seconds, n)
    dist = dijkstra(graph, directed=True, indices=src, limit=limit)
    return np.asarray(dist, dtype=np.float64).reshape(len(src), n)



def with_virtual_sources(
    indptr: np.ndarray,
    indices: np.ndarray,
    seconds: np.ndarray,
    ptr: np.ndarray,
    node: np.ndarray,
    cost: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The graph plus one virtual node per source, joined to its start nodes.

    Source ``i`` becomes node ``n + i`` (``n`` nodes in the graph), with an arc to each
    ``node[ptr[i]:ptr[i+1]]`` taking ``cost[...]`` seconds, so one search from it is a
    search that starts at those nodes with those costs (e.g. a point on a street
    segment, entering the network through the segment's two end nodes). Parallel arcs
    keep the cheapest; nothing points to a virtual node, so no path passes through one.

    Parameters
    ----------
    indptr, indices, seconds : numpy.ndarray
        CSR arrays of the graph.
    ptr : numpy.ndarray
        ``(n_sources + 1)`` offsets into ``node`` and ``cost``.
    node, cost : numpy.ndarray
        Start nodes and their start seconds (finite, >= 0).

    Returns
    -------
    tuple of numpy.ndarray
        CSR arrays of the graph with ``n + n_sources`` nodes, for :func:`many_to_all`.

    Examples
    --------
    A point a third of the way along a two-way 30 s segment 0 - 1 (10 s to 0, 20 s to 1),
    then on to node 2 (1 -> 2 takes 5 s):

    >>> import numpy as np
    >>> g = (np.array([0, 1, 3, 3]), np.array([1, 0, 2]), np.array([30.0, 30.0, 5.0]))
    >>> aug = with_virtual_sources(*g, np.array([0, 2]), np.array([0, 1]),
    ...                            np.array([10.0, 20.0]))
    >>> many_to_all(*aug, [3])[0].tolist()
    [10.0, 20.0, 25.0, 0.0]
    """
    n = len(indptr) - 1
    owner = np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))
    tails = _csr.arcs_from_csr(indptr, indices).astype(np.int64)
    return _csr.csr_from_arcs(np.concatenate([tails, n + owner]),
                              np.concatenate([np.asarray(indices, np.int64),
                                              np.asarray(node, np.int64)]),
                              np.concatenate([seconds, cost]), n + len(ptr) - 1)
