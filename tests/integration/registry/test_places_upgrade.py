"""Assets stored before the registry knew the real divisions: kept and readable, districts filled
in by the migration where the geometry allows, and valid again after their next update."""

import datetime as dt

import grpc
import pytest
import sqlalchemy as sa

from services.registry.domain.etags import etag_of
from services.registry.storage import MIGRATIONS, RegistryStorage
from services.registry.storage.row_mapping import asset_row
from services.registry.wiring import Registry
from tests.builders import line_in_district, pipe
from tests.integration.registry.conftest import Client, settings_for
from tests.integration.registry.errors import call_error, violations
from tests.migrations import upgrade
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

IN_YUHANG = line_in_district("330110")
IN_WENZHOU = line_in_district("330302")
LEGACY = {
    "no-district": ("", IN_YUHANG),  # filled in: 330110
    "abolished": ("330103", IN_YUHANG),  # 下城区, merged into 拱墅区 in 2021: kept, listed
    "elsewhere": ("", IN_WENZHOU),  # outside Hangzhou: no district, listed
    "bare": ("", ""),  # no geometry: nothing to derive, valid
}


def name(asset_id: str) -> str:
    return f"cities/330100/assets/{asset_id}"


def stored_by_the_first_release(database_url: str) -> None:
    """Migrates to the first schema only and stores assets as its registry would have."""
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        upgrade(connection, MIGRATIONS, "0001")
        first_assets = sa.Table("assets", sa.MetaData(), autoload_with=connection)
        now = dt.datetime.now(dt.UTC)
        for version, (asset_id, (district, geojson)) in enumerate(LEGACY.items(), start=1):
            asset = pipe(name(asset_id))
            asset.district_code, asset.geojson = district, geojson
            asset.version, asset.etag = version, etag_of(version)
            asset.create_time.FromDatetime(now)
            asset.update_time.FromDatetime(now)
            row = asset_row(asset) | {"create_time": now, "update_time": now}
            first_row = {column.name: row[column.name] for column in first_assets.columns}
            connection.execute(first_assets.insert().values(first_row))
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT setval('asset_version', 4)"))
        else:
            take = "UPDATE counters SET value = 4 WHERE name = 'asset_version'"
            connection.execute(sa.text(take))
    engine.dispose()


@pytest.fixture
def upgraded(database_url, tokens_file, tokens):
    stored_by_the_first_release(database_url)
    registry = Registry(settings_for(database_url, tokens_file))
    registry.start(serve_metrics=False)
    with grpc.insecure_channel(registry.address()) as channel:
        yield Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])
    registry.stop()


def get(client, asset_id: str):
    return client.GetAsset(api.GetAssetRequest(name=name(asset_id)))


def test_every_stored_asset_stays_readable_and_missing_districts_are_filled(upgraded):
    assert get(upgraded, "no-district").district_code == "330110"
    assert get(upgraded, "abolished").district_code == "330103"
    assert get(upgraded, "elsewhere").district_code == ""
    assert get(upgraded, "bare").district_code == ""
    listed = upgraded.ListAssets(api.ListAssetsRequest(parent="cities/330100"))
    assert len(listed.assets) == len(LEGACY)


def test_the_filled_district_is_a_change_in_the_log_with_a_new_version(upgraded):
    filled = get(upgraded, "no-district")
    changes = upgraded.ListChanges(api.ListChangesRequest(start_revision=1)).changes
    [change] = [c for c in changes if c.asset_name == name("no-district")]
    assert (change.actor, change.after.district_code, change.before.district_code) == (
        "registry-migration", "330110", ""
    )  # fmt: skip
    assert filled.version == change.after.version > change.before.version


def test_an_update_to_an_asset_that_breaks_the_rules_must_make_it_valid(upgraded):
    stale = get(upgraded, "abolished")
    stale.display_name = "renamed"
    request = api.UpdateAssetRequest(asset=stale)
    error = call_error(upgraded.UpdateAsset, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert list(violations(error)) == ["asset.district_code"]
    stale.district_code = "330105"  # 拱墅区, which absorbed 下城区
    stale.geojson = line_in_district("330105")
    assert upgraded.UpdateAsset(api.UpdateAssetRequest(asset=stale)).district_code == "330105"


def test_a_second_start_migrates_nothing_more(database_url, upgraded):
    storage = RegistryStorage(database_url)
    storage.prepare()
    storage.close()
    head = upgraded.ListChanges(api.ListChangesRequest()).head_revision
    assert head == 1
