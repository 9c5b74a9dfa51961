"""Giving a stored asset its output fields, and telling whether content changed."""

import datetime as dt

from google.protobuf.timestamp_pb2 import Timestamp

from services.common.errors import Aborted
from urban.registry.v1 import resources_pb2

OUTPUT_FIELDS = ("etag", "create_time", "update_time", "version")


def content_of(asset: resources_pb2.Asset) -> resources_pb2.Asset:
    """A copy without output fields: what a client may set."""
    copy = resources_pb2.Asset()
    copy.CopyFrom(asset)
    clear_output_fields(copy)
    return copy


def clear_output_fields(asset: resources_pb2.Asset) -> None:
    for field in OUTPUT_FIELDS:
        asset.ClearField(field)


def same_content(content: resources_pb2.Asset, stored: resources_pb2.Asset) -> bool:
    """Whether `content`, which has no output fields, is what `stored` holds."""
    return content.SerializeToString(deterministic=True) == content_of(stored).SerializeToString(
        deterministic=True
    )


def stamp(
    asset: resources_pb2.Asset, version: int, created: Timestamp | None, now: dt.datetime
) -> None:
    """Sets the output fields of `asset`; `created` None means it is created `now`."""
    asset.version = version
    asset.etag = etag_of(version)
    asset.update_time.FromDatetime(now)
    if created is None:
        asset.create_time.CopyFrom(asset.update_time)
    else:
        asset.create_time.CopyFrom(created)


def etag_of(version: int) -> str:
    return f'"{version}"'


def check_etag(sent: str, stored: resources_pb2.Asset | None, name: str, field: str) -> None:
    """Aborted unless `sent` is empty (no check) or the etag of `stored`, the live asset
    (None: there is none); `field` is where the request carried the etag."""
    if not sent or (stored is not None and sent == stored.etag):
        return
    if stored is None:
        message = f"{field}: asset {name} does not exist, so it cannot be at etag {sent}"
    else:
        message = f"{field}: asset {name} changed since etag {sent} was read"
    raise Aborted(message, "ETAG_MISMATCH", {"name": name, "field": field})
