"""Following the registry over gRPC: catch up with ListChanges, then stay live on WatchChanges.

The watch sends one message per change, which costs both sides far more than a page of
thousands: when a burst arrives on the watch (a batch write or an import), the follower goes
back to pages until it has caught up again.

Changes on this path name no log: the follower asks the registry which log it serves
(GetChangeLog) each time it connects, relisting when that is not the log the read model
followed, and starts over when the periodic head check finds the registry's log moved.
"""

import logging
from collections.abc import Iterator
from contextlib import closing

from services.common.change_stream import LogSource
from services.risk.app.updates import ReadModelUpdates
from services.risk.domain.facts import Change
from services.risk.feed import translate
from services.risk.feed.batching import batches
from services.risk.feed.following import LogMoved, RegistryFollower
from services.risk.feed.prefetch import prefetched
from services.risk.feed.registry_client import RegistryClient
from services.risk.feed.relist import relist
from services.risk.metrics import FeedHealth
from urban.registry.v1 import registry_service_pb2 as api

log = logging.getLogger(__name__)
# The watch's changes are gathered this long from the first into one transaction: a change
# waits at most this, and at a steady rate a transaction applies several.
GATHER_SECONDS = 0.02
# A batch this large from the watch (2,000 changes a second or more) is a burst, which pages
# carry faster.
BURST = 40
# Changes applied in one transaction while catching up: the per-asset indexes cost each commit
# the pages it touched, so larger transactions touch fewer pages a change.
CATCH_UP_BATCH = 20_000
# An empty read model replays a log up to this long from its start (no slower than listing as
# many assets); a longer one has more history than assets, so it lists the assets instead.
REPLAY_LIMIT = 1_000_000


class WatchFollower(RegistryFollower):
    def __init__(
        self,
        updates: ReadModelUpdates,
        registry: RegistryClient,
        health: FeedHealth,
        replay_limit: int = REPLAY_LIMIT,
    ):
        super().__init__(updates, registry, health)
        self._replay_limit = replay_limit
        self._call = None

    def _interrupt(self) -> None:
        """Cancels the watch under way."""
        if self._call is not None:
            self._call.cancel()

    def _follow(self, source: LogSource, relisted: int | None) -> None:
        empty = relisted is None and self._updates.applied_revision() == 0
        if empty and self._log_too_long_to_replay():
            relist(self._updates, self._registry, self._health, source)
        while not self._stopping.is_set():
            self._catch_up()
            self._watch_until_behind()
            if self._log_moved.is_set():
                raise LogMoved("the registry's log moved")

    def _log_too_long_to_replay(self) -> bool:
        return self._registry.head_revision() > self._replay_limit

    def _watch_until_behind(self) -> None:
        """Applies the watch's batches until a burst comes (or the follower stops)."""
        self._call = self._registry.watch(self._updates.applied_revision() + 1)
        if self._interrupted():
            self._call.cancel()  # stop() or notice_log_moved() came before the call was kept
        try:
            for batch in batches(self._call, max_wait=GATHER_SECONDS):
                self._apply(batch)
                if self._interrupted() or len(batch) >= BURST:
                    return
        finally:
            self._call.cancel()

    def _catch_up(self) -> None:
        """Pages through the log, several pages a transaction; the next ones are fetched (and
        translated) on another thread while these are applied."""
        start = self._updates.applied_revision() + 1
        with closing(prefetched(self._page_groups(start))) as groups:
            applied = self._updates.apply_overlapping((None, changes) for changes in groups)
            for _, result in applied:
                self._health.record_batch(result)
                if self._interrupted():
                    return

    def _page_groups(self, start: int) -> Iterator[list[Change]]:
        group: list[Change] = []
        for page in self._pages(start):
            group += map(translate.change, page.changes)
            if len(group) >= CATCH_UP_BATCH:
                yield group
                group = []
        yield group

    def _pages(self, start: int) -> Iterator[api.ListChangesResponse]:
        while not self._stopping.is_set():
            page = self._registry.changes_page(start)
            yield page
            if page.next_revision > page.head_revision:
                return
            start = page.next_revision

    def _apply(self, messages) -> None:
        changes = [translate.change(message) for message in messages]
        self._health.record_batch(self._updates.apply(changes))
