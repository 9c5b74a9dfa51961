from contextlib import contextmanager
from dataclasses import dataclass

import grpc
import pytest
import yaml
from prometheus_client import CollectorRegistry

from services.common.auth import TokenStore
from services.common.config import Address
from services.common.grpc_server import GrpcServer
from services.common.message_sizes import ReceiveLimits
from services.common.server_limits import ServerLimits
from services.common.token_file import hash_token
from tests.integration.common.fake_registry import DatabaseDown, FakeRegistryServicer
from urban.registry.v1 import registry_service_pb2_grpc

REGISTRY_SERVICE = "urban.registry.v1.RegistryService"
TOKENS = {
    "dev-admin": ("urt_admin", ["admin"]),
    "hangzhou-reader": ("urt_reader", ["assets.read:330100"]),
    "retired": ("urt_retired", ["admin"]),
}


@dataclass
class RunningServer:
    server: GrpcServer
    port: int
    metrics: CollectorRegistry

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture
def tokens_path(tmp_path):
    path = tmp_path / "tokens.yaml"
    entries = [
        {"name": name, "sha256": hash_token(token), "scopes": scopes}
        for name, (token, scopes) in TOKENS.items()
    ]
    entries[-1]["revoked"] = True
    path.write_text(yaml.safe_dump({"tokens": entries}))
    return path


LARGE_REQUEST_BYTES = 64 * 1024 * 1024


@contextmanager
def serving_fake_registry(tokens_path, limits: ServerLimits | None = None):
    """The fake registry servicer on a GrpcServer at a free port, stopped afterwards."""
    metrics = CollectorRegistry()
    server = GrpcServer(
        "registry",
        token_store=TokenStore(tokens_path),
        metrics_registry=metrics,
        unavailable_errors=(DatabaseDown,),
        receive_limits=ReceiveLimits({"GetAsset": LARGE_REQUEST_BYTES}),
        limits=limits,
    )
    server.add_service(
        FakeRegistryServicer(),
        registry_service_pb2_grpc.add_RegistryServiceServicer_to_server,
        REGISTRY_SERVICE,
    )
    port = server.start(Address.parse("127.0.0.1:0"))
    try:
        yield RunningServer(server, port, metrics)
    finally:
        server.stop(0)


@pytest.fixture
def running(tokens_path):
    with serving_fake_registry(tokens_path) as server:
        yield server


@pytest.fixture
def channel(running):
    with grpc.insecure_channel(running.target) as channel:
        yield channel


@pytest.fixture
def stub(channel):
    return registry_service_pb2_grpc.RegistryServiceStub(channel)
