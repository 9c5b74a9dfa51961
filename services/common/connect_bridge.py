"""A gRPC service's RPCs over the Connect protocol and gRPC-Web (served by connectrpc).

connectrpc speaks the protocols; every call then runs the very handler the gRPC port runs,
behind the same interceptors (metrics, tokens, size limits, stream caps, rate limits, errors),
with an `HttpCallContext` standing in for grpc's context. So rights, validation and errors live
in one place whatever the transport, and a refusal carries the same `google.rpc.Status` details.
"""

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

import grpc
from connectrpc.code import Code
from connectrpc.errors import ConnectError
from google.rpc import status_pb2
from protobuf.wkt import Any as WireAny

from services.common.errors import DomainError
from services.common.rich_status import DEFAULT_DOMAIN, Internal, to_grpc_status

STATUS_DETAILS_KEY = "grpc-status-details-bin"
GRPC_ONLY_METHODS = frozenset({"ImportAssets"})  # bidirectional: no HTTP/1.1 protocol carries it


class CallAborted(Exception):
    """Raised by `HttpCallContext.abort`, as grpc's own context raises on abort."""


class _CallDetails(NamedTuple):
    method: str
    invocation_metadata: tuple[tuple[str, str], ...]


class HttpCallContext:
    """What the handlers and interceptors ask of a call (grpc.ServicerContext's subset they use),
    answered from an HTTP request: its headers as metadata, its timeout, its client."""

    def __init__(
        self,
        metadata: Sequence[tuple[str, str]],
        timeout_seconds: float | None,
        peer: str,
        disconnected: Callable[[], bool] = lambda: False,
    ) -> None:
        self._metadata = tuple(metadata)
        self._deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
        self._peer = peer
        self._disconnected = disconnected
        self._ended = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._code: grpc.StatusCode | None = None
        self._details = ""
        self._trailing_metadata: tuple = ()

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        return self._metadata

    def peer(self) -> str:
        return self._peer

    def time_remaining(self) -> float | None:
        return None if self._deadline is None else max(0.0, self._deadline - time.monotonic())

    def is_active(self) -> bool:
        """False once the call ended, its client went away or its deadline passed."""
        return not (self._ended.is_set() or self._disconnected() or self.time_remaining() == 0)

    def add_callback(self, callback: Callable[[], None]) -> bool:
        self._callbacks.append(callback)
        return True

    def abort(self, code: grpc.StatusCode, details: str):
        self.set_code(code)
        self.set_details(details)
        raise CallAborted(details)

    def abort_with_status(self, status: grpc.Status):
        self.set_trailing_metadata(status.trailing_metadata)
        self.abort(status.code, status.details)

    def set_code(self, code: grpc.StatusCode) -> None:
        self._code = code

    def code(self) -> grpc.StatusCode | None:
        return self._code

    def set_details(self, details: str) -> None:
        self._details = details

    def details(self) -> str:
        return self._details

    def set_trailing_metadata(self, metadata) -> None:
        self._trailing_metadata = tuple(metadata or ())

    def trailing_metadata(self) -> tuple:
        return self._trailing_metadata

    def end(self) -> None:
        """The call is over: its callbacks run once, and it is no longer active."""
        if self._ended.is_set():
            return
        self._ended.set()
        for callback in self._callbacks:
            callback()

    def connect_error(self) -> ConnectError:
        """The status the call ended with, as Connect's error with the same details."""
        code = self._code or grpc.StatusCode.UNKNOWN
        details = dict(self._trailing_metadata).get(STATUS_DETAILS_KEY)
        status = status_pb2.Status.FromString(details) if details else status_pb2.Status()
        return ConnectError(
            _connect_code(code),
            self._details or status.message,
            [WireAny(type_url=any_.type_url, value=any_.value) for any_ in status.details],
        )


def connect_error_of(error: DomainError, domain: str = DEFAULT_DOMAIN) -> ConnectError:
    """A domain error as a Connect error, with the details the gRPC port would send."""
    status = to_grpc_status(error, domain)
    context = HttpCallContext((), None, "")
    context.set_trailing_metadata(status.trailing_metadata)
    context.set_code(status.code)
    context.set_details(status.details)
    return context.connect_error()


def _connect_code(code: grpc.StatusCode) -> Code:
    if code is grpc.StatusCode.CANCELLED:
        return Code.CANCELED
    try:
        return Code(code.name.lower())
    except ValueError:
        return Code.UNKNOWN


class InterceptedHandlers:
    """The handlers of a server's services, each behind the server's interceptors, as the gRPC
    server itself composes them: the first interceptor outermost."""

    def __init__(self, interceptors: Sequence[grpc.ServerInterceptor]) -> None:
        self._interceptors = tuple(interceptors)
        self._generic: list[grpc.GenericRpcHandler] = []

    # The two calls a generated `add_XServicer_to_server` makes on a server.
    def add_generic_rpc_handlers(self, handlers) -> None:
        self._generic.extend(handlers)

    def add_registered_method_handlers(self, service_name: str, method_handlers) -> None:
        self._generic.append(grpc.method_handlers_generic_handler(service_name, method_handlers))

    def handler(self, details: _CallDetails) -> grpc.RpcMethodHandler | None:
        return self._continue_at(0, details)

    def service_handler(self, method: str) -> grpc.RpcMethodHandler | None:
        """The service's own handler of `method`, behind no interceptor."""
        return self._service_handler(_CallDetails(method, ()))

    def _continue_at(self, index: int, details: _CallDetails):
        if index == len(self._interceptors):
            return self._service_handler(details)
        return self._interceptors[index].intercept_service(
            lambda next_details: self._continue_at(index + 1, next_details), details
        )

    def _service_handler(self, details: _CallDetails) -> grpc.RpcMethodHandler | None:
        for generic in self._generic:
            handler = generic.service(details)
            if handler is not None:
                return handler
        return None


class ConnectService:
    """Implements a connectrpc-generated `XServiceSync` protocol: each of its methods runs the
    gRPC method of the same name through `handlers`.

    `disconnected`, when given, tells whether the current HTTP request's client has gone."""

    def __init__(
        self,
        handlers: InterceptedHandlers,
        disconnected: Callable[[], Callable[[], bool]] = lambda: lambda: False,
    ) -> None:
        self._handlers = handlers
        self._disconnected = disconnected

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.call

    def call(self, request, ctx):
        method = f"/{ctx.method.service_name}/{ctx.method.name}"
        if ctx.method.name in GRPC_ONLY_METHODS:
            raise ConnectError(Code.UNIMPLEMENTED, f"{ctx.method.name} is served over gRPC only")
        context = HttpCallContext(
            _metadata(ctx.request_headers),
            None if ctx.timeout_ms is None else max(ctx.timeout_ms, 0) / 1000.0,
            f"ipv4:{ctx.client_address}" if ctx.client_address else "",
            self._disconnected(),
        )
        handler = self._handlers.handler(_CallDetails(method, context.invocation_metadata()))
        if handler is None:
            raise ConnectError(Code.UNIMPLEMENTED, f"{method} is not served here")
        if handler.response_streaming and ctx.method.stream_type.name == "SERVER_STREAM":
            return _streamed(handler, request, context)
        return _answered(handler, request, context)


def _metadata(headers) -> tuple[tuple[str, str], ...]:
    return tuple((key.lower(), value) for key, value in headers.allitems())


def _behavior(handler: grpc.RpcMethodHandler, request, context: HttpCallContext):
    """Starts the handler as grpc would: the request decoded by its own deserializer (which
    the interceptors use to check sizes and shapes), streamed when it expects a stream."""
    deserialize = handler.request_deserializer
    decoded = deserialize(request.SerializeToString()) if deserialize else request
    argument = iter([decoded]) if handler.request_streaming else decoded
    for attribute in ("unary_unary", "unary_stream", "stream_unary", "stream_stream"):
        behavior = getattr(handler, attribute)
        if behavior is not None:
            return behavior(argument, context)
    raise ConnectError(Code.UNIMPLEMENTED, "no behaviour for this method")


def _answered(handler: grpc.RpcMethodHandler, request, context: HttpCallContext):
    with _connect_errors(context):
        response = _behavior(handler, request, context)
        if handler.response_streaming:  # a refusal answers a unary call as a stream
            response = next(iter(response), None)
        if response is None:
            raise _failure(context)
        return response


def _streamed(handler: grpc.RpcMethodHandler, request, context: HttpCallContext) -> Iterator:
    with _connect_errors(context):
        yield from _behavior(handler, request, context)
    if context.time_remaining() == 0:  # it ended because its time was up, as on gRPC
        raise ConnectError(Code.DEADLINE_EXCEEDED, "the call's timeout passed")


@contextmanager
def _connect_errors(context: HttpCallContext) -> Iterator[None]:
    """Whatever ends the call as a ConnectError carrying the gRPC status it set; the call ends."""
    try:
        yield
    except CallAborted:
        raise context.connect_error() from None
    except ConnectError:
        raise
    except Exception as error:
        raise _failure(context) from error
    finally:
        context.end()


def _failure(context: HttpCallContext) -> ConnectError:
    if context.code() not in (None, grpc.StatusCode.OK):
        return context.connect_error()
    return connect_error_of(Internal("internal error", reason="INTERNAL"))
