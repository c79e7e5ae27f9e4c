"""*Gegevens ophalen*: the dialog runs the fetch as the controller's task, with progress and cancel.

The fetchers are replaced by the stub (real demo layers, no network); the gemeente list comes
from the local fake PDOK Gebiedsindelingen service.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QGraphicsView, QMainWindow

from app import actions
from app.controller import ProjectController
from app.dialogs.fetch_dialog import API_KEY_SETTING, FetchDialog, fetch_config, view_extent
from tests.conftest import SHARED_DATA
from tests.online.fakeserver import FakeServer
from tests.online.fetch_stub import install_stub

BBOX = "83500,446500,85500,448000"  # Delft centre: the demo layers have objects here


@pytest.fixture(autouse=True)
def offline_services(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real service is ever asked: every URL points at a closed local port, cache in tmp."""
    from layers.online.config import SERVICES

    for name in SERVICES:
        monkeypatch.setenv(f"BODNAARPLOT_{name.upper()}_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BODNAARPLOT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BODNAARPLOT_RP_API_KEY", raising=False)


@pytest.fixture(autouse=True)
def gebieden(offline_services: None) -> Iterator[str]:
    """The fake PDOK gemeente service, its URL stored as the mirror setting (the completer's list)."""
    from tests.online.services import gebieden as fake_gebieden

    if not SHARED_DATA.exists():
        pytest.skip(f"shared data not found: {SHARED_DATA}")
    server = FakeServer()
    url = fake_gebieden.install(server, SHARED_DATA)["gebieden"]
    with server:
        QSettings().setValue("online/url/gebieden", url)
        yield url


def _wait_idle(qtbot, controller: ProjectController) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not controller.is_busy, timeout=120_000)


def test_menu_action_needs_a_project(qtbot) -> None:  # type: ignore[no-untyped-def]
    ctrl = ProjectController()
    win = QMainWindow()
    qtbot.addWidget(win)
    flow = actions.install(win, ctrl)
    assert not flow.actions["fetch"].isEnabled()
    errors: list[tuple[str, str]] = []
    ctrl.error.connect(lambda m, h: errors.append((m, h)))
    flow.fetch_data()
    assert errors
    assert errors[0][0] == "Er is geen project geopend."
    assert getattr(flow, "fetch_dialog", None) is None


def test_dialog_fetches_and_layers_appear(qtbot, controller, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    install_stub(monkeypatch, delay_s=0.02)
    win = QMainWindow()
    qtbot.addWidget(win)
    flow = actions.install(win, controller)
    assert flow.actions["fetch"].isEnabled()
    flow.actions["fetch"].trigger()
    dialog: FetchDialog = flow.fetch_dialog
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading_gemeenten, timeout=30_000)
    assert dialog.isVisible()
    assert dialog.gemeente.text() == "Delft"  # from the project
    assert dialog.chosen_layers() == ["bag", "osm", "plannen", "cbs"]  # brt off by default
    assert dialog.api_key.echoMode() == dialog.api_key.EchoMode.Password
    dialog.boxes["plannen"].setChecked(False)
    dialog.bbox.setText(BBOX)
    dialog.by_bbox.setChecked(True)
    dialog.api_key.setText("geheim-123")
    values: list[int] = []
    assert controller.store is not None
    before = {ls.table_name for ls in controller.store.layers()}
    with qtbot.waitSignal(controller.state_changed, timeout=120_000):
        dialog.start_button.click()
        assert dialog.worker is not None
        dialog.worker.signals.progress.connect(lambda *_: values.append(dialog.progress.value()))
        assert not dialog.start_button.isEnabled()
        assert dialog.cancel_button.isEnabled()
    _wait_idle(qtbot, controller)
    assert len(set(values)) > 3  # the bar moved
    assert dialog.progress.value() == 100
    text = dialog.results.toPlainText()
    assert text.count("✓") == 3
    assert "Voorzieningen en looppaden (OpenStreetMap)" in text
    assert "stub-opmerking osm" in text  # the fetcher's notes are listed
    assert dialog.report is not None
    assert dialog.report.ok
    after = controller.store.layers()
    fetched = [ls for ls in after if ls.table_name not in before]
    assert sorted(ls.kind for ls in fetched) == [
        "buildings",
        "facilities",
        "neighbourhoods",
        "network_source",
    ]
    assert all(ls.original_path.startswith("https://stub.example/") for ls in fetched)
    # The controller re-read the project: the new layers are in its state (for the map).
    assert controller.state is not None
    n_fetched = sum(ls.feature_count for ls in fetched if ls.kind == "neighbourhoods")
    assert len(controller.state.layers["neighbourhoods"]) >= n_fetched
    # The key went to the user's settings, never into the project.
    assert QSettings().value(API_KEY_SETTING) == "geheim-123"
    assert not any("geheim" in str(ls.meta) + ls.original_path for ls in after)
    qtbot.waitUntil(dialog.start_button.isEnabled, timeout=10_000)  # after the worker's last signal


def test_cancel_stops_the_worker_and_says_so(qtbot, controller, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    install_stub(monkeypatch, delay_s=0.3)
    dialog = FetchDialog(controller)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading_gemeenten, timeout=30_000)
    for key, box in dialog.boxes.items():
        box.setChecked(key in ("bag", "cbs"))
    dialog.bbox.setText(BBOX)
    dialog.by_bbox.setChecked(True)
    assert controller.store is not None
    before = [(ls.table_name, ls.feature_count) for ls in controller.store.layers()]
    dialog.start_button.click()
    worker = dialog.worker
    assert worker is not None
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)
    with qtbot.waitSignal(worker.signals.cancelled, timeout=30_000):
        dialog.cancel_button.click()
    _wait_idle(qtbot, controller)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    assert worker.is_cancelled
    assert not worker._thread.is_alive()
    assert "geannuleerd" in dialog.status.text()
    assert dialog.report is None
    assert dialog.worker is None
    assert dialog.start_button.isEnabled()
    assert [(ls.table_name, ls.feature_count) for ls in controller.store.layers()] == before


def test_failed_area_shows_the_error_path(qtbot, controller, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    install_stub(monkeypatch)
    dialog = FetchDialog(controller)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading_gemeenten, timeout=30_000)
    dialog.bbox.setText("4.3,52.0,4.4,52.1")  # degrees, not RD metres
    dialog.by_bbox.setChecked(True)
    errors: list[tuple[str, str]] = []
    controller.error.connect(lambda m, h: errors.append((m, h)))
    dialog.start_button.click()
    _wait_idle(qtbot, controller)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert "graden" in errors[0][0]
    assert "RD" in errors[0][1]
    assert dialog.status.text().startswith("Mislukt:")


def test_gemeente_completer_and_fetch_by_name(qtbot, controller, monkeypatch, gebieden: str) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    install_stub(monkeypatch, calls=calls)
    dialog = FetchDialog(controller)
    qtbot.addWidget(dialog)
    model = dialog.completer.model()
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=30_000)
    assert model.stringList() == ["Delft"]
    assert fetch_config().url("gebieden") == gebieden
    for key, box in dialog.boxes.items():
        box.setChecked(key == "cbs")
    dialog.gemeente.setText("delft")
    dialog.by_gemeente.setChecked(True)
    dialog.start_button.click()
    _wait_idle(qtbot, controller)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)
    assert calls == ["cbs"]
    assert dialog.results.toPlainText().startswith("Gebied: Delft (GM0503)")


def test_current_view_fills_in_the_frame(qtbot, controller) -> None:  # type: ignore[no-untyped-def]
    from app.map.canvas import MapView

    view = MapView(controller)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitUntil(lambda: "plots" in view.layer_ids(), timeout=30_000)
    view.zoom_to_all()
    dialog = FetchDialog(controller, map_view=view)
    qtbot.addWidget(dialog)
    dialog.use_view_extent()
    assert dialog.by_bbox.isChecked()
    minx, miny, maxx, maxy = (float(v) for v in dialog.bbox.text().split(","))
    assert (minx, miny, maxx, maxy) == tuple(round(v) for v in view_extent(view))
    # Delft's demo data lies inside the view, in RD metres (not scene coordinates).
    assert minx < 84_500 < maxx
    assert miny < 447_000 < maxy


def test_view_extent_flips_the_scene_y_axis(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QRectF
    from PySide6.QtWidgets import QGraphicsScene

    scene = QGraphicsScene(QRectF(80_000, -450_000, 10_000, 10_000))
    view = QGraphicsView(scene)
    qtbot.addWidget(view)
    view.resize(400, 400)
    view.show()
    view.fitInView(QRectF(80_000, -450_000, 10_000, 10_000))
    minx, miny, maxx, maxy = view_extent(view)
    # Scene y −450000…−440000 is RD y 440000…450000 (give or take the scroll bars).
    assert 79_000 < minx < 81_000
    assert 89_000 < maxx < 91_000
    assert 439_000 < miny < 441_000
    assert 449_000 < maxy < 451_000


def test_dialog_against_the_fake_services(qtbot, controller) -> None:  # type: ignore[no-untyped-def]
    """End to end: mirror URLs from the settings, the real fetchers, the fake PDOK and RP API."""
    from tests.online.services import install_all

    if not SHARED_DATA.exists():
        pytest.skip(f"shared data not found: {SHARED_DATA}")
    server = FakeServer()
    urls = install_all(server, SHARED_DATA)
    with server:
        settings = QSettings()
        for name, url in urls.items():
            settings.setValue(f"online/url/{name}", url)
        dialog = FetchDialog(controller)
        qtbot.addWidget(dialog)
        for key, box in dialog.boxes.items():
            box.setChecked(key in ("cbs", "plannen"))
        dialog.api_key.setText("test-key-123")
        dialog.gemeente.setText("Delft")
        assert controller.store is not None
        before = len(controller.store.layers())
        # Clicked at once: the fetch waits for the gemeente list (same cache folder), then runs.
        dialog.start_button.click()
        qtbot.waitUntil(lambda: dialog.report is not None or dialog.failed, timeout=120_000)
        _wait_idle(qtbot, controller)
    assert not dialog.failed, dialog.results.toPlainText()
    text = dialog.results.toPlainText()
    assert text.startswith("Gebied: Delft (GM0503)")
    assert "✓ CBS-buurten" in text
    cbs = [ls for ls in controller.store.layers() if ls.original_path.startswith(urls["cbs"])]
    assert len(cbs) == 1
    assert cbs[0].kind == "neighbourhoods"
    assert len(controller.store.layers()) > before
    assert controller.state is not None
    assert len(controller.state.layers["neighbourhoods"]) >= cbs[0].feature_count
