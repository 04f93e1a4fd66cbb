"""Reading GTFS feeds: real feeds checked against the raw files, bad feeds named clearly."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess.errors import InputError
from geoaccess.gtfs import parse_gtfs_time, read_gtfs

# A tiny valid feed: two stops 1 km apart on a weekday service, one trip 07:00 -> 07:10
BASE = {
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
                 "P,Park,51.5000,-0.1000,0,\n"
                 "Q,Quay,51.5090,-0.1000,0,\n"
                 "STN,Station,51.5090,-0.1000,1,\n",
    "routes.txt": "route_id,route_short_name,route_type\nR1,1,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                      "T1,07:00:00,07:00:00,P,1\n"
                      "T1,07:10:00,07:10:00,Q,2\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                    "start_date,end_date\nWK,1,1,1,1,1,0,0,20240101,20241231\n",
}


def write_feed(folder: Path, **changes: str | None) -> Path:
    """Write BASE with some files replaced (name_txt=...) or removed (None)."""
    files = dict(BASE)
    for key, text in changes.items():
        name = key.replace("_txt", ".txt")
        if text is None:
            files.pop(name, None)
        else:
            files[name] = text
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_parse_gtfs_time():
    """07:05:00 = 7*3600 + 5*60 = 25,500 s; 25:30:00 = 91,800 s (next morning, valid)."""
    got = parse_gtfs_time(["07:05:00", "7:05:00", "25:30:00", "", " 00:00:01 "])
    assert got[:3].tolist() == [25_500.0, 25_500.0, 91_800.0]
    assert np.isnan(got[3])
    assert got[4] == 1.0
    with pytest.raises(ValueError, match="7h05"):
        parse_gtfs_time(["7h05"])


def test_tiny_feed_read_as_written(tmp_path):
    feed = read_gtfs(write_feed(tmp_path / "f"), name="tiny")
    assert feed.name == "tiny"
    assert feed.service_range == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert feed.services_on("2024-03-05") == {"WK"}  # a Tuesday
    assert feed.services_on(dt.date(2024, 3, 9)) == set()  # a Saturday
    st = feed.stop_times_on("2024-03-05")
    assert st["departure_s"].tolist() == [25_200.0, 25_800.0]
    assert st["stop_id"].tolist() == ["P", "Q"]
    # the only note: the station STN, which no trip serves (information, no warning)
    assert len(feed.notes) == 1 and "'STN'" in feed.notes[0]
    assert feed.check()["kind"].tolist() == ["unused_stop"]


def test_zip_with_files_in_a_folder(tmp_path):
    folder = write_feed(tmp_path / "f")
    path = tmp_path / "feed.zip"
    with zipfile.ZipFile(path, "w") as z:
        for p in folder.iterdir():
            z.write(p, f"gtfs_export/{p.name}")
    feed = read_gtfs(path)
    assert feed.name == "feed"
    assert len(feed.stop_times) == 2
    assert feed.sha256 is not None


def test_missing_required_file(tmp_path):
    with pytest.raises(InputError, match=r"missing \['stops.txt'\]"):
        read_gtfs(write_feed(tmp_path / "f", stops_txt=None))


def test_missing_calendar(tmp_path):
    with pytest.raises(InputError, match="calendar.txt or calendar_dates.txt"):
        read_gtfs(write_feed(tmp_path / "f", calendar_txt=None))


def test_missing_required_column(tmp_path):
    text = "trip_id,arrival_time,stop_id,stop_sequence\nT1,07:00:00,P,1\nT1,07:10:00,Q,2\n"
    with pytest.raises(InputError, match="departure_time") as info:
        read_gtfs(write_feed(tmp_path / "f", stop_times_txt=text))
    assert info.value.column == "departure_time"


def test_not_a_feed(tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_text("hello")
    with pytest.raises(InputError, match="not a GTFS zip"):
        read_gtfs(bad)
    with pytest.raises(InputError, match="not found"):
        read_gtfs(tmp_path / "absent.zip")


def test_times_past_midnight(tmp_path):
    """A 23:50 -> 24:20 trip runs 30 minutes into the next day.

    On its own date: 23:50 = 85,800 s and 24:20 = 87,600 s. On the next date it is
    included from the previous day, 24 h earlier: -600 s and 1,200 s (on Saturday, with
    no service of its own, only that run).
    """
    st_text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
               "T1,23:50:00,23:50:00,P,1\nT1,24:20:00,24:20:00,Q,2\n")
    feed = read_gtfs(write_feed(tmp_path / "f", stop_times_txt=st_text))
    friday = feed.stop_times_on("2024-03-08").set_index("trip_id")
    assert friday.loc["T1", "arrival_s"].tolist() == [85_800.0, 87_600.0]
    # Thursday's run is still on the road on Friday morning
    assert friday.loc["T1~prev", "arrival_s"].tolist() == [-600.0, 1_200.0]
    saturday = feed.stop_times_on("2024-03-09")
    assert saturday["arrival_s"].tolist() == [-600.0, 1_200.0]
    assert saturday["trip_id"].unique().tolist() == ["T1~prev"]
    # a trip ending before midnight is not carried into the next day
    monday = read_gtfs(write_feed(tmp_path / "g")).stop_times_on("2024-03-09")
    assert len(monday) == 0


def test_bad_time_format(tmp_path):
    st_text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
               "T1,7h00,07:00:00,P,1\nT1,07:10:00,07:10:00,Q,2\n")
    with pytest.raises(InputError, match="7h00") as info:
        read_gtfs(write_feed(tmp_path / "f", stop_times_txt=st_text))
    assert "T1" in info.value.rows


def test_times_going_backwards(tmp_path):
    st_text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
               "T1,07:10:00,07:10:00,P,1\nT1,07:00:00,07:00:00,Q,2\n")
    with pytest.raises(InputError, match="backwards") as info:
        read_gtfs(write_feed(tmp_path / "f", stop_times_txt=st_text))
    assert info.value.rows == ["T1"]


def test_untimed_last_stop(tmp_path):
    st_text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
               "T1,07:00:00,07:00:00,P,1\nT1,,,Q,2\n")
    with pytest.raises(InputError, match="first and last stop"):
        read_gtfs(write_feed(tmp_path / "f", stop_times_txt=st_text))


def test_unknown_references_all_reported(tmp_path):
    st_text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
               "T1,07:00:00,07:00:00,P,1\nT1,07:10:00,07:10:00,NOPE,2\n"
               "T9,07:00:00,07:00:00,P,1\n")
    trips = "route_id,service_id,trip_id\nR1,WK,T1\nRX,WK,T2\n"
    with pytest.raises(InputError) as info:
        read_gtfs(write_feed(tmp_path / "f", stop_times_txt=st_text, trips_txt=trips))
    msg = str(info.value)
    # every problem in one message: unknown route, unknown trip, unknown stop
    assert "'RX'" in msg and "'T9'" in msg and "'NOPE'" in msg
    assert len(info.value.problems) == 3


def test_stops_without_coordinates(tmp_path):
    """Q has no coordinates but a parent station with them: it takes the station's.

    Z has none and no parent: it stays in the timetable but is listed in the notes.
    """
    stops = ("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
             "P,Park,51.5,-0.1,0,\nQ,Quay,,,0,STN\nSTN,Station,51.509,-0.1,1,\n"
             "Z,Nowhere,,,0,\n")
    st_text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
               "T1,07:00:00,07:00:00,P,1\nT1,07:05:00,07:05:00,Z,2\n"
               "T1,07:10:00,07:10:00,Q,3\n")
    feed = read_gtfs(write_feed(tmp_path / "f", stops_txt=stops, stop_times_txt=st_text))
    q = feed.stops.set_index("stop_id").loc["Q"]
    assert (q["stop_lat"], q["stop_lon"]) == (51.509, -0.1)
    assert np.isnan(feed.stops.set_index("stop_id").loc["Z", "stop_lat"])
    assert any("'Z'" in n and "no coordinates" in n for n in feed.notes)
    assert len(feed.stop_times_on("2024-03-05")) == 3


def test_bad_coordinates(tmp_path):
    stops = ("stop_id,stop_name,stop_lat,stop_lon\nP,Park,151.5,-0.1\nQ,Quay,x,-0.1\n")
    with pytest.raises(InputError, match="stop_lat") as info:
        read_gtfs(write_feed(tmp_path / "f", stops_txt=stops))
    assert set(info.value.rows) == {"P", "Q"}


def test_date_outside_calendar(tmp_path):
    feed = read_gtfs(write_feed(tmp_path / "f"))
    with pytest.raises(InputError, match=r"2030-01-07 is outside .*2024-01-01 to 2024-12-31"):
        feed.stop_times_on("2030-01-07")
    with pytest.raises(InputError, match="not a date"):
        feed.stop_times_on("next Tuesday")


def test_calendar_dates_exceptions(tmp_path):
    """WK runs on weekdays but not on 2024-03-05 (exception 2); EX runs only on a Sunday."""
    cd = "service_id,date,exception_type\nWK,20240305,2\nEX,20240310,1\n"
    trips = "route_id,service_id,trip_id\nR1,WK,T1\nR1,EX,T2\n"
    st_text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
               "T1,07:00:00,07:00:00,P,1\nT1,07:10:00,07:10:00,Q,2\n"
               "T2,09:00:00,09:00:00,P,1\nT2,09:10:00,09:10:00,Q,2\n")
    feed = read_gtfs(write_feed(tmp_path / "f", calendar_dates_txt=cd, trips_txt=trips,
                                stop_times_txt=st_text))
    assert feed.services_on("2024-03-05") == set()
    assert feed.services_on("2024-03-06") == {"WK"}
    assert feed.services_on("2024-03-10") == {"EX"}
    assert feed.stop_times_on("2024-03-10")["trip_id"].unique().tolist() == ["T2"]


def test_calendar_dates_only(tmp_path):
    cd = "service_id,date,exception_type\nWK,20240305,1\n"
    feed = read_gtfs(write_feed(tmp_path / "f", calendar_txt=None, calendar_dates_txt=cd))
    assert feed.service_range == (dt.date(2024, 3, 5), dt.date(2024, 3, 5))
    assert len(feed.stop_times_on("2024-03-05")) == 2


def test_interpolation_by_distance(tmp_path):
    """M lies 1/3 of the way from P to Q (333 m of 1 km): 07:00 + 10 min / 3 = 07:03:20.

    P at lat 51.500, M at 51.503, Q at 51.509 on one meridian: distances are
    proportional to the latitude differences (3 of 9), so M is timed 200 s after P.
    """
    stops = ("stop_id,stop_name,stop_lat,stop_lon\nP,Park,51.500,-0.1\n"
             "M,Mid,51.503,-0.1\nQ,Quay,51.509,-0.1\n")
    st_text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
               "T1,07:00:00,07:00:00,P,1\nT1,,,M,2\nT1,07:10:00,07:10:00,Q,3\n")
    feed = read_gtfs(write_feed(tmp_path / "f", stops_txt=stops, stop_times_txt=st_text))
    mid = feed.stop_times.set_index("stop_id").loc["M"]
    assert mid["arrival_s"] == pytest.approx(25_200 + 200, abs=0.5)
    assert any("interpolated" in n for n in feed.notes)


def test_frequencies_expanded(tmp_path):
    """Every 10 minutes from 07:00 to before 07:30: runs at 07:00, 07:10, 07:20.

    The template trip (07:00 -> 07:10) gives each run the same 10-minute ride.
    """
    freq = "trip_id,start_time,end_time,headway_secs,exact_times\nT1,07:00:00,07:30:00,600,1\n"
    feed = read_gtfs(write_feed(tmp_path / "f", frequencies_txt=freq))
    st = feed.stop_times_on("2024-03-05")
    firsts = st.groupby("trip_id")["departure_s"].min().sort_values()
    assert (firsts.to_numpy() / 60).tolist() == [420.0, 430.0, 440.0]
    lasts = st.groupby("trip_id")["arrival_s"].max().sort_values()
    assert ((lasts - firsts).to_numpy() == 600).all()


def test_bad_frequencies(tmp_path):
    freq = "trip_id,start_time,end_time,headway_secs\nT1,07:00:00,07:30:00,0\nT7,07:00:00,x,60\n"
    with pytest.raises(InputError, match="headway_secs") as info:
        read_gtfs(write_feed(tmp_path / "f", frequencies_txt=freq))
    assert "T7" in str(info.value)


# ------------------------------------------------------------------- real feeds
@pytest.fixture(scope="module")
def poa(shared_data):
    return shared_data / "porto-alegre"


def test_trensurb_matches_raw_files(poa):
    """Trips on Monday 2019-05-13 counted from the raw calendar and trips tables."""
    path = poa / "poa_trensurb.zip"
    feed = read_gtfs(path)
    with zipfile.ZipFile(path) as z:
        cal = pd.read_csv(z.open("calendar.txt"), dtype=str)
        trips = pd.read_csv(z.open("trips.txt"), dtype=str)
        cd = (pd.read_csv(z.open("calendar_dates.txt"), dtype=str)
              if "calendar_dates.txt" in z.namelist() else pd.DataFrame(
                  columns=["service_id", "date", "exception_type"]))
    running = set(cal.loc[(cal["monday"] == "1") & (cal["start_date"] <= "20190513")
                          & (cal["end_date"] >= "20190513"), "service_id"])
    today = cd[cd["date"] == "20190513"]
    running |= set(today.loc[today["exception_type"] == "1", "service_id"])
    running -= set(today.loc[today["exception_type"] == "2", "service_id"])
    expected = trips.loc[trips["service_id"].isin(running), "trip_id"]
    st = feed.stop_times_on("2019-05-13")
    assert set(st["trip_id"].str.replace("~prev", "", regex=False)) >= set(expected)
    assert (len(feed.stops), len(feed.routes), len(feed.trips)) == (24, 2, 1248)


def test_eptc_times_interpolated(poa):
    feed = read_gtfs(poa / "poa_eptc.zip", name="bus")
    assert feed.stop_times["arrival_s"].notna().all()
    # along every trip, times never decrease
    st = feed.stop_times
    same = st["trip_id"].to_numpy()[1:] == st["trip_id"].to_numpy()[:-1]
    assert (np.diff(st["arrival_s"].to_numpy())[same] >= 0).all()
    with pytest.raises(InputError, match="outside the feed's calendar"):
        feed.stop_times_on("2020-05-13")


def test_helsinki_frequencies_expanded(shared_data):
    """Runs per frequency row = ceil((end - start) / headway), from the raw file."""
    path = shared_data / "helsinki" / "hsl-gtfs-2022-02-22.zip"
    feed = read_gtfs(path)
    with zipfile.ZipFile(path) as z:
        raw = pd.read_csv(z.open("frequencies.txt"), dtype=str)
    start = parse_gtfs_time(raw["start_time"])
    end = parse_gtfs_time(raw["end_time"])
    runs = np.ceil((end - start) / raw["headway_secs"].astype(float)).sum()
    st = feed.stop_times_on("2022-02-22")
    generated = st.loc[st["trip_id"].str.contains("~", regex=False), "trip_id"].nunique()
    assert generated == runs
    assert (raw["headway_secs"].astype(int) > 32_767).any()  # the rows gtfs-kit rejects


def test_public_api():
    assert ga.read_gtfs is read_gtfs
    assert ga.GTFSFeed.__name__ == "GTFSFeed"


# ------------------------------------------------- Bus Open Data Service: Chester
def _haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle km on a sphere of radius 6,371.0088 km (the test's own formula)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


@pytest.fixture(scope="module")
def chester_path(shared_data):
    return shared_data / "chester" / "chester-20230816-small_gtfs.zip"


@pytest.fixture(scope="module")
def chester(chester_path):
    with pytest.warns(ga.DataWarning, match="5120WD22102"):
        return read_gtfs(chester_path)


@pytest.fixture(scope="module")
def chester_raw(chester_path):
    with zipfile.ZipFile(chester_path) as z:
        return {n: pd.read_csv(z.open(f"{n}.txt"), dtype=str, keep_default_na=False)
                for n in ("stops", "stop_times", "trips", "routes", "agency", "calendar")}


def test_chester_trips_by_day(chester, chester_raw):
    """Trips on Wednesday 2023-08-16, Saturday 19th and Sunday 20th, counted from the
    raw calendar (no calendar_dates rows): 804, 159 and 23."""
    cal, trips = chester_raw["calendar"], chester_raw["trips"]
    got, want = [], []
    for day, col in (("20230816", "wednesday"), ("20230819", "saturday"),
                     ("20230820", "sunday")):
        on = cal.loc[(cal[col] == "1") & (cal["start_date"] <= day)
                     & (cal["end_date"] >= day), "service_id"]
        want.append(int(trips["service_id"].isin(on).sum()))
        got.append(len(chester.trips_on(f"{day[:4]}-{day[4:6]}-{day[6:]}")))
    assert got == want == [804, 159, 23]


def test_chester_checks_match_raw_files(chester, chester_raw):
    """Every check recomputed from the raw text files with the rules as documented.

    - far: a stop more than max(10 km, 20 x the median of served stops' nearest-served-
      neighbour km) from the nearest other served stop: the stray 'Sealand School' and 22
      unused coach stations;
    - fast hops: consecutive stops (by stop_sequence) whose distance over (scheduled
      minutes + 1) exceeds 150 km/h: 6 hops, all on 3 trips of Selwyn's Travel 811;
    - misplaced: the stop whose every hop on a trip is fast: only the stray;
    - unused: stops no stop time names: 27, all stations;
    - after midnight: stop times with an hour of 24 or more: 36.
    """
    problems = chester.check()
    stops, st = chester_raw["stops"], chester_raw["stop_times"]
    lon = stops["stop_lon"].astype(float).to_numpy()
    lat = stops["stop_lat"].astype(float).to_numpy()
    served = stops["stop_id"].isin(st["stop_id"]).to_numpy()
    km = _haversine_km(lon[:, None], lat[:, None], lon[served][None, :], lat[served][None, :])
    ids = stops["stop_id"].to_numpy()
    km[ids[:, None] == ids[served][None, :]] = np.inf  # not itself
    nearest = km.min(axis=1)
    bound = max(10.0, 20 * np.median(nearest[served]))
    assert bound == 10.0  # neighbouring stops are a few hundred metres apart
    far = set(ids[nearest > bound])
    assert set(problems.loc[problems["kind"] == "far_stop", "stop_id"]) == far
    assert len(far) == 23 and len(far - set(ids[served])) == 22
    assert far & set(ids[served]) == {"5120WD22102"}
    unused = set(ids[~served])
    assert set(problems.loc[problems["kind"] == "unused_stop", "stop_id"]) == unused
    assert len(unused) == 27
    assert set(stops.loc[~served, "location_type"]) == {"1"}

    st = st.assign(seq=st["stop_sequence"].astype(int)).sort_values(["trip_id", "seq"])
    where = stops.set_index("stop_id")
    lo = st["stop_id"].map(where["stop_lon"]).astype(float).to_numpy()
    la = st["stop_id"].map(where["stop_lat"]).astype(float).to_numpy()
    t = parse_gtfs_time(st["arrival_time"])
    d = parse_gtfs_time(st["departure_time"])
    same = st["trip_id"].to_numpy()[1:] == st["trip_id"].to_numpy()[:-1]
    kmh = _haversine_km(lo[:-1], la[:-1], lo[1:], la[1:]) / ((np.maximum(t[1:] - d[:-1], 0)
                                                              + 60) / 3600)
    fast = same & (kmh > 150)
    hops = problems[problems["kind"] == "fast_hop"]
    assert sorted(zip(hops["trip_id"], hops["stop_id"], hops["to_stop_id"], strict=True)) == \
        sorted(zip(st["trip_id"].to_numpy()[:-1][fast], st["stop_id"].to_numpy()[:-1][fast],
                   st["stop_id"].to_numpy()[1:][fast], strict=True))
    assert fast.sum() == 6 and hops["trip_id"].nunique() == 3
    info = (chester_raw["trips"].merge(chester_raw["routes"], on="route_id")
            .merge(chester_raw["agency"], on="agency_id").set_index("trip_id"))
    assert set(info.loc[hops["trip_id"], "route_short_name"]) == {"811"}
    assert set(info.loc[hops["trip_id"], "agency_name"]) == {"Selwyn's Travel"}
    assert (kmh[fast] > 10_000).all()  # about 496 km in a minute or two
    assert chester.misplaced_stops() == ["5120WD22102"]
    late = (st["arrival_time"].str[:2].astype(int) >= 24) | (
        st["departure_time"].str[:2].astype(int) >= 24)
    assert (problems["kind"] == "after_midnight").sum() == late.sum() == 36
    # severities: what a user must act on is a warning, the rest is information
    assert set(problems.loc[problems["severity"] == "warning", "kind"]) == {
        "far_stop", "fast_hop", "misplaced_stop"}
    # the notes say it in words
    assert any("5120WD22102" in n and "misplaced" in n for n in chester.notes)


def test_chester_bounds_and_cleaning(chester, chester_raw):
    """The feed's bounds leave the stray and the far stations out: they are the box of
    the served stops less the stray (Chester, Wirral, Deeside, Wrexham, Denbighshire),
    not most of southern Britain. Removing the far stops leaves a feed with no warning
    and the same 804 trips; the 811 trips then run straight from the stop before the
    stray to the one after, at a believable speed."""
    stops, st = chester_raw["stops"], chester_raw["stop_times"]
    used = stops[stops["stop_id"].isin(st["stop_id"]) & (stops["stop_id"] != "5120WD22102")]
    lon, lat = used["stop_lon"].astype(float), used["stop_lat"].astype(float)
    assert chester.bounds == pytest.approx((lon.min(), lat.min(), lon.max(), lat.max()))
    assert -3.40 < chester.bounds[0] and chester.bounds[2] < -2.68
    assert 52.97 < chester.bounds[1] and chester.bounds[3] < 53.42
    problems = chester.check()
    odd = problems.loc[problems["kind"].isin(["far_stop", "misplaced_stop"]), "stop_id"]
    clean = chester.without_stops(odd)
    assert len(clean.stops) == len(chester.stops) - 23
    assert len(clean.stop_times) == len(chester.stop_times) - 3
    assert len(clean.trips_on("2023-08-16")) == 804
    again = clean.check()
    assert not (again["severity"] == "warning").any()
    assert set(again["kind"]) == {"unused_stop", "after_midnight"}
    assert any("23 stops removed" in n for n in clean.notes)
    trip = problems.loc[problems["kind"] == "fast_hop", "trip_id"].iloc[0]
    rows = clean.stop_times[clean.stop_times["trip_id"] == trip].reset_index(drop=True)
    i = int(np.nonzero((rows["stop_id"] == "5120AWF80670").to_numpy())[0][0])
    nxt = rows.loc[i + 1]
    where = stops.set_index("stop_id")
    km = _haversine_km(*(float(where.loc[s, c]) for s in ("5120AWF80670", nxt["stop_id"])
                         for c in ("stop_lon", "stop_lat")))
    hours = (nxt["arrival_s"] - rows.loc[i, "departure_s"] + 60) / 3600
    assert nxt["stop_id"] == "5120WDB47544" and km / hours < 60
    with pytest.raises(InputError, match="NOT-A-STOP"):
        chester.without_stops(["NOT-A-STOP"])


def test_real_feeds_without_false_alarms(shared_data):
    """Porto Alegre's bus and metro and Helsinki's trams, buses and metro raise no
    far-stop, fast-hop or misplaced-stop warning (reading them warns of nothing)."""
    for path in (shared_data / "porto-alegre" / "poa_trensurb.zip",
                 shared_data / "helsinki" / "hsl-gtfs-2022-02-22.zip"):
        problems = ga.check_gtfs(path)
        assert not (problems["severity"] == "warning").any(), path.name


def test_check_spike_and_ends(tmp_path):
    """A hand-made feed: stop X is keyed 1 degree of latitude (111 km) north of the
    line P-M-Q. On trip T1 (P, X, Q, 2 min apart) both hops to and from X imply about
    111 km in 3 min = 2,200 km/h: two fast hops, and X, the middle of the spike, is
    misplaced (P and Q have no other hop on T1 and are normal on T2). T3 ends at X
    (P, M, X): M -> X is fast and P -> M normal, so again X is to blame. X is also far
    (111 km from the nearest other served stop; the bound is 10 km)."""
    stops = ("stop_id,stop_name,stop_lat,stop_lon\nP,Park,51.500,-0.1\n"
             "M,Mid,51.503,-0.1\nQ,Quay,51.509,-0.1\nX,Stray,52.503,-0.1\n")
    st_text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
               "T1,07:00:00,07:00:00,P,1\nT1,07:02:00,07:02:00,X,2\n"
               "T1,07:04:00,07:04:00,Q,3\n"
               "T2,08:00:00,08:00:00,P,1\nT2,08:02:00,08:02:00,M,2\n"
               "T2,08:04:00,08:04:00,Q,3\n"
               "T3,09:00:00,09:00:00,P,1\nT3,09:02:00,09:02:00,M,2\n"
               "T3,09:04:00,09:04:00,X,3\n")
    trips = "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T2\nR1,WK,T3\n"
    with pytest.warns(ga.DataWarning, match="misplaced"):
        feed = read_gtfs(write_feed(tmp_path / "f", stops_txt=stops, stop_times_txt=st_text,
                                    trips_txt=trips))
    p = feed.check()
    assert sorted(zip(p.loc[p["kind"] == "fast_hop", "stop_id"],
                      p.loc[p["kind"] == "fast_hop", "to_stop_id"], strict=True)) == [
        ("M", "X"), ("P", "X"), ("X", "Q")]
    assert feed.misplaced_stops() == ["X"]
    mis = p[p["kind"] == "misplaced_stop"].iloc[0]
    assert "2 trips" in mis["detail"]
    assert set(p.loc[p["kind"] == "far_stop", "stop_id"]) == {"X"}
    assert feed.bounds == pytest.approx((-0.1, 51.5, -0.1, 51.509))
