"""Rollups by district, and the districts of each city."""

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from services.risk.domain.district_rollups import FAMILIES
from services.risk.domain.facts import CityFacts, DistrictFacts
from services.risk.storage.read_model_sql import chunks, insert
from services.risk.storage.schema import district_rollups, districts


def add_to_district_rollups(connection: sa.Connection, deltas: Mapping[str, float]) -> None:
    rows = [{"key": key, "value": value} for key, value in sorted(deltas.items())]
    for chunk in chunks(rows):
        statement = insert(connection, district_rollups)
        summed = {"value": district_rollups.c.value + statement.excluded.value}
        connection.execute(
            statement.on_conflict_do_update(index_elements=["key"], set_=summed), chunk
        )


def replace_district_rollups(connection: sa.Connection, totals: Mapping[str, float]) -> None:
    connection.execute(sa.delete(district_rollups))
    for chunk in chunks([{"key": k, "value": v} for k, v in sorted(totals.items())]):
        connection.execute(sa.insert(district_rollups), chunk)


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
    found: dict[str, list[DistrictFacts]] = {}
    for row in connection.execute(query):
        found.setdefault(row.city, []).append(
            DistrictFacts(row.code, row.display_name, row.english_name)
        )
    return {city: tuple(listed) for city, listed in found.items()}
