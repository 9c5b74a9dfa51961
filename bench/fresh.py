"""A registry of its own on a fresh database: what every benchmark pass that must not see
another's data starts from."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import databases
from bench.registry_process import RegistryProcess


@contextmanager
def fresh_registry(
    database: str, process: type[RegistryProcess] = RegistryProcess
) -> Iterator[RegistryProcess]:
    """A registry process on a new database (`sqlite` or `postgres`) in a temporary directory;
    the process stopped and the database and directory removed afterwards."""
    with (
        tempfile.TemporaryDirectory(prefix="urban-bench-") as workdir,
        databases.fresh_database(database, Path(workdir)) as url,
        process(url, Path(workdir)) as registry,
    ):
        yield registry
