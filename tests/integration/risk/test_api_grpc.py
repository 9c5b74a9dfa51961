"""RiskService through a real gRPC server with the shared interceptors on 127.0.0.1:0."""

import grpc
import pytest
import yaml
from prometheus_client import CollectorRegistry

from services.common.auth import TokenStore
from services.common.config import Address
from services.common.grpc_server import GrpcServer
from services.common.interceptors import client_auth_metadata
from services.common.token_file import hash_token
from tests.integration.common import reflection_v1
from tests.unit.risk.builders import HANGZHOU, NINGBO
from urban.risk.v1 import risk_service_pb2 as pb
from urban.risk.v1 import risk_service_pb2_grpc

RISK_SERVICE = "urban.risk.v1.RiskService"


@pytest.fixture
def channel(servicer, tmp_path):
    tokens = tmp_path / "tokens.yaml"
    entries = [
        {"name": "ops", "sha256": hash_token("urt_ops"), "scopes": ["admin"]},
        {"name": "hz", "sha256": hash_token("urt_hz"), "scopes": [f"assets.read:{HANGZHOU}"]},
    ]
    tokens.write_text(yaml.safe_dump({"tokens": entries}))
    server = GrpcServer(
        "risk", token_store=TokenStore(tokens), metrics_registry=CollectorRegistry()
    )
    server.add_service(
        servicer,
        risk_service_pb2_grpc.add_RiskServiceServicer_to_server,
        RISK_SERVICE,
    )
    port = server.start(Address.parse("127.0.0.1:0"))
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield channel
    server.stop(0)


@pytest.fixture
def stub(channel):
    return risk_service_pb2_grpc.RiskServiceStub(channel)


def test_reflection_v1_lists_and_resolves_the_service(channel):
    assert RISK_SERVICE in reflection_v1.list_services(channel)
    pool = reflection_v1.pool_resolving(channel, RISK_SERVICE)
    assert pool.FindServiceByName(RISK_SERVICE).FindMethodByName("GetPlanProgress")


def test_through_a_grpc_server(stub):
    admin, reader = client_auth_metadata("urt_ops"), client_auth_metadata("urt_hz")
    progress = stub.GetPlanProgress(pb.GetPlanProgressRequest(), metadata=admin, timeout=10)
    assert len(progress.targets) == 6
    listed = stub.ListRenovationCandidates(
        pb.ListRenovationCandidatesRequest(parent=f"cities/{HANGZHOU}"), metadata=reader, timeout=10
    )
    assert len(listed.candidates) == 3
    assert stub.VerifyReadModel(pb.VerifyReadModelRequest(), metadata=admin, timeout=10).consistent
    for call, request, metadata, code in [
        (stub.GetPlanProgress, pb.GetPlanProgressRequest(), (), grpc.StatusCode.UNAUTHENTICATED),
        (
            stub.ListRenovationCandidates,
            pb.ListRenovationCandidatesRequest(parent=f"cities/{NINGBO}"),
            reader,
            grpc.StatusCode.PERMISSION_DENIED,
        ),
        (
            stub.GetPlanProgress,
            pb.GetPlanProgressRequest(city="cities/999999"),
            reader,
            grpc.StatusCode.NOT_FOUND,
        ),
        (
            stub.GetPlanProgressHistory,
            pb.GetPlanProgressHistoryRequest(city="hangzhou"),
            reader,
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (
            stub.ListRenovationCandidates,
            pb.ListRenovationCandidatesRequest(parent="x"),
            admin,
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
    ]:
        with pytest.raises(grpc.RpcError) as raised:
            call(request, metadata=metadata, timeout=10)
        assert raised.value.code() == code


def test_a_city_token_reads_the_province_and_any_city_but_only_its_own_candidates(stub):
    reader = client_auth_metadata("urt_hz")
    province = stub.GetPlanProgress(pb.GetPlanProgressRequest(), metadata=reader, timeout=10)
    assert len(province.targets) == 6
    ningbo = stub.GetPlanProgress(
        pb.GetPlanProgressRequest(city=f"cities/{NINGBO}"), metadata=reader, timeout=10
    )
    assert {tuple(c.city for c in t.cities) for t in ningbo.targets} == {(f"cities/{NINGBO}",)}
    history = stub.GetPlanProgressHistory(
        pb.GetPlanProgressHistoryRequest(city=f"cities/{NINGBO}"), metadata=reader, timeout=10
    )
    assert history.city == f"cities/{NINGBO}" and len(history.targets) == 6
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListRenovationCandidates(
            pb.ListRenovationCandidatesRequest(parent=f"cities/{NINGBO}"), metadata=reader
        )
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
