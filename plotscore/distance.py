"""Distances from plots to the nearest facility per category: over the walking network or straight.

Network mode runs ONE multi-source Dijkstra per category from virtual facility nodes (each tied
to its snapped network node by an edge of its snap length), so the snap distances of both the
plot and the facility are part of every distance. Straight-line mode measures from the plot's
outline (0 inside) to the facility points. Both return frames indexed like the plots.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

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
#: Memory budget for one batch of bounded Dijkstra rows (float64) when counting.
_COUNT_BATCH_BYTES = 64 * 1024 * 1024
_MAX_COUNT_BATCH = 64


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


def _nearest_exact(
    geoms: npt.NDArray[np.object_], points_xy: FloatArray, tree: cKDTree
) -> tuple[IntArray, FloatArray]:
    """Exact nearest point (index, distance) for each non-empty geometry.

    k-d tree candidates around a representative point are refined with ``shapely.distance``
    (0 inside a polygon). The answer is certified when the best refined distance is at most
    d_k − R (d_k: tree distance of the k-th candidate, R: farthest corner of the geometry's
    bounds from the representative point), since no point beyond the k-th can then be
    nearer; the rest falls back to an exact STRtree nearest query. Ties go to the candidate
    nearest the representative point.
    """
    n = len(geoms)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    rep = shapely.point_on_surface(geoms)
    rep_xy = shapely.get_coordinates(rep)
    k = min(_K_CANDIDATES, len(points_xy))
    d_tree, idx = tree.query(rep_xy, k=k)
    d_tree = np.asarray(d_tree, dtype=np.float64).reshape(n, k)
    idx = np.asarray(idx, dtype=np.int64).reshape(n, k)
    cand_pts = shapely.points(points_xy[idx.ravel()])
    d_exact = shapely.distance(np.repeat(geoms, k), cand_pts).reshape(n, k)
    order = np.lexsort((d_tree, d_exact), axis=1) if k > 1 else np.zeros((n, 1), dtype=np.int64)
    best_col = order[:, 0]
    rows = np.arange(n)
    best_idx = idx[rows, best_col]
    best_d = d_exact[rows, best_col]
    if k < len(points_xy):
        x0, y0, x1, y1 = shapely.bounds(geoms).T
        rx = np.maximum(np.abs(x0 - rep_xy[:, 0]), np.abs(x1 - rep_xy[:, 0]))
        ry = np.maximum(np.abs(y0 - rep_xy[:, 1]), np.abs(y1 - rep_xy[:, 1]))
        radius = np.hypot(rx, ry)
        unsure = np.flatnonzero(best_d > d_tree[:, -1] - radius)
        if len(unsure):
            strtree = shapely.STRtree(shapely.points(points_xy))
            (g_i, p_i), dist = strtree.query_nearest(geoms[unsure], return_distance=True, all_matches=False)
            best_idx[unsure[g_i]] = p_i
            best_d[unsure[g_i]] = dist
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


def _empty_result(plots: gpd.GeoDataFrame, reach: Mapping[str, float], method: str) -> pd.DataFrame:
    n = len(plots)
    data: dict[str, pd.Series] = {
        SNAP_M: pd.Series(np.full(n, np.nan), index=plots.index, dtype="float64"),
        ONTSLOTEN: pd.Series(np.zeros(n, dtype=bool), index=plots.index),
        DISTANCE_METHOD: pd.Series([method] * n, index=plots.index, dtype="string"),
    }
    for c in reach:
        data[dist_col(c)] = pd.Series(np.full(n, np.nan), index=plots.index, dtype="float64")
        data[walk_min_col(c)] = pd.Series(np.full(n, np.nan), index=plots.index, dtype="float64")
        data[nearest_col(c)] = pd.Series([pd.NA] * n, index=plots.index, dtype="string")
        data[count_col(c)] = pd.Series([pd.NA] * n, index=plots.index, dtype="Int64")
    return pd.DataFrame(data, index=plots.index)


def _fill_category(
    out: pd.DataFrame,
    category: str,
    ok: BoolArray,
    dist: FloatArray,
    nearest: npt.NDArray[np.object_],
    count: IntArray,
    pace_kmh: float,
) -> None:
    """Write one category's columns; ``dist``/``nearest``/``count`` are for the ``ok`` plots."""
    full = np.full(len(out), np.nan)
    full[ok] = dist
    out[dist_col(category)] = full
    out[walk_min_col(category)] = full / (pace_kmh * 1000.0 / 60.0)
    ids = np.full(len(out), None, dtype=object)
    ids[ok] = nearest
    out[nearest_col(category)] = pd.array(ids, dtype="string")
    counts = pd.array([pd.NA] * len(out), dtype="Int64")
    counts[ok] = count
    out[count_col(category)] = counts


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


def _count_within(
    aug: sparse.csr_array,
    sources: IntArray,
    plot_nodes: IntArray,
    plot_snap: FloatArray,
    radius: float,
    progress: Progress | None,
) -> IntArray:
    """Facilities within ``radius`` of walking per plot: bounded Dijkstra in memory-sized batches.

    A plot counts a facility when snap + node distance <= radius. Only the columns of the
    plots' access nodes are kept from each batch, and plots are compared in chunks, so memory
    stays near ``_COUNT_BATCH_BYTES`` whatever the numbers of plots and facilities.
    """
    counts = np.zeros(len(plot_nodes), dtype=np.int64)
    if len(sources) == 0 or len(plot_nodes) == 0:
        return counts
    uniq, inv = np.unique(plot_nodes, return_inverse=True)
    slack = radius - plot_snap
    batch = int(min(_MAX_COUNT_BATCH, max(1, _COUNT_BATCH_BYTES // (8 * aug.shape[0]))))
    chunk = max(1, _COUNT_BATCH_BYTES // (8 * batch))
    for start in range(0, len(sources), batch):  # loop over facility batches, not plots
        block = dijkstra(aug, directed=True, indices=sources[start : start + batch], limit=radius)
        at_nodes = block[:, uniq]
        del block
        for p0 in range(0, len(plot_nodes), chunk):  # plot chunks bound the comparison matrix
            sl = slice(p0, p0 + chunk)
            counts[sl] += (at_nodes[:, inv[sl]] <= slack[sl]).sum(axis=0)
        report(progress, min(1.0, (start + batch) / len(sources)), "Voorzieningen binnen loopafstand tellen")
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
        counts = _count_within(aug, sources, plot_node, plot_snap, radius, scaled(sub, 0.5, 1.0))
        _fill_category(out, category, ok, d_out, nearest, counts, pace_kmh)
    out.attrs["distance_report"] = {
        "plots": len(plots),
        "plots_not_connected": int((~psnap.ok).sum()),
        "facilities_used": len(used_at),
        "facilities_not_connected": int((~fsnap.ok & np.isin(fac_cat, list(reach))).sum()),
        "profile": graph.profile,
    }
    report(progress, 1.0, "Loopafstanden klaar")
    return out


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
    return out


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
