"""GeoPackage bookkeeping for the project file: core tables, layer registration and extents.

A project file is a valid GeoPackage (OGC 12-128r18) so GDAL and QGIS open it directly. We do
not load SpatiaLite (the pyenv Python cannot, stack.md §7), so this module writes the few core
tables and registrations by hand, always on the caller's connection: registration is part of
the same transaction as the table it describes.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Sequence
from typing import Any

import shapely
from sqlalchemy import JSON, Connection, Float, text
from sqlalchemy.ext.compiler import compiles

from projects.geometry import RD_SRID

__all__ = [
    "APPLICATION_ID",
    "RTREE_EXTENSION",
    "USER_VERSION",
    "add_rtree",
    "create_core_tables",
    "geometry_type_name",
    "has_rtree",
    "register_attributes",
    "register_features",
    "register_sql_functions",
    "unregister",
    "update_extent",
]

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10400  # GeoPackage 1.4


# GDAL drops columns whose declared type is not a GeoPackage type: JSON becomes TEXT (GDAL reads
# it as a string) and FLOAT becomes REAL (GDAL maps FLOAT to Float32, losing precision).
@compiles(JSON, "sqlite")
def _json_as_text(_type: JSON, _compiler: Any, **_kw: Any) -> str:
    return "TEXT"


@compiles(Float, "sqlite")
def _float_as_real(_type: Float[Any], _compiler: Any, **_kw: Any) -> str:
    return "REAL"


_CORE_DDL = (
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_extensions (
        table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
        definition TEXT NOT NULL, scope TEXT NOT NULL,
        CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",
)

_UNDEFINED_SRS = (
    (
        "Undefined cartesian SRS",
        -1,
        "NONE",
        -1,
        "undefined",
        "undefined cartesian coordinate reference system",
    ),
    (
        "Undefined geographic SRS",
        0,
        "NONE",
        0,
        "undefined",
        "undefined geographic coordinate reference system",
    ),
)


def _srs_rows() -> list[tuple[str, int, str, int, str, str]]:
    from pyproj import CRS

    rows = list(_UNDEFINED_SRS)
    for code, name in ((4326, "WGS 84 geodetic"), (RD_SRID, "Amersfoort / RD New")):
        wkt = CRS.from_epsg(code).to_wkt("WKT1_GDAL")
        rows.append((name, code, "EPSG", code, wkt, name))
    return rows


def create_core_tables(conn: Connection) -> None:
    """Create the GeoPackage core tables with the required SRS rows (idempotent)."""
    for ddl in _CORE_DDL:
        conn.exec_driver_sql(ddl)
    for row in _srs_rows():
        conn.execute(
            text(
                "INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
                "organization_coordsys_id, definition, description) VALUES (:n, :i, :o, :c, :d, :s)"
            ),
            {"n": row[0], "i": row[1], "o": row[2], "c": row[3], "d": row[4], "s": row[5]},
        )


def register_features(
    conn: Connection,
    table_name: str,
    *,
    geometry_type: str = "GEOMETRY",
    column: str = "geom",
    identifier: str | None = None,
    description: str = "",
) -> None:
    """Register ``table_name`` as a feature table (geometry column ``column``, EPSG:28992)."""
    conn.execute(
        text(
            "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            "VALUES (:t, 'features', :i, :d, :s)"
        ),
        {"t": table_name, "i": identifier or table_name, "d": description, "s": RD_SRID},
    )
    conn.execute(
        text(
            "INSERT OR REPLACE INTO gpkg_geometry_columns "
            "(table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (:t, :c, :g, :s, 0, 0)"
        ),
        {"t": table_name, "c": column, "g": geometry_type, "s": RD_SRID},
    )


def register_attributes(conn: Connection, table_name: str, *, description: str = "") -> None:
    """Register a table without geometry, so GIS users see it as a plain table."""
    conn.execute(
        text(
            "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES (:t, 'attributes', :t, :d)"
        ),
        {"t": table_name, "d": description},
    )


def unregister(conn: Connection, table_name: str) -> None:
    """Remove every registration of ``table_name`` (geometry columns first: foreign key).

    The table's R-tree and its triggers go too, so a table dropped next leaves nothing behind.
    """
    columns = conn.execute(
        text("SELECT column_name FROM gpkg_extensions WHERE table_name = :t AND extension_name = :e"),
        {"t": table_name, "e": "gpkg_rtree_index"},
    ).scalars()
    for column in list(columns):
        _drop_rtree(conn, table_name, str(column))
    for table in ("gpkg_geometry_columns", "gpkg_extensions", "gpkg_contents"):
        conn.execute(text(f"DELETE FROM {table} WHERE table_name = :t"), {"t": table_name})


# --- the R-tree spatial index extension (OGC 12-128r18 annex F.3) ---------------------------------
#
# GIS tools use it for every bounding-box query (QGIS panning, ogr2ogr -spat, pyogrio bbox=). The
# triggers that keep it current call ST_MinX … ST_IsEmpty; GDAL provides those when it opens a
# GeoPackage, and :func:`register_sql_functions` provides them on our own connections. The trigger
# set is the one GDAL 3.8+ writes (spec 1.4: update5–7 replace update1/update3).

RTREE_EXTENSION = "gpkg_rtree_index"
_RTREE_DEFINITION = "http://www.geopackage.org/spec120/#extension_rtree"
_ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}


def _envelope(blob: bytes | memoryview | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a GeoPackage geometry blob; ``None`` when null or empty."""
    if blob is None:
        return None
    data = bytes(blob)
    if len(data) < 8 or data[:2] != b"GP":
        return None
    flags = data[3]
    if flags & 0b1_0000:  # the empty flag
        return None
    n = _ENVELOPE_DOUBLES.get((flags >> 1) & 0b111)
    if n is None:
        return None
    if n:
        order = "<" if flags & 1 else ">"
        minx, maxx, miny, maxy = struct.unpack_from(f"{order}4d", data, 8)
        return (minx, maxx, miny, maxy)
    geom = shapely.from_wkb(data[8:])  # no envelope in the header (GDAL omits it for points)
    if geom is None or geom.is_empty:
        return None
    x0, y0, x1, y1 = geom.bounds
    return (x0, x1, y0, y1)


def _envelope_part(i: int) -> Any:
    def part(blob: bytes | None) -> float | None:
        env = _envelope(blob)
        return None if env is None else env[i]

    return part


def _is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    return 1 if _envelope(blob) is None else 0


def register_sql_functions(dbapi_conn: sqlite3.Connection) -> None:
    """The SQL functions the R-tree triggers call, on a raw SQLite connection."""
    for name, func in (
        ("ST_MinX", _envelope_part(0)),
        ("ST_MaxX", _envelope_part(1)),
        ("ST_MinY", _envelope_part(2)),
        ("ST_MaxY", _envelope_part(3)),
        ("ST_IsEmpty", _is_empty),
    ):
        dbapi_conn.create_function(name, 1, func, deterministic=True)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rtree_ddl(table: str, column: str, pk: str) -> list[str]:
    rt, t, c, i = _q(f"rtree_{table}_{column}"), _q(table), _q(column), _q(pk)
    values = f"NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})"
    new_ok = f"(NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))"
    new_none = f"(NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))"
    name = f"rtree_{table}_{column}"
    return [
        f"CREATE VIRTUAL TABLE {rt} USING rtree(id, minx, maxx, miny, maxy)",
        f"CREATE TRIGGER {_q(name + '_insert')} AFTER INSERT ON {t} WHEN {new_ok} "
        f"BEGIN INSERT OR REPLACE INTO {rt} VALUES ({values}); END",
        f"CREATE TRIGGER {_q(name + '_update6')} AFTER UPDATE OF {c} ON {t} "
        f"WHEN OLD.{i} = NEW.{i} AND {new_ok} AND (OLD.{c} NOTNULL AND NOT ST_IsEmpty(OLD.{c})) "
        f"BEGIN UPDATE {rt} SET minx = ST_MinX(NEW.{c}), maxx = ST_MaxX(NEW.{c}), "
        f"miny = ST_MinY(NEW.{c}), maxy = ST_MaxY(NEW.{c}) WHERE id = NEW.{i}; END",
        f"CREATE TRIGGER {_q(name + '_update7')} AFTER UPDATE OF {c} ON {t} "
        f"WHEN OLD.{i} = NEW.{i} AND {new_ok} AND (OLD.{c} ISNULL OR ST_IsEmpty(OLD.{c})) "
        f"BEGIN INSERT INTO {rt} VALUES ({values}); END",
        f"CREATE TRIGGER {_q(name + '_update2')} AFTER UPDATE OF {c} ON {t} "
        f"WHEN OLD.{i} = NEW.{i} AND {new_none} BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; END",
        f"CREATE TRIGGER {_q(name + '_update5')} AFTER UPDATE ON {t} WHEN OLD.{i} != NEW.{i} AND {new_ok} "
        f"BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; INSERT OR REPLACE INTO {rt} VALUES ({values}); END",
        f"CREATE TRIGGER {_q(name + '_update4')} AFTER UPDATE ON {t} WHEN OLD.{i} != NEW.{i} AND {new_none} "
        f"BEGIN DELETE FROM {rt} WHERE id IN (OLD.{i}, NEW.{i}); END",
        f"CREATE TRIGGER {_q(name + '_delete')} AFTER DELETE ON {t} WHEN OLD.{c} NOT NULL "
        f"BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; END",
    ]


_RTREE_TRIGGERS = ("insert", "update6", "update7", "update2", "update5", "update4", "delete")


def _drop_rtree(conn: Connection, table: str, column: str) -> None:
    name = f"rtree_{table}_{column}"
    for suffix in _RTREE_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_q(name + '_' + suffix)}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_q(name)}")


def has_rtree(conn: Connection, table_name: str, column: str = "geom") -> bool:
    """Whether ``table_name`` has the registered R-tree index on ``column``."""
    row = conn.execute(
        text(
            "SELECT 1 FROM gpkg_extensions WHERE table_name = :t AND column_name = :c AND extension_name = :e"
        ),
        {"t": table_name, "c": column, "e": RTREE_EXTENSION},
    ).first()
    return row is not None


def add_rtree(conn: Connection, table_name: str, *, column: str = "geom", pk: str = "fid") -> None:
    """Create (or rebuild) the R-tree index of a feature table, fill it and register it.

    Idempotent; part of the caller's transaction like every other registration.
    """
    _drop_rtree(conn, table_name, column)
    for ddl in _rtree_ddl(table_name, column, pk):
        conn.exec_driver_sql(ddl)
    t, c, i = _q(table_name), _q(column), _q(pk)
    conn.exec_driver_sql(
        f"INSERT OR REPLACE INTO {_q(f'rtree_{table_name}_{column}')} "
        f"SELECT {i}, ST_MinX({c}), ST_MaxX({c}), ST_MinY({c}), ST_MaxY({c}) FROM {t} "
        f"WHERE {c} NOTNULL AND NOT ST_IsEmpty({c})"
    )
    conn.execute(
        text(
            "INSERT OR REPLACE INTO gpkg_extensions (table_name, column_name, extension_name, definition, "
            "scope) VALUES (:t, :c, :e, :d, 'write-only')"
        ),
        {"t": table_name, "c": column, "e": RTREE_EXTENSION, "d": _RTREE_DEFINITION},
    )


def update_extent(conn: Connection, table_name: str, bounds: Sequence[float] | None) -> None:
    """Store the layer's extent (``None`` or NaN bounds clear it) and stamp ``last_change``."""
    values: list[float | None] = [None, None, None, None]
    if bounds is not None and all(b == b for b in bounds):  # NaN != NaN for empty layers
        values = [float(b) for b in bounds]
    conn.execute(
        text(
            "UPDATE gpkg_contents SET min_x = :a, min_y = :b, max_x = :c, max_y = :d, "
            "last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = :t"
        ),
        {"a": values[0], "b": values[1], "c": values[2], "d": values[3], "t": table_name},
    )


def geometry_type_name(geoms: Sequence[shapely.Geometry | None]) -> str:
    """The GeoPackage geometry type of a column: the common type, else ``GEOMETRY``."""
    names = {g.geom_type.upper() for g in geoms if g is not None and not g.is_empty}
    return names.pop() if len(names) == 1 else "GEOMETRY"
