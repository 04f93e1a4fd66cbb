"""Maps and charts: classes, colours, furniture, service areas, saving (geoaccess.plot)."""

from __future__ import annotations

import math

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from shapely.geometry import Point, box

import geoaccess as ga
import geoaccess.plot as gp
from geoaccess.demo import demo_scenarios
from geoaccess.errors import InputError

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def rutland_result(rutland_walk_tt, rutland_areas, rutland_sites):
    scenarios = demo_scenarios(rutland_sites)
    result = ga.evaluate(rutland_walk_tt, rutland_areas, scenarios, population="children_0_4")
    return result, ga.compare(result)


@pytest.fixture()
def tiny():
    """Three square areas in a row, two sites, two scenarios.

    Minutes::

                S1    S2      Now (S1, S2)   Close S2 (S1)
        E1       4     9      4              4    unchanged
        E2      22     3      3             22    loss +19, loses 10/15/20
        E3      30   NaN     30             30    unchanged
    """
    areas = gpd.GeoDataFrame(
        {"area_id": ["E1", "E2", "E3"], "kids": [10.0, 30.0, 5.0],
         "imd_decile": [2, 2, 9]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(2000, 0, 3000, 1000)],
        crs="EPSG:27700")
    sites = gpd.GeoDataFrame({"site_id": ["S1", "S2"], "name": ["One", "Two"],
                              "kind": ["hub", "centre"]},
                             geometry=[Point(500, 500), Point(1500, 500)], crs="EPSG:27700")
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [4.0, 22.0, 30.0], "S2": [9.0, 3.0, np.nan]}, index=["E1", "E2", "E3"]),
        mode="walk")
    result = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "centre"}),
                                     ga.Scenario("Close S2", {"S1": "hub"})],
                         population="kids", thresholds=[10, 15, 20])
    return areas, sites, result, ga.compare(result)


def _area_faces(ax) -> list[str]:
    """Face colours of the first polygon collection (the areas), as hex."""
    coll = next(c for c in ax.collections if isinstance(c, PathCollection)
                and len(c.get_paths()) > 1)
    return [to_hex(c) for c in coll.get_facecolors()]


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


# ------------------------------------------------------------------ classification
def test_classify_minutes_fixed_bins_and_inclusive_upper_bounds():
    """Bounds are inclusive above ("within 15 minutes" = at most 15): 15 is in 10-15."""
    upper = gp.classify_minutes([1, 2, 3])
    assert upper == gp.MINUTES_BINS
    classes = gp.class_index(np.array([0.0, 5.0, 5.01, 15.0, 15.01, 60.0, 61.0, np.nan]),
                           upper)
    assert classes.tolist() == [0, 0, 1, 2, 3, 6, 7, -1]
    assert gp.class_labels((5, 10))[0] == "up to 5 min"
    assert gp.class_labels((5, 10))[-1] == "more than 10 min"


def test_classify_minutes_with_a_mapclassify_scheme_matches_quantiles():
    values = np.arange(1.0, 9.0)
    expected = np.percentile(values, [25, 50, 75, 100])
    assert gp.classify_minutes(values, scheme="quantiles", k=4) == pytest.approx(expected)
    with pytest.raises(InputError, match="scheme"):
        gp.classify_minutes(values, scheme="no_such_scheme")
    with pytest.raises(InputError, match="increase"):
        gp.classify_minutes(values, bins=[10, 5])


def test_palette_is_colour_blind_safe_sequential():
    colours = gp.class_colours(8)
    assert len(set(colours)) == 8
    lightness = [np.mean(matplotlib.colors.to_rgb(c)) for c in colours]
    assert all(a > b for a, b in zip(lightness, lightness[1:], strict=False))


# ------------------------------------------------------------------------- maps
def test_plot_minutes_colours_each_area_by_its_class(rutland_result, rutland_areas,
                                                     rutland_sites):
    result, _ = rutland_result
    ax = gp.plot_minutes(result, rutland_areas, "Current", sites=rutland_sites)
    minutes = result["Current"]["nearest_minutes"].reindex(rutland_areas["area_id"])
    # independent classing: np.digitize with right=True puts 15 in (10, 15]
    idx = np.digitize(minutes.to_numpy(), gp.MINUTES_BINS, right=True)
    colours = gp.class_colours(len(gp.MINUTES_BINS) + 1)
    assert _area_faces(ax) == [colours[i] for i in idx]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["up to 5 min", "5–10 min"]
    assert {"hub (open)", "centre (open)", "outreach (open)"} <= set(legend)
    assert "walking" in ax.get_legend().get_title().get_text()
    title = ax.get_title(loc="left")
    share = result.summary.set_index("scenario").loc["Current", "share_within_15"]
    assert title.startswith("Current\n36 open sites") and f"{share:.0%}" in title


def test_every_map_has_attribution_scale_bar_and_north_arrow(tiny, rutland_walk,
                                                             rutland_result, rutland_areas,
                                                             rutland_sites):
    areas, sites, result, comp = tiny
    axes = [gp.plot_minutes(result, areas, "Now", sites=sites, credits="Boundaries: ONS"),
            gp.plot_change(comp, areas, sites=sites)]
    axes += list(gp.plot_scenarios(result, areas, sites=sites))
    res, _ = rutland_result
    axes.append(gp.plot_service_areas(rutland_walk, rutland_sites, res.scenarios["Current"],
                                      areas=rutland_areas, thresholds=[10]))
    for ax in axes:
        texts = _texts(ax)
        assert any(t.startswith("© OpenStreetMap contributors") for t in texts)
        assert "N" in texts
        bars = [a for a in ax.artists if a.get_gid() == "scale_bar"]
        assert len(bars) == 1
    assert any("© OpenStreetMap contributors | Boundaries: ONS" == t for t in _texts(axes[0]))


def test_scale_bar_length_matches_its_label_in_metres(tiny):
    """The three areas span 3 km (plus a 4% margin each side): a fifth is 0.65 km, so the
    nice length is 0.5 km = 500 m, drawn 500 data units (metres) long."""
    areas, _, result, _ = tiny
    ax = gp.plot_minutes(result, areas, "Now")
    bar = next(a for a in ax.artists if a.get_gid() == "scale_bar")
    rect = bar.size_bar.get_children()[0]
    assert rect.get_width() == pytest.approx(500.0)
    assert bar.txt_label.get_text() == "500 m"


def test_plot_scenarios_shares_one_scale_and_one_legend(tiny):
    """E1 has 4 minutes in both scenarios, so the same colour in both panels; E2 goes
    from 3 to 22 minutes: 'up to 5' then '20–30'."""
    areas, sites, result, _ = tiny
    axes = gp.plot_scenarios(result, areas, ["Now", "Close S2"], sites=sites)
    fig = axes[0].figure
    assert [ax.get_title(loc="left").splitlines()[0] for ax in axes] == ["Now", "Close S2"]
    now, close = (_area_faces(ax) for ax in axes)
    colours = gp.class_colours(len(gp.MINUTES_BINS) + 1)
    assert now[0] == close[0] == colours[0]
    assert now[1] == colours[0] and close[1] == colours[4]
    # one legend of classes for both panels, and one key of the site numbers
    assert sorted(str(leg.get_gid()) for leg in fig.legends) == ["None", "site_key"]
    assert all(ax.get_legend() is None for ax in axes)


def test_plot_change_classes_and_outlines_the_areas_losing_access(tiny):
    areas, sites, _, comp = tiny
    ax = gp.plot_change(comp, areas, sites=sites, threshold_minutes=15)
    faces = _area_faces(ax)
    # E1 unchanged (white), E2 +19 minutes: 'longer by 10-20', E3 unchanged
    assert faces[0] == faces[2] == "#ffffff"
    assert faces[1] == "#d6604d"
    outlines = [c for c in ax.collections if isinstance(c, PathCollection)
                and np.allclose(c.get_linewidths(), 2.2)]
    assert len(outlines) == 1 and len(outlines[0].get_paths()) == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "loses 15-minute access" in labels and "longer by 10–20 min" in labels
    assert "30 kids with longer journeys" in ax.get_title(loc="left")


def test_plot_change_marks_areas_left_without_any_site(tiny):
    """Closing S1 leaves E3 (no route to S2) with no open site: darkest red, its own
    legend entry."""
    areas, _, result, _ = tiny
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [4.0, 22.0, 30.0], "S2": [9.0, 3.0, np.nan]}, index=["E1", "E2", "E3"]))
    r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
                                ga.Scenario("S2 only", {"S2": "hub"})], population="kids")
    ax = gp.plot_change(ga.compare(r), areas)
    assert _area_faces(ax)[2] == "#67001f"
    assert "no open site reachable any more" in [t.get_text()
                                                 for t in ax.get_legend().get_texts()]


def test_areas_without_a_value_are_drawn_hatched_not_dropped(tiny):
    areas, _, _, _ = tiny
    ax = gp.plot_minutes(pd.Series({"E1": 4.0, "E2": 12.0}), areas)
    faces = _area_faces(ax)
    assert len(faces) == 3 and faces[2] == "#d9d9d9"
    assert any(c.get_hatch() == "///" for c in ax.collections)


def test_map_of_areas_in_degrees_is_drawn_in_metres(tiny):
    areas, _, _, _ = tiny
    ax = gp.plot_minutes(pd.Series({"E1": 4.0, "E2": 12.0, "E3": 30.0}), areas.to_crs(4326))
    x0, x1 = ax.get_xlim()
    assert 3000 < x1 - x0 < 4000  # metres (in a UTM zone), not degrees


def test_user_text_with_dollar_signs_does_not_break_mathtext(tiny, tmp_path):
    areas, sites, _, _ = tiny
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0, 30.0]},
                                                index=["E1", "E2", "E3"]))
    r = ga.evaluate(tt, areas, [ga.Scenario("Save $5 $", {"S1": "hub"})], population="kids")
    ax = gp.plot_minutes(r, areas, sites=sites, labels=True)
    paths = gp.save_figure(ax, tmp_path / "dollar.png")
    assert paths[0].exists() and "$5" in ax.get_title(loc="left")


def test_plot_input_errors_name_the_fix(tiny, rutland_result):
    areas, _, result, comp = tiny
    with pytest.raises(InputError, match="scenario="):
        gp.plot_minutes(result, areas)
    with pytest.raises(InputError, match="unknown scenario 'Nope'"):
        gp.plot_minutes(result, areas, "Nope")
    with pytest.raises(InputError, match="set_crs"):
        gp.plot_minutes(result, areas.set_crs(None, allow_override=True), "Now")
    with pytest.raises(InputError, match="Comparison"):
        gp.plot_change(result, areas)
    with pytest.raises(InputError, match="not evaluated"):
        gp.plot_equality(result, areas, threshold_minutes=12)


# -------------------------------------------------------------- one vocabulary
def _titles(axes) -> list[str]:
    return [ax.get_title(loc="left") for ax in axes]


def test_plot_scenarios_returns_one_axes_per_scenario_in_order(tiny):
    """Three scenarios on a 2 x 2 grid: three Axes (the empty fourth panel is removed),
    in the order asked for, by name or as the Scenario objects the result holds."""
    areas, sites, _, _ = tiny
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [4.0, 22.0, 30.0], "S2": [9.0, 3.0, np.nan]}, index=["E1", "E2", "E3"]))
    scens = [ga.Scenario("Now", {"S1": "hub", "S2": "centre"}),
             ga.Scenario("Close S2", {"S1": "hub"}), ga.Scenario("Close S1", {"S2": "hub"})]
    result = ga.evaluate(tt, areas, scens, population="kids")
    axes = gp.plot_scenarios(result, areas, ncols=2, sites=sites)
    assert isinstance(axes, np.ndarray) and axes.shape == (3,)
    assert all(isinstance(ax, matplotlib.axes.Axes) for ax in axes)
    assert {id(ax.figure) for ax in axes} == {id(axes[0].figure)}
    assert len(axes[0].figure.axes) == 3
    assert [t.splitlines()[0] for t in _titles(axes)] == ["Now", "Close S2", "Close S1"]
    picked = gp.plot_scenarios(result, areas, [result.scenarios["Close S1"], "Now"])
    assert [t.splitlines()[0] for t in _titles(picked)] == ["Close S1", "Now"]


def test_old_threshold_keyword_warns_and_draws_the_same(tiny):
    """threshold= still works for a release, with a FutureWarning naming
    threshold_minutes=, and draws what threshold_minutes= draws (10 minutes, not the
    default 15: E2 loses 10-minute access under Close S2)."""
    areas, sites, result, comp = tiny
    new = gp.plot_scenarios(result, areas, threshold_minutes=10)
    with pytest.warns(FutureWarning, match="threshold_minutes"):
        old = gp.plot_scenarios(result, areas, threshold=10)
    assert _titles(old) == _titles(new) and "within 10 min" in _titles(new)[0]

    def legend(ax) -> list[str]:
        return [t.get_text() for t in ax.get_legend().get_texts()]

    new_ax = gp.plot_change(comp, areas, sites=sites, threshold_minutes=10)
    with pytest.warns(FutureWarning, match="threshold_minutes"):
        old_ax = gp.plot_change(comp, areas, sites=sites, threshold=10)
    assert legend(old_ax) == legend(new_ax) and "loses 10-minute access" in legend(new_ax)
    assert old_ax.get_title(loc="left") == new_ax.get_title(loc="left")

    new_ax = gp.plot_equality(result, areas, threshold_minutes=10)
    with pytest.warns(FutureWarning, match="threshold_minutes"):
        old_ax = gp.plot_equality(result, areas, threshold=10)
    assert [p.get_height() for p in old_ax.patches] == [p.get_height()
                                                        for p in new_ax.patches]
    assert "within 10 min" in new_ax.get_ylabel() == old_ax.get_ylabel()
    with pytest.raises(InputError, match="threshold_minutes= only"):
        gp.plot_equality(result, areas, threshold=10, threshold_minutes=10)


def test_old_max_minutes_keyword_warns_and_sets_the_same_axis(tiny):
    _, _, result, _ = tiny
    new = gp.plot_cumulative(result, axis_max_minutes=40)
    with pytest.warns(FutureWarning, match="axis_max_minutes"):
        old = gp.plot_cumulative(result, max_minutes=40)
    assert old.get_xlim() == new.get_xlim() == (0.0, 40.0)
    assert [np.asarray(line.get_xydata()).tolist() for line in old.get_lines()] == [
        np.asarray(line.get_xydata()).tolist() for line in new.get_lines()]


def test_maps_take_scenario_objects_and_optimiser_solutions(tiny):
    """A scenario the result holds may be given as itself; an optimiser Solution as
    the scenario it found (p-median with p = 1 keeps S2: 240 child-minutes against
    850 for S1)."""
    areas, sites, result, comp = tiny
    by_name = gp.plot_minutes(result, areas, "Close S2", sites=sites)
    by_object = gp.plot_minutes(result, areas, result.scenarios["Close S2"], sites=sites)
    assert by_object.get_title(loc="left") == by_name.get_title(loc="left")
    assert _area_faces(by_object) == _area_faces(by_name)
    assert (gp.plot_change(comp, areas, result.scenarios["Close S2"]).get_title(loc="left")
            == gp.plot_change(comp, areas, "Close S2").get_title(loc="left"))
    tt = ga.TravelTimes.from_frame(pd.DataFrame(
        {"S1": [4.0, 22.0, 30.0], "S2": [9.0, 3.0, 12.0]}, index=["E1", "E2", "E3"]))
    solution = ga.p_median(tt, areas, p=1, population="kids")
    assert solution.scenario.open_sites == ["S2"]
    ax = gp.plot_sites(sites, solution)
    labels = ax.get_legend_handles_labels()[1]
    assert "closed site" in labels and len(labels) == 2


# ------------------------------------------------------------------ service areas
def _line_network(one_way: bool = False) -> ga.Network:
    """Nodes 0..10 at x = 0, 100, ..., 1000 m, 100 s per arc (1 m/s).

    One-way: arcs only eastwards along the line, and a 11 km return loop (via y = 5 km)
    so the graph is strongly connected.
    """
    x = list(np.arange(11) * 100.0) + [1000.0, 0.0]
    y = [0.0] * 11 + [5000.0, 5000.0]
    u = list(range(10))
    v = list(range(1, 11))
    s = [100.0] * 10
    if not one_way:
        u, v, s = u + v, v + u, s + s
    else:
        u += [10, 11, 12]
        v += [11, 12, 0]
        s += [5000.0, 1000.0, 5000.0]
    return ga.Network.from_arcs(np.array(u), np.array(v), np.array(s), np.array(x),
                                np.array(y), crs="EPSG:27700", mode="walk")


def _site_at(x: float, y: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"site_id": ["S1"], "kind": ["hub"]}, geometry=[Point(x, y)],
                            crs="EPSG:27700")


def test_service_area_map_thresholds_refuse_text_and_take_one_number():
    """"15" must not become the thresholds 1 and 5; 2 is taken as [2]."""
    net = _line_network()
    with pytest.raises(InputError, match="thresholds") as info:
        gp.plot_service_areas(net, _site_at(0, 0), thresholds="15")
    assert info.value.column == "thresholds"
    ax = gp.plot_service_areas(net, _site_at(0, 0), thresholds=2)
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "within 2 min"


def test_service_area_of_a_site_at_the_end_of_a_street_hand_worked():
    """Site at x = 0; 5 minutes = 300 s at 1 m/s.

    walk_in_m = 60 takes 60 / (4.8 / 3.6) = 45 s, leaving 255 s: the street from x = 0 to
    255 m. The polygon is that segment buffered by 60 m: a 255 x 120 m rectangle plus
    two half 16-gons (quad_segs=4) of radius 60, area 30,600 + 8 * 60² * sin(π/8).
    """
    net = _line_network()
    sa = ga.service_areas(net, _site_at(0, 0), thresholds=[5], walk_in_m=60)
    row = sa.iloc[0]
    assert row["street_km"] == pytest.approx(0.255)
    expected = 255 * 120 + 8 * 60**2 * math.sin(math.pi / 8)
    assert row["area_km2"] * 1e6 == pytest.approx(expected, rel=1e-9)
    assert sa.geometry.iloc[0].bounds == pytest.approx((-60, -60, 315, 60), abs=1e-6)
    assert sa.crs.to_epsg() == 27700 and row["open_sites"] == 1


def test_service_area_follows_one_way_streets_towards_the_site():
    """One-way eastwards; site at node 5 (x = 500). Families reach it from upstream only:
    within 2 minutes (120 s, walk_in_m = 0) the street from x = 380 to 500, not beyond."""
    net = _line_network(one_way=True)
    sa = ga.service_areas(net, _site_at(500, 0), thresholds=[2], walk_in_m=0)
    assert sa["street_km"].iloc[0] == pytest.approx(0.12)
    minx, _, maxx, _ = sa.geometry.iloc[0].bounds
    assert minx == pytest.approx(380, abs=0.02) and maxx == pytest.approx(500, abs=0.02)


def test_service_area_on_a_site_mid_segment_reaches_both_ways():
    """Site at x = 250 (mid-way between nodes 2 and 3): 1 minute = 60 s reaches x = 190
    to 310 along the segment and past its ends; 120 m of street."""
    net = _line_network()
    sa = ga.service_areas(net, _site_at(250, 0), thresholds=[1], walk_in_m=0)
    assert sa["street_km"].iloc[0] == pytest.approx(0.12)


def test_service_areas_cover_every_node_networkx_reaches(rutland_walk, rutland_sites):
    """On the real walk network, with sites placed exactly on network nodes: every node
    networkx's Dijkstra reaches within 10 minutes minus the walk-in time lies inside the
    10-minute polygon, the bands are nested, and the 15-minute polygon lies within
    walk_in_m of the streets networkx reaches within 15 minutes."""
    main = np.nonzero(rutland_walk.in_main_component())[0]
    rng = np.random.default_rng(1)
    nodes = rng.choice(main, 3, replace=False)
    sites = gpd.GeoDataFrame(
        {"site_id": ["A", "B", "C"], "kind": ["hub"] * 3},
        geometry=[Point(rutland_walk.x[i], rutland_walk.y[i]) for i in nodes],
        crs=rutland_walk.crs)
    sa = ga.service_areas(rutland_walk, sites, thresholds=[10, 15], walk_in_m=100)
    budget = 600 - 100 / (4.8 / 3.6)
    g = rutland_walk.to_networkx().reverse(copy=False)
    dist = nx.multi_source_dijkstra_path_length(g, {int(i) for i in nodes}, cutoff=budget,
                                                weight="weight")
    reached = np.array(sorted(dist))
    pts = shapely.points(rutland_walk.x[reached], rutland_walk.y[reached])
    poly10 = sa.geometry.iloc[0]
    assert len(reached) > 50
    assert shapely.intersects(poly10.buffer(1e-6), pts).all()
    assert sa.geometry.iloc[1].buffer(1e-6).contains(poly10)
    # and it holds nothing beyond walk_in_m of a street with an end networkx reaches
    # within 15 minutes: an upper bound computed from networkx alone
    d15 = nx.multi_source_dijkstra_path_length(g, {int(i) for i in nodes}, cutoff=900,
                                               weight="weight")
    ends = [(u, v) for u, v in g.edges() if u in d15 or v in d15]
    u, v = np.array(ends).T
    streets = shapely.linestrings(np.stack([np.c_[rutland_walk.x[u], rutland_walk.y[u]],
                                            np.c_[rutland_walk.x[v], rutland_walk.y[v]]],
                                           axis=1))
    bound = shapely.union_all(shapely.buffer(streets, 100.5))
    assert sa.geometry.iloc[1].difference(bound).area < 1.0


def test_service_areas_of_a_scenario_count_only_its_open_sites(rutland_walk,
                                                               rutland_result):
    result, _ = rutland_result
    sites = ga.read_sites(ga.datasets.get_path("rutland-sites"))
    now = ga.service_areas(rutland_walk, sites, result.scenarios["Current"], thresholds=[15])
    few = ga.service_areas(rutland_walk, sites, result.scenarios["4 hubs + 8 outreach"],
                           thresholds=[15])
    assert now["open_sites"].iloc[0] == 36 and few["open_sites"].iloc[0] == 12
    assert few.geometry.iloc[0].difference(now.geometry.iloc[0]).area < 1.0
    assert few["area_km2"].iloc[0] < now["area_km2"].iloc[0]
    with pytest.raises(InputError, match="positive"):
        ga.service_areas(rutland_walk, sites, thresholds=[0])


# --------------------------------------------------------------------------- charts
def test_plot_equality_bars_are_the_population_weighted_shares(rutland_result,
                                                               rutland_areas):
    result, comp = rutland_result
    ax = gp.plot_equality(comp, rutland_areas, by="imd_decile", threshold_minutes=15)
    rows = result.areas.merge(rutland_areas[["area_id", "imd_decile"]], on="area_id")
    rows["w15"] = rows["children_0_4"] * rows["within_15"]
    sums = rows.groupby(["scenario", "imd_decile"])[["w15", "children_0_4"]].sum()
    share = (sums["w15"] / sums["children_0_4"] * 100)
    deciles = sorted(rutland_areas["imd_decile"].unique())
    expected = [share[(s, d)] for s in result.scenario_names for d in deciles]
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx(expected)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == result.scenario_names


def test_plot_cumulative_counts_people_with_no_time_as_never_reached(tiny):
    """Now: E2 (30 kids) at 3, E1 (10) at 4, E3 (5) at 30 minutes: 66.7%, 88.9%, 100%."""
    _, _, result, _ = tiny
    ax = gp.plot_cumulative(result, scenarios=["Now"], axis_max_minutes=40)
    line = ax.get_lines()[0]
    assert line.get_xdata().tolist() == [0.0, 3.0, 4.0, 30.0, 40.0]
    assert line.get_ydata() == pytest.approx([0, 30 / 45 * 100, 40 / 45 * 100, 100, 100])
    tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, np.nan]}, index=["E1", "E2"]))
    areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0]})
    r = ga.evaluate(tt, areas, ga.Scenario("A", {"S1": "hub"}), population="kids")
    assert gp.plot_cumulative(r).get_lines()[0].get_ydata()[-1] == pytest.approx(25.0)


# --------------------------------------------------------------------------- saving
def test_save_figure_writes_print_quality_png_svg_pdf_atomically(tiny, tmp_path):
    from PIL import Image

    areas, sites, result, _ = tiny
    ax = gp.plot_minutes(result, areas, "Now", sites=sites)
    paths = gp.save_figure(ax, tmp_path / "map", dpi=300)
    assert [p.name for p in paths] == ["map.png", "map.svg", "map.pdf"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in paths[1].read_bytes()[:500]
    assert paths[2].read_bytes()[:5] == b"%PDF-"
    with Image.open(paths[0]) as im:
        assert im.info["dpi"] == pytest.approx((300, 300), abs=0.5)
        assert im.size[0] > 2000  # a 9-inch-wide map at 300 dpi
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.pdf", "map.png", "map.svg"]
    assert gp.save_figure(ax.figure, tmp_path / "one.pdf")[0].name == "one.pdf"
    with pytest.raises(InputError, match="unsupported"):
        gp.save_figure(ax, tmp_path / "map", formats=["tiff"])
    with pytest.raises(InputError, match="does not exist"):
        gp.save_figure(ax, tmp_path / "no" / "map.png")


def test_all_rutland_figures_render(rutland_result, rutland_areas, rutland_sites,
                                    rutland_walk, tmp_path):
    """Every kind of figure on the real data renders to PNG (the ones looked at by eye)."""
    result, comp = rutland_result
    figs = {
        "minutes": gp.plot_minutes(result, rutland_areas, "Current", sites=rutland_sites),
        "scenarios": gp.plot_scenarios(result, rutland_areas, sites=rutland_sites),
        "change": gp.plot_change(comp, rutland_areas, "Keep 18 of 36", sites=rutland_sites),
        "service": gp.plot_service_areas(rutland_walk, rutland_sites,
                                         result.scenarios["Keep 18 of 36"],
                                         areas=rutland_areas),
        "equality": gp.plot_equality(comp, rutland_areas),
        "cumulative": gp.plot_cumulative(comp),
    }
    for name, fig in figs.items():
        (path,) = gp.save_figure(fig, tmp_path / f"{name}.png", dpi=60, close=True)
        assert path.stat().st_size > 5_000


# ------------------------------------------------------------ cartography for print
@pytest.fixture(scope="module")
def rutland_context(rutland_osm, rutland_areas):
    return gp.map_context(rutland_osm, rutland_areas)


def test_map_context_reads_places_roads_and_water_of_rutland(rutland_context, rutland_osm,
                                                             rutland_areas):
    """Towns counted independently with pyrosm: the place=town nodes inside the study
    area (Oakham and Uppingham)."""
    import json

    pyrosm = pytest.importorskip("pyrosm")
    ctx = rutland_context
    towns = pyrosm.OSM(str(rutland_osm)).get_data_by_custom_criteria(
        custom_filter={"place": ["town"]}, filter_type="keep", keep_nodes=True,
        keep_ways=False, keep_relations=False)
    towns = towns.to_crs(rutland_areas.crs)
    outline = rutland_areas.geometry.union_all().buffer(250)
    inside = sorted(json.loads(t)["name"] for t, g in zip(towns["tags"], towns.geometry,
                                                          strict=True) if g.within(outline))
    assert inside == ["Oakham", "Uppingham"]
    assert sorted(ctx.places.loc[ctx.places["place"] == "town", "name"]) == inside
    assert {"Ketton", "Cottesmore", "Empingham"} <= set(ctx.places["name"])
    assert ctx.places["name"].is_unique  # a place drawn as a node and an area is one place
    water = ctx.water.set_index("name")
    assert 10 < water.loc["Rutland Water", "area_km2"] < 13  # about 12.6 km² when full
    assert water.loc["Rutland Water", "geometry"].intersects(outline)
    assert (ctx.water["area_km2"] >= 0.02).all()
    assert set(ctx.roads["highway"]) <= set(gp.context.ROAD_KINDS)
    assert {"A1", "A606", "A47"} <= set(ctx.roads["ref"].dropna())
    assert ctx.crs == rutland_areas.crs and ctx.roads.crs == rutland_areas.crs
    assert ctx.osm_timestamp == "2022-07-20T20:21:45Z"
    assert ctx.boundary.geometry.iloc[0].area == pytest.approx(
        rutland_areas.geometry.union_all().area)


def test_map_context_refuses_what_it_cannot_read(tmp_path, rutland_areas):
    with pytest.raises(InputError, match="file not found"):
        gp.map_context(tmp_path / "none.osm.pbf", rutland_areas)
    bad = tmp_path / "areas.gpkg"
    bad.write_text("x")
    with pytest.raises(InputError, match="OpenStreetMap extracts"):
        gp.map_context(bad, rutland_areas)
    with pytest.raises(InputError, match="unknown places"):
        gp.map_context(ga.datasets.get_path("rutland-osm"), rutland_areas, places=["farm"])


def _drawn(ax) -> list[str]:
    ax.figure.canvas.draw()
    return gp.LabelLayer.of(ax).drawn_texts()


def test_maps_show_towns_water_roads_and_the_heading(rutland_result, rutland_areas,
                                                     rutland_sites, rutland_context):
    result, _ = rutland_result
    ax = gp.plot_minutes(result, rutland_areas, "Current", sites=rutland_sites,
                         context=rutland_context, layout="A4", population_year="mid-2020")
    drawn = _drawn(ax)
    assert {"Oakham", "Uppingham", "Rutland Water"} <= set(drawn)
    places = [t for t in gp.LabelLayer.of(ax).names if t.get_gid().startswith("place:")]
    assert len(places) > 50 and 20 < sum(t.get_text() in drawn for t in places)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"water", "main road", "study area boundary"} <= set(legend)
    heading = ax.figure.get_suptitle()
    assert "Minutes to the nearest open site, walking at 4.8 km/h" in heading
    assert "OpenStreetMap data of 20 July 2022" in heading
    assert "children aged 0–4: mid-2020 estimates" in heading
    assert ax.figure.get_size_inches().tolist() == pytest.approx([11.69, 8.27])


def test_place_names_do_not_overlap_each_other_or_the_site_numbers(rutland_result,
                                                                   rutland_areas,
                                                                   rutland_sites,
                                                                   rutland_context):
    result, _ = rutland_result
    axes = gp.plot_scenarios(result, rutland_areas, sites=rutland_sites,
                             context=rutland_context, layout="A4")
    fig = axes[0].figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in axes:
        layer = gp.LabelLayer.of(ax)
        drawn = set(layer.drawn_texts())
        boxes = [t.get_window_extent(renderer) for t in layer.numbers + layer.names
                 if t.get_text() in drawn]
        assert len(layer.numbers) == 36 and all(t.get_text() in drawn for t in layer.numbers)
        overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                    if a.overlaps(b)]
        assert overlaps == []


def _site_positions(ax) -> np.ndarray:
    """Display positions of every site symbol drawn (not the dots at the true places)."""
    ax.figure.canvas.draw()
    xy = [c.get_offset_transform().transform(c.get_offsets()) for c in ax.collections
          if str(c.get_gid()).startswith("sites:") and c.get_gid() != "sites:true-place"
          and len(c.get_offsets())]
    return np.vstack(xy)


def test_co_located_sites_are_drawn_apart_with_leader_lines(rutland_result, rutland_areas,
                                                            rutland_sites):
    """Ketton Library (S01) and Ketton Centre (S15) are 3.8 m apart: two symbols a few
    points apart, each joined to the true place."""
    sites = rutland_sites.set_index("site_id")
    assert sites.geometry["S01"].distance(sites.geometry["S15"]) < 5
    result, _ = rutland_result
    ax = gp.plot_minutes(result, rutland_areas, "Current", sites=rutland_sites)
    xy = _site_positions(ax)
    assert len(xy) == len(rutland_sites)
    gaps = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() > 5  # pixels at 100 dpi: no symbol hides another
    leaders = [t for t in ax.texts if t.get_gid() is None and getattr(t, "arrow_patch", None)]
    assert len(leaders) >= 2


def test_site_numbers_on_the_map_match_the_key(rutland_result, rutland_areas, rutland_sites):
    result, comp = rutland_result
    ax = gp.plot_change(comp, rutland_areas, "Keep 18 of 36", sites=rutland_sites)
    numbers = {t.get_gid().split(":", 1)[1]: t.get_text()
               for t in gp.LabelLayer.of(ax).numbers}
    assert numbers == {sid: str(i + 1) for i, sid in enumerate(rutland_sites["site_id"])}
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    first = texts.index("Sites")
    handles = ax.get_legend().legend_handles[first + 1:]
    key = dict(zip([h.get_text() for h in handles], texts[first + 1:], strict=True))
    assert key["1"] == "S01  Ketton Library" and key["15"] == "S15  Ketton Centre"
    assert len(key) == 36


def test_every_change_map_of_a_run_has_the_same_legend(rutland_result, rutland_areas,
                                                       rutland_sites):
    """One proposal has no area 10–20 minutes longer, the other has: both legends list
    the whole scale, and nothing quicker (no proposal shortens a journey)."""
    result, comp = rutland_result
    legends = []
    for name in comp.scenario_names:
        ax = gp.plot_change(comp, rutland_areas, name, sites=rutland_sites)
        legends.append([t.get_text() for t in ax.get_legend().get_texts()])
    classes = [label for label, _ in gp.change_legend(comp)]
    # the classes, then the outline of areas losing 15-minute access (roles may differ)
    assert legends[0][:len(classes) + 1] == legends[1][:len(classes) + 1]
    assert legends[0][:len(classes)] == classes == [
        "unchanged", "longer by up to 5 min", "longer by 5–10 min", "longer by 10–20 min",
        "longer by more than 20 min"]
    assert not (comp.areas["status"] == "gain").any()
    change = comp.areas["change_minutes"]
    by = comp.areas.assign(c=change).groupby("scenario")["c"]
    assert by.apply(lambda s: ((s > 10) & (s <= 20)).sum()).tolist().count(0) == 1


def test_a3_page_keeps_the_attribution_scale_bar_and_north_arrow(rutland_result,
                                                                 rutland_areas,
                                                                 rutland_sites,
                                                                 rutland_context):
    result, comp = rutland_result
    ax = gp.plot_change(comp, rutland_areas, "Keep 18 of 36", sites=rutland_sites,
                        context=rutland_context, layout="A3", credits="Boundaries: ONS")
    assert ax.figure.get_size_inches().tolist() == pytest.approx([16.54, 11.69])
    texts = _texts(ax)
    assert "© OpenStreetMap contributors | Boundaries: ONS" in texts and "N" in texts
    assert [a.get_gid() for a in ax.artists].count("scale_bar") == 1
    with pytest.raises(InputError, match="A4"):
        gp.plot_minutes(result, rutland_areas, "Current", layout="letter")


def _cam02(colours, cvd=None):
    cs = pytest.importorskip("colorspacious")
    rgb = np.array([matplotlib.colors.to_rgb(c) for c in colours])
    if cvd is not None:
        rgb = np.clip(cs.cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": cvd,
                                              "severity": 100}, "sRGB1"), 0, 1)
    return cs.cspace_convert(rgb, "sRGB1", "CAM02-UCS")


@pytest.mark.parametrize(("colours", "min_delta_e", "min_lightness"), [
    (gp.MINUTES_COLOURS, 11.0, 11.0),
    (gp.CHANGE_COLOURS, 10.0, 8.0),
])
def test_neighbouring_classes_stay_apart_for_colour_blind_readers_and_in_greyscale(
        colours, min_delta_e, min_lightness):
    """CAM02-UCS colour difference between neighbouring classes, with normal vision and
    with full deuteranopia, protanopia and tritanopia simulated (Machado et al. 2009, as
    colorspacious implements it), and the lightness difference (greyscale print)."""
    for cvd in (None, "deuteranomaly", "protanomaly", "tritanomaly"):
        jab = _cam02(colours, cvd)
        delta = np.linalg.norm(np.diff(jab, axis=0), axis=1)
        assert delta.min() >= min_delta_e, (cvd, delta.round(1))
    lightness = _cam02(colours)[:, 0]
    assert np.abs(np.diff(lightness)).min() >= min_lightness
    if colours == gp.MINUTES_COLOURS:
        assert (np.diff(lightness) < 0).all()  # light = near, dark = far


def test_site_roles_read_on_every_minutes_class():
    """Every role's colour differs from every minute class (ΔE > 12), so symbols do not
    melt into the fill; the halo does the rest."""
    roles = [st["color"] for r, st in gp.ROLE_STYLES.items() if r != "closed"]
    a, b = _cam02(roles), _cam02(gp.MINUTES_COLOURS)
    delta = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)
    assert delta.min() > 12


def test_spread_offsets_hand_worked():
    """Two points 3.8 m apart go 6 points left and right; a third 5 km away stays."""
    off = gp.spread_offsets([0.0, 3.8, 5000.0], [0.0, 0.0, 0.0], within=50.0, radius_pt=6.0)
    assert off.tolist() == [[-6.0, 0.0], [6.0, 0.0], [0.0, 0.0]]
