"""Bod: the ledger (opgave against reserved capacity) as horizontal bars, legible on a projector.

One row per ledger period (category × period) and per wijk opgave. The opgave is a black
frame; reserved capacity is a stack of solid segments in the status colours (minimum capacity,
most certain status first), followed by a hatched band up to the maximum capacity. The gap is
written out: "tekort 35–50", "over 10" or "opgave gehaald". Text scales with the panel height.
Every number comes from :class:`projects.ledger.Ledger`; :func:`ledger_bars` is also what the
presentation window draws, so the room and the laptop show the same ranges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from PySide6.QtCore import QDate, QEvent, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController
from app.panels.bod_history import BodHistoryDialog
from app.panels.widgets import Panel, panel_style, translate
from projects.audit_state import AMSTERDAM, end_of_day, ledger_at
from projects.errors import ProjectError
from projects.ledger import NO_YEARS, OUTSIDE, STATUS_KEYS, ZEKER_STATUSES, Ledger, gap_kind
from projects.models import RESERVATION_STATUSES, ReservationStatus

__all__ = ["LedgerBar", "LedgerChart", "LedgerPanel", "drieslag_text", "gap_text", "ledger_bars"]

# Most certain first: the stack grows from the left with what is already agreed.
STACK_ORDER: tuple[str, ...] = (
    *reversed(ZEKER_STATUSES),
    *(
        s
        for s in reversed(RESERVATION_STATUSES)
        if s not in ZEKER_STATUSES and s != ReservationStatus.VERVALLEN
    ),
)


def _int(value: Any) -> int | None:
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    return int(value)


def _span(lo: int, hi: int) -> str:
    a, b = sorted((lo, hi))
    return f"{a}" if a == b else f"{a}–{b}"


def gap_text(gap_min: int | None, gap_max: int | None) -> str:
    """Dutch words for a gap range (target − capacity): "tekort 35–50", "over 10", "opgave gehaald".

    The arithmetic is the core's (:func:`projects.ledger.gap_kind`); only the words are translated.
    """
    kind = gap_kind(gap_min, gap_max)
    if kind is None:
        return ""
    name, a, b = kind
    if name == "gehaald":
        return translate("opgave gehaald")
    if name == "tekort":
        return translate("tekort {0}").format(_span(a, b))
    if name == "over":
        return translate("over {0}").format(_span(a, b))
    return translate("tekort tot {0}, of over tot {1}").format(a, b)


def drieslag_text(book: Ledger | None) -> str:
    """ "3 van 5 reserveringen met complete drieslag" ('' without live reservations)."""
    if book is None or not book.drieslag_total:
        return ""
    return translate("{0} van {1} reserveringen met complete drieslag").format(
        book.drieslag_complete, book.drieslag_total
    )


@dataclass(frozen=True)
class LedgerBar:
    """One drawn row of the ledger."""

    category: str
    period: str | None
    wijk: str | None
    target: int | None
    segments: tuple[tuple[str, int, int], ...]  # (status, min, max), in STACK_ORDER
    zeker: tuple[int, int]
    in_beeld: tuple[int, int]
    gap: tuple[int | None, int | None]  # (gap_min, gap_max) as in the ledger
    notes: str = ""
    plot_ids: str = ""
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        name = self.category[:1].upper() + self.category[1:]
        if self.period == OUTSIDE or not self.period:
            where = translate("buiten opgave")
        elif self.period == NO_YEARS:
            where = translate("zonder jaren")
        else:
            where = self.period.replace("-", "–")
        if self.wijk:
            where += f" · {self.wijk}"
        return f"{name} · {where}"

    @property
    def gap_words(self) -> str:
        return gap_text(*self.gap)

    @property
    def shortage(self) -> bool:
        return self.gap[0] is not None and self.gap[0] > 0


def _bar(r: Mapping[Any, Any], wijk: str | None) -> LedgerBar:
    segments = []
    for status in STACK_ORDER:
        key = STATUS_KEYS[status]
        lo, hi = _int(r.get(f"{key}_min")) or 0, _int(r.get(f"{key}_max")) or 0
        if hi > 0 or lo > 0:
            segments.append((status, lo, hi))
    period = r.get("period")
    notes, plot_ids = r.get("notes"), r.get("plot_ids")
    return LedgerBar(
        category=str(r.get("category")),
        period=None if period is None or period is pd.NA else str(period),
        wijk=wijk,
        target=_int(r.get("target")),
        segments=tuple(segments),
        zeker=(_int(r.get("zeker_min")) or 0, _int(r.get("zeker_max")) or 0),
        in_beeld=(_int(r.get("in_beeld_min")) or 0, _int(r.get("in_beeld_max")) or 0),
        gap=(_int(r.get("gap_min")), _int(r.get("gap_max"))),
        notes="" if notes is pd.NA or notes is None else str(notes),
        plot_ids="" if plot_ids is pd.NA or plot_ids is None else str(plot_ids),
    )


def ledger_bars(book: Ledger | None) -> list[LedgerBar]:
    """The ledger's periods, each followed by the wijk opgaven of that category and period, as bars."""
    bars: list[LedgerBar] = []
    if book is None or book.empty:
        return bars
    wijk_rows = [
        r for r in book.opgave.to_dict("records") if r.get("wijk") is not None and r["wijk"] is not pd.NA
    ]
    for r in book.periods.to_dict("records"):
        bars.append(_bar(r, None))
        for w in wijk_rows:
            if w["category"] == r["category"] and w["period"] == r["period"]:
                bars.append(_bar(w, str(w["wijk"])))
    return bars


class LedgerChart(QWidget):
    """The painted bars; :meth:`set_bars` updates them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[LedgerBar] = []
        self._rows: list[QRectF] = []  # hit areas for tooltips
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAutoFillBackground(False)

    def set_bars(self, bars: list[LedgerBar]) -> None:
        self._bars = list(bars)
        self.updateGeometry()
        self.update()

    def bars(self) -> list[LedgerBar]:
        return list(self._bars)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, max(160, 90 * max(1, len(self._bars)) + 60))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(260, max(120, 56 * max(1, len(self._bars)) + 40))

    # -- painting --------------------------------------------------------------------------

    def _text_px(self) -> float:
        """Font size from the available height (bigger dock → bigger text), never below the panel font."""
        base = QFontMetricsF(self.font()).height() * 0.8
        rows = max(1, len(self._bars))
        per_row = (self.height() - 2.2 * base) / rows
        return max(base, min(per_row / 4.8, 40.0))

    def _fit_width(self, px: float) -> float:
        """Shrink the text size until every row's title and gap fit side by side."""
        if not self._bars:
            return px
        probe = QFont(self.font())
        probe.setPixelSize(100)
        probe.setBold(True)
        metrics = QFontMetricsF(probe)
        widest = max(
            metrics.horizontalAdvance(b.title) + metrics.horizontalAdvance(b.gap_words) + metrics.height()
            for b in self._bars
        )
        available = self.width() - 1.2 * px
        return max(9.0, min(px, 100.0 * available / max(widest, 1.0)))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        style = panel_style()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        px = self._fit_width(self._text_px())
        font = QFont(self.font())
        font.setPixelSize(round(px))
        bold = QFont(font)
        bold.setBold(True)
        small = QFont(font)
        small.setPixelSize(max(10, round(px * 0.8)))
        text_colour = style.ledger_colour("text")
        margin = px * 0.6
        self._rows = []
        if not self._bars:
            # The hint is a sentence, not a bar label: the panel's own font size, never blown up.
            hint_font = QFont(self.font())
            hint_font.setPixelSize(max(12, round(QFontMetricsF(self.font()).height() * 1.1)))
            painter.setFont(hint_font)
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(self.rect()).adjusted(margin, margin, -margin, -margin),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.tr("Nog geen opgave en geen reserveringen. Voer de opgave in om het bod te volgen."),
            )
            painter.end()
            return

        legend_h = px * 1.8
        width = self.width() - 2 * margin
        row_h = (self.height() - legend_h - margin) / len(self._bars)
        scale_max = max(
            1,
            *(max(b.target or 0, b.in_beeld[1], b.in_beeld[0]) for b in self._bars),
        )
        unit = width / (scale_max * 1.04)
        y = margin * 0.5
        for bar in self._bars:
            self._paint_row(painter, bar, QRectF(margin, y, width, row_h), unit, px, bold, small)
            self._rows.append(QRectF(0, y, self.width(), row_h))
            y += row_h
        self._paint_legend(painter, QRectF(margin, self.height() - legend_h, width, legend_h), small)
        painter.end()

    def _paint_row(
        self,
        painter: QPainter,
        bar: LedgerBar,
        rect: QRectF,
        unit: float,
        px: float,
        bold: QFont,
        small: QFont,
    ) -> None:
        style = panel_style()
        text_colour = style.ledger_colour("text")
        title_h = px * 1.35
        bar_h = max(px * 1.3, min(rect.height() - title_h - px * 1.4, px * 2.4))
        # Title left, gap right.
        painter.setFont(bold)
        painter.setPen(text_colour)
        title_rect = QRectF(rect.left(), rect.top(), rect.width(), title_h)
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bar.title)
        if bar.gap_words:
            colour = style.ledger_colour("shortage" if bar.shortage else "surplus")
            painter.setPen(colour)
            painter.drawText(
                title_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, bar.gap_words
            )
        top = rect.top() + title_h
        # Baseline track.
        track = QRectF(rect.left(), top, rect.width(), bar_h)
        painter.fillRect(track, QColor("#F2F2F2"))
        # Stacked minimum capacities in status colours.
        x = rect.left()
        for status, lo, _hi in bar.segments:
            if lo <= 0:
                continue
            w = lo * unit
            painter.fillRect(QRectF(x, top, w, bar_h), style.status_colour(status))
            painter.setPen(QPen(QColor("#FFFFFF"), 1.0))
            painter.drawLine(int(x + w), int(top), int(x + w), int(top + bar_h))
            x += w
        # The min–max band, hatched.
        lo_total, hi_total = bar.in_beeld
        if hi_total > lo_total:
            band = QRectF(rect.left() + lo_total * unit, top, (hi_total - lo_total) * unit, bar_h)
            range_colour = style.ledger_colour("range")
            light = QColor(range_colour)
            light.setAlpha(60)
            painter.fillRect(band, light)
            painter.fillRect(band, QBrush(range_colour, Qt.BrushStyle.BDiagPattern))
        # The opgave frame.
        if bar.target is not None and bar.target > 0:
            frame = QRectF(rect.left(), top - 2, bar.target * unit, bar_h + 4)
            painter.setPen(QPen(style.ledger_colour("target_frame"), max(2.0, px * 0.15)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(frame)
        # Numbers below the bar.
        painter.setFont(small)
        painter.setPen(text_colour)
        parts = []
        if bar.target is not None:
            parts.append(self.tr("opgave {0}").format(bar.target))
        parts.append(self.tr("zeker {0}").format(_span(*bar.zeker)))
        parts.append(self.tr("in beeld {0}").format(_span(*bar.in_beeld)))
        info = QRectF(rect.left(), top + bar_h + 2, rect.width(), px * 1.2)
        painter.drawText(info, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "  ·  ".join(parts))

    def _paint_legend(self, painter: QPainter, rect: QRectF, small: QFont) -> None:
        style = panel_style()
        present = {status for bar in self._bars for status, _lo, _hi in bar.segments}
        entries: list[tuple[str, str]] = [(s, s) for s in STACK_ORDER if s in present]
        font = QFont(small)
        metrics = QFontMetricsF(font)
        while font.pixelSize() > 9:  # shrink until every status present fits on the line
            em = metrics.height() * 0.8
            total = sum(2 * em + 4 + metrics.horizontalAdvance(label) for _s, label in entries)
            if total <= rect.width():
                break
            font.setPixelSize(font.pixelSize() - 1)
            metrics = QFontMetricsF(font)
        painter.setFont(font)
        box = metrics.height() * 0.8
        x, y = rect.left(), rect.top() + (rect.height() - box) / 2
        for status, label in entries:
            w = box + 4 + metrics.horizontalAdvance(label) + box
            if x + w > rect.right():
                break
            painter.fillRect(QRectF(x, y, box, box), style.status_colour(status))
            painter.setPen(style.ledger_colour("text"))
            painter.drawText(
                QRectF(x + box + 4, rect.top(), w, rect.height()), Qt.AlignmentFlag.AlignVCenter, label
            )
            x += w

    # -- tooltips --------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def tooltip_at(self, pos: QPoint) -> str:
        for rect, bar in zip(self._rows, self._bars, strict=False):
            if rect.contains(pos.toPointF()):
                lines = [bar.title]
                if bar.target is not None:
                    lines.append(self.tr("Opgave: {0} woningen").format(bar.target))
                for status, lo, hi in bar.segments:
                    lines.append(f"{status}: {_span(lo, hi)}")
                if bar.gap_words:
                    lines.append(bar.gap_words)
                if bar.plot_ids:
                    lines.append(self.tr("Locaties: {0}").format(bar.plot_ids))
                if bar.notes:
                    lines.append(bar.notes)
                return "\n".join(lines)
        return ""


class LedgerPanel(Panel):
    """The Bod dock: the ledger chart, updated on every state change."""

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.chart = LedgerChart(self)
        self.caption = QLabel(
            self.tr(
                "Vlakken: minimale capaciteit per status · gearceerd: tot de maximale capaciteit · kader: opgave"
            ),
            self,
        )
        self.caption.setWordWrap(True)
        # The drieslag count and the ledger's warnings (above the estimate or plan, nultreden guard).
        self.summary = QLabel(self)
        self.summary.setObjectName("ledgerSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        # The derived opgave (issue 20) beside the bod, filled by the Vraag dock: a separate line.
        self.derived = QLabel(self)
        self.derived.setWordWrap(True)
        self.derived.setTextFormat(Qt.TextFormat.PlainText)
        self.derived.hide()
        # The ledger at an earlier date (end of that day, Dutch time), rebuilt from the audit log.
        self.as_of_check = QCheckBox(self.tr("Stand op"), self)
        self.as_of_check.setToolTip(
            self.tr("Toon het bod zoals het aan het eind van deze dag stond (uit het wijzigingslogboek)")
        )
        self.as_of_date = QDateEdit(self)
        self.as_of_date.setCalendarPopup(True)
        self.as_of_date.setDisplayFormat("dd-MM-yyyy")
        today = dt.datetime.now(AMSTERDAM).date()
        self.as_of_date.setDate(QDate(today.year, today.month, today.day))
        self.as_of_date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.as_of_date.setEnabled(False)
        self.as_of_check.toggled.connect(self.as_of_date.setEnabled)
        self.as_of_check.toggled.connect(lambda _on: self.refresh())
        self.as_of_date.dateChanged.connect(lambda _d: self.refresh())
        picker = QHBoxLayout()
        picker.setContentsMargins(0, 0, 0, 0)
        picker.addWidget(self.as_of_check)
        picker.addWidget(self.as_of_date)
        picker.addStretch(1)
        # The bod over time and the delivery curve, in a window of its own (room for a projector).
        self.history_button = QPushButton(self.tr("Verloop…"), self)
        self.history_button.setToolTip(
            self.tr("Zeker, in beeld en gerealiseerd per maand en de oplevering per jaar tegen de opgave")
        )
        self.history_button.clicked.connect(self.show_history)
        self.history_dialog: BodHistoryDialog | None = None
        picker.addWidget(self.history_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(picker)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.caption)
        layout.addWidget(self.derived)
        controller.state_changed.connect(self.refresh)
        self.refresh()

    def set_derived_lines(self, lines: list[str]) -> None:
        """Show the derived opgave from the demography under the chart (never instead of the bod)."""
        self.derived.setText("\n".join(line.strip() for line in lines))
        self.derived.setVisible(bool(lines))

    def as_of(self) -> dt.date | None:
        """The date picked (None: today's ledger)."""
        if not self.as_of_check.isChecked():
            return None
        d = self.as_of_date.date()
        return dt.date(d.year(), d.month(), d.day())

    def set_as_of(self, day: dt.date | None) -> None:
        """Show the ledger as it stood at the end of ``day`` (None: as it is now)."""
        if day is not None:
            self.as_of_date.setDate(QDate(day.year, day.month, day.day))
        self.as_of_check.setChecked(day is not None)
        self.refresh()

    def _ledger(self) -> tuple[Ledger | None, str]:
        """The ledger to draw and the line that says which moment it is ('' for now)."""
        state, store, day = self.controller.state, self.controller.store, self.as_of()
        if state is None or store is None or day is None:
            return (state.ledger if state is not None else None), ""
        try:
            # Fast on a project: one read of the bod tables and their log, the plots' context reused.
            book = ledger_at(store, end_of_day(day), state.ledger_context)
        except ProjectError as exc:
            self.controller.error.emit(exc.message, exc.hint)
            return None, ""
        return book, self.tr("Stand op {0} (eind van de dag), uit het wijzigingslogboek").format(
            day.strftime("%d-%m-%Y")
        )

    def show_history(self) -> None:
        """Open (or bring up) *Verloop van het bod* at the picked date, or now."""
        if self.history_dialog is None:
            self.history_dialog = BodHistoryDialog(self.window())
        self.history_dialog.show()
        self.history_dialog.raise_()
        self._refresh_history(self._ledger()[0])

    def _refresh_history(self, book: Ledger | None) -> None:
        """Recompute the charts of the open window (the bod changed, or the date), off the GUI thread."""
        dialog, store = self.history_dialog, self.controller.store
        if dialog is None or not dialog.isVisible() or store is None or book is None:
            return
        day = self.as_of()
        dialog.load(store, book, as_of=end_of_day(day) if day is not None else None)

    def refresh(self) -> None:
        book, moment = self._ledger()
        self._refresh_history(book)
        self.chart.set_bars(ledger_bars(book))
        lines = [drieslag_text(book)]
        warnings = list(book.warnings) if book is not None else []
        if warnings:
            # The count here (the bars keep their room); each warning in the tooltip and, per
            # reservation, in the Locatie panel.
            lines.append(self.tr("⚠ {0} waarschuwing(en): wijs aan voor de lijst").format(len(warnings)))
        text = " · ".join(line for line in lines if line)
        self.summary.setText("\n".join(t for t in (moment, text) if t))  # which moment: a line of its own
        self.summary.setVisible(bool(moment or text))
        self.summary.setToolTip("\n".join(warnings))
