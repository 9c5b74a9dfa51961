"""Periodic work beside the feed: city data, the yearly rescore, and verifying the read model."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from services.common.background import BackgroundWorker
from services.common.error_text import describe_error

log = logging.getLogger(__name__)


@dataclass
class Chore:
    name: str
    interval_seconds: float
    run: Callable[[], object]
    due: float = 0.0  # monotonic time; 0 runs it at once
    ready: Callable[[], bool] = lambda: True  # e.g. once the registry serves; waits until then


class Housekeeping:
    """Runs each chore every `interval_seconds` on one thread; a failing chore is retried later."""

    def __init__(self, chores: list[Chore], tick_seconds: float = 1.0):
        self._chores = chores
        self._tick = tick_seconds
        self._woken = threading.Event()
        self._worker = BackgroundWorker("risk-housekeeping", self._run, wake=self._woken.set)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def look_now(self) -> None:
        """Looks for due chores at once rather than at the next tick (e.g. one just ready)."""
        self._woken.set()

    def run_due(self) -> None:
        for chore in self._chores:
            if time.monotonic() >= chore.due and chore.ready():
                self._run_chore(chore)

    def _run_chore(self, chore: Chore) -> None:
        try:
            chore.run()
            chore.due = time.monotonic() + chore.interval_seconds
        except Exception as error:  # e.g. the registry is not up yet
            log.warning("%s failed (%s); trying again shortly", chore.name, describe_error(error))
            log.debug("%s failed", chore.name, exc_info=True)
            chore.due = time.monotonic() + min(chore.interval_seconds, 5.0)

    def _run(self, stopping: threading.Event) -> None:
        while not stopping.is_set():
            self.run_due()
            self._woken.wait(self._tick)
            self._woken.clear()

