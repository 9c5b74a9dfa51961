"""A fresh database per benchmark: a PostgreSQL database or an SQLite file, removed afterwards."""

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

POSTGRES_ADMIN_URL = os.environ.get(
    "URBAN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
KINDS = ("sqlite", "postgres")


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[str]:
    """The SQLAlchemy URL of an empty database of `kind` ("sqlite" or "postgres")."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'registry.db'}"
    elif kind == "postgres":
        with _postgres_database() as url:
            yield url
    else:
        raise ValueError(f"unknown database kind {kind!r}; use one of {', '.join(KINDS)}")


@contextmanager
def _postgres_database() -> Iterator[str]:
    name = f"urban_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin.url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def checkpoint(kind: str) -> float:
    """On PostgreSQL, writes out every dirty buffer of the server now (a CHECKPOINT), so that
    what earlier work left behind is not paid for by the next measured pass; nothing on
    SQLite, whose files are each a benchmark's own. Returns the seconds it took."""
    if kind != "postgres":
        return 0.0
    return _autocommit(POSTGRES_ADMIN_URL, "CHECKPOINT")


def vacuumed(database_url: str) -> None:
    """On PostgreSQL, vacuums and analyses the tables a load filled, now rather than when
    autovacuum would, in the middle of a later measured pass."""
    if database_url.startswith("postgresql"):
        _autocommit(database_url, "VACUUM (ANALYZE) assets, changes")


def _autocommit(url: str, statement: str) -> float:
    """Runs `statement` outside a transaction, as CHECKPOINT and VACUUM must; its seconds."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            started = time.perf_counter()
            connection.execute(sa.text(statement))
            return time.perf_counter() - started
    finally:
        engine.dispose()
