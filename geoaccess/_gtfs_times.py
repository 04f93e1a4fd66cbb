"""Times of GTFS trips: frequency-based runs expanded, blank times interpolated."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._crs import haversine_m

__all__ = ["expand_frequencies", "interpolate"]


def expand_frequencies(tmpl: pd.DataFrame, freq: pd.DataFrame) -> pd.DataFrame:
    """One run per departure of each frequency row, stop times shifted from the template."""
    first = tmpl.groupby("trip_id", sort=False)["departure_s"].min()
    rows = []
    for i, (trip, start, end, headway) in enumerate(zip(
            freq["trip_id"], freq["start_s"], freq["end_s"], freq["headway_secs"],
            strict=True)):
        starts = np.arange(start, end, headway, dtype=np.float64)
        if not len(starts):
            continue
        rows.append(pd.DataFrame({"trip_id": trip, "run": i, "start": starts}))
    if not rows:
        return tmpl.iloc[:0]
    runs = pd.concat(rows, ignore_index=True)
    runs["n"] = runs.groupby("trip_id").cumcount()
    merged = runs.merge(tmpl, on="trip_id", how="inner")
    offset = merged["start"] - merged["trip_id"].map(first)
    merged["arrival_s"] = merged["arrival_s"] + offset
    merged["departure_s"] = merged["departure_s"] + offset
    merged["trip_id"] = merged["trip_id"] + "~" + merged["n"].astype(str)
    return merged[tmpl.columns]


def interpolate(st: pd.DataFrame, stops: pd.DataFrame, start: np.ndarray,
                 blank: np.ndarray) -> None:
    """Fill blank times linearly in distance between the surrounding timed stops."""
    coords = stops.set_index("stop_id")[["stop_lon", "stop_lat"]]
    coords = coords[~coords.index.duplicated()]
    lon = st["stop_id"].map(coords["stop_lon"]).to_numpy(np.float64)
    lat = st["stop_id"].map(coords["stop_lat"]).to_numpy(np.float64)
    step = np.zeros(len(st))
    step[1:] = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
    step[start] = 0.0
    # unknown distances count as one unit each, so such stops are spaced evenly
    step = np.where(np.isfinite(step), step, 1.0)
    group = np.cumsum(start)
    cum = pd.Series(step).groupby(group).cumsum().to_numpy()
    pos = np.arange(len(st))
    timed = ~blank
    prev_i = pd.Series(np.where(timed, pos, np.nan)).ffill().to_numpy().astype(np.int64)
    next_i = pd.Series(np.where(timed, pos, np.nan)).bfill().to_numpy().astype(np.int64)
    span = cum[next_i] - cum[prev_i]
    frac = np.where(span > 0, (cum - cum[prev_i]) / np.where(span > 0, span, 1.0),
                    (pos - prev_i) / np.maximum(next_i - prev_i, 1))
    t0 = st["departure_s"].to_numpy()[prev_i]
    t1 = st["arrival_s"].to_numpy()[next_i]
    fill = t0 + frac * (t1 - t0)
    st.loc[blank, "arrival_s"] = fill[blank]
    st.loc[blank, "departure_s"] = fill[blank]
