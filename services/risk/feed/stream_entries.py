"""The Redis side of the stream follower: the group, reads, claims, acks and dead letters."""

import logging
from typing import NamedTuple

import redis

from services.common.change_stream import (
    EPOCH_FIELD,
    REGISTRY_FIELD,
    LogSource,
    revision_of,
    source_of,
)
from services.risk.domain.facts import Change
from services.risk.feed import change_messages, translate

log = logging.getLogger(__name__)
CLAIM_IDLE_MS = 30_000
MAX_DELIVERIES = 5


class Entry(NamedTuple):  # one per change read: a third of what a frozen dataclass costs
    entry_id: bytes
    change: Change | None
    fields: dict
    source: LogSource | None  # the log the entry names (None: it names none)


class StreamEntries:
    def __init__(
        self,
        client: redis.Redis,
        stream: str,
        group: str,
        consumer: str,
        claim_idle_ms: int = CLAIM_IDLE_MS,
        max_deliveries: int = MAX_DELIVERIES,
    ):
        self._redis = client
        self._stream = stream
        self._group = group
        self._consumer = consumer
        self._claim_idle_ms = claim_idle_ms
        self._max_deliveries = max_deliveries
        self.dead_letters = f"{stream}:dead"
        self._sources: dict[tuple, LogSource | None] = {}  # by the fields that name the log

    def ensure_group(self, start_id: str) -> None:
        """Creates the group (and the stream) at `start_id` unless it exists."""
        try:
            self._redis.xgroup_create(self._stream, self._group, id=start_id, mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def reset_group(self, start_id: str) -> None:
        self.ensure_group(start_id)
        self._redis.xgroup_setid(self._stream, self._group, id=start_id)

    def own_pending(self) -> list[Entry]:
        """Entries delivered to this consumer and never acknowledged (it crashed)."""
        return self._read("0", count=10_000, block_ms=None)

    def read_new(self, count: int, block_ms: int) -> list[Entry]:
        return self._read(">", count=count, block_ms=block_ms)

    def claim_idle(self) -> list[Entry]:
        """Takes over entries another consumer left unacknowledged for a while."""
        _, claimed, _ = self._redis.xautoclaim(
            self._stream,
            self._group,
            self._consumer,
            self._claim_idle_ms,
            start_id="0-0",
            count=1000,
        )
        return [self._entry(entry_id, fields) for entry_id, fields in claimed if fields]

    def acknowledge(self, entry_ids: list[bytes]) -> None:
        if entry_ids:
            self._redis.xack(self._stream, self._group, *entry_ids)

    def missed_some(self) -> bool:
        """True when entries the group never saw are gone from the stream."""
        try:
            first = self._redis.xrange(self._stream, count=1)
            groups = self._redis.xinfo_groups(self._stream)
        except redis.ResponseError:
            return False  # no stream yet: nothing to miss
        ours = next((g for g in groups if _text(g["name"]) == self._group), None)
        if not first or ours is None:
            return False
        return revision_of(first[0][0]) > revision_of(ours["last-delivered-id"]) + 1

    def park_if_hopeless(self, entry: Entry, error: Exception) -> None:
        """Moves an unreadable entry, or one delivered too often, to the dead-letter stream."""
        deliveries = self._deliveries(entry.entry_id)
        if entry.change is not None and deliveries < self._max_deliveries:
            return
        log.error("parking change %s after %d deliveries: %s", entry.entry_id, deliveries, error)
        fields = {**entry.fields, b"error": str(error)[:1000], b"entry_id": entry.entry_id}
        self._redis.xadd(self.dead_letters, fields)
        self.acknowledge([entry.entry_id])

    def _deliveries(self, entry_id: bytes) -> int:
        pending = self._redis.xpending_range(
            self._stream, self._group, min=entry_id, max=entry_id, count=1
        )
        return pending[0]["times_delivered"] if pending else self._max_deliveries

    def _read(self, start: str, count: int, block_ms: int | None) -> list[Entry]:
        try:
            response = self._redis.xreadgroup(
                self._group, self._consumer, {self._stream: start}, count=count, block=block_ms
            )
        except redis.ResponseError as error:
            if "NOGROUP" in str(error):
                raise GroupLost(str(error)) from error
            raise
        return [self._entry(i, f) for _, messages in response or [] for i, f in messages if f]

    def _entry(self, entry_id: bytes, fields: dict) -> Entry:
        try:
            change = translate.change(change_messages.AssetChange.FromString(fields[b"change"]))
        except Exception:  # unreadable: it will be parked on its first failure
            log.exception("entry %s of %s is not a change", entry_id, self._stream)
            change = None
        return Entry(entry_id, change, fields, self._source(fields))

    def _source(self, fields: dict) -> LogSource | None:
        """source_of(fields), read once for all the entries of one log."""
        named = (fields.get(REGISTRY_FIELD), fields.get(EPOCH_FIELD))
        source = self._sources.get(named)
        if source is None and named not in self._sources:
            if len(self._sources) > 100:  # entries of many logs: a hostile stream
                self._sources.clear()
            source = self._sources[named] = source_of(fields)
        return source


class GroupLost(redis.RedisError):
    """The consumer group is gone (Redis restarted or was flushed)."""


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value
