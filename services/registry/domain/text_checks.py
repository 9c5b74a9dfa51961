"""Limits on the asset's text: lengths, labels, and no NUL characters anywhere."""

import re
from collections.abc import Iterator

from google.protobuf.descriptor import FieldDescriptor

from services.common.errors import FieldViolation
from services.registry.domain.fields import set_scalars
from urban.registry.v1 import resources_pb2

MAX_LENGTHS = {
    "display_name": 200,
    "external_id": 200,
    "waterlogging_point.cause": 2000,
    "waterlogging_point.responsible_unit": 200,
}
MAX_LABELS = 64
MAX_LABEL_VALUE_LENGTH = 256
NUL = "\0"
LABEL_KEY_PATTERN = r"^[a-z][a-z0-9_.-]{0,62}$"

_LABEL_KEY = re.compile(LABEL_KEY_PATTERN)


def check_text(asset: resources_pb2.Asset) -> list[FieldViolation]:
    strings = list(_strings(asset))
    labels = asset.labels
    return [*_check_lengths(strings), *_check_labels(labels), *_check_no_nul(strings, labels)]


def _strings(asset: resources_pb2.Asset) -> Iterator[tuple[str, str]]:
    for path, field, value in set_scalars(asset):
        if field.type == FieldDescriptor.TYPE_STRING:
            yield path, value


def too_long(path: str, value: str) -> bool:
    """Whether the string at `path` is longer than allowed."""
    limit = MAX_LENGTHS.get(path)
    return limit is not None and len(value) > limit


def has_nul(value: str) -> bool:
    return NUL in value


def _check_lengths(strings: list[tuple[str, str]]) -> Iterator[FieldViolation]:
    for path, value in strings:
        if too_long(path, value):
            limit = MAX_LENGTHS[path]
            yield FieldViolation(
                path, f"{path} must be at most {limit} characters; got {len(value)}"
            )


def _check_labels(labels) -> Iterator[FieldViolation]:
    if len(labels) > MAX_LABELS:
        yield FieldViolation("labels", f"at most {MAX_LABELS} labels allowed; got {len(labels)}")
    for key in sorted(labels):
        if _LABEL_KEY.fullmatch(key) is None:
            yield FieldViolation(
                "labels",
                f"label key {key!r} must start with a lower-case letter and contain at most 63 "
                "lower-case letters, digits, '_', '.' or '-'",
            )
        if len(labels[key]) > MAX_LABEL_VALUE_LENGTH:
            yield FieldViolation(
                "labels",
                f"value of label {key!r} must be at most {MAX_LABEL_VALUE_LENGTH} characters; "
                f"got {len(labels[key])}",
            )


def _check_no_nul(strings: list[tuple[str, str]], labels) -> Iterator[FieldViolation]:
    for path, value in strings:
        if has_nul(value):
            position = value.index(NUL)
            yield FieldViolation(
                path, f"{path} must not contain NUL characters; found one at position {position}"
            )
    for key, value in labels.items():
        if has_nul(key) or has_nul(value):
            yield FieldViolation("labels", f"label {key!r} must not contain NUL characters")
