"""Geometries inside real cities and districts, for the test builders: the same on every call."""

import json
import random

from services.demo.places import district_codes, point_in

LINE_STEP_DEGREES = 0.001  # about 100 m


def point_in_district(district_code: str) -> tuple[float, float]:
    return point_in(district_code, random.Random(district_code))


def first_district(city_code: str) -> str:
    return district_codes(city_code)[0]


def line_in_district(district_code: str) -> str:
    longitude, latitude = point_in_district(district_code)
    end = [round(longitude + LINE_STEP_DEGREES, 6), round(latitude + LINE_STEP_DEGREES, 6)]
    line = {"type": "LineString", "coordinates": [[longitude, latitude], end]}
    return json.dumps(line, separators=(",", ":"))


def line_in_city(city_code: str) -> str:
    return line_in_district(first_district(city_code))


def point_geojson_in_district(district_code: str) -> str:
    return json.dumps({"type": "Point", "coordinates": list(point_in_district(district_code))})
