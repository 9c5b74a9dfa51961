"""Token buckets in an SQLite file, shared by the processes of one registry on one machine when
there is no Redis to share them through (URBAN_REGISTRY_PROCESSES without URBAN_REDIS_URL).

Each take is one short write transaction; the clock is CLOCK_MONOTONIC, which every process of
a machine reads alike. The arithmetic is LocalTokenBuckets'.
"""

import fcntl
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

_SCHEMA = "CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, tokens REAL, at REAL)"
_READ = "SELECT tokens, at FROM buckets WHERE key = ?"
_WRITE = "INSERT OR REPLACE INTO buckets (key, tokens, at) VALUES (?, ?, ?)"


class FileTokenBuckets:
    def __init__(self, path: Path, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(
            path, timeout=10, isolation_level=None, check_same_thread=False
        )
        # Processes starting together would race to turn a new file to WAL, which SQLite can
        # refuse at once ("database is locked") without waiting out the timeout.
        with open(f"{path}.setup-lock", "a") as setup_lock:
            fcntl.flock(setup_lock, fcntl.LOCK_EX)
            for statement in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=OFF", _SCHEMA):
                self._connection.execute(statement)

    def take(self, key: str, rate: float, burst: float, cost: float = 1.0) -> float:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                wait = self._take(key, rate, burst, cost)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")
            return wait

    def _take(self, key: str, rate: float, burst: float, cost: float) -> float:
        now = self._clock()
        stored = self._connection.execute(_READ, (key,)).fetchone()
        tokens, then = stored if stored else (burst, now)
        tokens = min(burst, tokens + max(0.0, now - then) * rate)
        needed = min(cost, burst)
        wait = 0.0 if tokens >= needed else (needed - tokens) / rate
        self._connection.execute(_WRITE, (key, tokens - cost if wait == 0 else tokens, now))
        return wait

    def close(self) -> None:
        self._connection.close()
