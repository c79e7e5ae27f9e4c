"""Add plot_comments: comments and votes pinned to plots during a workshop.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03

Participants "boven de kaart" pin a comment and a vote (+1, 0, -1) to a plot; the workshop
minutes list them. On SQLite the table is registered as a GeoPackage attribute table, so
GDAL/QGIS see it like the other project tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projects import gpkg

__all__ = ["downgrade", "upgrade"]

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "plot_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plot_id", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("vote", sa.Integer, nullable=False),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshops.id")),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plot_comments_plot_id", "plot_comments", ["plot_id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        gpkg.register_attributes(bind, "plot_comments", description="Opmerkingen en stemmen per kavel")


def downgrade() -> None:
    raise NotImplementedError("project files are never downgraded; restore the backup instead")
