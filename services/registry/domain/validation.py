"""Validation of an asset before it is stored: every violation, with paths relative to the asset.

Callers prefix the paths for their request (`asset.`, `assets[17].`) with FieldViolation.under.
"""

import datetime

from services.common.errors import FieldViolation
from services.registry.domain.cities import City
from services.registry.domain.date_checks import check_dates
from services.registry.domain.districts import district_belongs_to
from services.registry.domain.geometry import check_geojson
from services.registry.domain.kinds import KINDS, kind_of, spec_of
from services.registry.domain.placement import check_placement
from services.registry.domain.spec_checks import check_spec
from services.registry.domain.text_checks import check_text
from urban.registry.v1 import resources_pb2


def validate_asset(
    asset: resources_pb2.Asset,
    city: City,
    *,
    today: datetime.date,
    stored: resources_pb2.Asset | None = None,
) -> list[FieldViolation]:
    """Every rule the asset breaks; an empty list means it is valid. `stored`: the asset as
    stored, valid when it was written; a geometry it keeps with the same kind and district is
    not parsed and placed again (neither check depends on anything else, nor on the date)."""
    kind = kind_of(asset)
    district = _check_district(asset.district_code, city)
    if _keeps_placed_geometry(asset, kind, stored):
        geometry, placement = [], []
    else:
        geometry = check_geojson(asset.geojson, kind)
        placement = [] if district or geometry else check_placement(asset, city)
    return [
        *_check_kind(kind),
        *district,
        *check_text(asset),
        *geometry,
        *placement,
        *_check_spec(asset, kind, today),
    ]


def _keeps_placed_geometry(
    asset: resources_pb2.Asset, kind: str | None, stored: resources_pb2.Asset | None
) -> bool:
    return (
        stored is not None
        and asset.geojson == stored.geojson
        and asset.district_code == stored.district_code
        and kind == kind_of(stored)
    )


def _check_kind(kind: str | None) -> list[FieldViolation]:
    if kind is not None:
        return []
    return [FieldViolation("spec", f"exactly one kind must be set: one of {', '.join(KINDS)}")]


def _check_district(district_code: str, city: City) -> list[FieldViolation]:
    if not district_code or district_belongs_to(district_code, city):
        return []
    description = (
        f"district_code {district_code!r} is not one of the districts of "
        f"city {city.code} ({city.english_name})"
    )
    return [FieldViolation("district_code", description)]


def _check_spec(
    asset: resources_pb2.Asset, kind: str | None, today: datetime.date
) -> list[FieldViolation]:
    if kind is None:
        return []
    spec = spec_of(asset)
    violations = [*check_spec(kind, spec, today), *check_dates(kind, spec, today)]
    return [violation.under(kind) for violation in violations]
