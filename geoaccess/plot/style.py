"""The house style of geoaccess maps: attribution, classes of minutes and palettes.

Palettes are chosen so that neighbouring classes stay apart for every reader, in colour,
for colour-blind readers and in greyscale (``tests/test_plot.py`` measures it: the CAM02-UCS
colour difference ΔE of each pair of neighbouring classes, as seen with normal vision and
with full deuteranopia, protanopia and tritanopia simulated by ``colorspacious``, and their
lightness difference in greyscale):

- minutes: :data:`MINUTES_COLOURS`, eight steps of matplotlib's ``inferno`` (light yellow =
  near, dark indigo = far) placed so that every neighbouring pair differs by ΔE ≥ 11.5 in
  all four views and by 11.5 lightness units in greyscale (evenly spaced steps of the same
  palette fall to 7 for protanopes; ColorBrewer ``YlGnBu``, used before, to 6.8 between its
  teal classes); it has no blue, so water reads as water on the maps;
- change: :data:`CHANGE_COLOURS`, ColorBrewer ``RdBu`` (red = longer journeys, blue =
  shorter) around white for "unchanged" (ΔE ≥ 10; lightness ≥ 8 apart);
- scenarios and site roles: the Okabe-Ito qualitative colours; roles also differ by marker
  shape and every marker has a dark edge and a white halo, so sites show on any class.

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
    "CHANGE_COLOURS",
    "MINUTES_BINS",
    "MINUTES_COLOURS",
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

#: Sequential palette of minute maps (matplotlib's inferno, reversed: light = near).
MINUTES_CMAP = "inferno_r"

#: The eight classes of the default minute maps (:data:`MINUTES_BINS`): steps of
#: ``inferno_r`` at 0, .121, .24, .362, .487, .606, .771 and .9, placed to keep every
#: neighbouring pair apart for colour-blind readers and in greyscale (module docstring).
MINUTES_COLOURS: tuple[str, ...] = ("#fcffa4", "#f8cd37", "#fa9207", "#e75e2e", "#c03a51",
                                    "#902568", "#4d0d6c", "#160b39")

#: Colours of a change map with :data:`CHANGE_BINS`, from the largest gain to the largest
#: loss (ColorBrewer RdBu around white), then "no open site reachable any more".
CHANGE_COLOURS: tuple[str, ...] = ("#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#ffffff",
                                   "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f")

#: Okabe-Ito colours (colour-blind safe) for scenarios, in order.
SCENARIO_COLOURS: tuple[str, ...] = ("#000000", "#E69F00", "#0072B2", "#009E73", "#CC79A7",
                                     "#D55E00", "#56B4E9", "#F0E442")

#: How each site role is drawn: marker, face colour, size in points². Blues and greens of
#: Okabe-Ito and white, which stand out from the yellow-red-purple minute classes; shapes
#: tell the roles apart in greyscale.
ROLE_STYLES: dict[str, dict[str, Any]] = {
    "hub": {"marker": "*", "color": "#0072B2", "size": 230},
    "centre": {"marker": "o", "color": "#56B4E9", "size": 60},
    "outreach": {"marker": "^", "color": "#009E73", "size": 70},
    "base": {"marker": "s", "color": "#ffffff", "size": 60},
    "other": {"marker": "D", "color": "#bbbbbb", "size": 50},
    "closed": {"marker": "X", "color": "#7f7f7f", "size": 40},
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
    """``n`` colours of a sequential palette, light to dark.

    The default palette with eight classes gives :data:`MINUTES_COLOURS`; other numbers
    of classes are even steps of ``inferno_r`` from 0 to 0.9 (never black, so outlines
    and symbols still show on the farthest class). Another ``cmap`` is sampled from 0.15
    to 1 (skipping the near-white end of ColorBrewer palettes).

    Examples
    --------
    >>> class_colours(8) == list(MINUTES_COLOURS), len(class_colours(5))
    (True, 5)
    >>> class_colours(1)[0]
    '#fcffa4'
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    n = max(int(n), 1)
    if cmap == MINUTES_CMAP:
        if n == len(MINUTES_COLOURS):
            return list(MINUTES_COLOURS)
        steps = np.linspace(0.0, 0.9, n)
    else:
        steps = np.linspace(0.15, 1.0, n)
    cm = colormaps[cmap]
    return [to_hex(cm(v)) for v in steps]


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
