"""A batch of imported assets on PostgreSQL: one COPY into a temporary table, then a few
statements that move the rows into `assets` and append their changes."""

from functools import partial

import sqlalchemy as sa
from psycopg import errors

from services.registry.storage import sequencer
from services.registry.storage.bulk_writes import (
    AssetRow,
    ChangeContext,
    CreatedConcurrently,
    StoredRow,
    translated_errors,
)

# The stage's columns: the row's place in the batch, then the fields of AssetRow in their order.
_STAGE = {
    "position": "int4",
    **dict.fromkeys(AssetRow._fields, "text"),
    "version": "int8",
    "body": "bytea",
    "before": "bytea",
    "row_exists": "bool",
}
_CREATE_STAGE = f"""
    CREATE TEMPORARY TABLE IF NOT EXISTS imported_assets (
        {", ".join(f"{column} {type_}" for column, type_ in _STAGE.items())}
    ) ON COMMIT DELETE ROWS
"""
_COPY = "COPY imported_assets FROM STDIN (FORMAT BINARY)"
_COPY_TYPES = list(_STAGE.values())
_GEOMETRY = "ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON({})), 4326)"
# Names travel as one text, one per line (a name holds no newline): far cheaper to send than
# an array parameter of thousands of elements.
_LOCK_STORED = """
    SELECT name, body, deleted FROM assets WHERE name = ANY(string_to_array(%s, E'\\n'))
    ORDER BY name FOR UPDATE
"""
_TAKE_VERSIONS = "SELECT nextval('asset_version') FROM generate_series(1, %s)"
_INSERT_ASSETS = """
    INSERT INTO assets (name, city_code, kind, status, district_code, external_id, labels,
                        version, deleted, create_time, update_time, body, geometry)
    SELECT name, city_code, kind, status, district_code, external_id, labels::jsonb,
           version, false, %(now)s, %(now)s, body, {geometry}
    FROM imported_assets WHERE NOT row_exists
""".format(geometry=_GEOMETRY.format("geojson"))
_UPDATE_ASSETS = """
    UPDATE assets SET city_code = i.city_code, kind = i.kind, status = i.status,
        district_code = i.district_code, external_id = i.external_id, labels = i.labels::jsonb,
        version = i.version, deleted = false, update_time = %(now)s, body = i.body,
        create_time = CASE WHEN assets.deleted THEN %(now)s ELSE assets.create_time END,
        geometry = {geometry}
    FROM imported_assets AS i WHERE assets.name = i.name AND i.row_exists
""".format(geometry=_GEOMETRY.format("i.geojson"))
_APPEND_CHANGES = """
    INSERT INTO changes (revision, event_id, type, asset_name, city_code, asset_version,
                         before, after, commit_time, actor, request_id)
    SELECT %(base)s + position, gen_random_uuid()::text,
           CASE WHEN before IS NULL THEN 'created' ELSE 'updated' END,
           name, city_code, version, before, body, %(now)s, %(actor)s, %(request_id)s
    FROM imported_assets
"""
_CONFLICTS = (errors.UniqueViolation, errors.SerializationFailure, errors.DeadlockDetected)


class PostgresBulkWriter:
    def __init__(self, connection: sa.Connection):
        self._connection = connection
        self._cursor = connection.connection.driver_connection.cursor()
        self._translated_errors = partial(translated_errors, connection, _CONFLICTS)

    def stored(self, names: list[str]) -> dict[str, StoredRow]:
        with self._translated_errors():
            self._cursor.execute(_LOCK_STORED, ["\n".join(names)], binary=True)
            return {name: StoredRow(body, deleted) for name, body, deleted in self._cursor}

    def new_versions(self, count: int) -> list[int]:
        with self._translated_errors():
            self._cursor.execute(_TAKE_VERSIONS, [count])
            return [version for (version,) in self._cursor]

    def store(self, rows: list[AssetRow], context: ChangeContext) -> None:
        """A name another writer inserted since `stored` read the rows is a unique violation
        once that writer commits: the savepoint undoes this batch's rows, keeping its locks."""
        with self._translated_errors():
            self._cursor.execute("SAVEPOINT store")
            try:
                self._stage(rows)
                now = {"now": context.commit_time}
                self._cursor.execute(_INSERT_ASSETS, now)
            except errors.UniqueViolation as error:
                self._cursor.execute("ROLLBACK TO SAVEPOINT store")
                raise CreatedConcurrently(str(error)) from error
            self._cursor.execute(_UPDATE_ASSETS, now)
            self._cursor.execute("RELEASE SAVEPOINT store")

    def append_changes(self, rows: list[AssetRow], context: ChangeContext) -> None:
        with self._translated_errors():
            self._append_changes(len(rows), context)

    def _stage(self, rows: list[AssetRow]) -> None:
        self._cursor.execute(_CREATE_STAGE)
        with self._cursor.copy(_COPY) as copy:
            copy.set_types(_COPY_TYPES)
            for position, row in enumerate(rows, start=1):
                copy.write_row((position, *row))

    def _append_changes(self, count: int, context: ChangeContext) -> None:
        base = sequencer.number_pending_under_lock(self._connection)
        self._cursor.execute(
            _APPEND_CHANGES,
            {
                "base": base,
                "now": context.commit_time,
                "actor": context.actor,
                "request_id": context.request_id,
            },
        )
        sequencer.move_head(self._connection, base + count)
