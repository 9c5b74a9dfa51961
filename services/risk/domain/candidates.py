"""Renovation candidates: pipes awaiting renovation, ranked by level, score, length, then name."""

from dataclasses import dataclass

from services.risk.domain.facts import AssetFacts
from services.risk.domain.pipe_rules import PipeAssessment

# (level rank, score, length in metres, name): where the previous page stopped.
RankKey = tuple[int, int, float, str]


@dataclass(frozen=True)
class CandidateQuery:
    city: str
    network: str | None = None
    min_level: str | None = None
    must_renovate_only: bool = False
    page_size: int = 100
    after: RankKey | None = None


@dataclass(frozen=True)
class Candidate:
    facts: AssetFacts
    assessment: PipeAssessment
    age_years: int | None


@dataclass(frozen=True)
class CandidatePage:
    candidates: list[Candidate]
    next_after: RankKey | None
