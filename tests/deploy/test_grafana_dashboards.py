"""The Grafana dashboards: well-formed, on the data-source variable, laid out on the grid, and
showing what operators and the plan's owners need. (Grafana itself cannot run here: no package
for it is reachable, so the JSON is checked against what Grafana's provisioning reads.)"""

import json

import pytest
import yaml

from tests.deploy.paths import GRAFANA_PROVISIONING, dashboard_files
from tests.deploy.promql_names import metric_names, rules, selections

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
GRID_COLUMNS = 24


def dashboard(name: str) -> dict:
    return json.loads(next(p for p in dashboard_files() if p.stem == name).read_text())


def panels(board: dict) -> list[dict]:
    return [panel for panel in board["panels"] if panel["type"] != "row"]


def source_metrics(board: dict) -> set[str]:
    """Metrics a dashboard reads, through the recording rules it uses."""
    recorded = {rule["record"]: rule["expr"] for _, rule in rules() if "record" in rule}
    pending = set().union(*(metric_names(t["expr"]) for p in panels(board) for t in p["targets"]))
    found: set[str] = set()
    while pending:
        name = pending.pop()
        if name in recorded:
            pending |= metric_names(recorded[name])
        else:
            found.add(name)
    return found


@pytest.fixture(params=[path.stem for path in dashboard_files()])
def board(request) -> dict:
    return dashboard(request.param)


def test_there_is_a_plan_dashboard_and_a_service_health_dashboard():
    assert {path.stem for path in dashboard_files()} == {"urban-plan", "urban-service-health"}
    uids = [dashboard(path.stem)["uid"] for path in dashboard_files()]
    assert len(set(uids)) == len(uids)


def test_every_panel_queries_the_data_source_variable(board):
    variable = next(v for v in board["templating"]["list"] if v["name"] == "datasource")
    assert (variable["type"], variable["query"]) == ("datasource", "prometheus")
    for panel in panels(board):
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE and target["expr"], panel["title"]
            selections(target["expr"])  # parses as PromQL


def test_panels_sit_on_the_grid_without_overlapping(board):
    taken: set[tuple[int, int]] = set()
    for panel in board["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= GRID_COLUMNS, panel["title"]
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells
    ids = [panel["id"] for panel in board["panels"]]
    assert len(set(ids)) == len(ids)


def test_every_panel_is_titled_and_described(board):
    for panel in panels(board):
        assert panel["title"] and panel["description"], panel["id"]


def test_the_plan_dashboard_shows_targets_cities_pipes_and_flood_control():
    board = dashboard("urban-plan")
    assert {
        "urban_plan_progress_ratio",
        "urban_plan_expected_progress_ratio",
        "urban_renovations_started_in_plan",
        "urban_pipe_renovated_in_plan_meters",
        "urban_pipe_risk_length_meters",
        "urban_pipe_must_renovate_length_meters",
        "urban_flood_control_compliance_ratio",
        "urban_city_last_change_timestamp_seconds",
        "urban_assets",
    } <= source_metrics(board)
    city = next(v for v in board["templating"]["list"] if v["name"] == "city")
    assert city["multi"] and city["includeAll"]
    waterlogging = [
        t["expr"] for p in panels(board) for t in p["targets"] if "waterlogging_point" in t["expr"]
    ]
    assert waterlogging, "no panel for waterlogging points"
    per_city = [p for p in panels(board) for t in p["targets"] if 'city=~"$city"' in t["expr"]]
    assert len(per_city) >= 5


def test_the_service_dashboard_shows_rpcs_feed_outbox_and_read_model():
    assert {
        "urban_rpc_requests_total",
        "urban_rpc_duration_seconds_bucket",
        "urban_risk_feed_lag_seconds",
        "urban_risk_applied_revision",
        "urban_registry_head_revision",
        "urban_registry_outbox_backlog",
        "urban_registry_outbox_oldest_unpublished_age_seconds",
        "urban_risk_read_model_consistent",
        "up",
    } <= source_metrics(dashboard("urban-service-health"))


def test_the_provisioned_data_source_is_prometheus_and_the_default():
    path = GRAFANA_PROVISIONING / "datasources" / "prometheus.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    (source,) = document["datasources"]
    assert source["type"] == "prometheus" and source["isDefault"] is True
