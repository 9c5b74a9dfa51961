import contextlib

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.integration.common.test_interceptors import ADMIN, asset
from urban.registry.v1 import registry_service_pb2 as api


def requests(running, method: str, code: str) -> float:
    value = running.metrics.get_sample_value(
        "urban_rpc_requests_total", {"service": "registry", "method": method, "code": code}
    )
    return value or 0.0


def call_ignoring_errors(call, *args, **kwargs) -> None:
    with contextlib.suppress(grpc.RpcError):
        call(*args, **kwargs)


def test_counts_calls_by_method_and_final_code(running, stub):
    stub.GetAsset(asset("a"), metadata=ADMIN)
    for asset_id in ("missing", "missing", "invalid", "crash", "handler-abort", "db-down"):
        call_ignoring_errors(stub.GetAsset, asset(asset_id), metadata=ADMIN)
    call_ignoring_errors(stub.GetAsset, asset("a"))

    assert requests(running, "GetAsset", "OK") == 1
    assert requests(running, "GetAsset", "NOT_FOUND") == 2
    assert requests(running, "GetAsset", "INVALID_ARGUMENT") == 1
    assert requests(running, "GetAsset", "INTERNAL") == 1
    assert requests(running, "GetAsset", "FAILED_PRECONDITION") == 1
    assert requests(running, "GetAsset", "UNAVAILABLE") == 1
    assert requests(running, "GetAsset", "UNAUTHENTICATED") == 1


def test_streams_are_counted_when_they_end(running, stub):
    call_ignoring_errors(lambda: list(stub.WatchChanges(api.WatchChangesRequest(), metadata=ADMIN)))
    assert requests(running, "WatchChanges", "NOT_FOUND") == 1


def test_records_durations(running, stub):
    stub.GetAsset(asset("slow"), metadata=ADMIN)
    labels = {"service": "registry", "method": "GetAsset"}
    assert running.metrics.get_sample_value("urban_rpc_duration_seconds_count", labels) == 1
    total = running.metrics.get_sample_value("urban_rpc_duration_seconds_sum", labels)
    assert total == pytest.approx(0.5, abs=0.25)
    fast = running.metrics.get_sample_value(
        "urban_rpc_duration_seconds_bucket", {**labels, "le": "0.001"}
    )
    assert fast == 0


def test_health_checks_are_not_counted(running, channel):
    health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert requests(running, "Check", "OK") == 0
