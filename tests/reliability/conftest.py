"""Fixtures for the fault tests: tokens, a private PostgreSQL cluster and Redis server that
a test may stop and restart, and clients that carry a token."""

import shutil

import grpc
import pytest

from tests.conftest import service_absent
from tests.integration.registry.conftest import (  # noqa: F401 - fixtures used here too
    Client,
    tokens,
    tokens_file,
)
from tests.reliability.private_postgres import BINARIES, PrivatePostgres
from tests.reliability.private_redis import PrivateRedis
from urban.registry.v1 import registry_service_pb2_grpc


def registry_client(address: str, token: str, own_connection: bool = False) -> Client:
    """A client of the registry at `address`; with `own_connection`, on a connection no other
    client shares, as separate callers have (gRPC otherwise shares one between channels to the
    same address)."""
    options = [("grpc.use_local_subchannel_pool", 1)] if own_connection else []
    channel = grpc.insecure_channel(address, options=options)
    return Client(registry_service_pb2_grpc.RegistryServiceStub(channel), token)


@pytest.fixture
def private_postgres():
    if not (BINARIES / "initdb").exists():
        service_absent("PostgreSQL's binaries", FileNotFoundError(str(BINARIES / "initdb")))
    cluster = PrivatePostgres()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def private_redis():
    if shutil.which("redis-server") is None:
        service_absent("redis-server", FileNotFoundError("redis-server"))
    server = PrivateRedis()
    try:
        server.start()
        yield server
    finally:
        server.remove()


def pytest_terminal_summary(terminalreporter):
    from tests.reliability.hostile import CASES_RUN

    if not CASES_RUN:
        return
    by_code: dict[str, int] = {}
    for (_, code), count in CASES_RUN.items():
        by_code[code] = by_code.get(code, 0) + count
    terminalreporter.write_sep("-", "hostile input")
    rpcs = {method.split()[0] for method, _ in CASES_RUN if method != "web pages"}
    pages = "" if ("web pages" not in {method for method, _ in CASES_RUN}) else " and the pages"
    terminalreporter.write_line(
        f"{sum(CASES_RUN.values())} hostile requests over {len(rpcs)} RPCs{pages}; answers: "
        + ", ".join(f"{code} {count}" for code, count in sorted(by_code.items()))
    )
