"""Errors as one readable line for logs and messages: a gRPC error as its status and details,
never the multi-line repr of the call."""

import grpc


def describe_error(error: BaseException) -> str:
    """`UNAVAILABLE: failed to connect to all addresses`, or the first line of any other error."""
    if isinstance(error, grpc.RpcError) and callable(getattr(error, "code", None)):
        code = error.code()
        details = _first_line(error.details() or "") if callable(
            getattr(error, "details", None)) else ""
        name = code.name if code is not None else "UNKNOWN"
        return f"{name}: {details}" if details else name
    return _first_line(str(error)) or type(error).__name__


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0].strip() if lines else ""
