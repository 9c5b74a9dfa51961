"""Server interceptors: RPC metrics (outermost), authentication, rate limits, then domain errors
to statuses.

Health checks and reflection pass through all of them untouched.
"""

import logging
from collections.abc import Iterator

import grpc

from services.common.auth import Principal, TokenStore, use_principal
from services.common.errors import (
    DomainError,
    FieldViolation,
    Unauthenticated,
    Unavailable,
    invalid,
)
from services.common.method_handlers import ApplicationInterceptor, Deserializer
from services.common.rate_limit import RateLimitInterceptor
from services.common.rich_status import DEFAULT_DOMAIN, Internal, abort_with_error
from services.common.rpc_metrics import MetricsInterceptor

__all__ = [
    "AuthInterceptor",
    "ErrorInterceptor",
    "MetricsInterceptor",
    "RateLimitInterceptor",
    "client_auth_metadata",
]
_LOG = logging.getLogger(__name__)


def client_auth_metadata(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def bearer_token(metadata) -> str:
    """The token of an `authorization: Bearer <token>` entry, or "" when there is none."""
    for key, value in metadata or ():
        scheme, _, token = str(value).partition(" ")
        if key.lower() == "authorization" and scheme.lower() == "bearer":
            return token.strip()
    return ""


class AuthInterceptor(ApplicationInterceptor):
    """Requires `authorization: Bearer <token>`; the caller is then `current_principal()`."""

    def __init__(self, token_store: TokenStore, domain: str = DEFAULT_DOMAIN) -> None:
        self._tokens = token_store
        self._domain = domain

    def unary(self, behavior, method):
        def authenticated(request, context):
            with use_principal(self._authenticate(context, method)):
                return behavior(request, context)

        return authenticated

    def stream(self, behavior, method):
        def authenticated(request, context):
            principal = self._authenticate(context, method)
            with use_principal(principal):
                responses = iter(behavior(request, context))
            yield from _each_step_as(principal, responses)

        return authenticated

    def _authenticate(self, context: grpc.ServicerContext, method: str) -> Principal:
        try:
            return self._tokens.authenticate(bearer_token(context.invocation_metadata()))
        except Unauthenticated as error:
            _LOG.info("rejected %s from %s: %s", method, context.peer(), error.reason)
            abort_with_error(context, error, self._domain)


def _each_step_as(principal: Principal, responses: Iterator) -> Iterator:
    """Sets the principal around each step only, so nothing leaks between steps."""
    while True:
        with use_principal(principal):
            try:
                response = next(responses)
            except StopIteration:
                return
        yield response


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


def _reject_if_malformed(request) -> None:
    if isinstance(request, MalformedRequest):
        raise invalid([FieldViolation("", "the request is not a valid protobuf message")])


class ErrorInterceptor(ApplicationInterceptor):
    """Turns exceptions into statuses; `unavailable_errors` (e.g. a driver's) become UNAVAILABLE."""

    def __init__(
        self,
        domain: str = DEFAULT_DOMAIN,
        unavailable_errors: tuple[type[BaseException], ...] = (),
    ) -> None:
        self._domain = domain
        self._unavailable_errors = unavailable_errors

    def request_deserializer(self, deserializer: Deserializer | None) -> Deserializer | None:
        return _tolerant(deserializer) if deserializer else deserializer

    def unary(self, behavior, method):
        def translated(request, context):
            try:
                _reject_if_malformed(request)
                return behavior(request, context)
            except Exception as error:
                self._abort(context, method, error)

        return translated

    def stream(self, behavior, method):
        def translated(request, context):
            try:
                _reject_if_malformed(request)
                yield from behavior(request, context)
            except Exception as error:
                self._abort(context, method, error)

        return translated

    def _abort(self, context: grpc.ServicerContext, method: str, error: Exception) -> None:
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
