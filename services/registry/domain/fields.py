"""Walking the set fields of a protobuf message, for checks that apply to every field of a type."""

import functools
from collections.abc import Iterator
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

DATE_TYPE = "google.type.Date"


def set_scalars(message: Message, prefix: str = "") -> list[tuple[str, FieldDescriptor, Any]]:
    """(path, field, value) of every non-default singular scalar, descending into sub-messages."""
    found: list[tuple[str, FieldDescriptor, Any]] = []
    _collect_scalars(message, prefix, found)
    return found


def _collect_scalars(message: Message, prefix: str, found: list) -> None:
    for field, value in message.ListFields():
        name, repeated, nested = _shape(field)
        if repeated:
            continue
        if nested:
            _collect_scalars(value, prefix + name + ".", found)
        else:
            found.append((prefix + name, field, value))


def date_fields(message: Message) -> Iterator[tuple[str, Message]]:
    """(name, value) of every google.type.Date field of `message`, set or not."""
    for name in _date_field_names(message.DESCRIPTOR):
        yield name, getattr(message, name)


@functools.cache
def _shape(field: FieldDescriptor) -> tuple[str, bool, bool]:
    """(name, repeated, a message) of a field: descriptor attributes are slow to read."""
    return field.name, field.is_repeated, field.type == FieldDescriptor.TYPE_MESSAGE


@functools.cache
def _date_field_names(descriptor) -> tuple[str, ...]:
    return tuple(
        field.name
        for field in descriptor.fields
        if field.message_type is not None and field.message_type.full_name == DATE_TYPE
    )
