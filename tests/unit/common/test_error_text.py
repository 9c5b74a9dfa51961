import socket

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.error_text import describe_error


def unreachable_call_error() -> grpc.RpcError:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        except grpc.RpcError as error:
            return error
    raise AssertionError("nothing should listen there")


def test_a_grpc_error_is_its_status_and_details_on_one_line():
    error = unreachable_call_error()
    assert "\n" in str(error)  # what logging it with %s used to print
    text = describe_error(error)
    assert text.startswith("UNAVAILABLE: ") and "\n" not in text
    assert "_InactiveRpcError" not in text


def test_other_errors_give_their_first_line():
    assert describe_error(ValueError("bad value\nmore detail")) == "bad value"
    assert describe_error(KeyError()) == "KeyError"
