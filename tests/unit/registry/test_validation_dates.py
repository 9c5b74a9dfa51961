import datetime

import pytest
from google.type import date_pb2

from services.common.clock import today_in_zhejiang
from services.registry.domain.date_checks import years_after
from tests.builders import date, make_asset
from urban.registry.v1 import resources_pb2 as r

from .validating import TODAY, only_violation, violated_fields, violations

STARTED = r.RENOVATION_STATUS_STARTED
COMPLETED = r.RENOVATION_STATUS_COMPLETED
RENOVATION_KINDS = ("old_compound", "urban_village", "old_block")


def as_date(day: datetime.date) -> date_pb2.Date:
    return date(day.year, day.month, day.day)


def start_date_refusal(day: date_pb2.Date) -> str:
    return only_violation(make_asset("old_compound", start_date=day), "old_compound.start_date")


@pytest.mark.parametrize("day", [date(2024, 2, 29), date(2024, 12, 31), date(1900, 1, 1)])
def test_real_calendar_dates_are_valid(day):
    assert violations(make_asset("old_compound", start_date=day)) == []


@pytest.mark.parametrize(
    "day",
    [
        date(2023, 2, 29),
        date(2024, 2, 30),
        date(2024, 13, 1),
        date(2024, 4, 31),
        date(2024, 5, 0),
        date(0, 5, 1),
        date(2024, 0, 0),
    ],
)
def test_impossible_or_partial_dates_are_rejected(day):
    assert "not a complete, real calendar date" in start_date_refusal(day)


def test_an_all_zero_date_counts_as_unset():
    assert violations(make_asset("old_compound", start_date=date_pb2.Date())) == []
    asset = make_asset("old_compound", status=STARTED, start_date=date_pb2.Date())
    assert violated_fields(asset) == ["old_compound.start_date"]


def test_a_date_before_1900_is_rejected():
    assert "1899-12-31 is before 1900-01-01" in start_date_refusal(date(1899, 12, 31))


def test_a_date_exactly_a_year_ahead_is_valid_and_a_day_later_is_not():
    a_year_ahead = years_after(TODAY, 1)
    assert violations(make_asset("old_compound", start_date=as_date(a_year_ahead))) == []
    too_late = as_date(a_year_ahead + datetime.timedelta(days=1))
    assert "future" in start_date_refusal(too_late)


def test_a_deadline_may_lie_ten_years_ahead_but_no_further():
    ten_years_ahead = years_after(TODAY, 10)
    assert violations(make_asset("waterlogging_point", deadline=as_date(ten_years_ahead))) == []
    too_late = as_date(ten_years_ahead + datetime.timedelta(days=1))
    assert violated_fields(make_asset("waterlogging_point", deadline=too_late)) == [
        "waterlogging_point.deadline"
    ]


def test_an_assessment_dated_two_years_ahead_is_rejected():
    asset = make_asset("drainage_zone", assessment_date=date(TODAY.year + 2, 1, 1))
    assert violated_fields(asset) == ["drainage_zone.assessment_date"]


@pytest.mark.parametrize("kind", RENOVATION_KINDS)
def test_completion_on_the_start_day_is_valid(kind):
    asset = make_asset(
        kind, status=COMPLETED, start_date=date(2024, 3, 1), completion_date=date(2024, 3, 1)
    )
    assert violations(asset) == []


@pytest.mark.parametrize("kind", RENOVATION_KINDS)
def test_completion_before_start_is_rejected(kind):
    asset = make_asset(
        kind, status=COMPLETED, start_date=date(2024, 3, 1), completion_date=date(2024, 2, 29)
    )
    refusal = only_violation(asset, f"{kind}.completion_date")
    assert "2024-02-29 is before start_date 2024-03-01" in refusal


@pytest.mark.parametrize("kind", RENOVATION_KINDS)
def test_started_needs_a_start_date(kind):
    assert violations(make_asset(kind, status=STARTED, start_date=date(2024, 4, 1))) == []
    refusal = only_violation(make_asset(kind, status=STARTED), f"{kind}.start_date")
    assert refusal == "start_date is required when status is started"


@pytest.mark.parametrize("kind", RENOVATION_KINDS)
def test_completed_needs_a_completion_date(kind):
    assert violations(make_asset(kind, status=COMPLETED, completion_date=date(2024, 9, 1))) == []
    assert violated_fields(make_asset(kind, status=COMPLETED)) == [f"{kind}.completion_date"]


def test_renovated_pipe_needs_its_renovation_completion_date():
    renovated = r.PIPE_STATUS_RENOVATED
    done = date(2024, 10, 8)
    assert (
        violations(make_asset("pipe_segment", status=renovated, renovation_completion_date=done))
        == []
    )
    assert violated_fields(make_asset("pipe_segment", status=renovated)) == [
        "pipe_segment.renovation_completion_date"
    ]


@pytest.mark.parametrize("status", [r.WATERLOGGING_STATUS_REMEDIATED, r.WATERLOGGING_STATUS_CLOSED])
def test_remediated_or_closed_point_needs_a_remediation_date(status):
    done = date(2024, 9, 1)
    assert violations(make_asset("waterlogging_point", status=status, remediation_date=done)) == []
    assert violated_fields(make_asset("waterlogging_point", status=status)) == [
        "waterlogging_point.remediation_date"
    ]


def test_remediation_before_identification_is_rejected():
    asset = make_asset("waterlogging_point", remediation_date=date(2024, 6, 30))
    refusal = only_violation(asset, "waterlogging_point.remediation_date")
    assert "before identified_date 2024-07-01" in refusal


def test_remediation_on_the_identification_day_is_valid():
    assert violations(make_asset("waterlogging_point", remediation_date=date(2024, 7, 1))) == []


def test_statuses_without_a_date_rule_need_no_date():
    assert violations(make_asset("pipe_segment", status=r.PIPE_STATUS_UNDER_RENOVATION)) == []
    assert (
        violations(make_asset("waterlogging_point", status=r.WATERLOGGING_STATUS_REMEDIATING)) == []
    )


def test_an_impossible_date_is_not_also_reported_as_missing():
    asset = make_asset("old_compound", status=STARTED, start_date=date(2024, 2, 30))
    assert violated_fields(asset) == ["old_compound.start_date"]


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (datetime.date(2025, 6, 15), 1, datetime.date(2026, 6, 15)),
        (datetime.date(2024, 2, 29), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 2, 29), 4, datetime.date(2028, 2, 29)),
    ],
)
def test_years_after(day, years, expected):
    assert years_after(day, years) == expected


TOMORROW = as_date(TODAY + datetime.timedelta(days=1))
NEXT_MONTH = as_date(TODAY + datetime.timedelta(days=30))
TODAY_DATE = as_date(TODAY)
RENOVATED = r.PIPE_STATUS_RENOVATED


@pytest.mark.parametrize("kind", RENOVATION_KINDS)
@pytest.mark.parametrize("status", [STARTED, COMPLETED])
def test_works_that_started_cannot_start_tomorrow(kind, status):
    today = make_asset(kind, status=status, start_date=TODAY_DATE, completion_date=TODAY_DATE)
    assert violations(today) == []
    asset = make_asset(kind, status=status, start_date=TOMORROW, completion_date=NEXT_MONTH)
    future = [v for v in violations(asset) if v.field == f"{kind}.start_date"]
    assert [v.description for v in future] == [
        "start_date 2025-06-16 is the start date of works that have started, which "
        "records what happened and cannot be later than today, 2025-06-15 in China Standard Time"
    ]


@pytest.mark.parametrize("kind", RENOVATION_KINDS)
def test_a_completion_cannot_be_dated_tomorrow(kind):
    asset = make_asset(kind, status=COMPLETED, start_date=TODAY_DATE, completion_date=TOMORROW)
    refusal = only_violation(asset, f"{kind}.completion_date")
    assert "is a completion date, which records what happened" in refusal
    assert "cannot be later than today, 2025-06-15 in China Standard Time" in refusal


@pytest.mark.parametrize("kind", RENOVATION_KINDS)
def test_planned_works_and_the_expected_end_of_started_ones_may_lie_ahead(kind):
    planned = make_asset(kind, start_date=TOMORROW, completion_date=NEXT_MONTH)
    assert violations(planned) == []
    started = make_asset(kind, status=STARTED, start_date=TODAY_DATE, completion_date=NEXT_MONTH)
    assert violations(started) == []


def test_a_pipe_renovated_tomorrow_is_rejected_but_one_under_renovation_may_plan_it():
    renovated = make_asset("pipe_segment", status=RENOVATED, renovation_completion_date=TOMORROW)
    refusal = only_violation(renovated, "pipe_segment.renovation_completion_date")
    assert "the renovation date of a renovated pipe" in refusal
    assert (
        violations(
            make_asset("pipe_segment", status=RENOVATED, renovation_completion_date=TODAY_DATE)
        )
        == []
    )
    under_way = r.PIPE_STATUS_UNDER_RENOVATION
    planned = make_asset("pipe_segment", status=under_way, renovation_completion_date=TOMORROW)
    assert violations(planned) == []


@pytest.mark.parametrize(
    ("kind", "field", "what"),
    [
        ("drainage_zone", "assessment_date", "an assessment date"),
        ("waterlogging_point", "identified_date", "an identification date"),
        ("waterlogging_point", "remediation_date", "a remediation date"),
    ],
)
def test_assessments_identifications_and_remediations_cannot_be_dated_tomorrow(kind, field, what):
    assert violations(make_asset(kind, **{field: TODAY_DATE})) == []
    refusal = only_violation(make_asset(kind, **{field: TOMORROW}), f"{kind}.{field}")
    assert f"is {what}, which records what happened" in refusal


def test_a_deadline_and_a_plan_year_may_lie_ahead():
    assert violations(make_asset("waterlogging_point", deadline=NEXT_MONTH)) == []
    assert violations(make_asset("old_compound", plan_year=TODAY.year + 2)) == []


def test_a_happened_date_far_ahead_is_reported_once():
    far = date(TODAY.year + 3, 1, 1)
    assert violated_fields(make_asset("drainage_zone", assessment_date=far)) == [
        "drainage_zone.assessment_date"
    ]


def test_today_is_the_date_in_china_standard_time():
    """23:30 UTC is already the next morning in Hangzhou."""
    late_evening_utc = datetime.datetime(2025, 6, 15, 23, 30, tzinfo=datetime.UTC)
    assert today_in_zhejiang(lambda: late_evening_utc) == datetime.date(2025, 6, 16)
