"""GetPlanProgressHistory against a computation written independently, here, from the assets."""

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from services.common.auth import Principal, use_principal
from services.risk.app.reports import ProgressReports
from tests.integration.risk.conftest import CITIES, TODAY
from tests.integration.risk.pages import servicer_for
from tests.unit.risk.builders import (
    HANGZHOU,
    JIAXING,
    NINGBO,
    created,
    pipe,
    point,
    renovation,
    zone,
)
from urban.risk.v1 import risk_service_pb2 as pb

READER = Principal("hz", frozenset({f"assets.read:{HANGZHOU}"}))
POPULATION = {city.code: city.urban_population for city in CITIES}
REQUIRED = {HANGZHOU: 50, NINGBO: 30, JIAXING: 20}  # mega, large I, medium
PERIOD_START, PERIOD_END = date(2024, 1, 1), date(2028, 12, 31)
PIPE_NETWORKS = ("gas", "water_supply", "rainwater", "sewage", "combined")


def _day(rng: random.Random) -> date:
    """A day from mid-2023 to today, so that some fall before the period."""
    return date(2023, 7, 1) + timedelta(days=rng.randrange((TODAY - date(2023, 7, 1)).days + 1))


def _maybe(rng, day):
    return day if rng.random() < 0.9 else None


def _asset(rng: random.Random, number: int):
    city = rng.choice([HANGZHOU, NINGBO, JIAXING])
    kind = rng.choice(["old_compound", "urban_village", "old_block", "pipe", "zone", "point"])
    asset_id, created_on = f"a{number}", _day(rng)
    if kind == "pipe":
        facts = pipe(asset_id, city, network=rng.choice([*PIPE_NETWORKS, "heating"]),
                     status=rng.choice(["in_service", "renovated", "renovated", "retired"]),
                     renovation_completion_date=_maybe(rng, _day(rng)),
                     length_m=float(rng.randrange(10, 900)))  # fmt: skip
    elif kind == "zone":
        facts = replace(zone(asset_id, city, area=float(rng.randrange(1, 20)),
                             required=rng.choice([0, 0, 100]),
                             assessed=rng.choice([0, 20, 30, 50])),
                        assessment_date=_maybe(rng, _day(rng)))  # fmt: skip
    elif kind == "point":
        facts = replace(point(asset_id, city, rng.choice(["identified", "remediated", "closed"])),
                        identified_date=_maybe(rng, _day(rng)),
                        remediation_date=_maybe(rng, _day(rng)))  # fmt: skip
    else:
        start = _day(rng)
        end = min(start + timedelta(days=rng.randrange(200)), TODAY)  # nothing done in the future
        status = rng.choice(["planned", "started", "completed"])
        facts = renovation(kind, asset_id, city, status=status, start_date=_maybe(rng, start),
                           completion_date=_maybe(rng, end))  # fmt: skip
    return replace(facts, created_on=created_on)


def _completion(asset):
    return asset.completion_date


def _creation(asset):
    return asset.created_on


def _on(day, by):
    return day is not None and day <= by


def _expected(assets, by: date, city: str | None) -> dict[str, tuple[float, float]]:
    """(numerator, denominator) of every target on `by`, straight from the plan's wording."""
    mine = [a for a in assets if city is None or a.city == city]
    in_period = lambda day: day is not None and PERIOD_START <= day <= PERIOD_END  # noqa: E731
    started = sum(
        1 for a in mine if a.kind == "old_compound" and a.status in ("started", "completed")
        and in_period(a.start_date) and _on(a.start_date, by)
    )  # fmt: skip
    renovated = sum(
        a.length_m for a in mine if a.kind == "pipe_segment" and a.status == "renovated"
        and a.network in PIPE_NETWORKS and in_period(a.renovation_completion_date)
        and _on(a.renovation_completion_date, by)
    )  # fmt: skip

    def share(kind, minimum, done, since, counted_from):
        counted = [a for a in mine if a.kind == kind and POPULATION[a.city] >= minimum
                   and _on(counted_from(a), by)]  # fmt: skip
        achieved = [a for a in counted if a.status in done and _on(since(a) or counted_from(a), by)]
        return float(len(achieved)), float(len(counted))

    zones = [a for a in mine if a.kind == "drainage_zone"
             and _on(a.assessment_date or a.created_on, by)]  # fmt: skip
    compliant = sum(
        z.area_km2 for z in zones if z.assessed_return_period_years > 0
        and z.assessed_return_period_years >= (z.required_return_period_years or REQUIRED[z.city])
    )  # fmt: skip
    return {
        "old_compounds_started": (started, started),
        "pipes_renovated": (renovated, renovated),
        "urban_villages_completed": share(
            "urban_village", 1_000_000, ("completed",), _completion, _creation
        ),
        "old_blocks_completed": share(
            "old_block", 2_000_000, ("completed",), _completion, _creation
        ),
        "waterlogging_points_eliminated": share(
            "waterlogging_point", 0, ("remediated", "closed"), lambda a: a.remediation_date,
            lambda a: a.identified_date or a.created_on,
        ),
        "flood_control_compliance": (compliant, sum(z.area_km2 for z in zones)),
    }


def _month_ends():
    """The last day of every month from January 2024, up to and ending with today."""
    first = date(2024, 1, 1)
    while True:
        following = (first + timedelta(days=31)).replace(day=1)
        if following > TODAY:
            yield TODAY
            return
        yield following - timedelta(days=1)
        first = following


@pytest.fixture
def assets(read_model):
    rng = random.Random(20240101)
    made = [_asset(rng, n) for n in range(300)]
    read_model.updates.apply([created(i + 1, facts) for i, facts in enumerate(made)])
    return made


@pytest.mark.parametrize("city", [None, HANGZHOU, JIAXING])
def test_history_equals_an_independent_count_at_every_month_end(read_model, assets, city):
    servicer = servicer_for(read_model)
    request = pb.GetPlanProgressHistoryRequest(city=f"cities/{city}" if city else "")
    with use_principal(READER):
        history = servicer.GetPlanProgressHistory(request, None)
    days = [date(p.as_of.year, p.as_of.month, p.as_of.day) for p in history.targets[0].points]
    assert days == list(_month_ends())
    assert days[0] == date(2024, 1, 31) and days[-1] == TODAY
    for target in history.targets:
        for month, day in zip(target.points, days, strict=True):
            numerator, denominator = _expected(assets, day, city)[target.key]
            assert month.numerator == pytest.approx(numerator), (target.key, day)
            if target.unit == "ratio":
                assert month.denominator == pytest.approx(denominator), (target.key, day)
                share = numerator / denominator if denominator else 0
                assert month.achieved == pytest.approx(share)
            else:
                assert month.achieved == pytest.approx(numerator)
            assert month.progress_ratio == pytest.approx(month.achieved / target.target_value)


def test_the_last_point_is_today_and_equals_get_plan_progress(read_model, assets):
    servicer = servicer_for(read_model)
    with use_principal(READER):
        history = servicer.GetPlanProgressHistory(pb.GetPlanProgressHistoryRequest(), None)
        today = servicer.GetPlanProgress(pb.GetPlanProgressRequest(), None)
    for series, progress in zip(history.targets, today.targets, strict=True):
        last = series.points[-1]
        assert (series.key, last.achieved, last.expected) == (
            progress.key,
            pytest.approx(progress.achieved),
            pytest.approx(progress.expected),
        )
        assert last.schedule.status == progress.schedule.status


def test_history_is_computed_once_for_a_state_of_the_read_model_and_again_after_a_change(
    read_model, assets
):
    reports = ProgressReports(read_model.queries, clock=lambda: TODAY)
    groupings = []
    dated_view = read_model.queries.dated_view
    read_model.queries.dated_view = lambda buckets: groupings.append(buckets) or dated_view(buckets)
    first = reports.history(HANGZHOU)
    assert reports.history(HANGZHOU) is first  # kept
    reports.history(None)
    reports.history(NINGBO)
    assert len(groupings) == 1
    grown = [replace(city, urban_population=city.urban_population + 1) for city in CITIES]
    read_model.updates.set_cities(grown)
    assert reports.history(HANGZHOU) is not first  # computed again for the new reference data
    assert len(groupings) == 1  # from the months kept
    revision = read_model.updates.applied_revision()
    read_model.updates.apply([created(revision + 1, replace(
        renovation("old_compound", "late", HANGZHOU, status="started", start_date=TODAY),
        created_on=TODAY))])  # fmt: skip
    after = reports.history(HANGZHOU)
    assert len(groupings) == 2
    assert after.applied_revision == revision + 1
    started = [t for t in after.months[-1].targets if t.target.key == "old_compounds_started"]
    before = [t for t in first.months[-1].targets if t.target.key == "old_compounds_started"]
    assert started[0].achieved == before[0].achieved + 1
