"""The outbox relay: the change log reaches the Redis stream once per revision, in order."""

import dataclasses

import pytest
from prometheus_client import CollectorRegistry

from services.common.change_stream import (
    LogSource,
    entry_id,
    marker_key,
    source_fields,
    source_of,
    stream_key,
)
from services.registry.metrics import RegistryCollector
from services.registry.relay import CHECKPOINT, RedisRelay
from services.registry.storage.reads import ChangeQuery
from services.registry.wiring import Registry
from tests.builders import pipe
from tests.integration.registry.in_process import batch_upsert
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r


@pytest.fixture
def relaying_registry(registry_settings, redis_prefix):
    settings = dataclasses.replace(
        registry_settings, redis_url="redis://127.0.0.1:6379/0", redis_prefix=redis_prefix
    )
    service = Registry(settings, CollectorRegistry())
    service.start(serve_metrics=False)
    yield service
    service.stop()


def write(registry, count: int, prefix: str = "p"):
    for start in range(0, count, 1000):
        names = [
            f"cities/330100/assets/{prefix}-{i}" for i in range(start, min(count, start + 1000))
        ]
        request = api.BatchUpsertAssetsRequest(
            parent="cities/330100", assets=[pipe(n) for n in names]
        )
        batch_upsert(registry, request)


def stream_revisions(redis_client, prefix) -> list[int]:
    entries = redis_client.xrange(stream_key(prefix))
    return [int(entry_id.decode().split("-")[0]) for entry_id, _ in entries]


def published(redis_client, prefix, count: int) -> list[int]:
    """The stream's revisions once it holds `count` entries."""
    return wait_until(lambda: _when_length(stream_revisions(redis_client, prefix), count))


def _when_length(revisions: list[int], count: int) -> list[int] | None:
    return revisions if len(revisions) == count else None


def test_every_change_is_published_once_in_revision_order(
    relaying_registry, redis_client, redis_prefix
):
    write(relaying_registry, 2500)
    assert published(redis_client, redis_prefix, 2500) == list(range(1, 2501))
    _, fields = redis_client.xrange(stream_key(redis_prefix), count=1)[0]
    change = r.AssetChange.FromString(fields[b"change"])
    assert change.revision == 1 and change.after.name.startswith("cities/330100/assets/p-")
    metrics = relaying_registry.metrics
    wait_until(lambda: metrics.get_sample_value("urban_registry_outbox_backlog") == 0)
    assert metrics.get_sample_value("urban_registry_head_revision") == 2500


def test_after_redis_loses_the_stream_the_relay_publishes_again(
    relaying_registry, redis_client, redis_prefix
):
    write(relaying_registry, 300)
    published(redis_client, redis_prefix, 300)
    redis_client.delete(stream_key(redis_prefix))
    write(relaying_registry, 10, prefix="q")
    assert published(redis_client, redis_prefix, 310) == list(range(1, 311))


def test_a_second_pass_publishes_nothing_twice(relaying_registry, redis_client, redis_prefix):
    write(relaying_registry, 50)
    published(redis_client, redis_prefix, 50)
    relaying_registry.relay.publish_pending()
    assert stream_revisions(redis_client, redis_prefix) == list(range(1, 51))


class LosingTheStreamOnce:
    """A Redis client that, after the relay's next pipeline read the stream's end and before its
    transaction starts, loses the stream (a flush) and sees a consumer make it again, empty,
    for its group."""

    def __init__(self, client, prefix: str):
        self._client, self._stream = client, stream_key(prefix)
        self.armed = False

    def __getattr__(self, method):
        return getattr(self._client, method)

    def pipeline(self, **options):
        return _LosingPipeline(self, self._client.pipeline(**options))

    def lose_if_armed(self) -> None:
        if self.armed:
            self.armed = False
            self._client.delete(self._stream)
            self._client.xgroup_create(self._stream, "risk", id="0", mkstream=True)


class _LosingPipeline:
    def __init__(self, losing: LosingTheStreamOnce, pipeline):
        self._losing, self._pipeline = losing, pipeline

    def __getattr__(self, method):
        return getattr(self._pipeline, method)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._pipeline.reset()

    def multi(self):
        self._losing.lose_if_armed()
        self._pipeline.multi()


def armed_after_publishing(
    registry, client: LosingTheStreamOnce, prefix: str, published: int, pending: int
) -> RedisRelay:
    """A relay through the client that has published `published` changes, with `pending` more
    written since and the client's fault armed for the next pass."""
    relay = RedisRelay(registry.storage, registry.feed, client, prefix)
    write(registry, published)
    wait_until(lambda: registry.feed.head() == published)
    assert relay.publish_pending() == published
    write(registry, pending, prefix="q")
    wait_until(lambda: registry.feed.head() == published + pending)
    client.armed = True
    return relay


def test_entries_lost_while_publishing_are_published_again_leaving_no_gap(
    registry, redis_client, redis_prefix
):
    losing = LosingTheStreamOnce(redis_client, redis_prefix)
    relay = armed_after_publishing(registry, losing, redis_prefix, published=300, pending=10)
    assert relay.publish_pending() == 0
    while relay.publish_pending():
        pass
    assert stream_revisions(redis_client, redis_prefix) == list(range(1, 311))


def registry_source(registry) -> LogSource:
    return registry.feed.source()


def test_each_entry_and_the_marker_name_the_registry_log(
    relaying_registry, redis_client, redis_prefix
):
    write(relaying_registry, 20)
    published(redis_client, redis_prefix, 20)
    ours = registry_source(relaying_registry)
    assert ours.epoch == 1 and len(ours.registry_id) == 36
    entries = redis_client.xrange(stream_key(redis_prefix))
    assert {source_of(fields) for _, fields in entries} == {ours}
    marker = redis_client.hgetall(marker_key(redis_prefix))
    assert source_of(marker) == ours and int(marker[b"head"]) == 20


def test_a_stream_of_another_registry_is_started_afresh_for_this_one(
    registry, redis_client, redis_prefix
):
    other = LogSource("another-registry", 1)
    for revision in range(1, 501):
        fields = {b"change": b"theirs", **source_fields(other)}
        redis_client.xadd(stream_key(redis_prefix), fields, id=entry_id(revision))
    redis_client.hset(marker_key(redis_prefix), mapping={**source_fields(other), b"head": 500})
    relay = RedisRelay(registry.storage, registry.feed, redis_client, redis_prefix)
    write(registry, 30)
    wait_until(lambda: registry.feed.head() == 30)
    assert relay.publish_pending() == 30
    assert stream_revisions(redis_client, redis_prefix) == list(range(1, 31))
    assert source_of(redis_client.hgetall(marker_key(redis_prefix))) == registry_source(registry)
    assert relay.restarts == {"other_registry": 1}


def test_a_log_behind_its_marked_head_moves_to_a_new_epoch_and_is_published_again(
    registry, redis_client, redis_prefix
):
    relay = RedisRelay(registry.storage, registry.feed, redis_client, redis_prefix)
    write(registry, 40)
    wait_until(lambda: registry.feed.head() == 40)
    assert relay.publish_pending() == 40
    redis_client.hset(marker_key(redis_prefix), b"head", 90)  # its log once reached 90
    assert relay.publish_pending() == 40
    assert registry_source(registry).epoch == 2
    entries = redis_client.xrange(stream_key(redis_prefix))
    assert {source_of(fields).epoch for _, fields in entries} == {2}
    assert stream_revisions(redis_client, redis_prefix) == list(range(1, 41))
    assert relay.restarts == {"new": 1, "rewound": 1}


class AddingForeignEntryOnce(LosingTheStreamOnce):
    """Another writer, ignoring the marker, adds an entry far ahead just before the relay's
    transaction."""

    def lose_if_armed(self) -> None:
        if self.armed:
            self.armed = False
            self._client.xadd(self._stream, {b"change": b"not ours"}, id=entry_id(10**9))


def test_entries_redis_refuses_are_counted_as_failed_not_published(
    registry, redis_client, redis_prefix
):
    foreign = AddingForeignEntryOnce(redis_client, redis_prefix)
    relay = armed_after_publishing(registry, foreign, redis_prefix, published=10, pending=5)
    assert relay.publish_pending() == 0
    assert (relay.published_total, relay.failed_total) == (10, 5)
    metrics = CollectorRegistry()
    metrics.register(RegistryCollector(registry.storage, relay, CHECKPOINT))
    assert metrics.get_sample_value("urban_registry_relay_failed_writes_total") == 5
    assert metrics.get_sample_value("urban_registry_relay_published_total") == 10
    assert relay.publish_pending() == 15  # the stream is started afresh without the intruder
    assert stream_revisions(redis_client, redis_prefix) == list(range(1, 16))
    assert relay.restarts["foreign_entries"] == 1



def test_published_changes_read_as_the_log_lists_them(relaying_registry):
    write(relaying_registry, 20)
    names = [f"cities/330100/assets/p-{i}" for i in range(5)]
    request = api.BatchUpsertAssetsRequest(
        parent="cities/330100", assets=[pipe(n, length_m=7.5) for n in names]
    )
    batch_upsert(relaying_registry, request)  # updates: a before and an after
    query = ChangeQuery(1, 100)
    wait_until(lambda: len(relaying_registry.storage.list_changes(query)) == 25)
    listed = relaying_registry.storage.list_changes(query)
    serialized = relaying_registry.storage.list_serialized_changes(query)
    assert len(listed) == 25 and listed[-1].HasField("before")
    assert [change.revision for change in serialized] == [change.revision for change in listed]
    assert [r.AssetChange.FromString(change.data) for change in serialized] == listed
