"""Words and numbers of the maps' and charts' labels, for figures and reports of your own.

The same phrases serve the matplotlib maps, the interactive maps and the HTML report, so a
reader meets one wording everywhere: "children aged 0–4", "walking", "10–15 min".

Examples
--------
>>> from geoaccess.plot import labels
>>> labels.population_words("children_0_4"), labels.mode_words("walk")
('children aged 0–4', 'walking')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..equality import describe_population

__all__ = [
    "class_labels",
    "data_words",
    "date_words",
    "default_threshold_minutes",
    "minutes_text",
    "mode_words",
    "population_words",
    "travel_words",
]

_MODES = {"walk": "walking", "pushchair": "walking with a pushchair", "cycle": "cycling",
          "drive": "driving", "transit": "by public transport"}


def minutes_text(minutes: float) -> str:
    """Minutes for labels: whole numbers as such, else one decimal.

    Examples
    --------
    >>> minutes_text(15.0), minutes_text(7.25)
    ('15', '7.2')
    """
    x = float(minutes)
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:.1f}"


def class_labels(upper: Sequence[float], unit: str = "min") -> list[str]:
    """Legend labels of classes with these upper bounds (inclusive), plus one above them.

    Parameters
    ----------
    upper : sequence of float
        Increasing upper bounds, as :func:`geoaccess.plot.classify_minutes` returns.
    unit : str
        Unit written after the numbers.

    Returns
    -------
    list of str
        ``len(upper) + 1`` labels, nearest first.

    Examples
    --------
    >>> class_labels([5, 10])
    ['up to 5 min', '5–10 min', 'more than 10 min']
    """
    labels = [f"up to {minutes_text(upper[0])} {unit}"]
    labels += [f"{minutes_text(a)}–{minutes_text(b)} {unit}"
               for a, b in zip(upper[:-1], upper[1:], strict=True)]
    labels.append(f"more than {minutes_text(upper[-1])} {unit}")
    return labels


def mode_words(mode: str | None) -> str:
    """How people travel, in words: ``"walk"`` → "walking" ("" for an unknown mode).

    Examples
    --------
    >>> mode_words("transit"), mode_words(None)
    ('by public transport', '')
    """
    return _MODES.get(str(mode), "")


def travel_words(result: Any) -> str:
    """How the journeys were modelled, in words: "walking at 4.8 km/h".

    Read from the result's mode and the speeds in its provenance (the network's).

    Parameters
    ----------
    result : Result, Comparison or TravelTimes
        Anything with ``mode`` and ``provenance``.

    Returns
    -------
    str
        "" when the mode is unknown.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> travel_words(SimpleNamespace(mode="walk", provenance={"speeds_kmh": {"walk": 4.8}}))
    'walking at 4.8 km/h'
    >>> travel_words(SimpleNamespace(mode="drive", provenance={}))
    'driving at the speed limits, without congestion'
    """
    mode = str(getattr(result, "mode", None))
    speeds = (getattr(result, "provenance", None) or {}).get("speeds_kmh") or {}
    words = mode_words(mode)
    if mode == "drive":
        return "driving at the speed limits, without congestion"
    if mode in speeds and words:
        return f"{words} at {float(speeds[mode]):g} km/h"
    return words


def date_words(stamp: Any) -> str:
    """A date in words from an ISO timestamp: "2022-07-20T20:21:45Z" → "20 July 2022".

    Examples
    --------
    >>> date_words("2022-07-20T20:21:45Z"), date_words("not a date")
    ('20 July 2022', 'not a date')
    """
    import pandas as pd

    try:
        when = pd.Timestamp(str(stamp))
    except (ValueError, TypeError):
        return str(stamp)
    return f"{when.day} {when:%B %Y}"


def data_words(result: Any, population_year: int | str | None = None) -> str:
    """When the data are from, in words: the OSM extract's date and the population's year.

    Parameters
    ----------
    result : Result, Comparison or TravelTimes
        Its provenance gives the extract's date (``osm_timestamp``).
    population_year : int or str, optional
        Year (or period) of the population counts, e.g. 2020 or "mid-2020".

    Returns
    -------
    str
        "" when neither is known.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(provenance={"osm_timestamp": "2022-07-20T20:21:45Z"},
    ...                     population="children_0_4")
    >>> data_words(r, "mid-2020")
    'OpenStreetMap data of 20 July 2022 · children aged 0–4: mid-2020 estimates'
    """
    parts = []
    stamp = (getattr(result, "provenance", None) or {}).get("osm_timestamp")
    if stamp:
        parts.append(f"OpenStreetMap data of {date_words(stamp)}")
    if population_year is not None and str(population_year):
        words = population_words(getattr(result, "population", None))
        who = "population" if words == "areas" else words
        parts.append(f"{who}: {population_year} estimates")
    return " · ".join(parts)


def population_words(column: Any) -> str:
    """Who a population column counts, in words; "areas" when there is none.

    Parameters
    ----------
    column : str or None
        A population column (``children_0_4``), or None / ``"weight"`` for a result in
        which each area counts once.

    Returns
    -------
    str

    Examples
    --------
    >>> population_words("children_0_4"), population_words(None)
    ('children aged 0–4', 'areas')
    """
    if not column or column == "weight":
        return "areas"
    return describe_population(str(column))


def default_threshold_minutes(result: Any) -> float | None:
    """The threshold a figure quotes when none is given: 15 minutes if evaluated.

    Otherwise the first threshold the result was evaluated at; None if it has none.

    Parameters
    ----------
    result : Result or Comparison
        Anything with ``thresholds``.

    Returns
    -------
    float or None

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> default_threshold_minutes(SimpleNamespace(thresholds=(10, 15, 20)))
    15.0
    >>> default_threshold_minutes(SimpleNamespace(thresholds=(20, 30)))
    20.0
    """
    ts = [float(t) for t in getattr(result, "thresholds", ())]
    if not ts:
        return None
    return 15.0 if 15.0 in ts else ts[0]
