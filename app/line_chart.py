"""A line chart painted with QPainter: the bod over time and the delivery curve (:mod:`projects.bod_chart`).

One function lays a :class:`projects.bod_chart.LineChart` out in a rectangle
(:func:`layout_line_chart`): title, legend (wrapped onto more rows, never cut), y ticks on nice
steps, x labels thinned until none overlap. The result paints itself and lists every text it
places with its rectangle, so the Bod dock's widget and the PDF page draw the same chart and the
tests can check that no text is cut or overlaps. Lines with a minimum and a maximum are a solid
line at the minimum with markers, a thin dashed line at the maximum and a light band between;
the opgave is a black dashed line. No QtCharts (PySide6-Essentials does not ship it).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPaintDevice, QPainter, QPainterPath, QPen, QPolygonF

from projects.bod_chart import OPGAVE, ChartLine, LineChart, line_colours

__all__ = ["ChartLayout", "ChartText", "chart_colours", "layout_line_chart", "nice_ticks"]

_MARKERS = {"zeker": "circle", "in_beeld": "square", "gerealiseerd": "diamond"}
_DRAW_ORDER = {OPGAVE: 0, "in_beeld": 1, "zeker": 2, "gerealiseerd": 3}
_MARKER_SCALE = {"in_beeld": 2.0, "zeker": 1.55, "gerealiseerd": 1.05}
# Lines that coincide (in beeld = zeker when all is certain) stay visible: the wider line beneath.
_WIDTH_SCALE = {"in_beeld": 1.7, "zeker": 1.1, "gerealiseerd": 0.8}


def chart_colours() -> dict[str, QColor]:
    """:func:`projects.bod_chart.line_colours` as QColors (the window and the PDF page)."""
    return {k: QColor(f"#{v}") for k, v in line_colours().items()}


@dataclass(frozen=True)
class ChartText:
    """One text the chart places: what it says and where (for the tests and the PDF's record)."""

    name: str
    text: str
    rect: QRectF


@dataclass
class ChartLayout:
    """A laid-out chart: :meth:`paint` draws it; :attr:`texts` lists every text placed."""

    rect: QRectF
    plot: QRectF
    texts: list[ChartText] = field(default_factory=list)
    ops: list[Callable[[QPainter], None]] = field(default_factory=list)
    fits: bool = True  # False: too small to draw the plot area legibly (nothing is painted then)
    head_h: float = 0.0  # height of title and legend: charts side by side align their plots with it

    def paint(self, painter: QPainter) -> None:
        for op in self.ops:
            painter.save()
            op(painter)
            painter.restore()


def nice_ticks(top: float, max_ticks: int) -> list[float]:
    """0, step, 2·step … up to at least ``top``, with step 1, 2 or 5 × 10ⁿ and at most ``max_ticks`` steps."""
    top = max(top, 1.0)
    max_ticks = max(1, max_ticks)
    raw = top / max_ticks
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)  # homes: whole numbers on the axis
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _number(v: float) -> str:
    return f"{v:,.0f}".replace(",", ".")


def _legend_entries(chart: LineChart, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    entries = [(line.key, labels.get(line.key, line.key)) for line in chart.lines]
    if any(line.is_range for line in chart.lines):
        entries.append(("range", labels.get("range", "range")))
    return entries


def _marker(p: QPainter, kind: str, at: QPointF, r: float) -> None:
    if kind == "square":
        p.drawRect(QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r))
    elif kind == "diamond":
        p.drawPolygon(
            QPolygonF([QPointF(at.x(), at.y() - r * 1.3), QPointF(at.x() + r * 1.3, at.y()),
                       QPointF(at.x(), at.y() + r * 1.3), QPointF(at.x() - r * 1.3, at.y())])
        )  # fmt: skip
    else:
        p.drawEllipse(at, r, r)


def _legend_symbol(
    key: str, box: QRectF, colours: Mapping[str, QColor], lw: float
) -> Callable[[QPainter], None]:
    def paint(p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        mid = QPointF(box.center().x(), box.center().y())
        if key == "range":
            fill = QColor(colours.get("range", QColor("#455A64")))
            fill.setAlpha(70)
            p.fillRect(
                QRectF(box.left(), box.top() + box.height() * 0.2, box.width(), box.height() * 0.6), fill
            )
            return
        colour = colours.get(key, QColor("#111111"))
        pen = QPen(colour, lw * _WIDTH_SCALE.get(key, 1.0))
        if key == OPGAVE:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(box.left(), mid.y()), QPointF(box.right(), mid.y()))
        if key in _MARKERS:
            p.setBrush(colour)
            p.setPen(QPen(colour, lw * 0.5))
            _marker(p, _MARKERS[key], mid, box.height() * 0.28)

    return paint


def layout_line_chart(
    chart: LineChart,
    rect: QRectF,
    *,
    font: QFont,
    title: str,
    labels: Mapping[str, str],
    colours: Mapping[str, QColor],
    empty_text: str,
    device: QPaintDevice | None = None,
    head_h: float = 0.0,
) -> ChartLayout:
    """Lay ``chart`` out in ``rect`` with ``font`` (its pixel size sets the scale of everything).

    ``labels`` names the lines (keys of :data:`projects.bod_chart.GROUPS`, ``"opgave"`` and
    ``"range"`` for the band); ``colours`` the same keys plus ``"text"`` and ``"grid"``.
    ``device`` measures the text (the PDF's resolution); default: the screen. ``head_h``: the
    least height of title and legend (pass the larger :attr:`ChartLayout.head_h` of two charts
    side by side to align their plots).
    """
    bold = QFont(font)
    bold.setBold(True)
    fm = QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)
    fmb = QFontMetricsF(bold, device) if device is not None else QFontMetricsF(bold)
    lh = fm.height()
    pad = lh * 0.35
    text_colour = colours.get("text", QColor("#111111"))
    out = ChartLayout(rect, QRectF())

    def text(name: str, s: str, r: QRectF, f: QFont, align: Qt.AlignmentFlag) -> None:
        out.texts.append(ChartText(name, s, QRectF(r)))

        def paint(p: QPainter) -> None:
            p.setFont(f)
            p.setPen(text_colour)
            p.drawText(r, int(align | Qt.AlignmentFlag.AlignVCenter), s)

        out.ops.append(paint)

    # Title: wrapped over as many lines as it needs (words never cut).
    y = rect.top()
    title_rect = fmb.boundingRect(
        QRectF(rect.left(), y, rect.width(), 10 * lh), int(Qt.TextFlag.TextWordWrap), title
    )
    title_rect = QRectF(rect.left(), y, rect.width(), title_rect.height())
    out.texts.append(ChartText("titel", title, title_rect))

    def paint_title(p: QPainter) -> None:
        p.setFont(bold)
        p.setPen(text_colour)
        p.drawText(title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), title)

    out.ops.append(paint_title)
    y = title_rect.bottom() + pad

    if chart.empty:
        r = QRectF(rect.left(), y, rect.width(), lh * 1.2)
        text("leeg", empty_text, r, font, Qt.AlignmentFlag.AlignLeft)
        out.plot = QRectF(rect.left(), r.bottom(), rect.width(), 0)
        return out

    # Legend: symbol + label, entries flow onto new rows when the line is full.
    sym_w, gap = lh * 1.6, lh * 0.9
    x = rect.left()
    for key, label in _legend_entries(chart, labels):
        w = sym_w + pad + fm.horizontalAdvance(label)
        if x > rect.left() and x + w > rect.right():
            x, y = rect.left(), y + lh * 1.15
        box = QRectF(x, y + lh * 0.15, sym_w, lh * 0.7)
        out.ops.append(_legend_symbol(key, box, colours, max(1.0, lh * 0.12)))
        text(
            f"legenda {key}",
            label,
            QRectF(x + sym_w + pad, y, min(w - sym_w - pad, rect.right() - x - sym_w - pad), lh),
            font,
            Qt.AlignmentFlag.AlignLeft,
        )
        x += w + gap
    y = max(y + lh * 1.15 + pad, rect.top() + head_h)
    out.head_h = y - rect.top()

    # Axes: y labels on the left, x labels below.
    x_gap = lh * 0.55  # the lowest y label reaches half a line below the axis: x labels start under it
    plot_h = rect.bottom() - y - lh - x_gap - pad
    if plot_h < lh * 3:
        out.fits = False
        out.plot = QRectF(rect.left(), y, rect.width(), 0)
        return out
    ticks = nice_ticks(chart.y_max(), max(2, int(plot_h // (lh * 1.8))))
    y_label_w = max(fm.horizontalAdvance(_number(t)) for t in ticks) + pad
    plot = QRectF(
        rect.left() + y_label_w + pad, y + lh * 0.5, rect.width() - y_label_w - pad * 2, plot_h - lh * 0.5
    )
    # the last x label is centred on the right edge: keep room for half of it
    half_last = fm.horizontalAdvance(chart.x_labels[-1]) / 2
    plot.setRight(rect.right() - half_last)
    out.plot = plot
    top = ticks[-1]
    x0, x1 = chart.x[0], chart.x[-1]
    inner = plot.adjusted(lh * 0.6, 0, -lh * 0.6, 0) if len(chart.x) > 1 else plot

    def px(v: float) -> float:
        return inner.center().x() if x1 == x0 else inner.left() + (v - x0) / (x1 - x0) * inner.width()

    def py(v: float) -> float:
        return plot.bottom() - v / top * plot.height()

    grid = colours.get("grid", QColor("#BDBDBD"))

    def paint_grid(p: QPainter) -> None:
        p.setPen(QPen(grid, max(1.0, lh * 0.04)))
        for t in ticks:
            p.drawLine(QPointF(plot.left(), py(t)), QPointF(plot.right(), py(t)))
        p.setPen(QPen(text_colour, max(1.0, lh * 0.07)))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())

    out.ops.append(paint_grid)
    for t in ticks:
        w = fm.horizontalAdvance(_number(t)) + 1
        r = QRectF(rect.left() + y_label_w - w, py(t) - lh / 2, w, lh)
        text(f"y {_number(t)}", _number(t), r, font, Qt.AlignmentFlag.AlignRight)

    # x labels: every k-th, k the smallest step at which neighbours keep a gap; the last always.
    widths = [fm.horizontalAdvance(s) for s in chart.x_labels]
    n = len(chart.x)
    k = 1
    while k < n:
        shown = [*range(0, n, k)]
        if shown[-1] != n - 1:
            shown.append(n - 1)
        ok = all(
            px(chart.x[b]) - widths[b] / 2 - (px(chart.x[a]) + widths[a] / 2) >= lh * 0.6
            for a, b in itertools.pairwise(shown)
        )
        if ok:
            break
        k += 1
    shown = [*range(0, n, k)]
    if shown[-1] != n - 1:
        if (
            len(shown) > 1
            and px(chart.x[n - 1]) - widths[n - 1] / 2 - (px(chart.x[shown[-1]]) + widths[shown[-1]] / 2)
            < lh * 0.6
        ):
            shown.pop()
        shown.append(n - 1)
    for i in shown:
        cx = px(chart.x[i])
        left = max(rect.left(), cx - widths[i] / 2)
        r = QRectF(left, plot.bottom() + x_gap, widths[i] + 1, lh)
        text(f"x {chart.x_labels[i]}", chart.x_labels[i], r, font, Qt.AlignmentFlag.AlignLeft)

    lw = max(1.5, lh * 0.14)
    # The widest first, the narrowest on top (in beeld ⊇ zeker ⊇ gerealiseerd), the markers
    # shrinking in the same order: lines that coincide still show each of their markers.
    for line in sorted(chart.lines, key=lambda ln: _DRAW_ORDER.get(ln.key, 0)):
        out.ops.append(_line_op(line, chart.x, px, py, colours, lw))
    return out


def _points(xs: Sequence[float], ys: Sequence[float | None], px: Callable[[float], float],
            py: Callable[[float], float]) -> list[QPointF]:  # fmt: skip
    return [QPointF(px(x), py(y)) for x, y in zip(xs, ys, strict=True) if y is not None]


def _line_op(
    line: ChartLine,
    xs: Sequence[float],
    px: Callable[[float], float],
    py: Callable[[float], float],
    colours: Mapping[str, QColor],
    lw: float,
) -> Callable[[QPainter], None]:
    colour = colours.get(line.key, QColor("#111111"))
    low, high = _points(xs, line.low, px, py), _points(xs, line.high, px, py)

    def paint(p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if line.key == OPGAVE:
            pen = QPen(colour, lw)
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            if len(low) == 1:  # one moment: a short dash marks the opgave
                p.drawLine(QPointF(low[0].x() - lw * 8, low[0].y()), QPointF(low[0].x() + lw * 8, low[0].y()))
            else:
                p.drawPolyline(QPolygonF(low))
            return
        if line.is_range and len(low) > 1 and len(low) == len(high):
            band = QPainterPath()
            band.addPolygon(QPolygonF([*high, *reversed(low)]))
            fill = QColor(colour)
            fill.setAlpha(55)
            p.fillPath(band, fill)
            thin = QPen(colour, lw * 0.5)
            thin.setStyle(Qt.PenStyle.DashLine)
            p.setPen(thin)
            p.drawPolyline(QPolygonF(high))
        p.setPen(QPen(colour, lw * _WIDTH_SCALE.get(line.key, 1.0)))
        if len(low) > 1:
            p.drawPolyline(QPolygonF(low))
        p.setBrush(colour)
        p.setPen(QPen(colour, lw * 0.5))
        r = lw * _MARKER_SCALE.get(line.key, 1.6)
        spacing = min((b.x() - a.x() for a, b in itertools.pairwise(low)), default=math.inf)
        # Markers where the points stand apart; in a dense series only the latest one.
        for pt in low if spacing >= 4 * r else low[-1:]:
            _marker(p, _MARKERS.get(line.key, "circle"), pt, r)
        if line.is_range and len(low) == 1 and len(high) == 1 and high[0] != low[0]:
            # one moment with a range: the maximum as a hollow marker joined to the minimum
            p.setPen(QPen(colour, lw * 0.6))
            p.drawLine(low[0], high[0])
            p.setBrush(Qt.BrushStyle.NoBrush)
            _marker(p, _MARKERS.get(line.key, "circle"), high[0], r)

    return paint
