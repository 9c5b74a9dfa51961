"""Polls the risk service's /metrics and records when `urban_risk_applied_revision` first showed
each value: the moment a scraper could first have seen a change."""

import bisect
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from bench.figures import percentile

_APPLIED_REVISION = re.compile(rb"^urban_risk_applied_revision (\S+)$", re.MULTILINE)
_FEED_LAG = re.compile(rb"^urban_risk_feed_lag_seconds (\S+)$", re.MULTILINE)


@dataclass(frozen=True)
class FeedReading:
    applied_revision: int
    feed_lag_seconds: float  # the risk service's own: commit to apply of a batch's newest change


def read_feed(metrics_url: str) -> FeedReading:
    with urllib.request.urlopen(metrics_url, timeout=10) as response:
        body = response.read()
    revision, lag = _APPLIED_REVISION.search(body), _FEED_LAG.search(body)
    return FeedReading(
        int(float(revision.group(1))) if revision else 0, float(lag.group(1)) if lag else 0.0
    )


def applied_revision(metrics_url: str) -> int:
    return read_feed(metrics_url).applied_revision


def wait_for_revision(metrics_url: str, revision: int, timeout: float) -> bool:
    """Whether the metric reached `revision` within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if applied_revision(metrics_url) >= revision:
            return True
        time.sleep(0.1)
    return False


class RevisionPoller:
    """A thread that GETs /metrics every `interval` seconds (after each answer) while running.

    Times are wall-clock (`time.time()`), as the registry's commit times are, taken when the
    answer arrived.
    """

    def __init__(self, metrics_url: str, interval: float):
        self._url, self._interval = metrics_url, interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="revision-poller", daemon=True)
        self._revisions: list[int] = []  # increasing
        self._seen_at: list[float] = []
        self._feed_lags: list[float] = []  # as shown with each new revision
        self.polls = 0
        self.failed_polls = 0
        self.answer_seconds = 0.0  # spent waiting for answers
        self._running_since = 0.0
        self.running_seconds = 0.0

    def __enter__(self) -> "RevisionPoller":
        self._running_since = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stopping.set()
        self._thread.join()
        self._poll_once()  # a last reading: the timeline ends where the service stood at the end
        self.running_seconds = time.perf_counter() - self._running_since

    def describe(self) -> str:
        """How often it polled, how long answers took, and the service's own feed lag."""
        polls = max(self.polls, 1)
        every, answered = self.running_seconds / polls, self.answer_seconds / polls
        failed = f", {self.failed_polls} failed" if self.failed_polls else ""
        return (
            f"a poll every {every * 1000:.1f} ms, each answered in {answered * 1000:.1f} ms"
            f"{failed}; {self._describe_feed_lag()}"
        )

    def _describe_feed_lag(self) -> str:
        lags = sorted(self._feed_lags)
        p50, p99 = percentile(lags, 0.5), percentile(lags, 0.99)
        return (
            f"urban_risk_feed_lag_seconds when a new revision showed: p50 {p50 * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms"
        )

    def newest(self) -> int:
        return self._revisions[-1] if self._revisions else 0

    def timeline(self) -> list[tuple[float, int]]:
        """(time.time(), revision) whenever the metric showed a newer revision."""
        return list(zip(self._seen_at, self._revisions, strict=True))

    def first_seen(self, revision: int) -> float | None:
        """When the metric first showed `revision` or a later one; None if it never did."""
        index = bisect.bisect_left(self._revisions, revision)
        return self._seen_at[index] if index < len(self._revisions) else None

    def wait_until(self, revision: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.newest() < revision and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.newest() >= revision

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._poll_once()
            self._stopping.wait(self._interval)

    def _poll_once(self) -> None:
        asked = time.perf_counter()
        try:
            reading = read_feed(self._url)
        except (urllib.error.URLError, OSError):
            self.failed_polls += 1
            return
        answered = time.time()
        self.polls += 1
        self.answer_seconds += time.perf_counter() - asked
        if reading.applied_revision > self.newest():
            self._revisions.append(reading.applied_revision)
            self._seen_at.append(answered)
            self._feed_lags.append(reading.feed_lag_seconds)
