"""Reference cities on first start; corrections by field mask move the size class."""

import grpc
from google.protobuf.field_mask_pb2 import FieldMask

from tests.integration.registry.errors import call_error, violations
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r


def test_zhejiangs_reference_cities_are_there_on_first_start(admin):
    cities = admin.ListCities(api.ListCitiesRequest(page_size=100)).cities
    codes = {city.code for city in cities}
    assert len(cities) == 13 and {"330100", "330782", "330282"} <= codes
    yiwu = admin.GetCity(api.GetCityRequest(name="cities/330782"))
    assert yiwu.parent == "cities/330700" and yiwu.display_name == "义乌市"
    assert yiwu.size_class == r.CITY_SIZE_CLASS_LARGE_II


def test_list_cities_pages(admin):
    first = admin.ListCities(api.ListCitiesRequest(page_size=5))
    rest = admin.ListCities(api.ListCitiesRequest(page_size=100, page_token=first.next_page_token))
    assert len(first.cities) == 5 and len(rest.cities) == 8 and not rest.next_page_token


def test_a_corrected_population_changes_the_size_class(admin):
    city = admin.GetCity(api.GetCityRequest(name="cities/330400"))
    assert city.size_class == r.CITY_SIZE_CLASS_MEDIUM
    patch = r.City(name="cities/330400", urban_population=1_000_000, etag=city.etag)
    updated = admin.UpdateCity(
        api.UpdateCityRequest(city=patch, update_mask=FieldMask(paths=["urban_population"]))
    )
    assert updated.urban_population == 1_000_000
    assert updated.size_class == r.CITY_SIZE_CLASS_LARGE_II
    assert updated.display_name == city.display_name and updated.etag != city.etag
    stale = api.UpdateCityRequest(city=patch, update_mask=FieldMask(paths=["urban_population"]))
    call_error(admin.UpdateCity, stale, grpc.StatusCode.ABORTED)


def test_a_city_mask_in_json_names_updates_the_same_fields(admin):
    city = admin.GetCity(api.GetCityRequest(name="cities/330400"))
    patch = r.City(name="cities/330400", urban_population=1_000_000, english_name="Jiaxing City")
    mask = FieldMask(paths=["urbanPopulation", "englishName"])
    updated = admin.UpdateCity(api.UpdateCityRequest(city=patch, update_mask=mask))
    assert (updated.urban_population, updated.english_name) == (1_000_000, "Jiaxing City")
    assert updated.display_name == city.display_name


def test_bad_city_updates_name_the_field(admin):
    negative = r.City(name="cities/330400", urban_population=-1)
    request = api.UpdateCityRequest(
        city=negative, update_mask=FieldMask(paths=["urban_population"])
    )
    error = call_error(admin.UpdateCity, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert "city.urban_population" in violations(error)
    request = api.UpdateCityRequest(city=negative, update_mask=FieldMask(paths=["code"]))
    assert "update_mask" in violations(
        call_error(admin.UpdateCity, request, grpc.StatusCode.INVALID_ARGUMENT)
    )
    missing = api.GetCityRequest(name="cities/339999")
    call_error(admin.GetCity, missing, grpc.StatusCode.NOT_FOUND)
