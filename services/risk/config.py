"""The risk service's settings (see the README's settings table)."""

from dataclasses import dataclass

from services.common.config import Address, ServiceSettings, env, optional_env, seconds_env
from services.common.tls import ClientTls


@dataclass(frozen=True, kw_only=True)
class RiskSettings(ServiceSettings):
    registry_target: str
    registry_token: str | None
    verify_interval_seconds: float = 600.0
    city_refresh_seconds: float = 30.0
    claim_idle_seconds: float = 30.0  # a consumer's unacknowledged entries idle this long are taken
    registry_tls: ClientTls | None = None  # how to reach a registry that serves TLS
    head_check_seconds: float = 10.0  # how often the registry's head and log are read
    feed_stuck_seconds: float = 300.0  # behind the head without progress this long: stuck
    web_listen: Address = Address("127.0.0.1", 0)  # the status pages
    stale_after_seconds: float = 7 * 86400.0  # a city unchanged this long shows as stale

    @classmethod
    def from_env(cls) -> "RiskSettings":
        return cls(
            **cls.values_from_env("risk", grpc_port=50052, metrics_port=9102),
            registry_target=env("URBAN_REGISTRY_TARGET", "127.0.0.1:50051"),
            registry_token=optional_env("URBAN_REGISTRY_TOKEN"),
            verify_interval_seconds=seconds_env("URBAN_RISK_VERIFY_INTERVAL_SECONDS", 600),
            city_refresh_seconds=seconds_env("URBAN_RISK_CITY_REFRESH_SECONDS", 30),
            claim_idle_seconds=seconds_env("URBAN_RISK_CLAIM_IDLE_SECONDS", 30),
            registry_tls=ClientTls.from_env("URBAN_REGISTRY_TLS"),
            head_check_seconds=seconds_env("URBAN_RISK_HEAD_CHECK_SECONDS", 10),
            feed_stuck_seconds=seconds_env("URBAN_RISK_FEED_STUCK_SECONDS", 300),
            web_listen=Address.parse(env("URBAN_RISK_WEB_LISTEN", "127.0.0.1:8080")),
            stale_after_seconds=seconds_env("URBAN_RISK_STALE_AFTER_SECONDS", 7 * 86400),
        )
