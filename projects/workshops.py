"""Workshops "boven de kaart": sessions, decisions, comments and votes, the minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from projects.errors import InputsError
from projects.models import (
    AuditEntry,
    Plot,
    PlotComment,
    Reservation,
    Workshop,
)
from projects.records import detach, parse_date, plot_row, project_row

if TYPE_CHECKING:
    from projects.store import ProjectStore


def new_workshop(
    store: ProjectStore, title: str, date: str | dt.date | None = None, participants: Sequence[str] = ()
) -> Workshop:
    """Start a workshop "boven de kaart": when and who (decisions are logged during it)."""
    if not title.strip():
        raise InputsError(
            "Een werksessie heeft een titel nodig.", hint="Bijv. --title 'Woonzorgtafel maart'."
        )
    when = parse_date(date)
    people = [p.strip() for p in participants if p.strip()]
    with store.session() as session:
        workshop = Workshop(date=when, title=title.strip(), participants=people, decisions=[])
        session.add(workshop)
        return detach(session, workshop)


def log_decision(store: ProjectStore, workshop_id: int, text: str, plot_id: str | None = None) -> Workshop:
    """Add a decision to a workshop's minutes (with the time and the plot it is about)."""
    if not text.strip():
        raise InputsError("Een besluit heeft een tekst nodig.", hint="Beschrijf wat er besloten is.")
    with store.session() as session:
        workshop: Workshop | None = session.get(Workshop, int(workshop_id))
        if workshop is None:
            raise InputsError(
                f"Werksessie {workshop_id} bestaat niet.", hint="Maak hem aan met 'project workshop'."
            )
        if plot_id is not None:
            plot_row(session, plot_id)
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "text": text.strip(),
            "plot_id": plot_id,
        }
        workshop.decisions = [*(workshop.decisions or []), entry]  # a new list, so the change is seen
        return detach(session, workshop)


def add_comment(
    store: ProjectStore,
    plot_id: str,
    author: str,
    text: str = "",
    vote: int = 0,
    workshop_id: int | None = None,
) -> PlotComment:
    """Pin a comment and/or a vote (+1, 0, -1) to a plot."""
    if vote not in (-1, 0, 1):
        raise InputsError(f"Een stem is +1, 0 of -1, niet {vote}.", hint="Stem voor, tegen of neutraal.")
    if not author.strip():
        raise InputsError("Een opmerking heeft een auteur nodig.", hint="Vul in wie de opmerking maakt.")
    if not text.strip() and vote == 0:
        raise InputsError("De opmerking is leeg.", hint="Schrijf een opmerking of breng een stem uit.")
    with store.session() as session:
        plot_row(session, plot_id)
        if workshop_id is not None and session.get(Workshop, int(workshop_id)) is None:
            raise InputsError(f"Werksessie {workshop_id} bestaat niet.", hint="Start eerst een werksessie.")
        comment = PlotComment(
            plot_id=plot_id,
            author=author.strip(),
            text=text.strip(),
            vote=int(vote),
            workshop_id=None if workshop_id is None else int(workshop_id),
        )
        session.add(comment)
        return detach(session, comment)


def list_comments(
    store: ProjectStore, plot_id: str | None = None, workshop_id: int | None = None
) -> list[PlotComment]:
    """Comments (oldest first), of one plot and/or one workshop; detached."""
    with store.session() as session:
        query = select(PlotComment).order_by(PlotComment.at, PlotComment.id)
        if plot_id is not None:
            query = query.where(PlotComment.plot_id == plot_id)
        if workshop_id is not None:
            query = query.where(PlotComment.workshop_id == int(workshop_id))
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


_VOTE_TEXT = {1: "+1", 0: "", -1: "−1"}
_VOTE_WORD = {1: "voor", 0: "", -1: "tegen"}


@dataclass(frozen=True)
class MinutesDecision:
    time: str  # "10:15" (local time), "" when unknown
    text: str
    plot: str  # "Naam (KAVEL-ID)" or ""


@dataclass(frozen=True)
class MinutesComment:
    plot: str
    author: str
    vote: int
    text: str


@dataclass(frozen=True)
class VoteTally:
    """The votes on one plot: the last vote of every participant counts."""

    plot: str
    by_author: dict[str, int]

    @property
    def voor(self) -> int:
        return sum(1 for v in self.by_author.values() if v > 0)

    @property
    def tegen(self) -> int:
        return sum(1 for v in self.by_author.values() if v < 0)


@dataclass(frozen=True)
class BodMoment:
    """The bod at a moment of the session, computed from the audit log (:mod:`projects.audit_state`)."""

    label: str  # "bij de start", "bij de afsluiting"
    when: dt.datetime | None
    basis: str  # how the moment was determined, in Dutch
    lines: tuple[str, ...]  # the ledger summary lines


@dataclass(frozen=True)
class MinutesReport:
    """Everything in the minutes of one workshop; Markdown and PDF both render this."""

    title: str
    session: str
    project: str
    gemeente: str
    date: dt.date
    participants: tuple[str, ...]
    start: BodMoment
    close: BodMoment
    changed_after_close: int
    decisions: tuple[MinutesDecision, ...]
    tallies: tuple[VoteTally, ...]
    authors: tuple[str, ...]
    comments: tuple[MinutesComment, ...]
    reservations: tuple[str, ...]

    @property
    def header(self) -> str:
        where = f", gemeente {self.gemeente}" if self.gemeente else ""
        return f"{self.session} — project {self.project}{where}"


def _local(when: dt.datetime) -> dt.datetime:
    aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return aware.astimezone()  # the machine's time zone: the room's clock


def _clock(when: dt.datetime | None) -> str:
    return "" if when is None else _local(when).strftime("%H:%M")


def _stamp(when: dt.datetime | None) -> str:
    return "" if when is None else _local(when).strftime("%d-%m-%Y %H:%M")


def _parse_time(text: object) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _span(lo: int | None, hi: int | None) -> str:
    """ "2028" for one year (never "2028–2028"), "2027–2029" for several; "" when unknown."""
    if lo is None and hi is None:
        return ""
    if lo is None or hi is None or lo == hi:
        return str(lo if lo is not None else hi)
    return f"{lo}–{hi}"


def _moments(
    session: Session, workshop: Workshop, events: list[dt.datetime], now: dt.datetime
) -> tuple[tuple[dt.datetime | None, str], tuple[dt.datetime, str]]:
    """When the session started and closed, and how that was determined (said in the minutes)."""
    created = session.scalars(
        select(AuditEntry.at)
        .where(AuditEntry.entity == "workshops", AuditEntry.entity_id == str(workshop.id))
        .where(AuditEntry.action == "insert")
        .order_by(AuditEntry.id)
    ).first()
    start_basis = "bij het aanmaken van de sessie in het project"
    if created is None:
        start_basis = "aan het begin van de sessiedag (het aanmaken van de sessie staat niet in het logboek)"
        created = dt.datetime.combine(workshop.date, dt.time(0, 0)).astimezone()
    later = session.scalars(
        select(AuditEntry.at)
        .where(AuditEntry.entity == "workshops", AuditEntry.action == "insert")
        .where(AuditEntry.entity_id != str(workshop.id))
        .order_by(AuditEntry.at)
    ).all()
    next_start = next((at for at in later if at > created), None)
    if next_start is None and workshop.date == _local(now).date():
        return (created, start_basis), (now, "bij het opstellen van dit verslag")
    close = max(events) if events else created
    basis = "bij het laatste besluit, de laatste stem of opmerking of de laatste reservering van de sessie"
    if next_start is not None and close > next_start:
        close, basis = next_start, "bij het begin van de volgende sessie"
    return (created, start_basis), (close, basis)


def minutes_report(store: ProjectStore, workshop_id: int, *, now: dt.datetime | None = None) -> MinutesReport:
    """The minutes of a workshop: participants, the bod at the start and the close, decisions with
    plot names, votes tallied per participant, comments, the reservations made in the session.

    The bod at the start is the ledger as it stood when the session was created; at the close,
    as it stood when the minutes are made (a session on today's date that is the latest one)
    or at the session's last decision, vote, comment or reservation. Both are rebuilt from the
    project's audit log (:func:`projects.audit_state.ledger_at`); the minutes say which moment.
    """
    from projects.audit_state import bod_changes_after, ledger_at
    from projects.ledger import ledger_summary_lines

    now = now or dt.datetime.now(dt.UTC)
    with store.session() as session:
        workshop = session.get(Workshop, int(workshop_id))
        if workshop is None:
            raise InputsError(
                f"Werksessie {workshop_id} bestaat niet.", hint="Kies een bestaande werksessie."
            )
        project = project_row(session)
        names = {p.plot_id: (p.name or "") for p in session.scalars(select(Plot))}
        decisions_raw = [dict(d) for d in (workshop.decisions or [])]
        reservations = list(
            session.scalars(
                select(Reservation).where(Reservation.workshop_id == workshop.id).order_by(Reservation.fid)
            )
        )
        res_times = session.scalars(
            select(AuditEntry.at).where(
                AuditEntry.entity == "reservations",
                AuditEntry.field == "workshop_id",
                AuditEntry.new == str(workshop.id),
            )
        ).all()
        comments = list(
            session.scalars(
                select(PlotComment)
                .where(PlotComment.workshop_id == workshop.id)
                .order_by(PlotComment.at, PlotComment.id)
            )
        )

        def plot_label(plot_id: str | None) -> str:
            if not plot_id:
                return ""
            name = names.get(plot_id, "")
            return f"{name} ({plot_id})" if name else plot_id

        events = [t for t in (_parse_time(d.get("time")) for d in decisions_raw) if t is not None]
        events += [c.at for c in comments if c.at is not None]
        events += list(res_times)
        (start_at, start_basis), (close_at, close_basis) = _moments(session, workshop, events, now)
        res_lines = tuple(
            f"{plot_label(r.plot_id)}: {r.category}, {_span(r.capacity_min, r.capacity_max)} woningen, {r.status}"
            + (f", {_span(r.year_start, r.year_end)}" if r.year_start or r.year_end else "")
            + (f"; partners: {r.partners_text}" if r.partners_text else "")
            + ("" if r.active else " (ingetrokken)")
            for r in reservations
        )
        title, date = workshop.title, workshop.date
        participants = tuple(str(p) for p in (workshop.participants or []))
        project_name, gemeente = project.name, project.gemeente_naam or ""
    decisions = tuple(
        MinutesDecision(
            time=_clock(_parse_time(d.get("time"))),
            text=str(d.get("text", "")),
            plot=plot_label(d.get("plot_id")),
        )
        for d in decisions_raw
    )
    by_plot: dict[str, dict[str, int]] = {}
    for c in comments:
        if c.vote:
            by_plot.setdefault(plot_label(c.plot_id), {})[c.author] = int(c.vote)  # the last vote counts
    authors = tuple(dict.fromkeys(c.author for c in comments if c.vote))
    start = BodMoment(
        "bij de start",
        start_at,
        f"{start_basis}, {_stamp(start_at)}" if start_at else start_basis,
        tuple(ledger_summary_lines(ledger_at(store, start_at or now))),
    )
    close = BodMoment(
        "bij de afsluiting",
        close_at,
        f"{close_basis}, {_stamp(close_at)}",
        tuple(ledger_summary_lines(ledger_at(store, close_at))),
    )
    return MinutesReport(
        title=f"Verslag werksessie {date.strftime('%d-%m-%Y')}",
        session=title,
        project=project_name,
        gemeente=gemeente,
        date=date,
        participants=participants,
        start=start,
        close=close,
        changed_after_close=bod_changes_after(store, close_at),
        decisions=decisions,
        tallies=tuple(VoteTally(plot, votes) for plot, votes in by_plot.items()),
        authors=authors,
        comments=tuple(
            MinutesComment(plot_label(c.plot_id), c.author, int(c.vote), c.text) for c in comments
        ),
        reservations=res_lines,
    )


def _md(text: str) -> str:
    """Text safe in a Markdown table cell or list item."""
    return text.replace("|", "\\|").replace("\n", " ")


def _bod_md(moment: BodMoment) -> list[str]:
    lines = [
        f"## Stand van het bod {moment.label}",
        "",
        f"_{moment.basis[0].upper()}{moment.basis[1:]}; berekend uit het wijzigingslogboek van het project._",
        "",
    ]
    lines += [f"- {_md(line)}" for line in moment.lines] or ["- (geen opgave en geen reserveringen)"]
    return [*lines, ""]


def minutes_markdown(report: MinutesReport) -> str:
    """The minutes as Markdown (the same content as the PDF)."""
    lines = [
        f"# {report.title}",
        "",
        f"**{_md(report.session)}** — project {_md(report.project)}"
        + (f" (gemeente {_md(report.gemeente)})" if report.gemeente else ""),
        "",
        "## Deelnemers",
        "",
        *([f"- {_md(p)}" for p in report.participants] or ["- (niet vastgelegd)"]),
        "",
        *_bod_md(report.start),
        "## Besluiten",
        "",
    ]
    for i, d in enumerate(report.decisions, start=1):
        about = f" — kavel {_md(d.plot)}" if d.plot else ""
        when = f"{d.time} — " if d.time else ""
        lines.append(f"{i}. {when}{_md(d.text)}{about}")
    if not report.decisions:
        lines.append("- (geen besluiten vastgelegd)")
    lines += ["", "## Stemmen per kavel", ""]
    if report.tallies:
        lines.append("| Kavel | voor | tegen | " + " | ".join(_md(a) for a in report.authors) + " |")
        lines.append("|---|---:|---:|" + "---|" * len(report.authors))
        for t in report.tallies:
            cells = [_VOTE_WORD.get(t.by_author.get(a, 0), "") or "–" for a in report.authors]
            lines.append(f"| {_md(t.plot)} | {t.voor} | {t.tegen} | " + " | ".join(cells) + " |")
        lines += ["", "_Per deelnemer telt de laatste stem op een kavel._"]
    else:
        lines.append("- (geen stemmen uitgebracht)")
    lines += ["", "## Opmerkingen", ""]
    for c in report.comments:
        vote = _VOTE_WORD.get(c.vote, "")
        said = f" ({vote})" if vote else ""
        lines.append(f"- {_md(c.plot)} — {_md(c.author)}{said}: {_md(c.text) or '(alleen een stem)'}")
    if not report.comments:
        lines.append("- (geen opmerkingen)")
    lines += ["", "## Reserveringen in deze sessie", ""]
    lines += [f"- {_md(r)}" for r in report.reservations] or ["- (geen reserveringen)"]
    lines += ["", *_bod_md(report.close)]
    if report.changed_after_close:
        lines += [
            f"_Na de afsluiting zijn nog {report.changed_after_close} reservering(en) of opgaveregel(s) "
            "gewijzigd; de huidige stand staat in het grootboek van het project._",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


def workshop_minutes(store: ProjectStore, workshop_id: int) -> str:
    """The minutes of a workshop as Markdown (:func:`minutes_report`, :func:`minutes_markdown`)."""
    return minutes_markdown(minutes_report(store, workshop_id))
