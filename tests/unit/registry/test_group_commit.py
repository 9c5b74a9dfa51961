"""Group commit over a storage that stages writes and commits them (or fails to) at the end."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from services.common.errors import Unavailable
from services.registry.app.group_commit import GroupCommit


class _Session(list):
    """What one write stages."""

    numbered_head: int | None = None


class _Savepoints:
    numbered_head: int | None = None

    def __init__(self, staged: list):
        self._staged = staged

    @contextmanager
    def write(self):
        own = _Session()
        yield own
        self._staged.extend(own)


class _Storage:
    def __init__(self):
        self.committed: list = []
        self.commits = 0
        self.fail_commits = False

    @contextmanager
    def writing(self):
        staged = _Session()
        yield staged
        staged.numbered_head = self._commit(staged)

    @contextmanager
    def writing_together(self):
        staged: list = []
        savepoints = _Savepoints(staged)
        yield savepoints
        savepoints.numbered_head = self._commit(staged)

    def _commit(self, staged: list) -> int:
        """The head the commit moved to: one revision a staged write."""
        if self.fail_commits:
            raise ConnectionError("the commit failed")
        self.committed.extend(staged)
        self.commits += 1
        return len(self.committed)


def _staging(value):
    def write(session):
        session.append(value)
        return value

    return write


def _failing(session):
    session.append("never")
    raise ValueError("this write only")


@pytest.fixture
def storage() -> _Storage:
    return _Storage()


class _HeldWrite:
    """A write that keeps the writer busy until released, so that others queue behind it."""

    def __init__(self):
        self.holding, self.release = threading.Event(), threading.Event()

    def __call__(self, session):
        self.holding.set()
        self.release.wait(10)
        return "held"


def _together(storage: _Storage, writes: list) -> list:
    """Outcomes of `writes`, all queued while the writer is busy with a first write, so that
    they share one transaction."""
    group = GroupCommit(storage, lambda head: None)
    held = _HeldWrite()

    def outcome(write):
        try:
            return group.run(write)
        except Exception as error:  # noqa: BLE001 - compared by the test
            return error

    with ThreadPoolExecutor(len(writes) + 1) as pool:
        first = pool.submit(outcome, held)
        held.holding.wait(10)
        queued = []
        for write in writes:  # one after another, so that they queue in this order
            queued.append(pool.submit(outcome, write))
            while len(group._queue) < len(queued):
                time.sleep(0.001)
        held.release.set()
        first.result()
        return [future.result() for future in queued]


def test_a_failing_write_answers_only_its_caller(storage):
    answers = _together(storage, [_staging("a"), _failing, _staging("b")])
    assert answers[0] == "a" and answers[2] == "b"
    assert isinstance(answers[1], ValueError)
    assert storage.committed == ["a", "b"]
    assert storage.commits == 2  # the first write alone, then the three together


def test_no_write_is_answered_as_done_when_its_commit_fails(storage):
    storage.fail_commits = True
    answers = _together(storage, [_staging("a"), _failing, _staging("b")])
    assert isinstance(answers[0], ConnectionError) and isinstance(answers[2], ConnectionError)
    assert isinstance(answers[1], ValueError)
    assert storage.committed == []


def test_a_lone_write_does_not_wait_for_company(storage):
    group = GroupCommit(storage, lambda head: None)
    started = time.monotonic()
    assert group.run(_staging("alone")) == "alone"
    assert time.monotonic() - started < 1
    assert storage.committed == ["alone"]


def test_stopping_answers_the_writes_waiting_then_ends_the_writer(storage):
    group = GroupCommit(storage, lambda head: None)
    held = _HeldWrite()

    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(group.run, held)
        held.holding.wait(10)
        queued = pool.submit(group.run, _staging("queued"))
        while not group._queue:
            time.sleep(0.001)
        stopping = pool.submit(group.stop)
        held.release.set()
        assert first.result(10) == "held" and queued.result(10) == "queued"
        stopping.result(10)
    assert not group._writer.is_alive()
    with pytest.raises(Unavailable, match="shutting down"):
        group.run(_staging("late"))
    assert storage.committed == ["queued"]


def test_each_commit_reports_the_head_it_numbered_its_changes_up_to(storage):
    heads: list[int] = []
    group = GroupCommit(storage, heads.append)
    group.run(_staging("a"))
    group.run(_staging("b"))
    storage.fail_commits = True
    with pytest.raises(ConnectionError):
        group.run(_staging("c"))
    group.stop()
    assert heads == [1, 2]
