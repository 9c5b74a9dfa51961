"""Checking an ImportAssets batch whole, by the rules of BatchUpsertAssets: every bad item is
named as `assets[i].…` and nothing of the batch is stored.

The column-wise check settles the usual batch; a batch it cannot vouch for is validated asset by
asset with validate_asset, which names the violations.
"""

import dataclasses
import datetime

from services.common.errors import invalid
from services.registry.app.batch_checks import batch_parent, item_violations
from services.registry.app.bulk.columns import Columns
from services.registry.app.bulk.quick_checks import CityLookup, quick_placement
from services.registry.app.bulk.quick_geometry import packed_lines
from services.registry.domain.placement import derived_district
from urban.registry.v1 import registry_service_pb2 as api

MAX_ASSETS = 10_000


def checked_columns(
    request: api.ImportAssetsRequest, city_of: CityLookup, today: datetime.date
) -> Columns:
    """The batch's columns, or InvalidArgument naming every violation. Assets without a district
    get the one their geometry lies in, in the columns and in the messages. The line strings
    the checks parsed are kept in the columns, for the writer."""
    parent_code = batch_parent(request, city_of, MAX_ASSETS)
    assets = list(request.assets)
    columns = Columns.of(assets)
    placement = quick_placement(assets, columns, parent_code, city_of, today)
    if placement is None:
        violations = item_violations(assets, parent_code, city_of, today)
        if violations:
            raise invalid(violations)
        return _with_districts(assets, columns, _districts(columns, city_of))
    districts, lines = placement
    columns = dataclasses.replace(columns, lines=packed_lines(lines, len(assets)))
    return _with_districts(assets, columns, districts)


def _districts(columns: Columns, city_of: CityLookup) -> list[str]:
    """Each valid asset's district, given or derived."""
    return [
        given or derived_district(text, city_of(city_code))
        for given, text, city_code in zip(
            columns.district_codes, columns.geojsons, columns.city_codes, strict=True
        )
    ]


def _with_districts(assets: list, columns: Columns, districts: list[str]) -> Columns:
    if districts == columns.district_codes:
        return columns
    for asset, given, district in zip(assets, columns.district_codes, districts, strict=True):
        if district != given:
            asset.district_code = district
    return dataclasses.replace(columns, district_codes=districts)
