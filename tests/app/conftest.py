"""Qt tests run offscreen, never touch the user's settings and share a small demo project."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[Path]:
    """Point QSettings at ``tmp_path`` (INI format) so tests never read or write real settings."""
    from PySide6.QtCore import QCoreApplication, QSettings

    folder = tmp_path / "settings"
    folder.mkdir()
    QCoreApplication.setOrganizationName("VanBodNaarPlotTest")
    QCoreApplication.setApplicationName("bodnaarplot-test")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    """A fresh copy of the Delft demo project (58 plots, facilities, opgave), closed."""
    from projects.demo import create_demo_project

    path = tmp_path / "demo.gpkg"
    create_demo_project(path).close()
    return path


@pytest.fixture
def controller(qtbot, demo_file: Path):  # type: ignore[no-untyped-def]
    """A ProjectController with the demo project open (loaded and scored in its worker)."""
    from app.controller import ProjectController

    ctrl = ProjectController()
    with qtbot.waitSignal(ctrl.project_changed, timeout=60_000):
        ctrl.open_project(demo_file)
    qtbot.waitUntil(lambda: not ctrl.is_busy)  # project_changed comes just before the worker's done
    assert ctrl.store is not None
    yield ctrl
    ctrl.cancel()
    qtbot.waitUntil(lambda: not ctrl.is_busy, timeout=60_000)
    ctrl.close_project()


@pytest.fixture
def offline_basemap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No internet in tests: the base map's tile server refuses at once (the app shows "offline")."""
    monkeypatch.setenv("BODNAARPLOT_BRT_URL", "http://127.0.0.1:9/{layer}/{z}/{x}/{y}.png")
    monkeypatch.setenv("BODNAARPLOT_CACHE_DIR", str(tmp_path / "cache"))
