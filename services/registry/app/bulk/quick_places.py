"""placement's rules applied to a batch's line strings at once, with exact checks for the rest.

A line whose first coordinate lies strictly inside a district, and whose bounding box lies
within QUICK_REACH_FRACTION of the tolerance from that coordinate, lies inside the district
widened by the tolerance: no polygon operation is needed beyond a vectorized point-in-polygon
test on the first coordinate.
Every other geometry is checked by placement itself, asset by asset.
"""

import functools
import math
from collections.abc import Callable

import numpy as np
import shapely

from services.registry.app.bulk.columns import Columns
from services.registry.app.bulk.quick_geometry import Lines
from services.registry.domain.cities import City
from services.registry.domain.districts import districts_of
from services.registry.domain.geometry import LATITUDE_RANGE
from services.registry.domain.placement import check_placement, derived_district
from services.registry.domain.places import zhejiang

CityLookup = Callable[[str], City | None]
# Upper bounds of a degree's length in metres anywhere in Zhejiang's latitude range.
_METRES_PER_DEGREE_LATITUDE = 111_000.0
_METRES_PER_DEGREE_LONGITUDE = 111_320.0 * math.cos(math.radians(LATITUDE_RANGE[0]))
# The exact check measures in a projection and widens by a polygonal buffer: both stay well
# within 2 % of the tolerance.
QUICK_REACH_FRACTION = 0.98


def placed_districts(
    assets: list, columns: Columns, lines: Lines, city_of: CityLookup
) -> list[str] | None:
    """The district each asset is stored with (given, derived, or '' without geometry), or None
    when some asset's geometry lies where placement's rules refuse it."""
    districts = list(columns.district_codes)
    unsettled = _unsettled_lines(columns, lines, city_of, districts)
    texts = columns.geojsons
    if len(lines.positions) < len(texts) - texts.count(""):
        vouched = set(lines.positions)
        unsettled += [p for p, text in enumerate(texts) if text and p not in vouched]
    for position in unsettled:
        city = city_of(columns.city_codes[position])
        if check_placement(assets[position], city):
            return None
        districts[position] = districts[position] or derived_district(texts[position], city)
    return districts


def _unsettled_lines(columns: Columns, lines: Lines, city_of: CityLookup, districts: list):
    """Positions of the lines the quick test cannot settle; writes the derived districts of
    those it settles."""
    if not lines.positions:
        return []
    codes = _division_codes()
    number = _numbers()
    given = np.fromiter(map(number.get, map(districts.__getitem__, lines.positions)), np.intp)
    city_of_line = [columns.city_codes[position] for position in lines.positions]
    longitudes = lines.longitudes[lines.starts]
    latitudes = lines.latitudes[lines.starts]
    placed = np.full(len(lines.positions), NOT_PLACED)
    open_ = _within_reach(lines)
    for city_code in set(city_of_line):
        in_city = open_ & _equal(city_of_line, city_code)
        for division in districts_of(city_of(city_code)):
            wanted = in_city & ((given == number[division.code]) | (given == number[""]))
            wanted &= _in_box(division.geometry.bounds, longitudes, latitudes)
            if wanted.any():
                inside = np.zeros(len(placed), dtype=bool)
                inside[wanted] = shapely.contains_xy(
                    division.geometry, longitudes[wanted], latitudes[wanted]
                )
                placed[inside] = number[division.code]
                in_city &= ~inside
    positions = np.asarray(lines.positions)
    derived = (placed != NOT_PLACED) & (given == number[""])
    for position, code in zip(
        positions[derived].tolist(), codes[placed[derived]].tolist(), strict=True
    ):
        districts[position] = code
    return positions[placed == NOT_PLACED].tolist()


NOT_PLACED = -1


@functools.cache
def _numbers() -> dict[str, int]:
    return {code: index for index, code in enumerate(_division_codes())}


@functools.cache
def _division_codes() -> np.ndarray:
    """Every division's code, then '' (no district given)."""
    return np.array([*zhejiang().divisions, ""], dtype=object)


def _equal(values: list[str], value: str) -> np.ndarray | bool:
    """values[i] == value for each i; True (for all) in the usual batch of one city."""
    if values.count(value) == len(values):
        return True
    return np.array(values, dtype=object) == value


def _in_box(bounds: tuple, longitudes: np.ndarray, latitudes: np.ndarray) -> np.ndarray:
    west, south, east, north = bounds
    return (west <= longitudes) & (longitudes <= east) & (south <= latitudes) & (latitudes <= north)


def _within_reach(lines: Lines) -> np.ndarray:
    """Whether every coordinate of each line lies within QUICK_REACH_M of its first one."""
    reach = QUICK_REACH_FRACTION * zhejiang().tolerance_m
    first_longitude = lines.longitudes[lines.starts]
    first_latitude = lines.latitudes[lines.starts]
    east = np.maximum.reduceat(lines.longitudes, lines.starts) - first_longitude
    west = first_longitude - np.minimum.reduceat(lines.longitudes, lines.starts)
    north = np.maximum.reduceat(lines.latitudes, lines.starts) - first_latitude
    south = first_latitude - np.minimum.reduceat(lines.latitudes, lines.starts)
    across = np.maximum(east, west) * _METRES_PER_DEGREE_LONGITUDE
    along = np.maximum(north, south) * _METRES_PER_DEGREE_LATITUDE
    return np.hypot(across, along) <= reach
