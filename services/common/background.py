"""Work that runs on a thread of its own beside the server, until it is asked to stop."""

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

Work = Callable[[threading.Event], None]


class BackgroundWorker:
    """Runs `work(stopping)` once on a daemon thread named `name`; `work` returns soon after
    `stopping` is set. `wake`, called on stop, interrupts whatever `work` waits on besides
    `stopping`. An error that escapes `work` ends the thread and is logged."""

    def __init__(self, name: str, work: Work, wake: Callable[[], None] = lambda: None):
        self.name = name
        self._work = work
        self._wake = wake
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout_seconds: float | None = None) -> bool:
        """Asks the work to stop and waits for it; True once it has ended."""
        self.stopping.set()
        self._wake()
        return self.join(timeout_seconds)

    def join(self, timeout_seconds: float | None = None) -> bool:
        """Waits for the work to end (without asking it to); True once it has ended. A worker
        never started has nothing to wait for."""
        if self._thread is threading.current_thread():
            return False  # the work stopping itself ends when it returns
        if self._thread.is_alive():
            self._thread.join(timeout_seconds)
        if self._thread.is_alive():
            log.warning("%s did not stop within %s s", self.name, timeout_seconds)
            return False
        return True

    def _run(self) -> None:
        try:
            self._work(self.stopping)
        except Exception:
            log.exception("%s stopped on an error", self.name)
