"""Paced updates with /metrics polled meanwhile, and each revision's delay from its commit to the
first poll that showed it."""

import time
from dataclasses import dataclass

from bench.client import RegistryClient
from bench.cpu import CpuMeter
from bench.delay_system import DelaySystem
from bench.figures import percentile
from bench.paced_updates import PacedPlan, PacedResult, send_paced
from bench.registry_process import RegistryProcess
from bench.revision_poller import RevisionPoller
from services.risk.feed.translate import to_seconds
from urban.registry.v1 import registry_service_pb2 as api

DRAIN_SECONDS = 60  # how long after the last update a revision may still appear
CHANGES_PAGE = 5000


@dataclass(frozen=True)
class Delays:
    sent: PacedResult
    seconds: list[float]  # sorted, one per revision that appeared
    revisions: int  # changes the updates committed
    never_appeared: int
    polling: str

    def describe(self) -> str:
        p50, p99 = percentile(self.seconds, 0.5), percentile(self.seconds, 0.99)
        largest = self.seconds[-1] if self.seconds else 0.0
        return (
            f"commit to metric over {self.revisions} revisions: p50 {p50 * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms, max {largest * 1000:.0f} ms; never appeared "
            f"{self.never_appeared}; {self.polling}"
        )


def measure_delays(
    system: DelaySystem, plan: PacedPlan, meters: dict[str, CpuMeter], poll_interval: float
) -> Delays:
    """Sends `plan` while polling; CPU `meters` cover the sending."""
    first = head_revision(system.registry) + 1
    with RevisionPoller(system.risk.metrics_url, poll_interval) as poller:
        sent = _send_metered(plan, meters)
        last = head_revision(system.registry)
        poller.wait_until(last, DRAIN_SECONDS)
    committed = commit_times(system.registry, first, last)
    return _delays(sent, committed, poller)


def _send_metered(plan: PacedPlan, meters: dict[str, CpuMeter]) -> PacedResult:
    for meter in meters.values():
        meter.start()
    started = time.perf_counter()
    sent = send_paced(plan)
    for meter in meters.values():
        meter.stop(time.perf_counter() - started)
    return sent


def _delays(sent: PacedResult, committed: dict[int, float], poller: RevisionPoller) -> Delays:
    seen = {revision: poller.first_seen(revision) for revision in committed}
    delays = sorted(seen[r] - committed[r] for r in committed if seen[r] is not None)
    missing = sum(1 for when in seen.values() if when is None)
    return Delays(sent, delays, len(committed), missing, poller.describe())


def head_revision(registry: RegistryProcess) -> int:
    with RegistryClient(registry.address, registry.token) as client:
        return client.head_revision()


def commit_times(registry: RegistryProcess, first: int, last: int) -> dict[int, float]:
    """Revision -> commit time (seconds since the epoch) of every change from `first` to `last`."""
    times = {}
    with RegistryClient(registry.address, registry.token) as client:
        start = first
        while start <= last:
            request = api.ListChangesRequest(start_revision=start, page_size=CHANGES_PAGE)
            response = client.call("ListChanges", request)
            times.update(
                (c.revision, to_seconds(c.commit_time))
                for c in response.changes
                if c.revision <= last
            )
            if response.next_revision > response.head_revision:
                break
            start = response.next_revision
    return times
