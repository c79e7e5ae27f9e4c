"""The main window composes: map in the centre, panels in movable docks, menus, status bar.

It holds no logic: slots delegate to the controller or to :mod:`app.actions`.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QProgressBar, QPushButton, QWidget

from app import actions
from app.controller import ProjectController
from app.map.canvas import MapView
from app.panels.criteria_panel import CriteriaPanel
from app.panels.demand_panel import DemandPanel
from app.panels.detail_panel import PlotDetailPanel
from app.panels.layers_panel import LayersPanel
from app.panels.ledger_panel import LedgerPanel
from app.panels.messages_panel import MessagesPanel
from app.panels.plots_panel import PlotsPanel

__all__ = ["MainWindow"]


class MainWindow(QMainWindow):
    """Van Bod naar Plot's main window."""

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Van Bod naar Plot"))
        self.resize(1400, 900)
        self.map_view = MapView(controller, self)
        self.setCentralWidget(self.map_view)
        self.docks: dict[str, QDockWidget] = {}
        self._add_dock(
            "lagen",
            self.tr("Lagen"),
            LayersPanel(controller, self.map_view),
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )
        self._add_dock(
            "criteria", self.tr("Criteria"), CriteriaPanel(controller), Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self._add_dock(
            "locaties", self.tr("Locaties"), PlotsPanel(controller), Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self._add_dock(
            "locatie", self.tr("Locatie"), PlotDetailPanel(controller), Qt.DockWidgetArea.RightDockWidgetArea
        )
        self._add_dock("bod", self.tr("Bod"), LedgerPanel(controller), Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_demand_dock(controller)
        self._add_dock(
            "meldingen",
            self.tr("Meldingen"),
            MessagesPanel(controller),
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.tabifyDockWidget(self.docks["locaties"], self.docks["meldingen"])
        self.docks["locaties"].raise_()
        # The map is what the room looks at: keep the side docks narrow and the table short.
        self.resizeDocks([self.docks["lagen"], self.docks["locatie"]], [330, 330], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["locaties"]], [230], Qt.Orientation.Vertical)
        self._build_status_bar()
        self.workflow: actions.WorkflowActions = actions.install(self, controller)
        controller.busy.connect(self._on_busy)
        controller.progress.connect(self._on_progress)
        controller.project_changed.connect(self._on_project_changed)
        controller.saved.connect(lambda: self.saved_label.setText(self.tr("Alles opgeslagen")))
        self._restore_settings()

    def _add_demand_dock(self, controller: ProjectController) -> None:
        """Vraag (issue 20): the need per wijk beside the bod; tabbed with the Bod dock."""
        demand = DemandPanel(controller, self.map_view)
        self._add_dock("vraag", self.tr("Vraag"), demand, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.docks["bod"], self.docks["vraag"])
        # The choropleth is on the map while the Vraag tab is in view.
        self.docks["vraag"].visibilityChanged.connect(demand.set_in_view)
        self.docks["bod"].raise_()
        ledger = self.docks["bod"].widget()
        if isinstance(ledger, LedgerPanel):
            demand.derived_changed.connect(ledger.set_derived_lines)

    def _add_dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[key] = dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setMaximumWidth(240)
        self.progress_bar.hide()
        self.cancel_button = QPushButton(self.tr("Annuleren"), self)
        self.cancel_button.clicked.connect(self.controller.cancel)
        self.cancel_button.hide()
        self.saved_label = QLabel(self.tr("Geen project"), self)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.saved_label)
        bar.addPermanentWidget(self.map_view.status_widget())

    def _on_busy(self, busy: bool, title: str) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress_bar.setValue(0)
        self.statusBar().showMessage(title if busy else self.tr("Klaar"), 0 if busy else 3000)

    def _on_progress(self, fraction: float, text: str) -> None:
        self.progress_bar.setValue(int(fraction * 100))
        if text:
            self.statusBar().showMessage(text)

    def _on_project_changed(self) -> None:
        info = self.controller.state.info if self.controller.state else None
        name = info.name if info else (self.controller.store.target_label if self.controller.store else "")
        self.setWindowTitle(f"{name} — Van Bod naar Plot" if name else self.tr("Van Bod naar Plot"))
        self.saved_label.setText(
            self.tr("Alles opgeslagen") if self.controller.store else self.tr("Geen project")
        )

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("main/geometry")
        state = settings.value("main/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        self.controller.cancel()
        self.controller.close_project()
        super().closeEvent(event)
