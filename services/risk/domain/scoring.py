"""The rules, plan and reference year that every stored score and contribution comes from."""

from dataclasses import dataclass, field

from services.risk.domain.facts import PIPE_SEGMENT, AssetFacts
from services.risk.domain.pipe_rules import PipeAssessment, PipeRules
from services.risk.domain.plan import Plan
from services.risk.domain.rollups import RollupKey, contribution


@dataclass(frozen=True, eq=False)
class Scoring:
    rules: PipeRules
    plan: Plan
    year: int
    # A batch assesses each pipe twice (its contribution, then its row); remember the last few.
    _recent: dict = field(default_factory=dict, init=False, repr=False)

    def assess(self, facts: AssetFacts | None) -> PipeAssessment | None:
        if facts is None or facts.kind != PIPE_SEGMENT:
            return None
        assessment = self._recent.get(facts)
        if assessment is None:
            if len(self._recent) >= 4096:
                self._recent.clear()
            assessment = self._recent[facts] = self.rules.evaluate(facts, self.year)
        return assessment

    def contribution(self, facts: AssetFacts | None) -> dict[RollupKey, float]:
        return contribution(facts, self.assess(facts), self.plan)

    def is_current(self, rules_version: str, plan_version: str, year: int) -> bool:
        return (rules_version, plan_version, year) == (
            self.rules.version,
            self.plan.version,
            self.year,
        )
