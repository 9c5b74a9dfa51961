"""GeoJSON geometries of assets: allowed types per kind, well-formed coordinates inside Zhejiang."""

import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from services.common.errors import FieldViolation

MAX_GEOJSON_LENGTH = 1_000_000
MAX_PROBLEMS = 5
LONGITUDE_RANGE = (118.0, 123.5)
LATITUDE_RANGE = (27.0, 31.5)

AREA_TYPES = ("Point", "Polygon", "MultiPolygon")
ALLOWED_TYPES = {
    "old_compound": AREA_TYPES,
    "urban_village": AREA_TYPES,
    "old_block": AREA_TYPES,
    "drainage_zone": AREA_TYPES,
    "waterlogging_point": ("Point", "Polygon"),
    "pipe_segment": ("LineString", "MultiLineString"),
}
ALL_TYPES = ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
POSITION_LENGTHS = (2, 3)  # longitude, latitude and an altitude if any


@dataclass(frozen=True)
class PositionList:
    """The positions of a line string or of a polygon's ring: at least `minimum` of them, the
    last equal to the first when `closed`."""

    name: str
    minimum: int
    closed: bool = False


LINE_STRING = PositionList("line string", 2)
LINEAR_RING = PositionList("linear ring", 4, closed=True)


def check_geojson(text: str, kind: str | None) -> list[FieldViolation]:
    """Violations on `geojson`; an empty text is an absent geometry and valid."""
    problems = itertools.islice(_problems(text, kind), MAX_PROBLEMS)
    return [FieldViolation("geojson", problem) for problem in problems]


def _problems(text: str, kind: str | None) -> Iterator[str]:
    if not text:
        return
    if geojson_too_long(text):
        yield f"geojson must be at most {MAX_GEOJSON_LENGTH} characters; got {len(text)}"
        return
    try:
        geometry = json.loads(text)
    except ValueError as error:
        yield f"geojson is not valid JSON: {error}"
        return
    except RecursionError:
        yield "geojson is nested too deeply to be a geometry"
        return
    yield from _geometry_problems(geometry, kind)


def _geometry_problems(geometry: Any, kind: str | None) -> Iterator[str]:
    if isinstance(geometry, dict) and geometry.get("type") in ("Feature", "FeatureCollection"):
        yield f"geojson must be a bare geometry, not a {geometry['type']}"
        return
    if not isinstance(geometry, dict) or "type" not in geometry or "coordinates" not in geometry:
        yield "geojson must be a GeoJSON geometry object with 'type' and 'coordinates'"
        return
    geometry_type = geometry["type"]
    allowed = ALLOWED_TYPES.get(kind, ALL_TYPES)
    if geometry_type not in allowed:
        for_kind = f" for {kind}" if kind else ""
        yield f"geometry type {geometry_type} not allowed{for_kind}; use {' or '.join(allowed)}"
        return
    yield from _SHAPE_CHECKS[geometry_type](geometry["coordinates"], "coordinates")


def _point(value: Any, path: str) -> Iterator[str]:
    if not _is_position(value):
        expected = "a position [longitude, latitude] of finite numbers"
        yield f"{path} must be {expected}; got {_short(value)}"
        return
    longitude, latitude = value[0], value[1]
    if not within(LONGITUDE_RANGE, longitude):
        yield f"{path} longitude {longitude} is outside Zhejiang ({_span(LONGITUDE_RANGE)})"
    if not within(LATITUDE_RANGE, latitude):
        yield f"{path} latitude {latitude} is outside Zhejiang ({_span(LATITUDE_RANGE)})"


def within(bounds: tuple[float, float], value: float) -> bool:
    return bounds[0] <= value <= bounds[1]


def all_inside_zhejiang(longitudes, latitudes) -> bool:
    """Whether every position (longitudes[i], latitudes[i]), numpy arrays of them, lies inside
    Zhejiang as _point requires: each range is an interval, so its column's extremes settle it."""
    return all(
        within(bounds, float(values.min())) and within(bounds, float(values.max()))
        for bounds, values in ((LONGITUDE_RANGE, longitudes), (LATITUDE_RANGE, latitudes))
    )


def geojson_too_long(text: str) -> bool:
    return len(text) > MAX_GEOJSON_LENGTH


def _positions(shape: PositionList):
    def check(value: Any, path: str) -> Iterator[str]:
        if not isinstance(value, list) or len(value) < shape.minimum:
            minimum = shape.minimum
            yield f"{path} must be a {shape.name}: a list of at least {minimum} positions"
            return
        for index, position in enumerate(value):
            yield from _point(position, f"{path}[{index}]")
        if shape.closed and value[0] != value[-1]:
            yield f"{path} is not closed: its first and last positions differ"

    return check


def _many(part_check):
    def check(value: Any, path: str) -> Iterator[str]:
        if not isinstance(value, list) or not value:
            yield f"{path} must be a non-empty list"
            return
        for index, part in enumerate(value):
            yield from part_check(part, f"{path}[{index}]")

    return check


def _is_position(value: Any) -> bool:
    return (
        isinstance(value, list) and len(value) in POSITION_LENGTHS and all(map(_is_number, value))
    )


def _is_number(value: Any) -> bool:
    # JSON gives exactly int, float or bool, and bool is an int to isinstance
    return type(value) in (int, float) and math.isfinite(value)


def _span(bounds: tuple[float, float]) -> str:
    return f"{bounds[0]:g} to {bounds[1]:g}"


def _short(value: Any) -> str:
    shown = json.dumps(value, allow_nan=True)
    return shown if len(shown) <= 60 else shown[:57] + "..."


_line_string = _positions(LINE_STRING)
_polygon = _many(_positions(LINEAR_RING))
_SHAPE_CHECKS = {
    "Point": _point,
    "LineString": _line_string,
    "MultiLineString": _many(_line_string),
    "Polygon": _polygon,
    "MultiPolygon": _many(_polygon),
}
