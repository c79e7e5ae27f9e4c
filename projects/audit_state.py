"""The bod as it stood at an earlier moment, rebuilt from the project's audit log.

Every change to a reservation or an opgave row is in the audit log (one row per changed field,
old → new, with the time; :mod:`projects.store`). Starting from the current rows and undoing,
newest first, every change made after the moment asked for gives the rows as they were then;
:func:`ledger_at` feeds them to the one ledger function (:func:`projects.ledger.compute_ledger`), so
the minutes can state the bod at the start of a workshop and at its close with the same
arithmetic as the ledger panel. Reading only: nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select

from projects.ledger import Ledger, OpgaveRow, compute_ledger
from projects.models import AuditEntry, Opgave, Reservation

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = ["bod_changes_after", "ledger_at", "rows_at"]

_RESERVATION_FIELDS = (
    "plot_id",
    "category",
    "capacity_min",
    "capacity_max",
    "status",
    "year_start",
    "year_end",
    "wijk",
    "segment",
    "year_split",
    "active",
)
_INT_FIELDS = ("capacity_min", "capacity_max", "year_start", "year_end")
_OPGAVE_FIELDS = ("category", "period_start", "period_end", "target_homes", "wijk", "source")
_TABLES = {"reservations": _RESERVATION_FIELDS, "opgave": _OPGAVE_FIELDS}


def _as_text(value: Any) -> str | None:
    """A value as the audit log writes it (``str``; None stays None)."""
    return None if value is None else str(value)


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def rows_at(store: ProjectStore, when: dt.datetime) -> dict[str, dict[str, dict[str, str | None]]]:
    """The reservation and opgave rows as they were at ``when``: {table: {id: {field: text}}}.

    Values are kept as the audit log's text; :func:`ledger_at` turns them into numbers.
    """
    moment = _utc(when)
    with store.session() as session:
        state: dict[str, dict[str, dict[str, str | None]]] = {
            "reservations": {
                str(r.fid): {f: _as_text(getattr(r, f)) for f in _RESERVATION_FIELDS}
                for r in session.scalars(select(Reservation))
            },
            "opgave": {
                str(o.id): {f: _as_text(getattr(o, f)) for f in _OPGAVE_FIELDS}
                for o in session.scalars(select(Opgave))
            },
        }
        later = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.entity.in_(tuple(_TABLES))).order_by(AuditEntry.id.desc())
            )
        )
    for entry in later:  # newest first: undo what happened after the moment
        if _utc(entry.at) <= moment:
            continue
        rows = state[entry.entity]
        fields = _TABLES[entry.entity]
        if entry.action == "insert":
            rows.pop(entry.entity_id, None)  # it did not exist yet
        elif entry.action == "delete":
            row = rows.setdefault(entry.entity_id, dict.fromkeys(fields))
            if entry.field in fields:
                row[entry.field] = entry.old
        elif entry.action == "update" and entry.field in fields and entry.entity_id in rows:
            rows[entry.entity_id][entry.field] = entry.old
    return state


def _int(text: str | None) -> int | None:
    if text is None or text == "":
        return None
    return int(float(text))


def ledger_at(store: ProjectStore, when: dt.datetime) -> Ledger:
    """The bod ledger (:func:`projects.ledger.compute_ledger`) of the project as it stood at ``when``.

    Rebuilt from the audit log: the reservations and opgave as they were, the same rules as
    today's ledger (wijk as typed: the plots' CBS location is not part of the log)."""
    state = rows_at(store, when)
    targets = [
        OpgaveRow(
            category=str(o["category"]),
            period_start=int(_int(o["period_start"]) or 0),
            period_end=int(_int(o["period_end"]) or 0),
            target_homes=int(_int(o["target_homes"]) or 0),
            wijk=o["wijk"],
            source=o["source"],
        )
        for o in state["opgave"].values()
        if o["category"] is not None
    ]
    rows: list[dict[str, Any]] = []
    for _, r in sorted(state["reservations"].items(), key=lambda kv: int(kv[0])):
        if r["category"] is None:
            continue
        row: dict[str, Any] = {f: _int(r[f]) if f in _INT_FIELDS else r[f] for f in _RESERVATION_FIELDS}
        row["active"] = 0 if r["active"] == "False" else 1  # withdrawn rows do not count
        rows.append(row)
    res = pd.DataFrame(rows, columns=list(_RESERVATION_FIELDS))
    for col in ("capacity_min", "capacity_max", "year_start", "year_end", "active"):
        res[col] = pd.array(res[col].tolist(), dtype="Int64")
    return compute_ledger(targets, res)


def bod_changes_after(store: ProjectStore, when: dt.datetime) -> int:
    """How many reservation and opgave rows changed after ``when`` (0: the bod stands as then)."""
    moment = _utc(when)
    with store.session() as session:
        entries = session.execute(
            select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.at).where(
                AuditEntry.entity.in_(tuple(_TABLES))
            )
        ).all()
    return len({(e, i) for e, i, at in entries if _utc(at) > moment})
