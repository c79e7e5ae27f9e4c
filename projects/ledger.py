"""The bod ledger: the opgave (target homes) against reserved capacity, per status.

A pure function of two tables, so the CLI, the app and a report all show the same numbers.
A reservation counts toward every opgave period its planned years overlap (a reservation
spanning two periods counts in both); without years it counts in every period of its
category and the row is flagged. An opgave per wijk only counts reservations in that wijk;
a gemeente-wide opgave (no wijk) counts all of them. Reservations that no opgave row takes
still appear (in a row without target), so no capacity silently disappears.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from projects.errors import InputsError
from projects.models import RESERVATION_STATUSES, ReservationStatus

__all__ = [
    "ACTIVE_STATUSES",
    "LEDGER_COLUMNS",
    "STATUS_KEYS",
    "ZEKER_STATUSES",
    "OpgaveRow",
    "ledger",
    "ledger_json",
    "ledger_summary_lines",
    "ledger_text",
    "opgave_rows",
    "status_key",
]


def status_key(status: str) -> str:
    """Column stem of a status: ``"in prestatieafspraak"`` → ``"in_prestatieafspraak"``."""
    return status.replace(" ", "_")


STATUS_KEYS: dict[str, str] = {s: status_key(s) for s in RESERVATION_STATUSES}
ACTIVE_STATUSES: tuple[str, ...] = tuple(s for s in RESERVATION_STATUSES if s != ReservationStatus.VERVALLEN)
ZEKER_STATUSES: tuple[str, ...] = (
    ReservationStatus.GERESERVEERD.value,
    ReservationStatus.IN_PRESTATIEAFSPRAAK.value,
    ReservationStatus.IN_ONTWIKKELING.value,
    ReservationStatus.GEREALISEERD.value,
)

_KEY_COLUMNS = ["category", "period_start", "period_end", "period", "wijk", "target"]
_STATUS_COLUMNS = [f"{STATUS_KEYS[s]}_{b}" for s in RESERVATION_STATUSES for b in ("min", "max")]
_TOTAL_COLUMNS = [
    "zeker_min",
    "zeker_max",
    "in_beeld_min",
    "in_beeld_max",
    "gap_min",
    "gap_max",
    "gap_zeker_min",
    "gap_zeker_max",
    "n_reservations",
    "n_vervallen",
    "n_without_years",
]
LEDGER_COLUMNS: tuple[str, ...] = (*_KEY_COLUMNS, *_STATUS_COLUMNS, *_TOTAL_COLUMNS, "plot_ids", "notes")


@dataclass(frozen=True, slots=True)
class OpgaveRow:
    """One target: ``target_homes`` of ``category`` in ``period_start``–``period_end`` (inclusive)."""

    category: str
    period_start: int
    period_end: int
    target_homes: int
    wijk: str | None = None
    source: str | None = None


def opgave_rows(rows: Iterable[Any]) -> list[OpgaveRow]:
    """Plain rows from anything with the :class:`~projects.models.Opgave` attributes."""
    return [
        OpgaveRow(
            category=str(r.category),
            period_start=int(r.period_start),
            period_end=int(r.period_end),
            target_homes=int(r.target_homes),
            wijk=None if r.wijk is None else str(r.wijk),
            source=getattr(r, "source", None),
        )
        for r in rows
    ]


def _opt_int(value: Any) -> int | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return int(value)


def _opt_str(value: Any) -> str | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _opgave_list(opgave: Sequence[OpgaveRow] | pd.DataFrame) -> list[OpgaveRow]:
    if isinstance(opgave, pd.DataFrame):
        missing = {"category", "period_start", "period_end", "target_homes"} - set(opgave.columns)
        if missing:
            raise InputsError(
                f"De opgavetabel mist kolommen: {', '.join(sorted(missing))}.",
                hint="Geef category, period_start, period_end en target_homes op.",
            )
        return [
            OpgaveRow(
                category=str(r["category"]),
                period_start=int(r["period_start"]),
                period_end=int(r["period_end"]),
                target_homes=int(r["target_homes"]),
                wijk=_opt_str(r.get("wijk")),
                source=_opt_str(r.get("source")),
            )
            for _, r in opgave.iterrows()
        ]
    return list(opgave)


@dataclass(frozen=True, slots=True)
class _Res:
    plot_id: str
    category: str
    status: str
    cap_min: int
    cap_max: int
    start: int | None
    end: int | None
    wijk: str | None

    @property
    def has_years(self) -> bool:
        return self.start is not None

    def overlaps(self, start: int, end: int) -> bool:
        if self.start is None or self.end is None:
            return True  # without years: counted in every period (and flagged)
        return self.start <= end and self.end >= start


def _reservation_list(reservations: pd.DataFrame) -> list[_Res]:
    needed = {"category", "capacity_min", "capacity_max", "status"}
    missing = needed - set(reservations.columns)
    if missing:
        raise InputsError(
            f"De reserveringentabel mist kolommen: {', '.join(sorted(missing))}.",
            hint="Geef category, capacity_min, capacity_max en status op.",
        )
    out: list[_Res] = []
    for _, r in reservations.iterrows():
        if "active" in reservations.columns and _opt_int(r["active"]) == 0:
            continue  # withdrawn rows (not "vervallen", which stays visible) do not count at all
        status = str(r["status"])
        if status not in RESERVATION_STATUSES:
            raise InputsError(
                f"Onbekende status '{status}' in de reserveringen.",
                hint=f"Gebruik een van: {', '.join(RESERVATION_STATUSES)}.",
            )
        start = _opt_int(r.get("year_start"))
        end = _opt_int(r.get("year_end"))
        if start is None:
            start = end
        if end is None:
            end = start
        cap_min = _opt_int(r["capacity_min"]) or 0
        cap_max = _opt_int(r["capacity_max"])
        out.append(
            _Res(
                plot_id=_opt_str(r.get("plot_id")) or "",
                category=str(r["category"]),
                status=status,
                cap_min=cap_min,
                cap_max=cap_min if cap_max is None else cap_max,
                start=start,
                end=end,
                wijk=_opt_str(r.get("wijk")),
            )
        )
    return out


def _row(
    category: str,
    period: tuple[int, int] | None,
    wijk: str | None,
    target: int | None,
    rows: list[_Res],
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "category": category,
        "period_start": period[0] if period else None,
        "period_end": period[1] if period else None,
        "period": f"{period[0]}-{period[1]}" if period else None,
        "wijk": wijk,
        "target": target,
    }
    for status in RESERVATION_STATUSES:
        key = STATUS_KEYS[status]
        out[f"{key}_min"] = sum(r.cap_min for r in rows if r.status == status)
        out[f"{key}_max"] = sum(r.cap_max for r in rows if r.status == status)
    for name, statuses in (("zeker", ZEKER_STATUSES), ("in_beeld", ACTIVE_STATUSES)):
        out[f"{name}_min"] = sum(out[f"{STATUS_KEYS[s]}_min"] for s in statuses)
        out[f"{name}_max"] = sum(out[f"{STATUS_KEYS[s]}_max"] for s in statuses)
    for gap, total in (("gap", "in_beeld"), ("gap_zeker", "zeker")):
        out[f"{gap}_min"] = None if target is None else target - out[f"{total}_min"]
        out[f"{gap}_max"] = None if target is None else target - out[f"{total}_max"]
    active = [r for r in rows if r.status != ReservationStatus.VERVALLEN]
    out["n_reservations"] = len(active)
    out["n_vervallen"] = len(rows) - len(active)
    out["n_without_years"] = sum(1 for r in active if not r.has_years)
    out["plot_ids"] = ", ".join(sorted({r.plot_id for r in rows if r.plot_id})) or None
    notes: list[str] = []
    if out["n_without_years"]:
        notes.append(f"{out['n_without_years']} reservering(en) zonder jaren, in elke periode meegeteld")
    if period is None and target is None:
        notes.append("geen opgave voor deze reserveringen (categorie, periode of wijk)")
    out["notes"] = "; ".join(notes) or None
    return out


def ledger(opgave: Sequence[OpgaveRow] | pd.DataFrame, reservations: pd.DataFrame) -> pd.DataFrame:
    """The ledger: one row per opgave (category, period, wijk), plus rows for the rest.

    Capacity per status in ``<status>_min``/``<status>_max`` (spaces in a status become ``_``);
    ``zeker`` = gereserveerd and later, ``in_beeld`` = every status but vervallen (which is
    shown but never totalled). ``gap_min`` = target − in_beeld_min and ``gap_max`` = target −
    in_beeld_max (``gap_zeker_*`` likewise against zeker); negative means more than the
    target. Reservations no opgave row takes go to a row per category without period and
    target. The inputs are not changed.
    """
    targets = _opgave_list(opgave)
    seen: set[tuple[str, int, int, str | None]] = set()
    for t in targets:
        if t.period_end < t.period_start:
            raise InputsError(
                f"Opgave {t.category}: periode {t.period_start}-{t.period_end} eindigt vóór het begin.",
                hint="Geef de periode op als BEGINJAAR-EINDJAAR, bijv. 2026-2030.",
            )
        key = (t.category, t.period_start, t.period_end, t.wijk)
        if key in seen:
            raise InputsError(
                f"Opgave {t.category} {t.period_start}-{t.period_end} staat er dubbel in.",
                hint="Houd per categorie, periode en wijk één opgave aan.",
            )
        seen.add(key)
    res = _reservation_list(reservations)

    categories: list[str] = []
    for name in [t.category for t in targets] + [r.category for r in res]:
        if name not in categories:
            categories.append(name)

    rows: list[dict[str, Any]] = []
    for category in categories:
        own = sorted(
            (t for t in targets if t.category == category),
            key=lambda t: (t.period_start, t.period_end, t.wijk is not None, t.wijk or ""),
        )
        cat_res = [r for r in res if r.category == category]
        taken: set[int] = set()
        for t in own:
            counted = [
                i
                for i, r in enumerate(cat_res)
                if r.overlaps(t.period_start, t.period_end) and (t.wijk is None or r.wijk == t.wijk)
            ]
            taken.update(counted)
            rows.append(
                _row(
                    category,
                    (t.period_start, t.period_end),
                    t.wijk,
                    t.target_homes,
                    [cat_res[i] for i in counted],
                )
            )
        rest = [r for i, r in enumerate(cat_res) if i not in taken]
        if rest:
            rows.append(_row(category, None, None, None, rest))

    frame = pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))
    ints = ["period_start", "period_end", "target", *_STATUS_COLUMNS, *_TOTAL_COLUMNS]
    for col in ints:
        frame[col] = frame[col].astype("Int64")
    for col in ("category", "period", "wijk", "plot_ids", "notes"):
        frame[col] = frame[col].astype("string")
    return frame


_SHORT = {
    "kansrijk": "kansrijk",
    "voorgedragen": "voorgedr.",
    "gereserveerd": "gereserv.",
    "in prestatieafspraak": "prest.afspr.",
    "in ontwikkeling": "in ontw.",
    "gerealiseerd": "gereal.",
    "vervallen": "vervallen",
}


def _span(lo: Any, hi: Any) -> str:
    if lo is pd.NA or hi is pd.NA or lo is None or hi is None:
        return "–"
    lo_i, hi_i = int(lo), int(hi)
    return f"{lo_i}" if lo_i == hi_i else f"{min(lo_i, hi_i)}–{max(lo_i, hi_i)}"


def _gap(lo: Any, hi: Any) -> str:
    """A gap range in words: ``15–30``, ``over 60–75`` (overshoot) or ``−10 tot 10``."""
    if lo is pd.NA or hi is pd.NA or lo is None or hi is None:
        return "–"
    lo_i, hi_i = sorted((int(lo), int(hi)))
    if lo_i >= 0:
        return _span(lo_i, hi_i)
    if hi_i <= 0:
        return "over " + _span(-hi_i, -lo_i)
    return f"−{-lo_i} tot {hi_i}"


def _text(value: Any, empty: str = "–") -> str:
    if value is None or value is pd.NA:
        return empty
    return str(value)


def ledger_summary_lines(df: pd.DataFrame) -> list[str]:
    """One line per ledger row for a document: "geclusterd 2026-2030: opgave 120 · in beeld … · zeker …"."""
    lines: list[str] = []
    for _, row in df.iterrows():
        target = row["target"]
        where = " ".join(x for x in (_text(row["period"], ""), _text(row["wijk"], "")) if x)
        head = f"{row['category']}" + (f" {where}" if where else "")
        opgave = "geen opgave" if target is None or target is pd.NA else f"opgave {int(target)}"
        lines.append(
            f"{head}: {opgave} · in beeld {_span(row['in_beeld_min'], row['in_beeld_max'])} · "
            f"zeker {_span(row['zeker_min'], row['zeker_max'])} woningen"
        )
    return lines


def ledger_text(df: pd.DataFrame) -> str:
    """The ledger as a Dutch plain-text table (capacities as min–max) with notes below it."""
    if df.empty:
        return "Nog geen opgave en geen reserveringen: voer een opgave in (project opgave)."
    header = [
        "categorie",
        "periode",
        "wijk",
        "opgave",
        *(_SHORT[s] for s in RESERVATION_STATUSES if s != ReservationStatus.VERVALLEN),
        "zeker",
        "in beeld",
        "tekort",
        "vervallen",
    ]
    body: list[list[str]] = []
    notes: list[str] = []
    for _, r in df.iterrows():
        line = [
            _text(r["category"]),
            _text(r["period"], "buiten opgave"),
            _text(r["wijk"], "hele gemeente" if r["period"] is not pd.NA else "–"),
            _text(r["target"]),
        ]
        for status in RESERVATION_STATUSES:
            if status == ReservationStatus.VERVALLEN:
                continue
            key = STATUS_KEYS[status]
            line.append(_span(r[f"{key}_min"], r[f"{key}_max"]))
        line.append(_span(r["zeker_min"], r["zeker_max"]))
        line.append(_span(r["in_beeld_min"], r["in_beeld_max"]))
        line.append(_gap(r["gap_max"], r["gap_min"]))
        line.append(_span(r["vervallen_min"], r["vervallen_max"]))
        if r["notes"] is not pd.NA:
            line[0] += f" [{len(notes) + 1}]"
            notes.append(str(r["notes"]))
        body.append(line)
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(header)]
    right = set(range(3, len(header)))

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    lines = [fmt(header), "  ".join("-" * w for w in widths), *(fmt(b) for b in body)]
    lines.append("")
    lines.append(
        "woningen als min–max; zeker = gereserveerd en verder; in beeld = alles behalve vervallen; "
        "tekort = opgave − in beeld ('over' = meer dan de opgave)."
    )
    lines.extend(f"[{i}] {n}" for i, n in enumerate(notes, start=1))
    return "\n".join(lines)


def ledger_json(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The ledger as JSON-ready rows (missing values become ``None``)."""
    out: list[dict[str, Any]] = []
    for _, r in df.iterrows():
        row: dict[str, Any] = {}
        for col in df.columns:
            value = r[col]
            if value is None or value is pd.NA:
                row[str(col)] = None
            elif hasattr(value, "item"):
                row[str(col)] = value.item()
            else:
                row[str(col)] = value
        out.append(row)
    return out
