"""Alembic environment: migrations run programmatically on the connection handed over."""

from alembic import context

from services.risk.storage.schema import metadata

VERSION_TABLE = "risk_alembic_version"

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
