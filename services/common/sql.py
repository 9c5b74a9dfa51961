"""SQLAlchemy engines for SQLite (WAL, one writer at a time) and PostgreSQL, transactions,
and Alembic migrations that are safe when replicas start together."""

import pathlib
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

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
def transaction(
    engine: sa.Engine, *, write: bool, snapshot: bool = False
) -> Iterator[sa.Connection]:
    """One transaction, committed when the block ends normally and rolled back otherwise.
    `snapshot` makes every statement of a PostgreSQL transaction see the same snapshot."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: write})
        if snapshot and engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


def lock_for_transaction(connection: sa.Connection, key: int) -> None:
    """On PostgreSQL, waits for a lock on `key` held until the transaction ends (SQLite's
    write transactions are exclusive already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def upgrade(engine: sa.Engine, migrations: pathlib.Path, lock_key: int) -> None:
    """Migrates to the newest schema, one process at a time."""
    with transaction(engine, write=True) as connection:
        lock_for_transaction(connection, lock_key)
        config = Config()
        config.set_main_option("script_location", str(migrations))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
