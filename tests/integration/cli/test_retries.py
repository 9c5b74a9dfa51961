"""A batch the registry aborts, or cannot take for a moment, is sent again with the same id."""

import threading
from concurrent import futures

import grpc
import pytest

from services.cli.main import main
from tests.integration.cli.fake_registry import CitiesOnlyRegistry, abort
from tests.integration.cli.files import pipes_csv
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc


class FlakyRegistry(CitiesOnlyRegistry):
    """Knows the reference cities; refuses each batch's first two attempts, the first ABORTED
    for `reason`."""

    def __init__(self, reason: str = "CONTENTION"):
        self.attempts: dict[str, int] = {}
        self.lock = threading.Lock()
        self.reason = reason

    def BatchUpsertAssets(self, request, context):
        with self.lock:
            attempt = self.attempts[request.request_id] = self.attempts.get(
                request.request_id, 0) + 1
        if attempt == 1:
            abort(context, self.reason)
        if attempt == 2:
            context.abort(grpc.StatusCode.UNAVAILABLE, "database restarting")
        return api.BatchUpsertAssetsResponse(created_count=len(request.assets))


@pytest.fixture
def flaky(request):
    servicer = FlakyRegistry(getattr(request, "param", "CONTENTION"))
    server = grpc.server(futures.ThreadPoolExecutor(4))
    registry_service_pb2_grpc.add_RegistryServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield servicer, f"127.0.0.1:{port}"
    server.stop(None)


def test_refused_batches_are_retried_with_the_same_request_id(flaky, tmp_path, capsys):
    servicer, target = flaky
    path = pipes_csv(tmp_path / "pipes.csv", 2500)
    code = main(["--registry", target, "--token", "any", "import", str(path), "--city", "330100",
                 "--kind", "pipe_segment", "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert "2500 created" in capsys.readouterr().out
    assert sorted(servicer.attempts.values()) == [3, 3, 3]


@pytest.mark.parametrize("flaky", ["ETAG_MISMATCH"], indirect=True)
def test_a_batch_refused_for_a_stale_etag_is_not_sent_again(flaky, tmp_path, capsys):
    servicer, target = flaky
    path = pipes_csv(tmp_path / "pipes.csv", 2500)
    code = main(["--registry", target, "--token", "any", "import", str(path), "--city", "330100",
                 "--kind", "pipe_segment", "--quiet", "--parallel", "1"])
    assert code == 1
    assert "ETAG_MISMATCH" in capsys.readouterr().err
    assert list(servicer.attempts.values()) == [1]
