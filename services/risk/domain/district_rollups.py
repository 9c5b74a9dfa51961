"""Rollups by district: what a city's figures are made of, division by division.

An asset adds to its district's rollups what it adds to its city's (rollups.py), for the
families a breakdown shows: counts by kind and status, drainage zones by return periods, pipe
length by network and status, and the length the national criteria require renovating. Keys
are the city's keys with the district after the city: `pipe_length_m|330100|330106|gas|in_service`.
An asset without a district counts under the district "".

They are kept apart from the city rollups, which /metrics reads whole at every scrape.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from services.risk.domain.facts import DRAINAGE_ZONE, AssetFacts
from services.risk.domain.plan import FloodControl
from services.risk.domain.rollups import (
    ASSETS,
    DRAINAGE_ZONES,
    PIPE_LENGTH,
    PIPE_MUST_RENOVATE,
    RollupKey,
    rollup_key,
    split_key,
)
from services.risk.domain.tally import Cities, zone_compliant

FAMILIES = frozenset({ASSETS, DRAINAGE_ZONES, PIPE_LENGTH, PIPE_MUST_RENOVATE})
COMPLIANT, NON_COMPLIANT = "compliant", "non_compliant"


def district_contribution(
    facts: AssetFacts | None, counted: Mapping[RollupKey, float]
) -> dict[RollupKey, float]:
    """What `facts`, which add `counted` to their city's rollups, add to their district's."""
    if facts is None:
        return {}
    keys = district_keys(counted, facts.district)
    return {key: value for key, value in zip(keys, counted.values(), strict=True) if key}


def district_keys(counted: Mapping[RollupKey, float], district: str) -> tuple[RollupKey, ...]:
    """The district's key for each of `counted`'s city keys, in their order; "" for keys no
    district counts."""
    return _district_keys(tuple(counted), district)


@functools.lru_cache(maxsize=16384)
def _district_keys(keys: tuple[RollupKey, ...], district: str) -> tuple[RollupKey, ...]:
    """Each city key with the district after the city; "" for keys no district counts."""
    return tuple(_district_key(split_key(key), district) for key in keys)


def _district_key(parts: list[str], district: str) -> RollupKey:
    if parts[0] not in FAMILIES:
        return ""
    return rollup_key(parts[0], parts[1], district, *parts[2:])


@dataclass
class DistrictFigures:
    """One district's figures; `code` "" stands for the city's assets without a district."""

    code: str
    # (kind, status) → count; drainage zones are `compliant` or `non_compliant`.
    assets: dict[tuple[str, str], float] = field(default_factory=dict)
    # (network, status) → metres
    pipe_length_m: dict[tuple[str, str], float] = field(default_factory=dict)
    # network → metres awaiting renovation that the national criteria require renovating
    must_renovate_m: dict[str, float] = field(default_factory=dict)

    def count(self, kind: str) -> float:
        return sum(value for (k, _), value in self.assets.items() if k == kind)

    @property
    def pipe_total_m(self) -> float:
        return sum(self.pipe_length_m.values())

    @property
    def must_renovate_total_m(self) -> float:
        return sum(self.must_renovate_m.values())


def district_breakdown(
    rollups: Mapping[RollupKey, float],
    city: str,
    districts: list[str],
    flood: FloodControl,
    cities: Cities,
) -> list[DistrictFigures]:
    """Every district of `districts` in that order (with zeros where nothing is counted), then
    any other district the rollups of `city` hold, then "" if assets without one are counted."""
    found = {code: DistrictFigures(code) for code in districts}
    for key, value in rollups.items():
        family, key_city, district, *rest = split_key(key)
        if key_city == city and abs(value) > 1e-9:
            figures = found.setdefault(district, DistrictFigures(district))
            _add(figures, family, rest, value, flood, city, cities)
    listed = set(districts)
    others = sorted(code for code in found if code not in listed and code)
    return [found[code] for code in (*districts, *others)] + ([found[""]] if "" in found else [])


def _add(figures: DistrictFigures, family: str, rest: list[str], value: float, flood, city, cities):
    if family == ASSETS:
        kind, status = rest
        _sum(figures.assets, (kind, status), value)
    elif family == DRAINAGE_ZONES:
        required, assessed = map(int, rest)
        compliant = zone_compliant(flood, city, required, assessed, cities)
        _sum(figures.assets, (DRAINAGE_ZONE, COMPLIANT if compliant else NON_COMPLIANT), value)
    elif family == PIPE_LENGTH:
        network, status = rest
        _sum(figures.pipe_length_m, (network, status), value)
    elif family == PIPE_MUST_RENOVATE:
        (network,) = rest
        _sum(figures.must_renovate_m, network, value)


def _sum(totals: dict, key, value: float) -> None:
    totals[key] = totals.get(key, 0.0) + value
