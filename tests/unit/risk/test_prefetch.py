"""Reading ahead: order kept, the next items fetched while the caller works (and, gathered,
joined), errors raised where their items would have been, and nothing read after the caller
stops."""

import threading

import pytest

from services.risk.feed.prefetch import gathered, prefetched


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


def test_gathered_joins_what_was_read_while_the_caller_worked():
    read_three = threading.Event()

    def reads():
        yield [1]
        yield [2]
        yield [3, 4]
        read_three.set()
        yield [5]

    lists = gathered(reads(), most=100)
    first = next(lists)
    assert read_three.wait(5)  # reading goes on while the caller works
    rest = list(lists)
    assert first + [item for items in rest for item in items] == [1, 2, 3, 4, 5]
    assert len(rest) < 4  # what was read meanwhile came joined


def test_gathered_yields_an_empty_read_so_that_the_caller_wakes():
    taken = threading.Event()

    def reads():
        yield []
        taken.wait(5)
        yield [1]

    lists = gathered(reads(), most=10)
    assert next(lists) == []
    taken.set()
    assert next(lists) == [1]


def test_gathered_gives_at_most_most_items_at_a_time_and_stops_reading_ahead():
    read = []

    def reads():
        for number in range(10):
            read.append(number)
            yield [number, number]

    lists = gathered(reads(), most=3)
    first = next(lists)
    assert len(first) <= 3
    threading.Event().wait(0.2)
    assert len(read) <= 4  # no more than `most` items wait unread (and one read)
    rest = [item for items in lists for item in items]
    assert first + rest == [n for number in range(10) for n in (number, number)]


def test_gathered_raises_an_error_after_what_was_read_before_it():
    def failing():
        yield [1]
        raise ValueError("broken")

    lists = gathered(failing(), most=10)
    assert next(lists) == [1]
    with pytest.raises(ValueError, match="broken"):
        next(lists)


def test_closing_gathered_waits_for_the_read_under_way():
    reading_second, may_finish = threading.Event(), threading.Event()
    finished = []

    def slow():
        yield [1]
        reading_second.set()
        may_finish.wait(5)
        finished.append(2)
        yield [2]

    lists = gathered(slow(), most=10)
    assert next(lists) == [1]
    assert reading_second.wait(5)
    threading.Timer(0.2, may_finish.set).start()
    lists.close()
    assert finished == [2]
