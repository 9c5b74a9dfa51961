"""The risk service reads its registry's head: metrics show how far behind it is, and a feed
behind without progress takes RiskService out of service (the process itself stays SERVING)."""

import dataclasses

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.builders import pipe
from tests.integration.registry.conftest import tokens, tokens_file  # noqa: F401 - fixtures
from tests.integration.registry.in_process import batch_upsert
from tests.reliability.in_process import (
    registry_settings,
    risk_settings,
    start_registry,
    start_risk,
)
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@pytest.fixture
def services(tmp_path, tokens_file, tokens):  # noqa: F811 - the fixtures imported above
    registry = start_registry(registry_settings(f"sqlite:///{tmp_path / 'r.db'}", tokens_file))
    settings = risk_settings(
        f"sqlite:///{tmp_path / 'risk.db'}", tokens_file, registry.address(),
        tokens["risk-service"],
    )
    risk = start_risk(
        dataclasses.replace(settings, head_check_seconds=0.2, feed_stuck_seconds=1.5)
    )
    yield registry, risk
    risk.stop()
    registry.stop()


def write(registry, prefix: str, count: int) -> None:
    names = [f"cities/330100/assets/{prefix}-{i}" for i in range(count)]
    request = api.BatchUpsertAssetsRequest(parent="cities/-", assets=[pipe(n) for n in names])
    batch_upsert(registry, request)


def health(risk, service: str) -> int:
    with grpc.insecure_channel(risk.address()) as channel:
        request = health_pb2.HealthCheckRequest(service=service)
        return health_pb2_grpc.HealthStub(channel).Check(request, timeout=5).status


def metric(risk, name: str) -> float | None:
    return risk.metrics.get_sample_value(name)


def test_a_feed_that_stops_is_reported_behind_then_stuck(services):
    registry, risk = services
    write(registry, "p", 5)
    wait_until(lambda: metric(risk, "urban_risk_registry_head_revision") == 5)
    wait_until(lambda: metric(risk, "urban_risk_feed_behind_revisions") == 0)
    assert metric(risk, "urban_risk_feed_following_registry") == 1
    assert metric(risk, "urban_risk_feed_stuck") == 0
    wait_until(lambda: health(risk, "urban.risk.v1.RiskService") == SERVING)  # ready

    risk.following.stop(timeout_seconds=10)  # nothing fails: the feed just no longer moves
    write(registry, "q", 7)

    wait_until(lambda: health(risk, "urban.risk.v1.RiskService") == NOT_SERVING, timeout=30)
    assert health(risk, "") == SERVING
    assert metric(risk, "urban_risk_feed_stuck") == 1
    assert metric(risk, "urban_risk_feed_behind_revisions") == 7
    assert metric(risk, "urban_risk_feed_stalled_seconds") >= 1.5
    assert metric(risk, "urban_risk_registry_head_revision") == 12
