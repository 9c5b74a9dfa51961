import json

import numpy as np
import pyogrio.raw
import pyproj
import pytest
import shapely

from services.cli.coordinates import (
    LONLAT,
    geojson_texts,
    layer_crs,
    parse_crs,
    shapes,
    to_lonlat,
)
from services.cli.failures import CliError, UsageError
from services.cli.read_options import ReadOptions
from services.cli.sources import read_records

TO_4549 = pyproj.Transformer.from_crs(4490, 4549, always_xy=True)


@pytest.mark.parametrize(("code", "meridian", "easting"), [
    (4549, 120, 500_000), (4548, 117, 500_000), (4550, 123, 500_000),
    (4528, 120, 40_500_000), (4498, 117, 20_500_000), (4499, 123, 21_500_000),
    (4509, 117, 500_000), (4510, 123, 500_000),
])
def test_the_documented_zhejiang_codes_are_what_proj_defines(code, meridian, easting):
    crs = pyproj.CRS.from_epsg(code)
    parameters = {p.name: p.value for p in crs.coordinate_operation.params}
    assert crs.is_projected and crs.geodetic_crs.to_epsg() == 4490
    assert parameters["Longitude of natural origin"] == meridian
    assert parameters["False easting"] == easting


def test_epsg_4500_is_east_of_zhejiang():
    parameters = {p.name: p.value for p in pyproj.CRS.from_epsg(4500).coordinate_operation.params}
    assert parameters["Longitude of natural origin"] == 129


def test_a_point_in_hangzhou_goes_to_4549_and_back_to_the_same_degrees():
    x, y = TO_4549.transform(120.16, 30.27)
    back = to_lonlat(shapely.points([[x, y]]), pyproj.CRS.from_epsg(4549))
    assert shapely.get_coordinates(back).tolist() == [[120.16, 30.27]]


def test_lonlat_layers_are_not_transformed():
    point = shapely.points([[120.123456789012, 30.2]])
    kept = to_lonlat(point, pyproj.CRS.from_epsg(4326))
    assert shapely.get_coordinates(kept).tolist() == [[120.123456789012, 30.2]]


@pytest.mark.parametrize("text", ["EPSG:4549", "4549", "epsg:4549"])
def test_crs_options_read_codes(text):
    assert parse_crs(text).to_epsg() == 4549


def test_an_unknown_crs_option_is_a_usage_error():
    with pytest.raises(UsageError, match="--crs EPSG:99999: not a coordinate reference system"):
        parse_crs("EPSG:99999")


def test_the_files_own_crs_wins_and_a_different_option_is_refused():
    assert layer_crs("a.shp", "EPSG:4549", None, None).to_epsg() == 4549
    assert layer_crs("a.shp", "EPSG:4549", "4549", None).to_epsg() == 4549
    with pytest.raises(UsageError, match="says its coordinates are in EPSG:4549"):
        layer_crs("a.shp", "EPSG:4549", "EPSG:4550", None)


def test_a_layer_without_crs_is_lonlat_only_if_its_coordinates_are_degrees():
    assert layer_crs("a.shp", None, None, (120.1, 30.1, 120.2, 30.3)) == LONLAT
    assert layer_crs("a.shp", None, "EPSG:4549", (500_000, 3e6, 510_000, 3.1e6)).to_epsg() == 4549
    with pytest.raises(UsageError, match=r"no coordinate reference system .*--crs EPSG:4549"):
        layer_crs("a.shp", None, None, (500_000, 3e6, 510_000, 3.1e6))


def shapes_of(geometry, split_multipart=False):
    text = geojson_texts(np.array([geometry], dtype=object))[0]
    return shapes(geometry, text, split_multipart)


def test_one_part_multilines_become_lines_and_several_are_refused_or_split():
    one = shapely.MultiLineString([[(120.1, 30.1), (120.2, 30.2)]])
    two = shapely.MultiLineString([[(120.1, 30.1), (120.2, 30.2)], [(120.3, 30.3), (120.4, 30.4)]])
    assert json.loads(shapes_of(one)[0].geojson) == {
        "type": "LineString", "coordinates": [[120.1, 30.1], [120.2, 30.2]]}
    refused = shapes_of(two)
    assert len(refused) == 1 and "MultiLineString of 2 parts" in refused[0].problem
    split = shapes_of(two, split_multipart=True)
    assert [json.loads(s.geojson)["coordinates"][0] for s in split] == [[120.1, 30.1],
                                                                        [120.3, 30.3]]


def test_geojson_text_is_compact_and_keeps_every_digit():
    point = shapely.Point(120.123456789012, 30.1)
    assert shapes_of(point)[0].geojson == (
        '{"type":"Point","coordinates":[120.123456789012,30.1]}')


def test_polygons_keep_their_type_and_empty_geometries_give_none():
    square = shapely.Polygon([(120, 30), (120.1, 30), (120.1, 30.1), (120, 30)])
    assert json.loads(shapes_of(square)[0].geojson)["type"] == "Polygon"
    assert geojson_texts(np.array([None, shapely.LineString()], dtype=object)) == ["", ""]


def test_coordinates_a_projection_cannot_invert_stop_the_layer_with_its_crs_named(tmp_path):
    path = tmp_path / "far.gpkg"
    pyogrio.raw.write(str(path), shapely.to_wkb(np.array([shapely.Point(1e30, 1e30)])),
                      [np.array(["a"], dtype=object)], ["asset_id"], driver="GPKG",
                      geometry_type="Point", crs="EPSG:4549")
    with pytest.raises(CliError, match=r"far.gpkg: coordinates that EPSG:4549 .* cannot give"):
        list(read_records(str(path), "gpkg", "utf-8", ReadOptions()))
