"""The PostgreSQL pool keeps the connections the server's threads hold at once: a pool that
closed them on return opened a new one (a new server process) for a tenth of the writes."""

import threading

import pytest
import sqlalchemy as sa

from services.common.sql import create_engine

THREADS = 32  # the server's threads for unary calls and streams (ServerLimits.workers)

pytestmark = pytest.mark.postgres


def test_connections_held_at_once_are_kept_for_the_next_burst(postgres_url):
    engine = create_engine(postgres_url, pre_ping=False)
    opened = []
    sa.event.listen(engine, "connect", lambda *_: opened.append(True))
    try:
        _hold_together(engine, THREADS)
        first = len(opened)
        _hold_together(engine, THREADS)
    finally:
        engine.dispose()
    assert first == THREADS
    assert len(opened) == first


def _hold_together(engine: sa.Engine, threads: int) -> None:
    """`threads` threads each hold a connection at the same moment, then return it."""
    together = threading.Barrier(threads)
    failures = []

    def hold() -> None:
        try:
            with engine.connect() as connection:
                together.wait(timeout=30)
                connection.execute(sa.text("SELECT 1"))
        except Exception as error:  # reported by the test, not lost in the thread
            failures.append(error)

    workers = [threading.Thread(target=hold) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not failures
