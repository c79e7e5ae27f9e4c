"""Distances from plots to the nearest facility per category: over the walking network or straight.

Network mode runs ONE multi-source Dijkstra per category over the augmented graph
(:mod:`plotscore.augment`): from one source node per distinct facility, tied to each of its
access points by its connector (:mod:`plotscore.facilities`), to one sink node per plot, reached
from every point where the network meets the plot (:mod:`plotscore.access`). A plot's distance
is therefore the minimum over its entry points, a facility is reached at the nearest point of a
walkable way (an area at its outline or entrances), and the connectors are part of the distance.
Straight-line mode measures from the plot's outline (0 inside) to the facility's point or area
outline. Both return frames indexed like the plots.
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

from plotscore import augment as _aug
from plotscore import netcache, walkcore
from plotscore._memory import release_free_memory
from plotscore.access import edge_point, nearest_on_edges, polygon_hits
from plotscore.augment import (
    FacilityPoints,
    PlotEntries,
    _NodeCells,
    augment,
    cached_augment,
    entry_nodes,
    facility_key,
    spatial_xy,
)
from plotscore.columns import (
    DISTANCE_METHOD,
    DISTANCE_UNCERTAIN,
    NETWORK_EDGE_M,
    ONTSLOTEN,
    SNAP_M,
    DistanceMethod,
    count_col,
    dist_col,
    nearest_col,
    uncertain_col,
    walk_min_col,
)
from plotscore.errors import ScoringError
from plotscore.facilities import distinct_facilities, facility_access, facility_outlines
from plotscore.network import WalkGraph, check_rd_new
from plotscore.progress import Progress, report, scaled

__all__ = [
    "DISTINCT_ID",
    "NearestPath",
    "PlotAccess",
    "euclidean_distances",
    "nearest_exact",
    "nearest_path",
    "network_distances",
    "plot_access",
    "reach_lines",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

#: Column a caller may put on the facilities: the distinct facility each row belongs to
#: (:func:`plotscore.facilities.distinct_facilities`); computed when absent.
DISTINCT_ID = "distinct_id"
#: Candidates per geometry in the k-d tree step before exact refinement.
_K_CANDIDATES = 8
#: Pairs per chunk when refining polygon distances in numpy (bounds the segment expansion).
_PAIR_CHUNK = 50_000
#: Geometries per snapping chunk (bounds the k-candidate arrays).
_SNAP_CHUNK = 25_000
#: Plots per chunk in network_distances: entry points and gathers of this many plots at a time
#: (a million plots would need ~3 GB at once).
_PLOT_CHUNK = 50_000
#: Connectors are measured exactly up to this length (or 4× the snap limit); farther: NaN.
_CONNECTOR_CAP_M = 1000.0


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


def nearest_exact(
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


def _geometries(frame: gpd.GeoDataFrame) -> tuple[ObjArray, BoolArray]:
    geoms = frame.geometry.to_numpy()
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return geoms, usable


# ---------------------------------------------------------------------------------------------
# Plots on the network


@dataclass(frozen=True, slots=True)
class PlotAccess:
    """How each plot joins the network.

    ``connector_m``: 0 where a walkable edge reaches into the plot (a network node inside it or
    an edge crossing its outline), else the straight distance from the plot to the nearest point
    of the nearest walkable edge; NaN without geometry. ``ok``: joined within the snap limit.
    ``entries``: the entry points of the joined plots.
    """

    ok: BoolArray
    connector_m: FloatArray
    entries: PlotEntries


def plot_access(
    graph: WalkGraph, plots: gpd.GeoDataFrame, *, snap_limit_m: float | None = None
) -> PlotAccess:
    """Entry points of every plot: all of them where the network reaches the plot, else connectors.

    Connectors run to the nearest walkable way and to every way at most ``join_tolerance_m``
    farther (walking.toml); ``connector_m`` is the shortest of them.
    """
    check_rd_new(plots, "De kavellaag")
    limit = graph.rules.snap_limit_m if snap_limit_m is None else snap_limit_m
    geoms, usable = _geometries(plots)
    n = len(geoms)
    edges = graph.edges
    polygonal = np.flatnonzero(usable & np.isin(shapely.get_type_id(geoms), [3, 6]))
    hits = polygon_hits(edges, geoms[polygonal])
    hit_plot = polygonal[hits.geom]
    has_hit = np.zeros(n, dtype=bool)
    has_hit[hit_plot] = True
    rest = np.flatnonzero(usable & ~has_hit)
    # Connectors are measured exactly up to a cap well beyond the snap limit (a plot 400 m off
    # the network says so); farther than that only "not connected" matters.
    cap = max(_CONNECTOR_CAP_M, 4.0 * limit) if np.isfinite(limit) else None
    near = nearest_on_edges(edges, geoms[rest], join_m=graph.rules.join_tolerance_m, max_m=cap)
    near_plot = rest[near.geom]
    connector = np.full(n, np.nan)
    connector[has_hit] = 0.0
    shortest = np.full(n, np.inf)
    np.minimum.at(shortest, near_plot, near.connector_m)
    connector[rest] = np.where(np.isfinite(shortest[rest]), shortest[rest], np.nan)
    with np.errstate(invalid="ignore"):
        ok = usable & (connector <= limit)
    take = ok[near_plot]
    r_plot = near_plot[take]
    entries = PlotEntries(
        plot=np.concatenate([hit_plot, r_plot]).astype(np.int64),
        edge=np.concatenate([hits.edge, near.edge[take]]).astype(np.int64),
        t_lo=np.concatenate([hits.t_lo, near.t_lo[take]]),
        t_hi=np.concatenate([hits.t_hi, near.t_hi[take]]),
        connector_m=np.concatenate([np.zeros(len(hit_plot)), near.connector_m[take]]),
        from_outline=np.concatenate([np.ones(len(hit_plot), dtype=bool), np.zeros(len(r_plot), dtype=bool)]),
        plot_geoms=geoms,
    )
    return PlotAccess(ok=ok, connector_m=connector, entries=entries)


# ---------------------------------------------------------------------------------------------
# Facilities on the network


@dataclass(frozen=True)
class _Facilities:
    """The distinct facilities of a run that the network reaches, and their access points."""

    points: FacilityPoints
    group_id: ObjArray  # facility_id of each group's first member
    group_category: ObjArray
    group_connector_m: FloatArray  # shortest connector of the group's access points
    access_xy: list[FloatArray]  # network-side access points per group
    facility_xy: FloatArray  # facility end of each access point's connector (aligned with points)
    unreachable: list[str]  # facility ids beyond the snap limit (used categories only)
    used_rows: int


def _distinct(facilities: gpd.GeoDataFrame) -> npt.NDArray[np.object_]:
    if DISTINCT_ID in facilities.columns:
        ids = facilities[DISTINCT_ID].astype("string")
        ids = ids.fillna(facilities["facility_id"].astype("string"))
    else:
        ids = distinct_facilities(facilities)
    return np.asarray(ids.to_numpy(dtype=object, na_value=None), dtype=object)


def _network_facilities(
    graph: WalkGraph, facilities: gpd.GeoDataFrame, categories: list[str], snap_limit_m: float
) -> _Facilities:
    cat = facilities["category"].astype("string").fillna("").to_numpy(dtype=object)
    fac_ids = facilities["facility_id"].astype("string").to_numpy(dtype=object, na_value=None)
    _geoms, usable = _geometries(facilities)
    used = np.flatnonzero(usable & np.isin(cat, categories))
    sub = facilities.iloc[used]
    access = facility_access(graph.edges, sub, join_m=graph.rules.join_tolerance_m)
    keep = access.connector_m <= snap_limit_m
    row = used[access.row[keep]]
    reached = np.zeros(len(facilities), dtype=bool)
    reached[row] = True
    unreachable = [str(fac_ids[i]) for i in used if not reached[i]]
    distinct = _distinct(facilities)
    codes, uniq = pd.factorize(pd.Series(distinct[row], dtype=object), sort=True)
    group = np.asarray(codes, dtype=np.int64)
    n_groups = len(uniq)
    conn = access.connector_m[keep]
    group_conn = np.full(n_groups, np.inf)
    np.minimum.at(group_conn, group, conn)
    group_cat = np.empty(n_groups, dtype=object)
    group_cat[group] = cat[row]
    edge, t = access.edge[keep], access.t[keep]
    net_xy = edge_point(graph.edges, edge, t) if len(edge) else np.zeros((0, 2))
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(n_groups + 1))
    access_xy = [net_xy[order[bounds[g] : bounds[g + 1]]] for g in range(n_groups)]
    return _Facilities(
        points=FacilityPoints(group=group, edge=edge, t=t, connector_m=conn, n_groups=n_groups),
        group_id=np.asarray(uniq, dtype=object),
        group_category=group_cat,
        group_connector_m=group_conn,
        access_xy=access_xy,
        facility_xy=access.xy[keep].reshape(-1, 2),
        unreachable=unreachable,
        used_rows=len(used),
    )


def _cached_facilities(
    graph: WalkGraph, facilities: gpd.GeoDataFrame, categories: list[str], snap_limit_m: float, *, use: bool
) -> _Facilities:
    """:func:`_network_facilities`, once per (graph, facility layer content, categories, limit).

    A layer whose content cannot be digested (unhashable cells) is joined anew every time.
    """
    digest = netcache.frame_digest(facilities) if use else None
    key = ("facilities", digest, tuple(categories), float(snap_limit_m))

    def build() -> _Facilities:
        fac = _network_facilities(graph, facilities, categories, snap_limit_m)
        p = fac.points
        for a in (
            p.group,
            p.edge,
            p.t,
            p.connector_m,
            fac.group_id,
            fac.group_category,
            fac.group_connector_m,
        ):
            a.setflags(write=False)  # shared between runs: fail loudly on a write
        return fac

    return netcache.cached(graph, key, build, use=digest is not None)


def _prepared(
    graph: WalkGraph, facilities: gpd.GeoDataFrame, categories: list[str], snap_limit_m: float, *, use: bool
) -> tuple[_Facilities, _aug.Augmented, _NodeCells]:
    """The facilities on the network, the augmented graph and its node cells (cached, see netcache)."""
    fac = _cached_facilities(graph, facilities, categories, snap_limit_m, use=use)
    aug = cached_augment(graph, fac.points, use=use)
    cells = netcache.cached(
        graph,
        ("cells", facility_key(fac.points)),
        lambda: _NodeCells(spatial_xy(graph, aug)),
        use=use,
    )
    return fac, aug, cells


# ---------------------------------------------------------------------------------------------
# Result columns


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


def _empty_result(
    plots: gpd.GeoDataFrame, reach: Mapping[str, float], method: DistanceMethod, *, categories: bool = True
) -> dict[str, Any]:
    """The result columns with every value missing, as a dict of arrays.

    Columns are filled in place and the frame is built once at the end (:func:`_frame`): a
    DataFrame assigned column by column re-consolidates its blocks and doubles its memory at
    a million plots.
    """
    n = len(plots)
    data: dict[str, Any] = {
        SNAP_M: np.full(n, np.nan),
        ONTSLOTEN: np.zeros(n, dtype=bool),
        DISTANCE_METHOD: pd.Categorical.from_codes(
            np.zeros(n, dtype=np.int8), categories=pd.Index([method.value])
        ),
    }
    # float32: millimetre precision over tens of km, half the memory at a million plots.
    for c in reach if categories else ():
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
    dist: npt.NDArray[Any],
    nearest: npt.NDArray[Any],
    labels: ObjArray,
    count: npt.NDArray[Any],
    pace_kmh: float,
) -> None:
    """Write one category's columns; ``dist``/``nearest``/``count`` are for the ``ok`` plots.

    ``nearest`` holds an index into ``labels`` (the facility ids), −1 where none is in reach.
    """
    n = len(ok)
    full = np.full(n, np.nan, dtype=np.float32)
    full[ok] = dist
    out[dist_col(category)] = full
    out[walk_min_col(category)] = (full / np.float32(pace_kmh * 1000.0 / 60.0)).astype(np.float32)
    # Categorical: a million plots share a handful of facility ids (memory, see bench (d)).
    found = nearest >= 0
    used, compact = np.unique(nearest[found], return_inverse=True)
    # Several indices may carry one id (rows of one distinct facility): categories by id, sorted.
    names, by_name = np.unique(np.array([str(x) for x in labels[used]], dtype=object), return_inverse=True)
    codes = np.full(n, -1, dtype=np.int32)
    codes[np.flatnonzero(ok)[found]] = by_name[compact]
    out[nearest_col(category)] = pd.Categorical.from_codes(
        codes, categories=pd.Index(names.tolist(), dtype=object)
    )
    values = np.zeros(n, dtype=np.int32)
    values[ok] = count
    out[count_col(category)] = pd.arrays.IntegerArray(values, ~ok)


def _flag(ok: BoolArray, flags: BoolArray) -> pd.arrays.BooleanArray:
    """A nullable boolean column: ``flags`` for the joined plots, NA for the others."""
    values = np.zeros(len(ok), dtype=bool)
    values[ok] = flags
    return pd.arrays.BooleanArray(values, ~ok)


# ---------------------------------------------------------------------------------------------
# Network distances


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
    cache: bool = True,
) -> pd.DataFrame:
    """Walking distance, time, nearest facility, count and uncertainty per category, indexed like ``plots``.

    ``reach[c]`` is the search limit (m) for category ``c``; beyond it the distance is NaN and
    no facility is named. Plots farther than ``snap_limit_m`` from the network are
    ``ontsloten = False`` and get no distances; facilities that far are "niet bereikbaar over
    het netwerk" and are left out (their ids in the report). Counts count distinct facilities
    (:func:`plotscore.facilities.distinct_facilities`, or the caller's ``distinct_id`` column)
    within ``count_within[c]`` (default: the reach). ``frame.attrs["distance_report"]`` holds
    the counts for the log. The facilities' join to the network and the augmented graph are
    reused from earlier calls with the same graph and facility content (:mod:`plotscore.netcache`);
    ``cache=False`` builds them anew (same result).
    """
    _check_inputs(plots, facilities, reach, pace_kmh)
    count_radius = count_within or {}
    out = _empty_result(plots, reach, DistanceMethod.NETWERK, categories=False)
    categories = list(reach)
    report(progress, 0.0, "Voorzieningen aan het loopnetwerk koppelen")
    fac, aug, cells = _prepared(graph, facilities, categories, snap_limit_m, use=cache)
    g0 = int(aug.group_node[0]) if len(aug.group_node) else 0
    uncertain_m = graph.rules.uncertain_connector_m
    core = walkcore.enabled()
    if core:
        return _network_distances_core(
            graph, plots, reach, count_radius, pace_kmh, snap_limit_m, progress, out, fac, aug, cache
        )
    # The scipy path (reference and fallback): one multi-source Dijkstra per category over the
    # network (plots are not in the graph), and the nodes each facility reaches within the
    # count radius.
    per_cat: dict[str, tuple[npt.NDArray[np.float32], npt.NDArray[np.int32], IntArray]] = {}
    n_cat = max(1, len(categories))
    for i, category in enumerate(categories):
        sub = scaled(progress, 0.05 + 0.6 * i / n_cat, 0.05 + 0.6 * (i + 1) / n_cat)
        groups = np.flatnonzero(fac.group_category == category)
        if len(groups) == 0:
            continue
        report(sub, 0.0, f"Loopafstand tot {category}")
        dist, _pred, src = dijkstra(
            aug.csr,
            directed=True,
            indices=aug.group_node[groups],
            min_only=True,
            limit=float(reach[category]),
            return_predecessors=True,
        )
        # float32/int32 halves what six categories keep while the plots are done.
        per_cat[category] = (dist.astype(np.float32), np.asarray(src, dtype=np.int32), groups)
        del dist, src
    # The plots, a chunk at a time: entry points, then a gather per category.
    geoms, _usable = _geometries(plots)
    n = len(plots)
    connector = np.full(n, np.nan)
    ok_all = np.zeros(n, dtype=bool)
    edge_m = np.full(n, np.nan)
    dist_all = {c: np.full(n, np.nan, dtype=np.float32) for c in categories}
    near_all = {c: np.full(n, -1, dtype=np.int32) for c in categories}
    count_all = {c: np.zeros(n, dtype=np.int32) for c in categories}
    flag_all = {c: np.zeros(n, dtype=bool) for c in categories}
    spatial = spatial_xy(graph, aug)
    # Chunks of nearby plots (Z-order), so each chunk's counts involve only nearby facilities.
    by_place = _chunk_order(geoms)
    for c0 in range(0, n, _PLOT_CHUNK):  # chunks of plots bound memory at a million plots
        report(progress, 0.65 + 0.35 * c0 / max(n, 1), "Kavels aan het loopnetwerk koppelen")
        members = np.sort(by_place[c0 : c0 + _PLOT_CHUNK])
        chunk = plots if len(members) == n else plots.iloc[members]
        access = plot_access(graph, chunk, snap_limit_m=snap_limit_m)
        ok = access.ok
        pos = members[ok]
        connector[members] = access.connector_m
        ok_all[members] = ok
        edge_m[pos] = graph.extent.distance_to_edge(geoms[pos])
        ent = entry_nodes(graph, aug, access.entries)
        # Facilities to count from: those near this chunk (all of them for a single chunk).
        area = None
        if len(members) < n and len(ent.node):
            where = spatial[ent.node]
            area = (where.min(axis=0), where.max(axis=0))
        plot_far = access.connector_m[ok] > uncertain_m
        for category in categories:
            limit = float(reach[category])
            if category not in per_cat or len(pos) == 0:
                flags = _uncertain(plot_far, edge_m[pos], limit)
            else:
                dist, src, groups = per_cat[category]
                d, src_plot = ent.distances(dist, src)
                hit = d <= limit
                d_ok = np.where(hit, d, np.nan)
                g_near = src_plot[hit] - g0
                nearest = np.full(len(pos), -1, dtype=np.int64)
                nearest[hit] = g_near
                far_fac = np.zeros(len(pos), dtype=bool)
                far_fac[hit] = fac.group_connector_m[g_near] > uncertain_m
                flags = _uncertain(plot_far, edge_m[pos], limit, hit, d_ok, far_fac)
                dist_all[category][pos] = d_ok
                near_all[category][pos] = nearest
                counts = _aug.count_within(
                    aug,
                    groups,
                    [fac.access_xy[g] for g in groups],
                    float(count_radius.get(category, limit)),
                    ent,
                    len(members),
                    None,
                    cells=cells,
                    area=area,
                )
                count_all[category][members] = counts
            flag_all[category][pos] = flags
        del access, ent, chunk  # the chunk's arrays go before the next one is made
        release_free_memory()
    return _finish(
        out,
        plots,
        graph,
        fac,
        categories,
        pace_kmh,
        progress,
        _Columns(connector, ok_all, edge_m, dist_all, near_all, count_all, flag_all),
    )


def _chunk_order(geoms: ObjArray) -> IntArray:
    """Plot positions in Z-order of their centres (chunks of nearby plots); as given when one chunk."""
    n = len(geoms)
    if n <= _PLOT_CHUNK:
        return np.arange(n, dtype=np.int64)
    bounds = np.nan_to_num(shapely.bounds(geoms), nan=0.0)
    centre = (bounds[:, :2] + bounds[:, 2:]) / 2.0
    return np.argsort(_aug._morton(centre), kind="stable")


def _core_csr(
    graph: WalkGraph, fac: _Facilities, aug: _aug.Augmented, *, use: bool
) -> tuple[IntArray, npt.NDArray[np.integer[Any]], FloatArray]:
    """The augmented graph's CSR arrays as the compiled kernels take them (per-network cache)."""
    return netcache.cached(
        graph,
        ("walkcore-csr", facility_key(fac.points)),
        lambda: walkcore.csr_arrays(aug.csr.indptr, aug.csr.indices, aug.csr.data),
        use=use,
    )


def _network_distances_core(
    graph: WalkGraph,
    plots: gpd.GeoDataFrame,
    reach: Mapping[str, float],
    count_radius: Mapping[str, float],
    pace_kmh: float,
    snap_limit_m: float,
    progress: Progress | None,
    out: dict[str, Any],
    fac: _Facilities,
    aug: _aug.Augmented,
    cache: bool,
) -> pd.DataFrame:
    """:func:`network_distances` on the compiled core (:mod:`plotscore.walkcore`).

    A category whose count radius is at least its reach gets distance, nearest facility and
    count from one bounded search per facility (:func:`walkcore.plot_pass`). A category that
    counts within a shorter radius (the norm) gets its nearest from one multi-source search
    (:func:`walkcore.fields`, all such categories in parallel) and its counts from the same
    per-facility pass, bounded by the count radius. Same answers as the scipy path.
    """
    categories = list(reach)
    g0 = int(aug.group_node[0]) if len(aug.group_node) else 0
    uncertain_m = graph.rules.uncertain_connector_m
    ip, ix, dt = _core_csr(graph, fac, aug, use=cache)
    limit = np.array([float(reach[c]) for c in categories])
    radius = np.array([float(count_radius.get(c, reach[c])) for c in categories])
    one_pass = radius >= limit
    cat_of = {c: i for i, c in enumerate(categories)}
    g_cat = np.array([cat_of.get(str(c), -1) for c in fac.group_category], dtype=np.int64)
    report(progress, 0.05, "Loopafstanden zoeken")
    # Nearest facility at every node, for the categories that count within a shorter radius.
    field_cats = [i for i in range(len(categories)) if not one_pass[i] and np.any(g_cat == i)]
    field_d: FloatArray | None = None
    field_s: npt.NDArray[np.int32] | None = None
    if field_cats:
        field_d, field_s = walkcore.fields(
            ip,
            ix,
            dt,
            [np.asarray(aug.group_node[g_cat == i], dtype=np.int64) for i in field_cats],
            [float(limit[i]) for i in field_cats],
        )
    field_row = {categories[i]: k for k, i in enumerate(field_cats)}
    # Per facility: its search limit, count radius, whether it competes for "nearest", and the
    # box of its access points (to pick the facilities near a chunk of plots).
    has_cat = g_cat >= 0
    f_lim = np.where(
        has_cat, np.where(one_pass[g_cat], np.maximum(limit[g_cat], radius[g_cat]), radius[g_cat]), 0.0
    )
    f_cnt = np.where(has_cat, radius[g_cat], 0.0)
    f_near = has_cat & one_pass[g_cat]
    box = np.array(
        [
            np.r_[xy.min(axis=0), xy.max(axis=0)] if len(xy) else [np.inf, np.inf, -np.inf, -np.inf]
            for xy in fac.access_xy
        ]
    ).reshape(-1, 4)
    geoms, _usable = _geometries(plots)
    n = len(plots)
    cols = _Columns.empty(n, categories)
    spatial = spatial_xy(graph, aug)
    by_place = _chunk_order(geoms)
    for c0 in range(0, n, _PLOT_CHUNK):  # chunks of plots bound memory at a million plots
        report(progress, 0.1 + 0.9 * c0 / max(n, 1), "Kavels aan het loopnetwerk koppelen")
        members = np.sort(by_place[c0 : c0 + _PLOT_CHUNK])
        chunk = plots if len(members) == n else plots.iloc[members]
        access = plot_access(graph, chunk, snap_limit_m=snap_limit_m)
        ok = access.ok
        pos = members[ok]
        cols.connector[members] = access.connector_m
        cols.ok[members] = ok
        cols.edge_m[pos] = graph.extent.distance_to_edge(geoms[pos])
        ent = entry_nodes(graph, aug, access.entries)
        ok_local = np.flatnonzero(ok)
        pick = np.flatnonzero(has_cat)
        if len(ent.node):
            where = spatial[ent.node]
            lo, hi = where.min(axis=0), where.max(axis=0)
            r = f_lim[pick]
            near = (
                (box[pick, 0] <= hi[0] + r)
                & (box[pick, 2] >= lo[0] - r)
                & (box[pick, 1] <= hi[1] + r)
                & (box[pick, 3] >= lo[1] - r)
            )
            pick = pick[near]
        else:
            pick = pick[:0]
        best_d, best_f, counts = walkcore.plot_pass(
            ip,
            ix,
            dt,
            (ent.node, ent.plot, ent.off),
            len(members),
            (aug.group_node[pick], g_cat[pick], f_lim[pick], f_cnt[pick], f_near[pick]),
            len(categories),
        )
        plot_far = access.connector_m[ok] > uncertain_m
        for i, category in enumerate(categories):
            lim = float(limit[i])
            cols.count[category][members] = counts[:, i]
            if not np.any(g_cat == i) or len(pos) == 0:
                cols.flag[category][pos] = _uncertain(plot_far, cols.edge_m[pos], lim)
                continue
            if category in field_row:
                assert field_d is not None
                assert field_s is not None
                d, src_node = ent.distances(field_d[field_row[category]], field_s[field_row[category]])
                g_near = np.where(src_node >= 0, src_node - g0, -1)
            else:
                d = best_d[ok_local, i]
                g_near = np.r_[pick, -1][best_f[ok_local, i]]  # −1 (none) picks the −1 appended
            hit = d <= lim
            d_ok = np.where(hit, d, np.nan)
            nearest = np.where(hit, g_near, -1)
            far_fac = np.zeros(len(pos), dtype=bool)
            far_fac[hit] = fac.group_connector_m[nearest[hit]] > uncertain_m
            cols.flag[category][pos] = _uncertain(plot_far, cols.edge_m[pos], lim, hit, d_ok, far_fac)
            cols.dist[category][pos] = d_ok
            cols.near[category][pos] = nearest
        del access, ent, chunk  # the chunk's arrays go before the next one is made
        release_free_memory()
    return _finish(out, plots, graph, fac, categories, pace_kmh, progress, cols)


def _uncertain(
    plot_far: npt.NDArray[np.bool_],
    edge_m: npt.NDArray[np.float64],
    limit: float,
    hit: npt.NDArray[np.bool_] | None = None,
    d_ok: npt.NDArray[np.float64] | None = None,
    far_fac: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.bool_]:
    """The uncertainty rule, for both search paths: a long connector at the plot or at the
    nearest facility, or the network's edge nearer than the distance (the limit when unreached)."""
    if hit is None or d_ok is None or far_fac is None:
        return plot_far | (edge_m < limit)
    with np.errstate(invalid="ignore"):
        out: npt.NDArray[np.bool_] = plot_far | far_fac | (edge_m < np.where(hit, d_ok, limit))
    return out


@dataclass
class _Columns:
    """What the chunks of a network run fill in, per plot (and per category)."""

    connector: FloatArray
    ok: BoolArray
    edge_m: FloatArray
    dist: dict[str, npt.NDArray[np.float32]]
    near: dict[str, npt.NDArray[np.int32]]
    count: dict[str, npt.NDArray[np.int32]]
    flag: dict[str, BoolArray]

    @classmethod
    def empty(cls, n: int, categories: list[str]) -> _Columns:
        return cls(
            np.full(n, np.nan),
            np.zeros(n, dtype=bool),
            np.full(n, np.nan),
            {c: np.full(n, np.nan, dtype=np.float32) for c in categories},
            {c: np.full(n, -1, dtype=np.int32) for c in categories},
            {c: np.zeros(n, dtype=np.int32) for c in categories},
            {c: np.zeros(n, dtype=bool) for c in categories},
        )


def _finish(
    out: dict[str, Any],
    plots: gpd.GeoDataFrame,
    graph: WalkGraph,
    fac: _Facilities,
    categories: list[str],
    pace_kmh: float,
    progress: Progress | None,
    cols: _Columns,
) -> pd.DataFrame:
    """The result frame of a network run from its filled columns (both search paths)."""
    ok_all = cols.ok
    uncertain_m = graph.rules.uncertain_connector_m
    out[SNAP_M] = cols.connector
    out[ONTSLOTEN] = ok_all
    out[NETWORK_EDGE_M] = cols.edge_m
    any_uncertain = np.zeros(int(ok_all.sum()), dtype=bool)
    for category in categories:
        _fill_category(
            out,
            category,
            ok_all,
            cols.dist.pop(category)[ok_all],
            cols.near.pop(category)[ok_all],
            fac.group_id,
            cols.count.pop(category)[ok_all],
            pace_kmh,
        )
        flags = cols.flag.pop(category)[ok_all]
        out[uncertain_col(category)] = _flag(ok_all, flags)
        any_uncertain |= flags
    plot_far = cols.connector[ok_all] > uncertain_m
    any_uncertain |= plot_far
    out[DISTANCE_UNCERTAIN] = _flag(ok_all, any_uncertain)
    frame = _frame(out, plots)
    frame.attrs["distance_report"] = {
        "plots": len(plots),
        "plots_not_connected": int((~ok_all).sum()),
        "plots_far_from_network": int(plot_far.sum()),
        "plots_uncertain": int(any_uncertain.sum()),
        "facilities_used": fac.used_rows - len(fac.unreachable),
        "facilities_distinct": int(fac.points.n_groups),
        "facilities_not_connected": len(fac.unreachable),
        "facilities_not_connected_ids": list(fac.unreachable),
        "profile": graph.profile,
    }
    report(progress, 1.0, "Loopafstanden klaar")
    return frame


# ---------------------------------------------------------------------------------------------
# Straight-line distances


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

    Distances run from the plot's outline (0 inside) to the facility's point or, for an area
    facility, its outline; exact. Counts count distinct facilities within the radius of the
    plot geometry (STRtree ``dwithin``, in chunks of plots). ``walk_*_min`` assumes walking in a
    straight line. There is no network, so no uncertainty columns: the whole run is hemelsbreed.
    """
    _check_inputs(plots, facilities, reach, pace_kmh)
    count_radius = count_within or {}
    out = _empty_result(plots, reach, DistanceMethod.HEMELSBREED)
    geoms, usable = _geometries(plots)
    out[SNAP_M] = np.where(usable, 0.0, np.nan)
    out[ONTSLOTEN] = usable
    at = np.flatnonzero(usable)
    pg = geoms[at]
    fgeoms, fusable = _geometries(facilities)
    outline, _entrances = facility_outlines(facilities)
    is_area = np.array([g is not None for g in outline], dtype=bool)
    target = np.where(is_area, outline, fgeoms)
    fac_cat = facilities["category"].astype("string").fillna("").to_numpy(dtype=object)
    distinct = _distinct(facilities)
    n_cat = max(1, len(reach))
    for i, (category, limit) in enumerate(reach.items()):
        report(progress, i / n_cat, f"Afstand hemelsbreed tot {category}")
        radius = float(count_radius.get(category, limit))
        sel = np.flatnonzero(fusable & (fac_cat == category))
        if len(sel) == 0 or len(at) == 0:
            _fill_category(
                out,
                category,
                usable,
                np.full(len(at), np.nan),
                np.full(len(at), -1, dtype=np.int64),
                np.zeros(0, dtype=object),
                np.zeros(len(at), dtype=np.int64),
                pace_kmh,
            )
            continue
        best = np.full(len(at), np.inf)
        best_row = np.full(len(at), -1, dtype=np.int64)
        pts = sel[~is_area[sel]]
        if len(pts):
            xy = shapely.get_coordinates(shapely.point_on_surface(fgeoms[pts]))
            idx, dist = nearest_exact(pg, xy, cKDTree(xy))
            best, best_row = dist, pts[idx]
        areas = sel[is_area[sel]]
        if len(areas):
            pair, dist_a = shapely.STRtree(outline[areas]).query_nearest(
                pg, return_distance=True, all_matches=False
            )
            better = dist_a < best[pair[0]]
            best[pair[0][better]] = dist_a[better]
            best_row[pair[0][better]] = areas[pair[1][better]]
        within = best <= limit
        nearest = np.where(within, best_row, -1)
        tree = shapely.STRtree(target[sel])
        codes, _uniq = pd.factorize(pd.Series(distinct[sel], dtype=object))
        counts = np.zeros(len(at), dtype=np.int64)
        chunk = 50_000
        for start in range(0, len(at), chunk):  # memory bound on the pair list
            g_i, f_i = tree.query(pg[start : start + chunk], predicate="dwithin", distance=radius)
            key = np.unique(g_i.astype(np.int64) * (len(sel) + 1) + codes[f_i])
            counts[start : start + chunk] += np.bincount(
                key // (len(sel) + 1), minlength=len(pg[start : start + chunk])
            )
        _fill_category(
            out, category, usable, np.where(within, best, np.nan), nearest, distinct, counts, pace_kmh
        )
    report(progress, 1.0, "Afstanden hemelsbreed klaar")
    return _frame(out, plots)


# ---------------------------------------------------------------------------------------------
# One plot: its nearest facility's route, and what it reaches


@dataclass(frozen=True)
class NearestPath:
    """The walk from a plot to its nearest facility of a category, for a dossier map.

    ``line`` runs from the plot (where the walk leaves it) over the network to the facility
    (its point, entrance or outline), connectors included; empty when none is in reach.
    """

    facility_id: str | None
    distance_m: float
    line: shapely.LineString


def nearest_path(
    graph: WalkGraph,
    plot_geometry: shapely.Geometry,
    facilities: gpd.GeoDataFrame,
    category: str,
    *,
    limit_m: float = 5000.0,
) -> NearestPath:
    """The walking route from a plot to the nearest facility of ``category`` (for dossiers, not bulk)."""
    none = NearestPath(None, float("nan"), shapely.LineString())
    one = gpd.GeoDataFrame(geometry=[plot_geometry], crs=facilities.crs)
    access = plot_access(graph, one, snap_limit_m=np.inf)
    fac = _cached_facilities(graph, facilities, [category], graph.rules.snap_limit_m, use=True)
    if not access.ok[0] or fac.points.n_groups == 0:
        return none
    aug = augment(graph, fac.points, access.entries, n_plots=1, plot_role="sink")
    sink = int(aug.plot_node[0])
    dist, pred, src = dijkstra(
        aug.csr, directed=True, indices=aug.group_node, min_only=True, limit=limit_m, return_predecessors=True
    )
    total = float(dist[sink])
    if not np.isfinite(total) or total > limit_m:
        return none
    chain = [sink]
    while pred[chain[-1]] >= 0:  # walk the predecessor chain of one path (short)
        chain.append(int(pred[chain[-1]]))
    group = int(src[sink]) - int(aug.group_node[0])
    nodes = chain[1:-1]  # network and virtual nodes, plot end first
    xy_all = spatial_xy(graph, aug)
    coords = [xy_all[k] for k in nodes]
    line = [*_plot_end(graph, access.entries, nodes[0], plot_geometry), *coords]
    # Facility end: the facility side of the access point's connector.
    mine = np.flatnonzero((fac.points.group == group) & (aug.point_node == nodes[-1]))
    if len(mine):
        line.append(fac.facility_xy[mine[np.argmin(fac.points.connector_m[mine])]])
    return NearestPath(str(fac.group_id[group]), total, shapely.LineString(_dedupe_coords(line)))


def _plot_end(
    graph: WalkGraph, entries: PlotEntries, first: int, plot_geometry: shapely.Geometry
) -> list[FloatArray]:
    """Where the walk leaves the plot and reaches the network, for the entry through ``first``."""
    e = entries.edge
    length = graph.edges.length_m[e]
    via_u = graph.edges.u[e] == first
    via_v = graph.edges.v[e] == first
    off = np.where(via_u, entries.t_lo * length, np.where(via_v, (1 - entries.t_hi) * length, np.inf))
    off = off + entries.connector_m
    if not np.isfinite(off).any():  # reached through an access point on the plot's own edge
        target = shapely.points(graph.node_xy[first] if first < graph.n_nodes else np.zeros(2))
        return [shapely.get_coordinates(shapely.shortest_line(plot_geometry, target))[0]]
    k = int(np.argmin(off))
    t = entries.t_lo[k] if via_u[k] else entries.t_hi[k]
    net = edge_point(graph.edges, e[k : k + 1], np.array([t]))[0]
    if entries.from_outline[k]:
        return [net]
    plot_xy = shapely.get_coordinates(shapely.shortest_line(plot_geometry, shapely.points(net)))[0]
    return [plot_xy, net]


def _dedupe_coords(coords: list[FloatArray]) -> FloatArray:
    arr = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    keep = np.r_[True, np.any(np.abs(np.diff(arr, axis=0)) > 1e-9, axis=1)]
    out = arr[keep]
    return out if len(out) >= 2 else np.vstack([out, out])


def reach_lines(
    graph: WalkGraph,
    plot_geometry: shapely.Geometry,
    distances_m: tuple[float, ...] = (400.0, 800.0),
) -> gpd.GeoDataFrame:
    """The network reachable from a plot within each distance, as MultiLineStrings for the map.

    The walk starts at every entry point of the plot (as the distances do). An edge counts when
    both ends are within the distance; edges are not cut. One row per distance, column
    ``distance_m``, EPSG:28992.
    """
    one = gpd.GeoDataFrame(geometry=[plot_geometry], crs="EPSG:28992")
    access = plot_access(graph, one, snap_limit_m=np.inf)
    rows: list[shapely.Geometry] = []
    if not access.ok[0]:
        rows = [shapely.MultiLineString([]) for _ in distances_m]
    else:
        aug = augment(graph, None, access.entries, n_plots=1, plot_role="source")
        far = max(distances_m)
        dist = dijkstra(aug.csr, directed=True, indices=int(aug.plot_node[0]), limit=far)[: graph.n_nodes]
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
