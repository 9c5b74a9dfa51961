"""Prometheus's configuration and rules pass promtool (Debian's package): the configuration and
rule files check clean, and the unit tests under deploy/prometheus/tests/ pass and cover every
alert, firing and not firing."""

import subprocess
import sys

import pytest
import yaml

from tests.deploy.contract import JOBS
from tests.deploy.paths import (
    PROMETHEUS_CONFIG,
    PROMETHEUS_RULE_RENDERER,
    RULE_TESTS_DIR,
    rule_files,
)
from tests.deploy.promql_names import alert_names, metric_names, recorded_names, rules
from tests.deploy.tools import debian_prometheus_tool

pytestmark = pytest.mark.prometheus


def promtool(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [debian_prometheus_tool("promtool"), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_succeeds(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, f"{result.args}:\n{result.stdout}\n{result.stderr}"


def rule_test_files():
    return sorted(RULE_TESTS_DIR.glob("*.test.yml"))


def test_the_configuration_and_the_rule_files_it_loads_check_clean():
    result = promtool("check", "config", str(PROMETHEUS_CONFIG))
    assert_succeeds(result)
    for path in rule_files():
        assert path.name in result.stdout, f"prometheus.yml does not load {path.name}"


def test_the_rule_files_check_clean():
    assert_succeeds(promtool("check", "rules", *map(str, rule_files())))


def test_the_rule_unit_tests_pass():
    assert_succeeds(promtool("test", "rules", *map(str, rule_test_files())))


def test_every_alert_has_a_unit_test_that_fires_it_and_one_that_does_not():
    fired, quiet = set(), set()
    for path in rule_test_files():
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            for check in case.get("alert_rule_test", []):
                (fired if check["exp_alerts"] else quiet).add(check["alertname"])
    assert alert_names() - fired == set(), "alerts never expected to fire in a unit test"
    assert alert_names() - quiet == set(), "alerts never expected to stay quiet in a unit test"


def test_every_recording_rule_has_a_unit_test():
    tested = set()
    for path in rule_test_files():
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            tested |= {check["expr"] for check in case.get("promql_expr_test", [])}
    assert recorded_names() - tested == set()


def test_alerts_carry_a_severity_a_summary_and_a_description():
    for _, rule in rules():
        if "alert" in rule:
            assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
            assert {"summary", "description"} <= set(rule["annotations"]), rule["alert"]


def test_recording_rules_follow_the_level_metric_operation_convention():
    for name in recorded_names():
        level, metric, operation = name.split(":")
        assert level and metric.startswith("urban_") and operation, name


def test_the_scrape_jobs_are_the_ones_the_alerts_name():
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == set(JOBS.values())
    service_down = next(rule for _, rule in rules() if rule.get("alert") == "UrbanServiceDown")
    for job in JOBS.values():
        assert job in service_down["expr"]
    assert metric_names(service_down["expr"]) == {"up"}


def test_the_prometheus_operator_rule_is_the_rule_files():
    result = subprocess.run(
        [sys.executable, str(PROMETHEUS_RULE_RENDERER), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
