"""The first-run welcome: what the tool is for, and one click to the demo or a project.

Shown once per user (QSettings ``app/welcome_shown``) and again from *Help → Welkom*. It never
blocks a project given on the command line: the main window decides when to show it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["WELCOME_SETTING", "WelcomeDialog"]

WELCOME_SETTING = "app/welcome_shown"


class WelcomeDialog(QDialog):
    """Choices: demo, new project, open project; ``choice`` is emitted with "demo"/"new"/"open"."""

    choice = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welkom bij Van Bod naar Plot"))
        self.resize(640, 420)
        text = QLabel(self)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setOpenExternalLinks(True)
        text.setText(
            self.tr(
                "<h2>Welkom</h2>"
                "<p>Met Van Bod naar Plot vertaalt u de opgave voor ouderenhuisvesting (het <b>bod</b>) "
                "naar <b>gereserveerde locaties</b> op de kaart, samen met partners boven de kaart.</p>"
                "<ol><li>Voer de opgave per woonvorm in (bij een nieuw project); het <b>Bod</b>-paneel volgt hem.</li>"
                "<li>Bekijk de kavels: de score zegt hoe dichtbij supermarkt, huisarts en OV liggen "
                "(loopafstand over echte looppaden).</li>"
                "<li>Weeg per partij, zoek consensus en <b>reserveer</b> locaties met partners.</li>"
                "<li>Exporteer de kaart voor het volkshuisvestingsprogramma en de prestatieafspraken.</li></ol>"
                "<p>Nieuw? Open de <b>demo</b> (Delft, echte open data) en volg de handleiding "
                "(<b>Help → Handleiding</b>): een hele werksessie in tien minuten.</p>"
            )
        )
        self.demo_button = QPushButton(self.tr("Demo openen (Delft)"), self)
        self.demo_button.setDefault(True)
        self.new_button = QPushButton(self.tr("Nieuw project…"), self)
        self.open_button = QPushButton(self.tr("Project openen…"), self)
        self.close_button = QPushButton(self.tr("Sluiten"), self)
        self.dont_show = QCheckBox(self.tr("Niet meer tonen bij opstarten"), self)
        self.dont_show.setChecked(True)
        for button, key in ((self.demo_button, "demo"), (self.new_button, "new"), (self.open_button, "open")):
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
        self.close_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        for b in (self.demo_button, self.new_button, self.open_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(text, 1)
        layout.addWidget(self.dont_show)
        layout.addLayout(row)

    def _choose(self, key: str) -> None:
        self.accept()
        self.choice.emit(key)
