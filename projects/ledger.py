"""The bod ledger: the opgave (target homes) against reserved capacity, every home counted once.

A pure function of two tables: the opgave, and the reservations as the read side enriches them
(:func:`projects.views.ledger_inputs`: each plot's CBS wijk/buurt, the tool's capacity
estimate, the partners' roles, the plot's profile). The CLI, the Bod panel, the presentation
window, the PDF, the XLSX and the GIS package all show this one result, and a ledger "as of" an
earlier date is this same function of the tables as they were then.

The counting rules, which the handleiding cites:

* A reservation's homes are spread over its opleverjaren (``year_start``–``year_end``,
  inclusive): evenly, or by the reservation's split ("2028:40, 2031:60": relative shares per
  year). Whole homes per year, largest remainder first, ties to the LATER year (a deadline is
  never flattered); the maximum is the minimum plus the spread of the difference, so no year
  gets more minimum than maximum. Each year belongs to one period of its category's opgave, so
  a reservation over 2028–2032 counts 3/5 in 2026–2030 and 2/5 in 2031–2035, once in total.
* Years outside every opgave period of the category go to "buiten opgave"; a reservation
  without years to "zonder jaren" (flagged). Nothing silently disappears, nothing counts twice.
* *zeker* and *in beeld*: :data:`ZEKER_STATUSES`, :data:`IN_BEELD_STATUSES` and
  :data:`DEFINITIONS`, the only definitions in the code.
* Categories never mix: nultreden homes never count toward geclusterd or zorggeschikt, and a
  reservation whose category asks more than its plot's profile is warned about.
* Totals per segment and per wijk/buurt are sums of the same allocation, so they add up to the
  period totals exactly.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from projects.errors import InputsError
from projects.files import json_value
from projects.models import RESERVATION_STATUSES, ReservationStatus
from resources import resource

__all__ = [
    "ACTIVE_STATUSES",
    "CURVE_GROUPS",
    "DEFINITIONS",
    "IN_BEELD_STATUSES",
    "LEDGER_COLUMNS",
    "MONITOR_COLUMNS",
    "NO_YEARS",
    "OUTSIDE",
    "STATUS_KEYS",
    "YEAR_COLUMNS",
    "ZEKER_STATUSES",
    "Drieslag",
    "Ledger",
    "LedgerRules",
    "OpgaveRow",
    "apportion",
    "capacity_warnings",
    "compute_ledger",
    "counts_as",
    "delivery_curve",
    "drieslag_of",
    "format_split",
    "gap_kind",
    "gap_words",
    "ledger",
    "ledger_json",
    "ledger_rules",
    "ledger_summary_lines",
    "ledger_text",
    "monitor_rows",
    "opgave_rows",
    "parse_split",
    "segment_of",
    "span",
    "status_key",
]


def status_key(status: str) -> str:
    """Column stem of a status: ``"in prestatieafspraak"`` → ``"in_prestatieafspraak"``."""
    return status.replace(" ", "_")


STATUS_KEYS: dict[str, str] = {s: status_key(s) for s in RESERVATION_STATUSES}

# THE definitions of zeker and in beeld. Every output reads these (and DEFINITIONS).
ZEKER_STATUSES: tuple[str, ...] = (
    ReservationStatus.GERESERVEERD.value,
    ReservationStatus.IN_PRESTATIEAFSPRAAK.value,
    ReservationStatus.IN_ONTWIKKELING.value,
    ReservationStatus.GEREALISEERD.value,
)
IN_BEELD_STATUSES: tuple[str, ...] = tuple(
    s for s in RESERVATION_STATUSES if s != ReservationStatus.VERVALLEN
)
ACTIVE_STATUSES = IN_BEELD_STATUSES  # the older name, kept for readers of the ledger frame
_NOT_YET = tuple(s for s in IN_BEELD_STATUSES if s not in ZEKER_STATUSES)

DEFINITIONS: dict[str, str] = {
    "zeker": (
        "zeker = woningen van reserveringen met de status "
        + ", ".join(ZEKER_STATUSES[:-1])
        + f" of {ZEKER_STATUSES[-1]}"
    ),
    "in_beeld": (
        "in beeld = alle woningen die niet vervallen zijn: zeker plus "
        + " en ".join(_NOT_YET)
        + " (in beeld omvat zeker)"
    ),
    "tekort": "tekort = opgave − in beeld; 'over' = meer in beeld dan de opgave; vervallen telt nooit mee",
    "verdeling": (
        "woningen worden over de opleverjaren verdeeld (gelijk, of volgens de verdeling van de reservering) "
        "en tellen in de opgaveperiode van elk jaar: één keer in totaal"
    ),
}

OUTSIDE = "buiten opgave"  # the period of years outside every opgave period of the category
NO_YEARS = "zonder jaren"  # the period of reservations without opleverjaren

_KEY_COLUMNS = ["category", "period", "period_start", "period_end", "target", "target_source"]
_STATUS_COLUMNS = [f"{STATUS_KEYS[s]}_{b}" for s in RESERVATION_STATUSES for b in ("min", "max")]
_SUM_COLUMNS = ["zeker_min", "zeker_max", "in_beeld_min", "in_beeld_max"]
_GAP_COLUMNS = ["gap_min", "gap_max", "gap_zeker_min", "gap_zeker_max"]
_COUNT_COLUMNS = ["n_reservations", "n_vervallen"]
LEDGER_COLUMNS: tuple[str, ...] = (
    *_KEY_COLUMNS,
    *_STATUS_COLUMNS,
    *_SUM_COLUMNS,
    *_GAP_COLUMNS,
    *_COUNT_COLUMNS,
    "plot_ids",
    "notes",
)
_VALUE_COLUMNS = [*_STATUS_COLUMNS, *_SUM_COLUMNS, *_COUNT_COLUMNS]
# Ledger.years: the homes of each counted reservation per opleverjaar (the apportionment itself)
# and the period the year counts in; a reservation without years has one row without a year.
YEAR_COLUMNS: tuple[str, ...] = (
    "fid", "plot_id", "category", "status", "year", "period", "homes_min", "homes_max"
)  # fmt: skip


# --- the tables of resources/categories/ledger.toml ------------------------------------------


@dataclass(frozen=True)
class DrieslagStep:
    key: str
    label: str
    short: str
    roles: frozenset[str]


@dataclass(frozen=True)
class LedgerRules:
    """The drieslag steps, the segments and the profile order (``resources/categories/ledger.toml``)."""

    drieslag: tuple[DrieslagStep, ...]
    segments: tuple[tuple[str, frozenset[str]], ...]  # (name, lower-case names and synonyms)
    unknown_segment: str
    profile_order: tuple[str, ...]
    norm_share: float

    @property
    def segment_names(self) -> tuple[str, ...]:
        return (*(name for name, _ in self.segments), self.unknown_segment)


@lru_cache(maxsize=1)
def ledger_rules() -> LedgerRules:
    """The bundled ledger tables, read once."""
    data = tomllib.loads(resource("categories", "ledger.toml").read_text(encoding="utf-8"))
    steps = tuple(
        DrieslagStep(
            key=str(s["key"]),
            label=str(s["label"]),
            short=str(s.get("short", s["key"][:1].upper())),
            roles=frozenset(str(r).strip().lower() for r in s["roles"]),
        )
        for s in data["drieslag"]
    )
    segments = tuple(
        (
            str(s["name"]),
            frozenset({str(s["name"]).lower(), *(str(x).lower() for x in s.get("synonyms", []))}),
        )
        for s in data["segments"]
    )
    return LedgerRules(
        drieslag=steps,
        segments=segments,
        unknown_segment=str(data.get("unknown", "onbekend")),
        profile_order=tuple(str(c) for c in data["profile_order"]),
        norm_share=float(data["norm_share"]),
    )


# --- the drieslag --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drieslag:
    """Which of the three steps (corporatie/belegger, zorgorganisatie, bewoners/initiatief) are lit."""

    steps: tuple[tuple[DrieslagStep, bool], ...]

    @property
    def complete(self) -> bool:
        return all(lit for _, lit in self.steps)

    @property
    def lit(self) -> dict[str, bool]:
        """Step key → lit, e.g. ``{"vastgoed": True, "zorg": False, "bewoners": True}``."""
        return {step.key: lit for step, lit in self.steps}

    @property
    def missing(self) -> list[str]:
        return [step.label for step, lit in self.steps if not lit]

    @property
    def text(self) -> str:
        """ "compleet" or "mist zorgorganisatie, bewoners/initiatief"."""
        return "compleet" if self.complete else "mist " + ", ".join(self.missing)

    @property
    def lights(self) -> str:
        """ "corporatie/belegger ✓ · zorgorganisatie ✗ · bewoners/initiatief ✓"."""
        return " · ".join(f"{step.label} {'✓' if lit else '✗'}" for step, lit in self.steps)

    @property
    def short(self) -> str:
        """ "C✓ Z✗ B✓": for narrow table cells (the legend names the letters)."""
        return " ".join(f"{step.short}{'✓' if lit else '✗'}" for step, lit in self.steps)


def drieslag_of(roles: Any, rules: LedgerRules | None = None) -> Drieslag:
    """The drieslag of a reservation from its partners' roles (``"corporatie;bewoners"`` or a list)."""
    table = rules or ledger_rules()
    if roles is None or roles is pd.NA or (isinstance(roles, float) and math.isnan(roles)):
        have: set[str] = set()
    elif isinstance(roles, str):
        have = {r.strip().lower() for r in roles.split(";") if r.strip()}
    else:
        have = {str(r).strip().lower() for r in roles}
    return Drieslag(tuple((step, bool(step.roles & have)) for step in table.drieslag))


def segment_of(text: Any, rules: LedgerRules | None = None) -> tuple[str, bool]:
    """(segment, is one of the ledger's segments): typed text matched on names and synonyms."""
    table = rules or ledger_rules()
    value = _opt_str(text)
    if value is None:
        return table.unknown_segment, True
    low = value.lower()
    for name, names in table.segments:
        if low in names:
            return name, True
    if low == table.unknown_segment:
        return table.unknown_segment, True
    return value, False


# --- splits and apportionment ----------------------------------------------------------------------

_SPLIT_PART = re.compile(r"^\s*(\d{4})\s*[:=]\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")


def parse_split(value: str | Mapping[int, float] | None) -> dict[int, float] | None:
    """A split over opleverjaren: ``"2028:40, 2031:60"`` → ``{2028: 40.0, 2031: 60.0}``.

    The numbers are relative shares (percentages, homes, anything): only their ratio counts.
    ``None`` or an empty text is no split (evenly over the years).
    """
    if value is None:
        return None
    if isinstance(value, Mapping):
        items = [(int(k), float(v)) for k, v in value.items()]
    else:
        text = str(value).strip()
        if not text:
            return None
        items = []
        for part in re.split(r";|,(?=\s*\d{4}\s*[:=])", text):
            if not part.strip():
                continue
            m = _SPLIT_PART.match(part)
            if m is None:
                raise InputsError(
                    f"Verdeling '{text}' is niet te lezen ('{part.strip()}').",
                    hint="Geef per opleverjaar een aandeel: bijv. 2028:40, 2031:60 (aandelen, geen jaren-bereik).",
                )
            items.append((int(m.group(1)), float(m.group(2).replace(",", "."))))
    out: dict[int, float] = {}
    for year, share in items:
        if not 1900 <= year <= 2200:
            raise InputsError(
                f"Jaar {year} in de verdeling is ongeldig.", hint="Gebruik jaartallen als 2028."
            )
        if share <= 0 or not math.isfinite(share):
            raise InputsError(
                f"Het aandeel van {year} in de verdeling moet groter dan 0 zijn.",
                hint="Laat een jaar zonder woningen weg uit de verdeling.",
            )
        if year in out:
            raise InputsError(f"Jaar {year} staat twee keer in de verdeling.", hint="Noem elk jaar één keer.")
        out[year] = share
    return dict(sorted(out.items())) or None


def format_split(split: Mapping[int, float] | None) -> str:
    """The stored text of a split: ``"2028:40, 2031:60"`` ('' for none)."""
    if not split:
        return ""
    return ", ".join(f"{year}:{share:g}" for year, share in sorted(split.items()))


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Whole homes per share: largest remainder, ties to the later share; sums to ``total``."""
    n = len(weights)
    if n == 0 or total <= 0:
        return [0] * n
    if all(x == weights[0] for x in weights):  # an even spread (the usual case): same result, no Fractions
        each, extra = divmod(total, n)
        return [each] * (n - extra) + [each + 1] * extra  # the remainder to the later shares
    w = [Fraction(str(x)) for x in weights]
    whole = sum(w)
    quotas = [total * x / whole for x in w]
    base = [math.floor(q) for q in quotas]
    order = sorted(range(n), key=lambda i: (quotas[i] - base[i], i), reverse=True)
    for i in order[: total - sum(base)]:
        base[i] += 1
    return base


# --- capacity and gap words ------------------------------------------------------------------------


def span(lo: Any, hi: Any) -> str:
    """ "12–18", "12", or "–" when unknown."""
    a, b = _opt_int(lo), _opt_int(hi)
    if a is None and b is None:
        return "–"
    if a is None or b is None or a == b:
        return str(a if a is not None else b)
    return f"{min(a, b)}–{max(a, b)}"


def capacity_warnings(
    capacity_min: int,
    capacity_max: int,
    estimate_min: int | None,
    estimate_max: int | None,
    plan_max: int | None = None,
    basis: str | None = None,
    *,
    brief: bool = False,
) -> list[str]:
    """Dutch warnings when the user's capacity ("opgegeven") exceeds the plan maximum or the
    tool's estimate ("schatting"). Never an error: the user may know better, but it shows.
    ``brief`` leaves out the estimate itself (for a form that shows it right above)."""
    out: list[str] = []
    given = span(capacity_min, capacity_max)
    if plan_max is not None and capacity_max > plan_max:
        out.append(
            f"opgegeven {given} woningen is meer dan het bestemmingsplan toestaat (max. {plan_max} wooneenheden)"
        )
    if estimate_max is not None and capacity_max > estimate_max and not (out and estimate_max == plan_max):
        how = f", {basis}" if basis else ""
        estimate = "" if brief else f" ({span(estimate_min, estimate_max)} woningen{how})"
        out.append(f"opgegeven {given} woningen ligt boven de schatting van de tool{estimate}")
    return out


def gap_kind(gap_min: Any, gap_max: Any) -> tuple[str, int, int] | None:
    """The gap range (target − capacity) classified: ``("tekort", 0, 20)``, ``("over", 10, 10)``,
    ``("gehaald", 0, 0)`` or ``("tekort_of_over", up_to_short, up_to_over)``; None when unknown.

    The one reading of a gap: the panel, the presentation window and the documents all word it
    from this (the app translates the words, never the arithmetic).
    """
    a, b = _opt_int(gap_min), _opt_int(gap_max)
    if a is None or b is None:
        return None
    lo, hi = sorted((a, b))
    if lo == hi == 0:
        return ("gehaald", 0, 0)
    if lo >= 0:
        return ("tekort", lo, hi)
    if hi <= 0:
        return ("over", -hi, -lo)
    return ("tekort_of_over", hi, -lo)


def gap_words(gap_min: Any, gap_max: Any) -> str:
    """Dutch words for a gap: "tekort 0–20", "over 10", "opgave gehaald", "tekort tot 8, of over tot 16"."""
    kind = gap_kind(gap_min, gap_max)
    if kind is None:
        return ""
    name, a, b = kind
    if name == "gehaald":
        return "opgave gehaald"
    if name == "tekort_of_over":
        return f"tekort tot {a}, of over tot {b}"
    return f"{name} {span(a, b)}"


# --- inputs --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpgaveRow:
    """One target: ``target_homes`` of ``category`` in ``period_start``–``period_end`` (inclusive)."""

    category: str
    period_start: int
    period_end: int
    target_homes: int
    wijk: str | None = None
    source: str | None = None

    @property
    def period(self) -> str:
        return f"{self.period_start}-{self.period_end}"


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


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


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


def _check_opgave(targets: Sequence[OpgaveRow]) -> None:
    seen: set[tuple[str, int, int, str]] = set()
    for t in targets:
        if t.period_end < t.period_start:
            raise InputsError(
                f"Opgave {t.category}: periode {t.period_start}-{t.period_end} eindigt vóór het begin.",
                hint="Geef de periode op als BEGINJAAR-EINDJAAR, bijv. 2026-2030.",
            )
        key = (t.category, t.period_start, t.period_end, _norm(t.wijk))
        if key in seen:
            raise InputsError(
                f"Opgave {t.category} {t.period_start}-{t.period_end} staat er dubbel in.",
                hint="Houd per categorie, periode en wijk één opgave aan.",
            )
        seen.add(key)


@dataclass(frozen=True)
class _Res:
    """One counted reservation, as the ledger reads it."""

    fid: int | None
    plot_id: str
    category: str
    status: str
    cap_min: int
    cap_max: int
    years: tuple[int, ...]
    weights: tuple[float, ...]
    split: str
    segment: str
    segment_known: bool
    area: str  # the wijk/buurt label: "Wippolder-Noord (BU05030301)", "X (ingevuld)", "onbekend"
    area_code: str | None
    area_name: str | None
    area_source: str  # "kaart", "ingevuld" or "onbekend"
    wijk_keys: frozenset[str]
    drieslag: Drieslag
    estimate_min: int | None
    estimate_max: int | None
    estimate_basis: str | None
    plan_max: int | None
    profile: str | None
    profile_basis: str | None
    issues: tuple[str, ...] = ()  # data the ledger could not use as stored

    @property
    def live(self) -> bool:
        return self.status != _VERVALLEN

    @property
    def label(self) -> str:
        ident = f"reservering {self.fid}" if self.fid is not None else "reservering"
        return f"{ident} ({self.plot_id}, {self.category})"

    @property
    def years_text(self) -> str:
        if not self.years:
            return ""
        return str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}–{self.years[-1]}"

    def per_year(self) -> list[tuple[int, int, int]]:
        """(year, homes min, homes max) with the minimum and the extra up to the maximum apportioned."""
        lo = apportion(self.cap_min, self.weights)
        extra = apportion(self.cap_max - self.cap_min, self.weights)
        return [(y, a, a + e) for y, a, e in zip(self.years, lo, extra, strict=True)]


def _years(r: Mapping[str, Any], issues: list[str]) -> tuple[tuple[int, ...], tuple[float, ...], str]:
    """(years, weights, split text) of a reservation; a stored split that cannot be used is noted
    in ``issues`` (edited outside the tool, say) and the homes are spread evenly instead."""
    start, end = _opt_int(r.get("year_start")), _opt_int(r.get("year_end"))
    if start is None:
        start = end
    if end is None:
        end = start
    text = _opt_str(r.get("year_split"))
    try:
        split = parse_split(text)
    except InputsError as exc:
        issues.append(f"{exc.message} De woningen zijn gelijk over de jaren verdeeld.")
        split = None
    if split and start is not None and end is not None and any(not start <= y <= end for y in split):
        issues.append(
            f"de verdeling ({format_split(split)}) noemt jaren buiten {start}-{end}; "
            "de woningen zijn gelijk over de jaren verdeeld"
        )
        split = None
    if split:
        return tuple(split), tuple(split.values()), format_split(split)
    if start is None or end is None:
        return (), (), ""
    lo, hi = sorted((start, end))
    years = tuple(range(lo, hi + 1))
    return years, tuple(1.0 for _ in years), ""


def _area(r: Mapping[str, Any]) -> tuple[str, str | None, str | None, str, frozenset[str]]:
    """(label, code, name, source, keys a wijk opgave matches): the map first, typed text as fallback."""
    code, name = _opt_str(r.get("area_code")), _opt_str(r.get("area_name"))
    if code or name:
        label = f"{name} ({code})" if code and name else str(code or name)
        keys = {
            _norm(x) for x in (code, name, _opt_str(r.get("wijk_code")), _opt_str(r.get("wijk_name"))) if x
        }
        return label, code, name, "kaart", frozenset(keys)
    typed = _opt_str(r.get("wijk"))
    if typed:
        return f"{typed} (ingevuld)", None, typed, "ingevuld", frozenset({_norm(typed)})
    return "onbekend", None, None, "onbekend", frozenset()


def _column_values(column: pd.Series) -> list[Any]:
    """A column's values as ``to_dict("records")`` gives them: Python scalars, and pd.NA as None
    in extension columns. Object columns (rare here) go through pandas' own records path."""
    dtype = column.dtype
    if isinstance(dtype, (pd.BooleanDtype, pd.StringDtype)) or (
        pd.api.types.is_extension_array_dtype(dtype)
        and (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype))
    ):
        # masked and string arrays give Python scalars already: only their NA changes
        return [None if v is pd.NA else v for v in column.tolist()]
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return column.tolist()  # numpy columns: Python scalars, NaN kept, as the records give them
    return [row["v"] for row in column.rename("v").to_frame().to_dict("records")]


def _frame_rows(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """The rows of ``frame`` as dicts with the values ``to_dict("records")`` gives, from column
    lists: a fraction of its cost on extension dtypes (the ledger reads every row once)."""
    names = [str(k) for k in frame.columns]
    columns = [_column_values(frame.iloc[:, i]) for i in range(len(names))]
    if not columns:
        yield from ({} for _ in range(len(frame)))
        return
    for values in zip(*columns, strict=True):
        yield dict(zip(names, values, strict=True))


_V = TypeVar("_V")


def _cached(memo: dict[Any, _V], value: Any, compute: Callable[[Any], _V]) -> _V:
    """``compute(value)``, remembered in ``memo`` for a str or None value (others computed anew)."""
    if value is not None and not isinstance(value, str):
        return compute(value)
    if value not in memo:
        memo[value] = compute(value)
    return memo[value]


_VERVALLEN = ReservationStatus.VERVALLEN.value  # read per allocation: not the enum's lookup each time


def _reservation_list(reservations: pd.DataFrame, rules: LedgerRules) -> list[_Res]:
    needed = {"category", "capacity_min", "capacity_max", "status"}
    missing = needed - set(reservations.columns)
    if missing:
        raise InputsError(
            f"De reserveringentabel mist kolommen: {', '.join(sorted(missing))}.",
            hint="Geef category, capacity_min, capacity_max en status op.",
        )
    out: list[_Res] = []
    # Many reservations share their years, segment and partners' roles: each distinct value is
    # read once (the same results; a Drieslag is immutable, so rows may share one).
    years_of: dict[tuple[Any, Any, Any], tuple[tuple[int, ...], tuple[float, ...], str, tuple[str, ...]]] = {}
    segments_of: dict[Any, tuple[str, bool]] = {}
    drieslagen: dict[Any, Drieslag] = {}
    for r in _frame_rows(reservations):
        if "active" in r and r["active"] is not None and r["active"] is not pd.NA and not bool(r["active"]):
            continue  # withdrawn rows (not "vervallen", which stays visible) do not count at all
        status = str(r["status"])
        if status not in RESERVATION_STATUSES:
            raise InputsError(
                f"Onbekende status '{status}' in de reserveringen.",
                hint=f"Gebruik een van: {', '.join(RESERVATION_STATUSES)}.",
            )
        fid = _opt_int(r.get("fid"))
        plot_id = _opt_str(r.get("plot_id")) or ""
        category = str(r["category"])
        issues: list[str] = []
        when = (r.get("year_start"), r.get("year_end"), r.get("year_split"))
        try:
            known_years = years_of.get(when)
        except TypeError:  # an unhashable value: read as it is
            known_years = None
            when = None  # type: ignore[assignment]
        if known_years is None:
            said: list[str] = []
            known_years = (*_years(r, said), tuple(said))
            if when is not None:
                years_of[when] = known_years
        years, weights, split, year_issues = known_years
        issues.extend(year_issues)
        cap_min = _opt_int(r["capacity_min"]) or 0
        cap_max = _opt_int(r["capacity_max"])
        cap_max = cap_min if cap_max is None else cap_max
        segment, known = _cached(segments_of, r.get("segment"), lambda v: segment_of(v, rules))
        area, code, name, source, keys = _area(r)
        out.append(
            _Res(
                fid=fid,
                plot_id=plot_id,
                category=category,
                status=status,
                cap_min=min(cap_min, cap_max),
                cap_max=max(cap_min, cap_max),
                years=years,
                weights=weights,
                split=split,
                segment=segment,
                segment_known=known,
                area=area,
                area_code=code,
                area_name=name,
                area_source=source,
                wijk_keys=keys,
                drieslag=_cached(drieslagen, r.get("partner_roles"), lambda v: drieslag_of(v, rules)),
                estimate_min=_opt_int(r.get("estimate_min")),
                estimate_max=_opt_int(r.get("estimate_max")),
                estimate_basis=_opt_str(r.get("estimate_basis")),
                plan_max=_opt_int(r.get("plan_max")),
                profile=_opt_str(r.get("plot_profile")),
                profile_basis=_opt_str(r.get("plot_profile_basis")),
                issues=tuple(issues),
            )
        )
    return out


# --- the allocation: one row per reservation and period, the base of every total ----------------


@dataclass(frozen=True)
class _Alloc:
    res: _Res
    period: str
    years: tuple[int, ...]
    homes_min: int
    homes_max: int


def _periods(targets: Sequence[OpgaveRow], category: str) -> list[tuple[int, int]]:
    return sorted({(t.period_start, t.period_end) for t in targets if t.category == category})


def _compress(years: Iterable[int]) -> str:
    """2031, 2032, 2033, 2035 → "2031–2033, 2035"."""
    ys = sorted(set(years))
    parts: list[str] = []
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        parts.append(str(ys[i]) if i == j else f"{ys[i]}–{ys[j]}")
        i = j + 1
    return ", ".join(parts)


def _period_of(year: int, periods: list[tuple[int, int]]) -> str:
    """The first (earliest) period holding the year: overlapping opgave periods never count twice."""
    return next((f"{a}-{b}" for a, b in periods if a <= year <= b), OUTSIDE)


def _allocate(
    res: _Res, periods: list[tuple[int, int]], per_year: list[tuple[int, int, int]]
) -> list[_Alloc]:
    """``per_year``: ``res.per_year()`` (computed once; the year table reads it too)."""
    if not res.years:
        return [_Alloc(res, NO_YEARS, (), res.cap_min, res.cap_max)]
    buckets: dict[str, list[tuple[int, int, int]]] = {}
    for year, lo, hi in per_year:
        buckets.setdefault(_period_of(year, periods), []).append((year, lo, hi))
    return [
        _Alloc(
            res, p, tuple(y for y, _, _ in rows), sum(lo for _, lo, _ in rows), sum(hi for _, _, hi in rows)
        )
        for p, rows in buckets.items()
    ]


class _Acc:
    """Sums of allocations per status, plus who is in them."""

    def __init__(self) -> None:
        self.lo = dict.fromkeys(RESERVATION_STATUSES, 0)
        self.hi = dict.fromkeys(RESERVATION_STATUSES, 0)
        self.live: set[int] = set()
        self.vervallen: set[int] = set()
        self.plots: set[str] = set()
        self.years: set[int] = set()

    def add(self, a: _Alloc) -> None:
        self.lo[a.res.status] += a.homes_min
        self.hi[a.res.status] += a.homes_max
        (self.live if a.res.live else self.vervallen).add(id(a.res))
        if a.res.plot_id:
            self.plots.add(a.res.plot_id)
        self.years.update(a.years)

    def values(self, target: int | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for status in RESERVATION_STATUSES:
            out[f"{STATUS_KEYS[status]}_min"] = self.lo[status]
            out[f"{STATUS_KEYS[status]}_max"] = self.hi[status]
        for name, statuses in (("zeker", ZEKER_STATUSES), ("in_beeld", IN_BEELD_STATUSES)):
            out[f"{name}_min"] = sum(self.lo[s] for s in statuses)
            out[f"{name}_max"] = sum(self.hi[s] for s in statuses)
        for gap, total in (("gap", "in_beeld"), ("gap_zeker", "zeker")):
            out[f"{gap}_min"] = None if target is None else target - out[f"{total}_min"]
            out[f"{gap}_max"] = None if target is None else target - out[f"{total}_max"]
        out["n_reservations"] = len(self.live)
        out["n_vervallen"] = len(self.vervallen)
        out["plot_ids"] = ", ".join(sorted(self.plots)) or None
        return out


def _accumulate(allocs: Iterable[_Alloc], key: Any) -> dict[Any, _Acc]:
    out: dict[Any, _Acc] = {}
    for a in allocs:
        k = key(a)
        acc = out.get(k)
        if acc is None:  # not setdefault: that builds an _Acc for every allocation
            acc = out[k] = _Acc()
        acc.add(a)
    return out


# --- the result ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    """The bod ledger in tables; every total is a sum of :attr:`allocation`.

    * ``periods``: category × period (each opgave period, then "buiten opgave", "zonder jaren")
      with the opgave, homes per status (``<status>_min``/``_max``), zeker, in beeld and gaps
      (:data:`LEDGER_COLUMNS`).
    * ``segments`` and ``wijken``: the same per category × period × segment / wijk-buurt.
    * ``opgave``: every opgave row (also per wijk) with its source and what counts toward it.
    * ``allocation``: reservation × period with the homes given to the period.
    * ``reservations``: one row per counted reservation: capacity (opgegeven) and the tool's
      estimate (schatting), the drieslag, the plot's profile and its warnings.
    """

    periods: pd.DataFrame
    segments: pd.DataFrame
    wijken: pd.DataFrame
    opgave: pd.DataFrame
    allocation: pd.DataFrame
    reservations: pd.DataFrame
    drieslag_complete: int
    drieslag_total: int
    warnings: tuple[str, ...] = field(default_factory=tuple)
    reservation_warnings: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # fid → without label
    drieslagen: Mapping[int, Drieslag] = field(default_factory=dict)  # fid → its drieslag
    years: pd.DataFrame = field(default_factory=pd.DataFrame)  # reservation × opleverjaar (YEAR_COLUMNS)

    @property
    def empty(self) -> bool:
        return self.periods.empty

    def about(self, fid: int) -> dict[str, Any]:
        """One reservation as the ledger sees it: ``estimate`` ("7–15 woningen (basis)" or ''),
        ``drieslag`` ("compleet" / "mist …"), ``periods`` and its ``warnings``."""
        rows = self.reservations[self.reservations["fid"] == fid]
        if rows.empty:
            return {"estimate": "", "drieslag": "", "periods": "", "warnings": []}
        r = rows.iloc[0]
        estimate = ""
        if r["estimate_max"] is not pd.NA:
            basis = "" if r["estimate_basis"] is pd.NA else f" ({r['estimate_basis']})"
            estimate = f"{span(r['estimate_min'], r['estimate_max'])} woningen{basis}"
        return {
            "estimate": estimate,
            "drieslag": str(r["drieslag"]),
            "periods": str(r["periods"]),
            "warnings": list(self.reservation_warnings.get(fid, ())),
        }

    @property
    def drieslag_line(self) -> str:
        """ "2 van 5 reserveringen met complete drieslag (corporatie/belegger, zorgorganisatie, …)"."""
        steps = ", ".join(s.label for s in ledger_rules().drieslag)
        return f"{self.drieslag_complete} van {self.drieslag_total} reserveringen met complete drieslag ({steps})"


def _typed(frame: pd.DataFrame, ints: Sequence[str], texts: Sequence[str]) -> pd.DataFrame:
    """``ints`` as Int64 and ``texts`` as string (the columns present); use the frame returned."""
    whole: dict[str, str] = {}
    for col in ints:
        if col in frame.columns:
            values = frame[col]
            if len(frame) and values.dtype != np.int64:  # None/NaN or mixed objects: element by element
                frame[col] = pd.array(values.tolist(), dtype="Int64")
            else:  # whole numbers without gaps (most count columns): the same values, converted at once
                whole[col] = "Int64"
    if whole:
        frame = frame.astype(whole)
    text = {col: "string" for col in texts if col in frame.columns}
    return frame.astype(text) if text else frame


def _period_order(category_periods: list[tuple[int, int]], present: set[str]) -> list[str]:
    out = [f"{a}-{b}" for a, b in category_periods]
    out += [p for p in (OUTSIDE, NO_YEARS) if p in present]
    return out


def _profile_warning(res: _Res, order: Sequence[str]) -> str | None:
    if res.profile is None or res.category not in order:
        return None
    basis = f": {res.profile_basis}" if res.profile_basis else ""
    if res.profile not in order:  # "geen": too small for any category
        return f"de kavel past bij geen enkele woonvorm{basis}"
    if order.index(res.profile) > order.index(res.category):
        return f"de kavel past bij {res.profile}, niet bij {res.category}{basis}"
    return None


def compute_ledger(opgave: Sequence[OpgaveRow] | pd.DataFrame, reservations: pd.DataFrame) -> Ledger:
    """The ledger of an opgave and a reservations table (see the module docstring for the rules).

    ``reservations`` needs ``category``, ``status``, ``capacity_min`` and ``capacity_max``; it
    may carry ``fid``, ``plot_id``, ``active``, ``year_start``, ``year_end``, ``year_split``,
    ``segment``, ``wijk`` (typed), ``area_code``/``area_name``/``wijk_code``/``wijk_name``
    (the plot's CBS wijk/buurt), ``partner_roles`` ("corporatie;bewoners"),
    ``estimate_min``/``estimate_max``/``estimate_basis``/``plan_max`` (the tool's estimate)
    and ``plot_profile``/``plot_profile_basis``. Withdrawn rows (``active`` false) are left
    out; vervallen ones are shown but never totalled. The inputs are not changed.
    """
    rules = ledger_rules()
    targets = _opgave_list(opgave)
    _check_opgave(targets)
    res = _reservation_list(reservations, rules)

    categories: list[str] = []
    for name in [t.category for t in targets] + [r.category for r in res]:
        if name not in categories:
            categories.append(name)
    periods_of = {c: _periods(targets, c) for c in categories}
    per_year_of = {id(r): r.per_year() for r in res if r.years}
    allocs = [a for r in res for a in _allocate(r, periods_of[r.category], per_year_of.get(id(r), []))]

    # --- category × period
    by_period = _accumulate(allocs, lambda a: (a.res.category, a.period))
    period_rows: list[dict[str, Any]] = []
    orders: dict[str, list[str]] = {}
    for category in categories:
        own = [t for t in targets if t.category == category]
        present = {p for (c, p) in by_period if c == category}
        orders[category] = _period_order(periods_of[category], present)
        overlaps = [
            (first, later)
            for i, first in enumerate(periods_of[category])
            for later in periods_of[category][i + 1 :]
            if later[0] <= first[1]
        ]
        for period in orders[category]:
            acc = by_period.get((category, period), _Acc())
            start = end = None
            target: int | None = None
            target_source: str | None = None
            notes: list[str] = []
            if period not in (OUTSIDE, NO_YEARS):
                start, end = (int(x) for x in period.split("-"))
                whole = [t for t in own if (t.period_start, t.period_end) == (start, end) and t.wijk is None]
                parts = [
                    t for t in own if (t.period_start, t.period_end) == (start, end) and t.wijk is not None
                ]
                if whole:
                    target, target_source = whole[0].target_homes, whole[0].source or "opgave"
                elif parts:
                    target = sum(t.target_homes for t in parts)
                    target_source = "som van de wijkopgaven"
                    notes.append(f"opgave = som van {len(parts)} wijkopgave(n)")
                for first, later in overlaps:
                    if (start, end) == later:
                        notes.append(
                            f"overlapt met {first[0]}-{first[1]}: de jaren {later[0]}–{min(first[1], later[1])} "
                            f"tellen bij {first[0]}-{first[1]}"
                        )
            elif period == OUTSIDE:
                notes.append(f"opleverjaren {_compress(acc.years)} vallen buiten elke opgaveperiode")
            else:
                notes.append(
                    f"{len(acc.live) + len(acc.vervallen)} reservering(en) zonder opleverjaren: "
                    "geef jaren op om ze aan een periode toe te wijzen"
                )
            if not own:
                notes.append(f"geen opgave voor {category}")
            period_rows.append(
                {
                    "category": category,
                    "period": period,
                    "period_start": start,
                    "period_end": end,
                    "target": target,
                    "target_source": target_source,
                    **acc.values(target),
                    "notes": "; ".join(notes) or None,
                }
            )
    periods = _typed(
        pd.DataFrame(period_rows, columns=list(LEDGER_COLUMNS)),
        [
            "period_start",
            "period_end",
            "target",
            *_STATUS_COLUMNS,
            *_SUM_COLUMNS,
            *_GAP_COLUMNS,
            *_COUNT_COLUMNS,
        ],
        ["category", "period", "target_source", "plot_ids", "notes"],
    )

    # --- per segment and per wijk/buurt: the same allocation, another key
    seg_order = {name: i for i, name in enumerate(rules.segment_names)}
    seg_acc = _accumulate(allocs, lambda a: (a.res.category, a.period, a.res.segment, a.res.segment_known))
    seg_rows = [
        {"category": c, "period": p, "segment": s, "segment_known": k, **acc.values(None)}
        for (c, p, s, k), acc in sorted(
            seg_acc.items(),
            key=lambda kv: (
                categories.index(kv[0][0]),
                orders[kv[0][0]].index(kv[0][1]),
                seg_order.get(kv[0][2], len(seg_order)),
                kv[0][2],
            ),
        )
    ]
    seg_cols = ["category", "period", "segment", "segment_known", *_VALUE_COLUMNS, "plot_ids"]
    segments = _typed(
        pd.DataFrame(seg_rows, columns=seg_cols),
        _VALUE_COLUMNS,
        ["category", "period", "segment", "plot_ids"],
    )

    wijk_acc = _accumulate(
        allocs,
        lambda a: (a.res.category, a.period, a.res.area, a.res.area_code, a.res.area_name, a.res.area_source),
    )
    source_order = {"kaart": 0, "ingevuld": 1, "onbekend": 2}
    wijk_rows = [
        {
            "category": c,
            "period": p,
            "area": area,
            "area_code": code,
            "area_name": name,
            "area_source": src,
            **acc.values(None),
        }
        for (c, p, area, code, name, src), acc in sorted(
            wijk_acc.items(),
            key=lambda kv: (
                categories.index(kv[0][0]),
                orders[kv[0][0]].index(kv[0][1]),
                source_order.get(kv[0][5], 3),
                kv[0][2],
            ),
        )
    ]
    wijk_cols = [
        "category",
        "period",
        "area",
        "area_code",
        "area_name",
        "area_source",
        *_VALUE_COLUMNS,
        "plot_ids",
    ]
    wijken = _typed(
        pd.DataFrame(wijk_rows, columns=wijk_cols),
        _VALUE_COLUMNS,
        ["category", "period", "area", "area_code", "area_name", "area_source", "plot_ids"],
    )

    # --- every opgave row with what counts toward it
    opgave_out: list[dict[str, Any]] = []
    for t in sorted(
        targets,
        key=lambda t: (
            categories.index(t.category),
            t.period_start,
            t.period_end,
            t.wijk is not None,
            t.wijk or "",
        ),
    ):
        period = t.period
        mine = [a for a in allocs if a.res.category == t.category and a.period == period]
        notes = []
        if t.wijk is not None:
            mine = [a for a in mine if _norm(t.wijk) in a.res.wijk_keys]
            typed = {id(a.res) for a in mine if a.res.area_source == "ingevuld"}
            if typed:
                notes.append(
                    f"{len(typed)} reservering(en) alleen op de ingevulde wijk meegeteld (niet op de kaart)"
                )
        acc = _Acc()
        for a in mine:
            acc.add(a)
        opgave_out.append(
            {
                "category": t.category,
                "period": period,
                "period_start": t.period_start,
                "period_end": t.period_end,
                "wijk": t.wijk,
                "target": t.target_homes,
                "source": t.source,
                **acc.values(t.target_homes),
                "notes": "; ".join(notes) or None,
            }
        )
    opg_cols = [
        "category",
        "period",
        "period_start",
        "period_end",
        "wijk",
        "target",
        "source",
        *_VALUE_COLUMNS,
        *_GAP_COLUMNS,
        "plot_ids",
        "notes",
    ]
    opgave_frame = _typed(
        pd.DataFrame(opgave_out, columns=opg_cols),
        ["period_start", "period_end", "target", *_VALUE_COLUMNS, *_GAP_COLUMNS],
        ["category", "period", "wijk", "source", "plot_ids", "notes"],
    )

    # --- the allocation itself
    alloc_cols = [
        "fid",
        "plot_id",
        "category",
        "status",
        "period",
        "years",
        "homes_min",
        "homes_max",
        "segment",
        "area",
    ]
    allocation = _typed(
        pd.DataFrame(
            [
                {
                    "fid": a.res.fid,
                    "plot_id": a.res.plot_id,
                    "category": a.res.category,
                    "status": a.res.status,
                    "period": a.period,
                    "years": _compress(a.years),
                    "homes_min": a.homes_min,
                    "homes_max": a.homes_max,
                    "segment": a.res.segment,
                    "area": a.res.area,
                }
                for a in allocs
            ],
            columns=alloc_cols,
        ),
        ["fid", "homes_min", "homes_max"],
        ["plot_id", "category", "status", "period", "years", "segment", "area"],
    )

    # --- per reservation: estimate, drieslag, profile, warnings
    warnings: list[str] = []
    per_res: dict[int, tuple[str, ...]] = {}
    res_rows: list[dict[str, Any]] = []
    complete = total = 0
    allocs_of: dict[int, list[_Alloc]] = {}
    for a in allocs:
        allocs_of.setdefault(id(a.res), []).append(a)
    for r in res:
        cap_warn = capacity_warnings(
            r.cap_min, r.cap_max, r.estimate_min, r.estimate_max, r.plan_max, r.estimate_basis
        )
        prof_warn = _profile_warning(r, rules.profile_order)
        if r.live:
            total += 1
            complete += int(r.drieslag.complete)
            said = [*cap_warn, *r.issues]
            if prof_warn:
                said.append(prof_warn)
            if r.area_source == "ingevuld":
                said.append(f"wijk '{r.area_name}' is ingevuld; de kavel ligt niet in de CBS-buurtenlaag")
            if not r.segment_known:
                said.append(f"segment '{r.segment}' is geen van {', '.join(rules.segment_names)}")
            warnings.extend(f"{r.label}: {w}" for w in said)
            if r.fid is not None:
                per_res[r.fid] = tuple(said)
        periods_text = "; ".join(
            f"{a.period}: {span(a.homes_min, a.homes_max)}" for a in allocs_of.get(id(r), [])
        )
        res_rows.append(
            {
                "fid": r.fid,
                "plot_id": r.plot_id,
                "category": r.category,
                "status": r.status,
                "live": r.live,
                "capacity_min": r.cap_min,
                "capacity_max": r.cap_max,
                "estimate_min": r.estimate_min,
                "estimate_max": r.estimate_max,
                "estimate_basis": r.estimate_basis,
                "plan_max": r.plan_max,
                "capacity_warning": "; ".join(cap_warn) or None,
                "years": r.years_text or None,
                "split": r.split or None,
                "periods": periods_text,
                "segment": r.segment,
                "area": r.area,
                "area_source": r.area_source,
                **{f"drieslag_{k}": v for k, v in r.drieslag.lit.items()},
                "drieslag_complete": r.drieslag.complete,
                "drieslag": r.drieslag.text,
                "plot_profile": r.profile,
                "profile_warning": prof_warn,
            }
        )
    res_cols = [
        "fid", "plot_id", "category", "status", "live", "capacity_min", "capacity_max", "estimate_min",
        "estimate_max", "estimate_basis", "plan_max", "capacity_warning", "years", "split", "periods",
        "segment", "area", "area_source", *(f"drieslag_{s.key}" for s in rules.drieslag),
        "drieslag_complete", "drieslag", "plot_profile", "profile_warning",
    ]  # fmt: skip
    reservations_out = _typed(
        pd.DataFrame(res_rows, columns=res_cols),
        ["fid", "capacity_min", "capacity_max", "estimate_min", "estimate_max", "plan_max"],
        ["plot_id", "category", "status", "estimate_basis", "capacity_warning", "years", "split", "periods",
         "segment", "area", "area_source", "drieslag", "plot_profile", "profile_warning"],
    )  # fmt: skip
    year_rows = [
        {"fid": r.fid, "plot_id": r.plot_id, "category": r.category, "status": r.status, "year": y,
         "period": NO_YEARS if y is None else _period_of(y, periods_of[r.category]),
         "homes_min": lo, "homes_max": hi}
        for r in res
        for y, lo, hi in (per_year_of[id(r)] if r.years else [(None, r.cap_min, r.cap_max)])
    ]  # fmt: skip
    per_year = _typed(
        pd.DataFrame(year_rows, columns=list(YEAR_COLUMNS)),
        ["fid", "year", "homes_min", "homes_max"],
        ["plot_id", "category", "status", "period"],
    )
    for row in period_rows:
        if row["period"] == NO_YEARS and row["n_reservations"]:
            warnings.append(f"{row['category']}: {row['notes']}")
    return Ledger(
        periods=periods,
        segments=segments,
        wijken=wijken,
        opgave=opgave_frame,
        allocation=allocation,
        reservations=reservations_out,
        drieslag_complete=complete,
        drieslag_total=total,
        warnings=tuple(warnings),
        reservation_warnings=per_res,
        drieslagen={r.fid: r.drieslag for r in res if r.fid is not None},
        years=per_year,
    )


def ledger(opgave: Sequence[OpgaveRow] | pd.DataFrame, reservations: pd.DataFrame) -> pd.DataFrame:
    """The ledger's category × period table (:attr:`Ledger.periods`) of :func:`compute_ledger`."""
    return compute_ledger(opgave, reservations).periods


# --- words: text, JSON and summary lines -------------------------------------------------------------

_SHORT = {
    "kansrijk": "kansrijk",
    "voorgedragen": "voorgedr.",
    "gereserveerd": "gereserv.",
    "in prestatieafspraak": "prest.afspr.",
    "in ontwikkeling": "in ontw.",
    "gerealiseerd": "gereal.",
    "vervallen": "vervallen",
}


def _text(value: Any, empty: str = "–") -> str:
    if value is None or value is pd.NA:
        return empty
    return str(value)


def _table(header: list[str], body: list[list[str]], left: int) -> list[str]:
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(header)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [fmt(header), "  ".join("-" * w for w in widths), *(fmt(b) for b in body)]


def ledger_summary_lines(book: Ledger) -> list[str]:
    """Lines for a document: one per category and period, then the drieslag count.

    "geclusterd 2026-2030: opgave 70 · zeker 20–30 · in beeld 50–70 · tekort 0–20" (homes);
    a period without opgave ("buiten opgave", "zonder jaren") only says what is there.
    """
    lines: list[str] = []
    for _, row in book.periods.iterrows():
        target = row["target"]
        parts = [] if target is pd.NA else [f"opgave {int(target)}"]
        parts += [
            f"zeker {span(row['zeker_min'], row['zeker_max'])}",
            f"in beeld {span(row['in_beeld_min'], row['in_beeld_max'])}",
        ]
        gap = gap_words(row["gap_min"], row["gap_max"])
        if gap:
            parts.append(gap)
        lines.append(f"{row['category']} {row['period']}: " + " · ".join(parts))
    if book.drieslag_total:
        lines.append(book.drieslag_line)
    return lines


def ledger_text(book: Ledger) -> str:
    """The ledger as Dutch plain text: per period, per segment, per wijk/buurt, drieslag, warnings."""
    if book.empty:
        return "Nog geen opgave en geen reserveringen: voer een opgave in (project opgave)."
    shown = [s for s in RESERVATION_STATUSES if s != ReservationStatus.VERVALLEN]
    header = [
        "categorie",
        "periode",
        "opgave",
        *(_SHORT[s] for s in shown),
        "zeker",
        "in beeld",
        "tekort",
        "vervallen",
    ]
    body: list[list[str]] = []
    notes: list[str] = []
    for _, r in book.periods.iterrows():
        line = [_text(r["category"]), _text(r["period"]), _text(r["target"])]
        line += [span(r[f"{STATUS_KEYS[s]}_min"], r[f"{STATUS_KEYS[s]}_max"]) for s in shown]
        line += [
            span(r["zeker_min"], r["zeker_max"]),
            span(r["in_beeld_min"], r["in_beeld_max"]),
            gap_words(r["gap_min"], r["gap_max"]) or "–",
            span(r["vervallen_min"], r["vervallen_max"]),
        ]
        if r["notes"] is not pd.NA:
            line[0] += f" [{len(notes) + 1}]"
            notes.append(str(r["notes"]))
        body.append(line)
    lines = ["Per categorie en periode (woningen als min–max):", *_table(header, body, 2)]
    lines.extend(f"[{i}] {n}" for i, n in enumerate(notes, start=1))

    for title, frame, key, label in (
        ("Per segment:", book.segments, "segment", "segment"),
        (
            "Per wijk/buurt (CBS-buurtenlaag; 'ingevuld' = getypte wijk, niet op de kaart):",
            book.wijken,
            "area",
            "wijk/buurt",
        ),
    ):
        if frame.empty:
            continue
        rows = [
            [_text(r["category"]), _text(r["period"]), _text(r[key]), span(r["zeker_min"], r["zeker_max"]),
             span(r["in_beeld_min"], r["in_beeld_max"]), span(r["vervallen_min"], r["vervallen_max"])]
            for _, r in frame.iterrows()
        ]  # fmt: skip
        lines += [
            "",
            title,
            *_table(["categorie", "periode", label, "zeker", "in beeld", "vervallen"], rows, 3),
        ]

    wijk_targets = book.opgave[book.opgave["wijk"].notna()] if not book.opgave.empty else book.opgave
    if len(wijk_targets):
        rows = [
            [_text(r["category"]), _text(r["period"]), _text(r["wijk"]), _text(r["target"]),
             span(r["zeker_min"], r["zeker_max"]), span(r["in_beeld_min"], r["in_beeld_max"]),
             gap_words(r["gap_min"], r["gap_max"]) or "–"]
            for _, r in wijk_targets.iterrows()
        ]  # fmt: skip
        lines += [
            "",
            "Opgave per wijk:",
            *_table(["categorie", "periode", "wijk", "opgave", "zeker", "in beeld", "tekort"], rows, 3),
        ]

    if book.drieslag_total:
        lines += ["", f"Drieslag: {book.drieslag_line}."]
        for _, r in book.reservations.iterrows():
            if bool(r["live"]) and not bool(r["drieslag_complete"]):
                lines.append(
                    f"  reservering {_text(r['fid'])} ({r['plot_id']}, {r['category']}): {r['drieslag']}"
                )
    if book.warnings:
        lines += ["", "Waarschuwingen:", *(f"  - {w}" for w in book.warnings)]
    lines += ["", *DEFINITIONS.values()]
    return "\n".join(lines)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def ledger_json(book: Ledger) -> dict[str, Any]:
    """The whole ledger as JSON-ready data (``bodnaarplot ledger --json``); missing values → None."""
    return {
        "definitions": dict(DEFINITIONS),
        "periods": _records(book.periods),
        "segments": _records(book.segments),
        "wijken": _records(book.wijken),
        "opgave": _records(book.opgave),
        "reservations": _records(book.reservations),
        "allocation": _records(book.allocation),
        "drieslag": {
            "complete": book.drieslag_complete,
            "total": book.drieslag_total,
            "steps": [
                {"key": s.key, "label": s.label, "roles": sorted(s.roles)} for s in ledger_rules().drieslag
            ],
        },
        "warnings": list(book.warnings),
    }


# --- the delivery curve ----------------------------------------------------------------------------

CURVE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("zeker", ZEKER_STATUSES),
    ("in_beeld", IN_BEELD_STATUSES),
    ("gerealiseerd", (ReservationStatus.GEREALISEERD.value,)),
)


def _opgave_path(spans: Sequence[tuple[int, int, int]], year: int) -> float:
    """The opgave due by the end of ``year``: each period's target spread evenly over its years."""
    due = Fraction(0)
    for start, end, target in spans:
        done = min(max(year - start + 1, 0), end - start + 1)
        due += Fraction(target * done, end - start + 1)
    return float(due)


def delivery_curve(book: Ledger) -> pd.DataFrame:
    """Homes per opleverjaar and cumulated, per category, against the opgave's path.

    One row per category and year, from the first opgave or delivery year to the last: homes
    delivered in the year (``zeker_min`` … ``gerealiseerd_max``, from :attr:`Ledger.years`, so
    with the ledger's apportionment and definitions), the same cumulated (``*_cum_min``/``_max``)
    and ``opgave_path``: the opgave due by the end of the year if each period's target is
    reached evenly over its years (cumulated over the periods; homes, may be fractional).
    Reservations without opleverjaren have no place on the curve (the ledger flags them).
    """
    groups = [g for g, _ in CURVE_GROUPS]
    value_cols = [f"{g}_{b}" for g in groups for b in ("min", "max")]
    cum_cols = [f"{g}_cum_{b}" for g in groups for b in ("min", "max")]
    columns = ["category", "year", "opgave_path", *value_cols, *cum_cols]
    periods = book.periods
    years = book.years
    categories = list(dict.fromkeys([*periods["category"].dropna(), *years.get("category", [])]))
    rows: list[dict[str, Any]] = []
    for category in categories:
        own = periods[(periods["category"] == category) & periods["target"].notna()]
        spans = [(int(r["period_start"]), int(r["period_end"]), int(r["target"])) for _, r in own.iterrows()]
        mine = years[(years["category"] == category) & years["year"].notna()] if len(years) else years
        span_years = [y for a, b, _ in spans for y in (a, b)] + [int(y) for y in mine.get("year", [])]
        if not span_years:
            continue
        cum = dict.fromkeys(cum_cols, 0)
        for year in range(min(span_years), max(span_years) + 1):
            row: dict[str, Any] = {"category": category, "year": year}
            row["opgave_path"] = _opgave_path(spans, year) if spans else None
            this = mine[mine["year"] == year]
            for group, statuses in CURVE_GROUPS:
                hit = this[this["status"].isin(statuses)]
                for bound in ("min", "max"):
                    value = int(hit[f"homes_{bound}"].sum())
                    row[f"{group}_{bound}"] = value
                    cum[f"{group}_cum_{bound}"] += value
            row.update(cum)
            rows.append(row)
    out = pd.DataFrame(rows, columns=columns)
    out = _typed(out, ["year", *value_cols, *cum_cols], ["category"])
    out["opgave_path"] = out["opgave_path"].astype("Float64")
    return out


# --- the monitor: category × opleverjaar × status ---------------------------------------------------

COUNTS_AS_ZEKER = "zeker"
COUNTS_AS_IN_BEELD = "in beeld, niet zeker"
COUNTS_NOT = "telt niet"
MONITOR_COLUMNS: tuple[str, ...] = (
    "category",
    "year",
    "period",
    "status",
    "counts_as",
    "homes_min",
    "homes_max",
    "n_reservations",
)


def counts_as(status: str) -> str:
    """What a status counts as by :data:`DEFINITIONS`: zeker, in beeld (not zeker) or nothing."""
    if status in ZEKER_STATUSES:
        return COUNTS_AS_ZEKER
    return COUNTS_AS_IN_BEELD if status in IN_BEELD_STATUSES else COUNTS_NOT


def monitor_rows(book: Ledger) -> pd.DataFrame:
    """The ledger's homes per category × opleverjaar × status (:data:`MONITOR_COLUMNS`).

    Sums of :attr:`Ledger.years`, so the homes of a category and period add up to the ledger's
    period rows exactly. ``period`` is the opgave period the year counts in ("buiten opgave",
    "zonder jaren" as in the ledger; ``year`` is empty for the latter); ``counts_as`` is
    :func:`counts_as`. Only combinations with reservations are listed, vervallen included.
    """
    years = book.years
    if years.empty:
        out = pd.DataFrame(columns=list(MONITOR_COLUMNS))
        return _typed(
            out,
            ["year", "homes_min", "homes_max", "n_reservations"],
            ["category", "period", "status", "counts_as"],
        )
    categories = list(dict.fromkeys([*book.periods["category"].dropna(), *years["category"]]))
    statuses = list(RESERVATION_STATUSES)
    keyed = years.assign(
        _year=years["year"].fillna(10**6),
        _cat=years["category"].map(categories.index),
        _status=years["status"].map(statuses.index),
    )
    grouped = (
        keyed.groupby(["_cat", "_year", "_status"], sort=True)
        .agg(
            category=("category", "first"),
            year=("year", "first"),
            period=("period", "first"),
            status=("status", "first"),
            homes_min=("homes_min", "sum"),
            homes_max=("homes_max", "sum"),
            n_reservations=("fid", "nunique"),
        )
        .reset_index(drop=True)
    )
    grouped["counts_as"] = grouped["status"].map(counts_as)
    out = grouped[list(MONITOR_COLUMNS)].copy()
    return _typed(
        out,
        ["year", "homes_min", "homes_max", "n_reservations"],
        ["category", "period", "status", "counts_as"],
    )
