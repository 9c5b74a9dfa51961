"""WatchChanges: the log from any revision, then live, in revision order, per city."""

import queue
import threading

import grpc

from tests.builders import pipe
from urban.registry.v1 import registry_service_pb2 as api


def upsert(client, *names):
    assets = [pipe(name) for name in names]
    client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(parent="cities/-", assets=assets))


class Watcher:
    """Collects a WatchChanges stream on a thread."""

    def __init__(self, client, **request):
        self.received: queue.Queue = queue.Queue()
        self.call = client.WatchChanges(api.WatchChangesRequest(**request))
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self):
        try:
            for change in self.call:
                self.received.put(change)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.CANCELLED:
                self.received.put(error)

    def take(self, count: int, timeout: float = 15.0) -> list:
        changes = [self.received.get(timeout=timeout) for _ in range(count)]
        assert all(not isinstance(change, grpc.RpcError) for change in changes), changes
        return changes

    def close(self):
        self.call.cancel()
        self.thread.join(timeout=5)


def test_watch_from_zero_replays_the_log_then_follows_live(admin):
    upsert(admin, "cities/330100/assets/a", "cities/330100/assets/b")
    watcher = Watcher(admin, start_revision=0)
    try:
        replayed = watcher.take(2)
        upsert(admin, "cities/330100/assets/c")
        live = watcher.take(1)
    finally:
        watcher.close()
    assert [c.revision for c in replayed + live] == [1, 2, 3]
    assert live[0].asset_name == "cities/330100/assets/c"


def test_watch_from_a_revision_starts_there(admin):
    upsert(admin, *[f"cities/330100/assets/x-{i}" for i in range(5)])
    watcher = Watcher(admin, start_revision=4)
    try:
        assert [c.revision for c in watcher.take(2)] == [4, 5]
        assert watcher.received.empty()
    finally:
        watcher.close()


def test_watch_of_one_city_sees_only_that_city(admin):
    watcher = Watcher(admin, start_revision=0, parent="cities/330200")
    try:
        upsert(admin, "cities/330100/assets/a", "cities/330200/assets/b")
        upsert(admin, "cities/330100/assets/c")
        upsert(admin, "cities/330200/assets/d")
        names = [c.asset_name for c in watcher.take(2)]
    finally:
        watcher.close()
    assert names == ["cities/330200/assets/b", "cities/330200/assets/d"]


def test_list_changes_pages_through_the_log(admin):
    upsert(admin, *[f"cities/330100/assets/l-{i}" for i in range(25)])
    seen, start = [], 0
    while True:
        page = admin.ListChanges(api.ListChangesRequest(start_revision=start, page_size=10))
        seen += [c.revision for c in page.changes]
        if not page.changes:
            break
        start = page.next_revision
    assert seen == list(range(1, 26)) and page.head_revision == 25
