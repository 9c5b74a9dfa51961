"""grpc.RpcError values as a client receives them, with or without rich details."""

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status


class FailedCall(grpc.RpcError, grpc.Call):
    def __init__(self, code: grpc.StatusCode, details: str, trailing=()):
        self._code, self._details, self._trailing = code, details, tuple(trailing)

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailing

    def initial_metadata(self):
        return ()

    def is_active(self):
        return False

    def time_remaining(self):
        return None

    def cancel(self):
        return False

    def add_callback(self, callback):
        return False


def unreachable() -> FailedCall:
    return FailedCall(grpc.StatusCode.UNAVAILABLE, "failed to connect to all addresses")


def invalid(*violations: tuple[str, str]) -> FailedCall:
    bad_request = error_details_pb2.BadRequest(field_violations=[
        error_details_pb2.BadRequest.FieldViolation(field=field, description=description)
        for field, description in violations
    ])
    detail = any_pb2.Any()
    detail.Pack(bad_request)
    status = status_pb2.Status(code=code_pb2.INVALID_ARGUMENT, message="invalid request",
                               details=[detail])
    trailing = rpc_status.to_status(status).trailing_metadata
    return FailedCall(grpc.StatusCode.INVALID_ARGUMENT, "invalid request", trailing)


def aborted(reason: str) -> FailedCall:
    """ABORTED with an ErrorInfo of `reason`, as the registry sends it."""
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason=reason, domain="urban.zj.gov.cn"))
    status = status_pb2.Status(code=code_pb2.ABORTED, message=reason.lower(), details=[info])
    trailing = rpc_status.to_status(status).trailing_metadata
    return FailedCall(grpc.StatusCode.ABORTED, reason.lower(), trailing)
