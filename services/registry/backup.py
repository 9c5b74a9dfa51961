"""`python -m services.registry backup OUT`: a consistent copy of the registry's SQLite database,
taken while the registry runs, through SQLite's online backup API. PostgreSQL is backed up with
`pg_dump` instead (docs/operations.md)."""

import sqlite3
from pathlib import Path

import sqlalchemy as sa

PAGES_PER_STEP = 1024  # writers wait at most one step's copy at a time


class BackupError(Exception):
    pass


def back_up(database_url: str, out: Path) -> None:
    """Copies the database at `database_url` to the new file `out`."""
    source = _sqlite_file(database_url)
    if out.exists():
        raise BackupError(f"{out} exists; give a new file")
    target = sqlite3.connect(out)
    try:
        with sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as reading:
            reading.backup(target, pages=PAGES_PER_STEP)
    except sqlite3.Error as error:
        target.close()
        out.unlink(missing_ok=True)
        raise BackupError(f"could not copy {source}: {error}") from error
    target.close()


def _sqlite_file(database_url: str) -> Path:
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"{url.get_backend_name()} is backed up with its own tools (pg_dump -Fc); "
            "this command copies a SQLite database"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("the registry's database is not a file")
    path = Path(url.database)
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    return path
