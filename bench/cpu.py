"""CPU time used by a process, and by the whole machine, from /proc (Linux)."""

import os
from dataclasses import dataclass

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """User plus system CPU seconds of every thread of `pid` so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def machine_busy_seconds() -> float:
    """CPU seconds spent outside idle and iowait, summed over every core."""
    with open("/proc/stat", encoding="ascii") as file:
        ticks = [int(value) for value in file.readline().split()[1:]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks[:8]) - idle) / TICKS_PER_SECOND


@dataclass
class CpuMeter:
    """Cores used by one process and by the machine between `start` and `stop`."""

    pid: int
    process_start: float = 0.0
    machine_start: float = 0.0
    process_cores: float = 0.0
    machine_cores: float = 0.0

    def start(self) -> None:
        self.process_start = process_seconds(self.pid)
        self.machine_start = machine_busy_seconds()

    def stop(self, elapsed_seconds: float) -> None:
        self.process_cores = (process_seconds(self.pid) - self.process_start) / elapsed_seconds
        self.machine_cores = (machine_busy_seconds() - self.machine_start) / elapsed_seconds

    def describe(self, elapsed_seconds: float, done: int, unit: str) -> str:
        """E.g. `registry cpu 5.20 ms per call (0.88 cores); machine 1.90 of 2 cores busy`."""
        per_unit_ms = 1000 * self.process_cores * elapsed_seconds / max(done, 1)
        return (
            f"registry cpu {per_unit_ms:.2f} ms per {unit} ({self.process_cores:.2f} cores); "
            f"machine {self.machine_cores:.2f} of {os.cpu_count()} cores busy"
        )
