"""The machine a benchmark ran on, as one line."""

import os
import platform
import sqlite3

import sqlalchemy as sa

from bench.registry_process import cpu_affinity


def describe(postgres_admin_url: str) -> str:
    return (
        f"machine: {cpu_model()}, {os.cpu_count()} cores, {memory_gib():.1f} GiB, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres_version(postgres_admin_url)}; registry processes' CPU affinity "
        f"{cpu_affinity()}; {load_average()}"
    )


def load_average() -> str:
    """What else keeps the machine busy: a shared machine gives lower figures."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def cpu_model() -> str:
    for line in _read_lines("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def memory_gib() -> float:
    for line in _read_lines("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return 0.0


def postgres_version(admin_url: str) -> str:
    engine = sa.create_engine(admin_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text("SHOW server_version"))
    except sa.exc.OperationalError:
        return "unreachable"
    finally:
        engine.dispose()


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as file:
            return file.readlines()
    except OSError:
        return []
