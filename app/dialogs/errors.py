"""The one way the app shows an error: a Dutch message box with what happened and what to do."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["error_box", "show_error"]


def error_box(parent: QWidget | None, message: str, hint: str = "") -> QMessageBox:
    """The (not yet shown) message box for an error: ``message`` bold-ish on top, ``hint`` below."""
    box = QMessageBox(parent)
    box.setObjectName("errorBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("ErrorDialog", "Er ging iets mis"))
    box.setText(message)
    if hint:
        box.setInformativeText(hint)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText(QCoreApplication.translate("ErrorDialog", "OK"))
    return box


def show_error(parent: QWidget | None, message: str, hint: str = "") -> QMessageBox:
    """Show an error window-modally with ``open()`` (never a nested event loop) and return the box."""
    box = error_box(parent, message, hint)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal)
    box.open()
    return box
