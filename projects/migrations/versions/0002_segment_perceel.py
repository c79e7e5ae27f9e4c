"""Add reservations.segment and plots.kadastraal_perceel.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02

Prestatieafspraken name the segment (sociale huur, middenhuur, ...) and the kadastraal perceel
(domain.md §5). ``batch_alter_table`` keeps SQLite happy; adding a column is a plain ALTER TABLE.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ["downgrade", "upgrade"]

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.add_column(sa.Column("segment", sa.Text))
    with op.batch_alter_table("plots") as batch:
        batch.add_column(sa.Column("kadastraal_perceel", sa.Text))


def downgrade() -> None:
    raise NotImplementedError("project files are never downgraded; restore the backup instead")
