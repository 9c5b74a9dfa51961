"""A real registry on a free port, over SQLite and PostgreSQL, with tokens of every kind."""

import dataclasses

import grpc
import pytest

from services.common.config import Address
from services.common.interceptors import client_auth_metadata
from services.common.tokens import add_token
from services.registry.config import RegistrySettings
from services.registry.wiring import Registry
from urban.registry.v1 import registry_service_pb2_grpc

TOKEN_SCOPES = {
    "admin": ["admin"],
    "hangzhou": ["assets.write:330100", "assets.read:*"],
    "ningbo": ["assets.write:330200"],
    "reader": ["assets.read:*"],
    "hangzhou-reader": ["assets.read:330100"],
    "risk-service": ["assets.read:*"],
}


@pytest.fixture
def tokens_file(tmp_path) -> str:
    return str(tmp_path / "tokens.yaml")


@pytest.fixture
def tokens(tokens_file) -> dict[str, str]:
    return {name: add_token(tokens_file, name, scopes) for name, scopes in TOKEN_SCOPES.items()}


def settings_for(database_url: str, tokens_file: str) -> RegistrySettings:
    return RegistrySettings(
        listen=Address("127.0.0.1", 0),
        metrics_listen=Address("127.0.0.1", 0),
        database_url=database_url,
        redis_url=None,
        redis_prefix="unused",
        tokens_file=tokens_file,
        shutdown_grace_seconds=5,
    )


@pytest.fixture
def registry_settings(database_url, tokens_file, tokens) -> RegistrySettings:
    return settings_for(database_url, tokens_file)


@pytest.fixture
def registry(registry_settings):
    service = Registry(registry_settings)
    service.start(serve_metrics=False)
    yield service
    service.stop()


@pytest.fixture
def channel(registry):
    with grpc.insecure_channel(registry.address()) as channel:
        yield channel


@dataclasses.dataclass
class Client:
    """The registry stub with one token's credentials on every call."""

    stub: registry_service_pb2_grpc.RegistryServiceStub
    token: str

    def __getattr__(self, method):
        rpc = getattr(self.stub, method)
        metadata = client_auth_metadata(self.token)
        return lambda request, **kwargs: rpc(request, metadata=metadata, **kwargs)


@pytest.fixture
def clients(channel, tokens) -> dict[str, Client]:
    stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
    return {name: Client(stub, token) for name, token in tokens.items()}


@pytest.fixture
def admin(clients) -> Client:
    return clients["admin"]
