import os

import pytest

from services.common.scheduling import batch_scheduling
from tests.unit.common.every_thread import called_beside_threads


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="Linux only")
def test_every_thread_and_every_later_one_runs_under_batch_scheduling():
    _, out = called_beside_threads(
        "from services.common.scheduling import batch_scheduling",
        "batch_scheduling()",
        "os.sched_getscheduler(0)",
    )
    assert out == [str(os.SCHED_BATCH)] * 3


def test_it_is_harmless_where_the_policy_is_missing(monkeypatch):
    monkeypatch.delattr(os, "SCHED_BATCH", raising=False)
    batch_scheduling()
