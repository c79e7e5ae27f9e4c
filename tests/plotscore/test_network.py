"""Tests for plotscore.network: walking rules, topology from OSM node ids, the component cut."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString

from plotscore.errors import CRSMismatchError, NetworkError, ProfileError
from plotscore.network import WalkGraph, build_walk_graph, load_walk_rules, walk_graph_stats

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"


def ways(rows: list[dict[str, object]], crs: str | None = "EPSG:28992") -> gpd.GeoDataFrame:
    """A NETWORK_SOURCE-like frame; each row gives coords, node_ids and optional tags."""
    data = []
    for r in rows:
        d = {"highway": "residential", "foot": None, "access": None, **r}
        d["geometry"] = LineString(d.pop("coords"))  # type: ignore[arg-type]
        data.append(d)
    return gpd.GeoDataFrame(data, geometry="geometry", crs=crs)


def node_of(graph: WalkGraph, osm_id: int) -> int:
    assert graph.osm_node_ids is not None
    return int(np.flatnonzero(graph.osm_node_ids == osm_id)[0])


def walk_m(graph: WalkGraph, a: int, b: int) -> float:
    return float(dijkstra(graph.csr, indices=node_of(graph, a))[node_of(graph, b)])


# An L-shaped street A(0,0)–B(100,0)–C(100,100) and steps straight from A to C.
L_STREET = [
    {"coords": [(0, 0), (100, 0), (100, 100)], "node_ids": "1 2 3"},
    {"coords": [(0, 0), (100, 100)], "node_ids": "1 3", "highway": "steps"},
]


def test_rules_from_toml() -> None:
    senior = load_walk_rules("senior")
    general = load_walk_rules("general")
    assert senior.pace_kmh == 3.0
    assert general.pace_kmh == 4.5
    assert senior.snap_limit_m == 250.0
    assert "steps" in senior.exclude_highway
    assert "steps" not in general.exclude_highway
    assert "motorway" in senior.never_highway
    assert senior.pace_m_per_min == pytest.approx(50.0)
    assert load_walk_rules(None).profile == "senior"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("schema_version = 1\n[defaults]\n[profiles.x]\npace_kmh = 3", "rollator"),
        ("schema_version = 2\n[defaults]\n[profiles.senior]\n", "schema_version"),
        ("not = [toml", "TOML"),
    ],
)
def test_rules_invalid(text: str, fragment: str) -> None:
    with pytest.raises(ProfileError) as err:
        load_walk_rules("rollator" if fragment == "rollator" else "senior", text=text)
    assert fragment in err.value.message
    assert err.value.hint


def test_rules_bad_values() -> None:
    good = load_walk_rules("senior")
    assert good
    base = (DEMO.parents[1] / "network" / "walking.toml").read_text(encoding="utf-8")
    with pytest.raises(ProfileError, match="groter dan 0"):
        load_walk_rules("senior", text=base.replace("pace_kmh = 3.0", "pace_kmh = -1"))
    with pytest.raises(ProfileError, match="Onbekende velden"):
        load_walk_rules("senior", text=base.replace("pace_kmh = 3.0", "pace_kmh = 3.0\nspeed = 2"))


def test_steps_shortcut_senior_vs_general() -> None:
    frame = ways(L_STREET)
    senior = build_walk_graph(frame, profile="senior")
    general = build_walk_graph(frame, profile="general")
    assert walk_m(senior, 1, 3) == pytest.approx(200.0)
    assert walk_m(general, 1, 3) == pytest.approx(math.hypot(100, 100))
    assert senior.report.ways_excluded["profile"] == 1
    assert general.report.ways_excluded["profile"] == 0
    assert (senior.report.nodes, senior.report.edges) == (3, 2)
    assert (general.report.nodes, general.report.edges) == (3, 3)
    assert senior.profile == "senior"
    assert senior.report.length_m == pytest.approx(200.0)


def test_shared_node_connects_crossing_does_not() -> None:
    crossing = ways(
        [
            {"coords": [(0, 0), (100, 0)], "node_ids": "1 2"},
            {"coords": [(50, -50), (50, 50)], "node_ids": "3 4"},  # bridge: no shared node
        ]
    )
    g = build_walk_graph(crossing)
    assert g.report.components == 2
    assert g.report.nodes == 2
    assert g.report.nodes_cut_off == 2
    assert g.report.length_cut_off_m == pytest.approx(100.0)
    assert g.report.share_kept == pytest.approx(0.5)

    joined = ways(
        [
            {"coords": [(0, 0), (50, 0), (100, 0)], "node_ids": "1 5 2"},
            {"coords": [(50, -50), (50, 0), (50, 50)], "node_ids": "3 5 4"},
        ]
    )
    g = build_walk_graph(joined)
    assert g.report.components == 1
    assert (g.report.nodes, g.report.edges) == (5, 4)
    assert walk_m(g, 1, 3) == pytest.approx(100.0)


def test_component_cut_off_reported() -> None:
    frame = ways([*L_STREET[:1], {"coords": [(500, 500), (530, 500)], "node_ids": "8 9"}])
    g = build_walk_graph(frame)
    r = g.report
    assert (r.components, r.nodes, r.nodes_cut_off) == (2, 3, 2)
    assert r.length_cut_off_m == pytest.approx(30.0)
    assert r.share_kept == pytest.approx(200.0 / 230.0)
    assert g.osm_node_ids is not None
    assert set(g.osm_node_ids.tolist()) == {1, 2, 3}
    assert "afgesneden: 2 knopen, 30 m" in r.summary_nl()


def test_foot_and_access_tags() -> None:
    street = {"coords": [(0, 0), (100, 0)], "node_ids": "1 2"}
    frame = ways(
        [
            street,
            {"coords": [(100, 0), (200, 0)], "node_ids": "2 3", "foot": "no"},
            {"coords": [(100, 0), (100, 100)], "node_ids": "2 4", "access": "private"},
            {"coords": [(0, 0), (0, 100)], "node_ids": "1 5", "access": "private", "foot": "yes"},
            {"coords": [(0, 0), (-100, 0)], "node_ids": "1 6", "highway": "motorway", "foot": "yes"},
            {"coords": [(0, 0), (0, -100)], "node_ids": "1 7", "highway": "trunk", "foot": "yes"},
            {"coords": [(0, 0), (0, -50)], "node_ids": "1 8", "highway": "trunk"},
            {"coords": [(0, 0), (-50, 0)], "node_ids": "1 9", "highway": "cycleway", "foot": "use_sidepath"},
        ]
    )
    g = build_walk_graph(frame)
    r = g.report
    assert r.ways_in == 8
    assert r.ways_used == 3  # street, foot=yes over access=private, trunk with foot=yes
    assert r.ways_excluded == {
        "geometry": 0,
        "highway_never": 1,
        "foot_forbidden": 2,
        "profile": 0,
        "highway_not_walkable": 1,
        "access_forbidden": 1,
    }
    assert g.osm_node_ids is not None
    assert sorted(g.osm_node_ids.tolist()) == [1, 2, 5, 7]


def test_parallel_edges_keep_shortest() -> None:
    frame = ways(
        [
            {"coords": [(0, 0), (100, 0)], "node_ids": "1 2"},
            {"coords": [(0, 0), (50, 40), (100, 0)], "node_ids": "1 3 2"},
            {"coords": [(100, 0), (0, 0)], "node_ids": "2 1", "highway": "footway"},
        ]
    )
    g = build_walk_graph(frame)
    assert g.csr[node_of(g, 1), node_of(g, 2)] == pytest.approx(100.0)
    assert g.report.edges == 3
    assert (g.csr != g.csr.T).nnz == 0


def test_coordinate_fallback_without_node_ids() -> None:
    frame = ways(
        [
            {"coords": [(0, 0), (100, 0)], "node_ids": "1 2"},
            {"coords": [(100.001, 0), (100, 80)], "node_ids": None},  # joins node 2 (1 cm grid)
            {"coords": [(100, 80), (0, 80)], "node_ids": "bad ids"},  # joins the way above
            {"coords": [(0, 80), (0, 50)], "node_ids": "4"},  # wrong count: coordinates too
        ]
    )
    g = build_walk_graph(frame)
    assert g.report.ways_coordinate_topology == 3
    assert g.report.components == 1
    assert g.report.nodes == 5
    assert g.osm_node_ids is not None
    assert sorted(g.osm_node_ids.tolist()) == [-1, -1, -1, 1, 2]
    far = int(np.argmin(np.hypot(g.node_xy[:, 0] - 0, g.node_xy[:, 1] - 50)))
    assert float(dijkstra(g.csr, indices=node_of(g, 1))[far]) == pytest.approx(100 + 80 + 100 + 30)


def test_no_node_ids_column_at_all() -> None:
    frame = ways(L_STREET[:1]).drop(columns=["node_ids"])
    g = build_walk_graph(frame)
    assert g.osm_node_ids is None
    assert (g.report.nodes, g.report.edges) == (3, 2)


def test_errors() -> None:
    with pytest.raises(CRSMismatchError) as err:
        build_walk_graph(ways(L_STREET, crs="EPSG:4326"))
    assert "EPSG:28992" in err.value.message
    assert err.value.hint
    with pytest.raises(CRSMismatchError):
        build_walk_graph(ways(L_STREET, crs=None))
    with pytest.raises(NetworkError) as nerr:
        build_walk_graph(ways([{**L_STREET[0], "foot": "no"}]))
    assert "Geen beloopbare wegen" in nerr.value.message
    with pytest.raises(ProfileError):
        build_walk_graph(ways(L_STREET), profile="hardloper")


def test_input_not_mutated_and_arrays_read_only() -> None:
    frame = ways(L_STREET)
    before = frame.copy()
    g = build_walk_graph(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert not g.node_xy.flags.writeable
    stats = walk_graph_stats(g)
    assert stats["nodes"] == 3
    assert stats["length_km"] == pytest.approx(0.2)


def test_progress_is_called_and_may_cancel() -> None:
    seen: list[float] = []
    build_walk_graph(ways(L_STREET), progress=lambda f, t: seen.append(f))
    assert seen[0] == 0.0
    assert seen[-1] == 1.0

    class Stop(Exception):
        pass

    def cancel(fraction: float, text: str) -> None:
        if fraction > 0.2:
            raise Stop

    with pytest.raises(Stop):
        build_walk_graph(ways(L_STREET), progress=cancel)


def test_delft_demo_network_builds() -> None:
    network = gpd.read_file(DEMO, layer="network_source")
    g = build_walk_graph(network, profile="senior")
    r = g.report
    assert r.ways_in == len(network)
    assert r.ways_used + sum(r.ways_excluded.values()) == r.ways_in
    assert r.ways_excluded["profile"] == int((network["highway"] == "steps").sum())
    assert r.ways_coordinate_topology == 0
    assert r.nodes > 4000
    assert r.share_kept > 0.95
    assert g.csr.shape == (r.nodes, r.nodes)
    assert g.csr.nnz == 2 * r.edges
    general = build_walk_graph(network, profile="general")
    assert general.report.nodes >= r.nodes
