"""Where an asset's geometry may lie, and the district it gets when none is given.

The whole geometry must lie inside its city's districts widened by the tolerance, and inside the
district given, if any, widened the same way. Without a district, the asset gets the district of
its city containing the geometry's first coordinate, or the nearest within the tolerance.
Callers check the GeoJSON itself (geometry.check_geojson) first.
"""

import json

import shapely

from services.common.errors import FieldViolation
from services.registry.domain.cities import City
from services.registry.domain.districts import districts_of
from services.registry.domain.places import Places, zhejiang
from urban.registry.v1 import resources_pb2


def check_placement(
    asset: resources_pb2.Asset, city: City, places: Places | None = None
) -> list[FieldViolation]:
    """Violations on `geojson` when the geometry lies outside its city or its given district."""
    if not asset.geojson:
        return []
    places = places or zhejiang()
    geometry = shapely.from_geojson(asset.geojson)
    if not geometry.is_valid:  # a self-intersecting ring, say: its area is what counts
        geometry = shapely.make_valid(geometry)
    city_codes = [division.code for division in districts_of(city)]
    expected = [(city_codes, f"{city.display_name} {city.code}")]
    if asset.district_code:
        expected.append(([asset.district_code], str(places.get(asset.district_code))))
    for codes, described in expected:
        area = places.area(codes)
        if not area.covers(geometry):
            where = places.describe(*area.point_outside(geometry))
            return [FieldViolation("geojson", f"coordinates lie in {where}, not in {described}")]
    return []


def derived_district(geojson: str, city: City, places: Places | None = None) -> str:
    """The district of `city` for a geometry whose asset names none; '' when none is near."""
    if not geojson:
        return ""
    places = places or zhejiang()
    longitude, latitude = first_coordinate(json.loads(geojson)["coordinates"])
    districts = districts_of(city)
    within = places.containing_among(longitude, latitude, [d.code for d in districts])
    if within is not None:
        return within.code
    nearest = min(districts, key=lambda d: places.area([d.code]).distance_m(longitude, latitude))
    if places.area([nearest.code]).distance_m(longitude, latitude) <= places.tolerance_m:
        return nearest.code
    return ""


def place(asset: resources_pb2.Asset, city: City, places: Places | None = None) -> None:
    """Gives an asset with a geometry and no district its derived district."""
    if asset.geojson and not asset.district_code:
        asset.district_code = derived_district(asset.geojson, city, places)


def first_coordinate(coordinates) -> tuple[float, float]:
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return float(coordinates[0]), float(coordinates[1])
