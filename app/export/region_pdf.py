"""The regional PDF: the members' reservations on one map, the double claims, the shares and gaps.

Like :mod:`app.export.pdf` this module only paints: every word and number comes from
:func:`projects.region.region_report` (the read side of the region), so the PDF says what the
XLSX and the app's *Regio* view say. Page 1 is the map (each member's live reservations in the
member's colour, member outlines dashed, plots claimed by two members hatched red and numbered
as in the double-claim table) with its legend, sources and the disclaimer; the tables follow on
full-width pages: the regional opgave and gap, each member's share, the members that have not
reported, the double claims.

:func:`write_region_pdf` is the headless entry point the CLI calls
(``bodnaarplot region export --out regio.pdf``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from app.export.labels import Target, place_labels
from app.export.layout import (
    Document,
    Flow,
    Item,
    Page,
    Paragraph,
    Swatch,
    TableRow,
    TextStyle,
    mm,
    page_size,
    text_width,
)
from app.export.pdf import (
    _DISCLAIMER,
    _MARGIN,
    _SMALL,
    _box_symbol,
    _check_out,
    _finish_map,
    _flow_pages,
    _hatch,
    _header,
    _heading,
    _north_arrow,
    _paint_number,
    _record_map,
    _scale_bar,
    _subheading,
    _View,
    _visible,
)
from app.headless import ensure_gui_app
from app.map.region_style import RegionStyle, region_style
from projects.region import RegionReport, RegionView, region_report
from projects.report import DISCLAIMER

__all__ = ["region_document", "write_region_pdf"]

Progress = Callable[[float, str], None]


_CLAIM_NUMBER = TextStyle(7.5, bold=True)
_NUMERIC = re.compile(r"^[-−+]?[\d.,]+(–[\d.,]+)?\s*(%|m²)?$|^[–-]$|^$")


def _bounds(report: RegionReport) -> tuple[float, float, float, float]:
    """The map extent: the report's (outlines, reservations and claims with a margin)."""
    try:
        return report.bounds()
    except NotImplementedError:  # the core's skeleton before it is filled in
        frames = [f for f in (report.outlines, report.reservations) if f is not None and not f.empty]
        if not frames:
            return (0.0, 0.0, 1000.0, 1000.0)
        b = [f.total_bounds for f in frames]
        x0, y0 = min(v[0] for v in b), min(v[1] for v in b)
        x1, y1 = max(v[2] for v in b), max(v[3] for v in b)
        pad = max(x1 - x0, y1 - y0, 200.0) * 0.04
        return (float(x0 - pad), float(y0 - pad), float(x1 + pad), float(y1 + pad))


def _member_index(report: RegionReport) -> dict[str, int]:
    return {name: i for i, name in enumerate(report.members)}


def _claim_geoms(report: RegionReport) -> list[Any]:
    claims = report.double_claims
    return [] if claims is None or claims.empty else list(claims.geometry)


def _place_map(page: Page, rect: QRectF, report: RegionReport, style: RegionStyle) -> None:
    view = _View(_bounds(report), rect)
    furniture = [f for f in (_north_arrow(view), _scale_bar(view)) if f is not None]
    claims = _claim_geoms(report)
    targets: list[Target] = []
    numbered: list[int] = []
    for nr, geom in enumerate(claims, start=1):
        if geom is None or geom.is_empty or not geom.intersects(view.box):
            continue
        size = mm(4.2)
        targets.append(Target(view.page_geom(geom).buffer(0), size, size, inside_ok=False))
        numbered.append(nr)
    r = view.rect
    frame = (r.left() + mm(1), r.top() + mm(1), r.right() - mm(1), r.bottom() - mm(1))
    obstacles = [shapely.box(f.box.left(), f.box.top(), f.box.right(), f.box.bottom()) for f in furniture]
    places = place_labels(targets, frame, obstacles, gap=mm(0.8), padding=mm(0.5), leader_from=mm(1.5))
    labels = [(nr, pl) for nr, pl in zip(numbered, places, strict=True) if pl is not None]

    def paint(p: QPainter) -> None:
        p.save()
        p.setClipRect(view.rect)
        p.fillRect(view.rect, QColor("#FFFFFF"))
        _paint_features(p, view, report, style)
        red = style.double_claim
        for nr, place in labels:
            _paint_number(p, place, str(nr), red)
        p.restore()
        _finish_map(p, view, furniture)

    page.add(paint)
    _record_map(page, rect, furniture)
    for nr, place in labels:
        page.record(
            "label",
            f"dubbele claim {nr}",
            QRectF(place.x, place.y, place.w, place.h),
            str(nr),
            [str(nr)],
            "map",
        )


def _paint_features(p: QPainter, view: _View, report: RegionReport, style: RegionStyle) -> None:
    """Outlines, each member's reservations in its colour, the double claims hatched red."""
    index = _member_index(report)
    outlines = _visible(report.outlines, view)
    if outlines is not None:
        for geom, member in zip(outlines.geometry, outlines["member"].astype(str), strict=True):
            p.setPen(QPen(style.member_colour(index.get(member, 0)), mm(0.4), style.outline_pattern))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(view.path(geom))
    reservations = _visible(report.reservations, view)
    if reservations is not None:
        for geom, member in zip(reservations.geometry, reservations["member"].astype(str), strict=True):
            i = index.get(member, 0)
            p.setPen(QPen(style.member_colour(i), mm(0.35)))
            p.setBrush(style.member_fill(i))
            p.drawPath(view.path(geom))
    red = style.double_claim
    for geom in _claim_geoms(report):
        if geom is None or geom.is_empty or not geom.intersects(view.box):
            continue
        path = view.path(geom)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(_hatch(red, 0.8))
        p.drawPath(path)
        p.setPen(QPen(red, mm(0.6)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)


_DETAIL_H_MM = 48.0
_DETAIL_MIN_M = 120.0  # a detail map shows at least this much ground: the plots' surroundings


@dataclass
class _ClaimDetail:
    """A small map of one double claim: the two claimed plots and their overlap, with a scale bar."""

    report: RegionReport
    style: RegionStyle
    index: int  # 0-based row of report.double_claims
    keep_with_next: bool = False

    def height(self, width: float) -> float:  # noqa: ARG002 - a fixed height
        return mm(_DETAIL_H_MM) + mm(3)

    def _bounds(self) -> tuple[float, float, float, float]:
        claims = self.report.double_claims
        row = claims.iloc[self.index]
        geoms = [row.geometry]
        res = self.report.reservations
        if res is not None and not res.empty:
            for member, plot in ((row["member_a"], row["plot_a"]), (row["member_b"], row["plot_b"])):
                hit = res[
                    (res["member"].astype(str) == str(member)) & (res["plot_id"].astype(str) == str(plot))
                ]
                geoms += list(hit.geometry)
        x0, y0, x1, y1 = shapely.union_all([g for g in geoms if g is not None]).bounds
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half = max(x1 - x0, y1 - y0, _DETAIL_MIN_M) * 0.6
        return (cx - half, cy - half, cx + half, cy + half)

    def place(self, page: Page, x: float, y: float, width: float) -> None:
        rect = QRectF(x, y + mm(1), width, mm(_DETAIL_H_MM))
        view = _View(self._bounds(), rect)
        furniture = [
            f for f in (_north_arrow(view), _scale_bar(view, min(30.0, width / mm(1) * 0.5))) if f is not None
        ]
        report, style = self.report, self.style

        def paint(p: QPainter) -> None:
            p.save()
            p.setClipRect(view.rect)
            p.fillRect(view.rect, QColor("#FFFFFF"))
            _paint_features(p, view, report, style)
            p.restore()
            _finish_map(p, view, furniture)

        page.add(paint)
        _record_map(page, rect, furniture)


def _legend_items(report: RegionReport, style: RegionStyle) -> list[Item]:
    items: list[Item] = [_heading("Legenda", "legenda")]
    items.append(_subheading("Reserveringen per gemeente (lid van de regio)", "legenda"))
    for i, member in enumerate(report.members):
        fill, pen = style.member_fill(i), QPen(style.member_colour(i), mm(0.35))
        items.append(Swatch(member, _box_symbol(fill, pen), name="legenda"))
    if report.outlines is not None and not report.outlines.empty:
        pen = QPen(QColor("#424242"), mm(0.35), style.outline_pattern)
        items.append(
            Swatch("grens van een gemeente (kleur van het lid)", _box_symbol(None, pen), name="legenda")
        )
    if _claim_geoms(report):
        red = style.double_claim
        items.append(
            Swatch(
                "dubbele claim: kavel door twee gemeenten gereserveerd (nummer = regel in de tabel)",
                _box_symbol(None, QPen(red, mm(0.5)), red),
                name="legenda",
            )
        )
    return items


def _side_items(report: RegionReport, style: RegionStyle) -> list[Item]:
    items: list[Item] = [_heading("Stand van de regio", "samenvatting")]
    items += [Paragraph(line, TextStyle(7), name="samenvatting") for line in report.summary]
    items += _legend_items(report, style)
    items.append(_heading("Leden: laatste wijziging en rapportage", "leden"))
    items += [Paragraph(line, TextStyle(6.5), name="leden", after=mm(0.4)) for line in report.member_lines]
    items.append(Paragraph(report.disclaimer or DISCLAIMER, _DISCLAIMER, name="disclaimer", before=mm(1)))
    return items


def _aligns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Numbers right, words left: a column is numeric when every filled cell is a number."""
    out = []
    for i in range(len(header)):
        cells = [str(r[i]).strip() for r in rows if i < len(r)]
        numeric = bool(cells) and all(_NUMERIC.match(c) for c in cells) and any(c for c in cells)
        out.append("right" if numeric else "left")
    return out


def _shares(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
    """Column widths in proportion to what they hold: the widest cell, or the header's widest
    word (a header may wrap between words, never inside one)."""
    bold, body = TextStyle(7, bold=True), TextStyle(7)
    out = []
    for i, head in enumerate(header):
        need = max((text_width(w, bold) for w in str(head).split()), default=0.0)
        for r in rows:
            if i < len(r):
                need = max(need, text_width(str(r[i]), body))
        out.append(need + mm(4))
    return out


def _table_items(
    title: str, header: Sequence[str], rows: Sequence[Sequence[str]], name: str, empty: str
) -> list[Item]:
    items: list[Item] = [_heading(title, name)]
    if not rows:
        items.append(Paragraph(empty, TextStyle(7), name=name))
        return items
    aligns = _aligns(header, rows)
    shares = _shares(header, rows)
    head = TableRow(
        list(header),
        shares,
        aligns,
        is_header=True,
        name=f"{name} kop",
        keep_with_next=True,
        style=TextStyle(7),
    )
    items.append(head)
    for i, row in enumerate(rows):
        items.append(
            TableRow(
                [str(c) for c in row],
                shares,
                aligns,
                zebra=bool(i % 2),
                name=f"{name} regel {i + 1}",
                header=head,
                style=TextStyle(7),
            )
        )
    return items


def _tables(report: RegionReport) -> list[Item]:
    items = _table_items(
        "Regionale opgave, reserveringen en gat per categorie en periode",
        report.table_header,
        report.table_rows,
        "regio",
        "De regio heeft nog geen opgave en de leden hebben nog niets gereserveerd.",
    )
    items += _table_items(
        "Aandeel per gemeente: eigen opgave, gereserveerd, gerealiseerd en gat",
        report.share_header,
        report.share_rows,
        "aandelen",
        "Geen leden met een opgave of reserveringen.",
    )
    items.append(_heading("Dubbele claims: kavels die twee gemeenten reserveren", "dubbele claims"))
    if report.claim_lines:
        items += [
            Paragraph(f"{nr}. {line}", TextStyle(7), name="dubbele claims", after=mm(0.5))
            for nr, line in enumerate(report.claim_lines, start=1)
        ]
        items.append(
            Paragraph(
                "Elke dubbele claim op een detailkaart: zie de volgende bladen.",
                _SMALL,
                name="dubbele claims",
            )
        )
    else:
        items.append(Paragraph("Geen dubbele claims gevonden.", TextStyle(7), name="dubbele claims"))
    if report.notes:
        items.append(_heading("Toelichting", "toelichting"))
        items += [Paragraph(line, _SMALL, name="toelichting", after=mm(0.4)) for line in report.notes]
    return items


def region_document(
    report: RegionReport, *, page: str = "A4", landscape: bool = True, style: RegionStyle | None = None
) -> Document:
    """The laid-out regional PDF: the map page (map, legend, sources, disclaimer), then the tables."""
    page_size(page, landscape)  # a clear Dutch error for an unknown paper size, before any work
    ensure_gui_app()
    style = style or region_style()
    doc = Document(report.title, page.strip().upper(), landscape)
    first = doc.new_page()
    top = _header(first, report.title, report.subtitle)
    body = QRectF(_MARGIN, top + mm(4), first.width - 2 * _MARGIN, first.height - _MARGIN - top - mm(4))
    gap = mm(6)
    side_w = body.width() * (0.3 if landscape else 1.0)
    if landscape:
        map_rect = QRectF(body.left(), body.top(), body.width() - side_w - gap, body.height())
        side = QRectF(map_rect.right() + gap, body.top(), side_w, body.height())
    else:
        map_rect = QRectF(body.left(), body.top(), body.width(), body.height() * 0.62)
        side = QRectF(
            body.left(), map_rect.bottom() + gap, body.width(), body.bottom() - map_rect.bottom() - gap
        )
    _place_map(first, map_rect, report, style)

    def more() -> tuple[Page, list[QRectF]]:
        nxt = doc.new_page()
        t = _header(nxt, f"{report.title} (vervolg)", report.subtitle)
        rect = QRectF(_MARGIN, t + mm(3), nxt.width - 2 * _MARGIN, nxt.height - _MARGIN - t - mm(3))
        return nxt, [rect]

    Flow(first, [side], more=more).run(_side_items(report, style))
    _flow_pages(
        doc, f"{report.title}: opgave, aandelen en dubbele claims", report.subtitle, _tables(report), 1
    )
    details = _claim_details(report, style)
    if details:
        _flow_pages(doc, f"{report.title}: dubbele claims in detail", report.subtitle, details, 3)
    doc.add_footers(DISCLAIMER, _MARGIN)
    return doc


def _claim_details(report: RegionReport, style: RegionStyle) -> list[Item]:
    """Per double claim: its line (numbered as on the map) above a detail map of it."""
    claims = report.double_claims
    if claims is None or claims.empty:
        return []
    items: list[Item] = []
    for i, line in enumerate(report.claim_lines[: len(claims)]):
        items.append(
            Paragraph(
                f"{i + 1}. {line}", TextStyle(7), name=f"detail {i + 1}", before=mm(1), keep_with_next=True
            )
        )
        items.append(_ClaimDetail(report, style, i))
    return items


def write_region_pdf(
    view: RegionView, out: str | Path, *, page: str = "A4", progress: Progress | None = None
) -> Path:
    """The regional PDF of ``view`` (from :func:`projects.region.region_view`), written whole or not at all.

    Headless: makes its own offscreen Qt application when there is none (the CLI's
    ``bodnaarplot region export --out x.pdf``).
    """
    page_size(page, True)
    ensure_gui_app()
    out = _check_out(out)
    if progress is not None:
        progress(0.1, "Regio-overzicht opmaken")
    doc = region_document(region_report(view), page=page)
    if progress is not None:
        progress(0.7, "PDF schrijven")
    doc.write_pdf(out)
    if progress is not None:
        progress(1.0, "Klaar")
    return out
