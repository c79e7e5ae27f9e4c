"""A Qt application for painting without a window (PDF exports from the CLI, tests, benchmarks).

QPdfWriter and fonts need a QGuiApplication. The desktop app has one; a headless caller gets an
offscreen one here, made once per process.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QApplication

__all__ = ["ensure_gui_app"]

_app: QApplication | None = None


def ensure_gui_app() -> None:
    """Make sure a Qt application exists (offscreen when there is no display)."""
    global _app
    if QApplication.instance() is not None:
        return
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A QApplication (not just QGuiApplication): widgets created later in the same process
    # (the app, tests) abort on a bare QGuiApplication.
    _app = QApplication(["bodnaarplot-export"])
