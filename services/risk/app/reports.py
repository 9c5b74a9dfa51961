"""Plan progress for the province or one city, today, as of a day, or month by month.

The one computation behind GetPlanProgress, GetPlanProgressHistory and the status pages:
today's figures come from the live rollups (as /metrics's do); a past day's, and each month's,
from the same counting over rollups rebuilt from the assets' own dates (domain/dated.py).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from services.common.errors import NotFound
from services.risk.app.queries import ReadModelQueries
from services.risk.domain.dated import rollups_at, rollups_at_each
from services.risk.domain.day_buckets import MonthEnds, OnOrBefore
from services.risk.domain.facts import CityFacts
from services.risk.domain.plan import Plan
from services.risk.domain.progress import TargetProgress, plan_progress


@dataclass(frozen=True)
class ProgressReport:
    plan: Plan
    rules_version: str
    applied_revision: int
    as_of: date
    # A city code, or None for the province.
    city: str | None
    targets: list[TargetProgress]


@dataclass(frozen=True)
class MonthPoint:
    """Every target's standing on one day: a month's end, or today for the current month."""

    as_of: date
    targets: list[TargetProgress]


@dataclass(frozen=True)
class HistoryReport:
    plan: Plan
    rules_version: str
    applied_revision: int
    city: str | None
    months: list[MonthPoint]


class UnknownCity(NotFound):
    def __init__(self, code: str):
        super().__init__(
            f"city: no city cities/{code} in the reference data",
            reason="CITY_NOT_FOUND",
            metadata={"field": "city", "city": f"cities/{code}"},
        )


class ProgressReports:
    def __init__(self, queries: ReadModelQueries, clock: Callable[[], date]):
        self.queries, self.clock = queries, clock

    @property
    def plan(self) -> Plan:
        return self.queries.plan

    def progress(self, city: str | None = None, as_of: date | None = None) -> ProgressReport:
        """Today's figures when `as_of` is None; otherwise those the assets' dates give."""
        if as_of is None:
            view, as_of = self.queries.view(), self.clock()
            rollups, cities, state = view.rollups, view.cities, view.state
        else:
            dated = self.queries.dated_view(OnOrBefore(as_of))
            rollups, cities, state = rollups_at(dated.groups, 0), dated.cities, dated.state
        _check_city(city, cities)
        targets = plan_progress(self.plan, rollups, cities, as_of, city)
        return ProgressReport(
            self.plan, self.queries.rules.version, state.applied_revision, as_of, city, targets
        )

    def history(self, city: str | None = None) -> HistoryReport:
        """From the period's first month to the current one, one GROUP BY for them all."""
        buckets = MonthEnds(self.plan.period.start, self.clock())
        dated = self.queries.dated_view(buckets)
        _check_city(city, dated.cities)
        points = buckets.points()
        each = rollups_at_each(dated.groups, [bucket for bucket, _ in points])
        months = [
            MonthPoint(day, plan_progress(self.plan, rollups, dated.cities, day, city))
            for (_, day), rollups in zip(points, each, strict=True)
        ]
        return HistoryReport(
            self.plan, self.queries.rules.version, dated.state.applied_revision, city, months
        )


def _check_city(city: str | None, cities: Mapping[str, CityFacts]) -> None:
    if city is not None and city not in cities:
        raise UnknownCity(city)
