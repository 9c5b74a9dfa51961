"""Bearer tokens and per-city scopes on every RPC; refused calls change nothing."""

import grpc
import pytest

from tests.builders import pipe
from tests.integration.registry.conftest import Client
from tests.integration.registry.errors import call_error, error_info
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

HANGZHOU_ASSET = "cities/330100/assets/a"


def requests_for(city: str) -> dict[str, object]:
    name = f"cities/{city}/assets/a"
    return {
        "CreateAsset": api.CreateAssetRequest(
            parent=f"cities/{city}", asset_id="n", asset=pipe(f"cities/{city}/assets/n")
        ),
        "UpdateAsset": api.UpdateAssetRequest(asset=pipe(name), allow_missing=True),
        "DeleteAsset": api.DeleteAssetRequest(name=name, allow_missing=True),
        "BatchUpsertAssets": api.BatchUpsertAssetsRequest(
            parent=f"cities/{city}", assets=[pipe(name)]
        ),
    }


READS = {
    "GetAsset": api.GetAssetRequest(name=HANGZHOU_ASSET),
    "ListAssets": api.ListAssetsRequest(parent="cities/-"),
    "ListChanges": api.ListChangesRequest(),
    "GetCity": api.GetCityRequest(name="cities/330100"),
    "ListCities": api.ListCitiesRequest(),
}


@pytest.mark.parametrize("method", [*requests_for("330100"), *READS])
def test_no_token_or_an_unknown_token_is_unauthenticated(channel, clients, method):
    request = {**requests_for("330100"), **READS}[method]
    stub = clients["admin"].stub
    call_error(getattr(stub, method), request, grpc.StatusCode.UNAUTHENTICATED)
    wrong = Client(stub, "urt_not-a-token")
    call_error(getattr(wrong, method), request, grpc.StatusCode.UNAUTHENTICATED)


@pytest.mark.parametrize("method", list(requests_for("330200")))
def test_writing_another_city_is_denied_and_changes_nothing(clients, method):
    hangzhou = clients["hangzhou"]
    error = call_error(
        getattr(hangzhou, method), requests_for("330200")[method], grpc.StatusCode.PERMISSION_DENIED
    )
    assert error_info(error).metadata["scope"] == "assets.write:330200"
    assert clients["admin"].ListChanges(api.ListChangesRequest()).head_revision == 0


@pytest.mark.parametrize("method", list(requests_for("330100")))
def test_a_read_only_token_cannot_write(clients, method):
    reader = clients["reader"]
    call_error(
        getattr(reader, method), requests_for("330100")[method], grpc.StatusCode.PERMISSION_DENIED
    )


def test_city_scoped_readers_read_only_their_city(clients):
    clients["admin"].BatchUpsertAssets(
        api.BatchUpsertAssetsRequest(
            parent="cities/-", assets=[pipe(HANGZHOU_ASSET), pipe("cities/330200/assets/b")]
        )
    )
    reader = clients["hangzhou-reader"]
    assert reader.GetAsset(api.GetAssetRequest(name=HANGZHOU_ASSET)).name == HANGZHOU_ASSET
    listed = reader.ListAssets(api.ListAssetsRequest(parent="cities/330100")).assets
    assert [a.name for a in listed] == [HANGZHOU_ASSET]
    denied = grpc.StatusCode.PERMISSION_DENIED
    call_error(reader.GetAsset, api.GetAssetRequest(name="cities/330200/assets/b"), denied)
    call_error(reader.ListAssets, api.ListAssetsRequest(parent="cities/-"), denied)
    call_error(reader.ListChanges, api.ListChangesRequest(), denied)
    assert len(reader.ListChanges(api.ListChangesRequest(parent="cities/330100")).changes) == 1


def test_write_implies_read_and_the_token_name_is_the_actor(clients):
    ningbo = clients["ningbo"]
    asset = pipe("cities/330200/assets/n")
    ningbo.CreateAsset(api.CreateAssetRequest(parent="cities/330200", asset_id="n", asset=asset))
    assert ningbo.GetAsset(api.GetAssetRequest(name="cities/330200/assets/n")).name
    change = clients["admin"].ListChanges(api.ListChangesRequest()).changes[0]
    assert change.actor == "ningbo"


def test_updating_a_city_needs_cities_write(clients):
    request = api.UpdateCityRequest(city=r.City(name="cities/330100", urban_population=1))
    call_error(clients["hangzhou"].UpdateCity, request, grpc.StatusCode.PERMISSION_DENIED)
    city = clients["admin"].GetCity(api.GetCityRequest(name="cities/330100"))
    assert city.urban_population == 8_742_000
