"""*Kansen zoeken*: the proposed sites with their reasons, to accept into the plots list."""

from __future__ import annotations

import geopandas as gpd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["CandidatesDialog"]


class CandidatesDialog(QDialog):
    """A checkable list of candidates; ``accepted_ids`` is emitted with the chosen plot ids."""

    accepted_ids = Signal(list)
    zoom_requested = Signal(list)

    def __init__(self, candidates: gpd.GeoDataFrame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Kansen zoeken"))
        self.resize(980, 560)
        new = candidates
        if "duplicate_of" in candidates.columns:
            new = candidates[candidates["duplicate_of"].isna()]
        self.candidates = new.reset_index(drop=True)
        n_dup = len(candidates) - len(new)
        intro = QLabel(
            self.tr(
                "{n} voorgestelde locaties. Vink aan wat u als kavel wilt overnemen; daarna worden ze "
                "gescoord zoals elke kavel. {d} voorstellen vallen samen met bestaande kavels en staan "
                "niet in de lijst."
            ).format(n=len(self.candidates), d=n_dup),
            self,
        )
        intro.setWordWrap(True)
        headers = [
            self.tr("Overnemen"),
            self.tr("Naam"),
            self.tr("Waarom"),
            self.tr("Soort"),
            self.tr("m²"),
            self.tr("Woonvorm"),
        ]
        self.table = QTableWidget(len(self.candidates), len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, cand in self.candidates.iterrows():
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Unchecked)
            check.setData(Qt.ItemDataRole.UserRole, str(cand["plot_id"]))
            self.table.setItem(int(row), 0, check)
            reason = str(cand.get("reasons") or cand.get("reason") or "")
            cells = [
                str(cand.get("name") or cand["plot_id"]),
                reason,
                str(cand.get("family") or ""),
                f"{float(cand.get('area_m2') or 0):,.0f}".replace(",", "."),
                str(cand.get("category_hint") or ""),
            ]
            for col, text in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(int(row), col, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, 420)
        self.table.itemSelectionChanged.connect(self._on_selection)

        select_all = QPushButton(self.tr("Alles aanvinken"), self)
        select_all.clicked.connect(lambda: self._check_all(True))
        select_none = QPushButton(self.tr("Niets aanvinken"), self)
        select_none.clicked.connect(lambda: self._check_all(False))
        buttons = QDialogButtonBox(self)
        self.accept_button = buttons.addButton(
            self.tr("Aangevinkte overnemen"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("Sluiten"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(select_all)
        row_buttons.addWidget(select_none)
        row_buttons.addStretch(1)
        row_buttons.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)

    def checked_ids(self) -> list[str]:
        out = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _check_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None:
                item.setCheckState(state)

    def _on_selection(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedItems()})
        self.zoom_requested.emit([str(self.candidates.loc[r, "plot_id"]) for r in rows])

    def _accept(self) -> None:
        ids = self.checked_ids()
        if ids:
            self.accepted_ids.emit(ids)
        self.accept()
