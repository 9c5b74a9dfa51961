"""One batch of changes: its outcome computed from the stored rows, then written in one
transaction with the feed state it advances."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from services.risk.domain.batch import AssetVersion, BatchOutcome, HeldVersion, apply_batch
from services.risk.domain.facts import Change
from services.risk.domain.feed_state import FeedState
from services.risk.domain.scoring import Scoring
from services.risk.storage.read_model_sql import AssetRow
from services.risk.storage.store import ReadModelStore
from services.risk.storage.transaction import ReadModelTransaction


@dataclass(frozen=True)
class ApplyResult:
    applied: int
    skipped: int
    applied_revision: int
    newest_commit_time: float
    oldest_commit_time: float = 0.0


@dataclass(frozen=True)
class PreparedBatch:
    """A batch's outcome and the rows it writes, computed from stored rows whose versions and
    revisions were `basis`, with the scores of `year`: `rows` replace stored ones, `new_rows`
    are of names no row was stored for."""

    changes: Sequence[Change]
    year: int
    basis: dict[str, HeldVersion]
    outcome: BatchOutcome
    rows: list[AssetRow]
    new_rows: list[AssetRow]

    @property
    def written(self) -> dict[str, AssetVersion]:
        return self.outcome.written


def prepared(
    scoring: Scoring, changes: Sequence[Change], stored: Mapping[str, AssetVersion]
) -> PreparedBatch:
    outcome = apply_batch(scoring, stored, changes)
    known, new = [], []
    for name, version in outcome.written.items():
        (known if name in stored else new).append(version)
    basis = {name: row.held for name, row in stored.items()}
    rows = ReadModelStore.rows_of(scoring, known, outcome.assessments)
    new_rows = ReadModelStore.rows_of(scoring, new, outcome.assessments)
    return PreparedBatch(changes, scoring.year, basis, outcome, rows, new_rows)


def write(
    transaction: ReadModelTransaction, state: FeedState, batch: PreparedBatch
) -> ApplyResult:
    changes, outcome = batch.changes, batch.outcome
    newest = max(changes, key=lambda change: change.revision, default=None)
    if newest is not None and newest.revision > state.applied_revision:
        state = replace(state, applied_revision=newest.revision, last_event_id=newest.event_id)
    transaction.write_batch(
        batch.rows,
        batch.new_rows,
        (outcome.deltas, outcome.district_deltas),
        outcome.last_change,
        state,
    )
    oldest = min((c.commit_time for c in changes if c.commit_time), default=0.0)
    return ApplyResult(
        outcome.applied,
        outcome.skipped,
        state.applied_revision,
        outcome.newest_commit_time,
        oldest,
    )
