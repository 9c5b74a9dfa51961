"""City records to API messages and back."""

import datetime as dt

from services.common.errors import FieldViolation, invalid
from services.common.field_masks import proto_name_paths
from services.registry.domain.cities import City
from services.registry.domain.districts import districts_of
from services.registry.domain.etags import etag_of
from services.registry.domain.names import city_name, parse_city_name
from services.registry.storage.row_mapping import timestamp
from urban.registry.v1 import resources_pb2

_EDITABLE = {
    "display_name": "display_name",
    "english_name": "english_name",
    "urban_population": "urban_population",
    "parent": "parent_code",
}


def city_message(city: City, version: int, update_time: dt.datetime) -> resources_pb2.City:
    return resources_pb2.City(
        name=city_name(city.code),
        code=city.code,
        display_name=city.display_name,
        english_name=city.english_name,
        urban_population=city.urban_population,
        size_class=int(city.size_class),
        parent=city_name(city.parent_code) if city.parent_code else "",
        etag=etag_of(version),
        update_time=timestamp(update_time),
        districts=[
            resources_pb2.District(
                code=d.code, display_name=d.display_name, english_name=d.english_name
            )
            for d in districts_of(city)
        ],
    )


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
