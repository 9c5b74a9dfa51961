"""Plan progress from rollups and city data, on hand-computed cases."""

from dataclasses import replace
from datetime import date

import pytest

from services.risk.domain.facts import CityFacts
from services.risk.domain.pipe_rules import load_pipe_rules
from services.risk.domain.plan import FloodControl, load_plan
from services.risk.domain.progress import plan_progress
from services.risk.domain.rollups import total
from services.risk.domain.scoring import Scoring
from tests.unit.risk.builders import HANGZHOU, JIAXING, NINGBO, pipe, point, renovation, zone

PLAN = load_plan()
SCORING = Scoring(load_pipe_rules(), PLAN, 2025)
AS_OF = date(2025, 12, 31)  # 731 of 1827 days
CITIES = {
    HANGZHOU: CityFacts(HANGZHOU, 8_742_000),
    NINGBO: CityFacts(NINGBO, 2_000_000),
    JIAXING: CityFacts(JIAXING, 1_000_000),
}


def progress_of(assets, cities=CITIES, plan=PLAN):
    rollups = total(SCORING.contribution(facts) for facts in assets)
    return {p.target.key: p for p in plan_progress(plan, rollups, cities, AS_OF)}


def test_old_compounds_started_counts_starts_inside_the_period_over_2000():
    assets = [
        renovation("old_compound", "a", status="started", start_date=date(2024, 1, 1)),
        renovation("old_compound", "b", status="completed", start_date=date(2028, 12, 31)),
        renovation("old_compound", "c", NINGBO, status="started", start_date=date(2025, 5, 1)),
        renovation("old_compound", "d", status="started", start_date=date(2023, 12, 31)),
        renovation("old_compound", "e", status="planned", start_date=date(2025, 5, 1)),
        renovation("old_block", "f", status="started", start_date=date(2025, 5, 1)),
    ]
    result = progress_of(assets)["old_compounds_started"]
    assert (result.achieved, result.progress_ratio) == (3, 3 / 2000)
    assert result.expected == pytest.approx(2000 * 731 / 1827)
    assert result.expected_progress_ratio == pytest.approx(731 / 1827)
    assert [(c.city, c.achieved, c.numerator, c.denominator) for c in result.cities] == [
        (HANGZHOU, 2, 2, 0),
        (NINGBO, 1, 1, 0),
    ]
    assert {c.schedule.status for c in result.cities} == {"not_applicable"}


def test_pipes_renovated_counts_metres_of_the_five_networks_over_five_million():
    done = dict(status="renovated", renovation_completion_date=date(2026, 1, 1))
    assets = [
        pipe("gas", network="gas", length_m=1200.0, **done),
        pipe("sewer", network="combined", length_m=800.0, **done),
        pipe("heat", network="heating", length_m=500.0, **done),
        pipe(
            "early",
            network="water_supply",
            length_m=700.0,
            status="renovated",
            renovation_completion_date=date(2023, 12, 31),
        ),
        pipe("open", network="rainwater", length_m=900.0),
    ]
    result = progress_of(assets)["pipes_renovated"]
    assert result.achieved == 2000.0
    assert result.progress_ratio == 2000.0 / 5_000_000


def test_urban_villages_count_in_cities_of_at_least_one_million():
    assets = [
        renovation("urban_village", "a", HANGZHOU, status="completed"),
        renovation("urban_village", "b", HANGZHOU, status="started"),
        renovation("urban_village", "c", JIAXING, status="completed"),  # exactly 1,000,000
        renovation("urban_village", "d", "330500", status="planned"),  # no population known
    ]
    result = progress_of(assets)["urban_villages_completed"]
    assert (result.numerator, result.denominator) == (2, 3)
    assert result.achieved == pytest.approx(2 / 3)
    assert [(c.city, c.achieved) for c in result.cities] == [(HANGZHOU, 0.5), (JIAXING, 1.0)]


def test_a_corrected_population_moves_a_city_out_of_scope():
    assets = [renovation("urban_village", "c", JIAXING, status="completed")]
    corrected = CITIES | {JIAXING: CityFacts(JIAXING, 999_999)}
    assert progress_of(assets)["urban_villages_completed"].denominator == 1
    assert progress_of(assets, corrected)["urban_villages_completed"].denominator == 0


def test_old_blocks_count_in_cities_of_at_least_two_million():
    assets = [
        renovation("old_block", "a", NINGBO, status="completed"),  # exactly 2,000,000
        renovation("old_block", "b", HANGZHOU, status="planned"),
        renovation("old_block", "c", JIAXING, status="completed"),
    ]
    result = progress_of(assets)["old_blocks_completed"]
    assert (result.numerator, result.denominator, result.achieved) == (1, 2, 0.5)


def test_flood_control_compliance_by_area_with_each_citys_default_return_period():
    assets = [
        zone("a", HANGZHOU, area=10, assessed=50),  # mega: needs 50, compliant
        zone("b", HANGZHOU, area=30, assessed=30),  # needs 50
        zone("c", HANGZHOU, area=5, required=100, assessed=50),  # a stricter own requirement
        zone("d", JIAXING, area=5, assessed=30),  # large II: needs 30, compliant
        zone("e", JIAXING, area=2, assessed=0),  # not assessed
    ]
    result = progress_of(assets)["flood_control_compliance"]
    assert (result.numerator, result.denominator) == (15, 52)
    assert result.achieved == pytest.approx(15 / 52)
    assert result.progress_ratio == pytest.approx(15 / 52 / 0.98)
    hangzhou = result.cities[0]
    assert (hangzhou.city, hangzhou.numerator, hangzhou.denominator) == (HANGZHOU, 10, 45)
    assert hangzhou.achieved == pytest.approx(10 / 45)
    super_large = CITIES | {HANGZHOU: CityFacts(HANGZHOU, 10_000_000)}
    assert progress_of(assets, super_large)["flood_control_compliance"].numerator == 5


def test_flood_control_compliance_can_count_zones_instead():
    plan = replace(PLAN, flood_control=replace(PLAN.flood_control, area_weighted=False))
    assert isinstance(plan.flood_control, FloodControl)
    assets = [zone("a", area=10, assessed=50), zone("b", area=30, assessed=30)]
    result = progress_of(assets, plan=plan)["flood_control_compliance"]
    assert (result.numerator, result.denominator, result.achieved) == (1, 2, 0.5)


def test_waterlogging_points_eliminated_are_remediated_or_closed_over_all():
    statuses = ["identified", "remediating", "remediated", "closed"]
    assets = [point(f"w{i}", status=status) for i, status in enumerate(statuses)]
    assert progress_of(assets)["waterlogging_points_eliminated"].achieved == 0.5


def test_with_nothing_registered_every_target_is_at_zero():
    results = progress_of([])
    assert len(results) == 6
    assert all(
        r.achieved == 0 and r.progress_ratio == 0 and r.cities == () for r in results.values()
    )
    assert results["flood_control_compliance"].expected == pytest.approx(0.98 * 731 / 1827)
