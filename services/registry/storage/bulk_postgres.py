"""A batch of imported assets on PostgreSQL: new assets and their changes COPied in binary
straight into `assets` and `changes`; assets that replace a stored row go through one COPY into
a temporary table and one UPDATE."""

from functools import partial

import sqlalchemy as sa
from psycopg import errors
from psycopg.types.string import BytesBinaryDumper

from services.registry.storage import copy_binary, sequencer
from services.registry.storage.bulk_writes import (
    AssetRow,
    ChangeContext,
    CreatedConcurrently,
    StoredRow,
    event_ids,
    translated_errors,
)
from services.registry.storage.spatial import ewkb

# Binary COPY sends each value in its column type's own binary form: jsonb's is a version byte
# and the text, a geometry's its EWKB, both written as they are (declared as bytea).
_JSONB_VERSION = b"\x01"
_COPY_ASSETS = """
    COPY assets (name, city_code, kind, status, district_code, external_id, labels, version,
                 deleted, create_time, update_time, body, geometry) FROM STDIN (FORMAT BINARY)
"""
_ASSET_TYPES = [
    *["text"] * 6, "bytea", "int8", "bool", "timestamptz", "timestamptz", "bytea", "bytea",
]  # fmt: skip
_COPY_CHANGES = """
    COPY changes (revision, event_id, type, asset_name, city_code, asset_version, before, after,
                  commit_time, actor, request_id) FROM STDIN (FORMAT BINARY)
"""
_CHANGE_FIELDS = 11
_CREATED, _UPDATED = copy_binary.text("created"), copy_binary.text("updated")

# The stage of the assets that replace a stored row: the fields of AssetRow in their order, but
# for the parsed line, which the stage's text of the geometry gives.
_STAGED_FIELDS = len(AssetRow._fields) - 1
_STAGE = {
    **dict.fromkeys(AssetRow._fields[:_STAGED_FIELDS], "text"),
    "version": "int8",
    "body": "bytea",
    "before": "bytea",
    "row_exists": "bool",
}
_CREATE_STAGE = f"""
    CREATE TEMPORARY TABLE IF NOT EXISTS replacing_assets (
        {", ".join(f"{column} {type_}" for column, type_ in _STAGE.items())}
    ) ON COMMIT DELETE ROWS
"""
_COPY_STAGE = "COPY replacing_assets FROM STDIN (FORMAT BINARY)"
_STAGE_TYPES = list(_STAGE.values())
_GEOMETRY = "ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON({})), 4326)"
# Names travel as one text, one per line (a name holds no newline): far cheaper to send than
# an array parameter of thousands of elements.
_LOCK_STORED = """
    SELECT name, body, deleted FROM assets WHERE name = ANY(string_to_array(%s, E'\\n'))
    ORDER BY name FOR UPDATE
"""
_TAKE_VERSIONS = "SELECT nextval('asset_version') FROM generate_series(1, %s)"
_UPDATE_ASSETS = """
    UPDATE assets SET city_code = i.city_code, kind = i.kind, status = i.status,
        district_code = i.district_code, external_id = i.external_id, labels = i.labels::jsonb,
        version = i.version, deleted = false, update_time = %(now)s, body = i.body,
        create_time = CASE WHEN assets.deleted THEN %(now)s ELSE assets.create_time END,
        geometry = {geometry}
    FROM replacing_assets AS i WHERE assets.name = i.name
""".format(geometry=_GEOMETRY.format("i.geojson"))
_CONFLICTS = (errors.UniqueViolation, errors.SerializationFailure, errors.DeadlockDetected)


class PostgresBulkWriter:
    def __init__(self, connection: sa.Connection):
        self._connection = connection
        self._cursor = connection.connection.driver_connection.cursor()
        # COPY's bytea columns by the driver's own dumper, not the DB-API one in Python.
        self._cursor.adapters.register_dumper(None, BytesBinaryDumper)
        self._translated_errors = partial(translated_errors, connection, _CONFLICTS)
        self._encoded_changes: tuple[list[AssetRow], list[bytes]] | None = None

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
        created = [row for row in rows if not row.row_exists]
        replacing = [row for row in rows if row.row_exists]
        with self._translated_errors():
            self._cursor.execute("SAVEPOINT store")
            try:
                self._insert(created, context)
            except errors.UniqueViolation as error:
                self._cursor.execute("ROLLBACK TO SAVEPOINT store")
                raise CreatedConcurrently(str(error)) from error
            self._update(replacing, context)
            self._cursor.execute("RELEASE SAVEPOINT store")
        self._encoded_changes = rows, _change_tails(rows, context)

    def append_changes(self, rows: list[AssetRow], context: ChangeContext) -> None:
        """The changes were encoded by `store`, but for their revisions, so that the batch's
        turn holds the interpreter only to number them."""
        stored, tails = self._encoded_changes or (None, None)
        if stored is not rows:
            tails = _change_tails(rows, context)
        with self._translated_errors():
            base = sequencer.number_pending_under_lock(self._connection)
            with self._cursor.copy(_COPY_CHANGES) as copy:
                copy.write(copy_binary.numbered(tails, base + 1, _CHANGE_FIELDS))
            sequencer.move_head(self._connection, base + len(rows))

    def _insert(self, rows: list[AssetRow], context: ChangeContext) -> None:
        if not rows:
            return
        now = context.commit_time
        geometries = ewkb([row.geojson for row in rows], [row.line for row in rows])
        values = (
            (row.name, row.city_code, row.kind, row.status, row.district_code, row.external_id,
             _JSONB_VERSION + row.labels.encode(), row.version, False, now, now, row.body, shape)
            for row, shape in zip(rows, geometries, strict=True)
        )  # fmt: skip
        self._copy(_COPY_ASSETS, _ASSET_TYPES, values)

    def _update(self, rows: list[AssetRow], context: ChangeContext) -> None:
        if not rows:
            return
        self._cursor.execute(_CREATE_STAGE)
        self._copy(_COPY_STAGE, _STAGE_TYPES, (row[:_STAGED_FIELDS] for row in rows))
        self._cursor.execute(_UPDATE_ASSETS, {"now": context.commit_time})

    def _copy(self, command: str, types: list[str], values) -> None:
        with self._cursor.copy(command) as copy:
            copy.set_types(types)
            for row in values:
                copy.write_row(row)


def _change_tails(rows: list[AssetRow], context: ChangeContext) -> list[bytes]:
    """Each row's change in COPY's binary form, but for its revision (see copy_binary)."""
    text, int8, bytea = copy_binary.text, copy_binary.int8, copy_binary.bytea
    shared = b"".join(
        (copy_binary.timestamptz(context.commit_time), text(context.actor),
         text(context.request_id))
    )  # fmt: skip
    return [
        b"".join((text(event_id), _UPDATED if row.before else _CREATED, text(row.name),
                  text(row.city_code), int8(row.version), bytea(row.before), bytea(row.body),
                  shared))
        for event_id, row in zip(event_ids(len(rows)), rows, strict=True)
    ]  # fmt: skip
