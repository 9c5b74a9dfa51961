"""Plan figures as of a past day, from the dates each asset carries.

Each live asset keeps, beside its facts, the days that place it in time (`AssetDates`). The read
model groups assets by what the plan counts and by those days, each day reduced to a bucket
(`OnOrBefore` one day, or `MonthEnds`); `rollups_at` then rebuilds, as of one bucket, the rollup
families the plan targets read. Progress as of a day is thereby the very computation of
progress today, over rollups as the assets' own dates put them on that day:

- achieved counts what is dated on or before the day: a renovation from its start date (count
  targets) or completion date (ratio targets), a pipe from its renovation date, a waterlogging
  point from its remediation date;
- denominators count the assets that existed by then: a waterlogging point from its
  identification date, a drainage zone from its assessment date, other assets from their
  creation in the registry. An asset whose creation is unknown has always existed.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from services.risk.domain.facts import (
    DRAINAGE_ZONE,
    PIPE_SEGMENT,
    RENOVATION_KINDS,
    WATERLOGGING_POINT,
    AssetFacts,
)
from services.risk.domain.plan import Plan
from services.risk.domain.rollups import (
    ASSETS,
    DRAINAGE_AREA,
    DRAINAGE_ZONES,
    RENOVATED_IN_PLAN,
    STARTED_IN_PLAN,
    RollupKey,
    renovated_in_plan,
    rollup_key,
    started_in_plan,
)

# The status an asset counts under on a day before it reached its current one: its earlier
# statuses are not recorded, and no target counts them as achieved.
EARLIER = "earlier"

# Which of its own dates says when an asset reached its current status, by kind then status.
_RENOVATION_DAYS = {"started": "start_date", "completed": "completion_date"}
_STATUS_DAYS = {
    **{kind: _RENOVATION_DAYS for kind in RENOVATION_KINDS},
    PIPE_SEGMENT: {"renovated": "renovation_completion_date"},
    WATERLOGGING_POINT: {"remediated": "remediation_date", "closed": "remediation_date"},
}


@dataclass(frozen=True)
class AssetDates:
    """The days the read model keeps per asset, and the figures it groups them with."""

    status: str
    # In denominators from this day; None: always.
    counted_from: date | None
    # In its current status since this day; None: since it is counted.
    status_since: date | None
    # A renovation started inside the period, from this day; None: not one.
    started_on: date | None
    # Pipe renovated inside the period, from this day; None: not renovated.
    renovated_on: date | None
    area_km2: float | None = None
    required_years: int | None = None
    assessed_years: int | None = None
    # Some plan target reads the asset as of a day (most pipes, never renovated, are not read).
    counts_as_of: bool = False


def asset_dates(facts: AssetFacts, plan: Plan) -> AssetDates:
    if facts.kind == DRAINAGE_ZONE:
        return AssetDates(
            "",
            facts.assessment_date or facts.created_on,
            None,
            None,
            None,
            facts.area_km2,
            facts.required_return_period_years,
            facts.assessed_return_period_years,
            counts_as_of=any(target.rule == "flood_compliance" for target in plan.targets),
        )
    status_day = _STATUS_DAYS.get(facts.kind, {}).get(facts.status)
    started = facts.start_date if started_in_plan(facts, plan) else None
    renovated = facts.renovation_completion_date if renovated_in_plan(facts, plan) else None
    return AssetDates(
        facts.status,
        (facts.kind == WATERLOGGING_POINT and facts.identified_date) or facts.created_on,
        getattr(facts, status_day) if status_day else None,
        started,
        renovated,
        counts_as_of=bool(started or renovated or _shares_read(facts.kind, plan)),
    )


def _shares_read(kind: str, plan: Plan) -> bool:
    """Some ratio target counts assets of `kind` by their status."""
    return any(t.rule == "status_share" and kind in t.scope.kinds for t in plan.targets)


AFTER_ALL = 999_999  # the bucket of a day after every day asked about


@dataclass(frozen=True)
class OnOrBefore:
    """Two buckets: 0 for a day on or before `day`, 1 after it."""

    day: date

    def bucket(self, day: date) -> int:
        return 0 if day <= self.day else 1

    def points(self) -> list[tuple[int, date]]:
        return [(0, self.day)]


def month_ordinal(day: date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class MonthEnds:
    """A bucket a month (its ordinal, year × 12 + month − 1), from `first`'s month to `today`'s;
    days after `today` fall after all. The current month's point is today, not its end."""

    first: date
    today: date

    def bucket(self, day: date) -> int:
        return AFTER_ALL if day > self.today else month_ordinal(day)

    def points(self) -> list[tuple[int, date]]:
        """(bucket, the day it stands for) of each month, oldest first."""
        found, ordinal = [], month_ordinal(self.first)
        while ordinal <= month_ordinal(self.today):
            year, month = divmod(ordinal + 1, 12)
            next_month_start = date(year, month + 1, 1)
            found.append((ordinal, min(next_month_start - timedelta(days=1), self.today)))
            ordinal += 1
        return found


Buckets = OnOrBefore | MonthEnds


class GroupKey(NamedTuple):
    """What a group of assets shares: what the plan counts them by, and their days' buckets."""

    city: str
    kind: str
    status: str
    network: str
    required_years: int
    assessed_years: int
    counted_from: int | None
    status_since: int | None
    started_on: int | None
    renovated_on: int | None


class Measures(NamedTuple):
    count: float
    length_m: float
    area_km2: float


DatedGroups = Mapping[GroupKey, Measures]


def group_key(facts: AssetFacts, dates: AssetDates, buckets: Buckets) -> GroupKey:
    def bucket(day: date | None) -> int | None:
        return None if day is None else buckets.bucket(day)

    return GroupKey(
        facts.city,
        facts.kind,
        dates.status,
        facts.network if facts.kind == PIPE_SEGMENT else "",
        dates.required_years or 0,
        dates.assessed_years or 0,
        bucket(dates.counted_from),
        bucket(dates.status_since),
        bucket(dates.started_on),
        bucket(dates.renovated_on),
    )


def group_assets(
    assets: Iterable[AssetFacts], plan: Plan, buckets: Buckets, into: dict | None = None
) -> dict[GroupKey, Measures]:
    """The groups the read model's query returns, computed from facts instead (added `into`
    groups already counted)."""
    groups = {} if into is None else into
    for facts in assets:
        dates = asset_dates(facts, plan)
        if not dates.counts_as_of:
            continue
        key = group_key(facts, dates, buckets)
        count, length, area = groups.get(key, (0.0, 0.0, 0.0))
        groups[key] = Measures(
            count + 1, length + (facts.length_m or 0.0), area + (dates.area_km2 or 0.0)
        )
    return groups


def rollups_at(groups: DatedGroups, cutoff: int) -> dict[RollupKey, float]:
    """The rollup families the plan targets read, as of the day bucket `cutoff` stands for."""
    totals: dict[RollupKey, float] = {}
    for bucket, key, value in _events(groups):
        if bucket <= cutoff:
            totals[key] = totals.get(key, 0.0) + value
    return totals


def rollups_at_each(groups: DatedGroups, cutoffs: Iterable[int]) -> Iterator[dict]:
    """rollups_at for each of the ascending `cutoffs`, in one pass over the groups."""
    events = sorted(_events(groups), key=lambda event: event[0])
    totals: dict[RollupKey, float] = {}
    position = 0
    for cutoff in cutoffs:
        while position < len(events) and events[position][0] <= cutoff:
            _, key, value = events[position]
            totals[key] = totals.get(key, 0.0) + value
            position += 1
        yield dict(totals)


_ALWAYS = -1  # the bucket of what counts on every day


def _events(groups: DatedGroups) -> Iterator[tuple[int, RollupKey, float]]:
    """(from which bucket on, rollup key, value): what each group adds to the rollups, and when;
    a value may be withdrawn later (an asset leaves its earlier status)."""
    for key, measures in groups.items():
        yield from _group_events(key, measures)


def _group_events(key: GroupKey, measures: Measures) -> Iterator[tuple[int, RollupKey, float]]:
    counted = _ALWAYS if key.counted_from is None else key.counted_from
    if key.kind == DRAINAGE_ZONE:
        periods = (key.required_years, key.assessed_years)
        yield counted, rollup_key(DRAINAGE_ZONES, key.city, *periods), measures.count
        yield counted, rollup_key(DRAINAGE_AREA, key.city, *periods), measures.area_km2
        return
    reached = max(counted, _ALWAYS if key.status_since is None else key.status_since)
    if reached > counted:
        earlier = rollup_key(ASSETS, key.city, key.kind, EARLIER)
        yield counted, earlier, measures.count
        yield reached, earlier, -measures.count
    yield reached, rollup_key(ASSETS, key.city, key.kind, key.status), measures.count
    if key.started_on is not None:
        yield key.started_on, rollup_key(STARTED_IN_PLAN, key.city, key.kind), measures.count
    if key.renovated_on is not None:
        renovated = rollup_key(RENOVATED_IN_PLAN, key.city, key.network)
        yield key.renovated_on, renovated, measures.length_m


def flattened(groups: DatedGroups) -> dict[str, float]:
    """The groups as rollup-like keys and values, to compare the stored with a recount."""
    found: dict[str, float] = {}
    for key, measures in groups.items():
        prefix = rollup_key("dated", *("" if part is None else part for part in key))
        for name, value in measures._asdict().items():
            if value:
                found[f"{prefix}|{name}"] = value
    return found
