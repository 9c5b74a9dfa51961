"""Where the demo's assets lie: each reference city's weight in the data set, and points inside
its real districts (the registry's reference boundaries)."""

import functools
import random
from dataclasses import dataclass

import shapely

from services.registry.domain.cities import REFERENCE_CITIES
from services.registry.domain.districts import districts_of
from services.registry.domain.places import zhejiang

# How far inside its district a random point lies at least, where the district is wide enough:
# about 500 m, so that a compound's square or a pipe of a few hundred metres stays inside.
INNER_MARGIN_DEGREES = 0.005


@dataclass(frozen=True)
class Place:
    """A district of a city: `code` is the city's."""

    code: str
    district_code: str

    def district(self, rng: random.Random) -> str:
        return self.district_code

    def point(self, rng: random.Random) -> tuple[float, float]:
        return point_in(self.district_code, rng)


# Share of the province's assets, roughly by urban population.
WEIGHTS = {
    "330100": 8.7, "330200": 3.6, "330300": 2.4, "330400": 0.9, "330500": 0.7, "330600": 2.2,
    "330700": 0.8, "330800": 0.5, "330900": 0.6, "331000": 1.3, "331100": 0.45, "330782": 1.2,
    "330282": 1.1,
}  # fmt: skip
_CITIES = {city.code: city for city in REFERENCE_CITIES}


def pick_place(rng: random.Random) -> Place:
    code = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    return Place(code, rng.choice(district_codes(code)))


def district_codes(city_code: str) -> list[str]:
    return [division.code for division in districts_of(_CITIES[city_code])]


def point_in(district_code: str, rng: random.Random) -> tuple[float, float]:
    """A random point well inside the district (six decimals), deterministic per `rng`."""
    inner = _inner(district_code)
    west, south, east, north = inner.bounds
    while True:
        longitude = round(rng.uniform(west, east), 6)
        latitude = round(rng.uniform(south, north), 6)
        if shapely.contains_xy(inner, longitude, latitude):
            return longitude, latitude


@functools.cache
def _inner(district_code: str):
    geometry = zhejiang().divisions[district_code].geometry
    inner = geometry.buffer(-INNER_MARGIN_DEGREES)
    inner = geometry if inner.is_empty else inner
    shapely.prepare(inner)
    return inner
