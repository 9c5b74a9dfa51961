import grpc
from google.rpc import error_details_pb2, status_pb2

from services.common.errors import (
    DomainError,
    FieldViolation,
    NotFound,
    ResourceExhausted,
    Unavailable,
    invalid,
)
from services.common.rich_status import status_code_of, to_grpc_status

GRPC_DETAILS_KEY = "grpc-status-details-bin"


def decoded(status: grpc.Status) -> status_pb2.Status:
    (key, value), = status.trailing_metadata
    assert key == GRPC_DETAILS_KEY
    return status_pb2.Status.FromString(value)


def unpack(status: status_pb2.Status, message_type):
    found = [d for d in status.details if d.Is(message_type.DESCRIPTOR)]
    if not found:
        return None
    message = message_type()
    found[0].Unpack(message)
    return message


def test_error_info_carries_reason_domain_and_metadata():
    error = NotFound("asset x not found", reason="ASSET_NOT_FOUND", metadata={"name": "x"})
    status = to_grpc_status(error, "example.org")
    assert status.code == grpc.StatusCode.NOT_FOUND
    assert status.details == "asset x not found"
    info = unpack(decoded(status), error_details_pb2.ErrorInfo)
    assert (info.reason, info.domain, dict(info.metadata)) == (
        "ASSET_NOT_FOUND", "example.org", {"name": "x"}
    )


def test_generic_reason_becomes_the_code_name():
    info = unpack(decoded(to_grpc_status(NotFound("gone"))), error_details_pb2.ErrorInfo)
    assert info.reason == "NOT_FOUND"


def test_violations_become_bad_request_details():
    error = invalid([FieldViolation("assets[17].pipe_segment.length_m", "must be positive")])
    bad_request = unpack(decoded(to_grpc_status(error)), error_details_pb2.BadRequest)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("assets[17].pipe_segment.length_m", "must be positive")
    ]


def test_many_violations_are_cut_to_fit_trailing_metadata():
    error = invalid([FieldViolation(f"assets[{i}].name", "is required") for i in range(5000)])
    status = decoded(to_grpc_status(error))
    assert status.ByteSize() < 6000
    bad_request = unpack(status, error_details_pb2.BadRequest)
    assert 10 < len(bad_request.field_violations) < 5000
    assert bad_request.field_violations[0].field == "assets[0].name"
    info = unpack(status, error_details_pb2.ErrorInfo)
    assert info.metadata["violation_count"] == "5000"


def test_retryable_errors_carry_retry_info():
    throttled = decoded(to_grpc_status(ResourceExhausted("slow down", retry_after_seconds=2.5)))
    retry = unpack(throttled, error_details_pb2.RetryInfo)
    assert retry.retry_delay.ToMilliseconds() == 2500
    assert unpack(decoded(to_grpc_status(Unavailable("db down"))), error_details_pb2.RetryInfo)
    assert unpack(decoded(to_grpc_status(NotFound("x"))), error_details_pb2.RetryInfo) is None


def test_subclasses_map_like_their_parents():
    class AssetNotFound(NotFound):
        pass

    assert status_code_of(AssetNotFound("x")) == grpc.StatusCode.NOT_FOUND
    assert status_code_of(DomainError("x")) == grpc.StatusCode.UNKNOWN
