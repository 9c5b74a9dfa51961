"""The services started inside the test process, on free ports."""

import dataclasses

from prometheus_client import CollectorRegistry

from services.common.config import Address
from services.registry.config import RegistrySettings
from services.registry.wiring import Registry
from services.risk.config import RiskSettings
from services.risk.wiring import Risk
from tests.integration.registry.conftest import settings_for


def registry_settings(
    database_url: str, tokens_file: str, redis_url: str | None = None, redis_prefix="unused"
) -> RegistrySettings:
    return dataclasses.replace(
        settings_for(database_url, tokens_file), redis_url=redis_url, redis_prefix=redis_prefix
    )


def start_registry(settings: RegistrySettings) -> Registry:
    registry = Registry(settings, CollectorRegistry())
    registry.start(serve_metrics=False)
    return registry


def risk_settings(
    database_url: str,
    tokens_file: str,
    registry_address: str,
    token: str,
    redis_url: str | None = None,
    redis_prefix: str = "unused",
) -> RiskSettings:
    return RiskSettings(
        listen=Address("127.0.0.1", 0),
        metrics_listen=Address("127.0.0.1", 0),
        database_url=database_url,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        registry_target=registry_address,
        registry_token=token,
        tokens_file=tokens_file,
        shutdown_grace_seconds=2,
        verify_interval_seconds=3600,
        city_refresh_seconds=5,
    )


def start_risk(settings: RiskSettings) -> Risk:
    risk = Risk(settings, CollectorRegistry())
    risk.start(serve_metrics=False)
    return risk
