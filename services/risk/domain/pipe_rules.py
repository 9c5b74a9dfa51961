"""The national old-pipe criteria and the 5×5 risk matrix, read from pipe_criteria.yaml."""

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from services.risk.domain.facts import AssetFacts

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "rules" / "pipe_criteria.yaml"
LEVELS = ("low", "moderate", "significant", "major")
AGES_CLASSED = 200  # older pipes are keyed by their age itself


def level_rank(level: str) -> int:
    """1 for low up to 4 for major."""
    return LEVELS.index(level) + 1


@dataclass(frozen=True)
class Finding:
    rule_id: str
    description: str
    mandatory: bool


@dataclass(frozen=True)
class PipeAssessment:
    must_renovate: bool
    findings: tuple[Finding, ...]
    likelihood: int
    consequence: int
    score: int
    level: str


# A condition of a criterion, given the pipe and its age (None when unknown).
Condition = Callable[[AssetFacts, int | None], bool]


@dataclass(frozen=True)
class Criterion:
    rule_id: str
    description: str
    mandatory: bool
    networks: frozenset[str]
    when: dict[str, Any]
    _conditions: tuple[Condition, ...] = field(init=False, repr=False)
    _finding: Finding = field(init=False, repr=False)

    def __post_init__(self):
        conditions = tuple(_condition(key, wanted) for key, wanted in self.when.items())
        object.__setattr__(self, "_conditions", conditions)
        object.__setattr__(
            self, "_finding", Finding(self.rule_id, self.description, self.mandatory)
        )

    def matches(self, pipe: AssetFacts, year: int) -> bool:
        return pipe.network in self.networks and self.holds(pipe, pipe.age_in(year))

    def holds(self, pipe: AssetFacts, age: int | None) -> bool:
        """Whether every condition holds, the network aside."""
        return all(condition(pipe, age) for condition in self._conditions)

    def finding(self) -> Finding:
        return self._finding


def _condition(key: str, wanted: Any) -> Condition:
    if key == "material":
        return lambda pipe, age: pipe.material in wanted
    if key == "min_age":
        return lambda pipe, age: age is not None and age >= wanted
    if key == "min_failures":
        return lambda pipe, age: pipe.recorded_failures >= wanted
    return lambda pipe, age: getattr(pipe, key) == wanted


# The fields the likelihood and consequence tables read, and those each condition reads.
_TABLE_INPUTS = frozenset(
    {
        "network",
        "material",
        "commissioned_year",
        "hazard_assessed",
        "occupied_by_structure",
        "cross_connected",
        "recorded_failures",
        "diameter_mm",
        "near_crowded_place",
    }
)
_CONDITION_FIELDS = {"min_age": "commissioned_year", "min_failures": "recorded_failures"}


def _band_points(value: float, bands: list[dict], key: str) -> int:
    """Points of the last band whose lower bound `key` the value reaches; 0 if none."""
    reached = [band["points"] for band in bands if value >= band[key]]
    return reached[-1] if reached else 0


def _clamp(points: int) -> int:
    return max(1, min(5, points))


@dataclass(frozen=True)
class PipeRules:
    version: str
    criteria: tuple[Criterion, ...]
    likelihood_table: dict[str, Any]
    consequence_table: dict[str, Any]
    matrix: tuple[tuple[str, ...], ...]
    must_renovate_min_level: str
    _by_network: dict[str, tuple[Criterion, ...]] = field(init=False, repr=False)

    _inputs: Callable[[AssetFacts], tuple] = field(init=False, repr=False, compare=False)
    # network → for each age below AGES_CLASSED, the youngest age the rules treat alike
    _age_classes: dict[str, tuple[int, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self):
        networks = {network for c in self.criteria for network in c.networks}
        by_network = {n: tuple(c for c in self.criteria if n in c.networks) for n in networks}
        object.__setattr__(self, "_by_network", by_network)
        read_by_criteria = {
            _CONDITION_FIELDS.get(key, key) for c in self.criteria for key in c.when
        }
        read = set(_TABLE_INPUTS | read_by_criteria)
        if not any("commissioned_year" in c.when for c in self.criteria):
            read.discard("commissioned_year")  # read as the age's class instead
        inputs = operator.attrgetter("awaiting_renovation", *sorted(read))
        object.__setattr__(self, "_inputs", inputs)

    def inputs(self, pipe: AssetFacts, year: int) -> tuple:
        """Everything about the pipe that evaluate() reads in `year`: pipes equal in these are
        assessed alike. The age is given by its class: most pipes share one with many others."""
        return *self._inputs(pipe), self._age_class(pipe, year)

    def _age_class(self, pipe: AssetFacts, year: int) -> int | None:
        age = pipe.age_in(year)
        if age is None or age >= AGES_CLASSED:
            return age
        classes = self._age_classes.get(pipe.network)
        if classes is None:
            classes = self._age_classes[pipe.network] = self._classes_of_ages(pipe.network)
        return classes[age]

    def _classes_of_ages(self, network: str) -> tuple[int, ...]:
        """Ages alike in every `min_age` condition and in the likelihood's age points fall in
        one class, named by its youngest age."""
        least_ages = sorted({c.when["min_age"] for c in self.criteria if "min_age" in c.when})
        youngest: dict[tuple, int] = {}
        return tuple(
            youngest.setdefault(
                (*(age >= least for least in least_ages), self._points_at_age(network, age)), age
            )
            for age in range(AGES_CLASSED)
        )

    def evaluate(self, pipe: AssetFacts, year: int) -> PipeAssessment:
        criteria, age = self._by_network.get(pipe.network, ()), pipe.age_in(year)
        findings = tuple(c.finding() for c in criteria if c.holds(pipe, age))
        must_renovate = pipe.awaiting_renovation and any(f.mandatory for f in findings)
        likelihood, consequence = self.likelihood(pipe, year), self.consequence(pipe)
        level = self.matrix[likelihood - 1][consequence - 1]
        if must_renovate and level_rank(level) < level_rank(self.must_renovate_min_level):
            level = self.must_renovate_min_level
        return PipeAssessment(
            must_renovate, findings, likelihood, consequence, likelihood * consequence, level
        )

    def likelihood(self, pipe: AssetFacts, year: int) -> int:
        table = self.likelihood_table
        points = self._age_points(pipe, year)
        points += table["material_points"].get(pipe.material, 0)
        points += table["hazard_assessed_points"] if pipe.hazard_assessed else 0
        points += table["occupied_by_structure_points"] if pipe.occupied_by_structure else 0
        points += table["cross_connected_points"] if pipe.cross_connected else 0
        points += _band_points(pipe.recorded_failures, table["failure_points"], "min")
        return _clamp(points)

    def _age_points(self, pipe: AssetFacts, year: int) -> int:
        return self._points_at_age(pipe.network, pipe.age_in(year))

    def _points_at_age(self, network: str, age: int | None) -> int:
        threshold = self.likelihood_table["age_threshold_years"].get(network)
        if age is None or not threshold:
            return self.likelihood_table["unknown_age_points"]
        ratio = age / threshold
        below = [
            b["points"] for b in self.likelihood_table["age_ratio_points"] if ratio < b["below"]
        ]
        return below[0] if below else 5

    def consequence(self, pipe: AssetFacts) -> int:
        table = self.consequence_table
        points = table["network_base"].get(pipe.network, 1)
        points += _band_points(pipe.diameter_mm, table["diameter_points"], "min_mm")
        points += table["near_crowded_place_points"] if pipe.near_crowded_place else 0
        return _clamp(points)


def _criterion(entry: dict) -> Criterion:
    return Criterion(
        rule_id=entry["rule_id"],
        description=entry["description"],
        mandatory=bool(entry["mandatory"]),
        networks=frozenset(entry["networks"]),
        when=dict(entry.get("when") or {}),
    )


def pipe_rules_from_dict(data: dict) -> PipeRules:
    matrix = tuple(tuple(row) for row in data["matrix"])
    if len(matrix) != 5 or any(len(row) != 5 or set(row) - set(LEVELS) for row in matrix):
        raise ValueError("the risk matrix must be 5×5 and use only " + ", ".join(LEVELS))
    return PipeRules(
        version=data["version"],
        criteria=tuple(_criterion(entry) for entry in data["criteria"]),
        likelihood_table=data["likelihood"],
        consequence_table=data["consequence"],
        matrix=matrix,
        must_renovate_min_level=data["must_renovate_min_level"],
    )


def load_pipe_rules(path: Path | str = DEFAULT_PATH) -> PipeRules:
    with open(path, encoding="utf-8") as file:
        return pipe_rules_from_dict(yaml.safe_load(file))
