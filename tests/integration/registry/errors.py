"""Reading the rich error details a failed call carries."""

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status


def call_error(call, request, code: grpc.StatusCode, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, **kwargs)
    assert caught.value.code() == code, caught.value.details()
    return caught.value


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo:
    return detail(error, error_details_pb2.ErrorInfo)


def violations(error: grpc.RpcError) -> dict[str, str]:
    bad_request = detail(error, error_details_pb2.BadRequest)
    return {v.field: v.description for v in bad_request.field_violations}


def detail(error: grpc.RpcError, message_type):
    """The error's detail of `message_type`; failing the test when it carries none."""
    status = rpc_status.from_call(error)
    assert status is not None, "the error carries no google.rpc.Status"
    for packed in status.details:
        if packed.Is(message_type.DESCRIPTOR):
            message = message_type()
            packed.Unpack(message)
            return message
    raise AssertionError(f"no {message_type.DESCRIPTOR.name} in {status}")
