"""Engines for SQLite (WAL, one writer at a time) and PostgreSQL (READ COMMITTED, pooled)."""

import pathlib
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

WRITE = "urban_write"


def create_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_size=16, max_overflow=48, pool_pre_ping=True)


def _sqlite_engine(url: str) -> sa.Engine:
    database = sa.engine.make_url(url).database
    if database and database != ":memory:":
        pathlib.Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        pool_size=8,
        max_overflow=56,
        connect_args={"check_same_thread": False, "timeout": 30},
    )
    sa.event.listen(engine, "connect", _configure_sqlite_connection)
    sa.event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun explicitly below
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


def _begin_sqlite_transaction(connection: sa.Connection) -> None:
    # A writer takes the write lock up front, so two writers never deadlock upgrading read locks.
    immediate = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def transaction(engine: sa.Engine, *, write: bool) -> Iterator[sa.Connection]:
    """One transaction: committed when the block ends normally, rolled back otherwise."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: write})
        with connection.begin():
            yield connection
