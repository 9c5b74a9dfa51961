"""Real districts and boundaries on every write path (CreateAsset/UpdateAsset, BatchUpsertAssets,
ImportAssets), on SQLite and PostgreSQL; cities list their districts."""

import json

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from tests.builders import line_in_district, pipe
from tests.integration.registry.errors import violations
from urban.registry.v1 import registry_service_pb2 as api

HANGZHOU = "cities/330100"
IN_YUHANG = line_in_district("330110")
IN_XIHU = line_in_district("330106")
IN_WENZHOU = line_in_district("330302")
# In 拱墅区, within a kilometre of 西湖区.
NEAR_XIHU = '{"type":"LineString","coordinates":[[120.15,30.28],[120.151,30.281]]}'
# Starts in 西湖区 and runs 20 km north-east into 余杭区 and 临平区.
ACROSS = json.dumps({"type": "LineString", "coordinates": [[120.10, 30.27], [120.28, 30.40]]})


def named(asset_id: str, geojson: str, district_code: str = ""):
    asset = pipe(f"{HANGZHOU}/assets/{asset_id}")
    asset.geojson, asset.district_code = geojson, district_code
    return asset


def create(client, asset):
    request = api.CreateAssetRequest(
        parent=HANGZHOU, asset_id=asset.name.rpartition("/")[2], asset=asset
    )
    return client.CreateAsset(request)


def batch_upsert(client, asset):
    return client.BatchUpsertAssets(
        api.BatchUpsertAssetsRequest(parent=HANGZHOU, assets=[asset])
    ).assets[0]


def import_one(client, asset):
    [response] = client.ImportAssets(
        iter([api.ImportAssetsRequest(parent=HANGZHOU, assets=[asset])])
    )
    assert response.created_count + response.updated_count + response.unchanged_count == 1
    return client.GetAsset(api.GetAssetRequest(name=asset.name))


WRITES = {"unary": create, "batch": batch_upsert, "import": import_one}
FIELD_PREFIX = {"unary": "asset.", "batch": "assets[0].", "import": "assets[0]."}


def refused(write, client, asset) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as caught:
        write(client, asset)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    return violations(caught.value)


@pytest.mark.parametrize("path", list(WRITES))
def test_a_district_not_of_the_city_is_refused_naming_district_code(admin, path):
    for code in ("330199", "330103", "330104", "330205"):
        found = refused(WRITES[path], admin, named("p", IN_YUHANG, code))
        assert list(found) == [f"{FIELD_PREFIX[path]}district_code"], found
    assert not admin.ListAssets(api.ListAssetsRequest(parent=HANGZHOU)).assets


@pytest.mark.parametrize("path", list(WRITES))
def test_a_geometry_outside_its_district_is_refused_naming_where_it_lies(admin, path):
    found = refused(WRITES[path], admin, named("p", IN_YUHANG, "330127"))
    assert found == {
        f"{FIELD_PREFIX[path]}geojson": "coordinates lie in 余杭区 330110, not in 淳安县 330127"
    }


@pytest.mark.parametrize("path", list(WRITES))
def test_a_geometry_in_another_city_is_refused(admin, path):
    found = refused(WRITES[path], admin, named("p", IN_WENZHOU))
    assert found == {
        f"{FIELD_PREFIX[path]}geojson": "coordinates lie in 鹿城区 330302, not in 杭州市 330100"
    }


@pytest.mark.parametrize("path", list(WRITES))
def test_without_a_district_the_one_of_the_first_coordinate_is_stored(admin, path):
    stored = WRITES[path](admin, named("p", ACROSS))
    assert stored.district_code == "330106"
    assert admin.GetAsset(api.GetAssetRequest(name=stored.name)).district_code == "330106"
    listed = admin.ListAssets(
        api.ListAssetsRequest(parent=HANGZHOU, filter='district_code = "330106"')
    )
    assert [asset.name for asset in listed.assets] == [stored.name]


@pytest.mark.parametrize("path", list(WRITES))
def test_a_resend_identical_after_derivation_changes_nothing(admin, path):
    first = WRITES[path](admin, named("p", IN_YUHANG))
    again = WRITES["batch" if path == "unary" else path](admin, named("p", IN_YUHANG))
    assert (again.district_code, again.version, again.etag) == ("330110", first.version, first.etag)


@pytest.mark.parametrize("path", list(WRITES))
def test_a_new_geometry_without_a_district_gets_its_district_again(admin, path):
    WRITES[path](admin, named("p", IN_YUHANG))
    moved = WRITES["batch" if path == "unary" else path](admin, named("p", IN_XIHU))
    assert moved.district_code == "330106"


def test_an_update_of_the_geometry_alone_derives_the_district_again(admin):
    create(admin, named("p", IN_YUHANG))
    patch = named("p", IN_XIHU)
    request = api.UpdateAssetRequest(asset=patch, update_mask=FieldMask(paths=["geojson"]))
    assert admin.UpdateAsset(request).district_code == "330106"


def test_an_update_that_keeps_the_geometry_keeps_a_given_district(admin):
    create(admin, named("p", NEAR_XIHU, "330106"))  # within the tolerance of 西湖区
    patch = named("p", NEAR_XIHU)
    patch.display_name = "renamed"
    request = api.UpdateAssetRequest(asset=patch, update_mask=FieldMask(paths=["display_name"]))
    assert admin.UpdateAsset(request).district_code == "330106"


def test_no_geometry_no_boundary_check_and_no_district(admin):
    for path, write in WRITES.items():
        assert write(admin, named(f"bare-{path}", "")).district_code == ""


def test_cities_list_their_districts(admin):
    cities = {c.code: c for c in admin.ListCities(api.ListCitiesRequest(page_size=100)).cities}
    hangzhou = [(d.code, d.display_name) for d in cities["330100"].districts]
    assert (
        len(hangzhou) == 13
        and ("330113", "临平区") in hangzhou
        and ("330114", "钱塘区") in hangzhou
    )
    assert sum(len(city.districts) for city in cities.values()) == 90
    assert [d.code for d in cities["330282"].districts] == ["330282"]
    assert "330282" not in {d.code for d in cities["330200"].districts}
    assert "330782" not in {d.code for d in cities["330700"].districts}
    assert cities["330100"].districts[2].english_name == "Xihu District"
