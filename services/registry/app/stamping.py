"""Giving a stored asset its output fields, telling whether content changed, and checking the
etags a request sends: for unary writes, batches and imports alike."""

from collections.abc import Callable, Sequence
from itertools import compress
from operator import attrgetter, methodcaller

from google.protobuf.timestamp_pb2 import Timestamp

from services.common.errors import Aborted
from services.registry.domain.etags import etag_of
from urban.registry.v1 import resources_pb2

OUTPUT_FIELDS = ("etag", "create_time", "update_time", "version")
# (position in the batch, name, etag) of each asset a batch sent with an etag.
SentEtag = tuple[int, str, str]
LiveAsset = Callable[[str], resources_pb2.Asset | None]


def content_of(asset: resources_pb2.Asset) -> resources_pb2.Asset:
    """A copy without output fields: what a client may set."""
    copy = resources_pb2.Asset()
    copy.CopyFrom(asset)
    strip_output_fields(copy)
    return copy


def strip_output_fields(asset: resources_pb2.Asset) -> None:
    for field in OUTPUT_FIELDS:
        asset.ClearField(field)


def clear_output_fields(assets: Sequence[resources_pb2.Asset]) -> None:
    """What a client sends in output fields is ignored. Each field is read as a column first: a
    batch that sends none costs a few C-level loops (strip_output_fields is cheaper for assets
    known to carry them)."""
    sent = (
        map(attrgetter("version"), assets),
        map(attrgetter("etag"), assets),
        map(methodcaller("HasField", "create_time"), assets),
        map(methodcaller("HasField", "update_time"), assets),
    )
    positions = set()
    for column in sent:
        positions.update(compress(range(len(assets)), column))
    for position in positions:
        strip_output_fields(assets[position])


def same_content(content: resources_pb2.Asset, stored: resources_pb2.Asset) -> bool:
    """Whether `content`, which has no output fields, is what `stored` holds."""
    return content.SerializeToString(deterministic=True) == content_of(stored).SerializeToString(
        deterministic=True
    )


def stamp(
    asset: resources_pb2.Asset, version: int, created: Timestamp | None, now: Timestamp
) -> None:
    """Sets the output fields of `asset`; `created` None means it is created `now`."""
    asset.version = version
    asset.etag = etag_of(version)
    asset.create_time.CopyFrom(now if created is None else created)
    asset.update_time.CopyFrom(now)


def sent_etags(assets: Sequence[resources_pb2.Asset]) -> list[SentEtag]:
    """The etags a batch sent (read them before clearing its output fields)."""
    etags = list(map(attrgetter("etag"), assets))
    positions = compress(range(len(etags)), etags)
    return [(position, assets[position].name, etags[position]) for position in positions]


def check_sent_etags(sent: list[SentEtag], live: LiveAsset) -> None:
    """Aborted unless each etag a batch sent is that of the live asset of its name, which `live`
    gives (None: there is none)."""
    for position, name, etag in sent:
        check_etag(etag, live(name), name, f"assets[{position}].etag")


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
