"""`urban export`: page through ListAssets, writing CSV, GeoJSON, a workbook or a GeoPackage
as the pages arrive."""

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from services.cli import listing
from services.cli.connection import Connection
from services.cli.failures import CliError, UsageError
from services.cli.mapping import load_mapping
from services.cli.output import stderr_console, warn
from services.cli.progress_bar import rows_progress
from services.cli.sources import file_format, text_encoding
from services.cli.writers import WRITERS
from services.registry.domain.kinds import KINDS

STDOUT = "-"
FORMATS = ("csv", "geojson", "excel", "gpkg")
_FILE_FORMATS = ("excel", "gpkg")


def add_export_arguments(command) -> None:
    command.add_argument("--mapping", metavar="FILE",
                         help="YAML file of `urban import`: write its headers and values")
    command.add_argument("--crs", metavar="EPSG:N",
                         help="GeoPackage coordinates in this CRS, e.g. EPSG:4549 "
                              "(default: EPSG:4490, longitude/latitude)")


def run_export(args, connection: Connection) -> int:
    places = listing.place_terms(args.near, args.bbox)
    text, wanted = listing.filter_text(args.kind, args.filter, places)
    parent = listing.parent_of(args.city)
    format_name = _format(args.output, args.format)
    kinds = (wanted.kind,) if wanted.kind else KINDS
    mapping = load_mapping(args.mapping)
    crs = _crs(args.crs, format_name)
    text_encoding(args.encoding)  # rejects an unknown encoding before anything is fetched
    exported = 0
    with (
        _open_writer(args.output, format_name, args.encoding, kinds, mapping, crs) as writer,
        rows_progress(stderr_console(), enabled=not args.quiet) as progress,
    ):
        task = progress.add_task("exporting", total=None)
        for asset in listing.assets(connection.registry, parent, text):
            writer.write(asset)
            exported += 1
            progress.advance(task)
        writer.close()
    shown = "stdout" if args.output == STDOUT else args.output
    warn(f"exported {exported} assets to {shown}")
    return 0


def _format(output: str, chosen: str | None) -> str:
    found = chosen or ("csv" if output == STDOUT else file_format(output, None))
    if found not in FORMATS:
        raise UsageError(f"cannot write {found} files; write csv, geojson, excel (.xlsx) "
                         "or gpkg")
    if found in _FILE_FORMATS and output == STDOUT:
        raise UsageError(f"{found} is written to a file: add -o FILE")
    return found


def _crs(text: str | None, format_name: str):
    if text is None:
        return None
    if format_name != "gpkg":
        raise UsageError("--crs applies to GeoPackage output; other formats are in "
                         "longitude/latitude")
    from services.cli.coordinates import parse_crs

    return parse_crs(text)


@contextlib.contextmanager
def _open_writer(output: str, format_name: str, encoding: str, kinds, mapping, crs):
    if format_name not in _FILE_FORMATS:
        with _destination(output, encoding) as file:
            yield WRITERS[format_name](file, kinds, mapping)
        return
    from services.cli.file_writers import FILE_WRITERS  # loads GDAL only when needed

    with _destination_path(output) as path:
        writer = FILE_WRITERS[format_name](path, kinds, mapping, crs)
        try:
            yield writer
        except BaseException:
            with contextlib.suppress(Exception):
                writer.close()  # releases its files; the partial output is removed
            raise


@contextlib.contextmanager
def _destination_path(output: str) -> Iterator[str]:
    """A path to write, that becomes the output only when the export is complete."""
    partial = Path(output).with_suffix(f".partial{Path(output).suffix}")  # GDAL reads suffixes
    partial.unlink(missing_ok=True)
    try:
        yield str(partial)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def _destination(output: str, encoding: str) -> Iterator[TextIO]:
    """stdout, or a file that appears whole or not at all."""
    if output == STDOUT:
        yield sys.stdout
        return
    partial = Path(f"{output}.partial")
    try:
        with open(partial, "w", encoding=encoding, newline="") as file:
            yield file
        os.replace(partial, output)
    except UnicodeEncodeError as error:
        raise CliError(f"{output}: {error.object[error.start]!r} cannot be written as "
                       f"{encoding}; use --encoding utf-8") from None
    finally:
        partial.unlink(missing_ok=True)
