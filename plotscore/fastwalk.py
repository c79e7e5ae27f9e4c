"""An optional compiled bounded multi-source search (numba), beside the scipy reference.

NOT the default: :mod:`plotscore.distance` searches with ``scipy.sparse.csgraph.dijkstra``,
which stays the reference. This module is measured in the bench (``bench/peers.py``) and
tested against scipy (tests/plotscore/test_fastwalk.py) to decide whether a compiled core is
worth shipping. numba is optional: without it :func:`available` is False and
:func:`multi_source` runs the same kernel as plain Python (correct, slow: for tests only).

The kernel is a binary-heap Dijkstra on the CSR arrays with lazy deletion, from every source at
once (distance 0), never past ``limit``; float64 keys, so distances are exact sums like scipy's
(no integer rounding: decimetre weights drift by metres over long paths, see issue 22).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

__all__ = ["available", "multi_source"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _search(
    indptr: IntArray, indices: IntArray, data: FloatArray, sources: IntArray, limit: float
) -> tuple[FloatArray, IntArray]:
    """Distance to the nearest source (inf beyond ``limit``) and that source's node, per node.

    Written in the subset of Python that numba compiles (arrays and scalars only).
    """
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    src = np.full(n, -1, dtype=np.int64)
    cap = indices.shape[0] + sources.shape[0] + 1
    hk = np.empty(cap, dtype=np.float64)  # heap keys
    hv = np.empty(cap, dtype=np.int64)  # heap values (nodes)
    size = 0
    for i in range(sources.shape[0]):
        s = sources[i]
        if dist[s] > 0.0:
            dist[s] = 0.0
            src[s] = s
            hk[size] = 0.0
            hv[size] = s
            size += 1  # all keys 0: already a heap
    while size > 0:
        d = hk[0]
        u = hv[0]
        size -= 1
        # Move the last item to the root and sift it down.
        k = hk[size]
        v = hv[size]
        j = 0
        while True:
            c = 2 * j + 1
            if c >= size:
                break
            if c + 1 < size and hk[c + 1] < hk[c]:
                c += 1
            if hk[c] >= k:
                break
            hk[j] = hk[c]
            hv[j] = hv[c]
            j = c
        hk[j] = k
        hv[j] = v
        if d > dist[u]:
            continue  # a stale entry
        for e in range(indptr[u], indptr[u + 1]):
            w = indices[e]
            nd = d + data[e]
            if nd < dist[w] and nd <= limit:
                dist[w] = nd
                src[w] = src[u]
                # Push and sift up.
                j = size
                size += 1
                while j > 0:
                    p = (j - 1) // 2
                    if hk[p] <= nd:
                        break
                    hk[j] = hk[p]
                    hv[j] = hv[p]
                    j = p
                hk[j] = nd
                hv[j] = w
    return dist, src


_compiled: Callable[..., tuple[FloatArray, IntArray]] | None = None
_tried = False


def _kernel() -> Callable[..., tuple[FloatArray, IntArray]] | None:
    """The numba-compiled kernel, or None when numba is not installed (compiled once, lazily)."""
    global _compiled, _tried
    if not _tried:
        _tried = True
        try:
            numba: Any = importlib.import_module("numba")
        except ImportError:
            return None
        _compiled = numba.njit(nogil=True, cache=False)(_search)
    return _compiled


def available() -> bool:
    """True when numba is installed and the compiled kernel can be used."""
    return _kernel() is not None


def multi_source(
    csr: sparse.csr_array, sources: npt.ArrayLike, limit: float = math.inf, *, compiled: bool = True
) -> tuple[FloatArray, IntArray]:
    """Like ``dijkstra(csr, indices=sources, min_only=True, limit=limit, return_predecessors=True)``.

    Returns (distance, source node) per node: inf and −1 where no source is within ``limit``.
    Ties between sources at exactly equal distance may name another source than scipy does.
    ``compiled=False`` (or no numba) runs the kernel as plain Python.
    """
    # Index arrays keep their dtype (int32 or int64: numba compiles one version per dtype).
    indptr = np.ascontiguousarray(csr.indptr)
    indices = np.ascontiguousarray(csr.indices)
    data = np.ascontiguousarray(csr.data, dtype=np.float64)
    src = np.ascontiguousarray(np.asarray(sources, dtype=np.int64).ravel())
    kernel = _kernel() if compiled else None
    run = kernel if kernel is not None else _search
    return run(indptr, indices, data, src, float(limit))
