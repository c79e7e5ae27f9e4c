"""Menus, shortcuts, dialogs and drag-and-drop of the main window.

``install(window, controller)`` builds the menus *Bestand*, *Bewerken*, *Beeld*, *Werksessie*
and *Help* and returns the :class:`WorkflowActions` that owns them (also kept as
``window.workflow``). Slots are short: they open a dialog and hand the result to the
controller, to :mod:`app.commands` (undoable edits) or to a worker (export, copy).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.commands import (
    AddPlotCommand,
    DeletePlotCommand,
    ProjectCommand,
    ReserveCommand,
    StatusCommand,
    execute,
)
from app.controller import ProjectController, user_message
from app.dialogs.conflict_dialog import ConflictDialog
from app.dialogs.errors import show_error
from app.dialogs.new_project_wizard import NewProjectSpec, NewProjectWizard
from app.dialogs.reserve_dialog import ReserveDialog
from app.dialogs.server_dialog import ServerDialog
from app.i18n import LANGUAGES, active_language, domain_label, set_language
from projects.errors import ConflictError, ProjectError
from projects.gis import write_gis_package
from projects.models import RESERVATION_STATUSES
from projects.project import save_copy
from projects.reservations import reservation_values, set_opgave
from projects.workshops import log_decision, new_workshop

__all__ = ["RECENT_KEY", "WorkflowActions", "add_recent", "install", "recent_projects"]

RECENT_KEY = "recent/projects"
_RECENT_MAX = 8
_IMPORT_FILTER = "*.gpkg *.geojson *.json *.gml *.xml *.osm *.pbf *.csv *.xlsx *.zip *.shp *.tif *.tiff"


def recent_projects() -> list[str]:
    value = QSettings().value(RECENT_KEY, [])
    items: list[object] = (
        [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    )
    return [str(v) for v in items if v]


def add_recent(target: str) -> list[str]:
    """Put ``target`` (a path or a password-free server URL) first in the recent list."""
    items = [target, *[r for r in recent_projects() if r != target]][:_RECENT_MAX]
    QSettings().setValue(RECENT_KEY, items)
    return items


def install(window: QMainWindow, controller: ProjectController) -> WorkflowActions:
    """Build the menus of ``window`` and connect errors, drag-and-drop and the undo stack.

    The caller keeps the returned object (``MainWindow.workflow``).
    """
    return WorkflowActions(window, controller)


class _WorkshopStartDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Werksessie starten"))
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(self.tr("bijv. Woonzorgtafel maart"))
        self.participants_edit = QPlainTextEdit(self)
        self.participants_edit.setPlaceholderText(self.tr("Eén deelnemer per regel, bijv. wethouder Wonen"))
        form = QFormLayout()
        form.addRow(self.tr("Titel"), self.title_edit)
        form.addRow(self.tr("Deelnemers"), self.participants_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Starten"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuleren"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def participants(self) -> list[str]:
        return [p.strip() for p in self.participants_edit.toPlainText().splitlines() if p.strip()]


class WorkflowActions(QObject):
    """Owns the menu actions of the main window and the workshop state."""

    def __init__(self, window: QMainWindow, controller: ProjectController) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.actions: dict[str, QAction] = {}
        self.workshop_id: int | None = None
        self.workshop_window: QWidget | None = None
        self.bag_progress_dialog: QWidget | None = None
        self._build_file_menu()
        self._build_edit_menu()
        self._build_view_menu()
        self._build_workshop_menu()
        self._build_help_menu()
        controller.error.connect(self.show_error)
        controller.project_changed.connect(self._on_project_changed)
        controller.selection_changed.connect(self._update_enabled)
        controller.state_changed.connect(self._update_enabled)
        controller.busy.connect(self._on_busy)
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        self._connect_polygon_tool()
        self._update_enabled()

    def _on_busy(self, *_args: object) -> None:
        self._update_enabled()

    # -- building ------------------------------------------------------------------------------

    def _action(
        self,
        menu: QMenu,
        key: str,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"action_{key}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.actions[key] = action
        return action

    def _build_file_menu(self) -> None:
        menu = self.window.menuBar().addMenu(self.tr("&Bestand"))
        menu.setObjectName("menu_bestand")
        self._action(menu, "new", self.tr("&Nieuw project…"), self.new_project, QKeySequence.StandardKey.New)
        self._action(menu, "open", self.tr("&Openen…"), self.open_project, QKeySequence.StandardKey.Open)
        self._action(menu, "open_server", self.tr("&Serverproject openen…"), self.open_server, "Ctrl+Shift+O")
        self.recent_menu = menu.addMenu(self.tr("&Recente projecten"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(menu, "demo", self.tr("&Demoproject openen"), self.open_demo)
        menu.addSeparator()
        self._action(menu, "save_copy", self.tr("&Kopie opslaan als…"), self.save_copy, "Ctrl+Shift+S")
        self._action(menu, "import", self.tr("Lagen &importeren…"), self.import_layers, "Ctrl+I")
        self._action(
            menu,
            "fetch",
            self.tr("&Gegevens ophalen…"),
            self.fetch_data,
            "Ctrl+Shift+D",
            self.tr("BAG, voorzieningen, bestemmingsplannen en CBS-buurten online ophalen"),
        )
        self._action(
            menu,
            "export_all",
            self.tr("E&xporteren (kaart, dossiers, web, tabellen)…"),
            self.export_all,
            "Ctrl+Shift+E",
        )
        self._action(menu, "export", self.tr("&Exporteren naar GeoPackage…"), self.export_gpkg, "Ctrl+E")
        self._action(
            menu,
            "record_scores",
            self.tr("Scores &vastleggen"),
            self.controller.record_scores,
            "Ctrl+Shift+R",
            self.tr("De scores zoals getoond (profiel, gewichten, partij) bewaren als scoreronde"),
        )
        menu.addSeparator()
        self._action(menu, "quit", self.tr("&Afsluiten"), self.window.close, QKeySequence.StandardKey.Quit)

    def _build_edit_menu(self) -> None:
        menu = self.window.menuBar().addMenu(self.tr("Be&werken"))
        menu.setObjectName("menu_bewerken")
        stack = self.controller.undo_stack
        undo = stack.createUndoAction(self.window, self.tr("Ongedaan maken"))
        undo.setObjectName("action_undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = stack.createRedoAction(self.window, self.tr("Opnieuw"))
        redo.setObjectName("action_redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        menu.addAction(undo)
        menu.addAction(redo)
        self.actions["undo"], self.actions["redo"] = undo, redo
        menu.addSeparator()
        self._action(menu, "draw_plot", self.tr("Kavel &tekenen"), self.draw_plot, "Ctrl+Shift+K")
        self._action(menu, "delete_plot", self.tr("Kavel &verwijderen"), self.delete_plot, "Ctrl+Del")
        self._action(
            menu, "find_candidates", self.tr("&Kansen zoeken…"), self.find_candidates, "Ctrl+Shift+F"
        )
        menu.addSeparator()
        self._action(menu, "reserve", self.tr("&Reserveren…"), self.reserve, "Ctrl+R")
        self.status_menu = menu.addMenu(self.tr("&Status wijzigen"))
        for status in RESERVATION_STATUSES:
            action = QAction(domain_label(status), self.window)
            action.triggered.connect(lambda _c=False, s=status: self.change_status(s))
            self.status_menu.addAction(action)
        self._action(
            menu,
            "bag_progress",
            self.tr("&BAG-voortgang controleren…"),
            self.check_bag_progress,
            tip=self.tr("Statusvoorstellen voor gereserveerde kavels uit een nieuwer BAG-extract"),
        )

    def _build_view_menu(self) -> None:
        menu = self.window.menuBar().addMenu(self.tr("Bee&ld"))
        menu.setObjectName("menu_beeld")
        self._action(menu, "zoom_all", self.tr("Zoom naar &alles"), self._map("zoom_to_all"), "Ctrl+0")
        self._action(menu, "zoom_selection", self.tr("Zoom naar &selectie"), self.zoom_selection, "Ctrl+J")
        colouring = menu.addMenu(self.tr("Kavels kleuren naar"))
        group = QActionGroup(self)
        for key, text in (("score", self.tr("Score")), ("status", self.tr("Status van reservering"))):
            action = QAction(text, self.window, checkable=True)
            action.setChecked(key == "score")
            action.triggered.connect(lambda _c=False, k=key: self._call_map("set_plot_colouring", k))
            group.addAction(action)
            colouring.addAction(action)
        menu.addSeparator()
        self._action(menu, "search", self.tr("&Adres of locatie zoeken…"), self.search_place, "Ctrl+L")
        self._action(
            menu,
            "measure",
            self.tr("&Meten (lopen en hemelsbreed)"),
            self.measure,
            "Ctrl+M",
            self.tr("Klik twee punten op de kaart: de loopafstand over het netwerk en in een rechte lijn"),
        )
        self._action(menu, "compare", self.tr("Twee locaties &vergelijken…"), self.compare_plots, "Ctrl+K")
        menu.addSeparator()
        panels = menu.addMenu(self.tr("&Panelen"))
        for dock in getattr(self.window, "docks", {}).values():
            panels.addAction(dock.toggleViewAction())
        reset = getattr(self.window, "reset_layout", None)
        if callable(reset):
            self._action(panels, "reset_layout", self.tr("Standaardindeling herstellen"), reset)
        menu.addSeparator()
        language = menu.addMenu(self.tr("&Taal"))
        lang_group = QActionGroup(self)
        for code, name in LANGUAGES.items():
            action = QAction(name, self.window, checkable=True)
            action.setObjectName(f"action_lang_{code}")
            action.setChecked(code == active_language())
            action.triggered.connect(lambda _c=False, c=code: self.set_language(c))
            lang_group.addAction(action)
            language.addAction(action)

    def _build_workshop_menu(self) -> None:
        menu = self.window.menuBar().addMenu(self.tr("Werk&sessie"))
        menu.setObjectName("menu_werksessie")
        self._action(
            menu, "workshop_start", self.tr("Werksessie &starten…"), self.start_workshop, "Ctrl+Shift+W"
        )
        self._action(menu, "workshop_show", self.tr("&Presentatievenster tonen"), self.show_workshop, "F5")
        self._action(menu, "decision", self.tr("&Besluit vastleggen…"), self.log_decision, "Ctrl+B")
        self._action(menu, "minutes", self.tr("&Verslag opslaan…"), self.save_minutes, "Ctrl+Shift+V")

    def _build_help_menu(self) -> None:
        menu = self.window.menuBar().addMenu(self.tr("&Help"))
        menu.setObjectName("menu_help")
        self._action(
            menu,
            "handleiding",
            self.tr("&Handleiding"),
            self.show_help,
            QKeySequence.StandardKey.HelpContents,
        )
        self._action(menu, "begrippen", self.tr("&Begrippen (woordenlijst)"), self.show_glossary)
        self._action(menu, "welcome", self.tr("&Welkom…"), self.show_welcome)
        menu.addSeparator()
        self._action(menu, "about", self.tr("&Over Van Bod naar Plot"), self.about)

    # -- state -----------------------------------------------------------------------------------

    def _update_enabled(self) -> None:
        has_project = self.controller.store is not None
        idle = not self.controller.is_busy
        has_selection = bool(self.controller.selection)
        for key in ("save_copy", "import", "fetch", "export", "draw_plot", "workshop_start", "reserve"):
            self.actions[key].setEnabled(has_project and idle)
        self.actions["reserve"].setEnabled(has_project and idle and len(self.controller.selection) == 1)
        self.actions["delete_plot"].setEnabled(has_project and idle and has_selection)
        self.status_menu.setEnabled(has_project and idle and len(self.controller.selection) == 1)
        self.actions["bag_progress"].setEnabled(has_project and idle)
        for key in ("workshop_show", "decision", "minutes"):
            self.actions[key].setEnabled(has_project and self.workshop_id is not None)
        has_scores = self.controller.state is not None and self.controller.state.run is not None
        self.actions["search"].setEnabled(has_project)
        self.actions["measure"].setEnabled(has_project)
        self.actions["compare"].setEnabled(has_project and has_scores)
        for key in ("new", "open", "open_server", "demo"):
            self.actions[key].setEnabled(idle)

    def _on_project_changed(self) -> None:
        store = self.controller.store
        self.workshop_id = None
        if self.workshop_window is not None:
            self.workshop_window.close()
            self.workshop_window = None
        if store is not None:
            add_recent(store.target_label)
        self._update_enabled()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        items = recent_projects()
        if not items:
            self.recent_menu.addAction(self.tr("(nog geen)")).setEnabled(False)
        for target in items:
            action = self.recent_menu.addAction(target)
            action.triggered.connect(lambda _c=False, t=target: self.controller.open_project(t))

    def show_error(self, message: str, hint: str) -> None:
        show_error(self.window, message, hint)

    # -- Bestand --------------------------------------------------------------------------------

    def new_project(self) -> None:
        wizard = NewProjectWizard(self.window)
        if wizard.exec() == QDialog.DialogCode.Accepted:
            self.create_project(wizard.spec())

    def create_project(self, spec: NewProjectSpec) -> None:
        """Create the project in a worker; the opgave rows are entered once it is open."""
        if spec.opgave:
            self.controller.project_changed.connect(self._enter_opgave_once)
            self._pending_opgave = spec
        self.controller.new_project(
            spec.target,
            name=spec.name,
            gemeente_code=spec.gemeente_code,
            gemeente_naam=spec.gemeente_naam,
            categories=spec.categories,
        )

    def _enter_opgave_once(self) -> None:
        self.controller.project_changed.disconnect(self._enter_opgave_once)
        spec, store = self._pending_opgave, self.controller.store
        if store is None:
            return
        try:
            for row in spec.opgave:
                set_opgave(store, row.category, row.period, row.target, wijk=row.wijk, source=row.source)
        except ProjectError as exc:
            self.controller.error.emit(*user_message(exc))
        self.controller.refresh()

    def open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Project openen"), "", self.tr("Projectbestand (*.gpkg)")
        )
        if path:
            self.controller.open_project(path)

    def open_server(self) -> None:
        dialog = ServerDialog(self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.controller.open_project(dialog.url())

    def open_demo(self) -> None:
        import tempfile

        self.controller.open_demo(Path(tempfile.mkdtemp(prefix="bodnaarplot-demo-")) / "delft-demo.gpkg")

    def save_copy(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Kopie opslaan als"), "", self.tr("Projectbestand (*.gpkg)")
        )
        if path:
            self.run_task(self.tr("Kopie opslaan"), save_copy, path, self.tr("Kopie opgeslagen: {path}"))

    def import_layers(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window,
            self.tr("Lagen importeren"),
            "",
            self.tr("Geodata ({patterns});;Alle bestanden (*)").format(patterns=_IMPORT_FILTER),
        )
        if paths:
            self.controller.import_files(paths)

    def export_gpkg(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Exporteren naar GeoPackage"), "", self.tr("GeoPackage (*.gpkg)")
        )
        if path:
            self.run_task(self.tr("Exporteren"), _export, path, self.tr("Geëxporteerd naar {path}"))

    def run_task(self, title: str, func: Callable[..., Path], path: str, done_text: str) -> None:
        """Run ``func(store, path, progress=...)`` in the controller's worker (progress, cancel)."""
        store = self.controller.store
        if store is None:
            self.controller.error.emit(
                self.tr("Er is geen project geopend."), self.tr("Open een project of maak een nieuw project.")
            )
            return
        self.controller.run_task(  # the controller's one worker slot: busy, progress, cancel, errors
            title,
            func,
            store,
            path,
            on_done=lambda out: self.controller.messages_added.emit([done_text.format(path=out)]),
        )

    # -- Bewerken -------------------------------------------------------------------------------

    def _one_selected(self) -> str | None:
        if len(self.controller.selection) != 1:
            self.controller.error.emit(
                self.tr("Selecteer precies één kavel."),
                self.tr("Klik een kavel aan op de kaart of in de lijst."),
            )
            return None
        return self.controller.selection[0]

    def reserve(self) -> None:
        plot_id = self._one_selected()
        if plot_id is None:
            return
        dialog = ReserveDialog(self.controller, plot_id, self.window, workshop_id=self.workshop_id)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reserve_from_dialog(dialog)

    def reserve_from_dialog(self, dialog: ReserveDialog) -> bool:
        """Turn an accepted reserve dialog into an undoable :class:`ReserveCommand`."""
        command = ReserveCommand(
            self.controller,
            dialog.plot_id,
            dialog.values(),
            expected_version=dialog.expected_version,
            reservation_id=dialog.reservation_id,
        )
        return execute(self.controller, command, on_conflict=self.show_conflict)

    def show_conflict(self, exc: ConflictError, command: ProjectCommand) -> None:
        """Their values next to yours; only *Opnieuw laden* is offered."""
        dialog = self.conflict_dialog(exc, command)
        dialog.accepted.connect(self.controller.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def conflict_dialog(self, exc: ConflictError, command: ProjectCommand) -> ConflictDialog:
        theirs: dict[str, Any] = {}
        yours: dict[str, Any] = {}
        if isinstance(command, ReserveCommand):
            values = command.values
            yours = {
                "category": values.category,
                "capacity_min": values.capacity_min,
                "capacity_max": values.capacity_max,
                "status": values.status,
                "years": values.years,
                "partners": list(values.partners),
                "land_owner": values.land_owner,
                "notes": values.notes,
            }
            rid = command.reservation_id
            if rid is not None and self.controller.store is not None:
                try:
                    theirs = reservation_values(self.controller.store, rid)
                except ProjectError as read_error:
                    self.controller.error.emit(*user_message(read_error))
        elif isinstance(command, StatusCommand) and self.controller.store is not None:
            yours = {"status": command.status}
            try:
                theirs = reservation_values(self.controller.store, command.reservation_id)
            except ProjectError as read_error:
                self.controller.error.emit(*user_message(read_error))
        return ConflictDialog(theirs, yours, self.window, hint=exc.hint)

    def change_status(self, status: str) -> None:
        plot_id = self._one_selected()
        state = self.controller.state
        if plot_id is None or state is None:
            return
        res = state.reservations
        active = res[(res["plot_id"] == plot_id) & res["active"].fillna(False)] if not res.empty else res
        if active.empty:
            self.controller.error.emit(
                self.tr("Kavel {plot} heeft geen reservering.").format(plot=plot_id),
                self.tr("Reserveer de kavel eerst (Bewerken → Reserveren)."),
            )
            return
        row = active.iloc[0]
        command = StatusCommand(
            self.controller, int(row["fid"]), status, expected_version=int(row["version"])
        )
        execute(self.controller, command, on_conflict=self.show_conflict)

    def export_all(self) -> None:
        """The export dialog: PDF map, dossiers, web map, GIS package and annex, with a preview."""
        from app.dialogs.export_dialog import ExportDialog

        if self.controller.store is None:
            self.controller.error.emit(
                self.tr("Er is geen project geopend."), self.tr("Open een project of maak een nieuw project.")
            )
            return
        self.export_dialog = ExportDialog(self.controller, self.window)
        self.export_dialog.setModal(False)
        self.export_dialog.show()

    def fetch_data(self) -> None:
        """*Gegevens ophalen*: the online fetch dialog (non-modal; the map stays usable)."""
        from app.dialogs.fetch_dialog import FetchDialog

        if self.controller.store is None:
            self.controller.error.emit(
                self.tr("Er is geen project geopend."),
                self.tr("Open of maak eerst een project; de opgehaalde gegevens worden daarin bewaard."),
            )
            return
        self.fetch_dialog = FetchDialog(self.controller, self.window, getattr(self.window, "map_view", None))
        self.fetch_dialog.setModal(False)
        self.fetch_dialog.show()

    def find_candidates(self) -> None:
        """Run the candidate finder on the project's layers; show the proposals as a layer."""
        from projects.candidates import project_candidates

        store = self.controller.store
        if store is None:
            self.controller.error.emit(
                self.tr("Er is geen project geopend."), self.tr("Open een project of maak een nieuw project.")
            )
            return
        self.controller.run_task(
            self.tr("Kansen zoeken"), project_candidates, store, on_done=self._show_candidates
        )

    def _show_candidates(self, candidates: Any) -> None:
        from app.dialogs.candidates_dialog import CandidatesDialog

        map_view = getattr(self.window, "map_view", None)
        if map_view is not None:
            map_view.set_candidates(candidates)
        dialog = CandidatesDialog(candidates, self.window)
        dialog.accepted_ids.connect(lambda ids: self._accept_candidates(candidates, ids))
        dialog.finished.connect(lambda _r: map_view.set_candidates(None) if map_view is not None else None)
        dialog.setModal(False)
        dialog.show()
        self.candidates_dialog = dialog

    def _accept_candidates(self, candidates: Any, ids: list[str]) -> None:
        from projects.candidates import accept_candidates

        store = self.controller.store
        if store is None:
            return
        try:
            result = accept_candidates(store, candidates, ids)
        except ProjectError as exc:
            self.controller.error.emit(*user_message(exc))
            return
        self.controller.messages_added.emit(
            [self.tr("Kansen overgenomen als kavel: {n}").format(n=len(result.added))]
        )
        self.controller.set_profile(self.controller.profile)  # score the new plots

    def check_bag_progress(self) -> None:
        """Choose a newer BAG extract; the proposals are computed on the worker, then listed."""
        from projects.bag_progress import bag_progress

        store = self.controller.store
        if store is None:
            self.controller.error.emit(
                self.tr("Er is geen project geopend."), self.tr("Open een project of maak een nieuw project.")
            )
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("Nieuwer BAG-extract kiezen"),
            "",
            self.tr("BAG-extract (*.zip *.xml *.gpkg *.geojson *.json);;Alle bestanden (*)"),
        )
        if not path:
            return
        self.controller.run_task(
            self.tr("BAG-voortgang"),
            bag_progress,
            store,
            bag_extract_path(path),
            on_done=self._show_bag_progress,
        )

    def _show_bag_progress(self, result: Any) -> None:
        from app.dialogs.bag_progress_dialog import BagProgressDialog

        if self.controller.store is None:
            return
        dialog = BagProgressDialog(self.controller, result, self.window)
        dialog.failed.connect(self.controller.error)
        dialog.zoom_requested.connect(self._zoom_to_plots)
        dialog.setModal(False)
        dialog.show()
        self.bag_progress_dialog = dialog

    def _zoom_to_plots(self, plot_ids: list[str]) -> None:
        if plot_ids:
            self.controller.select(plot_ids)
            self._call_map("zoom_to", plot_ids)

    def draw_plot(self) -> None:
        tool = getattr(self.window, "map_view", None)
        start = getattr(tool, "start_polygon_tool", None) or getattr(
            getattr(tool, "polygon_tool", None), "start", None
        )
        if start is None:
            self.controller.error.emit(
                self.tr("Tekenen is in deze kaart niet beschikbaar."),
                self.tr("Importeer kavels uit een bestand (Bestand → Lagen importeren)."),
            )
            return
        start()
        self.controller.messages_added.emit(
            [
                self.tr(
                    "Teken de kavel: klik de hoekpunten aan, dubbelklik of Enter om af te sluiten, Esc om te stoppen."
                )
            ]
        )

    def _connect_polygon_tool(self) -> None:
        map_view = getattr(self.window, "map_view", None)
        tool = getattr(map_view, "polygon_tool", None)
        signal = getattr(map_view, "polygon_drawn", None) or getattr(tool, "polygon_drawn", None)
        if signal is not None:
            signal.connect(self.add_drawn_plot)

    def add_drawn_plot(self, polygon: object) -> bool:
        ok = execute(self.controller, AddPlotCommand(self.controller, polygon))
        if ok:
            self.controller.messages_added.emit(
                [self.tr("De nieuwe kavel krijgt een score zodra opnieuw wordt gescoord (Criteria).")]
            )
        return ok

    def delete_plot(self) -> None:
        for plot_id in list(self.controller.selection):
            answer = QMessageBox.question(
                self.window,
                self.tr("Kavel verwijderen"),
                self.tr("Kavel {plot} verwijderen? Dit kan ongedaan worden gemaakt.").format(plot=plot_id),
            )
            if answer == QMessageBox.StandardButton.Yes:
                execute(self.controller, DeletePlotCommand(self.controller, plot_id))

    # -- Beeld ----------------------------------------------------------------------------------

    def _map(self, method: str) -> Callable[[], None]:
        return lambda: self._call_map(method)

    def _call_map(self, method: str, *args: Any) -> None:
        func = getattr(getattr(self.window, "map_view", None), method, None)
        if func is not None:
            func(*args)

    def zoom_selection(self) -> None:
        if self.controller.selection:
            self._call_map("zoom_to", list(self.controller.selection))

    def set_language(self, lang: str) -> None:
        """Switch the interface language at once (the main window rebuilds itself in it)."""
        switch = getattr(self.window, "switch_language", None)
        if callable(switch):
            switch(lang)
            return
        set_language(lang)  # a bare window (tests): the next start speaks it

    def adopt_workshop(self, other: WorkflowActions) -> None:
        """Take over the running workshop of another window's actions (after a language switch)."""
        self.workshop_id = other.workshop_id
        was_open = other.workshop_window is not None and other.workshop_window.isVisible()
        if other.workshop_window is not None:
            other.workshop_window.close()
            other.workshop_window.deleteLater()
            other.workshop_window = None
        if was_open:
            self.show_workshop()
        self._update_enabled()

    def search_place(self) -> None:
        """*Adres of locatie zoeken*: BAG addresses and plots in the project, PDOK when online."""
        from app.dialogs.search_dialog import SearchDialog

        map_view = getattr(self.window, "map_view", None)
        self.search_dialog = SearchDialog(self.controller, map_view, self.window)
        self.search_dialog.show()

    def measure(self) -> None:
        """Start the measuring tool on the map (two clicks: walking and straight-line distance)."""
        map_view = getattr(self.window, "map_view", None)
        start = getattr(map_view, "start_measure_tool", None)
        if callable(start):
            start()
            self.controller.messages_added.emit(
                [self.tr("Meten: klik het beginpunt en het eindpunt op de kaart; Esc stopt.")]
            )

    def compare_plots(self) -> None:
        """Two plots side by side: the two selected ones, or the best two when fewer are selected."""
        from app.dialogs.compare_dialog import CompareDialog

        self.compare_dialog = CompareDialog(self.controller, self.window)
        self.compare_dialog.show()

    # -- Werksessie -----------------------------------------------------------------------------

    def start_workshop(self) -> None:
        store = self.controller.store
        if store is None:
            return
        dialog = _WorkshopStartDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.begin_workshop(dialog.title_edit.text(), dialog.participants())

    def begin_workshop(self, title: str, participants: Sequence[str]) -> int | None:
        """Create the workshop in the project and open the presentation window."""
        store = self.controller.store
        if store is None:
            return None
        try:
            workshop = new_workshop(store, title, participants=participants)
        except ProjectError as exc:
            self.controller.error.emit(*user_message(exc))
            return None
        self.workshop_id = workshop.id
        self.controller.refresh()
        self.show_workshop()
        return workshop.id

    def show_workshop(self) -> None:
        from app.workshop import WorkshopWindow

        if self.workshop_window is None:
            self.workshop_window = WorkshopWindow(self.controller, self.workshop_id)
        self.workshop_window.show()
        self.workshop_window.raise_()

    def log_decision(self) -> None:
        store = self.controller.store
        if store is None or self.workshop_id is None:
            return
        text, ok = QInputDialog.getText(self.window, self.tr("Besluit vastleggen"), self.tr("Besluit:"))
        if not ok:
            return
        plot_id = self.controller.selection[0] if len(self.controller.selection) == 1 else None
        try:
            log_decision(store, self.workshop_id, text, plot_id)
        except ProjectError as exc:
            self.controller.error.emit(*user_message(exc))
            return
        self.controller.refresh()

    def save_minutes(self) -> None:
        """*Verslag opslaan…*: the minutes as a PDF document or as Markdown."""
        from app.dialogs.minutes_dialog import save_minutes_as

        if self.controller.store is None or self.workshop_id is None:
            return
        save_minutes_as(self.window, self.controller, self.workshop_id)

    # -- Help -----------------------------------------------------------------------------------

    def about(self) -> None:
        """*Over*: purpose, version, data attributions and licences (resources/attributions.toml)."""
        from app.dialogs.about_dialog import AboutDialog

        AboutDialog(self.window).exec()

    def show_help(self) -> None:
        from app.dialogs.help_dialog import HelpDialog

        self.help_dialog = HelpDialog(self.window)
        self.help_dialog.show()

    def show_glossary(self) -> None:
        """*Help → Begrippen*: the glossary (docs/begrippen.md) in the help viewer."""
        from app.dialogs.help_dialog import HelpDialog, glossary_path

        self.glossary_dialog = HelpDialog(self.window, path=glossary_path(), title=self.tr("Begrippen"))
        self.glossary_dialog.show()

    def show_welcome(self) -> None:
        """The first-run welcome (also from *Help → Welkom*): demo, new project or open."""
        from app.dialogs.welcome_dialog import WELCOME_SETTING, WelcomeDialog

        dialog = WelcomeDialog(self.window)
        targets = {"demo": self.open_demo, "new": self.new_project, "open": self.open_project}
        dialog.choice.connect(lambda key: QTimer.singleShot(0, targets[key]))
        dialog.finished.connect(
            lambda _r: QSettings().setValue(WELCOME_SETTING, dialog.dont_show.isChecked())
        )
        self.welcome_dialog = dialog
        dialog.open()

    # -- drag and drop --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and event.type() == QEvent.Type.DragEnter:
            assert isinstance(event, QDragEnterEvent)
            if event.mimeData().hasUrls():
                event.acceptProposedAction()
                return True
        if watched is self.window and event.type() == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
            self.drop_files(paths)
            event.acceptProposedAction()
            return True
        return super().eventFilter(watched, event)

    def drop_files(self, paths: Sequence[str]) -> None:
        """Dropped files: a project file alone opens it when no project is open; otherwise import."""
        if not paths:
            return
        if self.controller.store is None and len(paths) == 1 and paths[0].lower().endswith(".gpkg"):
            self.controller.open_project(paths[0])
            return
        self.controller.import_files(list(paths))


def _export(store: Any, path: str, *, progress: Callable[[float, str], None]) -> Path:
    progress(0.0, QCoreApplication.translate("WorkflowActions", "Exporteren"))
    out = write_gis_package(store, path)
    progress(1.0, QCoreApplication.translate("WorkflowActions", "Export klaar"))
    return out


def bag_extract_path(path: str) -> str:
    """One file of an LV BAG folder stands for the whole folder: panden need their VBOs to count homes."""
    import re

    chosen = Path(path)
    if re.match(r"^\d{4}(PND|VBO|NUM)\d{8}", chosen.name, re.IGNORECASE) and chosen.suffix.lower() == ".xml":
        return str(chosen.parent)
    return path
