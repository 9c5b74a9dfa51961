"""Partial updates of assets by field mask (AIP-134, AIP-161)."""

import functools
from collections.abc import Iterable

from google.protobuf.field_mask_pb2 import FieldMask

from services.common.errors import FieldViolation, invalid
from services.common.field_masks import proto_name_paths
from services.registry.domain.kinds import KINDS, kind_of
from urban.registry.v1 import resources_pb2

WRITABLE_FIELDS = ("display_name", "district_code", "external_id", "labels", "geojson")
OUTPUT_ONLY_FIELDS = ("name", "etag", "create_time", "update_time", "version")
LABEL_PREFIX = "labels."
FULL_REPLACEMENT = "*"

_ASSET = resources_pb2.Asset.DESCRIPTOR


def apply_update_mask(
    stored: resources_pb2.Asset, patch: resources_pb2.Asset, paths: list[str]
) -> resources_pb2.Asset:
    """A new asset: `stored` with the fields named by `paths` taken from `patch`.

    No paths, or `*`, replaces every writable field including the spec, so the kind may change;
    a path inside a spec must name the stored kind. `labels.<key>` sets or removes one label.
    Paths may use proto names (`pipe_segment.length_m`) or JSON names (`pipeSegment.lengthM`).
    """
    paths = proto_name_paths(paths, _ASSET)
    updated = resources_pb2.Asset()
    updated.CopyFrom(stored)
    if not paths or FULL_REPLACEMENT in paths:
        _merge(patch, updated, (*WRITABLE_FIELDS, *KINDS))
        return updated
    wanted = [path for path in paths if path.split(".")[0] not in OUTPUT_ONLY_FIELDS]
    _check_paths(wanted, kind_of(stored))
    label_keys = [path.removeprefix(LABEL_PREFIX) for path in wanted if _is_label(path)]
    _merge(patch, updated, [path for path in wanted if not _is_label(path)])
    _copy_labels(patch, updated, label_keys)
    return updated


def _merge(
    source: resources_pb2.Asset, destination: resources_pb2.Asset, paths: Iterable[str]
) -> None:
    mask = FieldMask(paths=paths)
    mask.MergeMessage(source, destination, replace_message_field=True, replace_repeated_field=True)


def _copy_labels(
    source: resources_pb2.Asset, destination: resources_pb2.Asset, keys: list[str]
) -> None:
    for key in keys:
        if key in source.labels:
            destination.labels[key] = source.labels[key]
        else:
            destination.labels.pop(key, None)


def _is_label(path: str) -> bool:
    return path.startswith(LABEL_PREFIX) and len(path) > len(LABEL_PREFIX)


def _check_paths(paths: list[str], stored_kind: str | None) -> None:
    violations = [
        FieldViolation("update_mask", problem)
        for path in paths
        if (problem := _path_problem(path, stored_kind))
    ]
    if violations:
        raise invalid(violations)


@functools.lru_cache(maxsize=1024)  # clients send the same few paths again and again
def _path_problem(path: str, stored_kind: str | None) -> str | None:
    top = path.split(".")[0]
    if top in KINDS and top != stored_kind:
        return (
            f"path {path!r} names kind {top} but the asset is a {stored_kind}; a field mask "
            "cannot change an asset's kind (replace the whole asset instead)"
        )
    if _is_label(path) or (top in (*WRITABLE_FIELDS, *KINDS) and _is_field_path(path)):
        return None
    writable = ", ".join((*WRITABLE_FIELDS, f"{LABEL_PREFIX}<key>", f"{stored_kind}.<field>"))
    return f"unknown or read-only path {path!r}; writable paths: {writable}"


def _is_field_path(path: str) -> bool:
    return FieldMask(paths=[path]).IsValidForDescriptor(_ASSET)
