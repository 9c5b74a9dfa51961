"""32 clients create, update and delete overlapping assets at once: the final state is the
change log replayed, every acknowledged write is in the log once and every refused one not at
all, and no write overwrote a version it had not seen (every etag conflict was reported).

The suite runs for URBAN_TEST_CONTENTION_SECONDS (default 6); set it to 60 for the full minute.
"""

import os

import grpc

from tests.reliability.conftest import registry_client
from tests.reliability.consistency import (
    assert_log_replays_to_state,
    assert_read_model_matches,
    change_log,
)
from tests.reliability.contention import contend
from tests.reliability.in_process import running_on_redis
from urban.registry.v1 import resources_pb2 as r

CLIENTS = 32
SECONDS = float(os.environ.get("URBAN_TEST_CONTENTION_SECONDS", "6"))
CHANGE_TYPES = {"create": r.CHANGE_TYPE_CREATED, "update": r.CHANGE_TYPE_UPDATED,
                "delete": r.CHANGE_TYPE_DELETED}


def test_concurrent_clients_on_shared_assets(
    postgres_url, second_postgres_url, redis_client, redis_prefix, tokens_file, tokens
):
    with running_on_redis(
        postgres_url, second_postgres_url, tokens_file, tokens, redis_prefix
    ) as (registry, risk):
        client = registry_client(registry.address(), tokens["admin"])
        contenders = contend(client, CLIENTS, SECONDS)
        assert [problem for c in contenders for problem in c.unexpected] == []
        writes = {w.request_id: w for c in contenders for w in c.writes}
        assert_log_replays_to_state(client)
        _assert_log_holds_exactly_the_acknowledged_writes(client, writes)
        conflicts = [w for w in writes.values() if w.code == grpc.StatusCode.ABORTED]
        assert conflicts, "32 clients on 16 assets should have run into stale etags"
        assert_read_model_matches(risk.read_model, client)


def _assert_log_holds_exactly_the_acknowledged_writes(client, writes) -> None:
    logged = {}
    for change in change_log(client):
        assert change.request_id not in logged, f"{change.request_id} applied twice"
        logged[change.request_id] = change
    acknowledged = {rid for rid, w in writes.items() if w.code == grpc.StatusCode.OK}
    assert set(logged) == acknowledged
    for request_id, change in logged.items():
        write = writes[request_id]
        assert (change.asset_name, change.type) == (write.name, CHANGE_TYPES[write.kind])
        assert change.before.etag == write.based_on, "a write overwrote a version it never saw"
