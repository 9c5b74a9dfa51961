"""PostgreSQL restarted under write load: clients get UNAVAILABLE or ABORTED, never a wrong
answer, and succeed on retry; both services recover without being restarted."""

import threading
from collections import Counter

import grpc
import pytest

from tests.reliability.conftest import registry_client
from tests.reliability.consistency import (
    assert_log_replays_to_state,
    assert_read_model_matches,
    change_log,
)
from tests.reliability.in_process import running_on_redis
from tests.reliability.writing import PER_BATCH, SteadyWriter
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.risk.v1 import risk_service_pb2 as risk_api
from urban.risk.v1 import risk_service_pb2_grpc

WRITERS = 3
RETRYABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED}


@pytest.fixture
def system(private_postgres, redis_client, redis_prefix, tokens_file, tokens):
    registry_url = private_postgres.create_database("registry")
    risk_url = private_postgres.create_database("risk")
    with running_on_redis(registry_url, risk_url, tokens_file, tokens, redis_prefix) as services:
        yield services


def test_a_database_restart_under_load_gives_retryable_errors_only(
    system, private_postgres, tokens
):
    registry, risk = system
    client = registry_client(registry.address(), tokens["admin"])
    writers = [SteadyWriter(client, name=f"w{n}").start() for n in range(WRITERS)]
    reader = CheckingReader(client, writers).start()
    try:
        _wait_for_more(writers, 3)
        private_postgres.stop("immediate")
        wait_until(lambda: any(w.retried_codes for w in writers) or reader.refusals, timeout=30)
        private_postgres.start()
        _wait_for_more(writers, 3)
        for writer in writers:
            writer.stop()
        reader.stop()
    finally:
        for writer in writers:
            writer.halt()
        reader.stop()
    assert set().union(*(w.retried_codes for w in writers)) <= RETRYABLE
    assert reader.wrong_answers == []
    assert set(reader.refusals) <= RETRYABLE
    _assert_each_acknowledged_batch_applied_once(client, writers)
    assert_read_model_matches(risk.read_model, client)
    _assert_risk_answers(risk, tokens["admin"])


def _wait_for_more(writers: list[SteadyWriter], batches: int) -> None:
    targets = [len(w.acknowledged) + batches for w in writers]

    def every_writer_got_further():
        failed = [w.failure for w in writers if w.failure]
        progress = zip(writers, targets, strict=True)
        return failed or all(len(writer.acknowledged) >= target for writer, target in progress)

    wait_until(every_writer_got_further, timeout=90)
    assert not [w.failure for w in writers if w.failure]


def _assert_each_acknowledged_batch_applied_once(client, writers) -> None:
    state = assert_log_replays_to_state(client)
    expected: dict[str, float] = {}
    for writer in writers:
        expected.update(writer.expected_lengths())
    assert {name: a.pipe_segment.length_m for name, a in state.items()} == expected
    per_request = Counter(change.request_id for change in change_log(client))
    acknowledged = [request.request_id for w in writers for request in w.acknowledged]
    assert per_request == {request_id: PER_BATCH for request_id in acknowledged}


def _assert_risk_answers(risk, token: str) -> None:
    with grpc.insecure_channel(risk.address()) as channel:
        stub = risk_service_pb2_grpc.RiskServiceStub(channel)
        metadata = (("authorization", f"Bearer {token}"),)
        progress = stub.GetPlanProgress(risk_api.GetPlanProgressRequest(), metadata=metadata)
    assert progress.ByteSize() > 0


class CheckingReader:
    """Reads back what the writers were told was stored: a read may be refused, but what it
    returns is never older than an acknowledged write."""

    def __init__(self, client, writers: list[SteadyWriter]):
        self._client = client
        self._writers = writers
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="checking-reader", daemon=True)
        self.wrong_answers: list[str] = []
        self.refusals: list[grpc.StatusCode] = []

    def start(self) -> "CheckingReader":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stopping.wait(0.01):
            for writer in self._writers:
                if writer.acknowledged:
                    self._check(writer.acknowledged[-1])

    def _check(self, request: api.BatchUpsertAssetsRequest) -> None:
        written = request.assets[0]
        try:
            stored = self._client.GetAsset(api.GetAssetRequest(name=written.name), timeout=10)
        except grpc.RpcError as error:
            self.refusals.append(error.code())
            return
        if stored.pipe_segment.length_m < written.pipe_segment.length_m:
            self.wrong_answers.append(f"{written.name}: {stored.pipe_segment.length_m}")
