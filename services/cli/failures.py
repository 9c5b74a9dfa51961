"""What can go wrong, as the lines `urban` prints and the exit code it returns."""

import re

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_PERMISSION_DENIED = re.compile(r"permission denied: '(?P<name>.*)' needs scope (?P<scope>\S+)")


class CliError(Exception):
    """A failure to report without a traceback: one line, or several for a list of problems."""

    exit_code = EXIT_FAILED

    def __init__(self, *lines: str):
        super().__init__(lines[0] if lines else "failed")
        self.lines = lines

    def extended(self, *more: str) -> "CliError":
        """The same failure, with more lines to say."""
        extended = CliError(*self.lines, *more)
        extended.exit_code = self.exit_code
        return extended


class UsageError(CliError):
    """The command line itself is wrong: an option, a missing file or token."""

    exit_code = EXIT_USAGE


class RpcFailure(CliError):
    """A call to one of the services failed."""

    def __init__(self, error: grpc.RpcError, service: str, target: str):
        super().__init__(*describe_rpc_error(error, service, target))
        self.error = error


def describe_rpc_error(error: grpc.RpcError, service: str, target: str) -> list[str]:
    code, details = error.code(), error.details() or ""
    status = rpc_status.from_call(error) if isinstance(error, grpc.Call) else None
    if code == grpc.StatusCode.UNAVAILABLE and status is None:
        return [f"the {service} at {target} is unreachable"]
    if code == grpc.StatusCode.DEADLINE_EXCEEDED and status is None:
        return [f"the {service} at {target} did not answer in time (see --timeout)"]
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return [_permission_denied(details)]
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return [f"the {service} rejected the token: {details}; pass --token or set URBAN_TOKEN"]
    violations = field_violations(error)
    if violations:
        return ["invalid request:", *(f"  {field}: {reason}" for field, reason in violations)]
    return [details or code.name.lower().replace("_", " ")]


def worth_retrying(error: grpc.RpcError) -> bool:
    """A failure that may pass on a second try: the registry out of reach or busy for a moment,
    or a write that lost races with other writers (CONTENTION). A stale etag (ETAG_MISMATCH)
    stays stale however often the same request is sent."""
    code = error.code()
    if code == grpc.StatusCode.ABORTED:
        return error_reason(error) == "CONTENTION"
    return code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED)


def error_reason(error: grpc.RpcError) -> str:
    """The reason of the ErrorInfo the error carries; empty if it carries none."""
    status = rpc_status.from_call(error) if isinstance(error, grpc.Call) else None
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return ""


def field_violations(error: grpc.RpcError) -> list[tuple[str, str]]:
    """(field, description) of the BadRequest an INVALID_ARGUMENT error carries, if any."""
    if not isinstance(error, grpc.Call) or error.code() != grpc.StatusCode.INVALID_ARGUMENT:
        return []
    status = rpc_status.from_call(error)
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            return [(v.field, v.description) for v in bad_request.field_violations]
    return []


def _permission_denied(details: str) -> str:
    match = _PERMISSION_DENIED.search(details)
    if match is None:
        return details
    return f"permission denied: token {match['name']!r} needs scope {match['scope']}"
