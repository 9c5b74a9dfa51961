"""Checking an ImportAssets batch whole, by the rules of BatchUpsertAssets: every bad item is
named as `assets[i].…` and nothing of the batch is stored.

The column-wise check settles the usual batch; a batch it cannot vouch for is validated asset by
asset with validate_asset, which names the violations.
"""

import datetime

from services.common.errors import FieldViolation, invalid
from services.registry.app.batches import item_problems
from services.registry.app.bulk.columns import Columns
from services.registry.app.bulk.quick_checks import CityLookup, batch_passes
from services.registry.domain import names
from urban.registry.v1 import registry_service_pb2 as api

MAX_ASSETS = 10_000


def checked_columns(
    request: api.ImportAssetsRequest, city_of: CityLookup, today: datetime.date
) -> Columns:
    """The batch's columns, or InvalidArgument naming every violation."""
    parent_code = names.parse_parent(request.parent)
    if parent_code is not None and city_of(parent_code) is None:
        raise invalid([FieldViolation("parent", f"unknown city {parent_code}")])
    assets = list(request.assets)
    if not 1 <= len(assets) <= MAX_ASSETS:
        description = f"a batch holds 1 to {MAX_ASSETS} assets, not {len(assets)}"
        raise invalid([FieldViolation("assets", description)])
    columns = Columns.of(assets)
    if not batch_passes(assets, columns, parent_code, city_of, today):
        violations = item_violations(assets, parent_code, city_of, today)
        if violations:
            raise invalid(violations)
    return columns


def item_violations(assets: list, parent_code: str | None, city_of: CityLookup, today) -> list:
    """Every violation of every item, as BatchUpsertAssets reports them."""
    seen: set[str] = set()
    return [
        problem.under(f"assets[{index}]")
        for index, asset in enumerate(assets)
        for problem in item_problems(asset, parent_code, seen, city_of, today)
    ]
