"""Verifying the read model: its rollups and dated groups against a recount from the assets."""

from services.risk.app.scoring import ScoringInForce
from services.risk.domain.day_buckets import MonthEnds
from services.risk.domain.verification import VerifyReport
from services.risk.storage.store import ReadModelStore


class Verification:
    def __init__(self, store: ReadModelStore, scoring: ScoringInForce):
        self.store, self.scoring = store, scoring

    def recompute(self) -> VerifyReport:
        """Also compares the per-asset date columns, grouped by month up to today."""
        plan, today = self.scoring.plan, self.scoring.clock()
        with self.store.reading() as transaction:
            buckets = MonthEnds(plan.period.start, today)
            return transaction.recompute(self.scoring.stored(transaction), buckets)
