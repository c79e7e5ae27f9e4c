"""Reserve a plot for a housing category (or edit its reservation): the dialog of *Reserveren*.

The dialog only collects and checks input; :class:`app.commands.ReserveCommand` writes it.
If the plot already has an active reservation for the chosen category, its values are filled
in and the dialog remembers the version it showed, so a later save by someone else is caught
as a conflict instead of being overwritten. Next to the capacity the user enters (opgegeven)
it shows the tool's estimate (schatting) for the chosen category, and warns inline when the
entered number is above it or above the plan's maximum; the warning never blocks.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.commands import ReserveValues
from app.controller import ProjectController
from projects.capacity import CapacityCheck, capacity_check
from projects.errors import InputsError
from projects.ledger import ledger_rules, parse_split
from projects.models import RESERVATION_STATUSES, PartnerType
from projects.records import DEFAULT_CATEGORIES, parse_years
from projects.views import live_mask

__all__ = ["ReserveDialog"]

_PARTNER_TYPES = [t.value for t in PartnerType]


class ReserveDialog(QDialog):
    """Category, capacity, status, partners, years, land owner, notes and workshop of a reservation."""

    def __init__(
        self,
        controller: ProjectController,
        plot_id: str,
        parent: QWidget | None = None,
        *,
        workshop_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reserveDialog")
        self.controller = controller
        self.plot_id = plot_id
        self.reservation_id: int | None = None
        self.expected_version: int | None = None
        info = controller.state.info if controller.state else None
        self.setWindowTitle(self.tr("Kavel {plot} reserveren").format(plot=plot_id))

        self.category_combo = QComboBox(self)
        self.category_combo.addItems(list(info.project.categories if info else DEFAULT_CATEGORIES))
        self.min_spin = QSpinBox(self)
        self.max_spin = QSpinBox(self)
        for spin in (self.min_spin, self.max_spin):
            spin.setRange(0, 10_000)
            spin.setSuffix(self.tr(" woningen"))
        self.status_combo = QComboBox(self)
        self.status_combo.addItems(list(RESERVATION_STATUSES))
        self.years_edit = QLineEdit(self)
        self.years_edit.setPlaceholderText(self.tr("bijv. 2028-2032"))
        self.split_edit = QLineEdit(self)
        self.split_edit.setPlaceholderText(self.tr("leeg: gelijk over de jaren; bijv. 2028:40, 2031:60"))
        self.split_edit.setToolTip(
            self.tr(
                "Hoe de woningen over de opleverjaren vallen (aandelen per jaar). Leeg: gelijk verdeeld. "
                "Het bod telt elk jaar in zijn opgaveperiode mee."
            )
        )
        self.segment_combo = QComboBox(self)
        self.segment_combo.addItems(list(ledger_rules().segment_names))
        self.segment_combo.setCurrentText(ledger_rules().unknown_segment)
        # The tool's estimate for the chosen category, and an inline warning above it or the plan.
        self.estimate_label = QLabel(self)
        self.estimate_label.setObjectName("estimateLabel")
        self.estimate_label.setWordWrap(True)
        self.capacity_warning = QLabel(self)
        self.capacity_warning.setObjectName("capacityWarning")
        self.capacity_warning.setWordWrap(True)
        self.capacity_warning.setStyleSheet("color: #8a4b00;")
        self.capacity_warning.hide()
        self.land_owner_edit = QLineEdit(self)
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setMaximumHeight(56)
        self.workshop_combo = QComboBox(self)
        self.workshop_combo.addItem(self.tr("(geen werksessie)"), None)
        for w in info.workshops if info else ():
            self.workshop_combo.addItem(f"{w.get('date')} {w.get('title')}", int(w["id"]))
        if workshop_id is not None:
            index = self.workshop_combo.findData(int(workshop_id))
            self.workshop_combo.setCurrentIndex(max(0, index))

        self._known_partners = [(str(p["name"]), str(p["type"])) for p in (info.partners if info else ())]
        self.partners_table = QTableWidget(0, 2, self)
        self.partners_table.setHorizontalHeaderLabels([self.tr("Partner"), self.tr("Soort")])
        self.partners_table.horizontalHeader().setStretchLastSection(True)
        self.partners_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.partners_table.setMinimumHeight(88)
        self.partners_table.setMaximumHeight(120)  # room for three partners; the drieslag needs three
        self.add_partner_button = QPushButton(self.tr("Partner toevoegen"), self)
        self.remove_partner_button = QPushButton(self.tr("Partner verwijderen"), self)
        self.add_partner_button.clicked.connect(lambda: self.add_partner_row())
        self.remove_partner_button.clicked.connect(self.remove_partner_row)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        capacity = QHBoxLayout()
        capacity.addWidget(self.min_spin)
        capacity.addWidget(QLabel(self.tr("tot"), self))
        capacity.addWidget(self.max_spin)
        partner_buttons = QHBoxLayout()
        partner_buttons.addWidget(self.add_partner_button)
        partner_buttons.addWidget(self.remove_partner_button)
        partner_buttons.addStretch(1)

        form = QFormLayout()
        form.addRow(self.tr("Woningcategorie"), self.category_combo)
        form.addRow(self.tr("Capaciteit (opgegeven)"), capacity)
        form.addRow(self.tr("Schatting van de tool"), self.estimate_label)
        form.addRow("", self.capacity_warning)
        form.addRow(self.tr("Status"), self.status_combo)
        form.addRow(self.tr("Segment"), self.segment_combo)
        form.addRow(self.tr("Partners"), self.partners_table)
        form.addRow("", partner_buttons)
        form.addRow(self.tr("Opleverjaren (van–tot)"), self.years_edit)
        form.addRow(self.tr("Verdeling over de jaren"), self.split_edit)
        form.addRow(self.tr("Grondeigenaar"), self.land_owner_edit)
        form.addRow(self.tr("Notities"), self.notes_edit)
        form.addRow(self.tr("Werksessie"), self.workshop_combo)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Reserveren"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuleren"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self.setMinimumWidth(540)  # the estimate's basis and a warning wrap in two or three lines
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.category_combo.currentTextChanged.connect(self._load_existing)
        self.category_combo.currentTextChanged.connect(lambda _t: self.check_capacity())
        self.min_spin.valueChanged.connect(lambda _v: self.check_capacity())
        self.max_spin.valueChanged.connect(lambda _v: self.check_capacity())
        self._load_existing(self.category_combo.currentText())
        self.check_capacity()

    # -- the capacity against the tool's estimate -----------------------------------------------

    def capacity_check(self) -> CapacityCheck:
        """The entered capacity against the estimate of the plot for the chosen category."""
        state = self.controller.state
        context = state.ledger_context if state is not None else None
        category = self.category_combo.currentText()
        estimate = context.estimates.get(category) if context is not None else None
        return capacity_check(estimate, self.plot_id, category, self.min_spin.value(), self.max_spin.value())

    def check_capacity(self) -> None:
        """Show the estimate and, inline, any warning (above the estimate or the plan maximum)."""
        check = self.capacity_check()
        self.estimate_label.setText(
            check.estimate or self.tr("geen schatting (geen oppervlakte, geen plan of eigen categorie)")
        )
        was_shown = not self.capacity_warning.isHidden()
        if check.warnings:
            self.capacity_warning.setText("⚠ " + "\n⚠ ".join(check.brief_warnings))
            self.capacity_warning.setToolTip("\n".join(check.warnings))
            self.capacity_warning.show()
        else:
            self.capacity_warning.hide()
        if was_shown != (not self.capacity_warning.isHidden()):
            self.adjustSize()  # make room for the warning (or give it back), never overlap

    # -- partners ------------------------------------------------------------------------------

    def add_partner_row(self, name: str = "", kind: str = PartnerType.OVERIG.value) -> int:
        """Add a partner row: an editable name (known partners offered) and a type."""
        row = self.partners_table.rowCount()
        self.partners_table.insertRow(row)
        name_combo = QComboBox(self.partners_table)
        name_combo.setEditable(True)
        name_combo.addItems(sorted({n for n, _t in self._known_partners}))
        name_combo.setCurrentText(name)
        type_combo = QComboBox(self.partners_table)
        type_combo.addItems(_PARTNER_TYPES)
        type_combo.setCurrentText(kind)
        name_combo.currentTextChanged.connect(lambda text, tc=type_combo: self._guess_type(text, tc))
        self.partners_table.setCellWidget(row, 0, name_combo)
        self.partners_table.setCellWidget(row, 1, type_combo)
        return row

    def _guess_type(self, name: str, type_combo: QComboBox) -> None:
        for known, kind in self._known_partners:
            if known == name:
                type_combo.setCurrentText(kind)
                return

    def remove_partner_row(self) -> None:
        row = self.partners_table.currentRow()
        self.partners_table.removeRow(row if row >= 0 else self.partners_table.rowCount() - 1)

    def partners(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for row in range(self.partners_table.rowCount()):
            name_w = self.partners_table.cellWidget(row, 0)
            type_w = self.partners_table.cellWidget(row, 1)
            if isinstance(name_w, QComboBox) and isinstance(type_w, QComboBox):
                name = name_w.currentText().strip()
                if name:
                    out.append((name, type_w.currentText()))
        return out

    # -- existing reservation ------------------------------------------------------------------

    def _load_existing(self, category: str) -> None:
        self.reservation_id = None
        self.expected_version = None
        frame = self.controller.state.reservations if self.controller.state else None
        if frame is None or frame.empty:
            return
        match = frame[(frame["plot_id"] == self.plot_id) & (frame["category"] == category) & live_mask(frame)]
        if match.empty:
            return
        row = match.iloc[0]
        self.reservation_id = int(row["fid"])
        self.expected_version = int(row["version"])
        self.min_spin.setValue(int(row["capacity_min"]))
        self.max_spin.setValue(int(row["capacity_max"]))
        self.status_combo.setCurrentText(str(row["status"]))
        if not pd.isna(row["year_start"]):
            self.years_edit.setText(f"{int(row['year_start'])}-{int(row['year_end'])}")
        if "year_split" in row.index and not pd.isna(row["year_split"]):
            self.split_edit.setText(str(row["year_split"]))
        if not pd.isna(row["segment"]):
            self.segment_combo.setCurrentText(str(row["segment"]))
        self.land_owner_edit.setText("" if pd.isna(row["land_owner"]) else str(row["land_owner"]))
        self.notes_edit.setPlainText("" if pd.isna(row["notes"]) else str(row["notes"]))
        self.partners_table.setRowCount(0)
        text = "" if pd.isna(row["partners_text"]) else str(row["partners_text"])
        for part in filter(None, (p.strip() for p in text.split(";"))):
            name, _sep, role = part.rpartition(" (")
            self.add_partner_row(name or part, role.rstrip(")") or PartnerType.OVERIG.value)

    # -- result --------------------------------------------------------------------------------

    def values(self) -> ReserveValues:
        """The entered values (call after :meth:`validate`)."""
        return ReserveValues(
            category=self.category_combo.currentText(),
            capacity_min=self.min_spin.value(),
            capacity_max=self.max_spin.value(),
            status=self.status_combo.currentText(),
            years=self.years_edit.text().strip(),
            split=self.split_edit.text().strip(),
            segment=self.segment_combo.currentText(),
            partners=tuple(self.partners()),
            land_owner=self.land_owner_edit.text().strip(),
            notes=self.notes_edit.toPlainText().strip(),
            workshop_id=self.workshop_combo.currentData(),
        )

    def validate(self) -> str | None:
        """A Dutch problem description, or None when the input can be saved."""
        if self.min_spin.value() > self.max_spin.value():
            return self.tr("De minimale capaciteit is groter dan de maximale.")
        if self.max_spin.value() == 0:
            return self.tr("Geef een capaciteit van minstens één woning op.")
        years = self.years_edit.text().strip()
        if years:
            try:
                parse_years(years)
            except InputsError as exc:
                return f"{exc.message} {exc.hint}".strip()
        split = self.split_edit.text().strip()
        if split:
            try:
                shares = parse_split(split)
                span = parse_years(years) if years else None
            except InputsError as exc:
                return f"{exc.message} {exc.hint}".strip()
            outside = [y for y in shares or {} if span is not None and not span[0] <= y <= span[1]]
            if outside:
                return self.tr("De verdeling noemt {0}, buiten de opleverjaren {1}.").format(
                    ", ".join(map(str, outside)), years
                )
        return None

    def accept(self) -> None:
        problem = self.validate()
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
            return
        super().accept()
