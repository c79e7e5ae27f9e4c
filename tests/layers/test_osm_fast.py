"""The network-only OSM read (C++ tag filters, lines made by libosmium) equals the full scan."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import shapely

from layers import osm
from layers.canonical import LayerKind
from layers.categories import load_osm_rules
from layers.result import LoadResult

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "osm" / "mini.osm"


def _network(results: list[LoadResult]) -> LoadResult:
    return next(r for r in results if r.kind is LayerKind.NETWORK_SOURCE)


def _assert_same(fast: LoadResult, full: LoadResult) -> None:
    pd.testing.assert_frame_equal(
        fast.frame.drop(columns="geometry"), full.frame.drop(columns="geometry"), check_exact=True
    )
    a, b = fast.frame.geometry.to_numpy(), full.frame.geometry.to_numpy()
    assert (shapely.get_num_coordinates(a) == shapely.get_num_coordinates(b)).all()
    assert (shapely.get_coordinates(a) == shapely.get_coordinates(b)).all()  # bit for bit
    assert fast.meta == full.meta
    assert [(w.code, w.count) for w in fast.warnings] == [(w.code, w.count) for w in full.warnings]


def test_mini_fixture_fast_equals_full_scan(tmp_path: Path) -> None:
    mini = tmp_path / "mini.osm"
    shutil.copy2(MINI, mini)
    fast = _network(osm.read_osm(mini, kinds=[LayerKind.NETWORK_SOURCE]))
    full = _network(osm.read_osm(mini))  # facilities too: the per-object scan
    _assert_same(fast, full)
    assert dict(zip(fast.frame["way_id"].astype(int), fast.frame["node_ids"], strict=True))[5] == "2 6"
    assert {w.code: w.count for w in fast.warnings}["osm_partial_way"] == 1  # the careful path ran


@pytest.mark.parametrize("name", ["tudelft_2025.osm.pbf", "tudelft_clip.osm.pbf"])
def test_delft_fast_equals_old_handler(shared_data: Callable[[str], Path], name: str) -> None:
    from plotscore.network import build_walk_graph

    path = shared_data(f"delft/osm/{name}")
    fast = _network(osm.read_osm(path, kinds=[LayerKind.NETWORK_SOURCE]))
    full = _network(osm.read_osm(path, kinds=[LayerKind.NETWORK_SOURCE, LayerKind.FACILITIES]))
    _assert_same(fast, full)
    # And the old handler on its own (network only), and the graph built from each.
    rules = load_osm_rules()
    old = osm._scan(path, rules, facilities=False, network=True)
    assert old.net.way_ids == osm._scan_network(path, rules).way_ids
    g_fast, g_full = build_walk_graph(fast.frame), build_walk_graph(full.frame)
    assert (g_fast.node_xy == g_full.node_xy).all()
    assert (g_fast.csr != g_full.csr).nnz == 0  # same edges, same lengths
    assert g_fast.report == g_full.report
