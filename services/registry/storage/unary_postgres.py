"""PostgreSQL: one asset locked, and one asset stored with its change, on the driver's own
cursor. These two statements are every write transaction's work for a unary call; run through
SQLAlchemy they cost more of the registry's CPU than everything else the call does in storage.
psycopg prepares them on the server after a few uses, as it does SQLAlchemy's statements."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import sqlalchemy as sa
from psycopg.types.json import Jsonb

from services.common.sql import driver_errors_as_sqlalchemy
from services.registry.storage import row_mapping
from services.registry.storage.conflicts import WriteConflict
from services.registry.storage.row_mapping import StoredAsset
from services.registry.storage.schema import assets, changes
from services.registry.storage.spatial import SRID

# nextval is evaluated above the locking subquery, so only once the row's lock is held: a writer
# that waited for another gets a higher version than the one it waited for.
_LOCK = (
    "SELECT name, body, deleted, nextval('asset_version') FROM "
    "(SELECT name, body, deleted FROM assets WHERE name = %(name)s FOR UPDATE) AS locked"
)
_GEOMETRY = f"ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(%(geometry)s)), {SRID})"
# PostgreSQL keeps no boxes in the row (SQLite's R*Tree does).
_COLUMNS = [c.name for c in assets.c if not c.name.startswith("box_")]
_CHANGE_COLUMNS = [c.name for c in changes.c if c.name not in ("id", "revision")]
_APPEND = (
    f"INSERT INTO changes ({', '.join(_CHANGE_COLUMNS)}) "
    f"VALUES ({', '.join(f'%(change_{c})s' for c in _CHANGE_COLUMNS)})"
)


def _value(column: str) -> str:
    return _GEOMETRY if column == "geometry" else f"%({column})s"


_CREATE = (
    f"WITH asset_written AS (INSERT INTO assets ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join(map(_value, _COLUMNS))})) {_APPEND}"
)


def _update(columns: list[str]) -> str:
    settings = ", ".join(f"{c} = {_value(c)}" for c in columns if c != "name")
    return f"WITH asset_written AS (UPDATE assets SET {settings} WHERE name = %(name)s) {_APPEND}"


_UPDATE = _update(_COLUMNS)
# An asset keeping its geometry: the GeoJSON is not parsed again, nor its index entry touched.
_UPDATE_KEEPING_GEOMETRY = _update([c for c in _COLUMNS if c != "geometry"])
_CURSORS = "urban_unary_cursors"  # in the pooled connection's info: statement -> cursor


def lock_one(connection: sa.Connection, name: str) -> tuple[StoredAsset | None, int]:
    """The stored row of `name` (a tombstone too), locked until the transaction ends, or None;
    and a new version for it."""
    with _cursor(connection, _LOCK) as cursor:
        cursor.execute(_LOCK, {"name": name})
        row = cursor.fetchone()
    if row is None:
        return None, 0
    _name, body, deleted, version = row
    return row_mapping.stored_asset_of(body, deleted), version


def save_one(connection: sa.Connection, row: dict, change: dict, *, created: bool,
             keeps_geometry: bool) -> None:
    """Stores one asset row (`created`: under a name that had no row) and appends its change,
    in one round trip."""
    statement = _CREATE if created else (_UPDATE_KEEPING_GEOMETRY if keeps_geometry else _UPDATE)
    parameters = {column: row[column] for column in _COLUMNS}
    parameters["labels"] = Jsonb(row["labels"])
    parameters.update((f"change_{column}", change[column]) for column in _CHANGE_COLUMNS)
    try:
        with _cursor(connection, statement) as cursor:
            cursor.execute(statement, parameters)
    except sa.exc.IntegrityError as error:
        raise WriteConflict("an asset was created concurrently") from error


@contextmanager
def _cursor(connection: sa.Connection, statement: str) -> Iterator[psycopg.Cursor]:
    """The cursor that runs `statement` in the connection's transaction; its errors raised as
    SQLAlchemy's are."""
    with driver_errors_as_sqlalchemy(connection):
        yield _kept_cursor(connection, statement)


def _kept_cursor(connection: sa.Connection, statement: str) -> psycopg.Cursor:
    """The cursor kept with the pooled connection for `statement` (a connection replaced by the
    pool starts without any). A cursor keeps the adapters it looked up for its parameters and
    columns only while it runs the same statement again: one cursor for every statement looked
    them up anew each time, as a new cursor does, which cost about as much as the statement's
    own conversions."""
    kept = connection.connection.info.setdefault(_CURSORS, {})
    driver = connection.connection.driver_connection
    cursor = kept.get(statement)
    if cursor is None or cursor.closed or cursor.connection is not driver:
        cursor = kept[statement] = driver.cursor()
    return cursor
