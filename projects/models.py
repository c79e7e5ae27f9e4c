"""The project domain model (SQLAlchemy 2.0 typed mappings), shared by the file and server stores.

One schema serves both stores: a GeoPackage file (SQLite) and PostgreSQL + PostGIS. Geometry
columns use :class:`projects.geometry.GeometryType`, which stores GeoPackage binary geometry in
SQLite (so GDAL/QGIS read ``plots`` and ``reservations`` as feature tables) and PostGIS geometry
on the server. Plots and reservations carry a ``version`` for optimistic concurrency: a stale
edit raises instead of overwriting.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

import shapely
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

from projects.geometry import GeometryType

__all__ = [
    "RESERVATION_STATUSES",
    "AuditEntry",
    "Base",
    "DataTable",
    "LayerSource",
    "Opgave",
    "Partner",
    "PartnerType",
    "Plot",
    "PlotComment",
    "ProfileRecord",
    "Project",
    "RegionMember",
    "RegionSettings",
    "Reservation",
    "ReservationPartner",
    "ReservationStatus",
    "ScoreSnapshot",
    "Workshop",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ReservationStatus(StrEnum):
    """The pipeline a reserved location goes through (or ``vervallen``)."""

    KANSRIJK = "kansrijk"
    VOORGEDRAGEN = "voorgedragen"
    GERESERVEERD = "gereserveerd"
    IN_PRESTATIEAFSPRAAK = "in prestatieafspraak"
    IN_ONTWIKKELING = "in ontwikkeling"
    GEREALISEERD = "gerealiseerd"
    VERVALLEN = "vervallen"


RESERVATION_STATUSES: tuple[str, ...] = tuple(s.value for s in ReservationStatus)


class PartnerType(StrEnum):
    """Who a partner is at the table."""

    CORPORATIE = "corporatie"
    BELEGGER = "belegger"
    ONTWIKKELAAR = "ontwikkelaar"
    ZORGORGANISATIE = "zorgorganisatie"
    BEWONERS = "bewoners"
    INITIATIEF = "initiatief"
    GEMEENTE = "gemeente"
    GRONDEIGENAAR = "grondeigenaar"
    OVERIG = "overig"


class _GpkgDateTimeText(UserDefinedType[str]):
    """Declared DATETIME (a GeoPackage type); the values are the ISO text we format ourselves."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "DATETIME"


class Timestamp(TypeDecorator[dt.datetime]):
    """A UTC timestamp with millisecond precision in both stores.

    GeoPackage DATETIME is ISO-8601 ``YYYY-MM-DDTHH:MM:SS.sssZ`` (OGC 12-128r18 §1.1.1.1.1);
    SQLAlchemy's default SQLite text ("YYYY-MM-DD HH:MM:SS.ffffff") makes GDAL/QGIS warn on every
    row. Truncating to milliseconds on the way in keeps file and server copies equal.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_GpkgDateTimeText())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC).replace(microsecond=value.microsecond // 1000 * 1000)
        if dialect.name == "sqlite":
            return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        text = str(value).strip().replace(" ", "T").removesuffix("Z")  # also older rows' format
        parsed = dt.datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


# Text, not VARCHAR: GDAL drops VARCHAR columns of GeoPackage feature tables (stack.md §7).
Str = Text


class Base(DeclarativeBase):
    """Declarative base; ``type_annotation_map`` makes ``Mapped[str]`` TEXT everywhere."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {str: Text, dict[str, Any]: JSON, list[Any]: JSON}


class Project(Base):
    """The project itself: one row per project file or per project on a server."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(Str, unique=True)  # stable across file ↔ server copies
    name: Mapped[str] = mapped_column(Str)
    gemeente_code: Mapped[str | None] = mapped_column(Str)  # CBS code, e.g. "0503"
    gemeente_naam: Mapped[str | None] = mapped_column(Str)
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)  # housing categories in use
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    modified_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now, onupdate=_now)
    data_dates: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # kind → peildatum
    revision: Mapped[int] = mapped_column(Integer, default=0)  # bumped on every save (project version)


class LayerSource(Base):
    """An imported layer: where it came from and which table inside the project holds it."""

    __tablename__ = "layer_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Str)  # canonical LayerKind value
    table_name: Mapped[str] = mapped_column(Str, unique=True)  # feature table in the project
    label: Mapped[str] = mapped_column(Str)
    original_path: Mapped[str | None] = mapped_column(Str)  # path or URL (never with credentials)
    original_layer: Mapped[str | None] = mapped_column(Str)
    imported_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    data_date: Mapped[str | None] = mapped_column(Str)  # peildatum of the source, if known
    feature_count: Mapped[int] = mapped_column(Integer, default=0)
    checksum: Mapped[str | None] = mapped_column(Str)  # sha256 of the source file(s)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DataTable(Base):
    """A feature or attribute table the store created (imported layer, result snapshot).

    ``columns`` keeps each frame column's name, SQL column and pandas dtype, so a table reads
    back as the frame that was written, and push/pull can rebuild it on the other store.
    """

    __tablename__ = "data_tables"

    table_name: Mapped[str] = mapped_column(Str, primary_key=True)
    role: Mapped[str] = mapped_column(Str)  # "layer" or "result"
    geometry_type: Mapped[str | None] = mapped_column(Str)  # None: attribute table
    columns: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{name, column, dtype}]
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)


class Plot(Base):
    """A candidate location. ``version`` guards against overwriting someone else's edit."""

    __tablename__ = "plots"

    fid: Mapped[int] = mapped_column(Integer, primary_key=True)  # GeoPackage feature id
    plot_id: Mapped[str] = mapped_column(Str, unique=True)
    name: Mapped[str | None] = mapped_column(Str)
    source: Mapped[str | None] = mapped_column(Str)  # where the plot came from and why
    source_id: Mapped[str | None] = mapped_column(Str)  # id in the source (BAG, OSM, own list)
    area_m2: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(Str)
    kadastraal_perceel: Mapped[str | None] = mapped_column(Str)  # e.g. "DFT01 K 1234"
    notes: Mapped[str | None] = mapped_column(Str)
    geom: Mapped[shapely.Geometry | None] = mapped_column(GeometryType("GEOMETRY"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    keep_buildings: Mapped[bool | None] = mapped_column(Boolean)  # existing buildings stay (capacity)

    reservations: Mapped[list[Reservation]] = relationship(back_populates="plot")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it per class


class ProfileRecord(Base):
    """A criteria profile as used in this project (TOML text), per category and optionally party."""

    __tablename__ = "criteria_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[str] = mapped_column(Str)
    housing_category: Mapped[str] = mapped_column(Str)
    party: Mapped[str | None] = mapped_column(Str)
    toml: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now, onupdate=_now)

    __table_args__ = (UniqueConstraint("profile_id", "party"),)


class ScoreSnapshot(Base):
    """A scoring run kept for reproducibility: the profile and data stamps it was computed from."""

    __tablename__ = "score_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    profile_id: Mapped[str] = mapped_column(Str)
    profile_toml: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(Str)  # "netwerk" or "hemelsbreed"
    data_stamps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # layer → checksum/date
    table_name: Mapped[str] = mapped_column(Str)  # feature/attribute table with the per-plot results
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Opgave(Base):
    """The bod: target homes for a housing category in a period (optionally per wijk)."""

    __tablename__ = "opgave"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(Str)  # nultreden, geclusterd, zorggeschikt, ...
    period_start: Mapped[int] = mapped_column(Integer)  # year, inclusive
    period_end: Mapped[int] = mapped_column(Integer)  # year, inclusive
    wijk: Mapped[str | None] = mapped_column(Str)  # wijk code or name; None = whole gemeente
    target_homes: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Str)  # woondeal, volkshuisvestingsprogramma, ...
    notes: Mapped[str | None] = mapped_column(Str)

    __table_args__ = (UniqueConstraint("category", "period_start", "period_end", "wijk"),)


class Partner(Base):
    """An organisation or group that can be connected to reservations."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Str)
    type: Mapped[str] = mapped_column(Str)  # PartnerType value
    contact: Mapped[str | None] = mapped_column(Str)

    __table_args__ = (UniqueConstraint("name", "type"),)


class Workshop(Base):
    """A session "boven de kaart": when, who, and the decisions taken (minutes)."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Str)
    participants: Mapped[list[Any]] = mapped_column(JSON, default=list)
    decisions: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{time, text, plot_id}]


class PlotComment(Base):
    """A comment and/or vote (+1, 0, -1) pinned to a plot, usually during a workshop."""

    __tablename__ = "plot_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plot_id: Mapped[str] = mapped_column(Str)  # by id, not FK: a comment outlives a deleted plot
    author: Mapped[str] = mapped_column(Str)
    text: Mapped[str] = mapped_column(Text, default="")
    vote: Mapped[int] = mapped_column(Integer, default=0)  # -1, 0 or +1
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"))
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)


class Reservation(Base):
    """A plot reserved (or proposed) for a housing category, with capacity, status and partners."""

    __tablename__ = "reservations"

    fid: Mapped[int] = mapped_column(Integer, primary_key=True)  # GeoPackage feature id
    plot_fid: Mapped[int] = mapped_column(ForeignKey("plots.fid"))
    plot_id: Mapped[str] = mapped_column(Str)  # denormalised for GIS users opening the file
    category: Mapped[str] = mapped_column(Str)
    capacity_min: Mapped[int] = mapped_column(Integer)
    capacity_max: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Str, default=ReservationStatus.KANSRIJK.value)
    year_start: Mapped[int | None] = mapped_column(Integer)  # planned start (bouw)
    year_end: Mapped[int | None] = mapped_column(Integer)  # planned oplevering
    year_split: Mapped[str | None] = mapped_column(Str)  # "2028:40, 2031:60"; NULL = evenly over the years
    wijk: Mapped[str | None] = mapped_column(Str)
    segment: Mapped[str | None] = mapped_column(Str)  # sociale huur, middenhuur, ...
    land_owner: Mapped[str | None] = mapped_column(Str)
    notes: Mapped[str | None] = mapped_column(Str)
    partners_text: Mapped[str | None] = mapped_column(Str)  # "Woonbron (corporatie); ..." for GIS users
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    geom: Mapped[shapely.Geometry | None] = mapped_column(GeometryType("GEOMETRY"))  # copy of the plot's
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    plot: Mapped[Plot] = relationship(back_populates="reservations")
    partners: Mapped[list[ReservationPartner]] = relationship(
        back_populates="reservation", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it per class


class ReservationPartner(Base):
    """A partner's role in a reservation (corporatie, zorgorganisatie, bewoners, ...)."""

    __tablename__ = "reservation_partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reservation_fid: Mapped[int] = mapped_column(ForeignKey("reservations.fid"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    role: Mapped[str] = mapped_column(Str)  # usually the partner type

    reservation: Mapped[Reservation] = relationship(back_populates="partners")
    partner: Mapped[Partner] = relationship()


class AuditEntry(Base):
    """Who changed what, when: one row per changed field (old → new)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    who: Mapped[str] = mapped_column(Str)
    entity: Mapped[str] = mapped_column(Str)  # table name
    entity_id: Mapped[str] = mapped_column(Str)  # plot_id, reservation fid, ...
    action: Mapped[str] = mapped_column(Str)  # insert, update, delete
    field: Mapped[str | None] = mapped_column(Str)
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)


class RegionSettings(Base):
    """Present (one row) only in a region project: the flag and its default reporting date."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    since: Mapped[str | None] = mapped_column(Str)  # ISO date: "not reported since" default
    notes: Mapped[str | None] = mapped_column(Str)


class RegionMember(Base):
    """One member project of a region (read, never written, by the region)."""

    __tablename__ = "region_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Str)
    target: Mapped[str] = mapped_column(Str)  # file path or PostGIS URL (no password)
    gemeente_code: Mapped[str | None] = mapped_column(Str)
