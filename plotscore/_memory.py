"""Give freed heap memory back to the operating system after large transient work.

Building a walking graph or snapping a million plots allocates and frees hundreds of MB of
temporary arrays; glibc keeps that memory in the process heap, so a long-running app (a
workshop lasts hours) would hold it for nothing. ``malloc_trim`` returns it. Elsewhere
(macOS, Windows, musl) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

__all__ = ["release_free_memory"]


@functools.lru_cache(maxsize=1)
def _trim() -> ctypes._NamedFuncPointer | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return getattr(libc, "malloc_trim", None)


def release_free_memory() -> None:
    """Return free heap pages to the OS (glibc ``malloc_trim(0)``); harmless anywhere."""
    trim = _trim()
    if trim is not None:
        trim(0)
