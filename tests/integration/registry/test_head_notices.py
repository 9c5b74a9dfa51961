"""PostgreSQL tells every process listening that the change log's head moved, at once."""

import time

import pytest
from prometheus_client import CollectorRegistry

from services.registry.app.feed import ChangeFeed
from services.registry.storage import RegistryStorage
from services.registry.wiring import Registry
from tests.builders import pipe
from tests.integration.registry.conftest import settings_for
from tests.integration.registry.in_process import batch_upsert
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api


@pytest.fixture
def writing_registry(postgres_url, tokens_file, tokens):
    service = Registry(settings_for(postgres_url, tokens_file), CollectorRegistry())
    service.start(serve_metrics=False, serve_http=False)
    yield service
    service.stop()


def test_another_process_learns_of_new_revisions_without_polling(writing_registry, postgres_url):
    storage = RegistryStorage(postgres_url)
    feed = ChangeFeed(storage, poll_seconds=3600)  # only the notices can move its head
    notices = storage.head_notices(feed.moved_to)
    feed.start()
    notices.start()
    try:
        time.sleep(0.5)  # listening
        names = [f"cities/330100/assets/n-{i}" for i in range(3)]
        request = api.BatchUpsertAssetsRequest(
            parent="cities/330100", assets=[pipe(n) for n in names]
        )
        batch_upsert(writing_registry, request)
        head = writing_registry.feed.sequence_now()
        assert head >= 3
        wait_until(lambda: feed.head() >= head, timeout=5.0)
    finally:
        notices.stop()
        feed.stop()
        storage.close()


def test_sqlite_has_no_notices(sqlite_url):
    assert RegistryStorage(sqlite_url).head_notices(lambda head: None) is None
