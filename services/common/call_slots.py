"""How many unary calls a process runs at once; the rest wait their turn in arrival order.

Every running call's thread contends for the one GIL. With more calls running than the core
needs to stay busy, each waits longer to get it back after every database round trip, and not
in any order, so the slowest calls wait many times longer than the median. A freed slot goes
straight to the call that has waited longest: a call arriving meanwhile cannot take it first."""

import threading
from collections import deque


class CallSlots:
    def __init__(self, slots: int):
        if slots < 1:
            raise ValueError("a process needs at least one slot for unary calls")
        self._free = slots
        self._lock = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()

    @property
    def waiting(self) -> int:
        """Calls waiting for a slot now."""
        return len(self._waiting)

    def take(self, timeout: float | None) -> bool:
        """Takes a slot, waiting at most `timeout` seconds (None: as long as it takes); False
        when none came in time."""
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        if turn.acquire(timeout=-1 if timeout is None else max(timeout, 0)):
            return True
        with self._lock:
            if turn in self._waiting:
                self._waiting.remove(turn)
                return False
        return True  # the slot was handed over just as the wait ran out

    def give_back(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()  # the slot passes on without being freed
            else:
                self._free += 1
