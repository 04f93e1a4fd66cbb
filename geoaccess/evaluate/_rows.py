"""Array kernels over the rows of a matrix (origins) and their groups (areas)."""

from __future__ import annotations

import numpy as np

__all__ = ["group_mean", "group_mode", "group_quantiles", "nearest_rows"]


def nearest_rows(values: np.ndarray, cols: np.ndarray, thresholds: tuple[float, ...] = ()
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minutes to the nearest of ``cols``, which column it is, and counts within thresholds.

    One pass per open column with in-place minimum (no copy of the matrix, float32 kept),
    so a million rows × a hundred columns take a fraction of a second. NaN is never the
    nearest; ties go to the first column. Rows with no time get NaN and -1. The counts
    (rows × thresholds, int32) are those of :func:`counts_within`, in the same pass.

    Examples
    --------
    >>> import numpy as np
    >>> v = np.array([[5.0, 3.0, 9.0], [np.nan, 7.0, 7.0], [np.nan, np.nan, 1.0]])
    >>> m, j, c = nearest_rows(v, np.array([0, 1]), (6.0,))
    >>> m.tolist(), j.tolist(), c.ravel().tolist()
    ([3.0, 7.0, nan], [1, 1, -1], [2, 0, 0])
    """
    n = values.shape[0]
    best = np.full(n, np.inf, dtype=values.dtype if values.dtype.kind == "f" else np.float64)
    arg = np.full(n, -1, dtype=np.int32)
    less = np.empty(n, dtype=bool)
    counts = np.zeros((len(thresholds), n), dtype=np.int32)
    for j in cols:
        col = values[:, j]
        np.less(col, best, out=less)
        np.fmin(best, col, out=best)
        arg[less] = j
        for k, t in enumerate(thresholds):
            np.less_equal(col, t, out=less)
            counts[k] += less
    out = best.astype(np.float64)
    out[arg < 0] = np.nan
    return out, arg.astype(np.int64), counts.T


def group_mean(codes: np.ndarray, values: np.ndarray, weights: np.ndarray, n_groups: int
               ) -> np.ndarray:
    """Weighted mean of the finite values of each group (NaN where none has weight).

    Examples
    --------
    >>> import numpy as np
    >>> group_mean(np.array([0, 0, 1, 2]), np.array([4.0, 8.0, np.nan, 1.0]),
    ...            np.array([3.0, 1.0, 1.0, 0.0]), 3).tolist()
    [5.0, nan, nan]
    """
    ok = np.isfinite(values)
    wsum = np.bincount(codes, np.where(ok, weights, 0.0), minlength=n_groups)
    tot = np.bincount(codes, np.where(ok, weights * np.where(ok, values, 0.0), 0.0),
                      minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, tot / np.where(wsum > 0, wsum, 1.0), np.nan)


def group_quantiles(codes: np.ndarray, values: np.ndarray, weights: np.ndarray,
                    n_groups: int, qs: tuple[float, ...]) -> np.ndarray:
    """Weighted quantiles of the finite values of each group (quantiles × groups).

    The same definition as :func:`geoaccess.measures.summarise_minutes`: the smallest
    value whose cumulative weight reaches ``q`` of the group's weight (NaN where the group
    has no weight).

    Examples
    --------
    Group 0 holds 5 (weight 0.5), 10 (0.25) and 20 (0.25): its median is 5, its 90th
    percentile 20.

    >>> import numpy as np
    >>> group_quantiles(np.array([0, 0, 0, 1]), np.array([10.0, 5.0, 20.0, 3.0]),
    ...                 np.array([0.25, 0.5, 0.25, 1.0]), 2, (0.5, 0.9)).tolist()
    [[5.0, 3.0], [20.0, 3.0]]
    """
    out = np.full((len(qs), n_groups), np.nan)
    ok = np.isfinite(values)
    c, v, w = codes[ok], values[ok], weights[ok]
    if not len(c):
        return out
    lo, span = float(v.min()), float(v.max() - v.min()) + 1.0
    if span * n_groups < 2.0 ** 32:  # one sort on group * span + value: exact to 1e-6 min
        order = np.argsort(c * span + (v - lo), kind="stable")
    else:
        by_value = np.argsort(v, kind="stable")
        order = by_value[np.argsort(c[by_value], kind="stable")]
    c, v, w = c[order], v[order], w[order]
    count = np.bincount(c, minlength=n_groups)
    total = np.bincount(c, w, minlength=n_groups)
    end = np.cumsum(count)
    start = end - count
    # cumulative weight within each group, restarted at every group's first row
    cw = np.cumsum(w)
    local = cw - np.repeat(np.concatenate([[0.0], cw])[start], count)
    g = np.nonzero(count > 0)[0]
    rows = np.arange(len(c))
    for k, q in enumerate(qs):
        # the first row of each group whose cumulative weight reaches q of the group's
        # (a relative 1e-12 slack absorbs rounding in the running sum)
        reach = local >= np.repeat(q * total * (1 - 1e-12), count)
        idx = np.minimum.reduceat(np.where(reach, rows, len(c)), start[g])
        out[k, g] = v[np.minimum(idx, end[g] - 1)]
    out[:, total <= 0] = np.nan
    return out


def group_mode(codes: np.ndarray, labels: np.ndarray, weights: np.ndarray, n_groups: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The label with most weight in each group (ties: the smallest label), and its share.

    Labels below 0 (no label) are ignored but count in the group's weight. Groups with
    no labelled weight get -1 and NaN.

    Examples
    --------
    >>> import numpy as np
    >>> lab, share = group_mode(np.array([0, 0, 0, 1]), np.array([2, 1, 1, -1]),
    ...                         np.array([0.5, 0.25, 0.25, 1.0]), 2)
    >>> lab.tolist(), share.tolist()
    ([1, -1], [0.5, nan])
    """
    total = np.bincount(codes, weights, minlength=n_groups)
    best = np.full(n_groups, -1, dtype=np.int64)
    share = np.full(n_groups, np.nan)
    ok = labels >= 0
    if not ok.any():
        return best, share
    n_labels = int(labels[ok].max()) + 1
    if n_groups * n_labels <= 50_000_000:  # dense table: one bincount
        table = np.bincount(codes[ok].astype(np.int64) * n_labels + labels[ok], weights[ok],
                            minlength=n_groups * n_labels).reshape(n_groups, n_labels)
        label = np.argmax(table, axis=1)  # first maximum: the smallest label
        sums = table[np.arange(n_groups), label]
        found = sums > 0
        group = np.nonzero(found)[0]
        label, sums = label[found], sums[found]
    else:  # sparse: sort the (group, label) pairs present
        key = codes[ok].astype(np.int64) * n_labels + labels[ok]
        uniq, inv = np.unique(key, return_inverse=True)
        sums = np.bincount(inv, weights[ok])
        group, label = uniq // n_labels, uniq % n_labels
        order = np.lexsort((label, -sums, group))
        group, label, sums = group[order], label[order], sums[order]
        first = np.concatenate([[True], group[1:] != group[:-1]])
        group, label, sums = group[first], label[first], sums[first]
    best[group] = label
    with np.errstate(invalid="ignore", divide="ignore"):
        share[group] = np.where(total[group] > 0, sums / total[group], np.nan)
    return best, share
