"""Single-asset writes committed together: one writer thread a process runs every write
waiting for it in one transaction, each in a savepoint of its own, then commits once.

A write is answered only after the commit that holds it. One that fails (a stale etag, a
conflict, an invalid change) undoes its own statements only and is answered with its own error;
the others commit. A lone write does not wait for company: the writer takes what is queued when
it starts a transaction, and whatever arrives meanwhile goes in the next one."""

import contextvars
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.common.errors import Unavailable
from services.registry.storage import RegistryStorage, WriteSession
from services.registry.storage.savepoints import Savepoints, TransactionLost

log = logging.getLogger(__name__)
# Bounds how long a transaction holds the write lock, and the callers of its first writes wait.
MOST_WRITES_A_TRANSACTION = 64

Write = Callable[[WriteSession], Any]


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass
class _Waiting:
    write: Write
    context: contextvars.Context
    # Released once answered: a lock wakes its one waiter for less than an Event's condition.
    answered: threading.Lock = field(default_factory=_held_lock)
    result: Any = None
    error: BaseException | None = None

    def outcome(self):
        self.answered.acquire()
        if self.error is not None:
            raise self.error
        return self.result


class GroupCommit:
    """Runs writes in the writer thread. A transaction's changes take their revisions as they
    are appended; `on_commit(head)` after each commit that appended any, with the head revision
    that commit moved to."""

    def __init__(self, storage: RegistryStorage, on_commit: Callable[[int], None]):
        self._storage = storage
        self._on_commit = on_commit
        self._queue: deque[_Waiting] = deque()
        self._arrived = threading.Condition(threading.Lock())
        self._writer: threading.Thread | None = None
        self._stopping = False

    def run(self, write: Write):
        """What `write` returned once its transaction committed; what it raised otherwise, or
        what the transaction raised when it could not commit."""
        waiting = _Waiting(write, contextvars.copy_context())
        with self._arrived:
            if self._stopping:
                raise Unavailable("the registry is shutting down; retry", "SHUTTING_DOWN")
            self._queue.append(waiting)
            self._start_writer()
            self._arrived.notify()
        return waiting.outcome()

    def stop(self) -> None:
        """Answers the writes queued, then ends the writer thread; later writes are refused."""
        with self._arrived:
            self._stopping = True
            self._arrived.notify()
            writer = self._writer
        if writer is not None:
            writer.join()

    def _start_writer(self) -> None:
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_forever, name="group-commit",
                                            daemon=True)
            self._writer.start()

    def _write_forever(self) -> None:
        while writes := self._next_writes():
            try:
                self._commit(writes)
            except Exception:  # every caller is answered already; the writer goes on
                log.exception("after a group commit")

    def _next_writes(self) -> list[_Waiting]:
        """The writes of the next transaction; none once stopping and nothing waits."""
        with self._arrived:
            while not self._queue and not self._stopping:
                self._arrived.wait()
            count = min(len(self._queue), MOST_WRITES_A_TRANSACTION)
            return [self._queue.popleft() for _ in range(count)]

    def _commit(self, writes: list[_Waiting]) -> None:
        try:
            if len(writes) == 1:
                self._commit_alone(writes[0])
            else:
                self._commit_together(writes)
        finally:
            for waiting in writes:
                waiting.answered.release()

    def _commit_alone(self, waiting: _Waiting) -> None:
        try:
            with self._storage.writing() as session:
                waiting.result = waiting.context.run(waiting.write, session)
        except BaseException as error:  # noqa: BLE001 - the caller's thread raises it
            waiting.error = error
        else:
            self._committed(session.numbered_head)

    def _commit_together(self, writes: list[_Waiting]) -> None:
        try:
            with self._storage.writing_together() as savepoints:
                for waiting in writes:  # in the order they came
                    _write_in_savepoint(savepoints, waiting)
        except BaseException as error:  # noqa: BLE001 - nothing committed: each caller raises it
            for waiting in writes:
                if waiting.error is None:
                    waiting.error = error
            return
        self._committed(savepoints.numbered_head)

    def _committed(self, head: int | None) -> None:
        if head is not None:
            self._on_commit(head)


def _write_in_savepoint(savepoints: Savepoints, waiting: _Waiting) -> None:
    try:
        with savepoints.write() as own:
            waiting.result = waiting.context.run(waiting.write, own)
    except TransactionLost as lost:
        raise lost.__cause__ from None
    except Exception as error:  # noqa: BLE001 - the caller's thread raises it
        waiting.error = error
