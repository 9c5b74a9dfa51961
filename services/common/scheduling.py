"""Linux's batch scheduling for a server process.

A Python thread wakes another (a lock released, a condition notified, work queued for the
pool) while it holds the GIL. Under the default policy the woken thread may preempt the waker
at once, only to block on the GIL the waker still holds: two context switches more for every
hand-off, and a GIL held off-CPU meanwhile. Under SCHED_BATCH a woken thread does not preempt
the one running, so the waker carries on to its next blocking call and releases the GIL."""

import logging
import os

_LOG = logging.getLogger(__name__)


def batch_scheduling() -> None:
    """Puts every thread of this process, and the threads and processes it starts later, under
    SCHED_BATCH (same nice value); does nothing where the policy does not exist."""
    policy = getattr(os, "SCHED_BATCH", None)
    if policy is None:
        return
    for tid in every_thread():
        try:
            os.sched_setscheduler(tid, policy, os.sched_param(0))
        except OSError as error:  # e.g. a thread that ended meanwhile, or a container's policy
            _LOG.debug("thread %s keeps its scheduling policy: %s", tid, error)


def every_thread() -> list[int]:
    """The ids of this process's threads (Linux); else 0, the calling thread."""
    try:
        return [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:
        return [0]
