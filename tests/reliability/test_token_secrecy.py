"""No token in a log line, an error message or a metric label, whatever a caller sends; a tokens
file every user can read is reported when a service starts."""

import logging
import os
import time

import grpc
import pytest
from prometheus_client import generate_latest

from services.common.auth import TokenStore
from tests.builders import pipe
from tests.reliability.conftest import registry_client
from tests.reliability.in_process import registry_settings, start_registry
from tests.token_edits import edit_token
from urban.registry.v1 import registry_service_pb2 as api


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
