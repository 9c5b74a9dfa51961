"""Reading the registry's head now and then, so that a feed that stopped following it shows in
metrics and health even when nothing fails."""

import logging
import time
from collections.abc import Callable

from services.risk.app.updates import ReadModelUpdates
from services.risk.domain.feed_progress import FeedProgress
from services.risk.feed.registry_client import RegistryClient
from services.risk.metrics import FeedHealth

log = logging.getLogger(__name__)


class HeadCheck:
    """One reading per `run()`: exports how far behind the read model is, reports whether the
    feed is stuck (`report_stuck`), and tells the follower when the registry's log is no longer
    the one it follows (`log_moved`)."""

    def __init__(
        self,
        updates: ReadModelUpdates,
        registry: RegistryClient,
        health: FeedHealth,
        progress: FeedProgress,
        report_stuck: Callable[[bool], None],
        log_moved: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ):
        self._updates, self._registry, self._health = updates, registry, health
        self._progress = progress
        self._report_stuck, self._log_moved = report_stuck, log_moved
        self._clock = clock
        self._stuck = False

    def run(self) -> None:
        source, head = self._registry.change_log()
        state = self._updates.state()
        following = state.source == source
        progress = self._progress
        progress.observe(
            state.applied_revision, head, following, self._health.relist_running, self._clock()
        )
        self._health.record_registry_head(
            head, state.applied_revision, following, progress.stalled_seconds, progress.stuck
        )
        self._report(progress.stuck, head, state.applied_revision)
        if state.source is not None and not following:
            self._log_moved()

    def _report(self, stuck: bool, head: int, applied: int) -> None:
        if stuck and not self._stuck:
            log.error(
                "the feed is stuck: revision %d applied, the registry is at %d, and nothing was "
                "applied for %.0f s",
                applied,
                head,
                self._progress.stalled_seconds,
            )
        elif self._stuck and not stuck:
            log.info("the feed moves again (revision %d applied of %d)", applied, head)
        self._stuck = stuck
        self._report_stuck(stuck)
