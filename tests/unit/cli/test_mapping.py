import pytest

from services.cli.failures import CliError, UsageError
from services.cli.mapping import Mapping, load_mapping

CHINESE = """\
columns:
  管线编号: asset_id
  管线材质: material
  管径: diameter_mm
  长度: length_m
  建设年代: commissioned_year
  备注: null
values:
  material:
    灰口铸铁: gray_cast_iron
    钢: steel
"""


@pytest.fixture
def chinese(tmp_path) -> Mapping:
    path = tmp_path / "mapping.yaml"
    path.write_text(CHINESE, encoding="utf-8")
    return load_mapping(str(path))


def test_chinese_headers_become_field_names(chinese):
    cells = {"管线编号": "gas-1", "管线材质": "灰口铸铁", "管径": "300", "长度": "80",
             "建设年代": "1990", "备注": "旧管"}
    assert chinese.apply(cells) == {
        "asset_id": "gas-1", "material": "gray_cast_iron", "diameter_mm": "300",
        "length_m": "80", "commissioned_year": "1990",
    }


def test_unmapped_values_and_headers_pass_through(chinese):
    assert chinese.apply({"管线材质": "pe", "status": "in_service"}) == {
        "material": "pe", "status": "in_service"
    }


def test_two_headers_giving_one_field_are_refused(chinese):
    with pytest.raises(CliError, match="'管线材质' and 'material' both give 'material'"):
        chinese.apply({"管线材质": "pe", "material": "pe"})


def test_no_mapping_file_changes_nothing():
    assert load_mapping(None).apply({"material": "pe"}) == {"material": "pe"}


def test_a_target_that_is_not_a_column_is_refused(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("columns:\n  管材: materiel\n", encoding="utf-8")
    with pytest.raises(CliError, match="'materiel' is not a known column"):
        load_mapping(str(path))


@pytest.mark.parametrize("text", ["columns: [a, b]\n", "colums: {}\n", "columns: {a: b\n"])
def test_a_malformed_mapping_file_is_refused(tmp_path, text):
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CliError, match=f"mapping file {path}"):
        load_mapping(str(path))


def test_a_missing_mapping_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        load_mapping(str(tmp_path / "absent.yaml"))
