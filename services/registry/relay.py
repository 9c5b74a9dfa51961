"""The outbox relay: publishes the change log to a Redis stream, in revision order.

Each entry's stream ID is `{revision}-1`, so a revision is in the stream at most once and a
consumer can tell from the IDs whether it missed any. The checkpoint moves only after Redis has
acknowledged the entries, so a crash in between publishes some changes twice, never loses one.
"""

import logging
import threading
import time

import redis

from services.common.change_stream import entry_id, revision_of, stream_key
from services.registry.app.feed import ChangeFeed
from services.registry.storage import RegistryStorage, checkpoints

log = logging.getLogger(__name__)
CHECKPOINT = "redis-relay"
BATCH = 5000


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
        self._leader_key = f"{prefix}:relay-leader"
        self._identity = f"relay-{id(self)}-{time.time_ns()}"
        self._max_length = max_length
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="redis-relay", daemon=True)
        self.published_total = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def publish_pending(self) -> int:
        """Publishes what the stream lacks, up to BATCH changes; returns how many."""
        last = self._last_in_stream()
        published_up_to = self._resume_point(last)
        changes = self._feed.changes(published_up_to + 1, None, BATCH, up_to=self._feed.head())
        if not changes:
            return 0
        last_before_adding, results = self._add(changes)
        if last_before_adding < min(last, published_up_to):
            self._discard_gapped_stream(last, last_before_adding)
            return 0
        self._check_results(results)
        self._save_checkpoint(changes[-1].revision)
        self.published_total += len(changes)
        return len(changes)

    def _add(self, changes: list) -> tuple[int, list]:
        """Adds the entries in one MULTI/EXEC, which also reads where the stream ended just
        before them: nothing (a flush, say) can come between that reading and the entries."""
        pipeline = self._redis.pipeline(transaction=True)
        pipeline.xrevrange(self._stream, count=1)
        for change in changes:
            pipeline.xadd(
                self._stream,
                {"change": change.SerializeToString()},
                id=entry_id(change.revision),
                maxlen=self._max_length,
                approximate=True,
            )
        newest, *results = pipeline.execute(raise_on_error=False)
        return _revision_of_newest(newest), results

    def _discard_gapped_stream(self, last: int, last_before_adding: int) -> None:
        """Redis lost entries after the stream's end was read, so the entries just added follow
        a gap. A stream takes no entry below its newest, so the gap can only be closed by
        deleting the stream: the next round publishes it again from where it must start."""
        log.warning(
            "the stream lost entries while publishing (it ended at %d, then at %d); "
            "publishing it again",
            last,
            last_before_adding,
        )
        self._redis.delete(self._stream)

    def _resume_point(self, last: int) -> int:
        """The checkpoint, pulled back to the stream's end if Redis lost entries (a restart)."""
        with self._storage.reading() as connection:
            checkpoint = checkpoints.get(connection, CHECKPOINT)
        if last < checkpoint:
            log.warning(
                "the stream ends at %d but %d was published; republishing", last, checkpoint
            )
            return max(last, checkpoint - self._max_length)
        return checkpoint

    def _last_in_stream(self) -> int:
        return _revision_of_newest(self._redis.xrevrange(self._stream, count=1))

    def _check_results(self, results: list) -> None:
        for result in results:
            if isinstance(result, redis.ResponseError) and "equal or smaller" not in str(result):
                raise result  # anything but "already published" is a real failure

    def _save_checkpoint(self, revision: int) -> None:
        with self._storage.writing() as session:
            checkpoints.advance(session.connection, CHECKPOINT, revision)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = self._lead() and self.publish_pending() == BATCH
            except Exception:  # Redis or the database is down: try again shortly
                log.exception("relay failed; retrying")
                busy = False
            if not busy:
                self._feed.wait_beyond(self._feed.head(), timeout=0.5)

    def _lead(self) -> bool:
        """One relay publishes at a time: the one holding the leader key."""
        held = self._redis.set(self._leader_key, self._identity, nx=True, px=5000)
        if held:
            return True
        if self._redis.get(self._leader_key) == self._identity.encode():
            self._redis.pexpire(self._leader_key, 5000)
            return True
        return False


def _revision_of_newest(newest: list) -> int:
    """The revision of XREVRANGE's one entry; 0 for an empty or missing stream."""
    return revision_of(newest[0][0]) if newest else 0
