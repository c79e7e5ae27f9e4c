"""Start the desktop app: ``bodnaarplot``, ``bodnaarplot demo``, ``--screenshot PATH``."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

__all__ = ["run_gui"]


def _prepare_environment() -> None:
    # No display (CI, SSH): render offscreen instead of aborting.
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def run_gui(
    *,
    project: str | None = None,
    demo: bool = False,
    screenshot: str | None = None,
    lang: str | None = None,
    settings_dir: str | None = None,
) -> int:
    """Open the main window (on ``project``, or on a fresh demo project) and run the event loop.

    With ``screenshot`` the window is rendered to that PNG once the project has loaded, and
    the app exits: for the handleiding and for checks.
    """
    _prepare_environment()
    from PySide6.QtCore import QCoreApplication, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from app.controller import ProjectController
    from app.i18n import install_translator
    from app.main_window import MainWindow

    QCoreApplication.setOrganizationName("VanBodNaarPlot")
    QCoreApplication.setApplicationName("bodnaarplot")
    if settings_dir:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_translator(app, lang)
    controller = ProjectController()
    window = MainWindow(controller)
    window.show()

    if demo:
        controller.open_demo(Path(tempfile.mkdtemp(prefix="bodnaarplot-demo-")) / "delft-demo.gpkg")
    elif project:
        controller.open_project(project)

    if screenshot:
        out = Path(screenshot)

        def shoot() -> None:
            window.map_view.zoom_to_all()
            app.processEvents()
            window.grab().save(str(out), "PNG")
            app.quit()

        def when_loaded() -> None:
            QTimer.singleShot(800, shoot)  # let tiles (if online) and the first paint settle

        if demo or project:
            controller.project_changed.connect(when_loaded)
            controller.error.connect(lambda *_: QTimer.singleShot(200, shoot))
        else:
            QTimer.singleShot(500, shoot)
        QTimer.singleShot(120_000, app.quit)  # never hang a docs build
    return int(app.exec())
