"""Who lives where: dasymetric totals per area, and walking reach against a brute-force count.

The network test builds a small street grid, spreads residents over it and counts, per plot,
the residents within 400/800 m with a plain Dijkstra written here (heapq over the same ways),
snapping done by hand: plots to the node nearest their outline, residents to their nearest node.
"""

from __future__ import annotations

import heapq
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from layers.canonical import LayerKind, conform
from plotscore.columns import older_col
from plotscore.network import build_walk_graph
from plotscore.population import (
    PopulationPoints,
    distribute_older_residents,
    finest_level,
    load_age_structure,
    older_within_reach,
    population_weighted_distance,
)

RD = "EPSG:28992"
X0, Y0 = 85_000.0, 446_000.0
WEIGHTS = ("older65", "older65_min", "older65_max", "older75", "older75_min", "older75_max", "older85")


def areas(rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(rows, geometry=[r.pop("geometry") for r in rows], crs=RD)  # type: ignore[misc]
    return conform(frame, LayerKind.NEIGHBOURHOODS)


def three_wijken() -> gpd.GeoDataFrame:
    """Three 400 × 400 m wijken side by side: 1000 inhabitants at 20 %, 500 at 11 %, 80 at 16 %."""
    return areas(
        [
            {
                "code": "WK099901",
                "name": "West",
                "inwoners": 1000,
                "pct_65_plus": 20.0,
                "geometry": box(X0, Y0, X0 + 400, Y0 + 400),
            },
            {
                "code": "WK099902",
                "name": "Midden",
                "inwoners": 500,
                "pct_65_plus": 11.0,
                "geometry": box(X0 + 400, Y0, X0 + 800, Y0 + 400),
            },
            {
                "code": "WK099903",
                "name": "Oost",
                "inwoners": 80,
                "pct_65_plus": 16.0,
                "geometry": box(X0 + 800, Y0, X0 + 1200, Y0 + 400),
            },
        ]
    )


def addresses_in_west(n: int = 25) -> gpd.GeoDataFrame:
    """n woonfunctie addresses spread over the whole western wijk, plus offices and a demolished home."""
    rng = np.random.default_rng(4)
    xy = np.column_stack([X0 + 5 + rng.random(n) * 390, Y0 + 5 + rng.random(n) * 390])
    frame = gpd.GeoDataFrame(
        {
            "identificatie": [f"0999010000{i:06d}" for i in range(n + 2)],
            "gebruiksdoel": ["woonfunctie"] * (n - 1)
            + ["winkelfunctie,woonfunctie", "kantoorfunctie", "woonfunctie"],
            "status": ["Verblijfsobject in gebruik"] * (n + 1) + ["Verblijfsobject ingetrokken"],
        },
        geometry=[Point(x, y) for x, y in xy] + [Point(X0 + 200, Y0 + 200), Point(X0 + 201, Y0 + 201)],
        crs=RD,
    )
    return conform(frame, LayerKind.ADDRESSES)


def zoning_in_midden() -> gpd.GeoDataFrame:
    """The whole middle wijk is zoned; a 100 × 400 m strip of it is Wonen, the rest Groen."""
    frame = gpd.GeoDataFrame(
        {
            "bestemmingshoofdgroep": ["wonen", "groen"],
            "feature_type": ["enkelbestemming", "enkelbestemming"],
        },
        geometry=[box(X0 + 400, Y0, X0 + 500, Y0 + 400), box(X0 + 500, Y0, X0 + 800, Y0 + 400)],
        crs=RD,
    )
    return conform(frame, LayerKind.ZONING)


def test_dasymetric_totals_equal_the_source_totals_per_area() -> None:
    ages = load_age_structure()
    pop = distribute_older_residents(three_wijken(), addresses=addresses_in_west(), zoning=zoning_in_midden())
    a = pop.areas.set_index("code")
    # Hand arithmetic: 65+ = inwoners × pct / 100, the range ± 0.5 percentage point.
    assert a.loc["WK099901", "older65"] == pytest.approx(200.0)
    assert (a.loc["WK099901", "older65_min"], a.loc["WK099901", "older65_max"]) == pytest.approx(
        (195.0, 205.0)
    )
    assert a.loc["WK099902", "older65"] == pytest.approx(55.0)
    assert a.loc["WK099903", "older65"] == pytest.approx(12.8)
    assert a.loc["WK099901", "older75"] == pytest.approx(200.0 * ages.share_75.mid)
    assert a.loc["WK099901", "older75_min"] == pytest.approx(195.0 * ages.share_75.low)
    # Methods: addresses in West, the Wonen strip in Midden, the area itself in Oost.
    assert a["method"].tolist() == ["adressen", "woongebied", "oppervlak"]
    # The points of each area add up to its figures exactly, for every weight column.
    sums = pop.points.groupby("area_code")[list(WEIGHTS)].sum()
    for code in a.index:
        for col in WEIGHTS:
            assert sums.loc[code, col] == pytest.approx(a.loc[code, col], rel=1e-12)
    west = pop.points.loc[pop.points["area_code"] == "WK099901"]
    # 25 homes: 24 woonfunctie + 1 shop-with-home; the office and the withdrawn home do not count.
    assert len(west) == 25
    assert np.allclose(west["older65"], 200.0 / 25)
    midden = pop.points.loc[pop.points["area_code"] == "WK099902"]
    assert (shapely.get_x(midden.geometry.values) <= X0 + 500).all()  # only on the Wonen strip
    assert "adressen" in pop.method_summary
    assert "woongebied" in pop.method_summary


def test_partial_layer_coverage_keeps_the_total_and_says_so() -> None:
    """Addresses only in the western part of a wijk (a cut-out): the part inside the layer's box
    (+100 m) gets its area share over the addresses, the rest is spread evenly."""
    wijk = areas(
        [
            {
                "code": "WK099904",
                "name": "Half",
                "inwoners": 1000,
                "pct_65_plus": 10.0,
                "geometry": box(X0, Y0, X0 + 1000, Y0 + 200),
            }
        ]
    )
    xs = np.linspace(X0 + 60, X0 + 340, 8)
    homes = conform(
        gpd.GeoDataFrame(
            {"gebruiksdoel": ["woonfunctie"] * 16},
            geometry=[Point(x, y) for x in xs for y in (Y0 + 60, Y0 + 140)],
            crs=RD,
        ),
        LayerKind.ADDRESSES,
    )
    pop = distribute_older_residents(wijk, addresses=homes)
    row = pop.areas.iloc[0]
    assert row["method"] == "adressen"
    # Addresses span x 60–340: with 100 m around it the layer covers x −40…440 of the 0…1000 wijk.
    cover = 440.0 / 1000.0
    assert row["coverage"] == pytest.approx(cover)
    on_homes = pop.points.loc[pop.points["method"] == "adressen", "older65"].sum()
    assert on_homes == pytest.approx(100.0 * cover)
    assert pop.points["older65"].sum() == pytest.approx(100.0)
    assert "deels" in pop.method_summary


def test_finest_level_with_figures_wins_and_levels_never_mix() -> None:
    gem = areas(
        [
            {
                "code": "GM0999",
                "name": "Gemeente",
                "inwoners": 1580,
                "pct_65_plus": 17.0,
                "geometry": box(X0, Y0, X0 + 1200, Y0 + 400),
            }
        ]
    )
    both = pd.concat([three_wijken(), gem], ignore_index=True)
    level, rows = finest_level(both)
    assert level == "wijk"
    assert rows.tolist() == [True, True, True, False]
    pop = distribute_older_residents(gpd.GeoDataFrame(both, geometry="geometry", crs=RD))
    assert pop.points["older65"].sum() == pytest.approx(200 + 55 + 12.8)  # not + the gemeente's 268.6
    only_gem = finest_level(gem)
    assert only_gem[0] == "gemeente"


def test_own_75_plus_counts_are_used_instead_of_the_share() -> None:
    frame = three_wijken()
    frame["inwoners_75_plus"] = [90.0, np.nan, 5.0]
    pop = distribute_older_residents(frame)
    a = pop.areas
    assert a["older75"].tolist()[0] == pytest.approx(90.0)
    assert a["older75_estimated"].tolist() == [False, True, False]
    assert a["older75"].tolist()[1] == pytest.approx(55.0 * load_age_structure().share_75.mid)


# --- walking reach against a brute force ---------------------------------------------------


def street_grid() -> gpd.GeoDataFrame:
    """A 7 × 7 street grid, 100 m blocks, with two links missing and one footway of steps."""
    ways = []
    nid = {}

    def node(i: int, j: int) -> int:
        return nid.setdefault((i, j), 1000 + len(nid))

    missing = {((2, 3), (3, 3)), ((4, 1), (4, 2))}
    for i in range(7):
        for j in range(7):
            for di, dj in ((1, 0), (0, 1)):
                a, b = (i, j), (i + di, j + dj)
                if b[0] > 6 or b[1] > 6 or (a, b) in missing:
                    continue
                line = LineString([(X0 + a[0] * 100, Y0 + a[1] * 100), (X0 + b[0] * 100, Y0 + b[1] * 100)])
                highway = "steps" if (a, b) == ((5, 5), (5, 6)) else "residential"
                ways.append({"highway": highway, "node_ids": f"{node(*a)} {node(*b)}", "geometry": line})
    frame = gpd.GeoDataFrame(ways, geometry="geometry", crs=RD)
    return conform(frame, LayerKind.NETWORK_SOURCE)


def brute_force(
    graph: object, plots: gpd.GeoDataFrame, pts: PopulationPoints, radius: float, column: str
) -> list[float]:
    """Per plot: Dijkstra (heapq) from its access node over every edge; sum residents within radius."""
    csr = graph.csr  # type: ignore[attr-defined]
    xy = graph.node_xy  # type: ignore[attr-defined]
    adjacency: dict[int, list[tuple[int, float]]] = {}
    coo = csr.tocoo()
    for u, v, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        adjacency.setdefault(u, []).append((v, w))
    res_xy = shapely.get_coordinates(pts.points.geometry.values)
    res_node = [int(np.argmin(np.hypot(*(xy - p).T))) for p in res_xy]
    res_snap = [float(np.min(np.hypot(*(xy - p).T))) for p in res_xy]
    weights = pts.points[column].to_numpy()
    out = []
    for geom in plots.geometry:
        snaps = [geom.distance(Point(x, y)) for x, y in xy]  # the node nearest the outline
        start = int(np.argmin(snaps))
        dist = {start: 0.0}
        heap = [(0.0, start)]
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist.get(u, math.inf):
                continue
            for v, w in adjacency.get(u, []):
                if d + w < dist.get(v, math.inf):
                    dist[v] = d + w
                    heapq.heappush(heap, (d + w, v))
        total = 0.0
        for node, snap, w in zip(res_node, res_snap, weights, strict=True):
            if snap <= 250 and snaps[start] + dist.get(node, math.inf) + snap <= radius:
                total += w
        out.append(total)
    return out


def test_walking_reach_equals_a_brute_force_count() -> None:
    rng = np.random.default_rng(11)
    wijk = areas(
        [
            {
                "code": "WK099905",
                "name": "Raster",
                "inwoners": 3000,
                "pct_65_plus": 19.0,
                "geometry": box(X0 - 50, Y0 - 50, X0 + 650, Y0 + 650),
            }
        ]
    )
    # Homes scattered over the grid (some far off it: not reachable), so residents are not all on nodes.
    xy = np.column_stack([X0 - 40 + rng.random(120) * 680, Y0 - 40 + rng.random(120) * 680])
    homes = conform(
        gpd.GeoDataFrame({"gebruiksdoel": ["woonfunctie"] * 120}, geometry=[Point(*p) for p in xy], crs=RD),
        LayerKind.ADDRESSES,
    )
    pop = distribute_older_residents(wijk, addresses=homes)
    graph = build_walk_graph(street_grid())
    # No plot is equally near two nodes: the engine breaks such ties its own way.
    plots = gpd.GeoDataFrame(
        {"plot_id": ["A", "B", "C", "D"]},
        geometry=[
            box(X0 + 10, Y0 + 10, X0 + 60, Y0 + 60),
            box(X0 + 330, Y0 + 315, X0 + 385, Y0 + 380),  # near the missing links
            Point(X0 + 590, Y0 + 610),
            box(X0 + 243, Y0 + 148, X0 + 262, Y0 + 161),
        ],
        crs=RD,
    )
    got = older_within_reach(plots, pop, graph=graph, radii_m=(400.0, 800.0))
    assert got["older_reach_method"].tolist() == ["lopen"] * 4
    for radius in (400.0, 800.0):
        for column in ("older65", "older75_max"):
            expected = brute_force(graph, plots, pop, radius, column)
            age, _, suffix = column.removeprefix("older").partition("_")
            name = older_col(age, radius) + (f"_{suffix}" if suffix else "")
            assert got[name].tolist() == pytest.approx(expected, abs=1e-9)
    # More walking reach, more residents; the 800 m figure of a corner plot is below the total.
    assert (got[older_col("65", 800.0)] >= got[older_col("65", 400.0)]).all()
    assert got[older_col("65", 800.0)].iloc[0] < pop.points["older65"].sum()


def test_straight_line_reach_counts_residents_within_the_buffer() -> None:
    pop = distribute_older_residents(three_wijken(), addresses=addresses_in_west())
    plot = gpd.GeoDataFrame(
        {"plot_id": ["P"]}, geometry=[box(X0 + 150, Y0 + 150, X0 + 250, Y0 + 250)], crs=RD
    )
    got = older_within_reach(plot, pop, radii_m=(100.0,))
    dist = shapely.distance(plot.geometry.iloc[0], pop.points.geometry.values)
    expected = float(pop.points.loc[dist <= 100.0, "older65"].sum())
    assert got[older_col("65", 100.0)].iloc[0] == pytest.approx(expected)
    assert got["older_reach_method"].iloc[0] == "hemelsbreed"


def test_population_weighted_distance_is_the_weighted_mean_of_walks() -> None:
    graph = build_walk_graph(street_grid())
    wijk = areas(
        [
            {
                "code": "WK099906",
                "name": "Raster",
                "inwoners": 1000,
                "pct_65_plus": 10.0,
                "geometry": box(X0 - 10, Y0 - 10, X0 + 390, Y0 + 610),
            }
        ]
    )
    homes = conform(
        gpd.GeoDataFrame(
            {"gebruiksdoel": ["woonfunctie"] * 3},
            geometry=[Point(X0, Y0), Point(X0 + 300, Y0), Point(X0, Y0 + 600)],
            crs=RD,
        ),
        LayerKind.ADDRESSES,
    )
    pop = distribute_older_residents(wijk, addresses=homes)
    shop = gpd.GeoDataFrame(
        {"facility_id": ["s1"], "category": ["supermarkt"], "name": ["Super"]},
        geometry=[Point(X0 + 100, Y0)],
        crs=RD,
    )
    d = population_weighted_distance(graph, pop, shop, "supermarkt").frame
    # Homes on nodes (0,0), (3,0), (0,6); the shop on node (1,0): walks of 100, 200 and 700 m.
    assert d["mean_m"].iloc[0] == pytest.approx((100 + 200 + 700) / 3)
    assert d["median_m"].iloc[0] == pytest.approx(200.0)
    assert d["share_reached"].iloc[0] == pytest.approx(1.0)


def test_explanation_line_for_older_residents_within_walking_reach() -> None:
    from plotscore.explain import older_reach_text, people_text

    measures = pd.DataFrame(
        {
            older_col("65", 400.0): [63.0, 0.2, np.nan],
            older_col("65", 800.0): [447.0, 240.4, np.nan],
            "older_reach_method": ["lopen", "lopen", "lopen"],
        }
    )
    text = older_reach_text(measures)
    assert text is not None
    assert text.iloc[0] == "binnen 400/800 m lopen wonen ca. 60/450 65-plussers (schatting)"
    assert text.iloc[1] == "binnen 400/800 m lopen wonen ca. 0/240 65-plussers (schatting)"
    assert pd.isna(text.iloc[2])  # a plot off the network: no line rather than a wrong one
    assert [people_text(v) for v in (3.4, 12.0, 37.0, 1234.0)] == ["ca. 3", "ca. 10", "ca. 35", "ca. 1230"]
