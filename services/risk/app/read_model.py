"""The risk service's read model, opened: its storage and the application services over it."""

from collections.abc import Callable
from datetime import date

from services.risk.app.queries import ReadModelQueries
from services.risk.app.reports import ProgressReports
from services.risk.app.scoring import ScoringInForce
from services.risk.app.updates import ReadModelUpdates
from services.risk.app.verification import Verification
from services.risk.domain.pipe_rules import PipeRules, load_pipe_rules
from services.risk.domain.plan import Plan, load_plan
from services.risk.storage.store import ReadModelStore


class ReadModel:
    """`updates` for the feed, `queries` and `reports` for the API, /metrics and the pages,
    `verification` for the recount, `scoring` for the rules in force."""

    def __init__(self, store: ReadModelStore, scoring: ScoringInForce):
        self.store, self.scoring = store, scoring
        self.updates = ReadModelUpdates(store, scoring)
        self.queries = ReadModelQueries(store, scoring)
        self.reports = ProgressReports(self.queries, scoring.clock)
        self.verification = Verification(store, scoring)

    @classmethod
    def open(
        cls,
        url: str,
        rules: PipeRules | None = None,
        plan: Plan | None = None,
        clock: Callable[[], date] = date.today,
    ) -> "ReadModel":
        """Connects, migrates the schema, and rescores if the rules, plan or year changed."""
        store = ReadModelStore.open(url)
        scoring = ScoringInForce(store, rules or load_pipe_rules(), plan or load_plan(), clock)
        scoring.rescore_if_stale()
        return cls(store, scoring)

    def close(self) -> None:
        self.store.close()
