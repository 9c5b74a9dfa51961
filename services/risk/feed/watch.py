"""Following the registry over gRPC: catch up with ListChanges, then stay live on WatchChanges."""

import logging
import threading

import grpc

from services.risk import translate
from services.risk.feed.batching import batches
from services.risk.feed.registry_client import CHANGES_PAGE, RegistryClient
from services.risk.feed.relist import relist
from services.risk.feed.retrying import follow_until_stopped
from services.risk.metrics import FeedHealth
from services.risk.storage.read_model import ReadModel

log = logging.getLogger(__name__)


class WatchFollower:
    def __init__(self, read_model: ReadModel, registry: RegistryClient, health: FeedHealth):
        self._read_model = read_model
        self._registry = registry
        self._health = health
        self._stopping = threading.Event()
        self._call = None

    def run(self) -> None:
        """Follows until stop(); reconnects after errors with a growing pause."""
        follow_until_stopped(self._follow, self._stopping, (grpc.RpcError,), "the registry feed")

    def stop(self) -> None:
        self._stopping.set()
        if self._call is not None:
            self._call.cancel()

    def _follow(self) -> None:
        if self._read_model.applied_revision() == 0:
            relist(self._read_model, self._registry, self._health)
        self._catch_up()
        self._call = self._registry.watch(self._read_model.applied_revision() + 1)
        try:
            for batch in batches(self._call):
                self._apply(batch)
                if self._stopping.is_set():
                    return
        finally:
            self._call.cancel()

    def _catch_up(self) -> None:
        while not self._stopping.is_set():
            page = self._registry.changes_page(self._read_model.applied_revision() + 1)
            if page.changes:
                self._apply(page.changes)
            if len(page.changes) < CHANGES_PAGE:
                return

    def _apply(self, messages) -> None:
        result = self._read_model.apply([translate.change(message) for message in messages])
        self._health.record_batch(result)
