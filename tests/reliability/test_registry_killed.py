"""The registry killed with SIGKILL in the middle of batch imports on PostgreSQL: every
acknowledged batch is there, no unacknowledged batch is half there, and retries with the same
request ids duplicate nothing. A risk service following the registry ends consistent."""

import threading
from collections import Counter

import grpc

from tests.reliability.conftest import registry_client
from tests.reliability.consistency import (
    assert_log_replays_to_state,
    assert_read_model_matches,
    change_log,
    registry_assets,
)
from tests.reliability.importing import (
    BATCH_SIZE,
    Outcomes,
    batch_of,
    batch_request,
    import_until_refused,
)
from tests.reliability.in_process import risk_settings, start_risk
from tests.reliability.processes import registry_process
from tests.waiting import wait_until

IMPORTERS = 6
BATCHES_EACH = 40
ACKNOWLEDGED_BEFORE_THE_KILL = 8


def test_sigkill_during_batch_imports_loses_and_duplicates_nothing(
    tmp_path, postgres_url, tokens_file, tokens
):
    registry = registry_process(tmp_path, postgres_url, tokens_file).start()
    risk = start_risk(risk_settings(
        f"sqlite:///{tmp_path / 'risk.db'}", tokens_file, registry.address, tokens["risk-service"]
    ))
    client = registry_client(registry.address, tokens["admin"])
    try:
        outcomes = _import_and_kill(registry, client)
        registry.start()  # same port, same database
        _assert_all_or_nothing(registry_assets(client), outcomes)
        _retry_everything(client, outcomes)
        _assert_every_batch_once(client, outcomes)
        assert_read_model_matches(risk.read_model, client)
    finally:
        risk.stop()
        registry.stop()


def _import_and_kill(registry, client) -> Outcomes:
    outcomes = Outcomes()
    importers = [
        threading.Thread(target=import_until_refused, args=(client, i, outcomes, BATCHES_EACH))
        for i in range(IMPORTERS)
    ]
    for importer in importers:
        importer.start()
    wait_until(lambda: len(outcomes.acknowledged()) >= ACKNOWLEDGED_BEFORE_THE_KILL, timeout=120)
    registry.kill()
    for importer in importers:
        importer.join(timeout=120)
    refused = {outcomes.codes[rid] for rid in outcomes.unacknowledged()}
    assert refused <= {grpc.StatusCode.UNAVAILABLE}, refused
    assert outcomes.unacknowledged(), "the kill should have caught batches in flight"
    return outcomes


def _assert_all_or_nothing(stored, outcomes: Outcomes) -> None:
    per_batch = Counter(batch_of(name) for name in stored)
    for request_id in outcomes.acknowledged():
        assert per_batch[request_id] == BATCH_SIZE, request_id
    for request_id in outcomes.unacknowledged():
        assert per_batch[request_id] in (0, BATCH_SIZE), (request_id, per_batch[request_id])
    assert set(per_batch) <= set(outcomes.codes)


def _retry_everything(client, outcomes: Outcomes) -> None:
    for request_id in sorted(outcomes.codes):
        importer, batch = (int(part) for part in request_id.split("-")[1:])
        response = client.BatchUpsertAssets(batch_request(importer, batch), timeout=60)
        assert len(response.assets) == BATCH_SIZE
        assert response.created_count == BATCH_SIZE, "a retry must answer as the first call did"


def _assert_every_batch_once(client, outcomes: Outcomes) -> None:
    stored = assert_log_replays_to_state(client)
    assert Counter(batch_of(name) for name in stored) == {
        request_id: BATCH_SIZE for request_id in outcomes.codes
    }
    changes = change_log(client)
    assert len(changes) == len(stored), "a retried batch was applied twice"
    assert all(change.request_id == batch_of(change.asset_name) for change in changes)
