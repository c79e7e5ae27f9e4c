"""Where plots and facilities meet the walking network: entry points, edge snaps, area outlines.

Geometry only (numpy + shapely), no shortest paths; :mod:`plotscore.distance` turns what this
module finds into graph nodes and edges. Every place where something meets the network is a
point on an edge: (edge, t), t the fraction of the edge's length from its node ``u``.

* A polygon (a plot, or a facility's area outline) meets an edge where the edge has a point in
  the closed polygon. Per (polygon, edge) pair :func:`polygon_hits` returns the first and last
  such point along the edge, ``t_lo`` and ``t_hi``: coming from ``u`` one enters the polygon at
  ``t_lo`` (0 when ``u`` lies inside), coming from ``v`` at ``t_hi``. These are the nodes inside
  the polygon and the points where edges cross its outline, reduced to the two that matter per
  edge (any other crossing lies between them and is reached through one of them).
* Where no edge meets a geometry, :func:`nearest_on_edges` gives the nearest point on the
  nearest edge and the straight connector to it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from plotscore.network import EdgeIndex, point_segment_distance

__all__ = ["EdgeHits", "edge_point", "nearest_on_edges", "polygon_hits", "project"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

#: A point closer than this (m) to a line counts as on it (outlines that share nodes with ways).
ON_LINE_M = 1e-6
#: Tolerance on the fractions t and s of a segment–segment intersection.
_T_EPS = 1e-9
#: (pair × ring segment) cells per numpy chunk in :func:`polygon_hits` (bounds temporary memory).
_CELLS_PER_CHUNK = 1_000_000
#: (pair × side) cells per chunk of the convex clip: small enough to stay in the CPU cache.
_CELLS_PER_CLIP = 65_536
#: Geometries per chunk in :func:`nearest_on_edges` (bounds its candidate arrays).
_NEAREST_CHUNK = 8_192


@dataclass(frozen=True, slots=True)
class EdgeHits:
    """(polygon, edge) pairs where the edge has a point in the closed polygon, and where.

    ``t_lo``/``t_hi``: first and last such point along the edge (0 ≤ t_lo ≤ t_hi ≤ 1).
    Pairs are sorted by polygon. :func:`nearest_on_edges` uses the same shape for the nearest
    points of geometries the network does not reach, with their connector.
    """

    geom: IntArray
    edge: IntArray
    t_lo: FloatArray
    t_hi: FloatArray
    connector_m: FloatArray  # straight distance from the geometry to the edge (0 for hits)


def _no_hits() -> EdgeHits:
    none = np.zeros(0, dtype=np.int64)
    return EdgeHits(none, none.copy(), np.zeros(0), np.zeros(0), np.zeros(0))


@dataclass(frozen=True, slots=True)
class _Segments:
    """Outline segments per geometry: ``p0``→``p1``, geometry g's at seg_first[g] … + n_seg[g]."""

    p0: FloatArray
    p1: FloatArray
    n_seg: IntArray
    seg_first: IntArray


def _table(p0: FloatArray, p1: FloatArray, owner: IntArray, n: int) -> _Segments:
    n_seg = np.bincount(owner, minlength=n).astype(np.int64)
    return _Segments(p0, p1, n_seg, np.cumsum(n_seg) - n_seg)


def _ring_segments(geoms: ObjArray) -> _Segments:
    """Every ring segment of the (multi)polygons (exterior and holes), in input order."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    seg_at = np.flatnonzero(ring_of[:-1] == ring_of[1:])
    # get_parts/get_rings/get_coordinates keep the input order, so owners come sorted.
    owner = part_of[ring_part[ring_of[seg_at]]].astype(np.int64)
    return _table(coords[seg_at], coords[seg_at + 1], owner, len(geoms))


@dataclass(frozen=True, slots=True)
class _Convex:
    """Convex one-ring polygons: their sides as unit inward normals (nx, ny) and offsets c = n·q."""

    convex: npt.NDArray[np.bool_]
    table: FloatArray  # (sides, 3): nx, ny, c
    n_seg: IntArray
    seg_first: IntArray


def _convex_sides(geoms: ObjArray) -> _Convex:
    """Detect convex hole-free polygons (consistent turn direction) and prepare their sides."""
    n = len(geoms)
    simple = np.flatnonzero((shapely.get_type_id(geoms) == 3) & (shapely.get_num_interior_rings(geoms) == 0))
    # A hole-free polygon's coordinates are its exterior ring: one call, no ring objects.
    coords, own = shapely.get_coordinates(geoms[simple], return_index=True)
    seg = np.flatnonzero(own[:-1] == own[1:])
    owner = simple[own[seg]].astype(np.int64)
    q = coords[seg]
    r = coords[seg + 1] - q
    counts = np.bincount(own[seg], minlength=len(simple))
    first = np.cumsum(counts) - counts
    has = counts > 0
    nxt = np.arange(len(seg)) + 1
    nxt[(first + counts - 1)[has]] = first[has]  # the side after the last is the first (closed ring)
    z = r[:, 0] * r[nxt, 1] - r[:, 1] * r[nxt, 0]
    area2 = q[:, 0] * (q[:, 1] + r[:, 1]) - (q[:, 0] + r[:, 0]) * q[:, 1]
    starts = first[has]
    signed = np.add.reduceat(area2, starts) if len(seg) else np.zeros(0)
    tol = np.repeat(1e-9 * (np.maximum.reduceat(np.abs(z), starts) if len(seg) else np.zeros(0)), counts[has])
    left = np.add.reduceat((z < -tol).astype(np.int64), starts) if len(seg) else np.zeros(0, dtype=np.int64)
    right = np.add.reduceat((z > tol).astype(np.int64), starts) if len(seg) else np.zeros(0, dtype=np.int64)
    ccw = signed > 0
    convex = np.zeros(n, dtype=bool)
    convex[simple[has]] = np.where(ccw, left == 0, right == 0) & (counts[has] >= 3)
    sign = np.repeat(np.where(ccw, 1.0, -1.0), counts[has])
    rlen = np.hypot(r[:, 0], r[:, 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        nx = np.where(rlen > 0, -r[:, 1] * sign / rlen, 0.0)
        ny = np.where(rlen > 0, r[:, 0] * sign / rlen, 0.0)
    c = nx * q[:, 0] + ny * q[:, 1]
    n_seg = np.bincount(owner, minlength=n).astype(np.int64)
    table = np.ascontiguousarray(np.column_stack([nx, ny, c]))
    return _Convex(convex, table, n_seg, np.cumsum(n_seg) - n_seg)


def polygon_hits(index: EdgeIndex, geoms: ObjArray) -> EdgeHits:
    """Where each edge meets each (multi)polygon of ``geoms`` (holes and several parts allowed).

    Candidates come from the edge grid (bounding boxes). Convex one-ring polygons (most plots) are
    clipped exactly with Cyrus–Beck (the edge against each side's closed half-plane). Others go
    through a general test over every (pair, ring segment): an even-odd ray test for the edge's
    end points, proper segment intersections, ring vertices lying on the edge and edge ends lying
    on a ring (so an outline that shares nodes with a way, or runs along it, counts as met).
    """
    empty = _no_hits()
    if len(geoms) == 0 or index.n_edges == 0:
        return empty
    g_all, e_all = index.box_pairs(np.asarray(shapely.bounds(geoms), dtype=np.float64))
    if len(g_all) == 0:
        return empty
    if not np.all(g_all[1:] >= g_all[:-1]):
        order = np.argsort(g_all, kind="stable")
        g_all, e_all = g_all[order], e_all[order]
    sides = _convex_sides(geoms)
    lo = np.empty(len(g_all))
    hi = np.empty(len(g_all))
    fast = sides.convex[g_all]
    f = np.flatnonzero(fast)
    lo[f], hi[f] = _clip_convex(index, g_all[f], e_all[f], sides)
    other = np.flatnonzero(~fast)
    if len(other):
        general = np.unique(g_all[other])
        seg = _ring_segments(geoms[general])
        local = np.full(len(geoms), -1, dtype=np.int64)
        local[general] = np.arange(len(general))
        g_loc = local[g_all[other]]
        cells = seg.n_seg[g_loc]
        bounds = np.searchsorted(np.cumsum(cells), np.arange(0, int(cells.sum()), _CELLS_PER_CHUNK), "right")
        cuts = np.unique(np.r_[0, bounds, len(other)])
        for c0, c1 in itertools.pairwise(cuts):  # chunks of pairs bound the expansion
            at = other[c0:c1]
            lo[at], hi[at] = _hits_chunk(index, g_loc[c0:c1], e_all[at], seg)
    keep = lo <= hi
    return EdgeHits(
        geom=g_all[keep],
        edge=e_all[keep],
        t_lo=lo[keep],
        t_hi=hi[keep],
        connector_m=np.zeros(int(keep.sum())),
    )


def _clip_convex(index: EdgeIndex, g: IntArray, e: IntArray, sides: _Convex) -> tuple[FloatArray, FloatArray]:
    """Cyrus–Beck: the part of each edge inside its convex polygon (closed), as [t_lo, t_hi].

    Each side keeps the closed half-plane n·x ≥ c − ε (n the unit inward normal); a point on
    the outline counts as inside, so an outline through or along a way's nodes meets it.
    Pairs are grouped by the polygon's number of sides, so each group is a dense 2-D problem.
    """
    lo = np.empty(len(g))
    hi = np.empty(len(g))
    if len(g) == 0:
        return lo, hi
    k_of = sides.n_seg[g]
    a = index.a[e]
    d = index.b[e] - a
    length = np.hypot(d[:, 0], d[:, 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        ux = np.where(length > 0, d[:, 0] / length, 0.0)
        uy = np.where(length > 0, d[:, 1] / length, 0.0)
    for k in np.unique(k_of).tolist():  # a handful of side counts (4 for rectangles)
        group = np.flatnonzero(k_of == k)
        step = max(1, _CELLS_PER_CLIP // k)
        for c0 in range(0, len(group), step):  # cache-sized chunks of pairs
            at = group[c0 : c0 + step]
            seg = sides.seg_first[g[at]][:, None] + np.arange(k)
            side = sides.table[seg]  # (pairs, k, 3): nx, ny, c in one gather
            nx, ny = side[..., 0], side[..., 1]
            # Signed distance of the edge start inside each side, and its rate along the edge (per m).
            num = nx * a[at, 0, None]
            num += ny * a[at, 1, None]
            num -= side[..., 2]
            num += ON_LINE_M
            den = nx * ux[at, None]
            den += ny * uy[at, None]
            # A side parallel to the edge (den 0) gets a tiny positive rate instead: then
            # −num/den is −∞ when the edge lies inside that side (no constraint) and +∞ when
            # outside (an entry point beyond the edge: no meeting), so no special case is needed.
            den[den == 0.0] = 1e-300
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                np.divide(num, den, out=num)
            np.negative(num, out=num)
            rising = den > 0
            enter = np.where(rising, num, -np.inf).max(axis=1)
            leave = np.where(rising, np.inf, num).min(axis=1)
            size = length[at]
            with np.errstate(divide="ignore", invalid="ignore"):
                t0 = np.clip(np.where(size > 0, enter / size, 0.0), 0.0, 1.0)
                t1 = np.clip(np.where(size > 0, leave / size, 1.0), 0.0, 1.0)
            meets = (enter <= leave) & (enter <= size) & (leave >= 0)
            lo[at] = np.where(meets, t0, 1.0)
            hi[at] = np.where(meets, t1, 0.0)
    return lo, hi


def _hits_chunk(index: EdgeIndex, g: IntArray, e: IntArray, segs: _Segments) -> tuple[FloatArray, FloatArray]:
    """t_lo and t_hi per pair (t_lo > t_hi where the edge does not meet the polygon)."""
    p0, p1 = segs.p0, segs.p1
    rep = segs.n_seg[g]
    starts = np.cumsum(rep) - rep
    pair = np.repeat(np.arange(len(g)), rep)
    seg = np.repeat(segs.seg_first[g] - starts, rep) + np.arange(int(rep.sum()))
    ax, ay = index.a[e, 0][pair], index.a[e, 1][pair]
    dx = (index.b[e, 0] - index.a[e, 0])[pair]
    dy = (index.b[e, 1] - index.a[e, 1])[pair]
    qx, qy = p0[seg, 0], p0[seg, 1]
    rx, ry = p1[seg, 0] - qx, p1[seg, 1] - qy
    wx, wy = qx - ax, qy - ay  # edge start → ring vertex
    len2 = dx * dx + dy * dy
    rlen2 = rx * rx + ry * ry
    denom = dx * ry - dy * rx
    big = np.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        # Proper crossings of the edge with a ring segment (not parallel).
        t_x = (wx * ry - wy * rx) / denom
        s_x = (wx * dy - wy * dx) / denom
        ok_x = (
            (np.abs(denom) > 1e-12 * np.sqrt(len2 * rlen2))
            & (t_x >= -_T_EPS)
            & (t_x <= 1 + _T_EPS)
            & (s_x >= -_T_EPS)
            & (s_x <= 1 + _T_EPS)
        )
        # Ring vertices lying on the edge (outlines along or through a way's nodes).
        t_v = (wx * dx + wy * dy) / len2
        off_v = np.abs(dx * wy - dy * wx) / np.sqrt(len2)
        ok_v = (off_v <= ON_LINE_M) & (t_v >= -_T_EPS) & (t_v <= 1 + _T_EPS)
        # Edge ends lying on a ring segment.
        s_a = (-wx * rx - wy * ry) / rlen2
        off_a = np.abs(rx * (-wy) - ry * (-wx)) / np.sqrt(rlen2)
        on_a = (off_a <= ON_LINE_M) & (s_a >= -_T_EPS) & (s_a <= 1 + _T_EPS)
        bx, by = ax + dx, ay + dy
        vbx, vby = bx - qx, by - qy
        s_b = (vbx * rx + vby * ry) / rlen2
        off_b = np.abs(rx * vby - ry * vbx) / np.sqrt(rlen2)
        on_b = (off_b <= ON_LINE_M) & (s_b >= -_T_EPS) & (s_b <= 1 + _T_EPS)
        # Even-odd ray tests (to +x) for both edge ends.
        y0, y1 = qy, qy + ry
        cross_a = ((y0 > ay) != (y1 > ay)) & (ax < qx + (ay - y0) * rx / ry)
        cross_b = ((y0 > by) != (y1 > by)) & (bx < qx + (by - y0) * rx / ry)
    lo_cell = np.where(ok_x, t_x, big)
    lo_cell = np.minimum(lo_cell, np.where(ok_v, t_v, big))
    lo_cell = np.minimum(lo_cell, np.where(on_a, 0.0, big))
    lo_cell = np.minimum(lo_cell, np.where(on_b, 1.0, big))
    hi_cell = np.where(ok_x, t_x, -big)
    hi_cell = np.maximum(hi_cell, np.where(ok_v, t_v, -big))
    hi_cell = np.maximum(hi_cell, np.where(on_a, 0.0, -big))
    hi_cell = np.maximum(hi_cell, np.where(on_b, 1.0, -big))
    lo = np.minimum.reduceat(lo_cell, starts) if len(starts) else np.zeros(0)
    hi = np.maximum.reduceat(hi_cell, starts) if len(starts) else np.zeros(0)
    a_in = (np.add.reduceat(cross_a.astype(np.int8), starts) & 1).astype(bool)
    b_in = (np.add.reduceat(cross_b.astype(np.int8), starts) & 1).astype(bool)
    lo = np.where(a_in, 0.0, lo)
    hi = np.where(b_in, 1.0, hi)
    lo = np.where(b_in & ~np.isfinite(lo), 1.0, lo)
    hi = np.where(a_in & ~np.isfinite(hi), 0.0, hi)
    empty = ~(np.isfinite(lo) & np.isfinite(hi))
    lo = np.clip(lo, 0.0, 1.0)
    hi = np.clip(hi, 0.0, 1.0)
    lo[empty] = 1.0
    hi[empty] = 0.0
    # A pair with neither end inside and a single touching point has lo == hi: it meets.
    return lo, hi


def _segments_of(geoms: ObjArray) -> tuple[FloatArray, FloatArray, IntArray, IntArray]:
    """Every segment of the geometries' outlines (rings, line parts; a point is one zero segment)."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    is_poly = shapely.get_type_id(parts) == 3
    lines = parts.copy()
    owner_of_line = part_of.copy()
    if is_poly.any():
        rings, ring_part = shapely.get_rings(parts[is_poly], return_index=True)
        lines = np.concatenate([parts[~is_poly], rings])
        owner_of_line = np.concatenate([part_of[~is_poly], part_of[is_poly][ring_part]])
    coords, line_of = shapely.get_coordinates(lines, return_index=True)
    single = np.bincount(line_of, minlength=len(lines)) == 1
    seg_at = np.flatnonzero(line_of[:-1] == line_of[1:])
    pt_at = np.flatnonzero(single[line_of])
    starts = np.concatenate([seg_at, pt_at])
    ends = np.concatenate([seg_at + 1, pt_at])
    owner = owner_of_line[line_of[starts]].astype(np.int64)
    order = np.argsort(owner, kind="stable")
    owner = owner[order]
    n_seg = np.bincount(owner, minlength=len(geoms)).astype(np.int64)
    seg_first = np.cumsum(n_seg) - n_seg
    return coords[starts[order]], coords[ends[order]], n_seg, seg_first


def nearest_on_edges(
    index: EdgeIndex, geoms: ObjArray, *, join_m: float = 0.0, max_m: float | None = None
) -> EdgeHits:
    """The nearest points of the network to every non-empty geometry, with the connector length.

    Returns one row per (geometry, edge) for the nearest edge and every other edge at most
    ``join_m`` farther (the pavement and the street beside it, both sides of a narrow street):
    each with its own nearest points and its own connector length, so the walk may start on
    whichever is better. On an edge, the nearest points form [t_lo, t_hi]: one point for a
    point geometry, a stretch when an outline runs parallel to the edge (a building along a
    street). That stretch is found exactly: its ends are the edge's own ends or projections of
    the geometry's vertices, so those candidates are evaluated and the ones at the edge's
    minimum distance kept. ``connector_m`` per row (0 when touching). Geometries farther than
    ``max_m`` from every edge get no row.

    Runs in chunks of ``_NEAREST_CHUNK`` geometries: each geometry's rows depend on it alone, so
    the result is the same as in one piece, and the (geometry × candidate edge) work arrays stay
    small (in one piece at 500k point plots they took 3 GB and most of the time in page faults).
    """
    if len(geoms) <= _NEAREST_CHUNK:
        return _nearest_block(index, geoms, join_m=join_m, max_m=max_m)
    blocks: list[EdgeHits] = []
    for start in range(0, len(geoms), _NEAREST_CHUNK):  # chunks of geometries bound memory
        block = _nearest_block(index, geoms[start : start + _NEAREST_CHUNK], join_m=join_m, max_m=max_m)
        blocks.append(EdgeHits(block.geom + start, block.edge, block.t_lo, block.t_hi, block.connector_m))
    return EdgeHits(
        geom=np.concatenate([b.geom for b in blocks]),
        edge=np.concatenate([b.edge for b in blocks]),
        t_lo=np.concatenate([b.t_lo for b in blocks]),
        t_hi=np.concatenate([b.t_hi for b in blocks]),
        connector_m=np.concatenate([b.connector_m for b in blocks]),
    )


def _nearest_block(
    index: EdgeIndex, geoms: ObjArray, *, join_m: float = 0.0, max_m: float | None = None
) -> EdgeHits:
    """:func:`nearest_on_edges` for one chunk of geometries (rows indexed within the chunk)."""
    empty = _no_hits()
    if len(geoms) == 0 or index.n_edges == 0:
        return empty
    g, e, c = index.nearest(geoms, extra_m=join_m, max_m=max_m)
    order = np.lexsort((e, g))
    g, e, c = g[order], e[order], c[order]
    p0, p1, n_seg, seg_first = _segments_of(geoms)
    a = index.a[e]
    d = index.b[e] - a
    len2 = (d * d).sum(axis=1)
    # Candidates per pair: both ends of the edge and the projection of every vertex on it.
    rep = n_seg[g]
    first = np.cumsum(rep) - rep
    pair = np.repeat(np.arange(len(g)), rep)
    seg = np.repeat(seg_first[g] - first, rep) + np.arange(int(rep.sum()))
    with np.errstate(divide="ignore", invalid="ignore"):
        t_v = np.where(len2[pair] > 0, ((p0[seg] - a[pair]) * d[pair]).sum(axis=1) / len2[pair], 0.0)
    cand_pair = np.concatenate([np.arange(len(g)), np.arange(len(g)), pair])
    cand_t = np.clip(np.concatenate([np.zeros(len(g)), np.ones(len(g)), t_v]), 0.0, 1.0)
    # Distance of each candidate point to its geometry: min over the geometry's segments.
    rep2 = n_seg[g[cand_pair]]
    first2 = np.cumsum(rep2) - rep2
    cell = np.repeat(np.arange(len(cand_pair)), rep2)
    seg2 = np.repeat(seg_first[g[cand_pair]] - first2, rep2) + np.arange(int(rep2.sum()))
    cx = a[cand_pair, 0] + cand_t * d[cand_pair, 0]
    cy = a[cand_pair, 1] + cand_t * d[cand_pair, 1]
    dd = point_segment_distance(cx[cell], cy[cell], p0[seg2], p1[seg2])
    f = np.minimum.reduceat(dd, first2) if len(dd) else np.zeros(0)
    at_min = f <= c[cand_pair] + ON_LINE_M
    lo = np.full(len(g), np.inf)
    hi = np.full(len(g), -np.inf)
    np.minimum.at(lo, cand_pair[at_min], cand_t[at_min])
    np.maximum.at(hi, cand_pair[at_min], cand_t[at_min])
    missing = ~np.isfinite(lo)
    if missing.any():  # numerical corner: fall back to GEOS's nearest point
        k = np.flatnonzero(missing)
        lines = shapely.shortest_line(index.segments(e[k]), geoms[g[k]])
        t = project(index, e[k], shapely.get_coordinates(shapely.get_point(lines, 0)))
        lo[k] = t
        hi[k] = t
    return EdgeHits(geom=g, edge=e, t_lo=lo, t_hi=hi, connector_m=c)


def project(index: EdgeIndex, edge: IntArray, xy: FloatArray) -> FloatArray:
    """The fraction t (0–1) of the point on each edge nearest to ``xy``."""
    a = index.a[edge]
    d = index.b[edge] - a
    len2 = (d * d).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = ((xy - a) * d).sum(axis=1) / len2
    return np.clip(np.where(len2 > 0, t, 0.0), 0.0, 1.0)


def edge_point(index: EdgeIndex, edge: IntArray, t: FloatArray) -> FloatArray:
    """Coordinates of the points (edge, t)."""
    a = index.a[edge]
    return a + (index.b[edge] - a) * t[:, None]
