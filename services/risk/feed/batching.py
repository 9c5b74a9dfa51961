"""Grouping a stream of changes into batches, so one transaction applies many."""

import queue
import threading
import time
from collections.abc import Iterable, Iterator

_END = object()
MAX_BATCH = 1000


def batches(items: Iterable, max_size: int = MAX_BATCH, max_wait: float = 0.05) -> Iterator[list]:
    """Batches of what `items` yields; a batch closes when full or `max_wait` after its first
    item, so no item waits longer than that. Reads `items` on a thread; its errors are raised
    here. Closing the generator early lets that thread end at its next item."""
    pending: queue.Queue = queue.Queue(maxsize=max_size * 4)
    closed = threading.Event()
    threading.Thread(target=_pump, args=(items, pending, closed), daemon=True).start()
    try:
        while True:
            batch, finished = _collect(pending, max_size, max_wait)
            if batch:
                yield batch
            if finished is not None:
                if isinstance(finished, BaseException):
                    raise finished
                return
    finally:
        closed.set()


def _pump(items: Iterable, pending: queue.Queue, closed: threading.Event) -> None:
    try:
        for item in items:
            if not _handed(pending, item, closed):
                return
        _handed(pending, _END, closed)
    except BaseException as error:  # handed to the consumer, which raises it
        _handed(pending, error, closed)


def _handed(pending: queue.Queue, item, closed: threading.Event) -> bool:
    """Puts the item, unless the consumer went away first."""
    while not closed.is_set():
        try:
            pending.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _collect(pending: queue.Queue, max_size: int, max_wait: float):
    """(batch, None) while the stream goes on; (batch, _END or the error) when it ends."""
    batch = [pending.get()]
    closes_at = time.monotonic() + max_wait
    while len(batch) < max_size and not _is_end(batch[-1]):
        try:
            batch.append(pending.get(timeout=max(0.0, closes_at - time.monotonic())))
        except queue.Empty:
            break
    if _is_end(batch[-1]):
        return batch[:-1], batch[-1]
    return batch, None


def _is_end(item) -> bool:
    return item is _END or isinstance(item, BaseException)
