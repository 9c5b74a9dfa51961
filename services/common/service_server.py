"""A service's gRPC server, built from its settings: tokens, TLS, health port, rate limits and
server limits as configured, and a database that cannot be reached answered as UNAVAILABLE."""

from pathlib import Path

from prometheus_client import CollectorRegistry

from services.common.auth import TokenStore
from services.common.config import ServiceSettings
from services.common.grpc_server import GrpcServer
from services.common.message_sizes import ReceiveLimits
from services.common.redis_buckets import rate_limiter_for
from services.common.sql import DATABASE_UNAVAILABLE


def grpc_server_for(
    service: str,
    settings: ServiceSettings,
    metrics: CollectorRegistry,
    receive_limits: ReceiveLimits | None = None,
    shared_buckets: Path | None = None,
    reuse_port: bool = False,
) -> GrpcServer:
    """`service` labels metrics and logs ("registry", "risk"). For a process of several serving
    the same ports: `reuse_port`, and `shared_buckets`, the file of the rate limits' buckets
    when there is no Redis to share them through."""
    return GrpcServer(
        service,
        token_store=TokenStore(settings.tokens_file),
        metrics_registry=metrics,
        unavailable_errors=DATABASE_UNAVAILABLE,
        tls=settings.tls,
        health_listen=settings.health_listen,
        rate_limiter=rate_limiter_for(
            settings.rate_limit, settings.redis_url, settings.redis_prefix, shared_buckets
        ),
        limits=settings.limits,
        receive_limits=receive_limits,
        reuse_port=reuse_port,
    )
