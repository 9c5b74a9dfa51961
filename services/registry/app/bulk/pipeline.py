"""A stream of batches run on several threads, so that checking, writing and answering overlap:

- a reader takes each request from the stream and prepares it (checks it whole);
- `writers` threads commit the prepared batches, each in its own transaction. Commits follow
  the stream's order: a batch does its own work at once, then waits for its turn (the batch
  before it committed) before it numbers its changes and commits. Batches that share a key
  (an asset name) never overlap: the later one starts only once the earlier has committed.
  A batch that waits for its turn too long gives up (TurnTimedOut), so that its transaction
  can roll back: it may hold a row that another writer needs before the batch before it can
  go on, a wait the database cannot see;
- the caller's thread yields each batch's answer as soon as its commit is done.

While a stream runs, threads hand the GIL over sooner (gil_handover.py).

At most `ahead` batches are taken from the stream before their answers have been given, which
bounds memory however fast the client sends. A refused batch ends the stream after the answers
of the batches before it, and nothing after it is committed.
"""

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import count

from services.common.errors import DomainError
from services.registry.app.bulk.gil_handover import quick_gil_handover

_END = object()
Turn = Callable[[], None]  # returns once the batch before has committed; raises if it failed
TURN_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Batch:
    index: int  # place in the stream, from 0
    request_id: str


@dataclass(frozen=True)
class Prepared:
    """A checked batch: the work that commits it (given its turn), and the keys it writes."""

    work: Callable[[Turn], object]
    keys: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class _Refused:
    batch: Batch
    error: DomainError


class EarlierBatchFailed(Exception):
    """The batch before did not commit, so this one must not either."""


class TurnTimedOut(Exception):
    """The batch before has not committed within TURN_WAIT_SECONDS: try again."""


Prepare = Callable[[object], Prepared]


class BatchPipeline:
    def __init__(self, prepare: Prepare, writers: int = 1):
        self._prepare = prepare
        self._writers = writers
        self._ahead = writers + 1

    def run(self, requests: Iterable) -> Iterator:
        outcomes: queue.Queue = queue.Queue()
        room = threading.Semaphore(self._ahead)
        stopping = threading.Event()
        writer = ThreadPoolExecutor(self._writers, thread_name_prefix="import-writer")
        reader = _Reader(self._prepare, iter(requests), outcomes, room, stopping, writer)
        with quick_gil_handover():
            threading.Thread(target=reader.read_all, name="import-reader", daemon=True).start()
            try:
                while (outcome := outcomes.get()) is not _END:
                    yield _answer(outcome)
                    room.release()
            finally:
                stopping.set()
                writer.shutdown(wait=True, cancel_futures=True)


@dataclass
class _Reader:
    prepare: Prepare
    requests: Iterator
    outcomes: queue.Queue
    room: threading.Semaphore
    stopping: threading.Event
    writer: ThreadPoolExecutor

    def read_all(self) -> None:
        previous: tuple[Future, frozenset] | None = None
        try:
            for index in count():
                if not self._wait_for_room() or (request := next(self.requests, _END)) is _END:
                    return
                batch = Batch(index, getattr(request, "request_id", ""))
                try:
                    prepared = self.prepare(request)
                except DomainError as error:
                    self.outcomes.put(_Refused(batch, error))
                    return
                future = self.writer.submit(_in_order, prepared, previous)
                self.outcomes.put((batch, future))
                previous = (future, prepared.keys)
        except Exception as error:  # the stream broke, or preparing failed unexpectedly
            self.outcomes.put(error)
        finally:
            self.outcomes.put(_END)

    def _wait_for_room(self) -> bool:
        while not self.room.acquire(timeout=0.5):
            if self.stopping.is_set():
                return False
        return not self.stopping.is_set()


def _in_order(prepared: Prepared, previous: tuple[Future, frozenset] | None):
    if previous is None:
        return prepared.work(_no_wait)
    earlier, earlier_keys = previous
    if not earlier_keys.isdisjoint(prepared.keys):
        _wait_for(earlier, timeout=None)
    return prepared.work(lambda: _wait_for(earlier, TURN_WAIT_SECONDS))


def _no_wait() -> None:
    return None


def _wait_for(earlier: Future, timeout: float | None) -> None:
    try:
        failed = earlier.exception(timeout) is not None
    except TimeoutError:
        raise TurnTimedOut(f"the batch before has not committed within {timeout} s") from None
    if failed:
        raise EarlierBatchFailed("an earlier batch of the stream failed")


def _answer(outcome):
    if isinstance(outcome, _Refused):
        raise about(outcome.batch, outcome.error)
    if isinstance(outcome, BaseException):
        raise outcome
    batch, future = outcome
    try:
        return future.result()
    except DomainError as error:
        raise about(batch, error) from None


def about(batch: Batch, error: DomainError) -> DomainError:
    """The error, saying which batch of the stream it is about."""
    error.message = f"batch {batch.index}: {error.message}"
    error.metadata = {**error.metadata, "batch_index": str(batch.index)}
    if batch.request_id:
        error.metadata["request_id"] = batch.request_id
    return error
