"""SQLite: one asset read, an asset kept in place updated, one change appended, and the
counters a write transaction reads once and stores once (counted.py), on the driver's own
connection inside SQLAlchemy's transaction. These are a single-asset write's statements; run
through SQLAlchemy's Core they cost the group-commit writer more than the rest of the write.
Values are converted by the columns' own SQLAlchemy types, so the rows hold exactly what Core
would have stored."""

from collections.abc import Callable, Iterable

import sqlalchemy as sa

from services.common.sql import driver_errors_as_sqlalchemy
from services.registry.storage import row_mapping, sequencer
from services.registry.storage.counted import Counted
from services.registry.storage.row_mapping import StoredAsset
from services.registry.storage.schema import assets, changes
from services.registry.storage.spatial import BOX_COLUMNS

_READ = "SELECT body, deleted FROM assets WHERE name = ?"
_READ_VERSIONS = "SELECT value FROM counters WHERE name = 'asset_version'"
_STORE_VERSIONS = "UPDATE counters SET value = ? WHERE name = 'asset_version'"
_PEEK_HEAD = (
    "SELECT value, EXISTS (SELECT 1 FROM changes WHERE revision IS NULL) "
    "FROM counters WHERE name = 'revision'"
)
_STORE_HEAD = "UPDATE counters SET value = ? WHERE name = 'revision'"
# An asset keeping its geometry keeps its box and the box's key (storage.writes).
_KEPT_COLUMNS = tuple(
    c.name for c in assets.c if c.name not in {"name", "geometry", *BOX_COLUMNS}
)
_UPDATE_KEEPING_BOX = (
    f"UPDATE assets SET {', '.join(f'{c} = ?' for c in _KEPT_COLUMNS)} WHERE name = ?"
)
_CHANGE_COLUMNS = tuple(c.name for c in changes.c if c.name != "id")
_APPEND = (
    f"INSERT INTO changes ({', '.join(_CHANGE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _CHANGE_COLUMNS)})"
)

Convert = Callable[[object], object]
_converters: dict[tuple[str, str], tuple[Convert | None, ...]] = {}


def read_one(connection: sa.Connection, name: str) -> StoredAsset | None:
    """The stored row of `name` (a tombstone too), or None. SQLite's write transaction already
    holds every row."""
    row = _run(connection, _READ, (name,)).fetchone()
    return None if row is None else row_mapping.stored_asset_of(row[0], bool(row[1]))


def versions(connection: sa.Connection) -> Counted:
    """The version counter, advanced in memory and stored once (see counted.py)."""
    return Counted(
        lambda: _run(connection, _READ_VERSIONS, ()).fetchone()[0],
        lambda last: _run(connection, _STORE_VERSIONS, (last,)),
    )


def revisions(connection: sa.Connection) -> Counted:
    """The change log's head, advanced in memory as changes are appended and stored once (see
    counted.py). The transaction's write lock holds the head; changes other transactions
    committed without a revision are numbered first, so that this one's follow them (the head
    past them is stored with this transaction's own)."""
    return Counted(
        lambda: _head_after_waiting_changes(connection),
        lambda head: _run(connection, _STORE_HEAD, (head,)),
    )


def _head_after_waiting_changes(connection: sa.Connection) -> int:
    head, waiting = _run(connection, _PEEK_HEAD, ()).fetchone()
    return sequencer.number_pending_under_lock(connection) if waiting else head


def update_keeping_box(connection: sa.Connection, row: dict) -> None:
    """Stores an asset row whose geometry (and so its box) stays as stored."""
    values = _converted(connection, assets, _KEPT_COLUMNS, row)
    _run(connection, _UPDATE_KEEPING_BOX, (*values, row["name"]))


def append_change(connection: sa.Connection, change: dict) -> None:
    _run(connection, _APPEND, _converted(connection, changes, _CHANGE_COLUMNS, change))


def _converted(connection: sa.Connection, table: sa.Table, columns: tuple[str, ...], row: dict):
    converters = _converters.get((table.name, connection.dialect.name))
    if converters is None:
        converters = _converters[table.name, connection.dialect.name] = tuple(
            _converter(table.c[column].type, connection.dialect) for column in columns
        )
    return [
        value if convert is None else convert(value)
        for convert, value in zip(converters, _values(row, columns), strict=True)
    ]


def _values(row: dict, columns: Iterable[str]) -> list:
    return [row[column] for column in columns]


def _converter(column_type: sa.types.TypeEngine, dialect: sa.Dialect) -> Convert | None:
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _run(connection: sa.Connection, statement: str, parameters):
    with driver_errors_as_sqlalchemy(connection):
        return connection.connection.driver_connection.execute(statement, parameters)
