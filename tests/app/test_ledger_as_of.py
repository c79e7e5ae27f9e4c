"""The Bod dock's date picker: the ledger as it stood at the end of an earlier day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.controller import ProjectController
from app.panels.ledger_panel import LedgerPanel, ledger_bars
from projects.audit_state import AMSTERDAM
from projects.models import AuditEntry
from projects.reservations import reserve, set_status


def _age_the_log(controller: ProjectController, days: int) -> None:
    """Move every logged change ``days`` back: the history a project gets by being used for days."""
    assert controller.store is not None
    with controller.store.session() as session:
        for entry in session.scalars(select(AuditEntry)):
            entry.at = entry.at - dt.timedelta(days=days)


def test_the_date_picker_shows_the_ledger_of_that_day(qtbot, controller: ProjectController) -> None:  # type: ignore[no-untyped-def]
    store = controller.store
    assert store is not None
    a = reserve(store, "DLF-010", "geclusterd", 20, 30, status="gereserveerd", years="2028")
    controller.refresh()
    assert controller.state is not None
    then = ledger_bars(controller.state.ledger)
    _age_the_log(controller, 2)  # the reservation and the demo's opgave: two days ago
    set_status(store, a.fid, "vervallen")
    reserve(store, "DLF-020", "zorggeschikt", 40, 60, status="voorgedragen", years="2029")
    controller.refresh()
    now = ledger_bars(controller.state.ledger)
    assert now != then

    panel = LedgerPanel(controller)
    qtbot.addWidget(panel)
    panel.resize(520, 640)
    assert panel.chart.bars() == now
    assert not panel.as_of_date.isEnabled()

    today = dt.datetime.now(AMSTERDAM).date()
    yesterday = today - dt.timedelta(days=1)
    panel.as_of_date.setDate(panel.as_of_date.date().addDays(-1))
    qtbot.mouseClick(panel.as_of_check, Qt.MouseButton.LeftButton)  # the user ticks "Stand op"
    assert panel.as_of() == yesterday
    assert panel.as_of_date.isEnabled()
    assert panel.chart.bars() == then
    assert f"Stand op {yesterday:%d-%m-%Y} (eind van de dag)" in panel.summary.text()
    geclusterd = next(b for b in panel.chart.bars() if (b.category, b.period) == ("geclusterd", "2026-2030"))
    assert (geclusterd.zeker, geclusterd.gap_words) == ((20, 30), "tekort 40–50")  # 70 − 20–30

    panel.set_as_of(today - dt.timedelta(days=3))  # before the project had an opgave
    assert panel.chart.bars() == []
    panel.set_as_of(None)
    assert panel.chart.bars() == now
    assert "Stand op" not in panel.summary.text()
