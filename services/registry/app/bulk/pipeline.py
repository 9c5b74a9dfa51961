"""A stream of batches run on three threads, so that checking, writing and answering overlap:

- a reader takes each request from the stream and prepares it (checks it whole);
- a single writer commits the prepared batches one at a time, in order;
- the caller's thread yields each batch's answer as soon as its commit is done.

At most `ahead` batches are taken from the stream before their answers have been given, which
bounds memory however fast the client sends. A refused batch ends the stream after the answers
of the batches before it.
"""

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from services.common.errors import DomainError

_END = object()


@dataclass(frozen=True)
class Batch:
    index: int  # place in the stream, from 0
    request_id: str


@dataclass(frozen=True)
class _Refused:
    batch: Batch
    error: DomainError


Prepare = Callable[[object], Callable[[], object]]  # request -> the work that commits it


class BatchPipeline:
    def __init__(self, prepare: Prepare, ahead: int = 2):
        self._prepare = prepare
        self._ahead = ahead

    def run(self, requests: Iterable) -> Iterator:
        outcomes: queue.Queue = queue.Queue()
        room = threading.Semaphore(self._ahead)
        stopping = threading.Event()
        writer = ThreadPoolExecutor(1, thread_name_prefix="import-writer")
        reader = _Reader(self._prepare, iter(requests), outcomes, room, stopping, writer)
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
        try:
            for index in _counting():
                if not self._wait_for_room() or (request := next(self.requests, _END)) is _END:
                    return
                batch = Batch(index, getattr(request, "request_id", ""))
                try:
                    work = self.prepare(request)
                except DomainError as error:
                    self.outcomes.put(_Refused(batch, error))
                    return
                self.outcomes.put((batch, self.writer.submit(work)))
        except Exception as error:  # the stream broke, or preparing failed unexpectedly
            self.outcomes.put(error)
        finally:
            self.outcomes.put(_END)

    def _wait_for_room(self) -> bool:
        while not self.room.acquire(timeout=0.5):
            if self.stopping.is_set():
                return False
        return not self.stopping.is_set()


def _counting() -> Iterator[int]:
    index = 0
    while True:
        yield index
        index += 1


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
