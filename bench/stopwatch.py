"""How long part of a run took: wall time, and the CPU time of the benchmark's own process and
of every process it started and waited for (registries, risk services, load generators; not
the PostgreSQL or Redis servers). On a busy machine the wall time stretches while the CPU time
changes little, so the CPU time says more about how long a quiet machine would take."""

import resource
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Elapsed:
    wall_seconds: float
    cpu_seconds: float

    def describe(self) -> str:
        return f"{self.wall_seconds:.1f} s wall, {self.cpu_seconds:.1f} s CPU"


class Stopwatch:
    def __init__(self):
        self._wall, self._cpu = time.perf_counter(), _cpu_seconds()

    def elapsed(self) -> Elapsed:
        return Elapsed(time.perf_counter() - self._wall, _cpu_seconds() - self._cpu)


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
