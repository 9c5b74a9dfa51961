"""A Redis stream holds one registry's log in one epoch, on PostgreSQL and Redis: two
registries with fresh databases sharing a Redis and prefix, and a registry restored from a
backup taken before changes it had published. Each ends with the risk read model equal to the
registry and the stream holding exactly the registry's log."""

import dataclasses
import subprocess

import pytest

from services.common.change_stream import LogSource, marker_key, revision_of, source_of, stream_key
from tests.builders import pipe
from tests.conftest import fresh_database
from tests.reliability.conftest import registry_client
from tests.reliability.consistency import assert_read_model_matches, change_log, head_revision
from tests.reliability.in_process import risk_settings, start_risk
from tests.reliability.processes import registry_process
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

PREFIX = "urban"


@pytest.fixture
def third_postgres_url(postgres_server) -> str:
    yield from fresh_database(postgres_server)


@dataclasses.dataclass
class System:
    tmp_path: object
    tokens_file: str
    tokens: dict
    redis_url: str
    risk_database: str
    started: list = dataclasses.field(default_factory=list)

    def registry(self, name: str, database_url: str, redis: bool = True):
        directory = self.tmp_path / name
        directory.mkdir(exist_ok=True)
        feed = {"URBAN_REDIS_URL": self.redis_url, "URBAN_REDIS_PREFIX": PREFIX} if redis else {}
        process = registry_process(directory, database_url, self.tokens_file, **feed)
        self.started.append(process)
        return process.start()

    def risk(self, registry, feed: str):
        settings = risk_settings(
            self.risk_database, self.tokens_file, registry.address, self.tokens["risk-service"],
            self.redis_url if feed == "redis" else None, PREFIX,
        )
        risk = start_risk(dataclasses.replace(settings, head_check_seconds=0.5))
        self.started.append(risk)
        return risk

    def client(self, registry):
        return registry_client(registry.address, self.tokens["admin"])

    def stop(self, service) -> None:
        service.stop()
        self.started.remove(service)


@pytest.fixture
def system(tmp_path, second_postgres_url, private_redis, tokens_file, tokens):
    running = System(tmp_path, tokens_file, tokens, private_redis.url, second_postgres_url)
    yield running
    for service in reversed(running.started):
        service.stop()


@pytest.mark.parametrize("feed", ["redis", "watch"])
def test_a_second_registry_with_a_fresh_database_takes_the_stream_over(
    system, feed, postgres_url, third_postgres_url, private_redis
):
    first = system.registry("first", postgres_url)
    write(system.client(first), "a", range(300), length_m=1.0)
    risk = system.risk(first, feed)
    assert_read_model_matches(risk.read_model, system.client(first))
    system.stop(risk)
    system.stop(first)

    second = system.registry("second", third_postgres_url)  # same Redis, same prefix
    risk = system.risk(second, feed)
    client = system.client(second)
    write(client, "b", range(40), length_m=2.0)  # revisions far below the stream's newest
    write(client, "b", range(10), length_m=3.0)

    assert_follows_exactly_the_log(risk, client)
    assert_stream_holds_exactly_the_log(private_redis, client)
    assert "(other_registry)" in second.log()


@pytest.mark.parametrize("feed", ["redis", "watch"])
def test_a_registry_restored_from_a_backup_starts_a_new_epoch(
    system, feed, postgres_url, private_redis, tmp_path
):
    registry = system.registry("registry", postgres_url)
    client = system.client(registry)
    write(client, "p", range(100), length_m=1.0)
    backup = pg_dump(postgres_url, tmp_path / "registry.dump")
    restored_head = head_revision(client)
    write(client, "p", range(80), length_m=2.0)  # the future the restore loses
    risk = system.risk(registry, feed)
    assert_read_model_matches(risk.read_model, client)
    before = log_source(client)

    registry.stop()
    pg_restore(backup, postgres_url)
    registry.start()
    assert head_revision(client) == restored_head
    write(client, "p", range(30), length_m=3.0)  # revisions the lost future used, new content

    assert log_source(client) == dataclasses.replace(before, epoch=before.epoch + 1)
    assert_follows_exactly_the_log(risk, client)
    assert_stream_holds_exactly_the_log(private_redis, client)
    assert "(rewound)" in registry.log()


def test_without_redis_a_restored_log_is_told_apart_by_the_change_last_applied(
    system, postgres_url, tmp_path
):
    registry = system.registry("registry", postgres_url, redis=False)
    client = system.client(registry)
    write(client, "p", range(100), length_m=1.0)
    backup = pg_dump(postgres_url, tmp_path / "registry.dump")
    write(client, "p", range(80), length_m=2.0)  # the future the restore loses
    risk = system.risk(registry, "watch")
    assert_follows_exactly_the_log(risk, client)
    system.stop(risk)

    registry.stop()
    pg_restore(backup, postgres_url)
    registry.start()
    write(client, "q", range(100), length_m=3.0)  # the head passes the lost one: same epoch
    risk = system.risk(registry, "watch")

    assert_follows_exactly_the_log(risk, client)
    assert risk.metrics.get_sample_value("urban_risk_relists_total") == 1


def write(client, prefix: str, numbers, length_m: float) -> None:
    names = [f"cities/330100/assets/{prefix}-{number}" for number in numbers]
    request = api.BatchUpsertAssetsRequest(
        parent="cities/330100", assets=[pipe(name, length_m=length_m) for name in names]
    )
    client.BatchUpsertAssets(request, timeout=60)


def log_source(client) -> LogSource:
    log = client.GetChangeLog(api.GetChangeLogRequest(name="changeLog"), timeout=30)
    return LogSource(log.registry_id, log.epoch)


def assert_follows_exactly_the_log(risk, client) -> None:
    """The read model follows the registry's current log (the revision it applied means
    nothing in another), has applied its head, and equals the registry."""
    source = log_source(client)
    wait_until(lambda: risk.read_model.updates.state().source == source, timeout=60)
    assert_read_model_matches(risk.read_model, client)


def assert_stream_holds_exactly_the_log(private_redis, client) -> None:
    """Every revision of the log, with the same change, named as the registry's current log;
    and the marker naming that log."""
    source, log = log_source(client), change_log(client)
    wanted = [(change.revision, change.SerializeToString(deterministic=True)) for change in log]
    with private_redis.client() as redis_client:
        wait_until(lambda: _newest(redis_client) == log[-1].revision, timeout=60)
        entries = redis_client.xrange(stream_key(PREFIX))
        marker = redis_client.hgetall(marker_key(PREFIX))
    assert source_of(marker) == source
    assert {source_of(fields) for _, fields in entries} == {source}
    held = [
        (revision_of(entry_id), _deterministic(fields[b"change"])) for entry_id, fields in entries
    ]
    assert held == wanted


def _newest(redis_client) -> int:
    newest = redis_client.xrevrange(stream_key(PREFIX), count=1)
    return revision_of(newest[0][0]) if newest else 0


def _deterministic(serialized: bytes) -> bytes:
    return r.AssetChange.FromString(serialized).SerializeToString(deterministic=True)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def pg_dump(database_url: str, path) -> str:
    subprocess.run(["pg_dump", "-Fc", "-f", str(path), _libpq(database_url)], check=True)
    return str(path)


def pg_restore(backup: str, database_url: str) -> None:
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", _libpq(database_url), backup],
        check=True,
    )
