"""The registry service: `python -m services.registry` serves (settings in the README);
`python -m services.registry backup OUT` copies its SQLite database to the new file OUT while
it runs (PostgreSQL: pg_dump, docs/operations.md)."""

import argparse
import sys
from pathlib import Path

from services.common.cpu_affinity import keep_to_one_cpu
from services.common.heap import settle_after_start
from services.common.logging_setup import configure_logging
from services.common.scheduling import batch_scheduling
from services.registry.backup import BackupError, back_up
from services.registry.config import RegistrySettings
from services.registry.process_group import GroupFailed, serve_from_processes
from services.registry.storage.spatial import PostgisMissing
from services.registry.wiring import Registry


def serve() -> int:
    batch_scheduling()
    settings = RegistrySettings.from_env()
    if settings.processes > 1:
        try:
            return serve_from_processes(settings, settings.processes)
        except GroupFailed as error:
            sys.exit(f"registry: {error}")
    keep_to_one_cpu(settings.cpus, 1)
    registry = Registry(settings)
    try:
        registry.start()
    except PostgisMissing as error:
        sys.exit(f"registry: cannot start: {error}")
    settle_after_start()
    registry.serve_until_signalled()
    registry.storage.close()
    return 0


def backup(out: Path) -> int:
    try:
        back_up(RegistrySettings.from_env().database_url, out)
    except BackupError as error:
        print(f"registry backup: {error}", file=sys.stderr)
        return 1
    print(f"registry backup: written to {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.registry", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the gRPC API (the default)")
    copy = commands.add_parser("backup", help="copy the SQLite database while the registry runs")
    copy.add_argument("out", type=Path, help="a new file for the copy")
    arguments = parser.parse_args(argv)
    if arguments.command == "backup":
        return backup(arguments.out)
    configure_logging("registry")
    return serve()


if __name__ == "__main__":
    sys.exit(main())
