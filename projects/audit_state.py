"""The bod as it stood at an earlier moment, rebuilt from the project's audit log.

Every change to a reservation or an opgave row is in the audit log
(one row per changed field, old → new, with the time; :mod:`projects.store`). Starting from the
current rows and undoing, newest first, every change made after the moment asked for gives the
rows as they were then; :func:`ledger_at` feeds them through the same enrichment and the one
ledger function as today's ledger (:func:`projects.views.project_ledger`), so ``ledger --as-of``,
the minutes and the time series use the same arithmetic as the ledger panel.

What the log does not hold is taken as it is now: the plots, their CBS wijk/buurt, the tool's
capacity estimates and the recorded score runs. Reading only: nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select

from projects.errors import InputsError
from projects.ledger import STATUS_KEYS, Ledger, OpgaveRow, compute_ledger
from projects.models import AuditEntry, Opgave, Reservation, ReservationStatus
from projects.reservations import RESERVATION_COLUMNS
from projects.views import (
    LedgerContext,
    enrich_reservations,
    ledger_context,
    partner_roles,
    project_info_categories,
)

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "AMSTERDAM",
    "BodHistory",
    "as_of_line",
    "bod_changes_after",
    "bod_history",
    "bod_series",
    "end_of_day",
    "ledger_at",
    "ledger_inputs_at",
    "moment_words",
    "parse_moment",
    "rows_at",
]

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")  # the moments users name are Dutch local time

_RESERVATION_FIELDS = tuple(c for c in RESERVATION_COLUMNS if c not in ("fid", "version"))
_INT_FIELDS = ("capacity_min", "capacity_max", "year_start", "year_end", "workshop_id")
_OPGAVE_FIELDS = ("category", "period_start", "period_end", "target_homes", "wijk", "source")
_TABLES = {"reservations": _RESERVATION_FIELDS, "opgave": _OPGAVE_FIELDS}

State = dict[str, dict[str, dict[str, str | None]]]  # {table: {id: {field: text}}}


def _as_text(value: Any) -> str | None:
    """A value as the audit log writes it (``str``; None stays None)."""
    return None if value is None else str(value)


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


@dataclass(frozen=True)
class _Change:
    at: dt.datetime  # UTC
    entity: str
    entity_id: str
    action: str
    field: str | None
    old: str | None


@dataclass(frozen=True)
class BodHistory:
    """The bod tables as they are now and every change to them (oldest first): one read of the
    project, from which the rows at any moment follow (:meth:`state_at`)."""

    current: State
    changes: tuple[_Change, ...]
    links: dict[int, list[str]]  # reservation fid → its partners' roles now

    def state_at(self, when: dt.datetime) -> State:
        """The rows as they were at ``when`` (naive = UTC): later changes undone, newest first."""
        moment = _utc(when)
        state = {table: {k: dict(v) for k, v in rows.items()} for table, rows in self.current.items()}
        for change in reversed(self.changes):
            if change.at <= moment:
                break
            rows = state[change.entity]
            fields = _TABLES[change.entity]
            if change.action == "insert":
                rows.pop(change.entity_id, None)  # it did not exist yet
            elif change.action == "delete":
                row = rows.setdefault(change.entity_id, dict.fromkeys(fields))
                if change.field in fields:
                    row[str(change.field)] = change.old
            elif change.action == "update" and change.field in fields and change.entity_id in rows:
                rows[change.entity_id][str(change.field)] = change.old
        return state

    @property
    def moments(self) -> tuple[dt.datetime, ...]:
        """The distinct moments at which the bod changed (UTC, oldest first)."""
        return tuple(sorted({c.at for c in self.changes}))

    def plot_ids(self) -> set[str]:
        """Every plot reserved at some moment (what a shared :class:`LedgerContext` must cover)."""
        ids = {r["plot_id"] for r in self.current["reservations"].values() if r["plot_id"]}
        ids |= {c.old for c in self.changes if c.entity == "reservations" and c.field == "plot_id" and c.old}
        return {str(i) for i in ids if i is not None}

    def categories(self) -> set[str]:
        """Every category of a reservation or an opgave row at some moment."""
        now = [r["category"] for table in ("reservations", "opgave") for r in self.current[table].values()]
        before = [c.old for c in self.changes if c.field == "category"]
        return {str(c) for c in (*now, *before) if c}


def bod_history(store: ProjectStore) -> BodHistory:
    """Read the bod tables and their audit log once."""
    with store.session() as session:
        current: State = {
            "reservations": {
                str(r.fid): {f: _as_text(getattr(r, f)) for f in _RESERVATION_FIELDS}
                for r in session.scalars(select(Reservation))
            },
            "opgave": {
                str(o.id): {f: _as_text(getattr(o, f)) for f in _OPGAVE_FIELDS}
                for o in session.scalars(select(Opgave))
            },
        }
        rows = session.execute(
            select(
                AuditEntry.at,
                AuditEntry.entity,
                AuditEntry.entity_id,
                AuditEntry.action,
                AuditEntry.field,
                AuditEntry.old,
            )
            .where(AuditEntry.entity.in_(tuple(_TABLES)))
            .order_by(AuditEntry.id)
        ).all()
    changes = tuple(_Change(_utc(at), str(e), str(i), str(a), f, o) for at, e, i, a, f, o in rows)
    # The log is written in order, but a clock set back must not hide a change: order by time.
    return BodHistory(current, tuple(sorted(changes, key=lambda c: c.at)), partner_roles(store))


def rows_at(store: ProjectStore, when: dt.datetime) -> State:
    """The reservation and opgave rows as they were at ``when``: {table: {id: {field: text}}}.

    Values are kept as the audit log's text; :func:`ledger_inputs_at` turns them into values.
    """
    return bod_history(store).state_at(when)


def _int(text: str | None) -> int | None:
    if text is None or text == "":
        return None
    return int(float(text))


def _bool(text: str | None) -> bool | None:
    if text is None:
        return None
    return text.strip().lower() in ("true", "1", "t", "yes")


def _inputs(
    store: ProjectStore,
    state: State,
    history: BodHistory,
    context: LedgerContext | None,
    *,
    plots: bool = True,
) -> tuple[list[OpgaveRow], pd.DataFrame]:
    targets = [
        OpgaveRow(
            category=str(o["category"]),
            period_start=int(_int(o["period_start"]) or 0),
            period_end=int(_int(o["period_end"]) or 0),
            target_homes=int(_int(o["target_homes"]) or 0),
            wijk=o["wijk"],
            source=o["source"],
        )
        for _, o in sorted(state["opgave"].items(), key=lambda kv: int(kv[0]))
        if o["category"] is not None
    ]
    rows: list[dict[str, Any]] = []
    for fid, r in sorted(state["reservations"].items(), key=lambda kv: int(kv[0])):
        if r["category"] is None:
            continue
        row: dict[str, Any] = {"fid": int(fid), "version": None, "geometry": None}
        for f in _RESERVATION_FIELDS:
            row[f] = _int(r[f]) if f in _INT_FIELDS else _bool(r[f]) if f == "active" else r[f]
        rows.append(row)
    roles = {
        int(fid): _roles_at(fid, r["partners_text"], history) for fid, r in state["reservations"].items()
    }
    return targets, enrich_reservations(store, rows, roles, context, plots=plots)


_ROLE = re.compile(r"\(([^()]*)\)\s*$")


def _roles_at(fid: str, partners_text: str | None, history: BodHistory) -> list[str]:
    """The partners' roles of a reservation at a moment.

    The log records new partner links but not the links a change of partners replaces (they go
    as orphans during the flush), so the links of the past cannot be replayed. The reservation's
    ``partners_text`` ("Woonbron (corporatie); Ipse (zorgorganisatie)"), written with every
    change of partners, is in the log: while it is as now the current links hold; before, the
    roles are read from it."""
    current = history.current["reservations"].get(fid)
    if current is not None and current["partners_text"] == partners_text:
        return history.links.get(int(fid), [])
    if not partners_text:
        return []
    return [m.group(1) for part in partners_text.split(";") if (m := _ROLE.search(part.strip()))]


def ledger_inputs_at(
    store: ProjectStore,
    when: dt.datetime,
    context: LedgerContext | None = None,
    history: BodHistory | None = None,
    *,
    plots: bool = True,
) -> tuple[list[OpgaveRow], pd.DataFrame]:
    """:func:`projects.views.ledger_inputs` as they were at ``when`` (plots and layers as now)."""
    history = history or bod_history(store)
    return _inputs(store, history.state_at(when), history, context, plots=plots)


def ledger_at(
    store: ProjectStore,
    when: dt.datetime,
    context: LedgerContext | None = None,
    history: BodHistory | None = None,
    *,
    plots: bool = True,
) -> Ledger:
    """The bod ledger (:func:`projects.ledger.compute_ledger`) of the project as it stood at ``when``
    (``plots=False``: its numbers only, see :func:`projects.views.project_ledger`)."""
    return compute_ledger(*ledger_inputs_at(store, when, context, history, plots=plots))


def bod_changes_after(store: ProjectStore, when: dt.datetime) -> int:
    """How many reservation and opgave rows changed after ``when`` (0: the bod stands as then)."""
    moment = _utc(when)
    with store.session() as session:
        entries = session.execute(
            select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.at).where(
                AuditEntry.entity.in_(("reservations", "opgave"))
            )
        ).all()
    return len({(e, i) for e, i, at in entries if _utc(at) > moment})


# --- moments as users name them ------------------------------------------------------------------


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in Dutch local time (what "op 1 juli" means)."""
    next_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=AMSTERDAM)
    return next_day - dt.timedelta(microseconds=1)


def parse_moment(text: str) -> dt.datetime:
    """``2026-07-01`` → the end of that day (Europe/Amsterdam); a full ISO date-time is taken as
    given (without a zone: Dutch local time). A bad value raises :class:`InputsError`."""
    value = text.strip()
    try:
        if len(value) == 10:
            return end_of_day(dt.date.fromisoformat(value))
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputsError(
            f"'{text}' is geen datum of tijdstip.",
            hint="Schrijf JJJJ-MM-DD (de stand aan het eind van die dag) of JJJJ-MM-DDTUU:MM, bijv. 2026-07-01.",
        ) from exc
    return moment.replace(tzinfo=AMSTERDAM) if moment.tzinfo is None else moment


_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december")  # fmt: skip


def as_of_line(when: dt.datetime) -> str:
    """The header of a ledger at an earlier moment: which moment, and what it is built from."""
    return (
        f"Stand van het bod op {moment_words(when)}, herbouwd uit het wijzigingslogboek "
        "(kavels, buurten en schattingen zoals nu)."
    )


def moment_words(when: dt.datetime) -> str:
    """ "1 juli 2026, 23:59 (Nederlandse tijd)": a moment in Dutch local time for headers."""
    local = when.astimezone(AMSTERDAM)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}, {local:%H:%M} (Nederlandse tijd)"


# --- the time series --------------------------------------------------------------------------------

SERIES_COLUMNS: tuple[str, ...] = (
    "moment",
    "category",
    "target",
    "zeker_min",
    "zeker_max",
    "in_beeld_min",
    "in_beeld_max",
    "gerealiseerd_min",
    "gerealiseerd_max",
)
_REALISED = STATUS_KEYS[ReservationStatus.GEREALISEERD.value]


def _month_ends(first: dt.datetime, now: dt.datetime) -> list[dt.datetime]:
    """The ends of the months from ``first``'s month up to (not including) ``now``'s month end."""
    local = first.astimezone(AMSTERDAM)
    year, month = local.year, local.month
    out: list[dt.datetime] = []
    while True:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        end = end_of_day(nxt - dt.timedelta(days=1))
        if end >= now:
            return out
        out.append(end)
        year, month = nxt.year, nxt.month


def _totals(book: Ledger, moment: dt.datetime, categories: Sequence[str]) -> list[dict[str, Any]]:
    """Per category: the ledger's period rows summed (every home counts in one period only)."""
    periods = book.periods
    out: list[dict[str, Any]] = []
    for category in categories:
        rows = periods[periods["category"] == category]
        targets = rows["target"].dropna()
        row: dict[str, Any] = {
            "moment": moment,
            "category": category,
            "target": int(targets.sum()) if len(targets) else None,
        }
        for col in ("zeker", "in_beeld", _REALISED):
            key = "gerealiseerd" if col == _REALISED else col
            for bound in ("min", "max"):
                row[f"{key}_{bound}"] = int(rows[f"{col}_{bound}"].sum())
        out.append(row)
    return out


def bod_series(
    store: ProjectStore,
    *,
    every: str = "month",
    now: dt.datetime | None = None,
    moments: Iterable[dt.datetime] | None = None,
) -> pd.DataFrame:
    """Zeker, in beeld and gerealiseerd homes per category over time (:data:`SERIES_COLUMNS`).

    One row per category at each moment: the ends of the months since the first change of the
    bod (``every="month"``; the last row is ``now``) or right after each change
    (``every="change"``), or the ``moments`` given. Each is the full ledger at that moment
    (:func:`ledger_at`), summed over all the category's periods, "buiten opgave" and "zonder
    jaren" included; ``target`` is the opgave of all its periods (None without one).
    ``moment`` is in Dutch local time.
    """
    history = bod_history(store)
    stamp = _utc(now or dt.datetime.now(dt.UTC))
    if moments is not None:
        wanted = sorted(_utc(m) for m in moments)
    elif every == "change":
        wanted = [m for m in history.moments if m <= stamp]
    elif every == "month":
        wanted = [*_month_ends(history.moments[0], stamp), stamp] if history.moments else [stamp]
    else:
        raise InputsError(f"Onbekende stap '{every}'.", hint="Kies 'month' of 'change'.")
    own = project_info_categories(store)  # the project's order, as the ledger's opgave usually has it
    categories = sorted(history.categories(), key=lambda c: (own.index(c) if c in own else len(own), c))
    plots = history.plot_ids()
    context = ledger_context(store, plot_ids=plots, categories=categories) if plots else None
    rows: list[dict[str, Any]] = []
    for moment in wanted:
        book = ledger_at(store, moment, context, history)
        rows += _totals(book, moment.astimezone(AMSTERDAM), categories)
    frame = pd.DataFrame(rows, columns=list(SERIES_COLUMNS))
    for col in SERIES_COLUMNS[2:]:
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    frame["category"] = frame["category"].astype("string")
    return frame
