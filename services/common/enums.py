"""Protobuf enum values as short lower-case labels: PIPE_NETWORK_WATER_SUPPLY ⇄ `water_supply`.

The labels are what metrics, filters and error messages show, so both services share them.
"""

import functools
import re

from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

EnumType = EnumDescriptor | EnumTypeWrapper

_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def enum_descriptor(enum_type: EnumType) -> EnumDescriptor:
    return enum_type if isinstance(enum_type, EnumDescriptor) else enum_type.DESCRIPTOR


def enum_prefix(enum_type: EnumType) -> str:
    """The prefix every value carries, derived from the type name: PipeNetwork → PIPE_NETWORK_."""
    return _prefix(enum_descriptor(enum_type))


@functools.cache
def _prefix(descriptor: EnumDescriptor) -> str:
    return _WORD_START.sub("_", descriptor.name).upper() + "_"


def enum_label(enum_type: EnumType, value: int) -> str:
    """The value's name without its type prefix, lower-case; ValueError if not defined."""
    label = _labels(enum_descriptor(enum_type)).get(value)
    if label is None:
        raise ValueError(f"{value} is not a value of {enum_descriptor(enum_type).full_name}")
    return label


def labels_by_number(enum_type: EnumType) -> dict[int, str]:
    """Every defined number's label, for code that reads one per message."""
    return _labels(enum_descriptor(enum_type))


@functools.cache
def _labels(descriptor: EnumDescriptor) -> dict[int, str]:
    """Every defined number's label (computed once per enum: labels are read per asset)."""
    prefix = _prefix(descriptor)
    return {value.number: value.name.removeprefix(prefix).lower() for value in descriptor.values}


def enum_labels(enum_type: EnumType) -> tuple[str, ...]:
    """Labels of every defined value except the UNSPECIFIED zero, in declaration order."""
    values = enum_descriptor(enum_type).values
    return tuple(enum_label(enum_type, value.number) for value in values if value.number != 0)


def enum_number(enum_type: EnumType, text: str) -> int | None:
    """The number for a label or a full value name, case-insensitive; None if neither matches.

    The UNSPECIFIED zero is never matched.
    """
    wanted = text.strip().upper()
    for value in enum_descriptor(enum_type).values:
        short = value.name.removeprefix(enum_prefix(enum_type))
        if value.number != 0 and wanted in (value.name, short):
            return value.number
    return None
