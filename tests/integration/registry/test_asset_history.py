"""ListChanges with `asset`: one asset's history, oldest first, deletes and re-creates included,
read with that asset's city read scope."""

import grpc

from tests.builders import pipe
from tests.integration.registry.errors import call_error, violations
from tests.integration.registry.test_list import upsert
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

NAME = "cities/330100/assets/main-1"
OTHER = "cities/330100/assets/main-2"


def history(client, name=NAME, **fields) -> list[r.AssetChange]:
    changes, start = [], 1
    while True:
        request = api.ListChangesRequest(asset=name, start_revision=start, page_size=2, **fields)
        page = client.ListChanges(request)
        changes += page.changes
        if not page.changes:
            return changes
        start = page.next_revision


def test_an_assets_history_has_only_its_changes_oldest_first(admin, clients):
    upsert(admin, [pipe(NAME)])
    upsert(admin, [pipe(OTHER)])
    upsert(admin, [pipe(NAME, length_m=130.0)])
    admin.DeleteAsset(api.DeleteAssetRequest(name=NAME))
    upsert(admin, [pipe(OTHER, length_m=99.0)])
    upsert(admin, [pipe(NAME, length_m=140.0)])
    changes = history(clients["hangzhou-reader"])
    assert [c.type for c in changes] == [
        r.CHANGE_TYPE_CREATED, r.CHANGE_TYPE_UPDATED, r.CHANGE_TYPE_DELETED, r.CHANGE_TYPE_CREATED
    ]  # fmt: skip
    assert {c.asset_name for c in changes} == {NAME}
    revisions = [c.revision for c in changes]
    assert revisions == sorted(revisions)
    assert changes[1].after.pipe_segment.length_m == 130.0
    assert changes[3].after.pipe_segment.length_m == 140.0
    assert [c.type for c in history(admin, parent="cities/330100")] == [c.type for c in changes]


def test_an_assets_history_needs_read_scope_on_its_city(admin, clients):
    upsert(admin, [pipe(NAME)])
    request = api.ListChangesRequest(asset=NAME)
    call_error(clients["ningbo"].ListChanges, request, grpc.StatusCode.PERMISSION_DENIED)


def test_a_malformed_asset_or_one_outside_the_parent_is_invalid(admin):
    for request in (
        api.ListChangesRequest(asset="cities/330100/things/x"),
        api.ListChangesRequest(asset=NAME, parent="cities/330200"),
    ):
        error = call_error(admin.ListChanges, request, grpc.StatusCode.INVALID_ARGUMENT)
        assert set(violations(error)) == {"asset"}
