"""Meldingen: what the app reported (import warnings, scoring notes, errors), newest first."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController
from app.panels.widgets import Panel, panel_style

__all__ = ["MessagesPanel"]

ERROR_ROLE = Qt.ItemDataRole.UserRole + 1  # True on error items


class MessagesPanel(Panel):
    """A list of the controller's messages and errors with time stamps; errors in red."""

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.count_label = QLabel(self)
        self.clear_button = QPushButton(self.tr("Wissen"), self)
        self.clear_button.setToolTip(self.tr("Alle meldingen uit deze lijst verwijderen"))
        self.clear_button.clicked.connect(self.clear)

        bar = QHBoxLayout()
        bar.addWidget(self.count_label, 1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.list, 1)

        controller.messages_added.connect(self.add_messages)
        controller.error.connect(self.add_error)
        self._update_count()

    # -- slots -----------------------------------------------------------------------------

    def add_messages(self, lines: list[str]) -> None:
        """Add lines (the first one ends up on top of this batch's block, newest block first)."""
        for line in reversed([str(x) for x in lines if str(x).strip()]):
            self._insert(line, error=False)
        self._update_count()

    def add_error(self, message: str, hint: str) -> None:
        text = f"{message} {hint}".strip() if hint else message
        self._insert(text, error=True)
        self._update_count()

    def clear(self) -> None:
        self.list.clear()
        self._update_count()

    # -- reading (tests, export) -----------------------------------------------------------

    def messages(self) -> list[str]:
        """The texts as shown, newest first (with their time stamp)."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def errors(self) -> list[str]:
        return [
            self.list.item(i).text() for i in range(self.list.count()) if self.list.item(i).data(ERROR_ROLE)
        ]

    # -- internals -------------------------------------------------------------------------

    def _insert(self, text: str, *, error: bool) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        prefix = self.tr("FOUT") + ": " if error else ""
        item = QListWidgetItem(f"{stamp}  {prefix}{text}")
        item.setToolTip(text)
        item.setData(ERROR_ROLE, error)
        if error:
            style = panel_style()
            item.setForeground(QBrush(style.message_colour("error")))
            font = QFont(self.font())
            font.setBold(True)
            item.setFont(font)
        self.list.insertItem(0, item)

    def _update_count(self) -> None:
        n = self.list.count()
        n_err = len(self.errors())
        if n == 0:
            self.count_label.setText(self.tr("Geen meldingen"))
        elif n_err:
            self.count_label.setText(
                self.tr("%n melding(en)", "", n) + " · " + self.tr("%n fout(en)", "", n_err)
            )
        else:
            self.count_label.setText(self.tr("%n melding(en)", "", n))
