"""Alembic environment for project stores, driven programmatically by :mod:`projects.store`.

There is no alembic.ini: the store passes an open connection (inside its own transaction, so a
migration and everything around it commit together) and, on PostgreSQL, the project schema.
"""

from __future__ import annotations

from alembic import context

from projects.models import Base

__all__: list[str] = []

_config = context.config
_connection = _config.attributes.get("connection")
if _connection is None or context.is_offline_mode():
    raise RuntimeError("project migrations run only through projects.store (online, with a connection)")

context.configure(
    connection=_connection,
    target_metadata=Base.metadata,
    render_as_batch=_connection.dialect.name == "sqlite",
    version_table_schema=_config.attributes.get("schema"),
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
