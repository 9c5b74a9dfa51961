import math

import pytest

from tests.builders import make_asset
from urban.registry.v1 import resources_pb2 as r

from .validating import TODAY, only_violation, violated_fields, violations

YEAR = TODAY.year


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("old_compound", "build_year"),
        ("old_compound", "status"),
        ("urban_village", "status"),
        ("old_block", "status"),
        ("old_block", "block_type"),
        ("pipe_segment", "network"),
        ("pipe_segment", "material"),
        ("pipe_segment", "length_m"),
        ("pipe_segment", "diameter_mm"),
        ("pipe_segment", "status"),
        ("waterlogging_point", "status"),
        ("drainage_zone", "area_km2"),
    ],
)
def test_required_spec_field_left_at_zero_is_rejected(kind, field):
    assert "required" in only_violation(make_asset(kind, **{field: 0}), f"{kind}.{field}")


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("old_compound", "category"),
        ("old_compound", "plan_year"),
        ("old_compound", "households"),
        ("pipe_segment", "commissioned_year"),
        ("pipe_segment", "recorded_failures"),
        ("drainage_zone", "required_return_period_years"),
        ("drainage_zone", "assessed_return_period_years"),
    ],
)
def test_optional_spec_field_may_be_zero(kind, field):
    assert violations(make_asset(kind, **{field: 0})) == []


RANGES = [
    ("old_compound", "build_year", 1900, True),
    ("old_compound", "build_year", 1899, False),
    ("old_compound", "build_year", YEAR, True),
    ("old_compound", "build_year", YEAR + 1, False),
    ("pipe_segment", "commissioned_year", 1900, True),
    ("pipe_segment", "commissioned_year", 1899, False),
    ("pipe_segment", "commissioned_year", YEAR, True),
    ("pipe_segment", "commissioned_year", YEAR + 1, False),
    ("old_compound", "plan_year", 2000, True),
    ("old_compound", "plan_year", 1999, False),
    ("old_compound", "plan_year", YEAR + 5, True),
    ("old_compound", "plan_year", YEAR + 6, False),
    ("old_compound", "households", -1, False),
    ("old_compound", "buildings", 0, True),
    ("old_compound", "buildings", -1, False),
    ("old_compound", "floor_area_m2", 0.0, True),
    ("old_compound", "floor_area_m2", -0.5, False),
    ("old_compound", "investment_cny", 0.0, True),
    ("old_compound", "investment_cny", -1.0, False),
    ("urban_village", "households", 0, True),
    ("urban_village", "households", -3, False),
    ("urban_village", "area_m2", 0.0, True),
    ("urban_village", "area_m2", -1.0, False),
    ("old_block", "area_m2", -1.0, False),
    ("pipe_segment", "recorded_failures", 4, True),
    ("pipe_segment", "recorded_failures", -1, False),
    ("pipe_segment", "length_m", 10_000.0, True),
    ("pipe_segment", "length_m", 10_000.01, False),
    ("pipe_segment", "length_m", 0.001, True),
    ("pipe_segment", "length_m", -1.0, False),
    ("pipe_segment", "diameter_mm", 15, True),
    ("pipe_segment", "diameter_mm", 14, False),
    ("pipe_segment", "diameter_mm", 5000, True),
    ("pipe_segment", "diameter_mm", 5001, False),
    ("pipe_segment", "diameter_mm", -200, False),
    ("drainage_zone", "area_km2", 0.01, True),
    ("drainage_zone", "area_km2", -2.0, False),
    ("drainage_zone", "required_return_period_years", 1000, True),
    ("drainage_zone", "required_return_period_years", 1001, False),
    ("drainage_zone", "required_return_period_years", -1, False),
    ("drainage_zone", "assessed_return_period_years", 1000, True),
    ("drainage_zone", "assessed_return_period_years", 1001, False),
    ("drainage_zone", "assessed_return_period_years", -1, False),
]


@pytest.mark.parametrize(("kind", "field", "value", "valid"), RANGES)
def test_numeric_ranges(kind, field, value, valid):
    asset = make_asset(kind, **{field: value})
    if valid:
        assert violations(asset) == []
    else:
        assert f"got {value}".removesuffix(".0") in only_violation(asset, f"{kind}.{field}")


def test_range_description_names_the_rule_and_the_value():
    [violation] = violations(make_asset("pipe_segment", length_m=12_000.5))
    assert violation.description == (
        "length_m must be greater than 0 and at most 10000 m; got 12000.5"
    )


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("pipe_segment", "length_m"),
        ("old_compound", "floor_area_m2"),
        ("old_compound", "investment_cny"),
        ("urban_village", "area_m2"),
        ("old_block", "area_m2"),
        ("drainage_zone", "area_km2"),
    ],
)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_every_float_must_be_finite(kind, field, value):
    assert "finite" in only_violation(make_asset(kind, **{field: value}), f"{kind}.{field}")


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("old_compound", "category"),
        ("old_compound", "status"),
        ("urban_village", "status"),
        ("old_block", "block_type"),
        ("pipe_segment", "network"),
        ("pipe_segment", "material"),
        ("pipe_segment", "status"),
        ("waterlogging_point", "status"),
    ],
)
def test_enum_value_not_defined_in_the_enum_is_rejected(kind, field):
    asset = make_asset(kind, **{field: 42})
    assert "42 is not a defined" in only_violation(asset, f"{kind}.{field}")


def test_undefined_enum_description_lists_the_allowed_labels():
    [violation] = violations(make_asset("pipe_segment", network=42))
    assert "gas, water_supply, rainwater, sewage, combined, heating" in violation.description


@pytest.mark.parametrize("network", list(r.PipeNetwork.values())[1:])
def test_every_defined_network_is_valid(network):
    assert violations(make_asset("pipe_segment", network=network)) == []


def test_required_fields_are_reported_together():
    asset = make_asset("pipe_segment", network=0, material=0, status=0)
    assert violated_fields(asset) == [
        "pipe_segment.network",
        "pipe_segment.material",
        "pipe_segment.status",
    ]
