"""Calls without a valid token are refused from their metadata, before the registry reads or
decodes their request: four 60 MiB calls without a token cost it almost no memory."""

import grpc
import pytest

from tests.builders import compound
from tests.integration.registry.conftest import Client
from tests.reliability.processes import registry_process
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

MIB = 1024 * 1024


def peak_memory_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def sixty_mib_batch() -> api.BatchUpsertAssetsRequest:
    point = '{"type":"Point","coordinates":[120.15,30.27]' + " " * 63_000 + "}"
    assets = [compound(f"cities/330100/assets/a{index}") for index in range(1000)]
    for asset in assets:
        asset.geojson = point
    return api.BatchUpsertAssetsRequest(parent="cities/330100", assets=assets)


@pytest.fixture
def registry(tmp_path, tokens_file, tokens):
    process = registry_process(tmp_path, f"sqlite:///{tmp_path / 'registry.db'}", tokens_file)
    process.start()
    yield process
    process.stop()


def test_large_calls_without_a_valid_token_cost_the_registry_nothing(registry, tokens):
    request = sixty_mib_batch()
    assert request.ByteSize() >= 60 * MIB
    before = peak_memory_bytes(registry.process.pid)
    with grpc.insecure_channel(registry.address) as channel:
        stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
        for token in ("", "urt_not-a-token", "", "urt_not-a-token"):
            with pytest.raises(grpc.RpcError) as refused:
                Client(stub, token).BatchUpsertAssets(request, timeout=60)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    growth = peak_memory_bytes(registry.process.pid) - before
    # Less than one request's bytes: none was held in memory, let alone decoded (before the
    # check came first, the four took it 235 MiB higher).
    assert growth < 48 * MIB, f"the registry's peak memory grew by {growth / MIB:.0f} MiB"
    assert "urt_not-a-token" not in registry.log()
