"""Batches of a change stream close when full, or soon after their first item even while
items keep coming; the stream's end and its errors come through."""

import itertools
import threading
import time

import pytest

from services.risk.feed.batching import batches


def steady(interval: float):
    for number in itertools.count():
        time.sleep(interval)
        yield number


def test_a_steady_stream_is_cut_into_batches_long_before_they_are_full():
    stream = batches(steady(0.002), max_size=100_000, max_wait=0.05)
    first, second = next(stream), next(stream)
    assert 0 < len(first) < 100_000 and second[0] == first[-1] + 1


def test_a_batch_closes_at_its_size():
    assert [len(b) for b in batches(range(2500), max_size=1000, max_wait=5)] == [1000, 1000, 500]


def test_a_quiet_stream_yields_what_it_has():
    released = threading.Event()

    def three_then_wait():
        yield from (1, 2, 3)
        released.wait(5)

    stream = batches(three_then_wait(), max_size=10, max_wait=0.01)
    assert next(stream) == [1, 2, 3]
    released.set()
    assert list(stream) == []


def test_the_streams_error_is_raised_after_what_came_before():
    def failing():
        yield 1
        raise RuntimeError("stream broke")

    stream = batches(failing(), max_size=10, max_wait=1)
    with pytest.raises(RuntimeError, match="stream broke"):
        list(stream)
