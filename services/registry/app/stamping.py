"""Giving a stored asset its output fields, and telling whether content changed."""

import datetime as dt

from services.registry.storage import records
from urban.registry.v1 import resources_pb2

OUTPUT_FIELDS = ("etag", "create_time", "update_time", "version")


def content_of(asset: resources_pb2.Asset) -> resources_pb2.Asset:
    """A copy without output fields: what a client may set."""
    copy = resources_pb2.Asset()
    copy.CopyFrom(asset)
    for field in OUTPUT_FIELDS:
        copy.ClearField(field)
    return copy


def same_content(left: resources_pb2.Asset, right: resources_pb2.Asset) -> bool:
    return content_of(left).SerializeToString(deterministic=True) == content_of(
        right
    ).SerializeToString(deterministic=True)


def stamped(
    content: resources_pb2.Asset, version: int, created: dt.datetime, now: dt.datetime
) -> resources_pb2.Asset:
    asset = content_of(content)
    asset.version = version
    asset.etag = etag_of(version)
    asset.create_time.CopyFrom(records.timestamp(created))
    asset.update_time.CopyFrom(records.timestamp(now))
    return asset


def etag_of(version: int) -> str:
    return f'"{version}"'


def etag_matches(sent: str, asset: resources_pb2.Asset) -> bool:
    """An empty etag skips the check."""
    return not sent or sent == asset.etag
