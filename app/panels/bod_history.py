"""Verloop van het bod: zeker / in beeld / gerealiseerd over time and the delivery curve, per category.

Opened from the Bod dock (button *Verloop…*). The numbers are :func:`projects.bod_chart.bod_charts`:
the monthly :func:`projects.audit_state.bod_series` and the ledger's
:func:`projects.ledger.delivery_curve`, at the dock's *Stand op* date when one is picked. The
charts are painted by :func:`app.line_chart.layout_line_chart`, the same function as the PDF
page, with text sized from the window so it reads on a projector.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.controller import user_message
from app.line_chart import ChartLayout, chart_colours, layout_line_chart
from app.panels.widgets import font_point_size, panel_style
from app.workers import Worker
from projects.audit_state import moment_words
from projects.bod_chart import KIND_CURVE, KIND_SERIES, OPGAVE, BodCharts, LineChart, bod_charts

if TYPE_CHECKING:
    from projects.ledger import Ledger
    from projects.store import ProjectStore

__all__ = ["BodHistoryChart", "BodHistoryDialog"]


class BodHistoryChart(QWidget):
    """The two charts of one category: the bod over time and the delivery curve per year."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._charts: BodCharts | None = None
        self._category: str | None = None
        self._layouts: list[ChartLayout] = []
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_charts(self, charts: BodCharts, category: str | None = None) -> None:
        self._charts = charts
        if category is None or category not in charts.categories:
            category = charts.categories[0] if charts.categories else None
        self._category = category
        self.update()

    def set_category(self, category: str) -> None:
        self._category = category
        self.update()

    def category(self) -> str | None:
        return self._category

    def shown(self, kind: str) -> LineChart | None:
        """The chart of ``kind`` (KIND_SERIES / KIND_CURVE) currently shown."""
        if self._charts is None or self._category is None:
            return None
        table = self._charts.series if kind == KIND_SERIES else self._charts.curve
        return table.get(self._category)

    def layouts(self) -> list[ChartLayout]:
        """The layouts as last painted (for tests: every text and its rectangle)."""
        return list(self._layouts)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1000, 520)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(480, 360)

    def _labels(self, kind: str) -> dict[str, str]:
        return {
            "zeker": self.tr("zeker"),
            "in_beeld": self.tr("in beeld"),
            "gerealiseerd": self.tr("gerealiseerd"),
            OPGAVE: self.tr("opgave (alle perioden)")
            if kind == KIND_SERIES
            else self.tr("opgave, gelijk verdeeld t/m het eindjaar"),
            "range": self.tr("vlak: minimum tot maximum"),
        }

    def _font(self, side_by_side: bool) -> QFont:
        """Text from the window's size: bigger window (a projector) → bigger text."""
        base = QFontMetricsF(self.font()).height()
        area_h = self.height() if side_by_side else self.height() / 2
        px = max(base * 0.9, min(area_h / 17.0, self.width() / (48.0 if side_by_side else 28.0), 34.0))
        font = QFont(self.font())
        font.setPixelSize(round(px))
        return font

    def compute_layouts(self) -> list[ChartLayout]:
        """Lay both charts out at the widget's current size (side by side: plots aligned)."""
        first = self._compute_layouts(0.0)
        side_by_side = self.width() >= 1.5 * self.height()
        if not side_by_side or len(first) < 2:
            return first
        return self._compute_layouts(max(layout.head_h for layout in first))

    def _compute_layouts(self, head_h: float) -> list[ChartLayout]:
        if self._category is None or self._charts is None:
            return []
        side_by_side = self.width() >= 1.5 * self.height()
        font = self._font(side_by_side)
        margin = QFontMetricsF(font).height() * 0.6
        area = self.rect().toRectF().adjusted(margin, margin, -margin, -margin)
        if side_by_side:
            w = (area.width() - 2 * margin) / 2
            rects = [area.adjusted(0, 0, -(w + 2 * margin), 0), area.adjusted(w + 2 * margin, 0, 0, 0)]
        else:
            h = (area.height() - 2 * margin) / 2
            rects = [area.adjusted(0, 0, 0, -(h + 2 * margin)), area.adjusted(0, h + 2 * margin, 0, 0)]
        name = self._category[:1].upper() + self._category[1:]
        colours = chart_colours()
        out = []
        for kind, rect in zip((KIND_SERIES, KIND_CURVE), rects, strict=True):
            chart = self.shown(kind)
            if chart is None:
                continue
            title = (
                self.tr("{0}: het bod per maand (woningen)").format(name)
                if kind == KIND_SERIES
                else self.tr("{0}: opgeleverd t/m elk jaar tegen de opgave (woningen)").format(name)
            )
            empty = (
                self.tr("Nog geen stand van het bod.")
                if kind == KIND_SERIES
                else self.tr("Geen opgave en geen reserveringen met opleverjaren.")
            )
            out.append(
                layout_line_chart(
                    chart,
                    rect,
                    font=font,
                    title=title,
                    labels=self._labels(kind),
                    colours=colours,
                    empty_text=empty,
                    head_h=head_h,
                )
            )
        return out

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        self._layouts = self.compute_layouts()
        if not self._layouts:
            painter.setPen(panel_style().ledger_colour("text"))
            painter.drawText(
                self.rect(),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self.tr("Nog geen opgave en geen reserveringen: er is nog geen verloop."),
            )
        for layout in self._layouts:
            layout.paint(painter)
        painter.end()


def _compute(
    store: ProjectStore, book: Ledger, now: dt.datetime | None, *, progress: Callable[[float, str], None]
) -> BodCharts:
    """Off the GUI thread: one ledger per month end since the bod's first change (reading only)."""
    progress(0.0, "Verloop van het bod berekenen")
    return bod_charts(store, book=book, now=now)


class BodHistoryDialog(QDialog):
    """The window with the category selector and the two charts (not modal: the dock stays usable)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Verloop van het bod"))
        font = QFont(self.font())
        font.setPointSize(font_point_size())  # the panels' size: readable from the back of the room
        self.setFont(font)
        self.category_combo = QComboBox(self)
        # filled after the window is shown (the charts come from a worker): grow with the names
        self.category_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.category_combo.currentTextChanged.connect(self._pick)
        self.chart = BodHistoryChart(self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Woonvorm"), self))
        top.addWidget(self.category_combo)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.note)
        self.resize(1100, 640)
        self._generation = 0
        self._pending: int | None = None
        self._worker: Worker | None = None

    def load(self, store: ProjectStore, book: Ledger, *, as_of: dt.datetime | None = None) -> None:
        """Compute the charts in the background (the bod or the date changed); the newest wins."""
        self._generation += 1
        gen = self._generation
        self._pending = gen
        self.note.setText(self.tr("Het verloop wordt berekend …"))
        worker = Worker(_compute, store, book, as_of)
        worker.signals.finished.connect(lambda charts, g=gen: self._done(g, charts, as_of))
        worker.signals.failed.connect(lambda exc, _tb, g=gen: self._failed(g, exc))
        self._worker = worker
        worker.start()

    @property
    def is_computing(self) -> bool:
        """True while charts are being computed (tests and screenshots wait on it)."""
        return self._pending is not None

    def _done(self, generation: int, charts: BodCharts, as_of: dt.datetime | None) -> None:
        if generation != self._generation:
            return  # a newer computation is under way
        self._pending = None
        self.set_charts(charts, as_of=as_of)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._pending = None
        message, hint = user_message(exc)
        self.note.setText(self.tr("Het verloop kon niet worden berekend: {0} {1}").format(message, hint))

    def set_charts(self, charts: BodCharts, *, as_of: dt.datetime | None = None) -> None:
        """Show ``charts``; ``as_of``: the moment of the dock's *Stand op* date (None: now)."""
        keep = self.chart.category()
        self.category_combo.blockSignals(True)
        self.category_combo.clear()
        self.category_combo.addItems(list(charts.categories))
        if keep in charts.categories:
            self.category_combo.setCurrentText(keep)
        self.category_combo.blockSignals(False)
        self.chart.set_charts(charts, self.category_combo.currentText() or None)
        lines = [
            self.tr(
                "Het bod per maand: zeker, in beeld en gerealiseerd aan het eind van elke maand, herbouwd "
                "uit het wijzigingslogboek; alle perioden van de woonvorm samen. Opgeleverd t/m elk jaar: "
                "de woningen opgeteld per opleverjaar, tegen de opgave als die gelijk over de jaren van "
                "haar periode gehaald wordt."
            )
        ]
        if as_of is not None:
            lines.append(self.tr("Stand op {0}.").format(moment_words(as_of)))
        self.note.setText("\n".join(lines))

    def _pick(self, category: str) -> None:
        if category:
            self.chart.set_category(category)
