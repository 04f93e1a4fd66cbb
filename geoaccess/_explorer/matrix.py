"""The travel-time matrix in the compact form the explorer's browser code reads.

Each row (an area, or a home origin) keeps only its sites with a time, sorted from the
quickest: ``ptr`` (uint32, rows + 1) delimits the rows in the flat arrays ``site`` (the
site's column, uint8 or uint16) and ``minutes`` (float32). The nearest open site of a
row is then the first open one in its list, so a configuration is scored without
looking at most of the matrix.

The numbers stay those of :func:`geoaccess.evaluate` on the float64 matrix:

- minutes are rounded *up* to float32, so for any threshold that float32 holds exactly
  (whole minutes, halves...), ``minutes <= t`` in the browser is ``minutes <= t`` in
  float64 (:func:`check_thresholds` refuses other thresholds);
- the order of each row is the float64 order (ties kept in column order, as numpy's
  ``argmin`` breaks them), so the nearest site is the same;
- ``ties`` lists the entries whose float64 time equals the previous one in their row
  (within :data:`TIE_MINUTES`, the tolerance of :func:`geoaccess.compare`), so "longer",
  "shorter" and "unchanged" are decided as :func:`geoaccess.compare` decides them, even
  where two float64 times round to the same float32.

Arrays travel as base64 of their little-endian bytes.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputError

#: Two times this close count as equal (``compare``'s tolerance at ``tolerance_minutes=0``).
TIE_MINUTES = 1e-9


def ceil_float32(values: np.ndarray) -> np.ndarray:
    """The smallest float32 at least each value (NaN stays NaN).

    Examples
    --------
    >>> x = np.array([15.0, 15.000000000000002, 14.999999])
    >>> f = ceil_float32(x)
    >>> (f >= x).all(), f[0] == 15, f[1] > 15
    (np.True_, np.True_, np.True_)
    """
    v = np.asarray(values, dtype=np.float64)
    f = v.astype(np.float32)
    low = f.astype(np.float64) < v
    f[low] = np.nextafter(f[low], np.float32(np.inf))
    return f


def check_thresholds(thresholds: Sequence[float]) -> None:
    """Refuse thresholds that float32 does not hold exactly (they could flip counts).

    Examples
    --------
    >>> check_thresholds([10, 15, 7.5])
    >>> check_thresholds([0.1])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geoaccess.errors.InputError: thresholds: 0.1 minutes cannot be held exactly...
    """
    for t in thresholds:
        if float(np.float32(t)) != float(t):
            raise InputError(f"thresholds: {t:g} minutes cannot be held exactly by the "
                             "explorer; use whole, half or quarter minutes")


def b64(array: np.ndarray) -> str:
    """Base64 of an array's little-endian bytes."""
    a = np.ascontiguousarray(array)
    if a.dtype.byteorder == ">" or (a.dtype.byteorder == "=" and np.little_endian is False):
        a = a.byteswap().view(a.dtype.newbyteorder("<"))
    return base64.b64encode(a.tobytes()).decode("ascii")


def encode(minutes: np.ndarray) -> dict[str, Any]:
    """The rows × sites matrix (float64 minutes, NaN for none) as the explorer reads it.

    Returns
    -------
    dict
        ``rows``, ``sites``, ``entries`` (ints); ``site_bytes`` (1 or 2); base64 strings
        ``ptr``, ``site``, ``minutes`` and ``ties`` (uint32 entry indices).

    Examples
    --------
    Row 0: S1 5, S2 3 → sorted S2 (3), S1 (5). Row 1: S1 none, S2 8 → S2 (8) only.

    >>> e = encode(np.array([[5.0, 3.0], [np.nan, 8.0]]))
    >>> e["entries"], decode(e, "ptr").tolist(), decode(e, "site").tolist()
    (3, [0, 2, 3], [1, 0, 1])
    >>> decode(e, "minutes").tolist(), decode(e, "ties").tolist()
    ([3.0, 5.0, 8.0], [])
    """
    m = np.asarray(minutes, dtype=np.float64)
    n_rows, n_sites = m.shape
    if n_sites > 65535:
        raise InputError(f"the explorer takes at most 65,535 sites, got {n_sites:,}")
    keyed = np.where(np.isfinite(m), m, np.inf)
    order = np.argsort(keyed, axis=1, kind="stable")
    ordered = np.take_along_axis(keyed, order, axis=1)
    valid = np.isfinite(ordered)  # a prefix of each row
    counts = valid.sum(axis=1)
    ptr = np.zeros(n_rows + 1, dtype=np.uint32)
    np.cumsum(counts, out=ptr[1:])
    values = ordered[valid]
    site_dtype = np.uint8 if n_sites <= 255 else np.uint16
    site = order[valid].astype(site_dtype)
    row_start = np.zeros(len(values), dtype=bool)
    row_start[ptr[:-1][counts > 0]] = True
    same = np.zeros(len(values), dtype=bool)
    same[1:] = (values[1:] - values[:-1]) <= TIE_MINUTES
    ties = np.nonzero(same & ~row_start)[0].astype(np.uint32)
    return {"rows": int(n_rows), "sites": int(n_sites), "entries": int(len(values)),
            "site_bytes": int(np.dtype(site_dtype).itemsize), "ptr": b64(ptr),
            "site": b64(site), "minutes": b64(ceil_float32(values)), "ties": b64(ties)}


def decode(encoded: dict[str, Any], name: str) -> np.ndarray:
    """One array back from :func:`encode`'s output (for checks and tests)."""
    dtypes = {"ptr": "<u4", "ties": "<u4", "minutes": "<f4",
              "site": "<u1" if encoded["site_bytes"] == 1 else "<u2"}
    return np.frombuffer(base64.b64decode(encoded[name]), dtype=dtypes[name])
