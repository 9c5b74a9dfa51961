from datetime import date

import pytest

from services.risk.domain.pipe_rules import load_pipe_rules
from services.risk.domain.plan import load_plan
from services.risk.domain.rollups import contribution, delta, differences, total
from services.risk.domain.scoring import Scoring
from tests.unit.risk.builders import HANGZHOU, pipe, point, renovation, zone

SCORING = Scoring(load_pipe_rules(), load_plan(), 2025)


def counted(facts):
    return SCORING.contribution(facts)


def test_nothing_contributes_nothing():
    assert contribution(None, None, SCORING.plan) == {}


@pytest.mark.parametrize(
    ("start", "counts"),
    [
        (date(2023, 12, 31), False),
        (date(2024, 1, 1), True),
        (date(2028, 12, 31), True),
        (date(2029, 1, 1), False),
    ],
)
def test_a_compound_counts_as_started_in_the_plan_by_its_start_date(start, counts):
    facts = renovation("old_compound", "c1", status="started", start_date=start)
    expected = {f"assets|{HANGZHOU}|old_compound|started": 1.0}
    if counts:
        expected[f"started_in_plan|{HANGZHOU}|old_compound"] = 1.0
    assert counted(facts) == expected


def test_a_completed_block_that_started_in_the_period_still_counts_as_started():
    facts = renovation("old_block", "b1", status="completed", start_date=date(2024, 3, 1))
    assert counted(facts)[f"started_in_plan|{HANGZHOU}|old_block"] == 1.0


def test_a_planned_village_with_a_start_date_has_not_started():
    facts = renovation("urban_village", "v1", status="planned", start_date=date(2025, 3, 1))
    assert counted(facts) == {f"assets|{HANGZHOU}|urban_village|planned": 1.0}


@pytest.mark.parametrize(
    ("completed", "counts"),
    [(date(2023, 12, 31), False), (date(2024, 1, 1), True), (date(2028, 12, 31), True)],
)
def test_a_renovated_pipe_counts_in_the_plan_by_its_completion_date(completed, counts):
    facts = pipe(status="renovated", length_m=250.0, renovation_completion_date=completed)
    expected = {
        f"assets|{HANGZHOU}|pipe_segment|renovated": 1.0,
        f"pipe_length_m|{HANGZHOU}|gas|renovated": 250.0,
    }
    if counts:
        expected[f"pipe_renovated_in_plan_m|{HANGZHOU}|gas"] = 250.0
    assert counted(facts) == expected


def test_a_pipe_awaiting_renovation_adds_its_length_by_level_and_must_renovate():
    facts = pipe(material="gray_cast_iron", length_m=80.0, commissioned_year=1990)
    assert counted(facts) == {
        f"assets|{HANGZHOU}|pipe_segment|in_service": 1.0,
        f"pipe_length_m|{HANGZHOU}|gas|in_service": 80.0,
        f"pipe_risk_m|{HANGZHOU}|gas|major": 80.0,
        f"pipe_must_renovate_m|{HANGZHOU}|gas": 80.0,
    }


def test_a_drainage_zone_is_keyed_by_its_own_return_periods_not_its_citys():
    facts = zone("z1", area=2.5, required=0, assessed=30)
    assert counted(facts) == {
        f"drainage_zones|{HANGZHOU}|0|30": 1.0,
        f"drainage_area_km2|{HANGZHOU}|0|30": 2.5,
    }


def test_a_waterlogging_point_counts_by_status():
    assert counted(point("w1", status="closed")) == {
        f"assets|{HANGZHOU}|waterlogging_point|closed": 1.0
    }


def test_delta_is_after_minus_before_without_unmoved_keys():
    before = pipe(length_m=100.0)
    after = pipe(length_m=100.0, status="renovated", renovation_completion_date=date(2025, 1, 1))
    moved = delta(counted(before), counted(after))
    assert moved[f"pipe_length_m|{HANGZHOU}|gas|in_service"] == -100.0
    assert moved[f"pipe_renovated_in_plan_m|{HANGZHOU}|gas"] == 100.0
    assert delta(counted(before), counted(before)) == {}


def test_differences_ignore_rounding_and_treat_missing_keys_as_zero():
    stored = {"a": 1.0, "b": 0.0, "c": 3.0}
    assert differences(stored, {"a": 1.0 + 1e-12, "c": 3.0}) == []
    assert differences(stored, {"a": 2.0, "c": 3.0, "d": 1.0}) == [("a", 1.0, 2.0), ("d", 0.0, 1.0)]


def test_total_sums_contributions():
    assets = [pipe("p1", length_m=10.0), pipe("p2", length_m=5.0)]
    assert total(counted(a) for a in assets)[f"pipe_length_m|{HANGZHOU}|gas|in_service"] == 15.0
