"""Plan progress, computed from rollups and the cities' current populations."""

from dataclasses import dataclass, replace
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

ON_TRACK, BEHIND, NOT_APPLICABLE = "on_track", "behind", "not_applicable"
# Shares closer than this count as equal: rounding must not put a target behind schedule.
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Schedule:
    """Achievement against the straight line, both as shares of `basis` (the target value, or a
    city's allocation of it)."""

    status: str
    basis: float = 0.0
    progress_ratio: float = 0.0
    expected_progress_ratio: float = 0.0

    @property
    def shortfall(self) -> float:
        """How far behind, as a share of the basis (0.305: 30.5 points); 0 unless behind."""
        if self.status != BEHIND:
            return 0.0
        return self.expected_progress_ratio - self.progress_ratio


NO_SCHEDULE = Schedule(NOT_APPLICABLE)


def schedule(achieved: float, expected: float, basis: float) -> Schedule:
    progress, expected_progress = ratio(achieved, basis), ratio(expected, basis)
    behind = progress < expected_progress - _TOLERANCE
    return Schedule(BEHIND if behind else ON_TRACK, basis, progress, expected_progress)


@dataclass(frozen=True)
class CityProgress:
    city: str
    achieved: float
    numerator: float
    denominator: float
    schedule: Schedule = NO_SCHEDULE


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    achieved: float
    progress_ratio: float
    expected: float
    expected_progress_ratio: float
    numerator: float
    denominator: float
    cities: tuple[CityProgress, ...]
    schedule: Schedule = NO_SCHEDULE


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
        cities=tuple(
            city_progress(target, plan, share, as_of) for share in tally.shares(target.is_ratio)
        ),
        schedule=_province_schedule(target, achieved, expected, denominator),
    )


def _province_schedule(target: Target, achieved: float, expected: float, denominator: float):
    """A ratio over nothing registered yet is no verdict; anything else is judged."""
    if target.is_ratio and not denominator:
        return NO_SCHEDULE
    return schedule(achieved, expected, target.value)


def city_progress(target: Target, plan: Plan, share: CityShare, as_of: date) -> CityProgress:
    """A city's part, judged against the province's line for a ratio target the city is counted
    in, against its allocation's line for a count or length target that allocates it one."""
    judged = NO_SCHEDULE
    if target.is_ratio and share.denominator:
        judged = schedule(share.achieved, target.expected(plan.period.start, as_of), target.value)
    elif not target.is_ratio and share.city in target.allocations:
        expected = target.expected_allocation(share.city, plan.period.start, as_of)
        judged = schedule(share.achieved, expected, target.allocations[share.city])
    return CityProgress(share.city, share.achieved, share.numerator, share.denominator, judged)


def for_city(progress: TargetProgress, plan: Plan, code: str, as_of: date) -> TargetProgress:
    """The target as one city sees it: the city's achievement, numerator, denominator and share
    of the (provincial) target value, its own schedule, and only itself among the cities."""
    city = next((c for c in progress.cities if c.city == code), None)
    if city is None:
        city = city_progress(progress.target, plan, CityShare(code, 0.0, 0.0, 0.0), as_of)
    return replace(
        progress,
        achieved=city.achieved,
        progress_ratio=ratio(city.achieved, progress.target.value),
        numerator=city.numerator,
        denominator=city.denominator,
        cities=(city,),
        schedule=city.schedule,
    )


def plan_progress(
    plan: Plan, rollups: Rollups, cities: Cities, as_of: date, city: str | None = None
) -> list[TargetProgress]:
    """Every target's progress as of a day, for the province or (with `city`) one city."""
    found = [target_progress(t, plan, rollups, cities, as_of) for t in plan.targets]
    return found if city is None else [for_city(p, plan, city, as_of) for p in found]
