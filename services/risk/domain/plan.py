"""The plan's period and targets, read from plan_targets.yaml."""

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "rules" / "plan_targets.yaml"
COUNTED_RULES = ("started_in_period", "renovated_in_period")
RULES = (*COUNTED_RULES, "status_share", "flood_compliance")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass(frozen=True)
class Baseline:
    value: float
    day: date


@dataclass(frozen=True)
class Scope:
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    min_urban_population: int = 0


@dataclass(frozen=True)
class Target:
    key: str
    description: str
    unit: str
    value: float
    deadline: date
    rule: str
    scope: Scope
    baseline: Baseline | None = None
    # City code → that city's share of a count or length target, when the plan allocates one.
    allocations: Mapping[str, float] = field(default_factory=dict)

    @property
    def is_ratio(self) -> bool:
        return self.rule not in COUNTED_RULES

    def expected(self, period_start: date, as_of: date) -> float:
        """The straight line from the start (or baseline) to the target, at the end of `as_of`."""
        start_value, start_day = 0.0, period_start - timedelta(days=1)
        if self.baseline is not None:
            start_value, start_day = self.baseline.value, self.baseline.day
        fraction = _elapsed_fraction(start_day, self.deadline, as_of)
        return start_value + (self.value - start_value) * fraction

    def expected_allocation(self, city: str, period_start: date, as_of: date) -> float:
        """A city's allocation on a straight line from zero at the period's start."""
        fraction = _elapsed_fraction(period_start - timedelta(days=1), self.deadline, as_of)
        return self.allocations[city] * fraction


def _elapsed_fraction(start_day: date, deadline: date, as_of: date) -> float:
    """How much of the way from the end of `start_day` to the end of `deadline` the end of
    `as_of` lies, between 0 and 1."""
    span = (deadline - start_day).days
    if span <= 0:
        return 1.0
    return min(max((as_of - start_day).days, 0), span) / span


@dataclass(frozen=True)
class FloodControl:
    area_weighted: bool
    default_return_period_years: dict[str, int]

    def required_return_period(self, explicit: int, size_class: str) -> int:
        return explicit if explicit > 0 else self.default_return_period_years[size_class]


@dataclass(frozen=True)
class Plan:
    version: str
    period: Period
    started_statuses: tuple[str, ...]
    renovated_pipe_statuses: tuple[str, ...]
    targets: tuple[Target, ...]
    flood_control: FloodControl

    @functools.cached_property
    def kinds_by_status_share(self) -> frozenset[str]:
        """The kinds some ratio target counts by their status (read once an asset row)."""
        return frozenset(
            kind for t in self.targets if t.rule == "status_share" for kind in t.scope.kinds
        )

    @functools.cached_property
    def reads_flood_compliance(self) -> bool:
        return any(target.rule == "flood_compliance" for target in self.targets)


def _scope(data: dict) -> Scope:
    return Scope(
        kinds=tuple(data.get("kinds", ())),
        statuses=tuple(data.get("statuses", ())),
        networks=tuple(data.get("networks", ())),
        min_urban_population=int(data.get("min_urban_population", 0)),
    )


def _allocations(data: dict) -> dict[str, float]:
    given = data.get("city_allocations") or {}
    return {str(code): float(value) for code, value in given.items()}


def _target(data: dict) -> Target:
    if data["rule"] not in RULES:
        raise ValueError(f"target {data['key']}: unknown counting rule {data['rule']!r}")
    baseline = data.get("baseline")
    allocations = _allocations(data)
    if allocations and data["rule"] not in COUNTED_RULES:
        raise ValueError(f"target {data['key']}: city_allocations fit count and length targets")
    return Target(
        key=data["key"],
        description=data["description"],
        unit=data["unit"],
        value=float(data["target"]),
        deadline=data["deadline"],
        rule=data["rule"],
        scope=_scope(data.get("scope") or {}),
        baseline=Baseline(float(baseline["value"]), baseline["date"]) if baseline else None,
        allocations=allocations,
    )


def _flood_control(data: dict) -> FloodControl:
    if data["weighting"] not in ("area", "count"):
        raise ValueError("flood_control.weighting must be area or count")
    return FloodControl(data["weighting"] == "area", dict(data["default_return_period_years"]))


def plan_from_dict(data: dict) -> Plan:
    return Plan(
        version=data["version"],
        period=Period(data["period"]["start"], data["period"]["end"]),
        started_statuses=tuple(data["started_statuses"]),
        renovated_pipe_statuses=tuple(data["renovated_pipe_statuses"]),
        targets=tuple(_target(entry) for entry in data["targets"]),
        flood_control=_flood_control(data["flood_control"]),
    )


def load_plan(path: Path | str = DEFAULT_PATH) -> Plan:
    with open(path, encoding="utf-8") as file:
        return plan_from_dict(yaml.safe_load(file))
