"""RegistryService over the Connect protocol and gRPC-Web: the same tokens, scopes, limits,
validation and error details as on the gRPC port, with proto3 JSON as the contract spells it."""

import dataclasses
import json
import threading

import pytest
import requests
from connectrpc.code import Code
from connectrpc.errors import ConnectError
from connectrpc.protocol import ProtocolType
from google.rpc import error_details_pb2

from services.common.rate_limit import RateLimitSettings
from services.common.server_limits import ServerLimits
from tests.builders import pipe
from tests.connect_http import ConnectJson, as_json, error_detail, reason, violations
from tests.integration.registry.conftest import settings_for
from tests.reliability.in_process import start_registry
from tests.token_edits import edit_token
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1.registry_service_connect import RegistryServiceClientSync

SERVICE = "urban.registry.v1.RegistryService"
NAME = "cities/330100/assets/gas-1"


@pytest.fixture
def registry(sqlite_url, tokens_file, tokens):
    registry = start_registry(settings_for(sqlite_url, tokens_file), serve_http=True)
    yield registry
    registry.stop()


@pytest.fixture
def base_url(registry) -> str:
    return f"http://127.0.0.1:{registry.http_port}"


@pytest.fixture
def http(base_url, tokens) -> ConnectJson:
    return ConnectJson(base_url, SERVICE, tokens["hangzhou"])


def create_body(asset_id="gas-1", **asset_fields) -> dict:
    asset = as_json(pipe(""))
    asset.update(asset_fields)
    return {"parent": "cities/330100", "assetId": asset_id, "asset": asset}


def test_create_and_get_answer_proto3_json_with_defaults_and_int64_strings(http):
    created = http.call("CreateAsset", create_body())
    assert created["name"] == NAME
    assert created["version"] == "1"  # int64 as a string
    assert created["etag"].startswith('"') and created["etag"].endswith('"')
    assert created["pipeSegment"]["lined"] is False  # a default is written, not left out
    assert created["districtCode"]
    assert http.call("GetAsset", {"name": NAME}) == created


def test_a_call_without_a_token_is_unauthenticated(http):
    http.token = None
    response = http.post("GetAsset", {"name": NAME})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert reason(response.json()) == "TOKEN_MISSING"


def test_another_citys_token_is_refused_and_nothing_is_stored(http, tokens):
    response = http.post("CreateAsset", create_body(), token=tokens["ningbo"])
    assert response.status_code == 403
    assert reason(response.json()) == "PERMISSION_DENIED"
    assert http.post("GetAsset", {"name": NAME}).status_code == 404


def test_invalid_input_names_the_field(http):
    response = http.post("CreateAsset", create_body(asset_id="Bad_ID"))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_argument"
    assert "asset_id" in violations(response.json())


def test_a_field_mask_in_json_names_and_a_stale_etag(http):
    created = http.call("CreateAsset", create_body())
    patch = {"name": NAME, "displayName": "Renamed", "etag": created["etag"]}
    updated = http.call("UpdateAsset", {"asset": patch, "updateMask": "displayName"})
    assert updated["displayName"] == "Renamed"
    assert int(updated["version"]) > int(created["version"])
    response = http.post("UpdateAsset", {"asset": patch, "updateMask": "displayName"})
    assert response.status_code == 409
    assert response.json()["code"] == "aborted"
    assert reason(response.json()) == "ETAG_MISMATCH"


def test_a_body_that_is_not_the_request_is_invalid_argument(http):
    for body in ('{"parent": "cities/330100", "bogus": 1}', "not json"):
        response = _raw_post(http, "CreateAsset", body)
        assert response.status_code == 400
        assert reason(response.json()) == "INVALID_ARGUMENT"
        assert "" in violations(response.json())


def _raw_post(http: ConnectJson, method: str, body: str):
    headers = {"Authorization": f"Bearer {http.token}", "Content-Type": "application/json"}
    return requests.post(f"{http.url}/{method}", data=body, headers=headers, timeout=30)


@pytest.mark.parametrize("protocol", [ProtocolType.CONNECT, ProtocolType.GRPC_WEB])
def test_binary_clients_of_both_protocols_get_the_same_answers_and_details(
    base_url, tokens, protocol
):
    headers = {"authorization": f"Bearer {tokens['hangzhou']}"}
    with RegistryServiceClientSync(base_url, protocol=protocol) as client:
        request = api.CreateAssetRequest(parent="cities/330100", asset_id="gas-1", asset=pipe(""))
        created = client.create_asset(request, headers=headers)
        assert client.get_asset(api.GetAssetRequest(name=NAME), headers=headers) == created
        with pytest.raises(ConnectError) as caught:
            client.create_asset(request, headers=headers)
    assert caught.value.code == Code.ALREADY_EXISTS
    info = _detail(caught.value, error_details_pb2.ErrorInfo)
    assert info.reason == "ASSET_EXISTS" and info.domain == "urban.zj.gov.cn"


def _detail(error: ConnectError, message_type):
    for detail in error.details:
        if detail.type_name == message_type.DESCRIPTOR.full_name:
            return message_type.FromString(detail.message_bytes)
    raise AssertionError(f"no {message_type.DESCRIPTOR.full_name} in {error.details}")


def test_watch_changes_streams_and_a_closed_stream_gives_back_its_slot(registry, http, tokens):
    http.call("CreateAsset", create_body())
    headers = {"authorization": f"Bearer {tokens['reader']}"}
    slots = registry.server.stream_slots
    with RegistryServiceClientSync(f"http://127.0.0.1:{registry.http_port}") as client:
        for _ in range(registry.settings.limits.max_streams_per_token + 1):
            request = api.WatchChangesRequest(start_revision=1)
            changes = client.watch_changes(request, headers=headers)
            first = next(iter(changes))
            assert first.asset_name == NAME and first.revision == 1
            changes.close()
            wait_until(lambda: slots.open_streams() == 0)


def test_import_assets_is_grpc_only(http):
    headers = {"Authorization": f"Bearer {http.token}", "Content-Type": "application/connect+json"}
    body = b"\x00" + (2).to_bytes(4, "big") + b"{}"
    response = requests.post(f"{http.url}/ImportAssets", data=body, headers=headers, timeout=30)
    flags, size = response.content[0], int.from_bytes(response.content[1:5], "big")
    assert flags & 0x02  # the end of the stream
    end = json.loads(response.content[5 : 5 + size])
    assert end["error"]["code"] == "unimplemented"


def test_a_request_over_its_methods_size_limit_is_refused(http):
    response = http.post("GetAsset", {"name": "x" * 200_000})
    assert response.status_code == 429
    assert reason(response.json()) == "MESSAGE_TOO_LARGE"


def test_rate_limits_hold_over_http(sqlite_url, tokens_file, tokens):
    settings = dataclasses.replace(
        settings_for(sqlite_url, tokens_file), rate_limit=RateLimitSettings(0.001, 1)
    )
    registry = start_registry(settings, serve_http=True)
    try:
        http = ConnectJson(f"http://127.0.0.1:{registry.http_port}", SERVICE, tokens["reader"])
        assert http.post("GetAsset", {"name": NAME}).status_code == 404
        refused = http.post("GetAsset", {"name": NAME})
        assert refused.status_code == 429
        assert reason(refused.json()) == "RATE_LIMITED"
        assert error_detail(refused.json(), error_details_pb2.RetryInfo).retry_delay.seconds >= 0
    finally:
        registry.stop()


def test_a_body_is_not_read_before_its_token_and_declared_size_pass(http):
    oversized = {"name": "x" * 300_000}  # over twice GetAsset's 128 KiB, in JSON
    http_without_token = ConnectJson(http.url.rsplit("/", 1)[0], SERVICE)
    refused = http_without_token.post("GetAsset", oversized)
    assert refused.status_code == 401 and reason(refused.json()) == "TOKEN_MISSING"
    refused = http.post("GetAsset", oversized)
    assert refused.status_code == 429 and reason(refused.json()) == "MESSAGE_TOO_LARGE"
    info = error_detail(refused.json(), error_details_pb2.ErrorInfo)
    assert info.metadata["max_bytes"] == str(2 * 128 * 1024)


def test_a_watch_over_http_ends_with_unauthenticated_once_its_token_is_revoked(
    sqlite_url, tokens_file, tokens
):
    limits = ServerLimits(token_recheck_seconds=1.0)
    settings = dataclasses.replace(settings_for(sqlite_url, tokens_file), limits=limits)
    registry = start_registry(settings, serve_http=True)
    outcome: list = []

    def watch(client) -> None:
        headers = {"authorization": f"Bearer {tokens['hangzhou-reader']}"}
        try:
            request = api.WatchChangesRequest(parent="cities/330100")
            for _ in client.watch_changes(request, headers=headers):
                pass
        except ConnectError as error:
            outcome.append(error)

    try:
        with RegistryServiceClientSync(f"http://127.0.0.1:{registry.http_port}") as client:
            watcher = threading.Thread(target=watch, args=(client,))
            watcher.start()
            wait_until(lambda: registry.server.stream_slots.open_streams() == 1)
            edit_token(tokens_file, "hangzhou-reader", revoked=True)
            watcher.join(timeout=30)
            assert not watcher.is_alive(), "the stream outlived its token"
        assert outcome and outcome[0].code == Code.UNAUTHENTICATED
        assert tokens["hangzhou-reader"] not in outcome[0].message
        wait_until(lambda: registry.server.stream_slots.open_streams() == 0)
    finally:
        registry.stop()


def test_browsers_of_the_allowed_origins_may_call_and_others_get_no_cors_headers(
    sqlite_url, tokens_file, tokens
):
    allowed = "https://gis.hangzhou.example"
    settings = dataclasses.replace(
        settings_for(sqlite_url, tokens_file), http_allowed_origins=(allowed,)
    )
    registry = start_registry(settings, serve_http=True)
    try:
        url = f"http://127.0.0.1:{registry.http_port}/{SERVICE}/GetAsset"
        preflight = requests.options(url, headers={
            "Origin": allowed, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"}, timeout=30)
        assert preflight.status_code == 204
        assert preflight.headers["Access-Control-Allow-Origin"] == allowed
        assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
        http = ConnectJson(url.rsplit("/", 1)[0].rsplit("/", 1)[0], SERVICE, tokens["reader"])
        answered = http.post("GetAsset", {"name": NAME}, Origin=allowed)
        assert answered.status_code == 404  # the call itself ran, with its token
        assert answered.headers["Access-Control-Allow-Origin"] == allowed
        assert "Grpc-Status-Details-Bin" in answered.headers["Access-Control-Expose-Headers"]
        other = http.post("GetAsset", {"name": NAME}, Origin="https://elsewhere.example")
        assert "Access-Control-Allow-Origin" not in other.headers
    finally:
        registry.stop()
