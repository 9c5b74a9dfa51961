"""Translation between stored rows and API messages."""

import datetime as dt
import uuid
from dataclasses import dataclass

from google.protobuf.timestamp_pb2 import Timestamp

from services.registry.domain.kinds import kind_of, status_of
from services.registry.domain.names import parse_asset_name
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


@dataclass(frozen=True)
class NewChange:
    """A change to append to the log; the sequencer gives it its revision after commit."""

    type: int
    before: resources_pb2.Asset | None
    after: resources_pb2.Asset | None
    asset_version: int
    commit_time: dt.datetime
    actor: str
    request_id: str

    @property
    def asset_name(self) -> str:
        return (self.after or self.before).name


def moment(timestamp: Timestamp) -> dt.datetime:
    return timestamp.ToDatetime(tzinfo=dt.UTC)


def timestamp(moment_: dt.datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment_)
    return stamp


def asset_row(asset: resources_pb2.Asset, *, deleted: bool = False) -> dict:
    city_code, _ = parse_asset_name(asset.name)
    return {
        "name": asset.name,
        "city_code": city_code,
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
    }


def stored_asset(row) -> StoredAsset:
    return StoredAsset(resources_pb2.Asset.FromString(row.body), row.deleted)


def change_row(change: NewChange) -> dict:
    city_code, _ = parse_asset_name(change.asset_name)
    return {
        "event_id": str(uuid.uuid4()),
        "type": CHANGE_TYPES[change.type],
        "asset_name": change.asset_name,
        "city_code": city_code,
        "asset_version": change.asset_version,
        "before": _serialized(change.before),
        "after": _serialized(change.after),
        "commit_time": change.commit_time,
        "actor": change.actor,
        "request_id": change.request_id or None,
    }


def asset_change(row) -> resources_pb2.AssetChange:
    message = resources_pb2.AssetChange(
        revision=row.revision,
        event_id=row.event_id,
        type=CHANGE_TYPE_OF[row.type],
        asset_name=row.asset_name,
        commit_time=timestamp(row.commit_time),
        actor=row.actor,
        request_id=row.request_id or "",
        asset_version=row.asset_version,
    )
    if row.before is not None:
        message.before.ParseFromString(row.before)
    if row.after is not None:
        message.after.ParseFromString(row.after)
    return message


def _serialized(asset: resources_pb2.Asset | None) -> bytes | None:
    return None if asset is None else asset.SerializeToString(deterministic=True)
