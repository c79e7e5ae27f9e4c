"""The regional project: a woondeal region's roll-up of its member gemeenten' bods.

A region is a project (GeoPackage or PostGIS) flagged as a region, with a member table naming
the member projects. Its own opgave per category × period is entered like any project's opgave.
Members are the source of truth: the region only READS them (opening never writes) and takes each
member's numbers from that member's ledger (:func:`projects.views.project_ledger`, or
:func:`projects.audit_state.ledger_at` for an earlier moment), never re-derived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, inspect, select

from projects.audit_state import AMSTERDAM, ledger_at, moment_words
from projects.errors import InputsError, ProjectError
from projects.files import atomic_output, check_output_file
from projects.ledger import (
    DEFINITIONS,
    IN_BEELD_STATUSES,
    NO_YEARS,
    OUTSIDE,
    ZEKER_STATUSES,
    Ledger,
    gap_words,
    span,
)
from projects.models import AuditEntry, Plot, RegionMember, RegionSettings, ReservationStatus
from projects.store import ProjectStore, redact_url
from projects.views import project_ledger

__all__ = [
    "CLAIM_TOLERANCE_M2",
    "REGION_DEFINITIONS",
    "RESERVATION_COLUMNS",
    "SHARE_COLUMNS",
    "SHARE_HEADER",
    "TOTAL_COLUMNS",
    "TOTAL_HEADER",
    "DoubleClaim",
    "MemberRef",
    "MemberState",
    "RegionReport",
    "RegionView",
    "claim_line",
    "clear_member_cache",
    "double_claims",
    "is_region",
    "member_line",
    "member_ref",
    "new_region",
    "region_json",
    "region_members",
    "region_report",
    "region_text",
    "region_title",
    "region_view",
    "region_xlsx",
    "share_rows",
    "total_rows",
]

CLAIM_TOLERANCE_M2 = 1.0  # overlaps smaller than this are drawing noise along shared edges, not claims

REGION_DEFINITIONS: dict[str, str] = {
    "regio": (
        "regio = een project met de eigen opgave van de regio en een lijst deelnemers; de cijfers van "
        "elke deelnemer komen uit het eigen bod van die gemeente (alleen gelezen, nooit gewijzigd)"
    ),
    "aandeel": "aandeel = opgave van de gemeente in dezelfde categorie en periode ÷ opgave van de regio × 100 %",
    "tekort_regio": (
        "tekort van de regio = opgave van de regio − in beeld bij alle deelnemers samen "
        "(deelnemers die niet gelezen konden worden tellen niet mee)"
    ),
    "gerapporteerd": (
        "niet gerapporteerd sinds = de laatste wijziging in het project van de gemeente ligt vóór die datum"
    ),
    "dubbele_claim": (
        f"dubbele claim = twee gemeenten hebben kavels gereserveerd die elkaar meer dan "
        f"{CLAIM_TOLERANCE_M2:g} m² overlappen (raken is geen overlap)"
    ),
}
_VALUES = ("zeker", "in_beeld", "gerealiseerd")
_GROUPS: dict[str, tuple[str, ...]] = {
    "zeker": ZEKER_STATUSES,
    "in_beeld": IN_BEELD_STATUSES,
    "gerealiseerd": (ReservationStatus.GEREALISEERD.value,),
}
TOTAL_COLUMNS: tuple[str, ...] = (
    "category", "period", "period_start", "period_end", "opgave", "members_opgave",
    *(f"{v}_{b}" for v in _VALUES for b in ("min", "max")), "gap_min", "gap_max",
)  # fmt: skip
SHARE_COLUMNS: tuple[str, ...] = (
    "member", "category", "period", "period_start", "period_end", "opgave", "region_opgave", "share_pct",
    *(f"{v}_{b}" for v in _VALUES for b in ("min", "max")), "gap_min", "gap_max",
)  # fmt: skip
RESERVATION_COLUMNS: tuple[str, ...] = (
    "member", "plot_id", "category", "status", "homes", "homes_min", "homes_max", "geometry"
)  # fmt: skip
_EMPTY_CRS = "EPSG:28992"


@dataclass(frozen=True)
class MemberRef:
    """One member of the region: a gemeente's own project."""

    name: str  # gemeente name as shown ("Delft")
    target: str  # project file path or PostGIS URL (shown with the password redacted)
    gemeente_code: str | None = None  # "GM0503" style if known


@dataclass(frozen=True)
class MemberState:
    """How a member was read: when it last changed, whether it reported, or why it could not."""

    member: MemberRef
    last_change: dt.datetime | None  # newest audit entry in the member project (UTC)
    reported: bool  # last_change >= the region's `since` date (True if no since)
    error: str | None  # Dutch message if the member could not be read


@dataclass(frozen=True)
class DoubleClaim:
    """Reserved plots of two different members whose geometries overlap."""

    member_a: str
    plot_a: str
    category_a: str
    member_b: str
    plot_b: str
    category_b: str
    overlap_m2: float
    geometry: BaseGeometry  # the overlap, EPSG:28992


@dataclass(frozen=True)
class RegionView:
    """Everything the Regio view, the CLI, the XLSX and the PDF show about a region."""

    name: str
    as_of: dt.datetime | None
    since: dt.date | None
    members: tuple[MemberState, ...]
    # one row per (category, period): category, period, opgave_min, opgave_max, zeker, in_beeld,
    # gerealiseerd, gap_min, gap_max
    totals: pd.DataFrame
    # one row per (member, category, period): member, category, period, opgave_min, opgave_max,
    # share_pct, zeker, in_beeld, gerealiseerd, gap_min, gap_max
    shares: pd.DataFrame
    double_claims: tuple[DoubleClaim, ...]
    # columns member, plot_id, category, status, homes, geometry (EPSG:28992)
    reservations: gpd.GeoDataFrame
    # columns member, gemeente_code, geometry; may be empty
    outlines: gpd.GeoDataFrame


@dataclass(frozen=True)
class RegionReport:
    """The regional PDF's data half (painted by ``app/export``): text and layers, no Qt."""

    title: str
    subtitle: str
    summary: list[str]  # lines under the title (opgave, reserved, gap, as-of)
    table_header: list[str]  # the regional table (category × period)
    table_rows: list[list[str]]
    share_header: list[str]  # the members' shares (member × category × period)
    share_rows: list[list[str]]
    member_lines: list[str]  # per member: last change, reported or not, read error
    claim_lines: list[str]  # one line per double claim
    notes: list[str]  # definitions / method note
    reservations: gpd.GeoDataFrame  # to draw, coloured by member (column member)
    outlines: gpd.GeoDataFrame  # member outlines (column member)
    double_claims: gpd.GeoDataFrame  # overlaps to draw (hatched/red): member_a, member_b, geometry
    members: list[str] = field(default_factory=list)  # member names in legend order
    disclaimer: str = ""

    def bounds(self) -> tuple[float, float, float, float]:
        """The map extent (EPSG:28992) with a 5 % margin: the outlines, else the reservations."""
        frames = [f for f in (self.outlines, self.reservations) if len(f)]
        if not frames:
            return (0.0, 0.0, 1.0, 1.0)
        boxes = np.array([f.total_bounds for f in frames])
        x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
        x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
        pad = max(x1 - x0, y1 - y0, 100.0) * 0.05
        return (float(x0 - pad), float(y0 - pad), float(x1 + pad), float(y1 + pad))


# --- storage ----------------------------------------------------------------------------------------


def _is_url(target: str | Path) -> bool:
    return "://" in str(target)


def _stored_target(member: str, region: str | Path) -> str:
    """How a member is written in the region: a URL without password, or a file path relative to
    the region's folder when it lies under it (so a copied folder keeps working), else absolute."""
    if _is_url(member):
        return redact_url(member)
    path = Path(member).expanduser().resolve()
    if _is_url(region):
        return str(path)
    base = Path(region).expanduser().resolve().parent
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _resolved_target(stored: str, region: str | Path) -> str:
    """The member's target to open: a relative file path is taken from the region's folder."""
    if _is_url(stored) or Path(stored).is_absolute() or _is_url(region):
        return stored
    return str(Path(region).expanduser().resolve().parent / stored)


def _open_member(target: str) -> ProjectStore:
    """Open a member for reading only: an older schema is NOT upgraded (that would write)."""
    return ProjectStore.open(target, upgrade=False)


def _has_region_table(store: ProjectStore) -> bool:
    with store.engine.connect() as conn:
        return bool(inspect(conn).has_table("region", schema=store.schema))


def _region_row(store: ProjectStore) -> RegionSettings | None:
    if not _has_region_table(store):
        return None
    with store.session() as session:
        row = session.scalars(select(RegionSettings)).first()
        if row is not None:
            session.expunge(row)
        return row


def _describe(target: str) -> MemberRef:
    """A member named as its project names its gemeente (read only)."""
    store = _open_member(target)
    try:
        if _region_row(store) is not None:
            raise InputsError(
                f"{_label(target)} is zelf een regio.",
                hint="Een regio bestaat uit gemeenteprojecten; voeg de gemeenten zelf toe.",
            )
        project = store.project()
    finally:
        store.close()
    code = project.gemeente_code
    if code and not code.upper().startswith("GM"):
        code = f"GM{code.zfill(4)}"
    return MemberRef(name=project.gemeente_naam or project.name, target=target, gemeente_code=code)


def _label(target: str) -> str:
    return redact_url(target) if _is_url(target) else str(target)


def member_ref(text: str) -> MemberRef:
    """A member as typed: ``pad.gpkg``, a PostGIS URL, or ``NAAM=pad`` to name it yourself. The
    project is opened (read only) for its gemeente's name and CBS code."""
    value = text.strip()
    head, sep, tail = value.partition("=")
    if sep and tail and not any(ch in head for ch in "/:\\?") and "://" not in head:
        ref = _describe(tail.strip())
        return MemberRef(name=head.strip(), target=ref.target, gemeente_code=ref.gemeente_code)
    return _describe(value)


def _unique_names(refs: Sequence[MemberRef]) -> list[MemberRef]:
    """Members are told apart by name (tables, map legend): two projects of the same gemeente get
    their file or project name added ("Delft (noord)")."""
    counts: dict[str, int] = {}
    for r in refs:
        counts[r.name] = counts.get(r.name, 0) + 1
    out: list[MemberRef] = []
    for r in refs:
        if counts[r.name] > 1:
            tail = r.target.rsplit("project=", 1)[-1] if _is_url(r.target) else Path(r.target).stem
            r = MemberRef(name=f"{r.name} ({tail})", target=r.target, gemeente_code=r.gemeente_code)
        out.append(r)
    if len({r.name for r in out}) < len(out):
        raise InputsError(
            "Twee deelnemers hebben dezelfde naam.",
            hint="Geef elk project een eigen naam (NAAM=pad in --members).",
        )
    return out


def new_region(
    target: str | Path,
    *,
    name: str,
    members: Sequence[MemberRef | str | Path],
    since: dt.date | None = None,
) -> None:
    """Create a region project at ``target`` (a .gpkg path or a PostGIS URL) with ``members``.

    A member given as a path or URL is opened (read only) for its gemeente's name and code; a
    member that cannot be opened, or is itself a region, raises (nothing is created then). The
    region's own opgave is entered afterwards like any project's (``project opgave``).
    """
    if not name.strip():
        raise InputsError(
            "De regio heeft geen naam.", hint="Geef een naam met --name, bijv. 'Woondeal Haaglanden'."
        )
    if not members:
        raise InputsError(
            "De regio heeft geen deelnemers.", hint="Geef de projecten met --members A.gpkg,B.gpkg."
        )
    refs = _unique_names([m if isinstance(m, MemberRef) else member_ref(str(m)) for m in members])
    stored = [_stored_target(r.target, target) for r in refs]
    seen: set[str] = set()
    for ref, where in zip(refs, stored, strict=True):
        key = _resolved_target(where, target)
        if key in seen:
            raise InputsError(
                f"Deelnemer {ref.name} staat twee keer in de lijst.", hint="Noem elk project één keer."
            )
        seen.add(key)
    store = ProjectStore.create(target, name=name.strip())
    try:
        with store.session() as session:
            session.add(RegionSettings(since=since.isoformat() if since else None))
            for i, (ref, where) in enumerate(zip(refs, stored, strict=True)):
                session.add(
                    RegionMember(position=i, name=ref.name, target=where, gemeente_code=ref.gemeente_code)
                )
    finally:
        store.close()


def _members(store: ProjectStore, target: str | Path) -> tuple[MemberRef, ...]:
    with store.session() as session:
        rows = session.scalars(select(RegionMember).order_by(RegionMember.position, RegionMember.id)).all()
        return tuple(
            MemberRef(name=r.name, target=_resolved_target(r.target, target), gemeente_code=r.gemeente_code)
            for r in rows
        )


def _open_region(target: str | Path) -> tuple[ProjectStore, RegionSettings]:
    store = ProjectStore.open(target, upgrade=False)
    row = _region_row(store)
    if row is None:
        store.close()
        raise InputsError(
            f"{_label(str(target))} is geen regio maar een gemeenteproject.",
            hint="Maak een regio met 'bodnaarplot region new REGIO.gpkg --name … --members A.gpkg,B.gpkg'.",
        )
    return store, row


def region_members(target: str | Path) -> tuple[MemberRef, ...]:
    """The members of the region project at ``target`` (read only), in their stored order."""
    store, _row = _open_region(target)
    try:
        return _members(store, target)
    finally:
        store.close()


def is_region(target: str | Path) -> bool:
    """True for a region project (the app uses this on open). Reads only; a project at an older
    schema is never a region (regions came with schema 0006)."""
    try:
        store = ProjectStore.open(target, upgrade=False)
    except ProjectError:
        return False
    try:
        return _region_row(store) is not None
    finally:
        store.close()


# --- reading the members ----------------------------------------------------------------------------


@dataclass
class _Read:
    """One member as read: its ledger, its live reservations with geometry, its outline."""

    ref: MemberRef
    book: Ledger
    last_change: dt.datetime | None
    reservations: gpd.GeoDataFrame
    outline: BaseGeometry | None


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _last_change(store: ProjectStore, as_of: dt.datetime | None) -> dt.datetime | None:
    """The newest audit entry (up to ``as_of``): when the member last changed its project."""
    query = select(func.max(AuditEntry.at))
    if as_of is not None:
        query = query.where(AuditEntry.at <= _utc(as_of))
    with store.session() as session:
        when = session.scalar(query)
    return None if when is None else _utc(when)


def _live_reservations(
    store: ProjectStore, ref: MemberRef, book: Ledger
) -> tuple[gpd.GeoDataFrame, BaseGeometry | None]:
    """The ledger's live reservations with their plots' geometry, and the member's outline (the
    convex hull of its plots). The ledger says which are live at the moment asked; the plots
    table says where they lie."""
    with store.session() as session:
        plots = session.execute(select(Plot.plot_id, Plot.geom)).all()
    where = {str(p): g for p, g in plots}
    geoms = [g for g in where.values() if g is not None and not g.is_empty]
    # the hull of the collection: the same outline as of their union, without computing the union
    outline = shapely.convex_hull(shapely.geometrycollections(geoms)) if geoms else None
    rows = book.reservations
    live = rows[rows["live"].astype(bool)] if len(rows) else rows
    frame = gpd.GeoDataFrame(
        {
            "member": [ref.name] * len(live),
            "plot_id": live["plot_id"].astype(str).to_numpy() if len(live) else [],
            "category": live["category"].astype(str).to_numpy() if len(live) else [],
            "status": live["status"].astype(str).to_numpy() if len(live) else [],
            "homes": [
                span(a, b)
                for a, b in zip(live.get("capacity_min", []), live.get("capacity_max", []), strict=True)
            ],
            "homes_min": pd.array(list(live["capacity_min"]) if len(live) else [], dtype="Int64"),
            "homes_max": pd.array(list(live["capacity_max"]) if len(live) else [], dtype="Int64"),
        },
        geometry=[where.get(str(p)) for p in (live["plot_id"] if len(live) else [])],
        crs=_EMPTY_CRS,
    )
    return frame, outline


# Members read before, by (name, target, moment, project uid, revision, modified_at). Every change
# to a project bumps its revision (projects.store), so an entry is reused only while the member
# is exactly as it was read: refreshing the Regio view (another --since, the same moment) then
# costs one small query per member instead of its whole ledger.
_CACHE: dict[tuple[Any, ...], _Read] = {}
_CACHE_SIZE = 64


def clear_member_cache() -> None:
    """Forget the members read before (the benchmark's cold runs; tests)."""
    _CACHE.clear()


def _read_member(ref: MemberRef, as_of: dt.datetime | None) -> _Read:
    store = _open_member(ref.target)
    try:
        if _region_row(store) is not None:
            raise InputsError(
                f"{_label(ref.target)} is zelf een regio.",
                hint="Een regio bestaat uit gemeenteprojecten.",
            )
        project = store.project()
        key = (ref.name, ref.target, as_of, project.uid, project.revision, project.modified_at)
        if key in _CACHE:
            return _CACHE[key]
        # The numbers only (plots=False): the members' layers feed warnings and wijk tables,
        # never the sums per period, and reading them for every member is what makes a region slow.
        book = project_ledger(store, plots=False) if as_of is None else ledger_at(store, as_of, plots=False)
        last = _last_change(store, as_of)
        reservations, outline = _live_reservations(store, ref, book)
    finally:
        store.close()
    read = _Read(ref, book, last, reservations, outline)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = read
    return read


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=AMSTERDAM)


def _state(ref: MemberRef, last: dt.datetime | None, since: dt.date | None, error: str | None) -> MemberState:
    reported = since is None or (last is not None and last >= _start_of(since))
    return MemberState(member=ref, last_change=last, reported=reported and error is None, error=error)


# --- the numbers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    category: str
    label: str
    start: int | None
    end: int | None
    target: int | None


def _region_periods(book: Ledger) -> dict[str, list[_Period]]:
    """The region's opgave periods per category (rows with an opgave and years), from its ledger."""
    out: dict[str, list[_Period]] = {}
    for _, r in book.periods.iterrows():
        if r["target"] is pd.NA or r["period_start"] is pd.NA:
            continue
        out.setdefault(str(r["category"]), []).append(
            _Period(
                str(r["category"]),
                str(r["period"]),
                int(r["period_start"]),
                int(r["period_end"]),
                int(r["target"]),
            )
        )
    return out


def _period_of(year: Any, periods: Sequence[_Period]) -> str:
    if year is pd.NA or year is None:
        return NO_YEARS
    for p in periods:
        if p.start is not None and p.end is not None and p.start <= int(year) <= p.end:
            return p.label
    return OUTSIDE


def _member_values(book: Ledger, periods: dict[str, list[_Period]]) -> pd.DataFrame:
    """The member's homes per category × regional period and status group, summed from its
    ledger's own apportionment over the years (``Ledger.years``): the member's numbers, only
    grouped by the region's periods (which may differ from the member's own)."""
    years = book.years
    cols = ["category", "period", *(f"{v}_{b}" for v in _VALUES for b in ("min", "max"))]
    if years.empty:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame(
        {
            "category": years["category"].astype(str),
            "period": [
                _period_of(y, periods.get(str(c), []))
                for c, y in zip(years["category"], years["year"], strict=True)
            ],
        }
    )
    status = years["status"].astype(str)
    for name, statuses in _GROUPS.items():
        inside = status.isin(statuses).to_numpy()
        for b in ("min", "max"):
            frame[f"{name}_{b}"] = np.where(inside, years[f"homes_{b}"].fillna(0).astype("int64"), 0)
    return frame.groupby(["category", "period"], as_index=False, sort=False).sum()


def _member_opgave(book: Ledger) -> dict[tuple[str, int, int], int]:
    """The member's own opgave per (category, start, end), from its ledger's period rows."""
    out: dict[tuple[str, int, int], int] = {}
    for _, r in book.periods.iterrows():
        if r["target"] is pd.NA or r["period_start"] is pd.NA:
            continue
        out[(str(r["category"]), int(r["period_start"]), int(r["period_end"]))] = int(r["target"])
    return out


def _order(periods: dict[str, list[_Period]], present: pd.DataFrame) -> list[tuple[str, str]]:
    """Rows in order: the region's categories and periods, then what members have beyond them."""
    keys: list[tuple[str, str]] = [(c, p.label) for c, ps in periods.items() for p in ps]
    extra = {
        (str(c), str(p)) for c, p in zip(present.get("category", []), present.get("period", []), strict=True)
    }
    rank = {OUTSIDE: 1, NO_YEARS: 2}
    cats = list(periods) + sorted({c for c, _ in extra} - set(periods))
    for c in cats:
        for p in sorted(
            (p for cc, p in extra if cc == c and (c, p) not in keys), key=lambda p: (rank.get(p, 0), p)
        ):
            keys.append((c, p))
    return keys


def _gap(target: Any, lo: int, hi: int) -> tuple[Any, Any]:
    """Opgave − in beeld, as the ledger writes it (gap_min from in beeld min)."""
    if target is None or target is pd.NA:
        return pd.NA, pd.NA
    return int(target) - lo, int(target) - hi


def _tables(reads: Sequence[_Read], periods: dict[str, list[_Period]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    per_member = {r.ref.name: _member_values(r.book, periods) for r in reads}
    opgaven = {r.ref.name: _member_opgave(r.book) for r in reads}
    stacked = pd.concat(
        [f for f in per_member.values() if len(f)] or [pd.DataFrame(columns=["category", "period"])]
    )
    keys = _order(periods, stacked)
    lookup = {(c, p.label): p for c, ps in periods.items() for p in ps}
    value_cols = [f"{v}_{b}" for v in _VALUES for b in ("min", "max")]
    share_rows: list[dict[str, Any]] = []
    for name, values in per_member.items():
        indexed = values.set_index(["category", "period"]) if len(values) else None
        for c, label in keys:
            p = lookup.get((c, label))
            row: dict[str, Any] = {"member": name, "category": c, "period": label}
            row["period_start"] = p.start if p else pd.NA
            row["period_end"] = p.end if p else pd.NA
            own = (
                opgaven[name].get((c, p.start, p.end))
                if p and p.start is not None and p.end is not None
                else None
            )
            row["opgave"] = pd.NA if own is None else own
            row["region_opgave"] = pd.NA if p is None or p.target is None else p.target
            has = indexed is not None and (c, label) in indexed.index
            for col in value_cols:
                row[col] = int(str(indexed.at[(c, label), col])) if has and indexed is not None else 0
            if own is None and not has:
                continue  # this member has nothing in this row
            row["share_pct"] = (
                float(own) / p.target * 100.0 if own is not None and p is not None and p.target else np.nan
            )
            row["gap_min"], row["gap_max"] = _gap(row["opgave"], row["in_beeld_min"], row["in_beeld_max"])
            share_rows.append(row)
    shares = pd.DataFrame(share_rows, columns=list(SHARE_COLUMNS))
    total_rows: list[dict[str, Any]] = []
    for c, label in keys:
        p = lookup.get((c, label))
        part = shares[(shares["category"] == c) & (shares["period"] == label)]
        row = {"category": c, "period": label}
        row["period_start"] = p.start if p else pd.NA
        row["period_end"] = p.end if p else pd.NA
        row["opgave"] = pd.NA if p is None or p.target is None else p.target
        given = part["opgave"].dropna()
        row["members_opgave"] = int(given.sum()) if len(given) else pd.NA
        for col in value_cols:
            row[col] = int(part[col].sum())
        row["gap_min"], row["gap_max"] = _gap(row["opgave"], row["in_beeld_min"], row["in_beeld_max"])
        total_rows.append(row)
    totals = pd.DataFrame(total_rows, columns=list(TOTAL_COLUMNS))
    ints = ["period_start", "period_end", "opgave", "gap_min", "gap_max", *value_cols]
    for frame, extra in ((totals, ["members_opgave"]), (shares, ["region_opgave"])):
        for col in (*ints, *extra):
            frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    shares["share_pct"] = shares["share_pct"].astype(float)
    return totals, shares


def double_claims(
    reservations: gpd.GeoDataFrame, tolerance_m2: float = CLAIM_TOLERANCE_M2
) -> tuple[DoubleClaim, ...]:
    """Reserved plots of two different members that overlap by more than ``tolerance_m2``.

    An STRtree finds the candidate pairs (bounding boxes intersect); only those pairs get the
    exact overlap. Touching plots share an edge but no area and are not claims."""
    frame = reservations[reservations.geometry.notna() & ~reservations.geometry.is_empty]
    if len(frame) < 2:
        return ()
    geoms = frame.geometry.to_numpy()
    members = frame["member"].to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = (left < right) & (members[left] != members[right])
    left, right = left[keep], right[keep]
    if not len(left):
        return ()
    overlaps = shapely.intersection(geoms[left], geoms[right])
    areas = shapely.area(overlaps)
    plot_ids = frame["plot_id"].to_numpy()
    cats = frame["category"].to_numpy()
    claims = [
        DoubleClaim(
            member_a=str(members[a]),
            plot_a=str(plot_ids[a]),
            category_a=str(cats[a]),
            member_b=str(members[b]),
            plot_b=str(plot_ids[b]),
            category_b=str(cats[b]),
            overlap_m2=float(area),
            geometry=geom,
        )
        for a, b, area, geom in zip(left, right, areas, overlaps, strict=True)
        if area > tolerance_m2
    ]
    return tuple(sorted(claims, key=lambda c: (c.member_a, c.plot_a, c.member_b, c.plot_b)))


def _error_text(exc: ProjectError) -> str:
    return exc.one_line()


def region_view(
    target: str | Path,
    *,
    as_of: dt.datetime | None = None,
    since: dt.date | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> RegionView:
    """Read the region and every member (never writing any) as they stand now or at ``as_of``.

    ``since`` (default: the region's stored date) marks members whose newest change is older as
    not reported. A member that cannot be read is listed with a Dutch error and left out of
    the sums; the rest is still shown."""

    def step(fraction: float, text: str) -> None:
        if progress is not None:
            progress(fraction, text)

    store, settings = _open_region(target)
    try:
        name = store.project().name
        refs = _members(store, target)
        region_book = project_ledger(store) if as_of is None else ledger_at(store, as_of)
    finally:
        store.close()
    if since is None and settings.since:
        since = dt.date.fromisoformat(settings.since)
    periods = _region_periods(region_book)
    reads: list[_Read] = []
    states: list[MemberState] = []
    outlines: list[dict[str, Any]] = []
    for i, ref in enumerate(refs):
        step(i / max(len(refs), 1) * 0.9, f"Deelnemer {ref.name} lezen")
        try:
            read = _read_member(ref, as_of)
        except ProjectError as exc:
            states.append(_state(ref, None, since, _error_text(exc)))
            continue
        reads.append(read)
        states.append(_state(ref, read.last_change, since, None))
        if read.outline is not None:
            outlines.append(
                {"member": ref.name, "gemeente_code": ref.gemeente_code, "geometry": read.outline}
            )
    step(0.9, "Sommen en dubbele claims")
    totals, shares = _tables(reads, periods)
    frames = [r.reservations for r in reads if len(r.reservations)]
    reservations = (
        gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=_EMPTY_CRS)
        if frames
        else gpd.GeoDataFrame(
            {c: [] for c in RESERVATION_COLUMNS if c != "geometry"}, geometry=[], crs=_EMPTY_CRS
        )
    )
    outline_frame = gpd.GeoDataFrame(
        pd.DataFrame(outlines, columns=["member", "gemeente_code", "geometry"]),
        geometry="geometry",
        crs=_EMPTY_CRS,
    )
    claims = double_claims(reservations)
    step(1.0, "Klaar")
    return RegionView(
        name=name,
        as_of=None if as_of is None else _utc(as_of),
        since=since,
        members=tuple(states),
        totals=totals,
        shares=shares,
        double_claims=claims,
        reservations=reservations,
        outlines=outline_frame,
    )


# --- outputs ----------------------------------------------------------------------------------------


def _when(moment: dt.datetime | None) -> str:
    return "nooit gewijzigd" if moment is None else moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.0f} %"
    return str(value)


def member_line(state: MemberState, since: dt.date | None) -> str:
    """ "Delft: laatste wijziging 04-12-2026 18:10" / "… niet gerapporteerd sinds 01-07-2026" / the error."""
    m = state.member
    code = f" ({m.gemeente_code})" if m.gemeente_code else ""
    if state.error:
        return f"{m.name}{code}: niet gelezen — {state.error}"
    text = f"{m.name}{code}: laatste wijziging {_when(state.last_change)}"
    if not state.reported and since is not None:
        text += f" — niet gerapporteerd sinds {since:%d-%m-%Y}"
    return text


def claim_line(claim: DoubleClaim) -> str:
    return (
        f"{claim.member_a} {claim.plot_a} ({claim.category_a}) en {claim.member_b} {claim.plot_b} "
        f"({claim.category_b}) overlappen {claim.overlap_m2:,.0f} m²".replace(",", ".")
    )


TOTAL_HEADER = [
    "categorie",
    "periode",
    "opgave regio",
    "opgave gemeenten",
    "zeker",
    "in beeld",
    "gerealiseerd",
    "tekort",
]
SHARE_HEADER = [
    "gemeente",
    "categorie",
    "periode",
    "opgave",
    "aandeel",
    "zeker",
    "in beeld",
    "gerealiseerd",
    "tekort",
]


def total_rows(view: RegionView) -> list[list[str]]:
    """The regional table as Dutch cells (header: ``TOTAL_HEADER``)."""
    return [
        [
            str(r["category"]),
            str(r["period"]),
            _cell(r["opgave"]),
            _cell(r["members_opgave"]),
            span(r["zeker_min"], r["zeker_max"]),
            span(r["in_beeld_min"], r["in_beeld_max"]),
            span(r["gerealiseerd_min"], r["gerealiseerd_max"]),
            gap_words(r["gap_min"], r["gap_max"]) or "–",
        ]
        for _, r in view.totals.iterrows()
    ]


def share_rows(view: RegionView) -> list[list[str]]:
    """The members' shares as Dutch cells (header: ``SHARE_HEADER``)."""
    return [
        [
            str(r["member"]),
            str(r["category"]),
            str(r["period"]),
            _cell(r["opgave"]),
            _cell(r["share_pct"]),
            span(r["zeker_min"], r["zeker_max"]),
            span(r["in_beeld_min"], r["in_beeld_max"]),
            span(r["gerealiseerd_min"], r["gerealiseerd_max"]),
            gap_words(r["gap_min"], r["gap_max"]) or "–",
        ]
        for _, r in view.shares.iterrows()
    ]


_total_rows = total_rows  # the names the Regio view first imported
_share_rows = share_rows


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in (header, *rows)
    ]


def region_title(name: str) -> str:
    """ "Regio Haaglanden" for "Haaglanden"; a name that already says regio stays as it is."""
    return name if name.lower().startswith("regio") else f"Regio {name}"


def _heading(view: RegionView) -> list[str]:
    lines = [region_title(view.name)]
    if view.as_of is not None:
        lines.append(
            f"Stand op {moment_words(view.as_of)}, herbouwd uit de wijzigingslogboeken van de gemeenten."
        )
    return lines


def region_text(view: RegionView) -> str:
    """The region as Dutch plain text (``bodnaarplot region show``)."""
    lines = _heading(view)
    lines += ["", "Opgave en bod van de regio per categorie en periode (woningen als min–max):"]
    lines += (
        _table(TOTAL_HEADER, total_rows(view))
        if len(view.totals)
        else ["  (nog geen opgave en geen reserveringen)"]
    )
    lines += ["", "Per gemeente (aandeel = opgave gemeente ÷ opgave regio):"]
    lines += _table(SHARE_HEADER, share_rows(view)) if len(view.shares) else ["  (geen cijfers)"]
    lines += ["", "Deelnemers:", *(f"  {member_line(s, view.since)}" for s in view.members)]
    missing = [s.member.name for s in view.members if not s.reported and s.error is None]
    if view.since is not None:
        lines.append(
            f"Niet gerapporteerd sinds {view.since:%d-%m-%Y}: " + (", ".join(missing) if missing else "geen")
        )
    lines += ["", f"Dubbele claims: {len(view.double_claims) or 'geen'}"]
    lines += [f"  {claim_line(c)}" for c in view.double_claims]
    lines += ["", *REGION_DEFINITIONS.values(), *DEFINITIONS.values()]
    return "\n".join(lines)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def region_json(view: RegionView) -> dict[str, Any]:
    """The region as JSON-ready data (``region show --json``)."""
    return {
        "name": view.name,
        "as_of": None if view.as_of is None else view.as_of.isoformat(),
        "since": None if view.since is None else view.since.isoformat(),
        "members": [
            {
                "name": s.member.name,
                "target": _label(s.member.target),
                "gemeente_code": s.member.gemeente_code,
                "last_change": None if s.last_change is None else s.last_change.isoformat(),
                "reported": s.reported,
                "error": s.error,
            }
            for s in view.members
        ],
        "totals": _records(view.totals),
        "shares": _records(view.shares),
        "double_claims": [
            {
                "member_a": c.member_a,
                "plot_a": c.plot_a,
                "category_a": c.category_a,
                "member_b": c.member_b,
                "plot_b": c.plot_b,
                "category_b": c.category_b,
                "overlap_m2": round(c.overlap_m2, 1),
            }
            for c in view.double_claims
        ],
        "definitions": {**REGION_DEFINITIONS, **DEFINITIONS},
    }


_VALUE_HEADERS = [(f"{v}_{b}", f"{v.replace('_', ' ')} {b}") for v in _VALUES for b in ("min", "max")]


def _sheet(frame: pd.DataFrame, lead: list[tuple[str, str]], tail: list[tuple[str, str]]) -> pd.DataFrame:
    cols = [*lead, *_VALUE_HEADERS, *tail]
    return pd.DataFrame({label: frame[col].to_numpy() for col, label in cols})


def region_xlsx(view: RegionView, out: Path) -> Path:
    """The region as an XLSX workbook (via :func:`projects.files.atomic_output`): the regional
    table, the shares per gemeente, the members, the double claims and the definitions."""
    from openpyxl import Workbook

    from projects.exports import _write_sheet  # the one sheet writer of the exports (no formulas)

    target = check_output_file(out, (".xlsx",), "Het regio-overzicht")
    totals = _sheet(
        view.totals,
        [
            ("category", "categorie"),
            ("period", "periode"),
            ("opgave", "opgave regio"),
            ("members_opgave", "opgave gemeenten samen"),
        ],
        [("gap_min", "opgave − in beeld min"), ("gap_max", "opgave − in beeld max")],
    )
    shares = _sheet(
        view.shares,
        [("member", "gemeente"), ("category", "categorie"), ("period", "periode"), ("opgave", "opgave gemeente"),
         ("region_opgave", "opgave regio"), ("share_pct", "aandeel (%)")],
        [("gap_min", "opgave − in beeld min"), ("gap_max", "opgave − in beeld max")],
    )  # fmt: skip
    shares["aandeel (%)"] = shares["aandeel (%)"].round(1)
    members = pd.DataFrame(
        [
            {
                "gemeente": s.member.name,
                "CBS-code": s.member.gemeente_code,
                "project": _label(s.member.target),
                "laatste wijziging": None if s.last_change is None else _when(s.last_change),
                "gerapporteerd": "ja" if s.reported else "nee",
                "fout bij lezen": s.error,
            }
            for s in view.members
        ],
        columns=["gemeente", "CBS-code", "project", "laatste wijziging", "gerapporteerd", "fout bij lezen"],
    )
    claims = pd.DataFrame(
        [
            {
                "gemeente A": c.member_a,
                "kavel A": c.plot_a,
                "categorie A": c.category_a,
                "gemeente B": c.member_b,
                "kavel B": c.plot_b,
                "categorie B": c.category_b,
                "overlap (m²)": round(c.overlap_m2, 1),
            }
            for c in view.double_claims
        ],
        columns=[
            "gemeente A",
            "kavel A",
            "categorie A",
            "gemeente B",
            "kavel B",
            "categorie B",
            "overlap (m²)",
        ],
    )
    notes = [("regio", view.name)]
    if view.as_of is not None:
        notes.append(("peildatum", moment_words(view.as_of)))
    if view.since is not None:
        notes.append(("gerapporteerd sinds", f"{view.since:%d-%m-%Y}"))
    notes += [("definitie", d) for d in (*REGION_DEFINITIONS.values(), *DEFINITIONS.values())]
    with atomic_output(target) as tmp:
        wb = Workbook()
        _write_sheet(wb, "Regio", totals, first=True)
        _write_sheet(wb, "Per gemeente", shares)
        _write_sheet(wb, "Deelnemers", members)
        _write_sheet(wb, "Dubbele claims", claims)
        _write_sheet(wb, "Toelichting", pd.DataFrame(notes, columns=["soort", "tekst"]))
        wb.save(tmp)
    return target


def region_report(view: RegionView) -> RegionReport:
    """The regional PDF's data half: the same rows as :func:`region_text`, and the layers."""
    summary: list[str] = []
    for _, r in view.totals.iterrows():
        if r["opgave"] is pd.NA:
            continue
        parts = [
            f"opgave {int(r['opgave'])}",
            f"zeker {span(r['zeker_min'], r['zeker_max'])}",
            f"in beeld {span(r['in_beeld_min'], r['in_beeld_max'])}",
            f"gerealiseerd {span(r['gerealiseerd_min'], r['gerealiseerd_max'])}",
        ]
        gap = gap_words(r["gap_min"], r["gap_max"])
        if gap:
            parts.append(gap)
        summary.append(f"{r['category']} {r['period']}: " + " · ".join(parts))
    failed = [s.member.name for s in view.members if s.error]
    if failed:
        summary.append("Niet gelezen (telt niet mee): " + ", ".join(failed))
    late = [s.member.name for s in view.members if not s.reported and s.error is None]
    if view.since is not None and late:
        summary.append(f"Niet gerapporteerd sinds {view.since:%d-%m-%Y}: " + ", ".join(late))
    stamp = moment_words(view.as_of) if view.as_of is not None else dt.date.today().strftime("%d-%m-%Y")
    subtitle = f"{len(view.members)} gemeenten · stand {'op ' if view.as_of else ''}{stamp}"
    claims = gpd.GeoDataFrame(
        {
            "member_a": [c.member_a for c in view.double_claims],
            "plot_a": [c.plot_a for c in view.double_claims],
            "member_b": [c.member_b for c in view.double_claims],
            "plot_b": [c.plot_b for c in view.double_claims],
            "overlap_m2": [c.overlap_m2 for c in view.double_claims],
        },
        geometry=[c.geometry for c in view.double_claims],
        crs=_EMPTY_CRS,
    )
    return RegionReport(
        title=region_title(view.name),
        subtitle=subtitle,
        summary=summary,
        table_header=list(TOTAL_HEADER),
        table_rows=total_rows(view),
        share_header=list(SHARE_HEADER),
        share_rows=share_rows(view),
        member_lines=[member_line(s, view.since) for s in view.members],
        claim_lines=[claim_line(c) for c in view.double_claims],
        notes=[*REGION_DEFINITIONS.values(), *DEFINITIONS.values()],
        reservations=view.reservations,
        outlines=view.outlines,
        double_claims=claims,
        members=[s.member.name for s in view.members],
        disclaimer="Indicatief — de cijfers komen uit de projecten van de gemeenten zelf.",
    )
