"""GetCity, ListCities and UpdateCity: the city directory as API messages."""

import datetime as dt
import functools

from services.common import page_tokens
from services.common.errors import FieldViolation, invalid
from services.common.field_masks import proto_name_paths
from services.registry.app.cities import CityDirectory
from services.registry.app.rights import Call
from services.registry.domain.cities import City
from services.registry.domain.districts import districts_of
from services.registry.domain.etags import etag_of
from services.registry.domain.names import city_name, parse_city_name
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

_EDITABLE = {
    "display_name": "display_name",
    "english_name": "english_name",
    "urban_population": "urban_population",
    "parent": "parent_code",
}


class CityRequests:
    """Each takes its request and the `Call` that may make it (see rights.py)."""

    def __init__(self, directory: CityDirectory):
        self._directory = directory

    def get(self, request: api.GetCityRequest, call: Call) -> resources_pb2.City:
        return city_message(*self._directory.entry(call.city))

    def list(self, request: api.ListCitiesRequest, call: Call) -> api.ListCitiesResponse:
        size = page_tokens.page_size(request.page_size, default=100)
        after = page_tokens.decode(request.page_token, "cities") or ""
        entries = [entry for entry in self._directory.entries() if entry[0].code > after]
        more = len(entries) > size
        return api.ListCitiesResponse(
            cities=[city_message(*entry) for entry in entries[:size]],
            next_page_token=page_tokens.encode(entries[size - 1][0].code, "cities") if more else "",
        )

    def update(self, request: api.UpdateCityRequest, call: Call) -> resources_pb2.City:
        changes = city_changes(request.city, list(request.update_mask.paths))
        return city_message(*self._directory.update(call.city, changes, request.city.etag))


def city_message(city: City, version: int, update_time: dt.datetime) -> resources_pb2.City:
    """A new message of the city; the same version's is built once and copied after."""
    message = resources_pb2.City()
    message.CopyFrom(_built_message(city, version, update_time))
    return message


@functools.lru_cache(maxsize=1024)  # a version of each city, and more than the cities there are
def _built_message(city: City, version: int, update_time: dt.datetime) -> resources_pb2.City:
    message = resources_pb2.City(
        name=city_name(city.code),
        code=city.code,
        display_name=city.display_name,
        english_name=city.english_name,
        urban_population=city.urban_population,
        size_class=int(city.size_class),
        parent=city_name(city.parent_code) if city.parent_code else "",
        etag=etag_of(version),
        districts=[
            resources_pb2.District(
                code=d.code, display_name=d.display_name, english_name=d.english_name
            )
            for d in districts_of(city)
        ],
    )
    message.update_time.FromDatetime(update_time)
    return message


def city_changes(city: resources_pb2.City, paths: list[str]) -> dict:
    """Field → new value for the City fields an UpdateCity mask names (all editable if none);
    paths may use proto names (`display_name`) or JSON names (`displayName`)."""
    paths = proto_name_paths(paths, resources_pb2.City.DESCRIPTOR) or list(_EDITABLE)
    unknown = [path for path in paths if path not in _EDITABLE]
    if unknown:
        description = f"cannot update {', '.join(unknown)}; editable: {', '.join(_EDITABLE)}"
        raise invalid([FieldViolation("update_mask", description)])
    return {_EDITABLE[path]: _value(city, path) for path in paths}


def _value(city: resources_pb2.City, path: str):
    if path != "parent":
        return getattr(city, path)
    return parse_city_name(city.parent, "city.parent") if city.parent else None
