"""What the gRPC API, /metrics and the status pages read from the read model."""

from dataclasses import dataclass

from services.risk.app.scoring import ScoringInForce
from services.risk.domain.candidates import Candidate, CandidatePage, CandidateQuery
from services.risk.domain.dated import DatedGroups
from services.risk.domain.day_buckets import Buckets
from services.risk.domain.facts import CityFacts
from services.risk.domain.feed_state import FeedState
from services.risk.domain.pipe_rules import PipeRules
from services.risk.domain.plan import Plan
from services.risk.storage.store import ReadModelStore


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


class ReadModelQueries:
    def __init__(self, store: ReadModelStore, scoring: ScoringInForce):
        self.store, self.scoring = store, scoring

    @property
    def rules(self) -> PipeRules:
        return self.scoring.rules

    @property
    def plan(self) -> Plan:
        return self.scoring.plan

    def view(self) -> ReadModelView:
        with self.store.reading() as transaction:
            return ReadModelView(*transaction.view_parts())

    def district_view(self, city: str) -> DistrictView:
        with self.store.reading() as transaction:
            return DistrictView(
                rollups=transaction.district_rollups(city),
                cities=transaction.cities(),
                state=transaction.state(),
            )

    def dated_view(self, buckets: Buckets) -> DatedView:
        """The live assets grouped by their days in `buckets`, with the cities and feed state of
        the same snapshot."""
        with self.store.reading() as transaction:
            return DatedView(
                groups=transaction.dated_groups(buckets),
                cities=transaction.cities(),
                state=transaction.state(),
            )

    def rollups(self) -> dict[str, float]:
        return self.view().rollups

    def cities(self) -> dict[str, CityFacts]:
        return self.view().cities

    def candidates(self, query: CandidateQuery) -> CandidatePage:
        with self.store.reading() as transaction:
            return transaction.candidates(query, self.scoring.stored(transaction))

    def candidate(self, name: str) -> Candidate | None:
        with self.store.reading() as transaction:
            return transaction.candidate(name, self.scoring.stored(transaction))
