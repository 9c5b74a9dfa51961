"""request_id: a retry returns the first result and changes nothing, even after a restart."""

import time

import grpc
import pytest

from services.common.tokens import add_token
from services.registry.wiring import Registry
from tests.builders import line_for, pipe
from tests.integration.registry.conftest import Client
from tests.integration.registry.errors import call_error, violations
from tests.token_edits import edit_token
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc


def create_request(request_id: str, length: float = 100.0) -> api.CreateAssetRequest:
    return api.CreateAssetRequest(
        parent="cities/330100", asset_id="p", asset=pipe("", length_m=length), request_id=request_id
    )


def head(client) -> int:
    return client.ListChanges(api.ListChangesRequest()).head_revision


def test_a_retried_create_returns_the_first_result(admin):
    first = admin.CreateAsset(create_request("r-1"))
    again = admin.CreateAsset(create_request("r-1", length=55))
    assert again == first
    assert head(admin) == 1


def test_a_retried_batch_and_delete_change_nothing(admin):
    batch = api.BatchUpsertAssetsRequest(
        parent="cities/330100", assets=[pipe("cities/330100/assets/b")], request_id="r-2"
    )
    first, again = admin.BatchUpsertAssets(batch), admin.BatchUpsertAssets(batch)
    assert again.replayed and not first.replayed
    again.replayed = False
    assert again == first
    delete = api.DeleteAssetRequest(name="cities/330100/assets/b", request_id="r-3")
    admin.DeleteAsset(delete)
    admin.DeleteAsset(delete)
    assert head(admin) == 2


def test_a_request_id_reused_for_another_method_is_invalid(admin):
    admin.CreateAsset(create_request("r-4"))
    request = api.DeleteAssetRequest(name="cities/330100/assets/p", request_id="r-4")
    error = call_error(admin.DeleteAsset, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert "request_id" in violations(error)


def test_request_ids_belong_to_their_caller(clients):
    clients["hangzhou"].CreateAsset(create_request("same"))
    other = api.CreateAssetRequest(
        parent="cities/330100", asset_id="q", asset=pipe(""), request_id="same"
    )
    assert clients["admin"].CreateAsset(other).name == "cities/330100/assets/q"


def test_a_retry_after_a_restart_returns_the_first_result(registry_settings, tokens):
    first_registry = Registry(registry_settings)
    first_registry.start(serve_metrics=False)
    try:
        first = _client(first_registry, tokens).CreateAsset(create_request("r-5"))
    finally:
        first_registry.stop()
    second_registry = Registry(registry_settings)
    second_registry.start(serve_metrics=False)
    try:
        client = _client(second_registry, tokens)
        assert client.CreateAsset(create_request("r-5", length=7)) == first
        assert head(client) == 1
    finally:
        second_registry.stop()


def _client(registry, tokens) -> Client:
    channel = grpc.insecure_channel(registry.address())
    return Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])


def test_a_replayed_request_id_is_answered_only_within_the_callers_current_scopes(
    channel, tokens_file
):
    token = add_token(tokens_file, "two-cities", ["assets.write:330100", "assets.write:330200"])
    time.sleep(1.2)  # the registry reads the tokens file at most once a second
    writer = Client(registry_service_pb2_grpc.RegistryServiceStub(channel), token)
    writer.CreateAsset(api.CreateAssetRequest(
        parent="cities/330100", asset_id="kept", asset=pipe(""), request_id="in-hangzhou"))
    in_ningbo = pipe("")
    in_ningbo.geojson = line_for("cities/330200/assets/secret")
    writer.CreateAsset(api.CreateAssetRequest(
        parent="cities/330200", asset_id="secret", asset=in_ningbo, request_id="in-ningbo"))
    list(writer.ImportAssets(iter([api.ImportAssetsRequest(
        parent="cities/330200", request_id="import-ningbo",
        assets=[pipe("cities/330200/assets/imported")])])))
    edit_token(tokens_file, "two-cities", scopes=["assets.write:330100"])
    time.sleep(2.1)
    replayed = writer.CreateAsset(api.CreateAssetRequest(
        parent="cities/330100", asset_id="kept", asset=pipe(""), request_id="in-hangzhou"))
    assert replayed.name == "cities/330100/assets/kept"
    with pytest.raises(grpc.RpcError) as refused:
        writer.CreateAsset(api.CreateAssetRequest(
            parent="cities/330100", asset_id="other", asset=pipe(""), request_id="in-ningbo"))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    batch = api.ImportAssetsRequest(parent="cities/330100", request_id="import-ningbo",
                                    assets=[pipe("cities/330100/assets/other")])
    with pytest.raises(grpc.RpcError) as refused:
        list(writer.ImportAssets(iter([batch])))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
