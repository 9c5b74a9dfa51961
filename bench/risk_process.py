"""The risk service as a separate process on free ports: started, awaited until /metrics answers,
stopped."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import databases
from bench.registry_process import REPOSITORY_ROOT, STARTUP_SECONDS, STOP_SECONDS

_METRICS_AT = re.compile(r"metrics on (http://\S+/metrics)")


@contextmanager
def read_model_database(kind: str, directory: Path) -> Iterator[str]:
    """An empty database for a read model: `risk.db` in `directory`, or a PostgreSQL database
    dropped afterwards."""
    directory.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'risk.db'}"
    else:
        with databases.fresh_database(kind, directory) as url:
            yield url


@dataclass(frozen=True)
class RiskConfig:
    database_url: str
    registry_address: str
    registry_token: str  # scope assets.read:*
    tokens_path: Path
    redis_url: str | None = None
    redis_prefix: str = ""


class RiskProcess:
    """`python -m services.risk` following one registry, over its own database."""

    def __init__(self, config: RiskConfig, workdir: Path):
        self.config = config
        self.log_path = workdir / "risk.log"
        self.metrics_url = ""
        self._process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self._process.pid

    def __enter__(self) -> "RiskProcess":
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def start(self) -> None:
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "services.risk"],
                cwd=REPOSITORY_ROOT,
                env=self._environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.metrics_url = self._await_metrics_url()
        self._await_metrics_answer()

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
        config = self.config
        environment = {k: v for k, v in os.environ.items() if not k.startswith("URBAN_")}
        environment.update(
            URBAN_RISK_LISTEN="127.0.0.1:0",
            URBAN_RISK_METRICS_LISTEN="127.0.0.1:0",
            URBAN_RISK_DATABASE_URL=config.database_url,
            URBAN_REGISTRY_TARGET=config.registry_address,
            URBAN_REGISTRY_TOKEN=config.registry_token,
            URBAN_AUTH_TOKENS_FILE=str(config.tokens_path),
            URBAN_LOG_LEVEL="INFO",
        )
        if config.redis_url:
            environment.update(
                URBAN_REDIS_URL=config.redis_url, URBAN_REDIS_PREFIX=config.redis_prefix
            )
        return environment

    def _await_metrics_url(self) -> str:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            found = _METRICS_AT.search(self.log_path.read_text(errors="replace"))
            if found:
                return found.group(1)
            self._fail_if_exited()
            time.sleep(0.05)
        raise TimeoutError(
            f"the risk service never logged its metrics address; see {self.log_path}"
        )

    def _await_metrics_answer(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.metrics_url, timeout=5).close()
                return
            except (urllib.error.URLError, OSError):
                self._fail_if_exited()
                time.sleep(0.05)
        raise TimeoutError(f"the risk service's {self.metrics_url} never answered")

    def _fail_if_exited(self) -> None:
        if self._process.poll() is not None:
            log = self.log_path.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"the risk service exited with {self._process.returncode}:\n{log}")
