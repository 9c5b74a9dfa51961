"""Per-token rate limits: a token bucket for each token name.

Each token may make `per_second` calls a second on average and `burst` in a row. A tokens-file
entry's `rate_limit_per_second` overrides the rate for that token (0: no limit). With Redis the
buckets are shared by every replica (see redis_buckets.py); without it each process keeps its
own.
"""

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import grpc

from services.common.auth import Principal, current_principal
from services.common.errors import ResourceExhausted
from services.common.method_handlers import ApplicationInterceptor
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


class TokenBuckets(Protocol):
    def take(self, key: str, rate: float, burst: float) -> float:
        """Takes one token from `key`'s bucket; returns 0 if there was one, otherwise the
        seconds until there will be (and takes nothing)."""


class LocalTokenBuckets:
    """Buckets in this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key: (tokens, when)

    def take(self, key: str, rate: float, burst: float) -> float:
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.get(key, (burst, now))
            tokens = min(burst, tokens + max(0.0, now - then) * rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / rate
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
            return wait


class RateLimiter:
    def __init__(self, settings: RateLimitSettings, buckets: TokenBuckets):
        self._settings = settings
        self._buckets = buckets

    def delay_for(self, principal: Principal) -> float:
        """0 when `principal` may call now, otherwise the seconds to wait before retrying."""
        rate = self.rate_for(principal)
        if rate <= 0:
            return 0.0
        return self._buckets.take(principal.name, rate, self._settings.burst_for(rate))

    def rate_for(self, principal: Principal) -> float:
        override = principal.rate_limit_per_second
        return self._settings.per_second if override is None else override


class RateLimitInterceptor(ApplicationInterceptor):
    """Answers a caller over its rate limit with RESOURCE_EXHAUSTED and a retry delay."""

    def __init__(self, limiter: RateLimiter, domain: str = DEFAULT_DOMAIN) -> None:
        self._limiter = limiter
        self._domain = domain

    def unary(self, behavior, method):
        def limited(request, context):
            self._admit(context)
            return behavior(request, context)

        return limited

    def stream(self, behavior, method):
        def limited(request, context):
            self._admit(context)
            yield from behavior(request, context)

        return limited

    def _admit(self, context: grpc.ServicerContext) -> None:
        principal = current_principal()
        delay = self._limiter.delay_for(principal)
        if delay > 0:
            rate = self._limiter.rate_for(principal)
            error = ResourceExhausted(
                f"{principal.name!r} may make {rate:g} calls a second; retry in {delay:.3g} s",
                retry_after_seconds=delay,
                metadata={"limit_per_second": f"{rate:g}"},
            )
            abort_with_error(context, error, self._domain)
