"""Workshops "boven de kaart": sessions, decisions, comments and votes, the minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from projects.errors import InputsError
from projects.models import (
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


def workshop_minutes(store: ProjectStore, workshop_id: int) -> str:
    """The minutes of a workshop as Markdown: participants, decisions, comments, reservations."""
    with store.session() as session:
        workshop = session.get(Workshop, int(workshop_id))
        if workshop is None:
            raise InputsError(
                f"Werksessie {workshop_id} bestaat niet.", hint="Kies een bestaande werksessie."
            )
        project = project_row(session)
        title, date = workshop.title, workshop.date
        participants = [str(p) for p in (workshop.participants or [])]
        decisions = [dict(d) for d in (workshop.decisions or [])]
        reservations = list(
            session.scalars(
                select(Reservation).where(Reservation.workshop_id == workshop.id).order_by(Reservation.fid)
            )
        )
        res_lines = [
            f"- {r.plot_id}: {r.category}, {r.capacity_min}–{r.capacity_max} woningen, {r.status}"
            + (f", {r.year_start}–{r.year_end}" if r.year_start else "")
            + (f"; partners: {r.partners_text}" if r.partners_text else "")
            + ("" if r.active else " (ingetrokken)")
            for r in reservations
        ]
    comments = list_comments(store, workshop_id=workshop_id)
    lines = [
        f"# Verslag werksessie {date.strftime('%d-%m-%Y')}",
        "",
        f"**{title}** — project {project.name}"
        + (f" (gemeente {project.gemeente_naam})" if project.gemeente_naam else ""),
        "",
        "## Deelnemers",
        "",
        *([f"- {p}" for p in participants] or ["- (niet vastgelegd)"]),
        "",
        "## Besluiten",
        "",
    ]
    for d in decisions:
        when = str(d.get("time") or "")
        clock = when[11:16] if len(when) >= 16 else when
        about = f" (kavel {d['plot_id']})" if d.get("plot_id") else ""
        lines.append(f"- {clock} {d.get('text', '')}{about}".replace("-  ", "- "))
    if not decisions:
        lines.append("- (geen besluiten vastgelegd)")
    lines += ["", "## Opmerkingen en stemmen", ""]
    for c in comments:
        vote = _VOTE_TEXT.get(c.vote, "")
        parts = [p for p in (f"[{vote}]" if vote else "", c.text) if p]
        lines.append(f"- Kavel {c.plot_id} — {c.author}: {' '.join(parts)}")
    if not comments:
        lines.append("- (geen opmerkingen)")
    lines += ["", "## Reserveringen in deze sessie", ""]
    lines += res_lines or ["- (geen reserveringen)"]
    return "\n".join(lines) + "\n"
