"""The interceptors' work for a unary call, done in one wrapping.

A unary call of an application method passes the checks of the chain in interceptors.py, in the
same order and through the same objects (metrics outermost, then the token, the method's size
limit, the caller's rate limit, domain errors to statuses), but the service's own handler is
wrapped once per method and caller and kept, instead of six times a call by six interceptors:
for most calls the chain's levels cost more than its checks. Streams, health checks,
reflection and a call whose token does not hold go down the chain, which answers them.

A call past the checks runs in one of the process's slots for unary calls (call_slots.py), for
which it waits in arrival order, within its deadline."""

import threading
import time
from collections.abc import Callable

import grpc

from services.common.auth import Principal, reset_principal, set_principal
from services.common.auth_interceptor import AuthInterceptor
from services.common.call_slots import CallSlots
from services.common.errors import DeadlineExceeded
from services.common.interceptors import ErrorInterceptor, reject_if_malformed
from services.common.message_sizes import MessageSizeInterceptor, OversizedRequest
from services.common.method_handlers import is_infrastructure_method
from services.common.rate_limit import RateLimitInterceptor, cost_of
from services.common.rpc_metrics import MetricsInterceptor

ServiceHandler = Callable[[str], grpc.RpcMethodHandler | None]
_KEPT_CALLERS = 256  # wrappings kept for one method; more callers start the set afresh
_OK, _UNKNOWN = grpc.StatusCode.OK, grpc.StatusCode.UNKNOWN
_NO_TURN = "the deadline passed while the call waited for its turn; nothing was changed"


class UnaryCallInterceptor(grpc.ServerInterceptor):
    """Outermost; `service_handler(method)` gives a service's own handler of `method`."""

    def __init__(
        self,
        service_handler: ServiceHandler,
        metrics: MetricsInterceptor,
        auth: AuthInterceptor,
        sizes: MessageSizeInterceptor,
        rate_limits: RateLimitInterceptor,
        errors: ErrorInterceptor,
        slots: CallSlots,
    ) -> None:
        self._service_handler = service_handler
        self._slots = slots
        self._metrics = metrics
        self._auth = auth
        self._sizes = sizes
        self._rate_limits = rate_limits
        self._errors = errors
        self._methods: dict[str, _UnaryMethod | None] = {}  # None: not a unary application call

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        unary = self._methods.get(method, _UNSEEN)
        if unary is _UNSEEN:
            unary = self._learn(method)
        if unary is None:
            return continuation(handler_call_details)
        principal = self._auth.principal_of(handler_call_details.invocation_metadata)
        if principal is None:
            return continuation(handler_call_details)  # the chain refuses it, with its reason
        return unary.handler_for(principal)

    def _learn(self, method: str):
        handler = self._service_handler(method)
        if handler is None:
            return None  # not kept: a service may still be added
        unary = None
        if not (
            is_infrastructure_method(method)
            or handler.request_streaming
            or handler.response_streaming
        ):
            unary = _UnaryMethod(self, method, handler)
        self._methods[method] = unary
        return unary

    def wrap(self, method: str, behavior, principal: Principal):
        """`behavior` of `method` for calls of `principal`, behind every check."""
        record = self._metrics.record
        abort_oversized = self._sizes.abort_oversized
        admit = self._rate_limits.admit if self._rate_limits.limits(principal) else None
        translate = self._errors.abort
        slots = self._slots

        def answer(request, context):
            started = time.perf_counter()
            caller = set_principal(principal)
            try:
                if isinstance(request, OversizedRequest):
                    abort_oversized(context, request)
                if admit is not None:
                    admit(context, principal, cost_of(request))
                try:
                    reject_if_malformed(request)
                    if not slots.take(_wait_allowed(context)):
                        raise DeadlineExceeded(_NO_TURN)
                    try:
                        response = behavior(request, context)
                    finally:
                        slots.give_back()
                except Exception as error:
                    translate(context, method, error)
                    response = None
            except Exception:
                record(method, context.code() or _UNKNOWN, started)
                raise
            finally:
                reset_principal(caller)
            record(method, context.code() or _OK, started)
            return response

        return answer


_UNSEEN = object()


def _wait_allowed(context) -> float | None:
    """Seconds left before the call's deadline; None without one (grpc then gives a time far
    beyond any wait a lock allows)."""
    remaining = context.time_remaining()
    return None if remaining is None or remaining >= threading.TIMEOUT_MAX else remaining


class _UnaryMethod:
    """One unary method's handler, wrapped for each caller seen."""

    def __init__(self, owner: UnaryCallInterceptor, method: str, handler: grpc.RpcMethodHandler):
        self._owner = owner
        self._method = method
        self._handler = handler
        self._deserializer = owner._sizes.bounded_deserializer(
            method, owner._errors.request_deserializer(handler.request_deserializer)
        )
        self._by_caller: dict[Principal, grpc.RpcMethodHandler] = {}

    def handler_for(self, principal: Principal) -> grpc.RpcMethodHandler:
        handler = self._by_caller.get(principal)
        if handler is None:
            handler = grpc.unary_unary_rpc_method_handler(
                self._owner.wrap(self._method, self._handler.unary_unary, principal),
                request_deserializer=self._deserializer,
                response_serializer=self._handler.response_serializer,
            )
            if len(self._by_caller) >= _KEPT_CALLERS:
                self._by_caller = {}
            self._by_caller[principal] = handler
        return handler
