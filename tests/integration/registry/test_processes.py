"""URBAN_REGISTRY_PROCESSES: one port served from several processes, their metrics on one
port, rate limits shared between them, SQLite writers of all of them taking turns, and each
kept to a CPU of its own (URBAN_REGISTRY_CPU_AFFINITY)."""

import os
import re
import threading
import time
import urllib.request
from pathlib import Path

import grpc
import pytest

from services.common.interceptors import client_auth_metadata
from services.common.tokens import add_token
from tests.builders import pipe
from tests.reliability.ports import free_port
from tests.reliability.processes import ServiceProcess
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

CITY = "cities/330100"
CONNECTIONS = 24
STARTUP_SECONDS = 300


@pytest.fixture
def tokens(tmp_path):
    path = tmp_path / "tokens.yaml"
    return path, add_token(path, "ops", ["admin"])


class _Group(ServiceProcess):
    """Ready when the first process says that every process serves (each loads the divisions
    and migrates first: minutes on a busy machine)."""

    def _await_serving(self) -> None:
        _await(lambda: "registry serving from 2 processes" in self.log(), self, STARTUP_SECONDS)


def _two_processes(tmp_path, database_url, tokens_file, **extra):
    metrics_port = free_port()
    environment = {
        "URBAN_REGISTRY_DATABASE_URL": database_url,
        "URBAN_AUTH_TOKENS_FILE": str(tokens_file),
        "URBAN_SHUTDOWN_GRACE_SECONDS": "2",
        "URBAN_REGISTRY_PROCESSES": "2",
        "URBAN_REGISTRY_METRICS_LISTEN": f"127.0.0.1:{metrics_port}",
        **extra,
    }
    service = _Group("services.registry", environment, tmp_path / "registry.log")
    return service.start(), f"http://127.0.0.1:{metrics_port}/metrics"


def _await(condition, service, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, service.log()
        assert service.process.poll() is None, service.log()
        time.sleep(0.05)


def _on_new_connection(address: str, token: str, call):
    """`call(stub, metadata)` over a channel of its own: each is a new connection, which the
    kernel hands to either process. A local subchannel pool keeps grpc from reusing another
    channel's connection that has not closed yet."""
    options = [("grpc.use_local_subchannel_pool", 1)]
    with grpc.insecure_channel(address, options=options) as channel:
        stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
        return call(stub, client_auth_metadata(token))


def _requests_counted(metrics_text: str, method: str, code: str = "OK") -> float:
    found = re.search(
        rf'^urban_rpc_requests_total\{{code="{code}",method="{method}",service="registry"\}} '
        r"(\S+)$",
        metrics_text,
        re.MULTILINE,
    )
    return float(found.group(1)) if found else 0.0


def _scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_two_processes_serve_one_port_and_one_metrics_port(tmp_path, sqlite_url, tokens):
    tokens_file, token = tokens
    service, metrics_url = _two_processes(tmp_path, sqlite_url, tokens_file)
    try:
        for _ in range(CONNECTIONS):
            _on_new_connection(
                service.address, token,
                lambda stub, metadata: stub.GetCity(api.GetCityRequest(name=CITY),
                                                    metadata=metadata),
            )
        own_ports = _members_metrics_ports(service.log(), metrics_url)
        per_process = [_requests_counted(_scrape(url), "GetCity") for url in own_ports]
        assert len(per_process) == 2 and all(count > 0 for count in per_process)
        assert _requests_counted(_scrape(metrics_url), "GetCity") == CONNECTIONS
        assert "urban_registry_head_revision 0.0" in _scrape(metrics_url)
    finally:
        service.stop()
    assert service.process.returncode == 0, service.log()


def _members_metrics_ports(log: str, merged_url: str) -> list[str]:
    urls = re.findall(r"metrics on (http://\S+/metrics)", log)
    return [url for url in urls if url != merged_url]


def test_sqlite_writers_of_both_processes_take_turns(tmp_path, sqlite_url, tokens):
    tokens_file, token = tokens
    service, _ = _two_processes(tmp_path, sqlite_url, tokens_file)
    failures: list[Exception] = []

    def create(number: int) -> None:
        request = api.CreateAssetRequest(
            parent=CITY, asset_id=f"main-{number}", asset=pipe(f"{CITY}/assets/main-{number}")
        )
        try:
            _on_new_connection(
                service.address, token,
                lambda stub, metadata: stub.CreateAsset(request, metadata=metadata, timeout=60),
            )
        except grpc.RpcError as error:
            failures.append(error)

    try:
        threads = [threading.Thread(target=create, args=(n,)) for n in range(CONNECTIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        changes = _on_new_connection(
            service.address, token,
            lambda stub, metadata: stub.ListChanges(api.ListChangesRequest(page_size=100),
                                                    metadata=metadata),
        )
    finally:
        service.stop()
    assert failures == []
    assert [c.revision for c in changes.changes] == list(range(1, CONNECTIONS + 1))
    assert len({c.asset_name for c in changes.changes}) == CONNECTIONS


def test_rate_limits_are_shared_by_the_processes_without_redis(tmp_path, sqlite_url, tokens):
    tokens_file, token = tokens
    rate, burst = 1, 4
    service, metrics_url = _two_processes(
        tmp_path, sqlite_url, tokens_file,
        URBAN_RATE_LIMIT_PER_SECOND=str(rate), URBAN_RATE_LIMIT_BURST=str(burst),
    )
    outcomes = []
    try:
        started = time.monotonic()
        for _ in range(CONNECTIONS):
            try:
                _on_new_connection(
                    service.address, token,
                    lambda stub, metadata: stub.GetCity(api.GetCityRequest(name=CITY),
                                                        metadata=metadata),
                )
                outcomes.append(grpc.StatusCode.OK)
            except grpc.RpcError as error:
                outcomes.append(error.code())
        elapsed = time.monotonic() - started
        merged = _scrape(metrics_url)
    finally:
        service.stop()
    admitted = outcomes.count(grpc.StatusCode.OK)
    # Buckets of each process's own would admit a burst in each.
    assert admitted <= burst + int(elapsed * rate) + 1
    assert set(outcomes) == {grpc.StatusCode.OK, grpc.StatusCode.RESOURCE_EXHAUSTED}
    assert _requests_counted(merged, "GetCity", "RESOURCE_EXHAUSTED") == CONNECTIONS - admitted


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_with_cpu_affinity_auto_each_process_keeps_to_a_cpu_of_its_own(tmp_path, sqlite_url,
                                                                        tokens):
    tokens_file, _ = tokens
    service, _ = _two_processes(
        tmp_path, sqlite_url, tokens_file, URBAN_REGISTRY_CPU_AFFINITY="auto"
    )
    try:
        children = map(_cpus_of_threads, _children(service.process.pid))
        kept = sorted((cpus for cpus in children if len(cpus) == 1), key=min)
    finally:
        service.stop()
    first, second = sorted(os.sched_getaffinity(0))[:2]
    assert kept == [{first}, {second}], service.log()
    assert f"serving process 1 keeps to CPU {first}" in service.log()
    assert f"serving process 2 keeps to CPU {second}" in service.log()


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def _cpus_of_threads(pid: int) -> set[int]:
    """The CPUs the threads of process `pid` may run on, together."""
    cpus: set[int] = set()
    for thread in os.listdir(f"/proc/{pid}/task"):
        cpus |= os.sched_getaffinity(int(thread))
    return cpus
