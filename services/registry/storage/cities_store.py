"""Reading, seeding and correcting cities."""

import datetime as dt

import sqlalchemy as sa

from services.registry.domain.cities import REFERENCE_CITIES, City
from services.registry.storage.schema import cities


def load_cities(connection: sa.Connection) -> list[tuple[City, int, dt.datetime]]:
    """Every city with its version and update time, in code order."""
    rows = connection.execute(sa.select(cities).order_by(cities.c.code))
    return [(_city(row), row.version, row.update_time) for row in rows]


def seed_reference_cities(connection: sa.Connection) -> int:
    """Adds the reference cities that are missing; corrected ones are left alone."""
    present = set(connection.scalars(sa.select(cities.c.code)))
    now = dt.datetime.now(dt.UTC)
    missing = [_row(city, 1, now) for city in REFERENCE_CITIES if city.code not in present]
    if missing:
        connection.execute(cities.insert(), missing)
    return len(missing)


def save_city(connection: sa.Connection, city: City, version: int, now: dt.datetime) -> None:
    row = _row(city, version, now)
    connection.execute(cities.update().where(cities.c.code == city.code).values(row))


def lock_city(connection: sa.Connection, code: str):
    """(City, version) locked until the transaction ends, or None."""
    query = sa.select(cities).where(cities.c.code == code).with_for_update()
    row = connection.execute(query).first()
    return None if row is None else (_city(row), row.version)


def _city(row) -> City:
    return City(
        code=row.code,
        display_name=row.display_name,
        english_name=row.english_name,
        urban_population=row.urban_population,
        parent_code=row.parent_code,
    )


def _row(city: City, version: int, now: dt.datetime) -> dict:
    return {
        "code": city.code,
        "display_name": city.display_name,
        "english_name": city.english_name,
        "urban_population": city.urban_population,
        "parent_code": city.parent_code,
        "version": version,
        "update_time": now,
    }
