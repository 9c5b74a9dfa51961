"""Requests built to exhaust the registry: huge filters, filters of thousands of terms, and
messages larger than their method needs. Each is refused before it costs the registry much, and
the largest legitimate requests still pass."""

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from services.registry.api.message_limits import ONE_ASSET_BYTES
from services.registry.domain.filters import MAX_FILTER_LENGTH, MAX_FILTER_TERMS
from tests.builders import compound, pipe
from tests.integration.registry.conftest import Client
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

LARGE_CHANNEL = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]


@pytest.fixture
def large_client(registry, tokens):
    with grpc.insecure_channel(registry.address(), options=LARGE_CHANNEL) as channel:
        yield Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])


def refusal(call, request) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as refused:
        call(request, timeout=60)
    return refused.value


def named_compound(display_name: str):
    asset = compound("")
    asset.display_name = display_name
    return asset


def reason(error: grpc.RpcError) -> str:
    for detail in rpc_status.from_call(error).details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return ""


def violated_fields(error: grpc.RpcError) -> list[str]:
    for detail in rpc_status.from_call(error).details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            return [violation.field for violation in bad.field_violations]
    return []


def test_a_12_mib_filter_is_refused_unread(large_client):
    request = api.ListAssetsRequest(parent="cities/-", filter="labels.a = b AND " * 740_000)
    error = refusal(large_client.ListAssets, request)
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert reason(error) == "MESSAGE_TOO_LARGE"


@pytest.mark.parametrize("text", [
    'labels.a = "' + "x" * MAX_FILTER_LENGTH + '"',
    " AND ".join(f"labels.k{index} = v" for index in range(MAX_FILTER_TERMS + 1)),
])
def test_a_filter_over_its_caps_is_invalid_argument_naming_filter(large_client, text):
    error = refusal(large_client.ListAssets, api.ListAssetsRequest(parent="cities/-", filter=text))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violated_fields(error) == ["filter"]


def test_a_filter_of_as_many_terms_as_allowed_is_answered(large_client):
    labelled = pipe("")
    labelled.labels.update({f"k{index}": "v" for index in range(60)})
    large_client.CreateAsset(api.CreateAssetRequest(
        parent="cities/330100", asset_id="labelled", asset=labelled), timeout=30)
    terms = [f"labels.k{index} = v" for index in range(60)]
    terms += ['kind = "pipe_segment"'] + [f"labels.k{index} = v" for index in range(60, 99)]
    text = " AND ".join(terms[:60] + terms[60:61])
    assert len(large_client.ListAssets(
        api.ListAssetsRequest(parent="cities/-", filter=text), timeout=30).assets) == 1
    text = " AND ".join(terms)
    assert len(terms) == MAX_FILTER_TERMS
    assert large_client.ListAssets(
        api.ListAssetsRequest(parent="cities/-", filter=text), timeout=30).assets == []


@pytest.mark.parametrize("method, request_of", [
    ("GetAsset", lambda size: api.GetAssetRequest(name="x" * size)),
    ("ListChanges", lambda size: api.ListChangesRequest(parent="x" * size)),
    ("CreateAsset", lambda size: api.CreateAssetRequest(
        parent="cities/330100", asset_id="big", asset=named_compound("x" * size))),
])
def test_a_request_larger_than_its_method_needs_is_refused(large_client, method, request_of):
    size = ONE_ASSET_BYTES + 1 if method == "CreateAsset" else 200 * 1024
    error = refusal(getattr(large_client, method), request_of(size))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert reason(error) == "MESSAGE_TOO_LARGE"


def test_a_batch_larger_than_64_mib_of_valid_assets_is_accepted(large_client):
    point = '{"type":"Point","coordinates":[120.15,30.27]' + " " * 70_000 + "}"
    assets = [compound(f"cities/330100/assets/wide-{index}") for index in range(1000)]
    for asset in assets:
        asset.geojson = point
    request = api.BatchUpsertAssetsRequest(parent="cities/330100", assets=assets)
    assert request.ByteSize() > 64 * 1024 * 1024
    response = large_client.BatchUpsertAssets(request, timeout=300)
    assert response.created_count == 1000
