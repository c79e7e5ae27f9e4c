"""Progress reporting for long work, without knowing who listens (CLI, Qt worker, test).

A progress callback takes a fraction 0.0–1.0 and a short Dutch status text. Cancellation is
the caller's business: its callback may raise (the app raises ``Cancelled``); the engine never
swallows that exception and never mutates its inputs, so an aborted run leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "report", "scaled"]

Progress = Callable[[float, str], None]


def report(progress: Progress | None, fraction: float, text: str = "") -> None:
    """Call ``progress`` if there is one (a no-op otherwise)."""
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)), text)


def scaled(progress: Progress | None, start: float, end: float) -> Progress | None:
    """A callback that maps a sub-step's 0–1 onto ``start``–``end`` of the whole."""
    if progress is None:
        return None
    parent = progress

    def sub(fraction: float, text: str) -> None:
        parent(start + (end - start) * min(1.0, max(0.0, fraction)), text)

    return sub
