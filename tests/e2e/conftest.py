"""A registry and a risk service running together in this process, on free ports."""

import dataclasses
from collections.abc import Iterator

import grpc
import pytest
from prometheus_client import CollectorRegistry

from services.common.tokens import add_token
from services.registry.wiring import Registry
from services.risk.config import RiskSettings
from services.risk.wiring import Risk
from tests.integration.registry.conftest import Client, settings_for
from tests.reliability import in_process
from urban.registry.v1 import registry_service_pb2_grpc
from urban.risk.v1 import risk_service_pb2_grpc


@dataclasses.dataclass
class System:
    registry: Registry
    risk: Risk
    admin_token: str

    @property
    def registry_client(self) -> Client:
        channel = grpc.insecure_channel(self.registry.address())
        return Client(registry_service_pb2_grpc.RegistryServiceStub(channel), self.admin_token)

    @property
    def risk_client(self) -> Client:
        channel = grpc.insecure_channel(self.risk.address())
        return Client(risk_service_pb2_grpc.RiskServiceStub(channel), self.admin_token)

    def metric(self, name: str, **labels) -> float | None:
        return self.risk.metrics.get_sample_value(name, labels)

    def stop(self) -> None:
        self.risk.stop()
        self.registry.stop()


def start_system(tmp_path, registry_url, risk_url, redis_url=None, redis_prefix="unused"):
    tokens_file = str(tmp_path / "tokens.yaml")
    admin = add_token(tokens_file, "admin", ["admin"])
    risk_token = add_token(tokens_file, "risk-service", ["assets.read:*"])
    registry_settings = dataclasses.replace(
        settings_for(registry_url, tokens_file), redis_url=redis_url, redis_prefix=redis_prefix
    )
    registry = Registry(registry_settings, CollectorRegistry())
    registry.start(serve_metrics=False)
    risk = Risk(risk_settings(risk_url, tokens_file, registry, risk_token, redis_url, redis_prefix))
    risk.start(serve_metrics=False)
    return System(registry, risk, admin)


def risk_settings(url, tokens_file, registry, token, redis_url, redis_prefix) -> RiskSettings:
    """As the fault tests run it, refreshing cities often: the tests correct a population."""
    settings = in_process.risk_settings(
        url, tokens_file, registry.address(), token, redis_url, redis_prefix
    )
    return dataclasses.replace(settings, city_refresh_seconds=0.5)


def running_on_sqlite(tmp_path) -> Iterator[System]:
    """Yields the embedded default, SQLite everywhere and the risk service on WatchChanges;
    stops it afterwards."""
    system = start_system(
        tmp_path, f"sqlite:///{tmp_path / 'registry.db'}", f"sqlite:///{tmp_path / 'risk.db'}"
    )
    yield system
    system.stop()


@pytest.fixture
def watch_system(tmp_path):
    yield from running_on_sqlite(tmp_path)


@pytest.fixture
def redis_system(tmp_path, postgres_url, second_postgres_url, redis_client, redis_prefix):
    """Production's shape: PostgreSQL for both, changes through a Redis stream."""
    system = start_system(
        tmp_path, postgres_url, second_postgres_url, "redis://127.0.0.1:6379/0", redis_prefix
    )
    yield system
    system.stop()
