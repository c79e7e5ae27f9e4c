"""*Gegevens ophalen*: fetch a gemeente's (or a frame's) layers from PDOK, OSM and Ruimtelijke Plannen.

The dialog only collects choices and shows progress and results; the fetch itself is the
controller's one long task (:meth:`ProjectController.fetch_online`). The API key for Ruimtelijke
Plannen lives in the user's settings (``online/rp_api_key``), never in the project; mirror URLs
come from the settings ``online/url/<service>``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGraphicsView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController, user_message
from app.workers import Worker

__all__ = ["API_KEY_SETTING", "URL_SETTING", "FetchDialog", "fetch_config", "view_extent"]

API_KEY_SETTING = "online/rp_api_key"
URL_SETTING = "online/url/{service}"


def fetch_config(api_key: str | None = None) -> Any:
    """The fetch configuration: services.toml, env overrides, mirror URLs and the key from the settings."""
    from layers.online.config import SERVICES, load_config

    settings = QSettings()
    urls = {
        name: str(value)
        for name in SERVICES
        if (value := settings.value(URL_SETTING.format(service=name), "") or "")
    }
    key = api_key if api_key is not None else str(settings.value(API_KEY_SETTING, "") or "")
    return load_config(urls=urls, api_keys={"plannen": key} if key else None)


def view_extent(view: QGraphicsView) -> tuple[float, float, float, float]:
    """The visible part of the map in RD metres (the scene's y axis is −RD y)."""
    rect = view.mapToScene(view.viewport().rect()).boundingRect()
    return (rect.left(), -rect.bottom(), rect.right(), -rect.top())


class FetchDialog(QDialog):
    """Area, layer sets, API key; progress, *Annuleren* and the per-set results."""

    def __init__(
        self,
        controller: ProjectController,
        parent: QWidget | None = None,
        map_view: QGraphicsView | None = None,
    ) -> None:
        from projects.fetch import DEFAULT_LAYERS, FETCH_SOURCES

        super().__init__(parent)
        self.controller = controller
        self.map_view = map_view
        self.worker: Worker | None = None
        self._gemeenten_worker: Worker | None = None
        self._start_pending = False
        self.report: Any = None
        self.failed = False
        self.setWindowTitle(self.tr("Gegevens ophalen"))
        self.resize(680, 620)

        # -- area
        area_box = QGroupBox(self.tr("Gebied"), self)
        self.by_gemeente = QRadioButton(self.tr("Gemeente"), area_box)
        self.by_bbox = QRadioButton(self.tr("Kader (RD-meters)"), area_box)
        group = QButtonGroup(self)
        group.addButton(self.by_gemeente)
        group.addButton(self.by_bbox)
        self.by_gemeente.setChecked(True)
        self.gemeente = QLineEdit(area_box)
        self.gemeente.setPlaceholderText(self.tr("naam of CBS-code, bijv. Delft of 0503"))
        self.gemeente.setText(self._project_gemeente())
        self.completer = QCompleter([], self.gemeente)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.gemeente.setCompleter(self.completer)
        self.bbox = QLineEdit(area_box)
        self.bbox.setPlaceholderText(self.tr("minx,miny,maxx,maxy, bijv. 83000,444000,87000,448000"))
        self.view_button = QPushButton(self.tr("Huidig kaartbeeld"), area_box)
        self.view_button.setEnabled(map_view is not None)
        self.view_button.clicked.connect(self.use_view_extent)
        self.bbox.textEdited.connect(lambda _t: self.by_bbox.setChecked(True))
        self.gemeente.textEdited.connect(lambda _t: self.by_gemeente.setChecked(True))
        area_form = QFormLayout(area_box)
        area_form.addRow(self.by_gemeente, self.gemeente)
        bbox_row = QHBoxLayout()
        bbox_row.addWidget(self.bbox, 1)
        bbox_row.addWidget(self.view_button)
        area_form.addRow(self.by_bbox, bbox_row)

        # -- layer sets
        data_box = QGroupBox(self.tr("Gegevens"), self)
        data_layout = QVBoxLayout(data_box)
        self.boxes: dict[str, QCheckBox] = {}
        titles = {  # FETCH_SOURCES' Dutch titles, spelled out here so they can be translated
            "bag": self.tr("BAG-panden en verblijfsobjecten (PDOK)"),
            "osm": self.tr("Voorzieningen en looppaden (OpenStreetMap)"),
            "plannen": self.tr("Bestemmingsplannen (Ruimtelijke Plannen API)"),
            "cbs": self.tr("CBS-buurten met inwoners en leeftijden (PDOK)"),
            "brt": self.tr("Achtergrondkaart voor offline gebruik (BRT-tegels)"),
        }
        for key, source in FETCH_SOURCES.items():
            box = QCheckBox(titles.get(key, source.title), data_box)
            box.setObjectName(f"fetch_{key}")
            box.setChecked(key in DEFAULT_LAYERS)
            self.boxes[key] = box
            data_layout.addWidget(box)

        # -- key and options
        self.api_key = QLineEdit(self)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setText(str(QSettings().value(API_KEY_SETTING, "") or ""))
        self.api_key.setPlaceholderText(self.tr("nodig voor bestemmingsplannen"))
        key_note = QLabel(
            self.tr(
                "De sleutel wordt bewaard in uw gebruikersinstellingen op deze computer, nooit in het project."
            ),
            self,
        )
        key_note.setWordWrap(True)
        self.refresh = QCheckBox(self.tr("Opnieuw ophalen (cache negeren)"), self)
        form = QFormLayout()
        form.addRow(self.tr("API-sleutel Ruimtelijke Plannen"), self.api_key)
        form.addRow("", key_note)
        form.addRow(self.refresh)

        # -- progress and results
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel(self.tr("Kies een gebied en de gegevens, en klik op Ophalen."), self)
        self.status.setWordWrap(True)
        self.results = QPlainTextEdit(self)
        self.results.setReadOnly(True)
        self.results.setPlaceholderText(self.tr("Hier verschijnt per gegevensset wat er is opgehaald."))

        buttons = QDialogButtonBox(self)
        self.start_button = buttons.addButton(self.tr("Ophalen"), QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(self.tr("Sluiten"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(area_box)
        layout.addWidget(data_box)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(buttons)
        controller.progress.connect(self._on_progress)
        controller.error.connect(self._on_error)
        controller.busy.connect(self._on_busy)
        self.load_gemeenten()

    # -- inputs ---------------------------------------------------------------------------------

    def _project_gemeente(self) -> str:
        state = self.controller.state
        project = state.info.project if state is not None and state.info is not None else None
        return str((project.gemeente_naam or project.gemeente_code or "") if project else "")

    def chosen_layers(self) -> list[str]:
        return [k for k, box in self.boxes.items() if box.isChecked()]

    def use_view_extent(self) -> None:
        """Fill in the map's visible extent (rounded to whole metres) and choose *Kader*."""
        if self.map_view is None:
            return
        minx, miny, maxx, maxy = view_extent(self.map_view)
        self.bbox.setText(f"{minx:.0f},{miny:.0f},{maxx:.0f},{maxy:.0f}")
        self.by_bbox.setChecked(True)

    def load_gemeenten(self) -> None:
        """Feed the completer with the gemeente list (cache or PDOK), in a worker; failures are quiet."""
        from layers.online.area import gemeenten
        from layers.online.base import client_for

        try:
            config = fetch_config()
        except (OSError, ValueError, KeyError):  # a broken mirror setting: the fetch itself will say so
            return

        def work(*, progress: Any) -> list[str]:
            return [g.name for g in gemeenten(client_for(config, "gebieden", progress), config)]

        worker = Worker(work)
        worker.signals.finished.connect(self._set_gemeenten)
        # No list (offline the first time): the name is still checked when fetching.
        worker.signals.failed.connect(lambda _exc, _tb: None)
        worker.signals.done.connect(self._gemeenten_done)
        self._gemeenten_worker = worker
        worker.start()

    @property
    def loading_gemeenten(self) -> bool:
        return self._gemeenten_worker is not None

    def _gemeenten_done(self) -> None:
        self._gemeenten_worker = None
        if self._start_pending:
            self._start_pending = False
            self.start()

    def _set_gemeenten(self, names: list[str]) -> None:
        self.completer.model().setStringList(names)  # type: ignore[attr-defined]

    # -- running --------------------------------------------------------------------------------

    def start(self) -> None:
        from layers.errors import LayerError

        if self._gemeenten_worker is not None:
            # The gemeente list is still loading into the same cache: start right after it.
            self._start_pending = True
            self.start_button.setEnabled(False)
            self.status.setText(self.tr("Lijst met gemeenten laden…"))
            return

        layers = self.chosen_layers()
        if not layers:
            self.controller.error.emit(
                self.tr("Kies ten minste één soort gegevens."), self.tr("Vink bijv. BAG-panden aan.")
            )
            return
        gemeente = self.gemeente.text().strip() if self.by_gemeente.isChecked() else None
        bbox = self.bbox.text().strip() if self.by_bbox.isChecked() else None
        if not gemeente and not bbox:
            self.controller.error.emit(
                self.tr("Geen gebied gekozen."),
                self.tr("Vul een gemeente in, of een kader in RD-meters (of klik op Huidig kaartbeeld)."),
            )
            return
        key = self.api_key.text().strip()
        settings = QSettings()
        if key:
            settings.setValue(API_KEY_SETTING, key)
        else:
            settings.remove(API_KEY_SETTING)
        try:
            config = fetch_config(key or None)
        except (LayerError, KeyError, ValueError, OSError) as exc:
            self.controller.error.emit(*user_message(exc))
            return
        self.results.clear()
        self.report = None
        self.failed = False
        worker = self.controller.fetch_online(
            config, layers, gemeente=gemeente, bbox=bbox, refresh=self.refresh.isChecked(), on_done=self._done
        )
        if worker is None:  # another task runs; the controller has said so
            return
        # The worker already runs: listen through the controller's signals, which were connected
        # before it started (a signal of the worker itself could come before we connect).
        self.worker = worker
        self.progress.setValue(0)
        self.status.setText(self.tr("Bezig met ophalen…"))
        self._set_running(True)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.setText(self.tr("Annuleren… (stopt na de lopende aanvraag)"))

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for w in (self.gemeente, self.bbox, self.api_key, self.refresh, self.by_gemeente, self.by_bbox):
            w.setEnabled(not running)
        self.view_button.setEnabled(not running and self.map_view is not None)
        for box in self.boxes.values():
            box.setEnabled(not running)

    def _on_progress(self, fraction: float, text: str) -> None:
        if self.worker is None:  # another task's progress
            return
        self.progress.setValue(round(fraction * 100))
        if text:
            self.status.setText(text)

    def _done(self, report: Any) -> None:
        self.report = report
        self.progress.setValue(100)
        self.results.setPlainText("\n".join(report.lines()))
        if report.ok:
            self.status.setText(self.tr("Klaar: alle gegevens zijn opgehaald en staan op de kaart."))
        else:
            failed = sum(1 for o in report.outcomes if not o.ok)
            self.status.setText(
                self.tr("Klaar, maar {n} gegevensset(s) mislukt; zie hieronder.").format(n=failed)
            )

    def _on_error(self, message: str, hint: str) -> None:
        """The fetch failed as a whole (e.g. an unknown gemeente); the controller shows the dialog."""
        if self.worker is None:
            return
        self.failed = True
        self.status.setText(self.tr("Mislukt: {message}").format(message=message))
        self.results.setPlainText(f"{message}\n{hint}".strip())

    def _on_busy(self, busy: bool, _title: str) -> None:
        worker = self.worker
        if busy or worker is None:
            return
        self.worker = None
        self._set_running(False)
        if worker.is_cancelled and self.report is None and not self.failed:
            self.status.setText(
                self.tr("Ophalen geannuleerd. Wat al volledig was opgeslagen, blijft in het project.")
            )

    def reject(self) -> None:
        """Closing while fetching cancels the fetch (the project keeps only whole layer sets)."""
        if self.worker is not None:
            self.cancel()
        super().reject()
