import threading
import time

import pytest

from services.common.call_slots import CallSlots
from tests.waiting import wait_until


def waiting_for(slots: CallSlots, count: int) -> None:
    wait_until(lambda: slots.waiting >= count, timeout=5, interval=0.001)


def test_calls_take_free_slots_without_waiting():
    slots = CallSlots(2)
    assert slots.take(timeout=0)
    assert slots.take(timeout=0)
    assert not slots.take(timeout=0)


def test_a_freed_slot_goes_to_the_call_that_waited_longest():
    slots = CallSlots(1)
    assert slots.take(timeout=None)
    order = []

    def call(number: int) -> None:
        slots.take(timeout=None)
        order.append(number)
        slots.give_back()

    threads = []
    for number in range(5):
        threads.append(threading.Thread(target=call, args=(number,)))
        threads[-1].start()
        waiting_for(slots, number + 1)
    slots.give_back()
    for thread in threads:
        thread.join(timeout=5)
    assert order == [0, 1, 2, 3, 4]


def test_a_call_arriving_while_others_wait_queues_behind_them_even_for_a_freed_slot():
    slots = CallSlots(1)
    assert slots.take(timeout=None)
    took = []
    waiter = threading.Thread(target=lambda: took.append(slots.take(timeout=None)))
    waiter.start()
    waiting_for(slots, 1)
    slots.give_back()
    assert not slots.take(timeout=0)  # the freed slot went to the waiter
    waiter.join(timeout=5)
    assert took == [True]


def test_a_wait_that_runs_out_leaves_no_place_in_the_queue_and_takes_no_slot():
    slots = CallSlots(1)
    assert slots.take(timeout=None)
    started = time.monotonic()
    assert not slots.take(timeout=0.05)
    assert time.monotonic() - started >= 0.05
    assert slots.waiting == 0
    slots.give_back()
    assert slots.take(timeout=0)


@pytest.mark.parametrize("count", [0, -1])
def test_a_process_needs_at_least_one_slot(count):
    with pytest.raises(ValueError, match="at least one slot"):
        CallSlots(count)
