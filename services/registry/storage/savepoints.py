"""Writes sharing one transaction, each undone alone when it fails."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from services.common.sql import driver_errors_as_sqlalchemy
from services.registry.storage.conflicts import retryable_as_conflict
from services.registry.storage.counted import WriteCounters
from services.registry.storage.writes import WriteSession

_ESTABLISH = "SAVEPOINT one_write"
_UNDO = "ROLLBACK TO SAVEPOINT one_write"  # the savepoint stays, ready for the next write
_KEEP = "RELEASE SAVEPOINT one_write"


class TransactionLost(Exception):
    """The transaction failed as a whole: nothing in it can commit."""


class Savepoints:
    """A savepoint before each write of one transaction. A write that succeeded is kept when
    the next one begins (the savepoint released and a new one established); the last is kept
    by the commit."""

    def __init__(self, connection: sa.Connection, counters: WriteCounters):
        self._connection = connection
        self._driver = connection.connection.driver_connection
        self._counters = counters
        self._established = False
        self._holds_a_write = False

    @contextmanager
    def write(self) -> Iterator[WriteSession]:
        """A session for one write: whatever it raises undoes its own statements only, and the
        transaction goes on. TransactionLost when the transaction cannot go on."""
        self._establish()
        mark = self._counters.mark()
        try:
            with retryable_as_conflict():
                yield WriteSession(self._connection, self._counters)
        except BaseException:
            self._run(_UNDO)
            self._counters.undo_to(mark)
            raise
        self._holds_a_write = True

    @property
    def numbered_head(self) -> int | None:
        """Once committed: the head revision the kept writes moved the log to (None when they
        appended no change). Revisions a write undone had taken are given again."""
        return self._counters.head

    def _establish(self) -> None:
        if not self._established:
            self._run(_ESTABLISH)
        elif self._holds_a_write:
            self._run(_KEEP)
            self._run(_ESTABLISH)
        self._established, self._holds_a_write = True, False

    def _run(self, statement: str) -> None:
        try:
            with driver_errors_as_sqlalchemy(self._connection):
                self._driver.execute(statement)
        except sa.exc.DBAPIError as error:
            raise TransactionLost(statement) from error
