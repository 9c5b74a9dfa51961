"""CPU time used by a process, and by the whole machine, from /proc (Linux)."""

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """User plus system CPU seconds of every thread of `pid` so far."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def tree_seconds(pid: int) -> float:
    """`process_seconds` of `pid` and of every living process below it (a registry serving
    from several processes)."""
    return sum(_seconds_or_zero(member) for member in descendants(pid) | {pid})


def descendants(pid: int) -> set[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat_fields(int(entry))[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _seconds_or_zero(pid: int) -> float:
    try:
        return process_seconds(pid)
    except OSError:  # it ended meanwhile
        return 0.0


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state is [0], ppid [1])."""
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as file:
        return file.read().rsplit(")", 1)[1].split()


def machine_busy_seconds() -> float:
    """CPU seconds spent outside idle and iowait, summed over every core."""
    with open("/proc/stat", encoding="ascii") as file:
        ticks = [int(value) for value in file.readline().split()[1:]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks[:8]) - idle) / TICKS_PER_SECOND


@dataclass
class CpuMeter:
    """Cores used by one process (with the processes below it) and by the machine between
    `start` and `stop`."""

    pid: int
    process_start: float = 0.0
    machine_start: float = 0.0
    process_cores: float = 0.0
    machine_cores: float = 0.0

    def start(self) -> None:
        self.process_start = tree_seconds(self.pid)
        self.machine_start = machine_busy_seconds()

    def stop(self, elapsed_seconds: float) -> None:
        self.process_cores = (tree_seconds(self.pid) - self.process_start) / elapsed_seconds
        self.machine_cores = (machine_busy_seconds() - self.machine_start) / elapsed_seconds

    def window(self, elapsed_seconds: float) -> Callable[[], AbstractContextManager]:
        """For `run_load`: measures from the start of its measured window to the end."""

        @contextmanager
        def measured() -> Iterator[None]:
            self.start()
            yield
            self.stop(elapsed_seconds)

        return measured

    def describe(self, elapsed_seconds: float, done: int, unit: str) -> str:
        """E.g. `registry cpu 5.20 ms per call (0.88 cores); machine 1.90 of 2 cores busy`."""
        per_unit_ms = 1000 * self.process_cores * elapsed_seconds / max(done, 1)
        return (
            f"registry cpu {per_unit_ms:.2f} ms per {unit} ({self.process_cores:.2f} cores); "
            f"machine {self.machine_cores:.2f} of {os.cpu_count()} cores busy"
        )
