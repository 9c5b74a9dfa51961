"""Wrapping the behaviour of a grpc.RpcMethodHandler, whatever its streaming kind."""

from collections.abc import Callable

import grpc

Behavior = Callable[..., object]
BehaviorWrapper = Callable[[Behavior], Behavior]

_INFRASTRUCTURE_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")

_FACTORIES = {
    (False, False): (grpc.unary_unary_rpc_method_handler, "unary_unary"),
    (False, True): (grpc.unary_stream_rpc_method_handler, "unary_stream"),
    (True, False): (grpc.stream_unary_rpc_method_handler, "stream_unary"),
    (True, True): (grpc.stream_stream_rpc_method_handler, "stream_stream"),
}


def is_infrastructure_method(method: str) -> bool:
    """Health checks and reflection: open to everyone, and left as the libraries built them."""
    return method.startswith(_INFRASTRUCTURE_PREFIXES)


def short_method_name(method: str) -> str:
    """`GetAsset` for `/urban.registry.v1.RegistryService/GetAsset`."""
    return method.rpartition("/")[2]


Deserializer = Callable[[bytes], object]


def _unchanged(deserializer: Deserializer | None) -> Deserializer | None:
    return deserializer


def rewrap(
    handler: grpc.RpcMethodHandler | None,
    wrap_unary_response: BehaviorWrapper,
    wrap_stream_response: BehaviorWrapper,
    wrap_deserializer: Callable[[Deserializer | None], Deserializer | None] = _unchanged,
) -> grpc.RpcMethodHandler | None:
    """A handler like `handler` whose behaviour is wrapped by the wrapper for its response kind
    (and its request deserializer by `wrap_deserializer`)."""
    if handler is None:
        return None
    factory, attribute = _FACTORIES[(handler.request_streaming, handler.response_streaming)]
    wrap = wrap_stream_response if handler.response_streaming else wrap_unary_response
    return factory(
        wrap(getattr(handler, attribute)),
        request_deserializer=wrap_deserializer(handler.request_deserializer),
        response_serializer=handler.response_serializer,
    )


class ApplicationInterceptor(grpc.ServerInterceptor):
    """Wraps every method except health checks and reflection.

    A method's wrapped handler is kept and given again to every call whose inner handler is
    the same object (a service's own handlers are, and so are kept wrappings of them), so
    most calls cost no new wrapping; a handler made for one call is wrapped for that call."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or is_infrastructure_method(method) or not self.applies_to(handler):
            return handler
        return self.wrapped(handler, method)

    def applies_to(self, handler: grpc.RpcMethodHandler) -> bool:
        """Whether calls of this handler are wrapped (all are, unless a subclass says)."""
        return True

    def wrapped(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        kept = self._kept.get(method)
        if kept is not None and kept[0] is handler:
            return kept[1]
        wrapped = rewrap(
            handler,
            lambda b: self.unary(b, method),
            lambda b: self.stream(b, method),
            self.request_deserializer,
        )
        self._kept[method] = (handler, wrapped)
        return wrapped

    def request_deserializer(self, deserializer: Deserializer | None) -> Deserializer | None:
        return deserializer

    def unary(self, behavior: Behavior, method: str) -> Behavior:
        raise NotImplementedError

    def stream(self, behavior: Behavior, method: str) -> Behavior:
        raise NotImplementedError
