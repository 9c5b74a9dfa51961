"""CONTRACT's metrics as plain samples, computed from rollups, cities and the plan only."""

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date
from typing import NamedTuple

from services.risk.domain.facts import DRAINAGE_ZONE
from services.risk.domain.plan import Plan
from services.risk.domain.progress import plan_progress
from services.risk.domain.rollups import (
    ASSETS,
    DRAINAGE_ZONES,
    PIPE_LENGTH,
    PIPE_MUST_RENOVATE,
    PIPE_RISK,
    RENOVATED_IN_PLAN,
    STARTED_IN_PLAN,
    split_key,
)
from services.risk.domain.tally import (
    Cities,
    Rollups,
    flood_compliance_by_city,
    zone_compliant,
)


class MetricSpec(NamedTuple):
    name: str
    help: str
    labels: tuple[str, ...]


CONTRACT_METRICS = (
    MetricSpec("urban_plan_progress_ratio", "Achieved ÷ target for each plan target.", ("target",)),
    MetricSpec(
        "urban_plan_expected_progress_ratio",
        "Where a straight line from the period's start to the target stands today.",
        ("target",),
    ),
    MetricSpec("urban_assets", "Registered assets.", ("city", "kind", "status")),
    MetricSpec("urban_pipe_length_meters", "Pipe length.", ("city", "network", "status")),
    MetricSpec(
        "urban_pipe_must_renovate_length_meters",
        "Pipe length the national criteria require renovating, not yet renovated.",
        ("city", "network"),
    ),
    MetricSpec(
        "urban_pipe_risk_length_meters",
        "Length of pipe awaiting renovation by risk level.",
        ("city", "network", "level"),
    ),
    MetricSpec(
        "urban_renovations_started_in_plan",
        "Compounds, villages and blocks whose renovation started inside the plan period.",
        ("city", "kind"),
    ),
    MetricSpec(
        "urban_pipe_renovated_in_plan_meters",
        "Pipe length renovated inside the plan period.",
        ("city", "network"),
    ),
    MetricSpec(
        "urban_flood_control_compliance_ratio",
        "Compliant drainage-zone area ÷ all drainage-zone area.",
        ("city",),
    ),
    MetricSpec(
        "urban_city_last_change_timestamp_seconds",
        "Commit time of the newest change applied for the city.",
        ("city",),
    ),
)

# Rollup families whose key parts are exactly a metric's labels.
_DIRECT = {
    PIPE_LENGTH: "urban_pipe_length_meters",
    PIPE_MUST_RENOVATE: "urban_pipe_must_renovate_length_meters",
    PIPE_RISK: "urban_pipe_risk_length_meters",
    STARTED_IN_PLAN: "urban_renovations_started_in_plan",
    RENOVATED_IN_PLAN: "urban_pipe_renovated_in_plan_meters",
    ASSETS: "urban_assets",
}


class Sample(NamedTuple):
    name: str
    labels: tuple[str, ...]
    value: float


def metric_samples(
    plan: Plan,
    rollups: Rollups,
    cities: Cities,
    last_change: Mapping[str, float],
    as_of: date,
) -> Iterator[Sample]:
    """Every CONTRACT metric's samples; label values follow each MetricSpec's label order."""
    for progress in plan_progress(plan, rollups, cities, as_of):
        key = (progress.target.key,)
        yield Sample("urban_plan_progress_ratio", key, progress.progress_ratio)
        yield Sample("urban_plan_expected_progress_ratio", key, progress.expected_progress_ratio)
    yield from _direct_samples(rollups)
    yield from _drainage_zone_counts(plan, rollups, cities)
    for city, ratio in flood_compliance_by_city(plan.flood_control, rollups, cities).items():
        yield Sample("urban_flood_control_compliance_ratio", (city,), ratio)
    for city, seconds in sorted(last_change.items()):
        yield Sample("urban_city_last_change_timestamp_seconds", (city,), seconds)


def _direct_samples(rollups: Rollups) -> Iterator[Sample]:
    for key, value in sorted(rollups.items()):
        family, *labels = split_key(key)
        if family in _DIRECT:
            yield Sample(_DIRECT[family], tuple(labels), value)


def _drainage_zone_counts(plan: Plan, rollups: Rollups, cities: Cities) -> Iterator[Sample]:
    counts: dict[tuple[str, ...], float] = defaultdict(float)
    for key, value in rollups.items():
        family, *parts = split_key(key)
        if family == DRAINAGE_ZONES:
            city, required, assessed = parts[0], int(parts[1]), int(parts[2])
            compliant = zone_compliant(plan.flood_control, city, required, assessed, cities)
            counts[(city, DRAINAGE_ZONE, "compliant" if compliant else "non_compliant")] += value
    for labels, value in sorted(counts.items()):
        yield Sample("urban_assets", labels, value)
