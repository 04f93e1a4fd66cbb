"""National runs on the real Rutland walk network: the same times as travel_times, in parts.

Every check compares a national run (site chunks or tiles, in-process or on a 2-worker
Dask ``LocalCluster``) with the single-process :func:`geoaccess.travel_times` matrix of
the same inputs, or with a brute-force computation on that dense matrix.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

import geoaccess as ga
from geoaccess.errors import InputError
from geoaccess.national._tiles import plan_parts, search_buffer_m, top_speed_ms

MAX_MINUTES = 60.0


@pytest.fixture(scope="module")
def single(rutland_walk, rutland_sites, rutland_areas):
    return ga.travel_times(rutland_walk, rutland_sites, rutland_areas, progress=False,
                           max_minutes=MAX_MINUTES)


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def tiled(tmp_path_factory, client, rutland_walk, rutland_sites, rutland_areas):
    out = tmp_path_factory.mktemp("national") / "tiles"
    return ga.national_travel_times(rutland_walk, rutland_sites, rutland_areas,
                                    max_minutes=MAX_MINUTES, partition="tiles", chunk_size=8,
                                    region="ward", client=client, out=out, progress=False)


def _brute_k(values: np.ndarray, k: int) -> np.ndarray:
    """Keep the k smallest finite values of each row (ties: first column), NaN elsewhere."""
    out = np.full_like(values, np.nan)
    for i, row in enumerate(values):
        finite = np.nonzero(np.isfinite(row))[0]
        keep = finite[np.argsort(row[finite], kind="stable")[:k]]
        out[i, keep] = row[keep]
    return out


def test_site_chunks_in_process_equal_travel_times(tmp_path, rutland_walk, rutland_sites,
                                                   rutland_areas, single):
    run = ga.national_travel_times(rutland_walk, rutland_sites, rutland_areas,
                                   max_minutes=MAX_MINUTES, partition="sites", chunk_size=10,
                                   out=tmp_path / "walk", progress=False)
    assert run.stats["parts"] == 4  # 36 sites in chunks of 10
    tt = run.read(sites=list(single.site_ids))
    # the same searches: equal to the last bits (the numba engine contracts chains around
    # the sites of a call, so a chunk of sites can add the same arcs in another order)
    assert np.array_equal(np.isnan(tt.values), np.isnan(single.values))
    np.testing.assert_allclose(tt.values, single.values, rtol=1e-14, atol=0)
    assert tt.reasons.equals(single.reasons)
    long = run.long()
    finite = np.isfinite(single.values)
    assert long["site_id"].notna().sum() == finite.sum()
    # every area appears; those with no site within the bound once, with a reason
    assert set(long["origin_id"]) == set(single.area_ids)
    none = single.area_ids[~finite.any(axis=1)]
    assert len(none) > 0
    empty = long[long["site_id"].isna()].set_index("origin_id")
    assert sorted(empty.index) == sorted(none)
    assert empty["minutes"].isna().all()
    assert (empty["reason"] == "no site within max_minutes=60 by walk").all()


def test_tiles_on_local_cluster_equal_travel_times(tiled, single):
    tt = tiled.read(sites=list(single.site_ids))
    assert list(tt.area_ids) == list(single.area_ids)
    a, b = tt.values, single.values
    assert np.array_equal(np.isnan(a), np.isnan(b))
    # clipped networks can contract chains differently: equal to far below a microsecond
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)
    assert tt.reasons.equals(single.reasons)
    parts = tiled.stats["parts_detail"]
    assert len(parts) == tiled.stats["parts"] >= 5
    # each tile routes on part of the county and from part of its areas
    assert max(p["nodes"] for p in parts) < single.provenance["nodes"]
    assert min(p["rows"] for p in parts) < len(single.area_ids)


def test_read_one_region(tiled, single, rutland_areas):
    ward = str(rutland_areas["ward"].iloc[0])
    ids = rutland_areas.loc[rutland_areas["ward"] == ward, "area_id"].astype(str).tolist()
    tt = tiled.read(ward, sites=list(single.site_ids))
    assert list(tt.area_ids) == ids
    expected = single.subset(areas=ids)
    np.testing.assert_allclose(tt.values, expected.values, rtol=0, atol=1e-9)
    # default columns: the sites with a time from the region, in site order
    reached = single.site_ids[np.isfinite(expected.values).any(axis=0)]
    assert list(tiled.read(ward).site_ids) == list(reached)
    assert sorted(tiled.regions) == sorted(rutland_areas["ward"].astype(str).unique())
    with pytest.raises(InputError, match="unknown regions"):
        tiled.read("Atlantis")
    with pytest.raises(InputError, match="unknown site ids"):
        tiled.read(ward, sites=["nope"])


def test_k_nearest_against_brute_force(tmp_path, client, rutland_walk, rutland_sites,
                                       rutland_areas, single):
    for k, partition, where in ((3, "tiles", client), (1, "sites", None)):
        run = ga.national_travel_times(rutland_walk, rutland_sites, rutland_areas,
                                       max_minutes=MAX_MINUTES, k_nearest=k,
                                       partition=partition, chunk_size=7, client=where,
                                       out=tmp_path / f"k{k}", progress=False)
        tt = run.read(sites=list(single.site_ids))
        np.testing.assert_allclose(tt.values, _brute_k(single.values, k), rtol=0, atol=1e-9)
        long = run.long()
        assert long.groupby("origin_id").size().max() <= k
        assert long["origin_id"].nunique() == len(single.area_ids)
        assert f"not among the {k} nearest sites" in tt.pair_reason


def test_unsnapped_and_unreached_origins_keep_their_reasons(tmp_path, rutland_walk,
                                                             rutland_sites):
    # area centroids: one lies beyond max_snap_m of the walk network
    areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    single = ga.travel_times(rutland_walk, rutland_sites, areas, progress=False,
                             max_minutes=10)
    assert single.area_reason.notna().sum() == 1
    run = ga.national_travel_times(rutland_walk, rutland_sites, areas, max_minutes=10,
                                   out=tmp_path / "ten", chunk_size=12, progress=False)
    tt = run.read(sites=list(single.site_ids))
    np.testing.assert_allclose(tt.values, single.values, rtol=0, atol=1e-9)
    assert tt.area_reason.equals(single.area_reason)
    assert tt.reasons.equals(single.reasons)
    empty = run.long().query("site_id.isna()").set_index("origin_id")["reason"]
    unsnapped = single.area_reason.dropna()
    assert empty[unsnapped.index[0]] == unsnapped.iloc[0]
    others = empty.drop(unsnapped.index)
    assert len(others) > 0 and (others == "no site within max_minutes=10 by walk").all()
    assert set(empty.index) == set(single.area_ids[~np.isfinite(single.values).any(axis=1)])



def test_home_origins_by_ward(tmp_path, rutland_osm, rutland_walk, rutland_sites):
    """Many origins per area (homes): the same float32 matrix and weights, read by ward."""
    areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    homes = ga.build_origins(areas, osm=rutland_osm)
    homes = homes.merge(areas[["area_id", "ward"]], on="area_id")
    single = ga.travel_times(rutland_walk, rutland_sites, homes, progress=False,
                             max_minutes=20)
    run = ga.national_travel_times(rutland_walk, rutland_sites, homes, max_minutes=20,
                                   region="ward", chunk_size=9, out=tmp_path / "homes",
                                   progress=False)
    tt = run.read(sites=list(single.site_ids))
    assert tt.minutes.dtypes.iloc[0] == np.float32 and tt.origins is not None
    assert np.array_equal(np.isnan(tt.values), np.isnan(single.values))
    np.testing.assert_allclose(tt.values, single.values, rtol=1e-6)
    pd.testing.assert_frame_equal(tt.origins, single.origins)
    ward = "Oakham South"
    ids = areas.loc[areas["ward"] == ward, "area_id"].tolist()
    mine = run.read(ward, sites=list(single.site_ids))
    assert list(mine.area_ids) == ids and len(mine.row_ids) == (homes["ward"] == ward).sum()
    scen = ga.Scenario.from_sites(rutland_sites)
    got = ga.evaluate(mine, areas[areas["ward"] == ward], scen, population="children_0_4",
                      thresholds=[10, 20]).summary
    exp = ga.evaluate(single.subset(areas=ids), areas[areas["ward"] == ward], scen,
                      population="children_0_4", thresholds=[10, 20]).summary
    pd.testing.assert_frame_equal(got, exp, rtol=1e-6)
    # a region must hold whole areas, or the weights of an area would be split
    split = homes.assign(half=np.arange(len(homes)) % 2)
    with pytest.raises(InputError, match="lie in several regions") as err:
        ga.national_travel_times(rutland_walk, rutland_sites, split, max_minutes=20,
                                 region="half", out=tmp_path / "split", progress=False)
    assert err.value.column == "half"

def test_buffer_is_the_reach_of_the_longest_journey(tmp_path, caplog, rutland_walk,
                                                    rutland_sites, rutland_areas, single):
    # two nodes 90 m apart, 60 s one way and 30 s back: 3 m/s at best
    net = ga.Network.from_arcs([0, 1], [1, 0], [60.0, 30.0], np.array([0.0, 90.0]),
                               np.zeros(2), crs="EPSG:27700", mode="walk")
    assert top_speed_ms(net) == 3.0
    assert search_buffer_m(net, 10, access_speed_kmh=3.6) == 1800.0  # 10 min at 3 m/s
    assert search_buffer_m(net, 10, access_speed_kmh=36.0) == 6000.0  # access is faster
    # Rutland walk: every street is walked at 4.8 km/h; arc seconds come from lengths on
    # the ellipsoid, straight lines from British National Grid metres, which differ by
    # the grid's scale (a few parts in a thousand): the buffer is measured, not assumed
    assert top_speed_ms(rutland_walk) == pytest.approx(4.8 / 3.6, rel=0.005)
    assert top_speed_ms(rutland_walk) > 4.8 / 3.6
    # a buffer too small misses journeys, and says so
    with caplog.at_level(logging.WARNING, logger="geoaccess.national"):
        run = ga.national_travel_times(rutland_walk, rutland_sites, rutland_areas,
                                       max_minutes=MAX_MINUTES, buffer_m=1000.0,
                                       chunk_size=8, out=tmp_path / "small", progress=False)
    assert "journeys leaving the buffer are missed" in caplog.text
    short = run.read(sites=list(single.site_ids)).values
    assert np.isfinite(short).sum() < np.isfinite(single.values).sum()
    kept = np.isfinite(short)
    np.testing.assert_allclose(short[kept], single.values[kept], rtol=0, atol=1e-9)


def test_tiles_follow_the_sites(rutland_sites):
    x = rutland_sites.geometry.x.to_numpy()
    y = rutland_sites.geometry.y.to_numpy()
    parts = plan_parts(x, y, partition="tiles", chunk_size=5)
    got = np.sort(np.concatenate([p.sites for p in parts]))
    assert got.tolist() == list(range(len(x)))  # every site in exactly one tile
    assert all(len(p.sites) <= 5 for p in parts)
    for p in parts:
        assert p.box is not None
        x0, y0, x1, y1 = p.box
        assert (x[p.sites].min(), y[p.sites].min(), x[p.sites].max(), y[p.sites].max()) == \
            (x0, y0, x1, y1)
    # halving the longer side: tiles are compact, far smaller than the county's box
    county = np.ptp(x) * np.ptp(y)
    assert max((p.box[2] - p.box[0]) * (p.box[3] - p.box[1]) for p in parts) < county / 4


def test_rerun_replaces_the_folder(tmp_path, rutland_walk, rutland_sites, rutland_areas):
    out = tmp_path / "walk"
    first = ga.national_travel_times(rutland_walk, rutland_sites, rutland_areas,
                                     max_minutes=20, out=out, region="ward", progress=False)
    again = ga.national_travel_times(rutland_walk, rutland_sites, rutland_areas,
                                     max_minutes=20, out=out, progress=False)
    assert len(first.regions) > 1 and again.regions == ["all"]
    assert sorted(p.name for p in (out / "times").iterdir()) == ["region=all"]
    assert ga.NationalTimes.open(out).meta["max_minutes"] == 20
    assert (out / "manifest.json").exists()


def test_bad_arguments_are_named(tmp_path, rutland_walk, rutland_sites, rutland_areas):
    def run(**kw):
        args = {"max_minutes": 30, "out": tmp_path / "x", "progress": False} | kw
        return ga.national_travel_times(rutland_walk, args.pop("sites", rutland_sites),
                                        args.pop("origins", rutland_areas), **args)

    cases = [({"partition": "grid"}, "partition"), ({"chunk_size": 0}, "chunk_size"),
             ({"max_minutes": None}, "max_minutes"), ({"max_minutes": -5}, "max_minutes"),
             ({"k_nearest": 0}, "k_nearest"), ({"buffer_m": -1.0}, "buffer_m"),
             ({"region": "county"}, "county"), ({"client": 2.5}, "client"),
             ({"sites": pd.concat([rutland_sites, rutland_sites.iloc[:1]])}, "site_id"),
             ({"origins": rutland_areas.drop(columns="area_id")}, "area_id")]
    for kwargs, column in cases:
        with pytest.raises(InputError) as err:
            run(**kwargs)
        assert err.value.column == column, kwargs
    with pytest.raises(InputError, match="not a national travel-time folder"):
        ga.NationalTimes.open(tmp_path)


def test_evaluate_batch_on_the_cluster(client, tiled, single, rutland_sites, rutland_areas):
    ids = list(single.site_ids)
    proposals = [ga.Scenario.from_sites(rutland_sites, "Current"),
                 ga.Scenario("Odd sites", {s: "hub" for s in ids[::2]}),
                 ga.Scenario("Five", {s: "hub" for s in ids[:5]})]
    kw = {"population": "children_0_4", "thresholds": [15, 30]}
    out = ga.evaluate_batch({"walk": single, "walk by ward": tiled}, rutland_areas, proposals,
                            client=client, scenarios_per_task=2, **kw)
    dense = out[out["matrix"] == "walk"].drop(columns=["matrix", "region"])
    expected = ga.evaluate(single, rutland_areas, proposals, **kw).summary
    pd.testing.assert_frame_equal(dense.reset_index(drop=True), expected)
    by_ward = out[out["matrix"] == "walk by ward"]
    assert len(by_ward) == len(tiled.regions) * len(proposals)
    ward = tiled.regions[1]
    in_ward = rutland_areas[rutland_areas["ward"].astype(str) == ward]
    exp = ga.evaluate(single.subset(areas=list(in_ward["area_id"])), in_ward, proposals,
                      **kw).summary
    got = by_ward[by_ward["region"] == ward].drop(columns=["matrix", "region"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), exp, atol=1e-9)
    # people reached add up over the wards to the county's
    for name in ("Current", "Five"):
        total = by_ward.loc[by_ward["scenario"] == name, "population_within_30"].sum()
        county = expected.set_index("scenario").loc[name, "population_within_30"]
        assert total == pytest.approx(county)


# ------------------------------------------------------------------------ the command
def test_national_command_two_authorities(tmp_path, capsys, rutland_walk, rutland_sites):
    """`geoaccess national` on two authorities carved from Rutland's wards: one folder
    each, a national table, and each authority's numbers equal an evaluation of its own
    sites and areas on travel_times with the same bound."""
    from shapely.ops import unary_union

    from geoaccess import cli
    from geoaccess.report import round_for_export

    west = {"Oakham South", "Oakham North East", "Oakham North West", "Barleythorpe",
            "Braunston & Martinsthorpe", "Langham", "Whissendine", "Cottesmore", "Exton"}
    areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population="children_0_4")
    areas["authority"] = np.where(areas["ward"].isin(west), "W01", "E02")
    areas.drop(columns=["origin_x", "origin_y"], errors="ignore").to_file(
        tmp_path / "areas.gpkg")
    options = tmp_path / "east_options.csv"
    east_poly = unary_union(areas.loc[areas["authority"] == "E02", "geometry"])
    east_ids = rutland_sites.loc[rutland_sites.within(east_poly), "site_id"].tolist()
    pd.DataFrame({"site_id": east_ids, "Keep half": ["hub", ""] * (len(east_ids) // 2)
                  + ["hub"] * (len(east_ids) % 2)}).to_csv(options, index=False)
    config = tmp_path / "national.yaml"
    config.write_text(f"""
network: {{source: {{dataset: rutland-osm}}, modes: [walk]}}
sites: {{dataset: rutland-sites}}
areas: {{source: areas.gpkg, population: [children_0_4]}}
population: children_0_4
thresholds: [15, 30]
scenarios: {{include_current: Current}}
outputs: {{folder: out, tables: [csv], maps: [], report: false, interactive: false}}
national:
  authority_column: authority
  chunk_size: 12
  authorities:
    W01: {{name: West Rutland}}
    E02:
      name: East Rutland
      scenarios: {{file: {options.name}, include_current: Current}}
""", encoding="utf-8")
    assert cli.main(["national", str(config), "--check"]) == 0
    assert not (tmp_path / "out").exists()
    assert cli.main(["national", str(config)]) == 0
    assert "2 authorities written" in capsys.readouterr().out
    out = tmp_path / "out"
    table = pd.read_csv(out / "national_summary.csv")
    assert table[["authority", "scenario"]].values.tolist() == [
        ["W01", "Current"], ["E02", "Current"], ["E02", "Keep half"]]
    assert (out / "W01" / "scenario_summary.csv").exists()
    assert (out / "E02" / "change_areas.csv").exists()
    assert ga.NationalTimes.open(out / "travel_times" / "walk").meta["max_minutes"] == 30
    for code, name in (("W01", "West Rutland"), ("E02", "East Rutland")):
        mine = areas[areas["authority"] == code]
        poly = unary_union(mine.geometry)
        own = rutland_sites[rutland_sites.within(poly)]
        tt = ga.travel_times(rutland_walk, own, mine, progress=False, max_minutes=30)
        proposals = [ga.Scenario.from_sites(own, "Current")]
        if code == "E02":
            proposals += ga.read_scenarios(options, own)
        expected = round_for_export(ga.evaluate(tt, mine, proposals, population="children_0_4",
                                                thresholds=[15, 30]).summary)
        got = table[table["authority"] == code]  # as written to each folder: rounded
        assert (got["authority_name"] == name).all()
        np.testing.assert_allclose(got["share_within_15"], expected["share_within_15"])
        np.testing.assert_allclose(got["mean_minutes"], expected["mean_minutes"])
        assert got["open_sites"].tolist() == expected["open_sites"].tolist()


def test_national_configuration_problems_are_listed(tmp_path):
    base = {"network": {"source": {"dataset": "rutland-osm"}, "modes": ["walk", "drive"]},
            "sites": {"dataset": "rutland-sites"}, "areas": {"dataset": "rutland-lsoa"},
            "thresholds": [15, 45]}
    from geoaccess.national.command import load_national_config

    with pytest.raises(InputError, match="needs a 'national' section"):
        load_national_config(base)
    with pytest.raises(InputError) as err:
        load_national_config(base | {"national": {
            "max_minutes": {"walk": 30, "drive": 60}, "partition": "grid", "workers": 2,
            "scheduler": "tcp://x:8786", "chunk": 3, "authorities": {"A": {"sitez": 1}}}})
    msg = str(err.value)
    for text in ("national.authority_column must name",
                 "national.max_minutes.walk (30) is below the largest threshold (45)",
                 "national.partition must be tiles",
                 "not both", "unknown key 'national.chunk'",
                 "unknown key 'national.authorities.A.sitez'"):
        assert text in msg, text
    cfg = load_national_config(base | {"national": {"authority_column": "ward",
                                                    "max_minutes": 50}})
    assert cfg.max_minutes == {"walk": 50.0, "drive": 50.0}


def test_national_runs_refuse_public_transport(shared_data):
    """A national configuration listing public transport is refused when it is read,
    naming network.modes, not late in the run with an unknown mode."""
    from geoaccess.national.command import load_national_config

    feed = shared_data / "porto-alegre" / "poa_eptc.zip"
    cfg = {"network": {"source": {"dataset": "rutland-osm"}, "modes": ["walk", "transit"]},
           "sites": {"dataset": "rutland-sites"}, "areas": {"dataset": "rutland-lsoa"},
           "transit": {"gtfs": [str(feed)], "date": "2019-05-13"},
           "national": {"authority_column": "ward"}}
    with pytest.raises(InputError, match="a national run computes street modes only"):
        load_national_config(cfg)
