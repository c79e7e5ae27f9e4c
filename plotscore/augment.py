"""The walking graph plus what a scoring run joins to it: facility access points, plots.

Node numbering of the augmented graph, in this order:

* ``[0, n_base)``: the network's own nodes;
* virtual nodes: facility access points that lie inside an edge (the edge is split there:
  ``u–x`` and ``x–v`` are added with their share of the length; ``u–v`` stays, it is as long);
* one *source* node per distinct facility, with a directed edge of the connector's length to
  each of its access points. Nothing leads into it, so no path can pass through it (a park's
  outline points are not joined to each other through the park);
* only for one-plot questions (a route, a reach map): one node for the plot, with its entry
  points as edges into it (*sink*) or out of it (*source*), so no path runs through the plot.

For scoring many plots the plots are not nodes: one Dijkstra per category gives a distance at
every node, and a plot's distance is the minimum over its entry points of that distance plus
the entry's offset (:class:`EntryNodes`, computed per chunk of plots so memory stays bounded).
Entry points of a plot on an edge (u, v) met over [t_lo, t_hi]: ``u`` at ``t_lo·L`` and ``v``
at ``(1 − t_hi)·L`` (plus the connector when the plot does not touch the network), and any
access point x on the same edge at the along-edge gap between x and the plot.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from plotscore import netcache
from plotscore.access import ON_LINE_M, edge_point
from plotscore.network import WalkGraph
from plotscore.progress import Progress, report

__all__ = [
    "Augmented",
    "EntryNodes",
    "FacilityPoints",
    "PlotEntries",
    "augment",
    "cached_augment",
    "count_within",
    "entry_nodes",
    "facility_key",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

#: Facilities per bounded-Dijkstra batch when counting (nearby ones, on a local subgraph).
_MAX_COUNT_BATCH = 32
#: Memory budget for one block of bounded Dijkstra rows (float64) when counting.
_COUNT_BATCH_BYTES = 48 * 1024 * 1024
#: Cell size (m) of the node buckets used to find the nodes around a batch of facilities.
_CELL_M = 100.0


@dataclass(frozen=True, slots=True)
class FacilityPoints:
    """Access points of distinct facilities: ``group`` (0…n_groups−1), the point (edge, t), connector."""

    group: IntArray
    edge: IntArray
    t: FloatArray
    connector_m: FloatArray
    n_groups: int


@dataclass(frozen=True, slots=True)
class PlotEntries:
    """Where plots meet the network: per row, plot position, (edge, [t_lo, t_hi]) and connector.

    ``from_outline`` rows come from the plot's polygon meeting the edge (connector 0); the
    others from the nearest point of the nearest edge (t_lo = t_hi, connector > 0 possible).
    ``plot_geoms`` holds the plots' geometries, for exact gaps to access points on the same edge.
    """

    plot: IntArray
    edge: IntArray
    t_lo: FloatArray
    t_hi: FloatArray
    connector_m: FloatArray
    from_outline: BoolArray
    plot_geoms: ObjArray


@dataclass(frozen=True, eq=False)
class Augmented:
    """The augmented graph (CSR, directed) and where its extra nodes are."""

    csr: sparse.csr_array
    n_base: int
    virtual_xy: FloatArray  # coordinates of the virtual nodes
    virtual_edge: IntArray  # the edge each virtual node splits (sorted by edge, then t)
    virtual_t: FloatArray
    group_node: IntArray  # source node per distinct facility
    point_node: IntArray  # network-side node of each facility access point
    plot_node: IntArray  # node per plot position for "sink"/"source" (-1: not a node)

    @property
    def n_spatial(self) -> int:
        """Nodes with coordinates: the network's and the virtual ones (they come first)."""
        return self.n_base + len(self.virtual_xy)


@dataclass(frozen=True)
class EntryNodes:
    """Every plot's entry points as graph nodes: plot position, node, offset (m), sorted by plot."""

    plot: IntArray
    node: IntArray
    off: FloatArray

    @functools.cached_property
    def _groups(self) -> tuple[IntArray, IntArray, IntArray]:
        starts = (
            np.flatnonzero(np.r_[True, self.plot[1:] != self.plot[:-1]])
            if len(self.plot)
            else np.zeros(0, dtype=np.int64)
        )
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(self.plot)]))
        return starts, group, np.arange(len(self.plot), dtype=np.int64)

    def as_matrix(self, n_nodes: int, n_plots: int) -> sparse.csr_array:
        """The entries as a (node × plot) matrix of offsets (built once, then reused)."""
        key = (n_nodes, n_plots)
        cached = self.__dict__.get("_matrix")
        if cached is None or cached[0] != key:
            m = sparse.csr_array((self.off, (self.node, self.plot)), shape=key)
            self.__dict__["_matrix"] = (key, m)
            return m
        matrix: sparse.csr_array = cached[1]
        return matrix

    @property
    def plots(self) -> IntArray:
        """The plot positions that have entries, in the order of :meth:`distances`."""
        return self.plot[self._groups[0]]

    def distances(
        self, dist: npt.NDArray[np.floating[Any]], src: npt.NDArray[np.integer[Any]] | None = None
    ) -> tuple[FloatArray, IntArray]:
        """Per plot with entries: min over entries of dist[node] + offset, and that node's source.

        Aligned with :attr:`plots`; sources are −1 where ``src`` is None or nothing was reached.
        """
        starts, group, positions = self._groups
        if len(self.plot) == 0:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        val = dist[self.node].astype(np.float64) + self.off
        best = np.minimum.reduceat(val, starts)
        out = np.full(len(best), -1, dtype=np.int64)
        if src is None:
            return best, out
        first = np.minimum.reduceat(np.where(val == best[group], positions, len(val)), starts)
        reached = np.isfinite(best)
        out[reached] = src[self.node[first[reached]]]
        return best, out


def _dedupe_min(a: IntArray, b: IntArray, w: FloatArray, n_b: int) -> tuple[IntArray, IntArray, FloatArray]:
    """One (a, b) edge per pair, the shortest (the CSR constructor would add duplicates up)."""
    if len(a) == 0:
        return a, b, w
    key = a * n_b + b
    order = np.argsort(key)  # equal keys need no order: the minimum is taken below
    key_s = key[order]
    starts = np.flatnonzero(np.r_[True, key_s[1:] != key_s[:-1]])
    w_min = np.minimum.reduceat(w[order], starts)
    first = order[starts]
    return a[first], b[first], w_min


def _gaps(
    graph: WalkGraph,
    entries: PlotEntries,
    at: IntArray,
    t_x: FloatArray,
) -> FloatArray:
    """Along-edge distance from access points (t_x) to the plot of entry rows ``at`` (same edge)."""
    length = graph.edges.length_m[entries.edge[at]]
    lo, hi = entries.t_lo[at], entries.t_hi[at]
    gap = np.where(t_x < lo, lo - t_x, np.where(t_x > hi, t_x - hi, 0.0)) * length
    gap = gap + entries.connector_m[at]
    # Inside the hull [t_lo, t_hi] of a polygon entry the point may still lie in a gap of a
    # non-convex plot: measure to the nearest piece of edge ∩ plot (rare: a handful of rows).
    check = np.flatnonzero(entries.from_outline[at] & (t_x >= lo) & (t_x <= hi))
    if len(check):
        e = entries.edge[at[check]]
        geoms = entries.plot_geoms[entries.plot[at[check]]]
        pts = shapely.points(edge_point(graph.edges, e, t_x[check]))
        inside = shapely.dwithin(geoms, pts, ON_LINE_M)
        for k in np.flatnonzero(~inside).tolist():  # the rare non-convex case
            seg = graph.edges.segments(e[k : k + 1])[0]
            piece = shapely.intersection(seg, geoms[k])
            xy = shapely.get_coordinates(piece)
            a = graph.edges.a[e[k]]
            d = graph.edges.b[e[k]] - a
            ts = ((xy - a) @ d) / float(d @ d)
            gap[check[k]] = float(np.min(np.abs(ts - t_x[check[k]]))) * length[check[k]]
    return np.asarray(gap, dtype=np.float64)


def _append_edges(
    base: sparse.csr_array, rows: IntArray, cols: IntArray, data: FloatArray, total: int
) -> sparse.csr_array:
    """``base`` grown to ``total`` nodes with the edges (rows, cols, data) added after each row's own.

    Built directly (no re-sort of the network's edges on every run), and zero-length edges are
    kept: a sparse sum would drop them, and a connector of 0 m is an edge.
    """
    n = base.shape[0]
    base_cnt = np.zeros(total, dtype=np.int64)
    base_cnt[:n] = np.diff(base.indptr)
    extra_cnt = np.bincount(rows, minlength=total).astype(np.int64)
    indptr = np.zeros(total + 1, dtype=np.int64)
    np.cumsum(base_cnt + extra_cnt, out=indptr[1:])
    nnz = int(indptr[-1])
    indices = np.empty(nnz, dtype=np.int64)
    values = np.empty(nnz, dtype=np.float64)
    # Base entries keep their order, shifted by the extras of the rows before them.
    shift = (indptr[:-1] - np.concatenate([[0], np.cumsum(base_cnt)[:-1]]))[:n]
    pos = np.arange(len(base.indices), dtype=np.int64) + np.repeat(shift, base_cnt[:n])
    indices[pos] = base.indices
    values[pos] = base.data
    order = np.argsort(rows, kind="stable")
    r = rows[order]
    start_of_extra = indptr[:-1] + base_cnt
    rank = np.arange(len(r)) - (np.cumsum(extra_cnt) - extra_cnt)[r]
    at = start_of_extra[r] + rank
    indices[at] = cols[order]
    values[at] = data[order]
    return sparse.csr_array((values, indices, indptr), shape=(total, total))


def augment(
    graph: WalkGraph,
    facilities: FacilityPoints | None,
    plots: PlotEntries | None = None,
    *,
    n_plots: int = 0,
    plot_role: Literal["sink", "source"] = "sink",
) -> Augmented:
    """Build the augmented graph (see the module docstring).

    ``plots`` (one-plot questions only) become nodes in ``plot_role``; for scoring many plots
    leave them out and use :func:`entry_nodes` per chunk.
    """
    edges = graph.edges
    n = graph.n_nodes
    # --- facility access points and virtual nodes
    if facilities is None:
        facilities = FacilityPoints(
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0), 0
        )
    e_f = facilities.edge
    length_f = edges.length_m[e_f]
    t_f = facilities.t
    at_u = t_f * length_f <= ON_LINE_M
    at_v = ~at_u & ((1.0 - t_f) * length_f <= ON_LINE_M)
    inner = np.flatnonzero(~(at_u | at_v))
    order = np.lexsort((t_f[inner], e_f[inner]))
    inner_s = inner[order]
    new = np.ones(len(inner_s), dtype=bool)
    new[1:] = (e_f[inner_s][1:] != e_f[inner_s][:-1]) | (t_f[inner_s][1:] != t_f[inner_s][:-1])
    virt_id_sorted = np.cumsum(new) - 1
    n_virt = int(new.sum())
    virt_edge = e_f[inner_s][new]
    virt_t = t_f[inner_s][new]
    point_node = np.where(at_u, edges.u[e_f], edges.v[e_f]).astype(np.int64)
    point_node[inner_s] = n + virt_id_sorted
    virt_xy = edge_point(edges, virt_edge, virt_t) if n_virt else np.zeros((0, 2))
    vx = n + np.arange(n_virt, dtype=np.int64)
    vl = edges.length_m[virt_edge]
    vu, vv = edges.u[virt_edge], edges.v[virt_edge]
    rows = [vu, vx, vx, vv]
    cols = [vx, vu, vv, vx]
    data = [virt_t * vl, virt_t * vl, (1.0 - virt_t) * vl, (1.0 - virt_t) * vl]
    # --- one source node per distinct facility
    g0 = n + n_virt
    group_node = g0 + np.arange(facilities.n_groups, dtype=np.int64)
    s_a, s_b, s_w = _dedupe_min(group_node[facilities.group], point_node, facilities.connector_m, g0 + 1)
    rows.append(s_a)
    cols.append(s_b)
    data.append(s_w)
    total = g0 + facilities.n_groups
    plot_node = np.full(n_plots, -1, dtype=np.int64)
    aug = Augmented(
        csr=sparse.csr_array((0, 0)),
        n_base=n,
        virtual_xy=virt_xy,
        virtual_edge=virt_edge,
        virtual_t=virt_t,
        group_node=group_node,
        point_node=point_node,
        plot_node=plot_node,
    )
    if plots is not None and len(plots.plot):
        ent = entry_nodes(graph, aug, plots)
        joined = ent.plots
        plot_node[joined] = total + np.arange(len(joined), dtype=np.int64)
        total += len(joined)
        if plot_role == "sink":
            rows.append(ent.node)
            cols.append(plot_node[ent.plot])
        else:
            rows.append(plot_node[ent.plot])
            cols.append(ent.node)
        data.append(ent.off)
    csr = _append_edges(graph.csr, np.concatenate(rows), np.concatenate(cols), np.concatenate(data), total)
    return dataclasses.replace(aug, csr=csr)


def facility_key(facilities: FacilityPoints) -> str:
    """A content digest of the facility access points (what :func:`augment` reads of them)."""
    p = facilities
    return netcache.array_digest(p.group, p.edge, p.t, p.connector_m, np.int64(p.n_groups))


def _read_only(*arrays: npt.NDArray[Any]) -> None:
    for a in arrays:
        a.setflags(write=False)


def cached_augment(graph: WalkGraph, facilities: FacilityPoints, *, use: bool = True) -> Augmented:
    """:func:`augment` without plots, built once per (graph, facility access points) and shared.

    Keyed on the points' content (:mod:`plotscore.netcache`); the arrays of a shared graph are
    made read-only, so a caller that would change them fails instead of corrupting later runs.
    """

    def build() -> Augmented:
        aug = augment(graph, facilities)
        _read_only(aug.csr.data, aug.csr.indices, aug.csr.indptr, aug.virtual_xy, aug.virtual_edge)
        _read_only(aug.virtual_t, aug.group_node, aug.point_node, aug.plot_node)
        return aug

    return netcache.cached(graph, ("augmented", facility_key(facilities)), build, use=use)


def entry_nodes(graph: WalkGraph, aug: Augmented, plots: PlotEntries) -> EntryNodes:
    """The plots' entry points as nodes of ``aug`` with their offsets, one per (plot, node), shortest."""
    edges = graph.edges
    n = graph.n_nodes
    e_p = plots.edge
    length_p = edges.length_m[e_p]
    nodes = [edges.u[e_p], edges.v[e_p]]
    offs = [plots.connector_m + plots.t_lo * length_p, plots.connector_m + (1.0 - plots.t_hi) * length_p]
    owners = [plots.plot, plots.plot]
    if len(aug.virtual_edge):
        has_virt = np.zeros(edges.n_edges, dtype=bool)
        has_virt[aug.virtual_edge] = True
        shared = np.flatnonzero(has_virt[e_p])
        if len(shared):
            # Access points on the same edge as a plot entry: reached along the edge directly.
            lo = np.searchsorted(aug.virtual_edge, e_p[shared], "left")
            cnt = np.searchsorted(aug.virtual_edge, e_p[shared], "right") - lo
            at = np.repeat(shared, cnt)
            first = np.cumsum(cnt) - cnt
            k = np.repeat(lo - first, cnt) + np.arange(int(cnt.sum()))
            nodes.append(n + k)
            offs.append(_gaps(graph, plots, at, aug.virtual_t[k]))
            owners.append(plots.plot[at])
    plot, node, off = _dedupe_min(
        np.concatenate(owners), np.concatenate(nodes), np.concatenate(offs), n + len(aug.virtual_edge) + 1
    )
    return EntryNodes(plot=plot, node=node, off=off)


# ---------------------------------------------------------------------------------------------
# Counting facilities within a radius


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
    """The subgraph on the node list ``keep`` (rows and columns renumbered 0…len−1)."""
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
    """Nodes bucketed in square cells, to find the nodes near a few points quickly."""

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
        """Sorted indices of the nodes in every cell within ``radius`` of any of ``xy`` (a superset).

        The points are grouped by cell and each group taken as its bounding box, so a facility
        with many access points costs as little as one with a few and the superset stays tight.
        """
        own = np.floor((xy - self.lo) / self.cell).astype(np.int64)
        key = own[:, 0] * (self.ny + 2) + own[:, 1]
        uniq, inv = np.unique(key, return_inverse=True)
        box_lo = np.full((len(uniq), 2), np.inf)
        box_hi = np.full((len(uniq), 2), -np.inf)
        np.minimum.at(box_lo, inv, xy)
        np.maximum.at(box_hi, inv, xy)
        cell_of = np.floor((box_lo - self.lo) / self.cell).astype(np.int64)
        span = min(int(np.ceil(radius / self.cell)) + 1, max(self.nx, self.ny))
        if len(uniq) * (2 * span + 1) ** 2 >= self.nx * self.ny:  # a huge radius: every cell
            keys = np.arange(self.nx * self.ny)
        else:
            off = np.arange(-span, span + 1)
            cx = (cell_of[:, 0, None, None] + off[None, :, None]).repeat(len(off), axis=2)
            cy = (cell_of[:, 1, None, None] + off[None, None, :]).repeat(len(off), axis=1)
            # Keep the cells that come within the radius of some group's box (a superset).
            x0 = self.lo[0] + cx * self.cell
            y0 = self.lo[1] + cy * self.cell
            bx0, by0 = box_lo[:, 0, None, None], box_lo[:, 1, None, None]
            bx1, by1 = box_hi[:, 0, None, None], box_hi[:, 1, None, None]
            gx = np.maximum(np.maximum(x0 - bx1, bx0 - x0 - self.cell), 0.0)
            gy = np.maximum(np.maximum(y0 - by1, by0 - y0 - self.cell), 0.0)
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


def spatial_xy(graph: WalkGraph, aug: Augmented) -> FloatArray:
    """Coordinates of the network's and the virtual nodes, in node order."""
    return np.concatenate([graph.node_xy, aug.virtual_xy]) if len(aug.virtual_xy) else graph.node_xy


def _local_graph(
    csr: sparse.csr_array,
    sink_csr: sparse.csr_array,
    rows_of: IntArray,
    local: IntArray,
    seen: BoolArray,
    plot_local: IntArray,
) -> tuple[sparse.csr_array, IntArray]:
    """The subgraph on ``rows_of`` plus the plots their entry points lead to, renumbered 0…k−1.

    Local numbers: ``rows_of`` in order, then the plots (returned, sorted) as sinks. ``csr``
    gives the graph edges, ``sink_csr`` (node × plot) the entry edges. ``local`` (−1s, one per
    graph node), ``seen`` (False, one per plot) and ``plot_local`` (one per plot) are work
    arrays; the first two are left as found. The CSR is assembled directly, row by row.
    """

    def gather(m: sparse.csr_array) -> tuple[IntArray, IntArray, IntArray]:
        indptr = m.indptr
        starts = indptr[rows_of].astype(np.int64)
        n_row = indptr[rows_of + 1].astype(np.int64) - starts
        first = np.cumsum(n_row) - n_row
        at = np.repeat(starts - first, n_row) + np.arange(int(n_row.sum()))
        return n_row, at, m.indices[at].astype(np.int64)

    g_n, g_at, g_col = gather(csr)
    s_n, s_at, s_plot = gather(sink_csr)
    seen[s_plot] = True
    sinks = np.flatnonzero(seen).astype(np.int64)
    seen[sinks] = False
    local[rows_of] = np.arange(len(rows_of))
    g_loc = local[g_col]
    local[rows_of] = -1
    keep_g = g_loc >= 0
    plot_local[sinks] = len(rows_of) + np.arange(len(sinks))
    rank = plot_local[s_plot]
    # Per row: its graph edges that stay, then its entry edges.
    g_row = np.repeat(np.arange(len(rows_of)), g_n)
    kept_n = np.bincount(g_row[keep_g], minlength=len(rows_of))
    per_row = kept_n + s_n
    size = len(rows_of) + len(sinks)
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(per_row, out=indptr[1 : len(rows_of) + 1])
    indptr[len(rows_of) + 1 :] = indptr[len(rows_of)]
    nnz = int(indptr[-1])
    indices = np.empty(nnz, dtype=np.int64)
    data = np.empty(nnz, dtype=np.float64)
    g_first = np.cumsum(kept_n) - kept_n
    pos_g = indptr[g_row[keep_g]] + (np.arange(int(keep_g.sum())) - g_first[g_row[keep_g]])
    indices[pos_g] = g_loc[keep_g]
    data[pos_g] = csr.data[g_at[keep_g]]
    s_row = np.repeat(np.arange(len(rows_of)), s_n)
    s_first = np.cumsum(s_n) - s_n
    pos_s = indptr[s_row] + kept_n[s_row] + (np.arange(len(s_row)) - s_first[s_row])
    indices[pos_s] = rank
    data[pos_s] = sink_csr.data[s_at]
    return sparse.csr_array((data, indices, indptr), shape=(size, size)), sinks


def count_within(
    aug: Augmented,
    groups: IntArray,
    access_xy: list[FloatArray],
    radius: float,
    entries: EntryNodes,
    n_plots: int,
    progress: Progress | None,
    *,
    cells: _NodeCells,
    area: tuple[FloatArray, FloatArray] | None = None,
) -> IntArray:
    """Distinct facilities (``groups``) within ``radius`` of walking of each plot of ``entries``.

    A walk of length ≤ r never leaves the Euclidean disc of radius r around its start, so only
    facilities with an access point within r of ``area`` (the bounding box of the plots' entry
    nodes; None: take every facility) can count, and each batch of nearby facilities (Z-order) runs its bounded
    Dijkstra on the subgraph of the nodes within r of their access points (``access_xy[i]`` for
    ``groups[i]``), their own source nodes and the plots those nodes enter, as sink nodes. Each
    facility is one row, so a plot counts it once however many entry points it reaches. Exact;
    costs about the nodes in reach, not batch × all nodes.
    """
    counts = np.zeros(n_plots, dtype=np.int64)
    if len(groups) == 0 or len(entries.plot) == 0:
        return counts
    if area is None:
        relevant = np.arange(len(access_xy), dtype=np.int64)
    else:
        lo, hi = area[0] - radius, area[1] + radius
        owner = np.repeat(np.arange(len(access_xy)), [len(xy) for xy in access_xy])
        every = np.concatenate(access_xy)
        relevant = np.unique(owner[np.all(every >= lo, axis=1) & np.all(every <= hi, axis=1)])
    if len(relevant) == 0:
        return counts
    n_graph = aug.csr.shape[0]
    sink_csr = entries.as_matrix(n_graph, n_plots)
    local = np.full(n_graph, -1, dtype=np.int64)
    seen = np.zeros(n_plots, dtype=bool)
    plot_local = np.zeros(n_plots, dtype=np.int64)
    rep = np.array([access_xy[i][0] for i in relevant])
    order = relevant[np.argsort(_morton(rep), kind="stable")]
    batch = max(1, int(_MAX_COUNT_BATCH))
    for start in range(0, len(order), batch):  # loop over facility batches, never over plots
        pick = order[start : start + batch]
        near = cells.near(np.concatenate([access_xy[i] for i in pick]), radius)
        sources = aug.group_node[groups[pick]]
        sub, sinks = _local_graph(aug.csr, sink_csr, np.concatenate([near, sources]), local, seen, plot_local)
        src_local = len(near) + np.arange(len(sources))
        first_sink = len(near) + len(sources)
        rows = max(1, _COUNT_BATCH_BYTES // (8 * sub.shape[0]))
        for r0 in range(0, len(sources), rows):  # usually one call per batch
            block = dijkstra(sub, directed=True, indices=src_local[r0 : r0 + rows], limit=radius)
            counts[sinks] += np.count_nonzero(block[:, first_sink:] <= radius, axis=0)  # sinks: a view
            del block
        report(progress, min(1.0, (start + batch) / len(order)), "Voorzieningen binnen loopafstand tellen")
    return counts
