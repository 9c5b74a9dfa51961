"""No token in a log line, an error message or a metric label, whatever a caller sends; a tokens
file every user can read is reported when a service starts."""

import logging
import os
import re
import time
import urllib.request

import grpc
import pytest
from prometheus_client import generate_latest

from services.common.auth import TokenStore
from tests.builders import pipe
from tests.reliability.conftest import registry_client
from tests.reliability.in_process import registry_settings, start_registry
from tests.reliability.processes import registry_process, risk_process
from tests.token_edits import edit_token
from urban.registry.v1 import registry_service_pb2 as api
from urban.risk.v1 import risk_service_pb2 as risk_api


def test_no_token_reaches_a_log_an_error_or_a_metric(tmp_path, tokens_file, tokens, caplog):
    caplog.set_level(logging.DEBUG)
    registry = start_registry(registry_settings(f"sqlite:///{tmp_path / 'r.db'}", tokens_file))
    unknown = "urt_" + "x" * 43
    errors = []
    try:
        address = registry.address()
        edit_token(tokens_file, "ningbo", revoked=True)
        time.sleep(1.2)
        calls = [
            (tokens["hangzhou"], api.CreateAssetRequest(
                parent="cities/330200", asset_id="a", asset=pipe(""))),
            (tokens["ningbo"], api.CreateAssetRequest(
                parent="cities/330200", asset_id="a", asset=pipe(""))),
            (unknown, api.GetAssetRequest(name="cities/330100/assets/a")),
            (tokens["reader"], api.GetAssetRequest(name=f"cities/330100/assets/{unknown}")),
        ]
        for token, request in calls:
            client = registry_client(address, token)
            method = "CreateAsset" if isinstance(request, api.CreateAssetRequest) else "GetAsset"
            with pytest.raises(grpc.RpcError) as refused:
                getattr(client, method)(request, timeout=10)
            errors.append(f"{refused.value.details()} {refused.value.trailing_metadata()}")
        metrics = generate_latest(registry.metrics).decode()
    finally:
        registry.stop()
    secrets = [tokens["hangzhou"], tokens["ningbo"], tokens["reader"], unknown]
    for text in (caplog.text, metrics, *errors[:3]):
        for secret in secrets:
            assert secret not in text


@pytest.mark.parametrize("mode, warned", [(0o644, True), (0o640, False), (0o600, False)])
def test_a_tokens_file_every_user_can_read_is_reported(tokens_file, tokens, caplog, mode, warned):
    os.chmod(tokens_file, mode)
    with caplog.at_level(logging.WARNING):
        TokenStore(tokens_file)
    assert ("readable by every user" in caplog.text) is warned


def test_a_full_run_logs_no_token_and_warns_of_a_readable_tokens_file(tmp_path, tokens_file,
                                                                        tokens):
    """Both services as processes at DEBUG, tokens sent every way a client might get wrong;
    the whole of both logs, every error and both metrics pages are searched."""
    os.chmod(tokens_file, 0o644)
    debug = {"URBAN_LOG_LEVEL": "DEBUG"}
    registry = registry_process(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", tokens_file, **debug)
    risk = risk_process(tmp_path, f"sqlite:///{tmp_path / 'k.db'}", tokens_file,
                        registry.address, tokens["risk-service"], **debug)
    unknown = "urt_" + "y" * 43
    texts = []
    try:
        registry.start()
        risk.start()
        edit_token(tokens_file, "ningbo", revoked=True)
        time.sleep(2.5)
        texts += refused_calls(registry.address, risk.address, tokens, unknown)
        texts += [scrape(registry.log()), scrape(risk.log())]
    finally:
        risk.stop()
        registry.stop()
    logs = registry.log() + risk.log()
    assert "readable by every user" in registry.log()
    assert "readable by every user" in risk.log()
    for text in (logs, *texts):
        for secret in (*tokens.values(), unknown):
            assert secret not in text


def refused_calls(registry_address: str, risk_address: str, tokens, unknown: str) -> list[str]:
    """Calls with a revoked, an unknown, a malformed and an out-of-scope token; their errors."""
    errors = []
    registry = grpc.insecure_channel(registry_address)
    risk = grpc.insecure_channel(risk_address)
    create = api.CreateAssetRequest(parent="cities/330200", asset_id="a", asset=pipe(""))
    attempts = [
        (registry, "/urban.registry.v1.RegistryService/CreateAsset", create,
         [("authorization", f"Bearer {tokens['hangzhou']}")]),
        (registry, "/urban.registry.v1.RegistryService/CreateAsset", create,
         [("authorization", f"Bearer {tokens['ningbo']}")]),
        (registry, "/urban.registry.v1.RegistryService/CreateAsset", create,
         [("authorization", f"Basic {unknown}")]),
        (registry, "/urban.registry.v1.RegistryService/CreateAsset", create,
         [("authorization", f"Bearer {unknown} {tokens['reader']}")]),
        (registry, "/urban.registry.v1.RegistryService/CreateAsset", create,
         [("authorization", unknown)]),
        (risk, "/urban.risk.v1.RiskService/GetPlanProgress", risk_api.GetPlanProgressRequest(),
         [("authorization", f"Bearer {unknown}")]),
        (risk, "/urban.risk.v1.RiskService/ListRenovationCandidates",
         risk_api.ListRenovationCandidatesRequest(parent="cities/330200"),
         [("authorization", f"Bearer {tokens['hangzhou-reader']}")]),
    ]
    for channel, path, request, metadata in attempts:
        call = channel.unary_unary(path, request_serializer=type(request).SerializeToString)
        with pytest.raises(grpc.RpcError) as refused:
            call(request, metadata=metadata, timeout=10)
        errors.append(f"{refused.value.details()} {refused.value.trailing_metadata()}")
    registry.close()
    risk.close()
    return errors


def scrape(log: str) -> str:
    """The metrics page of the service that wrote `log` (its port is logged)."""
    port = re.search(r"metrics on http://127\.0\.0\.1:(\d+)/metrics", log).group(1)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        return answer.read().decode()
