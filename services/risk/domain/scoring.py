"""The rules, plan and reference year that every stored score and contribution comes from."""

from dataclasses import dataclass, field

from services.risk.domain.facts import PIPE_SEGMENT, AssetFacts
from services.risk.domain.pipe_rules import PipeAssessment, PipeRules
from services.risk.domain.plan import Plan
from services.risk.domain.rollups import RollupKey, contribution

KNOWN_ASSESSMENTS = 100_000


@dataclass(frozen=True, eq=False)
class Scoring:
    rules: PipeRules
    plan: Plan
    year: int
    # Assessments by what the rules read of a pipe: many pipes of a city share material, age
    # and size, and an update withdraws what its stored version contributed.
    _known: dict = field(default_factory=dict, init=False, repr=False)

    def assess(self, facts: AssetFacts | None) -> PipeAssessment | None:
        if facts is None or facts.kind != PIPE_SEGMENT:
            return None
        inputs = self.rules.inputs(facts, self.year)
        assessment = self._known.get(inputs)
        if assessment is None:
            if len(self._known) >= KNOWN_ASSESSMENTS:
                self._known.clear()
            assessment = self._known[inputs] = self.rules.evaluate(facts, self.year)
        return assessment

    def contribution(self, facts: AssetFacts | None) -> dict[RollupKey, float]:
        return contribution(facts, self.assess(facts), self.plan)

    def is_current(self, rules_version: str, plan_version: str, year: int) -> bool:
        return (rules_version, plan_version, year) == (
            self.rules.version,
            self.plan.version,
            self.year,
        )
