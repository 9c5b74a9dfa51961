"""The registry as a separate process on free ports: started, awaited until SERVING, stopped."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.tokens import add_token

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 120
STOP_SECONDS = 30
_LISTENING = re.compile(r"registry gRPC listening on (\S+)")


class RegistryProcess:
    """`python -m services.registry` over `database_url`, with one admin token."""

    def __init__(self, database_url: str, workdir: Path):
        self.database_url = database_url
        self.log_path = workdir / "registry.log"
        self.tokens_path = workdir / "tokens.yaml"
        self.token = add_token(self.tokens_path, "bench", ["admin"])
        self.address = ""
        self._process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self._process.pid

    def __enter__(self) -> "RegistryProcess":
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def start(self) -> None:
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "services.registry"],
                cwd=REPOSITORY_ROOT,
                env=self._environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.address = self._await_listening()
        self._await_serving()

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _environment(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("URBAN_")}
        environment.update(
            URBAN_REGISTRY_LISTEN="127.0.0.1:0",
            URBAN_REGISTRY_METRICS_LISTEN="127.0.0.1:0",
            URBAN_REGISTRY_DATABASE_URL=self.database_url,
            URBAN_AUTH_TOKENS_FILE=str(self.tokens_path),
            URBAN_LOG_LEVEL="INFO",
        )
        return environment

    def _await_listening(self) -> str:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            found = _LISTENING.search(self.log_path.read_text(errors="replace"))
            if found:
                return found.group(1)
            self._fail_if_exited()
            time.sleep(0.05)
        raise TimeoutError(f"the registry did not start listening; see {self.log_path}")

    def _await_serving(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        with grpc.insecure_channel(self.address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            while time.monotonic() < deadline:
                if _is_serving(health):
                    return
                self._fail_if_exited()
                time.sleep(0.05)
        raise TimeoutError(f"the registry at {self.address} never reported SERVING")

    def _fail_if_exited(self) -> None:
        if self._process.poll() is not None:
            log = self.log_path.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"the registry exited with {self._process.returncode}:\n{log}")


def _is_serving(health: health_pb2_grpc.HealthStub) -> bool:
    try:
        response = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
    except grpc.RpcError:
        return False
    return response.status == health_pb2.HealthCheckResponse.SERVING
