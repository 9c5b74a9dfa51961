"""Bring a database to the newest schema with Alembic, safely when replicas start together."""

import pathlib

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"
_LOCK_KEY = 0x75726261  # arbitrary, shared by every registry replica


def upgrade(engine: sa.Engine, migrations: pathlib.Path = MIGRATIONS) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        config = Config()
        config.set_main_option("script_location", str(migrations))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
