"""The Redis consumer-group follower: own pending entries, claims, dead letters, and relisting
when the stream lost what the group never saw."""

import dataclasses
import threading

import pytest
from prometheus_client import CollectorRegistry

from services.common.change_stream import entry_id, source_fields, stream_key
from services.common.tokens import add_token
from services.registry.wiring import Registry
from services.risk.app.read_model import ReadModel
from services.risk.feed import translate
from services.risk.feed.redis_stream import GROUP, StreamFollower
from services.risk.feed.registry_client import RegistryClient
from services.risk.feed.stream_entries import StreamEntries
from services.risk.metrics import FeedHealth
from tests.builders import pipe
from tests.integration.registry.conftest import settings_for
from tests.integration.registry.in_process import batch_upsert
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api


@dataclasses.dataclass
class Rig:
    registry: Registry
    read_model: ReadModel
    client: RegistryClient
    health: FeedHealth
    metrics: CollectorRegistry
    redis: object
    stream: str

    def write(self, count: int, prefix: str = "p") -> None:
        names = [f"cities/330100/assets/{prefix}-{i}" for i in range(count)]
        request = api.BatchUpsertAssetsRequest(parent="cities/-", assets=[pipe(n) for n in names])
        batch_upsert(self.registry, request)

    def published(self, count: int) -> None:
        wait_until(lambda: self.redis.xlen(self.stream) >= count)

    def follower(self, consumer: str, **options) -> StreamFollower:
        entries = StreamEntries(self.redis, self.stream, GROUP, consumer, **options)
        return StreamFollower(self.read_model.updates, self.client, self.health, entries)

    def pending(self) -> int:
        return self.redis.xpending(self.stream, GROUP)["pending"]

    def applied(self) -> int:
        return self.read_model.updates.applied_revision()


@pytest.fixture
def rig(tmp_path, redis_client, redis_prefix):
    tokens_file = str(tmp_path / "tokens.yaml")
    token = add_token(tokens_file, "risk-service", ["assets.read:*"])
    settings = dataclasses.replace(
        settings_for(f"sqlite:///{tmp_path / 'registry.db'}", tokens_file),
        redis_url="redis://127.0.0.1:6379/0",
        redis_prefix=redis_prefix,
    )
    registry = Registry(settings, CollectorRegistry())
    registry.start(serve_metrics=False)
    read_model = ReadModel.open(f"sqlite:///{tmp_path / 'risk.db'}")
    metrics = CollectorRegistry()
    client = RegistryClient(registry.address(), token)
    yield Rig(
        registry,
        read_model,
        client,
        FeedHealth(metrics),
        metrics,
        redis_client,
        stream_key(redis_prefix),
    )
    client.close()
    read_model.close()
    registry.stop()


def running(follower: StreamFollower):
    thread = threading.Thread(target=follower.run, daemon=True)
    thread.start()
    return thread


def stop(follower: StreamFollower, thread: threading.Thread) -> None:
    follower.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()


def apply_first(rig: Rig, count: int) -> None:
    """The read model, following the registry's log, applies its first `count` changes."""
    rig.read_model.updates.follow_source(rig.client.change_log()[0])
    changes = rig.client.changes_page(1).changes[:count]
    rig.read_model.updates.apply([translate.change(change) for change in changes])


def test_a_restarted_consumer_applies_and_acknowledges_its_own_pending_entries(rig):
    rig.write(5)
    rig.published(5)
    apply_first(rig, 2)
    rig.redis.xgroup_create(rig.stream, GROUP, id=entry_id(2))
    delivered = rig.redis.xreadgroup(GROUP, "c1", {rig.stream: ">"}, count=10)
    assert len(delivered[0][1]) == 3 and rig.pending() == 3  # then the consumer died
    follower = rig.follower("c1")
    thread = running(follower)
    try:
        wait_until(lambda: rig.applied() == 5 and rig.pending() == 0)
    finally:
        stop(follower, thread)
    assert len(rig.read_model.queries.view().rollups) > 0


def test_entries_a_dead_consumer_left_idle_are_claimed(rig):
    rig.write(6)
    rig.published(6)
    apply_first(rig, 1)
    rig.redis.xgroup_create(rig.stream, GROUP, id=entry_id(1))
    rig.redis.xreadgroup(GROUP, "dead", {rig.stream: ">"}, count=10)
    follower = rig.follower("alive", claim_idle_ms=0)
    thread = running(follower)
    try:
        wait_until(lambda: rig.applied() == 6 and rig.pending() == 0)
    finally:
        stop(follower, thread)


def test_an_unreadable_entry_is_parked_in_the_dead_letter_stream(rig):
    rig.write(3)
    rig.published(3)
    apply_first(rig, 3)
    rig.redis.xgroup_create(rig.stream, GROUP, id=entry_id(3))
    rig.registry.relay.stop()  # it would start afresh a stream beyond what it published
    fields = {"change": b"\x00not a change", **source_fields(rig.client.change_log()[0])}
    rig.redis.xadd(rig.stream, fields, id=entry_id(4))
    follower = rig.follower("c1")
    thread = running(follower)
    try:
        wait_until(lambda: rig.redis.xlen(f"{rig.stream}:dead") == 1 and rig.pending() == 0)
    finally:
        stop(follower, thread)
    _, fields = rig.redis.xrange(f"{rig.stream}:dead")[0]
    assert fields[b"entry_id"] == b"4-1" and b"error" in fields


def test_a_gap_in_the_stream_makes_the_follower_list_everything_again(rig):
    rig.write(4)
    rig.published(4)
    apply_first(rig, 4)
    rig.redis.xgroup_create(rig.stream, GROUP, id=entry_id(4))
    rig.write(6, prefix="later")
    rig.published(10)
    rig.redis.xtrim(
        rig.stream, minid=entry_id(9), approximate=False
    )  # revisions 5 to 8 are gone unseen
    follower = rig.follower("c1")
    thread = running(follower)
    try:
        wait_until(lambda: rig.applied() == 10)
    finally:
        stop(follower, thread)
    assert rig.metrics.get_sample_value("urban_risk_relists_total") == 1
    names = {a.name for a in rig.client.list_assets()[1]}
    assert len(names) == 10
    assert rig.read_model.verification.recompute().consistent


def test_after_redis_lost_the_group_the_follower_carries_on(rig):
    rig.write(3)
    rig.published(3)
    follower = rig.follower("c1")
    thread = running(follower)
    try:
        wait_until(lambda: rig.applied() == 3)
        rig.redis.delete(rig.stream)  # as after a restart of a Redis that keeps nothing
        rig.write(2, prefix="after")
        wait_until(lambda: rig.applied() == 5)
    finally:
        stop(follower, thread)
    assert rig.read_model.verification.recompute().consistent
