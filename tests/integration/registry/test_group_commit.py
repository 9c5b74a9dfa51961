"""Single-asset writes committed together (SQLite): each call is answered as if it ran alone, a
failing call changes nothing, and the others commit."""

import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from services.registry.app.group_commit import GroupCommit
from tests.builders import pipe
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

CITY = "cities/330100"


@pytest.fixture
def database_url(sqlite_url) -> str:
    return sqlite_url


@pytest.fixture
def together(monkeypatch) -> dict:
    """The writer waits until `expected` writes are queued (10 s at most, or until the registry
    stops) before it takes them; `sizes` records how many each transaction held."""
    gathering = {"expected": 1, "sizes": [], "queue": []}
    take, commit = GroupCommit._next_writes, GroupCommit._commit

    def gathered(self):
        gathering["queue"] = self._queue
        deadline = time.monotonic() + 10
        while (len(self._queue) < gathering["expected"] and not self._stopping
               and time.monotonic() < deadline):
            time.sleep(0.002)
        return take(self)

    def counted(self, writes):
        gathering["sizes"].append(len(writes))
        return commit(self, writes)

    monkeypatch.setattr(GroupCommit, "_next_writes", gathered)
    monkeypatch.setattr(GroupCommit, "_commit", counted)
    return gathering


def _create(admin, asset_id: str) -> r.Asset:
    request = api.CreateAssetRequest(parent=CITY, asset_id=asset_id, asset=pipe(""))
    return admin.CreateAsset(request)


def _label(name: str, value: str, etag: str = "", request_id: str = ""):
    patch = r.Asset(name=name, etag=etag, labels={"k": value})
    return api.UpdateAssetRequest(
        asset=patch, update_mask=FieldMask(paths=["labels"]), request_id=request_id
    )


def _outcome(call, request):
    try:
        return call(request)
    except grpc.RpcError as error:
        return error.code()


def test_writes_in_one_transaction_are_answered_each_on_its_own(admin, together):
    stored = {asset_id: _create(admin, asset_id) for asset_id in ("a", "b", "c", "e")}
    head = admin.ListChanges(api.ListChangesRequest()).head_revision
    invalid = api.UpdateAssetRequest(
        asset=r.Asset(name=f"{CITY}/assets/c", pipe_segment=r.PipeSegment(diameter_mm=-5)),
        update_mask=FieldMask(paths=["pipe_segment.diameter_mm"]),
    )
    calls = [
        (admin.UpdateAsset, _label(f"{CITY}/assets/a", "1", etag=stored["a"].etag)),
        (admin.UpdateAsset, _label(f"{CITY}/assets/b", "1", etag='"stale"')),
        (admin.UpdateAsset, invalid),
        (admin.CreateAsset, api.CreateAssetRequest(parent=CITY, asset_id="e", asset=pipe(""))),
        (admin.UpdateAsset, _label(f"{CITY}/assets/e", "same-id", request_id="r-1")),
        (admin.UpdateAsset, _label(f"{CITY}/assets/e", "same-id", request_id="r-1")),
        (admin.DeleteAsset, api.DeleteAssetRequest(name=f"{CITY}/assets/missing")),
    ]
    together["expected"] = len(calls)
    with ThreadPoolExecutor(len(calls)) as pool:
        answers = list(pool.map(lambda call: _outcome(*call), calls))

    assert max(together["sizes"]) == len(calls)
    assert answers[0].labels["k"] == "1"
    assert answers[1:4] == [
        grpc.StatusCode.ABORTED, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.ALREADY_EXISTS
    ]
    assert answers[4] == answers[5] and answers[4].labels["k"] == "same-id"
    assert answers[6] == grpc.StatusCode.NOT_FOUND
    for asset_id in ("b", "c"):
        assert admin.GetAsset(api.GetAssetRequest(name=f"{CITY}/assets/{asset_id}")) == stored[
            asset_id
        ]
    changed = admin.ListChanges(api.ListChangesRequest(start_revision=head + 1)).changes
    assert sorted(change.after.name for change in changed) == [
        f"{CITY}/assets/a", f"{CITY}/assets/e"
    ]
    assert [change.revision for change in changed] == [head + 1, head + 2]  # none skipped


def test_writes_to_one_asset_in_one_transaction_keep_their_order(admin, together):
    name = _create(admin, "x").name
    head = admin.ListChanges(api.ListChangesRequest()).head_revision
    together["expected"] = 2
    with ThreadPoolExecutor(2) as pool:  # the second is sent once the first waits
        first = pool.submit(admin.UpdateAsset, _label(name, "first"))
        while not together["queue"]:
            time.sleep(0.001)
        second = pool.submit(admin.UpdateAsset, _label(name, "second"))
        first.result(), second.result()
    assert max(together["sizes"]) == 2
    changed = admin.ListChanges(api.ListChangesRequest(start_revision=head + 1)).changes
    assert [change.after.labels["k"] for change in changed] == ["first", "second"]
    assert [change.before.labels.get("k", "") for change in changed] == ["", "first"]


def test_a_write_undone_after_its_change_was_appended_leaves_no_gap(admin, together):
    names = [_create(admin, asset_id).name for asset_id in ("g1", "g2", "g3")]
    head = admin.ListChanges(api.ListChangesRequest()).head_revision
    together["expected"] = 3
    with ThreadPoolExecutor(3) as pool:  # the first call's deadline passes while it waits
        late = pool.submit(_outcome, partial(admin.UpdateAsset, timeout=0.3), _label(names[0], "1"))
        while not together["queue"]:
            time.sleep(0.001)
        time.sleep(0.5)
        kept = [pool.submit(admin.UpdateAsset, _label(names[1], "1"))]
        while len(together["queue"]) < 2:  # queued before the last, so in this order
            time.sleep(0.001)
        kept.append(pool.submit(admin.UpdateAsset, _label(names[2], "1")))
        assert late.result() == grpc.StatusCode.DEADLINE_EXCEEDED
        [future.result() for future in kept]
    assert max(together["sizes"]) == 3
    changed = admin.ListChanges(api.ListChangesRequest(start_revision=head + 1)).changes
    assert [change.asset_name for change in changed] == names[1:]
    assert [change.revision for change in changed] == [head + 1, head + 2]
