"""Behind schedule or not: the province, a city's ratio, a city's allocation; and as of a day."""

from datetime import date

import pytest
import yaml

from services.risk.domain.dated import group_assets, rollups_at
from services.risk.domain.day_buckets import MonthEnds, OnOrBefore
from services.risk.domain.facts import CityFacts
from services.risk.domain.pipe_rules import load_pipe_rules
from services.risk.domain.plan import DEFAULT_PATH, load_plan, plan_from_dict
from services.risk.domain.progress import BEHIND, NOT_APPLICABLE, ON_TRACK, plan_progress
from services.risk.domain.rollups import total
from services.risk.domain.scoring import Scoring
from tests.unit.risk.builders import HANGZHOU, JIAXING, NINGBO, pipe, renovation

PLAN = load_plan()
CITIES = {
    HANGZHOU: CityFacts(HANGZHOU, 8_742_000),
    NINGBO: CityFacts(NINGBO, 3_609_000),
    JIAXING: CityFacts(JIAXING, 800_000),
}
HALF_WAY = date(2026, 7, 1)  # 913 of 1827 days


def _plan_with_allocation(**allocations):
    with open(DEFAULT_PATH, encoding="utf-8") as file:
        data = yaml.safe_load(file)
    data["targets"][0]["city_allocations"] = allocations
    return plan_from_dict(data)


def _progress(assets, plan=PLAN, as_of=HALF_WAY, city=None):
    scoring = Scoring(load_pipe_rules(), plan, 2026)
    rollups = total(scoring.contribution(facts) for facts in assets)
    return {p.target.key: p for p in plan_progress(plan, rollups, CITIES, as_of, city)}


def _started(asset_id, city=HANGZHOU):
    return renovation("old_compound", asset_id, city, status="started", start_date=date(2024, 5, 1))


def test_the_province_is_behind_by_the_gap_between_the_line_and_what_was_achieved():
    compounds = _progress([_started(f"c{n}") for n in range(558)])["old_compounds_started"]
    schedule = compounds.schedule
    assert schedule.status == BEHIND
    assert schedule.progress_ratio == pytest.approx(558 / 2000)
    assert schedule.expected_progress_ratio == pytest.approx(913 / 1827)
    assert schedule.shortfall == pytest.approx(913 / 1827 - 558 / 2000)
    ahead = _progress([_started(f"c{n}") for n in range(1000)], as_of=date(2025, 1, 1))
    assert ahead["old_compounds_started"].schedule.status == ON_TRACK
    assert ahead["old_compounds_started"].schedule.shortfall == 0


def test_a_city_without_an_allocation_has_no_schedule_of_its_own_for_counts():
    compounds = _progress([_started("c1")], city=HANGZHOU)["old_compounds_started"]
    assert (compounds.achieved, compounds.progress_ratio) == (1, 1 / 2000)
    assert compounds.schedule.status == NOT_APPLICABLE
    assert compounds.cities[0].schedule.status == NOT_APPLICABLE


def test_a_city_allocation_from_the_plan_file_gets_its_own_line():
    plan = _plan_with_allocation(**{HANGZHOU: 400})
    assets = [_started(f"c{n}") for n in range(300)] + [_started("n1", NINGBO)]
    province = _progress(assets, plan)["old_compounds_started"]
    by_city = {c.city: c.schedule for c in province.cities}
    assert by_city[HANGZHOU].status == ON_TRACK  # 300 of 400 against half-way
    assert by_city[HANGZHOU].basis == 400
    assert by_city[NINGBO].status == NOT_APPLICABLE
    hangzhou = _progress(assets, plan, date(2028, 12, 31), HANGZHOU)["old_compounds_started"]
    assert hangzhou.target.value == 2000 and hangzhou.schedule.status == BEHIND
    assert hangzhou.schedule.shortfall == pytest.approx(0.25)


def test_allocations_fit_only_count_and_length_targets():
    with open(DEFAULT_PATH, encoding="utf-8") as file:
        data = yaml.safe_load(file)
    data["targets"][1]["city_allocations"] = {HANGZHOU: 0.5}
    with pytest.raises(ValueError, match="city_allocations"):
        plan_from_dict(data)


def test_ratio_targets_judge_each_city_they_cover():
    villages = [
        renovation("urban_village", "h1", status="completed"),
        renovation("urban_village", "h2"),
        renovation("urban_village", "n1", NINGBO),
        renovation("urban_village", "j1", JIAXING, status="completed"),  # medium: not covered
    ]
    result = _progress(villages)["urban_villages_completed"]
    by_city = {c.city: c.schedule for c in result.cities}
    assert by_city == {HANGZHOU: by_city[HANGZHOU], NINGBO: by_city[NINGBO]}
    assert (by_city[HANGZHOU].status, by_city[NINGBO].status) == (ON_TRACK, BEHIND)
    jiaxing = _progress(villages, city=JIAXING)["urban_villages_completed"]
    assert jiaxing.schedule.status == NOT_APPLICABLE and jiaxing.denominator == 0


def test_month_ends_stop_at_today():
    points = MonthEnds(date(2024, 1, 1), date(2024, 3, 10)).points()
    assert [day for _, day in points] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 10)]
    assert MonthEnds(date(2024, 1, 1), date(2024, 3, 10)).bucket(date(2024, 3, 11)) > points[-1][0]


def test_dated_rollups_far_ahead_equal_the_live_ones():
    assets = [
        pipe("p1", status="renovated", renovation_completion_date=date(2025, 3, 1)),
        _started("c1"),
        renovation("urban_village", "v1", status="completed", completion_date=date(2025, 1, 1)),
    ]
    groups = group_assets(assets, PLAN, OnOrBefore(date(2030, 1, 1)))
    dated = plan_progress(PLAN, rollups_at(groups, 0), CITIES, HALF_WAY)
    live = _progress(assets)
    assert [(p.target.key, p.achieved) for p in dated] == [
        (key, p.achieved) for key, p in live.items()
    ]
