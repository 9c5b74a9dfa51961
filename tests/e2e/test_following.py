"""End to end on both paths: push a data set, wait for the risk service, compare every series
with values computed independently from the registry; update, delete, compare again; verify."""

import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from google.type import date_pb2

from services.common.clock import today_in_zhejiang
from services.demo.dataset import generate
from tests.e2e.expected import Expected
from tests.e2e.scrape import nonzero, series
from tests.health import risk_is_ready
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r
from urban.risk.v1 import risk_service_pb2 as risk_api

FIRST_DAY_OF_PLAN = date_pb2.Date(year=2024, month=1, day=1)
COMPARED = (
    "urban_assets",
    "urban_pipe_length_meters",
    "urban_pipe_must_renovate_length_meters",
    "urban_renovations_started_in_plan",
    "urban_pipe_renovated_in_plan_meters",
    "urban_flood_control_compliance_ratio",
    "urban_plan_progress_ratio",
)


def push(client, assets):
    for start in range(0, len(assets), 1000):
        chunk = assets[start : start + 1000]
        client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(parent="cities/-", assets=chunk))


def registry_state(client):
    assets, token = [], ""
    while True:
        page = client.ListAssets(
            api.ListAssetsRequest(parent="cities/-", page_size=1000, page_token=token)
        )
        assets += page.assets
        if not (token := page.next_page_token):
            break
    cities = {c.code: c.urban_population for c in client.ListCities(api.ListCitiesRequest()).cities}
    return assets, cities


def caught_up(system) -> bool:
    """The risk service is ready (it knows the registry's cities) and applied the log's head."""
    head = system.registry_client.ListChanges(api.ListChangesRequest(page_size=1)).head_revision
    ready = risk_is_ready(system.risk.address())
    return ready and system.metric("urban_risk_applied_revision") == head


def assert_series_match(system):
    wait_until(lambda: caught_up(system), timeout=60)
    assets, cities = registry_state(system.registry_client)
    expected = Expected(assets, cities, today_in_zhejiang().year)
    for metric in COMPARED:
        exported = nonzero(series(system.risk.metrics, metric))
        wanted = nonzero(expected.series[metric])
        assert set(exported) == set(wanted), metric
        for labels, value in wanted.items():
            assert exported[labels] == pytest.approx(value, rel=1e-9), (metric, labels)
    assert_levels_cover_unrenovated_length(system, assets)
    assert_last_change_times(system)


def assert_levels_cover_unrenovated_length(system, assets):
    by_level = series(system.risk.metrics, "urban_pipe_risk_length_meters")
    for city in {a.name.split("/")[1] for a in assets}:
        open_length = sum(
            a.pipe_segment.length_m
            for a in assets
            if a.WhichOneof("spec") == "pipe_segment"
            and a.name.split("/")[1] == city
            and a.pipe_segment.status not in (r.PIPE_STATUS_RENOVATED, r.PIPE_STATUS_RETIRED)
        )
        levelled = sum(v for labels, v in by_level.items() if labels[0] == city)
        assert levelled == pytest.approx(open_length, rel=1e-9, abs=1e-6), city


def assert_last_change_times(system):
    changes, start = [], 1
    while True:
        page = system.registry_client.ListChanges(api.ListChangesRequest(start_revision=start))
        changes += page.changes
        if not page.changes:
            break
        start = page.next_revision
    newest = {}
    for change in changes:
        city = change.asset_name.split("/")[1]
        newest[city] = max(newest.get(city, 0.0), change.commit_time.ToNanoseconds() / 1e9)
    exported = series(system.risk.metrics, "urban_city_last_change_timestamp_seconds")
    assert {labels[0]: value for labels, value in exported.items()} == pytest.approx(newest)


def renovate_some_pipes(client, assets, count: int):
    pipes = [a for a in assets if a.WhichOneof("spec") == "pipe_segment"][:count]
    for pipe in pipes:
        patch = r.Asset(name=pipe.name)
        patch.pipe_segment.CopyFrom(pipe.pipe_segment)
        patch.pipe_segment.status = r.PIPE_STATUS_RENOVATED
        patch.pipe_segment.renovation_completion_date.CopyFrom(FIRST_DAY_OF_PLAN)
        mask = FieldMask(paths=["pipe_segment"])
        client.UpdateAsset(api.UpdateAssetRequest(asset=patch, update_mask=mask))


def exercise(system):
    client = system.registry_client
    assets = list(generate(2500, seed=11))
    push(client, assets)
    assert_series_match(system)
    renovate_some_pipes(client, assets, 40)
    for asset in assets[-30:]:
        client.DeleteAsset(api.DeleteAssetRequest(name=asset.name))
    jiaxing = r.City(name="cities/330400", urban_population=1_000_000)
    client.UpdateCity(
        api.UpdateCityRequest(city=jiaxing, update_mask=FieldMask(paths=["urban_population"]))
    )
    cities = system.risk.read_model.queries.cities
    wait_until(lambda: cities()["330400"].urban_population == 1_000_000)
    assert_series_match(system)
    report = system.risk_client.VerifyReadModel(risk_api.VerifyReadModelRequest())
    assert report.consistent and report.assets_checked > 2000


def test_watch_path_on_sqlite(watch_system):
    exercise(watch_system)


def test_redis_path_on_postgresql(redis_system):
    exercise(redis_system)
