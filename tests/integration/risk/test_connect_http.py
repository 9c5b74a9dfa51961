"""RiskService over Connect beside the status pages, with the gRPC port's tokens and errors."""

import urllib.request

import pytest
from google.protobuf import json_format

from tests.connect_http import ConnectJson, reason
from tests.integration.registry.conftest import tokens, tokens_file
from tests.integration.risk.served import one_pipe_served, risk_answer
from urban.risk.v1 import risk_service_pb2 as pb

__all__ = ["tokens", "tokens_file"]  # the registry's fixtures, used here
SERVICE = "urban.risk.v1.RiskService"


@pytest.fixture
def risk(tmp_path, tokens_file, tokens):
    with one_pipe_served(tmp_path, tokens_file, tokens, "gas-main") as (_, risk):
        yield risk


def test_get_plan_progress_answers_as_on_the_grpc_port(risk, tokens):
    http = ConnectJson(f"http://127.0.0.1:{risk.web_port}", SERVICE, tokens["reader"])
    served = json_format.ParseDict(
        http.call("GetPlanProgress", {"city": "cities/330100"}), pb.PlanProgress()
    )
    answered = risk_answer(
        risk, tokens["reader"], "GetPlanProgress", pb.GetPlanProgressRequest(city="cities/330100")
    )
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
