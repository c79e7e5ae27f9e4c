"""Initial project schema (without reservations.segment and plots.kadastraal_perceel).

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written by hand rather than from the models, so it stays the schema as it was at 0001 while the
models move on. On SQLite it also creates the GeoPackage core tables and registers every table,
so the file is a valid GeoPackage from its first commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projects import gpkg
from projects.geometry import GeometryType

__all__ = ["downgrade", "upgrade"]

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_TS = sa.DateTime(timezone=True)

_ATTRIBUTE_TABLES = (
    ("project", "Het project"),
    ("layer_sources", "Geïmporteerde lagen: herkomst en tabel"),
    ("criteria_profiles", "Criteriaprofielen"),
    ("score_snapshots", "Bewaarde scoreberekeningen"),
    ("opgave", "De opgave (het bod) per categorie en periode"),
    ("partners", "Partners"),
    ("workshops", "Sessies boven de kaart"),
    ("reservation_partners", "Partners per reservering"),
    ("audit_log", "Wie wijzigde wat, wanneer"),
)


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("gemeente_code", sa.Text),
        sa.Column("gemeente_naam", sa.Text),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("modified_at", _TS, nullable=False),
        sa.Column("data_dates", sa.JSON, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.create_table(
        "layer_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("table_name", sa.Text, nullable=False, unique=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("original_path", sa.Text),
        sa.Column("original_layer", sa.Text),
        sa.Column("imported_at", _TS, nullable=False),
        sa.Column("data_date", sa.Text),
        sa.Column("feature_count", sa.Integer, nullable=False),
        sa.Column("checksum", sa.Text),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("meta", sa.JSON, nullable=False),
    )
    op.create_table(
        "data_tables",
        sa.Column("table_name", sa.Text, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("geometry_type", sa.Text),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "plots",
        sa.Column("fid", sa.Integer, primary_key=True),
        sa.Column("plot_id", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("source_id", sa.Text),
        sa.Column("area_m2", sa.Float),
        sa.Column("address", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("geom", GeometryType("GEOMETRY")),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "criteria_profiles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("profile_id", sa.Text, nullable=False),
        sa.Column("housing_category", sa.Text, nullable=False),
        sa.Column("party", sa.Text),
        sa.Column("toml", sa.Text, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("profile_id", "party"),
    )
    op.create_table(
        "score_snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("profile_id", sa.Text, nullable=False),
        sa.Column("profile_toml", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("data_stamps", sa.JSON, nullable=False),
        sa.Column("table_name", sa.Text, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    op.create_table(
        "opgave",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("period_start", sa.Integer, nullable=False),
        sa.Column("period_end", sa.Integer, nullable=False),
        sa.Column("wijk", sa.Text),
        sa.Column("target_homes", sa.Integer, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("notes", sa.Text),
        sa.UniqueConstraint("category", "period_start", "period_end", "wijk"),
    )
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("contact", sa.Text),
        sa.UniqueConstraint("name", "type"),
    )
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("participants", sa.JSON, nullable=False),
        sa.Column("decisions", sa.JSON, nullable=False),
    )
    op.create_table(
        "reservations",
        sa.Column("fid", sa.Integer, primary_key=True),
        sa.Column("plot_fid", sa.Integer, sa.ForeignKey("plots.fid"), nullable=False),
        sa.Column("plot_id", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("capacity_min", sa.Integer, nullable=False),
        sa.Column("capacity_max", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("year_start", sa.Integer),
        sa.Column("year_end", sa.Integer),
        sa.Column("wijk", sa.Text),
        sa.Column("land_owner", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("partners_text", sa.Text),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshops.id")),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("geom", GeometryType("GEOMETRY")),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "reservation_partners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reservation_fid", sa.Integer, sa.ForeignKey("reservations.fid"), nullable=False),
        sa.Column("partner_id", sa.Integer, sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("role", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("entity_id", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("field", sa.Text),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
    )
    op.create_index("ix_reservations_plot_fid", "reservations", ["plot_fid"])
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"])

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.create_index("ix_plots_geom", "plots", ["geom"], postgresql_using="gist")
        op.create_index("ix_reservations_geom", "reservations", ["geom"], postgresql_using="gist")
    elif bind.dialect.name == "sqlite":
        gpkg.create_core_tables(bind)
        gpkg.register_features(bind, "plots", description="Kandidaat-locaties")
        gpkg.register_features(bind, "reservations", description="Reserveringen per locatie en categorie")
        for table, description in _ATTRIBUTE_TABLES:
            gpkg.register_attributes(bind, table, description=description)


def downgrade() -> None:
    raise NotImplementedError("project files are never downgraded; restore the backup instead")
