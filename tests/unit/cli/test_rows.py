import datetime

import pytest

from services.cli.exported_rows import cells_from_asset, properties_from_asset
from services.cli.rows import RowDefaults, asset_from_cells
from services.cli.sources import cell_text
from services.demo.dataset import generate
from urban.registry.v1 import resources_pb2 as r

PIPE_CELLS = {
    "asset_id": "gas-001",
    "network": "gas",
    "material": "steel",
    "diameter_mm": "300",
    "length_m": "420",
    "status": "in_service",
}
HANGZHOU_PIPES = RowDefaults(city="330100", kind="pipe_segment")
DEMO = list(generate(60, seed=7, today=datetime.date(2025, 6, 1)))


def problems_of(cells, defaults=HANGZHOU_PIPES) -> dict[str, str]:
    _, problems = asset_from_cells(cells, defaults)
    return {problem.field: problem.description for problem in problems}


def test_a_row_with_an_asset_id_takes_the_city_and_kind_from_the_options():
    asset, problems = asset_from_cells(PIPE_CELLS, HANGZHOU_PIPES)
    assert problems == []
    assert asset.name == "cities/330100/assets/gas-001"
    assert asset.pipe_segment.material == r.PIPE_MATERIAL_STEEL
    assert asset.pipe_segment.length_m == 420


def test_city_and_kind_columns_serve_when_the_options_are_absent():
    cells = {**PIPE_CELLS, "city": "330200", "kind": "pipe_segment"}
    asset, problems = asset_from_cells(cells, RowDefaults())
    assert problems == []
    assert asset.name == "cities/330200/assets/gas-001"


def test_a_full_name_carries_the_city():
    cells = {**PIPE_CELLS, "asset_id": "", "name": "cities/330300/assets/gas-9"}
    asset, problems = asset_from_cells(cells, RowDefaults(kind="pipe_segment"))
    assert problems == []
    assert asset.name == "cities/330300/assets/gas-9"


def test_a_name_in_another_city_than_the_option_is_a_problem():
    cells = {**PIPE_CELLS, "asset_id": "", "name": "cities/330300/assets/gas-9"}
    assert problems_of(cells) == {"name": "is in city 330300, not 330100"}


def test_missing_identity_and_kind_are_problems():
    problems = problems_of({"display_name": "x"}, RowDefaults())
    assert set(problems) == {"asset_id", "kind"}


def test_a_bad_asset_id_is_a_problem():
    assert "asset_id" in problems_of({**PIPE_CELLS, "asset_id": "Gas_001"})


def test_every_bad_cell_is_reported_on_its_column():
    cells = {**PIPE_CELLS, "material": "iron", "diameter_mm": "wide", "lined": "maybe"}
    assert set(problems_of(cells)) == {"material", "diameter_mm", "lined"}


def test_a_field_of_another_kind_is_a_problem_unless_empty():
    assert problems_of({**PIPE_CELLS, "households": "12"}) == {
        "households": "is not a field of pipe_segment"
    }
    assert problems_of({**PIPE_CELLS, "households": ""}) == {}


def test_labels_from_json_and_from_label_columns():
    cells = {**PIPE_CELLS, "labels": '{"source":"gis"}', "labels.batch": "2024-06", "labels.x": ""}
    asset, problems = asset_from_cells(cells, HANGZHOU_PIPES)
    assert problems == []
    assert dict(asset.labels) == {"source": "gis", "batch": "2024-06"}


@pytest.mark.parametrize("text", ["[1,2]", '{"year": 2020}', "source=gis"])
def test_labels_that_are_not_an_object_of_text_are_a_problem(text):
    assert "labels" in problems_of({**PIPE_CELLS, "labels": text})


@pytest.mark.parametrize("asset", DEMO, ids=lambda asset: asset.name)
def test_a_row_written_from_an_asset_reads_back_to_the_same_asset(asset):
    read, problems = asset_from_cells(cells_from_asset(asset), RowDefaults())
    assert problems == []
    assert read == asset


@pytest.mark.parametrize("asset", DEMO, ids=lambda asset: asset.name)
def test_feature_properties_read_back_to_the_same_asset(asset):
    cells = {key: cell_text(value) for key, value in properties_from_asset(asset).items()}
    read, problems = asset_from_cells({**cells, "geojson": asset.geojson}, RowDefaults())
    assert problems == []
    assert read == asset


def test_text_with_commas_quotes_and_newlines_survives():
    asset = r.Asset(
        name="cities/330100/assets/wp-1",
        display_name='西湖区 "低洼", 路口',
        waterlogging_point=r.WaterloggingPoint(
            status=r.WATERLOGGING_STATUS_IDENTIFIED, cause="暴雨\n排水不畅"
        ),
    )
    assert asset_from_cells(cells_from_asset(asset), RowDefaults())[0] == asset
