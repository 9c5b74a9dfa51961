"""Settings, read from environment variables (see the README's settings table)."""

import os
from dataclasses import dataclass, field

from services.common.processes import process_count
from services.common.rate_limit import RateLimitSettings
from services.common.server_limits import ServerLimits
from services.common.tls import ClientTls, ServerTls


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _optional(name: str) -> str | None:
    return os.environ.get(name) or None


def _optional_address(name: str) -> "Address | None":
    text = _optional(name)
    return Address.parse(text) if text else None


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


@dataclass(frozen=True)
class RegistrySettings:
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
    max_response_bytes: int = 3 * 1024 * 1024  # pages of ListChanges and ListAssets
    processes: int = 1  # serving the same ports (services.registry.process_group)

    @classmethod
    def from_env(cls) -> "RegistrySettings":
        return cls(
            listen=Address.parse(_env("URBAN_REGISTRY_LISTEN", "127.0.0.1:50051")),
            metrics_listen=Address.parse(_env("URBAN_REGISTRY_METRICS_LISTEN", "127.0.0.1:9101")),
            database_url=_env("URBAN_REGISTRY_DATABASE_URL", "sqlite:///var/registry.db"),
            redis_url=_optional("URBAN_REDIS_URL"),
            redis_prefix=_env("URBAN_REDIS_PREFIX", "urban"),
            tokens_file=_env("URBAN_AUTH_TOKENS_FILE", "var/tokens.yaml"),
            shutdown_grace_seconds=float(_env("URBAN_SHUTDOWN_GRACE_SECONDS", "10")),
            tls=ServerTls.from_env(),
            health_listen=_optional_address("URBAN_REGISTRY_HEALTH_LISTEN"),
            rate_limit=RateLimitSettings.from_env(),
            limits=ServerLimits.from_env(),
            max_response_bytes=_response_bytes(),
            processes=process_count(_env("URBAN_REGISTRY_PROCESSES", "1")),
        )


def _response_bytes() -> int:
    value = int(_env("URBAN_REGISTRY_MAX_RESPONSE_BYTES", str(3 * 1024 * 1024)))
    if value < 65536:
        raise ValueError("URBAN_REGISTRY_MAX_RESPONSE_BYTES must be at least 65536")
    return value


@dataclass(frozen=True)
class RiskSettings:
    listen: Address
    metrics_listen: Address
    database_url: str
    redis_url: str | None
    redis_prefix: str
    registry_target: str
    registry_token: str | None
    tokens_file: str
    shutdown_grace_seconds: float
    verify_interval_seconds: float = 600.0
    city_refresh_seconds: float = 30.0
    claim_idle_seconds: float = 30.0  # a consumer's unacknowledged entries idle this long are taken
    tls: ServerTls | None = None
    health_listen: Address | None = None
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)
    registry_tls: ClientTls | None = None  # how to reach a registry that serves TLS
    head_check_seconds: float = 10.0  # how often the registry's head and log are read
    feed_stuck_seconds: float = 300.0  # behind the head without progress this long: stuck
    limits: ServerLimits = field(default_factory=ServerLimits)
    web_listen: Address = Address("127.0.0.1", 0)  # the status pages
    stale_after_seconds: float = 7 * 86400.0  # a city unchanged this long shows as stale

    @classmethod
    def from_env(cls) -> "RiskSettings":
        return cls(
            listen=Address.parse(_env("URBAN_RISK_LISTEN", "127.0.0.1:50052")),
            metrics_listen=Address.parse(_env("URBAN_RISK_METRICS_LISTEN", "127.0.0.1:9102")),
            database_url=_env("URBAN_RISK_DATABASE_URL", "sqlite:///var/risk.db"),
            redis_url=_optional("URBAN_REDIS_URL"),
            redis_prefix=_env("URBAN_REDIS_PREFIX", "urban"),
            registry_target=_env("URBAN_REGISTRY_TARGET", "127.0.0.1:50051"),
            registry_token=_optional("URBAN_REGISTRY_TOKEN"),
            tokens_file=_env("URBAN_AUTH_TOKENS_FILE", "var/tokens.yaml"),
            shutdown_grace_seconds=float(_env("URBAN_SHUTDOWN_GRACE_SECONDS", "10")),
            verify_interval_seconds=float(_env("URBAN_RISK_VERIFY_INTERVAL_SECONDS", "600")),
            city_refresh_seconds=float(_env("URBAN_RISK_CITY_REFRESH_SECONDS", "30")),
            claim_idle_seconds=float(_env("URBAN_RISK_CLAIM_IDLE_SECONDS", "30")),
            tls=ServerTls.from_env(),
            health_listen=_optional_address("URBAN_RISK_HEALTH_LISTEN"),
            rate_limit=RateLimitSettings.from_env(),
            registry_tls=ClientTls.from_env("URBAN_REGISTRY_TLS"),
            head_check_seconds=float(_env("URBAN_RISK_HEAD_CHECK_SECONDS", "10")),
            feed_stuck_seconds=float(_env("URBAN_RISK_FEED_STUCK_SECONDS", "300")),
            limits=ServerLimits.from_env(),
            web_listen=Address.parse(_env("URBAN_RISK_WEB_LISTEN", "127.0.0.1:8080")),
            stale_after_seconds=float(_env("URBAN_RISK_STALE_AFTER_SECONDS", "604800")),
        )
