from datetime import date

import pytest

from services.risk.domain.facts import CityFacts
from services.risk.domain.pipe_rules import load_pipe_rules
from services.risk.domain.plan import load_plan
from services.risk.domain.rollups import total
from services.risk.domain.samples import CONTRACT_METRICS, metric_samples
from services.risk.domain.scoring import Scoring
from tests.unit.risk.builders import HANGZHOU, JIAXING, pipe, renovation, zone

PLAN = load_plan()
SCORING = Scoring(load_pipe_rules(), PLAN, 2025)
CITIES = {HANGZHOU: CityFacts(HANGZHOU, 8_742_000), JIAXING: CityFacts(JIAXING, 800_000)}
ASSETS = [
    pipe("old", material="gray_cast_iron", length_m=120.0, commissioned_year=1990),
    pipe("new", network="water_supply", length_m=30.0, commissioned_year=2020),
    pipe("done", length_m=50.0, status="renovated", renovation_completion_date=date(2025, 2, 1)),
    renovation("old_compound", "c", status="started", start_date=date(2024, 5, 1)),
    zone("z1", HANGZHOU, area=3, assessed=50),
    zone("z2", HANGZHOU, area=1, assessed=20),
    zone("z3", JIAXING, area=4, assessed=20),
]


def samples(last_change=None):
    rollups = total(SCORING.contribution(facts) for facts in ASSETS)
    produced = metric_samples(PLAN, rollups, CITIES, last_change or {}, date(2025, 12, 31))
    return {(s.name, s.labels): s.value for s in produced}


def test_every_contract_metric_is_specified_with_its_labels():
    assert {spec.name: spec.labels for spec in CONTRACT_METRICS} == {
        "urban_plan_progress_ratio": ("target",),
        "urban_plan_expected_progress_ratio": ("target",),
        "urban_assets": ("city", "kind", "status"),
        "urban_pipe_length_meters": ("city", "network", "status"),
        "urban_pipe_must_renovate_length_meters": ("city", "network"),
        "urban_pipe_risk_length_meters": ("city", "network", "level"),
        "urban_renovations_started_in_plan": ("city", "kind"),
        "urban_pipe_renovated_in_plan_meters": ("city", "network"),
        "urban_flood_control_compliance_ratio": ("city",),
        "urban_city_last_change_timestamp_seconds": ("city",),
    }


def test_pipe_and_renovation_samples():
    found = samples()
    assert found[("urban_pipe_length_meters", (HANGZHOU, "gas", "in_service"))] == 120.0
    assert found[("urban_pipe_length_meters", (HANGZHOU, "gas", "renovated"))] == 50.0
    assert found[("urban_pipe_must_renovate_length_meters", (HANGZHOU, "gas"))] == 120.0
    assert found[("urban_pipe_risk_length_meters", (HANGZHOU, "gas", "major"))] == 120.0
    assert found[("urban_pipe_risk_length_meters", (HANGZHOU, "water_supply", "low"))] == 30.0
    assert found[("urban_pipe_renovated_in_plan_meters", (HANGZHOU, "gas"))] == 50.0
    assert found[("urban_renovations_started_in_plan", (HANGZHOU, "old_compound"))] == 1
    assert found[("urban_assets", (HANGZHOU, "pipe_segment", "in_service"))] == 2


def test_drainage_zones_are_counted_as_compliant_or_not_by_their_citys_class():
    found = samples()
    assert found[("urban_assets", (HANGZHOU, "drainage_zone", "compliant"))] == 1
    assert found[("urban_assets", (HANGZHOU, "drainage_zone", "non_compliant"))] == 1
    assert found[("urban_assets", (JIAXING, "drainage_zone", "compliant"))] == 1
    assert found[("urban_flood_control_compliance_ratio", (HANGZHOU,))] == 0.75
    assert found[("urban_flood_control_compliance_ratio", (JIAXING,))] == 1.0


def test_plan_ratios_and_last_change_times():
    found = samples({HANGZHOU: 1_750_000_000.0})
    assert found[("urban_plan_progress_ratio", ("old_compounds_started",))] == 1 / 2000
    assert found[("urban_plan_progress_ratio", ("pipes_renovated",))] == 50 / 5_000_000
    assert found[("urban_plan_expected_progress_ratio", ("pipes_renovated",))] == pytest.approx(
        731 / 1827
    )
    assert found[("urban_city_last_change_timestamp_seconds", (HANGZHOU,))] == 1_750_000_000.0


def test_label_values_never_name_an_asset():
    for _, labels in samples():
        assert not any("/" in value for value in labels)
