"""Find text a user cannot read: widgets outside their window, or too small for their text.

Used by the layout tests of the presentation window and the main window (1366×768 and
1920×1080). A widget inside a scroll area may lie below the visible part (it scrolls), but never
beside it (no sideways scrolling for text).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QComboBox,
    QLabel,
    QTabBar,
    QTableWidget,
    QWidget,
)

CELL_PADDING_PX = 8  # the item view's text margins, both sides together


def _inside_scroll_area(widget: QWidget, root: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QLabel | QAbstractButton):
        text = widget.text()
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
    return f"{type(widget).__name__}({widget.objectName() or ''}) {text[:40]!r}"


def clipped_text(root: QWidget, *, tolerance: int = 1) -> list[str]:
    """Every visible label, button or combo box whose text is cut or that lies outside ``root``."""
    problems: list[str] = []
    bounds = root.rect().adjusted(-tolerance, -tolerance, tolerance, tolerance)
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or isinstance(widget, QTabBar) or widget.width() <= 0:
            continue
        if not isinstance(widget, QLabel | QAbstractButton | QComboBox):
            continue
        if widget.visibleRegion().isEmpty():
            continue  # not on screen at all: a dock behind another tab, a row scrolled away
        top_left = widget.mapTo(root, QPoint(0, 0))
        rect = QRect(top_left, widget.size())
        area = _inside_scroll_area(widget, root)
        if area is None:
            if not bounds.contains(rect):
                problems.append(f"{_name(widget)} lies outside the window: {rect} not in {root.rect()}")
        else:
            view = area.viewport()
            left = view.mapTo(root, QPoint(0, 0)).x()
            if rect.left() < left - tolerance or rect.right() > left + view.width() + tolerance:
                problems.append(f"{_name(widget)} sticks out of its scroll area sideways")
        fm = widget.fontMetrics()
        if isinstance(widget, QLabel):
            if not widget.text() or (widget.pixmap() is not None and not widget.pixmap().isNull()):
                continue
            if widget.wordWrap():
                if widget.heightForWidth(widget.width()) > widget.height() + tolerance:
                    problems.append(f"{_name(widget)} wraps to more lines than it has room for")
            elif (
                type(widget) is QLabel
                and "\n" not in widget.text()
                and "<" not in widget.text()
                and fm.horizontalAdvance(widget.text()) > widget.contentsRect().width() + tolerance
            ):
                problems.append(f"{_name(widget)} is cut: {widget.width()} px for its text")
        elif isinstance(widget, QAbstractButton):
            if widget.text() and widget.width() + tolerance < widget.minimumSizeHint().width():
                problems.append(f"{_name(widget)} is narrower than its text")
        elif isinstance(widget, QComboBox):
            need = fm.horizontalAdvance(widget.currentText())
            if widget.currentText() and need + 24 > widget.width():
                problems.append(f"{_name(widget)} cuts its text ({widget.width()} px for {need} px)")
    return problems


def cut_cells(table: QTableWidget) -> list[str]:
    """Every cell whose text does not fit: a word wider than its column (cut, or elided), or
    wrapped lines taller than its row (hidden)."""
    problems: list[str] = []
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            item = table.item(r, c)
            if item is None or not item.text():
                continue
            fm = QFontMetrics(item.font())
            width = table.columnWidth(c) - CELL_PADDING_PX
            widest = max(fm.horizontalAdvance(word) for word in item.text().split())
            if widest > width:
                problems.append(f"cell ({r}, {c}) {item.text()!r}: a word of {widest} px in {width} px")
                continue
            if not table.wordWrap() and fm.horizontalAdvance(item.text()) > width:
                problems.append(f"cell ({r}, {c}) {item.text()!r} is cut (no word wrap)")
                continue
            flags = Qt.TextFlag.TextWordWrap if table.wordWrap() else Qt.TextFlag.TextSingleLine
            need = fm.boundingRect(QRect(0, 0, width, 10_000), int(flags), item.text()).height()
            if need > table.rowHeight(r):
                problems.append(
                    f"cell ({r}, {c}) {item.text()!r}: {need} px high in a row of {table.rowHeight(r)}"
                )
    return problems
