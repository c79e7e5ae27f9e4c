"""The main window composes: map in the centre, panels in movable docks, menus, status bar.

It holds no logic: slots delegate to the controller or to :mod:`app.actions`.

Laptop first: on the first start the window takes the screen it opens on (a 1366×768 laptop
gets the whole screen, a large monitor a centred window), and the docks are arranged for that
height: on a short screen the side panels share their column as tabs, so every panel gets the
full height and no text is squeezed; on a tall screen Criteria and Locatie get their own space.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app import actions
from app.controller import ProjectController
from app.i18n import LANGUAGES, install_translator, set_language
from app.map.canvas import MapView
from app.map.legend import LegendWidget
from app.panels.criteria_panel import CriteriaPanel
from app.panels.demand_panel import DemandPanel
from app.panels.detail_panel import PlotDetailPanel
from app.panels.layers_panel import LayersPanel
from app.panels.ledger_panel import LedgerPanel
from app.panels.messages_panel import MessagesPanel
from app.panels.plots_panel import PlotsPanel
from app.panels.region_panel import RegionPanel
from app.panels.widgets import Panel
from app.regio import RegionController, region_export
from projects.region import region_title

__all__ = ["COMPACT_HEIGHT", "MainWindow", "initial_geometry"]

# Below this available screen height (px) the side docks are tabbed (laptops: 768, 800, 900).
COMPACT_HEIGHT = 960
# A large screen gets a window of at most this size, centred (a projector or a 4K monitor).
_LARGEST = (1920, 1200)
# Settings keys of the window layout; the version makes an old layout (other docks) start fresh.
_LAYOUT_VERSION = 3  # 3: the Vraag dock
_windows: list[MainWindow] = []  # windows rebuilt after a language switch, kept alive


def initial_geometry(available: QRect) -> QRect:
    """The first-start geometry on a screen with this available area: all of a laptop
    screen, or a centred window of at most 1920×1200 on a larger one."""
    w = min(available.width(), _LARGEST[0])
    h = min(available.height(), _LARGEST[1])
    x = available.x() + (available.width() - w) // 2
    y = available.y() + (available.height() - h) // 2
    return QRect(x, y, w, h)


class _LegendPanel(Panel):
    """The Legenda dock: the legend of the main map, in the panels' font."""

    def __init__(self, map_view: MapView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QVBoxLayout

        self.legend = LegendWidget(map_view, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.legend)

    def font_changed(self) -> None:
        legend = getattr(self, "legend", None)
        if isinstance(legend, LegendWidget):
            legend.refresh()


class MainWindow(QMainWindow):
    """Van Bod naar Plot's main window."""

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.handing_over = False  # closing for a rebuild (language switch): keep the project open
        self._size_docks_on_show = False  # default layout: dock sizes once the window has its size
        self._compact: bool | None = None  # the arrangement of the docks now (None: not arranged)
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Van Bod naar Plot"))
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.GroupedDragging
        )
        self.map_view = MapView(controller, self)
        self.setCentralWidget(self.map_view)
        self.docks: dict[str, QDockWidget] = {}
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self._add_dock("criteria", self.tr("Criteria"), CriteriaPanel(controller), left)
        self._add_dock("lagen", self.tr("Lagen"), LayersPanel(controller, self.map_view), left)
        self._add_dock("legenda", self.tr("Legenda"), _LegendPanel(self.map_view), left)
        self._add_dock("locatie", self.tr("Locatie"), PlotDetailPanel(controller), right)
        self._add_dock("bod", self.tr("Bod"), LedgerPanel(controller), right)
        self._add_demand_dock(controller)
        self._add_region_dock(controller)
        self._add_dock("locaties", self.tr("Locaties"), PlotsPanel(controller), bottom)
        self._add_dock("meldingen", self.tr("Meldingen"), MessagesPanel(controller), bottom)
        self._build_status_bar()
        self.workflow: actions.WorkflowActions = actions.install(self, controller)
        controller.busy.connect(self._on_busy)
        controller.progress.connect(self._on_progress)
        controller.project_changed.connect(self._on_project_changed)
        controller.saved.connect(self._on_saved)
        controller.selection_changed.connect(self._show_selected_plot)
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

    def _add_region_dock(self, controller: ProjectController) -> None:
        """Regio (issue 21): a woondeal region's roll-up, shown when a region project is opened.

        Kept out of :attr:`docks` (the project layout): in the region mode the project docks
        are hidden and this dock takes the bottom of the window, below the map.
        """
        self.region = RegionController(controller, self)
        self.region_panel = RegionPanel(self.region, self.map_view)
        self.region_dock = QDockWidget(self.tr("Regio"), self)
        self.region_dock.setObjectName("dock_regio")
        self.region_dock.setWidget(self.region_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.region_dock)
        self.region_dock.hide()
        controller.region_requested.connect(self.open_region)
        self.region.changed.connect(self._on_region_changed)
        self.region_panel.export_requested.connect(self._export_region)
        self._region_zoomed = False

    def open_region(self, target: str) -> None:
        """Show the region at ``target``: the Regio dock below the map, the project docks away."""
        self._region_zoomed = False
        self.region.open(target)
        self.show_region_mode()

    def show_region_mode(self) -> None:
        for key, dock in self.docks.items():
            dock.setVisible(key in ("lagen", "legenda"))
        self.region_dock.show()
        self.region_dock.raise_()
        self.docks["legenda"].raise_()  # the members' colours
        self.resizeDocks([self.region_dock], [max(260, int(self.height() * 0.42))], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.docks["lagen"]], [max(260, int(self.width() * 0.2))], Qt.Orientation.Horizontal
        )

    def adopt_region(self, other: RegionController) -> None:
        """Show the region ``other`` shows (a window rebuilt after a language switch)."""
        if other.target is None:
            return
        self.region.target, self.region.since = other.target, other.since
        self.show_region_mode()
        if other.view is not None:
            self._region_zoomed = True  # keep the map view copied from the old window
            self.region.show_view(other.view)

    def _on_region_changed(self) -> None:
        view = self.region.view
        if view is None:
            return
        self.setWindowTitle(self.tr("{title} — Van Bod naar Plot").format(title=region_title(view.name)))
        self.saved_label.setText(self.tr("Regio (alleen lezen)"))
        if not self._region_zoomed:
            self._region_zoomed = True
            self.region_panel.zoom_to_region()

    def _leave_region_mode(self) -> None:
        if self.region.is_open and self.controller.store is not None:
            self.region.close()
            self.region_dock.hide()
            self.default_layout(force=True)

    def _export_region(self, kind: str) -> None:
        """*PDF…* / *XLSX…* in the Regio view: ask where, then write it on the worker."""
        view = self.region.view
        if view is None:
            return
        from PySide6.QtWidgets import QFileDialog

        pattern = self.tr("PDF-bestand (*.pdf)") if kind == "pdf" else self.tr("Excel-bestand (*.xlsx)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Regio exporteren"), f"regio.{kind}", pattern)
        if not path:
            return
        self.controller.run_task(
            self.tr("Regio exporteren"),
            region_export,
            view,
            path,
            kind,
            on_done=lambda out: self.controller.messages_added.emit(
                [self.tr("Geschreven: {path}").format(path=out)]
            ),
        )

    def _add_dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[key] = dock

    # -- layout ----------------------------------------------------------------------------

    def _screen_rect(self) -> QRect:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)

    def reset_layout(self) -> None:
        """*Beeld → Panelen → Standaardindeling herstellen*: every dock back in its place."""
        self.default_layout(force=True)

    def default_layout(self, size: tuple[int, int] | None = None, *, force: bool = False) -> None:
        """Arrange the docks for a window of ``size`` (default: this window's size).

        Short (laptop): Criteria, Lagen and Legenda share the left column as tabs, Locatie and
        Bod the right one, Locaties and Meldingen the bottom. Tall: Criteria above Lagen and
        Legenda (tabs), Locatie above Bod. The docks are only re-arranged when the kind of
        screen changes (or ``force``); otherwise only their sizes are set.
        """
        w, h = size or (self.width(), self.height())
        compact = h < COMPACT_HEIGHT
        if not force and compact == self._compact:
            self.size_docks((w, h))
            return
        self._compact = compact
        d = self.docks
        areas = {
            "criteria": Qt.DockWidgetArea.LeftDockWidgetArea,
            "lagen": Qt.DockWidgetArea.LeftDockWidgetArea,
            "legenda": Qt.DockWidgetArea.LeftDockWidgetArea,
            "locatie": Qt.DockWidgetArea.RightDockWidgetArea,
            "bod": Qt.DockWidgetArea.RightDockWidgetArea,
            "vraag": Qt.DockWidgetArea.RightDockWidgetArea,
            "locaties": Qt.DockWidgetArea.BottomDockWidgetArea,
            "meldingen": Qt.DockWidgetArea.BottomDockWidgetArea,
        }
        for key, dock in d.items():  # start clean: a tab group cannot be split afterwards
            self.removeDockWidget(dock)
            dock.setFloating(False)
            self.addDockWidget(areas[key], dock)
        for dock in d.values():
            dock.show()
        if compact:
            self.tabifyDockWidget(d["criteria"], d["lagen"])
            self.tabifyDockWidget(d["lagen"], d["legenda"])
            self.tabifyDockWidget(d["locatie"], d["bod"])
            self.tabifyDockWidget(d["bod"], d["vraag"])
        else:
            self.splitDockWidget(d["criteria"], d["lagen"], Qt.Orientation.Vertical)
            self.tabifyDockWidget(d["lagen"], d["legenda"])
            self.splitDockWidget(d["locatie"], d["bod"], Qt.Orientation.Vertical)
            self.tabifyDockWidget(d["bod"], d["vraag"])
        self.tabifyDockWidget(d["locaties"], d["meldingen"])
        d["criteria"].raise_()
        d["locatie"].raise_()
        if not compact:
            d["bod"].raise_()
        d["locaties"].raise_()
        self.size_docks((w, h))

    def size_docks(self, size: tuple[int, int] | None = None) -> None:
        """Side columns about a quarter of the width each, the table a quarter of the height."""
        if not self.isVisible():
            self._size_docks_on_show = True  # a hidden window ignores part of it: again when shown
        w, h = size or (self.width(), self.height())
        d = self.docks
        compact = h < COMPACT_HEIGHT
        left = max(300, min(430, int(w * 0.22)))
        right = max(440, min(520, int(w * 0.335)))  # the Locatie table: criterion, distance, norm
        self.resizeDocks([d["criteria"], d["locatie"]], [left, right], Qt.Orientation.Horizontal)
        self.resizeDocks([d["locaties"]], [max(160, int(h * 0.22))], Qt.Orientation.Vertical)
        if not compact:
            self.resizeDocks(
                [d["criteria"], d["locatie"]], [int(h * 0.45), int(h * 0.4)], Qt.Orientation.Vertical
            )

    def _show_selected_plot(self) -> None:
        """A plot was selected: bring the Locatie panel to the front if it shares a tab."""
        if self.controller.selection and self.tabifiedDockWidgets(self.docks["locatie"]):
            self.docks["locatie"].raise_()

    # -- status bar ------------------------------------------------------------------------

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

    def _on_saved(self) -> None:
        self.saved_label.setText(self.tr("Alles opgeslagen"))

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
        self._leave_region_mode()
        info = self.controller.state.info if self.controller.state else None
        name = info.name if info else (self.controller.store.target_label if self.controller.store else "")
        self.setWindowTitle(f"{name} — Van Bod naar Plot" if name else self.tr("Van Bod naar Plot"))
        self.saved_label.setText(
            self.tr("Alles opgeslagen") if self.controller.store else self.tr("Geen project")
        )

    # -- settings ----------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("main/geometry")
        state = settings.value("main/state")
        version = int(str(settings.value("main/layout_version", 0) or 0))
        if version == _LAYOUT_VERSION and isinstance(state, QByteArray) and self.restoreState(state):
            self._compact = self.tabifiedDockWidgets(self.docks["bod"]) != []
            if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
                return
            self.setGeometry(initial_geometry(self._screen_rect()))
            return
        # First start (or an old layout): arrange the docks for the screen, then take it.
        target = initial_geometry(self._screen_rect())
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            target = self.geometry()
        self.default_layout((target.width(), target.height()))
        self.setGeometry(target)
        self._size_docks_on_show = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._size_docks_on_show:
            self._size_docks_on_show = False
            QTimer.singleShot(0, self.size_docks)  # after the first layout pass: real sizes

    def save_settings(self) -> None:
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        if self.region.is_open:
            return  # the region mode hides the project docks: keep the user's project layout
        settings.setValue("main/state", self.saveState())
        settings.setValue("main/layout_version", _LAYOUT_VERSION)

    # -- language --------------------------------------------------------------------------

    def switch_language(self, lang: str) -> MainWindow:
        """Speak ``lang`` from now on, without a restart: install its translators and rebuild
        this window (menus, docks, map) on the same controller, keeping size, dock layout,
        map view, selection and the open workshop. Returns the new window."""
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        app = QApplication.instance()
        if app is None:
            return self
        set_language(lang)
        install_translator(app, lang)
        self.save_settings()
        new = MainWindow(self.controller)
        new.setGeometry(self.geometry())
        new.restoreState(self.saveState())
        new.map_view.copy_view_from(self.map_view)
        new.workflow.adopt_workshop(self.workflow)
        new.adopt_region(self.region)
        if self.isMaximized():
            new.showMaximized()
        else:
            new.show()
        _windows.append(new)
        self.handing_over = True
        self.close()
        if self in _windows:
            _windows.remove(self)
        self.deleteLater()
        return new

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_settings()
        if not self.handing_over:
            self.controller.cancel()
            self.controller.close_project()
        super().closeEvent(event)
