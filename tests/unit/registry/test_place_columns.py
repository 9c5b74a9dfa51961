"""The column forms of the geometry and placement rules agree with the rules applied one geometry
at a time: what ImportAssets settles in bulk, the exact check accepts."""

import json

import numpy as np
import pytest
import shapely
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from services.registry.app.bulk.quick_geometry import sorted_geometries
from services.registry.domain.cities import REFERENCE_CITIES
from services.registry.domain.districts import districts_of
from services.registry.domain.geometry import (
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    all_inside_zhejiang,
    check_geojson,
)
from services.registry.domain.places import (
    MAX_SCALE_ERROR,
    TOLERANCE_METERS,
    Division,
    Places,
    metres_at_most,
    zhejiang,
)

GEOD = Geod(ellps="WGS84")
RING, ENCLAVE = "330101", "330199"


def square(west, south, side):
    return shapely.box(west, south, west + side, south + side)


def _islands_ring_and_enclave() -> Places:
    """A division shaped as a square with a square hole, and two islands off its east side; and
    a second division filling the hole."""
    hole = square(120.1, 30.1, 0.2)
    ring = square(120.0, 30.0, 0.4) - hole
    islands = [square(120.45, 30.2, 0.01), square(120.43, 30.05, 0.005)]
    return Places(
        [
            Division(RING, "环区", "Ring District", shapely.MultiPolygon([ring, *islands])),
            Division(ENCLAVE, "飞地区", "Enclave District", shapely.MultiPolygon([hole])),
        ]
    )


PLACES = _islands_ring_and_enclave()
RING_AREAS = (PLACES.area([RING]), PLACES.area([RING, ENCLAVE]))
# Points on the ring's boundaries (outer edge, the hole's edge, the islands' coasts) to start at.
EDGES = shapely.get_coordinates(
    shapely.segmentize(PLACES.get(RING).geometry.boundary, 0.002)
).tolist()


def reach_of(coordinates: list) -> float:
    """How far the line reaches from its first coordinate, as ImportAssets bounds it."""
    lines = np.array(coordinates)
    offsets = np.abs(lines - lines[0]).max(axis=0)
    return float(metres_at_most(offsets[0], offsets[1]))


def surely_covered(coordinates: list, code: str = RING) -> bool:
    longitude, latitude = coordinates[0]
    reach = np.array([reach_of(coordinates)])
    return bool(PLACES.surely_covered(code, np.array([longitude]), np.array([latitude]), reach)[0])


def walk(start, bearings_and_metres) -> list:
    """A line from `start`, each step along the ellipsoid by (bearing, metres) from `start`."""
    return [list(start)] + [
        list(GEOD.fwd(*start, bearing, metres)[:2]) for bearing, metres in bearings_and_metres
    ]


@settings(deadline=None)  # geometry operations, on a machine that may be busy
@given(
    edge=st.sampled_from(EDGES),
    inward=st.floats(-30, 30),
    steps=st.lists(
        st.tuples(
            st.floats(0, 360),
            st.one_of(
                st.floats(0, 2100),
                st.sampled_from([0.0, PLACES.sure_reach_m, TOLERANCE_METERS, 2001.0]),
            ),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_a_line_surely_covered_lies_inside_every_widened_area_holding_the_division(
    edge, inward, steps
):
    start = GEOD.fwd(*edge, 45, inward)[:2]  # on either side of the boundary, or on it
    line = walk(start, steps)
    if surely_covered(line):
        geometry = shapely.LineString(line) if len(set(map(tuple, line))) > 1 else None
        geometry = geometry or shapely.Point(line[0])
        assert all(area.covers(geometry) for area in RING_AREAS)


def straight_out(edge_point, outward_bearing: float, inside_m: float, metres: float) -> list:
    start = GEOD.fwd(*edge_point, outward_bearing + 180, inside_m)[:2]
    return walk(start, [(outward_bearing, metres)])


def reaching_out(edge_point, outward_bearing: float, reach_m: float) -> list:
    """A line from 1 m inside the edge straight out, whose reach as bounded is `reach_m`."""
    line = straight_out(edge_point, outward_bearing, 1.0, reach_m)
    return straight_out(edge_point, outward_bearing, 1.0, reach_m**2 / reach_of(line))


@pytest.mark.parametrize(
    ("name", "edge_point", "outward_bearing"),
    [
        ("outer edge, west", (120.0, 30.2), 270),
        ("hole's edge, into the hole", (120.1, 30.2), 90),
        ("an island's coast, east", (120.46, 30.205), 90),
    ],
)
def test_at_the_edge_of_the_tolerance_the_column_form_settles_what_the_exact_check_accepts(
    name, edge_point, outward_bearing
):
    """Out of a straight edge, the exact check accepts up to the tolerance; the column form
    settles a line as far as the sure reach, within 0.2 % of it, and leaves the rest."""
    reaching = reaching_out(edge_point, outward_bearing, PLACES.sure_reach_m - 0.01)
    assert surely_covered(reaching)
    assert not surely_covered(reaching_out(edge_point, outward_bearing, PLACES.sure_reach_m + 0.01))
    assert RING_AREAS[0].covers(shapely.LineString(reaching))
    assert PLACES.sure_reach_m >= 0.998 * TOLERANCE_METERS
    beyond = straight_out(edge_point, outward_bearing, 1.0, 1.002 * TOLERANCE_METERS + 1)
    assert not surely_covered(beyond)
    assert not RING_AREAS[0].covers(shapely.LineString(beyond))


def test_a_line_starting_in_a_hole_or_on_a_boundary_is_left_to_the_exact_check():
    in_hole = walk((120.2, 30.2), [(0, 10)])
    assert not surely_covered(in_hole)
    assert surely_covered(in_hole, ENCLAVE)
    on_the_hole_edge = walk((120.1, 30.2), [(270, 10)])
    assert not surely_covered(on_the_hole_edge)
    assert not surely_covered(on_the_hole_edge, ENCLAVE)


def test_a_degenerate_line_is_settled_where_its_one_point_is():
    island = [[120.455, 30.205], [120.455, 30.205]]
    assert reach_of(island) == 0
    assert surely_covered(island)
    assert check_geojson(json.dumps({"type": "LineString", "coordinates": island}), None) == []


# GeographicLib's inverse solution (pyproj's Geod) is accurate to 15 nm: an offset of 7e-15
# degrees north, 0.8 nm long, came out as 1.4 nm.
GEODESIC_ERROR_METRES = 15e-9


@given(
    longitude=st.floats(0, 1),
    latitude=st.floats(0, 1),
    east=st.floats(-0.03, 0.03),
    north=st.floats(-0.03, 0.03),
)
@example(longitude=0.5, latitude=0.5, east=1e-14, north=0.0)
@example(longitude=0.0, latitude=0.0, east=0.029296875, north=-0.00390625)
@example(longitude=0.0, latitude=0.9375, east=0.0, north=-7.882549242725952e-15)
def test_metres_at_most_is_never_shorter_than_the_true_distance(longitude, latitude, east, north):
    start_longitude = LONGITUDE_RANGE[0] + longitude * (LONGITUDE_RANGE[1] - LONGITUDE_RANGE[0])
    # Both ends inside the latitude range the bound is stated for, whichever way `north` goes.
    start_latitude = (
        LATITUDE_RANGE[0] + 0.03 + latitude * (LATITUDE_RANGE[1] - LATITUDE_RANGE[0] - 0.06)
    )
    end_longitude, end_latitude = start_longitude + east, start_latitude + north
    true = GEOD.inv(start_longitude, start_latitude, end_longitude, end_latitude)
    # The offset as made: adding a tiny one to a coordinate rounds it (1e-14 to 1.4e-14).
    made = abs(end_longitude - start_longitude), abs(end_latitude - start_latitude)
    assert metres_at_most(*made) >= true[2] - GEODESIC_ERROR_METRES


def _scale_errors():
    """For every city of the reference and every district: the most its area's projection
    stretches a length, at the extremes of its widened outline."""
    places = zhejiang()
    for city in REFERENCE_CITIES:
        codes = [division.code for division in districts_of(city)]
        for area in [places.area(codes), *(places.area([code]) for code in codes)]:
            hull = shapely.get_coordinates(area._widened.convex_hull)
            local = hull + np.array([[100.0, 0.0]])
            longitudes, latitudes = area._projection.inverse(hull[:, 0], hull[:, 1])
            to_longitudes, to_latitudes = area._projection.inverse(local[:, 0], local[:, 1])
            _, _, true = GEOD.inv(longitudes, latitudes, to_longitudes, to_latitudes)
            yield float((100.0 / np.asarray(true)).max() - 1)


def test_the_projection_stretches_no_length_more_than_the_sure_reach_allows():
    errors = list(_scale_errors())
    assert max(errors) <= MAX_SCALE_ERROR
    assert min(errors) >= -1e-9  # a transverse Mercator never shrinks a length


POSITION_NUMBERS = st.one_of(
    st.sampled_from(
        [
            LONGITUDE_RANGE[0], LONGITUDE_RANGE[1], LATITUDE_RANGE[0], LATITUDE_RANGE[1],
            117.99999, 123.50001, 26.99999, 31.50001, 120, 30, 0, -0.0, 1e999, 5,
        ]
    ),
    st.floats(26, 124, allow_nan=False),
)  # fmt: skip
positions = st.lists(POSITION_NUMBERS, min_size=1, max_size=4)


@settings(deadline=None)
@given(
    lines=st.lists(st.lists(positions, max_size=4), min_size=1, max_size=4),
    spaced=st.booleans(),
)
def test_a_line_string_is_vouched_for_only_when_check_geojson_accepts_it(lines, spaced):
    separators = (", ", ": ") if spaced else (",", ":")
    texts = [
        json.dumps({"type": "LineString", "coordinates": line}, separators=separators)
        for line in lines
    ]
    unchecked, vouched = sorted_geometries(["pipe_segment"] * len(texts), texts)
    assert sorted([*unchecked, *vouched.positions]) == list(range(len(texts)))
    for position in vouched.positions:
        assert check_geojson(texts[position], "pipe_segment") == []
    accepted = [not check_geojson(text, "pipe_segment") for text in texts]
    two_numbers = [all(len(position) == 2 for position in line) for line in lines]
    if all(accepted) and all(two_numbers):
        assert vouched.positions == list(range(len(texts)))


@given(
    longitudes=st.lists(st.sampled_from([118.0, 117.99, 123.5, 123.51, 120.0]), min_size=1),
    latitudes=st.lists(st.sampled_from([27.0, 26.99, 31.5, 31.51, 30.0]), min_size=1),
)
def test_positions_are_inside_zhejiang_together_when_each_one_is(longitudes, latitudes):
    count = min(len(longitudes), len(latitudes))
    line = [[x, y] for x, y in zip(longitudes[:count], latitudes[:count], strict=True)]
    assume(count >= 2)
    each = not check_geojson(json.dumps({"type": "LineString", "coordinates": line}), None)
    columns = np.array(line)
    assert all_inside_zhejiang(columns[:, 0], columns[:, 1]) == each
