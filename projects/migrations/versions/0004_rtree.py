"""Add the GeoPackage R-tree spatial index to every feature table of a project file.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

GIS tools answer bounding-box queries from the ``gpkg_rtree_index`` extension; without it QGIS
and GDAL scan every row. New feature tables get their index when they are written; this
revision adds it to the tables of older files (plots, reservations, imported layers, results).
PostGIS projects already have GiST indexes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projects import gpkg

__all__ = ["downgrade", "upgrade"]

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    tables = bind.execute(sa.text("SELECT table_name, column_name FROM gpkg_geometry_columns")).all()
    for table, column in tables:
        if not gpkg.has_rtree(bind, str(table), str(column)):
            gpkg.add_rtree(bind, str(table), column=str(column))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    tables = bind.execute(
        sa.text("SELECT table_name, column_name FROM gpkg_extensions WHERE extension_name = :e"),
        {"e": gpkg.RTREE_EXTENSION},
    ).all()
    for table, column in tables:
        bind.exec_driver_sql(f'DROP TABLE IF EXISTS "rtree_{table}_{column}"')
        for suffix in ("insert", "update6", "update7", "update2", "update5", "update4", "delete"):
            bind.exec_driver_sql(f'DROP TRIGGER IF EXISTS "rtree_{table}_{column}_{suffix}"')
    bind.execute(
        sa.text("DELETE FROM gpkg_extensions WHERE extension_name = :e"), {"e": gpkg.RTREE_EXTENSION}
    )
