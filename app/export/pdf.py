"""The reserved-location map as PDF, and one dossier per reserved plot, drawn as vectors.

This module only paints: what goes on the page (rows, scores and their weighting, sources,
legend classes, method note, reach lines, nearest facilities, criteria) comes from the Qt-free
:mod:`projects.report`, so the PDF lists exactly what the CSV/XLSX annex, the web map and the
GIS package list. Pages are laid out by :mod:`app.export.layout` (every text block measured,
wrapped and placed, never clipped; what does not fit moves to another column, a smaller map or
the annex) and painted with QPainter on a QPdfWriter (no screenshots), so lines stay sharp on
A3 and the text can be searched. The same laid-out document is painted into the export dialog's
preview. The map page follows the planning-map conventions of PRABPK2012 (title, north arrow,
metric scale bar, legend, sources with data dates, a disclaimer that the map is indicative).

Files are written through :func:`projects.files.atomic_output`, so a failed export never leaves
half a PDF behind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF, QTransform

from app.export.labels import Placement, Target, place_labels
from app.export.layout import (
    MUTED_COLOUR,
    Document,
    Flow,
    Item,
    Page,
    Paragraph,
    Swatch,
    TableRow,
    TextStyle,
    line_height,
    mm,
    page_size,
    text_width,
    wrap,
)
from app.headless import ensure_gui_app
from app.line_chart import ChartLayout, chart_colours, layout_line_chart
from app.map.overlays import scale_bar_spec
from app.map.style import MapStyle, map_style
from projects.bod_chart import KIND_CURVE, KIND_SERIES, OPGAVE, BodCharts, LineChart
from projects.errors import ProjectError
from projects.report import (
    DISCLAIMER,
    EXTENT_ALL,
    EXTENT_RESERVED,
    PDF_ANNEX_COLUMNS,
    DemandAnnex,
    DossierReport,
    MapLegend,
    MapReport,
    NearestFacility,
    dossier_reports,
    map_report,
)
from projects.store import ProjectStore
from projects.views import AnnexRow

__all__ = [
    "DISCLAIMER",
    "dossier_document",
    "map_document",
    "render_map_preview",
    "write_dossiers",
    "write_reserved_map_pdf",
]

Progress = Callable[[float, str], None]

_MARGIN = mm(10)
_OTHER_PLOT = QColor("#707070")
_RED = "#B71C1C"
_TITLE = TextStyle(15, bold=True)
_SUBTITLE = TextStyle(8.5, colour=MUTED_COLOUR)
_HEADING = TextStyle(8.5, bold=True)
_SUBHEADING = TextStyle(7, bold=True)
_BODY = TextStyle(6.8)
_SMALL = TextStyle(6.3, colour=MUTED_COLOUR)
_NOTE = TextStyle(6.3, italic=True)
_DISCLAIMER = TextStyle(8, bold=True, colour=_RED)


# --- small helpers ---------------------------------------------------------------------------


def _report(progress: Progress | None, fraction: float, text: str) -> None:
    if progress is not None:
        progress(fraction, text)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "kavel"


def _thousands(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _check_out(out: str | Path) -> Path:
    out = Path(out)
    if not out.parent.is_dir():
        raise ProjectError(
            f"De map '{out.parent}' bestaat niet.",
            hint="Kies een bestaande map voor het PDF-bestand.",
        )
    return out


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

    def page_geom(self, geom: shapely.Geometry) -> shapely.Geometry:
        """``geom`` in page coordinates (for label placement)."""
        ox, oy, s = self.ox, self.oy, self.scale

        def move(c: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
            return np.column_stack([ox + c[:, 0] * s, oy - c[:, 1] * s])

        return shapely.transform(geom, move)

    def polygon(self, coords: np.ndarray[Any, Any]) -> QPolygonF:
        xs = (self.ox + coords[:, 0] * self.scale).tolist()
        ys = (self.oy - coords[:, 1] * self.scale).tolist()
        return QPolygonF(list(map(QPointF, xs, ys)))

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


def _hatch(colour: QColor, spacing_mm: float = 1.6) -> QBrush:
    """A diagonal hatch with lines ``spacing_mm`` apart on paper (Qt's pattern is 8 device px)."""
    brush = QBrush(colour, Qt.BrushStyle.BDiagPattern)
    factor = mm(spacing_mm) / 8.0
    brush.setTransform(QTransform.fromScale(factor, factor))
    return brush


def _indicative(frame: gpd.GeoDataFrame) -> np.ndarray[Any, Any]:
    if "plan_status" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    status = frame["plan_status"].astype("string").fillna("").str.lower()
    return np.asarray(status.str.startswith("indicatief").to_numpy(dtype=bool), dtype=bool)


def _draw_base(p: QPainter, view: _View, data: MapReport, style: MapStyle) -> None:
    """Zoning (muted SVBP colours, indicative zoning hatched), buildings and the other plots."""
    p.save()
    p.setClipRect(view.rect)
    p.fillRect(view.rect, QColor("#FFFFFF"))
    zon = _visible(data.zoning, view)
    if zon is not None:
        col = "bestemmingshoofdgroep" if "bestemmingshoofdgroep" in zon.columns else None
        groups = zon[col].astype("string").fillna("") if col else [""] * len(zon)
        hatch = QColor(style.zoning_hatch)
        hatch.setAlphaF(0.28)
        for geom, group, indicative in zip(zon.geometry, groups, _indicative(zon), strict=True):
            path = view.path(geom)
            p.setPen(QPen(style.zoning_outline, mm(0.08)))
            p.setBrush(style.zoning_fill(str(group).strip().lower()))
            p.drawPath(path)
            if indicative:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(_hatch(hatch))
                p.drawPath(path)
    bld = _visible(data.buildings, view)
    if bld is not None:
        p.setPen(QPen(style.building_outline.lighter(115), mm(0.05)))
        p.setBrush(style.building_fill.lighter(125))
        for geom in bld.geometry:
            p.drawPath(view.path(geom))
    others = _visible(data.plots, view)
    if others is not None:
        p.setPen(QPen(_OTHER_PLOT, mm(0.25), Qt.PenStyle.SolidLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for geom in others.geometry:
            p.drawPath(view.path(geom))
    p.restore()


def _draw_reserved(
    p: QPainter, view: _View, rows: Sequence[AnnexRow], style: MapStyle, width_mm: float = 0.8
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
            p.setBrush(_hatch(rs.colour, 1.0))
            p.drawPath(path)
        pen = QPen(rs.colour, mm(width_mm), rs.pattern)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
    p.restore()


def _nice_scale(denominator: float) -> int:
    steps = (1, 1.25, 2, 2.5, 5, 7.5, 10)
    exp = 10 ** math.floor(math.log10(max(denominator, 1.0)))
    return int(min((s * exp for s in steps), key=lambda v: abs(v - denominator)))


@dataclass(frozen=True)
class _Furniture:
    """A thing drawn inside the map frame: its box (an obstacle for labels), how to paint it."""

    kind: str
    box: QRectF
    text: str
    paint: Callable[[QPainter], None]


def _scale_bar(view: _View, max_mm: float = 45.0) -> _Furniture | None:
    """Metric scale bar, bottom-left in the map frame, with "schaal ca. 1:…"."""
    _metres, length, label = scale_bar_spec(view.metres_per_unit(), mm(max_mm))
    if not label:
        return None
    denom = _nice_scale(view.metres_per_unit() * mm(1) * 1000)
    big, small = TextStyle(7, bold=True), TextStyle(6)
    scale_text = f"schaal ca. 1:{_thousands(denom)}"
    lh_big, lh_small = line_height(big), line_height(small)
    x0 = view.rect.left() + mm(5)
    bar_h = mm(1.6)
    width = max(length + text_width(label, big) / 2, text_width(scale_text, small)) + mm(5)
    height = lh_big + bar_h + lh_small + mm(3)
    box = QRectF(x0 - mm(2.5), view.rect.bottom() - mm(2.5) - height, width, height)
    bar_y = box.top() + mm(1) + lh_big

    def paint(p: QPainter) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 230))
        p.drawRoundedRect(box, mm(0.8), mm(0.8))
        half = length / 2
        p.setPen(QPen(QColor("#1A1A1A"), mm(0.2)))
        p.setBrush(QColor("#1A1A1A"))
        p.drawRect(QRectF(x0, bar_y, half, bar_h))
        p.setBrush(QColor("#FFFFFF"))
        p.drawRect(QRectF(x0 + half, bar_y, half, bar_h))
        p.setFont(big.font())
        p.setPen(big.qcolour)
        base = bar_y - mm(0.6)
        p.drawText(QPointF(x0 - text_width("0", big) / 2, base), "0")
        p.drawText(QPointF(x0 + length - text_width(label, big) / 2, base), label)
        p.setFont(small.font())
        p.drawText(QPointF(x0, bar_y + bar_h + lh_small * 0.85), scale_text)

    return _Furniture("scale", box, f"0 {label} {scale_text}", paint)


def _north_arrow(view: _View) -> _Furniture:
    cx, top = view.rect.right() - mm(7.5), view.rect.top() + mm(2.5)
    w, h = mm(5), mm(9)
    box = QRectF(cx - mm(4.5), top, mm(9), h + mm(8))
    style = TextStyle(8, bold=True)

    def paint(p: QPainter) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 230))
        p.drawRoundedRect(box, mm(0.8), mm(0.8))
        p.setFont(style.font())
        p.setPen(style.qcolour)
        p.drawText(QPointF(cx - text_width("N", style) / 2, top + mm(1) + line_height(style) * 0.8), "N")
        tip, base = QPointF(cx, top + mm(6)), top + mm(6) + h
        p.setPen(QPen(QColor("#1A1A1A"), mm(0.2)))
        p.setBrush(QColor("#1A1A1A"))
        p.drawPolygon(QPolygonF([tip, QPointF(cx - w / 2, base), QPointF(cx, base - h * 0.3)]))
        p.setBrush(QColor("#FFFFFF"))
        p.drawPolygon(QPolygonF([tip, QPointF(cx + w / 2, base), QPointF(cx, base - h * 0.3)]))

    return _Furniture("north", box, "N", paint)


def _inset(view: _View, data: MapReport, style: MapStyle) -> _Furniture | None:
    """An overview map in a corner: every plot, the locations, the buurten, this map's frame.

    Left out when the map already shows most of the overview, and when every corner would
    cover a reserved location.
    """
    ob = data.overview_bounds()
    vb = view.bounds
    overview_area = (ob[2] - ob[0]) * (ob[3] - ob[1])
    ix0, iy0, ix1, iy1 = max(ob[0], vb[0]), max(ob[1], vb[1]), min(ob[2], vb[2]), min(ob[3], vb[3])
    if ix1 > ix0 and iy1 > iy0 and (ix1 - ix0) * (iy1 - iy0) > 0.5 * overview_area:
        return None  # the map already shows most of what the inset would
    aspect = (ob[3] - ob[1]) / max(ob[2] - ob[0], 1.0)
    w = min(view.rect.width() * 0.26, mm(48))
    h = w * min(max(aspect, 0.5), 1.4)
    if h > view.rect.height() * 0.4:
        h = view.rect.height() * 0.4
        w = h / min(max(aspect, 0.5), 1.4)
    r, pad = view.rect, mm(2.5)
    reserved = [
        view.page_geom(g) for g in (row.geometry for row in data.rows) if g is not None and not g.is_empty
    ]
    corners = (
        QRectF(r.right() - pad - w, r.bottom() - pad - h, w, h),  # bottom-right
        QRectF(r.left() + pad, r.top() + pad, w, h),  # top-left
        QRectF(r.right() - pad - w - mm(12), r.top() + pad, w, h),  # top-right, beside the north arrow
    )
    rect = next(
        (
            c
            for c in corners
            if not any(
                g.intersects(shapely.box(c.left(), c.top(), c.right(), c.bottom()).buffer(mm(4)))
                for g in reserved
            )
        ),
        None,
    )
    if rect is None:
        return None
    inner = rect.adjusted(mm(1), mm(1), -mm(1), -mm(1))
    small = _View(ob, inner)

    def paint(p: QPainter) -> None:
        p.setPen(QPen(QColor("#1A1A1A"), mm(0.25)))
        p.setBrush(QColor("#FFFFFF"))
        p.drawRect(rect)
        p.setClipRect(inner)
        if data.neighbourhoods is not None:
            p.setPen(QPen(style.neighbourhood_outline, mm(0.12)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            for g in data.neighbourhoods.geometry:
                p.drawPath(small.path(g))
        p.setPen(QPen(_OTHER_PLOT, mm(0.1)))
        p.setBrush(QColor("#BDBDBD"))
        for g in data.plots.geometry:
            p.drawPath(small.path(g))
        for row in data.rows:
            colour = style.reservation_style(row.category).colour
            p.setPen(QPen(colour, mm(0.35)))
            p.setBrush(colour)
            p.drawPath(small.path(row.geometry))
        frame = QRectF(small.point(vb[0], vb[3]), small.point(vb[2], vb[1])).intersected(inner)
        p.setPen(QPen(QColor(_RED), mm(0.45)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(frame)

    return _Furniture("inset", rect, "overzichtskaart", paint)


def _frame(p: QPainter, rect: QRectF) -> None:
    p.setPen(QPen(QColor("#1A1A1A"), mm(0.3)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)


def _finish_map(p: QPainter, view: _View, furniture: Sequence[_Furniture]) -> None:
    """North arrow, scale bar, inset and the frame, on top of everything in the map."""
    for f in furniture:
        p.save()
        f.paint(p)
        p.restore()
    _frame(p, view.rect)


def _record_map(page: Page, rect: QRectF, furniture: Sequence[_Furniture]) -> None:
    page.record("map", "kaart", rect)
    for f in furniture:
        page.record(f.kind, f.kind, f.box, f.text, [f.text], container="map")


_NUMBER = TextStyle(7.5, bold=True)


def _number_labels(
    view: _View, rows: Sequence[AnnexRow], furniture: Sequence[_Furniture]
) -> list[tuple[AnnexRow, Placement]]:
    """Where each location's number goes: inside a plot big enough, else beside it with a leader."""
    targets: list[Target] = []
    shown: list[AnnexRow] = []
    for row in rows:
        geom = row.geometry
        if geom is None or geom.is_empty or not geom.intersects(view.box):
            continue
        size = max(text_width(str(row.nr), _NUMBER), line_height(_NUMBER) * 0.8) * 1.3 + mm(1.2)
        targets.append(Target(view.page_geom(geom).buffer(0), size, size, inside_ok=True))
        shown.append(row)
    r = view.rect
    frame = (r.left() + mm(1), r.top() + mm(1), r.right() - mm(1), r.bottom() - mm(1))
    obstacles = [shapely.box(f.box.left(), f.box.top(), f.box.right(), f.box.bottom()) for f in furniture]
    places = place_labels(targets, frame, obstacles, gap=mm(0.8), padding=mm(0.5), leader_from=mm(1.5))
    return [(row, pl) for row, pl in zip(shown, places, strict=True) if pl is not None]


def _paint_number(p: QPainter, place: Placement, text: str, colour: QColor) -> None:
    if place.leader is not None:
        x0, y0, x1, y1 = place.leader
        p.setPen(QPen(colour, mm(0.3)))
        p.drawLine(QPointF(x0, y0), QPointF(x1, y1))
    circle = QRectF(place.x, place.y, place.w, place.h)
    p.setPen(QPen(colour, mm(0.45)))
    p.setBrush(QColor("#FFFFFF"))
    p.drawEllipse(circle.adjusted(mm(0.2), mm(0.2), -mm(0.2), -mm(0.2)))
    p.setFont(_NUMBER.font())
    p.setPen(_NUMBER.qcolour)
    w = text_width(text, _NUMBER)
    fm_h = line_height(_NUMBER)
    p.drawText(QPointF(circle.center().x() - w / 2, circle.center().y() + fm_h * 0.32), text)


def _place_map(page: Page, rect: QRectF, data: MapReport, style: MapStyle) -> _View:
    """The map frame with base layers, the locations, their numbers, scale, north arrow and inset."""
    view = _View(data.bounds(), rect)
    furniture = [
        f for f in (_north_arrow(view), _scale_bar(view), _inset(view, data, style)) if f is not None
    ]
    numbers = _number_labels(view, data.rows, furniture)
    rows = data.rows

    def paint(p: QPainter) -> None:
        _draw_base(p, view, data, style)
        _draw_reserved(p, view, rows, style)
        p.save()
        p.setClipRect(view.rect)
        for row, place in numbers:
            _paint_number(p, place, str(row.nr), style.reservation_style(row.category).colour)
        p.restore()
        _finish_map(p, view, furniture)

    page.add(paint)
    _record_map(page, rect, furniture)
    for row, place in numbers:
        page.record(
            "label",
            f"nummer {row.nr}",
            QRectF(place.x, place.y, place.w, place.h),
            str(row.nr),
            [str(row.nr)],
            "map",
        )
    return view


# --- the text beside the map -------------------------------------------------------------------


def _heading(text: str, name: str) -> Paragraph:
    return Paragraph(
        text, _HEADING, name=name, kind="heading", before=mm(1.2), after=mm(0.8), keep_with_next=True
    )


def _subheading(text: str, name: str) -> Paragraph:
    return Paragraph(
        text, _SUBHEADING, name=name, kind="heading", before=mm(0.6), after=mm(0.5), keep_with_next=True
    )


def _box_symbol(
    fill: QColor | None, pen: QPen | None, hatch: QColor | None = None
) -> Callable[[QPainter, QRectF], None]:
    def draw(p: QPainter, box: QRectF) -> None:
        p.setPen(pen if pen is not None else Qt.PenStyle.NoPen)
        p.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        p.drawRect(box)
        if hatch is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(_hatch(hatch, 0.9))
            p.drawRect(box)

    return draw


def _legend_items(data: MapReport, style: MapStyle, legend: MapLegend, inset: bool) -> list[Item]:
    items: list[Item] = [_heading("Legenda", "legenda")]
    items.append(
        _subheading("Gereserveerde locaties: woningcategorie (rand), nummer = regel in de bijlage", "legenda")
    )
    for cat in legend.categories:
        rs = style.reservation_style(cat)
        pen = QPen(rs.colour, mm(0.7), rs.pattern)
        items.append(Swatch(cat, _box_symbol(None, pen, rs.colour if rs.hatch else None), name="legenda"))
    items.append(_subheading("Status van de reservering (vulling)", "legenda"))
    for status in legend.statuses:
        fill = QColor(style.status_colours.get(status, QColor("#BDBDBD")))
        fill.setAlphaF(0.55)
        items.append(Swatch(status, _box_symbol(fill, QPen(QColor("#9E9E9E"), mm(0.1))), name="legenda"))
    if legend.other_plots or legend.buildings:
        items.append(_subheading("Ondergrond", "legenda"))
    if legend.other_plots:
        items.append(
            Swatch(
                "overige kavels (niet gereserveerd)",
                _box_symbol(None, QPen(_OTHER_PLOT, mm(0.25))),
                name="legenda",
            )
        )
    if legend.buildings:
        bag = any(
            g.source is not None and g.source.id == "bag" and any(w == "gebouwen" for w, _ in g.parts)
            for g in data.source_groups
        )
        items.append(
            Swatch(
                "gebouw (BAG)" if bag else "gebouw",
                _box_symbol(style.building_fill.lighter(125), QPen(style.building_outline, mm(0.1))),
                name="legenda",
            )
        )
    zoning = legend.zoning
    if zoning is not None:
        items.append(_subheading(zoning.title, "legenda bestemming"))
        hatch = QColor(style.zoning_hatch) if zoning.indicative else None
        if hatch is not None:
            hatch.setAlphaF(0.4)
        for code, label in zoning.groups:
            items.append(
                Swatch(
                    label,
                    _box_symbol(style.zoning_fill(code), QPen(style.zoning_outline, mm(0.1)), hatch),
                    name="legenda bestemming",
                )
            )
        if zoning.note:
            items.append(Paragraph(zoning.note, _SMALL, name="legenda bestemming"))
    overview = " Overzichtskaart: alle kavels en buurten, rood kader = dit kaartbeeld." if inset else ""
    items.append(
        Paragraph(
            f"Kaartbeeld: {data.extent_text}.{overview}", _SMALL, name="legenda kaartbeeld", before=mm(0.6)
        )
    )
    return items


_MOVABLE = ("sources", "ledger", "legend")


def _section_items(data: MapReport, style: MapStyle, legend: MapLegend, inset: bool) -> dict[str, list[Item]]:
    ledger: list[Item] = [_heading("Opgave en reserveringen", "opgave")]
    ledger += [Paragraph(line, TextStyle(6.5), name="opgave") for line in data.ledger]
    sources: list[Item] = [_heading("Bronnen en peildata", "bronnen")]
    sources += [Paragraph(line, _SMALL, name="bronnen", after=mm(0.4)) for line in data.sources]
    attribution: list[Item] = [
        Paragraph(line, TextStyle(6.5), name="naamsvermelding", after=mm(0.3)) for line in data.attribution
    ]
    if attribution:
        attribution[0] = Paragraph(
            data.attribution[0], TextStyle(6.5), name="naamsvermelding", before=mm(1), after=mm(0.3)
        )
    return {
        "legend": _legend_items(data, style, legend, inset),
        "ledger": ledger,
        "sources": sources,
        "attribution": attribution,
        "method": [Paragraph(data.method_note, _NOTE, name="methode", before=mm(1))],
        "disclaimer": [
            Paragraph(data.disclaimer, _DISCLAIMER, name="disclaimer", before=mm(1), keep_with_next=True),
            Paragraph(data.disclaimer_note, _SMALL, name="disclaimer toelichting"),
        ],
    }


_ORDER = ("legend", "ledger", "sources", "attribution", "method", "disclaimer")
_MOVE_NOTE = {
    "legend": "Legenda: zie blad 2.",
    "ledger": "Opgave en reserveringen: zie blad 2.",
    "sources": "Bronnen en peildata: zie blad 2.",
}


def _arrange(sections: dict[str, list[Item]], moved: Sequence[str]) -> list[Item]:
    items: list[Item] = []
    for key in _ORDER:
        if key in moved:
            items.append(Paragraph(_MOVE_NOTE[key], _SMALL, name=f"verwijzing {key}", before=mm(1)))
        else:
            items.extend(sections[key])
    return items


# --- page layouts ------------------------------------------------------------------------------


def _header(page: Page, title: str, subtitle: str) -> float:
    """Title (wrapped, never shortened), subtitle and a rule; returns the y below it."""
    width = page.width - 2 * _MARGIN
    block = page.text(title, _TITLE, _MARGIN, _MARGIN, width, kind="title", name="titel")
    sub = page.text(
        subtitle, _SUBTITLE, _MARGIN, block.y + block.h + mm(1), width, kind="subtitle", name="ondertitel"
    )
    y = sub.y + sub.h + mm(1.5)

    def rule(p: QPainter) -> None:
        p.setPen(QPen(QColor("#1A1A1A"), mm(0.4)))
        p.drawLine(QPointF(_MARGIN, y), QPointF(_MARGIN + width, y))

    page.add(rule)
    return y


def _columns(area: QRectF, n: int, gap: float) -> list[QRectF]:
    w = (area.width() - gap * (n - 1)) / n
    return [QRectF(area.left() + i * (w + gap), area.top(), w, area.height()) for i in range(n)]


def _configs(body: QRectF, landscape: bool) -> list[tuple[QRectF, list[QRectF]]]:
    """Candidate (map rectangle, text columns) arrangements of the map page, biggest map first."""
    gap = mm(6)
    out: list[tuple[QRectF, list[QRectF]]] = []
    if landscape:
        for side in (0.27, 0.31, 0.36, 0.42, 0.48):
            side_w = body.width() * side
            n_side = 1 if side_w < mm(100) else 2
            map_w = body.width() - side_w - gap
            side_rect = QRectF(body.left() + map_w + gap, body.top(), side_w, body.height())
            for strip in (0.0, 0.24, 0.32):
                map_h = body.height() * (1 - strip) - (gap if strip else 0)
                cols = _columns(side_rect, n_side, mm(5))
                if strip:
                    strip_rect = QRectF(
                        body.left(), body.top() + map_h + gap, map_w, body.height() - map_h - gap
                    )
                    cols += _columns(strip_rect, max(1, int(map_w // mm(70))), mm(5))
                out.append((QRectF(body.left(), body.top(), map_w, map_h), cols))
    else:
        for share in (0.64, 0.58, 0.52, 0.46, 0.40):
            map_h = body.height() * share
            lower = QRectF(body.left(), body.top() + map_h + gap, body.width(), body.height() - map_h - gap)
            for n in (2, 3):
                out.append((QRectF(body.left(), body.top(), body.width(), map_h), _columns(lower, n, mm(5))))
    return sorted(out, key=lambda c: -c[0].width() * c[0].height())


def _map_page(doc: Document, data: MapReport, style: MapStyle) -> tuple[list[str], MapLegend]:
    """Lay out the map page: the biggest map with which every section fits beside it.

    Only when nothing fits (an extreme legend or ledger) do the sources, then the ledger, then
    the legend move to a continuation sheet, with a pointer where they were. Returns the moved
    sections and the legend of the map as drawn.
    """
    page = doc.new_page()
    top = _header(page, data.title, data.subtitle)
    body = QRectF(_MARGIN, top + mm(4), page.width - 2 * _MARGIN, page.height - _MARGIN - top - mm(4))
    configs = _configs(body, doc.landscape)
    moves: list[tuple[str, ...]] = [(), ("sources",), ("sources", "ledger"), _MOVABLE]
    for moved in moves:
        for map_rect, columns in configs:
            view = _View(data.bounds(), map_rect)
            inset = _inset(view, data, style) is not None
            legend = data.legend(view.bounds)
            items = _arrange(_section_items(data, style, legend, inset), moved)
            if not Flow(Page(page.index, page.width, page.height), columns).run(items):
                _place_map(page, map_rect, data, style)
                Flow(page, columns).run(items)
                return list(moved), legend
    # Not even the essentials fit beside the smallest map: never happens on A4/A3 with the
    # fonts used; place what fits rather than fail, the rest is on the continuation sheet.
    map_rect, columns = configs[-1]
    view = _place_map(page, map_rect, data, style)
    legend = data.legend(view.bounds)
    Flow(page, columns).run(_arrange(_section_items(data, style, legend, True), _MOVABLE))
    return list(_MOVABLE), legend


def _continuation(
    doc: Document, data: MapReport, style: MapStyle, moved: Sequence[str], legend: MapLegend
) -> None:
    """The sections that did not fit beside the map, on the next sheet, in columns."""
    if not moved:
        return
    sections = _section_items(data, style, legend, False)
    items = [i for key in _ORDER if key in moved for i in sections[key]]
    _flow_pages(
        doc, f"{data.title} (toelichting bij de kaart)", data.subtitle, items, 2 if doc.landscape else 1
    )


def _flow_pages(doc: Document, title: str, subtitle: str, items: Sequence[Item], n_columns: int) -> None:
    first = len(doc.pages)

    def new() -> tuple[Page, list[QRectF]]:
        page = doc.new_page()
        top = _header(page, title if page.index == first else f"{title} (vervolg)", subtitle)
        body = QRectF(_MARGIN, top + mm(3), page.width - 2 * _MARGIN, page.height - _MARGIN - top - mm(3))
        return page, _columns(body, n_columns, mm(6))

    page, cols = new()
    Flow(page, cols, more=new).run(items)


def _annex_items(data: MapReport) -> list[Item]:
    cols = PDF_ANNEX_COLUMNS
    shares = [c.share for c in cols]
    aligns = [c.align for c in cols]
    header = TableRow(
        [c.header for c in cols], shares, aligns, is_header=True, name="bijlage kop", keep_with_next=True
    )
    items: list[Item] = [
        Paragraph(line, TextStyle(6.5, italic=True, colour=MUTED_COLOUR), name="weging")
        for line in data.weighting_lines
    ]
    items.append(header)
    for i, row in enumerate(data.rows):
        items.append(
            TableRow(
                [c.cell(row) for c in cols],
                shares,
                aligns,
                zebra=bool(i % 2),
                name=f"bijlage regel {row.nr}",
                header=header,
            )
        )
    return items


def map_document(
    data: MapReport, *, page: str = "A4", landscape: bool = True, style: MapStyle | None = None
) -> Document:
    """The laid-out reserved-location PDF: the map page, a continuation if needed, the annex."""
    page_size(page, landscape)  # a clear Dutch error for an unknown paper size, before any work
    ensure_gui_app()
    style = style or map_style()
    doc = Document(data.title, page.strip().upper(), landscape)
    moved, legend = _map_page(doc, data, style)
    _continuation(doc, data, style, moved, legend)
    _flow_pages(
        doc, "Bijlage: gereserveerde locaties", f"{data.title} · {data.subtitle}", _annex_items(data), 1
    )
    if data.bod is not None and not data.bod.empty:
        _bod_pages(doc, data.bod, data.subtitle)
    if data.demand is not None:
        _flow_pages(doc, data.demand.title, data.subtitle, _demand_items(data.demand), 1)
    doc.add_footers(DISCLAIMER, _MARGIN)
    return doc


def write_reserved_map_pdf(
    store: ProjectStore,
    out: str | Path,
    *,
    page: str = "A4",
    landscape: bool = True,
    title: str | None = None,
    weighting_key: str | None = None,
    extent: str = EXTENT_RESERVED,
    progress: Progress | None = None,
) -> Path:
    """The reserved-location map of ``store`` as a vector PDF (map page + annex table).

    ``page`` is "A4" or "A3"; ``weighting_key`` names the weighting of the scores shown
    (default: the one recorded with the run); ``extent`` fits the map to the reserved
    locations or to all plots. Raises :class:`projects.errors.InputsError` (Dutch, with a
    hint) when the project has no live reservations.
    """
    page_size(page, landscape)
    ensure_gui_app()
    out = _check_out(out)
    data = map_report(
        store, title=title, weighting_key=weighting_key, extent=extent, with_demand=True, progress=progress
    )
    _report(progress, 0.4, "Kaart opmaken")
    doc = map_document(data, page=page, landscape=landscape)
    _report(progress, 0.8, "PDF schrijven")
    doc.write_pdf(out)
    _report(progress, 1.0, "Klaar")
    return out


def render_map_preview(store: ProjectStore, width_px: int = 900) -> QImage:
    """The first page of the PDF as an image (the recorded runs only: a preview records nothing)."""
    data = map_report(store, record=False, with_demand=True)
    return map_document(data).render(0, width_px)


# --- the bod over time (issue 21) ----------------------------------------------------------------

BOD_TITLE = "Verloop van het bod"
_BOD_INTRO = (
    "Per woonvorm. Links: zeker, in beeld en gerealiseerd aan het eind van elke maand sinds de eerste "
    "wijziging van het bod, herbouwd uit het wijzigingslogboek (alle perioden samen; de laatste stand is "
    "die bij het maken van dit document), naast de opgave van alle perioden. Rechts: de woningen opgeteld "
    "per opleverjaar, tegen de opgave als die gelijk over de jaren van haar periode gehaald wordt. "
    "Capaciteit is een bandbreedte: de doorgetrokken lijn is het minimum, de stippellijn het maximum."
)
_BOD_CHART = TextStyle(7)
_BOD_ROW_MIN = mm(52)  # a row of two charts: title, legend and a plot that still reads


def _bod_labels(kind: str) -> dict[str, str]:
    return {
        "zeker": "zeker",
        "in_beeld": "in beeld",
        "gerealiseerd": "gerealiseerd",
        OPGAVE: "opgave (alle perioden)"
        if kind == KIND_SERIES
        else "opgave, gelijk verdeeld t/m het eindjaar",
        "range": "vlak: minimum tot maximum",
    }


def _measuring_image() -> QImage:
    """A 300-dpi image: the charts measure their text as the PDF writer will draw it."""
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    dpm = round(300 / 0.0254)
    image.setDotsPerMeterX(dpm)
    image.setDotsPerMeterY(dpm)
    return image


def _bod_pair(
    pair: Sequence[tuple[str, LineChart, str]], rects: Sequence[QRectF], device: QImage, head_h: float
) -> list[ChartLayout]:
    """The two charts of a category laid out side by side (``head_h``: to align their plots)."""
    return [
        layout_line_chart(
            chart,
            rect,
            font=_BOD_CHART.font(),
            title=text,
            labels=_bod_labels(kind),
            colours=chart_colours(),
            empty_text="Geen gegevens." if kind == KIND_SERIES else "Geen opgave en geen opleverjaren.",
            device=device,
            head_h=head_h,
        )
        for (kind, chart, text), rect in zip(pair, rects, strict=True)
    ]


def _bod_pages(doc: Document, charts: BodCharts, subtitle: str) -> None:
    """The page(s) "Verloop van het bod": per category the bod over time and the delivery curve.

    Painted by :func:`app.line_chart.layout_line_chart` from :class:`projects.bod_chart.BodCharts`,
    as in the Bod dock's window; every text is recorded inside its chart's frame.
    """
    device = _measuring_image()
    categories = list(charts.categories)
    title = BOD_TITLE
    while categories:
        page = doc.new_page()
        top = _header(page, title, subtitle)
        title = f"{BOD_TITLE} (vervolg)"
        width = page.width - 2 * _MARGIN
        intro = page.text(_BOD_INTRO, _BODY, _MARGIN, top + mm(3), width, name="verloop uitleg")
        body_top = intro.y + intro.h + mm(3)
        body_h = page.height - _MARGIN - body_top
        n = max(1, min(len(categories), int(body_h // _BOD_ROW_MIN)))
        row_h = body_h / n
        gap = mm(8)
        col_w = (width - gap) / 2
        for i, category in enumerate(categories[:n]):
            y = body_top + i * row_h
            name = category[:1].upper() + category[1:]
            pair = [
                (KIND_SERIES, charts.series[category], f"{name}: het bod per maand (woningen)"),
                (
                    KIND_CURVE,
                    charts.curve[category],
                    f"{name}: opgeleverd t/m elk jaar tegen de opgave (woningen)",
                ),
            ]
            rects = [QRectF(_MARGIN + j * (col_w + gap), y, col_w, row_h - mm(4)) for j in range(2)]

            first = _bod_pair(pair, rects, device, 0.0)
            for layout, (kind, _chart, _text) in zip(
                _bod_pair(pair, rects, device, max(x.head_h for x in first)), pair, strict=True
            ):
                frame = f"verloop {category} {kind}"
                page.record("chart", frame, layout.rect)
                page.add(layout.paint)
                for t in layout.texts:
                    page.record("text", f"{frame}: {t.name}", t.rect, t.text, (t.text,), container="chart")
        categories = categories[n:]


# --- the demand annex (issue 20) -----------------------------------------------------------------


def _demand_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[float], name: str, pt: float
) -> list[Item]:
    head = TableRow(
        list(header),
        list(shares),
        is_header=True,
        name=f"{name} kop",
        keep_with_next=True,
        style=TextStyle(pt),
    )
    items: list[Item] = [head]
    for i, row in enumerate(rows):
        items.append(
            TableRow(
                list(row),
                list(shares),
                zebra=bool(i % 2),
                name=f"{name} regel {i + 1}",
                header=head,
                style=TextStyle(pt),
            )
        )
    return items


def _demand_items(annex: DemandAnnex) -> list[Item]:
    """The demand annex (:class:`projects.report.DemandAnnex`) as laid-out items: only its text cells."""
    items: list[Item] = [Paragraph(annex.intro, TextStyle(7.2), name="vraag intro")]
    items.append(_heading("Afgeleide opgave naast het bod (gemeente)", "vraag opgave"))
    items += _demand_table(
        annex.opgave_header, annex.opgave_rows, [2.2, 0.8, 1.6, 1.2, 1.0, 1.5, 0.7, 2.0], "vraag opgave", 6.8
    )
    items.append(
        _heading("Per wijk: ouderen, afgeleide opgave per categorie, gereserveerd en tekort", "vraag wijken")
    )
    shares = [2.4, 1.6, 1.3, *([1.1] * (len(annex.area_header) - 5)), 1.2, 1.2]
    items += _demand_table(annex.area_header, annex.area_rows, shares, "vraag wijken", 6.5)
    items.append(_heading("CBS-afstand over de weg naast de loopafstand van de 65-plussers", "vraag cbs"))
    n_cat = (len(annex.comparison_header) - 2) // 2
    items += _demand_table(
        annex.comparison_header, annex.comparison_rows, [2.2, 1.0, *([1.3, 1.2] * n_cat)], "vraag cbs", 6.0
    )
    muted = TextStyle(6.2, colour=MUTED_COLOUR)
    items += [Paragraph(n, muted, name="vraag voetnoot") for n in annex.comparison_notes]
    if annex.why:
        items.append(
            Paragraph(
                "Waarom ze verschillen: " + annex.why[0], TextStyle(6.8, bold=True), name="vraag waarom"
            )
        )
        items += [Paragraph("• " + r, TextStyle(6.2), name="vraag reden") for r in annex.why[1:]]
    items.append(_heading("Schatting en bronnen", "vraag bronnen"))
    items.append(Paragraph(annex.schatting, TextStyle(6.4, italic=True), name="vraag schatting"))
    items += [Paragraph("• " + s, TextStyle(6.0), name="vraag bron") for s in annex.sources]
    items += [Paragraph(n, muted, name="vraag noot") for n in annex.notes]
    return items


# --- dossiers ----------------------------------------------------------------------------------


def _draw_facility(p: QPainter, at: QPointF, category: str, style: MapStyle, size: float) -> None:
    sym = style.facility_symbol(category)
    r = size / 2
    p.setPen(QPen(style.facility_outline, mm(0.25)))
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
    elif sym.glyph == "hexagon":
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(at.x() + r * math.cos(a), at.y() + r * math.sin(a))
                    for a in np.linspace(0, 2 * math.pi, 7)[:-1]
                ]
            )
        )
    else:
        p.drawEllipse(box)
    letter = TextStyle(5.5, bold=True, colour="#FFFFFF")
    p.setFont(letter.font())
    p.setPen(letter.qcolour)
    p.drawText(
        QPointF(at.x() - text_width(sym.letter, letter) / 2, at.y() + line_height(letter) * 0.3), sym.letter
    )


_FACILITY_LABEL = TextStyle(5.8)
_SYMBOL_MM = 3.4


def _facility_text(f: NearestFacility) -> str:
    # A no-break space keeps "448 m" on one line when a label wraps.
    away = f" ({f.distance_text.replace(' ', chr(0xA0))})" if f.distance_text else ""
    return (f"{f.label}: {f.name}" if f.name else f.label) + away


def _dossier_map(page: Page, rect: QRectF, d: DossierReport, style: MapStyle) -> list[NearestFacility]:
    """The dossier map; returns the facilities that lie outside it (listed beside the map)."""
    view = _View(d.extent, rect)
    furniture = [f for f in (_north_arrow(view), _scale_bar(view, 35.0)) if f is not None]
    size = mm(_SYMBOL_MM)
    inside: list[tuple[NearestFacility, QPointF]] = []
    outside: list[NearestFacility] = []
    for f in d.nearest:
        if f.geometry is None or f.geometry.is_empty:
            continue
        at = view.point(*shapely.get_coordinates(f.geometry.representative_point())[0])
        margin = rect.adjusted(size, size, -size, -size)
        if margin.contains(at):
            inside.append((f, at))
        else:
            outside.append(f)
    plot = view.page_geom(d.row.geometry).buffer(0) if d.row.geometry is not None else None
    symbols = [
        shapely.box(at.x() - size / 2, at.y() - size / 2, at.x() + size / 2, at.y() + size / 2)
        for _, at in inside
    ]
    targets = []
    texts: list[list[str]] = []
    max_w = min(mm(55), rect.width() * 0.45)
    for f, _at in inside:
        lines = wrap(_facility_text(f), _FACILITY_LABEL, max_w)
        w = max(text_width(line, _FACILITY_LABEL) for line in lines) + mm(1.2)
        h = line_height(_FACILITY_LABEL) * len(lines) + mm(0.6)
        texts.append(lines)
        targets.append((w, h))
    obstacles = [shapely.box(f.box.left(), f.box.top(), f.box.right(), f.box.bottom()) for f in furniture]
    if plot is not None and not plot.is_empty:
        obstacles.append(plot)
    label_targets = [Target(sym, w, h) for sym, (w, h) in zip(symbols, targets, strict=True)]
    r = view.rect
    frame = (r.left() + mm(1), r.top() + mm(1), r.right() - mm(1), r.bottom() - mm(1))
    places = place_labels(label_targets, frame, obstacles, gap=mm(0.8), padding=mm(0.4), leader_from=mm(2))

    def paint(p: QPainter) -> None:
        if d.map is not None:
            _draw_base(p, view, d.map, style)
        p.save()
        p.setClipRect(view.rect)
        if d.reach is not None:
            for dist, line_style in ((d.far_m, style.reach_far), (d.near_m, style.reach_near)):
                lines = d.reach.loc[d.reach["distance_m"] == dist].geometry
                pen = QPen(line_style.colour, mm(0.4 if dist == d.near_m else 0.25), line_style.pattern)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                for g in lines:
                    p.drawPath(view.path(g))
        p.restore()
        _draw_reserved(p, view, [d.row], style, width_mm=1.0)
        p.save()
        p.setClipRect(view.rect)
        for (f, at), place, lines in zip(inside, places, texts, strict=True):
            if place is not None:
                if place.leader is not None:
                    p.setPen(QPen(QColor("#424242"), mm(0.2)))
                    p.drawLine(QPointF(*place.leader[:2]), QPointF(*place.leader[2:]))
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(255, 255, 255, 225))
                p.drawRect(QRectF(place.x, place.y, place.w, place.h))
                p.setFont(_FACILITY_LABEL.font())
                p.setPen(_FACILITY_LABEL.qcolour)
                fm_asc = line_height(_FACILITY_LABEL) * 0.8
                for i, line in enumerate(lines):
                    p.drawText(
                        QPointF(
                            place.x + mm(0.6), place.y + mm(0.3) + fm_asc + i * line_height(_FACILITY_LABEL)
                        ),
                        line,
                    )
            _draw_facility(p, at, f.category, style, size)
        p.restore()
        _finish_map(p, view, furniture)

    page.add(paint)
    _record_map(page, rect, furniture)
    for sym in symbols:
        x0, y0, x1, y1 = sym.bounds
        page.record("symbol", "voorziening", QRectF(x0, y0, x1 - x0, y1 - y0), container="map")
    unlabelled: list[NearestFacility] = []
    for (f, _at), place, lines in zip(inside, places, texts, strict=True):
        if place is None:
            unlabelled.append(f)
            continue
        page.record(
            "label",
            f.label,
            QRectF(place.x, place.y, place.w, place.h),
            _facility_text(f),
            [" ".join(lines)],
            "map",
        )
    return outside + unlabelled


def _criteria_items(d: DossierReport) -> list[Item]:
    shares = [0.22, 0.4, 0.15, 0.05, 0.08, 0.1]
    aligns = ["left", "left", "left", "center", "right", "right"]
    header = TableRow(
        ["criterium", "meting", "norm", "", "deel", "gewicht"],
        shares,
        aligns,
        is_header=True,
        name="criteria kop",
        keep_with_next=True,
    )
    items: list[Item] = [header]
    for i, cells in enumerate(d.criteria):
        colours: list[str | None] = [None] * len(cells)
        if cells[3] in ("✓", "✗"):
            colours[3] = "#2E7D32" if cells[3] == "✓" else "#C62828"
        items.append(
            TableRow(
                cells, shares, aligns, zebra=bool(i % 2), name="criteria", colours=colours, header=header
            )
        )
    return items


def _dossier_items(d: DossierReport, style: MapStyle, off_map: Sequence[NearestFacility]) -> list[Item]:
    items: list[Item] = [_heading("Kavel en reservering", "feiten")]
    items += [
        Paragraph(f"{label}: {value}", TextStyle(7), name="feiten", after=mm(0.3)) for label, value in d.facts
    ]
    if d.notes:
        items.append(Paragraph("Opmerkingen: " + d.notes, TextStyle(7), name="opmerkingen"))
    items.append(_heading("Criteria tegenover de normen", "criteria"))
    if d.criteria:
        items += _criteria_items(d)
    else:
        items.append(
            Paragraph("Geen scoreronde met deze kavel: score het project eerst.", _SMALL, name="criteria")
        )
    if d.nearest:
        items.append(_heading("Dichtstbijzijnde voorzieningen", "voorzieningen"))
        size = mm(_SYMBOL_MM)
        for f in d.nearest:
            text = _facility_text(f) + (" — buiten de kaart" if f in off_map else "")

            def draw(p: QPainter, box: QRectF, cat: str = f.category) -> None:
                _draw_facility(p, QPointF(box.left() + size / 2, box.center().y()), cat, style, size)

            items.append(Swatch(text, draw, name="voorzieningen", symbol_w=size + mm(0.6), symbol_h=size))
    items.append(_heading("Kaart", "kaart toelichting"))
    items.append(
        Paragraph(
            d.reach_text + "; symbolen: dichtstbijzijnde voorziening per categorie.",
            TextStyle(6.5),
            name="kaart toelichting",
        )
    )
    items.append(Paragraph(d.method_note, _NOTE, name="methode", before=mm(0.6)))
    items += [
        Paragraph(line, TextStyle(6.3), name="naamsvermelding", after=mm(0.2)) for line in d.attribution
    ]
    items.append(Paragraph(d.disclaimer, _DISCLAIMER, name="disclaimer", before=mm(1)))
    return items


def dossier_document(d: DossierReport, style: MapStyle | None = None) -> Document:
    """One dossier (A4 landscape): map of the plot and its nearest facilities, facts, criteria."""
    ensure_gui_app()
    style = style or map_style()
    doc = Document(d.title, "A4", True)
    page = doc.new_page()
    top = _header(page, d.title, d.subtitle)
    body_top, bottom = top + mm(4), page.height - _MARGIN
    size = min(bottom - body_top, (page.width - 2 * _MARGIN) * 0.5)
    map_rect = QRectF(_MARGIN, body_top, size, size)
    side = QRectF(
        map_rect.right() + mm(6), body_top, page.width - _MARGIN - map_rect.right() - mm(6), bottom - body_top
    )
    off_map = _dossier_map(page, map_rect, d, style)

    def more() -> tuple[Page, list[QRectF]]:
        nxt = doc.new_page()
        t = _header(nxt, f"{d.title} (vervolg)", d.subtitle)
        body = QRectF(_MARGIN, t + mm(3), nxt.width - 2 * _MARGIN, nxt.height - _MARGIN - t - mm(3))
        return nxt, _columns(body, 2, mm(6))

    Flow(page, [side], more=more).run(_dossier_items(d, style, off_map))
    doc.add_footers(DISCLAIMER, _MARGIN)
    return doc


def write_dossiers(
    store: ProjectStore,
    out_dir: str | Path,
    *,
    weighting_key: str | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """One PDF per live reservation in ``out_dir`` (created if needed); returns the files.

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
        dossier_document(d, style).write_pdf(path)
        out.append(path)
    _report(progress, 1.0, "Klaar")
    return out


__all__ += ["EXTENT_ALL", "EXTENT_RESERVED"]
