"""Issue 10: first-run welcome, the Over dialog, the in-app handleiding and the screenshot scenes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from app.dialogs.about_dialog import AboutDialog, attributions
from app.dialogs.help_dialog import HelpDialog, handleiding_path
from app.dialogs.welcome_dialog import WELCOME_SETTING, WelcomeDialog
from app.main_window import MainWindow
from app.scenes import SCENES, play

REPO = Path(__file__).resolve().parents[2]


def test_about_names_every_data_licence(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.tabs.widget(1).toPlainText()  # type: ignore[attr-defined]
    for licence in ("ODbL", "CC BY 4.0", "CC0"):
        assert licence in text
    for row in attributions()["data"]:
        assert row["attribution"] in text
    software = dialog.tabs.widget(2).toPlainText()  # type: ignore[attr-defined]
    assert "LGPL" in software
    assert "MIT" in software


def test_welcome_offers_the_demo_and_remembers_it_was_shown(qtbot, controller) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(controller)
    qtbot.addWidget(window)
    opened: list[str] = []
    window.workflow.open_demo = lambda: opened.append("demo")  # type: ignore[method-assign]
    assert not QSettings().value(WELCOME_SETTING, False, type=bool)
    window.workflow.show_welcome()
    dialog = window.workflow.welcome_dialog
    assert isinstance(dialog, WelcomeDialog)
    dialog.demo_button.click()
    qtbot.waitUntil(lambda: opened == ["demo"])
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert QSettings().value(WELCOME_SETTING, False, type=bool)  # not shown again at start-up


def test_handleiding_opens_with_its_screenshots(qtbot) -> None:  # type: ignore[no-untyped-def]
    path = handleiding_path()
    assert path is not None
    assert path == REPO / "docs" / "handleiding.md"
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    assert "Werksessie" in dialog.browser.toPlainText()


def test_handleiding_shows_every_scene_and_only_existing_images() -> None:
    text = (REPO / "docs" / "handleiding.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((img/[^)]+)\)", text)
    assert images, "the handleiding has no screenshots"
    for rel in images:
        assert (REPO / "docs" / rel).is_file(), rel
    for scene in SCENES:
        assert f"img/{scene}.png" in images, f"scene {scene} is not in the handleiding"


def test_every_scene_plays_on_the_demo(qtbot, controller) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    for name in SCENES:
        if name == "regio":
            continue  # opens a region instead of the demo: played last, below
        widget = play(name, window, controller)
        qtbot.waitUntil(lambda: not controller.is_busy, timeout=60_000)
        assert not widget.grab().isNull(), name
        if widget is not window:
            widget.close()
    # The ledger scenes reserved example plots, as a user would through the dialog.
    assert controller.state is not None
    assert len(controller.state.reservations) >= 3
    play("regio", window, controller)
    qtbot.waitUntil(lambda: window.region.view is not None and not controller.is_busy, timeout=60_000)
    assert window.region_dock.isVisible()
    # The export dialog (closed, still alive) may lay out its preview once more when the project
    # closes: let that end before the window goes, or its result lands on a deleted dialog.
    dialog = window.workflow.export_dialog
    qtbot.waitUntil(lambda: not dialog.is_loading, timeout=60_000)


@pytest.mark.slow
def test_cli_scene_screenshot(tmp_path: Path) -> None:
    out = tmp_path / "bod.png"
    env = {"QT_QPA_PLATFORM": "offscreen", "BODNAARPLOT_BRT_URL": "http://127.0.0.1:9/brt"}
    import os

    proc = subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--screenshot", str(out), "--scene", "bod"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000
    bad = subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--screenshot", str(out), "--scene", "bestaatniet"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "onbekende scène" in bad.stderr
    assert "Traceback" not in bad.stderr
