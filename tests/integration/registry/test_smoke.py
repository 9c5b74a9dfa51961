from tests.builders import pipe
from urban.registry.v1 import registry_service_pb2 as api


def test_create_then_get(admin):
    created = admin.CreateAsset(
        api.CreateAssetRequest(parent="cities/330100", asset_id="p-1", asset=pipe(""))
    )
    assert created.name == "cities/330100/assets/p-1"
    assert created.version > 0 and created.etag
    assert admin.GetAsset(api.GetAssetRequest(name=created.name)) == created
