"""What `urban import` needs to know to read a file beyond its path and format."""

import argparse
from dataclasses import dataclass

ALL = "*"


@dataclass(frozen=True)
class ReadOptions:
    """`encoding` is None when not given: a Shapefile's `.cpg` then names it, a text file is
    UTF-8. `sheet` and `layer` are None for the first, ALL for every one."""

    encoding: str | None = None
    sheet: str | None = None
    header_row: int = 1
    layer: str | None = None
    crs: str | None = None
    split_multipart: bool = False


def read_options(args) -> ReadOptions:
    """The options of `urban import` that say how to read its file."""
    return ReadOptions(
        encoding=args.encoding, sheet=args.sheet, header_row=args.header_row, layer=args.layer,
        crs=args.crs, split_multipart=args.split_multipart,
    )


def add_read_arguments(command) -> None:
    """`urban import`'s options for workbooks and GIS layers."""
    command.add_argument("--sheet", metavar="NAME",
                         help="workbook sheet to read (default: the first; '*' every sheet)")
    command.add_argument("--header-row", type=_row_number, default=1, metavar="N",
                         help="workbook row naming the columns, below any title rows "
                              "(default: %(default)s)")
    command.add_argument("--layer", metavar="NAME",
                         help="GIS layer to read (default: the first; '*' every layer)")
    command.add_argument("--crs", metavar="EPSG:N",
                         help="coordinate reference system of a GIS file that names none, "
                              "e.g. EPSG:4549")
    command.add_argument("--split-multipart", action="store_true",
                         help="import each part of a multi-part line as its own asset "
                              "(ids get -1, -2, …)")


def _row_number(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value
