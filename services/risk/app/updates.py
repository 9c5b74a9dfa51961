"""Everything that changes the read model: the feed's changes, full listings, city data."""

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TypeVar

from services.common.change_stream import LogSource
from services.risk.app.batches import ApplyResult, PreparedBatch, prepared, write
from services.risk.app.scoring import ScoringInForce
from services.risk.domain.batch import AssetVersion
from services.risk.domain.facts import Change, CityFacts, Snapshot
from services.risk.domain.feed_state import FeedState
from services.risk.storage.store import ReadModelStore
from services.risk.storage.transaction import ReadModelTransaction

Tag = TypeVar("Tag")


class ReadModelUpdates:
    def __init__(self, store: ReadModelStore, scoring: ScoringInForce):
        self.store, self.scoring = store, scoring

    @property
    def unavailable_errors(self) -> tuple[type[Exception], ...]:
        """What any of these methods raises while the database is down or out of reach."""
        return self.store.unavailable_errors

    def state(self) -> FeedState:
        with self.store.reading() as transaction:
            return transaction.state()

    def applied_revision(self) -> int:
        return self.state().applied_revision

    def apply(self, changes: Sequence[Change]) -> ApplyResult:
        """One transaction per batch; a change at or below its asset's version is skipped."""
        with self.store.writing() as transaction:
            state = self.scoring.current_state(transaction)
            return self._apply_in(transaction, state, changes)

    def apply_overlapping(self, batches: Iterable[tuple[Tag, Sequence[Change]]]):
        """Applies each (tag, batch) as apply() does, in order, yielding (tag, result) once it
        committed. On PostgreSQL the next batch's outcome is computed while the one before
        commits on another thread: the database does its share meanwhile. A batch whose
        stored rows changed between the two (another replica wrote them) is computed again
        in its transaction. SQLite gains nothing (its writes hold Python's lock row by row)."""
        if not self.store.commits_alongside:
            yield from ((tag, self.apply(changes)) for tag, changes in batches if changes)
            return
        with ThreadPoolExecutor(1, thread_name_prefix="read-model-commit") as committer:
            pending = None  # (tag, the commit under way, what it writes)
            for tag, changes in batches:
                batch = self.prepare(changes, pending[2] if pending else {}) if changes else None
                if pending is not None:
                    yield pending[0], pending[1].result()
                    pending = None
                if batch is not None:
                    pending = (tag, committer.submit(self.commit, batch), batch.written)
            if pending is not None:
                yield pending[0], pending[1].result()

    def prepare(
        self, changes: Sequence[Change], written_before: Mapping[str, AssetVersion]
    ) -> PreparedBatch:
        """A batch's outcome, computed outside any write transaction from what is stored, and
        from `written_before` (what the batch committing meanwhile writes) where it applies."""
        names = {change.asset_name for change in changes}
        with self.store.reading() as transaction:
            state, stored = transaction.state_and_assets(names)
            scoring = self.scoring.of_year(state.scored_year)
        stored.update((name, written_before[name]) for name in names & written_before.keys())
        return prepared(scoring, changes, stored)

    def commit(self, batch: PreparedBatch) -> ApplyResult:
        """Writes a prepared batch, or computes it again if what it assumed no longer holds."""
        names = {change.asset_name for change in batch.changes}
        with self.store.writing_from(names) as (transaction, stored_state, versions):
            state = self.scoring.current_state(transaction, stored_state)
            if state.scored_year != batch.year or versions != batch.basis:
                return self._apply_in(transaction, state, batch.changes)
            return write(transaction, state, batch)

    def _apply_in(
        self, transaction: ReadModelTransaction, state: FeedState, changes: Sequence[Change]
    ) -> ApplyResult:
        stored = transaction.stored_assets(change.asset_name for change in changes)
        batch = prepared(self.scoring.of_year(state.scored_year), changes, stored)
        return write(transaction, state, batch)

    def replace_all(
        self, snapshots: Iterable[Snapshot], revision: int, source: LogSource | None = None
    ) -> int:
        """Rebuilds from a full listing taken at `revision` of the log `source` (by default the
        one followed so far); returns how many assets it listed."""
        scoring = self.scoring.of_year()
        with self.store.writing() as transaction:
            source = source or transaction.state().source
            listed = transaction.rebuild_from_listing(scoring, snapshots, revision)
            state = self.scoring.state_for(scoring, revision)
            transaction.write_state(replace(state, source=source))
        return listed

    def follow_source(self, source: LogSource) -> None:
        """Records the log followed from now on, without a relist (for an empty read model)."""
        with self.store.writing() as transaction:
            transaction.write_state(replace(transaction.state(), source=source))

    def set_cities(self, cities: Iterable[CityFacts]) -> None:
        """Replaces the city reference data; population scopes follow at the next read."""
        with self.store.writing() as transaction:
            transaction.replace_cities(cities)
