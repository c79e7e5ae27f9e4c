"""Open a project on a PostgreSQL + PostGIS server (team mode).

The password is never asked for and never stored: libpq reads it from ``PGPASSWORD`` or
``~/.pgpass`` (``%APPDATA%\\postgresql\\pgpass.conf`` on Windows). A URL pasted with a password
in it is accepted, but the password is removed before the URL is used or remembered.
"""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from projects.store import redact_url

__all__ = ["ServerDialog", "build_url"]


def build_url(host: str, port: int, database: str, user: str, project: str) -> str:
    """``postgresql+psycopg://user@host:port/database?project=naam`` (no password, ever)."""
    who = f"{quote(user.strip(), safe='')}@" if user.strip() else ""
    return (
        f"postgresql+psycopg://{who}{host.strip()}:{int(port)}/{quote(database.strip(), safe='')}"
        f"?project={quote(project.strip(), safe='')}"
    )


class ServerDialog(QDialog):
    """Server, database, user and project name; or a pasted URL."""

    def __init__(self, parent: QWidget | None = None, *, url: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("serverDialog")
        self.setWindowTitle(self.tr("Serverproject openen"))
        self.url_edit = QLineEdit(redact_url(url), self)
        self.url_edit.setPlaceholderText("postgresql+psycopg://gebruiker@server:5432/database?project=naam")
        self.host_edit = QLineEdit("localhost", self)
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.database_edit = QLineEdit(self)
        self.user_edit = QLineEdit(self)
        self.project_edit = QLineEdit(self)
        note = QLabel(
            self.tr(
                "Het wachtwoord wordt nooit gevraagd of bewaard. Zet het in de omgevingsvariabele "
                "PGPASSWORD of in uw pgpass-bestand (~/.pgpass; op Windows "
                "%APPDATA%\\postgresql\\pgpass.conf). Vraag uw beheerder om hulp."
            ),
            self,
        )
        note.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        form = QFormLayout()
        form.addRow(self.tr("Serveradres (URL)"), self.url_edit)
        form.addRow(QLabel(self.tr("of vul de onderdelen in:"), self))
        form.addRow(self.tr("Server"), self.host_edit)
        form.addRow(self.tr("Poort"), self.port_spin)
        form.addRow(self.tr("Database"), self.database_edit)
        form.addRow(self.tr("Gebruiker"), self.user_edit)
        form.addRow(self.tr("Project"), self.project_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Openen"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuleren"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def url(self) -> str:
        """The URL to open, always without a password."""
        typed = self.url_edit.text().strip()
        if typed:
            return redact_url(typed)
        return build_url(
            self.host_edit.text(),
            self.port_spin.value(),
            self.database_edit.text(),
            self.user_edit.text(),
            self.project_edit.text(),
        )

    def accept(self) -> None:
        typed = self.url_edit.text().strip()
        if typed and not typed.startswith(("postgresql", "postgres://")):
            self._problem(self.tr("Een serveradres begint met postgresql://."))
            return
        if typed and redact_url(typed) != typed:
            self.url_edit.setText(redact_url(typed))
            self._problem(
                self.tr(
                    "Het wachtwoord is uit het adres gehaald: het wordt nooit bewaard. "
                    "Zet het in PGPASSWORD of uw pgpass-bestand en klik opnieuw op Openen."
                )
            )
            return
        if not typed and not (self.database_edit.text().strip() and self.project_edit.text().strip()):
            self._problem(self.tr("Vul minstens de database en de projectnaam in."))
            return
        if "project=" not in self.url():
            self._problem(self.tr("Het adres noemt geen project: voeg ?project=naam toe."))
            return
        super().accept()

    def _problem(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
