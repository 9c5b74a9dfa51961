"""Change-log rows encoded as `AssetChange` messages for the Redis stream, without building a
message: the stored snapshots are copied in as they are, and the other fields are encoded
here, in field-number order, so the bytes are those of `SerializeToString(deterministic=True)`
of the whole message (tests/unit/registry/test_change_encoding.py). Building a message of
each row and reading the row's columns by name took most of what publishing costs the
registry's CPU."""

import datetime as dt
import operator
from typing import NamedTuple

from services.registry.storage.row_mapping import CHANGE_TYPE_OF, timestamp
from urban.registry.v1 import resources_pb2

_FIELDS = resources_pb2.AssetChange.DESCRIPTOR.fields_by_name
_COLUMNS = ("revision", "event_id", "type", "asset_name", "asset_version", "before", "after")
_COLUMNS += ("commit_time", "actor", "request_id")


class SerializedChange(NamedTuple):
    revision: int
    data: bytes  # an AssetChange, serialized


def serialized_changes(result) -> list[SerializedChange]:
    """The changes of a result whose rows are change-log rows, in its order."""
    columns = list(result.keys())
    pick = operator.itemgetter(*(columns.index(name) for name in _COLUMNS))
    times: dict[dt.datetime, bytes] = {}
    return [_serialized(pick(row), times) for row in result.all()]


def _serialized(values: tuple, times: dict[dt.datetime, bytes]) -> SerializedChange:
    revision, event_id, kind, name, version, before, after, moment, actor, request_id = values
    commit_time = times.get(moment)
    if commit_time is None:
        commit_time = times[moment] = _bytes(_COMMIT_TIME, timestamp(moment).SerializeToString())
    parts = [_REVISION, _varint(revision), _text(_EVENT_ID, event_id), _TYPES[kind]]
    parts.append(_text(_ASSET_NAME, name))
    if before is not None:
        parts.append(_bytes(_BEFORE, before))
    if after is not None:
        parts.append(_bytes(_AFTER, after))
    parts += (commit_time, _text(_ACTOR, actor))
    if request_id:
        parts.append(_text(_REQUEST_ID, request_id))
    if version:
        parts += (_ASSET_VERSION, _varint(version))
    return SerializedChange(revision, b"".join(parts))


def _text(key: bytes, value: str) -> bytes:
    return _bytes(key, value.encode()) if value else b""


def _bytes(key: bytes, data: bytes) -> bytes:
    """A length-delimited field: its key, the length and the bytes."""
    length = len(data)
    return key + (_SMALL[length] if length < 0x80 else _varint(length)) + data


def _varint(value: int) -> bytes:
    if value < 0x80:
        return _SMALL[value]
    encoded = bytearray()
    while value > 0x7F:
        encoded.append(value & 0x7F | 0x80)
        value >>= 7
    encoded.append(value)
    return bytes(encoded)


_SMALL = [bytes((value,)) for value in range(0x80)]


def _key(name: str) -> bytes:
    field = _FIELDS[name]
    wire_type = 2 if field.type in (field.TYPE_STRING, field.TYPE_MESSAGE) else 0
    return _varint(field.number << 3 | wire_type)


_REVISION, _EVENT_ID, _ASSET_NAME = _key("revision"), _key("event_id"), _key("asset_name")
_BEFORE, _AFTER, _COMMIT_TIME = _key("before"), _key("after"), _key("commit_time")
_ACTOR, _REQUEST_ID, _ASSET_VERSION = _key("actor"), _key("request_id"), _key("asset_version")
# The type's field, or nothing for the zero value, which proto3 leaves out.
_TYPES = {
    label: _key("type") + _varint(value) if value else b""
    for label, value in CHANGE_TYPE_OF.items()
}
