"""What one write transaction does to the registry's tables."""

import datetime as dt

import sqlalchemy as sa

from services.registry.storage import records
from services.registry.storage.records import NewChange, StoredAsset
from services.registry.storage.schema import assets, changes, counters, requests


class DuplicateRequest(Exception):
    """Another call with the same request id committed first."""


class WriteConflict(Exception):
    """A concurrent transaction got there first; run the whole transaction again."""


class WriteSession:
    """Operations inside one write transaction; the caller commits by leaving the block."""

    def __init__(self, connection: sa.Connection):
        self._connection = connection
        self._postgres = connection.dialect.name == "postgresql"

    def lock_assets(self, names: list[str]) -> dict[str, StoredAsset]:
        """Stored rows (tombstones included) for `names`, locked until the transaction ends."""
        query = (
            sa.select(assets.c.name, assets.c.body, assets.c.deleted)
            .where(assets.c.name.in_(sorted(set(names))))
            .order_by(assets.c.name)
            .with_for_update()
        )
        return {row.name: records.stored_asset(row) for row in self._connection.execute(query)}

    def next_versions(self, count: int) -> list[int]:
        if self._postgres:
            query = sa.text("SELECT nextval('asset_version') FROM generate_series(1, :n)")
            return list(self._connection.scalars(query, {"n": count}))
        last = self._connection.scalar(
            counters.update()
            .where(counters.c.name == "asset_version")
            .values(value=counters.c.value + count)
            .returning(counters.c.value)
        )
        return list(range(last - count + 1, last + 1))

    def insert_assets(self, rows: list[dict]) -> None:
        if rows:
            try:
                self._connection.execute(assets.insert(), rows)
            except sa.exc.IntegrityError as error:
                raise WriteConflict("an asset was created concurrently") from error

    def update_assets(self, rows: list[dict]) -> None:
        if rows:
            statement = (
                assets.update()
                .where(assets.c.name == sa.bindparam("key"))
                .values({column: sa.bindparam(column) for column in rows[0] if column != "name"})
            )
            self._connection.execute(statement, [{**row, "key": row["name"]} for row in rows])

    def append_changes(self, new_changes: list[NewChange]) -> None:
        if new_changes:
            self._connection.execute(changes.insert(), [records.change_row(c) for c in new_changes])

    def remember_response(self, actor: str, request_id: str, method: str, response: bytes) -> None:
        row = {
            "actor": actor,
            "request_id": request_id,
            "method": method,
            "response": response,
            "create_time": dt.datetime.now(dt.UTC),
        }
        try:
            self._connection.execute(requests.insert(), row)
        except sa.exc.IntegrityError as error:
            raise DuplicateRequest(request_id) from error

    @property
    def connection(self) -> sa.Connection:
        return self._connection
