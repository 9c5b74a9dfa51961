"""PostgreSQL's own rate for UpdateAsset's transaction shape, measured by `pgbench` on the
benchmark's database: lock an asset's row, update it, append a change holding the asset before
and after, commit. Copies of the registry's `assets` (indexes included) and `changes` tables
hold the assets the benchmark created, so rows, indexes and sizes are the registry's own; the
copies are dropped afterwards."""

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import sqlalchemy as sa

from bench.cpu import process_seconds
from bench.pipes import PARENT
from bench.postgres_cpu import BackendCpu

PREPARE = """
CREATE TABLE baseline_assets (LIKE assets INCLUDING ALL);
INSERT INTO baseline_assets SELECT * FROM assets WHERE name = ANY(%(names)s);
CREATE TABLE baseline_changes (LIKE changes INCLUDING ALL);
ANALYZE baseline_assets;
"""
DROP = "DROP TABLE IF EXISTS baseline_assets, baseline_changes"
# One UpdateAsset: the lock, the update, the change (before and after), the commit.
_NAME = f"'{PARENT}/assets/pipe-' || lpad(:n::text, 7, '0')"
SCRIPT = f"""\\set n random(0, :assets - 1)
BEGIN;
SELECT version, body FROM baseline_assets WHERE name = {_NAME} FOR UPDATE;
UPDATE baseline_assets SET version = version + 1, update_time = now(), body = body WHERE name = {_NAME};
INSERT INTO baseline_changes (event_id, type, asset_name, city_code, asset_version, before, after, commit_time, actor) SELECT gen_random_uuid()::text, 'UPDATE', name, city_code, version, body, body, now(), 'bench' FROM baseline_assets WHERE name = {_NAME};
END;
"""  # noqa: E501 - pgbench reads a statement per line
_TPS = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)", re.MULTILINE)
_LATENCY = re.compile(r"^latency average = ([0-9.]+) ms", re.MULTILINE)


@dataclass(frozen=True)
class Baseline:
    per_second: float
    mean_latency_ms: float
    clients: int
    cpu_ms: float  # CPU a transaction: pgbench and its PostgreSQL backends together


def available() -> bool:
    return shutil.which("pgbench") is not None


def pgbench_rate(database_url: str, asset_names: list[str], clients: int, seconds: float):
    """pgbench's transactions a second over `asset_names` (pipe-0000000 … in bench.pipes'
    naming) with `clients` connections for `seconds`."""
    url = sa.engine.make_url(database_url)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(DROP)
        for statement in filter(str.strip, PREPARE.split(";")):
            connection.execute(statement, {"names": asset_names})
        try:
            return _run(url, len(asset_names), clients, seconds)
        finally:
            connection.execute(DROP)


def _run(url: sa.URL, assets: int, clients: int, seconds: float) -> Baseline:
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        script.write(SCRIPT)
        script.flush()
        command = [
            "pgbench", "--no-vacuum", "--protocol=prepared", f"--client={clients}",
            f"--jobs={min(clients, 4)}", f"--time={max(1, round(seconds))}",
            f"--define=assets={assets}", f"--file={Path(script.name)}",
            f"--host={url.host or '127.0.0.1'}", f"--port={url.port or 5432}",
            f"--username={url.username or 'postgres'}", url.database,
        ]  # fmt: skip
        backends = BackendCpu(url.render_as_string(hide_password=False))
        backends.start()
        started = time.perf_counter()
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        used, elapsed = _cpu_before_the_end(run, backends, started, max(1, round(seconds)))
        stdout, stderr = run.communicate()
    tps, latency = _TPS.search(stdout), _LATENCY.search(stdout)
    if run.returncode != 0 or not tps:
        raise RuntimeError(f"pgbench failed ({run.returncode}): {stdout}{stderr}")
    per_second = float(tps.group(1))
    return Baseline(
        per_second=per_second,
        mean_latency_ms=float(latency.group(1)) if latency else 0.0,
        clients=clients,
        cpu_ms=1000 * used / (per_second * elapsed),
    )


def _cpu_before_the_end(run: subprocess.Popen, backends: BackendCpu, started: float, seconds):
    """CPU seconds pgbench and the database's backends (its connections, counted from their
    start) have used shortly before pgbench ends, and the seconds since it started: read while
    they are all alive, so that no other database's work counts."""
    time.sleep(max(0.5, seconds - 0.5))
    backends.stop()
    try:
        pgbench = process_seconds(run.pid)
    except OSError:  # it ended early: its figure is lost, the backends' kept
        pgbench = 0.0
    return pgbench + backends.seconds, time.perf_counter() - started
