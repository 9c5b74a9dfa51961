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
from services.risk.domain.day_buckets import MonthEnds, OnOrBefore, Point
from services.risk.domain.district_rollups import DistrictFigures, district_breakdown
from services.risk.domain.facts import CityFacts
from services.risk.domain.feed_state import FeedState
from services.risk.domain.plan import Plan
from services.risk.domain.progress import TargetProgress, plan_progress
from services.risk.history_cache import RevisionCache


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


@dataclass(frozen=True)
class DistrictReport:
    rules_version: str
    applied_revision: int
    city: CityFacts
    districts: list[DistrictFigures]


class UnknownCity(NotFound):
    def __init__(self, code: str):
        super().__init__(
            f"city: no city cities/{code} in the reference data",
            reason="CITY_NOT_FOUND",
            metadata={"field": "city", "city": f"cities/{code}"},
        )


@dataclass(frozen=True)
class MonthRollups:
    """The rollups as the assets' dates put them at each month's end (today for the current
    month), for the read model at `applied_revision`."""

    applied_revision: int
    points: list[Point]
    rollups: list[dict]


class ProgressReports:
    def __init__(self, queries: ReadModelQueries, clock: Callable[[], date]):
        self.queries, self.clock = queries, clock
        self._months: RevisionCache[MonthRollups] = RevisionCache()
        # Each page's report (the province's, every city's) for the newest states.
        self._histories: RevisionCache[HistoryReport] = RevisionCache(capacity=64)

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
            plan=self.plan,
            rules_version=self.queries.rules.version,
            applied_revision=state.applied_revision,
            as_of=as_of,
            city=city,
            targets=targets,
        )

    def history(self, city: str | None = None) -> HistoryReport:
        """From the period's first month to the current one, one GROUP BY for them all, kept
        for the day and the feed state (applied revision, rules, plan, log followed)."""
        today, view = self.clock(), self.queries.view()
        _check_city(city, view.cities)
        key = (today, view.state)
        cities = tuple(sorted(view.cities.items()))
        report_key = (city, key, cities)
        return self._histories.get(
            report_key, lambda: (report_key, self._history(city, key, view.cities))
        )

    def _history(self, city: str | None, key, cities) -> HistoryReport:
        monthly = self._months.get(key, lambda: self._month_rollups(key[0]))
        months = [
            MonthPoint(point.day, plan_progress(self.plan, rollups, cities, point.day, city))
            for point, rollups in zip(monthly.points, monthly.rollups, strict=True)
        ]
        return HistoryReport(
            plan=self.plan,
            rules_version=self.queries.rules.version,
            applied_revision=monthly.applied_revision,
            city=city,
            months=months,
        )

    def districts(self, city: str) -> DistrictReport:
        """The city's figures by district, its reference districts first."""
        view = self.queries.district_view(city)
        _check_city(city, view.cities)
        facts = view.cities[city]
        figures = district_breakdown(
            view.rollups,
            city,
            [district.code for district in facts.districts],
            self.plan.flood_control,
            view.cities,
        )
        return DistrictReport(
            rules_version=self.queries.rules.version,
            applied_revision=view.state.applied_revision,
            city=facts,
            districts=figures,
        )

    def _month_rollups(self, today: date) -> tuple[tuple[date, FeedState], MonthRollups]:
        buckets = MonthEnds(self.plan.period.start, today)
        dated = self.queries.dated_view(buckets)
        points = buckets.points()
        each = list(rollups_at_each(dated.groups, [point.bucket for point in points]))
        state = dated.state
        return (today, state), MonthRollups(
            applied_revision=state.applied_revision, points=points, rollups=each
        )


def _check_city(city: str | None, cities: Mapping[str, CityFacts]) -> None:
    if city is not None and city not in cities:
        raise UnknownCity(city)
