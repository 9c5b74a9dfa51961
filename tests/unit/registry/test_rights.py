"""Every RegistryService RPC goes through the one rights check, on every transport: each has a
rule, the application handles each, and the gRPC servicer hands each to the application."""

from types import SimpleNamespace

import pytest

from services.common.auth import Principal, use_principal
from services.common.errors import InvalidArgument, PermissionDenied
from services.registry.api.servicer import RegistryServicer
from services.registry.app.calls import RegistryCalls
from services.registry.app.rights import RULES, authorise
from tests.builders import pipe
from tests.reliability.rpc_catalogue import CITY, RPCS
from urban.registry.v1 import registry_service_pb2 as api

SERVICE = api.DESCRIPTOR.services_by_name["RegistryService"]
METHODS = {method.name for method in SERVICE.methods}
REGISTRY_RPCS = [rpc for rpc in RPCS if rpc.service == "registry"]
NINGBO = "330200"


def principal(*scopes: str) -> Principal:
    return Principal("caller", frozenset(scopes))


def test_every_rpc_has_a_rule_and_a_handler():
    uses = ["create", "get", "update", "delete", "batch_upsert", "assets", "changes", "list"]
    stub = SimpleNamespace(**dict.fromkeys(uses))
    calls = RegistryCalls(stub, stub, stub, stub, stub)
    assert set(RULES) == METHODS
    assert calls.methods == METHODS
    assert {rpc.method for rpc in REGISTRY_RPCS} == METHODS


class _RecordingCalls:
    def handle(self, method, caller, request, alive):
        answer = method, caller, request, alive()
        return iter([_Change(answer)]) if method == "WatchChanges" else answer


class _Change:
    revision = 1

    def __init__(self, answer):
        self.answer = answer


class _Context:
    def is_active(self):
        return True

    def time_remaining(self):
        return None


@pytest.mark.parametrize("method", sorted(METHODS))
def test_the_servicer_hands_each_rpc_to_the_application_with_its_caller(method):
    servicer = RegistryServicer(_RecordingCalls())
    caller = principal("admin")
    request = object()
    with use_principal(caller):
        answer = getattr(servicer, method)(request, _Context())
        if method == "WatchChanges":
            (answer,) = [change.answer for change in answer]
    assert answer == (method, caller, request, True)


@pytest.mark.parametrize("rpc", REGISTRY_RPCS, ids=lambda rpc: rpc.method)
def test_each_rpc_needs_its_scope(rpc):
    request = rpc.request()
    enough = {
        "write": [f"assets.write:{CITY}"],
        "read": [f"assets.read:{CITY}"],
        "cities.write": ["cities.write"],
        "token": [],
    }[rpc.needs]
    authorise(rpc.method, principal("admin"), request)
    authorise(rpc.method, principal(*enough), request)
    if rpc.needs == "token":
        authorise(rpc.method, principal(), request)
        return
    for denied in [principal(), principal(f"assets.write:{NINGBO}")]:
        with pytest.raises(PermissionDenied):
            authorise(rpc.method, denied, request)
    if rpc.needs == "write":
        with pytest.raises(PermissionDenied):
            authorise(rpc.method, principal(f"assets.read:{CITY}"), request)


def test_the_call_carries_the_cities_a_batch_writes():
    assets = [pipe(f"cities/{CITY}/assets/a"), pipe(f"cities/{NINGBO}/assets/b")]
    request = api.BatchUpsertAssetsRequest(parent="cities/-", assets=assets)
    writer = principal(f"assets.write:{CITY}", f"assets.write:{NINGBO}")
    for method in ["BatchUpsertAssets", "ImportAssets"]:
        assert authorise(method, writer, request).cities == {CITY, NINGBO}
        with pytest.raises(PermissionDenied):
            authorise(method, principal(f"assets.write:{CITY}"), request)


def test_a_malformed_name_is_invalid_before_any_right_is_asked():
    request = api.BatchUpsertAssetsRequest(parent="cities/-", assets=[pipe("cities/33/assets/a")])
    for method in ["BatchUpsertAssets", "ImportAssets"]:
        with pytest.raises(InvalidArgument) as error:
            authorise(method, principal(), request)
        assert [v.field for v in error.value.violations] == ["assets[0].name"]


def test_list_changes_of_an_asset_needs_the_assets_city():
    request = api.ListChangesRequest(asset=f"cities/{NINGBO}/assets/a")
    assert authorise("ListChanges", principal(f"assets.read:{NINGBO}"), request).city == NINGBO
    with pytest.raises(PermissionDenied):
        authorise("ListChanges", principal(f"assets.read:{CITY}"), request)


def test_reading_every_city_needs_every_citys_scope():
    request = api.ListAssetsRequest(parent="cities/-")
    assert authorise("ListAssets", principal("assets.read:*"), request).city is None
    with pytest.raises(PermissionDenied):
        authorise("ListAssets", principal(f"assets.read:{CITY}"), request)
