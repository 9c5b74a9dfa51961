"""What RiskService's calls are answered from: plan progress, candidates and a recount."""

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from services.risk.app.queries import ReadModelQueries
from services.risk.app.reports import DistrictReport, HistoryReport, ProgressReport, ProgressReports
from services.risk.app.verification import Verification
from services.risk.domain.candidates import Candidate, CandidatePage, CandidateQuery
from services.risk.domain.verification import VerifyReport


class RiskAnswers(Protocol):
    @property
    def rules_version(self) -> str: ...

    def progress(self, city: str | None, as_of: date | None) -> ProgressReport: ...

    def history(self, city: str | None) -> HistoryReport: ...

    def districts(self, city: str) -> DistrictReport: ...

    def candidates(self, query: CandidateQuery) -> CandidatePage: ...

    def candidate(self, name: str) -> Candidate | None: ...

    def recompute(self) -> VerifyReport: ...


@dataclass(frozen=True)
class ReadModelAnswers:
    """RiskAnswers from the read model's application services."""

    reports: ProgressReports
    queries: ReadModelQueries
    verification: Verification

    @property
    def rules_version(self) -> str:
        return self.queries.rules.version

    def progress(self, city: str | None, as_of: date | None) -> ProgressReport:
        return self.reports.progress(city, as_of)

    def history(self, city: str | None) -> HistoryReport:
        return self.reports.history(city)

    def districts(self, city: str) -> DistrictReport:
        return self.reports.districts(city)

    def candidates(self, query: CandidateQuery) -> CandidatePage:
        return self.queries.candidates(query)

    def candidate(self, name: str) -> Candidate | None:
        return self.queries.candidate(name)

    def recompute(self) -> VerifyReport:
        return self.verification.recompute()
