"""How many processes serve a service: a number, or `auto` for one per core the container may
use (URBAN_REGISTRY_PROCESSES)."""

import math
import os
from pathlib import Path

VARIABLE = "URBAN_REGISTRY_PROCESSES"
CGROUP = Path("/sys/fs/cgroup")


def process_count(text: str, cgroup: Path = CGROUP) -> int:
    """`text`: a whole number of at least 1, or `auto`: as many as the CPU limit of the
    container (its cgroup's quota, rounded up), else as many as the cores this process may run
    on."""
    text = text.strip() or "1"
    if text == "auto":
        return cpu_limit(cgroup)
    if not text.isdigit() or int(text) < 1:
        raise ValueError(
            f"{VARIABLE} must be a whole number of at least 1 or auto, not {text!r}"
        )
    return int(text)


def cpu_limit(cgroup: Path = CGROUP) -> int:
    for quota_file, period_file in _QUOTA_FILES:
        try:
            quota, period = _quota(cgroup, quota_file, period_file)
        except (OSError, ValueError):
            continue
        if quota > 0:
            return max(1, math.ceil(quota / period))
    return len(os.sched_getaffinity(0))


def _quota(cgroup: Path, quota_file: str, period_file: str | None) -> tuple[float, float]:
    """(quota, period); quota 0 when there is none."""
    if period_file is None:  # cgroup v2: "max 100000" or "150000 100000"
        quota, period = (cgroup / quota_file).read_text().split()
        return (0.0 if quota == "max" else float(quota)), float(period)
    quota = float((cgroup / quota_file).read_text())  # cgroup v1: -1 when unlimited
    return max(quota, 0.0), float((cgroup / period_file).read_text())


_QUOTA_FILES = (("cpu.max", None), ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"))
