"""Where geometry may lie: inside its city and district within 2 km, measured on the ellipsoid."""

import functools
import json

import numpy as np
import pytest
import shapely
from pyproj import Geod

from services.registry.domain.cities import REFERENCE_CITIES
from services.registry.domain.placement import check_placement, derived_district, place
from services.registry.domain.places import Division, Places, zhejiang
from tests.builders import make_asset

CITIES = {city.code: city for city in REFERENCE_CITIES}
HANGZHOU, ZHOUSHAN = CITIES["330100"], CITIES["330900"]
GEOD = Geod(ellps="WGS84")


def geodesic_distance(geometry, longitude: float, latitude: float) -> float:
    """Metres from the point to `geometry`'s boundary, along the ellipsoid (to about a metre)."""
    nearby = shapely.box(longitude - 0.3, latitude - 0.3, longitude + 0.3, latitude + 0.3)
    boundary = shapely.segmentize(geometry.boundary.intersection(nearby), 0.00002)
    coordinates = shapely.get_coordinates(boundary)
    count = len(coordinates)
    _, _, distances = GEOD.inv(
        np.full(count, longitude), np.full(count, latitude), coordinates[:, 0], coordinates[:, 1]
    )
    return float(distances.min())


@functools.cache
def west_of(district_code: str, metres: float) -> tuple[float, float]:
    """A point due west of the district's westernmost vertex, `metres` from the district."""
    geometry = zhejiang().divisions[district_code].geometry
    coordinates = shapely.get_coordinates(geometry)
    longitude, latitude = coordinates[np.argmin(coordinates[:, 0])]
    low, high = 0.0, 2 * metres
    for _ in range(20):  # bisection on the true distance, to 0.01 %
        middle = (low + high) / 2
        point = GEOD.fwd(longitude, latitude, 270, middle)[:2]
        if geodesic_distance(geometry, *point) < metres:
            low = middle
        else:
            high = middle
    return GEOD.fwd(longitude, latitude, 270, high)[:2]


def asset_at(geojson: dict, district_code: str = "", city_code: str = "330100"):
    asset = make_asset("old_compound")
    asset.name = f"cities/{city_code}/assets/a"
    asset.district_code = district_code
    asset.geojson = json.dumps(geojson)
    return asset


def point(longitude: float, latitude: float) -> dict:
    return {"type": "Point", "coordinates": [longitude, latitude]}


def problems(asset, city=HANGZHOU) -> list[str]:
    return [violation.description for violation in check_placement(asset, city)]


# West of 淳安县's westernmost vertex lies 开化县, of another city (Quzhou).
@pytest.mark.parametrize(("metres", "valid"), [(10, True), (1950, True), (2050, False)])
def test_tolerance_at_the_edge_of_the_city_and_district(metres, valid):
    outside = point(*west_of("330127", metres))
    assert (problems(asset_at(outside, "330127")) == []) is valid
    assert (problems(asset_at(outside)) == []) is valid


def test_outside_the_tolerance_the_error_says_where_the_geometry_lies():
    outside = point(*west_of("330127", 2050))
    assert problems(asset_at(outside)) == ["coordinates lie in 开化县 330824, not in 杭州市 330100"]
    beyond_zhejiang = point(*west_of("330127", 20_000))
    assert problems(asset_at(beyond_zhejiang)) == [
        "coordinates lie in none of Zhejiang's divisions (nearest: 开化县 330824), "
        "not in 杭州市 330100"
    ]


def test_a_district_that_does_not_hold_the_geometry_is_named_with_the_one_that_does():
    in_yuhang = point(119.95, 30.38)
    assert problems(asset_at(in_yuhang, "330127")) == [
        "coordinates lie in 余杭区 330110, not in 淳安县 330127"
    ]


def test_a_geometry_in_another_city_names_the_division_it_lies_in():
    in_wenzhou = point(120.65, 28.01)
    expected = "coordinates lie in 鹿城区 330302, not in 杭州市 330100"
    assert problems(asset_at(in_wenzhou)) == [expected]


def test_the_whole_line_must_lie_within_the_tolerance():
    start = (118.80, 29.60)  # inside 淳安县
    near, far = west_of("330127", 1950), west_of("330127", 2050)
    assert problems(asset_at({"type": "LineString", "coordinates": [start, near]})) == []
    assert problems(asset_at({"type": "LineString", "coordinates": [start, far]}))


def test_a_line_crossing_districts_may_leave_its_derived_district_but_not_a_given_one():
    across = {"type": "LineString", "coordinates": [[120.10, 30.27], [120.30, 30.40]]}
    asset = asset_at(across)
    assert problems(asset) == []
    place(asset, HANGZHOU)
    assert asset.district_code == "330106"  # 西湖区, where the line starts
    assert problems(asset_at(across, "330106"))


def test_outside_every_district_the_derived_district_is_the_nearest_within_the_tolerance():
    outside = json.dumps(point(*west_of("330127", 1500)))
    assert derived_district(outside, HANGZHOU) == "330127"
    assert derived_district(json.dumps(point(*west_of("330127", 2500))), HANGZHOU) == ""


def test_a_county_level_city_of_its_own_is_not_part_of_its_prefecture():
    in_cixi = point(121.25, 30.18)
    assert problems(asset_at(in_cixi, "330282", "330282"), CITIES["330282"]) == []
    assert problems(asset_at(in_cixi, city_code="330200"), CITIES["330200"]) == [
        "coordinates lie in 慈溪市 330282, not in 宁波市 330200"
    ]


def islands_of(district_code: str) -> list:
    return list(zhejiang().divisions[district_code].geometry.geoms)


def test_every_island_of_zhoushan_belongs_to_its_district():
    for code in ("330902", "330903", "330921", "330922"):
        assert len(islands_of(code)) > 1
        for island in islands_of(code):
            inside = island.representative_point()
            asset = asset_at(point(inside.x, inside.y), code, "330900")
            assert problems(asset, ZHOUSHAN) == []
            asset.district_code = ""
            place(asset, ZHOUSHAN)
            assert asset.district_code == code


def test_open_sea_between_zhoushans_islands_is_outside_the_city():
    sea = point(122.75, 30.25)  # east of 嵊泗's islands, tens of kilometres from any
    assert problems(asset_at(sea, city_code="330900"), ZHOUSHAN)


def square(west, south, side):
    return shapely.box(west, south, west + side, south + side)


@pytest.fixture
def ring_and_enclave() -> Places:
    """A ring-shaped division (a square with a square hole) around an enclave filling the hole."""
    outer = square(120.0, 30.0, 0.4)
    hole = square(120.1, 30.1, 0.2)
    return Places(
        [
            Division("330101", "环区", "Ring District", shapely.MultiPolygon([outer - hole])),
            Division("330199", "飞地区", "Enclave District", shapely.MultiPolygon([hole])),
        ]
    )


def test_a_point_in_a_hole_lies_in_the_enclave_not_in_the_ring(ring_and_enclave):
    assert ring_and_enclave.containing(120.2, 30.2).code == "330199"
    assert ring_and_enclave.containing(120.05, 30.2).code == "330101"


def test_the_tolerance_reaches_into_a_hole_from_its_edge(ring_and_enclave):
    ring = ring_and_enclave.area(["330101"])
    one_km_in = GEOD.fwd(120.1, 30.2, 90, 1000)[:2]  # 1 km east of the hole's west edge
    assert ring.covers(shapely.Point(*one_km_in))
    assert not ring.covers(shapely.Point(120.2, 30.2))  # the hole's centre, 9.6 km from it
    assert ring_and_enclave.area(["330101", "330199"]).covers(shapely.Point(120.2, 30.2))


def test_a_self_intersecting_polygon_is_checked_by_its_area():
    bow_tie = [[120.1, 30.2], [120.2, 30.3], [120.2, 30.2], [120.1, 30.3], [120.1, 30.2]]
    assert problems(asset_at({"type": "Polygon", "coordinates": [bow_tie]})) == []
    far = [[x + 1.0, y] for x, y in bow_tie]  # in Ningbo, Shaoxing and the sea
    assert problems(asset_at({"type": "Polygon", "coordinates": [far]}))
