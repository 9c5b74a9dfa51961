"""Plan progress, computed from rollups and the cities' current populations."""

from dataclasses import dataclass
from datetime import date

from services.risk.domain.plan import Plan, Target
from services.risk.domain.rollups import ASSETS, RENOVATED_IN_PLAN, STARTED_IN_PLAN
from services.risk.domain.tally import (
    Cities,
    CityShare,
    Rollups,
    Tally,
    city_of,
    family,
    ratio,
    tally_flood_compliance,
)


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    achieved: float
    progress_ratio: float
    expected: float
    expected_progress_ratio: float
    numerator: float
    denominator: float
    cities: tuple[CityShare, ...]


def _count_started(target: Target, plan: Plan, rollups: Rollups, cities: Cities, tally: Tally):
    for (city, kind), value in family(rollups, STARTED_IN_PLAN):
        if kind in target.scope.kinds:
            tally.count(city, value, True)


def _count_renovated(target: Target, plan: Plan, rollups: Rollups, cities: Cities, tally: Tally):
    for (city, network), value in family(rollups, RENOVATED_IN_PLAN):
        if network in target.scope.networks:
            tally.count(city, value, True)


def _count_status_share(target: Target, plan: Plan, rollups: Rollups, cities: Cities, tally: Tally):
    scope = target.scope
    for (city, kind, status), value in family(rollups, ASSETS):
        in_scope = city_of(city, cities).urban_population >= scope.min_urban_population
        if kind in scope.kinds and in_scope:
            tally.count(city, value, status in scope.statuses)


def _count_flood_compliance(
    target: Target, plan: Plan, rollups: Rollups, cities: Cities, tally: Tally
):
    flood = plan.flood_control
    tally_flood_compliance(tally, flood, rollups, cities, by_area=flood.area_weighted)


# The counting rules that plan_targets.yaml names.
_COUNTING_RULES = {
    "started_in_period": _count_started,
    "renovated_in_period": _count_renovated,
    "status_share": _count_status_share,
    "flood_compliance": _count_flood_compliance,
}


def target_progress(
    target: Target, plan: Plan, rollups: Rollups, cities: Cities, as_of: date
) -> TargetProgress:
    tally = Tally()
    _COUNTING_RULES[target.rule](target, plan, rollups, cities, tally)
    numerator = sum(tally.numerators.values())
    denominator = sum(tally.denominators.values()) if target.is_ratio else 0.0
    achieved = ratio(numerator, denominator) if target.is_ratio else numerator
    expected = target.expected(plan.period.start, as_of)
    return TargetProgress(
        target=target,
        achieved=achieved,
        progress_ratio=ratio(achieved, target.value),
        expected=expected,
        expected_progress_ratio=ratio(expected, target.value),
        numerator=numerator,
        denominator=denominator,
        cities=tally.shares(target.is_ratio),
    )


def plan_progress(
    plan: Plan, rollups: Rollups, cities: Cities, as_of: date
) -> list[TargetProgress]:
    return [target_progress(t, plan, rollups, cities, as_of) for t in plan.targets]
