"""The peak resident memory of a process, sampled from /proc while a block runs (Linux)."""

import threading


def resident_mib(pid: int, field: str = "VmRSS") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory:
    """Samples `pid`'s VmRSS every `interval` seconds; `peak_mib` is the largest seen, and at
    least the kernel's own high-water mark (VmHWM) once the block has ended."""

    def __init__(self, pid: int, interval: float = 0.2):
        self._pid, self._interval = pid, interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self.peak_mib = 0.0

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stopping.set()
        self._thread.join()
        self.peak_mib = max(self.peak_mib, resident_mib(self._pid, "VmHWM"))

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            self.peak_mib = max(self.peak_mib, resident_mib(self._pid))
