"""The services as separate processes (`python -m services.registry`, `python -m services.risk`),
so that a test can kill one with SIGKILL."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.reliability.ports import free_port

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


class ServiceProcess:
    def __init__(self, module: str, environment: dict[str, str], log_path: Path,
                 code: Path = REPOSITORY_ROOT):
        """`code`: the source tree to run (another release's, checked out apart)."""
        self.module = module
        self.code = code
        self.port = free_port()
        self._environment = environment
        self._log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "ServiceProcess":
        listen = "URBAN_REGISTRY" if self.module == "services.registry" else "URBAN_RISK"
        environment = {
            **os.environ,
            f"{listen}_LISTEN": self.address,
            f"{listen}_METRICS_LISTEN": "127.0.0.1:0",
            "URBAN_RISK_WEB_LISTEN": "127.0.0.1:0",
            "URBAN_REGISTRY_HTTP_LISTEN": "127.0.0.1:0",
            **self._environment,
        }
        with open(self._log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module], env=environment, cwd=self.code,
                stdout=log, stderr=subprocess.STDOUT,
            )
        self._await_serving()
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown hook, no flush, no goodbye."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self._log_path.read_text(errors="replace")

    def _await_serving(self) -> None:
        with grpc.insecure_channel(self.address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            response = health.Check(
                health_pb2.HealthCheckRequest(), wait_for_ready=True, timeout=60
            )
        assert response.status == health_pb2.HealthCheckResponse.SERVING, self.log()


def registry_process(tmp_path: Path, database_url: str, tokens_file: str, **extra: str):
    environment = {
        "URBAN_REGISTRY_DATABASE_URL": database_url,
        "URBAN_AUTH_TOKENS_FILE": tokens_file,
        "URBAN_SHUTDOWN_GRACE_SECONDS": "2",
        **extra,
    }
    return ServiceProcess("services.registry", environment, tmp_path / "registry.log")


def risk_process(tmp_path: Path, database_url: str, tokens_file: str, registry: str,
                 token: str, **extra: str):
    environment = {
        "URBAN_RISK_DATABASE_URL": database_url,
        "URBAN_AUTH_TOKENS_FILE": tokens_file,
        "URBAN_REGISTRY_TARGET": registry,
        "URBAN_REGISTRY_TOKEN": token,
        "URBAN_SHUTDOWN_GRACE_SECONDS": "2",
        **extra,
    }
    return ServiceProcess("services.risk", environment, tmp_path / "risk.log")
