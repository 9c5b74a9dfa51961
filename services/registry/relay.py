"""The outbox relay: publishes the change log to a Redis stream, in revision order.

Each entry's stream ID is `{revision}-1`, so a revision is in the stream at most once and a
consumer can tell from the IDs whether it missed any. Each entry and the stream's marker name
the log (registry id and epoch, see stream_owner): before every batch the relay reads the
marker, and the batch's MULTI/EXEC runs only if the marker is unchanged (WATCH). The checkpoint
moves only after Redis has stored the entries, so a crash in between publishes some changes
twice, never loses one; an entry Redis refuses is counted as failed, never as published.
While a full round's entries are written, the next round's changes are read (read_ahead).
"""

import collections
import logging
import math
import threading
import time

import redis

from services.common.background import BackgroundWorker
from services.common.change_stream import (
    HEAD_FIELD,
    LogSource,
    entry_id,
    marker_key,
    revision_of,
    source_fields,
    stream_key,
)
from services.registry.app.feed import ChangeFeed
from services.registry.read_ahead import ReadAhead
from services.registry.storage import LogPosition, RegistryStorage
from services.registry.storage.reads import ChangeQuery
from services.registry.stream_owner import Action, Decision, Marker, decide, read_marker

log = logging.getLogger(__name__)
CHECKPOINT = "redis-relay"
BATCH = 5000
LEAD_MS = 5000
LEAD_RENEWAL_SECONDS = 1.0
# XADD of each entry (ID, change) after the first five arguments: MAXLEN's bound, then the
# names and values of the two fields naming the log. Packing and parsing one command instead
# of thousands is most of what publishing costs the registry's CPU.
_ADD_ENTRIES = """
local added = {}
for i = 6, #ARGV, 2 do
  added[#added + 1] = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[i],
    'change', ARGV[i + 1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
end
return added
"""


class RedisRelay:
    def __init__(
        self,
        storage: RegistryStorage,
        feed: ChangeFeed,
        client: redis.Redis,
        prefix: str,
        max_length: int = 1_000_000,
    ):
        self._storage = storage
        self._feed = feed
        self._redis = client
        self._stream = stream_key(prefix)
        self._marker = marker_key(prefix)
        self._leader_key = f"{prefix}:relay-leader"
        self._identity = f"relay-{id(self)}-{time.time_ns()}"
        self._max_length = max_length
        self._worker = BackgroundWorker("redis-relay", self._run)
        self._lead_renewed_at = -math.inf
        self._ahead: ReadAhead | None = None
        self._stream_end = 0  # the newest revision this relay saw stored in the stream
        self.published_total = 0
        self.failed_total = 0  # entries Redis refused
        self.restarts: collections.Counter[str] = collections.Counter()  # by reason

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        self._release_lead()

    def settle(self) -> None:
        """One round now, so that a rewound log has its new epoch before the API serves."""
        try:
            if self._lead():
                self.publish_pending()
        except Exception:  # Redis is down: the relay's own rounds will do it
            log.exception("could not check the Redis stream's marker at start")

    def publish_pending(self, up_to: int | None = None) -> int:
        """Publishes what the stream lacks, up to BATCH changes and at most up to revision
        `up_to` (the feed's head by default); returns how many. Starts the stream afresh first
        when it is not marked with this registry's log."""
        limit = self._feed.head() if up_to is None else up_to
        with self._redis.pipeline(transaction=True) as pipeline:
            pipeline.watch(self._marker)
            marker = read_marker(pipeline, self._marker)
            last = _revision_of_newest(pipeline.xrevrange(self._stream, count=1))
            # The changes after the stream's end come with the position: where the relay
            # resumes but for a stream that lost entries or a checkpoint left behind.
            position, following = self._position_and_following(
                ChangeQuery(last + 1, BATCH, up_to=limit)
            )
            decision = decide(marker, position.source, position.head, last)
            if decision.action is Action.PUBLISH:
                return self._publish(pipeline, position, marker, last, following, limit)
            started = self._start_afresh(pipeline, position, decision, marker)
        return self.publish_pending(up_to) if started else 0

    def _publish(
        self,
        pipeline,
        position: LogPosition,
        marker: Marker,
        last: int,
        following: list,
        up_to: int,
    ) -> int:
        ours = position.source
        published_up_to = self._resume_point(last, position.checkpoint)
        changes = following
        if published_up_to != last:
            changes = self._storage.list_serialized_changes(
                ChangeQuery(published_up_to + 1, BATCH, up_to=up_to)
            )
        if not changes:
            return 0
        self._read_ahead_after(changes, up_to)
        try:
            last_before_adding, results = self._add(pipeline, changes, ours, marker.head)
        except redis.WatchError:
            log.info("the stream's marker changed while publishing; checking it again")
            return 0
        if last_before_adding < min(last, published_up_to):
            self._discard_gapped_stream(last, last_before_adding)
            return 0
        return self._count(changes, results, marker.head)

    def _position_and_following(self, query: ChangeQuery) -> tuple[LogPosition, list]:
        """The log's position, and the changes after the stream's end: read during the round
        before when it ended where this one starts, else with the position."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.serves(query):
            following = ahead.changes()
            position, _ = self._storage.log_position(CHECKPOINT)
            return position, following
        return self._storage.log_position(CHECKPOINT, query)

    def _read_ahead_after(self, changes: list, up_to: int) -> None:
        """A full round with more changes after it: the next round's are read meanwhile."""
        if len(changes) == BATCH and changes[-1].revision < up_to:
            following = ChangeQuery(changes[-1].revision + 1, BATCH, up_to=up_to)
            self._ahead = ReadAhead(self._storage, following)

    def _add(self, pipeline, changes: list, ours: LogSource, marked_head: int) -> tuple[int, list]:
        """Adds the entries and moves the marker's head in one MULTI/EXEC, which also reads
        where the stream ended just before them: nothing (a flush, another registry's marker)
        can come between that reading and the entries. The entries go as one script call,
        each added by the script as its own XADD, with its own result or error."""
        arguments = [self._max_length]
        for name, value in source_fields(ours).items():
            arguments += (name, value)
        for change in changes:
            arguments += (entry_id(change.revision), change.data)
        pipeline.multi()
        pipeline.xrevrange(self._stream, count=1)
        pipeline.eval(_ADD_ENTRIES, 1, self._stream, *arguments)
        pipeline.hset(self._marker, HEAD_FIELD, max(marked_head, changes[-1].revision))
        try:
            newest, results, _ = pipeline.execute(raise_on_error=False)
        except redis.ResponseError as error:  # the whole transaction refused (EXECABORT, OOM)
            self._record_failures(len(changes), len(changes), error)
            raise
        if isinstance(results, Exception):  # the script refused as a whole
            results = [results] * len(changes)
        return _revision_of_newest(newest), results

    def _count(self, changes: list, results: list, marked_head: int) -> int:
        """Counts the entries that landed; moves the checkpoint only if none failed. An entry
        refused for an ID not above the stream's newest is already there if this registry
        published that revision (up to the marker's head); otherwise the stream holds entries
        another writer added, and it failed."""
        failed = [
            i
            for i, (change, result) in enumerate(zip(changes, results, strict=True))
            if _failed(result, change.revision, marked_head)
        ]
        landed = sum(1 for result in results if not isinstance(result, Exception))
        self.published_total += landed
        if not failed:
            self._stream_end = changes[-1].revision
            self._save_checkpoint(changes[-1].revision)
            return len(changes)
        self._record_failures(len(failed), len(changes), results[failed[0]])
        if any(not isinstance(result, Exception) for result in results[failed[0] :]):
            self._discard_stream("an entry was refused between entries that landed")
        return 0

    def _record_failures(self, failed: int, batch: int, error: Exception) -> None:
        self.failed_total += failed
        log.error(
            "Redis refused %d of %d stream entries (%s); they are not counted as published "
            "and will be sent again",
            failed,
            batch,
            error,
        )

    def _start_afresh(
        self, pipeline, position: LogPosition, decision: Decision, marker: Marker | None
    ) -> bool:
        """Replaces the stream (and its consumer groups) by an empty one marked with this
        registry's log, after moving the epoch if the log was rewound; the checkpoint goes back
        so that the log's newest `max_length` changes are published again."""
        ours, head = position.source, position.head
        if decision.action is Action.NEW_EPOCH:
            ours = self._advance_epoch(ours, decision.epoch)
        pipeline.multi()
        pipeline.delete(self._stream, self._marker)
        pipeline.hset(self._marker, mapping={**source_fields(ours), HEAD_FIELD: 0})
        try:
            pipeline.execute()
        except redis.WatchError:
            log.info("the stream's marker changed while starting the stream afresh")
            return False
        self._storage.reset_checkpoint(CHECKPOINT, max(0, head - self._max_length))
        self._log_restart(decision, ours, marker)
        return True

    def _advance_epoch(self, ours: LogSource, epoch: int) -> LogSource:
        return self._storage.advance_epoch(ours, epoch)

    def _log_restart(self, decision: Decision, ours: LogSource, marker: Marker | None) -> None:
        self.restarts[decision.reason] += 1
        held = f"{marker.source} up to revision {marker.head}" if marker else "no marked log"
        level = logging.INFO if decision.reason == "new" else logging.WARNING
        log.log(
            level,
            "the Redis stream held %s; started it afresh for %s (%s)",
            held,
            ours,
            decision.reason,
        )

    def _discard_gapped_stream(self, last: int, last_before_adding: int) -> None:
        """Redis lost entries after the stream's end was read, so the entries just added follow
        a gap. A stream takes no entry below its newest, so the gap can only be closed by
        deleting the stream: the next round publishes it again from where it must start."""
        self._discard_stream(
            f"the stream lost entries while publishing (it ended at {last}, "
            f"then at {last_before_adding})"
        )

    def _discard_stream(self, why: str) -> None:
        log.warning("%s; publishing it again", why)
        self._redis.delete(self._stream)

    def _resume_point(self, last: int, checkpoint: int) -> int:
        """The checkpoint, pulled back to the stream's end if Redis lost entries (a restart)."""
        if last < checkpoint:
            log.warning(
                "the stream ends at %d but %d was published; republishing", last, checkpoint
            )
            return max(last, checkpoint - self._max_length)
        return checkpoint

    def _save_checkpoint(self, revision: int) -> None:
        self._storage.advance_checkpoint(CHECKPOINT, revision)

    def _run(self, stopping: threading.Event) -> None:
        """Rounds back to back while changes come; a round publishes up to the head it began
        at, so that one sequenced meanwhile starts the next round at once."""
        while not stopping.is_set():
            head = self._feed.head()
            try:
                published = self._lead() and self.publish_pending(head)
                busy = published > 0 and self._stream_end < head
            except Exception:  # Redis or the database is down: try again shortly
                log.exception("relay failed; retrying")
                busy = False
            if not busy:
                self._feed.wait_beyond(head, timeout=0.5)

    def _lead(self) -> bool:
        """One relay publishes at a time: the one holding the leader key. The key is held for
        LEAD_MS and renewed once every LEAD_RENEWAL_SECONDS, not at every round (publishing
        itself is guarded by the marker's WATCH, whoever leads)."""
        now = time.monotonic()
        if now < self._lead_renewed_at + LEAD_RENEWAL_SECONDS:
            return True
        held = self._take_or_renew_lead()
        self._lead_renewed_at = now if held else -math.inf
        return held

    def _take_or_renew_lead(self) -> bool:
        if self._redis.set(self._leader_key, self._identity, nx=True, px=LEAD_MS):
            return True
        if self._redis.get(self._leader_key) == self._identity.encode():
            self._redis.pexpire(self._leader_key, LEAD_MS)
            return True
        return False

    def _release_lead(self) -> None:
        """A relay that stops hands the lead on at once, so that a registry started right after
        (a restore, a restart) checks the stream's marker before it serves."""
        self._lead_renewed_at = -math.inf
        try:
            with self._redis.pipeline(transaction=True) as pipeline:
                pipeline.watch(self._leader_key)
                if pipeline.get(self._leader_key) == self._identity.encode():
                    pipeline.multi()
                    pipeline.delete(self._leader_key)
                    pipeline.execute()
        except redis.RedisError:  # Redis is down or the lead moved: it expires on its own
            log.info("could not hand on the relay's lead; it expires within %d s", LEAD_MS // 1000)


def _failed(result, revision: int, marked_head: int) -> bool:
    if not isinstance(result, Exception):
        return False
    return revision > marked_head or "equal or smaller" not in str(result)


def _revision_of_newest(newest: list) -> int:
    """The revision of XREVRANGE's one entry; 0 for an empty or missing stream."""
    return revision_of(newest[0][0]) if newest else 0
