"""The registry's storage: SQLAlchemy Core over SQLite or PostgreSQL."""

import pathlib
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from services.common.sql import create_engine, transaction, upgrade
from services.registry.storage import cities_store
from services.registry.storage.spatial import require_postgis
from services.registry.storage.writes import WriteConflict, WriteSession

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x75726261  # any number shared by every registry replica

# Import batches of one stream written at once on PostgreSQL (bench/bulk_load: 2 → 3 gave +8 %).
POSTGRES_BULK_WRITERS = 3
# PostgreSQL SQLSTATEs after which the whole transaction can simply run again.
_RETRYABLE_STATES = {"40001", "40P01"}  # serialization failure, deadlock detected


class RegistryStorage:
    def __init__(self, url: str):
        self.engine = create_engine(url, pre_ping=False)

    def prepare(self) -> None:
        """Migrates the schema and seeds the reference cities. Raises PostgisMissing on a
        PostgreSQL server without PostGIS."""
        if self.engine.dialect.name == "postgresql":
            require_postgis(self.engine)
        upgrade(self.engine, MIGRATIONS, MIGRATION_LOCK)
        with transaction(self.engine, write=True) as connection:
            cities_store.seed_reference_cities(connection)

    @contextmanager
    def writing(self) -> Iterator[WriteSession]:
        try:
            with transaction(self.engine, write=True) as connection:
                yield WriteSession(connection)
        except sa.exc.DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) in _RETRYABLE_STATES:
                raise WriteConflict(str(error.orig)) from error
            raise

    @property
    def bulk_writers(self) -> int:
        """Write transactions worth running at once for one stream of imported batches: on
        PostgreSQL one batch's statements run while the registry readies the next ones; SQLite
        has one writer at a time, so a second would only wait."""
        return POSTGRES_BULK_WRITERS if self.engine.dialect.name == "postgresql" else 1

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        with transaction(self.engine, write=False) as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()
