"""Reading one item ahead: order kept, the next item fetched while the caller works, errors
raised where their item would have been, and nothing read after the caller stops."""

import threading

import pytest

from services.risk.feed.prefetch import prefetched


def test_items_come_in_order_and_all_of_them():
    assert list(prefetched(range(5))) == [0, 1, 2, 3, 4]
    assert list(prefetched([])) == []


def test_the_next_item_is_fetched_while_the_caller_works_on_this_one():
    fetched_second = threading.Event()

    def source():
        yield 1
        fetched_second.set()
        yield 2

    items = prefetched(source())
    assert next(items) == 1
    assert fetched_second.wait(5)  # before the caller asked for it
    assert next(items) == 2


def test_an_error_comes_where_its_item_would_have():
    def failing():
        yield 1
        raise ValueError("broken")

    items = prefetched(failing())
    assert next(items) == 1
    with pytest.raises(ValueError, match="broken"):
        next(items)


def test_nothing_more_is_read_once_the_caller_stops():
    read = []

    def counting():
        for number in range(100):
            read.append(number)
            yield number

    for number in prefetched(counting()):
        if number == 2:
            break
    assert read == [0, 1, 2, 3]


def test_closing_waits_for_the_item_being_fetched():
    fetching_second, may_finish = threading.Event(), threading.Event()
    finished = []

    def slow():
        yield 1
        fetching_second.set()
        may_finish.wait(5)
        finished.append(2)
        yield 2

    items = prefetched(slow())
    assert next(items) == 1
    assert fetching_second.wait(5)
    threading.Timer(0.2, may_finish.set).start()
    items.close()
    assert finished == [2]  # a read under way is complete once close() returns
