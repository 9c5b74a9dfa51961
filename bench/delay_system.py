"""A registry and a risk service as separate processes, on one of the two feed paths:

- sqlite: the embedded default, SQLite for both, the risk service on WatchChanges;
- postgres: production's shape, PostgreSQL for both, changes through a Redis stream.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.redis_feed import REDIS_URL, RedisRegistryProcess, redis_prefix
from bench.registry_process import RegistryProcess
from bench.risk_process import RiskConfig, RiskProcess, read_model_database
from services.common.tokens import add_token

FEED_PATHS = {"sqlite": "watch + SQLite", "postgres": "Redis + PostgreSQL"}


@dataclass(frozen=True)
class DelaySystem:
    registry: RegistryProcess
    risk: RiskProcess
    path: str


@contextmanager
def delay_system(registry: RegistryProcess, database: str) -> Iterator[DelaySystem]:
    """The runner's `registry` on `database`, followed by a risk service on the same kind of
    database; on PostgreSQL the registry is restarted publishing to Redis."""
    workdir = registry.log_path.parent
    with ExitStack() as stack:
        risk_url = stack.enter_context(read_model_database(database, workdir / "risk"))
        prefix = ""
        if database == "postgres":
            prefix = stack.enter_context(redis_prefix())
            registry = stack.enter_context(_registry_on_redis(registry, prefix))
        config = _risk_config(registry, risk_url, prefix)
        risk = stack.enter_context(RiskProcess(config, workdir))
        yield DelaySystem(registry, risk, FEED_PATHS[database])


def _registry_on_redis(registry: RegistryProcess, prefix: str) -> RedisRegistryProcess:
    """The runner's registry publishes nowhere: stop it, start one on the same database that
    publishes to the stream under `prefix`."""
    registry.stop()
    workdir = _made(registry.log_path.parent / "redis")
    return RedisRegistryProcess(registry.database_url, workdir, prefix)


def _risk_config(registry: RegistryProcess, risk_url: str, prefix: str) -> RiskConfig:
    return RiskConfig(
        database_url=risk_url,
        registry_address=registry.address,
        registry_token=add_token(registry.tokens_path, "risk-service", ["assets.read:*"]),
        tokens_path=registry.tokens_path,
        redis_url=REDIS_URL if prefix else None,
        redis_prefix=prefix,
    )


def _made(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return directory
