"""The risk service beside a bulk load: following it meanwhile, or started once it is over,
and how long it took to apply everything the load added to the change log."""

import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from bench.delay_system import DelaySystem, delay_system
from bench.machine import load_average
from bench.registry_process import RegistryProcess
from bench.revision_poller import applied_revision

LIMIT_SECONDS = 1800
MODES = ("following", "after", "none")


@dataclass(frozen=True)
class CatchUp:
    seconds: float | None  # None: it never got there within LIMIT_SECONDS
    description: str


@contextmanager
def following(registry: RegistryProcess, database: str, mode: str):
    """A risk service following the registry during the load (watch + SQLite, or Redis +
    PostgreSQL), or None for the other modes."""
    if mode != "following":
        yield None
        return
    with delay_system(registry, database) as system:
        yield system


def after_following(system: DelaySystem, head: int, load_ended: float) -> CatchUp:
    """How long after the load's last answer the following risk service had applied `head`."""
    at_end = applied_revision(system.risk.metrics_url)
    return _caught_up(
        system,
        head,
        load_ended,
        lambda seconds: (
            f"following the load: applied revision {at_end} of {head} when the "
            f"load ended; reached {head} {seconds:.1f} s after the load's end"
        ),
    )


def started_afterwards(registry: RegistryProcess, database: str, head: int) -> CatchUp:
    """How long a risk service started now, with an empty read model, took to apply `head`
    (it replays the change log from its start)."""
    started = time.time()
    with delay_system(registry, database) as system:
        return _caught_up(
            system,
            head,
            started,
            lambda seconds: (
                f"started after the load: reached revision {head} {seconds:.1f} s "
                f"after it started, from an empty read model"
            ),
        )


def _caught_up(
    system: DelaySystem, head: int, since: float, told: Callable[[float], str]
) -> CatchUp:
    """Waits until the risk service applied `head`: the seconds from `since`, told in words."""
    if not _reached(system, head):
        return CatchUp(None, f"risk ({system.path}): FAILED: never reached revision {head}")
    seconds = time.time() - since
    return CatchUp(seconds, f"risk ({system.path}) {told(seconds)}; {load_average()}")


def _reached(system: DelaySystem, head: int) -> bool:
    deadline = time.monotonic() + LIMIT_SECONDS
    while applied_revision(system.risk.metrics_url) < head:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True
