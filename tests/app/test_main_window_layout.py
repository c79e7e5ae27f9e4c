"""The main window on a laptop: sized to the screen, every dock usable at 1366×768 with no text
cut, every layer with a checkbox, a legend dock, and the language switched without a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QComboBox

from app.controller import ProjectController
from app.i18n import active_language, domain_label, install_translator
from app.main_window import MainWindow, initial_geometry
from app.panels.layers_panel import ID_ROLE, LayersPanel
from tests.app.layout_check import clipped_text, cut_cells

pytestmark = pytest.mark.usefixtures("offline_basemap")


@pytest.fixture
def window(qtbot, controller: ProjectController) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(controller)
    qtbot.addWidget(w)
    return w


def _show_at(qtbot, w: MainWindow, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    w.setGeometry(0, 0, *size)
    w.default_layout(size)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: "plots" in w.map_view.layer_ids(), timeout=30_000)
    # the status bar has its final text ("offline — geen achtergrondkaart") before we measure
    qtbot.waitUntil(lambda: w.map_view.tile_client.online is False, timeout=10_000)
    w.size_docks(size)
    QApplication.processEvents()


def test_first_start_takes_a_laptop_screen_and_centres_on_a_big_one() -> None:
    assert initial_geometry(QRect(0, 0, 1366, 728)) == QRect(0, 0, 1366, 728)
    assert initial_geometry(QRect(0, 0, 1920, 1040)) == QRect(0, 0, 1920, 1040)
    assert initial_geometry(QRect(0, 0, 2560, 1400)) == QRect(320, 100, 1920, 1200)
    assert initial_geometry(QRect(1920, 0, 1280, 800)) == QRect(1920, 0, 1280, 800)  # a second screen


def test_without_saved_settings_the_window_fits_the_screen(qtbot, controller: ProjectController) -> None:
    w = MainWindow(controller)
    qtbot.addWidget(w)
    screen = w.screen().availableGeometry()  # offscreen: a small 800×800 screen
    expected = initial_geometry(screen).size().expandedTo(w.minimumSizeHint())
    assert w.size() == expected
    assert w.minimumSizeHint().width() <= 1366
    assert w.minimumSizeHint().height() <= 768 - 40  # a laptop's taskbar


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_every_dock_is_usable_without_cut_text(qtbot, window: MainWindow, size: tuple[int, int]) -> None:
    _show_at(qtbot, window, size)
    controller = window.controller
    best = controller.state.run.frame["plot_id"].iloc[int(controller.top[0])]  # type: ignore[union-attr]
    controller.select([str(best)])
    QApplication.processEvents()
    assert window.size().width() == size[0]
    assert window.size().height() == size[1]
    for key, dock in window.docks.items():
        dock.raise_()
        QApplication.processEvents()
        assert dock.isVisible(), key
        panel = dock.widget()
        assert dock.width() >= panel.minimumSizeHint().width(), key
        assert dock.height() >= panel.minimumSizeHint().height(), key
        problems = [p for p in clipped_text(window) if "QTableView" not in p]
        assert problems == [], (key, problems)
    # the Locatie table: every criterion, distance, norm and points readable, wrapped not cut
    detail = window.docks["locatie"].widget()
    window.docks["locatie"].raise_()
    QApplication.processEvents()
    assert detail.criteria_table.rowCount() == len(controller.profile.criteria)  # type: ignore[attr-defined]
    assert cut_cells(detail.criteria_table) == []  # type: ignore[attr-defined]
    # the Criteria dock shows several sliders, each with its whole "Norm…" button
    criteria = window.docks["criteria"]
    criteria.raise_()
    QApplication.processEvents()
    panel = criteria.widget()
    viewport = panel.slider_scroll.viewport()  # type: ignore[attr-defined]
    shown = [
        row
        for row in panel.rows.values()  # type: ignore[attr-defined]
        if viewport.rect().contains(
            QRect(row.slider.mapTo(viewport, row.slider.rect().topLeft()), row.slider.size())
        )
    ]
    assert len(shown) >= 3
    for row in panel.rows.values():  # type: ignore[attr-defined]
        assert row.norm.width() >= row.norm.sizeHint().width()


def test_every_layer_has_a_checkbox_also_when_hidden(qtbot, window: MainWindow) -> None:
    _show_at(qtbot, window, (1366, 768))
    panel = window.docks["lagen"].widget()
    assert isinstance(panel, LayersPanel)
    assert not window.map_view.is_layer_visible("network")  # hidden by default
    for i in range(panel.list.count()):
        item = panel.list.item(i)
        assert item.data(Qt.ItemDataRole.CheckStateRole) is not None, item.data(ID_ROLE)
        assert bool(item.flags() & Qt.ItemFlag.ItemIsUserCheckable)
    network = next(
        panel.list.item(i) for i in range(panel.list.count()) if panel.list.item(i).data(ID_ROLE) == "network"
    )
    assert network.checkState() == Qt.CheckState.Unchecked
    network.setCheckState(Qt.CheckState.Checked)
    assert window.map_view.is_layer_visible("network")


def test_legend_dock_explains_the_score_classes(qtbot, window: MainWindow) -> None:
    _show_at(qtbot, window, (1366, 768))
    window.docks["legenda"].raise_()
    QApplication.processEvents()
    legend = window.docks["legenda"].widget().legend  # type: ignore[attr-defined]
    plots = next(s for s in legend.sections if s.layer_id == "plots")
    assert "evenveel locaties" in plots.note
    breaks = window.controller.breaks
    assert [i.label for i in plots.items] == list(reversed(breaks.labels()))
    # the best plot is painted in the darkest class colour
    layer = window.map_view.items_by_id["plots"]
    best = window.controller.state.run.frame["plot_id"].astype(str).iloc[int(window.controller.top[0])]  # type: ignore[union-attr]
    assert layer.colour_of(best) == window.map_view.map_style.score_classes[-1]  # type: ignore[attr-defined]
    sections = [s.layer_id for s in legend.sections]
    assert {"facilities", "plots", "zoning", "buildings"} <= set(sections)  # no reservations yet: no row


@pytest.fixture
def back_to_dutch() -> object:
    yield None
    app = QApplication.instance()
    assert app is not None
    install_translator(app, "nl")


def test_language_switch_without_restart(qtbot, controller: ProjectController, back_to_dutch: object) -> None:
    window = MainWindow(controller)  # not given to qtbot: the switch closes and deletes it
    _show_at(qtbot, window, (1366, 768))
    controller.select(["DLF-010"])
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[0] == "&Bestand"
    geometry = window.geometry()
    english = window.switch_language("en")
    qtbot.addWidget(english)
    qtbot.waitUntil(lambda: "plots" in english.map_view.layer_ids(), timeout=30_000)
    assert active_language() == "en"
    assert next(a.text() for a in english.menuBar().actions()) == "&File"
    assert controller.store is not None  # the project stayed open
    assert controller.selection == ["DLF-010"]
    assert english.geometry() == geometry
    # data labels follow the language: criteria, parties, the Lagen base-map choice not cut
    criteria = english.docks["criteria"].widget()
    assert criteria.rows["supermarkt"].name.text() == "Supermarket"  # type: ignore[attr-defined]
    assert domain_label("Woningcorporatie") == "Housing corporation"
    english.docks["lagen"].raise_()
    QApplication.processEvents()
    combo = english.docks["lagen"].widget().findChild(QComboBox)
    assert combo is not None
    widest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.width() >= widest + 24
    dutch = english.switch_language("nl")
    qtbot.addWidget(dutch)
    assert next(a.text() for a in dutch.menuBar().actions()) == "&Bestand"
    assert controller.store is not None
