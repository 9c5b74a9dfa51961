"""Production's feed for a benchmark: a key prefix of its own on the Redis server, removed
afterwards, and a registry process that publishes its changes there."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from bench.registry_process import RegistryProcess

REDIS_URL = os.environ.get("URBAN_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextmanager
def redis_prefix() -> Iterator[str]:
    """A fresh key prefix; every key under it is deleted afterwards."""
    prefix = f"urban_bench_{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        try:
            for key in client.scan_iter(match=f"{prefix}*", count=1000):
                client.delete(key)
        finally:
            client.close()


class RedisRegistryProcess(RegistryProcess):
    """The registry with its outbox relay publishing to the stream `{prefix}:changes`."""

    def __init__(self, database_url, workdir, prefix: str):
        super().__init__(database_url, workdir)
        self.redis_prefix = prefix

    def settings(self) -> dict[str, str]:
        return {
            **super().settings(),
            "URBAN_REDIS_URL": REDIS_URL,
            "URBAN_REDIS_PREFIX": self.redis_prefix,
        }
