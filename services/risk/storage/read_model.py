"""The risk service's read model: one row per asset, rollups beside them, kept in one database."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

import sqlalchemy as sa

from services.common.change_stream import LogSource
from services.risk.domain.batch import AssetVersion, BatchOutcome, apply_batch
from services.risk.domain.dated import DatedGroups
from services.risk.domain.day_buckets import Buckets, MonthEnds, OnOrBefore
from services.risk.domain.facts import Change, CityFacts, Snapshot
from services.risk.domain.pipe_rules import PipeRules, load_pipe_rules
from services.risk.domain.plan import Plan, load_plan
from services.risk.domain.scoring import Scoring
from services.risk.storage import districts, rebuild, rows
from services.risk.storage import engine as db
from services.risk.storage.candidates import (
    Candidate,
    CandidatePage,
    CandidateQuery,
    find_candidate,
    find_candidates,
)
from services.risk.storage.dated import dated_groups, groups_on
from services.risk.storage.rebuild import VerifyReport
from services.risk.storage.state import (
    FeedState,
    read_cities,
    read_state,
    replace_cities,
    write_state,
)


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
    revisions were `basis`, with the scores of `year`."""

    changes: Sequence[Change]
    year: int
    basis: dict[str, tuple[int, int]]
    outcome: BatchOutcome
    rows: list

    @property
    def written(self) -> dict[str, AssetVersion]:
        return self.outcome.written


def basis(stored: Mapping[str, AssetVersion]) -> dict[str, tuple[int, int]]:
    return {name: (row.version, row.revision) for name, row in stored.items()}


Tag = TypeVar("Tag")


@dataclass(frozen=True)
class ReadModelView:
    """What /metrics and GetPlanProgress read, from one snapshot: never the per-asset rows."""

    rollups: dict[str, float]
    cities: dict[str, CityFacts]
    last_change: dict[str, float]
    state: FeedState


@dataclass(frozen=True)
class DistrictView:
    """One city's district rollups, with the cities and feed state of the same snapshot."""

    rollups: dict[str, float]
    cities: dict[str, CityFacts]
    state: FeedState


@dataclass(frozen=True)
class DatedView:
    """What progress as of past days reads: a GROUP BY over the per-asset rows."""

    groups: DatedGroups
    cities: dict[str, CityFacts]
    state: FeedState


class ReadModel:
    def __init__(self, engine: sa.Engine, rules: PipeRules, plan: Plan, clock: Callable[[], date]):
        self.engine, self.rules, self.plan, self.clock = engine, rules, plan, clock

    @classmethod
    def open(
        cls,
        url: str,
        rules: PipeRules | None = None,
        plan: Plan | None = None,
        clock: Callable[[], date] = date.today,
    ) -> "ReadModel":
        """Connects, migrates the schema, and rescores if the rules, plan or year changed."""
        engine = db.create_engine(url)
        db.migrate(engine)
        model = cls(engine, rules or load_pipe_rules(), plan or load_plan(), clock)
        model.rescore_if_stale()
        return model

    def close(self) -> None:
        self.engine.dispose()

    def scoring(self, year: int | None = None) -> Scoring:
        return Scoring(self.rules, self.plan, year or self.clock().year)

    def apply(self, changes: Sequence[Change]) -> ApplyResult:
        """One transaction per batch; a change at or below its asset's version is skipped."""
        with db.writing(self.engine) as connection:
            return self._apply_in(connection, self._rescored_state(connection), changes)

    def apply_overlapping(self, batches: Iterable[tuple[Tag, Sequence[Change]]]):
        """Applies each (tag, batch) as apply() does, in order, yielding (tag, result) once it
        committed. On PostgreSQL the next batch's outcome is computed while the one before
        commits on another thread: the database does its share meanwhile. A batch whose
        stored rows changed between the two (another replica wrote them) is computed again
        in its transaction. SQLite gains nothing (its writes hold Python's lock row by row)."""
        if self.engine.dialect.name != "postgresql":
            yield from ((tag, self.apply(changes)) for tag, changes in batches if changes)
            return
        with ThreadPoolExecutor(1, thread_name_prefix="read-model-commit") as committer:
            pending = None  # (tag, the commit under way, what it writes)
            for tag, changes in batches:
                prepared = self.prepare(changes, pending[2] if pending else {}) if changes else None
                if pending is not None:
                    yield pending[0], pending[1].result()
                    pending = None
                if prepared is not None:
                    pending = (tag, committer.submit(self.commit, prepared), prepared.written)
            if pending is not None:
                yield pending[0], pending[1].result()

    def prepare(
        self, changes: Sequence[Change], written_before: Mapping[str, AssetVersion]
    ) -> PreparedBatch:
        """A batch's outcome, computed outside any write transaction from what is stored, and
        from `written_before` (what the batch committing meanwhile writes) where it applies."""
        names = {change.asset_name for change in changes}
        with db.reading(self.engine) as connection:
            year = read_state(connection).scored_year
            stored = rows.load_assets(connection, names)
        stored.update((name, written_before[name]) for name in names & written_before.keys())
        return self._prepared(changes, stored, year)

    def commit(self, prepared: PreparedBatch) -> ApplyResult:
        """Writes a prepared batch, or computes it again if what it assumed no longer holds."""
        with db.writing(self.engine) as connection:
            state = self._rescored_state(connection)
            names = {change.asset_name for change in prepared.changes}
            if (
                state.scored_year != prepared.year
                or rows.load_versions(connection, names) != prepared.basis
            ):
                return self._apply_in(connection, state, prepared.changes)
            return self._write(connection, state, prepared)

    def _apply_in(
        self, connection: sa.Connection, state: FeedState, changes: Sequence[Change]
    ) -> ApplyResult:
        stored = rows.load_assets(connection, (c.asset_name for c in changes))
        return self._write(connection, state, self._prepared(changes, stored, state.scored_year))

    def _prepared(
        self, changes: Sequence[Change], stored: dict[str, AssetVersion], year: int
    ) -> PreparedBatch:
        scoring = self.scoring(year)
        outcome = apply_batch(scoring, stored, changes)
        rows_written = rebuild.rows_of(scoring, outcome.written.values())
        return PreparedBatch(changes, year, basis(stored), outcome, rows_written)

    def _write(
        self, connection: sa.Connection, state: FeedState, prepared: PreparedBatch
    ) -> ApplyResult:
        changes, outcome = prepared.changes, prepared.outcome
        rows.upsert_assets(connection, prepared.rows)
        rows.add_to_rollups(connection, outcome.deltas)
        districts.add_to_district_rollups(connection, outcome.district_deltas)
        rows.advance_city_changes(connection, outcome.last_change)
        newest = max(changes, key=lambda change: change.revision, default=None)
        if newest is not None and newest.revision > state.applied_revision:
            state = replace(
                state, applied_revision=newest.revision, last_event_id=newest.event_id
            )
        write_state(connection, state)
        revision = state.applied_revision
        oldest = min((c.commit_time for c in changes if c.commit_time), default=0.0)
        return ApplyResult(
            outcome.applied, outcome.skipped, revision, outcome.newest_commit_time, oldest
        )

    def replace_all(
        self, snapshots: Iterable[Snapshot], revision: int, source: LogSource | None = None
    ) -> int:
        """Rebuilds from a full listing taken at `revision` of the log `source` (by default the
        one followed so far); returns how many assets it listed."""
        scoring = self.scoring()
        with db.writing(self.engine) as connection:
            source = source or read_state(connection).source
            listed = rebuild.rebuild_from_listing(connection, scoring, snapshots, revision)
            write_state(connection, replace(self._state_for(scoring, revision), source=source))
        return listed

    def follow_source(self, source: LogSource) -> None:
        """Records the log followed from now on, without a relist (for an empty read model)."""
        with db.writing(self.engine) as connection:
            write_state(connection, replace(read_state(connection), source=source))

    def rescore_if_stale(self) -> bool:
        """Rescores when the rules version, plan version or current year differ from the stored."""
        with db.writing(self.engine) as connection:
            before = read_state(connection)
            return self._rescored_state(connection) != before

    def rescore(self) -> int:
        with db.writing(self.engine) as connection:
            return self._rescore(connection, self.scoring())

    def recompute(self) -> VerifyReport:
        """Also compares the per-asset date columns, grouped by month up to today."""
        buckets = MonthEnds(self.plan.period.start, self.clock())
        with db.reading(self.engine) as connection:
            scoring = self.scoring(read_state(connection).scored_year)
            return rebuild.recompute(connection, scoring, buckets)

    def view(self) -> ReadModelView:
        with db.reading(self.engine) as connection:
            return ReadModelView(
                rows.read_rollups(connection),
                read_cities(connection),
                rows.read_city_changes(connection),
                read_state(connection),
            )

    def district_view(self, city: str) -> DistrictView:
        with db.reading(self.engine) as connection:
            return DistrictView(
                districts.read_district_rollups(connection, city),
                read_cities(connection),
                read_state(connection),
            )

    def dated_view(self, buckets: Buckets) -> DatedView:
        """The live assets grouped by their days in `buckets`, with the cities and feed state of
        the same snapshot."""
        with db.reading(self.engine) as connection:
            if isinstance(buckets, OnOrBefore):
                groups = groups_on(connection, buckets.day)
            else:
                groups = dated_groups(connection, buckets)
            return DatedView(groups, read_cities(connection), read_state(connection))

    def rollups(self) -> dict[str, float]:
        return self.view().rollups

    def cities(self) -> dict[str, CityFacts]:
        return self.view().cities

    def set_cities(self, cities: Iterable[CityFacts]) -> None:
        """Replaces the city reference data; population scopes follow at the next read."""
        with db.writing(self.engine) as connection:
            replace_cities(connection, cities)

    def state(self) -> FeedState:
        with db.reading(self.engine) as connection:
            return read_state(connection)

    def applied_revision(self) -> int:
        return self.state().applied_revision

    def candidates(self, query: CandidateQuery) -> CandidatePage:
        with db.reading(self.engine) as connection:
            scoring = self.scoring(read_state(connection).scored_year)
            return find_candidates(connection, query, scoring)

    def candidate(self, name: str) -> Candidate | None:
        with db.reading(self.engine) as connection:
            scoring = self.scoring(read_state(connection).scored_year)
            return find_candidate(connection, name, scoring)

    def _rescored_state(self, connection: sa.Connection) -> FeedState:
        state, scoring = read_state(connection), self.scoring()
        if not scoring.is_current(state.rules_version, state.plan_version, state.scored_year):
            self._rescore(connection, scoring)
            state = read_state(connection)
        return state

    def _rescore(self, connection: sa.Connection, scoring: Scoring) -> int:
        rescored = rebuild.rescore_all(connection, scoring)
        before = read_state(connection)
        after = self._state_for(scoring, before.applied_revision)
        write_state(
            connection,
            replace(after, source=before.source, last_event_id=before.last_event_id),
        )
        return rescored

    def _state_for(self, scoring: Scoring, revision: int) -> FeedState:
        return FeedState(revision, self.rules.version, self.plan.version, scoring.year)
