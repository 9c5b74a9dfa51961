"""A receive limit for each method: a request larger than its method's limit is refused with
RESOURCE_EXHAUSTED before it is decoded. The port's own limit is the largest of them."""

from collections.abc import Iterable, Iterator, Mapping

from services.common.errors import ResourceExhausted
from services.common.method_handlers import (
    ApplicationInterceptor,
    Deserializer,
    is_infrastructure_method,
    short_method_name,
)
from services.common.rich_status import DEFAULT_DOMAIN, abort_with_error

KIB = 1024
MIB = 1024 * KIB
SMALL_REQUEST_BYTES = 128 * KIB  # every method not named otherwise


class ReceiveLimits:
    def __init__(self, by_method: Mapping[str, int], default: int = SMALL_REQUEST_BYTES):
        """`by_method`: short method names (`BatchUpsertAssets`) to their limits in bytes."""
        self._by_method = dict(by_method)
        self._default = default

    def of(self, method: str) -> int:
        return self._by_method.get(short_method_name(method), self._default)

    def largest(self) -> int:
        return max([self._default, *self._by_method.values()])


class OversizedRequest:
    """Stands in for a request larger than its method allows; its bytes are not decoded."""

    def __init__(self, size: int, limit: int) -> None:
        self.error = ResourceExhausted(
            f"the request has {size} bytes; this method accepts at most {limit}",
            reason="MESSAGE_TOO_LARGE",
            metadata={"max_bytes": str(limit)},
            retry_after_seconds=None,
        )


def _bounded(deserializer: Deserializer, limit: int) -> Deserializer:
    def deserialize(data: bytes):
        if len(data) > limit:
            return OversizedRequest(len(data), limit)
        return deserializer(data)

    return deserialize


def _refuse_oversized(requests: Iterable) -> Iterator:
    for request in requests:
        if isinstance(request, OversizedRequest):
            raise request.error
        yield request


class MessageSizeInterceptor(ApplicationInterceptor):
    def __init__(self, limits: ReceiveLimits, domain: str = DEFAULT_DOMAIN) -> None:
        super().__init__()
        self._limits = limits
        self._domain = domain
        self._by_method: dict[tuple[str, bool], _MethodSizeInterceptor] = {}

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        handler = continuation(handler_call_details)
        if handler is None or is_infrastructure_method(method):
            return handler
        return self._bound(method, handler.request_streaming).wrapped(handler, method)

    def bounded_deserializer(self, method: str, deserializer: Deserializer | None):
        """`deserializer` behind `method`'s limit, for a unary request."""
        return self._bound(method, False).request_deserializer(deserializer)

    def abort_oversized(self, context, request: OversizedRequest) -> None:
        abort_with_error(context, request.error, self._domain)

    def _bound(self, method: str, request_streaming: bool) -> "_MethodSizeInterceptor":
        """The interceptor of one method (kept, with the handlers it wrapped)."""
        bound = self._by_method.get((method, request_streaming))
        if bound is None:
            bound = _MethodSizeInterceptor(self._limits.of(method), request_streaming, self._domain)
            self._by_method[(method, request_streaming)] = bound
        return bound


class _MethodSizeInterceptor(ApplicationInterceptor):
    def __init__(self, limit: int, request_streaming: bool, domain: str) -> None:
        super().__init__()
        self._limit = limit
        self._request_streaming = request_streaming
        self._domain = domain

    def request_deserializer(self, deserializer: Deserializer | None) -> Deserializer | None:
        return _bounded(deserializer, self._limit) if deserializer else deserializer

    def unary(self, behavior, method):
        def bounded(request, context):
            return behavior(self._checked(request, context), context)

        return bounded

    def stream(self, behavior, method):
        def bounded(request, context):
            yield from behavior(self._checked(request, context), context)

        return bounded

    def _checked(self, request, context):
        if self._request_streaming:
            return _refuse_oversized(request)
        if isinstance(request, OversizedRequest):
            abort_with_error(context, request.error, self._domain)
        return request
