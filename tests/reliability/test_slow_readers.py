"""Slow and stuck readers. A WatchChanges client that stops reading while 100,000 changes are
written: the registry's memory stays bounded (gRPC's flow control holds the stuck stream's
backlog to its window), the stream ends with RESOURCE_EXHAUSTED once a change waited longer than
the stall limit, and another watcher and unary callers are served all the while. Scrapers of the
status pages that stop reading or never finish their request are closed once idle, and others
are still served."""

import contextlib
import os
import socket
import statistics
import threading
import time
from pathlib import Path

import grpc
from prometheus_client import CollectorRegistry

from services.common.config import Address
from services.common.tokens import add_token
from services.risk.web.server import WebServer
from services.risk.wiring import Risk
from tests.builders import pipe
from tests.health import risk_is_ready
from tests.reliability.conftest import registry_client
from tests.reliability.in_process import registry_settings, risk_settings, start_registry
from tests.reliability.processes import registry_process
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api

CHANGES = int(os.environ.get("URBAN_TEST_SLOW_READER_CHANGES", "100000"))
BATCH = 1000
STALL_SECONDS = 5
MAX_GROWTH_MB = 200  # the 100,000 changes alone are over 100 MB as messages
BUDGET_SECONDS = 240  # under pytest's timeout, so that a failure says what went wrong


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


class Writer(threading.Thread):
    """Imports `count` pipes in batches; keeps how far it got and what stopped it."""

    def __init__(self, client, count: int):
        super().__init__(daemon=True)
        self.client, self.count, self.written, self.error = client, count, 0, None

    def run(self) -> None:
        try:
            for start in range(0, self.count, BATCH):
                names = range(start, start + BATCH)
                batch = [pipe(f"cities/330100/assets/slow-{n}") for n in names]
                request = api.ImportAssetsRequest(parent="cities/330100", assets=batch,
                                                  request_id=f"slow-{start}")
                list(self.client.ImportAssets(iter([request]), timeout=120))
                self.written = start + BATCH
        except Exception as error:  # reported by the test
            self.error = error


class Watcher(threading.Thread):
    """Reads every change up to `last` and checks their order."""

    def __init__(self, client, last: int):
        super().__init__(daemon=True)
        self.client, self.last, self.received, self.error = client, last, 0, None

    def run(self) -> None:
        try:
            watch = self.client.WatchChanges(api.WatchChangesRequest(), timeout=BUDGET_SECONDS)
            for change in watch:
                self.received += 1
                assert change.revision == self.received
                if change.revision == self.last:
                    return
        except Exception as error:  # reported by the test
            self.error = error


def test_a_stuck_watcher_is_cut_off_and_costs_no_one_else(tmp_path):
    tokens_file = str(tmp_path / "tokens.yaml")
    admin = add_token(tokens_file, "admin", ["admin"])
    registry = registry_process(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", tokens_file,
                                URBAN_REGISTRY_WATCH_STALL_SECONDS=str(STALL_SECONDS)).start()
    deadline = time.monotonic() + BUDGET_SECONDS
    try:
        # Never read; if the stall check failed to end it, it runs out at its deadline.
        stuck = registry_client(registry.address, admin, own_connection=True).WatchChanges(
            api.WatchChangesRequest(), timeout=BUDGET_SECONDS + 30)
        healthy = Watcher(registry_client(registry.address, admin, own_connection=True), CHANGES)
        healthy.start()
        client = registry_client(registry.address, admin)
        writer = Writer(client, CHANGES)
        writer.start()
        latencies, samples = [], []
        while writer.is_alive() and time.monotonic() < deadline:
            began = time.monotonic()
            client.GetCity(api.GetCityRequest(name="cities/330100"), timeout=30)
            latencies.append(time.monotonic() - began)
            samples.append(resident_mb(registry.process.pid))
            writer.join(timeout=0.5)
        healthy.join(timeout=max(0.0, deadline - time.monotonic()))
        samples.append(resident_mb(registry.process.pid))

        progress = (f"{writer.written} of {CHANGES} written (error: {writer.error!r}), "
                    f"{healthy.received} received by the healthy watcher (error: "
                    f"{healthy.error!r}) after {BUDGET_SECONDS} s at most; registry log:\n"
                    f"{registry.log()[-3000:]}")
        assert writer.error is None and writer.written == CHANGES, progress
        assert healthy.error is None and healthy.received == CHANGES, progress
        taken = 0
        try:
            for _ in stuck:
                taken += 1
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error
            assert "URBAN_REGISTRY_WATCH_STALL_SECONDS" in error.details()
        else:
            raise AssertionError("the stuck watch was never ended")
        assert 0 < taken < CHANGES
        assert max(samples) - samples[0] < MAX_GROWTH_MB, samples
        assert "ended a watch whose reader took no change" in registry.log()
        print(f"\nregistry RSS {samples[0]:.0f} -> max {max(samples):.0f} MB over {CHANGES} "
              f"changes; the stuck watch took {taken} before it was ended; GetCity median "
              f"{statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.0f} ms")
    finally:
        registry.stop()


def get_status(address, path: str) -> bytes:
    with socket.create_connection(address, timeout=30) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        return connection.recv(64).split(b"\r\n", 1)[0]


def stuck_scraper(address) -> socket.socket:
    """Pipelines thousands of page requests and reads none of the answers."""
    connection = socket.create_connection(address)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    connection.setblocking(False)
    with contextlib.suppress(BlockingIOError):
        connection.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 3000)
    return connection


def closed_by_server(connection: socket.socket, within: float) -> bool:
    connection.settimeout(within)
    try:
        return connection.recv(1) == b""
    except TimeoutError:
        return False


def test_slow_and_stuck_scrapers_cost_other_readers_little(tmp_path):
    tokens_file = str(tmp_path / "tokens.yaml")
    token = add_token(tokens_file, "risk-service", ["assets.read:*"])
    registry = start_registry(registry_settings(f"sqlite:///{tmp_path / 'r.db'}", tokens_file))
    risk = Risk(risk_settings(f"sqlite:///{tmp_path / 'k.db'}", tokens_file,
                              registry.address(), token), CollectorRegistry())
    risk.start(serve_metrics=False, serve_pages=False)
    web = WebServer(Address("127.0.0.1", 0), risk.pages, idle_connection_seconds=3)
    address = ("127.0.0.1", web.start())
    scrapers = []
    try:
        wait_until(lambda: risk_is_ready(risk.address()))
        before = resident_mb(os.getpid())
        scrapers = [stuck_scraper(address) for _ in range(8)]
        dribblers = [socket.create_connection(address) for _ in range(50)]
        for connection in dribblers:  # a request begun and never finished
            connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        scrapers += dribblers
        for path in ("/", "/progress.json", "/cities/330100", "/cities/330100/progress.json"):
            assert get_status(address, path) == b"HTTP/1.1 200 OK", path
        assert all(closed_by_server(connection, within=30) for connection in dribblers)
        assert resident_mb(os.getpid()) - before < MAX_GROWTH_MB
        assert get_status(address, "/") == b"HTTP/1.1 200 OK"
    finally:
        for connection in scrapers:
            connection.close()
        web.stop()
        risk.stop()
        registry.stop()
