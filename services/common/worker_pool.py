"""The threads a gRPC server runs its calls on, with less work a call than
`concurrent.futures.ThreadPoolExecutor`.

grpc's synchronous server only `submit`s each call's work to its pool and adds one callback to
what `submit` returns (counting calls in flight); it never waits on it or asks its result.
`ThreadPoolExecutor` builds a `Future` a call (a condition and its lock), takes its shutdown
lock, tries its idle semaphore on submit and releases it after each item (a Python condition
each time), and notifies the future's condition twice: a tenth of a GetCity's time holding the
GIL went there. Here a call costs a small object, one put on a C queue and one get.
"""

import logging
import queue
import threading
from collections.abc import Callable

_LOG = logging.getLogger(__name__)
_STOP = None  # what a worker takes to end


class Submitted:
    """What `submit` returns: the callbacks run once the work has run (at once if it has)."""

    __slots__ = ("_callbacks", "_done")

    def __init__(self) -> None:
        self._callbacks: list[Callable[[Submitted], object]] = []
        self._done = False

    def add_done_callback(self, callback: Callable[["Submitted"], object]) -> None:
        self._callbacks.append(callback)
        if self._done:
            self._run_callbacks()

    def finish(self) -> None:
        self._done = True
        self._run_callbacks()

    def _run_callbacks(self) -> None:
        # Both the worker (after `finish` marks it done) and a late `add_done_callback` drain
        # the list; each pop takes one callback, so each runs exactly once, whichever runs it.
        callbacks = self._callbacks
        while True:
            try:
                callback = callbacks.pop()
            except IndexError:
                return
            try:
                callback(self)
            except Exception:
                _LOG.exception("a callback of submitted work failed")


class WorkerPool:
    """`max_workers` threads, started as work first needs them, taking work in turn from one
    queue; work beyond them waits in the queue, as with `ThreadPoolExecutor`."""

    def __init__(self, max_workers: int, thread_name_prefix: str = "worker") -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self._max_workers = max_workers
        self._prefix = thread_name_prefix
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0  # workers waiting for work; changed under _lock
        self._lock = threading.Lock()
        self._shut_down = False

    def submit(self, fn: Callable, /, *args, **kwargs) -> Submitted:
        if self._shut_down:
            raise RuntimeError("cannot submit work after shutdown")
        submitted = Submitted()
        self._queue.put((submitted, fn, args, kwargs))
        if self._idle == 0 and len(self._threads) < self._max_workers:
            self._start_worker()
        return submitted

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Lets every worker finish what it runs and what is queued, then end."""
        with self._lock:
            self._shut_down = True
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(_STOP)
        if wait:
            for thread in threads:
                thread.join()

    def _start_worker(self) -> None:
        with self._lock:
            if self._shut_down or len(self._threads) >= self._max_workers:
                return
            thread = threading.Thread(
                target=self._work,
                name=f"{self._prefix}_{len(self._threads)}",
                daemon=True,
            )
            self._threads.append(thread)
        thread.start()

    def _work(self) -> None:
        take, lock = self._queue.get, self._lock
        while True:
            with lock:
                self._idle += 1
            item = take()
            with lock:
                self._idle -= 1
            if item is _STOP:
                return
            submitted, fn, args, kwargs = item
            try:
                fn(*args, **kwargs)
            except BaseException:
                _LOG.exception("work submitted to %s failed", self._prefix)
            submitted.finish()
            del item, submitted, fn, args, kwargs
