"""History: who changed what, when, old → new, read from the project's audit log.

The store writes one :class:`~projects.models.AuditEntry` per changed field of every edit (see
:mod:`projects.store`); this module only reads them back as changes a person can follow: the
fields of one edit together, in Dutch, newest first, with dates as dd-mm-jjjj. ``project
history`` and the *Historie* tab of the Locatie panel show these entries.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from projects.models import AuditEntry, PlotComment, Reservation
from projects.records import plot_row

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = ["HistoryEntry", "history", "history_json", "history_text"]

# Field labels per table; fields not named here are not shown (ids, copies, versions).
_FIELDS: dict[str, dict[str, str]] = {
    "plots": {
        "plot_id": "kavel",
        "name": "naam",
        "source": "herkomst",
        "source_id": "bron-id",
        "area_m2": "oppervlakte (m²)",
        "address": "adres",
        "kadastraal_perceel": "kadastraal perceel",
        "notes": "notities",
        "keep_buildings": "bestaande bebouwing blijft",
        "geom": "geometrie",
    },
    "reservations": {
        "category": "categorie",
        "capacity_min": "capaciteit min (opgegeven)",
        "capacity_max": "capaciteit max (opgegeven)",
        "status": "status",
        "year_start": "opleverjaar van",
        "year_end": "opleverjaar tot",
        "year_split": "verdeling over de jaren",
        "wijk": "wijk (ingevuld)",
        "segment": "segment",
        "land_owner": "grondeigenaar",
        "partners_text": "partners",
        "notes": "notities",
        "workshop_id": "werksessie",
        "active": "actief",
        "plot_id": "kavel",
    },
    "opgave": {
        "category": "categorie",
        "period_start": "van",
        "period_end": "tot",
        "wijk": "wijk",
        "target_homes": "opgave (woningen)",
        "source": "bron",
        "notes": "notities",
    },
    "partners": {"name": "naam", "type": "soort", "contact": "contact"},
    "workshops": {"date": "datum", "title": "titel", "participants": "deelnemers", "decisions": "besluiten"},
    "plot_comments": {"author": "door", "text": "opmerking", "vote": "stem"},
}
_ACTIONS = {"insert": "aangemaakt", "update": "gewijzigd", "delete": "verwijderd"}
_NOUNS = {
    "plots": "kavel",
    "reservations": "reservering",
    "opgave": "opgave",
    "partners": "partner",
    "workshops": "werksessie",
    "plot_comments": "opmerking",
}


def _local(at: dt.datetime) -> dt.datetime:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone()


def _value(field: str, value: str | None) -> str:
    """A stored audit value in Dutch: booleans ja/nee, dates dd-mm-jjjj, geometry not spelled out."""
    if value is None or value == "":
        return "–"
    if field == "geom":
        return "(vorm)"
    if value in ("True", "False"):
        return "ja" if value == "True" else "nee"
    if len(value) >= 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit():
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if len(value) == 10:
            return parsed.strftime("%d-%m-%Y")
        return _local(parsed).strftime("%d-%m-%Y %H:%M")
    if value.startswith("["):
        try:
            items = json.loads(value)
        except json.JSONDecodeError:
            return value
        if isinstance(items, list):
            return "; ".join(str(i.get("text", i)) if isinstance(i, dict) else str(i) for i in items) or "–"
    return value


@dataclass(frozen=True)
class HistoryEntry:
    """One edit of one thing: its fields old → new."""

    at: dt.datetime  # UTC
    who: str
    entity: str  # table name
    entity_id: str
    action: str  # insert, update, delete
    subject: str  # "reservering 3 (DLF-010, geclusterd)"
    plot_id: str | None
    changes: tuple[tuple[str, str, str], ...]  # (label, old, new), Dutch values

    @property
    def when(self) -> str:
        """Local date and time, dd-mm-jjjj uu:mm."""
        return _local(self.at).strftime("%d-%m-%Y %H:%M")

    @property
    def what(self) -> str:
        """ "reservering 3 (DLF-010, geclusterd) gewijzigd"."""
        return f"{self.subject} {_ACTIONS.get(self.action, self.action)}"

    def change_lines(self) -> list[str]:
        if self.action == "insert":
            return [f"{label}: {new}" for label, _old, new in self.changes]
        if self.action == "delete":
            return [f"{label} was: {old}" for label, old, _new in self.changes]
        return [f"{label}: {old} → {new}" for label, old, new in self.changes]


def _subjects(rows: list[AuditEntry], current: dict[str, tuple[str, str]]) -> dict[tuple[str, str], str]:
    """What each (entity, id) is called: from its insert rows in the log, else its current row."""
    fields: dict[tuple[str, str], dict[str, str]] = {}
    for r in rows:
        if r.field is not None:
            slot = fields.setdefault((r.entity, r.entity_id), {})
            value = r.new if r.new is not None else r.old
            if value is not None and r.field not in slot:
                slot[r.field] = value
    out: dict[tuple[str, str], str] = {}
    for (entity, ident), f in fields.items():
        noun = _NOUNS.get(entity, entity)
        if entity == "reservations":
            plot, category = current.get(ident, (f.get("plot_id", "?"), f.get("category", "?")))
            out[(entity, ident)] = f"{noun} {ident} ({plot}, {category})"
        elif entity == "opgave":
            where = f.get("wijk") or "hele gemeente"
            period = f"{f.get('period_start', '?')}-{f.get('period_end', '?')}"
            out[(entity, ident)] = f"{noun} {f.get('category', '?')} {period} {where}"
        elif entity == "partners":
            out[(entity, ident)] = f"{noun} {f.get('name', ident)}"
        elif entity == "workshops":
            out[(entity, ident)] = f"{noun} {f.get('title', ident)}"
        elif entity == "plot_comments":
            out[(entity, ident)] = f"{noun} bij kavel {f.get('plot_id', '?')}"
        else:
            out[(entity, ident)] = f"{noun} {ident}"
    return out


def history(
    store: ProjectStore, plot_id: str | None = None, *, limit: int | None = None
) -> list[HistoryEntry]:
    """The project's changes (or one plot's: the plot, its reservations and comments), newest first.

    Partner links of a reservation are shown through its ``partners`` field, which every
    reservation edit keeps in step.
    """
    with store.session() as session:
        current = {
            str(r.fid): (r.plot_id, r.category)
            for r in session.scalars(select(Reservation))
        }  # fmt: skip
        query = select(AuditEntry).where(AuditEntry.entity.in_(list(_FIELDS)))
        if plot_id is not None:
            plot_row(session, plot_id)  # a clear error for an unknown plot
            fids = {
                str(r.fid) for r in session.scalars(select(Reservation).where(Reservation.plot_id == plot_id))
            }
            comments = {
                str(c.id) for c in session.scalars(select(PlotComment).where(PlotComment.plot_id == plot_id))
            }
            # Rows of reservations and comments that no longer exist: found by the plot id they were made with.
            born = select(AuditEntry.entity, AuditEntry.entity_id).where(
                AuditEntry.field == "plot_id", AuditEntry.new == plot_id
            )
            for entity, ident in session.execute(born):
                (fids if entity == "reservations" else comments).add(str(ident))
            query = query.where(
                or_(
                    (AuditEntry.entity == "plots") & (AuditEntry.entity_id == plot_id),
                    (AuditEntry.entity == "reservations") & AuditEntry.entity_id.in_(sorted(fids)),
                    (AuditEntry.entity == "plot_comments") & AuditEntry.entity_id.in_(sorted(comments)),
                )
            )
        rows = list(session.scalars(query.order_by(AuditEntry.id)))
    subjects = _subjects(rows, current)
    grouped: dict[tuple[Any, ...], list[AuditEntry]] = {}
    for r in rows:
        grouped.setdefault((r.at, r.who, r.entity, r.entity_id, r.action), []).append(r)
    entries: list[HistoryEntry] = []
    for (at, who, entity, ident, action), group in grouped.items():
        labels = _FIELDS.get(entity, {})
        changes = tuple(
            (labels[r.field], _value(r.field, r.old), _value(r.field, r.new))
            for r in group
            if r.field is not None
            and r.field in labels
            and not (entity == "reservations" and r.field == "plot_id")
        )
        if action == "update" and not changes:
            continue  # only fields nobody reads changed (a copied geometry, a link id)
        plot = plot_id
        if entity == "plots":
            plot = ident
        elif entity == "reservations":
            plot = current.get(ident, (None, None))[0] or plot
        entries.append(
            HistoryEntry(
                at=at,
                who=who,
                entity=entity,
                entity_id=ident,
                action=action,
                subject=subjects.get((entity, ident), f"{_NOUNS.get(entity, entity)} {ident}"),
                plot_id=plot,
                changes=changes,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit] if limit is not None else entries


def history_text(entries: Iterable[HistoryEntry]) -> str:
    """The entries as Dutch text: one heading line per edit, its changes indented below."""
    lines: list[str] = []
    for e in entries:
        lines.append(f"{e.when}  {e.who}  {e.what}")
        lines.extend(f"    {line}" for line in e.change_lines())
    return "\n".join(lines) if lines else "Nog geen wijzigingen vastgelegd."


def history_json(entries: Iterable[HistoryEntry]) -> list[dict[str, Any]]:
    """The entries as JSON-ready rows (``bodnaarplot project history --json``)."""
    return [
        {
            "at": e.at.astimezone(dt.UTC).isoformat(),
            "when": e.when,
            "who": e.who,
            "what": e.what,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "action": e.action,
            "plot_id": e.plot_id,
            "changes": [{"field": label, "old": old, "new": new} for label, old, new in e.changes],
        }
        for e in entries
    ]
