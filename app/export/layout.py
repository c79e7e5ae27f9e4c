"""The layout engine of the printed documents: measure, wrap, place and record every block.

Nothing is cut off: a text block is measured with the fonts it will be painted with, broken
into lines that fit its width (long words are broken, never elided), and placed in a column;
a block that does not fit moves to the next column or page (:class:`Flow`). The result is a
:class:`Document`: pages of paint operations plus the record of every placed block (page,
rectangle, full text, lines). The same document is painted into the PDF and into the export
dialog's preview images, so the preview is exactly what will be written, and the tests check
the record (every text block inside its page or map frame, no two blocks overlapping, the
disclaimer's lines adding up to the whole sentence).

Units are device pixels at :data:`DPI` (300 dpi); :func:`mm` converts from millimetres. Text
is measured on a 300-dpi image, whose font metrics equal the PDF writer's (checked in a test).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from app.headless import ensure_gui_app
from projects.errors import InputsError, ProjectError
from projects.files import atomic_output

__all__ = [
    "DPI",
    "Block",
    "Document",
    "Flow",
    "Item",
    "Page",
    "Paragraph",
    "Swatch",
    "TableRow",
    "TextStyle",
    "line_height",
    "mm",
    "page_size",
    "text_width",
    "wrap",
]

DPI = 300
FONT_FAMILIES = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"]
TEXT_COLOUR = "#1A1A1A"
MUTED_COLOUR = "#555555"
RULE_COLOUR = "#9E9E9E"
_EPS = 0.5  # device units (1/600 inch): touching is not overlapping


def mm(value: float) -> float:
    """Millimetres on paper to device units (300 dpi)."""
    return value * DPI / 25.4


def page_size(page: str, landscape: bool) -> tuple[QPageSize, QSizeF]:
    """The Qt page size of "A4"/"A3" and its (width, height) in device units for the orientation."""
    key = page.strip().upper()
    sizes = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3}
    if key not in sizes:
        raise InputsError(f"Onbekend papierformaat '{page}'.", hint="Kies A4 of A3.")
    size = QPageSize(sizes[key])
    points = size.sizePoints()  # portrait, 1/72 inch
    w, h = points.width() * DPI / 72.0, points.height() * DPI / 72.0
    return size, (QSizeF(h, w) if landscape else QSizeF(w, h))


# --- text ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextStyle:
    """Font and colour of a text block."""

    pt: float = 7.0
    bold: bool = False
    italic: bool = False
    colour: str = TEXT_COLOUR

    def font(self) -> QFont:
        return _font(self.pt, self.bold, self.italic)

    @property
    def qcolour(self) -> QColor:
        return QColor(self.colour)


@lru_cache(maxsize=64)
def _font(pt: float, bold: bool, italic: bool) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(pt)
    font.setBold(bold)
    font.setItalic(italic)
    return font


_MEASURE: list[QImage] = []
# Layouts run in workers (the export, the dialog's preview) as well as on the GUI thread.
_LOCK = threading.Lock()


def _measure_device() -> QImage:
    """A 300-dpi image: font metrics on it equal those on the 300-dpi PDF writer."""
    with _LOCK:
        if not _MEASURE:
            ensure_gui_app()
            image = QImage(4, 4, QImage.Format.Format_ARGB32)
            dpm = round(DPI / 0.0254)
            image.setDotsPerMeterX(dpm)
            image.setDotsPerMeterY(dpm)
            _MEASURE.append(image)
        return _MEASURE[0]


_METRICS: dict[tuple[float, bool, bool], QFontMetricsF] = {}


def _metrics(style_key: tuple[float, bool, bool]) -> QFontMetricsF:
    device = _measure_device()
    with _LOCK:
        fm = _METRICS.get(style_key)
        if fm is None:
            fm = _METRICS[style_key] = QFontMetricsF(_font(*style_key), device)
        return fm


def _fm(style: TextStyle) -> QFontMetricsF:
    return _metrics((style.pt, style.bold, style.italic))


def text_width(text: str, style: TextStyle) -> float:
    return _fm(style).horizontalAdvance(text)


def line_height(style: TextStyle) -> float:
    return _fm(style).lineSpacing()


def wrap(text: str, style: TextStyle, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (at spaces; a too long word by letters).

    Explicit newlines are kept. Joining the lines with spaces (or nothing, inside a broken word)
    gives the text back: nothing is dropped or elided.
    """
    fm = _fm(style)
    width = max(width, fm.horizontalAdvance("MM"))
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if fm.horizontalAdvance(candidate) <= width:
                line = candidate
                continue
            if line:
                out.append(line)
            while fm.horizontalAdvance(word) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and fm.horizontalAdvance(word[:cut]) > width:
                    cut -= 1
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    return out


# --- what the engine records --------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A placed block as the layout engine recorded it (device units, top-left origin).

    ``container`` is "" for blocks on the page and "map" (or "inset") for things drawn inside a
    map frame (labels, scale bar, north arrow): those must lie inside their frame and clear of
    each other, not clear of the frame itself.
    """

    page: int
    kind: str
    name: str
    x: float
    y: float
    w: float
    h: float
    text: str = ""
    lines: tuple[str, ...] = ()
    container: str = ""

    @property
    def rect(self) -> QRectF:
        return QRectF(self.x, self.y, self.w, self.h)

    @property
    def is_text(self) -> bool:
        return bool(self.text)

    def overlaps(self, other: Block) -> bool:
        return (
            self.page == other.page
            and self.x + _EPS < other.x + other.w
            and other.x + _EPS < self.x + self.w
            and self.y + _EPS < other.y + other.h
            and other.y + _EPS < self.y + self.h
        )

    def inside(self, x: float, y: float, w: float, h: float) -> bool:
        return (
            self.x >= x - _EPS
            and self.y >= y - _EPS
            and self.x + self.w <= x + w + _EPS
            and self.y + self.h <= y + h + _EPS
        )


Op = Callable[[QPainter], None]


@dataclass
class Page:
    """One sheet: paint operations in order, and the blocks placed on it."""

    index: int
    width: float
    height: float
    ops: list[Op] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    @property
    def rect(self) -> QRectF:
        return QRectF(0, 0, self.width, self.height)

    def add(self, op: Op) -> None:
        self.ops.append(op)

    def record(
        self,
        kind: str,
        name: str,
        rect: QRectF,
        text: str = "",
        lines: Sequence[str] = (),
        container: str = "",
    ) -> Block:
        block = Block(
            self.index,
            kind,
            name,
            rect.x(),
            rect.y(),
            rect.width(),
            rect.height(),
            text,
            tuple(lines),
            container,
        )
        self.blocks.append(block)
        return block

    def text(
        self,
        text: str,
        style: TextStyle,
        x: float,
        y: float,
        width: float,
        *,
        kind: str = "text",
        name: str = "",
        align: str = "left",
        container: str = "",
        lines: Sequence[str] | None = None,
    ) -> Block:
        """Wrap ``text`` to ``width``, paint it from (x, y) down, record it; returns the block."""
        lines = list(lines) if lines is not None else wrap(text, style, width)
        lh = line_height(style)
        rect = QRectF(x, y, width, lh * len(lines))
        self.add(_text_op(lines, style, rect, align))
        return self.record(kind, name or kind, rect, text, lines, container)

    def paint(self, painter: QPainter) -> None:
        for op in self.ops:
            painter.save()
            op(painter)
            painter.restore()


def _text_op(lines: Sequence[str], style: TextStyle, rect: QRectF, align: str) -> Op:
    lines = list(lines)

    def paint(p: QPainter) -> None:
        p.setFont(style.font())
        p.setPen(style.qcolour)
        fm = _fm(style)
        lh = fm.lineSpacing()
        for i, line in enumerate(lines):
            x = rect.left()
            if align == "right":
                x = rect.right() - fm.horizontalAdvance(line)
            elif align == "center":
                x = rect.left() + (rect.width() - fm.horizontalAdvance(line)) / 2
            p.drawText(QPointF(x, rect.top() + i * lh + fm.ascent()), line)

    return paint


@dataclass
class Document:
    """Pages of one PDF (all of one paper size and orientation) and the record of their blocks."""

    title: str
    paper: str
    landscape: bool
    pages: list[Page] = field(default_factory=list)

    @property
    def size(self) -> QSizeF:
        return page_size(self.paper, self.landscape)[1]

    def new_page(self) -> Page:
        size = self.size
        page = Page(len(self.pages), size.width(), size.height())
        self.pages.append(page)
        return page

    @property
    def blocks(self) -> list[Block]:
        return [b for page in self.pages for b in page.blocks]

    def add_footers(self, text: str, margin: float) -> None:
        """ "<text> · blad n van N" in the bottom margin of every page (after the layout is done)."""
        style = TextStyle(6.5, italic=True, colour=MUTED_COLOUR)
        n = len(self.pages)
        for page in self.pages:
            words = f"{text} · blad {page.index + 1} van {n}" if text else f"blad {page.index + 1} van {n}"
            page.text(
                words, style, margin, page.height - margin + mm(2), page.width - 2 * margin, kind="footer"
            )

    def write_pdf(self, out: Path) -> Path:
        """Paint every page into a vector PDF, written whole or not at all (:func:`atomic_output`)."""
        qsize, _ = page_size(self.paper, self.landscape)
        ensure_gui_app()
        with atomic_output(out, create_dirs=False) as tmp:
            writer = QPdfWriter(str(tmp))
            writer.setResolution(DPI)
            writer.setTitle(self.title)
            writer.setCreator("Van Bod naar Plot")
            orientation = (
                QPageLayout.Orientation.Landscape if self.landscape else QPageLayout.Orientation.Portrait
            )
            writer.setPageLayout(QPageLayout(qsize, orientation, QMarginsF(0, 0, 0, 0)))
            painter = QPainter()
            if not painter.begin(writer):
                raise ProjectError(
                    f"Kan het PDF-bestand '{out}' niet schrijven.",
                    hint="Controleer of u schrijfrechten hebt in die map en of het bestand niet open staat.",
                )
            try:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                for i, page in enumerate(self.pages):
                    if i:
                        writer.newPage()
                    page.paint(painter)
            finally:
                painter.end()
                del painter, writer
        return out

    def render(self, index: int, width_px: int) -> QImage:
        """Page ``index`` as an image ``width_px`` wide, painted with the PDF's own operations.

        The image claims 300 dpi, so fonts get the PDF's pixel sizes, and the painter scales
        the whole page down: the preview is the PDF, smaller.
        """
        ensure_gui_app()
        page = self.pages[index]
        scale = width_px / page.width
        image = QImage(width_px, max(1, round(page.height * scale)), QImage.Format.Format_ARGB32)
        dpm = round(DPI / 0.0254)
        image.setDotsPerMeterX(dpm)
        image.setDotsPerMeterY(dpm)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            painter.scale(scale, scale)
            page.paint(painter)
        finally:
            painter.end()
        return image


# --- flowing blocks into columns -----------------------------------------------------------------


class Item(Protocol):
    """A block that can be flowed into a column: measured at a width, then placed."""

    keep_with_next: bool

    def height(self, width: float) -> float: ...

    def place(self, page: Page, x: float, y: float, width: float) -> None: ...


@dataclass
class Paragraph:
    """A wrapped text block with space before and after; never cut, moved whole if it must."""

    text: str
    style: TextStyle = field(default_factory=TextStyle)
    name: str = "text"
    kind: str = "text"
    before: float = 0.0
    after: float = field(default_factory=lambda: mm(0.6))
    keep_with_next: bool = False
    align: str = "left"

    def height(self, width: float) -> float:
        return self.before + line_height(self.style) * len(wrap(self.text, self.style, width)) + self.after

    def place(self, page: Page, x: float, y: float, width: float) -> None:
        page.text(
            self.text, self.style, x, y + self.before, width, kind=self.kind, name=self.name, align=self.align
        )

    def split(self, width: float, room: float) -> tuple[Paragraph, Paragraph] | None:
        """The lines that fit in ``room`` and the rest (a paragraph taller than a whole column)."""
        lines = wrap(self.text, self.style, width)
        fit = int((room - self.before) // line_height(self.style))
        if fit < 1 or fit >= len(lines):
            return None
        head, tail = " ".join(lines[:fit]), " ".join(lines[fit:])
        return (
            Paragraph(head, self.style, self.name, self.kind, self.before, 0.0, False, self.align),
            Paragraph(
                tail,
                self.style,
                self.name + " (vervolg)",
                self.kind,
                0.0,
                self.after,
                self.keep_with_next,
                self.align,
            ),
        )


@dataclass
class Swatch:
    """A legend line: a symbol (painted by ``draw`` into its box) and a wrapped label."""

    label: str
    draw: Callable[[QPainter, QRectF], None]
    name: str = "legend"
    style: TextStyle = field(default_factory=TextStyle)
    symbol_w: float = field(default_factory=lambda: mm(4.8))
    symbol_h: float = field(default_factory=lambda: mm(3.2))
    after: float = field(default_factory=lambda: mm(0.9))
    keep_with_next: bool = False

    def _text_width(self, width: float) -> float:
        return width - self.symbol_w - mm(2)

    def height(self, width: float) -> float:
        text_h = line_height(self.style) * len(wrap(self.label, self.style, self._text_width(width)))
        return max(self.symbol_h, text_h) + self.after

    def place(self, page: Page, x: float, y: float, width: float) -> None:
        box = QRectF(x, y + mm(0.2), self.symbol_w, self.symbol_h)
        draw = self.draw
        page.add(lambda p: draw(p, box))
        tw = self._text_width(width)
        lines = wrap(self.label, self.style, tw)
        text_h = line_height(self.style) * len(lines)
        ty = y + max(0.0, (self.symbol_h - text_h) / 2) + mm(0.2)
        page.add(_text_op(lines, self.style, QRectF(x + self.symbol_w + mm(2), ty, tw, text_h), "left"))
        h = max(self.symbol_h + mm(0.2), ty - y + text_h)
        page.record("legend", self.name, QRectF(x, y, width, h), self.label, lines)


@dataclass
class TableRow:
    """A table row whose cells wrap (never elided); the row grows to its tallest cell.

    ``header`` (the table's header row) is repeated at the top of every column/page the table
    continues on.
    """

    cells: Sequence[str]
    shares: Sequence[float]
    aligns: Sequence[str] = ()
    style: TextStyle = field(default_factory=lambda: TextStyle(6.5))
    is_header: bool = False
    zebra: bool = False
    name: str = "table"
    colours: Sequence[str | None] = ()
    header: TableRow | None = None
    keep_with_next: bool = False

    def _widths(self, width: float) -> list[float]:
        total = sum(self.shares)
        return [s / total * width for s in self.shares]

    def _lines(self, width: float) -> list[list[str]]:
        style = (
            TextStyle(self.style.pt, True, self.style.italic, self.style.colour)
            if self.is_header
            else self.style
        )
        return [wrap(c, style, w - mm(1.6)) for c, w in zip(self.cells, self._widths(width), strict=True)]

    def height(self, width: float) -> float:
        style = self._style
        return max(len(x) for x in self._lines(width)) * line_height(style) + mm(1.6)

    @property
    def _style(self) -> TextStyle:
        return (
            TextStyle(self.style.pt, True, self.style.italic, self.style.colour)
            if self.is_header
            else self.style
        )

    def place(self, page: Page, x: float, y: float, width: float) -> None:
        h = self.height(width)
        style = self._style
        lines = self._lines(width)
        widths = self._widths(width)
        background = "#E8E8E8" if self.is_header else ("#F6F6F6" if self.zebra else None)
        row = QRectF(x, y, width, h)
        if background:
            fill = QColor(background)
            page.add(lambda p: p.fillRect(row, fill))
        cx = x
        aligns = list(self.aligns) or ["left"] * len(self.cells)
        colours = list(self.colours) or [None] * len(self.cells)
        for cell_lines, w, align, colour in zip(lines, widths, aligns, colours, strict=True):
            cell_style = TextStyle(style.pt, style.bold, style.italic, colour or style.colour)
            rect = QRectF(cx + mm(0.8), y + mm(0.8), w - mm(1.6), line_height(style) * len(cell_lines))
            page.add(_text_op(cell_lines, cell_style, rect, align))
            cx += w
        rule = QColor(RULE_COLOUR)
        page.add(lambda p: _rule(p, QPointF(x, y + h), QPointF(x + width, y + h), rule))
        page.record(
            "table",
            self.name,
            row,
            " | ".join(self.cells),
            [" ".join(c) for c in lines],
        )


def _rule(p: QPainter, a: QPointF, b: QPointF, colour: QColor, width_mm: float = 0.1) -> None:
    p.setPen(QPen(colour, mm(width_mm)))
    p.drawLine(a, b)


class Flow:
    """Places items top-down in a list of columns; on to the next column, then to a new page.

    Without ``more`` (a fixed page, such as the map page) the items that do not fit are
    returned by :meth:`run` (the caller tries another layout or moves them to the annex).
    """

    def __init__(
        self,
        page: Page,
        columns: Sequence[QRectF],
        more: Callable[[], tuple[Page, Sequence[QRectF]]] | None = None,
    ) -> None:
        self.page = page
        self.columns = list(columns)
        self.more = more
        self.col = 0
        self.y = self.columns[0].top() if self.columns else 0.0

    @property
    def _rect(self) -> QRectF:
        return self.columns[self.col]

    def _next_column(self) -> bool:
        if self.col + 1 < len(self.columns):
            self.col += 1
        elif self.more is not None:
            self.page, columns = self.more()
            self.columns = list(columns)
            self.col = 0
        else:
            return False
        self.y = self._rect.top()
        return True

    def run(self, items: Iterable[Item]) -> list[Item]:
        """Place ``items``; returns those that did not fit (only without ``more``)."""
        queue = list(items)
        last: Item | None = None
        i = 0
        while i < len(queue):
            if not self.columns:
                return queue[i:]
            item = queue[i]
            rect = self._rect
            h = item.height(rect.width())
            need = h
            if item.keep_with_next and i + 1 < len(queue):
                need += queue[i + 1].height(rect.width())
            at_top = self.y <= rect.top() + _EPS
            if self.y + need > rect.bottom() + _EPS and not at_top:
                if not self._next_column():
                    return queue[i:]
                header = item.header if isinstance(item, TableRow) else None
                if header is not None and isinstance(last, TableRow) and last.header is header:
                    queue.insert(i, header)  # the table goes on in the next column: its header too
                continue
            if self.y + h > rect.bottom() + _EPS:  # taller than a whole column
                split = (
                    item.split(rect.width(), rect.bottom() - self.y) if isinstance(item, Paragraph) else None
                )
                if split is None:
                    if self.more is None:
                        return queue[i:]
                    # A single block taller than a page column: placed, and said so in the record.
                else:
                    queue[i : i + 1] = list(split)
                    continue
            item.place(self.page, rect.left(), self.y, rect.width())
            self.y += h
            last = item
            i += 1
        return []
