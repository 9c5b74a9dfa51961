import threading
import time

import grpc
import pytest
from google.protobuf import message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from prometheus_client import CollectorRegistry

from services.common.auth import TokenStore
from services.common.config import Address
from services.common.errors import InvalidArgument
from services.common.grpc_server import GrpcServer
from services.common.interceptors import client_auth_metadata
from tests.integration.common import reflection_v1
from tests.integration.common.conftest import REGISTRY_SERVICE, TOKENS
from tests.integration.common.fake_registry import SLOW_CALL_SECONDS
from tests.integration.common.test_interceptors import ADMIN, asset

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def health_of(target: str, service: str = "") -> int:
    with grpc.insecure_channel(target) as channel:
        request = health_pb2.HealthCheckRequest(service=service)
        return health_pb2_grpc.HealthStub(channel).Check(request, timeout=5).status


def test_health_reports_serving_for_the_server_and_each_service(running):
    assert health_of(running.target) == SERVING
    assert health_of(running.target, REGISTRY_SERVICE) == SERVING


def test_reflection_lists_the_services_without_a_token(channel):
    services = ProtoReflectionDescriptorDatabase(channel).get_services()
    assert REGISTRY_SERVICE in services
    assert "grpc.health.v1.Health" in services


def test_reflection_v1_lists_the_services_and_resolves_them_without_a_token(channel):
    services = reflection_v1.list_services(channel)
    assert {
        REGISTRY_SERVICE,
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    } <= set(services)
    pool = reflection_v1.pool_resolving(channel, REGISTRY_SERVICE)
    update = pool.FindServiceByName(REGISTRY_SERVICE).FindMethodByName("UpdateAsset")
    mask = update.input_type.fields_by_name["update_mask"].message_type
    assert mask.full_name == "google.protobuf.FieldMask"


def test_reflection_v1_describes_itself_well_enough_to_build_a_client(channel):
    pool = reflection_v1.pool_resolving(channel, reflection_v1.V1_SERVICE)
    info = pool.FindServiceByName(reflection_v1.V1_SERVICE).FindMethodByName(
        "ServerReflectionInfo"
    )
    assert info.containing_service.file.name == "grpc/reflection/v1/reflection.proto"
    assert (info.input_type.full_name, info.output_type.full_name) == (
        "grpc.reflection.v1.ServerReflectionRequest",
        "grpc.reflection.v1.ServerReflectionResponse",
    )
    assert info.client_streaming and info.server_streaming
    request = message_factory.GetMessageClass(info.input_type)
    response = message_factory.GetMessageClass(info.output_type)
    call = channel.stream_stream(
        reflection_v1.V1_METHOD,
        request_serializer=request.SerializeToString,
        response_deserializer=response.FromString,
    )
    (answer,) = call(iter([request(file_containing_symbol="grpc.health.v1.Health")]), timeout=10)
    assert answer.file_descriptor_response.file_descriptor_proto


def test_reflection_v1_reports_an_unknown_symbol_as_not_found(channel):
    answer = reflection_v1.ask(channel, file_containing_symbol="no.such.Service")
    assert answer.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]


def test_health_is_not_serving_while_shutdown_hooks_run(running):
    seen_during_shutdown = []
    running.server.stop(1, on_shutdown=[lambda: seen_during_shutdown.append(
        (health_of(running.target), health_of(running.target, REGISTRY_SERVICE))
    )])
    assert seen_during_shutdown == [(NOT_SERVING, NOT_SERVING)]


def test_a_failing_hook_does_not_prevent_shutdown(running):
    ran = []

    def broken():
        raise RuntimeError("hook failed")

    running.server.stop(0, on_shutdown=[broken, lambda: ran.append(True)])
    assert ran == [True]


def test_shutdown_lets_an_in_flight_call_finish(running, stub):
    in_flight = stub.GetAsset.future(asset("slow"), metadata=ADMIN)
    time.sleep(SLOW_CALL_SECONDS / 5)
    started = time.monotonic()
    running.server.stop(grace_seconds=5)
    assert in_flight.result(timeout=5).name == "cities/330100/assets/slow"
    assert time.monotonic() - started < 5


def test_no_new_calls_after_shutdown(running, stub):
    running.server.stop(0)
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetAsset(asset("a"), metadata=ADMIN, timeout=2)
    assert refused.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def test_a_service_not_serving_at_start_waits_for_set_serving(tokens_path):
    server = GrpcServer("test", token_store=TokenStore(tokens_path),
                        metrics_registry=CollectorRegistry())
    server.add_service(None, _add_counting_service, "test.Counter", serving_at_start=False)
    target = f"127.0.0.1:{server.start(Address.parse('127.0.0.1:0'))}"
    try:
        assert health_of(target, "test.Counter") == NOT_SERVING
        assert health_of(target) == SERVING  # the process itself: liveness
        server.set_serving("test.Counter", True)
        assert health_of(target, "test.Counter") == SERVING
    finally:
        server.stop(0)


def test_a_port_in_use_is_an_error(running, tokens_path):
    second = GrpcServer("registry", token_store=TokenStore(tokens_path),
                        metrics_registry=CollectorRegistry())
    with pytest.raises(OSError, match=str(running.port)):
        second.start(Address("127.0.0.1", running.port))
    second.stop(0)


def test_client_streaming_methods_are_authenticated_and_mapped(tokens_path):
    metrics = CollectorRegistry()
    server = GrpcServer("test", token_store=TokenStore(tokens_path), metrics_registry=metrics)
    server.add_service(None, _add_counting_service, "test.Counter")
    port = server.start(Address.parse("127.0.0.1:0"))
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            count = channel.stream_unary("/test.Counter/Count")
            token = client_auth_metadata(TOKENS["dev-admin"][0])
            assert count(iter([b"a", b"b", b"c"]), metadata=token) == b"3"
            with pytest.raises(grpc.RpcError) as unauthenticated:
                count(iter([b"a"]))
            with pytest.raises(grpc.RpcError) as invalid:
                count(iter([b"a", b""]), metadata=token)
    finally:
        server.stop(0)
    assert unauthenticated.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    labels = {"service": "test", "method": "Count", "code": "OK"}
    assert metrics.get_sample_value("urban_rpc_requests_total", labels) == 1


def _add_counting_service(_servicer, server: grpc.Server) -> None:
    def count(messages, _context):
        total = 0
        for message in messages:
            if not message:
                raise InvalidArgument("empty message")
            total += 1
        return str(total).encode()

    handler = grpc.stream_unary_rpc_method_handler(count)
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("test.Counter", {"Count": handler}),)
    )


def test_serves_many_calls_at_once(running, stub):
    results = []

    def call():
        results.append(stub.GetAsset(asset("slow"), metadata=ADMIN).name)

    threads = [threading.Thread(target=call) for _ in range(6)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6
    assert time.monotonic() - started < SLOW_CALL_SECONDS * 3
