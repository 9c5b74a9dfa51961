"""Each serving process kept to one CPU (URBAN_REGISTRY_CPU_AFFINITY).

A process's threads hand the GIL to one another many times a call. When they may run on any
CPU, a woken thread starts on another, idle one and waits there for the GIL: the wake-ups,
migrations and caches lost cost a third of an UpdateAsset's CPU on a 2-core machine. Kept to
one CPU, the threads take turns on it instead. Python runs one thread of a process at a time
anyway; several processes (URBAN_REGISTRY_PROCESSES) use several CPUs, each its own."""

import logging
import os

from services.common.scheduling import every_thread

VARIABLE = "URBAN_REGISTRY_CPU_AFFINITY"
_LOG = logging.getLogger(__name__)


def allowed_cpus() -> tuple[int, ...]:
    """The CPUs this process may run on; none where the system does not say (not Linux)."""
    if not hasattr(os, "sched_getaffinity"):
        return ()
    return tuple(sorted(os.sched_getaffinity(0)))


def parse_cpus(text: str, allowed: tuple[int, ...]) -> tuple[int, ...]:
    """The CPUs the serving processes keep to in turn: none for `none` (or empty), every CPU
    in `allowed` for `auto` (none where the system keeps no CPUs apart), or the listed ones
    (`0,2`), each of which must be allowed."""
    text = text.strip().lower()
    if text in ("", "none"):
        return ()
    if text == "auto":
        return allowed
    try:
        cpus = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValueError(
            f"{VARIABLE} must be none, auto or CPU numbers separated by commas, not {text!r}"
        ) from None
    if not allowed:
        raise ValueError(f"{VARIABLE}: this system cannot keep a process to given CPUs; use none")
    refused = sorted(set(cpus) - set(allowed))
    if refused:
        raise ValueError(
            f"{VARIABLE}: CPU {', '.join(map(str, refused))} is not one this process may run "
            f"on ({', '.join(map(str, allowed))})"
        )
    return cpus


def keep_to_one_cpu(cpus: tuple[int, ...], number: int) -> int | None:
    """Keeps every thread of this process, and those it starts later, to the CPU of serving
    process `number` (from 1): the CPUs are taken in turn. None when `cpus` is empty."""
    if not cpus or not hasattr(os, "sched_setaffinity"):
        return None
    cpu = cpus[(number - 1) % len(cpus)]
    for thread in every_thread():
        try:
            os.sched_setaffinity(thread, {cpu})
        except OSError as error:  # a thread that ended meanwhile
            _LOG.debug("thread %s left on its CPUs: %s", thread, error)
    _LOG.info("serving process %d keeps to CPU %d", number, cpu)
    return cpu
