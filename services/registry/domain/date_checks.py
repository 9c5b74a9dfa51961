"""Rules on a spec's dates: real calendar dates, plausible years, order, dates a status needs."""

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


def is_set(date: Message) -> bool:
    """google.type.Date with every part zero means unset."""
    return bool(date.year or date.month or date.day)


def calendar_date(date: Message) -> datetime.date | None:
    """The date as datetime.date; None if it is partial or not a real calendar date."""
    try:
        return datetime.date(date.year, date.month, date.day)
    except ValueError:
        return None


def check_dates(kind: str, spec: Message, today: datetime.date) -> list[FieldViolation]:
    """Violations with paths relative to the spec (`start_date`); the caller prefixes the kind."""
    dates = {name: date for name, date in date_fields(spec) if is_set(date)}
    parsed = {name: calendar_date(date) for name, date in dates.items()}
    valid = {name: date for name, date in parsed.items() if date is not None}
    return [
        *_check_real(dates, valid),
        *_check_range(valid, today),
        *_check_order(valid),
        *_check_needed(kind, spec, dates),
    ]


def _check_real(dates: dict[str, Message], valid: dict) -> Iterator[FieldViolation]:
    for name, date in dates.items():
        if name not in valid:
            shown = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
            yield FieldViolation(name, f"{name} {shown} is not a complete, real calendar date")


def _check_range(valid: dict[str, datetime.date], today: datetime.date) -> Iterator[FieldViolation]:
    for name, date in valid.items():
        latest = years_after(today, YEARS_AHEAD.get(name, 1))
        if date < EARLIEST:
            yield FieldViolation(name, f"{name} {date} is before {EARLIEST}")
        elif date > latest:
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


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
