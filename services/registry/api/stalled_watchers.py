"""Ends a WatchChanges stream whose reader stopped taking changes.

gRPC's flow control already holds a stuck reader's backlog to a window of about a megabyte (the
server sends the next change only when the last one was taken), but the stream would keep its
thread and its stream slot for ever. A change that waits longer than the stall limit to be
taken ends the stream with RESOURCE_EXHAUSTED; the client watches again from the revision after
the last change it received.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import grpc

from services.common.background import BackgroundWorker

log = logging.getLogger(__name__)
DEFAULT_STALL_SECONDS = 60.0


class _Stream:
    def __init__(self, end: Callable[[str], None]) -> None:
        self.end = end
        self.sending_since: float | None = None
        self.revision = 0
        self.ended = False


class StalledWatchers:
    """Checks every open watch once a second; one thread for all of them, started with the
    first watch and ended by `stop`."""

    def __init__(self, stall_seconds: float = DEFAULT_STALL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stall_seconds = stall_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._streams: set[_Stream] = set()
        self._checker: BackgroundWorker | None = None
        self._stopped = False
        self.ended_total = 0

    def sent(self, changes: Iterator, context: grpc.ServicerContext) -> Iterator:
        """`changes`, each timed from the moment it is handed to gRPC until the reader took it."""
        stream = _Stream(lambda details: _end_exhausted(context, details))
        self._add(stream)
        try:
            for change in changes:
                with self._sending(stream, change.revision):
                    yield change
        finally:
            with self._lock:
                self._streams.discard(stream)

    @contextmanager
    def _sending(self, stream: _Stream, revision: int):
        stream.sending_since, stream.revision = self._clock(), revision
        try:
            yield
        finally:
            stream.sending_since = None

    def end_stalled(self) -> int:
        """Ends every stream whose reader left a change waiting past the limit; how many."""
        now = self._clock()
        with self._lock:
            stalled = [s for s in self._streams if not s.ended and s.sending_since is not None
                       and now - s.sending_since > self.stall_seconds]
            for stream in stalled:
                stream.ended = True
            self.ended_total += len(stalled)
        for stream in stalled:
            log.warning("ended a watch whose reader took no change for %.0f s (revision %d)",
                        self.stall_seconds, stream.revision)
            stream.end(
                f"the reader took no change for {self.stall_seconds:.0f} s; watch again from "
                f"the revision after the last one received (the stall limit is "
                f"URBAN_REGISTRY_WATCH_STALL_SECONDS)"
            )
        return len(stalled)

    def stop(self) -> None:
        """Ends the checking thread for good (the server's stop ends the watches themselves)."""
        with self._lock:
            self._stopped = True
            checker = self._checker
        if checker is not None:
            checker.stop(timeout_seconds=5)

    @property
    def checking(self) -> bool:
        return self._checker is not None and self._checker.running

    def _add(self, stream: _Stream) -> None:
        with self._lock:
            self._streams.add(stream)
            if self._checker is None and not self._stopped:
                self._checker = BackgroundWorker("stalled-watchers", self._check_until_stopped)
                self._checker.start()

    def _check_until_stopped(self, stopping: threading.Event) -> None:
        while not stopping.wait(min(1.0, self.stall_seconds / 4)):
            self.end_stalled()


def _end_exhausted(context: grpc.ServicerContext, details: str) -> None:
    """Ends the call with RESOURCE_EXHAUSTED from outside the handler's thread, which is blocked
    in gRPC's send; grpcio offers this only on the call object itself."""
    call = getattr(getattr(context, "_rpc_event", None), "call", None)
    if call is None:
        context.cancel()
        return
    from grpc._cython import cygrpc

    call.cancel(cygrpc.StatusCode.resource_exhausted, details)
