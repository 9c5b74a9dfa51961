"""The risk service serves its status pages on their own port, following the registry."""

import urllib.request

import grpc
from google.protobuf import json_format

from tests import builders
from tests.integration.registry.conftest import Client, tokens, tokens_file
from tests.reliability.in_process import registry_settings, risk_settings, start_registry
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.risk.v1 import risk_service_pb2 as pb
from urban.risk.v1 import risk_service_pb2_grpc

__all__ = ["tokens", "tokens_file"]  # the registry's fixtures, used here


def test_pages_show_what_get_plan_progress_answers_without_a_token(tmp_path, tokens_file, tokens):
    from prometheus_client import CollectorRegistry

    from services.risk.wiring import Risk

    registry = start_registry(registry_settings(f"sqlite:///{tmp_path / 'r.db'}", tokens_file))
    risk = Risk(risk_settings(f"sqlite:///{tmp_path / 'risk.db'}", tokens_file,
                              registry.address(), tokens["risk-service"]), CollectorRegistry())
    risk.start(serve_metrics=False, serve_pages=True)
    try:
        assert risk.web_port > 0
        with grpc.insecure_channel(registry.address()) as channel:
            admin = Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])
            admin.CreateAsset(api.CreateAssetRequest(
                parent="cities/330100", asset_id="hidden-gas-main", asset=builders.pipe("")),
                timeout=30)
        wait_until(lambda: risk.read_model.updates.applied_revision() == 1, timeout=30)
        wait_until(lambda: "330100" in risk.read_model.queries.cities(), timeout=30)
        base = f"http://127.0.0.1:{risk.web_port}"
        with urllib.request.urlopen(f"{base}/cities/330100/progress.json") as response:
            served = json_format.Parse(response.read(), pb.PlanProgress())
        with grpc.insecure_channel(risk.address()) as channel:
            answered = risk_service_pb2_grpc.RiskServiceStub(channel).GetPlanProgress(
                pb.GetPlanProgressRequest(city="cities/330100"),
                metadata=[("authorization", f"Bearer {tokens['admin']}")], timeout=30)
        assert served == answered and served.applied_revision == 1
        for path in ("/", "/cities/330100"):
            with urllib.request.urlopen(base + path) as response:
                assert "hidden-gas-main" not in response.read().decode()
        with grpc.insecure_channel(registry.address()) as channel:
            stored = Client(registry_service_pb2_grpc.RegistryServiceStub(channel),
                            tokens["admin"]).GetAsset(api.GetAssetRequest(
                                name="cities/330100/assets/hidden-gas-main"), timeout=30)
        with urllib.request.urlopen(f"{base}/cities/330100/districts.json") as response:
            by_district = json_format.Parse(response.read(), pb.DistrictBreakdown())
        with grpc.insecure_channel(risk.address()) as channel:
            breakdown = risk_service_pb2_grpc.RiskServiceStub(channel).GetDistrictBreakdown(
                pb.GetDistrictBreakdownRequest(city="cities/330100"),
                metadata=[("authorization", f"Bearer {tokens['admin']}")], timeout=30)
        assert by_district == breakdown
        counted = {f.district: [c.kind for c in f.asset_counts] for f in breakdown.districts}
        assert counted[stored.district_code] == ["pipe_segment"]  # the district it derived
        with urllib.request.urlopen(f"{base}/cities/330100?lang=en") as response:
            english = response.read().decode()
        assert "<h1>Hangzhou" in english and "Xihu District" in english  # the registry's names
    finally:
        risk.stop()
        registry.stop()
