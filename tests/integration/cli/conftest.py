"""`urban` run in-process against a real registry on a free port (SQLite unless asked)."""

import dataclasses
import socket

import grpc
import pytest

from services.cli.main import main
from services.registry.wiring import Registry
from tests.integration.registry import conftest as registry_fixtures
from tests.integration.registry.conftest import Client, settings_for
from urban.registry.v1 import registry_service_pb2_grpc

# The registry's fixtures: a real registry on a free port, its tokens and clients.
tokens_file = registry_fixtures.tokens_file
tokens = registry_fixtures.tokens
registry_settings = registry_fixtures.registry_settings
registry = registry_fixtures.registry
channel = registry_fixtures.channel
clients = registry_fixtures.clients
admin = registry_fixtures.admin


@pytest.fixture
def database_url(request) -> str:
    """SQLite; a test parametrized indirectly with "postgres" runs on PostgreSQL."""
    return request.getfixturevalue(f"{getattr(request, 'param', 'sqlite')}_url")


@dataclasses.dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


@dataclasses.dataclass
class Urban:
    """Runs `urban` with the registry's address and a token, capturing what it prints."""

    capsys: pytest.CaptureFixture
    registry_target: str
    token: str

    def __call__(self, *argv: str, token: str | None = None) -> Outcome:
        """`token=""` gives no --token option at all."""
        self.capsys.readouterr()
        token = self.token if token is None else token
        connection = ["--registry", self.registry_target, *(["--token", token] if token else [])]
        code = main([*connection, *argv])
        captured = self.capsys.readouterr()
        return Outcome(code, captured.out, captured.err)


@pytest.fixture
def urban(registry, tokens, capsys) -> Urban:
    return Urban(capsys, registry.address(), tokens["admin"])


@pytest.fixture
def second_registry(tmp_path, tokens_file, tokens):
    """Another, empty registry sharing the tokens, for round trips."""
    service = Registry(settings_for(f"sqlite:///{tmp_path / 'second.db'}", tokens_file))
    service.start(serve_metrics=False)
    yield service
    service.stop()


@pytest.fixture
def second_admin(second_registry, tokens):
    with grpc.insecure_channel(second_registry.address()) as channel:
        yield Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])


@pytest.fixture
def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
