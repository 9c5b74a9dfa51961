"""Domain errors as `google.rpc.Status`: ErrorInfo, plus BadRequest and RetryInfo if relevant."""

from typing import NoReturn

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.common.errors import (
    Aborted,
    AlreadyExists,
    DeadlineExceeded,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)

DEFAULT_DOMAIN = "urban.zj.gov.cn"
# Details travel in trailing metadata, which clients cap at 8 KiB by default: every part that
# may echo a request (a huge name, say) is clipped, so a refusal always reaches the client.
_BAD_REQUEST_BUDGET_BYTES = 3072
_MESSAGE_BYTES = 300
_PART_BYTES = 200
_GENERIC_REASON = "ERROR"


class Internal(DomainError):
    """An unexpected failure; its message must not reveal internals."""


STATUS_CODES: dict[type[DomainError], grpc.StatusCode] = {
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    NotFound: grpc.StatusCode.NOT_FOUND,
    AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    Aborted: grpc.StatusCode.ABORTED,
    DeadlineExceeded: grpc.StatusCode.DEADLINE_EXCEEDED,
    FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    Unavailable: grpc.StatusCode.UNAVAILABLE,
    ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    Internal: grpc.StatusCode.INTERNAL,
}
_RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED)


def status_code_of(error: DomainError) -> grpc.StatusCode:
    for cls in type(error).__mro__:
        if cls in STATUS_CODES:
            return STATUS_CODES[cls]
    return grpc.StatusCode.UNKNOWN


def to_grpc_status(error: DomainError, domain: str = DEFAULT_DOMAIN) -> grpc.Status:
    code = status_code_of(error)
    status = status_pb2.Status(code=code.value[0], message=_clipped(str(error), _MESSAGE_BYTES))
    metadata = {
        _clipped(key, _PART_BYTES): _clipped(str(value), _PART_BYTES)
        for key, value in error.metadata.items()
    }
    if isinstance(error, InvalidArgument) and error.violations:
        bad_request, included = _bad_request(error.violations)
        if included < len(error.violations):
            metadata["violation_count"] = str(len(error.violations))
        status.details.append(_packed(bad_request))
    reason = code.name if error.reason == _GENERIC_REASON else error.reason
    status.details.insert(
        0, _packed(error_details_pb2.ErrorInfo(reason=reason, domain=domain, metadata=metadata))
    )
    if code in _RETRYABLE and getattr(error, "retry_after_seconds", 1.0) is not None:
        status.details.append(_packed(_retry_info(error)))
    return rpc_status.to_status(status)


def abort_with_error(
    context: grpc.ServicerContext, error: DomainError, domain: str = DEFAULT_DOMAIN
) -> NoReturn:
    context.abort_with_status(to_grpc_status(error, domain))
    raise AssertionError("abort_with_status returned")  # it always raises


def _bad_request(violations: list[FieldViolation]) -> tuple[error_details_pb2.BadRequest, int]:
    """As many violations as fit the budget, in order, and how many that is."""
    bad_request = error_details_pb2.BadRequest()
    for violation in violations:
        field, description = _clipped(violation.field, _PART_BYTES), _clipped(
            violation.description, _PART_BYTES
        )
        if bad_request.ByteSize() + len(field) + len(description) > _BAD_REQUEST_BUDGET_BYTES:
            break
        bad_request.field_violations.add(field=field, description=description)
    return bad_request, len(bad_request.field_violations)


def _clipped(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, marked with an ellipsis where cut."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[: max_bytes - 3].decode("utf-8", errors="ignore") + "…"


def _retry_info(error: DomainError) -> error_details_pb2.RetryInfo:
    delay = duration_pb2.Duration()
    delay.FromNanoseconds(int(getattr(error, "retry_after_seconds", 1.0) * 1e9))
    return error_details_pb2.RetryInfo(retry_delay=delay)


def _packed(message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed
