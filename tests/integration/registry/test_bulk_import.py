"""ImportAssets: batches streamed, each validated whole and committed on its own, in order, with
one change per changed asset; request ids make reruns cheap and harmless."""

from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
import sqlalchemy as sa

from services.registry.storage.writes import WriteSession
from tests.builders import compound, pipe
from tests.integration.registry.errors import error_info, violations
from tests.integration.registry.test_watch import Watcher
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

HANGZHOU = "cities/330100"


def pipes(count: int, prefix: str = "p", city: str = "330100", **spec) -> list[r.Asset]:
    return [pipe(f"cities/{city}/assets/{prefix}-{i:04d}", **spec) for i in range(count)]


def batch(assets, request_id: str = "", parent: str = HANGZHOU) -> api.ImportAssetsRequest:
    return api.ImportAssetsRequest(parent=parent, assets=assets, request_id=request_id)


def counts(response: api.ImportAssetsResponse) -> tuple[int, int, int]:
    return response.created_count, response.updated_count, response.unchanged_count


def import_all(client, *batches) -> list[api.ImportAssetsResponse]:
    return list(client.ImportAssets(iter(batches)))


def import_until_refused(client, *batches) -> tuple[list, grpc.RpcError]:
    """The answers received before the stream ended with an error, and that error."""
    answers = []
    with pytest.raises(grpc.RpcError) as refused:
        for answer in client.ImportAssets(iter(batches)):
            answers.append(answer)
    return answers, refused.value


def head(client) -> int:
    return client.ListChanges(api.ListChangesRequest()).head_revision


def all_changes(client) -> list[r.AssetChange]:
    changes, start = [], 1
    while page := client.ListChanges(api.ListChangesRequest(start_revision=start, page_size=5000)):
        changes += page.changes
        if not page.changes:
            return changes
        start = page.next_revision


def stored_count(client) -> int:
    listing = client.ListAssets(api.ListAssetsRequest(parent="cities/-", page_size=1000))
    return len(listing.assets)


def test_each_batch_is_answered_in_order_once_stored_with_one_change_per_asset(admin):
    answers = import_all(
        admin, batch(pipes(50, "a"), "first"), batch(pipes(30, "b"), "second"), batch(pipes(1, "c"))
    )
    assert [counts(answer) for answer in answers] == [(50, 0, 0), (30, 0, 0), (1, 0, 0)]
    assert [answer.request_id for answer in answers] == ["first", "second", ""]
    changes = all_changes(admin)
    assert [change.revision for change in changes] == list(range(1, 82))
    assert {change.type for change in changes} == {r.CHANGE_TYPE_CREATED}
    assert [c.asset_name for c in changes[:2]] == [
        f"{HANGZHOU}/assets/a-0000",
        f"{HANGZHOU}/assets/a-0001",
    ]
    stored = admin.GetAsset(api.GetAssetRequest(name=f"{HANGZHOU}/assets/b-0007"))
    assert stored == changes[57].after
    assert (stored.etag, stored.pipe_segment.length_m) == (f'"{stored.version}"', 120.0)
    assert stored.create_time == stored.update_time == changes[57].commit_time


def test_an_invalid_item_refuses_its_batch_naming_it_and_the_batches_before_stay(admin):
    invalid = pipes(20, "b")
    invalid[7].pipe_segment.length_m = 0
    invalid[12].geojson = '{"type":"Point","coordinates":[120.1,30.2]}'
    answers, error = import_until_refused(
        admin, batch(pipes(20, "a"), "a"), batch(invalid, "b"), batch(pipes(20, "c"), "c")
    )
    assert [counts(answer) for answer in answers] == [(20, 0, 0)]
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(error)) == {"assets[7].pipe_segment.length_m", "assets[12].geojson"}
    assert error_info(error).metadata["batch_index"] == "1"
    assert error_info(error).metadata["request_id"] == "b"
    assert stored_count(admin) == 20 and head(admin) == 20


def test_items_outside_the_parent_repeated_or_too_many_are_named(admin):
    assets = pipes(3) + [pipe("cities/330200/assets/x"), pipe(f"{HANGZHOU}/assets/p-0001")]
    _, error = import_until_refused(admin, batch(assets))
    assert {"assets[3].name", "assets[4].name"} <= set(violations(error))
    _, error = import_until_refused(admin, batch(pipes(10_001)))
    assert set(violations(error)) == {"assets"}
    assert head(admin) == 0


def test_a_batch_of_other_kinds_is_checked_by_the_same_rules(admin):
    good = [compound(f"{HANGZHOU}/assets/c-{i}") for i in range(3)]
    bad = [compound(f"{HANGZHOU}/assets/d-{i}") for i in range(3)]
    bad[2].old_compound.ClearField("start_date")  # STARTED needs a start date
    assert counts(import_all(admin, batch(good))[0]) == (3, 0, 0)
    _, error = import_until_refused(admin, batch(bad))
    assert set(violations(error)) == {"assets[2].old_compound.start_date"}


def test_a_batch_sent_again_with_its_request_id_is_answered_as_first_and_changes_nothing(admin):
    first = import_all(admin, batch(pipes(10), "nightly-1"))[0]
    changed = pipes(10, length_m=99.0)
    again = import_all(admin, batch(changed, "nightly-1"))[0]
    assert again.replayed and not first.replayed
    again.replayed = False
    assert again == first and counts(again) == (10, 0, 0)
    assert head(admin) == 10
    stored = admin.GetAsset(api.GetAssetRequest(name=f"{HANGZHOU}/assets/p-0003"))
    assert stored.pipe_segment.length_m == 120.0


def test_a_rerun_after_a_refused_batch_repeats_nothing_and_finishes_the_rest(admin):
    broken = pipes(10, "b")
    broken[4].pipe_segment.diameter_mm = 1
    first_try = [
        batch(pipes(10, "a"), "id-a"),
        batch(broken, "id-b"),
        batch(pipes(10, "c"), "id-c"),
    ]
    answers, _ = import_until_refused(admin, *first_try)
    assert len(answers) == 1 and head(admin) == 10
    rerun = [first_try[0], batch(pipes(10, "b"), "id-b"), first_try[2]]
    answers = import_all(admin, *rerun)
    assert [counts(answer) for answer in answers] == [(10, 0, 0), (10, 0, 0), (10, 0, 0)]
    changes = all_changes(admin)
    assert len(changes) == 30 and len({change.asset_name for change in changes}) == 30


def test_a_request_id_used_by_another_method_is_refused(admin):
    admin.BatchUpsertAssets(
        api.BatchUpsertAssetsRequest(parent=HANGZHOU, assets=pipes(1), request_id="shared")
    )
    _, error = import_until_refused(admin, batch(pipes(2, "q"), "shared"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(error)) == {"request_id"}


def test_unchanged_assets_record_nothing_and_changed_ones_one_update_each(admin):
    import_all(admin, batch(pipes(30)))
    resent = import_all(admin, batch(pipes(30)))[0]
    assert counts(resent) == (0, 0, 30) and head(admin) == 30
    nightly = pipes(30)
    nightly[3].pipe_segment.status = r.PIPE_STATUS_RENOVATION_PLANNED
    nightly[9].labels["survey"] = "2025"
    nightly[9].version = 999  # output fields sent along are ignored, but for a checked etag
    answer = import_all(admin, batch(nightly + pipes(1, "new")))[0]
    assert counts(answer) == (1, 2, 28)
    updates = all_changes(admin)[30:]
    assert [(c.type, c.asset_name) for c in updates] == [
        (r.CHANGE_TYPE_UPDATED, f"{HANGZHOU}/assets/p-0003"),
        (r.CHANGE_TYPE_UPDATED, f"{HANGZHOU}/assets/p-0009"),
        (r.CHANGE_TYPE_CREATED, f"{HANGZHOU}/assets/new-0000"),
    ]
    first_version = all_changes(admin)[9].after
    update = updates[1]
    assert update.before == first_version
    assert update.after.version > first_version.version
    assert update.after.create_time == first_version.create_time
    assert update.after.labels["survey"] == "2025"


def test_a_deleted_asset_imported_again_is_created_anew_with_a_higher_version(admin):
    import_all(admin, batch(pipes(2)))
    name = f"{HANGZHOU}/assets/p-0001"
    deleted = admin.GetAsset(api.GetAssetRequest(name=name))
    admin.DeleteAsset(api.DeleteAssetRequest(name=name))
    answer = import_all(admin, batch(pipes(2)))[0]
    assert counts(answer) == (1, 0, 1)
    recreated = admin.GetAsset(api.GetAssetRequest(name=name))
    assert recreated.version > deleted.version + 1
    last = all_changes(admin)[-1]
    assert (last.type, last.HasField("before")) == (r.CHANGE_TYPE_CREATED, False)
    assert recreated.create_time == last.commit_time


def test_a_watcher_sees_every_change_in_revision_order(admin):
    watcher = Watcher(admin, start_revision=0)
    try:
        import_all(admin, batch(pipes(200, "a")), batch(pipes(150, "b")))
        admin.BatchUpsertAssets(api.BatchUpsertAssetsRequest(parent=HANGZHOU, assets=pipes(5, "c")))
        import_all(admin, batch(pipes(200, "a", length_m=7.5) + pipes(45, "d")))
        changes = watcher.take(600, timeout=60)
    finally:
        watcher.close()
    assert [change.revision for change in changes] == list(range(1, 601))
    assert [change.asset_name for change in changes[:3]] == [
        f"{HANGZHOU}/assets/a-0000", f"{HANGZHOU}/assets/a-0001", f"{HANGZHOU}/assets/a-0002"
    ]  # fmt: skip
    assert (
        changes[355].type == r.CHANGE_TYPE_UPDATED
        and changes[355].after.pipe_segment.length_m == 7.5
    )


def test_batches_of_one_stream_commit_in_its_order_even_when_they_share_assets(admin):
    """Later batches are readied while earlier ones commit; one that rewrites an earlier
    batch's assets waits for it, so the last batch sent is what stays."""
    stream = [
        batch(pipes(300, "a"), "1"),
        batch(pipes(300, "b"), "2"),
        batch(pipes(300, "a", length_m=7.5), "3"),  # the assets of batch 1 again
        batch(pipes(300, "c"), "4"),
        batch(pipes(150, "b", length_m=2.5) + pipes(150, "d"), "5"),
        batch(pipes(300, "e"), "6"),
    ]
    answers = import_all(admin, *stream)
    assert [answer.request_id for answer in answers] == ["1", "2", "3", "4", "5", "6"]
    assert [counts(answer) for answer in answers] == [
        (300, 0, 0), (300, 0, 0), (0, 300, 0), (300, 0, 0), (150, 150, 0), (300, 0, 0)
    ]  # fmt: skip
    changes = all_changes(admin)
    assert [change.revision for change in changes] == list(range(1, 1801))
    assert [change.request_id for change in changes[::300]] == ["1", "2", "3", "4", "5", "6"]
    latest: dict[str, r.Asset] = {}
    for change in changes:
        before = latest.get(change.asset_name)
        assert before is None or (change.before == before and change.after.version > before.version)
        latest[change.asset_name] = change.after
    a_0 = admin.GetAsset(api.GetAssetRequest(name=f"{HANGZHOU}/assets/a-0000"))
    b_0 = admin.GetAsset(api.GetAssetRequest(name=f"{HANGZHOU}/assets/b-0000"))
    assert (a_0.pipe_segment.length_m, b_0.pipe_segment.length_m) == (7.5, 2.5)


def test_imports_and_concurrent_updates_keep_revisions_in_commit_order(admin):
    names = [f"{HANGZHOU}/assets/p-{i:04d}" for i in range(0, 400, 40)]
    watcher = Watcher(admin, start_revision=0)

    def update(round_: int) -> None:
        for name in names:
            asset = pipe(name, length_m=1000 + round_)
            admin.UpdateAsset(api.UpdateAssetRequest(asset=asset, allow_missing=True))

    def load(round_: int) -> None:
        import_all(admin, batch(pipes(400, length_m=1 + round_)))

    try:
        with ThreadPoolExecutor(4) as pool:
            list(
                pool.map(
                    lambda job: job[0](job[1]), [(load, 0), (update, 0), (load, 1), (update, 1)]
                )
            )
        expected = head(admin)
        changes = watcher.take(expected, timeout=60)
    finally:
        watcher.close()
    assert [change.revision for change in changes] == list(range(1, expected + 1))
    latest: dict[str, r.Asset] = {}
    for change in changes:
        before = latest.get(change.asset_name)
        assert before is None or change.after.version > before.version
        assert before is None or change.before == before
        latest[change.asset_name] = change.after
    for name in names:
        assert admin.GetAsset(api.GetAssetRequest(name=name)) == latest[name]


class CreatingWhileImporting:
    """The import's storage, with another writer creating one of the batch's assets each time
    the import has just locked what was stored: retried whole, the import would lose this race
    more often than a write may (8 times) and answer ABORTED."""

    def __init__(self, writer, creator, names: list[str], races: int):
        self._writer, self._creator, self._names = writer, creator, names
        self.created: list[str] = []
        self._races = races

    def __getattr__(self, method):
        return getattr(self._writer, method)

    def stored(self, names):
        stored = self._writer.stored(names)
        if len(self.created) < self._races:
            name = next(name for name in self._names if name not in stored and name in names)
            asset = pipe(name, length_m=1000)
            self._creator.UpdateAsset(api.UpdateAssetRequest(asset=asset, allow_missing=True))
            self.created.append(name)
        return stored


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_assets_created_while_an_import_runs_are_updated_by_it_without_starting_over(
    admin, monkeypatch
):
    assets = pipes(20, length_m=5)
    names = [asset.name for asset in assets]
    racing: list[CreatingWhileImporting] = []

    bulk_writer = WriteSession.bulk_writer

    def racing_writer(session):
        racing.append(CreatingWhileImporting(bulk_writer(session), admin, names, races=10))
        return racing[-1]

    monkeypatch.setattr(WriteSession, "bulk_writer", racing_writer)
    [answer] = import_all(admin, batch(assets))
    assert len(racing) == 1 and racing[0].created == names[:10]
    assert counts(answer) == (10, 10, 0)
    changes = all_changes(admin)
    assert [(change.type, change.asset_name) for change in changes[:10]] == [
        (r.CHANGE_TYPE_CREATED, name) for name in names[:10]
    ]
    assert [change.revision for change in changes] == list(range(1, 31))
    for created, imported in zip(changes[:10], changes[10:20], strict=True):
        assert imported.before == created.after and imported.type == r.CHANGE_TYPE_UPDATED
        assert imported.after.version > created.after.version
    listing = admin.ListAssets(api.ListAssetsRequest(parent=HANGZHOU, page_size=100))
    assert {asset.pipe_segment.length_m for asset in listing.assets} == {5}


def test_writing_another_citys_batch_is_permission_denied_and_writes_nothing(clients):
    hangzhou, admin = clients["hangzhou"], clients["admin"]
    answers, error = import_until_refused(
        hangzhou, batch(pipes(5), "mine"), batch(pipes(5, city="330200"), parent="cities/330200")
    )
    assert [counts(answer) for answer in answers] == [(5, 0, 0)]
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_info(error).metadata["scope"] == "assets.write:330200"
    spanning = pipes(3, "s") + pipes(1, "n", city="330200")
    _, error = import_until_refused(hangzhou, batch(spanning, parent="cities/-"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert head(admin) == 5 and stored_count(admin) == 5


def test_a_read_only_token_cannot_import(clients):
    _, error = import_until_refused(clients["reader"], batch(pipes(1)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert head(clients["admin"]) == 0


def test_an_imported_asset_is_stored_as_a_created_one_is(admin, registry):
    """Geometry, labels and every other column alike, whichever path wrote them."""
    line = '{"type": "LineString", "coordinates": [[120.1234567, 30.2345678], [120.13, 30.24]]}'
    labels = {"inspection": "2024-05", "zone": "北区"}
    created, imported = pipe(""), pipe(f"{HANGZHOU}/assets/imported")
    for asset in (created, imported):
        asset.geojson = line
        asset.labels.update(labels)
    admin.CreateAsset(api.CreateAssetRequest(parent=HANGZHOU, asset_id="created", asset=created))
    import_all(admin, batch([imported]))
    assert stored_columns(registry, "created") == stored_columns(registry, "imported")


def stored_columns(registry, asset_id: str) -> dict:
    """The asset's row without its name, version and times; the geometry as EWKB on PostgreSQL
    (on SQLite the key of its box, which follows from the name)."""
    assets = sa.table(
        "assets", *(sa.column(name) for name in (
            "name", "city_code", "kind", "status", "district_code", "external_id", "labels",
            "deleted", "geometry", "box_west", "box_south", "box_east", "box_north",
        ))
    )  # fmt: skip
    with registry.storage.reading() as connection:
        postgres = connection.dialect.name == "postgresql"
        geometry = sa.func.ST_AsEWKB(assets.c.geometry) if postgres else sa.null()
        query = sa.select(*assets.c, geometry).where(
            assets.c.name == f"{HANGZHOU}/assets/{asset_id}"
        )
        row = connection.execute(query).mappings().one()
    return {key: value for key, value in row.items() if key not in ("name", "geometry")}
