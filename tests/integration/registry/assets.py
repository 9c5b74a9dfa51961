"""Valid assets of every kind, for tests."""

import re

from google.type import date_pb2

from tests.placing import line_in_city
from urban.registry.v1 import resources_pb2 as r

HANGZHOU_LINE = '{"type":"LineString","coordinates":[[120.15,30.27],[120.16,30.28]]}'
_CITY = re.compile(r"cities/([0-9]{6})/")


def pipe(name: str, length_m: float = 120.0, **spec) -> r.Asset:
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
        display_name="Gas main",
        geojson=line_for(name),
        pipe_segment=r.PipeSegment(**fields),
    )


def compound(name: str, **spec) -> r.Asset:
    fields = dict(
        build_year=1990,
        households=300,
        buildings=12,
        status=r.RENOVATION_STATUS_STARTED,
        start_date=date_pb2.Date(year=2024, month=3, day=1),
    )
    fields.update(spec)
    return r.Asset(name=name, display_name="Old compound", old_compound=r.OldCompound(**fields))


def line_for(name: str) -> str:
    """A line inside the asset's city (in Hangzhou's 西湖区 for names of no reference city)."""
    match = _CITY.match(name)
    city_code = match.group(1) if match else "330100"
    try:
        return HANGZHOU_LINE if city_code == "330100" else line_in_city(city_code)
    except KeyError:
        return HANGZHOU_LINE
