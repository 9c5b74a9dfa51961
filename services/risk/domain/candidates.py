"""Renovation candidates: pipes awaiting renovation, ranked by level, score, length, then name."""

from dataclasses import dataclass
from typing import NamedTuple

from services.risk.domain.facts import AssetFacts
from services.risk.domain.pipe_rules import PipeAssessment


class RankKey(NamedTuple):
    """A candidate's place in the ranking: where the previous page stopped."""

    level_rank: int
    score: int
    length_m: float
    name: str


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
