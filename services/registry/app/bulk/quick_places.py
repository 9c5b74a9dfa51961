"""placement's rules applied to a batch's line strings at once, with exact checks for the rest.

A line is settled by the domain's Places.surely_covered, given its first coordinate and how far
its bounding box reaches from it: then it lies inside the district (given, or derived as the
one holding that coordinate) and its city, widened by the tolerance, with no polygon operation.
Every other geometry is checked by placement itself, asset by asset.
"""

import functools
from collections.abc import Callable

import numpy as np

from services.registry.app.bulk.columns import Columns
from services.registry.app.bulk.quick_geometry import Lines
from services.registry.domain.cities import City
from services.registry.domain.districts import districts_of
from services.registry.domain.placement import check_placement, derived_district
from services.registry.domain.places import metres_at_most, zhejiang

CityLookup = Callable[[str], City | None]


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
    places, codes, number = zhejiang(), _division_codes(), _numbers()
    given = np.fromiter(map(number.get, map(districts.__getitem__, lines.positions)), np.intp)
    city_of_line = [columns.city_codes[position] for position in lines.positions]
    longitudes = lines.longitudes[lines.starts]
    latitudes = lines.latitudes[lines.starts]
    reaches = _reaches(lines)
    placed = np.full(len(lines.positions), NOT_PLACED)
    for city_code in set(city_of_line):
        in_city = np.ones(len(placed), dtype=bool) & _equal(city_of_line, city_code)
        for division in districts_of(city_of(city_code)):
            wanted = in_city & ((given == number[division.code]) | (given == number[""]))
            if wanted.any():
                inside = places.surely_covered(
                    division.code, longitudes, latitudes, reaches, among=wanted
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


def _reaches(lines: Lines) -> np.ndarray:
    """How far each line reaches from its first coordinate at most, in metres: to the farthest
    corner of its bounding box."""
    first_longitude = lines.longitudes[lines.starts]
    first_latitude = lines.latitudes[lines.starts]
    east = np.maximum.reduceat(lines.longitudes, lines.starts) - first_longitude
    west = first_longitude - np.minimum.reduceat(lines.longitudes, lines.starts)
    north = np.maximum.reduceat(lines.latitudes, lines.starts) - first_latitude
    south = first_latitude - np.minimum.reduceat(lines.latitudes, lines.starts)
    return metres_at_most(np.maximum(east, west), np.maximum(north, south))
