"""Valid assets of every kind for tests, each inside its real city and district and the same on
every call; a test changes the fields it is about by keyword."""

import json
import random
import re

from google.type import date_pb2

from services.demo.places import district_codes, point_in
from urban.registry.v1 import resources_pb2 as r

HANGZHOU, NINGBO = "330100", "330200"
LINE_STEP_DEGREES = 0.001  # about 100 m
# In Hangzhou's 西湖区 (330106): where an asset lies whose name holds no reference city.
HANGZHOU_LINE = '{"type":"LineString","coordinates":[[120.15,30.27],[120.16,30.28]]}'
# In Hangzhou's 拱墅区 (330105), the district of `make_asset`'s assets.
GONGSHU = "330105"
GONGSHU_POINT = (120.15, 30.28)
GONGSHU_LINE = json.dumps({"type": "LineString", "coordinates": [[120.15, 30.28], [120.16, 30.29]]})
_CITY = re.compile(r"cities/([0-9]{6})/")


def date(year: int, month: int, day: int) -> date_pb2.Date:
    return date_pb2.Date(year=year, month=month, day=day)


# Places


def first_district(city_code: str) -> str:
    return district_codes(city_code)[0]


def point_in_district(district_code: str) -> tuple[float, float]:
    """A point well inside the district."""
    return point_in(district_code, random.Random(district_code))


def point_geojson(longitude: float, latitude: float) -> str:
    return json.dumps({"type": "Point", "coordinates": [longitude, latitude]})


def point_geojson_in_district(district_code: str) -> str:
    return point_geojson(*point_in_district(district_code))


def line_in_district(district_code: str) -> str:
    longitude, latitude = point_in_district(district_code)
    end = [round(longitude + LINE_STEP_DEGREES, 6), round(latitude + LINE_STEP_DEGREES, 6)]
    line = {"type": "LineString", "coordinates": [[longitude, latitude], end]}
    return json.dumps(line, separators=(",", ":"))


def line_in_city(city_code: str) -> str:
    return line_in_district(first_district(city_code))


def city_of(name: str) -> str | None:
    """The reference city an asset's name puts it in, if any."""
    match = _CITY.match(name)
    try:
        return match.group(1) if match and district_codes(match.group(1)) else None
    except KeyError:
        return None


def line_for(name: str) -> str:
    """A line inside the asset's city (in Hangzhou's 西湖区 for names of no reference city)."""
    city_code = city_of(name) or HANGZHOU
    return HANGZHOU_LINE if city_code == HANGZHOU else line_in_city(city_code)


def geometry_for(name: str, kind: str) -> str:
    """A line for a pipe, else a point, inside the asset's city."""
    if kind == "pipe_segment":
        return line_for(name)
    return point_geojson_in_district(first_district(city_of(name) or HANGZHOU))


# Assets

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
    """A valid asset of `kind` in Hangzhou's 拱墅区, with every optional field set, and the
    given spec fields changed."""
    asset = r.Asset(
        name=f"cities/{HANGZHOU}/assets/{kind.replace('_', '-')}-1",
        display_name=f"A {kind}",
        district_code=GONGSHU,
        external_id="HZ-0001",
        labels={"source": "gis"},
        geojson=GONGSHU_LINE if kind == "pipe_segment" else point_geojson(*GONGSHU_POINT),
    )
    spec = getattr(asset, kind)
    spec.CopyFrom(SPECS[kind])
    for name, value in spec_fields.items():
        if isinstance(value, date_pb2.Date):
            getattr(spec, name).CopyFrom(value)
        else:
            setattr(spec, name, value)
    return asset


def placed(asset: r.Asset) -> r.Asset:
    """The asset, given a geometry inside its city (a line for a pipe, else a point)."""
    asset.geojson = geometry_for(asset.name, asset.WhichOneof("spec"))
    return asset


def pipe(name: str, length_m: float = 120.0, display_name: str = "Gas main", **spec) -> r.Asset:
    fields = dict(
        network=r.PIPE_NETWORK_GAS,
        material=r.PIPE_MATERIAL_GRAY_CAST_IRON,
        diameter_mm=200,
        length_m=length_m,
        commissioned_year=1995,
        status=r.PIPE_STATUS_IN_SERVICE,
    )
    fields.update(spec)
    return r.Asset(
        name=name,
        display_name=display_name,
        geojson=line_for(name),
        pipe_segment=r.PipeSegment(**fields),
    )


def compound(name: str, **spec) -> r.Asset:
    """Without a geometry: the registry does not ask for one."""
    fields = dict(
        build_year=1990,
        households=300,
        buildings=12,
        status=r.RENOVATION_STATUS_STARTED,
        start_date=date(2024, 3, 1),
    )
    fields.update(spec)
    return r.Asset(name=name, display_name="Old compound", old_compound=r.OldCompound(**fields))


def waterlogging_point(name: str, longitude: float, latitude: float) -> r.Asset:
    return r.Asset(
        name=name,
        display_name="Waterlogging point",
        geojson=point_geojson(longitude, latitude),
        waterlogging_point=r.WaterloggingPoint(status=r.WATERLOGGING_STATUS_IDENTIFIED),
    )
