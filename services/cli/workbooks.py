"""Reading Excel workbooks (`.xlsx`, `.xlsm`, `.xls`) and OpenDocument sheets through calamine.

One sheet is read (the first, or `--sheet NAME`; `--sheet '*'` reads every one). The header is
row 1 or `--header-row N`; rows above it (titles, merged or not) are skipped. Records are named
by the row number Excel shows: `row 5`, or `sheet 管线 row 5` when several sheets are read.
Numbers are read as stored, date cells as dates.
"""

import datetime
import math
from collections.abc import Iterator

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from services.cli.failures import CliError
from services.cli.read_options import ReadOptions
from services.cli.records import Record, check_unique, chosen_parts, excess
from services.cli.values import format_float


def workbook_records(path: str, options: ReadOptions) -> Iterator[Record]:
    try:
        book = CalamineWorkbook.from_path(path)
    except (CalamineError, ValueError) as error:
        raise CliError(f"{path} cannot be read as a workbook: {error}") from None
    names = chosen_parts(path, book.sheet_names, options.sheet, "sheet")
    for name in names:
        prefix = f"sheet {name} " if len(names) > 1 else ""
        yield from _sheet_records(path, book.get_sheet_by_name(name), prefix, options.header_row)


def _sheet_records(path: str, sheet: CalamineSheet, prefix: str,
                   header_row: int) -> Iterator[Record]:
    # calamine starts at the first used cell; Excel's row numbers start at row 1
    first = sheet.start[0] + 1 if sheet.start else 1
    rows = sheet.iter_rows()
    for _ in range(header_row - first):
        next(rows, None)
    header = [spreadsheet_text(cell).strip() for cell in next(rows, [])]
    where = f"{path} {prefix}row {header_row}"
    if not any(header):
        raise CliError(f"{where} is empty: it must name the columns (see --header-row)")
    if sum(1 for column in header if column) == 1 and sheet.width > 1:
        title = next(column for column in header if column)
        raise CliError(f"{where} holds only {title!r}, a title rather than the columns' names; "
                       "give --header-row with the row that names the columns")
    check_unique(where, [column for column in header if column])
    for number, cells in enumerate(rows, start=max(header_row, first) + 1):
        values = list(map(spreadsheet_text, cells))
        if any(value.strip() for value in values):
            named = {column: value for column, value in zip(header, values, strict=False)
                     if column}
            yield Record(f"{prefix}row {number}", named, excess(values, header))


def spreadsheet_text(value) -> str:
    """A cell as the text a CSV cell would hold: dates ISO, whole numbers without `.0`."""
    convert = _CONVERTERS.get(type(value))
    return convert(value) if convert is not None else _other_text(value)


def _float_text(value: float) -> str:
    return "" if math.isnan(value) else format_float(value)


def _datetime_text(value: datetime.datetime) -> str:
    midnight = value.time() == datetime.time()
    return value.date().isoformat() if midnight else value.isoformat(sep=" ")


def _other_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _datetime_text(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


_CONVERTERS = {
    str: str,
    float: _float_text,
    int: str,
    bool: lambda value: "true" if value else "false",
    datetime.date: datetime.date.isoformat,
    datetime.datetime: _datetime_text,
}
