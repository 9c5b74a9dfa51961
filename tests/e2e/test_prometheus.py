"""End to end with a real Prometheus: both services run as subprocesses, Prometheus (Debian's
package) scrapes them with the project's configuration and rules, and its HTTP API shows the
data pushed to the registry, the province-wide recording rules, and alerts firing."""

import contextlib
import dataclasses

import grpc
import pytest

from tests.deploy.contract import JOBS
from tests.deploy.live_services import RunningService, Stack, issue_credentials
from tests.deploy.prometheus_server import PrometheusServer, fast_configuration
from tests.deploy.sample_assets import EXPECTED_RISK_SERIES, HANGZHOU, sample_assets, upsert_request
from tests.deploy.tools import debian_prometheus_tool
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2_grpc

pytestmark = pytest.mark.prometheus

DEADLINE_SECONDS = 60.0
STALE_AFTER_SECONDS = 5  # instead of 30 days, so that a city goes stale during the test


@dataclasses.dataclass
class System:
    stack: Stack
    registry: RunningService
    risk: RunningService
    prometheus: PrometheusServer


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """One run for the module: the services, Prometheus, and the sample pushed once."""
    executable = debian_prometheus_tool("prometheus")
    directory = tmp_path_factory.mktemp("prometheus-e2e")
    with contextlib.ExitStack() as cleanup:
        stack = Stack(directory, issue_credentials(directory))
        registry = stack.start_registry()
        cleanup.callback(registry.stop)
        risk = stack.start_risk(registry)
        cleanup.callback(risk.stop)
        config = fast_configuration(
            {JOBS["registry"]: registry.metrics_target, JOBS["risk"]: risk.metrics_target},
            directory,
            rule_changes={"UrbanCityDataStale": ("30 * 86400", str(STALE_AFTER_SECONDS))},
        )
        prometheus = PrometheusServer(executable, config, directory).start()
        cleanup.callback(prometheus.stop)
        push_sample(stack, registry)
        yield System(stack, registry, risk, prometheus)


def value_of(prometheus: PrometheusServer, expr: str) -> float | None:
    result = prometheus.query(expr)
    return float(result[0]["value"][1]) if len(result) == 1 else None


def wait_for_value(prometheus: PrometheusServer, expr: str, expected: float) -> None:
    seen: list[float | None] = []

    def arrived() -> bool:
        seen.append(value_of(prometheus, expr))
        return seen[-1] == expected

    try:
        wait_until(arrived, DEADLINE_SECONDS, interval=0.5)
    except AssertionError:
        raise AssertionError(f"{expr}: expected {expected}, Prometheus has {seen[-1]}") from None


def firing(prometheus: PrometheusServer, alertname: str, **labels) -> list[dict]:
    return [
        alert
        for alert in prometheus.alerts()
        if alert["labels"]["alertname"] == alertname
        and alert["state"] == "firing"
        and all(alert["labels"].get(name) == value for name, value in labels.items())
    ]


def selector(metric: str, labels: tuple[tuple[str, str], ...]) -> str:
    return metric + "{" + ", ".join(f'{name}="{value}"' for name, value in labels) + "}"


def push_sample(stack, registry) -> None:
    with grpc.insecure_channel(registry.grpc_target) as channel:
        stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
        response = stub.BatchUpsertAssets(
            upsert_request(), metadata=stack.credentials.admin_metadata, timeout=30
        )
    assert response.created_count == len(sample_assets())


def test_both_services_are_scraped(system):
    for job in JOBS.values():
        wait_for_value(system.prometheus, f'up{{job="{job}"}}', 1)


def test_pushed_data_reaches_prometheus_with_the_expected_values(system):
    prometheus, changes = system.prometheus, len(sample_assets())
    wait_for_value(prometheus, "urban_registry_head_revision", changes)
    wait_for_value(prometheus, "urban_risk_applied_revision", changes)
    wait_for_value(
        prometheus,
        'urban_rpc_requests_total{service="registry", method="BatchUpsertAssets", code="OK"}',
        1,
    )
    for (metric, labels), expected in EXPECTED_RISK_SERIES.items():
        wait_for_value(prometheus, selector(metric, labels), expected)


def test_a_city_gone_stale_fires_its_alert(system):
    alerts = wait_until(
        lambda: firing(system.prometheus, "UrbanCityDataStale", city=HANGZHOU),
        DEADLINE_SECONDS,
        interval=0.5,
    )
    assert alerts[0]["labels"]["severity"] == "warning"
    assert float(alerts[0]["value"]) > STALE_AFTER_SECONDS
    assert f"city {HANGZHOU}" in alerts[0]["annotations"]["summary"]


def test_a_stopped_service_fires_the_service_down_alert(system):
    """Stops the risk service: the module's last test."""
    prometheus, risk = system.prometheus, system.risk
    wait_for_value(prometheus, f'up{{job="{JOBS["risk"]}"}}', 1)
    risk.stop()
    alerts = wait_until(
        lambda: firing(prometheus, "UrbanServiceDown", job=JOBS["risk"]),
        DEADLINE_SECONDS,
        interval=0.5,
    )
    assert alerts[0]["labels"]["instance"] == risk.metrics_target
    assert not firing(prometheus, "UrbanServiceDown", job=JOBS["registry"])
