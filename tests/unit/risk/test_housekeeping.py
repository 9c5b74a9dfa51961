"""Housekeeping runs a chore that just became ready at once when told to look, not a tick
later (the risk service's readiness waits for the cities' chore)."""

import threading

from services.risk.housekeeping import Chore, Housekeeping


def test_look_now_runs_a_chore_that_became_ready_without_waiting_for_the_tick():
    ready, ran = threading.Event(), threading.Event()
    housekeeping = Housekeeping([Chore("cities", 30, ran.set, ready=ready.is_set)],
                                tick_seconds=60)
    housekeeping.start()
    try:
        assert not ran.wait(0.2)
        ready.set()
        housekeeping.look_now()
        assert ran.wait(5)
    finally:
        housekeeping.stop()
