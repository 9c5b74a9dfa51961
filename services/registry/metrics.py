"""The registry's own health at scrape time: change-log head, sequencing and outbox backlog."""

import datetime as dt
import logging

import sqlalchemy as sa
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from services.registry.storage import RegistryStorage, checkpoints, identity
from services.registry.storage.schema import changes, counters
from services.registry.stream_owner import RESTART_REASONS

log = logging.getLogger(__name__)


class RegistryCollector:
    """Reads a few indexed rows per scrape: the cost does not grow with the number of assets."""

    def __init__(self, storage: RegistryStorage, relay=None, relay_checkpoint: str = ""):
        self._storage = storage
        self._relay = relay
        self._relay_checkpoint = relay_checkpoint

    def collect(self):
        try:
            with self._storage.reading() as connection:
                figures = self._figures(connection)
        except sa.exc.SQLAlchemyError:
            log.exception("could not read the registry's health figures")
            return
        yield _gauge(
            "urban_registry_head_revision", "Newest revision in the change log.", figures["head"]
        )
        yield _gauge(
            "urban_registry_change_log_epoch",
            "Epoch of the change log; moves when the log is found rewound (a restored backup).",
            figures["epoch"],
        )
        yield _gauge(
            "urban_registry_unsequenced_changes",
            "Committed changes not yet given a revision.",
            figures["unsequenced"],
        )
        if self._relay is not None:
            yield from self._relay_metrics(figures)

    def _figures(self, connection: sa.Connection) -> dict:
        head = connection.scalar(sa.select(counters.c.value).where(counters.c.name == "revision"))
        unsequenced = connection.scalar(
            sa.select(sa.func.count()).select_from(changes).where(changes.c.revision.is_(None))
        )
        published = checkpoints.get(connection, self._relay_checkpoint) if self._relay else 0
        oldest = connection.scalar(
            sa.select(changes.c.commit_time).where(changes.c.revision == published + 1)
        )
        return {
            "head": head,
            "epoch": identity.read(connection).epoch,
            "unsequenced": unsequenced,
            "published": published,
            "oldest": oldest,
        }

    def _relay_metrics(self, figures: dict):
        backlog = figures["head"] - figures["published"]
        oldest = figures["oldest"]
        age = (
            (dt.datetime.now(dt.UTC) - _aware(oldest)).total_seconds() if oldest and backlog else 0
        )
        yield _gauge(
            "urban_registry_outbox_backlog", "Changes not yet published to Redis.", backlog
        )
        yield _gauge(
            "urban_registry_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest change not yet published to Redis.",
            max(age, 0.0),
        )
        published = CounterMetricFamily(
            "urban_registry_relay_published", "Changes this process published to Redis."
        )
        published.add_metric([], self._relay.published_total)
        yield published
        failed = CounterMetricFamily(
            "urban_registry_relay_failed_writes",
            "Stream entries Redis refused (sent again later, never counted as published).",
        )
        failed.add_metric([], self._relay.failed_total)
        yield failed
        restarts = CounterMetricFamily(
            "urban_registry_relay_stream_restarts",
            "Times this process started the Redis stream afresh for its log, by reason.",
            labels=["reason"],
        )
        for reason in RESTART_REASONS:
            restarts.add_metric([reason], self._relay.restarts[reason])
        yield restarts


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
