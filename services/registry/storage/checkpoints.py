"""Named checkpoints in the change log, e.g. how far the Redis relay has published."""

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from services.common.change_stream import LogSource
from services.registry.storage.schema import change_log_identity, checkpoints, counters


@dataclass(frozen=True)
class LogPosition:
    """The log's source and head, and how far a reader of it (a checkpoint) got."""

    source: LogSource
    head: int
    checkpoint: int


_COMMIT_WITHOUT_FLUSH = sa.text("SET LOCAL synchronous_commit = off")
_HEAD = sa.select(counters.c.value).where(counters.c.name == "revision").scalar_subquery()


def log_position(connection: sa.Connection, name: str) -> LogPosition:
    """In one statement."""
    checkpoint = sa.select(checkpoints.c.revision).where(checkpoints.c.name == name)
    row = connection.execute(
        sa.select(
            change_log_identity.c.registry_id,
            change_log_identity.c.epoch,
            _HEAD.label("head"),
            checkpoint.scalar_subquery().label("checkpoint"),
        ).where(change_log_identity.c.id == 1)
    ).one()
    return LogPosition(LogSource(row.registry_id, row.epoch), row.head or 0, row.checkpoint or 0)


def get(connection: sa.Connection, name: str) -> int:
    query = sa.select(checkpoints.c.revision).where(checkpoints.c.name == name)
    return connection.scalar(query) or 0


def advance(connection: sa.Connection, name: str, revision: int) -> None:
    """Sets the checkpoint to `revision` (it only moves forward). On PostgreSQL the commit
    does not wait for the flush to disk: a move lost with a crash of the database only makes
    the relay offer again changes that the stream already holds, and refuses."""
    if connection.dialect.name == "postgresql":
        connection.execute(_COMMIT_WITHOUT_FLUSH)
    now = dt.datetime.now(dt.UTC)
    updated = connection.execute(
        checkpoints.update()
        .where(checkpoints.c.name == name, checkpoints.c.revision < revision)
        .values(revision=revision, update_time=now)
    ).rowcount
    if (
        not updated
        and connection.scalar(sa.select(sa.func.count()).where(checkpoints.c.name == name)) == 0
    ):
        connection.execute(
            checkpoints.insert(), {"name": name, "revision": revision, "update_time": now}
        )


def put(connection: sa.Connection, name: str, revision: int) -> None:
    """Sets the checkpoint to `revision`, backwards too (a stream started afresh)."""
    now = dt.datetime.now(dt.UTC)
    connection.execute(checkpoints.delete().where(checkpoints.c.name == name))
    connection.execute(
        checkpoints.insert(), {"name": name, "revision": revision, "update_time": now}
    )
