"""Per-network cache of what a scoring run joins to the walking graph, keyed on the inputs' content.

Joining the facilities to the network (edge snaps, distinct facilities) and building the
augmented graph (virtual nodes, one source node per facility) costs more than a bounded search
itself, and the same (network, profile, facility set) comes back again and again: re-scoring,
exports, a dossier's routes. Entries hang off the :class:`~plotscore.network.WalkGraph` (weakly:
they go with the graph; a graph is built for one profile, so the profile is part of it) and are
keyed on a digest of the inputs' *content*, never on object identity: a changed facility layer
gives a new key and is never served from the cache. Each graph keeps at most
:data:`MAX_ENTRIES`, least recently used first out. Values are shared: callers must not mutate
them.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from plotscore.network import WalkGraph

__all__ = ["MAX_ENTRIES", "CacheInfo", "array_digest", "cache_info", "cached", "clear", "frame_digest"]

#: Entries kept per graph (a facility join and an augmented graph per facility set and run).
MAX_ENTRIES = 6

T = TypeVar("T")

_lock = threading.Lock()
_store: weakref.WeakKeyDictionary[WalkGraph, OrderedDict[Hashable, Any]] = weakref.WeakKeyDictionary()
_counts = {"hits": 0, "misses": 0}


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """Hits and misses since the last :func:`clear`, and the entries held now (all graphs)."""

    hits: int
    misses: int
    entries: int


def array_digest(*arrays: npt.ArrayLike) -> str:
    """A content digest of arrays (dtype, shape and bytes of each)."""
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        arr = np.ascontiguousarray(np.asarray(a))
        h.update(f"{arr.dtype.str}{arr.shape}|".encode())
        h.update(arr.tobytes() if arr.dtype != object else repr(arr.tolist()).encode())
    return h.hexdigest()


def frame_digest(frame: pd.DataFrame) -> str | None:
    """A content digest of a (Geo)DataFrame: columns, dtypes, index, values and geometries (WKB).

    None when a column holds values pandas cannot hash (lists, dicts): such a frame is not cached.
    """
    h = hashlib.blake2b(digest_size=16)
    geom_name = getattr(frame, "_geometry_column_name", None)
    h.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    h.update(repr(getattr(frame, "crs", None)).encode())
    rest = frame.drop(columns=[geom_name]) if geom_name in frame.columns else frame
    try:
        rows = pd.util.hash_pandas_object(rest, index=True).to_numpy()
    except (TypeError, ValueError):  # not caching is always correct
        return None
    h.update(rows.tobytes())
    if geom_name in frame.columns:
        wkb = shapely.to_wkb(np.asarray(frame[geom_name].to_numpy(), dtype=object))
        for b in wkb.tolist():  # one bytes object per row; None for a missing geometry
            h.update(b"\x00" if b is None else len(b).to_bytes(4, "little") + b)
    return h.hexdigest()


def cached(graph: WalkGraph, key: Hashable, build: Callable[[], T], *, use: bool = True) -> T:
    """``build()`` once per (graph, key); later calls with an equal key get the same object.

    ``use=False`` builds without reading or filling the cache (the reference path in tests and
    the bench's uncached row).
    """
    if not use:
        return build()
    with _lock:
        entries = _store.get(graph)
        if entries is not None and key in entries:
            entries.move_to_end(key)
            _counts["hits"] += 1
            return cast(T, entries[key])
        _counts["misses"] += 1
    value = build()  # outside the lock: other graphs and keys need not wait
    with _lock:
        entries = _store.setdefault(graph, OrderedDict())
        entries[key] = value
        entries.move_to_end(key)
        while len(entries) > MAX_ENTRIES:
            entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every entry and reset the counts."""
    with _lock:
        _store.clear()
        _counts["hits"] = _counts["misses"] = 0


def cache_info() -> CacheInfo:
    with _lock:
        return CacheInfo(_counts["hits"], _counts["misses"], sum(len(e) for e in _store.values()))
