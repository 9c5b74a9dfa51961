"""BatchUpsertAssets: all or nothing, items named in errors, unchanged resends cost nothing."""

import grpc

from tests.builders import pipe
from tests.integration.registry.errors import call_error, violations
from urban.registry.v1 import registry_service_pb2 as api


def batch(count: int, prefix="b", city="330100", **spec):
    return [pipe(f"cities/{city}/assets/{prefix}-{i:04d}", **spec) for i in range(count)]


def upsert(client, assets, parent="cities/330100"):
    return client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(parent=parent, assets=assets))


def head(client) -> int:
    return client.ListChanges(api.ListChangesRequest()).head_revision


def count(client) -> int:
    return len(client.ListAssets(api.ListAssetsRequest(parent="cities/-", page_size=1000)).assets)


def test_a_batch_of_1000_is_stored_with_one_change_each(admin):
    response = upsert(admin, batch(1000))
    assert response.created_count == 1000 and len(response.assets) == 1000
    assert count(admin) == 1000 and head(admin) == 1000


def test_one_invalid_item_rejects_the_whole_batch_naming_it(admin):
    assets = batch(30)
    assets[17].pipe_segment.length_m = 0
    error = call_error(admin.BatchUpsertAssets, _request(assets), grpc.StatusCode.INVALID_ARGUMENT)
    assert "assets[17].pipe_segment.length_m" in violations(error)
    assert count(admin) == 0 and head(admin) == 0


def test_more_than_1000_items_are_rejected(admin):
    error = call_error(
        admin.BatchUpsertAssets, _request(batch(1001)), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert "assets" in violations(error)


def test_items_outside_the_parent_or_repeated_are_named(admin):
    assets = batch(3) + [pipe("cities/330200/assets/x"), pipe("cities/330100/assets/b-0000")]
    error = call_error(admin.BatchUpsertAssets, _request(assets), grpc.StatusCode.INVALID_ARGUMENT)
    assert {"assets[3].name", "assets[4].name"} <= set(violations(error))


def test_resending_unchanged_assets_records_no_changes(admin):
    upsert(admin, batch(100))
    before = head(admin)
    again = upsert(admin, batch(100))
    assert (again.unchanged_count, again.created_count, again.updated_count) == (100, 0, 0)
    changed = upsert(admin, batch(10) + batch(5, prefix="new"))
    assert (changed.unchanged_count, changed.created_count) == (10, 5)
    assert head(admin) == before + 5


def test_a_batch_may_span_cities_under_cities_dash(admin):
    assets = batch(2) + batch(2, city="330200")
    assert upsert(admin, assets, parent="cities/-").created_count == 4


def _request(assets):
    return api.BatchUpsertAssetsRequest(parent="cities/330100", assets=assets)
