"""Someone else saved the reservation first: show their values next to yours, then reload.

Overwriting is deliberately not offered (optimistic concurrency: the last one to save must
look first). The user can reload and, if still needed, make the edit again on the fresh values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ConflictDialog", "field_label"]


def _labels() -> dict[str, str]:
    t = QCoreApplication.translate
    return {
        "category": t("ConflictDialog", "Woningcategorie"),
        "capacity": t("ConflictDialog", "Capaciteit"),
        "status": t("ConflictDialog", "Status"),
        "years": t("ConflictDialog", "Jaren"),
        "partners": t("ConflictDialog", "Partners"),
        "land_owner": t("ConflictDialog", "Grondeigenaar"),
        "notes": t("ConflictDialog", "Notities"),
        "active": t("ConflictDialog", "Actief"),
    }


def field_label(key: str) -> str:
    return _labels().get(key, key)


def _normalise(values: Mapping[str, Any]) -> dict[str, str]:
    """Reservation values (from the store or from the dialog) as comparable display texts."""
    out: dict[str, str] = {}
    out["category"] = str(values.get("category") or "")
    lo, hi = values.get("capacity_min"), values.get("capacity_max")
    out["capacity"] = "" if lo is None else (f"{lo}" if lo == hi else f"{lo}–{hi}")
    out["status"] = str(values.get("status") or "")
    if "years" in values:
        out["years"] = str(values.get("years") or "")
    else:
        start, end = values.get("year_start"), values.get("year_end")
        out["years"] = "" if start is None else (f"{start}" if start == end else f"{start}-{end}")
    partners = values.get("partners") or []
    out["partners"] = "; ".join(f"{n} ({t})" for n, t in partners)
    out["land_owner"] = str(values.get("land_owner") or "")
    out["notes"] = str(values.get("notes") or "")
    if "active" in values:
        out["active"] = (
            QCoreApplication.translate("ConflictDialog", "ja")
            if values["active"]
            else QCoreApplication.translate("ConflictDialog", "nee (ingetrokken)")
        )
    return out


class ConflictDialog(QDialog):
    """ "Iemand anders heeft deze reservering gewijzigd": their values vs yours; reload only."""

    def __init__(
        self,
        theirs: Mapping[str, Any],
        yours: Mapping[str, Any],
        parent: QWidget | None = None,
        *,
        hint: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle(self.tr("Wijziging van iemand anders"))
        title = QLabel(self.tr("Iemand anders heeft deze reservering gewijzigd"), self)
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        explanation = QLabel(
            self.tr(
                "Uw wijziging is niet opgeslagen, zodat die van de ander niet verloren gaat. "
                "Laad de reservering opnieuw en voer uw wijziging zo nodig nog eens in."
            ),
            self,
        )
        explanation.setWordWrap(True)
        theirs_n, yours_n = _normalise(theirs), _normalise(yours)
        keys = [k for k in _labels() if k in theirs_n or k in yours_n]
        self.table = QTableWidget(len(keys), 3, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Veld"), self.tr("Opgeslagen (ander)"), self.tr("Uw invoer")]
        )
        self.table.verticalHeader().hide()
        self.differences: list[str] = []
        for row, key in enumerate(keys):
            a, b = theirs_n.get(key, ""), yours_n.get(key, "—")
            cells = [field_label(key), a, b]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if a != b and key in yours_n:
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                self.table.setItem(row, col, item)
            if a != b and key in yours_n:
                self.differences.append(key)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(explanation)
        if hint:
            hint_label = QLabel(hint, self)
            hint_label.setWordWrap(True)
            layout.addWidget(hint_label)
        layout.addWidget(self.table)
        self.buttons = QDialogButtonBox(self)
        self.reload_button = self.buttons.addButton(
            self.tr("Opnieuw laden"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            self.tr("Sluiten"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(620, 380)
