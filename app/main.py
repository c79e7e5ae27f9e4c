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
    scene: str | None = None,
    size: tuple[int, int] | None = None,
) -> int:
    """Open the main window (on ``project``, or on a fresh demo project) and run the event loop.

    With ``screenshot`` the window is rendered to that PNG once the project has loaded, and
    the app exits: for the handleiding and for checks. ``size`` is the window size for the
    screenshot (default 1440×900, the handleiding's pictures); scenes that open another window
    (the presentation window) give it the same size, as a projector or laptop screen would.
    """
    _prepare_environment()
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from app.controller import ProjectController
    from app.i18n import install_translator
    from app.main_window import MainWindow

    if scene is not None:
        from app.scenes import SCENES

        if scene not in SCENES or not screenshot:
            print(  # noqa: T201 - the CLI's one-line error, before any window exists
                f"fout: onbekende scène '{scene}' of geen --screenshot. Kies uit: {', '.join(SCENES)}.",
                file=sys.stderr,
            )
            return 2
    if screenshot and settings_dir is None:
        # Screenshots start from the default layout and never change the user's own settings.
        settings_dir = tempfile.mkdtemp(prefix="bodnaarplot-shot-settings-")
    QCoreApplication.setOrganizationName("VanBodNaarPlot")
    QCoreApplication.setApplicationName("bodnaarplot")
    if settings_dir:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_translator(app, lang)
    controller = ProjectController()
    window = MainWindow(controller)
    if screenshot:
        # The same size on every machine (default: the handleiding's 1440×900), arranged for it
        # before the window is shown.
        width, height = size or (1440, 900)
        window.setGeometry(0, 0, width, height)
        window.default_layout((width, height))
    window.show()
    if not screenshot:
        _warm_up_engine()

    if not (demo or project or screenshot):
        from app.dialogs.welcome_dialog import WELCOME_SETTING

        if not QSettings().value(WELCOME_SETTING, False, type=bool):
            QTimer.singleShot(0, window.workflow.show_welcome)  # first run: offer the demo
    if demo:
        controller.open_demo(Path(tempfile.mkdtemp(prefix="bodnaarplot-demo-")) / "delft-demo.gpkg")
    elif project:
        controller.open_project(project)

    if screenshot:
        out = Path(screenshot)

        def map_building() -> bool:
            from app.map.canvas import MapView

            return any(isinstance(w, MapView) and w.is_building for w in QApplication.allWidgets())

        def save(widget: QWidget) -> None:
            if controller.is_busy or map_building():  # a scene started work (rescoring, a map): wait
                QTimer.singleShot(200, lambda: save(widget))
                return
            app.processEvents()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            app.processEvents()  # widgets a refresh just added are shown (queued show events)
            widget.grab().save(str(out), "PNG")
            app.quit()

        def shoot() -> None:
            if controller.is_busy or map_building():  # a scene zooms to plots: they must be on the map
                QTimer.singleShot(200, shoot)
                return
            window.map_view.zoom_to_all()
            app.processEvents()
            if scene:
                from app.scenes import play

                widget = play(scene, window, controller)
                QTimer.singleShot(900, lambda: save(widget))
                return
            save(window)

        def when_loaded() -> None:
            QTimer.singleShot(800, shoot)  # let tiles (if online) and the first paint settle

        if demo or project:
            controller.project_changed.connect(when_loaded)
            controller.error.connect(lambda *_: QTimer.singleShot(200, shoot))
        else:
            QTimer.singleShot(500, shoot)
        QTimer.singleShot(120_000, app.quit)  # never hang a docs build
    return int(app.exec())


def _warm_up_engine() -> None:
    """Compile the walking core in a worker while the user looks at the window (first scoring fast).

    Nothing is shown: when the compiled core cannot be used, scoring runs on the scipy path.
    """
    from app.workers import Worker
    from projects.scoring import warm_up_engine

    Worker(warm_up_engine).start()
