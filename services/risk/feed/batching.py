"""Grouping a stream of changes into batches, so one transaction applies many."""

import queue
import threading
from collections.abc import Iterable, Iterator

_END = object()


def batches(items: Iterable, max_size: int = 1000, max_wait: float = 0.05) -> Iterator[list]:
    """Batches of what `items` yields; a batch closes when full or when `max_wait` passes
    without a new item. Reads `items` on a thread; its errors are raised here."""
    pending: queue.Queue = queue.Queue(maxsize=max_size * 4)
    threading.Thread(target=_pump, args=(items, pending), daemon=True).start()
    while True:
        batch, finished = _collect(pending, max_size, max_wait)
        if batch:
            yield batch
        if finished is not None:
            if isinstance(finished, BaseException):
                raise finished
            return


def _pump(items: Iterable, pending: queue.Queue) -> None:
    try:
        for item in items:
            pending.put(item)
        pending.put(_END)
    except BaseException as error:  # handed to the consumer, which raises it
        pending.put(error)


def _collect(pending: queue.Queue, max_size: int, max_wait: float):
    """(batch, None) while the stream goes on; (batch, _END or the error) when it ends."""
    batch = [pending.get()]
    while len(batch) < max_size:
        try:
            batch.append(pending.get(timeout=max_wait))
        except queue.Empty:
            break
    last = batch[-1]
    if last is _END or isinstance(last, BaseException):
        return batch[:-1], last
    return batch, None
