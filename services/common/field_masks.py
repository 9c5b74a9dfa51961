"""Field mask paths in either spelling: proto field names (`pipe_segment.length_m`) or the JSON
names clients in other languages use (`pipeSegment.lengthM`)."""

import functools
from collections.abc import Iterable

from google.protobuf.descriptor import Descriptor, FieldDescriptor


def proto_name_paths(paths: Iterable[str], message: Descriptor) -> list[str]:
    """`paths` with every segment that names a field of `message` (or of a message under it)
    by its JSON name spelled by its proto name. Map keys and unknown segments stay as given."""
    return [_proto_name_path(path, message) for path in paths]


@functools.lru_cache(maxsize=1024)  # clients send the same few paths again and again
def _proto_name_path(path: str, message: Descriptor) -> str:
    segments = path.split(".")
    named: list[str] = []
    current: Descriptor | None = message
    for index, segment in enumerate(segments):
        field = _field(current, segment) if current is not None else None
        if field is None:
            return ".".join([*named, *segments[index:]])
        named.append(field.name)
        if _is_map(field):
            return ".".join([*named, *segments[index + 1 :]])
        current = field.message_type
    return ".".join(named)


def _field(message: Descriptor, segment: str) -> FieldDescriptor | None:
    return next((field for field in message.fields if segment in _spellings(field)), None)


def _spellings(field: FieldDescriptor) -> tuple[str, str, str]:
    return field.name, field.json_name, field.camelcase_name


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry
