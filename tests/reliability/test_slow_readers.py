"""A WatchChanges client that stops reading while 100,000 changes are written: the registry's
memory stays bounded (gRPC's flow control holds the stuck stream's backlog to its window), the
stream ends with RESOURCE_EXHAUSTED once a change waited longer than the stall limit, and
another watcher and unary callers are served all the while."""

import os
import statistics
import threading
import time
from pathlib import Path

import grpc

from services.common.tokens import add_token
from tests.integration.registry.assets import pipe
from tests.reliability.conftest import registry_client
from tests.reliability.processes import registry_process
from urban.registry.v1 import registry_service_pb2 as api

CHANGES = int(os.environ.get("URBAN_TEST_SLOW_READER_CHANGES", "100000"))
BATCH = 1000
STALL_SECONDS = 5
MAX_GROWTH_MB = 200  # the 100,000 changes alone are over 100 MB as messages


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def write_changes(client, count: int) -> None:
    for start in range(0, count, BATCH):
        batch = [pipe(f"cities/330100/assets/slow-{n}") for n in range(start, start + BATCH)]
        request = api.ImportAssetsRequest(parent="cities/330100", assets=batch,
                                          request_id=f"slow-{start}")
        list(client.ImportAssets(iter([request]), timeout=300))


class Watcher(threading.Thread):
    """Reads every change up to `last` and checks their order."""

    def __init__(self, client, last: int):
        super().__init__(daemon=True)
        self.client, self.last, self.received, self.error = client, last, 0, None

    def run(self) -> None:
        try:
            for change in self.client.WatchChanges(api.WatchChangesRequest(), timeout=900):
                self.received += 1
                assert change.revision == self.received
                if change.revision == self.last:
                    return
        except Exception as error:  # reported by the test
            self.error = error


def test_a_stuck_watcher_is_cut_off_and_costs_no_one_else(tmp_path):
    tokens_file = str(tmp_path / "tokens.yaml")
    admin = add_token(tokens_file, "admin", ["admin"])
    registry = registry_process(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", tokens_file,
                                URBAN_REGISTRY_WATCH_STALL_SECONDS=str(STALL_SECONDS)).start()
    try:
        client = registry_client(registry.address, admin)
        stuck = client.WatchChanges(api.WatchChangesRequest(), timeout=900)  # never read
        healthy = Watcher(client, CHANGES)
        healthy.start()
        latencies, samples = [], []
        writer = threading.Thread(target=write_changes, args=(client, CHANGES), daemon=True)
        writer.start()
        while writer.is_alive():
            began = time.monotonic()
            client.GetCity(api.GetCityRequest(name="cities/330100"), timeout=30)
            latencies.append(time.monotonic() - began)
            samples.append(resident_mb(registry.process.pid))
            writer.join(timeout=0.5)
        healthy.join(timeout=300)
        samples.append(resident_mb(registry.process.pid))

        assert healthy.error is None and healthy.received == CHANGES, healthy.error
        taken = 0
        try:
            for _ in stuck:
                taken += 1
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error
            assert "URBAN_REGISTRY_WATCH_STALL_SECONDS" in error.details()
        else:
            raise AssertionError("the stuck watch was never ended")
        assert 0 < taken < CHANGES
        assert max(samples) - samples[0] < MAX_GROWTH_MB, samples
        assert "ended a watch whose reader took no change" in registry.log()
        print(f"\nregistry RSS {samples[0]:.0f} -> max {max(samples):.0f} MB over {CHANGES} "
              f"changes; the stuck watch took {taken} before it was ended; GetCity median "
              f"{statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.0f} ms")
    finally:
        registry.stop()
