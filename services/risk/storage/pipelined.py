"""Reads and writes on PostgreSQL in few round trips: what a scrape reads (rollups, cities,
per-city times, feed state) and what a batch's preparation and commit read first (the feed
state and stored rows or versions) as one message of several statements; what a small batch
writes in one pipeline, each table's rows travelling as one parameter of one statement (a large
batch's too, but for its per-asset rows, which go by COPY).

Each statement alone is a round trip, and a batch of a few changes made a dozen of them (the
rows through a staging table, then the rollups, district rollups, per-city times and the feed
state, each table's rows one by one): on a busy machine each one waits for the database's turn
on a core, and the next batch waits for this one's commit.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import orjson
import sqlalchemy as sa
from psycopg import ClientCursor
from psycopg.rows import namedtuple_row

from services.common.sql import driver_errors_as_sqlalchemy
from services.risk.domain.facts import CityFacts
from services.risk.domain.feed_state import FeedState
from services.risk.storage.districts import districts_from_rows
from services.risk.storage.read_model_sql import AssetRow, postgresql_rows_named
from services.risk.storage.schema import (
    assets,
    cities,
    city_changes,
    district_rollups,
    districts,
    feed_state,
    rollups,
)
from services.risk.storage.state import STATE_ID, cities_from_rows, state_from_row, state_values

# Beyond this many rows a batch goes by COPY, which a pipeline cannot carry; a catch-up's
# batches of thousands spend their time in the rows, not in round trips.
MOST_ROWS = 500


def fits(connection: sa.Connection, row_count: int) -> bool:
    return connection.dialect.name == "postgresql" and row_count <= MOST_ROWS


class ViewParts(NamedTuple):
    rollups: dict[str, float]
    cities: dict[str, CityFacts]
    last_change: dict[str, float]
    state: FeedState


def view_parts(connection: sa.Connection) -> ViewParts:
    """What /metrics and GetPlanProgress read, in one round trip (within the caller's
    transaction, which gives every statement the same snapshot)."""
    rollup_rows, city_rows, district_rows, change_rows, state_rows = _read_together(
        connection, _VIEW_QUERIES
    )
    return ViewParts(
        rollups=dict(rollup_rows),
        cities=cities_from_rows(city_rows, districts_from_rows(district_rows)),
        last_change=dict(change_rows),
        state=state_from_row(state_rows[0] if state_rows else None),
    )


def state_and_rows_named(
    connection: sa.Connection,
    names: Iterable[str],
    columns: Sequence[sa.Column],
    lock: int | None = None,
) -> tuple[FeedState, list]:
    """The feed state and `columns` of the stored rows of `names` (named tuples), in one round
    trip; after waiting for the transaction-long advisory `lock`, if one is given."""
    queries = [(_READ_STATE, (STATE_ID,)), postgresql_rows_named(names, columns)]
    if lock is not None:
        queries.insert(0, (_LOCK, (lock,)))
    *_, state_rows, rows = _read_together(connection, queries)
    return state_from_row(state_rows[0] if state_rows else None), rows


def _read_together(connection: sa.Connection, queries: Sequence[tuple[str, tuple]]) -> list:
    """Each query's rows (named tuples), the queries sent as one message with their parameters
    bound by the client: one round trip, where a pipeline takes two (its results, then its
    closing sync). They run in order, each seeing what the ones before it did."""
    text = "; ".join(query for query, _ in queries)
    parameters = tuple(parameter for _, bound in queries for parameter in bound)
    with driver_errors_as_sqlalchemy(connection):
        driver = connection.connection.driver_connection
        with ClientCursor(driver, row_factory=namedtuple_row) as cursor:
            cursor.execute(text, parameters)
            results = [cursor.fetchall()]
            while cursor.nextset():
                results.append(cursor.fetchall())
    return results


def write_batch(
    connection: sa.Connection,
    rows: list[AssetRow],
    deltas: Mapping[str, float],
    district_deltas: Mapping[str, float],
    last_change: Mapping[str, float],
    state: FeedState,
) -> None:
    """Upserts `rows`, adds the deltas to the rollups, advances the per-city times and writes
    the feed state: what the separate writes do, in one round trip."""
    with driver_errors_as_sqlalchemy(connection):
        driver = connection.connection.driver_connection
        with driver.pipeline(), driver.cursor() as cursor:
            if rows:
                cursor.execute(_UPSERT_ROWS, (_json_rows(rows),))
            for table, added in ((rollups, deltas), (district_rollups, district_deltas)):
                if added:
                    cursor.execute(_ADD_TO[table.name], (list(added), list(added.values())))
            if last_change:
                cursor.execute(_ADVANCE_CITIES, (list(last_change), list(last_change.values())))
            cursor.execute(_WRITE_STATE, {"id": STATE_ID, **state_values(state)})


def _json_rows(rows: list[AssetRow]) -> str:
    return orjson.dumps([row._asdict() for row in rows]).decode()


_READ_STATE = f"SELECT * FROM {feed_state.name} WHERE id = %s"
_LOCK = "SELECT pg_advisory_xact_lock(%s)"
_VIEW_QUERIES = (
    (f"SELECT key, value FROM {rollups.name}", ()),
    (f"SELECT * FROM {cities.name}", ()),
    (f"SELECT * FROM {districts.name} ORDER BY city, position", ()),
    (f"SELECT city, last_change_time FROM {city_changes.name}", ()),
    (_READ_STATE, (STATE_ID,)),
)
_COLUMNS = AssetRow._fields
_UPSERT_ROWS = (
    f"INSERT INTO {assets.name} ({', '.join(_COLUMNS)}) "
    f"SELECT {', '.join(_COLUMNS)} FROM json_populate_recordset(NULL::{assets.name}, %s::json) "
    "ON CONFLICT (name) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _COLUMNS[1:])
)
_ADD_TO = {
    table.name: (
        f"INSERT INTO {table.name} (key, value) "
        "SELECT * FROM unnest(%s::text[], %s::float8[]) "
        f"ON CONFLICT (key) DO UPDATE SET value = {table.name}.value + excluded.value"
    )
    for table in (rollups, district_rollups)
}
_ADVANCE_CITIES = (
    f"INSERT INTO {city_changes.name} (city, last_change_time) "
    "SELECT * FROM unnest(%s::text[], %s::float8[]) "
    "ON CONFLICT (city) DO UPDATE SET last_change_time = "
    f"greatest({city_changes.name}.last_change_time, excluded.last_change_time)"
)
_STATE_COLUMNS = ("id", *(column.name for column in feed_state.c if column.name != "id"))
_WRITE_STATE = (
    f"INSERT INTO {feed_state.name} ({', '.join(_STATE_COLUMNS)}) "
    f"VALUES ({', '.join(f'%({name})s' for name in _STATE_COLUMNS)}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _STATE_COLUMNS[1:])
)
