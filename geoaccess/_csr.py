"""Compressed sparse row helpers shared by the network and travel-time code."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def csr_from_arcs(
    u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays (indptr, indices, data) of arcs u->v, parallel arcs collapsed by minimum.

    Self-loops are dropped. Zero weights are kept as explicit entries (csgraph treats
    explicit zeros in sparse input as arcs).
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    w = np.asarray(w, dtype=np.float64)
    keep = u != v
    u, v, w = u[keep], v[keep], w[keep]
    order = np.lexsort((w, v, u))
    u, v, w = u[order], v[order], w[order]
    if len(u):
        first = np.ones(len(u), dtype=bool)
        first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
        u, v, w = u[first], v[first], w[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(u, minlength=n), out=indptr[1:])
    idx_dtype = np.int32 if n < 2**31 - 1 else np.int64
    return indptr.astype(idx_dtype), v.astype(idx_dtype), w


def arcs_from_csr(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Tail node of every arc of a CSR graph."""
    n = len(indptr) - 1
    return np.repeat(np.arange(n, dtype=indices.dtype), np.diff(indptr))


def as_matrix(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n: int) -> sp.csr_matrix:
    """A scipy CSR matrix over the arrays, keeping explicit zeros."""
    return sp.csr_matrix((data, indices, indptr), shape=(n, n))


def reverse(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays of the reversed graph (every arc u->v becomes v->u)."""
    n = len(indptr) - 1
    tails = arcs_from_csr(indptr, indices)
    return csr_from_arcs(indices, tails, data, n)
