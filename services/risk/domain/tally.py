"""Per-city numerators and denominators read out of rollups, and drainage-zone compliance."""

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from services.risk.domain.facts import CityFacts
from services.risk.domain.plan import FloodControl
from services.risk.domain.rollups import DRAINAGE_AREA, DRAINAGE_ZONES, RollupKey, split_key

Rollups = Mapping[RollupKey, float]
Cities = Mapping[str, CityFacts]


@dataclass(frozen=True)
class CityShare:
    city: str
    achieved: float
    numerator: float
    denominator: float


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def city_of(code: str, cities: Cities) -> CityFacts:
    """A city without reference data counts as a small city of no known population."""
    return cities.get(code) or CityFacts(code)


def family(rollups: Rollups, name: str) -> Iterator[tuple[list[str], float]]:
    """(key parts after the family name, value) of every rollup in the family."""
    for key, value in rollups.items():
        parts = split_key(key)
        if parts[0] == name:
            yield parts[1:], value


class Tally:
    def __init__(self):
        self.numerators: dict[str, float] = defaultdict(float)
        self.denominators: dict[str, float] = defaultdict(float)

    def count(self, city: str, value: float, counts_toward: bool) -> None:
        self.denominators[city] += value
        if counts_toward:
            self.numerators[city] += value

    def shares(self, as_ratio: bool) -> tuple[CityShare, ...]:
        seen = sorted(code for code, value in self.denominators.items() if value)
        return tuple(self._share(code, as_ratio) for code in seen)

    def _share(self, code: str, as_ratio: bool) -> CityShare:
        numerator, denominator = self.numerators[code], self.denominators[code]
        if as_ratio:
            return CityShare(code, ratio(numerator, denominator), numerator, denominator)
        return CityShare(code, numerator, numerator, 0.0)


def zone_compliant(
    flood: FloodControl, city: str, required: int, assessed: int, cities: Cities
) -> bool:
    """A zone is compliant when assessed at least at its own or its city's required period."""
    needed = flood.required_return_period(required, city_of(city, cities).size_class)
    return assessed > 0 and assessed >= needed


def tally_flood_compliance(
    tally: Tally, flood: FloodControl, rollups: Rollups, cities: Cities, by_area: bool
) -> None:
    for (city, required, assessed), value in family(
        rollups, DRAINAGE_AREA if by_area else DRAINAGE_ZONES
    ):
        tally.count(city, value, zone_compliant(flood, city, int(required), int(assessed), cities))


def flood_compliance_by_city(flood: FloodControl, rollups: Rollups, cities: Cities):
    """Compliant drainage-zone area ÷ all drainage-zone area, per city with zones."""
    tally = Tally()
    tally_flood_compliance(tally, flood, rollups, cities, by_area=True)
    return {share.city: share.achieved for share in tally.shares(as_ratio=True)}
