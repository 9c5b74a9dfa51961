"""Reading input files as records: a location people can find (`line 17`, `feature 3`) and cells.

CSV: a header row, then one asset a row; line numbers count the header as line 1.
GeoJSON: a FeatureCollection; each feature's properties are the cells, its geometry `geojson`.
Workbooks (workbooks.py) and GIS layers (layers.py) give records of the same form.
"""

import codecs
import csv
import json
from collections.abc import Iterator
from pathlib import Path

from services.cli.failures import CliError, UsageError
from services.cli.read_options import ReadOptions
from services.cli.records import Record, check_unique, excess
from services.cli.values import format_float
from services.common.errors import FieldViolation
from services.registry.domain.geometry import MAX_GEOJSON_LENGTH

FORMATS = ("csv", "geojson", "excel", "shapefile", "gpkg", "filegdb")
_SUFFIXES = {
    ".csv": "csv", ".geojson": "geojson", ".json": "geojson",
    ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel", ".ods": "excel",
    ".shp": "shapefile", ".gpkg": "gpkg", ".gdb": "filegdb",
}
_UTF8 = ("utf-8", "utf8", "utf_8", "u8")

csv.field_size_limit(2 * MAX_GEOJSON_LENGTH)



def file_format(path: str, chosen: str | None) -> str:
    if chosen:
        return chosen
    found = _SUFFIXES.get(Path(path).suffix.lower())
    if found is None:
        raise UsageError(f"cannot tell the format of {path}; add --format with one of "
                         f"{', '.join(FORMATS)}")
    return found


def text_encoding(name: str) -> str:
    """A codec name; UTF-8 reads files with or without a byte-order mark."""
    try:
        codecs.lookup(name)
    except LookupError:
        raise UsageError(f"unknown encoding {name!r}; try utf-8 or gbk") from None
    return "utf-8-sig" if name.lower() in _UTF8 else name


def read_records(path: str, format_name: str, encoding: str,
                 options: ReadOptions | None = None) -> Iterator[Record]:
    if format_name not in ("csv", "geojson") or (options and options.crs):
        yield from _other_records(path, format_name, options or ReadOptions(encoding))
        return
    reader = _csv_records if format_name == "csv" else _geojson_records
    try:
        yield from reader(path, encoding)
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory, not a file") from None
    except UnicodeDecodeError:
        raise CliError(_not_decodable(path, encoding)) from None


def _other_records(path: str, format_name: str, options: ReadOptions) -> Iterator[Record]:
    # imported here: GDAL and calamine load only for the files that need them
    if format_name == "excel":
        from services.cli.workbooks import workbook_records

        return workbook_records(path, options)
    from services.cli.layers import layer_records

    return layer_records(path, options)


def _not_decodable(path: str, encoding: str) -> str:
    if encoding == "utf-8-sig":
        return (f"{path} is not UTF-8 text; if it was saved as GBK (as Excel on Chinese "
                "Windows does), add --encoding gbk")
    return f"{path} is not valid {encoding} text; check --encoding"


def _csv_records(path: str, encoding: str) -> Iterator[Record]:
    with open(path, newline="", encoding=encoding) as file:
        reader = csv.reader(file)
        try:
            yield from _csv_rows(path, reader)
        except csv.Error as error:
            raise CliError(f"{path} line {reader.line_num}: {error}") from None


def _csv_rows(path: str, reader) -> Iterator[Record]:
    header = [column.strip() for column in next(reader, [])]
    if not any(header):
        raise CliError(f"{path} is empty: the first line must name the columns")
    check_unique(path, header)
    first_line = reader.line_num + 1
    for values in reader:
        if any(value.strip() for value in values):
            yield Record(f"line {first_line}", dict(zip(header, values, strict=False)),
                         excess(values, header))
        first_line = reader.line_num + 1


def _geojson_records(path: str, encoding: str) -> Iterator[Record]:
    with open(path, encoding=encoding) as file:
        try:
            document = json.load(file)
        except json.JSONDecodeError as error:
            raise CliError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise CliError(f"{path} is not a GeoJSON FeatureCollection")
    for number, feature in enumerate(document.get("features") or [], start=1):
        yield _feature_record(f"feature {number}", feature)


def _feature_record(location: str, feature) -> Record:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return Record(location, {}, (FieldViolation("feature", "is not a GeoJSON Feature"),))
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return Record(location, {}, (FieldViolation("properties", "must be an object"),))
    cells = {str(key): cell_text(value) for key, value in properties.items()}
    if feature.get("geometry") is not None:
        cells["geojson"] = compact_json(feature["geometry"])
    return Record(location, cells)


def cell_text(value) -> str:
    """A GeoJSON property value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, dict | list):
        return compact_json(value)
    return str(value)


def compact_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
