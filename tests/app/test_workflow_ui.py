"""Workflow UI: reserve dialog → undoable command → ledger; plots; import errors; cancel; conflicts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import shapely
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QDialog, QMainWindow, QMessageBox

from app import actions
from app.commands import (
    AddPlotCommand,
    DeletePlotCommand,
    ReserveCommand,
    ReserveValues,
    StatusCommand,
    execute,
)
from app.controller import ProjectController
from app.dialogs.conflict_dialog import ConflictDialog
from app.dialogs.new_project_wizard import NewProjectSpec, OpgaveSpec, parse_opgave_csv
from app.dialogs.reserve_dialog import ReserveDialog
from app.dialogs.server_dialog import ServerDialog
from projects.reservations import add_partner, reservation_values, reserve
from projects.store import ProjectStore
from projects.views import project_info

PLOT = "DLF-001"


@pytest.fixture
def window(qtbot, controller: ProjectController) -> QMainWindow:
    win = QMainWindow()
    qtbot.addWidget(win)
    return win


@pytest.fixture
def flow(window: QMainWindow, controller: ProjectController) -> actions.WorkflowActions:
    """The menus and their slots on a bare window (MainWindow keeps it as ``workflow``)."""
    return actions.install(window, controller)


def _ledger_row(controller: ProjectController, category: str) -> dict[str, int]:
    assert controller.state is not None
    ledger = controller.state.ledger.periods
    row = ledger[(ledger["category"] == category) & ledger["target"].notna()].iloc[0]
    return {k: int(row[k]) for k in ("target", "zeker_min", "zeker_max", "in_beeld_max")}


def _fill(dialog: ReserveDialog, *, lo: int, hi: int, status: str, years: str = "2026-2030") -> None:
    dialog.category_combo.setCurrentText("nultreden")
    dialog.min_spin.setValue(lo)
    dialog.max_spin.setValue(hi)
    dialog.status_combo.setCurrentText(status)
    dialog.years_edit.setText(years)
    dialog.land_owner_edit.setText("Gemeente Delft")


def _reserve_via_dialog(
    flow: actions.WorkflowActions, controller: ProjectController, **fill: object
) -> ReserveDialog:
    dialog = ReserveDialog(controller, PLOT, flow.window)
    _fill(dialog, **fill)  # type: ignore[arg-type]
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert flow.reserve_from_dialog(dialog)
    return dialog


def test_reserve_through_dialog_updates_ledger_and_undo_redo(
    qtbot, window: QMainWindow, flow: actions.WorkflowActions, controller: ProjectController
) -> None:
    assert _ledger_row(controller, "nultreden")["in_beeld_max"] == 0
    dialog = ReserveDialog(controller, PLOT, window)
    _fill(dialog, lo=20, hi=30, status="gereserveerd")
    row = dialog.add_partner_row("Woonbron", "corporatie")
    assert row == 0
    dialog.add_partner_row("weg", "overig")
    dialog.partners_table.setCurrentCell(1, 0)
    dialog.remove_partner_row()
    assert dialog.partners() == [("Woonbron", "corporatie")]
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert flow.reserve_from_dialog(dialog)

    assert _ledger_row(controller, "nultreden")["zeker_max"] == 30
    assert controller.undo_stack.count() == 1
    res = controller.state.reservations  # type: ignore[union-attr]
    active = res[res["active"].fillna(False)]
    assert list(active["plot_id"]) == [PLOT]
    assert active["partners_text"].iloc[0] == "Woonbron (corporatie)"

    controller.undo_stack.undo()
    assert _ledger_row(controller, "nultreden")["in_beeld_max"] == 0
    res = controller.state.reservations  # type: ignore[union-attr]
    assert not res["active"].fillna(False).any()  # withdrawn, kept for the audit trail

    controller.undo_stack.redo()
    assert _ledger_row(controller, "nultreden")["zeker_max"] == 30
    values = reservation_values(controller.store, int(active["fid"].iloc[0]))  # type: ignore[arg-type]
    assert (values["active"], values["partners"]) == (True, [("Woonbron", "corporatie")])


def test_dialog_shows_the_estimate_and_warns_inline_above_it(
    qtbot, window: QMainWindow, flow: actions.WorkflowActions, controller: ProjectController
) -> None:
    """DLF-001 (170 m²) holds 1–2 geclusterde woningen: 12–16 warns, in the dialog, without blocking."""
    dialog = ReserveDialog(controller, PLOT, window)
    qtbot.addWidget(dialog)
    dialog.category_combo.setCurrentText("geclusterd")
    dialog.min_spin.setValue(1)
    dialog.max_spin.setValue(2)
    assert dialog.estimate_label.text() == (
        "1–2 woningen (oppervlakte × dichtheid (60–120 woningen/ha, voorinstelling))"
    )
    assert dialog.capacity_warning.isHidden()
    dialog.max_spin.setValue(16)
    dialog.min_spin.setValue(12)
    assert not dialog.capacity_warning.isHidden()
    assert dialog.capacity_warning.text() == "⚠ opgegeven 12–16 woningen ligt boven de schatting van de tool"
    assert dialog.capacity_warning.toolTip() == (
        "opgegeven 12–16 woningen ligt boven de schatting van de tool "
        "(1–2 woningen, oppervlakte × dichtheid (60–120 woningen/ha, voorinstelling))"
    )
    dialog.category_combo.setCurrentText("nultreden")  # another category: its own estimate (40–100/ha)
    assert dialog.estimate_label.text().startswith("0–1 woningen")
    dialog.segment_combo.setCurrentText("middenhuur")
    dialog.years_edit.setText("2028-2032")
    dialog.split_edit.setText("2028:1, 2033:1")
    dialog.accept()
    assert "2033" in dialog.error_label.text()  # a split outside the years is refused inline
    dialog.split_edit.setText("2028:1, 2032:3")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert flow.reserve_from_dialog(dialog)
    book = controller.state.ledger  # type: ignore[union-attr]
    res = book.reservations.set_index("plot_id").loc[PLOT]
    assert (res["segment"], res["split"]) == ("middenhuur", "2028:1, 2032:3")
    assert res["periods"] == "2026-2030: 3–4; buiten opgave: 9–12"  # 12–16 as 1:3 over 2028 and 2032
    assert res["capacity_warning"].startswith("opgegeven 12–16 woningen ligt boven de schatting")


def test_invalid_dialog_input_is_refused_inline(
    qtbot, window: QMainWindow, controller: ProjectController
) -> None:
    dialog = ReserveDialog(controller, PLOT, window)
    _fill(dialog, lo=40, hi=30, status="kansrijk")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "minimale capaciteit" in dialog.error_label.text()
    dialog.min_spin.setValue(10)
    dialog.years_edit.setText("2030-2026")
    dialog.accept()
    assert "eindigt vóór het begin" in dialog.error_label.text()


def test_update_then_undo_restores_previous_values(
    qtbot, window: QMainWindow, flow: actions.WorkflowActions, controller: ProjectController
) -> None:
    _reserve_via_dialog(flow, controller, lo=20, hi=30, status="kansrijk")
    second = ReserveDialog(controller, PLOT, window)
    # the existing reservation is filled in, with the version the user saw
    assert (second.min_spin.value(), second.max_spin.value()) == (20, 30)
    assert second.reservation_id is not None
    assert second.expected_version is not None
    _fill(second, lo=40, hi=50, status="gereserveerd")
    second.accept()
    assert flow.reserve_from_dialog(second)
    fid = second.reservation_id
    store = controller.store
    assert store is not None
    assert reservation_values(store, fid)["capacity_max"] == 50

    controller.undo_stack.undo()
    values = reservation_values(store, fid)
    assert (values["capacity_min"], values["capacity_max"], values["status"]) == (20, 30, "kansrijk")
    assert _ledger_row(controller, "nultreden")["in_beeld_max"] == 30
    assert _ledger_row(controller, "nultreden")["zeker_max"] == 0

    controller.undo_stack.redo()
    values = reservation_values(store, fid)
    assert (values["capacity_min"], values["capacity_max"], values["status"]) == (40, 50, "gereserveerd")


def test_status_command_and_undo(
    qtbot, window: QMainWindow, flow: actions.WorkflowActions, controller: ProjectController
) -> None:
    dialog = _reserve_via_dialog(flow, controller, lo=5, hi=8, status="kansrijk")
    fid = dialog.reservation_id or int(controller.state.reservations["fid"].iloc[0])  # type: ignore[union-attr]
    assert execute(controller, StatusCommand(controller, fid, "voorgedragen"))
    assert reservation_values(controller.store, fid)["status"] == "voorgedragen"  # type: ignore[arg-type]
    controller.undo_stack.undo()
    assert reservation_values(controller.store, fid)["status"] == "kansrijk"  # type: ignore[arg-type]


def test_add_plot_command_and_undo(qtbot, controller: ProjectController) -> None:
    assert controller.state is not None
    before = len(controller.state.plots)
    square = shapely.box(85100, 446700, 85140, 446740)
    command = AddPlotCommand(controller, square, name="Getekend veld")
    assert execute(controller, command)
    plots = controller.state.plots
    assert len(plots) == before + 1
    assert command.plot_id == "EIGEN-001"
    new = plots[plots["plot_id"] == "EIGEN-001"].iloc[0]
    assert new.geometry.area == pytest.approx(1600)
    assert new["name"] == "Getekend veld"

    controller.undo_stack.undo()
    assert "EIGEN-001" not in set(controller.state.plots["plot_id"])
    controller.undo_stack.redo()
    assert "EIGEN-001" in set(controller.state.plots["plot_id"])


def test_self_intersecting_or_tiny_polygon_is_refused(qtbot, controller: ProjectController) -> None:
    errors: list[tuple[str, str]] = []
    controller.error.connect(lambda m, h: errors.append((m, h)))
    assert not execute(controller, AddPlotCommand(controller, shapely.box(0, 0, 0.5, 0.5)))
    assert errors
    assert "kleiner dan 1 m²" in errors[0][0]
    assert controller.undo_stack.count() == 0


def test_delete_plot_and_undo(qtbot, window: QMainWindow, controller: ProjectController) -> None:
    assert controller.state is not None
    original = controller.state.plots.set_index("plot_id").loc["DLF-002"]
    controller.select(["DLF-002"])
    assert execute(controller, DeletePlotCommand(controller, "DLF-002"))
    assert "DLF-002" not in set(controller.state.plots["plot_id"])
    assert controller.selection == []
    controller.undo_stack.undo()
    restored = controller.state.plots.set_index("plot_id").loc["DLF-002"]
    assert restored.geometry.equals(original.geometry)
    assert restored["name"] == original["name"]


def test_plot_with_reservation_cannot_be_deleted(
    qtbot, window: QMainWindow, flow: actions.WorkflowActions, controller: ProjectController
) -> None:
    _reserve_via_dialog(flow, controller, lo=1, hi=2, status="kansrijk")
    errors: list[str] = []
    controller.error.connect(lambda m, _h: errors.append(m))
    assert not execute(controller, DeletePlotCommand(controller, PLOT))
    assert "reserveringen" in errors[0]
    assert PLOT in set(controller.state.plots["plot_id"])  # type: ignore[union-attr]


def test_save_and_reopen_keeps_reservations(
    qtbot, window: QMainWindow, flow: actions.WorkflowActions, controller: ProjectController, demo_file: Path
) -> None:
    _reserve_via_dialog(flow, controller, lo=12, hi=16, status="gereserveerd")
    controller.close_project()
    assert controller.store is None
    errors: list[str] = []
    controller.error.connect(lambda m, h: errors.append(f"{m} {h}"))
    with qtbot.waitSignals([controller.project_changed], timeout=60_000, raising=False) as blocker:
        controller.open_project(demo_file)
    assert blocker.signal_triggered, errors
    qtbot.waitUntil(lambda: not controller.is_busy)
    res = controller.state.reservations  # type: ignore[union-attr]
    kept = res[res["active"].fillna(False)]
    assert list(kept["plot_id"]) == [PLOT]
    assert (int(kept["capacity_min"].iloc[0]), int(kept["capacity_max"].iloc[0])) == (12, 16)
    assert _ledger_row(controller, "nultreden")["zeker_max"] == 16
    assert actions.recent_projects()[0] == str(demo_file)  # remembered in (test) QSettings


def test_bad_file_import_reports_dutch_error_and_changes_nothing(
    qtbot, window: QMainWindow, flow: actions.WorkflowActions, controller: ProjectController, tmp_path: Path
) -> None:
    store = controller.store
    assert store is not None
    assert controller.state is not None
    layers_before = len(store.layers())
    kinds_before = set(controller.state.layers)
    bad = tmp_path / "kapot.gpkg"
    bad.write_bytes(os.urandom(8192))
    with qtbot.waitSignal(controller.error, timeout=60_000) as blocker:
        flow.drop_files([str(bad)])
    message, hint = blocker.args
    assert "beschadigd" in message
    assert "Traceback" not in message
    assert hint
    qtbot.waitUntil(lambda: not controller.is_busy)
    assert len(store.layers()) == layers_before
    assert set(controller.state.layers) == kinds_before
    # the error is shown to the user as a Dutch message box on the main window
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes
    assert boxes[-1].text() == message


def test_cancel_import_imports_nothing(qtbot, controller: ProjectController, tmp_path: Path) -> None:
    store = controller.store
    assert store is not None
    big = tmp_path / "voorzieningen.geojson"
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [4.35 + i * 1e-6, 52.0 + i * 1e-6]},
            "properties": {"category": "supermarkt", "name": f"Winkel {i}"},
        }
        for i in range(60_000)
    ]
    big.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    layers_before = [ls.table_name for ls in store.layers()]
    messages: list[str] = []
    controller.messages_added.connect(messages.extend)
    with qtbot.waitSignal(controller.busy, timeout=5_000, check_params_cb=lambda b, _t: not b):
        controller.import_files([big], kind="facilities")
        controller.cancel()
    assert any("geannuleerd" in m for m in messages)
    assert [ls.table_name for ls in store.layers()] == layers_before


def test_conflict_with_another_handle_is_not_overwritten(
    qtbot, window: QMainWindow, flow: actions.WorkflowActions, controller: ProjectController, demo_file: Path
) -> None:
    first = _reserve_via_dialog(flow, controller, lo=20, hi=30, status="kansrijk")
    stale = ReserveDialog(controller, PLOT, window)  # shows the version just saved
    fid, seen_version = stale.reservation_id, stale.expected_version
    assert fid is not None
    assert seen_version is not None
    assert first is not stale

    other = ProjectStore.open(demo_file, user="collega")  # a second handle on the same file
    try:
        reserve(other, PLOT, "nultreden", 60, 70, reservation_id=fid, expected_version=seen_version)
    finally:
        other.close()

    _fill(stale, lo=10, hi=15, status="gereserveerd")
    stale.accept()
    steps = controller.undo_stack.count()
    assert not flow.reserve_from_dialog(stale)
    values = reservation_values(controller.store, fid)  # type: ignore[arg-type]
    assert (values["capacity_min"], values["capacity_max"]) == (60, 70)  # theirs is kept
    assert controller.undo_stack.count() == steps
    dialogs = [d for d in window.findChildren(ConflictDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert "capacity" in dialog.differences
    assert [b.text() for b in dialog.buttons.buttons()] == ["Opnieuw laden", "Sluiten"]  # no overwrite
    assert dialog.table.item(1, 1).text() == "60–70"
    assert dialog.table.item(1, 2).text() == "10–15"

    # without a conflict handler the same refusal reaches controller.error (Dutch)
    command = ReserveCommand(
        controller, PLOT, ReserveValues("nultreden", 1, 2), expected_version=seen_version, reservation_id=fid
    )
    with qtbot.waitSignal(controller.error) as blocker:
        assert not execute(controller, command)
    assert "Iemand anders" in blocker.args[0]


def test_new_project_spec_creates_project_with_opgave(qtbot, tmp_path: Path) -> None:
    csv = tmp_path / "opgave.csv"
    csv.write_text(
        "category;period;target;wijk;source\nnultreden;2026-2030;120;;woondeal\ngeclusterd;2026-2030;40;;\n"
    )
    rows = parse_opgave_csv(csv)
    assert rows == [
        OpgaveSpec("nultreden", "2026-2030", 120, None, "woondeal"),
        OpgaveSpec("geclusterd", "2026-2030", 40),
    ]
    bad = tmp_path / "fout.csv"
    bad.write_text("categorie,aantal\nx,1\n")
    with pytest.raises(Exception, match="Kolommen ontbreken"):
        parse_opgave_csv(bad)

    ctrl = ProjectController()
    win = QMainWindow()
    qtbot.addWidget(win)
    flow = actions.install(win, ctrl)
    spec = NewProjectSpec(
        target=tmp_path / "leiden.gpkg",
        name="Leiden ouderenhuisvesting",
        gemeente_code="0546",
        gemeente_naam="Leiden",
        categories=["nultreden", "geclusterd"],
        opgave=rows,
    )
    with qtbot.waitSignal(ctrl.project_changed, timeout=30_000):
        flow.create_project(spec)
    qtbot.waitUntil(lambda: not ctrl.is_busy)
    assert ctrl.store is not None
    info = project_info(ctrl.store).to_json()
    assert info["project"]["gemeente_code"] == "0546"
    assert info["project"]["categories"] == ["nultreden", "geclusterd"]
    assert {(o["category"], o["target_homes"]) for o in info["opgave"]} == {
        ("nultreden", 120),
        ("geclusterd", 40),
    }
    assert _ledger_row(ctrl, "nultreden")["target"] == 120
    ctrl.close_project()


def test_menus_and_shortcuts(
    qtbot, window: QMainWindow, flow: actions.WorkflowActions, controller: ProjectController
) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Bestand", "Be&werken", "Bee&ld", "Werk&sessie", "&Help"]
    acts = flow.actions
    assert acts["reserve"].shortcut().toString() == "Ctrl+R"
    assert acts["import"].shortcut().toString() == "Ctrl+I"
    assert acts["undo"].shortcut().toString() == "Ctrl+Z"
    assert not acts["reserve"].isEnabled()  # nothing selected yet
    controller.select([PLOT])
    assert acts["reserve"].isEnabled()


def test_server_dialog_never_keeps_a_password(qtbot) -> None:
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog.url_edit.setText("postgresql+psycopg://anna:geheim@db.gemeente.nl:5432/wonen?project=ouderen")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted  # told to use PGPASSWORD / pgpass
    assert "geheim" not in dialog.url_edit.text()
    assert "geheim" not in dialog.url()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.url() == "postgresql+psycopg://anna@db.gemeente.nl:5432/wonen?project=ouderen"
    assert "geheim" not in str(QSettings().allKeys())


def test_partner_row_offers_existing_partners(
    qtbot, window: QMainWindow, controller: ProjectController
) -> None:
    add_partner(controller.store, "Woonbron", "corporatie")  # type: ignore[arg-type]
    controller.refresh()
    dialog = ReserveDialog(controller, PLOT, window)
    dialog.add_partner_row()
    combo = dialog.partners_table.cellWidget(0, 0)
    kind = dialog.partners_table.cellWidget(0, 1)
    assert isinstance(combo, QComboBox)
    assert isinstance(kind, QComboBox)
    assert "Woonbron" in [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentText("Woonbron")
    assert kind.currentText() == "corporatie"
