"""Named checkpoints in the change log, e.g. how far the Redis relay has published."""

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from services.common.change_stream import LogSource
from services.registry.storage import identity
from services.registry.storage.schema import checkpoints


@dataclass(frozen=True)
class LogPosition:
    """The log's source and head, and how far a reader of it (a checkpoint) got."""

    source: LogSource
    head: int
    checkpoint: int


def log_position(connection: sa.Connection, name: str) -> LogPosition:
    source, head = identity.read_with_head(connection)
    return LogPosition(source, head, get(connection, name))


def get(connection: sa.Connection, name: str) -> int:
    query = sa.select(checkpoints.c.revision).where(checkpoints.c.name == name)
    return connection.scalar(query) or 0


def advance(connection: sa.Connection, name: str, revision: int) -> None:
    """Sets the checkpoint to `revision` (it only moves forward)."""
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
