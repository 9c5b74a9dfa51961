"""Cell text ⇄ field values: numbers, enums by label or full name, ISO dates, booleans."""

import datetime
import functools
import re
from collections.abc import Callable

from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor
from google.type import date_pb2

from services.common.enums import enum_label, enum_labels, enum_number
from services.registry.domain.date_checks import is_set
from services.registry.domain.fields import DATE_TYPE

TRUE_WORDS = ("true", "1", "是")
FALSE_WORDS = ("false", "0", "否")
INT32_RANGE = (-(2**31), 2**31 - 1)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_C = FieldDescriptor
_INTEGERS = (_C.CPPTYPE_INT32, _C.CPPTYPE_INT64, _C.CPPTYPE_UINT32, _C.CPPTYPE_UINT64)
_FLOATS = (_C.CPPTYPE_DOUBLE, _C.CPPTYPE_FLOAT)


class BadValue(ValueError):
    """The cell cannot be read as the field's type; the message says why."""


def is_date_field(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.full_name == DATE_TYPE


def parse_value(field: FieldDescriptor, text: str):
    """The value for `field` (a google.type.Date for date fields); None leaves the field unset."""
    if field.cpp_type == _C.CPPTYPE_STRING:
        return text or None
    text = text.strip()
    return _parser(field)(text) if text else None


@functools.cache
def _parser(field: FieldDescriptor) -> Callable[[str], object]:
    if is_date_field(field):
        return parse_date
    if field.enum_type is not None:
        return functools.partial(_parse_enum, field.enum_type)
    if field.cpp_type == _C.CPPTYPE_BOOL:
        return parse_bool
    if field.cpp_type in _INTEGERS:
        return _parse_integer
    if field.cpp_type in _FLOATS:
        return _parse_float
    raise TypeError(f"no text form for field {field.full_name}")


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadValue(f"must be true/false, 1/0 or 是/否 (got {text!r})")


def parse_date(text: str) -> date_pb2.Date:
    if _ISO_DATE.fullmatch(text) is None:
        raise BadValue(f"must be a date as YYYY-MM-DD (got {text!r})")
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise BadValue(f"is not a real calendar date (got {text!r})") from None
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def _parse_enum(enum_type: EnumDescriptor, text: str) -> int:
    number = _cached_enum_number(enum_type, text)
    if number is None:
        raise BadValue(f"unknown value {text!r}; use one of {', '.join(enum_labels(enum_type))}")
    return number


@functools.lru_cache(maxsize=4096)
def _cached_enum_number(enum_type: EnumDescriptor, text: str) -> int | None:
    return enum_number(enum_type, text)


def _parse_integer(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = _whole_float(text)
    if not INT32_RANGE[0] <= number <= INT32_RANGE[1]:
        raise BadValue(f"is out of range (got {text!r})")
    return number


def _whole_float(text: str) -> int:
    """Spreadsheets write whole numbers as `300.0`; accept those, nothing else."""
    try:
        number = float(text)
    except ValueError:
        raise BadValue(f"must be a whole number (got {text!r})") from None
    if not number.is_integer():
        raise BadValue(f"must be a whole number (got {text!r})")
    return int(number)


def _parse_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise BadValue(f"must be a number (got {text!r})") from None


def format_value(field: FieldDescriptor, value) -> str:
    """The cell text that parse_value reads back to `value`; "" for an unset enum or date."""
    if is_date_field(field):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}" if is_set(value) else ""
    if field.enum_type is not None:
        return enum_label(field.enum_type, value) if value else ""
    if field.cpp_type == _C.CPPTYPE_BOOL:
        return "true" if value else "false"
    if field.cpp_type in _FLOATS:
        return format_float(value)
    return str(value)


def json_value(field: FieldDescriptor, value):
    """The value as a GeoJSON property: typed numbers and booleans, labels and dates as text."""
    if is_date_field(field) or field.enum_type is not None:
        return format_value(field, value) or None
    if field.cpp_type == _C.CPPTYPE_STRING:
        return value or None
    return value


def format_float(value: float) -> str:
    """Shortest text that reads back to the same float; whole numbers without `.0`."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
