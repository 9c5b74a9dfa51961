import datetime

import pytest
from openpyxl import Workbook

from services.cli.failures import CliError, UsageError
from services.cli.read_options import ReadOptions
from services.cli.sources import read_records
from services.cli.workbooks import spreadsheet_text


def records(path, **options):
    return list(read_records(str(path), "excel", "utf-8-sig", ReadOptions(**options)))


@pytest.fixture
def book(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "管线"
    sheet.append(["2024年管线台账"])
    sheet.merge_cells("A1:D1")
    sheet.append(["asset_id", "diameter_mm", "length_m", "start_date"])
    sheet.append(["a", 300, 12.5, datetime.date(2024, 3, 1)])
    sheet.append([None, None, None, None])
    sheet.append(["b", 300.0, 0.1, datetime.datetime(2024, 3, 2, 8, 30)])
    other = book.create_sheet("其他")
    for row in (["其他管线"], ["asset_id", "kind"], ["c", "pipe_segment"]):
        other.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def test_rows_below_the_header_row_are_named_as_excel_numbers_them(book):
    found = records(book, header_row=2)
    assert [r.location for r in found] == ["row 3", "row 5"]
    assert found[0].cells == {"asset_id": "a", "diameter_mm": "300", "length_m": "12.5",
                              "start_date": "2024-03-01"}
    assert found[1].cells["diameter_mm"] == "300"
    assert found[1].cells["start_date"] == "2024-03-02 08:30:00"


def test_a_title_in_the_header_row_is_refused_with_a_hint(book):
    with pytest.raises(CliError, match="row 1 holds only '2024年管线台账'.*--header-row"):
        records(book)


def test_a_named_sheet_or_every_sheet(book):
    only = records(book, sheet="其他", header_row=2)
    assert [r.cells for r in only] == [{"asset_id": "c", "kind": "pipe_segment"}]
    every = records(book, sheet="*", header_row=2)
    assert [r.location for r in every] == ["sheet 管线 row 3", "sheet 管线 row 5",
                                           "sheet 其他 row 3"]
    with pytest.raises(UsageError, match="has no sheet 'pipes'; its sheets are '管线', '其他'"):
        records(book, sheet="pipes")


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (True, "true"), (3.0, "3"), (0.1, "0.1"), (float("nan"), ""), (7, "7"),
    (datetime.date(2024, 1, 2), "2024-01-02"), (datetime.datetime(2024, 1, 2), "2024-01-02"),
])
def test_cells_read_as_a_csv_would_hold_them(value, text):
    assert spreadsheet_text(value) == text
