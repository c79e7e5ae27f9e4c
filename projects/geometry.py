"""A geometry column type for both stores: GeoPackage binary in SQLite, PostGIS on the server.

GeoPackage geometry blobs (OGC 12-128r18 §2.1.3) are a small header — magic ``GP``, version,
flags (byte order, envelope kind, empty), ``srs_id`` and an envelope — followed by standard WKB.
Writing them ourselves lets SQLAlchemy own the feature tables inside one transaction, while
GDAL and QGIS still read them as normal GeoPackage layers. All geometry is EPSG:28992.
"""

from __future__ import annotations

import struct
from typing import Any

import shapely
from sqlalchemy.engine import Dialect
from sqlalchemy.types import LargeBinary, TypeDecorator, TypeEngine

__all__ = ["RD_SRID", "GeometryType", "from_gpkg_blob", "to_gpkg_blob"]

RD_SRID = 28992
_HEADER = struct.Struct("<2sBBi")  # magic, version, flags, srs_id (little endian)
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def to_gpkg_blob(geom: shapely.Geometry | None, srid: int = RD_SRID) -> bytes | None:
    """Shapely geometry → GeoPackage binary (little endian, XY envelope; empty flagged)."""
    if geom is None:
        return None
    if geom.is_empty:
        flags = 0b0001_0001  # empty, no envelope, little endian
        return _HEADER.pack(b"GP", 0, flags, srid) + bytes(shapely.to_wkb(geom, byte_order=1, flavor="iso"))
    flags = 0b0000_0011  # envelope [minx, maxx, miny, maxy], little endian
    minx, miny, maxx, maxy = geom.bounds
    envelope = struct.pack("<4d", minx, maxx, miny, maxy)
    return (
        _HEADER.pack(b"GP", 0, flags, srid)
        + envelope
        + bytes(shapely.to_wkb(geom, byte_order=1, flavor="iso"))
    )


def from_gpkg_blob(blob: bytes | memoryview | None) -> shapely.Geometry | None:
    """GeoPackage binary → shapely geometry (either byte order, any envelope kind)."""
    if blob is None:
        return None
    data = bytes(blob)
    if len(data) < 8 or data[:2] != b"GP":
        raise ValueError("geen GeoPackage-geometrie (magic 'GP' ontbreekt)")
    flags = data[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("ongeldige envelop in GeoPackage-geometrie")
    return shapely.from_wkb(data[8 + envelope :])


class GeometryType(TypeDecorator[shapely.Geometry]):
    """Shapely geometries in a GeoPackage BLOB (SQLite) or a PostGIS ``geometry`` column."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY", srid: int = RD_SRID) -> None:
        super().__init__()
        self.geometry_type = geometry_type
        self.srid = srid
        self.spatial_index = False  # read by GeoAlchemy2's DDL listeners; our migrations add GiST

    def load_dialect_impl(self, dialect: Dialect | None) -> TypeEngine[Any]:
        # GeoAlchemy2's DDL listeners probe TypeDecorators with dialect=None; answer "not
        # managed" so they leave our columns alone (the migrations create the GiST indexes).
        if dialect is None:
            return LargeBinary()
        if dialect.name == "postgresql":
            from geoalchemy2 import Geometry

            return dialect.type_descriptor(Geometry(self.geometry_type, srid=self.srid, spatial_index=True))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: shapely.Geometry | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":
            from geoalchemy2.shape import from_shape

            return from_shape(value, srid=self.srid)
        return to_gpkg_blob(value, self.srid)

    def process_result_value(self, value: Any, dialect: Dialect) -> shapely.Geometry | None:
        if value is None:
            return None
        if dialect.name == "postgresql":
            from geoalchemy2.shape import to_shape

            return to_shape(value)
        return from_gpkg_blob(value)
