"""Travel times checked against networkx's Dijkstra on the same graph.

The independent computation: take the network as a networkx DiGraph, add the area
origin and the site as extra nodes joined to the ends of the street segments they were
snapped to (the partial segment times, in the direction of travel), add the direct
along-segment link when both lie on the same segment, run ``nx.dijkstra_path_length``
from origin to site, and add the two walked snap legs. geoaccess gets the same numbers
from scipy's csgraph on the reversed graph with virtual site nodes, vectorised.
"""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import geoaccess as ga


def _nx_minutes(G: nx.DiGraph, tt: ga.TravelTimes, area: str, site: str) -> float:
    snap = tt.snap
    a = snap.loc[("area" if tt.origins is None else "origin", area)]
    s = snap.loc[("site", site)]
    H = G  # P and Q are added for this query and removed after it
    P, Q = "P", "Q"

    def w(u, v):
        return G[u][v]["weight"] if G.has_edge(u, v) else None

    au, av, t = int(a.node_a), int(a.node_b), float(a.fraction)
    if (x := w(av, au)) is not None:
        H.add_edge(P, au, weight=t * x)
    if (x := w(au, av)) is not None:
        H.add_edge(P, av, weight=(1 - t) * x)
    cu, cv, f = int(s.node_a), int(s.node_b), float(s.fraction)
    if (x := w(cu, cv)) is not None:
        H.add_edge(cu, Q, weight=f * x)
    if (x := w(cv, cu)) is not None:
        H.add_edge(cv, Q, weight=(1 - f) * x)
    if {au, av} == {cu, cv} and au == cu:
        direct = (f - t) * w(au, av) if f >= t and w(au, av) is not None else (
            (t - f) * w(av, au) if f < t and w(av, au) is not None else None)
        if direct is not None:
            H.add_edge(P, Q, weight=min(direct, H[P][Q]["weight"]) if H.has_edge(P, Q)
                       else direct)
    try:
        secs = nx.dijkstra_path_length(H, P, Q, weight="weight")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return np.nan
    finally:
        H.remove_nodes_from([P, Q])
    access = (a.snap_distance_m + s.snap_distance_m) / (tt.provenance["access_speed_kmh"] / 3.6)
    return (secs + access) / 60.0


def _check_pairs(net, tt, n_pairs, seed, relative=False):
    G = net.to_networkx()
    rng = np.random.default_rng(seed)
    areas = tt.minutes.index.to_numpy()
    sites = tt.minutes.columns.to_numpy()
    pairs = {(str(rng.choice(areas)), str(rng.choice(sites))) for _ in range(n_pairs * 3)}
    pairs = sorted(pairs)[:n_pairs]
    diffs = []
    for area, site in pairs:
        expected = _nx_minutes(G, tt, area, site)
        got = tt.minutes.loc[area, site]
        if np.isnan(expected):
            assert np.isnan(got)
        else:
            diffs.append(abs(got - expected) / (max(1.0, expected) if relative else 1.0))
    assert len(diffs) > 0.9 * len(pairs)
    return max(diffs), len(pairs)


def _random_areas(net, n, seed, crs):
    rng = np.random.default_rng(seed)
    x = rng.uniform(np.percentile(net.x, 5), np.percentile(net.x, 95), n)
    y = rng.uniform(np.percentile(net.y, 5), np.percentile(net.y, 95), n)
    return gpd.GeoDataFrame({"area_id": [f"A{i}" for i in range(n)], "pop": 1.0},
                            geometry=gpd.points_from_xy(x, y), crs=crs)


@pytest.mark.parametrize("mode", ["walk", "drive"])
def test_rutland_pairs_equal_networkx(mode, rutland_walk_tt, rutland_drive_tt, rutland_walk,
                                      rutland_drive):
    net, tt = (rutland_walk, rutland_walk_tt) if mode == "walk" else (rutland_drive,
                                                                      rutland_drive_tt)
    largest, n = _check_pairs(net, tt, 200, seed=1)
    assert n == 200
    assert largest < 1e-6


@pytest.mark.parametrize("mode", ["walk", "drive"])
def test_helsinki_pairs_equal_networkx(mode, helsinki_pbf):
    net = ga.Network.from_osm_file(helsinki_pbf, mode=mode)
    areas = ga.read_areas(_random_areas(net, 25, 7, net.crs), population="pop")
    sites = ga.read_sites(_random_areas(net, 12, 8, net.crs).rename(columns={"area_id": "site_id"}))
    tt = ga.travel_times(net, sites, areas, progress=False)
    largest, n = _check_pairs(net, tt, 200, seed=2)
    assert n == 200
    assert largest < 1e-6


def test_one_way_street_differs_by_direction(rutland_drive):
    """Points at both ends of a one-way arc: A→B and B→A differ, and networkx agrees."""
    net = rutland_drive
    G = net.to_networkx()
    main = net.in_main_component()
    candidates = [(u, v, d["weight"]) for u, v, d in G.edges(data=True)
                  if not G.has_edge(v, u) and main[u] and main[v] and d["weight"] > 3]
    assert candidates, "the Rutland drive network has one-way streets"
    u, v, _ = max(candidates, key=lambda c: c[2])
    # points just beside the arc, a fifth of the way in from each end
    ax = net.x[u] + 0.2 * (net.x[v] - net.x[u])
    ay = net.y[u] + 0.2 * (net.y[v] - net.y[u])
    bx = net.x[u] + 0.8 * (net.x[v] - net.x[u])
    by = net.y[u] + 0.8 * (net.y[v] - net.y[u])
    pts = gpd.GeoDataFrame({"id": ["A", "B"], "pop": [1.0, 1.0]},
                           geometry=gpd.points_from_xy([ax, bx], [ay, by]), crs=net.crs)
    areas = ga.read_areas(pts.rename(columns={"id": "area_id"}), population="pop")
    sites = ga.read_sites(pts.rename(columns={"id": "site_id"}))
    tt = ga.travel_times(net, sites, areas, progress=False)
    a_to_b = tt.minutes.loc["A", "B"]
    b_to_a = tt.minutes.loc["B", "A"]
    assert a_to_b < b_to_a  # with the flow is the short way
    assert a_to_b == pytest.approx(0.6 * G[u][v]["weight"] / 60, abs=1e-6)
    assert a_to_b == pytest.approx(_nx_minutes(G, tt, "A", "B"), abs=1e-6)
    assert b_to_a == pytest.approx(_nx_minutes(G, tt, "B", "A"), abs=1e-6)


def test_far_area_is_nan_with_reason(rutland_walk, rutland_sites):
    far = gpd.GeoDataFrame({"area_id": ["near", "far"], "pop": [5.0, 3.0]},
                           geometry=gpd.points_from_xy([486200, 486200 + 60_000],
                                                       [308700, 308700]), crs=27700)
    areas = ga.read_areas(far, population="pop")
    tt = ga.travel_times(rutland_walk, rutland_sites, areas, progress=False)
    assert list(tt.minutes.index) == ["near", "far"]  # nothing dropped
    assert tt.minutes.loc["near"].notna().all()
    assert tt.minutes.loc["far"].isna().all()
    reasons = tt.reasons
    assert set(reasons.area_id) == {"far"}
    assert len(reasons) == len(rutland_sites)
    assert "max_snap_m=500" in reasons.reason.iloc[0]
    assert "m from the nearest walk network edge" in tt.area_reason["far"]


def test_max_minutes_limits_and_explains(rutland_walk, rutland_sites, rutland_areas,
                                         rutland_walk_tt):
    tt = ga.travel_times(rutland_walk, rutland_sites, rutland_areas, max_minutes=20,
                         progress=False)
    full = rutland_walk_tt.minutes
    assert ((full <= 20) == tt.minutes.notna()).all().all()
    pd.testing.assert_frame_equal(tt.minutes[full <= 20], full[full <= 20])
    assert "max_minutes=20" in tt.reasons.reason.iloc[0]


def test_save_load_round_trip(tmp_path, rutland_walk_tt):
    path = rutland_walk_tt.save(tmp_path / "tt.parquet")
    back = ga.TravelTimes.load(path)
    pd.testing.assert_frame_equal(back.minutes, rutland_walk_tt.minutes)
    pd.testing.assert_frame_equal(back.snap, rutland_walk_tt.snap, check_dtype=False,
                                  check_index_type=False)
    assert back.provenance == rutland_walk_tt.provenance
    assert back.mode == "walk"
    assert not list(tmp_path.glob(".*tmp"))  # atomic write left nothing behind


def test_save_load_keeps_reasons(tmp_path):
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"X": [1.0, np.nan]}, index=["a", "b"]))
    back = ga.TravelTimes.load(tt.save(tmp_path / "m.parquet"))
    pd.testing.assert_frame_equal(back.reasons, tt.reasons)


def test_from_frame_long_and_validation():
    long = pd.DataFrame({"from_id": ["E1", "E1", "E2"], "to_id": ["A", "B", "A"],
                         "travel_time": [5, 9, 7]})
    tt = ga.TravelTimes.from_frame(long, area_id="from_id", site_id="to_id",
                                   value="travel_time")
    assert tt.minutes.loc["E2", "A"] == 7
    assert np.isnan(tt.minutes.loc["E2", "B"])
    assert tt.reasons.to_dict("records") == [
        {"area_id": "E2", "site_id": "B", "reason": "no time in the supplied matrix"}]
    with pytest.raises(ga.InputError, match="negative minutes") as err:
        ga.TravelTimes.from_frame(pd.DataFrame({"A": [1.0, -2.0]}, index=["x", "y"]))
    assert err.value.rows == ["y"]
    with pytest.raises(ga.InputError, match="non-numeric"):
        ga.TravelTimes.from_frame(pd.DataFrame({"A": ["1", "soon"]}, index=["x", "y"]))
    with pytest.raises(ga.InputError, match="duplicate area_ids"):
        ga.TravelTimes.from_frame(pd.DataFrame({"A": [1.0, 2.0]}, index=["x", "x"]))
    with pytest.raises(ga.InputError, match="duplicate area-site pairs"):
        ga.TravelTimes.from_frame(pd.concat([long, long.iloc[:1]]), area_id="from_id",
                                  site_id="to_id", value="travel_time")


def test_residential_origins_shorten_rural_walks(rutland_walk, rutland_sites, rutland_areas):
    """Origins at homes are closer to the street network than points in fields."""
    plain = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    tt_plain = ga.travel_times(rutland_walk, rutland_sites, plain, progress=False)
    tt_homes = ga.travel_times(rutland_walk, rutland_sites, rutland_areas, progress=False)
    snap_plain = tt_plain.snap.loc["area"].snap_distance_m
    snap_homes = tt_homes.snap.loc["area"].snap_distance_m
    assert snap_homes.median() < snap_plain.median()
    assert (rutland_areas.origin_method == "residential buildings").sum() >= 20


def test_rutland_home_origins_equal_networkx(rutland_walk, rutland_sites, rutland_areas,
                                            rutland_osm):
    """A matrix over many origins per area (homes, grid points): rows are origins, each
    pair as networkx computes it (float32 storage: 7 significant digits)."""
    homes = ga.build_origins(rutland_areas, osm=rutland_osm)
    tt = ga.travel_times(rutland_walk, rutland_sites, homes, progress=False)
    assert tt.minutes.shape == (len(homes), len(rutland_sites))
    assert tt.minutes.dtypes.eq(np.float32).all() and tt.minutes.index.name == "origin_id"
    assert list(tt.area_ids) == rutland_areas["area_id"].tolist()
    assert tt.snap.loc["origin"].shape[0] == len(homes)
    largest, n = _check_pairs(rutland_walk, tt, 150, seed=3, relative=True)
    assert n == 150 and largest < 1e-6                      # relative error of float32
    # one origin per area at the area's point gives the area matrix
    one = ga.build_origins(rutland_areas, method="centroid")
    tt_one = ga.travel_times(rutland_walk, rutland_sites, one, progress=False)
    tt_area = ga.travel_times(rutland_walk, rutland_sites, rutland_areas, progress=False)
    np.testing.assert_allclose(tt_one.minutes.to_numpy(np.float64), tt_area.values,
                               rtol=1e-6)


def test_snapping_unbounded_second_pass_gives_the_distance(rutland_walk, rutland_sites):
    """Points beyond max_snap_m are found by a second, unbounded query: their reason
    says how far the network is, the same distance as a direct query for them."""
    import shapely

    from geoaccess import _snap

    segs = _snap.segments(rutland_walk)
    x = np.array([float(rutland_walk.x[0]), float(rutland_walk.x[0]) + 5_000.0, np.nan])
    y = np.array([float(rutland_walk.y[0]), float(rutland_walk.y[0]), 0.0])
    sn = _snap.snap(segs, rutland_walk, x, y, 500.0)
    assert sn.seg.tolist()[1:] == [-1, -1] and sn.seg[0] >= 0
    direct = segs.tree.query_nearest(shapely.points(x[1], y[1]), return_distance=True)[1][0]
    assert sn.nearest_m[1] == pytest.approx(direct)
    reasons = _snap.unsnapped_reasons(sn, "origin", "walk", 500.0, pd.Index(list("abc")))
    assert reasons["b"] == (f"origin is {direct:,.0f} m from the nearest walk network edge "
                            "(max_snap_m=500)")
    assert reasons["c"] == "origin has no valid location" and pd.isna(reasons["a"])
