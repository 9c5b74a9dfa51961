import os
import subprocess
import sys

import pytest

from services.common.scheduling import batch_scheduling

_PROGRAM = """
import os, threading
from services.common.scheduling import batch_scheduling
started, done = threading.Event(), threading.Event()
policies = {}
def before():
    started.set()
    done.wait()
    policies["before"] = os.sched_getscheduler(0)
thread = threading.Thread(target=before)
thread.start()
started.wait()
batch_scheduling()
later = threading.Thread(target=lambda: policies.__setitem__("after", os.sched_getscheduler(0)))
later.start(); later.join()
done.set(); thread.join()
print(os.sched_getscheduler(0), policies["before"], policies["after"])
"""


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="Linux only")
def test_every_thread_and_every_later_one_runs_under_batch_scheduling():
    out = subprocess.run(
        [sys.executable, "-c", _PROGRAM], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [str(os.SCHED_BATCH)] * 3


def test_it_is_harmless_where_the_policy_is_missing(monkeypatch):
    monkeypatch.delattr(os, "SCHED_BATCH", raising=False)
    batch_scheduling()
