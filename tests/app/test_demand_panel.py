"""The Vraag dock on the Delft demo: the need per wijk beside the reserved homes, on the map too.

Offscreen; the view is computed in the dock's worker as in the app. The figures themselves are
tested in tests/projects/test_demand.py; here: what the user sees, and that it follows the project.
"""

from __future__ import annotations

import numpy as np
from pytestqt.qtbot import QtBot

from app.controller import ProjectController
from app.main_window import MainWindow
from app.map.choropleth import ChoroplethLayer, class_breaks
from app.panels.demand_panel import LAYER_ID, DemandPanel, area_label
from app.panels.ledger_panel import LedgerPanel
from projects.reservations import reserve


def _cells(table: object, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]  # type: ignore[attr-defined]


def test_vraag_dock_shows_need_reserved_gap_and_the_map(qtbot: QtBot, controller: ProjectController) -> None:
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.show()
    window.docks["vraag"].raise_()  # the choropleth is on the map while the Vraag dock is in view
    panel = window.docks["vraag"].widget()
    assert isinstance(panel, DemandPanel)
    panel.recompute()
    qtbot.waitUntil(lambda: not panel.is_computing and panel.view is not None, timeout=60_000)
    view = panel.view
    assert view is not None
    # Opgave: per category the bod beside the derived opgave and the difference.
    assert _cells(panel.opgave_table, 0) == ["nultreden", "geclusterd", "zorggeschikt"]
    assert _cells(panel.opgave_table, 1) == ["150", "70", "35"]
    assert all("lager" in t for t in _cells(panel.opgave_table, 3))
    assert "schatting" in panel.summary.text()
    # Per wijk: 12 wijken with figures, need beside reserved beside the gap.
    names = _cells(panel.area_table, 0)
    assert len(names) == 12
    assert "Wippolder" in names
    assert set(_cells(panel.area_table, 2)) == {"0"}  # nothing reserved yet
    # The map: one choropleth layer with a label per wijk and a legend.
    layer = window.map_view.layer_item(LAYER_ID)
    assert isinstance(layer, ChoroplethLayer)
    assert len(layer.texts) == 12
    assert any(t.startswith("Wippolder\n") for t in layer.texts)
    assert layer.legend()
    # The ledger (Bod dock) shows the derived opgave beside the bod, as a separate line.
    ledger = window.docks["bod"].widget()
    assert isinstance(ledger, LedgerPanel)
    assert "Afgeleid uit de demografie" in ledger.derived.text()
    assert "vervangt het niet" in ledger.derived.text()
    assert "geclusterd" in ledger.derived.text()
    # CBS beside walking: one category at a time, the gemeente's figure marked.
    assert panel.cbs_category.count() == 4
    assert panel.cbs_table.rowCount() == 13  # 12 wijken + the gemeente
    assert "*" in panel.cbs_table.item(0, 1).text()
    assert "Bronnen" in panel.sources.text()
    assert "CBS" in panel.sources.text()

    # A reservation in Wippolder: the dock follows the project and the gap there shrinks.
    store = controller.store
    assert store is not None
    reserve(store, "DLF-011", "geclusterd", 20, 30, status="gereserveerd")
    controller.refresh()
    qtbot.waitUntil(lambda: not panel.is_computing, timeout=60_000)
    row = _cells(panel.area_table, 0).index("Wippolder")
    assert panel.area_table.item(row, 2).text() == "20–30"

    # Another dock in front (Bod): the choropleth leaves the map; back to Vraag: it returns.
    window.docks["bod"].raise_()
    qtbot.waitUntil(lambda: window.map_view.layer_item(LAYER_ID) is None)
    window.docks["vraag"].raise_()
    qtbot.waitUntil(lambda: isinstance(window.map_view.layer_item(LAYER_ID), ChoroplethLayer))
    # Switching the map off removes the layer; on again, showing the older residents.
    panel.on_map.setChecked(False)
    assert window.map_view.layer_item(LAYER_ID) is None
    panel.measure.setCurrentIndex(panel.measure.findData("older65"))
    panel.on_map.setChecked(True)
    layer = window.map_view.layer_item(LAYER_ID)
    assert isinstance(layer, ChoroplethLayer)
    assert "65-plussers" in layer.title


def test_class_breaks_are_round_and_cover_every_value() -> None:
    idx, labels = class_breaks([0.0, 12.0, 240.0, 361.0, float("nan"), -5.0], 5)
    assert labels[0] == "0–100"  # 361 / 5 → a width of 100
    assert idx.tolist() == [-1, 1, 3, 4, 0, -1]
    assert np.all(idx <= 5)
    assert area_label("Wijk 28 Wippolder") == "Wippolder"
    assert area_label("Delft") == "Delft"
