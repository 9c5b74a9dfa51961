import pytest

from services.common.errors import InvalidArgument
from services.registry.domain.names import (
    asset_name,
    city_name,
    parse_asset_name,
    parse_city_name,
    parse_parent,
)


def violation_fields(error: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [violation.field for violation in error.value.violations]


def test_city_name_round_trips():
    assert parse_city_name(city_name("330100")) == "330100"


@pytest.mark.parametrize(
    "name",
    ["", "cities/33010", "cities/3301000", "city/330100", "cities/330100/", "cities/３３０１００"],
)
def test_malformed_city_name_is_rejected_on_the_given_field(name):
    with pytest.raises(InvalidArgument) as error:
        parse_city_name(name, field="city")
    assert violation_fields(error) == ["city"]


def test_parent_of_every_city_is_none():
    assert parse_parent("cities/-") is None


def test_parent_of_one_city_is_its_code():
    assert parse_parent("cities/330782") == "330782"


def test_malformed_parent_is_rejected_on_parent():
    with pytest.raises(InvalidArgument) as error:
        parse_parent("cities/*")
    assert violation_fields(error) == ["parent"]


@pytest.mark.parametrize("asset_id", ["a", "7", "pipe-0001", "a" * 63, "0-0"])
def test_asset_name_round_trips(asset_id):
    assert parse_asset_name(asset_name("330100", asset_id)) == ("330100", asset_id)


@pytest.mark.parametrize(
    "name",
    [
        "cities/330100/assets/",
        "cities/330100/assets/Pipe-1",
        "cities/330100/assets/pipe_1",
        "cities/330100/assets/-pipe",
        "cities/330100/assets/pipe-",
        "cities/330100/assets/" + "a" * 64,
        "cities/330100/assets/pipe-1/extra",
        "cities/33010/assets/pipe-1",
        "cities/330100/pipes/pipe-1",
        "cities/330100/assets/pipe-1\n",
    ],
)
def test_malformed_asset_name_is_rejected_on_the_given_field(name):
    with pytest.raises(InvalidArgument) as error:
        parse_asset_name(name, field="asset.name")
    assert violation_fields(error) == ["asset.name"]
