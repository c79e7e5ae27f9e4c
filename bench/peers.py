"""(a2) Peers and floor: the one-category search in the libraries an analyst would pick instead.

Every row runs in one process on the bench's own walking graph, with the same facilities: S
network nodes (connector 0, so every peer computes exactly what we do: the walking distance from
the nearest facility to every node, cut at the reach). Peers with a multi-source call get the
sources directly (scipy, networkx); igraph and networkit get one super-source node joined to the
S sources by 0 m edges (added outside the timing), and have no distance limit, so they search
the whole graph and their answers are cut at the reach afterwards. Answers are checked equal to
ours within 1 cm on every node. A peer that is not installed gets a row that says so.

The floor is not an answer: one relaxation pass over the CSR arrays (gather, add, minimum per
row), the least any exact search must do once.

pandana (contraction hierarchies), pyrosm (PBF reading) and cityseer are not measured here
(see bench/README.md).
"""

from __future__ import annotations

import importlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.cases import Row, Size, _graph, _times

__all__ = ["case_peers"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Reach of the rows with a limit (m): the longest reach of the bench profile.
LIMIT_M = 1000.0
#: Answers must agree within this (m) on every node.
TOLERANCE_M = 0.01
#: Where the missing peers come from.
INSTALL_HINT = "pip install -e '.[bench]'"


def _optional(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _version(module: Any) -> str:
    return str(getattr(module, "__version__", "?"))


def _sources(graph: Any, s: int, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """S distinct nodes and, for each, an edge that starts there (the facility sits at t = 0)."""
    edges = graph.edges
    order = rng.permutation(edges.n_edges)
    _nodes, first = np.unique(edges.u[order], return_index=True)
    pick = np.sort(first)[:s]  # random edges, one per distinct start node
    return edges.u[order[pick]].astype(np.int64), order[pick].astype(np.int64)


def _cut(d: FloatArray, limit: float | None) -> FloatArray:
    out = np.asarray(d, dtype=np.float64).copy()
    out[~np.isfinite(out)] = np.inf
    out[out >= 1e300] = np.inf  # networkit's "unreached" is DBL_MAX
    if limit is not None:
        out[out > limit] = np.inf
    return out


def _check_same(ours: FloatArray, theirs: FloatArray, limit: float | None, who: str) -> None:
    """Equal within 1 cm; a node reached by one side only must sit at the limit (rounding)."""
    both = np.isfinite(ours) & np.isfinite(theirs)
    diff = float(np.max(np.abs(ours[both] - theirs[both]))) if both.any() else 0.0
    assert diff <= TOLERANCE_M, f"{who} differs from ours by {diff:.4f} m"
    one = np.isfinite(ours) != np.isfinite(theirs)
    if one.any():
        edge = np.where(np.isfinite(ours), ours, theirs)[one]
        assert limit is not None, f"{who} reaches other nodes"
        assert np.all(edge >= limit - TOLERANCE_M), f"{who} reaches other nodes"


def _runs(fn: Callable[[], object], budget_s: float, most: int = 7, least: int = 2) -> list[float]:
    """Probe once, then repeat within the budget (at least ``least``: slow peers at full size
    take seconds a run, and this case must stay within a few minutes)."""
    t = time.perf_counter()
    fn()
    probe = time.perf_counter() - t
    return _times(fn, int(max(least, min(most, budget_s / max(probe, 1e-6)))), warmup=0)


def _median(times: list[float]) -> float:
    return statistics.median(times)


def case_peers(size: Size) -> list[Row]:
    """Ours (inner search) against scipy, networkx, igraph, networkit and the floor, per S."""
    import networkx as nx

    graph, _net, _ = _graph(size)
    n = graph.n_nodes
    csr = graph.csr
    coo = csr.tocoo()
    upper = coo.row < coo.col
    eu, ev, ew = coo.row[upper], coo.col[upper], coo.data[upper]
    full = size.name == "full"
    builds: dict[str, float] = {}
    t = time.perf_counter()
    g_nx = nx.Graph()
    g_nx.add_weighted_edges_from(zip(eu.tolist(), ev.tolist(), ew.tolist(), strict=True))
    builds["networkx"] = time.perf_counter() - t
    ig = _optional("igraph")
    nk = _optional("networkit")
    g_ig: Any = None
    if ig is not None:
        t = time.perf_counter()
        g_ig = ig.Graph(n=n + 1, edges=np.column_stack([eu, ev]).tolist(), directed=False)
        g_ig.es["weight"] = ew.tolist()
        builds["igraph"] = time.perf_counter() - t
    if nk is not None:
        nk.engineering.setNumberOfThreads(1)  # as the other rows: one core, like one search of ours

    combos: list[tuple[int, float | None]] = [(s, LIMIT_M) for s in size.sources]
    combos.append((size.sources[len(size.sources) // 2], None))
    rng = np.random.default_rng(23)
    ctx = _Ctx(
        graph, n, csr, eu, ev, ew, full, builds, g_nx, g_ig, ig, nk, size.sources[len(size.sources) // 2]
    )
    rows: list[Row] = []
    for s, limit in combos:
        rows.extend(_combo(ctx, s, limit, rng))
    return rows


@dataclass
class _Ctx:
    """What every group of lines shares: the graph, its edges once, the peers' graphs."""

    graph: Any
    n: int
    csr: Any
    eu: IntArray
    ev: IntArray
    ew: FloatArray
    full: bool
    builds: dict[str, float]
    g_nx: Any
    g_ig: Any
    ig: Any
    nk: Any
    mid_s: int = 0


def _combo(ctx: _Ctx, s: int, limit: float | None, rng: np.random.Generator) -> list[Row]:
    """The lines of one (S, limit): ours, each peer, the floor."""
    import networkx as nx
    from scipy.sparse.csgraph import dijkstra

    from plotscore import walkcore
    from plotscore.augment import FacilityPoints, cached_augment

    graph, n, csr, full, builds = ctx.graph, ctx.n, ctx.csr, ctx.full, ctx.builds
    g_nx, g_ig, ig, nk = ctx.g_nx, ctx.g_ig, ctx.ig, ctx.nk
    eu, ev, ew = ctx.eu, ctx.ev, ctx.ew
    rows: list[Row] = []
    src_node, src_edge = _sources(graph, s, rng)
    s_eff = len(src_node)
    lim = np.inf if limit is None else limit
    label = f"{n:,} nodes, S={s_eff}, " + ("reach 1 km" if limit is not None else "no limit")
    answers: dict[str, FloatArray] = {}

    def ours(src_edge: IntArray = src_edge, lim: float = lim, use: bool = True) -> None:
        k = len(src_edge)
        points = FacilityPoints(np.arange(k), src_edge, np.zeros(k), np.zeros(k), k)
        aug = cached_augment(graph, points, use=use)
        ip, ix, dt = _core_arrays(aug, use)
        d, _src = walkcore.fields(ip, ix, dt, [np.asarray(aug.group_node)], [lim])
        answers["ours" if use else "uncached"] = _cut(d[0][:n], limit)

    def bare_scipy(src_node: IntArray = src_node, lim: float = lim) -> None:
        d = dijkstra(csr, directed=True, indices=src_node, min_only=True, limit=lim)
        answers["scipy"] = _cut(d, limit)

    def networkx(src_node: IntArray = src_node, limit: float | None = limit) -> None:
        found = nx.multi_source_dijkstra_path_length(g_nx, set(src_node.tolist()), cutoff=limit)
        d = np.full(n, np.inf)
        d[np.fromiter(found.keys(), dtype=np.int64, count=len(found))] = np.fromiter(
            found.values(), dtype=np.float64, count=len(found)
        )
        answers["networkx"] = _cut(d, limit)

    peers: list[tuple[str, str, Callable[[], None] | None, str]] = [
        ("scipy", "scipy csgraph.dijkstra(min_only=True) bare, on the network's CSR", bare_scipy, ""),
        (
            "networkx",
            f"networkx {nx.__version__} multi_source_dijkstra_path_length"
            + (" (cutoff)" if limit is not None else ""),
            networkx,
            f"graph build {builds['networkx']:.2f} s not counted",
        ),
    ]
    if g_ig is not None:
        g_s = g_ig.copy()
        g_s.add_edges([(n, int(v)) for v in src_node], attributes={"weight": [0.0] * s_eff})

        def igraph(g_s: Any = g_s, limit: float | None = limit) -> None:
            d = np.asarray(g_s.distances(source=[n], weights="weight")[0][:n], dtype=np.float64)
            answers["igraph"] = _cut(d, limit)

        peers.append(
            (
                "igraph",
                f"igraph {_version(ig)} distances from a super-source (no limit support)",
                igraph,
                f"graph build {builds['igraph']:.2f} s not counted",
            )
        )
    else:
        peers.append(("igraph", f"igraph: NOT INSTALLED ({INSTALL_HINT})", None, ""))
    if nk is not None:
        t = time.perf_counter()
        g_k = nk.Graph(n + 1, weighted=True)
        g_k.addEdges(
            (
                np.r_[ew, np.zeros(s_eff)].astype(np.float64),
                (np.r_[eu, np.full(s_eff, n)].astype(np.uint64), np.r_[ev, src_node].astype(np.uint64)),
            )
        )
        nk_build = time.perf_counter() - t

        def networkit(g_k: Any = g_k, limit: float | None = limit) -> None:
            run = nk.distance.Dijkstra(g_k, n, storePaths=False)
            run.run()
            d = np.asarray(run.getDistances(), dtype=np.float64)[:n]
            answers["networkit"] = _cut(d, limit)

        peers.append(
            (
                "networkit",
                f"networkit {_version(nk)} Dijkstra from a super-source, 1 thread (no limit support)",
                networkit,
                f"graph build {nk_build:.2f} s not counted",
            )
        )
    else:
        peers.append(("networkit", f"networkit: NOT INSTALLED ({INSTALL_HINT})", None, ""))

    t_ours = _runs(ours, budget_s=2.0, least=3)
    ours_s = _median(t_ours)
    t_fresh = _runs(lambda: ours(use=False), budget_s=2.0, least=3)
    _check_same(answers["ours"], answers["uncached"], limit, "uncached")
    rows.append(
        Row(
            "peers",
            "ours: inner search (cached augmented graph + compiled core: numba bucket-queue multi-source search, exact float keys, limit)",
            label,
            ours_s,
            len(t_ours),
            naive="ours with the augmented graph (and the kernel's CSR arrays) rebuilt every call (cache=False)",
            naive_s=_median(t_fresh),
            naive_runs=len(t_fresh),
            note="the peer lines below compare with this cached inner search",
        )
    )
    for who, name, fn, note in peers:
        if fn is None:
            rows.append(
                Row(
                    "peers",
                    f"vs {who}",
                    label,
                    ours_s,
                    len(t_ours),
                    naive=name,
                    note="peer missing: not measured",
                )
            )
            continue
        t_peer = _runs(fn, budget_s=2.5)
        _check_same(answers["ours"], answers[who], limit, who)
        peer_s = _median(t_peer)
        rows.append(
            Row(
                "peers",
                f"vs {who}",
                label,
                ours_s,
                len(t_ours),
                naive=name + " — answers equal within 1 cm",
                naive_s=peer_s,
                naive_runs=len(t_peer),
                target="ratio ≥ 1 (ours faster)" if full else "",
                target_s=peer_s if full else None,
                note=note,
            )
        )
    # The floor: one relaxation pass over all edges (every row of the CSR is non-empty).
    start = np.where(np.isin(np.arange(n), src_node), 0.0, np.inf)
    indptr = csr.indptr[:-1].astype(np.int64)

    def floor(start: FloatArray = start) -> None:
        answers["floor"] = np.minimum.reduceat(start[csr.indices] + csr.data, indptr)

    t_floor = _runs(floor, budget_s=1.0, least=3)
    floor_s = _median(t_floor)
    rows.append(
        Row(
            "peers",
            "vs floor",
            label,
            ours_s,
            len(t_ours),
            naive="floor: one relaxation pass over the CSR arrays (gather + add + min per row); no answer",
            naive_s=floor_s,
            naive_runs=len(t_floor),
            target="ours ≤ 3× floor" if full and s == 100 and limit is not None else "",
            target_s=3 * floor_s if full and s == 100 and limit is not None else None,
        )
    )
    rows.append(_scipy_path_row(ctx, src_edge, limit, label, ours_s, len(t_ours), answers["ours"]))
    rows.append(_fastwalk_row(ctx, src_edge, limit, label, ours_s, len(t_ours), answers["ours"]))
    if limit is not None and s == ctx.mid_s:  # S = 100 at full size
        rows.extend(_public_rows(ctx, src_edge, lim, label, ours_s, len(t_ours)))
    return rows


_core_cache: dict[int, tuple[Any, Any, Any]] = {}


def _core_arrays(aug: Any, use: bool) -> tuple[Any, Any, Any]:
    """The kernel's CSR arrays of an augmented graph: kept per graph object, as distance.py's
    per-network cache keeps them (``use=False``: converted anew, like the uncached row)."""
    from plotscore import walkcore

    if not use:
        return walkcore.csr_arrays(aug.csr.indptr, aug.csr.indices, aug.csr.data)
    key = id(aug)
    if key not in _core_cache:
        _core_cache.clear()  # one group at a time
        _core_cache[key] = walkcore.csr_arrays(aug.csr.indptr, aug.csr.indices, aug.csr.data)
    return _core_cache[key]


def _scipy_path_row(
    ctx: _Ctx,
    src_edge: IntArray,
    limit: float | None,
    label: str,
    ours_s: float,
    runs: int,
    d_ours: FloatArray,
) -> Row:
    """The scipy path (the fallback without numba, and the default before the compiled core)."""
    from scipy.sparse.csgraph import dijkstra

    from plotscore.augment import FacilityPoints, cached_augment

    k = len(src_edge)
    aug = cached_augment(ctx.graph, FacilityPoints(np.arange(k), src_edge, np.zeros(k), np.zeros(k), k))
    lim = np.inf if limit is None else limit
    out: dict[str, FloatArray] = {}

    def run() -> None:
        d = dijkstra(aug.csr, directed=True, indices=aug.group_node, min_only=True, limit=lim)
        out["d"] = _cut(d[: ctx.n], limit)

    times = _runs(run, budget_s=2.0, least=3)
    _check_same(d_ours, out["d"], limit, "scipy path")
    return Row(
        "peers",
        "vs our scipy path",
        label,
        ours_s,
        runs,
        naive="our scipy path (cached augmented graph + scipy dijkstra min_only, limit): the fallback without numba, the default before — answers equal within 1 cm",
        naive_s=_median(times),
        naive_runs=len(times),
        target="ratio ≥ 1 (compiled core faster)" if ctx.full else "",
        target_s=_median(times) if ctx.full else None,
    )


def _public_rows(
    ctx: _Ctx, src_edge: IntArray, lim: float, label: str, ours_s: float, runs: int
) -> list[Row]:
    """The public call (network_distances) for one category against its own inner search.

    Plots: one point per network node (as many plots as nodes), facilities at the S sources'
    edge starts. The call snaps the plots (entry points), searches, counts within reach and
    builds the result frame; the ratio says how much the call costs beyond the search.
    """
    import geopandas as gpd
    import shapely

    from plotscore.distance import network_distances, plot_access

    graph = ctx.graph
    xy = graph.edges.a[src_edge]
    facs = gpd.GeoDataFrame(
        {"facility_id": [f"f{i}" for i in range(len(src_edge))], "category": "supermarkt"},
        geometry=shapely.points(xy),
        crs="EPSG:28992",
    )
    plots = gpd.GeoDataFrame(geometry=shapely.points(graph.node_xy), crs="EPSG:28992")
    reach = {"supermarkt": float(lim)}
    network_distances(graph, plots, facs, reach)  # fills the per-network cache
    t_pub = _runs(lambda: network_distances(graph, plots, facs, reach), budget_s=4.0, most=3, least=2)
    t_snap = _runs(lambda: plot_access(graph, plots), budget_s=3.0, most=3, least=2)
    size = f"{len(plots):,} point plots, {label}"
    pub = _median(t_pub)
    return [
        Row(
            "peers",
            "public call network_distances (snap + search + counts + frame) vs its inner search",
            size,
            pub,
            len(t_pub),
            naive="inner search alone (the 'ours' line above): ratio = search / call",
            naive_s=ours_s,
            naive_runs=runs,
            target="call ≤ 2× inner search" if ctx.full else "",
            target_s=2 * ours_s if ctx.full else None,
            note="facility join and augmented graph from the per-network cache (filled by a first call)",
        ),
        Row(
            "peers",
            "… of which: plot entry points (plot_access)",
            size,
            _median(t_snap),
            len(t_snap),
        ),
    ]


def _fastwalk_row(
    ctx: _Ctx,
    src_edge: IntArray,
    limit: float | None,
    label: str,
    ours_s: float,
    runs: int,
    d_ours: FloatArray,
) -> Row:
    """The candidate compiled core (plotscore.fastwalk, numba; not the default) on our augmented graph."""
    from plotscore import fastwalk
    from plotscore.augment import FacilityPoints, cached_augment

    name = "candidate kernel: numba binary-heap multi-source search (plotscore.fastwalk) on the same augmented graph"
    if not fastwalk.available():
        return Row(
            "peers", "vs binary heap", label, ours_s, runs, naive=f"numba: NOT INSTALLED ({INSTALL_HINT})"
        )
    k = len(src_edge)
    aug = cached_augment(ctx.graph, FacilityPoints(np.arange(k), src_edge, np.zeros(k), np.zeros(k), k))
    lim = np.inf if limit is None else limit
    out: dict[str, FloatArray] = {}
    t = time.perf_counter()
    fastwalk.multi_source(aug.csr, aug.group_node, lim)  # the first call compiles (once per process)
    first_s = time.perf_counter() - t

    def run() -> None:
        out["d"] = _cut(fastwalk.multi_source(aug.csr, aug.group_node, lim)[0][: ctx.n], limit)

    times = _runs(run, budget_s=1.5, least=3)
    _check_same(d_ours, out["d"], limit, "fastwalk")
    return Row(
        "peers",
        "vs binary heap",
        label,
        ours_s,
        runs,
        naive=name + " — answers equal within 1 cm",
        naive_s=_median(times),
        naive_runs=len(times),
        note=f"first call {first_s:.2f} s (numba compiles in the first group's call); below 1 the heap is faster than our bucket queue",
    )
