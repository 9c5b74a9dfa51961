"""Reading ahead on a thread, so that fetching the next items overlaps using these ones."""

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

_END = object()


def prefetched(items: Iterable) -> Iterator:
    """What `items` yields, in order, the next one already being fetched while the caller works
    on this one. Errors from `items` are raised where that item would have been. Close it
    (contextlib.closing) when leaving early: close() returns once the fetch under way is done."""
    source = iter(items)
    with ThreadPoolExecutor(1, thread_name_prefix="prefetch") as fetcher:
        upcoming = fetcher.submit(next, source, _END)
        while (item := upcoming.result()) is not _END:
            upcoming = fetcher.submit(next, source, _END)
            yield item


def gathered(lists: Iterable[list], most: int) -> Iterator[list]:
    """The lists `lists` yields, read on another thread while the caller works (until `most`
    items wait) and joined: each list yielded holds what was read since the caller took the
    one before (at most `most` items, at least one read's worth, possibly empty), so what
    arrives meanwhile goes with the next list instead of waiting for a read that starts only
    when the caller asks. Order is kept; an error is raised after what was read before it.
    Close it (contextlib.closing) when leaving early: close() returns once the read under way
    is done."""
    reader = _Gatherer(iter(lists), most)
    reader.start()
    try:
        while (items := reader.take()) is not None:
            yield items
    finally:
        reader.close()


class _Gatherer:
    def __init__(self, source: Iterator[list], most: int):
        self._source, self._most = source, most
        self._read: list = []  # read, not yet taken
        self._fresh = False  # a read ended since the caller last took
        self._error: BaseException | None = None
        self._ended = self._closing = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="gather", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def take(self) -> list | None:
        """What was read since the last take; None once the source ended."""
        with self._changed:
            self._changed.wait_for(lambda: self._fresh or self._error or self._ended)
            if self._fresh:
                items, self._read = self._read[: self._most], self._read[self._most :]
                self._fresh = bool(self._read)
                self._changed.notify_all()
                return items
            if self._error is not None:
                raise self._error
            return None

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()

    def _run(self) -> None:
        while self._wait_for_room():
            try:
                items = next(self._source, _END)
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                self._finish(error=error)
                return
            if items is _END:
                self._finish()
                return
            with self._changed:
                self._read += items
                self._fresh = True
                self._changed.notify_all()

    def _wait_for_room(self) -> bool:
        with self._changed:
            self._changed.wait_for(lambda: self._closing or len(self._read) < self._most)
            return not self._closing

    def _finish(self, error: BaseException | None = None) -> None:
        with self._changed:
            self._error, self._ended = error, True
            self._changed.notify_all()
