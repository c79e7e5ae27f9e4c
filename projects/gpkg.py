"""GeoPackage bookkeeping for the project file: core tables, layer registration and extents.

A project file is a valid GeoPackage (OGC 12-128r18) so GDAL and QGIS open it directly. We do
not load SpatiaLite (the pyenv Python cannot, stack.md §7), so this module writes the few core
tables and registrations by hand, always on the caller's connection: registration is part of
the same transaction as the table it describes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import shapely
from sqlalchemy import JSON, Connection, Float, text
from sqlalchemy.ext.compiler import compiles

from projects.geometry import RD_SRID

__all__ = [
    "APPLICATION_ID",
    "USER_VERSION",
    "create_core_tables",
    "geometry_type_name",
    "register_attributes",
    "register_features",
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
    """Remove every registration of ``table_name`` (geometry columns first: foreign key)."""
    for table in ("gpkg_geometry_columns", "gpkg_extensions", "gpkg_contents"):
        conn.execute(text(f"DELETE FROM {table} WHERE table_name = :t"), {"t": table_name})


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
