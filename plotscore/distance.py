"""Distances from plots to the nearest facility per category: over the walking network or straight.

Network mode runs ONE multi-source Dijkstra per category from virtual facility nodes (each tied
to its snapped network node by an edge of its snap length), so the snap distances of both the
plot and the facility are part of every distance. Straight-line mode measures from the plot's
outline (0 inside) to the facility points. Both return frames indexed like the plots.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from plotscore._memory import release_free_memory
from plotscore.columns import (
    DISTANCE_METHOD,
    ONTSLOTEN,
    SNAP_M,
    count_col,
    dist_col,
    nearest_col,
    walk_min_col,
)
from plotscore.errors import ScoringError
from plotscore.network import WalkGraph, check_rd_new
from plotscore.progress import Progress, report, scaled

__all__ = [
    "Snap",
    "euclidean_distances",
    "nearest_path",
    "network_distances",
    "reach_lines",
    "snap_facilities",
    "snap_plots",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Candidates per geometry in the k-d tree step before exact refinement.
_K_CANDIDATES = 8
#: Pairs per chunk when refining polygon distances in numpy (bounds the segment expansion).
_PAIR_CHUNK = 50_000
#: Geometries per snapping chunk (bounds the k-candidate arrays).
_SNAP_CHUNK = 25_000
#: Facilities per bounded-Dijkstra batch when counting (nearby ones, on a local subgraph).
_MAX_COUNT_BATCH = 32
#: Memory budget for one block of bounded Dijkstra rows (float64) when counting.
_COUNT_BATCH_BYTES = 16 * 1024 * 1024
#: Cell size (m) of the node buckets used to find the nodes around a batch of facilities.
_CELL_M = 250.0


@dataclass(frozen=True, slots=True)
class Snap:
    """Access node per geometry and the distance to it (m); ``ok`` False: beyond the limit."""

    node: IntArray  # -1 where there is no usable geometry
    distance_m: FloatArray  # NaN where there is no usable geometry
    ok: BoolArray


def _geometries(frame: gpd.GeoDataFrame) -> tuple[npt.NDArray[np.object_], BoolArray]:
    geoms = frame.geometry.to_numpy()
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return geoms, usable


def _simple_polygon_distance(
    geoms: npt.NDArray[np.object_], g_of_pair: IntArray, pxy: FloatArray
) -> FloatArray:
    """Exact distance from hole-free Polygons to points (0 inside), in numpy, pair by pair.

    Each pair is expanded over the segments of its polygon's ring: the distance is the
    minimum point–segment distance, and 0 when an even-odd ray count says the point is
    inside. This avoids creating a GEOS point per pair, which costs more than the distance.
    """
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    n_coord = np.bincount(owner, minlength=len(geoms))
    first = np.cumsum(n_coord) - n_coord
    n_seg = np.maximum(n_coord - 1, 0)
    seg_first = first - np.arange(len(geoms))  # one segment fewer than coordinates per ring
    seg_at = np.flatnonzero(owner[:-1] == owner[1:])
    ax, ay = coords[seg_at, 0], coords[seg_at, 1]
    dx, dy = coords[seg_at + 1, 0] - ax, coords[seg_at + 1, 1] - ay
    len2 = dx * dx + dy * dy
    inv_len2 = np.divide(1.0, len2, out=np.zeros_like(len2), where=len2 > 0)
    rep = n_seg[g_of_pair]
    starts = np.cumsum(rep) - rep
    pair = np.repeat(np.arange(len(g_of_pair)), rep)
    seg = np.repeat(seg_first[g_of_pair] - starts, rep) + np.arange(int(rep.sum()))
    px, py = pxy[pair, 0], pxy[pair, 1]
    rx, ry = px - ax[seg], py - ay[seg]
    sdx, sdy = dx[seg], dy[seg]
    t = np.clip((rx * sdx + ry * sdy) * inv_len2[seg], 0.0, 1.0)
    ex, ey = rx - t * sdx, ry - t * sdy
    d2 = np.minimum.reduceat(ex * ex + ey * ey, starts)
    y0 = ay[seg]
    with np.errstate(divide="ignore", invalid="ignore"):
        crosses = ((y0 > py) != (y0 + sdy > py)) & (rx < sdx * ry / sdy)
    inside = (np.add.reduceat(crosses.astype(np.int8), starts) & 1).astype(bool)
    return np.where(inside, 0.0, np.sqrt(d2))


def _pair_distance(
    geoms: npt.NDArray[np.object_],
    simple: BoolArray,
    g_of_pair: IntArray,
    points_xy: FloatArray,
    p_of_pair: IntArray,
) -> FloatArray:
    """Exact geometry→point distance for (geometry, point) index pairs, in chunks of pairs.

    Hole-free polygons go through numpy; anything else (points, lines, multipolygons,
    holes) through ``shapely.distance`` on GEOS points made for those pairs only.
    """
    out = np.empty(len(g_of_pair), dtype=np.float64)
    fast = simple[g_of_pair]
    at = np.flatnonzero(fast)
    for start in range(0, len(at), _PAIR_CHUNK):  # chunks of pairs bound the segment expansion
        sl = at[start : start + _PAIR_CHUNK]
        used, g_local = np.unique(g_of_pair[sl], return_inverse=True)
        out[sl] = _simple_polygon_distance(geoms[used], g_local, points_xy[p_of_pair[sl]])
    rest = np.flatnonzero(~fast)
    if len(rest):
        out[rest] = shapely.distance(geoms[g_of_pair[rest]], shapely.points(points_xy[p_of_pair[rest]]))
    return out


def _nearest_exact(
    geoms: npt.NDArray[np.object_], points_xy: FloatArray, tree: cKDTree
) -> tuple[IntArray, FloatArray]:
    """Exact nearest point (index, distance) for each non-empty geometry, in row chunks.

    Chunks of ``_SNAP_CHUNK`` geometries keep the k-candidate work arrays small (about
    60 MB per chunk instead of ~600 MB at 1M plots); see :func:`_nearest_exact_block`.
    """
    n = len(geoms)
    if n <= _SNAP_CHUNK:
        return _nearest_exact_block(geoms, points_xy, tree)
    idx = np.empty(n, dtype=np.int64)
    dist = np.empty(n, dtype=np.float64)
    for start in range(0, n, _SNAP_CHUNK):  # chunks of plots bound memory
        sl = slice(start, start + _SNAP_CHUNK)
        idx[sl], dist[sl] = _nearest_exact_block(geoms[sl], points_xy, tree)
    return idx, dist


def _nearest_exact_block(
    geoms: npt.NDArray[np.object_], points_xy: FloatArray, tree: cKDTree
) -> tuple[IntArray, FloatArray]:
    """Exact nearest point (index, distance) for each non-empty geometry.

    k-d tree candidates around a representative point are refined exactly (0 inside a
    polygon). The answer is certified when the best refined distance is at most d_k − R
    (d_k: tree distance of the k-th candidate, R: farthest corner of the geometry's bounds
    from the representative point), since no point beyond the k-th can then be nearer. The
    rest is refined over every point within best + R of the representative point, which
    must contain the nearest. Points need no refinement. Ties go to the candidate nearest
    the representative point.
    """
    n = len(geoms)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    type_id = shapely.get_type_id(geoms)
    is_point = type_id == 0
    simple = (type_id == 3) & (shapely.get_num_interior_rings(geoms) == 0)
    rep_xy = np.empty((n, 2), dtype=np.float64)
    rep_xy[is_point] = shapely.get_coordinates(geoms[is_point])
    rep_xy[~is_point] = shapely.get_coordinates(shapely.point_on_surface(geoms[~is_point]))
    k = min(_K_CANDIDATES, len(points_xy))
    d_tree, idx = tree.query(rep_xy, k=k, workers=-1)
    d_tree = np.asarray(d_tree, dtype=np.float64).reshape(n, k)
    idx = np.asarray(idx, dtype=np.int64).reshape(n, k)
    d_exact = d_tree.copy()
    shaped = np.flatnonzero(~is_point)
    if len(shaped):
        d_exact[shaped] = _pair_distance(
            geoms, simple, np.repeat(shaped, k), points_xy, idx[shaped].ravel()
        ).reshape(len(shaped), k)
    order = np.lexsort((d_tree, d_exact), axis=1) if k > 1 else np.zeros((n, 1), dtype=np.int64)
    best_col = order[:, 0]
    rows = np.arange(n)
    best_idx = idx[rows, best_col]
    best_d = d_exact[rows, best_col]
    if k < len(points_xy) and len(shaped):
        x0, y0, x1, y1 = shapely.bounds(geoms).T
        rx = np.maximum(np.abs(x0 - rep_xy[:, 0]), np.abs(x1 - rep_xy[:, 0]))
        ry = np.maximum(np.abs(y0 - rep_xy[:, 1]), np.abs(y1 - rep_xy[:, 1]))
        radius = np.where(is_point, 0.0, np.hypot(rx, ry))
        unsure = np.flatnonzero(best_d > d_tree[:, -1] - radius)
        if len(unsure):
            found = tree.query_ball_point(rep_xy[unsure], best_d[unsure] + radius[unsure] + 1e-9)
            n_found = np.fromiter(map(len, found), dtype=np.int64, count=len(unsure))
            cand = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64, count=int(n_found.sum()))
            row = np.repeat(np.arange(len(unsure)), n_found)
            d_c = _pair_distance(geoms, simple, unsure[row], points_xy, cand)
            d_rep = np.hypot(*(points_xy[cand] - rep_xy[unsure[row]]).T)
            pick = np.lexsort((d_rep, d_c, row))  # per row: nearest, then nearest the rep point
            head = np.ones(len(pick), dtype=bool)
            head[1:] = row[pick][1:] != row[pick][:-1]
            better = pick[head]
            best_idx[unsure[row[better]]] = cand[better]
            best_d[unsure[row[better]]] = d_c[better]
    return best_idx, best_d


def snap_plots(graph: WalkGraph, plots: gpd.GeoDataFrame, *, snap_limit_m: float | None = None) -> Snap:
    """Snap each plot to the network node nearest its outline (0 when the node is inside)."""
    check_rd_new(plots, "De kavellaag")
    limit = graph.rules.snap_limit_m if snap_limit_m is None else snap_limit_m
    geoms, usable = _geometries(plots)
    node = np.full(len(geoms), -1, dtype=np.int64)
    dist = np.full(len(geoms), np.nan, dtype=np.float64)
    at = np.flatnonzero(usable)
    node[at], dist[at] = _nearest_exact(geoms[at], graph.node_xy, graph.node_tree)
    return Snap(node=node, distance_m=dist, ok=usable & (dist <= limit))


def snap_facilities(
    graph: WalkGraph, facilities: gpd.GeoDataFrame, *, snap_limit_m: float | None = None
) -> Snap:
    """Snap facility points to their nearest node (non-points use a point on the surface)."""
    check_rd_new(facilities, "De voorzieningenlaag")
    limit = graph.rules.snap_limit_m if snap_limit_m is None else snap_limit_m
    geoms, usable = _geometries(facilities)
    node = np.full(len(geoms), -1, dtype=np.int64)
    dist = np.full(len(geoms), np.nan, dtype=np.float64)
    at = np.flatnonzero(usable)
    if len(at):
        xy = shapely.get_coordinates(shapely.point_on_surface(geoms[at]))
        d, i = graph.node_tree.query(xy, k=1)
        node[at], dist[at] = np.asarray(i, dtype=np.int64), np.asarray(d, dtype=np.float64)
    return Snap(node=node, distance_m=dist, ok=usable & (dist <= limit))


def _check_inputs(
    plots: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, reach: Mapping[str, float], pace_kmh: float
) -> None:
    check_rd_new(plots, "De kavellaag")
    check_rd_new(facilities, "De voorzieningenlaag")
    missing = [c for c in ("facility_id", "category") if c not in facilities.columns]
    if missing:
        raise ScoringError(
            f"De voorzieningenlaag mist de kolom(men) {', '.join(missing)}.",
            hint="Laad voorzieningen via een van de laders van het programma (OSM, GTFS, CSV).",
        )
    bad = {c: r for c, r in reach.items() if not (np.isfinite(r) and r > 0)}
    if bad or not (np.isfinite(pace_kmh) and pace_kmh > 0):
        raise ScoringError(
            f"Ongeldige zoekafstand of looptempo: {bad or pace_kmh}.",
            hint="Zoekafstanden en looptempo moeten getallen groter dan 0 zijn.",
        )


def _empty_result(plots: gpd.GeoDataFrame, reach: Mapping[str, float], method: str) -> dict[str, Any]:
    """The result columns with every value missing, as a dict of arrays.

    Columns are filled in place and the frame is built once at the end (:func:`_frame`): a
    DataFrame assigned column by column re-consolidates its blocks and doubles its memory at
    a million plots.
    """
    n = len(plots)
    data: dict[str, Any] = {
        SNAP_M: np.full(n, np.nan),
        ONTSLOTEN: np.zeros(n, dtype=bool),
        DISTANCE_METHOD: pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([method])),
    }
    # float32: millimetre precision over tens of km, half the memory at a million plots.
    for c in reach:
        data[dist_col(c)] = np.full(n, np.nan, dtype=np.float32)
        data[walk_min_col(c)] = np.full(n, np.nan, dtype=np.float32)
        data[nearest_col(c)] = pd.Categorical.from_codes(
            np.full(n, -1, dtype=np.int32), categories=pd.Index([""])[:0]
        )
        data[count_col(c)] = pd.arrays.IntegerArray(np.zeros(n, dtype=np.int32), np.ones(n, dtype=bool))
    return data


def _frame(data: dict[str, Any], plots: gpd.GeoDataFrame) -> pd.DataFrame:
    """One DataFrame from the filled columns, indexed like ``plots``."""
    return pd.DataFrame(
        {k: pd.Series(v, index=plots.index, copy=False) for k, v in data.items()}, index=plots.index
    )


def _fill_category(
    out: dict[str, Any],
    category: str,
    ok: BoolArray,
    dist: FloatArray,
    nearest: npt.NDArray[np.object_],
    count: IntArray,
    pace_kmh: float,
) -> None:
    """Write one category's columns; ``dist``/``nearest``/``count`` are for the ``ok`` plots."""
    n = len(ok)
    full = np.full(n, np.nan, dtype=np.float32)
    full[ok] = dist
    out[dist_col(category)] = full
    out[walk_min_col(category)] = (full / np.float32(pace_kmh * 1000.0 / 60.0)).astype(np.float32)
    # Categorical: a million plots share a handful of facility ids (memory, see bench (d)).
    labels, codes_ok = np.unique(nearest[pd.notna(nearest)].astype(str), return_inverse=True)
    codes = np.full(n, -1, dtype=np.int32)
    codes[np.flatnonzero(ok)[pd.notna(nearest)]] = codes_ok
    out[nearest_col(category)] = pd.Categorical.from_codes(codes, categories=pd.Index(labels.tolist()))
    values = np.zeros(n, dtype=np.int32)
    values[ok] = count
    out[count_col(category)] = pd.arrays.IntegerArray(values, ~ok)


def _augmented(graph: WalkGraph, fac_node: IntArray, fac_snap: FloatArray) -> sparse.csr_array:
    """The graph plus one leaf node per facility, tied to its node by its snap length.

    Leaves cannot shorten any other path, so one augmented matrix serves every category.
    """
    n = graph.n_nodes
    s = len(fac_node)
    coo = graph.csr.tocoo()
    virt = n + np.arange(s, dtype=np.int64)
    rows = np.concatenate([coo.row.astype(np.int64), virt, fac_node])
    cols = np.concatenate([coo.col.astype(np.int64), fac_node, virt])
    data = np.concatenate([coo.data, fac_snap, fac_snap])
    return sparse.csr_array((data, (rows, cols)), shape=(n + s, n + s))


def _morton(xy: FloatArray) -> IntArray:
    """Z-order key of 2-D points (16 bits per axis), so consecutive keys are mostly near."""
    lo = xy.min(axis=0)
    span = float(max((xy.max(axis=0) - lo).max(), 1e-9))
    q = ((xy - lo) / span * 65535.0).astype(np.uint64)
    key = np.zeros(len(xy), dtype=np.uint64)
    for bit in range(16):  # 16 bit positions, vectorised over all points
        one = np.uint64(1)
        key |= ((q[:, 0] >> np.uint64(bit)) & one) << np.uint64(2 * bit)
        key |= ((q[:, 1] >> np.uint64(bit)) & one) << np.uint64(2 * bit + 1)
    return key.astype(np.int64)


def _induced(csr: sparse.csr_array, keep: IntArray) -> sparse.csr_array:
    """The subgraph on the sorted node list ``keep`` (rows and columns renumbered 0…len−1)."""
    local = np.full(csr.shape[0], -1, dtype=np.int64)
    local[keep] = np.arange(len(keep))
    indptr = csr.indptr.astype(np.int64)
    starts, ends = indptr[keep], indptr[keep + 1]
    n_row = ends - starts
    first = np.cumsum(n_row) - n_row
    at = np.repeat(starts - first, n_row) + np.arange(int(n_row.sum()))
    cols = local[csr.indices[at]]
    inside = cols >= 0
    rows = np.repeat(np.arange(len(keep)), n_row)[inside]
    return sparse.csr_array((csr.data[at][inside], (rows, cols[inside])), shape=(len(keep), len(keep)))


class _NodeCells:
    """Network nodes bucketed in square cells, to find the nodes near a few points quickly."""

    def __init__(self, node_xy: FloatArray, cell_m: float = _CELL_M) -> None:
        self.xy = node_xy
        self.cell = cell_m
        self.lo = node_xy.min(axis=0) if len(node_xy) else np.zeros(2)
        ij = np.floor((node_xy - self.lo) / cell_m).astype(np.int64)
        self.ny = int(ij[:, 1].max()) + 1 if len(ij) else 1
        self.nx = int(ij[:, 0].max()) + 1 if len(ij) else 1
        key = ij[:, 0] * self.ny + ij[:, 1]
        self.order = np.argsort(key, kind="stable")
        self.bounds = np.searchsorted(key[self.order], np.arange(self.nx * self.ny + 1))

    def near(self, xy: FloatArray, radius: float) -> IntArray:
        """Sorted indices of the nodes in every cell within ``radius`` of any of ``xy`` (a superset)."""
        span = min(int(np.ceil(radius / self.cell)), max(self.nx, self.ny))
        if len(xy) * (2 * span + 1) ** 2 >= self.nx * self.ny:  # a huge radius: every cell
            keys = np.arange(self.nx * self.ny)
        else:
            off = np.arange(-span, span + 1)
            c = np.floor((xy - self.lo) / self.cell).astype(np.int64)
            cx = (c[:, 0, None, None] + off[None, :, None]).repeat(len(off), axis=2)
            cy = (c[:, 1, None, None] + off[None, None, :]).repeat(len(off), axis=1)
            # Keep the cells that reach into some point's disc (a cell-level test: cheap, a superset).
            x0 = self.lo[0] + cx * self.cell
            y0 = self.lo[1] + cy * self.cell
            gx = np.maximum(np.maximum(x0 - xy[:, 0, None, None], xy[:, 0, None, None] - x0 - self.cell), 0.0)
            gy = np.maximum(np.maximum(y0 - xy[:, 1, None, None], xy[:, 1, None, None] - y0 - self.cell), 0.0)
            ok = (
                (cx >= 0)
                & (cx < self.nx)
                & (cy >= 0)
                & (cy < self.ny)
                & (gx * gx + gy * gy <= radius * radius)
            )
            keys = np.unique(cx[ok] * self.ny + cy[ok])
        lo, hi = self.bounds[keys], self.bounds[keys + 1]
        n = hi - lo
        first = np.cumsum(n) - n
        return np.sort(self.order[np.repeat(lo - first, n) + np.arange(int(n.sum()))])


def _count_within(
    aug: sparse.csr_array,
    sources: IntArray,
    plot_nodes: IntArray,
    plot_snap: FloatArray,
    radius: float,
    progress: Progress | None,
    *,
    cells: _NodeCells,
    source_xy: FloatArray,
) -> IntArray:
    """Facilities within ``radius`` of walking per plot: bounded Dijkstra on local subgraphs.

    A plot counts a facility when snap + node distance <= radius. A walk of length <= r
    never leaves the Euclidean disc of radius r around its start, so each batch of nearby
    facilities (in Z-order) runs its bounded Dijkstra only on the subgraph induced by the
    nodes within ``radius`` of any of them (``source_xy``: the facilities' network nodes),
    plus their own leaves. The result is exact and costs about the nodes in reach, not
    batch × all nodes.
    """
    counts = np.zeros(len(plot_nodes), dtype=np.int64)
    if len(sources) == 0 or len(plot_nodes) == 0:
        return counts
    # Plots per network node, so a batch only compares the plots on its own subgraph.
    plot_order = np.argsort(plot_nodes, kind="stable")
    sorted_nodes = plot_nodes[plot_order]
    slack = radius - plot_snap
    order = np.argsort(_morton(source_xy), kind="stable")
    batch = max(1, int(_MAX_COUNT_BATCH))
    for start in range(0, len(order), batch):  # loop over facility batches, never over plots
        pick = order[start : start + batch]
        nodes = cells.near(source_xy[pick], radius)
        keep = np.concatenate([nodes, sources[pick]])  # the batch's leaves come last
        sub = _induced(aug, keep)
        # The plots whose access node is in this subgraph.
        lo_p = np.searchsorted(sorted_nodes, nodes, "left")
        hi_p = np.searchsorted(sorted_nodes, nodes, "right")
        n_p = hi_p - lo_p
        p_first = np.cumsum(n_p) - n_p
        p_at = plot_order[np.repeat(lo_p - p_first, n_p) + np.arange(int(n_p.sum()))]
        col = np.repeat(np.arange(len(nodes)), n_p)
        rows = max(1, _COUNT_BATCH_BYTES // (8 * len(keep)))  # a huge radius: fewer rows per call
        chunk = max(1, _COUNT_BATCH_BYTES // (8 * min(rows, len(pick))))
        for r0 in range(0, len(pick), rows):  # usually one call per batch
            leaves = np.arange(len(nodes) + r0, len(nodes) + min(r0 + rows, len(pick)))
            block = dijkstra(sub, directed=True, indices=leaves, limit=radius)
            for c0 in range(0, len(col), chunk):  # plot chunks bound the comparison matrix
                at, cc = p_at[c0 : c0 + chunk], col[c0 : c0 + chunk]
                counts[at] += (block[:, cc] <= slack[at]).sum(axis=0)
            del block
        report(progress, min(1.0, (start + batch) / len(order)), "Voorzieningen binnen loopafstand tellen")
    return counts


def network_distances(
    graph: WalkGraph,
    plots: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    reach: Mapping[str, float],
    *,
    count_within: Mapping[str, float] | None = None,
    pace_kmh: float = 3.0,
    snap_limit_m: float = 250.0,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Walking distance, time, nearest facility and count per category, indexed like ``plots``.

    ``reach[c]`` is the search limit (m) for category ``c``; beyond it the distance is NaN and
    no facility is named. Plots farther than ``snap_limit_m`` from the network are
    ``ontsloten = False`` and get no distances; facilities that far are ignored.
    ``frame.attrs["distance_report"]`` holds the counts for the log.
    """
    _check_inputs(plots, facilities, reach, pace_kmh)
    count_within = count_within or {}
    out = _empty_result(plots, reach, "netwerk")
    report(progress, 0.0, "Kavels aan het loopnetwerk koppelen")
    psnap = snap_plots(graph, plots, snap_limit_m=snap_limit_m)
    release_free_memory()  # snapping frees its candidate arrays
    fsnap = snap_facilities(graph, facilities, snap_limit_m=snap_limit_m)
    out[SNAP_M] = psnap.distance_m
    out[ONTSLOTEN] = psnap.ok
    ok = psnap.ok
    plot_node = psnap.node[ok]
    plot_snap = psnap.distance_m[ok]

    fac_cat = facilities["category"].astype("string").fillna("").to_numpy(dtype=object)
    fac_ids = facilities["facility_id"].astype("string").to_numpy(dtype=object, na_value=None)
    used = fsnap.ok & np.isin(fac_cat, list(reach))
    used_at = np.flatnonzero(used)
    aug = _augmented(graph, fsnap.node[used_at], fsnap.distance_m[used_at])
    virt_of = np.full(len(facilities), -1, dtype=np.int64)
    virt_of[used_at] = graph.n_nodes + np.arange(len(used_at))
    aug_node = fsnap.node[used_at]  # network node of each leaf
    cells = _NodeCells(graph.node_xy)
    report(progress, 0.1, "Loopafstanden berekenen")

    n_cat = max(1, len(reach))
    for i, (category, limit) in enumerate(reach.items()):  # one Dijkstra per category
        sub = scaled(progress, 0.1 + 0.9 * i / n_cat, 0.1 + 0.9 * (i + 1) / n_cat)
        radius = float(count_within.get(category, limit))
        sources = virt_of[used_at[fac_cat[used_at] == category]]
        if len(sources) == 0 or len(plot_node) == 0:
            _fill_category(
                out,
                category,
                ok,
                np.full(len(plot_node), np.nan),
                np.full(len(plot_node), None, dtype=object),
                np.zeros(len(plot_node), dtype=np.int64),
                pace_kmh,
            )
            continue
        report(sub, 0.0, f"Loopafstand tot {category}")
        dist, _pred, src = dijkstra(
            aug,
            directed=True,
            indices=sources,
            min_only=True,
            limit=float(limit),
            return_predecessors=True,
        )
        total = plot_snap + dist[plot_node]
        within = total <= limit
        d_out = np.where(within, total, np.nan)
        nearest = np.full(len(plot_node), None, dtype=object)
        src_at = src[plot_node[within]].astype(np.int64) - graph.n_nodes
        nearest[within] = fac_ids[used_at[src_at]]
        counts = _count_within(
            aug,
            sources,
            plot_node,
            plot_snap,
            radius,
            scaled(sub, 0.5, 1.0),
            cells=cells,
            source_xy=graph.node_xy[aug_node[sources - graph.n_nodes]],
        )
        _fill_category(out, category, ok, d_out, nearest, counts, pace_kmh)
    frame = _frame(out, plots)
    frame.attrs["distance_report"] = {
        "plots": len(plots),
        "plots_not_connected": int((~psnap.ok).sum()),
        "facilities_used": len(used_at),
        "facilities_not_connected": int((~fsnap.ok & np.isin(fac_cat, list(reach))).sum()),
        "profile": graph.profile,
    }
    report(progress, 1.0, "Loopafstanden klaar")
    return frame


def euclidean_distances(
    plots: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    reach: Mapping[str, float],
    *,
    count_within: Mapping[str, float] | None = None,
    pace_kmh: float = 3.0,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Straight-line ("hemelsbreed") distances with the same columns as network_distances.

    Distances run from the plot's outline (0 inside) to the facility points, exact.
    Counts are exact too: facilities within the radius of the plot geometry (STRtree
    ``dwithin``, in chunks of plots). ``walk_*_min`` assumes walking in a straight line.
    """
    _check_inputs(plots, facilities, reach, pace_kmh)
    count_within = count_within or {}
    out = _empty_result(plots, reach, "hemelsbreed")
    geoms, usable = _geometries(plots)
    out[SNAP_M] = np.where(usable, 0.0, np.nan)
    out[ONTSLOTEN] = usable
    at = np.flatnonzero(usable)
    pg = geoms[at]
    fgeoms, fusable = _geometries(facilities)
    fac_cat = facilities["category"].astype("string").fillna("").to_numpy(dtype=object)
    fac_ids = facilities["facility_id"].astype("string").to_numpy(dtype=object, na_value=None)
    n_cat = max(1, len(reach))
    for i, (category, limit) in enumerate(reach.items()):
        report(progress, i / n_cat, f"Afstand hemelsbreed tot {category}")
        radius = float(count_within.get(category, limit))
        sel = np.flatnonzero(fusable & (fac_cat == category))
        if len(sel) == 0 or len(at) == 0:
            _fill_category(
                out,
                category,
                usable,
                np.full(len(at), np.nan),
                np.full(len(at), None, dtype=object),
                np.zeros(len(at), dtype=np.int64),
                pace_kmh,
            )
            continue
        pts = shapely.point_on_surface(fgeoms[sel])
        xy = shapely.get_coordinates(pts)
        idx, dist = _nearest_exact(pg, xy, cKDTree(xy))
        within = dist <= limit
        nearest = np.full(len(at), None, dtype=object)
        nearest[within] = fac_ids[sel[idx[within]]]
        strtree = shapely.STRtree(pts)
        counts = np.zeros(len(at), dtype=np.int64)
        chunk = 50_000
        for start in range(0, len(at), chunk):  # memory bound on the pair list
            g_i, _ = strtree.query(pg[start : start + chunk], predicate="dwithin", distance=radius)
            counts[start : start + chunk] += np.bincount(g_i, minlength=len(pg[start : start + chunk]))
        _fill_category(out, category, usable, np.where(within, dist, np.nan), nearest, counts, pace_kmh)
    report(progress, 1.0, "Afstanden hemelsbreed klaar")
    return _frame(out, plots)


def nearest_path(
    graph: WalkGraph,
    plot_geometry: shapely.Geometry,
    facilities: gpd.GeoDataFrame,
    category: str,
    *,
    limit_m: float = 5000.0,
) -> tuple[IntArray, str | None, float]:
    """Network node path from a plot's access node to its nearest facility of ``category``.

    Returns (node indices, plot end first; facility_id; distance in m incl. both snaps), or an
    empty path, None and NaN when none is within ``limit_m``. For dossiers, not for bulk use.
    """
    one = gpd.GeoDataFrame(geometry=[plot_geometry], crs=facilities.crs)
    psnap = snap_plots(graph, one, snap_limit_m=np.inf)
    fsel = facilities.loc[facilities["category"].astype("string") == category]
    fsnap = snap_facilities(graph, fsel, snap_limit_m=graph.rules.snap_limit_m)
    at = np.flatnonzero(fsnap.ok)
    if psnap.node[0] < 0 or len(at) == 0:
        return np.zeros(0, dtype=np.int64), None, float("nan")
    aug = _augmented(graph, fsnap.node[at], fsnap.distance_m[at])
    start = int(psnap.node[0])
    dist, pred = dijkstra(aug, directed=True, indices=start, limit=limit_m, return_predecessors=True)
    virt = graph.n_nodes + np.arange(len(at))
    best = int(np.argmin(dist[virt]))
    total = float(dist[virt[best]] + psnap.distance_m[0])
    if not np.isfinite(total) or total > limit_m:
        return np.zeros(0, dtype=np.int64), None, float("nan")
    path = [int(pred[virt[best]])]  # walk the predecessor chain of one path (short)
    while path[-1] != start:
        path.append(int(pred[path[-1]]))
    fid = (
        facilities["facility_id"]
        .astype("string")
        .to_numpy(dtype=object)[
            np.flatnonzero((facilities["category"].astype("string") == category).to_numpy())[at[best]]
        ]
    )
    return np.asarray(path[::-1], dtype=np.int64), str(fid), total


def reach_lines(
    graph: WalkGraph,
    plot_geometry: shapely.Geometry,
    distances_m: tuple[float, ...] = (400.0, 800.0),
) -> gpd.GeoDataFrame:
    """The network reachable from a plot within each distance, as MultiLineStrings for the map.

    An edge counts when both ends are within the distance (snap included); edges are not cut.
    One row per distance, column ``distance_m``, EPSG:28992.
    """
    one = gpd.GeoDataFrame(geometry=[plot_geometry], crs="EPSG:28992")
    psnap = snap_plots(graph, one, snap_limit_m=np.inf)
    rows: list[shapely.Geometry] = []
    if psnap.node[0] < 0:
        rows = [shapely.MultiLineString([]) for _ in distances_m]
    else:
        far = max(distances_m)
        dist = dijkstra(graph.csr, directed=True, indices=int(psnap.node[0]), limit=far) + psnap.distance_m[0]
        coo = sparse.triu(graph.csr).tocoo()
        for d in distances_m:  # a handful of bands
            m = (dist[coo.row] <= d) & (dist[coo.col] <= d)
            seg = np.stack([graph.node_xy[coo.row[m]], graph.node_xy[coo.col[m]]], axis=1)
            rows.append(
                shapely.multilinestrings(shapely.linestrings(seg))
                if len(seg)
                else shapely.MultiLineString([])
            )
    return gpd.GeoDataFrame({"distance_m": list(distances_m)}, geometry=rows, crs="EPSG:28992")
