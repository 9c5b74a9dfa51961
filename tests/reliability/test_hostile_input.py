"""Random and malformed requests to every RPC of both services (hypothesis): never INTERNAL or
UNKNOWN, never a partial write, and both services healthy and consistent afterwards. The number
of cases run is printed at the end of the test session."""

import os

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common.message_sizes import SMALL_REQUEST_BYTES
from services.common.tokens import add_token
from services.registry.api.message_limits import RECEIVE_LIMITS
from tests.builders import pipe
from tests.integration.registry.conftest import Client
from tests.reliability.consistency import assert_read_model_matches, head_revision
from tests.reliability.hostile import CASES_RUN, message
from tests.reliability.in_process import (
    registry_settings,
    risk_settings,
    start_registry,
    start_risk,
)
from tests.reliability.near_valid import NEAR_VALID
from tests.reliability.rpc_catalogue import CITY, RPCS, SEEDED, Rpc
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.risk.v1 import risk_service_pb2 as risk_api
from urban.risk.v1 import risk_service_pb2_grpc

EXAMPLES = int(os.environ.get("URBAN_TEST_HOSTILE_EXAMPLES", "60"))
# RESOURCE_EXHAUSTED too: rate limits are off, so it could only be an answer too big to deliver
# (or a request larger than its method accepts, which is checked apart).
NEVER = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.UNAVAILABLE,
         grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.DEADLINE_EXCEEDED}
WRITES = {"CreateAsset", "UpdateAsset", "DeleteAsset", "BatchUpsertAssets", "ImportAssets",
          "UpdateCity"}
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example],
)
PACKAGES = {"registry": (api, "urban.registry.v1.RegistryService"),
            "risk": (risk_api, "urban.risk.v1.RiskService")}


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    tokens_file = str(directory / "tokens.yaml")
    admin = add_token(tokens_file, "admin", ["admin"])
    risk_token = add_token(tokens_file, "risk-service", ["assets.read:*"])
    registry = start_registry(registry_settings(f"sqlite:///{directory / 'r.db'}", tokens_file))
    risk = start_risk(risk_settings(
        f"sqlite:///{directory / 'k.db'}", tokens_file, registry.address(), risk_token
    ))
    channels = {"registry": grpc.insecure_channel(registry.address()),
                "risk": grpc.insecure_channel(risk.address())}
    client = Client(registry_service_pb2_grpc.RegistryServiceStub(channels["registry"]), admin)
    client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(
        parent=f"cities/{CITY}", assets=[pipe(SEEDED), *(pipe(f"{SEEDED}-{n}") for n in range(5))]
    ))
    yield channels, admin, client, risk
    for channel in channels.values():
        channel.close()
    risk.stop()
    registry.stop()


def requests_for(rpc: Rpc):
    package, _ = PACKAGES[rpc.service]
    descriptor = type(rpc.request()).DESCRIPTOR
    generic = message(descriptor)
    return st.one_of(NEAR_VALID[rpc.method], generic) if rpc.method in NEAR_VALID else generic


def send(channels, rpc: Rpc, payload: bytes, token: str) -> grpc.StatusCode:
    """Sends serialized bytes, so that malformed ones reach the server unchanged."""
    _, service = PACKAGES[rpc.service]
    path = f"/{service}/{rpc.method}"
    channel = channels[rpc.service]
    metadata = (("authorization", f"Bearer {token}"),)
    try:
        _call_with_bytes(channel, rpc, path, payload, metadata)
    except grpc.RpcError as error:
        if rpc.method == "WatchChanges" and error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
            return grpc.StatusCode.OK  # a valid watch waiting for changes that never come
        if len(payload) > _receive_limit(rpc):
            assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error
            return error.code()
        assert error.code() not in NEVER, f"{rpc.method}: {error.code()} {error.details()}"
        return error.code()
    return grpc.StatusCode.OK


def _receive_limit(rpc: Rpc) -> int:
    return RECEIVE_LIMITS.of(rpc.method) if rpc.service == "registry" else SMALL_REQUEST_BYTES


def _call_with_bytes(channel, rpc: Rpc, path: str, payload: bytes, metadata) -> None:
    """One request (a stream of one, for a streaming method) and the first answer."""
    if not rpc.streams_responses:
        channel.unary_unary(path)(payload, metadata=metadata, timeout=20)
        return
    if rpc.streams_requests:
        call = channel.stream_stream(path)(iter([payload]), metadata=metadata, timeout=20)
    else:
        call = channel.unary_stream(path)(payload, metadata=metadata, timeout=0.5)
    try:
        next(call, None)
    finally:
        call.cancel()


def check(system, rpc: Rpc, payload: bytes) -> None:
    channels, token, client, _ = system
    before = _observable(client) if rpc.method in WRITES else None
    code = send(channels, rpc, payload, token)
    CASES_RUN[(rpc.method, code.name)] += 1
    if before is not None and code != grpc.StatusCode.OK:
        assert _observable(client) == before, f"a refused {rpc.method} changed something"


def _observable(client):
    cities = client.ListCities(api.ListCitiesRequest(page_size=1000))
    return head_revision(client), cities.SerializeToString(deterministic=True)


@pytest.mark.parametrize("rpc", RPCS, ids=lambda rpc: rpc.method)
@FUZZ
@given(data=st.data())
def test_hostile_requests(system, rpc, data):
    request = data.draw(requests_for(rpc), label="request")
    check(system, rpc, request.SerializeToString())


IMPORT = next(rpc for rpc in RPCS if rpc.method == "ImportAssets")


@settings(FUZZ, max_examples=max(EXAMPLES // 2, 5))
@given(data=st.data())
def test_hostile_import_streams(system, data):
    """Several batches in one stream, hostile or not, some repeating a request id: a refused
    batch ends the stream and stores nothing of its own."""
    messages = data.draw(st.lists(requests_for(IMPORT), min_size=2, max_size=6), label="stream")
    repeated = data.draw(st.sampled_from(["", "again"]), label="request_id")
    for batch in messages:
        batch.request_id = batch.request_id or repeated
    channels, token, client, _ = system
    before = head_revision(client)
    answers, code = [], grpc.StatusCode.OK
    call = channels["registry"].stream_stream(
        "/urban.registry.v1.RegistryService/ImportAssets",
        request_serializer=api.ImportAssetsRequest.SerializeToString,
        response_deserializer=api.ImportAssetsResponse.FromString,
    )(iter(messages), metadata=(("authorization", f"Bearer {token}"),), timeout=60)
    try:
        answers.extend(call)
    except grpc.RpcError as error:
        code = error.code()
        oversize = max(batch.ByteSize() for batch in messages) > _receive_limit(IMPORT)
        assert code not in NEVER or oversize, f"ImportAssets: {code} {error.details()}"
    CASES_RUN[("ImportAssets (stream)", code.name)] += 1
    applied = sum(a.created_count + a.updated_count for a in answers if not a.replayed)
    assert head_revision(client) - before == applied, "the log differs from what was answered"


@pytest.mark.parametrize("rpc", RPCS, ids=lambda rpc: rpc.method)
@settings(FUZZ, max_examples=max(EXAMPLES // 4, 5))
@given(payload=st.binary(min_size=1, max_size=512))
def test_bytes_that_are_not_a_request(system, rpc, payload):
    check(system, rpc, payload)


def test_an_oversize_batch_is_refused_whole(system):
    _, _, client, _ = system
    before = head_revision(client)
    assets = [pipe(f"cities/{CITY}/assets/oversize-{n}") for n in range(1001)]
    with pytest.raises(grpc.RpcError) as refused:
        client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(parent=f"cities/{CITY}",
                                                              assets=assets))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert head_revision(client) == before


def test_an_oversize_message_is_refused(system):
    _, _, client, _ = system
    before = head_revision(client)
    huge = pipe("")
    huge.display_name = "x" * (65 * 1024 * 1024)
    with pytest.raises(grpc.RpcError) as refused:
        client.CreateAsset(api.CreateAssetRequest(parent=f"cities/{CITY}", asset_id="huge",
                                                  asset=huge))
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert head_revision(client) == before


def test_both_services_are_healthy_and_consistent_afterwards(system):
    channels, _, client, risk = system
    for channel in channels.values():
        health = health_pb2_grpc.HealthStub(channel)
        assert health.Check(health_pb2.HealthCheckRequest(), timeout=10).status == (
            health_pb2.HealthCheckResponse.SERVING
        )
    client.CreateAsset(api.CreateAssetRequest(
        parent=f"cities/{CITY}", asset_id="still-serving", asset=pipe("")
    ))
    assert_read_model_matches(risk.read_model, client)
    progress = risk_service_pb2_grpc.RiskServiceStub(channels["risk"]).GetPlanProgress(
        risk_api.GetPlanProgressRequest(), metadata=(("authorization", f"Bearer {client.token}"),)
    )
    assert progress.targets
