"""A gRPC server with authentication, rate limits, rich errors, RPC metrics, health, reflection,
optional TLS (and a plain-text port for health probes) and a graceful shutdown on SIGTERM or
SIGINT."""

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from prometheus_client import CollectorRegistry

from services.common.auth import TokenStore
from services.common.call_slots import CallSlots
from services.common.config import Address
from services.common.connect_bridge import ConnectService, InterceptedHandlers
from services.common.http_server import client_disconnected
from services.common.interceptors import (
    AuthInterceptor,
    ErrorInterceptor,
    MetricsInterceptor,
    RateLimitInterceptor,
)
from services.common.message_sizes import MessageSizeInterceptor, ReceiveLimits
from services.common.rate_limit import LocalTokenBuckets, RateLimiter, RateLimitSettings
from services.common.reflection import enable_server_reflection
from services.common.rich_status import DEFAULT_DOMAIN
from services.common.server_limits import ServerLimits
from services.common.stream_caps import StreamCapInterceptor, StreamSlots
from services.common.tls import ServerTls
from services.common.unary_calls import UnaryCallInterceptor

_LOG = logging.getLogger(__name__)
MAX_SEND_BYTES = 2**31 - 1  # answers are bounded by their pages' own limits
ShutdownHook = Callable[[], None]


class GrpcServer:
    def __init__(
        self,
        service: str,
        *,
        token_store: TokenStore,
        metrics_registry: CollectorRegistry,
        unavailable_errors: tuple[type[BaseException], ...] = (),
        domain: str = DEFAULT_DOMAIN,
        tls: ServerTls | None = None,
        health_listen: Address | None = None,
        rate_limiter: RateLimiter | None = None,
        limits: ServerLimits | None = None,
        receive_limits: ReceiveLimits | None = None,
        reuse_port: bool = False,
    ) -> None:
        """`service` labels metrics and logs ("registry", "risk"). With `tls` the API is served
        over TLS only; `health_listen` adds a plain-text port that answers health checks alone
        (for Kubernetes' gRPC probes, which speak plain text). `reuse_port`: the ports are
        shared with the other processes of one service (SO_REUSEPORT), which the kernel
        spreads connections over; otherwise a port in use is an error."""
        self._service = service
        self._service_names: list[str] = []
        self._not_serving_at_start: set[str] = set()
        self._tls = tls
        self._health = health.HealthServicer()
        limiter = rate_limiter or RateLimiter(RateLimitSettings(), LocalTokenBuckets())
        limits = limits or ServerLimits()
        receive_limits = receive_limits or ReceiveLimits({})
        self.stream_slots = StreamSlots(limits.max_streams, limits.max_streams_per_token)
        self.limits = limits
        self.token_store = token_store
        self.receive_limits = receive_limits
        metrics = MetricsInterceptor(metrics_registry, service)
        auth = AuthInterceptor(token_store, domain, limits.token_recheck_seconds)
        sizes = MessageSizeInterceptor(receive_limits, domain)
        rate_limits = RateLimitInterceptor(limiter, domain)
        errors = ErrorInterceptor(domain, unavailable_errors)
        unary = UnaryCallInterceptor(
            lambda method: self.handlers.service_handler(method),
            metrics, auth, sizes, rate_limits, errors, CallSlots(limits.unary_workers),
        )
        stream_caps = StreamCapInterceptor(self.stream_slots, domain)
        interceptors = [unary, metrics, auth, sizes, stream_caps, rate_limits, errors]
        self.handlers = InterceptedHandlers(interceptors)
        self._server = grpc.server(
            futures.ThreadPoolExecutor(
                max_workers=limits.workers, thread_name_prefix=f"{service}-rpc"
            ),
            interceptors=interceptors,
            options=[
                ("grpc.max_send_message_length", MAX_SEND_BYTES),
                ("grpc.max_receive_message_length", receive_limits.largest()),
                *limits.channel_options(),
                *_port_options(reuse_port),
            ],
        )
        health_pb2_grpc.add_HealthServicer_to_server(self._health, self._server)
        self._health_listen = health_listen
        self._health_server = (
            _health_only_server(self._health, reuse_port) if health_listen else None
        )
        self.health_port = 0

    def add_service(
        self,
        servicer: object,
        add_to_server: Callable[[object, grpc.Server], None],
        name: str,
        serving_at_start: bool = True,
    ) -> None:
        """E.g. `add_service(servicer, add_RegistryServiceServicer_to_server,
        "urban.registry.v1.RegistryService")`; `name` is reported by health and reflection.
        A service not `serving_at_start` reports NOT_SERVING until `set_serving` says it is."""
        add_to_server(servicer, self._server)
        add_to_server(servicer, self.handlers)
        self._service_names.append(name)
        if not serving_at_start:
            self._not_serving_at_start.add(name)

    def connect_service(self) -> ConnectService:
        """The services added so far, for a connectrpc application: each call runs through the
        same interceptors and handlers as on the gRPC port."""
        return ConnectService(self.handlers, client_disconnected)

    def start(self, address: Address) -> int:
        """Starts serving and returns the bound port (a free one when the address asks for 0)."""
        enable_server_reflection((*self._service_names, health.SERVICE_NAME), self._server)
        port = _bind(self._server, address, self._tls)
        self._server.start()
        for name in ("", *self._service_names):
            self.set_serving(name, name not in self._not_serving_at_start)
        listening = Address(address.host, port)
        _LOG.info("%s gRPC listening on %s (%s)", self._service, listening, _describe(self._tls))
        self._start_health_server()
        return port

    def set_serving(self, name: str, serving: bool) -> None:
        """Reports one service's health (no effect once shutting down)."""
        status = health_pb2.HealthCheckResponse
        self._health.set(name, status.SERVING if serving else status.NOT_SERVING)

    def _start_health_server(self) -> None:
        if self._health_server is None or self._health_listen is None:
            return
        self.health_port = _bind(self._health_server, self._health_listen, None)
        self._health_server.start()
        listening = Address(self._health_listen.host, self.health_port)
        _LOG.info("%s health checks on %s (plain text)", self._service, listening)

    def serve_until_signalled(
        self, grace_seconds: float, on_shutdown: Sequence[ShutdownHook] = ()
    ) -> None:
        """Serves until SIGTERM or SIGINT, then stops gracefully. Call from the main thread."""
        signalled = threading.Event()
        handlers = {sig: signal.signal(sig, lambda *_: signalled.set()) for sig in _STOP_SIGNALS}
        try:
            while not signalled.wait(timeout=1.0):
                pass
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        _LOG.info("%s received a stop signal", self._service)
        self.stop(grace_seconds, on_shutdown)

    def stop(self, grace_seconds: float = 0.0, on_shutdown: Sequence[ShutdownHook] = ()) -> None:
        """Reports NOT_SERVING, runs the hooks, then gives in-flight calls the grace to finish."""
        self._health.enter_graceful_shutdown()
        for hook in on_shutdown:
            _run_hook(hook)
        self._server.stop(grace_seconds).wait()
        if self._health_server is not None:
            self._health_server.stop(0).wait()
        _LOG.info("%s gRPC stopped", self._service)


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _port_options(reuse_port: bool) -> list[tuple[str, int]]:
    return [("grpc.so_reuseport", 1 if reuse_port else 0)]


def _health_only_server(servicer: health.HealthServicer, reuse_port: bool) -> grpc.Server:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="health"),
        options=_port_options(reuse_port),
    )
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    return server


def _describe(tls: ServerTls | None) -> str:
    if tls is None:
        return "plain text"
    return "mutual TLS" if tls.requires_client_certificate else "TLS"


def _bind(server: grpc.Server, address: Address, tls: ServerTls | None) -> int:
    try:
        if tls is None:
            port = server.add_insecure_port(str(address))
        else:
            port = server.add_secure_port(str(address), tls.credentials())
    except RuntimeError as error:
        raise OSError(f"cannot listen on {address}: {error}") from error
    if not port:
        raise OSError(f"cannot listen on {address}")
    return port


def _run_hook(hook: ShutdownHook) -> None:
    try:
        hook()
    except Exception:
        _LOG.exception("shutdown hook %r failed", hook)
