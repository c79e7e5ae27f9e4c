"""Add reservations.year_split and plots.keep_buildings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

The ledger spreads a reservation's homes over its opleverjaren; ``year_split`` is the user's own
split as readable text ("2028:40, 2031:60": relative shares per year), NULL for an even spread.
``keep_buildings`` marks a plot whose existing buildings stay, so the capacity estimate leaves
their footprint out; NULL or false: the plot's whole area counts. Both are plain columns (GIS
users see them in QGIS). ``batch_alter_table`` keeps SQLite happy; adding a column is a plain
ALTER TABLE, so the GeoPackage triggers and R-tree indexes stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ["downgrade", "upgrade"]

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.add_column(sa.Column("year_split", sa.Text))
    with op.batch_alter_table("plots") as batch:
        batch.add_column(sa.Column("keep_buildings", sa.Boolean))


def downgrade() -> None:
    raise NotImplementedError("project files are never downgraded; restore the backup instead")
