"""While an import stream runs, a thread waiting for the GIL gets it after 0.5 ms instead of
Python's 5 ms.

Each batch of a stream commits in turn, after the batch before: its thread comes back from the
database several times in that turn (the head's lock, the change log's COPY, the commit), and
each time waits for the GIL while the stream's reader and other writers run Python. Those
waits add up on the one path every batch of the stream follows (docs/benchmarks.md, "The
batch's turn and the geometry parsed once"). The interval is the process's: it is shortened
while at least one stream runs and given back when the last one ends.
"""

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

IMPORT_SWITCH_INTERVAL_SECONDS = 0.0005


class _Handover:
    def __init__(self):
        self._lock = threading.Lock()
        self._streams = 0
        self._usual = sys.getswitchinterval()

    @contextmanager
    def quick(self) -> Iterator[None]:
        with self._lock:
            if self._streams == 0:
                self._usual = sys.getswitchinterval()
                sys.setswitchinterval(min(self._usual, IMPORT_SWITCH_INTERVAL_SECONDS))
            self._streams += 1
        try:
            yield
        finally:
            with self._lock:
                self._streams -= 1
                if self._streams == 0:
                    sys.setswitchinterval(self._usual)


quick_gil_handover = _Handover().quick
