"""Every metric that a rule or dashboard queries is one the services really export: both run as
subprocesses (the registry with Redis, so its outbox metrics exist), receive data and calls, and
their /metrics are scraped and compared with the names in every PromQL query."""

import uuid

import grpc
import pytest
import redis

from services.risk.domain.samples import CONTRACT_METRICS
from tests.conftest import REDIS_URL, service_absent
from tests.deploy.live_services import Stack, issue_credentials
from tests.deploy.promql_names import all_queries, metric_names, recorded_names, selections
from tests.deploy.sample_assets import upsert_request
from tests.deploy.scrape import exported_series, sample_value, scrape
from tests.health import risk_is_ready
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2_grpc
from urban.risk.v1 import risk_service_pb2 as risk_api
from urban.risk.v1 import risk_service_pb2_grpc

PROMETHEUS_OWN = {"up"}  # series Prometheus makes for every target
TARGET_LABELS = {"job", "instance"}
REGISTRY_OUTBOX = {
    "urban_registry_outbox_backlog",
    "urban_registry_outbox_oldest_unpublished_age_seconds",
    "urban_registry_relay_published_total",
}


@pytest.fixture(scope="module")
def stream_prefix():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means absent
        service_absent("Redis", error)
    prefix = f"urban-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def exported(tmp_path_factory, stream_prefix) -> dict[str, set[str]]:
    """Series name -> label names, from both services' /metrics after data and calls."""
    directory = tmp_path_factory.mktemp("live-metrics")
    stack = Stack(directory, issue_credentials(directory), REDIS_URL, stream_prefix)
    registry = stack.start_registry()
    try:
        risk = stack.start_risk(registry)
        try:
            return _exercise_and_scrape(stack, registry, risk)
        finally:
            risk.stop()
    finally:
        registry.stop()


def _exercise_and_scrape(stack, registry, risk) -> dict[str, set[str]]:
    metadata = stack.credentials.admin_metadata
    with grpc.insecure_channel(registry.grpc_target) as channel:
        registry_service_pb2_grpc.RegistryServiceStub(channel).BatchUpsertAssets(
            upsert_request(), metadata=metadata, timeout=30
        )

    def revision(service, name):
        return sample_value(scrape(service.metrics_target), name)

    head = wait_until(lambda: revision(registry, "urban_registry_head_revision"))
    wait_until(lambda: risk_is_ready(risk.grpc_target))
    wait_until(lambda: revision(risk, "urban_risk_applied_revision") == head)
    with grpc.insecure_channel(risk.grpc_target) as channel:
        risk_service_pb2_grpc.RiskServiceStub(channel).GetPlanProgress(
            risk_api.GetPlanProgressRequest(), metadata=metadata, timeout=30
        )
    series: dict[str, set[str]] = {}
    for service in (registry, risk):
        for name, labels in exported_series(scrape(service.metrics_target)).items():
            series[name] = series.get(name, set()) | labels
    return series


def test_the_scrape_is_complete_enough_to_judge_by(exported):
    assert {spec.name for spec in CONTRACT_METRICS} <= set(exported)
    assert set(exported) >= REGISTRY_OUTBOX
    assert "urban_rpc_requests_total" in exported and "urban_risk_feed_lag_seconds" in exported


def test_every_metric_queried_by_rules_and_dashboards_is_exported(exported):
    known = set(exported) | recorded_names() | PROMETHEUS_OWN
    unknown = [
        f"{name}  (in {query.where})"
        for query in all_queries()
        for name in sorted(metric_names(query.expr) - known)
    ]
    assert not unknown, "metrics no service exports:\n" + "\n".join(unknown)


def test_every_label_matched_on_is_exported_with_its_metric(exported):
    unknown = [
        f"{selection.metric}{{{label}}}  (in {query.where})"
        for query in all_queries()
        for selection in selections(query.expr)
        if selection.metric in exported
        for label in sorted(selection.labels - exported[selection.metric] - TARGET_LABELS)
    ]
    assert not unknown, "labels the metric does not carry:\n" + "\n".join(unknown)


def test_every_contract_metric_is_queried_somewhere():
    queried = set().union(*(metric_names(query.expr) for query in all_queries()))
    assert {spec.name for spec in CONTRACT_METRICS} - queried == set()
