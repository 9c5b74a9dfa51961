"""The districts of a city: the county-level divisions of Zhejiang that belong to it.

A prefecture's districts are the divisions under it, except a county-level city that is a city
of its own in the reference data (Ningbo's leave out 330282 Cixi); such a city's one district is
itself.
"""

import functools

from services.registry.domain.cities import REFERENCE_CITIES, City
from services.registry.domain.places import Division, zhejiang

CITIES_OF_THEIR_OWN = frozenset(city.code for city in REFERENCE_CITIES if not city.is_prefecture)


def districts_of(city: City) -> tuple[Division, ...]:
    return _districts(city.code, city.is_prefecture)


def district_codes(city: City) -> frozenset[str]:
    return _district_codes(city.code, city.is_prefecture)


def district_belongs_to(district_code: str, city: City) -> bool:
    return district_code in district_codes(city)


@functools.cache
def _district_codes(city_code: str, is_prefecture: bool) -> frozenset[str]:
    return frozenset(division.code for division in _districts(city_code, is_prefecture))


@functools.cache
def _districts(city_code: str, is_prefecture: bool) -> tuple[Division, ...]:
    divisions = zhejiang().divisions
    if not is_prefecture:
        return (divisions[city_code],) if city_code in divisions else ()
    return tuple(
        division
        for code, division in sorted(divisions.items())
        if code[:4] == city_code[:4] and code not in CITIES_OF_THEIR_OWN
    )
