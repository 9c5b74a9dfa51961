import pytest

from services.registry.domain.kinds import KINDS
from tests.builders import make_asset, point_geojson_in_district
from urban.registry.v1 import resources_pb2 as r

from .validating import only_violation, violated_fields, violations


@pytest.mark.parametrize("kind", KINDS)
def test_a_complete_asset_of_every_kind_is_valid(kind):
    assert violations(make_asset(kind)) == []


def test_an_asset_without_spec_is_rejected_on_spec():
    asset = make_asset("old_block")
    asset.ClearField("old_block")
    assert violated_fields(asset) == ["spec"]
    assert "exactly one kind" in violations(asset)[0].description


def test_paths_are_relative_to_the_asset_so_callers_can_prefix_them():
    asset = make_asset("pipe_segment", length_m=-1.0)
    [violation] = violations(asset)
    assert violation.under("assets[17]").field == "assets[17].pipe_segment.length_m"


def test_every_violation_is_reported_at_once():
    asset = make_asset("pipe_segment", length_m=0.0, diameter_mm=0, network=0)
    asset.display_name = "x" * 201
    assert set(violated_fields(asset)) == {
        "display_name",
        "pipe_segment.length_m",
        "pipe_segment.diameter_mm",
        "pipe_segment.network",
    }


@pytest.mark.parametrize("district_code", ["", "330105", "330106", "330114"])
def test_district_of_the_city_or_none_is_valid(district_code):
    asset = make_asset("old_compound")
    asset.district_code = district_code
    asset.geojson = point_geojson_in_district(district_code or "330106")
    assert violations(asset) == []


@pytest.mark.parametrize("district_code", ["330100", "330205", "33010", "abcdef"])
def test_district_outside_the_city_is_rejected(district_code):
    asset = make_asset("old_compound")
    asset.district_code = district_code
    refusal = only_violation(asset, "district_code")
    assert district_code in refusal and "330100" in refusal


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("display_name", 200),
        ("external_id", 200),
        ("waterlogging_point.cause", 2000),
        ("waterlogging_point.responsible_unit", 200),
    ],
)
def test_text_at_its_limit_is_valid_and_one_more_character_is_not(field, limit):
    asset = make_asset("waterlogging_point")
    message, name = (
        (asset.waterlogging_point, field.split(".")[1]) if "." in field else (asset, field)
    )
    setattr(message, name, "路" * limit)
    assert violations(asset) == []
    setattr(message, name, "路" * (limit + 1))
    refusal = only_violation(asset, field)
    assert str(limit) in refusal and str(limit + 1) in refusal


def test_sixty_four_labels_are_valid_and_sixty_five_are_not():
    asset = make_asset("old_block")
    asset.labels.update({f"key{index}": "v" for index in range(63)})
    assert len(asset.labels) == 64 and violations(asset) == []
    asset.labels["one-more"] = "v"
    assert violated_fields(asset) == ["labels"]


@pytest.mark.parametrize("key", ["a", "source", "gis.layer", "sync_run-2", "a" + "b" * 62])
def test_well_formed_label_keys_are_valid(key):
    asset = make_asset("old_block")
    asset.labels[key] = "value"
    assert violations(asset) == []


@pytest.mark.parametrize("key", ["", "Source", "1source", "_source", "中文", "a b", "a" + "b" * 63])
def test_malformed_label_keys_are_rejected(key):
    asset = make_asset("old_block")
    asset.labels[key] = "value"
    assert repr(key) in only_violation(asset, "labels")


def test_label_value_of_256_characters_is_valid_and_257_is_not():
    asset = make_asset("old_block")
    asset.labels["note"] = "v" * 256
    assert violations(asset) == []
    asset.labels["note"] = "v" * 257
    assert "'note'" in only_violation(asset, "labels")


@pytest.mark.parametrize(
    ("field", "setter"),
    [
        ("display_name", lambda asset: setattr(asset, "display_name", "a\0b")),
        ("external_id", lambda asset: setattr(asset, "external_id", "\0")),
        (
            "waterlogging_point.cause",
            lambda asset: setattr(asset.waterlogging_point, "cause", "x\0"),
        ),
        ("labels", lambda asset: asset.labels.update({"note": "x\0"})),
        ("labels", lambda asset: asset.labels.update({"no\0te": "x"})),
    ],
)
def test_nul_characters_are_rejected_anywhere(field, setter):
    asset = make_asset("waterlogging_point")
    setter(asset)
    nul_fields = [v.field for v in violations(asset) if "NUL" in v.description]
    assert nul_fields == [field]


def test_text_limits_count_characters_not_bytes():
    asset = make_asset("old_compound")
    asset.display_name = "杭" * 200
    assert len(asset.display_name.encode()) == 600
    assert violations(asset) == []


def test_asset_without_spec_still_gets_its_other_fields_checked():
    asset = r.Asset(display_name="x" * 201)
    assert violated_fields(asset) == ["spec", "display_name"]
