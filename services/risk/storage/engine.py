"""The read model's database: engines, its migrations and its two kinds of transaction."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from services.common import sql

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Serialises writers on PostgreSQL, where several replicas may share one database.
WRITER_LOCK_ID = 0x5249534B  # "RISK"

# Per connection, on SQLite: the per-asset table's indexes are written at random places, and a
# catch-up of a million changes runs at about half the speed with SQLite's default of 2 MiB.
SQLITE_CACHE_KIB = 65536


def create_engine(url: str) -> sa.Engine:
    """Without a ping at each checkout (a round trip before every transaction, scrapes
    included): a connection the database dropped fails its statement, the feed starts over
    and the pool replaces its connections."""
    engine = sql.create_engine(url, pre_ping=False)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _larger_page_cache)
    return engine


def _larger_page_cache(dbapi_connection, _record) -> None:
    dbapi_connection.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")


@contextmanager
def writing(engine: sa.Engine, locked: bool = True) -> Iterator[sa.Connection]:
    """One write transaction at a time across processes; rolls back unless the block ends.
    With `locked` false the caller takes the writers' lock (`WRITER_LOCK_ID`) itself, first."""
    with sql.transaction(engine, write=True) as connection:
        if locked:
            sql.lock_for_transaction(connection, WRITER_LOCK_ID)
        yield connection


@contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A read-only transaction that sees one consistent snapshot across statements."""
    with sql.transaction(engine, write=False, snapshot=True) as connection:
        yield connection


def migrate(engine: sa.Engine) -> None:
    """Brings the schema to the newest migration; safe to run from several processes at once."""
    sql.upgrade(engine, MIGRATIONS, WRITER_LOCK_ID)
