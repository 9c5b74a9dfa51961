"""A tiny run of every benchmark on SQLite: `.venv/bin/pytest bench` (not part of `make test`)."""

import datetime
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import grpc
import pytest

from bench.bulk_rounds import round_order
from bench.client import RegistryClient
from bench.figures import percentile
from bench.pipes import pipe_segments
from bench.service_process import REPOSITORY_ROOT
from services.registry.domain.cities import REFERENCE_CITIES
from services.registry.domain.validation import validate_asset
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc, resources_pb2

TINY_RUN = [
    "--databases", "sqlite", "--count", "1500", "--duration", "1", "--warmup", "0.5",
    "--concurrency", "4", "--client-processes", "2", "--assets", "16",
    "--scrape-assets", "3000", "--scrape-small-assets", "300", "--scrape-runs", "2",
    "--query-runs", "1", "--delay-rate", "50", "--delay-duration", "1", "--delay-assets", "16",
    "--delay-senders", "4", "--poll-interval", "0.02", "--places-count", "500",
    "--places-rounds", "2", "--file-import-count", "300",
    "--spatial-count", "2000", "--spatial-repeats", "2", "--bulk-count", "2000",
    "--progress-assets", "500", "--progress-fill", "sql", "--registry-processes", "1,2",
    "--floor-duration", "1",
]  # fmt: skip


class PeersSeen(registry_service_pb2_grpc.RegistryServiceServicer):
    def __init__(self):
        self.peers = set()

    def GetCity(self, request: api.GetCityRequest, context) -> resources_pb2.City:
        self.peers.add(context.peer())
        return resources_pb2.City(name=request.name)


def test_clients_in_one_process_each_have_a_connection_of_their_own():
    """So that the load threads spread over a registry's processes as separate clients do."""
    servicer = PeersSeen()
    server = grpc.server(ThreadPoolExecutor(max_workers=2))
    registry_service_pb2_grpc.add_RegistryServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with ExitStack() as clients:
            for _ in range(3):
                client = clients.enter_context(RegistryClient(f"127.0.0.1:{port}", "token"))
                client.call("GetCity", api.GetCityRequest(name="cities/330100"), timeout=10)
    finally:
        server.stop(None)
    assert len(servicer.peers) == 3


def test_generated_pipes_are_valid():
    hangzhou = next(city for city in REFERENCE_CITIES if city.code == "330100")
    today = datetime.date.today()
    assert all(not validate_asset(pipe, hangzhou, today=today) for pipe in pipe_segments(500))


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.99), percentile([], 0.5)) == (50, 99, 0)


def test_bulk_rounds_alternate_raw_and_import_abba():
    assert round_order(1) == ["raw", "import"]
    assert round_order(2) == ["raw", "import", "import", "raw"]
    assert round_order(4) == ["raw", "import", "import", "raw"] * 2


RUN_SECONDS = 900  # every benchmark once, on a machine that other work may keep busy


@pytest.mark.timeout(RUN_SECONDS + 30)
def test_every_benchmark_runs_and_prints_its_figures(tmp_path):
    results = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", *TINY_RUN, "--results", str(results)],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("machine: ")
    assert "batch_upsert sqlite: 1500 assets in " in run.stdout
    assert "batch_upsert resend sqlite: check ok" in run.stdout
    assert "update_latency sqlite: goal registry CPU an UpdateAsset <= 0.8 ms: " in run.stdout
    assert "update_latency sqlite: UpdateAsset, 2 registry processes: " in run.stdout
    assert "risk_scrape sqlite: 3000 assets: scrape " in run.stdout
    assert "risk_delay sqlite: watch + SQLite: commit to metric over 50 revisions" in run.stdout
    assert "bulk_places sqlite: 2 rounds: with checks " in run.stdout
    assert "bulk_places sqlite: goal throughput lost to the place checks <= 10.0 %: " in run.stdout
    assert "file_import sqlite: goal shapefile import rate ÷ CSV's >= 0.5: " in run.stdout
    assert "spatial_query sqlite: loaded 2000 assets" in run.stdout
    assert "spatial_query sqlite: bbox: bbox(" in run.stdout
    assert "bulk_load raw sqlite: round 4, raw: 2000 rows in " in run.stdout
    assert "bulk_load raw sqlite: means of 2 import and 2 raw rounds: " in run.stdout
    assert "bulk_load sqlite: goal ImportAssets rate ÷ raw executemany >= 0.5: " in run.stdout
    assert "server_floor none: aio server, empty GetCity: " in run.stdout
    assert "server_floor none: sync-batch server, empty GetCity: " in run.stdout
    assert "server_floor none: sync-batch-one-cpu server, empty GetCity: " in run.stdout
    assert "\ngoals (quick sizes):\nbenchmark " in run.stdout
    assert "risk_delay sqlite: took " in run.stdout and "\ntotal: " in run.stdout
    assert json.loads(results.read_text())["goals"]
