"""Read GTFS public-transport timetables: stops, trips and the stop times of a service day.

:func:`read_gtfs` reads a feed (a ``.zip`` or a folder of ``.txt`` files), checks the
files and columns that routing needs, parses times and dates, fills the times of
non-timepoint stops and records anything it had to work around. A :class:`GTFSFeed`
then answers the question routing asks: which vehicles run on a given date, and when
(:meth:`GTFSFeed.stop_times_on`), with ``frequencies.txt`` expanded into runs and the
previous day's after-midnight trips included.

Why a reader of our own rather than gtfs-kit or partridge: routing needs seven tables
read strictly and reported clearly, and neither library fitted as it stands. gtfs-kit
13 stores ``headway_secs`` as a 16-bit integer and so refuses valid feeds with headways
over nine hours (the Helsinki feed beside the tests has 108 such rows); it also pulls
in folium, requests and rtree. partridge (last release 2023) emits pandas deprecation
warnings on pandas 3 and does not expand frequencies. Both leave the checks geoaccess
promises (every bad row named with its fix) to the caller. The reader below uses only
pandas, keeps every id as a string, and reads a feed like the Porto Alegre bus feed
(130,000 stop times) in well under a second.

Handling of awkward but valid GTFS, in brief (details in :func:`read_gtfs`):

- times past 24:00 (e.g. ``25:10:00``) are kept as seconds after midnight of the
  service day; on a date, trips of the previous service day that run past midnight
  are included with their times moved back by 24 hours;
- blank times at intermediate stops are interpolated along the trip by straight-line
  distance between the stops (by stop count where coordinates are missing);
- stops without coordinates take their parent station's; stops still without them
  stay in the timetable (vehicles pass through them) but cannot be walked to or
  from, and are listed in :attr:`GTFSFeed.notes`;
- ``frequencies.txt`` runs depart at ``start_time + n * headway_secs`` before
  ``end_time``: exact for ``exact_times=1``, a regular timetable for headway-based
  service (``exact_times=0``, whose real departures are not published).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import _gtfs_check
from ._fs import sha256_file
from ._gtfs_files import FeedFiles
from ._gtfs_times import expand_frequencies as _expand_frequencies
from ._gtfs_times import interpolate as _interpolate
from ._validate import Problems, show_ids
from .errors import DataWarning, InputError

__all__ = ["GTFSFeed", "as_date", "check_gtfs", "parse_gtfs_time", "read_gtfs"]

log = logging.getLogger(__name__)

_DAY = 86_400
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: Files routing needs and the columns each must have.
REQUIRED_FILES: dict[str, tuple[str, ...]] = {
    "stops.txt": ("stop_id", "stop_lat", "stop_lon"),
    "routes.txt": ("route_id", "route_type"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "arrival_time", "departure_time", "stop_id",
                       "stop_sequence"),
}
#: Optional files and the columns each must have when present.
OPTIONAL_FILES: dict[str, tuple[str, ...]] = {
    "calendar.txt": ("service_id", *_WEEKDAYS, "start_date", "end_date"),
    "calendar_dates.txt": ("service_id", "date", "exception_type"),
    "frequencies.txt": ("trip_id", "start_time", "end_time", "headway_secs"),
}

_TIME_RE = r"^(\d{1,3}):([0-5]\d):([0-5]\d)$"


# --------------------------------------------------------------------------- helpers
def parse_gtfs_time(values: Iterable[str] | pd.Series) -> np.ndarray:
    """Seconds after midnight of GTFS ``HH:MM:SS`` times (hours may pass 24).

    Blank values give NaN; anything else that is not a time raises ``ValueError``.

    Parameters
    ----------
    values : iterable of str
        Times such as ``"07:05:00"``, ``"7:05:00"`` or ``"25:30:00"``.

    Returns
    -------
    numpy.ndarray
        float64 seconds.

    Examples
    --------
    >>> parse_gtfs_time(["07:05:00", "25:30:00", ""]).tolist()
    [25500.0, 91800.0, nan]
    """
    s = pd.Series(values, dtype="string").str.strip()
    blank = s.isna() | (s == "")
    parts = s.str.extract(_TIME_RE)
    bad = parts[0].isna() & ~blank
    if bad.any():
        raise ValueError(f"not GTFS times (HH:MM:SS): {show_ids(s[bad].tolist())}")
    h = pd.to_numeric(parts[0]).to_numpy(np.float64)
    m = pd.to_numeric(parts[1]).to_numpy(np.float64)
    sec = pd.to_numeric(parts[2]).to_numpy(np.float64)
    return h * 3600.0 + m * 60.0 + sec


def as_date(date: str | dt.date | dt.datetime | pd.Timestamp) -> dt.date:
    """A service date from ``"2019-05-13"``, ``"20190513"`` or a date object."""
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    if isinstance(date, pd.Timestamp):
        return date.date()
    text = str(date).strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InputError(f"date {date!r} is not a date; give it as 'YYYY-MM-DD' "
                     "(e.g. '2019-05-13') or a datetime.date")


def _parse_dates(series: pd.Series, where: str, column: str, problems: Problems,
                 ids: pd.Series) -> pd.Series:
    out = pd.to_datetime(series.str.strip(), format="%Y%m%d", errors="coerce")
    bad = out.isna()
    if bad.any():
        problems.add(f"{where}: column {column!r} has values that are not YYYYMMDD dates "
                     f"({show_ids(series[bad].tolist())})", column, ids[bad].tolist())
    return out.dt.date


# ----------------------------------------------------------------------------- feed
@dataclass(eq=False)
class GTFSFeed:
    """A GTFS feed as routing needs it, read and checked by :func:`read_gtfs`.

    Attributes
    ----------
    name : str
        Short name of the feed (default: the file name without extension); prefixed
        to stop and trip ids when several feeds are combined.
    path : str
        Where the feed was read from.
    stops : pandas.DataFrame
        ``stop_id``, ``stop_name``, ``stop_lat``, ``stop_lon`` (NaN where unknown),
        ``location_type`` and ``parent_station``.
    routes : pandas.DataFrame
        ``route_id``, ``route_type`` (int), ``route_short_name``, ``route_long_name``.
    trips : pandas.DataFrame
        ``trip_id``, ``route_id``, ``service_id``.
    stop_times : pandas.DataFrame
        ``trip_id``, ``stop_id``, ``stop_sequence`` (int), ``arrival_s`` and
        ``departure_s`` (float seconds after midnight of the service day; blank times
        interpolated), ``pickup_type`` and ``drop_off_type`` (int, 0 = regular, 1 =
        none), sorted by trip and sequence.
    calendar, calendar_dates, frequencies : pandas.DataFrame
        The optional tables (empty when absent), dates as :class:`datetime.date` and
        frequency times as seconds (``start_s``, ``end_s``).
    notes : list of str
        What the reader worked around (stops without coordinates, interpolated times...).
    sha256 : str or None
        Checksum of a zip feed, for provenance.

    Examples
    --------
    >>> import geoaccess as ga
    >>> feed = ga.read_gtfs(ga.datasets.get_path("porto-alegre-trensurb"))
    >>> feed.service_range[0]
    datetime.date(2019, 3, 1)
    """

    name: str
    path: str
    stops: pd.DataFrame
    routes: pd.DataFrame
    trips: pd.DataFrame
    stop_times: pd.DataFrame
    calendar: pd.DataFrame
    calendar_dates: pd.DataFrame
    frequencies: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    sha256: str | None = None
    _problems: pd.DataFrame | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        first, last = self.service_range
        span = f"{first}..{last}" if first else "no service dates"
        return (f"GTFSFeed({self.name!r}, stops={len(self.stops):,}, routes="
                f"{len(self.routes):,}, trips={len(self.trips):,}, service {span})")

    # ------------------------------------------------------------- checks
    def check(self) -> pd.DataFrame:
        """The feed's problems of geography and time: :func:`check_gtfs` of this feed."""
        if self._problems is None:
            self._problems = _gtfs_check.check_tables(self.stops, self.routes, self.trips,
                                                      self.stop_times)
        return self._problems.copy()

    def misplaced_stops(self) -> list[str]:
        """Stops reached only by impossibly fast hops (``misplaced_stop`` in :meth:`check`)."""
        p = self.check()
        return sorted(p.loc[p["kind"] == "misplaced_stop", "stop_id"].unique().tolist())

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(min_lon, min_lat, max_lon, max_lat)`` of the stops that trips serve.

        Far and misplaced stops (:meth:`check`) and stations no trip serves are left out,
        so a stray stop in the sea or a list of coach stations across the country does not
        stretch a study area taken from the feed. NaN when no stop qualifies.
        """
        p = self.check()
        odd = set(p.loc[p["kind"].isin(["far_stop", "misplaced_stop"]), "stop_id"])
        st = self.stops
        keep = (st["stop_id"].isin(pd.unique(self.stop_times["stop_id"]))
                & ~st["stop_id"].isin(odd)
                & st["stop_lon"].notna() & st["stop_lat"].notna())
        if not keep.any():
            return (np.nan,) * 4  # type: ignore[return-value]
        lon, lat = st.loc[keep, "stop_lon"], st.loc[keep, "stop_lat"]
        return (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))

    def without_stops(self, stop_ids: Iterable[str]) -> GTFSFeed:
        """A copy of the feed without some stops (and their stop times).

        Trips that stopped there run on between their other stops, at their timetabled
        times; a trip left with fewer than two stops is dropped. Stops naming a removed
        station as ``parent_station`` lose the reference. Typical use, after
        :meth:`check`::

            problems = feed.check()
            odd = problems.loc[problems["kind"].isin(["far_stop", "misplaced_stop"]),
                               "stop_id"]
            clean = feed.without_stops(odd)

        Parameters
        ----------
        stop_ids : iterable of str
            Ids of the stops to remove; ids not in the feed raise ``InputError``.

        Returns
        -------
        GTFSFeed
            A new feed; its :attr:`notes` say what was removed.

        Examples
        --------
        >>> import geoaccess as ga
        >>> feed = ga.read_gtfs(ga.datasets.get_path("porto-alegre-trensurb"))
        >>> first = feed.stops["stop_id"].iloc[0]
        >>> len(feed.without_stops([first]).stops) == len(feed.stops) - 1
        True
        """
        ids = pd.Index([str(s) for s in stop_ids]).unique()
        unknown = ids.difference(pd.Index(self.stops["stop_id"]))
        if len(unknown):
            raise InputError(f"{self.path}: without_stops: stop ids not in the feed "
                             f"{show_ids(unknown.tolist())}; take them from feed.stops or "
                             "feed.check()", path=self.path, column="stop_id",
                             rows=unknown.tolist())
        tables, notes = _gtfs_check.drop_stops(self.stops, self.trips, self.stop_times,
                                               self.frequencies, ids)
        return dataclasses.replace(self, **tables, notes=list(self.notes) + notes,
                                   _problems=None)

    # ------------------------------------------------------------- calendar
    @property
    def service_range(self) -> tuple[dt.date | None, dt.date | None]:
        """First and last date on which any service of the feed may run."""
        dates: list[dt.date] = []
        if len(self.calendar):
            dates += [min(self.calendar["start_date"]), max(self.calendar["end_date"])]
        if len(self.calendar_dates):
            added = self.calendar_dates[self.calendar_dates["exception_type"] == 1]["date"]
            if len(added):
                dates += [min(added), max(added)]
        if not dates:
            return None, None
        return min(dates), max(dates)

    def services_on(self, date: str | dt.date) -> set[str]:
        """Service ids running on a date (``calendar.txt`` with ``calendar_dates.txt``).

        Parameters
        ----------
        date : str or datetime.date
            The date, e.g. ``"2019-05-13"``.

        Returns
        -------
        set of str
        """
        day = as_date(date)
        running: set[str] = set()
        cal = self.calendar
        if len(cal):
            on = ((cal["start_date"] <= day) & (cal["end_date"] >= day)
                  & (cal[_WEEKDAYS[day.weekday()]] == 1))
            running = set(cal.loc[on, "service_id"])
        cd = self.calendar_dates
        if len(cd):
            today = cd[cd["date"] == day]
            running |= set(today.loc[today["exception_type"] == 1, "service_id"])
            running -= set(today.loc[today["exception_type"] == 2, "service_id"])
        return running

    def trips_on(self, date: str | dt.date) -> pd.DataFrame:
        """Trips whose service runs on a date (frequency templates not yet expanded)."""
        services = self.services_on(date)
        return self.trips[self.trips["service_id"].isin(services)]

    def stop_times_on(self, date: str | dt.date) -> pd.DataFrame:
        """Every vehicle stop on a date, in seconds after midnight of that date.

        Trips of the date's services are taken with ``frequencies.txt`` expanded into
        one run per departure; trips of the previous day's services that run past
        midnight are added with their times less 24 hours (their earlier stops get
        negative times).

        Parameters
        ----------
        date : str or datetime.date
            The service date.

        Returns
        -------
        pandas.DataFrame
            ``trip_id`` (a run of a frequency trip is ``"<trip_id>~<n>"``, of a
            previous-day trip ``"<trip_id>~prev"``), ``route_id``, ``stop_id``,
            ``stop_sequence``, ``arrival_s``, ``departure_s``, ``pickup_type``,
            ``drop_off_type``, sorted by trip and sequence.

        Raises
        ------
        InputError
            If the date lies outside the feed's calendar.
        """
        day = as_date(date)
        first, last = self.service_range
        if first is None or last is None or not first <= day <= last + dt.timedelta(days=1):
            raise InputError(
                f"{self.path}: date {day.isoformat()} is outside the feed's calendar "
                f"({first} to {last}); choose a date in that range (a weekday such as "
                f"{_a_weekday(self, first, last)})", path=self.path, column="date")
        parts = [self._runs(self.trips_on(day), 0.0)]
        prev = self._runs(self.trips_on(day - dt.timedelta(days=1)), -_DAY)
        if len(prev):
            late = prev.groupby("trip_id", sort=False)["arrival_s"].transform("max") >= 0
            prev = prev[late.to_numpy()].copy()
            prev["trip_id"] = prev["trip_id"] + "~prev"
            parts.append(prev)
        out = pd.concat(parts, ignore_index=True)
        return out.sort_values(["trip_id", "stop_sequence"], kind="stable",
                               ignore_index=True)

    def _runs(self, trips: pd.DataFrame, shift: float) -> pd.DataFrame:
        """Stop times of ``trips`` with frequency templates expanded, shifted by ``shift``."""
        cols = ["trip_id", "stop_id", "stop_sequence", "arrival_s", "departure_s",
                "pickup_type", "drop_off_type"]
        st = self.stop_times[self.stop_times["trip_id"].isin(trips["trip_id"])][cols]
        route = self.trips.set_index("trip_id")["route_id"]
        st.insert(1, "route_id", st["trip_id"].map(route).to_numpy())
        freq = self.frequencies
        if len(freq):
            templated = st["trip_id"].isin(freq["trip_id"])
            plain, tmpl = st[~templated], st[templated]
            runs = [plain]
            if len(tmpl):
                runs.append(_expand_frequencies(tmpl, freq[freq["trip_id"].isin(
                    tmpl["trip_id"])]))
            st = pd.concat(runs, ignore_index=True)
        st = st.copy()
        st["arrival_s"] = st["arrival_s"] + shift
        st["departure_s"] = st["departure_s"] + shift
        return st


def _a_weekday(feed: GTFSFeed, first: dt.date | None, last: dt.date | None) -> str:
    if first is None or last is None:
        return "none: the feed has no service dates"
    day = first
    while day <= last:
        if day.weekday() < 5 and feed.services_on(day):
            return day.isoformat()
        day += dt.timedelta(days=1)
    return first.isoformat()


# ---------------------------------------------------------------------------- reader
def read_gtfs(path: str | os.PathLike[str], *, name: str | None = None) -> GTFSFeed:
    """Read and check a GTFS feed (a ``.zip`` or a folder of ``.txt`` files).

    Checks, with every problem reported in one :class:`~geoaccess.errors.InputError`
    that names the file, the column, the offending ids and the fix:

    - the required files ``stops.txt``, ``routes.txt``, ``trips.txt``,
      ``stop_times.txt`` and at least one of ``calendar.txt`` / ``calendar_dates.txt``,
      with their required columns (``frequencies.txt`` is read when present);
    - ids unique where GTFS requires it, references between tables (stop times to
      trips and stops, trips to routes);
    - times ``HH:MM:SS`` (hours past 24 are valid), dates ``YYYYMMDD``, stop sequences
      integers, coordinates numbers within range; the first and last stop of each trip
      timed, times never decreasing along a trip.

    Handled, and listed in :attr:`GTFSFeed.notes` (and logged at WARNING level):
    stops without coordinates (they take their parent station's, else cannot be
    walked to or from) and blank intermediate times (interpolated by distance).

    Checked after reading with :func:`check_gtfs` (stops far from the rest, hops
    implying impossible speeds, misplaced stops, unused stops and stations, times past
    24:00): one sentence per kind is added to :attr:`GTFSFeed.notes`, and the
    warnings (far, fast, misplaced) are also issued as a
    :class:`~geoaccess.DataWarning`.

    Parameters
    ----------
    path : str or path-like
        The feed.
    name : str, optional
        Short name used to keep ids apart when several feeds are combined; defaults
        to the file or folder name without extension.

    Returns
    -------
    GTFSFeed

    Raises
    ------
    InputError
        As above.

    Examples
    --------
    >>> import geoaccess as ga
    >>> feed = ga.read_gtfs(ga.datasets.get_path("porto-alegre-trensurb"))
    >>> len(feed.services_on("2019-05-13")) > 0
    True
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: GTFS feed not found", path=path)
    feed_name = name or path.name.split(".")[0]
    src = FeedFiles(path)
    try:
        return _read(src, path, feed_name)
    finally:
        src.close()


def _read(src: FeedFiles, path: Path, feed_name: str) -> GTFSFeed:
    where = str(path)
    problems = Problems(where, where)
    missing_files = [f for f in REQUIRED_FILES if not src.has(f)]
    if not (src.has("calendar.txt") or src.has("calendar_dates.txt")):
        missing_files.append("calendar.txt or calendar_dates.txt")
    if missing_files:
        found = sorted(src.members) or ["no .txt files"]
        raise InputError(f"{where}: not a usable GTFS feed: missing {missing_files} "
                         f"(found {found}); GTFS feeds need stops, routes, trips, "
                         "stop_times and a calendar", path=path)
    tables: dict[str, pd.DataFrame] = {}
    for fname, cols in {**REQUIRED_FILES, **OPTIONAL_FILES}.items():
        if not src.has(fname):
            tables[fname] = pd.DataFrame({c: pd.Series(dtype=str) for c in cols})
            continue
        frame = src.read(fname)
        absent = [c for c in cols if c not in frame.columns]
        if absent and not (len(frame) == 0 and fname in OPTIONAL_FILES):
            problems.add(f"{fname} lacks required column(s) {absent} (columns are "
                         f"{list(frame.columns)})", absent[0])
        for c in cols:
            if c not in frame.columns:
                frame[c] = ""
        tables[fname] = frame
    problems.raise_if_any()
    notes: list[str] = []

    stops = _stops(tables["stops.txt"], problems, notes)
    routes = _routes(tables["routes.txt"], problems)
    trips = _trips(tables["trips.txt"], routes, problems)
    calendar = _calendar(tables["calendar.txt"], problems)
    calendar_dates = _calendar_dates(tables["calendar_dates.txt"], problems)
    frequencies = _frequencies(tables["frequencies.txt"], trips, problems)
    stop_times = _stop_times(tables["stop_times.txt"], stops, trips, problems, notes)
    problems.raise_if_any()
    served = stops["stop_id"].isin(stop_times["stop_id"])
    lost = served & (stops["stop_lat"].isna() | stops["stop_lon"].isna())
    if lost.any():
        notes.append(f"{int(lost.sum())} stops served by trips have no coordinates (nor "
                     "a parent station with them): vehicles pass through them but nobody "
                     "can walk to or from them; add stop_lat/stop_lon in stops.txt: "
                     f"{show_ids(stops.loc[lost, 'stop_id'].tolist())}")
    for note in notes:
        log.warning("%s: %s", path.name, note)
    feed = GTFSFeed(feed_name, where, stops, routes, trips, stop_times, calendar,
                    calendar_dates, frequencies, notes, sha256_file(path))
    serious = []
    for severity, note in _gtfs_check.summary_notes(feed.check()):
        feed.notes.append(note)
        if severity == "warning":
            serious.append(note)
        else:
            log.info("%s: %s", path.name, note)
    if serious:
        warnings.warn(f"{path.name}: " + "; ".join(serious), DataWarning, stacklevel=3)
    return feed


def check_gtfs(feed: GTFSFeed | str | os.PathLike[str]) -> pd.DataFrame:
    """Problems of a GTFS feed's geography and times, one row each, in plain words.

    Valid GTFS can still hold a stop keyed in the wrong place, or station records far
    from any service (Bus Open Data Service exports do both). The rules, chosen to
    hold anywhere without tuning:

    - ``far_stop`` (warning): a stop more than a generous bound from the nearest other
      stop that vehicles serve; the bound is the larger of 10 km and 20 times the
      median distance from a served stop to its nearest served neighbour (a median,
      so that stray stops do not move it).
    - ``fast_hop`` (warning): consecutive stops of a trip whose straight-line distance
      needs more than 150 km/h (350 km/h on rail, ``route_type`` 2 or 100-117) in the
      scheduled time plus one minute (times are rounded to the minute).
    - ``misplaced_stop`` (warning): a stop both of whose hops on some trip are fast
      hops, or that ends a trip with a fast hop from a stop whose other hop is normal;
      its coordinates, not its neighbours', are wrong.
      :func:`~geoaccess.transit_travel_times` leaves such stops out, with a warning.
    - ``unused_stop`` (info): a stop or station at which no trip stops.
    - ``after_midnight`` (info): a stop time at or after 24:00:00 (valid GTFS, handled).

    :func:`read_gtfs` runs these checks, adds one sentence per kind to
    :attr:`GTFSFeed.notes` and warns (:class:`~geoaccess.DataWarning`) about the
    warnings. Remove stops with :meth:`GTFSFeed.without_stops`; :attr:`GTFSFeed.bounds`
    already leaves far and misplaced stops out.

    Parameters
    ----------
    feed : GTFSFeed or path
        A feed read by :func:`read_gtfs`, or a path to read.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind``, ``severity`` (``"warning"`` or ``"info"``), ``stop_id``,
        ``to_stop_id`` (the second stop of a fast hop, else blank), ``trip_id`` (blank
        where no trip is concerned) and ``detail`` (a plain sentence).

    Examples
    --------
    >>> import geoaccess as ga
    >>> problems = ga.check_gtfs(ga.datasets.get_path("porto-alegre-trensurb"))
    >>> sorted(set(problems["kind"]) & {"far_stop", "fast_hop", "misplaced_stop"})
    []
    """
    if not isinstance(feed, GTFSFeed):
        feed = read_gtfs(feed)
    return feed.check()


def _duplicates(frame: pd.DataFrame, col: str, fname: str, problems: Problems) -> None:
    dup = frame[col][frame[col].duplicated()].unique().tolist()
    if dup:
        problems.add(f"{fname}: duplicate {col} values; ids must be unique", col, dup)


def _stops(frame: pd.DataFrame, problems: Problems, notes: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({"stop_id": frame["stop_id"].str.strip()})
    out["stop_name"] = frame["stop_name"] if "stop_name" in frame else ""
    blank = out["stop_id"] == ""
    if blank.any():
        problems.add(f"stops.txt: {int(blank.sum())} stops have a blank stop_id",
                     "stop_id", (np.nonzero(blank.to_numpy())[0] + 2).tolist())
    _duplicates(out, "stop_id", "stops.txt", problems)
    for col, lo, hi in (("stop_lat", -90, 90), ("stop_lon", -180, 180)):
        text = frame[col].str.strip()
        vals = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = (vals.isna() & (text != "")) | (vals < lo) | (vals > hi)
        if bad.any():
            problems.add(f"stops.txt: column {col!r} has values that are not numbers in "
                         f"{lo}..{hi}", col, out["stop_id"][bad].tolist())
        out[col] = vals.astype(np.float64)
    # (0, 0) is a common placeholder for "unknown", in the Gulf of Guinea
    zero = (out["stop_lat"] == 0) & (out["stop_lon"] == 0)
    out.loc[zero, ["stop_lat", "stop_lon"]] = np.nan
    lt = frame["location_type"].str.strip() if "location_type" in frame else None
    out["location_type"] = (pd.to_numeric(lt.where(lt != ""), errors="coerce").fillna(0)
                            .astype(int) if lt is not None else 0)
    out["parent_station"] = (frame["parent_station"].str.strip()
                             if "parent_station" in frame else "")
    nocoord = out["stop_lat"].isna() | out["stop_lon"].isna()
    if nocoord.any():
        parent = out.set_index("stop_id")[["stop_lat", "stop_lon"]]
        parent = parent[~parent.index.duplicated()]
        got = out.loc[nocoord, "parent_station"].map(parent["stop_lat"]).notna()
        fill = nocoord.copy()
        fill[nocoord] = got.to_numpy()
        if fill.any():
            for col in ("stop_lat", "stop_lon"):
                out.loc[fill, col] = (out.loc[fill, "parent_station"].map(parent[col])
                                      .to_numpy())
            notes.append(f"{int(fill.sum())} stops without coordinates take their parent "
                         f"station's: {show_ids(out.loc[fill, 'stop_id'].tolist())}")
    return out


def _routes(frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    out = pd.DataFrame({"route_id": frame["route_id"].str.strip()})
    _duplicates(out, "route_id", "routes.txt", problems)
    rt = frame["route_type"].str.strip()
    vals = pd.to_numeric(rt, errors="coerce")
    bad = vals.isna() | (vals < 0) | (vals != vals.round())
    if bad.any():
        problems.add("routes.txt: column 'route_type' must be a whole number (3 = bus, "
                     "2 = rail...)", "route_type", out["route_id"][bad].tolist())
    out["route_type"] = vals.fillna(-1).astype(int)
    for col in ("route_short_name", "route_long_name"):
        out[col] = frame[col] if col in frame else ""
    return out


def _trips(frame: pd.DataFrame, routes: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    out = pd.DataFrame({c: frame[c].str.strip() for c in ("trip_id", "route_id",
                                                           "service_id")})
    _duplicates(out, "trip_id", "trips.txt", problems)
    unknown = ~out["route_id"].isin(routes["route_id"])
    if unknown.any():
        problems.add(f"trips.txt: route_id values not in routes.txt "
                     f"({show_ids(out['route_id'][unknown].unique().tolist())})",
                     "route_id", out["trip_id"][unknown].tolist())
    return out


def _calendar(frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    out = pd.DataFrame({"service_id": frame["service_id"].str.strip()})
    for day in _WEEKDAYS:
        text = frame[day].str.strip()
        bad = ~text.isin(["0", "1"])
        if bad.any():
            problems.add(f"calendar.txt: column {day!r} must be 0 or 1", day,
                         out["service_id"][bad].tolist())
        out[day] = (text == "1").astype(int)
    for col in ("start_date", "end_date"):
        out[col] = _parse_dates(frame[col], "calendar.txt", col, problems, out["service_id"])
    return out


def _calendar_dates(frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    out = pd.DataFrame({"service_id": frame["service_id"].str.strip()})
    out["date"] = _parse_dates(frame["date"], "calendar_dates.txt", "date", problems,
                               out["service_id"])
    text = frame["exception_type"].str.strip()
    bad = ~text.isin(["1", "2"])
    if bad.any():
        problems.add("calendar_dates.txt: column 'exception_type' must be 1 (service "
                     "added) or 2 (removed)", "exception_type", out["service_id"][bad].tolist())
    out["exception_type"] = pd.to_numeric(text, errors="coerce").fillna(0).astype(int)
    return out


def _frequencies(frame: pd.DataFrame, trips: pd.DataFrame,
                 problems: Problems) -> pd.DataFrame:
    out = pd.DataFrame({"trip_id": frame["trip_id"].str.strip()})
    ids = out["trip_id"]
    for col, new in (("start_time", "start_s"), ("end_time", "end_s")):
        try:
            out[new] = parse_gtfs_time(frame[col])
        except ValueError as exc:
            problems.add(f"frequencies.txt: column {col!r}: {exc}", col)
            out[new] = np.nan
    hw = pd.to_numeric(frame["headway_secs"].str.strip(), errors="coerce")
    bad = hw.isna() | (hw <= 0)
    if bad.any():
        problems.add("frequencies.txt: column 'headway_secs' must be a positive number "
                     "of seconds", "headway_secs", ids[bad].tolist())
    out["headway_secs"] = hw.astype(np.float64)
    et = frame["exact_times"].str.strip() if "exact_times" in frame else pd.Series(
        "", index=frame.index)
    out["exact_times"] = (et == "1").astype(int)
    unknown = ~ids.isin(trips["trip_id"])
    if unknown.any():
        problems.add("frequencies.txt: trip_id values not in trips.txt", "trip_id",
                     ids[unknown].tolist())
    blank = out["start_s"].isna() | out["end_s"].isna()
    if blank.any():
        problems.add("frequencies.txt: start_time and end_time are required", "start_time",
                     ids[blank].tolist())
    return out


def _stop_times(frame: pd.DataFrame, stops: pd.DataFrame, trips: pd.DataFrame,
                problems: Problems, notes: list[str]) -> pd.DataFrame:
    st = pd.DataFrame({"trip_id": frame["trip_id"].str.strip(),
                       "stop_id": frame["stop_id"].str.strip()})
    seq = pd.to_numeric(frame["stop_sequence"].str.strip(), errors="coerce")
    bad = seq.isna() | (seq < 0) | (seq != seq.round())
    if bad.any():
        problems.add("stop_times.txt: column 'stop_sequence' must hold whole numbers >= 0",
                     "stop_sequence", st["trip_id"][bad].unique().tolist())
    st["stop_sequence"] = seq.fillna(-1).astype(np.int64)
    for col, new in (("arrival_time", "arrival_s"), ("departure_time", "departure_s")):
        try:
            st[new] = parse_gtfs_time(frame[col])
        except ValueError:
            text = frame[col].str.strip()
            wrong = (text != "") & ~text.str.match(_TIME_RE)
            problems.add(f"stop_times.txt: column {col!r} has values that are not GTFS "
                         f"times HH:MM:SS ({show_ids(text[wrong].unique().tolist())}); "
                         "hours may pass 24 for trips after midnight", col,
                         st["trip_id"][wrong].unique().tolist())
            st[new] = np.nan
    for col in ("pickup_type", "drop_off_type"):
        text = frame[col].str.strip() if col in frame else pd.Series("", index=frame.index)
        st[col] = pd.to_numeric(text.where(text != ""), errors="coerce").fillna(0).astype(int)
    unknown_trip = ~st["trip_id"].isin(trips["trip_id"])
    if unknown_trip.any():
        problems.add("stop_times.txt: trip_id values not in trips.txt", "trip_id",
                     st["trip_id"][unknown_trip].unique().tolist())
    unknown_stop = ~st["stop_id"].isin(stops["stop_id"])
    if unknown_stop.any():
        problems.add(f"stop_times.txt: stop_id values not in stops.txt "
                     f"({show_ids(st['stop_id'][unknown_stop].unique().tolist())})",
                     "stop_id", st["trip_id"][unknown_stop].unique().tolist())
    dup = st.duplicated(["trip_id", "stop_sequence"])
    if dup.any():
        problems.add("stop_times.txt: a trip has two stops with the same stop_sequence",
                     "stop_sequence", st["trip_id"][dup].unique().tolist())
    if problems:
        return st
    st = st.sort_values(["trip_id", "stop_sequence"], kind="stable", ignore_index=True)
    # one of arrival/departure given: the other is the same
    st["arrival_s"] = st["arrival_s"].fillna(st["departure_s"])
    st["departure_s"] = st["departure_s"].fillna(st["arrival_s"])
    trip = st["trip_id"].to_numpy()
    start = np.r_[True, trip[1:] != trip[:-1]]
    end = np.r_[trip[1:] != trip[:-1], True]
    untimed_ends = (start | end) & st["arrival_s"].isna().to_numpy()
    if untimed_ends.any():
        problems.add("stop_times.txt: the first and last stop of a trip must have "
                     "arrival and departure times", "arrival_time",
                     np.unique(trip[untimed_ends]).tolist())
        return st
    blank = st["arrival_s"].isna().to_numpy()
    if blank.any():
        _interpolate(st, stops, start, blank)
        notes.append(f"{int(blank.sum()):,} stop times without times (non-timepoints) "
                     "interpolated along their trips by distance")
    arr = st["arrival_s"].to_numpy()
    dep = st["departure_s"].to_numpy()
    back = (dep < arr) | np.r_[False, (arr[1:] < dep[:-1]) & ~start[1:]]
    if back.any():
        problems.add("stop_times.txt: times go backwards along a trip (a departure "
                     "before its arrival, or an arrival before the previous departure); "
                     "fix the times or remove the trips", "arrival_time",
                     np.unique(trip[back]).tolist())
    return st
