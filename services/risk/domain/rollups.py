"""What one asset adds to the rollups.

Applying a change is `rollups -= contribution(before); rollups += contribution(after)`, so the
rollups always equal the sum of every live asset's contribution. Keys are `|`-joined tuples,
the family first. Nothing that depends on a city's population is decided here: drainage zones
are keyed by their own required and assessed return periods, and scopes by population are
applied when the rollups are read, so a corrected population needs no recount.
"""

import functools
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from services.risk.domain.facts import (
    DRAINAGE_ZONE,
    PIPE_SEGMENT,
    RENOVATION_KINDS,
    AssetFacts,
)
from services.risk.domain.pipe_rules import PipeAssessment
from services.risk.domain.plan import Plan

RollupKey = str

ASSETS = "assets"  # |city|kind|status: count (not drainage zones)
DRAINAGE_ZONES = "drainage_zones"  # |city|required years (0: city default)|assessed years: count
DRAINAGE_AREA = "drainage_area_km2"  # |city|required|assessed: km²
PIPE_LENGTH = "pipe_length_m"  # |city|network|status
PIPE_MUST_RENOVATE = "pipe_must_renovate_m"  # |city|network
PIPE_RISK = "pipe_risk_m"  # |city|network|level, pipes awaiting renovation only
STARTED_IN_PLAN = "started_in_plan"  # |city|kind: count
RENOVATED_IN_PLAN = "pipe_renovated_in_plan_m"  # |city|network


def rollup_key(*parts: object) -> RollupKey:
    return "|".join(map(str, parts))


def split_key(key: RollupKey) -> list[str]:
    return key.split("|")


def contribution(
    facts: AssetFacts | None, assessment: PipeAssessment | None, plan: Plan
) -> dict[RollupKey, float]:
    if facts is None:
        return {}
    if facts.kind == PIPE_SEGMENT:
        return _pipe(facts, assessment, plan)
    if facts.kind == DRAINAGE_ZONE:
        return _drainage_zone(facts)
    counted = {rollup_key(ASSETS, facts.city, facts.kind, facts.status): 1.0}
    if started_in_plan(facts, plan):
        counted[rollup_key(STARTED_IN_PLAN, facts.city, facts.kind)] = 1.0
    return counted


def started_in_plan(facts: AssetFacts, plan: Plan) -> bool:
    return (
        facts.kind in RENOVATION_KINDS
        and facts.status in plan.started_statuses
        and facts.start_date in plan.period
    )


def _pipe(
    pipe: AssetFacts, assessment: PipeAssessment | None, plan: Plan
) -> dict[RollupKey, float]:
    awaiting = assessment is not None and pipe.awaiting_renovation
    counted_key, length_keys = _pipe_keys(
        pipe.city,
        pipe.network,
        pipe.status,
        assessment.level if awaiting else None,
        awaiting and assessment.must_renovate,
        renovated_in_plan(pipe, plan),
    )
    counted = dict.fromkeys(length_keys, pipe.length_m)
    counted[counted_key] = 1.0
    return counted


def renovated_in_plan(pipe: AssetFacts, plan: Plan) -> bool:
    return (
        pipe.status in plan.renovated_pipe_statuses
        and pipe.renovation_completion_date in plan.period
    )


@functools.lru_cache(maxsize=4096)
def _pipe_keys(
    city: str, network: str, status: str, level: str | None, must_renovate: bool, renovated: bool
) -> tuple[RollupKey, tuple[RollupKey, ...]]:
    """The key a pipe counts 1 under, and those its length counts under (shared by many pipes,
    so built once)."""
    length_keys = [rollup_key(PIPE_LENGTH, city, network, status)]
    if level is not None:
        length_keys.append(rollup_key(PIPE_RISK, city, network, level))
    if must_renovate:
        length_keys.append(rollup_key(PIPE_MUST_RENOVATE, city, network))
    if renovated:
        length_keys.append(rollup_key(RENOVATED_IN_PLAN, city, network))
    return rollup_key(ASSETS, city, PIPE_SEGMENT, status), tuple(length_keys)


def _drainage_zone(zone: AssetFacts) -> dict[RollupKey, float]:
    periods = (zone.required_return_period_years, zone.assessed_return_period_years)
    return {
        rollup_key(DRAINAGE_ZONES, zone.city, *periods): 1.0,
        rollup_key(DRAINAGE_AREA, zone.city, *periods): zone.area_km2,
    }


def add_into(totals: dict[RollupKey, float], counted: Mapping[RollupKey, float], sign: float = 1.0):
    for key, value in counted.items():
        totals[key] = totals.get(key, 0.0) + sign * value


def delta(
    before: Mapping[RollupKey, float], after: Mapping[RollupKey, float]
) -> dict[RollupKey, float]:
    """after − before, without the keys that do not move."""
    moved: dict[RollupKey, float] = {}
    add_into(moved, after)
    add_into(moved, before, -1.0)
    return {key: value for key, value in moved.items() if value != 0.0}


def total(contributions: Iterable[Mapping[RollupKey, float]]) -> dict[RollupKey, float]:
    totals: dict[RollupKey, float] = {}
    for counted in contributions:
        add_into(totals, counted)
    return totals


class Difference(NamedTuple):
    key: RollupKey
    stored: float
    recomputed: float


def differences(
    stored: Mapping[RollupKey, float], recomputed: Mapping[RollupKey, float], tolerance=1e-6
) -> list[Difference]:
    """Wherever the two differ beyond rounding; a missing key is 0."""
    found = []
    for key in sorted(set(stored) | set(recomputed)):
        kept, fresh = stored.get(key, 0.0), recomputed.get(key, 0.0)
        if abs(kept - fresh) > tolerance * max(1.0, abs(kept), abs(fresh)):
            found.append(Difference(key, kept, fresh))
    return found
