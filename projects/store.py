"""Project storage: one GeoPackage file, or one schema on a PostgreSQL + PostGIS server.

Both stores share the SQLAlchemy model (:mod:`projects.models`) and the Alembic migrations
(:mod:`projects.migrations`). Every user action is one transaction (:meth:`ProjectStore.session`),
so a crash, a full disk or a dropped connection never leaves a half-written project: SQLite's
rollback journal (not WAL, so the project stays one file) or PostgreSQL's transactional DDL
undo everything, including imported layer tables and their GeoPackage registration.

Server projects are addressed as ``postgresql+psycopg://user@host:port/db?project=naam``; the
project lives in schema ``bnp_<naam>``. Passwords never reach project files or logs: leave them
out of the URL and let libpq read ``PGPASSWORD`` or ``~/.pgpass``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import re
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import geoalchemy2  # noqa: F401  (registers its DDL listeners before any table is created)
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Double,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import NullPool
from sqlalchemy.types import REAL, TypeEngine

from layers.canonical import LayerKind
from projects import gpkg
from projects.errors import (
    ConflictError,
    ConnectionLostError,
    InputsError,
    MigrationError,
    ProjectError,
    ProjectFileError,
    StorageError,
)
from projects.files import atomic_output
from projects.geometry import RD_SRID, GeometryType, to_gpkg_blob
from projects.models import (
    AuditEntry,
    Base,
    DataTable,
    LayerSource,
    Opgave,
    Partner,
    Plot,
    PlotComment,
    Project,
    Reservation,
    ReservationPartner,
    Workshop,
)

__all__ = ["MIGRATIONS_DIR", "SCHEMA_PREFIX", "ProjectStore", "pull", "push", "redact_url"]

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SCHEMA_PREFIX = "bnp_"
_CONFLICT = "Iemand anders heeft deze reservering intussen gewijzigd; ververs en probeer opnieuw."
_AUDITED: tuple[type[Base], ...] = (
    Plot,
    Reservation,
    Opgave,
    Partner,
    Workshop,
    ReservationPartner,
    PlotComment,
)
_AUDIT_MAX = 2000  # characters kept of one old/new value (geometries can be long)
_CHUNK = 5000
_PASSWORD = re.compile(r"(//[^:/@?#\s]*):[^@/?#\s]*@")
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_RESERVED_PREFIXES = ("gpkg_", "rtree_", "sqlite_", "alembic_")


# --------------------------------------------------------------------------- targets


def redact_url(url: str | URL) -> str:
    """A URL without its password, safe for labels, logs and project files."""
    text_url = url.render_as_string(hide_password=False) if isinstance(url, URL) else str(url)
    return _PASSWORD.sub(r"\1@", text_url)


def _is_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql", "postgres://"))


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug[:50] or "project"


@dataclass(frozen=True)
class _Server:
    """A parsed server target: connection URL (without ``project``) and project schema."""

    url: URL
    project: str | None

    @property
    def schema(self) -> str:
        if not self.project:
            raise InputsError(
                "Er is geen project op de server genoemd.",
                hint="Voeg ?project=<naam> toe aan het serveradres.",
            )
        return SCHEMA_PREFIX + _slug(self.project)

    @property
    def label(self) -> str:
        base = redact_url(self.url)
        return f"{base}?project={self.project}" if self.project else base


def _parse_server(target: str) -> _Server:
    try:
        url = make_url(target)
    except ArgumentError as exc:
        raise ProjectFileError(
            "Het serveradres is ongeldig.",
            hint="Gebruik de vorm postgresql+psycopg://gebruiker@host:poort/database?project=naam.",
            path=redact_url(target),
        ) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    query = dict(url.query)
    project = query.pop("project", None)
    if isinstance(project, tuple):
        project = project[0]
    return _Server(url=url.set(query=query), project=project or None)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "onbekend"


# --------------------------------------------------------------------------- engines


def _sqlite_engine(path: Path) -> Engine:
    """An engine on an existing file (never creates one), one transaction per BEGIN we issue."""
    uri = f"file:{quote(str(path))}?mode=rw"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)

    engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, so DDL is transactional too
        gpkg.register_sql_functions(dbapi_conn)  # the R-tree triggers call ST_MinX … ST_IsEmpty
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA journal_mode = DELETE")  # rollback journal: the project stays one file
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _pg_engine(server: _Server, schema: str | None) -> Engine:
    options = "-c timezone=UTC"
    if schema:
        options = f"-c search_path={schema},public " + options
    return create_engine(
        server.url,
        connect_args={"options": options, "connect_timeout": 10},
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
    )


def _alembic_config(conn: Connection, schema: str | None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.attributes["connection"] = conn
    cfg.attributes["schema"] = schema
    return cfg


def _current_revision(conn: Connection, schema: str | None) -> str | None:
    opts: dict[str, Any] = {"version_table_schema": schema} if schema else {}
    revision = MigrationContext.configure(conn, opts=opts).get_current_revision()
    return str(revision) if revision is not None else None


def _head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    if head is None:  # pragma: no cover - packaging error
        raise MigrationError("De migraties ontbreken in deze installatie.", hint="Installeer opnieuw.")
    return head


def _known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def _migrate(conn: Connection, schema: str | None, revision: str, label: str) -> None:
    try:
        command.upgrade(_alembic_config(conn, schema), revision)
    except CommandError as exc:
        raise MigrationError(
            f"Het project kon niet worden bijgewerkt naar schema {revision}: {exc}",
            hint="Het project is niet gewijzigd. Meld dit met het projectbestand erbij.",
            path=label,
        ) from exc


# --------------------------------------------------------------------------- error translation


def _translate(exc: BaseException, label: str) -> ProjectError:
    """Map a storage exception to a Dutch ProjectError (the transaction is already rolled back)."""
    if isinstance(exc, StaleDataError):
        return ConflictError(
            _CONFLICT, hint="Ververs de gegevens en voer de wijziging opnieuw in.", path=label
        )
    if isinstance(exc, IntegrityError):
        return ProjectError(
            "De wijziging botst met bestaande gegevens (dubbele sleutel of ontbrekende koppeling); "
            "er is niets opgeslagen.",
            hint="Controleer de ingevoerde gegevens en probeer opnieuw.",
            path=label,
        )
    orig = getattr(exc, "orig", exc)
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    lowered = detail.lower()
    if isinstance(exc, DBAPIError) and (exc.connection_invalidated or _is_disconnect(lowered)):
        return ConnectionLostError(
            "De verbinding met de projectserver is weggevallen; er is niets opgeslagen.",
            hint="Controleer de netwerkverbinding en probeer het opnieuw.",
            path=label,
        )
    if "disk is full" in lowered or "no space" in lowered or "sqlite_full" in lowered:
        return StorageError(
            "De schijf is vol; de wijziging is niet opgeslagen en het project is ongewijzigd.",
            hint="Maak ruimte vrij op de schijf en sla opnieuw op.",
            path=label,
        )
    if "locked" in lowered or "busy" in lowered:
        return StorageError(
            "Het projectbestand is bezet door een ander programma; er is niets opgeslagen.",
            hint="Sluit het project in andere programma's (bijvoorbeeld QGIS) en probeer opnieuw.",
            path=label,
        )
    if "readonly" in lowered or "read-only" in lowered:
        return StorageError(
            "Het projectbestand is alleen-lezen; er is niets opgeslagen.",
            hint="Sla het project op een plek op waar u mag schrijven.",
            path=label,
        )
    return StorageError(
        f"Opslaan is mislukt ({detail}); er is niets opgeslagen.",
        hint="Probeer het opnieuw; blijft het misgaan, meld het dan met deze melding erbij.",
        path=label,
    )


def _is_disconnect(detail: str) -> bool:
    return any(
        s in detail
        for s in (
            "terminating connection",
            "server closed the connection",
            "connection is closed",
            "consuming input failed",
        )
    )


# --------------------------------------------------------------------------- audit log


def _audit_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, shapely.Geometry):
        out = str(shapely.to_wkt(value, rounding_precision=3))
    elif isinstance(value, dt.datetime | dt.date):
        out = value.isoformat()
    elif isinstance(value, dict | list):
        out = json.dumps(value, ensure_ascii=False, default=str)
    else:
        out = str(value)
    return out if len(out) <= _AUDIT_MAX else out[: _AUDIT_MAX - 1] + "…"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, shapely.Geometry) or isinstance(b, shapely.Geometry):
        return a is not None and b is not None and bool(shapely.equals_exact(a, b, 0.0))
    return bool(a == b)


def _audit_fields(obj: Base, action: str) -> list[tuple[str, str | None, str | None]]:
    mapper = inspect(type(obj))
    skip = {c.key for c in mapper.primary_key}
    version_col = mapper.version_id_col
    if version_col is not None:
        skip.add(str(version_col.key))
    out: list[tuple[str, str | None, str | None]] = []
    for attr in mapper.column_attrs:
        key = attr.key
        if key in skip:
            continue
        if action == "insert":
            value = getattr(obj, key)
            if value is not None:
                out.append((key, None, _audit_value(value)))
        elif action == "delete":
            value = get_history(obj, key).unchanged or get_history(obj, key).deleted
            old = value[0] if value else None
            if old is not None:
                out.append((key, _audit_value(old), None))
        else:
            hist = get_history(obj, key)
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if not _same(old, new):
                out.append((key, _audit_value(old), _audit_value(new)))
    return out


def _entity_id(obj: Base) -> str:
    if isinstance(obj, Plot):
        return obj.plot_id
    ident = inspect(obj).identity
    if ident:
        return ",".join(str(i) for i in ident)
    pks = [getattr(obj, str(c.key)) for c in inspect(type(obj)).primary_key]
    return ",".join(str(p) for p in pks)


def _before_flush(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    pending: list[tuple[Base, str, list[tuple[str, str | None, str | None]]]] = session.info.setdefault(
        "bnp_audit", []
    )
    if session.new or session.dirty or session.deleted:
        session.info["bnp_changed"] = True
    touched: set[str] = session.info.setdefault("bnp_tables", set())
    for action, objs in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if isinstance(obj, Plot | Reservation):
                touched.add(type(obj).__tablename__)
            if not isinstance(obj, _AUDITED):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            fields = _audit_fields(obj, action)
            if fields or action != "update":
                pending.append((obj, action, fields))


def _on_orm_execute(state: ORMExecuteState) -> None:
    """Bulk ``session.execute(update(...))`` changes rows without a flush: still a change."""
    if state.is_update or state.is_delete or state.is_insert:
        state.session.info["bnp_changed"] = True


def _after_flush(session: Session, _ctx: UOWTransaction) -> None:
    pending = session.info.pop("bnp_audit", [])
    if not pending:
        return
    who = str(session.info.get("bnp_user", "onbekend"))
    # One time for the whole transaction (one user action), however often it flushes: the
    # history shows the fields of one edit together.
    now = session.info.setdefault("bnp_audit_at", dt.datetime.now(dt.UTC))
    rows: list[dict[str, Any]] = []
    for obj, action, fields in pending:
        entity = type(obj).__tablename__
        entity_id = _entity_id(obj)
        base = {"at": now, "who": who, "entity": entity, "entity_id": entity_id, "action": action}
        if not fields:
            rows.append({**base, "field": None, "old": None, "new": None})
        rows.extend({**base, "field": f, "old": o, "new": n} for f, o, n in fields)
    session.connection().execute(insert(AuditEntry), rows)


# --------------------------------------------------------------------------- data tables


def _sql_type(dtype: Any, dialect: str) -> TypeEngine[Any]:
    if pd.api.types.is_bool_dtype(dtype):
        return Boolean(create_constraint=False)
    if pd.api.types.is_integer_dtype(dtype):
        return BigInteger() if dialect == "postgresql" else Integer()  # OSM ids exceed int4
    if pd.api.types.is_float_dtype(dtype):
        return Double() if dialect == "postgresql" else REAL()
    return Text()


def _column_values(series: pd.Series, sql: TypeEngine[Any]) -> list[Any]:
    mask = series.isna().to_numpy()
    raw: list[Any]
    if isinstance(sql, Boolean):
        raw = [bool(v) for v in series.fillna(False).to_numpy()]
    elif isinstance(sql, Integer):
        raw = [int(v) for v in series.fillna(0).to_numpy(dtype="int64")]
    elif isinstance(sql, Double | REAL):
        raw = [float(v) for v in series.astype("float64").fillna(0.0).to_numpy()]
    elif pd.api.types.is_datetime64_any_dtype(series.dtype):
        raw = [None if m else v.isoformat() for v, m in zip(series, mask, strict=True)]
    else:
        raw = [str(v) for v in series.to_numpy(dtype=object)]
    return [None if m else v for v, m in zip(raw, mask, strict=True)]


def _restore(values: list[Any], dtype: str) -> pd.Series:
    try:
        if dtype.startswith("datetime64"):
            return pd.Series(pd.to_datetime(values), dtype=dtype)
        if dtype in ("int64", "int32", "bool") and any(v is None for v in values):
            dtype = {"bool": "boolean"}.get(dtype, "Int64")
        return pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series(values, dtype=object)


def _column_spec(frame: pd.DataFrame, geometry: str | None) -> list[dict[str, str]]:
    used = {"fid", "geom"}
    spec: list[dict[str, str]] = []
    for name in frame.columns:
        if name == geometry:
            continue
        base = re.sub(r"\s+", "_", str(name)).strip() or "kolom"
        column, n = base, 1
        while column.lower() in used:
            n += 1
            column = f"{base}_{n}"
        used.add(column.lower())
        spec.append({"name": str(name), "column": column, "dtype": str(frame[name].dtype)})
    return spec


def _data_table(
    name: str, spec: Sequence[Mapping[str, str]], geometry_type: str | None, dialect: str, *, raw_geom: bool
) -> Table:
    """The SQLAlchemy Table of a data table; ``raw_geom`` binds ready-made GeoPackage blobs."""
    cols: list[Column[Any]] = [Column("fid", Integer, primary_key=True, autoincrement=True)]
    cols.extend(
        Column(c["column"], _sql_type(pd.api.types.pandas_dtype(_safe_dtype(c["dtype"])), dialect))
        for c in spec
    )
    if geometry_type is not None:
        geom_type: TypeEngine[Any] = LargeBinary() if raw_geom else GeometryType(geometry_type)
        cols.append(Column("geom", geom_type))
    return Table(name, MetaData(), *cols)


def _safe_dtype(dtype: str) -> str:
    try:
        pd.api.types.pandas_dtype(dtype)
    except TypeError:
        return "object"
    return dtype


def _gpkg_blobs(geoms: np.ndarray[Any, Any]) -> list[bytes | None]:
    return [to_gpkg_blob(g) for g in geoms]


def _decode_blobs(blobs: Sequence[bytes | None]) -> np.ndarray[Any, Any]:
    from projects.geometry import from_gpkg_blob

    return np.array([from_gpkg_blob(b) for b in blobs], dtype=object)


# --------------------------------------------------------------------------- the store


class ProjectStore:
    """An open project: a GeoPackage file or a schema on a PostGIS server.

    Use :meth:`create` or :meth:`open`; every change goes through :meth:`session` (one
    transaction) or one of the layer methods (each also one transaction).
    """

    def __init__(
        self, engine: Engine, *, label: str, is_file: bool, schema: str | None, user: str | None
    ) -> None:
        self._engine = engine
        self.target_label = label
        self.is_file = is_file
        self.schema = schema
        self.user = user or _default_user()
        self._maker = sessionmaker(bind=engine, expire_on_commit=False)
        event.listen(self._maker, "before_flush", _before_flush)
        event.listen(self._maker, "after_flush", _after_flush)
        event.listen(self._maker, "do_orm_execute", _on_orm_execute)

    # ---- lifecycle

    @classmethod
    def create(
        cls,
        target: str | Path,
        *,
        name: str,
        gemeente_code: str | None = None,
        gemeente_naam: str | None = None,
        user: str | None = None,
    ) -> ProjectStore:
        """Create a new project (file path ending in .gpkg, or a server URL) at the newest schema."""
        fields = {"name": name, "gemeente_code": gemeente_code, "gemeente_naam": gemeente_naam}
        if _is_url(target):
            return _create_server(str(target), fields, user)
        path = Path(target)
        _create_file(path, fields)
        log.info("Project aangemaakt: %s", path)
        return cls(_sqlite_engine(path), label=str(path), is_file=True, schema=None, user=user)

    @classmethod
    def open(cls, target: str | Path, *, user: str | None = None, upgrade: bool = True) -> ProjectStore:
        """Open an existing project; checks integrity and upgrades an older schema (after a backup)."""
        if _is_url(target):
            return _open_server(_parse_server(str(target)), user, upgrade)
        path = Path(target)
        _check_file(path)
        engine = _sqlite_engine(path)
        store = cls(engine, label=str(path), is_file=True, schema=None, user=user)
        try:
            store._ensure_revision(upgrade)
        except ProjectError:
            engine.dispose()
            raise
        log.info("Project geopend: %s", path)
        return store

    def close(self) -> None:
        """Release all connections (the file is closed; server connections are returned)."""
        self._engine.dispose()

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for read-only queries by other modules and tests)."""
        return self._engine

    def _ensure_revision(self, upgrade: bool) -> None:
        head = _head_revision()
        try:
            with self._engine.connect() as conn:
                current = _current_revision(conn, self.schema)
        except DBAPIError as exc:
            raise _translate(exc, self.target_label) from exc
        if current == head:
            return
        if current is not None and current not in _known_revisions():
            raise ProjectFileError(
                f"Dit project is gemaakt met een nieuwere versie van Van Bod naar Plot (schema {current}).",
                hint="Werk Van Bod naar Plot bij en open het project opnieuw.",
                path=self.target_label,
            )
        if not upgrade:
            raise ProjectFileError(
                f"Dit project heeft een ouder schema ({current}) en moet worden bijgewerkt.",
                hint="Open het project met bijwerken toegestaan; er wordt eerst een reservekopie gemaakt.",
                path=self.target_label,
            )
        if self.is_file:
            backup = _backup_file(Path(self.target_label), current or "0000")
            log.info("Reservekopie voor schema-update: %s", backup)
        try:
            with self._engine.begin() as conn:
                _migrate(conn, self.schema, head, self.target_label)
                conn.execute(update(Project).values(modified_at=dt.datetime.now(dt.UTC)))
        except DBAPIError as exc:
            raise MigrationError(
                f"Het project kon niet worden bijgewerkt: {_translate(exc, self.target_label).message}",
                hint="Het project is niet gewijzigd; de reservekopie staat ernaast.",
                path=self.target_label,
            ) from exc
        log.info("Project bijgewerkt van schema %s naar %s: %s", current, head, self.target_label)

    # ---- transactions

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One user action = one transaction: commit on exit, rollback on any error.

        A stale edit raises :class:`ConflictError`; storage failures raise :class:`StorageError`.
        A session that changed something bumps ``Project.revision`` and ``modified_at``.
        """
        session = self._maker()
        session.info["bnp_user"] = self.user
        try:
            yield session
            session.flush()
            if session.info.get("bnp_changed"):
                if self.is_file:
                    conn = session.connection()
                    for name in sorted(session.info.get("bnp_tables", ())):
                        gpkg.update_extent(conn, name, _table_bounds(conn, name))
                session.execute(
                    update(Project).values(revision=Project.revision + 1, modified_at=dt.datetime.now(dt.UTC))
                )
            session.commit()
        except (StaleDataError, DBAPIError) as exc:
            session.rollback()
            raise _translate(exc, self.target_label) from exc
        finally:
            session.close()

    def project(self) -> Project:
        """A detached copy of the project row."""
        with self.session() as s:
            project = s.scalars(select(Project)).one()
            s.expunge(project)
            return project

    # ---- layers

    def layers(self, kind: str | None = None) -> list[LayerSource]:
        """The imported layers (detached), oldest first, optionally of one kind."""
        with self.session() as s:
            query = select(LayerSource).order_by(LayerSource.id)
            if kind is not None:
                query = query.where(LayerSource.kind == kind)
            rows = list(s.scalars(query))
            s.expunge_all()
            return rows

    def add_layer(
        self,
        frame: gpd.GeoDataFrame,
        *,
        kind: str,
        label: str,
        original_path: str | None = None,
        original_layer: str | None = None,
        data_date: str | None = None,
        checksum: str | None = None,
        warnings: Sequence[str] = (),
        meta: Mapping[str, Any] | None = None,
        replace: str | None = None,
    ) -> LayerSource:
        """Store ``frame`` as a feature table ``lyr_<kind>_<n>`` plus its LayerSource row, atomically.

        ``replace`` names an existing layer table whose content and source row are replaced
        (same table name, so references stay valid).
        """
        kinds = {k.value for k in LayerKind} - {LayerKind.RASTER.value}
        if kind not in kinds:
            raise InputsError(
                f"Onbekende laagsoort '{kind}'.", hint=f"Gebruik een van: {', '.join(sorted(kinds))}."
            )
        _check_frame(frame)
        with self.session() as s:
            source: LayerSource | None = None
            if replace is not None:
                source = s.scalars(select(LayerSource).where(LayerSource.table_name == replace)).one_or_none()
                if source is None:
                    raise InputsError(
                        f"Laag '{replace}' bestaat niet in dit project.", hint="Kies een bestaande laag."
                    )
                self._drop_data_table(s, replace)
                table_name = replace
            else:
                table_name = self._next_table_name(s, kind)
                source = LayerSource(table_name=table_name)
            source.kind = kind
            source.label = label
            source.original_path = (
                redact_url(original_path) if original_path and "://" in original_path else original_path
            )
            source.original_layer = original_layer
            source.imported_at = dt.datetime.now(dt.UTC)
            source.data_date = data_date
            source.feature_count = len(frame)
            source.checksum = checksum
            source.warnings = list(warnings)
            source.meta = dict(meta or {})
            s.add(source)
            self._write_data_table(s, table_name, frame, role="layer", description=label)
            if data_date:
                project = s.scalars(select(Project)).one()
                project.data_dates = {**project.data_dates, kind: data_date}
            s.flush()
        log.info("Laag %s (%d objecten) opgeslagen in %s", table_name, len(frame), self.target_label)
        return source

    def read_layer(self, table_name: str) -> gpd.GeoDataFrame:
        """A stored layer or result table as the frame that was written (dtypes, EPSG:28992)."""
        with self.session() as s:
            info = s.get(DataTable, table_name)
            if info is None:
                raise InputsError(
                    f"Tabel '{table_name}' bestaat niet in dit project.", hint="Kies een bestaande laag."
                )
            dialect = self._engine.dialect.name
            raw = dialect == "sqlite"
            table = _data_table(table_name, info.columns, info.geometry_type, dialect, raw_geom=raw)
            rows = s.connection().execute(select(table).order_by(table.c.fid)).all()
        data: dict[str, pd.Series] = {}
        for i, c in enumerate(info.columns, start=1):
            data[c["name"]] = _restore([r[i] for r in rows], c["dtype"])
        frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
        if info.geometry_type is None:
            return gpd.GeoDataFrame(frame)
        geoms = [r[-1] for r in rows]
        values = _decode_blobs(geoms) if raw else np.array(geoms, dtype=object)
        return gpd.GeoDataFrame(
            frame, geometry=gpd.GeoSeries(values, crs=f"EPSG:{RD_SRID}"), crs=f"EPSG:{RD_SRID}"
        )

    def remove_layer(self, table_name: str) -> None:
        """Drop a layer table with its source row and registration, in one transaction."""
        with self.session() as s:
            source = s.scalars(select(LayerSource).where(LayerSource.table_name == table_name)).one_or_none()
            if source is None:
                raise InputsError(
                    f"Laag '{table_name}' bestaat niet in dit project.", hint="Kies een bestaande laag."
                )
            self._drop_data_table(s, table_name)
            s.delete(source)
        log.info("Laag %s verwijderd uit %s", table_name, self.target_label)

    def write_result_table(self, table_name: str, frame: gpd.GeoDataFrame | pd.DataFrame) -> None:
        """Write (or replace) a result table, e.g. the per-plot scores of a snapshot.

        A frame with a geometry becomes a feature table, otherwise an attribute table.
        """
        if (
            not _TABLE_NAME.match(table_name)
            or table_name.startswith(_RESERVED_PREFIXES)
            or table_name in Base.metadata.tables
        ):
            raise InputsError(
                f"'{table_name}' is geen geldige naam voor een resultatentabel.",
                hint="Gebruik kleine letters, cijfers en '_', beginnend met een letter, en geen bestaande projecttabel.",
            )
        if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame.columns:
            _check_frame(frame)
        with self.session() as s:
            existing = s.get(DataTable, table_name)
            if existing is not None:
                if existing.role != "result":
                    raise InputsError(
                        f"'{table_name}' is een geïmporteerde laag, geen resultatentabel.",
                        hint="Kies een andere naam.",
                    )
                self._drop_data_table(s, table_name)
            self._write_data_table(s, table_name, frame, role="result", description="Resultaat")
            s.info["bnp_changed"] = True

    # ---- data-table internals (all on the session's connection, inside its transaction)

    def _next_table_name(self, s: Session, kind: str) -> str:
        prefix = f"lyr_{kind}_"
        names = set(s.scalars(select(DataTable.table_name).where(DataTable.table_name.like(f"{prefix}%"))))
        names |= set(inspect(s.connection()).get_table_names())
        n = 1
        while f"{prefix}{n}" in names:
            n += 1
        return f"{prefix}{n}"

    def _write_data_table(
        self, s: Session, name: str, frame: pd.DataFrame, *, role: str, description: str
    ) -> None:
        conn = s.connection()
        dialect = conn.dialect.name
        geometry: str | None = None
        if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame.columns:
            geometry = str(frame._geometry_column_name)
        spec = _column_spec(frame, geometry)
        geoms = frame[geometry].to_numpy(dtype=object) if geometry else None
        gtype = gpkg.geometry_type_name(list(geoms)) if geoms is not None else None
        raw = dialect == "sqlite"
        table = _data_table(name, spec, gtype, dialect, raw_geom=raw)
        table.create(conn)
        columns = [_column_values(frame[c["name"]], table.c[c["column"]].type) for c in spec]
        names = [c["column"] for c in spec]
        if geoms is not None:
            columns.append(_gpkg_blobs(geoms) if raw else list(geoms))
            names.append("geom")
        rows = (
            [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
            if names
            else [{} for _ in range(len(frame))]
        )
        for start in range(0, len(rows), _CHUNK):
            conn.execute(insert(table), rows[start : start + _CHUNK])
        if dialect == "sqlite":
            if gtype is not None:
                gpkg.register_features(conn, name, geometry_type=gtype, description=description)
                gpkg.update_extent(conn, name, tuple(frame.total_bounds) if len(frame) else None)
                gpkg.add_rtree(conn, name)  # after the rows: one bulk fill instead of a trigger per row
            else:
                gpkg.register_attributes(conn, name, description=description)
        elif dialect == "postgresql" and gtype is not None:
            conn.exec_driver_sql(f'CREATE INDEX "{name}_geom_idx" ON "{name}" USING GIST (geom)')
        s.add(DataTable(table_name=name, role=role, geometry_type=gtype, columns=spec))
        s.flush()

    def _drop_data_table(self, s: Session, name: str) -> None:
        conn = s.connection()
        if conn.dialect.name == "sqlite":
            gpkg.unregister(conn, name)
        conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        s.execute(delete(DataTable).where(DataTable.table_name == name))


def _check_frame(frame: pd.DataFrame) -> None:
    if not isinstance(frame, gpd.GeoDataFrame) or frame._geometry_column_name not in frame.columns:
        raise InputsError(
            "De laag heeft geen geometrie.", hint="Importeer een ruimtelijke laag (met geometrie)."
        )
    crs = frame.crs
    if crs is not None and crs.to_epsg() != RD_SRID:
        raise InputsError(
            f"De laag staat in {crs.to_string()}, niet in RD New (EPSG:28992).",
            hint="Laad de laag via de importfunctie; die zet hem om naar EPSG:28992.",
        )


# --------------------------------------------------------------------------- file helpers


def _create_file(
    path: Path, fields: Mapping[str, Any], *, revision: str = "head", uid: str | None = None
) -> None:
    """Build the project in a temp file next to ``path`` and move it into place when complete."""
    if path.suffix.lower() != ".gpkg":
        raise ProjectFileError(
            "Een projectbestand moet de extensie .gpkg hebben.",
            hint="Kies een naam die op .gpkg eindigt.",
            path=str(path),
        )
    if path.exists():
        raise ProjectFileError(
            "Dit bestand bestaat al.",
            hint="Kies een andere naam of open het bestaande project.",
            path=str(path),
        )
    if not path.parent.is_dir():
        raise ProjectFileError("De map bestaat niet.", hint="Kies een bestaande map.", path=str(path))
    try:
        with atomic_output(path, create_dirs=False, durable=True) as tmp:
            _init_file(tmp, revision)
            engine = _sqlite_engine(tmp)
            try:
                with engine.begin() as conn:
                    now = dt.datetime.now(dt.UTC)
                    conn.execute(
                        insert(Project).values(
                            uid=uid or uuid.uuid4().hex,
                            categories=[],
                            created_at=now,
                            modified_at=now,
                            data_dates={},
                            revision=0,
                            **fields,
                        )
                    )
            finally:
                engine.dispose()
    except sqlite3.Error as exc:
        raise StorageError(
            f"Het projectbestand kon niet worden aangemaakt: {exc}",
            hint="Controleer schrijfrechten en schijfruimte.",
            path=str(path),
        ) from exc
    except DBAPIError as exc:
        raise _translate(exc, str(path)) from exc


def _init_file(path: Path, revision: str) -> None:
    """An empty GeoPackage at ``revision``: header pragmas, then the schema in one transaction."""
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute(f"PRAGMA application_id = {gpkg.APPLICATION_ID}")
        raw.execute(f"PRAGMA user_version = {gpkg.USER_VERSION}")
        raw.execute("PRAGMA journal_mode = DELETE")
    finally:
        raw.close()
    engine = _sqlite_engine(path)
    try:
        with engine.begin() as conn:
            _migrate(conn, None, revision, str(path))
    finally:
        engine.dispose()


def _check_file(path: Path) -> None:
    """Refuse what is not an intact project file of ours; never repair anything."""
    label = str(path)
    if not path.exists():
        raise ProjectFileError(
            "Het projectbestand bestaat niet.", hint="Controleer de bestandsnaam en de map.", path=label
        )
    if not path.is_file():
        raise ProjectFileError("Dit is geen bestand.", hint="Kies een .gpkg-projectbestand.", path=label)
    try:
        raw = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise ProjectFileError(
            f"Het projectbestand kan niet worden geopend: {exc}",
            hint="Controleer de bestandsrechten.",
            path=label,
        ) from exc
    try:
        try:
            result = [r[0] for r in raw.execute("PRAGMA quick_check")]
            app_id = raw.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise ProjectFileError(
                f"Het projectbestand is beschadigd of geen GeoPackage ({exc}).",
                hint="Open een reservekopie; het bestand is niet gewijzigd.",
                path=label,
            ) from exc
    finally:
        raw.close()
    if result != ["ok"]:
        raise ProjectFileError(
            "Het projectbestand is beschadigd (integriteitscontrole mislukt).",
            hint="Open een reservekopie; het bestand is niet gewijzigd of 'gerepareerd'.",
            path=label,
        )
    if app_id != gpkg.APPLICATION_ID:
        raise ProjectFileError(
            "Dit bestand is geen GeoPackage.",
            hint="Kies een .gpkg-projectbestand van Van Bod naar Plot.",
            path=label,
        )
    if not {"project", "alembic_version", "gpkg_contents"} <= tables:
        raise ProjectFileError(
            "Dit GeoPackage is geen project van Van Bod naar Plot.",
            hint="Maak een nieuw project en importeer dit bestand als laag.",
            path=label,
        )


def _backup_file(path: Path, revision: str) -> Path:
    """A consistent copy (SQLite backup API) next to the file, before an upgrade."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    backup = path.with_name(f"{path.stem}.backup-{revision}-{stamp}.gpkg")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.stem}.backup-{revision}-{stamp}-{n}.gpkg")
    try:
        src = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        dst = sqlite3.connect(backup)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        backup.unlink(missing_ok=True)
        raise MigrationError(
            f"De reservekopie voor de schema-update kon niet worden gemaakt: {exc}",
            hint="Controleer schijfruimte en schrijfrechten; het project is niet gewijzigd.",
            path=str(path),
        ) from exc
    return backup


# --------------------------------------------------------------------------- server helpers


def _connect_error(exc: DBAPIError, label: str) -> ProjectError:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return ConnectionLostError(
        f"Geen verbinding met de projectserver ({detail}).",
        hint="Controleer adres, gebruikersnaam en wachtwoord (PGPASSWORD of ~/.pgpass) en of de server draait.",
        path=label,
    )


def _schema_exists(conn: Connection, schema: str) -> bool:
    return bool(
        conn.execute(
            text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"), {"s": schema}
        ).first()
    )


def _create_server(target: str, fields: Mapping[str, Any], user: str | None) -> ProjectStore:
    server = _parse_server(target)
    if server.project is None:
        server = _Server(server.url, _slug(str(fields["name"])))
    schema = server.schema
    engine = _pg_engine(server, schema)
    try:
        with engine.begin() as conn:
            if _schema_exists(conn, schema):
                raise ProjectFileError(
                    f"Op de server bestaat al een project '{server.project}'.",
                    hint="Kies een andere projectnaam (?project=...) of open het bestaande project.",
                    path=server.label,
                )
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            _migrate(conn, schema, "head", server.label)
            now = dt.datetime.now(dt.UTC)
            conn.execute(
                insert(Project).values(
                    uid=uuid.uuid4().hex,
                    categories=[],
                    created_at=now,
                    modified_at=now,
                    data_dates={},
                    revision=0,
                    **fields,
                )
            )
    except DBAPIError as exc:
        engine.dispose()
        raise _connect_error(exc, server.label) from exc
    except ProjectError:
        engine.dispose()
        raise
    log.info("Serverproject aangemaakt: %s", server.label)
    return ProjectStore(engine, label=server.label, is_file=False, schema=schema, user=user)


def _open_server(server: _Server, user: str | None, upgrade: bool) -> ProjectStore:
    schema = server.schema
    engine = _pg_engine(server, schema)
    try:
        with engine.connect() as conn:
            exists = _schema_exists(conn, schema) and inspect(conn).has_table("project", schema=schema)
    except DBAPIError as exc:
        engine.dispose()
        raise _connect_error(exc, server.label) from exc
    if not exists:
        engine.dispose()
        raise ProjectFileError(
            f"Op de server staat geen project '{server.project}'.",
            hint="Controleer de projectnaam (?project=...) of maak het project eerst aan.",
            path=server.label,
        )
    store = ProjectStore(engine, label=server.label, is_file=False, schema=schema, user=user)
    try:
        store._ensure_revision(upgrade)
    except ProjectError:
        engine.dispose()
        raise
    log.info("Serverproject geopend: %s", server.label)
    return store


def _server_projects(conn: Connection) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'project' AND table_schema LIKE :p"
        ),
        {"p": SCHEMA_PREFIX.replace("_", r"\_") + "%"},
    )
    return sorted(r[0] for r in rows)


# --------------------------------------------------------------------------- push / pull


def _copy_project(src: Connection, dst: Connection) -> None:
    """Copy every row of every project table, and every data table, from ``src`` to ``dst``."""
    for table in Base.metadata.sorted_tables:
        rows = [dict(r) for r in src.execute(select(table)).mappings()]
        for start in range(0, len(rows), _CHUNK):
            dst.execute(insert(table), rows[start : start + _CHUNK])
    infos = list(src.execute(select(DataTable.__table__)).mappings())
    sqlite_dst = dst.dialect.name == "sqlite"
    for info in infos:
        name, spec, gtype = info["table_name"], info["columns"], info["geometry_type"]
        src_table = _data_table(name, spec, gtype, src.dialect.name, raw_geom=False)
        dst_table = _data_table(name, spec, gtype, dst.dialect.name, raw_geom=False)
        dst_table.create(dst)
        rows = [dict(r) for r in src.execute(select(src_table).order_by(src_table.c.fid)).mappings()]
        for start in range(0, len(rows), _CHUNK):
            dst.execute(insert(dst_table), rows[start : start + _CHUNK])
        if sqlite_dst:
            if gtype is not None:
                gpkg.register_features(dst, name, geometry_type=gtype)
                geoms = [r["geom"] for r in rows if r.get("geom") is not None]
                gpkg.update_extent(dst, name, tuple(shapely.total_bounds(geoms)) if geoms else None)
                gpkg.add_rtree(dst, name)
            else:
                gpkg.register_attributes(dst, name)
        elif gtype is not None:
            dst.exec_driver_sql(f'CREATE INDEX "{name}_geom_idx" ON "{name}" USING GIST (geom)')
    if sqlite_dst:
        for name in ("plots", "reservations"):
            bounds = _table_bounds(dst, name)
            gpkg.update_extent(dst, name, bounds)
    else:
        _reset_sequences(dst, [i["table_name"] for i in infos])


def _reset_sequences(conn: Connection, data_tables: Sequence[str]) -> None:
    """After copying explicit ids into PostgreSQL, move each serial past the highest id."""
    keys = [
        (t.name, t.primary_key.columns.values()[0].name)
        for t in Base.metadata.sorted_tables
        if len(t.primary_key.columns) == 1 and isinstance(t.primary_key.columns.values()[0].type, Integer)
    ]
    keys.extend((name, "fid") for name in data_tables)
    for name, pk in keys:
        conn.execute(
            text(
                f'SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX("{pk}"), 0) + 1, false) FROM "{name}"'
            ),
            {"t": name, "c": pk},
        )


def _table_bounds(conn: Connection, name: str) -> tuple[float, float, float, float] | None:
    table = Base.metadata.tables[name]
    geoms = [g for g in conn.execute(select(table.c.geom)).scalars() if g is not None]
    if not geoms:
        return None
    b = shapely.total_bounds(geoms)
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def push(source: str | Path, url: str, *, user: str | None = None, replace: bool = False) -> str:
    """Copy a project file to a server project in one server transaction; returns its label.

    The server project is named by ``?project=`` in the URL, else after the project's name. An
    existing server project is refused unless ``replace`` is true.
    """
    src = ProjectStore.open(source, user=user)
    try:
        project = src.project()
        server = _parse_server(url)
        if server.project is None:
            server = _Server(server.url, _slug(project.name))
        schema = server.schema
        engine = _pg_engine(server, schema)
        try:
            with engine.begin() as dst, src.engine.connect() as src_conn:
                if _schema_exists(dst, schema):
                    if not replace:
                        raise ProjectFileError(
                            f"Op de server bestaat al een project '{server.project}'.",
                            hint="Kies een andere projectnaam (?project=...) of vervang het bewust.",
                            path=server.label,
                        )
                    dst.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
                dst.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
                _migrate(dst, schema, "head", server.label)
                _copy_project(src_conn, dst)
        except DBAPIError as exc:
            raise _translate(exc, server.label) from exc
        finally:
            engine.dispose()
    finally:
        src.close()
    log.info("Project %s naar server gekopieerd: %s", src.target_label, server.label)
    return server.label


def pull(
    url: str,
    target: str | Path,
    *,
    project_uid: str | None = None,
    user: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Copy a server project into a new project file (temp file, moved into place when complete).

    Without ``?project=`` in the URL, ``project_uid`` picks the project; with neither, the
    server must hold exactly one project.
    """
    path = Path(target)
    if path.suffix.lower() != ".gpkg":
        raise ProjectFileError(
            "Een projectbestand moet de extensie .gpkg hebben.",
            hint="Kies een naam die op .gpkg eindigt.",
            path=str(path),
        )
    if path.exists() and not overwrite:
        raise ProjectFileError("Dit bestand bestaat al.", hint="Kies een andere naam.", path=str(path))
    server = _parse_server(url)
    if server.project is None:
        server = _find_server_project(server, project_uid)
    src = _open_server(server, user, upgrade=False)
    try:
        with atomic_output(path, create_dirs=False, durable=True) as tmp:
            _init_file(tmp, "head")
            engine = _sqlite_engine(tmp)
            try:
                with engine.begin() as dst, src.engine.connect() as src_conn:
                    _copy_project(src_conn, dst)
            finally:
                engine.dispose()
    except DBAPIError as exc:
        raise _translate(exc, src.target_label) from exc
    finally:
        src.close()
    log.info("Serverproject %s gekopieerd naar %s", src.target_label, path)
    return path


def _find_server_project(server: _Server, project_uid: str | None) -> _Server:
    engine = _pg_engine(server, None)
    try:
        with engine.connect() as conn:
            found: list[str] = []
            for schema in _server_projects(conn):
                if project_uid is None:
                    found.append(schema)
                    continue
                uid = conn.execute(text(f'SELECT uid FROM "{schema}".project')).scalar()
                if uid == project_uid:
                    found.append(schema)
    except DBAPIError as exc:
        raise _connect_error(exc, server.label) from exc
    finally:
        engine.dispose()
    if len(found) != 1:
        names = ", ".join(s.removeprefix(SCHEMA_PREFIX) for s in found) or "geen"
        raise InputsError(
            f"Niet duidelijk welk serverproject bedoeld is (gevonden: {names}).",
            hint="Noem het project met ?project=<naam> in het serveradres.",
        )
    return _Server(server.url, found[0].removeprefix(SCHEMA_PREFIX))
