"""The registry's storage: SQLAlchemy Core over SQLite or PostgreSQL."""

import datetime as dt
import pathlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from services.common.change_stream import LogSource
from services.common.sql import create_engine, transaction, upgrade
from services.registry.domain.cities import City
from services.registry.storage import checkpoints, cities_store, identity, reads, remembered
from services.registry.storage.change_encoding import SerializedChange
from services.registry.storage.checkpoints import LogPosition
from services.registry.storage.conflicts import retryable_as_conflict
from services.registry.storage.counted import WriteCounters
from services.registry.storage.head_notices import HeadNotices
from services.registry.storage.remembered import RememberedResponse
from services.registry.storage.savepoints import Savepoints
from services.registry.storage.sequencer import sequence_pending
from services.registry.storage.spatial import require_postgis
from services.registry.storage.writes import WriteSession, write_counters
from urban.registry.v1 import resources_pb2

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x75726261  # any number shared by every registry replica

# Import batches of one stream written at once on PostgreSQL (bench/bulk_load: 2 → 3 gave +8 %).
POSTGRES_BULK_WRITERS = 3


class RegistryStorage:
    """Transactions, and the operations that take one transaction each."""

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
        """One write transaction, committed when the block ends normally. On SQLite its
        changes take their revisions as they are appended and its assets their versions as
        they are written, both stored once just before the commit (`numbered_head` then says
        where it moved the log's head); on PostgreSQL the sequencer numbers the changes after
        the commit."""
        with self._write_transaction() as (connection, counters):
            yield WriteSession(connection, counters)

    @contextmanager
    def writing_together(self) -> Iterator[Savepoints]:
        """One write transaction (SQLite) for several writes, each in a savepoint of its own,
        numbered and committed as `writing`'s."""
        with self._write_transaction() as (connection, counters):
            yield Savepoints(connection, counters)

    @contextmanager
    def _write_transaction(self) -> Iterator[tuple[sa.Connection, WriteCounters | None]]:
        """SQLite runs one write transaction at a time, across processes too (the writer queue
        of services.common.sql), so revisions given inside it follow commit order."""
        with retryable_as_conflict(), transaction(self.engine, write=True) as connection:
            counters = write_counters(connection) if self.numbers_own_changes else None
            yield connection, counters
            if counters is not None:
                counters.settle()

    @property
    def numbers_own_changes(self) -> bool:
        """Whether a write transaction numbers its own changes (SQLite) rather than leaving
        them to the sequencer (PostgreSQL, whose writers commit side by side)."""
        return self.engine.dialect.name == "sqlite"

    @property
    def commits_together(self) -> bool:
        """Whether single-asset writes are worth committing together (writing_together): SQLite
        runs one write transaction at a time, so calls wait for one another anyway; PostgreSQL
        runs them side by side, and one thread running them in turn lost more than the shared
        commits saved (docs/benchmarks.md, "Group commit on SQLite")."""
        return self.engine.dialect.name == "sqlite"

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

    def get_asset(self, name: str) -> resources_pb2.Asset | None:
        """The live asset of that name, or None."""
        return self._read(reads.get_asset, name)

    def list_assets(self, query: reads.AssetQuery) -> list[resources_pb2.Asset]:
        return self._read(reads.list_assets, query)

    def list_changes(self, query: reads.ChangeQuery, into=None) -> list[resources_pb2.AssetChange]:
        """Changes in revision order, added to `into` when given (see reads.list_changes)."""
        return self._read(reads.list_changes, query, into)

    def list_serialized_changes(self, query: reads.ChangeQuery) -> list[SerializedChange]:
        """As list_changes, serialized for publishing."""
        return self._read(reads.list_serialized_changes, query)

    def remembered_response(self, actor: str, request_id: str) -> RememberedResponse | None:
        return self._read(remembered.recall, actor, request_id)

    def cities(self) -> list[tuple[City, int, dt.datetime]]:
        """Every city with its version and update time, in code order."""
        return self._read(cities_store.load_cities)

    def log_source(self) -> LogSource:
        """Which registry's change log this is, and its epoch."""
        return self._read(identity.read)

    def log_position(
        self, checkpoint: str, following: reads.ChangeQuery | None = None
    ) -> tuple[LogPosition, list[SerializedChange]]:
        """The log's source and head with the checkpoint of that name, and the changes of
        `following` (if given) serialized for publishing, in one transaction."""
        with self.reading() as connection:
            position = checkpoints.log_position(connection, checkpoint)
            if following is None:
                return position, []
            return position, reads.list_serialized_changes(connection, following)

    def advance_epoch(self, seen: LogSource, epoch: int) -> LogSource:
        """Moves the epoch to `epoch` unless another process moved it since `seen` was read."""
        return self._write(identity.advance_epoch, seen, epoch)

    def sequence_pending(self, known_pending: bool = False) -> int:
        """Numbers the committed changes that have no revision yet; returns the head revision.
        `known_pending`: a change committed since the last pass."""
        return sequence_pending(self.engine, known_pending=known_pending)

    def head_notices(self, moved: Callable[[int], None]) -> HeadNotices | None:
        """Notices of the head moving, from any process (PostgreSQL); None on SQLite."""
        if self.engine.dialect.name != "postgresql":
            return None
        return HeadNotices(self.engine, moved)

    def checkpoint(self, name: str) -> int:
        return self._read(checkpoints.get, name)

    def advance_checkpoint(self, name: str, revision: int) -> None:
        """Moves the checkpoint forward to `revision` (never back)."""
        self._write(checkpoints.advance, name, revision)

    def reset_checkpoint(self, name: str, revision: int) -> None:
        """Sets the checkpoint to `revision`, backwards too (a stream started afresh)."""
        self._write(checkpoints.put, name, revision)

    def close(self) -> None:
        self.engine.dispose()

    def _read(self, query: Callable, *arguments):
        with self.reading() as connection:
            return query(connection, *arguments)

    def _write(self, statement: Callable, *arguments):
        with self.writing() as session:
            return statement(session.connection, *arguments)
