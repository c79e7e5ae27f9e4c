"""*Beeld → Adres of locatie zoeken*: type an address, postcode, plot or facility; go there.

The project is searched as you type (BAG addresses, plots, facilities: :func:`projects.search.
search_project`). *Ook online zoeken* asks PDOK's Locatieserver in the background with the
online fetch's HTTP client; without a connection the dialog says it is offline and keeps the
project's results. Choosing a result centres the map on it with a pin; a plot is also selected.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController, user_message
from app.workers import Worker
from projects.search import Place, search_online, search_project

__all__ = ["SearchDialog"]

PLACE_ROLE = Qt.ItemDataRole.UserRole + 1


class SearchDialog(QDialog):
    def __init__(self, controller: ProjectController, map_view: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.map_view = map_view
        self.places: list[Place] = []
        self._online_worker: Worker | None = None
        self._generation = 0
        self.setWindowTitle(self.tr("Adres of locatie zoeken"))
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(self.tr("bijv. 2628 BL 134, Julianalaan 134 of Minervaplein"))
        self.query.setClearButtonEnabled(True)
        self.online_button = QPushButton(self.tr("Ook online zoeken (PDOK)"), self)
        self.online_button.setToolTip(
            self.tr("Zoek adressen, straten en plaatsen in heel Nederland bij de PDOK Locatieserver")
        )
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.results = QListWidget(self)
        self.results.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.online_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.search_local)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.query.returnPressed.connect(self._choose_first)
        self.online_button.clicked.connect(self.search_online)
        self.results.itemActivated.connect(self._go)
        self.results.itemClicked.connect(self._go)
        self.search_local()

    # -- searching ---------------------------------------------------------------------------

    def search_local(self) -> None:
        """Search the project's addresses, plots and facilities (no network)."""
        self._generation += 1
        state = self.controller.state
        text = self.query.text().strip()
        if not text:
            self._show([])
            has_addresses = state is not None and "addresses" in state.layers
            self.status.setText(
                self.tr("Typ een adres, postcode, kavelnummer of naam.")
                if has_addresses
                else self.tr(
                    "Dit project heeft geen BAG-adressen: zoek op kavel of naam, of online bij PDOK."
                )
            )
            return
        places = search_project(state.layers, state.plots, text) if state is not None else []
        self._show(places)
        self.status.setText(
            self.tr("{n} gevonden in het project.").format(n=len(places))
            if places
            else self.tr("Niets gevonden in het project. Probeer online zoeken (PDOK).")
        )

    def search_online(self) -> None:
        """Ask PDOK's Locatieserver in the background; offline is said, not shown as an error."""
        text = self.query.text().strip()
        if not text or self._online_worker is not None:
            return
        from app.dialogs.fetch_dialog import fetch_config

        config = fetch_config()
        generation = self._generation
        self.status.setText(self.tr("Online zoeken bij PDOK…"))
        self.online_button.setEnabled(False)

        def work(*, progress: Any = None) -> list[Place]:  # noqa: ARG001 - worker signature
            return search_online(text, config)

        worker = Worker(work)
        worker.signals.finished.connect(lambda places: self._online_done(generation, places))
        worker.signals.failed.connect(lambda exc, _tb: self._online_failed(exc))
        worker.signals.done.connect(self._online_finished)
        self._online_worker = worker
        worker.start()

    def _online_done(self, generation: int, places: list[Place]) -> None:
        if generation != self._generation:
            return
        local = [p for p in self.places if p.source != "PDOK Locatieserver"]
        self._show(local + places)
        self.status.setText(
            self.tr("{n} gevonden bij PDOK, {m} in het project.").format(n=len(places), m=len(local))
        )

    def _online_failed(self, exc: BaseException) -> None:
        from layers.online.errors import OfflineError

        if isinstance(exc, OfflineError):
            self.status.setText(
                self.tr(
                    "Offline: PDOK is niet bereikbaar. U ziet alleen adressen en locaties uit het project."
                )
            )
            return
        message, hint = user_message(exc)
        self.status.setText(f"{message} {hint}".strip())

    def _online_finished(self) -> None:
        self._online_worker = None
        self.online_button.setEnabled(True)

    # -- results -------------------------------------------------------------------------------

    def _kind_text(self, place: Place) -> str:
        kinds = {
            "adres": self.tr("adres"),
            "locatie": self.tr("locatie"),
            "voorziening": self.tr("voorziening"),
            "weg": self.tr("straat"),
            "postcode": self.tr("postcode"),
            "woonplaats": self.tr("woonplaats"),
            "gemeente": self.tr("gemeente"),
        }
        return kinds.get(place.kind, place.kind)

    def _show(self, places: list[Place]) -> None:
        self.places = places
        self.results.clear()
        for place in places:
            item = QListWidgetItem(f"{place.label}  ({self._kind_text(place)}, {place.source})")
            item.setData(PLACE_ROLE, self.results.count())
            self.results.addItem(item)

    def _choose_first(self) -> None:
        self._timer.stop()
        self.search_local()
        if self.results.count():
            self._go(self.results.item(0))

    def _go(self, item: QListWidgetItem) -> None:
        index = item.data(PLACE_ROLE)
        if not isinstance(index, int) or not 0 <= index < len(self.places):
            return
        self.go_to(self.places[index])

    def go_to(self, place: Place) -> None:
        """Show a place on the map (a plot is selected as well)."""
        if place.plot_id is not None:
            self.controller.select([place.plot_id])
        show = getattr(self.map_view, "show_place", None)
        if callable(show):
            show(place.x, place.y, place.label)
