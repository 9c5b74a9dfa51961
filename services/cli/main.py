"""`urban`: runs one command and turns every failure into a short message and an exit code."""

import contextlib
import os
import sys

from services.cli.connection import Connection, Settings, client_tls
from services.cli.failures import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError
from services.cli.output import warn
from services.cli.parser import build_parser

EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:
        return _exit_code(stop)
    try:
        tls = client_tls(args.tls, args.tls_ca, args.tls_cert, args.tls_key)
    except CliError as error:
        _report(*error.lines)
        return error.exit_code
    connection = Connection(Settings(args.registry, args.risk, args.token, args.timeout, tls))
    try:
        return args.run(args, connection)
    except CliError as error:
        _report(*error.lines)
        return error.exit_code
    except KeyboardInterrupt:
        _report("interrupted; run the same command again to finish (nothing is done twice)")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_FAILED
    except OSError as error:
        _report(f"{error.filename}: {error.strerror}" if error.filename else str(error))
        return EXIT_FAILED
    except Exception as error:
        if os.environ.get("URBAN_DEBUG"):
            raise
        _report(f"unexpected error: {type(error).__name__}: {error} (URBAN_DEBUG=1 shows more)")
        return EXIT_FAILED
    finally:
        connection.close()


def _report(first: str, *more: str) -> None:
    warn(f"urban: {first}")
    for line in more:
        warn(line)


def _exit_code(stop: SystemExit) -> int:
    if stop.code is None:
        return EXIT_OK
    return stop.code if isinstance(stop.code, int) else EXIT_USAGE


def _silence_stdout() -> None:
    """The reader went away (`urban export | head`); keep Python from complaining at exit."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
