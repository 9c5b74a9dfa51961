"""Which registry this database is, and the epoch of its change log (see docs/operations.md)."""

import datetime as dt

import sqlalchemy as sa

from services.common.change_stream import LogSource
from services.registry.storage.schema import change_log_identity, counters

_ROW = change_log_identity.c.id == 1


def read(connection: sa.Connection) -> LogSource:
    row = connection.execute(
        sa.select(change_log_identity.c.registry_id, change_log_identity.c.epoch).where(_ROW)
    ).one()
    return LogSource(row.registry_id, row.epoch)


def read_with_head(connection: sa.Connection) -> tuple[LogSource, int]:
    """The log's source and its head revision, read together."""
    head = connection.scalar(sa.select(counters.c.value).where(counters.c.name == "revision"))
    return read(connection), head or 0


def advance_epoch(connection: sa.Connection, seen: LogSource, epoch: int) -> LogSource:
    """Moves the epoch to `epoch` unless another process moved it since `seen` was read."""
    connection.execute(
        change_log_identity.update()
        .where(_ROW, change_log_identity.c.epoch == seen.epoch)
        .values(epoch=epoch, update_time=dt.datetime.now(dt.UTC))
    )
    return read(connection)
