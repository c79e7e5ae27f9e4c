"""plot_access, chunked and with the compiled point search, gives exactly what the former code gave.

The reference is the former implementation: ``nearest_on_edges`` over all plots at once (the
chunk size set above the number of plots) and ``EdgeIndex.nearest``'s numpy path (the compiled
core switched off). Point and polygon plots, far-off plots beyond the connector cap, missing and
empty geometries, holes and multipolygons are all in the mix.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from bench import synthetic
from plotscore import access, walkcore
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
    graph: WalkGraph, plots: gpd.GeoDataFrame, chunk: int, monkeypatch: pytest.MonkeyPatch, *, compiled: bool
) -> PlotAccess:
    monkeypatch.setattr(access, "_NEAREST_CHUNK", chunk)
    monkeypatch.setenv(walkcore.ENV_VAR, "" if compiled else "scipy")
    return plot_access(graph, plots)


@pytest.mark.parametrize("polygons", [False, True])
def test_chunked_plot_access_equals_the_one_piece_computation(
    graph: WalkGraph, polygons: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    plots = _plots(graph, np.random.default_rng(31 + polygons), polygons)
    whole = _run(graph, plots, 10**9, monkeypatch, compiled=False)
    # The mix reaches every branch: joined by a hit or a connector, and too far to join.
    assert whole.ok.any()
    assert (~whole.ok).any()
    assert (~whole.entries.from_outline).any()
    runs = [(chunk, False) for chunk in (1, 97, 500)]
    if walkcore.numba_available():
        runs += [(10**9, True), (97, True)]
    for chunk, compiled in runs:
        got = _run(graph, plots, chunk, monkeypatch, compiled=compiled)
        np.testing.assert_array_equal(got.ok, whole.ok)
        np.testing.assert_array_equal(got.connector_m, whole.connector_m)
        for name in _FIELDS:
            np.testing.assert_array_equal(
                getattr(got.entries, name), getattr(whole.entries, name), err_msg=name
            )


@pytest.mark.skipif(not walkcore.numba_available(), reason="numba missing: the numpy path is the only one")
@pytest.mark.parametrize(("extra_m", "max_m"), [(0.0, None), (20.0, 1000.0), (5.0, 60.0), (150.0, None)])
def test_compiled_nearest_points_equal_the_numpy_path(
    graph: WalkGraph, extra_m: float, max_m: float | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(5)
    lo = graph.node_xy.min(axis=0) - 3000.0
    hi = graph.node_xy.max(axis=0) + 3000.0
    xy = np.vstack(
        [
            rng.uniform(lo, hi, (3_000, 2)),
            graph.node_xy[:500],
            graph.edges.a[:200] * 0.5 + graph.edges.b[:200] * 0.5,
        ]
    )
    geoms = np.asarray(shapely.points(xy), dtype=object)
    geoms[7] = None
    monkeypatch.setenv(walkcore.ENV_VAR, "scipy")
    want = graph.edges.nearest(geoms, extra_m=extra_m, max_m=max_m)
    monkeypatch.setenv(walkcore.ENV_VAR, "")
    got = graph.edges.nearest(geoms, extra_m=extra_m, max_m=max_m)
    for w, g in zip(want, got, strict=True):
        np.testing.assert_array_equal(g, w)
