"""Valid assets of every kind, to be broken one field at a time by the tests."""

import datetime
import json
import random

from google.type import date_pb2

from services.common.errors import FieldViolation
from services.demo.places import point_in
from services.registry.domain.cities import REFERENCE_CITIES
from services.registry.domain.validation import validate_asset
from urban.registry.v1 import resources_pb2 as r

TODAY = datetime.date(2025, 6, 15)
HANGZHOU = REFERENCE_CITIES[0]


def date(year: int, month: int, day: int) -> date_pb2.Date:
    return date_pb2.Date(year=year, month=month, day=day)


def point(longitude: float = 120.15, latitude: float = 30.28) -> str:
    return json.dumps({"type": "Point", "coordinates": [longitude, latitude]})


def point_in_district(district_code: str) -> str:
    """A point well inside the district, the same on every call."""
    return point(*point_in(district_code, random.Random(district_code)))


PIPE_LINE = json.dumps({"type": "LineString", "coordinates": [[120.15, 30.28], [120.16, 30.29]]})

SPECS = {
    "old_compound": r.OldCompound(
        build_year=1995,
        households=320,
        buildings=12,
        floor_area_m2=24_000.0,
        category=r.RENOVATION_CATEGORY_BASIC,
        status=r.RENOVATION_STATUS_PLANNED,
        plan_year=2025,
        investment_cny=8_000_000.0,
    ),
    "urban_village": r.UrbanVillage(
        area_m2=52_000.0, households=210, status=r.RENOVATION_STATUS_PLANNED
    ),
    "old_block": r.OldBlock(
        area_m2=18_000.0, block_type=r.BLOCK_TYPE_STREET, status=r.RENOVATION_STATUS_PLANNED
    ),
    "pipe_segment": r.PipeSegment(
        network=r.PIPE_NETWORK_GAS,
        material=r.PIPE_MATERIAL_PE,
        diameter_mm=200,
        length_m=120.5,
        commissioned_year=2001,
        status=r.PIPE_STATUS_IN_SERVICE,
    ),
    "drainage_zone": r.DrainageZone(
        area_km2=3.5,
        required_return_period_years=30,
        assessed_return_period_years=20,
        assessment_date=date(2024, 5, 1),
    ),
    "waterlogging_point": r.WaterloggingPoint(
        status=r.WATERLOGGING_STATUS_IDENTIFIED,
        identified_date=date(2024, 7, 1),
        deadline=date(2026, 6, 30),
        cause="Undersized culvert under the underpass",
        responsible_unit="Gongshu District Urban Management Bureau",
    ),
}


def make_asset(kind: str, **spec_fields) -> r.Asset:
    """A valid asset of `kind` in Hangzhou, with the given spec fields changed."""
    asset = r.Asset(
        name=f"cities/330100/assets/{kind.replace('_', '-')}-1",
        display_name=f"A {kind}",
        district_code="330105",
        external_id="HZ-0001",
        labels={"source": "gis"},
        geojson=PIPE_LINE if kind == "pipe_segment" else point(),
    )
    spec = getattr(asset, kind)
    spec.CopyFrom(SPECS[kind])
    for name, value in spec_fields.items():
        if isinstance(value, date_pb2.Date):
            getattr(spec, name).CopyFrom(value)
        else:
            setattr(spec, name, value)
    return asset


def violations(asset: r.Asset, today: datetime.date = TODAY) -> list[FieldViolation]:
    return validate_asset(asset, HANGZHOU, today=today)


def violated_fields(asset: r.Asset, today: datetime.date = TODAY) -> list[str]:
    return [violation.field for violation in violations(asset, today)]
