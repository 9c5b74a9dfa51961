"""Rollups by district: what an asset adds to its district, and a city read back by district."""

from dataclasses import replace

import pytest

from services.risk.domain.district_rollups import district_breakdown, district_contribution
from services.risk.domain.facts import CityFacts
from services.risk.domain.pipe_rules import load_pipe_rules
from services.risk.domain.plan import load_plan
from services.risk.domain.rollups import total
from services.risk.domain.scoring import Scoring
from tests.unit.risk.builders import HANGZHOU, pipe, point, renovation, zone

SCORING = Scoring(load_pipe_rules(), load_plan(), 2025)
CITIES = {HANGZHOU: CityFacts(HANGZHOU, 8_742_000)}  # mega: zones need 50 years
XIHU, YUHANG = "330106", "330110"


def in_district(facts, district):
    return replace(facts, district=district)


def contribution(facts):
    return district_contribution(facts, SCORING.contribution(facts))


def test_a_pipe_adds_its_count_length_and_must_renovate_length_to_its_district():
    main = pipe(material="gray_cast_iron", commissioned_year=1988, length_m=120.0)
    main = in_district(main, XIHU)
    assert contribution(main) == {
        f"assets|{HANGZHOU}|{XIHU}|pipe_segment|in_service": 1.0,
        f"pipe_length_m|{HANGZHOU}|{XIHU}|gas|in_service": 120.0,
        f"pipe_must_renovate_m|{HANGZHOU}|{XIHU}|gas": 120.0,
    }


def test_what_only_the_city_counts_stays_out_and_no_district_counts_under_empty():
    started = renovation("old_compound", "c1", status="started", start_date=None)
    assert contribution(started) == {f"assets|{HANGZHOU}||old_compound|started": 1.0}
    assert contribution(None) == {}


def test_a_city_read_back_lists_its_districts_in_order_then_others_then_none():
    assets = [
        in_district(pipe("p1", length_m=10.0), YUHANG),
        in_district(point("w1", status="remediated"), "330199"),  # no longer a district
        pipe("p2", length_m=5.0),
        in_district(zone("z1", assessed=50), XIHU),
        in_district(zone("z2", assessed=20), XIHU),
    ]
    rollups = total(contribution(facts) for facts in assets)
    rows = district_breakdown(rollups, HANGZHOU, [XIHU, YUHANG], load_plan().flood_control, CITIES)
    assert [row.code for row in rows] == [XIHU, YUHANG, "330199", ""]
    xihu, yuhang, abolished, without = rows
    assert xihu.assets == {("drainage_zone", "compliant"): 1, ("drainage_zone", "non_compliant"): 1}
    assert yuhang.pipe_length_m == {("gas", "in_service"): 10.0} and yuhang.pipe_total_m == 10.0
    assert abolished.count("waterlogging_point") == 1
    assert without.pipe_total_m == 5.0 and without.must_renovate_total_m == 0.0


def test_figures_that_went_back_to_nothing_are_not_counted():
    rows = district_breakdown(
        {f"pipe_length_m|{HANGZHOU}|330102|gas|in_service": 1e-12},
        HANGZHOU, [XIHU], load_plan().flood_control, CITIES,
    )  # fmt: skip
    assert [row.code for row in rows] == [XIHU]
    assert rows[0].pipe_total_m == pytest.approx(0.0)
