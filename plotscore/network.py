"""The walking network: which OSM ways a pedestrian profile may use, built once into a CSR graph.

Topology comes from OSM node ids (ways connect only where they share a node, so a bridge over
a street does not connect to it); every vertex is a node and every segment an edge with its
Euclidean length in metres. Only the largest connected part is kept, and what was cut off is
reported, because an isolated fragment would give plots on it meaningless distances.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy import ndimage, sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import ConvexHull, QhullError, cKDTree

from plotscore import walkcore
from plotscore._memory import release_free_memory
from plotscore.errors import CRSMismatchError, NetworkError, ProfileError
from plotscore.progress import Progress, report
from resources import resource

__all__ = [
    "EXCLUSION_REASONS",
    "EdgeIndex",
    "NetworkExtent",
    "NetworkReport",
    "WalkGraph",
    "WalkRules",
    "WalkTopology",
    "build_walk_graph",
    "check_rd_new",
    "edge_index_of",
    "extent_of_segments",
    "load_walk_rules",
    "topology_extent",
    "walk_graph_stats",
    "walk_topology",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Coordinate-based node identity (ways without usable node ids) rounds to this, in metres.
COORD_PRECISION_M = 0.01

#: Exclusion reasons, in the order they are tested, with their Dutch labels for a report.
EXCLUSION_REASONS: dict[str, str] = {
    "geometry": "geen bruikbare lijngeometrie",
    "highway_never": "nooit beloopbaar (snelweg, in aanbouw, opgeheven)",
    "foot_forbidden": "voetgangers verboden (foot=no/use_sidepath)",
    "profile": "niet geschikt voor dit profiel (bijv. trappen)",
    "highway_not_walkable": "wegtype niet beloopbaar",
    "access_forbidden": "geen toegang (access=private/no)",
}

_LIST_KEYS = (
    "walkable_highway",
    "foot_only_highway",
    "never_highway",
    "foot_allowed",
    "foot_forbidden",
    "access_forbidden",
    "exclude_highway",
)
_NUMBER_KEYS = (
    "pace_kmh",
    "snap_limit_m",
    "join_tolerance_m",
    "uncertain_connector_m",
    "extent_cell_m",
    "extent_gap_m",
)
_KNOWN_KEYS = frozenset({*_LIST_KEYS, *_NUMBER_KEYS, "label"})


@dataclass(frozen=True, slots=True)
class WalkRules:
    """One walking profile from ``resources/network/walking.toml`` (see the comments there)."""

    profile: str
    label: str
    pace_kmh: float
    snap_limit_m: float
    join_tolerance_m: float
    uncertain_connector_m: float
    extent_cell_m: float
    extent_gap_m: float
    walkable_highway: frozenset[str]
    foot_only_highway: frozenset[str]
    never_highway: frozenset[str]
    foot_allowed: frozenset[str]
    foot_forbidden: frozenset[str]
    access_forbidden: frozenset[str]
    exclude_highway: frozenset[str]

    @property
    def pace_m_per_min(self) -> float:
        """Walking pace in metres per minute."""
        return self.pace_kmh * 1000.0 / 60.0


def _profile_error(message: str) -> ProfileError:
    return ProfileError(
        message,
        hint="Controleer resources/network/walking.toml (zie de toelichting bovenin dat bestand).",
        source="walking.toml",
    )


def _as_str_set(key: str, value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _profile_error(f"'{key}' moet een lijst met teksten zijn.")
    return frozenset(v.strip().lower() for v in value)


def _as_positive(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _profile_error(f"'{key}' moet een getal groter dan 0 zijn, niet {value!r}.")
    return float(value)


def load_walk_rules(profile: str | None = "senior", *, text: str | None = None) -> WalkRules:
    """Read and validate a walking profile; ``profile=None`` takes the file's default.

    ``text`` replaces the bundled file (for tests and user-edited copies). Profile tables
    override the ``[defaults]`` table key by key.
    """
    if text is None:
        text = resource("network", "walking.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _profile_error(f"walking.toml is geen geldige TOML: {exc}") from exc
    if data.get("schema_version") != 1:
        raise _profile_error(f"Onbekende schema_version {data.get('schema_version')!r} (verwacht 1).")
    profiles = data.get("profiles")
    defaults = data.get("defaults", {})
    if not isinstance(profiles, dict) or not isinstance(defaults, dict):
        raise _profile_error("walking.toml mist de tabellen [defaults] en [profiles.*].")
    name = profile if profile is not None else str(data.get("default_profile", "senior"))
    if name not in profiles or not isinstance(profiles[name], dict):
        known = ", ".join(sorted(profiles))
        raise _profile_error(f"Onbekend loopprofiel '{name}' (bekend: {known}).")
    merged: dict[str, Any] = {"exclude_highway": [], **defaults, **profiles[name]}
    unknown = sorted(set(merged) - _KNOWN_KEYS)
    if unknown:
        raise _profile_error(f"Onbekende velden in loopprofiel '{name}': {', '.join(unknown)}.")
    missing = sorted(k for k in (*_LIST_KEYS, *_NUMBER_KEYS) if k not in merged)
    if missing:
        raise _profile_error(f"Loopprofiel '{name}' mist: {', '.join(missing)}.")
    sets = {k: _as_str_set(k, merged[k]) for k in _LIST_KEYS}
    return WalkRules(
        profile=name,
        label=str(merged.get("label", name)),
        pace_kmh=_as_positive("pace_kmh", merged["pace_kmh"]),
        snap_limit_m=_as_positive("snap_limit_m", merged["snap_limit_m"]),
        join_tolerance_m=_as_positive("join_tolerance_m", merged["join_tolerance_m"]),
        uncertain_connector_m=_as_positive("uncertain_connector_m", merged["uncertain_connector_m"]),
        extent_cell_m=_as_positive("extent_cell_m", merged["extent_cell_m"]),
        extent_gap_m=_as_positive("extent_gap_m", merged["extent_gap_m"]),
        **sets,
    )


@dataclass(frozen=True, slots=True)
class NetworkReport:
    """What went into the graph and what was left out, for the user and the dossier."""

    ways_in: int
    ways_used: int
    ways_excluded: dict[str, int]
    ways_coordinate_topology: int  # ways joined by coordinates because node_ids were unusable
    nodes: int
    edges: int
    components: int  # connected parts before the cut
    nodes_cut_off: int
    length_cut_off_m: float
    length_m: float  # total edge length kept
    share_kept: float  # kept length / walkable length (0–1)

    def summary_nl(self) -> str:
        """One Dutch paragraph for a log panel."""
        excluded = ", ".join(f"{n} {EXCLUSION_REASONS.get(k, k)}" for k, n in self.ways_excluded.items() if n)
        return (
            f"Loopnetwerk: {self.ways_used} van {self.ways_in} wegen gebruikt"
            f"{f' (uitgesloten: {excluded})' if excluded else ''}; {self.nodes} knopen, "
            f"{self.edges} verbindingen, {self.length_m / 1000:.1f} km. Van {self.components} "
            f"losse delen is het grootste behouden; afgesneden: {self.nodes_cut_off} knopen, "
            f"{self.length_cut_off_m:.0f} m ({(1 - self.share_kept) * 100:.1f}% van de lengte)."
        )


@dataclass(frozen=True, eq=False)
class WalkGraph:
    """The walking graph: symmetric CSR of edge lengths (m) over nodes with RD coordinates.

    ``osm_node_ids[i]`` is the OSM id of node ``i`` (−1 for a coordinate-only node), or None
    when no way had usable node ids. Arrays are read-only.
    """

    csr: sparse.csr_array
    node_xy: FloatArray
    osm_node_ids: IntArray | None
    profile: str
    report: NetworkReport
    rules: WalkRules = field(repr=False)
    #: The extent of a larger network this graph is a tile of (see :mod:`plotscore.tiles`): a
    #: tile's own ways stop at its buffer, which is no edge of the data.
    region_extent: NetworkExtent | None = field(default=None, repr=False)

    @property
    def n_nodes(self) -> int:
        return int(self.node_xy.shape[0])

    @functools.cached_property
    def node_tree(self) -> cKDTree:
        """A k-d tree on the node coordinates (built once, on first use)."""
        return cKDTree(self.node_xy)

    @functools.cached_property
    def edges(self) -> EdgeIndex:
        """Every edge once as a straight segment, with a spatial index (built once, on first use)."""
        return _edge_index(self.csr, self.node_xy)

    @functools.cached_property
    def extent(self) -> NetworkExtent:
        """Where the network's data is, and how far each place is from its cut edge (built once)."""
        if self.region_extent is not None:
            return self.region_extent
        return _network_extent(self.edges, self.rules.extent_cell_m, self.rules.extent_gap_m)


#: Cell size (m) of the edge grid: about two short edges; a plot's box covers a few cells.
_EDGE_CELL_M = 50.0


@dataclass(frozen=True, eq=False)
class EdgeIndex:
    """The graph's edges, each once (``u < v``), as straight segments from ``a`` to ``b``.

    Every vertex of a way is a node, so an edge is exactly the straight piece of way between
    two nodes; a point on it is (edge, t) with t the fraction of its length from ``u``.
    A uniform grid (``cell_m``) lists the edges whose bounding box touches each cell, for
    "which edges meet this box" and "which edge is nearest" queries: a few int32 per edge, where
    a GEOS tree over half a million segments would hold ~170 MB of geometries.
    """

    u: IntArray
    v: IntArray
    length_m: FloatArray
    a: FloatArray  # (E, 2)
    b: FloatArray  # (E, 2)
    origin: FloatArray
    cell_m: float
    nx: int
    ny: int
    cell_start: IntArray  # edges of cell k: cell_edges[cell_start[k]:cell_start[k + 1]]
    cell_edges: npt.NDArray[np.int32]
    cell_flag: npt.NDArray[np.int8]  # per cell entry: 1 = edge's first column, 2 = first row
    edge_box: FloatArray  # (E, 4): each edge's bounding box

    @property
    def n_edges(self) -> int:
        return int(self.u.shape[0])

    def segments(self, edge: IntArray) -> npt.NDArray[np.object_]:
        """The segments of ``edge`` as shapely LineStrings."""
        return np.asarray(shapely.linestrings(np.stack([self.a[edge], self.b[edge]], axis=1)), dtype=object)

    def _cells(self, lo: FloatArray, hi: FloatArray) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        c0 = np.floor((lo - self.origin) / self.cell_m).astype(np.int64)
        c1 = np.floor((hi - self.origin) / self.cell_m).astype(np.int64)
        c0[:, 0] = np.clip(c0[:, 0], 0, self.nx - 1)
        c1[:, 0] = np.clip(c1[:, 0], 0, self.nx - 1)
        c0[:, 1] = np.clip(c0[:, 1], 0, self.ny - 1)
        c1[:, 1] = np.clip(c1[:, 1], 0, self.ny - 1)
        return c0[:, 0], c0[:, 1], c1[:, 0], c1[:, 1]

    def box_pairs(self, boxes: FloatArray, grow: FloatArray | float = 0.0) -> tuple[IntArray, IntArray]:
        """(box, edge) pairs whose bounding boxes overlap, boxes (xmin, ymin, xmax, ymax) grown by ``grow``.

        Sorted by box. Each pair once: it is reported only from the grid cell where the box's
        and the edge's cell ranges first meet.
        """
        if len(boxes) == 0 or self.n_edges == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        g = np.asarray(grow, dtype=np.float64)
        lo = boxes[:, :2] - (g[:, None] if g.ndim else g)
        hi = boxes[:, 2:] - 0.0 + (g[:, None] if g.ndim else g)
        bx0, by0, bx1, by1 = self._cells(lo, hi)
        # (box, cell) pairs
        wx, wy = bx1 - bx0 + 1, by1 - by0 + 1
        n_cells = wx * wy
        box = np.repeat(np.arange(len(boxes), dtype=np.int64), n_cells)
        k = np.arange(int(n_cells.sum())) - np.repeat(np.cumsum(n_cells) - n_cells, n_cells)
        kx = k // wy[box]
        ky = k - kx * wy[box]
        cell = (bx0[box] + kx) * self.ny + (by0[box] + ky)
        # (box, edge) pairs from the cells' edge lists
        start = self.cell_start[cell]
        cnt = self.cell_start[cell + 1] - start
        at = np.repeat(start - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
        # Each pair once: from the cell where the box's and the edge's cell ranges first meet,
        # i.e. the cell's column is the box's first or the edge's first column (same for rows).
        flag = self.cell_flag[at]
        first_col = np.repeat(kx == 0, cnt) | ((flag & 1) > 0)
        first_row = np.repeat(ky == 0, cnt) | ((flag & 2) > 0)
        once = first_col & first_row
        at = at[once]
        pair_box = np.repeat(box, cnt)[once]
        edge = self.cell_edges[at].astype(np.int64)
        eb = self.edge_box[edge]
        keep = (
            (eb[:, 0] <= hi[pair_box, 0])
            & (eb[:, 2] >= lo[pair_box, 0])
            & (eb[:, 1] <= hi[pair_box, 1])
            & (eb[:, 3] >= lo[pair_box, 1])
        )
        return pair_box[keep], edge[keep]

    def nearest(
        self, geoms: npt.NDArray[np.object_], *, extra_m: float = 0.0, max_m: float | None = None
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """(geometry, edge, distance) for each geometry's nearest edge(s) and every edge at most
        ``extra_m`` farther (ties within 1 µm count as nearest). Exact: GEOS distances on the
        grid's candidates, the search box grown until it holds the answer. ``max_m``: a geometry
        whose nearest edge is farther than this gets no row (the search stops growing there:
        points kilometres from the network would otherwise cost the most)."""
        n = len(geoms)
        out_g: list[IntArray] = []
        out_e: list[IntArray] = []
        out_d: list[FloatArray] = []
        if n == 0 or self.n_edges == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
        boxes = np.asarray(shapely.bounds(geoms), dtype=np.float64)
        todo = np.flatnonzero(np.isfinite(boxes).all(axis=1))
        # Points (residents, facilities): distances by arithmetic, no GEOS objects per pair.
        points = bool(len(todo)) and bool(np.all(shapely.get_type_id(geoms[todo]) == 0))
        grow = np.full(n, self.cell_m)
        top = self.origin + np.array([self.nx, self.ny]) * self.cell_m
        if points and walkcore.enabled():
            # The same growing boxes point by point, compiled: no (point × candidate) arrays.
            grid = (
                float(self.origin[0]),
                float(self.origin[1]),
                float(self.cell_m),
                float(top[0]),
                float(top[1]),
            )
            g_p, e_p, d_p = walkcore.nearest_points(
                boxes[todo, 0],
                boxes[todo, 1],
                grid,
                (self.nx, self.ny),
                self.cell_start,
                self.cell_edges,
                self.cell_flag,
                self.edge_box,
                self.a,
                self.b,
                extra_m,
                np.inf if max_m is None else max_m,
            )
            return todo[g_p], e_p, d_p
        while len(todo):
            g_idx, e_idx = self.box_pairs(boxes[todo], grow[todo])
            g_all = todo[g_idx]
            if points:
                d = point_segment_distance(boxes[g_all, 0], boxes[g_all, 1], self.a[e_idx], self.b[e_idx])
            else:
                d = np.asarray(shapely.distance(self.segments(e_idx), geoms[g_all]), dtype=np.float64)
            best = np.full(n, np.inf)
            np.minimum.at(best, g_all, d)
            # Settled: the grown box holds every edge within its growth of the geometry, or it
            # covers the whole grid (every edge was a candidate).
            covers = np.all(boxes[todo, :2] - grow[todo, None] <= self.origin, axis=1) & np.all(
                boxes[todo, 2:] + grow[todo, None] >= top, axis=1
            )
            settled = (best[todo] + extra_m + 1e-6 <= grow[todo]) | covers
            done = todo[settled]
            mask = np.isin(g_all, done) & (d <= best[g_all] + extra_m + 1e-6)
            out_g.append(g_all[mask])
            out_e.append(e_idx[mask])
            out_d.append(d[mask])
            rest = todo[~settled]
            if max_m is not None:
                # Not settled at a growth beyond max_m + extra_m: the nearest edge is farther.
                rest = rest[grow[rest] < max_m + extra_m + 1e-6]
            # Grow to what the answer needs, at least double.
            need = np.where(np.isfinite(best[rest]), best[rest] + extra_m + 1e-6, 0.0)
            grow[rest] = np.maximum(grow[rest] * 2.0, need)
            if max_m is not None:
                grow[rest] = np.minimum(grow[rest], max_m + extra_m + 2e-6)
            todo = rest
        g_out = np.concatenate(out_g)
        order = np.lexsort((np.concatenate(out_e), g_out))
        return g_out[order], np.concatenate(out_e)[order], np.concatenate(out_d)[order]


def point_segment_distance(px: FloatArray, py: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Distance of points (px, py) to segments a→b, row by row (the same value GEOS gives)."""
    dx, dy = b[:, 0] - a[:, 0], b[:, 1] - a[:, 1]
    len2 = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.clip(((px - a[:, 0]) * dx + (py - a[:, 1]) * dy) / len2, 0.0, 1.0)
    u = np.where(len2 > 0, u, 0.0)
    return np.asarray(np.hypot(px - (a[:, 0] + u * dx), py - (a[:, 1] + u * dy)), dtype=np.float64)


def _edge_index(csr: sparse.csr_array, node_xy: FloatArray) -> EdgeIndex:
    upper = sparse.triu(csr, k=1).tocoo()
    u = upper.row.astype(np.int64)
    v = upper.col.astype(np.int64)
    return edge_index_of(u, v, node_xy[u], node_xy[v], np.asarray(upper.data, dtype=np.float64))


def edge_index_of(u: IntArray, v: IntArray, a: FloatArray, b: FloatArray, length: FloatArray) -> EdgeIndex:
    """An :class:`EdgeIndex` over the segments a→b (edge i joins nodes u[i] and v[i])."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    b = np.ascontiguousarray(b, dtype=np.float64)
    cell = _EDGE_CELL_M
    lo_all = np.minimum(a, b)
    hi_all = np.maximum(a, b)
    origin = lo_all.min(axis=0) if len(a) else np.zeros(2)
    top = hi_all.max(axis=0) if len(a) else np.ones(2)
    nx, ny = (int(k) + 1 for k in np.floor((top - origin) / cell))
    c0 = np.floor((lo_all - origin) / cell).astype(np.int64)
    c1 = np.floor((hi_all - origin) / cell).astype(np.int64)
    wx, wy = c1[:, 0] - c0[:, 0] + 1, c1[:, 1] - c0[:, 1] + 1
    per = wx * wy
    owner = np.repeat(np.arange(len(a)), per)
    k = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    key = (c0[owner, 0] + k // wy[owner]) * ny + (c0[owner, 1] + k % wy[owner])
    order = np.argsort(key, kind="stable")
    cell_start = np.searchsorted(key[order], np.arange(nx * ny + 1)).astype(np.int64)
    cell_edges = owner[order].astype(np.int32)
    kx = (k // wy[owner])[order]
    ky = (k % wy[owner])[order]
    cell_flag = ((kx == 0).astype(np.int8) | ((ky == 0).astype(np.int8) << 1)).astype(np.int8)
    edge_box = np.ascontiguousarray(np.hstack([lo_all, hi_all]))
    for arr in (u, v, a, b, length, cell_start, cell_edges, cell_flag, edge_box):
        arr.setflags(write=False)
    return EdgeIndex(
        u=u,
        v=v,
        length_m=length,
        a=a,
        b=b,
        origin=origin,
        cell_m=cell,
        nx=nx,
        ny=ny,
        cell_start=cell_start,
        cell_edges=cell_edges,
        cell_flag=cell_flag,
        edge_box=edge_box,
    )


@dataclass(frozen=True, eq=False)
class NetworkExtent:
    """The area the network covers, as a raster of ``cell_m`` cells, and the cut edge around it.

    A cell is inside when a walkable edge passes through it, when it lies in a gap of the network
    narrower than the gap size (a block, a canal, a campus lawn: closed morphologically), or when
    it is enclosed by such cells (a park, a lake, fields between roads). Outside is where the data
    stops: the edge of the extract, or of the buffer the network was loaded with. ``edge_m[i, j]`` is the distance
    from cell (i, j)'s centre to the nearest outside cell's centre (0 outside).
    """

    origin: FloatArray  # lower-left corner of cell (0, 0)
    cell_m: float
    inside: npt.NDArray[np.bool_]
    edge_m: npt.NDArray[np.float32]

    def distance_to_edge(self, geoms: npt.NDArray[np.object_]) -> FloatArray:
        """A lower bound (m) of each geometry's distance to the cut edge; 0 outside; NaN if empty.

        Taken over the geometry's vertices: the cell distance minus the two half cell diagonals
        (the vertex may lie anywhere in its cell, the edge anywhere in the outside cell).
        """
        out = np.full(len(geoms), np.nan)
        if len(geoms) == 0:
            return out
        xy, owner = shapely.get_coordinates(geoms, return_index=True)
        if len(xy) == 0:
            return out
        ij = np.floor((xy - self.origin) / self.cell_m).astype(np.int64)
        nx, ny = self.inside.shape
        within = (ij[:, 0] >= 0) & (ij[:, 0] < nx) & (ij[:, 1] >= 0) & (ij[:, 1] < ny)
        d = np.zeros(len(xy))
        at = np.flatnonzero(within)
        d[at] = self.edge_m[ij[at, 0], ij[at, 1]].astype(np.float64) - np.sqrt(2.0) * self.cell_m
        d = np.maximum(d, 0.0)
        order = np.argsort(owner, kind="stable")
        owner_sorted = owner[order]
        starts = np.flatnonzero(np.r_[True, owner_sorted[1:] != owner_sorted[:-1]])
        out[owner_sorted[starts]] = np.minimum.reduceat(d[order], starts)
        return out

    def crop(self, lo: FloatArray, hi: FloatArray) -> NetworkExtent:
        """The cells that cover the box ``lo``–``hi`` (same values; outside the raster stays outside)."""
        nx, ny = self.inside.shape
        i0, j0 = (int(v) for v in np.clip(np.floor((lo - self.origin) / self.cell_m), 0, [nx, ny]))
        i1, j1 = (int(v) for v in np.clip(np.floor((hi - self.origin) / self.cell_m) + 1, 0, [nx, ny]))
        i1, j1 = max(i1, i0 + 1), max(j1, j0 + 1)
        inside = np.zeros((i1 - i0, j1 - j0), dtype=bool)
        edge_m = np.zeros((i1 - i0, j1 - j0), dtype=np.float32)
        src_i, src_j = slice(i0, min(i1, nx)), slice(j0, min(j1, ny))
        part = self.inside[src_i, src_j]
        inside[: part.shape[0], : part.shape[1]] = part
        edge_m[: part.shape[0], : part.shape[1]] = self.edge_m[src_i, src_j]
        inside.setflags(write=False)
        edge_m.setflags(write=False)
        origin = self.origin + np.array([i0, j0], dtype=np.float64) * self.cell_m
        return NetworkExtent(origin=origin, cell_m=self.cell_m, inside=inside, edge_m=edge_m)


def _network_extent(edges: EdgeIndex, cell_m: float, gap_m: float) -> NetworkExtent:
    """Rasterise the edges (a sample every half cell), close gaps, fill holes, measure to the outside."""
    return extent_of_segments(edges.a, edges.b, edges.length_m, cell_m, gap_m)


#: Edges sampled at once when rasterising an extent (bounds the sample arrays at 10M edges).
_EXTENT_CHUNK = 1_000_000


def extent_of_segments(
    a: FloatArray, b: FloatArray, length_m: FloatArray, cell_m: float, gap_m: float
) -> NetworkExtent:
    """:class:`NetworkExtent` of the straight segments a→b (see :func:`_network_extent`)."""
    if len(a) == 0:
        empty = np.zeros((1, 1), dtype=bool)
        return NetworkExtent(np.zeros(2), cell_m, empty, np.zeros((1, 1), dtype=np.float32))
    radius = max(1, int(np.ceil(gap_m / 2.0 / cell_m)))  # closing a gap of width g needs radius g/2
    pad = (radius + 2) * cell_m
    lo = np.minimum(a.min(axis=0), b.min(axis=0)) - pad
    hi = np.maximum(a.max(axis=0), b.max(axis=0)) + pad
    shape = tuple(int(n) for n in np.ceil((hi - lo) / cell_m))
    inside = np.zeros(shape, dtype=bool)
    for start in range(0, len(a), _EXTENT_CHUNK):  # chunks of edges bound the sample arrays
        ca, cb = a[start : start + _EXTENT_CHUNK], b[start : start + _EXTENT_CHUNK]
        n_samples = np.ceil(length_m[start : start + _EXTENT_CHUNK] / (cell_m / 2.0)).astype(np.int64) + 1
        owner = np.repeat(np.arange(len(ca)), n_samples)
        first = np.cumsum(n_samples) - n_samples
        frac = (np.arange(int(n_samples.sum())) - first[owner]) / np.maximum(n_samples[owner] - 1, 1)
        pts = ca[owner] + (cb[owner] - ca[owner]) * frac[:, None]
        ij = np.floor((pts - lo) / cell_m).astype(np.int64)
        inside[ij[:, 0], ij[:, 1]] = True
        del owner, first, frac, pts, ij
    yy, xx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    disc = xx * xx + yy * yy <= radius * radius
    closed = ndimage.binary_closing(inside, structure=disc)
    # Background is 4-connected: it cannot leak between two cells that touch at a corner.
    filled = ndimage.binary_fill_holes(closed | inside)
    # An extract is cut along a box or a polygon: everything within the convex hull of its ways
    # is "where the data is", so a motorway, a railway or a canal that crosses the whole extract
    # (open ground joined to the outside) is no cut edge.
    hull = _convex_hull(np.vstack([a, b]))
    ci, cj = np.mgrid[0 : shape[0], 0 : shape[1]]
    in_hull = shapely.contains_xy(hull, lo[0] + (ci + 0.5) * cell_m, lo[1] + (cj + 0.5) * cell_m)
    filled = filled | in_hull
    edge_m = ndimage.distance_transform_edt(filled, sampling=cell_m).astype(np.float32)
    filled.setflags(write=False)
    edge_m.setflags(write=False)
    return NetworkExtent(origin=lo, cell_m=cell_m, inside=filled, edge_m=edge_m)


def _convex_hull(points: FloatArray) -> shapely.Geometry:
    """The convex hull of many points: qhull on the coordinates (a GEOS MultiPoint of millions of
    points costs about 400 bytes each); GEOS for the degenerate cases qhull refuses (a line)."""
    if len(points) >= 3:
        try:
            hull = ConvexHull(points)
            return shapely.Polygon(points[hull.vertices])
        except QhullError:
            pass
    return shapely.convex_hull(shapely.multipoints(points))


def check_rd_new(frame: gpd.GeoDataFrame | gpd.GeoSeries, what: str) -> None:
    """Raise CRSMismatchError unless ``frame`` is in EPSG:28992 (RD New, metres)."""
    crs = frame.crs
    if crs is None or not crs.is_projected or crs.to_epsg() != 28992:
        raise CRSMismatchError(
            f"{what} staat niet in RD New (EPSG:28992) maar in {crs.to_string() if crs else 'een onbekend stelsel'}.",
            hint="Herprojecteer de laag naar EPSG:28992 (bijv. met .to_crs('EPSG:28992')) voordat u scoort.",
        )


def _tag(frame: pd.DataFrame, key: str) -> npt.NDArray[np.object_]:
    """A tag column as lower-case stripped strings ('' where missing); first of multi-values.

    Tags have few distinct values, so they are cleaned once per distinct value and mapped back.
    """
    if key not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    codes, uniques = pd.factorize(frame[key].astype("string"), use_na_sentinel=True)
    clean = pd.Series(uniques, dtype="string").str.strip().str.lower()
    clean = clean.str.split(";", n=1).str[0].fillna("")
    lookup = np.append(clean.to_numpy(dtype=object), "")  # code −1 (missing) → ''
    return np.asarray(lookup[codes], dtype=object)


def _classify_ways(ways: gpd.GeoDataFrame, rules: WalkRules) -> tuple[npt.NDArray[np.bool_], dict[str, int]]:
    """Boolean keep-mask and the number of ways excluded per reason (first reason wins)."""
    geoms = ways.geometry.to_numpy()
    highway = _tag(ways, "highway")
    foot = _tag(ways, "foot")
    access = _tag(ways, "access")
    is_line = shapely.get_type_id(geoms) == 1  # LineString; -1 for None
    usable = is_line & ~shapely.is_empty(geoms) & (shapely.get_num_coordinates(geoms) >= 2)
    foot_ok = np.isin(foot, list(rules.foot_allowed))
    tests = {
        "geometry": ~usable,
        "highway_never": np.isin(highway, list(rules.never_highway)),
        "foot_forbidden": np.isin(foot, list(rules.foot_forbidden)),
        "profile": np.isin(highway, list(rules.exclude_highway)),
        "highway_not_walkable": ~(
            np.isin(highway, list(rules.walkable_highway))
            | (np.isin(highway, list(rules.foot_only_highway)) & foot_ok)
        ),
        "access_forbidden": np.isin(access, list(rules.access_forbidden)) & ~foot_ok,
    }
    keep = np.ones(len(ways), dtype=bool)
    counts: dict[str, int] = {}
    for reason, hit in tests.items():  # six vectorised tests, not a loop over ways
        now = keep & hit
        counts[reason] = int(now.sum())
        keep &= ~now
    return keep, counts


def _parse_node_ids(node_ids: pd.Series, n_coords: IntArray) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """OSM node id per vertex (−1 where unusable) and a per-way flag 'ids usable'.

    A way's ids are usable when they parse as integers and their number equals its number of
    vertices; otherwise the way falls back to coordinate identity. The common case (every
    token an integer) is parsed in one pass over the tokens; only if a token does not parse
    does the slower per-token coercion run, which marks just the offending ways unusable.
    """
    n_ways = len(node_ids)
    ids_out = np.full(int(n_coords.sum()), -1, dtype=np.int64)
    usable = np.zeros(n_ways, dtype=bool)
    first_vertex = np.cumsum(n_coords) - n_coords
    for start in range(0, n_ways, _PARSE_CHUNK):  # chunks of ways: a token is a Python str (~60 B)
        stop = min(start + _PARSE_CHUNK, n_ways)
        v0 = int(first_vertex[start])
        v1 = v0 + int(n_coords[start:stop].sum())
        ids_out[v0:v1], usable[start:stop] = _parse_node_id_chunk(
            node_ids.iloc[start:stop], n_coords[start:stop]
        )
    return ids_out, usable


#: Ways whose node ids are tokenised at once (bounds the Python strings at millions of ways).
_PARSE_CHUNK = 100_000


def _parse_node_id_chunk(node_ids: pd.Series, n_coords: IntArray) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """:func:`_parse_node_ids` for one chunk of ways."""
    n_ways = len(node_ids)
    ids_out = np.full(int(n_coords.sum()), -1, dtype=np.int64)
    texts = node_ids.astype("string").fillna("").to_numpy(dtype=object)
    split = [t.split() for t in texts]  # one str.split per way: the C-level tokeniser
    lengths = np.fromiter(map(len, split), dtype=np.int64, count=n_ways)
    total = int(lengths.sum())
    try:
        parsed = np.fromiter(map(int, itertools.chain.from_iterable(split)), dtype=np.int64, count=total)
        bad = np.zeros(n_ways, dtype=bool)
    except (ValueError, OverflowError):
        flat = pd.Series(list(itertools.chain.from_iterable(split)), dtype=object)
        as_float = pd.to_numeric(flat, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        finite = np.isfinite(as_float)
        bad = np.zeros(n_ways, dtype=bool)
        bad[np.repeat(np.arange(n_ways), lengths)[~finite]] = True
        parsed = np.where(finite, as_float, -1).astype(np.int64)
    way_of_token = np.repeat(np.arange(n_ways), lengths)
    usable = (lengths == n_coords) & ~bad
    token_ok = usable[way_of_token]
    vertex_ok = np.repeat(usable, n_coords)
    ids_out[vertex_ok] = parsed[token_ok]
    return ids_out, usable


def _node_identity(xy: FloatArray, osm_ids: IntArray) -> tuple[IntArray, FloatArray, IntArray]:
    """Node index per vertex, node coordinates and node OSM ids (−1: coordinate-only node).

    Vertices with an OSM id are one node per id. A vertex without one joins the OSM node at
    the same coordinate (rounded to ``COORD_PRECISION_M``) if there is one, otherwise the
    other id-less vertices at that coordinate.
    """
    has_id = osm_ids >= 0
    q = np.round(xy / COORD_PRECISION_M).astype(np.int64)
    q -= q.min(axis=0) if len(q) else 0
    coord_key = q[:, 0] * (int(q[:, 1].max()) + 1 if len(q) else 1) + q[:, 1]
    uniq_ids, first_idx, inv_ids = np.unique(osm_ids[has_id], return_index=True, return_inverse=True)
    node_of_vertex = np.full(len(xy), -1, dtype=np.int64)
    node_of_vertex[has_id] = inv_ids
    id_vertices = np.flatnonzero(has_id)
    node_xy_ids = xy[id_vertices[first_idx]]
    n_id_nodes = len(uniq_ids)
    no_id = np.flatnonzero(~has_id)
    extra_xy = np.empty((0, 2), dtype=np.float64)
    if len(no_id):
        # Coordinate keys of the OSM nodes (first vertex of each), to join id-less vertices.
        id_keys = coord_key[id_vertices[first_idx]]
        order = np.argsort(id_keys, kind="stable")
        sorted_keys = id_keys[order]
        keys = coord_key[no_id]
        pos = np.searchsorted(sorted_keys, keys)
        pos_c = np.minimum(pos, max(len(sorted_keys) - 1, 0))
        matched = (
            (pos < len(sorted_keys)) & (sorted_keys[pos_c] == keys)
            if len(sorted_keys)
            else (np.zeros(len(keys), dtype=bool))
        )
        node_of_vertex[no_id[matched]] = order[pos_c[matched]]
        rest = no_id[~matched]
        uniq_keys, first_rest, inv_rest = np.unique(coord_key[rest], return_index=True, return_inverse=True)
        node_of_vertex[rest] = n_id_nodes + inv_rest
        extra_xy = xy[rest[first_rest]]
        node_ids = np.concatenate([uniq_ids, np.full(len(uniq_keys), -1, dtype=np.int64)])
    else:
        node_ids = uniq_ids
    node_xy = np.concatenate([node_xy_ids, extra_xy]).astype(np.float64)
    return node_of_vertex, node_xy, node_ids.astype(np.int64)


@dataclass(frozen=True, eq=False)
class WalkTopology:
    """The walking network's nodes and edges before the CSR is built, and its connected parts.

    ``lo``/``hi``/``seg``: every edge once (parallel edges keep the shortest), ``labels`` the
    part of every node, ``biggest`` the largest part (by nodes, then length); ``way_label`` the
    part of each walkable way (−1: no node, e.g. a way reduced to one point).
    """

    ways: gpd.GeoDataFrame  # the walkable ways
    lo: IntArray
    hi: IntArray
    seg: FloatArray
    node_xy: FloatArray
    node_ids: IntArray
    ids_usable: npt.NDArray[np.bool_]
    labels: npt.NDArray[np.int32]
    n_comp: int
    biggest: int
    way_label: IntArray
    report: NetworkReport


def walk_topology(
    network_source: gpd.GeoDataFrame, *, rules: WalkRules, progress: Progress | None = None
) -> WalkTopology:
    """Walkable ways → nodes, deduplicated edges and connected parts (the first half of
    :func:`build_walk_graph`, also used alone for a region's largest part, see :mod:`plotscore.tiles`)."""
    check_rd_new(network_source, "Het loopnetwerk")
    report(progress, 0.0, "Loopnetwerk: wegen selecteren")
    keep, excluded = _classify_ways(network_source, rules)
    ways = network_source.loc[keep]
    if len(ways) == 0:
        raise NetworkError(
            f"Geen beloopbare wegen in het loopnetwerk ({len(network_source)} wegen gelezen, "
            f"profiel '{rules.profile}').",
            hint="Laad een OSM-uitsnede met voetpaden en straten van het gebied, of kies een ander loopprofiel.",
        )
    report(progress, 0.15, "Loopnetwerk: knopen bepalen")
    geoms = ways.geometry.to_numpy()
    xy, way_of_vertex = shapely.get_coordinates(geoms, return_index=True)
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    n_coords = np.bincount(way_of_vertex, minlength=len(ways)).astype(np.int64)
    if "node_ids" in ways.columns:
        vertex_ids, ids_usable = _parse_node_ids(ways["node_ids"], n_coords)
    else:
        vertex_ids, ids_usable = np.full(len(xy), -1, dtype=np.int64), np.zeros(len(ways), dtype=bool)
    node_of_vertex, node_xy, node_ids = _node_identity(xy, vertex_ids)
    del vertex_ids

    report(progress, 0.45, "Loopnetwerk: verbindingen opbouwen")
    same_way = way_of_vertex[:-1] == way_of_vertex[1:]
    u = node_of_vertex[:-1][same_way]
    v = node_of_vertex[1:][same_way]
    seg = np.hypot(*(xy[1:][same_way] - xy[:-1][same_way]).T)
    first_vertex = np.cumsum(n_coords) - n_coords
    way_node = np.where(n_coords > 0, node_of_vertex[np.minimum(first_vertex, max(len(xy) - 1, 0))], -1)
    del xy, same_way, node_of_vertex, way_of_vertex
    not_loop = u != v
    u, v, seg = u[not_loop], v[not_loop], seg[not_loop]
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    del u, v, not_loop
    n_all = len(node_xy)
    key = lo * n_all + hi
    order = np.lexsort((seg, key))  # by key, shortest first
    key_sorted = key[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = key_sorted[1:] != key_sorted[:-1]
    pick = order[first]
    del key, key_sorted, first, order
    lo, hi, seg = lo[pick], hi[pick], seg[pick]
    del pick

    report(progress, 0.7, "Loopnetwerk: samenhang controleren")
    full = sparse.csr_array(
        (np.concatenate([seg, seg]), (np.concatenate([lo, hi]), np.concatenate([hi, lo]))),
        shape=(n_all, n_all),
    )
    n_comp, labels = connected_components(full, directed=False)
    del full
    # Nodes without any edge (ways reduced to one point) are components too; size by edges.
    comp_len = np.bincount(labels[lo], weights=seg, minlength=n_comp)
    comp_nodes = np.bincount(labels, minlength=n_comp)
    biggest = int(np.lexsort((comp_len, comp_nodes))[-1])
    kept_node = labels == biggest
    kept_edge = kept_node[lo]
    total_len = float(seg.sum())
    kept_len = float(seg[kept_edge].sum())
    n = int(kept_node.sum())
    net_report = NetworkReport(
        ways_in=len(network_source),
        ways_used=len(ways),
        ways_excluded=excluded,
        ways_coordinate_topology=int((~ids_usable).sum()),
        nodes=n,
        edges=int(kept_edge.sum()),
        components=int(n_comp),
        nodes_cut_off=int(n_all - n),
        length_cut_off_m=total_len - kept_len,
        length_m=kept_len,
        share_kept=kept_len / total_len if total_len > 0 else 0.0,
    )
    way_label = np.where(way_node >= 0, labels[np.maximum(way_node, 0)], -1).astype(np.int64)
    return WalkTopology(
        ways=ways,
        lo=lo,
        hi=hi,
        seg=seg,
        node_xy=node_xy,
        node_ids=node_ids,
        ids_usable=ids_usable,
        labels=labels,
        n_comp=int(n_comp),
        biggest=biggest,
        way_label=way_label,
        report=net_report,
    )


def build_walk_graph(
    network_source: gpd.GeoDataFrame,
    *,
    profile: str = "senior",
    rules: WalkRules | None = None,
    progress: Progress | None = None,
    largest_only: bool = True,
    region_extent: NetworkExtent | None = None,
) -> WalkGraph:
    """Build the walking graph of ``profile`` from a NETWORK_SOURCE frame (not mutated).

    Ways connect at shared OSM node ids (``node_ids``, one id per vertex). A way whose
    ``node_ids`` is missing or does not match its vertices is joined by coordinates instead
    (rounded to 1 cm), to OSM nodes or other such ways at the same spot; the report counts
    these ways. Parallel edges keep the shortest length. Only the largest connected
    component is kept, unless ``largest_only=False``: a tile of a region whose ways were
    already cut to the region's largest component (:mod:`plotscore.tiles`) keeps every part,
    since a part cut off inside the tile is joined to the rest outside it. ``region_extent``:
    that region's extent, used instead of the tile's own (see :attr:`WalkGraph.extent`).
    """
    rules = rules if rules is not None else load_walk_rules(profile)
    top = walk_topology(network_source, rules=rules, progress=progress)
    lo, hi, seg = top.lo, top.hi, top.seg
    n_all = len(top.node_xy)
    kept_node = top.labels == top.biggest if largest_only else np.ones(n_all, dtype=bool)
    new_index = np.cumsum(kept_node) - 1
    kept_edge = kept_node[lo]
    lo_k, hi_k, seg_k = new_index[lo[kept_edge]], new_index[hi[kept_edge]], seg[kept_edge]
    n = int(kept_node.sum())
    csr = sparse.csr_array(
        (np.concatenate([seg_k, seg_k]), (np.concatenate([lo_k, hi_k]), np.concatenate([hi_k, lo_k]))),
        shape=(n, n),
    )
    csr.sort_indices()
    out_xy = np.ascontiguousarray(top.node_xy[kept_node])
    out_xy.setflags(write=False)
    out_ids: IntArray | None = None
    if top.ids_usable.any():
        out_ids = np.ascontiguousarray(top.node_ids[kept_node])
        out_ids.setflags(write=False)
    net_report = top.report
    if not largest_only:
        kept_len = float(seg.sum())
        net_report = dataclasses.replace(
            net_report,
            nodes=n,
            edges=len(seg_k),
            nodes_cut_off=0,
            length_cut_off_m=0.0,
            length_m=kept_len,
            share_kept=1.0 if kept_len > 0 else 0.0,
        )
    del top
    report(progress, 1.0, "Loopnetwerk klaar")
    release_free_memory()  # the build's temporary arrays are freed; hand them back
    return WalkGraph(
        csr=csr,
        node_xy=out_xy,
        osm_node_ids=out_ids,
        profile=rules.profile,
        report=net_report,
        rules=rules,
        region_extent=region_extent,
    )


def topology_extent(top: WalkTopology, rules: WalkRules) -> NetworkExtent:
    """The extent of the graph :func:`build_walk_graph` would build from ``top`` (largest part)."""
    kept = top.labels[top.lo] == top.biggest
    lo, hi = top.lo[kept], top.hi[kept]
    return extent_of_segments(
        top.node_xy[lo], top.node_xy[hi], top.seg[kept], rules.extent_cell_m, rules.extent_gap_m
    )


def walk_graph_stats(graph: WalkGraph) -> Mapping[str, float]:
    """Numbers for a log or dossier: nodes, edges, km, mean degree, mean edge length (m)."""
    lengths = graph.csr.data
    edges = len(lengths) / 2
    return {
        "nodes": float(graph.n_nodes),
        "edges": float(edges),
        "length_km": float(lengths.sum() / 2 / 1000),
        "mean_degree": float(len(lengths) / graph.n_nodes) if graph.n_nodes else 0.0,
        "mean_edge_m": float(lengths.mean()) if len(lengths) else 0.0,
        "components_before_cut": float(graph.report.components),
        "share_kept": graph.report.share_kept,
    }
