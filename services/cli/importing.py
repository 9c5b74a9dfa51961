"""`urban import FILE`: check every row first, then stream the valid ones to the registry in
chunks (ImportAssets), or send them one BatchUpsertAssets call a chunk where the registry has no
ImportAssets."""

import hashlib
import itertools
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
from rich.progress import Progress

from services.cli.batches import ChunkSender, Totals, chunks, request_id
from services.cli.checking import CheckReport, RowReader, check_records
from services.cli.connection import Connection
from services.cli.failures import CliError, RpcFailure, UsageError
from services.cli.mapping import load_mapping
from services.cli.options import city_code
from services.cli.output import say, stderr_console, warn
from services.cli.progress_bar import rows_progress
from services.cli.read_options import ReadOptions, read_options
from services.cli.rows import RowDefaults, missing_identity
from services.cli.sources import Record, file_format, read_records, text_encoding
from services.cli.spool import Spool, open_spool
from services.cli.streaming import StreamSender
from services.common.clock import today_in_zhejiang


@dataclass(frozen=True)
class SourceFile:
    path: str
    format_name: str
    encoding: str
    options: ReadOptions = ReadOptions()

    def records(self):
        return read_records(self.path, self.format_name, self.encoding, self.options)

    def digest(self) -> str:
        """Of the file, or of every file in a directory (a FileGDB)."""
        digest = hashlib.sha256()
        for path in _files_of(Path(self.path)):
            with open(path, "rb") as file:
                digest.update(hashlib.file_digest(file, "sha256").digest())
        return digest.hexdigest()


def _files_of(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def run_import(args, connection: Connection) -> int:
    return ImportRun(args, connection).run()


class ImportRun:
    def __init__(self, args, connection: Connection):
        self.args, self.connection = args, connection
        path = _existing_file(args.file)
        self.source = SourceFile(path, file_format(path, args.format),
                                 text_encoding(args.encoding or "utf-8"), read_options(args))
        self.defaults = RowDefaults(city=self._known_city(args.city), kind=args.kind)
        self.mapping = load_mapping(args.mapping)
        self.reader = RowReader(path, self.mapping, self.defaults, connection.cities,
                                today_in_zhejiang())

    def run(self) -> int:
        started = time.monotonic()
        bar = rows_progress(stderr_console(), enabled=not self.args.quiet)
        with open_spool() as spool, bar:
            report = self._check(spool, bar)
            _judge(self.source.path, report, self.args)
            if self.args.dry_run:
                say(f"checked {report.rows} rows of {self.source.path}: "
                    f"{report.valid_rows} valid")
                return 1 if report.invalid_rows else 0
            totals = self._send(spool, bar)
        _summarise(self.source.path, report, totals, time.monotonic() - started)
        return 0

    def _check(self, spool: Spool, bar: Progress) -> CheckReport:
        task = bar.add_task("checking", total=None)
        report = check_records(self._records(), self.reader, spool.add,
                               lambda rows: bar.advance(task, rows))
        bar.update(task, total=report.rows)
        return report

    def _records(self) -> Iterator[Record]:
        """The file's records, once its first row shows the options cover what the columns
        lack."""
        records = self.source.records()
        first = next(records, None)
        if first is None:
            return iter(())
        missing = missing_identity(self.mapping.apply(first.cells), self.defaults)
        if missing:
            raise UsageError(missing)
        return itertools.chain([first], records)

    def _send(self, spool: Spool, bar: Progress) -> Totals:
        task = bar.add_task("importing", total=spool.count)
        digest, salt = self.source.digest(), uuid.uuid4().hex if self.args.resend else ""
        sender = StreamSender(
            self.connection.registry.stream("ImportAssets"),
            lambda chunk: request_id(digest, chunk, salt, method="ImportAssets"),
            in_flight=self.args.parallel,
            on_sent=lambda rows: bar.advance(task, rows),
        )
        try:
            return sender.send_all(chunks(spool))
        except RpcFailure as failure:
            if sender.sent_rows or failure.error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise _with_resume_hint(failure, sender.sent_rows, spool.count) from None
        except CliError as error:
            raise _with_resume_hint(error, sender.sent_rows, spool.count) from None
        return self._send_in_calls(spool, digest, salt, lambda rows: bar.advance(task, rows))

    def _send_in_calls(self, spool: Spool, digest: str, salt: str, on_sent) -> Totals:
        """For a registry without ImportAssets: one BatchUpsertAssets call a chunk."""
        sender = ChunkSender(
            self.connection.registry.BatchUpsertAssets,
            lambda chunk: request_id(digest, chunk, salt),
            in_flight=self.args.parallel,
            on_sent=on_sent,
        )
        try:
            return sender.send_all(chunks(spool))
        except CliError as error:
            raise _with_resume_hint(error, sender.sent_rows, spool.count) from None

    def _known_city(self, option: str | None) -> str | None:
        if option is None:
            return None
        code = city_code(option)
        if code not in self.connection.cities():
            raise UsageError(f"unknown city {code}; `urban cities` lists them")
        return code


def _existing_file(path: str) -> str:
    if not Path(path).is_file() and not _is_geodatabase(path):
        raise UsageError(f"{path} does not exist or is not a file")
    return path


def _is_geodatabase(path: str) -> bool:
    return Path(path).suffix.lower() == ".gdb" and Path(path).is_dir()


def _judge(path: str, report: CheckReport, args) -> None:
    """Prints every problem; stops unless the bad rows may be skipped (or were only checked)."""
    for problem in report.problems:
        warn(str(problem))
    bad = report.invalid_rows
    if report.rows == 0:
        raise CliError(f"{path} has no rows to import")
    if bad and not (args.skip_invalid or args.dry_run):
        raise CliError(
            f"{bad} of {report.rows} rows are invalid; nothing was imported "
            f"(fix them, or add --skip-invalid to import the other {report.rows - bad})"
        )
    if bad == report.rows and not args.dry_run:
        raise CliError(f"all {bad} rows are invalid; nothing was imported")


def _with_resume_hint(error: CliError, imported: int, total: int) -> CliError:
    if imported == 0:
        return error
    hint = (f"{imported} of {total} rows were imported before this; running the same command "
            "again imports the rest without repeating them")
    return error.extended(hint)


def _summarise(path: str, report: CheckReport, totals: Totals, seconds: float) -> None:
    sent = report.valid_rows
    rate = f", {sent / seconds:,.0f} rows/s" if seconds > 0 else ""
    before = (f"; {totals.imported_before} rows already imported earlier, not applied again "
              "(--resend applies them)" if totals.imported_before else "")
    say(f"imported {sent - totals.imported_before} rows from {path}: {totals.created} created, "
        f"{totals.updated} updated, {totals.unchanged} unchanged{before} ({seconds:.1f} s{rate})")
    if report.invalid_rows:
        say(f"skipped {report.invalid_rows} invalid rows")
