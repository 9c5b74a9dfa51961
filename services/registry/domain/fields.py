"""Walking the set fields of a protobuf message, for checks that apply to every field of a type."""

from collections.abc import Iterator
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

DATE_TYPE = "google.type.Date"


def set_scalars(message: Message, prefix: str = "") -> Iterator[tuple[str, FieldDescriptor, Any]]:
    """(path, field, value) of every non-default singular scalar, descending into sub-messages."""
    for field, value in message.ListFields():
        path = prefix + field.name
        if field.is_repeated:
            continue
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            yield from set_scalars(value, path + ".")
        else:
            yield path, field, value


def date_fields(message: Message) -> Iterator[tuple[str, Message]]:
    """(name, value) of every google.type.Date field of `message`, set or not."""
    for field in message.DESCRIPTOR.fields:
        if field.message_type is not None and field.message_type.full_name == DATE_TYPE:
            yield field.name, getattr(message, field.name)
