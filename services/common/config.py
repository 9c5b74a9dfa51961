"""Settings every service reads from environment variables (see the README's settings table);
each service adds its own in its `config.py`."""

import os
from dataclasses import dataclass, field

from services.common.rate_limit import RateLimitSettings
from services.common.server_limits import ServerLimits
from services.common.tls import ServerTls


def env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def optional_env(name: str) -> str | None:
    return os.environ.get(name) or None


def seconds_env(name: str, default: float) -> float:
    return float(env(name, f"{default:g}"))


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> "Address":
        """`host:port`; an empty host binds every interface; port 0 picks a free port."""
        host, sep, port = text.rpartition(":")
        if not sep or not port.isdigit():
            raise ValueError(f"listen address {text!r} is not host:port")
        return cls(host.strip("[]") or "0.0.0.0", int(port))

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def optional_address(name: str) -> Address | None:
    text = optional_env(name)
    return Address.parse(text) if text else None


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """What every service has: its ports, database, Redis, tokens, TLS and limits."""

    listen: Address
    metrics_listen: Address
    database_url: str
    redis_url: str | None
    redis_prefix: str
    tokens_file: str
    shutdown_grace_seconds: float
    tls: ServerTls | None = None
    health_listen: Address | None = None  # a plain-text port answering health checks only
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)
    limits: ServerLimits = field(default_factory=ServerLimits)

    @staticmethod
    def values_from_env(service: str, grpc_port: int, metrics_port: int) -> dict[str, object]:
        """The common settings of `service` ("registry", "risk"), read from `URBAN_*`: its own
        variables are named `URBAN_{SERVICE}_*`."""
        own = f"URBAN_{service.upper()}"
        return dict(
            listen=Address.parse(env(f"{own}_LISTEN", f"127.0.0.1:{grpc_port}")),
            metrics_listen=Address.parse(env(f"{own}_METRICS_LISTEN", f"127.0.0.1:{metrics_port}")),
            database_url=env(f"{own}_DATABASE_URL", f"sqlite:///var/{service}.db"),
            redis_url=optional_env("URBAN_REDIS_URL"),
            redis_prefix=env("URBAN_REDIS_PREFIX", "urban"),
            tokens_file=env("URBAN_AUTH_TOKENS_FILE", "var/tokens.yaml"),
            shutdown_grace_seconds=seconds_env("URBAN_SHUTDOWN_GRACE_SECONDS", 10),
            tls=ServerTls.from_env(),
            health_listen=optional_address(f"{own}_HEALTH_LISTEN"),
            rate_limit=RateLimitSettings.from_env(),
            limits=ServerLimits.from_env(),
        )
