"""The fastest raw path of each database for the rows the registry stored: PostgreSQL's COPY
(binary, into a fresh table like `assets`, indexes included) and SQLite's executemany in one
transaction (into a fresh file with the same table and indexes). Only the load is timed."""

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import sqlalchemy as sa

from bench.cpu import process_seconds

BLOCK_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class RawResult:
    rows: int
    seconds: float
    cpu_seconds: float  # the database's: the backend for PostgreSQL, this process for SQLite

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def raw_load(database_url: str, workdir: Path) -> RawResult:
    if database_url.startswith("sqlite"):
        return _sqlite(Path(sa.engine.make_url(database_url).database), workdir / "raw.db")
    return _postgres(database_url.replace("postgresql+psycopg://", "postgresql://", 1))


def _postgres(conninfo: str) -> RawResult:
    with psycopg.connect(conninfo) as connection:
        blocks, rows = _copied_out(connection)
        connection.execute("CREATE TABLE raw_assets (LIKE assets INCLUDING ALL)")
        connection.commit()
        backend = connection.info.backend_pid
        cpu, started = process_seconds(backend), time.perf_counter()
        with connection.cursor().copy("COPY raw_assets FROM STDIN (FORMAT BINARY)") as copy:
            for block in blocks:
                copy.write(block)
        connection.commit()
        result = RawResult(rows, time.perf_counter() - started, process_seconds(backend) - cpu)
        connection.execute("DROP TABLE raw_assets")
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


def _sqlite(source: Path, target: Path) -> RawResult:
    with sqlite3.connect(source) as registry:
        rows = registry.execute("SELECT * FROM assets").fetchall()
        schema = registry.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'assets' AND sql IS NOT NULL"
        ).fetchall()
    raw = sqlite3.connect(target, isolation_level=None)
    try:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):  # as the registry sets them
            raw.execute(f"PRAGMA {pragma}")
        for (statement,) in schema:
            raw.execute(statement)
        insert = f"INSERT INTO assets VALUES ({', '.join('?' * len(rows[0]))})"
        cpu, started = time.process_time(), time.perf_counter()
        raw.execute("BEGIN")
        raw.executemany(insert, rows)
        raw.execute("COMMIT")
        return RawResult(len(rows), time.perf_counter() - started, time.process_time() - cpu)
    finally:
        raw.close()
