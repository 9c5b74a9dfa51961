"""The rules of spec_checks, text_checks and date_checks, applied to a column of specs of one
kind at once: each rule's own predicate, applied to what settles the column (its distinct
values, its extremes, its longest or concatenated text).

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
from services.registry.domain.spec_checks import SPEC_TYPES, EnumRule, Limit, enum_rules, limits
from services.registry.domain.text_checks import has_nul, too_long

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


@dataclass(frozen=True)
class SpecRules:
    enums: tuple[EnumRule, ...]
    floats: tuple[str, ...]
    limits: tuple[Limit, ...]
    dates: tuple[str, ...]
    strings: tuple[tuple[str, str], ...]  # (field, its path for text_checks)
    needed_dates: tuple[tuple[int, str], ...]  # (status number, date that status needs)
    # (status numbers, None meaning every status; a date that records what happened in them)
    happened_dates: tuple[tuple[frozenset[int] | None, str], ...]
    understood: bool  # False when the spec has fields these rules do not know how to check


@functools.lru_cache(maxsize=64)
def rules_for(kind: str, today: datetime.date) -> SpecRules:
    fields = SPEC_TYPES[kind].fields
    return SpecRules(
        enums=enum_rules(kind),
        floats=tuple(f.name for f in fields if f.cpp_type in _FLOATS),
        limits=limits(kind, today),
        dates=tuple(f.name for f in fields if _is_date(f)),
        strings=tuple(
            (f.name, f"{kind}.{f.name}") for f in fields if f.type == FieldDescriptor.TYPE_STRING
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
        all(rule.accepts_all(columns[rule.field.name]) for rule in rules.enums)
        and all(all(map(math.isfinite, columns[name])) for name in rules.floats)
        and all(limit.accepts_all(columns[limit.field]) for limit in rules.limits)
        and all(strings_pass(path, columns[name]) for name, path in rules.strings)
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


def strings_pass(path: str, values: list[str]) -> bool:
    """No string too long (the longest settles it) and no NUL (their concatenation tells)."""
    return not values or not (too_long(path, max(values, key=len)) or has_nul("".join(values)))


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
    return all(
        _no_later_than(date_checks.latest_allowed(date, True, today), happened)
        for statuses, date in rules.happened_dates
        for happened in [_happened(columns, statuses, date)]
    )


def _real_and_in_range(name: str, distinct: set, today: datetime.date) -> bool:
    """Each date is real and within the range of a planned date; those that record what happened
    are held to today by _no_later_than."""
    distinct.discard(UNSET_DATE)
    for ymd in distinct:
        date = date_checks.real_date(*ymd)
        if date is None or not date_checks.allowed(name, date, False, today):
            return False
    return True


def _no_later_than(latest: datetime.date, dates: list[tuple[int, int, int]]) -> bool:
    """Real dates compare as (year, month, day) tuples do, the unset one lowest."""
    return max(dates, default=UNSET_DATE) <= (latest.year, latest.month, latest.day)


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
