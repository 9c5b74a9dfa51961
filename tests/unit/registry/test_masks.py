import pytest

from services.common.errors import InvalidArgument
from services.registry.domain.kinds import KINDS
from services.registry.domain.masks import OUTPUT_ONLY_FIELDS, WRITABLE_FIELDS, apply_update_mask
from tests.builders import make_asset
from urban.registry.v1 import resources_pb2 as r


def stored_pipe() -> r.Asset:
    asset = make_asset("pipe_segment", recorded_failures=2)
    asset.etag = "stored-etag"
    asset.version = 41
    asset.create_time.FromSeconds(1_700_000_000)
    asset.labels["owner"] = "water-group"
    return asset


def patch_pipe() -> r.Asset:
    patch = make_asset(
        "pipe_segment", length_m=300.0, diameter_mm=400, status=r.PIPE_STATUS_RETIRED
    )
    patch.name = "cities/330100/assets/other"
    patch.display_name = "Renamed"
    patch.etag = "client-etag"
    patch.version = 99
    patch.labels.clear()
    patch.labels["source"] = "survey"
    return patch


def rejected_paths(paths: list[str]) -> list[str]:
    with pytest.raises(InvalidArgument) as error:
        apply_update_mask(stored_pipe(), patch_pipe(), paths)
    assert all(violation.field == "update_mask" for violation in error.value.violations)
    return [violation.description for violation in error.value.violations]


@pytest.mark.parametrize("paths", [[], ["*"], ["*", "display_name"]])
def test_no_paths_or_wildcard_replace_every_writable_field(paths):
    stored, patch = stored_pipe(), patch_pipe()
    updated = apply_update_mask(stored, patch, paths)
    assert updated.display_name == "Renamed"
    assert dict(updated.labels) == {"source": "survey"}
    assert updated.pipe_segment == patch.pipe_segment
    assert (updated.name, updated.etag, updated.version) == (stored.name, "stored-etag", 41)
    assert updated.create_time == stored.create_time


def test_full_replacement_clears_fields_the_patch_leaves_empty():
    patch = patch_pipe()
    patch.ClearField("external_id")
    patch.ClearField("geojson")
    updated = apply_update_mask(stored_pipe(), patch, [])
    assert updated.external_id == "" and updated.geojson == ""


def test_full_replacement_may_change_the_kind():
    updated = apply_update_mask(stored_pipe(), make_asset("old_block"), ["*"])
    assert updated.WhichOneof("spec") == "old_block"


def test_the_inputs_are_left_unchanged():
    stored, patch = stored_pipe(), patch_pipe()
    apply_update_mask(stored, patch, ["display_name", "pipe_segment"])
    assert stored == stored_pipe() and patch == patch_pipe()


def test_a_sub_field_of_the_spec_changes_only_that_field():
    updated = apply_update_mask(stored_pipe(), patch_pipe(), ["pipe_segment.length_m"])
    expected = stored_pipe()
    expected.pipe_segment.length_m = 300.0
    assert updated == expected


def test_the_whole_spec_path_replaces_the_spec():
    updated = apply_update_mask(stored_pipe(), patch_pipe(), ["pipe_segment"])
    assert updated.pipe_segment == patch_pipe().pipe_segment
    assert updated.pipe_segment.recorded_failures == 0


def test_a_masked_scalar_absent_from_the_patch_is_cleared():
    patch = patch_pipe()
    patch.ClearField("district_code")
    assert apply_update_mask(stored_pipe(), patch, ["district_code"]).district_code == ""


def test_labels_path_replaces_the_whole_map():
    updated = apply_update_mask(stored_pipe(), patch_pipe(), ["labels"])
    assert dict(updated.labels) == {"source": "survey"}


def test_a_label_key_path_sets_or_removes_one_label():
    updated = apply_update_mask(stored_pipe(), patch_pipe(), ["labels.source", "labels.owner"])
    assert dict(updated.labels) == {"source": "survey"}
    updated = apply_update_mask(stored_pipe(), patch_pipe(), ["labels.missing"])
    assert dict(updated.labels) == dict(stored_pipe().labels)


def test_output_only_paths_are_ignored():
    paths = ["name", "etag", "create_time", "update_time.seconds", "version", "display_name"]
    updated = apply_update_mask(stored_pipe(), patch_pipe(), paths)
    expected = stored_pipe()
    expected.display_name = "Renamed"
    assert updated == expected


def test_a_nested_date_path_is_allowed():
    patch = patch_pipe()
    patch.pipe_segment.renovation_completion_date.year = 2024
    updated = apply_update_mask(stored_pipe(), patch, ["pipe_segment.renovation_completion_date"])
    assert updated.pipe_segment.renovation_completion_date.year == 2024


@pytest.mark.parametrize(
    "path", ["owner", "", "pipe_segment.depth_m", "display_name.text", "spec", "labels."]
)
def test_unknown_paths_are_rejected(path):
    [description] = rejected_paths([path])
    assert f"unknown or read-only path {path!r}" in description


@pytest.mark.parametrize("path", ["old_compound", "urban_village.area_m2", "drainage_zone"])
def test_a_path_naming_another_kind_is_rejected(path):
    [description] = rejected_paths([path])
    assert "cannot change an asset's kind" in description
    assert "pipe_segment" in description


def test_every_bad_path_is_reported():
    assert len(rejected_paths(["owner", "display_name", "old_block"])) == 2


def test_every_asset_field_is_writable_output_only_or_a_kind():
    classified = {*WRITABLE_FIELDS, *OUTPUT_ONLY_FIELDS, *KINDS}
    assert {field.name for field in r.Asset.DESCRIPTOR.fields} == classified
