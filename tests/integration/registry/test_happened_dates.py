"""Dates that record what happened are refused when later than the registry's today, on every
write path; planned dates may lie ahead."""

import datetime as dt

import grpc
import pytest
from google.type import date_pb2

from services.registry.wiring import Registry
from tests.builders import pipe
from tests.integration.registry.conftest import Client
from tests.integration.registry.errors import call_error, violations
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.registry.v1 import resources_pb2 as r

TODAY = dt.date(2026, 12, 2)  # the registry's clock is pinned to this day
HANGZHOU = "cities/330100"
NAME = "cities/330100/assets/renovated-1"


def day(value: dt.date) -> date_pb2.Date:
    return date_pb2.Date(year=value.year, month=value.month, day=value.day)


TOMORROW = day(TODAY + dt.timedelta(days=1))
FIELD = "pipe_segment.renovation_completion_date"


@pytest.fixture
def admin(registry_settings, tokens):
    registry = Registry(registry_settings, today=lambda: TODAY)
    registry.start(serve_metrics=False)
    with grpc.insecure_channel(registry.address()) as channel:
        yield Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])
    registry.stop()


def renovated(name: str = NAME, on: date_pb2.Date = TOMORROW) -> r.Asset:
    return pipe(name, status=r.PIPE_STATUS_RENOVATED, renovation_completion_date=on)


def create(client, asset: r.Asset):
    asset_id = asset.name.rsplit("/", 1)[1]
    asset.name = ""
    return client.CreateAsset(
        api.CreateAssetRequest(parent=HANGZHOU, asset_id=asset_id, asset=asset)
    )


def update(client, asset: r.Asset):
    return client.UpdateAsset(api.UpdateAssetRequest(asset=asset, allow_missing=True))


def batch_upsert(client, asset: r.Asset):
    return client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(parent=HANGZHOU, assets=[asset]))


def import_assets(client, asset: r.Asset):
    return list(
        client.ImportAssets(iter([api.ImportAssetsRequest(parent=HANGZHOU, assets=[asset])]))
    )


PATHS = {
    "CreateAsset": (create, "asset."),
    "UpdateAsset": (update, "asset."),
    "BatchUpsertAssets": (batch_upsert, "assets[0]."),
    "ImportAssets": (import_assets, "assets[0]."),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_a_pipe_renovated_tomorrow_is_refused_saying_why(admin, path):
    call, prefix = PATHS[path]
    error = call_error(
        lambda request: call(admin, request), renovated(), grpc.StatusCode.INVALID_ARGUMENT
    )
    description = violations(error)[prefix + FIELD]
    assert "records what happened and cannot be later than today" in description
    assert "2026-12-02 in China Standard Time" in description
    assert admin.ListChanges(api.ListChangesRequest()).head_revision == 0


@pytest.mark.parametrize("path", list(PATHS))
def test_a_pipe_renovated_today_is_stored(admin, path):
    call, _ = PATHS[path]
    call(admin, renovated(on=day(TODAY)))
    stored = admin.GetAsset(api.GetAssetRequest(name=NAME))
    assert stored.pipe_segment.renovation_completion_date == day(TODAY)


@pytest.mark.parametrize("path", list(PATHS))
def test_planned_dates_may_lie_ahead(admin, path):
    call, _ = PATHS[path]
    planned = r.Asset(
        name="cities/330100/assets/compound-1",
        display_name="Old compound",
        old_compound=r.OldCompound(
            build_year=1990,
            households=300,
            buildings=12,
            status=r.RENOVATION_STATUS_PLANNED,
            plan_year=2027,
            start_date=TOMORROW,
            completion_date=day(TODAY + dt.timedelta(days=200)),
        ),
    )
    call(admin, planned)
    assert admin.ListChanges(api.ListChangesRequest()).head_revision == 1
