"""Rebuilding the read model from a full listing of the registry (list, then watch)."""

import logging

from services.common.change_stream import LogSource
from services.risk.app.updates import ReadModelUpdates
from services.risk.feed import translate
from services.risk.feed.registry_client import RegistryClient
from services.risk.metrics import FeedHealth

log = logging.getLogger(__name__)


def relist(
    updates: ReadModelUpdates,
    registry: RegistryClient,
    health: FeedHealth,
    source: LogSource | None = None,
) -> int:
    """Replaces every per-asset row from a listing of the log `source` (by default the one
    followed so far); returns the revision to follow on from."""
    with health.relisting():
        revision, assets = registry.list_assets()
        snapshots = (translate.snapshot(asset) for asset in assets)
        count = updates.replace_all(snapshots, revision, source)
    health.record_relist()
    log.info("rebuilt the read model from %d assets at revision %d", count, revision)
    return revision
