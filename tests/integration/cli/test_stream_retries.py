"""A stream the registry breaks for a moment is resumed from the first unanswered chunk, with the
same request ids; a refused chunk is reported on its rows."""

import threading
from concurrent import futures

import grpc
import pytest

from services.cli.main import main
from tests.integration.cli.fake_registry import CitiesOnlyRegistry, abort
from tests.integration.cli.files import pipes_csv
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc


class FlakyStreamingRegistry(CitiesOnlyRegistry):
    """Knows the reference cities and ImportAssets only; breaks the stream at the second chunk's
    first two arrivals, the first time with UNAVAILABLE, then with ABORTED for `reason`."""

    def __init__(self, refuse_chunk: int | None = None, reason: str = "CONTENTION"):
        self.reason = reason
        self.arrivals: dict[str, int] = {}
        self.requests: list[str] = []
        self.refuse_chunk = refuse_chunk
        self.lock = threading.Lock()

    def ImportAssets(self, request_iterator, context):
        for request in request_iterator:
            with self.lock:
                self.requests.append(request.request_id)
                arrival = self.arrivals[request.request_id] = self.arrivals.get(
                    request.request_id, 0) + 1
                chunk = list(self.arrivals).index(request.request_id)
            if chunk == self.refuse_chunk:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, "refused")
            if chunk == 1 and arrival == 1:
                context.abort(grpc.StatusCode.UNAVAILABLE, "database restarting")
            if chunk == 1 and arrival == 2:
                abort(context, self.reason)
            yield api.ImportAssetsResponse(request_id=request.request_id,
                                           created_count=len(request.assets))


def serve(servicer):
    server = grpc.server(futures.ThreadPoolExecutor(4))
    registry_service_pb2_grpc.add_RegistryServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


@pytest.fixture
def flaky():
    servicer = FlakyStreamingRegistry()
    server, target = serve(servicer)
    yield servicer, target
    server.stop(None)


def run_import(target: str, path, *options: str) -> int:
    return main(["--registry", target, "--token", "any", "import", str(path), "--city", "330100",
                 "--kind", "pipe_segment", "--quiet", *options])


def test_a_broken_stream_resumes_at_the_first_unanswered_chunk_with_the_same_ids(
    flaky, tmp_path, capsys
):
    servicer, target = flaky
    code = run_import(target, pipes_csv(tmp_path / "pipes.csv", 2500), "--parallel", "1")
    assert code == 0, capsys.readouterr().err
    assert "2500 created" in capsys.readouterr().out
    assert list(servicer.arrivals.values()) == [1, 3, 1]
    first, second, third = servicer.arrivals
    assert servicer.requests == [first, second, second, second, third]


def test_chunks_in_flight_when_the_stream_breaks_are_sent_again(flaky, tmp_path, capsys):
    servicer, target = flaky
    code = run_import(target, pipes_csv(tmp_path / "pipes.csv", 2500), "--parallel", "4")
    assert code == 0, capsys.readouterr().err
    assert "2500 created" in capsys.readouterr().out
    assert servicer.arrivals[list(servicer.arrivals)[1]] == 3


def test_a_refusal_is_not_retried_and_says_how_far_the_import_got(tmp_path, capsys):
    servicer = FlakyStreamingRegistry(refuse_chunk=0)
    server, target = serve(servicer)
    try:
        code = run_import(target, pipes_csv(tmp_path / "pipes.csv", 10))
    finally:
        server.stop(None)
    assert code == 1
    assert capsys.readouterr().err.splitlines() == ["urban: refused"]
    assert list(servicer.arrivals.values()) == [1]


def test_a_chunk_refused_for_a_stale_etag_is_not_sent_again(tmp_path, capsys):
    servicer = FlakyStreamingRegistry(reason="ETAG_MISMATCH")
    server, target = serve(servicer)
    try:
        code = run_import(target, pipes_csv(tmp_path / "pipes.csv", 2500), "--parallel", "1")
    finally:
        server.stop(None)
    assert code == 1
    assert "ETAG_MISMATCH" in capsys.readouterr().err
    assert list(servicer.arrivals.values()) == [1, 2]


class CommitsThenBreaks(CitiesOnlyRegistry):
    """Commits the second chunk, then breaks the stream before answering it; answers its resend
    as a replay, as the registry answers a request id it has seen."""

    def __init__(self):
        self.answered: dict[str, api.ImportAssetsResponse] = {}

    def ImportAssets(self, request_iterator, context):
        for number, request in enumerate(request_iterator):
            if request.request_id in self.answered:
                answer = api.ImportAssetsResponse()
                answer.CopyFrom(self.answered[request.request_id])
                answer.replayed = True
                yield answer
                continue
            self.answered[request.request_id] = api.ImportAssetsResponse(
                request_id=request.request_id, created_count=len(request.assets))
            if number == 1:
                context.abort(grpc.StatusCode.UNAVAILABLE, "connection lost")
            yield self.answered[request.request_id]


def test_a_replayed_answer_to_a_chunk_this_run_sent_counts_as_this_runs_work(tmp_path, capsys):
    servicer = CommitsThenBreaks()
    server, target = serve(servicer)
    try:
        code = run_import(target, pipes_csv(tmp_path / "pipes.csv", 2500), "--parallel", "1")
        first = capsys.readouterr()
        again = run_import(target, pipes_csv(tmp_path / "pipes.csv", 2500), "--parallel", "1")
        second = capsys.readouterr()
    finally:
        server.stop(None)
    assert (code, again) == (0, 0), first.err + second.err
    assert "2500 created, 0 updated, 0 unchanged (" in first.out
    assert "imported 0 rows" in second.out and "2500 rows already imported earlier" in second.out
