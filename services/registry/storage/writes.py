"""What one write transaction does to the registry's tables.

Statements are built once; each call passes only parameters, so SQLAlchemy finds them compiled.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from services.registry.domain.cities import City
from services.registry.storage import (
    cities_store,
    remembered,
    row_mapping,
    spatial,
    unary_postgres,
    unary_sqlite,
)
from services.registry.storage.bulk_postgres import PostgresBulkWriter
from services.registry.storage.bulk_sqlite import SqliteBulkWriter
from services.registry.storage.bulk_writes import BulkWriter
from services.registry.storage.conflicts import WriteConflict
from services.registry.storage.copying import copy_rows
from services.registry.storage.counted import WriteCounters
from services.registry.storage.locking import AssetLocks
from services.registry.storage.remembered import RememberedResponse
from services.registry.storage.row_mapping import ChangeLogEntry, StoredAsset
from services.registry.storage.schema import assets, changes

# Asset rows go in as parameters named `stored_<column>`, apart from a change row's parameters.
_STORED = "stored_"
_INSERT_ASSETS = assets.insert()
_UPDATE_ASSET = (
    assets.update()
    .where(assets.c.name == sa.bindparam(_STORED + "name"))
    .values({c.name: sa.bindparam(_STORED + c.name) for c in assets.c if c.name != "name"})
)
# SQLite: an asset keeping its geometry keeps its box (and the box's key) too.
_UNBOXED = {"name", "geometry", *spatial.BOX_COLUMNS}
_UPDATE_ASSET_KEEPING_BOX = (
    assets.update()
    .where(assets.c.name == sa.bindparam(_STORED + "name"))
    .values({c.name: sa.bindparam(_STORED + c.name) for c in assets.c if c.name not in _UNBOXED})
)
_APPEND_CHANGES = changes.insert()
_NO_BOX = (None,) * 4
_UNKNOWN = object()  # the geometry of a row this transaction did not lock
_COPY_FROM = 2  # rows from which COPY costs less than an INSERT per row (PostgreSQL)


class WriteSession:
    """Operations inside one write transaction; the caller commits by leaving the block."""

    def __init__(self, connection: sa.Connection, counters: WriteCounters | None = None):
        """`counters`: changes take their revisions and assets their versions as they are
        written, stored when the transaction settles them (counted.py; SQLite); without, the
        sequencer numbers changes after the commit."""
        self._connection = connection
        self._counters = counters
        self._postgres = connection.dialect.name == "postgresql"
        self._locks = AssetLocks(connection, counters.versions if counters else None)
        self._locked_geometries: dict[str, str | None] = {}  # name: as its row holds it

    def lock_assets(self, names: list[str]) -> dict[str, StoredAsset]:
        """Stored rows (tombstones included) for `names`, locked until the transaction ends."""
        locked = self._locks.lock(names)
        self._locked_geometries.update(
            (name, row_mapping.geometry_of(stored.asset, stored.deleted))
            for name, stored in locked.items()
        )
        return locked

    def new_versions(self, names: list[str]) -> list[int]:
        """A new version for each of `names`, higher than any version it had before."""
        return self._locks.new_versions(names)

    def save(
        self, created: list[dict], updated: list[dict], new_changes: list[ChangeLogEntry]
    ) -> None:
        """Stores asset rows, `created` ones under names that had no row, and appends changes."""
        change_rows = [row_mapping.change_row(change) for change in new_changes]
        if self._counters is not None and change_rows:
            revisions = self._counters.revisions.take(len(change_rows))
            for row, revision in zip(change_rows, revisions, strict=True):
                row["revision"] = revision
        if self._postgres and len(created) + len(updated) == 1 and len(change_rows) == 1:
            self._save_one_with_change(created, updated, change_rows[0])
            return
        if self._postgres:
            self._insert_assets(created)
            self._update_assets(_UPDATE_ASSET, updated)
        else:
            self._save_boxed(created, updated)
        if len(change_rows) == 1 and not self._postgres:
            unary_sqlite.append_change(self._connection, change_rows[0])
        elif change_rows:
            self._insert(_APPEND_CHANGES, change_rows)

    def _save_boxed(self, created: list[dict], updated: list[dict]) -> None:
        """SQLite: rows with their boxes; a row keeping its stored geometry keeps its box."""
        keeping, moving = [], []
        for row in updated:
            kept = self._locked_geometries.get(row["name"], _UNKNOWN) == row["geometry"]
            (keeping if kept else moving).append(row)
        self._insert_assets(self._index_boxes(created, False))
        self._update_assets(_UPDATE_ASSET, self._index_boxes(moving, True))
        if len(keeping) == 1:
            unary_sqlite.update_keeping_box(self._connection, keeping[0])
        else:
            self._update_assets(_UPDATE_ASSET_KEEPING_BOX, keeping)

    def _update_assets(self, statement: sa.Update, rows: list[dict]) -> None:
        if rows:
            self._connection.execute(statement, _one_or_many([_stored(row) for row in rows]))

    def _index_boxes(self, rows: list[dict], stored: bool) -> list[dict]:
        """SQLite: puts the rows' boxes in the R*Tree, removing those of the `stored` rows they
        replace; the rows to store, keyed to them (see spatial: the key is the write's version)."""
        if not rows:
            return []
        geojsons = [row["geometry"] for row in rows]
        keys = [row["version"] for row in rows]
        replaced = [row["name"] for row in rows] if stored else []
        cursor = self._connection.connection.driver_connection.cursor()
        boxes = spatial.index_boxes(cursor, geojsons, keys, replaced)
        return [
            {
                **row,
                "geometry": row["version"] if box else None,
                **dict(zip(spatial.BOX_COLUMNS, box or _NO_BOX, strict=True)),
            }
            for row, box in zip(rows, boxes, strict=True)
        ]

    def _insert(self, statement: sa.Insert, rows: list[dict]) -> None:
        if self._postgres and len(rows) >= _COPY_FROM:
            copy_rows(self._connection, statement.table, rows)
        else:
            self._connection.execute(statement, _one_or_many(rows))

    def _save_one_with_change(self, created: list[dict], updated: list[dict], change: dict):
        row = (created or updated)[0]
        keeps = self._locked_geometries.get(row["name"], _UNKNOWN) == row["geometry"]
        unary_postgres.save_one(
            self._connection, row, change, created=bool(created), keeps_geometry=keeps
        )

    def _insert_assets(self, rows: list[dict]) -> None:
        if rows:
            with _conflict_if_created_concurrently():
                self._insert(_INSERT_ASSETS, rows)

    @property
    def numbered_head(self) -> int | None:
        """Once committed: the head revision it moved the log to, if it numbered changes."""
        return self._counters.head if self._counters is not None else None

    def bulk_writer(self) -> BulkWriter:
        """Writes a whole batch of imported assets with as few statements as the database allows."""
        if self._postgres:
            return PostgresBulkWriter(self._connection)
        return SqliteBulkWriter(self._connection, self._counters)

    def remember_response(
        self, actor: str, request_id: str, method: str, response: bytes, cities: Iterable[str]
    ) -> None:
        """Raises DuplicateRequest if another call committed a response under the same id."""
        remembered.remember(self._connection, actor, request_id, method, response, cities)

    def remembered_response(self, actor: str, request_id: str) -> RememberedResponse | None:
        return remembered.recall(self._connection, actor, request_id)

    def lock_city(self, code: str) -> tuple[City, int] | None:
        """(City, version), locked until the transaction ends, or None."""
        return cities_store.lock_city(self._connection, code)

    def save_city(self, city: City, version: int, update_time: dt.datetime) -> None:
        cities_store.save_city(self._connection, city, version, update_time)

    @property
    def connection(self) -> sa.Connection:
        return self._connection


def write_counters(connection: sa.Connection) -> WriteCounters:
    """Revisions and versions one SQLite write transaction gives as it writes (counted.py)."""
    return WriteCounters(unary_sqlite.revisions(connection), unary_sqlite.versions(connection))


def _stored(row: dict) -> dict:
    return {_STORED + column: value for column, value in row.items()}


@contextmanager
def _conflict_if_created_concurrently() -> Iterator[None]:
    try:
        yield
    except sa.exc.IntegrityError as error:
        raise WriteConflict("an asset was created concurrently") from error


def _one_or_many(rows: list[dict]) -> dict | list[dict]:
    """One row runs as a plain statement, cheaper than an executemany of one."""
    return rows[0] if len(rows) == 1 else rows
