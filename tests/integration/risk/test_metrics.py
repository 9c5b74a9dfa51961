"""The /metrics collector: CONTRACT's metrics from rollups only, valid for promtool."""

import shutil
import subprocess
from datetime import date

import pytest
import sqlalchemy as sa
from prometheus_client import CollectorRegistry, generate_latest

from services.risk.app.batches import ApplyResult
from services.risk.domain.samples import CONTRACT_METRICS
from services.risk.domain.verification import VerifyReport
from services.risk.metrics import FeedHealth, ReadModelCollector
from tests.conftest import service_absent
from tests.integration.risk.conftest import TODAY
from tests.unit.risk.builders import HANGZHOU, JIAXING, created, pipe, point, renovation, zone

ASSETS = [
    pipe("g1", material="gray_cast_iron", commissioned_year=1990, length_m=120.0),
    pipe("g2", status="renovated", length_m=50.0, renovation_completion_date=date(2025, 2, 1)),
    renovation("old_compound", "c1", status="started", start_date=date(2024, 5, 1)),
    renovation("urban_village", "v1", status="completed"),
    zone("z1", area=3.0, assessed=50),
    zone("z2", JIAXING, area=1.0, assessed=10),
    point("w1", status="closed"),
]


@pytest.fixture
def scraped(read_model):
    read_model.updates.apply(
        [created(i + 1, facts, 1_750_000_000.0) for i, facts in enumerate(ASSETS)]
    )
    registry = CollectorRegistry()
    registry.register(ReadModelCollector(read_model.queries, clock=lambda: TODAY))
    health = FeedHealth(registry, now=lambda: 1_750_000_010.0)
    health.record_batch(ApplyResult(7, 2, 7, 1_750_000_004.0, oldest_commit_time=1_750_000_000.0))
    return registry, health


def test_contract_metrics_come_from_the_rollups(scraped):
    registry, _ = scraped
    value = registry.get_sample_value
    assert (
        value(
            "urban_pipe_length_meters", {"city": HANGZHOU, "network": "gas", "status": "in_service"}
        )
        == 120.0
    )
    assert (
        value("urban_pipe_must_renovate_length_meters", {"city": HANGZHOU, "network": "gas"})
        == 120.0
    )
    assert (
        value(
            "urban_pipe_risk_length_meters", {"city": HANGZHOU, "network": "gas", "level": "major"}
        )
        == 120.0
    )
    assert value("urban_pipe_renovated_in_plan_meters", {"city": HANGZHOU, "network": "gas"}) == 50
    assert (
        value("urban_renovations_started_in_plan", {"city": HANGZHOU, "kind": "old_compound"}) == 1
    )
    assert (
        value("urban_assets", {"city": JIAXING, "kind": "drainage_zone", "status": "non_compliant"})
        == 1
    )
    assert value("urban_flood_control_compliance_ratio", {"city": HANGZHOU}) == 1.0
    assert value("urban_flood_control_compliance_ratio", {"city": JIAXING}) == 0.0
    assert value("urban_plan_progress_ratio", {"target": "urban_villages_completed"}) == 1.0
    assert value("urban_plan_progress_ratio", {"target": "old_compounds_started"}) == 1 / 2000
    assert value("urban_plan_expected_progress_ratio", {"target": "pipes_renovated"}) == (
        pytest.approx(547 / 1827)
    )
    assert value("urban_city_last_change_timestamp_seconds", {"city": HANGZHOU}) == 1_750_000_000


def test_health_metrics(scraped):
    registry, health = scraped
    value = registry.get_sample_value
    assert value("urban_risk_events_applied_total") == 7
    assert value("urban_risk_events_skipped_total") == 2
    assert value("urban_risk_feed_lag_seconds") == 10.0
    assert value("urban_risk_applied_revision") == 7
    assert (
        value(
            "urban_risk_rules_info",
            {"rules_version": "gb-2022-22-v1", "plan_version": "zj-2024-2028-v1"},
        )
        == 1
    )
    health.record_verify(VerifyReport(False, 10, 7, [("k", 1.0, 2.0)]))
    assert value("urban_risk_read_model_consistent") == 0
    assert value("urban_risk_read_model_differences") == 1


def test_no_figure_is_exported_before_the_service_is_ready(read_model):
    read_model.updates.apply([created(i + 1, f, 1_750_000_000.0) for i, f in enumerate(ASSETS)])
    registry, ready = CollectorRegistry(), [False]
    registry.register(ReadModelCollector(read_model.queries, lambda: TODAY, lambda: ready[0]))
    health = FeedHealth(registry)
    exported = {s.name for family in registry.collect() for s in family.samples}
    assert exported.isdisjoint(spec.name for spec in CONTRACT_METRICS)
    assert registry.get_sample_value("urban_risk_applied_revision") == len(ASSETS)
    assert registry.get_sample_value("urban_risk_ready") == 0
    assert_promtool_accepts(generate_latest(registry))
    ready[0] = True
    health.ready.set(1)
    assert registry.get_sample_value("urban_flood_control_compliance_ratio", {"city": JIAXING}) == 0


def test_every_metric_passes_promtool(scraped):
    registry, health = scraped
    health.record_verify(VerifyReport(True, 10, 7, []))
    assert_promtool_accepts(generate_latest(registry))


def assert_promtool_accepts(exposition: bytes) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        service_absent("promtool", FileNotFoundError("promtool is not on PATH"))
    checked = subprocess.run(
        [promtool, "check", "metrics"], input=exposition, capture_output=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
    assert checked.stdout.decode().strip() == "" and checked.stderr.decode().strip() == ""


def statements_during_scrape(read_model) -> list[str]:
    registry = CollectorRegistry()
    registry.register(ReadModelCollector(read_model.queries, clock=lambda: TODAY))
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_):
        seen.append(statement)

    sa.event.listen(read_model.store.engine, "before_cursor_execute", record)
    try:
        generate_latest(registry)
    finally:
        sa.event.remove(read_model.store.engine, "before_cursor_execute", record)
    return seen


def test_a_scrape_never_reads_per_asset_rows_and_costs_the_same_at_any_size(read_model):
    read_model.updates.apply([created(1, pipe("p0"))])
    few = statements_during_scrape(read_model)
    read_model.updates.apply([created(i + 2, pipe(f"p{i + 1}")) for i in range(300)])
    many = statements_during_scrape(read_model)
    assert few == many
    assert not any("risk_assets" in statement for statement in many)
