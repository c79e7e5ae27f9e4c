"""Province-scale runs: the walking distances of a region, one tile at a time, in parallel processes.

A region (several gemeenten, a province) is too large for one walking graph in memory. The plots
are split into tiles (one per gemeente outline, or per square of a grid); each tile builds the
graph of the ways within a buffer of its plots and runs the ordinary
:func:`~plotscore.distance.network_distances` on its plots. The buffer is the largest distance
that can matter (reach, connectors, snap limits), so every plot's numbers equal an untiled run:

* a walk of length ≤ reach never leaves the disc of that radius around its plot, and every way
  that meets the disc is in the tile (whole ways, as the untiled run clips them);
* the region's largest connected part is found once (:func:`prepare_region`), and the tiles use
  only its ways but keep every part of them: a piece cut off inside a tile is joined to the rest
  outside it, as it is in the untiled graph;
* "distance to the cut edge of the network" reads the region's extent, not the tile's buffer.

:func:`run_tile` is a plain top-level function on picklable :class:`TileJob` values, so the same
tile function runs in a local process pool (:func:`tiled_network_distances`) or on Dask or Ray
workers (bench/README.md). Memory: the parent holds the inputs, the region's network extent and
the stitched result columns; each worker one tile's graph at a time.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import multiprocessing
import os
import resource
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from plotscore._memory import release_free_memory
from plotscore.columns import ONTSLOTEN
from plotscore.distance import _CONNECTOR_CAP_M, network_distances
from plotscore.errors import ScoringError
from plotscore.facilities import facility_access
from plotscore.network import (
    NetworkExtent,
    NetworkReport,
    WalkRules,
    build_walk_graph,
    check_rd_new,
    load_walk_rules,
    topology_extent,
    walk_topology,
)
from plotscore.population import PopulationPoints, older_within_reach, unreached_note
from plotscore.progress import Progress, report

__all__ = [
    "RegionNetwork",
    "TileJob",
    "TilePlan",
    "TileResult",
    "TiledDistances",
    "grid_tiles",
    "outline_tiles",
    "prepare_region",
    "run_tile",
    "stitch_tiles",
    "tile_jobs",
    "tiled_network_distances",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Extra metres on every buffer: over-including ways or facilities changes no number.
_MARGIN_M = 10.0


# ---------------------------------------------------------------------------------------------
# Which plot goes to which tile


@dataclass(frozen=True)
class TilePlan:
    """Each plot's tile: ``tile_of[i]`` indexes ``keys`` (plots by position, not label).

    ``kind``: "gemeente" (outlines) or "grid"; ``names``: a readable name per tile.
    """

    kind: str
    keys: tuple[str, ...]
    names: tuple[str, ...]
    tile_of: IntArray

    def members(self) -> Iterator[tuple[int, IntArray]]:
        """(tile index, plot positions) for every tile that has plots, largest first."""
        order = np.argsort(self.tile_of, kind="stable")
        sorted_tiles = self.tile_of[order]
        starts = np.flatnonzero(np.r_[True, sorted_tiles[1:] != sorted_tiles[:-1]]) if len(order) else ()
        bounds = [*(int(a) for a in starts), len(order)]
        groups = [(int(sorted_tiles[a]), order[a:b]) for a, b in itertools.pairwise(bounds)]
        # Largest first: the longest jobs start early, so the pool does not end on one big tile.
        groups.sort(key=lambda g: -len(g[1]))
        yield from groups


def _anchor_xy(plots: gpd.GeoDataFrame) -> tuple[FloatArray, BoolArray]:
    """One point per plot that lies in it, and which plots have no geometry (point: the first
    plot's that has one, so they join a tile with ways; they get no distances anyway)."""
    geoms = plots.geometry.to_numpy()
    bad = np.asarray(shapely.is_missing(geoms) | shapely.is_empty(geoms), dtype=bool)
    xy = np.zeros((len(geoms), 2))
    if (~bad).any():
        xy[~bad] = shapely.get_coordinates(shapely.point_on_surface(geoms[~bad]))
        xy[bad] = xy[int(np.argmin(bad))]
    return xy, bad


def grid_tiles(plots: gpd.GeoDataFrame, size_m: float) -> TilePlan:
    """Square tiles of ``size_m`` (RD, aligned to multiples of the size) holding each plot's inner point."""
    check_rd_new(plots, "De kavellaag")
    if not (np.isfinite(size_m) and size_m > 0):
        raise ScoringError(
            f"Ongeldige tegelgrootte {size_m} m.", hint="Geef een tegelgrootte in meters, bijv. grid:10000."
        )
    cell = np.floor(_anchor_xy(plots)[0] / size_m).astype(np.int64)
    uniq, tile_of = np.unique(cell, axis=0, return_inverse=True)
    keys = tuple(f"{int(i * size_m)}_{int(j * size_m)}" for i, j in uniq)
    names = tuple(f"tegel x {int(i * size_m / 1000)} km, y {int(j * size_m / 1000)} km" for i, j in uniq)
    return TilePlan("grid", keys, names, np.asarray(tile_of, dtype=np.int64).ravel())


def outline_tiles(
    plots: gpd.GeoDataFrame, outlines: gpd.GeoDataFrame, *, key: str, name: str | None = None
) -> TilePlan:
    """One tile per outline (a gemeente) holding each plot's inner point; plots outside every
    outline go to the nearest one (a plot on the coast or across a border is never dropped)."""
    check_rd_new(plots, "De kavellaag")
    check_rd_new(outlines, "De gemeentegrenzen")
    if key not in outlines.columns:
        raise ScoringError(
            f"De gemeentegrenzen missen de kolom '{key}'.",
            hint="Gebruik de CBS-gemeentegrenzen (kolom gemeentecode) of tegels: --tiles grid:10000.",
        )
    shapes = outlines.geometry.to_numpy()
    usable = np.flatnonzero(~(shapely.is_missing(shapes) | shapely.is_empty(shapes)))
    if len(usable) == 0:
        raise ScoringError("De gemeentegrenzen hebben geen vlakken.", hint="Kies een ander bestand.")
    tree = shapely.STRtree(shapes[usable])
    points = shapely.points(_anchor_xy(plots)[0])
    pt, poly = tree.query(points, predicate="within")
    tile_row = np.full(len(plots), -1, dtype=np.int64)
    # A point on a shared border lies in two outlines: the first (lowest row) wins, as in a join.
    order = np.lexsort((poly, pt))
    first = np.r_[True, pt[order][1:] != pt[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
    tile_row[pt[order][first]] = usable[poly[order][first]]
    outside = np.flatnonzero(tile_row < 0)
    if len(outside):
        near = tree.nearest(points[outside])
        tile_row[outside] = usable[near]
    codes = outlines[key].astype("string").fillna("?").to_numpy(dtype=object)
    labels = outlines[name].astype("string").fillna("").to_numpy(dtype=object) if name else codes
    rows, tile_of = np.unique(tile_row, return_inverse=True)
    return TilePlan(
        "gemeente",
        tuple(str(codes[r]) for r in rows),
        tuple(str(labels[r]) or str(codes[r]) for r in rows),
        np.asarray(tile_of, dtype=np.int64).ravel(),
    )


# ---------------------------------------------------------------------------------------------
# The region: its largest connected part and its extent, once


@dataclass(frozen=True)
class RegionNetwork:
    """The region's ways that belong to its walking graph's largest part, and that graph's extent.

    ``report`` is the region graph's report (the same text as an untiled run's), and so is
    ``older_note`` (see :func:`prepare_region`).
    """

    ways: gpd.GeoDataFrame
    extent: NetworkExtent
    report: NetworkReport
    rules: WalkRules
    older_note: str = ""


def prepare_region(
    network_source: gpd.GeoDataFrame,
    *,
    profile: str,
    population: PopulationPoints | None = None,
    snap_limit_m: float = 250.0,
    progress: Progress | None = None,
) -> RegionNetwork:
    """The region's largest connected part and its extent, from the topology alone (no graph).

    This is the one step whose memory grows with the region: nodes, edges and connected parts
    (:func:`~plotscore.network.walk_topology`), no CSR, no edge index, no search. The ways kept
    are the walkable ways of the largest part; the tiles build from them. With ``population``:
    the note on residents too far from the network to count for any plot, as an untiled run
    says it.
    """
    rules = load_walk_rules(profile)
    top = walk_topology(network_source, rules=rules, progress=progress)
    extent = topology_extent(top, rules)
    older_note = ""
    if population is not None and not population.points.empty:
        older_note = unreached_note(top.node_xy[top.labels == top.biggest], population, snap_limit_m)
    region = RegionNetwork(
        ways=top.ways.loc[top.way_label == top.biggest],
        extent=extent,
        report=top.report,
        rules=rules,
        older_note=older_note,
    )
    del top
    release_free_memory()
    return region


# ---------------------------------------------------------------------------------------------
# One tile


@dataclass(frozen=True)
class TileJob:
    """Everything one tile needs, picklable (frames, arrays, numbers; no graph).

    ``plots`` is indexed by the plots' positions in the whole run (the stitch puts them back).
    """

    key: str
    name: str
    plots: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    ways: gpd.GeoDataFrame
    extent: NetworkExtent
    profile: str
    reach: Mapping[str, float]
    count_within: Mapping[str, float]
    pace_kmh: float
    snap_limit_m: float
    population: gpd.GeoDataFrame | None = None
    radii_m: tuple[float, ...] = ()


@dataclass(frozen=True)
class TileResult:
    """One tile's columns (indexed by plot position) and what it cost."""

    key: str
    name: str
    distances: pd.DataFrame
    older: pd.DataFrame | None
    stats: dict[str, Any] = field(default_factory=dict)


def _peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program (MB).

    Linux: ``VmHWM``, which starts afresh at exec; ``ru_maxrss`` would carry the parent's size
    from before a spawned worker's exec. Elsewhere ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux/BSD: KiB


def _unreached_facilities(job: TileJob) -> list[str]:
    """Ids of the job's facilities (in the reach's categories) that no way reaches within the
    snap limit, as :func:`~plotscore.distance.network_distances` decides it."""
    fac = job.facilities
    cat = fac["category"].astype("string").fillna("").to_numpy(dtype=object)
    geoms = fac.geometry.to_numpy()
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    used = np.flatnonzero(usable & np.isin(cat, list(job.reach)))
    ids = fac["facility_id"].astype("string").to_numpy(dtype=object, na_value=None)
    reached = np.zeros(len(fac), dtype=bool)
    if len(job.ways) and len(used):
        graph = build_walk_graph(job.ways, profile=job.profile, largest_only=False)
        access = facility_access(graph.edges, fac.iloc[used], join_m=graph.rules.join_tolerance_m)
        reached[used[access.row[access.connector_m <= job.snap_limit_m]]] = True
    return [str(ids[i]) for i in used if not reached[i]]


def run_tile(job: TileJob) -> TileResult:
    """The walking distances (and older residents within reach) of one tile's plots.

    A top-level function of picklable values: it runs in a process pool, or on a Dask or Ray
    worker, unchanged. A job without plots only checks which of its facilities the network
    reaches (facilities far from every plot, for the run's notes).
    """
    t0 = time.perf_counter()
    if len(job.plots) == 0:
        unreached = _unreached_facilities(job)
        took = time.perf_counter() - t0
        stats: dict[str, Any] = {"tile": job.key, "name": job.name, "plots": 0, "ways": len(job.ways)}
        stats |= {"facilities": len(job.facilities), "nodes": 0, "graph_s": took, "distances_s": 0.0}
        stats |= {"older_s": 0.0, "total_s": took, "pid": os.getpid(), "worker_peak_rss_mb": _peak_rss_mb()}
        stats["unreachable"] = unreached
        return TileResult(job.key, job.name, pd.DataFrame(), None, stats)
    graph = build_walk_graph(job.ways, profile=job.profile, largest_only=False, region_extent=job.extent)
    t1 = time.perf_counter()
    distances = network_distances(
        graph,
        job.plots,
        job.facilities,
        job.reach,
        count_within=job.count_within,
        pace_kmh=job.pace_kmh,
        snap_limit_m=job.snap_limit_m,
    )
    t2 = time.perf_counter()
    older = None
    if job.population is not None and job.radii_m:
        points = PopulationPoints(points=job.population, areas=pd.DataFrame(), level=None)
        older = older_within_reach(
            job.plots,
            points,
            graph=graph,
            radii_m=job.radii_m,
            snap_limit_m=job.snap_limit_m,
            ontsloten=distances[ONTSLOTEN].to_numpy(dtype=bool),
        )
        older.attrs.clear()  # its note counts the tile's residents; the region's note is the caller's
    t3 = time.perf_counter()
    stats = {
        "tile": job.key,
        "name": job.name,
        "plots": len(job.plots),
        "ways": len(job.ways),
        "facilities": len(job.facilities),
        "nodes": graph.n_nodes,
        "graph_s": t1 - t0,
        "distances_s": t2 - t1,
        "older_s": t3 - t2,
        "total_s": t3 - t0,
        "pid": os.getpid(),
        "worker_peak_rss_mb": _peak_rss_mb(),
        "unreachable": list(
            distances.attrs.get("distance_report", {}).get("facilities_not_connected_ids", [])
        ),
    }
    del graph
    release_free_memory()
    return TileResult(job.key, job.name, distances, older, stats)


# ---------------------------------------------------------------------------------------------
# All tiles


def _grow(box: FloatArray, by: float) -> FloatArray:
    return np.asarray([box[0] - by, box[1] - by, box[2] + by, box[3] + by], dtype=np.float64)


def _facility_bounds(facilities: gpd.GeoDataFrame) -> FloatArray:
    """Each facility's bounds, over its area outline when it has one (access points lie on it)."""
    bounds = np.nan_to_num(shapely.bounds(facilities.geometry.to_numpy()), nan=np.inf)
    if "outline_wkt" in facilities.columns:
        wkt = facilities["outline_wkt"].astype("string")
        has = np.flatnonzero(wkt.notna().to_numpy(dtype=bool))
        if len(has):
            outline = shapely.from_wkt(wkt.iloc[has].to_numpy(dtype=object), on_invalid="ignore")
            ob = shapely.bounds(outline)
            ok = np.isfinite(ob).all(axis=1)
            bounds[has[ok]] = np.column_stack(
                [
                    np.minimum(bounds[has[ok], :2], ob[ok, :2]),
                    np.maximum(bounds[has[ok], 2:], ob[ok, 2:]),
                ]
            )
    return np.asarray(bounds, dtype=np.float64)


def _in_box(bounds: FloatArray, box: FloatArray) -> BoolArray:
    return np.asarray(
        (bounds[:, 0] <= box[2])
        & (bounds[:, 2] >= box[0])
        & (bounds[:, 1] <= box[3])
        & (bounds[:, 3] >= box[1]),
        dtype=bool,
    )


def tile_jobs(
    plan: TilePlan,
    plots: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    region: RegionNetwork,
    reach: Mapping[str, float],
    *,
    count_within: Mapping[str, float] | None = None,
    pace_kmh: float = 3.0,
    snap_limit_m: float = 250.0,
    population: gpd.GeoDataFrame | None = None,
    radii_m: Sequence[float] = (),
) -> Iterator[TileJob]:
    """The jobs of ``plan``, made one at a time (a job holds copies of its tile's inputs).

    Buffers: facilities within the largest reach of the tile's plots (their outlines counted),
    residents within the largest radius, and the ways within reach of all of them: the plots'
    connectors (measured up to ``_CONNECTOR_CAP_M``), the facilities' and residents' snaps.
    """
    rules = region.rules
    reach_max = max(reach.values(), default=0.0)
    radius_max = max(radii_m, default=0.0)
    join = rules.join_tolerance_m
    snap = max(snap_limit_m, 0.0) if np.isfinite(snap_limit_m) else _CONNECTOR_CAP_M
    cap = max(_CONNECTOR_CAP_M, 4.0 * snap)
    plot_bounds = np.nan_to_num(shapely.bounds(plots.geometry.to_numpy()), nan=np.inf)
    fac_bounds = _facility_bounds(facilities)
    way_bounds = shapely.bounds(region.ways.geometry.to_numpy())
    pop_xy = (
        shapely.get_coordinates(population.geometry.to_numpy())
        if population is not None
        else np.zeros((0, 2))
    )
    covered = np.zeros(len(facilities), dtype=bool)
    for t, members in plan.members():
        pb = plot_bounds[members]
        finite = np.isfinite(pb).all(axis=1)
        if not finite.any():
            box = np.zeros(4)  # only plots without geometry: nothing is near them
        else:
            box = np.asarray([*pb[finite, :2].min(axis=0), *pb[finite, 2:].max(axis=0)], dtype=np.float64)
        fac_sel = np.flatnonzero(_in_box(fac_bounds, _grow(box, reach_max + _MARGIN_M)))
        covered[fac_sel] = True
        need = [_grow(box, max(cap + join, reach_max) + _MARGIN_M)]
        if len(fac_sel):
            fb = fac_bounds[fac_sel]
            need.append(_grow(np.r_[fb[:, :2].min(axis=0), fb[:, 2:].max(axis=0)], snap + join + _MARGIN_M))
        pop_frame = None
        if population is not None and radius_max > 0:
            pbox = _grow(box, radius_max + _MARGIN_M)
            pin = np.flatnonzero(
                (pop_xy[:, 0] >= pbox[0])
                & (pop_xy[:, 0] <= pbox[2])
                & (pop_xy[:, 1] >= pbox[1])
                & (pop_xy[:, 1] <= pbox[3])
            )
            pop_frame = population.iloc[pin]
            need.append(_grow(pbox, snap + join + _MARGIN_M))
        way_box = np.r_[np.min([b[:2] for b in need], axis=0), np.max([b[2:] for b in need], axis=0)]
        ways = region.ways.iloc[np.flatnonzero(_in_box(way_bounds, way_box))]
        if len(ways) == 0:
            raise ScoringError(
                f"Tegel {plan.names[t]} heeft geen looppaden binnen {reach_max:.0f} m van zijn kavels.",
                hint="Kies grotere tegels (bijv. --tiles grid:20000) of scoor zonder tegels.",
            )
        tile_plots = plots.iloc[members].set_axis(pd.Index(members, name="_position"), axis=0)
        yield TileJob(
            key=plan.keys[t],
            name=plan.names[t],
            plots=tile_plots,
            facilities=facilities.iloc[fac_sel],
            ways=ways,
            extent=region.extent.crop(box[:2] - rules.extent_cell_m, box[2:] + rules.extent_cell_m),
            profile=rules.profile,
            reach=dict(reach),
            count_within=dict(count_within or {}),
            pace_kmh=pace_kmh,
            snap_limit_m=snap_limit_m,
            population=pop_frame,
            radii_m=tuple(float(r) for r in radii_m),
        )
    rest = np.flatnonzero(~covered)
    yield from _facility_jobs(rest, facilities, fac_bounds, region, way_bounds, reach, snap_limit_m)


#: Side (m) of the squares that group facilities far from every plot for their network check.
_FACILITY_CELL_M = 10_000.0


def _facility_jobs(
    rest: IntArray,
    facilities: gpd.GeoDataFrame,
    fac_bounds: FloatArray,
    region: RegionNetwork,
    way_bounds: FloatArray,
    reach: Mapping[str, float],
    snap_limit_m: float,
) -> Iterator[TileJob]:
    """Jobs without plots for the facilities no plot tile holds: does the network reach them?

    An untiled run names every facility of the layer that no way reaches; these are checked
    with the ways within the snap limit of them, in squares of ``_FACILITY_CELL_M``.
    """
    finite = rest[np.isfinite(fac_bounds[rest]).all(axis=1)]
    if len(finite) == 0:
        return
    cell = np.floor(fac_bounds[finite, :2] / _FACILITY_CELL_M).astype(np.int64)
    uniq, which = np.unique(cell, axis=0, return_inverse=True)
    which = np.asarray(which).ravel()
    snap = snap_limit_m if np.isfinite(snap_limit_m) else _CONNECTOR_CAP_M
    for k, (i, j) in enumerate(uniq):
        sel = finite[which == k]
        fb = fac_bounds[sel]
        corner = np.r_[fb[:, :2].min(axis=0), fb[:, 2:].max(axis=0)]
        box = _grow(corner, snap + region.rules.join_tolerance_m + _MARGIN_M)
        km = (int(i * _FACILITY_CELL_M / 1000), int(j * _FACILITY_CELL_M / 1000))
        yield TileJob(
            key=f"voorzieningen_{km[0]}_{km[1]}",
            name=f"voorzieningen bij x {km[0]} km, y {km[1]} km",
            plots=gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=facilities.crs)),
            facilities=facilities.iloc[sel],
            ways=region.ways.iloc[np.flatnonzero(_in_box(way_bounds, box))],
            extent=region.extent.crop(box[:2], box[2:]),
            profile=region.rules.profile,
            reach=dict(reach),
            count_within={},
            pace_kmh=3.0,
            snap_limit_m=snap_limit_m,
        )


@dataclass(frozen=True)
class TiledDistances:
    """The stitched result: columns indexed like the plots, and what each tile cost."""

    distances: pd.DataFrame
    older: pd.DataFrame | None
    tiles: list[dict[str, Any]]
    wall_s: float
    workers: int
    children_peak_rss_mb: float


def _stitch(frames: list[pd.DataFrame], plots: gpd.GeoDataFrame) -> pd.DataFrame:
    """Tile frames (indexed by position) → one frame in the plots' order and index."""
    out = pd.concat(frames, axis=0).sort_index(kind="stable")
    if len(out) != len(plots) or not np.array_equal(out.index.to_numpy(), np.arange(len(plots))):
        raise ScoringError(  # a plan that loses or repeats a plot is a bug, never a silent gap
            "Tegels dekken de kavels niet precies één keer.", hint="Meld dit aan de ontwikkelaars."
        )
    for col in out.columns:
        if out[col].dtype == object and isinstance(frames[0][col].dtype, pd.CategoricalDtype):
            # Tiles name different facilities: one category list, sorted, as an untiled run has.
            values = out[col].astype(object)
            names = sorted({str(v) for v in values.dropna()})
            out[col] = pd.Categorical(
                values.where(values.notna(), None), categories=pd.Index(names, dtype=object)
            )
    out.index = plots.index
    return out


def _merge_reports(
    results: list[TileResult], plots: gpd.GeoDataFrame, region: RegionNetwork, facilities: gpd.GeoDataFrame
) -> dict[str, Any]:
    parts = [r.distances.attrs.get("distance_report", {}) for r in results]
    gone = {i for r in results for i in r.stats.get("unreachable", [])}
    ids = facilities["facility_id"].astype("string").to_numpy(dtype=object, na_value=None)
    unreachable = [str(i) for i in ids if i is not None and str(i) in gone]
    return {
        "plots": len(plots),
        "plots_not_connected": sum(int(p.get("plots_not_connected", 0)) for p in parts),
        "plots_far_from_network": sum(int(p.get("plots_far_from_network", 0)) for p in parts),
        "plots_uncertain": sum(int(p.get("plots_uncertain", 0)) for p in parts),
        "facilities_not_connected": len(unreachable),
        "facilities_not_connected_ids": unreachable,
        "profile": region.rules.profile,
        "tiles": len(results),
    }


def stitch_tiles(
    results: Sequence[TileResult],
    plots: gpd.GeoDataFrame,
    region: RegionNetwork,
    facilities: gpd.GeoDataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The tiles' results as one distances frame (and one older-residents frame), like the plots.

    For any executor: the results of :func:`run_tile` on every job of :func:`tile_jobs`, in any
    order. The report (the facilities no way reaches, in the layer's order) and the residents'
    note are the region's, as an untiled run has them.
    """
    listed = [r for r in results if r.stats.get("plots", 0) > 0]
    distances = _stitch([r.distances for r in listed], plots)
    distances.attrs["distance_report"] = _merge_reports(list(results), plots, region, facilities)
    older = None
    if listed and all(r.older is not None for r in listed):
        older = _stitch([r.older for r in listed if r.older is not None], plots)
        older.attrs["note"] = region.older_note
    return distances, older


def tiled_network_distances(
    plan: TilePlan,
    plots: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    region: RegionNetwork,
    reach: Mapping[str, float],
    *,
    count_within: Mapping[str, float] | None = None,
    pace_kmh: float = 3.0,
    snap_limit_m: float = 250.0,
    population: gpd.GeoDataFrame | None = None,
    radii_m: Sequence[float] = (),
    workers: int = 1,
    progress: Progress | None = None,
) -> TiledDistances:
    """:func:`~plotscore.distance.network_distances` (and older residents within reach) per tile.

    ``workers`` > 1 runs tiles in that many spawned processes (spawn: safe under Qt and on
    every OS); at most two jobs per worker are waiting at once, so the parent never holds every
    tile's copies. ``workers`` ≤ 1 runs them here, one after another. Same numbers either way.
    """
    t0 = time.perf_counter()
    jobs = tile_jobs(
        plan,
        plots,
        facilities,
        region,
        reach,
        count_within=count_within,
        pace_kmh=pace_kmh,
        snap_limit_m=snap_limit_m,
        population=population,
        radii_m=radii_m,
    )
    n_tiles = len(plan.keys)
    results: list[TileResult] = []

    def done(r: TileResult) -> None:
        results.append(r)
        report(
            progress, len(results) / max(n_tiles, 1), f"Tegel {len(results)} van {n_tiles} klaar ({r.name})"
        )

    report(progress, 0.0, f"{n_tiles} {'tegel' if n_tiles == 1 else 'tegels'}")
    if workers <= 1:
        for job in jobs:
            done(run_tile(job))
    else:
        ctx = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            pending: set[cf.Future[TileResult]] = set()
            for job in jobs:
                pending.add(pool.submit(run_tile, job))
                del job
                if len(pending) >= 2 * workers:  # bounded queue: the parent's copies stay few
                    finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                    for f in finished:
                        done(f.result())
            for f in cf.as_completed(pending):
                done(f.result())
    distances, older = stitch_tiles(results, plots, region, facilities)
    # The largest worker's peak (VmHWM, see _peak_rss_mb); 0 when the tiles ran in this process.
    children = (
        max((float(r.stats["worker_peak_rss_mb"]) for r in results), default=0.0) if workers > 1 else 0.0
    )
    return TiledDistances(
        distances=distances,
        older=older,
        tiles=[{k: v for k, v in r.stats.items() if k != "unreachable"} for r in results],
        wall_s=time.perf_counter() - t0,
        workers=max(1, workers),
        children_peak_rss_mb=children,
    )
