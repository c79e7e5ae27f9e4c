"""The minutes of a workshop as a PDF document (and the one place that saves minutes to a file).

The content is :func:`projects.workshops.minutes_report`, the same as the Markdown; this module
lays it out with :mod:`app.export.layout` (A4 portrait, text wrapped, tables with repeated
headers, pages as needed) and paints it like the map.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF

from app.export.layout import MUTED_COLOUR, Document, Flow, Item, Page, Paragraph, TableRow, TextStyle, mm
from app.headless import ensure_gui_app
from projects.errors import InputsError, ProjectError
from projects.files import atomic_output
from projects.store import ProjectStore
from projects.workshops import BodMoment, MinutesReport, minutes_markdown, minutes_report

__all__ = ["MINUTES_FORMATS", "minutes_document", "save_minutes", "write_minutes_pdf"]

MINUTES_FORMATS = (".pdf", ".md", ".txt")
_MARGIN = mm(18)
_BODY = TextStyle(9)
_SMALL = TextStyle(8, italic=True, colour=MUTED_COLOUR)
_HEAD = TextStyle(11, bold=True)
_VOTE = {1: "voor", 0: "", -1: "tegen"}


def _heading(text: str) -> Paragraph:
    return Paragraph(text, _HEAD, name=text, kind="heading", before=mm(4), after=mm(1.5), keep_with_next=True)


def _para(text: str, name: str, style: TextStyle = _BODY) -> Paragraph:
    return Paragraph(text, style, name=name, after=mm(1.2))


def _bod(moment: BodMoment) -> list[Item]:
    items: list[Item] = [_heading(f"Stand van het bod {moment.label}")]
    basis = moment.basis[0].upper() + moment.basis[1:]
    items.append(_para(f"{basis}; berekend uit het wijzigingslogboek van het project.", "bod", _SMALL))
    items += [_para(f"• {line}", "bod") for line in moment.lines] or [
        _para("(geen opgave en geen reserveringen)", "bod")
    ]
    return items


def _items(r: MinutesReport) -> list[Item]:
    items: list[Item] = [_heading("Deelnemers")]
    items += [_para(f"• {p}", "deelnemers") for p in r.participants] or [
        _para("(niet vastgelegd)", "deelnemers")
    ]
    items += _bod(r.start)
    items.append(_heading("Besluiten"))
    for i, d in enumerate(r.decisions, start=1):
        when = f"{d.time} — " if d.time else ""
        about = f" — kavel {d.plot}" if d.plot else ""
        items.append(_para(f"{i}. {when}{d.text}{about}", "besluit"))
    if not r.decisions:
        items.append(_para("(geen besluiten vastgelegd)", "besluit"))
    items.append(_heading("Stemmen per kavel"))
    if r.tallies:
        shares = [3.2, 0.7, 0.7, *([1.2] * len(r.authors))]
        aligns = ["left", "center", "center", *(["left"] * len(r.authors))]
        header = TableRow(
            ["kavel", "voor", "tegen", *r.authors],
            shares,
            aligns,
            style=TextStyle(8),
            is_header=True,
            name="stemmen kop",
            keep_with_next=True,
        )
        items.append(header)
        for i, t in enumerate(r.tallies):
            cells = [_VOTE.get(t.by_author.get(a, 0), "") or "–" for a in r.authors]
            items.append(
                TableRow(
                    [t.plot, str(t.voor), str(t.tegen), *cells],
                    shares,
                    aligns,
                    style=TextStyle(8),
                    zebra=bool(i % 2),
                    name="stemmen",
                    header=header,
                )
            )
        items.append(_para("Per deelnemer telt de laatste stem op een kavel.", "stemmen", _SMALL))
    else:
        items.append(_para("(geen stemmen uitgebracht)", "stemmen"))
    items.append(_heading("Opmerkingen"))
    for c in r.comments:
        vote = _VOTE.get(c.vote, "")
        said = f" ({vote})" if vote else ""
        items.append(_para(f"• {c.plot} — {c.author}{said}: {c.text or '(alleen een stem)'}", "opmerking"))
    if not r.comments:
        items.append(_para("(geen opmerkingen)", "opmerking"))
    items.append(_heading("Reserveringen in deze sessie"))
    items += [_para(f"• {line}", "reservering") for line in r.reservations] or [
        _para("(geen reserveringen)", "reservering")
    ]
    items += _bod(r.close)
    if r.changed_after_close:
        items.append(
            _para(
                f"Na de afsluiting zijn nog {r.changed_after_close} reservering(en) of opgaveregel(s) gewijzigd; "
                "de huidige stand staat in het grootboek van het project.",
                "bod",
                _SMALL,
            )
        )
    return items


def minutes_document(report: MinutesReport) -> Document:
    """The minutes laid out on A4 portrait pages (nothing cut off; as many pages as needed)."""
    ensure_gui_app()
    doc = Document(report.title, "A4", False)

    def new() -> tuple[Page, list[QRectF]]:
        page = doc.new_page()
        width = page.width - 2 * _MARGIN
        y = _MARGIN
        if page.index == 0:
            title = page.text(
                report.title, TextStyle(16, bold=True), _MARGIN, y, width, kind="title", name="titel"
            )
            sub = page.text(
                report.header,
                TextStyle(10, colour=MUTED_COLOUR),
                _MARGIN,
                title.y + title.h + mm(1.5),
                width,
                kind="subtitle",
                name="ondertitel",
            )
            y = sub.y + sub.h + mm(3)
        return page, [QRectF(_MARGIN, y, width, page.height - _MARGIN - y)]

    page, columns = new()
    Flow(page, columns, more=new).run(_items(report))
    doc.add_footers(f"{report.title} · {report.session}", _MARGIN)
    return doc


def write_minutes_pdf(store: ProjectStore, workshop_id: int, out: str | Path) -> Path:
    """The minutes of a workshop as a PDF (written whole or not at all)."""
    path = _target(out)
    minutes_document(minutes_report(store, workshop_id)).write_pdf(path)
    return path


def _target(out: str | Path) -> Path:
    path = Path(out)
    if not path.parent.is_dir():
        raise ProjectError(
            f"De map '{path.parent}' bestaat niet.", hint="Kies een bestaande map voor het verslag."
        )
    return path


def save_minutes(store: ProjectStore, workshop_id: int, out: str | Path) -> Path:
    """Save the minutes by file type: ``.pdf`` as a document, ``.md``/``.txt`` as Markdown."""
    path = _target(out)
    suffix = path.suffix.lower()
    if suffix not in MINUTES_FORMATS:
        raise InputsError(
            f"Een verslag kan niet als '{suffix or path.name}' worden opgeslagen.",
            hint="Kies een bestandsnaam op .pdf (document) of .md (Markdown).",
        )
    if suffix == ".pdf":
        return write_minutes_pdf(store, workshop_id, path)
    text = minutes_markdown(minutes_report(store, workshop_id))
    with atomic_output(path, create_dirs=False) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
