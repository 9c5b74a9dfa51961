"""Concurrent writers: etags let exactly one win; revisions follow commit order."""

import threading
from concurrent.futures import ThreadPoolExecutor

import grpc
from google.protobuf.field_mask_pb2 import FieldMask

from services.registry.wiring import Registry
from tests.builders import pipe
from tests.integration.registry.conftest import Client, settings_for
from tests.integration.registry.test_watch import Watcher
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.registry.v1 import resources_pb2 as r

NAME = "cities/330100/assets/contended"
WRITERS = 8
ROUNDS = 10


def test_eight_writers_with_etags_one_wins_each_round_and_no_update_is_lost(admin):
    admin.CreateAsset(
        api.CreateAssetRequest(parent="cities/330100", asset_id="contended", asset=pipe(""))
    )
    barrier = threading.Barrier(WRITERS)

    def attempt(writer: int, etag: str, round_: int) -> bool:
        patch = r.Asset(name=NAME, etag=etag, labels={"writer": f"{round_}-{writer}"})
        request = api.UpdateAssetRequest(asset=patch, update_mask=FieldMask(paths=["labels"]))
        barrier.wait()
        try:
            admin.UpdateAsset(request)
            return True
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.ABORTED, error.details()
            return False

    with ThreadPoolExecutor(WRITERS) as pool:
        for round_ in range(ROUNDS):
            etag = admin.GetAsset(api.GetAssetRequest(name=NAME)).etag
            etags, rounds = [etag] * WRITERS, [round_] * WRITERS
            results = list(pool.map(attempt, range(WRITERS), etags, rounds))
            winner = results.index(True)
            assert results.count(True) == 1
            stored = admin.GetAsset(api.GetAssetRequest(name=NAME))
            assert stored.labels["writer"] == f"{round_}-{winner}"
    updates = admin.ListChanges(api.ListChangesRequest()).changes[1:]
    assert len(updates) == ROUNDS
    pairs = zip(updates, updates[1:], strict=False)
    assert all(later.before == earlier.after for earlier, later in pairs)


def watched_while_writing(watcher: Watcher, write, writers: int, writes_each: int) -> list:
    """The changes the watcher sees while `writers` threads each call `write(writer)`, which
    makes `writes_each` changes; the watcher is closed afterwards."""
    try:
        with ThreadPoolExecutor(writers) as pool:
            list(pool.map(write, range(writers)))
        return watcher.take(writers * writes_each, timeout=30)
    finally:
        watcher.close()


def test_watchers_see_revisions_in_order_and_miss_nothing_under_concurrent_writers(admin):
    writers, writes_each = 8, 40
    watcher = Watcher(admin, start_revision=0)

    def write(writer: int):
        for i in range(writes_each):
            name = f"cities/330100/assets/w{writer}-{i % 5}"
            asset = pipe(name, length_m=1 + i)
            admin.UpdateAsset(api.UpdateAssetRequest(asset=asset, allow_missing=True))

    changes = watched_while_writing(watcher, write, writers, writes_each)
    revisions = [change.revision for change in changes]
    assert revisions == list(range(1, writers * writes_each + 1))
    final = {c.asset_name: c.after.pipe_segment.length_m for c in changes}
    for name, length in final.items():
        assert admin.GetAsset(api.GetAssetRequest(name=name)).pipe_segment.length_m == length


def test_two_replicas_on_postgresql_number_changes_in_commit_order(
    postgres_url, tokens_file, tokens
):
    settings = settings_for(postgres_url, tokens_file)
    replicas = [Registry(settings), Registry(settings)]
    for replica in replicas:
        replica.start(serve_metrics=False)
    clients = [
        Client(
            registry_service_pb2_grpc.RegistryServiceStub(grpc.insecure_channel(r.address())),
            tokens["admin"],
        )
        for r in replicas
    ]
    watcher = Watcher(clients[0], start_revision=0)
    writers, writes_each = 8, 30

    def write(writer: int):
        client = clients[writer % 2]
        for i in range(writes_each):
            asset = pipe(f"cities/330100/assets/r{writer}-{i % 3}", length_m=1 + i)
            client.UpdateAsset(api.UpdateAssetRequest(asset=asset, allow_missing=True))

    try:
        changes = watched_while_writing(watcher, write, writers, writes_each)
    finally:
        for replica in replicas:
            replica.stop()
    assert [c.revision for c in changes] == list(range(1, writers * writes_each + 1))
    versions: dict[str, int] = {}
    for change in changes:
        assert change.asset_version > versions.get(change.asset_name, 0)
        versions[change.asset_name] = change.asset_version
