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
from datetime import date
from typing import NamedTuple

from services.risk.domain.asset_days import AssetDates, asset_dates
from services.risk.domain.day_buckets import Buckets
from services.risk.domain.facts import (
    DRAINAGE_ZONE,
    PIPE_SEGMENT,
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
    rollup_key,
)

# The status an asset counts under on a day before it reached its current one: its earlier
# statuses are not recorded, and no target counts them as achieved.
EARLIER = "earlier"

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
