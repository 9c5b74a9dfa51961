"""Which registry's log the read model follows, so that it never applies another log's changes;
and what the two followers (over gRPC, over Redis) share: starting, stopping and starting over.

A log is a registry id and an epoch (GetChangeLog): revisions mean the same changes only within
one. The read model records the log it follows; when the registry's log is another (a new
registry, or a backup restored, which moves the epoch), it relists. So it does when the log was
rewound where nothing moved the epoch (no Redis): the read model applied beyond the registry's
head, or the registry's change at the revision it applied last is not the one it applied.
"""

import logging
import threading

import grpc

from services.common.change_stream import LogSource
from services.risk.app.updates import ReadModelUpdates
from services.risk.domain.feed_state import FeedState
from services.risk.feed.registry_client import RegistryClient
from services.risk.feed.relist import relist
from services.risk.feed.retrying import follow_until_stopped
from services.risk.metrics import FeedHealth

log = logging.getLogger(__name__)


class LogMoved(Exception):
    """The registry's log is no longer the one being followed: follow again from the top."""


def follow_registry_log(
    updates: ReadModelUpdates, registry: RegistryClient, health: FeedHealth
) -> tuple[LogSource, int | None]:
    """The registry's log, now the read model's; with the revision of the relist it took, if
    one was needed (None if not)."""
    source, head = registry.change_log()
    state = updates.state()
    if state.source == source and _same_history(state, head, registry):
        return source, None
    if state.source is None and state.applied_revision == 0:
        updates.follow_source(source)
        return source, None
    log.warning(
        "the read model followed %s up to revision %d, but the registry's log is %s at "
        "revision %d: relisting",
        state.source or "a log of unknown origin",
        state.applied_revision,
        source,
        head,
    )
    return source, relist(updates, registry, health, source)


def _same_history(state: FeedState, head: int, registry: RegistryClient) -> bool:
    """Whether the registry's log still holds, at the revision applied last, the change that
    was applied (when the read model knows which: not right after a listing)."""
    if state.applied_revision > head:
        return False
    if not state.last_event_id:
        return True
    page = registry.change_at(state.applied_revision)
    return any(
        change.revision == state.applied_revision and change.event_id == state.last_event_id
        for change in page.changes
    )


def registry_moved_from(source: LogSource, registry: RegistryClient) -> bool:
    return registry.change_log()[0] != source


class RegistryFollower:
    """Follows the registry's log into the read model from `run()` until `stop()`, starting over
    after an error with a growing pause, and whenever told the registry's log moved."""

    feed = "the registry feed"  # as the log names it
    # Interruptions of the transport, logged in one line (anything else with its traceback).
    transport_errors: tuple[type[BaseException], ...] = (grpc.RpcError,)

    def __init__(self, updates: ReadModelUpdates, registry: RegistryClient, health: FeedHealth):
        self._updates = updates
        self._registry = registry
        self._health = health
        self._stopping = threading.Event()
        self._log_moved = threading.Event()

    def run(self) -> None:
        expected = (*self.transport_errors, LogMoved)
        follow_until_stopped(self._follow_afresh, self._stopping, expected, self.feed)

    def stop(self) -> None:
        self._stopping.set()
        self._interrupt()

    def notice_log_moved(self) -> None:
        """The registry's log is another than the one followed: start over, relisting."""
        self._log_moved.set()
        self._interrupt()

    def _interrupted(self) -> bool:
        return self._stopping.is_set() or self._log_moved.is_set()

    def _follow_afresh(self) -> None:
        self._log_moved.clear()
        source, relisted = follow_registry_log(self._updates, self._registry, self._health)
        self._follow(source, relisted)

    def _follow(self, source: LogSource, relisted: int | None) -> None:
        """Follows `source`, the registry's log, now the read model's (`relisted`: the revision
        of the relist that took, if one did), until stopped or the log moves."""
        raise NotImplementedError

    def _interrupt(self) -> None:
        """Cuts short whatever the follower waits on, where waiting would delay a stop."""
