"""A batch of imported assets on SQLite: prepared statements run over every row at once,
inside the write transaction that SQLite lets one writer hold at a time."""

import json
import sqlite3
from functools import partial

import sqlalchemy as sa

from services.registry.storage import spatial
from services.registry.storage.bulk_writes import (
    AssetRow,
    ChangeContext,
    StoredRow,
    event_ids,
    translated_errors,
)
from services.registry.storage.counted import WriteCounters
from services.registry.storage.schema import changes

_STORED = """
    SELECT name, body, deleted FROM assets WHERE name IN (SELECT value FROM json_each(?))
"""
# Both take the values of _stored_values.
_INSERT_ASSET = """
    INSERT INTO assets (name, city_code, kind, status, district_code, external_id, labels,
                        version, body, deleted, create_time, update_time, geometry,
                        box_west, box_south, box_east, box_north)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?10, ?11, ?12, ?13, ?14, ?15)
"""
_UPDATE_ASSET = """
    UPDATE assets SET city_code = ?2, kind = ?3, status = ?4, district_code = ?5,
        external_id = ?6, labels = ?7, version = ?8, body = ?9, update_time = ?10,
        create_time = CASE WHEN deleted THEN ?10 ELSE create_time END, deleted = 0,
        geometry = ?11, box_west = ?12, box_south = ?13, box_east = ?14, box_north = ?15
    WHERE name = ?1
"""
_NO_BOX = (None,) * 4
_APPEND_CHANGE = """
    INSERT INTO changes (revision, event_id, type, asset_name, city_code, asset_version,
                         before, after, commit_time, actor, request_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


class SqliteBulkWriter:
    def __init__(self, connection: sa.Connection, counters: WriteCounters):
        """`counters`: the transaction's revisions and versions (counted.py), stored when it
        settles them."""
        self._connection = connection
        self._counters = counters
        self._cursor = connection.connection.driver_connection.cursor()
        self._translated_errors = partial(translated_errors, connection, (sqlite3.IntegrityError,))
        # Times are stored as SQLAlchemy stores them, so that the ordinary reads understand them.
        self._time_text = changes.c.commit_time.type._cached_bind_processor(connection.dialect)

    def stored(self, names: list[str]) -> dict[str, StoredRow]:
        with self._translated_errors():
            rows = self._cursor.execute(_STORED, [json.dumps(names)])
            return {name: StoredRow(body, bool(deleted)) for name, body, deleted in rows}

    def new_versions(self, count: int) -> list[int]:
        return list(self._counters.versions.take(count))

    def store(self, rows: list[AssetRow], context: ChangeContext) -> None:
        now = self._time_text(context.commit_time)
        geojsons = [row.geojson for row in rows]
        keys = [row.version for row in rows]  # see spatial: a box's key is its write's version
        replaced = [row.name for row in rows if row.row_exists]
        with self._translated_errors():
            lines = [row.line for row in rows]
            boxes = spatial.index_boxes(self._cursor, geojsons, keys, replaced, lines)
            keyed = [
                _stored_values(row, now, row.version if row.geojson else None, box)
                for row, box in zip(rows, boxes, strict=True)
            ]
            inserted = [v for v, row in zip(keyed, rows, strict=True) if not row.row_exists]
            updated = [v for v, row in zip(keyed, rows, strict=True) if row.row_exists]
            self._cursor.executemany(_INSERT_ASSET, inserted)
            self._cursor.executemany(_UPDATE_ASSET, updated)

    def append_changes(self, rows: list[AssetRow], context: ChangeContext) -> None:
        with self._translated_errors():
            self._append_changes(rows, context, self._time_text(context.commit_time))

    def _append_changes(self, rows: list[AssetRow], context: ChangeContext, now: str) -> None:
        revisions = self._counters.revisions.take(len(rows))
        shared = (now, context.actor, context.request_id)
        changes = [
            (revision, event_id, "updated" if row.before else "created", row.name,
             row.city_code, row.version, row.before, row.body, *shared)
            for revision, event_id, row in zip(revisions, event_ids(len(rows)), rows, strict=True)
        ]  # fmt: skip
        self._cursor.executemany(_APPEND_CHANGE, changes)


def _stored_values(row: AssetRow, now: str, box_key: int | None, box: tuple | None) -> tuple:
    """The asset's columns, the commit time, the key of its box in the R*Tree and the box
    (west, south, east, north)."""
    return (
        row.name, row.city_code, row.kind, row.status, row.district_code, row.external_id,
        row.labels, row.version, row.body, now, box_key, *(box or _NO_BOX),
    )  # fmt: skip
