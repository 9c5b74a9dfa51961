"""Every RPC of both services refuses a missing, wrong, expired or revoked token
(UNAUTHENTICATED), a token of another city and a read-only token writing (PERMISSION_DENIED),
and a refused call changes nothing. Tokens are compared in constant time and never logged."""

import hmac
import logging

import grpc
import pytest
import yaml

from services.common import auth
from services.common.auth import TokenStore
from services.common.errors import Unauthenticated
from services.common.interceptors import client_auth_metadata
from services.common.tokens import add_token
from tests.builders import pipe
from tests.integration.registry.conftest import Client
from tests.reliability.consistency import head_revision
from tests.reliability.in_process import (
    registry_settings,
    risk_settings,
    start_registry,
    start_risk,
)
from tests.reliability.rpc_catalogue import CITY, RPCS, SEEDED, Rpc
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.risk.v1 import risk_service_pb2 as risk_api
from urban.risk.v1 import risk_service_pb2_grpc

SCOPES = {
    "admin": ["admin"],
    "hangzhou": [f"assets.write:{CITY}"],
    "hangzhou-reader": [f"assets.read:{CITY}"],
    "ningbo": ["assets.write:330200"],
    "expired": ["admin"],
    "revoked": ["admin"],
    "risk-service": ["assets.read:*"],
}
INVALID = {"no token": None, "a wrong token": "urt_wrong-token-of-the-right-shape-000000000"}
OTHER_CITY_DENIED = {"write", "read", "cities.write", "admin"}
READ_ONLY_DENIED = {"write", "cities.write", "admin"}


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    directory = tmp_path_factory.mktemp("authorisation")
    tokens_file = str(directory / "tokens.yaml")
    tokens = {name: add_token(tokens_file, name, scopes) for name, scopes in SCOPES.items()}
    _expire_and_revoke(tokens_file)
    registry = start_registry(registry_settings(f"sqlite:///{directory / 'r.db'}", tokens_file))
    risk = start_risk(risk_settings(
        f"sqlite:///{directory / 'k.db'}", tokens_file, registry.address(), tokens["risk-service"]
    ))
    channels = {"registry": grpc.insecure_channel(registry.address()),
                "risk": grpc.insecure_channel(risk.address())}
    stubs = {"registry": registry_service_pb2_grpc.RegistryServiceStub(channels["registry"]),
             "risk": risk_service_pb2_grpc.RiskServiceStub(channels["risk"])}
    admin = Client(stubs["registry"], tokens["admin"])
    admin.CreateAsset(api.CreateAssetRequest(
        parent=f"cities/{CITY}", asset_id=SEEDED.rpartition("/")[2], asset=pipe("")
    ))
    wait_until(lambda: _risk_knows_the_seeded_pipe(stubs["risk"], tokens["admin"]), timeout=30)
    wait_until(lambda: _risk_knows_the_city(stubs["risk"], tokens["admin"]), timeout=30)
    yield stubs, tokens, admin
    for channel in channels.values():
        channel.close()
    risk.stop()
    registry.stop()


def _risk_knows_the_seeded_pipe(risk, token: str) -> bool:
    request = risk_api.GetRenovationCandidateRequest(name=SEEDED)
    try:
        risk.GetRenovationCandidate(request, metadata=client_auth_metadata(token), timeout=10)
    except grpc.RpcError:
        return False
    return True


def _risk_knows_the_city(risk, token: str) -> bool:
    """The city reference data, which the risk service refreshes from the registry."""
    request = risk_api.GetDistrictBreakdownRequest(city=f"cities/{CITY}")
    try:
        risk.GetDistrictBreakdown(request, metadata=client_auth_metadata(token), timeout=10)
    except grpc.RpcError:
        return False
    return True


def _expire_and_revoke(tokens_file: str) -> None:
    with open(tokens_file, encoding="utf-8") as file:
        document = yaml.safe_load(file)
    for entry in document["tokens"]:
        if entry["name"] == "expired":
            entry["expires"] = "2000-01-01T00:00:00Z"
        if entry["name"] == "revoked":
            entry["revoked"] = True
    with open(tokens_file, "w", encoding="utf-8") as file:
        yaml.safe_dump(document, file)


def call(stubs, rpc: Rpc, token: str | None):
    method = getattr(stubs[rpc.service], rpc.method)
    metadata = client_auth_metadata(token) if token else ()
    request = iter([rpc.request()]) if rpc.streams_requests else rpc.request()
    try:
        if rpc.streams_responses:
            stream = method(request, metadata=metadata, timeout=10)
            try:
                return next(stream)
            finally:
                stream.cancel()
        return method(request, metadata=metadata, timeout=10)
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.UNIMPLEMENTED:
            pytest.skip(f"{rpc.method} is declared in the API but not served yet")
        raise


def refused_with(stubs, rpc: Rpc, token: str | None, admin) -> grpc.StatusCode:
    """The code of the refusal; fails if the call succeeded or changed anything."""
    before = _observable_state(admin)
    with pytest.raises(grpc.RpcError) as refusal:
        call(stubs, rpc, token)
    assert _observable_state(admin) == before
    return refusal.value.code()


def _observable_state(admin):
    city = admin.GetCity(api.GetCityRequest(name=f"cities/{CITY}"))
    return head_revision(admin), city.urban_population, city.etag


def test_the_catalogue_covers_every_rpc():
    from urban.registry.v1 import registry_service_pb2
    from urban.risk.v1 import risk_service_pb2

    services = (
        registry_service_pb2.DESCRIPTOR.services_by_name["RegistryService"],
        risk_service_pb2.DESCRIPTOR.services_by_name["RiskService"],
    )
    assert {m.name for s in services for m in s.methods} == {rpc.method for rpc in RPCS}


@pytest.mark.parametrize("rpc", RPCS, ids=lambda rpc: rpc.method)
def test_the_right_token_is_let_in(system, rpc):
    stubs, tokens, _ = system
    call(stubs, rpc, tokens["admin"])


@pytest.mark.parametrize("credential", ["no token", "a wrong token", "expired", "revoked"])
@pytest.mark.parametrize("rpc", RPCS, ids=lambda rpc: rpc.method)
def test_no_valid_token_is_unauthenticated(system, rpc, credential):
    stubs, tokens, admin = system
    token = INVALID[credential] if credential in INVALID else tokens[credential]
    assert refused_with(stubs, rpc, token, admin) == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize("rpc", [r for r in RPCS if r.needs in OTHER_CITY_DENIED],
                         ids=lambda rpc: rpc.method)
def test_a_token_of_another_city_is_denied(system, rpc):
    stubs, tokens, admin = system
    assert refused_with(stubs, rpc, tokens["ningbo"], admin) == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize("rpc", [r for r in RPCS if r.needs in READ_ONLY_DENIED],
                         ids=lambda rpc: rpc.method)
def test_a_read_only_token_cannot_write(system, rpc):
    stubs, tokens, admin = system
    code = refused_with(stubs, rpc, tokens["hangzhou-reader"], admin)
    assert code == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize("rpc", [r for r in RPCS if r.needs in ("write", "read", "token")],
                         ids=lambda rpc: rpc.method)
def test_a_city_token_works_for_its_own_city(system, rpc):
    stubs, tokens, _ = system
    call(stubs, rpc, tokens["hangzhou"])


def test_tokens_are_compared_with_every_entry_in_constant_time(tmp_path, monkeypatch):
    tokens_file = tmp_path / "tokens.yaml"
    issued = [add_token(tokens_file, f"t{n}", ["assets.read:*"]) for n in range(5)]
    store = TokenStore(tokens_file)
    comparisons = []
    compare_digest = hmac.compare_digest

    def counting_compare(a, b):
        comparisons.append((a, b))
        return compare_digest(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", counting_compare)
    for token in (issued[0], issued[-1]):
        comparisons.clear()
        store.authenticate(token)
        assert len(comparisons) == len(issued), "the search stopped at the match"
    comparisons.clear()
    with pytest.raises(Unauthenticated):
        store.authenticate("urt_unknown")
    assert len(comparisons) == len(issued)


def test_tokens_never_reach_the_logs_or_the_errors(system, caplog):
    stubs, tokens, admin = system
    caplog.set_level(logging.DEBUG)
    details = []
    for rpc in RPCS:
        for token in [*tokens.values(), INVALID["a wrong token"]]:
            try:
                call(stubs, rpc, token)
            except grpc.RpcError as error:
                details.append(f"{error.details()} {error.trailing_metadata()}")
    wait_until(lambda: caplog.records)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for token in [*tokens.values(), INVALID["a wrong token"]]:
        assert token not in logged
        assert not any(token in detail for detail in details)
