"""The fastest raw path of each database for the rows the registry stored: PostgreSQL's COPY
(binary, into a fresh table like `assets`, indexes included) and SQLite's executemany in one
transaction (into a fresh file with the same table and indexes). The rows are read once; each
load goes into a fresh table (or file) of its own, and only the load is timed."""

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import psycopg
import sqlalchemy as sa

from bench.cpu import process_seconds
from bench.databases import checkpoint

BLOCK_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class RawResult:
    rows: int
    seconds: float
    cpu_seconds: float  # the database's: the backend for PostgreSQL, this process for SQLite
    checkpoint_seconds: float = 0.0  # PostgreSQL's CHECKPOINT just before, not timed

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    @property
    def cpu_us(self) -> float:
        return 1e6 * self.cpu_seconds / self.rows


class RawPath(Protocol):
    def load(self, label: str) -> RawResult:
        """The rows loaded once more, into a fresh table named after `label`."""


def raw_path(database_url: str, workdir: Path) -> RawPath:
    """The rows of the registry's `assets` at `database_url`, read now, ready to be loaded."""
    if database_url.startswith("sqlite"):
        return SqliteRaw(Path(sa.engine.make_url(database_url).database), workdir)
    return PostgresRaw(database_url.replace("postgresql+psycopg://", "postgresql://", 1))


class PostgresRaw:
    def __init__(self, conninfo: str):
        self._conninfo = conninfo
        with psycopg.connect(conninfo) as connection:
            self._blocks, self._rows = _copied_out(connection)

    def load(self, label: str) -> RawResult:
        """A CHECKPOINT first, as before each measured import: what earlier work left dirty
        is written out before the clock starts, on either side."""
        table = f"raw_assets_{label}"
        with psycopg.connect(self._conninfo) as connection:
            connection.execute(f"CREATE TABLE {table} (LIKE assets INCLUDING ALL)")
            connection.commit()
            checkpointed = checkpoint("postgres")
            backend = connection.info.backend_pid
            cpu, started = process_seconds(backend), time.perf_counter()
            with connection.cursor().copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                for block in self._blocks:
                    copy.write(block)
            connection.commit()
            seconds = time.perf_counter() - started
            cpu = process_seconds(backend) - cpu
            result = RawResult(self._rows, seconds, cpu, checkpointed)
            connection.execute(f"DROP TABLE {table}")
            return result


def _copied_out(connection: psycopg.Connection) -> tuple[list[bytes], int]:
    """The `assets` table in COPY's binary format, in blocks of about BLOCK_BYTES."""
    blocks, pending, size = [], [], 0
    with connection.cursor().copy("COPY assets TO STDOUT (FORMAT BINARY)") as copy:
        for data in copy:
            pending.append(bytes(data))
            size += len(data)
            if size >= BLOCK_BYTES:
                blocks.append(b"".join(pending))
                pending, size = [], 0
    blocks.append(b"".join(pending))
    rows = connection.execute("SELECT count(*) FROM assets").fetchone()[0]
    return blocks, rows


class SqliteRaw:
    def __init__(self, source: Path, workdir: Path):
        self._workdir = workdir
        with sqlite3.connect(source) as registry:
            self._rows = registry.execute("SELECT * FROM assets").fetchall()
            self._schema = registry.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'assets' AND sql IS NOT NULL"
            ).fetchall()

    def load(self, label: str) -> RawResult:
        target = self._workdir / f"raw-{label}.db"
        raw = sqlite3.connect(target, isolation_level=None)
        try:
            return self._loaded(raw)
        finally:
            raw.close()
            for path in (target, *(Path(f"{target}{end}") for end in ("-wal", "-shm"))):
                path.unlink(missing_ok=True)

    def _loaded(self, raw: sqlite3.Connection) -> RawResult:
        rows = self._rows
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):  # as the registry sets them
            raw.execute(f"PRAGMA {pragma}")
        for (statement,) in self._schema:
            raw.execute(statement)
        insert = f"INSERT INTO assets VALUES ({', '.join('?' * len(rows[0]))})"
        cpu, started = time.process_time(), time.perf_counter()
        raw.execute("BEGIN")
        raw.executemany(insert, rows)
        raw.execute("COMMIT")
        return RawResult(len(rows), time.perf_counter() - started, time.process_time() - cpu)
