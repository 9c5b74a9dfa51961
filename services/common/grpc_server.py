"""A gRPC server with authentication, rich errors, RPC metrics, health, reflection and a
graceful shutdown on SIGTERM or SIGINT."""

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from prometheus_client import CollectorRegistry

from services.common.auth import TokenStore
from services.common.config import Address
from services.common.interceptors import AuthInterceptor, ErrorInterceptor, MetricsInterceptor
from services.common.rich_status import DEFAULT_DOMAIN

_LOG = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
ShutdownHook = Callable[[], None]


class GrpcServer:
    def __init__(
        self,
        service: str,
        *,
        token_store: TokenStore,
        metrics_registry: CollectorRegistry,
        workers: int = 32,
        unavailable_errors: tuple[type[BaseException], ...] = (),
        domain: str = DEFAULT_DOMAIN,
    ) -> None:
        """`service` labels metrics and logs ("registry", "risk")."""
        self._service = service
        self._service_names: list[str] = []
        self._health = health.HealthServicer()
        self._server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{service}-rpc"),
            interceptors=[
                MetricsInterceptor(metrics_registry, service),
                AuthInterceptor(token_store, domain),
                ErrorInterceptor(domain, unavailable_errors),
            ],
            options=[
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.so_reuseport", 0),  # a port in use is an error, not a shared port
            ],
        )
        health_pb2_grpc.add_HealthServicer_to_server(self._health, self._server)

    def add_service(
        self, servicer: object, add_to_server: Callable[[object, grpc.Server], None], name: str
    ) -> None:
        """E.g. `add_service(servicer, add_RegistryServiceServicer_to_server,
        "urban.registry.v1.RegistryService")`; `name` is reported by health and reflection."""
        add_to_server(servicer, self._server)
        self._service_names.append(name)

    def start(self, address: Address) -> int:
        """Starts serving and returns the bound port (a free one when the address asks for 0)."""
        reflection.enable_server_reflection(
            (*self._service_names, health.SERVICE_NAME, reflection.SERVICE_NAME), self._server
        )
        port = _bind(self._server, address)
        self._server.start()
        for name in ("", *self._service_names):
            self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
        _LOG.info("%s gRPC listening on %s", self._service, Address(address.host, port))
        return port

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
        _LOG.info("%s gRPC stopped", self._service)


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _bind(server: grpc.Server, address: Address) -> int:
    try:
        port = server.add_insecure_port(str(address))
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
