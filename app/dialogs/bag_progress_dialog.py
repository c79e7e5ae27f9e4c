"""*BAG-voortgang controleren*: status proposals from a newer BAG extract, accepted or rejected per row.

The dialog only paints :class:`projects.bag_progress.BagProgress` (computed on the worker) and
hands each decision to the core: accepting goes through the audited status change with the BAG
evidence in the reservation's notes (an undo step, like every status change in the app),
rejecting is remembered for the same evidence.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.commands import ProjectCommand, execute
from app.controller import ProjectController, user_message
from projects.bag_progress import BagProgress, BagProposal, accept_proposals, reject_proposals
from projects.errors import ProjectError
from projects.reservations import reservation_values, restore_reservation

__all__ = ["BagAcceptCommand", "BagProgressDialog"]

_DECISION_COLUMN = 6
_CELL_AIR_PX = 12


class BagAcceptCommand(ProjectCommand):
    """Accept one BAG proposal; undo puts the reservation's status and notes back."""

    def __init__(self, controller: ProjectController, result: BagProgress, proposal: BagProposal) -> None:
        super().__init__(
            controller,
            QCoreApplication.translate("BagAcceptCommand", "BAG-voortgang: {status}").format(
                status=proposal.proposed_status
            ),
        )
        self.result = result
        self.proposal = proposal
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}
        self._version: int | None = None

    def apply(self) -> None:
        rid = self.proposal.reservation_id
        self.before = reservation_values(self.store, rid)
        accept_proposals(self.store, self.result, [rid])
        self.after = reservation_values(self.store, rid)
        self._version = int(self.after["version"])

    def _undo(self) -> None:
        res = restore_reservation(
            self.store, self.proposal.reservation_id, self.before, expected_version=self._version
        )
        self._version = res.version

    def _redo(self) -> None:
        res = restore_reservation(
            self.store, self.proposal.reservation_id, self.after, expected_version=self._version
        )
        self._version = res.version


class BagProgressDialog(QDialog):
    """One row per proposal with its BAG evidence; *Aanvaarden* / *Afwijzen* per row."""

    decided = Signal()  # a proposal was accepted (the controller re-read already) or rejected
    failed = Signal(str, str)  # message, hint (Dutch), shown by the main window
    zoom_requested = Signal(list)

    def __init__(
        self, controller: ProjectController, result: BagProgress, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.proposals_result = result
        self.setWindowTitle(self.tr("BAG-voortgang"))
        self.resize(1180, 620)
        stand = result.stand_datum or self.tr("onbekend")
        base = result.baseline or self.tr("geen BAG-laag in het project")
        intro = QLabel(
            self.tr(
                "BAG-extract met stand {stand}, vergeleken met: {base}. Voorstellen voor een nieuwe "
                "status: {n}. Aanvaarden zet de status (met het bewijs in de notities, terug te zien in de "
                "geschiedenis); afwijzen onthoudt het voorstel, dat pas terugkomt als de BAG iets nieuws laat zien."
            ).format(stand=stand, base=base, n=len(result.proposals)),
            self,
        )
        intro.setWordWrap(True)
        headers = [
            self.tr("Kavel"),
            self.tr("Categorie"),
            self.tr("Nu"),
            self.tr("Voorstel"),
            self.tr("Woningen (BAG)"),
            self.tr("Bewijs uit de BAG"),
            self.tr("Besluit"),
        ]
        self.table = QTableWidget(len(result.proposals), len(headers), self)
        self.table.setObjectName("bag_progress_table")
        self.table.setHorizontalHeaderLabels(headers)
        evidence_header = self.table.horizontalHeaderItem(5)
        if evidence_header is not None:
            evidence_header.setToolTip(self.tr("Per object: identificatie, status, gebruiksdoel en datum"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.decision_labels: dict[int, QLabel] = {}
        self.buttons: dict[int, tuple[QPushButton, QPushButton]] = {}
        for row, p in enumerate(result.proposals):
            cells = [
                p.plot_id,
                p.category,
                p.current_status,
                f"{p.proposed_status} ({p.step})" if p.step != p.proposed_status else p.proposed_status,
                self._homes_text(p),
                "\n".join(e.text() + (self.tr(" (nieuw)") if e.new else "") for e in p.evidence),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(p.note if col < 5 else text)
                self.table.setItem(row, col, item)
            self.table.setCellWidget(row, _DECISION_COLUMN, self._decision_cell(p))
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        for col in range(len(headers)):  # a little air: Qt's fit leaves no room for the item margins
            header.resizeSection(col, header.sectionSize(col) + _CELL_AIR_PX)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_selection)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 3)
        if result.notes or result.rejected:
            layout.addWidget(QLabel(self.tr("Toelichting (geen voorstel):"), self))
            notes = QLabel(self._notes_text(), self)
            notes.setObjectName("bag_progress_notes")
            notes.setWordWrap(True)
            layout.addWidget(notes)
        if result.warnings or result.extract_warnings:
            lines = [self.tr("Let op: {w}").format(w=w) for w in result.warnings]
            if result.extract_warnings:
                lines.append(
                    self.tr("Meldingen bij het lezen van het extract: {n} (wijs aan voor de tekst).").format(
                        n=len(result.extract_warnings)
                    )
                )
            warn = QLabel("\n".join(lines), self)
            warn.setObjectName("bag_progress_warnings")
            warn.setWordWrap(True)
            warn.setToolTip("\n".join(result.extract_warnings))
            layout.addWidget(warn)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Sluiten"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Rows follow the evidence column, which stretches with the dialog: re-measure once laid out."""
        super().resizeEvent(event)
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    def _homes_text(self, p: BagProposal) -> str:
        if p.homes_counted:
            return self.tr("{n} nieuw (gereserveerd {lo}–{hi})").format(
                n=p.homes_counted, lo=p.capacity_min, hi=p.capacity_max
            )
        if p.homes_planned:
            return self.tr("{n} gevormd").format(n=p.homes_planned)
        return self.tr("–")

    def _notes_text(self) -> str:
        lines = [
            self.tr("Kavel {plot} ({status}): {text}").format(
                plot=n.plot_id, status=n.current_status, text=n.text
            )
            for n in self.proposals_result.notes
        ]
        if self.proposals_result.rejected:
            lines.append(
                self.tr("{n} eerder afgewezen voorstel(len) op hetzelfde bewijs zijn niet getoond.").format(
                    n=len(self.proposals_result.rejected)
                )
            )
        return "\n".join(lines)

    def _decision_cell(self, p: BagProposal) -> QWidget:
        cell = QWidget(self.table)
        row = QHBoxLayout(cell)
        row.setContentsMargins(4, 2, 4, 2)
        accept = QPushButton(self.tr("Aanvaarden"), cell)
        accept.setObjectName(f"accept_{p.reservation_id}")
        reject = QPushButton(self.tr("Afwijzen"), cell)
        reject.setObjectName(f"reject_{p.reservation_id}")
        label = QLabel("", cell)
        accept.clicked.connect(lambda _c=False, rid=p.reservation_id: self.decide(rid, accept=True))
        reject.clicked.connect(lambda _c=False, rid=p.reservation_id: self.decide(rid, accept=False))
        row.addWidget(accept)
        row.addWidget(reject)
        row.addWidget(label)
        self.buttons[p.reservation_id] = (accept, reject)
        self.decision_labels[p.reservation_id] = label
        return cell

    def decide(self, reservation_id: int, *, accept: bool) -> None:
        """Accept or reject one proposal through the core; the row then says what was done."""
        store = self.controller.store
        if store is None:
            return
        proposal = self.proposals_result.proposal(reservation_id)
        if accept:
            if not execute(
                self.controller, BagAcceptCommand(self.controller, self.proposals_result, proposal)
            ):
                return  # the controller showed why (e.g. the reservation was changed in between)
        else:
            try:
                reject_proposals(store, self.proposals_result, [reservation_id])
            except ProjectError as exc:
                self.failed.emit(*user_message(exc))
                return
        for button in self.buttons[reservation_id]:
            button.setVisible(False)
        self.decision_labels[reservation_id].setText(
            self.tr("aanvaard: {status}").format(status=proposal.proposed_status)
            if accept
            else self.tr("afgewezen")
        )
        self.decided.emit()

    def _on_selection(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedItems()})
        self.zoom_requested.emit([self.proposals_result.proposals[r].plot_id for r in rows])
