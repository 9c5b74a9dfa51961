import pytest

from services.common.enums import enum_label, enum_labels, enum_number, enum_prefix
from services.registry.domain.kinds import KINDS, STATUS_ENUMS, kind_of, status_of
from tests.builders import make_asset
from urban.registry.v1 import resources_pb2 as r


def test_kinds_are_the_spec_oneof_in_order():
    oneof = r.Asset.DESCRIPTOR.oneofs_by_name["spec"]
    assert tuple(field.name for field in oneof.fields) == KINDS


def test_every_kind_but_drainage_zone_has_a_status_enum():
    assert set(STATUS_ENUMS) == set(KINDS) - {"drainage_zone"}


@pytest.mark.parametrize("kind", KINDS)
def test_kind_of_names_the_set_spec(kind):
    assert kind_of(make_asset(kind)) == kind


def test_kind_of_an_asset_without_spec_is_none():
    assert kind_of(r.Asset()) is None


@pytest.mark.parametrize(
    ("kind", "status", "label"),
    [
        ("old_compound", r.RENOVATION_STATUS_STARTED, "started"),
        ("urban_village", r.RENOVATION_STATUS_COMPLETED, "completed"),
        ("old_block", r.RENOVATION_STATUS_PLANNED, "planned"),
        ("pipe_segment", r.PIPE_STATUS_IN_SERVICE, "in_service"),
        ("pipe_segment", r.PIPE_STATUS_RENOVATION_PLANNED, "renovation_planned"),
        ("waterlogging_point", r.WATERLOGGING_STATUS_REMEDIATED, "remediated"),
    ],
)
def test_status_of_is_the_short_lower_case_label(kind, status, label):
    assert status_of(make_asset(kind, status=status)) == label


def test_drainage_zones_have_no_status():
    assert status_of(make_asset("drainage_zone")) is None


@pytest.mark.parametrize("status", [0, 99])
def test_unset_or_undefined_status_is_none(status):
    assert status_of(make_asset("pipe_segment", status=status)) is None


def test_status_of_an_asset_without_spec_is_none():
    assert status_of(r.Asset()) is None


def test_enum_prefix_comes_from_the_type_name():
    assert enum_prefix(r.PipeNetwork) == "PIPE_NETWORK_"
    assert enum_prefix(r.CitySizeClass.DESCRIPTOR) == "CITY_SIZE_CLASS_"


@pytest.mark.parametrize(
    ("enum_type", "value", "label"),
    [
        (r.PipeNetwork, r.PIPE_NETWORK_WATER_SUPPLY, "water_supply"),
        (r.PipeNetwork.DESCRIPTOR, r.PIPE_NETWORK_GAS, "gas"),
        (r.PipeMaterial, r.PIPE_MATERIAL_FLAT_MOUTH_CONCRETE, "flat_mouth_concrete"),
        (r.CitySizeClass, r.CITY_SIZE_CLASS_LARGE_II, "large_ii"),
        (r.PipeStatus, r.PIPE_STATUS_UNSPECIFIED, "unspecified"),
    ],
)
def test_enum_label_strips_the_prefix(enum_type, value, label):
    assert enum_label(enum_type, value) == label


def test_enum_label_of_an_undefined_value_raises():
    with pytest.raises(ValueError, match="99"):
        enum_label(r.PipeNetwork, 99)


def test_enum_labels_skip_unspecified():
    assert enum_labels(r.BlockType) == ("street", "factory")


@pytest.mark.parametrize(
    "text",
    ["in_service", "IN_SERVICE", "In_Service", "PIPE_STATUS_IN_SERVICE", "pipe_status_in_service"],
)
def test_enum_number_accepts_short_and_full_names_in_any_case(text):
    assert enum_number(r.PipeStatus, text) == r.PIPE_STATUS_IN_SERVICE


@pytest.mark.parametrize("text", ["unspecified", "PIPE_STATUS_UNSPECIFIED", "started", "", "1"])
def test_enum_number_of_an_unknown_name_is_none(text):
    assert enum_number(r.PipeStatus, text) is None
