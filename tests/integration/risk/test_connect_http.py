"""RiskService over Connect beside the status pages, with the gRPC port's tokens and errors."""

import urllib.request

import grpc
import pytest
from google.protobuf import json_format
from prometheus_client import CollectorRegistry

from services.risk.wiring import Risk
from tests import builders as assets
from tests.connect_http import ConnectJson, reason
from tests.integration.registry.conftest import Client, tokens, tokens_file
from tests.reliability.in_process import registry_settings, risk_settings, start_registry
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.risk.v1 import risk_service_pb2 as pb
from urban.risk.v1 import risk_service_pb2_grpc

__all__ = ["tokens", "tokens_file"]  # the registry's fixtures, used here
SERVICE = "urban.risk.v1.RiskService"


@pytest.fixture
def risk(tmp_path, tokens_file, tokens):
    registry = start_registry(registry_settings(f"sqlite:///{tmp_path / 'r.db'}", tokens_file))
    risk = Risk(risk_settings(f"sqlite:///{tmp_path / 'risk.db'}", tokens_file,
                              registry.address(), tokens["risk-service"]), CollectorRegistry())
    risk.start(serve_metrics=False, serve_pages=True)
    try:
        with grpc.insecure_channel(registry.address()) as channel:
            admin = Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])
            admin.CreateAsset(api.CreateAssetRequest(
                parent="cities/330100", asset_id="gas-main", asset=assets.pipe("")), timeout=30)
        wait_until(lambda: risk.read_model.updates.applied_revision() == 1, timeout=30)
        wait_until(lambda: "330100" in risk.read_model.queries.cities(), timeout=30)
        yield risk
    finally:
        risk.stop()
        registry.stop()


def test_get_plan_progress_answers_as_on_the_grpc_port(risk, tokens):
    http = ConnectJson(f"http://127.0.0.1:{risk.web_port}", SERVICE, tokens["reader"])
    served = json_format.ParseDict(
        http.call("GetPlanProgress", {"city": "cities/330100"}), pb.PlanProgress()
    )
    with grpc.insecure_channel(risk.address()) as channel:
        answered = risk_service_pb2_grpc.RiskServiceStub(channel).GetPlanProgress(
            pb.GetPlanProgressRequest(city="cities/330100"),
            metadata=[("authorization", f"Bearer {tokens['reader']}")], timeout=30)
    assert served == answered and served.applied_revision == 1


def test_tokens_and_scopes_hold_and_the_pages_stay_beside(risk, tokens):
    base = f"http://127.0.0.1:{risk.web_port}"
    anonymous = ConnectJson(base, SERVICE).post("GetPlanProgress", {})
    assert anonymous.status_code == 401 and reason(anonymous.json()) == "TOKEN_MISSING"
    other_city = ConnectJson(base, SERVICE, tokens["ningbo"]).post(
        "ListRenovationCandidates", {"parent": "cities/330100"}
    )
    assert other_city.status_code == 403 and reason(other_city.json()) == "PERMISSION_DENIED"
    candidates = ConnectJson(base, SERVICE, tokens["reader"]).call(
        "ListRenovationCandidates", {"parent": "cities/330100"}
    )
    assert [c["asset"] for c in candidates["candidates"]] == ["cities/330100/assets/gas-main"]
    with urllib.request.urlopen(f"{base}/progress.json") as response:
        assert response.status == 200
