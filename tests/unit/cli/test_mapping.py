import pytest

from services.cli.failures import CliError, UsageError
from services.cli.mapping import Mapping, load_mapping
from services.cli.outward import Outward
from services.common.errors import FieldViolation
from urban.registry.v1 import resources_pb2 as r

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


def test_problems_on_mapped_columns_name_the_users_header_and_values(chinese):
    cells = {"管线材质": "铸铁", "管径": "abc"}
    unknown = FieldViolation("material", "unknown value '铸铁'; use one of gray_cast_iron")
    assert chinese.in_user_terms(unknown, cells, unreadable=True) == FieldViolation(
        "管线材质", "unknown value '铸铁'; use one of 灰口铸铁, 钢")
    bad_number = FieldViolation("diameter_mm", "must be a whole number (got 'abc')")
    assert chinese.in_user_terms(bad_number, cells, unreadable=True) == FieldViolation(
        "管径", "must be a whole number (got 'abc')")
    unmapped = FieldViolation("status", "is required")
    assert chinese.in_user_terms(unmapped, cells, unreadable=False) == unmapped


def test_a_rule_broken_by_a_mapped_value_keeps_its_reason(chinese):
    cells = {"管线材质": "钢"}
    broken = FieldViolation("material", "steel is not used for sewage")
    assert chinese.in_user_terms(broken, cells, unreadable=False) == FieldViolation(
        "管线材质", "steel is not used for sewage")


def test_export_writes_the_first_header_and_value_the_mapping_gives(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "columns:\n  编号: asset_id\n  材质: material\n  材料: material\n  有内衬: lined\n"
        "values:\n  material:\n    灰口铸铁: PIPE_MATERIAL_GRAY_CAST_IRON\n"
        "    灰铸铁: gray_cast_iron\n"
        "  lined:\n    有: true\n    无: 0\n", encoding="utf-8")
    outward = Outward(load_mapping(str(path)))
    asset = r.Asset(name="cities/330100/assets/gas-1", pipe_segment=r.PipeSegment(
        material=r.PIPE_MATERIAL_GRAY_CAST_IRON, lined=False))
    cells = outward.cells(asset)
    assert cells["材质"] == "灰口铸铁" and cells["有内衬"] == "无" and "material" not in cells
    steel = r.Asset(name="cities/330100/assets/gas-2", pipe_segment=r.PipeSegment(
        material=r.PIPE_MATERIAL_STEEL, lined=True))
    assert outward.cells(steel)["材质"] == "steel" and outward.typed(steel)["有内衬"] == "有"
