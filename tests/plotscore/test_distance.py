"""Tests for plotscore.distance: snapping, one multi-source Dijkstra per category, counts."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from plotscore.columns import (
    DISTANCE_METHOD,
    DISTANCE_UNCERTAIN,
    ONTSLOTEN,
    SNAP_M,
    count_col,
    dist_col,
    nearest_col,
    uncertain_col,
    walk_min_col,
)
from plotscore.distance import (
    euclidean_distances,
    nearest_path,
    network_distances,
    plot_access,
    reach_lines,
)
from plotscore.errors import CRSMismatchError, ScoringError
from plotscore.network import WalkGraph, build_walk_graph

RD = "EPSG:28992"
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"


def street_graph(profile: str = "senior") -> WalkGraph:
    """One straight street from (0,0) to (1000,0), a node every 100 m (ids 1..11)."""
    coords = [(100.0 * i, 0.0) for i in range(11)]
    ids = " ".join(str(i + 1) for i in range(11))
    frame = gpd.GeoDataFrame(
        {"highway": ["residential"], "node_ids": [ids]}, geometry=[LineString(coords)], crs=RD
    )
    return build_walk_graph(frame, profile=profile)


def facilities(rows: list[tuple[str, str, object]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"facility_id": [r[0] for r in rows], "category": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs=RD,
    )


# Plot a: square whose lower edge's midpoint is 20 m above node (0,0).
# Plot b: point 10 m above the street's end (1000,0).
# Plot c: square around node (300,0): snap 0.
# Plot d: point 400 m from the street: not connected.
PLOTS = gpd.GeoDataFrame(
    {"plot_id": ["a", "b", "c", "d"]},
    geometry=[box(-10, 20, 10, 40), Point(1000, 10), box(290, -10, 310, 10), Point(500, 400)],
    index=pd.Index(["pa", "pb", "pc", "pd"], name="key"),
    crs=RD,
)
# s1 is 30 m below node (500,0); s2 is 5 m above node (900,0).
SHOPS = facilities(
    [("s1", "supermarkt", Point(500, -30)), ("s2", "supermarkt", Point(900, 5)), ("h1", "huisarts", None)]
)


def test_plot_access_connectors_and_entries() -> None:
    g = street_graph()
    acc = plot_access(g, PLOTS)
    # a: 20 m above the street, b: 10 m, c: the street runs through it, d: 400 m away.
    np.testing.assert_allclose(acc.connector_m, [20.0, 10.0, 0.0, 400.0])
    assert acc.ok.tolist() == [True, True, True, False]
    e = acc.entries
    # c is entered where the street crosses its outline: x = 290 and x = 310.
    xs = sorted(
        float(g.edges.a[k, 0] + t * (g.edges.b[k, 0] - g.edges.a[k, 0]))
        for k, lo, hi, p in zip(e.edge, e.t_lo, e.t_hi, e.plot, strict=True)
        if p == 2
        for t in (lo, hi)
    )
    assert xs[0] == pytest.approx(290.0)
    assert xs[-1] == pytest.approx(310.0)
    # a runs parallel to the street: every point x = 0…10 is 20 m away, the whole stretch counts.
    ends = [
        float(g.edges.a[k, 0] + t * (g.edges.b[k, 0] - g.edges.a[k, 0]))
        for k, lo, hi, p in zip(e.edge, e.t_lo, e.t_hi, e.plot, strict=True)
        if p == 0
        for t in (lo, hi)
    ]
    assert min(ends) == pytest.approx(0.0)
    assert max(ends) == pytest.approx(10.0)


def test_network_distances_exact() -> None:
    g = street_graph()
    before = PLOTS.copy()
    out = network_distances(
        g, PLOTS, SHOPS, {"supermarkt": 1000.0, "apotheek": 800.0}, count_within={"supermarkt": 600.0}
    )
    pd.testing.assert_frame_equal(PLOTS, before)
    assert out.index.equals(PLOTS.index)
    np.testing.assert_allclose(out[SNAP_M], [20.0, 10.0, 0.0, 400.0])
    assert out[ONTSLOTEN].tolist() == [True, True, True, False]
    assert (out[DISTANCE_METHOD] == "netwerk").all()
    # a: 20 down to x=10, 490 along, 30 to s1; b: 10 + 100 + 5; c: leaves at x=310, 190 + 30.
    np.testing.assert_allclose(out[dist_col("supermarkt")], [540.0, 115.0, 220.0, np.nan])
    np.testing.assert_allclose(out[walk_min_col("supermarkt")], [10.8, 2.3, 4.4, np.nan])
    assert out[nearest_col("supermarkt")].tolist()[:3] == ["s1", "s2", "s1"]
    assert out[nearest_col("supermarkt")].isna().tolist() == [False, False, False, True]
    # within 600 m: a reaches s1 (540) not s2 (915); b both (115, 540); c both (220, 595).
    assert out[count_col("supermarkt")].tolist()[:3] == [1, 2, 2]
    assert out[count_col("supermarkt")].isna().tolist() == [False, False, False, True]
    # No apotheek at all: NaN distances, count 0, no error.
    assert out[dist_col("apotheek")].isna().all()
    assert out[count_col("apotheek")].tolist()[:3] == [0, 0, 0]
    assert out.attrs["distance_report"]["plots_not_connected"] == 1


def test_reach_limit_gives_nan_and_counts_default_to_reach() -> None:
    out = network_distances(street_graph(), PLOTS, SHOPS, {"supermarkt": 230.0})
    np.testing.assert_allclose(out[dist_col("supermarkt")], [np.nan, 115.0, 220.0, np.nan])
    assert out[count_col("supermarkt")].tolist()[:3] == [0, 1, 1]


def test_facility_connector_decides_nearest() -> None:
    # Both join the street at (500, 0); their connectors make the 8 m one the nearer.
    shops = facilities([("far", "supermarkt", Point(500, -30)), ("near", "supermarkt", Point(500, 8))])
    out = network_distances(street_graph(), PLOTS, shops, {"supermarkt": 2000.0})
    np.testing.assert_allclose(out[dist_col("supermarkt")][:3], [518.0, 518.0, 198.0])
    assert out[nearest_col("supermarkt")].tolist()[:3] == ["near", "near", "near"]
    assert out[count_col("supermarkt")].tolist()[:3] == [2, 2, 2]


def test_facility_joins_the_nearest_point_of_an_edge_not_a_node() -> None:
    # Halfway between the nodes at 500 and 600: joined at (550, 0) over 20 m, not at a node.
    shop = facilities([("s", "supermarkt", Point(550, 20))])
    plot = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=RD)
    out = network_distances(street_graph(), plot, shop, {"supermarkt": 2000.0})
    assert out[dist_col("supermarkt")].iloc[0] == pytest.approx(570.0)


def test_plot_with_several_nodes_is_entered_at_its_nearest_edge() -> None:
    # The plot holds the nodes at 200, 300 and 400; the street crosses its outline at 150 and 450.
    shop = facilities([("s", "supermarkt", Point(0, -10)), ("t", "huisarts", Point(1000, -10))])
    plot = gpd.GeoDataFrame(geometry=[box(150, -10, 450, 10)], crs=RD)
    out = network_distances(street_graph(), plot, shop, {"supermarkt": 2000.0, "huisarts": 2000.0})
    assert out[dist_col("supermarkt")].iloc[0] == pytest.approx(160.0)  # 150 + 10
    assert out[dist_col("huisarts")].iloc[0] == pytest.approx(560.0)  # 550 + 10


def test_facility_on_the_plots_own_edge_is_reached_along_it() -> None:
    # Shop joins the street at x = 330, inside the stretch the plot is entered over (290–310 is
    # the plot c; the shop is 20 m beyond its edge along the same edge 300–400).
    shop = facilities([("s", "supermarkt", Point(330, -5))])
    out = network_distances(street_graph(), PLOTS.iloc[[2]], shop, {"supermarkt": 2000.0})
    assert out[dist_col("supermarkt")].iloc[0] == pytest.approx(25.0)  # 20 along + 5
    inside = facilities([("s", "supermarkt", Point(305, -50))])
    out = network_distances(street_graph(), PLOTS.iloc[[2]], inside, {"supermarkt": 2000.0})
    assert out[dist_col("supermarkt")].iloc[0] == pytest.approx(50.0)  # joins inside the plot


def _park(rows: list[tuple[str, object, str | None]]) -> gpd.GeoDataFrame:
    frame = facilities([(fid, "park", geom.representative_point()) for fid, geom, _ in rows])  # type: ignore[attr-defined]
    frame["outline_wkt"] = [geom.wkt for _, geom, _ in rows]  # type: ignore[attr-defined]
    frame["entrances_wkt"] = [e for _, _, e in rows]
    return frame


def test_area_facility_is_reached_at_its_outline() -> None:
    plot = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=RD)
    park = box(600, 10, 800, 200)  # 10 m north of the street, from x = 600 to 800
    out = network_distances(street_graph(), plot, _park([("p", park, None)]), {"park": 2000.0})
    # No way enters it: the nearest stretch of street (x 600–800) over 10 m; from x = 600.
    assert out[dist_col("park")].iloc[0] == pytest.approx(610.0)
    # A mapped entrance wins: reached there only.
    out = network_distances(
        street_graph(), plot, _park([("p", park, "MULTIPOINT ((700 10))")]), {"park": 2000.0}
    )
    assert out[dist_col("park")].iloc[0] == pytest.approx(710.0)
    # The old rule (a point inside the park) would have said about 700 + 105.
    adjacent = gpd.GeoDataFrame(geometry=[box(560, -30, 640, 12)], crs=RD)  # touches the park
    out = network_distances(street_graph(), adjacent, _park([("p", park, None)]), {"park": 2000.0})
    assert out[dist_col("park")].iloc[0] < 50.0


def test_area_facility_entered_by_a_path_is_reached_where_the_path_crosses() -> None:
    frame = gpd.GeoDataFrame(
        {
            "highway": ["residential", "footway"],
            "node_ids": [" ".join(str(i + 1) for i in range(11)), "8 20"],
        },
        geometry=[LineString([(100.0 * i, 0.0) for i in range(11)]), LineString([(700, 0), (700, 300)])],
        crs=RD,
    )
    g = build_walk_graph(frame)
    plot = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=RD)
    park = box(600, 10, 800, 200)
    out = network_distances(g, plot, _park([("p", park, None)]), {"park": 2000.0})
    assert out[dist_col("park")].iloc[0] == pytest.approx(710.0)  # 700 along, 10 up the path


def test_counts_count_distinct_facilities() -> None:
    shops = facilities(
        [
            ("a1", "supermarkt", Point(200, 5)),
            ("a2", "supermarkt", Point(240, 5)),
            ("a3", "supermarkt", Point(280, 5)),
            ("b", "supermarkt", Point(900, 5)),
        ]
    )
    shops["name"] = ["Albert Heijn", "albert  heijn", "ALBERT HEIJN", "Jumbo"]
    plot = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=RD)
    out = network_distances(
        street_graph(), plot, shops, {"supermarkt": 2000.0}, count_within={"supermarkt": 2000.0}
    )
    assert out[count_col("supermarkt")].iloc[0] == 2
    assert out[nearest_col("supermarkt")].iloc[0] == "a1"
    assert out.attrs["distance_report"]["facilities_distinct"] == 2
    # A stop area: different names, one group.
    stops = facilities([("p1", "ov_halte", Point(100, 5)), ("p2", "ov_halte", Point(100, -5))])
    stops["name"] = ["Perron 1", "Perron 2"]
    stops["group_id"] = ["osm:r1", "osm:r1"]
    out = network_distances(street_graph(), plot, stops, {"ov_halte": 500.0})
    assert out[count_col("ov_halte")].iloc[0] == 1


def test_connector_and_cut_edge_flag_uncertain_distances() -> None:
    g = street_graph()
    shops = facilities([("s", "supermarkt", Point(500, 5)), ("far", "huisarts", Point(900, 120))])
    plots = gpd.GeoDataFrame(geometry=[Point(500, 60), Point(500, 10)], crs=RD)
    out = network_distances(g, plots, shops, {"supermarkt": 1000.0, "huisarts": 1000.0})
    # The first plot is 60 m from the street (> 50 m): both its distances are uncertain.
    assert out[uncertain_col("supermarkt")].tolist()[0] is True
    # The huisarts's own connector is 120 m: uncertain for every plot.
    assert out[uncertain_col("huisarts")].all()
    assert out[DISTANCE_UNCERTAIN].all()


def test_distance_beyond_the_cut_edge_is_flagged_only_when_it_could_matter() -> None:
    # A 2 km grid: plots in the middle are ~1 km from its edge.
    g = build_walk_graph(grid_frame(21, 21, 100.0), profile="general")
    plot = gpd.GeoDataFrame(geometry=[Point(1000, 1000), Point(1000, 1000)], crs=RD)
    near = facilities([("n", "supermarkt", Point(1100, 1000))])
    far = facilities([("f", "huisarts", Point(1000, -40))])
    out = network_distances(g, plot, pd.concat([near, far]), {"supermarkt": 3000.0, "huisarts": 3000.0})
    edge = out["network_edge_m"].iloc[0]
    assert 800.0 <= edge <= 1000.0  # a lower bound of the true 1000 m
    assert not out[uncertain_col("supermarkt")].iloc[0]  # 100 m, well inside
    assert out[uncertain_col("huisarts")].iloc[0]  # 1040 m: beyond the edge


def test_senior_longer_than_general_via_steps() -> None:
    frame = gpd.GeoDataFrame(
        {"highway": ["residential", "steps"], "node_ids": ["1 2 3", "1 3"]},
        geometry=[LineString([(0, 0), (100, 0), (100, 100)]), LineString([(0, 0), (100, 100)])],
        crs=RD,
    )
    shop = facilities([("s", "supermarkt", Point(100, 100))])
    plot = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=RD)
    senior = network_distances(build_walk_graph(frame, profile="senior"), plot, shop, {"supermarkt": 500.0})
    general = network_distances(build_walk_graph(frame, profile="general"), plot, shop, {"supermarkt": 500.0})
    assert senior[dist_col("supermarkt")].iloc[0] == pytest.approx(200.0)
    assert general[dist_col("supermarkt")].iloc[0] == pytest.approx(math.hypot(100, 100))


def test_facility_beyond_snap_limit_ignored() -> None:
    shops = facilities([("off", "supermarkt", Point(500, 300)), ("on", "supermarkt", Point(900, 5))])
    out = network_distances(street_graph(), PLOTS, shops, {"supermarkt": 5000.0})
    assert out[nearest_col("supermarkt")].tolist()[:3] == ["on", "on", "on"]
    assert out.attrs["distance_report"]["facilities_not_connected"] == 1
    assert out.attrs["distance_report"]["facilities_not_connected_ids"] == ["off"]


def test_euclidean_mode() -> None:
    # Count radius 510 m: b reaches s1 at hypot(500, 40) = 501.6 m as well.
    out = euclidean_distances(PLOTS, SHOPS, {"supermarkt": 1000.0}, count_within={"supermarkt": 510.0})
    assert out.index.equals(PLOTS.index)
    assert (out[DISTANCE_METHOD] == "hemelsbreed").all()
    assert out[SNAP_M].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert out[ONTSLOTEN].all()
    expected = [
        math.hypot(490, 50),  # a: corner (10,20) to s1 (500,-30)
        math.hypot(100, 5),  # b: (1000,10) to s2 (900,5)
        math.hypot(190, 20),  # c: corner (310,-10) to s1
        math.hypot(0, 430),  # d: (500,400) to s1
    ]
    np.testing.assert_allclose(out[dist_col("supermarkt")], expected)
    assert out[nearest_col("supermarkt")].tolist() == ["s1", "s2", "s1", "s1"]
    assert out[count_col("supermarkt")].tolist() == [1, 2, 1, 1]
    np.testing.assert_allclose(out[walk_min_col("supermarkt")], np.array(expected) / 50.0)


def test_crs_and_column_errors() -> None:
    g = street_graph()
    with pytest.raises(CRSMismatchError):
        network_distances(g, PLOTS.to_crs("EPSG:4326"), SHOPS, {"supermarkt": 500.0})
    with pytest.raises(CRSMismatchError):
        euclidean_distances(PLOTS, SHOPS.set_crs("EPSG:3857", allow_override=True), {"supermarkt": 500.0})
    with pytest.raises(ScoringError, match="facility_id"):
        network_distances(g, PLOTS, SHOPS.drop(columns=["facility_id"]), {"supermarkt": 500.0})
    with pytest.raises(ScoringError):
        network_distances(g, PLOTS, SHOPS, {"supermarkt": -1.0})


def test_progress_reaches_one_and_cancel_propagates() -> None:
    seen: list[float] = []
    network_distances(
        street_graph(), PLOTS, SHOPS, {"supermarkt": 1000.0}, progress=lambda f, t: seen.append(f)
    )
    assert seen[-1] == 1.0
    assert seen == sorted(seen)

    class Stop(Exception):
        pass

    def cancel(fraction: float, text: str) -> None:
        raise Stop

    with pytest.raises(Stop):
        network_distances(street_graph(), PLOTS, SHOPS, {"supermarkt": 1000.0}, progress=cancel)


def test_nearest_path_and_reach_lines() -> None:
    g = street_graph()
    path = nearest_path(g, box(-10, 20, 10, 40), SHOPS, "supermarkt")
    assert path.facility_id == "s1"
    assert path.distance_m == pytest.approx(540.0)
    assert path.line.length == pytest.approx(540.0)  # the drawn route is the measured one
    assert next(iter(path.line.coords)) == pytest.approx((10.0, 20.0))
    assert list(path.line.coords)[-1] == pytest.approx((500.0, -30.0))
    lines = reach_lines(g, Point(0, 10), (100.0, 300.0))
    # snap 10: within 100 m reach only node 0 → no whole edge; within 300 m nodes 0–2.
    assert lines["distance_m"].tolist() == [100.0, 300.0]
    assert lines.geometry.length.tolist() == pytest.approx([0.0, 200.0])


def grid_frame(nx: int, ny: int, step: float) -> gpd.GeoDataFrame:
    xs, ys = np.arange(nx) * step, np.arange(ny) * step
    ident = (np.arange(nx * ny) + 1).reshape(ny, nx)
    rows = [LineString([(x, y) for x in xs]) for y in ys] + [LineString([(x, y) for y in ys]) for x in xs]
    ids = [" ".join(map(str, ident[j, :])) for j in range(ny)] + [
        " ".join(map(str, ident[:, i])) for i in range(nx)
    ]
    return gpd.GeoDataFrame({"highway": "footway", "node_ids": ids}, geometry=rows, crs=RD)


@settings(max_examples=40, deadline=None)
@given(
    nx=st.integers(2, 6),
    ny=st.integers(2, 6),
    step=st.floats(20, 150),
    plot_xy=st.lists(st.tuples(st.floats(-50, 800), st.floats(-50, 800)), min_size=1, max_size=6),
    fac_xy=st.lists(st.tuples(st.floats(-50, 800), st.floats(-50, 800)), min_size=1, max_size=5),
    half=st.floats(0, 40),
)
def test_network_at_least_straight_line(
    nx: int,
    ny: int,
    step: float,
    plot_xy: list[tuple[float, float]],
    fac_xy: list[tuple[float, float]],
    half: float,
) -> None:
    g = build_walk_graph(grid_frame(nx, ny, step), profile="general")
    plots = gpd.GeoDataFrame(
        geometry=[
            box(x - half, y - half, x + half, y + half) if half > 1 else Point(x, y) for x, y in plot_xy
        ],
        crs=RD,
    )
    facs = facilities([(f"f{i}", "supermarkt", Point(x, y)) for i, (x, y) in enumerate(fac_xy)])
    net = network_distances(g, plots, facs, {"supermarkt": 1e6}, snap_limit_m=1e6)
    eu = euclidean_distances(plots, facs, {"supermarkt": 1e6})
    d_net = net[dist_col("supermarkt")].to_numpy()
    d_eu = eu[dist_col("supermarkt")].to_numpy()
    assert np.all(d_net >= 0)
    assert np.all(d_eu >= 0)
    # Distances are stored as float32 (mm precision at these scales): compare within that.
    tol = 1e-3 + 1e-6 * np.maximum(d_net, d_eu)
    assert np.all(d_net >= d_eu - tol)
    pos = facs.set_index("facility_id").geometry
    nearest = pos.loc[net[nearest_col("supermarkt")].astype(str).to_numpy()].to_numpy()
    straight = shapely.distance(plots.geometry.to_numpy(), nearest)
    assert np.all(d_net >= straight - 1e-3 - 1e-6 * straight)
    assert (net[count_col("supermarkt")] == len(facs)).all()


def test_delft_demo_supermarket_near_versus_campus() -> None:
    network = gpd.read_file(DEMO, layer="network_source")
    facs = gpd.read_file(DEMO, layer="facilities")
    plots = gpd.read_file(DEMO, layer="plots")
    g = build_walk_graph(network, profile="senior")
    out = network_distances(g, plots, facs, {"supermarkt": 1500.0})
    by_id = out.set_index(plots["plot_id"])
    minervaplein = by_id.loc["DLF-028", dist_col("supermarkt")]  # Delft To Go around the corner
    computerlaan = by_id.loc["DLF-020", dist_col("supermarkt")]  # TU campus, far from shops
    assert minervaplein < 300.0
    assert computerlaan > 900.0
    assert by_id.loc["DLF-028", nearest_col("supermarkt")] == "osm:n4155340805"
    assert out[ONTSLOTEN].all()
    eu = euclidean_distances(plots, facs, {"supermarkt": 1500.0})
    both = out[dist_col("supermarkt")].notna() & eu[dist_col("supermarkt")].notna()
    assert (out.loc[both, dist_col("supermarkt")] >= eu.loc[both, dist_col("supermarkt")] - 1e-6).all()
