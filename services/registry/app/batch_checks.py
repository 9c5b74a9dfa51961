"""Checking a BatchUpsertAssets request whole: every bad item is named, nothing is stored."""

import datetime as dt
from collections.abc import Callable

from services.common.errors import FieldViolation, InvalidArgument, invalid
from services.registry.app.stamping import content_of
from services.registry.domain import names
from services.registry.domain.cities import City
from services.registry.domain.placement import place
from services.registry.domain.validation import validate_asset
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

MAX_BATCH = 1000
CityLookup = Callable[[str], City | None]


def valid_batch(
    request: api.BatchUpsertAssetsRequest, city_of: CityLookup, today: dt.date
) -> list[resources_pb2.Asset]:
    """The items' contents, or InvalidArgument naming every violation as `assets[i].…`. A
    content without a district gets the one its geometry lies in."""
    parent_code = batch_parent(request, city_of, MAX_BATCH)
    violations = item_violations(request.assets, parent_code, city_of, today)
    if violations:
        raise invalid(violations)
    contents = [content_of(asset) for asset in request.assets]
    for content in contents:
        place(content, city_of(names.parse_asset_name(content.name)[0]))
    return contents


def batch_parent(request, city_of: CityLookup, most: int) -> str | None:
    """The code of the batch's parent (None: every city), or InvalidArgument when the parent
    is unknown or the batch holds no items or more than `most`."""
    parent_code = names.parse_parent(request.parent)
    if parent_code is not None and city_of(parent_code) is None:
        raise invalid([FieldViolation("parent", f"unknown city {parent_code}")])
    if not 1 <= len(request.assets) <= most:
        description = f"a batch holds 1 to {most} assets, not {len(request.assets)}"
        raise invalid([FieldViolation("assets", description)])
    return parent_code


def item_violations(assets, parent_code: str | None, city_of: CityLookup, today) -> list:
    """Every violation of every item, as `assets[i].…`."""
    seen: set[str] = set()
    return [
        problem.under(f"assets[{index}]")
        for index, asset in enumerate(assets)
        for problem in item_problems(asset, parent_code, seen, city_of, today)
    ]


def item_problems(asset, parent_code, seen: set, city_of: CityLookup, today) -> list:
    """One item's violations, relative to the item; adds its name to `seen`."""
    try:
        city_code, _ = names.parse_asset_name(asset.name)
    except InvalidArgument as error:
        return error.violations
    problems = []
    if parent_code is not None and city_code != parent_code:
        problems.append(FieldViolation("name", f"asset is not in parent cities/{parent_code}"))
    if asset.name in seen:
        problems.append(FieldViolation("name", f"{asset.name} appears twice in the batch"))
    seen.add(asset.name)
    city = city_of(city_code)
    if city is None:
        return [*problems, FieldViolation("name", f"unknown city {city_code}")]
    return problems + validate_asset(asset, city, today=today)
