"""CPU time spent by the PostgreSQL backends serving one database (Linux, same machine)."""

import contextlib

import psycopg

from bench.cpu import process_seconds


class BackendCpu:
    """CPU seconds the database's backends spent between `start` and `stop`; a backend that
    connects meanwhile counts from zero, one that exits meanwhile is lost."""

    def __init__(self, database_url: str):
        self._conninfo = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._at_start: dict[int, float] = {}
        self.seconds = 0.0

    def start(self) -> None:
        self._at_start = self._backends()

    def stop(self) -> None:
        now = self._backends()
        self.seconds = sum(seconds - self._at_start.get(pid, 0.0) for pid, seconds in now.items())

    def _backends(self) -> dict[int, float]:
        with psycopg.connect(self._conninfo, autocommit=True) as connection:
            pids = connection.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        seconds = {}
        for (pid,) in pids:
            with contextlib.suppress(OSError):  # it exited meanwhile
                seconds[pid] = process_seconds(pid)
        return seconds
