import datetime

import pytest
from google.type import date_pb2
from openpyxl import load_workbook

from services.cli.failures import CliError
from services.cli.file_writers import WorkbookWriter
from urban.registry.v1 import resources_pb2 as r


def renovated_pipe() -> r.Asset:
    return r.Asset(
        name="cities/330100/assets/gas-1", display_name="延安路燃气管",
        pipe_segment=r.PipeSegment(
            network=r.PIPE_NETWORK_GAS, material=r.PIPE_MATERIAL_STEEL, diameter_mm=200,
            length_m=80.5, lined=True, status=r.PIPE_STATUS_RENOVATED,
            renovation_completion_date=date_pb2.Date(year=2024, month=5, day=1),
        ),
    )


def test_a_workbook_has_a_sheet_per_kind_with_typed_cells_and_excel_dates(tmp_path):
    path = tmp_path / "out.xlsx"
    writer = WorkbookWriter(str(path), ("pipe_segment", "old_compound"))
    writer.write(renovated_pipe())
    writer.close()
    book = load_workbook(path)
    assert book.sheetnames == ["pipe_segment", "old_compound"]
    header, row = list(book["pipe_segment"].iter_rows(values_only=True))
    cells = dict(zip(header, row, strict=True))
    assert cells["renovation_completion_date"] == datetime.datetime(2024, 5, 1)
    assert (cells["diameter_mm"], cells["length_m"], cells["lined"]) == (200, 80.5, True)
    assert cells["material"] == "steel" and cells["external_id"] is None
    date_cell = book["pipe_segment"].cell(2, header.index("renovation_completion_date") + 1)
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"


def test_a_control_character_a_workbook_cannot_hold_is_refused_by_asset_and_column(tmp_path):
    writer = WorkbookWriter(str(tmp_path / "out.xlsx"), ("waterlogging_point",))
    asset = r.Asset(name="cities/330100/assets/wp-1",
                    waterlogging_point=r.WaterloggingPoint(cause="积水\x0b"))
    with pytest.raises(CliError, match="wp-1: cause holds a control character"):
        writer.write(asset)
    writer.close()
