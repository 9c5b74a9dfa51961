"""Prometheus metrics: CONTRACT's gauges from rollups, and the risk service's own health."""

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from services.risk.app.batches import ApplyResult
from services.risk.app.queries import ReadModelQueries, ReadModelView
from services.risk.domain.samples import CONTRACT_METRICS, metric_samples
from services.risk.domain.verification import VerifyReport


class ReadModelCollector(Collector):
    """Computes every CONTRACT metric at scrape time from rollups, cities and feed state only;
    none has a sample before `ready()` (figures from before the cities are known, or from a
    read model still catching up, would be wrong).

    A scrape reads a bounded number of rows whatever the number of assets.
    """

    def __init__(
        self,
        queries: ReadModelQueries,
        clock: Callable[[], date] = date.today,
        ready: Callable[[], bool] = lambda: True,
    ):
        self.queries, self.clock, self.ready = queries, clock, ready

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield from self._contract_families()
        yield from self._state_families(None)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        view = self.queries.view()
        families = {family.name: family for family in self._contract_families()}
        if self.ready():
            samples = metric_samples(
                self.queries.plan, view.rollups, view.cities, view.last_change, self.clock()
            )
            for sample in samples:
                families[sample.name].add_metric(sample.labels, sample.value)
        yield from families.values()
        yield from self._state_families(view)

    @staticmethod
    def _contract_families() -> Iterator[GaugeMetricFamily]:
        for spec in CONTRACT_METRICS:
            yield GaugeMetricFamily(spec.name, spec.help, labels=spec.labels)

    def _state_families(self, view: ReadModelView | None) -> Iterator[GaugeMetricFamily]:
        revision = GaugeMetricFamily(
            "urban_risk_applied_revision", "Newest registry revision applied to the read model."
        )
        rules = GaugeMetricFamily(
            "urban_risk_rules_info",
            "Versions of the pipe rules and plan targets in force.",
            labels=("rules_version", "plan_version"),
        )
        if view is not None:
            revision.add_metric((), view.state.applied_revision)
            rules.add_metric((self.queries.rules.version, self.queries.plan.version), 1)
        yield revision
        yield rules


class FeedHealth:
    """What the feed consumer and the verify command report about themselves."""

    def __init__(
        self, registry: CollectorRegistry = REGISTRY, now: Callable[[], float] = time.time
    ):
        self.now = now
        self.events_applied = Counter(
            "urban_risk_events_applied", "Changes applied to the read model.", registry=registry
        )
        self.events_skipped = Counter(
            "urban_risk_events_skipped",
            "Changes skipped as duplicates or older than the stored version.",
            registry=registry,
        )
        self.relists = Counter(
            "urban_risk_relists",
            "Rebuilds of the read model from a full listing.",
            registry=registry,
        )
        self.feed_lag = Gauge(
            "urban_risk_feed_lag_seconds",
            "Longest time, in the newest batch applied, from a change's commit to its application.",
            registry=registry,
        )
        self.ready = Gauge(
            "urban_risk_ready",
            "1 once the figures are true after the start (the registry's cities known, its log "
            "applied up to the head it had then), else 0; until then the plan, asset and pipe "
            "gauges have no samples and the RiskService health check answers NOT_SERVING.",
            registry=registry,
        )
        self._add_verify_metrics(registry)
        self._add_registry_metrics(registry)
        self._relists_running = 0
        self._lock = threading.Lock()

    def _add_registry_metrics(self, registry: CollectorRegistry) -> None:
        self.registry_head = Gauge(
            "urban_risk_registry_head_revision",
            "Newest revision in the registry's change log, as last read from the registry.",
            registry=registry,
        )
        self.behind = Gauge(
            "urban_risk_feed_behind_revisions",
            "Revisions between the registry's head and the newest applied (the whole head while "
            "the read model follows another log than the registry's).",
            registry=registry,
        )
        self.stalled = Gauge(
            "urban_risk_feed_stalled_seconds",
            "How long the read model has been behind the registry's head without applying "
            "anything; 0 when it keeps up.",
            registry=registry,
        )
        self.following = Gauge(
            "urban_risk_feed_following_registry",
            "1 if the read model follows the registry's current log (its id and epoch), else 0.",
            registry=registry,
        )
        self.stuck = Gauge(
            "urban_risk_feed_stuck",
            "1 while the feed has been stalled for URBAN_RISK_FEED_STUCK_SECONDS or longer "
            "(the RiskService health check then answers NOT_SERVING), else 0.",
            registry=registry,
        )
        self.foreign_entries = Counter(
            "urban_risk_feed_foreign_entries",
            "Stream entries of another registry's log or epoch, set aside without applying them.",
            registry=registry,
        )

    def _add_verify_metrics(self, registry: CollectorRegistry) -> None:
        self.consistent = Gauge(
            "urban_risk_read_model_consistent",
            "1 if the last verify found the rollups equal to a recount, 0 if not, NaN before one.",
            registry=registry,
        )
        self.consistent.set(math.nan)
        self.differences = Gauge(
            "urban_risk_read_model_differences",
            "Rollups that differed from a recount at the last verify.",
            registry=registry,
        )
        self.last_verify = Gauge(
            "urban_risk_last_verify_timestamp_seconds",
            "When the read model was last verified.",
            registry=registry,
        )

    def record_batch(self, result: ApplyResult) -> None:
        self.events_applied.inc(result.applied)
        self.events_skipped.inc(result.skipped)
        if result.oldest_commit_time > 0:
            self.feed_lag.set(max(0.0, self.now() - result.oldest_commit_time))

    def record_relist(self) -> None:
        self.relists.inc()

    @contextmanager
    def relisting(self) -> Iterator[None]:
        with self._lock:
            self._relists_running += 1
        try:
            yield
        finally:
            with self._lock:
                self._relists_running -= 1

    @property
    def relist_running(self) -> bool:
        return self._relists_running > 0

    def record_registry_head(
        self, head: int, applied: int, following: bool, stalled_seconds: float, stuck: bool
    ) -> None:
        self.registry_head.set(head)
        self.behind.set(max(0, head - applied) if following else head)
        self.following.set(1 if following else 0)
        self.stalled.set(stalled_seconds)
        self.stuck.set(1 if stuck else 0)

    def record_verify(self, report: VerifyReport) -> None:
        self.consistent.set(1 if report.consistent else 0)
        self.differences.set(len(report.differences))
        self.last_verify.set(self.now())
