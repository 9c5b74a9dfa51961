"""Per-kind rules on a spec's numbers and enums: required fields, ranges, defined values."""

import datetime
import functools
import math
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from services.common.enums import enum_labels
from services.common.errors import FieldViolation
from services.registry.domain.fields import set_scalars
from urban.registry.v1 import resources_pb2

_FLOATS = (FieldDescriptor.CPPTYPE_DOUBLE, FieldDescriptor.CPPTYPE_FLOAT)

SPEC_TYPES = {
    field.name: field.message_type
    for field in resources_pb2.Asset.DESCRIPTOR.oneofs_by_name["spec"].fields
}
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

    def accepts(self, value: float) -> bool:
        """Whether `value` keeps to the limit; a value that is not finite never does."""
        if value == 0 and (self.required or self.optional):
            return self.optional
        above = value > self.minimum if self.exclusive_minimum else value >= self.minimum
        return above and value <= self.maximum

    def accepts_all(self, values: Collection[float]) -> bool:
        """accepts(value) for every one of `values`, finite numbers: zero aside, the limit is a
        range, so the lowest and the highest value settle it."""
        if self.required or self.optional:
            if 0 in values and not self.accepts(0):
                return False
            values = list(filter(None, values))
        return not values or (self.accepts(min(values)) and self.accepts(max(values)))


@dataclass(frozen=True)
class EnumRule:
    """An enum field of a spec: its value must be defined, and set (not 0) when required."""

    field: FieldDescriptor
    required: bool

    def is_defined(self, value: int) -> bool:
        return value in self.field.enum_type.values_by_number

    def is_missing(self, value: int) -> bool:
        return self.required and value == 0

    def accepts_all(self, values: Collection[int]) -> bool:
        present = set(values)
        return all(map(self.is_defined, present)) and not any(map(self.is_missing, present))


@functools.cache
def enum_rules(kind: str) -> tuple[EnumRule, ...]:
    """The rules of the enum fields of a `kind` spec, in the order of their field numbers."""
    required = REQUIRED_ENUMS.get(kind, ())
    fields = sorted((f for f in SPEC_TYPES[kind].fields if f.enum_type is not None), key=_number)
    return tuple(EnumRule(field, field.name in required) for field in fields)


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
    rules = enum_rules(kind)
    return [
        *_check_finite(set_scalars(spec)),
        *_check_defined_enums(spec, rules),
        *_check_required_enums(spec, rules),
        *(violation for limit in limits(kind, today) for violation in _check_limit(spec, limit)),
    ]


def _check_finite(scalars: list) -> Iterator[FieldViolation]:
    for path, field, value in scalars:
        if field.cpp_type in _FLOATS and not math.isfinite(value):
            yield FieldViolation(path, f"{path} must be a finite number; got {value}")


def _check_defined_enums(spec: Message, rules: tuple[EnumRule, ...]) -> Iterator[FieldViolation]:
    for rule in rules:
        value = getattr(spec, rule.field.name)
        if not rule.is_defined(value):
            yield FieldViolation(
                rule.field.name,
                f"{rule.field.name} {value} is not a defined {rule.field.enum_type.name} value; "
                f"use one of {', '.join(enum_labels(rule.field.enum_type))}",
            )


def _check_required_enums(spec: Message, rules: tuple[EnumRule, ...]) -> Iterator[FieldViolation]:
    for rule in rules:
        if rule.is_missing(getattr(spec, rule.field.name)):
            name, labels = rule.field.name, ", ".join(enum_labels(rule.field.enum_type))
            yield FieldViolation(name, f"{name} is required; use one of {labels}")


def _check_limit(spec: Message, limit: Limit) -> Iterator[FieldViolation]:
    value = getattr(spec, limit.field)
    if limit.accepts(value) or not math.isfinite(value):  # not finite: _check_finite says so
        return
    if value == 0 and limit.required:
        yield FieldViolation(limit.field, f"{limit.field} is required; {_describe(limit)}")
    else:
        yield FieldViolation(limit.field, f"{limit.field} {_describe(limit)}; got {_show(value)}")


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


def _number(field: FieldDescriptor) -> int:
    return field.number
