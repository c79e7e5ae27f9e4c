"""The one worker mechanism for long work: a Python thread that reports through Qt signals.

The core takes a plain ``progress(fraction, text)`` callback; the worker's callback emits a
queued signal and raises :class:`Cancelled` once the user pressed *Annuleren*, so the core
never needs to know about threads. Results and errors come back as signals on the GUI thread;
workers never touch widgets. Running workers are kept referenced until they finish.

Why not QThreadPool: pyproj 3.7 keeps a thread-local PROJ context that breaks on reused Qt pool
threads (crashes or "no database context" in CRS handling; pyproj issues #1509/#1622). A fresh
Python thread per task avoids it; the signals are queued to the GUI thread all the same.

Usage: ``w = Worker(func, arg); w.signals.finished.connect(...); w.start()`` — connect before
starting, so no signal can be missed.
"""

from __future__ import annotations

import atexit
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Signal

__all__ = ["Cancelled", "Worker"]


class Cancelled(Exception):
    """Raised from the progress callback when the user cancelled."""


class _Signals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)  # the return value
    failed = Signal(object, str)  # the exception, its traceback text (for the log, not the user)
    cancelled = Signal()
    done = Signal()  # always last, after finished/failed/cancelled


class Worker:
    """Run ``func(*args, progress=callback, **kwargs)`` off the GUI thread."""

    _running: ClassVar[set[Worker]] = set()

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.signals = _Signals()
        self._func = func
        self._args = args
        self._kwargs = kwargs
        self._cancel = False
        self._last_emit = 0.0

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel = True

    @property
    def is_cancelled(self) -> bool:
        return self._cancel

    def _progress(self, fraction: float, text: str = "") -> None:
        if self._cancel:
            raise Cancelled
        now = time.monotonic()
        if now - self._last_emit > 0.05 or fraction >= 1.0:  # throttle: ≤ 20 updates/s
            self._last_emit = now
            self.signals.progress.emit(float(fraction), text)

    def run(self) -> None:  # runs on the worker thread
        try:
            result = self._func(*self._args, progress=self._progress, **self._kwargs)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, shown as a Dutch dialog
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            # Finished before it saw the cancel: the work is done (and saved), so say so.
            self.signals.finished.emit(result)
        finally:
            self.signals.done.emit()

    def start(self) -> Worker:
        Worker._running.add(self)
        self.signals.done.connect(lambda: Worker._running.discard(self))
        self._thread = threading.Thread(target=self.run, name="bodnaarplot-worker", daemon=True)
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work has ended (for shutdown and tests); True if it has."""
        thread = getattr(self, "_thread", None)
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()


@atexit.register
def _stop_running_workers() -> None:
    """Cancel and join workers still running when Python exits.

    A daemon thread still inside Qt or PROJ while the interpreter tears down aborts the process
    ("terminate called without an active exception"); the work stops at its next progress
    report, so this wait is short.
    """
    for worker in list(Worker._running):
        worker.cancel()
    for worker in list(Worker._running):
        worker.wait(timeout=30)
