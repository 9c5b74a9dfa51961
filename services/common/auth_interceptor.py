"""Authentication of every call, from its metadata, before its request is read; on streams the
token is checked again on every message the client sends and periodically while the stream
stays open, so a revoked or expired token's streams end with UNAUTHENTICATED.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator

import grpc

from services.common.auth import Principal, TokenStore, use_principal
from services.common.errors import Unauthenticated
from services.common.method_handlers import is_infrastructure_method
from services.common.rich_status import DEFAULT_DOMAIN, abort_with_error

_LOG = logging.getLogger(__name__)

_FACTORIES = {
    (False, False): (grpc.unary_unary_rpc_method_handler, "unary_unary"),
    (False, True): (grpc.unary_stream_rpc_method_handler, "unary_stream"),
    (True, False): (grpc.stream_unary_rpc_method_handler, "stream_unary"),
    (True, True): (grpc.stream_stream_rpc_method_handler, "stream_stream"),
}


def bearer_token(metadata) -> str:
    """The token of an `authorization: Bearer <token>` entry, or "" when there is none."""
    for key, value in metadata or ():
        scheme, _, token = str(value).partition(" ")
        if key.lower() == "authorization" and scheme.lower() == "bearer":
            return token.strip()
    return ""


class Credential:
    """A call's token and who it was when the call began; `check` asks the tokens file again."""

    def __init__(
        self,
        tokens: TokenStore,
        token: str,
        principal: Principal,
        recheck_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.principal = principal
        self._tokens = tokens
        self._token = token
        self._interval = recheck_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._next_check = clock() + recheck_seconds
        self.failure: Unauthenticated | None = None

    def check(self) -> None:
        """Raises Unauthenticated once the token is revoked, expired, gone or given other
        scopes (the caller then calls again with what it now holds)."""
        with self._lock:
            self._next_check = self._clock() + self._interval
            if self.failure is None:
                self.failure = self._failure()
            if self.failure is not None:
                raise self.failure

    def check_if_due(self) -> None:
        if self.failure is not None or self._clock() >= self._next_check:
            self.check()

    def still_valid(self) -> bool:
        try:
            self.check_if_due()
        except Unauthenticated:
            return False
        return True

    def _failure(self) -> Unauthenticated | None:
        try:
            now = self._tokens.authenticate(self._token)
        except Unauthenticated as error:
            return error
        if (now.name, now.scopes) != (self.principal.name, self.principal.scopes):
            return Unauthenticated("the token's scopes changed; call again", "TOKEN_CHANGED")
        return None


class _CheckedContext:
    """The call's context, inactive once the token no longer holds (so loops that poll
    `is_active` end), otherwise the same."""

    def __init__(self, context: grpc.ServicerContext, credential: Credential) -> None:
        self._context = context
        self._credential = credential

    def is_active(self) -> bool:
        return self._context.is_active() and self._credential.still_valid()

    def __getattr__(self, name: str):
        return getattr(self._context, name)


def _each_checked(requests: Iterable, credential: Credential) -> Iterator:
    """The client's messages, each refused unless the token still holds when it arrives."""
    for request in requests:
        credential.check()
        yield request


def _each_step_as(principal: Principal, responses: Iterator) -> Iterator:
    """Sets the principal around each step only, so nothing leaks between steps."""
    while True:
        with use_principal(principal):
            try:
                response = next(responses)
            except StopIteration:
                return
        yield response


class AuthInterceptor(grpc.ServerInterceptor):
    """Requires `authorization: Bearer <token>`; the caller is then `current_principal()`.

    A call without a valid token is refused before its request message is read or decoded."""

    def __init__(
        self,
        token_store: TokenStore,
        domain: str = DEFAULT_DOMAIN,
        recheck_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tokens = token_store
        self._domain = domain
        self._recheck_seconds = recheck_seconds
        self._clock = clock

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or is_infrastructure_method(method):
            return handler
        token = bearer_token(handler_call_details.invocation_metadata)
        try:
            principal = self._tokens.authenticate(token)
        except Unauthenticated as error:
            return self._refusal(handler, method, error)
        credential = Credential(
            self._tokens, token, principal, self._recheck_seconds, self._clock
        )
        return self._authenticated(handler, credential)

    def principal_of(self, metadata) -> Principal | None:
        """The caller a call's metadata names, if its token holds."""
        try:
            return self._tokens.authenticate(bearer_token(metadata))
        except Unauthenticated:
            return None

    def _refusal(self, handler, method: str, error: Unauthenticated) -> grpc.RpcMethodHandler:
        """A handler that answers at once: a request-streaming one, so that grpc does not
        read the request first."""

        def refuse(requests, context):
            _LOG.info("rejected %s from %s: %s", method, context.peer(), error.reason)
            abort_with_error(context, error, self._domain)
            yield from ()

        return grpc.stream_stream_rpc_method_handler(
            refuse, response_serializer=handler.response_serializer
        )

    def _authenticated(self, handler, credential: Credential) -> grpc.RpcMethodHandler:
        kind = (handler.request_streaming, handler.response_streaming)
        factory, attribute = _FACTORIES[kind]
        behavior = getattr(handler, attribute)
        wrapped = (
            self._stream(behavior, credential, handler.request_streaming)
            if handler.response_streaming
            else self._unary(behavior, credential, handler.request_streaming)
        )
        return factory(
            wrapped,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )

    def _unary(self, behavior, credential: Credential, request_streaming: bool):
        def authenticated(request, context):
            if request_streaming:
                request = _each_checked(request, credential)
            with use_principal(credential.principal):
                return behavior(request, context)

        return authenticated

    def _stream(self, behavior, credential: Credential, request_streaming: bool):
        def authenticated(request, context):
            if request_streaming:
                request = _each_checked(request, credential)
            checked_context = _CheckedContext(context, credential)
            try:
                with use_principal(credential.principal):
                    responses = iter(behavior(request, checked_context))
                for response in _each_step_as(credential.principal, responses):
                    credential.check_if_due()
                    yield response
                credential.check_if_due()  # a stream that ended because the token went bad
            except Unauthenticated as error:
                _LOG.info("ended a stream of %r: %s", credential.principal.name, error.reason)
                abort_with_error(context, error, self._domain)

        return authenticated
