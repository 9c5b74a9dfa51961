"""Create, get, update, delete: names, etags, masks, versions and the change log."""

import grpc
from google.protobuf.field_mask_pb2 import FieldMask

from tests.builders import compound, pipe
from tests.integration.registry.errors import call_error, error_info, violations
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

NAME = "cities/330100/assets/gas-1"


def create(client, asset_id="gas-1", asset=None, **request):
    return client.CreateAsset(
        api.CreateAssetRequest(
            parent="cities/330100", asset_id=asset_id, asset=asset or pipe(""), **request
        )
    )


def test_create_returns_the_stored_asset_with_output_fields(admin):
    created = create(admin)
    assert created.name == NAME
    assert created.pipe_segment.length_m == 120.0
    assert created.version > 0 and created.etag
    assert created.create_time == created.update_time
    assert admin.GetAsset(api.GetAssetRequest(name=NAME)) == created


def test_create_twice_is_already_exists(admin):
    create(admin)
    error = call_error(admin.CreateAsset, _create_request(), grpc.StatusCode.ALREADY_EXISTS)
    assert error_info(error).reason == "ASSET_EXISTS"


def test_get_of_an_absent_asset_is_not_found(admin):
    error = call_error(admin.GetAsset, api.GetAssetRequest(name=NAME), grpc.StatusCode.NOT_FOUND)
    assert error_info(error).domain == "urban.zj.gov.cn"


def test_update_by_mask_changes_only_the_named_fields(admin):
    created = create(admin)
    patch = r.Asset(name=NAME, display_name="ignored", pipe_segment=r.PipeSegment(length_m=80))
    updated = admin.UpdateAsset(
        api.UpdateAssetRequest(asset=patch, update_mask=FieldMask(paths=["pipe_segment.length_m"]))
    )
    assert updated.pipe_segment.length_m == 80
    assert updated.display_name == created.display_name
    assert updated.pipe_segment.material == created.pipe_segment.material
    assert updated.version > created.version and updated.etag != created.etag
    assert updated.create_time == created.create_time


def test_a_mask_in_json_names_updates_the_same_fields(admin):
    created = create(admin)
    patch = r.Asset(name=NAME, display_name="Renamed", pipe_segment=r.PipeSegment(length_m=80))
    patch.labels["survey_team"] = "north"
    mask = FieldMask(paths=["displayName", "pipeSegment.lengthM", "labels.survey_team"])
    updated = admin.UpdateAsset(api.UpdateAssetRequest(asset=patch, update_mask=mask))
    assert (updated.display_name, updated.pipe_segment.length_m) == ("Renamed", 80)
    assert dict(updated.labels) == {**created.labels, "survey_team": "north"}
    assert updated.pipe_segment.material == created.pipe_segment.material
    assert updated.external_id == created.external_id


def test_an_unknown_json_path_names_the_mask(admin):
    create(admin)
    patch = r.Asset(name=NAME, display_name="Renamed")
    mask = FieldMask(paths=["displayNom"])
    request = api.UpdateAssetRequest(asset=patch, update_mask=mask)
    error = call_error(admin.UpdateAsset, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert "update_mask" in violations(error)


def test_update_with_a_stale_etag_is_aborted_and_changes_nothing(admin):
    created = create(admin)
    _set_length(admin, 90, etag=created.etag)
    error = call_error(
        admin.UpdateAsset,
        _length_update(70, etag=created.etag),
        grpc.StatusCode.ABORTED,
    )
    assert error_info(error).reason == "ETAG_MISMATCH"
    assert admin.GetAsset(api.GetAssetRequest(name=NAME)).pipe_segment.length_m == 90


def test_update_of_an_absent_asset_is_not_found_unless_allow_missing(admin):
    call_error(admin.UpdateAsset, _length_update(70), grpc.StatusCode.NOT_FOUND)
    created = admin.UpdateAsset(api.UpdateAssetRequest(asset=pipe(NAME), allow_missing=True))
    assert created.name == NAME and created.version > 0


def test_update_that_changes_nothing_keeps_the_version(admin):
    created = create(admin)
    again = admin.UpdateAsset(api.UpdateAssetRequest(asset=pipe(NAME)))
    assert again == created
    assert _changes(admin) == [r.CHANGE_TYPE_CREATED]


def test_delete_with_a_stale_etag_is_aborted(admin):
    created = create(admin)
    _set_length(admin, 90)
    request = api.DeleteAssetRequest(name=NAME, etag=created.etag)
    call_error(admin.DeleteAsset, request, grpc.StatusCode.ABORTED)
    assert admin.GetAsset(api.GetAssetRequest(name=NAME)).pipe_segment.length_m == 90


def test_delete_then_recreate_keeps_versions_increasing(admin):
    created = create(admin)
    admin.DeleteAsset(api.DeleteAssetRequest(name=NAME, etag=created.etag))
    call_error(admin.GetAsset, api.GetAssetRequest(name=NAME), grpc.StatusCode.NOT_FOUND)
    call_error(admin.DeleteAsset, api.DeleteAssetRequest(name=NAME), grpc.StatusCode.NOT_FOUND)
    admin.DeleteAsset(api.DeleteAssetRequest(name=NAME, allow_missing=True))
    again = create(admin, asset=compound(""))
    assert again.version > created.version + 1
    assert again.create_time.ToDatetime() >= created.create_time.ToDatetime()
    types = [r.CHANGE_TYPE_CREATED, r.CHANGE_TYPE_DELETED, r.CHANGE_TYPE_CREATED]
    assert _changes(admin) == types


def test_every_change_is_logged_with_snapshots_actor_and_request_id(clients):
    hangzhou = clients["hangzhou"]
    created = create(hangzhou, request_id="req-1")
    updated = _set_length(hangzhou, 60)
    log = clients["admin"].ListChanges(api.ListChangesRequest()).changes
    assert [c.revision for c in log] == sorted(c.revision for c in log)
    first, second = log
    assert first.after == created and not first.HasField("before")
    assert (first.actor, first.request_id) == ("hangzhou", "req-1")
    assert second.before == created and second.after == updated
    assert second.asset_version == updated.version and first.event_id != second.event_id


def test_validate_only_stores_nothing(admin):
    shown = create(admin, validate_only=True)
    assert shown.name == NAME and shown.version == 0
    call_error(admin.GetAsset, api.GetAssetRequest(name=NAME), grpc.StatusCode.NOT_FOUND)
    assert _changes(admin) == []


def _create_request():
    return api.CreateAssetRequest(parent="cities/330100", asset_id="gas-1", asset=pipe(""))


def _length_update(length: float, etag: str = "") -> api.UpdateAssetRequest:
    patch = r.Asset(name=NAME, etag=etag, pipe_segment=r.PipeSegment(length_m=length))
    return api.UpdateAssetRequest(
        asset=patch, update_mask=FieldMask(paths=["pipe_segment.length_m"])
    )


def _set_length(client, length: float, etag: str = "") -> r.Asset:
    return client.UpdateAsset(_length_update(length, etag))


def _changes(client) -> list[int]:
    return [change.type for change in client.ListChanges(api.ListChangesRequest()).changes]
