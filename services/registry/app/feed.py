"""The change feed: numbers committed changes in commit order and wakes the watchers. On
SQLite, whose write transactions number their own changes, its sequencer follows the head that
other processes move."""

import logging
import threading
from collections.abc import Callable, Iterator

from services.common.background import BackgroundWorker
from services.common.change_stream import LogSource
from services.common.errors import Unavailable
from services.registry.storage import RegistryStorage
from services.registry.storage.reads import ChangeQuery
from urban.registry.v1 import resources_pb2

log = logging.getLogger(__name__)
WATCH_PAGE = 500


class ChangeFeed:
    def __init__(self, storage: RegistryStorage, poll_seconds: float = 0.5):
        self._storage = storage
        self._poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._moved = threading.Condition()
        self._head = 0
        self._sequencer = BackgroundWorker("change-sequencer", self._run, wake=self._wake.set)
        self._stopping = self._sequencer.stopping

    def start(self) -> None:
        self._sequence()
        self._sequencer.start()

    def committed(self) -> None:
        """Called after every commit that left changes to the sequencer (PostgreSQL); a commit
        that numbered its own tells `moved_to`."""
        self._wake.set()

    def stop(self) -> None:
        self._sequencer.stop()
        self._sequence()
        with self._moved:
            self._moved.notify_all()

    def head(self) -> int:
        return self._head

    def source(self) -> LogSource:
        """Which registry's log this is, and its epoch."""
        return self._storage.log_source()

    def sequence_now(self) -> int:
        """Numbers what is pending right away; returns the head revision."""
        self._sequence()
        return self._head

    def watch(
        self, start_revision: int, city_code: str | None, active: Callable[[], bool]
    ) -> Iterator[resources_pb2.AssetChange]:
        """Changes from `start_revision` on, then live ones, while `active()` holds."""
        next_revision = max(start_revision, 1)
        while active():
            if self._stopping.is_set():
                raise Unavailable("the registry is shutting down; watch again", "SHUTTING_DOWN")
            head = self._head
            query = ChangeQuery(next_revision, WATCH_PAGE, city_code, up_to=head)
            page = self._storage.list_changes(query)
            yield from page
            full = len(page) == WATCH_PAGE
            next_revision = page[-1].revision + 1 if full else max(next_revision, head + 1)
            if not full:
                self.wait_beyond(head, timeout=1.0)

    def wait_beyond(self, revision: int, timeout: float) -> None:
        """Returns when the head passes `revision`, the feed stops, or `timeout` runs out."""
        with self._moved:
            self._moved.wait_for(
                lambda: self._head > revision or self._stopping.is_set(), timeout=timeout
            )

    def _run(self, stopping: threading.Event) -> None:
        while not stopping.is_set():
            committed = self._wake.wait(self._poll_seconds)
            self._wake.clear()
            self._sequence(known_pending=committed)

    def _sequence(self, known_pending: bool = False) -> None:
        try:
            head = self._storage.sequence_pending(known_pending)
        except Exception:  # the database may be down: keep trying
            log.exception("could not sequence changes; retrying")
            return
        self.moved_to(head)

    def moved_to(self, head: int) -> None:
        """The head is at least `head`: from a sequencer pass, or a notice from the database
        that a process numbered changes up to it. Passes run on the sequencer's thread and on
        callers' (sequence_now) at once, and notices arrive on a thread of their own: an older
        head must not move it back."""
        with self._moved:
            if head > self._head:
                self._head = head
                self._moved.notify_all()
