"""The map legend: what each colour, icon and line on the map means, for the layers shown.

Layers describe themselves (:meth:`app.map.layers.MapLayer.legend` → :class:`LegendItem`);
:meth:`app.map.canvas.MapView.legend_sections` collects the visible ones, top layer first, and
:class:`LegendWidget` shows them (the *Legenda* dock, and compact in the presentation window).
The score classes are labelled with their real ranges and the rule that made them
(:mod:`plotscore.classes`), so the legend never promises a class nobody is in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.scroll import WrappingScrollArea

__all__ = ["LegendItem", "LegendSection", "LegendSource", "LegendWidget", "swatch"]


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a fill, an outline/line, or an icon, and its label."""

    label: str
    fill: QColor | None = None
    line: QColor | None = None
    line_width: float = 2.0
    pattern: Qt.PenStyle = Qt.PenStyle.SolidLine
    hatch: bool = False
    halo: QColor | None = None
    icon: QPixmap | None = None
    count: int | None = None  # e.g. the number of plots in a score class


@dataclass(frozen=True)
class LegendSection:
    layer_id: str
    title: str
    items: tuple[LegendItem, ...]
    note: str = ""  # how to read it, e.g. how the score classes were made
    extra: tuple[str, ...] = field(default_factory=tuple)


class LegendSource(Protocol):
    """What a legend needs from a map (implemented by :class:`app.map.canvas.MapView`)."""

    legend_changed: Any  # a Qt signal without arguments

    def legend_sections(self) -> list[LegendSection]: ...


def swatch(item: LegendItem, size: int = 22) -> QPixmap:
    """A small picture of the symbol: a filled box, an outlined box, a line or the icon."""
    if item.icon is not None and not item.icon.isNull():
        return item.icon
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    box = QRectF(3, 3, size - 6, size - 6)
    if item.fill is not None:
        p.setPen(QPen(QColor("#202020"), 1.0))
        p.setBrush(item.fill)
        p.drawRect(box)
    if item.line is not None and item.fill is None and not item.hatch and item.line_width < 3.5:
        # A line (network, walking reach): drawn across, with a white halo as on the map.
        y = size / 2
        if item.halo is not None:
            p.setPen(QPen(item.halo, item.line_width + 2.5))
            p.drawLine(QPointF(1, y), QPointF(size - 1, y))
        pen = QPen(item.line, item.line_width, item.pattern)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        p.drawLine(QPointF(1, y), QPointF(size - 1, y))
    elif item.line is not None:
        # An outline (reservations, selection): a box in the outline style.
        if item.hatch:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(item.line, Qt.BrushStyle.BDiagPattern))
            p.drawRect(box)
        if item.halo is not None:
            p.setPen(QPen(item.halo, min(item.line_width, 4.0) + 2.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(box)
        p.setPen(QPen(item.line, min(item.line_width, 4.0), item.pattern))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(box)
    p.end()
    return pix


class LegendWidget(QWidget):
    """The legend of a map, rebuilt when the map's layers, colouring or classes change.

    ``only`` limits it to some layers (the presentation window shows plots, reservations,
    marks and the walking reach); ``columns`` > 1 puts the items of a section side by side.
    """

    def __init__(
        self,
        source: LegendSource,
        parent: QWidget | None = None,
        *,
        only: tuple[str, ...] | None = None,
        columns: int = 1,
        scroll: bool = True,
        compact: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.source = source
        self.only = only
        self.columns = max(1, columns)
        # Compact (presentation window): one row per layer, its title first, then its symbols;
        # the note on how the classes are made as one line under the plots' row.
        self.compact = compact
        self.sections: list[LegendSection] = []
        self.body = QWidget(self)
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.area: WrappingScrollArea | None = None
        if scroll:
            area = WrappingScrollArea(self)  # wrapped labels get their height in a narrow dock
            area.setFrameShape(QScrollArea.Shape.NoFrame)
            area.setWidget(self.body)
            layout.addWidget(area)
            self.area = area
        else:
            layout.addWidget(self.body)
        source.legend_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        sections = self.source.legend_sections()
        if self.only is not None:
            order = {k: i for i, k in enumerate(self.only)}
            sections = sorted((s for s in sections if s.layer_id in order), key=lambda s: order[s.layer_id])
        self.sections = sections
        while self.grid.count():
            child = self.grid.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        if self.compact:
            self._fill_compact(sections)
            return
        row = 0
        cols = self.columns
        for section in sections:
            title = QLabel(section.title, self.body)
            font = QFont(self.font())
            font.setBold(True)
            title.setFont(font)
            title.setWordWrap(True)
            self.grid.addWidget(title, row, 0, 1, 2 * cols)
            row += 1
            if section.note:
                note = QLabel(section.note, self.body)
                note.setWordWrap(True)
                note.setObjectName("legendNote")
                small = QFont(self.font())
                small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
                note.setFont(small)
                self.grid.addWidget(note, row, 0, 1, 2 * cols)
                row += 1
            for i, item in enumerate(section.items):
                r, c = row + i // cols, (i % cols) * 2
                icon = QLabel(self.body)
                icon.setPixmap(swatch(item, max(18, self.fontMetrics().height() + 2)))
                icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
                text = item.label if item.count is None else f"{item.label}  ({item.count})"
                label = QLabel(text, self.body)
                label.setWordWrap(True)
                label.setTextFormat(Qt.TextFormat.PlainText)
                self.grid.addWidget(icon, r, c)
                self.grid.addWidget(label, r, c + 1)
            row += (len(section.items) + cols - 1) // cols
            for line in section.extra:
                extra = QLabel(line, self.body)
                extra.setWordWrap(True)
                self.grid.addWidget(extra, row, 0, 1, 2 * cols)
                row += 1
        if not sections:
            empty = QLabel(self.tr("Nog geen kaartlagen."), self.body)
            empty.setWordWrap(True)
            self.grid.addWidget(empty, 0, 0, 1, 2 * cols)
            row = 1
        for c in range(cols):
            self.grid.setColumnStretch(2 * c + 1, 1)
        self.grid.setRowStretch(row, 1)
        if self.area is not None:
            self.area.fit_later()

    def _fill_compact(self, sections: list[LegendSection]) -> None:
        """One row per layer: its title (a fixed column), then its symbols side by side. Each row
        is its own layout, so a long label in one row never widens the others."""
        size = max(16, self.fontMetrics().height())
        bold = QFont(self.font())
        bold.setBold(True)
        title_w = max(
            (QFontMetrics(bold).horizontalAdvance(w) for s in sections for w in s.title.split()), default=60
        )
        for r, section in enumerate(sections):
            title = QLabel(section.title, self.body)
            title.setFont(bold)
            title.setWordWrap(True)  # "Loopbereik geselecteerde locatie" wraps in its column
            title.setFixedWidth(title_w + 8)
            row = QHBoxLayout()
            row.setSpacing(4)
            for item in section.items:
                icon = QLabel(self.body)
                icon.setPixmap(swatch(item, size))
                text = item.label if item.count is None else f"{item.label} ({item.count})"
                label = QLabel(text, self.body)
                label.setTextFormat(Qt.TextFormat.PlainText)
                row.addWidget(icon)
                row.addWidget(label)
                row.addSpacing(10)
            row.addStretch(1)
            holder = QWidget(self.body)
            holder.setLayout(row)
            row.setContentsMargins(0, 0, 0, 0)
            self.grid.addWidget(title, 2 * r, 0)
            self.grid.addWidget(holder, 2 * r, 1)
            if section.note:
                note = QLabel(section.note, self.body)
                note.setObjectName("legendNote")
                note.setWordWrap(True)
                self.grid.addWidget(note, 2 * r + 1, 1)
        self.grid.setColumnStretch(1, 1)

    def labels(self) -> list[str]:
        """Every text in the legend, top to bottom (tests)."""
        out = []
        for section in self.sections:
            out.append(section.title)
            out.extend(i.label for i in section.items)
        return out
