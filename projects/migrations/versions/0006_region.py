"""Add region and region_members: a project that rolls up its member gemeenten' projects.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

A woondeal region (or a province, a zorgkantoor) keeps its own opgave in the ordinary opgave
table and names its members here: one row per member project (a file path or a PostGIS URL
without password). ``region`` has one row in a region project and none in a gemeente's project:
its presence is the flag. ``since`` is the default "gerapporteerd sinds" date (ISO text). Neither
table has a geometry; on SQLite both are registered as GeoPackage attribute tables so GDAL/QGIS
list them like the other project tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projects import gpkg

__all__ = ["downgrade", "upgrade"]

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "region",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("since", sa.Text),
        sa.Column("notes", sa.Text),
    )
    op.create_table(
        "region_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("gemeente_code", sa.Text),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        gpkg.register_attributes(bind, "region", description="Regio: dit project is een regio")
        gpkg.register_attributes(bind, "region_members", description="Regio: de deelnemende projecten")


def downgrade() -> None:
    raise NotImplementedError("project files are never downgraded; restore the backup instead")
