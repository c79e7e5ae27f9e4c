"""Where polygons and points meet the network: checked against GEOS (shapely) pair by pair."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from plotscore.access import ON_LINE_M, nearest_on_edges, polygon_hits
from plotscore.network import EdgeIndex, edge_index_of


def _index(a: np.ndarray, b: np.ndarray) -> EdgeIndex:
    n = len(a)
    return edge_index_of(np.arange(n), np.arange(n) + n, a, b, np.hypot(*(b - a).T))


def _polygons(rng: np.random.Generator) -> list[shapely.Geometry]:
    out: list[shapely.Geometry] = []
    for _ in range(120):  # convex hulls: the Cyrus–Beck path
        hull = shapely.convex_hull(shapely.multipoints(rng.uniform(0, 100, (int(rng.integers(3, 9)), 2))))
        if hull.geom_type == "Polygon":
            out.append(hull)
    for _ in range(60):  # non-convex, with holes, several parts: the general path
        star = shapely.Polygon(
            [
                (50 + r * np.cos(t), 50 + r * np.sin(t))
                for t, r in zip(np.linspace(0, 2 * np.pi, 11)[:-1], rng.uniform(10, 45, 10), strict=True)
            ]
        )
        out.append(star.difference(shapely.Point(50, 50).buffer(rng.uniform(2, 8))))
    out.append(shapely.MultiPolygon([shapely.box(0, 0, 20, 20), shapely.box(40, 40, 60, 60)]))
    return out


def test_polygon_hits_agree_with_geos_intersections() -> None:
    rng = np.random.default_rng(16)
    polys = np.array(_polygons(rng), dtype=object)
    a = rng.uniform(-20, 120, (2500, 2))
    b = a + rng.normal(0, 40, (2500, 2))
    # Ways along an outline (a shared side) and through its corners, as OSM areas often have.
    ring = np.asarray(polys[0].exterior.coords)
    a = np.vstack([a, ring[:-1], ring[0] - (ring[1] - ring[0])])
    b = np.vstack([b, ring[1:], ring[0] + 0.5 * (ring[1] - ring[0])])
    index = _index(a, b)
    hits = polygon_hits(index, polys)
    got = {
        (int(g), int(e)): (lo, hi)
        for g, e, lo, hi in zip(hits.geom, hits.edge, hits.t_lo, hits.t_hi, strict=True)
    }
    segs = index.segments(np.arange(index.n_edges))
    pairs = shapely.STRtree(segs).query(polys, predicate="intersects")
    want = {(int(g), int(e)) for g, e in zip(*pairs, strict=True)}
    # The pairs GEOS says intersect (closed polygons: touching counts), and only others within
    # a micrometre of the outline (a way along a side, off by rounding: counted as meeting).
    assert want <= set(got)
    for g, e in set(got) - want:
        assert shapely.distance(segs[e], polys[g]) <= ON_LINE_M
    # The first and last point of edge ∩ polygon, to well under a millimetre.
    worst = 0.0
    for (g, e), (lo, hi) in got.items():
        piece = shapely.intersection(segs[e], polys[g])
        if piece.is_empty:  # a grazing touch GEOS's overlay drops: nothing to compare
            continue
        d = b[e] - a[e]
        ts = ((shapely.get_coordinates(piece) - a[e]) @ d) / float(d @ d)
        length = float(np.hypot(*d))
        worst = max(worst, abs(ts.min() - lo) * length, abs(ts.max() - hi) * length)
    assert worst < 1e-3


def test_the_outline_along_a_way_counts_as_meeting_it() -> None:
    square = np.array([shapely.box(0, 0, 10, 10)], dtype=object)
    a = np.array([[-5.0, 0.0], [10.0, -5.0], [20.0, 20.0]])
    b = np.array([[15.0, 0.0], [10.0, 3.0], [30.0, 30.0]])
    hits = polygon_hits(_index(a, b), square)
    by_edge = {int(e): (lo, hi) for e, lo, hi in zip(hits.edge, hits.t_lo, hits.t_hi, strict=True)}
    assert by_edge[0] == pytest.approx((0.25, 0.75))  # along the bottom side from x 0 to 10
    assert by_edge[1][0] == pytest.approx(5 / 8)  # enters at the side it ends on
    assert 2 not in by_edge


def test_nearest_on_edges_stretches_ties_and_join_tolerance() -> None:
    a = np.array([[0.0, 0.0], [0.0, 17.0], [100.0, 0.0]])
    b = np.array([[100.0, 0.0], [100.0, 17.0], [100.0, 100.0]])
    index = _index(a, b)
    # A building 5 m above the street y = 0, from x 20 to 40: the nearest points are x 20–40.
    building = np.array([shapely.box(20, 5, 40, 10)], dtype=object)
    near = nearest_on_edges(index, building)
    assert near.edge.tolist() == [0]
    assert (near.t_lo[0], near.t_hi[0], near.connector_m[0]) == pytest.approx((0.2, 0.4, 5.0))
    # With a 20 m join tolerance the street 7 m above (y = 17) joins too, at its own distance.
    near = nearest_on_edges(index, building, join_m=20.0)
    assert near.edge.tolist() == [0, 1]
    assert near.connector_m.tolist() == pytest.approx([5.0, 7.0])
    # A point: its projection; against brute force on random points.
    rng = np.random.default_rng(3)
    pts = shapely.points(rng.uniform(-50, 150, (200, 2)))
    near = nearest_on_edges(index, np.asarray(pts, dtype=object))
    brute = shapely.distance(index.segments(np.arange(3))[None, :], np.asarray(pts)[:, None]).min(axis=1)
    best = np.full(len(pts), np.inf)
    np.minimum.at(best, near.geom, near.connector_m)
    np.testing.assert_allclose(best, brute, atol=1e-9)


def test_box_pairs_match_brute_force_bounding_boxes() -> None:
    rng = np.random.default_rng(5)
    a = rng.uniform(0, 2000, (3000, 2))
    b = a + rng.normal(0, 80, (3000, 2))
    index = _index(a, b)
    lo = rng.uniform(-100, 2000, (400, 2))
    boxes = np.hstack([lo, lo + rng.uniform(0, 150, (400, 2))])
    g, e = index.box_pairs(boxes)
    eb = np.hstack([np.minimum(a, b), np.maximum(a, b)])
    brute = (
        (eb[None, :, 0] <= boxes[:, None, 2])
        & (eb[None, :, 2] >= boxes[:, None, 0])
        & (eb[None, :, 1] <= boxes[:, None, 3])
        & (eb[None, :, 3] >= boxes[:, None, 1])
    )
    assert sorted(zip(g.tolist(), e.tolist(), strict=True)) == sorted(zip(*np.nonzero(brute), strict=True))
