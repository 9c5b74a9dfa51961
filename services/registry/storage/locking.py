"""Locking the asset rows a write transaction reads, and the new versions it gives them."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from services.registry.storage import row_mapping, unary_postgres, unary_sqlite
from services.registry.storage.counted import Counted
from services.registry.storage.row_mapping import StoredAsset
from services.registry.storage.schema import asset_version_sequence, assets

_LOCK_ASSETS = (
    sa.select(assets.c.name, assets.c.body, assets.c.deleted)
    .where(assets.c.name.in_(sa.bindparam("names", expanding=True)))
    .order_by(assets.c.name)
    .with_for_update()
)

# PostgreSQL: every locked row also takes a new version in the same round trip. nextval is
# evaluated above the locking subquery, so only once the row's lock is held: a writer that waited
# for another gets a higher version than the one it waited for.
_locked = (
    sa.select(assets.c.name, assets.c.body, assets.c.deleted)
    .where(assets.c.name == sa.any_(sa.bindparam("names", type_=ARRAY(sa.String))))
    .order_by(assets.c.name)
    .with_for_update()
    .subquery("locked")
)
_LOCK_ASSETS_TAKING_VERSIONS = sa.select(
    _locked, asset_version_sequence.next_value().label("next_version")
)
_TAKE_VERSIONS = sa.text("SELECT nextval('asset_version') FROM generate_series(1, :count)")


class AssetLocks:
    """The asset rows one write transaction holds, and versions for what it writes."""

    def __init__(self, connection: sa.Connection, versions: Counted | None = None):
        """`versions`: SQLite's version counter as the transaction counts it (counted.py);
        PostgreSQL takes versions from its sequence."""
        self._connection = connection
        self._versions = versions
        self._postgres = connection.dialect.name == "postgresql"
        self._taken_versions: dict[str, int] = {}

    def lock(self, names: list[str]) -> dict[str, StoredAsset]:
        """Stored rows (tombstones included) for `names`, locked until the transaction ends."""
        wanted = sorted(set(names))
        if not self._postgres and len(wanted) == 1:
            stored = unary_sqlite.read_one(self._connection, wanted[0])
            return {} if stored is None else {wanted[0]: stored}
        if not self._postgres:
            rows = self._connection.execute(_LOCK_ASSETS, {"names": wanted})
            return {row.name: row_mapping.stored_asset(row) for row in rows}
        if len(wanted) == 1:
            return self._lock_one(wanted[0])
        rows = self._connection.execute(_LOCK_ASSETS_TAKING_VERSIONS, {"names": wanted}).all()
        self._taken_versions.update((row.name, row.next_version) for row in rows)
        return {row.name: row_mapping.stored_asset(row) for row in rows}

    def _lock_one(self, name: str) -> dict[str, StoredAsset]:
        stored, version = unary_postgres.lock_one(self._connection, name)
        if stored is None:
            return {}
        self._taken_versions[name] = version
        return {name: stored}

    def new_versions(self, names: list[str]) -> list[int]:
        """A new version for each of `names`, higher than any version it had before."""
        if not self._postgres:
            return list(self._versions.take(len(names)))
        missing = [name for name in names if name not in self._taken_versions]
        if missing:
            taken = self._connection.scalars(_TAKE_VERSIONS, {"count": len(missing)})
            self._taken_versions.update(zip(missing, taken, strict=True))
        return [self._taken_versions.pop(name) for name in names]
