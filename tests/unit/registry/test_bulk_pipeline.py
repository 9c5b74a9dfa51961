"""The import pipeline: batches are worked on side by side, yet each takes its turn to commit in
the order of the stream; batches sharing a key never overlap; a failure stops the rest."""

import threading
import time

import pytest

from services.common.errors import InvalidArgument
from services.registry.app.bulk import pipeline
from services.registry.app.bulk.pipeline import (
    BatchPipeline,
    EarlierBatchFailed,
    Prepared,
    TurnTimedOut,
)


class Journal:
    """What the fake batches did, in the order they did it."""

    def __init__(self):
        self.events: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def note(self, what: str, batch: str) -> None:
        with self._lock:
            self.events.append((what, batch))

    def order_of(self, what: str) -> list[str]:
        return [batch for event, batch in self.events if event == what]

    def index(self, what: str, batch: str) -> int:
        return self.events.index((what, batch))


def fake_batch(journal: Journal, name: str, keys=(), work_seconds=0.0, fails=False) -> Prepared:
    def work(turn):
        journal.note("started", name)
        time.sleep(work_seconds)
        if fails:
            raise RuntimeError(f"{name} failed")
        turn()
        journal.note("committed", name)
        return name

    return Prepared(work, frozenset(keys))


def run(writers: int, prepared: dict[str, Prepared]) -> list:
    return list(BatchPipeline(prepared.__getitem__, writers).run(iter(prepared)))


def test_batches_overlap_but_commit_in_the_order_of_the_stream():
    journal = Journal()
    slow_first = {
        "a": fake_batch(journal, "a", keys={"a1"}, work_seconds=0.3),
        "b": fake_batch(journal, "b", keys={"b1"}),
        "c": fake_batch(journal, "c", keys={"c1"}),
    }
    assert run(3, slow_first) == ["a", "b", "c"]
    assert journal.order_of("committed") == ["a", "b", "c"]
    assert journal.index("started", "b") < journal.index("committed", "a")  # b did not wait


def test_a_batch_sharing_a_key_with_the_one_before_starts_only_once_that_committed():
    journal = Journal()
    overlapping = {
        "a": fake_batch(journal, "a", keys={"x", "a1"}, work_seconds=0.2),
        "b": fake_batch(journal, "b", keys={"x", "b1"}),
    }
    assert run(3, overlapping) == ["a", "b"]
    assert journal.index("committed", "a") < journal.index("started", "b")


def test_after_a_failed_batch_nothing_later_commits():
    journal = Journal()
    failing = {
        "a": fake_batch(journal, "a", keys={"a1"}),
        "b": fake_batch(journal, "b", keys={"b1"}, work_seconds=0.2, fails=True),
        "c": fake_batch(journal, "c", keys={"c1"}),
        "d": fake_batch(journal, "d", keys={"d1"}),
    }
    answers = BatchPipeline(failing.__getitem__, writers=3).run(iter(failing))
    assert next(answers) == "a"
    with pytest.raises(RuntimeError, match="b failed"):
        next(answers)
    assert journal.order_of("committed") == ["a"]


def test_a_later_batch_whose_predecessor_failed_is_told_so():
    earlier_failed = threading.Event()
    outcome = {}

    def failing(turn):
        time.sleep(0.3)  # the later batch is at work meanwhile, then waits for its turn
        raise RuntimeError("first failed")

    def later(turn):
        try:
            turn()
        except EarlierBatchFailed as error:
            outcome["error"] = error
            earlier_failed.set()
            raise

    batches = {"a": Prepared(failing, frozenset({"a"})), "b": Prepared(later, frozenset({"b"}))}
    with pytest.raises(RuntimeError):
        list(BatchPipeline(batches.__getitem__, writers=2).run(iter(batches)))
    assert earlier_failed.wait(5) and isinstance(outcome["error"], EarlierBatchFailed)


def test_a_refused_batch_ends_the_stream_after_the_answers_before_it():
    journal = Journal()
    prepared = {name: fake_batch(journal, name, keys={name}) for name in ("a", "b", "c")}
    pipeline = BatchPipeline(lambda request: _refusing(request, "b", prepared), writers=3)
    answers = pipeline.run(iter(prepared))
    assert next(answers) == "a"
    with pytest.raises(InvalidArgument, match="batch 1: b is refused"):
        next(answers)
    assert journal.order_of("committed") == ["a"]


def _refusing(request: str, refused: str, prepared: dict[str, Prepared]) -> Prepared:
    if request == refused:
        raise InvalidArgument(f"{request} is refused")
    return prepared[request]


def test_a_batch_waiting_too_long_for_its_turn_gives_up_and_can_try_again(monkeypatch):
    monkeypatch.setattr(pipeline, "TURN_WAIT_SECONDS", 0.05)
    first_may_finish = threading.Event()
    attempts = []

    def slow_first(turn):
        first_may_finish.wait(5)
        return "a"

    def impatient(turn):
        while True:  # as Transactions.run runs a conflicting plan again
            try:
                turn()
                break
            except TurnTimedOut:
                attempts.append("timed out")
                first_may_finish.set()  # as when its rolled-back rows let the first go on
        attempts.append("committed")
        return "b"

    batches = {"a": Prepared(slow_first, frozenset({"a"})), "b": Prepared(impatient, frozenset())}
    assert list(BatchPipeline(batches.__getitem__, writers=2).run(iter(batches))) == ["a", "b"]
    assert attempts[0] == "timed out" and attempts[-1] == "committed"
