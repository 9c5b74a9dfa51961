"""The same assets in a risk read model and in a registry's `assets` table, filled in bulk.

The assets come from the demo data set (`services.demo.dataset.generate`: every kind, realistic
fields), stamped as the registry would store them (version 1, created and updated now). They are
generated once and streamed in chunks: each chunk goes into the registry's table with plain
bulk INSERTs, then on into `ReadModelUpdates.replace_all`, the path a relist takes. The registry's
change log stays empty: a shortcut that only a benchmark may take.
"""

import time
from collections.abc import Iterator

import sqlalchemy as sa

from services.demo.dataset import generate
from services.registry.storage import RegistryStorage
from services.registry.storage.row_mapping import asset_row
from services.registry.storage.schema import assets as registry_assets
from services.risk.app.read_model import ReadModel
from services.risk.domain.facts import Snapshot
from services.risk.feed.translate import snapshot
from services.risk.storage.read_model_sql import chunks
from urban.registry.v1 import resources_pb2 as r

CHUNK = 5000


def fill_both(read_model: ReadModel, registry_url: str, count: int) -> int:
    """Fills both with `count` assets; returns how many the read model listed."""
    storage = RegistryStorage(registry_url)
    try:
        storage.prepare()
        stamped = stamped_assets(count)
        snapshots = _snapshots_after_registry_insert(storage, stamped)
        return read_model.updates.replace_all(snapshots, count)
    finally:
        storage.close()


def stamped_assets(count: int) -> Iterator[r.Asset]:
    """`count` demo assets as the registry stores them after their creation."""
    now = int(time.time())
    for asset in generate(count):
        asset.version = 1
        asset.create_time.FromSeconds(now)
        asset.update_time.FromSeconds(now)
        yield asset


def _snapshots_after_registry_insert(
    storage: RegistryStorage, assets: Iterator[r.Asset]
) -> Iterator[Snapshot]:
    for chunk in chunks(assets, CHUNK):
        insert_registry_rows(storage, chunk)
        yield from (snapshot(asset) for asset in chunk)


def insert_registry_rows(storage: RegistryStorage, assets: list[r.Asset]) -> None:
    with storage.engine.begin() as connection:
        connection.execute(sa.insert(registry_assets), [asset_row(asset) for asset in assets])


def settle(url: str, tables: tuple[str, ...]) -> None:
    """Refreshes the planner's statistics (and, on PostgreSQL, the visibility map) after a bulk
    load, as autovacuum would shortly: queries then run as they would on a settled database."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for table in tables:
                if engine.dialect.name == "postgresql":
                    connection.execute(sa.text(f"VACUUM ANALYZE {table}"))
                else:
                    connection.execute(sa.text(f"ANALYZE {table}"))
    finally:
        engine.dispose()
