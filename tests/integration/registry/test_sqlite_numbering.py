"""On SQLite every write transaction numbers its own changes as it appends them, so that no
change waits for the sequencer after its commit: single-asset writes committed together,
batches and imports alike. Revisions follow commit order and none is skipped."""

import datetime as dt
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask

from services.common.auth import Principal
from services.common.errors import DeadlineExceeded, InvalidArgument
from services.common.sql import transaction
from services.registry.app.assets import AssetUseCases
from services.registry.app.cities import CityDirectory
from services.registry.app.rights import Call
from services.registry.app.transactions import Transactions
from services.registry.storage import RegistryStorage, row_mapping
from services.registry.storage.row_mapping import ChangeLogEntry
from services.registry.storage.schema import changes, counters
from tests.builders import pipe
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

CITY = "cities/330100"
CALL_CITIES = frozenset({"330100"})
CALLER = Principal("tester", frozenset({"admin"}))


class _Registry:
    """The use cases over one storage, recording what each commit reports: `heads` the head
    revisions transactions numbered up to, `woken` the commits left to the sequencer."""

    def __init__(self, storage: RegistryStorage):
        self.heads: list[int] = []
        self.woken = 0
        self.transactions = Transactions(storage, self._wake, self.heads.append)
        self.assets = AssetUseCases(storage, CityDirectory(storage), self.transactions)

    def _wake(self) -> None:
        self.woken += 1


@pytest.fixture
def storage(sqlite_url):
    storage = RegistryStorage(sqlite_url)
    storage.prepare()
    yield storage
    storage.close()


@pytest.fixture
def registry(storage):
    registry = _Registry(storage)
    yield registry
    registry.transactions.stop()


def _call(alive=lambda: True):
    return Call(CALLER, CALL_CITIES, alive)


def _batch(names, *, validate_only=False, request_id=""):
    return api.BatchUpsertAssetsRequest(
        parent=CITY, assets=[pipe(name) for name in names], validate_only=validate_only,
        request_id=request_id,
    )


def _label(name: str, value: str):
    patch = r.Asset(name=name, labels={"k": value})
    return api.UpdateAssetRequest(asset=patch, update_mask=FieldMask(paths=["labels"]))


def _names(prefix: str, count: int) -> list[str]:
    return [f"{CITY}/assets/{prefix}{index}" for index in range(count)]


def _log(storage: RegistryStorage) -> list[tuple[int | None, str, int]]:
    """(revision, asset, version) of every change, in the order they were appended."""
    query = sa.select(changes.c.revision, changes.c.asset_name, changes.c.asset_version)
    with storage.reading() as connection:
        return [tuple(row) for row in connection.execute(query.order_by(changes.c.id))]


def _stored_head(storage: RegistryStorage) -> int:
    query = sa.select(counters.c.value).where(counters.c.name == "revision")
    with storage.reading() as connection:
        return connection.scalar(query)


def test_a_batch_numbers_its_changes_in_its_own_transaction(storage, registry):
    registry.assets.batch_upsert(_batch(_names("b", 3)), _call())

    assert [revision for revision, _, _ in _log(storage)] == [1, 2, 3]
    assert _stored_head(storage) == 3
    assert registry.heads == [3] and registry.woken == 0


def test_a_batch_undone_after_appending_its_changes_leaves_no_gap(storage, registry):
    registry.assets.batch_upsert(_batch(_names("first", 2)), _call())
    with pytest.raises(DeadlineExceeded):  # checked once the changes are appended
        registry.assets.batch_upsert(_batch(_names("late", 3)), _call(alive=lambda: False))
    with pytest.raises(InvalidArgument):
        registry.assets.batch_upsert(_batch(["not a name"]), _call())
    registry.assets.batch_upsert(_batch(_names("next", 2)), _call())

    log = _log(storage)
    assert [revision for revision, _, _ in log] == [1, 2, 3, 4]
    assert [name for _, name, _ in log] == _names("first", 2) + _names("next", 2)
    assert _stored_head(storage) == 4
    assert registry.heads == [2, 4]


def test_a_batch_only_validated_takes_no_revision(storage, registry):
    registry.assets.batch_upsert(_batch(_names("v", 2), validate_only=True), _call())
    registry.assets.batch_upsert(_batch(_names("w", 1)), _call())

    assert [revision for revision, _, _ in _log(storage)] == [1]
    assert registry.heads == [1]


def test_a_batch_replayed_by_its_request_id_takes_no_revision(storage, registry):
    for _ in range(2):
        registry.assets.batch_upsert(_batch(_names("r", 2), request_id="once"), _call())

    assert [revision for revision, _, _ in _log(storage)] == [1, 2]
    assert registry.heads == [2]


def test_single_writes_and_batches_interleaved_are_numbered_in_commit_order(storage, registry):
    """Each transaction holds the only write lock from its first revision to its commit, and
    takes versions under the same lock: in revision order, versions only grow."""
    singles = _names("s", 8)
    registry.assets.batch_upsert(_batch(singles), _call())
    rng = random.Random(7)

    def single(index: int):
        registry.assets.update(_label(rng.choice(singles), str(index)), _call())

    def batch(index: int):
        names = rng.sample(singles, 3) + _names(f"batch{index}-", 2)
        registry.assets.batch_upsert(_batch(names), _call())

    work = [single if index % 3 else batch for index in range(60)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda indexed: indexed[1](indexed[0]), enumerate(work)))

    log = sorted(_log(storage))
    revisions = [revision for revision, _, _ in log]
    versions = [version for _, _, version in log]
    assert revisions == list(range(1, len(log) + 1))
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert _stored_head(storage) == len(log)
    assert max(registry.heads) == len(log) and registry.woken == 0


def test_changes_another_process_left_to_the_sequencer_are_numbered_first(storage, registry):
    """Changes committed without a revision (by a registry process of an earlier release
    sharing the file): the next write transaction, a batch or a single write, numbers them
    before its own."""
    _append_unnumbered(storage, _names("o", 2))
    waiting = _log(storage)
    registry.assets.batch_upsert(_batch(_names("t", 1)), _call())
    _append_unnumbered(storage, _names("o2-", 1))
    registry.assets.update(_label(_names("t", 1)[0], "x"), _call())

    assert [revision for revision, _, _ in waiting] == [None, None]
    assert [revision for revision, _, _ in _log(storage)] == [1, 2, 3, 4, 5]
    assert registry.heads == [3, 5] and _stored_head(storage) == 5


def _append_unnumbered(storage: RegistryStorage, names: list[str]) -> None:
    now = dt.datetime.now(dt.UTC)
    rows = [
        row_mapping.change_row(ChangeLogEntry(r.CHANGE_TYPE_CREATED, name, None, b"", 0, now,
                                              "earlier release", ""))
        for name in names
    ]  # fmt: skip
    with transaction(storage.engine, write=True) as connection:
        connection.execute(changes.insert(), rows)
