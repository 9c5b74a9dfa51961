"""Health, reflection, deadlines, and a graceful stop that leaves nothing half-written."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import grpc
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

from tests.builders import pipe
from tests.integration.common import reflection_v1
from tests.integration.registry.conftest import Client
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

SERVICE = "urban.registry.v1.RegistryService"


def test_health_reports_serving_without_a_token(channel):
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", SERVICE):
        response = health.Check(health_pb2.HealthCheckRequest(service=service))
        assert response.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_service(channel):
    services = ProtoReflectionDescriptorDatabase(channel).get_services()
    assert SERVICE in services and "grpc.health.v1.Health" in services


def test_reflection_v1_lists_and_resolves_the_service(channel):
    assert SERVICE in reflection_v1.list_services(channel)
    pool = reflection_v1.pool_resolving(channel, SERVICE)
    assert pool.FindServiceByName(SERVICE).FindMethodByName("WatchChanges").server_streaming


def test_a_write_whose_deadline_passes_while_waiting_commits_nothing(admin, registry):
    created = admin.CreateAsset(
        api.CreateAssetRequest(parent="cities/330100", asset_id="slow", asset=pipe(""))
    )
    blocker = _hold_write_lock(registry.storage.engine, created.name)
    try:
        request = api.UpdateAssetRequest(asset=pipe(created.name, length_m=7))
        try:
            admin.UpdateAsset(request, timeout=0.5)
            raise AssertionError("the update should have missed its deadline")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    finally:
        blocker.set()
    later = admin.UpdateAsset(api.UpdateAssetRequest(asset=pipe(created.name, length_m=9)))
    log = admin.ListChanges(api.ListChangesRequest()).changes
    assert [c.after.pipe_segment.length_m for c in log] == [120, 9]
    assert later.pipe_segment.length_m == 9


def test_stopping_the_registry_ends_the_thread_that_checks_watches(admin, registry):
    admin.CreateAsset(api.CreateAssetRequest(parent="cities/330100", asset_id="w", asset=pipe("")))
    watch = admin.WatchChanges(api.WatchChangesRequest(), timeout=30)
    assert next(watch).revision == 1
    assert registry.stalled_watchers.checking
    registry.stop()
    assert not registry.stalled_watchers.checking


def _hold_write_lock(engine: sa.Engine, name: str) -> threading.Event:
    """Holds the asset's row lock (PostgreSQL) or the write lock (SQLite) until set."""
    release, held = threading.Event(), threading.Event()

    def hold():
        with engine.connect() as connection:
            connection.execution_options(urban_write=True)
            with connection.begin():
                connection.execute(
                    sa.text("UPDATE assets SET external_id = external_id WHERE name = :n"),
                    {"n": name},
                )
                held.set()
                release.wait(timeout=30)

    threading.Thread(target=hold, daemon=True).start()
    assert held.wait(timeout=10)
    return release


def test_sigterm_lets_in_flight_batches_finish_and_leaves_none_half_written(
    tmp_path, tokens_file, tokens
):
    database = f"sqlite:///{tmp_path / 'registry.db'}"
    process, address = _start_registry(database, tokens_file)
    client = Client(
        registry_service_pb2_grpc.RegistryServiceStub(grpc.insecure_channel(address)),
        tokens["admin"],
    )
    outcomes: dict[int, grpc.StatusCode] = {}

    def send(batch: int):
        names = [f"cities/330100/assets/b{batch}-{i}" for i in range(500)]
        request = api.BatchUpsertAssetsRequest(
            parent="cities/330100", assets=[pipe(n) for n in names]
        )
        try:
            client.BatchUpsertAssets(request, timeout=60)
            outcomes[batch] = grpc.StatusCode.OK
        except grpc.RpcError as error:
            outcomes[batch] = error.code()

    senders = [threading.Thread(target=send, args=(b,)) for b in range(12)]
    for sender in senders:
        sender.start()
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    for sender in senders:
        sender.join()
    assert process.wait(timeout=30) == 0
    stored = _stored_counts(database)
    for batch, code in outcomes.items():
        assert stored.get(batch, 0) == (500 if code == grpc.StatusCode.OK else 0), (batch, code)
    assert grpc.StatusCode.OK in outcomes.values()


def _start_registry(database: str, tokens_file: str):
    port = _free_port()
    env = {
        **os.environ,
        "URBAN_REGISTRY_LISTEN": f"127.0.0.1:{port}",
        "URBAN_REGISTRY_METRICS_LISTEN": "127.0.0.1:0",
        "URBAN_REGISTRY_DATABASE_URL": database,
        "URBAN_AUTH_TOKENS_FILE": tokens_file,
    }
    process = subprocess.Popen([sys.executable, "-m", "services.registry"], env=env)
    address = f"127.0.0.1:{port}"
    channel = grpc.insecure_channel(address)
    grpc.channel_ready_future(channel).result(timeout=30)
    health = health_pb2_grpc.HealthStub(channel)
    health.Check(health_pb2.HealthCheckRequest(service=SERVICE), wait_for_ready=True, timeout=30)
    return process, address


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stored_counts(database: str) -> dict[int, int]:
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        names = connection.scalars(sa.text("SELECT name FROM assets WHERE NOT deleted"))
        counts: dict[int, int] = {}
        for name in names:
            batch = int(name.split("/")[-1].split("-")[0][1:])
            counts[batch] = counts.get(batch, 0) + 1
    engine.dispose()
    return counts
