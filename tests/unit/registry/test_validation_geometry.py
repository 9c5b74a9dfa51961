import json

import pytest

from services.registry.domain.geometry import MAX_GEOJSON_LENGTH, MAX_PROBLEMS, check_geojson
from tests.builders import make_asset

from .validating import only_violation, violated_fields, violations

SQUARE = [[120.1, 30.2], [120.2, 30.2], [120.2, 30.3], [120.1, 30.2]]
LINE = [[120.1, 30.2], [120.2, 30.3]]


def geometry(geometry_type: str, coordinates) -> str:
    return json.dumps({"type": geometry_type, "coordinates": coordinates})


def problems(text: str, kind: str | None = "old_compound") -> list[str]:
    found = check_geojson(text, kind)
    assert all(violation.field == "geojson" for violation in found)
    return [violation.description for violation in found]


def test_geometry_through_validate_asset_is_checked_on_geojson():
    asset = make_asset("pipe_segment")
    asset.geojson = geometry("Point", [120.1, 30.2])
    assert only_violation(asset, "geojson") == (
        "geometry type Point not allowed for pipe_segment; use LineString or MultiLineString"
    )


def test_an_empty_geojson_is_no_geometry_and_valid():
    asset = make_asset("old_compound")
    asset.geojson = ""
    assert violations(asset) == []


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("old_compound", geometry("Point", [120.1, 30.2])),
        ("old_compound", geometry("Polygon", [SQUARE])),
        ("urban_village", geometry("MultiPolygon", [[SQUARE], [SQUARE]])),
        ("old_block", geometry("Polygon", [SQUARE, SQUARE])),
        ("drainage_zone", geometry("MultiPolygon", [[SQUARE]])),
        ("waterlogging_point", geometry("Point", [120.1, 30.2])),
        ("waterlogging_point", geometry("Polygon", [SQUARE])),
        ("pipe_segment", geometry("LineString", LINE)),
        ("pipe_segment", geometry("MultiLineString", [LINE, LINE])),
        (None, geometry("LineString", LINE)),
    ],
)
def test_allowed_geometry_types(kind, text):
    assert problems(text, kind) == []


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("old_compound", geometry("LineString", LINE), "use Point or Polygon or MultiPolygon"),
        ("drainage_zone", geometry("MultiLineString", [LINE]), "not allowed for drainage_zone"),
        ("waterlogging_point", geometry("MultiPolygon", [[SQUARE]]), "use Point or Polygon"),
        ("pipe_segment", geometry("Polygon", [SQUARE]), "geometry type Polygon not allowed"),
        ("old_block", geometry("GeometryCollection", []), "GeometryCollection not allowed"),
    ],
)
def test_geometry_type_not_allowed_for_the_kind(kind, text, expected):
    [problem] = problems(text, kind)
    assert expected in problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[120.1, 30.2]", "geometry object with 'type' and 'coordinates'"),
        ('{"type": "Point"}', "'coordinates'"),
        ('{"coordinates": [120.1, 30.2]}', "'type'"),
        ('{"type": "Feature", "geometry": null}', "not a Feature"),
        ('{"type": "FeatureCollection", "features": []}', "not a FeatureCollection"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_text_that_is_not_a_geometry(text, expected):
    [problem] = problems(text)
    assert expected in problem


def test_geojson_of_the_maximum_length_is_accepted_and_one_more_character_is_not():
    text = geometry("Point", [120.1, 30.2])
    padded = text + " " * (MAX_GEOJSON_LENGTH - len(text))
    assert problems(padded) == []
    [problem] = problems(padded + " ")
    assert str(MAX_GEOJSON_LENGTH) in problem


@pytest.mark.parametrize(
    "position", [[118, 30], [123.5, 30], [120, 27], [120, 31.5], [118.0, 27.0], [120.1, 30.2, 8.5]]
)
def test_positions_inside_zhejiang_are_valid(position):
    assert problems(geometry("Point", position)) == []


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ([117.99, 30], "longitude 117.99 is outside Zhejiang (118 to 123.5)"),
        ([123.51, 30], "longitude 123.51 is outside Zhejiang"),
        ([120, 26.99], "latitude 26.99 is outside Zhejiang (27 to 31.5)"),
        ([120, 31.51], "latitude 31.51 is outside Zhejiang"),
        ([30.2, 120.1], "longitude 30.2 is outside"),
    ],
)
def test_positions_outside_zhejiang_are_rejected(position, expected):
    assert expected in problems(geometry("Point", position))[0]


@pytest.mark.parametrize(
    "position",
    [[120.1], [120.1, 30.2, 1, 2], ["120.1", 30.2], [True, 30.2], [None, 30.2], 120.1, []],
)
def test_malformed_positions_are_rejected(position):
    [problem] = problems(geometry("Point", position))
    assert problem.startswith("coordinates must be a position [longitude, latitude]")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_coordinates_are_rejected(constant):
    text = f'{{"type": "Point", "coordinates": [{constant}, 30.2]}}'
    [problem] = problems(text)
    assert "finite" in problem


def test_a_polygon_ring_must_be_closed():
    open_ring = SQUARE[:-1] + [[120.1, 30.25]]
    [problem] = problems(geometry("Polygon", [open_ring]))
    assert problem == "coordinates[0] is not closed: its first and last positions differ"


def test_a_polygon_ring_needs_four_positions():
    [problem] = problems(geometry("Polygon", [[[120.1, 30.2], [120.2, 30.2], [120.1, 30.2]]]))
    assert "coordinates[0] must be a linear ring" in problem


def test_a_polygon_needs_a_ring():
    [problem] = problems(geometry("Polygon", []))
    assert "coordinates must be a non-empty list" in problem


def test_a_line_string_needs_two_positions():
    [problem] = problems(geometry("LineString", [[120.1, 30.2]]), "pipe_segment")
    assert "at least 2 positions" in problem


def test_problems_name_the_position_inside_a_multi_geometry():
    bad_line = [[120.1, 30.2], [130.0, 30.2]]
    [problem] = problems(geometry("MultiLineString", [LINE, bad_line]), "pipe_segment")
    assert problem.startswith("coordinates[1][1] longitude 130.0 is outside Zhejiang")


def test_each_problem_is_a_separate_violation_up_to_a_limit():
    assert len(problems(geometry("LineString", [[0, 0], [1, 1]]), "pipe_segment")) == 4
    far_away = [[float(index), 0.0] for index in range(100)]
    assert len(problems(geometry("LineString", far_away), "pipe_segment")) == MAX_PROBLEMS


def test_a_bad_geometry_does_not_hide_other_violations():
    asset = make_asset("pipe_segment", length_m=-1.0)
    asset.geojson = "{"
    assert violated_fields(asset) == ["geojson", "pipe_segment.length_m"]
