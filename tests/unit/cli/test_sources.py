import json

import pytest

from services.cli.failures import CliError, UsageError
from services.cli.sources import file_format, read_records, text_encoding

UTF8 = text_encoding("utf-8")


def records(path, format_name="csv", encoding=UTF8):
    return list(read_records(str(path), format_name, encoding))


def csv_file(tmp_path, text: str, name: str = "a.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_line_numbers_count_the_header_and_skip_blank_lines(tmp_path):
    path = csv_file(tmp_path, "asset_id,cause\na,x\n\nb,\"two\nlines\"\nc,y\n")
    assert [(r.location, r.cells["asset_id"]) for r in records(path)] == [
        ("line 2", "a"), ("line 4", "b"), ("line 6", "c")
    ]


def test_a_byte_order_mark_is_ignored(tmp_path):
    path = csv_file(tmp_path, "管线材质,长度\n钢,80\n", "excel.csv", encoding="utf-8-sig")
    assert records(path)[0].cells == {"管线材质": "钢", "长度": "80"}


def test_a_gbk_file_is_readable_with_its_encoding_and_named_without(tmp_path):
    path = csv_file(tmp_path, "管线材质,长度\n钢,80\n", "gbk.csv", encoding="gbk")
    assert records(path, encoding=text_encoding("gbk"))[0].cells == {"管线材质": "钢", "长度": "80"}
    with pytest.raises(CliError, match="is not UTF-8 text.*add --encoding gbk"):
        records(path)


def test_headers_are_trimmed_and_must_be_unique(tmp_path):
    path = csv_file(tmp_path, " asset_id ,length_m,length_m\n")
    with pytest.raises(CliError, match="column 'length_m' appears more than once"):
        records(path)


def test_a_row_longer_than_the_header_is_a_problem(tmp_path):
    path = csv_file(tmp_path, "asset_id,length_m\na,1,surprise\nb,2,\n")
    first, second = records(path)
    assert [p.description for p in first.problems] == [
        "has 3 values but the header names 2 columns"
    ]
    assert second.problems == ()


def test_an_empty_file_is_refused(tmp_path):
    path = csv_file(tmp_path, "", "empty.csv")
    with pytest.raises(CliError, match="is empty"):
        records(path)


def test_a_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        records(tmp_path / "absent.csv")


def feature_collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_features_give_properties_as_text_and_geometry_as_geojson(tmp_path):
    path = tmp_path / "pipes.geojson"
    geometry = {"type": "LineString", "coordinates": [[120.1, 30.2], [120.2, 30.3]]}
    properties = {"asset_id": "gas-1", "length_m": 80.0, "diameter_mm": 300, "lined": True,
                  "labels": {"source": "gis"}, "renovation_completion_date": None}
    path.write_text(feature_collection(
        {"type": "Feature", "geometry": geometry, "properties": properties}
    ), encoding="utf-8")
    [record] = records(path, "geojson")
    assert record.location == "feature 1"
    assert record.cells == {
        "asset_id": "gas-1", "length_m": "80", "diameter_mm": "300", "lined": "true",
        "labels": '{"source":"gis"}', "renovation_completion_date": "",
        "geojson": '{"type":"LineString","coordinates":[[120.1,30.2],[120.2,30.3]]}',
    }


def test_a_feature_that_is_not_a_feature_is_a_problem_of_its_own(tmp_path):
    path = tmp_path / "odd.geojson"
    path.write_text(feature_collection({"type": "Feature", "properties": {}}, [1, 2]),
                    encoding="utf-8")
    first, second = records(path, "geojson")
    assert first.problems == ()
    assert second.location == "feature 2"
    assert [p.field for p in second.problems] == ["feature"]


@pytest.mark.parametrize("text", ['{"type": "Feature"}', "[]", "{not json"])
def test_a_file_that_is_not_a_feature_collection_is_refused(tmp_path, text):
    path = tmp_path / "odd.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CliError):
        records(path, "geojson")


def test_the_format_comes_from_the_suffix_unless_chosen():
    assert file_format("a.CSV", None) == "csv"
    assert file_format("a.geojson", None) == "geojson"
    assert file_format("a.json", None) == "geojson"
    assert file_format("a.txt", "csv") == "csv"
    with pytest.raises(UsageError, match="--format"):
        file_format("a.txt", None)


def test_an_unknown_encoding_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        text_encoding("klingon")
