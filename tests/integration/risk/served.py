"""A registry holding one gas pipe and a risk service following it with its pages served."""

from collections.abc import Iterator
from contextlib import contextmanager

import grpc

from services.registry.wiring import Registry
from services.risk.wiring import Risk
from tests import builders
from tests.health import risk_is_ready
from tests.integration.registry.conftest import Client
from tests.reliability.in_process import (
    registry_settings,
    risk_settings,
    start_registry,
    start_risk,
)
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.risk.v1 import risk_service_pb2_grpc


@contextmanager
def one_pipe_served(
    tmp_path, tokens_file, tokens, asset_id: str
) -> Iterator[tuple[Registry, Risk]]:
    """Both services on SQLite, once the risk service is ready and has applied the pipe
    `asset_id` in Hangzhou; stopped afterwards."""
    registry = start_registry(registry_settings(f"sqlite:///{tmp_path / 'r.db'}", tokens_file))
    settings = risk_settings(
        f"sqlite:///{tmp_path / 'risk.db'}", tokens_file, registry.address(), tokens["risk-service"]
    )
    risk = start_risk(settings, serve_pages=True)
    try:
        with grpc.insecure_channel(registry.address()) as channel:
            admin = Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])
            admin.CreateAsset(api.CreateAssetRequest(
                parent="cities/330100", asset_id=asset_id, asset=builders.pipe("")), timeout=30)
        wait_until(lambda: risk_is_ready(risk.address()), timeout=30)
        wait_until(lambda: risk.read_model.updates.applied_revision() == 1, timeout=30)
        yield registry, risk
    finally:
        risk.stop()
        registry.stop()


def risk_answer(risk: Risk, token: str, method: str, request):
    """The risk service's answer on its gRPC port to `request`, sent to `method` with `token`."""
    with grpc.insecure_channel(risk.address()) as channel:
        call = getattr(risk_service_pb2_grpc.RiskServiceStub(channel), method)
        return call(request, metadata=[("authorization", f"Bearer {token}")], timeout=30)
