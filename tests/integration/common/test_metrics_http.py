import urllib.request

from prometheus_client import CollectorRegistry, Gauge

from services.common.config import Address
from services.common.metrics_http import start_metrics_server


def test_serves_the_registry_on_a_free_port():
    registry = CollectorRegistry()
    Gauge("urban_test_value", "A value for the test.", registry=registry).set(42)
    port = start_metrics_server(Address.parse("127.0.0.1:0"), registry)
    assert port > 0
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        body = response.read().decode()
    assert "urban_test_value 42.0" in body
