"""The presentation window on a projector: everything fits 1366×768 and 1920×1080, a legend,
marks for disputed and moved plots, the selected plot's why, decisions that stay in view."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QApplication

from app.controller import CONSENSUS, ProjectController
from app.workshop import ID_ROLE, MOVE_ROLE, SCORE_ROLE, WorkshopWindow, plot_ids, rank_moves
from projects.workshops import new_workshop
from tests.app.layout_check import clipped_text, cut_cells

pytestmark = pytest.mark.usefixtures("offline_basemap")


def _window(qtbot, controller: ProjectController, size: tuple[int, int]) -> WorkshopWindow:  # type: ignore[no-untyped-def]
    assert controller.store is not None
    ws = new_workshop(controller.store, "Werksessie geclusterd wonen Delft", participants=["gemeente"])
    controller.refresh()
    window = WorkshopWindow(controller, ws.id)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: "plots" in window.map_view.layer_ids(), timeout=30_000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.map_view.tile_client.online is False, timeout=10_000)  # type: ignore[attr-defined]
    QApplication.processEvents()
    return window


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_presentation_window_fits_a_projector_without_losing_content(
    qtbot, controller: ProjectController, size: tuple[int, int]
) -> None:
    window = _window(qtbot, controller, size)
    best = plot_ids(controller)[int(controller.top[0])]
    controller.select([best])
    controller.set_party("corporatie")
    QApplication.processEvents()
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0], hint
    assert hint.height() <= size[1], hint
    assert window.size() == QSize(*size)
    # all three bod bars get their full height
    assert [r[0].split()[0].lower() for r in window.ledger.rows] == [
        "nultreden",
        "geclusterd",
        "zorggeschikt",
    ]
    assert window.ledger.height() >= window.ledger.sizeHint().height()
    # the whole top list, no row hidden or scrolled away, each with its score
    view = window.top_list.viewport().rect()
    assert window.top_list.count() == 10
    for i in range(window.top_list.count()):
        item = window.top_list.item(i)
        assert view.contains(window.top_list.visualItemRect(item)), i
        assert item.data(SCORE_ROLE)
    # the score column is never pushed out: the list is wider than score + marks + a short name
    assert window.top_list.width() > window.top_list.fontMetrics().horizontalAdvance(
        "10. Minervaplein ⚠ ▲88 100"
    )
    # a legend with the score classes and the marks
    sections = [s.layer_id for s in window.legend.sections]
    assert sections[:2] == ["plots", "marks"]
    assert window.legend.isVisible()
    assert window.legend.height() >= window.legend.minimumSizeHint().height()
    # the why of the selected plot is in view
    assert best in window.why_title.text()
    assert window.why_label.text().count("\n") == len(controller.profile.criteria) - 1
    assert window.tabs.currentIndex() == 0
    # nothing cut, nothing outside the window
    assert clipped_text(window) == []
    # the map shows the plots: its view contains the plots' extent (re-fitted to this size)
    plots = window.map_view.items_by_id["plots"]  # type: ignore[attr-defined]
    shown = window.map_view.mapToScene(window.map_view.viewport().rect()).boundingRect()  # type: ignore[attr-defined]
    assert shown.contains(plots.features.bounds)


def test_map_refits_when_the_window_is_resized(qtbot, controller: ProjectController) -> None:
    window = _window(qtbot, controller, (1366, 768))
    view = window.map_view
    plots = view.items_by_id["plots"]  # type: ignore[attr-defined]
    before = view.pixels_per_metre()  # type: ignore[attr-defined]
    window.resize(1920, 1080)
    QApplication.processEvents()
    shown = view.mapToScene(view.viewport().rect()).boundingRect()  # type: ignore[attr-defined]
    assert shown.contains(plots.features.bounds)
    assert view.pixels_per_metre() > before  # type: ignore[attr-defined]  # bigger window, plots bigger


def test_switching_party_marks_the_plots_that_moved(qtbot, controller: ProjectController) -> None:
    window = _window(qtbot, controller, (1366, 768))
    controller.set_party(CONSENSUS)
    before = np.asarray(controller.scores, dtype=np.float64).copy()
    controller.set_party("zorgorganisatie")
    after = np.asarray(controller.scores, dtype=np.float64)
    ids = plot_ids(controller)

    # reference: places by sorting (ties share the best place), written out here
    def places(scores: np.ndarray) -> list[int]:
        return [1 + sum(1 for other in scores if other > s) for s in scores]

    pb, pa = places(before), places(after)
    expected = {
        ids[i]: pb[i] - pa[i]
        for i in range(len(ids))
        if (pb[i] <= 10 or pa[i] <= 10) and abs(pb[i] - pa[i]) >= window.moved_min_places
    }
    assert expected, "switching to the care organisation's weighting moves plots in the demo"
    assert {m.plot_id: m.places for m in window.moves} == expected
    assert rank_moves(ids, before, after, top_n=10, min_places=window.moved_min_places) == window.moves
    # on the map: ▲/▼ marks for exactly these plots
    marks = window.map_view.plot_marks()  # type: ignore[attr-defined]
    moved_marks = {pid: m.kind for pid, ms in marks.items() for m in ms if m.kind in ("up", "down")}
    assert moved_marks == {pid: ("up" if d > 0 else "down") for pid, d in expected.items()}
    # in the list: the moves of the plots shown
    for i in range(window.top_list.count()):
        item = window.top_list.item(i)
        pid = item.data(ID_ROLE)
        move = item.data(MOVE_ROLE)
        if pid in expected:
            assert move == (f"▲{expected[pid]}" if expected[pid] > 0 else f"▼{-expected[pid]}")
        else:
            assert not move
    assert "gestegen" in window.moved_label.text()
    assert window.legend.sections[1].layer_id == "marks"


def test_decisions_stay_in_view_after_logging(qtbot, controller: ProjectController) -> None:
    window = _window(qtbot, controller, (1366, 768))
    controller.select(["DLF-003"])
    window.decision_edit.setText("DLF-003 voordragen voor geclusterd wonen")
    qtbot.mouseClick(window.decision_button, Qt.MouseButton.LeftButton)
    window.decision_edit.setText("Volgende sessie: zorggeschikt")
    window.decision_edit.returnPressed.emit()
    assert window.decision_edit.text() == ""
    texts = [window.decisions_list.item(i).text() for i in range(window.decisions_list.count())]
    assert texts == [
        "2. Volgende sessie: zorggeschikt (locatie DLF-003)",
        "1. DLF-003 voordragen voor geclusterd wonen (locatie DLF-003)",
    ]
    assert window.tabs.currentIndex() == 3
    assert window.tabs.tabText(3) == "Besluiten (2)"
    assert (
        window.last_decision.text() == "Laatste besluit: 2. Volgende sessie: zorggeschikt (locatie DLF-003)"
    )
    # the newest decision stays visible under the map whichever tab is open
    window.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    rect = QRect(
        window.last_decision.mapTo(window, window.last_decision.rect().topLeft()), window.last_decision.size()
    )
    assert window.last_decision.isVisible()
    assert window.rect().contains(rect)


def test_disputed_words_match_the_numbers_in_the_why(qtbot, controller: ProjectController) -> None:
    window = _window(qtbot, controller, (1366, 768))
    run = controller.state.run  # type: ignore[union-attr]
    cols = [f"score_party_{p}" for p in controller.profile.parties]
    frame = run.frame
    for pid in frame["plot_id"].astype(str).tolist()[:20]:
        controller.select([pid])
        row = frame[frame["plot_id"].astype(str) == pid].iloc[0]
        spread = float(row[cols].max() - row[cols].min())
        text = window.why_parties.text()
        assert f"{round(spread)} punten verschil" in text
        if spread < 10:
            assert "vrijwel eens" in text
        elif spread < 20:
            assert "verschillen wat" in text
        else:
            assert "verschillen sterk" in text


def test_the_layout_check_finds_cut_text_and_widgets_outside(qtbot) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton, QWidget

    root = QWidget()
    qtbot.addWidget(root)
    root.resize(200, 100)
    cut = QLabel("Ondoorzichtigheid van Loopbereik geselecteerde locatie", root)
    cut.setGeometry(0, 0, 60, 20)
    outside = QPushButton("Norm…", root)
    outside.setGeometry(180, 80, 80, 30)
    squeezed = QPushButton("Herstel voorinstelling", root)
    squeezed.setGeometry(0, 40, 30, 30)
    fine = QLabel("ok", root)
    fine.setGeometry(100, 0, 60, 20)
    root.show()
    qtbot.waitExposed(root)
    problems = clipped_text(root)
    assert any("Ondoorzichtigheid" in p and "cut" in p for p in problems)
    assert any("Norm" in p and "outside" in p for p in problems)
    assert any("Herstel" in p and "narrower" in p for p in problems)
    assert not any("'ok'" in p for p in problems)


def test_the_cell_check_finds_cut_and_hidden_cells(qtbot) -> None:
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    table = QTableWidget(1, 3)
    qtbot.addWidget(table)
    table.setWordWrap(True)
    for c, text in enumerate(["geen apotheek binnen 1 km", "een twee drie vier vijf zes zeven acht", "ok"]):
        table.setItem(0, c, QTableWidgetItem(text))
    table.setColumnWidth(0, 40)  # "apotheek" does not fit: cut
    table.setColumnWidth(1, 60)  # every word fits, the lines do not fit the row: hidden
    table.setColumnWidth(2, 60)
    table.setRowHeight(0, 20)
    problems = cut_cells(table)
    assert any("(0, 0)" in p and "a word" in p for p in problems)
    assert any("(0, 1)" in p and "high" in p for p in problems)
    assert not any("(0, 2)" in p for p in problems)
