"""Scale bar, north arrow and attribution, drawn in device pixels on top of the map.

Big enough to read from the back of a room on a projector (PRABPK2012 H2: always a north
arrow and a scale indication).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from app.map.style import MapStyle

__all__ = ["draw_attribution", "draw_north_arrow", "draw_scale_bar", "format_length", "scale_bar_spec"]


def format_length(metres: float) -> str:
    """``250 m``, ``1 km``, ``2,5 km`` (Dutch decimal comma)."""
    if metres >= 1000:
        km = metres / 1000
        text = f"{km:g}".replace(".", ",")
        return f"{text} km"
    return f"{metres:g} m"


def scale_bar_spec(metres_per_px: float, max_px: float) -> tuple[float, float, str]:
    """The longest nice length (1, 2, 5 × 10^k m) that fits in ``max_px``: (metres, px, label)."""
    if metres_per_px <= 0 or not math.isfinite(metres_per_px):
        return 0.0, 0.0, ""
    max_m = metres_per_px * max_px
    exp = math.floor(math.log10(max_m))
    best = 10.0 ** (exp - 1)
    for step in (1.0, 2.0, 5.0, 10.0):
        length = step * 10.0**exp
        if length <= max_m:
            best = length
    return best, best / metres_per_px, format_length(best)


def _font(style: MapStyle, scale: float = 1.0, bold: bool = True) -> QFont:
    font = QFont()
    font.setPointSizeF(style.overlay_font_pt * scale)
    font.setBold(bold)
    return font


def draw_scale_bar(painter: QPainter, viewport: QRectF, metres_per_px: float, style: MapStyle) -> str:
    """Bottom-left: a two-tone bar with its length. Returns the label (for tests)."""
    _length_m, px, label = scale_bar_spec(metres_per_px, style.scale_bar_max_px)
    if px <= 0:
        return ""
    font = _font(style)
    fm = QFontMetricsF(font)
    x0, y0 = viewport.left() + 16, viewport.bottom() - 22
    h = 8.0
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.overlay_halo)
    painter.drawRoundedRect(
        QRectF(
            x0 - 8, y0 - fm.height() - 10, max(px, fm.horizontalAdvance(label)) + 24, fm.height() + h + 20
        ),
        4,
        4,
    )
    half = px / 2
    painter.setPen(QPen(style.overlay_text, 1.5))
    painter.setBrush(style.overlay_text)
    painter.drawRect(QRectF(x0, y0, half, h))
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawRect(QRectF(x0 + half, y0, half, h))
    painter.setFont(font)
    painter.setPen(style.overlay_text)
    painter.drawText(QPointF(x0, y0 - 6), "0")
    painter.drawText(QPointF(x0 + px - fm.horizontalAdvance(label) + 4, y0 - 6), label)
    return label


def draw_north_arrow(painter: QPainter, viewport: QRectF, style: MapStyle) -> None:
    """Top-right: an arrow with N (the map is never rotated, so north is up)."""
    cx, top = viewport.right() - 36, viewport.top() + 16
    w, h = 22.0, 40.0
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.overlay_halo)
    painter.drawRoundedRect(QRectF(cx - 22, top - 6, 44, h + 36), 6, 6)
    font = _font(style, 1.1)
    painter.setFont(font)
    painter.setPen(style.overlay_text)
    painter.drawText(QRectF(cx - 20, top - 4, 40, 24), Qt.AlignmentFlag.AlignCenter, "N")
    tip, base = QPointF(cx, top + 22), top + 22 + h
    left = QPolygonF([tip, QPointF(cx - w / 2, base), QPointF(cx, base - h * 0.3)])
    right = QPolygonF([tip, QPointF(cx + w / 2, base), QPointF(cx, base - h * 0.3)])
    painter.setPen(QPen(style.overlay_text, 1.5))
    painter.setBrush(style.overlay_text)
    painter.drawPolygon(left)
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawPolygon(right)


def draw_attribution(painter: QPainter, viewport: QRectF, text: str, style: MapStyle) -> None:
    """Bottom-right: the base map's attribution on a light band."""
    font = _font(style, 0.7, bold=False)
    fm = QFontMetricsF(font)
    w, h = fm.horizontalAdvance(text) + 12, fm.height() + 4
    box = QRectF(viewport.right() - w - 4, viewport.bottom() - h - 4, w, h)
    path = QPainterPath()
    path.addRoundedRect(box, 3, 3)
    painter.fillPath(path, style.overlay_halo)
    painter.setFont(font)
    painter.setPen(style.overlay_text)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
