"""Numbers committed changes in the order they became visible: that order is commit order.

On PostgreSQL, writers append change rows without a revision and commit concurrently. The
sequencer, holding the `revision` counter's row lock, numbers every row it can see; a row that
commits later can only be numbered by a later pass, so it gets a higher revision. Within a pass
rows are numbered by insertion id, which for one asset follows its commit order (writers hold
the asset's lock).

Taking the lock is a statement of its own: the numbering statement that follows starts after
the lock is granted, so it sees every row that committed before.

On SQLite every write transaction numbers its own changes as it appends them (counted.py:
SQLite runs one write transaction at a time, across processes too). There the sequencer's pass
reads the head that other processes moved, and numbers only rows a process of an earlier
release left without a revision; a write transaction that finds such rows numbers them first
(`number_pending_under_lock`).
"""

import sqlalchemy as sa

from services.common.sql import transaction
from services.registry.storage.schema import changes, counters

_HEAD = counters.c.name == "revision"
# Read first, without a lock: most passes (every ListAssets and ListChanges asks for one) find
# nothing to number, and then take no lock and write nothing, so that their commit waits for
# no flush to disk and, on SQLite, for no writer.
_PEEK = sa.select(counters.c.value, sa.exists().where(changes.c.revision.is_(None))).where(_HEAD)
_LOCK_HEAD = sa.select(counters.c.value).where(_HEAD).with_for_update()
_SET_HEAD = counters.update().where(_HEAD).values(value=sa.bindparam("head"))

_UNSEQUENCED = """
    SELECT id, :base + ROW_NUMBER() OVER (ORDER BY id) AS revision
    FROM changes WHERE revision IS NULL ORDER BY id LIMIT :limit
"""
_NUMBER = sa.text(
    f"""
    UPDATE changes SET revision = numbered.revision
    FROM ({_UNSEQUENCED}) AS numbered
    WHERE changes.id = numbered.id
    """
)
# The head, and the head again with its row locked if any change waits (else NULL, no lock).
_LOCK_HEAD_IF_PENDING = sa.text(
    """
    WITH locked AS (
        SELECT value FROM counters
        WHERE name = 'revision' AND EXISTS (SELECT FROM changes WHERE revision IS NULL)
        FOR UPDATE
    )
    SELECT (SELECT value FROM counters WHERE name = 'revision'), (SELECT value FROM locked)
    """
)
_EVERY = 2**62  # a limit no count of changes reaches
# PostgreSQL numbers the rows and moves the head in one round trip; no row is written when
# nothing was waiting.
_NUMBER_AND_MOVE_HEAD = sa.text(
    f"""
    WITH numbered AS (
        UPDATE changes SET revision = unsequenced.revision
        FROM ({_UNSEQUENCED}) AS unsequenced
        WHERE changes.id = unsequenced.id
        RETURNING changes.revision
    )
    UPDATE counters SET value = (SELECT max(revision) FROM numbered)
    WHERE name = 'revision' AND EXISTS (SELECT FROM numbered)
    RETURNING value
    """
)


def number_pending_under_lock(connection: sa.Connection) -> int:
    """For a writer that numbers its own changes before it commits: takes the head's row lock
    until the transaction ends, numbers every change still waiting (so they keep their place in
    commit order) and returns the revision the writer's own changes follow. The writer moves
    the head past them with move_head."""
    base = connection.scalar(_LOCK_HEAD)
    return base + connection.execute(_NUMBER, {"base": base, "limit": _EVERY}).rowcount


def move_head(connection: sa.Connection, head: int) -> None:
    connection.execute(_SET_HEAD, {"head": head})


def sequence_pending(engine: sa.Engine, limit: int = 20_000, *, known_pending: bool = False) -> int:
    """Gives revisions to up to `limit` unsequenced changes; returns the new head revision.
    `known_pending`: a change committed since the last pass, so there is no need to look first."""
    if engine.dialect.name == "postgresql":
        return _sequence_on_postgres(engine, limit)
    if not known_pending:
        with transaction(engine, write=False) as connection:
            head, pending = connection.execute(_PEEK).one()
        if not pending:
            return head
    with transaction(engine, write=True) as connection:
        base = connection.scalar(_LOCK_HEAD)
        numbered = connection.execute(_NUMBER, {"base": base, "limit": limit}).rowcount
        if numbered:
            move_head(connection, base + numbered)
        return base + numbered


def _sequence_on_postgres(engine: sa.Engine, limit: int) -> int:
    """The peek and the lock in one statement, the numbering in the next, in one transaction
    (a transaction that found nothing to number took no lock and commits without a flush).
    Each statement sees what committed before it began, so the numbering still sees every
    row committed before the lock was granted."""
    with transaction(engine, write=True) as connection:
        head, locked = connection.execute(_LOCK_HEAD_IF_PENDING).one()
        if locked is None:
            return head
        parameters = {"base": locked, "limit": limit}
        return connection.scalar(_NUMBER_AND_MOVE_HEAD, parameters) or locked
