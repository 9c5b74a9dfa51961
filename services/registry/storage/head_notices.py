"""PostgreSQL's notices that the change log's head moved, whichever process moved it.

A trigger on the revision counter (migration 0007) sends the new head on CHANNEL when the
transaction that moved it commits. A process listening learns at once of revisions that other
processes numbered (the registry's other processes, other replicas), where its own sequencer
would see them only at its next poll. SQLite has no notices: its processes keep polling.
"""

import logging
import threading
from collections.abc import Callable

import psycopg
import sqlalchemy as sa

from services.common.background import BackgroundWorker

log = logging.getLogger(__name__)
CHANNEL = "urban_registry_head"
CHECK_STOP_SECONDS = 0.25
RECONNECT_SECONDS = 1.0


class HeadNotices:
    """Calls `moved(head)` on a thread of its own for every notice, until stopped."""

    def __init__(self, engine: sa.Engine, moved: Callable[[int], None]):
        url = engine.url.set(drivername="postgresql")
        self._url = url.render_as_string(hide_password=False)
        self._moved = moved
        self._worker = BackgroundWorker("head-notices", self._run)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def _run(self, stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                self._listen(stopping)
            except psycopg.Error as error:  # the database is down: polling covers meanwhile
                log.warning("lost the head notices (%s); listening again", error)
                stopping.wait(RECONNECT_SECONDS)

    def _listen(self, stopping: threading.Event) -> None:
        with psycopg.connect(self._url, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            while not stopping.is_set():
                for notice in connection.notifies(timeout=CHECK_STOP_SECONDS):
                    if notice.payload.isdigit():  # anything else is no notice of ours
                        self._moved(int(notice.payload))
