"""SQLAlchemy engines for SQLite (WAL, one writer at a time) and PostgreSQL, transactions,
and Alembic migrations that are safe when replicas start together."""

import fcntl
import pathlib
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

WRITE = "urban_write"
RECYCLE_SECONDS = 1800
# The database is down or out of reach: no request or change is to blame.
DATABASE_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError)



class WriterQueue:
    """SQLite admits one writer at a time. Writers queue here instead of polling in SQLite's
    busy handler, whose growing sleeps starve unlucky writers for seconds: the threads of one
    process on a lock, the processes of one database (a registry serving from several) on a
    file lock beside it. busy_timeout still covers any other writer."""

    def __init__(self, lock_path: pathlib.Path | None):
        self._threads = threading.RLock()
        self._depth = 0
        self._lock_path = lock_path
        self._file = None

    def __enter__(self) -> "WriterQueue":
        self._threads.acquire()
        self._depth += 1
        if self._depth == 1 and self._opened() is not None:
            fcntl.flock(self._file, fcntl.LOCK_EX)
        return self

    def _opened(self):
        if self._file is None and self._lock_path is not None:
            try:
                self._file = open(self._lock_path, "a+b")  # noqa: SIM115 - kept open
            except OSError:  # a read-only directory: the busy handler still covers the rest
                self._lock_path = None
            else:
                weakref.finalize(self, self._file.close)
        return self._file

    def __exit__(self, *_exc) -> None:
        self._depth -= 1
        if self._depth == 0 and self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()


_sqlite_write_locks: "weakref.WeakKeyDictionary[sa.Engine, WriterQueue]" = (
    weakref.WeakKeyDictionary()
)


# A pool keeps open as many connections as threads may hold at once (a server's 32 workers and
# its background threads): a pool that keeps fewer closes connections when a busy moment passes
# and opens them again at the next, each time a new PostgreSQL backend with its statements
# prepared anew, or an SQLite connection with an empty page cache.
POOL_KEEPS = 40
POOL_MOST = 64


def create_engine(url: str, *, pre_ping: bool = True) -> sa.Engine:
    """`pre_ping=False` saves a round trip per checkout; a dead connection then fails the
    statement that uses it (callers map that to UNAVAILABLE) and the pool reconnects."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return sa.create_engine(
        url,
        pool_size=POOL_KEEPS,
        max_overflow=POOL_MOST - POOL_KEEPS,
        pool_pre_ping=pre_ping,
        pool_recycle=RECYCLE_SECONDS,
    )


def _sqlite_engine(url: str) -> sa.Engine:
    database = sa.engine.make_url(url).database
    if database and database != ":memory:":
        pathlib.Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        pool_size=POOL_KEEPS,
        max_overflow=POOL_MOST - POOL_KEEPS,
        connect_args={"check_same_thread": False, "timeout": 30},
    )
    sa.event.listen(engine, "connect", _configure_sqlite_connection)
    # Not a "begin" event: any connection event makes SQLAlchemy dispatch events around every
    # statement, which costs more than the statements of a small write.
    engine.dialect.do_begin = _begin_sqlite_transaction
    on_disk = database and database != ":memory:" and not database.startswith("file:")
    lock_path = pathlib.Path(f"{database}.writer") if on_disk else None
    _sqlite_write_locks[engine] = WriterQueue(lock_path)
    return engine


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun explicitly below
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


def _begin_sqlite_transaction(pooled_connection) -> None:
    # A writer takes the write lock up front, so two writers never deadlock upgrading read locks.
    immediate = pooled_connection.info.pop(WRITE, False)
    pooled_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def transaction(
    engine: sa.Engine, *, write: bool, snapshot: bool = False
) -> Iterator[sa.Connection]:
    """One transaction, committed when the block ends normally and rolled back otherwise.
    `snapshot` makes every statement of a PostgreSQL transaction see the same snapshot."""
    write_lock = _sqlite_write_locks.get(engine) if write else None
    with write_lock or nullcontext(), engine.connect() as connection:
        if write_lock is not None:
            connection.connection.info[WRITE] = True
        if snapshot and engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


@contextmanager
def driver_errors_as_sqlalchemy(connection: sa.Connection) -> Iterator[None]:
    """For work done on the driver's own cursor: its errors become the SQLAlchemy errors
    (OperationalError when the database is down, ...) that the rest of the code handles."""
    base = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except base as error:
        raise sa.exc.DBAPIError.instance(None, None, error, base) from error


def lock_for_transaction(connection: sa.Connection, key: int) -> None:
    """On PostgreSQL, waits for a lock on `key` held until the transaction ends (SQLite's
    write transactions are exclusive already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def upgrade(engine: sa.Engine, migrations: pathlib.Path, lock_key: int) -> None:
    """Migrates to the newest schema, one process at a time."""
    with transaction(engine, write=True) as connection:
        lock_for_transaction(connection, lock_key)
        config = Config()
        config.set_main_option("script_location", str(migrations))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
