import threading

import pytest

from services.cli.batches import MAX_ASSETS, Chunk, ChunkSender, chunks, request_id
from services.cli.failures import CliError, RpcFailure
from tests.unit.cli.rpc_errors import aborted, invalid
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r


def pipe(number: int) -> r.Asset:
    return r.Asset(name=f"cities/330100/assets/gas-{number}",
                   pipe_segment=r.PipeSegment(length_m=number + 1))


def rows(count: int):
    return [(f"line {number + 2}", pipe(number)) for number in range(count)]


def test_chunks_hold_at_most_a_batch_and_keep_their_rows_locations():
    made = list(chunks(rows(2 * MAX_ASSETS + 5)))
    assert [len(chunk.assets) for chunk in made] == [MAX_ASSETS, MAX_ASSETS, 5]
    assert [chunk.index for chunk in made] == [0, 1, 2]
    assert made[2].locations[0] == f"line {2 * MAX_ASSETS + 2}"


def test_request_ids_repeat_for_the_same_file_and_chunk_only():
    chunk = Chunk(0, [pipe(1), pipe(2)], ["line 2", "line 3"])
    same = Chunk(0, [pipe(1), pipe(2)], ["line 2", "line 3"])
    assert request_id("file-a", chunk) == request_id("file-a", same)
    others = {
        request_id("file-b", chunk),
        request_id("file-a", Chunk(1, chunk.assets, chunk.locations)),
        request_id("file-a", Chunk(0, [pipe(1), pipe(3)], chunk.locations)),
        request_id("file-a", chunk, salt="again"),
    }
    assert request_id("file-a", chunk) not in others and len(others) == 4


class FakeRegistry:
    """Counts created assets, fails the chunk holding `failing`, and records concurrency."""

    def __init__(self, failing: str | None = None):
        self.failing, self.request_ids, self.busy, self.most_busy = failing, [], 0, 0
        self.lock = threading.Lock()

    def upsert(self, request: api.BatchUpsertAssetsRequest):
        with self.lock:
            self.busy += 1
            self.most_busy = max(self.most_busy, self.busy)
            self.request_ids.append(request.request_id)
        try:
            names = [asset.name for asset in request.assets]
            if self.failing in names:
                field = f"assets[{names.index(self.failing)}].pipe_segment.length_m"
                raise RpcFailure(invalid((field, "length_m must be positive")), "registry", "x")
            return api.BatchUpsertAssetsResponse(created_count=len(names))
        finally:
            with self.lock:
                self.busy -= 1


def sender(registry: FakeRegistry, sent: list) -> ChunkSender:
    return ChunkSender(registry.upsert, lambda chunk: f"id-{chunk.index}", 2, sent.append)


def test_every_chunk_is_sent_once_with_its_request_id_and_counted():
    registry, sent = FakeRegistry(), []
    totals = sender(registry, sent).send_all(chunks(rows(4500)))
    assert totals.created == 4500 and sum(sent) == 4500
    assert sorted(registry.request_ids) == [f"id-{index}" for index in range(5)]
    assert registry.most_busy <= 2


def test_a_rejected_chunk_names_the_row_it_came_from():
    registry = FakeRegistry(failing="cities/330100/assets/gas-1003")
    with pytest.raises(CliError) as caught:
        sender(registry, []).send_all(chunks(rows(2500)))
    assert caught.value.lines[1:] == ("  line 1005: length_m: must be positive",)


class AbortingRegistry:
    """Aborts each request with `reason` the first `times` times it arrives."""

    def __init__(self, reason: str, times: int):
        self.reason, self.times, self.attempts = reason, times, 0

    def upsert(self, request: api.BatchUpsertAssetsRequest):
        self.attempts += 1
        if self.attempts <= self.times:
            raise RpcFailure(aborted(self.reason), "registry", "x")
        return api.BatchUpsertAssetsResponse(created_count=len(request.assets))


def aborting_sender(registry: AbortingRegistry, pauses: list) -> ChunkSender:
    return ChunkSender(registry.upsert, lambda chunk: "id", 1, lambda rows: None, pauses.append)


def test_a_chunk_that_lost_races_is_sent_again_after_a_pause():
    registry, pauses = AbortingRegistry("CONTENTION", times=2), []
    totals = aborting_sender(registry, pauses).send_all(chunks(rows(10)))
    assert totals.created == 10 and registry.attempts == 3 and pauses == [0.5, 1.0]


def test_a_chunk_refused_for_a_stale_etag_is_never_sent_again():
    registry, pauses = AbortingRegistry("ETAG_MISMATCH", times=1), []
    with pytest.raises(RpcFailure) as caught:
        aborting_sender(registry, pauses).send_all(chunks(rows(10)))
    assert caught.value.error.code().name == "ABORTED"
    assert registry.attempts == 1 and pauses == []
