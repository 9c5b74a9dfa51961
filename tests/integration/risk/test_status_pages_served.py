"""The risk service serves its status pages on their own port, following the registry."""

import urllib.request

import grpc
from google.protobuf import json_format

from tests.integration.registry.conftest import Client, tokens, tokens_file
from tests.integration.risk.served import one_pipe_served, risk_answer
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.risk.v1 import risk_service_pb2 as pb

__all__ = ["tokens", "tokens_file"]  # the registry's fixtures, used here


def page_json(base: str, path: str, message):
    with urllib.request.urlopen(base + path) as response:
        return json_format.Parse(response.read(), message)


def test_pages_show_what_get_plan_progress_answers_without_a_token(tmp_path, tokens_file, tokens):
    with one_pipe_served(tmp_path, tokens_file, tokens, "hidden-gas-main") as (registry, risk):
        assert risk.web_port > 0
        base = f"http://127.0.0.1:{risk.web_port}"
        served = page_json(base, "/cities/330100/progress.json", pb.PlanProgress())
        answered = risk_answer(risk, tokens["admin"], "GetPlanProgress",
                               pb.GetPlanProgressRequest(city="cities/330100"))  # fmt: skip
        assert served == answered and served.applied_revision == 1
        for path in ("/", "/cities/330100"):
            with urllib.request.urlopen(base + path) as response:
                assert "hidden-gas-main" not in response.read().decode()
        with grpc.insecure_channel(registry.address()) as channel:
            stored = Client(registry_service_pb2_grpc.RegistryServiceStub(channel),
                            tokens["admin"]).GetAsset(api.GetAssetRequest(
                                name="cities/330100/assets/hidden-gas-main"), timeout=30)
        by_district = page_json(base, "/cities/330100/districts.json", pb.DistrictBreakdown())
        breakdown = risk_answer(risk, tokens["admin"], "GetDistrictBreakdown",
                                pb.GetDistrictBreakdownRequest(city="cities/330100"))  # fmt: skip
        assert by_district == breakdown
        counted = {f.district: [c.kind for c in f.asset_counts] for f in breakdown.districts}
        assert counted[stored.district_code] == ["pipe_segment"]  # the district it derived
        with urllib.request.urlopen(f"{base}/cities/330100?lang=en") as response:
            english = response.read().decode()
        assert "<h1>Hangzhou" in english and "Xihu District" in english  # the registry's names
