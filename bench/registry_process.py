"""The registry as a separate process on free ports: started, awaited until SERVING, stopped."""

import os
import re
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.service_process import ServiceProcess
from services.common.tokens import add_token

_LISTENING = re.compile(r"registry gRPC listening on (\S+)")
_ALL_SERVING = re.compile(r"registry serving from (\d+) processes")


def cpu_affinity() -> str:
    """URBAN_REGISTRY_CPU_AFFINITY of the registries the benchmarks start: `auto` unless the
    benchmark's environment gives another value."""
    return os.environ.get("URBAN_REGISTRY_CPU_AFFINITY") or "auto"


class RegistryProcess(ServiceProcess):
    """`python -m services.registry` over `database_url`, with one admin token, serving from
    `processes` processes, each kept to one CPU as `cpu_affinity()` says."""

    module = "services.registry"
    label = "the registry"

    def __init__(self, database_url: str, workdir: Path, processes: int = 1):
        super().__init__(workdir / "registry.log")
        self.database_url = database_url
        self.processes = processes
        self.tokens_path = workdir / "tokens.yaml"
        self.token = add_token(self.tokens_path, "bench", ["admin"])
        self.address = ""

    def settings(self) -> dict[str, str]:
        return {
            "URBAN_REGISTRY_LISTEN": "127.0.0.1:0",
            "URBAN_REGISTRY_METRICS_LISTEN": "127.0.0.1:0",
            "URBAN_REGISTRY_HTTP_LISTEN": "127.0.0.1:0",
            "URBAN_REGISTRY_DATABASE_URL": self.database_url,
            "URBAN_AUTH_TOKENS_FILE": str(self.tokens_path),
            "URBAN_REGISTRY_PROCESSES": str(self.processes),
            "URBAN_REGISTRY_CPU_AFFINITY": cpu_affinity(),
        }

    def await_ready(self) -> None:
        self.address = self.logged(_LISTENING, "never started listening")
        if self.processes > 1:
            self.logged(_ALL_SERVING, f"never served from {self.processes} processes")
        with grpc.insecure_channel(self.address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            self.until(lambda: _is_serving(health), f"{self.address} never reported SERVING")


def _is_serving(health: health_pb2_grpc.HealthStub) -> bool:
    try:
        response = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
    except grpc.RpcError:
        return False
    return response.status == health_pb2.HealthCheckResponse.SERVING
