"""The house style of geoaccess maps: attribution, classes of minutes and palettes.

Palettes are colour-blind safe and print in greyscale: ColorBrewer ``YlGnBu`` (minutes,
light = near), ColorBrewer ``RdBu`` (change: red = longer journeys, blue = shorter), the
Okabe-Ito qualitative colours (scenarios and site roles, which also differ by marker).
Minutes are classed by default on fixed breaks readers can compare between maps (5, 10,
15, 20, 30, 45, 60 minutes, upper bounds inclusive as in mapclassify's ``UserDefined``);
``scheme=`` picks any :mod:`mapclassify` scheme (``"quantiles"``, ``"fisher_jenks"``...),
computed once over every panel so the scale stays shared (mapclassify is imported only
then: it takes seconds to import).

Examples
--------
>>> from geoaccess.plot import style
>>> style.classify_minutes([3, 12]), style.class_index([3, 12, None], (5, 15)).tolist()
((5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0), [0, 1, -1])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = [
    "ATTRIBUTION",
    "CHANGE_BINS",
    "MINUTES_BINS",
    "MINUTES_CMAP",
    "ROLE_STYLES",
    "SCENARIO_COLOURS",
    "class_colours",
    "class_index",
    "classify_minutes",
]

#: Attribution every map carries (ODbL 1.0 requires it wherever OSM-derived maps are shown).
ATTRIBUTION = "© OpenStreetMap contributors"

#: Default class breaks of minute maps (upper bounds, inclusive: "within 15 minutes").
MINUTES_BINS: tuple[float, ...] = (5, 10, 15, 20, 30, 45, 60)

#: Default class breaks of change maps, in minutes either way.
CHANGE_BINS: tuple[float, ...] = (5, 10, 20)

#: Sequential palette of minute maps (ColorBrewer YlGnBu: colour-blind safe).
MINUTES_CMAP = "YlGnBu"

#: Okabe-Ito colours (colour-blind safe) for scenarios, in order.
SCENARIO_COLOURS: tuple[str, ...] = ("#000000", "#E69F00", "#0072B2", "#009E73", "#CC79A7",
                                     "#D55E00", "#56B4E9", "#F0E442")

#: How each site role is drawn: marker, face colour (Okabe-Ito), size in points².
ROLE_STYLES: dict[str, dict[str, Any]] = {
    "hub": {"marker": "*", "color": "#D55E00", "size": 260},
    "centre": {"marker": "o", "color": "#CC79A7", "size": 70},
    "outreach": {"marker": "^", "color": "#009E73", "size": 80},
    "base": {"marker": "s", "color": "#E69F00", "size": 70},
    "other": {"marker": "D", "color": "#56B4E9", "size": 55},
    "closed": {"marker": "X", "color": "#7f7f7f", "size": 45},
}


def classify_minutes(
    values: Any,
    *,
    bins: Sequence[float] | None = MINUTES_BINS,
    scheme: str | None = None,
    k: int = 5,
) -> tuple[float, ...]:
    """Upper bounds of the classes of a minutes map, with mapclassify.

    Parameters
    ----------
    values : array-like
        Minutes (NaN ignored); pool every panel's values for a shared scale.
    bins : sequence of float, optional
        Fixed upper bounds (inclusive); used when ``scheme`` is None.
    scheme : str, optional
        A :mod:`mapclassify` scheme name (``"quantiles"``, ``"equal_interval"``,
        ``"fisher_jenks"``, ``"natural_breaks"``...), computed on ``values``.
    k : int
        Number of classes of a data-driven scheme.

    Returns
    -------
    tuple of float
        Increasing upper bounds; values above the last form one more class.

    Examples
    --------
    >>> classify_minutes([1, 7, 12, 40])
    (5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0)
    >>> classify_minutes([1.0, 2, 3, 4, 5, 6, 7, 8], scheme="quantiles", k=4)
    (2.75, 4.5, 6.25, 8.0)
    """
    y = np.asarray(pd.to_numeric(pd.Series(np.ravel(np.asarray(values, dtype=object))),
                                 errors="coerce"), dtype=np.float64)
    y = y[np.isfinite(y)]
    if scheme is None:
        if bins is None or len(bins) == 0:
            raise InputError("classify_minutes: give bins=... or scheme=...")
        out = np.asarray([float(b) for b in bins], dtype=np.float64)
        if np.any(np.diff(out) <= 0):
            raise InputError(f"bins must increase, got {list(bins)}")
        return tuple(float(b) for b in out)
    if len(y) == 0:
        return tuple(float(b) for b in (bins or MINUTES_BINS))
    import mapclassify  # imported only here: it is slow to import

    k = int(max(1, min(k, len(np.unique(y)))))
    try:
        classifier = mapclassify.classify(y, scheme, k=k)
    except (ValueError, KeyError) as exc:
        raise InputError(f"unknown or unusable classification scheme {scheme!r}: {exc}; "
                         "see mapclassify.classify") from exc
    upper = np.unique(np.round(np.asarray(classifier.bins, dtype=np.float64), 2))
    return tuple(float(b) for b in upper)


def class_colours(n: int, cmap: str = MINUTES_CMAP) -> list[str]:
    """``n`` colours of a sequential palette, light to dark, skipping the near-white end.

    Examples
    --------
    >>> len(class_colours(8)), class_colours(1)[0].startswith("#")
    (8, True)
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cm = colormaps[cmap]
    return [to_hex(cm(v)) for v in np.linspace(0.15, 1.0, max(int(n), 1))]


def class_index(values: Any, upper: Sequence[float]) -> np.ndarray:
    """Class of each value on classes with these upper bounds (inclusive); -1 for NaN.

    Class ``i`` holds values up to ``upper[i]`` and above ``upper[i - 1]``; values above
    the last bound are in class ``len(upper)``. Use the class with
    ``class_colours(len(upper) + 1)`` and :func:`geoaccess.plot.class_labels`.

    Parameters
    ----------
    values : array-like of float
        Minutes.
    upper : sequence of float
        Increasing upper bounds (:func:`classify_minutes`).

    Returns
    -------
    numpy.ndarray of int

    Examples
    --------
    >>> class_index([0, 5, 5.01, 15, 61, float("nan")], (5, 10, 15, 60)).tolist()
    [0, 0, 1, 2, 4, -1]
    """
    v = np.asarray(values, dtype=np.float64)
    idx = np.searchsorted(np.asarray(upper, dtype=np.float64), v, side="left")
    return np.where(np.isfinite(v), idx, -1)
