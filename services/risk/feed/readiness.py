"""Watching the read model after a start until its figures are true (StartupReadiness)."""

import logging
import threading
import time
from collections.abc import Callable

from services.common.error_text import describe_error
from services.risk.app.updates import ReadModelUpdates
from services.risk.domain.feed_state import FeedState
from services.risk.domain.readiness import StartupReadiness
from services.risk.feed.registry_client import RegistryClient

log = logging.getLogger(__name__)
POLL_SECONDS = 0.1  # a read of the feed state: one row
REREAD_LOG_SECONDS = 2.0  # at most this often (the registry's log cannot be read, or moved)


class ReadinessWatch:
    """`run(stopping)` reads the registry's log head once the registry serves, then the read
    model's feed state every POLL_SECONDS until `readiness` holds; calls `on_ready` and ends."""

    def __init__(
        self,
        updates: ReadModelUpdates,
        registry: RegistryClient,
        readiness: StartupReadiness,
        registry_serving: Callable[[], bool],
        on_ready: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ):
        self._updates, self._registry = updates, registry
        self._readiness = readiness
        self._registry_serving, self._on_ready = registry_serving, on_ready
        self._clock = clock
        self._log_read_at = -float("inf")

    def run(self, stopping: threading.Event) -> None:
        while not stopping.wait(POLL_SECONDS):
            if self.check():
                self._on_ready()
                return

    def check(self) -> bool:
        state = self._updates.state()
        if self._needs_log_head(state):
            self._read_log_head()
        return self._readiness.observe(state)

    def _needs_log_head(self, state: FeedState) -> bool:
        readiness = self._readiness
        wanted = readiness.log_head is None or readiness.follows_another_log(state)
        due = self._clock() - self._log_read_at >= REREAD_LOG_SECONDS
        return wanted and due and self._registry_serving()

    def _read_log_head(self) -> None:
        self._log_read_at = self._clock()
        try:
            self._readiness.log_head = self._registry.change_log()
        except Exception as error:  # read again at the next poll
            log.debug("could not read the registry's log: %s", describe_error(error))
