"""A scroll area for word-wrapped content in narrow docks (used by panels and the map legend)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QScrollArea, QWidget
from shiboken6 import isValid

__all__ = ["WrappingScrollArea"]


class WrappingScrollArea(QScrollArea):
    """A vertical scroll area whose content gets the height its wrapped text needs at the
    current width. (QScrollArea sizes its widget from sizeHint, not heightForWidth, so in a
    narrow dock word-wrapped labels in a form get too little height and run over each other.)"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit_height(self) -> None:
        widget = self.widget()
        layout = widget.layout() if widget is not None else None
        if widget is None or layout is None or not layout.hasHeightForWidth():
            return
        widget.setMinimumHeight(layout.totalHeightForWidth(self.viewport().width()))

    def fit_later(self) -> None:
        """Fit once the new texts are laid out (after the current event)."""
        QTimer.singleShot(0, self._fit_if_alive)

    def _fit_if_alive(self) -> None:
        if isValid(self):  # the window may be gone by then (a language switch rebuilds it)
            self.fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_height()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # The viewport narrows when the vertical scroll bar appears: fit again.
        if event.type() == QEvent.Type.Resize:
            self.fit_later()
        return super().viewportEvent(event)
