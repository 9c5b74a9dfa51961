"""The feed state row and the city reference data."""

from collections.abc import Iterable

import sqlalchemy as sa

from services.common.change_stream import LogSource
from services.risk.domain.facts import CityFacts, DistrictFacts
from services.risk.domain.feed_state import FeedState
from services.risk.storage.districts import read_districts, replace_districts
from services.risk.storage.read_model_sql import chunks
from services.risk.storage.schema import cities, feed_state

STATE_ID = 1


def read_state(connection: sa.Connection) -> FeedState:
    row = connection.execute(sa.select(feed_state).where(feed_state.c.id == STATE_ID)).first()
    return state_from_row(row)


def state_from_row(row) -> FeedState:
    """The feed state from its row (columns by name), or the initial state if there is none."""
    if row is None:
        return FeedState()
    source = LogSource(row.registry_id, row.registry_epoch) if row.registry_id else None
    return FeedState(
        applied_revision=row.applied_revision,
        rules_version=row.rules_version,
        plan_version=row.plan_version,
        scored_year=row.scored_year,
        source=source,
        last_event_id=row.last_event_id,
    )


def write_state(connection: sa.Connection, state: FeedState) -> None:
    values = state_values(state)
    updated = connection.execute(
        sa.update(feed_state).where(feed_state.c.id == STATE_ID).values(values)
    )
    if updated.rowcount == 0:
        connection.execute(sa.insert(feed_state).values(id=STATE_ID, **values))


def state_values(state: FeedState) -> dict:
    """The feed state row's columns but its id."""
    return {
        "applied_revision": state.applied_revision,
        "rules_version": state.rules_version,
        "plan_version": state.plan_version,
        "scored_year": state.scored_year,
        "registry_id": state.source.registry_id if state.source else "",
        "registry_epoch": state.source.epoch if state.source else 0,
        "last_event_id": state.last_event_id,
    }


def replace_cities(connection: sa.Connection, reference: Iterable[CityFacts]) -> None:
    reference = list(reference)
    connection.execute(sa.delete(cities))
    rows = [
        {
            "code": city.code,
            "display_name": city.display_name,
            "urban_population": city.urban_population,
            "parent": city.parent,
            "english_name": city.english_name,
        }
        for city in reference
    ]
    for chunk in chunks(rows):
        connection.execute(sa.insert(cities), chunk)
    replace_districts(connection, reference)


def read_cities(connection: sa.Connection) -> dict[str, CityFacts]:
    return cities_from_rows(
        connection.execute(sa.select(cities)), read_districts(connection)
    )


def cities_from_rows(
    city_rows: Iterable, districts: dict[str, tuple[DistrictFacts, ...]]
) -> dict[str, CityFacts]:
    """The cities from their rows (columns by name) and each one's districts."""
    return {
        row.code: CityFacts(
            code=row.code,
            urban_population=row.urban_population,
            display_name=row.display_name,
            parent=row.parent,
            english_name=row.english_name,
            districts=districts.get(row.code, ()),
        )
        for row in city_rows
    }
