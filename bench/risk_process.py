"""The risk service as a separate process on free ports: started, awaited until /metrics answers,
stopped."""

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import databases
from bench.service_process import ServiceProcess

_METRICS_AT = re.compile(r"metrics on (http://\S+/metrics)")
_LISTENING = re.compile(r"risk gRPC listening on (\S+)")


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


class RiskProcess(ServiceProcess):
    """`python -m services.risk` following one registry, over its own database."""

    module = "services.risk"
    label = "the risk service"

    def __init__(self, config: RiskConfig, workdir: Path):
        super().__init__(workdir / "risk.log")
        self.config = config
        self.address = ""
        self.metrics_url = ""

    def settings(self) -> dict[str, str]:
        config = self.config
        settings = {
            "URBAN_RISK_LISTEN": "127.0.0.1:0",
            "URBAN_RISK_METRICS_LISTEN": "127.0.0.1:0",
            "URBAN_RISK_WEB_LISTEN": "127.0.0.1:0",
            "URBAN_RISK_DATABASE_URL": config.database_url,
            "URBAN_REGISTRY_TARGET": config.registry_address,
            "URBAN_REGISTRY_TOKEN": config.registry_token,
            "URBAN_AUTH_TOKENS_FILE": str(config.tokens_path),
        }
        if config.redis_url:
            settings.update(
                URBAN_REDIS_URL=config.redis_url, URBAN_REDIS_PREFIX=config.redis_prefix
            )
        return settings

    def await_ready(self) -> None:
        self.address = self.logged(_LISTENING, "never started listening")
        self.metrics_url = self.logged(_METRICS_AT, "never logged its metrics address")
        self.until(self._metrics_answer, f"{self.metrics_url} never answered")

    def _metrics_answer(self) -> bool:
        try:
            urllib.request.urlopen(self.metrics_url, timeout=5).close()
        except (urllib.error.URLError, OSError):
            return False
        return True
