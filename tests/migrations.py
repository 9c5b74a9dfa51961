"""Bringing a test database to an earlier schema, as an earlier release left it."""

from pathlib import Path

from alembic import command
from alembic.config import Config


def upgrade(connection, scripts: Path, revision: str) -> None:
    """Runs the Alembic migrations in `scripts` on the connection, up to `revision`."""
    config = Config()
    config.set_main_option("script_location", str(scripts))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
