"""Caps on open streams, per token and in all, so that one caller's streams cannot take the
threads that unary calls and health checks need. A stream over a cap is refused with
RESOURCE_EXHAUSTED before it starts."""

import threading
from collections import Counter

import grpc

from services.common.auth import current_principal
from services.common.errors import ResourceExhausted
from services.common.method_handlers import ApplicationInterceptor
from services.common.rich_status import DEFAULT_DOMAIN, abort_with_error

RETRY_AFTER_SECONDS = 5.0


class StreamSlots:
    """Counts open streams; `take` refuses beyond `total` in all or `per_key` for one key."""

    def __init__(self, total: int, per_key: int) -> None:
        self._total = total
        self._per_key = per_key
        self._lock = threading.Lock()
        self._open: Counter[str] = Counter()

    def take(self, key: str) -> ResourceExhausted | None:
        """None when a slot was taken (give it back with `give_back`), else why not."""
        with self._lock:
            if self._open[key] >= self._per_key:
                return _refusal(f"{key!r} already has {self._per_key} open streams", self._per_key)
            if self._open.total() >= self._total:
                return _refusal(f"the server already has {self._total} open streams", self._total)
            self._open[key] += 1
            return None

    def give_back(self, key: str) -> None:
        with self._lock:
            self._open[key] -= 1
            if self._open[key] <= 0:
                del self._open[key]

    def open_streams(self) -> int:
        with self._lock:
            return self._open.total()


def _refusal(description: str, limit: int) -> ResourceExhausted:
    return ResourceExhausted(
        f"{description}; close one or retry later",
        reason="TOO_MANY_STREAMS",
        metadata={"max_streams": str(limit)},
        retry_after_seconds=RETRY_AFTER_SECONDS,
    )


class StreamCapInterceptor(ApplicationInterceptor):
    """Gives every streaming call a slot for its whole life; unary calls pass untouched."""

    def __init__(self, slots: StreamSlots, domain: str = DEFAULT_DOMAIN) -> None:
        super().__init__()
        self._slots = slots
        self._domain = domain

    def applies_to(self, handler: grpc.RpcMethodHandler) -> bool:
        return handler.request_streaming or handler.response_streaming

    def unary(self, behavior, method):
        def capped(request, context):
            give_back = self._take(context)
            try:
                return behavior(request, context)
            finally:
                give_back()

        return capped

    def stream(self, behavior, method):
        def capped(request, context):
            give_back = self._take(context)
            try:
                yield from behavior(request, context)
            finally:
                give_back()

        return capped

    def _take(self, context: grpc.ServicerContext):
        """Takes a slot, given back once: when the call ends, or as soon as the client cancels
        it or its deadline passes (its handler may notice only later)."""
        name = current_principal().name
        refusal = self._slots.take(name)
        if refusal is not None:
            abort_with_error(context, refusal, self._domain)
        given_back = threading.Event()

        def give_back() -> None:
            if not given_back.is_set():
                given_back.set()
                self._slots.give_back(name)

        context.add_callback(give_back)
        return give_back
