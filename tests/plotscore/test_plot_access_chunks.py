"""plot_access in chunks of plots gives exactly what the former one-piece computation gave.

The reference is the former implementation: ``nearest_on_edges`` over all plots at once (the
chunk size set above the number of plots). Point and polygon plots, far-off plots beyond the
connector cap, missing and empty geometries, holes and multipolygons are all in the mix.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from bench import synthetic
from plotscore import access
from plotscore.distance import PlotAccess, plot_access
from plotscore.network import WalkGraph, build_walk_graph

_FIELDS = ("plot", "edge", "t_lo", "t_hi", "connector_m", "from_outline")


@pytest.fixture(scope="module")
def graph() -> WalkGraph:
    return build_walk_graph(synthetic.network(3_000, seed=7)[0], profile="senior")


def _plots(graph: WalkGraph, rng: np.random.Generator, polygons: bool) -> gpd.GeoDataFrame:
    lo = graph.node_xy.min(axis=0) - 1500.0
    hi = graph.node_xy.max(axis=0) + 1500.0
    n = 1_500
    xy = rng.uniform(lo, hi, (n, 2))
    # A third exactly on network nodes, as in the bench's public-call case.
    xy[: n // 3] = graph.node_xy[rng.integers(0, graph.n_nodes, n // 3)]
    if polygons:
        half = rng.uniform(3.0, 40.0, n)
        geoms = shapely.box(xy[:, 0] - half, xy[:, 1] - half, xy[:, 0] + half, xy[:, 1] + half)
        centres = shapely.points(xy[::7])
        geoms[::7] = shapely.difference(shapely.buffer(centres, 25.0), shapely.buffer(centres, 8.0))  # holes
        geoms[3::11] = shapely.multipolygons(
            [[shapely.box(x - 9, y - 9, x, y), shapely.box(x + 30, y, x + 45, y + 12)] for x, y in xy[3::11]]
        )
        geoms[5::13] = [  # non-convex
            shapely.Polygon([(x, y), (x + 30, y), (x + 30, y + 30), (x + 15, y + 8), (x, y + 30)])
            for x, y in xy[5::13]
        ]
    else:
        geoms = shapely.points(xy)
    geoms = np.asarray(geoms, dtype=object)
    geoms[10] = None
    geoms[20] = shapely.Polygon() if polygons else shapely.Point()
    return gpd.GeoDataFrame(geometry=gpd.GeoSeries(geoms), crs="EPSG:28992")


def _run(
    graph: WalkGraph, plots: gpd.GeoDataFrame, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> PlotAccess:
    monkeypatch.setattr(access, "_NEAREST_CHUNK", chunk)
    return plot_access(graph, plots)


@pytest.mark.parametrize("polygons", [False, True])
def test_chunked_plot_access_equals_the_one_piece_computation(
    graph: WalkGraph, polygons: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    plots = _plots(graph, np.random.default_rng(31 + polygons), polygons)
    whole = _run(graph, plots, 10**9, monkeypatch)
    # The mix reaches every branch: joined by a hit or a connector, and too far to join.
    assert whole.ok.any()
    assert (~whole.ok).any()
    assert (~whole.entries.from_outline).any()
    for chunk in (1, 97, 500):
        got = _run(graph, plots, chunk, monkeypatch)
        np.testing.assert_array_equal(got.ok, whole.ok)
        np.testing.assert_array_equal(got.connector_m, whole.connector_m)
        for name in _FIELDS:
            np.testing.assert_array_equal(
                getattr(got.entries, name), getattr(whole.entries, name), err_msg=name
            )
