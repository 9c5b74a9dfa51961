import urllib.error
import urllib.request

import pytest
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


@pytest.mark.parametrize("path", ["/", "/status", "/metrics/extra", "/favicon.ico"])
def test_other_paths_are_not_found(path):
    port = start_metrics_server(Address.parse("127.0.0.1:0"), CollectorRegistry())
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
    assert error.value.code == 404


def test_metrics_answer_with_a_query_string_too():
    port = start_metrics_server(Address.parse("127.0.0.1:0"), CollectorRegistry())
    url = f"http://127.0.0.1:{port}/metrics?name[]=urban_test_value"
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
