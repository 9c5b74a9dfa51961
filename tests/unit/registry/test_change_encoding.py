"""Change-log rows encoded for the Redis stream are the bytes of the whole `AssetChange`."""

import datetime as dt

import pytest

from services.registry.storage.change_encoding import serialized_changes
from tests.builders import pipe
from urban.registry.v1 import resources_pb2 as r

# Not the table's order: columns are picked by name.
COLUMNS = ("id", "after", "revision", "commit_time", "type", "event_id", "asset_name")
COLUMNS += ("city_code", "actor", "request_id", "asset_version", "before")
NAME = "cities/330100/assets/gas-main-1"
AT = dt.datetime(2026, 12, 3, 8, 15, 30, 123456, tzinfo=dt.UTC)


class Result:
    """What a query's result offers: its column names and its rows."""

    def __init__(self, rows: list[dict]):
        self._rows = [tuple(row[name] for name in COLUMNS) for row in rows]

    def keys(self):
        return COLUMNS

    def all(self):
        return self._rows


def row(**fields) -> dict:
    long_name = pipe(NAME, display_name="煤气主管" * 40)  # a snapshot over 127 bytes
    values = dict(
        id=7,
        revision=1,
        event_id="0b8f6f7e-5f0c-4f7a-9a57-3c1d2e4f5a6b",
        type="created",
        asset_name=NAME,
        city_code="330100",
        asset_version=1,
        before=None,
        after=long_name.SerializeToString(),
        commit_time=AT,
        actor="杭州-gis-sync",
        request_id="import-1",
    )
    return values | fields


def whole_message(values: dict) -> bytes:
    change = r.AssetChange(
        revision=values["revision"],
        event_id=values["event_id"],
        asset_name=NAME,
        type={"created": 1, "updated": 2, "deleted": 3}[values["type"]],
        actor=values["actor"],
        request_id=values["request_id"] or "",
        asset_version=values["asset_version"],
    )
    change.commit_time.FromDatetime(values["commit_time"])
    for field in ("before", "after"):
        if values[field] is not None:
            getattr(change, field).ParseFromString(values[field])
    return change.SerializeToString(deterministic=True)


@pytest.mark.parametrize(
    "values",
    [
        row(),
        row(type="updated", before=pipe(NAME).SerializeToString(), revision=300, asset_version=2),
        row(type="deleted", before=pipe(NAME).SerializeToString(), after=None, request_id=None),
        row(revision=2**40, asset_version=2**33, request_id=""),
    ],
    ids=["created", "updated", "deleted", "large numbers, no request id"],
)
def test_a_row_encodes_as_the_whole_message(values):
    (change,) = serialized_changes(Result([values]))
    assert change.revision == values["revision"]
    assert change.data == whole_message(values)


def test_rows_keep_their_order_and_share_commit_times():
    rows = [row(revision=n, commit_time=AT + dt.timedelta(seconds=n % 2)) for n in range(1, 6)]
    changes = serialized_changes(Result(rows))
    assert [change.revision for change in changes] == [1, 2, 3, 4, 5]
    assert [change.data for change in changes] == [whole_message(values) for values in rows]
