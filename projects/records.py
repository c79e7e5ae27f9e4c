"""Small helpers the use cases share: rows by key, detaching, text and value checks.

Every use case is one transaction (``store.session()``); these helpers run inside it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from projects.errors import ConflictError, InputsError, ProjectError
from projects.models import (
    RESERVATION_STATUSES,
    Partner,
    PartnerType,
    Plot,
    Project,
    Reservation,
)

if TYPE_CHECKING:
    pass

DEFAULT_CATEGORIES: tuple[str, ...] = ("nultreden", "geclusterd", "zorggeschikt", "wonen met een plus")


_T = TypeVar("_T")


_YEAR_MIN, _YEAR_MAX = 1900, 2200


def project_row(session: Session) -> Project:
    project = session.scalars(select(Project)).first()
    if project is None:
        raise ProjectError("Dit project heeft geen projectgegevens.", hint="Maak het project opnieuw aan.")
    return project


def detach(session: Session, obj: _T, *related: Any) -> _T:
    """Flush, load every column and take ``obj`` out of the session so callers can read it later."""
    session.flush()
    session.refresh(obj)
    for extra in related:
        session.refresh(extra)
    for extra in related:
        if extra in session:
            session.expunge(extra)
    if obj in session:
        session.expunge(obj)
    return obj


def plot_row(session: Session, plot_id: str) -> Plot:
    plot = session.scalars(select(Plot).where(Plot.plot_id == plot_id)).first()
    if plot is None:
        raise InputsError(
            f"Kavel '{plot_id}' bestaat niet in dit project.",
            hint="Kijk met 'project info' welke kavels er zijn, of importeer eerst een kavellaag.",
        )
    return plot


def reservation_row(session: Session, reservation_id: int | str) -> Reservation:
    try:
        fid = int(reservation_id)
    except ValueError:
        fid = -1
    res = session.get(Reservation, fid)
    if res is None:
        raise InputsError(
            f"Reservering {reservation_id} bestaat niet.",
            hint="Kijk met 'project info --json' welke reserveringen er zijn (veld 'fid').",
        )
    return res


def check_version(obj: Reservation, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(
            "Iemand anders heeft deze reservering intussen gewijzigd; ververs en probeer opnieuw.",
            hint=f"U bewerkte versie {expected_version}, opgeslagen is versie {obj.version}.",
        )


def partner_row(session: Session, name: str, kind: str) -> Partner:
    partner = session.scalars(select(Partner).where(Partner.name == name, Partner.type == kind)).first()
    if partner is None:
        partner = Partner(name=name, type=kind)
        session.add(partner)
        session.flush()
    return partner


def opt_text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def opt_float(value: Any) -> float | None:
    if value is None or value is pd.NA or pd.isna(value):
        return None
    return float(value)


def json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def same_geom(a: shapely.Geometry | None, b: shapely.Geometry | None) -> bool:
    """Same shape, whatever the type: a file may store a Polygon as a one-part MultiPolygon."""
    if a is None or b is None:
        return a is None and b is None
    try:
        return bool(shapely.equals(a, b))
    except shapely.errors.GEOSException:  # invalid geometry: fall back to comparing coordinates
        return bool(shapely.equals_exact(a, b, 0.0))


def check_category(project: Project, category: str) -> str:
    allowed = [str(c) for c in (project.categories or DEFAULT_CATEGORIES)]
    if category not in allowed:
        raise InputsError(
            f"Onbekende woningcategorie '{category}'.",
            hint=f"Dit project kent: {', '.join(allowed)}. Voeg categorieën toe bij het aanmaken (--categories).",
        )
    return category


def check_partner_type(kind: str) -> str:
    types = [t.value for t in PartnerType]
    if kind not in types:
        raise InputsError(f"Onbekende soort partner '{kind}'.", hint=f"Kies uit: {', '.join(types)}.")
    return kind


def check_capacity(lo: int, hi: int) -> None:
    if lo < 0 or hi < 0:
        raise InputsError("Een aantal woningen kan niet negatief zijn.", hint="Geef 0 of meer op.")
    if lo > hi:
        raise InputsError(
            f"Minimale capaciteit {lo} is groter dan de maximale {hi}.",
            hint="Geef de capaciteit op als MIN-MAX met MIN ≤ MAX, bijv. 20-30.",
        )


def check_status(status: str) -> str:
    if status not in RESERVATION_STATUSES:
        raise InputsError(
            f"Onbekende status '{status}'.", hint=f"Kies uit: {', '.join(RESERVATION_STATUSES)}."
        )
    return status


def parse_years(value: str | int | Sequence[int]) -> tuple[int, int]:
    """``"2026-2030"``, ``"2027"``, ``2027`` or ``(2026, 2030)`` → (start, end), validated."""
    if isinstance(value, int):
        start = end = value
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–/]\s*(\d{4})\s*)?", value)
        if not m:
            raise InputsError(
                f"'{value}' is geen jaar of periode.",
                hint="Schrijf een periode als BEGINJAAR-EINDJAAR, bijv. 2026-2030.",
            )
        start = int(m.group(1))
        end = int(m.group(2)) if m.group(2) else start
    else:
        items = list(value)
        if len(items) != 2:
            raise InputsError("Een periode heeft een begin- en een eindjaar.", hint="Bijv. 2026-2030.")
        start, end = int(items[0]), int(items[1])
    for year in (start, end):
        if not _YEAR_MIN <= year <= _YEAR_MAX:
            raise InputsError(f"Jaar {year} is niet aannemelijk.", hint="Gebruik een jaartal als 2030.")
    if end < start:
        raise InputsError(
            f"De periode {start}-{end} eindigt vóór het begin.", hint="Zet het beginjaar vóór het eindjaar."
        )
    return start, end


def parse_capacity(value: str | int) -> tuple[int, int]:
    """``"20-30"`` or ``"25"`` → (min, max), validated (min ≤ max, not negative)."""
    if isinstance(value, int):
        lo = hi = value
    else:
        m = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", value)
        if not m:
            raise InputsError(
                f"'{value}' is geen aantal woningen.", hint="Geef een aantal of een bereik op, bijv. 20-30."
            )
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
    check_capacity(lo, hi)
    return lo, hi


def parse_partner(value: str) -> tuple[str, str]:
    """``"Woonbron:corporatie"`` → (name, type); the type defaults to ``overig``."""
    name, sep, kind = value.rpartition(":")
    if not sep:
        name, kind = value, PartnerType.OVERIG.value
    name, kind = name.strip(), kind.strip().lower()
    if not name:
        raise InputsError(
            f"Partner '{value}' heeft geen naam.", hint="Schrijf NAAM:SOORT, bijv. Woonbron:corporatie."
        )
    return name, check_partner_type(kind)


def parse_date(value: str | dt.date | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputsError(
            f"'{value}' is geen datum.", hint="Schrijf een datum als JJJJ-MM-DD, bijv. 2026-03-12."
        ) from exc


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "profiel"
