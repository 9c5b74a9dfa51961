"""The services run as operators run them: `python -m services.<name>` in a subprocess, on
free loopback ports, with SQLite in a temporary directory."""

import re
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.common.interceptors import client_auth_metadata
from services.common.tokens import add_token
from tests.deploy.paths import REPOSITORY
from tests.environment import FREE_PORTS, without_urban_settings
from tests.health import is_serving
from tests.waiting import wait_until

START_TIMEOUT_SECONDS = 60.0
_GRPC_PORT = re.compile(r"gRPC listening on \S+:(\d+)")
_METRICS_PORT = re.compile(r"metrics on http://\S+:(\d+)/metrics")


@dataclass
class RunningService:
    name: str
    process: subprocess.Popen
    log: Path
    grpc_port: int = 0
    metrics_port: int = 0

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    @property
    def metrics_target(self) -> str:
        return f"127.0.0.1:{self.metrics_port}"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Credentials:
    tokens_file: Path
    admin: str
    risk_service: str

    @property
    def admin_metadata(self):
        return client_auth_metadata(self.admin)


def issue_credentials(directory: Path) -> Credentials:
    tokens_file = directory / "tokens.yaml"
    return Credentials(
        tokens_file,
        admin=add_token(tokens_file, "admin", ["admin"]),
        risk_service=add_token(tokens_file, "risk-service", ["assets.read:*"]),
    )


@dataclass
class Stack:
    """The settings both services get; `redis_url` switches the feed to a Redis stream."""

    directory: Path
    credentials: Credentials
    redis_url: str | None = None
    redis_prefix: str = "urban"
    extra: dict[str, str] = field(default_factory=dict)

    def environment(self, registry_target: str = "") -> dict[str, str]:
        env = without_urban_settings() | FREE_PORTS
        env.update(
            PYTHONUNBUFFERED="1",
            URBAN_REGISTRY_DATABASE_URL=f"sqlite:///{self.directory / 'registry.db'}",
            URBAN_RISK_DATABASE_URL=f"sqlite:///{self.directory / 'risk.db'}",
            URBAN_AUTH_TOKENS_FILE=str(self.credentials.tokens_file),
            URBAN_REGISTRY_TOKEN=self.credentials.risk_service,
            URBAN_REGISTRY_TARGET=registry_target,
            URBAN_SHUTDOWN_GRACE_SECONDS="1",
        )
        if self.redis_url:
            env.update(URBAN_REDIS_URL=self.redis_url, URBAN_REDIS_PREFIX=self.redis_prefix)
        env.update(self.extra)
        return env

    def start_registry(self, cwd: Path = REPOSITORY) -> RunningService:
        return start_service("registry", self.environment(), self.directory, cwd)

    def start_risk(self, registry: RunningService, cwd: Path = REPOSITORY) -> RunningService:
        return start_service("risk", self.environment(registry.grpc_target), self.directory, cwd)


def start_service(
    name: str, environment: Mapping[str, str], log_directory: Path, cwd: Path = REPOSITORY
) -> RunningService:
    """Starts `python -m services.<name>` and returns once its health service says SERVING."""
    log = log_directory / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", f"services.{name}"],
            cwd=cwd,
            env=dict(environment),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    service = RunningService(name, process, log)
    try:
        _wait_until_serving(service)
    except BaseException:
        service.stop()
        raise
    return service


def _wait_until_serving(service: RunningService) -> None:
    def ports_logged():
        if service.process.poll() is not None:
            raise AssertionError(
                f"{service.name} exited with {service.process.returncode}:\n{service.log_text()}"
            )
        text = service.log_text()
        grpc_port, metrics_port = _GRPC_PORT.search(text), _METRICS_PORT.search(text)
        return (grpc_port and metrics_port) and (int(grpc_port[1]), int(metrics_port[1]))

    service.grpc_port, service.metrics_port = wait_until(ports_logged, START_TIMEOUT_SECONDS)
    try:
        wait_until(lambda: is_serving(service.grpc_target), START_TIMEOUT_SECONDS)
    except AssertionError as error:
        raise AssertionError(
            f"{service.name} never reported SERVING at {service.grpc_target}:\n"
            f"{service.log_text()}"
        ) from error
