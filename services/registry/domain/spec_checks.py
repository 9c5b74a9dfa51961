"""Per-kind rules on a spec's numbers and enums: required fields, ranges, defined values."""

import datetime
import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from services.common.enums import enum_labels
from services.common.errors import FieldViolation
from services.registry.domain.fields import set_scalars

_FLOATS = (FieldDescriptor.CPPTYPE_DOUBLE, FieldDescriptor.CPPTYPE_FLOAT)

REQUIRED_ENUMS = {
    "old_compound": ("status",),
    "urban_village": ("status",),
    "old_block": ("block_type", "status"),
    "pipe_segment": ("network", "material", "status"),
    "waterlogging_point": ("status",),
}


@dataclass(frozen=True)
class Limit:
    """An inclusive range for one numeric field of a spec.

    `required`: zero means the field is missing. `optional`: zero means unset and is accepted.
    Otherwise zero is an ordinary value and must lie in the range.
    """

    field: str
    minimum: float = 0
    maximum: float = math.inf
    unit: str = ""
    required: bool = False
    optional: bool = False
    exclusive_minimum: bool = False


def limits(kind: str, today: datetime.date) -> tuple[Limit, ...]:
    return _limits_in(kind, today.year)


@functools.lru_cache(maxsize=64)
def _limits_in(kind: str, year: int) -> tuple[Limit, ...]:
    return {
        "old_compound": (
            Limit("build_year", 1900, year, required=True),
            Limit("households"),
            Limit("buildings"),
            Limit("floor_area_m2", unit="m²"),
            Limit("plan_year", 2000, year + 5, optional=True),
            Limit("investment_cny", unit="yuan"),
        ),
        "urban_village": (Limit("area_m2", unit="m²"), Limit("households")),
        "old_block": (Limit("area_m2", unit="m²"),),
        "pipe_segment": (
            Limit("length_m", 0, 10_000, "m", required=True, exclusive_minimum=True),
            Limit("diameter_mm", 15, 5000, "mm", required=True),
            Limit("commissioned_year", 1900, year, optional=True),
            Limit("recorded_failures"),
        ),
        "drainage_zone": (
            Limit("area_km2", unit="km²", required=True, exclusive_minimum=True),
            Limit("required_return_period_years", 0, 1000, "years"),
            Limit("assessed_return_period_years", 0, 1000, "years"),
        ),
    }.get(kind, ())


def check_spec(kind: str, spec: Message, today: datetime.date) -> list[FieldViolation]:
    """Violations with paths relative to the spec (`length_m`); the caller prefixes the kind."""
    scalars = set_scalars(spec)
    return [
        *_check_finite(scalars),
        *_check_defined_enums(scalars),
        *_check_required_enums(spec, REQUIRED_ENUMS.get(kind, ())),
        *(violation for limit in limits(kind, today) for violation in _check_limit(spec, limit)),
    ]


def _check_finite(scalars: list) -> Iterator[FieldViolation]:
    for path, field, value in scalars:
        if field.cpp_type in _FLOATS and not math.isfinite(value):
            yield FieldViolation(path, f"{path} must be a finite number; got {value}")


def _check_defined_enums(scalars: list) -> Iterator[FieldViolation]:
    for path, field, value in scalars:
        if field.enum_type is not None and value not in field.enum_type.values_by_number:
            yield FieldViolation(
                path,
                f"{path} {value} is not a defined {field.enum_type.name} value; "
                f"use one of {', '.join(enum_labels(field.enum_type))}",
            )


def _check_required_enums(spec: Message, names: tuple[str, ...]) -> Iterator[FieldViolation]:
    for name in names:
        if getattr(spec, name) == 0:
            enum_type = spec.DESCRIPTOR.fields_by_name[name].enum_type
            yield FieldViolation(
                name, f"{name} is required; use one of {', '.join(enum_labels(enum_type))}"
            )


def _check_limit(spec: Message, limit: Limit) -> Iterator[FieldViolation]:
    value = getattr(spec, limit.field)
    if value == 0 and limit.optional:
        return
    if value == 0 and limit.required:
        yield FieldViolation(limit.field, f"{limit.field} is required; {_describe(limit)}")
    elif math.isfinite(value) and not _within(value, limit):
        yield FieldViolation(limit.field, f"{limit.field} {_describe(limit)}; got {_show(value)}")


def _within(value: float, limit: Limit) -> bool:
    above = value > limit.minimum if limit.exclusive_minimum else value >= limit.minimum
    return above and value <= limit.maximum


def _describe(limit: Limit) -> str:
    unit = f" {limit.unit}" if limit.unit else ""
    lower = "greater than" if limit.exclusive_minimum else "at least"
    if limit.maximum == math.inf and limit.minimum == 0 and not limit.exclusive_minimum:
        return "must not be negative"
    if limit.maximum == math.inf:
        return f"must be {lower} {_show(limit.minimum)}{unit}"
    return f"must be {lower} {_show(limit.minimum)} and at most {_show(limit.maximum)}{unit}"


def _show(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
