"""`urban export`: page through ListAssets, writing CSV or GeoJSON as the pages arrive."""

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from services.cli import listing
from services.cli.connection import Connection
from services.cli.failures import CliError
from services.cli.output import stderr_console, warn
from services.cli.progress_bar import rows_progress
from services.cli.sources import file_format, text_encoding
from services.cli.writers import WRITERS
from services.registry.domain.kinds import KINDS

STDOUT = "-"


def run_export(args, connection: Connection) -> int:
    text, wanted = listing.filter_text(args.kind, args.filter)
    parent = listing.parent_of(args.city)
    format_name = _format(args.output, args.format)
    kinds = (wanted.kind,) if wanted.kind else KINDS
    text_encoding(args.encoding)  # rejects an unknown encoding before anything is fetched
    exported = 0
    with (
        _destination(args.output, args.encoding) as file,
        rows_progress(stderr_console(), enabled=not args.quiet) as progress,
    ):
        task = progress.add_task("exporting", total=None)
        writer = WRITERS[format_name](file, kinds)
        for asset in listing.assets(connection.registry, parent, text):
            writer.write(asset)
            exported += 1
            progress.advance(task)
        writer.close()
    shown = "stdout" if args.output == STDOUT else args.output
    warn(f"exported {exported} assets to {shown}")
    return 0


def _format(output: str, chosen: str | None) -> str:
    return chosen or ("csv" if output == STDOUT else file_format(output, None))


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
