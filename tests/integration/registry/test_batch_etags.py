"""Etags in BatchUpsertAssets and ImportAssets: an item that carries one is checked as a unary
update checks it, under the row locks the write takes; an item without one is an unconditional
upsert."""

import threading
import time

import grpc
import pytest

from services.registry.app.changeset import ChangeSet
from tests.builders import pipe
from tests.integration.registry.errors import error_info
from urban.registry.v1 import registry_service_pb2 as api

HANGZHOU = "cities/330100"
NAME = "cities/330100/assets/main-1"
OTHER = "cities/330100/assets/main-2"
NEW = "cities/330100/assets/new-1"


def batch_upsert(client, assets) -> api.BatchUpsertAssetsResponse:
    return client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(parent=HANGZHOU, assets=assets))


def import_assets(client, assets) -> api.ImportAssetsResponse:
    [answer] = client.ImportAssets(iter([api.ImportAssetsRequest(parent=HANGZHOU, assets=assets)]))
    return answer


WRITE_PATHS = {"BatchUpsertAssets": batch_upsert, "ImportAssets": import_assets}


@pytest.fixture(params=list(WRITE_PATHS))
def write(request):
    """Each test runs with both batch write paths (and, through database_url, both databases)."""
    return WRITE_PATHS[request.param]


def create(client, name: str, length_m: float = 100.0):
    return client.CreateAsset(
        api.CreateAssetRequest(
            parent=HANGZHOU, asset_id=name.rsplit("/", 1)[1], asset=pipe("", length_m=length_m)
        )
    )


def update_length(client, name: str, length_m: float, etag: str = ""):
    asset = pipe(name, length_m=length_m)
    asset.etag = etag
    return client.UpdateAsset(api.UpdateAssetRequest(asset=asset))


def with_etag(name: str, etag: str, length_m: float):
    asset = pipe(name, length_m=length_m)
    asset.etag = etag
    return asset


def get(client, name: str):
    return client.GetAsset(api.GetAssetRequest(name=name))


def head(client) -> int:
    return client.ListChanges(api.ListChangesRequest()).head_revision


def refused(write, client, assets) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        write(client, assets)
    return caught.value


def assert_stale_etag(error: grpc.RpcError, field: str, name: str) -> None:
    assert error.code() == grpc.StatusCode.ABORTED, error.details()
    info = error_info(error)
    assert info.reason == "ETAG_MISMATCH"
    assert info.metadata["field"] == field and info.metadata["name"] == name
    assert field in error.details()


def test_a_current_etag_is_accepted(admin, write):
    first = create(admin, NAME)
    answer = write(admin, [with_etag(NAME, first.etag, 80.0)])
    assert answer.updated_count == 1
    assert get(admin, NAME).pipe_segment.length_m == 80.0


def test_a_stale_etag_refuses_the_whole_batch_naming_the_item(admin, write):
    first = create(admin, NAME)
    create(admin, OTHER)
    update_length(admin, NAME, 90.0)
    before = head(admin)
    assets = [pipe(OTHER, length_m=5.0), pipe(NEW), with_etag(NAME, first.etag, 70.0)]
    error = refused(write, admin, assets)
    assert_stale_etag(error, "assets[2].etag", NAME)
    assert get(admin, NAME).pipe_segment.length_m == 90.0
    assert get(admin, OTHER).pipe_segment.length_m == 100.0
    with pytest.raises(grpc.RpcError) as missing:
        get(admin, NEW)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    assert head(admin) == before


def test_an_etag_on_an_asset_that_does_not_exist_is_aborted(admin, write):
    error = refused(write, admin, [pipe(NEW), with_etag(OTHER, '"1"', 70.0)])
    assert_stale_etag(error, "assets[1].etag", OTHER)
    assert head(admin) == 0


def test_an_etag_on_a_deleted_asset_is_aborted(admin, write):
    first = create(admin, NAME)
    admin.DeleteAsset(api.DeleteAssetRequest(name=NAME))
    error = refused(write, admin, [with_etag(NAME, first.etag, 70.0)])
    assert_stale_etag(error, "assets[0].etag", NAME)
    assert head(admin) == 2


def test_an_item_without_an_etag_is_an_unconditional_upsert(admin, write):
    create(admin, NAME)
    update_length(admin, NAME, 90.0)
    answer = write(admin, [pipe(NAME, length_m=60.0), pipe(NEW)])
    assert (answer.created_count, answer.updated_count) == (1, 1)
    assert get(admin, NAME).pipe_segment.length_m == 60.0


class HeldUpdate:
    """An UpdateAsset that, once it holds its asset's row lock, waits before it commits: a batch
    sent meanwhile must wait for the lock and then see the update's new etag."""

    def __init__(self, monkeypatch, name: str, hold_seconds: float):
        self.holding = threading.Event()
        self._name, self._hold_seconds = name, hold_seconds
        original = ChangeSet.stage_put

        def stage_put(changes: ChangeSet, content) -> None:
            if content.name == self._name and not self.holding.is_set():
                self.holding.set()
                time.sleep(self._hold_seconds)
            original(changes, content)

        monkeypatch.setattr(ChangeSet, "stage_put", stage_put)


def test_a_batch_sent_while_another_writer_updates_its_asset_is_refused(admin, write, monkeypatch):
    first = create(admin, NAME)
    held = HeldUpdate(monkeypatch, NAME, hold_seconds=1.5)
    updated = []
    updater = threading.Thread(
        target=lambda: updated.append(update_length(admin, NAME, 90.0, etag=first.etag))
    )
    updater.start()
    assert held.holding.wait(10)
    error = refused(write, admin, [pipe(NEW), with_etag(NAME, first.etag, 70.0)])
    updater.join(10)
    assert_stale_etag(error, "assets[1].etag", NAME)
    assert len(updated) == 1 and updated[0].etag != first.etag
    assert get(admin, NAME) == updated[0]
    with pytest.raises(grpc.RpcError):
        get(admin, NEW)
    assert head(admin) == 2


def test_concurrent_writers_never_overwrite_a_version_they_did_not_see(admin, write):
    """Writers read the asset, then send it back changed with the etag they read: every write
    that succeeds replaced exactly the version it read; the others were refused."""
    create(admin, NAME)
    outcomes: list[tuple[str, float]] = []  # (etag read, length written) of each success
    stale = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        for round_ in range(6):
            read = get(admin, NAME)
            length = 1000.0 * number + round_ + 1
            try:
                write(admin, [with_etag(NAME, read.etag, length)])
            except grpc.RpcError as error:
                assert error_info(error).reason == "ETAG_MISMATCH", error.details()
                with lock:
                    stale.append(number)
                continue
            with lock:
                outcomes.append((read.etag, length))

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    changes = admin.ListChanges(api.ListChangesRequest(page_size=1000)).changes
    updates = [change for change in changes if change.before.name]
    assert len(updates) == len(outcomes) and outcomes
    written = {(change.before.etag, change.after.pipe_segment.length_m) for change in updates}
    assert written == set(outcomes)
    assert stale, "four writers on one asset should have run into stale etags"
