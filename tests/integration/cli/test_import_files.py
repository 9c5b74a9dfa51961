"""`urban import` of workbooks and GIS layers, and `urban export` back to them, against a real
registry."""

import csv
import datetime
import json

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely

from tests.integration.cli import gis_files
from tests.integration.cli.files import pipes_csv
from tests.integration.cli.registry_state import stored
from urban.registry.v1 import resources_pb2 as r

HANGZHOU = "330100"
ONE_METRE_IN_DEGREES = 1 / 111_000


def by_id(admin) -> dict[str, r.Asset]:
    return {asset.name.rsplit("/", 1)[1]: asset for asset in stored(admin, f"cities/{HANGZHOU}")}


def assert_within_a_metre(geojson: str, expected: list[tuple[float, float]]) -> None:
    coordinates = json.loads(geojson)["coordinates"]
    assert len(coordinates) == len(expected)
    for (x, y), (ex, ey) in zip(coordinates, expected, strict=True):
        assert abs(x - ex) < ONE_METRE_IN_DEGREES and abs(y - ey) < ONE_METRE_IN_DEGREES


def import_pipes(urban, path, mapping, *more):
    return urban("import", str(path), "--city", HANGZHOU, "--kind", "pipe_segment",
                 "--mapping", str(mapping), "--quiet", *more)


def test_a_projected_shapefile_with_a_gbk_dbf_goes_in_as_longitude_latitude(
    urban, admin, tmp_path
):
    shapefile = gis_files.pipes_shapefile(tmp_path / "管线.shp", 4)
    mapping = gis_files.write_mapping(tmp_path / "mapping.yaml")
    outcome = import_pipes(urban, shapefile, mapping)
    assert outcome.code == 0, outcome.err
    assert "4 created" in outcome.out
    assets = by_id(admin)
    for number in range(4):
        asset = assets[f"gas-{number:05d}"]
        assert asset.display_name == f"燃气管 {number}"
        assert_within_a_metre(asset.geojson, gis_files.lonlat_line(number))
    assert assets["gas-00001"].pipe_segment.status == r.PIPE_STATUS_RENOVATED
    assert assets["gas-00001"].pipe_segment.renovation_completion_date.month == 5
    assert assets["gas-00000"].pipe_segment.material == r.PIPE_MATERIAL_GRAY_CAST_IRON


def test_a_dbf_without_cpg_needs_its_encoding_and_every_garbled_column_is_named(
    urban, admin, tmp_path
):
    shapefile = gis_files.pipes_shapefile(tmp_path / "pipes.shp", 2, with_cpg=False)
    mapping = gis_files.write_mapping(tmp_path / "mapping.yaml")
    refused = import_pipes(urban, shapefile, mapping, "--dry-run")
    assert refused.code == 1
    message = refused.err_lines[-1]
    assert message.startswith("urban: unknown columns ") and "try --encoding gbk" in message
    assert message.count("', '") == len(gis_files.CHINESE_FIELDS) - 1
    assert import_pipes(urban, shapefile, mapping, "--encoding", "gbk").code == 0
    assert len(by_id(admin)) == 2


def test_a_projected_layer_without_a_crs_is_refused_until_one_is_named(urban, admin, tmp_path):
    shapefile = gis_files.pipes_shapefile(tmp_path / "pipes.shp", 2, with_prj=False)
    mapping = gis_files.write_mapping(tmp_path / "mapping.yaml")
    refused = import_pipes(urban, shapefile, mapping)
    assert refused.code == 2
    assert "has no coordinate reference system" in refused.err
    assert "--crs EPSG:4549" in refused.err and not by_id(admin)
    named = import_pipes(urban, shapefile, mapping, "--crs", "EPSG:4549")
    assert named.code == 0, named.err
    assert_within_a_metre(by_id(admin)["gas-00001"].geojson, gis_files.lonlat_line(1))


def test_multipart_lines_are_refused_by_feature_unless_split(urban, admin, tmp_path):
    shapefile = gis_files.pipes_shapefile(tmp_path / "pipes.shp", 3, parts={1: 1, 2: 2})
    mapping = gis_files.write_mapping(tmp_path / "mapping.yaml")
    refused = import_pipes(urban, shapefile, mapping)
    assert refused.code == 1
    assert refused.err_lines[0] == (
        "feature 3: geometry: is a MultiLineString of 2 parts, where one LineString is "
        "expected; add --split-multipart to import each part as an asset")
    split = import_pipes(urban, shapefile, mapping, "--split-multipart")
    assert split.code == 0, split.err
    assets = by_id(admin)
    assert sorted(assets) == ["gas-00000", "gas-00001", "gas-00002-1", "gas-00002-2"]
    assert json.loads(assets["gas-00001"].geojson)["type"] == "LineString"


def test_a_geopackage_is_read_a_layer_at_a_time_or_whole(urban, admin, tmp_path):
    package = gis_files.three_layer_geopackage(tmp_path / "杭州.gpkg")
    first = urban("import", str(package), "--city", HANGZHOU, "--quiet")
    assert first.code == 0, first.err
    assert "reading layer '管线'" in first.err and "'易涝点', '小区'" in first.err
    assert sorted(by_id(admin)) == ["gas-0", "gas-1", "gas-2"]
    points = urban("import", str(package), "--city", HANGZHOU, "--layer", "易涝点", "--quiet")
    assert "2 created" in points.out
    every = urban("import", str(package), "--city", HANGZHOU, "--layer", "*", "--quiet")
    assert every.code == 0 and "1 created, 0 updated, 5 unchanged" in every.out
    assets = by_id(admin)
    assert json.loads(assets["wp-1"].geojson) == {"type": "Point", "coordinates": [120.16, 30.27]}
    ring = json.loads(assets["oc-1"].geojson)["coordinates"][0]
    assert_within_a_metre(json.dumps({"coordinates": ring}),
                          [(120.16, 30.27), (120.161, 30.27), (120.161, 30.271), (120.16, 30.27)])
    missing = urban("import", str(package), "--city", HANGZHOU, "--layer", "pipes")
    assert missing.code == 2 and "has no layer 'pipes'" in missing.err


def test_a_workbook_with_a_title_row_reads_from_its_header_row(urban, admin, tmp_path):
    book = gis_files.housing_workbook(tmp_path / "小区.xlsx")
    titled = urban("import", str(book), "--city", HANGZHOU, "--kind", "old_compound")
    assert titled.code == 1
    assert "row 1 holds only '2024年杭州市老旧小区改造台账'" in titled.err
    assert "--header-row" in titled.err
    outcome = urban("import", str(book), "--city", HANGZHOU, "--kind", "old_compound",
                    "--header-row", "2", "--quiet")
    assert outcome.code == 0, outcome.err
    assert "3 created" in outcome.out and "'说明'" in outcome.err
    assets = by_id(admin)
    started = assets["oc-001"].old_compound
    assert (started.start_date.year, started.start_date.month, started.start_date.day) == (
        2024, 3, 15)
    assert started.floor_area_m2 == 31000.5 and started.households == 420
    assert assets["oc-002"].old_compound.build_year == 1985
    assert assets["oc-003"].old_compound.start_date.month == 6


def test_bad_rows_of_a_workbook_are_named_by_excel_row(urban, tmp_path):
    book = gis_files.housing_workbook(tmp_path / "小区.xlsx")
    outcome = urban("import", str(book), "--city", HANGZHOU, "--kind", "urban_village",
                    "--header-row", "2", "--sheet", "老旧小区", "--dry-run")
    assert outcome.code == 1
    assert "row 3: build_year: is not a field of urban_village" in outcome.err_lines


def test_errors_name_the_users_column_and_values(urban, tmp_path):
    rows = pipes_csv(tmp_path / "raw.csv", 1)
    with open(rows, encoding="utf-8") as file:
        row = next(csv.DictReader(file))
    path = tmp_path / "管线.csv"
    with open(path, "w", encoding="gbk", newline="") as file:
        file.write("管线编号,管材,管线类别,管径,长度,建设年代,运行状态\n")
        file.write(f"{row['asset_id']},铸铁,燃气,200,80,1990,在用\n")
    mapping = gis_files.write_mapping(tmp_path / "mapping.yaml")
    outcome = import_pipes(urban, path, mapping, "--encoding", "gbk", "--dry-run")
    assert outcome.code == 1
    expected = "line 2: 管材: unknown value '铸铁'; use one of 灰口铸铁, 球墨铸铁, 钢"
    assert expected in outcome.err_lines


def test_a_gbk_csv_without_mapping_lists_every_unknown_column(urban, tmp_path):
    path = tmp_path / "管线.csv"
    path.write_text("管线编号,管材,管径\ngas-1,钢,200\n", encoding="gbk")
    outcome = urban("import", str(path), "--city", HANGZHOU, "--kind", "pipe_segment",
                    "--encoding", "gbk")
    assert outcome.code == 1
    assert "unknown columns '管径', '管材', '管线编号' in" in outcome.err


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
@pytest.mark.parametrize("suffix", ["csv", "xlsx", "gpkg"])
def test_a_chinese_sheet_round_trips_through_export_with_its_mapping(
    urban, admin, tmp_path, suffix
):
    shapefile = gis_files.pipes_shapefile(tmp_path / "管线.shp", 4)
    mapping = gis_files.write_mapping(tmp_path / "mapping.yaml")
    assert import_pipes(urban, shapefile, mapping).code == 0
    before = by_id(admin)
    exported = tmp_path / f"导出.{suffix}"
    encoding = ["--encoding", "gbk"] if suffix == "csv" else []
    outcome = urban("export", "--city", HANGZHOU, "--kind", "pipe_segment", "--mapping",
                    str(mapping), "-o", str(exported), "--quiet", *encoding)
    assert outcome.code == 0, outcome.err
    if suffix == "csv":
        header, first = exported.read_text(encoding="gbk").splitlines()[:2]
        assert header.startswith("name,kind,管线名称,") and ",燃气,灰口铸铁," in first
    again = import_pipes(urban, exported, mapping, *encoding)
    assert again.code == 0, again.err
    assert "0 created, 0 updated, 4 unchanged" in again.out
    assert by_id(admin) == before


def test_a_geopackage_exported_in_a_projected_crs_comes_back_within_a_metre(
    urban, admin, tmp_path
):
    shapefile = gis_files.pipes_shapefile(tmp_path / "管线.shp", 3)
    mapping = gis_files.write_mapping(tmp_path / "mapping.yaml")
    assert import_pipes(urban, shapefile, mapping).code == 0
    before = by_id(admin)
    exported = tmp_path / "pipes-4549.gpkg"
    assert urban("export", "--city", HANGZHOU, "--crs", "EPSG:4549", "-o", str(exported),
                 "--quiet").code == 0
    info = pyogrio.read_info(str(exported), layer="pipe_segment")
    assert info["crs"] == "EPSG:4549" and info["features"] == 3
    assert info["total_bounds"][0] > 100_000  # metres, not degrees
    assert datetime.date.today()  # the export itself changed nothing
    again = urban("import", str(exported), "--layer", "pipe_segment", "--quiet")
    assert again.code == 0, again.err
    for name, asset in by_id(admin).items():
        expected = json.loads(before[name].geojson)["coordinates"]
        assert_within_a_metre(asset.geojson, [tuple(point) for point in expected])


def test_a_filegdb_layer_is_read_as_the_bundled_gdal_reads_it(urban, admin, tmp_path):
    database = tmp_path / "water.gdb"
    lines = [gis_files.projected_line(n) for n in range(2)]
    fields = {"asset_id": ["gas-a", "gas-b"], "network": ["gas", "gas"],
              "material": ["steel", "pe"], "status": ["in_service", "in_service"]}
    numbers = {"diameter_mm": np.array([100, 160], dtype="int32"), "length_m": [60.0, 75.5],
               "commissioned_year": np.array([1999, 2005], dtype="int32")}
    pyogrio.raw.write(
        str(database), shapely.to_wkb(np.array([shapely.LineString(x) for x in lines])),
        [*(np.array(v, dtype=object) for v in fields.values()),
         *(np.array(v) for v in numbers.values())],
        [*fields, *numbers], layer="pipes", driver="OpenFileGDB", geometry_type="LineString",
        crs="EPSG:4549",
    )
    outcome = urban("import", str(database), "--city", HANGZHOU, "--kind", "pipe_segment",
                    "--quiet")
    assert outcome.code == 0, outcome.err
    assets = by_id(admin)
    assert assets["gas-b"].pipe_segment.length_m == 75.5
    assert_within_a_metre(assets["gas-a"].geojson, gis_files.lonlat_line(0))


def test_a_projected_geojson_goes_in_with_its_crs_named(urban, admin, tmp_path):
    x, y = gis_files.HANGZHOU_4549.transform(120.16, 30.27)
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
        "properties": {"asset_id": "wp-9", "status": "identified",
                       "identified_date": "2024-07-01"}}]}), encoding="utf-8")
    refused = urban("import", str(path), "--city", HANGZHOU, "--kind", "waterlogging_point")
    assert refused.code == 1 and "outside Zhejiang" in refused.err
    outcome = urban("import", str(path), "--city", HANGZHOU, "--kind", "waterlogging_point",
                    "--crs", "EPSG:4549", "--quiet")
    assert outcome.code == 0, outcome.err
    assert json.loads(by_id(admin)["wp-9"].geojson)["coordinates"] == [120.16, 30.27]


@pytest.mark.parametrize(("argv", "message"), [
    (["-o", "pipes.shp"], "cannot write shapefile files; write csv, geojson, excel"),
    (["--format", "excel"], "excel is written to a file: add -o FILE"),
    (["-o", "pipes.csv", "--crs", "EPSG:4549"], "--crs applies to GeoPackage output"),
    (["-o", "pipes.gpkg", "--crs", "EPSG:1"], "--crs EPSG:1: not a coordinate reference system"),
])
def test_exports_that_cannot_be_written_are_refused_before_anything_is_read(
    urban, tmp_path, monkeypatch, argv, message
):
    output = tmp_path / "out"
    output.mkdir()
    monkeypatch.chdir(output)
    outcome = urban("export", *argv)
    assert outcome.code == 2 and message in outcome.err
    assert list(output.iterdir()) == []
