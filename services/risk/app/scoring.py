"""The rules, plan and year in force, and rescoring the stored rows when any of them changes."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from services.risk.domain.feed_state import FeedState
from services.risk.domain.pipe_rules import PipeRules
from services.risk.domain.plan import Plan
from services.risk.domain.scoring import Scoring
from services.risk.storage.store import ReadModelStore
from services.risk.storage.transaction import ReadModelTransaction

YEARS_KEPT = 2  # the year the rows were scored in and the current one, around a new year


class ScoringInForce:
    def __init__(
        self, store: ReadModelStore, rules: PipeRules, plan: Plan, clock: Callable[[], date]
    ):
        self.store, self.rules, self.plan, self.clock = store, rules, plan, clock
        self._by_year: dict[int, Scoring] = {}

    def of_year(self, year: int | None = None) -> Scoring:
        """Scores of `year`, by default the current one; the same Scoring each time, so that
        the assessments it keeps serve every batch."""
        year = year or self.clock().year
        scoring = self._by_year.get(year)
        if scoring is None:
            if len(self._by_year) >= YEARS_KEPT:
                self._by_year.clear()
            scoring = self._by_year[year] = Scoring(self.rules, self.plan, year)
        return scoring

    def stored(self, transaction: ReadModelTransaction) -> Scoring:
        """Scores of the year the stored rows were scored in."""
        return self.of_year(transaction.state().scored_year)

    def state_for(self, scoring: Scoring, revision: int) -> FeedState:
        return FeedState(revision, self.rules.version, self.plan.version, scoring.year)

    def rescore_if_stale(self) -> bool:
        """Rescores when the rules version, plan version or current year differ from the stored."""
        with self.store.writing() as transaction:
            before = transaction.state()
            return self.current_state(transaction) != before

    def rescore(self) -> int:
        with self.store.writing() as transaction:
            return self._rescore(transaction, self.of_year())

    def current_state(
        self, transaction: ReadModelTransaction, stored: FeedState | None = None
    ) -> FeedState:
        """The feed state, once the stored rows are scored with what is in force (`stored`: the
        state as this transaction read it already)."""
        state = transaction.state() if stored is None else stored
        scoring = self.of_year()
        if not scoring.is_current(state.rules_version, state.plan_version, state.scored_year):
            self._rescore(transaction, scoring)
            state = transaction.state()
        return state

    def _rescore(self, transaction: ReadModelTransaction, scoring: Scoring) -> int:
        rescored = transaction.rescore_all(scoring)
        before = transaction.state()
        after = self.state_for(scoring, before.applied_revision)
        transaction.write_state(
            replace(after, source=before.source, last_event_id=before.last_event_id)
        )
        return rescored
