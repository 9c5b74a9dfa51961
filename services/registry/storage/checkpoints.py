"""Named checkpoints in the change log, e.g. how far the Redis relay has published."""

import datetime as dt

import sqlalchemy as sa

from services.registry.storage.schema import checkpoints


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
