"""Rules on a spec's dates: real calendar dates, plausible years, order, dates a status needs,
and dates that record what happened no later than today."""

import datetime
from collections.abc import Iterator

from google.protobuf.message import Message

from services.common.errors import FieldViolation
from services.registry.domain.fields import date_fields
from services.registry.domain.kinds import spec_status

EARLIEST = datetime.date(1900, 1, 1)
# Years ahead of today a date may lie; dates not listed may lie one year ahead.
YEARS_AHEAD = {"deadline": 10}
# (earlier, later): the later date must not precede the earlier one.
ORDERED_DATES = (("start_date", "completion_date"), ("identified_date", "remediation_date"))
# (kind, status) → the date that status needs.
DATES_NEEDED = {
    ("old_compound", "started"): "start_date",
    ("old_compound", "completed"): "completion_date",
    ("urban_village", "started"): "start_date",
    ("urban_village", "completed"): "completion_date",
    ("old_block", "started"): "start_date",
    ("old_block", "completed"): "completion_date",
    ("pipe_segment", "renovated"): "renovation_completion_date",
    ("waterlogging_point", "remediated"): "remediation_date",
    ("waterlogging_point", "closed"): "remediation_date",
}
_STARTED = frozenset({"started", "completed"})
_COMPLETED = frozenset({"completed"})
# (kind, date) → (the statuses in which the date records what happened, None meaning every
# status; what the date is). Such a date may not be later than today; in other statuses it is
# a plan and may lie ahead.
HAPPENED_DATES = {
    **{
        (kind, "start_date"): (_STARTED, "the start date of works that have started")
        for kind in ("old_compound", "urban_village", "old_block")
    },
    **{
        (kind, "completion_date"): (_COMPLETED, "a completion date")
        for kind in ("old_compound", "urban_village", "old_block")
    },
    ("pipe_segment", "renovation_completion_date"): (
        frozenset({"renovated"}),
        "the renovation date of a renovated pipe",
    ),
    ("drainage_zone", "assessment_date"): (None, "an assessment date"),
    ("waterlogging_point", "identified_date"): (None, "an identification date"),
    ("waterlogging_point", "remediation_date"): (None, "a remediation date"),
}
TIME_ZONE = "China Standard Time"


def is_set(date: Message) -> bool:
    """google.type.Date with every part zero means unset."""
    return bool(date.year or date.month or date.day)


def calendar_date(date: Message) -> datetime.date | None:
    """The date as datetime.date; None if it is partial or not a real calendar date."""
    return real_date(date.year, date.month, date.day)


def real_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def allowed(name: str, date: datetime.date, happened: bool, today: datetime.date) -> bool:
    """Whether the date `name` lies in its range (`happened`: it records what happened)."""
    return EARLIEST <= date <= latest_allowed(name, happened, today)


def latest_allowed(name: str, happened: bool, today: datetime.date) -> datetime.date:
    """The latest the date `name` may be: today when it records what happened, else the latest
    a planned date may be."""
    return today if happened else years_after(today, YEARS_AHEAD.get(name, 1))


def check_dates(kind: str, spec: Message, today: datetime.date) -> list[FieldViolation]:
    """Violations with paths relative to the spec (`start_date`); the caller prefixes the kind."""
    dates = {name: date for name, date in date_fields(spec) if is_set(date)}
    parsed = {name: calendar_date(date) for name, date in dates.items()}
    valid = {name: date for name, date in parsed.items() if date is not None}
    return [
        *_check_real(dates, valid),
        *_check_range(valid, dict(happened_dates(kind, spec_status(kind, spec))), today),
        *_check_order(valid),
        *_check_needed(kind, spec, dates),
    ]


def _check_real(dates: dict[str, Message], valid: dict) -> Iterator[FieldViolation]:
    for name, date in dates.items():
        if name not in valid:
            shown = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
            yield FieldViolation(name, f"{name} {shown} is not a complete, real calendar date")


def _check_range(
    valid: dict[str, datetime.date], happened: dict[str, str], today: datetime.date
) -> Iterator[FieldViolation]:
    """`happened`: the dates that record what happened (date → what it is)."""
    for name, date in valid.items():
        if allowed(name, date, name in happened, today):
            continue
        if date < EARLIEST:
            yield FieldViolation(name, f"{name} {date} is before {EARLIEST}")
        elif name in happened:
            yield FieldViolation(name, _in_the_future(name, date, happened[name], today))
        else:
            latest = latest_allowed(name, False, today)
            yield FieldViolation(name, f"{name} {date} is after {latest}, too far in the future")


def _check_order(valid: dict[str, datetime.date]) -> Iterator[FieldViolation]:
    for earlier, later in ORDERED_DATES:
        if earlier in valid and later in valid and valid[later] < valid[earlier]:
            yield FieldViolation(
                later, f"{later} {valid[later]} is before {earlier} {valid[earlier]}"
            )


def _check_needed(kind: str, spec: Message, dates: dict) -> Iterator[FieldViolation]:
    status = spec_status(kind, spec)
    needed = DATES_NEEDED.get((kind, status))
    if needed and needed not in dates:
        yield FieldViolation(needed, f"{needed} is required when status is {status}")


def happened_dates(kind: str, status: str | None) -> Iterator[tuple[str, str]]:
    """(date, what it is) of each date of a `kind` spec in `status` that records what happened."""
    for (happened_kind, name), (statuses, what) in HAPPENED_DATES.items():
        if happened_kind == kind and (statuses is None or status in statuses):
            yield name, what


def _in_the_future(name: str, date: datetime.date, what: str, today: datetime.date) -> str:
    return (
        f"{name} {date} is {what}, which records what happened and cannot be later than "
        f"today, {today} in {TIME_ZONE}"
    )


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
