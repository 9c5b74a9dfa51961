"""Following the registry through its Redis stream, in a consumer group shared by replicas.

Entries carry stream IDs `{revision}-1` and name the registry's log they belong to (its id and
epoch): the follower applies only entries of the log the registry answers with (GetChangeLog),
relisting when that log is not the one the read model followed, and sets aside entries of any
other log (a stream not yet started afresh for a new epoch, or another registry's). It first
re-reads its own pending entries, acknowledges only after the read model has committed, claims
entries a dead consumer left idle, and parks an entry that keeps failing in a dead-letter
stream. When the stream no longer holds changes the group has not seen (trimmed, or lost with a
Redis restart), it relists; an empty read model reads the stream from its start, and relists
only if that start is gone.
"""

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import closing

import grpc
import redis

from services.common.change_stream import LogSource, entry_id, stream_key
from services.risk.app.updates import ReadModelUpdates
from services.risk.config import RiskSettings
from services.risk.feed.following import LogMoved, RegistryFollower, registry_moved_from
from services.risk.feed.prefetch import gathered
from services.risk.feed.registry_client import RegistryClient
from services.risk.feed.relist import relist
from services.risk.feed.stream_entries import StreamEntries
from services.risk.metrics import FeedHealth

log = logging.getLogger(__name__)
GROUP = "risk"
READ_COUNT = 20_000  # entries a transaction at most (see watch.CATCH_UP_BATCH)


class StreamFollower(RegistryFollower):
    feed = "the Redis feed"
    transport_errors = (redis.RedisError, grpc.RpcError)

    def __init__(
        self,
        updates: ReadModelUpdates,
        registry: RegistryClient,
        health: FeedHealth,
        entries: StreamEntries,
    ):
        super().__init__(updates, registry, health)
        self._entries = entries
        self._source: LogSource | None = None

    @classmethod
    def connect(cls, updates, registry, health, settings: RiskSettings) -> "StreamFollower":
        client = redis.Redis.from_url(settings.redis_url)
        consumer = f"{socket.gethostname()}-{os.getpid()}"
        entries = StreamEntries(
            client,
            stream_key(settings.redis_prefix),
            GROUP,
            consumer,
            claim_idle_ms=int(settings.claim_idle_seconds * 1000),
        )
        return cls(updates, registry, health, entries)

    def _follow(self, source: LogSource, relisted: int | None) -> None:
        """Own pending entries first, one batch at a time so that a failing entry is found and
        parked; then new ones, overlapping (any failure starts over from the pending ones)."""
        self._source = source
        self._join_group()
        if relisted is not None:
            self._entries.reset_group(entry_id(relisted))
        self._process(self._entries.own_pending())
        # Read while the batch before is applied, and joined: entries that arrive meanwhile go
        # with the next batch. Closed before a failure leaves: the read under way finishes
        # first, so that what it delivered is among the pending entries the next round starts
        # with.
        with closing(gathered(self._deliveries(), READ_COUNT)) as deliveries:
            delivered = (self._readable(entries) for entries in deliveries)
            for entries, result in self._updates.apply_overlapping(delivered):
                self._entries.acknowledge([entry.entry_id for entry in entries])
                self._health.record_batch(result)

    def _deliveries(self) -> Iterator[list]:
        """What to apply next: entries claimed from idle consumers, then new ones. Read ahead,
        on another thread; a relist, when the stream lost entries the group never saw,
        happens there too, before the read that would pass the gap."""
        while not self._stopping.is_set():
            if self._log_moved.is_set():
                raise LogMoved("the registry's log moved")
            if self._entries.missed_some():
                self._relist()
            yield self._entries.claim_idle() + self._entries.read_new(READ_COUNT, block_ms=1000)

    def _join_group(self) -> None:
        self._entries.ensure_group(entry_id(self._updates.applied_revision()))

    def _relist(self) -> None:
        revision = relist(self._updates, self._registry, self._health)
        self._entries.reset_group(entry_id(revision))

    def _readable(self, entries: list) -> tuple[list, list]:
        """(the readable entries of the log followed, their changes); an unreadable one is
        parked at once, one of another log set aside."""
        entries = self._of_followed_log(entries)
        for unreadable in [entry for entry in entries if entry.change is None]:
            self._entries.park_if_hopeless(unreadable, ValueError("not an AssetChange"))
        readable = [entry for entry in entries if entry.change is not None]
        return readable, [entry.change for entry in readable]

    def _of_followed_log(self, entries: list) -> list:
        """The entries of the log followed. Others are never applied: if the registry's log
        moved, the follower starts over (and relists); if not, they belong to no log it will
        follow, and are acknowledged unapplied."""
        others = [entry for entry in entries if entry.source != self._source]
        if not others:
            return entries
        if registry_moved_from(self._source, self._registry):
            raise LogMoved("the registry's log moved")
        log.warning(
            "setting aside %d stream entries of %s: the registry's log is %s",
            len(others),
            others[0].source or "no named log",
            self._source,
        )
        self._entries.acknowledge([entry.entry_id for entry in others])
        self._health.foreign_entries.inc(len(others))
        return [entry for entry in entries if entry.source == self._source]

    def _process(self, entries: list) -> None:
        entries, _ = self._readable(entries)
        if not entries:
            return
        try:
            self._apply(entries)
        except self._updates.unavailable_errors:
            # No entry is to blame, so none may be parked for it: run() starts over, re-reading
            # this consumer's pending entries first.
            raise
        except Exception:
            log.exception("a batch of %d changes failed; applying them one by one", len(entries))
            for entry in entries:
                self._apply_alone(entry)

    def _apply(self, entries: list) -> None:
        result = self._updates.apply([entry.change for entry in entries])
        self._entries.acknowledge([entry.entry_id for entry in entries])
        self._health.record_batch(result)

    def _apply_alone(self, entry) -> None:
        try:
            self._apply([entry])
        except self._updates.unavailable_errors:
            raise
        except Exception as error:
            self._entries.park_if_hopeless(entry, error)
