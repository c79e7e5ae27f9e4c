"""Tiled walking distances equal the untiled run, bit for bit (plotscore.tiles)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from bench import synthetic
from plotscore.criteria import load_profile, min_departures, reach_m
from plotscore.distance import network_distances
from plotscore.errors import ScoringError
from plotscore.network import build_walk_graph, load_walk_rules
from plotscore.pipeline import _clip_network, _facility_notes, _norm_radius, network_buffer_m, score_plots
from plotscore.tiles import grid_tiles, outline_tiles, prepare_region, tiled_network_distances

RD = "EPSG:28992"


def _untiled(plots: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, source: gpd.GeoDataFrame, reach, count):
    """What score_plots does without tiles: the network cut to the plots + buffer, one graph."""
    rules = load_walk_rules("senior")
    graph = build_walk_graph(source, profile="senior")
    return network_distances(
        graph, plots, facilities, reach, count_within=count, snap_limit_m=rules.snap_limit_m
    )


@pytest.fixture(scope="module")
def town() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, float], dict[str, float]]:
    m = synthetic.municipality(12_000, 900, 120, seed=5)
    profile = load_profile("geclusterd")
    reach = reach_m(profile)
    facilities, _, _ = _facility_notes(m.facilities, sorted(reach), min_departures(profile))
    source = _clip_network(m.network_source, m.plots, network_buffer_m(profile))
    return m.plots, facilities, source, reach, _norm_radius(profile)


@pytest.mark.parametrize(("size_m", "workers"), [(4000.0, 1), (7000.0, 2)])
def test_tiled_equals_untiled_on_a_synthetic_network(town, size_m: float, workers: int) -> None:
    plots, facilities, source, reach, count = town
    expected = _untiled(plots, facilities, source, reach, count)
    region = prepare_region(source, profile="senior")
    plan = grid_tiles(plots, size_m)
    assert len(plan.keys) >= 4  # really tiled
    got = tiled_network_distances(
        plan, plots, facilities, region, reach, count_within=count, snap_limit_m=250.0, workers=workers
    )
    pd.testing.assert_frame_equal(got.distances, expected, check_exact=True)
    assert sum(t["plots"] for t in got.tiles) == len(plots)
    assert all(t["nodes"] < region.report.nodes for t in got.tiles)  # each tile holds a part only
    assert got.distances.attrs["distance_report"]["facilities_not_connected_ids"] == list(
        expected.attrs["distance_report"]["facilities_not_connected_ids"]
    )


def _way_frame(lines: list[list[tuple[float, float]]]) -> gpd.GeoDataFrame:
    """Ways sharing OSM node ids wherever they share a coordinate."""
    ids: dict[tuple[float, float], int] = {}
    node_ids = [" ".join(str(ids.setdefault(p, len(ids) + 1)) for p in line) for line in lines]
    n = len(lines)
    return gpd.GeoDataFrame(
        {
            "way_id": np.arange(1, n + 1),
            "highway": ["footway"] * n,
            "node_ids": node_ids,
        },
        geometry=[shapely.LineString(line) for line in lines],
        crs=RD,
    )


def test_a_piece_joined_only_outside_the_tile_is_kept() -> None:
    """A dead-end arm whose only link to the rest lies 4 km away: cut off inside its tile.

    The untiled graph has it (one connected network), so the tile must too, or the plot at its
    end would be snapped to the other arm and the supermarket on it would be unreachable.
    """
    x0, y0 = 100_000.0, 450_000.0
    lines: list[list[tuple[float, float]]] = []
    for k in range(21):  # a 1 km grid town, 50 m blocks
        lines.append([(x0 + 50 * i, y0 + 50 * k) for i in range(21)])
        lines.append([(x0 + 50 * k, y0 + 50 * i) for i in range(21)])
    east = x0 + 1000
    # Arm A east along y0 (ways of 500 m), a turn 200 m north at 5 km, arm B back west to east+500.
    for s in range(10):
        lines.append([(east + 500 * s + 50 * i, y0) for i in range(11)])
    lines.append([(east + 5000, y0), (east + 5000, y0 + 200)])
    for s in range(9):
        lines.append([(east + 5000 - 500 * s - 50 * i, y0 + 200) for i in range(11)])
    ways = _way_frame(lines)
    plot = shapely.box(east + 480, y0 + 205, east + 520, y0 + 240)  # 5 m north of arm B's end
    plots = gpd.GeoDataFrame(
        {"plot_id": ["P1", "P2"]}, geometry=[plot, shapely.box(x0 + 10, y0 + 10, x0 + 40, y0 + 40)], crs=RD
    )
    facilities = gpd.GeoDataFrame(
        {"facility_id": ["F1", "F2"], "category": ["supermarkt", "supermarkt"], "name": [None, None]},
        geometry=[shapely.Point(east + 800, y0 + 210), shapely.Point(x0 + 500, y0 + 500)],
        crs=RD,
    )
    reach = {"supermarkt": 1000.0}
    expected = _untiled(plots, facilities, ways, reach, {})
    assert expected["dist_supermarkt_m"].iloc[0] == pytest.approx(
        280 + 5 + 10, abs=0.01
    )  # along arm B, both connectors
    region = prepare_region(ways, profile="senior")
    plan = grid_tiles(plots, 1000.0)
    assert len(plan.keys) == 2
    got = tiled_network_distances(plan, plots, facilities, region, reach, snap_limit_m=250.0)
    pd.testing.assert_frame_equal(got.distances, expected, check_exact=True)
    # The case is real: inside the plot's tile the arm is a part of its own, not the largest.
    tile_ways = ways.loc[ways.intersects(shapely.box(east - 2500, y0 - 2500, east + 3000, y0 + 2800))]
    assert build_walk_graph(tile_ways).report.components > 1


def test_the_regions_islands_stay_out() -> None:
    """Ways the untiled graph leaves out (not its largest part) are left out of every tile."""
    x0, y0 = 100_000.0, 450_000.0
    town = [[(x0 + 50 * i, y0 + 50 * k) for i in range(11)] for k in range(11)]
    town += [[(x0 + 50 * k, y0 + 50 * i) for i in range(11)] for k in range(11)]
    island = [[(x0 + 1000, y0), (x0 + 1100, y0)]]
    ways = _way_frame(town + island)
    region = prepare_region(ways, profile="senior")
    assert len(region.ways) == len(town)
    assert region.report.components == 2


def test_outline_tiles_put_each_plot_in_its_gemeente_or_the_nearest() -> None:
    outlines = gpd.GeoDataFrame(
        {"code": ["GM1", "GM2"], "name": ["West", "Oost"]},
        geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        crs=RD,
    )
    plots = gpd.GeoDataFrame(
        geometry=[
            shapely.box(10, 10, 50, 50),
            shapely.box(1500, 10, 1550, 50),
            shapely.box(2100, 500, 2150, 550),  # outside both: nearest is Oost
            shapely.box(-300, 500, -250, 550),  # outside both: nearest is West
        ],
        crs=RD,
    )
    plan = outline_tiles(plots, outlines, key="code", name="name")
    assert [plan.keys[t] for t in plan.tile_of] == ["GM1", "GM2", "GM2", "GM1"]
    assert set(plan.names) == {"West", "Oost"}
    with pytest.raises(ScoringError, match="kolom 'gemeentecode'"):
        outline_tiles(plots, outlines, key="gemeentecode")


def test_grid_tiles_cover_every_plot_once() -> None:
    plots = synthetic.plots(500, seed=9)
    plan = grid_tiles(plots, 3000.0)
    inner = shapely.get_coordinates(shapely.point_on_surface(plots.geometry.to_numpy()))
    for t, key in enumerate(plan.keys):
        x, y = (float(v) for v in key.split("_"))
        mine = inner[plan.tile_of == t]
        assert ((mine >= [x, y]) & (mine < [x + 3000, y + 3000])).all()
    members = np.concatenate([m for _t, m in plan.members()])
    assert np.array_equal(np.sort(members), np.arange(len(plots)))
    with pytest.raises(ScoringError):
        grid_tiles(plots, 0.0)


def test_score_plots_tiled_equals_untiled() -> None:
    m = synthetic.municipality(6_000, 300, 60, seed=11)
    profile = load_profile("geclusterd")
    kwargs = {"network_source": m.network_source, "robustness_n": 20}
    plain = score_plots(m.plots, m.facilities, profile, **kwargs)
    tiled = score_plots(m.plots, m.facilities, profile, tiles=grid_tiles(m.plots, 6000.0), **kwargs)
    pd.testing.assert_frame_equal(tiled.frame, plain.frame, check_exact=True)
    extra = [n for n in tiled.notes if n not in plain.notes]
    assert len(extra) == 1
    assert extra[0].startswith("Loopafstanden berekend in vierkante tegels")
    assert [n for n in tiled.notes if n in plain.notes] == list(plain.notes)
    assert len(tiled.tile_stats) > 1
    assert tiled.graph is None


def test_facilities_far_from_every_plot_are_still_checked() -> None:
    """An untiled run names every facility no way reaches, also those far from the plots."""
    x0, y0 = 100_000.0, 450_000.0
    lines = [[(x0 + 100 * i, y0 + 100 * k) for i in range(81)] for k in range(3)]  # 8 km of streets
    lines += [[(x0 + 100 * k, y0), (x0 + 100 * k, y0 + 200)] for k in range(0, 81, 10)]
    ways = _way_frame(lines)
    plots = gpd.GeoDataFrame(geometry=[shapely.box(x0 + 10, y0 + 10, x0 + 40, y0 + 40)], crs=RD)
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": ["near", "far_on", "far_off", "far_off_other"],
            "category": ["supermarkt", "supermarkt", "supermarkt", "huisarts"],
            "name": [None, None, None, None],
        },
        geometry=[
            shapely.Point(x0 + 300, y0 + 5),
            shapely.Point(x0 + 7500, y0 + 105),  # 7.5 km away, on a street
            shapely.Point(x0 + 7500, y0 + 900),  # 7.5 km away, 700 m from any street
            shapely.Point(x0 + 7000, y0 + 900),  # a category not asked for: never named
        ],
        crs=RD,
    )
    reach = {"supermarkt": 1000.0}
    expected = _untiled(plots, facilities, ways, reach, {})
    assert expected.attrs["distance_report"]["facilities_not_connected_ids"] == ["far_off"]
    region = prepare_region(ways, profile="senior")
    got = tiled_network_distances(grid_tiles(plots, 1000.0), plots, facilities, region, reach, workers=1)
    assert got.distances.attrs["distance_report"]["facilities_not_connected_ids"] == ["far_off"]
    assert any(t["plots"] == 0 for t in got.tiles)  # the far ones had a check of their own
    pd.testing.assert_frame_equal(got.distances, expected, check_exact=True)


def test_plots_without_geometry_join_a_tile_and_get_no_distance(town) -> None:
    plots, facilities, source, reach, count = town
    holes = plots.copy()
    holes.loc[holes.index[[3, 500]], "geometry"] = None
    expected = _untiled(holes, facilities, source, reach, count)
    region = prepare_region(source, profile="senior")
    got = tiled_network_distances(
        grid_tiles(holes, 5000.0), holes, facilities, region, reach, count_within=count
    )
    pd.testing.assert_frame_equal(got.distances, expected, check_exact=True)
    assert not got.distances["ontsloten"].iloc[[3, 500]].any()


def test_node_ids_parse_the_same_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The region pass parses millions of ways' node ids in chunks: same ids, same fallbacks."""
    from plotscore import network

    ways = synthetic.network(2_000, seed=4)[0]
    ids = ways["node_ids"].astype(object).to_numpy().copy()
    ids[5] = "12 x 14"  # a token that is no integer: that way falls back to coordinates
    ids[17] = None
    ids[40] = str(ids[40]).rsplit(" ", 1)[0]  # one id short of its vertices
    series = pd.Series(ids, dtype="string")
    n_coords = shapely.get_num_coordinates(ways.geometry.to_numpy()).astype(np.int64)
    whole = network._parse_node_ids(series, n_coords)
    monkeypatch.setattr(network, "_PARSE_CHUNK", 7)
    chunked = network._parse_node_ids(series, n_coords)
    assert np.array_equal(whole[0], chunked[0])
    assert np.array_equal(whole[1], chunked[1])
    assert not chunked[1][[5, 17, 40]].any()
    assert chunked[1].sum() == len(ways) - 3
