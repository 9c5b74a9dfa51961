"""Token buckets kept in Redis, so that every replica draws from the same bucket.

One Lua script refills and takes atomically, timed by the Redis server's clock, so replicas
need no synchronised clocks. While Redis cannot be reached each process falls back to buckets
of its own: a limit that is briefly per replica, never an outage.
"""

import logging
import time
from collections.abc import Callable
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from services.common.file_buckets import FileTokenBuckets
from services.common.rate_limit import LocalTokenBuckets, RateLimiter, RateLimitSettings

log = logging.getLogger(__name__)

# KEYS[1]: the bucket; ARGV: rate per second, burst, cost. Returns the seconds to wait, as text.
_TAKE = """
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'when')
local tokens = tonumber(state[1]) or burst
local when = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - when) * rate)
local needed = math.min(cost, burst)
local wait = 0
if tokens >= needed then tokens = tokens - cost else wait = (needed - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'when', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst + cost) / rate * 1000) + 1000)
return tostring(wait)
"""


def bucket_key(prefix: str, name: str) -> str:
    return f"{prefix}:rate-limit:{name}"


RETRY_REDIS_SECONDS = 1.0


def connect(url: str) -> redis.Redis:
    """A client that gives up quickly and does not retry (redis-py's default retries would
    hold a call for seconds while Redis is down), so no call waits long for its rate limit."""
    return redis.Redis.from_url(
        url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )


class RedisTokenBuckets:
    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._take = client.register_script(_TAKE)
        self._prefix = prefix
        self._clock = clock
        self._fallback = LocalTokenBuckets(clock)
        self._unreachable_until: float | None = None

    def take(self, key: str, rate: float, burst: float, cost: float = 1.0) -> float:
        if self._unreachable_until is not None and self._clock() < self._unreachable_until:
            return self._fallback.take(key, rate, burst, cost)
        try:
            arguments = [rate, burst, cost]
            wait = float(self._take(keys=[bucket_key(self._prefix, key)], args=arguments))
        except redis.RedisError as error:
            self._note_unreachable(error)
            return self._fallback.take(key, rate, burst, cost)
        if self._unreachable_until is not None:
            log.info("rate limits are shared through Redis again")
            self._unreachable_until = None
        return wait

    def _note_unreachable(self, error: redis.RedisError) -> None:
        if self._unreachable_until is None:
            log.warning("rate limits are per process until Redis answers again: %s", error)
        self._unreachable_until = self._clock() + RETRY_REDIS_SECONDS


def rate_limiter_for(
    settings: RateLimitSettings,
    redis_url: str | None,
    prefix: str,
    shared_file: Path | None = None,
) -> RateLimiter:
    """Buckets shared through Redis when it is configured, else through `shared_file` (the
    processes of one machine), else this process's own."""
    if redis_url:
        buckets = RedisTokenBuckets(connect(redis_url), prefix)
    elif shared_file is not None:
        buckets = FileTokenBuckets(shared_file)
    else:
        buckets = LocalTokenBuckets()
    return RateLimiter(settings, buckets)
