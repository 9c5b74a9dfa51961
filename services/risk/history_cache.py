"""Month-by-month rollups kept per (day, applied revision): the one GROUP BY behind every
history (the province's and each city's) runs once for a state of the read model, and views
after the first cost a lookup until the feed applies a change or the day turns."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class RevisionCache(Generic[Value]):
    """The newest `capacity` values by key, each computed once however many threads ask: a
    thread asking for a key being computed waits for that computation."""

    def __init__(self, capacity: int = 4):
        self.capacity = capacity
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], tuple[Hashable, Value]]) -> Value:
        """The value kept for `key`, else `compute()`'s, which returns the key its value truly
        belongs to (the state may have moved on between asking and computing)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            actual_key, value = compute()
            with self._lock:
                self._remember(actual_key, value)
                self._computing.pop(key, None)
            return value

    def _remember(self, key: Hashable, value: Value) -> None:
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self.capacity:
            self._values.popitem(last=False)

    def __len__(self) -> int:
        return len(self._values)
