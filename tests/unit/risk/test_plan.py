from dataclasses import replace
from datetime import date, timedelta

import pytest
import yaml

from services.risk.domain.facts import CityFacts, size_class_for
from services.risk.domain.plan import DEFAULT_PATH, Baseline, load_plan, plan_from_dict

PLAN = load_plan()
DAYS_IN_PERIOD = 1827  # 2024 and 2028 are leap years: 366 + 365 × 3 + 366


def target(key: str):
    return next(t for t in PLAN.targets if t.key == key)


def test_the_plan_file_holds_the_six_targets_and_the_period():
    assert PLAN.version == "zj-2024-2028-v1"
    assert (PLAN.period.start, PLAN.period.end) == (date(2024, 1, 1), date(2028, 12, 31))
    assert [(t.key, t.value, t.unit) for t in PLAN.targets] == [
        ("old_compounds_started", 2000, "compounds"),
        ("urban_villages_completed", 1.0, "ratio"),
        ("old_blocks_completed", 1.0, "ratio"),
        ("pipes_renovated", 5_000_000, "metres"),
        ("flood_control_compliance", 0.98, "ratio"),
        ("waterlogging_points_eliminated", 1.0, "ratio"),
    ]
    assert all(t.deadline == date(2028, 12, 31) for t in PLAN.targets)


def test_scopes_are_data():
    assert target("urban_villages_completed").scope.min_urban_population == 1_000_000
    assert target("old_blocks_completed").scope.min_urban_population == 2_000_000
    networks = target("pipes_renovated").scope.networks
    assert set(networks) == {"gas", "water_supply", "rainwater", "sewage", "combined"}
    assert target("waterlogging_points_eliminated").scope.statuses == ("remediated", "closed")
    assert PLAN.flood_control.area_weighted


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2023, 12, 31), False),
        (date(2024, 1, 1), True),
        (date(2028, 12, 31), True),
        (date(2029, 1, 1), False),
        (None, False),
    ],
)
def test_the_period_includes_both_ends(day, inside):
    assert (day in PLAN.period) is inside


@pytest.mark.parametrize(
    ("as_of", "days_elapsed"),
    [
        (date(2023, 12, 31), 0),
        (date(2024, 1, 1), 1),
        (date(2025, 12, 31), 731),
        (date(2028, 12, 30), DAYS_IN_PERIOD - 1),
        (date(2028, 12, 31), DAYS_IN_PERIOD),
        (date(2030, 6, 1), DAYS_IN_PERIOD),
    ],
)
def test_expected_progress_is_a_straight_line_to_the_end_of_the_deadline(as_of, days_elapsed):
    expected = target("old_compounds_started").expected(PLAN.period.start, as_of)
    assert expected == pytest.approx(2000 * days_elapsed / DAYS_IN_PERIOD)


def test_a_baseline_moves_the_start_of_the_line():
    with_baseline = replace(
        target("old_compounds_started"), baseline=Baseline(500.0, date(2024, 6, 30))
    )
    start = PLAN.period.start
    assert with_baseline.expected(start, date(2024, 1, 1)) == 500.0
    assert with_baseline.expected(start, date(2024, 6, 30)) == 500.0
    assert with_baseline.expected(start, date(2028, 12, 31)) == 2000.0
    # 1645 days from baseline to deadline; a fifth of them covers a fifth of the remaining 1500.
    assert with_baseline.expected(start, date(2024, 6, 30) + timedelta(days=329)) == 800.0


def test_a_baseline_can_be_configured_in_the_file():
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["targets"][0]["baseline"] = {"value": 358, "date": date(2024, 3, 31)}
    plan = plan_from_dict(data)
    assert plan.targets[0].baseline == Baseline(358.0, date(2024, 3, 31))


def test_unknown_counting_rules_and_weightings_are_refused():
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["targets"][0]["rule"] = "guesswork"
    with pytest.raises(ValueError, match="guesswork"):
        plan_from_dict(data)
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["flood_control"]["weighting"] = "population"
    with pytest.raises(ValueError, match="weighting"):
        plan_from_dict(data)


@pytest.mark.parametrize(
    ("population", "size_class", "default_years"),
    [
        (10_000_000, "super_large", 100),
        (9_999_999, "mega", 50),
        (5_000_000, "mega", 50),
        (3_000_000, "large_i", 30),
        (1_000_000, "large_ii", 30),
        (999_999, "medium", 20),
        (500_000, "medium", 20),
        (200_000, "small_i", 20),
        (0, "small_ii", 20),
    ],
)
def test_size_classes_and_their_default_return_periods(population, size_class, default_years):
    assert size_class_for(population) == size_class
    assert CityFacts("330100", population).size_class == size_class
    assert PLAN.flood_control.required_return_period(0, size_class) == default_years
    assert PLAN.flood_control.required_return_period(200, size_class) == 200
