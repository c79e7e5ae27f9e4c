"""The bod bookkeeping: the opgave, partners and reservations (reserve, status, undo)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from layers.canonical import RD_NEW
from projects.errors import ConflictError, InputsError
from projects.ledger import format_split, ledger_rules, parse_split, segment_of
from projects.models import (
    Opgave,
    Partner,
    Reservation,
    ReservationPartner,
    ReservationStatus,
    Workshop,
)
from projects.records import (
    check_capacity,
    check_category,
    check_partner_type,
    check_status,
    check_version,
    detach,
    opt_text,
    parse_years,
    partner_row,
    plot_row,
    project_row,
    reservation_row,
    same_geom,
)

if TYPE_CHECKING:
    from projects.store import ProjectStore

RESERVATION_COLUMNS = [
    "fid",
    "plot_id",
    "category",
    "capacity_min",
    "capacity_max",
    "status",
    "year_start",
    "year_end",
    "year_split",
    "wijk",
    "segment",
    "land_owner",
    "partners_text",
    "notes",
    "workshop_id",
    "active",
    "version",
]


def reservation_rows(session: Session, *, geometry: bool = True) -> list[dict[str, Any]]:
    """Every reservation as a plain row (:data:`RESERVATION_COLUMNS` and ``geometry``), by fid.

    One query for the columns, not ORM objects: the same values (each column's own type
    conversion), without building an instance per row. ``geometry=False`` leaves the geometry
    None and skips decoding it (the ledger never reads it; a region reads many members)."""
    cols = [getattr(Reservation, c) for c in RESERVATION_COLUMNS]
    if geometry:
        cols.append(Reservation.geom)
    names = [*RESERVATION_COLUMNS, "geometry"]
    rows = session.execute(select(*cols).order_by(Reservation.fid)).all()
    if geometry:
        return [dict(zip(names, r, strict=True)) for r in rows]
    return [{**dict(zip(RESERVATION_COLUMNS, r, strict=True)), "geometry": None} for r in rows]


def reservations_frame(store: ProjectStore) -> gpd.GeoDataFrame:
    """All reservations (including vervallen and withdrawn ones) as a frame in EPSG:28992."""
    with store.session() as session:
        rows = reservation_rows(session)
    return reservations_gdf(rows)


def reservations_gdf(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=[*RESERVATION_COLUMNS, "geometry"])
    for col in ("fid", "capacity_min", "capacity_max", "year_start", "year_end", "workshop_id", "version"):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    for col in (
        "plot_id",
        "category",
        "status",
        "year_split",
        "wijk",
        "segment",
        "land_owner",
        "partners_text",
        "notes",
    ):
        frame[col] = frame[col].astype("string")
    frame["active"] = frame["active"].astype("boolean")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=RD_NEW)


def set_opgave(
    store: ProjectStore,
    category: str,
    period: str | Sequence[int],
    target: int,
    wijk: str | None = None,
    source: str | None = None,
    notes: str | None = None,
) -> Opgave:
    """Enter (or change) the target homes of a category in a period, optionally per wijk."""
    start, end = parse_years(period)
    if int(target) < 0:
        raise InputsError("Een opgave kan niet negatief zijn.", hint="Geef 0 of meer woningen op.")
    wijk = opt_text(wijk)
    with store.session() as session:
        check_category(project_row(session), category)
        query = select(Opgave).where(
            Opgave.category == category,
            Opgave.period_start == start,
            Opgave.period_end == end,
            Opgave.wijk.is_(None) if wijk is None else Opgave.wijk == wijk,
        )
        row: Opgave | None = session.scalars(query).first()
        if row is None:
            row = Opgave(
                category=category, period_start=start, period_end=end, wijk=wijk, target_homes=int(target)
            )
            session.add(row)
        else:
            row.target_homes = int(target)
        if source is not None:
            row.source = opt_text(source)
        if notes is not None:
            row.notes = opt_text(notes)
        return detach(session, row)


def add_partner(store: ProjectStore, name: str, type: str, contact: str | None = None) -> Partner:
    """Add a partner (or return the existing one with this name and type)."""
    kind = check_partner_type(type.strip().lower())
    if not name.strip():
        raise InputsError("Een partner heeft een naam nodig.", hint="Bijv. Woonbron.")
    with store.session() as session:
        partner = partner_row(session, name.strip(), kind)
        if contact is not None:
            partner.contact = opt_text(contact)
        return detach(session, partner)


def _partners_text(links: Iterable[ReservationPartner]) -> str | None:
    text = "; ".join(f"{rp.partner.name} ({rp.role})" for rp in links)
    return text or None


def _detach_reservation(session: Session, res: Reservation) -> Reservation:
    session.flush()
    session.refresh(res)
    for link in res.partners:
        _ = link.partner.name
    for link in res.partners:
        if link.partner in session:
            session.expunge(link.partner)
    session.expunge(res)
    return res


def reserve(
    store: ProjectStore,
    plot_id: str,
    category: str,
    capacity_min: int,
    capacity_max: int,
    status: str | None = None,
    years: str | Sequence[int] | None = None,
    partners: Sequence[tuple[str, str]] | None = None,
    land_owner: str | None = None,
    notes: str | None = None,
    workshop_id: int | None = None,
    expected_version: int | None = None,
    *,
    wijk: str | None = None,
    segment: str | None = None,
    reservation_id: int | None = None,
    split: str | Mapping[int, float] | None = None,
) -> Reservation:
    """Reserve a plot for a housing category, or update its reservation.

    Without ``reservation_id`` an active, not-vervallen reservation of the same plot and
    category is updated if there is one. On an update ``None`` keeps the stored value (an
    empty string clears a text field, the years or the split; ``partners=[]`` clears the
    partners). ``years`` are the opleverjaren; ``split`` spreads the homes over them
    ("2028:40, 2031:60", relative shares) instead of evenly. ``segment`` is one of the
    ledger's segments (synonyms are accepted and stored by their name).
    ``expected_version`` is the version the user edited: if someone saved in between, the
    edit is refused with :class:`ConflictError` instead of overwriting theirs.
    """
    capacity_min, capacity_max = int(capacity_min), int(capacity_max)
    check_capacity(capacity_min, capacity_max)
    segment = _check_segment(segment)
    split_text = None if split is None else format_split(parse_split(split))
    if status is not None:
        check_status(status)
    span: tuple[int, int] | None = None
    clear_years = isinstance(years, str) and not years.strip()
    if years is not None and not clear_years:
        span = parse_years(years)
    checked = [(n.strip(), check_partner_type(t.strip().lower())) for n, t in (partners or [])]
    with store.session() as session:
        check_category(project_row(session), category)
        plot = plot_row(session, plot_id)
        if workshop_id is not None and session.get(Workshop, int(workshop_id)) is None:
            raise InputsError(
                f"Werksessie {workshop_id} bestaat niet.", hint="Maak hem aan met 'project workshop'."
            )
        # Partners first: looking them up flushes, and a half-built reservation must not be.
        wanted = [(partner_row(session, n, t), t) for n, t in checked]
        res: Reservation | None
        if reservation_id is not None:
            res = reservation_row(session, reservation_id)
        else:
            res = session.scalars(
                select(Reservation).where(
                    Reservation.plot_fid == plot.fid,
                    Reservation.category == category,
                    Reservation.active.is_(True),
                    Reservation.status != ReservationStatus.VERVALLEN.value,
                )
            ).first()
        if res is None:
            if expected_version is not None:
                raise ConflictError(
                    "De reservering die u bewerkte bestaat niet meer.",
                    hint="Ververs de kaart en probeer opnieuw.",
                )
            res = Reservation(
                plot=plot,
                plot_id=plot.plot_id,
                category=category,
                capacity_min=capacity_min,
                capacity_max=capacity_max,
                status=status or ReservationStatus.KANSRIJK.value,
                active=True,
                geom=plot.geom,
            )
            session.add(res)
        else:
            check_version(res, expected_version)
            res.category = category
            res.capacity_min, res.capacity_max = capacity_min, capacity_max
            if status is not None:
                res.status = status
            if res.plot_fid != plot.fid:
                res.plot, res.plot_id = plot, plot.plot_id
            if not same_geom(res.geom, plot.geom):
                res.geom = plot.geom
        if span is not None:
            res.year_start, res.year_end = span
        elif clear_years:
            res.year_start = res.year_end = None
        if split_text is not None and res.year_split != (split_text or None):
            res.year_split = split_text or None
        _check_split(res)
        for attr, value in (
            ("land_owner", land_owner),
            ("notes", notes),
            ("wijk", wijk),
            ("segment", segment),
        ):
            if value is not None:
                setattr(res, attr, opt_text(value))
        if workshop_id is not None:
            res.workshop_id = int(workshop_id)
        if partners is not None:
            current = [(link.partner_id, link.role) for link in res.partners]
            if current != [(p.id, t) for p, t in wanted]:
                res.partners[:] = [ReservationPartner(partner=p, role=t) for p, t in wanted]
        text = _partners_text(res.partners)
        if res.partners_text != text:
            res.partners_text = text
        return _detach_reservation(session, res)


def _check_segment(segment: str | None) -> str | None:
    """A segment as the ledger names it ("sociaal" → "sociale huur"); unknown text is refused."""
    if segment is None or not segment.strip():
        return segment
    name, known = segment_of(segment)
    if known and name == ledger_rules().unknown_segment:
        return ""  # "onbekend" is the absence of a segment
    if not known:
        rules = ledger_rules()
        raise InputsError(
            f"Onbekend segment '{segment.strip()}'.",
            hint=f"Kies een van: {', '.join(rules.segment_names)} (zie resources/categories/ledger.toml).",
        )
    return name


def _check_split(res: Reservation) -> None:
    """A split names opleverjaren: inside the reservation's years, if it has them."""
    split = parse_split(res.year_split)
    if not split:
        return
    if res.year_start is None and res.year_end is None:
        res.year_start, res.year_end = min(split), max(split)
        return
    lo = res.year_start if res.year_start is not None else res.year_end
    hi = res.year_end if res.year_end is not None else res.year_start
    assert lo is not None
    assert hi is not None
    outside = [y for y in split if not lo <= y <= hi]
    if outside:
        raise InputsError(
            f"De verdeling noemt {', '.join(map(str, outside))}, buiten de opleverjaren {lo}-{hi}.",
            hint="Verdeel alleen over de opleverjaren, of geef ruimere jaren op (--years).",
        )


def set_status(
    store: ProjectStore,
    reservation_id: int | str,
    status: str,
    *,
    expected_version: int | None = None,
    notes: str | None = None,
) -> Reservation:
    """Move a reservation along the pipeline (or to ``vervallen``, which keeps it visible)."""
    check_status(status)
    with store.session() as session:
        res = reservation_row(session, reservation_id)
        check_version(res, expected_version)
        if res.status != status:
            res.status = status
        if notes is not None:
            res.notes = opt_text(notes)
        return _detach_reservation(session, res)


_RESTORABLE = (
    "category",
    "capacity_min",
    "capacity_max",
    "status",
    "year_start",
    "year_end",
    "year_split",
    "wijk",
    "segment",
    "land_owner",
    "notes",
    "workshop_id",
    "active",
)


def reservation_values(store: ProjectStore, reservation_id: int | str) -> dict[str, Any]:
    """Every editable field of a reservation (and its partners as (name, type) pairs) plus version."""
    with store.session() as session:
        res = reservation_row(session, reservation_id)
        values: dict[str, Any] = {key: getattr(res, key) for key in _RESTORABLE}
        values["partners"] = [(link.partner.name, link.role) for link in res.partners]
        values["plot_id"] = res.plot_id
        values["fid"] = res.fid
        values["version"] = res.version
        return values


def unreserve(
    store: ProjectStore, reservation_id: int | str, *, expected_version: int | None = None
) -> Reservation:
    """Withdraw a reservation (``active`` = false): kept for the audit trail, gone from the ledger."""
    with store.session() as session:
        res = reservation_row(session, reservation_id)
        check_version(res, expected_version)
        if res.active:
            res.active = False
        return _detach_reservation(session, res)


def restore_reservation(
    store: ProjectStore,
    reservation_id: int | str,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Reservation:
    """Put back the fields of :func:`reservation_values` (undo/redo of an edit), one transaction."""
    lo, hi = int(values["capacity_min"]), int(values["capacity_max"])
    check_capacity(lo, hi)
    check_status(str(values["status"]))
    checked = [(str(n), check_partner_type(str(t))) for n, t in values.get("partners", [])]
    with store.session() as session:
        res = reservation_row(session, reservation_id)
        check_version(res, expected_version)
        for key in _RESTORABLE:
            if key in values and getattr(res, key) != values[key]:
                setattr(res, key, values[key])
        wanted = [(partner_row(session, n, t), t) for n, t in checked]
        if [(link.partner_id, link.role) for link in res.partners] != [(p.id, t) for p, t in wanted]:
            res.partners[:] = [ReservationPartner(partner=p, role=t) for p, t in wanted]
        text = _partners_text(res.partners)
        if res.partners_text != text:
            res.partners_text = text
        return _detach_reservation(session, res)
