"""The backup and restore drill of docs/operations.md, while writes flow: every change
acknowledged before the backup began is in the restored registry, its log has no gap, the relay
publishes the restored log again, and a risk service pointed at the restored registry rebuilds
and equals it. PostgreSQL: `pg_dump -Fc` and `pg_restore` into a fresh database. SQLite:
`python -m services.registry backup OUT` (SQLite's online backup API) and the copy served."""

import dataclasses
import os
import subprocess
import sys
import threading
import time

import pytest

from tests.builders import pipe
from tests.reliability.consistency import change_log, head_revision, registry_assets
from tests.reliability.in_process import risk_settings, start_risk
from tests.reliability.processes import REPOSITORY_ROOT, registry_process
from tests.reliability.test_registry_log_identity import (  # noqa: F401 - fixtures used here
    assert_follows_exactly_the_log,
    assert_stream_holds_exactly_the_log,
    pg_dump,
    pg_restore,
    system,
    third_postgres_url,
)
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api


class Writer(threading.Thread):
    """Writes batches of ten new assets until stopped; remembers when each was acknowledged."""

    def __init__(self, client, prefix: str):
        super().__init__(daemon=True)
        self.client, self.prefix = client, prefix
        self.acknowledged: list[tuple[float, list[str]]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        batch = 0
        while not self.stopping.is_set():
            names = [f"cities/330100/assets/{self.prefix}-{batch}-{n}" for n in range(10)]
            self.client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(
                parent="cities/330100", assets=[pipe(name) for name in names],
                request_id=f"{self.prefix}-{batch}"), timeout=60)
            self.acknowledged.append((time.monotonic(), names))
            batch += 1

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=120)

    def acknowledged_before(self, moment: float) -> set[str]:
        return {name for at, names in self.acknowledged if at < moment for name in names}


def write_around(client, prefix: str, backup) -> set[str]:
    """Runs `backup()` while a writer writes; the names acknowledged before it began."""
    writer = Writer(client, prefix)
    writer.start()
    time.sleep(2)
    began = time.monotonic()
    backup()
    time.sleep(1)
    writer.stop()
    assert len(writer.acknowledged_before(began)) >= 10
    assert writer.acknowledged[-1][0] > began  # writes went on during the backup
    return writer.acknowledged_before(began)


def assert_restored(client, acknowledged: set[str]) -> None:
    assert acknowledged <= set(registry_assets(client))
    revisions = [change.revision for change in change_log(client)]
    assert revisions == list(range(1, len(revisions) + 1))


def test_pg_dump_while_writes_flow_restored_into_a_fresh_database(
    system, postgres_url, third_postgres_url, private_redis, tmp_path  # noqa: F811
):
    registry = system.registry("registry", postgres_url)
    risk = system.risk(registry, "redis")
    dump = tmp_path / "registry.dump"
    acknowledged = write_around(system.client(registry), "d", lambda: pg_dump(postgres_url, dump))
    system.stop(registry)
    system.stop(risk)

    pg_restore(str(dump), third_postgres_url)
    restored = system.registry("restored", third_postgres_url)
    client = system.client(restored)
    assert_restored(client, acknowledged)
    risk = system.risk(restored, "redis")
    assert_follows_exactly_the_log(risk, client)
    assert_stream_holds_exactly_the_log(private_redis, client)


def backup_command(database_url: str, out) -> subprocess.CompletedProcess:
    environment = {**os.environ, "URBAN_REGISTRY_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "services.registry", "backup", str(out)], env=environment,
        cwd=REPOSITORY_ROOT, capture_output=True, text=True, timeout=300,
    )


def test_sqlite_online_backup_while_writes_flow(tmp_path, tokens_file, tokens):
    original, copy = tmp_path / "registry.db", tmp_path / "backup.db"
    registry = registry_process(tmp_path, f"sqlite:///{original}", tokens_file).start()
    settings = risk_settings(f"sqlite:///{tmp_path / 'risk.db'}", tokens_file, registry.address,
                             tokens["risk-service"])
    risk = start_risk(settings)
    started = [registry, risk]
    try:
        client = registry_client_for(registry, tokens)

        def backup() -> None:
            done = backup_command(f"sqlite:///{original}", copy)
            assert done.returncode == 0, done.stderr

        acknowledged = write_around(client, "s", backup)
        registry.stop()
        risk.stop()

        (tmp_path / "restored").mkdir()
        restored = registry_process(tmp_path / "restored", f"sqlite:///{copy}", tokens_file)
        started.append(restored.start())
        client = registry_client_for(restored, tokens)
        assert_restored(client, acknowledged)
        risk = start_risk(dataclasses.replace(settings, registry_target=restored.address))
        started.append(risk)
        head = head_revision(client)  # below what the risk service applied: it relists
        wait_until(lambda: risk.read_model.updates.applied_revision() == head, timeout=60)
        assert_follows_exactly_the_log(risk, client)
    finally:
        for service in reversed(started):
            service.stop()


def registry_client_for(registry, tokens):
    from tests.reliability.conftest import registry_client

    return registry_client(registry.address, tokens["admin"])


@pytest.mark.parametrize("database_url, out, message", [
    ("postgresql+psycopg://postgres@127.0.0.1/x", "new.db", "pg_dump"),
    ("sqlite:///{tmp}/absent.db", "new.db", "does not exist"),
    ("sqlite:///{tmp}/registry.db", "registry.db", "exists"),
])
def test_the_backup_command_refuses_what_it_cannot_copy(tmp_path, database_url, out, message):
    (tmp_path / "registry.db").write_bytes(b"")
    done = backup_command(database_url.format(tmp=tmp_path), tmp_path / out)
    assert done.returncode == 1 and message in done.stderr, done.stderr
