"""Per-token rate limits: a token bucket for each token name.

Each token may make `per_second` calls a second on average and `burst` in a row. Every message
a client sends costs one call plus one per 1,000 assets it carries, whether it is a unary call's
request or one of a stream's (messages the server streams cost nothing). A tokens-file
entry's `rate_limit_per_second` overrides the rate for that token (0: no limit). With Redis the
buckets are shared by every replica (see redis_buckets.py); without it each process keeps its
own.
"""

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import grpc

from services.common.auth import Principal, current_principal
from services.common.errors import ResourceExhausted
from services.common.method_handlers import (
    ApplicationInterceptor,
    is_infrastructure_method,
    rewrap,
)
from services.common.rich_status import DEFAULT_DOMAIN, abort_with_error


@dataclass(frozen=True)
class RateLimitSettings:
    per_second: float = 0.0
    burst: float = 0.0

    @classmethod
    def from_env(cls) -> "RateLimitSettings":
        """URBAN_RATE_LIMIT_PER_SECOND (unset or 0: off) and URBAN_RATE_LIMIT_BURST (default:
        one second's worth of calls, at least 1)."""
        settings = cls(
            per_second=float(os.environ.get("URBAN_RATE_LIMIT_PER_SECOND") or 0),
            burst=float(os.environ.get("URBAN_RATE_LIMIT_BURST") or 0),
        )
        if settings.per_second < 0 or settings.burst < 0:
            raise ValueError("URBAN_RATE_LIMIT_PER_SECOND and URBAN_RATE_LIMIT_BURST must be >= 0")
        return settings

    def burst_for(self, rate: float) -> float:
        return self.burst or max(1.0, rate)


ASSETS_PER_CALL = 1000


def cost_of(request) -> float:
    """One call plus one per 1,000 assets the message carries."""
    return 1.0 + len(getattr(request, "assets", ())) // ASSETS_PER_CALL


class TokenBuckets(Protocol):
    def take(self, key: str, rate: float, burst: float, cost: float = 1.0) -> float:
        """Takes `cost` tokens from `key`'s bucket; returns 0 if it held them (or, for a cost
        above the burst, a full burst: the bucket then owes the rest), otherwise the seconds
        until it will (and takes nothing)."""


class LocalTokenBuckets:
    """Buckets in this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key: (tokens, when)

    def take(self, key: str, rate: float, burst: float, cost: float = 1.0) -> float:
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.get(key, (burst, now))
            tokens = min(burst, tokens + max(0.0, now - then) * rate)
            needed = min(cost, burst)
            wait = 0.0 if tokens >= needed else (needed - tokens) / rate
            self._buckets[key] = (tokens - cost if wait == 0 else tokens, now)
            return wait


class RateLimiter:
    def __init__(self, settings: RateLimitSettings, buckets: TokenBuckets):
        self._settings = settings
        self._buckets = buckets

    def delay_for(self, principal: Principal, cost: float = 1.0) -> float:
        """0 when `principal` may call now, otherwise the seconds to wait before retrying."""
        rate = self.rate_for(principal)
        if rate <= 0:
            return 0.0
        return self._buckets.take(principal.name, rate, self._settings.burst_for(rate), cost)

    def rate_for(self, principal: Principal) -> float:
        override = principal.rate_limit_per_second
        return self._settings.per_second if override is None else override


class RateLimitInterceptor(ApplicationInterceptor):
    """Answers a caller over its rate limit with RESOURCE_EXHAUSTED and a retry delay; a
    stream's messages are charged as they arrive, and the first one over ends the stream."""

    def __init__(self, limiter: RateLimiter, domain: str = DEFAULT_DOMAIN) -> None:
        super().__init__()
        self._limiter = limiter
        self._domain = domain

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or is_infrastructure_method(handler_call_details.method):
            return handler
        if not handler.request_streaming:
            return super().intercept_service(lambda _: handler, handler_call_details)
        return rewrap(handler, self._per_message_unary, self._per_message_stream)

    def unary(self, behavior, method):
        def limited(request, context):
            self._admit(context, cost_of(request))
            return behavior(request, context)

        return limited

    def stream(self, behavior, method):
        def limited(request, context):
            self._admit(context, cost_of(request))
            yield from behavior(request, context)

        return limited

    def _per_message_unary(self, behavior):
        def limited(requests, context):
            return behavior(self._charged(requests, current_principal()), context)

        return limited

    def _per_message_stream(self, behavior):
        def limited(requests, context):
            yield from behavior(self._charged(requests, current_principal()), context)

        return limited

    def _charged(self, requests: Iterable, principal: Principal) -> Iterator:
        """Each message, once it is paid for (read on whichever thread the handler likes)."""
        for request in requests:
            error = self._refusal(principal, cost_of(request))
            if error is not None:
                raise error
            yield request

    def _admit(self, context: grpc.ServicerContext, cost: float) -> None:
        self.admit(context, current_principal(), cost)

    def limits(self, principal: Principal) -> bool:
        """Whether `principal`'s calls are limited at all."""
        return self._limiter.rate_for(principal) > 0

    def admit(self, context: grpc.ServicerContext, principal: Principal, cost: float) -> None:
        """Charges a message of `cost` (see `cost_of`), or ends the call if it is over."""
        error = self._refusal(principal, cost)
        if error is not None:
            abort_with_error(context, error, self._domain)

    def _refusal(self, principal: Principal, cost: float) -> ResourceExhausted | None:
        delay = self._limiter.delay_for(principal, cost)
        if delay <= 0:
            return None
        rate = self._limiter.rate_for(principal)
        return ResourceExhausted(
            f"{principal.name!r} may make {rate:g} calls a second; retry in {delay:.3g} s",
            retry_after_seconds=delay,
            metadata={"limit_per_second": f"{rate:g}"},
        )
