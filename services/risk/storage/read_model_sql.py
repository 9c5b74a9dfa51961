"""The SQL of the read model's per-asset rows, rollups and per-city change times."""

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from services.common.sql import driver_errors_as_sqlalchemy
from services.risk.domain.asset_days import asset_dates
from services.risk.domain.batch import AssetVersion, HeldVersion
from services.risk.domain.facts import PIPE_SEGMENT, city_of
from services.risk.domain.pipe_rules import PipeAssessment, level_rank
from services.risk.domain.plan import Plan
from services.risk.storage import codec
from services.risk.storage.schema import assets, city_changes, rollups

CHUNK = 500


def insert(connection: sa.Connection, table: sa.Table):
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_STORED_COLUMNS = (
    assets.c.name,
    assets.c.version,
    assets.c.revision,
    assets.c.deleted,
    assets.c.facts,
)


def _stored(row) -> AssetVersion:
    facts = None if row.deleted or row.facts is None else codec.decode(row.facts)
    return AssetVersion(row.name, row.version, facts, row.revision)


STORED_ASSETS = _STORED_COLUMNS, lambda rows: {row.name: _stored(row) for row in rows}
STORED_VERSIONS = (
    (assets.c.name, assets.c.version, assets.c.revision),
    lambda rows: {row.name: HeldVersion(row.version, row.revision) for row in rows},
)


def load_assets(connection: sa.Connection, names: Iterable[str]) -> dict[str, AssetVersion]:
    """The stored rows of `names`."""
    columns, mapped = STORED_ASSETS
    return mapped(rows_named(connection, names, columns))


def load_versions(connection: sa.Connection, names: Iterable[str]) -> dict[str, HeldVersion]:
    """The version and revision of the stored rows of `names`."""
    columns, mapped = STORED_VERSIONS
    return mapped(rows_named(connection, names, columns))


def rows_named(connection: sa.Connection, names: Iterable[str], columns) -> sa.CursorResult:
    """One statement however many names: they travel as one parameter, far cheaper than a
    parameter each (on PostgreSQL a text, a name a line; on SQLite a JSON array)."""
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql(*postgresql_rows_named(names, columns))
    listed = ", ".join(c.name for c in columns)
    selected = f"SELECT {listed} FROM {assets.name}"
    where = "WHERE name IN (SELECT value FROM json_each(?))"
    return connection.exec_driver_sql(f"{selected} {where}", (json.dumps(sorted(set(names))),))


def postgresql_rows_named(names: Iterable[str], columns) -> tuple[str, tuple[str]]:
    """The statement and parameters reading `columns` of the rows of `names` on PostgreSQL."""
    listed = ", ".join(c.name for c in columns)
    found = ", ".join(f"found.{c.name}" for c in columns)
    statement = _NAMED_ROWS.format(found=found, listed=listed)
    return statement, ("\n".join(sorted(set(names))),)


# A name at a time through the primary key. Given thousands of names, PostgreSQL estimates a
# scan of the whole table cheaper than the index (with statistics or without), and at a million
# rows that scan costs ten times the lookups; OFFSET 0 keeps the subquery a loop over the names.
_NAMED_ROWS = (
    "SELECT {found} FROM unnest(string_to_array(%s, E'\\n')) AS wanted(name) CROSS JOIN LATERAL "
    f"(SELECT {{listed}} FROM {assets.name} WHERE name = wanted.name OFFSET 0) AS found"
)


class AssetRow(NamedTuple):
    """A per-asset row, its fields in the order of the table's columns (thousands are written a
    batch, through COPY on PostgreSQL). A tombstone keeps its name, city, versions and nothing
    else."""

    name: str
    city: str
    kind: str
    version: int
    revision: int
    deleted: bool
    facts: str | None = None
    network: str | None = None
    length_m: float | None = None
    level_rank: int | None = None
    score: int | None = None
    must_renovate: bool = False
    status: str | None = None
    counted_from: str | None = None
    status_since: str | None = None
    started_on: str | None = None
    renovated_on: str | None = None
    area_km2: float | None = None
    required_years: int | None = None
    assessed_years: int | None = None
    counts_as_of: bool | None = None


_COLUMNS = AssetRow._fields


def asset_row(stored: AssetVersion, assessment: PipeAssessment | None, plan: Plan) -> AssetRow:
    """Built positionally (the columns' order): by keyword a row costs twice as much."""
    name, facts = stored.name, stored.facts
    if facts is None:
        return AssetRow(name, city_of(name), "", stored.version, stored.revision, deleted=True)
    is_pipe = facts.kind == PIPE_SEGMENT
    awaiting = assessment is not None and facts.awaiting_renovation
    dates = asset_dates(facts, plan)
    return AssetRow(
        name,
        facts.city,
        facts.kind,
        stored.version,
        stored.revision,
        False,
        codec.encode(facts),
        facts.network if is_pipe else None,
        facts.length_m if is_pipe else None,
        level_rank(assessment.level) if awaiting else None,
        assessment.score if awaiting else None,
        bool(awaiting and assessment.must_renovate),
        dates.status,
        _iso(dates.counted_from),
        _iso(dates.status_since),
        _iso(dates.started_on),
        _iso(dates.renovated_on),
        dates.area_km2,
        dates.required_years,
        dates.assessed_years,
        dates.counts_as_of,
    )


def _iso(day) -> str | None:
    """Days travel as ISO text: SQLite stores them so, and PostgreSQL's COPY parses them."""
    return None if day is None else day.isoformat()


def upsert_assets(connection: sa.Connection, rows: list[AssetRow], none_stored=False) -> None:
    """Inserts the rows (one per name), or replaces every column of those already there.

    SQLite runs one prepared statement over them all; PostgreSQL takes them through COPY into
    a temporary table, then moves them with one statement, which costs both sides a fraction
    of a statement a row. With `none_stored` (the caller read in this write transaction, one
    writer at a time, that the table holds none of these names) PostgreSQL copies them
    straight into the table, sparing the stage and the conflict check.
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.exec_driver_sql(_UPSERT_ROW, rows)
        return
    with driver_errors_as_sqlalchemy(connection):
        cursor = connection.connection.driver_connection.cursor()
        if none_stored:
            _copy(cursor, _COPY_INTO_TABLE, rows)
            return
        cursor.execute(_CREATE_STAGE)
        _copy(cursor, _COPY_TO_STAGE, rows)
        cursor.execute(_MOVE_FROM_STAGE)


def _copy(cursor, statement: str, rows: list[AssetRow]) -> None:
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


_REPLACE_ALL = "ON CONFLICT (name) DO UPDATE SET " + ", ".join(
    f"{name} = excluded.{name}" for name in _COLUMNS[1:]
)
_UPSERT_ROW = (
    f"INSERT INTO {assets.name} ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNS))}) {_REPLACE_ALL}"
)
_STAGE = f"{assets.name}_staged"
_CREATE_STAGE = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (LIKE {assets.name}) ON COMMIT DELETE ROWS"
)
_COPY_TO_STAGE = f"COPY {_STAGE} ({', '.join(_COLUMNS)}) FROM STDIN"
_COPY_INTO_TABLE = f"COPY {assets.name} ({', '.join(_COLUMNS)}) FROM STDIN"
# The stage empties itself at commit only, and a relist moves many chunks in one transaction:
# each move takes its rows out of the stage, so the next moves only its own.
_MOVE_FROM_STAGE = (
    f"WITH staged AS (DELETE FROM {_STAGE} RETURNING *) "
    f"INSERT INTO {assets.name} ({', '.join(_COLUMNS)}) "
    f"SELECT {', '.join(_COLUMNS)} FROM staged {_REPLACE_ALL}"
)


def add_to_rollups(
    connection: sa.Connection, deltas: Mapping[str, float], table: sa.Table = rollups
) -> None:
    """Adds each delta to its key's value in `table` (the city rollups, or the districts')."""
    rows = [{"key": key, "value": value} for key, value in sorted(deltas.items())]
    for chunk in chunks(rows):
        statement = insert(connection, table)
        summed = {"value": table.c.value + statement.excluded.value}
        connection.execute(
            statement.on_conflict_do_update(index_elements=["key"], set_=summed), chunk
        )


def replace_rollups(
    connection: sa.Connection, totals: Mapping[str, float], table: sa.Table = rollups
) -> None:
    connection.execute(sa.delete(table))
    for chunk in chunks([{"key": k, "value": v} for k, v in sorted(totals.items())]):
        connection.execute(sa.insert(table), chunk)


def read_rollups(connection: sa.Connection) -> dict[str, float]:
    return dict(connection.execute(sa.select(rollups.c.key, rollups.c.value)).all())


def advance_city_changes(connection: sa.Connection, times: Mapping[str, float]) -> None:
    """Keeps, per city, the later of the stored time and the given one."""
    rows = [{"city": city, "last_change_time": t} for city, t in sorted(times.items())]
    for chunk in chunks(rows):
        statement = insert(connection, city_changes)
        newer = statement.excluded.last_change_time
        latest = sa.case(
            (newer > city_changes.c.last_change_time, newer), else_=city_changes.c.last_change_time
        )
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["city"], set_={"last_change_time": latest}
            ),
            chunk,
        )


def read_city_changes(connection: sa.Connection) -> dict[str, float]:
    query = sa.select(city_changes.c.city, city_changes.c.last_change_time)
    return dict(connection.execute(query).all())


def live_assets(connection: sa.Connection, page: int = 5000) -> Iterator[list[AssetVersion]]:
    """Every live asset, a page at a time in name order, without holding a cursor open."""
    query = sa.select(*_STORED_COLUMNS).where(assets.c.deleted.is_(False))
    after = ""
    while True:
        rows = connection.execute(
            query.where(assets.c.name > after).order_by(assets.c.name).limit(page)
        ).all()
        if not rows:
            return
        yield [_stored(row) for row in rows]
        after = rows[-1].name
