"""Plan progress as of a past day, from the assets' own dates, on both databases."""

from dataclasses import replace
from datetime import date

import pytest
from google.type.date_pb2 import Date

from services.common.auth import Principal, use_principal
from services.common.errors import NotFound
from services.risk.app.reports import ProgressReports
from tests.integration.risk.conftest import TODAY
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

HANGZHOU_READER = Principal("hz", frozenset({f"assets.read:{HANGZHOU}"}))
REGISTERED = date(2024, 1, 15)


def _on(facts, created_on=REGISTERED, **fields):
    return replace(facts, created_on=created_on, **fields)


ASSETS = [
    # Old compounds: counted from their start dates, whenever they were registered.
    _on(renovation("old_compound", "c1", status="started", start_date=date(2024, 3, 1))),
    _on(
        renovation(
            "old_compound",
            "c2",
            status="completed",
            start_date=date(2024, 5, 1),
            completion_date=date(2025, 1, 10),
        ),
        created_on=date(2025, 2, 1),
    ),
    _on(renovation("old_compound", "c3", NINGBO, status="started", start_date=date(2025, 2, 1))),
    # Pipe renovated on 2025-03-15.
    _on(pipe("p1", status="renovated", renovation_completion_date=date(2025, 3, 15), length_m=500)),
    _on(pipe("p2", NINGBO, network="sewage", status="renovated",
             renovation_completion_date=date(2024, 7, 1), length_m=200)),  # fmt: skip
    # Urban villages: completed from the completion date, counted from their creation.
    _on(
        renovation("urban_village", "v1", status="completed", completion_date=date(2024, 9, 1)),
        created_on=date(2024, 2, 1),
    ),
    _on(renovation("urban_village", "v2", status="planned"), created_on=date(2024, 10, 1)),
    # Waterlogging points: counted from identification, eliminated from remediation.
    _on(
        replace(
            point("w1", status="remediated"),
            identified_date=date(2024, 6, 1),
            remediation_date=date(2024, 8, 1),
        )
    ),
    _on(replace(point("w2", NINGBO), identified_date=date(2025, 1, 1))),
    # Drainage zones: counted from their assessment (Hangzhou, mega, needs 50 years).
    _on(replace(zone("z1", area=10, assessed=50), assessment_date=date(2024, 4, 1))),
    _on(replace(zone("z2", area=30, assessed=30), assessment_date=date(2025, 4, 1))),
    _on(zone("z3", JIAXING, area=5, assessed=0)),  # never assessed: from its creation
]


@pytest.fixture
def reports(read_model) -> ProgressReports:
    read_model.updates.apply([created(i + 1, facts) for i, facts in enumerate(ASSETS)])
    return ProgressReports(read_model.queries, lambda: TODAY)


def _targets(reports, day, city=None):
    return {t.target.key: t for t in reports.progress(city, day).targets}


def _figures(progress):
    return progress.numerator, progress.denominator


def test_a_start_or_completion_after_the_day_does_not_count_yet(reports):
    assert _targets(reports, date(2024, 2, 29))["old_compounds_started"].achieved == 0
    assert _targets(reports, date(2024, 3, 1))["old_compounds_started"].achieved == 1
    # c2 was registered in 2025 but started in May 2024: its own date counts.
    assert _targets(reports, date(2024, 5, 1))["old_compounds_started"].achieved == 2
    assert _targets(reports, date(2025, 2, 1))["old_compounds_started"].achieved == 3
    assert _targets(reports, date(2024, 6, 30))["pipes_renovated"].achieved == 0
    assert _targets(reports, date(2025, 3, 14))["pipes_renovated"].achieved == 200
    assert _targets(reports, date(2025, 3, 15))["pipes_renovated"].achieved == 700


def test_ratio_denominators_count_what_existed_by_the_day(reports):
    villages = [
        _figures(_targets(reports, day)["urban_villages_completed"])
        for day in (date(2024, 1, 31), date(2024, 8, 31), date(2024, 9, 30), date(2024, 10, 31))
    ]
    assert villages == [(0, 0), (0, 1), (1, 1), (1, 2)]
    points = [
        _figures(_targets(reports, day)["waterlogging_points_eliminated"])
        for day in (date(2024, 5, 31), date(2024, 7, 1), date(2024, 12, 31), date(2025, 1, 31))
    ]
    assert points == [(0, 0), (0, 1), (1, 1), (1, 2)]
    zones = [
        _figures(_targets(reports, day)["flood_control_compliance"])
        for day in (date(2024, 1, 1), date(2024, 4, 1), date(2025, 3, 31), date(2025, 4, 1))
    ]
    assert zones == [(0, 0), (10, 15), (10, 15), (10, 45)]


def test_as_of_per_city(reports):
    ningbo = _targets(reports, date(2025, 2, 28), NINGBO)
    assert ningbo["old_compounds_started"].achieved == 1
    assert ningbo["pipes_renovated"].achieved == 200
    assert _figures(ningbo["waterlogging_points_eliminated"]) == (0, 1)
    assert [c.city for c in ningbo["pipes_renovated"].cities] == [NINGBO]
    hangzhou = _targets(reports, date(2024, 12, 31), HANGZHOU)
    assert hangzhou["old_compounds_started"].achieved == 2
    assert hangzhou["old_compounds_started"].progress_ratio == 2 / 2000
    assert hangzhou["old_compounds_started"].target.value == 2000
    assert _figures(hangzhou["flood_control_compliance"]) == (10, 10)


def test_today_as_of_equals_the_live_figures(reports):
    live = {t.target.key: t for t in reports.progress().targets}
    dated = _targets(reports, TODAY)
    assert {k: (p.achieved, _figures(p)) for k, p in live.items()} == {
        k: (p.achieved, _figures(p)) for k, p in dated.items()
    }
    assert {k: p.cities for k, p in live.items()} == {k: p.cities for k, p in dated.items()}


def test_through_the_api_for_a_city_token(read_model):
    read_model.updates.apply([created(i + 1, facts) for i, facts in enumerate(ASSETS)])
    servicer = servicer_for(read_model)
    request = pb.GetPlanProgressRequest(
        as_of=Date(year=2025, month=2, day=28), city=f"cities/{NINGBO}"
    )
    with use_principal(HANGZHOU_READER):
        progress = servicer.GetPlanProgress(request, None)
        with pytest.raises(NotFound) as unknown:
            servicer.GetPlanProgress(pb.GetPlanProgressRequest(city="cities/999999"), None)
    pipes = {t.key: t for t in progress.targets}["pipes_renovated"]
    assert (pipes.achieved, pipes.target_value, pipes.progress_ratio) == (200, 5e6, 200 / 5e6)
    assert [c.city for c in pipes.cities] == [f"cities/{NINGBO}"]
    assert pipes.schedule.status == pb.SCHEDULE_STATUS_NOT_APPLICABLE
    assert unknown.value.metadata["field"] == "city"
