"""The compiled walking core (numba): bounded multi-source searches and the per-plot pass.

The default search of :func:`plotscore.distance.network_distances`. ``scipy.sparse.csgraph``
stays the reference (tests) and the fallback: :func:`enabled` is False when numba cannot be
imported or ``BODNAARPLOT_WALK_CORE=scipy`` is set, and distance.py then runs its scipy path.

Two kernels, both with exact float64 keys (sums of the edge lengths, like scipy; integer
decimetres drift by metres over long paths, see issue 22):

* :func:`fields`: per category, the distance to the nearest source and that source at every
  node, never past the category's limit; categories run in parallel threads (``prange``).
  The queue is a bucket queue (Dial / delta-stepping) with coarse buckets of ``delta`` metres
  and exact keys: within a bucket a node whose key drops is expanded again, so the answer is
  exact whatever ``delta``. On the bench graph it is faster than a binary heap (bench/peers.py).
* :func:`plot_pass`: one bounded search per facility over the graph, collecting at the plots
  (entry points as a node → plot list) the walking distance from that facility (the minimum
  over the plot's entry points). In the same pass it counts the facilities within the count
  radius and, where the category's count radius is at least its reach, keeps the nearest
  facility and its distance — distance, nearest and count in one pass. Facilities are split
  over the threads; each thread keeps its own per-plot arrays, summed afterwards.

Without numba the same Python functions run uncompiled (correct and slow; for tests only).
"""

from __future__ import annotations

import importlib
import math
import os
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "ENV_VAR",
    "csr_arrays",
    "enabled",
    "fields",
    "nearest_points",
    "numba_available",
    "plot_pass",
    "warm_up",
    "why_not",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
IndexArray = npt.NDArray[np.integer[Any]]  # int32 or int64 column indices

#: Set to "scipy" to run the scipy reference path instead of the compiled core.
ENV_VAR = "BODNAARPLOT_WALK_CORE"
#: Bucket width (m) of the bucket queue: about one walking edge (measured best on the bench graph).
DELTA_M = 40.0
#: Facilities per thread before the per-facility pass runs in parallel.
PARALLEL_FACILITIES = 64


def _prange(n: int) -> range:  # replaced by numba.prange when compiled
    return range(n)


def _grow(a: npt.NDArray[Any], size: int) -> npt.NDArray[Any]:
    out = np.empty(max(2 * a.shape[0], size), dtype=a.dtype)
    out[: a.shape[0]] = a
    return out


def _field_one(
    indptr: IntArray,
    indices: IndexArray,
    data: FloatArray,
    sources: IntArray,
    limit: float,
    delta: float,
    dist: FloatArray,
    src: IntArray,
) -> None:
    """Nearest source at every node (``dist``/``src`` filled in place: inf/−1 on entry).

    A bucket queue on a ring of ``n_ring`` lists (linked through a pool of entries). Entries
    carry their key; an entry whose key is no longer its node's distance is stale. Keys in one
    bucket are not ordered, so a node may be expanded twice in its bucket: label-correcting,
    exact. The ring is as long as the longest edge (bounded by ``limit``) in buckets.
    """
    max_w = 0.0
    for i in range(data.shape[0]):
        if data[i] > max_w:
            max_w = data[i]
    if max_w > limit:
        max_w = limit
    if max_w > delta * 1e6:
        delta = max_w / 1e6  # very long edges: wider buckets keep the ring at a million lists
    inv = 1.0 / delta
    n_ring = int(max_w * inv) + 2
    head = np.full(n_ring, -1, dtype=np.int64)
    cap = 1024 + 2 * sources.shape[0]
    e_node = np.empty(cap, dtype=np.int64)
    e_key = np.empty(cap, dtype=np.float64)
    e_next = np.empty(cap, dtype=np.int64)
    free = np.empty(cap, dtype=np.int64)
    n_free = 0
    used = 0
    live = 0
    for i in range(sources.shape[0]):
        s = sources[i]
        if dist[s] > 0.0:
            dist[s] = 0.0
            src[s] = s
            e_node[used] = s
            e_key[used] = 0.0
            e_next[used] = head[0]
            head[0] = used
            used += 1
            live += 1
    cur = 0
    while live > 0:
        slot = cur % n_ring
        e = head[slot]
        if e < 0:
            cur += 1
            continue
        head[slot] = e_next[e]
        live -= 1
        u = e_node[e]
        d = e_key[e]
        free[n_free] = e
        n_free += 1
        if d != dist[u]:
            continue  # stale: u got a shorter key since
        su = src[u]
        for k in range(indptr[u], indptr[u + 1]):
            w = indices[k]
            nd = d + data[k]
            if nd < dist[w] and nd <= limit:
                dist[w] = nd
                src[w] = su
                if n_free > 0:
                    n_free -= 1
                    x = free[n_free]
                else:
                    if used == e_node.shape[0]:
                        e_node = _grow(e_node, used + 1)
                        e_key = _grow(e_key, used + 1)
                        e_next = _grow(e_next, used + 1)
                        free = _grow(free, used + 1)
                    x = used
                    used += 1
                b = int(nd * inv)
                if b < cur:
                    b = cur  # same bucket (rounding); never behind the scan
                e_node[x] = w
                e_key[x] = nd
                e_next[x] = head[b % n_ring]
                head[b % n_ring] = x
                live += 1


def _fields(
    indptr: IntArray,
    indices: IndexArray,
    data: FloatArray,
    src_ptr: IntArray,
    src_nodes: IntArray,
    limits: FloatArray,
    delta: float,
) -> tuple[FloatArray, Int32Array]:
    """One :func:`_field_one` per category (sources ``src_nodes[src_ptr[c]:src_ptr[c+1]]``)."""
    n = indptr.shape[0] - 1
    n_cat = limits.shape[0]
    dist = np.full((n_cat, n), np.inf)
    src = np.full((n_cat, n), -1, dtype=np.int64)
    for c in _prange(n_cat):
        _field_one(
            indptr, indices, data, src_nodes[src_ptr[c] : src_ptr[c + 1]], limits[c], delta, dist[c], src[c]
        )
    return dist, src.astype(np.int32)


def _one_facility(
    indptr: IntArray,
    indices: IndexArray,
    data: FloatArray,
    ent_ptr: IntArray,
    ent_plot: IntArray,
    ent_off: FloatArray,
    source: int,
    limit: float,
    dist: FloatArray,
    touched: IntArray,
    heap_k: FloatArray,
    heap_v: IntArray,
    stamp: IntArray,
    fd: FloatArray,
    hit: IntArray,
    mark: int,
) -> tuple[int, FloatArray, IntArray, IntArray]:
    """Binary-heap Dijkstra from one source up to ``limit``; the plots it reaches and their distance.

    ``dist`` is inf on entry and on return (reset through ``touched``). Returns the number of
    plots reached (their positions in ``hit[:n]``, distances in ``fd``) and the heap arrays
    (grown when needed).
    """
    n_touch = 0
    n_hit = 0
    size = 1
    heap_k[0] = 0.0
    heap_v[0] = source
    dist[source] = 0.0
    touched[n_touch] = source
    n_touch += 1
    while size > 0:
        d = heap_k[0]
        u = heap_v[0]
        size -= 1
        k = heap_k[size]
        v = heap_v[size]
        j = 0
        while True:
            c = 2 * j + 1
            if c >= size:
                break
            if c + 1 < size and heap_k[c + 1] < heap_k[c]:
                c += 1
            if heap_k[c] >= k:
                break
            heap_k[j] = heap_k[c]
            heap_v[j] = heap_v[c]
            j = c
        heap_k[j] = k
        heap_v[j] = v
        if d > dist[u]:
            continue
        for q in range(ent_ptr[u], ent_ptr[u + 1]):
            val = d + ent_off[q]
            if val <= limit:
                p = ent_plot[q]
                if stamp[p] != mark:
                    stamp[p] = mark
                    fd[p] = val
                    hit[n_hit] = p
                    n_hit += 1
                elif val < fd[p]:
                    fd[p] = val
        for e in range(indptr[u], indptr[u + 1]):
            w = indices[e]
            nd = d + data[e]
            if nd < dist[w] and nd <= limit:
                if dist[w] == np.inf:
                    touched[n_touch] = w
                    n_touch += 1
                dist[w] = nd
                if size == heap_k.shape[0]:
                    heap_k = _grow(heap_k, size + 1)
                    heap_v = _grow(heap_v, size + 1)
                j = size
                size += 1
                while j > 0:
                    p2 = (j - 1) // 2
                    if heap_k[p2] <= nd:
                        break
                    heap_k[j] = heap_k[p2]
                    heap_v[j] = heap_v[p2]
                    j = p2
                heap_k[j] = nd
                heap_v[j] = w
    for i in range(n_touch):
        dist[touched[i]] = np.inf
    return n_hit, heap_k, heap_v, hit


def _plot_pass(
    indptr: IntArray,
    indices: IndexArray,
    data: FloatArray,
    ent_ptr: IntArray,
    ent_plot: IntArray,
    ent_off: FloatArray,
    n_plots: int,
    fac_node: IntArray,
    fac_cat: IntArray,
    fac_limit: FloatArray,
    fac_count_m: FloatArray,
    fac_nearest: npt.NDArray[np.bool_],
    n_cat: int,
    n_threads: int,
) -> tuple[FloatArray, IntArray, Int32Array]:
    """Per thread, per (plot, category): nearest distance, nearest facility (index), count."""
    n = indptr.shape[0] - 1
    n_fac = fac_node.shape[0]
    best_d = np.full((n_threads, n_plots, n_cat), np.inf)
    best_f = np.full((n_threads, n_plots, n_cat), -1, dtype=np.int64)
    count = np.zeros((n_threads, n_plots, n_cat), dtype=np.int32)
    for t in _prange(n_threads):
        dist = np.full(n, np.inf)
        touched = np.empty(n, dtype=np.int64)
        heap_k = np.empty(4096, dtype=np.float64)
        heap_v = np.empty(4096, dtype=np.int64)
        stamp = np.full(n_plots, -1, dtype=np.int64)
        fd = np.empty(n_plots, dtype=np.float64)
        hit = np.empty(n_plots, dtype=np.int64)
        bd = best_d[t]
        bf = best_f[t]
        cnt = count[t]
        for f in range(t, n_fac, n_threads):  # strided: neighbours in Z-order go to both threads
            c = fac_cat[f]
            n_hit, heap_k, heap_v, hit = _one_facility(
                indptr,
                indices,
                data,
                ent_ptr,
                ent_plot,
                ent_off,
                fac_node[f],
                fac_limit[f],
                dist,
                touched,
                heap_k,
                heap_v,
                stamp,
                fd,
                hit,
                f,
            )
            r = fac_count_m[f]
            for i in range(n_hit):
                p = hit[i]
                val = fd[p]
                if val <= r:
                    cnt[p, c] += 1
                if fac_nearest[f] and (val < bd[p, c] or (val == bd[p, c] and f < bf[p, c])):
                    bd[p, c] = val
                    bf[p, c] = f
    return best_d, best_f, count


def _point_segment(x: float, y: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Distance of (x, y) to the segment a→b, operation for operation as network.point_segment_distance."""
    dx = bx - ax
    dy = by - ay
    len2 = dx * dx + dy * dy
    u = 0.0
    if len2 > 0:
        u = min(max(((x - ax) * dx + (y - ay) * dy) / len2, 0.0), 1.0)
    return math.hypot(x - (ax + u * dx), y - (ay + u * dy))


def _nearest_points(
    px: FloatArray,
    py: FloatArray,
    grid: FloatArray,
    shape: IntArray,
    cell_start: IntArray,
    cell_edges: Int32Array,
    cell_flag: npt.NDArray[np.int8],
    edge_box: FloatArray,
    a: FloatArray,
    b: FloatArray,
    extra_m: float,
    max_m: float,
) -> tuple[IntArray, IntArray, FloatArray]:
    """EdgeIndex.nearest for points, point by point: the same growing boxes, the same rows.

    ``grid`` = (origin x, origin y, cell_m, top x, top y), ``shape`` = (nx, ny); ``max_m`` inf for
    no cap. Per point the box grows (cell_m, then at least double, capped past max_m) until the
    nearest edge among the edges whose boxes meet it is within the growth less ``extra_m`` (or the
    box covers the grid); then every such edge at most ``extra_m`` farther is a row. Rows come by
    point, then edge.
    """
    ox, oy, cell_m, top_x, top_y = grid[0], grid[1], grid[2], grid[3], grid[4]
    nx, ny = shape[0], shape[1]
    n = px.shape[0]
    out_g = np.empty(max(16, 4 * n), dtype=np.int64)
    out_e = np.empty(max(16, 4 * n), dtype=np.int64)
    out_d = np.empty(max(16, 4 * n), dtype=np.float64)
    m = 0
    buf_e = np.empty(64, dtype=np.int64)
    buf_d = np.empty(64, dtype=np.float64)
    capped = max_m < np.inf
    for i in range(n):
        x = px[i]
        y = py[i]
        if not (np.isfinite(x) and np.isfinite(y)):
            continue
        grow = cell_m
        while True:
            lox = x - grow
            loy = y - grow
            hix = x - 0.0 + grow
            hiy = y - 0.0 + grow
            c0x = min(max(int(np.floor((lox - ox) / cell_m)), 0), nx - 1)
            c1x = min(max(int(np.floor((hix - ox) / cell_m)), 0), nx - 1)
            c0y = min(max(int(np.floor((loy - oy) / cell_m)), 0), ny - 1)
            c1y = min(max(int(np.floor((hiy - oy) / cell_m)), 0), ny - 1)
            k = 0
            best = np.inf
            for cx in range(c0x, c1x + 1):
                for cy in range(c0y, c1y + 1):
                    cell = cx * ny + cy
                    for at in range(cell_start[cell], cell_start[cell + 1]):
                        flag = cell_flag[at]
                        # Each edge once: from the cell where the box's and the edge's ranges first meet.
                        if not ((cx == c0x or (flag & 1) > 0) and (cy == c0y or (flag & 2) > 0)):
                            continue
                        e = cell_edges[at]
                        if not (
                            edge_box[e, 0] <= hix
                            and edge_box[e, 2] >= lox
                            and edge_box[e, 1] <= hiy
                            and edge_box[e, 3] >= loy
                        ):
                            continue
                        d = _point_segment(x, y, a[e, 0], a[e, 1], b[e, 0], b[e, 1])
                        if k == buf_e.shape[0]:
                            buf_e = _grow(buf_e, k + 1)
                            buf_d = _grow(buf_d, k + 1)
                        buf_e[k] = e
                        buf_d[k] = d
                        k += 1
                        best = min(best, d)
            covers = lox <= ox and loy <= oy and hix >= top_x and hiy >= top_y
            if best + extra_m + 1e-6 <= grow or covers:
                lim = best + extra_m + 1e-6
                first = m
                for j in range(k):
                    if buf_d[j] <= lim:
                        if m == out_g.shape[0]:
                            out_g = _grow(out_g, m + 1)
                            out_e = _grow(out_e, m + 1)
                            out_d = _grow(out_d, m + 1)
                        # Insertion by edge: a point has a handful of rows.
                        at2 = m
                        while at2 > first and out_e[at2 - 1] > buf_e[j]:
                            out_e[at2] = out_e[at2 - 1]
                            out_d[at2] = out_d[at2 - 1]
                            at2 -= 1
                        out_e[at2] = buf_e[j]
                        out_d[at2] = buf_d[j]
                        out_g[m] = i
                        m += 1
                break
            if capped and not (grow < max_m + extra_m + 1e-6):
                break  # the nearest edge is farther than max_m: no row
            need = best + extra_m + 1e-6 if np.isfinite(best) else 0.0
            grow = max(grow * 2.0, need)
            if capped:
                grow = min(grow, max_m + extra_m + 2e-6)
    return out_g[:m], out_e[:m], out_d[:m]


_compiled: dict[str, Callable[..., Any]] = {}
_tried = False
_lock = threading.Lock()
#: Why the compiled core is not in use (empty when it is, or before the first try).
why_not = ""


def _compile() -> bool:
    """Compile the kernels once, lazily (``cache=True``: later processes load the machine code
    from numba's on-disk cache, ~0.4 s instead of ~20 s). A numba that is missing, or that
    cannot compile or cache here (a frozen app without sources), leaves the scipy path."""
    with _lock:  # a second caller (the app's warm-up beside a first scoring) waits for the first
        return _compile_once()


def _compile_once() -> bool:
    global _tried, why_not
    if _tried:
        return bool(_compiled)
    _tried = True
    try:
        numba: Any = importlib.import_module("numba")
    except ImportError as exc:
        why_not = f"numba is niet geïnstalleerd ({exc})"
        return False
    jit = numba.njit(nogil=True, cache=True)
    g = globals()
    # Helpers first: the parallel kernels call them by their module-global (compiled) names.
    g["_grow"] = jit(_grow)
    g["_field_one"] = jit(_field_one)
    g["_one_facility"] = jit(_one_facility)
    g["_point_segment"] = jit(_point_segment)
    g["_prange"] = numba.prange
    par = numba.njit(nogil=True, cache=True, parallel=True)
    # Serial twins for small work: waking the worker threads costs milliseconds on a busy
    # machine, more than a one-category search of a town (measured: 16 ms against 0.04 ms).
    kernels = {
        "fields": par(_fields),
        "plot_pass": par(_plot_pass),
        "fields_serial": jit(_fields),
        "plot_pass_serial": jit(_plot_pass),
        "nearest_points": jit(_nearest_points),
    }
    try:
        _tiny(kernels)
    except (RuntimeError, OSError, numba.core.errors.NumbaError) as exc:
        why_not = f"numba kan de kern hier niet compileren ({type(exc).__name__}: {exc})"
        return False
    _compiled.update(kernels)
    return True


def _tiny(kernels: dict[str, Callable[..., Any]]) -> None:
    """Run the kernels on a two-node graph: compiles them (or loads them from the cache)."""
    indptr = np.array([0, 1, 2], dtype=np.int64)
    data = np.array([1.0, 1.0])
    one = np.array([0], dtype=np.int64)
    idx = np.array([1, 0], dtype=np.int32)  # what csr_arrays gives below 2**31 nodes
    for mode in ("", "_serial"):
        kernels["fields" + mode](
            indptr, idx, data, np.array([0, 1], dtype=np.int64), one, np.array([5.0]), DELTA_M
        )
        kernels["plot_pass" + mode](
            indptr,
            idx,
            data,
            np.array([0, 0, 1], dtype=np.int64),
            one,
            np.array([0.5]),
            1,
            one,
            one,
            np.array([5.0]),
            np.array([5.0]),
            np.array([True]),
            1,
            1,
        )
    # One edge in one cell; the index arrays read-only, as EdgeIndex holds them (another type to numba).
    c_start = np.array([0, 1], dtype=np.int64)
    c_edges = np.zeros(1, dtype=np.int32)
    c_flag = np.array([3], dtype=np.int8)
    e_box = np.array([[0.0, 0.0, 1.0, 0.0]])
    e_a = np.array([[0.0, 0.0]])
    e_b = np.array([[1.0, 0.0]])
    for arr in (c_start, c_edges, c_flag, e_box, e_a, e_b):
        arr.setflags(write=False)
    grid = (0.0, 0.0, 50.0, 50.0, 50.0)
    point = np.zeros(1)
    nearest_points(
        point,
        point,
        grid,
        (1, 1),
        c_start,
        c_edges,
        c_flag,
        e_box,
        e_a,
        e_b,
        0.0,
        np.inf,
        kernel=kernels["nearest_points"],
    )


def nearest_points(
    px: FloatArray,
    py: FloatArray,
    grid: tuple[float, float, float, float, float],
    shape: tuple[int, int],
    cell_start: IntArray,
    cell_edges: Int32Array,
    cell_flag: npt.NDArray[np.int8],
    edge_box: FloatArray,
    a: FloatArray,
    b: FloatArray,
    extra_m: float,
    max_m: float,
    *,
    kernel: Callable[..., Any] | None = None,
) -> tuple[IntArray, IntArray, FloatArray]:
    """(point, edge, distance) rows of ``EdgeIndex.nearest`` for points, compiled (see
    :func:`_nearest_points`); call only where :func:`enabled` is True."""
    run = _compiled["nearest_points"] if kernel is None else kernel
    out: tuple[IntArray, IntArray, FloatArray] = run(
        np.ascontiguousarray(px, dtype=np.float64),
        np.ascontiguousarray(py, dtype=np.float64),
        np.asarray(grid, dtype=np.float64),
        np.asarray(shape, dtype=np.int64),
        np.ascontiguousarray(cell_start, dtype=np.int64),
        np.ascontiguousarray(cell_edges, dtype=np.int32),
        np.ascontiguousarray(cell_flag, dtype=np.int8),
        np.ascontiguousarray(edge_box, dtype=np.float64),
        np.ascontiguousarray(a, dtype=np.float64),
        np.ascontiguousarray(b, dtype=np.float64),
        float(extra_m),
        float(max_m),
    )
    return out


def numba_available() -> bool:
    """True when numba is importable (the kernels compile on first use)."""
    return _compile()


def enabled() -> bool:
    """True when the compiled core is the search to use: numba present and not switched off."""
    if os.environ.get(ENV_VAR, "").strip().lower() == "scipy":
        return False
    return _compile()


def _threads() -> int:
    if _compiled:
        numba: Any = importlib.import_module("numba")
        return int(numba.get_num_threads())
    return 1


def csr_arrays(
    indptr: npt.ArrayLike, indices: npt.ArrayLike, data: npt.ArrayLike
) -> tuple[IntArray, IndexArray, FloatArray]:
    """The CSR arrays as the kernels take them: int64 row pointers, int32 columns where they fit
    (half the memory traffic of int64), float64 lengths. Callers that search one graph often
    keep these (see distance.py's per-network cache) instead of converting on every call."""
    idx = np.asarray(indices)
    small = idx.size == 0 or int(idx.max()) < 2**31 - 1
    return (
        np.ascontiguousarray(indptr, dtype=np.int64),
        np.ascontiguousarray(idx, dtype=np.int32 if small else np.int64),
        np.ascontiguousarray(data, dtype=np.float64),
    )


def fields(
    indptr: npt.ArrayLike,
    indices: npt.ArrayLike,
    data: npt.ArrayLike,
    sources: list[IntArray],
    limits: list[float],
    *,
    compiled: bool = True,
    delta: float = DELTA_M,
) -> tuple[FloatArray, Int32Array]:
    """Per category c: distance to the nearest of ``sources[c]`` (inf past ``limits[c]``) and that source.

    Returns (n_cat × n_nodes) arrays. Like ``dijkstra(csr, indices=sources[c], min_only=True,
    limit=limits[c], return_predecessors=True)`` per category; ties between sources at exactly
    equal distance may name another source than scipy does.
    """
    ip, ix, dt = csr_arrays(indptr, indices, data)
    ptr = np.zeros(len(sources) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(s) for s in sources])
    nodes = (
        np.concatenate([np.asarray(s, dtype=np.int64) for s in sources]) if sources else np.zeros(0, np.int64)
    )
    lim = np.asarray(limits, dtype=np.float64)
    if compiled and _compile():
        kernel = _compiled["fields" if len(sources) > 1 and _threads() > 1 else "fields_serial"]
        out: tuple[FloatArray, Int32Array] = kernel(ip, ix, dt, ptr, nodes, lim, float(delta))
        return out
    return _fields(ip, ix, dt, ptr, nodes, lim, float(delta))


def plot_pass(
    indptr: npt.ArrayLike,
    indices: npt.ArrayLike,
    data: npt.ArrayLike,
    entries: tuple[IntArray, IntArray, FloatArray],
    n_plots: int,
    facilities: tuple[IntArray, IntArray, FloatArray, FloatArray, npt.NDArray[np.bool_]],
    n_cat: int,
    *,
    compiled: bool = True,
) -> tuple[FloatArray, IntArray, Int32Array]:
    """Per (plot, category): nearest distance and facility (index into the facility arrays), count.

    ``entries`` = (node, plot, offset m) of every plot entry point; ``facilities`` = (source
    node, category index, search limit m, count radius m, keep nearest) per facility. A plot's
    distance from a facility is the minimum over its entry points of node distance + offset;
    the facility counts when that is within its count radius, and is the plot's nearest (for
    facilities with ``keep nearest``) when it is the smallest within the limit (ties: the lower
    index). Unreached: inf, −1.
    """
    ip, ix, dt = csr_arrays(indptr, indices, data)
    n = len(ip) - 1
    node, plot, off = entries
    order = np.argsort(node, kind="stable")
    ent_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(node, minlength=n), out=ent_ptr[1:])
    ent_plot = np.ascontiguousarray(plot[order], dtype=np.int64)
    ent_off = np.ascontiguousarray(off[order], dtype=np.float64)
    f_node, f_cat, f_lim, f_cnt, f_near = (np.ascontiguousarray(a) for a in facilities)
    args = (
        ip,
        ix,
        dt,
        ent_ptr,
        ent_plot,
        ent_off,
        int(n_plots),
        f_node.astype(np.int64),
        f_cat.astype(np.int64),
        f_lim.astype(np.float64),
        f_cnt.astype(np.float64),
        f_near.astype(np.bool_),
        int(n_cat),
    )
    if compiled and _compile():
        # Threads only for enough facilities to outweigh waking them (see _compile).
        threads = min(_threads(), max(1, len(f_node) // PARALLEL_FACILITIES))
        kernel = _compiled["plot_pass" if threads > 1 else "plot_pass_serial"]
        bd, bf, cnt = kernel(*args, threads)
    else:
        bd, bf, cnt = _plot_pass(*args, 1)
    if bd.shape[0] == 1:
        return bd[0], bf[0], cnt[0]
    # Merge the threads: smallest distance, then lowest facility index; counts add up.
    d_all = bd
    f_all = np.where(bf < 0, np.iinfo(np.int64).max, bf)
    key = np.lexsort((f_all, d_all), axis=0)[0]
    best_d = np.take_along_axis(d_all, key[None], axis=0)[0]
    best_f = np.take_along_axis(bf, key[None], axis=0)[0]
    return best_d, best_f, cnt.sum(axis=0, dtype=np.int32)


def warm_up() -> bool:
    """Compile (or load from numba's cache) the kernels now; False when the scipy path is in use.

    Call it where a short wait does not matter (installation, a worker thread at start-up), so
    the first scoring does not wait for the compiler.
    """
    return enabled()
