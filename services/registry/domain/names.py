"""Resource names: `cities/{code}` and `cities/{code}/assets/{asset_id}`."""

import re

from services.common.errors import FieldViolation, InvalidArgument, invalid
from services.common.resource_names import ASSET_ID, CITY_CODE, CITY_NAME

ALL_CITIES = "cities/-"

# Any asset id: a malformed one is told apart from a malformed name.
_ASSET_NAME = re.compile(rf"cities/({CITY_CODE})/assets/([^/]+)")
_ASSET_ID = re.compile(ASSET_ID)


def city_name(code: str) -> str:
    return f"cities/{code}"


def asset_name(city_code: str, asset_id: str) -> str:
    return f"cities/{city_code}/assets/{asset_id}"


def parse_city_name(name: str, field: str = "name") -> str:
    """The six-digit code of `cities/{code}`."""
    match = CITY_NAME.fullmatch(name)
    if match is None:
        raise _malformed(field, name, "cities/{code} with a six-digit code, e.g. cities/330100")
    return match.group(1)


def parse_parent(parent: str, field: str = "parent") -> str | None:
    """The city code of a list parent, or None for `cities/-` (every city)."""
    if parent == ALL_CITIES:
        return None
    return parse_city_name(parent, field)


def parse_asset_name(name: str, field: str = "name") -> tuple[str, str]:
    """(city code, asset id) of `cities/{code}/assets/{asset_id}`."""
    match = _ASSET_NAME.fullmatch(name)
    if match is None:
        raise _malformed(field, name, "cities/{code}/assets/{asset_id}")
    city_code, asset_id = match.groups()
    check_asset_id(asset_id, field)
    return city_code, asset_id


def check_asset_id(asset_id: str, field: str = "asset_id") -> None:
    """Raises InvalidArgument unless `asset_id` is a valid asset id."""
    if _ASSET_ID.fullmatch(asset_id) is None:
        description = (
            f"asset id {asset_id!r} must be 1 to 63 lower-case letters, digits or hyphens, "
            "starting and ending with a letter or digit"
        )
        raise invalid([FieldViolation(field, description)])


def _malformed(field: str, value: str, expected: str) -> InvalidArgument:
    return invalid([FieldViolation(field, f"{value!r} is not a valid name; expected {expected}")])
