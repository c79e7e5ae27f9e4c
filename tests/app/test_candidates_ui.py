"""*Kansen zoeken* in the app: proposals appear as a map layer and can be taken over as plots."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.controller import ProjectController
from app.dialogs.candidates_dialog import CandidatesDialog
from app.main_window import MainWindow


def test_find_and_accept_candidates(qtbot, controller: ProjectController) -> None:
    window = MainWindow(controller)
    qtbot.addWidget(window)
    n_plots = len(controller.state.plots)
    workflow = window.workflow  # type: ignore[attr-defined]
    workflow.actions["find_candidates"].trigger()
    qtbot.waitUntil(lambda: getattr(workflow, "candidates_dialog", None) is not None, timeout=60_000)
    dialog: CandidatesDialog = workflow.candidates_dialog
    assert "kansen" in window.map_view.layer_ids()
    assert dialog.table.rowCount() > 0
    reason = dialog.table.item(0, 2).text()
    assert reason  # every proposal says why
    dialog.table.item(0, 0).setCheckState(Qt.CheckState.Checked)
    chosen = dialog.checked_ids()
    with qtbot.waitSignal(controller.state_changed, timeout=60_000):
        dialog.accept_button.click()
    qtbot.waitUntil(lambda: not controller.is_busy, timeout=60_000)
    assert len(controller.state.plots) == n_plots + 1
    assert chosen[0] in set(controller.state.plots["plot_id"])
    assert chosen[0] in set(controller.state.run.frame["plot_id"])  # scored like any plot
    assert "kansen" not in window.map_view.layer_ids()  # the proposals layer closes with the dialog
