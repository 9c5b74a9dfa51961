"""The read model's database: opened and migrated once, then one transaction at a time."""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import sqlalchemy as sa

from services.common.sql import DATABASE_UNAVAILABLE
from services.risk.domain.batch import AssetVersion, HeldVersion
from services.risk.domain.feed_state import FeedState
from services.risk.domain.pipe_rules import PipeAssessment
from services.risk.domain.scoring import Scoring
from services.risk.storage import engine as db
from services.risk.storage import rebuild
from services.risk.storage.read_model_sql import AssetRow
from services.risk.storage.transaction import ReadModelTransaction


class ReadModelStore:
    unavailable_errors = DATABASE_UNAVAILABLE

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> "ReadModelStore":
        """Connects and brings the schema to the newest migration."""
        engine = db.create_engine(url)
        db.migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def commits_alongside(self) -> bool:
        """Whether a commit under way leaves the database free to read meanwhile (PostgreSQL);
        SQLite's writes hold Python's lock row by row."""
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def writing(self) -> Iterator[ReadModelTransaction]:
        """One write transaction at a time across processes; rolls back unless the block ends."""
        with db.writing(self.engine) as connection:
            yield ReadModelTransaction(connection)

    @contextmanager
    def writing_from(
        self, names: set[str]
    ) -> Iterator[tuple[ReadModelTransaction, FeedState, dict[str, HeldVersion]]]:
        """A write transaction as `writing()` gives, with the feed state and the stored versions
        of `names` read first (on PostgreSQL the lock and both reads in one round trip)."""
        with db.writing(self.engine, locked=False) as connection:
            transaction = ReadModelTransaction(connection)
            state, versions = transaction.locked_state_and_versions(names, db.WRITER_LOCK_ID)
            yield transaction, state, versions

    @contextmanager
    def reading(self) -> Iterator[ReadModelTransaction]:
        """A read-only transaction that sees one consistent snapshot across statements."""
        with db.reading(self.engine) as connection:
            yield ReadModelTransaction(connection)

    @staticmethod
    def rows_of(
        scoring: Scoring,
        versions: Iterable[AssetVersion],
        assessments: Mapping[str, PipeAssessment | None] | None = None,
    ) -> list[AssetRow]:
        """The per-asset rows of these versions, computed before any transaction (with the
        assessments of their facts by name, when known)."""
        return rebuild.rows_of(scoring, versions, assessments)
