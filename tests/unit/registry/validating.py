"""Checking an asset as the registry does on a fixed day, for tests that break one field."""

import datetime

from services.common.errors import FieldViolation
from services.registry.domain.cities import REFERENCE_CITIES
from services.registry.domain.validation import validate_asset
from urban.registry.v1 import resources_pb2 as r

TODAY = datetime.date(2025, 6, 15)
HANGZHOU = REFERENCE_CITIES[0]


def violations(asset: r.Asset, today: datetime.date = TODAY) -> list[FieldViolation]:
    return validate_asset(asset, HANGZHOU, today=today)


def violated_fields(asset: r.Asset, today: datetime.date = TODAY) -> list[str]:
    return [violation.field for violation in violations(asset, today)]


def only_violation(asset: r.Asset, field: str) -> str:
    """The description of the asset's one violation, which must be of `field`."""
    [violation] = violations(asset)
    assert violation.field == field
    return violation.description
