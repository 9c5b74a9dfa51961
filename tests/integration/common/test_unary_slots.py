"""A process runs at most URBAN_UNARY_WORKERS unary calls at once; the rest wait their turn."""

import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.server_limits import ServerLimits
from tests.integration.common.conftest import serving_fake_registry
from tests.integration.common.fake_registry import SLOW_CALL_SECONDS
from tests.integration.common.test_interceptors import ADMIN, asset
from tests.integration.common.test_rpc_metrics import requests
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc


@pytest.fixture
def two_slots(tokens_path):
    with serving_fake_registry(tokens_path, ServerLimits(unary_workers=2)) as server:
        yield server


@pytest.fixture
def one_slot(tokens_path):
    with serving_fake_registry(tokens_path, ServerLimits(unary_workers=1)) as server:
        yield server


@pytest.fixture
def stub_of():
    """A stub on a channel of its own to a server, closed after the test."""
    channels = []

    def stub(server) -> registry_service_pb2_grpc.RegistryServiceStub:
        channels.append(grpc.insecure_channel(server.target))
        return registry_service_pb2_grpc.RegistryServiceStub(channels[-1])

    yield stub
    for channel in channels:
        channel.close()


def slow_calls(stub, count: int) -> list[grpc.Future]:
    return [stub.GetAsset.future(asset("slow"), metadata=ADMIN, timeout=10) for _ in range(count)]


def test_calls_beyond_the_slots_wait_for_a_turn_and_are_all_answered(two_slots, stub_of):
    stub = stub_of(two_slots)
    started = time.monotonic()
    calls = slow_calls(stub, 4)
    names = [call.result(timeout=10).name for call in calls]
    assert names == ["cities/330100/assets/slow"] * 4
    assert time.monotonic() - started >= 2 * SLOW_CALL_SECONDS  # two at a time, in two turns


def test_health_checks_and_streams_never_wait_for_a_slot(two_slots, stub_of):
    stub = stub_of(two_slots)
    calls = slow_calls(stub, 4)
    time.sleep(SLOW_CALL_SECONDS / 5)
    started = time.monotonic()
    with grpc.insecure_channel(two_slots.target) as channel:
        request = health_pb2.HealthCheckRequest(service="")
        health = health_pb2_grpc.HealthStub(channel).Check(request, timeout=5)
    changes = stub.WatchChanges(api.WatchChangesRequest(start_revision=1), metadata=ADMIN)
    first = next(iter(changes))
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    assert first.revision == 1
    assert time.monotonic() - started < SLOW_CALL_SECONDS / 2
    for call in calls:
        call.result(timeout=10)


def test_a_call_whose_deadline_passes_while_it_waits_is_refused_and_frees_its_place(
    one_slot, stub_of
):
    stub = stub_of(one_slot)
    running = slow_calls(stub, 1)[0]
    time.sleep(SLOW_CALL_SECONDS / 5)
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetAsset(asset("a"), metadata=ADMIN, timeout=SLOW_CALL_SECONDS / 5)
    assert refused.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    running.result(timeout=10)
    assert stub.GetAsset(asset("a"), metadata=ADMIN, timeout=5).name.endswith("/a")
    # the server records the refusal when its own wait runs out, at the deadline it was given
    wait_until(lambda: requests(one_slot, "GetAsset", "DEADLINE_EXCEEDED") == 1, timeout=5)
    assert requests(one_slot, "GetAsset", "OK") == 2
