"""Translation between stored rows and API messages."""

import datetime as dt
import uuid
from dataclasses import dataclass

from google.protobuf.timestamp_pb2 import Timestamp

from services.registry.domain.kinds import kind_of, status_of
from services.registry.storage.spatial import BOX_COLUMNS
from urban.registry.v1 import resources_pb2

CHANGE_TYPES = {
    resources_pb2.CHANGE_TYPE_CREATED: "created",
    resources_pb2.CHANGE_TYPE_UPDATED: "updated",
    resources_pb2.CHANGE_TYPE_DELETED: "deleted",
}
CHANGE_TYPE_OF = {label: value for value, label in CHANGE_TYPES.items()}


@dataclass(frozen=True)
class StoredAsset:
    asset: resources_pb2.Asset
    deleted: bool
    body: bytes  # `asset` as stored, serialized


@dataclass(frozen=True)
class ChangeLogEntry:
    """A change to append to the log; its revision is given as it is appended (SQLite) or by
    the sequencer after commit (PostgreSQL).
    `before` and `after` are serialized assets, None where there is no asset."""

    type: int
    asset_name: str
    before: bytes | None
    after: bytes | None
    asset_version: int
    commit_time: dt.datetime
    actor: str
    request_id: str


_NO_BOX = dict.fromkeys(BOX_COLUMNS)  # SQLite's storage fills them in
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def moment(timestamp: Timestamp) -> dt.datetime:
    """Timestamp.ToDatetime(tzinfo=UTC), without its time-zone conversion."""
    return _EPOCH + dt.timedelta(seconds=timestamp.seconds, microseconds=timestamp.nanos // 1000)


def timestamp(moment_: dt.datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment_)
    return stamp


def asset_row(asset: resources_pb2.Asset, *, deleted: bool = False) -> dict:
    return {
        "name": asset.name,
        "city_code": _city_code(asset.name),
        "kind": kind_of(asset) or "",
        "status": status_of(asset),
        "district_code": asset.district_code or None,
        "external_id": asset.external_id or None,
        "labels": dict(asset.labels),
        "version": asset.version,
        "deleted": deleted,
        "create_time": moment(asset.create_time),
        "update_time": moment(asset.update_time),
        "body": asset.SerializeToString(deterministic=True),
        "geometry": geometry_of(asset, deleted),
        **_NO_BOX,
    }


def geometry_of(asset: resources_pb2.Asset, deleted: bool) -> str | None:
    """What an asset's row holds as its geometry (GeoJSON): none for a tombstone."""
    return None if deleted else asset.geojson or None


def stored_asset(row) -> StoredAsset:
    return stored_asset_of(row.body, row.deleted)


def stored_asset_of(body: bytes, deleted: bool) -> StoredAsset:
    return StoredAsset(resources_pb2.Asset.FromString(body), deleted, body)


def change_row(change: ChangeLogEntry) -> dict:
    """The row to append, without its revision (see WriteSession.save and sequencer.py)."""
    return {
        "revision": None,
        "event_id": str(uuid.uuid4()),
        "type": CHANGE_TYPES[change.type],
        "asset_name": change.asset_name,
        "city_code": _city_code(change.asset_name),
        "asset_version": change.asset_version,
        "before": change.before,
        "after": change.after,
        "commit_time": change.commit_time,
        "actor": change.actor,
        "request_id": change.request_id or None,
    }


def asset_changes(rows, into=None) -> list[resources_pb2.AssetChange]:
    """The rows' changes, added to `into` (a repeated AssetChange field of a response: building
    them in place spares copying them there) or to a new list. The changes of one commit share
    its time, which is converted once."""
    times: dict[dt.datetime, Timestamp] = {}
    if into is None:
        return [_filled(resources_pb2.AssetChange(), row, times) for row in rows]
    for row in rows:
        _filled(into.add(), row, times)
    return into


def _filled(message, row, times: dict[dt.datetime, Timestamp]) -> resources_pb2.AssetChange:
    _header(message, row, times)
    if row.before is not None:
        message.before.ParseFromString(row.before)
    if row.after is not None:
        message.after.ParseFromString(row.after)
    return message


def _header(message, row, times: dict[dt.datetime, Timestamp]) -> resources_pb2.AssetChange:
    """Every field but the snapshots."""
    commit_time = times.get(row.commit_time)
    if commit_time is None:
        commit_time = times[row.commit_time] = timestamp(row.commit_time)
    message.revision = row.revision
    message.event_id = row.event_id
    message.type = CHANGE_TYPE_OF[row.type]
    message.asset_name = row.asset_name
    message.commit_time.CopyFrom(commit_time)
    message.actor = row.actor
    message.request_id = row.request_id or ""
    message.asset_version = row.asset_version
    return message


def _city_code(asset_name: str) -> str:
    """The code in `cities/{code}/assets/{asset_id}`, a name the API layer has checked."""
    return asset_name.split("/", 2)[1]
