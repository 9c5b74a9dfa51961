"""validate_asset's rules applied to a whole batch at once, column by column.

`batch_passes` answers True only when every asset of the batch is certainly valid. No rule is
stated here: each is the domain's own predicate, applied to what settles a column (with C-level
loops): its distinct values (label sets, districts, enums), its extremes (ranges), its longest
or concatenated text (lengths, NUL). Anything unusual answers False, and the caller then runs
the exact per-asset validation to name the violations.
`quick_districts` does the same and also gives the district each asset is stored with.
"""

import datetime
from collections.abc import Callable
from operator import attrgetter

from google.protobuf.descriptor import FieldDescriptor

from services.registry.app.bulk.columns import Columns
from services.registry.app.bulk.quick_geometry import Lines, sorted_geometries
from services.registry.app.bulk.quick_places import placed_districts
from services.registry.app.bulk.quick_specs import specs_pass, strings_pass
from services.registry.domain.cities import City
from services.registry.domain.districts import district_belongs_to
from services.registry.domain.geometry import check_geojson
from services.registry.domain.text_checks import check_text
from urban.registry.v1 import resources_pb2

CityLookup = Callable[[str], City | None]


def batch_passes(
    assets: list[resources_pb2.Asset],
    columns: Columns,
    parent_code: str | None,
    city_of: CityLookup,
    today: datetime.date,
) -> bool:
    return quick_districts(assets, columns, parent_code, city_of, today) is not None


def quick_districts(
    assets: list[resources_pb2.Asset],
    columns: Columns,
    parent_code: str | None,
    city_of: CityLookup,
    today: datetime.date,
) -> list[str] | None:
    """The district each asset is stored with when the batch is certainly valid, else None."""
    placement = quick_placement(assets, columns, parent_code, city_of, today)
    return placement[0] if placement else None


def quick_placement(
    assets: list[resources_pb2.Asset],
    columns: Columns,
    parent_code: str | None,
    city_of: CityLookup,
    today: datetime.date,
) -> tuple[list[str], Lines] | None:
    """When the batch is certainly valid, the district each asset is stored with and the line
    strings parsed on the way; else None."""
    passes = (
        _names_pass(columns, parent_code, city_of)
        and None not in set(columns.kinds)
        and _districts_pass(columns, city_of)
        and _texts_pass(assets, columns)
        and _labels_pass(columns)
        and _specs_pass(assets, columns, today)
    )
    if not passes:
        return None
    unchecked, lines = sorted_geometries(columns.kinds, columns.geojsons)
    if any(check_geojson(columns.geojsons[p], columns.kinds[p]) for p in unchecked):
        return None
    districts = placed_districts(assets, columns, lines, city_of)
    return None if districts is None else (districts, lines)


def _names_pass(columns: Columns, parent_code: str | None, city_of: CityLookup) -> bool:
    if columns.city_codes is None or len(set(columns.names)) != len(columns.names):
        return False
    cities = set(columns.city_codes)
    if parent_code is not None and cities != {parent_code}:
        return False
    return all(city_of(code) is not None for code in cities)


def _districts_pass(columns: Columns, city_of: CityLookup) -> bool:
    pairs = set(zip(columns.district_codes, columns.city_codes, strict=True))
    return all(
        not district or district_belongs_to(district, city_of(city)) for district, city in pairs
    )


def _texts_pass(assets: list, columns: Columns) -> bool:
    """Lengths and NUL characters of the asset's own strings (the spec's are checked with it)."""
    return all(strings_pass(name, columns.read(assets, name)) for name in _ASSET_STRINGS)


_ASSET_STRINGS = tuple(
    field.name
    for field in resources_pb2.Asset.DESCRIPTOR.fields
    if field.type == FieldDescriptor.TYPE_STRING and not field.is_repeated
)


def _labels_pass(columns: Columns) -> bool:
    """Each distinct label set is checked once, by the domain's own text check."""
    first_of_each = dict(zip(columns.label_keys, columns.labels, strict=True))
    return all(
        not labels or not check_text(resources_pb2.Asset(labels=labels))
        for labels in first_of_each.values()
    )


def _specs_pass(assets: list, columns: Columns, today: datetime.date) -> bool:
    kinds = set(columns.kinds)
    if len(kinds) == 1:
        kind = kinds.pop()
        return specs_pass(kind, list(map(attrgetter(kind), assets)), today)
    return all(specs_pass(kind, _specs_of(kind, assets, columns), today) for kind in kinds)


def _specs_of(kind: str, assets: list, columns: Columns) -> list:
    pairs = zip(assets, columns.kinds, strict=True)
    return [getattr(asset, kind) for asset, asset_kind in pairs if asset_kind == kind]
