"""Whether RiskService is in service: once the figures are true after the start, and while the
feed is not stuck (its answers would be wrong, or grow stale). The process itself stays
healthy either way, so the overall health (liveness) stays SERVING."""

import threading
from collections.abc import Callable


class ApiServing:
    """Reports `report(serving)` whenever readiness or the feed's stuck state changes."""

    def __init__(self, report: Callable[[bool], None]):
        self._report = report
        self._lock = threading.Lock()
        self._ready = False
        self._stuck = False

    def ready(self) -> None:
        with self._lock:
            self._ready = True
            self._report_now()

    def stuck(self, stuck: bool) -> None:
        with self._lock:
            self._stuck = stuck
            self._report_now()

    def _report_now(self) -> None:
        self._report(self._ready and not self._stuck)
