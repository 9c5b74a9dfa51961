"""Server interceptors: RPC metrics (outermost), authentication (from metadata, before the
request is read), each method's request size, stream caps, rate limits, then domain errors to
statuses.

Health checks and reflection pass through all of them untouched. A unary call of an
application method runs the same checks through these objects in one wrapping (unary_calls.py).
"""

import logging

import grpc

from services.common.auth_interceptor import AuthInterceptor, bearer_token
from services.common.errors import DomainError, FieldViolation, Unavailable, invalid
from services.common.method_handlers import ApplicationInterceptor, Deserializer
from services.common.rate_limit import RateLimitInterceptor
from services.common.rich_status import DEFAULT_DOMAIN, Internal, abort_with_error
from services.common.rpc_metrics import MetricsInterceptor

__all__ = [
    "AuthInterceptor",
    "ErrorInterceptor",
    "MetricsInterceptor",
    "RateLimitInterceptor",
    "bearer_token",
    "client_auth_metadata",
]
_LOG = logging.getLogger(__name__)


def client_auth_metadata(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


class MalformedRequest:
    """Stands in for a request whose bytes are not the method's message."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _tolerant(deserializer: Deserializer) -> Deserializer:
    def deserialize(data: bytes):
        try:
            return deserializer(data)
        except Exception as error:  # grpc would answer INTERNAL; the caller sent bad bytes
            return MalformedRequest(error)

    return deserialize


def reject_if_malformed(request) -> None:
    if isinstance(request, MalformedRequest):
        raise invalid([FieldViolation("", "the request is not a valid protobuf message")])


class ErrorInterceptor(ApplicationInterceptor):
    """Turns exceptions into statuses; `unavailable_errors` (e.g. a driver's) become UNAVAILABLE."""

    def __init__(
        self,
        domain: str = DEFAULT_DOMAIN,
        unavailable_errors: tuple[type[BaseException], ...] = (),
    ) -> None:
        super().__init__()
        self._domain = domain
        self._unavailable_errors = unavailable_errors

    def request_deserializer(self, deserializer: Deserializer | None) -> Deserializer | None:
        return _tolerant(deserializer) if deserializer else deserializer

    def unary(self, behavior, method):
        def translated(request, context):
            try:
                reject_if_malformed(request)
                return behavior(request, context)
            except Exception as error:
                self.abort(context, method, error)

        return translated

    def stream(self, behavior, method):
        def translated(request, context):
            try:
                reject_if_malformed(request)
                yield from behavior(request, context)
            except Exception as error:
                self.abort(context, method, error)

        return translated

    def abort(self, context: grpc.ServicerContext, method: str, error: Exception) -> None:
        already_aborted = context.code() not in (None, grpc.StatusCode.OK)
        if already_aborted and not isinstance(error, DomainError):
            raise error  # the handler chose its status itself, e.g. with context.abort
        abort_with_error(context, self._domain_error(method, error), self._domain)

    def _domain_error(self, method: str, error: Exception) -> DomainError:
        if isinstance(error, DomainError):
            return error
        if isinstance(error, self._unavailable_errors):
            _LOG.warning("%s: a dependency is unavailable", method, exc_info=error)
            return Unavailable(
                "a dependency is temporarily unavailable; retry later",
                reason="DEPENDENCY_UNAVAILABLE",
            )
        _LOG.error("%s failed", method, exc_info=error)
        return Internal("internal error", reason="INTERNAL")
