"""The reserved-location map as PDF, and one dossier per reserved plot, drawn as vectors.

This module only paints: what goes on the page (rows, scores and their weighting, sources,
method note, reach lines, nearest facilities, criteria) comes from the Qt-free
:mod:`projects.report`, so the PDF lists exactly what the CSV/XLSX annex, the web map and the
GIS package list. Everything is painted with QPainter on a QPdfWriter (no screenshots), so lines
stay sharp when printed on A3 and the text can be searched and copied. The map page follows the
planning-map conventions of PRABPK2012 (title, north arrow, metric scale bar, legend, sources and
data dates, a disclaimer that the map is indicative); annex pages list the reserved plots.

Files are written through :func:`projects.files.atomic_output`, so a failed export never leaves
half a PDF behind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QPolygonF,
)

from app.headless import ensure_gui_app
from app.map.overlays import format_length, scale_bar_spec
from app.map.style import MapStyle, map_style
from projects.errors import InputsError, ProjectError
from projects.files import atomic_output
from projects.report import (
    ATTRIBUTION,
    DISCLAIMER,
    DemandAnnex,
    DossierReport,
    MapReport,
    dossier_reports,
    map_report,
)
from projects.store import ProjectStore
from projects.views import AnnexRow

__all__ = [
    "ATTRIBUTION",
    "DISCLAIMER",
    "render_map_preview",
    "write_dossiers",
    "write_reserved_map_pdf",
]

Progress = Callable[[float, str], None]

_DPI = 300
_TEXT = QColor("#1A1A1A")
_MUTED = QColor("#555555")
_RULE = QColor("#9E9E9E")
_OTHER_PLOT = QColor("#707070")


# --- small helpers ---------------------------------------------------------------------------


def _report(progress: Progress | None, fraction: float, text: str) -> None:
    if progress is not None:
        progress(fraction, text)


def _mm(value: float) -> float:
    """Millimetres on paper to device units of the PDF writer."""
    return value * _DPI / 25.4


def _font(pt: float, *, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"])
    font.setPointSizeF(pt)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def _text(value: Any, empty: str = "–") -> str:
    if value is None or value is pd.NA:
        return empty
    if isinstance(value, float) and math.isnan(value):
        return empty
    text = str(value).strip()
    return text or empty


def _int(value: Any) -> int | None:
    try:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None


def _thousands(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "kavel"


def _page_size(page: str) -> QPageSize:
    key = page.strip().upper()
    sizes = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3}
    if key not in sizes:
        raise InputsError(f"Onbekend papierformaat '{page}'.", hint="Kies A4 of A3.")
    return QPageSize(sizes[key])


def _check_out(out: str | Path) -> Path:
    out = Path(out)
    if not out.parent.is_dir():
        raise ProjectError(
            f"De map '{out.parent}' bestaat niet.",
            hint="Kies een bestaande map voor het PDF-bestand.",
        )
    return out


@contextmanager
def _pdf_painter(out: Path, size: QPageSize, landscape: bool, title: str) -> Iterator[_Pdf]:
    """A painter on a PDF written through :func:`atomic_output` (whole or not at all)."""
    out = _check_out(out)
    with atomic_output(out, create_dirs=False) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(_DPI)
        writer.setTitle(title)
        writer.setCreator("Van Bod naar Plot")
        orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        writer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))
        painter = QPainter()
        if not painter.begin(writer):
            raise ProjectError(
                f"Kan het PDF-bestand '{out}' niet schrijven.",
                hint="Controleer of u schrijfrechten hebt in die map en of het bestand niet open staat.",
            )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        page_rect = QRectF(writer.pageLayout().paintRectPixels(_DPI))
        pdf = _Pdf(writer, painter, QRectF(0, 0, page_rect.width(), page_rect.height()))
        try:
            yield pdf
        finally:
            painter.end()
            del painter, writer, pdf


@dataclass
class _Pdf:
    writer: QPdfWriter
    painter: QPainter
    page: QRectF
    pages: int = 1

    def new_page(self) -> None:
        self.writer.newPage()
        self.pages += 1


# --- map drawing -------------------------------------------------------------------------------


class _View:
    """World (RD metres) to page coordinates: equal scale, north up, centred in ``rect``."""

    def __init__(self, bounds: Sequence[float], rect: QRectF) -> None:
        x0, y0, x1, y1 = bounds
        w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
        self.rect = rect
        self.scale = min(rect.width() / w, rect.height() / h)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half_w, half_h = rect.width() / self.scale / 2, rect.height() / self.scale / 2
        self.bounds = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
        self.ox, self.oy = rect.left() - self.bounds[0] * self.scale, rect.top() + self.bounds[3] * self.scale

    def point(self, x: float, y: float) -> QPointF:
        return QPointF(self.ox + x * self.scale, self.oy - y * self.scale)

    def polygon(self, coords: np.ndarray[Any, Any]) -> QPolygonF:
        xs = self.ox + coords[:, 0] * self.scale
        ys = self.oy - coords[:, 1] * self.scale
        return QPolygonF([QPointF(float(x), float(y)) for x, y in zip(xs, ys, strict=True)])

    def path(self, geom: shapely.Geometry | None) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        if geom is None or geom.is_empty:
            return path
        for part in shapely.get_parts(geom):
            kind = part.geom_type
            if kind == "Polygon":
                for ring in (part.exterior, *part.interiors):
                    path.addPolygon(self.polygon(np.asarray(ring.coords)))
                    path.closeSubpath()
            elif kind == "LineString":
                coords = np.asarray(part.coords)
                if len(coords) >= 2:
                    path.moveTo(self.point(*coords[0][:2]))
                    for x, y in coords[1:, :2]:
                        path.lineTo(self.point(float(x), float(y)))
            elif kind in ("MultiPolygon", "MultiLineString", "GeometryCollection"):
                path.addPath(self.path(part))
        return path

    @property
    def box(self) -> shapely.Geometry:
        return shapely.box(*self.bounds)

    def metres_per_unit(self) -> float:
        return 1.0 / self.scale


def _visible(frame: gpd.GeoDataFrame | None, view: _View) -> gpd.GeoDataFrame | None:
    if frame is None or frame.empty:
        return None
    hits = frame.sindex.query(view.box, predicate="intersects")
    return frame.iloc[np.sort(hits)]


def _draw_base(
    p: QPainter, view: _View, data: MapReport, style: MapStyle, *, zoning: bool = True
) -> list[str]:
    """Zoning (muted SVBP colours), buildings and other plots; returns the hoofdgroepen drawn."""
    p.save()
    p.setClipRect(view.rect)
    p.fillRect(view.rect, QColor("#FFFFFF"))
    groups: list[str] = []
    zon = _visible(data.zoning, view) if zoning else None
    if zon is not None:
        p.setPen(QPen(style.zoning_outline, _mm(0.08)))
        col = "bestemmingshoofdgroep" if "bestemmingshoofdgroep" in zon.columns else None
        for geom, group in zip(zon.geometry, zon[col] if col else [None] * len(zon), strict=True):
            g = _text(group, "").lower()
            p.setBrush(style.zoning_fill(g))
            p.drawPath(view.path(geom))
            if g and g not in groups:
                groups.append(g)
    bld = _visible(data.buildings, view)
    if bld is not None:
        fill = QColor(style.building_fill)
        fill = fill.lighter(125)
        p.setPen(QPen(style.building_outline.lighter(115), _mm(0.05)))
        p.setBrush(fill)
        for geom in bld.geometry:
            p.drawPath(view.path(geom))
    others = _visible(data.plots, view)
    if others is not None:
        p.setPen(QPen(_OTHER_PLOT, _mm(0.25), Qt.PenStyle.SolidLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for geom in others.geometry:
            p.drawPath(view.path(geom))
    p.restore()
    return sorted(groups)


def _draw_reserved(
    p: QPainter,
    view: _View,
    rows: Sequence[AnnexRow],
    style: MapStyle,
    *,
    labels: bool = True,
    width_mm: float = 0.8,
) -> None:
    p.save()
    p.setClipRect(view.rect)
    for row in rows:
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        rs = style.reservation_style(row.category)
        path = view.path(geom)
        fill = QColor(style.status_colours.get(row.status, rs.colour))
        fill.setAlphaF(0.55)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawPath(path)
        if rs.hatch:
            p.setBrush(QBrush(rs.colour, Qt.BrushStyle.BDiagPattern))
            p.drawPath(path)
        pen = QPen(rs.colour, _mm(width_mm), rs.pattern)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
    p.restore()
    if not labels:
        return
    p.save()
    font = _font(7.5, bold=True)
    p.setFont(font)
    fm = QFontMetricsF(font, p.device())
    for row in rows:
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        at = view.point(*shapely.get_coordinates(geom.representative_point())[0])
        if not view.rect.contains(at):
            continue
        text = str(row.nr)
        r = max(fm.horizontalAdvance(text), fm.height()) * 0.62 + _mm(0.6)
        circle = QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r)
        p.setPen(QPen(style.reservation_style(row.category).colour, _mm(0.45)))
        p.setBrush(QColor("#FFFFFF"))
        p.drawEllipse(circle)
        p.setPen(_TEXT)
        p.drawText(circle, Qt.AlignmentFlag.AlignCenter, text)
    p.restore()


def _nice_scale(denominator: float) -> int:
    steps = (1, 1.25, 2, 2.5, 5, 7.5, 10)
    exp = 10 ** math.floor(math.log10(max(denominator, 1.0)))
    return int(min((s * exp for s in steps), key=lambda v: abs(v - denominator)))


def _draw_scale_bar(p: QPainter, view: _View) -> str:
    """Metric scale bar, bottom-left in the map frame; returns its label (e.g. "500 m")."""
    metres, length, label = scale_bar_spec(view.metres_per_unit(), _mm(45))
    if not label:
        return ""
    denom = _nice_scale(view.metres_per_unit() * _mm(1) * 1000)
    font = _font(7, bold=True)
    small = _font(6)
    fm = QFontMetricsF(font, p.device())
    x0, y0 = view.rect.left() + _mm(6), view.rect.bottom() - _mm(8)
    h = _mm(1.6)
    p.save()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(255, 255, 255, 225))
    box_w = max(length, fm.horizontalAdvance(label)) + _mm(8)
    p.drawRoundedRect(
        QRectF(x0 - _mm(3), y0 - fm.height() - _mm(2.5), box_w, fm.height() * 2 + h + _mm(3.5)), 8, 8
    )
    half = length / 2
    p.setPen(QPen(_TEXT, _mm(0.2)))
    p.setBrush(_TEXT)
    p.drawRect(QRectF(x0, y0, half, h))
    p.setBrush(QColor("#FFFFFF"))
    p.drawRect(QRectF(x0 + half, y0, half, h))
    p.setFont(font)
    p.setPen(_TEXT)
    p.drawText(QPointF(x0 - fm.horizontalAdvance("0") / 2, y0 - _mm(0.8)), "0")
    p.drawText(QPointF(x0 + length - fm.horizontalAdvance(label) / 2, y0 - _mm(0.8)), label)
    p.setFont(small)
    p.drawText(QPointF(x0, y0 + h + fm.height() * 0.9), f"schaal ca. 1:{_thousands(denom)}")
    p.restore()
    del metres
    return label


def _draw_north_arrow(p: QPainter, view: _View) -> None:
    cx, top = view.rect.right() - _mm(9), view.rect.top() + _mm(4)
    w, h = _mm(5), _mm(9)
    p.save()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(255, 255, 255, 225))
    p.drawRoundedRect(QRectF(cx - _mm(4.5), top - _mm(1), _mm(9), h + _mm(7.5)), 8, 8)
    p.setFont(_font(8, bold=True))
    p.setPen(_TEXT)
    p.drawText(QRectF(cx - _mm(4), top, _mm(8), _mm(5)), Qt.AlignmentFlag.AlignCenter, "N")
    tip, base = QPointF(cx, top + _mm(5.5)), top + _mm(5.5) + h
    p.setPen(QPen(_TEXT, _mm(0.2)))
    p.setBrush(_TEXT)
    p.drawPolygon(QPolygonF([tip, QPointF(cx - w / 2, base), QPointF(cx, base - h * 0.3)]))
    p.setBrush(QColor("#FFFFFF"))
    p.drawPolygon(QPolygonF([tip, QPointF(cx + w / 2, base), QPointF(cx, base - h * 0.3)]))
    p.restore()


def _frame(p: QPainter, rect: QRectF) -> None:
    p.save()
    p.setPen(QPen(_TEXT, _mm(0.3)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)
    p.restore()


# --- text layout -------------------------------------------------------------------------------


class _Flow:
    """Text blocks top-down in a column; each call advances the cursor."""

    def __init__(self, p: QPainter, rect: QRectF) -> None:
        self.p, self.rect, self.y = p, rect, rect.top()

    @property
    def left(self) -> float:
        return self.rect.bottom() - self.y

    def text(
        self,
        text: str,
        pt: float = 7,
        *,
        bold: bool = False,
        italic: bool = False,
        colour: QColor = _TEXT,
        gap: float = 0.6,
    ) -> None:
        font = _font(pt, bold=bold, italic=italic)
        self.p.setFont(font)
        self.p.setPen(colour)
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap)
        area = QRectF(self.rect.left(), self.y, self.rect.width(), max(self.left, 1.0))
        used = self.p.boundingRect(area, flags, text)
        self.p.drawText(area, flags, text)
        self.y += used.height() + _mm(gap)

    def heading(self, text: str) -> None:
        self.y += _mm(1.2)
        self.text(text, 8.5, bold=True, gap=0.8)

    def swatch(
        self, label: str, *, fill: QColor | None, pen: QPen | None, hatch: QColor | None = None
    ) -> None:
        size = _mm(3.2)
        box = QRectF(self.rect.left(), self.y + _mm(0.2), size * 1.5, size)
        self.p.save()
        self.p.setPen(pen if pen is not None else Qt.PenStyle.NoPen)
        self.p.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        self.p.drawRect(box)
        if hatch is not None:
            self.p.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            self.p.drawRect(box)
        self.p.restore()
        font = _font(7)
        self.p.setFont(font)
        self.p.setPen(_TEXT)
        fm = QFontMetricsF(font, self.p.device())
        self.p.drawText(
            QRectF(box.right() + _mm(2), self.y, self.rect.width() - box.width() - _mm(2), size + _mm(0.4)),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            fm.elidedText(label, Qt.TextElideMode.ElideRight, self.rect.width() - box.width() - _mm(2)),
        )
        self.y += size + _mm(1.0)


def _title_block(p: QPainter, rect: QRectF, title: str, subtitle: str) -> None:
    p.save()
    p.setPen(_TEXT)
    p.setFont(_font(15, bold=True))
    fm = QFontMetricsF(p.font(), p.device())
    p.drawText(
        QRectF(rect.left(), rect.top(), rect.width(), fm.height()),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
        fm.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
    )
    p.setFont(_font(8.5))
    p.setPen(_MUTED)
    p.drawText(
        QRectF(rect.left(), rect.top() + fm.height() + _mm(1), rect.width(), _mm(6)),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
        subtitle,
    )
    p.setPen(QPen(_TEXT, _mm(0.4)))
    p.drawLine(QPointF(rect.left(), rect.bottom()), QPointF(rect.right(), rect.bottom()))
    p.restore()


def _footer(p: QPainter, page: QRectF, margin: float, text: str) -> None:
    p.save()
    p.setFont(_font(6.5, italic=True))
    p.setPen(_MUTED)
    p.drawText(
        QRectF(margin, page.bottom() - margin + _mm(1.5), page.width() - 2 * margin, _mm(5)),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
        text,
    )
    p.restore()


# --- the map page ------------------------------------------------------------------------------


def _draw_legend(flow: _Flow, data: MapReport, style: MapStyle, groups: list[str]) -> None:
    flow.heading("Legenda")
    flow.text("Gereserveerde locaties (nummer = bijlage)", 7, bold=True)
    cats = list(dict.fromkeys(r.category for r in data.rows))
    for cat in cats:
        rs = style.reservation_style(cat)
        flow.swatch(
            cat, fill=None, pen=QPen(rs.colour, _mm(0.7), rs.pattern), hatch=rs.colour if rs.hatch else None
        )
    flow.text("Status (vulling)", 7, bold=True)
    for status in dict.fromkeys(r.status for r in data.rows):
        fill = QColor(style.status_colours.get(status, QColor("#BDBDBD")))
        fill.setAlphaF(0.55)
        flow.swatch(status, fill=fill, pen=QPen(_RULE, _mm(0.1)))
    flow.text("Ondergrond", 7, bold=True)
    flow.swatch("overige kavel", fill=None, pen=QPen(_OTHER_PLOT, _mm(0.25)))
    if data.buildings is not None:
        flow.swatch(
            "gebouw (BAG)", fill=style.building_fill.lighter(125), pen=QPen(style.building_outline, _mm(0.1))
        )
    if groups:
        flow.text("Bestemming (SVBP-hoofdgroep, gedempt)", 7, bold=True)
        for g in groups[:10]:
            flow.swatch(
                style.hoofdgroep_label.get(g, g),
                fill=style.zoning_fill(g),
                pen=QPen(style.zoning_outline, _mm(0.1)),
            )
        if len(groups) > 10:
            flow.text(f"… en {len(groups) - 10} andere", 6.5, colour=_MUTED)


def _map_page(pdf: _Pdf, data: MapReport, style: MapStyle, landscape: bool) -> None:
    p, page = pdf.painter, pdf.page
    margin = _mm(10)
    head = QRectF(margin, margin, page.width() - 2 * margin, _mm(16))
    _title_block(p, head, data.title, data.subtitle)
    body_top = head.bottom() + _mm(4)
    body_bottom = page.bottom() - margin
    if landscape:
        side_w = max(_mm(78), page.width() * 0.27)
        map_rect = QRectF(
            margin, body_top, page.width() - 2 * margin - side_w - _mm(6), body_bottom - body_top
        )
        side = QRectF(map_rect.right() + _mm(6), body_top, side_w, body_bottom - body_top)
        sides = [side]
    else:
        map_h = (body_bottom - body_top) * 0.6
        map_rect = QRectF(margin, body_top, page.width() - 2 * margin, map_h)
        lower = QRectF(
            margin, map_rect.bottom() + _mm(5), map_rect.width(), body_bottom - map_rect.bottom() - _mm(5)
        )
        half = (lower.width() - _mm(6)) / 2
        sides = [
            QRectF(lower.left(), lower.top(), half, lower.height()),
            QRectF(lower.left() + half + _mm(6), lower.top(), half, lower.height()),
        ]
    view = _View(data.bounds(), map_rect)
    groups = _draw_base(p, view, data, style)
    _draw_reserved(p, view, data.rows, style)
    _draw_scale_bar(p, view)
    _draw_north_arrow(p, view)
    _frame(p, map_rect)

    flow = _Flow(p, sides[0])
    _draw_legend(flow, data, style, groups)
    if len(sides) > 1:
        flow = _Flow(p, sides[1])
    flow.heading("Opgave en reserveringen")
    for line in data.ledger:
        flow.text(line, 6.5)
    flow.heading("Bronnen en peildata")
    for line in data.sources:
        flow.text(line, 6, colour=_MUTED, gap=0.3)
    for line in data.attribution:
        flow.text(line, 6.5, gap=0.3)
    flow.y += _mm(1)
    flow.text(data.method_note, 6.3, italic=True)
    flow.y += _mm(1)
    flow.text(data.disclaimer, 8, bold=True, colour=QColor("#B71C1C"))
    flow.text(data.disclaimer_note, 6.3, colour=_MUTED)


# --- the annex table ---------------------------------------------------------------------------

_ANNEX_COLUMNS: tuple[tuple[str, float], ...] = (
    ("nr", 0.035),
    ("kavel", 0.07),
    ("naam", 0.165),
    ("adres / perceel", 0.12),
    ("m²", 0.05),
    ("categorie", 0.085),
    ("capaciteit", 0.065),
    ("status", 0.1),
    ("partners", 0.16),
    ("jaren", 0.07),
    ("score", 0.075),
)


def _annex_cells(row: AnnexRow) -> list[str]:
    area = _thousands(row.area_m2) if row.area_m2 is not None else "–"
    score = "–" if row.score is None else f"{row.score:.1f}".replace(".", ",")
    return [
        str(row.nr),
        row.plot_id,
        row.name or row.plot_id,
        row.place or "–",
        area,
        row.category,
        row.capacity or "–",
        row.status,
        row.partners or "–",
        row.years or "–",
        score,
    ]


def _annex_pages(pdf: _Pdf, data: MapReport) -> None:
    p, page = pdf.painter, pdf.page
    margin = _mm(10)
    width = page.width() - 2 * margin
    xs = [margin]
    for _, share in _ANNEX_COLUMNS:
        xs.append(xs[-1] + share / sum(s for _, s in _ANNEX_COLUMNS) * width)
    font = _font(7)
    bold = _font(7, bold=True)
    fm = QFontMetricsF(font, p.device())
    row_h = fm.height() + _mm(2.2)
    rows = [_annex_cells(r) for r in data.rows]
    i, sheet = 0, 0
    while i < len(rows):
        pdf.new_page()
        sheet += 1
        head = QRectF(margin, margin, width, _mm(16))
        suffix = "" if sheet == 1 else " (vervolg)"
        _title_block(p, head, f"Bijlage: gereserveerde locaties{suffix}", f"{data.title} · {data.subtitle}")
        y = head.bottom() + _mm(3)
        for label in data.view.weighting_labels:  # which score the column shows, on every sheet
            p.setFont(_font(6.5, italic=True))
            p.setPen(_MUTED)
            note = QRectF(margin, y, width, fm.height())
            flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(
                Qt.TextFlag.TextWordWrap
            )
            used = p.boundingRect(note, flags, f"Score: {label}")
            p.drawText(QRectF(margin, y, width, used.height()), flags, f"Score: {label}")
            y += used.height() + _mm(0.8)
        y += _mm(1)
        bottom = page.bottom() - margin - _mm(2)
        # header row, repeated on every sheet
        p.fillRect(QRectF(margin, y, width, row_h), QColor("#E8E8E8"))
        p.setFont(bold)
        p.setPen(_TEXT)
        for (label, _), x0, x1 in zip(_ANNEX_COLUMNS, xs[:-1], xs[1:], strict=True):
            p.drawText(
                QRectF(x0 + _mm(1), y, x1 - x0 - _mm(2), row_h), int(Qt.AlignmentFlag.AlignVCenter), label
            )
        y += row_h
        p.setFont(font)
        while i < len(rows) and y + row_h <= bottom:
            if i % 2:
                p.fillRect(QRectF(margin, y, width, row_h), QColor("#F6F6F6"))
            p.setPen(_TEXT)
            for cell, x0, x1 in zip(rows[i], xs[:-1], xs[1:], strict=True):
                w = x1 - x0 - _mm(2)
                p.drawText(
                    QRectF(x0 + _mm(1), y, w, row_h),
                    int(Qt.AlignmentFlag.AlignVCenter),
                    fm.elidedText(cell, Qt.TextElideMode.ElideRight, w),
                )
            p.setPen(QPen(_RULE, _mm(0.1)))
            p.drawLine(QPointF(margin, y + row_h), QPointF(margin + width, y + row_h))
            y += row_h
            i += 1
        _footer(p, page, margin, f"{DISCLAIMER} · bijlage blad {sheet}")


def write_reserved_map_pdf(
    store: ProjectStore,
    out: str | Path,
    *,
    page: str = "A4",
    landscape: bool = True,
    title: str | None = None,
    weighting_key: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """The reserved-location map of ``store`` as a vector PDF (map page + annex table).

    ``page`` is "A4" or "A3"; ``weighting_key`` names the weighting of the scores shown
    (default: the one recorded with the run). Raises :class:`projects.errors.InputsError` (Dutch,
    with a hint) when the project has no live reservations.
    """
    size = _page_size(page)
    ensure_gui_app()
    out = _check_out(out)
    data = map_report(store, title=title, weighting_key=weighting_key, with_demand=True, progress=progress)
    style = map_style()
    _report(progress, 0.4, "Kaart tekenen")
    with _pdf_painter(out, size, landscape, data.title) as pdf:
        _map_page(pdf, data, style, landscape)
        _report(progress, 0.8, "Bijlage tekenen")
        _annex_pages(pdf, data)
        if data.demand is not None:
            _demand_annex_page(pdf, data.demand, data.subtitle)
    _report(progress, 1.0, "Klaar")
    return out


# --- the demand annex (issue 20) -----------------------------------------------------------------


def _demand_annex_page(pdf: _Pdf, annex: DemandAnnex, subtitle: str) -> None:
    """Annex: the derived opgave beside the bod, per wijk, and the CBS road distance beside walking.

    A page of its own (continued on a next page when the wijken do not fit); only paints the
    text cells of :class:`projects.report.DemandAnnex`.
    """
    p, page = pdf.painter, pdf.page
    margin = _mm(10)
    sheet = 0

    def new_sheet() -> _Flow:
        nonlocal sheet
        pdf.new_page()
        sheet += 1
        head = QRectF(margin, margin, page.width() - 2 * margin, _mm(16))
        _title_block(p, head, annex.title + ("" if sheet == 1 else " (vervolg)"), subtitle)
        _footer(p, page, margin, f"{DISCLAIMER} · schatting · bijlage vraag blad {sheet}")
        return _Flow(
            p,
            QRectF(
                margin,
                head.bottom() + _mm(3),
                page.width() - 2 * margin,
                page.height() - head.bottom() - _mm(3) - 2 * margin,
            ),
        )

    flow = new_sheet()
    flow.text(annex.intro, 7.2)
    flow.heading("Afgeleide opgave naast het bod (gemeente)")
    _table(flow, annex.opgave_header, annex.opgave_rows, [2.2, 0.8, 1.6, 1.2, 1.0, 1.5, 0.7, 2.0], pt=6.8)
    flow.heading("Per wijk: ouderen, afgeleide opgave per categorie, gereserveerd en tekort")
    shares = [2.4, 1.6, 1.3, *([1.1] * (len(annex.area_header) - 5)), 1.2, 1.2]
    rows = annex.area_rows
    while rows:
        fit = max(
            1, int((flow.left - _mm(4)) // (_mm(1.4) + QFontMetricsF(_font(6.5), p.device()).height())) - 1
        )
        _table(flow, annex.area_header, rows[:fit], shares, pt=6.5)
        rows = rows[fit:]
        if rows:
            flow = new_sheet()
    if flow.left < _mm(60):
        flow = new_sheet()
    flow.heading("CBS-afstand over de weg naast de loopafstand van de 65-plussers")
    n_cat = (len(annex.comparison_header) - 2) // 2
    _table(
        flow,
        annex.comparison_header,
        annex.comparison_rows,
        [2.2, 1.0, *([1.3, 1.2] * n_cat)],
        pt=6.0,
    )
    # Notes, reasons and sources: a new sheet whenever the next block would reach the footer.
    blocks: list[tuple[str, float, bool, bool, QColor]] = [
        (n, 6.2, False, False, _MUTED) for n in annex.comparison_notes
    ]
    blocks.append(("Waarom ze verschillen: " + annex.why[0], 6.8, True, False, _TEXT))
    blocks += [("• " + r, 6.2, False, False, _TEXT) for r in annex.why[1:]]
    blocks.append(("", 0.0, False, False, _TEXT))  # the heading "Schatting en bronnen"
    blocks.append((annex.schatting, 6.4, False, True, _TEXT))
    blocks += [("• " + s, 6.0, False, False, _TEXT) for s in annex.sources]
    for text, pt, bold, italic, colour in blocks:
        if flow.left < _mm(14):
            flow = new_sheet()
        if not text:
            flow.heading("Schatting en bronnen")
            continue
        flow.text(text, pt, bold=bold, italic=italic, colour=colour, gap=0.2)


# --- dossiers ----------------------------------------------------------------------------------


def _draw_facility(p: QPainter, at: QPointF, category: str, style: MapStyle, size: float) -> None:
    sym = style.facility_symbol(category)
    r = size / 2
    p.setPen(QPen(style.facility_outline, _mm(0.25)))
    p.setBrush(sym.colour)
    box = QRectF(at.x() - r, at.y() - r, size, size)
    if sym.glyph == "square":
        p.drawRect(box)
    elif sym.glyph == "diamond":
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(at.x(), at.y() - r),
                    QPointF(at.x() + r, at.y()),
                    QPointF(at.x(), at.y() + r),
                    QPointF(at.x() - r, at.y()),
                ]
            )
        )
    elif sym.glyph == "triangle":
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(at.x(), at.y() - r),
                    QPointF(at.x() + r, at.y() + r),
                    QPointF(at.x() - r, at.y() + r),
                ]
            )
        )
    else:
        p.drawEllipse(box)
    p.setFont(_font(5.5, bold=True))
    p.setPen(QColor("#FFFFFF"))
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, sym.letter)


def _table(
    flow: _Flow, header: list[str], rows: list[list[str]], shares: list[float], pt: float = 6.3
) -> None:
    p = flow.p
    font, bold = _font(pt), _font(pt, bold=True)
    fm = QFontMetricsF(font, p.device())
    row_h = fm.height() + _mm(1.4)
    xs = [flow.rect.left()]
    for s in shares:
        xs.append(xs[-1] + s / sum(shares) * flow.rect.width())
    for n, cells in enumerate([header, *rows]):
        if flow.y + row_h > flow.rect.bottom():
            flow.text("… (meer regels dan er op de pagina passen)", 6, colour=_MUTED)
            return
        if n == 0:
            p.fillRect(QRectF(flow.rect.left(), flow.y, flow.rect.width(), row_h), QColor("#E8E8E8"))
        p.setFont(bold if n == 0 else font)
        for cell, x0, x1 in zip(cells, xs[:-1], xs[1:], strict=True):
            w = x1 - x0 - _mm(1.2)
            colour = _TEXT
            if n and cell in ("✓", "✗"):
                colour = QColor("#2E7D32") if cell == "✓" else QColor("#C62828")
            p.setPen(colour)
            p.drawText(
                QRectF(x0 + _mm(0.6), flow.y, w, row_h),
                int(Qt.AlignmentFlag.AlignVCenter),
                fm.elidedText(cell, Qt.TextElideMode.ElideRight, w),
            )
        p.setPen(QPen(_RULE, _mm(0.1)))
        p.drawLine(QPointF(flow.rect.left(), flow.y + row_h), QPointF(flow.rect.right(), flow.y + row_h))
        flow.y += row_h
    flow.y += _mm(1)


def _dossier_page(pdf: _Pdf, d: DossierReport, style: MapStyle) -> None:
    p, page = pdf.painter, pdf.page
    margin = _mm(10)
    head = QRectF(margin, margin, page.width() - 2 * margin, _mm(16))
    _title_block(p, head, d.title, d.subtitle)
    top, bottom = head.bottom() + _mm(4), page.bottom() - margin
    size = min(bottom - top, (page.width() - 2 * margin) * 0.52)
    map_rect = QRectF(margin, top, size, size)
    side = QRectF(
        map_rect.right() + _mm(6), top, page.width() - margin - map_rect.right() - _mm(6), bottom - top
    )
    view = _View(d.extent, map_rect)
    if d.map is not None:
        _draw_base(p, view, d.map, style)
    if d.reach is not None:
        p.save()
        p.setClipRect(view.rect)
        for dist, line_style in ((d.far_m, style.reach_far), (d.near_m, style.reach_near)):
            lines = d.reach.loc[d.reach["distance_m"] == dist].geometry
            pen = QPen(line_style.colour, _mm(0.4 if dist == d.near_m else 0.25), line_style.pattern)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            for g in lines:
                p.drawPath(view.path(g))
        p.restore()
    _draw_reserved(p, view, [d.row], style, labels=False, width_mm=1.0)
    p.save()
    p.setClipRect(view.rect)
    for f in d.nearest:
        if f.geometry is None or f.geometry.is_empty:
            continue
        at = view.point(*shapely.get_coordinates(f.geometry.representative_point())[0])
        if not view.rect.contains(at):
            continue
        _draw_facility(p, at, f.category, style, _mm(3.4))
        away = "" if math.isnan(f.distance_m) else f" ({format_length(round(f.distance_m))})"
        text = f"{f.label}: {f.name}{away}" if f.name else f.label
        p.setFont(_font(5.5))
        p.setPen(_TEXT)
        p.drawText(QPointF(at.x() + _mm(2.3), at.y() + _mm(0.8)), text)
    p.restore()
    _draw_scale_bar(p, view)
    _draw_north_arrow(p, view)
    _frame(p, map_rect)

    flow = _Flow(p, side)
    flow.heading("Kavel en reservering")
    for label, value in d.facts:
        flow.text(f"{label}: {value}", 7, gap=0.3)
    if d.notes:
        flow.text("Opmerkingen: " + d.notes, 7, gap=0.3)
    flow.heading("Criteria tegenover de normen")
    if d.criteria:
        _table(
            flow,
            ["criterium", "meting", "norm", "", "deel", "gewicht"],
            d.criteria,
            [0.22, 0.42, 0.14, 0.05, 0.08, 0.09],
        )
    else:
        flow.text("Geen scoreronde met deze kavel: score het project eerst.", 7, colour=_MUTED)
    flow.heading("Kaart")
    flow.text(d.reach_text + "; symbolen: dichtstbijzijnde voorziening per categorie.", 6.3)
    flow.text(d.method_note, 6.3, italic=True)
    flow.y += _mm(1)
    for line in d.attribution:
        flow.text(line, 6.3, gap=0.2)
    flow.y += _mm(1)
    flow.text(d.disclaimer, 8, bold=True, colour=QColor("#B71C1C"))


def write_dossiers(
    store: ProjectStore,
    out_dir: str | Path,
    *,
    weighting_key: str | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """One PDF page per live reservation in ``out_dir`` (created if needed); returns the files.

    File names are ``dossier_<nr>_<kavel-id>.pdf`` with the numbers of the map.
    """
    ensure_gui_app()
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(
            f"Kan de map '{folder}' niet maken: {exc.strerror or exc}.",
            hint="Kies een map waarin u mag schrijven.",
        ) from exc
    style = map_style()
    out: list[Path] = []
    for d in dossier_reports(store, weighting_key=weighting_key, progress=progress):
        path = folder / f"dossier_{d.row.nr:02d}_{_slug(d.row.plot_id)}.pdf"
        with _pdf_painter(path, _page_size("A4"), True, d.title) as pdf:
            _dossier_page(pdf, d, style)
        out.append(path)
    _report(progress, 1.0, "Klaar")
    return out


def render_map_preview(store: ProjectStore, width_px: int = 900, height_px: int = 600) -> QImage:
    """The PDF's map frame drawn into an image with the same drawing code (export dialog preview).

    Raises the same Dutch ``InputsError`` as the PDF when there is nothing reserved yet. Reads
    the recorded runs without recording one (the preview is not an export).
    """
    ensure_gui_app()
    data = map_report(store, record=False)
    style = map_style()
    image = QImage(width_px, height_px, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale = width_px / _mm(280.0)  # lay it out as a 280 mm wide map frame
        painter.scale(scale, scale)
        rect = QRectF(0.0, 0.0, width_px / scale, height_px / scale)
        view = _View(data.bounds(), rect)
        _draw_base(painter, view, data, style)
        _draw_reserved(painter, view, data.rows, style)
        _draw_scale_bar(painter, view)
        _draw_north_arrow(painter, view)
        _frame(painter, rect)
    finally:
        painter.end()
    return image
