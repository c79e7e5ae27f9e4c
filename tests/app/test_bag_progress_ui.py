"""*BAG-voortgang controleren* in the app: the extract is read on the worker, each row accepted or rejected."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QPushButton

from app.actions import bag_extract_path
from app.controller import ProjectController
from app.dialogs.bag_progress_dialog import BagProgressDialog
from app.main_window import MainWindow
from projects.bag_progress import bag_progress, load_bag_extract
from projects.reservations import reservation_values
from tests.app.layout_check import clipped_text, cut_cells
from tests.projects.test_bag_progress import DOESBURG, _doesburg_project


def test_one_lvbag_file_stands_for_its_folder(tmp_path: Path) -> None:
    assert bag_extract_path(str(tmp_path / "0221PND15092020-000001.xml")) == str(tmp_path)
    assert bag_extract_path(str(tmp_path / "bag-light.gpkg")) == str(tmp_path / "bag-light.gpkg")


def _open(qtbot, tmp_path: Path, folder: Path) -> tuple[ProjectController, dict[str, int]]:  # type: ignore[no-untyped-def]
    store, ids = _doesburg_project(tmp_path, folder)
    path = Path(store.target_label)
    store.close()
    controller = ProjectController()
    with qtbot.waitSignal(controller.project_changed, timeout=60_000):
        controller.open_project(path)
    qtbot.waitUntil(lambda: not controller.is_busy, timeout=60_000)
    return controller, ids


def test_check_accept_and_undo_from_the_menu(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, shared_data: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = shared_data(DOESBURG)
    controller, ids = _open(qtbot, tmp_path, folder)
    window = MainWindow(controller)
    qtbot.addWidget(window)
    workflow = window.workflow
    one_file = next(folder.glob("0221PND*.xml"))  # the user picks one file of the folder
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(one_file), ""))
    workflow.actions["bag_progress"].trigger()
    qtbot.waitUntil(lambda: workflow.bag_progress_dialog is not None, timeout=60_000)
    dialog = workflow.bag_progress_dialog
    assert isinstance(dialog, BagProgressDialog)
    assert dialog.table.rowCount() == 1
    evidence = dialog.table.item(0, 5)
    assert evidence is not None
    assert "0221010000330226" in evidence.text()  # the VBO as evidence
    assert dialog.findChild(QPushButton, f"reject_{ids['kerk_nultreden']}") is not None
    accept = dialog.findChild(QPushButton, f"accept_{ids['kerk_nultreden']}")
    assert accept is not None
    with qtbot.waitSignal(controller.state_changed, timeout=60_000):
        accept.click()
    assert controller.store is not None
    assert controller.state is not None
    assert reservation_values(controller.store, ids["kerk_nultreden"])["status"] == "gerealiseerd"
    res = controller.state.reservations
    assert res.loc[res["fid"] == ids["kerk_nultreden"], "status"].iloc[0] == "gerealiseerd"
    assert "aanvaard" in dialog.decision_labels[ids["kerk_nultreden"]].text()
    assert "0221010000330226" in str(reservation_values(controller.store, ids["kerk_nultreden"])["notes"])
    controller.undo_stack.undo()  # like every status change in the app: Ctrl+Z puts it back
    values = reservation_values(controller.store, ids["kerk_nultreden"])
    assert (values["status"], values["notes"]) == ("gereserveerd", None)
    controller.close_project()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_dialog_is_readable(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, shared_data: Callable[[str], Path], size: tuple[int, int]
) -> None:
    folder = shared_data(DOESBURG)
    controller, ids = _open(qtbot, tmp_path, folder)
    store = controller.store
    assert store is not None
    result = bag_progress(store, load_bag_extract(folder))
    dialog = BagProgressDialog(controller, result)
    qtbot.addWidget(dialog)
    dialog.resize(min(dialog.width(), size[0] - 40), min(dialog.height(), size[1] - 80))
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(50)
    assert clipped_text(dialog) == []
    assert cut_cells(dialog.table) == []
    dialog.decide(ids["kerk_nultreden"], accept=False)
    assert dialog.decision_labels[ids["kerk_nultreden"]].text() == "afgewezen"
    again = bag_progress(store, load_bag_extract(folder))
    assert [p.reservation_id for p in again.rejected] == [ids["kerk_nultreden"]]
    controller.close_project()
