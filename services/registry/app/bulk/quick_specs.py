"""The rules of spec_checks and date_checks, applied to a column of specs of one kind at once.

`specs_pass` answers True only when every spec passes; anything it cannot vouch for is False,
and the caller then runs the exact per-asset validation for the violations.
"""

import datetime
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter, methodcaller

from google.protobuf.descriptor import FieldDescriptor

from services.common.enums import enum_label
from services.registry.domain import date_checks
from services.registry.domain.kinds import STATUS_ENUMS
from services.registry.domain.spec_checks import REQUIRED_ENUMS, Limit, limits
from services.registry.domain.text_checks import MAX_LENGTHS, NUL
from urban.registry.v1 import resources_pb2

UNSET_DATE = (0, 0, 0)
_FLOATS = (FieldDescriptor.CPPTYPE_DOUBLE, FieldDescriptor.CPPTYPE_FLOAT)
_NUMBERS = (
    *_FLOATS,
    FieldDescriptor.CPPTYPE_INT32,
    FieldDescriptor.CPPTYPE_INT64,
    FieldDescriptor.CPPTYPE_UINT32,
    FieldDescriptor.CPPTYPE_UINT64,
    FieldDescriptor.CPPTYPE_BOOL,
)
_SPECS = {
    f.name: f.message_type for f in resources_pb2.Asset.DESCRIPTOR.oneofs_by_name["spec"].fields
}


@dataclass(frozen=True)
class SpecRules:
    enums: tuple[tuple[str, frozenset[int], bool], ...]  # (field, defined values, required)
    floats: tuple[str, ...]
    limits: tuple[Limit, ...]
    dates: tuple[str, ...]
    strings: tuple[tuple[str, int | None], ...]  # (field, maximum length)
    needed_dates: tuple[tuple[int, str], ...]  # (status number, date that status needs)
    # (status numbers, None meaning every status; a date that records what happened in them)
    happened_dates: tuple[tuple[frozenset[int] | None, str], ...]
    understood: bool  # False when the spec has fields these rules do not know how to check


@functools.lru_cache(maxsize=64)
def rules_for(kind: str, today: datetime.date) -> SpecRules:
    fields = _SPECS[kind].fields
    return SpecRules(
        enums=tuple(_enum_rule(kind, f) for f in fields if f.enum_type is not None),
        floats=tuple(f.name for f in fields if f.cpp_type in _FLOATS),
        limits=limits(kind, today),
        dates=tuple(f.name for f in fields if _is_date(f)),
        strings=tuple(
            (f.name, MAX_LENGTHS.get(f"{kind}.{f.name}"))
            for f in fields
            if f.type == FieldDescriptor.TYPE_STRING
        ),
        needed_dates=_needed_dates(kind),
        happened_dates=_happened_dates(kind),
        understood=all(_understood(f) for f in fields),
    )


def specs_pass(kind: str, specs: Sequence, today: datetime.date) -> bool:
    rules = rules_for(kind, today)
    if not rules.understood:
        return False
    columns = _Columns(specs)
    return (
        all(
            _enum_passes(columns[name], defined, required)
            for name, defined, required in rules.enums
        )
        and all(all(map(math.isfinite, columns[name])) for name in rules.floats)
        and all(_limit_passes(columns[limit.field], limit) for limit in rules.limits)
        and all(_strings_pass(columns[name], longest) for name, longest in rules.strings)
        and _dates_pass(kind, rules, columns, today)
    )


class _Columns(dict):
    """Field name → the values of that field, read on first use."""

    def __init__(self, specs: Sequence):
        super().__init__()
        self._specs = specs

    def __missing__(self, name: str) -> list:
        self[name] = column = list(map(attrgetter(name), self._specs))
        return column

    def dates(self, name: str) -> list[tuple[int, int, int]]:
        """(year, month, day) of each spec's `name` date; UNSET_DATE where it is not set."""
        key = f"{name}/ymd"
        if key not in self:
            present = list(map(methodcaller("HasField", name), self._specs))
            dates = [UNSET_DATE] * len(present)
            for position in compress(range(len(present)), present):
                date = getattr(self._specs[position], name)
                dates[position] = (date.year, date.month, date.day)
            self[key] = dates
        return self[key]


def _enum_passes(values: list[int], defined: frozenset[int], required: bool) -> bool:
    present = set(values)
    return present <= defined and not (required and 0 in present)


def _limit_passes(values: list, limit: Limit) -> bool:
    if limit.required and 0 in values:
        return False
    checked = list(filter(None, values)) if limit.optional else values
    if not checked:
        return True
    lowest, highest = min(checked), max(checked)
    above = lowest > limit.minimum if limit.exclusive_minimum else lowest >= limit.minimum
    return above and highest <= limit.maximum


def _strings_pass(values: list[str], longest: int | None) -> bool:
    within = longest is None or max(map(len, values), default=0) <= longest
    return within and NUL not in "".join(values)


def _dates_pass(kind: str, rules: SpecRules, columns: _Columns, today: datetime.date) -> bool:
    if not all(_real_and_in_range(name, set(columns.dates(name)), today) for name in rules.dates):
        return False
    ordered = (pair for pair in date_checks.ORDERED_DATES if set(pair) <= set(rules.dates))
    if not all(_in_order(columns.dates(first), columns.dates(then)) for first, then in ordered):
        return False
    if not all(
        UNSET_DATE not in _dates_with_status(columns, status, date)
        for status, date in rules.needed_dates
    ):
        return False
    latest = (today.year, today.month, today.day)
    return all(
        max(_happened(columns, statuses, date), default=UNSET_DATE) <= latest
        for statuses, date in rules.happened_dates
    )


def _real_and_in_range(name: str, distinct: set, today: datetime.date) -> bool:
    distinct.discard(UNSET_DATE)
    latest = date_checks.years_after(today, date_checks.YEARS_AHEAD.get(name, 1))
    for year, month, day in distinct:
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            return False
        if not date_checks.EARLIEST <= date <= latest:
            return False
    return True


def _in_order(firsts: list, thens: list) -> bool:
    """Real dates compare as (year, month, day) tuples do; an unset one is not compared."""
    return not any(
        then < first
        for first, then in zip(firsts, thens, strict=True)
        if first != UNSET_DATE and then != UNSET_DATE
    )


def _dates_with_status(columns: _Columns, status: int, date: str) -> set:
    pairs = zip(columns["status"], columns.dates(date), strict=True)
    return {ymd for value, ymd in pairs if value == status}


def _happened(columns: _Columns, statuses: frozenset[int] | None, date: str) -> list:
    """The `date` of every spec whose status is among `statuses` (None: of every spec)."""
    if statuses is None:
        return columns.dates(date)
    pairs = zip(columns["status"], columns.dates(date), strict=True)
    return [ymd for value, ymd in pairs if value in statuses]


def _enum_rule(kind: str, field: FieldDescriptor) -> tuple[str, frozenset[int], bool]:
    defined = frozenset(value.number for value in field.enum_type.values) | {0}
    return field.name, defined, field.name in REQUIRED_ENUMS.get(kind, ())


def _needed_dates(kind: str) -> tuple[tuple[int, str], ...]:
    numbers = _status_numbers(kind)
    return tuple(
        (numbers[status], date)
        for (needing_kind, status), date in date_checks.DATES_NEEDED.items()
        if needing_kind == kind and status in numbers
    )


def _happened_dates(kind: str) -> tuple[tuple[frozenset[int] | None, str], ...]:
    numbers = _status_numbers(kind)
    return tuple(
        (None if statuses is None else frozenset(numbers[status] for status in statuses), date)
        for (happened_kind, date), (statuses, _) in date_checks.HAPPENED_DATES.items()
        if happened_kind == kind
    )


def _status_numbers(kind: str) -> dict[str, int]:
    enum = STATUS_ENUMS.get(kind)
    if enum is None:
        return {}
    return {enum_label(enum, value.number): value.number for value in enum.values}


def _is_date(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.full_name == "google.type.Date"


def _understood(field: FieldDescriptor) -> bool:
    if field.is_repeated:
        return False
    scalar = field.message_type is None and (
        field.enum_type is not None or field.cpp_type in _NUMBERS
    )
    return scalar or _is_date(field) or field.type == FieldDescriptor.TYPE_STRING
