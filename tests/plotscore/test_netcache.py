"""The per-network cache (plotscore.netcache): a cached run equals a fresh one exactly, and a
changed facility layer is never served from the cache."""

from __future__ import annotations

import gc
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from plotscore import netcache
from plotscore.augment import FacilityPoints, cached_augment
from plotscore.columns import nearest_col
from plotscore.distance import nearest_path, network_distances
from plotscore.network import WalkGraph, build_walk_graph
from tests.plotscore.test_distance import RD, facilities, grid_frame

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.attrs == b.attrs


def test_demo_cached_equals_uncached_exactly() -> None:
    network = gpd.read_file(DEMO, layer="network_source")
    facs = gpd.read_file(DEMO, layer="facilities")
    plots = gpd.read_file(DEMO, layer="plots")
    g = build_walk_graph(network, profile="senior")
    reach = dict.fromkeys(sorted(facs["category"].dropna().unique()), 1200.0)
    netcache.clear()
    fresh = network_distances(g, plots, facs, reach, cache=False)
    assert netcache.cache_info().entries == 0  # cache=False neither reads nor fills it
    first = network_distances(g, plots, facs, reach)
    misses = netcache.cache_info().misses
    second = network_distances(g, plots, facs.copy(), reach)  # an equal copy: same content, hit
    info = netcache.cache_info()
    assert info.misses == misses
    assert info.hits >= 3  # facilities, augmented graph, node cells
    _same(fresh, first)
    _same(fresh, second)


def test_changed_facilities_are_not_served_from_the_cache() -> None:
    g = build_walk_graph(grid_frame(6, 6, 100.0), profile="general")
    plots = gpd.GeoDataFrame(geometry=[box(40, 40, 60, 60), Point(320, 180), Point(500, 500)], crs=RD)
    facs = facilities([("s1", "supermarkt", Point(100, 10)), ("s2", "supermarkt", Point(480, 420))])
    reach = {"supermarkt": 2000.0}
    netcache.clear()
    before = network_distances(g, plots, facs, reach)
    # The same frame object changed in place: a new key, not the old entry.
    facs.loc[0, "geometry"] = Point(300, 190)
    misses = netcache.cache_info().misses
    after = network_distances(g, plots, facs, reach)
    assert netcache.cache_info().misses > misses
    _same(after, network_distances(g, plots, facs, reach, cache=False))
    assert not after.equals(before)
    # A different category label or facility id is another facility set too.
    facs.loc[1, "facility_id"] = "s9"
    renamed = network_distances(g, plots, facs, reach)
    assert "s9" in set(renamed[nearest_col("supermarkt")].astype(str))


def test_cache_is_bounded_read_only_and_goes_with_the_graph() -> None:
    g = build_walk_graph(grid_frame(4, 4, 50.0), profile="general")
    netcache.clear()
    for k in range(netcache.MAX_ENTRIES + 3):
        pts = FacilityPoints(np.zeros(1, dtype=np.int64), np.array([k % 4]), np.array([0.5]), np.zeros(1), 1)
        aug = cached_augment(g, pts)
        assert cached_augment(g, pts) is aug
        with pytest.raises(ValueError, match="read-only"):
            aug.csr.data[0] = 1.0
    assert netcache.cache_info().entries <= netcache.MAX_ENTRIES
    del g, aug
    gc.collect()
    assert netcache.cache_info().entries == 0


def test_nearest_path_uses_the_cached_join_and_agrees() -> None:
    g = build_walk_graph(grid_frame(5, 5, 100.0), profile="general")
    facs = facilities([("s1", "supermarkt", Point(210, 310)), ("s2", "supermarkt", Point(390, 20))])
    netcache.clear()
    first = nearest_path(g, box(0, 0, 20, 20), facs, "supermarkt")
    again = nearest_path(g, box(0, 0, 20, 20), facs, "supermarkt")
    assert netcache.cache_info().hits >= 1
    assert (first.facility_id, first.distance_m) == (again.facility_id, again.distance_m)
    assert first.line.equals(again.line)


@settings(max_examples=25, deadline=None)
@given(
    nx=st.integers(2, 6),
    ny=st.integers(2, 6),
    step=st.floats(20, 150),
    plot_xy=st.lists(st.tuples(st.floats(-50, 800), st.floats(-50, 800)), min_size=1, max_size=6),
    fac_xy=st.lists(
        st.tuples(st.floats(-50, 800), st.floats(-50, 800), st.sampled_from(["supermarkt", "huisarts"])),
        min_size=1,
        max_size=6,
    ),
    moved=st.tuples(st.floats(-50, 800), st.floats(-50, 800)),
    half=st.floats(0, 40),
)
def test_random_graphs_cached_equals_uncached(
    nx: int,
    ny: int,
    step: float,
    plot_xy: list[tuple[float, float]],
    fac_xy: list[tuple[float, float, str]],
    moved: tuple[float, float],
    half: float,
) -> None:
    g: WalkGraph = build_walk_graph(grid_frame(nx, ny, step), profile="general")
    plots = gpd.GeoDataFrame(
        geometry=[
            box(x - half, y - half, x + half, y + half) if half > 1 else Point(x, y) for x, y in plot_xy
        ],
        crs=RD,
    )
    facs = facilities([(f"f{i}", c, Point(x, y)) for i, (x, y, c) in enumerate(fac_xy)])
    reach = {"supermarkt": 400.0, "huisarts": 1e6}
    netcache.clear()
    for _ in range(2):  # a miss, then a hit: both equal the reference
        _same(
            network_distances(g, plots, facs, reach, snap_limit_m=1e6),
            network_distances(g, plots, facs, reach, snap_limit_m=1e6, cache=False),
        )
    facs.loc[0, "geometry"] = Point(*moved)  # the layer changes: the cached result must not come back
    _same(
        network_distances(g, plots, facs, reach, snap_limit_m=1e6),
        network_distances(g, plots, facs, reach, snap_limit_m=1e6, cache=False),
    )
