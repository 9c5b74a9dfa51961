"""The gRPC health check as probes ask it: no token, plain text."""

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

RISK_SERVICE = "urban.risk.v1.RiskService"
SERVING = health_pb2.HealthCheckResponse.SERVING


def is_serving(target: str, service: str = "") -> bool:
    """Whether `service` at `target` answers SERVING ("": the server as a whole)."""
    with grpc.insecure_channel(target) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=2
            )
        except grpc.RpcError:
            return False
    return reply.status == SERVING


def risk_is_ready(target: str) -> bool:
    """Whether the risk service at `target` says its figures are true (the readiness probe's
    question): it knows the registry's cities and has caught up since it started."""
    return is_serving(target, RISK_SERVICE)
