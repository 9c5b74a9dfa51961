"""A registry and a risk service following it, both with their HTTP ports, for clients that
are not this project's."""

import pytest
from prometheus_client import CollectorRegistry

from services.common.tokens import add_token
from services.registry.wiring import Registry
from services.risk.wiring import Risk
from tests.health import risk_is_ready
from tests.reliability.in_process import registry_settings, risk_settings
from tests.waiting import wait_until


@pytest.fixture
def services(tmp_path):
    tokens_file = str(tmp_path / "tokens.yaml")
    tokens = {
        "writer": add_token(tokens_file, "hangzhou", ["assets.write:330100", "assets.read:*"]),
        "other": add_token(tokens_file, "ningbo", ["assets.write:330200"]),
        "risk": add_token(tokens_file, "risk-service", ["assets.read:*"]),
    }
    registry = Registry(registry_settings(f"sqlite:///{tmp_path / 'r.db'}", tokens_file))
    registry.start(serve_metrics=False, serve_http=True)
    risk = Risk(
        risk_settings(f"sqlite:///{tmp_path / 'risk.db'}", tokens_file, registry.address(),
                      tokens["risk"]),
        CollectorRegistry(),
    )
    risk.start(serve_metrics=False, serve_pages=True)
    try:
        wait_until(lambda: risk_is_ready(risk.address()), timeout=60)
        yield registry, risk, tokens
    finally:
        risk.stop()
        registry.stop()
