"""The services started inside the test process, on free ports."""

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry

from services.common.config import Address
from services.registry.config import RegistrySettings
from services.registry.wiring import Registry
from services.risk.config import RiskSettings
from services.risk.wiring import Risk
from tests.conftest import REDIS_URL
from tests.integration.registry.conftest import settings_for


def registry_settings(
    database_url: str, tokens_file: str, redis_url: str | None = None, redis_prefix="unused"
) -> RegistrySettings:
    return dataclasses.replace(
        settings_for(database_url, tokens_file), redis_url=redis_url, redis_prefix=redis_prefix
    )


def start_registry(settings: RegistrySettings, serve_http: bool = False) -> Registry:
    registry = Registry(settings, CollectorRegistry())
    registry.start(serve_metrics=False, serve_http=serve_http)
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


def start_risk(settings: RiskSettings, serve_pages: bool = False) -> Risk:
    risk = Risk(settings, CollectorRegistry())
    risk.start(serve_metrics=False, serve_pages=serve_pages)
    return risk


@contextmanager
def running_on_redis(
    registry_url: str, risk_url: str, tokens_file: str, tokens: dict, redis_prefix: str
) -> Iterator[tuple[Registry, Risk]]:
    """The registry, and a risk service following it through the test Redis; stopped after."""
    registry = start_registry(registry_settings(registry_url, tokens_file, REDIS_URL, redis_prefix))
    risk = start_risk(risk_settings(
        risk_url, tokens_file, registry.address(), tokens["risk-service"], REDIS_URL, redis_prefix
    ))
    try:
        yield registry, risk
    finally:
        risk.stop()
        registry.stop()
