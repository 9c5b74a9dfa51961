"""Which registry's log the read model follows, so that it never applies another log's changes.

A log is a registry id and an epoch (GetChangeLog): revisions mean the same changes only within
one. The read model records the log it follows; when the registry's log is another (a new
registry, or a backup restored, which moves the epoch), it relists. So it does when the log was
rewound where nothing moved the epoch (no Redis): the read model applied beyond the registry's
head, or the registry's change at the revision it applied last is not the one it applied.
"""

import logging

from services.common.change_stream import LogSource
from services.risk.app.updates import ReadModelUpdates
from services.risk.domain.feed_state import FeedState
from services.risk.feed.registry_client import RegistryClient
from services.risk.feed.relist import relist
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
