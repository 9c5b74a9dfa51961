"""Rollups by district, and the districts of each city."""

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from services.risk.domain.district_rollups import FAMILIES
from services.risk.domain.facts import CityFacts, DistrictFacts
from services.risk.storage.read_model_sql import add_to_rollups, chunks, replace_rollups
from services.risk.storage.schema import district_rollups, districts


def add_to_district_rollups(connection: sa.Connection, deltas: Mapping[str, float]) -> None:
    add_to_rollups(connection, deltas, district_rollups)


def replace_district_rollups(connection: sa.Connection, totals: Mapping[str, float]) -> None:
    replace_rollups(connection, totals, district_rollups)


def read_district_rollups(connection: sa.Connection, city: str | None = None) -> dict[str, float]:
    """Every district rollup, or those of one city."""
    query = sa.select(district_rollups.c.key, district_rollups.c.value)
    if city is not None:
        query = query.where(
            sa.or_(*(district_rollups.c.key.like(f"{family}|{city}|%") for family in FAMILIES))
        )
    return dict(connection.execute(query).all())


def replace_districts(connection: sa.Connection, cities: Iterable[CityFacts]) -> None:
    connection.execute(sa.delete(districts))
    rows = [
        {
            "code": district.code,
            "city": city.code,
            "position": position,
            "display_name": district.display_name,
            "english_name": district.english_name,
        }
        for city in cities
        for position, district in enumerate(city.districts)
    ]
    for chunk in chunks(rows):
        connection.execute(sa.insert(districts), chunk)


def read_districts(connection: sa.Connection) -> dict[str, tuple[DistrictFacts, ...]]:
    """Each city's districts in the registry's order, by city code."""
    query = sa.select(districts).order_by(districts.c.city, districts.c.position)
    return districts_from_rows(connection.execute(query))


def districts_from_rows(rows: Iterable) -> dict[str, tuple[DistrictFacts, ...]]:
    """Each city's districts from their rows (columns by name) in the registry's order."""
    found: dict[str, list[DistrictFacts]] = {}
    for row in rows:
        found.setdefault(row.city, []).append(
            DistrictFacts(row.code, row.display_name, row.english_name)
        )
    return {city: tuple(listed) for city, listed in found.items()}
